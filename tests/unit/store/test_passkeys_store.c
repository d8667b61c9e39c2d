/* The passkeys store (store/passkeys.h), written against store.h only so
 * that every engine must pass: credentials added once per id, listed per
 * member, the sign counter moving only forward (also between two racing
 * uses), removal by their member only, and ceremony challenges taken once,
 * by their kind, binding and member, before they expire. The database is
 * $GH_TEST_DB when set (rows then carry a per-run random suffix), otherwise a
 * fresh sqlite: file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/secret.h"
#include "store/store.h"

#define T0 INT64_C(1700000000)

static struct {
    store_t *s;
    arena_t *a;
    char dir[64];
    char *url;
    char run[33];
    const char *alice, *bob;
} F;

static const char *name(const char *what)
{
    return arena_printf(F.a, "%s-%s", what, F.run);
}

static const char *user(const char *username)
{
    const char *sub = secret_hex_id(F.a, 16);
    store_user_t u = {
        .sub = sub, .username = name(username), .password_hash = "x", .created_at = T0};
    assert_int_equal(store_user_add(F.s, &u), GH_OK);
    return sub;
}

static int group_setup(void **state)
{
    const char *env = getenv("GH_TEST_DB");
    F.a = arena_new(1 << 20);
    strcpy(F.run, secret_hex_id(F.a, 16));
    if (env && *env) {
        F.url = strdup(env);
    } else {
        strcpy(F.dir, "/tmp/gh-passkeys-XXXXXX");
        if (!mkdtemp(F.dir) || asprintf(&F.url, "sqlite:%s/p.db", F.dir) < 0)
            return -1;
    }
    if (store_open(F.url, &F.s) != GH_OK)
        return -1;
    F.alice = user("alice");
    F.bob = user("bob");
    return 0;
}

static int group_teardown(void **state)
{
    store_close(F.s);
    if (F.dir[0]) {
        char *cmd = NULL;
        if (asprintf(&cmd, "rm -rf '%s'", F.dir) > 0 && system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", F.dir);
        free(cmd);
    }
    free(F.url);
    arena_free(F.a);
    return 0;
}

static store_passkey_t passkey(const char *id, const char *sub, int64_t created)
{
    return (store_passkey_t){.credential_id = name(id),
                             .sub = sub,
                             .public_key = "pQECAyYg",
                             .alg = -7,
                             .sign_count = 5,
                             .flags = 0x45,
                             .transports = "internal hybrid",
                             .name = "Laptop",
                             .created_at = created};
}

static void credentials_per_member(void **state)
{
    store_passkey_t a1 = passkey("cred-a1", F.alice, T0), a2 = passkey("cred-a2", F.alice, T0 + 1);
    store_passkey_t b1 = passkey("cred-b1", F.bob, T0), out, *list = NULL;
    size_t n = 0;
    a2.transports = NULL;
    assert_int_equal(store_passkey_add(F.s, &a1), GH_OK);
    assert_int_equal(store_passkey_add(F.s, &a2), GH_OK);
    assert_int_equal(store_passkey_add(F.s, &b1), GH_OK);
    /* an id is registered once, whoever asks */
    store_passkey_t again = passkey("cred-a1", F.bob, T0);
    assert_int_equal(store_passkey_add(F.s, &again), GH_ERR_CONFLICT);
    assert_int_equal(store_passkey_get(F.s, F.a, a1.credential_id, &out), GH_OK);
    assert_string_equal(out.sub, F.alice);
    assert_string_equal(out.public_key, "pQECAyYg");
    assert_int_equal(out.alg, -7);
    assert_int_equal(out.sign_count, 5);
    assert_int_equal(out.flags, 0x45);
    assert_string_equal(out.transports, "internal hybrid");
    assert_string_equal(out.name, "Laptop");
    assert_int_equal(out.last_used_at, 0);
    assert_int_equal(store_passkey_list(F.s, F.a, F.alice, &list, &n), GH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].credential_id, a1.credential_id);
    assert_string_equal(list[1].credential_id, a2.credential_id);
    assert_null(list[1].transports);
    assert_int_equal(store_passkey_get(F.s, F.a, name("nobody's"), &out), GH_ERR_NOT_FOUND);
    /* removed by its member only */
    assert_int_equal(store_passkey_remove(F.s, F.bob, a2.credential_id), GH_ERR_NOT_FOUND);
    assert_int_equal(store_passkey_remove(F.s, F.alice, a2.credential_id), GH_OK);
    assert_int_equal(store_passkey_remove(F.s, F.alice, a2.credential_id), GH_ERR_NOT_FOUND);
    assert_int_equal(store_passkey_list(F.s, F.a, F.alice, &list, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_passkey_remove_all(F.s, F.bob), GH_OK);
    assert_int_equal(store_passkey_list(F.s, F.a, F.bob, &list, &n), GH_OK);
    assert_int_equal(n, 0);
}

