/* The mail-links store (mail_links.c): single-use links sent by mail (a password
 * reset, an e-mail verification, an invitation), kept by the SHA-256 digest
 * of their token, never the token itself. */
#ifndef GH_STORE_LINKS_H
#define GH_STORE_LINKS_H

#include "store/store.h"

/* What a link is for; its purpose is part of every lookup, so a link of one
 * kind is never taken as another. */
#define STORE_LINK_RESET "reset"   /* sub: whose password */
#define STORE_LINK_VERIFY "verify" /* sub and email: the registered address */
#define STORE_LINK_EMAIL "email"   /* sub and email: a new address, replacing the old */
#define STORE_LINK_INVITE "invite" /* email: who is invited; no sub */

typedef struct {
    const char *purpose;
    const char *sub;   /* may be NULL */
    const char *email; /* may be NULL */
    int64_t expires_at;
    int64_t used_at; /* 0 while unused */
} store_mail_link_t;

/* Stores a new link by its token's digest, made at now. */
gh_status_t store_mail_link_put(store_t *s, const char *digest, const store_mail_link_t *l,
                                int64_t now);
/* The link of digest for purpose, used or expired alike (the caller tells the
 * person which); NOT_FOUND when there is none (forged, or purged a day after
 * it expired). */
gh_status_t store_mail_link_get(store_t *s, arena_t *a, const char *digest, const char *purpose,
                                store_mail_link_t *out);
/* Uses the link at now, atomically: of concurrent callers one gets GH_OK and
 * the link; the others, and any call once it is used or expired,
 * GH_ERR_NOT_FOUND. */
gh_status_t store_mail_link_take(store_t *s, arena_t *a, const char *digest, const char *purpose,
                                 int64_t now, store_mail_link_t *out);
/* Marks every unused link of purpose for sub used at now (a password that
 * was just reset ends the other reset links). */
gh_status_t store_mail_link_end_all(store_t *s, const char *sub, const char *purpose, int64_t now);

#endif
