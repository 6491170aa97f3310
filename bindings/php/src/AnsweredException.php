<?php

declare(strict_types=1);

namespace Mpgs;

/** The gateway answered (its error, a refusal of the credentials, or an answer that could not be read). */
class AnsweredException extends Exception
{
}
