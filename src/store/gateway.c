/* The social-login gateway's store (gateway.h, seed 002): login states, the
 * gateway's users and their refresh records. As for codes and refresh
 * tokens (grants.c), each single-use step is atomic on either engine:
 *
 *   - store_gw_state_take is `UPDATE … WHERE used_at IS NULL … RETURNING`;
 *     only when it touched nothing is the row read again, to tell a used
 *     state (CONFLICT) from an unknown or expired one.
 *   - store_gw_refresh_rotate marks the old record used and inserts its
 *     successor together (one statement on PostgreSQL, one write transaction
 *     on SQLite); a concurrent caller within the grace period passes the same
 *     WHERE clause once the first commits and gets a successor too; any later
 *     reuse finds the record used and deletes every refresh record of its
 *     user.
 *   - store_gw_user_login upserts the user and inserts its first refresh
 *     record together, so both commit or neither does. */
#include "store/db.h"

#define GW_USER_COLS                                                                               \
    "id, platform, platform_user_id, email, name, profile, tokens, created_at, updated_at"
#define GW_USER_UPSERT                                                                             \
    "INSERT INTO gateway_users (" GW_USER_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "    \
    "ON CONFLICT (platform, platform_user_id) DO UPDATE SET email = excluded.email, "              \
    "name = excluded.name, profile = excluded.profile, tokens = excluded.tokens, "                 \
    "updated_at = excluded.updated_at RETURNING id"
/* ?1 digest, ?2 now, ?3 grace: the record when it is live (or was used less
 * than the grace ago), marked used at its first use's time */
#define GW_REFRESH_USE                                                                             \
    "UPDATE gateway_refresh SET used_at = COALESCE(used_at, ?2) WHERE digest = ?1 "                \
    "AND expires_at > ?2 AND (used_at IS NULL OR used_at > ?2 - ?3) RETURNING user_id"

static store_sql_t SQL_STATE_PUT =
    STORE_SQL("INSERT INTO gateway_states (digest, platform, nonce, expires_at, binding) "
              "VALUES (?, ?, ?, ?, ?)");
static store_sql_t SQL_STATE_TAKE =
    STORE_SQL("UPDATE gateway_states SET used_at = ?2 WHERE digest = ?1 AND used_at IS NULL "
              "AND expires_at > ?2 RETURNING digest, platform, nonce, expires_at, binding");
static store_sql_t SQL_STATE_USED =
    STORE_SQL("SELECT used_at IS NOT NULL FROM gateway_states WHERE digest = ?");
static store_sql_t SQL_USER_UPSERT = STORE_SQL(GW_USER_UPSERT);
static store_sql_t SQL_USER_LOGIN = STORE_SQL(
    "WITH u AS (" GW_USER_UPSERT "), "
    "r AS (INSERT INTO gateway_refresh (digest, user_id, expires_at) SELECT ?10, id, ?11 FROM u) "
    "SELECT id FROM u");
static store_sql_t SQL_USER_GET =
    STORE_SQL("SELECT " GW_USER_COLS " FROM gateway_users WHERE id = ?");
static store_sql_t SQL_USER_SET_TOKENS =
    STORE_SQL("UPDATE gateway_users SET tokens = ?, updated_at = ? WHERE id = ?");
static store_sql_t SQL_USER_DELETE = STORE_SQL("DELETE FROM gateway_users WHERE id = ?");
static store_sql_t SQL_REFRESH_PUT =
    STORE_SQL("INSERT INTO gateway_refresh (digest, user_id, expires_at) VALUES (?, ?, ?)");
static store_sql_t SQL_REFRESH_USE = STORE_SQL(GW_REFRESH_USE);
/* ?4 successor's digest, ?5 its expiry */
static store_sql_t SQL_REFRESH_ROTATE =
    STORE_SQL("WITH old AS (" GW_REFRESH_USE "), "
              "successor AS (INSERT INTO gateway_refresh (digest, user_id, expires_at) "
              "SELECT ?4, user_id, ?5 FROM old) SELECT user_id FROM old");
static store_sql_t SQL_REFRESH_USED =
    STORE_SQL("SELECT user_id, used_at IS NOT NULL FROM gateway_refresh WHERE digest = ?");
static store_sql_t SQL_REFRESH_DELETE = STORE_SQL("DELETE FROM gateway_refresh WHERE digest = ?");
static store_sql_t SQL_REFRESH_DELETE_USER =
    STORE_SQL("DELETE FROM gateway_refresh WHERE user_id = ?");

/* store_gw_state_t: digest, platform, nonce, expires_at, binding */
static gh_status_t read_state(store_row_t *r, arena_t *a, void *row)
{
    store_gw_state_t g = {0};
    g.digest = store_row_text(r, a);
    g.platform = store_row_text(r, a);
    g.nonce = store_row_text(r, a);
    g.expires_at = store_row_int(r);
    g.binding = store_row_text(r, a);
    return store_row_done(r, &g, sizeof g, row);
}

/* store_gw_user_t: the columns of GW_USER_COLS */
static gh_status_t read_user(store_row_t *r, arena_t *a, void *row)
{
    store_gw_user_t u = {0};
    u.id = store_row_text(r, a);
    u.platform = store_row_text(r, a);
    u.platform_user_id = store_row_text(r, a);
    u.email = store_row_text(r, a);
    u.name = store_row_text(r, a);
    u.profile = store_row_text(r, a);
    u.tokens = store_row_text(r, a);
    u.created_at = store_row_int(r);
    u.updated_at = store_row_int(r);
    return store_row_done(r, &u, sizeof u, row);
}

/* A refresh record's user and whether it was used. */
typedef struct {
    const char *user_id;
    bool used;
} refresh_used_t;

