<?php

declare(strict_types=1);

namespace Mpgs;

/** A bug in libmpgs (caught at its boundary); outcomeUnknown is true. Please report it. */
class InternalException extends Exception
{
}
