/* Tests of src/jose/verified.c through jose_jwt_verify: a token whose
 * signature a thread has accepted is not checked again under the same
 * keyset, and nothing else is ever taken as checked: not a token that differs
 * by one character, not another keyset's verdict (even one whose key has the
 * same kid), not another thread's. The counters of /metrics tell a computed
 * check from a remembered one. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/metrics.h"
#include "jose/jose.h"
#include "jose/jose_int.h"
#include "arena_fixture.h"

/* ks signs with key; impostor holds another key under key's kid. */
static struct {
    arena_t *arena;
    char *key, *kid, *other, *other_kid;
    jose_keyset_t *ks, *impostor;
} F;

static jose_keyset_t *keyset(const char *jwk)
{
    jose_key_input_t in = {jwk, true};
    jose_keyset_t *ks = NULL;
    assert_int_equal(jose_keyset_new(&in, 1, &ks), GH_OK);
    return ks;
}

static int setup(void **state)
{
    F.arena = arena_new(ARENA_CAP);
    assert_int_equal(jose_key_generate(F.arena, JOSE_RS256, &F.kid, &F.key), GH_OK);
    assert_int_equal(jose_key_generate(F.arena, JOSE_RS256, &F.other_kid, &F.other), GH_OK);
    json_t *jwk = json_loads(F.other, 0, NULL);
    json_object_set_new(jwk, "kid", json_string(F.kid));
    char *posing = json_dumps(jwk, 0);
    json_decref(jwk);
    F.ks = keyset(F.key);
    F.impostor = keyset(posing);
    free(posing);
    return 0;
}

static int teardown(void **state)
{
    jose_keyset_free(F.ks);
    jose_keyset_free(F.impostor);
    arena_free(F.arena);
    return 0;
}

/* A fresh token of F.ks whose claims carry n, so that no two are alike. */
static char *token_of(arena_t *a, int n)
{
    json_t *claims = json_pack("{ss si si}", "sub", "alice", "n", n, "exp", 2000000000);
    char *token = NULL;
    assert_int_equal(jose_jwt_sign(F.ks, JOSE_RS256, a, "at+jwt", claims, &token), GH_OK);
    json_decref(claims);
    return token;
}

/* How many checks were computed and remembered since the last call. */
typedef struct {
    uint64_t computed, remembered;
} counts_t;

static counts_t since(counts_t *last)
{
    counts_t now = {metrics_get(METRIC_SIGNATURES_COMPUTED),
                    metrics_get(METRIC_SIGNATURES_REMEMBERED)};
    counts_t d = {now.computed - last->computed, now.remembered - last->remembered};
    *last = now;
    return d;
}

static void assert_counts(counts_t *last, uint64_t computed, uint64_t remembered)
{
    counts_t d = since(last);
    assert_int_equal(d.computed, computed);
    assert_int_equal(d.remembered, remembered);
}

static gh_status_t verify(const jose_keyset_t *ks, arena_t *a, const char *token)
{
    json_t *claims = NULL;
    const char *typ = NULL;
    gh_status_t st = jose_jwt_verify(ks, a, token, &claims, &typ);
    if (st == GH_OK) {
        assert_int_equal(json_integer_value(json_object_get(claims, "exp")), 2000000000);
        assert_string_equal(typ, "at+jwt");
    }
    return st;
}

/* A fresh token (see token_of) this thread has checked and remembers, with
 * *c reset to count from here. */
static char *remembered(arena_t *a, int n, counts_t *c)
{
    char *token = token_of(a, n);
    assert_int_equal(verify(F.ks, a, token), GH_OK);
    since(c);
    return token;
}

/* The token with character i of its signature part replaced. */
static char *forge_signature(arena_t *a, const char *token, size_t i)
{
    char *t = arena_strdup(a, token);
    char *sig = strrchr(t, '.') + 1;
    sig[i] = sig[i] == 'A' ? 'B' : 'A';
    return t;
}

/* The memory itself: only the same digest under the same keyset id is
 * known, whatever shares its slot. */
