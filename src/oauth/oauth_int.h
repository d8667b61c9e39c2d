/* Private to the oauth module: the server context every handler reaches
 * through req->app, and the pieces the endpoint files share (errors, scopes,
 * PKCE, client authentication, sessions and CSRF, the key ring, token
 * issuing). */
#ifndef GH_OAUTH_INT_H
#define GH_OAUTH_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/password_policy.h"
#include "http/http.h"
#include "httpc/httpc.h"
#include "jose/jose.h"
#include "mail/mail.h"
#include "mfa/mfa.h"
#include "platform/platform.h"
#include "oidc/oidc.h"
#include "store/store.h"
#include "ui/ui.h"
#include "webauthn/webauthn.h"

/* ---- the key ring: the current keyset, reloaded from the store ---- */

typedef struct keyring keyring_t;

/* Loads the keys, creating a signing key for each of algs[0..alg_count)
 * (id tokens' first, then access tokens' when another) that has none. */
gh_status_t keyring_start(store_t *store, const jose_alg_t *algs, size_t alg_count,
                          int64_t retire_after, keyring_t **out);
/* Loads the stored keys again when they changed, and frees keysets replaced
 * long ago. One caller at a time (the server's main thread, between waits for
 * a stop signal); requests keep reading meanwhile. kr is a keyring_t *. */
void keyring_reload(void *kr);
void keyring_stop(keyring_t *kr);

/* The current keyset: valid for the rest of the request (a replaced keyset is
 * kept alive for a grace period long past any request's lifetime). */
const jose_keyset_t *keyring_current(keyring_t *kr);

/* jose_jwt_verify with the current keyset; when the token names a kid the
 * ring does not hold, the ring is loaded again first (at most once a second
 * for the whole ring: a token signed by another instance with a key this one
 * has not loaded yet is accepted at once) and the token checked once more. */
gh_status_t keyring_verify(keyring_t *kr, arena_t *a, const char *token, json_t **claims,
                           const char **typ);

/* ---- the server context ---- */

typedef struct backchannel backchannel_t;

typedef struct {
    const config_server_t *cfg;
    const config_t *config; /* the whole configuration ([scope.NAME] labels); may be NULL */
    store_t *store;
    keyring_t *keys;
    jose_alg_t id_token_alg;     /* signing_alg */
    jose_alg_t access_token_alg; /* access_token_alg, by default signing_alg */
    const char *discovery;       /* the discovery document, built once */
    size_t discovery_len;
    unsigned char csrf_key[32]; /* shared by all instances (store setting) */
    bool secure_cookies;        /* issuer is https */
    const char *session_cookie; /* SESSION_COOKIE, "__Host-" prefixed when secure_cookies */
    const char *csrf_cookie;    /* CSRF_COOKIE, likewise */
    backchannel_t *backchannel; /* the logout delivery thread; NULL outside `serve` */
    const struct oauth_extra_routes *extra; /* oauth_serve_with's, or NULL */
    const http_route_t *routes;             /* ROUTES, then extra's */
    size_t route_count;
    const config_smtp_t *smtp; /* [smtp]; NULL or without url: no mail */
    mail_worker_t *mail;       /* the outbox's sender; NULL without mail */
    const char *mfa_cookie;    /* MFA_COOKIE, likewise */
    mfa_keys_t mfa_keys;       /* seal and open TOTP secrets (mfa_keys_load) */
    webauthn_rp_t passkey_rp;  /* RP ID and origin of the passkey ceremonies (passkey.h) */
    /* federated sign-in (federate.c) */
    _Atomic(platform_set_t *) platforms; /* [platform.*] sections, replaced by SIGHUP */
    platform_site_t platform_site;       /* how they are loaded */
    char platform_prefix[1024];          /* issuer + /auth/federate/ */
    const char *config_file;             /* the --config file SIGHUP reads again; may be NULL */
    const char *fed_cookie;              /* FED_COOKIE, "__Host-" prefixed when secure_cookies */
    unsigned char fed_pkce_key[32];      /* derives PKCE verifiers from states */
    unsigned char fed_seal_key[32];      /* seals the platforms' tokens at rest */
    oidc_scopes_t scopes;                /* the custom scopes of config (oauth_app_configure) */
    unsigned char pairwise_key[32];      /* keys pairwise subs (store setting pairwise_key) */
    unsigned char member_seal_key[32];   /* seals the member in pairwise access tokens */
} app_t;

/* A key of its own for each use (label), from a shared key (csrf_key,
 * pairwise_key): HMAC-SHA256 of the label, hashed again. */
void oauth_key_derive(const unsigned char shared[32], const char *label, unsigned char out[32]);

/* ---- what a client learns of a member (subject.c, docs/claims.md) ---- */

/* The sub client sees for member sub: sub itself, or for a pairwise client
 * its pairwise sub (oidc_pairwise_sub of its sector), in a. NULL when none
 * can be made (a pairwise client without one sector: never stored). */
const char *oauth_subject(const app_t *app, arena_t *a, const store_client_t *client,
                          const char *sub);
/* oauth_subject for the client client_id (read from the store); sub when
 * client_id is NULL, NULL when the client is gone. */
const char *oauth_subject_of(const app_t *app, arena_t *a, const char *client_id, const char *sub);
/* RFC 9068 §6: a pairwise client's access token carries the sub that client
 * sees, and the member it speaks for sealed in ACCESS_MEMBER_CLAIM for this
 * server alone (AES-256-GCM under app->member_seal_key, derived from
 * pairwise_key by MEMBER_SEAL_KEY_LABEL; a fresh nonce each time, so no two
 * tokens carry the same text; the token's jti as additional data).
 * oauth_member_seal: the claim's value, in a (NULL on failure).
 * oauth_member_open: the member's sub, or NULL when the value is not one
 * this server sealed for that jti. */
#define ACCESS_MEMBER_CLAIM "gh_member"
#define MEMBER_SEAL_KEY_LABEL "gatehouse access token member"
const char *oauth_member_seal(const app_t *app, arena_t *a, const char *jti, const char *sub);
const char *oauth_member_open(const app_t *app, arena_t *a, const char *jti, const char *sealed);
/* Adds to an id_token's claims the member's claims that client names in its
 * id_token_claims, of those scope releases, leaving the protocol's as they
 * are. GH_OK at once when the client names none. */
gh_status_t oauth_id_token_claims_add(const app_t *app, arena_t *a, const store_client_t *client,
                                      const char *sub, const char *scope, json_t *claims);

/* ---- logout everywhere (backchannel.c, logout_notify.c) ---- */

/* Starts the thread that delivers the queued back-channel logout tokens
 * (store/logout.h) of app, whose store and keys it uses until
 * backchannel_stop. GH_ERR_NOMEM / GH_ERR_INTERNAL when it cannot start. */
gh_status_t backchannel_start(app_t *app, backchannel_t **out);
/* Makes the thread look at the outbox now rather than at its next poll.
 * NULL does nothing. */
void backchannel_wake(backchannel_t *b);
/* Stops the thread (after an attempt under way) and frees. NULL does nothing. */
void backchannel_stop(backchannel_t *b);
/* Seconds before the next attempt after `attempts` failed ones: first,
 * doubled at each further attempt, at most an hour. */
int64_t backchannel_backoff(long first, int64_t attempts);

/* The sign-in session (session) ends: queues a logout token for every
 * client that received a code in it and has a backchannel_logout_uri, wakes
 * the delivery thread, and revokes the session's refresh tokens granted
 * without offline_access (docs/clients.md "Logout"). *clients gets the
 * session's clients (for the front-channel iframes), in the arena. */
gh_status_t logout_session_ended(app_t *app, arena_t *a, const store_session_t *session,
                                 store_session_client_t **clients, size_t *count);

