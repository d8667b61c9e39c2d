/* The device-authorization store (devices.h, RFC 8628). A decision is one
 * atomic UPDATE of a pending, live authorization; a poll reads and writes its
 * record in one write transaction, the row locked on PostgreSQL (SELECT …
 * FOR UPDATE), so concurrent polls are counted one after another. */
#include "store/db.h"

#define DEVICE_COLS                                                                                \
    "digest, user_code_digest, client_id, scope, state, sub, auth_time, poll_interval, "           \
    "last_poll, expires_at, " AUTHN_COLS
#define POLL_FIND "SELECT " DEVICE_COLS " FROM device_codes WHERE digest = ? AND client_id = ?"

static store_sql_t SQL_PUT = STORE_SQL("INSERT INTO device_codes (digest, user_code_digest, "
                                       "client_id, scope, poll_interval, expires_at) "
                                       "VALUES (?, ?, ?, ?, ?, ?)");
static store_sql_t SQL_FIND = STORE_SQL("SELECT " DEVICE_COLS " FROM device_codes "
                                        "WHERE user_code_digest = ? AND expires_at > ?");
static store_sql_t SQL_STATE =
    STORE_SQL("SELECT state FROM device_codes WHERE user_code_digest = ? AND expires_at > ?");
static store_sql_t SQL_DECIDE = STORE_SQL(
    "UPDATE device_codes SET state = ?, sub = ?, auth_time = ?, amr = ?, acr = ?, idp = ? "
    "WHERE user_code_digest = ? AND state = 0 AND expires_at > ?");
static store_sql_t SQL_POLL_FIND = STORE_SQL2(POLL_FIND, POLL_FIND " FOR UPDATE");
static store_sql_t SQL_POLLED =
    STORE_SQL("UPDATE device_codes SET poll_interval = ?, last_poll = ? WHERE digest = ?");
static store_sql_t SQL_REDEEM =
    STORE_SQL("UPDATE device_codes SET state = 3 WHERE digest = ? AND state = 1");

/* store_device_t: the columns of DEVICE_COLS */
static gh_status_t read_device(store_row_t *r, arena_t *a, void *row)
{
    store_device_t d = {0};
    d.digest = store_row_text(r, a);
    d.user_code_digest = store_row_text(r, a);
    d.client_id = store_row_text(r, a);
    d.scope = store_row_text(r, a);
    d.state = (store_device_state_t)store_row_int(r);
    d.sub = store_row_text(r, a);
    d.auth_time = store_row_int(r);
    d.interval = store_row_int(r);
    d.last_poll = store_row_int(r);
    d.expires_at = store_row_int(r);
    store_row_authn(r, a, &d.authn);
    return store_row_done(r, &d, sizeof d, row);
}

/* Records a token-endpoint poll of d at now_ms (RFC 8628 §3.5): d->last_poll
 * becomes now_ms, and when d is pending and was polled less than d->interval
 * seconds before, d->interval grows by STORE_DEVICE_SLOW_DOWN and the result
 * is true (the client must slow down). */
static bool polled(store_device_t *d, int64_t now_ms)
{
    bool slow = d->state == STORE_DEVICE_PENDING && d->last_poll &&
                now_ms - d->last_poll < d->interval * 1000;
    if (slow)
        d->interval += STORE_DEVICE_SLOW_DOWN;
    d->last_poll = now_ms;
    return slow;
}

gh_status_t store_device_put(store_t *s, const store_device_t *d)
{
    return db_exec(s, &SQL_PUT, "device_put", "ssssii", d->digest, d->user_code_digest,
                   d->client_id, d->scope, d->interval, d->expires_at);
}

gh_status_t store_device_find(store_t *s, arena_t *a, const char *user_code_digest, int64_t now,
                              store_device_t *out)
{
    return db_get(s, &SQL_FIND, "device_find", read_device, a, out, "si", user_code_digest, now);
}

/* When the update touched nothing, a live authorization was decided before
 * (CONFLICT), else it is unknown or expired (NOT_FOUND). */
gh_status_t store_device_decide(store_t *s, const char *user_code_digest, int64_t now, bool approve,
                                const char *sub, int64_t auth_time, const store_authn_t *authn)
{
    int64_t state = 0;
    int n = 0;
    const store_authn_t none = {0}, *an = authn ? authn : &none;
    gh_status_t st =
        db_exec_count(s, &SQL_DECIDE, "device_decide", &n, "isissssi",
                      (int64_t)(approve ? STORE_DEVICE_APPROVED : STORE_DEVICE_DENIED), sub,
                      auth_time, an->amr, an->acr, an->idp, user_code_digest, now);
    if (st != GH_OK || n > 0)
        return st;
    st = db_get(s, &SQL_STATE, "device_decide", store_read_int, NULL, &state, "si",
                user_code_digest, now);
    return st == GH_OK ? GH_ERR_CONFLICT : st;
}

gh_status_t store_device_poll(store_t *s, arena_t *a, const char *digest, const char *client_id,
                              int64_t now_ms, store_device_t *out, bool *slow_down)
{
    store_device_t d;
    bool slow = false;
    store_purge(s, now_ms / 1000);
    gh_status_t st = db_begin(s, "device_poll");
    if (st != GH_OK)
        return st;
    st = db_get(s, &SQL_POLL_FIND, "device_poll", read_device, a, &d, "ss", digest, client_id);
    if (st == GH_OK) {
        slow = polled(&d, now_ms);
        st = db_exec(s, &SQL_POLLED, "device_poll", "iis", d.interval, now_ms, digest);
    }
    gh_status_t end = db_finish(s, "device_poll", st == GH_OK);
    if (st == GH_OK && end == GH_OK) {
        *out = d;
        *slow_down = slow;
    }
    return st == GH_OK ? end : st;
}

gh_status_t store_device_redeem(store_t *s, const char *digest)
{
    gh_status_t st = db_exec_one(s, &SQL_REDEEM, "device_redeem", "s", digest);
    return st == GH_ERR_NOT_FOUND ? GH_ERR_CONFLICT : st;
}
