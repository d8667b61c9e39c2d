/* Unit tests for core/cidr.h: parsing an address list and matching client
 * addresses against it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/cidr.h"

static cidr_list_t parsed(const char *text)
{
    cidr_list_t l;
    char err[128];
    assert_int_equal(cidr_list_parse(text, &l, err, sizeof err), GH_OK);
    return l;
}

static void test_loopback_default(void **state)
{
    (void)state;
    cidr_list_t l = parsed("127.0.0.0/8 ::1");
    assert_true(cidr_list_allows(&l, "127.0.0.1"));
    assert_true(cidr_list_allows(&l, "127.255.0.9"));
    assert_true(cidr_list_allows(&l, "::1"));
    assert_true(cidr_list_allows(&l, "::ffff:127.0.0.1"));
    assert_false(cidr_list_allows(&l, "128.0.0.1"));
    assert_false(cidr_list_allows(&l, "10.0.0.1"));
    assert_false(cidr_list_allows(&l, "::2"));
    assert_false(cidr_list_allows(&l, "unknown"));
    assert_false(cidr_list_allows(&l, NULL));
}

static void test_prefixes(void **state)
{
    (void)state;
    cidr_list_t l = parsed("10.0.0.0/8, 192.168.1.128/25,fd00::/8 203.0.113.7");
    assert_true(cidr_list_allows(&l, "10.200.3.4"));
    assert_true(cidr_list_allows(&l, "192.168.1.200"));
    assert_false(cidr_list_allows(&l, "192.168.1.127"));
    assert_true(cidr_list_allows(&l, "fdab::1"));
    assert_false(cidr_list_allows(&l, "fe80::1"));
    assert_true(cidr_list_allows(&l, "203.0.113.7"));
    assert_false(cidr_list_allows(&l, "203.0.113.8"));
    assert_false(cidr_list_allows(&l, "127.0.0.1"));
    cidr_list_t all = parsed("0.0.0.0/0");
    assert_true(cidr_list_allows(&all, "8.8.8.8"));
    assert_false(cidr_list_allows(&all, "::1"));
}

static void test_any(void **state)
{
    (void)state;
    cidr_list_t l = parsed(" any ");
    assert_true(cidr_list_allows(&l, "8.8.8.8"));
    assert_true(cidr_list_allows(&l, "2001:db8::1"));
    assert_false(cidr_list_allows(&l, "not an address"));
}

static void test_refuses_malformed(void **state)
{
    (void)state;
    static const char *const BAD[] = {"",          " , ",       "10.0.0.0/33", "::1/129",
                                      "10.0.0/8",  "10.0.0.0/", "10.0.0.0/-1", "any ::1",
                                      "localhost", "1.2.3.4/8x"};
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        cidr_list_t l;
        char err[128] = "";
        assert_int_equal(cidr_list_parse(BAD[i], &l, err, sizeof err), GH_ERR_INVALID);
        assert_true(err[0] != '\0');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loopback_default),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_any),
        cmocka_unit_test(test_refuses_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
