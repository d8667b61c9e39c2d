/* The accounts store: members (users), their password hashes, and ending
 * everything a member holds when a credential changes (accounts.h). Removing
 * a member cascades through foreign keys to its sessions, consents and
 * tokens. */
#include <string.h>

#include "store/cache.h"
#include "store/db.h"

#define USER_COLS                                                                                  \
    "sub, username, password_hash, email, nickname, name, created_at, disabled_at, "               \
    "email_verified, "                                                                             \
    "is_admin, attributes, member_groups"

static store_sql_t SQL_ADD =
    STORE_SQL("INSERT INTO users (" USER_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
static store_sql_t SQL_GET = STORE_SQL("SELECT " USER_COLS " FROM users WHERE sub = ?");
static store_sql_t SQL_FIND = STORE_SQL("SELECT " USER_COLS " FROM users WHERE username = ?");
static store_sql_t SQL_BY_EMAIL = STORE_SQL(
    "SELECT " USER_COLS " FROM users WHERE lower(email) = lower(?) ORDER BY created_at LIMIT 10");
static store_sql_t SQL_CONFIRM_EMAIL =
    STORE_SQL("UPDATE users SET email = ?2, email_verified = 1 WHERE sub = ?1 AND "
              "(?3 = 0 OR lower(email) = lower(?2))");
static store_sql_t SQL_LIST = STORE_SQL("SELECT " USER_COLS " FROM users ORDER BY username");
/* ?1 sub, ?2 jti, ?3 family, ?4 now, ?5 client id: two seeks in the
 * denylist, as grants.c's lookup does; the member and the client in derived
 * tables, so that their columns keep their own names (both have a
 * created_at and a name); no such client gives its columns NULL */
static store_sql_t SQL_FOR_TOKEN =
    STORE_SQL("SELECT u.*, "
              "EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?2 AND expires_at > ?4) "
              "OR EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?3 AND expires_at > ?4), c.* "
              "FROM (SELECT " USER_COLS " FROM users WHERE sub = ?1) u "
              "LEFT JOIN (SELECT " STORE_CLIENT_COLS " FROM clients WHERE id = ?5) c ON 1 = 1");
static store_sql_t SQL_REMOVE = STORE_SQL("DELETE FROM users WHERE username = ?");
/* ?1 after this username, ?2 a LIKE pattern ('%' for all), ?3 at most this many */
static store_sql_t SQL_PAGE = STORE_SQL(
    "SELECT " USER_COLS " FROM users WHERE username > ?1 AND (lower(username) LIKE ?2 ESCAPE '\\' "
    "OR lower(coalesce(email, '')) LIKE ?2 ESCAPE '\\' "
    "OR lower(coalesce(name, '')) LIKE ?2 ESCAPE '\\') ORDER BY username LIMIT ?3");
static store_sql_t SQL_UPDATE =
    STORE_SQL("UPDATE users SET username = ?, email = ?, email_verified = ?, nickname = ?, "
              "name = ?, is_admin = ?, attributes = ?, member_groups = ? WHERE sub = ?");
static store_sql_t SQL_SET_DISABLED = STORE_SQL("UPDATE users SET disabled_at = ? WHERE sub = ?");
static store_sql_t SQL_SET_PASSWORD =
    STORE_SQL("UPDATE users SET password_hash = ? WHERE username = ?");

/* store_user_end_all's part beside the grants (store_grants_end): ?1 sub,
 * ?2 the session kept ('' for none) */
static store_sql_t SQL_END_SESSIONS =
    STORE_SQL("DELETE FROM sessions WHERE sub = ?1 AND digest <> ?2");
static store_sql_t SQL_SET_PROFILE =
    STORE_SQL("UPDATE users SET nickname = ?, name = ? WHERE sub = ?");
/* a member's grants by client: its consent and its live refresh families */
static store_sql_t SQL_GRANTS = STORE_SQL(
    "SELECT client_id, max(scope), max(consented_at), max(families), max(expires_at) FROM ("
    "SELECT client_id, scope, updated_at AS consented_at, 0 AS families, 0 AS expires_at "
    "FROM consents WHERE sub = ?1 UNION ALL "
    "SELECT client_id, NULL, 0, count(DISTINCT family), max(expires_at) FROM refresh_tokens "
    "WHERE sub = ?1 AND revoked = 0 AND used_at IS NULL AND expires_at > ?2 GROUP BY client_id"
    ") g GROUP BY client_id ORDER BY client_id");

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
    u.disabled_at = store_row_int(r);
    u.email_verified = store_row_int(r) != 0;
    u.is_admin = store_row_int(r) != 0;
    u.attributes = store_row_text(r, a);
    u.groups = store_row_text(r, a);
    return store_row_done(r, &u, sizeof u, row);
}

/* A user, whether the token presented for it is revoked, and its client. */
typedef struct {
    store_user_t user;
    bool revoked;
    store_client_t client;
    store_cache_t *cache; /* where the member and the client are kept; NULL: nowhere */
    uint64_t generation;  /* the cache's before the read */
} user_token_t;

/* The member, the revocation and the client, the member and the client
 * also kept in memory (cache.h). */
