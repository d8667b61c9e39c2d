/* The accounts store (accounts.c): members, their password hashes, and the
 * end of everything a member holds when a credential changes. */
#ifndef GH_STORE_ACCOUNTS_H
#define GH_STORE_ACCOUNTS_H

#include "store/clients.h"
#include "store/store.h"

typedef struct {
    const char *sub; /* 32 hex characters, the member's unique id */
    const char *username;
    const char *password_hash; /* argon2id PHC string, or STORE_NO_PASSWORD */
    const char *email;         /* may be NULL */
    const char *nickname;      /* may be NULL */
    const char *name;          /* may be NULL */
    int64_t created_at;
    int64_t disabled_at;    /* 0, or when the member was disabled (cannot sign in) */
    bool email_verified;    /* the member showed they receive mail at email */
    bool is_admin;          /* the admin role: may use the admin console (docs/admin.md) */
    const char *attributes; /* JSON object text of custom attributes, or NULL (docs/claims.md) */
    const char *groups;     /* JSON array text of the member's group names, or NULL */
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
/* At most limit members whose username sorts after `after` ("" from the
 * start), by username, whose username, email or name (lower-cased) matches
 * the LIKE pattern (with a backslash escaping; NULL or "%" for all). */
gh_status_t store_user_page(store_t *s, arena_t *a, const char *after, const char *pattern,
                            size_t limit, store_user_t **out, size_t *count);
/* Replaces username, email, nickname, name, attributes and groups of member u->sub. NOT_FOUND
 * when there is none; CONFLICT when the username is taken. */
gh_status_t store_user_update(store_t *s, const store_user_t *u);
/* Sets disabled_at (0 enables) of member sub; NOT_FOUND when there is none. */
gh_status_t store_user_set_disabled(store_t *s, const char *sub, int64_t disabled_at);
gh_status_t store_user_set_password(store_t *s, const char *username, const char *password_hash);
/* Replaces sub's nickname and name (NULL clears one); NOT_FOUND when there
 * is no such member. */
gh_status_t store_user_set_profile(store_t *s, const char *sub, const char *nickname,
                                   const char *name);
/* The members whose e-mail address is email (compared without regard to
 * case), at most 10, into an arena array; *count 0 when none. */
gh_status_t store_user_find_by_email(store_t *s, arena_t *a, const char *email, store_user_t **out,
                                     size_t *count);
/* Sets the e-mail address of sub to email, verified: a verification link
 * followed. With only_if_same, only while email is still the member's
 * address (a registration's link must not undo a later change):
 * GH_ERR_NOT_FOUND otherwise, and when sub is gone. */
gh_status_t store_user_confirm_email(store_t *s, const char *sub, const char *email,
                                     bool only_if_same);
/* Ends everything person sub holds, in one transaction (a credential
 * change, a removal): deletes every login session (but keep_session, a
 * session digest, when not NULL: the one that changed the password), every
 * code not yet
 * redeemed, denies every approved device authorization not yet redeemed,
 * revokes every refresh token, and puts the family of each grant (from its
 * refresh tokens and redeemed codes) on the denylist until revoke_until, so
 * the grants' access tokens are refused too. GH_OK also when sub held
 * nothing. */
gh_status_t store_user_end_all(store_t *s, const char *sub, int64_t now, int64_t revoke_until,
                               const char *keep_session);
/* The member an access token speaks for, whether that token (jti) or its
 * grant (family, NULL when it has none) is on the denylist with a row not
 * expired at now, and the token's client client_id (*client, its id NULL
 * when client_id is NULL or there is no such client): one read, so a
 * resource request costs one round trip. NOT_FOUND when the member is gone
 * (*revoked and *client are then not known). */
gh_status_t store_user_for_token(store_t *s, arena_t *a, const char *sub, const char *jti,
                                 const char *family, const char *client_id, int64_t now,
                                 store_user_t *out, bool *revoked, store_client_t *client);

/* What a member gave one client: the consent (scope NULL when none) and the
 * live refresh-token families (grants the client holds). */
typedef struct {
    const char *client_id;
    const char *scope;          /* consented scopes, or NULL */
    int64_t consented_at;       /* 0 when no consent */
    int64_t refresh_families;   /* live refresh-token families */
    int64_t refresh_expires_at; /* the latest expiry among them; 0 when none */
} store_grant_t;

/* The grants of member sub at now, one per client, by client id. */
gh_status_t store_grant_list(store_t *s, arena_t *a, const char *sub, int64_t now,
                             store_grant_t **out, size_t *count);

#endif