static void test_memory(void **state)
{
    unsigned char d[JOSE_DIGEST_LEN], near[JOSE_DIGEST_LEN];
    jose_verified_digest("a.b.c", 5, d);
    memcpy(near, d, sizeof d);
    near[JOSE_DIGEST_LEN - 1] ^= 1; /* the same slot: slots go by the first bytes */
    assert_false(jose_verified_seen(7001, d));
    jose_verified_remember(7001, d);
    assert_true(jose_verified_seen(7001, d));
    assert_false(jose_verified_seen(7001, near));
    assert_false(jose_verified_seen(7002, d));
    jose_verified_remember(7001, near); /* takes the slot */
    assert_false(jose_verified_seen(7001, d));
    assert_true(jose_verified_seen(7001, near));
}

static void test_token_checked_once(void **state)
{
    arena_t *a = *state;
    counts_t c = {0};
    char *token = token_of(a, 1);
    since(&c);
    assert_int_equal(verify(F.ks, a, token), GH_OK);
    assert_counts(&c, 1, 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(verify(F.ks, a, token), GH_OK);
    assert_counts(&c, 0, 3);
}

/* After the real token is remembered, a token one character away in its
 * signature, or its payload under the real signature, is checked and
 * refused, every time. */
static void test_forged_never_remembered(void **state)
{
    arena_t *a = *state;
    counts_t c = {0};
    char *token = remembered(a, 2, &c);
    char *sig_forged = forge_signature(a, token, strlen(strrchr(token, '.')) / 2);
    char *other = token_of(a, 3);
    char *payload_forged =
        arena_printf(a, "%.*s%s", (int)(strrchr(other, '.') - other), other, strrchr(token, '.'));
    for (int i = 0; i < 2; i++) {
        assert_int_equal(verify(F.ks, a, sig_forged), GH_ERR_CRYPTO);
        assert_int_equal(verify(F.ks, a, payload_forged), GH_ERR_CRYPTO);
    }
    assert_counts(&c, 4, 0);
    assert_int_equal(verify(F.ks, a, token), GH_OK);
    assert_counts(&c, 0, 1);
}

/* What one keyset accepted means nothing to another, even one that knows a
 * different key by the same kid, or the same keys loaded again (a reload). */
static void test_keyset_scoped(void **state)
{
    arena_t *a = *state;
    counts_t c = {0};
    char *token = remembered(a, 4, &c);
    assert_int_equal(verify(F.impostor, a, token), GH_ERR_CRYPTO);
    assert_counts(&c, 1, 0);
    jose_keyset_t *reloaded = keyset(F.key);
    assert_int_equal(verify(reloaded, a, token), GH_OK);
    assert_int_equal(verify(reloaded, a, token), GH_OK);
    assert_counts(&c, 1, 1);
    jose_keyset_free(reloaded);
}

typedef struct {
    const char *token;
    gh_status_t first, second;
} job_t;

static void *verify_twice(void *arg)
{
    job_t *j = arg;
    arena_t *a = arena_new(ARENA_CAP);
    json_t *claims = NULL;
    j->first = jose_jwt_verify(F.ks, a, j->token, &claims, NULL);
    j->second = jose_jwt_verify(F.ks, a, j->token, &claims, NULL);
    arena_free(a);
    return NULL;
}

/* A token this thread remembers is checked anew by another thread, which
 * then remembers it too. */
static void test_threads_remember_alone(void **state)
{
    arena_t *a = *state;
    counts_t c = {0};
    job_t job = {remembered(a, 5, &c), GH_ERR_INVALID, GH_ERR_INVALID};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, verify_twice, &job), 0);
    pthread_join(t, NULL);
    assert_int_equal(job.first, GH_OK);
    assert_int_equal(job.second, GH_OK);
    assert_counts(&c, 1, 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_memory),        T(test_token_checked_once),     T(test_forged_never_remembered),
        T(test_keyset_scoped), T(test_threads_remember_alone),
    };
#undef T
    return cmocka_run_group_tests(tests, setup, teardown);
}
