/*
 * C clients on a simulated link (make bench, BENCHMARKS.md "Round trips"): Create Session timed
 * per call through libmpgs or libcurl (same sandbox, CA, body, Basic auth), printed as one JSON
 * line `{"ms": [...], ...}`.
 *
 *   c_rtt mpgs|curl first             one call of a new client / a new easy handle
 *   c_rtt mpgs|curl spaced N SECONDS  one client (one easy handle, kept alive): a call, then N
 *                                     timed calls SECONDS apart
 *   c_rtt mpgs|curl cold N            a call, then N calls, each on a new client / easy handle;
 *                                     CPU ms a call, calls/s
 *   c_rtt mpgs|curl concurrent N      a call, then N at once (libmpgs: N threads on one client;
 *                                     libcurl: a multi handle with N easy handles): wall ms
 *
 * Environment: MPGS_BASE_URL, MPGS_CA_FILE, MPGS_MERCHANT_ID, MPGS_PASSWORD.
 */
#define _POSIX_C_SOURCE 200809L

#include <curl/curl.h>
#include <mpgs.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *BODY = "{\"correlationId\":\"bench\",\"session\":{\"authenticationLimit\":5}}";

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (!v) {
        fprintf(stderr, "%s is not set\n", name);
        exit(2);
    }
    return v;
}

static double clock_ms(clockid_t id) {
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static double now_ms(void) { return clock_ms(CLOCK_MONOTONIC); }

static mpgs_client *mpgs_new(void) {
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

static void mpgs_call(const mpgs_client *c) {
    mpgs_session *s = NULL;
    mpgs_error *err = NULL;
    if (mpgs_client_create_session(c, BODY, &s, &err) != MPGS_STATUS_OK) {
        fprintf(stderr, "call: %s\n", mpgs_error_message(err));
        exit(1);
    }
    mpgs_session_free(s);
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata) {
    (void)ptr;
    (void)userdata;
    return size * nmemb;
}

static char url[512], user[256];
static struct curl_slist *headers;

static CURL *curl_new(void) {
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CAINFO, env("MPGS_CA_FILE"));
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERPWD, user);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, BODY);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    /* Keep the connection as long as the server allows (libcurl's own cap is 118 s). */
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    return h;
}

static void curl_call(CURL *h) {
    long code = 0;
    if (curl_easy_perform(h) != CURLE_OK || curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK ||
        code != 201) {
        fprintf(stderr, "curl call failed (HTTP %ld)\n", code);
        exit(1);
    }
}

static int use_curl;
static const mpgs_client *shared_client;

/* One call of the subject on its long-lived handle; returns ms. */
static double timed_call(void *handle) {
    double start = now_ms();
    if (use_curl) {
        curl_call(handle);
    } else {
        mpgs_call(handle);
    }
    return now_ms() - start;
}

static void *thread_call(void *arg) {
    (void)arg;
    mpgs_call(shared_client);
    return NULL;
}

static void print_list(const char *name, const double *v, long n) {
    printf("\"%s\": [", name);
    for (long i = 0; i < n; i++) printf("%s%.3f", i ? "," : "", v[i]);
    printf("]");
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: c_rtt mpgs|curl first | spaced N SECONDS | cold N | concurrent N\n");
        return 2;
    }
    use_curl = strcmp(argv[1], "curl") == 0;
    const char *mode = argv[2];
    long n = argc > 3 ? atol(argv[3]) : 1;
    snprintf(url, sizeof url, "%s/api/rest/version/58/merchant/%s/session", env("MPGS_BASE_URL"),
             env("MPGS_MERCHANT_ID"));
    snprintf(user, sizeof user, "merchant.%s:%s", env("MPGS_MERCHANT_ID"), env("MPGS_PASSWORD"));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    headers = curl_slist_append(NULL, "Content-Type: application/json;charset=UTF-8");
    double *ms = calloc((size_t)(n > 0 ? n : 1), sizeof *ms);
    if (strcmp(mode, "first") == 0) {
        void *h = use_curl ? (void *)curl_new() : (void *)mpgs_new();
        ms[0] = timed_call(h);
        printf("{");
        print_list("ms", ms, 1);
        printf("}\n");
    } else if (strcmp(mode, "spaced") == 0 && argc > 4) {
        double gap = atof(argv[4]);
        void *h = use_curl ? (void *)curl_new() : (void *)mpgs_new();
        timed_call(h);
        for (long i = 0; i < n; i++) {
            struct timespec t = {(time_t)gap, (long)((gap - (double)(time_t)gap) * 1e9)};
            nanosleep(&t, NULL);
            ms[i] = timed_call(h);
        }
        printf("{");
        print_list("ms", ms, n);
        printf("}\n");
    } else if (strcmp(mode, "cold") == 0) {
        /* The process's first client is not timed. */
        if (use_curl) {
            CURL *h = curl_new();
            curl_call(h);
            curl_easy_cleanup(h);
        } else {
            mpgs_client *c = mpgs_new();
            mpgs_call(c);
            mpgs_client_free(c);
        }
        double cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID), wall = now_ms();
        for (long i = 0; i < n; i++) {
            double start = now_ms();
            if (use_curl) {
                CURL *h = curl_new();
                curl_call(h);
                curl_easy_cleanup(h);
            } else {
                mpgs_client *c = mpgs_new();
                mpgs_call(c);
                mpgs_client_free(c);
            }
            ms[i] = now_ms() - start;
        }
        double took = now_ms() - wall;
        printf("{");
        print_list("ms", ms, n);
        printf(", \"cpu_ms_per_call\": %.3f, \"calls_per_s\": %.1f}\n",
               (clock_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu) / (double)n, (double)n * 1000.0 / took);
    } else if (strcmp(mode, "concurrent") == 0) {
        double start;
        if (use_curl) {
            CURL *first = curl_new();
            curl_call(first);
            CURLM *multi = curl_multi_init();
            CURL **easy = calloc((size_t)n, sizeof *easy);
            /* The first handle's connection is in its own cache: the multi handle starts cold,
             * as N new requests from a process that has made one call would with the multi API. */
            start = now_ms();
            for (long i = 0; i < n; i++) {
                easy[i] = curl_new();
                curl_multi_add_handle(multi, easy[i]);
            }
            int running = 1;
            while (running) {
                curl_multi_perform(multi, &running);
                if (running) curl_multi_poll(multi, NULL, 0, 1000, NULL);
            }
            double took = now_ms() - start;
            for (long i = 0; i < n; i++) {
                curl_multi_remove_handle(multi, easy[i]);
                curl_easy_cleanup(easy[i]);
            }
            curl_multi_cleanup(multi);
            curl_easy_cleanup(first);
            free(easy);
            printf("{\"wall_ms\": %.3f}\n", took);
        } else {
            mpgs_client *c = mpgs_new();
            mpgs_call(c);
            shared_client = c;
            pthread_t *threads = calloc((size_t)n, sizeof *threads);
            start = now_ms();
            for (long i = 0; i < n; i++) pthread_create(&threads[i], NULL, thread_call, NULL);
            for (long i = 0; i < n; i++) pthread_join(threads[i], NULL);
            printf("{\"wall_ms\": %.3f}\n", now_ms() - start);
            free(threads);
            mpgs_client_free(c);
        }
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    free(ms);
    curl_slist_free_all(headers);
    curl_global_cleanup();
    return 0;
}
