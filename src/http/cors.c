/* Cross-origin reads (CORS, the Fetch standard §3.2) as a route declares
 * them (http_route_t.cors): public documents to any page, and the calls of
 * browser applications (the token endpoint, userinfo, revocation) to the
 * page whose origin the handler allowed once it knew the caller; their
 * errors to any page, which says what went wrong and holds nothing a page
 * could not learn by sending the request blind. A preflight says what may
 * be sent; whether the answer may be read is decided per answer.
 * Credentials (cookies) never cross origins: no
 * Access-Control-Allow-Credentials is ever sent. */
#include <string.h>
#include <strings.h>

#include "http/http_int.h"

/* What a browser application sends beyond a simple request: a bearer or
 * Basic Authorization header, a form or JSON body, a DPoP proof. */
#define ALLOWED_HEADERS "Authorization, Content-Type, DPoP"
/* What a page may read of an answer beyond the safelisted headers. */
#define EXPOSED_HEADERS "WWW-Authenticate, DPoP-Nonce"
/* How long a browser may keep a preflight's answer, in seconds. */
#define PREFLIGHT_MAX_AGE "600"

static bool has_header(const http_response_t *res, const char *name)
{
    for (size_t i = 0; i < res->header_count; i++)
        if (!strcasecmp(res->headers[i].name, name))
            return true;
    return false;
}

static void add(http_response_t *res, const char *name, const char *value)
{
    if (!value || !http_response_header(res, name, value))
        http_response_internal_error(res);
}

void http_cors_preflight(const http_request_t *req, http_response_t *res)
{
    const http_route_t *route = req->route;
    const char *origin = http_request_header(req, "Origin");
    char *methods = http_methods_text(req->arena, route->methods | HTTP_OPTIONS);
    http_response_text(res, 204, "");
    if (!origin || !http_request_header(req, "Access-Control-Request-Method")) {
        add(res, "Allow", methods); /* a plain OPTIONS (RFC 9110 §9.3.7) */
        return;
    }
    bool any = route->cors == HTTP_CORS_ANY;
    add(res, "Access-Control-Allow-Origin", any ? "*" : origin);
    add(res, "Access-Control-Allow-Methods", methods);
    if (!any) {
        add(res, "Access-Control-Allow-Headers", ALLOWED_HEADERS);
        add(res, "Vary", "Origin");
    }
    add(res, "Access-Control-Max-Age", PREFLIGHT_MAX_AGE);
}

void http_cors_finish(const http_request_t *req, http_response_t *res)
{
    const http_route_t *route = req->route;
    if (!route || route->cors == HTTP_CORS_NONE || req->method == HTTP_OPTIONS ||
        has_header(res, "Access-Control-Allow-Origin"))
        return;
    if (route->cors == HTTP_CORS_ANY) {
        add(res, "Access-Control-Allow-Origin", "*");
        return;
    }
    const char *origin = http_request_header(req, "Origin");
    if (route->cors != HTTP_CORS_CALLER || !origin || (res->status < 400 && !req->origin_allowed))
        return;
    add(res, "Access-Control-Allow-Origin", origin);
    add(res, "Access-Control-Expose-Headers", EXPOSED_HEADERS);
    add(res, "Vary", "Origin");
}
