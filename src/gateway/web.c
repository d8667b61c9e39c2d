/* The gateway's web page (seed 003's fe): the page, its script and style
 * sheet, and the list of platforms it offers.
 *
 * The page and its files are embedded in the binary (web/gateway/) and served
 * as they are; the server's only choice is the page's language, from
 * Accept-Language (untrusted, parsed by ui_lang_pick). Everything the page
 * shows comes from the gateway's API, called by its script. The platform
 * list depends on the configuration alone, so it is built with the platform
 * set (platform_set_new) from the platforms the gateway accepted. */
#include <string.h>

#include "core/assets.h"
#include "gateway/gateway_int.h"
#include "ui/ui.h"

#define ASSET_MAX_AGE 3600

/* Stricter than the default page policy: only this origin's script and style,
 * profile pictures also from https origins, and no form may post elsewhere. */
static const char PAGE_CSP[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'";

const http_param_spec_t GW_CALLBACK_PARAMS[] = {
    {"platform", 64},
    {"code", GW_MAX_CODE},
    {"state", GW_MAX_STATE},
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
    {"/gateway/marks.js", "gateway/marks.js", "text/javascript; charset=utf-8"},
    {"/gateway/app.css", "gateway/app.css", "text/css; charset=utf-8"},
};

void gw_platforms_handler(http_request_t *req, http_response_t *res)
{
    json_t *body = json_deep_copy(atomic_load(&gw_app_of(req)->platforms)->json);
    if (!body) {
        gw_error_t err = {GW_ERR_INTERNAL, "internal error", NULL};
        gw_respond_error(req, res, "error", &err);
        return;
    }
    gw_respond(req, res, "success", "platform list response success", body);
}

void gw_page_handler(http_request_t *req, http_response_t *res)
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

void gw_asset_handler(http_request_t *req, http_response_t *res)
{
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
        const asset_t *file =
            strcmp(req->path, FILES[i].path) ? NULL : asset_find(ASSETS, FILES[i].asset);
        if (!file)
            continue;
        ui_respond_asset(res, file, FILES[i].content_type, ASSET_MAX_AGE);
        return;
    }
    gw_error_t err = {GW_ERR_NOT_FOUND, "no such file", NULL};
    gw_respond_error(req, res, "error", &err);
}
