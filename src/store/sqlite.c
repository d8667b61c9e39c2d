/* SQLite engine: the store operations, their SQL, and the migrations.
 *
 * The database is one file (WAL journal, synchronous=FULL) shared by every
 * thread through per-thread connections (sqlite_conn.c). Single-use records
 * (codes, refresh tokens) change state only inside BEGIN IMMEDIATE
 * transactions, so of two concurrent redeemers exactly one sees the record
 * unused. Removing a user or a client cascades through foreign keys. Expired
 * rows are deleted at most once a minute by the operations that are given the
 * time; used codes and refresh tokens are kept an hour past expiry so a late
 * replay is still recognised as one. The SQL sticks to what PostgreSQL reads
 * the same way. */
#include "store/sqlite_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

#define SCHEME "sqlite:"
#define SCHEMA_DIR "sqlite/"
#define PURGE_EVERY 60         /* seconds between two deletions of expired rows */
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

const char *const SQLITE_SQL[Q_COUNT] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_READ_BEGIN] = "BEGIN",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_MIGRATION_APPLIED] = "SELECT version FROM schema_migrations WHERE version = ?",
    [Q_MIGRATION_RECORD] = "INSERT INTO schema_migrations (version) VALUES (?)",
    [Q_USER_ADD] = "INSERT INTO users (" USER_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?)",
    [Q_USER_GET] = "SELECT " USER_COLS " FROM users WHERE sub = ?",
    [Q_USER_FIND] = "SELECT " USER_COLS " FROM users WHERE username = ?",
    [Q_USER_LIST] = "SELECT " USER_COLS " FROM users ORDER BY username",
    [Q_USER_REMOVE] = "DELETE FROM users WHERE username = ?",
    [Q_USER_SET_PASSWORD] = "UPDATE users SET password_hash = ? WHERE username = ?",
    /* store_user_end_all: ?1 sub, ?2 until when the grants' families stay denied */
    [Q_USER_END_DENY] = "INSERT INTO revoked_tokens (jti, expires_at) "
                        "SELECT family, ?2 FROM refresh_tokens WHERE sub = ?1 "
                        "UNION SELECT family, ?2 FROM codes WHERE sub = ?1 AND family IS NOT NULL "
                        "ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at "
                        "WHERE revoked_tokens.expires_at < excluded.expires_at",
    [Q_USER_END_REFRESH] = "UPDATE refresh_tokens SET revoked = 1 WHERE sub = ?1",
    [Q_USER_END_SESSIONS] = "DELETE FROM sessions WHERE sub = ?1",
    [Q_USER_END_CODES] = "DELETE FROM codes WHERE sub = ?1 AND used_at IS NULL",
    [Q_USER_END_DEVICES] = "UPDATE device_codes SET state = 2 WHERE sub = ?1 AND state = 1",
    [Q_CLIENT_ADD] = "INSERT INTO clients (" CLIENT_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_CLIENT_GET] = "SELECT " CLIENT_COLS " FROM clients WHERE id = ?",
    [Q_CLIENT_LIST] = "SELECT " CLIENT_COLS " FROM clients ORDER BY id",
    [Q_CLIENT_REMOVE] = "DELETE FROM clients WHERE id = ?",
    [Q_CONSENT_GET] = "SELECT scope FROM consents WHERE sub = ? AND client_id = ?",
    [Q_CONSENT_PUT] =
        "INSERT INTO consents (sub, client_id, scope, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (sub, client_id) DO UPDATE SET scope = excluded.scope, "
        "updated_at = excluded.updated_at",
    [Q_SESSION_PUT] = "INSERT INTO sessions (digest, sub, auth_time, expires_at) "
                      "VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO UPDATE SET "
                      "sub = excluded.sub, auth_time = excluded.auth_time, "
                      "expires_at = excluded.expires_at",
    [Q_SESSION_GET] = "SELECT digest, sub, auth_time, expires_at FROM sessions "
                      "WHERE digest = ? AND expires_at > ?",
    [Q_SESSION_DELETE] = "DELETE FROM sessions WHERE digest = ?",
    [Q_CODE_PUT] = "INSERT INTO codes (" CODE_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_CODE_FIND] = "SELECT " CODE_COLS ", used_at IS NOT NULL FROM codes "
                    "WHERE digest = ? AND client_id = ?",
    [Q_CODE_USE] = "UPDATE codes SET used_at = ?, family = ? WHERE digest = ?",
    [Q_REFRESH_PUT] = "INSERT INTO refresh_tokens (" REFRESH_COLS ") "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    /* a family's first token, unless the whole grant was revoked meanwhile */
    [Q_REFRESH_START] = "INSERT INTO refresh_tokens (" REFRESH_COLS ") "
                        "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE NOT EXISTS "
                        "(SELECT 1 FROM revoked_tokens WHERE jti = ?2)",
    [Q_REFRESH_GET] = "SELECT " REFRESH_COLS " FROM refresh_tokens WHERE digest = ? "
                      "AND used_at IS NULL AND revoked = 0 AND expires_at > ?",
    /* used: rotated, and longer ago than the grace (?3 now, ?4 grace) */
    [Q_REFRESH_FIND] = "SELECT " REFRESH_COLS ", used_at IS NOT NULL AND used_at <= ?3 - ?4, "
                       "revoked FROM refresh_tokens WHERE digest = ?1 AND client_id = ?2",
    /* a rotation in the grace keeps the first rotation's time */
    [Q_REFRESH_USE] = "UPDATE refresh_tokens SET used_at = coalesce(used_at, ?) WHERE digest = ?",
    [Q_REFRESH_REVOKE_FAMILY] = "UPDATE refresh_tokens SET revoked = 1 WHERE family = ?",
    [Q_KEY_ADD] = "INSERT INTO signing_keys (" KEY_COLS ") VALUES (?, ?, ?, ?, ?, ?)",
    [Q_KEY_LIST] = "SELECT " KEY_COLS " FROM signing_keys ORDER BY created_at DESC, kid DESC",
    [Q_KEY_RETIRE_OTHERS] = "UPDATE signing_keys SET retire_at = ? "
                            "WHERE retire_at = 0 AND (?2 IS NULL OR kid <> ?2) "
                            "AND alg = ?3 AND activate_at <= ?4",
    [Q_KEY_PRUNE] = "DELETE FROM signing_keys WHERE retire_at <> 0 AND retire_at <= ?",
    [Q_SETTING_GET] = "SELECT value FROM settings WHERE name = ?",
    [Q_SETTING_INIT] = "INSERT INTO settings (name, value) VALUES (?, ?) "
                       "ON CONFLICT (name) DO NOTHING",
    [Q_PURGE_SESSIONS] = "DELETE FROM sessions WHERE expires_at <= ?",
    [Q_PURGE_CODES] = "DELETE FROM codes WHERE expires_at < ?",
    [Q_PURGE_REFRESH] = "DELETE FROM refresh_tokens WHERE expires_at < ?",
    [Q_JTI_REVOKE] = "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?) "
                     "ON CONFLICT (jti) DO NOTHING",
    /* two seeks: SQLite runs "jti IN (?, ?)" (or an OR of the two) through a
     * temporary b-tree built at every execution, 4 times the cost */
    [Q_JTI_GET] =
        "SELECT expires_at FROM revoked_tokens WHERE jti = ?1 AND expires_at > ?3 "
        "UNION ALL SELECT expires_at FROM revoked_tokens WHERE jti = ?2 AND expires_at > ?3 "
        "LIMIT 1",
    [Q_PURGE_JTI] = "DELETE FROM revoked_tokens WHERE expires_at <= ?",
    [Q_ATTEMPTS_GET] = "SELECT " ATTEMPTS_COLS " FROM attempts WHERE key = ?",
    /* ?1 key, ?2 now, ?3 window; the SET expressions all see the old row */
    [Q_ATTEMPTS_FAIL] = "INSERT INTO attempts (key, " ATTEMPTS_COLS ") VALUES (?1, 1, ?2, ?2, 0) "
                        "ON CONFLICT (key) DO UPDATE SET "
                        "failures = CASE WHEN attempts.window_start > ?2 - ?3 "
                        "THEN attempts.failures + 1 ELSE 1 END, "
                        "window_start = CASE WHEN attempts.window_start > ?2 - ?3 "
                        "THEN attempts.window_start ELSE ?2 END, "
                        "last_failure = ?2 RETURNING " ATTEMPTS_COLS,
    [Q_ATTEMPTS_SUCCEED] = "INSERT INTO attempts (key, " ATTEMPTS_COLS ") VALUES (?, 0, 0, 0, ?) "
                           "ON CONFLICT (key) DO UPDATE SET failures = 0, window_start = 0, "
                           "last_success = excluded.last_success",
    [Q_ATTEMPTS_FORGIVE] = "UPDATE attempts SET failures = failures - 1 "
                           "WHERE key = ? AND failures > 0",
    [Q_PURGE_ATTEMPTS] = "DELETE FROM attempts WHERE last_failure < ? AND last_success < ?",
    [Q_DEVICE_PUT] = "INSERT INTO device_codes (digest, user_code_digest, client_id, scope, "
                     "poll_interval, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    [Q_DEVICE_FIND] = "SELECT " DEVICE_COLS " FROM device_codes "
                      "WHERE user_code_digest = ? AND expires_at > ?",
    [Q_DEVICE_STATE] = "SELECT state FROM device_codes "
                       "WHERE user_code_digest = ? AND expires_at > ?",
    [Q_DEVICE_FIND_POLL] = "SELECT " DEVICE_COLS " FROM device_codes "
                           "WHERE digest = ? AND client_id = ?",
    [Q_DEVICE_DECIDE] = "UPDATE device_codes SET state = ?, sub = ?, auth_time = ? "
                        "WHERE user_code_digest = ? AND state = 0",
    [Q_DEVICE_POLLED] = "UPDATE device_codes SET poll_interval = ?, last_poll = ? WHERE digest = ?",
    [Q_DEVICE_REDEEM] = "UPDATE device_codes SET state = 3 WHERE digest = ? AND state = 1",
    [Q_PURGE_DEVICE] = "DELETE FROM device_codes WHERE expires_at < ?",
    [Q_GW_STATE_PUT] = "INSERT INTO gateway_states (digest, platform, nonce, expires_at, binding) "
                       "VALUES (?, ?, ?, ?, ?)",
    [Q_GW_STATE_FIND] = "SELECT digest, platform, nonce, expires_at, binding, used_at IS NOT NULL "
                        "FROM gateway_states WHERE digest = ?",
    [Q_GW_STATE_USE] = "UPDATE gateway_states SET used_at = ? WHERE digest = ?",
    [Q_GW_USER_UPSERT] =
        "INSERT INTO gateway_users (" GW_USER_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (platform, platform_user_id) DO UPDATE SET email = excluded.email, "
        "name = excluded.name, profile = excluded.profile, tokens = excluded.tokens, "
        "updated_at = excluded.updated_at",
    [Q_GW_USER_ID] = "SELECT id FROM gateway_users WHERE platform = ? AND platform_user_id = ?",
    [Q_GW_USER_GET] = "SELECT " GW_USER_COLS " FROM gateway_users WHERE id = ?",
    [Q_GW_USER_SET_TOKENS] = "UPDATE gateway_users SET tokens = ?, updated_at = ? WHERE id = ?",
    [Q_GW_USER_DELETE] = "DELETE FROM gateway_users WHERE id = ?",
    [Q_GW_REFRESH_PUT] = "INSERT INTO gateway_refresh (digest, user_id, expires_at) "
                         "VALUES (?, ?, ?)",
    [Q_GW_REFRESH_FIND] = "SELECT user_id, expires_at, used_at IS NOT NULL, COALESCE(used_at, 0) "
                          "FROM gateway_refresh "
                          "WHERE digest = ?",
    [Q_GW_REFRESH_USE] = "UPDATE gateway_refresh SET used_at = ? WHERE digest = ?",
    [Q_GW_REFRESH_DELETE] = "DELETE FROM gateway_refresh WHERE digest = ?",
    [Q_GW_REFRESH_DELETE_USER] = "DELETE FROM gateway_refresh WHERE user_id = ?",
    [Q_GW_PURGE_STATES] = "DELETE FROM gateway_states WHERE expires_at < ?",
    [Q_GW_PURGE_REFRESH] = "DELETE FROM gateway_refresh WHERE expires_at < ?",
    [Q_PING] = "SELECT count(*) FROM schema_migrations",
};

