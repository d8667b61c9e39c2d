/* Every engine implements every store operation: no entry of an engine's
 * table of operations (store_int.h) is NULL. An operation added to
 * store_ops_t but not to one engine fails here, before any caller can reach
 * the missing function. The table is walked slot by slot from its first
 * function pointer, so the test needs no update when operations are added. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "store/store_int.h"

typedef void (*fn_t)(void);

/* Everything after `name` is a function pointer. */
_Static_assert((sizeof(store_ops_t) - offsetof(store_ops_t, close)) % sizeof(fn_t) == 0,
               "store_ops_t holds only function pointers after its name");

/* Fails naming the first empty slot of ops (by its index after `close`). */
static void assert_complete(const store_ops_t *ops)
{
    assert_non_null(ops->name);
    size_t slots = (sizeof *ops - offsetof(store_ops_t, close)) / sizeof(fn_t);
    for (size_t i = 0; i < slots; i++) {
        fn_t fn;
        memcpy(&fn, (const char *)ops + offsetof(store_ops_t, close) + i * sizeof fn, sizeof fn);
        if (!fn)
            fail_msg("engine %s: operation slot %zu of store_ops_t (0 = close) is NULL", ops->name,
                     i);
    }
}

static void test_sqlite_ops_complete(void **state)
{
    assert_string_equal(STORE_SQLITE_OPS.name, "sqlite");
    assert_complete(&STORE_SQLITE_OPS);
}

static void test_pg_ops_complete(void **state)
{
    assert_string_equal(STORE_PG_OPS.name, "postgresql");
    assert_complete(&STORE_PG_OPS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_ops_complete),
        cmocka_unit_test(test_pg_ops_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
