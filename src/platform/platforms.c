/* The configured platforms: one [platform.NAME] section each, read at start
 * (and again on SIGHUP) into platform_t (kind row + client credentials +
 * overrides), and the endpoints a call should use.
 *
 * Names appear in URL paths, so they are short lower-case words; "auto" and
 * "put" are refused (they are API paths of their own). Every configured URL
 * must be https, or http to a loopback host (httpc's rule), so a typo cannot
 * send a client secret in the clear. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "platform/platform_int.h"

#define MAX_PLATFORMS 32
#define MAX_NAME 32
#define PREFIX "platform."

typedef struct {
    const config_t *cfg;
    arena_t *a;
    const platform_site_t *site;
    platform_t *list;
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

static gh_status_t fill(load_t *l, const char *section, platform_t *p)
{
    const config_t *c = l->cfg;
    p->name = section + strlen(PREFIX);
    p->kind = platform_kind_find(config_get(c, section, "kind"));
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
    p->redirect_uri = arena_printf(l->a, "%s%s%s", l->site->redirect_prefix, p->name,
                                   l->site->redirect_suffix ? l->site->redirect_suffix : "");
    if (!p->scope || !p->redirect_uri)
        return GH_ERR_NOMEM;
    const char *label = config_get(c, section, "label");
    p->label = label && *label ? label : p->kind->label ? p->kind->label : p->name;
    const char *link = config_get(c, section, "link_by_verified_email");
    p->link_by_verified_email = link && !strcmp(link, "true");
    const char *sso = config_get(c, section, "single_sign_out");
    p->single_sign_out = sso && !strcmp(sso, "true");
    p->timeout_ms = l->site->timeout_ms;
    platform_endpoints_t *e = &p->configured;
    if (!url_key(l, section, "authorize_url", &e->authorize) ||
        !url_key(l, section, "token_url", &e->token) ||
        !url_key(l, section, "userinfo_url", &e->userinfo) ||
        !url_key(l, section, "revoke_url", &e->revoke) ||
        !url_key(l, section, "jwks_url", &e->jwks))
        return l->st;
    if (p->kind->oidc && !(p->oidc = platform_oidc_new()))
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
    platform_t *p = &l->list[l->count++];
    l->st = fill(l, section, p);
}

gh_status_t platform_list_load(const config_t *cfg, arena_t *a, const platform_site_t *site,
                               platform_t **out, size_t *count, char *err, size_t err_len)
{
    load_t l = {cfg, a, site, calloc(MAX_PLATFORMS, sizeof(platform_t)), 0, GH_OK, err, err_len};
    if (!l.list)
        return GH_ERR_NOMEM;
    config_each_section(cfg, PREFIX, on_section, &l);
    if (l.st == GH_OK && l.count == 0 && site->required) {
        snprintf(err, err_len, "no platform configured: add a [platform.NAME] section");
        l.st = GH_ERR_INVALID;
    }
    if (l.st != GH_OK) {
        platform_list_free(l.list, l.count);
        return l.st;
    }
    *out = l.list;
    *count = l.count;
    return GH_OK;
}

void platform_list_free(platform_t *p, size_t count)
{
    for (size_t i = 0; p && i < count; i++)
        platform_oidc_free(p[i].oidc);
    free(p);
}

json_t *platform_list_json(const platform_t *list, size_t count)
{
    json_t *out = json_array();
    for (size_t i = 0; out && i < count; i++) {
        const platform_t *p = &list[i];
        json_t *item =
            json_pack("{s:s, s:s, s:s}", "name", p->name, "kind", p->kind->name, "label", p->label);
        if (item && p->kind->reconsent_param)
            json_object_set_new(item, "reconsent", json_true());
        if (json_array_append_new(out, item)) {
            json_decref(out);
            out = NULL;
        }
    }
    return out;
}

platform_t *platform_set_find(const platform_set_t *s, const char *name)
{
    for (size_t i = 0; s && name && i < s->count; i++)
        if (strcmp(s->list[i].name, name) == 0)
            return &s->list[i];
    return NULL;
}

gh_status_t platform_set_new(const config_t *cfg, config_t *owned, const platform_site_t *site,
                             platform_set_t **out, char *err, size_t err_len)
{
    platform_set_t *set = calloc(1, sizeof *set);
    gh_status_t st = GH_ERR_NOMEM;
    if (set && (set->arena = arena_new(1 << 20)))
        st = platform_list_load(cfg, set->arena, site, &set->list, &set->count, err, err_len);
    if (st == GH_OK && !(set->json = platform_list_json(set->list, set->count)))
        st = GH_ERR_NOMEM;
    if (st != GH_OK) {
        platform_set_free(set);
        return st;
    }
    set->cfg = owned;
    *out = set;
    return GH_OK;
}

void platform_set_free(platform_set_t *s)
{
    while (s) {
        platform_set_t *older = s->older;
        platform_list_free(s->list, s->count);
        json_decref(s->json);
        arena_free(s->arena);
        if (s->cfg) {
            config_free(s->cfg);
            free(s->cfg);
        }
        free(s);
        s = older;
    }
}

gh_status_t platform_set_reload(const char *file, const platform_site_t *site,
                                _Atomic(platform_set_t *) *slot)
{
    char err[256] = "";
    config_t *fresh = calloc(1, sizeof *fresh);
    platform_set_t *set = NULL;
    gh_status_t st = fresh ? GH_OK : GH_ERR_NOMEM;
    if (st == GH_OK) {
        config_init(fresh);
        if (file)
            st = config_load_file(fresh, file, err, sizeof err);
        if (st == GH_OK)
            st = config_load_env(fresh, err, sizeof err);
    }
    if (st == GH_OK)
        st = platform_set_new(fresh, fresh, site, &set, err, sizeof err);
    if (st != GH_OK) {
        log_event(LOG_ERROR, "reload_failed", "what", "platforms", "error",
                  err[0] ? err : gh_status_str(st), NULL);
        if (fresh)
            config_free(fresh);
        free(fresh);
        return st;
    }
    set->older = atomic_load(slot); /* a request may still hold one of its rows */
    atomic_store(slot, set);
    return GH_OK;
}

gh_status_t platform_endpoints(arena_t *a, platform_t *p, platform_endpoints_t *out,
                               platform_error_t *err)
{
    platform_endpoints_t e = p->kind->defaults;
    if (p->kind->oidc) {
        gh_status_t st = platform_oidc_endpoints(a, p, &e, err);
        if (st != GH_OK)
            return st;
    }
    const platform_endpoints_t *c = &p->configured;
    e.authorize = c->authorize ? c->authorize : e.authorize;
    e.token = c->token ? c->token : e.token;
    e.userinfo = c->userinfo ? c->userinfo : e.userinfo;
    e.revoke = c->revoke ? c->revoke : e.revoke;
    e.jwks = c->jwks ? c->jwks : e.jwks;
    *out = e;
    return GH_OK;
}

size_t platform_origin_len(const char *url)
{
    const char *host = strstr(url, "://");
    const char *slash = host ? strchr(host + 3, '/') : NULL;
    return slash ? (size_t)(slash - url) : strlen(url);
}
