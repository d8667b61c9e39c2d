/* Unit tests for uri_is_valid_redirect(): what a client may register as a
 * redirect URI; uri_redirect_matches(), which presented URI is the registered
 * one; and uri_append_param(), how parameters are added to one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/uri.h"

static void test_accepts_plain_uris(void **state)
{
    (void)state;
    assert_true(uri_is_valid_redirect("https://oauth2.example.com/code"));
    assert_true(uri_is_valid_redirect("http://127.0.0.1:8081/oauth2/callback?platform=ottm"));
    assert_true(uri_is_valid_redirect("http://localhost"));
    assert_true(uri_is_valid_redirect("https://[::1]:8443/cb"));
    assert_true(uri_is_valid_redirect("https://a.example/cb?x=%2F&y=a+b;z=~"));
    assert_true(uri_is_valid_redirect("https://example.com:65535/"));
}

static void test_refuses_other_schemes(void **state)
{
    (void)state;
    assert_false(uri_is_valid_redirect("ftp://example.com/cb"));
    assert_false(uri_is_valid_redirect("HTTPS://example.com/cb"));
    assert_false(uri_is_valid_redirect("javascript:alert(1)"));
    assert_false(uri_is_valid_redirect("//example.com/cb"));
    assert_false(uri_is_valid_redirect("/relative/cb"));
    assert_false(uri_is_valid_redirect(""));
    assert_false(uri_is_valid_redirect(NULL));
}

static void test_refuses_fragment_and_userinfo(void **state)
{
    (void)state;
    assert_false(uri_is_valid_redirect("https://example.com/cb#frag"));
    assert_false(uri_is_valid_redirect("https://example.com/cb?a=1#"));
    assert_false(uri_is_valid_redirect("https://user@example.com/cb"));
    assert_false(uri_is_valid_redirect("https://evil.example@good.example/cb"));
}

static void test_refuses_bad_host_and_port(void **state)
{
    (void)state;
    assert_false(uri_is_valid_redirect("https:///cb"));
    assert_false(uri_is_valid_redirect("https://"));
    assert_false(uri_is_valid_redirect("https://.example.com/"));
    assert_false(uri_is_valid_redirect("https://example.com:/cb"));
    assert_false(uri_is_valid_redirect("https://example.com:0/cb"));
    assert_false(uri_is_valid_redirect("https://example.com:65536/cb"));
    assert_false(uri_is_valid_redirect("https://example.com:123456/cb"));
    assert_false(uri_is_valid_redirect("https://example.com:80x/cb"));
    assert_false(uri_is_valid_redirect("https://[]/cb"));
    assert_false(uri_is_valid_redirect("https://[::1/cb"));
    assert_false(uri_is_valid_redirect("https://exa_mple.com/cb"));
}

static void test_refuses_bad_characters(void **state)
{
    (void)state;
    assert_false(uri_is_valid_redirect("https://example.com/c b"));
    assert_false(uri_is_valid_redirect("https://example.com/cb\n"));
    assert_false(uri_is_valid_redirect("https://example.com/cb?x=<script>"));
    assert_false(uri_is_valid_redirect("https://example.com/%zz"));
    assert_false(uri_is_valid_redirect("https://example.com/%4"));
    assert_false(uri_is_valid_redirect("https://example.com/\"q\""));
}

static void test_length_limit(void **state)
{
    (void)state;
    char uri[URI_MAX_LEN + 2];
    const char *prefix = "https://example.com/";
    size_t n = strlen(prefix);
    memcpy(uri, prefix, n);
    memset(uri + n, 'a', URI_MAX_LEN - n);
    uri[URI_MAX_LEN] = '\0';
    assert_true(uri_is_valid_redirect(uri));
    uri[URI_MAX_LEN] = 'a';
    uri[URI_MAX_LEN + 1] = '\0';
    assert_false(uri_is_valid_redirect(uri));
}

static const char *appended(arena_t *a, const char *uri)
{
    buf_t b;
    buf_init(&b, a);
    buf_puts(&b, uri);
    uri_append_param(&b, "state", "a b&c=d");
    uri_append_param(&b, "none", NULL);
    uri_append_param(&b, "iss", "https://x");
    return buf_cstr(&b);
}

static void test_append_param(void **state)
{
    (void)state;
    arena_t *a = arena_new(4096);
    assert_string_equal(appended(a, "https://rp.example/cb"),
                        "https://rp.example/cb?state=a%20b%26c%3Dd&iss=https%3A%2F%2Fx");
    assert_string_equal(appended(a, "https://rp.example/cb?k=v"),
                        "https://rp.example/cb?k=v&state=a%20b%26c%3Dd&iss=https%3A%2F%2Fx");
    arena_free(a);
}

static void test_kinds(void **state)
{
    (void)state;
    assert_int_equal(uri_redirect_kind("https://rp.example/cb"), URI_REDIRECT_HTTPS);
    assert_int_equal(uri_redirect_kind("http://127.0.0.1:3000/cb"), URI_REDIRECT_HTTP_LOOPBACK);
    assert_int_equal(uri_redirect_kind("http://[::1]/cb"), URI_REDIRECT_HTTP_LOOPBACK);
    assert_int_equal(uri_redirect_kind("http://localhost"), URI_REDIRECT_HTTP_LOOPBACK);
    assert_int_equal(uri_redirect_kind("http://rp.example/cb"), URI_REDIRECT_HTTP);
    assert_int_equal(uri_redirect_kind("http://localhost.evil.example/cb"), URI_REDIRECT_HTTP);
    assert_int_equal(uri_redirect_kind("http://127.0.0.1.evil.example/"), URI_REDIRECT_HTTP);
    assert_int_equal(uri_redirect_kind("http://127.0.0.2/cb"), URI_REDIRECT_HTTP);
    assert_int_equal(uri_redirect_kind("http://[::2]/cb"), URI_REDIRECT_HTTP);
}

static void test_private_use_schemes(void **state)
{
    (void)state; /* RFC 8252 §7.1 */
    assert_int_equal(uri_redirect_kind("com.example.app:/oauth2redirect/example-provider"),
                     URI_REDIRECT_PRIVATE_USE);
    assert_int_equal(uri_redirect_kind("com.example.app:/cb?x=1"), URI_REDIRECT_PRIVATE_USE);
    assert_int_equal(uri_redirect_kind("io.my-app2.ios:/"), URI_REDIRECT_PRIVATE_USE);
    assert_int_equal(uri_redirect_kind("myapp:/cb"), URI_REDIRECT_INVALID);          /* no dot */
    assert_int_equal(uri_redirect_kind("javascript:/x"), URI_REDIRECT_INVALID);      /* no dot */
    assert_int_equal(uri_redirect_kind("com.example.app:cb"), URI_REDIRECT_INVALID); /* no path */
    assert_int_equal(uri_redirect_kind("com.example.app:/cb#f"), URI_REDIRECT_INVALID);
    assert_int_equal(uri_redirect_kind("Com.Example.App:/cb"), URI_REDIRECT_INVALID);
    assert_int_equal(uri_redirect_kind("com..app:/cb"), URI_REDIRECT_INVALID);
    assert_int_equal(uri_redirect_kind(".com.app:/cb"), URI_REDIRECT_INVALID);
    assert_int_equal(uri_redirect_kind("com.app.:/cb"), URI_REDIRECT_INVALID);
    assert_int_equal(uri_redirect_kind("1com.app:/cb"), URI_REDIRECT_INVALID);
    assert_int_equal(uri_redirect_kind("com.app:/c b"), URI_REDIRECT_INVALID);
    assert_int_equal(uri_redirect_kind(NULL), URI_REDIRECT_INVALID);
    assert_false(uri_is_valid_redirect("com.example.app:/cb")); /* not http(s) */
}

