/* The sessions store: sign-in sessions by the digest of their cookie
 * (sessions.h), and what the account page shows and ends of a member's
 * sessions. Expired ones are deleted by store_purge. */
#include "store/db.h"

#define SESSION_COLS                                                                               \
    "digest, sub, auth_time, expires_at, created_at, last_seen_at, user_agent, ip, " AUTHN_COLS

static store_sql_t SQL_PUT = STORE_SQL(
    "INSERT INTO sessions (" SESSION_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (digest) DO UPDATE SET sub = excluded.sub, auth_time = excluded.auth_time, "
    "expires_at = excluded.expires_at, created_at = excluded.created_at, "
    "last_seen_at = excluded.last_seen_at, user_agent = excluded.user_agent, "
    "ip = excluded.ip, amr = excluded.amr, acr = excluded.acr, idp = excluded.idp, "
    "sid = excluded.sid");
static store_sql_t SQL_GET = STORE_SQL("SELECT " SESSION_COLS " FROM sessions "
                                       "WHERE digest = ? AND expires_at > ?");
/* store_client_session: ?1 client id, ?2 session digest, ?3 now. Both sides
 * in derived tables, so that their columns keep their own names (both have
 * a created_at); no session gives one row with the session's columns NULL.
 * The member's consent and second factors are seeks by sub in the session's
 * side. */
static store_sql_t SQL_CLIENT_SESSION =
    STORE_SQL("SELECT * FROM (SELECT " STORE_CLIENT_COLS " FROM clients WHERE id = ?1) c "
              "LEFT JOIN (SELECT " SESSION_COLS ", (SELECT k.scope FROM consents k "
              "WHERE k.sub = sessions.sub AND k.client_id = ?1), "
              "(SELECT t.confirmed FROM mfa_totp t WHERE t.sub = sessions.sub), "
              "EXISTS (SELECT 1 FROM passkeys p WHERE p.sub = sessions.sub) FROM sessions "
              "WHERE digest = ?2 AND expires_at > ?3) s ON 1 = 1");
static store_sql_t SQL_DELETE = STORE_SQL("DELETE FROM sessions WHERE digest = ?");
/* ?1 digest, ?2 now, ?3 the least time between two moves */
static store_sql_t SQL_TOUCH = STORE_SQL(
    "UPDATE sessions SET last_seen_at = ?2 WHERE digest = ?1 AND last_seen_at <= ?2 - ?3");
static store_sql_t SQL_LIST =
    STORE_SQL("SELECT " SESSION_COLS " FROM sessions WHERE sub = ? AND expires_at > ? "
              "ORDER BY last_seen_at DESC, created_at DESC, digest");
static store_sql_t SQL_END_ONE = STORE_SQL("DELETE FROM sessions WHERE digest = ? AND sub = ?");

/* store_session_t: the columns of SESSION_COLS */
static gh_status_t read_session(store_row_t *r, arena_t *a, void *row)
{
    store_session_t sess = {0};
    sess.digest = store_row_text(r, a);
    sess.sub = store_row_text(r, a);
    sess.auth_time = store_row_int(r);
    sess.expires_at = store_row_int(r);
    sess.created_at = store_row_int(r);
    sess.last_seen_at = store_row_int(r);
    sess.user_agent = store_row_text(r, a);
    sess.ip = store_row_text(r, a);
    store_row_authn(r, a, &sess.authn);
    return store_row_done(r, &sess, sizeof sess, row);
}

/* A session, its member's consent to one client and second factors. */
typedef struct {
    store_session_t session;
    const char *consent;
    store_factors_t factors;
} session_consent_t;

static gh_status_t read_session_consent(store_row_t *r, arena_t *a, void *row)
{
    session_consent_t *sc = row;
    gh_status_t st = read_session(r, a, &sc->session);
    if (st == GH_OK)
        st = store_read_text(r, a, &sc->consent);
    sc->factors.totp = store_row_int(r) != 0;
    sc->factors.passkey = store_row_int(r) != 0;
    return st;
}

/* A client, and a session with its member's consent to it (digest NULL when
 * there is none). */
typedef struct {
    store_client_t client;
    session_consent_t sc;
} client_session_t;

static gh_status_t read_client_session(store_row_t *r, arena_t *a, void *row)
{
    client_session_t *cs = row;
    gh_status_t st = store_read_client(r, a, &cs->client);
    return st == GH_OK ? read_session_consent(r, a, &cs->sc) : st;
}

gh_status_t store_session_put(store_t *s, const store_session_t *sess)
{
    return db_exec(s, &SQL_PUT, "session_put", "ssiiiissssss", sess->digest, sess->sub,
                   sess->auth_time, sess->expires_at, sess->created_at, sess->last_seen_at,
                   sess->user_agent, sess->ip, sess->authn.amr, sess->authn.acr, sess->authn.idp,
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

gh_status_t store_session_touch(store_t *s, const char *digest, int64_t now, int64_t every)
{
    return db_exec(s, &SQL_TOUCH, "session_touch", "sii", digest, now, every);
}

gh_status_t store_session_list(store_t *s, arena_t *a, const char *sub, int64_t now,
                               store_session_t **out, size_t *count)
{
    return db_list(s, &SQL_LIST, "session_list", read_session, a, sizeof **out, (void **)out, count,
                   "si", sub, now);
}

gh_status_t store_session_end(store_t *s, const char *sub, const char *digest)
{
    return db_exec_one(s, &SQL_END_ONE, "session_end", "ss", digest, sub);
}

gh_status_t store_client_session(store_t *s, arena_t *a, const char *client_id, const char *digest,
                                 int64_t now, store_client_t *client, gh_status_t *session_st,
                                 store_session_t *session, const char **consent,
                                 store_factors_t *factors)
{
    client_session_t cs;
    gh_status_t st = db_get(s, &SQL_CLIENT_SESSION, "client_session", read_client_session, a, &cs,
                            "ssi", client_id, digest, now);
    if (st != GH_OK)
        return st;
    *client = cs.client;
    *session_st = cs.sc.session.digest ? GH_OK : GH_ERR_NOT_FOUND;
    if (*session_st == GH_OK) {
        *session = cs.sc.session;
        *consent = cs.sc.consent;
        *factors = cs.sc.factors;
    }
    return GH_OK;
}
