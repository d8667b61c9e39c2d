/* JWKs (RFC 7517): reading key members, building OpenSSL keys from them,
 * RFC 7638 thumbprints, and generating new private JWKs (OpenSSL makes the
 * key, each algorithm's row writes its members).
 *
 * Private key bytes pass through stack buffers that are wiped after use; the
 * generated JWK text is wiped before it is freed. */
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

#include "core/encoding.h"
#include "core/log.h"
#include "core/secret.h"
#include "jose/jose_int.h"

const char *jose_member_str(const json_t *jwk, const char *name)
{
    return json_string_value(json_object_get(jwk, name));
}

gh_status_t jose_member_bytes(const json_t *jwk, const char *name, unsigned char *out, size_t cap,
                              size_t *len)
{
    const json_t *v = json_object_get(jwk, name);
    if (!json_is_string(v) || json_string_length(v) == 0)
        return GH_ERR_INVALID;
    gh_status_t st = b64url_decode(json_string_value(v), json_string_length(v), out, cap, len);
    return st == GH_OK ? GH_OK : GH_ERR_INVALID;
}

gh_status_t jose_member_bn(const json_t *jwk, const char *name, BIGNUM **out)
{
    unsigned char raw[JOSE_MAX_MEMBER];
    size_t len = 0;
    gh_status_t st = jose_member_bytes(jwk, name, raw, sizeof raw, &len);
    if (st != GH_OK)
        return st;
    BIGNUM *bn = BN_secure_new(); /* so OSSL_PARAM_BLD keeps it in wiped memory */
    if (bn && !BN_bin2bn(raw, (int)len, bn)) {
        BN_free(bn);
        bn = NULL;
    }
    secret_wipe(raw, len);
    if (!bn)
        return GH_ERR_NOMEM;
    *out = bn;
    return GH_OK;
}

gh_status_t jose_member_set_param(json_t *jwk, const char *name, const EVP_PKEY *pkey,
                                  const char *param, size_t width)
{
    unsigned char raw[JOSE_MAX_MEMBER];
    char text[JOSE_MAX_MEMBER * 4 / 3 + 4];
    BIGNUM *bn = NULL;
    int n = -1;
    if (EVP_PKEY_get_bn_param(pkey, param, &bn) == 1)
        n = width ? BN_bn2binpad(bn, raw, (int)width) : BN_bn2bin(bn, raw);
    BN_clear_free(bn);
    if (n <= 0 || (size_t)n > sizeof raw) /* BN_bn2bin writes at most the key's size */
        return GH_ERR_CRYPTO;
    size_t len = b64url_encode_to(raw, (size_t)n, text);
    gh_status_t st =
        json_object_set_new(jwk, name, json_stringn(text, len)) == 0 ? GH_OK : GH_ERR_NOMEM;
    secret_wipe(raw, sizeof raw);
    secret_wipe(text, sizeof text);
    return st;
}

/* True when the private half of pkey matches its public half: a fixed message
 * signed with one verifies with the other. One signature's cost, where
 * EVP_PKEY_check and even EVP_PKEY_pairwise_check test an RSA key's primes
 * (tens of milliseconds per key at every start, for keys we made ourselves). */
static bool halves_agree(EVP_PKEY *pkey)
{
    static const unsigned char msg[] = "gatehouse key check";
    unsigned char sig[1024];
    size_t sig_len = sizeof sig;
    EVP_MD_CTX *sign = EVP_MD_CTX_new(), *verify = EVP_MD_CTX_new();
    bool ok = sign && verify && EVP_DigestSignInit(sign, NULL, jose_sha256(), NULL, pkey) == 1 &&
              EVP_DigestSign(sign, sig, &sig_len, msg, sizeof msg) == 1 &&
              EVP_DigestVerifyInit(verify, NULL, jose_sha256(), NULL, pkey) == 1 &&
              EVP_DigestVerify(verify, sig, sig_len, msg, sizeof msg) == 1;
    EVP_MD_CTX_free(sign);
    EVP_MD_CTX_free(verify);
    return ok;
}

