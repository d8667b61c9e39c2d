/* Private to the gateway module: the server context every handler reaches
 * through req->app, the typed errors and the envelope they are rendered in,
 * the configured platforms (src/platform/ makes every call to them), login
 * states and the gateway's own cookies.
 *
 * What the gateway trusts: its configuration, its store, and TLS-verified
 * answers from the configured platform endpoints (which it still parses as
 * untrusted, bounded input). Everything from the browser is untrusted. */
#ifndef GH_GATEWAY_INT_H
#define GH_GATEWAY_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/secret.h"
#include "http/http.h"
#include "httpc/httpc.h"
#include "jose/jose.h"
#include "platform/platform.h"
#include "store/store.h"

/* ---- wire names (seed 002) ---- */

#define GW_COOKIE_ACCESS "access"
#define GW_COOKIE_REFRESH "refresh"
#define GW_COOKIE_LOGIN "gw_login"             /* binds login states to a browser */
#define GW_COOKIE_LOGIN_HOST "__Host-gw_login" /* its name under an https public URL */
#define GW_CALLBACK_PATH "/oauth2/callback"
#define GW_LOGIN_PREFIX "/oauth2/api/login/"
#define GW_MAX_CODE PLATFORM_MAX_CODE   /* longest authorization code accepted from the browser */
#define GW_MAX_STATE PLATFORM_MAX_STATE /* longest state value accepted */
#define GW_MAX_ISS PLATFORM_MAX_ISS     /* longest RFC 9207 iss value accepted */

/* ---- errors: a typed value, rendered only by gw_respond_error ---- */

typedef enum {
    GW_ERR_BAD_REQUEST,      /* 400: malformed request, refused state */
    GW_ERR_UNSUPPORTED,      /* 400: the platform does not offer this */
    GW_ERR_UNAUTHORIZED,     /* 401: no valid cookie */
    GW_ERR_FORBIDDEN,        /* 403: a cross-site request */
    GW_ERR_NOT_FOUND,        /* 404: no such platform or endpoint */
    GW_ERR_TOO_LARGE,        /* 413 */
    GW_ERR_TOO_MANY,         /* 429: a rate limit (the answer carries Retry-After) */
    GW_ERR_INTERNAL,         /* 500 */
    GW_ERR_UPSTREAM,         /* 502: the platform failed or refused */
    GW_ERR_UNAVAILABLE,      /* 503: the database */
    GW_ERR_UPSTREAM_TIMEOUT, /* 504: the platform did not answer in time */
} gw_error_kind_t;

typedef struct {
    gw_error_kind_t kind;
    const char *message; /* for developers reading the API's answers; never secret */
    const char *code;    /* the reason the page words in the person's language
                            (docs/gateway.md); NULL: the kind's own code */
} gw_error_t;

/* Fills *err and returns st (so `return gw_fail(err, GH_ERR_…, GW_ERR_…, "…")`). */
gh_status_t gw_fail(gw_error_t *err, gh_status_t st, gw_error_kind_t kind, const char *message);

/* gw_fail with a reason more precise than the kind's, as a code the page
 * knows ("state_expired"). */
gh_status_t gw_fail_code(gw_error_t *err, gh_status_t st, gw_error_kind_t kind, const char *code,
                         const char *message);

/* Fills *err for a store failure (UNAVAILABLE → 503, else 500) and returns st. */
gh_status_t gw_fail_store(gw_error_t *err, gh_status_t st);

/* ---- the envelope {"flag","title","message","body"} ---- */

/* A success: 200, flag true; body is consumed (NULL gives null). */
void gw_respond(const http_request_t *req, http_response_t *res, const char *title,
                const char *message, json_t *body);

/* A failure: the error's status, flag false, body {"code": the error's code}
 * (the page's text id for it; the message stays for developers). */
void gw_respond_error(const http_request_t *req, http_response_t *res, const char *title,
                      const gw_error_t *err);

/* ---- platforms (the platform library) ---- */

