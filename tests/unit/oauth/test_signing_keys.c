/* Unit tests for oauth/signing_keys.c against a real SQLite store in a
 * temporary directory: the first key, rotation with its retirement delay,
 * pruning, the keyset built from the store, a key per algorithm when id and
 * access tokens are signed differently, and two processes creating the first
 * key at the same moment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oauth/signing_keys.h"

#define NOW 1700000000
#define RETIRE_AFTER 3660 /* an hour of tokens and the grace */

static const jose_alg_t RS256_ONLY[] = {JOSE_RS256};
static const jose_alg_t ES256_ONLY[] = {JOSE_ES256};
static const jose_alg_t BOTH[] = {JOSE_RS256, JOSE_ES256};

typedef struct {
    char dir[64];
    char url[96];
    store_t *store;
    arena_t *arena;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    strcpy(f->dir, "/tmp/gh-test-keys.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->url, sizeof f->url, "sqlite:%s/keys.db", f->dir);
    assert_int_equal(store_open(f->url, &f->store), GH_OK);
    f->arena = arena_new(8u << 20);
    assert_non_null(f->arena);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[128];
    store_close(f->store);
    arena_free(f->arena);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static size_t list_keys(fixture_t *f, store_key_t **keys)
{
    size_t n = 0;
    assert_int_equal(store_key_list(f->store, f->arena, keys, &n), GH_OK);
    return n;
}

static void test_retire_after(void **state)
{
    (void)state;
    config_t cfg;
    config_init(&cfg);
    assert_int_equal(signing_keys_retire_after(&cfg.server), 3599 + SIGNING_KEYS_GRACE);
    cfg.server.access_token_ttl = 600;
    assert_int_equal(signing_keys_retire_after(&cfg.server), 600 + SIGNING_KEYS_GRACE);
    config_free(&cfg);
}

static void test_signer_is_newest_unretired(void **state)
{
    (void)state;
    store_key_t keys[4] = {{.kid = "d", .alg = "ES256"},
                           {.kid = "c", .alg = "RS256", .retire_at = NOW},
                           {.kid = "b", .alg = "RS256"},
                           {.kid = "a", .alg = "RS256"}};
    assert_int_equal(signing_keys_signer(keys, 4, JOSE_RS256, NOW), 2);
    assert_int_equal(signing_keys_signer(keys, 4, JOSE_ES256, NOW), 0);
    keys[2].retire_at = NOW;
    assert_int_equal(signing_keys_signer(keys, 4, JOSE_RS256, NOW), 3);
    keys[3].retire_at = NOW;
    assert_int_equal(signing_keys_signer(keys, 4, JOSE_RS256, NOW), 4);
    assert_int_equal(signing_keys_signer(keys, 4, JOSE_ES256, NOW), 0);
    assert_int_equal(signing_keys_signer(NULL, 0, JOSE_RS256, NOW), 0);
}

/* A key stored to sign later in the same second as the key it replaces (so
 * the list may put either first): once active, the later key signs, and
 * before that the older one does, whatever the order of their kids. */
static void test_signer_of_the_same_second(void **state)
{
    (void)state;
    store_key_t keys[2] = {
        {.kid = "old", .alg = "RS256", .created_at = NOW - 10},
        {.kid = "new", .alg = "RS256", .created_at = NOW - 10, .activate_at = NOW - 5}};
    assert_int_equal(signing_keys_signer(keys, 2, JOSE_RS256, NOW), 1);
    assert_int_equal(signing_keys_signer(keys, 2, JOSE_RS256, NOW - 6), 0);
    store_key_t swapped[2] = {keys[1], keys[0]};
    assert_int_equal(signing_keys_signer(swapped, 2, JOSE_RS256, NOW), 0);
    assert_int_equal(signing_keys_signer(swapped, 2, JOSE_RS256, NOW - 6), 1);
}

static void test_algs_of_the_configuration(void **state)
{
    (void)state;
    config_t cfg;
    jose_alg_t algs[JOSE_ALG_COUNT];
    size_t n = 0;
    char err[128];
    config_init(&cfg);
    assert_int_equal(signing_keys_algs(&cfg.server, algs, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(algs[0], JOSE_RS256);
    assert_int_equal(config_set(&cfg, "server", "access_token_alg", "ES256", err, sizeof err),
                     GH_OK);
    assert_int_equal(signing_keys_algs(&cfg.server, algs, &n), GH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(algs[0], JOSE_RS256); /* the id tokens' first */
    assert_int_equal(algs[1], JOSE_ES256);
    assert_int_equal(config_set(&cfg, "server", "signing_alg", "ES256", err, sizeof err), GH_OK);
    assert_int_equal(signing_keys_algs(&cfg.server, algs, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(algs[0], JOSE_ES256);
    config_free(&cfg);
}

static void test_ensure_creates_one_key(void **state)
{
    fixture_t *f = *state;
    store_key_t *keys = NULL;
    jose_keyset_t *ks = NULL;
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW, ES256_ONLY, 1, &ks),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(signing_keys_ensure(f->store, JOSE_ES256, NOW, RETIRE_AFTER), GH_OK);
    assert_int_equal(signing_keys_ensure(f->store, JOSE_ES256, NOW + 5, RETIRE_AFTER), GH_OK);
    assert_int_equal(list_keys(f, &keys), 1);
    assert_string_equal(keys[0].alg, "ES256");
    assert_int_equal(keys[0].retire_at, 0);
    assert_int_equal(keys[0].created_at, NOW);
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW, ES256_ONLY, 1, &ks), GH_OK);
    assert_string_equal(jose_keyset_kid(ks, JOSE_ES256), keys[0].kid);
    assert_null(jose_keyset_kid(ks, JOSE_RS256));
    jose_keyset_free(ks);
    /* a server that signs access tokens with RS256 too needs a key for it */
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW, BOTH, 2, &ks), GH_ERR_NOT_FOUND);
}

/* id tokens RS256, access tokens ES256: a key for each, each signing its own
 * algorithm; a later first start of one algorithm leaves the other's key. */
static void test_a_key_per_algorithm(void **state)
{
    fixture_t *f = *state;
    store_key_t *keys = NULL;
    jose_keyset_t *ks = NULL;
    char *token = NULL;
    assert_int_equal(signing_keys_ensure(f->store, JOSE_RS256, NOW, RETIRE_AFTER), GH_OK);
    assert_int_equal(signing_keys_ensure(f->store, JOSE_ES256, NOW + 1, RETIRE_AFTER), GH_OK);
    assert_int_equal(signing_keys_ensure(f->store, JOSE_RS256, NOW + 2, RETIRE_AFTER), GH_OK);
    assert_int_equal(list_keys(f, &keys), 2);
    assert_string_equal(keys[0].alg, "ES256");
    assert_string_equal(keys[1].alg, "RS256");
    assert_int_equal(keys[0].retire_at, 0);
    assert_int_equal(keys[1].retire_at, 0);
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW, BOTH, 2, &ks), GH_OK);
    assert_string_equal(jose_keyset_kid(ks, JOSE_ES256), keys[0].kid);
    assert_string_equal(jose_keyset_kid(ks, JOSE_RS256), keys[1].kid);
    json_t *claims = json_pack("{s:s}", "sub", "u1"), *got = NULL;
    assert_int_equal(jose_jwt_sign(ks, JOSE_ES256, f->arena, "at+jwt", claims, &token), GH_OK);
    assert_int_equal(jose_jwt_verify(ks, f->arena, token, &got, NULL), GH_OK);
    assert_int_equal(jose_jwt_sign(ks, JOSE_RS256, f->arena, "JWT", claims, &token), GH_OK);
    assert_int_equal(jose_jwt_verify(ks, f->arena, token, &got, NULL), GH_OK);
    json_decref(claims);
    jose_keyset_free(ks);
}