#define SELF(base) ((sqlite_store_t *)(base))

/* ---- opening, migrations, closing ---- */

/* mkdir -p of the directory holding path. */
static gh_status_t make_parent_dirs(const char *path)
{
    char *dir = strdup(path);
    gh_status_t st = dir ? GH_OK : GH_ERR_NOMEM;
    for (char *p = dir ? strchr(dir + 1, '/') : NULL; p && st == GH_OK; p = strchr(p + 1, '/')) {
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            log_event(LOG_ERROR, "store", "op", "open", "path", dir, "error", strerror(errno),
                      NULL);
            st = GH_ERR_UNAVAILABLE;
        }
        *p = '/';
    }
    free(dir);
    return st;
}

/* Creates the file readable by its owner only; SQLite gives its -wal and -shm
 * files the same mode. */
static gh_status_t create_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_event(LOG_ERROR, "store", "op", "open", "path", path, "error", strerror(errno), NULL);
        return GH_ERR_UNAVAILABLE;
    }
    close(fd);
    return GH_OK;
}

/* Applies one migration unless recorded; the check runs under the write lock,
 * so processes opening a fresh database together apply it once. */
static gh_status_t migrate_one(void *ctx, long version, const char *sql)
{
    sqlite_store_t *s = ctx;
    sq_t q = {0};
    gh_status_t st = sq_begin(s, "migrate");
    if (st != GH_OK)
        return st;
    st = sq_query(s, Q_MIGRATION_APPLIED, "migrate", &q, "i", (int64_t)version);
    sq_end(&q);
    if (st == GH_ERR_NOT_FOUND) {
        st = sq_script(s, "migrate", sql);
        if (st == GH_OK)
            st = sq_exec(s, Q_MIGRATION_RECORD, "migrate", "i", (int64_t)version);
    }
    return sq_finish(s, "migrate", st == GH_OK);
}