/* Every session of sub ends (oauth_user_end_all): queues a logout token for
 * every client that received a code in any of them (the grants themselves
 * are revoked by store_user_end_all). Any process may call it: the server's
 * delivery thread finds the rows at its next poll. */
gh_status_t logout_user_ended(store_t *store, const char *sub);

/* An access token issued just as its grant is revoked may carry an exp up to
 * this much later than the revocation's now + access_token_ttl. */
#define GRANT_REVOKE_MARGIN 60

static inline app_t *app_of(const http_request_t *req)
{
    return (app_t *)req->app;
}

/* Assembles the server context from cfg (borrowed; must outlive app): the
 * signing algorithms, the store (opened and migrated), the key ring (a first
 * key per algorithm when there is none), the shared CSRF key and the
 * discovery document (in arena a, which must outlive app). On failure *what
 * names the step for the operator's message and what was opened is closed
 * again. `gatehouse serve` and the handlers' unit tests build it this way. */
gh_status_t oauth_app_open(const config_server_t *cfg, arena_t *a, app_t *app, const char **what);

/* Takes config (borrowed; must outlive app) into app: its custom scopes
 * ([scope.NAME] claims, checked: GH_ERR_INVALID with the key named in err)
 * and the discovery document that lists them. */
gh_status_t oauth_app_configure(app_t *app, arena_t *a, const config_t *config, char *err,
                                size_t err_len);

/* Closes what oauth_app_open opened; a zeroed app_t does nothing. */
void oauth_app_close(app_t *app);

/* The HTTP options of the authorization server for app: its route table, its
 * error hooks (errors in the configured style; pages at the browser
 * endpoints) and app->cfg's listen address, threads, body cap and timeout. */
void oauth_http_opts(app_t *app, http_server_opts_t *out);

/* ---- errors: a typed value, rendered in one place ---- */

typedef enum {
    OAUTH_ERR_INVALID_REQUEST,
    OAUTH_ERR_INVALID_GRANT,
    OAUTH_ERR_INVALID_CLIENT,
    OAUTH_ERR_UNAUTHORIZED_CLIENT,
    OAUTH_ERR_UNSUPPORTED_GRANT_TYPE,
    OAUTH_ERR_UNSUPPORTED_RESPONSE_TYPE,
    OAUTH_ERR_INVALID_SCOPE,
    OAUTH_ERR_ACCESS_DENIED,
    OAUTH_ERR_INVALID_TOKEN,
    OAUTH_ERR_INSUFFICIENT_SCOPE,
    OAUTH_ERR_TOO_LARGE,
    OAUTH_ERR_SERVER_ERROR,
    OAUTH_ERR_UNAVAILABLE,
    OAUTH_ERR_TOKEN_MISSING,         /* a resource request without any token (RFC 6750 §3.1) */
    OAUTH_ERR_AUTHORIZATION_PENDING, /* RFC 8628 §3.5: polling errors, always RFC 6749 shape */
    OAUTH_ERR_SLOW_DOWN,
    OAUTH_ERR_EXPIRED_TOKEN,
    OAUTH_ERR_TOO_MANY_REQUESTS,      /* a rate limit (429, with Retry-After) */
    OAUTH_ERR_INVALID_REQUEST_OBJECT, /* RFC 9101 §6.2: a request object that does not verify */
    OAUTH_ERR_INVALID_REQUEST_URI,    /* RFC 9126 §4: an unknown, used or expired request_uri */
    OAUTH_ERR_INVALID_TARGET,         /* RFC 8707 §2: a resource not allowed */
    OAUTH_ERR_INVALID_DPOP_PROOF,     /* RFC 9449 §5, §7.1: a DPoP proof missing or refused */
    OAUTH_ERR_USE_DPOP_NONCE,         /* RFC 9449 §8: prove again with the DPoP-Nonce given */
    OAUTH_ERR_INVALID_DPOP_TOKEN,     /* invalid_token with a DPoP challenge (RFC 9449 §7.1) */
} oauth_error_kind_t;

typedef struct {
    oauth_error_kind_t kind;
    const char *description; /* for people; never secret; may be NULL */
} oauth_error_t;

/* Fills in *err and returns false: the one-line failure of every check
 * that reports an oauth_error_t. */
bool oauth_fail(oauth_error_t *err, oauth_error_kind_t kind, const char *why);

/* Where an error is answered: the token-style endpoints, or a protected
 * resource (userinfo: RFC 6750 §3 challenge in rfc6749 style). */
typedef enum { OAUTH_AT_TOKEN, OAUTH_AT_RESOURCE } oauth_error_site_t;

/* Writes the error in the configured style: seed 004
 * {"error":{"code","message"},"payload":null} or RFC 6749 §5.2 / RFC 6750 §3.
 * The device flow's polling answers (authorization_pending, slow_down,
 * expired_token, access_denied) are RFC 6749 §5.2 in both styles, since
 * standard device clients read their `error` member (RFC 8628 §3.5). */
void oauth_error_respond(const http_request_t *req, http_response_t *res, oauth_error_site_t site,
                         const oauth_error_t *err);

/* The RFC 6749 error name ("invalid_scope"), for authorize redirects. */
const char *oauth_error_name(oauth_error_kind_t kind);

/* The seed 004 code ("10071"). */
const char *oauth_error_seed_code(oauth_error_kind_t kind);

/* An error page in lang (ui_render_error) with status: where the client or
 * its redirect URI is not verified, errors are pages, never redirects. A bare
 * 500 when the page cannot be built. */
void oauth_error_page(const http_request_t *req, http_response_t *res, ui_lang_t lang, int status,
                      ui_msg_t msg, ui_detail_t detail);

/* Maps a store status to the error to answer (UNAVAILABLE → 503, …). */
oauth_error_kind_t oauth_error_from_status(gh_status_t st);

/* ---- scopes: space-separated lists (RFC 6749 §3.3) ---- */

#define SCOPE_MAX_ITEMS 32

typedef struct {
    const char *items[SCOPE_MAX_ITEMS];
    size_t count;
} scope_list_t;

/* Splits s on single spaces into distinct scope tokens (RFC 6749 §3.3
 * scope-token characters only). GH_ERR_INVALID on a bad character, an empty
 * item or too many. Items point into the arena. */
gh_status_t scope_parse(arena_t *a, const char *s, scope_list_t *out);

bool scope_has(const scope_list_t *l, const char *scope);

/* True when every item of sub is in super. */
bool scope_subset(const scope_list_t *sub, const scope_list_t *super);

/* The items joined by single spaces, in the arena. */
const char *scope_join(arena_t *a, const scope_list_t *l);

/* The requested scope narrowed within granted (RFC 6749 §6: no new scopes);
 * NULL requested keeps granted. invalid_scope otherwise. */
bool scope_narrow(arena_t *a, const char *requested, const char *granted, const char **out,
                  oauth_error_t *err);

/* The union of two lists (a's order, then b's new items). */
void scope_union(scope_list_t *into, const scope_list_t *other);

/* What a consent page names for a grant of scope: every claim the grant
 * releases at userinfo (page->claims, from oidc_released_claims, the table
 * userinfo answers from) and the scopes that release no claim (page->scopes:
 * offline_access, …). Both lists in the arena; false when out of memory. */
bool scope_consent_items(arena_t *a, const oidc_scopes_t *custom, const scope_list_t *scope,
                         ui_consent_t *page);

/* ---- PKCE (RFC 7636), S256 only ---- */

/* True when method is supported ("S256"). */
bool pkce_method_supported(const char *method);

/* True when challenge is a well-formed S256 challenge (43 base64url chars). */
bool pkce_challenge_valid(const char *challenge);

/* True when verifier (43–128 unreserved chars) hashes to challenge; constant time. */
bool pkce_verify(const char *challenge, const char *verifier);

