/* Private to the gateway module: the server context every handler reaches
 * through req->app, the typed errors and the envelope they are rendered in,
 * the platform table and its configured instances, the calls to the
 * platforms, OpenID Connect discovery and id_token checks, login states and
 * the gateway's own cookies.
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
#include "store/store.h"

/* ---- wire names (seed 002) ---- */

#define GW_COOKIE_ACCESS "access"
#define GW_COOKIE_REFRESH "refresh"
#define GW_COOKIE_LOGIN "gw_login"             /* binds login states to a browser */
#define GW_COOKIE_LOGIN_HOST "__Host-gw_login" /* its name under an https public URL */
#define GW_CALLBACK_PATH "/oauth2/callback"
#define GW_LOGIN_PREFIX "/oauth2/api/login/"
#define GW_MAX_CODE 2048 /* longest authorization code accepted from the browser */
#define GW_MAX_STATE 128 /* longest state value accepted */
#define GW_MAX_ISS 512   /* longest RFC 9207 iss value accepted */

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

/* ---- platforms: each kind is one row of data ---- */

typedef struct gw_platform gw_platform_t;
typedef struct gw_platform_set gw_platform_set_t;

/* Tokens of the platform for one user (upstream tokens: server-side only). */
typedef struct {
    const char *access_token;
    const char *refresh_token; /* may be NULL */
    const char *id_token;      /* oidc; may be NULL */
    int64_t expires_at;        /* of the access token; 0 when unknown */
} gw_tokens_t;

/* A platform user normalised to seed 002's fields; NULL = not consented. */
typedef struct {
    const char *id; /* the platform's user id */
    const char *email, *name, *profile;
} gw_profile_t;

/* Where a platform answers (after configuration and discovery). */
typedef struct {
    const char *authorize, *token, *userinfo, *revoke; /* revoke may be NULL (oidc) */
    bool basic_auth;  /* client_secret_basic at the token endpoint, else client_secret_post */
    const char *jwks; /* oidc: the JWKS; configured as jwks_url, else discovered */
    bool iss_param;   /* oidc: the platform sends RFC 9207 iss in its redirect */
} gw_endpoints_t;

typedef struct gw_kind {
    const char *name;        /* the `kind` value: "naver" */
    gw_endpoints_t defaults; /* documented endpoints; empty for oidc (discovery) */
    const char *scope;       /* default scope, items separated by spaces */
    char scope_sep;          /* how the platform joins scope items */
    bool scope_on_login;     /* send `scope` with the login URL */
    bool oidc;               /* discovery, nonce, PKCE, id_token */
    /* Where the userinfo answer keeps each field (dotted paths). */
    const char *id_path, *email_path, *name_path, *name_fallback, *profile_path;
    /* The re-consent parameter added to the authorize URL; NULL: none. A NULL
     * value means the platform's scope. */
    const char *reconsent_param, *reconsent_value;
    /* Fills what the userinfo answer lacked from another call (github's
     * e-mail addresses); may be NULL. */
    gh_status_t (*complete)(const http_request_t *req, const gw_platform_t *p,
                            const gw_endpoints_t *ep, const gw_tokens_t *t, gw_profile_t *prof,
                            gw_error_t *err);
    /* Unlinks the user at the platform. */
    gh_status_t (*revoke)(const http_request_t *req, const gw_platform_t *p,
                          const gw_endpoints_t *ep, const gw_tokens_t *t, gw_error_t *err);
} gw_kind_t;

typedef struct gw_oidc gw_oidc_t;

struct gw_platform {
    const char *name; /* from [platform.NAME] */
    const gw_kind_t *kind;
    const char *client_id, *client_secret;
    const char *scope;         /* joined with the kind's separator */
    const char *redirect_uri;  /* public_url + /oauth2/callback?platform=NAME */
    const char *issuer;        /* oidc */
    gw_endpoints_t configured; /* overrides (any may be NULL) */
    gw_oidc_t *oidc;           /* discovery and JWKS cache; NULL unless kind->oidc */
};

/* The row of a kind name, or NULL. */
const gw_kind_t *gw_kind_find(const char *name);

/* Reads every [platform.NAME] section into *out (malloc'd, strings borrowed
 * from cfg or allocated in a). On failure writes one line into err. */
gh_status_t gw_platforms_load(const config_t *cfg, arena_t *a, const char *public_url,
                              gw_platform_t **out, size_t *count, char *err, size_t err_len);
void gw_platforms_free(gw_platform_t *p, size_t count);

/* The configured platforms as one unit that SIGHUP replaces whole: their
 * rows, the body of GET /oauth2/api/platforms, and what their strings point
 * into. A replaced set stays (on ->older) until the gateway stops, since a
 * request may still hold one of its rows. */
