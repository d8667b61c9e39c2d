/* The statement layer (store/db.h): every engine fills in every function of
 * its table (one added to store_engine_t but not to an engine fails here,
 * before a caller can reach it); PostgreSQL's placeholders are numbered as
 * SQLite numbers `?` and `?N`; a statement keeps the slot it was given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "store/db.h"

extern const store_engine_t SQLITE_ENGINE, PG_ENGINE;

typedef void (*fn_t)(void);

/* Everything from `query` to `close` is a function pointer. */
_Static_assert((offsetof(store_engine_t, close) - offsetof(store_engine_t, query)) % sizeof(fn_t) ==
                   0,
               "store_engine_t holds only function pointers from query to close");

static void assert_complete(const store_engine_t *e)
{
    assert_non_null(e->name);
    size_t slots =
        (offsetof(store_engine_t, close) - offsetof(store_engine_t, query)) / sizeof(fn_t) + 1;
    for (size_t i = 0; i < slots; i++) {
        fn_t fn;
        memcpy(&fn, (const char *)e + offsetof(store_engine_t, query) + i * sizeof fn, sizeof fn);
        if (!fn)
            fail_msg("engine %s: function %zu of store_engine_t (0 = query) is NULL", e->name, i);
    }
}

static void test_engines_complete(void **state)
{
    assert_string_equal(SQLITE_ENGINE.name, "sqlite");
    assert_complete(&SQLITE_ENGINE);
    assert_false(SQLITE_ENGINE.dialect.writable_cte);
    assert_string_equal(PG_ENGINE.name, "postgresql");
    assert_complete(&PG_ENGINE);
    assert_true(PG_ENGINE.dialect.writable_cte);
}

static void numbered(const char *sql, const char *want)
{
    char out[256];
    assert_true(store_sql_numbered(sql, out, sizeof out));
    assert_string_equal(out, want);
}

static void test_placeholders(void **state)
{
    numbered("SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = $1 AND c = $2");
    numbered("UPDATE t SET a = ?2 WHERE b = ?1 AND c > ?2",
             "UPDATE t SET a = $2 WHERE b = $1 AND c > $2");
    /* a bare ? after numbered ones takes the largest number so far plus one */
    numbered("SET x = ?3, y = ?1, z = ?", "SET x = $3, y = $1, z = $4");
    numbered("SELECT ?10, ?11", "SELECT $10, $11");
    numbered("WHERE a = '?' AND b = ?", "WHERE a = '?' AND b = $1"); /* quoted text untouched */
    numbered("no placeholders", "no placeholders");
    char small[8];
    assert_false(store_sql_numbered("SELECT ? FROM t", small, sizeof small));
}

static void test_slots(void **state)
{
    static store_sql_t a = STORE_SQL("SELECT 1"), b = STORE_SQL2("SELECT 2", "SELECT 2 FOR UPDATE");
    int sa = store_sql_slot(&a), sb = store_sql_slot(&b);
    assert_true(sa > 0 && sb > 0 && sa != sb && sa <= STORE_MAX_SQL && sb <= STORE_MAX_SQL);
    assert_int_equal(store_sql_slot(&a), sa); /* kept */
    assert_string_equal(store_sql_text(&b, false), "SELECT 2");
    assert_string_equal(store_sql_text(&b, true), "SELECT 2 FOR UPDATE");
    assert_string_equal(store_sql_text(&a, true), "SELECT 1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engines_complete),
        cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