/* ---- client authentication at the token-style endpoints ---- */

/* Authenticates the client of a token/revoke/introspect request:
 * client_secret_basic, client_secret_post, or a public client's bare
 * client_id; then its origin (client_origin_check). On failure fills err
 * (10076 / invalid_client). */
bool client_auth_verify(http_request_t *req, store_client_t *client, oauth_error_t *err);

/* A request from a page of another origin (its Origin header) is the
 * client's only when that origin is the issuer's or one of the client's
 * redirect URIs' (client NULL: the issuer's only); then the page may read
 * the answer (req->origin_allowed, on routes that allow callers' origins).
 * Otherwise fills err (invalid_request): a page elsewhere cannot spend the
 * client's codes or tokens. A request without Origin (not a browser's)
 * passes. */
bool client_origin_check(http_request_t *req, const store_client_t *client, oauth_error_t *err);

/* Whether the request tries private_key_jwt (client_assertion or
 * client_assertion_type sent). */
bool client_assertion_sent(const http_request_t *req);

/* private_key_jwt (RFC 7523 §2.2, OpenID Connect Core §9, client_assertion.c),
 * in two halves around the store's read of the client (client_auth_credentials
 * and client_auth_check call them): the client the assertion names (its sub,
 * read before any check; the client_id sent, if any, must be the same), then,
 * once that client is read, the assertion's signature checked with its keys
 * and its claims (iss, sub, aud, exp, nbf, iat, a jti used once). On failure
 * fill err (invalid_client). */
bool client_assertion_id(const http_request_t *req, const char **id, oauth_error_t *err);
bool client_assertion_check(const http_request_t *req, const store_client_t *client,
                            oauth_error_t *err);

/* The claims part of client_assertion_verify, a pure function (unit tests,
 * fuzz target): iss = sub = client_id, aud (a string or up to 8) naming one
 * of audiences (NULL-ended), exp after now and at most 5 minutes (and a
 * minute's skew) ahead, nbf and iat not past now + skew, a jti of 1-256
 * bytes. On true *exp and *jti are set; on false *why says what failed. */
bool client_assertion_claims_valid(const json_t *claims, const char *client_id,
                                   const char *const *audiences, int64_t now, int64_t *exp,
                                   const char **jti, const char **why);

/* Verifies token's signature with client's own keys (client_keys.c): its
 * inline jwks, or its jwks_uri fetched with httpc and cached. On GH_OK *claims
 * is the payload (arena-released) and *typ (when not NULL) the header's typ.
 * GH_ERR_NOT_FOUND when the client has no keys, GH_ERR_UNAVAILABLE when its
 * jwks_uri cannot be read, GH_ERR_INVALID / GH_ERR_CRYPTO as jose_jwt_verify. */
gh_status_t client_keys_verify(const http_request_t *req, const store_client_t *client,
                               const char *token, json_t **claims, const char **typ);

/* The declared limits of private_key_jwt's two parameters, for the
 * parameter tables of the endpoints that authenticate clients. */
#define CLIENT_ASSERTION_PARAMS                                                                    \
    {"client_assertion", JOSE_MAX_TOKEN},                                                          \
    {                                                                                              \
        "client_assertion_type", 128                                                               \
    }

/* ---- documents from outside (outside.c) ---- */

/* A document at an address a third party chose (a jwks_uri, a client
 * metadata document): where, what to accept, and the caller's limits. */
typedef struct {
    const char *url;
    const char *accept; /* the Accept header */
    long timeout_s;     /* connection and answer together */
    size_t max_bytes;
    bool private_ok; /* loopback, private and link-local addresses too */
} outside_fetch_t;

/* Fetches f->url with httpc, safely (no redirects, verified TLS trusting
 * [server] outside_ca_file when set, public addresses only unless
 * f->private_ok); as httpc_send. */
gh_status_t outside_fetch(const http_request_t *req, const outside_fetch_t *f,
                          httpc_response_t *res);

typedef enum {
    OUTSIDE_CACHE_DEFAULT, /* no Cache-Control, or none that says how long */
    OUTSIDE_CACHE_MAX_AGE, /* max-age=N: *max_age */
    OUTSIDE_CACHE_NONE,    /* no-store or no-cache: not to be kept */
} outside_cache_t;

#define OUTSIDE_MAX_AGE_CAP 31536000L /* a year: larger max-ages count as it */

/* What a Cache-Control header value (NULL for none) says about keeping the
 * answer (RFC 9111 §5.2.2): directives case-insensitive, comma-separated. */
outside_cache_t outside_cache_control(const char *value, long *max_age);

/* ---- Client ID Metadata Documents (client_document.c) ---- */

#define CLIENT_DOCUMENT_URL_MAX 2048

/* oauth_extra_routes_t.client_document's type: the client model's reading. */
typedef bool (*client_document_check_fn)(arena_t *a, const json_t *doc, store_client_t *out,
                                         const char **why);

/* Whether client_id is meant as a document's URL (it starts with https://). */
bool client_document_id(const char *client_id);
/* Whether url may name a document: https, a host without userinfo, a path
 * of more than "/" without dot segments, no fragment, no spaces or control
 * bytes, at most CLIENT_DOCUMENT_URL_MAX bytes. */
bool client_document_url_valid(const char *url);
/* The host of a document URL (no port), in a; NULL when it is none. */
const char *client_document_host(arena_t *a, const char *url);
/* Reads a fetched document (body, len bytes) of url: a JSON object whose
 * client_id is url exactly, read by check into *out (strings kept with a).
 * False with *why (one line) when it is refused. */
bool client_document_parse(arena_t *a, const char *url, const char *body, size_t len,
                           client_document_check_fn check, store_client_t *out, const char **why);
/* Before a client_id is looked up in the store: for a document URL, makes
 * its row current (fetching the document when the cache says so). GH_OK
 * when the store may be read (also for any other client_id);
 * GH_ERR_NOT_FOUND when documents are off ([server]
 * client_id_metadata_documents) or this one is refused (an unknown client);
 * GH_ERR_UNAVAILABLE when client_document_fetches are already under way; a
 * store failure otherwise. */
gh_status_t client_document_prepare(const http_request_t *req, const char *client_id);

/* client_auth_verify in two halves around the store's read of the client,
 * for a caller that reads more with it: the credentials the request carries
 * (*secret NULL for none; with a client assertion, *id is the client it
 * names and *secret NULL), then the check of the client read (st its store
 * status) against the secret, or against the assertion the request carries
 * (client_assertion_check). */
bool client_auth_credentials(const http_request_t *req, const char **id, const char **secret,
                             oauth_error_t *err);
bool client_auth_check(http_request_t *req, gh_status_t st, const store_client_t *client,
                       const char *secret, oauth_error_t *err);

/* True when the request carries an application/x-www-form-urlencoded body, as
 * the token-style endpoints require (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662
 * §2.1); otherwise fills err (10051 / invalid_request). */
bool client_auth_form_check(const http_request_t *req, oauth_error_t *err);

/* ---- login sessions and CSRF ---- */

/* The cookies' names under an http issuer. Under an https issuer they carry
 * the "__Host-" prefix (RFC 6265bis §4.1.3.2): a browser then keeps them only
 * when set Secure, with Path=/ and no Domain, by this host itself, so a
 * sibling site cannot plant them. */
#define SESSION_COOKIE "gh_session"
#define CSRF_COOKIE "gh_csrf"
#define MFA_COOKIE "gh_mfa" /* a sign-in waiting for its second factor */
#define HOST_COOKIE_PREFIX "__Host-"

/* The live session of the request's cookie, or GH_ERR_NOT_FOUND. Moves its
 * last_seen_at to now when it is a minute old or more (one write a minute at
 * most, not one a request). */
