// mpgs for .NET: libmpgs through P/Invoke: SafeHandles over the C handles, IDisposable classes,
// and an MpgsException carrying every field of the C error. Plain C# 7.2 that builds unchanged
// with .NET's compiler and with Mono's mcs (the package's Mpgs.dll is built by mcs).
//
// The library: DllImport("mpgs"). The package carries it at runtimes/linux-x64/native/libmpgs.so,
// where .NET (Core 3+ / 5+) finds it through the app's deps.json; on Mono, Mpgs.dll.config maps
// "mpgs" to that file relative to Mpgs.dll, and the package's build targets copy runtimes/ into
// the output of .NET Framework projects. Elsewhere the system's loader finds libmpgs.so
// (LD_LIBRARY_PATH, or a dllmap of your own). The first use checks that mpgs_version() is this
// package's version (Client.PackageVersion).
//
// Threads: one Client may be used from many threads at once (Parallel.For, tasks); every call has
// an ...Async twin returning a Task, run on the thread pool. Disposing it while calls are under
// way is safe: the SafeHandle keeps the C client alive until they return. Answers are plain
// objects; the C handles behind them are already released.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;

namespace Mpgs
{
    /// <summary>The C library's mpgs_status (stable numbers).</summary>
    public enum Status : uint
    {
        Ok = 0, InvalidArgument = 1, Config = 2, Validation = 3, Gateway = 4, Authentication = 5,
        Decode = 6, Connect = 7, Tls = 8, Timeout = 9, Io = 10, NotFound = 11, Internal = 12,
    }

    /// <summary>Where a call failed.</summary>
    public enum Stage : uint { Unknown = 0, NotSent = 1, Answered = 2, Unanswered = 3 }

    /// <summary>The gateway operations (mpgs_operation, a CallEvent's); Validate takes the three with a body.</summary>
    public enum Operation : uint
    {
        CreateSession = 1, CreateToken = 2, UpdateSession = 3, RetrieveSession = 4, RetrieveToken = 5, DeleteToken = 6,
        CheckGateway = 7,
    }

    /// <summary>One call, after it ended: what Config.OnCall receives. Immutable; it never holds a body, a
    /// header or a secret.</summary>
    public sealed class CallEvent
    {
        public Operation Operation { get; private set; }
        /// <summary>The operation's name in the gateway's documentation ("Create Session").</summary>
        public string OperationName { get; private set; }
        public string Method { get; private set; }
        /// <summary>The path after the base URL's own, merchant included, session and token ids as sent (a token
        /// that could be a card number masked 6.4).</summary>
        public string Path { get; private set; }
        public int ApiVersion { get; private set; }
        /// <summary>0 when no answer was read.</summary>
        public int HttpStatus { get; private set; }
        /// <summary>0 when refused before sending.</summary>
        public int Attempts { get; private set; }
        public TimeSpan Elapsed { get; private set; }
        public bool OutcomeUnknown { get; private set; }
        /// <summary>Status.Ok for a success, else the MpgsException's Status.</summary>
        public Status Status { get; private set; }
        /// <summary>Stage.Unknown for a success.</summary>
        public Stage Stage { get; private set; }
        public bool Ok { get { return Status == Status.Ok; } }

        internal CallEvent(Native.CallEventStruct e)
        {
            Operation = (Operation)e.operation;
            OperationName = Native.Str(e.operation_name);
            Method = Native.Str(e.method);
            Path = Native.Str(e.path);
            ApiVersion = (int)e.api_version;
            HttpStatus = e.http_status;
            Attempts = (int)e.attempts;
            Elapsed = TimeSpan.FromTicks((long)e.elapsed_us * 10);
            OutcomeUnknown = e.outcome_unknown != 0;
            Status = (Status)e.status;
            Stage = (Stage)e.stage;
        }

        public override string ToString()
        {
            return OperationName + " " + Method + " " + Path + " -> " + HttpStatus + " " + Status + " (" + Stage + ", "
                + Attempts + " attempts, " + Elapsed.TotalMilliseconds + " ms" + (OutcomeUnknown ? ", outcome unknown" : "") + ")";
        }
    }

    /// <summary>Whether a session can be tokenized (mpgs_readiness, stable numbers; the core's rule).</summary>
    public enum Readiness : uint { Ready = 0, NotUpdated = 1, NoCardDetails = 2, VersionDiffers = 3, InvalidArgument = 4 }

    /// <summary>How strictly a client checks requests before sending them (mpgs_validation_level, stable numbers).</summary>
    public enum ValidationLevel : uint
    {
        /// <summary>The default: the documented field tables in full at the documented API versions, known fields only at others.</summary>
        Auto = 0,
        /// <summary>The documented field tables in full, at any version: an unknown field is UNSUPPORTED.</summary>
        Strict = 1,
        /// <summary>Only known fields' JSON types (and sourceOfFunds.type) are checked; unknown fields pass.</summary>
        KnownFields = 2,
        /// <summary>No client-side field checks.</summary>
        Off = 3,
    }

    /// <summary>Which roots a client trusts for the gateway's certificate (mpgs_trust, stable numbers). CaFile is trusted with every choice.</summary>
    public enum Trust : uint
    {
        /// <summary>The default: the Mozilla roots bundled in the library, plus CaFile.</summary>
        Mozilla = 0,
        /// <summary>The operating system's store (SSL_CERT_FILE / SSL_CERT_DIR when set, else the usual bundle), plus CaFile.</summary>
        System = 1,
        /// <summary>Only CaFile (pinning); the Client constructor throws Status.Config without one.</summary>
        CaFilesOnly = 2,
    }

