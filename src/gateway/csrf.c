/* Cross-site requests to the gateway's state-changing calls (login, logout,
 * revoke, auto-login, re-consent). SameSite=Lax keeps the cookies off a
 * cross-site POST but does not stop the answer from clearing them, so each of
 * those calls is refused unless it comes from the gateway's own page:
 *
 *   - Sec-Fetch-Site, which browsers set and pages cannot, must not say
 *     cross-site or same-site (a sibling host is not the gateway);
 *   - Origin, when sent, must be public_url's scheme://host[:port];
 *   - the body must be declared application/json: a form can only send
 *     text/plain, urlencoded or multipart, and a cross-site fetch with JSON
 *     needs a CORS preflight, which the gateway never grants.
 *
 * Older browsers without Sec-Fetch-Site still send Origin on a cross-site
 * POST; clients that are not browsers send neither and pass on the content
 * type alone. */
#include <string.h>
#include <strings.h>

#include "core/uri.h"
#include "gateway/gateway_int.h"

#define JSON_TYPE "application/json"

/* True when the body is declared JSON (parameters such as charset allowed). */
static bool is_json(const http_request_t *req)
{
    const char *type = http_request_header(req, "Content-Type");
    size_t n = strlen(JSON_TYPE);
    return type && strncasecmp(type, JSON_TYPE, n) == 0 &&
           (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

gh_status_t gw_same_origin(const http_request_t *req, gw_error_t *err)
{
    const char *public_url = gw_app_of(req)->public_url;
    const char *site = http_request_header(req, "Sec-Fetch-Site");
    const char *origin = http_request_header(req, "Origin");
    if (site && (!strcasecmp(site, "cross-site") || !strcasecmp(site, "same-site")))
        return gw_fail(err, GH_ERR_INVALID, GW_ERR_FORBIDDEN,
                       "cross-site request refused: use the gateway's own page");
    if (origin && !uri_same_origin(public_url, origin))
        return gw_fail(err, GH_ERR_INVALID, GW_ERR_FORBIDDEN,
                       "request from another origin refused: use the gateway's own page");
    if (!is_json(req))
        return gw_fail(err, GH_ERR_INVALID, GW_ERR_FORBIDDEN,
                       "the request must be sent as Content-Type: application/json");
    return GH_OK;
}