static void counter_moves_forward(void **state)
{
    store_passkey_t p = passkey("cred-count", F.alice, T0), out;
    assert_int_equal(store_passkey_add(F.s, &p), GH_OK);
    assert_int_equal(store_passkey_used(F.s, p.credential_id, 6, T0 + 10), GH_OK);
    assert_int_equal(store_passkey_used(F.s, p.credential_id, 6, T0 + 11), GH_ERR_CONFLICT);
    assert_int_equal(store_passkey_used(F.s, p.credential_id, 3, T0 + 12), GH_ERR_CONFLICT);
    assert_int_equal(store_passkey_get(F.s, F.a, p.credential_id, &out), GH_OK);
    assert_int_equal(out.sign_count, 6);
    assert_int_equal(out.last_used_at, T0 + 10);
    /* an authenticator without a counter (always 0) */
    store_passkey_t z = passkey("cred-zero", F.alice, T0);
    z.sign_count = 0;
    assert_int_equal(store_passkey_add(F.s, &z), GH_OK);
    assert_int_equal(store_passkey_used(F.s, z.credential_id, 0, T0 + 1), GH_OK);
    assert_int_equal(store_passkey_used(F.s, z.credential_id, 0, T0 + 2), GH_OK);
}

static void challenges_taken_once(void **state)
{
    const char *d = name("challenge1"), *r = name("challenge2");
    assert_int_equal(
        store_passkey_challenge_put(F.s, d, STORE_PASSKEY_SIGN_IN, "bind1", NULL, T0 + 300), GH_OK);
    /* another kind, binding or member does not take it */
    assert_int_equal(
        store_passkey_challenge_take(F.s, d, STORE_PASSKEY_REGISTER, "bind1", NULL, T0),
        GH_ERR_NOT_FOUND);
    assert_int_equal(store_passkey_challenge_take(F.s, d, STORE_PASSKEY_SIGN_IN, "bind2", NULL, T0),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(
        store_passkey_challenge_take(F.s, d, STORE_PASSKEY_SIGN_IN, "bind1", F.alice, T0),
        GH_ERR_NOT_FOUND);
    assert_int_equal(store_passkey_challenge_take(F.s, d, STORE_PASSKEY_SIGN_IN, "bind1", NULL, T0),
                     GH_OK);
    assert_int_equal(store_passkey_challenge_take(F.s, d, STORE_PASSKEY_SIGN_IN, "bind1", NULL, T0),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(
        store_passkey_challenge_put(F.s, r, STORE_PASSKEY_REGISTER, "bind3", F.alice, T0 + 300),
        GH_OK);
    assert_int_equal(
        store_passkey_challenge_take(F.s, r, STORE_PASSKEY_REGISTER, "bind3", F.bob, T0),
        GH_ERR_NOT_FOUND);
    /* expired */
    assert_int_equal(
        store_passkey_challenge_take(F.s, r, STORE_PASSKEY_REGISTER, "bind3", F.alice, T0 + 300),
        GH_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(credentials_per_member),
        cmocka_unit_test(counter_moves_forward),
        cmocka_unit_test(challenges_taken_once),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
