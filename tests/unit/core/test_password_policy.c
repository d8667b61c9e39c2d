/* Unit tests: the password policy (core/password_policy.h) over libpwquality:
 * the minimum length in characters (Korean ones too), the dictionary, a word
 * with digits around it, the username, and the sentences given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/password_policy.h"

#define MIN PASSWORD_POLICY_MIN_LENGTH

static void weak_ones_are_refused_saying_why(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(password_policy_check("password", "ann", MIN, &why), PASSWORD_TOO_SHORT);
    assert_string_equal(why, "the password is too short");
    assert_int_equal(password_policy_check("12345678", "ann", MIN, NULL), PASSWORD_TOO_SHORT);
    assert_int_equal(password_policy_check("", NULL, MIN, NULL), PASSWORD_TOO_SHORT);
    assert_int_equal(password_policy_check("basketball", "ann", MIN, NULL), PASSWORD_COMMON);
    assert_int_equal(password_policy_check("password1234", "ann", MIN, &why), PASSWORD_COMMON);
    assert_non_null(strstr(why, "common"));
    assert_int_equal(password_policy_check("Sunshine!2024", NULL, MIN, NULL), PASSWORD_COMMON);
    assert_int_equal(password_policy_check("qwerty123456", "ann", MIN, NULL), PASSWORD_TOO_SIMPLE);
    assert_int_equal(password_policy_check("x-annabel-77Q", "annabel", MIN, NULL),
                     PASSWORD_HAS_USERNAME);
}

static void strong_ones_pass(void **state)
{
    (void)state;
    const char *why = "untouched";
    assert_int_equal(password_policy_check("Tr0ub4dor&3x", "ann", MIN, &why), PASSWORD_OK);
    assert_string_equal(why, "untouched"); /* written only on a refusal */
    assert_int_equal(password_policy_check("violet-Kayak-93", "ann", MIN, NULL), PASSWORD_OK);
    assert_int_equal(password_policy_check("correct horse battery", NULL, MIN, NULL), PASSWORD_OK);
    /* Korean characters count one each */
    assert_int_equal(password_policy_check("하늘바다구름별빛노을", "ann", MIN, NULL), PASSWORD_OK);
}

static void length_is_counted_in_characters_and_set_by_the_caller(void **state)
{
    (void)state;
    /* nine Korean characters: 27 bytes, still too short */
    assert_int_equal(password_policy_check("하늘바다구름별빛노", NULL, MIN, NULL),
                     PASSWORD_TOO_SHORT);
    assert_int_equal(password_policy_check("violet-Kayak-93", NULL, 16, NULL), PASSWORD_TOO_SHORT);
    assert_int_equal(password_policy_check("violet-Kayak-93-x", NULL, 16, NULL), PASSWORD_OK);
    char long_one[PASSWORD_POLICY_MAX_BYTES + 2];
    memset(long_one, 'a', sizeof long_one - 1);
    long_one[sizeof long_one - 1] = '\0';
    assert_int_equal(password_policy_check(long_one, NULL, MIN, NULL), PASSWORD_TOO_LONG);
    assert_int_equal(password_policy_check(NULL, NULL, MIN, NULL), PASSWORD_TOO_LONG);
}

static void every_problem_has_a_sentence(void **state)
{
    (void)state;
    for (int p = 0; p < PASSWORD_PROBLEM_COUNT + 2; p++)
        assert_true(strlen(password_problem_str((password_problem_t)p)) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weak_ones_are_refused_saying_why),
        cmocka_unit_test(strong_ones_pass),
        cmocka_unit_test(length_is_counted_in_characters_and_set_by_the_caller),
        cmocka_unit_test(every_problem_has_a_sentence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