/* Builds the key from the parameters and checks that its parts agree. */
gh_status_t jose_pkey_from_params(const char *type, OSSL_PARAM_BLD *bld, int selection,
                                  EVP_PKEY **out)
{
    gh_status_t st = GH_ERR_CRYPTO;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY_CTX *check = NULL;
    EVP_PKEY *pkey = NULL;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, selection, params) != 1)
        goto out;
    check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (!check || EVP_PKEY_public_check(check) != 1 ||
        (selection == EVP_PKEY_KEYPAIR && !halves_agree(pkey)))
        goto out;
    *out = pkey;
    pkey = NULL;
    st = GH_OK;
out:
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(check);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params); /* wipes the secure (private) part */
    return st;
}

/* RFC 7638 §3: SHA-256 of the required public members with sorted keys and
 * no whitespace, base64url. */
gh_status_t jose_thumbprint(arena_t *a, const json_t *jwk, const jose_alg_ops_t *ops, char **out)
{
    gh_status_t st = GH_ERR_INVALID;
    char *text = NULL;
    json_t *req = json_pack("{ss}", "kty", ops->kty);
    if (!req)
        return GH_ERR_NOMEM;
    for (const char *const *m = ops->members; *m; m++) {
        json_t *v = json_object_get(jwk, *m);
        if (!json_is_string(v) || json_object_set(req, *m, v) != 0)
            goto out;
    }
    st = GH_ERR_NOMEM;
    text = json_dumps(req, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text)
        goto out;
    unsigned char digest[32];
    secret_sha256(text, strlen(text), digest);
    char *t = b64url_encode(a, digest, sizeof digest);
    if (!t)
        goto out;
    *out = t;
    st = GH_OK;
out:
    free(text);
    json_decref(req);
    return st;
}

gh_status_t jose_jwk_thumbprint(arena_t *a, const char *jwk_json, char **out)
{
    json_t *jwk = json_loads(jwk_json, JSON_REJECT_DUPLICATES, NULL);
    const jose_alg_ops_t *ops = jose_alg_ops_by_kty(jose_member_str(jwk, "kty"));
    gh_status_t st = ops ? jose_thumbprint(a, jwk, ops, out) : GH_ERR_INVALID;
    json_decref(jwk);
    return st;
}

/* Wipes the NUL-terminated s (which may be NULL) and returns it, for freeing. */
static char *wiped(char *s)
{
    if (s)
        secret_wipe(s, strlen(s));
    return s;
}

/* Sets kid, alg and use on the parsed private JWK and writes it out. */
static gh_status_t finish_jwk(arena_t *a, json_t *jwk, const jose_alg_ops_t *ops, char **kid,
                              char **private_jwk)
{
    char *k = NULL;
    gh_status_t st = jose_thumbprint(a, jwk, ops, &k);
    if (st != GH_OK)
        return st;
    if (json_object_set_new(jwk, "kid", json_string(k)) != 0 ||
        json_object_set_new(jwk, "alg", json_string(ops->name)) != 0 ||
        json_object_set_new(jwk, "use", json_string("sig")) != 0)
        return GH_ERR_NOMEM;
    char *text = json_dumps(jwk, JSON_COMPACT);
    char *copy = text ? arena_strdup(a, text) : NULL;
    free(wiped(text));
    if (!copy)
        return GH_ERR_NOMEM;
    *kid = k;
    *private_jwk = copy;
    return GH_OK;
}

gh_status_t jose_key_generate(arena_t *a, jose_alg_t alg, char **kid, char **private_jwk)
{
    const jose_alg_ops_t *ops = jose_alg_ops(alg);
    if (!ops)
        return GH_ERR_INVALID;
    EVP_PKEY *pkey = ops->generate();
    json_t *jwk = pkey ? json_object() : NULL;
    gh_status_t st = !pkey ? GH_ERR_CRYPTO : jwk ? ops->export_jwk(pkey, jwk) : GH_ERR_NOMEM;
    if (st == GH_OK)
        st = finish_jwk(a, jwk, ops, kid, private_jwk);
    else
        log_event(LOG_ERROR, "jose_key_generate", "alg", ops->name, NULL);
    ERR_clear_error();
    json_decref(jwk);
    EVP_PKEY_free(pkey);
    return st;
}
