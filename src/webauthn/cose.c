/* COSE_Key (RFC 9052 §7, RFC 9053 §7.1.1 and §7.2, RFC 8230 §4) to an
 * OpenSSL public key, and signature checks with it. Three kinds are
 * accepted: EC2 on P-256 with ES256 (kty 2, crv 1, 32-byte x and y, the
 * point on the curve), OKP on Ed25519 with EdDSA (kty 1, crv 6, 32-byte x:
 * security keys offer it), and RSA
 * with RS256 (kty 3, n odd, of 2048-4096 bits, without a small factor; e odd,
 * over 2^16 and at most 4 bytes, as SP 800-56B §6.2 asks). */
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <string.h>

#include "webauthn/webauthn_int.h"

/* COSE_Key labels */
#define COSE_KTY 1
#define COSE_ALG 3
#define COSE_EC2_CRV (-1)
#define COSE_EC2_X (-2)
#define COSE_EC2_Y (-3)
#define COSE_RSA_N (-1)
#define COSE_RSA_E (-2)
#define COSE_OKP_CRV (-1)
#define COSE_OKP_X (-2)
#define COSE_KTY_OKP 1
#define COSE_KTY_EC2 2
#define COSE_KTY_RSA 3
#define COSE_CRV_P256 1
#define COSE_CRV_ED25519 6

/* An EVP_PKEY of type from the parameters in bld; NULL when invalid. With
 * check, OpenSSL's public key check must pass too (EC: the point is on the
 * curve). RSA keys are checked by rsa_key instead: OpenSSL's RSA check
 * (SP 800-56B) tests the modulus with random Miller-Rabin bases, so the same
 * key could pass one time and fail the next (found by fuzz_webauthn_cose.c);
 * a key's answer must not depend on the draw. */
static EVP_PKEY *pkey_from(const char *type, OSSL_PARAM_BLD *bld, bool check)
{
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    if (!pkey)
        return NULL;
    if (!check)
        return pkey;
    EVP_PKEY_CTX *ctx_check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    bool ok = ctx_check && EVP_PKEY_public_check(ctx_check) == 1;
    EVP_PKEY_CTX_free(ctx_check);
    if (!ok)
        EVP_PKEY_free(pkey);
    return ok ? pkey : NULL;
}

static EVP_PKEY *ec2_key(const cbor_item_t *map, const char **why)
{
    int64_t crv = 0;
    const uint8_t *x, *y;
    size_t xn = 0, yn = 0;
    if (!wa_cbor_int(wa_cbor_map_int(map, COSE_EC2_CRV), &crv) || crv != COSE_CRV_P256 ||
        !wa_cbor_bytes(wa_cbor_map_int(map, COSE_EC2_X), &x, &xn) ||
        !wa_cbor_bytes(wa_cbor_map_int(map, COSE_EC2_Y), &y, &yn) || xn != 32 || yn != 32) {
        *why = "COSE key: not a P-256 point";
        return NULL;
    }
    uint8_t pub[65] = {0x04}; /* SEC 1 uncompressed point */
    memcpy(pub + 1, x, 32);
    memcpy(pub + 33, y, 32);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *pkey = NULL;
    if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub))
        pkey = pkey_from("EC", bld, true);
    OSSL_PARAM_BLD_free(bld);
    if (!pkey)
        *why = "COSE key: the point is not on P-256";
    return pkey;
}

static EVP_PKEY *okp_key(const cbor_item_t *map, const char **why)
{
    int64_t crv = 0;
    const uint8_t *x;
    size_t xn = 0;
    EVP_PKEY *pkey = NULL;
    if (wa_cbor_int(wa_cbor_map_int(map, COSE_OKP_CRV), &crv) && crv == COSE_CRV_ED25519 &&
        wa_cbor_bytes(wa_cbor_map_int(map, COSE_OKP_X), &x, &xn) && xn == 32)
        pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, xn);
    if (!pkey)
        *why = "COSE key: not an Ed25519 public key";
    return pkey;
}

#define RSA_TRIAL_LIMIT (1 << 14)

/* True when n has an odd factor below RSA_TRIAL_LIMIT: a modulus anyone can
 * factor (jose/rsa.c refuses the same moduli). Deterministic, unlike
 * OpenSSL's check (see pkey_from): a larger factor is not looked for, as a
 * member's own weak key puts only that member at risk. */
static bool has_small_factor(const BIGNUM *n)
{
    for (BN_ULONG d = 3; d < RSA_TRIAL_LIMIT; d += 2)
        if (BN_mod_word(n, d) == 0)
            return true;
    return false;
}

