/*
 * mpgs.hpp: a header-only C++17 wrapper of libmpgs (mpgs.h).
 *
 * Handles are move-only RAII objects (std::unique_ptr with deleters that call the C `_free`
 * functions); a failed call throws mpgs::Error, which carries every field of the C error.
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
#include <cstdint>
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

template <typename T, void (*Free)(T *)>
struct Deleter {
    void operator()(T *p) const noexcept { Free(p); }
};

template <typename T, void (*Free)(T *)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

}  // namespace detail

/** A failed call: the status and every detail of the C library's mpgs_error. */
class Error : public std::runtime_error {
public:
    /** Takes ownership of `error` (may be NULL) and frees it once copied. */
    Error(mpgs_status status, mpgs_error *error)
        : std::runtime_error(message_of(status, error)), status_(status) {
        detail::Handle<mpgs_error, mpgs_error_free> owned(error);
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
                field_errors_.push_back(FieldError{fe.field, fe.validation_type, fe.explanation});
            }
        }
    }

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
    static std::string message_of(mpgs_status status, const mpgs_error *error) {
        const char *m = error ? mpgs_error_message(error) : nullptr;
        return m ? std::string(m) : std::string(mpgs_status_name(status));
    }

    mpgs_status status_;
    mpgs_stage stage_ = MPGS_STAGE_UNKNOWN;
    std::uint16_t http_status_ = 0;
    bool outcome_unknown_ = false;
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

}  // namespace detail

/** The library's version, "MAJOR.MINOR.PATCH". */
inline std::string version() { return mpgs_version(); }

/** Checks a request body (JSON text) for an operation without sending it; throws on a problem. */
inline void validate(mpgs_operation operation, const std::string &json) {
    mpgs_error *e = nullptr;
    detail::check(mpgs_validate(operation, json.c_str(), &e), e);
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
        detail::check(mpgs_request_set(handle_.get(), name.c_str(), value.c_str(), &e), e);
        return *this;
    }

    Request &unset(const std::string &name) {
        mpgs_error *e = nullptr;
        detail::check(mpgs_request_unset(handle_.get(), name.c_str(), &e), e);
        return *this;
    }

    /** Throws mpgs::Error listing every problem. */
    void validate() const {
        mpgs_error *e = nullptr;
        detail::check(mpgs_request_validate(handle_.get(), &e), e);
    }

    const mpgs_request *get() const noexcept { return handle_.get(); }

private:
    detail::Handle<mpgs_request, mpgs_request_free> handle_;
};

/** A created session. */
class Session {
public:
    explicit Session(mpgs_session *s) : handle_(s) {}
    std::optional<std::string> id() const { return detail::opt(mpgs_session_id(get())); }
    std::optional<std::string> aes256_key() const { return detail::opt(mpgs_session_aes256_key(get())); }
    std::optional<std::string> version() const { return detail::opt(mpgs_session_version(get())); }
    std::optional<std::string> update_status() const { return detail::opt(mpgs_session_update_status(get())); }
    std::optional<std::string> result() const { return detail::opt(mpgs_session_result(get())); }
    std::optional<std::uint32_t> authentication_limit() const {
        std::uint32_t v = 0;
        return mpgs_session_authentication_limit(get(), &v) ? std::optional<std::uint32_t>(v) : std::nullopt;
    }
    std::uint16_t http_status() const { return mpgs_session_http_status(get()); }
    std::string json() const { return mpgs_session_json(get()); }
    /** Any field by dotted name; nullopt when the answer has none. */
    std::optional<std::string> get(const std::string &name) const {
        char *v = nullptr;
        if (mpgs_session_get(get(), name.c_str(), &v, nullptr) != MPGS_STATUS_OK) return std::nullopt;
        std::string out(v);
        mpgs_string_free(v);
        return out;
    }
    const mpgs_session *get() const noexcept { return handle_.get(); }

private:
    detail::Handle<mpgs_session, mpgs_session_free> handle_;
};

