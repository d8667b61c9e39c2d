/* The signing-keys store (keys.c). */
#ifndef GH_STORE_KEYS_H
#define GH_STORE_KEYS_H

#include "store/store.h"

typedef struct {
    const char *kid;
    const char *alg;         /* "RS256", "ES256" or "EdDSA" */
    const char *private_jwk; /* JSON text of the private JWK */
    int64_t created_at;
    int64_t retire_at;   /* 0 while it signs; after rotation, when to drop it from the JWKS */
    int64_t activate_at; /* when it starts signing (0: once stored); in the JWKS from the start */
} store_key_t;

/* ---- signing keys ---- */
gh_status_t store_key_add(store_t *s, const store_key_t *k);
/* All keys, newest first. */
gh_status_t store_key_list(store_t *s, arena_t *a, store_key_t **out, size_t *count);
/* Sets retire_at on every key of algorithm alg ("RS256", …) that has none
 * and whose activate_at is not after now, except keep_kid (a rotation; NULL
 * keeps none): a key stored to sign later is left alone. */
gh_status_t store_key_retire_others(store_t *s, const char *keep_kid, const char *alg, int64_t now,
                                    int64_t retire_at);
/* Deletes keys whose retire_at has passed. */
gh_status_t store_key_prune(store_t *s, int64_t now);

#endif