static gh_status_t read_user_token(store_row_t *r, arena_t *a, void *row)
{
    user_token_t *t = row;
    cache_tape_t tape;
    gh_status_t st = store_read_user(cache_tape_start(&tape, r, t->cache), a, &t->user);
    cache_tape_keep(t->cache, CACHE_MEMBERS, t->user.sub, t->generation, &tape, st == GH_OK);
    if (st != GH_OK)
        return st;
    t->revoked = store_row_int(r) != 0;
    st = store_read_client(cache_tape_start(&tape, r, t->cache), a, &t->client);
    cache_tape_keep(t->cache, CACHE_CLIENTS, t->client.id, t->generation, &tape, st == GH_OK);
    return st;
}

/* store_user_for_token from memory: true when the member and the client
 * were both there. */
static bool for_token_remembered(store_cache_t *m, arena_t *a, const char *sub, const char *jti,
                                 const char *family, const char *client_id, int64_t now,
                                 user_token_t *t)
{
    if (!cache_trusted(m) || !cache_row_get(m, CACHE_MEMBERS, sub, store_read_user, a, &t->user))
        return false;
    memset(&t->client, 0, sizeof t->client);
    if (client_id && !cache_row_get(m, CACHE_CLIENTS, client_id, store_read_client, a, &t->client))
        return false;
    t->revoked = cache_token_denied(m, jti, family, now);
    return true;
}

gh_status_t store_user_add(store_t *s, const store_user_t *u)
{
    return db_exec(s, &SQL_ADD, "user_add", "ssssssiiiiss", u->sub, u->username, u->password_hash,
                   u->email, u->nickname, u->name, u->created_at, u->disabled_at,
                   (int64_t)u->email_verified, (int64_t)u->is_admin, u->attributes, u->groups);
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

gh_status_t store_user_page(store_t *s, arena_t *a, const char *after, const char *pattern,
                            size_t limit, store_user_t **out, size_t *count)
{
    return db_list(s, &SQL_PAGE, "user_page", store_read_user, a, sizeof **out, (void **)out, count,
                   "ssi", after ? after : "", pattern ? pattern : "%", (int64_t)limit);
}

gh_status_t store_user_update(store_t *s, const store_user_t *u)
{
    return db_exec_one(s, &SQL_UPDATE, "user_update", "ssississs", u->username, u->email,
                       (int64_t)u->email_verified, u->nickname, u->name, (int64_t)u->is_admin,
                       u->attributes, u->groups, u->sub);
}

gh_status_t store_user_set_disabled(store_t *s, const char *sub, int64_t disabled_at)
{
    return db_exec_one(s, &SQL_SET_DISABLED, "user_set_disabled", "is", disabled_at, sub);
}

gh_status_t store_user_for_token(store_t *s, arena_t *a, const char *sub, const char *jti,
                                 const char *family, const char *client_id, int64_t now,
                                 store_user_t *out, bool *revoked, store_client_t *client)
{
    user_token_t t = {.cache = s->cache, .generation = cache_generation(s->cache)};
    gh_status_t st = GH_OK;
    if (!for_token_remembered(s->cache, a, sub, jti, family, client_id, now, &t))
        st = db_get(s, &SQL_FOR_TOKEN, "user_for_token", read_user_token, a, &t, "sssis", sub, jti,
                    family ? family : jti, now, client_id);
    if (st == GH_OK) {
        *out = t.user;
        *revoked = t.revoked;
        *client = t.client;
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

gh_status_t store_user_find_by_email(store_t *s, arena_t *a, const char *email, store_user_t **out,
                                     size_t *count)
{
    return db_list(s, &SQL_BY_EMAIL, "user_find_by_email", store_read_user, a, sizeof **out,
                   (void **)out, count, "s", email);
}

gh_status_t store_user_confirm_email(store_t *s, const char *sub, const char *email,
                                     bool only_if_same)
{
    return db_exec_one(s, &SQL_CONFIRM_EMAIL, "user_confirm_email", "ssi", sub, email,
                       (int64_t)only_if_same);
}

gh_status_t store_user_set_profile(store_t *s, const char *sub, const char *nickname,
                                   const char *name)
{
    return db_exec_one(s, &SQL_SET_PROFILE, "user_set_profile", "sss", nickname, name, sub);
}

gh_status_t store_user_end_all(store_t *s, const char *sub, int64_t now, int64_t revoke_until,
                               const char *keep_session)
{
    const char *op = "user_end_all";
    store_purge(s, now);
    gh_status_t st = db_begin(s, op);
    if (st != GH_OK)
        return st;
    st = store_grants_end(s, op, sub, NULL, revoke_until);
    if (st == GH_OK)
        st = db_exec(s, &SQL_END_SESSIONS, op, "ss", sub, keep_session ? keep_session : "");
    gh_status_t end = db_finish(s, op, st == GH_OK);
    return st != GH_OK ? st : end;
}

static gh_status_t read_grant(store_row_t *r, arena_t *a, void *row)
{
    store_grant_t g = {0};
    g.client_id = store_row_text(r, a);
    g.scope = store_row_text(r, a);
    g.consented_at = store_row_int(r);
    g.refresh_families = store_row_int(r);
    g.refresh_expires_at = store_row_int(r);
    return store_row_done(r, &g, sizeof g, row);
}

gh_status_t store_grant_list(store_t *s, arena_t *a, const char *sub, int64_t now,
                             store_grant_t **out, size_t *count)
{
    return db_list(s, &SQL_GRANTS, "grant_list", read_grant, a, sizeof **out, (void **)out, count,
                   "si", sub, now);
}