static gh_status_t migrate(sqlite_store_t *s)
{
    gh_status_t st = sq_script(s, "migrate",
                               "CREATE TABLE IF NOT EXISTS schema_migrations "
                               "(version INTEGER PRIMARY KEY)");
    return st == GH_OK ? store_migrations_each(SCHEMA_DIR, migrate_one, s) : st;
}

static void sqlite_close(store_t *base)
{
    sqlite_store_t *s = SELF(base);
    sq_close_all(s);
    free(s->path);
    free(s);
}

/* A handle with no connection yet. */
static gh_status_t sqlite_new(const char *path, sqlite_store_t **out)
{
    sqlite_store_t *s = calloc(1, sizeof *s);
    gh_status_t st = GH_ERR_NOMEM;
    if (!s || !(s->path = strdup(path)))
        goto out;
    st = sq_init(s);
    if (st != GH_OK)
        goto out;
    s->base.ops = &STORE_SQLITE_OPS;
    *out = s;
    s = NULL;
out:
    if (s)
        free(s->path);
    free(s);
    return st;
}

/* Splits "PATH[?synchronous=normal|full]" into a new path string and the
 * option; NULL (with the reason logged) when the option is not one of those. */
static char *parse_url(const char *rest, bool *sync_full)
{
    const char *q = strchr(rest, '?');
    *sync_full = false;
    if (q && !strcmp(q + 1, "synchronous=full"))
        *sync_full = true;
    else if (q && strcmp(q + 1, "synchronous=normal") != 0) {
        log_event(LOG_ERROR, "store", "op", "open", "error",
                  "sqlite: the only option is ?synchronous=normal|full", NULL);
        return NULL;
    }
    return strndup(rest, q ? (size_t)(q - rest) : strlen(rest));
}

