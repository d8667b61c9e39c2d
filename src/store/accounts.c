/* The accounts store: members (users), their password hashes, and ending
 * everything a member holds when a credential changes (accounts.h). Removing
 * a member cascades through foreign keys to its sessions, consents and
 * tokens. */
#include "store/db.h"

#define USER_COLS "sub, username, password_hash, email, nickname, name, created_at"

static store_sql_t SQL_ADD =
    STORE_SQL("INSERT INTO users (" USER_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?)");
static store_sql_t SQL_GET = STORE_SQL("SELECT " USER_COLS " FROM users WHERE sub = ?");
static store_sql_t SQL_FIND = STORE_SQL("SELECT " USER_COLS " FROM users WHERE username = ?");
static store_sql_t SQL_LIST = STORE_SQL("SELECT " USER_COLS " FROM users ORDER BY username");
/* ?1 sub, ?2 jti, ?3 family, ?4 now: two seeks in the denylist, as
 * grants.c's lookup does */
static store_sql_t SQL_FOR_TOKEN =
    STORE_SQL("SELECT " USER_COLS ", "
              "EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?2 AND expires_at > ?4) "
              "OR EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?3 AND expires_at > ?4) "
              "FROM users WHERE sub = ?1");
static store_sql_t SQL_REMOVE = STORE_SQL("DELETE FROM users WHERE username = ?");
static store_sql_t SQL_SET_PASSWORD =
    STORE_SQL("UPDATE users SET password_hash = ? WHERE username = ?");

/* store_user_end_all, in order: ?1 sub, ?2 until when the grants' families
 * stay denied */
static store_sql_t SQL_END_DENY =
    STORE_SQL("INSERT INTO revoked_tokens (jti, expires_at) "
              "SELECT family, ?2 FROM refresh_tokens WHERE sub = ?1 "
              "UNION SELECT family, ?2 FROM codes WHERE sub = ?1 AND family IS NOT NULL "
              "ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at "
              "WHERE revoked_tokens.expires_at < excluded.expires_at");
static store_sql_t SQL_END_REFRESH =
    STORE_SQL("UPDATE refresh_tokens SET revoked = 1 WHERE sub = ?1");
static store_sql_t SQL_END_SESSIONS = STORE_SQL("DELETE FROM sessions WHERE sub = ?1");
static store_sql_t SQL_END_CODES =
    STORE_SQL("DELETE FROM codes WHERE sub = ?1 AND used_at IS NULL");
static store_sql_t SQL_END_DEVICES =
    STORE_SQL("UPDATE device_codes SET state = 2 WHERE sub = ?1 AND state = 1");

/* store_user_t: the columns of USER_COLS */
gh_status_t store_read_user(store_row_t *r, arena_t *a, void *row)
{
    store_user_t u = {0};
    u.sub = store_row_text(r, a);
    u.username = store_row_text(r, a);
    u.password_hash = store_row_text(r, a);
    u.email = store_row_text(r, a);
    u.nickname = store_row_text(r, a);
    u.name = store_row_text(r, a);
    u.created_at = store_row_int(r);
    return store_row_done(r, &u, sizeof u, row);
}

/* A user and whether the token presented for it is revoked. */
typedef struct {
    store_user_t user;
    bool revoked;
} user_token_t;

static gh_status_t read_user_token(store_row_t *r, arena_t *a, void *row)
{
    user_token_t *t = row;
    gh_status_t st = store_read_user(r, a, &t->user);
    if (st == GH_OK)
        t->revoked = store_row_int(r) != 0;
    return st;
}

gh_status_t store_user_add(store_t *s, const store_user_t *u)
{
    return db_exec(s, &SQL_ADD, "user_add", "ssssssi", u->sub, u->username, u->password_hash,
                   u->email, u->nickname, u->name, u->created_at);
}

gh_status_t store_user_get(store_t *s, arena_t *a, const char *sub, store_user_t *out)
{
    return db_get(s, &SQL_GET, "user_get", store_read_user, a, out, "s", sub);
}

gh_status_t store_user_find(store_t *s, arena_t *a, const char *username, store_user_t *out)
{
    return db_get(s, &SQL_FIND, "user_find", store_read_user, a, out, "s", username);
}

gh_status_t store_user_list(store_t *s, arena_t *a, store_user_t **out, size_t *count)
{
    return db_list(s, &SQL_LIST, "user_list", store_read_user, a, sizeof **out, (void **)out, count,
                   "");
}

gh_status_t store_user_for_token(store_t *s, arena_t *a, const char *sub, const char *jti,
                                 const char *family, int64_t now, store_user_t *out, bool *revoked)
{
    user_token_t t;
    gh_status_t st = db_get(s, &SQL_FOR_TOKEN, "user_for_token", read_user_token, a, &t, "sssi",
                            sub, jti, family ? family : jti, now);
    if (st == GH_OK) {
        *out = t.user;
        *revoked = t.revoked;
    }
    return st;
}

gh_status_t store_user_remove(store_t *s, const char *username)
{
    return db_exec_one(s, &SQL_REMOVE, "user_remove", "s", username);
}

gh_status_t store_user_set_password(store_t *s, const char *username, const char *hash)
{
    return db_exec_one(s, &SQL_SET_PASSWORD, "user_set_password", "ss", hash, username);
}

gh_status_t store_user_end_all(store_t *s, const char *sub, int64_t now, int64_t revoke_until)
{
    store_sql_t *const steps[] = {&SQL_END_DENY, &SQL_END_REFRESH, &SQL_END_SESSIONS,
                                  &SQL_END_CODES, &SQL_END_DEVICES};
    store_purge(s, now);
    gh_status_t st = db_begin(s, "user_end_all");
    if (st != GH_OK)
        return st;
    for (size_t i = 0; st == GH_OK && i < sizeof steps / sizeof steps[0]; i++)
        st = i == 0 ? db_exec(s, steps[i], "user_end_all", "si", sub, revoke_until)
                    : db_exec(s, steps[i], "user_end_all", "s", sub);
    gh_status_t end = db_finish(s, "user_end_all", st == GH_OK);
    return st != GH_OK ? st : end;
}
