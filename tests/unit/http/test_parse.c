/* Unit tests of the request parsers: form and query strings, Cookie headers,
 * and the Basic and Bearer Authorization schemes. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/http_int.h"

static int setup(void **state)
{
    *state = arena_new(64 * 1024);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    arena_free(*state);
    return 0;
}

static gh_status_t form(void **state, const char *s, size_t max, http_pairs_t *out)
{
    return http_parse_form(*state, s, strlen(s), max, out);
}

static void test_form_plus_and_escapes(void **state)
{
    http_pairs_t p = {0};
    assert_int_equal(form(state, "a=b+c&x=%41%2b%26&e=caf%C3%A9", 10, &p), GH_OK);
    assert_int_equal(p.count, 3);
    assert_string_equal(http_pairs_get(&p, "a"), "b c");
    assert_string_equal(http_pairs_get(&p, "x"), "A+&");
    assert_string_equal(http_pairs_get(&p, "e"), "caf\xc3\xa9");
    assert_int_equal(p.items[1].value_len, 3);
    assert_null(http_pairs_get(&p, "A"));
}

static void test_form_names_are_decoded(void **state)
{
    http_pairs_t p = {0};
    assert_int_equal(form(state, "my+name=1&%61b=2", 10, &p), GH_OK);
    assert_string_equal(http_pairs_get(&p, "my name"), "1");
    assert_string_equal(http_pairs_get(&p, "ab"), "2");
}

static void test_form_bad_escapes(void **state)
{
    const char *bad[] = {"a=%", "a=%4", "a=%zz", "a=%g1&b=2", "%=1", "a=b%2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        http_pairs_t p = {.count = 99};
        assert_int_equal(form(state, bad[i], 10, &p), GH_ERR_INVALID);
        assert_int_equal(p.count, 99); /* untouched on failure */
    }
}

static void test_form_nul_refused(void **state)
{
    http_pairs_t p = {0};
    assert_int_equal(form(state, "a=%00", 10, &p), GH_ERR_INVALID);
    assert_int_equal(form(state, "a%00b=1", 10, &p), GH_ERR_INVALID);
    const char raw[] = "a=b\0c";
    assert_int_equal(http_parse_form(*state, raw, sizeof raw - 1, 10, &p), GH_ERR_INVALID);
}

