<?php

declare(strict_types=1);

namespace Mpgs;

/** The call ran past its timeout; see outcomeUnknown. */
class TimeoutException extends UnansweredException
{
}
