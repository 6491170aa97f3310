<?php

declare(strict_types=1);

namespace Mpgs;

/**
 * The one FFI instance of the process: `lib/mpgs.h` (made from include/mpgs.h when the package
 * was built, so every C function is declared) over the package's own libmpgs, or the library
 * MPGS_LIBRARY names (a system-wide install). Its version must be the header's.
 *
 * @internal
 */
final class Native
{
    private static ?\FFI $ffi = null;

    public static function ffi(): \FFI
    {
        return self::$ffi ??= self::load();
    }

    /** The package's folder for this platform, in Rust's target names. */
    public static function target(): string
    {
        return match ([PHP_OS_FAMILY, php_uname('m')]) {
            ['Linux', 'x86_64'] => 'x86_64-unknown-linux-gnu',
            ['Linux', 'aarch64'], ['Linux', 'arm64'] => 'aarch64-unknown-linux-gnu',
            ['Darwin', 'arm64'] => 'aarch64-apple-darwin',
            ['Darwin', 'x86_64'] => 'x86_64-apple-darwin',
            ['Windows', 'AMD64'], ['Windows', 'x86_64'] => 'x86_64-pc-windows-msvc',
            default => strtolower(php_uname('m') . '-' . PHP_OS_FAMILY),
        };
    }

    private static function load(): \FFI
    {
        $lib = dirname(__DIR__) . '/lib';
        $file = match (PHP_OS_FAMILY) {
            'Darwin' => 'libmpgs.dylib',
            'Windows' => 'mpgs.dll',
            default => 'libmpgs.so',
        };
        $path = getenv('MPGS_LIBRARY') ?: $lib . '/' . self::target() . '/' . $file;
        if (!is_file($path)) {
            throw new \RuntimeException("mpgs: no libmpgs at $path (this package ships "
                . 'x86_64-unknown-linux-gnu; set MPGS_LIBRARY to a libmpgs of version '
                . self::headerVersion($lib) . ' for ' . self::target() . ')');
        }
        $ffi = \FFI::cdef((string) file_get_contents("$lib/mpgs.h"), $path);
        $version = (string) $ffi->mpgs_version();
        if ($version !== self::headerVersion($lib)) {
            throw new \RuntimeException("mpgs: $path is libmpgs $version, this package needs "
                . self::headerVersion($lib));
        }
        return $ffi;
    }

    private static function headerVersion(string $lib): string
    {
        return trim((string) @file_get_contents("$lib/VERSION"));
    }

    /** A `const char *` the FFI gave back (a string, NULL, or a pointer in a struct field). */
    public static function str(mixed $value): ?string
    {
        if ($value === null || is_string($value)) {
            return $value;
        }
        return \FFI::isNull($value) ? null : \FFI::string($value);
    }

    /**
     * Throws the Mpgs\Exception of `$err` (an `mpgs_error*` the call filled in; the C error is
     * freed) when `$status` is not MPGS_STATUS_OK. Callers make the C call themselves, so that no
     * frame of a trace holds a closure over a request body or a password.
     */
    public static function check(int $status, \FFI\CData $err): void
    {
        if ($status !== 0) {
            throw Exception::fromC($status, $err);
        }
    }

    /** JSON text for a request body: an array (an empty one is `{}`), JSON text, or null. */
    public static function body(#[\SensitiveParameter] array|string|null $body): ?string
    {
        if (is_array($body)) {
            return $body === [] ? '{}' : json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION);
        }
        return $body;
    }
}