    /// <summary>One field problem of a refused request.</summary>
    public sealed class FieldError
    {
        public string Field { get; internal set; }
        public string ValidationType { get; internal set; }
        public string Explanation { get; internal set; }
        public override string ToString() { return Field + " (" + ValidationType + "): " + Explanation; }
    }

    /// <summary>A failed call: every field of the C library's mpgs_error. Never holds a secret.</summary>
    public sealed class MpgsException : Exception
    {
        public Status Status { get; private set; }
        public Stage Stage { get; private set; }
        public int HttpStatus { get; private set; }
        public bool OutcomeUnknown { get; private set; }
        public int Attempts { get; private set; }
        public string Cause { get; private set; }
        public string Field { get; private set; }
        public string ValidationType { get; private set; }
        public string Explanation { get; private set; }
        public string SupportCode { get; private set; }
        public string GatewayJson { get; private set; }
        public IReadOnlyList<FieldError> FieldErrors { get; private set; }

        private MpgsException(string message) : base(message) { }

        // A string refused before it reaches C: it holds a U+0000, where C would cut it.
        internal static MpgsException Nul(string field)
        {
            return new MpgsException("mpgs: " + field + " contains a NUL character (U+0000), which a C string cannot hold")
            { Status = Status.InvalidArgument, Stage = Stage.NotSent, Field = field, FieldErrors = new FieldError[0] };
        }

        // Copies the C error into an exception and releases it.
        internal static MpgsException From(Status status, Native.ErrorHandle err)
        {
            using (err)
            {
                if (err == null || err.IsInvalid)
                    return new MpgsException(Native.Str(Native.mpgs_status_name((uint)status)))
                    { Status = status, FieldErrors = new FieldError[0] };
                var e = new MpgsException(Native.Str(Native.mpgs_error_message(err)))
                {
                    Status = Native.mpgs_error_status(err),
                    Stage = Native.mpgs_error_stage(err),
                    HttpStatus = Native.mpgs_error_http_status(err),
                    OutcomeUnknown = Native.mpgs_error_outcome_unknown(err),
                    Attempts = (int)Native.mpgs_error_attempts(err),
                    Cause = Native.Str(Native.mpgs_error_cause(err)),
                    Field = Native.Str(Native.mpgs_error_field(err)),
                    ValidationType = Native.Str(Native.mpgs_error_validation_type(err)),
                    Explanation = Native.Str(Native.mpgs_error_explanation(err)),
                    SupportCode = Native.Str(Native.mpgs_error_support_code(err)),
                    GatewayJson = Native.Str(Native.mpgs_error_gateway_json(err)),
                };
                var list = new List<FieldError>();
                ulong n = (ulong)Native.mpgs_error_field_error_count(err);
                for (ulong i = 0; i < n; i++)
                {
                    Native.FieldErrorStruct fe;
                    if (Native.mpgs_error_field_error(err, (UIntPtr)i, out fe) == Status.Ok)
                        list.Add(new FieldError { Field = Native.Str(fe.field), ValidationType = Native.Str(fe.validation_type), Explanation = Native.Str(fe.explanation) });
                }
                e.FieldErrors = list;
                return e;
            }
        }

        internal static void Check(Status status, Native.ErrorHandle err)
        {
            if (status != Status.Ok) throw From(status, err);
            if (err != null) err.Dispose();
        }
    }

    /// <summary>Client settings: MerchantId, Password (or CertFile + KeyFile), BaseUrl or Region. A null
    /// setting is left at the C library's default.</summary>
    public sealed class Config
    {
        public string MerchantId { get; set; }
        public string Password { get; set; }
        public string CertFile { get; set; }
        public string KeyFile { get; set; }
        public string BaseUrl { get; set; }
        public string Region { get; set; }
        public string CaFile { get; set; }
        public uint? ConnectTimeoutMs { get; set; }
        public uint? TimeoutMs { get; set; }
        public uint? MaxRetries { get; set; }
        /// <summary>An HTTP CONNECT proxy, http://[user:password@]host:port (no proxy by default).</summary>
        public string Proxy { get; set; }
        /// <summary>true: use HTTPS_PROXY / ALL_PROXY unless NO_PROXY matches (Proxy wins over it).</summary>
        public bool? ProxyFromEnv { get; set; }
        /// <summary>The API version in Create Session's path (default 58).</summary>
        public uint? SessionApiVersion { get; set; }
        /// <summary>The API version in Create or Update Token's path (default 38).</summary>
        public uint? TokenApiVersion { get; set; }
        public ValidationLevel? ValidationLevel { get; set; }
        /// <summary>Which roots are trusted (default Trust.Mozilla).</summary>
        public Trust? Trust { get; set; }
        /// <summary>true: the merchant's token repository is configured "Unique Card" (Create or Update Token
        /// with a card already held returns the same token), so a Create Token cut off on a reused connection
        /// before any answer byte may be sent again (default false).</summary>
        public bool? TokenRepositoryUniqueCard { get; set; }
        /// <summary>Called once after every call of the clients made from this config (a success, a failure, or a
        /// call refused before sending), on the thread that made the call, before it returns. Keep it short; it
        /// must not call the client. What it throws is written to Console.Error and the call goes on unchanged.</summary>
        public Action<CallEvent> OnCall { get; set; }
    }

