/* OpenID Connect documents and claims: the discovery metadata, id_token
 * claims and userinfo claims. Pure functions of their inputs, so the oauth
 * endpoints stay thin and these are unit-tested directly. */
#ifndef GH_OIDC_OIDC_H
#define GH_OIDC_OIDC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/store.h"

/* The OpenID Connect Discovery 1.0 / RFC 8414 metadata for issuer, listing
 * exactly what the server supports; require_par: every client must push its
 * authorization requests (RFC 9126 §5). A new reference (json_decref it). */
json_t *oidc_discovery(const char *issuer, const char *signing_alg, bool require_par);

typedef struct {
    const char *issuer, *sub, *client_id;
    const char *nonce;        /* may be NULL */
    const char *access_token; /* for at_hash; may be NULL */
    int64_t iat, exp, auth_time;
    store_authn_t authn; /* how the member signed in; each part may be NULL */
} oidc_id_token_t;

/* The id_token claims (OpenID Connect Core §2): iss, sub, aud, exp, iat,
 * auth_time, nonce when given, at_hash when an access token is given, and
 * how the member signed in when known: amr (RFC 8176, an array), acr, idp,
 * and sid, the sign-in session's id (Back-Channel Logout 1.0 §2.1). */
json_t *oidc_id_token_claims(const oidc_id_token_t *in);

/* OpenID Connect Back-Channel Logout 1.0 §2.4: the event a logout token
 * carries, and the typ of its header (§2.4: "logout+jwt"). */
#define OIDC_LOGOUT_EVENT "http://schemas.openid.net/event/backchannel-logout"
#define OIDC_LOGOUT_TOKEN_TYP "logout+jwt"
/* How long a logout token is good for: a short time, it is delivered at once. */
#define OIDC_LOGOUT_TOKEN_TTL 120

typedef struct {
    const char *issuer, *client_id, *jti;
    const char *sub; /* may be NULL when sid is given */
    const char *sid; /* may be NULL when sub is given */
    int64_t iat;
} oidc_logout_token_t;

/* The logout token claims (Back-Channel Logout 1.0 §2.4): iss, aud, iat,
 * exp (iat + OIDC_LOGOUT_TOKEN_TTL), jti, events {OIDC_LOGOUT_EVENT: {}},
 * sub and sid when given; never a nonce (§2.4 forbids it). NULL when neither
 * sub nor sid is given (§2.4 requires one). A new reference. */
json_t *oidc_logout_token_claims(const oidc_logout_token_t *in);

/* What the granted scopes release at userinfo (OpenID Connect Core §5.4). */
typedef struct {
    bool openid;  /* sub; without openid userinfo answers nothing at all */
    bool profile; /* nickname, name — and email, as seed 004's answer shows */
    bool email;   /* email and email_verified */
} oidc_release_t;

/* Whether scope is one that releases claims (openid, profile, email). */
bool oidc_scope_releases(const char *scope);

/* What the scopes scopes[0..count) release together. */
oidc_release_t oidc_release_of(const char *const *scopes, size_t count);

/* Most claims userinfo can release. */
#define OIDC_CLAIM_MAX 5

/* The names of the claims userinfo answers under release (when the user has
 * them set), in its order, "sub" first: what a consent page must name. Fills
 * out and returns how many (none without openid). The same table decides
 * oidc_userinfo_write, so the two cannot drift apart. */
size_t oidc_released_claims(oidc_release_t release, const char *out[OIDC_CLAIM_MAX]);

/* The userinfo answer for a user, written into b as one JSON object: the claims
 * oidc_released_claims names, in that order, those the user has set (absent
 * claims are omitted, OpenID Connect Core §5.3.2). */
void oidc_userinfo_write(buf_t *b, const store_user_t *user, oidc_release_t release);

#endif
