/* Unit tests of response building: header injection refused, Set-Cookie
 * values, the final header list each kind of response gets, and the
 * Prometheus rendering of the core counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/metrics.h"
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

/* The value of name in the final header list of res, or NULL. */
static const char *final_header(const http_response_t *res, const char *name)
{
    static http_header_set_t hs;
    http_response_headers(res, &hs);
    http_pairs_t p = {hs.items, hs.count};
    return http_pairs_get_ci(&p, name);
}

static void test_header_injection_refused(void **state)
{
    http_response_t res = {0};
    assert_false(http_response_header(&res, "X-A", "a\r\nSet-Cookie: evil=1"));
    assert_false(http_response_header(&res, "X-A", "a\nb"));
    assert_false(http_response_header(&res, "X-A", "a\rb"));
    assert_false(http_response_header(&res, "X-A\r\nX-B", "v"));
    assert_false(http_response_header(&res, "Bad Name", "v"));
    assert_false(http_response_header(&res, "", "v"));
    assert_int_equal(res.header_count, 0);
    assert_true(http_response_header(&res, "X-A", "tab\tis fine"));
    assert_int_equal(res.header_count, 1);
}

static void test_header_table_full(void **state)
{
    http_response_t res = {0};
    for (int i = 0; i < HTTP_MAX_HEADERS; i++)
        assert_true(http_response_header(&res, "Set-Cookie", "a=1"));
    assert_false(http_response_header(&res, "Set-Cookie", "a=1"));
    assert_int_equal(res.header_count, HTTP_MAX_HEADERS);
}

static void test_redirect_injection_is_internal_error(void **state)
{
    http_response_t res = {0};
    http_response_redirect(&res, 302, "https://rp.example/cb\r\nX-Evil: 1");
    assert_int_equal(res.status, 500);
    assert_null(final_header(&res, "Location"));
    http_response_redirect(&res, 301, "https://rp.example/cb?code=x");
    assert_int_equal(res.status, 302);
    assert_string_equal(final_header(&res, "Location"), "https://rp.example/cb?code=x");
    assert_string_equal(final_header(&res, "Cache-Control"), "no-store");
}

static const char *cookie(void **state, const http_cookie_t *c)
{
    http_request_t req = {.arena = *state};
    http_response_t res = {0};
    if (!http_response_cookie(&req, &res, c))
        return NULL;
    assert_int_equal(res.header_count, 1);
    assert_string_equal(res.headers[0].name, "Set-Cookie");
    return res.headers[0].value;
}

static void test_cookie_building(void **state)
{
    http_cookie_t c = {.name = "access", .value = "eyJ.abc-_", .max_age = 3600, .http_only = true};
    assert_string_equal(cookie(state, &c),
                        "access=eyJ.abc-_; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax");
    c.secure = true;
    c.same_site = "Strict";
    c.path = "/oauth2";
    assert_string_equal(cookie(state, &c), "access=eyJ.abc-_; Path=/oauth2; Max-Age=3600; "
                                           "HttpOnly; SameSite=Strict; Secure");
    http_cookie_t session = {.name = "s", .value = "1", .max_age = -1};
    assert_string_equal(cookie(state, &session), "s=1; Path=/; SameSite=Lax");
}

static void test_cookie_delete(void **state)
{
    http_cookie_t c = {.name = "refresh", .value = "", .max_age = 0, .http_only = true};
    assert_string_equal(cookie(state, &c), "refresh=; Path=/; Max-Age=0; Expires=Thu, 01 Jan "
                                           "1970 00:00:00 GMT; HttpOnly; SameSite=Lax");
}

