<?php

declare(strict_types=1);

namespace Mpgs;

/** The TLS handshake failed (untrusted certificate, wrong host name, client certificate refused). */
class TlsException extends UnansweredException
{
}
