/* Back-channel logout delivery (OpenID Connect Back-Channel Logout 1.0 §2.5):
 * a thread of the server sends the logout tokens queued in the store's outbox
 * (store/logout.h) to each client's backchannel_logout_uri.
 *
 * Requests that end a session only queue rows and wake this thread; it
 * claims one due row at a time (atomically, so instances sharing a database
 * each send a row once), signs a fresh logout token with the id_token key
 * (typ logout+jwt; the jti stays the row's across attempts, so a client can
 * tell a retry from a new logout), and POSTs it as the logout_token form
 * parameter, each attempt bounded by backchannel_logout_timeout. A 2xx answer
 * deletes the row; a timeout, connection failure or 5xx answer brings it back
 * after backchannel_logout_backoff, doubled at each further attempt (at most
 * an hour; at least the wait, the store keeping whole seconds: the next
 * attempt is due at the first whole second past it), until
 * backchannel_logout_attempts; any other answer (a 4xx: the
 * client refused the token) or the last failed attempt gives the row up,
 * logged. Rows stay in the store across restarts. When idle the thread polls
 * the store once a second with a read. libcurl is opened at the first
 * delivery (httpc_send), so a server whose clients never ask for back-channel
 * logout never maps it (docs/performance.md). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "core/log.h"
#include "httpc/httpc.h"
#include "oauth/oauth_int.h"
#include "oidc/oidc.h"

#define POLL_MS 1000
#define MAX_BACKOFF 3600
#define LEASE_MARGIN 30 /* a claim outlives an attempt by this much */
#define MESSAGE_ARENA (64u << 10)

struct backchannel {
    app_t *app;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping, woken;
};

/* The signed logout token for m, in a; NULL on failure. */
static const char *logout_token(app_t *app, arena_t *a, const store_logout_msg_t *m)
{
    oidc_logout_token_t in = {.issuer = app->cfg->issuer,
                              .client_id = m->client_id,
                              .jti = m->jti,
                              /* the sub the client knows: pairwise for a pairwise client */
                              .sub = m->sub ? oauth_subject_of(app, a, m->client_id, m->sub) : NULL,
                              .sid = m->sid,
                              .iat = clock_now()};
    json_t *claims = oidc_logout_token_claims(&in);
    char *out = NULL;
    if (!claims || jose_jwt_sign(keyring_current(app->keys), app->id_token_alg, a,
                                 OIDC_LOGOUT_TOKEN_TYP, claims, &out) != GH_OK)
        out = NULL;
    json_decref(claims);
    return out;
}

/* One attempt: the outcome of the POST (HTTPC_FAIL_INTERNAL when no token
 * could be made), and its HTTP status in *status. */
static httpc_outcome_t post(app_t *app, arena_t *a, const store_logout_msg_t *m, long *status)
{
    const char *token = logout_token(app, a, m);
    buf_t body;
    buf_init(&body, a);
    buf_puts(&body, "logout_token=");
    if (token)
        pct_encode(&body, token);
    const char *text = buf_cstr(&body);
    *status = 0;
    if (!token || !text)
        return HTTPC_FAIL_INTERNAL;
    httpc_request_t req = {.method = HTTPC_POST,
                           .url = m->uri,
                           .body = text,
                           .body_len = body.len,
                           .content_type = "application/x-www-form-urlencoded",
                           .connect_timeout_ms = app->cfg->backchannel_logout_timeout * 1000,
                           .timeout_ms = app->cfg->backchannel_logout_timeout * 1000,
                           .max_response = 4096};
    httpc_response_t res;
    httpc_send(a, &req, &res);
    *status = res.status;
    return res.outcome;
}

/* Worth another attempt: the client may answer later (§2.8: it answers 200,
 * or 400 for a token it refuses; 5xx and no answer are its trouble). */
static bool retryable(httpc_outcome_t o, long status)
{
    return o == HTTPC_FAIL_TIMEOUT || o == HTTPC_FAIL_CONNECT || o == HTTPC_FAIL_INTERNAL ||
           (o == HTTPC_FAIL_STATUS && status >= 500) ||
           (o == HTTPC_FAIL_TOO_LARGE && status >= 500);
}

