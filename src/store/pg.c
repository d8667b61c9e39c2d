/* PostgreSQL engine: the store operations, their SQL, and the migrations.
 *
 * Any number of Gatehouse processes share one database, each with one
 * connection per worker thread (pg_conn.c). Every operation is one statement
 * in its own transaction at PostgreSQL's default READ COMMITTED isolation;
 * that is enough because the single-use operations are single atomic
 * statements whose WHERE clause demands the unused state:
 *
 *   - store_code_take is `UPDATE codes … WHERE used_at IS NULL … RETURNING`.
 *     Of two concurrent callers (threads or processes alike) the second
 *     blocks on the row lock until the first commits, then re-checks the
 *     WHERE clause against the committed row, finds it used and updates
 *     nothing: exactly one winner. Only then is the row read again, to tell
 *     a replay (CONFLICT, with the winner's family) from an unknown code.
 *   - store_refresh_rotate marks the old token used and inserts its successor
 *     in one statement (a data-modifying WITH), with the same row-lock
 *     re-check; a loser then finds the token used and revokes its family.
 *   - store_setting_init is INSERT … ON CONFLICT DO NOTHING followed by a
 *     read in a new snapshot, which sees whichever insert won.
 *   - the gateway's states and refresh records follow the same pattern
 *     (pg_gateway.c).
 *
 * SERIALIZABLE with retries would also be correct, but would make callers
 * retry where a row lock simply queues them. Migrations run in one
 * transaction under a transaction-scoped advisory lock, so several instances
 * starting together on a fresh database apply each migration once. Expired
 * rows are deleted as by the SQLite engine. */
#include "store/pg_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define SCHEMA_DIR "pg/"
#define MIGRATE_LOCK_KEY INT64_C(0x476174656855) /* "GatehU": any constant all instances share */
#define PURGE_EVERY 60                           /* seconds between two deletions of expired rows */
#define KEEP_AFTER_EXPIRY 3600 /* used codes / tokens stay this long for reuse detection */

#define USER_COLS "sub, username, password_hash, email, nickname, name, created_at"
#define CLIENT_COLS                                                                                \
    "id, secret_digest, name, redirect_uris, post_logout_redirect_uris, scope, grants, "           \
    "is_public, created_at"
#define CODE_COLS                                                                                  \
    "digest, client_id, redirect_uri, scope, sub, nonce, code_challenge, session_digest, "         \
    "family, auth_time, expires_at"
#define REFRESH_COLS "digest, family, client_id, sub, scope, auth_time, issued_at, expires_at"
#define KEY_COLS "kid, alg, private_jwk, created_at, retire_at, activate_at"
#define ATTEMPTS_COLS "failures, window_start, last_failure, last_success"
#define KEEP_ATTEMPTS (30 * 86400) /* failure counters idle this long are forgotten */
#define DEVICE_COLS                                                                                \
    "digest, user_code_digest, client_id, scope, state, sub, auth_time, poll_interval, "           \
    "last_poll, expires_at"
#define GW_USER_COLS                                                                               \
    "id, platform, platform_user_id, email, name, profile, tokens, created_at, updated_at"

