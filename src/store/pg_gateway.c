/* PostgreSQL engine: the social-login gateway's operations (store.h, "the
 * social-login gateway"). The SQL is in pg.c with the rest.
 *
 * As for codes and refresh tokens (see pg.c), each single-use step is one
 * atomic statement whose WHERE clause demands the unused state, so among
 * concurrent callers on any connections of any processes exactly one wins:
 *
 *   - gw_state_take is `UPDATE … WHERE used_at IS NULL … RETURNING`; only
 *     when it touched nothing is the row read again, to tell a used state
 *     (CONFLICT) from an unknown or expired one.
 *   - gw_refresh_rotate marks the old record used and inserts its successor
 *     in one statement; a concurrent caller within the grace period passes
 *     the same WHERE clause once the first commits (READ COMMITTED re-reads
 *     the row) and gets a successor too; any later reuse finds the record
 *     used and deletes every refresh record of its user.
 *   - gw_user_login upserts the user and inserts its first refresh record in
 *     one statement, so both commit together or neither does. */
#include "store/pg_int.h"

#define SELF(base) ((pg_store_t *)(base))

gh_status_t pg_gw_state_put(store_t *base, const store_gw_state_t *g)
{
    return pq_exec(SELF(base), P_GW_STATE_PUT, "gw_state_put", NULL, "sssis", g->digest,
                   g->platform, g->nonce, g->expires_at, g->binding);
}

gh_status_t pg_gw_state_take(store_t *base, arena_t *a, const char *digest, int64_t now,
                             store_gw_state_t *out)
{
    pg_store_t *s = SELF(base);
    store_gw_state_t g = {0};
    bool used = false;
    pq_purge(s, now);
    gh_status_t st =
        pq_get(s, P_GW_STATE_TAKE, "gw_state_take", store_read_gw_state, a, &g, "si", digest, now);
    if (st == GH_OK) {
        *out = g;
        return GH_OK;
    }
    if (st != GH_ERR_NOT_FOUND)
        return st;
    /* nothing taken: a used state is a replay, anything else unknown */
    st = pq_get(s, P_GW_STATE_FIND, "gw_state_take", store_read_bool, NULL, &used, "s", digest);
    if (st != GH_OK)
        return st;
    return used ? GH_ERR_CONFLICT : GH_ERR_NOT_FOUND;
}

gh_status_t pg_gw_user_login(store_t *base, arena_t *a, const store_gw_user_t *u,
                             const store_gw_refresh_t *r, const char **user_id)
{
    return pq_get(SELF(base), P_GW_USER_LOGIN, "gw_user_login", store_read_text, a, user_id,
                  "sssssssiisi", u->id, u->platform, u->platform_user_id, u->email, u->name,
                  u->profile, u->tokens, u->created_at, u->updated_at, r->digest, r->expires_at);
}

gh_status_t pg_gw_user_get(store_t *base, arena_t *a, const char *id, store_gw_user_t *out)
{
    return pq_get(SELF(base), P_GW_USER_GET, "gw_user_get", store_read_gw_user, a, out, "s", id);
}

gh_status_t pg_gw_user_set_tokens(store_t *base, const char *id, const char *tokens, int64_t now)
{
    int n = 0;
    gh_status_t st =
        pq_exec(SELF(base), P_GW_USER_SET_TOKENS, "gw_user_set_tokens", &n, "sis", tokens, now, id);
    return pq_exec_one(st, n);
}

gh_status_t pg_gw_user_delete(store_t *base, const char *id)
{
    int n = 0;
    gh_status_t st = pq_exec(SELF(base), P_GW_USER_DELETE, "gw_user_delete", &n, "s", id);
    return pq_exec_one(st, n);
}

/* After a rotation found no live record: one already used is being reused,
 * so every refresh record of its user is deleted and the answer is
 * CONFLICT; unknown or expired is NOT_FOUND. */
static gh_status_t refresh_reused(pg_store_t *s, arena_t *a, const char *digest)
{
    store_gw_refresh_row_t r = {0};
    gh_status_t st = pq_get(s, P_GW_REFRESH_FIND, "gw_refresh_rotate", store_read_gw_refresh_row, a,
                            &r, "s", digest);
    if (st != GH_OK)
        return st;
    if (!r.used)
        return GH_ERR_NOT_FOUND;
    st = pq_exec(s, P_GW_REFRESH_DELETE_USER, "gw_refresh_rotate", NULL, "s", r.user_id);
    return st == GH_OK ? GH_ERR_CONFLICT : st;
}

gh_status_t pg_gw_refresh_rotate(store_t *base, arena_t *a, const char *old_digest, int64_t now,
                                 int64_t grace, const store_gw_refresh_t *next,
                                 const char **user_id)
{
    pg_store_t *s = SELF(base);
    const char *id = NULL;
    pq_purge(s, now);
    gh_status_t st = pq_get(s, P_GW_REFRESH_ROTATE, "gw_refresh_rotate", store_read_text, a, &id,
                            "sisii", old_digest, now, next->digest, next->expires_at, grace);
    if (st == GH_ERR_NOT_FOUND)
        return refresh_reused(s, a, old_digest);
    if (st == GH_OK)
        *user_id = id;
    return st;
}

gh_status_t pg_gw_refresh_delete(store_t *base, const char *digest)
{
    return pq_exec(SELF(base), P_GW_REFRESH_DELETE, "gw_refresh_delete", NULL, "s", digest);
}
