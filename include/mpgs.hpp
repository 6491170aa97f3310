/*
 * mpgs.hpp: a header-only C++17 wrapper of libmpgs (mpgs.h).
 *
 * Handles are move-only RAII objects (std::unique_ptr with deleters that call the C `_free`
 * functions); a failed call throws mpgs::Error, which carries every field of the C error, and
 * so does an argument the C API cannot take (a duration out of range, a string holding a NUL).
 * `capi()` returns the raw C handle, for calls the wrapper does not cover.
 * Threads: as in C, one mpgs::Client may be used from many threads at once; a Session, Token,
 * Request or Config belongs to one thread at a time.
 *
 *   mpgs::Client client(mpgs::Config("TESTMERCHANT").password(pw).region("mtf"));
 *   mpgs::Session session = client.create_session();
 *   mpgs::Token token = client.create_token(R"({"sourceOfFunds": {...}})");
 */
#ifndef MPGS_HPP
#define MPGS_HPP

#include "mpgs.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mpgs {

/** One field problem: dotted field, INVALID / MISSING / UNSUPPORTED, and what is wrong. */
struct FieldError {
    std::string field;
    std::string validation_type;
    std::string explanation;
};

namespace detail {

inline std::optional<std::string> opt(const char *s) {
    return s ? std::optional<std::string>(s) : std::nullopt;
}

/** A C string as std::string; "" for NULL (never std::string(NULL)). */
inline std::string str(const char *s) { return s ? std::string(s) : std::string(); }

template <typename T, void (*Free)(T *)>
struct Deleter {
    void operator()(T *p) const noexcept { Free(p); }
};

template <typename T, void (*Free)(T *)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

}  // namespace detail

/** A failed call: the status and every detail of the C library's mpgs_error. */
class Error : public std::runtime_error {
    using Owned = detail::Handle<mpgs_error, mpgs_error_free>;

public:
    /** Takes ownership of `error` (may be NULL) and frees it once copied, also when copying
     * throws (std::bad_alloc). Without a C error the stage and the outcome are unknown. */
    Error(mpgs_status status, mpgs_error *error) : Error(status, Owned(error)) {}

    /** An argument the wrapper refuses before calling C (stage NOT_SENT: nothing was sent). */
    Error(mpgs_status status, const std::string &message)
        : std::runtime_error(message), status_(status), stage_(MPGS_STAGE_NOT_SENT), outcome_unknown_(false) {}

    mpgs_status status() const noexcept { return status_; }
    mpgs_stage stage() const noexcept { return stage_; }
    /** 0 when no answer came. */
    std::uint16_t http_status() const noexcept { return http_status_; }
    /** True when the gateway may have processed a request that got no answer. */
    bool outcome_unknown() const noexcept { return outcome_unknown_; }
    std::uint32_t attempts() const noexcept { return attempts_; }
    const std::optional<std::string> &cause() const noexcept { return cause_; }
    const std::optional<std::string> &field() const noexcept { return field_; }
    const std::optional<std::string> &validation_type() const noexcept { return validation_type_; }
    const std::optional<std::string> &explanation() const noexcept { return explanation_; }
    const std::optional<std::string> &support_code() const noexcept { return support_code_; }
    /** Every field problem (validation errors), the first being `field()`. */
    const std::vector<FieldError> &field_errors() const noexcept { return field_errors_; }

private:
    // `owned` exists before anything here can throw: the C error is freed whatever happens.
    Error(mpgs_status status, Owned owned)
        : std::runtime_error(message_of(status, owned.get())), status_(status) {
        const mpgs_error *error = owned.get();
        if (!error) return;
        stage_ = mpgs_error_stage(error);
        http_status_ = mpgs_error_http_status(error);
        outcome_unknown_ = mpgs_error_outcome_unknown(error);
        attempts_ = mpgs_error_attempts(error);
        cause_ = detail::opt(mpgs_error_cause(error));
        field_ = detail::opt(mpgs_error_field(error));
        validation_type_ = detail::opt(mpgs_error_validation_type(error));
        explanation_ = detail::opt(mpgs_error_explanation(error));
        support_code_ = detail::opt(mpgs_error_support_code(error));
        size_t n = mpgs_error_field_error_count(error);
        field_errors_.reserve(n);
        for (size_t i = 0; i < n; i++) {
            mpgs_field_error fe;
            if (mpgs_error_field_error(error, i, &fe) == MPGS_STATUS_OK) {
                field_errors_.push_back(
                    FieldError{detail::str(fe.field), detail::str(fe.validation_type), detail::str(fe.explanation)});
            }
        }
    }

