/* The grants store (grants.h): consents, authorization codes, refresh tokens
 * and the denylist of revoked access tokens and grants.
 *
 * The single-use steps are atomic on either engine, because each is one
 * statement whose WHERE clause demands the unused state:
 *
 *   - store_code_take is `UPDATE codes … WHERE used_at IS NULL … RETURNING`.
 *     Of two concurrent callers the second waits for the first's write (a
 *     row lock on PostgreSQL, which then re-checks the WHERE clause against
 *     the committed row at READ COMMITTED; SQLite's one writer at a time),
 *     finds the code used and updates nothing: exactly one winner. Only then
 *     is the row read again, to tell a replay (CONFLICT, with the winner's
 *     family) from an unknown code. The client is compared in the same
 *     statement, so another client's attempt leaves the code unspent.
 *   - store_code_redeem is store_code_take and the grant's first refresh
 *     token together: one statement on PostgreSQL (a data-modifying WITH: one
 *     round trip and one commit), one write transaction on SQLite. The
 *     family is new (the caller's), so no denylist entry can name it yet,
 *     and a replay that follows finds the token there to revoke.
 *   - store_refresh_rotate marks the old token used and inserts its successor
 *     together: in one statement on PostgreSQL (a data-modifying WITH, one
 *     round trip), in one write transaction on SQLite. A loser finds the
 *     token used and revokes its family.
 *
 * Used codes and refresh tokens stay an hour past expiry (store_purge), so a
 * late replay is still recognised as one. */
#include "store/db.h"

#define CODE_COLS                                                                                  \
    "digest, client_id, redirect_uri, scope, sub, nonce, code_challenge, session_digest, "         \
    "family, auth_time, expires_at, resources, " AUTHN_COLS ", dpop_jkt"
#define REFRESH_COLS                                                                               \
    "digest, family, client_id, sub, scope, auth_time, issued_at, expires_at, "                    \
    "resources, " AUTHN_COLS ", dpop_jkt"

static store_sql_t SQL_CONSENT_GET =
    STORE_SQL("SELECT scope FROM consents WHERE sub = ? AND client_id = ?");
static store_sql_t SQL_CONSENT_PUT =
    STORE_SQL("INSERT INTO consents (sub, client_id, scope, updated_at) VALUES (?, ?, ?, ?) "
              "ON CONFLICT (sub, client_id) DO UPDATE SET scope = excluded.scope, "
              "updated_at = excluded.updated_at");
/* a member's consents, with the latest use of each: the newest refresh
 * token of the client's grants (issued at each rotation) and the latest
 * code redeemed, both read here rather than written on the token path */
static store_sql_t SQL_CONSENT_LIST =
    STORE_SQL("SELECT c.client_id, k.name, c.scope, c.updated_at, "
              "coalesce((SELECT max(r.issued_at) FROM refresh_tokens r "
              "WHERE r.sub = c.sub AND r.client_id = c.client_id), 0), "
              "coalesce((SELECT max(d.used_at) FROM codes d "
              "WHERE d.sub = c.sub AND d.client_id = c.client_id), 0) "
              "FROM consents c JOIN clients k ON k.id = c.client_id WHERE c.sub = ? "
              "ORDER BY c.client_id");
/* ?1 sub, ?2 client_id ('' for every client) */
static store_sql_t SQL_CONSENT_DELETE =
    STORE_SQL("DELETE FROM consents WHERE sub = ?1 AND (?2 = '' OR client_id = ?2)");

/* store_grants_end, in order: ?1 sub, ?2 client_id ('' for every client),
 * ?3 until when the grants' families stay denied */
#define OF_CLIENT " AND (?2 = '' OR client_id = ?2)"
static store_sql_t SQL_END_DENY = STORE_SQL(
    "INSERT INTO revoked_tokens (jti, expires_at) "
    "SELECT family, ?3 FROM refresh_tokens WHERE sub = ?1" OF_CLIENT
    " UNION SELECT family, ?3 FROM codes WHERE sub = ?1" OF_CLIENT " AND family IS NOT NULL "
    "ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at "
    "WHERE revoked_tokens.expires_at < excluded.expires_at");
static store_sql_t SQL_END_REFRESH = STORE_SQL_UPDATE_ORDERED(
    "refresh_tokens", "revoked = 1", "digest", "sub = ?1" OF_CLIENT " AND revoked = 0");
