/* Unit tests for src/oauth/throttle.c: the sign-in lock policy (when a
 * counter locks, how the lock doubles, that it is capped and always ends), the
 * user-code window, and, against a real SQLite store in a temporary
 * directory, the user-code throttle per session and per address and that
 * sign-in and user-code counters never share a row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oauth/oauth_int.h"

#define T0 INT64_C(1700000000)

static config_server_t policy(void)
{
    return (config_server_t){.login_lockout = 30, .login_lockout_max = 300};
}

static int64_t left(long limit, int64_t failures, int64_t since_last_failure)
{
    config_server_t cfg = policy();
    store_attempts_t c = {.failures = failures, .window_start = T0, .last_failure = T0};
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

static void the_code_window_starts_at_the_first_failure(void **state)
{
    store_attempts_t c = {.failures = 3, .window_start = T0, .last_failure = T0 + 500};
    assert_int_equal(throttle_window_failures(&c, 600, T0), 3);
    assert_int_equal(throttle_window_failures(&c, 600, T0 + 599), 3);
    assert_int_equal(throttle_window_failures(&c, 600, T0 + 600), 0);
    store_attempts_t never = {0};
    assert_int_equal(throttle_window_failures(&never, 600, T0), 0);
}

/* ---- against a store ---- */

typedef struct {
    char dir[64];
    config_t cfg;
    app_t app;
    http_request_t req;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    char url[96];
    assert_non_null(f);
    strcpy(f->dir, "/tmp/gh-test-throttle.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(url, sizeof url, "sqlite:%s/throttle.db", f->dir);
    config_init(&f->cfg);
    f->app.cfg = &f->cfg.server;
    memset(f->app.csrf_key, 7, sizeof f->app.csrf_key);
    assert_int_equal(store_open(url, &f->app.store), GH_OK);
    f->req =
        (http_request_t){.arena = arena_new(1u << 20), .remote_addr = "192.0.2.1", .app = &f->app};
    assert_non_null(f->req.arena);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[128];
    store_close(f->app.store);
    arena_free(f->req.arena);
    config_free(&f->cfg);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* One user code guess: counts it; the seconds to wait when it is refused, else 0. */
static int64_t code_wait(fixture_t *f, const char *session, int64_t now)
{
    int64_t retry_after = -1;
    assert_int_equal(throttle_code_begin(&f->req, session, now, &retry_after), GH_OK);
    return retry_after;
}

/* One user code guess: counts it, true when it is refused. */
static bool code_over(fixture_t *f, const char *session, int64_t now)
{
    return code_wait(f, session, now) > 0;
}

static void codes_throttled_per_session(void **state)
{
    fixture_t *f = *state;
    for (int i = 0; i < 5; i++)
        assert_false(code_over(f, "session-a", T0 + i));
    assert_true(code_over(f, "session-a", T0 + 5));
    /* refused until 10 minutes after the first wrong code (issue 25 item 6) */
    assert_int_equal(code_wait(f, "session-a", T0 + 100), 600 - 100);
    assert_false(code_over(f, "session-b", T0 + 5));
    /* the window began at the first wrong code; refused guesses are not counted */
    assert_true(code_over(f, "session-a", T0 + 599));
    assert_false(code_over(f, "session-a", T0 + 600));
}

static void a_found_code_is_not_counted(void **state)
{
    fixture_t *f = *state;
    for (int i = 0; i < 10; i++) {
        assert_false(code_over(f, "session-a", T0));
        throttle_code_found(&f->req, "session-a");
    }
    assert_false(code_over(f, "session-a", T0));
}

static void codes_throttled_per_address(void **state)
{
    fixture_t *f = *state;
    char session[32];
    for (int i = 0; i < 20; i++) {
        snprintf(session, sizeof session, "session-%d", i);
        assert_false(code_over(f, session, T0));
    }
    assert_true(code_over(f, "a-new-session", T0 + 1));
    f->req.remote_addr = "192.0.2.2";
    assert_false(code_over(f, "a-new-session", T0 + 1));
}

/* One password guess of username at now: the seconds it must wait (0: checked). */
static int64_t login_wait(fixture_t *f, const char *username, int64_t now)
{
    int64_t wait = -1;
    assert_int_equal(throttle_login_begin(&f->req, username, now, &wait), GH_OK);
    return wait;
}

/* Guesses are counted before they are checked, so the limit holds however
 * they interleave; a right password takes its guess off the address. */
static void sign_in_guesses_are_counted_first(void **state)
{
    fixture_t *f = *state;
    f->cfg.server.login_max_failures = 5;
    f->cfg.server.login_max_failures_address = 8;
    for (int i = 0; i < 5; i++)
        assert_int_equal(login_wait(f, "alice", T0), 0);
    assert_true(login_wait(f, "alice", T0) > 0);
    /* a right password elsewhere: the address keeps no count of it */
    assert_int_equal(login_wait(f, "bob", T0), 0);
    throttle_success(&f->req, "bob", T0);
    assert_int_equal(login_wait(f, "carol", T0), 0);
    assert_int_equal(login_wait(f, "dave", T0), 0);
    assert_int_equal(login_wait(f, "erin", T0), 0); /* the address's 8th wrong guess */
    assert_true(login_wait(f, "frank", T0) > 0);
}

/* The address counters of both purposes digest the same address: only the
 * key's purpose keeps them apart. */
static void sign_in_and_codes_count_apart(void **state)
{
    fixture_t *f = *state;
    char name[32];
    f->cfg.server.login_max_failures_address = 20;
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "session-%d", i);
        assert_false(code_over(f, name, T0));
    }
    assert_int_equal(login_wait(f, "alice", T0 + 1), 0);
    f->req.remote_addr = "192.0.2.3";
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "bob-%d", i);
        assert_int_equal(login_wait(f, name, T0), 0);
    }
    assert_true(login_wait(f, "carol", T0 + 1) > 0);
    assert_false(code_over(f, "session-c", T0 + 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(below_the_limit_is_free),
        cmocka_unit_test(the_limit_locks_then_doubles),
        cmocka_unit_test(the_lock_is_capped_and_ends),
        cmocka_unit_test(a_zero_limit_never_locks),
        cmocka_unit_test(the_code_window_starts_at_the_first_failure),
        cmocka_unit_test_setup_teardown(codes_throttled_per_session, setup, teardown),
        cmocka_unit_test_setup_teardown(codes_throttled_per_address, setup, teardown),
        cmocka_unit_test_setup_teardown(a_found_code_is_not_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(sign_in_guesses_are_counted_first, setup, teardown),
        cmocka_unit_test_setup_teardown(sign_in_and_codes_count_apart, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
