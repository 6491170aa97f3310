<?php

declare(strict_types=1);

namespace Mpgs;

/** The connection failed while the request or answer was under way; see outcomeUnknown. */
class IoException extends UnansweredException
{
}