    static std::string message_of(mpgs_status status, const mpgs_error *error) {
        const char *m = error ? mpgs_error_message(error) : nullptr;
        return m ? std::string(m) : std::string(mpgs_status_name(status));
    }

    mpgs_status status_;
    mpgs_stage stage_ = MPGS_STAGE_UNKNOWN;
    std::uint16_t http_status_ = 0;
    bool outcome_unknown_ = true;
    std::uint32_t attempts_ = 0;
    std::optional<std::string> cause_, field_, validation_type_, explanation_, support_code_;
    std::vector<FieldError> field_errors_;
};

namespace detail {

// `error` by reference: it is read after the call that fills it (argument order is unspecified).
inline void check(mpgs_status status, mpgs_error *const &error) {
    if (status != MPGS_STATUS_OK) throw Error(status, error);
    mpgs_error_free(error);
}

/** `s` for C, refused when it holds a NUL (C would see only the text before it). */
inline const char *c_str(const std::string &s, const char *what) {
    if (s.find('\0') != std::string::npos) {
        throw Error(MPGS_STATUS_INVALID_ARGUMENT, std::string("`") + what + "` holds a NUL character");
    }
    return s.c_str();
}

/** A duration in whole milliseconds for C (rounded up), refused when negative or above
 * UINT32_MAX ms instead of wrapped or cut. */
template <typename Rep, typename Period>
std::uint32_t milliseconds(std::chrono::duration<Rep, Period> d, const char *what) {
    // Compared as floating milliseconds first: converting an out-of-range count could overflow.
    const std::chrono::duration<long double, std::milli> ms = d;
    const long double max = std::numeric_limits<std::uint32_t>::max();
    if (!(ms.count() >= 0 && std::ceil(ms.count()) <= max)) {  // NaN fails too
        throw Error(MPGS_STATUS_INVALID_ARGUMENT,
                    std::string("`") + what + "` must be from 0 to 4294967295 ms (about 49.7 days)");
    }
    return static_cast<std::uint32_t>(std::ceil(ms.count()));
}

/** The generic accessors' answer: the value, nullopt when absent; throws on any other failure. */
inline std::optional<std::string> field(mpgs_status status, char *value, mpgs_error *const &error) {
    if (status == MPGS_STATUS_NOT_FOUND) {
        mpgs_error_free(error);
        return std::nullopt;
    }
    check(status, error);
    Handle<char, mpgs_string_free> owned(value);
    return str(value);
}

}  // namespace detail

/** The library's version, "MAJOR.MINOR.PATCH". */
inline std::string version() { return mpgs_version(); }

/** Checks a request body (JSON text) for an operation without sending it; throws on a problem. */
inline void validate(mpgs_operation operation, const std::string &json) {
    mpgs_error *e = nullptr;
    detail::check(mpgs_validate(operation, detail::c_str(json, "json"), &e), e);
}

/** A request built field by field with dotted names. */
class Request {
public:
    explicit Request(mpgs_operation operation) {
        mpgs_request *r = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_request_new(operation, &r, &e), e);
        handle_.reset(r);
    }

    Request &set(const std::string &name, const std::string &value) {
        mpgs_error *e = nullptr;
        detail::check(
            mpgs_request_set(capi(), detail::c_str(name, "name"), detail::c_str(value, "value"), &e), e);
        return *this;
    }

    Request &unset(const std::string &name) {
        mpgs_error *e = nullptr;
        detail::check(mpgs_request_unset(capi(), detail::c_str(name, "name"), &e), e);
        return *this;
    }

    /** Throws mpgs::Error listing every problem. */
    void validate() const {
        mpgs_error *e = nullptr;
        detail::check(mpgs_request_validate(capi(), &e), e);
    }

    /** The C handle (NULL once moved from); still owned by this object. */
    mpgs_request *capi() noexcept { return handle_.get(); }
    const mpgs_request *capi() const noexcept { return handle_.get(); }

private:
    detail::Handle<mpgs_request, mpgs_request_free> handle_;
};

