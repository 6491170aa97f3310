<?php

declare(strict_types=1);

namespace Mpgs;

/** @internal What the answers share. */
final class Result
{
    /** `mpgs_*_get`: an owned string, copied then released (zeroed); null for NOT_FOUND. */
    public static function get(\FFI\CData $handle, string $name, string $function): ?string
    {
        $ffi = Native::ffi();
        $value = $ffi->new('char*');
        try {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->$function($handle, Native::text($name, 'name'), \FFI::addr($value), \FFI::addr($err)), $err);
        } catch (NotFoundException) {
            return null;
        }
        try {
            return \FFI::string($value);
        } finally {
            $ffi->mpgs_string_free($value);
        }
    }

    /** @return array<string, mixed> the public properties of `$object` (called from outside its scope) */
    public static function fields(object $object): array
    {
        return get_object_vars($object);
    }
}
