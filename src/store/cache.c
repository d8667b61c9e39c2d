/* The store's memory (cache.h): three string-keyed tables (the denylist,
 * members, clients) under one mutex, a count of changes, and a lease.
 *
 * Bounds: a table of rows that reaches ROWS_MAX entries is emptied (the
 * rows read most come back at once); a denylist that would pass DENIED_MAX
 * entries makes the memory untrusted until the next lease starts from
 * nothing, so a revocation is never forgotten to make room. */
#include "store/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/metrics.h"

#define ROWS_MAX 8192
#define DENIED_MAX (1u << 20)
#define BUCKETS_MIN 1024

/* Tape bytes: a tag, then the value. */
enum { TAPE_NULL = 'N', TAPE_TEXT = 'T', TAPE_INT = 'I' };

typedef struct entry {
    struct entry *next;
    uint64_t hash;
    int64_t expires_at; /* the denylist's */
    unsigned char *tape;
    size_t tape_len;
    char key[]; /* NUL-terminated */
} entry_t;

typedef struct {
    entry_t **buckets;
    size_t bucket_count, count;
} table_t;

struct store_cache {
    pthread_mutex_t lock;
    table_t rows[CACHE_KINDS];
    table_t denied;
    bool overflow; /* the denylist outgrew DENIED_MAX: not trusted until cleared */
    _Atomic uint64_t generation;
    _Atomic uint64_t trusted_until; /* cache_clock_us; 0: not trusted */
};

/* FNV-1a: the keys are our own (subs, client ids, token ids from signed tokens) */
static uint64_t hash_of(const char *key)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * UINT64_C(1099511628211);
    return h;
}

static void table_empty(table_t *t)
{
    for (size_t i = 0; i < t->bucket_count; i++)
        for (entry_t *e = t->buckets[i], *next; e; e = next) {
            next = e->next;
            free(e->tape);
            free(e);
        }
    free(t->buckets);
    *t = (table_t){0};
}

static entry_t **table_slot(table_t *t, const char *key, uint64_t h)
{
    if (!t->bucket_count)
        return NULL;
    entry_t **p = &t->buckets[h & (t->bucket_count - 1)];
    while (*p && !((*p)->hash == h && !strcmp((*p)->key, key)))
        p = &(*p)->next;
    return p;
}

static entry_t *table_find(table_t *t, const char *key)
{
    entry_t **p = table_slot(t, key, hash_of(key));
    return p ? *p : NULL;
}

static void table_remove(table_t *t, const char *key)
{
    entry_t **p = table_slot(t, key, hash_of(key));
    if (!p || !*p)
        return;
    entry_t *e = *p;
    *p = e->next;
    t->count--;
    free(e->tape);
    free(e);
}

