<?php

declare(strict_types=1);

namespace Mpgs;

/** What Delete Token answered; the token is then unknown to the gateway. */
final class DeleteResult
{
    /** `result` (SUCCESS). */
    public readonly ?string $result;
    public readonly ?string $correlationId;
    public readonly int $httpStatus;
    /** The API version in the request's path (the token version). */
    public readonly int $apiVersion;
    public readonly int $attempts;

    /** @internal */
    public function __construct(private readonly \FFI\CData $handle)
    {
        $ffi = Native::ffi();
        $this->result = Native::str($ffi->mpgs_delete_result_result($handle));
        $this->correlationId = Native::str($ffi->mpgs_delete_result_correlation_id($handle));
        $this->httpStatus = $ffi->mpgs_delete_result_http_status($handle);
        $this->apiVersion = $ffi->mpgs_delete_result_api_version($handle);
        $this->attempts = $ffi->mpgs_delete_result_attempts($handle);
    }

    /** The whole answer as JSON text, secrets masked. */
    public function json(): string
    {
        return (string) Native::str(Native::ffi()->mpgs_delete_result_json($this->handle));
    }

    public function __destruct()
    {
        Native::ffi()->mpgs_delete_result_free($this->handle);
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return Result::fields($this);
    }
}
