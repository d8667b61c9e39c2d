/* The signature algorithms this server signs and verifies with (RFC 7518
 * §3.1, RFC 8037 §3.1): RS256 and PS256 over RSA keys, ES256 over P-256
 * keys, EdDSA over Ed25519 keys. Nothing else is ever accepted, so `none`,
 * the HS* family, other hash sizes and Ed448 have no row. An RSA JWK
 * without `alg` is taken as RS256 (the first row of its key type). */
#include <string.h>

#include <pthread.h>

#include "jose/jose_int.h"

static const char *const RSA_MEMBERS[] = {"n", "e", NULL};
static const char *const EC_MEMBERS[] = {"crv", "x", "y", NULL};
static const char *const OKP_MEMBERS[] = {"crv", "x", NULL};

/* What RS256 and PS256 share: RSA keys, their JWK members and functions. */
#define RSA_KEYS                                                                                   \
    .kty = "RSA", .members = RSA_MEMBERS, .generate = jose_rsa_generate,                           \
    .export_jwk = jose_rsa_export, .import = jose_rsa_import,                                      \
    .import_public = jose_rsa_import_public

static const jose_alg_ops_t JOSE_ALGS[] = {
    {
        .alg = JOSE_RS256,
        .name = "RS256",
        RSA_KEYS,
    },
    {
        .alg = JOSE_ES256,
        .name = "ES256",
        .kty = "EC",
        .members = EC_MEMBERS,
        .generate = jose_ec_generate,
        .export_jwk = jose_ec_export,
        .import = jose_ec_import,
        .import_public = jose_ec_import_public,
        .sig_to_jws = jose_ec_sig_to_jws,
        .sig_from_jws = jose_ec_sig_from_jws,
    },
    {
        .alg = JOSE_EDDSA,
        .name = "EdDSA",
        .alias = "Ed25519", /* RFC 9864: the fully-specified name (oauth4webapi's DPoP proofs) */
        .kty = "OKP",
        .members = OKP_MEMBERS,
        .generate = jose_okp_generate,
        .export_jwk = jose_okp_export,
        .import = jose_okp_import,
        .import_public = jose_okp_import_public,
        .whole_message = true,
    },
    {
        .alg = JOSE_PS256,
        .name = "PS256",
        RSA_KEYS,
        .pss = true,
    },
};

#define NALGS (sizeof JOSE_ALGS / sizeof JOSE_ALGS[0])
_Static_assert(NALGS == JOSE_ALG_COUNT, "one row per jose_alg_t");

const jose_alg_ops_t *jose_alg_ops(jose_alg_t alg)
{
    for (size_t i = 0; i < NALGS; i++)
        if (JOSE_ALGS[i].alg == alg)
            return &JOSE_ALGS[i];
    return NULL;
}

bool jose_alg_named(const jose_alg_ops_t *ops, const char *alg)
{
    return alg && (!strcmp(ops->name, alg) || (ops->alias && !strcmp(ops->alias, alg)));
}

const jose_alg_ops_t *jose_alg_ops_by_name(const char *name)
{
    for (size_t i = 0; name && i < NALGS; i++)
        if (jose_alg_named(&JOSE_ALGS[i], name))
            return &JOSE_ALGS[i];
    return NULL;
}

const jose_alg_ops_t *jose_alg_ops_by_kty(const char *kty)
{
    for (size_t i = 0; kty && i < NALGS; i++)
        if (strcmp(JOSE_ALGS[i].kty, kty) == 0)
            return &JOSE_ALGS[i];
    return NULL;
}

gh_status_t jose_alg_parse(const char *name, jose_alg_t *out)
{
    const jose_alg_ops_t *ops = jose_alg_ops_by_name(name);
    if (!ops)
        return GH_ERR_INVALID;
    *out = ops->alg;
    return GH_OK;
}

const char *jose_alg_name(jose_alg_t alg)
{
    const jose_alg_ops_t *ops = jose_alg_ops(alg);
    return ops ? ops->name : "unknown";
}

static EVP_MD *sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

EVP_MD *jose_sha256(void)
{
    pthread_once(&sha256_once, fetch_sha256);
    return sha256;
}