static void test_form_utf8(void **state)
{
    http_pairs_t p;
    assert_int_equal(form(state, "a=%C3%A9%E2%82%AC%F0%9F%98%80&b=%7F", 10, &p), GH_OK);
    static const char *const bad[] = {
        "a=%ff",       "a=%C3",       "a=%C3%28",
        "a=%C0%AF", /* overlong '/' */
        "a=%E0%80%AF", "a=%ED%A0%80", /* a surrogate */ "a=%F4%90%80%80",
        "%C0%80=1",    "a=%80",       "a=%F0%9F%98",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(form(state, bad[i], 10, &p), GH_ERR_INVALID);
}

static void test_form_empty_segments(void **state)
{
    http_pairs_t p = {.count = 99};
    assert_int_equal(form(state, "&&a=1&&b&c=&", 10, &p), GH_OK);
    assert_int_equal(p.count, 3);
    assert_string_equal(p.items[0].name, "a");
    assert_string_equal(http_pairs_get(&p, "b"), "");
    assert_string_equal(http_pairs_get(&p, "c"), "");
    assert_int_equal(form(state, "", 10, &p), GH_OK);
    assert_int_equal(p.count, 0);
    assert_int_equal(form(state, "&&&", 0, &p), GH_OK);
    assert_int_equal(p.count, 0);
}

static void test_form_repeated_names_kept(void **state)
{
    http_pairs_t p = {0};
    assert_int_equal(form(state, "scope=a&state=s&scope=b", 10, &p), GH_OK);
    assert_int_equal(p.count, 3);
    assert_int_equal(http_pairs_count(&p, "scope"), 2);
    assert_int_equal(http_pairs_count(&p, "state"), 1);
    assert_int_equal(http_pairs_count(&p, "nope"), 0);
    assert_string_equal(http_pairs_get(&p, "scope"), "a"); /* the first */
    assert_string_equal(p.items[2].value, "b");
}

static void test_form_max_pairs(void **state)
{
    http_pairs_t p = {0};
    assert_int_equal(form(state, "a=1&b=2&c=3", 3, &p), GH_OK);
    assert_int_equal(form(state, "a=1&b=2&c=3&d=4", 3, &p), GH_ERR_TOO_LARGE);
    assert_int_equal(form(state, "a=1&&&b=2&c=3&", 3, &p), GH_OK); /* empties do not count */
}

static void test_form_out_of_memory(void **state)
{
    arena_t *tiny = arena_new(64);
    http_pairs_t p = {0};
    const char *s = "aaaaaaaaaaaaaaaa=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    assert_int_equal(http_parse_form(tiny, s, strlen(s), 10, &p), GH_ERR_NOMEM);
    arena_free(tiny);
}

static void test_pairs_ci(void **state)
{
    http_pair_t items[] = {{"Content-Type", "text/plain", 10}, {"X-A", "1", 1}};
    http_pairs_t p = {items, 2};
    assert_string_equal(http_pairs_get_ci(&p, "content-type"), "text/plain");
    assert_null(http_pairs_get(&p, "content-type"));
    assert_null(http_pairs_get_ci(&p, "x-b"));
}

static void test_cookies(void **state)
{
    http_pairs_t p = {0};
    const char *s = "sid=abc123; theme=\"dark\";  lang=ko ; empty=";
    assert_int_equal(http_parse_cookies(*state, s, strlen(s), 10, &p), GH_OK);
    assert_int_equal(p.count, 4);
    assert_string_equal(http_pairs_get(&p, "sid"), "abc123");
    assert_string_equal(http_pairs_get(&p, "theme"), "dark");
    assert_string_equal(http_pairs_get(&p, "lang"), "ko");
    assert_string_equal(http_pairs_get(&p, "empty"), "");
}

static void test_cookies_malformed_pieces_skipped(void **state)
{
    http_pairs_t p = {0};
    const char *s = "noequals; =novalue; bad name=1; ok=1; v=has space; q=a\"b;; b=2";
    assert_int_equal(http_parse_cookies(*state, s, strlen(s), 10, &p), GH_OK);
    assert_int_equal(p.count, 2);
    assert_string_equal(p.items[0].name, "ok");
    assert_string_equal(p.items[1].name, "b");
}

static void test_cookies_max_pairs(void **state)
{
    http_pairs_t p = {0};
    const char *s = "a=1; b=2; c=3";
    assert_int_equal(http_parse_cookies(*state, s, strlen(s), 2, &p), GH_ERR_TOO_LARGE);
    assert_int_equal(http_parse_cookies(*state, s, strlen(s), 3, &p), GH_OK);
    assert_int_equal(p.count, 3);
}

/* A request carrying only the given Authorization header. */
static http_request_t with_auth(void **state, http_pair_t *h, const char *value)
{
    *h = (http_pair_t){"Authorization", value, strlen(value)};
    return (http_request_t){.arena = *state, .headers = {h, value ? 1 : 0}};
}

/* Whether a request with this Accept header (NULL: none) is a browser's. */
static bool wants_html(void **state, const char *accept)
{
    http_pair_t h = {"Accept", accept, accept ? strlen(accept) : 0};
    http_request_t req = {.arena = *state, .headers = {&h, accept ? 1 : 0}};
    return http_request_wants_html(&req);
}

/* Issue 25: browsers (Accept names text/html) get pages, API clients JSON. */
static void test_wants_html(void **state)
{
    assert_true(wants_html(state, "text/html,application/xhtml+xml,*/*;q=0.8"));
    assert_true(wants_html(state, "application/json, TEXT/HTML;q=0.5"));
    assert_true(wants_html(state, "text/html ; level=1 ; q=0.01"));
    assert_false(wants_html(state, NULL));
    assert_false(wants_html(state, ""));
    assert_false(wants_html(state, "*/*"));
    assert_false(wants_html(state, "application/json"));
    assert_false(wants_html(state, "text/htmlx, text/plain"));
    assert_false(wants_html(state, "text/html;q=0"));
    assert_false(wants_html(state, "text/html; q=0.000 , application/json"));
}

static gh_status_t basic(void **state, const char *value, const char **u, const char **p)
{
    http_pair_t h;
    http_request_t req = with_auth(state, &h, value);
    return http_request_basic_auth(&req, u, p);
}

static void test_basic_good(void **state)
{
    const char *u = NULL, *p = NULL;
    /* "client:s3cret:with:colons" */
    assert_int_equal(basic(state, "Basic Y2xpZW50OnMzY3JldDp3aXRoOmNvbG9ucw==", &u, &p), GH_OK);
    assert_string_equal(u, "client");
    assert_string_equal(p, "s3cret:with:colons");
    /* scheme is case-insensitive; "a:" has an empty password */
    assert_int_equal(basic(state, "bAsIc YTo=", &u, &p), GH_OK);
    assert_string_equal(u, "a");
    assert_string_equal(p, "");
}

static void test_basic_percent_encoded(void **state)
{
    const char *u = NULL, *p = NULL;
    /* "my%3Aclient:p%40ss+word%2B" (RFC 6749 §2.3.1) */
    assert_int_equal(basic(state, "Basic bXklM0FjbGllbnQ6cCU0MHNzK3dvcmQlMkI=", &u, &p), GH_OK);
    assert_string_equal(u, "my:client");
    assert_string_equal(p, "p@ss word+");
    /* "a%zz:b" has a bad escape */
    assert_int_equal(basic(state, "Basic YSV6ejpi", &u, &p), GH_ERR_INVALID);
    /* "a:%00" decodes to a NUL */
    assert_int_equal(basic(state, "Basic YTolMDA=", &u, &p), GH_ERR_INVALID);
}

static void test_basic_bad(void **state)
{
    const char *u = "x", *p = "y";
    assert_int_equal(basic(state, "Basic !!!!", &u, &p), GH_ERR_INVALID);
    assert_int_equal(basic(state, "Basic YTo", &u, &p), GH_ERR_INVALID);          /* no padding */
    assert_int_equal(basic(state, "Basic bm9jb2xvbg==", &u, &p), GH_ERR_INVALID); /* nocolon */
    assert_int_equal(basic(state, "Basic  YTpi", &u, &p), GH_ERR_INVALID);        /* two spaces */
    assert_int_equal(basic(state, "Basic", &u, &p), GH_ERR_INVALID);
    assert_int_equal(basic(state, "Basic YQlhOmI=", &u, &p), GH_ERR_INVALID); /* "a\ta:b" CTL */
    assert_string_equal(u, "x");
    assert_string_equal(p, "y");
}

static void test_basic_absent(void **state)
{
    const char *u, *p;
    assert_int_equal(basic(state, "Bearer abc", &u, &p), GH_ERR_NOT_FOUND);
    assert_int_equal(basic(state, "Basically YTpi", &u, &p), GH_ERR_NOT_FOUND);
    http_request_t req = {.arena = *state};
    assert_int_equal(http_request_basic_auth(&req, &u, &p), GH_ERR_NOT_FOUND);
}

static const char *bearer(void **state, const char *value)
{
    http_pair_t h;
    http_request_t req = with_auth(state, &h, value);
    return http_request_bearer(&req);
}

static void test_bearer(void **state)
{
    assert_string_equal(bearer(state, "Bearer abc.DEF-_~+/9=="), "abc.DEF-_~+/9==");
    assert_string_equal(bearer(state, "bearer tok"), "tok");
    assert_null(bearer(state, "Bearer"));
    assert_null(bearer(state, "Bearer "));
    assert_null(bearer(state, "Bearer  tok")); /* two spaces */
    assert_null(bearer(state, "Bearer tok ")); /* trailing space */
    assert_null(bearer(state, "Bearer to,k")); /* not token68 */
    assert_null(bearer(state, "Bearer =abc")); /* '=' only at the end */
    assert_null(bearer(state, "Bearer ab=c"));
    assert_null(bearer(state, "Basic YTpi"));
    assert_null(bearer(state, "Bearertok"));
    http_request_t req = {.arena = *state};
    assert_null(http_request_bearer(&req));
}

/* Every byte against the b64token alphabet of RFC 6750 §2.1, in the middle of a token. */
static void test_bearer_alphabet(void **state)
{
    static const char extra[] = "-._~+/";
    for (int c = 1; c < 256; c++) {
        char value[16];
        snprintf(value, sizeof value, "Bearer a%cb", c);
        bool want = (c < 0x80 && isalnum(c)) || strchr(extra, c) != NULL;
        if (want)
            assert_non_null(bearer(state, value));
        else
            assert_null(bearer(state, value));
    }
}

/* RFC 9110 §5.5 stated apart from parse.c: VCHAR, obs-text, SP, HTAB. */
static bool field_octet(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* Every byte value at every position of a 17-byte value (two words and a
 * tail), and next to an HTAB, against the reference. */
static void test_field_value_bytes(void **state)
{
    char v[17];
    for (size_t pos = 0; pos < sizeof v; pos++) {
        for (int c = 0; c < 256; c++) {
            memset(v, 'a', sizeof v);
            v[pos] = (char)c;
            assert_int_equal(http_is_field_value(v, sizeof v), field_octet((unsigned char)c));
            v[(pos + 1) % sizeof v] = '\t';
            assert_int_equal(http_is_field_value(v, sizeof v), field_octet((unsigned char)c));
        }
    }
    assert_true(http_is_field_value("", 0));
    static const char obs_text[] = "caf\xc3\xa9 \x80\xff\x7e";
    assert_true(http_is_field_value(obs_text, sizeof obs_text - 1));
    assert_false(http_is_field_value(obs_text, sizeof obs_text)); /* with its NUL */
}

static void test_request_accessors(void **state)
{
    http_pair_t h[] = {{"cookie", "a=1", 3}, {"X-Thing", "v", 1}};
    http_pair_t c[] = {{"a", "1", 1}};
    http_request_t req = {.arena = *state, .headers = {h, 2}, .cookies = {c, 1}};
    assert_string_equal(http_request_header(&req, "x-thing"), "v");
    assert_null(http_request_header(&req, "x-other"));
    assert_string_equal(http_request_cookie(&req, "a"), "1");
    assert_null(http_request_cookie(&req, "A"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_form_plus_and_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_names_are_decoded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_bad_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_nul_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_empty_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_repeated_names_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_max_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pairs_ci, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookies_malformed_pieces_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookies_max_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_basic_good, setup, teardown),
        cmocka_unit_test_setup_teardown(test_basic_percent_encoded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_basic_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_basic_absent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bearer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bearer_alphabet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_accessors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_value_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wants_html, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
