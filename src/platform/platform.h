/* Sign-in platforms: the kinds (naver, kakao, google, github, any OpenID
 * provider), their [platform.NAME] sections, and every call a relying party
 * makes to them: the authorization URL, the code exchange, the id_token
 * check, the user's profile, and unlinking. Both the social-login gateway
 * and the authorization server (federated sign-in) use this one library;
 * what each keeps for itself is where the state of a sign-in lives and what
 * it does with the person afterwards.
 *
 * What it trusts: the configuration, and TLS-verified answers from the
 * configured endpoints (still parsed as untrusted, bounded input). */
#ifndef GH_PLATFORM_PLATFORM_H
#define GH_PLATFORM_PLATFORM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include <jansson.h>
#include "core/status.h"
#include "httpc/httpc.h"

#define PLATFORM_MAX_CODE 2048 /* longest authorization code accepted back */
#define PLATFORM_MAX_STATE 128 /* longest state value accepted back */
#define PLATFORM_MAX_ISS 512   /* longest RFC 9207 iss value accepted back */

/* ---- errors: a typed value each server renders its own way ---- */

typedef enum {
    PLATFORM_ERR_BAD_REQUEST, /* the answer brought back by the browser is refused */
    PLATFORM_ERR_INTERNAL,    /* out of memory, no randomness */
    PLATFORM_ERR_UPSTREAM,    /* the platform failed, refused, or answered garbage */
    PLATFORM_ERR_TIMEOUT,     /* the platform did not answer in time */
} platform_error_kind_t;

typedef struct {
    platform_error_kind_t kind;
    const char *message; /* for developers and logs; names the platform, never a secret */
} platform_error_t;

/* Fills *err and returns st. */
gh_status_t platform_fail(platform_error_t *err, gh_status_t st, platform_error_kind_t kind,
                          const char *message);

/* ---- kinds and configured platforms ---- */

typedef struct platform platform_t;
typedef struct platform_set platform_set_t;
typedef struct platform_oidc platform_oidc_t;

/* Tokens of the platform for one person (never shown to the browser). */
typedef struct {
    const char *access_token;
    const char *refresh_token; /* may be NULL */
    const char *id_token;      /* oidc; may be NULL */
    int64_t expires_at;        /* of the access token; 0 when unknown */
} platform_tokens_t;

/* A platform user normalised; NULL fields were not consented to. */
typedef struct {
    const char *id; /* the platform's user id */
    const char *email, *name, *profile;
    bool email_verified; /* the platform asserts it verified email */
} platform_profile_t;

/* Where a platform answers (after configuration and discovery). */
typedef struct {
    const char *authorize, *token, *userinfo, *revoke; /* revoke may be NULL (oidc) */
    bool basic_auth;  /* client_secret_basic at the token endpoint, else client_secret_post */
    const char *jwks; /* oidc: the JWKS; configured as jwks_url, else discovered */
    bool iss_param;   /* oidc: the platform sends RFC 9207 iss in its redirect */
    const char *end_session; /* oidc: RP-initiated logout, when discovered */
} platform_endpoints_t;

/* Which OpenID Connect request parameters a kind understands (forwarded from
 * the partner's request by the authorization server). */
enum {
    PLATFORM_FWD_PROMPT = 1,
    PLATFORM_FWD_MAX_AGE = 2,
    PLATFORM_FWD_LOGIN_HINT = 4,
    PLATFORM_FWD_UI_LOCALES = 8,
};

typedef struct platform_kind {
    const char *name;              /* the `kind` value: "naver" */
    const char *label;             /* the default label on a button: "Kakao" */
    platform_endpoints_t defaults; /* documented endpoints; empty for oidc (discovery) */
    const char *scope;             /* default scope, items separated by spaces */
    char scope_sep;                /* how the platform joins scope items */
    bool scope_on_login;           /* send `scope` with the login URL */
    bool oidc;                     /* discovery, nonce, PKCE, id_token */
    unsigned forwards;             /* PLATFORM_FWD_* */
    const char *login_hint_param;  /* the platform's name for login_hint; NULL: login_hint */
    /* Where the userinfo answer keeps each field (dotted paths). */
    const char *id_path, *email_path, *name_path, *name_fallback, *profile_path;
    const char *verified_path; /* a boolean: the e-mail address is verified; NULL: never said */
    /* The re-consent parameter added to the authorize URL; NULL: none. A NULL
     * value means the platform's scope. */
    const char *reconsent_param, *reconsent_value;
    /* Fills what the userinfo answer lacked from another call (github's
     * e-mail addresses); may be NULL. */
    gh_status_t (*complete)(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                            const platform_tokens_t *t, platform_profile_t *prof,
                            platform_error_t *err);
    /* Unlinks the user at the platform. */
    gh_status_t (*revoke)(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                          const platform_tokens_t *t, platform_error_t *err);
} platform_kind_t;

