/* Unit tests for config_set() on the [server] keys with a fixed set of
 * values: each value is taken, anything else is refused with a one-line
 * reason naming the key and the values it takes, and the old value stays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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
    assert_string_equal(err, "access_token_alg: expected RS256 or ES256, got 'HS256'");
    assert_string_equal(c.server.access_token_alg, "ES256");
    assert_int_equal(config_set(&c, "server", "signing_alg", "none", err, sizeof err),
                     GH_ERR_INVALID);
    assert_string_equal(err, "signing_alg: expected RS256 or ES256, got 'none'");
    assert_string_equal(c.server.signing_alg, "RS256");
    config_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_replay_revokes),
        cmocka_unit_test(test_error_style),
        cmocka_unit_test(test_signing_algs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