    /// <summary>A created session.</summary>
    public sealed class Session
    {
        public string Id, Aes256Key, Version, UpdateStatus, Merchant, Result, CorrelationId, Json;
        public uint? AuthenticationLimit;
        public int HttpStatus, ApiVersion, Attempts;
        /// <summary>Whether it can be tokenized, judged by the core against the version given to RetrieveSession.</summary>
        public Readiness Readiness;
        /// <summary>Readiness's name in the C library (MPGS_READINESS_READY, ...).</summary>
        public string ReadinessName;
        internal string verbatim;
        /// <summary>The answer exactly as the gateway sent it: with responseControls.sensitiveData it holds card
        /// numbers and the AES key in clear. Never log it; ToString never shows it.</summary>
        public string JsonVerbatim() { return verbatim; }
        /// <summary>Never prints the AES key.</summary>
        public override string ToString() { return "Session " + Id + " (" + Result + ")"; }
    }

    /// <summary>A created or updated token; card numbers masked (512345xxxxxx0008).</summary>
    public sealed class Token
    {
        public string Value, Status, RepositoryId, GatewayCode, Result, VerificationStrategy, SourceOfFundsType,
            CorrelationId, CardBrand, CardNumber, CardExpiry, CardScheme, CardFundingMethod, CardIssuer,
            CardLocalBrand, AchAccountType, AchBankAccountHolder, AchRoutingNumber, AchSecCode, GiftCardBrand,
            GiftCardLocalBrand, GiftCardNumber, GiftCardScheme, UsageLastUpdated, UsageLastUpdatedBy, UsageLastUsed, Json;
        public int HttpStatus, ApiVersion, Attempts;
        internal string verbatim;
        /// <summary>The answer exactly as the gateway sent it (card numbers in clear when asked for with
        /// responseControls.sensitiveData). Never log it; ToString never shows it.</summary>
        public string JsonVerbatim() { return verbatim; }
        public override string ToString() { return "Token " + Value + " (" + Status + ", " + CardNumber + ")"; }
    }

    /// <summary>What Delete Token answered.</summary>
    public sealed class DeleteResult
    {
        /// <summary>Json: the whole answer, secrets masked.</summary>
        public string Result, CorrelationId, Json;
        public int HttpStatus, ApiVersion, Attempts;
    }

    /// <summary>What Check Gateway answered.</summary>
    public sealed class GatewayInfo
    {
        /// <summary>Json: the whole answer.</summary>
        public string GatewayVersion, Status, Json;
        public bool Operating;
        public int HttpStatus, ApiVersion, Attempts;
    }

    /// <summary>A libmpgs client, safe to share between threads.</summary>
    public sealed class Client : IDisposable
    {
        private readonly Native.ClientHandle handle;

        /// <summary>This package's version, which the libmpgs it loads must have (written by scripts/dist-languages.sh).</summary>
        public const string PackageVersion = "0.1.0";

        public Client(Config config)
        {
            Native.CheckVersion();
            Native.ConfigHandle cfg;
            Native.ErrorHandle err;
            foreach (var named in new[] {
                new KeyValuePair<string, string>("merchantId", config.MerchantId), new KeyValuePair<string, string>("password", config.Password),
                new KeyValuePair<string, string>("certFile", config.CertFile), new KeyValuePair<string, string>("keyFile", config.KeyFile),
                new KeyValuePair<string, string>("baseUrl", config.BaseUrl), new KeyValuePair<string, string>("region", config.Region),
                new KeyValuePair<string, string>("caFile", config.CaFile), new KeyValuePair<string, string>("proxy", config.Proxy) })
                Utf8.RefuseNul(named.Key, named.Value);
            using (var id = new Utf8(config.MerchantId))
                MpgsException.Check(Native.mpgs_config_new(id.Bytes, out cfg, out err), err);
            using (cfg)
            {
                if (config.Password != null)
                    using (var v = new Utf8(config.Password)) MpgsException.Check(Native.mpgs_config_set_password(cfg, v.Bytes, out err), err);
                if (config.CertFile != null || config.KeyFile != null)
                    using (var c = new Utf8(config.CertFile)) using (var k = new Utf8(config.KeyFile))
                        MpgsException.Check(Native.mpgs_config_set_certificate_files(cfg, c.Bytes, k.Bytes, out err), err);
                if (config.BaseUrl != null)
                    using (var v = new Utf8(config.BaseUrl)) MpgsException.Check(Native.mpgs_config_set_base_url(cfg, v.Bytes, out err), err);
                if (config.Region != null)
                    using (var v = new Utf8(config.Region)) MpgsException.Check(Native.mpgs_config_set_region(cfg, v.Bytes, out err), err);
                if (config.CaFile != null)
                    using (var v = new Utf8(config.CaFile)) MpgsException.Check(Native.mpgs_config_add_ca_file(cfg, v.Bytes, out err), err);
                if (config.ConnectTimeoutMs.HasValue)
                    MpgsException.Check(Native.mpgs_config_set_connect_timeout_ms(cfg, config.ConnectTimeoutMs.Value, out err), err);
                if (config.TimeoutMs.HasValue)
                    MpgsException.Check(Native.mpgs_config_set_timeout_ms(cfg, config.TimeoutMs.Value, out err), err);
                if (config.MaxRetries.HasValue)
                    MpgsException.Check(Native.mpgs_config_set_max_retries(cfg, config.MaxRetries.Value, out err), err);
                if (config.Proxy != null)
                    using (var v = new Utf8(config.Proxy)) MpgsException.Check(Native.mpgs_config_set_proxy(cfg, v.Bytes, out err), err);
                if (config.ProxyFromEnv.HasValue)
                    MpgsException.Check(Native.mpgs_config_set_proxy_from_env(cfg, config.ProxyFromEnv.Value, out err), err);
                if (config.SessionApiVersion.HasValue)
                    MpgsException.Check(Native.mpgs_config_set_session_api_version(cfg, config.SessionApiVersion.Value, out err), err);
                if (config.TokenApiVersion.HasValue)
                    MpgsException.Check(Native.mpgs_config_set_token_api_version(cfg, config.TokenApiVersion.Value, out err), err);
                if (config.ValidationLevel.HasValue)
                    MpgsException.Check(Native.mpgs_config_set_validation_level(cfg, (uint)config.ValidationLevel.Value, out err), err);
                if (config.Trust.HasValue)
                    MpgsException.Check(Native.mpgs_config_set_trust(cfg, (uint)config.Trust.Value, out err), err);
                if (config.TokenRepositoryUniqueCard.HasValue)
                    MpgsException.Check(Native.mpgs_config_set_token_repository_unique_card(cfg, config.TokenRepositoryUniqueCard.Value, out err), err);
                GCHandle observer = default(GCHandle);
                if (config.OnCall != null)
                {
                    observer = GCHandle.Alloc(config.OnCall);
                    var st = Native.mpgs_config_set_observer(cfg, Native.Observer, GCHandle.ToIntPtr(observer), out err);
                    if (st != Status.Ok) observer.Free();
                    MpgsException.Check(st, err);
                }
                var made = Native.mpgs_client_new(cfg, out handle, out err);
                if (made != Status.Ok && observer.IsAllocated) observer.Free();
                MpgsException.Check(made, err);
                // The hook lives as long as the C client: the handle frees it after mpgs_client_free.
                handle.Observer = observer;
            }
        }