struct gw_platform_set {
    gw_platform_t *list;
    size_t count;
    json_t *list_json; /* body of GET /oauth2/api/platforms (web.c) */
    config_t *cfg;     /* the configuration read again for this set, or NULL */
    arena_t *arena;    /* the rows' strings */
    gw_platform_set_t *older;
};

/* The set of cfg's [platform.*] sections; owned (may be NULL) is a
 * configuration the set takes over and frees. On failure err says why in one
 * line and owned is left to the caller. */
gh_status_t gw_platform_set_new(const config_t *cfg, config_t *owned, const char *public_url,
                                gw_platform_set_t **out, char *err, size_t err_len);

/* Frees s and every older set. NULL does nothing. */
void gw_platform_set_free(gw_platform_set_t *s);

/* The effective endpoints of p (configured, else discovered, else the kind's). */
gh_status_t gw_platform_endpoints(const http_request_t *req, gw_platform_t *p, gw_endpoints_t *out,
                                  gw_error_t *err);

/* ---- upstream calls (upstream.c) ---- */

/* Sends call; on a 2xx answer with want_json, *out is its JSON object
 * (released with the arena), and an object holding `error` is a refusal.
 * Failures fill err: 504 on a timeout, 502 otherwise, naming the platform
 * and `what` ("token request"). */
gh_status_t gw_call(const http_request_t *req, const gw_platform_t *p, httpc_request_t *call,
                    const char *what, bool want_json, json_t **out, gw_error_t *err);

/* A form body from NULL-ended name/value pairs (NULL values skipped). */
const char *gw_form(arena_t *a, const char *const *pairs);

/* The Authorization: Bearer header of an access token. */
httpc_header_t gw_bearer(arena_t *a, const char *access_token);

/* POSTs a form to url (the token endpoint, or the RFC 7009 revocation
 * endpoint) with the client's credentials the way ep says. */
gh_status_t gw_token_request(const http_request_t *req, const gw_platform_t *p,
                             const gw_endpoints_t *ep, const char *url, const char *what,
                             const char *const *fields, bool want_json, json_t **out,
                             gw_error_t *err);

/* Exchanges an authorization code (RFC 6749 §4.1.3); verifier for PKCE or NULL. */
gh_status_t gw_exchange_code(const http_request_t *req, const gw_platform_t *p,
                             const gw_endpoints_t *ep, const char *code, const char *state,
                             const char *verifier, gw_tokens_t *out, gw_error_t *err);

/* Renews the access token with the refresh token (RFC 6749 §6); keeps the old
 * refresh token when the platform sends none. */
gh_status_t gw_refresh_tokens(const http_request_t *req, const gw_platform_t *p,
                              const gw_endpoints_t *ep, gw_tokens_t *t, gw_error_t *err);

/* The user's profile from the userinfo endpoint, normalised. */
gh_status_t gw_fetch_profile(const http_request_t *req, const gw_platform_t *p,
                             const gw_endpoints_t *ep, const gw_tokens_t *t, gw_profile_t *out,
                             gw_error_t *err);

/* The string (or integer, as text) at a dotted path of v, or NULL. */
const char *gw_json_path(arena_t *a, const json_t *v, const char *path);

/* ---- the platforms' answers, read without any I/O (also fuzzed) ---- */

/* An answer body as JSON: an object or an array, duplicate names refused,
 * released with the arena. GH_ERR_INVALID when it is neither, GH_ERR_NOMEM. */
gh_status_t gw_answer_parse(arena_t *a, const char *body, size_t len, json_t **out);

/* True when the answer is a refusal (an object holding `error`); then *code
 * is the platform's error code when it is a short plain token (it is shown
 * to people), else NULL. */
bool gw_answer_refused(const json_t *v, const char **code);

/* A token answer (RFC 6749 §5.1) as tokens borrowed from v; keep_refresh when
 * it has no refresh_token; expires_at from expires_in (a number, or naver's
 * string of digits; at most a year) after now, 0 when unknown.
 * GH_ERR_INVALID when there is no access token. */
gh_status_t gw_tokens_from_answer(const json_t *v, const char *keep_refresh, int64_t now,
                                  gw_tokens_t *out);

/* A userinfo answer mapped to seed 002's fields by the paths of kind k.
 * GH_ERR_INVALID when it has no user id. */
gh_status_t gw_profile_from_answer(arena_t *a, const gw_kind_t *k, const json_t *v,
                                   gw_profile_t *out);

/* The primary verified address of github's /user/emails answer, or NULL. */
const char *gw_primary_email(arena_t *a, const json_t *list);