static void test_rotate_keeps_old_key_until_tokens_expire(void **state)
{
    fixture_t *f = *state;
    store_key_t *keys = NULL;
    jose_keyset_t *ks = NULL;
    const char *kid = NULL;
    size_t len = 0;
    assert_int_equal(signing_keys_ensure(f->store, JOSE_ES256, NOW, RETIRE_AFTER), GH_OK);
    assert_int_equal(list_keys(f, &keys), 1);
    const char *old_kid = keys[0].kid;
    assert_int_equal(signing_keys_rotate(f->store, RS256_ONLY, 1, NOW + 10, 0, 100, &kid, f->arena),
                     GH_OK);
    assert_string_not_equal(kid, old_kid);
    assert_int_equal(list_keys(f, &keys), 2);
    assert_string_equal(keys[0].kid, kid);
    assert_int_equal(keys[0].retire_at, 0);
    assert_string_equal(keys[1].kid, old_kid);
    assert_int_equal(keys[1].retire_at, NOW + 10 + 100);

    /* Before the retirement time: the new key signs, both are in the JWKS. */
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW + 109, RS256_ONLY, 1, &ks), GH_OK);
    assert_string_equal(jose_keyset_kid(ks, JOSE_RS256), kid);
    assert_null(jose_keyset_kid(ks, JOSE_ES256));
    assert_non_null(strstr(jose_keyset_jwks(ks, &len), old_kid));
    assert_non_null(strstr(jose_keyset_jwks(ks, &len), kid));
    jose_keyset_free(ks);

    /* Afterwards the old key is pruned from the store and the JWKS. */
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW + 110, RS256_ONLY, 1, &ks), GH_OK);
    assert_null(strstr(jose_keyset_jwks(ks, &len), old_kid));
    jose_keyset_free(ks);
    assert_int_equal(list_keys(f, &keys), 1);
    assert_string_equal(keys[0].kid, kid);
}

