/* ui_static_find: embedded files by name with their Content-Type; unknown
 * names, other paths and traversal attempts are not found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "ui/ui.h"

static void test_finds_stylesheet(void **state)
{
    const char *type = NULL;
    const asset_t *f = ui_static_find("/static/gatehouse.css", &type);
    assert_non_null(f);
    assert_string_equal(type, "text/css; charset=utf-8");
    assert_true(f->len > 100);
    assert_int_equal(strlen(f->data), f->len);
    assert_ptr_equal(f, asset_find(ASSETS, "static/gatehouse.css"));
}

static void test_finds_logo(void **state)
{
    const char *type = NULL;
    const asset_t *f = ui_static_find("/static/logo.svg", &type);
    assert_non_null(f);
    assert_string_equal(type, "image/svg+xml");
    assert_non_null(strstr(f->data, "<svg"));
}

static void assert_not_found(const char *path)
{
    const char *type = "untouched";
    assert_null(ui_static_find(path, &type));
    assert_string_equal(type, "untouched");
}

static void test_unknown(void **state)
{
    assert_not_found("/static/nope.css");
    assert_not_found("/static/");
    assert_not_found("/static");
    assert_not_found("/static/gatehouse.CSS");
    assert_not_found("/static/gatehouse.css.bak");
    assert_not_found("/static/gatehouse");
    assert_not_found("/gatehouse.css");
    assert_not_found("static/gatehouse.css");
    assert_not_found("");
    assert_not_found(NULL);
}

static void test_only_static_files(void **state)
{
    assert_non_null(asset_find(ASSETS, "templates/login.html"));
    assert_not_found("/static/../templates/login.html");
    assert_not_found("/templates/login.html");
    assert_not_found("/static/templates/login.html");
    assert_not_found("/static/login.html");
}

static void test_traversal(void **state)
{
    assert_not_found("/static/../static/gatehouse.css");
    assert_not_found("/static/./gatehouse.css");
    assert_not_found("/static//gatehouse.css");
    assert_not_found("/static/..");
    assert_not_found("/static/...css");
    assert_not_found("/static/.hidden.css");
    assert_not_found("/static/a/../gatehouse.css");
    assert_not_found("/static/..%2fgatehouse.css");
    assert_not_found("/static/%2e%2e/gatehouse.css");
    assert_not_found("/static/gatehouse.css/");
    assert_not_found("/static/gatehouse.css\\..");
    assert_not_found("/static/gatehouse.css?x=1");
    assert_not_found("/static/gatehouse.css\n");
    assert_not_found("/static/ gatehouse.css");
}

static void test_long_name(void **state)
{
    char path[4096];
    memcpy(path, "/static/", 8);
    memset(path + 8, 'a', sizeof path - 8 - 5);
    memcpy(path + sizeof path - 5, ".css", 5);
    assert_not_found(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finds_stylesheet), cmocka_unit_test(test_finds_logo),
        cmocka_unit_test(test_unknown),          cmocka_unit_test(test_only_static_files),
        cmocka_unit_test(test_traversal),        cmocka_unit_test(test_long_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