        /// <summary>When the client certificate expires (its notAfter), so that a till can warn before the gateway
        /// refuses it; null with a password.</summary>
        public DateTimeOffset? CertificateNotAfter()
        {
            long seconds;
            Native.ErrorHandle err;
            var st = Native.mpgs_client_certificate_not_after(Live(), out seconds, out err);
            if (st == Status.NotFound)
            {
                err.Dispose();
                return null;
            }
            MpgsException.Check(st, err);
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        /// <summary>Warm-up: opens a connection to the gateway (TCP, the proxy tunnel if any, the TLS handshake) and
        /// keeps it idle for the next call, so that call does not pay those round trips; does nothing if an idle
        /// connection is fit already. Sends no request. Throws the MpgsException a call would meet (Connect, Tls or
        /// Timeout; nothing sent).</summary>
        public void Connect()
        {
            Native.ErrorHandle err;
            var st = Native.mpgs_client_connect(Live(), out err);
            MpgsException.Check(st, err);
        }

        /// <summary>Create Session with a JSON body in the gateway's shape (null: an empty one).</summary>
        public Session CreateSession(string json = null)
        {
            Utf8.RefuseNul("json", json);
            Native.SessionHandle s;
            Native.ErrorHandle err;
            using (var body = new Utf8(json))
                MpgsException.Check(Native.mpgs_client_create_session(Live(), body.Bytes, out s, out err), err);
            return ReadSession(s, null);
        }

        /// <summary>Retrieve Session: the stored fields, card details masked. The id is checked before anything is
        /// sent (an MpgsException naming sessionId); Readiness is judged against expectedVersion (null: none).</summary>
        public Session RetrieveSession(string sessionId, string expectedVersion = null)
        {
            Utf8.RefuseNul("sessionId", sessionId);
            Utf8.RefuseNul("expectedVersion", expectedVersion);
            Native.SessionHandle s;
            Native.ErrorHandle err;
            using (var id = new Utf8(sessionId))
                MpgsException.Check(Native.mpgs_client_retrieve_session(Live(), id.Bytes, out s, out err), err);
            return ReadSession(s, expectedVersion);
        }

        /// <summary>Update Session: stores the JSON body's fields (nested or dotted) in the session.</summary>
        public Session UpdateSession(string sessionId, string json)
        {
            Utf8.RefuseNul("sessionId", sessionId);
            Utf8.RefuseNul("json", json);
            Native.SessionHandle s;
            Native.ErrorHandle err;
            using (var id = new Utf8(sessionId)) using (var body = new Utf8(json))
                MpgsException.Check(Native.mpgs_client_update_session(Live(), id.Bytes, body.Bytes, out s, out err), err);
            return ReadSession(s, null);
        }

        /// <summary>Retrieve Token: the details stored against token, card number masked.</summary>
        public Token RetrieveToken(string token)
        {
            Utf8.RefuseNul("token", token);
            Native.TokenHandle t;
            Native.ErrorHandle err;
            using (var v = new Utf8(token))
                MpgsException.Check(Native.mpgs_client_retrieve_token(Live(), v.Bytes, out t, out err), err);
            return ReadToken(t);
        }

        /// <summary>Delete Token: the token is then unknown to the gateway.</summary>
        public DeleteResult DeleteToken(string token)
        {
            Utf8.RefuseNul("token", token);
            Native.DeleteResultHandle d;
            Native.ErrorHandle err;
            using (var v = new Utf8(token))
                MpgsException.Check(Native.mpgs_client_delete_token(Live(), v.Bytes, out d, out err), err);
            using (d)
                return new DeleteResult
                {
                    Result = Native.Str(Native.mpgs_delete_result_result(d)),
                    CorrelationId = Native.Str(Native.mpgs_delete_result_correlation_id(d)),
                    HttpStatus = Native.mpgs_delete_result_http_status(d),
                    ApiVersion = (int)Native.mpgs_delete_result_api_version(d),
                    Attempts = (int)Native.mpgs_delete_result_attempts(d),
                    Json = Native.Str(Native.mpgs_delete_result_json(d)),
                };
        }

        /// <summary>Check Gateway: sends no credentials (it needs none), so it proves nothing about them.</summary>
        public GatewayInfo CheckGateway()
        {
            Native.GatewayInfoHandle i;
            Native.ErrorHandle err;
            MpgsException.Check(Native.mpgs_client_check_gateway(Live(), out i, out err), err);
            using (i)
                return new GatewayInfo
                {
                    GatewayVersion = Native.Str(Native.mpgs_gateway_info_gateway_version(i)),
                    Status = Native.Str(Native.mpgs_gateway_info_status(i)),
                    Operating = Native.mpgs_gateway_info_is_operating(i),
                    HttpStatus = Native.mpgs_gateway_info_http_status(i),
                    ApiVersion = (int)Native.mpgs_gateway_info_api_version(i),
                    Attempts = (int)Native.mpgs_gateway_info_attempts(i),
                    Json = Native.Str(Native.mpgs_gateway_info_json(i)),
                };
        }

        private static Session ReadSession(Native.SessionHandle s, string expectedVersion)
        {
            using (s)
            using (var expected = new Utf8(expectedVersion))
            {
                uint limit;
                var readiness = Native.mpgs_session_ready_for_token(s, expected.Bytes);
                return new Session
                {
                    Id = Native.Str(Native.mpgs_session_id(s)),
                    Aes256Key = Native.Str(Native.mpgs_session_aes256_key(s)),
                    Version = Native.Str(Native.mpgs_session_version(s)),
                    UpdateStatus = Native.Str(Native.mpgs_session_update_status(s)),
                    Merchant = Native.Str(Native.mpgs_session_merchant(s)),
                    Result = Native.Str(Native.mpgs_session_result(s)),
                    CorrelationId = Native.Str(Native.mpgs_session_correlation_id(s)),
                    Json = Native.Str(Native.mpgs_session_json(s)),
                    AuthenticationLimit = Native.mpgs_session_authentication_limit(s, out limit) ? limit : (uint?)null,
                    HttpStatus = Native.mpgs_session_http_status(s),
                    ApiVersion = (int)Native.mpgs_session_api_version(s),
                    Attempts = (int)Native.mpgs_session_attempts(s),
                    Readiness = readiness,
                    ReadinessName = Native.Str(Native.mpgs_readiness_name((uint)readiness)),
                    verbatim = Native.Str(Native.mpgs_session_json_verbatim(s)),
                };
            }
        }

        /// <summary>Create or Update Token with a JSON body in the gateway's shape.</summary>
        public Token CreateToken(string json)
        {
            Utf8.RefuseNul("json", json);
            Native.TokenHandle t;
            Native.ErrorHandle err;
            using (var body = new Utf8(json))
                MpgsException.Check(Native.mpgs_client_create_token(Live(), body.Bytes, out t, out err), err);
            return ReadToken(t);
        }

        private static Token ReadToken(Native.TokenHandle t)
        {
            using (t)
            {
                return new Token
                {
                    Value = Native.Str(Native.mpgs_token_token(t)),
                    Status = Native.Str(Native.mpgs_token_status(t)),
                    RepositoryId = Native.Str(Native.mpgs_token_repository_id(t)),
                    GatewayCode = Native.Str(Native.mpgs_token_gateway_code(t)),
                    Result = Native.Str(Native.mpgs_token_result(t)),
                    VerificationStrategy = Native.Str(Native.mpgs_token_verification_strategy(t)),
                    SourceOfFundsType = Native.Str(Native.mpgs_token_source_of_funds_type(t)),
                    CorrelationId = Native.Str(Native.mpgs_token_correlation_id(t)),
                    CardBrand = Native.Str(Native.mpgs_token_card_brand(t)),
                    CardNumber = Native.Str(Native.mpgs_token_card_number(t)),
                    CardExpiry = Native.Str(Native.mpgs_token_card_expiry(t)),
                    CardScheme = Native.Str(Native.mpgs_token_card_scheme(t)),
                    CardFundingMethod = Native.Str(Native.mpgs_token_card_funding_method(t)),
                    CardIssuer = Native.Str(Native.mpgs_token_card_issuer(t)),
                    CardLocalBrand = Native.Str(Native.mpgs_token_card_local_brand(t)),
                    AchAccountType = Native.Str(Native.mpgs_token_ach_account_type(t)),
                    AchBankAccountHolder = Native.Str(Native.mpgs_token_ach_bank_account_holder(t)),
                    AchRoutingNumber = Native.Str(Native.mpgs_token_ach_routing_number(t)),
                    AchSecCode = Native.Str(Native.mpgs_token_ach_sec_code(t)),
                    GiftCardBrand = Native.Str(Native.mpgs_token_gift_card_brand(t)),
                    GiftCardLocalBrand = Native.Str(Native.mpgs_token_gift_card_local_brand(t)),
                    GiftCardNumber = Native.Str(Native.mpgs_token_gift_card_number(t)),
                    GiftCardScheme = Native.Str(Native.mpgs_token_gift_card_scheme(t)),
                    UsageLastUpdated = Native.Str(Native.mpgs_token_usage_last_updated(t)),
                    UsageLastUpdatedBy = Native.Str(Native.mpgs_token_usage_last_updated_by(t)),
                    UsageLastUsed = Native.Str(Native.mpgs_token_usage_last_used(t)),
                    Json = Native.Str(Native.mpgs_token_json(t)),
                    verbatim = Native.Str(Native.mpgs_token_json_verbatim(t)),
                    HttpStatus = Native.mpgs_token_http_status(t),
                    ApiVersion = (int)Native.mpgs_token_api_version(t),
                    Attempts = (int)Native.mpgs_token_attempts(t),
                };
            }
        }

        /// <summary>Checks a body against every rule of op without sending it.</summary>
        public static void Validate(Operation op, string json)
        {
            Utf8.RefuseNul("json", json);
            Native.CheckVersion();
            Native.ErrorHandle err;
            using (var body = new Utf8(json))
                MpgsException.Check(Native.mpgs_validate((uint)op, body.Bytes, out err), err);
        }

        /// <summary>Checks a body as a client at apiVersion (0: the operation's documented one) and level would
        /// before sending it.</summary>
        public static void Validate(Operation op, string json, uint apiVersion, ValidationLevel level)
        {
            Utf8.RefuseNul("json", json);
            Native.CheckVersion();
            Native.ErrorHandle err;
            using (var body = new Utf8(json))
                MpgsException.Check(Native.mpgs_validate_at((uint)op, apiVersion, (uint)level, body.Bytes, out err), err);
        }

        /// <summary>The loaded libmpgs's version, "MAJOR.MINOR.PATCH" (PackageVersion).</summary>
        public static string Version { get { return Native.Str(Native.mpgs_version()); } }

        /// <summary>CreateSession on the thread pool.</summary>
        public Task<Session> CreateSessionAsync(string json = null) { return Task.Run(() => CreateSession(json)); }
        /// <summary>CreateToken on the thread pool.</summary>
        public Task<Token> CreateTokenAsync(string json) { return Task.Run(() => CreateToken(json)); }
        /// <summary>RetrieveSession on the thread pool.</summary>
        public Task<Session> RetrieveSessionAsync(string sessionId, string expectedVersion = null)
        {
            return Task.Run(() => RetrieveSession(sessionId, expectedVersion));
        }
        /// <summary>UpdateSession on the thread pool.</summary>
        public Task<Session> UpdateSessionAsync(string sessionId, string json) { return Task.Run(() => UpdateSession(sessionId, json)); }
        /// <summary>RetrieveToken on the thread pool.</summary>
        public Task<Token> RetrieveTokenAsync(string token) { return Task.Run(() => RetrieveToken(token)); }
        /// <summary>DeleteToken on the thread pool.</summary>
        public Task<DeleteResult> DeleteTokenAsync(string token) { return Task.Run(() => DeleteToken(token)); }
        /// <summary>CheckGateway on the thread pool.</summary>
        public Task<GatewayInfo> CheckGatewayAsync() { return Task.Run(() => CheckGateway()); }
        /// <summary>Connect on the thread pool.</summary>
        public Task ConnectAsync() { return Task.Run(() => Connect()); }

        private Native.ClientHandle Live()
        {
            if (handle.IsClosed) throw new ObjectDisposedException("Mpgs.Client");
            return handle;
        }

        /// <summary>Releases the client once calls under way have returned.</summary>
        public void Dispose() { handle.Dispose(); }
    }

