/* ui_lang_pick: ui_locales first, then Accept-Language with q-values, then
 * English; garbage and very long inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ui/ui.h"

#define EN UI_LANG_EN
#define KO UI_LANG_KO

static void test_default_english(void **state)
{
    assert_int_equal(ui_lang_pick(NULL, NULL), EN);
    assert_int_equal(ui_lang_pick("", ""), EN);
    assert_int_equal(ui_lang_pick("fr de", "ja, zh-CN;q=0.8"), EN);
}

static void test_ui_locales(void **state)
{
    assert_int_equal(ui_lang_pick("ko", NULL), KO);
    assert_int_equal(ui_lang_pick("ko-KR", NULL), KO);
    assert_int_equal(ui_lang_pick("KO-kr", NULL), KO);
    assert_int_equal(ui_lang_pick("en", "ko"), EN);
    assert_int_equal(ui_lang_pick("en-US", "ko"), EN);
    assert_int_equal(ui_lang_pick("fr-CA ko en", NULL), KO);
    assert_int_equal(ui_lang_pick("fr-CA en ko", NULL), EN);
    assert_int_equal(ui_lang_pick("  ko  ", NULL), KO);
}

static void test_ui_locales_not_prefix_match(void **state)
{
    assert_int_equal(ui_lang_pick("kok", "ko"), KO); /* kok is Konkani: falls to Accept-Language */
    assert_int_equal(ui_lang_pick("kok", NULL), EN);
    assert_int_equal(ui_lang_pick("eng ko", NULL), KO);
    assert_int_equal(ui_lang_pick("k", NULL), EN);
}

static void test_ui_locales_unknown_falls_to_accept_language(void **state)
{
    assert_int_equal(ui_lang_pick("fr", "ko-KR,ko;q=0.9"), KO);
    assert_int_equal(ui_lang_pick("", "ko"), KO);
}

static void test_accept_language_qvalues(void **state)
{
    assert_int_equal(ui_lang_pick(NULL, "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7"), KO);
    assert_int_equal(ui_lang_pick(NULL, "en-US,en;q=0.9,ko;q=0.8"), EN);
    assert_int_equal(ui_lang_pick(NULL, "en;q=0.5, ko;q=0.6"), KO);
    assert_int_equal(ui_lang_pick(NULL, "fr, ko;q=0.1"), KO);
    assert_int_equal(ui_lang_pick(NULL, "en;q=0.001,ko;q=0.002"), KO);
    assert_int_equal(ui_lang_pick(NULL, "ko;Q=1.000"), KO);
    assert_int_equal(ui_lang_pick(NULL, "ko ; q=0.7 , en;q=0.3"), KO);
}

static void test_accept_language_ties_keep_order(void **state)
{
    assert_int_equal(ui_lang_pick(NULL, "ko, en"), KO);
    assert_int_equal(ui_lang_pick(NULL, "en, ko"), EN);
    assert_int_equal(ui_lang_pick(NULL, "en;q=0.8, ko;q=0.8"), EN);
    assert_int_equal(ui_lang_pick(NULL, "ko;q=0.8, en;q=0.80"), KO);
}

static void test_accept_language_zero_refuses(void **state)
{
    assert_int_equal(ui_lang_pick(NULL, "ko;q=0"), EN);
    assert_int_equal(ui_lang_pick(NULL, "ko;q=0.000, en;q=0"), EN);
    assert_int_equal(ui_lang_pick(NULL, "en;q=0, ko;q=0.2"), KO);
}

static void test_accept_language_garbage(void **state)
{
    assert_int_equal(ui_lang_pick(NULL, "ko;q=2"), EN);
    assert_int_equal(ui_lang_pick(NULL, "ko;q=1.5"), EN);
    assert_int_equal(ui_lang_pick(NULL, "ko;q=abc"), EN);
    assert_int_equal(ui_lang_pick(NULL, "ko;q=0.12345"), EN);
    assert_int_equal(ui_lang_pick(NULL, "ko;q=-1"), EN);
    assert_int_equal(ui_lang_pick(NULL, "ko;x=1"), EN);
    assert_int_equal(ui_lang_pick(NULL, "ko;q="), EN);
    assert_int_equal(ui_lang_pick(NULL, ",,,;;;===,,"), EN);
    assert_int_equal(ui_lang_pick(NULL, ";q=1,ko;q=bad,ko;q=0.3"), KO);
    assert_int_equal(ui_lang_pick(NULL, "*"), EN);
    assert_int_equal(ui_lang_pick(NULL, "\xff\xfe, ko"), KO);
}

static char *repeat(const char *unit, size_t times, const char *tail)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(u * times + t + 1);
    assert_non_null(s);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * u, unit, u);
    memcpy(s + u * times, tail, t + 1);
    return s;
}

static void test_long_inputs(void **state)
{
    char *locales = repeat("xx-YY ", 100000, "ko");
    char *accept = repeat("fr;q=0.9,", 100000, "ko;q=0.5");
    char *one_tag = repeat("k", 1000000, "");
    assert_int_equal(ui_lang_pick(locales, NULL), KO);
    assert_int_equal(ui_lang_pick(NULL, accept), KO);
    assert_int_equal(ui_lang_pick(one_tag, one_tag), EN);
    free(locales);
    free(accept);
    free(one_tag);
}

static void test_lang_tag(void **state)
{
    assert_string_equal(ui_lang_tag(EN), "en");
    assert_string_equal(ui_lang_tag(KO), "ko");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_english),
        cmocka_unit_test(test_ui_locales),
        cmocka_unit_test(test_ui_locales_not_prefix_match),
        cmocka_unit_test(test_ui_locales_unknown_falls_to_accept_language),
        cmocka_unit_test(test_accept_language_qvalues),
        cmocka_unit_test(test_accept_language_ties_keep_order),
        cmocka_unit_test(test_accept_language_zero_refuses),
        cmocka_unit_test(test_accept_language_garbage),
        cmocka_unit_test(test_long_inputs),
        cmocka_unit_test(test_lang_tag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
