<?php

declare(strict_types=1);

namespace Mpgs;

/** What Check Gateway answered (it sends no credentials, so it proves nothing about them). */
final class GatewayInfo
{
    /** `gatewayVersion`: the gateway platform's version. */
    public readonly ?string $gatewayVersion;
    /** `status`: OPERATING or SHUTDOWN. */
    public readonly ?string $status;
    /** True when status is OPERATING. */
    public readonly bool $operating;
    public readonly int $httpStatus;
    /** The API version in the request's path (the session version). */
    public readonly int $apiVersion;
    public readonly int $attempts;

    /** @internal */
    public function __construct(private readonly \FFI\CData $handle)
    {
        $ffi = Native::ffi();
        $this->gatewayVersion = Native::str($ffi->mpgs_gateway_info_gateway_version($handle));
        $this->status = Native::str($ffi->mpgs_gateway_info_status($handle));
        $this->operating = $ffi->mpgs_gateway_info_is_operating($handle);
        $this->httpStatus = $ffi->mpgs_gateway_info_http_status($handle);
        $this->apiVersion = $ffi->mpgs_gateway_info_api_version($handle);
        $this->attempts = $ffi->mpgs_gateway_info_attempts($handle);
    }

    /** The whole answer as JSON text. */
    public function json(): string
    {
        return (string) Native::str(Native::ffi()->mpgs_gateway_info_json($this->handle));
    }

    public function __destruct()
    {
        Native::ffi()->mpgs_gateway_info_free($this->handle);
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return Result::fields($this);
    }
}