gh_status_t session_current(const http_request_t *req, store_session_t *out);
/* For an authorization request, one statement (one round trip): the
 * client client_id (the result is its store status, NOT_FOUND when unknown,
 * and then nothing else is set) and, as session_current does, the request's
 * live session (*session_st) with the scope its member has consented to for
 * that client (*consent, NULL when none) and its member's second factors
 * (*factors, for mfa_policy_known). */
gh_status_t session_client_current(const http_request_t *req, const char *client_id,
                                   store_client_t *client, gh_status_t *session_st,
                                   store_session_t *session, const char **consent,
                                   store_factors_t *factors);

/* Starts a session for sub (auth_time now), signed in as authn says (its
 * strings must outlive the request), and sets its cookie; the session keeps
 * the request's User-Agent (truncated) and address for the account page. */
gh_status_t session_start(const http_request_t *req, http_response_t *res, const char *sub,
                          const store_authn_t *authn, int64_t now, store_session_t *out);

/* How a password sign-in authenticates (RFC 8176). */
#define SESSION_AMR_PASSWORD "pwd"

/* Ends the request's session: deletes its record (when there is one) and
 * clears the cookie (Max-Age=0). A store failure is returned and then the
 * cookie is left alone, so the person is never told they left when they did
 * not. */
gh_status_t session_end(const http_request_t *req, http_response_t *res);

/* Checks the posted username and password (an unknown username costs one
 * password verification too, so timing does not tell them apart), under the
 * sign-in throttle (docs/security.md); *sub gets the member's (in the
 * arena). No session is started: signin_password decides what follows.
 * GH_ERR_INVALID when a field is missing; GH_ERR_NOT_FOUND for wrong
 * credentials (counted, and logged with client_id, which may be NULL);
 * GH_ERR_THROTTLED with *retry_after seconds when too many attempts failed;
 * a store status otherwise. */
gh_status_t session_password_check(const http_request_t *req, const char *client_id,
                                   const char **sub, int64_t *retry_after);

/* Adds Retry-After: seconds to a throttled answer. */
void session_retry_after(const http_request_t *req, http_response_t *res, int64_t seconds);

/* The CSRF token to put in a form: HMAC(csrf_key, …) of the session it is
 * for, so that only this server can make one and it is good for that session
 * alone. session is the one the request just started (a form shown right
 * after sign-in), or NULL for the request's own session cookie. Before any
 * session the token is bound to the browser's CSRF cookie instead (set here
 * when the browser has none). NULL when out of memory. */
const char *csrf_token(const http_request_t *req, http_response_t *res,
                       const store_session_t *session);

/* True when the posted csrf field is the token for the request's session
 * cookie (or, without one, for its CSRF cookie); compared in constant time. */
bool session_csrf_check(const http_request_t *req);

/* Answers with a rendered page, or a plain 500 when html is NULL (the arena
 * ran out while rendering). */
void session_page_respond(http_response_t *res, int status, const char *html);

/* ---- resource indicators (RFC 8707) ---- */

/* Most resource indicators (RFC 8707) one request names, and their
 * declaration in an endpoint's parameters (a name declared k times may
 * appear k times). */
#define RESOURCE_MAX_COUNT 8
/* clang-format off */
#define REPEATED_PARAM(name) {name, 2048}
#define REPEATED_PARAMS(name)                                                                      \
    REPEATED_PARAM(name), REPEATED_PARAM(name), REPEATED_PARAM(name), REPEATED_PARAM(name),      \
    REPEATED_PARAM(name), REPEATED_PARAM(name), REPEATED_PARAM(name), REPEATED_PARAM(name)
#define RESOURCE_PARAMS REPEATED_PARAMS("resource")
#define AUDIENCE_PARAMS REPEATED_PARAMS("audience") /* RFC 8693 */
/* clang-format on */

typedef struct {
    const char *items[RESOURCE_MAX_COUNT];
    size_t count;
} resource_list_t;

/* The distinct resource parameters of p (resource.c); invalid_target when
 * one is not an absolute URI without fragment or there are too many. Items
 * borrow p's values. */
bool resource_read(const http_pairs_t *p, resource_list_t *out, oauth_error_t *err);

/* True when every item of want is one of allowed[0..n); else invalid_target. */
bool resource_allowed(const resource_list_t *want, const char *const *allowed, size_t n,
                      oauth_error_t *err);

/* The list newline-joined, as the store keeps it ("" for none), in the arena. */
const char *resource_join(arena_t *a, const resource_list_t *l);

/* The audience of a token request (RFC 8707 §2.2): the form's resources,
 * which must be among granted (the grant's newline-joined resources), or,
 * for a grant of none, among the client's; none asked gives all granted.
 * invalid_target otherwise. */
bool resource_narrow(const http_request_t *req, const store_client_t *client, const char *granted,
                     resource_list_t *audience, oauth_error_t *err);
/* ---- the member's platform links, from the server (members.c) ---- */

/* As oauth_member_unlink (the same rule: GH_ERR_CONFLICT when it is the
 * member's last way to sign in, GH_ERR_NOT_FOUND without such a link), with
 * the running server's platforms and seal key to unlink at the platform. */
gh_status_t member_unlink_served(const http_request_t *req, const store_user_t *member,
                                 const char *platform);

/* The account page's sections of second factors and linked platforms
 * (account_sections.c): *out the HTML of each (ui_account_factors_html,
 * ui_account_platforms_html), or a store status. */
gh_status_t account_factors_section(const http_request_t *req, ui_lang_t lang, const char *sub,
                                    const char **out);
gh_status_t account_platforms_section(const http_request_t *req, ui_lang_t lang, const char *sub,
                                      const char *csrf, const char **out);

/* ---- the second-factor step (mfa_step.c, docs/mfa.md) ---- */

/* RFC 8176 method values and our acr values (OpenID Connect Core §2). */
#define AMR_OTP "otp"
#define AMR_MFA "mfa"
#define AMR_HWK "hwk"       /* a passkey bound to its device */
#define AMR_SWK "swk"       /* a passkey that may be synced */
#define ACR_PASSWORD "pwd"  /* one factor */
#define ACR_MFA "mfa"       /* a password and a second factor */
#define MFA_PENDING_TTL 300 /* seconds a sign-in waits for its second factor */

/* What a sign-in must do about a second factor. */
typedef enum {
    MFA_NOT_NEEDED, /* nothing asked (none asked for, or the session has one) */
    MFA_ASK,        /* ask the member's second factor */
    MFA_UNMET,      /* one is required and the member has none enrolled */
} mfa_need_t;

/* Whether word is one of the space-separated words (NULL: none). */
bool oauth_words_have(arena_t *a, const char *words, const char *word);

/* The second factors a member has. */
typedef struct {
    bool totp;        /* a confirmed TOTP secret */
    int64_t recovery; /* recovery codes left */
    size_t passkeys;  /* passkeys (0 while passkeys are off: none can be used) */
} mfa_factors_t;

/* What second factors sub has; a store status on failure. */
gh_status_t mfa_factors(const http_request_t *req, const char *sub, mfa_factors_t *out);

/* The policy (docs/mfa.md): a second factor is wanted when the member has
 * one confirmed (TOTP, or a passkey when amr has none yet), when client (may be NULL) requires one,
 * or when acr_values (may be NULL) names ACR_MFA; it is met by a session whose amr (may be NULL)
 * holds "mfa". acr_values alone is voluntary (OpenID Connect Core §3.1.2.1): a member without a
 * factor goes on, the id_token's acr saying ACR_PASSWORD. */
gh_status_t mfa_policy(const http_request_t *req, const char *sub, const store_client_t *client,
                       const char *acr_values, const char *amr, mfa_need_t *need);
/* mfa_policy with the member's factors known already (known, read with the
 * session by store_client_session; NULL: read them here). */
