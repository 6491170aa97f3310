/*
 * The Hosted Session flow in C: create a session; put a card into it as the payment page would
 * (Update Session); retrieve it and check it is ready; tokenize from the session; retrieve the
 * token; delete it. And Check Gateway, which needs no credentials.
 *
 * Reads MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD (`make demo` sets them).
 */
#include "mpgs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env(const char *name, const char *fallback) {
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

static int fail(const char *what, mpgs_status status, mpgs_error *err) {
    fprintf(stderr, "[c/hosted] %s: %s: %s\n", what, mpgs_status_name(status), err ? mpgs_error_message(err) : "");
    mpgs_error_free(err);
    return 1;
}

int main(void) {
    mpgs_config *config = NULL;
    mpgs_client *client = NULL;
    mpgs_error *err = NULL;
    mpgs_status st;
    if ((st = mpgs_config_new(env("MPGS_MERCHANT_ID", "TESTMERCHANT"), &config, &err)) != MPGS_STATUS_OK ||
        (st = mpgs_config_set_password(config, env("MPGS_PASSWORD", "sandbox-password"), &err)) != MPGS_STATUS_OK ||
        (st = mpgs_config_set_base_url(config, env("MPGS_BASE_URL", ""), &err)) != MPGS_STATUS_OK ||
        (st = mpgs_config_add_ca_file(config, env("MPGS_CA_FILE", ""), &err)) != MPGS_STATUS_OK ||
        (st = mpgs_client_new(config, &client, &err)) != MPGS_STATUS_OK) {
        mpgs_config_free(config);
        return fail("settings", st, err);
    }
    mpgs_config_free(config);

    mpgs_gateway_info *info = NULL;
    if ((st = mpgs_client_check_gateway(client, &info, &err)) != MPGS_STATUS_OK) return fail("check gateway", st, err);
    printf("[c/hosted] gateway %s %s\n", mpgs_gateway_info_gateway_version(info), mpgs_gateway_info_status(info));
    mpgs_gateway_info_free(info);

    mpgs_session *s = NULL;
    if ((st = mpgs_client_create_session(client, NULL, &s, &err)) != MPGS_STATUS_OK) return fail("create session", st, err);
    char id[64], version[32];
    snprintf(id, sizeof id, "%s", mpgs_session_id(s));
    mpgs_session_free(s);

    /* The payment page's part: the card goes into the session (in production, from the browser). */
    const char *card = "{\"sourceOfFunds\": {\"provided\": {\"card\": {\"number\": \"5123450000000008\","
                       " \"expiry\": {\"month\": \"5\", \"year\": \"30\"}, \"securityCode\": \"100\"}}}}";
    if ((st = mpgs_client_update_session(client, id, card, &s, &err)) != MPGS_STATUS_OK) return fail("update session", st, err);
    snprintf(version, sizeof version, "%s", mpgs_session_version(s));
    mpgs_session_free(s);

    /* The server's part: retrieve, check, tokenize from the session. */
    if ((st = mpgs_client_retrieve_session(client, id, &s, &err)) != MPGS_STATUS_OK) return fail("retrieve session", st, err);
    mpgs_readiness ready = mpgs_session_ready_for_token(s, version);
    mpgs_session_free(s);
    if (ready != MPGS_READINESS_READY) {
        printf("[c/hosted] session %s not ready: %s\n", id, mpgs_readiness_name(ready));
        mpgs_client_free(client);
        return 1;
    }
    printf("[c/hosted] session %s ready (version %s)\n", id, version);

    char body[128], token[64];
    snprintf(body, sizeof body, "{\"session\": {\"id\": \"%s\"}, \"sourceOfFunds\": {\"type\": \"CARD\"}}", id);
    mpgs_token *t = NULL;
    if ((st = mpgs_client_create_token(client, body, &t, &err)) != MPGS_STATUS_OK) return fail("create token", st, err);
    snprintf(token, sizeof token, "%s", mpgs_token_token(t));
    mpgs_token_free(t);
    if ((st = mpgs_client_retrieve_token(client, token, &t, &err)) != MPGS_STATUS_OK) return fail("retrieve token", st, err);
    printf("[c/hosted] token %s: %s %s expiry %s\n", token, mpgs_token_card_brand(t), mpgs_token_card_number(t),
           mpgs_token_card_expiry(t));
    mpgs_token_free(t);
    mpgs_delete_result *d = NULL;
    if ((st = mpgs_client_delete_token(client, token, &d, &err)) != MPGS_STATUS_OK) return fail("delete token", st, err);
    printf("[c/hosted] token %s deleted: %s\n", token, mpgs_delete_result_result(d));
    mpgs_delete_result_free(d);

    if ((st = mpgs_client_retrieve_token(client, "not/a/token", &t, &err)) != MPGS_STATUS_OK) {
        printf("[c/hosted] refused before sending: %s\n", mpgs_error_message(err));
        mpgs_error_free(err);
    }
    mpgs_client_free(client);
    return 0;
}
