/* The attempts store (attempts.c): failure counters and rate limits for
 * throttling (oauth/throttle.c, the gateway's login rate). */
#ifndef GH_STORE_ATTEMPTS_H
#define GH_STORE_ATTEMPTS_H

#include "store/store.h"

/* ---- attempts: failure counters for throttling (oauth/throttle.c) ---- */

/* One counter. key is chosen by the caller: a prefix naming its purpose
 * (sign-in, user codes), then an opaque digest of what it counts; times are
 * unix seconds, 0 meaning never. */
typedef struct {
    int64_t failures;     /* failures counted in the current window */
    int64_t window_start; /* time of the window's first failure */
    int64_t last_failure;
    int64_t last_success;
} store_attempts_t;

/* The most counters one call reads or writes at once (a sign-in's three). */
#define STORE_ATTEMPTS_MAX 3

/* The counters of keys[0..n) (n <= STORE_ATTEMPTS_MAX) into out[i], in one
 * read: zeros for a key never counted or NULL. */
gh_status_t store_attempts_get_many(store_t *s, const char *const *keys, size_t n,
                                    store_attempts_t *out);
/* The counter of key; NOT_FOUND when nothing was ever counted under it. */
gh_status_t store_attempts_get(store_t *s, const char *key, store_attempts_t *out);
/* Counts one failure at now under each key of keys[0..n) that is not NULL,
 * in one statement (one commit): the current window's count plus one when
 * its first failure at window_start is younger than window seconds, else a
 * new window with one failure. out[i] gets counter i as it now is (zeros
 * for a NULL key). Counters idle for 30 days are deleted. */
gh_status_t store_attempts_fail_many(store_t *s, const char *const *keys, size_t n, int64_t now,
                                     int64_t window, store_attempts_t *out);
/* store_attempts_fail_many for one key. */
gh_status_t store_attempts_fail(store_t *s, const char *key, int64_t now, int64_t window,
                                store_attempts_t *out);
/* Clears the failures of each key that is not NULL and records a success
 * at now, in one statement. Its commit need not reach the disk before the
 * caller goes on (PostgreSQL: docs/durability.md): losing it in a crash
 * leaves counters stricter, never looser. */
gh_status_t store_attempts_succeed_many(store_t *s, const char *const *keys, size_t n, int64_t now);
/* store_attempts_succeed_many for one key. */
gh_status_t store_attempts_succeed(store_t *s, const char *key, int64_t now);
/* A rate limit (no engine of its own: store_attempts_fail's atomic upsert):
 * counts one event under key at now, in windows of window seconds from a
 * window's first event. *retry_after gets 0 when the event is among the
 * first limit of its window, else the seconds left of the window (at least
 * 1). limit <= 0 is no limit: nothing is counted. */
gh_status_t store_rate_count(store_t *s, const char *key, int64_t now, int64_t window, long limit,
                             int64_t *retry_after);
/* Takes one failure off each key that is not NULL (a guess counted before
 * it was checked that turned out right, or was refused); never below zero.
 * Unflushed as store_attempts_succeed_many: a lost forgiveness is stricter. */
gh_status_t store_attempts_forgive_many(store_t *s, const char *const *keys, size_t n);

#endif
