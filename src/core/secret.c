/* Random tokens, SHA-256/HMAC digests, constant-time comparison, AES-256-GCM
 * sealing (OpenSSL) and argon2id password hashing (libargon2, the reference
 * implementation). */
#include "core/secret.h"

#include <argon2.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <unistd.h>

#include "core/encoding.h"

const secret_argon2_cost_t SECRET_ARGON2_DEFAULT = {
    .t_cost = 2, .m_cost_kib = 19456, .parallelism = 1};

const char SECRET_ARGON2_DUMMY[] = "$argon2id$v=19$m=19456,t=2,p=1$u46+DdNHuuEz282zJytcag$"
                                   "ZpboTf1uBJTpF38YvWiaei7AnetA8uqrRo/Yp9Eq3QM";

void secret_skip_error_texts(void)
{
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
}

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

void secret_sha512(const void *s, size_t n, unsigned char out[64])
{
    unsigned int len = 64;
    EVP_Digest(s, n, out, &len, EVP_sha512(), NULL);
}

void secret_sha256_hex(const char *s, size_t n, char *out)
{
    unsigned char d[32];
    secret_sha256(s, n, d);
    hex_encode(d, sizeof d, out);
}

/* HMAC with SHA-256 set, made once: OpenSSL's one-shot HMAC() fetches the
 * MAC and the digest by name on every call. It is only read afterwards (each
 * call keys a copy of its own), so threads share it safely. */
static EVP_MAC_CTX *hmac_ready;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void prepare_hmac(void)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac); /* the context holds its own reference */
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, OSSL_DIGEST_NAME_SHA2_256, 0),
        OSSL_PARAM_construct_end()};
    if (ctx && EVP_MAC_CTX_set_params(ctx, params) == 1)
        hmac_ready = ctx;
    else
        EVP_MAC_CTX_free(ctx);
}

/* HMAC-SHA256 on a copy of the prepared context, keyed without parameters
 * (so the digest is not fetched again); false when OpenSSL failed. */
static bool hmac_prepared(const void *key, size_t key_len, const char *s, size_t n,
                          unsigned char d[32])
{
    pthread_once(&hmac_once, prepare_hmac);
    EVP_MAC_CTX *ctx = hmac_ready ? EVP_MAC_CTX_dup(hmac_ready) : NULL;
    size_t len = 0;
    bool ok = ctx && EVP_MAC_init(ctx, key, key_len, NULL) == 1 &&
              EVP_MAC_update(ctx, (const unsigned char *)s, n) == 1 &&
              EVP_MAC_final(ctx, d, &len, 32) == 1 && len == 32;
    EVP_MAC_CTX_free(ctx); /* wipes the keyed state */
    return ok;
}

void secret_hmac_hex(const void *key, size_t key_len, const char *s, size_t n, char *out)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!hmac_prepared(key, key_len, s, n, d)) /* then as OpenSSL does it alone */
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

/* At most one argon2id computation per core at once. Each holds a core
 * for tens of milliseconds and its m_cost of memory: more of them at once
 * (PostgreSQL runs four workers per core) only share the cores and their
 * caches, each taking longer, and raise the peak memory. The others wait
 * their turn. */
static pthread_once_t argon2_once = PTHREAD_ONCE_INIT;
static sem_t argon2_turns;

static void argon2_turns_init(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    sem_init(&argon2_turns, 0, cores > 0 ? (unsigned)cores : 1);
}

static void argon2_turn_take(void)
{
    pthread_once(&argon2_once, argon2_turns_init);
    while (sem_wait(&argon2_turns) != 0 && errno == EINTR)
        ;
}

static void argon2_turn_give(void)
{
    sem_post(&argon2_turns);
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
    argon2_turn_take();
    int rc = argon2id_hash_encoded(cost->t_cost, cost->m_cost_kib, cost->parallelism, password,
                                   strlen(password), salt, sizeof salt, 32, enc, len);
    argon2_turn_give();
    if (rc != ARGON2_OK)
        return GH_ERR_CRYPTO;
    *out = enc;
    return GH_OK;
}