/* The {"code","state"[,"iss"]} JSON body of a login: code and state
 * non-empty strings of at most GW_MAX_CODE and GW_MAX_STATE bytes, iss (RFC
 * 9207, optional: *iss NULL when absent) a non-empty string of at most
 * GW_MAX_ISS bytes; copied into the arena. GH_ERR_INVALID for anything else,
 * GH_ERR_NOMEM. */
gh_status_t gw_login_body_parse(arena_t *a, const char *body, size_t len, const char **code,
                                const char **state, const char **iss);

/* Fills *err from a platform call's error (BAD_REQUEST 400, UPSTREAM 502,
 * TIMEOUT 504, INTERNAL 500) and returns st. */
gh_status_t gw_fail_platform(gw_error_t *err, gh_status_t st, const platform_error_t *pe);

/* How the gateway loads its platforms: callbacks public_url +
 * /oauth2/callback?platform=NAME (the prefix written into buf), at least
 * one platform. */
platform_site_t gw_platform_site(const char *public_url, long timeout_ms, char *buf, size_t len);

/* ---- the server context ---- */

typedef struct {
    store_t *store;
    const char *public_url;
    bool secure_cookies;        /* public_url is https */
    unsigned char jwt_key[32];  /* HS256 key of the cookies */
    unsigned char seal_key[32]; /* seals the upstream tokens at rest */
    unsigned char pkce_key[32]; /* derives PKCE verifiers from states */
    long access_ttl, refresh_ttl, state_ttl;
    long login_rate, login_rate_window; /* login URLs per address and window (0: no limit) */
    long refresh_grace;                 /* seconds a just-rotated refresh cookie still rotates */
    long upstream_timeout_ms;
    const char
        *metrics_allow; /* who may read /metrics (core/cidr.h list); borrowed from the config */
    const char *config_file;             /* the --config file SIGHUP reads again; may be NULL */
    platform_site_t site;                /* how its platforms are loaded */
    char site_prefix[1024];              /* site's redirect prefix */
    _Atomic(platform_set_t *) platforms; /* the configured platforms, replaced by SIGHUP */
} gw_app_t;

static inline gw_app_t *gw_app_of(const http_request_t *req)
{
    return (gw_app_t *)req->app;
}

/* The configured platform named name, or NULL. */
platform_t *gw_platform_find(const http_request_t *req, const char *name);

/* ---- login states (state.c) ---- */

/* Counts a login URL asked for from the request's address (rate.c): GH_OK
 * while the address is within login_rate per login_rate_window, else
 * GH_ERR_THROTTLED with *err a 429 and Retry-After set on res. */
gh_status_t gw_login_rate(const http_request_t *req, http_response_t *res, gw_error_t *err);

/* A fresh single-use state for p (and a nonce for oidc platforms), stored
 * with its expiry and bound to this browser: res gets the login cookie with
 * a new random binding added (the oldest dropped past four logins under
 * way), whose digest is stored with the state. Both in the arena. */
gh_status_t gw_state_new(const http_request_t *req, http_response_t *res, const platform_t *p,
                         const char **state, const char **nonce, gw_error_t *err);

/* Logins under way at once in one browser: the login cookie holds one
 * binding of each, the newest last, joined by '.'. */
#define GW_LOGIN_BINDINGS 4

/* The bindings of a login cookie value v (NULL: none) into out, the newest
 * last, at most max of them (the oldest dropped); pieces that are not
 * bindings (43 base64url characters) are dropped too. Each in the arena. */
size_t gw_login_bindings(arena_t *a, const char *v, const char **out, size_t max);

/* Takes the state (single use): refused when unknown, used, expired, made
 * for another platform or for another browser (no binding of the login
 * cookie has the stored digest; each compared in constant time). *nonce
 * gets the bound nonce (or NULL), *rest the login cookie's value without
 * this login's binding (NULL when none is left: clear the cookie). */
gh_status_t gw_state_take(const http_request_t *req, const platform_t *p, const char *state,
                          const char **nonce, const char **rest, gw_error_t *err);

/* The platform's authorize URL with a fresh state (its login cookie set on
 * res); extra_param/value adds one more parameter (re-consent) when not NULL. */
gh_status_t gw_authorize_url(const http_request_t *req, http_response_t *res, platform_t *p,
                             const char *extra_param, const char *extra_value, const char **url,
                             gw_error_t *err);