const char *const PG_SQL[P_COUNT] = {
    [P_MIGRATE_LOCK] = "SELECT pg_advisory_xact_lock($1)",
    [P_MIGRATION_APPLIED] = "SELECT version FROM schema_migrations WHERE version = $1",
    [P_MIGRATION_RECORD] = "INSERT INTO schema_migrations (version) VALUES ($1)",
    [P_USER_ADD] = "INSERT INTO users (" USER_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7)",
    [P_USER_GET] = "SELECT " USER_COLS " FROM users WHERE sub = $1",
    [P_USER_FIND] = "SELECT " USER_COLS " FROM users WHERE username = $1",
    [P_USER_LIST] = "SELECT " USER_COLS " FROM users ORDER BY username",
    [P_USER_REMOVE] = "DELETE FROM users WHERE username = $1",
    [P_USER_SET_PASSWORD] = "UPDATE users SET password_hash = $1 WHERE username = $2",
    /* store_user_end_all: $1 sub, $2 until when the grants' families stay denied */
    [P_USER_END_DENY] = "INSERT INTO revoked_tokens (jti, expires_at) "
                        "SELECT family, $2::bigint FROM refresh_tokens WHERE sub = $1 "
                        "UNION SELECT family, $2::bigint FROM codes "
                        "WHERE sub = $1 AND family IS NOT NULL "
                        "ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at "
                        "WHERE revoked_tokens.expires_at < excluded.expires_at",
    [P_USER_END_REFRESH] = "UPDATE refresh_tokens SET revoked = 1 WHERE sub = $1",
    [P_USER_END_SESSIONS] = "DELETE FROM sessions WHERE sub = $1",
    [P_USER_END_CODES] = "DELETE FROM codes WHERE sub = $1 AND used_at IS NULL",
    [P_USER_END_DEVICES] = "UPDATE device_codes SET state = 2 WHERE sub = $1 AND state = 1",
    [P_CLIENT_ADD] = "INSERT INTO clients (" CLIENT_COLS ") "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    [P_CLIENT_GET] = "SELECT " CLIENT_COLS " FROM clients WHERE id = $1",
    [P_CLIENT_LIST] = "SELECT " CLIENT_COLS " FROM clients ORDER BY id",
    [P_CLIENT_REMOVE] = "DELETE FROM clients WHERE id = $1",
    [P_CONSENT_GET] = "SELECT scope FROM consents WHERE sub = $1 AND client_id = $2",
    [P_CONSENT_PUT] =
        "INSERT INTO consents (sub, client_id, scope, updated_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (sub, client_id) DO UPDATE SET scope = excluded.scope, "
        "updated_at = excluded.updated_at",
    [P_SESSION_PUT] = "INSERT INTO sessions (digest, sub, auth_time, expires_at) "
                      "VALUES ($1, $2, $3, $4) ON CONFLICT (digest) DO UPDATE SET "
                      "sub = excluded.sub, auth_time = excluded.auth_time, "
                      "expires_at = excluded.expires_at",
    [P_SESSION_GET] = "SELECT digest, sub, auth_time, expires_at FROM sessions "
                      "WHERE digest = $1 AND expires_at > $2",
    [P_SESSION_DELETE] = "DELETE FROM sessions WHERE digest = $1",
    [P_CODE_PUT] = "INSERT INTO codes (" CODE_COLS ") "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    [P_CODE_TAKE] = "UPDATE codes SET used_at = $2, family = $3 "
                    "WHERE digest = $1 AND client_id = $4 AND used_at IS NULL "
                    "AND expires_at > $2 RETURNING " CODE_COLS,
    [P_CODE_FIND] = "SELECT " CODE_COLS ", (used_at IS NOT NULL)::int FROM codes "
                    "WHERE digest = $1 AND client_id = $2",
    [P_REFRESH_PUT] = "INSERT INTO refresh_tokens (" REFRESH_COLS ") "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    /* a family's first token, unless the whole grant was revoked meanwhile */
    [P_REFRESH_START] = "INSERT INTO refresh_tokens (" REFRESH_COLS ") "
                        "SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::bigint, "
                        "$7::bigint, $8::bigint WHERE NOT EXISTS "
                        "(SELECT 1 FROM revoked_tokens WHERE jti = $2)",
    [P_REFRESH_GET] = "SELECT " REFRESH_COLS " FROM refresh_tokens WHERE digest = $1 "
                      "AND used_at IS NULL AND revoked = 0 AND expires_at > $2",
    [P_REFRESH_ROTATE] =
        "WITH old AS (UPDATE refresh_tokens SET used_at = coalesce(used_at, $3) "
        "WHERE digest = $1 AND client_id = $2 AND (used_at IS NULL OR used_at > $3 - $7::bigint) "
        "AND revoked = 0 AND expires_at > $3 RETURNING " REFRESH_COLS "), "
        "successor AS (INSERT INTO refresh_tokens (" REFRESH_COLS ") "
        "SELECT $4::text, family, client_id, sub, scope, auth_time, $5::bigint, $6::bigint "
        "FROM old) "
        "SELECT " REFRESH_COLS " FROM old",
    [P_REFRESH_STATE] = "SELECT family, (used_at IS NOT NULL)::int, revoked FROM refresh_tokens "
                        "WHERE digest = $1 AND client_id = $2",
    [P_REFRESH_REVOKE_FAMILY] = "UPDATE refresh_tokens SET revoked = 1 WHERE family = $1",
    [P_KEY_ADD] = "INSERT INTO signing_keys (" KEY_COLS ") VALUES ($1, $2, $3, $4, $5, $6)",
    [P_KEY_LIST] = "SELECT " KEY_COLS " FROM signing_keys ORDER BY created_at DESC, kid DESC",
    [P_KEY_RETIRE_OTHERS] = "UPDATE signing_keys SET retire_at = $1 "
                            "WHERE retire_at = 0 AND ($2::text IS NULL OR kid <> $2) "
                            "AND alg = $3 AND activate_at <= $4",
    [P_KEY_PRUNE] = "DELETE FROM signing_keys WHERE retire_at <> 0 AND retire_at <= $1",
    [P_SETTING_GET] = "SELECT value FROM settings WHERE name = $1",
    [P_SETTING_INIT] = "INSERT INTO settings (name, value) VALUES ($1, $2) "
                       "ON CONFLICT (name) DO NOTHING",
    [P_PURGE_SESSIONS] = "DELETE FROM sessions WHERE expires_at <= $1",
    [P_PURGE_CODES] = "DELETE FROM codes WHERE expires_at < $1",
    [P_PURGE_REFRESH] = "DELETE FROM refresh_tokens WHERE expires_at < $1",
    [P_JTI_REVOKE] = "INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2) "
                     "ON CONFLICT (jti) DO NOTHING",
    [P_JTI_GET] = "SELECT expires_at FROM revoked_tokens WHERE jti IN ($1, $2) "
                  "AND expires_at > $3 LIMIT 1",
    [P_PURGE_JTI] = "DELETE FROM revoked_tokens WHERE expires_at <= $1",
    [P_ATTEMPTS_GET] = "SELECT " ATTEMPTS_COLS " FROM attempts WHERE key = $1",
    /* $1 key, $2 now, $3 window; the SET expressions all see the old row, and
     * a concurrent failure on the same key waits for this one's row lock */
    [P_ATTEMPTS_FAIL] =
        "INSERT INTO attempts (key, " ATTEMPTS_COLS ") VALUES ($1, 1, $2::bigint, $2, 0) "
        "ON CONFLICT (key) DO UPDATE SET "
        "failures = CASE WHEN attempts.window_start > $2 - $3::bigint "
        "THEN attempts.failures + 1 ELSE 1 END, "
        "window_start = CASE WHEN attempts.window_start > $2 - $3::bigint "
        "THEN attempts.window_start ELSE $2 END, "
        "last_failure = $2 RETURNING " ATTEMPTS_COLS,
    [P_ATTEMPTS_SUCCEED] = "INSERT INTO attempts (key, " ATTEMPTS_COLS ") "
                           "VALUES ($1, 0, 0, 0, $2) "
                           "ON CONFLICT (key) DO UPDATE SET failures = 0, window_start = 0, "
                           "last_success = excluded.last_success",
    [P_ATTEMPTS_FORGIVE] = "UPDATE attempts SET failures = failures - 1 "
                           "WHERE key = $1 AND failures > 0",
    [P_PURGE_ATTEMPTS] = "DELETE FROM attempts WHERE last_failure < $1 AND last_success < $1",
    [P_DEVICE_PUT] = "INSERT INTO device_codes (digest, user_code_digest, client_id, scope, "
                     "poll_interval, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    [P_DEVICE_FIND] = "SELECT " DEVICE_COLS " FROM device_codes "
                      "WHERE user_code_digest = $1 AND expires_at > $2",
    [P_DEVICE_DECIDE] = "UPDATE device_codes SET state = $1, sub = $2, auth_time = $3 "
                        "WHERE user_code_digest = $4 AND state = 0 AND expires_at > $5",
    [P_DEVICE_STATE] = "SELECT state FROM device_codes "
                       "WHERE user_code_digest = $1 AND expires_at > $2",
    [P_DEVICE_LOCK] = "SELECT " DEVICE_COLS " FROM device_codes "
                      "WHERE digest = $1 AND client_id = $2 FOR UPDATE",
    [P_DEVICE_POLLED] = "UPDATE device_codes SET poll_interval = $1, last_poll = $2 "
                        "WHERE digest = $3",
    [P_DEVICE_REDEEM] = "UPDATE device_codes SET state = 3 WHERE digest = $1 AND state = 1",
    [P_PURGE_DEVICE] = "DELETE FROM device_codes WHERE expires_at < $1",
    [P_GW_STATE_PUT] = "INSERT INTO gateway_states (digest, platform, nonce, expires_at, binding) "
                       "VALUES ($1, $2, $3, $4, $5)",
    [P_GW_STATE_TAKE] = "UPDATE gateway_states SET used_at = $2 "
                        "WHERE digest = $1 AND used_at IS NULL AND expires_at > $2 "
                        "RETURNING digest, platform, nonce, expires_at, binding",
    [P_GW_STATE_FIND] = "SELECT (used_at IS NOT NULL)::int FROM gateway_states WHERE digest = $1",
    /* the user upserted and its first refresh record inserted in one
     * statement; the RETURNING id is the stored user's, also on conflict */
    [P_GW_USER_LOGIN] =
        "WITH u AS (INSERT INTO gateway_users (" GW_USER_COLS ") "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (platform, platform_user_id) DO UPDATE SET email = excluded.email, "
        "name = excluded.name, profile = excluded.profile, tokens = excluded.tokens, "
        "updated_at = excluded.updated_at RETURNING id), "
        "r AS (INSERT INTO gateway_refresh (digest, user_id, expires_at) "
        "SELECT $10::text, id, $11::bigint FROM u) "
        "SELECT id FROM u",
    [P_GW_USER_GET] = "SELECT " GW_USER_COLS " FROM gateway_users WHERE id = $1",
    [P_GW_USER_SET_TOKENS] = "UPDATE gateway_users SET tokens = $1, updated_at = $2 WHERE id = $3",
    [P_GW_USER_DELETE] = "DELETE FROM gateway_users WHERE id = $1",
    /* marks the old record used (or finds it used less than $5 seconds ago:
     * the grace period) and inserts its successor in one statement */
    [P_GW_REFRESH_ROTATE] =
        "WITH old AS (UPDATE gateway_refresh SET used_at = COALESCE(used_at, $2) "
        "WHERE digest = $1 AND expires_at > $2 "
        "AND (used_at IS NULL OR used_at > $2 - $5::bigint) RETURNING user_id), "
        "successor AS (INSERT INTO gateway_refresh (digest, user_id, expires_at) "
        "SELECT $3::text, user_id, $4::bigint FROM old) "
        "SELECT user_id FROM old",
    [P_GW_REFRESH_FIND] =
        "SELECT user_id, expires_at, (used_at IS NOT NULL)::int, COALESCE(used_at, 0) "
        "FROM gateway_refresh "
        "WHERE digest = $1",
    [P_GW_REFRESH_DELETE] = "DELETE FROM gateway_refresh WHERE digest = $1",
    [P_GW_REFRESH_DELETE_USER] = "DELETE FROM gateway_refresh WHERE user_id = $1",
    [P_GW_PURGE_STATES] = "DELETE FROM gateway_states WHERE expires_at < $1",
    [P_GW_PURGE_REFRESH] = "DELETE FROM gateway_refresh WHERE expires_at < $1",
    [P_PING] = "SELECT count(*) FROM schema_migrations",
};

