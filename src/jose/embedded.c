/* JWTs that carry their own public key in the header's `jwk` member (RFC
 * 7515 §4.1.3), as DPoP proofs do (RFC 9449 §4.2): the signature is checked
 * with that key, so the token proves possession of it and nothing more; the
 * caller decides what the key is worth (its RFC 7638 thumbprint, *jkt).
 *
 * The key goes through jose_keyset_from_jwks like any other party's key, so
 * the same rules hold: RS256 with an RSA key of at least 2048 bits, ES256
 * with a P-256 key, the header's alg exactly the key's (no `none`, no HS*).
 * A key with private members is refused: a client that sends its private key
 * has lost it. */
#include <stdlib.h>
#include <string.h>

#include "jose/jose_int.h"

/* The members of a private or symmetric JWK (RFC 7518 §6.2.2, §6.3.2, §6.4). */
static const char *const PRIVATE_MEMBERS[] = {"d", "p", "q", "dp", "dq", "qi", "oth", "k", NULL};

/* The header's jwk, when it is a public key of the header's alg. */
static gh_status_t header_key(const json_t *hdr, const json_t **jwk, const jose_alg_ops_t **ops)
{
    const char *alg = jose_member_str(hdr, "alg");
    jose_alg_t parsed;
    *jwk = json_object_get(hdr, "jwk");
    if (!alg || jose_alg_parse(alg, &parsed) != GH_OK || !json_is_object(*jwk))
        return GH_ERR_INVALID;
    for (const char *const *m = PRIVATE_MEMBERS; *m; m++)
        if (json_object_get(*jwk, *m))
            return GH_ERR_INVALID;
    *ops = jose_alg_ops(parsed);
    const char *kty = jose_member_str(*jwk, "kty");
    const json_t *key_alg = json_object_get(*jwk, "alg"); /* when given, the header's too */
    return *ops && kty && !strcmp(kty, (*ops)->kty) &&
                   (!key_alg || jose_alg_named(*ops, json_string_value(key_alg)))
               ? GH_OK
               : GH_ERR_INVALID;
}

/* A verification keyset of the one key jwk. */
static gh_status_t keyset_of(const json_t *jwk, const jose_alg_ops_t *ops, jose_keyset_t **out)
{
    /* the key's algorithm is the header's (an RSA key serves RS256 and PS256) */
    json_t *key = json_deep_copy(jwk);
    json_t *doc = key && json_object_set_new(key, "alg", json_string(ops->name)) == 0
                      ? json_pack("{s[O]}", "keys", key)
                      : NULL;
    json_decref(key);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    gh_status_t st = text ? jose_keyset_from_jwks(text, strlen(text), out) : GH_ERR_NOMEM;
    free(text);
    json_decref(doc);
    return st;
}

gh_status_t jose_jwt_verify_embedded(arena_t *a, const char *token, json_t **header,
                                     json_t **claims, char **jkt)
{
    jose_part_t parts[3];
    json_t *hdr = NULL;
    const json_t *jwk = NULL;
    const jose_alg_ops_t *ops = NULL;
    jose_keyset_t *ks = NULL;
    gh_status_t st = jose_split(token, parts);
    if (st == GH_OK && parts[0].n > JOSE_EMBEDDED_MAX_HEADER)
        st = GH_ERR_INVALID;
    if (st == GH_OK)
        st = jose_decode_object(a, parts[0], &hdr);
    if (st == GH_OK)
        st = header_key(hdr, &jwk, &ops);
    if (st == GH_OK)
        st = keyset_of(jwk, ops, &ks);
    if (st == GH_OK)
        st = jose_jwt_verify(ks, a, token, claims, NULL);
    if (st == GH_OK)
        st = jose_thumbprint(a, jwk, ops, jkt);
    jose_keyset_free(ks);
    if (st == GH_OK)
        return jose_adopt(a, hdr) == GH_OK ? (*header = hdr, GH_OK) : GH_ERR_NOMEM;
    json_decref(hdr);
    return st;
}
