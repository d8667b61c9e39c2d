/* What a store remembers between requests (store_cache_start): the whole
 * denylist, and the members and clients that resource requests read, each
 * kept as the column values its reader read (a "tape"), so that reading it
 * again gives what the database would have given.
 *
 * This file knows no engine: the engine that keeps the memory exact
 * (pg_listen.c) feeds it the denylist, drops the rows that other writers
 * changed, and says until when the memory may be trusted (its lease). A
 * store without a cache, or whose cache is not trusted at the moment, reads
 * the database as before. docs/scaling.md says why this is exact. */
#ifndef GH_STORE_CACHE_H
#define GH_STORE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store_int.h"

typedef struct store_cache store_cache_t;

/* The rows kept: members by sub, clients by id. */
typedef enum { CACHE_MEMBERS, CACHE_CLIENTS, CACHE_KINDS } cache_kind_t;

store_cache_t *cache_new(void);
void cache_free(store_cache_t *c);

/* Whether c (NULL: none) may answer now: its lease runs and its denylist is
 * whole. */
bool cache_trusted(store_cache_t *c);

/* The clock leases are measured on, in microseconds: CLOCK_BOOTTIME, which
 * goes on while the machine is suspended (CLOCK_MONOTONIC stops, and a
 * lease would outlive the database's count of it). */
uint64_t cache_clock_us(void);

/* Trust c until until_us on cache_clock_us; 0: from now on, not at all. */
void cache_trust_until(store_cache_t *c, uint64_t until_us);

/* Forgets every row and the denylist (a new lease starts from nothing),
 * and trusts nothing until cache_trust_until. */
void cache_clear(store_cache_t *c);

/* Forgets every row (read before the changes began to be heard). */
void cache_clear_rows(store_cache_t *c);

/* The count of changes c has seen: a reader takes it before it reads the
 * database and hands it to cache_tape_keep, so that a row read before a
 * change and kept after it is not kept. */
uint64_t cache_generation(store_cache_t *c);

/* A change some writer made: a row dropped, or a key denied until
 * expires_at (Unix seconds). Each counts as a change. */
void cache_drop(store_cache_t *c, cache_kind_t kind, const char *key);
void cache_deny(store_cache_t *c, const char *key, int64_t expires_at);

/* Whether key is on the denylist at now. */
bool cache_denied(store_cache_t *c, const char *key, int64_t now);

/* Whether an access token (jti) or its grant (family, NULL when none) is
 * on the denylist at now. */
bool cache_token_denied(store_cache_t *c, const char *jti, const char *family, int64_t now);

/* Forgets denylist entries expired at now. */
void cache_sweep(store_cache_t *c, int64_t now);

/* Reads the row kept under (kind, key) with read into *row: true when it
 * was there and read. */
bool cache_row_get(store_cache_t *c, cache_kind_t kind, const char *key, store_read_fn read,
                   arena_t *a, void *row);

/* A recording of the columns a reader reads. */
typedef struct {
    store_row_t row;    /* first: what the reader is given */
    store_row_t *inner; /* the engine's row it reads through */
    unsigned char *bytes;
    size_t len, cap;
    bool failed; /* out of memory: nothing is kept */
} cache_tape_t;

/* The row a reader should read: a tape over r when c is not NULL, else r. */
store_row_t *cache_tape_start(cache_tape_t *t, store_row_t *r, store_cache_t *c);

/* Keeps what t recorded under (kind, key) when keep is true and nothing
 * changed since generation; releases t either way. No effect when c is
 * NULL. */
void cache_tape_keep(store_cache_t *c, cache_kind_t kind, const char *key, uint64_t generation,
                     cache_tape_t *t, bool keep);

#endif