#define SELF(base) ((pg_store_t *)(base))

/* ---- opening, migrations, closing ---- */

static gh_status_t migrate_one(void *ctx, long version, const char *sql)
{
    pg_store_t *s = ctx;
    pq_t q = {0};
    gh_status_t st = pq_query(s, P_MIGRATION_APPLIED, "migrate", &q, "i", (int64_t)version);
    pq_end(&q);
    if (st != GH_ERR_NOT_FOUND)
        return st; /* GH_OK: applied before */
    st = pq_script(s, "migrate", sql);
    if (st == GH_OK)
        st = pq_exec(s, P_MIGRATION_RECORD, "migrate", NULL, "i", (int64_t)version);
    return st;
}

/* Applies every pending migration in one transaction, holding an advisory
 * lock that every instance takes first, so one instance migrates and the
 * others then find the work done. DDL is transactional in PostgreSQL: a
 * failed migration leaves nothing behind. */
static gh_status_t migrate(pg_store_t *s)
{
    gh_status_t st = pq_script(s, "migrate", "BEGIN; SET LOCAL statement_timeout = '60s'");
    if (st != GH_OK)
        return st;
    st = pq_exec(s, P_MIGRATE_LOCK, "migrate", NULL, "i", MIGRATE_LOCK_KEY);
    if (st == GH_OK)
        st = pq_script(s, "migrate",
                       "CREATE TABLE IF NOT EXISTS schema_migrations "
                       "(version INTEGER PRIMARY KEY)");
    if (st == GH_OK)
        st = store_migrations_each(SCHEMA_DIR, migrate_one, s);
    gh_status_t end = pq_script(s, "migrate", st == GH_OK ? "COMMIT" : "ROLLBACK");
    return st == GH_OK ? end : st;
}

