/* Signing keys: the first key on first start, rotation, and the keyset built
 * from the store. Key material is made by jose/ and kept by store/; this file
 * only decides which key signs and how long the others stay. */
#include "oauth/signing_keys.h"

#include <string.h>

#include "core/secret.h"

/* Settings name prefix used to agree on one first key between processes. */
#define FIRST_KEY_SETTING "signing_keys.first_after."

int64_t signing_keys_retire_after(const config_server_t *srv)
{
    /* Access tokens and id tokens are both issued for access_token_ttl seconds;
     * refresh tokens are opaque and not signed. */
    return (int64_t)srv->access_token_ttl + SIGNING_KEYS_GRACE;
}

gh_status_t signing_keys_algs(const config_server_t *srv, jose_alg_t algs[JOSE_ALG_COUNT],
                              size_t *n)
{
    const char *access = srv->access_token_alg ? srv->access_token_alg : srv->signing_alg;
    gh_status_t st = jose_alg_parse(srv->signing_alg, &algs[0]);
    if (st == GH_OK)
        st = jose_alg_parse(access, &algs[1]);
    if (st == GH_OK)
        *n = algs[1] == algs[0] ? 1 : 2;
    return st;
}

size_t signing_keys_signer(const store_key_t *keys, size_t count, jose_alg_t alg, int64_t now)
{
    const char *name = jose_alg_name(alg);
    size_t best = count;
    int64_t best_from = 0;
    for (size_t i = 0; i < count; i++) {
        const store_key_t *k = &keys[i];
        if (k->retire_at != 0 || k->activate_at > now || !k->alg || strcmp(k->alg, name) != 0)
            continue;
        int64_t from = k->activate_at > k->created_at ? k->activate_at : k->created_at;
        if (best == count || from > best_from) {
            best = i;
            best_from = from;
        }
    }
    return best;
}

/* Generates a key of algorithm alg and stores it as signing from activate_at
 * (0: at once). */
static gh_status_t add_new_key(store_t *s, arena_t *a, jose_alg_t alg, int64_t now,
                               int64_t activate_at, char **kid)
{
    char *id = NULL, *jwk = NULL;
    gh_status_t st = jose_key_generate(a, alg, &id, &jwk);
    if (st != GH_OK)
        return st;
    store_key_t k = {.kid = id,
                     .alg = jose_alg_name(alg),
                     .private_jwk = jwk,
                     .created_at = now,
                     .retire_at = 0,
                     .activate_at = activate_at};
    st = store_key_add(s, &k);
    secret_wipe(jwk, strlen(jwk));
    if (st == GH_OK)
        *kid = id;
    return st;
}

/* When keys[signer] was stored ahead of time and has started signing, the
 * older keys of its algorithm that could still sign are retired, counting
 * from the moment it took over from them. */
static gh_status_t retire_superseded(store_t *s, const store_key_t *keys, size_t n, size_t signer,
                                     int64_t now, int64_t retire_after)
{
    const store_key_t *k = &keys[signer];
    bool superseded = false;
    for (size_t i = 0; i < n && k->activate_at != 0 && !superseded; i++)
        superseded = i != signer && keys[i].retire_at == 0 && keys[i].activate_at <= now &&
                     strcmp(keys[i].alg, k->alg) == 0;
    if (!superseded)
        return GH_OK;
    return store_key_retire_others(s, k->kid, k->alg, now, k->activate_at + retire_after);
}

/* The kid of the newest key of alg in keys (newest first), or "none". Of
 * alg only: a key of another algorithm that a process racing on it stored
 * (and lost with) must not change the name two processes agree on for alg
 * (test_concurrent_first_start_agrees_on_one_key failed so now and then). */
static const char *newest_kid(const store_key_t *keys, size_t n, jose_alg_t alg)
{
    for (size_t i = 0; i < n; i++)
        if (keys[i].alg && !strcmp(keys[i].alg, jose_alg_name(alg)))
            return keys[i].kid;
    return "none";
}

