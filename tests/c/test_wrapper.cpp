// The C++17 wrapper (include/mpgs.hpp) against the sandbox: RAII handles, moves, and
// mpgs::Error carrying the C error's fields. Environment as for test_mpgs.c.
#include "mpgs.hpp"
#include "mpgs.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// Every allocation of this program goes through here, so that a test can make the next n-th one
// fail (fail_allocation_in = n) and see that nothing leaks (valgrind, LeakSanitizer).
static long fail_allocation_in = -1;

void *operator new(std::size_t n) {
    if (fail_allocation_in >= 0 && fail_allocation_in-- == 0) throw std::bad_alloc();
    if (void *p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }

static int failures = 0;
#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            failures++;                                                                    \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                                  \
    } while (0)

static std::string env(const char *name) {
    const char *v = std::getenv(name);
    if (!v) {
        std::fprintf(stderr, "%s is not set: run through tests/c/run.sh\n", name);
        std::exit(2);
    }
    return v;
}

static_assert(!std::is_copy_constructible_v<mpgs::Client>, "handles are move-only");
static_assert(std::is_nothrow_move_constructible_v<mpgs::Token>, "handles move without throwing");
static_assert(std::is_base_of_v<std::exception, mpgs::Error>, "errors are exceptions");

// The raw C handle is `capi()` (as in wasmtime's wrapper); `get` is only the field lookup.
template <typename T, typename = void>
struct has_nullary_get : std::false_type {};
template <typename T>
struct has_nullary_get<T, std::void_t<decltype(std::declval<const T &>().get())>> : std::true_type {};
static_assert(!has_nullary_get<mpgs::Session>::value && !has_nullary_get<mpgs::Token>::value &&
                  !has_nullary_get<mpgs::Client>::value && !has_nullary_get<mpgs::Config>::value &&
                  !has_nullary_get<mpgs::Request>::value,
              "no get() for the raw handle");
static_assert(std::is_same_v<decltype(std::declval<const mpgs::Session &>().capi()), const mpgs_session *>);
static_assert(std::is_same_v<decltype(std::declval<const mpgs::Token &>().capi()), const mpgs_token *>);
static_assert(std::is_same_v<decltype(std::declval<const mpgs::Client &>().capi()), const mpgs_client *>);
static_assert(std::is_same_v<decltype(std::declval<mpgs::Config &>().capi()), mpgs_config *>);
static_assert(std::is_same_v<decltype(std::declval<mpgs::Request &>().capi()), mpgs_request *>);

// Runs `f`, which must throw mpgs::Error with `status`; returns whether it did.
template <typename F>
static bool throws(F f, mpgs_status status) {
    try {
        f();
    } catch (const mpgs::Error &e) {
        if (e.status() != status) std::fprintf(stderr, "threw %s: %s\n", mpgs_status_name(e.status()), e.what());
        return e.status() == status;
    }
    return false;
}

// Durations out of uint32_t milliseconds are refused, not truncated or wrapped.
static void test_durations_out_of_range_are_refused() {
    using namespace std::chrono;
    mpgs::Config config("TESTMERCHANT");
    const auto bad = MPGS_STATUS_INVALID_ARGUMENT;
    CHECK(throws([&] { config.timeout(milliseconds(-1)); }, bad));
    CHECK(throws([&] { config.connect_timeout(seconds(-5)); }, bad));
    CHECK(throws([&] { config.timeout(nanoseconds(-1)); }, bad));
    CHECK(throws([&] { config.timeout(milliseconds(4294967296LL)); }, bad));
    CHECK(throws([&] { config.connect_timeout(hours(1200)); }, bad));  // 4.32e9 ms
    CHECK(throws([&] { config.timeout(hours(std::numeric_limits<hours::rep>::max())); }, bad));
    CHECK(throws([&] { config.timeout(duration<double>(std::numeric_limits<double>::quiet_NaN())); }, bad));
    CHECK(throws([&] { config.timeout(duration<double, std::milli>(4294967295.5)); }, bad));
    try {
        config.timeout(milliseconds(4294967295LL)).connect_timeout(microseconds(1500)).timeout(seconds(0));
        config.timeout(duration<double>(2.5));
    } catch (const mpgs::Error &e) {
        std::fprintf(stderr, "in range but refused: %s\n", e.what());
        CHECK(false);
    }
    try {
        config.timeout(milliseconds(-1));
    } catch (const mpgs::Error &e) {
        CHECK(e.stage() == MPGS_STAGE_NOT_SENT && !e.outcome_unknown());
        CHECK(std::string(e.what()).find("timeout") != std::string::npos);
    }
}