static void pg_close(store_t *base)
{
    pg_store_t *s = SELF(base);
    pq_close_all(s);
    free(s->url);
    free(s);
}

gh_status_t store_pg_open(const char *url, store_t **out)
{
    pg_store_t *s = calloc(1, sizeof *s);
    gh_status_t st = GH_ERR_NOMEM;
    if (!s || !(s->url = strdup(url))) {
        free(s);
        return st;
    }
    s->base.ops = &STORE_PG_OPS;
    st = pq_init(s, url);
    if (st != GH_OK) {
        free(s->url);
        free(s);
        return st;
    }
    st = migrate(s);
    if (st != GH_OK) {
        pg_close(&s->base);
        return st;
    }
    *out = &s->base;
    return GH_OK;
}

/* Deletes expired rows, at most once per PURGE_EVERY seconds of `now` in
 * each process; best effort (a failure is logged and the caller goes on). */
void pq_purge(pg_store_t *s, int64_t now)
{
    int64_t due = atomic_load(&s->next_purge);
    if (now < due || !atomic_compare_exchange_strong(&s->next_purge, &due, now + PURGE_EVERY))
        return;
    gh_status_t st = pq_exec(s, P_PURGE_SESSIONS, "purge", NULL, "i", now);
    if (st == GH_OK)
        st = pq_exec(s, P_PURGE_CODES, "purge", NULL, "i", now - KEEP_AFTER_EXPIRY);
    if (st == GH_OK)
        st = pq_exec(s, P_PURGE_REFRESH, "purge", NULL, "i", now - KEEP_AFTER_EXPIRY);
    if (st == GH_OK)
        st = pq_exec(s, P_PURGE_JTI, "purge", NULL, "i", now);
    if (st == GH_OK)
        st = pq_exec(s, P_PURGE_ATTEMPTS, "purge", NULL, "i", now - KEEP_ATTEMPTS);
    if (st == GH_OK)
        st = pq_exec(s, P_PURGE_DEVICE, "purge", NULL, "i", now - KEEP_AFTER_EXPIRY);
    if (st == GH_OK)
        st = pq_exec(s, P_GW_PURGE_STATES, "purge", NULL, "i", now - KEEP_AFTER_EXPIRY);
    if (st == GH_OK)
        pq_exec(s, P_GW_PURGE_REFRESH, "purge", NULL, "i", now - KEEP_AFTER_EXPIRY);
}

/* ---- rows ---- */

