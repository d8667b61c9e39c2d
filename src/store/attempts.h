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

/* The counter of key; NOT_FOUND when nothing was ever counted under it. */
gh_status_t store_attempts_get(store_t *s, const char *key, store_attempts_t *out);
/* Atomically counts one failure at now: one more when the window that began
 * at window_start is younger than window seconds, else a new window with one
 * failure. *out gets the counter as it now is. Counters idle for 30 days are
 * deleted. */
gh_status_t store_attempts_fail(store_t *s, const char *key, int64_t now, int64_t window,
                                store_attempts_t *out);
/* Clears the failures of key and records a success at now. */
gh_status_t store_attempts_succeed(store_t *s, const char *key, int64_t now);
/* A rate limit (no engine of its own: store_attempts_fail's atomic upsert):
 * counts one event under key at now, in windows of window seconds from a
 * window's first event. *retry_after gets 0 when the event is among the
 * first limit of its window, else the seconds left of the window (at least
 * 1). limit <= 0 is no limit: nothing is counted. */
gh_status_t store_rate_count(store_t *s, const char *key, int64_t now, int64_t window, long limit,
                             int64_t *retry_after);
/* Takes one failure off key (a guess counted before it was checked that
 * turned out right, or was refused); never below zero, GH_OK when none. */
gh_status_t store_attempts_forgive(store_t *s, const char *key);

#endif
