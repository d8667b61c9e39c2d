/* The sessions store: sign-in sessions by the digest of their cookie
 * (sessions.h). Expired ones are deleted by store_purge. */
#include "store/db.h"

static store_sql_t SQL_PUT = STORE_SQL(
    "INSERT INTO sessions (digest, sub, auth_time, expires_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (digest) DO UPDATE SET sub = excluded.sub, auth_time = excluded.auth_time, "
    "expires_at = excluded.expires_at");
static store_sql_t SQL_GET = STORE_SQL("SELECT digest, sub, auth_time, expires_at FROM sessions "
                                       "WHERE digest = ? AND expires_at > ?");
static store_sql_t SQL_DELETE = STORE_SQL("DELETE FROM sessions WHERE digest = ?");
static store_sql_t SQL_LIST_SUB =
    STORE_SQL("SELECT digest, sub, auth_time, expires_at FROM sessions "
              "WHERE sub = ? AND expires_at > ? ORDER BY auth_time DESC, digest");
/* ?1 sub, ?2 one session's digest, or NULL for every session of sub */
static store_sql_t SQL_DELETE_SUB =
    STORE_SQL("DELETE FROM sessions WHERE sub = ?1 AND (?2 IS NULL OR digest = ?2)");

/* store_session_t: digest, sub, auth_time, expires_at */
static gh_status_t read_session(store_row_t *r, arena_t *a, void *row)
{
    store_session_t sess = {0};
    sess.digest = store_row_text(r, a);
    sess.sub = store_row_text(r, a);
    sess.auth_time = store_row_int(r);
    sess.expires_at = store_row_int(r);
    return store_row_done(r, &sess, sizeof sess, row);
}

gh_status_t store_session_put(store_t *s, const store_session_t *sess)
{
    return db_exec(s, &SQL_PUT, "session_put", "ssii", sess->digest, sess->sub, sess->auth_time,
                   sess->expires_at);
}

gh_status_t store_session_get(store_t *s, arena_t *a, const char *digest, int64_t now,
                              store_session_t *out)
{
    return db_get(s, &SQL_GET, "session_get", read_session, a, out, "si", digest, now);
}

gh_status_t store_session_delete(store_t *s, const char *digest)
{
    return db_exec_one(s, &SQL_DELETE, "session_delete", "s", digest);
}

gh_status_t store_session_list_sub(store_t *s, arena_t *a, const char *sub, int64_t now,
                                   store_session_t **out, size_t *count)
{
    return db_list(s, &SQL_LIST_SUB, "session_list_sub", read_session, a, sizeof **out,
                   (void **)out, count, "si", sub, now);
}

gh_status_t store_session_delete_sub(store_t *s, const char *sub, const char *digest)
{
    if (digest)
        return db_exec_one(s, &SQL_DELETE_SUB, "session_delete_sub", "ss", sub, digest);
    return db_exec(s, &SQL_DELETE_SUB, "session_delete_sub", "ss", sub, NULL);
}
