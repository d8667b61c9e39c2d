/* Unit tests for pairwise subject identifiers (src/oidc/pairwise.c, OpenID
 * Connect Core §8.1): a client's sector from its redirect URIs, and the
 * pairwise sub, checked against an HMAC-SHA256 computed independently. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "oidc/oidc.h"

static oidc_sector_t sector(const char *a, const char *b, char *out)
{
    const char *const uris[] = {a, b};
    return oidc_sector_of(uris, b ? 2 : (a ? 1 : 0), out, OIDC_SECTOR_MAX);
}

static void test_sector_of_redirect_uris(void **state)
{
    (void)state;
    char s[OIDC_SECTOR_MAX];
    assert_int_equal(sector("https://a.example/cb", "https://A.Example:8443/other?x=1", s),
                     OIDC_SECTOR_OK);
    assert_string_equal(s, "a.example"); /* the host: no port, no path, any case */
    assert_int_equal(sector("https://user@a.example/cb", NULL, s), OIDC_SECTOR_OK);
    assert_string_equal(s, "a.example");
    assert_int_equal(sector("http://[::1]:8080/cb", "http://[::1]/cb", s), OIDC_SECTOR_OK);
    assert_string_equal(s, "[::1]");
    assert_int_equal(sector("https://a.example/cb", "https://b.example/cb", s), OIDC_SECTOR_MIXED);
    assert_int_equal(sector("https://a.example/cb", "https://a.example.evil/cb", s),
                     OIDC_SECTOR_MIXED);
    assert_int_equal(sector("com.example.app:/cb", NULL, s), OIDC_SECTOR_NO_HOST);
    assert_int_equal(sector(NULL, NULL, s), OIDC_SECTOR_NONE);
}

static void test_pairwise_sub(void **state)
{
    (void)state;
    unsigned char key[32], other[32];
    for (int i = 0; i < 32; i++) {
        key[i] = (unsigned char)i;
        other[i] = (unsigned char)(i + 1);
    }
    const char *sub = "0123456789abcdef0123456789abcdef";
    char a[OIDC_PAIRWISE_SUB_LEN + 1], b[OIDC_PAIRWISE_SUB_LEN + 1];
    oidc_pairwise_sub(key, "a.example", sub, a);
    /* python3: hmac.new(bytes(range(32)), b'a.example\n' + sub, sha256) */
    assert_string_equal(a, "a382b5be376a3c5a73066aca572a5d72232025960c8ace8f23bf6e422c804f70");
    oidc_pairwise_sub(key, "a.example", sub, b);
    assert_string_equal(a, b); /* stable */
    oidc_pairwise_sub(key, "b.example", sub, b);
    assert_string_not_equal(a, b); /* another sector */
    oidc_pairwise_sub(key, "a.example", "0123456789abcdef0123456789abcdee", b);
    assert_string_not_equal(a, b); /* another member */
    oidc_pairwise_sub(other, "a.example", sub, b);
    assert_string_not_equal(a, b); /* another server key */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sector_of_redirect_uris),
        cmocka_unit_test(test_pairwise_sub),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
