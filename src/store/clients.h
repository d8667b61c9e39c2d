/* The clients store (clients.c): registered applications. */
#ifndef GH_STORE_CLIENTS_H
#define GH_STORE_CLIENTS_H

#include "store/store.h"

/* The security_profile column's one value (NULL: none). */
#define STORE_PROFILE_FAPI2 "fapi2"

/* Grant types a client may use (bit flags). */
enum {
    STORE_GRANT_AUTHORIZATION_CODE = 1 << 0,
    STORE_GRANT_REFRESH_TOKEN = 1 << 1,
    STORE_GRANT_CLIENT_CREDENTIALS = 1 << 2,
    STORE_GRANT_DEVICE_CODE = 1 << 3,
    STORE_GRANT_TOKEN_EXCHANGE = 1 << 4, /* RFC 8693 */
};

typedef struct {
    const char *id;
    const char *secret_digest;  /* core/secret.h client-secret digest; NULL for public clients */
    const char *name;           /* display name for the consent page; may be NULL */
    const char **redirect_uris; /* exact strings, compared byte for byte */
    size_t redirect_uri_count;
    const char **post_logout_redirect_uris;
    size_t post_logout_redirect_uri_count;
    const char *scope; /* space-separated scopes the client may ask for */
    unsigned grants;   /* STORE_GRANT_* */
    bool is_public;
    int64_t created_at;
    /* OpenID Connect Back-Channel / Front-Channel Logout 1.0: where the
     * client hears that a session ended (NULL: not at all), and whether it
     * needs the session's sid to act on it */
    const char *backchannel_logout_uri;
    bool backchannel_logout_session_required;
    const char *frontchannel_logout_uri;
    bool frontchannel_logout_session_required;
    bool require_mfa; /* every member is asked for a second factor (docs/mfa.md) */
    /* docs/claims.md: the claims (space-separated; NULL: none) put into the
     * id_token as well as userinfo, and a pairwise sub (OpenID Connect Core
     * §8.1) rather than the public one */
    const char *id_token_claims;
    bool pairwise;
    /* private_key_jwt (RFC 7523 §2.2): the client's public keys, as an inline
     * JWKS document or a jwks_uri to fetch; both NULL for a client that
     * authenticates with a secret (or none). */
    const char *jwks;
    const char *jwks_uri;
    const char **resources; /* RFC 8707 resources it may ask tokens for, exact strings */
    size_t resource_count;
    bool require_par; /* must push its authorization requests (RFC 9126 §6) */
    bool dpop_bound;  /* dpop_bound_access_tokens: every token request carries a DPoP proof
                         (RFC 9449 §5.2) */
    bool fapi2;       /* security_profile "fapi2": the FAPI 2.0 Security Profile's rules
                         (oauth/fapi.c) */
    /* OpenID Connect Dynamic Client Registration §2: "web", "native" or NULL
     * (not said: the redirect URI rules of every client only) */
    const char *application_type;
    const char **contacts; /* RFC 7591 §2: e-mail addresses of its people */
    size_t contact_count;
    /* Dynamic registration (RFC 7591/7592, registrations.h): registered at
     * /oauth2/v1/register, not by an operator; its registration access
     * token's digest (NULL for an operator's client); when it last got a
     * token (0: never). store_client_update leaves dynamic and last_used_at
     * as they are. */
    bool dynamic;
    const char *registration_token_digest;
    int64_t last_used_at;
} store_client_t;

/* ---- clients ---- */
gh_status_t store_client_add(store_t *s, const store_client_t *c); /* CONFLICT: id taken */
gh_status_t store_client_get(store_t *s, arena_t *a, const char *id, store_client_t *out);
gh_status_t store_client_list(store_t *s, arena_t *a, store_client_t **out, size_t *count);
/* Replaces every field of client c->id but its id and created_at (the
 * secret digest too); NOT_FOUND when there is none. */
gh_status_t store_client_update(store_t *s, const store_client_t *c);
/* At most limit clients whose id sorts after `after` ("" from the start), by id. */
gh_status_t store_client_page(store_t *s, arena_t *a, const char *after, size_t limit,
                              store_client_t **out, size_t *count);
gh_status_t store_client_remove(store_t *s, const char *id); /* also its consents, codes, tokens */
/* store_client_get, and in the same statement (one round trip) what the
 * revocation and introspection endpoints need of an access token the client
 * presents: *revoked whether its jti or its grant's family (NULL for none)
 * is on the denylist at now (store_jti_is_revoked), and *username the
 * username of the member sub (NULL when sub is NULL or no member has it).
 * NOT_FOUND when there is no such client. */
gh_status_t store_client_get_token(store_t *s, arena_t *a, const char *id, const char *jti,
                                   const char *family, const char *sub, int64_t now,
                                   store_client_t *out, bool *revoked, const char **username);

#endif
