<?php

declare(strict_types=1);

namespace Mpgs;

/** Which roots are trusted for the gateway's certificate (`mpgs_trust`); never "none". */
enum Trust: string
{
    /** The default: the Mozilla roots bundled in libmpgs, plus the CA files. */
    case Mozilla = 'mozilla';
    /** The system's store (SSL_CERT_FILE / SSL_CERT_DIR honoured), plus the CA files. */
    case System = 'system';
    /** Only the CA files given (pinning); a client without one is a ConfigException. */
    case CaFilesOnly = 'ca-files-only';

    /** The C library's number. */
    public function code(): int
    {
        return match ($this) {
            self::Mozilla => 0,
            self::System => 1,
            self::CaFilesOnly => 2,
        };
    }
}
