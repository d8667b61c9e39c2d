/* OAuth errors rendered in one place, in the configured style:
 * seed 004 ({"error":{"code","message"},"payload":null}, HTTP 400) or
 * RFC 6749 §5.2 / RFC 6750 §3; and the error pages of the browser-facing
 * endpoints. The full table is in docs/errors.md. */
#include <string.h>

#include "oauth/oauth_int.h"

static const struct {
    const char *name;         /* RFC 6749 / 6750 error code */
    const char *seed_code;    /* seed 004 code */
    const char *seed_message; /* seed 004 message */
    int seed_status;
    int rfc_status;
    bool rfc_always; /* RFC 6749 §5.2 shape in both styles (RFC 8628 §3.5) */
} ERRORS[] = {
    [OAUTH_ERR_INVALID_REQUEST] = {"invalid_request", "10051", "Invalid request", 400, 400, false},
    [OAUTH_ERR_INVALID_GRANT] = {"invalid_grant", "10051", "Invalid request", 400, 400, false},
    [OAUTH_ERR_INVALID_CLIENT] = {"invalid_client", "10076", "Unauthorized oauth2 client", 400, 401,
                                  false},
    [OAUTH_ERR_UNAUTHORIZED_CLIENT] = {"unauthorized_client", "10076", "Unauthorized oauth2 client",
                                       400, 400, false},
    [OAUTH_ERR_UNSUPPORTED_GRANT_TYPE] = {"unsupported_grant_type", "10051", "Invalid request", 400,
                                          400, false},
    [OAUTH_ERR_UNSUPPORTED_RESPONSE_TYPE] = {"unsupported_response_type", "10051",
                                             "Invalid request", 400, 400, false},
    [OAUTH_ERR_INVALID_SCOPE] = {"invalid_scope", "10071", "Invalid oauth2 scope", 400, 400, false},
    [OAUTH_ERR_ACCESS_DENIED] = {"access_denied", "10051", "Invalid request", 400, 400, true},
    [OAUTH_ERR_INVALID_TOKEN] = {"invalid_token", "10075", "Invalid oauth2 token", 400, 401, false},
    [OAUTH_ERR_INSUFFICIENT_SCOPE] = {"insufficient_scope", "10074", "Insufficient oauth2 scope",
                                      400, 403, false},
    [OAUTH_ERR_TOO_LARGE] = {"invalid_request", "10051", "Invalid request", 413, 413, false},
    [OAUTH_ERR_SERVER_ERROR] = {"server_error", "10500", "Internal server error", 500, 500, false},
    [OAUTH_ERR_UNAVAILABLE] = {"temporarily_unavailable", "10503", "Service unavailable", 503, 503,
                               false},
    [OAUTH_ERR_TOKEN_MISSING] = {"invalid_request", "10051", "Invalid request", 400, 401, false},
    [OAUTH_ERR_AUTHORIZATION_PENDING] = {"authorization_pending", "10051", "Invalid request", 400,
                                         400, true},
    [OAUTH_ERR_SLOW_DOWN] = {"slow_down", "10051", "Invalid request", 400, 400, true},
    [OAUTH_ERR_EXPIRED_TOKEN] = {"expired_token", "10051", "Invalid request", 400, 400, true},
    /* RFC 6585 §4; RFC 6749 has no code for it: temporarily_unavailable is nearest */
    [OAUTH_ERR_TOO_MANY_REQUESTS] = {"temporarily_unavailable", "10429", "Too many requests", 429,
                                     429, false},
    /* RFC 9101 §6.2, RFC 9126 §2.3, RFC 8707 §2 */
    [OAUTH_ERR_INVALID_REQUEST_OBJECT] = {"invalid_request_object", "10051", "Invalid request", 400,
                                          400, false},
    [OAUTH_ERR_INVALID_REQUEST_URI] = {"invalid_request_uri", "10051", "Invalid request", 400, 400,
                                       false},
    [OAUTH_ERR_INVALID_TARGET] = {"invalid_target", "10051", "Invalid request", 400, 400, false},
    /* RFC 9449 §5, §8: DPoP clients read these (and retry use_dpop_nonce), so
     * RFC shape in both styles; 401 at a resource (respond_rfc) */
    [OAUTH_ERR_INVALID_DPOP_PROOF] = {"invalid_dpop_proof", "10051", "Invalid request", 400, 400,
                                      true},
    [OAUTH_ERR_USE_DPOP_NONCE] = {"use_dpop_nonce", "10051", "Invalid request", 400, 400, true},
    [OAUTH_ERR_INVALID_DPOP_TOKEN] = {"invalid_token", "10075", "Invalid oauth2 token", 400, 401,
                                      false},
};