/** A session (Create, Update or Retrieve Session). Accessors of a moved-from Session return nullopt or 0; json() and get()
 * throw mpgs::Error (MPGS_STATUS_INVALID_ARGUMENT). */
class Session {
public:
    explicit Session(mpgs_session *s) : handle_(s) {}
    std::optional<std::string> id() const { return detail::opt(mpgs_session_id(capi())); }
    std::optional<std::string> aes256_key() const { return detail::opt(mpgs_session_aes256_key(capi())); }
    std::optional<std::string> version() const { return detail::opt(mpgs_session_version(capi())); }
    std::optional<std::string> update_status() const { return detail::opt(mpgs_session_update_status(capi())); }
    std::optional<std::string> result() const { return detail::opt(mpgs_session_result(capi())); }
    std::optional<std::string> correlation_id() const { return detail::opt(mpgs_session_correlation_id(capi())); }
    std::optional<std::uint32_t> authentication_limit() const {
        std::uint32_t v = 0;
        return mpgs_session_authentication_limit(capi(), &v) ? std::optional<std::uint32_t>(v) : std::nullopt;
    }
    std::uint16_t http_status() const { return mpgs_session_http_status(capi()); }
    std::uint32_t api_version() const { return mpgs_session_api_version(capi()); }
    /** Whether the session can be tokenized: MPGS_READINESS_READY, or the first condition that
     * fails (not updated, no card details, a version other than `expected_version`). */
    mpgs_readiness ready_for_token(const std::optional<std::string> &expected_version = std::nullopt) const {
        const char *v = expected_version ? detail::c_str(*expected_version, "expected_version") : nullptr;
        return mpgs_session_ready_for_token(capi(), v);
    }
    /** The whole answer as JSON text. */
    std::string json() const {
        const char *j = mpgs_session_json(capi());
        if (!j) throw Error(MPGS_STATUS_INVALID_ARGUMENT, "`session` is empty (moved from)");
        return j;
    }
    /** Any field by dotted name; nullopt when the answer has none (MPGS_STATUS_NOT_FOUND). Any
     * other failure (an empty Session, a name that is not UTF-8) throws mpgs::Error. */
    std::optional<std::string> get(const std::string &name) const {
        char *v = nullptr;
        mpgs_error *e = nullptr;
        mpgs_status status = mpgs_session_get(capi(), detail::c_str(name, "name"), &v, &e);
        return detail::field(status, v, e);
    }
    /** The C handle (NULL once moved from); still owned by this object. */
    const mpgs_session *capi() const noexcept { return handle_.get(); }

private:
    detail::Handle<mpgs_session, mpgs_session_free> handle_;
};

/** A token (Create or Update Token, Retrieve Token). Accessors of a moved-from Token return nullopt or 0; json() and
 * get() throw mpgs::Error (MPGS_STATUS_INVALID_ARGUMENT). */
class Token {
public:
    explicit Token(mpgs_token *t) : handle_(t) {}
    std::optional<std::string> token() const { return detail::opt(mpgs_token_token(capi())); }
    std::optional<std::string> status() const { return detail::opt(mpgs_token_status(capi())); }
    std::optional<std::string> repository_id() const { return detail::opt(mpgs_token_repository_id(capi())); }
    std::optional<std::string> gateway_code() const { return detail::opt(mpgs_token_gateway_code(capi())); }
    std::optional<std::string> result() const { return detail::opt(mpgs_token_result(capi())); }
    std::optional<std::string> card_brand() const { return detail::opt(mpgs_token_card_brand(capi())); }
    /** Always masked 6.4. */
    std::optional<std::string> card_number() const { return detail::opt(mpgs_token_card_number(capi())); }
    std::optional<std::string> card_expiry() const { return detail::opt(mpgs_token_card_expiry(capi())); }
    std::optional<std::string> card_scheme() const { return detail::opt(mpgs_token_card_scheme(capi())); }
    std::optional<std::string> card_funding_method() const {
        return detail::opt(mpgs_token_card_funding_method(capi()));
    }
    std::uint16_t http_status() const { return mpgs_token_http_status(capi()); }
    std::uint32_t api_version() const { return mpgs_token_api_version(capi()); }
    /** The whole answer as JSON text. */
    std::string json() const {
        const char *j = mpgs_token_json(capi());
        if (!j) throw Error(MPGS_STATUS_INVALID_ARGUMENT, "`token` is empty (moved from)");
        return j;
    }
    /** Any field by dotted name; nullopt when the answer has none (MPGS_STATUS_NOT_FOUND). Any
     * other failure (an empty Token, a name that is not UTF-8) throws mpgs::Error. */
    std::optional<std::string> get(const std::string &name) const {
        char *v = nullptr;
        mpgs_error *e = nullptr;
        mpgs_status status = mpgs_token_get(capi(), detail::c_str(name, "name"), &v, &e);
        return detail::field(status, v, e);
    }
    /** The C handle (NULL once moved from); still owned by this object. */
    const mpgs_token *capi() const noexcept { return handle_.get(); }

private:
    detail::Handle<mpgs_token, mpgs_token_free> handle_;
};

