/*
 * C benchmarks (make bench): Create Session calls per second over one keep-alive HTTPS
 * connection, through libmpgs and through libcurl doing the same call (same sandbox, TLS
 * verification against the same CA, same body, Basic auth), and libmpgs's RSS after N1 and N2
 * calls.
 *
 *   c_bench mpgs N        -> calls/s
 *   c_bench curl N        -> calls/s
 *   c_bench rss N1 N2     -> "RSS_KIB_AFTER_N1 RSS_KIB_AFTER_N2"
 *
 * Environment: MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD.
 */
#define _POSIX_C_SOURCE 200809L

#include <curl/curl.h>
#include <mpgs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *BODY = "{\"correlationId\":\"bench\",\"session\":{\"authenticationLimit\":5}}";

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (!v) {
        fprintf(stderr, "%s is not set\n", name);
        exit(2);
    }
    return v;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static mpgs_client *client(void) {
    mpgs_config *config = NULL;
    mpgs_client *c = NULL;
    mpgs_error *err = NULL;
    if (mpgs_config_new(env("MPGS_MERCHANT_ID"), &config, &err) != MPGS_STATUS_OK ||
        mpgs_config_set_password(config, env("MPGS_PASSWORD"), &err) != MPGS_STATUS_OK ||
        mpgs_config_set_base_url(config, env("MPGS_BASE_URL"), &err) != MPGS_STATUS_OK ||
        mpgs_config_add_ca_file(config, env("MPGS_CA_FILE"), &err) != MPGS_STATUS_OK ||
        mpgs_client_new(config, &c, &err) != MPGS_STATUS_OK) {
        fprintf(stderr, "client: %s\n", mpgs_error_message(err));
        exit(1);
    }
    mpgs_config_free(config);
    return c;
}

static void mpgs_calls(const mpgs_client *c, long n) {
    for (long i = 0; i < n; i++) {
        mpgs_session *s = NULL;
        mpgs_error *err = NULL;
        if (mpgs_client_create_session(c, BODY, &s, &err) != MPGS_STATUS_OK || mpgs_session_id(s) == NULL) {
            fprintf(stderr, "call %ld: %s\n", i, mpgs_error_message(err));
            exit(1);
        }
        mpgs_session_free(s);
    }
}

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
        fclose(f);
    }
    return resident * 4;
}

struct buffer {
    char data[16384];
    size_t len;
};

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata) {
    struct buffer *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n < sizeof b->data) {
        memcpy(b->data + b->len, ptr, n);
        b->len += n;
    }
    return n;
}

/* One easy handle, reused (keep-alive): 10 warm-up calls, then n timed; returns calls/s. */
static double curl_rate(long n) {
    char url[512], user[256];
    snprintf(url, sizeof url, "%s/api/rest/version/58/merchant/%s/session", env("MPGS_BASE_URL"),
             env("MPGS_MERCHANT_ID"));
    snprintf(user, sizeof user, "merchant.%s:%s", env("MPGS_MERCHANT_ID"), env("MPGS_PASSWORD"));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json;charset=UTF-8");
    struct buffer b;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CAINFO, env("MPGS_CA_FILE"));
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERPWD, user);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, BODY);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    double start = 0;
    for (long i = 0; i < n + 10; i++) {
        long code = 0;
        if (i == 10) start = now();
        b.len = 0;
        if (curl_easy_perform(h) != CURLE_OK || curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK ||
            code != 201) {
            fprintf(stderr, "curl call %ld failed (HTTP %ld)\n", i, code);
            exit(1);
        }
    }
    double rate = (double)n / (now() - start);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return rate;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: c_bench mpgs|curl N | c_bench rss N1 N2\n");
        return 2;
    }
    long n = atol(argv[2]);
    if (strcmp(argv[1], "rss") == 0 && argc == 4) {
        mpgs_client *c = client();
        mpgs_calls(c, n);
        long first = rss_kib();
        mpgs_calls(c, atol(argv[3]) - n);
        printf("%ld %ld\n", first, rss_kib());
        mpgs_client_free(c);
        return 0;
    }
    double start;
    if (strcmp(argv[1], "mpgs") == 0) {
        mpgs_client *c = client();
        mpgs_calls(c, 10); /* connect and warm up */
        start = now();
        mpgs_calls(c, n);
        printf("%.1f\n", (double)n / (now() - start));
        mpgs_client_free(c);
    } else {
        printf("%.1f\n", curl_rate(n));
    }
    return 0;
}