static void test_second_rotation_keeps_first_retire_time(void **state)
{
    fixture_t *f = *state;
    store_key_t *keys = NULL;
    const char *k1 = NULL, *k2 = NULL, *k3 = NULL;
    assert_int_equal(signing_keys_rotate(f->store, ES256_ONLY, 1, NOW, 0, 100, &k1, f->arena),
                     GH_OK);
    assert_int_equal(signing_keys_rotate(f->store, ES256_ONLY, 1, NOW + 1, 0, 100, &k2, f->arena),
                     GH_OK);
    assert_int_equal(signing_keys_rotate(f->store, ES256_ONLY, 1, NOW + 2, 0, 100, &k3, f->arena),
                     GH_OK);
    assert_int_equal(list_keys(f, &keys), 3);
    assert_string_equal(keys[0].kid, k3);
    assert_int_equal(keys[0].retire_at, 0);
    assert_int_equal(keys[1].retire_at, NOW + 2 + 100); /* k2 stopped signing at NOW + 2 */
    assert_int_equal(keys[2].retire_at, NOW + 1 + 100); /* k1 stopped signing at NOW + 1 */
}

/* A rotation for both algorithms: a new key of each signs, every older key
 * retires; a rotation to one algorithm retires the other's key too. */
static void test_rotate_both_algorithms(void **state)
{
    fixture_t *f = *state;
    store_key_t *keys = NULL;
    jose_keyset_t *ks = NULL;
    const char *kids[2] = {NULL}, *es = NULL;
    assert_int_equal(signing_keys_ensure(f->store, JOSE_RS256, NOW, RETIRE_AFTER), GH_OK);
    assert_int_equal(signing_keys_ensure(f->store, JOSE_ES256, NOW, RETIRE_AFTER), GH_OK);
    assert_int_equal(signing_keys_rotate(f->store, BOTH, 2, NOW + 10, 0, 100, kids, f->arena),
                     GH_OK);
    assert_int_equal(list_keys(f, &keys), 4);
    for (size_t i = 0; i < 4; i++) {
        bool new_key = !strcmp(keys[i].kid, kids[0]) || !strcmp(keys[i].kid, kids[1]);
        assert_int_equal(keys[i].retire_at, new_key ? 0 : NOW + 10 + 100);
    }
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW + 11, BOTH, 2, &ks), GH_OK);
    assert_string_equal(jose_keyset_kid(ks, JOSE_RS256), kids[0]);
    assert_string_equal(jose_keyset_kid(ks, JOSE_ES256), kids[1]);
    jose_keyset_free(ks);

    assert_int_equal(signing_keys_rotate(f->store, ES256_ONLY, 1, NOW + 20, 0, 100, &es, f->arena),
                     GH_OK);
    assert_int_equal(list_keys(f, &keys), 5);
    for (size_t i = 0; i < 5; i++)
        if (strcmp(keys[i].kid, es) != 0)
            assert_int_not_equal(keys[i].retire_at, 0);
    /* a server still signing RS256 makes itself a new key at its next reload */
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW + 21, BOTH, 2, &ks),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(signing_keys_ensure(f->store, JOSE_RS256, NOW + 21, RETIRE_AFTER), GH_OK);
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW + 21, BOTH, 2, &ks), GH_OK);
    assert_string_equal(jose_keyset_kid(ks, JOSE_ES256), es);
    jose_keyset_free(ks);
    assert_int_equal(signing_keys_rotate(f->store, (jose_alg_t[]){JOSE_ES256, JOSE_ES256}, 2,
                                         NOW + 30, 0, 100, kids, f->arena),
                     GH_ERR_INVALID);
}

/* A rotation for later: the new key is in the keyset (the JWKS) at once but
 * verifies only; the old one signs until the activation time, then the new
 * one signs and the next ensure retires the old one from then on. */
