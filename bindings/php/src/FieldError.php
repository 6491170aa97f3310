<?php

declare(strict_types=1);

namespace Mpgs;

/** One field problem: a dotted path, INVALID / MISSING / UNSUPPORTED, and why. */
final class FieldError
{
    public function __construct(
        public readonly string $field,
        public readonly string $validationType,
        public readonly string $explanation,
    ) {
    }
}
