/* Unit tests: the sign-in lock policy (src/oauth/throttle.c): when a counter
 * locks, how the lock doubles, that it is capped and always ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "oauth/oauth_int.h"

#define T0 INT64_C(1700000000)

static config_server_t policy(void)
{
    return (config_server_t){.login_lockout = 30, .login_lockout_max = 300};
}

static int64_t left(long limit, int64_t failures, int64_t since_last_failure)
{
    config_server_t cfg = policy();
    store_login_attempts_t c = {.failures = failures, .window_start = T0, .last_failure = T0};
    return throttle_lock_left(&cfg, limit, &c, T0 + since_last_failure);
}

static void below_the_limit_is_free(void **state)
{
    assert_int_equal(left(5, 0, 0), 0);
    assert_int_equal(left(5, 4, 0), 0);
}

static void the_limit_locks_then_doubles(void **state)
{
    assert_int_equal(left(5, 5, 0), 30);
    assert_int_equal(left(5, 5, 10), 20);
    assert_int_equal(left(5, 6, 0), 60);
    assert_int_equal(left(5, 7, 0), 120);
    assert_int_equal(left(5, 8, 0), 240);
}

static void the_lock_is_capped_and_ends(void **state)
{
    assert_int_equal(left(5, 9, 0), 300);
    assert_int_equal(left(5, 1000000, 0), 300);
    assert_int_equal(left(5, 1000000, 299), 1);
    assert_int_equal(left(5, 1000000, 300), 0);
    assert_int_equal(left(5, 5, 30), 0);
}

static void a_zero_limit_never_locks(void **state)
{
    assert_int_equal(left(0, 1000, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(below_the_limit_is_free),
        cmocka_unit_test(the_limit_locks_then_doubles),
        cmocka_unit_test(the_lock_is_capped_and_ends),
        cmocka_unit_test(a_zero_limit_never_locks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
