<?php

declare(strict_types=1);

namespace Mpgs;

/** The field asked for is not in the answer. */
class NotFoundException extends NotSentException
{
}