static store_sql_t SQL_END_CODES =
    STORE_SQL("DELETE FROM codes WHERE sub = ?1" OF_CLIENT " AND used_at IS NULL");
static store_sql_t SQL_END_DEVICES =
    STORE_SQL("UPDATE device_codes SET state = 2 WHERE sub = ?1" OF_CLIENT " AND state = 1");

#define CODE_VALUES "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17"
static store_sql_t SQL_CODE_PUT =
    STORE_SQL("INSERT INTO codes (" CODE_COLS ") VALUES (" CODE_VALUES ")");
/* store_code_put_tracked on PostgreSQL: the code and its session's client
 * (back-channel logout) as one statement (one round trip), committed without
 * waiting for the WAL flush (docs/durability.md: a code lost in a crash of
 * the database fails closed; its redemption's flushed commit flushes it
 * too); ?1-?17 as SQL_CODE_PUT (?2 the client, ?5 the member, ?16 the sid),
 * ?18 the session's expiry. The SELECT from `relaxed` makes set_config run
 * (a WITH that nothing reads is not), local to the statement's
 * transaction. */
#define CODE_TRACKED STORE_SESSION_CLIENT_ADD("?16", "?2", "?5", "?18")
static store_sql_t SQL_CODE_PUT_TRACKED =
    STORE_SQL("WITH " STORE_PG_UNFLUSHED ", tracked AS (" CODE_TRACKED ") "
              "INSERT INTO codes (" CODE_COLS ") SELECT " CODE_VALUES " FROM relaxed");
/* ?1 digest, ?2 now, ?3 family, ?4 client_id */
#define CODE_TAKE                                                                                  \
    "UPDATE codes SET used_at = ?2, family = ?3 WHERE digest = ?1 AND client_id = ?4 "             \
    "AND used_at IS NULL AND expires_at > ?2 RETURNING " CODE_COLS
static store_sql_t SQL_CODE_TAKE = STORE_SQL(CODE_TAKE);
/* store_code_redeem on PostgreSQL: the take and the grant's first refresh
 * token as one statement (one round trip, one commit); ?1-?4 as
 * SQL_CODE_TAKE, ?5 the token's digest, ?6 issued_at, ?7 expires_at, ?8 the key
 * it is bound to (DPoP) or NULL */
static store_sql_t SQL_CODE_REDEEM =
    STORE_SQL("WITH taken AS (" CODE_TAKE "), "
              "fresh AS (INSERT INTO refresh_tokens (" REFRESH_COLS ") "
              "SELECT ?5, family, client_id, sub, scope, auth_time, ?6, ?7, resources, " AUTHN_COLS
              ", CAST(?8 AS TEXT) FROM taken) "
              "SELECT " CODE_COLS " FROM taken");
static store_sql_t SQL_CODE_FIND = STORE_SQL(
    "SELECT " CODE_COLS ", used_at IS NOT NULL FROM codes WHERE digest = ? AND client_id = ?");

/* a family's first token, unless the whole grant was revoked meanwhile */
static store_sql_t SQL_REFRESH_START =
    STORE_SQL("INSERT INTO refresh_tokens (" REFRESH_COLS ") "
              "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, CAST(?14 AS TEXT) "
              "WHERE NOT EXISTS "
              "(SELECT 1 FROM revoked_tokens WHERE jti = ?2)");
static store_sql_t SQL_REFRESH_GET =
    STORE_SQL("SELECT " REFRESH_COLS " FROM refresh_tokens WHERE digest = ? "
              "AND used_at IS NULL AND revoked = 0 AND expires_at > ?");
/* ?1 digest, ?2 client_id, ?3 now, ?4 grace, ?5 the key of the request's
 * DPoP proof ('' for none): the token when it is live (or was rotated less
 * than the grace ago) and bound to no key or to that one (RFC 9449 §5),
 * marked used at its first rotation's time */
#define REFRESH_USE                                                                                \
    "UPDATE refresh_tokens SET used_at = coalesce(used_at, ?3) "                                   \
    "WHERE digest = ?1 AND client_id = ?2 AND (used_at IS NULL OR used_at > ?3 - ?4) "             \
    "AND revoked = 0 AND expires_at > ?3 AND (dpop_jkt IS NULL OR dpop_jkt = ?5) "                 \
    "RETURNING " REFRESH_COLS
