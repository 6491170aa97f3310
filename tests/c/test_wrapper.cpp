// The C++17 wrapper (include/mpgs.hpp) against the sandbox: RAII handles, moves, and
// mpgs::Error carrying the C error's fields. Environment as for test_mpgs.c.
#include "mpgs.hpp"
#include "mpgs.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <utility>

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

static const char *CARD =
    R"({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008",)"
    R"( "expiry": {"month": "5", "year": "30"}}}}, "verificationStrategy": "BASIC"})";

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
    mpgs::Session moved = std::move(session);
    CHECK(moved.id().has_value());

    mpgs::Token token = client.create_token(CARD);
    CHECK(token.card_number() == std::string("512345xxxxxx0008"));
    CHECK(token.card_brand() == std::string("MASTERCARD"));
    CHECK(token.gateway_code() == std::string("BASIC_VERIFICATION_SUCCESSFUL"));

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

    std::printf("%s: C++ wrapper\n", failures ? "FAIL" : "ok");
    return failures ? 1 : 0;
}
