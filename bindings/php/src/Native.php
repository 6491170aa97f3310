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

    /** The `mpgs_call_observer[1]` holding the one C callback of the process (see observer()). */
    private static ?\FFI\CData $observer = null;

    /** The event the C callback copied during the call now returning, not yet handed over. */
    private static ?CallEvent $event = null;

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

    /**
     * `$value` as C text: a string holding U+0000 (NUL) is refused with an
     * InvalidArgumentException naming `$name`, since C would read it only up to the NUL (a token
     * `tok\0/../x` would reach the gateway as `tok`).
     */
    public static function text(#[\SensitiveParameter] ?string $value, string $name): ?string
    {
        if ($value !== null && str_contains($value, "\0")) {
            throw Exception::make(Status::InvalidArgument, "mpgs: $name holds a NUL character (U+0000), which C text cannot carry: refused, not cut short", Stage::NotSent, field: $name);
        }
        return $value;
    }

    /**
     * The C observer every client with an `onCall` hook is given (`mpgs_config_set_observer`),
     * made once per process and kept for its life. It runs inside libmpgs, on the calling thread,
     * before the call returns, and does as little PHP as it can: it copies the borrowed event into
     * a CallEvent and keeps it for takeEvent(). The hook itself runs after the C call has returned
     * (Client::observed), so nothing it does (an exception, a call into the client, exit) happens
     * with libmpgs's frames on the stack: PHP makes a throw out of an FFI callback a fatal error.
     */
    public static function observer(): \FFI\CData
    {
        if (self::$observer === null) {
            $holder = self::ffi()->new('mpgs_call_observer[1]');
            $holder[0] = static function ($event, $userData): void {
                try {
                    self::$event = CallEvent::fromC($event);
                } catch (\Throwable) {
                    self::$event = null;
                }
            };
            self::$observer = $holder;
        }
        return self::$observer[0];
    }

    /** The event of the call that just returned (null when it had no observer), taken once. */
    public static function takeEvent(): ?CallEvent
    {
        $event = self::$event;
        self::$event = null;
        return $event;
    }

    /** JSON text for a request body: an array (an empty one is `{}`), JSON text, or null. */
    public static function body(#[\SensitiveParameter] array|string|null $body): ?string
    {
        if (is_array($body)) {
            // json_encode writes a NUL inside a value as \u0000: the text holds none.
            return $body === [] ? '{}' : json_encode($body, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION);
        }
        return self::text($body, 'body');
    }
}
