/* HS256 JWTs (RFC 7518 §3.2) for tokens a server issues to itself: the
 * gateway's `access` and `refresh` cookies. A separate API from the keyset's
 * RS256/ES256 tokens: the key is a shared secret given by the caller, and
 * verification accepts exactly {"alg":"HS256"} with that secret, so a token
 * signed with a keyset key can never pass here, nor an HS256 token there. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "core/encoding.h"
#include "jose/jose_int.h"

#define MAC_LEN 32

static gh_status_t mac(const void *key, size_t key_len, const char *in, size_t n,
                       unsigned char out[MAC_LEN])
{
    unsigned int len = 0;
    if (key_len < JOSE_HS256_MIN_KEY || key_len > 0x7fffffff ||
        !HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)in, n, out, &len) ||
        len != MAC_LEN)
        return GH_ERR_CRYPTO;
    return GH_OK;
}

gh_status_t jose_hs256_sign(const void *key, size_t key_len, arena_t *a, const json_t *claims,
                            char **out)
{
    unsigned char sig[MAC_LEN];
    if (!json_is_object(claims))
        return GH_ERR_INVALID;
    json_t *hdr = json_pack("{ss ss}", "alg", "HS256", "typ", "JWT");
    char *h = hdr ? jose_encode_json(a, hdr) : NULL;
    char *p = jose_encode_json(a, claims);
    char *input = h && p ? arena_printf(a, "%s.%s", h, p) : NULL;
    json_decref(hdr);
    if (!input)
        return GH_ERR_NOMEM;
    gh_status_t st = mac(key, key_len, input, strlen(input), sig);
    if (st != GH_OK)
        return st;
    char *s = b64url_encode(a, sig, sizeof sig);
    char *token = s ? arena_printf(a, "%s.%s", input, s) : NULL;
    if (!token)
        return GH_ERR_NOMEM;
    *out = token;
    return GH_OK;
}

/* The header must be exactly an HS256 one, with nothing to understand (RFC
 * 8725 §3.1: the algorithm is the one this key is for, not the token's
 * choice). */
static gh_status_t check_header(arena_t *a, jose_part_t part)
{
    json_t *hdr = NULL;
    gh_status_t st = jose_decode_object(a, part, &hdr);
    if (st != GH_OK)
        return st;
    const char *alg = jose_member_str(hdr, "alg");
    if (!alg || strcmp(alg, "HS256") != 0 || json_object_get(hdr, "crit"))
        st = GH_ERR_CRYPTO;
    json_decref(hdr);
    return st;
}

gh_status_t jose_hs256_verify(const void *key, size_t key_len, arena_t *a, const char *token,
                              json_t **claims)
{
    jose_part_t parts[3];
    unsigned char want[MAC_LEN], got[MAC_LEN + 4];
    size_t got_len = 0;
    json_t *payload = NULL;
    gh_status_t st = jose_split(token, parts);
    if (st == GH_OK)
        st = check_header(a, parts[0]);
    if (st == GH_OK && b64url_decode(parts[2].p, parts[2].n, got, sizeof got, &got_len) != GH_OK)
        st = GH_ERR_INVALID;
    if (st == GH_OK) /* the signing input is header.payload as sent */
        st = mac(key, key_len, token, (size_t)(parts[2].p - 1 - token), want);
    if (st == GH_OK && (got_len != MAC_LEN || CRYPTO_memcmp(want, got, MAC_LEN) != 0))
        st = GH_ERR_CRYPTO;
    if (st == GH_OK)
        st = jose_decode_object(a, parts[1], &payload);
    if (st == GH_OK)
        st = jose_adopt(a, payload);
    if (st == GH_OK)
        *claims = payload;
    return st;
}
