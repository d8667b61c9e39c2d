/* The pushed-requests store (pushed.h, RFC 9126). A request is taken by one
 * DELETE … RETURNING, so of two concurrent uses of one request_uri exactly
 * one gets it. */
#include "store/db.h"

static store_sql_t SQL_PUT = STORE_SQL(
    "INSERT INTO pushed_requests (digest, client_id, params, expires_at) VALUES (?, ?, ?, ?)");
static store_sql_t SQL_TAKE =
    STORE_SQL("DELETE FROM pushed_requests WHERE digest = ? AND client_id = ? AND expires_at > ? "
              "RETURNING params");
static store_sql_t SQL_PRUNE = STORE_SQL("DELETE FROM pushed_requests WHERE expires_at <= ?");

gh_status_t store_pushed_put(store_t *s, const char *digest, const char *client_id,
                             const char *params, int64_t expires_at, int64_t now)
{
    if (!digest || !client_id || !params)
        return GH_ERR_INVALID;
    gh_status_t st = db_exec(s, &SQL_PRUNE, "pushed_prune", "i", now);
    if (st != GH_OK)
        return st;
    return db_exec(s, &SQL_PUT, "pushed_put", "sssi", digest, client_id, params, expires_at);
}

static gh_status_t read_params(store_row_t *r, arena_t *a, void *row)
{
    const char *params = store_row_text(r, a);
    if (r->oom || !params)
        return GH_ERR_NOMEM;
    *(const char **)row = params;
    return GH_OK;
}

gh_status_t store_pushed_take(store_t *s, arena_t *a, const char *digest, const char *client_id,
                              int64_t now, const char **params)
{
    return db_get(s, &SQL_TAKE, "pushed_take", read_params, a, params, "ssi", digest, client_id,
                  now);
}
