/* OpenID Connect documents and claims: the discovery metadata, id_token
 * claims and userinfo claims. Pure functions of their inputs, so the oauth
 * endpoints stay thin and these are unit-tested directly. */
#ifndef GH_OIDC_OIDC_H
#define GH_OIDC_OIDC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "store/store.h"

struct oidc_scopes; /* below */

/* The OpenID Connect Discovery 1.0 / RFC 8414 metadata for issuer, listing
 * exactly what the server supports (custom: the configured scopes, may be
 * NULL); require_par: every client must push its authorization requests
 * (RFC 9126 §5). A new reference (json_decref it). */
json_t *oidc_discovery(const char *issuer, const char *signing_alg,
                       const struct oidc_scopes *custom, bool require_par);

/* Dynamic client registration (RFC 7591 §3, RFC 7592 §1: the management
 * URI of a client is this path, '/' and its client_id). */
#define OIDC_REGISTRATION_PATH "/oauth2/v1/register"

/* Adds registration_endpoint (OpenID Connect Discovery 1.0 §3, RFC 8414 §2)
 * to discovery document d: only where a registration_policy lets anyone
 * register. */
void oidc_discovery_add_registration(json_t *d, const char *issuer);

typedef struct {
    const char *issuer, *sub, *client_id;
    const char *nonce;        /* may be NULL */
    const char *access_token; /* for at_hash; may be NULL */
    const char *alg;          /* the id_token's alg, whose hash at_hash takes (NULL: RS256) */
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

/* ---- custom scopes and member attributes (scopes.c, attributes.c) ---- */

/* Limits of what the configuration and a member may hold. */
#define OIDC_CUSTOM_SCOPE_MAX 32 /* [scope.NAME] sections that release claims */
#define OIDC_CUSTOM_CLAIM_MAX 32 /* claims the custom scopes release together */
#define OIDC_CLAIM_NAME_MAX 64   /* bytes of a claim or attribute name */
#define OIDC_ATTR_MAX 32         /* attributes of one member */
#define OIDC_ATTR_TEXT_MAX 1024  /* bytes of one string value */
#define OIDC_ATTR_ARRAY_MAX 32   /* items of one array value */
#define OIDC_ATTR_JSON_MAX 8192  /* bytes of a member's attributes as JSON */
#define OIDC_GROUP_MAX 32        /* groups of one member */
#define OIDC_GROUP_NAME_MAX 64   /* bytes of a group name */

/* A scope of the configuration ([scope.NAME] claims = "a b c"): the claims
 * it releases, each a standard claim of the table (its value) or a member
 * attribute of that name. */
typedef struct {
    const char *name;
    const char **claims;
    size_t claim_count;
} oidc_scope_t;

typedef struct oidc_scopes {
    oidc_scope_t *items;
    size_t count;
} oidc_scopes_t;

/* The custom scopes of cfg's [scope.NAME] sections that have claims, checked
 * (a scope token, not a standard scope; claim names valid and not reserved;
 * the limits above), into arena a. GH_ERR_INVALID with one line naming the
 * key ("scope.NAME.claims: ...") in err otherwise. */
gh_status_t oidc_scopes_load(const config_t *cfg, arena_t *a, oidc_scopes_t *out, char *err,
                             size_t err_len);

/* A claim or attribute name: 1-OIDC_CLAIM_NAME_MAX of A-Z a-z 0-9 _ . : -,
 * starting with a letter. */
bool oidc_claim_name_valid(const char *name);

/* Whether name is a claim of the protocol (iss, sub, aud, exp, iat, nonce,
 * amr, ...), which no custom scope may release. */
bool oidc_claim_protocol(const char *name);

/* Whether name is a claim no attribute may give: the
 * protocol's (iss, sub, aud, exp, iat, nonce, ...) and the standard member
 * claims of the table (their values come from the member's record). */
bool oidc_claim_reserved(const char *name);

/* Checks a member's attributes: an object of at most OIDC_ATTR_MAX members
 * named by oidc_claim_name_valid and not reserved, each a string (at most
 * OIDC_ATTR_TEXT_MAX bytes, no NUL), a number, a boolean, or an array of at
 * most OIDC_ATTR_ARRAY_MAX of those; at most OIDC_ATTR_JSON_MAX bytes as
 * JSON. On failure *key names the offending attribute (NULL: the whole
 * object; borrowed from obj) and *why says what is wrong (static). */
bool oidc_attributes_check(const json_t *obj, const char **key, const char **why);

/* Parses text[0..len) as attributes (oidc_attributes_check'ed): a new
 * reference in *out, or GH_ERR_INVALID with one line in err ("KEY: why"). */
gh_status_t oidc_attributes_parse(const char *text, size_t len, json_t **out, char *err,
                                  size_t err_len);

/* A group name: 1-OIDC_GROUP_NAME_MAX of A-Z a-z 0-9 _ . : @ / -. */
bool oidc_group_name_valid(const char *name);

/* ---- pairwise subject identifiers (pairwise.c) ---- */

#define OIDC_SECTOR_MAX 256      /* bytes of a sector (a host name) */
#define OIDC_PAIRWISE_SUB_LEN 64 /* hex of HMAC-SHA256 */

typedef enum {
    OIDC_SECTOR_OK,
    OIDC_SECTOR_NONE,    /* no redirect URI */
    OIDC_SECTOR_NO_HOST, /* a redirect URI without a host (a private-use scheme) */
    OIDC_SECTOR_MIXED,   /* redirect URIs on more than one host */
} oidc_sector_t;

/* The sector of a client whose redirect URIs are uris[0..count) (OpenID
 * Connect Core §8.1 without sector_identifier_uri): the one host they all
 * share, lower-cased, into out[size]. */
oidc_sector_t oidc_sector_of(const char *const *uris, size_t count, char *out, size_t size);

/* The sub member sub has in sector: lower-case hex of HMAC-SHA256(key,
 * sector "\n" sub). The same for every client of the sector, different
 * between sectors, and not reversible without the key. */
void oidc_pairwise_sub(const unsigned char key[32], const char *sector, const char *sub,
                       char out[OIDC_PAIRWISE_SUB_LEN + 1]);

/* ---- what the granted scopes release ---- */

/* What the granted scopes release at userinfo (OpenID Connect Core §5.4). */
typedef struct {
    bool openid;   /* sub; without openid userinfo answers nothing at all */
    bool profile;  /* nickname, name — and email, as seed 004's answer shows */
    bool email;    /* email and email_verified */
    bool groups;   /* groups: the member's groups */
    bool username; /* preferred_username (OIDC_SCOPE_USERNAME) */
    const char *custom[OIDC_CUSTOM_CLAIM_MAX]; /* claims of the custom scopes granted */
    size_t custom_count;
} oidc_release_t;

/* The scope that releases the member's groups. */
#define OIDC_SCOPE_GROUPS "groups"
/* The scope that releases preferred_username (the username): not profile,
 * whose answer seed 004 fixes as {sub, nickname, email}. */
#define OIDC_SCOPE_USERNAME "username"

/* Whether name is a claim of the standard table (sub, nickname, email,
 * email_verified, name, preferred_username, groups). */
bool oidc_claim_standard(const char *name);

/* Whether scope is a standard one that releases claims (openid, profile,
 * email, groups). */
bool oidc_scope_standard(const char *scope);

/* Whether scope releases claims: a standard one (openid, profile, email,
 * groups) or one of custom (which may be NULL). */
bool oidc_scope_releases(const oidc_scopes_t *custom, const char *scope);

/* What the scopes scopes[0..count) release together (custom may be NULL). */
oidc_release_t oidc_release_of(const oidc_scopes_t *custom, const char *const *scopes,
                               size_t count);

/* Most claims userinfo can release: the table's and the custom scopes'. */
#define OIDC_CLAIM_MAX (8 + OIDC_CUSTOM_CLAIM_MAX)

/* The names of the claims userinfo answers under release (when the user has
 * them set), in its order, "sub" first: what a consent page must name. Fills
 * out and returns how many (none without openid). The same table decides
 * oidc_user_claims, so the two cannot drift apart. */
size_t oidc_released_claims(const oidc_release_t *release, const char *out[OIDC_CLAIM_MAX]);

/* The claims of user under release as one new JSON object, in the order
 * oidc_released_claims names them, those the user has (absent claims are
 * omitted, OpenID Connect Core §5.3.2). sub is the user's, or sub when it is
 * given (a pairwise identifier). */
json_t *oidc_user_claims(const store_user_t *user, const char *sub, const oidc_release_t *release);

/* oidc_user_claims written into b as JSON text: the userinfo answer. */
void oidc_userinfo_write(buf_t *b, const store_user_t *user, const char *sub,
                         const oidc_release_t *release);

#endif