gh_status_t store_sqlite_open(const char *url, store_t **out)
{
    bool sync_full = false;
    char *path = parse_url(url + strlen(SCHEME), &sync_full);
    sqlite_store_t *s = NULL;
    gh_status_t st = GH_ERR_INVALID;
    if (!path)
        goto out;
    if (!*path) {
        log_event(LOG_ERROR, "store", "op", "open", "error", "sqlite: needs a file path", NULL);
        goto out;
    }
    st = make_parent_dirs(path);
    if (st == GH_OK)
        st = create_file(path);
    if (st == GH_OK)
        st = sqlite_new(path, &s);
    if (st == GH_OK) {
        s->sync_full = sync_full;
        st = migrate(s);
    }
    if (st == GH_OK) {
        *out = &s->base;
        s = NULL;
    }
out:
    free(path);
    if (s)
        sqlite_close(&s->base);
    return st;
}

/* Deletes expired rows, at most once per PURGE_EVERY seconds of `now`; best
 * effort (a failure is logged and the caller goes on). */
void sq_purge(sqlite_store_t *s, int64_t now)
{
    int64_t due = atomic_load(&s->next_purge);
    if (now < due || !atomic_compare_exchange_strong(&s->next_purge, &due, now + PURGE_EVERY))
        return;
    if (sq_begin(s, "purge") != GH_OK)
        return;
    gh_status_t st = sq_exec(s, Q_PURGE_SESSIONS, "purge", "i", now);
    if (st == GH_OK)
        st = sq_exec(s, Q_PURGE_CODES, "purge", "i", now - KEEP_AFTER_EXPIRY);
    if (st == GH_OK)
        st = sq_exec(s, Q_PURGE_REFRESH, "purge", "i", now - KEEP_AFTER_EXPIRY);
    if (st == GH_OK)
        st = sq_exec(s, Q_PURGE_JTI, "purge", "i", now);
    if (st == GH_OK)
        st = sq_exec(s, Q_PURGE_ATTEMPTS, "purge", "ii", now - KEEP_ATTEMPTS, now - KEEP_ATTEMPTS);
    if (st == GH_OK)
        st = sq_exec(s, Q_PURGE_DEVICE, "purge", "i", now - KEEP_AFTER_EXPIRY);
    if (st == GH_OK)
        st = sq_exec(s, Q_GW_PURGE_STATES, "purge", "i", now - KEEP_AFTER_EXPIRY);
    if (st == GH_OK)
        st = sq_exec(s, Q_GW_PURGE_REFRESH, "purge", "i", now - KEEP_AFTER_EXPIRY);
    sq_finish(s, "purge", st == GH_OK);
}

/* ---- rows ---- */

/* Runs a list query (no arguments) and reads every row into an arena array
 * of elements of `size` bytes; *out is NULL when there are none. */