/** What Delete Token answered. */
class DeleteResult {
public:
    explicit DeleteResult(mpgs_delete_result *d) : handle_(d) {}
    std::optional<std::string> result() const { return detail::opt(mpgs_delete_result_result(capi())); }
    std::optional<std::string> correlation_id() const {
        return detail::opt(mpgs_delete_result_correlation_id(capi()));
    }
    std::uint16_t http_status() const { return mpgs_delete_result_http_status(capi()); }
    std::uint32_t attempts() const { return mpgs_delete_result_attempts(capi()); }
    /** The C handle (NULL once moved from); still owned by this object. */
    const mpgs_delete_result *capi() const noexcept { return handle_.get(); }

private:
    detail::Handle<mpgs_delete_result, mpgs_delete_result_free> handle_;
};

/** What Check Gateway answered: `gatewayVersion` and `status` (OPERATING or SHUTDOWN). */
class GatewayInfo {
public:
    explicit GatewayInfo(mpgs_gateway_info *i) : handle_(i) {}
    std::optional<std::string> gateway_version() const {
        return detail::opt(mpgs_gateway_info_gateway_version(capi()));
    }
    std::optional<std::string> status() const { return detail::opt(mpgs_gateway_info_status(capi())); }
    bool is_operating() const { return mpgs_gateway_info_is_operating(capi()); }
    std::uint16_t http_status() const { return mpgs_gateway_info_http_status(capi()); }
    /** The C handle (NULL once moved from); still owned by this object. */
    const mpgs_gateway_info *capi() const noexcept { return handle_.get(); }

private:
    detail::Handle<mpgs_gateway_info, mpgs_gateway_info_free> handle_;
};

/** One call, after it ended, as Config::on_call's function sees it: no body, header or secret
 * (see mpgs_call_event). The strings are copies. */
struct CallEvent {
    mpgs_operation operation;
    std::string operation_name;
    std::string method;
    /** Merchant included; ids as sent (a token id that could be a card number masked 6.4). */
    std::string path;
    std::uint32_t api_version;
    /** 0 when no answer was read. */
    std::uint16_t http_status;
    /** 0 when refused before sending. */
    std::uint32_t attempts;
    std::chrono::microseconds elapsed;
    bool outcome_unknown;
    /** MPGS_STATUS_OK for a success. */
    mpgs_status status;
    /** MPGS_STAGE_UNKNOWN for a success. */
    mpgs_stage stage;
};

namespace detail {

using Observer = std::function<void(const CallEvent &)>;

/** The C callback: copies the borrowed event and calls the function; nothing it throws (the
 * function's exceptions, std::bad_alloc) crosses into C. */
inline void observe(const mpgs_call_event *e, void *user_data) noexcept {
    try {
        if (e == nullptr || user_data == nullptr) return;
        CallEvent event{e->operation,   str(e->operation_name),
                        str(e->method), str(e->path),
                        e->api_version, e->http_status,
                        e->attempts,    std::chrono::microseconds(static_cast<std::int64_t>(e->elapsed_us)),
                        e->outcome_unknown, e->status,
                        e->stage};
        (*static_cast<const Observer *>(user_data))(event);
    } catch (...) {
    }
}

}  // namespace detail