static gh_status_t read_refresh_used(store_row_t *r, arena_t *a, void *row)
{
    refresh_used_t g = {0};
    g.user_id = store_row_text(r, a);
    g.used = store_row_int(r) != 0;
    return store_row_done(r, &g, sizeof g, row);
}

gh_status_t store_gw_state_put(store_t *s, const store_gw_state_t *g)
{
    return db_exec(s, &SQL_STATE_PUT, "gw_state_put", "sssis", g->digest, g->platform, g->nonce,
                   g->expires_at, g->binding);
}

gh_status_t store_gw_state_take(store_t *s, arena_t *a, const char *digest, int64_t now,
                                store_gw_state_t *out)
{
    store_gw_state_t g = {0};
    bool used = false;
    store_purge(s, now);
    gh_status_t st =
        db_get(s, &SQL_STATE_TAKE, "gw_state_take", read_state, a, &g, "si", digest, now);
    if (st == GH_OK)
        *out = g;
    if (st != GH_ERR_NOT_FOUND)
        return st;
    /* nothing taken: a used state is a replay, anything else unknown */
    st = db_get(s, &SQL_STATE_USED, "gw_state_take", store_read_bool, NULL, &used, "s", digest);
    if (st != GH_OK)
        return st;
    return used ? GH_ERR_CONFLICT : GH_ERR_NOT_FOUND;
}

gh_status_t store_gw_user_login(store_t *s, arena_t *a, const store_gw_user_t *u,
                                const store_gw_refresh_t *r, const char **user_id)
{
    const char *op = "gw_user_login", *id = NULL;
    if (db_dialect(s)->writable_cte)
        return db_get(s, &SQL_USER_LOGIN, op, store_read_text, a, user_id, "sssssssiisi", u->id,
                      u->platform, u->platform_user_id, u->email, u->name, u->profile, u->tokens,
                      u->created_at, u->updated_at, r->digest, r->expires_at);
    gh_status_t st = db_begin(s, op);
    if (st != GH_OK)
        return st;
    st = db_get(s, &SQL_USER_UPSERT, op, store_read_text, a, &id, "sssssssii", u->id, u->platform,
                u->platform_user_id, u->email, u->name, u->profile, u->tokens, u->created_at,
                u->updated_at);
    if (st == GH_OK)
        st = db_exec(s, &SQL_REFRESH_PUT, op, "ssi", r->digest, id, r->expires_at);
    gh_status_t end = db_finish(s, op, st == GH_OK);
    if (st == GH_OK && end == GH_OK)
        *user_id = id;
    return st != GH_OK ? st : end;
}

gh_status_t store_gw_user_get(store_t *s, arena_t *a, const char *id, store_gw_user_t *out)
{
    return db_get(s, &SQL_USER_GET, "gw_user_get", read_user, a, out, "s", id);
}

gh_status_t store_gw_user_set_tokens(store_t *s, const char *id, const char *tokens, int64_t now)
{
    return db_exec_one(s, &SQL_USER_SET_TOKENS, "gw_user_set_tokens", "sis", tokens, now, id);
}

gh_status_t store_gw_user_delete(store_t *s, const char *id)
{
    return db_exec_one(s, &SQL_USER_DELETE, "gw_user_delete", "s", id);
}

/* Marks a live record used (or finds it used within the grace) and inserts
 * its successor, as one; *user_id gets its user. NOT_FOUND when it was not
 * live. */
static gh_status_t rotate_live(store_t *s, arena_t *a, const char *digest, int64_t now,
                               int64_t grace, const store_gw_refresh_t *next, const char **user_id)
{
    const char *op = "gw_refresh_rotate";
    if (db_dialect(s)->writable_cte)
        return db_get(s, &SQL_REFRESH_ROTATE, op, store_read_text, a, user_id, "siisi", digest, now,
                      grace, next->digest, next->expires_at);
    gh_status_t st = db_begin(s, op);
    if (st != GH_OK)
        return st;
    st = db_get(s, &SQL_REFRESH_USE, op, store_read_text, a, user_id, "sii", digest, now, grace);
    if (st == GH_OK)
        st = db_exec(s, &SQL_REFRESH_PUT, op, "ssi", next->digest, *user_id, next->expires_at);
    gh_status_t end = db_finish(s, op, st == GH_OK);
    return st != GH_OK ? st : end;
}

/* After a rotation found no live record: one already used is being reused,
 * so every refresh record of its user is deleted and the answer is
 * CONFLICT; unknown or expired is NOT_FOUND. */
static gh_status_t refresh_reused(store_t *s, arena_t *a, const char *digest)
{
    refresh_used_t r = {0};
    gh_status_t st =
        db_get(s, &SQL_REFRESH_USED, "gw_refresh_rotate", read_refresh_used, a, &r, "s", digest);
    if (st != GH_OK)
        return st;
    if (!r.used)
        return GH_ERR_NOT_FOUND;
    st = db_exec(s, &SQL_REFRESH_DELETE_USER, "gw_refresh_rotate", "s", r.user_id);
    return st == GH_OK ? GH_ERR_CONFLICT : st;
}

gh_status_t store_gw_refresh_rotate(store_t *s, arena_t *a, const char *old_digest, int64_t now,
                                    int64_t grace, const store_gw_refresh_t *next,
                                    const char **user_id)
{
    const char *id = NULL;
    store_purge(s, now);
    gh_status_t st = rotate_live(s, a, old_digest, now, grace, next, &id);
    if (st == GH_ERR_NOT_FOUND)
        return refresh_reused(s, a, old_digest);
    if (st == GH_OK)
        *user_id = id;
    return st;
}

gh_status_t store_gw_refresh_delete(store_t *s, const char *digest)
{
    return db_exec(s, &SQL_REFRESH_DELETE, "gw_refresh_delete", "s", digest);
}