/* The errors a resource answers with a DPoP challenge. */
static bool dpop_kind(oauth_error_kind_t kind)
{
    return kind == OAUTH_ERR_INVALID_DPOP_PROOF || kind == OAUTH_ERR_USE_DPOP_NONCE ||
           kind == OAUTH_ERR_INVALID_DPOP_TOKEN;
}

const char *oauth_error_name(oauth_error_kind_t kind)
{
    return ERRORS[kind].name;
}

const char *oauth_error_seed_code(oauth_error_kind_t kind)
{
    return ERRORS[kind].seed_code;
}

oauth_error_kind_t oauth_error_from_status(gh_status_t st)
{
    switch (st) {
    case GH_ERR_UNAVAILABLE:
        return OAUTH_ERR_UNAVAILABLE;
    case GH_ERR_INVALID:
        return OAUTH_ERR_INVALID_REQUEST;
    case GH_ERR_TOO_LARGE:
        return OAUTH_ERR_TOO_LARGE;
    default:
        return OAUTH_ERR_SERVER_ERROR;
    }
}

void oauth_error_page(const http_request_t *req, http_response_t *res, ui_lang_t lang, int status,
                      ui_msg_t msg, ui_detail_t detail)
{
    const char *html = ui_render_error(req->arena, lang, msg, detail);
    if (html)
        http_response_html(res, status, html, strlen(html));
    else
        http_response_text(res, 500, "internal error");
}

static void respond_seed(const http_request_t *req, http_response_t *res, const oauth_error_t *err)
{
    json_t *body = json_pack("{s:{s:s,s:s},s:n}", "error", "code", ERRORS[err->kind].seed_code,
                             "message", ERRORS[err->kind].seed_message, "payload");
    http_response_json(req, res, ERRORS[err->kind].seed_status, body);
    json_decref(body);
}

/* RFC 6750 §3: a resource answers with a Bearer challenge naming the error;
 * about a DPoP-bound token or a DPoP proof, a DPoP one (RFC 9449 §7.1) with
 * the algorithms it takes. */
static void add_bearer_challenge(const http_request_t *req, http_response_t *res,
                                 const oauth_error_t *err)
{
    bool dpop = dpop_kind(err->kind);
    const char *value = "Bearer";
    if (err->kind == OAUTH_ERR_INVALID_TOKEN || err->kind == OAUTH_ERR_INSUFFICIENT_SCOPE ||
        err->kind == OAUTH_ERR_INVALID_REQUEST || dpop_kind(err->kind))
        value = arena_printf(req->arena, "%s error=\"%s\"%s", dpop ? "DPoP" : "Bearer",
                             ERRORS[err->kind].name, dpop ? ", algs=\"" DPOP_ALGS "\"" : "");
    if (value)
        http_response_header(res, "WWW-Authenticate", value);
}

static void respond_rfc(const http_request_t *req, http_response_t *res, oauth_error_site_t site,
                        const oauth_error_t *err)
{
    /* RFC 6750 §3.1: a request with no authentication at all gets a bare
     * challenge and no error code */
    bool bare = err->kind == OAUTH_ERR_TOKEN_MISSING;
    json_t *body = bare ? json_object() : json_pack("{s:s}", "error", ERRORS[err->kind].name);
    if (body && !bare && err->description)
        json_object_set_new(body, "error_description", json_string(err->description));
    int status = ERRORS[err->kind].rfc_status;
    /* RFC 6749 §5.2: invalid_client is 401, and MUST carry a Basic
     * challenge when the client tried the Authorization header; a 401
     * always carries one (RFC 9110 §15.5.2), so it is sent either way. */
    if (err->kind == OAUTH_ERR_INVALID_CLIENT)
        http_response_header(res, "WWW-Authenticate", "Basic realm=\"gatehouse\"");
    if (site == OAUTH_AT_RESOURCE) {
        if (err->kind == OAUTH_ERR_INVALID_REQUEST)
            status = 400;
        if (dpop_kind(err->kind))
            status = 401;
        add_bearer_challenge(req, res, err);
    }
    http_response_json(req, res, status, body);
    json_decref(body);
}

void oauth_error_respond(const http_request_t *req, http_response_t *res, oauth_error_site_t site,
                         const oauth_error_t *err)
{
    if (app_of(req)->cfg->error_style == ERROR_STYLE_RFC6749 || ERRORS[err->kind].rfc_always)
        respond_rfc(req, res, site, err);
    else
        respond_seed(req, res, err);
}

bool oauth_fail(oauth_error_t *err, oauth_error_kind_t kind, const char *why)
{
    err->kind = kind;
    err->description = why;
    return false;
}
