/* The logout store (logout.h): the clients of each sign-in session and the
 * outbox of back-channel logout tokens.
 *
 * A request that ends a session only writes here (store_logout_session:
 * one transaction lists the session's clients, queues one row per client
 * with a backchannel_logout_uri and forgets the session's clients); the
 * server's logout worker (oauth/backchannel.c) delivers the rows, so a
 * restart loses none. Claiming is one `UPDATE … RETURNING` whose WHERE
 * clause demands an unclaimed, due row: SQLite has one writer at a time, and
 * on PostgreSQL the subquery skips rows another worker holds locked (SKIP
 * LOCKED) while the outer condition is re-checked against the committed row,
 * so with several instances on one database each row goes to one worker. A
 * worker that dies mid-delivery leaves its claim to lapse (the lease), and
 * the row is tried again: delivery is at least once. */
#include "core/secret.h"
#include "store/db.h"

static store_sql_t SQL_CLIENT_ADD = STORE_SQL(STORE_SESSION_CLIENT_ADD("?1", "?2", "?3", "?4"));
/* ?1 sid (NULL: every session of ?2 sub) */
static store_sql_t SQL_CLIENTS = STORE_SQL(
    "SELECT sc.sid, sc.sub, sc.client_id, c.backchannel_logout_uri, c.frontchannel_logout_uri, "
    "c.frontchannel_logout_session_required FROM session_clients sc "
    "JOIN clients c ON c.id = sc.client_id WHERE sc.sid = ?1 OR (?1 IS NULL AND sc.sub = ?2) "
    "ORDER BY sc.client_id");
static store_sql_t SQL_FORGET =
    STORE_SQL("DELETE FROM session_clients WHERE sid = ?1 OR (?1 IS NULL AND sub = ?2)");
