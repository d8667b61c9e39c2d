/* The passkeys store (passkeys.h): WebAuthn credentials and the challenges
 * of their ceremonies, written once for both engines. A challenge is taken
 * by one conditional DELETE, so two requests cannot both use it; a sign-in's
 * counter is written by one conditional UPDATE, so two uses of the same
 * assertion cannot both pass. */
#include "store/db.h"

#define PASSKEY_COLS                                                                               \
    "credential_id, sub, public_key, alg, sign_count, flags, transports, name, created_at, "       \
    "last_used_at"

static store_sql_t SQL_ADD =
    STORE_SQL("INSERT INTO passkeys (" PASSKEY_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)");
static store_sql_t SQL_GET =
    STORE_SQL("SELECT " PASSKEY_COLS " FROM passkeys WHERE credential_id = ?");
static store_sql_t SQL_LIST = STORE_SQL("SELECT " PASSKEY_COLS " FROM passkeys WHERE sub = ? "
                                        "ORDER BY created_at, credential_id");
static store_sql_t SQL_USED =
    STORE_SQL("UPDATE passkeys SET sign_count = ?2, last_used_at = ?3 WHERE credential_id = ?1 "
              "AND (sign_count < ?2 OR (sign_count = 0 AND ?2 = 0))");
static store_sql_t SQL_REMOVE =
    STORE_SQL("DELETE FROM passkeys WHERE sub = ? AND credential_id = ?");
static store_sql_t SQL_REMOVE_ALL = STORE_SQL("DELETE FROM passkeys WHERE sub = ?");
static store_sql_t SQL_CHALLENGE_PUT =
    STORE_SQL("INSERT INTO passkey_challenges (digest, kind, binding, sub, expires_at) VALUES (?, "
              "?, ?, ?, ?)");
static store_sql_t SQL_CHALLENGE_TAKE =
    STORE_SQL("DELETE FROM passkey_challenges WHERE digest = ?1 AND kind = ?2 AND binding = ?3 "
              "AND (sub = ?4 OR (sub IS NULL AND ?4 IS NULL)) AND expires_at > ?5");

/* store_passkey_t: the columns of PASSKEY_COLS */
static gh_status_t read_passkey(store_row_t *r, arena_t *a, void *row)
{
    store_passkey_t p = {0};
    p.credential_id = store_row_text(r, a);
    p.sub = store_row_text(r, a);
    p.public_key = store_row_text(r, a);
    p.alg = store_row_int(r);
    p.sign_count = store_row_int(r);
    p.flags = store_row_int(r);
    p.transports = store_row_text(r, a);
    p.name = store_row_text(r, a);
    p.created_at = store_row_int(r);
    p.last_used_at = store_row_int(r);
    return store_row_done(r, &p, sizeof p, row);
}

gh_status_t store_passkey_add(store_t *s, const store_passkey_t *p)
{
    return db_exec(s, &SQL_ADD, "passkey_add", "sssiiissi", p->credential_id, p->sub, p->public_key,
                   p->alg, p->sign_count, p->flags, p->transports, p->name, p->created_at);
}

gh_status_t store_passkey_get(store_t *s, arena_t *a, const char *credential_id,
                              store_passkey_t *out)
{
    return db_get(s, &SQL_GET, "passkey_get", read_passkey, a, out, "s", credential_id);
}

gh_status_t store_passkey_list(store_t *s, arena_t *a, const char *sub, store_passkey_t **out,
                               size_t *count)
{
    return db_list(s, &SQL_LIST, "passkey_list", read_passkey, a, sizeof **out, (void **)out, count,
                   "s", sub);
}

gh_status_t store_passkey_used(store_t *s, const char *credential_id, int64_t sign_count,
                               int64_t now)
{
    gh_status_t st =
        db_exec_one(s, &SQL_USED, "passkey_used", "sii", credential_id, sign_count, now);
    return st == GH_ERR_NOT_FOUND ? GH_ERR_CONFLICT : st;
}

gh_status_t store_passkey_remove(store_t *s, const char *sub, const char *credential_id)
{
    return db_exec_one(s, &SQL_REMOVE, "passkey_remove", "ss", sub, credential_id);
}

gh_status_t store_passkey_remove_all(store_t *s, const char *sub)
{
    return db_exec(s, &SQL_REMOVE_ALL, "passkey_remove_all", "s", sub);
}

gh_status_t store_passkey_challenge_put(store_t *s, const char *digest, store_passkey_kind_t kind,
                                        const char *binding, const char *sub, int64_t expires_at)
{
    return db_exec(s, &SQL_CHALLENGE_PUT, "passkey_challenge_put", "sissi", digest, (int64_t)kind,
                   binding, sub, expires_at);
}

gh_status_t store_passkey_challenge_take(store_t *s, const char *digest, store_passkey_kind_t kind,
                                         const char *binding, const char *sub, int64_t now)
{
    store_purge(s, now);
    return db_exec_one(s, &SQL_CHALLENGE_TAKE, "passkey_challenge_take", "sissi", digest,
                       (int64_t)kind, binding, sub, now);
}