/* The value of a big-endian number of n <= 4 bytes. */
static uint32_t be32_of(const uint8_t *p, size_t n)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static EVP_PKEY *rsa_key(const cbor_item_t *map, const char **why)
{
    const uint8_t *n, *e;
    size_t nn = 0, en = 0;
    if (!wa_cbor_bytes(wa_cbor_map_int(map, COSE_RSA_N), &n, &nn) ||
        !wa_cbor_bytes(wa_cbor_map_int(map, COSE_RSA_E), &e, &en) || nn == 0 || en == 0 || en > 4 ||
        n[0] == 0 || !(n[nn - 1] & 1) || !(e[en - 1] & 1) || be32_of(e, en) <= 65536 ||
        nn * 8 < WEBAUTHN_RSA_BITS_MIN || nn * 8 > WEBAUTHN_RSA_BITS_MAX) {
        *why = "COSE key: not an RSA key of 2048 to 4096 bits";
        return NULL;
    }
    BIGNUM *bn = BN_bin2bn(n, (int)nn, NULL), *be = BN_bin2bn(e, (int)en, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *pkey = NULL;
    if (bn && be && bld && !has_small_factor(bn) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be))
        pkey = pkey_from("RSA", bld, false);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn);
    BN_free(be);
    if (!pkey)
        *why = "COSE key: not a valid RSA key";
    return pkey;
}

/* The key of a COSE_Key of len bytes, and its algorithm; NULL with *why. */
static EVP_PKEY *cose_load(const uint8_t *key, size_t len, int *alg, const char **why)
{
    size_t used = 0;
    int64_t kty = 0, a = 0;
    if (len > WEBAUTHN_COSE_KEY_MAX) {
        *why = "COSE key too large";
        return NULL;
    }
    cbor_item_t *map = wa_cbor_load(key, len, &used, why);
    if (!map)
        return NULL;
    EVP_PKEY *pkey = NULL;
    if (used != len || !cbor_isa_map(map) || !wa_cbor_int(wa_cbor_map_int(map, COSE_KTY), &kty) ||
        !wa_cbor_int(wa_cbor_map_int(map, COSE_ALG), &a))
        *why = "COSE key: not a map with kty and alg";
    else if (kty == COSE_KTY_EC2 && a == WEBAUTHN_ALG_ES256)
        pkey = ec2_key(map, why);
    else if (kty == COSE_KTY_OKP && a == WEBAUTHN_ALG_EDDSA)
        pkey = okp_key(map, why);
    else if (kty == COSE_KTY_RSA && a == WEBAUTHN_ALG_RS256)
        pkey = rsa_key(map, why);
    else
        *why = "COSE key: algorithm not supported (ES256, EdDSA and RS256 are)";
    cbor_decref(&map);
    if (pkey)
        *alg = (int)a;
    else
        ERR_clear_error();
    return pkey;
}

gh_status_t webauthn_cose_check(const uint8_t *key, size_t len, int *alg, const char **why)
{
    int a = 0;
    EVP_PKEY *pkey = cose_load(key, len, &a, why);
    if (!pkey)
        return GH_ERR_INVALID;
    EVP_PKEY_free(pkey);
    *alg = a;
    return GH_OK;
}

gh_status_t webauthn_cose_verify(const uint8_t *key, size_t key_len, const uint8_t *msg,
                                 size_t msg_len, const uint8_t *sig, size_t sig_len,
                                 const char **why)
{
    int alg = 0;
    if (sig_len == 0 || sig_len > WEBAUTHN_SIGNATURE_MAX) {
        *why = "signature missing or too large";
        return GH_ERR_INVALID;
    }
    EVP_PKEY *pkey = cose_load(key, key_len, &alg, why);
    if (!pkey)
        return GH_ERR_INVALID;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    /* ES256 and RS256 hash with SHA-256 (ES256's signature is DER, §6.5.6);
     * EdDSA signs the message itself */
    const EVP_MD *digest = alg == WEBAUTHN_ALG_EDDSA ? NULL : EVP_sha256();
    bool ok = md && EVP_DigestVerifyInit(md, NULL, digest, NULL, pkey) == 1 &&
              EVP_DigestVerify(md, sig, sig_len, msg, msg_len) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    if (!ok) {
        ERR_clear_error();
        *why = "the signature does not verify";
    }
    return ok ? GH_OK : GH_ERR_CRYPTO;
}
