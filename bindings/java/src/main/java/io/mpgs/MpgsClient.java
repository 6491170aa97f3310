package io.mpgs;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A libmpgs client through JNA. Thread-safe: share one between the threads of an executor.
 * Every call has an {@code ...Async} twin returning a {@link CompletableFuture}, run on the
 * {@link Executor} given to {@link Config#executor} (default: a shared pool of daemon threads,
 * one per call under way). {@link #close()} waits for calls under way. Answers ({@link Session}, {@link Token}) are plain
 * objects: the C handles behind them are released before a call returns. A failure throws an
 * {@link MpgsException} carrying every field of the C error.
 */
public final class MpgsClient implements AutoCloseable {
    /** The gateway operations (mpgs_operation, a {@link CallEvent}'s); {@link #validate} takes the three with a body. */
    public enum Operation {
        CREATE_SESSION(1), CREATE_TOKEN(2), UPDATE_SESSION(3), RETRIEVE_SESSION(4), RETRIEVE_TOKEN(5), DELETE_TOKEN(6),
        CHECK_GATEWAY(7), UNKNOWN(0);

        final int value;

        Operation(int value) {
            this.value = value;
        }

        static Operation of(int n) {
            for (Operation o : values()) if (o.value == n) return o;
            return UNKNOWN;
        }
    }

    /**
     * One call, after it ended: what {@link Config#onCall} receives. Immutable; it never holds a
     * body, a header or a secret.
     */
    public static final class CallEvent {
        public final Operation operation;
        /** The operation's name in the gateway's documentation ({@code "Create Session"}). */
        public final String operationName;
        public final String method;
        /**
         * The path after the base URL's own, merchant included, session and token ids as sent (a
         * token that could be a card number masked 6.4).
         */
        public final String path;
        public final int apiVersion;
        /** 0 when no answer was read. */
        public final int httpStatus;
        /** 0 when refused before sending. */
        public final int attempts;
        public final Duration elapsed;
        public final boolean outcomeUnknown;
        /** {@code OK} for a success, else the status of the {@link MpgsException} thrown. */
        public final MpgsException.Status status;
        /** {@code UNKNOWN} for a success. */
        public final MpgsException.Stage stage;

        CallEvent(Native.CallEventStruct e) {
            operation = Operation.of(e.operation);
            operationName = text(e.operation_name);
            method = text(e.method);
            path = text(e.path);
            apiVersion = e.api_version;
            httpStatus = Short.toUnsignedInt(e.http_status);
            attempts = e.attempts;
            elapsed = Duration.ofNanos(e.elapsed_us * 1000);
            outcomeUnknown = e.outcome_unknown != 0;
            status = MpgsException.Status.of(e.status);
            stage = MpgsException.Stage.of(e.stage);
        }

        private static String text(Pointer p) {
            return p == null ? null : p.getString(0, "UTF-8");
        }

        /** Whether the call succeeded. */
        public boolean ok() {
            return status == MpgsException.Status.OK;
        }

        @Override
        public String toString() {
            return operationName + " " + method + " " + path + " -> " + httpStatus + " " + status + " (" + stage + ", "
                    + attempts + " attempts, " + elapsed.toNanos() / 1000 + " us"
                    + (outcomeUnknown ? ", outcome unknown" : "") + ")";
        }
    }

    /** How strictly a client checks requests before sending them (mpgs_validation_level, stable numbers). */
    public enum ValidationLevel {
        /** The default: the documented field tables in full at the documented API versions, known fields only at others. */
        AUTO(0),
        /** The documented field tables in full, at any version: an unknown field is UNSUPPORTED. */
        STRICT(1),
        /** Only known fields' JSON types (and sourceOfFunds.type) are checked; unknown fields pass. */
        KNOWN_FIELDS(2),
        /** No client-side field checks. */
        OFF(3);

        final int value;

        ValidationLevel(int value) {
            this.value = value;
        }
    }

    /** Which roots a client trusts for the gateway's certificate (mpgs_trust, stable numbers). caFile is trusted with every choice. */
    public enum Trust {
        /** The default: the Mozilla roots bundled in the library, plus caFile. */
        MOZILLA(0),
        /** The operating system's store (SSL_CERT_FILE / SSL_CERT_DIR when set, else the usual bundle), plus caFile. */
        SYSTEM(1),
        /** Only caFile (pinning); the constructor throws Status.CONFIG without one. */
        CA_FILES_ONLY(2);

        final int value;

        Trust(int value) {
            this.value = value;
        }
    }

    /**
     * Client settings: merchant id, a password or certificate files, a base URL or a region. A
     * setting not given is left at the C library's default.
     */
    public static final class Config {
        String merchantId, password, certFile, keyFile, baseUrl, region, caFile, proxy;
        Integer connectTimeoutMs, timeoutMs, maxRetries, sessionApiVersion, tokenApiVersion;
        Boolean proxyFromEnv, tokenRepositoryUniqueCard;
        Executor executor;
        Consumer<CallEvent> onCall;
        ValidationLevel validationLevel;
        Trust trust;

        public Config(String merchantId) {
            this.merchantId = merchantId;
        }

        public Config password(String v) { password = v; return this; }
        public Config certificateFiles(String cert, String key) { certFile = cert; keyFile = key; return this; }
        public Config baseUrl(String v) { baseUrl = v; return this; }
        public Config region(String v) { region = v; return this; }
        public Config caFile(String v) { caFile = v; return this; }
        public Config connectTimeoutMs(int v) { connectTimeoutMs = v; return this; }
        public Config timeoutMs(int v) { timeoutMs = v; return this; }
        public Config maxRetries(int v) { maxRetries = v; return this; }
        /** An HTTP CONNECT proxy, {@code http://[user:password@]host:port} (no proxy by default). */
        public Config proxy(String v) { proxy = v; return this; }
        /** true: use HTTPS_PROXY / ALL_PROXY unless NO_PROXY matches ({@link #proxy} wins over it). */
        public Config proxyFromEnv(boolean v) { proxyFromEnv = v; return this; }
        /** The API version in Create Session's path (default 58). */
        public Config sessionApiVersion(int v) { sessionApiVersion = v; return this; }
        /** The API version in Create or Update Token's path (default 38). */
        public Config tokenApiVersion(int v) { tokenApiVersion = v; return this; }
        public Config validationLevel(ValidationLevel v) { validationLevel = v; return this; }
        /** Which roots are trusted (default {@link Trust#MOZILLA}). */
        public Config trust(Trust v) { trust = v; return this; }
        /**
         * true: the merchant's token repository is configured "Unique Card" (Create or Update Token
         * with a card already held returns the same token), so a Create Token cut off on a reused
         * connection before any answer byte may be sent again (default false).
         */
        public Config tokenRepositoryUniqueCard(boolean v) { tokenRepositoryUniqueCard = v; return this; }
        /** Where the {@code ...Async} calls run (default: a shared pool of daemon threads). */
        public Config executor(Executor v) { executor = v; return this; }
        /**
         * Called once after every call of the clients made from this config (a success, a failure,
         * or a call refused before sending), on the thread that made the call, before it returns.
         * Keep it short; it must not call the client. What it throws is logged ({@code
         * System.Logger} "io.mpgs") and the call goes on unchanged.
         */
        public Config onCall(Consumer<CallEvent> v) { onCall = v; return this; }
    }

    /** A created session. */
    public static final class Session {
        public String id, aes256Key, version, updateStatus, merchant, result, correlationId, json;
        /** Null when the answer has none. */
        public Integer authenticationLimit;
        public int httpStatus, apiVersion, attempts;
        /**
         * Whether it can be tokenized: the C library's mpgs_readiness (the core's rule), judged
         * against the version given to {@link #retrieveSession(String, String)}.
         */
        public Readiness readiness;
        private String verbatim;

        /**
         * The answer exactly as the gateway sent it: with {@code responseControls.sensitiveData} it
         * holds card numbers and the AES key in clear. Never log it; {@link #toString} never shows it.
         */
        public String jsonVerbatim() {
            return verbatim;
        }

        /** Never prints the AES key. */
        @Override
        public String toString() {
            return "Session " + id + " (" + result + ")";
        }
    }

    /** Whether a session can be tokenized (mpgs_readiness, stable numbers). */
    public enum Readiness {
        READY, NOT_UPDATED, NO_CARD_DETAILS, VERSION_DIFFERS, INVALID_ARGUMENT;

        static Readiness of(int n) {
            return n >= 0 && n < values().length ? values()[n] : INVALID_ARGUMENT;
        }
    }

    /** What Delete Token answered. */
    public static final class DeleteResult {
        /** json: the whole answer, secrets masked. */
        public String result, correlationId, json;
        public int httpStatus, apiVersion, attempts;
    }

    /** What Check Gateway answered. */
    public static final class GatewayInfo {
        /** json: the whole answer. */
        public String gatewayVersion, status, json;
        public boolean operating;
        public int httpStatus, apiVersion, attempts;
    }

    /** A created or updated token; card numbers masked ({@code 512345xxxxxx0008}). */
    public static final class Token {
        public String token, status, repositoryId, gatewayCode, result, verificationStrategy, sourceOfFundsType,
                correlationId, cardBrand, cardNumber, cardExpiry, cardScheme, cardFundingMethod, cardIssuer,
                cardLocalBrand, achAccountType, achBankAccountHolder, achRoutingNumber, achSecCode, giftCardBrand,
                giftCardLocalBrand, giftCardNumber, giftCardScheme, usageLastUpdated, usageLastUpdatedBy, usageLastUsed,
                json;
        public int httpStatus, apiVersion, attempts;
        private String verbatim;

        /**
         * The answer exactly as the gateway sent it (card numbers in clear when asked for with
         * {@code responseControls.sensitiveData}). Never log it; {@link #toString} never shows it.
         */
        public String jsonVerbatim() {
            return verbatim;
        }

        @Override
        public String toString() {
            return "Token " + token + " (" + status + ", " + cardNumber + ")";
        }
    }

    private static final Native C = Native.LIB;
    private static final ExecutorService SHARED = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mpgs-call");
        t.setDaemon(true);
        return t;
    });
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Executor executor;
    private static final System.Logger LOG = System.getLogger("io.mpgs");
    // The C observer: held here as long as the C client (JNA keeps only a weak reference).
    private final Native.CallObserver observer;
    private Pointer client;

    /** Checks every setting and makes a client. */
    public MpgsClient(Config config) {
        executor = config.executor != null ? config.executor : SHARED;
        MpgsException.refuseNul("merchantId", config.merchantId);
        MpgsException.refuseNul("password", config.password);
        MpgsException.refuseNul("certFile", config.certFile);
        MpgsException.refuseNul("keyFile", config.keyFile);
        MpgsException.refuseNul("baseUrl", config.baseUrl);
        MpgsException.refuseNul("region", config.region);
        MpgsException.refuseNul("caFile", config.caFile);
        MpgsException.refuseNul("proxy", config.proxy);
        observer = config.onCall == null ? null : observerOf(config.onCall);
        PointerByReference out = new PointerByReference();
        PointerByReference err = new PointerByReference();
        check(C.mpgs_config_new(utf8(config.merchantId), out, err), err);
        Pointer cfg = out.getValue();
        try {
            if (config.password != null) {
                byte[] pw = utf8(config.password);
                try {
                    check(C.mpgs_config_set_password(cfg, pw, err), err);
                } finally {
                    Arrays.fill(pw, (byte) 0);
                }
            }
            if (config.certFile != null || config.keyFile != null) {
                check(C.mpgs_config_set_certificate_files(cfg, utf8(config.certFile), utf8(config.keyFile), err), err);
            }
            if (config.baseUrl != null) check(C.mpgs_config_set_base_url(cfg, utf8(config.baseUrl), err), err);
            if (config.region != null) check(C.mpgs_config_set_region(cfg, utf8(config.region), err), err);
            if (config.caFile != null) check(C.mpgs_config_add_ca_file(cfg, utf8(config.caFile), err), err);
            if (config.connectTimeoutMs != null) check(C.mpgs_config_set_connect_timeout_ms(cfg, config.connectTimeoutMs, err), err);
            if (config.timeoutMs != null) check(C.mpgs_config_set_timeout_ms(cfg, config.timeoutMs, err), err);
            if (config.maxRetries != null) check(C.mpgs_config_set_max_retries(cfg, config.maxRetries, err), err);
            if (config.proxy != null) {
                byte[] proxy = utf8(config.proxy); // may hold the proxy's password
                try {
                    check(C.mpgs_config_set_proxy(cfg, proxy, err), err);
                } finally {
                    Arrays.fill(proxy, (byte) 0);
                }
            }
            if (config.proxyFromEnv != null) {
                check(C.mpgs_config_set_proxy_from_env(cfg, (byte) (config.proxyFromEnv ? 1 : 0), err), err);
            }
            if (config.sessionApiVersion != null) {
                check(C.mpgs_config_set_session_api_version(cfg, config.sessionApiVersion, err), err);
            }
            if (config.tokenApiVersion != null) check(C.mpgs_config_set_token_api_version(cfg, config.tokenApiVersion, err), err);
            if (config.validationLevel != null) {
                check(C.mpgs_config_set_validation_level(cfg, config.validationLevel.value, err), err);
            }
            if (config.trust != null) {
                check(C.mpgs_config_set_trust(cfg, config.trust.value, err), err);
            }
            if (config.tokenRepositoryUniqueCard != null) {
                byte on = (byte) (config.tokenRepositoryUniqueCard ? 1 : 0);
                check(C.mpgs_config_set_token_repository_unique_card(cfg, on, err), err);
            }
            if (observer != null) check(C.mpgs_config_set_observer(cfg, observer, Pointer.NULL, err), err);
            check(C.mpgs_client_new(cfg, out, err), err);
            client = out.getValue();
        } finally {
            C.mpgs_config_free(cfg);
        }
    }

    // The C observer over the user's hook: the event copied while valid; nothing thrown crosses into C.
    private static Native.CallObserver observerOf(Consumer<CallEvent> hook) {
        return (event, userData) -> {
            try {
                hook.accept(new CallEvent(new Native.CallEventStruct(event)));
            } catch (Throwable t) {
                try {
                    LOG.log(System.Logger.Level.WARNING, "mpgs: the onCall hook threw (the call goes on)", t);
                } catch (Throwable ignored) {
                    // nothing left to report it with
                }
            }
        };
    }

    /**
     * When the client certificate expires (its notAfter), so that a till can warn before the
     * gateway refuses it; empty with a password.
     */
    public Optional<Instant> certificateNotAfter() {
        LongByReference out = new LongByReference();
        PointerByReference err = new PointerByReference();
        int st;
        lock.readLock().lock();
        try {
            st = C.mpgs_client_certificate_not_after(client, out, err);
        } finally {
            lock.readLock().unlock();
        }
        if (st == MpgsException.Status.NOT_FOUND.ordinal()) {
            C.mpgs_error_free(err.getValue());
            return Optional.empty();
        }
        check(st, err);
        return Optional.of(Instant.ofEpochSecond(out.getValue()));
    }

    /**
     * Warm-up: opens a connection to the gateway (TCP, the proxy tunnel if any, the TLS handshake)
     * and keeps it idle for the next call, so that call does not pay those round trips; does
     * nothing if an idle connection is fit already. Sends no request. Throws the MpgsException a
     * call would meet (CONNECT, TLS or TIMEOUT; nothing sent).
     */
    public void connect() {
        PointerByReference err = new PointerByReference();
        int st;
        lock.readLock().lock();
        try {
            st = C.mpgs_client_connect(client, err);
        } finally {
            lock.readLock().unlock();
        }
        check(st, err);
    }

    /** Create Session with a JSON body in the gateway's shape (null: an empty one). */
    public Session createSession(String json) {
        MpgsException.refuseNul("json", json);
        PointerByReference out = new PointerByReference();
        call(json, (body, err) -> C.mpgs_client_create_session(client, body, out, err));
        return readSession(out.getValue(), null);
    }

    /**
     * Retrieve Session: the stored fields, card details masked. The id is checked before anything
     * is sent (an MpgsException naming sessionId).
     */
    public Session retrieveSession(String sessionId) {
        return retrieveSession(sessionId, null);
    }

    /** Retrieve Session, its readiness judged against {@code expectedVersion} (the page's version). */
    public Session retrieveSession(String sessionId, String expectedVersion) {
        MpgsException.refuseNul("sessionId", sessionId);
        MpgsException.refuseNul("expectedVersion", expectedVersion);
        PointerByReference out = new PointerByReference();
        call(sessionId, null, (id, unused, err) -> C.mpgs_client_retrieve_session(client, id, out, err));
        return readSession(out.getValue(), expectedVersion);
    }

    /** Update Session: stores the JSON body's fields (nested or dotted) in the session. */
    public Session updateSession(String sessionId, String json) {
        MpgsException.refuseNul("sessionId", sessionId);
        MpgsException.refuseNul("json", json);
        PointerByReference out = new PointerByReference();
        call(sessionId, json, (id, body, err) -> C.mpgs_client_update_session(client, id, body, out, err));
        return readSession(out.getValue(), null);
    }

    /** Retrieve Token: the details stored against {@code token}, card number masked. */
    public Token retrieveToken(String token) {
        MpgsException.refuseNul("token", token);
        PointerByReference out = new PointerByReference();
        call(token, null, (t, unused, err) -> C.mpgs_client_retrieve_token(client, t, out, err));
        return readToken(out.getValue());
    }

    /** Delete Token: the token is then unknown to the gateway. */
    public DeleteResult deleteToken(String token) {
        MpgsException.refuseNul("token", token);
        PointerByReference out = new PointerByReference();
        call(token, null, (t, unused, err) -> C.mpgs_client_delete_token(client, t, out, err));
        Pointer d = out.getValue();
        try {
            DeleteResult r = new DeleteResult();
            r.result = C.mpgs_delete_result_result(d);
            r.correlationId = C.mpgs_delete_result_correlation_id(d);
            r.httpStatus = Short.toUnsignedInt(C.mpgs_delete_result_http_status(d));
            r.apiVersion = C.mpgs_delete_result_api_version(d);
            r.attempts = C.mpgs_delete_result_attempts(d);
            r.json = C.mpgs_delete_result_json(d);
            return r;
        } finally {
            C.mpgs_delete_result_free(d);
        }
    }

    /** Check Gateway: sends no credentials (it needs none), so it proves nothing about them. */
    public GatewayInfo checkGateway() {
        PointerByReference out = new PointerByReference();
        call(null, null, (a, b, err) -> C.mpgs_client_check_gateway(client, out, err));
        Pointer i = out.getValue();
        try {
            GatewayInfo r = new GatewayInfo();
            r.gatewayVersion = C.mpgs_gateway_info_gateway_version(i);
            r.status = C.mpgs_gateway_info_status(i);
            r.operating = C.mpgs_gateway_info_is_operating(i) != 0;
            r.httpStatus = Short.toUnsignedInt(C.mpgs_gateway_info_http_status(i));
            r.apiVersion = C.mpgs_gateway_info_api_version(i);
            r.attempts = C.mpgs_gateway_info_attempts(i);
            r.json = C.mpgs_gateway_info_json(i);
            return r;
        } finally {
            C.mpgs_gateway_info_free(i);
        }
    }

    private static Session readSession(Pointer s, String expectedVersion) {
        byte[] expected = utf8(expectedVersion);
        try {
            Session r = new Session();
            r.id = C.mpgs_session_id(s);
            r.aes256Key = C.mpgs_session_aes256_key(s);
            r.version = C.mpgs_session_version(s);
            r.updateStatus = C.mpgs_session_update_status(s);
            r.merchant = C.mpgs_session_merchant(s);
            r.result = C.mpgs_session_result(s);
            r.correlationId = C.mpgs_session_correlation_id(s);
            r.json = C.mpgs_session_json(s);
            IntByReference limit = new IntByReference();
            r.authenticationLimit = C.mpgs_session_authentication_limit(s, limit) != 0 ? limit.getValue() : null;
            r.httpStatus = Short.toUnsignedInt(C.mpgs_session_http_status(s));
            r.apiVersion = C.mpgs_session_api_version(s);
            r.attempts = C.mpgs_session_attempts(s);
            r.readiness = Readiness.of(C.mpgs_session_ready_for_token(s, expected));
            r.verbatim = C.mpgs_session_json_verbatim(s);
            return r;
        } finally {
            C.mpgs_session_free(s);
        }
    }

    /** Create or Update Token with a JSON body in the gateway's shape. */
    public Token createToken(String json) {
        MpgsException.refuseNul("json", json);
        PointerByReference out = new PointerByReference();
        call(json, (body, err) -> C.mpgs_client_create_token(client, body, out, err));
        return readToken(out.getValue());
    }

    private static Token readToken(Pointer t) {
        try {
            Token r = new Token();
            r.token = C.mpgs_token_token(t);
            r.status = C.mpgs_token_status(t);
            r.repositoryId = C.mpgs_token_repository_id(t);
            r.gatewayCode = C.mpgs_token_gateway_code(t);
            r.result = C.mpgs_token_result(t);
            r.verificationStrategy = C.mpgs_token_verification_strategy(t);
            r.sourceOfFundsType = C.mpgs_token_source_of_funds_type(t);
            r.correlationId = C.mpgs_token_correlation_id(t);
            r.cardBrand = C.mpgs_token_card_brand(t);
            r.cardNumber = C.mpgs_token_card_number(t);
            r.cardExpiry = C.mpgs_token_card_expiry(t);
            r.cardScheme = C.mpgs_token_card_scheme(t);
            r.cardFundingMethod = C.mpgs_token_card_funding_method(t);
            r.cardIssuer = C.mpgs_token_card_issuer(t);
            r.cardLocalBrand = C.mpgs_token_card_local_brand(t);
            r.achAccountType = C.mpgs_token_ach_account_type(t);
            r.achBankAccountHolder = C.mpgs_token_ach_bank_account_holder(t);
            r.achRoutingNumber = C.mpgs_token_ach_routing_number(t);
            r.achSecCode = C.mpgs_token_ach_sec_code(t);
            r.giftCardBrand = C.mpgs_token_gift_card_brand(t);
            r.giftCardLocalBrand = C.mpgs_token_gift_card_local_brand(t);
            r.giftCardNumber = C.mpgs_token_gift_card_number(t);
            r.giftCardScheme = C.mpgs_token_gift_card_scheme(t);
            r.usageLastUpdated = C.mpgs_token_usage_last_updated(t);
            r.usageLastUpdatedBy = C.mpgs_token_usage_last_updated_by(t);
            r.usageLastUsed = C.mpgs_token_usage_last_used(t);
            r.json = C.mpgs_token_json(t);
            r.verbatim = C.mpgs_token_json_verbatim(t);
            r.httpStatus = Short.toUnsignedInt(C.mpgs_token_http_status(t));
            r.apiVersion = C.mpgs_token_api_version(t);
            r.attempts = C.mpgs_token_attempts(t);
            return r;
        } finally {
            C.mpgs_token_free(t);
        }
    }

    /** Checks a body against every rule of {@code op} without sending it. */
    public static void validate(Operation op, String json) {
        MpgsException.refuseNul("json", json);
        byte[] body = utf8(json);
        try {
            PointerByReference err = new PointerByReference();
            check(C.mpgs_validate(op.value, body, err), err);
        } finally {
            if (body != null) Arrays.fill(body, (byte) 0);
        }
    }

    /**
     * Checks a body as a client at {@code apiVersion} (0: the operation's documented one) and
     * {@code level} would before sending it.
     */
    public static void validate(Operation op, String json, int apiVersion, ValidationLevel level) {
        MpgsException.refuseNul("json", json);
        byte[] body = utf8(json);
        try {
            PointerByReference err = new PointerByReference();
            check(C.mpgs_validate_at(op.value, apiVersion, level.value, body, err), err);
        } finally {
            if (body != null) Arrays.fill(body, (byte) 0);
        }
    }

    /** {@link #createSession} on the client's executor. */
    public CompletableFuture<Session> createSessionAsync(String json) {
        return async(() -> createSession(json));
    }

    /** {@link #createToken} on the client's executor. */
    public CompletableFuture<Token> createTokenAsync(String json) {
        return async(() -> createToken(json));
    }

    /** {@link #retrieveSession(String, String)} on the client's executor. */
    public CompletableFuture<Session> retrieveSessionAsync(String sessionId, String expectedVersion) {
        return async(() -> retrieveSession(sessionId, expectedVersion));
    }

    /** {@link #updateSession} on the client's executor. */
    public CompletableFuture<Session> updateSessionAsync(String sessionId, String json) {
        return async(() -> updateSession(sessionId, json));
    }

    /** {@link #retrieveToken} on the client's executor. */
    public CompletableFuture<Token> retrieveTokenAsync(String token) {
        return async(() -> retrieveToken(token));
    }

    /** {@link #deleteToken} on the client's executor. */
    public CompletableFuture<DeleteResult> deleteTokenAsync(String token) {
        return async(() -> deleteToken(token));
    }

    /** {@link #checkGateway} on the client's executor. */
    public CompletableFuture<GatewayInfo> checkGatewayAsync() {
        return async(this::checkGateway);
    }

    /** {@link #connect} on the client's executor. */
    public CompletableFuture<Void> connectAsync() {
        return async(() -> {
            connect();
            return null;
        });
    }

    // The future completes exceptionally with the MpgsException itself (not wrapped).
    private <T> CompletableFuture<T> async(Supplier<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                f.complete(call.get());
            } catch (RuntimeException | Error e) {
                f.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            }
        });
        return f;
    }

    /**
     * The file libmpgs was loaded from: the copy JNA extracted from this jar (under
     * {@code jna.tmpdir}), or the file {@code mpgs.library} / {@code MPGS_LIBRARY} named.
     */
    public static String libraryPath() {
        return Native.Loader.path;
    }

    /** The library's version, "MAJOR.MINOR.PATCH". */
    public static String version() {
        return C.mpgs_version();
    }

    /** Releases the client once calls under way have returned; later calls throw. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            C.mpgs_client_free(client);
            client = null;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private interface Call {
        int run(byte[] body, PointerByReference err);
    }

    // Runs one operation under the read lock, with a wiped UTF-8 copy of the body.
    private void call(String json, Call f) {
        byte[] body = utf8(json);
        lock.readLock().lock();
        try {
            PointerByReference err = new PointerByReference();
            check(f.run(body, err), err);
        } finally {
            lock.readLock().unlock();
            if (body != null) Arrays.fill(body, (byte) 0);
        }
    }

    private interface Call2 {
        int run(byte[] a, byte[] b, PointerByReference err);
    }

    // Runs one operation under the read lock, with wiped UTF-8 copies of two texts (an id, a body).
    private void call(String a, String b, Call2 f) {
        byte[] x = utf8(a);
        byte[] y = utf8(b);
        lock.readLock().lock();
        try {
            PointerByReference err = new PointerByReference();
            check(f.run(x, y, err), err);
        } finally {
            lock.readLock().unlock();
            if (x != null) Arrays.fill(x, (byte) 0);
            if (y != null) Arrays.fill(y, (byte) 0);
        }
    }

    private static void check(int status, PointerByReference err) {
        if (status != 0) throw MpgsException.take(status, err.getValue());
    }

    private static byte[] utf8(String s) {
        if (s == null) return null;
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(b, b.length + 1);
    }
}
