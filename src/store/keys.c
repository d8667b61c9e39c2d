/* The signing-keys store (keys.h): each key's private JWK, when it starts
 * signing and when it leaves the JWKS. */
#include "store/db.h"

#define KEY_COLS "kid, alg, private_jwk, created_at, retire_at, activate_at"

static store_sql_t SQL_ADD =
    STORE_SQL("INSERT INTO signing_keys (" KEY_COLS ") VALUES (?, ?, ?, ?, ?, ?)");
static store_sql_t SQL_LIST =
    STORE_SQL("SELECT " KEY_COLS " FROM signing_keys ORDER BY created_at DESC, kid DESC");
/* ?1 retire_at, ?2 the kid kept (may be NULL), ?3 alg, ?4 now */
static store_sql_t SQL_RETIRE_OTHERS =
    STORE_SQL("UPDATE signing_keys SET retire_at = ?1 WHERE retire_at = 0 "
              "AND (?2 IS NULL OR kid <> ?2) AND alg = ?3 AND activate_at <= ?4");
static store_sql_t SQL_PRUNE =
    STORE_SQL("DELETE FROM signing_keys WHERE retire_at <> 0 AND retire_at <= ?");

/* store_key_t: the columns of KEY_COLS */
static gh_status_t read_key(store_row_t *r, arena_t *a, void *row)
{
    store_key_t k = {0};
    k.kid = store_row_text(r, a);
    k.alg = store_row_text(r, a);
    k.private_jwk = store_row_text(r, a);
    k.created_at = store_row_int(r);
    k.retire_at = store_row_int(r);
    k.activate_at = store_row_int(r);
    return store_row_done(r, &k, sizeof k, row);
}

gh_status_t store_key_add(store_t *s, const store_key_t *k)
{
    return db_exec(s, &SQL_ADD, "key_add", "sssiii", k->kid, k->alg, k->private_jwk, k->created_at,
                   k->retire_at, k->activate_at);
}

gh_status_t store_key_list(store_t *s, arena_t *a, store_key_t **out, size_t *count)
{
    return db_list(s, &SQL_LIST, "key_list", read_key, a, sizeof **out, (void **)out, count, "");
}

gh_status_t store_key_retire_others(store_t *s, const char *keep_kid, const char *alg, int64_t now,
                                    int64_t retire_at)
{
    return db_exec(s, &SQL_RETIRE_OTHERS, "key_retire_others", "issi", retire_at, keep_kid, alg,
                   now);
}

gh_status_t store_key_prune(store_t *s, int64_t now)
{
    return db_exec(s, &SQL_PRUNE, "key_prune", "i", now);
}
