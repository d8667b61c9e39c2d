/* The sessions store: sign-in sessions by the digest of their cookie
 * (sessions.h). Expired ones are deleted by store_purge. */
#include "store/db.h"

#define SESSION_COLS "digest, sub, auth_time, expires_at, " AUTHN_COLS

static store_sql_t SQL_PUT = STORE_SQL(
    "INSERT INTO sessions (" SESSION_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (digest) DO UPDATE SET sub = excluded.sub, auth_time = excluded.auth_time, "
    "expires_at = excluded.expires_at, amr = excluded.amr, acr = excluded.acr, "
    "idp = excluded.idp, sid = excluded.sid");
static store_sql_t SQL_GET = STORE_SQL("SELECT " SESSION_COLS " FROM sessions "
                                       "WHERE digest = ? AND expires_at > ?");
static store_sql_t SQL_DELETE = STORE_SQL("DELETE FROM sessions WHERE digest = ?");

/* store_session_t: the columns of SESSION_COLS */
static gh_status_t read_session(store_row_t *r, arena_t *a, void *row)
{
    store_session_t sess = {0};
    sess.digest = store_row_text(r, a);
    sess.sub = store_row_text(r, a);
    sess.auth_time = store_row_int(r);
    sess.expires_at = store_row_int(r);
    store_row_authn(r, a, &sess.authn);
    return store_row_done(r, &sess, sizeof sess, row);
}

gh_status_t store_session_put(store_t *s, const store_session_t *sess)
{
    return db_exec(s, &SQL_PUT, "session_put", "ssiissss", sess->digest, sess->sub, sess->auth_time,
                   sess->expires_at, sess->authn.amr, sess->authn.acr, sess->authn.idp,
                   sess->authn.sid);
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