/* Runs a list query (no arguments) and reads every row into an arena array
 * of elements of `size` bytes; *out is NULL when there are none. */
static gh_status_t list_rows(pg_store_t *s, arena_t *a, pg_query_t id, const char *op, size_t size,
                             store_read_fn read, void **out, size_t *count)
{
    pq_t q = {0};
    unsigned char *rows = NULL;
    size_t n = 0;
    gh_status_t st = pq_query(s, id, op, &q, "");
    if (st == GH_OK && !(rows = arena_alloc(a, (size_t)q.rows * size)))
        st = GH_ERR_NOMEM;
    while (st == GH_OK) {
        st = read(&q.cursor, a, rows + n++ * size);
        if (st == GH_OK)
            st = pq_next(&q);
    }
    pq_end(&q);
    if (st != GH_ERR_NOT_FOUND)
        return st;
    *out = rows;
    *count = n;
    return GH_OK;
}

/* ---- users ---- */

static gh_status_t user_add(store_t *base, const store_user_t *u)
{
    return pq_exec(SELF(base), P_USER_ADD, "user_add", NULL, "ssssssi", u->sub, u->username,
                   u->password_hash, u->email, u->nickname, u->name, u->created_at);
}

static gh_status_t user_get(store_t *base, arena_t *a, const char *sub, store_user_t *out)
{
    return pq_get(SELF(base), P_USER_GET, "user_get", store_read_user, a, out, "s", sub);
}

static gh_status_t user_find(store_t *base, arena_t *a, const char *username, store_user_t *out)
{
    return pq_get(SELF(base), P_USER_FIND, "user_find", store_read_user, a, out, "s", username);
}

static gh_status_t user_list(store_t *base, arena_t *a, store_user_t **out, size_t *count)
{
    void *rows = NULL;
    gh_status_t st = list_rows(SELF(base), a, P_USER_LIST, "user_list", sizeof **out,
                               store_read_user, &rows, count);
    if (st == GH_OK)
        *out = rows;
    return st;
}

gh_status_t pq_exec_one(gh_status_t st, int changes)
{
    return st == GH_OK && changes == 0 ? GH_ERR_NOT_FOUND : st;
}

static gh_status_t user_remove(store_t *base, const char *username)
{
    int n = 0;
    gh_status_t st = pq_exec(SELF(base), P_USER_REMOVE, "user_remove", &n, "s", username);
    return pq_exec_one(st, n);
}

static gh_status_t user_set_password(store_t *base, const char *username, const char *hash)
{
    int n = 0;
    gh_status_t st =
        pq_exec(SELF(base), P_USER_SET_PASSWORD, "user_set_password", &n, "ss", hash, username);
    return pq_exec_one(st, n);
}

/* store_user_end_all's statements, in order; each takes sub, the first also
 * the time until which the grants' families stay denied. */
static const struct {
    pg_query_t id;
    const char *fmt;
} USER_END[] = {
    {P_USER_END_DENY, "si"}, {P_USER_END_REFRESH, "s"}, {P_USER_END_SESSIONS, "s"},
    {P_USER_END_CODES, "s"}, {P_USER_END_DEVICES, "s"},
};

static gh_status_t user_end_all(store_t *base, const char *sub, int64_t now, int64_t revoke_until)
{
    pg_store_t *s = SELF(base);
    pq_purge(s, now);
    gh_status_t st = pq_script(s, "user_end_all", "BEGIN");
    if (st != GH_OK)
        return st;
    for (size_t i = 0; st == GH_OK && i < sizeof USER_END / sizeof USER_END[0]; i++)
        st = pq_exec(s, USER_END[i].id, "user_end_all", NULL, USER_END[i].fmt, sub, revoke_until);
    gh_status_t end = pq_script(s, "user_end_all", st == GH_OK ? "COMMIT" : "ROLLBACK");
    return st != GH_OK ? st : end;
}

/* ---- clients ---- */

static gh_status_t client_add(store_t *base, const store_client_t *c)
{
    arena_t *a = NULL;
    const char *uris = NULL, *logout_uris = NULL;
    gh_status_t st = store_client_uris_join(c, &a, &uris, &logout_uris);
    if (st == GH_OK)
        st = pq_exec(SELF(base), P_CLIENT_ADD, "client_add", NULL, "ssssssiii", c->id,
                     c->secret_digest, c->name, uris, logout_uris, c->scope, (int64_t)c->grants,
                     (int64_t)c->is_public, c->created_at);
    arena_free(a);
    return st;
}

static gh_status_t client_get(store_t *base, arena_t *a, const char *id, store_client_t *out)
{
    return pq_get(SELF(base), P_CLIENT_GET, "client_get", store_read_client, a, out, "s", id);
}

static gh_status_t client_list(store_t *base, arena_t *a, store_client_t **out, size_t *count)
{
    void *rows = NULL;
    gh_status_t st = list_rows(SELF(base), a, P_CLIENT_LIST, "client_list", sizeof **out,
                               store_read_client, &rows, count);
    if (st == GH_OK)
        *out = rows;
    return st;
}

