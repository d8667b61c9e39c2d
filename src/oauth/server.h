/* The authorization server (`gatehouse serve`): wires the store, the signing
 * keys, the pages and the OAuth/OIDC endpoints to one HTTP route table. */
#ifndef GH_OAUTH_SERVER_H
#define GH_OAUTH_SERVER_H

#include "core/config.h"
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

/* ---- a member's platform links (members.c, federated sign-in) ---- */

/* The member's links, by platform. */
gh_status_t oauth_member_links(store_t *store, arena_t *a, const char *sub, store_link_t **out,
                               size_t *count);

/* Removes member's link to platform, then unlinks at the platform with the
 * [platform.*] sections of cfg (best effort, logged). GH_ERR_NOT_FOUND when
 * there is no such link; GH_ERR_CONFLICT when it is the member's last way to
 * sign in (no password, no other link). */
gh_status_t oauth_member_unlink(store_t *store, const config_t *cfg, arena_t *a,
                                const store_user_t *member, const char *platform);

/* Unlinks links[0..count) at their platforms (read before the member was
 * removed); best effort, each outcome logged. */
void oauth_member_unlink_all(const store_link_t *links, size_t count, store_t *store,
                             const config_t *cfg, arena_t *a);

#endif
