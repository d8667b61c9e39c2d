/* The admin console (docs/admin.md "Console"): a static single-page app in
 * web/admin/ (index.html, console.js, console.css) that signs the operator
 * in through this server (authorization code + PKCE as the public client
 * gatehouse-console) and then works only through the admin API.
 *
 * This file serves its files under a strict Content-Security-Policy (no
 * inline script or style, nothing from another origin, never framed) and
 * registers the console's client at `serve` start: created when missing,
 * its redirect and post-logout URIs brought in line with the issuer when the
 * issuer changed. The client is a row like any other (visible in the API,
 * removable); the next start registers it again. The console needs the API
 * on its own origin, so with admin_listen it is not served. */
#include <string.h>

#include "admin/admin_int.h"
#include "core/assets.h"
#include "core/log.h"
#include "ui/ui.h"

#define CONSOLE_SCOPE "openid " OAUTH_ADMIN_SCOPE
#define CONSOLE_MAX_AGE 300

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

/* The console's registration for issuer: a public client with PKCE. */
static json_t *registration(arena_t *a, const char *issuer)
{
    size_t n = strlen(issuer);
    while (n && issuer[n - 1] == '/')
        n--;
    const char *back = arena_printf(a, "%.*s/admin/callback", (int)n, issuer);
    const char *home = arena_printf(a, "%.*s/admin/", (int)n, issuer);
    if (!back || !home)
        return NULL;
    return json_pack("{s:s, s:s, s:[s], s:[s], s:[s], s:s, s:s}", "client_id",
                     OAUTH_CONSOLE_CLIENT_ID, "client_name", "Gatehouse console", "redirect_uris",
                     back, "post_logout_redirect_uris", home, "grant_types", "authorization_code",
                     "scope", CONSOLE_SCOPE, "token_endpoint_auth_method", "none");
}

/* The members of want whose value differs from have's, as a merge patch. */
static json_t *differences(const json_t *want, const json_t *have)
{
    json_t *patch = json_object();
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)want, name, v)
    {
        if (strcmp(name, "client_id") != 0 && !json_equal(v, json_object_get(have, name)))
            json_object_set(patch, name, v);
    }
    return patch;
}

static bool ensure(const admin_ctx_t *ctx, json_t *want, admin_error_t *err)
{
    json_t *have = NULL, *out = NULL, *patch = NULL;
    admin_client_in_t in;
    bool ok;
    if (admin_client_get(ctx, OAUTH_CONSOLE_CLIENT_ID, &have, err)) {
        patch = differences(want, have);
        ok = patch && (json_object_size(patch) == 0 ||
                       admin_client_update(ctx, OAUTH_CONSOLE_CLIENT_ID, patch, &out, err));
    } else {
        ok = err->status == 404 && admin_client_check(ctx->arena, want, &in, err) &&
             (admin_client_create(ctx, &in, &out, err) || err->status == 409);
    }
    json_decref(have);
    json_decref(out);
    json_decref(patch);
    return ok;
}

gh_status_t admin_console_register(store_t *store, const config_server_t *cfg, arena_t *a)
{
    admin_ctx_t ctx = {.store = store, .cfg = cfg, .arena = a, .actor = "serve"};
    admin_error_t err = {0};
    if (cfg->admin_listen && *cfg->admin_listen)
        return GH_OK; /* not served: nothing to sign in to */
    json_t *want = registration(a, cfg->issuer);
    bool ok = want && ensure(&ctx, want, &err);
    json_decref(want);
    if (!ok)
        log_event(LOG_WARN, "admin_console", "client_id", OAUTH_CONSOLE_CLIENT_ID, "error",
                  err.detail ? err.detail : "out of memory", NULL);
    return GH_OK; /* the server runs without its console rather than not at all */
}
