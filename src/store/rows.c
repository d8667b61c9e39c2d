/* Row readers shared by the storage engines: each fills in one record from
 * the current row of a query, column by column through the engine's cursor
 * (store_row_t), so the SQLite and PostgreSQL engines read their rows the
 * same way and only supply the two column getters. Strings are copied into
 * the caller's arena; a record is written only when its whole row was read.
 * The column orders are the contract of store_int.h. */
#include <string.h>

#include "store/store_int.h"

static char *text(store_row_t *r, arena_t *a)
{
    return r->ops->text(r, a);
}

static int64_t integer(store_row_t *r)
{
    return r->ops->integer(r);
}

static gh_status_t row_status(const store_row_t *r)
{
    return r->oom ? GH_ERR_NOMEM : GH_OK;
}

/* Copies the record rec of size bytes into row when r was read whole. */
static gh_status_t finish(const store_row_t *r, const void *rec, size_t size, void *row)
{
    gh_status_t st = row_status(r);
    if (st == GH_OK)
        memcpy(row, rec, size);
    return st;
}

gh_status_t store_read_text(store_row_t *r, arena_t *a, void *row)
{
    const char *v = text(r, a);
    return finish(r, &v, sizeof v, row);
}

gh_status_t store_read_int(store_row_t *r, arena_t *a, void *row)
{
    (void)a;
    *(int64_t *)row = integer(r);
    return GH_OK;
}

gh_status_t store_read_bool(store_row_t *r, arena_t *a, void *row)
{
    (void)a;
    *(bool *)row = integer(r) != 0;
    return GH_OK;
}

gh_status_t store_read_user(store_row_t *r, arena_t *a, void *row)
{
    store_user_t u = {0};
    u.sub = text(r, a);
    u.username = text(r, a);
    u.password_hash = text(r, a);
    u.email = text(r, a);
    u.nickname = text(r, a);
    u.name = text(r, a);
    u.created_at = integer(r);
    return finish(r, &u, sizeof u, row);
}

gh_status_t store_read_client(store_row_t *r, arena_t *a, void *row)
{
    store_client_t c = {0};
    c.id = text(r, a);
    c.secret_digest = text(r, a);
    c.name = text(r, a);
    char *uris = text(r, a);
    char *logout_uris = text(r, a);
    c.scope = text(r, a);
    c.grants = (unsigned)integer(r);
    c.is_public = integer(r) != 0;
    c.created_at = integer(r);
    gh_status_t st = row_status(r);
    if (st == GH_OK)
        st = store_lines_split(a, uris, &c.redirect_uris, &c.redirect_uri_count);
    if (st == GH_OK)
        st = store_lines_split(a, logout_uris, &c.post_logout_redirect_uris,
                               &c.post_logout_redirect_uri_count);
    if (st == GH_OK)
        *(store_client_t *)row = c;
    return st;
}

gh_status_t store_read_session(store_row_t *r, arena_t *a, void *row)
{
    store_session_t sess = {0};
    sess.digest = text(r, a);
    sess.sub = text(r, a);
    sess.auth_time = integer(r);
    sess.expires_at = integer(r);
    return finish(r, &sess, sizeof sess, row);
}

gh_status_t store_read_code(store_row_t *r, arena_t *a, void *row)
{
    store_code_t c = {0};
    c.digest = text(r, a);
    c.client_id = text(r, a);
    c.redirect_uri = text(r, a);
    c.scope = text(r, a);
    c.sub = text(r, a);
    c.nonce = text(r, a);
    c.code_challenge = text(r, a);
    c.session_digest = text(r, a);
    c.family = text(r, a);
    c.auth_time = integer(r);
    c.expires_at = integer(r);
    return finish(r, &c, sizeof c, row);
}

gh_status_t store_read_code_row(store_row_t *r, arena_t *a, void *row)
{
    store_code_row_t *c = row;
    gh_status_t st = store_read_code(r, a, &c->code);
    if (st == GH_OK)
        c->used = integer(r) != 0;
    return st;
}

