/* Unit tests: the JSON object writer (core/jsonw.c) gives, byte for byte,
 * jansson's compact dump of the same members, and fails where jansson does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"

/* Writes {"k": value} with jsonw_string and compares it with jansson's dump. */
static void assert_string_member_as_jansson(const char *value)
{
    arena_t *a = arena_new(1 << 16);
    buf_t b;
    jsonw_t w;
    buf_init(&b, a);
    jsonw_begin(&w, &b);
    jsonw_string(&w, "k", value);
    jsonw_end(&w);
    json_t *o = json_pack("{ss}", "k", value);
    char *want = json_dumps(o, JSON_COMPACT);
    assert_non_null(want);
    assert_non_null(buf_cstr(&b));
    assert_string_equal(buf_cstr(&b), want);
    free(want);
    json_decref(o);
    arena_free(a);
}

static void every_byte_escaped_as_jansson(void **state)
{
    for (int c = 1; c < 0x80; c++) {
        char s[] = {'a', (char)c, 'z', '\0'};
        assert_string_member_as_jansson(s);
    }
    assert_string_member_as_jansson("");
    assert_string_member_as_jansson("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91 \"q\" \\ /");
    assert_string_member_as_jansson("line\nbreak\ttab\x01\x1f\x7f");
}

static void invalid_utf8_fails_the_buffer(void **state)
{
    const char *bad[] = {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        arena_t *a = arena_new(1 << 16);
        buf_t b;
        jsonw_t w;
        buf_init(&b, a);
        jsonw_begin(&w, &b);
        jsonw_string(&w, "k", bad[i]);
        jsonw_end(&w);
        assert_null(buf_cstr(&b));
        arena_free(a);
    }
}

static void members_in_order_as_jansson(void **state)
{
    arena_t *a = arena_new(1 << 16);
    buf_t b;
    jsonw_t w;
    json_t *nested = json_pack("{s[iis]sb}", "a", 1, -2, "x\"y", "t", 1);
    buf_init(&b, a);
    jsonw_begin(&w, &b);
    jsonw_string(&w, "s", "v");
    jsonw_int(&w, "zero", 0);
    jsonw_int(&w, "max", INT64_MAX);
    jsonw_int(&w, "min", INT64_MIN);
    jsonw_int(&w, "neg", -1700000000);
    jsonw_bool(&w, "yes", true);
    jsonw_bool(&w, "no", false);
    jsonw_value(&w, "nested", nested);
    jsonw_value(&w, "str", json_array_get(json_object_get(nested, "a"), 2));
    jsonw_end(&w);
    json_t *o =
        json_pack("{sssIsIsIsIsbsbsOss}", "s", "v", "zero", (json_int_t)0, "max",
                  (json_int_t)INT64_MAX, "min", (json_int_t)INT64_MIN, "neg",
                  (json_int_t)-1700000000, "yes", 1, "no", 0, "nested", nested, "str", "x\"y");
    char *want = json_dumps(o, JSON_COMPACT);
    assert_non_null(buf_cstr(&b));
    assert_string_equal(buf_cstr(&b), want);
    free(want);
    json_decref(o);
    json_decref(nested);
    arena_free(a);
}

static void empty_object_and_null_string(void **state)
{
    arena_t *a = arena_new(1 << 16);
    buf_t b;
    jsonw_t w;
    buf_init(&b, a);
    jsonw_begin(&w, &b);
    jsonw_end(&w);
    assert_string_equal(buf_cstr(&b), "{}");
    buf_init(&b, a);
    jsonw_begin(&w, &b);
    jsonw_string(&w, "k", NULL); /* as json_string(NULL): no value */
    jsonw_end(&w);
    assert_null(buf_cstr(&b));
    arena_free(a);
}

static void reads_back_what_it_writes(void **state)
{
    const char text[] = "{\"iss\":\"https://gh.example\",\"iat\":1700000000,\"neg\":-5,"
                        "\"zero\":0,\"big\":999999999999999999,\"e\":\"\"}";
    json_t *got = NULL;
    assert_true(jsonw_read(text, sizeof text - 1, &got));
    json_t *want = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    assert_true(json_equal(got, want));
    json_decref(got);
    json_decref(want);
    assert_true(jsonw_read("{}", 2, &got));
    assert_int_equal(json_object_size(got), 0);
    json_decref(got);
}

/* Anything but the canonical form is left to jansson. */
static void leaves_the_rest_to_jansson(void **state)
{
    const char *other[] = {
        "",
        "{",
        "}",
        "[]",
        "{\"a\":1,\"a\":2}",
        "{ }",
        "{\"a\": 1}",
        "{\"a\":-0}",
        "{\"a\":01}",
        "{\"a\":1234567890123456789}",
        "{\"a\":1.5}",
        "{\"a\":1e5}",
        "{\"a\":true}",
        "{\"a\":null}",
        "{\"a\":\"x\\\"y\"}",
        "{\"a\":{}}",
        "{\"a\":[1]}",
        "{\"a\":1,}",
        "{\"a\":1}x",
        "{\"a\":\"x",
        "{\"a\":\"\t\"}",
        "{\"\xc3\xa9\":1}",
        "{\"a\":-}",
        "{a:1}",
        "{\"a\"1}",
    };
    for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
        json_t *got = NULL;
        if (jsonw_read(other[i], strlen(other[i]), &got))
            fail_msg("read %s", other[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_byte_escaped_as_jansson),
        cmocka_unit_test(invalid_utf8_fails_the_buffer),
        cmocka_unit_test(members_in_order_as_jansson),
        cmocka_unit_test(empty_object_and_null_string),
        cmocka_unit_test(reads_back_what_it_writes),
        cmocka_unit_test(leaves_the_rest_to_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
