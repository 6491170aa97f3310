<?php

declare(strict_types=1);

namespace Mpgs;

/**
 * One call, after it ended: what the `onCall` hook receives (C `mpgs_call_event`, copied). It
 * holds no body, no header and no secret, and cannot be changed.
 *
 * A call refused before sending (validation) is still a call: 0 attempts, stage NotSent. A call
 * the package refuses before it reaches libmpgs (a closed client, a NUL in a string) has none.
 */
final class CallEvent
{
    /** The client method's name for each `mpgs_operation`. */
    private const OPERATIONS = [
        1 => 'createSession', 2 => 'createToken', 3 => 'updateSession', 4 => 'retrieveSession',
        5 => 'retrieveToken', 6 => 'deleteToken', 7 => 'checkGateway',
    ];

    public function __construct(
        /** The Client method: createSession, createToken, retrieveSession, updateSession, retrieveToken, deleteToken, checkGateway. */
        public readonly string $operation,
        /** The operation's name in the gateway's documentation (`Create Session`). */
        public readonly string $operationName,
        /** POST, GET, PUT or DELETE. */
        public readonly string $method,
        /**
         * The request path after the base URL's own path, merchant included; session and token
         * ids as sent, except a token id that could be a card number (masked 6.4); an id refused
         * before sending shows as `{sessionId}` / `{tokenid}`.
         */
        public readonly string $path,
        public readonly int $apiVersion,
        /** The HTTP status of the answer read; null when none was read. */
        public readonly ?int $httpStatus,
        /** How many times the request was sent, retries included (0: refused before sending). */
        public readonly int $attempts,
        /** Seconds from the call's start to its end. */
        public readonly float $elapsed,
        /** True when the gateway may have processed the request and its answer was not read. */
        public readonly bool $outcomeUnknown,
        /** Status::Ok for a success, else the status of the exception the call throws. */
        public readonly Status $status,
        /** Where the call failed; null for a success. */
        public readonly ?Stage $stage,
    ) {
    }

    /** True when the call succeeded. */
    public function ok(): bool
    {
        return $this->status === Status::Ok;
    }

    /**
     * Copies a borrowed `const mpgs_call_event *` (valid only during the C callback).
     *
     * @internal
     */
    public static function fromC(\FFI\CData $e): self
    {
        $status = Status::tryFrom((int) $e->status) ?? Status::Internal;
        $http = (int) $e->http_status;
        return new self(
            self::OPERATIONS[(int) $e->operation] ?? 'unknown',
            (string) Native::str($e->operation_name),
            (string) Native::str($e->method),
            (string) Native::str($e->path),
            (int) $e->api_version,
            $http === 0 ? null : $http,
            (int) $e->attempts,
            ((int) $e->elapsed_us) / 1e6,
            (bool) $e->outcome_unknown,
            $status,
            $status === Status::Ok ? null : (Stage::tryFrom((int) $e->stage) ?? Stage::Unknown),
        );
    }
}
