/* The attempts store (attempts.h): failure counters and rate limits, one
 * atomic upsert per event on either engine (the SET expressions all see the
 * old row, and a concurrent event on the same key waits for its row lock).
 * A sign-in's three counters are read in one statement and counted in one,
 * each row still counted atomically: on PostgreSQL that is one round trip
 * and one flushed commit instead of three. */
#include <string.h>

#include "store/db.h"

#define ATTEMPTS_COLS "failures, window_start, last_failure, last_success"
/* The keys ?1-?3 as rows, the NULL ones left out, in the order of the keys:
 * every statement that writes several counters locks their rows in that
 * one order, so two of them never wait for each other's locks (a
 * deadlock). An UPDATE would lock in whatever order its plan reads. */
#define KEYS                                                                                       \
    "(SELECT ?1 AS k UNION ALL SELECT ?2 UNION ALL SELECT ?3) AS v WHERE k IS NOT NULL ORDER BY k"

static store_sql_t SQL_GET =
    STORE_SQL("SELECT key, " ATTEMPTS_COLS " FROM attempts WHERE key IN (?1, ?2, ?3)");
/* ?1-?3 keys, ?4 now, ?5 window. SQLite needs the SELECT's WHERE (in KEYS)
 * to read ON CONFLICT as the upsert's. */
static store_sql_t SQL_FAIL = STORE_SQL(
    "INSERT INTO attempts (key, " ATTEMPTS_COLS ") SELECT k, 1, ?4, ?4, 0 FROM " KEYS
    " ON CONFLICT (key) DO UPDATE SET "
    "failures = CASE WHEN attempts.window_start > ?4 - ?5 THEN attempts.failures + 1 ELSE 1 END, "
    "window_start = CASE WHEN attempts.window_start > ?4 - ?5 THEN attempts.window_start "
    "ELSE ?4 END, last_failure = ?4 RETURNING key, " ATTEMPTS_COLS);
/* ?1-?3 keys, ?4 now; unflushed on PostgreSQL (STORE_PG_UNFLUSHED) */
#define SUCCEED(with, join)                                                                        \
    with "INSERT INTO attempts (key, " ATTEMPTS_COLS ") SELECT k, 0, 0, 0, ?4 FROM " join KEYS     \
         " ON CONFLICT (key) DO UPDATE SET failures = 0, window_start = 0, "                       \
         "last_success = excluded.last_success"
static store_sql_t SQL_SUCCEED =
    STORE_SQL2(SUCCEED("", ""), SUCCEED("WITH " STORE_PG_UNFLUSHED " ", "relaxed, "));
/* ?1-?3 keys: an upsert too, for the order of its locks (a key not counted
 * before gets an empty counter) */
#define FORGIVE(with, join)                                                                        \
    with "INSERT INTO attempts (key, " ATTEMPTS_COLS ") SELECT k, 0, 0, 0, 0 FROM " join KEYS      \
         " ON CONFLICT (key) DO UPDATE SET failures = "                                            \
         "CASE WHEN attempts.failures > 0 THEN attempts.failures - 1 ELSE 0 END"
static store_sql_t SQL_FORGIVE =
    STORE_SQL2(FORGIVE("", ""), FORGIVE("WITH " STORE_PG_UNFLUSHED " ", "relaxed, "));

/* store_attempts_t: the columns of ATTEMPTS_COLS */
static gh_status_t read_attempts(store_row_t *r, arena_t *a, void *row)
{
    store_attempts_t l = {0};
    l.failures = store_row_int(r);
    l.window_start = store_row_int(r);
    l.last_failure = store_row_int(r);
    l.last_success = store_row_int(r);
    return store_row_done(r, &l, sizeof l, row);
}

/* One row of a many-key statement: its key, then its counter. */
typedef struct {
    char *key;
    store_attempts_t counter;
} keyed_t;

static gh_status_t read_keyed(store_row_t *r, arena_t *a, void *row)
{
    keyed_t *k = row;
    k->key = store_row_text(r, a);
    return read_attempts(r, a, &k->counter);
}

/* keys[0..n) as the statements' three parameters, NULL past n. */
static void keys_of(const char *const *keys, size_t n, const char *three[3])
{
    for (size_t i = 0; i < 3; i++)
        three[i] = i < n ? keys[i] : NULL;
}

