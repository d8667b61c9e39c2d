/* The social-login gateway's store (gateway.c, seed 002): login states,
 * the gateway's users and their refresh records. */
#ifndef GH_STORE_GATEWAY_H
#define GH_STORE_GATEWAY_H

#include "store/store.h"

/* ---- the social-login gateway (seed 002) ---- */

typedef struct {
    const char *digest;   /* of the state value */
    const char *platform; /* the platform the login URL was made for */
    const char *nonce;    /* oidc platforms; may be NULL */
    int64_t expires_at;
    const char *binding; /* digest of the browser's binding cookie; NULL: none */
} store_gw_state_t;

typedef struct {
    const char *id; /* the gateway's own user id */
    const char *platform;
    const char *platform_user_id;
    const char *email, *name, *profile; /* as consented; each may be NULL */
    const char *tokens; /* the upstream tokens, sealed by the gateway; may be NULL */
    int64_t created_at, updated_at;
} store_gw_user_t;

typedef struct {
    const char *digest;  /* of the refresh cookie's jti */
    const char *user_id; /* ignored by store_gw_user_login (the stored user's id is used) */
    int64_t expires_at;
} store_gw_refresh_t;

gh_status_t store_gw_state_put(store_t *s, const store_gw_state_t *st);
/* Atomically marks the state used and returns it. NOT_FOUND when unknown or
 * expired at now; CONFLICT when already used. */
gh_status_t store_gw_state_take(store_t *s, arena_t *a, const char *digest, int64_t now,
                                store_gw_state_t *out);
/* In one transaction: inserts the user, or when (platform, platform_user_id)
 * exists updates its email, name, profile, tokens and updated_at (keeping its
 * id); then inserts the refresh record r for that user. *user_id gets the
 * stored user's id. */
gh_status_t store_gw_user_login(store_t *s, arena_t *a, const store_gw_user_t *u,
                                const store_gw_refresh_t *r, const char **user_id);
gh_status_t store_gw_user_get(store_t *s, arena_t *a, const char *id, store_gw_user_t *out);
/* Replaces the sealed upstream tokens. NOT_FOUND when the user is gone. */
gh_status_t store_gw_user_set_tokens(store_t *s, const char *id, const char *tokens, int64_t now);
/* Deletes the user and its refresh records. NOT_FOUND when there was none. */
gh_status_t store_gw_user_delete(store_t *s, const char *id);
/* In one transaction: when old_digest is live, marks it used, inserts next
 * for the same user and gives that user's id in *user_id. A record used less
 * than grace seconds before now (two tabs refreshing at once) is taken as
 * live again: next is inserted and the first use's time kept; grace 0 turns
 * this off. NOT_FOUND when unknown or expired; CONFLICT when already used
 * (and not within the grace), and then every refresh record of its user is
 * deleted (reuse of a rotated cookie). */
gh_status_t store_gw_refresh_rotate(store_t *s, arena_t *a, const char *old_digest, int64_t now,
                                    int64_t grace, const store_gw_refresh_t *next,
                                    const char **user_id);
/* Deletes one refresh record (logout); GH_OK even when there was none. */
gh_status_t store_gw_refresh_delete(store_t *s, const char *digest);

#endif
