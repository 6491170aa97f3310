/*
 * A small till flow with libmpgs: open a payment session, tokenize the card the customer
 * presented, print the masked result, and turn every kind of error into what a cashier's screen
 * should say.
 *
 * Build against an install:  cc examples/pos.c $(pkg-config --cflags --libs mpgs) -o pos
 * Environment (`make demo` points it at the local sandbox): MPGS_MERCHANT_ID, MPGS_PASSWORD,
 * MPGS_BASE_URL (or MPGS_REGION), MPGS_CA_FILE (optional).
 */
#include <mpgs.h>

#include <stdio.h>
#include <stdlib.h>

/* The line for the cashier's screen. The full message goes to the till's log. */
static void show_error(const char *step, mpgs_status status, const mpgs_error *err) {
    const char *field = mpgs_error_field(err);
    const char *explanation = mpgs_error_explanation(err);
    const char *support = mpgs_error_support_code(err);
    printf("[c/pos] %s: ", step);
    switch (status) {
    case MPGS_STATUS_VALIDATION:
        printf("CHECK CARD DETAILS - %s: %s (%zu problem(s)). Nothing was sent.\n", field ? field : "?",
               explanation ? explanation : "invalid", mpgs_error_field_error_count(err));
        break;
    case MPGS_STATUS_GATEWAY:
        printf("CARD NOT ACCEPTED - %s (HTTP %u)%s%s\n", explanation ? explanation : "refused",
               (unsigned)mpgs_error_http_status(err), support ? ", support code " : "", support ? support : "");
        break;
    case MPGS_STATUS_AUTHENTICATION:
        printf("TILL NOT AUTHORISED - the gateway refused this till's credentials. Call support.\n");
        break;
    case MPGS_STATUS_CONNECT:
        printf("NO CONNECTION to the payment gateway. Nothing was charged: try again.\n");
        break;
    case MPGS_STATUS_TIMEOUT:
    case MPGS_STATUS_IO:
        if (mpgs_error_outcome_unknown(err)) {
            printf("PAYMENT STATUS UNKNOWN - do not take payment again; check the transaction log.\n");
        } else {
            printf("CONNECTION LOST before sending. Nothing was charged: try again.\n");
        }
        break;
    case MPGS_STATUS_TLS:
        printf("SECURE CONNECTION FAILED - the gateway could not be verified. Call support.\n");
        break;
    case MPGS_STATUS_DECODE:
        printf("UNEXPECTED ANSWER from the gateway (HTTP %u). Call support.\n",
               (unsigned)mpgs_error_http_status(err));
        break;
    case MPGS_STATUS_CONFIG:
    case MPGS_STATUS_INVALID_ARGUMENT:
        printf("TILL NOT SET UP - %s\n", mpgs_error_message(err));
        break;
    default:
        printf("SYSTEM ERROR (%s). Call support.\n", mpgs_status_name(status));
        break;
    }
    fprintf(stderr, "[c/pos] log: %s: %s\n", mpgs_status_name(status), mpgs_error_message(err));
}

static mpgs_client *open_till(void) {
    const char *merchant = getenv("MPGS_MERCHANT_ID");
    const char *password = getenv("MPGS_PASSWORD");
    const char *base_url = getenv("MPGS_BASE_URL");
    const char *region = getenv("MPGS_REGION");
    const char *ca_file = getenv("MPGS_CA_FILE");
    mpgs_config *config = NULL;
    mpgs_client *client = NULL;
    mpgs_error *err = NULL;
    mpgs_status s = mpgs_config_new(merchant ? merchant : "", &config, &err);
    if (s == MPGS_STATUS_OK && password) s = mpgs_config_set_password(config, password, &err);
    if (s == MPGS_STATUS_OK && base_url) s = mpgs_config_set_base_url(config, base_url, &err);
    if (s == MPGS_STATUS_OK && region) s = mpgs_config_set_region(config, region, &err);
    if (s == MPGS_STATUS_OK && ca_file) s = mpgs_config_add_ca_file(config, ca_file, &err);
    if (s == MPGS_STATUS_OK) s = mpgs_client_new(config, &client, &err);
    if (s != MPGS_STATUS_OK) {
        /* Any failure here (a bad merchant id included) is the till's set-up, not the card. */
        printf("[c/pos] open till: TILL NOT SET UP - %s\n", mpgs_error_message(err));
    }
    mpgs_error_free(err);
    mpgs_config_free(config);
    return client;
}

/* Tokenizes a card entered at the till: number, expiry month and year, security code. */
static int tokenize(const mpgs_client *client, const char *session_id, const char *number, const char *month,
                    const char *year, const char *csc) {
    mpgs_request *req = NULL;
    mpgs_token *token = NULL;
    mpgs_error *err = NULL;
    mpgs_status s = mpgs_request_new(MPGS_OPERATION_CREATE_TOKEN, &req, &err);
    if (s == MPGS_STATUS_OK) s = mpgs_request_set(req, "sourceOfFunds.type", "CARD", &err);
    if (s == MPGS_STATUS_OK) s = mpgs_request_set(req, "sourceOfFunds.provided.card.number", number, &err);
    if (s == MPGS_STATUS_OK) s = mpgs_request_set(req, "sourceOfFunds.provided.card.expiry.month", month, &err);
    if (s == MPGS_STATUS_OK) s = mpgs_request_set(req, "sourceOfFunds.provided.card.expiry.year", year, &err);
    if (s == MPGS_STATUS_OK) s = mpgs_request_set(req, "sourceOfFunds.provided.card.securityCode", csc, &err);
    if (s == MPGS_STATUS_OK) s = mpgs_request_set(req, "verificationStrategy", "BASIC", &err);
    if (s == MPGS_STATUS_OK) s = mpgs_request_set(req, "correlationId", session_id, &err);
    if (s == MPGS_STATUS_OK) s = mpgs_client_create_token_with(client, req, &token, &err);
    mpgs_request_free(req);
    if (s != MPGS_STATUS_OK) {
        show_error("tokenize card", s, err);
        mpgs_error_free(err);
        return 0;
    }
    printf("[c/pos] card %s %s exp %s -> token %s (%s)\n", mpgs_token_card_brand(token),
           mpgs_token_card_number(token), mpgs_token_card_expiry(token), mpgs_token_token(token),
           mpgs_token_gateway_code(token));
    mpgs_token_free(token);
    return 1;
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0); /* keep the screen and the log in order */
    printf("[c/pos] libmpgs %s\n", mpgs_version());
    mpgs_client *client = open_till();
    if (client == NULL) return 1;

    mpgs_session *session = NULL;
    mpgs_error *err = NULL;
    mpgs_status s = mpgs_client_create_session(client, "{\"session.authenticationLimit\": 5}", &session, &err);
    if (s != MPGS_STATUS_OK) {
        show_error("open payment session", s, err);
        mpgs_error_free(err);
        mpgs_client_free(client);
        return 1;
    }
    printf("[c/pos] session %s (HTTP %u)\n", mpgs_session_id(session), (unsigned)mpgs_session_http_status(session));

    int ok = tokenize(client, mpgs_session_id(session), "5123450000000008", "5", "30", "100");
    /* What the cashier sees for a mistyped expiry month (caught before sending) and for a card
     * number the gateway refuses. */
    tokenize(client, mpgs_session_id(session), "5123450000000008", "13", "30", "100");
    tokenize(client, mpgs_session_id(session), "5123450000000009", "5", "30", "100");

    mpgs_session_free(session);
    mpgs_client_free(client);
    return ok ? 0 : 1;
}
