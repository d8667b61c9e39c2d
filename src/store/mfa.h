/* The second-factor store (mfa.c): members' TOTP secrets (sealed by the
 * caller, mfa/mfa.h), recovery code digests, and pending sign-ins waiting for
 * their second factor. Single-use operations are atomic: of two concurrent
 * callers exactly one wins. */
#ifndef GH_STORE_MFA_H
#define GH_STORE_MFA_H

#include "store/store.h"

typedef struct {
    const char *sub;
    const char *secret; /* sealed */
    bool confirmed;
    int64_t last_step;
    int64_t created_at;
} store_mfa_totp_t;

/* A member's TOTP record, confirmed or not; NOT_FOUND when none. */
gh_status_t store_mfa_totp_get(store_t *s, arena_t *a, const char *sub, store_mfa_totp_t *out);

/* Puts a new unconfirmed secret for t->sub, replacing an unconfirmed one;
 * CONFLICT when the member has a confirmed one (it stays), NOT_FOUND when
 * the member does not exist. */
gh_status_t store_mfa_totp_begin(store_t *s, const store_mfa_totp_t *t);

/* Puts a confirmed secret for t->sub (last_step as given), replacing any
 * (`gatehouse user mfa --add-totp`). NOT_FOUND when no such member. */
gh_status_t store_mfa_totp_set(store_t *s, const store_mfa_totp_t *t);

/* Up to limit TOTP records, by sub, of the members after `after` ("" from
 * the start): a walk over every secret (re-sealing them under a new key). */
gh_status_t store_mfa_totp_page(store_t *s, arena_t *a, const char *after, int64_t limit,
                                store_mfa_totp_t **rows, size_t *count);

/* Replaces the member's sealed secret `old` by `sealed` (the same secret
 * sealed under another key): NOT_FOUND when the member's secret is no
 * longer `old` (replaced or removed meanwhile), which stays as it is. */
gh_status_t store_mfa_totp_reseal(store_t *s, const char *sub, const char *old, const char *sealed);

/* Confirms the member's unconfirmed secret with a code accepted for step:
 * NOT_FOUND when there is no unconfirmed one (someone confirmed it meanwhile). */
gh_status_t store_mfa_totp_confirm(store_t *s, const char *sub, int64_t step);

/* Records that a code was accepted for step, only when step is later than
 * the last one recorded for the member's confirmed secret: CONFLICT when it
 * is not (a replay, or a concurrent use of the same code). */
gh_status_t store_mfa_totp_use(store_t *s, const char *sub, int64_t step);

/* Replaces the member's recovery codes by these digests, in one transaction. */
gh_status_t store_mfa_recovery_replace(store_t *s, const char *sub, char *const *digests,
                                       size_t count, int64_t now);

/* Uses up one recovery code (its digest): NOT_FOUND when the member has no
 * such unused code. *left gets how many remain. */
gh_status_t store_mfa_recovery_use(store_t *s, const char *sub, const char *digest, int64_t *left);

/* How many unused recovery codes the member has. */
gh_status_t store_mfa_recovery_count(store_t *s, const char *sub, int64_t *count);

/* Removes every second factor of the member (TOTP, recovery codes,
 * passkeys, pending sign-ins), in one transaction. GH_OK also when there
 * were none. */
gh_status_t store_mfa_reset(store_t *s, const char *sub);

/* Removes the member's TOTP secret and recovery codes (and sign-ins
 * pending a code), in one transaction; passkeys stay. GH_OK also when there
 * were none (the member turning the authenticator app off, docs/mfa.md). */
gh_status_t store_mfa_totp_remove(store_t *s, const char *sub);

/* ---- sign-ins waiting for their second factor ---- */

typedef struct {
    const char *digest; /* of the browser's pending cookie */
    const char *sub;
    const char *amr; /* what the member did so far ("pwd") */
    int64_t expires_at;
} store_mfa_pending_t;

gh_status_t store_mfa_pending_put(store_t *s, const store_mfa_pending_t *p);
/* NOT_FOUND when missing or expired at now. */
gh_status_t store_mfa_pending_get(store_t *s, arena_t *a, const char *digest, int64_t now,
                                  store_mfa_pending_t *out);
/* Deletes it: NOT_FOUND when it was gone already (someone else completed it). */
gh_status_t store_mfa_pending_take(store_t *s, const char *digest);

#endif
