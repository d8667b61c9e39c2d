/* The gateway's web page (seed 003's fe) and the read-only list of platforms
 * it offers, beside the seed 002 API of the rest of src/gateway.
 *
 * The page is one embedded HTML file (web/gateway/index.html) with its script
 * and style sheet; the server only picks its language. Everything it shows
 * comes from the gateway's API, called by the script. The platform list
 * depends on the configuration alone, so it is built once at start-up. */
#ifndef GH_GATEWAY_WEB_H
#define GH_GATEWAY_WEB_H

#include <stddef.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/status.h"
#include "http/http.h"
#include "ui/ui.h"

/* What the page's routes need, built by gateway_web_init. */
typedef struct {
    const char *platforms; /* the answer of GET /oauth2/api/platforms */
    size_t platforms_len;
} gateway_web_t;

/* Builds w from the [platform.NAME] sections of cfg, in the order they first
 * appear: each gives {"name": NAME, "kind": kind (default "oidc"), "label":
 * label, or a name for the kind (naver, kakao, google, github), or NAME}.
 * Strings live in a, which must outlive the server. GH_ERR_NOMEM on failure. */
gh_status_t gateway_web_init(gateway_web_t *w, const config_t *cfg, arena_t *a);

/* GET /oauth2/api/platforms: the envelope {"flag":true,"title":"success",
 * "message":…,"body":[{"name","kind","label"}…]} built by gateway_web_init. */
void gateway_web_platforms_respond(const gateway_web_t *w, http_response_t *res);

/* GET / and GET /oauth2/callback: the page, in the language of
 * Accept-Language, with a CSP that allows only its own script and style
 * (and profile pictures over https). The callback's query is read by the
 * script, never by the server. */
void gateway_web_page_handler(http_request_t *req, http_response_t *res);

/* GET /gateway/app.js and GET /gateway/app.css. */
void gateway_web_asset_handler(http_request_t *req, http_response_t *res);

/* The query parameters a platform may send to the callback (RFC 6749
 * §4.1.2, §4.1.2.1, RFC 9207), each at most once. */
extern const http_param_spec_t GATEWAY_CALLBACK_PARAMS[];

/* The routes of the page, for the gateway's route table (it adds
 * GET /oauth2/api/platforms itself, answering with
 * gateway_web_platforms_respond from its gateway_web_t). */
/* clang-format off */
#define GATEWAY_WEB_ROUTES                                                                 \
    {HTTP_GET, "/", gateway_web_page_handler, "page", NULL},                               \
    {HTTP_GET, "/oauth2/callback", gateway_web_page_handler, "callback",                   \
     GATEWAY_CALLBACK_PARAMS},                                                             \
    {HTTP_GET, "/gateway/app.js", gateway_web_asset_handler, "asset", NULL},               \
    {HTTP_GET, "/gateway/app.css", gateway_web_asset_handler, "asset", NULL},              \
    {HTTP_GET, "/static/*", ui_static_handler, "static", NULL}
/* clang-format on */

#endif
