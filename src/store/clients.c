/* The clients store: registered applications (clients.h). A client's URI
 * lists are stored as newline-joined text columns: a URI never holds a raw
 * newline, so joining loses nothing, and an empty or newline-holding URI is
 * refused before it can be stored (it would split into something else on the
 * way back). Removing a client cascades to its consents, codes and tokens. */
#include <string.h>

#include "core/buf.h"
#include "store/cache.h"
#include "store/db.h"

#define JOIN_ARENA_CAP (1u << 20)
#define SUBJECT_PAIRWISE "pairwise" /* clients.subject_type, else "public" */
#define CLIENT_COLS STORE_CLIENT_COLS

static store_sql_t SQL_ADD =
    STORE_SQL("INSERT INTO clients (" CLIENT_COLS ") VALUES "
              "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
static store_sql_t SQL_GET = STORE_SQL("SELECT " CLIENT_COLS " FROM clients WHERE id = ?");
static store_sql_t SQL_LIST = STORE_SQL("SELECT " CLIENT_COLS " FROM clients ORDER BY id");
/* store_client_get_token, in order: ?1 client id, ?2 jti, ?3 family (or the
 * jti again), ?4 now, ?5 sub; the denylist with two seeks, as grants.c's
 * lookup does */
static store_sql_t SQL_GET_TOKEN =
    STORE_SQL("SELECT " CLIENT_COLS ", "
              "EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?2 AND expires_at > ?4) "
              "OR EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = ?3 AND expires_at > ?4), "
              "(SELECT username FROM users WHERE sub = ?5) FROM clients WHERE id = ?1");
static store_sql_t SQL_REMOVE = STORE_SQL("DELETE FROM clients WHERE id = ?");
static store_sql_t SQL_PAGE =
    STORE_SQL("SELECT " CLIENT_COLS " FROM clients WHERE id > ? ORDER BY id LIMIT ?");
/* every column but id, created_at, dynamic and last_used_at, then the id */
static store_sql_t SQL_UPDATE = STORE_SQL(
    "UPDATE clients SET secret_digest = ?, name = ?, redirect_uris = ?, "
    "post_logout_redirect_uris = ?, scope = ?, grants = ?, is_public = ?, "
    "backchannel_logout_uri = ?, backchannel_logout_session_required = ?, "
    "frontchannel_logout_uri = ?, frontchannel_logout_session_required = ?, require_mfa = ?, "
    "id_token_claims = ?, subject_type = ?, jwks = ?, jwks_uri = ?, resources = ?, "
    "require_par = ?, dpop_bound_access_tokens = ?, security_profile = ?, application_type = ?, "
    "contacts = ?, registration_token_digest = ? WHERE id = ?");

static bool lines_ok(const char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!v[i] || !*v[i] || strchr(v[i], '\n'))
            return false;
    return true;
}

static const char *join_lines(arena_t *a, const char **v, size_t n)
{
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, '\n');
        buf_puts(&b, v[i]);
    }
    return buf_cstr(&b);
}

/* Splits an arena string in place at its newlines into an arena array; NULL
 * or "" gives no elements. */
static gh_status_t split_lines(arena_t *a, char *joined, const char ***out, size_t *count)
{
    size_t n = 0;
    const char **v = NULL;
    if (joined && *joined) {
        n = 1;
        for (const char *p = joined; (p = strchr(p, '\n')); p++)
            n++;
        v = arena_alloc(a, n * sizeof *v);
        if (!v)
            return GH_ERR_NOMEM;
        for (size_t i = 0; i < n; i++)
            v[i] = strsep(&joined, "\n");
    }
    *out = v;
    *count = n;
    return GH_OK;
}

