<?php

declare(strict_types=1);

namespace Mpgs;

/** The request breaks the gateway's field rules; every problem is in fieldErrors. Nothing was sent. */
class ValidationException extends NotSentException
{
}
