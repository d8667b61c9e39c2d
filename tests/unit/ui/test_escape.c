/* HTML escaping and the template engine: every special character, trusted
 * and untrusted substitution, unknown names, malformed tags, and that a value
 * is never scanned for tags again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "ui/ui.h"
#include "ui/ui_int.h"

static arena_t *arena;

static int setup(void **state)
{
    arena = arena_new(1 << 20);
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    arena_free(arena);
    return 0;
}

static const char *escaped(const char *s)
{
    buf_t b;
    buf_init(&b, arena);
    ui_html_escape(&b, s);
    return buf_cstr(&b);
}

static const char *expanded(const char *tpl, const tpl_var_t *vars, size_t count)
{
    buf_t b;
    buf_init(&b, arena);
    tpl_expand(&b, tpl, strlen(tpl), vars, count);
    return buf_cstr(&b);
}

static void test_escape_each_char(void **state)
{
    assert_string_equal(escaped("&"), "&amp;");
    assert_string_equal(escaped("<"), "&lt;");
    assert_string_equal(escaped(">"), "&gt;");
    assert_string_equal(escaped("\""), "&quot;");
    assert_string_equal(escaped("'"), "&#39;");
}

static void test_escape_mixed(void **state)
{
    assert_string_equal(escaped("a<b>&\"c'd"), "a&lt;b&gt;&amp;&quot;c&#39;d");
    assert_string_equal(escaped("\"><script>alert(1)</script>"),
                        "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_string_equal(escaped("&amp;"), "&amp;amp;");
}

static void test_escape_plain_and_utf8_unchanged(void **state)
{
    assert_string_equal(escaped(""), "");
    assert_string_equal(escaped("plain text 123"), "plain text 123");
    assert_string_equal(escaped("비밀번호 로그인"), "비밀번호 로그인");
    assert_string_equal(escaped(NULL), "");
}

static void test_tpl_escapes_double_tags(void **state)
{
    const tpl_var_t vars[] = {{"v", "<b>&'\"", false}};
    assert_string_equal(expanded("[{{v}}]", vars, 1), "[&lt;b&gt;&amp;&#39;&quot;]");
}

static void test_tpl_triple_trusted_is_raw(void **state)
{
    const tpl_var_t vars[] = {{"frag", "<li>x</li>", true}};
    assert_string_equal(expanded("<ul>{{{frag}}}</ul>", vars, 1), "<ul><li>x</li></ul>");
}

static void test_tpl_triple_untrusted_is_escaped(void **state)
{
    const tpl_var_t vars[] = {{"user", "<script>", false}};
    assert_string_equal(expanded("{{{user}}}", vars, 1), "&lt;script&gt;");
}

static void test_tpl_double_trusted_is_escaped(void **state)
{
    const tpl_var_t vars[] = {{"frag", "<i>", true}};
    assert_string_equal(expanded("{{frag}}", vars, 1), "&lt;i&gt;");
}

static void test_tpl_unknown_and_null_are_empty(void **state)
{
    const tpl_var_t vars[] = {{"a", NULL, false}, {"b", "B", false}};
    assert_string_equal(expanded("1{{a}}2{{nope}}3{{{nope}}}4{{b}}", vars, 2), "1234B");
}

static void test_tpl_values_not_rescanned(void **state)
{
    const tpl_var_t vars[] = {
        {"a", "{{b}}", false}, {"b", "SECRET", false}, {"c", "{{{b}}}", true}};
    assert_string_equal(expanded("{{a}}|{{{c}}}", vars, 3), "{{b}}|{{{b}}}");
}

static void test_tpl_malformed_copied(void **state)
{
    const tpl_var_t vars[] = {{"a", "A", false}};
    assert_string_equal(expanded("{{a", vars, 1), "{{a");
    assert_string_equal(expanded("{{ a }}", vars, 1), "{{ a }}");
    assert_string_equal(expanded("{{A}}", vars, 1), "{{A}}");
    assert_string_equal(expanded("{{}}", vars, 1), "{{}}");
    assert_string_equal(expanded("{{{a}}", vars, 1), "{{{a}}");
    assert_string_equal(expanded("{{", vars, 1), "{{");
    assert_string_equal(expanded("x{", vars, 1), "x{");
    assert_string_equal(expanded("{{{{a}}", vars, 1), "{{A");
    assert_string_equal(expanded("{{a}}{{a}}", vars, 1), "AA");
}

static void test_tpl_name_length_bound(void **state)
{
    char longest[TPL_NAME_MAX + 1], too_long[TPL_NAME_MAX + 2];
    memset(longest, 'n', TPL_NAME_MAX);
    longest[TPL_NAME_MAX] = '\0';
    memset(too_long, 'n', TPL_NAME_MAX + 1);
    too_long[TPL_NAME_MAX + 1] = '\0';
    const tpl_var_t vars[] = {{longest, "ok", false}, {too_long, "bad", false}};
    char *t1 = arena_printf(arena, "{{%s}}", longest);
    char *t2 = arena_printf(arena, "{{%s}}", too_long);
    assert_string_equal(expanded(t1, vars, 2), "ok");
    assert_string_equal(expanded(t2, vars, 2), t2);
}

static void test_tpl_render_missing_template(void **state)
{
    buf_t b;
    buf_init(&b, arena);
    assert_int_equal(tpl_render(&b, "templates/nope.html", NULL, 0), GH_ERR_NOT_FOUND);
    assert_int_equal(tpl_render(&b, "templates/login.html", NULL, 0), GH_OK);
    assert_true(strstr(buf_cstr(&b), "<form") != NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_each_char),
        cmocka_unit_test(test_escape_mixed),
        cmocka_unit_test(test_escape_plain_and_utf8_unchanged),
        cmocka_unit_test(test_tpl_escapes_double_tags),
        cmocka_unit_test(test_tpl_triple_trusted_is_raw),
        cmocka_unit_test(test_tpl_triple_untrusted_is_escaped),
        cmocka_unit_test(test_tpl_double_trusted_is_escaped),
        cmocka_unit_test(test_tpl_unknown_and_null_are_empty),
        cmocka_unit_test(test_tpl_values_not_rescanned),
        cmocka_unit_test(test_tpl_malformed_copied),
        cmocka_unit_test(test_tpl_name_length_bound),
        cmocka_unit_test(test_tpl_render_missing_template),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