/* Puts each of rows[0..count) into out at its key's place in keys[0..n),
 * zeros where none came back. */
static void keyed_spread(const keyed_t *rows, size_t count, const char *const *keys, size_t n,
                         store_attempts_t *out)
{
    memset(out, 0, n * sizeof *out);
    for (size_t r = 0; r < count; r++)
        for (size_t i = 0; i < n; i++)
            if (keys[i] && rows[r].key && !strcmp(keys[i], rows[r].key))
                out[i] = rows[r].counter;
}

#define KEYED_ARENA 4096 /* three keyed rows */

/* Reads (count false) or counts one failure at now in windows of window
 * seconds on (count true) the counters of keys[0..n), into out. */
static gh_status_t keyed_run(store_t *s, bool count, const char *const *keys, size_t n, int64_t now,
                             int64_t window, store_attempts_t *out)
{
    const char *k[3];
    keyed_t *rows = NULL;
    size_t got = 0;
    if (n > STORE_ATTEMPTS_MAX)
        return GH_ERR_INVALID;
    keys_of(keys, n, k);
    arena_t *a = arena_new(KEYED_ARENA);
    gh_status_t st = !a      ? GH_ERR_NOMEM
                     : count ? db_list(s, &SQL_FAIL, "attempts_fail", read_keyed, a, sizeof *rows,
                                       (void **)&rows, &got, "sssii", k[0], k[1], k[2], now, window)
                             : db_list(s, &SQL_GET, "attempts_get", read_keyed, a, sizeof *rows,
                                       (void **)&rows, &got, "sss", k[0], k[1], k[2]);
    if (st == GH_OK)
        keyed_spread(rows, got, keys, n, out);
    arena_free(a);
    return st;
}

gh_status_t store_attempts_get_many(store_t *s, const char *const *keys, size_t n,
                                    store_attempts_t *out)
{
    return keyed_run(s, false, keys, n, 0, 0, out);
}

gh_status_t store_attempts_get(store_t *s, const char *key, store_attempts_t *out)
{
    gh_status_t st = store_attempts_get_many(s, &key, 1, out);
    return st == GH_OK && !out->failures && !out->window_start && !out->last_failure &&
                   !out->last_success
               ? GH_ERR_NOT_FOUND
               : st;
}

gh_status_t store_attempts_fail_many(store_t *s, const char *const *keys, size_t n, int64_t now,
                                     int64_t window, store_attempts_t *out)
{
    store_purge(s, now);
    return keyed_run(s, true, keys, n, now, window, out);
}

gh_status_t store_attempts_fail(store_t *s, const char *key, int64_t now, int64_t window,
                                store_attempts_t *out)
{
    return store_attempts_fail_many(s, &key, 1, now, window, out);
}

gh_status_t store_attempts_succeed_many(store_t *s, const char *const *keys, size_t n, int64_t now)
{
    const char *three[3];
    if (n > STORE_ATTEMPTS_MAX)
        return GH_ERR_INVALID;
    keys_of(keys, n, three);
    return db_exec(s, &SQL_SUCCEED, "attempts_succeed", "sssi", three[0], three[1], three[2], now);
}

gh_status_t store_attempts_succeed(store_t *s, const char *key, int64_t now)
{
    return store_attempts_succeed_many(s, &key, 1, now);
}

gh_status_t store_attempts_forgive_many(store_t *s, const char *const *keys, size_t n)
{
    const char *three[3];
    if (n > STORE_ATTEMPTS_MAX)
        return GH_ERR_INVALID;
    keys_of(keys, n, three);
    return db_exec(s, &SQL_FORGIVE, "attempts_forgive", "sss", three[0], three[1], three[2]);
}

gh_status_t store_rate_count(store_t *s, const char *key, int64_t now, int64_t window, long limit,
                             int64_t *retry_after)
{
    store_attempts_t c;
    *retry_after = 0;
    if (limit <= 0)
        return GH_OK;
    gh_status_t st = store_attempts_fail(s, key, now, window, &c);
    if (st == GH_OK && c.failures > limit) {
        int64_t left = c.window_start + window - now;
        *retry_after = left > 0 ? left : 1;
    }
    return st;
}
