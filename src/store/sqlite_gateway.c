/* SQLite engine: the social-login gateway's operations (store.h, "the
 * social-login gateway"). States and refresh records change state only inside
 * BEGIN IMMEDIATE transactions, so of two concurrent takers exactly one wins;
 * a user's upsert and its first refresh record commit together. The SQL is
 * in sqlite.c with the rest. */
#include "store/sqlite_int.h"

#define SELF(base) ((sqlite_store_t *)(base))

gh_status_t sq_gw_state_put(store_t *base, const store_gw_state_t *g)
{
    return sq_exec(SELF(base), Q_GW_STATE_PUT, "gw_state_put", "sssis", g->digest, g->platform,
                   g->nonce, g->expires_at, g->binding);
}

gh_status_t sq_gw_state_take(store_t *base, arena_t *a, const char *digest, int64_t now,
                             store_gw_state_t *out)
{
    sqlite_store_t *s = SELF(base);
    store_gw_state_row_t r = {0};
    sq_purge(s, now);
    gh_status_t st = sq_begin(s, "gw_state_take");
    if (st != GH_OK)
        return st;
    st = sq_get(s, Q_GW_STATE_FIND, "gw_state_take", store_read_gw_state_row, a, &r, "s", digest);
    if (st == GH_OK && r.used)
        st = GH_ERR_CONFLICT;
    else if (st == GH_OK && r.state.expires_at <= now)
        st = GH_ERR_NOT_FOUND;
    if (st == GH_OK)
        st = sq_exec(s, Q_GW_STATE_USE, "gw_state_take", "is", now, digest);
    gh_status_t end = sq_finish(s, "gw_state_take", st == GH_OK);
    if (end != GH_OK)
        return end;
    if (st == GH_OK)
        *out = r.state;
    return st;
}

gh_status_t sq_gw_user_login(store_t *base, arena_t *a, const store_gw_user_t *u,
                             const store_gw_refresh_t *r, const char **user_id)
{
    sqlite_store_t *s = SELF(base);
    const char *id = NULL;
    gh_status_t st = sq_begin(s, "gw_user_login");
    if (st != GH_OK)
        return st;
    st = sq_exec(s, Q_GW_USER_UPSERT, "gw_user_login", "sssssssii", u->id, u->platform,
                 u->platform_user_id, u->email, u->name, u->profile, u->tokens, u->created_at,
                 u->updated_at);
    if (st == GH_OK)
        st = sq_get(s, Q_GW_USER_ID, "gw_user_login", store_read_text, a, &id, "ss", u->platform,
                    u->platform_user_id);
    if (st == GH_OK)
        st = sq_exec(s, Q_GW_REFRESH_PUT, "gw_user_login", "ssi", r->digest, id, r->expires_at);
    gh_status_t end = sq_finish(s, "gw_user_login", st == GH_OK);
    if (end != GH_OK)
        return end;
    if (st == GH_OK)
        *user_id = id;
    return st;
}

gh_status_t sq_gw_user_get(store_t *base, arena_t *a, const char *id, store_gw_user_t *out)
{
    return sq_get(SELF(base), Q_GW_USER_GET, "gw_user_get", store_read_gw_user, a, out, "s", id);
}

gh_status_t sq_gw_user_set_tokens(store_t *base, const char *id, const char *tokens, int64_t now)
{
    return sq_exec_one(SELF(base), Q_GW_USER_SET_TOKENS, "gw_user_set_tokens", "sis", tokens, now,
                       id);
}

gh_status_t sq_gw_user_delete(store_t *base, const char *id)
{
    return sq_exec_one(SELF(base), Q_GW_USER_DELETE, "gw_user_delete", "s", id);
}

/* Inside the rotation's transaction: a reused record ends every session of
 * its user; a live one is marked used and its successor inserted; one used
 * less than grace seconds ago gets another successor. */
static gh_status_t rotate_found(sqlite_store_t *s, const char *old_digest,
                                const store_gw_refresh_row_t *r, int64_t now, int64_t grace,
                                const store_gw_refresh_t *next)
{
    const char *op = "gw_refresh_rotate";
    bool in_grace = r->used && r->used_at > now - grace;
    if (r->used && !in_grace) {
        gh_status_t st = sq_exec(s, Q_GW_REFRESH_DELETE_USER, op, "s", r->user_id);
        return st == GH_OK ? GH_ERR_CONFLICT : st;
    }
    if (r->expires_at <= now)
        return GH_ERR_NOT_FOUND;
    gh_status_t st = in_grace ? GH_OK : sq_exec(s, Q_GW_REFRESH_USE, op, "is", now, old_digest);
    if (st == GH_OK)
        st = sq_exec(s, Q_GW_REFRESH_PUT, op, "ssi", next->digest, r->user_id, next->expires_at);
    return st;
}

gh_status_t sq_gw_refresh_rotate(store_t *base, arena_t *a, const char *old_digest, int64_t now,
                                 int64_t grace, const store_gw_refresh_t *next,
                                 const char **user_id)
{
    sqlite_store_t *s = SELF(base);
    store_gw_refresh_row_t r = {0};
    sq_purge(s, now);
    gh_status_t st = sq_begin(s, "gw_refresh_rotate");
    if (st != GH_OK)
        return st;
    st = sq_get(s, Q_GW_REFRESH_FIND, "gw_refresh_rotate", store_read_gw_refresh_row, a, &r, "s",
                old_digest);
    if (st == GH_OK)
        st = rotate_found(s, old_digest, &r, now, grace, next);
    /* a reuse commits the deletion of the user's records */
    gh_status_t end = sq_finish(s, "gw_refresh_rotate", st == GH_OK || st == GH_ERR_CONFLICT);
    if (end != GH_OK)
        return end;
    if (st == GH_OK)
        *user_id = r.user_id;
    return st;
}

gh_status_t sq_gw_refresh_delete(store_t *base, const char *digest)
{
    return sq_exec(SELF(base), Q_GW_REFRESH_DELETE, "gw_refresh_delete", "s", digest);
}