/** A created or updated token. */
class Token {
public:
    explicit Token(mpgs_token *t) : handle_(t) {}
    std::optional<std::string> token() const { return detail::opt(mpgs_token_token(get())); }
    std::optional<std::string> status() const { return detail::opt(mpgs_token_status(get())); }
    std::optional<std::string> repository_id() const { return detail::opt(mpgs_token_repository_id(get())); }
    std::optional<std::string> gateway_code() const { return detail::opt(mpgs_token_gateway_code(get())); }
    std::optional<std::string> result() const { return detail::opt(mpgs_token_result(get())); }
    std::optional<std::string> card_brand() const { return detail::opt(mpgs_token_card_brand(get())); }
    /** Always masked 6.4. */
    std::optional<std::string> card_number() const { return detail::opt(mpgs_token_card_number(get())); }
    std::optional<std::string> card_expiry() const { return detail::opt(mpgs_token_card_expiry(get())); }
    std::optional<std::string> card_scheme() const { return detail::opt(mpgs_token_card_scheme(get())); }
    std::optional<std::string> card_funding_method() const {
        return detail::opt(mpgs_token_card_funding_method(get()));
    }
    std::uint16_t http_status() const { return mpgs_token_http_status(get()); }
    std::string json() const { return mpgs_token_json(get()); }
    std::optional<std::string> get(const std::string &name) const {
        char *v = nullptr;
        if (mpgs_token_get(get(), name.c_str(), &v, nullptr) != MPGS_STATUS_OK) return std::nullopt;
        std::string out(v);
        mpgs_string_free(v);
        return out;
    }
    const mpgs_token *get() const noexcept { return handle_.get(); }

private:
    detail::Handle<mpgs_token, mpgs_token_free> handle_;
};

/** Client settings; chain the setters, then construct a Client from it. */
class Config {
public:
    explicit Config(const std::string &merchant_id) {
        mpgs_config *c = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_config_new(merchant_id.c_str(), &c, &e), e);
        handle_.reset(c);
    }
    Config &password(const std::string &p) { return apply(mpgs_config_set_password, p); }
    Config &base_url(const std::string &url) { return apply(mpgs_config_set_base_url, url); }
    Config &region(const std::string &r) { return apply(mpgs_config_set_region, r); }
    Config &ca_file(const std::string &path) { return apply(mpgs_config_add_ca_file, path); }
    Config &certificate_files(const std::string &cert, const std::string &key) {
        mpgs_error *e = nullptr;
        detail::check(mpgs_config_set_certificate_files(handle_.get(), cert.c_str(), key.c_str(), &e), e);
        return *this;
    }
    Config &connect_timeout(std::chrono::milliseconds t) {
        return apply(mpgs_config_set_connect_timeout_ms, static_cast<std::uint32_t>(t.count()));
    }
    Config &timeout(std::chrono::milliseconds t) {
        return apply(mpgs_config_set_timeout_ms, static_cast<std::uint32_t>(t.count()));
    }
    Config &max_retries(std::uint32_t n) { return apply(mpgs_config_set_max_retries, n); }
    Config &session_api_version(std::uint32_t v) { return apply(mpgs_config_set_session_api_version, v); }
    Config &token_api_version(std::uint32_t v) { return apply(mpgs_config_set_token_api_version, v); }
    const mpgs_config *get() const noexcept { return handle_.get(); }

private:
    Config &apply(mpgs_status (*f)(mpgs_config *, const char *, mpgs_error **), const std::string &v) {
        mpgs_error *e = nullptr;
        detail::check(f(handle_.get(), v.c_str(), &e), e);
        return *this;
    }
    Config &apply(mpgs_status (*f)(mpgs_config *, std::uint32_t, mpgs_error **), std::uint32_t v) {
        mpgs_error *e = nullptr;
        detail::check(f(handle_.get(), v, &e), e);
        return *this;
    }
    detail::Handle<mpgs_config, mpgs_config_free> handle_;
};

/** A client; its const methods may be called from many threads at once. */
class Client {
public:
    explicit Client(const Config &config) {
        mpgs_client *c = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_new(config.get(), &c, &e), e);
        handle_.reset(c);
    }

    /** Create Session with an empty body. */
    Session create_session() const { return create_session(static_cast<const char *>(nullptr)); }
    /** Create Session from JSON text in the gateway's shape (nullptr: an empty body). */
    Session create_session(const char *json) const {
        mpgs_session *s = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_create_session(get(), json, &s, &e), e);
        return Session(s);
    }
    Session create_session(const std::string &json) const { return create_session(json.c_str()); }
    Session create_session(const Request &request) const {
        mpgs_session *s = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_create_session_with(get(), request.get(), &s, &e), e);
        return Session(s);
    }

    Token create_token(const std::string &json) const {
        mpgs_token *t = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_create_token(get(), json.c_str(), &t, &e), e);
        return Token(t);
    }
    Token create_token(const Request &request) const {
        mpgs_token *t = nullptr;
        mpgs_error *e = nullptr;
        detail::check(mpgs_client_create_token_with(get(), request.get(), &t, &e), e);
        return Token(t);
    }

    const mpgs_client *get() const noexcept { return handle_.get(); }

private:
    detail::Handle<mpgs_client, mpgs_client_free> handle_;
};

}  // namespace mpgs

#endif /* MPGS_HPP */
