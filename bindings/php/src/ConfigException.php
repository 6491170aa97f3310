<?php

declare(strict_types=1);

namespace Mpgs;

/** A bad setting (no credentials, an unknown region, a file that cannot be read); nothing was sent. */
class ConfigException extends NotSentException
{
}
