/* The pushed-requests store (pushed.c, RFC 9126): authorization requests a
 * client pushed, kept under the digest of their request_uri until they are
 * used once or expire. */
#ifndef GH_STORE_PUSHED_H
#define GH_STORE_PUSHED_H

#include "store/store.h"

/* Stores client_id's pushed request (params: the request's parameters as a
 * form-encoded string) under digest until expires_at. now lets the engine
 * prune expired rows. */
gh_status_t store_pushed_put(store_t *s, const char *digest, const char *client_id,
                             const char *params, int64_t expires_at, int64_t now);

/* Takes (deletes and returns, atomically: single use) client_id's pushed
 * request stored under digest; NOT_FOUND when unknown, used, expired at now
 * or another client's (which leaves it in place). *params in the arena. */
gh_status_t store_pushed_take(store_t *s, arena_t *a, const char *digest, const char *client_id,
                              int64_t now, const char **params);

#endif