// mpgs::Error frees its C error even when copying it runs out of memory.
static void test_error_frees_its_c_error_when_construction_throws() {
    // Valgrind replaces operator new with its own: then this test is left to the ASan build,
    // whose LeakSanitizer sees a C error that was not freed.
    fail_allocation_in = 0;
    try {
        int *volatile probe = new int(1);  // volatile: the compiler may not elide it
        delete probe;
        fail_allocation_in = -1;
        std::fprintf(stderr, "operator new is not ours here (valgrind?): allocation failures not tested\n");
        return;
    } catch (const std::bad_alloc &) {
    }
    int threw = 0;
    bool built = false;
    for (long n = 0; !built && n < 200; n++) {
        mpgs_error *c = nullptr;
        CHECK(mpgs_validate(MPGS_OPERATION_CREATE_TOKEN,
                            R"({"sourceOfFunds": {"type": "CARDS"}, "verificationStrategy": "SOMETIMES"})",
                            &c) == MPGS_STATUS_VALIDATION);
        fail_allocation_in = n;
        try {
            mpgs::Error e(MPGS_STATUS_VALIDATION, c);
            fail_allocation_in = -1;
            built = e.field_errors().size() == 2;
        } catch (const std::bad_alloc &) {
            threw++;
        }
        fail_allocation_in = -1;
    }
    CHECK(built);
    CHECK(threw > 3);  // the message, the strings, the field error list
}

static const char *CARD =
    R"({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008",)"
    R"( "expiry": {"month": "5", "year": "30"}}}}, "verificationStrategy": "BASIC"})";

// Config::on_call: one event per call, copied; an exception the function throws never reaches
// the call; the function lives as long as the client, the Config gone.
static void test_on_call() {
    std::vector<mpgs::CallEvent> events;
    bool thrown = false;
    mpgs::Client client = [&] {
        mpgs::Config config(env("MPGS_MERCHANT_ID"));
        config.password(env("MPGS_PASSWORD")).base_url(env("MPGS_BASE_URL")).ca_file(env("MPGS_CA_FILE"));
        config.on_call([&](const mpgs::CallEvent &e) {
            events.push_back(e);
            if (e.status != MPGS_STATUS_OK) {
                thrown = true;
                throw std::runtime_error("the observer's own bug");
            }
        });
        return mpgs::Client(config);
    }();
    const std::string id = *client.create_session().id();
    CHECK(events.size() == 1);
    CHECK(events.back().operation == MPGS_OPERATION_CREATE_SESSION);
    CHECK(events.back().operation_name == "Create Session" && events.back().method == "POST");
    CHECK(events.back().path == "/api/rest/version/58/merchant/" + env("MPGS_MERCHANT_ID") + "/session");
    CHECK(events.back().http_status == 201 && events.back().attempts == 1u && events.back().api_version == 58u);
    CHECK(events.back().status == MPGS_STATUS_OK && events.back().elapsed.count() > 0);
    client.retrieve_session(id);
    CHECK(events.size() == 2 && events.back().path.find(id) != std::string::npos);
    // A gateway error, whose observer throws: the call's own mpgs::Error comes back.
    CHECK(throws([&] { client.retrieve_token("5123450000000008"); }, MPGS_STATUS_GATEWAY));
    CHECK(thrown && events.size() == 3);
    CHECK(events.back().stage == MPGS_STAGE_ANSWERED && events.back().http_status == 400);
    CHECK(events.back().path.find("/token/512345xxxxxx0008") != std::string::npos);
    CHECK(events.back().path.find("5123450000000008") == std::string::npos);
    // Validation: not sent, still an event.
    CHECK(throws([&] { client.retrieve_session("../x"); }, MPGS_STATUS_VALIDATION));
    CHECK(events.size() == 4 && events.back().stage == MPGS_STAGE_NOT_SENT && events.back().attempts == 0u);
    CHECK(events.back().path.find("{sessionId}") != std::string::npos);
}