    // A NUL-terminated UTF-8 copy of a string, wiped when disposed (it may hold a card number).
    internal sealed class Utf8 : IDisposable
    {
        public readonly byte[] Bytes;
        public Utf8(string s)
        {
            if (s == null) return;
            Bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
            Encoding.UTF8.GetBytes(s, 0, s.Length, Bytes, 0);
        }
        public void Dispose() { if (Bytes != null) Array.Clear(Bytes, 0, Bytes.Length); }

        // Refuses a string holding a U+0000: C would read it only up to there (DeleteToken("<token>\0/../x")
        // would delete "<token>"), so it is never cut, and nothing is sent.
        public static void RefuseNul(string name, string s)
        {
            if (s != null && s.IndexOf('\0') >= 0) throw MpgsException.Nul(name);
        }
    }

    internal static class Native
    {
        private const string Lib = "mpgs";

        internal abstract class Handle : SafeHandleZeroOrMinusOneIsInvalid
        {
            protected Handle() : base(true) { }
        }
        internal sealed class ConfigHandle : Handle { protected override bool ReleaseHandle() { mpgs_config_free(handle); return true; } }
        internal sealed class ClientHandle : Handle
        {
            // The OnCall hook's GCHandle (user_data of the C observer), freed after the C client.
            internal GCHandle Observer;
            protected override bool ReleaseHandle()
            {
                mpgs_client_free(handle);
                if (Observer.IsAllocated) Observer.Free();
                return true;
            }
        }
        internal sealed class ErrorHandle : Handle { protected override bool ReleaseHandle() { mpgs_error_free(handle); return true; } }
        internal sealed class SessionHandle : Handle { protected override bool ReleaseHandle() { mpgs_session_free(handle); return true; } }
        internal sealed class TokenHandle : Handle { protected override bool ReleaseHandle() { mpgs_token_free(handle); return true; } }
        internal sealed class DeleteResultHandle : Handle { protected override bool ReleaseHandle() { mpgs_delete_result_free(handle); return true; } }
        internal sealed class GatewayInfoHandle : Handle { protected override bool ReleaseHandle() { mpgs_gateway_info_free(handle); return true; } }

