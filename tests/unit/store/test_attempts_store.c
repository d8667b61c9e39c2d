/* The attempts store's many-key calls (store/attempts.h), on the engine of
 * $GH_TEST_DB (PostgreSQL in `make test`'s second run) or a fresh SQLite
 * file: a sign-in's counters read, counted, forgiven and cleared in one
 * statement each, every counter in its own place whatever order the rows
 * come back in, a NULL key skipped, never below zero, more keys than a
 * statement takes refused. */
#define FIXTURE_NAME "attempts"
#include "store_fixture.h"

#define T0 INT64_C(1700000000)
#define WINDOW 600

static void counted_read_forgiven_and_cleared_in_place(void **state)
{
    /* in an order unlike the keys' sorted one */
    const char *keys[3] = {name("z-pair"), NULL, name("a-account")};
    store_attempts_t got[3];
    assert_int_equal(store_attempts_fail_many(F.s, keys, 3, T0, WINDOW, got), GH_OK);
    assert_int_equal(got[0].failures, 1);
    assert_int_equal(got[1].failures, 0); /* NULL: not counted */
    assert_int_equal(got[2].failures, 1);
    assert_int_equal(got[2].window_start, T0);
    assert_int_equal(store_attempts_fail_many(F.s, keys, 3, T0 + 1, WINDOW, got), GH_OK);
    assert_int_equal(got[0].failures, 2);
    assert_int_equal(got[0].last_failure, T0 + 1);
    assert_int_equal(got[2].failures, 2);

    const char *read[3] = {keys[2], name("never"), keys[0]};
    assert_int_equal(store_attempts_get_many(F.s, read, 3, got), GH_OK);
    assert_int_equal(got[0].failures, 2);
    assert_int_equal(got[1].failures, 0);
    assert_int_equal(got[1].last_failure, 0);
    assert_int_equal(got[2].failures, 2);

    assert_int_equal(store_attempts_forgive_many(F.s, keys, 3), GH_OK);
    assert_int_equal(store_attempts_get_many(F.s, keys, 3, got), GH_OK);
    assert_int_equal(got[0].failures, 1);
    assert_int_equal(got[2].failures, 1);

    const char *pair[1] = {keys[0]};
    assert_int_equal(store_attempts_succeed_many(F.s, pair, 1, T0 + 2), GH_OK);
    assert_int_equal(store_attempts_get_many(F.s, keys, 3, got), GH_OK);
    assert_int_equal(got[0].failures, 0);
    assert_int_equal(got[0].last_success, T0 + 2);
    assert_int_equal(got[2].failures, 1); /* not cleared */

    assert_int_equal(store_attempts_forgive_many(F.s, pair, 1), GH_OK);
    assert_int_equal(store_attempts_get(F.s, keys[0], &got[0]), GH_OK);
    assert_int_equal(got[0].failures, 0); /* never below zero */
}

static void a_window_past_starts_again(void **state)
{
    const char *keys[2] = {name("w-one"), name("w-two")};
    store_attempts_t got[2];
    assert_int_equal(store_attempts_fail_many(F.s, keys, 2, T0, WINDOW, got), GH_OK);
    assert_int_equal(store_attempts_fail_many(F.s, keys, 2, T0 + WINDOW + 1, WINDOW, got), GH_OK);
    assert_int_equal(got[0].failures, 1);
    assert_int_equal(got[1].window_start, T0 + WINDOW + 1);
}

static void more_keys_than_a_statement_takes_are_refused(void **state)
{
    const char *keys[4] = {name("k1"), name("k2"), name("k3"), name("k4")};
    store_attempts_t got[4];
    assert_int_equal(store_attempts_get_many(F.s, keys, 4, got), GH_ERR_INVALID);
    assert_int_equal(store_attempts_fail_many(F.s, keys, 4, T0, WINDOW, got), GH_ERR_INVALID);
    assert_int_equal(store_attempts_succeed_many(F.s, keys, 4, T0), GH_ERR_INVALID);
    assert_int_equal(store_attempts_forgive_many(F.s, keys, 4), GH_ERR_INVALID);
    assert_int_equal(store_attempts_get(F.s, keys[0], &got[0]), GH_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counted_read_forgiven_and_cleared_in_place),
        cmocka_unit_test(a_window_past_starts_again),
        cmocka_unit_test(more_keys_than_a_statement_takes_are_refused),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