static store_sql_t SQL_QUEUE =
    STORE_SQL("INSERT INTO logout_outbox (jti, client_id, uri, sub, sid, created_at, next_at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
/* the session's refresh tokens without offline_access, and their access
 * tokens (?1 sid, ?2 until when the families stay denied) */
#define NOT_OFFLINE "' ' || scope || ' ' NOT LIKE '% offline\\_access %' ESCAPE '\\'"
static store_sql_t SQL_DENY = STORE_SQL(
    "INSERT INTO revoked_tokens (jti, expires_at) SELECT DISTINCT family, ?2 FROM refresh_tokens "
    "WHERE sid = ?1 AND revoked = 0 AND " NOT_OFFLINE " "
    "ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at "
    "WHERE revoked_tokens.expires_at < excluded.expires_at");
static store_sql_t SQL_REVOKE = STORE_SQL_UPDATE_ORDERED(
    "refresh_tokens", "revoked = 1", "digest", "sid = ?1 AND revoked = 0 AND " NOT_OFFLINE);

static store_sql_t SQL_DUE =
    STORE_SQL("SELECT 1 FROM logout_outbox WHERE next_at <= ?1 AND claimed_until <= ?1 LIMIT 1");
#define CLAIM_HEAD                                                                                 \
    "UPDATE logout_outbox SET attempts = attempts + 1, claimed_until = ?2 WHERE jti = "            \
    "(SELECT jti FROM logout_outbox WHERE next_at <= ?1 AND claimed_until <= ?1 "                  \
    "ORDER BY next_at LIMIT 1"
#define CLAIM_TAIL                                                                                 \
    ") AND next_at <= ?1 AND claimed_until <= ?1 "                                                 \
    "RETURNING jti, client_id, uri, sub, sid, created_at, attempts"
static store_sql_t SQL_CLAIM =
    STORE_SQL2(CLAIM_HEAD CLAIM_TAIL, CLAIM_HEAD " FOR UPDATE SKIP LOCKED" CLAIM_TAIL);
static store_sql_t SQL_DONE = STORE_SQL("DELETE FROM logout_outbox WHERE jti = ?");
static store_sql_t SQL_RETRY =
    STORE_SQL("UPDATE logout_outbox SET next_at = ?2, claimed_until = 0 WHERE jti = ?1");

static gh_status_t read_session_client(store_row_t *r, arena_t *a, void *row)
{
    store_session_client_t c = {0};
    c.sid = store_row_text(r, a);
    c.sub = store_row_text(r, a);
    c.client_id = store_row_text(r, a);
    c.backchannel_logout_uri = store_row_text(r, a);
    c.frontchannel_logout_uri = store_row_text(r, a);
    c.frontchannel_logout_session_required = store_row_int(r) != 0;
    return store_row_done(r, &c, sizeof c, row);
}

static gh_status_t read_msg(store_row_t *r, arena_t *a, void *row)
{
    store_logout_msg_t m = {0};
    m.jti = store_row_text(r, a);
    m.client_id = store_row_text(r, a);
    m.uri = store_row_text(r, a);
    m.sub = store_row_text(r, a);
    m.sid = store_row_text(r, a);
    m.created_at = store_row_int(r);
    m.attempts = store_row_int(r);
    return store_row_done(r, &m, sizeof m, row);
}

gh_status_t store_session_client_add(store_t *s, const char *sid, const char *client_id,
                                     const char *sub, int64_t expires_at)
{
    return db_exec(s, &SQL_CLIENT_ADD, "session_client_add", "sssi", sid, client_id, sub,
                   expires_at);
}

/* A row in the outbox for each listed client with a back-channel URI. */
static gh_status_t queue(store_t *s, arena_t *a, const store_session_client_t *v, size_t n,
                         int64_t now)
{
    gh_status_t st = GH_OK;
    for (size_t i = 0; st == GH_OK && i < n; i++) {
        if (!v[i].backchannel_logout_uri)
            continue;
        const char *jti = secret_hex_id(a, 16);
        st = jti ? db_exec(s, &SQL_QUEUE, "logout_session", "sssssi", jti, v[i].client_id,
                           v[i].backchannel_logout_uri, v[i].sub, v[i].sid, now)
                 : GH_ERR_NOMEM;
    }
    return st;
}

gh_status_t store_logout_session(store_t *s, arena_t *a, const char *sid, const char *sub,
                                 int64_t now, int64_t revoke_until, store_session_client_t **out,
                                 size_t *count)
{
    const char *op = "logout_session";
    store_session_client_t *v = NULL;
    size_t n = 0;
    gh_status_t st = db_begin(s, op);
    if (st != GH_OK)
        return st;
    st = db_list(s, &SQL_CLIENTS, op, read_session_client, a, sizeof *v, (void **)&v, &n, "ss", sid,
                 sub);
    if (st == GH_OK)
        st = queue(s, a, v, n, now);
    if (st == GH_OK)
        st = db_exec(s, &SQL_FORGET, op, "ss", sid, sub);
    if (st == GH_OK && sid && revoke_until)
        st = db_exec(s, &SQL_DENY, op, "si", sid, revoke_until);
    if (st == GH_OK && sid && revoke_until)
        st = db_exec(s, &SQL_REVOKE, op, "s", sid);
    gh_status_t end = db_finish(s, op, st == GH_OK);
    if (st == GH_OK && end == GH_OK) {
        *out = v;
        *count = n;
    }
    return st != GH_OK ? st : end;
}

gh_status_t store_logout_due(store_t *s, int64_t now, bool *due)
{
    store_cursor_t c;
    gh_status_t st = db_query(s, &SQL_DUE, "logout_due", &c, "i", now);
    db_end(&c);
    if (st != GH_OK && st != GH_ERR_NOT_FOUND)
        return st;
    *due = st == GH_OK;
    return GH_OK;
}

gh_status_t store_logout_claim(store_t *s, arena_t *a, int64_t now, int64_t lease,
                               store_logout_msg_t *out)
{
    return db_get(s, &SQL_CLAIM, "logout_claim", read_msg, a, out, "ii", now, now + lease);
}

gh_status_t store_logout_done(store_t *s, const char *jti)
{
    return db_exec(s, &SQL_DONE, "logout_done", "s", jti);
}

gh_status_t store_logout_retry(store_t *s, const char *jti, int64_t next_at)
{
    return db_exec(s, &SQL_RETRY, "logout_retry", "si", jti, next_at);
}
