/* The federation store (federation.c, issue 19): which member each platform
 * identity belongs to, and the single-use states of sign-ins through a
 * platform. */
#ifndef GH_STORE_FEDERATION_H
#define GH_STORE_FEDERATION_H

#include "store/store.h"

typedef struct {
    const char *platform; /* the [platform.NAME] name */
    const char *subject;  /* the platform's user id */
    const char *sub;      /* the member */
    const char *email;    /* as the platform gave it; may be NULL */
    const char *tokens;   /* the platform's tokens, sealed; may be NULL */
    int64_t created_at;
} store_link_t;

typedef struct {
    const char *digest;   /* of the state (or the profile page's token) */
    const char *platform; /* the platform the sign-in goes through */
    const char *nonce;    /* oidc platforms; may be NULL */
    const char *binding;  /* digest of the browser's binding cookie */
    const char *request;  /* the pending authorization request, as a query string */
    const char *identity; /* JSON of an identity waiting on the profile page; may be NULL */
    int64_t expires_at;
} store_fed_state_t;

gh_status_t store_fed_state_put(store_t *s, const store_fed_state_t *st);
/* Atomically marks the state used and returns it. NOT_FOUND when unknown or
 * expired at now; CONFLICT when already used. */
gh_status_t store_fed_state_take(store_t *s, arena_t *a, const char *digest, int64_t now,
                                 store_fed_state_t *out);

/* The link of (platform, subject), or NOT_FOUND. */
gh_status_t store_link_get(store_t *s, arena_t *a, const char *platform, const char *subject,
                           store_link_t *out);
/* Adds a link to an existing member. CONFLICT when the identity is linked already. */
gh_status_t store_link_add(store_t *s, const store_link_t *l);
/* Creates the member u and its first link l (l->sub = u->sub) in one
 * transaction: both or neither. CONFLICT when the username or the identity
 * is taken. */
gh_status_t store_member_add_linked(store_t *s, const store_user_t *u, const store_link_t *l);
/* Every link of member sub, by platform; *out NULL when none. */
gh_status_t store_links_of(store_t *s, arena_t *a, const char *sub, store_link_t **out,
                           size_t *count);
/* Removes the member's link to platform. NOT_FOUND when there is none. */
gh_status_t store_link_remove(store_t *s, const char *sub, const char *platform);

#endif