gh_status_t mfa_policy_known(const http_request_t *req, const char *sub,
                             const store_factors_t *known, const store_client_t *client,
                             const char *acr_values, const char *amr, mfa_need_t *need);

/* A sign-in in the middle of its second-factor step: after the password (a
 * pending sign-in, bound to the browser by the MFA_COOKIE whose digest the
 * store keeps), or a signed-in session being stepped up. */
typedef struct {
    const char *sub;
    const char *amr;            /* what the member did so far ("pwd") */
    const char *pending_digest; /* the pending sign-in's; NULL for a step-up */
    const char *session_digest; /* a step-up's session; NULL for a pending sign-in */
} mfa_signin_t;

/* After the right password: a pending sign-in for sub, its cookie set
 * (MFA_PENDING_TTL seconds). */
gh_status_t mfa_signin_begin(const http_request_t *req, http_response_t *res, const char *sub,
                             mfa_signin_t *out);

/* The request's sign-in waiting for its second factor: its pending cookie's,
 * else (a step-up) its session's. NOT_FOUND when there is neither, or the
 * cookie is not one of a live pending sign-in. */
gh_status_t mfa_signin_current(const http_request_t *req, mfa_signin_t *out);

/* Completes a sign-in whose second factor was just checked: the pending
 * sign-in is used up (NOT_FOUND when it already was: a concurrent request
 * won) and its cookie cleared, or a step-up's old session ended; a new
 * session starts with amr = what came before + factor_amr + "mfa" and acr
 * ACR_MFA. factor_amr is an RFC 8176 value ("otp"; a passkey's "hwk" or
 * "swk"): other second factors (passkeys) check their own proof, then call
 * this. */
gh_status_t mfa_signin_complete(const http_request_t *req, http_response_t *res,
                                const mfa_signin_t *signin, const char *factor_amr,
                                store_session_t *out);

/* The outcome of a code typed in the second-factor box. */
typedef struct {
    gh_status_t status;  /* GH_OK; GH_ERR_INVALID malformed; GH_ERR_NOT_FOUND wrong or
                            used; GH_ERR_THROTTLED; a store status */
    int64_t retry_after; /* GH_ERR_THROTTLED: seconds */
    bool recovery;       /* a recovery code was used */
    int64_t left;        /* recovery: how many codes are left */
    bool passkey;        /* a passkey's assertion was checked */
    const char *amr;     /* GH_OK: the factor's RFC 8176 value (AMR_OTP, AMR_HWK, AMR_SWK) */
} mfa_check_t;

/* Opens the member's sealed TOTP secret t (mfa_totp_open_any); one sealed
 * under an older key (a rotation under way) is re-sealed under the current
 * key in the store as it is read, when the current key is the one the
 * database records as in use (mfa_keys_t.recorded). */
gh_status_t mfa_totp_read(app_t *app, arena_t *a, const store_mfa_totp_t *t, unsigned char **raw,
                          size_t *n);

/* Checks the posted `otp` for sub: a TOTP code (once, ±1 step) or a
 * recovery code (used up), under the second-factor throttle. */
void mfa_code_check(const http_request_t *req, const char *sub, mfa_check_t *out);

/* Checks the second factor the page posted for signin: a passkey's
 * assertion when credential_id is there (passkey_assert_for, restricted to
 * the member, not counted by the code throttle: it cannot be guessed), else
 * the code (mfa_code_check). A refused passkey is GH_ERR_NOT_FOUND with
 * out->passkey set. */
void mfa_factor_check(const http_request_t *req, const mfa_signin_t *signin, mfa_check_t *out);

/* The ways the second-factor page offers sub (whose sign-in has amr so
 * far): a passkey button when sub has passkeys (and amr none), the code
 * form unless passkeys are all sub has. A store failure leaves the code form
 * alone. */
void mfa_page_ways(const http_request_t *req, const char *sub, const char *amr, ui_mfa_t *page);

/* The second-factor page (one form posting to action with hidden, which
 * holds the CSRF token and the step) with status and message; other_ways are
 * links to other second factors (the passkey hook), may be empty. */
void mfa_page(const http_request_t *req, http_response_t *res, int status, const ui_mfa_t *page);

/* The answer to a finished check that failed: the page again with its
 * message (400 malformed, 401 wrong, 429 throttled, 5xx store). */
void mfa_page_failed(const http_request_t *req, http_response_t *res, ui_mfa_t *page,
                     const mfa_check_t *check);

/* The page after a sign-in with a recovery code: how many are left, and a
 * link on (continue_href). */
void mfa_page_recovery_used(const http_request_t *req, http_response_t *res, ui_lang_t lang,
                            int64_t left, const char *continue_href);

/* What the sign-in form leads to. */
typedef enum {
    SIGNIN_DONE,          /* a session (no second factor needed) */
    SIGNIN_SECOND_FACTOR, /* a pending sign-in: show the second-factor page */
    SIGNIN_UNMET,         /* the client requires a factor the member has not enrolled */
} signin_next_t;

/* The sign-in form posted: the password (session_password_check), then by
 * mfa_policy (client and acr_values may be NULL) a session with amr "pwd"
 * (SIGNIN_DONE, and SIGNIN_UNMET: the member may then enrol at
 * /account/mfa) in *session, or a pending sign-in (SIGNIN_SECOND_FACTOR) in
 * *signin. Statuses as session_password_check's. */
gh_status_t signin_password(const http_request_t *req, http_response_t *res,
                            const store_client_t *client, const char *acr_values,
                            signin_next_t *next, store_session_t *session, mfa_signin_t *signin,
                            int64_t *retry_after);

/* Throttling of second-factor codes: as throttle_login_begin and
 * throttle_success, with counters of their own per member (sub). */
gh_status_t throttle_mfa_begin(const http_request_t *req, const char *sub, int64_t now,
                               int64_t *wait);
void throttle_mfa_success(const http_request_t *req, const char *sub, int64_t now);

/* /account/mfa: enrolment of TOTP and recovery codes (mfa_account.c). */
#define MFA_ACCOUNT_PATH "/account/mfa"
void mfa_account_handler(http_request_t *req, http_response_t *res);
extern const http_param_spec_t MFA_ACCOUNT_PARAMS[];

/* ---- DPoP: proofs of possession (RFC 9449, dpop.c, docs/clients.md) ---- */

#define DPOP_HEADER "DPoP"
#define DPOP_ALGS                                                                                  \
    "RS256 PS256 ES256 EdDSA Ed25519" /* proofs' algorithms: discovery's client_algs */
#define DPOP_MAX_PROOF 4096           /* bytes of a DPoP header: an RSA-4096 key's proof fits */
#define DPOP_NONCE_LEN 64             /* hex */
#define DPOP_JKT_LEN 43               /* an RFC 7638 SHA-256 thumbprint, base64url */
#define B64URL_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/* What a proof must say. */
typedef struct {
    const char *method;       /* htm */
    const char *url;          /* htu (query and fragment not compared) */
    const char *access_token; /* at a resource: ath hashes it; NULL at the token endpoint */
    int64_t now;
    long lifetime;                  /* seconds iat may lie in the past */
    const unsigned char *nonce_key; /* NULL: no nonce asked; else the nonce key */
} dpop_expect_t;

/* A proof that checked. */
typedef struct {
    const char *jkt; /* RFC 7638 thumbprint of its key */
    const char *jti;
    int64_t iat;
} dpop_proof_t;

typedef enum { DPOP_OK, DPOP_BAD, DPOP_NONCE } dpop_verdict_t;

/* Checks a DPoP proof against x without the store (the jti's single use is
 * dpop_request's): DPOP_OK with *out, DPOP_NONCE when all is right but the
 * nonce (missing, stale, not ours; *out is set), DPOP_BAD otherwise; *why
 * says what failed (NULL when out of memory). Pure, for the unit tests and
 * the fuzz target. */
