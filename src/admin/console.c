/* The admin console (docs/admin.md "Console"): a static single-page app in
 * web/admin/ (index.html, console.js, console.css) that signs the operator
 * in through this server (authorization code + PKCE as the public client
 * gatehouse-console) and then works only through the admin API.
 *
 * This file serves its files under a strict Content-Security-Policy (no
 * inline script or style, nothing from another origin, never framed) and
 * registers the console's client at `serve` start: created when missing,
 * else given only what the console needs (its addresses at this issuer, the
 * code grant, its scopes, no secret), the operator's other changes kept.
 * The client is a row like any other (visible in the API, removable); the
 * next start registers it again. The console needs the API
 * on the issuer's origin, so with admin_listen it is not served (the log
 * says so at start; docs/admin.md gives the reasons). */
#include <string.h>

#include "admin/admin_int.h"
#include "core/assets.h"
#include "core/log.h"
#include "ui/ui.h"

#define CONSOLE_SCOPE "openid " OAUTH_ADMIN_SCOPE
#define CONSOLE_MAX_AGE 300
#define CONSOLE_CALLBACK "/admin/callback"
#define CONSOLE_HOME "/admin/"

static const char CONSOLE_CSP[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

static const struct {
    const char *path, *asset, *content_type;
} FILES[] = {
    {"/admin/console.js", "admin/console.js", "text/javascript; charset=utf-8"},
    {"/admin/console.css", "admin/console.css", "text/css; charset=utf-8"},
};

static bool served_here(http_request_t *req)
{
    const char *own = oauth_request_config(req)->admin_listen;
    return !own || !*own;
}

/* GET /admin/ and /admin/callback: the page (its script reads the rest). */
void admin_console_page(http_request_t *req, http_response_t *res)
{
    ui_lang_t lang = ui_lang_pick(NULL, http_request_header(req, "Accept-Language"));
    const char *page =
        served_here(req) ? ui_render_app_page(req->arena, "admin/index.html", lang) : NULL;
    if (!page) {
        ui_respond_not_found(req, res);
        return;
    }
    if (!http_response_header(res, "Content-Security-Policy", CONSOLE_CSP) ||
        !http_response_header(res, "Vary", "Accept-Language")) {
        http_response_text(res, 500, "internal error");
        return;
    }
    http_response_html(res, 200, page, strlen(page));
}

void admin_console_asset(http_request_t *req, http_response_t *res)
{
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0] && served_here(req); i++) {
        const asset_t *file =
            strcmp(req->path, FILES[i].path) ? NULL : asset_find(ASSETS, FILES[i].asset);
        if (!file)
            continue;
        ui_respond_asset(res, file, FILES[i].content_type, CONSOLE_MAX_AGE);
        return;
    }
    ui_respond_not_found(req, res);
}

/* The console's addresses for issuer: its redirect URI and its home (the
 * post-logout redirect URI). */
static bool console_uris(arena_t *a, const char *issuer, const char **back, const char **home)
{
    size_t n = strlen(issuer);
    while (n && issuer[n - 1] == '/')
        n--;
    *back = arena_printf(a, "%.*s" CONSOLE_CALLBACK, (int)n, issuer);
    *home = arena_printf(a, "%.*s" CONSOLE_HOME, (int)n, issuer);
    return *back && *home;
}

/* The console's registration when it is missing: a public client with PKCE. */
static json_t *registration(const char *back, const char *home)
{
    return json_pack("{s:s, s:s, s:[s], s:[s], s:[s], s:s, s:s}", "client_id",
                     OAUTH_CONSOLE_CLIENT_ID, "client_name", "Gatehouse console", "redirect_uris",
                     back, "post_logout_redirect_uris", home, "grant_types", "authorization_code",
                     "scope", CONSOLE_SCOPE, "token_endpoint_auth_method", "none");
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

/* have's URIs with want among them: an earlier issuer's console address
 * (ending in tail, another origin) is replaced, the operator's others kept. */
static json_t *uris_with(const json_t *have, const char *want, const char *tail)
{
    json_t *out = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(have, i, v)
    {
        const char *uri = json_string_value(v);
        if (out && uri && (!ends_with(uri, tail) || !strcmp(uri, want)))
            json_array_append(out, v);
    }
    bool present = false;
    json_array_foreach(out, i, v)
    {
        present = present || !strcmp(json_string_value(v), want);
    }
    if (out && !present)
        json_array_append_new(out, json_string(want));
    return out;
}

/* Whether the space-separated scope holds name. */
static bool has_scope(const char *scope, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = scope; p && *p; p += strspn(p, " ")) {
        size_t len = strcspn(p, " ");
        if (len == n && !strncmp(p, name, n))
            return true;
        p += len;
    }
    return false;
}

