<?php

declare(strict_types=1);

namespace Mpgs;

/**
 * A request built field by field (`mpgs_request_*`): values are given as text, by the dotted
 * names the gateway documents, and zeroed when the request is released. Pass it to
 * Client::createSession, createToken or updateSession.
 */
final class Request
{
    /** @internal */
    public readonly \FFI\CData $handle;

    public function __construct(public readonly Operation $operation)
    {
        $ffi = Native::ffi();
        $out = $ffi->new('mpgs_request*');
        $err = $ffi->new('mpgs_error*');
        Native::check($ffi->mpgs_request_new($operation->value, \FFI::addr($out), \FFI::addr($err)), $err);
        $this->handle = $out;
    }

    /** Sets field `$name` (`sourceOfFunds.provided.card.number`) to `$value`; judged when validated or sent. */
    public function set(string $name, #[\SensitiveParameter] string|int $value): self
    {
        $ffi = Native::ffi();
        $err = $ffi->new('mpgs_error*');
        Native::check($ffi->mpgs_request_set($this->handle, Native::text($name, 'name'), Native::text((string) $value, $name), \FFI::addr($err)), $err);
        return $this;
    }

    /** Removes field `$name` if it was set. */
    public function unset(string $name): self
    {
        $ffi = Native::ffi();
        $err = $ffi->new('mpgs_error*');
        Native::check($ffi->mpgs_request_unset($this->handle, Native::text($name, 'name'), \FFI::addr($err)), $err);
        return $this;
    }

    /** Checks every rule of the operation without sending: a ValidationException with every problem. */
    public function validate(): void
    {
        $ffi = Native::ffi();
        $err = $ffi->new('mpgs_error*');
        Native::check($ffi->mpgs_request_validate($this->handle, \FFI::addr($err)), $err);
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            Native::ffi()->mpgs_request_free($this->handle);
        }
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return ['operation' => $this->operation];
    }
}