static gh_status_t list_rows(sqlite_store_t *s, arena_t *a, query_t id, const char *op, size_t size,
                             store_read_fn read, void **out, size_t *count)
{
    sq_t q = {0};
    unsigned char *rows = NULL;
    size_t n = 0, cap = 0;
    gh_status_t st = sq_query(s, id, op, &q, "");
    for (; st == GH_OK; st = sq_next(&q), n++) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            unsigned char *bigger = arena_alloc(a, cap * size);
            if (bigger && n)
                memcpy(bigger, rows, n * size);
            rows = bigger;
        }
        st = rows ? read(&q.row, a, rows + n * size) : GH_ERR_NOMEM;
        if (st != GH_OK)
            break;
    }
    sq_end(&q);
    if (st != GH_ERR_NOT_FOUND)
        return st;
    *out = rows;
    *count = n;
    return GH_OK;
}

/* ---- users ---- */

static gh_status_t user_add(store_t *base, const store_user_t *u)
{
    return sq_exec(SELF(base), Q_USER_ADD, "user_add", "ssssssi", u->sub, u->username,
                   u->password_hash, u->email, u->nickname, u->name, u->created_at);
}

static gh_status_t user_get(store_t *base, arena_t *a, const char *sub, store_user_t *out)
{
    return sq_get(SELF(base), Q_USER_GET, "user_get", store_read_user, a, out, "s", sub);
}

static gh_status_t user_find(store_t *base, arena_t *a, const char *username, store_user_t *out)
{
    return sq_get(SELF(base), Q_USER_FIND, "user_find", store_read_user, a, out, "s", username);
}

static gh_status_t user_list(store_t *base, arena_t *a, store_user_t **out, size_t *count)
{
    void *rows = NULL;
    gh_status_t st = list_rows(SELF(base), a, Q_USER_LIST, "user_list", sizeof **out,
                               store_read_user, &rows, count);
    if (st == GH_OK)
        *out = rows;
    return st;
}

static gh_status_t user_remove(store_t *base, const char *username)
{
    return sq_exec_one(SELF(base), Q_USER_REMOVE, "user_remove", "s", username);
}

static gh_status_t user_set_password(store_t *base, const char *username, const char *hash)
{
    return sq_exec_one(SELF(base), Q_USER_SET_PASSWORD, "user_set_password", "ss", hash, username);
}

/* store_user_end_all's statements, in order; each takes sub, the first also
 * the time until which the grants' families stay denied. */
static const struct {
    query_t id;
    const char *fmt;
} USER_END[] = {
    {Q_USER_END_DENY, "si"}, {Q_USER_END_REFRESH, "s"}, {Q_USER_END_SESSIONS, "s"},
    {Q_USER_END_CODES, "s"}, {Q_USER_END_DEVICES, "s"},
};

static gh_status_t user_end_all(store_t *base, const char *sub, int64_t now, int64_t revoke_until)
{
    sqlite_store_t *s = SELF(base);
    sq_purge(s, now);
    gh_status_t st = sq_begin(s, "user_end_all");
    if (st != GH_OK)
        return st;
    for (size_t i = 0; st == GH_OK && i < sizeof USER_END / sizeof USER_END[0]; i++)
        st = sq_exec(s, USER_END[i].id, "user_end_all", USER_END[i].fmt, sub, revoke_until);
    gh_status_t end = sq_finish(s, "user_end_all", st == GH_OK);
    return st != GH_OK ? st : end;
}

/* ---- clients ---- */

static gh_status_t client_add(store_t *base, const store_client_t *c)
{
    arena_t *a = NULL;
    const char *uris = NULL, *logout_uris = NULL;
    gh_status_t st = store_client_uris_join(c, &a, &uris, &logout_uris);
    if (st == GH_OK)
        st = sq_exec(SELF(base), Q_CLIENT_ADD, "client_add", "ssssssiii", c->id, c->secret_digest,
                     c->name, uris, logout_uris, c->scope, (int64_t)c->grants,
                     (int64_t)c->is_public, c->created_at);
    arena_free(a);
    return st;
}

static gh_status_t client_get(store_t *base, arena_t *a, const char *id, store_client_t *out)
{
    return sq_get(SELF(base), Q_CLIENT_GET, "client_get", store_read_client, a, out, "s", id);
}

static gh_status_t client_list(store_t *base, arena_t *a, store_client_t **out, size_t *count)
{
    void *rows = NULL;
    gh_status_t st = list_rows(SELF(base), a, Q_CLIENT_LIST, "client_list", sizeof **out,
                               store_read_client, &rows, count);
    if (st == GH_OK)
        *out = rows;
    return st;
}

static gh_status_t client_remove(store_t *base, const char *id)
{
    return sq_exec_one(SELF(base), Q_CLIENT_REMOVE, "client_remove", "s", id);
}

/* ---- consents ---- */

