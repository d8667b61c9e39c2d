/* The key ring: the keyset the server signs and verifies with, reloaded from
 * the store every few seconds (by the main thread, which otherwise only
 * waits for a stop signal) so a rotation anywhere is served everywhere
 * without a restart; and at once, by a request's thread, when a token names a
 * kid the ring does not hold (another instance may already sign with a key
 * this one has not loaded yet), at most once per UNKNOWN_KID_RELOAD_US.
 *
 * Readers take the current pointer with one atomic load and no lock. A
 * replaced keyset is not freed at once but parked for RETIRE_GRACE_US, far
 * longer than any request may hold it (connections time out sooner). Loading
 * (the fingerprint, the parked list) is under one mutex. A request with an
 * unknown kid waits for a reload under way (the periodic one may have read
 * the keys just before the rotation that made the kid) and then looks again;
 * only a request whose kid is still unknown loads, at most once per
 * UNKNOWN_KID_RELOAD_US, so made-up kids cost one load a second. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "oauth/oauth_int.h"
#include "oauth/signing_keys.h"

#define RETIRE_GRACE_US (120u * 1000000u)
#define UNKNOWN_KID_RELOAD_US 1000000u /* at most one reload a second for unknown kids */

typedef struct parked {
    struct parked *next;
    jose_keyset_t *ks;
    uint64_t since_us;
} parked_t;

struct keyring {
    _Atomic(jose_keyset_t *) current;
    store_t *store;
    jose_alg_t algs[JOSE_ALG_COUNT]; /* that this server signs with */
    size_t alg_count;
    int64_t retire_after; /* of a losing first key (signing_keys_ensure) */
    char *fingerprint;    /* kids, retire times and activation of the loaded keys */
    parked_t *parked;
    pthread_mutex_t lock;            /* loading: fingerprint, parked */
    _Atomic uint64_t unknown_kid_at; /* clock_mono_us of the last reload for an unknown kid */
};

/* A string that changes whenever the stored key set does, and when a key
 * stored ahead of time starts signing. */
static char *fingerprint(store_t *store, arena_t *a)
{
    store_key_t *keys = NULL;
    size_t n = 0;
    if (store_key_list(store, a, &keys, &n) != GH_OK)
        return NULL;
    int64_t now = clock_now();
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s:%lld:%d;", keys[i].kid, (long long)keys[i].retire_at,
                   keys[i].activate_at <= now);
    const char *s = buf_cstr(&b);
    return s ? strdup(s) : NULL;
}

static void free_parked(keyring_t *kr, bool all)
{
    uint64_t now = clock_mono_us();
    parked_t **p = &kr->parked;
    while (*p) {
        parked_t *cur = *p;
        if (all || now - cur->since_us > RETIRE_GRACE_US) {
            *p = cur->next;
            jose_keyset_free(cur->ks);
            free(cur);
        } else {
            p = &cur->next;
        }
    }
}

/* Loads the keys when they changed; GH_OK when the ring is current. Under
 * kr->lock. prune: delete expired keys from the store first (the periodic
 * reload; a request's reads only). */
static gh_status_t reload(keyring_t *kr, bool prune)
{
    arena_t *a = arena_new(1 << 20);
    if (!a)
        return GH_ERR_NOMEM;
    gh_status_t st = GH_OK;
    jose_keyset_t *ks = NULL;
    char *fp = fingerprint(kr->store, a);
    if (!fp || (kr->fingerprint && !strcmp(fp, kr->fingerprint)))
        goto out;
    st = (prune ? signing_keys_load : signing_keys_read)(kr->store, a, clock_now(), kr->algs,
                                                         kr->alg_count, &ks);
    if (st != GH_OK)
        goto out;
    parked_t *old = calloc(1, sizeof *old);
    if (!old) {
        jose_keyset_free(ks);
        st = GH_ERR_NOMEM;
        goto out;
    }
    old->ks = atomic_exchange(&kr->current, ks);
    old->since_us = clock_mono_us();
    old->next = kr->parked;
    kr->parked = old;
    free(kr->fingerprint);
    kr->fingerprint = fp;
    fp = NULL;
    log_event(LOG_INFO, "keys_loaded", "signing_kid", jose_keyset_kid(ks, kr->algs[0]),
              "access_token_kid", jose_keyset_kid(ks, kr->algs[kr->alg_count - 1]), NULL);
out:
    free(fp);
    arena_free(a);
    return st;
}

