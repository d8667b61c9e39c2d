/* The registrations store (registrations.c): what dynamic client
 * registration (RFC 7591/7592, docs/clients.md) keeps beside the clients
 * themselves: initial access tokens, each client's last use, and the sweep
 * of dynamically registered clients nobody used. */
#ifndef GH_STORE_REGISTRATIONS_H
#define GH_STORE_REGISTRATIONS_H

#include "store/store.h"

/* Keeps an initial access token (RFC 7591 §3) by its digest, good for uses
 * registrations until expires_at. CONFLICT when the digest is taken. */
gh_status_t store_initial_token_add(store_t *s, const char *digest, int64_t created_at,
                                    int64_t expires_at, long uses);

/* Spends one use of the initial access token digest at now, atomically (of
 * concurrent registrations with a token's last use exactly one gets it):
 * GH_OK, or NOT_FOUND when it is unknown, expired or used up. */
gh_status_t store_initial_token_use(store_t *s, const char *digest, int64_t now);

/* Records that dynamically registered client id was used at now (an
 * operator's client is left as it is); GH_OK also when there is no such
 * client. */
gh_status_t store_client_touch(store_t *s, const char *id, int64_t now);

/* Deletes every dynamically registered client last used (or registered)
 * before `before`, with what it holds (store_client_remove), and the
 * initial access tokens expired or used up by then; *ids gets the deleted
 * clients' ids (arena a; NULL when none). Operators' clients never go. */
gh_status_t store_client_expire_unused(store_t *s, arena_t *a, int64_t before, const char ***ids,
                                       size_t *count);

#endif
