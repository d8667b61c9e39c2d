/* JOSE internals shared by the files of src/jose: the table of signature
 * algorithms, the parsed key, and the JWK member helpers.
 *
 * Each algorithm is one row of JOSE_ALGS: how to generate a key and write
 * it as a private JWK, how to turn a private JWK into an OpenSSL EVP_PKEY,
 * which public members make its RFC 7638 thumbprint and its JWKS entry, and
 * how its signature is laid out in a JWS. Keys live as EVP_PKEYs, which
 * OpenSSL 3 lets many threads use at once. */
#ifndef GH_JOSE_JOSE_INT_H
#define GH_JOSE_JOSE_INT_H

#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "jose/jose.h"

/* Longest decoded JWK member we accept: an 8192-bit RSA modulus. */
#define JOSE_MAX_MEMBER 1024

/* Largest JWS signature: an RSA-8192 signature. */
#define JOSE_MAX_SIG 1024

typedef struct {
    jose_alg_t alg;
    const char *name;           /* "RS256": what this server writes */
    const char *alias;          /* another name it accepts (RFC 9864's "Ed25519"), or NULL */
    const char *kty;            /* "RSA" */
    const char *const *members; /* public members besides kty, JWKS order, NULL-ended */
    /* A fresh key pair (OpenSSL's key generation); NULL on failure. */
    EVP_PKEY *(*generate)(void);
    /* Adds kty and the private JWK members of pkey, a key of this row's, to jwk. */
    gh_status_t (*export_jwk)(const EVP_PKEY *pkey, json_t *jwk);
    /* The key pair of a parsed private JWK whose kty is this row's. */
    gh_status_t (*import)(const json_t *jwk, EVP_PKEY **out);
    /* The public key of a parsed public JWK whose kty is this row's. */
    gh_status_t (*import_public)(const json_t *jwk, EVP_PKEY **out);
    /* Rewrites the signature OpenSSL made (der[0..n)) in the JWS form into
     * out[0..JOSE_MAX_SIG); NULL when the two are the same. */
    gh_status_t (*sig_to_jws)(const unsigned char *der, size_t n, unsigned char *out,
                              size_t *out_len);
    /* The reverse, for verification; NULL when the two are the same. */
    gh_status_t (*sig_from_jws)(const unsigned char *sig, size_t n, unsigned char *out,
                                size_t *out_len);
    /* Signs the message itself, not its SHA-256 digest (EdDSA). */
    bool whole_message;
    /* RSASSA-PSS with MGF1 over SHA-256 and a 32-byte salt (RFC 7518 §3.5),
     * not PKCS #1 v1.5 (PS256). */
    bool pss;
} jose_alg_ops_t;

/* The row of alg, or of the first algorithm for a key type; NULL if none. */
/* SHA-256 fetched once for the process (EVP_MD_fetch): passing it to
 * EVP_DigestSignInit / EVP_DigestVerifyInit skips the by-name algorithm
 * lookup those do on every call. NULL only if OpenSSL cannot provide it. */
EVP_MD *jose_sha256(void);

const jose_alg_ops_t *jose_alg_ops(jose_alg_t alg);
/* By a header's or JWK's alg: the row's name or alias. */
const jose_alg_ops_t *jose_alg_ops_by_name(const char *name);
/* Whether alg names ops' algorithm (its name or alias). */
bool jose_alg_named(const jose_alg_ops_t *ops, const char *alg);
const jose_alg_ops_t *jose_alg_ops_by_kty(const char *kty);

/* How many typ values (none among them) have a header prepared per key. */
#define JOSE_TYPS 3

/* One key of a keyset. */
typedef struct {
    char *kid;
    const jose_alg_ops_t *ops;
    EVP_PKEY *pkey;
    /* Initialised for the key's algorithm and only ever copied, by any
     * thread, for one signature or verification (jwt.c); sign_ready is NULL
     * in a key that does not sign. */
    EVP_MD_CTX *sign_ready, *verify_ready;
    /* The base64url header part this key writes, one per typ of JOSE_TYPS
     * (jwt.c): signing copies it, and a token whose header part is byte for
     * byte one of them needs no parsing to know its key and typ. */
    struct {
        char *text;
        size_t len;
    } headers[JOSE_TYPS];
} jose_key_t;

/* Makes key's ready contexts once its pkey and ops are set: the verifying
 * one, and the signing one when sign. GH_ERR_CRYPTO when OpenSSL refuses. */
gh_status_t jose_key_prepare(jose_key_t *key, bool sign);

/* Frees what key holds and zeroes it. */
void jose_key_release(jose_key_t *key);

