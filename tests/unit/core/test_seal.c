/* secret_seal / secret_open: a round trip, a fresh nonce each time, and every
 * way opening must fail (another key, another aad, a changed byte, a cut or
 * malformed text). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/secret.h"

static const unsigned char KEY[32] = "0123456789abcdef0123456789abcde";
static const unsigned char OTHER[32] = "0123456789abcdef0123456789abcdX";

static void round_trip(void **state)
{
    arena_t *a = arena_new(1 << 20);
    char *s1 = NULL, *s2 = NULL, *plain = NULL;
    size_t len = 0;
    assert_int_equal(secret_seal(a, KEY, "naver:1", "tok\0en", 6, &s1), GH_OK);
    assert_int_equal(secret_seal(a, KEY, "naver:1", "tok\0en", 6, &s2), GH_OK);
    assert_string_not_equal(s1, s2);
    assert_null(strstr(s1, "tok"));
    assert_int_equal(secret_open(a, KEY, "naver:1", s1, &plain, &len), GH_OK);
    assert_int_equal(len, 6);
    assert_memory_equal(plain, "tok\0en", 6);
    assert_int_equal(secret_seal(a, KEY, "", "", 0, &s1), GH_OK);
    assert_int_equal(secret_open(a, KEY, "", s1, &plain, &len), GH_OK);
    assert_int_equal(len, 0);
    arena_free(a);
}

static void refusals(void **state)
{
    arena_t *a = arena_new(1 << 20);
    char *s = NULL, *plain = NULL;
    size_t len = 0;
    assert_int_equal(secret_seal(a, KEY, "naver:1", "token", 5, &s), GH_OK);
    assert_int_equal(secret_open(a, OTHER, "naver:1", s, &plain, &len), GH_ERR_CRYPTO);
    assert_int_equal(secret_open(a, KEY, "naver:2", s, &plain, &len), GH_ERR_CRYPTO);
    char *changed = arena_strdup(a, s);
    changed[10] = changed[10] == 'A' ? 'B' : 'A';
    assert_int_equal(secret_open(a, KEY, "naver:1", changed, &plain, &len), GH_ERR_CRYPTO);
    assert_int_equal(secret_open(a, KEY, "naver:1", "v1.AAAA", &plain, &len), GH_ERR_INVALID);
    assert_int_equal(secret_open(a, KEY, "naver:1", "v2.AAAA", &plain, &len), GH_ERR_INVALID);
    assert_int_equal(secret_open(a, KEY, "naver:1", "v1.!!", &plain, &len), GH_ERR_INVALID);
    assert_int_equal(secret_open(a, KEY, "naver:1", NULL, &plain, &len), GH_ERR_INVALID);
    static char big[SECRET_SEAL_MAX + 1];
    assert_int_equal(secret_seal(a, KEY, "", big, sizeof big, &s), GH_ERR_TOO_LARGE);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
