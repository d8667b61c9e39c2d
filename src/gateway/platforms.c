/* The configured platforms: one [platform.NAME] section each, read once at
 * start into gw_platform_t (kind row + client credentials + overrides), and
 * the endpoints a call should use.
 *
 * Names appear in URL paths, so they are short lower-case words; "auto" and
 * "put" are refused (they are API paths of their own). Every configured URL
 * must be https, or http to a loopback host (httpc's rule), so a typo cannot
 * send a client secret in the clear. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "gateway/gateway_int.h"

#define MAX_PLATFORMS 32
#define MAX_NAME 32
#define PREFIX "platform."

typedef struct {
    const config_t *cfg;
    arena_t *a;
    const char *public_url;
    gw_platform_t *list;
    size_t count;
    gh_status_t st;
    char *err;
    size_t err_len;
} load_t;

static gh_status_t bad(load_t *l, const char *section, const char *what)
{
    snprintf(l->err, l->err_len, "[%s]: %s", section, what);
    return GH_ERR_INVALID;
}

static bool name_ok(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len > MAX_NAME || !strcmp(n, "auto") || !strcmp(n, "put"))
        return false;
    return strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

/* The scope items (space-separated in the file) joined by the kind's separator. */
static const char *join_scope(arena_t *a, const char *scope, char sep)
{
    buf_t b;
    buf_init(&b, a);
    for (const char *p = scope; p && *p;) {
        size_t n = strcspn(p, " ");
        if (n && b.len)
            buf_putc(&b, sep);
        buf_append(&b, p, n);
        p += n + (p[n] == ' ');
    }
    return buf_cstr(&b);
}

/* An optional URL key; false (and the error written) when it is not allowed. */
static bool url_key(load_t *l, const char *section, const char *key, const char **out)
{
    const char *v = config_get(l->cfg, section, key);
    if (v && !httpc_url_allowed(v)) {
        l->st = bad(l, section, "URLs must be https:// (http:// only to a loopback host)");
        return false;
    }
    *out = v;
    return true;
}

static gh_status_t fill(load_t *l, const char *section, gw_platform_t *p)
{
    const config_t *c = l->cfg;
    p->name = section + strlen(PREFIX);
    p->kind = gw_kind_find(config_get(c, section, "kind"));
    p->client_id = config_get(c, section, "client_id");
    p->client_secret = config_get(c, section, "client_secret");
    p->issuer = config_get(c, section, "issuer");
    if (!name_ok(p->name))
        return bad(l, section, "platform names are 1-32 of a-z 0-9 _ - (not auto, put)");
    if (!p->kind)
        return bad(l, section, "kind must be one of naver, kakao, google, github, oidc");
    if (!p->client_id || !*p->client_id)
        return bad(l, section, "client_id is required");
    if (p->kind->oidc && (!p->issuer || !httpc_url_allowed(p->issuer)))
        return bad(l, section, "kind = oidc needs issuer, an https:// URL (http:// to loopback)");
    const char *scope = config_get(c, section, "scope");
    p->scope = join_scope(l->a, scope ? scope : p->kind->scope, p->kind->scope_sep);
    p->redirect_uri =
        arena_printf(l->a, "%s" GW_CALLBACK_PATH "?platform=%s", l->public_url, p->name);
    if (!p->scope || !p->redirect_uri)
        return GH_ERR_NOMEM;
    gw_endpoints_t *e = &p->configured;
    if (!url_key(l, section, "authorize_url", &e->authorize) ||
        !url_key(l, section, "token_url", &e->token) ||
        !url_key(l, section, "userinfo_url", &e->userinfo) ||
        !url_key(l, section, "revoke_url", &e->revoke) ||
        !url_key(l, section, "jwks_url", &e->jwks))
        return l->st;
    if (p->kind->oidc && !(p->oidc = gw_oidc_new()))
        return GH_ERR_NOMEM;
    return GH_OK;
}

static void on_section(const char *section, void *ctx)
{
    load_t *l = ctx;
    if (l->st != GH_OK)
        return;
    if (l->count == MAX_PLATFORMS) {
        l->st = bad(l, section, "too many platforms");
        return;
    }
    gw_platform_t *p = &l->list[l->count++];
    l->st = fill(l, section, p);
}

