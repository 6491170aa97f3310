// The C++17 wrapper (include/mpgs.hpp) in a few lines: a session, a card token, and a request
// refused before sending. Every failure is an mpgs::Error with the C error's fields.
//
// Build against an install:  c++ -std=c++17 examples/quickstart.cpp $(pkg-config --cflags --libs mpgs)
// Environment (`make demo` points it at the local sandbox): MPGS_MERCHANT_ID, MPGS_PASSWORD,
// MPGS_BASE_URL (or MPGS_REGION), MPGS_CA_FILE (optional).
#include <mpgs.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

static std::string env_or(const char *name, const char *fallback) {
    const char *v = std::getenv(name);
    return v ? v : fallback;
}

int main() {
    try {
        mpgs::Config config(env_or("MPGS_MERCHANT_ID", "TESTMERCHANT"));
        config.password(env_or("MPGS_PASSWORD", "sandbox-password"));
        if (const char *url = std::getenv("MPGS_BASE_URL")) {
            config.base_url(url);
        } else {
            config.region(env_or("MPGS_REGION", "mtf"));
        }
        if (const char *ca = std::getenv("MPGS_CA_FILE")) config.ca_file(ca);
        const mpgs::Client client(config);

        const mpgs::Session session = client.create_session(R"({"session.authenticationLimit": 5})");
        std::printf("[c++] libmpgs %s, session %s (HTTP %u)\n", mpgs_version(), session.id().value_or("?").c_str(),
                    static_cast<unsigned>(session.http_status()));

        const mpgs::Token token = client.create_token(
            R"({"sourceOfFunds": {"type": "CARD", "provided": {"card": {"number": "5123450000000008",)"
            R"( "expiry": {"month": "5", "year": "30"}}}}})");
        std::printf("[c++] token %s for %s\n", token.token().value_or("?").c_str(),
                    token.card_number().value_or("?").c_str());

        try {
            client.create_token(R"({"sourceOfFunds.type": "ACH", "sourceOfFunds.provided.ach.routingNumber": "01100001"})");
            std::printf("[c++] the ACH request was not refused\n");
            return 1;
        } catch (const mpgs::Error &e) {
            for (const auto &f : e.field_errors()) {
                std::printf("[c++] refused before sending: %s %s %s\n", f.validation_type.c_str(), f.field.c_str(),
                            f.explanation.c_str());
            }
            if (e.stage() != MPGS_STAGE_NOT_SENT) return 1;
        }
    } catch (const mpgs::Error &e) {
        std::fprintf(stderr, "[c++] %s: %s\n", mpgs_status_name(e.status()), e.what());
        return 1;
    }
    return 0;
}