/* store_client_t: the columns of CLIENT_COLS */
gh_status_t store_read_client(store_row_t *r, arena_t *a, void *row)
{
    store_client_t c = {0};
    c.id = store_row_text(r, a);
    c.secret_digest = store_row_text(r, a);
    c.name = store_row_text(r, a);
    char *uris = store_row_text(r, a);
    char *logout_uris = store_row_text(r, a);
    c.scope = store_row_text(r, a);
    c.grants = (unsigned)store_row_int(r);
    c.is_public = store_row_int(r) != 0;
    c.created_at = store_row_int(r);
    c.backchannel_logout_uri = store_row_text(r, a);
    c.backchannel_logout_session_required = store_row_int(r) != 0;
    c.frontchannel_logout_uri = store_row_text(r, a);
    c.frontchannel_logout_session_required = store_row_int(r) != 0;
    c.require_mfa = store_row_int(r) != 0;
    c.id_token_claims = store_row_text(r, a);
    const char *subject_type = store_row_text(r, a);
    c.pairwise = subject_type && !strcmp(subject_type, SUBJECT_PAIRWISE);
    c.jwks = store_row_text(r, a);
    c.jwks_uri = store_row_text(r, a);
    char *resources = store_row_text(r, a);
    c.require_par = store_row_int(r) != 0;
    c.dpop_bound = store_row_int(r) != 0;
    const char *profile = store_row_text(r, a);
    c.fapi2 = profile && !strcmp(profile, STORE_PROFILE_FAPI2);
    c.application_type = store_row_text(r, a);
    char *contacts = store_row_text(r, a);
    c.dynamic = store_row_int(r) != 0;
    c.registration_token_digest = store_row_text(r, a);
    c.last_used_at = store_row_int(r);
    gh_status_t st = r->oom ? GH_ERR_NOMEM : GH_OK;
    if (st == GH_OK)
        st = split_lines(a, uris, &c.redirect_uris, &c.redirect_uri_count);
    if (st == GH_OK)
        st = split_lines(a, logout_uris, &c.post_logout_redirect_uris,
                         &c.post_logout_redirect_uri_count);
    if (st == GH_OK)
        st = split_lines(a, resources, &c.resources, &c.resource_count);
    if (st == GH_OK)
        st = split_lines(a, contacts, &c.contacts, &c.contact_count);
    if (st == GH_OK)
        *(store_client_t *)row = c;
    return st;
}

/* A client, whether a token is revoked, and a member's username. */
typedef struct {
    store_client_t client;
    bool revoked;
    const char *username;
    store_cache_t *cache; /* where the client is kept; NULL: nowhere */
    uint64_t generation;  /* the cache's before the read */
} client_token_t;

/* The client, also kept in memory (cache.h). */
static gh_status_t read_client_kept(store_row_t *r, arena_t *a, void *row)
{
    client_token_t *t = row;
    cache_tape_t tape;
    gh_status_t st = store_read_client(cache_tape_start(&tape, r, t->cache), a, &t->client);
    cache_tape_keep(t->cache, CACHE_CLIENTS, t->client.id, t->generation, &tape, st == GH_OK);
    return st;
}

static gh_status_t read_client_token(store_row_t *r, arena_t *a, void *row)
{
    client_token_t *t = row;
    gh_status_t st = read_client_kept(r, a, t);
    if (st == GH_OK) {
        t->revoked = store_row_int(r) != 0;
        st = store_read_text(r, a, &t->username);
    }
    return st;
}

/* store_client_get_token from memory: true when the client, and the
 * member when sub is not NULL, were there. */
static bool token_remembered(store_cache_t *m, arena_t *a, const char *id, const char *jti,
                             const char *family, const char *sub, int64_t now, client_token_t *t)
{
    store_user_t member;
    if (!cache_trusted(m) || !cache_row_get(m, CACHE_CLIENTS, id, store_read_client, a, &t->client))
        return false;
    if (sub && !cache_row_get(m, CACHE_MEMBERS, sub, store_read_user, a, &member))
        return false;
    t->username = sub ? member.username : NULL;
    t->revoked = cache_token_denied(m, jti, family, now);
    return true;
}