gh_status_t store_read_refresh(store_row_t *r, arena_t *a, void *row)
{
    store_refresh_t t = {0};
    t.digest = text(r, a);
    t.family = text(r, a);
    t.client_id = text(r, a);
    t.sub = text(r, a);
    t.scope = text(r, a);
    t.auth_time = integer(r);
    t.issued_at = integer(r);
    t.expires_at = integer(r);
    return finish(r, &t, sizeof t, row);
}

gh_status_t store_read_refresh_row(store_row_t *r, arena_t *a, void *row)
{
    store_refresh_row_t *t = row;
    gh_status_t st = store_read_refresh(r, a, &t->token);
    if (st == GH_OK) {
        t->used = integer(r) != 0;
        t->revoked = integer(r) != 0;
    }
    return st;
}

gh_status_t store_read_refresh_state(store_row_t *r, arena_t *a, void *row)
{
    store_refresh_state_t t = {0};
    t.family = text(r, a);
    t.used = integer(r) != 0;
    t.revoked = integer(r) != 0;
    return finish(r, &t, sizeof t, row);
}

gh_status_t store_read_key(store_row_t *r, arena_t *a, void *row)
{
    store_key_t k = {0};
    k.kid = text(r, a);
    k.alg = text(r, a);
    k.private_jwk = text(r, a);
    k.created_at = integer(r);
    k.retire_at = integer(r);
    k.activate_at = integer(r);
    return finish(r, &k, sizeof k, row);
}

gh_status_t store_read_attempts(store_row_t *r, arena_t *a, void *row)
{
    (void)a;
    store_attempts_t l = {0};
    l.failures = integer(r);
    l.window_start = integer(r);
    l.last_failure = integer(r);
    l.last_success = integer(r);
    return finish(r, &l, sizeof l, row);
}

gh_status_t store_read_device(store_row_t *r, arena_t *a, void *row)
{
    store_device_t d = {0};
    d.digest = text(r, a);
    d.user_code_digest = text(r, a);
    d.client_id = text(r, a);
    d.scope = text(r, a);
    d.state = (store_device_state_t)integer(r);
    d.sub = text(r, a);
    d.auth_time = integer(r);
    d.interval = integer(r);
    d.last_poll = integer(r);
    d.expires_at = integer(r);
    return finish(r, &d, sizeof d, row);
}

gh_status_t store_read_gw_state(store_row_t *r, arena_t *a, void *row)
{
    store_gw_state_t g = {0};
    g.digest = text(r, a);
    g.platform = text(r, a);
    g.nonce = text(r, a);
    g.expires_at = integer(r);
    g.binding = text(r, a);
    return finish(r, &g, sizeof g, row);
}

gh_status_t store_read_gw_state_row(store_row_t *r, arena_t *a, void *row)
{
    store_gw_state_row_t *g = row;
    gh_status_t st = store_read_gw_state(r, a, &g->state);
    if (st == GH_OK)
        g->used = integer(r) != 0;
    return st;
}

gh_status_t store_read_gw_user(store_row_t *r, arena_t *a, void *row)
{
    store_gw_user_t u = {0};
    u.id = text(r, a);
    u.platform = text(r, a);
    u.platform_user_id = text(r, a);
    u.email = text(r, a);
    u.name = text(r, a);
    u.profile = text(r, a);
    u.tokens = text(r, a);
    u.created_at = integer(r);
    u.updated_at = integer(r);
    return finish(r, &u, sizeof u, row);
}

gh_status_t store_read_gw_refresh_row(store_row_t *r, arena_t *a, void *row)
{
    store_gw_refresh_row_t g = {0};
    g.user_id = text(r, a);
    g.expires_at = integer(r);
    g.used = integer(r) != 0;
    g.used_at = integer(r);
    return finish(r, &g, sizeof g, row);
}