static gh_status_t client_remove(store_t *base, const char *id)
{
    int n = 0;
    gh_status_t st = pq_exec(SELF(base), P_CLIENT_REMOVE, "client_remove", &n, "s", id);
    return pq_exec_one(st, n);
}

/* ---- consents ---- */

static gh_status_t consent_get(store_t *base, arena_t *a, const char *sub, const char *client_id,
                               const char **scope)
{
    return pq_get(SELF(base), P_CONSENT_GET, "consent_get", store_read_text, a, scope, "ss", sub,
                  client_id);
}

static gh_status_t consent_put(store_t *base, const char *sub, const char *client_id,
                               const char *scope, int64_t now)
{
    return pq_exec(SELF(base), P_CONSENT_PUT, "consent_put", NULL, "sssi", sub, client_id, scope,
                   now);
}

/* ---- sessions ---- */

static gh_status_t session_put(store_t *base, const store_session_t *sess)
{
    return pq_exec(SELF(base), P_SESSION_PUT, "session_put", NULL, "ssii", sess->digest, sess->sub,
                   sess->auth_time, sess->expires_at);
}

static gh_status_t session_get(store_t *base, arena_t *a, const char *digest, int64_t now,
                               store_session_t *out)
{
    return pq_get(SELF(base), P_SESSION_GET, "session_get", store_read_session, a, out, "si",
                  digest, now);
}

static gh_status_t session_delete(store_t *base, const char *digest)
{
    int n = 0;
    gh_status_t st = pq_exec(SELF(base), P_SESSION_DELETE, "session_delete", &n, "s", digest);
    return pq_exec_one(st, n);
}

/* ---- codes ---- */

static gh_status_t code_put(store_t *base, const store_code_t *c)
{
    return pq_exec(SELF(base), P_CODE_PUT, "code_put", NULL, "sssssssssii", c->digest, c->client_id,
                   c->redirect_uri, c->scope, c->sub, c->nonce, c->code_challenge,
                   c->session_digest, c->family, c->auth_time, c->expires_at);
}

/* After code_take's update found no redeemable code: a used one is a replay
 * (CONFLICT, *out = the earlier redemption), anything else NOT_FOUND. */
static gh_status_t code_replayed(pg_store_t *s, arena_t *a, const char *digest,
                                 const char *client_id, store_code_t *out)
{
    store_code_row_t r = {0};
    gh_status_t st =
        pq_get(s, P_CODE_FIND, "code_take", store_read_code_row, a, &r, "ss", digest, client_id);
    if (st != GH_OK)
        return st;
    if (!r.used)
        return GH_ERR_NOT_FOUND; /* expired unused */
    *out = r.code;
    return GH_ERR_CONFLICT;
}

static gh_status_t code_take(store_t *base, arena_t *a, const char *digest, const char *client_id,
                             int64_t now, const char *family, store_code_t *out)
{
    pg_store_t *s = SELF(base);
    store_code_t c = {0};
    pq_purge(s, now);
    gh_status_t st = pq_get(s, P_CODE_TAKE, "code_take", store_read_code, a, &c, "siss", digest,
                            now, family, client_id);
    if (st == GH_ERR_NOT_FOUND)
        st = code_replayed(s, a, digest, client_id, &c);
    if (st == GH_OK || st == GH_ERR_CONFLICT)
        *out = c;
    return st;
}

/* ---- refresh tokens ---- */

static gh_status_t refresh_put(store_t *base, const store_refresh_t *r)
{
    int n = 0;
    gh_status_t st =
        pq_exec(SELF(base), P_REFRESH_START, "refresh_put", &n, "sssssiii", r->digest, r->family,
                r->client_id, r->sub, r->scope, r->auth_time, r->issued_at, r->expires_at);
    st = pq_exec_one(st, n);
    return st == GH_ERR_NOT_FOUND ? GH_ERR_CONFLICT : st;
}

static gh_status_t refresh_get(store_t *base, arena_t *a, const char *digest, int64_t now,
                               store_refresh_t *out)
{
    return pq_get(SELF(base), P_REFRESH_GET, "refresh_get", store_read_refresh, a, out, "si",
                  digest, now);
}

/* After a rotation found no live token: one already used (and not revoked)
 * is being reused, so its family is revoked (RFC 9700 §4.14.2) and the
 * answer is CONFLICT; unknown, another client's, revoked or expired is
 * NOT_FOUND. */
static gh_status_t refresh_reused(pg_store_t *s, arena_t *a, const char *digest,
                                  const char *client_id, store_refresh_t *old)
{
    store_refresh_state_t r = {0};
    gh_status_t st = pq_get(s, P_REFRESH_STATE, "refresh_rotate", store_read_refresh_state, a, &r,
                            "ss", digest, client_id);
    if (st != GH_OK)
        return st;
    if (r.revoked || !r.used)
        return GH_ERR_NOT_FOUND;
    st = pq_exec(s, P_REFRESH_REVOKE_FAMILY, "refresh_rotate", NULL, "s", r.family);
    old->family = r.family;
    return st == GH_OK ? GH_ERR_CONFLICT : st;
}