        [StructLayout(LayoutKind.Sequential)]
        internal struct FieldErrorStruct { public IntPtr field, validation_type, explanation; }

        [StructLayout(LayoutKind.Sequential)]
        internal struct CallEventStruct
        {
            public uint operation;
            public IntPtr operation_name, method, path;
            public uint api_version;
            public ushort http_status;
            public uint attempts;
            public ulong elapsed_us;
            public byte outcome_unknown;
            public uint status, stage;
        }

        // mpgs_call_observer.
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void CallObserver(IntPtr ev, IntPtr userData);

        // Mono's AOT needs a static method so marked for a delegate called from C; Mono matches the attribute
        // by name (JIT Mono and .NET ignore it).
        [AttributeUsage(AttributeTargets.Method)]
        private sealed class MonoPInvokeCallbackAttribute : Attribute
        {
            public MonoPInvokeCallbackAttribute(Type t) { }
        }

        // The one C observer of every client, kept alive for the process by this static field; user_data is a
        // GCHandle of the client's hook (an Action<CallEvent>). Nothing thrown crosses into C.
        internal static readonly CallObserver Observer = Observe;

        [MonoPInvokeCallback(typeof(CallObserver))]
        private static void Observe(IntPtr ev, IntPtr userData)
        {
            try
            {
                var hook = (Action<CallEvent>)GCHandle.FromIntPtr(userData).Target;
                var e = (CallEventStruct)Marshal.PtrToStructure(ev, typeof(CallEventStruct));
                hook(new CallEvent(e));
            }
            catch (Exception x)
            {
                try { Console.Error.WriteLine("mpgs: the OnCall hook threw (the call goes on): " + x); }
                catch (Exception) { /* nothing left to report it with */ }
            }
        }