/* have's scope with openid and gatehouse:admin in it. */
static json_t *scope_with(arena_t *a, const char *have)
{
    static const char *const NEEDED[] = {"openid", OAUTH_ADMIN_SCOPE};
    const char *scope = have && *have ? have : NULL;
    for (size_t i = 0; i < sizeof NEEDED / sizeof NEEDED[0]; i++)
        if (!has_scope(scope, NEEDED[i]))
            scope = scope ? arena_printf(a, "%s %s", scope, NEEDED[i]) : NEEDED[i];
    return scope ? json_string(scope) : NULL;
}

/* have's grant types with the code grant among them. */
static json_t *grants_with_code(const json_t *have)
{
    json_t *grants = json_deep_copy(have);
    size_t i;
    json_t *v;
    json_array_foreach(grants, i, v)
    {
        if (!strcmp(json_string_value(v), "authorization_code"))
            return grants;
    }
    if (grants)
        json_array_append_new(grants, json_string("authorization_code"));
    return grants;
}

/* The merge patch that gives have what the console needs and nothing more:
 * its redirect and post-logout URIs among the others, the code grant among
 * the others, the two scopes in its scope, no secret (it runs in a browser).
 * The operator's other changes (a name, more URIs, require_mfa, …) stay. */
static json_t *needed_patch(arena_t *a, const json_t *have, const char *back, const char *home)
{
    struct {
        const char *name;
        json_t *value;
    } want[] = {
        {"redirect_uris",
         uris_with(json_object_get(have, "redirect_uris"), back, CONSOLE_CALLBACK)},
        {"post_logout_redirect_uris",
         uris_with(json_object_get(have, "post_logout_redirect_uris"), home, CONSOLE_HOME)},
        {"grant_types", grants_with_code(json_object_get(have, "grant_types"))},
        {"scope", scope_with(a, json_string_value(json_object_get(have, "scope")))},
        {"token_endpoint_auth_method", json_string("none")},
    };
    json_t *patch = json_object();
    bool ok = patch != NULL;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ok = ok && want[i].value;
        if (ok && !json_equal(want[i].value, json_object_get(have, want[i].name)))
            json_object_set(patch, want[i].name, want[i].value);
        json_decref(want[i].value);
    }
    if (!ok)
        json_decref(patch);
    return ok ? patch : NULL;
}

static bool ensure(const admin_ctx_t *ctx, const char *back, const char *home, admin_error_t *err)
{
    json_t *have = NULL, *out = NULL, *patch = NULL, *want = NULL;
    admin_client_in_t in;
    bool ok;
    if (admin_client_get(ctx, OAUTH_CONSOLE_CLIENT_ID, &have, err)) {
        patch = needed_patch(ctx->arena, have, back, home);
        ok = patch && (json_object_size(patch) == 0 ||
                       admin_client_update(ctx, OAUTH_CONSOLE_CLIENT_ID, patch, &out, err));
    } else {
        want = registration(back, home);
        ok = err->status == 404 && want && admin_client_check(ctx->arena, want, &in, err) &&
             (admin_client_create(ctx, &in, &out, err) || err->status == 409);
    }
    json_decref(have);
    json_decref(out);
    json_decref(patch);
    json_decref(want);
    return ok;
}

gh_status_t admin_console_register(store_t *store, const config_server_t *cfg, arena_t *a)
{
    admin_ctx_t ctx = {.store = store, .cfg = cfg, .arena = a, .actor = "serve"};
    admin_error_t err = {0};
    if (cfg->admin_listen && *cfg->admin_listen) {
        /* not served (docs/admin.md "With admin_listen"): nothing to sign in to */
        log_event(LOG_INFO, "admin_console_off", "why", "admin_listen is set", "see",
                  "docs/admin.md", NULL);
        return GH_OK;
    }
    const char *back = NULL, *home = NULL;
    bool ok = console_uris(a, cfg->issuer, &back, &home) && ensure(&ctx, back, home, &err);
    if (!ok)
        log_event(LOG_WARN, "admin_console", "client_id", OAUTH_CONSOLE_CLIENT_ID, "error",
                  err.detail ? err.detail : "out of memory", NULL);
    return GH_OK; /* the server runs without its console rather than not at all */
}
