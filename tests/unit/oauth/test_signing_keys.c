/* Unit tests for oauth/signing_keys.c against a real SQLite store in a
 * temporary directory: the first key, rotation with its retirement delay,
 * pruning, the keyset built from the store, and two processes creating the
 * first key at the same moment. */
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
    store_key_t keys[3] = {{.kid = "c", .retire_at = NOW}, {.kid = "b"}, {.kid = "a"}};
    assert_int_equal(signing_keys_signer(keys, 3), 1);
    keys[1].retire_at = NOW;
    assert_int_equal(signing_keys_signer(keys, 3), 2);
    keys[2].retire_at = NOW;
    assert_int_equal(signing_keys_signer(keys, 3), 3);
    assert_int_equal(signing_keys_signer(NULL, 0), 0);
}

static void test_ensure_creates_one_key(void **state)
{
    fixture_t *f = *state;
    store_key_t *keys = NULL;
    jose_keyset_t *ks = NULL;
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW, &ks), GH_ERR_NOT_FOUND);
    assert_int_equal(signing_keys_ensure(f->store, JOSE_ES256, NOW, RETIRE_AFTER), GH_OK);
    assert_int_equal(signing_keys_ensure(f->store, JOSE_ES256, NOW + 5, RETIRE_AFTER), GH_OK);
    assert_int_equal(list_keys(f, &keys), 1);
    assert_string_equal(keys[0].alg, "ES256");
    assert_int_equal(keys[0].retire_at, 0);
    assert_int_equal(keys[0].created_at, NOW);
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW, &ks), GH_OK);
    assert_string_equal(jose_keyset_kid(ks), keys[0].kid);
    assert_int_equal(jose_keyset_alg(ks), JOSE_ES256);
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
    assert_int_equal(signing_keys_rotate(f->store, JOSE_RS256, NOW + 10, 100, &kid, f->arena),
                     GH_OK);
    assert_string_not_equal(kid, old_kid);
    assert_int_equal(list_keys(f, &keys), 2);
    assert_string_equal(keys[0].kid, kid);
    assert_int_equal(keys[0].retire_at, 0);
    assert_string_equal(keys[1].kid, old_kid);
    assert_int_equal(keys[1].retire_at, NOW + 10 + 100);

    /* Before the retirement time: the new key signs, both are in the JWKS. */
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW + 109, &ks), GH_OK);
    assert_string_equal(jose_keyset_kid(ks), kid);
    assert_int_equal(jose_keyset_alg(ks), JOSE_RS256);
    assert_non_null(strstr(jose_keyset_jwks(ks, &len), old_kid));
    assert_non_null(strstr(jose_keyset_jwks(ks, &len), kid));
    jose_keyset_free(ks);

    /* Afterwards the old key is pruned from the store and the JWKS. */
    assert_int_equal(signing_keys_load(f->store, f->arena, NOW + 110, &ks), GH_OK);
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
    assert_int_equal(signing_keys_rotate(f->store, JOSE_ES256, NOW, 100, &k1, f->arena), GH_OK);
    assert_int_equal(signing_keys_rotate(f->store, JOSE_ES256, NOW + 1, 100, &k2, f->arena), GH_OK);
    assert_int_equal(signing_keys_rotate(f->store, JOSE_ES256, NOW + 2, 100, &k3, f->arena), GH_OK);
    assert_int_equal(list_keys(f, &keys), 3);
    assert_string_equal(keys[0].kid, k3);
    assert_int_equal(keys[0].retire_at, 0);
    assert_int_equal(keys[1].retire_at, NOW + 2 + 100); /* k2 stopped signing at NOW + 2 */
    assert_int_equal(keys[2].retire_at, NOW + 1 + 100); /* k1 stopped signing at NOW + 1 */
}

/* Two processes start on an empty database at the same moment. */
static void race_once(const char *url)
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
            int ok = store_open(url, &s) == GH_OK && read(go[0], &byte, 1) == 0 &&
                     signing_keys_ensure(s, JOSE_ES256, NOW, RETIRE_AFTER) == GH_OK;
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
        size_t n = 0, signing = 0;
        snprintf(url, sizeof url, "sqlite:%s/race%d.db", f->dir, round);
        assert_int_equal(store_open(url, &s), GH_OK); /* schema first, as serve does */
        race_once(url);
        assert_int_equal(store_key_list(s, f->arena, &keys, &n), GH_OK);
        for (size_t i = 0; i < n; i++) {
            signing += keys[i].retire_at == 0;
            /* a losing key may have signed in another process: it still verifies */
            if (keys[i].retire_at != 0)
                assert_int_equal(keys[i].retire_at, NOW + RETIRE_AFTER);
        }
        assert_int_equal(signing, 1);
        store_close(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retire_after),
        cmocka_unit_test(test_signer_is_newest_unretired),
        cmocka_unit_test_setup_teardown(test_ensure_creates_one_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotate_keeps_old_key_until_tokens_expire, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_second_rotation_keeps_first_retire_time, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_first_start_agrees_on_one_key, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
