<?php

declare(strict_types=1);

namespace Mpgs;

/**
 * A session (Create, Update or Retrieve Session). The typed fields are copied when it is made;
 * json() has every secret masked, jsonVerbatim() and aes256Key() return what the gateway sent
 * (never log them). The C handle is released when the object goes (its strings zeroed).
 */
final class Session
{
    /** `session.id`. */
    public readonly ?string $id;
    /** `session.version`, for optimistic locking and readyForToken(). */
    public readonly ?string $version;
    /** `session.updateStatus`: NO_UPDATE, SUCCESS or FAILURE. */
    public readonly ?string $updateStatus;
    public readonly ?string $merchant;
    /** `result` (SUCCESS). */
    public readonly ?string $result;
    /** `correlationId`, as sent. */
    public readonly ?string $correlationId;
    /** `session.authenticationLimit`, null when absent. */
    public readonly ?int $authenticationLimit;
    /** The HTTP status of the answer (201). */
    public readonly int $httpStatus;
    /** The API version in the request's path. */
    public readonly int $apiVersion;
    /** How many times the request was sent (1 without retries). */
    public readonly int $attempts;

    /** @internal */
    public function __construct(private readonly \FFI\CData $handle)
    {
        $ffi = Native::ffi();
        $this->id = Native::str($ffi->mpgs_session_id($handle));
        $this->version = Native::str($ffi->mpgs_session_version($handle));
        $this->updateStatus = Native::str($ffi->mpgs_session_update_status($handle));
        $this->merchant = Native::str($ffi->mpgs_session_merchant($handle));
        $this->result = Native::str($ffi->mpgs_session_result($handle));
        $this->correlationId = Native::str($ffi->mpgs_session_correlation_id($handle));
        $limit = $ffi->new('uint32_t');
        $this->authenticationLimit = $ffi->mpgs_session_authentication_limit($handle, \FFI::addr($limit)) ? $limit->cdata : null;
        $this->httpStatus = $ffi->mpgs_session_http_status($handle);
        $this->apiVersion = $ffi->mpgs_session_api_version($handle);
        $this->attempts = $ffi->mpgs_session_attempts($handle);
    }

    /** `session.aes256Key`: Base64 of the session's AES-256 key. A secret: never log it. */
    public function aes256Key(): ?string
    {
        return Native::str(Native::ffi()->mpgs_session_aes256_key($this->handle));
    }

    /** The whole answer as JSON text, card numbers masked 6.4, other secrets as `***`. */
    public function json(): string
    {
        return (string) Native::str(Native::ffi()->mpgs_session_json($this->handle));
    }

    /** The whole answer exactly as the gateway sent it (secrets in clear when it sent them). Never log it. */
    public function jsonVerbatim(): string
    {
        return (string) Native::str(Native::ffi()->mpgs_session_json_verbatim($this->handle));
    }

    /** Any field by dotted name, masked as in json(), as text (objects as JSON); null when absent. */
    public function get(string $name): ?string
    {
        return Result::get($this->handle, $name, 'mpgs_session_get');
    }

    /**
     * Whether this session can be tokenized: updateStatus SUCCESS, card details present, and
     * the version `$expectedVersion` (the one the payment page reported) when given.
     */
    public function readyForToken(?string $expectedVersion = null): Readiness
    {
        $r = Native::ffi()->mpgs_session_ready_for_token($this->handle, Native::text($expectedVersion, 'expectedVersion'));
        return Readiness::tryFrom($r) ?? Readiness::InvalidArgument;
    }

    public function __destruct()
    {
        Native::ffi()->mpgs_session_free($this->handle);
    }

    /** @return array<string, mixed> the typed fields (no handle, no secret) */
    public function __debugInfo(): array
    {
        return Result::fields($this);
    }
}
