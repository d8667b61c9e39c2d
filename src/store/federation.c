/* The federation store (federation.h): member links and federation states.
 * Taking a state is `UPDATE … WHERE used_at IS NULL … RETURNING`, as for the
 * gateway's states (gateway.c); a member and its first link are inserted in
 * one write transaction, so a failure leaves neither. */
#include "store/db.h"

#define LINK_COLS "platform, subject, sub, email, tokens, created_at"
#define STATE_COLS "digest, platform, nonce, binding, request, identity, expires_at"

static store_sql_t SQL_STATE_PUT =
    STORE_SQL("INSERT INTO federation_states (" STATE_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?)");
static store_sql_t SQL_STATE_TAKE =
    STORE_SQL("UPDATE federation_states SET used_at = ?2 WHERE digest = ?1 AND used_at IS NULL "
              "AND expires_at > ?2 RETURNING " STATE_COLS);
static store_sql_t SQL_STATE_USED =
    STORE_SQL("SELECT used_at IS NOT NULL FROM federation_states WHERE digest = ?");
static store_sql_t SQL_LINK_GET =
    STORE_SQL("SELECT " LINK_COLS " FROM member_links WHERE platform = ? AND subject = ?");
static store_sql_t SQL_LINK_ADD =
    STORE_SQL("INSERT INTO member_links (" LINK_COLS ") VALUES (?, ?, ?, ?, ?, ?)");
static store_sql_t SQL_LINKS_OF =
    STORE_SQL("SELECT " LINK_COLS " FROM member_links WHERE sub = ? ORDER BY platform, subject");
static store_sql_t SQL_LINK_REMOVE =
    STORE_SQL("DELETE FROM member_links WHERE sub = ? AND platform = ?");
static store_sql_t SQL_BY_EMAIL =
    STORE_SQL("SELECT sub, username, password_hash, email, nickname, name, created_at, "
              "disabled_at, email_verified FROM users WHERE lower(email) = lower(?) "
              "ORDER BY created_at LIMIT 2"); /* store_read_user's columns */

static gh_status_t read_state(store_row_t *r, arena_t *a, void *row)
{
    store_fed_state_t g = {0};
    g.digest = store_row_text(r, a);
    g.platform = store_row_text(r, a);
    g.nonce = store_row_text(r, a);
    g.binding = store_row_text(r, a);
    g.request = store_row_text(r, a);
    g.identity = store_row_text(r, a);
    g.expires_at = store_row_int(r);
    return store_row_done(r, &g, sizeof g, row);
}

static gh_status_t read_link(store_row_t *r, arena_t *a, void *row)
{
    store_link_t l = {0};
    l.platform = store_row_text(r, a);
    l.subject = store_row_text(r, a);
    l.sub = store_row_text(r, a);
    l.email = store_row_text(r, a);
    l.tokens = store_row_text(r, a);
    l.created_at = store_row_int(r);
    return store_row_done(r, &l, sizeof l, row);
}

gh_status_t store_fed_state_put(store_t *s, const store_fed_state_t *g)
{
    return db_exec(s, &SQL_STATE_PUT, "fed_state_put", "ssssssi", g->digest, g->platform, g->nonce,
                   g->binding, g->request, g->identity, g->expires_at);
}

gh_status_t store_fed_state_take(store_t *s, arena_t *a, const char *digest, int64_t now,
                                 store_fed_state_t *out)
{
    store_fed_state_t g = {0};
    bool used = false;
    store_purge(s, now);
    gh_status_t st =
        db_get(s, &SQL_STATE_TAKE, "fed_state_take", read_state, a, &g, "si", digest, now);
    if (st == GH_OK)
        *out = g;
    if (st != GH_ERR_NOT_FOUND)
        return st;
    st = db_get(s, &SQL_STATE_USED, "fed_state_take", store_read_bool, NULL, &used, "s", digest);
    if (st != GH_OK)
        return st;
    return used ? GH_ERR_CONFLICT : GH_ERR_NOT_FOUND;
}

gh_status_t store_link_get(store_t *s, arena_t *a, const char *platform, const char *subject,
                           store_link_t *out)
{
    return db_get(s, &SQL_LINK_GET, "link_get", read_link, a, out, "ss", platform, subject);
}

static gh_status_t link_add(store_t *s, const char *op, const store_link_t *l)
{
    return db_exec(s, &SQL_LINK_ADD, op, "sssssi", l->platform, l->subject, l->sub, l->email,
                   l->tokens, l->created_at);
}

gh_status_t store_link_add(store_t *s, const store_link_t *l)
{
    return link_add(s, "link_add", l);
}

gh_status_t store_member_add_linked(store_t *s, const store_user_t *u, const store_link_t *l)
{
    const char *op = "member_add_linked";
    gh_status_t st = db_begin(s, op);
    if (st != GH_OK)
        return st;
    st = store_user_add(s, u);
    if (st == GH_OK)
        st = link_add(s, op, l);
    gh_status_t end = db_finish(s, op, st == GH_OK);
    return st != GH_OK ? st : end;
}

gh_status_t store_links_of(store_t *s, arena_t *a, const char *sub, store_link_t **out,
                           size_t *count)
{
    return db_list(s, &SQL_LINKS_OF, "links_of", read_link, a, sizeof **out, (void **)out, count,
                   "s", sub);
}

gh_status_t store_link_remove(store_t *s, const char *sub, const char *platform)
{
    return db_exec_one(s, &SQL_LINK_REMOVE, "link_remove", "ss", sub, platform);
}

gh_status_t store_users_by_email(store_t *s, arena_t *a, const char *email, store_user_t **out,
                                 size_t *count)
{
    return db_list(s, &SQL_BY_EMAIL, "users_by_email", store_read_user, a, sizeof **out,
                   (void **)out, count, "s", email);
}
