/* Secrets: random tokens, digests of high-entropy secrets, constant-time
 * comparison, and argon2id password hashes.
 *
 * Codes, refresh tokens, session ids and generated client secrets are 256-bit
 * random values, so a keyed SHA-256 digest (HMAC) is the right thing to store:
 * fast enough for every request, useless to whoever steals the database. */
#ifndef GH_CORE_SECRET_H
#define GH_CORE_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/status.h"

#define SECRET_TOKEN_BYTES 32    /* 256-bit tokens */
#define SECRET_DIGEST_HEX_LEN 64 /* hex of a SHA-256 digest */

/* Keeps OpenSSL from loading its tables of error texts (about 0.4 MiB
 * resident; docs/performance.md). Takes effect only when called before
 * anything in the process has used OpenSSL, and only a process that never
 * shows OpenSSL's error texts may call it: Gatehouse maps OpenSSL failures
 * to its own statuses, but libpq puts them in its TLS error messages, so
 * the server calls it only on SQLite. */
void secret_skip_error_texts(void);

/* n bytes from the OS CSPRNG (OpenSSL RAND_bytes). */
gh_status_t secret_random(void *out, size_t n);

/* A new random token of SECRET_TOKEN_BYTES bytes, base64url, in the arena. */
char *secret_token(arena_t *a);

/* nbytes random bytes (at most 64) as 2*nbytes lower-case hex characters;
 * 16 bytes make a user `sub` like seed 004 shows. */
char *secret_hex_id(arena_t *a, size_t nbytes);

/* Lower-case hex of SHA-256(s), into out[SECRET_DIGEST_HEX_LEN + 1]. */
void secret_sha256_hex(const char *s, size_t n, char *out);

/* Lower-case hex of HMAC-SHA256(key, s), into out[SECRET_DIGEST_HEX_LEN + 1]. */
void secret_hmac_hex(const void *key, size_t key_len, const char *s, size_t n, char *out);

/* Raw SHA-256 of s into out[32]. */
void secret_sha256(const void *s, size_t n, unsigned char out[32]);

/* Raw SHA-512 of s into out[64]. */
void secret_sha512(const void *s, size_t n, unsigned char out[64]);

/* A storable digest of a client secret: "hmac-sha256$<salt>$<mac>", a random
 * 128-bit salt and HMAC-SHA256(salt, secret), both hex. In the arena. */
char *secret_client_digest(arena_t *a, const char *secret);

/* True when secret matches a digest from secret_client_digest (constant time). */
bool secret_client_check(const char *stored, const char *secret);

/* Constant-time equality of two byte strings; different lengths are unequal
 * (the length itself is not secret). */
bool secret_equal(const void *a, size_t a_len, const void *b, size_t b_len);

/* Constant-time equality of two NUL-terminated strings (NULL equals nothing). */
bool secret_equal_str(const char *a, const char *b);

/* Cost parameters for argon2id (RFC 9106's second recommended option scaled down
 * for an interactive login: 19 MiB, t=2, p=1 is OWASP's minimum). */
typedef struct {
    unsigned t_cost, m_cost_kib, parallelism;
} secret_argon2_cost_t;

extern const secret_argon2_cost_t SECRET_ARGON2_DEFAULT;

/* An argon2id hash, at SECRET_ARGON2_DEFAULT's cost, of a random password
 * nobody knows: verified when a username is unknown, so that case costs the
 * same as a wrong password and timing does not tell which usernames exist. A
 * constant, so start-up does not pay for hashing it. */
extern const char SECRET_ARGON2_DUMMY[];

/* An argon2id PHC string ("$argon2id$v=19$m=...") for password, in the arena. */
gh_status_t secret_password_hash(arena_t *a, const char *password, const secret_argon2_cost_t *cost,
                                 char **out);

/* True when password matches the PHC string `encoded` (argon2id only). */
bool secret_password_verify(const char *encoded, const char *password);

/* Wipes n bytes so the compiler cannot drop it (OPENSSL_cleanse). */
void secret_wipe(void *p, size_t n);

/* ---- sealing: authenticated encryption of small secrets kept at rest ---- */

#define SECRET_SEAL_KEY_BYTES 32
#define SECRET_SEAL_MAX 16384 /* longest plaintext sealed or opened */

/* Encrypts plain[0..n) with AES-256-GCM under key, a fresh random 96-bit
 * nonce and the additional data aad (authenticated, not stored: the same aad
 * must be given to open it). *out is "v1." + base64url(nonce || ciphertext ||
 * tag), NUL-terminated, in the arena. GH_ERR_TOO_LARGE past SECRET_SEAL_MAX. */
gh_status_t secret_seal(arena_t *a, const unsigned char key[SECRET_SEAL_KEY_BYTES], const char *aad,
                        const void *plain, size_t n, char **out);

/* Decrypts what secret_seal made under the same key and aad into a
 * NUL-terminated arena string (*out_len bytes). GH_ERR_INVALID when
 * malformed, GH_ERR_CRYPTO when the key, aad or text do not match. */
gh_status_t secret_open(arena_t *a, const unsigned char key[SECRET_SEAL_KEY_BYTES], const char *aad,
                        const char *sealed, char **out, size_t *out_len);

#endif