static gh_status_t refresh_rotate(store_t *base, arena_t *a, const char *old_digest,
                                  const char *client_id, int64_t now, int64_t grace,
                                  const store_refresh_t *next, store_refresh_t *old)
{
    pg_store_t *s = SELF(base);
    store_refresh_t r = {0};
    pq_purge(s, now);
    gh_status_t st =
        pq_get(s, P_REFRESH_ROTATE, "refresh_rotate", store_read_refresh, a, &r, "ssisiii",
               old_digest, client_id, now, next->digest, next->issued_at, next->expires_at, grace);
    if (st == GH_ERR_NOT_FOUND)
        st = refresh_reused(s, a, old_digest, client_id, old);
    if (st == GH_OK)
        *old = r;
    return st;
}

static gh_status_t refresh_revoke_family(store_t *base, const char *family)
{
    return pq_exec(SELF(base), P_REFRESH_REVOKE_FAMILY, "refresh_revoke_family", NULL, "s", family);
}

/* ---- signing keys ---- */

static gh_status_t key_add(store_t *base, const store_key_t *k)
{
    return pq_exec(SELF(base), P_KEY_ADD, "key_add", NULL, "sssiii", k->kid, k->alg, k->private_jwk,
                   k->created_at, k->retire_at, k->activate_at);
}

static gh_status_t key_list(store_t *base, arena_t *a, store_key_t **out, size_t *count)
{
    void *rows = NULL;
    gh_status_t st = list_rows(SELF(base), a, P_KEY_LIST, "key_list", sizeof **out, store_read_key,
                               &rows, count);
    if (st == GH_OK)
        *out = rows;
    return st;
}

static gh_status_t key_retire_others(store_t *base, const char *keep_kid, const char *alg,
                                     int64_t now, int64_t retire_at)
{
    return pq_exec(SELF(base), P_KEY_RETIRE_OTHERS, "key_retire_others", NULL, "issi", retire_at,
                   keep_kid, alg, now);
}

static gh_status_t key_prune(store_t *base, int64_t now)
{
    return pq_exec(SELF(base), P_KEY_PRUNE, "key_prune", NULL, "i", now);
}

/* ---- settings ---- */

static gh_status_t setting_get(store_t *base, arena_t *a, const char *name, const char **value)
{
    return pq_get(SELF(base), P_SETTING_GET, "setting_get", store_read_text, a, value, "s", name);
}

static gh_status_t setting_init(store_t *base, arena_t *a, const char *name, const char *value,
                                const char **value_out)
{
    gh_status_t st = pq_exec(SELF(base), P_SETTING_INIT, "setting_init", NULL, "ss", name, value);
    return st == GH_OK ? setting_get(base, a, name, value_out) : st;
}

/* ---- revoked access tokens ---- */

static gh_status_t jti_revoke(store_t *base, const char *jti, int64_t expires_at, int64_t now)
{
    pg_store_t *s = SELF(base);
    pq_purge(s, now);
    return pq_exec(s, P_JTI_REVOKE, "jti_revoke", NULL, "si", jti, expires_at);
}

static gh_status_t jti_is_revoked(store_t *base, const char *jti, const char *family, int64_t now,
                                  bool *revoked)
{
    pq_t q = {0};
    gh_status_t st = pq_query(SELF(base), P_JTI_GET, "jti_is_revoked", &q, "ssi", jti,
                              family ? family : jti, now);
    pq_end(&q);
    if (st != GH_OK && st != GH_ERR_NOT_FOUND)
        return st;
    *revoked = st == GH_OK;
    return GH_OK;
}

/* ---- attempts: failure counters ---- */

static gh_status_t attempts_get(store_t *base, const char *key, store_attempts_t *out)
{
    return pq_get(SELF(base), P_ATTEMPTS_GET, "attempts_get", store_read_attempts, NULL, out, "s",
                  key);
}

static gh_status_t attempts_fail(store_t *base, const char *key, int64_t now, int64_t window,
                                 store_attempts_t *out)
{
    pq_purge(SELF(base), now);
    return pq_get(SELF(base), P_ATTEMPTS_FAIL, "attempts_fail", store_read_attempts, NULL, out,
                  "sii", key, now, window);
}

static gh_status_t attempts_succeed(store_t *base, const char *key, int64_t now)
{
    return pq_exec(SELF(base), P_ATTEMPTS_SUCCEED, "attempts_succeed", NULL, "si", key, now);
}

static gh_status_t attempts_forgive(store_t *base, const char *key)
{
    return pq_exec(SELF(base), P_ATTEMPTS_FORGIVE, "attempts_forgive", NULL, "s", key);
}

/* ---- device authorizations (RFC 8628) ---- */

static gh_status_t device_put(store_t *base, const store_device_t *d)
{
    return pq_exec(SELF(base), P_DEVICE_PUT, "device_put", NULL, "ssssii", d->digest,
                   d->user_code_digest, d->client_id, d->scope, d->interval, d->expires_at);
}