        // A borrowed NUL-terminated UTF-8 string (null for NULL).
        internal static string Str(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            var bytes = new byte[n];
            Marshal.Copy(p, bytes, 0, n);
            return Encoding.UTF8.GetString(bytes);
        }

        private static volatile bool versionChecked;

        // The library loaded must be this package's version (once per process).
        internal static void CheckVersion()
        {
            if (versionChecked) return;
            string loaded = Str(mpgs_version());
            if (loaded != Client.PackageVersion)
                throw new DllNotFoundException("mpgs: libmpgs " + loaded + " loaded, this package is " + Client.PackageVersion);
            versionChecked = true;
        }

        [DllImport(Lib)] internal static extern IntPtr mpgs_version();
        [DllImport(Lib)] internal static extern IntPtr mpgs_readiness_name(uint readiness);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_token_repository_unique_card(ConfigHandle c, [MarshalAs(UnmanagedType.I1)] bool enabled, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_validate_at(uint op, uint apiVersion, uint level, byte[] json, out ErrorHandle err);
        [DllImport(Lib)] internal static extern IntPtr mpgs_delete_result_json(DeleteResultHandle d);
        [DllImport(Lib)] internal static extern IntPtr mpgs_gateway_info_json(GatewayInfoHandle i);
        [DllImport(Lib)] internal static extern IntPtr mpgs_session_json_verbatim(SessionHandle s);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_json_verbatim(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_ach_account_type(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_ach_bank_account_holder(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_ach_routing_number(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_ach_sec_code(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_gift_card_brand(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_gift_card_local_brand(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_gift_card_number(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_gift_card_scheme(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_usage_last_updated(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_usage_last_updated_by(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_usage_last_used(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_status_name(uint status);
        [DllImport(Lib)] internal static extern Status mpgs_config_new(byte[] merchantId, out ConfigHandle config, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_password(ConfigHandle c, byte[] v, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_certificate_files(ConfigHandle c, byte[] cert, byte[] key, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_base_url(ConfigHandle c, byte[] v, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_region(ConfigHandle c, byte[] v, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_add_ca_file(ConfigHandle c, byte[] v, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_connect_timeout_ms(ConfigHandle c, uint ms, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_timeout_ms(ConfigHandle c, uint ms, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_max_retries(ConfigHandle c, uint n, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_proxy(ConfigHandle c, byte[] url, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_proxy_from_env(ConfigHandle c, [MarshalAs(UnmanagedType.I1)] bool enabled, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_session_api_version(ConfigHandle c, uint version, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_token_api_version(ConfigHandle c, uint version, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_validation_level(ConfigHandle c, uint level, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_trust(ConfigHandle c, uint trust, out ErrorHandle err);
        [DllImport(Lib)] internal static extern void mpgs_config_free(IntPtr c);
        [DllImport(Lib)] internal static extern Status mpgs_config_set_observer(ConfigHandle c, CallObserver callback, IntPtr userData, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_client_certificate_not_after(ClientHandle c, out long unixSeconds, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_client_connect(ClientHandle c, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_client_new(ConfigHandle c, out ClientHandle client, out ErrorHandle err);
        [DllImport(Lib)] internal static extern void mpgs_client_free(IntPtr c);
        [DllImport(Lib)] internal static extern Status mpgs_client_create_session(ClientHandle c, byte[] json, out SessionHandle s, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_client_create_token(ClientHandle c, byte[] json, out TokenHandle t, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_validate(uint op, byte[] json, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_client_retrieve_session(ClientHandle c, byte[] id, out SessionHandle s, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_client_update_session(ClientHandle c, byte[] id, byte[] json, out SessionHandle s, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_client_retrieve_token(ClientHandle c, byte[] token, out TokenHandle t, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_client_delete_token(ClientHandle c, byte[] token, out DeleteResultHandle d, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Status mpgs_client_check_gateway(ClientHandle c, out GatewayInfoHandle i, out ErrorHandle err);
        [DllImport(Lib)] internal static extern Readiness mpgs_session_ready_for_token(SessionHandle s, byte[] expectedVersion);
        [DllImport(Lib)] internal static extern IntPtr mpgs_delete_result_result(DeleteResultHandle d);
        [DllImport(Lib)] internal static extern IntPtr mpgs_delete_result_correlation_id(DeleteResultHandle d);
        [DllImport(Lib)] internal static extern ushort mpgs_delete_result_http_status(DeleteResultHandle d);
        [DllImport(Lib)] internal static extern uint mpgs_delete_result_api_version(DeleteResultHandle d);
        [DllImport(Lib)] internal static extern uint mpgs_delete_result_attempts(DeleteResultHandle d);
        [DllImport(Lib)] internal static extern void mpgs_delete_result_free(IntPtr d);
        [DllImport(Lib)] internal static extern IntPtr mpgs_gateway_info_gateway_version(GatewayInfoHandle i);
        [DllImport(Lib)] internal static extern IntPtr mpgs_gateway_info_status(GatewayInfoHandle i);
        [DllImport(Lib)] [return: MarshalAs(UnmanagedType.I1)] internal static extern bool mpgs_gateway_info_is_operating(GatewayInfoHandle i);
        [DllImport(Lib)] internal static extern ushort mpgs_gateway_info_http_status(GatewayInfoHandle i);
        [DllImport(Lib)] internal static extern uint mpgs_gateway_info_api_version(GatewayInfoHandle i);
        [DllImport(Lib)] internal static extern uint mpgs_gateway_info_attempts(GatewayInfoHandle i);
        [DllImport(Lib)] internal static extern void mpgs_gateway_info_free(IntPtr i);

        [DllImport(Lib)] internal static extern Status mpgs_error_status(ErrorHandle e);
        [DllImport(Lib)] internal static extern Stage mpgs_error_stage(ErrorHandle e);
        [DllImport(Lib)] internal static extern IntPtr mpgs_error_message(ErrorHandle e);
        [DllImport(Lib)] internal static extern ushort mpgs_error_http_status(ErrorHandle e);
        [DllImport(Lib)] [return: MarshalAs(UnmanagedType.I1)] internal static extern bool mpgs_error_outcome_unknown(ErrorHandle e);
        [DllImport(Lib)] internal static extern uint mpgs_error_attempts(ErrorHandle e);
        [DllImport(Lib)] internal static extern IntPtr mpgs_error_cause(ErrorHandle e);
        [DllImport(Lib)] internal static extern IntPtr mpgs_error_field(ErrorHandle e);
        [DllImport(Lib)] internal static extern IntPtr mpgs_error_validation_type(ErrorHandle e);
        [DllImport(Lib)] internal static extern IntPtr mpgs_error_explanation(ErrorHandle e);
        [DllImport(Lib)] internal static extern IntPtr mpgs_error_support_code(ErrorHandle e);
        [DllImport(Lib)] internal static extern IntPtr mpgs_error_gateway_json(ErrorHandle e);
        [DllImport(Lib)] internal static extern UIntPtr mpgs_error_field_error_count(ErrorHandle e);
        [DllImport(Lib)] internal static extern Status mpgs_error_field_error(ErrorHandle e, UIntPtr index, out FieldErrorStruct fe);
        [DllImport(Lib)] internal static extern void mpgs_error_free(IntPtr e);

        [DllImport(Lib)] internal static extern IntPtr mpgs_session_id(SessionHandle s);
        [DllImport(Lib)] internal static extern IntPtr mpgs_session_aes256_key(SessionHandle s);
        [DllImport(Lib)] internal static extern IntPtr mpgs_session_version(SessionHandle s);
        [DllImport(Lib)] internal static extern IntPtr mpgs_session_update_status(SessionHandle s);
        [DllImport(Lib)] internal static extern IntPtr mpgs_session_merchant(SessionHandle s);
        [DllImport(Lib)] internal static extern IntPtr mpgs_session_result(SessionHandle s);
        [DllImport(Lib)] internal static extern IntPtr mpgs_session_correlation_id(SessionHandle s);
        [DllImport(Lib)] internal static extern IntPtr mpgs_session_json(SessionHandle s);
        [DllImport(Lib)] [return: MarshalAs(UnmanagedType.I1)] internal static extern bool mpgs_session_authentication_limit(SessionHandle s, out uint limit);
        [DllImport(Lib)] internal static extern ushort mpgs_session_http_status(SessionHandle s);
        [DllImport(Lib)] internal static extern uint mpgs_session_api_version(SessionHandle s);
        [DllImport(Lib)] internal static extern uint mpgs_session_attempts(SessionHandle s);
        [DllImport(Lib)] internal static extern void mpgs_session_free(IntPtr s);

        [DllImport(Lib)] internal static extern IntPtr mpgs_token_token(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_status(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_repository_id(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_gateway_code(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_result(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_verification_strategy(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_source_of_funds_type(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_correlation_id(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_card_brand(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_card_number(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_card_expiry(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_card_scheme(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_card_funding_method(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_card_issuer(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_card_local_brand(TokenHandle t);
        [DllImport(Lib)] internal static extern IntPtr mpgs_token_json(TokenHandle t);
        [DllImport(Lib)] internal static extern ushort mpgs_token_http_status(TokenHandle t);
        [DllImport(Lib)] internal static extern uint mpgs_token_api_version(TokenHandle t);
        [DllImport(Lib)] internal static extern uint mpgs_token_attempts(TokenHandle t);
        [DllImport(Lib)] internal static extern void mpgs_token_free(IntPtr t);
    }
}