static void test_rotate_later_publishes_first(void **state)
{
    fixture_t *f = *state;
    store_key_t *keys = NULL;
    jose_keyset_t *ks = NULL;
    const char *kid = NULL;
    size_t len = 0;
    assert_int_equal(signing_keys_ensure(f->store, JOSE_RS256, NOW, RETIRE_AFTER), GH_OK);
    assert_int_equal(list_keys(f, &keys), 1);
    const char *old_kid = keys[0].kid;
    assert_int_equal(
        signing_keys_rotate(f->store, RS256_ONLY, 1, NOW + 10, NOW + 100, 50, &kid, f->arena),
        GH_OK);
    assert_int_equal(list_keys(f, &keys), 2);
    assert_string_equal(keys[0].kid, kid);
    assert_int_equal(keys[0].activate_at, NOW + 100);
    assert_int_equal(keys[1].retire_at, 0); /* the old key signs until then */

    assert_int_equal(signing_keys_ensure(f->store, JOSE_RS256, NOW + 99, 50), GH_OK);
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW + 99, RS256_ONLY, 1, &ks), GH_OK);
    assert_string_equal(jose_keyset_kid(ks, JOSE_RS256), old_kid);
    assert_non_null(strstr(jose_keyset_jwks(ks, &len), kid));
    jose_keyset_free(ks);
    assert_int_equal(list_keys(f, &keys), 2);
    assert_int_equal(keys[1].retire_at, 0);

    assert_int_equal(signing_keys_load(f->store, f->arena, NOW + 100, RS256_ONLY, 1, &ks), GH_OK);
    assert_string_equal(jose_keyset_kid(ks, JOSE_RS256), kid);
    assert_non_null(strstr(jose_keyset_jwks(ks, &len), old_kid));
    jose_keyset_free(ks);
    assert_int_equal(signing_keys_ensure(f->store, JOSE_RS256, NOW + 130, 50), GH_OK);
    assert_int_equal(list_keys(f, &keys), 2);
    assert_int_equal(keys[0].retire_at, 0);
    assert_int_equal(keys[1].retire_at, NOW + 100 + 50); /* from when it stopped signing */
}

/* Two processes start on an empty database at the same moment, each making
 * sure of a key for algs[0..n). */
static void race_once(const char *url, const jose_alg_t *algs, size_t n)
{
    int go[2];
    pid_t pids[2];
    char byte = 0;
    assert_int_equal(pipe(go), 0);
    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            store_t *s = NULL;
            close(go[1]);
            int ok = store_open(url, &s) == GH_OK && read(go[0], &byte, 1) == 0;
            for (size_t k = 0; ok && k < n; k++)
                ok = signing_keys_ensure(s, algs[k], NOW, RETIRE_AFTER) == GH_OK;
            store_close(s);
            _exit(ok ? 0 : 1);
        }
    }
    close(go[0]);
    close(go[1]); /* both children read end-of-file now, together */
    for (int i = 0; i < 2; i++) {
        int status = 0;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
}

static void test_concurrent_first_start_agrees_on_one_key(void **state)
{
    fixture_t *f = *state;
    for (int round = 0; round < 8; round++) {
        char url[128];
        store_t *s = NULL;
        store_key_t *keys = NULL;
        size_t n = 0, signing[JOSE_ALG_COUNT] = {0};
        bool both = round % 2; /* every other round, id and access tokens apart */
        snprintf(url, sizeof url, "sqlite:%s/race%d.db", f->dir, round);
        assert_int_equal(store_open(url, &s), GH_OK); /* schema first, as serve does */
        race_once(url, both ? BOTH : ES256_ONLY, both ? 2 : 1);
        assert_int_equal(store_key_list(s, f->arena, &keys, &n), GH_OK);
        for (size_t i = 0; i < n; i++) {
            signing[strcmp(keys[i].alg, "ES256") == 0 ? JOSE_ES256 : JOSE_RS256] +=
                keys[i].retire_at == 0;
            /* a losing key may have signed in another process: it still verifies */
            if (keys[i].retire_at != 0)
                assert_int_equal(keys[i].retire_at, NOW + RETIRE_AFTER);
        }
        assert_int_equal(signing[JOSE_ES256], 1);
        assert_int_equal(signing[JOSE_RS256], both ? 1 : 0);
        store_close(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retire_after),
        cmocka_unit_test(test_signer_is_newest_unretired),
        cmocka_unit_test(test_signer_of_the_same_second),
        cmocka_unit_test(test_algs_of_the_configuration),
        cmocka_unit_test_setup_teardown(test_ensure_creates_one_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_key_per_algorithm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotate_later_publishes_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotate_both_algorithms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotate_keeps_old_key_until_tokens_expire, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_second_rotation_keeps_first_retire_time, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_first_start_agrees_on_one_key, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