static gh_status_t device_find(store_t *base, arena_t *a, const char *user_code_digest, int64_t now,
                               store_device_t *out)
{
    return pq_get(SELF(base), P_DEVICE_FIND, "device_find", store_read_device, a, out, "si",
                  user_code_digest, now);
}

/* One atomic UPDATE of a pending, live authorization; when it touched
 * nothing, a live one was decided before (CONFLICT), else NOT_FOUND. */
static gh_status_t device_decide(store_t *base, const char *user_code_digest, int64_t now,
                                 bool approve, const char *sub, int64_t auth_time)
{
    pg_store_t *s = SELF(base);
    int64_t state = 0;
    int n = 0;
    gh_status_t st = pq_exec(s, P_DEVICE_DECIDE, "device_decide", &n, "isisi",
                             (int64_t)(approve ? STORE_DEVICE_APPROVED : STORE_DEVICE_DENIED), sub,
                             auth_time, user_code_digest, now);
    if (st != GH_OK || n > 0)
        return st;
    st = pq_get(s, P_DEVICE_STATE, "device_decide", store_read_int, NULL, &state, "si",
                user_code_digest, now);
    return st == GH_OK ? GH_ERR_CONFLICT : st;
}

/* The row is locked (SELECT … FOR UPDATE) from reading its last poll to
 * writing the new one, so concurrent polls are counted one after another. */
static gh_status_t device_poll(store_t *base, arena_t *a, const char *digest, const char *client_id,
                               int64_t now, store_device_t *out, bool *slow_down)
{
    pg_store_t *s = SELF(base);
    store_device_t d;
    bool slow = false;
    pq_purge(s, now);
    gh_status_t st = pq_script(s, "device_poll", "BEGIN");
    if (st != GH_OK)
        return st;
    st = pq_get(s, P_DEVICE_LOCK, "device_poll", store_read_device, a, &d, "ss", digest, client_id);
    if (st == GH_OK) {
        slow = store_device_polled(&d, now);
        st = pq_exec(s, P_DEVICE_POLLED, "device_poll", NULL, "iis", d.interval, now, digest);
    }
    gh_status_t end = pq_script(s, "device_poll", st == GH_OK ? "COMMIT" : "ROLLBACK");
    if (st == GH_OK && end == GH_OK) {
        *out = d;
        *slow_down = slow;
    }
    return st == GH_OK ? end : st;
}

static gh_status_t device_redeem(store_t *base, const char *digest)
{
    int n = 0;
    gh_status_t st = pq_exec(SELF(base), P_DEVICE_REDEEM, "device_redeem", &n, "s", digest);
    return st == GH_OK && n == 0 ? GH_ERR_CONFLICT : st;
}

/* ---- readiness ---- */

static gh_status_t ping(store_t *base)
{
    int64_t n = 0;
    return pq_get(SELF(base), P_PING, "ping", store_read_int, NULL, &n, "");
}

/* ---- read snapshots: every statement is its own (store.h) ---- */

static void read_alone(store_t *base)
{
    (void)base;
}

const store_ops_t STORE_PG_OPS = {
    .name = "postgresql",
    .close = pg_close,
    .user_add = user_add,
    .user_get = user_get,
    .user_find = user_find,
    .user_list = user_list,
    .user_remove = user_remove,
    .user_set_password = user_set_password,
    .user_end_all = user_end_all,
    .client_add = client_add,
    .client_get = client_get,
    .client_list = client_list,
    .client_remove = client_remove,
    .consent_get = consent_get,
    .consent_put = consent_put,
    .session_put = session_put,
    .session_get = session_get,
    .session_delete = session_delete,
    .code_put = code_put,
    .code_take = code_take,
    .refresh_put = refresh_put,
    .refresh_get = refresh_get,
    .refresh_rotate = refresh_rotate,
    .refresh_revoke_family = refresh_revoke_family,
    .key_add = key_add,
    .key_list = key_list,
    .key_retire_others = key_retire_others,
    .key_prune = key_prune,
    .setting_get = setting_get,
    .setting_init = setting_init,
    .jti_revoke = jti_revoke,
    .jti_is_revoked = jti_is_revoked,
    .attempts_get = attempts_get,
    .attempts_fail = attempts_fail,
    .attempts_succeed = attempts_succeed,
    .attempts_forgive = attempts_forgive,
    .device_put = device_put,
    .device_find = device_find,
    .device_decide = device_decide,
    .device_poll = device_poll,
    .device_redeem = device_redeem,
    .gw_state_put = pg_gw_state_put,
    .gw_state_take = pg_gw_state_take,
    .gw_user_login = pg_gw_user_login,
    .gw_user_get = pg_gw_user_get,
    .gw_user_set_tokens = pg_gw_user_set_tokens,
    .gw_user_delete = pg_gw_user_delete,
    .gw_refresh_rotate = pg_gw_refresh_rotate,
    .gw_refresh_delete = pg_gw_refresh_delete,
    .read_begin = read_alone,
    .read_end = read_alone,
    .ping = ping,
};
