/* The attempts store (attempts.h): failure counters and rate limits, one
 * atomic upsert per event on either engine (the SET expressions all see the
 * old row, and a concurrent event on the same key waits for its row lock). */
#include "store/db.h"

#define ATTEMPTS_COLS "failures, window_start, last_failure, last_success"

static store_sql_t SQL_GET = STORE_SQL("SELECT " ATTEMPTS_COLS " FROM attempts WHERE key = ?");
/* ?1 key, ?2 now, ?3 window */
static store_sql_t SQL_FAIL = STORE_SQL(
    "INSERT INTO attempts (key, " ATTEMPTS_COLS ") VALUES (?1, 1, ?2, ?2, 0) "
    "ON CONFLICT (key) DO UPDATE SET "
    "failures = CASE WHEN attempts.window_start > ?2 - ?3 THEN attempts.failures + 1 ELSE 1 END, "
    "window_start = CASE WHEN attempts.window_start > ?2 - ?3 THEN attempts.window_start "
    "ELSE ?2 END, last_failure = ?2 RETURNING " ATTEMPTS_COLS);
static store_sql_t SQL_SUCCEED =
    STORE_SQL("INSERT INTO attempts (key, " ATTEMPTS_COLS ") VALUES (?, 0, 0, 0, ?) "
              "ON CONFLICT (key) DO UPDATE SET failures = 0, window_start = 0, "
              "last_success = excluded.last_success");
static store_sql_t SQL_FORGIVE =
    STORE_SQL("UPDATE attempts SET failures = failures - 1 WHERE key = ? AND failures > 0");

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

gh_status_t store_attempts_get(store_t *s, const char *key, store_attempts_t *out)
{
    return db_get(s, &SQL_GET, "attempts_get", read_attempts, NULL, out, "s", key);
}

gh_status_t store_attempts_fail(store_t *s, const char *key, int64_t now, int64_t window,
                                store_attempts_t *out)
{
    store_purge(s, now);
    return db_get(s, &SQL_FAIL, "attempts_fail", read_attempts, NULL, out, "sii", key, now, window);
}

gh_status_t store_attempts_succeed(store_t *s, const char *key, int64_t now)
{
    return db_exec(s, &SQL_SUCCEED, "attempts_succeed", "si", key, now);
}

gh_status_t store_attempts_forgive(store_t *s, const char *key)
{
    return db_exec(s, &SQL_FORGIVE, "attempts_forgive", "s", key);
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
