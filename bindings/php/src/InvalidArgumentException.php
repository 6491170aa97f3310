<?php

declare(strict_types=1);

namespace Mpgs;

/** A bad argument (a closed client, a string that is not UTF-8); the message names it. Nothing was sent. */
class InvalidArgumentException extends NotSentException
{
}