static gh_status_t consent_get(store_t *base, arena_t *a, const char *sub, const char *client_id,
                               const char **scope)
{
    return sq_get(SELF(base), Q_CONSENT_GET, "consent_get", store_read_text, a, scope, "ss", sub,
                  client_id);
}

static gh_status_t consent_put(store_t *base, const char *sub, const char *client_id,
                               const char *scope, int64_t now)
{
    return sq_exec(SELF(base), Q_CONSENT_PUT, "consent_put", "sssi", sub, client_id, scope, now);
}

/* ---- sessions ---- */

static gh_status_t session_put(store_t *base, const store_session_t *sess)
{
    return sq_exec(SELF(base), Q_SESSION_PUT, "session_put", "ssii", sess->digest, sess->sub,
                   sess->auth_time, sess->expires_at);
}

static gh_status_t session_get(store_t *base, arena_t *a, const char *digest, int64_t now,
                               store_session_t *out)
{
    return sq_get(SELF(base), Q_SESSION_GET, "session_get", store_read_session, a, out, "si",
                  digest, now);
}

static gh_status_t session_delete(store_t *base, const char *digest)
{
    return sq_exec_one(SELF(base), Q_SESSION_DELETE, "session_delete", "s", digest);
}

/* ---- codes ---- */

static gh_status_t code_put(store_t *base, const store_code_t *c)
{
    return sq_exec(SELF(base), Q_CODE_PUT, "code_put", "sssssssssii", c->digest, c->client_id,
                   c->redirect_uri, c->scope, c->sub, c->nonce, c->code_challenge,
                   c->session_digest, c->family, c->auth_time, c->expires_at);
}

/* Inside code_take's transaction: marks a found code used, unless it was. */
static gh_status_t code_redeem(sqlite_store_t *s, arena_t *a, store_code_row_t *r, int64_t now,
                               const char *family)
{
    if (r->used)
        return GH_ERR_CONFLICT;
    if (r->code.expires_at <= now)
        return GH_ERR_NOT_FOUND;
    r->code.family = arena_strdup(a, family);
    if (family && !r->code.family)
        return GH_ERR_NOMEM;
    return sq_exec(s, Q_CODE_USE, "code_take", "iss", now, family, r->code.digest);
}

static gh_status_t code_take(store_t *base, arena_t *a, const char *digest, const char *client_id,
                             int64_t now, const char *family, store_code_t *out)
{
    sqlite_store_t *s = SELF(base);
    store_code_row_t r = {0};
    sq_purge(s, now);
    gh_status_t st = sq_begin(s, "code_take");
    if (st != GH_OK)
        return st;
    st = sq_get(s, Q_CODE_FIND, "code_take", store_read_code_row, a, &r, "ss", digest, client_id);
    if (st == GH_OK)
        st = code_redeem(s, a, &r, now, family);
    gh_status_t end = sq_finish(s, "code_take", st == GH_OK);
    if (end != GH_OK)
        return end;
    if (st == GH_OK || st == GH_ERR_CONFLICT)
        *out = r.code;
    return st;
}

/* ---- refresh tokens ---- */

static gh_status_t insert_refresh(sqlite_store_t *s, const char *op, const store_refresh_t *r)
{
    return sq_exec(s, Q_REFRESH_PUT, op, "sssssiii", r->digest, r->family, r->client_id, r->sub,
                   r->scope, r->auth_time, r->issued_at, r->expires_at);
}

static gh_status_t refresh_put(store_t *base, const store_refresh_t *r)
{
    gh_status_t st =
        sq_exec_one(SELF(base), Q_REFRESH_START, "refresh_put", "sssssiii", r->digest, r->family,
                    r->client_id, r->sub, r->scope, r->auth_time, r->issued_at, r->expires_at);
    return st == GH_ERR_NOT_FOUND ? GH_ERR_CONFLICT : st;
}

static gh_status_t refresh_get(store_t *base, arena_t *a, const char *digest, int64_t now,
                               store_refresh_t *out)
{
    return sq_get(SELF(base), Q_REFRESH_GET, "refresh_get", store_read_refresh, a, out, "si",
                  digest, now);
}

/* Inside refresh_rotate's transaction: a reused token revokes its family
 * (RFC 9700 §4.14.2); a live one is marked used and its successor inserted. */
static gh_status_t rotate_found(sqlite_store_t *s, const store_refresh_row_t *r, int64_t now,
                                const store_refresh_t *next)
{
    const store_refresh_t *old = &r->token;
    if (r->revoked)
        return GH_ERR_NOT_FOUND;
    if (r->used) {
        gh_status_t st = sq_exec(s, Q_REFRESH_REVOKE_FAMILY, "refresh_rotate", "s", old->family);
        return st == GH_OK ? GH_ERR_CONFLICT : st;
    }
    if (old->expires_at <= now)
        return GH_ERR_NOT_FOUND;
    gh_status_t st = sq_exec(s, Q_REFRESH_USE, "refresh_rotate", "is", now, old->digest);
    if (st != GH_OK)
        return st;
    store_refresh_t successor = *old;
    successor.digest = next->digest;
    successor.issued_at = next->issued_at;
    successor.expires_at = next->expires_at;
    return insert_refresh(s, "refresh_rotate", &successor);
}

