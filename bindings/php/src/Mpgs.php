<?php

declare(strict_types=1);

namespace Mpgs;

/** What needs no client: the library's version, names, and validation without sending. */
final class Mpgs
{
    /** libmpgs's version (`mpgs_version()`), equal to this package's. */
    public static function version(): string
    {
        return (string) Native::ffi()->mpgs_version();
    }

    /** A C status's name (`MPGS_STATUS_VALIDATION`), for logs. */
    public static function statusName(int $status): string
    {
        return (string) Native::ffi()->mpgs_status_name($status);
    }

    /**
     * Checks a body against every rule of `$operation` without sending it, as a client at
     * `$apiVersion` (null: the documented version) and `$level` would: throws a
     * ValidationException with every problem in fieldErrors.
     *
     * @param array<mixed>|string|null $body
     */
    public static function validate(Operation $operation, #[\SensitiveParameter] array|string|null $body, ?int $apiVersion = null, ValidationLevel|string|null $level = null): void
    {
        $ffi = Native::ffi();
        $json = Native::body($body);
        if ($apiVersion === null && $level === null) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_validate($operation->value, $json, \FFI::addr($err)), $err);
            return;
        }
        $code = Client::level($level ?? ValidationLevel::Auto);
        $err = $ffi->new('mpgs_error*');
        Native::check($ffi->mpgs_validate_at($operation->value, $apiVersion ?? 0, $code, $json, \FFI::addr($err)), $err);
    }
}
