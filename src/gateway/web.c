/* The gateway's web page, its script and style sheet, and the platform list.
 *
 * The page and its files are embedded in the binary (web/gateway/) and served
 * as they are; the server's only choice is the page's language, from
 * Accept-Language (untrusted, parsed by ui_lang_pick). The platform list is
 * built once from the configuration, whose values are trusted (the operator's
 * file) but still serialised by jansson, never by hand. */
#include "gateway/web.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"

#define ASSET_MAX_AGE 3600
#define PLATFORM_PREFIX "platform."

/* Stricter than the default page policy: only this origin's script and style,
 * profile pictures also from https origins, and no form may post elsewhere. */
static const char PAGE_CSP[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'";

const http_param_spec_t GATEWAY_CALLBACK_PARAMS[] = {
    {"platform", 64},
    {"code", 2048},
    {"state", 512},
    {"error", 128},
    {"error_description", 1024},
    {"error_uri", 1024},
    {"iss", 1024},
    {NULL, 0},
};

static const struct {
    const char *path, *asset, *content_type;
} FILES[] = {
    {"/gateway/app.js", "gateway/app.js", "text/javascript; charset=utf-8"},
    {"/gateway/app.css", "gateway/app.css", "text/css; charset=utf-8"},
};

/* How the page names a platform of a kind when the configuration gives no label. */
static const struct {
    const char *kind, *label;
} KIND_LABELS[] = {
    {"naver", "NAVER"},
    {"kakao", "Kakao"},
    {"google", "Google"},
    {"github", "GitHub"},
};

static const char *default_label(const char *kind, const char *name)
{
    for (size_t i = 0; i < sizeof KIND_LABELS / sizeof KIND_LABELS[0]; i++)
        if (!strcmp(KIND_LABELS[i].kind, kind))
            return KIND_LABELS[i].label;
    return name;
}

typedef struct {
    const config_t *cfg;
    json_t *list;
    bool failed;
} platform_walk_t;

static void on_platform(const char *section, void *ctx)
{
    platform_walk_t *w = ctx;
    const char *name = section + strlen(PLATFORM_PREFIX);
    const char *kind = config_get(w->cfg, section, "kind");
    const char *label = config_get(w->cfg, section, "label");
    if (!kind || !*kind)
        kind = "oidc";
    if (!label || !*label)
        label = default_label(kind, name);
    json_t *item = json_pack("{s:s, s:s, s:s}", "name", name, "kind", kind, "label", label);
    if (!item || json_array_append_new(w->list, item))
        w->failed = true;
}

gh_status_t gateway_web_init(gateway_web_t *w, const config_t *cfg, arena_t *a)
{
    platform_walk_t walk = {cfg, json_array(), false};
    if (walk.list)
        config_each_section(cfg, PLATFORM_PREFIX, on_platform, &walk);
    json_t *env = walk.list && !walk.failed
                      ? json_pack("{s:b, s:s, s:s, s:O}", "flag", 1, "title", "success", "message",
                                  "platform list response success", "body", walk.list)
                      : NULL;
    char *text = env ? json_dumps(env, JSON_COMPACT) : NULL;
    json_decref(env);
    json_decref(walk.list);
    const char *copy = text ? arena_strdup(a, text) : NULL;
    free(text);
    if (!copy)
        return GH_ERR_NOMEM;
    *w = (gateway_web_t){copy, strlen(copy)};
    return GH_OK;
}

void gateway_web_platforms_respond(const gateway_web_t *w, http_response_t *res)
{
    http_response_json_raw(res, 200, w->platforms, w->platforms_len);
}

void gateway_web_page_handler(http_request_t *req, http_response_t *res)
{
    ui_lang_t lang = ui_lang_pick(NULL, http_request_header(req, "Accept-Language"));
    const char *page = ui_render_app_page(req->arena, "gateway/index.html", lang);
    if (!page || !http_response_header(res, "Content-Security-Policy", PAGE_CSP) ||
        !http_response_header(res, "Vary", "Accept-Language")) {
        http_response_text(res, 500, "internal error");
        return;
    }
    http_response_html(res, 200, page, strlen(page));
}

void gateway_web_asset_handler(http_request_t *req, http_response_t *res)
{
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
        const asset_t *file =
            strcmp(req->path, FILES[i].path) ? NULL : asset_find(ASSETS, FILES[i].asset);
        if (!file)
            continue;
        res->status = 200;
        res->kind = HTTP_KIND_STATIC;
        res->content_type = FILES[i].content_type;
        res->body = file->data;
        res->body_len = file->len;
        res->cacheable = true;
        res->max_age = ASSET_MAX_AGE;
        return;
    }
    http_response_text(res, 404, "not found");
}
