<?php

declare(strict_types=1);

namespace Mpgs;

/** Could not connect (refused, unreachable, name not found, the proxy refused the tunnel); not processed. */
class ConnectException extends UnansweredException
{
}
