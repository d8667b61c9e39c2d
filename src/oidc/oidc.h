/* OpenID Connect documents and claims: the discovery metadata, id_token
 * claims and userinfo claims. Pure functions of their inputs, so the oauth
 * endpoints stay thin and these are unit-tested directly. */
#ifndef GH_OIDC_OIDC_H
#define GH_OIDC_OIDC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/store.h"

/* The OpenID Connect Discovery 1.0 / RFC 8414 metadata for issuer, listing
 * exactly what the server supports. A new reference (json_decref it). */
json_t *oidc_discovery(const char *issuer, const char *signing_alg);

typedef struct {
    const char *issuer, *sub, *client_id;
    const char *nonce;        /* may be NULL */
    const char *access_token; /* for at_hash; may be NULL */
    int64_t iat, exp, auth_time;
} oidc_id_token_t;

/* The id_token claims (OpenID Connect Core §2): iss, sub, aud, exp, iat,
 * auth_time, nonce when given, at_hash when an access token is given. */
json_t *oidc_id_token_claims(const oidc_id_token_t *in);

/* What the granted scopes release at userinfo. */
typedef struct {
    bool profile; /* nickname, name — and email, as seed 004's answer shows */
    bool email;   /* email */
} oidc_release_t;

/* The userinfo answer for a user, written into b as one JSON object: sub first, then nickname,
 * email, name as released and set (absent claims are omitted, OpenID Connect Core §5.3.2). */
void oidc_userinfo_write(buf_t *b, const store_user_t *user, oidc_release_t release);

#endif
