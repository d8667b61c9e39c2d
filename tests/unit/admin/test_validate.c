/* Unit tests for the shared value checks (admin/admin.h): client ids,
 * usernames, passwords, client secrets, scopes, e-mail addresses, grants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "admin/admin.h"

/* A string of n copies of c in buf (n < sizeof buf). */
static const char *repeat(char *buf, char c, size_t n)
{
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

static void test_client_id(void **state)
{
    (void)state;
    char buf[80];
    assert_true(admin_client_id_valid("game1"));
    assert_true(admin_client_id_valid("my-app_2.prod"));
    assert_true(admin_client_id_valid(repeat(buf, 'a', 64)));
    assert_false(admin_client_id_valid(repeat(buf, 'a', 65)));
    assert_false(admin_client_id_valid(""));
    assert_false(admin_client_id_valid(NULL));
    assert_false(admin_client_id_valid("a b"));
    assert_false(admin_client_id_valid("a@b"));
    assert_false(admin_client_id_valid("caf\xc3\xa9"));
}

static void test_username(void **state)
{
    (void)state;
    char buf[80];
    assert_true(admin_username_valid("test"));
    assert_true(admin_username_valid("test@flask.global"));
    assert_true(admin_username_valid("a.b_c-d"));
    assert_true(admin_username_valid(repeat(buf, 'u', 64)));
    assert_false(admin_username_valid(repeat(buf, 'u', 65)));
    assert_false(admin_username_valid(""));
    assert_false(admin_username_valid("bob smith"));
    assert_false(admin_username_valid("bob/../x"));
    assert_false(admin_username_valid("bob\n"));
}

static void test_password(void **state)
{
    (void)state;
    char buf[1100];
    assert_true(admin_password_valid("pa55-Word!x"));
    assert_true(admin_password_valid("12345678"));
    assert_false(admin_password_valid("1234567"));
    assert_false(admin_password_valid(""));
    assert_false(admin_password_valid(NULL));
    /* characters, not bytes: 7 two-byte characters are too short, 8 are enough */
    assert_false(admin_password_valid("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));
    assert_true(
        admin_password_valid("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));
    assert_true(admin_password_valid(repeat(buf, 'p', 1024)));
    assert_false(admin_password_valid(repeat(buf, 'p', 1025)));
}

static void test_client_secret(void **state)
{
    (void)state;
    char buf[600];
    assert_true(admin_client_secret_valid("s3cret-game1"));
    assert_true(admin_client_secret_valid("with space"));
    assert_false(admin_client_secret_valid("short"));
    assert_false(admin_client_secret_valid("tab\there!"));
    assert_false(admin_client_secret_valid("caf\xc3\xa9-secret"));
    assert_true(admin_client_secret_valid(repeat(buf, 's', 512)));
    assert_false(admin_client_secret_valid(repeat(buf, 's', 513)));
}

static void test_scope(void **state)
{
    (void)state;
    assert_true(admin_scope_valid("openid profile email"));
    assert_true(admin_scope_valid("openid"));
    assert_true(admin_scope_valid("api:read https://example.com/x"));
    assert_false(admin_scope_valid(""));
    assert_false(admin_scope_valid(" openid"));
    assert_false(admin_scope_valid("openid "));
    assert_false(admin_scope_valid("openid  profile"));
    assert_false(admin_scope_valid("open\"id"));
    assert_false(admin_scope_valid("open\\id"));
    assert_false(admin_scope_valid("openid\tprofile"));
}

static void test_email(void **state)
{
    (void)state;
    assert_true(admin_email_valid("test@flask.global"));
    assert_false(admin_email_valid("test"));
    assert_false(admin_email_valid("@flask.global"));
    assert_false(admin_email_valid("test@"));
    assert_false(admin_email_valid("a@b@c"));
    assert_false(admin_email_valid("te st@flask.global"));
}

static void test_grants(void **state)
{
    (void)state;
    unsigned bit = 0;
    assert_int_equal(admin_grant_parse("authorization_code", &bit), GH_OK);
    assert_int_equal(bit, STORE_GRANT_AUTHORIZATION_CODE);
    assert_int_equal(admin_grant_parse("client_credentials", &bit), GH_OK);
    assert_int_equal(bit, STORE_GRANT_CLIENT_CREDENTIALS);
    assert_int_equal(admin_grant_parse("urn:ietf:params:oauth:grant-type:device_code", &bit),
                     GH_OK);
    assert_int_equal(bit, STORE_GRANT_DEVICE_CODE);
    bit = 0;
    assert_int_equal(admin_grant_parse("password", &bit), GH_ERR_INVALID);
    assert_int_equal(admin_grant_parse("implicit", &bit), GH_ERR_INVALID);
    assert_int_equal(bit, 0);
    assert_string_equal(admin_grant_name(STORE_GRANT_REFRESH_TOKEN), "refresh_token");
    assert_null(admin_grant_name(1u << 20));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_id), cmocka_unit_test(test_username),
        cmocka_unit_test(test_password),  cmocka_unit_test(test_client_secret),
        cmocka_unit_test(test_scope),     cmocka_unit_test(test_email),
        cmocka_unit_test(test_grants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