int main() {
    CHECK(mpgs::version() == mpgs_version());

    mpgs::Client client(mpgs::Config(env("MPGS_MERCHANT_ID"))
                            .password(env("MPGS_PASSWORD"))
                            .base_url(env("MPGS_BASE_URL"))
                            .ca_file(env("MPGS_CA_FILE"))
                            .timeout(std::chrono::seconds(20)));

    mpgs::Session session = client.create_session();
    CHECK(session.id() && session.id()->size() == 31);
    CHECK(session.aes256_key() && session.aes256_key()->size() == 44);
    CHECK(session.http_status() == 201);
    CHECK(session.get("session.id") == session.id());
    CHECK(!session.get("no.such.field"));
    // Only "absent" is nullopt: a bad name or an empty handle throws.
    CHECK(throws([&] { session.get("session.\xff"); }, MPGS_STATUS_INVALID_ARGUMENT));
    CHECK(throws([&] { session.get(std::string("session.id\0x", 12)); }, MPGS_STATUS_INVALID_ARGUMENT));
    CHECK(session.json().find(*session.id()) != std::string::npos);
    mpgs::Session moved = std::move(session);
    CHECK(moved.id().has_value());
    CHECK(moved.capi() != nullptr);
    // The moved-from session: no std::string from NULL, an error instead.
    CHECK(session.capi() == nullptr);
    CHECK(!session.id());
    CHECK(throws([&] { (void)session.json(); }, MPGS_STATUS_INVALID_ARGUMENT));
    CHECK(throws([&] { session.get("session.id"); }, MPGS_STATUS_INVALID_ARGUMENT));

    mpgs::Token token = client.create_token(CARD);
    CHECK(token.card_number() == std::string("512345xxxxxx0008"));
    CHECK(token.card_brand() == std::string("MASTERCARD"));
    CHECK(token.gateway_code() == std::string("BASIC_VERIFICATION_SUCCESSFUL"));
    CHECK(token.get("sourceOfFunds.provided.card.brand") == std::string("MASTERCARD"));
    CHECK(!token.get("sourceOfFunds.provided.card.nothing"));
    CHECK(throws([&] { token.get("\xc3("); }, MPGS_STATUS_INVALID_ARGUMENT));
    mpgs::Token kept = std::move(token);
    CHECK(throws([&] { (void)token.json(); }, MPGS_STATUS_INVALID_ARGUMENT));
    CHECK(throws([&] { token.get("token"); }, MPGS_STATUS_INVALID_ARGUMENT));
    CHECK(kept.json().find(kept.token().value_or("?")) != std::string::npos);

    mpgs::Request request(MPGS_OPERATION_CREATE_SESSION);
    request.set("session.authenticationLimit", "9");
    CHECK(client.create_session(request).authentication_limit() == 9u);

    // Validation: every field, as an exception.
    try {
        mpgs::validate(MPGS_OPERATION_CREATE_TOKEN,
                       R"({"sourceOfFunds": {"type": "CARDS"}, "verificationStrategy": "SOMETIMES"})");
        CHECK(false);
    } catch (const mpgs::Error &e) {
        CHECK(e.status() == MPGS_STATUS_VALIDATION);
        CHECK(e.stage() == MPGS_STAGE_NOT_SENT);
        CHECK(e.field_errors().size() == 2);
        CHECK(e.field() == std::string("sourceOfFunds.type"));
        CHECK(std::string(e.what()).find("sourceOfFunds.type") != std::string::npos);
    }

    // A gateway error keeps the gateway's fields.
    try {
        client.create_token(R"({"sourceOfFunds": {"type": "CARD", "provided": {"card": {)"
                            R"("number": "5123450000000009", "expiry": {"month": "5", "year": "30"}}}},)"
                            R"( "verificationStrategy": "BASIC"})");
        CHECK(false);
    } catch (const mpgs::Error &e) {
        CHECK(e.status() == MPGS_STATUS_GATEWAY);
        CHECK(e.http_status() == 400);
        CHECK(e.cause() == std::string("INVALID_REQUEST"));
        CHECK(e.field() == std::string("sourceOfFunds.provided.card.number"));
        CHECK(!e.outcome_unknown());
    }

    // Bad credentials.
    try {
        mpgs::Client bad(mpgs::Config(env("MPGS_MERCHANT_ID"))
                             .password("not-the-password")
                             .base_url(env("MPGS_BASE_URL"))
                             .ca_file(env("MPGS_CA_FILE")));
        bad.create_session();
        CHECK(false);
    } catch (const mpgs::Error &e) {
        CHECK(e.status() == MPGS_STATUS_AUTHENTICATION);
        CHECK(e.http_status() == 401);
    }

    // A config error is thrown by the constructor.
    try {
        mpgs::Client none(mpgs::Config("TESTMERCHANT").region("mtf"));
        CHECK(false);
    } catch (const mpgs::Error &e) {
        CHECK(e.status() == MPGS_STATUS_CONFIG);
    }

    // API versions (issue 17): at 70 a field v38 does not know is sent; strict refuses it, naming v70.
    const char *newer = R"({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008",)"
                        R"( "nameOnCard": "A Customer", "expiry": {"month": "5", "year": "30"}}}}})";
    auto at70 = [](mpgs_validation_level level) {
        return mpgs::Client(mpgs::Config(env("MPGS_MERCHANT_ID"))
                                .password(env("MPGS_PASSWORD"))
                                .base_url(env("MPGS_BASE_URL"))
                                .ca_file(env("MPGS_CA_FILE"))
                                .token_api_version(70)
                                .validation_level(level));
    };
    CHECK(at70(MPGS_VALIDATION_LEVEL_AUTO).create_token(newer).get("sourceOfFunds.provided.card.nameOnCard") ==
          std::string("A Customer"));
    try {
        at70(MPGS_VALIDATION_LEVEL_STRICT).create_token(newer);
        CHECK(false);
    } catch (const mpgs::Error &e) {
        CHECK(e.status() == MPGS_STATUS_VALIDATION);
        CHECK(std::string(e.what()).find("(v70)") != std::string::npos);
    }

    // Trust (issue 20): pinned to the sandbox's CA works; pinned without a CA file is a config error.
    CHECK(mpgs::Client(mpgs::Config(env("MPGS_MERCHANT_ID"))
                           .password(env("MPGS_PASSWORD"))
                           .base_url(env("MPGS_BASE_URL"))
                           .ca_file(env("MPGS_CA_FILE"))
                           .trust(MPGS_TRUST_CA_FILES_ONLY))
              .create_session()
              .http_status() == 201);
    try {
        mpgs::Client pinned(mpgs::Config(env("MPGS_MERCHANT_ID"))
                                .password(env("MPGS_PASSWORD"))
                                .base_url(env("MPGS_BASE_URL"))
                                .trust(MPGS_TRUST_CA_FILES_ONLY));
        CHECK(false);
    } catch (const mpgs::Error &e) {
        CHECK(e.status() == MPGS_STATUS_CONFIG);
        CHECK(std::string(e.what()).find("ca-files-only") != std::string::npos);
    }

    // The Hosted Session flow (issue 21): update with a card, retrieve and check, tokenize,
    // retrieve the token, delete it; bad ids throw before sending; Check Gateway.
    {
        const std::string id = *client.create_session().id();
        mpgs::Request card(MPGS_OPERATION_UPDATE_SESSION);
        card.set("sourceOfFunds.provided.card.number", "5123450000000008")
            .set("sourceOfFunds.provided.card.expiry.month", "5")
            .set("sourceOfFunds.provided.card.expiry.year", "30");
        const std::string page_version = *client.update_session(id, card).version();
        mpgs::Session retrieved = client.retrieve_session(id);
        CHECK(retrieved.ready_for_token(page_version) == MPGS_READINESS_READY);
        CHECK(retrieved.ready_for_token(std::string("0000000000")) == MPGS_READINESS_VERSION_DIFFERS);
        CHECK(retrieved.api_version() == 58u);
        CHECK(client.update_session(id, R"({"order.currency": "USD"})").update_status() == std::string("SUCCESS"));
        const std::string t =
            *client.create_token(R"({"session": {"id": ")" + id + R"("}, "sourceOfFunds": {"type": "CARD"}})").token();
        CHECK(client.retrieve_token(t).card_number() == std::string("512345xxxxxx0008"));
        mpgs::DeleteResult deleted = client.delete_token(t);
        CHECK(deleted.result() == std::string("SUCCESS"));
        CHECK(deleted.attempts() == 1u);
        CHECK(throws([&] { client.retrieve_token(t); }, MPGS_STATUS_GATEWAY));
        CHECK(throws([&] { client.retrieve_token("91/23"); }, MPGS_STATUS_VALIDATION));
        CHECK(throws([&] { client.retrieve_session(id + "/.."); }, MPGS_STATUS_VALIDATION));
        CHECK(throws([&] { client.delete_token(std::string("91\0x", 4)); }, MPGS_STATUS_INVALID_ARGUMENT));
        client.connect(); // the warm-up: a connection kept for the next call
        mpgs::GatewayInfo info = client.check_gateway();
        CHECK(info.is_operating());
        CHECK(info.status() == std::string("OPERATING"));
        CHECK(info.gateway_version().has_value());
    }

    test_durations_out_of_range_are_refused();
    test_error_frees_its_c_error_when_construction_throws();
    test_on_call();

    // The client certificate's expiry: far off for the sandbox's; none with a password.
    mpgs::Client cert(mpgs::Config(env("MPGS_CERT_MERCHANT_ID"))
                          .certificate_files(env("MPGS_CLIENT_CERT"), env("MPGS_CLIENT_KEY"))
                          .base_url(env("MPGS_BASE_URL"))
                          .ca_file(env("MPGS_CA_FILE")));
    const auto expiry = cert.client_certificate_expiry();
    CHECK(expiry.has_value() &&
          *expiry > std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
                        std::chrono::hours(24 * 365));
    CHECK(!client.client_certificate_expiry().has_value());

    std::printf("%s: C++ wrapper\n", failures ? "FAIL" : "ok");
    return failures ? 1 : 0;
}
