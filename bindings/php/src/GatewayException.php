<?php

declare(strict_types=1);

namespace Mpgs;

/** The gateway answered with an error: cause, field, validationType, explanation, supportCode, gatewayJson. */
class GatewayException extends AnsweredException
{
}
