/* The accounts store (accounts.c): members, their password hashes, and the
 * end of everything a member holds when a credential changes. */
#ifndef GH_STORE_ACCOUNTS_H
#define GH_STORE_ACCOUNTS_H

#include "store/store.h"

typedef struct {
    const char *sub; /* 32 hex characters, the member's unique id */
    const char *username;
    const char *password_hash; /* argon2id PHC string, or STORE_NO_PASSWORD */
    const char *email;         /* may be NULL */
    const char *nickname;      /* may be NULL */
    const char *name;          /* may be NULL */
    int64_t created_at;
} store_user_t;

/* The password hash of a member who has none (signs in through platforms
 * only): no password verifies against it. */
#define STORE_NO_PASSWORD "!"

/* ---- users ---- */
gh_status_t store_user_add(store_t *s, const store_user_t *u); /* CONFLICT: username taken */
gh_status_t store_user_get(store_t *s, arena_t *a, const char *sub, store_user_t *out);
gh_status_t store_user_find(store_t *s, arena_t *a, const char *username, store_user_t *out);
gh_status_t store_user_list(store_t *s, arena_t *a, store_user_t **out, size_t *count);
gh_status_t store_user_remove(store_t *s,
                              const char *username); /* also its sessions, consents, tokens */
gh_status_t store_user_set_password(store_t *s, const char *username, const char *password_hash);
/* Ends everything person sub holds, in one transaction (a credential
 * change, a removal): deletes every login session, every code not yet
 * redeemed, denies every approved device authorization not yet redeemed,
 * revokes every refresh token, and puts the family of each grant (from its
 * refresh tokens and redeemed codes) on the denylist until revoke_until, so
 * the grants' access tokens are refused too. GH_OK also when sub held
 * nothing. */
/* The member an access token speaks for, and whether that token (jti) or its
 * grant (family, NULL when it has none) is on the denylist with a row not
 * expired at now: one read, so a resource request costs one round trip.
 * NOT_FOUND when the member is gone (*revoked is then not known). */
gh_status_t store_user_for_token(store_t *s, arena_t *a, const char *sub, const char *jti,
                                 const char *family, int64_t now, store_user_t *out, bool *revoked);
gh_status_t store_user_end_all(store_t *s, const char *sub, int64_t now, int64_t revoke_until);

#endif