gh_status_t signing_keys_ensure(store_t *s, jose_alg_t alg, int64_t now, int64_t retire_after)
{
    store_key_t *keys = NULL;
    size_t n = 0, signer = 0;
    char *kid = NULL;
    const char *lock = NULL, *winner = NULL;
    arena_t *a = arena_new(1 << 20);
    gh_status_t st = a ? store_key_list(s, a, &keys, &n) : GH_ERR_NOMEM;
    if (st == GH_OK && (signer = signing_keys_signer(keys, n, alg, now)) < n)
        st = retire_superseded(s, keys, n, signer, now, retire_after);
    if (st != GH_OK || signer < n)
        goto out;
    /* Every process that saw this same state (no key of alg may sign; the
     * newest key of alg, whatever its state) uses the same setting name, and
     * store_setting_init lets exactly one kid in: the others retire their own
     * key of alg in favour of the winner's, which was stored before the winner wrote
     * the setting. A process that loaded the key set in between may sign with
     * a losing key until its next reload, so those tokens stay verifiable. */
    lock = arena_printf(a, FIRST_KEY_SETTING "%s.%s", jose_alg_name(alg), newest_kid(keys, n, alg));
    st = lock ? add_new_key(s, a, alg, now, 0, &kid) : GH_ERR_NOMEM;
    if (st == GH_OK)
        st = store_setting_init(s, a, lock, kid, &winner);
    if (st == GH_OK && strcmp(winner, kid) != 0)
        st = store_key_retire_others(s, winner, jose_alg_name(alg), now, now + retire_after);
out:
    arena_free(a);
    return st;
}

gh_status_t signing_keys_rotate(store_t *s, const jose_alg_t *algs, size_t n, int64_t now,
                                int64_t activate_at, int64_t retire_after, const char **new_kids,
                                arena_t *a)
{
    const char *keep[JOSE_ALG_COUNT] = {NULL};
    gh_status_t st = GH_OK;
    bool later = activate_at > now;
    for (size_t i = 0; i < n && st == GH_OK; i++) {
        char *kid = NULL;
        st = keep[algs[i]] ? GH_ERR_INVALID
                           : add_new_key(s, a, algs[i], now, later ? activate_at : 0, &kid);
        keep[algs[i]] = new_kids[i] = kid;
    }
    /* the new keys sign first (or are stored to sign later), then the older
     * keys retire: now, except those a later key will take over from */
    for (int alg = 0; alg < JOSE_ALG_COUNT && st == GH_OK; alg++)
        if (!later || !keep[alg])
            st = store_key_retire_others(s, keep[alg], jose_alg_name((jose_alg_t)alg), now,
                                         now + retire_after);
    return st;
}

gh_status_t signing_keys_load(store_t *s, arena_t *a, int64_t now, const jose_alg_t *algs,
                              size_t n_algs, jose_keyset_t **out)
{
    (void)store_key_prune(s, now); /* a failure is logged by the store */
    return signing_keys_read(s, a, now, algs, n_algs, out);
}

gh_status_t signing_keys_read(store_t *s, arena_t *a, int64_t now, const jose_alg_t *algs,
                              size_t n_algs, jose_keyset_t **out)
{
    store_key_t *keys = NULL;
    size_t n = 0, used = 0;
    gh_status_t st = store_key_list(s, a, &keys, &n);
    if (st != GH_OK)
        return st;
    for (size_t i = 0; i < n_algs; i++)
        if (signing_keys_signer(keys, n, algs[i], now) == n)
            return GH_ERR_NOT_FOUND;
    jose_key_input_t *in = arena_alloc(a, n * sizeof *in);
    if (!in)
        return GH_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        if (keys[i].retire_at != 0 && keys[i].retire_at <= now)
            continue; /* expired, not pruned yet */
        jose_alg_t alg;
        in[used].private_jwk = keys[i].private_jwk;
        in[used++].signs = jose_alg_parse(keys[i].alg, &alg) == GH_OK &&
                           signing_keys_signer(keys, n, alg, now) == i;
    }
    return jose_keyset_new(in, used, out);
}