/* A key for each algorithm this server signs with. */
static gh_status_t ensure(keyring_t *kr)
{
    gh_status_t st = GH_OK;
    for (size_t i = 0; i < kr->alg_count && st == GH_OK; i++)
        st = signing_keys_ensure(kr->store, kr->algs[i], clock_now(), kr->retire_after);
    return st;
}

void keyring_reload(void *arg)
{
    keyring_t *kr = arg;
    pthread_mutex_lock(&kr->lock);
    if (ensure(kr) != GH_OK || reload(kr, true) != GH_OK)
        log_event(LOG_WARN, "keys_reload_failed", NULL);
    free_parked(kr, false);
    pthread_mutex_unlock(&kr->lock);
}

void keyring_stop(keyring_t *kr)
{
    if (!kr)
        return;
    free_parked(kr, true);
    jose_keyset_free(atomic_load(&kr->current));
    free(kr->fingerprint);
    pthread_mutex_destroy(&kr->lock);
    free(kr);
}

/* The keyset holding token's kid, which the ring lacked: after a reload
 * under way (waited for), or one made here unless one was made less than
 * UNKNOWN_KID_RELOAD_US ago; NULL when the kid is still unknown. */
static const jose_keyset_t *reload_for_unknown_kid(keyring_t *kr, arena_t *a, const char *token)
{
    pthread_mutex_lock(&kr->lock);
    uint64_t now = clock_mono_us();
    if (jose_jwt_kid_unknown(keyring_current(kr), a, token) &&
        now - atomic_load(&kr->unknown_kid_at) >= UNKNOWN_KID_RELOAD_US) {
        atomic_store(&kr->unknown_kid_at, now);
        metrics_add(METRIC_KEY_RELOADS_UNKNOWN_KID, 1);
        if (reload(kr, false) != GH_OK)
            log_event(LOG_WARN, "keys_reload_failed", "reason", "unknown_kid", NULL);
    }
    const jose_keyset_t *ks = keyring_current(kr);
    pthread_mutex_unlock(&kr->lock);
    return jose_jwt_kid_unknown(ks, a, token) ? NULL : ks;
}

gh_status_t keyring_verify(keyring_t *kr, arena_t *a, const char *token, json_t **claims,
                           const char **typ)
{
    const jose_keyset_t *ks = keyring_current(kr);
    gh_status_t st = jose_jwt_verify(ks, a, token, claims, typ);
    if (st == GH_OK || !jose_jwt_kid_unknown(ks, a, token))
        return st;
    const jose_keyset_t *now_ks = reload_for_unknown_kid(kr, a, token);
    return now_ks ? jose_jwt_verify(now_ks, a, token, claims, typ) : st;
}

gh_status_t keyring_start(store_t *store, const jose_alg_t *algs, size_t alg_count,
                          int64_t retire_after, keyring_t **out)
{
    if (alg_count < 1 || alg_count > JOSE_ALG_COUNT)
        return GH_ERR_INVALID;
    keyring_t *kr = calloc(1, sizeof *kr);
    if (!kr)
        return GH_ERR_NOMEM;
    kr->store = store;
    pthread_mutex_init(&kr->lock, NULL);
    kr->unknown_kid_at = clock_mono_us() - UNKNOWN_KID_RELOAD_US;
    memcpy(kr->algs, algs, alg_count * sizeof *algs);
    kr->alg_count = alg_count;
    kr->retire_after = retire_after;
    gh_status_t st = ensure(kr);
    if (st == GH_OK)
        st = reload(kr, true);
    if (st == GH_OK && !atomic_load(&kr->current))
        st = GH_ERR_INTERNAL;
    if (st != GH_OK) {
        keyring_stop(kr);
        return st;
    }
    *out = kr;
    return GH_OK;
}

const jose_keyset_t *keyring_current(keyring_t *kr)
{
    return atomic_load_explicit(&kr->current, memory_order_acquire);
}