dpop_verdict_t dpop_proof_check(arena_t *a, const char *proof, const dpop_expect_t *x,
                                dpop_proof_t *out, const char **why);

/* The nonce of the window `back` windows before now's, under key. */
void dpop_nonce_for(const unsigned char key[32], int64_t now, int back,
                    char out[DPOP_NONCE_LEN + 1]);

/* The request's DPoP proof, when it has one, checked for this endpoint
 * (issuer + path, its method; with access_token, the ath of that token) and
 * its jti spent: *jkt its key's thumbprint, or NULL when the request carries
 * none (true either way). False with invalid_dpop_proof (more than one
 * header, a refused or replayed proof), use_dpop_nonce, or the store's
 * error. With dpop_nonce on, res gets a DPoP-Nonce header. */
bool dpop_request(const http_request_t *req, http_response_t *res, const char *access_token,
                  const char **jkt, oauth_error_t *err);

/* Whether every token request of client must carry a DPoP proof: its
 * dpop_bound_access_tokens (RFC 9449 §5.2), or the FAPI 2.0 profile. */
bool dpop_required(const store_client_t *client);

/* The cnf.jkt of an access token's claims: the key it is bound to, or NULL. */
const char *dpop_bound_jkt(const json_t *claims);

/* At a resource, for an access token (claims verified) presented with the
 * DPoP scheme (dpop_scheme) or as a bearer token: a bound token must come
 * with the DPoP scheme and a proof (with its ath) of its key; an unbound
 * one must not come with the DPoP scheme. No store access for a bearer
 * token. False with invalid_token (a DPoP challenge), invalid_dpop_proof,
 * use_dpop_nonce or a store error. */
bool dpop_resource_check(const http_request_t *req, http_response_t *res, const char *token,
                         bool dpop_scheme, const json_t *claims, oauth_error_t *err);

/* ---- the FAPI 2.0 Security Profile (fapi.c, docs/clients.md) ---- */

/* True unless client is a FAPI 2.0 client and this server signs its id or
 * access tokens with an algorithm the profile does not allow (RS256): then
 * false with unauthorized_client saying so. */
bool fapi2_signing_ok(const store_client_t *client, const config_server_t *cfg, oauth_error_t *err);

/* True unless client is a FAPI 2.0 client and its verified assertion
 * (header, claims) is signed with another algorithm than ES256 or has
 * another aud than the issuer alone: then false with invalid_client. */
bool fapi2_assertion_ok(const store_client_t *client, const json_t *header, const json_t *claims,
                        const char *issuer, oauth_error_t *err);

/* The lifetime of client's codes: configured, at most 60 s for a FAPI 2.0
 * client. */
int64_t fapi2_code_ttl(const store_client_t *client, int64_t configured);

/* ---- tokens ---- */

typedef struct {
    const store_client_t *client;
    const char *sub;                 /* the user; NULL for client_credentials */
    const char *scope;               /* granted, space-separated */
    const char *nonce;               /* for the id_token; may be NULL */
    int64_t auth_time;               /* 0 when not a user grant */
    bool id_token;                   /* issue an id_token */
    const char *refresh_token;       /* already stored, to hand out; or NULL */
    const char *family;              /* the grant's family (see revoke_grant); NULL for none */
    store_authn_t authn;             /* how the member signed in, for the id_token */
    const resource_list_t *audience; /* RFC 8707: the access token's aud; NULL or empty: issuer */
    const char *resources;           /* the grant's resources for its refresh token (joined) */
    /* token exchange (RFC 8693) */
    const json_t *act;             /* the act claim; NULL for none */
    int64_t expires_at_max;        /* the access token lives no longer; 0: no cap */
    const char *issued_token_type; /* answered as issued_token_type; NULL: not said */
    const char *jkt; /* RFC 9449: the key the access token is bound to (cnf.jkt); NULL: Bearer */
} token_grant_t;

/* A new opaque single-use value (an authorization code, a refresh token, a
 * device code): *token (the value handed out, 256 random bits) and *digest
 * (what the store keeps), both in the arena. */
gh_status_t tokens_mint(arena_t *a, const char **token, const char **digest);

/* Signs the access token (and the id_token when asked) and writes the seed 004
 * token answer with Cache-Control: no-store. */
void tokens_respond(http_request_t *req, http_response_t *res, const token_grant_t *grant);

/* ---- access tokens presented back to us ---- */

/* An access token of a user grant has the jti FAMILY "." RANDOM, so that
 * revoking the grant (its family id on the denylist) revokes every access
 * token issued from it; a client_credentials token's jti is RANDOM alone. */
#define ACCESS_JTI_FAMILY_END '.'

/* Revokes a whole grant: every access token issued from it (its family id on
 * the denylist until they have all expired) and every refresh token of the
 * family. In that order, so that a token being issued meanwhile cannot slip
 * between the two (store_refresh_put refuses a denylisted family). */
gh_status_t revoke_grant(app_t *app, const char *family);

/* Withdraws sub's consent to client_id and revokes every grant of that
 * client for sub, as revoke_grant does each (store_consent_revoke).
 * NOT_FOUND when there was no such consent. */
gh_status_t revoke_consent(app_t *app, const char *sub, const char *client_id);

/* An access token as far as it can be checked without the store: signed by a
 * key of the ring, typ at+jwt, our issuer and audience, not expired. On
 * success *claims is the payload, its sub the member's own sub even for a
 * pairwise client's token (ACCESS_MEMBER_CLAIM opened and removed; a client
 * is shown its own view with oauth_subject), and *jti and *family (NULL when it has
 * none) name what the denylist may hold of it; otherwise err is 10075 /
 * invalid_token. The caller still checks the denylist (access_token_verify,
 * or with the token's user: store_user_for_token). */
bool access_token_claims(http_request_t *req, const char *token, json_t **claims, const char **jti,
                         const char **family, oauth_error_t *err);

/* True when the verified access token's aud (a string or an array) names
 * want: userinfo takes only tokens for this server (aud = the issuer), not
 * those audience-restricted to another resource (RFC 8707). */
bool access_token_audience_has(const json_t *claims, const char *want);

/* The denylist's part: true when neither jti nor family is on it; else err
 * is invalid_token, or the store's failure. */
bool access_token_not_revoked(http_request_t *req, const char *jti, const char *family,
                              oauth_error_t *err);

/* Verifies one of our access tokens: signed by a key of the ring, typ at+jwt,
 * our issuer and audience, not expired, neither its jti nor its grant revoked. On success *claims
 * is the payload (released with the arena); otherwise err is 10075 /
 * invalid_token, or the store's failure (503) when the denylist cannot be
 * read. */
bool access_token_verify(http_request_t *req, const char *token, json_t **claims,
                         oauth_error_t *err);

/* ---- revocation and introspection: a token handed back by its client ---- */

/* What a presented token turned out to be. */
typedef enum { FOUND_NONE, FOUND_ACCESS, FOUND_REFRESH } found_kind_t;

typedef struct {
    found_kind_t kind;
    json_t *claims;          /* FOUND_ACCESS: the verified claims (arena-released) */
    store_refresh_t refresh; /* FOUND_REFRESH: the live record */
    const char *username;    /* with_user: the token's member's; NULL for a client's own token */
} found_token_t;

/* Reads a revoke/introspect request and identifies its token: a form body,
 * an authenticated client in *client (confidential only when confidential is
 * set: a public client then gets 10076 / invalid_client), and the token
 * parameter (10051 when missing). The token_type_hint is accepted and not
 * needed: our access tokens (JWTs) and refresh tokens (opaque) cannot be
 * mistaken for each other. *out says what the token is, as a live token
 * issued to the client: an access token (signed, not expired, not revoked)
 * or a live refresh token (stored digest). Anything else — malformed,
 * unknown, expired, revoked, another client's, another issuer's — is
 * FOUND_NONE. With with_user, out->username names the token's member (NULL
 * for a client's own token: no user, or sub = client_id as
 * client_credentials issues), and a token whose member is gone is
 * FOUND_NONE. An access token's signature is checked first, so that the
 * client, the token's revocation and its member are read in one statement
 * (one round trip). False, with err, when the request or the client's
 * authentication fails or the store fails. */
