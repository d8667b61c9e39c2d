/* Throttling of guesses: counters of failures kept in the store (table
 * `attempts`), so every instance sees them (docs/security.md).
 *
 * Sign-in: three counters of wrong passwords at the login form.
 * - the pair (account, address): a few failures lock this address out of
 *   this account for a while;
 * - the address: many failures across accounts lock the address out
 *   (password spraying);
 * - the account from anywhere: far more failures lock the account for new
 *   addresses (distributed guessing), but never for an address the account
 *   signed in from before, so an attacker elsewhere cannot keep the real
 *   user out.
 * Every lock ends: it lasts login_lockout seconds after the counter's last
 * failure, doubling per further failure up to login_lockout_max, and attempts
 * refused while locked are not counted.
 *
 * Second-factor codes (docs/mfa.md) have the same three counters and limits
 * under their own purpose, counting per member (sub) instead of username.
 *
 * User codes at /auth/device (docs/device.md): user codes are short, so
 * wrong ones are counted per session and per address; past either limit no
 * code is looked up until CODE_WINDOW seconds from the first failure are over.
 *
 * Every guess is counted BEFORE it is checked, by the store's atomic
 * increment, and the count it got decides whether it may be checked: of
 * concurrent guesses each gets its own count, so a burst checks no more
 * than the limit (issue 17). A guess that turns out right, or that is
 * refused, is then taken off the counters again (store_attempts_forgive_many).
 *
 * A counter's key starts with its purpose, so sign-in and user-code counters
 * never share a row, then an HMAC (with the server's shared CSRF key, under a
 * "throttle" label no CSRF input can take) of what it counts, so the store
 * holds no username or address. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"
#include "oauth/server.h"

#define PURPOSE_LOGIN "login:" /* migration 006 gave the older sign-in keys this prefix */
#define PURPOSE_CODE "device:"
#define PURPOSE_RATE "rate:" /* rate limits of unauthenticated writes */
#define PURPOSE_MFA "mfa:"   /* second-factor codes: the sign-in counters, per member */
#define PURPOSE_MAX 8        /* bytes, with the NUL */
#define LABEL "throttle\n"

#define CODE_WINDOW 600 /* seconds, from the first wrong code */
#define CODE_PER_SESSION 5
#define CODE_PER_ADDRESS 20

#define MAX_DOUBLINGS 20 /* 2^20 times any lock is past every cap */

_Static_assert(sizeof PURPOSE_LOGIN <= PURPOSE_MAX && sizeof PURPOSE_CODE <= PURPOSE_MAX &&
                   sizeof PURPOSE_RATE <= PURPOSE_MAX && sizeof PURPOSE_MFA <= PURPOSE_MAX,
               "a purpose fits a key");

typedef enum { LOGIN_PAIR, LOGIN_ADDRESS, LOGIN_ACCOUNT, LOGIN_COUNT } login_counter_t;
typedef enum { CODE_SESSION, CODE_ADDRESS, CODE_COUNT } code_counter_t;

typedef struct {
    char key[PURPOSE_MAX + SECRET_DIGEST_HEX_LEN];
    long limit; /* failures that lock; 0 turns the counter off */
} counter_t;

/* ---- the policies (pure) ---- */

int64_t throttle_lock_left(const config_server_t *cfg, long limit, const store_attempts_t *counter,
                           int64_t now)
{
    if (limit <= 0 || counter->failures < limit)
        return 0;
    int64_t over = counter->failures - limit;
    int64_t lock = (int64_t)cfg->login_lockout << (over < MAX_DOUBLINGS ? over : MAX_DOUBLINGS);
    if (lock > cfg->login_lockout_max)
        lock = cfg->login_lockout_max;
    int64_t left = counter->last_failure + lock - now;
    return left > 0 ? left : 0;
}

int64_t throttle_window_failures(const store_attempts_t *counter, int64_t window, int64_t now)
{
    return counter->window_start > now - window ? counter->failures : 0;
}

/* ---- counters in the store ---- */

static const char *address_of(const http_request_t *req)
{
    return req->remote_addr ? req->remote_addr : "";
}

