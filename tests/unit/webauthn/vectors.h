/* Test vectors for WebAuthn, built in the test: keys generated with OpenSSL,
 * COSE keys, authenticator data and attestation objects written with
 * libcbor, clientDataJSON by hand, signatures with OpenSSL. Shared by the
 * unit tests (test_webauthn.c) and the store's conformance test. */
#ifndef GH_TESTS_WEBAUTHN_VECTORS_H
#define GH_TESTS_WEBAUTHN_VECTORS_H

#include <cbor.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/encoding.h"
#include "webauthn/webauthn.h"

#define VEC_RP_ID "login.example.com"
#define VEC_ORIGIN "https://login.example.com"
#define VEC_MAX 20000

typedef struct {
    EVP_PKEY *pkey;
    int alg;
    uint8_t cose[700];
    size_t cose_len;
} vec_key_t;

typedef struct {
    uint8_t bytes[VEC_MAX];
    size_t len;
} vec_buf_t;

static inline void vec_put(vec_buf_t *b, const void *p, size_t n)
{
    if (b->len + n > sizeof b->bytes)
        abort();
    memcpy(b->bytes + b->len, p, n);
    b->len += n;
}

static inline void vec_cbor(vec_buf_t *b, cbor_item_t *item)
{
    unsigned char *out = NULL;
    size_t cap = 0, n = cbor_serialize_alloc(item, &out, &cap);
    vec_put(b, out, n);
    free(out);
    cbor_decref(&item);
}

static inline void map_add(cbor_item_t *m, cbor_item_t *k, cbor_item_t *v)
{
    cbor_map_add(m, (struct cbor_pair){.key = cbor_move(k), .value = cbor_move(v)});
}

static inline cbor_item_t *vec_int(int64_t v)
{
    uint64_t u = v >= 0 ? (uint64_t)v : (uint64_t)(-1 - v); /* the shortest form, as CTAP2 */
    if (u < 256)
        return v >= 0 ? cbor_build_uint8((uint8_t)u) : cbor_build_negint8((uint8_t)u);
    return v >= 0 ? cbor_build_uint16((uint16_t)u) : cbor_build_negint16((uint16_t)u);
}

/* A COSE key of p in out (kty, alg, and the key's parameters). */
static inline void vec_cose(vec_key_t *k)
{
    cbor_item_t *m = cbor_new_definite_map(5);
    if (k->alg == WEBAUTHN_ALG_ES256) {
        uint8_t pub[65];
        size_t n = 0;
        EVP_PKEY_get_octet_string_param(k->pkey, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &n);
        map_add(m, vec_int(1), vec_int(2));
        map_add(m, vec_int(3), vec_int(-7));
        map_add(m, vec_int(-1), vec_int(1));
        map_add(m, vec_int(-2), cbor_build_bytestring(pub + 1, 32));
        map_add(m, vec_int(-3), cbor_build_bytestring(pub + 33, 32));
    } else if (k->alg == WEBAUTHN_ALG_EDDSA) {
        uint8_t x[32];
        size_t n = sizeof x;
        EVP_PKEY_get_raw_public_key(k->pkey, x, &n);
        map_add(m, vec_int(1), vec_int(1));
        map_add(m, vec_int(3), vec_int(-8));
        map_add(m, vec_int(-1), vec_int(6));
        map_add(m, vec_int(-2), cbor_build_bytestring(x, n));
    } else {
        BIGNUM *n = NULL, *e = NULL;
        uint8_t nb[512], eb[8];
        EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N, &n);
        EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &e);
        int nn = BN_bn2bin(n, nb), en = BN_bn2bin(e, eb);
        map_add(m, vec_int(1), vec_int(3));
        map_add(m, vec_int(3), vec_int(-257));
        map_add(m, vec_int(-1), cbor_build_bytestring(nb, (size_t)nn));
        map_add(m, vec_int(-2), cbor_build_bytestring(eb, (size_t)en));
        BN_free(n);
        BN_free(e);
    }
    vec_buf_t b = {0};
    vec_cbor(&b, m);
    memcpy(k->cose, b.bytes, b.len);
    k->cose_len = b.len;
}