bool secret_password_verify(const char *encoded, const char *password)
{
    if (!encoded || !password || strncmp(encoded, "$argon2id$", 10) != 0)
        return false;
    argon2_turn_take();
    bool right = argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
    argon2_turn_give();
    return right;
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

/* ---- sealing ---- */

#define SEAL_PREFIX "v1."
#define SEAL_NONCE 12
#define SEAL_TAG 16

/* One AES-256-GCM pass: encrypts (enc) or decrypts in[0..n) into out, with
 * the tag written (enc) or checked. */
static gh_status_t gcm(bool enc, const unsigned char *key, const unsigned char *nonce,
                       const char *aad, const unsigned char *in, size_t n, unsigned char *out,
                       unsigned char *tag)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, fin = 0;
    int ok = ctx && EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce, enc) == 1 &&
             EVP_CipherUpdate(ctx, NULL, &len, (const unsigned char *)aad, (int)strlen(aad)) == 1 &&
             EVP_CipherUpdate(ctx, out, &len, in, (int)n) == 1 &&
             (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG, tag) == 1) &&
             EVP_CipherFinal_ex(ctx, out + len, &fin) == 1 &&
             (!enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG, tag) == 1);
    EVP_CIPHER_CTX_free(ctx);
    return ok ? GH_OK : GH_ERR_CRYPTO;
}

gh_status_t secret_seal(arena_t *a, const unsigned char key[SECRET_SEAL_KEY_BYTES], const char *aad,
                        const void *plain, size_t n, char **out)
{
    if (n > SECRET_SEAL_MAX)
        return GH_ERR_TOO_LARGE;
    size_t total = SEAL_NONCE + n + SEAL_TAG;
    unsigned char *raw = arena_alloc(a, total);
    if (!raw)
        return GH_ERR_NOMEM;
    gh_status_t st = secret_random(raw, SEAL_NONCE);
    if (st == GH_OK)
        st = gcm(true, key, raw, aad, plain, n, raw + SEAL_NONCE, raw + SEAL_NONCE + n);
    char *enc = st == GH_OK ? b64url_encode(a, raw, total) : NULL;
    char *text = enc ? arena_printf(a, SEAL_PREFIX "%s", enc) : NULL;
    if (st == GH_OK && !text)
        st = GH_ERR_NOMEM;
    if (st == GH_OK)
        *out = text;
    return st;
}

gh_status_t secret_open(arena_t *a, const unsigned char key[SECRET_SEAL_KEY_BYTES], const char *aad,
                        const char *sealed, char **out, size_t *out_len)
{
    size_t plen = strlen(SEAL_PREFIX), n = sealed ? strlen(sealed) : 0, len = 0;
    size_t cap = SEAL_NONCE + SECRET_SEAL_MAX + SEAL_TAG;
    if (n <= plen || strncmp(sealed, SEAL_PREFIX, plen) != 0 || n - plen > cap / 3 * 4 + 4)
        return GH_ERR_INVALID;
    unsigned char *raw = arena_alloc(a, cap);
    if (!raw)
        return GH_ERR_NOMEM;
    if (b64url_decode(sealed + plen, n - plen, raw, cap, &len) != GH_OK ||
        len < SEAL_NONCE + SEAL_TAG)
        return GH_ERR_INVALID;
    size_t clen = len - SEAL_NONCE - SEAL_TAG;
    char *plain = arena_alloc(a, clen + 1);
    if (!plain)
        return GH_ERR_NOMEM;
    gh_status_t st = gcm(false, key, raw, aad, raw + SEAL_NONCE, clen, (unsigned char *)plain,
                         raw + SEAL_NONCE + clen);
    if (st != GH_OK)
        return st;
    *out = plain;
    *out_len = clen;
    return GH_OK;
}
