/* Unit tests of what only the SQLite engine has: the URL's option
 * (sqlite:PATH?synchronous=normal|full: not part of the file name, anything
 * else refused), and the library settings it makes for the whole process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

static char dir[] = "/tmp/gh-sqlite-url-XXXXXX";

static void add_user(const char *url)
{
    store_t *s = NULL;
    assert_int_equal(store_open(url, &s), GH_OK);
    store_user_t u = {.sub = "0123456789abcdef0123456789abcdef",
                      .username = "url-user",
                      .password_hash = "$argon2id$x",
                      .created_at = 1};
    assert_int_equal(store_user_add(s, &u), GH_OK);
    store_close(s);
}

static void option_is_not_the_file_name(void **state)
{
    char url[256], plain[256];
    snprintf(url, sizeof url, "sqlite:%s/a.db?synchronous=full", dir);
    snprintf(plain, sizeof plain, "sqlite:%s/a.db", dir);
    add_user(url);
    store_t *s = NULL;
    assert_int_equal(store_open(plain, &s), GH_OK);
    arena_t *a = arena_new(1 << 16);
    store_user_t u;
    assert_int_equal(store_user_find(s, a, "url-user", &u), GH_OK);
    arena_free(a);
    store_close(s);
    snprintf(url, sizeof url, "sqlite:%s/a.db?synchronous=normal", dir);
    assert_int_equal(store_open(url, &s), GH_OK);
    store_close(s);
}

static void other_options_refused(void **state)
{
    char url[256];
    store_t *s = NULL;
    snprintf(url, sizeof url, "sqlite:%s/b.db?synchronous=off", dir);
    assert_int_equal(store_open(url, &s), GH_ERR_INVALID);
    snprintf(url, sizeof url, "sqlite:%s/b.db?mode=ro", dir);
    assert_int_equal(store_open(url, &s), GH_ERR_INVALID);
}

/* SQLite's allocation statistics take one process-wide mutex on every
 * allocation, which the worker threads' reads contended on: they are off, so
 * the library counts nothing however much the store allocates. */
static void allocation_statistics_off(void **state)
{
    char url[256];
    snprintf(url, sizeof url, "sqlite:%s/c.db", dir);
    add_user(url);
    assert_int_equal(sqlite3_memory_used(), 0);
    assert_int_equal(sqlite3_memory_highwater(0), 0);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(option_is_not_the_file_name),
        cmocka_unit_test(other_options_refused),
        cmocka_unit_test(allocation_statistics_off),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
