/* JOSE: signing keys, JWKS, and JWTs as compact JWS (RFC 7515, 7517, 7519).
 * The only module that knows OpenSSL key types.
 *
 * A keyset is built from the stored private JWKs and is immutable afterwards,
 * so any number of threads may sign and verify with it at once; a key rotation
 * builds a new keyset. Verification accepts only what this server signs with:
 * the header's `alg` must be exactly the algorithm of the key its `kid` names
 * (no `none`, no HS256 with a public key, no unknown kid), the token must be
 * three base64url parts of bounded size. Claims such as exp, iss and aud are
 * the caller's to check (jose_jwt_verify checks signatures only).
 *
 * Two more uses, each with its own entry point so they never mix with the
 * server's keys: verification-only keysets built from another provider's
 * public JWKS (jose_keyset_from_jwks), and HS256 tokens under a shared
 * secret (jose_hs256_sign / jose_hs256_verify). */
#ifndef GH_JOSE_JOSE_H
#define GH_JOSE_JOSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/status.h"

typedef enum { JOSE_RS256, JOSE_ES256, JOSE_EDDSA, JOSE_PS256 } jose_alg_t;
#define JOSE_ALG_COUNT 4 /* how many algorithms jose_alg_t names */

/* "RS256" → JOSE_RS256 …; GH_ERR_INVALID for anything else. */
gh_status_t jose_alg_parse(const char *name, jose_alg_t *out);
const char *jose_alg_name(jose_alg_t alg);

/* Generates a new key pair (RSA-2048 for RS256 and PS256, P-256 for ES256,
 * Ed25519 for EdDSA). *kid is its
 * RFC 7638 thumbprint; *private_jwk the private JWK as JSON text with kid, alg
 * and use set. Both in the arena. */
gh_status_t jose_key_generate(arena_t *a, jose_alg_t alg, char **kid, char **private_jwk);

/* The RFC 7638 thumbprint (SHA-256, base64url, in the arena) of a public or
 * private RSA, EC or OKP (Ed25519) JWK given as JSON text: what jose_key_generate uses as
 * kid. GH_ERR_INVALID when the text is not such a JWK. */
gh_status_t jose_jwk_thumbprint(arena_t *a, const char *jwk_json, char **out);

typedef struct {
    const char *private_jwk; /* JSON text as made by jose_key_generate */
    bool signs; /* true for at most one key per algorithm: the one that signs its new tokens */
} jose_key_input_t;

typedef struct jose_keyset jose_keyset_t;

/* Builds a keyset; GH_ERR_INVALID when a JWK does not parse, two keys sign
 * for one algorithm, or no key signs. */
gh_status_t jose_keyset_new(const jose_key_input_t *keys, size_t count, jose_keyset_t **out);

/* Most keys read from a provider's JWKS. */
#define JOSE_JWKS_MAX_KEYS 32

/* A verification-only keyset from another party's public JWKS document (an
 * OpenID provider's jwks_uri, a client's keys), for jose_jwt_verify. Each key
 * is kept when it has no kid (a token without kid then names it when it is
 * the keyset's only key of the token's alg) or a kid not seen before, `use` absent or "sig", and is
 * an RSA key of at least 2048 bits (RS256, or PS256 when its `alg` says so), a P-256 key (ES256)
 * or an Ed25519 key (EdDSA) whose `alg`, when present, names exactly that; other keys (encryption
 * keys, other algorithms) are skipped. GH_ERR_INVALID when the text is not a JWKS of at most
 * JOSE_JWKS_MAX_KEYS keys or no key is usable. Such a keyset has no signing key: jose_jwt_sign
 * refuses it and jose_keyset_kid gives NULL. */
gh_status_t jose_keyset_from_jwks(const char *json, size_t len, jose_keyset_t **out);
void jose_keyset_free(jose_keyset_t *ks);

/* The public JWKS document {"keys":[…]} of every key, built once (borrowed). */
const char *jose_keyset_jwks(const jose_keyset_t *ks, size_t *len);

/* The kid of the key that signs alg's tokens, or NULL when none does. */
const char *jose_keyset_kid(const jose_keyset_t *ks, jose_alg_t alg);