/* Doubles the buckets when the table is as full as it has buckets. */
static bool table_grow(table_t *t)
{
    if (t->count < t->bucket_count)
        return true;
    size_t n = t->bucket_count ? t->bucket_count * 2 : BUCKETS_MIN;
    entry_t **b = calloc(n, sizeof *b);
    if (!b)
        return false;
    for (size_t i = 0; i < t->bucket_count; i++)
        for (entry_t *e = t->buckets[i], *next; e; e = next) {
            next = e->next;
            e->next = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    free(t->buckets);
    t->buckets = b;
    t->bucket_count = n;
    return true;
}

/* The entry under key, made when missing (its tape NULL); NULL when out of
 * memory. */
static entry_t *table_put(table_t *t, const char *key)
{
    entry_t *e = table_find(t, key);
    if (e)
        return e;
    size_t len = strlen(key);
    if (!table_grow(t) || !(e = calloc(1, sizeof *e + len + 1)))
        return NULL;
    memcpy(e->key, key, len + 1);
    e->hash = hash_of(key);
    entry_t **head = &t->buckets[e->hash & (t->bucket_count - 1)];
    e->next = *head;
    *head = e;
    t->count++;
    return e;
}

store_cache_t *cache_new(void)
{
    store_cache_t *c = calloc(1, sizeof *c);
    if (c && pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        c = NULL;
    }
    return c;
}

void cache_free(store_cache_t *c)
{
    if (!c)
        return;
    cache_clear(c);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

uint64_t cache_clock_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_BOOTTIME, &t);
    return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

bool cache_trusted(store_cache_t *c)
{
    if (!c)
        return false;
    uint64_t until = atomic_load_explicit(&c->trusted_until, memory_order_acquire);
    return until && cache_clock_us() < until;
}

void cache_trust_until(store_cache_t *c, uint64_t until_us)
{
    pthread_mutex_lock(&c->lock);
    atomic_store_explicit(&c->trusted_until, c->overflow ? 0 : until_us, memory_order_release);
    pthread_mutex_unlock(&c->lock);
}

void cache_clear(store_cache_t *c)
{
    pthread_mutex_lock(&c->lock);
    atomic_store(&c->trusted_until, 0);
    for (int k = 0; k < CACHE_KINDS; k++)
        table_empty(&c->rows[k]);
    table_empty(&c->denied);
    c->overflow = false;
    atomic_fetch_add(&c->generation, 1);
    pthread_mutex_unlock(&c->lock);
}

void cache_clear_rows(store_cache_t *c)
{
    pthread_mutex_lock(&c->lock);
    for (int k = 0; k < CACHE_KINDS; k++)
        table_empty(&c->rows[k]);
    atomic_fetch_add(&c->generation, 1);
    pthread_mutex_unlock(&c->lock);
}

uint64_t cache_generation(store_cache_t *c)
{
    return c ? atomic_load_explicit(&c->generation, memory_order_acquire) : 0;
}

void cache_drop(store_cache_t *c, cache_kind_t kind, const char *key)
{
    pthread_mutex_lock(&c->lock);
    atomic_fetch_add(&c->generation, 1);
    table_remove(&c->rows[kind], key);
    pthread_mutex_unlock(&c->lock);
}

void cache_deny(store_cache_t *c, const char *key, int64_t expires_at)
{
    pthread_mutex_lock(&c->lock);
    atomic_fetch_add(&c->generation, 1);
    entry_t *e = table_find(&c->denied, key);
    if (!e && c->denied.count < DENIED_MAX)
        e = table_put(&c->denied, key);
    if (e && e->expires_at < expires_at)
        e->expires_at = expires_at;
    if (!e && !c->overflow) {
        c->overflow = true;
        atomic_store(&c->trusted_until, 0);
        log_event(LOG_WARN, "store", "op", "cache", "error",
                  "the denylist outgrew the memory kept for it: reading the database instead",
                  NULL);
    }
    pthread_mutex_unlock(&c->lock);
}

bool cache_denied(store_cache_t *c, const char *key, int64_t now)
{
    if (!key)
        return false;
    pthread_mutex_lock(&c->lock);
    entry_t *e = table_find(&c->denied, key);
    bool denied = e && e->expires_at > now;
    pthread_mutex_unlock(&c->lock);
    return denied;
}

bool cache_token_denied(store_cache_t *c, const char *jti, const char *family, int64_t now)
{
    return cache_denied(c, jti, now) || (family && cache_denied(c, family, now));
}

void cache_sweep(store_cache_t *c, int64_t now)
{
    pthread_mutex_lock(&c->lock);
    table_t *t = &c->denied;
    for (size_t i = 0; i < t->bucket_count; i++)
        for (entry_t **p = &t->buckets[i]; *p;) {
            entry_t *e = *p;
            if (e->expires_at > now) {
                p = &e->next;
                continue;
            }
            *p = e->next;
            t->count--;
            free(e);
        }
    pthread_mutex_unlock(&c->lock);
}

/* ---- tapes ---- */

static bool tape_add(cache_tape_t *t, const void *bytes, size_t n)
{
    if (t->failed)
        return false;
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 512;
        while (cap < t->len + n)
            cap *= 2;
        unsigned char *bigger = realloc(t->bytes, cap);
        if (!bigger) {
            t->failed = true;
            return false;
        }
        t->bytes = bigger;
        t->cap = cap;
    }
    memcpy(t->bytes + t->len, bytes, n);
    t->len += n;
    return true;
}