gh_status_t gw_platforms_load(const config_t *cfg, arena_t *a, const char *public_url,
                              gw_platform_t **out, size_t *count, char *err, size_t err_len)
{
    load_t l = {cfg, a,     public_url, calloc(MAX_PLATFORMS, sizeof(gw_platform_t)),
                0,   GH_OK, err,        err_len};
    if (!l.list)
        return GH_ERR_NOMEM;
    config_each_section(cfg, PREFIX, on_section, &l);
    if (l.st == GH_OK && l.count == 0) {
        snprintf(err, err_len, "no platform configured: add a [platform.NAME] section");
        l.st = GH_ERR_INVALID;
    }
    if (l.st != GH_OK) {
        gw_platforms_free(l.list, l.count);
        return l.st;
    }
    *out = l.list;
    *count = l.count;
    return GH_OK;
}

void gw_platforms_free(gw_platform_t *p, size_t count)
{
    for (size_t i = 0; p && i < count; i++)
        gw_oidc_free(p[i].oidc);
    free(p);
}

gw_platform_t *gw_platform_find(const http_request_t *req, const char *name)
{
    gw_platform_set_t *set = atomic_load(&gw_app_of(req)->platforms);
    for (size_t i = 0; name && i < set->count; i++)
        if (strcmp(set->list[i].name, name) == 0)
            return &set->list[i];
    return NULL;
}

gh_status_t gw_platform_set_new(const config_t *cfg, config_t *owned, const char *public_url,
                                gw_platform_set_t **out, char *err, size_t err_len)
{
    gw_platform_set_t *set = calloc(1, sizeof *set);
    gh_status_t st = GH_ERR_NOMEM;
    if (set && (set->arena = arena_new(1 << 20)))
        st = gw_platforms_load(cfg, set->arena, public_url, &set->list, &set->count, err, err_len);
    if (st == GH_OK && !(set->list_json = gw_web_platform_list(set->list, set->count, cfg)))
        st = GH_ERR_NOMEM;
    if (st != GH_OK) {
        gw_platform_set_free(set);
        return st;
    }
    set->cfg = owned;
    *out = set;
    return GH_OK;
}

void gw_platform_set_free(gw_platform_set_t *s)
{
    while (s) {
        gw_platform_set_t *older = s->older;
        gw_platforms_free(s->list, s->count);
        json_decref(s->list_json);
        arena_free(s->arena);
        if (s->cfg) {
            config_free(s->cfg);
            free(s->cfg);
        }
        free(s);
        s = older;
    }
}

gh_status_t gw_platform_endpoints(const http_request_t *req, gw_platform_t *p, gw_endpoints_t *out,
                                  gw_error_t *err)
{
    gw_endpoints_t e = p->kind->defaults;
    if (p->kind->oidc) {
        gh_status_t st = gw_oidc_endpoints(req, p, &e, err);
        if (st != GH_OK)
            return st;
    }
    const gw_endpoints_t *c = &p->configured;
    e.authorize = c->authorize ? c->authorize : e.authorize;
    e.token = c->token ? c->token : e.token;
    e.userinfo = c->userinfo ? c->userinfo : e.userinfo;
    e.revoke = c->revoke ? c->revoke : e.revoke;
    e.jwks = c->jwks ? c->jwks : e.jwks;
    *out = e;
    return GH_OK;
}

/* Whether any [platform.*] section exists. */
static void on_any(const char *section, void *ctx)
{
    *(bool *)ctx = true;
}

gh_status_t gateway_check_platforms(const config_t *cfg, char *err, size_t err_len)
{
    bool any = false;
    config_each_section(cfg, PREFIX, on_any, &any);
    if (!any)
        return GH_OK;
    arena_t *a = arena_new(1 << 20);
    if (!a)
        return GH_ERR_NOMEM;
    gw_platform_t *list = NULL;
    size_t count = 0;
    gh_status_t st =
        gw_platforms_load(cfg, a, cfg->gateway.public_url, &list, &count, err, err_len);
    if (st == GH_OK)
        gw_platforms_free(list, count);
    arena_free(a);
    return st;
}