bool presented_take(http_request_t *req, bool confidential, bool with_user, store_client_t *client,
                    found_token_t *out, oauth_error_t *err);

/* The RFC 7662 §2.2 answer for a live access token, from its verified claims:
 * active, scope, client_id, username (when not NULL), token_type, exp, iat,
 * sub, aud, iss, jti. Written into b as one JSON object. */
void introspect_access_answer(buf_t *b, const json_t *claims, const char *username);

/* The RFC 7662 §2.2 answer for a live refresh token of issuer: active, scope,
 * client_id, username (when not NULL), token_type "refresh_token", exp, iat,
 * sub (when a user's), iss. Written into b as one JSON object. */
void introspect_refresh_answer(buf_t *b, const store_refresh_t *r, const char *issuer,
                               const char *username);
/* ---- throttling of guesses: sign-in and user codes (docs/security.md) ---- */

/* Seconds left at now of the lock a counter is under, or 0: a counter with
 * limit failures or more (limit > 0) is locked for login_lockout seconds after
 * its last failure, doubling with each further failure, at most
 * login_lockout_max. Pure, so that the policy is unit-tested. */
int64_t throttle_lock_left(const config_server_t *cfg, long limit, const store_attempts_t *counter,
                           int64_t now);

/* The failures of counter in its window of `window` seconds from its first
 * failure, or 0 at now once that window is over. Pure, for the same reason. */
int64_t throttle_window_failures(const store_attempts_t *counter, int64_t window, int64_t now);

/* Before a password of username from the request's address is checked:
 * counts it as a failure (atomically, on every counter), then *wait gets 0
 * when it may be checked, or the seconds until one may (the longest lock of
 * its counters, as they stood just before this guess was counted; a refused
 * guess is not counted). Of concurrent guesses at most the limit get 0. A
 * wrong password needs nothing more. A store failure is returned as is. */
gh_status_t throttle_login_begin(const http_request_t *req, const char *username, int64_t now,
                                 int64_t *wait);

/* After a right password: clears the account's counter, marks the
 * (account, address) pair as known, and takes the guess off the address's. */
void throttle_success(const http_request_t *req, const char *username, int64_t now);

/* Before a user code is looked up for the session (its digest) at the
 * request's address: counts it as wrong (atomically), and *retry_after is
 * the seconds until the guesses may go on (and the guess not counted) when
 * the session had 5, or the address 20, wrong codes in the 10 minutes from
 * its first (docs/device.md), else 0. Of concurrent guesses at most the
 * limit are looked up. A store failure is returned as is. */
gh_status_t throttle_code_begin(const http_request_t *req, const char *session_digest, int64_t now,
                                int64_t *retry_after);

/* After the code was found: takes the guess off the counters again. */
void throttle_code_found(const http_request_t *req, const char *session_digest);

/* Counts a request for a new device code from the request's address
 * (store_rate_count): *retry_after gets 0 while the address is within
 * device_code_rate per device_code_rate_window, else the seconds until it
 * may ask again. A store failure is returned as is. */
gh_status_t throttle_device_codes(const http_request_t *req, int64_t now, int64_t *retry_after);

/* Counts a self-service request (a reset asked for, a registration) from the
 * request's address: *retry_after 0 while within self_service_rate an hour,
 * else the seconds until the next may come. A store failure as is. */
gh_status_t throttle_self_service(const http_request_t *req, int64_t now, int64_t *retry_after);

/* Counts a mail about member sub (a reset link, an address to verify):
 * *retry_after 0 while within mail_rate_account an hour. */
gh_status_t throttle_mail_account(const http_request_t *req, const char *sub, int64_t now,
                                  int64_t *retry_after);

/* ---- self-service: links sent by mail (selfservice.c, docs/account.md) ---- */

#define RESET_PATH "/auth/reset"
#define VERIFY_PATH "/auth/verify"
#define REGISTER_PATH "/auth/register"
#define ACCOUNT_EMAIL_PATH "/account/email"

/* The language of a self-service page: ui_locales of the query or form,
 * else Accept-Language. */
ui_lang_t selfservice_lang(const http_request_t *req);

/* Whether the server sends mail. */
bool selfservice_mail_on(const app_t *app);

/* The link of token for purpose (a STORE_LINK_* of store/mail_links.h), usable:
 * GH_OK and *out; otherwise false and *why is the message for the page
 * (UI_MSG_LINK_INVALID, _EXPIRED, _USED, or UI_MSG_SERVER_ERROR with *st
 * the store's failure). */
bool selfservice_link_find(const http_request_t *req, const char *purpose, const char *token,
                           store_mail_link_t *out, ui_msg_t *why, gh_status_t *st);

/* The page of a link selfservice_link_find refused: why, with 400 (503 or
 * 500 for the store's failure st). */
void selfservice_link_page(http_request_t *req, http_response_t *res, ui_lang_t lang, ui_msg_t why,
                           gh_status_t st);

/* The digest the store keeps of a link's token (already checked in shape). */
void selfservice_token_digest(const char *token, char digest[65]);

/* A new link for the person (sub) or address (email) of the request, mailed
 * as kind in the page's language to `to` (mail_queue, then the worker is
 * woken). GH_OK also when mail is off (nothing is sent then). */
gh_status_t selfservice_send(http_request_t *req, mail_kind_t kind, const char *purpose,
                             const char *sub, const char *to, const char *username);

/* The page's message for a password refused by the policy. */
ui_msg_t selfservice_password_msg(password_problem_t p);

/* Writes a self-service page: an error or information page, or a rendered
 * form (NULL: 500). */
void selfservice_message(http_request_t *req, http_response_t *res, ui_lang_t lang, int status,
                         ui_msg_t msg, bool error);

/* Whether handler is one of the self-service pages (errors found before it
 * runs are pages there too). */
bool selfservice_is_page(http_handler_fn handler);

void reset_handler(http_request_t *req, http_response_t *res);
void verify_handler(http_request_t *req, http_response_t *res);
void register_handler(http_request_t *req, http_response_t *res);
void account_email_handler(http_request_t *req, http_response_t *res);
extern const http_param_spec_t SELFSERVICE_PARAMS[];

/* ---- device flow user codes (RFC 8628 §6.1) ---- */

#define USER_CODE_LEN 8         /* letters */
#define USER_CODE_DISPLAY_LEN 9 /* "XXXX-XXXX" */

/* A new random user code in its display form, "XXXX-XXXX": eight letters
 * of BCDFGHJKLMNPQRSTVWXZ. GH_ERR_CRYPTO when the CSPRNG fails. */
gh_status_t user_code_new(char out[USER_CODE_DISPLAY_LEN + 1]);

/* What a person typed, as the eight upper-case letters: case, dashes and
 * spaces do not matter. GH_ERR_INVALID for anything else (other characters,
 * a wrong number of letters, over 64 characters). */
gh_status_t user_code_normalize(const char *in, char out[USER_CODE_LEN + 1]);

/* The digest the store keeps of a normalised user code. */
void user_code_digest(const char normalized[USER_CODE_LEN + 1], char out[65]);

/* ---- request objects (RFC 9101) and pushed requests (RFC 9126) ---- */

/* Most parameters one pushed request holds. */
#define PAR_MAX_PARAMS 64

