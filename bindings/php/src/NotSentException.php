<?php

declare(strict_types=1);

namespace Mpgs;

/** Nothing left the machine (a bad argument, setting or request): safe to fix and send again. */
class NotSentException extends Exception
{
}
