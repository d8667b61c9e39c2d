/* The passkeys store (passkeys.c): members' WebAuthn credentials and the
 * single-use challenges of the ceremonies (src/oauth/passkey.c). Binary
 * values (credential ids, COSE keys) are kept as base64url text. */
#ifndef GH_STORE_PASSKEYS_H
#define GH_STORE_PASSKEYS_H

#include "store/store.h"

typedef struct {
    const char *credential_id; /* base64url */
    const char *sub;
    const char *public_key; /* base64url of the COSE_Key */
    int64_t alg;            /* COSE algorithm */
    int64_t sign_count;
    int64_t flags;          /* authenticator data flags at registration */
    const char *transports; /* space-separated hints, or NULL */
    const char *name;
    int64_t created_at;
    int64_t last_used_at; /* 0 before the first use */
} store_passkey_t;

/* Adds a credential: GH_ERR_CONFLICT when its id is already registered (to
 * anyone). */
gh_status_t store_passkey_add(store_t *s, const store_passkey_t *p);

/* The credential of that id: GH_ERR_NOT_FOUND when none. */
gh_status_t store_passkey_get(store_t *s, arena_t *a, const char *credential_id,
                              store_passkey_t *out);

/* Every credential of sub, oldest first (*out NULL and *count 0 when none). */
gh_status_t store_passkey_list(store_t *s, arena_t *a, const char *sub, store_passkey_t **out,
                               size_t *count);

/* Records a sign-in with the credential: the new sign count and last use.
 * Atomic against a concurrent use: the count is written only while the
 * stored one is lower (or both are 0), else GH_ERR_CONFLICT (a regression,
 * or the same assertion twice). */
gh_status_t store_passkey_used(store_t *s, const char *credential_id, int64_t sign_count,
                               int64_t now);

/* Removes sub's credential of that id: GH_ERR_NOT_FOUND when sub has none. */
gh_status_t store_passkey_remove(store_t *s, const char *sub, const char *credential_id);

/* Removes every credential of sub (an administrator's reset of second factors). */
gh_status_t store_passkey_remove_all(store_t *s, const char *sub);

/* ---- ceremony challenges ---- */

typedef enum { STORE_PASSKEY_REGISTER = 1, STORE_PASSKEY_SIGN_IN = 2 } store_passkey_kind_t;

/* Keeps a challenge (its digest) for kind, bound to binding, for sub (NULL
 * for a sign-in), until expires_at. */
gh_status_t store_passkey_challenge_put(store_t *s, const char *digest, store_passkey_kind_t kind,
                                        const char *binding, const char *sub, int64_t expires_at);

/* Takes the challenge once: deletes it when it is of kind, bound to binding,
 * for sub (NULL: none) and alive at now; GH_ERR_NOT_FOUND otherwise (unknown,
 * used already, expired, or another browser's or member's). */
gh_status_t store_passkey_challenge_take(store_t *s, const char *digest, store_passkey_kind_t kind,
                                         const char *binding, const char *sub, int64_t now);

#endif
