/* Unit tests: the arena's cap and cleanups, and the growable buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"

static int cleanups_run;
static void count_cleanup(void *p)
{
    cleanups_run += *(int *)p;
}

static void arena_cap_is_hard(void **state)
{
    arena_t *a = arena_new(1024);
    assert_non_null(arena_alloc(a, 1000));
    assert_null(arena_alloc(a, 100));
    assert_true(arena_used(a) <= 1024);
    assert_null(arena_alloc(a, (size_t)-1));
    arena_free(a);
    arena_free(NULL);
}

static void arena_grows_and_cleans_up(void **state)
{
    arena_t *a = arena_new(1 << 24);
    for (int i = 0; i < 1000; i++) {
        char *s = arena_printf(a, "item %d", i);
        assert_string_equal(s, i == 999 ? "item 999" : s);
    }
    char *big = arena_alloc(a, 1 << 20);
    assert_non_null(big);
    assert_int_equal(big[12345], 0);
    static int one = 1, ten = 10;
    cleanups_run = 0;
    arena_defer(a, count_cleanup, &one);
    arena_defer(a, count_cleanup, &ten);
    arena_free(a);
    assert_int_equal(cleanups_run, 11);
}

static void buf_appends_and_fails_sticky(void **state)
{
    arena_t *a = arena_new(4096);
    buf_t b;
    buf_init(&b, a);
    assert_string_equal(buf_cstr(&b), "");
    buf_puts(&b, "hello");
    buf_putc(&b, ' ');
    buf_printf(&b, "%d-%s", 42, "x");
    assert_string_equal(buf_cstr(&b), "hello 42-x");
    char filler[2048];
    memset(filler, 'z', sizeof filler);
    for (int i = 0; i < 4; i++)
        buf_append(&b, filler, sizeof filler);
    assert_true(b.failed);
    assert_null(buf_cstr(&b));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_cap_is_hard),
        cmocka_unit_test(arena_grows_and_cleans_up),
        cmocka_unit_test(buf_appends_and_fails_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
