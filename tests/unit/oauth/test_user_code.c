/* Unit tests: device flow user codes, their format and how typed input is
 * read back (src/oauth/user_code.c, RFC 8628 §6.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "oauth/oauth_int.h"

static const char ALPHABET[] = "BCDFGHJKLMNPQRSTVWXZ";

static void new_codes_have_the_format(void **state)
{
    int seen[26] = {0};
    char prev[USER_CODE_DISPLAY_LEN + 1] = "";
    for (int i = 0; i < 500; i++) {
        char code[USER_CODE_DISPLAY_LEN + 1];
        assert_int_equal(user_code_new(code), GH_OK);
        assert_int_equal(strlen(code), USER_CODE_DISPLAY_LEN);
        assert_int_equal(code[4], '-');
        for (int j = 0; j < USER_CODE_DISPLAY_LEN; j++) {
            if (j == 4)
                continue;
            assert_non_null(strchr(ALPHABET, code[j]));
            seen[code[j] - 'A']++;
        }
        assert_string_not_equal(code, prev);
        memcpy(prev, code, sizeof prev);
    }
    /* 4000 letters: every one of the twenty shows up */
    for (const char *c = ALPHABET; *c; c++)
        assert_true(seen[*c - 'A'] > 0);
}

static void input_is_read_loosely(void **state)
{
    char out[USER_CODE_LEN + 1];
    static const char *const same[] = {"WDJB-MJHT", "wdjb-mjht",    "WDJBMJHT",
                                       "wdjb mjht", " Wdjb--MjHt ", "W-D-J-B-M-J-H-T"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        memset(out, 0, sizeof out);
        assert_int_equal(user_code_normalize(same[i], out), GH_OK);
        assert_string_equal(out, "WDJBMJHT");
    }
}

static void bad_input_is_refused(void **state)
{
    char out[USER_CODE_LEN + 1];
    static const char *const bad[] = {
        "",          "WDJB-MJH",  "WDJB-MJHTB", "WDJB-MJHA", /* a vowel */
        "WDJB_MJHT", "WDJB-MJH1", "WDJB\tMJHT", "WDJB-MJ\xc3\xa9", "----------", "WDJB-MJHT-WD",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(user_code_normalize(bad[i], out), GH_ERR_INVALID);
    assert_int_equal(user_code_normalize(NULL, out), GH_ERR_INVALID);
    /* bounded: 8 letters drowned in dashes past 64 characters */
    char longer[80];
    memset(longer, '-', sizeof longer);
    memcpy(longer + 60, "WDJBMJHT", 8);
    longer[sizeof longer - 1] = '\0';
    assert_int_equal(user_code_normalize(longer, out), GH_ERR_INVALID);
    longer[64] = '\0';
    memcpy(longer + 56, "WDJBMJHT", 8);
    assert_int_equal(user_code_normalize(longer, out), GH_OK);
}

static void digest_is_of_the_normalised_code(void **state)
{
    char a[65], b[65], n1[USER_CODE_LEN + 1], n2[USER_CODE_LEN + 1];
    assert_int_equal(user_code_normalize("wdjb-mjht", n1), GH_OK);
    assert_int_equal(user_code_normalize("WDJBMJHT", n2), GH_OK);
    user_code_digest(n1, a);
    user_code_digest(n2, b);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), 64);
    assert_null(strstr(a, "WDJB"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_codes_have_the_format),
        cmocka_unit_test(input_is_read_loosely),
        cmocka_unit_test(bad_input_is_refused),
        cmocka_unit_test(digest_is_of_the_normalised_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