/* Byte for byte, but for the port of a loopback IP literal (RFC 8252 §7.3). */
static void test_redirect_matches(void **state)
{
    (void)state;
    assert_true(uri_redirect_matches("https://rp.example/cb", "https://rp.example/cb"));
    assert_false(uri_redirect_matches("https://rp.example/cb", "https://rp.example/cb/"));
    assert_false(uri_redirect_matches("https://rp.example/cb", "https://rp.example:443/cb"));
    assert_false(uri_redirect_matches("https://rp.example:8443/cb", "https://rp.example:9443/cb"));
    /* loopback IP literals: any port, the rest the same bytes */
    assert_true(uri_redirect_matches("http://127.0.0.1/cb", "http://127.0.0.1:51004/cb"));
    assert_true(uri_redirect_matches("http://127.0.0.1:7777/cb?a=1", "http://127.0.0.1:8/cb?a=1"));
    assert_true(uri_redirect_matches("http://[::1]:7777/cb", "http://[::1]:65535/cb"));
    assert_true(uri_redirect_matches("http://127.0.0.1:7777", "http://127.0.0.1:7778"));
    assert_false(uri_redirect_matches("http://127.0.0.1/cb", "http://127.0.0.1:51004/cb2"));
    assert_false(uri_redirect_matches("http://127.0.0.1/cb?a=1", "http://127.0.0.1:5/cb?a=2"));
    assert_false(uri_redirect_matches("http://127.0.0.1/cb", "http://[::1]:51004/cb"));
    assert_false(uri_redirect_matches("http://127.0.0.1/cb", "http://127.0.0.10:5/cb"));
    assert_false(uri_redirect_matches("http://127.0.0.1/cb", "https://127.0.0.1:5/cb"));
    assert_false(uri_redirect_matches("http://127.0.0.1/cb", "http://127.0.0.1:0/cb"));
    assert_false(uri_redirect_matches("http://127.0.0.1/cb", "http://127.0.0.1:65536/cb"));
    assert_false(
        uri_redirect_matches("http://127.0.0.1/cb", "http://127.0.0.1:80@evil.example/cb"));
    assert_false(uri_redirect_matches("http://127.0.0.1/cb", "http://127.0.0.1:80/cb#x"));
    /* localhost is a name, not the interface: exact only (RFC 8252 §8.3) */
    assert_false(uri_redirect_matches("http://localhost:7777/cb", "http://localhost:7778/cb"));
    assert_false(uri_redirect_matches(NULL, "https://rp.example/cb"));
    assert_false(uri_redirect_matches("https://rp.example/cb", NULL));
}

