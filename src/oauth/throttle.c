/* Sign-in throttling at the login form: three counters of wrong passwords,
 * kept in the store so every instance sees them (docs/security.md).
 *
 * - the pair (account, address): a few failures lock this address out of
 *   this account for a while;
 * - the address: many failures across accounts lock the address out
 *   (password spraying);
 * - the account from anywhere: far more failures lock the account for new
 *   addresses (distributed guessing), but never for an address the account
 *   signed in from before, so an attacker elsewhere cannot keep the real
 *   user out.
 *
 * Every lock ends: it lasts login_lockout seconds after the counter's last
 * failure, doubling per further failure up to login_lockout_max, and attempts
 * refused while locked are not counted. Counter keys are HMACs (with the
 * server's shared CSRF key, under a "throttle" label no CSRF input can take)
 * of what they count, so the store holds no username or address. */
#include <string.h>

#include "core/log.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"

typedef enum { COUNTER_PAIR, COUNTER_ADDRESS, COUNTER_ACCOUNT, COUNTER_COUNT } counter_t;

typedef struct {
    char key[COUNTER_COUNT][SECRET_DIGEST_HEX_LEN + 1];
    long limit[COUNTER_COUNT];
} counters_t;

#define MAX_DOUBLINGS 20 /* 2^20 times any lock is past every cap */

int64_t throttle_lock_left(const config_server_t *cfg, long limit,
                           const store_login_attempts_t *counter, int64_t now)
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

/* The keys and limits of the request's counters for username. */
static void counters_for(const http_request_t *req, const char *username, counters_t *c)
{
    const app_t *app = app_of(req);
    const char *addr = req->remote_addr ? req->remote_addr : "";
    const char *what[COUNTER_COUNT] = {
        [COUNTER_PAIR] = arena_printf(req->arena, "throttle\npair\n%s\n%s", username, addr),
        [COUNTER_ADDRESS] = arena_printf(req->arena, "throttle\naddress\n%s", addr),
        [COUNTER_ACCOUNT] = arena_printf(req->arena, "throttle\naccount\n%s", username),
    };
    c->limit[COUNTER_PAIR] = app->cfg->login_max_failures;
    c->limit[COUNTER_ADDRESS] = app->cfg->login_max_failures_address;
    c->limit[COUNTER_ACCOUNT] = app->cfg->login_max_failures_account;
    for (int i = 0; i < COUNTER_COUNT; i++) {
        const char *w = what[i] ? what[i] : ""; /* out of memory: every key alike, still bounded */
        secret_hmac_hex(app->csrf_key, sizeof app->csrf_key, w, strlen(w), c->key[i]);
    }
}

gh_status_t throttle_check(const http_request_t *req, const char *username, int64_t now,
                           int64_t *wait)
{
    store_t *store = app_of(req)->store;
    counters_t c;
    store_login_attempts_t got[COUNTER_COUNT];
    counters_for(req, username, &c);
    for (int i = 0; i < COUNTER_COUNT; i++) {
        gh_status_t st = store_login_attempts_get(store, c.key[i], &got[i]);
        if (st == GH_ERR_NOT_FOUND)
            got[i] = (store_login_attempts_t){0};
        else if (st != GH_OK)
            return st;
    }
    *wait = 0;
    for (int i = 0; i < COUNTER_COUNT; i++) {
        bool known = got[COUNTER_PAIR].last_success != 0;
        int64_t left = throttle_lock_left(app_of(req)->cfg, c.limit[i], &got[i], now);
        if (!(i == COUNTER_ACCOUNT && known) && left > *wait)
            *wait = left;
    }
    return GH_OK;
}

void throttle_failure(const http_request_t *req, const char *username, int64_t now)
{
    const app_t *app = app_of(req);
    counters_t c;
    store_login_attempts_t after;
    counters_for(req, username, &c);
    for (int i = 0; i < COUNTER_COUNT; i++) {
        if (c.limit[i] <= 0)
            continue;
        gh_status_t st = store_login_failure_add(app->store, c.key[i], now,
                                                 app->cfg->login_failure_window, &after);
        if (st != GH_OK)
            log_event(LOG_WARN, "throttle", "op", "count_failure", "error", gh_status_str(st),
                      NULL);
    }
}

void throttle_success(const http_request_t *req, const char *username, int64_t now)
{
    const app_t *app = app_of(req);
    counters_t c;
    counters_for(req, username, &c);
    /* not the address counter: one good account must not wash a spraying address clean */
    const counter_t cleared[] = {COUNTER_PAIR, COUNTER_ACCOUNT};
    for (size_t i = 0; i < sizeof cleared / sizeof cleared[0]; i++) {
        gh_status_t st = store_login_success(app->store, c.key[cleared[i]], now);
        if (st != GH_OK)
            log_event(LOG_WARN, "throttle", "op", "count_success", "error", gh_status_str(st),
                      NULL);
    }
}