static inline void vec_key_new(vec_key_t *k, int alg)
{
    k->alg = alg;
    k->pkey = alg == WEBAUTHN_ALG_ES256   ? EVP_EC_gen("P-256")
              : alg == WEBAUTHN_ALG_EDDSA ? EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")
                                          : EVP_RSA_gen(2048);
    if (!k->pkey)
        abort();
    vec_cose(k);
}

static inline void vec_key_free(vec_key_t *k)
{
    EVP_PKEY_free(k->pkey);
}

/* Authenticator data for rp_id: flags, count, and (with cose) the attested
 * credential data of a credential id of id_len bytes (each id_byte). */
static inline void vec_authdata(vec_buf_t *b, const char *rp_id, uint8_t flags, uint32_t count,
                                const uint8_t *cose, size_t cose_len, size_t id_len,
                                uint8_t id_byte)
{
    uint8_t h[32], c[4] = {count >> 24, count >> 16, count >> 8, count};
    SHA256((const uint8_t *)rp_id, strlen(rp_id), h);
    b->len = 0;
    vec_put(b, h, 32);
    vec_put(b, &flags, 1);
    vec_put(b, c, 4);
    if (!cose)
        return;
    uint8_t head[18] = {0};
    head[16] = (uint8_t)(id_len >> 8);
    head[17] = (uint8_t)id_len;
    vec_put(b, head, sizeof head);
    for (size_t i = 0; i < id_len; i++)
        vec_put(b, &id_byte, 1);
    vec_put(b, cose, cose_len);
}

/* clientDataJSON of type for challenge at origin, with extra members. */
static inline void vec_client_data(vec_buf_t *b, const char *type, const uint8_t *challenge,
                                   const char *origin, const char *extra)
{
    char c[64];
    b64url_encode_to(challenge, WEBAUTHN_CHALLENGE_LEN, c);
    b->len = (size_t)snprintf((char *)b->bytes, sizeof b->bytes,
                              "{\"type\":\"%s\",\"challenge\":\"%s\",\"origin\":\"%s\"%s}", type, c,
                              origin, extra ? extra : "");
}

/* The signature of k over authData || SHA-256(clientDataJSON). */
static inline void vec_sign(vec_buf_t *sig, const vec_key_t *k, const vec_buf_t *authdata,
                            const vec_buf_t *client_data)
{
    vec_buf_t msg = {0};
    uint8_t h[32];
    vec_put(&msg, authdata->bytes, authdata->len);
    SHA256(client_data->bytes, client_data->len, h);
    vec_put(&msg, h, 32);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t n = sizeof sig->bytes;
    const EVP_MD *digest = k->alg == WEBAUTHN_ALG_EDDSA ? NULL : EVP_sha256();
    if (EVP_DigestSignInit(md, NULL, digest, NULL, k->pkey) != 1 ||
        EVP_DigestSign(md, sig->bytes, &n, msg.bytes, msg.len) != 1)
        abort();
    sig->len = n;
    EVP_MD_CTX_free(md);
}

/* An attestation object {fmt, attStmt, authData}; stmt NULL is an empty map. */
static inline void vec_attestation(vec_buf_t *b, const char *fmt, cbor_item_t *stmt,
                                   const vec_buf_t *authdata)
{
    cbor_item_t *m = cbor_new_definite_map(3);
    map_add(m, cbor_build_string("fmt"), cbor_build_string(fmt));
    map_add(m, cbor_build_string("attStmt"), stmt ? stmt : cbor_new_definite_map(0));
    map_add(m, cbor_build_string("authData"),
            cbor_build_bytestring(authdata->bytes, authdata->len));
    b->len = 0;
    vec_cbor(b, m);
}

#endif