static store_sql_t SQL_REFRESH_USE = STORE_SQL(REFRESH_USE);
static store_sql_t SQL_REFRESH_PUT = STORE_SQL("INSERT INTO refresh_tokens (" REFRESH_COLS ") "
                                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
static store_sql_t SQL_REFRESH_ROTATE =
    STORE_SQL("WITH old AS (" REFRESH_USE "), "
              "successor AS (INSERT INTO refresh_tokens (" REFRESH_COLS ") "
              "SELECT ?6, family, client_id, sub, scope, auth_time, ?7, ?8, resources, " AUTHN_COLS
              ", dpop_jkt FROM old) "
              "SELECT " REFRESH_COLS " FROM old");
static store_sql_t SQL_REFRESH_STATE =
    STORE_SQL("SELECT family, used_at IS NOT NULL, revoked FROM refresh_tokens "
              "WHERE digest = ? AND client_id = ?");
/* Many may revoke one family at once (every losing spend of a reused
 * token, then the grant's revocation): ordered, or two of them reading the
 * table two ways met in a deadlock on PostgreSQL (test_race_family_revocations). */
static store_sql_t SQL_REFRESH_REVOKE_FAMILY = STORE_SQL_UPDATE_ORDERED(
    "refresh_tokens", "revoked = 1", "digest", "family = ? AND revoked = 0");

static store_sql_t SQL_JTI_REVOKE = STORE_SQL(
    "INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING");
/* a single-use value's mark (its key holds a colon): nobody's token, so no
 * instance's memory changes (migration 023's trigger skips it), and the
 * alias keeps its writer from waiting for them (pg_conn.c statement_tells) */
static store_sql_t SQL_JTI_USE_ONCE =
    STORE_SQL("INSERT INTO revoked_tokens AS once (jti, expires_at) "
              "VALUES (?, ?) ON CONFLICT (jti) DO NOTHING");
/* two seeks: SQLite runs "jti IN (?, ?)" (or an OR of the two) through a
 * temporary b-tree built at every execution, 4 times the cost */
static store_sql_t SQL_JTI_GET = STORE_SQL(
    "SELECT expires_at FROM revoked_tokens WHERE jti = ?1 AND expires_at > ?3 "
    "UNION ALL SELECT expires_at FROM revoked_tokens WHERE jti = ?2 AND expires_at > ?3 LIMIT 1");

/* ---- rows ---- */

/* store_code_t: the columns of CODE_COLS */
static gh_status_t read_code(store_row_t *r, arena_t *a, void *row)
{
    store_code_t c = {0};
    c.digest = store_row_text(r, a);
    c.client_id = store_row_text(r, a);
    c.redirect_uri = store_row_text(r, a);
    c.scope = store_row_text(r, a);
    c.sub = store_row_text(r, a);
    c.nonce = store_row_text(r, a);
    c.code_challenge = store_row_text(r, a);
    c.session_digest = store_row_text(r, a);
    c.family = store_row_text(r, a);
    c.auth_time = store_row_int(r);
    c.expires_at = store_row_int(r);
    c.resources = store_row_text(r, a);
    store_row_authn(r, a, &c.authn);
    c.dpop_jkt = store_row_text(r, a);
    return store_row_done(r, &c, sizeof c, row);
}

/* A code and whether it was used. */
typedef struct {
    store_code_t code;
    bool used;
} code_row_t;

static gh_status_t read_code_row(store_row_t *r, arena_t *a, void *row)
{
    code_row_t *c = row;
    gh_status_t st = read_code(r, a, &c->code);
    if (st == GH_OK)
        c->used = store_row_int(r) != 0;
    return st;
}

/* store_refresh_t: the columns of REFRESH_COLS */
static gh_status_t read_refresh(store_row_t *r, arena_t *a, void *row)
{
    store_refresh_t t = {0};
    t.digest = store_row_text(r, a);
    t.family = store_row_text(r, a);
    t.client_id = store_row_text(r, a);
    t.sub = store_row_text(r, a);
    t.scope = store_row_text(r, a);
    t.auth_time = store_row_int(r);
    t.issued_at = store_row_int(r);
    t.expires_at = store_row_int(r);
    t.resources = store_row_text(r, a);
    store_row_authn(r, a, &t.authn);
    t.dpop_jkt = store_row_text(r, a);
    return store_row_done(r, &t, sizeof t, row);
}

/* What became of a refresh token that did not rotate. */
typedef struct {
    const char *family;
    bool used, revoked;
} refresh_state_t;

static gh_status_t read_refresh_state(store_row_t *r, arena_t *a, void *row)
{
    refresh_state_t t = {0};
    t.family = store_row_text(r, a);
    t.used = store_row_int(r) != 0;
    t.revoked = store_row_int(r) != 0;
    return store_row_done(r, &t, sizeof t, row);
}

/* store_consent_t: client_id, client_name, scope, updated_at, and the two
 * latest uses, of which the later is last_used_at */
static gh_status_t read_consent(store_row_t *r, arena_t *a, void *row)
{
    store_consent_t c = {0};
    c.client_id = store_row_text(r, a);
    c.client_name = store_row_text(r, a);
    c.scope = store_row_text(r, a);
    c.updated_at = store_row_int(r);
    int64_t refreshed = store_row_int(r), redeemed = store_row_int(r);
    c.last_used_at = refreshed > redeemed ? refreshed : redeemed;
    return store_row_done(r, &c, sizeof c, row);
}

/* ---- consents ---- */

gh_status_t store_consent_list(store_t *s, arena_t *a, const char *sub, store_consent_t **out,
                               size_t *count)
{
    return db_list(s, &SQL_CONSENT_LIST, "consent_list", read_consent, a, sizeof **out,
                   (void **)out, count, "s", sub);
}

gh_status_t store_grants_end(store_t *s, const char *op, const char *sub, const char *client_id,
                             int64_t revoke_until)
{
    store_sql_t *const steps[] = {&SQL_END_DENY, &SQL_END_REFRESH, &SQL_END_CODES,
                                  &SQL_END_DEVICES};
    const char *client = client_id ? client_id : "";
    gh_status_t st = GH_OK;
    for (size_t i = 0; st == GH_OK && i < sizeof steps / sizeof steps[0]; i++)
        st = i == 0 ? db_exec(s, steps[i], op, "ssi", sub, client, revoke_until)
                    : db_exec(s, steps[i], op, "ss", sub, client);
    return st;
}

gh_status_t store_consent_revoke(store_t *s, const char *sub, const char *client_id, int64_t now,
                                 int64_t revoke_until)
{
    const char *op = "consent_revoke";
    store_purge(s, now);
    gh_status_t st = db_begin(s, op);
    if (st != GH_OK)
        return st;
    st = db_exec(s, &SQL_CONSENT_DELETE, op, "ss", sub, client_id ? client_id : "");
    if (st == GH_OK)
        st = store_grants_end(s, op, sub, client_id, revoke_until);
    gh_status_t end = db_finish(s, op, st == GH_OK);
    return st != GH_OK ? st : end;
}

gh_status_t store_consent_get(store_t *s, arena_t *a, const char *sub, const char *client_id,
                              const char **scope)
{
    return db_get(s, &SQL_CONSENT_GET, "consent_get", store_read_text, a, scope, "ss", sub,
                  client_id);
}

gh_status_t store_consent_put(store_t *s, const char *sub, const char *client_id, const char *scope,
                              int64_t now)
{
    return db_exec(s, &SQL_CONSENT_PUT, "consent_put", "sssi", sub, client_id, scope, now);
}

/* ---- codes ---- */

/* SQL_CODE_PUT's arguments, then (for SQL_CODE_PUT_TRACKED) the session's
 * expiry */
#define CODE_ARGS(c)                                                                               \
    (c)->digest, (c)->client_id, (c)->redirect_uri, (c)->scope, (c)->sub, (c)->nonce,              \
        (c)->code_challenge, (c)->session_digest, (c)->family, (c)->auth_time, (c)->expires_at,    \
        (c)->resources ? (c)->resources : "", (c)->authn.amr, (c)->authn.acr, (c)->authn.idp,      \
        (c)->authn.sid, (c)->dpop_jkt
#define CODE_FMT "sssssssssiissssss"

gh_status_t store_code_put(store_t *s, const store_code_t *c)
{
    return db_exec(s, &SQL_CODE_PUT, "code_put", CODE_FMT, CODE_ARGS(c));
}

gh_status_t store_code_put_tracked(store_t *s, const store_code_t *c, int64_t session_expires_at)
{
    if (db_dialect(s)->writable_cte)
        return db_exec(s, &SQL_CODE_PUT_TRACKED, "code_put", CODE_FMT "i", CODE_ARGS(c),
                       session_expires_at);
    gh_status_t st = store_code_put(s, c);
    return st == GH_OK && c->authn.sid
               ? store_session_client_add(s, c->authn.sid, c->client_id, c->sub, session_expires_at)
               : st;
}

/* After code_take's update found no redeemable code: a used one is a replay
 * (CONFLICT, *out = the earlier redemption), anything else NOT_FOUND. */
static gh_status_t code_replayed(store_t *s, arena_t *a, const char *digest, const char *client_id,
                                 store_code_t *out)
{
    code_row_t r = {0};
    gh_status_t st =
        db_get(s, &SQL_CODE_FIND, "code_take", read_code_row, a, &r, "ss", digest, client_id);
    if (st != GH_OK)
        return st;
    if (!r.used)
        return GH_ERR_NOT_FOUND; /* expired unused */
    *out = r.code;
    return GH_ERR_CONFLICT;
}

/* Marks a redeemable code used and, with first, inserts the grant's first
 * refresh token, as one: *c gets the code; GH_ERR_NOT_FOUND when it was not
 * redeemable. */
static gh_status_t take_live(store_t *s, arena_t *a, const char *digest, const char *client_id,
                             int64_t now, const char *family, const store_refresh_t *first,
                             store_code_t *c)
{
    const char *op = "code_take";
    if (!first)
        return db_get(s, &SQL_CODE_TAKE, op, read_code, a, c, "siss", digest, now, family,
                      client_id);
    if (db_dialect(s)->writable_cte)
        return db_get(s, &SQL_CODE_REDEEM, op, read_code, a, c, "sisssiis", digest, now, family,
                      client_id, first->digest, first->issued_at, first->expires_at,
                      first->dpop_jkt);
    gh_status_t st = db_begin(s, op);
    if (st != GH_OK)
        return st;
    st = db_get(s, &SQL_CODE_TAKE, op, read_code, a, c, "siss", digest, now, family, client_id);
    if (st == GH_OK)
        st = db_exec(s, &SQL_REFRESH_PUT, op, "sssssiiissssss", first->digest, c->family,
                     c->client_id, c->sub, c->scope, c->auth_time, first->issued_at,
                     first->expires_at, c->resources ? c->resources : "", c->authn.amr,
                     c->authn.acr, c->authn.idp, c->authn.sid, first->dpop_jkt);
    gh_status_t end = db_finish(s, op, st == GH_OK);
    return st != GH_OK ? st : end;
}

gh_status_t store_code_take(store_t *s, arena_t *a, const char *digest, const char *client_id,
                            int64_t now, const char *family, store_code_t *out)
{
    return store_code_redeem(s, a, digest, client_id, now, family, NULL, out);
}

gh_status_t store_code_redeem(store_t *s, arena_t *a, const char *digest, const char *client_id,
                              int64_t now, const char *family, const store_refresh_t *first,
                              store_code_t *out)
{
    store_code_t c = {0};
    store_purge(s, now);
    gh_status_t st = take_live(s, a, digest, client_id, now, family, first, &c);
    if (st == GH_ERR_NOT_FOUND)
        st = code_replayed(s, a, digest, client_id, &c);
    if (st == GH_OK || st == GH_ERR_CONFLICT)
        *out = c;
    return st;
}

/* ---- refresh tokens ---- */

gh_status_t store_refresh_put(store_t *s, const store_refresh_t *r)
{
    gh_status_t st =
        db_exec_one(s, &SQL_REFRESH_START, "refresh_put", "sssssiiissssss", r->digest, r->family,
                    r->client_id, r->sub, r->scope, r->auth_time, r->issued_at, r->expires_at,
                    r->resources ? r->resources : "", r->authn.amr, r->authn.acr, r->authn.idp,
                    r->authn.sid, r->dpop_jkt);
    return st == GH_ERR_NOT_FOUND ? GH_ERR_CONFLICT : st;
}

gh_status_t store_refresh_get(store_t *s, arena_t *a, const char *digest, int64_t now,
                              store_refresh_t *out)
{
    return db_get(s, &SQL_REFRESH_GET, "refresh_get", read_refresh, a, out, "si", digest, now);
}

/* Marks a live old token used and inserts its successor, as one: *r gets the
 * old token; GH_ERR_NOT_FOUND when it was not live. */
static gh_status_t rotate_live(store_t *s, arena_t *a, const char *digest, const char *client_id,
                               int64_t now, int64_t grace, const store_refresh_t *next,
                               store_refresh_t *r)
{
    const char *op = "refresh_rotate", *jkt = next->dpop_jkt ? next->dpop_jkt : "";
    if (db_dialect(s)->writable_cte)
        return db_get(s, &SQL_REFRESH_ROTATE, op, read_refresh, a, r, "ssiissii", digest, client_id,
                      now, grace, jkt, next->digest, next->issued_at, next->expires_at);
    gh_status_t st = db_begin(s, op);
    if (st != GH_OK)
        return st;
    st = db_get(s, &SQL_REFRESH_USE, op, read_refresh, a, r, "ssiis", digest, client_id, now, grace,
                jkt);
    if (st == GH_OK)
        st = db_exec(s, &SQL_REFRESH_PUT, op, "sssssiiissssss", next->digest, r->family,
                     r->client_id, r->sub, r->scope, r->auth_time, next->issued_at,
                     next->expires_at, r->resources ? r->resources : "", r->authn.amr, r->authn.acr,
                     r->authn.idp, r->authn.sid, r->dpop_jkt);
    gh_status_t end = db_finish(s, op, st == GH_OK);
    return st != GH_OK ? st : end;
}

/* After a rotation found no live token: one already used (and not revoked)
 * is being reused, so its family is revoked (RFC 9700 §4.14.2) and the
 * answer is CONFLICT; unknown, another client's, revoked or expired is
 * NOT_FOUND. */
static gh_status_t refresh_reused(store_t *s, arena_t *a, const char *digest, const char *client_id,
                                  store_refresh_t *old)
{
    refresh_state_t r = {0};
    gh_status_t st = db_get(s, &SQL_REFRESH_STATE, "refresh_rotate", read_refresh_state, a, &r,
                            "ss", digest, client_id);
    if (st != GH_OK)
        return st;
    if (r.revoked || !r.used)
        return GH_ERR_NOT_FOUND;
    st = db_exec(s, &SQL_REFRESH_REVOKE_FAMILY, "refresh_rotate", "s", r.family);
    old->family = r.family;
    return st == GH_OK ? GH_ERR_CONFLICT : st;
}

gh_status_t store_refresh_rotate(store_t *s, arena_t *a, const char *old_digest,
                                 const char *client_id, int64_t now, int64_t grace,
                                 const store_refresh_t *next, store_refresh_t *old)
{
    store_refresh_t r = {0};
    store_purge(s, now);
    gh_status_t st = rotate_live(s, a, old_digest, client_id, now, grace, next, &r);
    if (st == GH_ERR_NOT_FOUND)
        return refresh_reused(s, a, old_digest, client_id, old);
    if (st == GH_OK)
        *old = r;
    return st;
}

gh_status_t store_refresh_revoke_family(store_t *s, const char *family)
{
    return db_exec(s, &SQL_REFRESH_REVOKE_FAMILY, "refresh_revoke_family", "s", family);
}

/* ---- the denylist ---- */

gh_status_t store_jti_revoke(store_t *s, const char *jti, int64_t expires_at, int64_t now)
{
    store_purge(s, now);
    return db_exec(s, &SQL_JTI_REVOKE, "jti_revoke", "si", jti, expires_at);
}

gh_status_t store_jti_use_once(store_t *s, const char *jti, int64_t expires_at, int64_t now)
{
    int changes = 0;
    store_purge(s, now);
    gh_status_t st =
        db_exec_count(s, &SQL_JTI_USE_ONCE, "jti_use_once", &changes, "si", jti, expires_at);
    return st == GH_OK && changes == 0 ? GH_ERR_CONFLICT : st;
}

gh_status_t store_jti_is_revoked(store_t *s, const char *jti, const char *family, int64_t now,
                                 bool *revoked)
{
    store_cursor_t c;
    gh_status_t st =
        db_query(s, &SQL_JTI_GET, "jti_is_revoked", &c, "ssi", jti, family ? family : jti, now);
    db_end(&c);
    if (st != GH_OK && st != GH_ERR_NOT_FOUND)
        return st;
    *revoked = st == GH_OK;
    return GH_OK;
}