struct platform {
    const char *name;  /* from [platform.NAME] */
    const char *label; /* `label`, else the kind's label, else the name */
    const platform_kind_t *kind;
    const char *client_id, *client_secret;
    const char *scope;               /* joined with the kind's separator */
    const char *redirect_uri;        /* where the platform sends the browser back */
    const char *issuer;              /* oidc */
    platform_endpoints_t configured; /* overrides (any may be NULL) */
    platform_oidc_t *oidc;           /* discovery and JWKS cache; NULL unless kind->oidc */
    long timeout_ms;                 /* for each call */
    bool link_by_verified_email;     /* federated sign-in: see docs/federation.md */
    bool single_sign_out;            /* the gateway's sign-out ends the platform's session too */
};

/* The row of a kind name, or NULL. */
const platform_kind_t *platform_kind_find(const char *name);

/* What a server tells the loader: each platform's redirect URI is
 * redirect_prefix + NAME + redirect_suffix; required: a set without any
 * platform is refused. */
typedef struct {
    const char *redirect_prefix, *redirect_suffix;
    long timeout_ms;
    bool required;
} platform_site_t;

/* The configured platforms as one unit that SIGHUP replaces whole. A
 * replaced set stays (on ->older) until the server stops, since a request
 * may still hold one of its rows. */
struct platform_set {
    platform_t *list;
    size_t count;
    json_t *json;   /* [{"name","kind","label"[,"reconsent":true]}] */
    config_t *cfg;  /* the configuration read again for this set, or NULL */
    arena_t *arena; /* the rows' strings */
    platform_set_t *older;
};

/* The set of cfg's [platform.*] sections; owned (may be
 * NULL) is a configuration the set takes over and frees. On failure err says
 * why in one line, naming the section, and owned is left to the caller. */
gh_status_t platform_set_new(const config_t *cfg, config_t *owned, const platform_site_t *site,
                             platform_set_t **out, char *err, size_t err_len);

/* Frees s and every older set. NULL does nothing. */
void platform_set_free(platform_set_t *s);

/* SIGHUP: reads file (may be NULL) and the environment again and puts their
 * set in place of *slot's. GH_OK, or an error logged with what changed
 * nothing. */
gh_status_t platform_set_reload(const char *file, const platform_site_t *site,
                                _Atomic(platform_set_t *) *slot);

/* The platform named name in s, or NULL. */
platform_t *platform_set_find(const platform_set_t *s, const char *name);

/* The effective endpoints of p (configured, else discovered, else the kind's). */
gh_status_t platform_endpoints(arena_t *a, platform_t *p, platform_endpoints_t *out,
                               platform_error_t *err);

/* ---- one sign-in ---- */

/* The PKCE verifier (RFC 7636) derived from a state with a server's key, so
 * nothing needs storing, and its S256 challenge. NULL when out of memory. */
const char *platform_pkce_verifier(arena_t *a, const unsigned char key[32], const char *state);
const char *platform_pkce_challenge(arena_t *a, const char *verifier);

/* The platform's authorize URL for state (and nonce and PKCE challenge for
 * oidc kinds, else NULL); extra holds more name/value pairs, NULL-ended (a
 * NULL value is skipped; "scope" replaces the platform's scope). */
gh_status_t platform_authorize_url(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                   const char *state, const char *nonce, const char *challenge,
                                   const char *const *extra, const char **url,
                                   platform_error_t *err);

/* Everything the platform must confirm once the browser is back with code
 * (the state already taken by the caller): iss (RFC 9207, may be NULL), the
 * code exchange (with verifier for oidc kinds), the id_token (nonce) and the
 * profile, whose id must be the id_token's subject. */
gh_status_t platform_finish_login(arena_t *a, platform_t *p, const char *code, const char *state,
                                  const char *iss, const char *nonce, const char *verifier,
                                  platform_tokens_t *t, platform_profile_t *prof,
                                  platform_error_t *err);

/* The platform's RP-initiated logout URL (OpenID Connect RP-Initiated Logout
 * 1.0 §2) for a person whose id_token is id_token, coming back to
 * post_logout_redirect_uri: *url NULL when p does not say single_sign_out,
 * has no end_session_endpoint or there is no id_token. */
gh_status_t platform_end_session_url(arena_t *a, platform_t *p, const char *id_token,
                                     const char *post_logout_redirect_uri, const char **url,
                                     platform_error_t *err);

/* Unlinks a person at the platform with its tokens, renewing an access token
 * about to expire first (t is updated). */
gh_status_t platform_unlink(arena_t *a, platform_t *p, platform_tokens_t *t, platform_error_t *err);

/* Seals t (access, refresh and id token, expiry) under key, bound to aad (the
 * identity they belong to), into *out; opens it again. platform_tokens_open:
 * GH_ERR_INVALID when what opened holds no access token. */
gh_status_t platform_tokens_seal(arena_t *a, const unsigned char key[32], const char *aad,
                                 const platform_tokens_t *t, const char **out);
gh_status_t platform_tokens_open(arena_t *a, const unsigned char key[32], const char *aad,
                                 const char *sealed, platform_tokens_t *out);

/* The string (or integer, as text) at a dotted path of v, or NULL. */
const char *platform_json_path(arena_t *a, const json_t *v, const char *path);

/* The length of url's origin (RFC 6454: scheme://host[:port]). */
size_t platform_origin_len(const char *url);

#endif
