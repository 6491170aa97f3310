<?php

declare(strict_types=1);

namespace Mpgs;

/**
 * A failed call, with every field of the C library's `mpgs_error`. Never holds a secret.
 *
 * The class says where the call failed (its stage): NotSentException (nothing left the machine:
 * ConfigException, ValidationException, InvalidArgumentException, NotFoundException),
 * AnsweredException (the gateway answered: GatewayException, AuthenticationException,
 * DecodeException) and UnansweredException (no answer: ConnectException, TlsException,
 * TimeoutException, IoException), and InternalException (a bug in libmpgs).
 *
 * `outcomeUnknown` is true when the gateway may have processed the request: look the result up
 * before sending anything that must not happen twice.
 */
class Exception extends \RuntimeException
{
    /**
     * @param list<FieldError> $fieldErrors
     */
    public function __construct(
        string $message,
        public readonly Status $status,
        public readonly Stage $stage,
        public readonly int $httpStatus = 0,
        public readonly bool $outcomeUnknown = false,
        public readonly int $attempts = 0,
        /** The gateway's `error.cause` (INVALID_REQUEST, SERVER_BUSY, …). */
        public readonly ?string $cause = null,
        public readonly ?string $field = null,
        public readonly ?string $validationType = null,
        public readonly ?string $explanation = null,
        public readonly ?string $supportCode = null,
        /** The gateway's whole error answer as JSON (gateway errors only; masked). */
        public readonly ?string $gatewayJson = null,
        public readonly array $fieldErrors = [],
    ) {
        parent::__construct($message, $status->value);
    }

    /** The C status's name (`MPGS_STATUS_VALIDATION`). */
    public function statusName(): string
    {
        return Mpgs::statusName($this->status->value);
    }

    /**
     * Copies the C error `$err` (an `mpgs_error*`, possibly NULL) into the exception of its
     * status, and frees it.
     *
     * @internal
     */
    public static function fromC(int $status, \FFI\CData $err): self
    {
        $ffi = Native::ffi();
        try {
            if (\FFI::isNull($err)) {
                return self::make(Status::tryFrom($status) ?? Status::Internal, Mpgs::statusName($status), Stage::Unknown);
            }
            $fieldErrors = [];
            $n = (int) $ffi->mpgs_error_field_error_count($err);
            $fe = $ffi->new('mpgs_field_error');
            for ($i = 0; $i < $n; $i++) {
                if ($ffi->mpgs_error_field_error($err, $i, \FFI::addr($fe)) === 0) {
                    $fieldErrors[] = new FieldError(
                        (string) Native::str($fe->field),
                        (string) Native::str($fe->validation_type),
                        (string) Native::str($fe->explanation),
                    );
                }
            }
            return self::make(
                Status::tryFrom($ffi->mpgs_error_status($err)) ?? Status::Internal,
                (string) Native::str($ffi->mpgs_error_message($err)),
                Stage::tryFrom($ffi->mpgs_error_stage($err)) ?? Stage::Unknown,
                $ffi->mpgs_error_http_status($err),
                $ffi->mpgs_error_outcome_unknown($err),
                $ffi->mpgs_error_attempts($err),
                Native::str($ffi->mpgs_error_cause($err)),
                Native::str($ffi->mpgs_error_field($err)),
                Native::str($ffi->mpgs_error_validation_type($err)),
                Native::str($ffi->mpgs_error_explanation($err)),
                Native::str($ffi->mpgs_error_support_code($err)),
                Native::str($ffi->mpgs_error_gateway_json($err)),
                $fieldErrors,
            );
        } finally {
            $ffi->mpgs_error_free($err);
        }
    }

    /**
     * The exception of `$status`'s class.
     *
     * @param list<FieldError> $fieldErrors
     * @internal
     */
    public static function make(Status $status, string $message, Stage $stage, int $httpStatus = 0, bool $outcomeUnknown = false, int $attempts = 0, ?string $cause = null, ?string $field = null, ?string $validationType = null, ?string $explanation = null, ?string $supportCode = null, ?string $gatewayJson = null, array $fieldErrors = []): self
    {
        $class = match ($status) {
            Status::InvalidArgument => InvalidArgumentException::class,
            Status::Config => ConfigException::class,
            Status::Validation => ValidationException::class,
            Status::Gateway => GatewayException::class,
            Status::Authentication => AuthenticationException::class,
            Status::Decode => DecodeException::class,
            Status::Connect => ConnectException::class,
            Status::Tls => TlsException::class,
            Status::Timeout => TimeoutException::class,
            Status::Io => IoException::class,
            Status::NotFound => NotFoundException::class,
            default => InternalException::class,
        };
        return new $class($message, $status, $stage, $httpStatus, $outcomeUnknown, $attempts, $cause, $field, $validationType, $explanation, $supportCode, $gatewayJson, $fieldErrors);
    }
}