/** Client settings; chain the setters, then construct a Client from it. */
class Config {
public:
    explicit Config(const std::string &merchant_id) {
        mpgs_config *c = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_config_new(detail::c_str(merchant_id, "merchant_id"), &c, &e), e);
        handle_.reset(c);
    }
    Config &password(const std::string &p) { return apply(mpgs_config_set_password, p, "password"); }
    Config &base_url(const std::string &url) { return apply(mpgs_config_set_base_url, url, "base_url"); }
    Config &region(const std::string &r) { return apply(mpgs_config_set_region, r, "region"); }
    /** The file is read now (see mpgs_config_add_ca_file). */
    Config &ca_file(const std::string &path) { return apply(mpgs_config_add_ca_file, path, "ca_file"); }
    /** The files are read now (see mpgs_config_set_certificate_files). */
    Config &certificate_files(const std::string &cert, const std::string &key) {
        mpgs_error *e = nullptr;
        detail::check(mpgs_config_set_certificate_files(capi(), detail::c_str(cert, "cert_file"),
                                                        detail::c_str(key, "key_file"), &e),
                      e);
        return *this;
    }
    /** Any std::chrono duration, rounded up to whole milliseconds; throws mpgs::Error
     * (MPGS_STATUS_INVALID_ARGUMENT) when negative or above UINT32_MAX ms. */
    template <typename Rep, typename Period>
    Config &connect_timeout(std::chrono::duration<Rep, Period> t) {
        return apply(mpgs_config_set_connect_timeout_ms, detail::milliseconds(t, "connect_timeout"));
    }
    /** As connect_timeout: rounded up, range checked. */
    template <typename Rep, typename Period>
    Config &timeout(std::chrono::duration<Rep, Period> t) {
        return apply(mpgs_config_set_timeout_ms, detail::milliseconds(t, "timeout"));
    }
    Config &max_retries(std::uint32_t n) { return apply(mpgs_config_set_max_retries, n); }
    Config &session_api_version(std::uint32_t v) { return apply(mpgs_config_set_session_api_version, v); }
    Config &token_api_version(std::uint32_t v) { return apply(mpgs_config_set_token_api_version, v); }
    /** The merchant's token repository is "Unique Card": a Create or Update Token request may be
     * sent again when a reused connection closed under it (see
     * mpgs_config_set_token_repository_unique_card). */
    Config &token_repository_unique_card(bool enabled) {
        mpgs_error *e = nullptr;
        detail::check(mpgs_config_set_token_repository_unique_card(capi(), enabled, &e), e);
        return *this;
    }
    /** How strictly requests are checked before sending (see mpgs_config_set_validation_level). */
    Config &validation_level(mpgs_validation_level level) {
        return apply(mpgs_config_set_validation_level, static_cast<std::uint32_t>(level));
    }
    /** Which roots are trusted for the gateway's certificate (see mpgs_config_set_trust). */
    Config &trust(mpgs_trust t) { return apply(mpgs_config_set_trust, static_cast<std::uint32_t>(t)); }
    /** Calls `f` once after every call of the clients made from this config, on the calling
     * thread, before the call returns (see mpgs_config_set_observer): it must not call back into
     * the client. An exception it throws is caught and dropped, never reaching the call. The
     * function is shared with those clients and lives as long as they do. */
    Config &on_call(std::function<void(const CallEvent &)> f) {
        auto observer = std::make_shared<const detail::Observer>(std::move(f));
        mpgs_error *e = nullptr;
        detail::check(mpgs_config_set_observer(capi(), detail::observe,
                                               const_cast<detail::Observer *>(observer.get()), &e),
                      e);
        observer_ = std::move(observer);
        return *this;
    }
    /** The C handle (NULL once moved from); still owned by this object. */
    mpgs_config *capi() noexcept { return handle_.get(); }
    const mpgs_config *capi() const noexcept { return handle_.get(); }

private:
    Config &apply(mpgs_status (*f)(mpgs_config *, const char *, mpgs_error **), const std::string &v,
                  const char *what) {
        mpgs_error *e = nullptr;
        detail::check(f(capi(), detail::c_str(v, what), &e), e);
        return *this;
    }
    Config &apply(mpgs_status (*f)(mpgs_config *, std::uint32_t, mpgs_error **), std::uint32_t v) {
        mpgs_error *e = nullptr;
        detail::check(f(capi(), v, &e), e);
        return *this;
    }
    detail::Handle<mpgs_config, mpgs_config_free> handle_;
    std::shared_ptr<const detail::Observer> observer_;
    friend class Client;
};