/* A request object of client (request_object.c): its signature checked with
 * the client's keys, its iss, aud, exp, nbf and typ, and no nested request
 * or request_uri; *out gets its claims as the authorization request's
 * parameters (arena). On failure err is invalid_request_object. */
bool request_object_read(const http_request_t *req, const store_client_t *client, const char *jwt,
                         http_pairs_t *out, oauth_error_t *err);

/* The parameter part of request_object_read: a verified request object's
 * claims as parameters, without the JWT claims; false when a value is not a
 * string, a whole number or an array of strings, or there are too many.
 * Exposed for the fuzz target. */
bool request_object_params(const json_t *claims, arena_t *a, http_pairs_t *out);

/* The parameters of a pushed request as the store keeps them: one
 * form-encoded string, client_id first, then p's pairs in order except
 * client_id and client authentication's (client_secret, client_assertion,
 * client_assertion_type); NULL when out of memory. */
const char *par_encode(arena_t *a, const char *client_id, const http_pairs_t *p);

/* Takes (single use) the pushed request request_uri names for client_id
 * (par.c) and parses its parameters into *out; false when request_uri is not
 * ours, unknown, used, expired or another client's. */
bool par_take(const http_request_t *req, const char *client_id, const char *request_uri,
              http_pairs_t *out);

/* True when request_uri has the form of ours (urn:ietf:params:oauth:request_uri:…). */
bool par_is_ours(const char *request_uri);

/* ---- endpoints ---- */

#define TOKEN_ENDPOINT_PATH "/oauth2/v1/token"
#define PAR_ENDPOINT_PATH "/oauth2/v1/par" /* RFC 9126 */

void authorize_handler(http_request_t *req, http_response_t *res);

/* The authorization request's parameters and their limits, for the
 * endpoints that take one (authorize, federate). */
// clang-format off
#define AUTHORIZE_REQUEST_PARAMS                                                                   \
    {"client_id", 128}, {"redirect_uri", 2048}, {"response_type", 64}, {"scope", 1024},            \
    {"state", 2048}, {"nonce", 512}, {"code_challenge", 128}, {"code_challenge_method", 16},       \
    {"prompt", 64}, {"max_age", 16}, {"login_hint", 256}, {"ui_locales", 128},                     \
    {"request", JOSE_MAX_TOKEN}, {"request_uri", 2048}, {"response_mode", 32},                     \
    {"acr_values", 256}, RESOURCE_PARAMS, {PUSHED_MARK_PARAM, 96}, {"dpop_jkt", 64}
/* The mark on our forms and links that their request was pushed (RFC 9126;
 * authorize.c's pushed_mark). */
#define PUSHED_MARK_PARAM "par"
// clang-format on
extern const http_param_spec_t AUTHORIZE_PARAMS[];

/* Called for a request to authorize_handler whose parameter name is over its
 * declared limit. When name is the sign-in form's username or password (a
 * POST of our login step), answers 400 with the sign-in form again, saying the
 * field is too long, the pending authorization request kept (validated as
 * authorize_handler does), and returns true; otherwise writes nothing and
 * returns false. */
bool authorize_credential_too_long(http_request_t *req, http_response_t *res, const char *name);
extern const http_param_spec_t TOKEN_PARAMS[];
extern const http_param_spec_t USERINFO_PARAMS[];
void token_handler(http_request_t *req, http_response_t *res);

/* The token exchange grant (RFC 8693, token_exchange.c), a row of the token
 * endpoint's grant table. */
#define TOKEN_EXCHANGE_GRANT "urn:ietf:params:oauth:grant-type:token-exchange"
bool token_exchange_grant(http_request_t *req, http_response_t *res, store_client_t *client,
                          const char *jkt, oauth_error_t *err);
void userinfo_handler(http_request_t *req, http_response_t *res);
void server_discovery_handler(http_request_t *req, http_response_t *res);
void server_jwks_handler(http_request_t *req, http_response_t *res);
extern const http_param_spec_t PRESENTED_TOKEN_PARAMS[]; /* revoke and introspect */
void revoke_handler(http_request_t *req, http_response_t *res);
void introspect_handler(http_request_t *req, http_response_t *res);
void logout_handler(http_request_t *req, http_response_t *res);
void par_handler(http_request_t *req, http_response_t *res);
extern const http_param_spec_t PAR_PARAMS[];

/* ---- federated sign-in (federate.c) and its hooks in authorize.c ---- */

#define FED_COOKIE "gh_fed" /* binds a federated sign-in to the browser that started it */

/* GET /auth/federate/NAME, GET /auth/federate/NAME/callback and POST
 * /auth/federate/NAME/profile. */
void federate_handler(http_request_t *req, http_response_t *res);
extern const http_param_spec_t FEDERATE_PARAMS[];

/* Loads the [platform.*] sections of cfg for the server (callbacks ISSUER
 * /auth/federate/NAME/callback; none is fine) and derives the federation
 * keys; SIGHUP's reload (federate_reload) reads them again. */
gh_status_t federate_start(app_t *app, const config_t *cfg, char *err, size_t err_len);
const char *federate_reload(void *app);
void federate_stop(app_t *app);

/* The server's platform site for cfg (redirect prefix written into prefix). */
void federate_site(const config_t *cfg, char *prefix, size_t len, platform_site_t *out);

/* The labels of the federation's keys (oauth_key_derive from the CSRF key). */
#define FED_KEY_PKCE "gatehouse federation pkce"
#define FED_KEY_SEAL "gatehouse federation seal"

/* The profile page's fields (untrusted; fuzzed): a nickname of 1 to
 * NICKNAME_CHARS characters, not only spaces, without control bytes; an
 * e-mail address empty, or of at most EMAIL_MAX bytes with one '@' between
 * something and something, without spaces or control bytes. */
#define NICKNAME_CHARS 64 /* characters, as a form's maxlength counts (also the account page's) */
#define EMAIL_MAX 254
bool federate_nickname_ok(const char *s);
bool federate_email_ok(const char *s);

/* What a link's sealed tokens are bound to: its platform and subject. */
const char *federate_seal_aad(arena_t *a, const char *platform, const char *subject);

/* Validates the authorization request in req's query as /auth/authorize
 * does, answering a bad one as it would (pages until the redirect URI is
 * verified, then redirects to it). On success *query is the request as a
 * query string (without '?'), *lang the language of its pages. */
bool authorize_request_check(http_request_t *req, http_response_t *res, const char **query,
                             ui_lang_t *lang);

/* Continues the stored request query (validated again) for the person just
 * signed in with session: consent when needed, then the code. */
void authorize_resume(http_request_t *req, http_response_t *res, const char *query,
                      const store_session_t *session);

/* The stored request query as hidden fields of the fault page: *request for
 * "back to sign-in" (GET /auth/authorize), *give_up for "cancel" (the
 * request, a CSRF token, step=give_up and reason, POSTed to
 * /auth/authorize). False when out of memory. */
bool authorize_request_fields(http_request_t *req, http_response_t *res, const char *query,
                              const char *reason, ui_hidden_t **request, size_t *request_count,
                              ui_hidden_t **give_up, size_t *give_up_count);
extern const http_param_spec_t LOGOUT_PARAMS[];

/* The account page (issue 21): GET /account and the POSTs under it
 * (account.c). */
void account_handler(http_request_t *req, http_response_t *res);
extern const http_param_spec_t ACCOUNT_PARAMS[];

/* The device authorization grant (RFC 8628): the endpoint the device calls,
 * and the page where the person enters the user code. */
#define DEVICE_PAGE_PATH "/auth/device" /* the verification_uri */
void device_authorize_handler(http_request_t *req, http_response_t *res);
void device_page_handler(http_request_t *req, http_response_t *res);
extern const http_param_spec_t DEVICE_AUTHORIZE_PARAMS[];
extern const http_param_spec_t DEVICE_PAGE_PARAMS[];

#endif
