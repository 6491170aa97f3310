<?php

declare(strict_types=1);

namespace Mpgs;

/**
 * A client of the Mastercard Payment Gateway. Make one per process (or per worker), keep it:
 * it holds the keep-alive connections. Every call blocks until the gateway answers, the
 * timeout passes or the request is refused before sending; a failure throws an Mpgs\Exception.
 *
 *     $client = new Mpgs\Client([
 *         'merchantId' => 'TESTMERCHANT', 'password' => getenv('MPGS_PASSWORD'),
 *         'region' => 'mtf',
 *     ]);
 *
 * Options (unset keeps the default): merchantId (required); password, or certFile + keyFile;
 * baseUrl or region (na, eu, ap, in, cn, ksa, mtf); caFile (a path) / caFiles (a list);
 * trust (Trust or 'mozilla' | 'system' | 'ca-files-only'); connectTimeoutMs (10000);
 * timeoutMs (45000, the whole call, retries included); maxRetries (2); proxy
 * ('http://[user:password@]host:port'); proxyFromEnv (false); sessionApiVersion (58);
 * tokenApiVersion (38); validationLevel (ValidationLevel or 'auto' | 'strict' |
 * 'known-fields' | 'off'); tokenRepositoryUniqueCard (false); onCall (a callable given a
 * CallEvent after each call: see observed()).
 *
 * A string holding U+0000 (NUL), in a setting, an id or JSON text, is refused with an
 * InvalidArgumentException naming it, never cut short at the NUL.
 */
final class Client
{
    private const OPTIONS = [
        'merchantId', 'password', 'certFile', 'keyFile', 'baseUrl', 'region', 'caFile', 'caFiles',
        'trust', 'connectTimeoutMs', 'timeoutMs', 'maxRetries', 'proxy', 'proxyFromEnv',
        'sessionApiVersion', 'tokenApiVersion', 'validationLevel', 'tokenRepositoryUniqueCard',
        'onCall',
    ];

    private ?\FFI\CData $handle = null;

    /** The `onCall` hook, or null. */
    private ?\Closure $onCall = null;

    /** @param array<string, mixed> $options */
    public function __construct(#[\SensitiveParameter] array $options)
    {
        $ffi = Native::ffi();
        foreach (array_keys($options) as $key) {
            if (!in_array($key, self::OPTIONS, true)) {
                throw self::notSent(Status::Config, "mpgs: unknown option '$key' (known: " . implode(', ', self::OPTIONS) . ')', 'options');
            }
        }
        if (!is_string($options['merchantId'] ?? null)) {
            throw self::notSent(Status::Config, "mpgs: option 'merchantId' (a string) is required", 'merchantId');
        }
        $config = $ffi->new('mpgs_config*');
        $err = $ffi->new('mpgs_error*');
        Native::check($ffi->mpgs_config_new(Native::text($options['merchantId'], 'merchantId'), \FFI::addr($config), \FFI::addr($err)), $err);
        try {
            $this->configure($config, $options);
            $client = $ffi->new('mpgs_client*');
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_client_new($config, \FFI::addr($client), \FFI::addr($err)), $err);
            $this->handle = $client;
        } finally {
            $ffi->mpgs_config_free($config);
        }
    }

