/* Unit tests for the configuration: config_set() on the [server] keys with a
 * fixed set of values (each value is taken, anything else is refused with a
 * one-line reason naming the key and the values it takes, and the old value
 * stays); the table of keys itself; unknown keys; the environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

static void test_code_replay_revokes(void **state)
{
    (void)state;
    config_t c;
    char err[160] = "";
    config_init(&c);
    assert_int_equal(c.server.code_replay_revokes, CODE_REPLAY_REVOKES_ALL); /* the default */
    assert_int_equal(config_set(&c, "server", "code_replay_revokes", "all", err, sizeof err),
                     GH_OK);
    assert_int_equal(c.server.code_replay_revokes, CODE_REPLAY_REVOKES_ALL);
    assert_int_equal(config_set(&c, "server", "code_replay_revokes", "ALL", err, sizeof err),
                     GH_ERR_INVALID);
    assert_string_equal(err, "code_replay_revokes: expected public or all, got 'ALL'");
    assert_int_equal(c.server.code_replay_revokes, CODE_REPLAY_REVOKES_ALL);
    assert_int_equal(config_set(&c, "server", "code_replay_revokes", "public", err, sizeof err),
                     GH_OK);
    assert_int_equal(c.server.code_replay_revokes, CODE_REPLAY_REVOKES_PUBLIC);
    config_free(&c);
}

static void test_error_style(void **state)
{
    (void)state;
    config_t c;
    char err[160] = "";
    config_init(&c);
    assert_int_equal(c.server.error_style, ERROR_STYLE_SEED);
    assert_int_equal(config_set(&c, "server", "error_style", "rfc6749", err, sizeof err), GH_OK);
    assert_int_equal(c.server.error_style, ERROR_STYLE_RFC6749);
    assert_int_equal(config_set(&c, "server", "error_style", "", err, sizeof err), GH_ERR_INVALID);
    assert_string_equal(err, "error_style: expected seed or rfc6749, got ''");
    assert_int_equal(config_set(&c, "server", "error_style", "seed", err, sizeof err), GH_OK);
    assert_int_equal(c.server.error_style, ERROR_STYLE_SEED);
    config_free(&c);
}

/* The id tokens' algorithm, and the access tokens' (by default the same). */
static void test_signing_algs(void **state)
{
    (void)state;
    config_t c;
    char err[160] = "";
    config_init(&c);
    assert_string_equal(c.server.signing_alg, "RS256");
    assert_null(c.server.access_token_alg);
    assert_int_equal(config_set(&c, "server", "access_token_alg", "ES256", err, sizeof err), GH_OK);
    assert_string_equal(c.server.access_token_alg, "ES256");
    assert_int_equal(config_set(&c, "server", "access_token_alg", "HS256", err, sizeof err),
                     GH_ERR_INVALID);
    assert_string_equal(err,
                        "access_token_alg: expected RS256, PS256, ES256 or EdDSA, got 'HS256'");
    assert_string_equal(c.server.access_token_alg, "ES256");
    assert_int_equal(config_set(&c, "server", "signing_alg", "none", err, sizeof err),
                     GH_ERR_INVALID);
    assert_string_equal(err, "signing_alg: expected RS256, PS256, ES256 or EdDSA, got 'none'");
    assert_string_equal(c.server.signing_alg, "RS256");
    config_free(&c);
}

/* Every key of the table is whole: help, a type's bounds or values, a
 * default the key itself accepts, and an environment name no other key has. */
static void test_table(void **state)
{
    (void)state;
    size_t n;
    const config_key_t *keys = config_keys(&n);
    assert_true(n > 30);
    for (size_t i = 0; i < n; i++) {
        const config_key_t *k = &keys[i];
        assert_non_null(k->help);
        assert_true(k->def || k->note || (k->flags & CONFIG_NO_SLOT));
        if (k->type == CONFIG_NUMBER)
            assert_true(k->min <= k->max && k->unit);
        if (k->type == CONFIG_CHOICE || k->type == CONFIG_WORD)
            assert_non_null(k->choices);
        assert_ptr_equal(
            config_key_find(strcmp(k->section, "platform.*") ? k->section : "platform.x", k->key),
            k);
        if (k->def && !(k->flags & CONFIG_NO_SLOT)) {
            config_t c;
            char err[160] = "";
            config_init(&c);
            assert_int_equal(config_set(&c, k->section, k->key, k->def, err, sizeof err), GH_OK);
            config_free(&c);
        }
        char a[64], b[64];
        for (size_t j = 0; j < i; j++)
            if (config_key_env(k, a, sizeof a) && config_key_env(&keys[j], b, sizeof b))
                assert_string_not_equal(a, b);
    }
}

/* Unknown keys of a known section are refused by name; others are kept. */
static void test_unknown_keys(void **state)
{
    (void)state;
    config_t c;
    char err[160] = "";
    config_init(&c);
    assert_int_equal(config_set(&c, "server", "acess_token_ttl", "5", err, sizeof err),
                     GH_ERR_INVALID);
    assert_string_equal(err, "unknown key 'acess_token_ttl' in [server]");
    assert_int_equal(config_set(&c, "gateway", "stat_ttl", "5", err, sizeof err), GH_ERR_INVALID);
    assert_string_equal(err, "unknown key 'stat_ttl' in [gateway]");
    assert_int_equal(config_set(&c, "gateway", "state_ttl", "0", err, sizeof err), GH_ERR_INVALID);
    assert_string_equal(err, "[gateway] state_ttl: expected a whole number of seconds from 1 to "
                             "3600, got '0'");
    assert_int_equal(config_set(&c, "gateway", "state_ttl", "60", err, sizeof err), GH_OK);
    assert_int_equal(c.gateway.state_ttl, 60);
    assert_int_equal(config_set(&c, "gateway", "jwt_secret", "short", err, sizeof err),
                     GH_ERR_INVALID);
    assert_string_equal(err, "[gateway] jwt_secret: at least 32 characters"); /* no echo */
    config_free(&c);
}

/* The environment: GATEHOUSE_<KEY> for [server], GATEHOUSE_GATEWAY_<KEY>. */
static void test_env(void **state)
{
    (void)state;
    config_t c;
    char err[160] = "";
    const char *what = NULL;
    config_init(&c);
    setenv("GATEHOUSE_CODE_TTL", "7", 1);
    setenv("GATEHOUSE_GATEWAY_STATE_TTL", "9", 1);
    assert_int_equal(config_load_env(&c, err, sizeof err), GH_OK);
    assert_int_equal(c.server.code_ttl, 7);
    assert_int_equal(c.gateway.state_ttl, 9);
    assert_int_equal(config_source(&c, "gateway", "state_ttl", &what), CONFIG_FROM_ENV);
    assert_int_equal(config_source(&c, "server", "listen", &what), CONFIG_FROM_DEFAULT);
    setenv("GATEHOUSE_CODE_TTL", "seven", 1);
    assert_int_equal(config_load_env(&c, err, sizeof err), GH_ERR_INVALID);
    assert_string_equal(err, "GATEHOUSE_CODE_TTL: code_ttl: expected a whole number of seconds "
                             "from 1 to 600, got 'seven'");
    unsetenv("GATEHOUSE_CODE_TTL");
    unsetenv("GATEHOUSE_GATEWAY_STATE_TTL");
    config_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_replay_revokes), cmocka_unit_test(test_error_style),
        cmocka_unit_test(test_signing_algs),        cmocka_unit_test(test_table),
        cmocka_unit_test(test_unknown_keys),        cmocka_unit_test(test_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