static gh_status_t refresh_rotate(store_t *base, arena_t *a, const char *old_digest,
                                  const char *client_id, int64_t now, int64_t grace,
                                  const store_refresh_t *next, store_refresh_t *old)
{
    sqlite_store_t *s = SELF(base);
    store_refresh_row_t r = {0};
    sq_purge(s, now);
    gh_status_t st = sq_begin(s, "refresh_rotate");
    if (st != GH_OK)
        return st;
    st = sq_get(s, Q_REFRESH_FIND, "refresh_rotate", store_read_refresh_row, a, &r, "ssii",
                old_digest, client_id, now, grace);
    if (st == GH_OK)
        st = rotate_found(s, &r, now, next);
    /* A reuse commits the family's revocation. */
    gh_status_t end = sq_finish(s, "refresh_rotate", st == GH_OK || st == GH_ERR_CONFLICT);
    if (end != GH_OK)
        return end;
    if (st == GH_OK || st == GH_ERR_CONFLICT)
        *old = r.token;
    return st;
}

static gh_status_t refresh_revoke_family(store_t *base, const char *family)
{
    return sq_exec(SELF(base), Q_REFRESH_REVOKE_FAMILY, "refresh_revoke_family", "s", family);
}

/* ---- signing keys ---- */

static gh_status_t key_add(store_t *base, const store_key_t *k)
{
    return sq_exec(SELF(base), Q_KEY_ADD, "key_add", "sssiii", k->kid, k->alg, k->private_jwk,
                   k->created_at, k->retire_at, k->activate_at);
}

static gh_status_t key_list(store_t *base, arena_t *a, store_key_t **out, size_t *count)
{
    void *rows = NULL;
    gh_status_t st = list_rows(SELF(base), a, Q_KEY_LIST, "key_list", sizeof **out, store_read_key,
                               &rows, count);
    if (st == GH_OK)
        *out = rows;
    return st;
}

static gh_status_t key_retire_others(store_t *base, const char *keep_kid, const char *alg,
                                     int64_t now, int64_t retire_at)
{
    return sq_exec(SELF(base), Q_KEY_RETIRE_OTHERS, "key_retire_others", "issi", retire_at,
                   keep_kid, alg, now);
}

static gh_status_t key_prune(store_t *base, int64_t now)
{
    return sq_exec(SELF(base), Q_KEY_PRUNE, "key_prune", "i", now);
}

/* ---- settings ---- */

static gh_status_t setting_get(store_t *base, arena_t *a, const char *name, const char **value)
{
    return sq_get(SELF(base), Q_SETTING_GET, "setting_get", store_read_text, a, value, "s", name);
}

static gh_status_t setting_init(store_t *base, arena_t *a, const char *name, const char *value,
                                const char **value_out)
{
    gh_status_t st = sq_exec(SELF(base), Q_SETTING_INIT, "setting_init", "ss", name, value);
    return st == GH_OK ? setting_get(base, a, name, value_out) : st;
}

/* ---- revoked access tokens ---- */

static gh_status_t jti_revoke(store_t *base, const char *jti, int64_t expires_at, int64_t now)
{
    sqlite_store_t *s = SELF(base);
    sq_purge(s, now);
    return sq_exec(s, Q_JTI_REVOKE, "jti_revoke", "si", jti, expires_at);
}

static gh_status_t jti_is_revoked(store_t *base, const char *jti, const char *family, int64_t now,
                                  bool *revoked)
{
    sq_t q = {0};
    gh_status_t st = sq_query(SELF(base), Q_JTI_GET, "jti_is_revoked", &q, "ssi", jti,
                              family ? family : jti, now);
    sq_end(&q);
    if (st != GH_OK && st != GH_ERR_NOT_FOUND)
        return st;
    *revoked = st == GH_OK;
    return GH_OK;
}

/* ---- attempts: failure counters ---- */

static gh_status_t attempts_get(store_t *base, const char *key, store_attempts_t *out)
{
    return sq_get(SELF(base), Q_ATTEMPTS_GET, "attempts_get", store_read_attempts, NULL, out, "s",
                  key);
}

static gh_status_t attempts_fail(store_t *base, const char *key, int64_t now, int64_t window,
                                 store_attempts_t *out)
{
    sq_purge(SELF(base), now);
    return sq_get(SELF(base), Q_ATTEMPTS_FAIL, "attempts_fail", store_read_attempts, NULL, out,
                  "sii", key, now, window);
}