/** A client; its const methods may be called from many threads at once. */
class Client {
public:
    explicit Client(const Config &config) {
        mpgs_client *c = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_new(config.capi(), &c, &e), e);
        handle_.reset(c);
        observer_ = config.observer_;
    }

    /** Create Session with an empty body. */
    Session create_session() const { return create_session(static_cast<const char *>(nullptr)); }
    /** Create Session from JSON text in the gateway's shape (nullptr: an empty body). */
    Session create_session(const char *json) const {
        mpgs_session *s = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_create_session(capi(), json, &s, &e), e);
        return Session(s);
    }
    Session create_session(const std::string &json) const { return create_session(detail::c_str(json, "json")); }
    Session create_session(const Request &request) const {
        mpgs_session *s = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_create_session_with(capi(), request.capi(), &s, &e), e);
        return Session(s);
    }

    Token create_token(const std::string &json) const {
        mpgs_token *t = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_create_token(capi(), detail::c_str(json, "json"), &t, &e), e);
        return Token(t);
    }
    Token create_token(const Request &request) const {
        mpgs_token *t = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_create_token_with(capi(), request.capi(), &t, &e), e);
        return Token(t);
    }

    /** Retrieve Session: the session's stored fields, card details masked. The id is checked
     * before anything is sent (mpgs::Error naming `sessionId`). */
    Session retrieve_session(const std::string &session_id) const {
        mpgs_session *s = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_retrieve_session(capi(), detail::c_str(session_id, "session_id"), &s, &e), e);
        return Session(s);
    }
    /** Update Session from JSON text (nested or dotted fields to store). */
    Session update_session(const std::string &session_id, const std::string &json) const {
        mpgs_session *s = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_update_session(capi(), detail::c_str(session_id, "session_id"),
                                                 detail::c_str(json, "json"), &s, &e),
                      e);
        return Session(s);
    }
    /** Update Session from a Request(MPGS_OPERATION_UPDATE_SESSION). */
    Session update_session(const std::string &session_id, const Request &request) const {
        mpgs_session *s = nullptr;
        mpgs_error *e = nullptr;
        detail::check(
            mpgs_client_update_session_with(capi(), detail::c_str(session_id, "session_id"), request.capi(), &s, &e),
            e);
        return Session(s);
    }
    /** Retrieve Token: the details stored against `token`, card number masked. */
    Token retrieve_token(const std::string &token) const {
        mpgs_token *t = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_retrieve_token(capi(), detail::c_str(token, "token"), &t, &e), e);
        return Token(t);
    }
    /** Delete Token: the token is then unknown to the gateway. */
    DeleteResult delete_token(const std::string &token) const {
        mpgs_delete_result *d = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_delete_token(capi(), detail::c_str(token, "token"), &d, &e), e);
        return DeleteResult(d);
    }
    /** Check Gateway: sends no credentials (it needs none), so it proves nothing about them. */
    GatewayInfo check_gateway() const {
        mpgs_gateway_info *i = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_check_gateway(capi(), &i, &e), e);
        return GatewayInfo(i);
    }
    /** Warm-up: opens and keeps an idle connection (TLS handshake done) for the next call;
     *  nothing if one is fit already. Sends no request. See `mpgs_client_connect`. */
    void connect() const {
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_connect(capi(), &e), e);
    }

    /** When the client certificate expires (its notAfter, whole seconds: a time point of
     * std::chrono::seconds, so any year fits); nullopt with password authentication (see
     * mpgs_client_certificate_not_after). */
    std::optional<std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>>
    client_certificate_expiry() const {
        std::int64_t seconds = 0;
        mpgs_error *e = nullptr;
        mpgs_status status = mpgs_client_certificate_not_after(capi(), &seconds, &e);
        if (status == MPGS_STATUS_NOT_FOUND) {
            mpgs_error_free(e);
            return std::nullopt;
        }
        detail::check(status, e);
        return std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>(std::chrono::seconds(seconds));
    }

    /** The C handle (NULL once moved from); still owned by this object. */
    const mpgs_client *capi() const noexcept { return handle_.get(); }

private:
    /** Config::on_call's function, kept while the C client may call it (declared before the
     * handle, so destroyed after the C client is freed). */
    std::shared_ptr<const detail::Observer> observer_;
    detail::Handle<mpgs_client, mpgs_client_free> handle_;
};

}  // namespace mpgs

#endif /* MPGS_HPP */