/* ---- the gateway's own cookies (cookies.c) ---- */

/* A new refresh token: its jti, the jti's digest (the store's key) and its
 * expiry. The JWT itself is signed by gw_cookies_set, once the user is known. */
typedef struct {
    const char *jti, *digest;
    int64_t expires_at;
} gw_refresh_t;

gh_status_t gw_refresh_new(const http_request_t *req, gw_refresh_t *out);

/* Sets the `access` cookie (a new one for user_id) and the `refresh` cookie
 * (the JWT of refresh for user_id). */
gh_status_t gw_cookies_set(const http_request_t *req, http_response_t *res, const char *user_id,
                           const gw_refresh_t *refresh);

/* Overwrites both cookies with Max-Age=0. */
void gw_cookies_clear(const http_request_t *req, http_response_t *res);

/* The login cookie (the bindings of the logins under way, state.c): its
 * name (with the __Host- prefix under https), setting it to value for
 * state_ttl seconds, and clearing it. */
const char *gw_login_cookie_name(const http_request_t *req);
bool gw_login_cookie_set(const http_request_t *req, http_response_t *res, const char *value);
void gw_login_cookie_clear(const http_request_t *req, http_response_t *res);

/* ---- cross-site requests (csrf.c) ---- */

/* GH_OK when a state-changing call may proceed: not marked cross-site or
 * same-site by Sec-Fetch-Site, an Origin (when sent) equal to public_url's,
 * and a body declared Content-Type: application/json (which a cross-site
 * form cannot send, and a cross-site fetch only after a CORS preflight that
 * is never granted). Else err (403) and GH_ERR_INVALID. */
gh_status_t gw_same_origin(const http_request_t *req, gw_error_t *err);

/* The user of a valid `access` cookie, else GH_ERR_NOT_FOUND (err: 401). */
gh_status_t gw_access_user(const http_request_t *req, const char **user_id, gw_error_t *err);

/* The jti digest of a valid `refresh` cookie, else GH_ERR_NOT_FOUND. */
gh_status_t gw_refresh_cookie(const http_request_t *req, const char **digest);

/* ---- upstream tokens at rest (cookies.c) ---- */

/* Seals t for the user (platform, platform_user_id) into *out. */
gh_status_t gw_tokens_seal(const http_request_t *req, const store_gw_user_t *u,
                           const platform_tokens_t *t, const char **out);

/* Opens the user's sealed tokens. */
gh_status_t gw_tokens_open(const http_request_t *req, const store_gw_user_t *u,
                           platform_tokens_t *out);

/* ---- the endpoints (api.c, account.c) and the route table (routes.c) ---- */

void gw_login_handler(http_request_t *req, http_response_t *res); /* GET and POST */
void gw_reconsent_handler(http_request_t *req, http_response_t *res);
void gw_auto_login_handler(http_request_t *req, http_response_t *res);
void gw_logout_handler(http_request_t *req, http_response_t *res);
void gw_revoke_handler(http_request_t *req, http_response_t *res);
void gw_userinfo_handler(http_request_t *req, http_response_t *res);

extern const http_route_t GW_ROUTES[];
extern const size_t GW_ROUTE_COUNT;

/* ---- the web page (web.c): seed 003's fe, and the platforms it offers ---- */

/* GET /oauth2/api/platforms: the list in the envelope (no cookie needed). */
void gw_platforms_handler(http_request_t *req, http_response_t *res);

/* GET / and GET /oauth2/callback: the page (web/gateway/index.html), in the
 * language of Accept-Language, with a CSP that allows only its own script
 * and style (profile pictures also over https). The callback's query is read
 * by the page's script, never by the server. */
void gw_page_handler(http_request_t *req, http_response_t *res);

/* GET /gateway/app.js and GET /gateway/app.css. */
void gw_asset_handler(http_request_t *req, http_response_t *res);

/* The query parameters a platform may send to the callback (RFC 6749
 * §4.1.2, §4.1.2.1, RFC 9207), each at most once. */
extern const http_param_spec_t GW_CALLBACK_PARAMS[];

#endif