int64_t backchannel_backoff(long first, int64_t attempts)
{
    int64_t wait = first;
    for (int64_t i = 1; i < attempts && wait < MAX_BACKOFF; i++)
        wait *= 2;
    return wait < MAX_BACKOFF ? wait : MAX_BACKOFF;
}

/* Sends the claimed message m and records what became of it. */
static void deliver(app_t *app, arena_t *a, const store_logout_msg_t *m)
{
    long status = 0;
    httpc_outcome_t o = post(app, a, m, &status);
    const char *attempts = arena_printf(a, "%lld", (long long)m->attempts);
    const char *code = arena_printf(a, "%ld", status);
    if (o == HTTPC_OK) {
        store_logout_done(app->store, m->jti);
        log_event(LOG_INFO, "backchannel_logout_sent", "client_id", m->client_id, "status", code,
                  "attempts", attempts, NULL);
        return;
    }
    const char *why = httpc_outcome_str(o);
    if (retryable(o, status) && m->attempts < app->cfg->backchannel_logout_attempts) {
        /* clock_now() + 1 is past this moment: the wait is never cut short */
        int64_t next = clock_now() + 1 +
                       backchannel_backoff(app->cfg->backchannel_logout_backoff, m->attempts);
        store_logout_retry(app->store, m->jti, next);
        log_event(LOG_INFO, "backchannel_logout_retry", "client_id", m->client_id, "why", why,
                  "status", code, "attempts", attempts, NULL);
        return;
    }
    store_logout_done(app->store, m->jti);
    log_event(LOG_WARN, "backchannel_logout_gave_up", "client_id", m->client_id, "why", why,
              "status", code, "attempts", attempts, NULL);
}

/* Delivers every due message, one claim at a time, until none is due or
 * the server stops. */
static void drain(struct backchannel *b)
{
    app_t *app = b->app;
    int64_t lease = app->cfg->backchannel_logout_timeout * 2 + LEASE_MARGIN;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        bool stopping = b->stopping;
        pthread_mutex_unlock(&b->lock);
        bool due = false;
        if (stopping || store_logout_due(app->store, clock_now(), &due) != GH_OK || !due)
            return;
        arena_t *a = arena_new(MESSAGE_ARENA);
        store_logout_msg_t m;
        gh_status_t st =
            a ? store_logout_claim(app->store, a, clock_now(), lease, &m) : GH_ERR_NOMEM;
        if (st == GH_OK)
            deliver(app, a, &m);
        arena_free(a);
        if (st != GH_OK && st != GH_ERR_NOT_FOUND)
            return; /* the store's trouble is logged; try again at the next poll */
    }
}

static void *run(void *arg)
{
    struct backchannel *b = arg;
    for (;;) {
        drain(b);
        pthread_mutex_lock(&b->lock);
        if (!b->woken && !b->stopping) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += (long)POLL_MS * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&b->wake, &b->lock, &until);
        }
        b->woken = false;
        bool stopping = b->stopping;
        pthread_mutex_unlock(&b->lock);
        if (stopping)
            return NULL;
    }
}

gh_status_t backchannel_start(app_t *app, backchannel_t **out)
{
    struct backchannel *b = calloc(1, sizeof *b);
    if (!b)
        return GH_ERR_NOMEM;
    b->app = app;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->wake, NULL);
    if (pthread_create(&b->thread, NULL, run, b) != 0) {
        pthread_cond_destroy(&b->wake);
        pthread_mutex_destroy(&b->lock);
        free(b);
        return GH_ERR_INTERNAL;
    }
    pthread_setname_np(b->thread, "logout");
    *out = b;
    return GH_OK;
}

void backchannel_wake(backchannel_t *b)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->lock);
    b->woken = true;
    pthread_cond_signal(&b->wake);
    pthread_mutex_unlock(&b->lock);
}

void backchannel_stop(backchannel_t *b)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->lock);
    b->stopping = true;
    pthread_cond_signal(&b->wake);
    pthread_mutex_unlock(&b->lock);
    pthread_join(b->thread, NULL);
    pthread_cond_destroy(&b->wake);
    pthread_mutex_destroy(&b->lock);
    free(b);
}