static void test_cookie_refused(void **state)
{
    http_cookie_t bad[] = {
        {.name = "a", .value = "x; Domain=evil"},
        {.name = "a", .value = "x\r\nX: y"},
        {.name = "a", .value = "has space"},
        {.name = "a b", .value = "x"},
        {.name = NULL, .value = "x"},
        {.name = "a", .value = "x", .path = "/p; Secure"},
        {.name = "a", .value = "x", .path = "relative"},
        {.name = "a", .value = "x", .same_site = "Sometimes"},
        {.name = "a", .value = "x", .same_site = "None"}, /* None needs Secure */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(cookie(state, &bad[i]));
    http_cookie_t none = {.name = "a", .value = "x", .same_site = "None", .secure = true};
    assert_non_null(cookie(state, &none));
}

static void test_json_security_headers(void **state)
{
    http_request_t req = {.arena = *state};
    http_response_t res = {0};
    json_t *j = json_pack("{s:s, s:i}", "access_token", "x\"y", "expires_in", 3599);
    http_response_json(&req, &res, 200, j);
    json_decref(j);
    assert_int_equal(res.status, 200);
    assert_string_equal(res.body, "{\"access_token\":\"x\\\"y\",\"expires_in\":3599}");
    assert_int_equal(res.body_len, strlen(res.body));
    assert_string_equal(final_header(&res, "Content-Type"), "application/json");
    assert_string_equal(final_header(&res, "Cache-Control"), "no-store");
    assert_string_equal(final_header(&res, "Pragma"), "no-cache");
    assert_string_equal(final_header(&res, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(final_header(&res, "Referrer-Policy"), "no-referrer");
    assert_null(final_header(&res, "X-Frame-Options"));
    res.cacheable = true;
    res.max_age = 300;
    assert_string_equal(final_header(&res, "Cache-Control"), "public, max-age=300");
    assert_null(final_header(&res, "Pragma"));
}

static void test_json_out_of_arena(void **state)
{
    arena_t *tiny = arena_new(16);
    http_request_t req = {.arena = tiny};
    http_response_t res = {0};
    json_t *j = json_pack("{s:s}", "a_long_enough_key", "and a long enough value");
    http_response_json(&req, &res, 200, j);
    json_decref(j);
    arena_free(tiny);
    assert_int_equal(res.status, 500);
    assert_string_equal(res.body, "{\"error\":\"internal\"}");
}

static void test_html_security_headers(void **state)
{
    http_response_t res = {0};
    http_response_html(&res, 200, "<p>hi</p>", 9);
    assert_string_equal(final_header(&res, "Content-Type"), "text/html; charset=utf-8");
    assert_string_equal(final_header(&res, "X-Frame-Options"), "DENY");
    const char *csp = final_header(&res, "Content-Security-Policy");
    assert_non_null(strstr(csp, "frame-ancestors 'none'"));
    assert_non_null(strstr(csp, "default-src 'self'"));
    assert_null(strstr(csp, "form-action")); /* the POST may redirect to the client */
    assert_string_equal(final_header(&res, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(final_header(&res, "Cache-Control"), "no-store");
}

static void test_static_and_text(void **state)
{
    http_response_t res = {.kind = HTTP_KIND_STATIC, .status = 200, .max_age = 86400};
    res.content_type = "text/css";
    assert_string_equal(final_header(&res, "Cache-Control"), "public, max-age=86400");
    assert_string_equal(final_header(&res, "Content-Type"), "text/css");
    http_response_t text = {0};
    http_response_text(&text, 404, "not found\n");
    assert_string_equal(final_header(&text, "Content-Type"), "text/plain; charset=utf-8");
    assert_null(final_header(&text, "Cache-Control"));
    assert_int_equal(text.body_len, 10);
}

static void test_handler_header_wins(void **state)
{
    http_response_t res = {0};
    http_response_html(&res, 200, "x", 1);
    assert_true(http_response_header(&res, "Content-Security-Policy", "default-src 'none'"));
    http_header_set_t hs;
    http_response_headers(&res, &hs);
    size_t n = 0;
    for (size_t i = 0; i < hs.count; i++)
        n += strcmp(hs.items[i].name, "Content-Security-Policy") == 0;
    assert_int_equal(n, 1);
    assert_string_equal(final_header(&res, "Content-Security-Policy"), "default-src 'none'");
}

static void test_metrics_core_counters(void **state)
{
    http_request_t req = {.arena = *state};
    http_response_t res = {0};
    metrics_add(METRIC_TOKENS_ACCESS, 3);
    metrics_add(METRIC_LOGINS_FAILED, 2);
    http_metrics_handler(&req, &res);
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(res.content_type, "version=0.0.4"));
    assert_non_null(strstr(res.body, "gatehouse_tokens_issued_total{type=\"access\"} 3\n"));
    assert_non_null(strstr(res.body, "gatehouse_logins_total{result=\"failed\"} 2\n"));
    const char *type = "# TYPE gatehouse_tokens_issued_total counter\n";
    const char *first = strstr(res.body, type);
    assert_non_null(first);
    assert_null(strstr(first + 1, type)); /* once per name */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_injection_refused),
        cmocka_unit_test(test_header_table_full),
        cmocka_unit_test(test_redirect_injection_is_internal_error),
        cmocka_unit_test_setup_teardown(test_cookie_building, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookie_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookie_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_security_headers, setup, teardown),
        cmocka_unit_test(test_json_out_of_arena),
        cmocka_unit_test(test_html_security_headers),
        cmocka_unit_test(test_static_and_text),
        cmocka_unit_test(test_handler_header_wins),
        cmocka_unit_test_setup_teardown(test_metrics_core_counters, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