/* Sets c to the counter of purpose for what the format names, with limit. */
static void counter_set(const http_request_t *req, counter_t *c, const char *purpose, long limit,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void counter_set(const http_request_t *req, counter_t *c, const char *purpose, long limit,
                        const char *fmt, ...)
{
    const app_t *app = app_of(req);
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    va_list ap;
    va_start(ap, fmt);
    const char *what = arena_vprintf(req->arena, fmt, ap);
    va_end(ap);
    if (!what)
        what = ""; /* out of memory: every key of the purpose alike, still bounded */
    secret_hmac_hex(app->csrf_key, sizeof app->csrf_key, what, strlen(what), digest);
    snprintf(c->key, sizeof c->key, "%s%s", purpose, digest);
    c->limit = limit;
}

/* The keys of n counters (n <= STORE_ATTEMPTS_MAX): all of them, or only
 * those that are on (limit > 0), the others NULL. */
static void counter_keys(const counter_t *c, size_t n, bool only_on, const char **keys)
{
    for (size_t i = 0; i < n; i++)
        keys[i] = only_on && c[i].limit <= 0 ? NULL : c[i].key;
}

/* Reads n counters into got, in one read; one never counted reads as zeros. */
static gh_status_t counters_get(store_t *store, const counter_t *c, size_t n, store_attempts_t *got)
{
    const char *keys[STORE_ATTEMPTS_MAX];
    counter_keys(c, n, false, keys);
    return store_attempts_get_many(store, keys, n, got);
}

/* Counts one guess at now on each of n counters that is on, in windows of
 * `window` seconds, in one statement; after[i] gets counter i with it
 * (zeros when off). */
static gh_status_t counters_count(const app_t *app, const counter_t *c, size_t n, int64_t now,
                                  int64_t window, store_attempts_t *after)
{
    const char *keys[STORE_ATTEMPTS_MAX];
    counter_keys(c, n, true, keys);
    return store_attempts_fail_many(app->store, keys, n, now, window, after);
}

/* Takes one counted guess off each of n counters that is on. Best effort: a
 * failure is logged (and errs on the safe side). */
static void counters_forgive(const app_t *app, const counter_t *c, size_t n)
{
    const char *keys[STORE_ATTEMPTS_MAX];
    counter_keys(c, n, true, keys);
    gh_status_t st = store_attempts_forgive_many(app->store, keys, n);
    if (st != GH_OK)
        log_event(LOG_WARN, "throttle", "op", "forgive", "error", gh_status_str(st), NULL);
}

/* ---- sign-in ---- */

/* The sign-in counters of purpose (PURPOSE_LOGIN: passwords of a username;
 * PURPOSE_MFA: second-factor codes of a member). */
static void login_counters(const http_request_t *req, const char *purpose, const char *who,
                           counter_t *c)
{
    const config_server_t *cfg = app_of(req)->cfg;
    const char *addr = address_of(req);
    counter_set(req, &c[LOGIN_PAIR], purpose, cfg->login_max_failures, LABEL "pair\n%s\n%s", who,
                addr);
    counter_set(req, &c[LOGIN_ADDRESS], purpose, cfg->login_max_failures_address,
                LABEL "address\n%s", addr);
    counter_set(req, &c[LOGIN_ACCOUNT], purpose, cfg->login_max_failures_account,
                LABEL "account\n%s", who);
}

/* The longest lock at now of the counters as in got; the account counter
 * does not lock out an address the account signed in from (known). */
static int64_t login_wait(const config_server_t *cfg, const counter_t *c,
                          const store_attempts_t *got, bool known, int64_t now)
{
    int64_t wait = 0;
    for (int i = 0; i < LOGIN_COUNT; i++) {
        int64_t left = throttle_lock_left(cfg, c[i].limit, &got[i], now);
        if (!(i == LOGIN_ACCOUNT && known) && left > wait)
            wait = left;
    }
    return wait;
}

static gh_status_t guess_begin(const http_request_t *req, const char *purpose, const char *who,
                               int64_t now, int64_t *wait)
{
    const app_t *app = app_of(req);
    counter_t c[LOGIN_COUNT];
    store_attempts_t got[LOGIN_COUNT], after[LOGIN_COUNT];
    login_counters(req, purpose, who, c);
    gh_status_t st = counters_get(app->store, c, LOGIN_COUNT, got);
    if (st != GH_OK)
        return st;
    bool known = got[LOGIN_PAIR].last_success != 0;
    *wait = login_wait(app->cfg, c, got, known, now);
    if (*wait > 0)
        return GH_OK; /* locked: not counted */
    st = counters_count(app, c, LOGIN_COUNT, now, app->cfg->login_failure_window, after);
    if (st != GH_OK)
        return st;
    /* Each counter as it was just before this guess was counted. When other
     * guesses were counted since it was read, they were counted just now. */
    for (int i = 0; i < LOGIN_COUNT; i++) {
        if (c[i].limit <= 0)
            continue;
        bool alone = after[i].failures - 1 == got[i].failures;
        after[i].failures--;
        after[i].last_failure = alone ? got[i].last_failure : now;
    }
    *wait = login_wait(app->cfg, c, after, known, now);
    if (*wait > 0)
        counters_forgive(app, c, LOGIN_COUNT); /* refused: not counted */
    return GH_OK;
}

static void guess_success(const http_request_t *req, const char *purpose, const char *who,
                          int64_t now)
{
    const app_t *app = app_of(req);
    counter_t c[LOGIN_COUNT];
    login_counters(req, purpose, who, c);
    /* not the address counter: one good account must not wash a spraying
     * address clean; it only loses the guess counted for this sign-in */
    const char *cleared[] = {c[LOGIN_PAIR].key, c[LOGIN_ACCOUNT].key};
    gh_status_t st = store_attempts_succeed_many(app->store, cleared, 2, now);
    if (st != GH_OK)
        log_event(LOG_WARN, "throttle", "op", "count_success", "error", gh_status_str(st), NULL);
    counters_forgive(app, &c[LOGIN_ADDRESS], 1);
}

gh_status_t throttle_login_begin(const http_request_t *req, const char *username, int64_t now,
                                 int64_t *wait)
{
    return guess_begin(req, PURPOSE_LOGIN, username, now, wait);
}

void throttle_success(const http_request_t *req, const char *username, int64_t now)
{
    guess_success(req, PURPOSE_LOGIN, username, now);
}

gh_status_t throttle_mfa_begin(const http_request_t *req, const char *sub, int64_t now,
                               int64_t *wait)
{
    return guess_begin(req, PURPOSE_MFA, sub, now, wait);
}

void throttle_mfa_success(const http_request_t *req, const char *sub, int64_t now)
{
    guess_success(req, PURPOSE_MFA, sub, now);
}

/* ---- user codes at /auth/device ---- */

static void code_counters(const http_request_t *req, const char *session_digest, counter_t *c)
{
    counter_set(req, &c[CODE_SESSION], PURPOSE_CODE, CODE_PER_SESSION, LABEL "session\n%s",
                session_digest);
    counter_set(req, &c[CODE_ADDRESS], PURPOSE_CODE, CODE_PER_ADDRESS, LABEL "address\n%s",
                address_of(req));
}

gh_status_t throttle_code_begin(const http_request_t *req, const char *session_digest, int64_t now,
                                int64_t *retry_after)
{
    counter_t c[CODE_COUNT];
    store_attempts_t after[CODE_COUNT];
    code_counters(req, session_digest, c);
    gh_status_t st = counters_count(app_of(req), c, CODE_COUNT, now, CODE_WINDOW, after);
    if (st != GH_OK)
        return st;
    /* over when the window held the limit before this guess was counted;
     * the guesses go on when the last full window ends */
    *retry_after = 0;
    for (int i = 0; i < CODE_COUNT; i++) {
        if (throttle_window_failures(&after[i], CODE_WINDOW, now) <= c[i].limit)
            continue;
        int64_t left = after[i].window_start + CODE_WINDOW - now;
        if (left < 1)
            left = 1;
        if (left > *retry_after)
            *retry_after = left;
    }
    if (*retry_after > 0)
        counters_forgive(app_of(req), c, CODE_COUNT); /* refused: not counted */
    return GH_OK;
}

void throttle_code_found(const http_request_t *req, const char *session_digest)
{
    counter_t c[CODE_COUNT];
    code_counters(req, session_digest, c);
    counters_forgive(app_of(req), c, CODE_COUNT);
}

/* ---- new device codes (RFC 8628 §3.1), per address ---- */

gh_status_t throttle_device_codes(const http_request_t *req, int64_t now, int64_t *retry_after)
{
    const config_server_t *cfg = app_of(req)->cfg;
    counter_t c;
    counter_set(req, &c, PURPOSE_RATE, cfg->device_code_rate, LABEL "device codes\n%s",
                address_of(req));
    return store_rate_count(app_of(req)->store, c.key, now, cfg->device_code_rate_window, c.limit,
                            retry_after);
}

/* ---- self-service: resets and registrations per address, mails per account ---- */

#define SELF_SERVICE_WINDOW 3600

/* One more of what by who in the hour (SELF_SERVICE_WINDOW), at most limit;
 * *retry_after > 0 past it. */
static gh_status_t hourly(const http_request_t *req, long limit, const char *what, const char *who,
                          int64_t now, int64_t *retry_after)
{
    counter_t c;
    counter_set(req, &c, PURPOSE_RATE, limit, LABEL "%s\n%s", what, who);
    return store_rate_count(app_of(req)->store, c.key, now, SELF_SERVICE_WINDOW, c.limit,
                            retry_after);
}

gh_status_t throttle_self_service(const http_request_t *req, int64_t now, int64_t *retry_after)
{
    return hourly(req, app_of(req)->cfg->self_service_rate, "self-service", address_of(req), now,
                  retry_after);
}

gh_status_t throttle_mail_account(const http_request_t *req, const char *sub, int64_t now,
                                  int64_t *retry_after)
{
    return hourly(req, app_of(req)->cfg->mail_rate_account, "mail", sub, now, retry_after);
}

/* ---- dynamic client registrations (RFC 7591), per address ---- */

gh_status_t oauth_throttle_registration(const http_request_t *req, int64_t now,
                                        int64_t *retry_after)
{
    return hourly(req, app_of(req)->cfg->registration_rate, "client registrations", address_of(req),
                  now, retry_after);
}