static gh_status_t attempts_succeed(store_t *base, const char *key, int64_t now)
{
    return sq_exec(SELF(base), Q_ATTEMPTS_SUCCEED, "attempts_succeed", "si", key, now);
}

static gh_status_t attempts_forgive(store_t *base, const char *key)
{
    return sq_exec(SELF(base), Q_ATTEMPTS_FORGIVE, "attempts_forgive", "s", key);
}

/* ---- device authorizations (RFC 8628) ---- */

static gh_status_t device_put(store_t *base, const store_device_t *d)
{
    return sq_exec(SELF(base), Q_DEVICE_PUT, "device_put", "ssssii", d->digest, d->user_code_digest,
                   d->client_id, d->scope, d->interval, d->expires_at);
}

static gh_status_t device_find(store_t *base, arena_t *a, const char *user_code_digest, int64_t now,
                               store_device_t *out)
{
    return sq_get(SELF(base), Q_DEVICE_FIND, "device_find", store_read_device, a, out, "si",
                  user_code_digest, now);
}

static gh_status_t device_decide(store_t *base, const char *user_code_digest, int64_t now,
                                 bool approve, const char *sub, int64_t auth_time)
{
    sqlite_store_t *s = SELF(base);
    int64_t state = 0;
    gh_status_t st = sq_begin(s, "device_decide");
    if (st != GH_OK)
        return st;
    st = sq_get(s, Q_DEVICE_STATE, "device_decide", store_read_int, NULL, &state, "si",
                user_code_digest, now);
    if (st == GH_OK && state != STORE_DEVICE_PENDING)
        st = GH_ERR_CONFLICT;
    if (st == GH_OK)
        st = sq_exec(s, Q_DEVICE_DECIDE, "device_decide", "isis",
                     (int64_t)(approve ? STORE_DEVICE_APPROVED : STORE_DEVICE_DENIED), sub,
                     auth_time, user_code_digest);
    gh_status_t end = sq_finish(s, "device_decide", st == GH_OK);
    return end != GH_OK ? end : st;
}

static gh_status_t device_poll(store_t *base, arena_t *a, const char *digest, const char *client_id,
                               int64_t now, store_device_t *out, bool *slow_down)
{
    sqlite_store_t *s = SELF(base);
    store_device_t d;
    bool slow = false;
    sq_purge(s, now);
    gh_status_t st = sq_begin(s, "device_poll");
    if (st != GH_OK)
        return st;
    st = sq_get(s, Q_DEVICE_FIND_POLL, "device_poll", store_read_device, a, &d, "ss", digest,
                client_id);
    if (st == GH_OK) {
        slow = store_device_polled(&d, now);
        st = sq_exec(s, Q_DEVICE_POLLED, "device_poll", "iis", d.interval, now, digest);
    }
    gh_status_t end = sq_finish(s, "device_poll", st == GH_OK);
    if (end != GH_OK)
        return end;
    if (st == GH_OK) {
        *out = d;
        *slow_down = slow;
    }
    return st;
}

static gh_status_t device_redeem(store_t *base, const char *digest)
{
    gh_status_t st = sq_exec_one(SELF(base), Q_DEVICE_REDEEM, "device_redeem", "s", digest);
    return st == GH_ERR_NOT_FOUND ? GH_ERR_CONFLICT : st;
}

/* ---- readiness ---- */

/* Reads the schema inside BEGIN IMMEDIATE, so a database another process
 * holds locked is not ready (WAL readers would not notice the lock). */
static gh_status_t ping(store_t *base)
{
    sqlite_store_t *s = SELF(base);
    int64_t n = 0;
    gh_status_t st = sq_begin(s, "ping");
    if (st == GH_OK)
        st = sq_get(s, Q_PING, "ping", store_read_int, NULL, &n, "");
    gh_status_t end = sq_finish(s, "ping", false);
    return st != GH_OK ? st : end;
}

static void read_begin(store_t *base)
{
    sq_read_begin(SELF(base));
}

static void read_end(store_t *base)
{
    sq_read_end(SELF(base));
}

const store_ops_t STORE_SQLITE_OPS = {
    .name = "sqlite",
    .close = sqlite_close,
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
    .gw_state_put = sq_gw_state_put,
    .gw_state_take = sq_gw_state_take,
    .gw_user_login = sq_gw_user_login,
    .gw_user_get = sq_gw_user_get,
    .gw_user_set_tokens = sq_gw_user_set_tokens,
    .gw_user_delete = sq_gw_user_delete,
    .gw_refresh_rotate = sq_gw_refresh_rotate,
    .gw_refresh_delete = sq_gw_refresh_delete,
    .read_begin = read_begin,
    .read_end = read_end,
    .ping = ping,
};
