/* Random tokens, SHA-256/HMAC digests, constant-time comparison (OpenSSL) and
 * argon2id password hashing (libargon2, the reference implementation). */
#include "core/secret.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>

#include "core/encoding.h"

const secret_argon2_cost_t SECRET_ARGON2_DEFAULT = {
    .t_cost = 2, .m_cost_kib = 19456, .parallelism = 1};

gh_status_t secret_random(void *out, size_t n)
{
    if (n > 0x7fffffff || RAND_bytes(out, (int)n) != 1)
        return GH_ERR_CRYPTO;
    return GH_OK;
}

char *secret_token(arena_t *a)
{
    unsigned char raw[SECRET_TOKEN_BYTES];
    if (secret_random(raw, sizeof raw) != GH_OK)
        return NULL;
    char *t = b64url_encode(a, raw, sizeof raw);
    secret_wipe(raw, sizeof raw);
    return t;
}

char *secret_hex_id(arena_t *a, size_t nbytes)
{
    unsigned char raw[64];
    if (nbytes > sizeof raw || secret_random(raw, nbytes) != GH_OK)
        return NULL;
    char *out = arena_alloc(a, 2 * nbytes + 1);
    if (out)
        hex_encode(raw, nbytes, out);
    return out;
}

void secret_sha256(const void *s, size_t n, unsigned char out[32])
{
    unsigned int len = 32;
    EVP_Digest(s, n, out, &len, EVP_sha256(), NULL);
}

void secret_sha256_hex(const char *s, size_t n, char *out)
{
    unsigned char d[32];
    secret_sha256(s, n, d);
    hex_encode(d, sizeof d, out);
}

void secret_hmac_hex(const void *key, size_t key_len, const char *s, size_t n, char *out)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)s, n, d, &len);
    hex_encode(d, 32, out);
}

bool secret_equal(const void *a, size_t a_len, const void *b, size_t b_len)
{
    if (!a || !b || a_len != b_len)
        return false;
    return CRYPTO_memcmp(a, b, a_len) == 0;
}

bool secret_equal_str(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    return secret_equal(a, strlen(a), b, strlen(b));
}

gh_status_t secret_password_hash(arena_t *a, const char *password, const secret_argon2_cost_t *cost,
                                 char **out)
{
    unsigned char salt[16];
    if (secret_random(salt, sizeof salt) != GH_OK)
        return GH_ERR_CRYPTO;
    size_t len = argon2_encodedlen(cost->t_cost, cost->m_cost_kib, cost->parallelism, sizeof salt,
                                   32, Argon2_id);
    char *enc = arena_alloc(a, len);
    if (!enc)
        return GH_ERR_NOMEM;
    int rc = argon2id_hash_encoded(cost->t_cost, cost->m_cost_kib, cost->parallelism, password,
                                   strlen(password), salt, sizeof salt, 32, enc, len);
    if (rc != ARGON2_OK)
        return GH_ERR_CRYPTO;
    *out = enc;
    return GH_OK;
}

bool secret_password_verify(const char *encoded, const char *password)
{
    if (!encoded || !password || strncmp(encoded, "$argon2id$", 10) != 0)
        return false;
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

void secret_wipe(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}

#define CLIENT_DIGEST_PREFIX "hmac-sha256$"

char *secret_client_digest(arena_t *a, const char *secret)
{
    unsigned char salt[16];
    char salt_hex[33], mac[SECRET_DIGEST_HEX_LEN + 1];
    if (secret_random(salt, sizeof salt) != GH_OK)
        return NULL;
    hex_encode(salt, sizeof salt, salt_hex);
    secret_hmac_hex(salt_hex, 32, secret, strlen(secret), mac);
    return arena_printf(a, CLIENT_DIGEST_PREFIX "%s$%s", salt_hex, mac);
}

bool secret_client_check(const char *stored, const char *secret)
{
    size_t prefix = strlen(CLIENT_DIGEST_PREFIX);
    if (!stored || !secret || strncmp(stored, CLIENT_DIGEST_PREFIX, prefix) != 0)
        return false;
    const char *salt = stored + prefix;
    const char *sep = strchr(salt, '$');
    if (!sep || sep - salt != 32)
        return false;
    char mac[SECRET_DIGEST_HEX_LEN + 1];
    secret_hmac_hex(salt, 32, secret, strlen(secret), mac);
    return secret_equal_str(sep + 1, mac);
}