/* The {"code","state"[,"iss"]} JSON body of a login: code and state
 * non-empty strings of at most GW_MAX_CODE and GW_MAX_STATE bytes, iss (RFC
 * 9207, optional: *iss NULL when absent) a non-empty string of at most
 * GW_MAX_ISS bytes; copied into the arena. GH_ERR_INVALID for anything else,
 * GH_ERR_NOMEM. */
gh_status_t gw_login_body_parse(arena_t *a, const char *body, size_t len, const char **code,
                                const char **state, const char **iss);

/* ---- OpenID Connect platforms (oidc.c) ---- */

gw_oidc_t *gw_oidc_new(void);
void gw_oidc_free(gw_oidc_t *o);

/* The discovered endpoints (fetched once, then cached). Each must share the
 * issuer's origin, unless the configuration names that endpoint itself. */
gh_status_t gw_oidc_endpoints(const http_request_t *req, gw_platform_t *p, gw_endpoints_t *out,
                              gw_error_t *err);

/* Checks an id_token (OpenID Connect Core §3.1.3.7): signature against the
 * provider's JWKS, iss, aud = client_id, azp (when present) = client_id,
 * exp, iat and nbf (with a clock skew), nonce. *sub gets its subject. */
gh_status_t gw_oidc_check_id_token(const http_request_t *req, gw_platform_t *p,
                                   const char *id_token, const char *nonce, const char **sub,
                                   gw_error_t *err);

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
    const char *config_file;                /* the --config file SIGHUP reads again; may be NULL */
    _Atomic(gw_platform_set_t *) platforms; /* the configured platforms, replaced by SIGHUP */
} gw_app_t;

static inline gw_app_t *gw_app_of(const http_request_t *req)
{
    return (gw_app_t *)req->app;
}

/* The configured platform named name, or NULL. */
gw_platform_t *gw_platform_find(const http_request_t *req, const char *name);

/* ---- login states (state.c) ---- */

/* Counts a login URL asked for from the request's address (rate.c): GH_OK
 * while the address is within login_rate per login_rate_window, else
 * GH_ERR_THROTTLED with *err a 429 and Retry-After set on res. */
gh_status_t gw_login_rate(const http_request_t *req, http_response_t *res, gw_error_t *err);

/* A fresh single-use state for p (and a nonce for oidc platforms), stored
 * with its expiry and bound to this browser: res gets the login cookie, a
 * random value whose digest is stored with the state. Both in the arena. */
gh_status_t gw_state_new(const http_request_t *req, http_response_t *res, const gw_platform_t *p,
                         const char **state, const char **nonce, gw_error_t *err);

/* Takes the state (single use): refused when unknown, used, expired, made
 * for another platform or for another browser (the login cookie's digest,
 * compared in constant time). *nonce gets the bound nonce (or NULL). */
gh_status_t gw_state_take(const http_request_t *req, const gw_platform_t *p, const char *state,
                          const char **nonce, gw_error_t *err);

/* The PKCE verifier and S256 challenge (RFC 7636) derived from a state. */
const char *gw_pkce_verifier(const http_request_t *req, const char *state);
const char *gw_pkce_challenge(const http_request_t *req, const char *state);

/* The platform's authorize URL with a fresh state (its login cookie set on
 * res); extra_param/value adds one more parameter (re-consent) when not NULL. */
gh_status_t gw_authorize_url(const http_request_t *req, http_response_t *res, gw_platform_t *p,
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

/* The login cookie: its name (with the __Host- prefix under https), setting
 * it to value for state_ttl seconds, and clearing it. */
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

/* The length of url's origin (RFC 6454: scheme://host[:port]), up to the
 * first '/' after "scheme://". */
size_t gw_origin_len(const char *url);

/* The user of a valid `access` cookie, else GH_ERR_NOT_FOUND (err: 401). */
gh_status_t gw_access_user(const http_request_t *req, const char **user_id, gw_error_t *err);

/* The jti digest of a valid `refresh` cookie, else GH_ERR_NOT_FOUND. */
gh_status_t gw_refresh_cookie(const http_request_t *req, const char **digest);

/* ---- upstream tokens at rest (cookies.c) ---- */

/* Seals t for the user (platform, platform_user_id) into *out. */
gh_status_t gw_tokens_seal(const http_request_t *req, const store_gw_user_t *u,
                           const gw_tokens_t *t, const char **out);

/* Opens the user's sealed tokens. */
gh_status_t gw_tokens_open(const http_request_t *req, const store_gw_user_t *u, gw_tokens_t *out);

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

/* The list GET /oauth2/api/platforms answers for list[0..count):
 * [{"name","kind","label"}], label being [platform.NAME] label, else a name
 * for the kind (naver, kakao, google, github), else NAME. Release it with
 * json_decref; NULL when out of memory. */
json_t *gw_web_platform_list(const gw_platform_t *list, size_t count, const config_t *cfg);

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