/* Signs claims (not consumed) with the key that signs alg's tokens; header
 * {alg, kid, typ} (typ omitted when NULL). *out is the compact JWS in the
 * arena. GH_ERR_INVALID when no key of ks signs alg. */
gh_status_t jose_jwt_sign(const jose_keyset_t *ks, jose_alg_t alg, arena_t *a, const char *typ,
                          const json_t *claims, char **out);

/* The same with the claims already written as a JSON object's text
 * (core/jsonw.h), claims[0..len): the hot paths skip building a tree. */
gh_status_t jose_jwt_sign_text(const jose_keyset_t *ks, jose_alg_t alg, arena_t *a, const char *typ,
                               const char *claims, size_t len, char **out);

/* Longest token jose_jwt_verify looks at. */
#define JOSE_MAX_TOKEN 8192

/* Verifies the token's signature with the key its kid names. On GH_OK *claims
 * is the payload object (released with the arena) and *typ the header typ (or
 * NULL; typ itself may be NULL when the caller does not need it). GH_ERR_INVALID for anything
 * malformed, GH_ERR_CRYPTO for a bad signature, unknown kid or an algorithm other than the key's.
 */
gh_status_t jose_jwt_verify(const jose_keyset_t *ks, arena_t *a, const char *token, json_t **claims,
                            const char **typ);

/* Longest header part (base64url) jose_jwt_verify_embedded looks at: room
 * for an RSA-4096 key. */
#define JOSE_EMBEDDED_MAX_HEADER 2048

/* Verifies a token signed with the public key its header carries (`jwk`,
 * RFC 7515 §4.1.3; a DPoP proof, RFC 9449 §4.2): alg RS256, PS256, ES256 or EdDSA and
 * exactly the key's (the key's own `alg`, when it has one, the same), the key public (no private or
 * symmetric members) and usable as jose_keyset_from_jwks requires. On GH_OK *header and *claims are
 * the header and payload objects (released with the arena) and *jkt the key's RFC 7638 thumbprint
 * (SHA-256, base64url). GH_ERR_INVALID for anything malformed or a header over
 * JOSE_EMBEDDED_MAX_HEADER, GH_ERR_CRYPTO for a bad signature. What typ and the claims say is the
 * caller's. */
gh_status_t jose_jwt_verify_embedded(arena_t *a, const char *token, json_t **header,
                                     json_t **claims, char **jkt);

/* True when token's header parses and names a kid that ks does not hold: a
 * key the caller may not have loaded yet. Checks nothing else. */
bool jose_jwt_kid_unknown(const jose_keyset_t *ks, arena_t *a, const char *token);

/* Splits a compact JWS without verifying it and returns its payload object
 * (released with the arena): for reading an expired id_token_hint's claims
 * after jose_jwt_verify has checked its signature. */
gh_status_t jose_jwt_peek(arena_t *a, const char *token, json_t **claims);
/* Likewise its header (after jose_jwt_verify: the alg it was signed with). */
gh_status_t jose_jwt_peek_header(arena_t *a, const char *token, json_t **header);

/* ---- HS256: tokens a server issues to itself, under its own secret ---- */

/* Shortest HS256 key accepted, in bytes (RFC 7518 §3.2: at least the hash size). */
#define JOSE_HS256_MIN_KEY 32

/* Signs claims (not consumed) with HMAC-SHA256 under key; header
 * {"alg":"HS256","typ":"JWT"}. *out is the compact JWS in the arena.
 * GH_ERR_CRYPTO when the key is shorter than JOSE_HS256_MIN_KEY. */
gh_status_t jose_hs256_sign(const void *key, size_t key_len, arena_t *a, const json_t *claims,
                            char **out);

/* Verifies an HS256 token under key (constant-time comparison); accepts no
 * other alg. On GH_OK *claims is the payload object (released with the
 * arena). GH_ERR_INVALID for anything malformed, GH_ERR_CRYPTO for another
 * alg or a wrong MAC. Claims (exp, …) are the caller's to check. */
gh_status_t jose_hs256_verify(const void *key, size_t key_len, arena_t *a, const char *token,
                              json_t **claims);

#endif