struct jose_keyset {
    jose_key_t *keys;
    size_t count;
    /* the key that signs each algorithm's tokens, or NULL (all NULL in a
     * keyset built from a provider's JWKS) */
    const jose_key_t *signers[JOSE_ALG_COUNT];
    char *jwks; /* the public JWKS document, malloc'd */
    size_t jwks_len;
    /* unique to this keyset for the life of the process, never 0: what
     * verified.c remembers a signature under */
    uint64_t id;
};

/* A thread's memory of accepted token signatures (verified.c). */
#define JOSE_DIGEST_LEN 32
/* The SHA-256 digest of token[0..n), what the memory knows a token by. */
void jose_verified_digest(const char *token, size_t n, unsigned char out[JOSE_DIGEST_LEN]);
/* Whether this thread accepted the signature of the token with this digest
 * under the keyset with this id, and still remembers it. */
bool jose_verified_seen(uint64_t keyset, const unsigned char digest[JOSE_DIGEST_LEN]);
/* Remembers, for this thread, that keyset accepted the token's signature. */
void jose_verified_remember(uint64_t keyset, const unsigned char digest[JOSE_DIGEST_LEN]);

/* The key of ks named kid, or NULL. */
const jose_key_t *jose_keyset_find(const jose_keyset_t *ks, const char *kid);

/* The string member name of jwk, or NULL when missing or not a string. */
const char *jose_member_str(const json_t *jwk, const char *name);

/* Decodes the base64url member name of jwk into out[0..cap). */
gh_status_t jose_member_bytes(const json_t *jwk, const char *name, unsigned char *out, size_t cap,
                              size_t *len);

/* The base64url member name of jwk as a big-endian unsigned integer; free it
 * with BN_clear_free. The decoded bytes are wiped. */
gh_status_t jose_member_bn(const json_t *jwk, const char *name, BIGNUM **out);

/* Sets jwk's member name to the base64url big-endian bytes of pkey's integer
 * parameter param: left-padded with zeros to width bytes, or as few bytes as
 * it takes when width is 0 (RFC 7518 §6.2.1.2, §6.3.1.1). */
gh_status_t jose_member_set_param(json_t *jwk, const char *name, const EVP_PKEY *pkey,
                                  const char *param, size_t width);

/* A key of the given OpenSSL type ("RSA", "EC") from the parameters in bld,
 * checked for consistency: a key pair when selection is EVP_PKEY_KEYPAIR, a
 * public key when it is EVP_PKEY_PUBLIC_KEY. */
gh_status_t jose_pkey_from_params(const char *type, OSSL_PARAM_BLD *bld, int selection,
                                  EVP_PKEY **out);

/* The RFC 7638 thumbprint of a parsed JWK whose key type is ops'. */
gh_status_t jose_thumbprint(arena_t *a, const json_t *jwk, const jose_alg_ops_t *ops, char **out);

/* The algorithm rows' own functions (rsa.c, ec.c, okp.c). */
EVP_PKEY *jose_rsa_generate(void);
gh_status_t jose_rsa_export(const EVP_PKEY *pkey, json_t *jwk);
gh_status_t jose_rsa_import(const json_t *jwk, EVP_PKEY **out);
gh_status_t jose_rsa_import_public(const json_t *jwk, EVP_PKEY **out);
EVP_PKEY *jose_ec_generate(void);
gh_status_t jose_ec_export(const EVP_PKEY *pkey, json_t *jwk);
gh_status_t jose_ec_import(const json_t *jwk, EVP_PKEY **out);
gh_status_t jose_ec_import_public(const json_t *jwk, EVP_PKEY **out);
gh_status_t jose_ec_sig_to_jws(const unsigned char *der, size_t n, unsigned char *out,
                               size_t *out_len);
gh_status_t jose_ec_sig_from_jws(const unsigned char *sig, size_t n, unsigned char *out,
                                 size_t *out_len);
EVP_PKEY *jose_okp_generate(void);
gh_status_t jose_okp_export(const EVP_PKEY *pkey, json_t *jwk);
gh_status_t jose_okp_import(const json_t *jwk, EVP_PKEY **out);
gh_status_t jose_okp_import_public(const json_t *jwk, EVP_PKEY **out);

/* ---- the compact serialisation (jws.c) ---- */

/* One of the three base64url parts of a compact JWS. */
typedef struct {
    const char *p;
    size_t n;
} jose_part_t;

/* RFC 7515 §7.1: exactly three non-empty parts, the whole at most
 * JOSE_MAX_TOKEN bytes. */
gh_status_t jose_split(const char *token, jose_part_t parts[3]);

/* Decodes a part holding a JSON object (duplicate names refused); the caller
 * owns *out. */
gh_status_t jose_decode_object(arena_t *a, jose_part_t part, json_t **out);

/* base64url of the compact JSON text of v, in the arena; NULL when out of memory. */
char *jose_encode_json(arena_t *a, const json_t *v);

/* Hands v over to the arena; on failure v is already released. */
gh_status_t jose_adopt(arena_t *a, json_t *v);

#endif
