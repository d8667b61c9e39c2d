/* Signing-key management shared by `gatehouse serve` and `gatehouse keys`:
 * the first key, rotation, and the keyset the server signs and verifies with.
 *
 * Keys live in the store (store_key_t). A key with retire_at == 0 whose
 * activate_at has come may sign; of those the newest of each algorithm (first
 * in store_key_list order) signs that algorithm's tokens and any other
 * verifies only. A key whose activate_at is still ahead ("next") is in the
 * keyset, so in every instance's JWKS, before any instance signs with it: a
 * relying party that honours the JWKS Cache-Control never meets its kid
 * unannounced (docs/scaling.md). A server signs with one
 * or two algorithms: id tokens with signing_alg, access tokens with
 * access_token_alg (by default the same), each with its own key. A rotated-out
 * key gets a retire_at far enough ahead that every token it signed has expired
 * by then, so it stays in the JWKS until that time and is pruned afterwards. */
#ifndef GH_OAUTH_SIGNING_KEYS_H
#define GH_OAUTH_SIGNING_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/status.h"
#include "jose/jose.h"
#include "store/store.h"

/* Seconds a retired key is kept beyond the lifetime of its tokens (clock skew,
 * tokens in flight). */
#define SIGNING_KEYS_GRACE 60

/* How often a server loads the stored keys again (oauth/keyring.c). */
#define SIGNING_KEYS_RELOAD_SECONDS 2

/* The JWKS's Cache-Control max-age, in seconds. */
#define SIGNING_KEYS_JWKS_MAX_AGE 60

/* How long after `keys rotate` a new key starts signing, by default: every
 * instance publishes it within SIGNING_KEYS_RELOAD_SECONDS, a relying party
 * that fetched the JWKS just before keeps that copy SIGNING_KEYS_JWKS_MAX_AGE
 * seconds, and the rest is a margin for clocks that differ between machines. */
#define SIGNING_KEYS_ACTIVATE_AFTER 90
_Static_assert(SIGNING_KEYS_ACTIVATE_AFTER >=
                   SIGNING_KEYS_JWKS_MAX_AGE + SIGNING_KEYS_RELOAD_SECONDS,
               "a new key must be published for a JWKS max-age before it signs");

/* How long a key rotated out now must stay verifiable under this
 * configuration: the longest lifetime of a token it signed (access tokens and
 * id tokens both live access_token_ttl) plus SIGNING_KEYS_GRACE. */
int64_t signing_keys_retire_after(const config_server_t *srv);

/* The algorithms srv signs with: algs[0] for id tokens (signing_alg), then
 * the access tokens' (access_token_alg, by default signing_alg) when it is
 * another; *n gets 1 or 2, and algs[*n - 1] is the access tokens'.
 * GH_ERR_INVALID for a name that is not RS256, PS256, ES256 or EdDSA. */
gh_status_t signing_keys_algs(const config_server_t *srv, jose_alg_t algs[JOSE_ALG_COUNT],
                              size_t *n);

/* Creates a key of algorithm alg when the store has none of alg that may
 * sign at now (first start, or the first start that signs with alg). Safe when several processes
 * start at once on one database: they agree through store_setting_init() on one winner and the
 * losing keys are retired. Another process may have loaded a losing key as its signer before that
 * (for one reload interval at most), so a losing key keeps verifying for retire_after seconds, like
 * a rotated-out key.
 * Once a key stored ahead of time has started signing, the older keys of alg
 * get retire_at = its activate_at + retire_after (whichever instance gets
 * there first; they all write the same value). */
gh_status_t signing_keys_ensure(store_t *s, jose_alg_t alg, int64_t now, int64_t retire_after);

/* Rotation: adds a new key for each of algs[0..n), each signing its
 * algorithm's tokens from activate_at on (0: at once). At once, every other key
 * of those algorithms still without a retire_at gets now + retire_after;
 * later, signing_keys_ensure retires them when the new key starts signing.
 * The keys of every algorithm left out get now + retire_after at once: a
 * server that signs with one makes a new key for it at its next reload
 * (signing_keys_ensure). new_kids[i] (in arena a) gets algs[i]'s new kid. */
gh_status_t signing_keys_rotate(store_t *s, const jose_alg_t *algs, size_t n, int64_t now,
                                int64_t activate_at, int64_t retire_after, const char **new_kids,
                                arena_t *a);

/* The index in keys[0..count) (newest first, as store_key_list returns them) of
 * the key that signs alg's tokens at now: of the keys of alg with retire_at ==
 * 0 and activate_at <= now, the one that took over last (the later of its
 * activation and its creation; created_at has whole seconds, so a key stored
 * to sign later may share its second with the key it replaces), the first
 * listed on a tie; count when there is none. */
size_t signing_keys_signer(const store_key_t *keys, size_t count, jose_alg_t alg, int64_t now);

/* Prunes keys whose retire_at has passed (best effort: a database busy with
 * another instance's write must not keep the keys from loading, and expired
 * keys are skipped either way), then builds the keyset of the rest:
 * each algorithm's signer signs, all others verify. *out is the caller's to
 * release with jose_keyset_free(); a is used for temporaries only.
 * GH_ERR_NOT_FOUND when no key may sign one of algs[0..n) (call
 * signing_keys_ensure first). */
gh_status_t signing_keys_load(store_t *s, arena_t *a, int64_t now, const jose_alg_t *algs, size_t n,
                              jose_keyset_t **out);

/* signing_keys_load without the prune: reads only (a request's thread may
 * call it; keys past their retire_at are left out, not deleted). */
gh_status_t signing_keys_read(store_t *s, arena_t *a, int64_t now, const jose_alg_t *algs, size_t n,
                              jose_keyset_t **out);

#endif
