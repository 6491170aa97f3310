<?php

declare(strict_types=1);

namespace Mpgs;

/** How strictly requests are checked before they are sent (`mpgs_validation_level`). */
enum ValidationLevel: string
{
    /** The default: the documented tables in full at the documented API versions, known fields at others. */
    case Auto = 'auto';
    /** The documented tables in full at any version: an unknown field is UNSUPPORTED. */
    case Strict = 'strict';
    /** Known fields keep their types; unknown fields and enumeration values pass. */
    case KnownFields = 'known-fields';
    /** No client-side field checks (the body must still be a JSON object). */
    case Off = 'off';

    /** The C library's number. */
    public function code(): int
    {
        return match ($this) {
            self::Auto => 0,
            self::Strict => 1,
            self::KnownFields => 2,
            self::Off => 3,
        };
    }
}
