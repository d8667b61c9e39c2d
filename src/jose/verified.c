/* Each thread's memory of the tokens whose signature it has already checked.
 *
 * A resource server presents the same access token again and again for as
 * long as it lives (at userinfo, at introspection), and the signature check
 * is most of what answering it costs. Whether a token's signature is good
 * depends only on the token's bytes and on the keyset that checks it, so
 * the answer can be remembered: a slot holds the SHA-256 digest of a whole
 * token (header, payload and signature) and the id of the keyset that
 * accepted it.
 *
 * - Only accepted signatures are remembered, so a forged token always costs
 *   its own check and cannot push good ones out except by its own slot.
 * - A keyset's id is never reused (keyset.c); a reloaded keyset, with a key
 *   added or retired, starts with nothing remembered.
 * - Nothing else is remembered: the caller checks exp, revocation and the
 *   subject on every request as before.
 * - Each thread has its own table, allocated on its first check, so threads
 *   share nothing and take no lock. The table is direct-mapped: a token
 *   whose slot another took is simply checked again.
 *
 * The digests are of tokens already presented in full; nothing in the
 * table gives back a token. */
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "jose/jose_int.h"

/* Slots per thread: 40 bytes each, 40 KiB for a thread that checks tokens. */
#define SLOTS 1024

typedef struct {
    uint64_t keyset; /* 0: empty */
    unsigned char digest[SHA256_DIGEST_LENGTH];
} slot_t;

static _Thread_local slot_t *table;
static pthread_key_t table_key;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void make_key(void)
{
    (void)pthread_key_create(&table_key, free); /* frees a thread's table as it exits */
}

/* This thread's table, allocated on first use; NULL when out of memory (then
 * nothing is remembered). */
static slot_t *thread_table(void)
{
    if (!table && (table = calloc(SLOTS, sizeof *table))) {
        pthread_once(&table_once, make_key);
        (void)pthread_setspecific(table_key, table);
    }
    return table;
}

void jose_verified_digest(const char *token, size_t n, unsigned char out[JOSE_DIGEST_LEN])
{
    SHA256((const unsigned char *)token, n, out);
}

static slot_t *slot_of(slot_t *t, const unsigned char digest[JOSE_DIGEST_LEN])
{
    return &t[(digest[0] | (unsigned)digest[1] << 8) % SLOTS];
}

bool jose_verified_seen(uint64_t keyset, const unsigned char digest[JOSE_DIGEST_LEN])
{
    slot_t *s = table ? slot_of(table, digest) : NULL;
    bool seen = s && s->keyset == keyset && CRYPTO_memcmp(s->digest, digest, JOSE_DIGEST_LEN) == 0;
    metrics_add(seen ? METRIC_SIGNATURES_REMEMBERED : METRIC_SIGNATURES_COMPUTED, 1);
    return seen;
}

void jose_verified_remember(uint64_t keyset, const unsigned char digest[JOSE_DIGEST_LEN])
{
    slot_t *t = thread_table();
    if (!t)
        return;
    slot_t *s = slot_of(t, digest);
    s->keyset = keyset;
    memcpy(s->digest, digest, JOSE_DIGEST_LEN);
}
