<?php

declare(strict_types=1);

namespace Mpgs;

/** HTTP 401: the gateway refused the credentials or certificate. */
class AuthenticationException extends GatewayException
{
}