/* Scheme, host (any case) and port, the default port whether written or not. */
static void test_same_origin(void **state)
{
    (void)state;
    assert_true(uri_same_origin("https://app.example/cb", "https://app.example"));
    assert_true(uri_same_origin("https://App.Example:443/cb?x=1", "https://app.example"));
    assert_true(uri_same_origin("https://app.example", "https://app.example:443"));
    assert_true(uri_same_origin("http://127.0.0.1:3000/cb", "http://127.0.0.1:3000"));
    assert_true(uri_same_origin("http://[::1]:3000/cb", "http://[::1]:3000"));
    assert_true(uri_same_origin("http://app.example/cb", "http://app.example:80"));
    assert_false(uri_same_origin("https://app.example/cb", "http://app.example"));
    assert_false(uri_same_origin("https://app.example/cb", "https://app.example:8443"));
    assert_false(uri_same_origin("http://127.0.0.1:3000/cb", "http://127.0.0.1:3001"));
    assert_false(uri_same_origin("https://app.example/cb", "https://app.example.evil"));
    assert_false(uri_same_origin("https://app.example.evil/cb", "https://app.example"));
    assert_false(uri_same_origin("https://app.example/cb", "https://app.example/"));
    assert_false(uri_same_origin("https://app.example/cb", "null"));
    assert_false(uri_same_origin("https://app.example/cb", ""));
    assert_false(uri_same_origin("https://app.example@evil.example/", "https://app.example"));
    assert_false(uri_same_origin("com.example.app:/cb", "com.example.app:"));
    assert_false(uri_same_origin("https://app.example:/cb", "https://app.example"));
    assert_false(uri_same_origin("https://app.example:99999/cb", "https://app.example:99999"));
    assert_false(uri_same_origin(NULL, "https://app.example"));
    assert_false(uri_same_origin("https://app.example/cb", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_origin),
        cmocka_unit_test(test_redirect_matches),
        cmocka_unit_test(test_accepts_plain_uris),
        cmocka_unit_test(test_refuses_other_schemes),
        cmocka_unit_test(test_refuses_fragment_and_userinfo),
        cmocka_unit_test(test_refuses_bad_host_and_port),
        cmocka_unit_test(test_refuses_bad_characters),
        cmocka_unit_test(test_length_limit),
        cmocka_unit_test(test_append_param),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_private_use_schemes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