    /** @param array<string, mixed> $o */
    private function configure(\FFI\CData $c, #[\SensitiveParameter] array $o): void
    {
        $ffi = Native::ffi();
        $str = function (string $key) use ($o): ?string {
            if (!isset($o[$key])) {
                return null;
            }
            if (!is_string($o[$key])) {
                throw self::notSent(Status::Config, "mpgs: option '$key' must be a string", $key);
            }
            return Native::text($o[$key], $key);
        };
        $int = function (string $key) use ($o): ?int {
            if (!isset($o[$key])) {
                return null;
            }
            if (!is_int($o[$key]) || $o[$key] < 0 || $o[$key] > 0xFFFFFFFF) {
                throw self::notSent(Status::Config, "mpgs: option '$key' must be an integer from 0 to 4294967295", $key);
            }
            return $o[$key];
        };
        if (($v = $str('password')) !== null) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_password($c, $v, \FFI::addr($err)), $err);
        }
        $cert = $str('certFile');
        $key = $str('keyFile');
        if ($cert !== null || $key !== null) {
            if ($cert === null || $key === null) {
                throw self::notSent(Status::Config, "mpgs: options 'certFile' and 'keyFile' go together", $cert === null ? 'certFile' : 'keyFile');
            }
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_certificate_files($c, $cert, $key, \FFI::addr($err)), $err);
        }
        if (($v = $str('baseUrl')) !== null) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_base_url($c, $v, \FFI::addr($err)), $err);
        }
        if (($v = $str('region')) !== null) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_region($c, $v, \FFI::addr($err)), $err);
        }
        $caFiles = $o['caFiles'] ?? [];
        if (!is_array($caFiles)) {
            throw self::notSent(Status::Config, "mpgs: option 'caFiles' must be a list of paths", 'caFiles');
        }
        if (($v = $str('caFile')) !== null) {
            array_unshift($caFiles, $v);
        }
        foreach ($caFiles as $file) {
            if (!is_string($file)) {
                throw self::notSent(Status::Config, "mpgs: option 'caFiles' must be a list of paths", 'caFiles');
            }
            Native::text($file, 'caFiles');
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_add_ca_file($c, $file, \FFI::addr($err)), $err);
        }
        if (isset($o['trust'])) {
            $trust = self::enum(Trust::class, $o['trust'], 'trust');
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_trust($c, $trust->code(), \FFI::addr($err)), $err);
        }
        if (($v = $int('connectTimeoutMs')) !== null) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_connect_timeout_ms($c, $v, \FFI::addr($err)), $err);
        }
        if (($v = $int('timeoutMs')) !== null) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_timeout_ms($c, $v, \FFI::addr($err)), $err);
        }
        if (($v = $int('maxRetries')) !== null) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_max_retries($c, $v, \FFI::addr($err)), $err);
        }
        if (($v = $str('proxy')) !== null) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_proxy($c, $v, \FFI::addr($err)), $err);
        }
        if (isset($o['proxyFromEnv'])) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_proxy_from_env($c, (bool) $o['proxyFromEnv'], \FFI::addr($err)), $err);
        }
        if (($v = $int('sessionApiVersion')) !== null) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_session_api_version($c, $v, \FFI::addr($err)), $err);
        }
        if (($v = $int('tokenApiVersion')) !== null) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_token_api_version($c, $v, \FFI::addr($err)), $err);
        }
        if (isset($o['validationLevel'])) {
            $level = self::level($o['validationLevel']);
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_validation_level($c, $level, \FFI::addr($err)), $err);
        }
        if (isset($o['tokenRepositoryUniqueCard'])) {
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_token_repository_unique_card($c, (bool) $o['tokenRepositoryUniqueCard'], \FFI::addr($err)), $err);
        }
        if (isset($o['onCall'])) {
            if (!is_callable($o['onCall'])) {
                throw self::notSent(Status::Config, "mpgs: option 'onCall' must be a callable (given a Mpgs\\CallEvent)", 'onCall');
            }
            $this->onCall = \Closure::fromCallable($o['onCall']);
            $err = $ffi->new('mpgs_error*');
            Native::check($ffi->mpgs_config_set_observer($c, Native::observer(), null, \FFI::addr($err)), $err);
        }
    }

    /**
     * Create Session. `$body`: an array in the gateway's shape (nested or dotted names), JSON
     * text, a Request, or null (an empty body). Checked before anything is sent.
     *
     * @param array<mixed>|string|Request|null $body
     */
    public function createSession(#[\SensitiveParameter] array|string|Request|null $body = null): Session
    {
        $ffi = Native::ffi();
        $out = $ffi->new('mpgs_session*');
        if ($body instanceof Request) {
            $err = $ffi->new('mpgs_error*');
            Native::check($this->observed($ffi->mpgs_client_create_session_with($this->handle(), $body->handle, \FFI::addr($out), \FFI::addr($err))), $err);
        } else {
            $json = Native::body($body);
            $err = $ffi->new('mpgs_error*');
            Native::check($this->observed($ffi->mpgs_client_create_session($this->handle(), $json, \FFI::addr($out), \FFI::addr($err))), $err);
        }
        return new Session($out);
    }

    /**
     * Create or Update Token. `$body`: an array in the gateway's shape, JSON text or a Request.
     * Checked before anything is sent.
     *
     * @param array<mixed>|string|Request $body
     */
    public function createToken(#[\SensitiveParameter] array|string|Request $body): Token
    {
        $ffi = Native::ffi();
        $out = $ffi->new('mpgs_token*');
        if ($body instanceof Request) {
            $err = $ffi->new('mpgs_error*');
            Native::check($this->observed($ffi->mpgs_client_create_token_with($this->handle(), $body->handle, \FFI::addr($out), \FFI::addr($err))), $err);
        } else {
            $json = Native::body($body);
            $err = $ffi->new('mpgs_error*');
            Native::check($this->observed($ffi->mpgs_client_create_token($this->handle(), $json, \FFI::addr($out), \FFI::addr($err))), $err);
        }
        return new Token($out);
    }

    /**
     * Retrieve Session: what session `$sessionId` holds, card details masked. The id is checked
     * before anything is sent (a ValidationException naming sessionId). See readyForToken().
     */
    public function retrieveSession(string $sessionId): Session
    {
        $ffi = Native::ffi();
        $out = $ffi->new('mpgs_session*');
        $err = $ffi->new('mpgs_error*');
        Native::check($this->observed($ffi->mpgs_client_retrieve_session($this->handle(), Native::text($sessionId, 'sessionId'), \FFI::addr($out), \FFI::addr($err))), $err);
        return new Session($out);
    }

    /**
     * Update Session: stores the fields of `$body` (array, JSON text or a Request of
     * Operation::UpdateSession) in session `$sessionId`. Never sent twice.
     *
     * @param array<mixed>|string|Request|null $body
     */
    public function updateSession(string $sessionId, #[\SensitiveParameter] array|string|Request|null $body = null): Session
    {
        $ffi = Native::ffi();
        $out = $ffi->new('mpgs_session*');
        if ($body instanceof Request) {
            $err = $ffi->new('mpgs_error*');
            Native::check($this->observed($ffi->mpgs_client_update_session_with($this->handle(), Native::text($sessionId, 'sessionId'), $body->handle, \FFI::addr($out), \FFI::addr($err))), $err);
        } else {
            $json = Native::body($body);
            $err = $ffi->new('mpgs_error*');
            Native::check($this->observed($ffi->mpgs_client_update_session($this->handle(), Native::text($sessionId, 'sessionId'), $json, \FFI::addr($out), \FFI::addr($err))), $err);
        }
        return new Session($out);
    }

    /** Retrieve Token: the details stored against `$token`, card number masked. */
    public function retrieveToken(string $token): Token
    {
        $ffi = Native::ffi();
        $out = $ffi->new('mpgs_token*');
        $err = $ffi->new('mpgs_error*');
        Native::check($this->observed($ffi->mpgs_client_retrieve_token($this->handle(), Native::text($token, 'token'), \FFI::addr($out), \FFI::addr($err))), $err);
        return new Token($out);
    }

    /** Delete Token: `$token` is then unknown to the gateway. */
    public function deleteToken(string $token): DeleteResult
    {
        $ffi = Native::ffi();
        $out = $ffi->new('mpgs_delete_result*');
        $err = $ffi->new('mpgs_error*');
        Native::check($this->observed($ffi->mpgs_client_delete_token($this->handle(), Native::text($token, 'token'), \FFI::addr($out), \FFI::addr($err))), $err);
        return new DeleteResult($out);
    }

    /** Check Gateway: reachable and OPERATING? Sends no credentials, so proves nothing about them. */
    public function checkGateway(): GatewayInfo
    {
        $ffi = Native::ffi();
        $out = $ffi->new('mpgs_gateway_info*');
        $err = $ffi->new('mpgs_error*');
        Native::check($this->observed($ffi->mpgs_client_check_gateway($this->handle(), \FFI::addr($out), \FFI::addr($err))), $err);
        return new GatewayInfo($out);
    }

    /**
     * Warm-up: opens a connection to the gateway (TCP, the proxy tunnel if any, the TLS
     * handshake) and keeps it, so that the next call pays only its own round trip; nothing if an
     * idle connection is fit for reuse already. Sends no request, so it proves nothing about the
     * credentials, and no `onCall` event. The connection is kept as any idle one (15 s until the
     * server has said how long it keeps connections): call it when a call is near. Bounded by
     * `timeoutMs`; throws the exception a call would have met (ConnectException, TlsException or
     * TimeoutException, `outcomeUnknown` false: nothing was sent).
     */
    public function connect(): void
    {
        $ffi = Native::ffi();
        $err = $ffi->new('mpgs_error*');
        Native::check($ffi->mpgs_client_connect($this->handle(), \FFI::addr($err)), $err);
    }

    /**
     * When the client certificate (the leaf of `certFile`) expires, its `notAfter` in UTC, so
     * that a till can warn before the gateway starts refusing it; null with password
     * authentication. Reads the certificate loaded when the client was made: sends nothing.
     */
    public function clientCertificateExpiry(): ?\DateTimeImmutable
    {
        $ffi = Native::ffi();
        $seconds = $ffi->new('int64_t');
        $err = $ffi->new('mpgs_error*');
        $status = $ffi->mpgs_client_certificate_not_after($this->handle(), \FFI::addr($seconds), \FFI::addr($err));
        if ($status === Status::NotFound->value) {
            $ffi->mpgs_error_free($err);
            return null;
        }
        Native::check($status, $err);
        return new \DateTimeImmutable('@' . $seconds->cdata);
    }

    /**
     * Whether `$session` (from retrieveSession) can be tokenized, judged by libmpgs
     * (`mpgs_session_ready_for_token`) against the version the payment page reported.
     */
    public function readyForToken(Session $session, ?string $expectedVersion = null): Readiness
    {
        return $session->readyForToken($expectedVersion);
    }

    /** Releases the client now (it is also released when the object goes). Idempotent. */
    public function close(): void
    {
        if ($this->handle !== null) {
            Native::ffi()->mpgs_client_free($this->handle);
            $this->handle = null;
        }
    }

    public function __destruct()
    {
        $this->close();
    }

    /** @return array<string, mixed> */
    public function __debugInfo(): array
    {
        return ['open' => $this->handle !== null];
    }

    /**
     * Hands the event of the C call that just returned to the `onCall` hook, and returns that
     * call's `$status`. The hook runs here, on the calling thread, after libmpgs has returned and
     * before the call's result is returned or its exception thrown. A \Throwable the hook throws
     * is written with error_log() (its class, message and place; the event holds no secret) and
     * dropped: the call's result stands. error_log, not trigger_error: a framework's error
     * handler turns a warning into an exception, which would break the call.
     */
    private function observed(int $status): int
    {
        $event = Native::takeEvent();
        if ($event !== null && $this->onCall !== null) {
            try {
                ($this->onCall)($event);
            } catch (\Throwable $t) {
                error_log(sprintf('mpgs: the onCall hook threw %s: %s (%s:%d); the call\'s result is returned as it was',
                    $t::class, $t->getMessage(), $t->getFile(), $t->getLine()));
            }
        }
        return $status;
    }

    private function handle(): \FFI\CData
    {
        return $this->handle ?? throw self::notSent(Status::InvalidArgument, 'mpgs: the client is closed', 'client');
    }

    /** @internal the C number of a validation level given as the enum or its name */
    public static function level(ValidationLevel|string $level): int
    {
        return self::enum(ValidationLevel::class, $level, 'validationLevel')->code();
    }

    /**
     * @template T of \BackedEnum
     * @param class-string<T> $class
     * @return T
     */
    private static function enum(string $class, mixed $value, string $option): \BackedEnum
    {
        if ($value instanceof $class) {
            return $value;
        }
        $found = is_string($value) ? $class::tryFrom($value) : null;
        if ($found === null) {
            $names = implode(', ', array_map(fn ($c) => $c->value, $class::cases()));
            throw self::notSent(Status::InvalidArgument, "mpgs: option '$option' must be one of $names", $option);
        }
        return $found;
    }

    private static function notSent(Status $status, string $message, string $field): Exception
    {
        return Exception::make($status, $message, Stage::NotSent, field: $field);
    }
}
