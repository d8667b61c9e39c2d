/* The registrations store (registrations.h). An initial access token is
 * spent by one conditional UPDATE, so a token with one use left registers
 * one client however many ask at once; unused dynamic clients go by one
 * DELETE … RETURNING over the index (dynamic, last_used_at), run only when a
 * read has found one due (no write, and no write lock, otherwise). A dynamic
 * client's last_used_at starts at its registration. */
#include "store/db.h"

static store_sql_t SQL_TOKEN_ADD =
    STORE_SQL("INSERT INTO initial_access_tokens (digest, created_at, expires_at, uses_left) "
              "VALUES (?, ?, ?, ?)");
static store_sql_t SQL_TOKEN_USE =
    STORE_SQL("UPDATE initial_access_tokens SET uses_left = uses_left - 1 "
              "WHERE digest = ? AND expires_at > ? AND uses_left > 0");
static store_sql_t SQL_TOKEN_PRUNE =
    STORE_SQL("DELETE FROM initial_access_tokens WHERE expires_at <= ? OR uses_left <= 0");
static store_sql_t SQL_TOUCH =
    STORE_SQL("UPDATE clients SET last_used_at = ? WHERE id = ? AND dynamic = 1");
static store_sql_t SQL_EXPIRE =
    STORE_SQL("DELETE FROM clients WHERE dynamic = 1 AND last_used_at < ? RETURNING id");
/* whether the two deletions above have anything to do: a read, which takes
 * no write lock (the server's chore asks every minute) */
static store_sql_t SQL_DUE = STORE_SQL(
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM clients WHERE dynamic = 1 AND last_used_at < ?1) "
    "OR EXISTS (SELECT 1 FROM initial_access_tokens WHERE expires_at <= ?1 OR uses_left <= 0) "
    "THEN 1 ELSE 0 END");

gh_status_t store_initial_token_add(store_t *s, const char *digest, int64_t created_at,
                                    int64_t expires_at, long uses)
{
    if (!digest || uses <= 0)
        return GH_ERR_INVALID;
    return db_exec(s, &SQL_TOKEN_ADD, "initial_token_add", "siii", digest, created_at, expires_at,
                   (int64_t)uses);
}

gh_status_t store_initial_token_use(store_t *s, const char *digest, int64_t now)
{
    return db_exec_one(s, &SQL_TOKEN_USE, "initial_token_use", "si", digest, now);
}

gh_status_t store_client_touch(store_t *s, const char *id, int64_t now)
{
    return db_exec(s, &SQL_TOUCH, "client_touch", "is", now, id);
}

gh_status_t store_client_expire_unused(store_t *s, arena_t *a, int64_t before, const char ***ids,
                                       size_t *count)
{
    *ids = NULL;
    *count = 0;
    int64_t due = 0;
    gh_status_t st = db_get(s, &SQL_DUE, "client_expire_due", store_read_int, a, &due, "i", before);
    if (st != GH_OK || !due)
        return st;
    st = db_exec(s, &SQL_TOKEN_PRUNE, "initial_token_prune", "i", before);
    if (st != GH_OK)
        return st;
    return db_list(s, &SQL_EXPIRE, "client_expire_unused", store_read_text, a, sizeof **ids,
                   (void **)ids, count, "i", before);
}
