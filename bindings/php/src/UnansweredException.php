<?php

declare(strict_types=1);

namespace Mpgs;

/** No answer came (connect, TLS, timeout, I/O): see outcomeUnknown before sending again. */
class UnansweredException extends Exception
{
}