/* Writes c with sql: SQL_ADD's columns, or SQL_UPDATE's (update true). */
static gh_status_t client_write(store_t *s, const store_client_t *c, bool update)
{
    if (!lines_ok(c->redirect_uris, c->redirect_uri_count) ||
        !lines_ok(c->post_logout_redirect_uris, c->post_logout_redirect_uri_count) ||
        !lines_ok(c->resources, c->resource_count) || !lines_ok(c->contacts, c->contact_count))
        return GH_ERR_INVALID;
    arena_t *a = arena_new(JOIN_ARENA_CAP);
    if (!a)
        return GH_ERR_NOMEM;
    const char *uris = join_lines(a, c->redirect_uris, c->redirect_uri_count);
    const char *logout_uris =
        join_lines(a, c->post_logout_redirect_uris, c->post_logout_redirect_uri_count);
    const char *resources = join_lines(a, c->resources, c->resource_count);
    const char *contacts = join_lines(a, c->contacts, c->contact_count);
    const char *subject = c->pairwise ? SUBJECT_PAIRWISE : "public";
    const char *profile = c->fapi2 ? STORE_PROFILE_FAPI2 : NULL;
    gh_status_t st = GH_ERR_NOMEM;
    bool joined = uris && logout_uris && resources && contacts;
    if (joined && update)
        st = db_exec_one(
            s, &SQL_UPDATE, "client_update", "sssssiisisiisssssiisssss", c->secret_digest, c->name,
            uris, logout_uris, c->scope, (int64_t)c->grants, (int64_t)c->is_public,
            c->backchannel_logout_uri, (int64_t)c->backchannel_logout_session_required,
            c->frontchannel_logout_uri, (int64_t)c->frontchannel_logout_session_required,
            (int64_t)c->require_mfa, c->id_token_claims, subject, c->jwks, c->jwks_uri, resources,
            (int64_t)c->require_par, (int64_t)c->dpop_bound, profile, c->application_type, contacts,
            c->registration_token_digest, c->id);
    else if (joined)
        st = db_exec(s, &SQL_ADD, "client_add", "ssssssiiisisiisssssiisssisi", c->id,
                     c->secret_digest, c->name, uris, logout_uris, c->scope, (int64_t)c->grants,
                     (int64_t)c->is_public, c->created_at, c->backchannel_logout_uri,
                     (int64_t)c->backchannel_logout_session_required, c->frontchannel_logout_uri,
                     (int64_t)c->frontchannel_logout_session_required, (int64_t)c->require_mfa,
                     c->id_token_claims, subject, c->jwks, c->jwks_uri, resources,
                     (int64_t)c->require_par, (int64_t)c->dpop_bound, profile, c->application_type,
                     contacts, (int64_t)c->dynamic, c->registration_token_digest, c->last_used_at);
    arena_free(a);
    return st;
}

gh_status_t store_client_add(store_t *s, const store_client_t *c)
{
    return client_write(s, c, false);
}

gh_status_t store_client_update(store_t *s, const store_client_t *c)
{
    return client_write(s, c, true);
}

gh_status_t store_client_page(store_t *s, arena_t *a, const char *after, size_t limit,
                              store_client_t **out, size_t *count)
{
    return db_list(s, &SQL_PAGE, "client_page", store_read_client, a, sizeof **out, (void **)out,
                   count, "si", after ? after : "", (int64_t)limit);
}

gh_status_t store_client_get(store_t *s, arena_t *a, const char *id, store_client_t *out)
{
    if (cache_trusted(s->cache) &&
        cache_row_get(s->cache, CACHE_CLIENTS, id, store_read_client, a, out))
        return GH_OK;
    client_token_t t = {.cache = s->cache, .generation = cache_generation(s->cache)};
    gh_status_t st = db_get(s, &SQL_GET, "client_get", read_client_kept, a, &t, "s", id);
    if (st == GH_OK)
        *out = t.client;
    return st;
}

gh_status_t store_client_list(store_t *s, arena_t *a, store_client_t **out, size_t *count)
{
    return db_list(s, &SQL_LIST, "client_list", store_read_client, a, sizeof **out, (void **)out,
                   count, "");
}

gh_status_t store_client_remove(store_t *s, const char *id)
{
    return db_exec_one(s, &SQL_REMOVE, "client_remove", "s", id);
}

gh_status_t store_client_get_token(store_t *s, arena_t *a, const char *id, const char *jti,
                                   const char *family, const char *sub, int64_t now,
                                   store_client_t *out, bool *revoked, const char **username)
{
    client_token_t t = {.cache = s->cache, .generation = cache_generation(s->cache)};
    gh_status_t st = GH_OK;
    if (!token_remembered(s->cache, a, id, jti, family, sub, now, &t))
        st = db_get(s, &SQL_GET_TOKEN, "client_get_token", read_client_token, a, &t, "sssis", id,
                    jti, family ? family : jti, now, sub);
    if (st == GH_OK) {
        *out = t.client;
        *revoked = t.revoked;
        *username = t.username;
    }
    return st;
}
