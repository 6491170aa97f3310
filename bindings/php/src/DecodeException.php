<?php

declare(strict_types=1);

namespace Mpgs;

/** The answer was not the gateway's JSON, was too large, or was a redirect. */
class DecodeException extends AnsweredException
{
}
