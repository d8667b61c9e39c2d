/* The authorization server (`gatehouse serve`): wires the store, the signing
 * keys, the pages and the OAuth/OIDC endpoints to one HTTP route table. */
#ifndef GH_OAUTH_SERVER_H
#define GH_OAUTH_SERVER_H

#include "core/config.h"
#include "core/arena.h"
#include "store/store.h"

/* Opens the store, ensures a signing key, serves until SIGINT or SIGTERM, then
 * finishes the requests in flight. Returns the process exit status (0, or 1
 * with one line on stderr saying why it could not start). */
int oauth_serve(const config_t *cfg);

/* Ends everything of person sub after a credential change or removal (a
 * password set by `user passwd` or a reset, `user remove`, a second factor
 * reset): every login session, every grant (refresh tokens and, through the
 * denylist, the access tokens of their families) and every code or device
 * authorization not yet redeemed (store_user_end_all). docs/revocation.md. */
gh_status_t oauth_user_end_all(store_t *store, const config_server_t *cfg, const char *sub);

/* A new single-use link for purpose (a STORE_LINK_* of store/links.h) about
 * sub and/or email, valid ttl seconds from now: its digest is stored and
 * *url (in a) is issuer + the purpose's page + "?token=…". `gatehouse user
 * invite` and the self-service pages make their links here. */
gh_status_t oauth_link_new(store_t *store, const char *issuer, arena_t *a, const char *purpose,
                           const char *sub, const char *email, int64_t now, const char **url);

#endif
