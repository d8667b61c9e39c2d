/* Unit tests for dynlib_load(): a library opened on first use fills its
 * table of typed function pointers; a missing library or symbol is
 * GH_ERR_UNAVAILABLE, leaves the library unloaded and is tried again. libm
 * stands in for libpq and libcurl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "core/dynlib.h"

#define LIBM_FUNCTIONS(X)                                                                          \
    X(, cos)                                                                                       \
    X(, floor)

typedef struct {
    LIBM_FUNCTIONS(DYNLIB_FIELD)
} libm_t;

#define LIBM_SYMBOL(prefix, name) DYNLIB_SYMBOL(libm_t, prefix, name)
static const dynlib_symbol_t LIBM_SYMBOLS[] = {LIBM_FUNCTIONS(LIBM_SYMBOL)};

static void test_fills_the_table(void **state)
{
    (void)state;
    libm_t m = {0};
    dynlib_t lib = {"libm.so.6", "libc6", LIBM_SYMBOLS, 2, &m, false};
    assert_int_equal(dynlib_load(&lib), GH_OK);
    assert_true(lib.loaded);
    assert_non_null(m.cos);
    assert_non_null(m.floor);
    assert_true(m.cos(0.0) == 1.0);
    assert_true(m.floor(2.5) == 2.0);
    m.cos = NULL; /* a second load does nothing */
    assert_int_equal(dynlib_load(&lib), GH_OK);
    assert_null(m.cos);
}

static void test_missing_library(void **state)
{
    (void)state;
    libm_t m = {0};
    dynlib_t lib = {"libgatehouse-absent.so.0", "none", LIBM_SYMBOLS, 2, &m, false};
    assert_int_equal(dynlib_load(&lib), GH_ERR_UNAVAILABLE);
    assert_false(lib.loaded);
    assert_int_equal(dynlib_load(&lib), GH_ERR_UNAVAILABLE); /* tried again, not remembered */
    assert_null(m.cos);
}

static void test_missing_symbol(void **state)
{
    (void)state;
    struct {
        void (*absent)(void);
    } t = {0};
    static const dynlib_symbol_t SYMBOLS[] = {{"gatehouse_absent_function", 0}};
    dynlib_t lib = {"libm.so.6", "libc6", SYMBOLS, 1, &t, false};
    assert_int_equal(dynlib_load(&lib), GH_ERR_UNAVAILABLE);
    assert_false(lib.loaded);
    assert_null(t.absent);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fills_the_table),
        cmocka_unit_test(test_missing_library),
        cmocka_unit_test(test_missing_symbol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