static char *record_text(store_row_t *r, arena_t *a)
{
    cache_tape_t *t = (cache_tape_t *)r;
    r->col++;
    char *v = t->inner->ops->text(t->inner, a);
    r->oom = t->inner->oom;
    unsigned char tag = v ? TAPE_TEXT : TAPE_NULL;
    uint32_t len = v ? (uint32_t)strlen(v) : 0;
    if (tape_add(t, &tag, 1) && v && tape_add(t, &len, sizeof len))
        tape_add(t, v, len);
    return v;
}

static int64_t record_int(store_row_t *r)
{
    cache_tape_t *t = (cache_tape_t *)r;
    r->col++;
    int64_t v = t->inner->ops->integer(t->inner);
    unsigned char tag = TAPE_INT;
    if (tape_add(t, &tag, 1))
        tape_add(t, &v, sizeof v);
    return v;
}

static const store_row_ops_t RECORD_OPS = {.text = record_text, .integer = record_int};

store_row_t *cache_tape_start(cache_tape_t *t, store_row_t *r, store_cache_t *c)
{
    *t = (cache_tape_t){.row = {.ops = &RECORD_OPS}, .inner = r};
    return c ? &t->row : r;
}

void cache_tape_keep(store_cache_t *c, cache_kind_t kind, const char *key, uint64_t generation,
                     cache_tape_t *t, bool keep)
{
    if (c && keep && key && !t->failed && !t->row.oom) {
        pthread_mutex_lock(&c->lock);
        table_t *rows = &c->rows[kind];
        if (atomic_load(&c->generation) == generation) {
            if (rows->count >= ROWS_MAX)
                table_empty(rows);
            entry_t *e = table_put(rows, key);
            if (e) {
                free(e->tape);
                e->tape = t->bytes;
                e->tape_len = t->len;
                t->bytes = NULL;
            }
        }
        pthread_mutex_unlock(&c->lock);
    }
    free(t->bytes);
    t->bytes = NULL;
}

/* A tape read back: the columns in the order they were recorded. */
typedef struct {
    store_row_t row; /* first */
    const unsigned char *p, *end;
    bool bad; /* read as another type than recorded: a reader's bug */
} replay_t;

static bool replay_tag(replay_t *t, unsigned char want, unsigned char *got)
{
    if (t->p >= t->end) {
        t->bad = true;
        return false;
    }
    *got = *t->p++;
    if (*got == want || (want == TAPE_TEXT && *got == TAPE_NULL))
        return true;
    t->bad = true;
    return false;
}

static char *replay_text(store_row_t *r, arena_t *a)
{
    replay_t *t = (replay_t *)r;
    unsigned char tag;
    uint32_t len;
    r->col++;
    if (!replay_tag(t, TAPE_TEXT, &tag) || tag == TAPE_NULL)
        return NULL;
    memcpy(&len, t->p, sizeof len);
    char *v = arena_strndup(a, (const char *)t->p + sizeof len, len);
    t->p += sizeof len + len;
    if (!v)
        r->oom = true;
    return v;
}

static int64_t replay_int(store_row_t *r)
{
    replay_t *t = (replay_t *)r;
    unsigned char tag;
    int64_t v = 0;
    r->col++;
    if (replay_tag(t, TAPE_INT, &tag)) {
        memcpy(&v, t->p, sizeof v);
        t->p += sizeof v;
    }
    return v;
}

static const store_row_ops_t REPLAY_OPS = {.text = replay_text, .integer = replay_int};

bool cache_row_get(store_cache_t *c, cache_kind_t kind, const char *key, store_read_fn read,
                   arena_t *a, void *row)
{
    if (!key)
        return false;
    pthread_mutex_lock(&c->lock);
    entry_t *e = table_find(&c->rows[kind], key);
    gh_status_t st = GH_ERR_NOT_FOUND;
    if (e) {
        replay_t t = {.row = {.ops = &REPLAY_OPS}, .p = e->tape, .end = e->tape + e->tape_len};
        st = read(&t.row, a, row);
        if (st == GH_OK && t.bad)
            st = GH_ERR_INTERNAL;
    }
    pthread_mutex_unlock(&c->lock);
    metrics_add(st == GH_OK ? METRIC_DB_CACHE_HITS : METRIC_DB_CACHE_MISSES, 1);
    return st == GH_OK;
}
