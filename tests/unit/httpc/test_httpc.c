/* httpc against a tiny local server (src/http on 127.0.0.1, port 0): what a
 * call sends (method, body, headers, Basic credentials), what it reads back,
 * and each failure it reports: non-2xx (redirects are not followed), time
 * out, connection refused, TLS against a plain server, an answer over the
 * cap, and URLs refused before any connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "httpc/httpc.h"
#include "http/http.h"

static http_server_t *server;
static char base[64];
static arena_t *arena;

static void on_echo(http_request_t *req, http_response_t *res)
{
    json_t *j = json_pack(
        "{s:s, s:s%, s:s?, s:s?, s:s?, s:s?}", "method", req->method_name, "body",
        req->body ? req->body : "", req->body_len, "type", http_request_header(req, "Content-Type"),
        "accept", http_request_header(req, "Accept"), "auth",
        http_request_header(req, "Authorization"), "agent", http_request_header(req, "User-Agent"));
    http_response_json(req, res, 200, j);
    json_decref(j);
}

static void on_fail(http_request_t *req, http_response_t *res)
{
    static const char body[] = "{\"error\":\"server_error\"}";
    http_response_json_raw(res, 500, body, sizeof body - 1);
}

static void on_slow(http_request_t *req, http_response_t *res)
{
    const struct timespec pause = {0, 600 * 1000 * 1000};
    nanosleep(&pause, NULL);
    http_response_text(res, 200, "late\n");
}

static void on_big(http_request_t *req, http_response_t *res)
{
    static char body[4096];
    memset(body, 'x', sizeof body - 1);
    http_response_text(res, 200, body);
}

static void on_moved(http_request_t *req, http_response_t *res)
{
    http_response_redirect(res, 302, "/echo");
}

static const http_route_t ROUTES[] = {
    {HTTP_GET | HTTP_POST | HTTP_DELETE, "/echo", on_echo, "echo", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/fail", on_fail, "fail", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/slow", on_slow, "slow", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/big", on_big, "big", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/moved", on_moved, "moved", NULL, HTTP_CORS_NONE},
};

static int start(void **state)
{
    http_server_opts_t o = {.listen = "127.0.0.1:0",
                            .routes = ROUTES,
                            .route_count = sizeof ROUTES / sizeof ROUTES[0],
                            .threads = 2};
    if (http_server_start(&o, &server) != GH_OK)
        return -1;
    snprintf(base, sizeof base, "http://127.0.0.1:%u", (unsigned)http_server_port(server));
    return 0;
}

static int stop(void **state)
{
    http_server_stop(server);
    return 0;
}

static int new_arena(void **state)
{
    arena = arena_new(8u << 20);
    return arena ? 0 : -1;
}

static int free_arena(void **state)
{
    arena_free(arena);
    return 0;
}

static const char *url(const char *path)
{
    return arena_printf(arena, "%s%s", base, path);
}

static json_t *body_json(const httpc_response_t *res)
{
    json_t *j = json_loadb(res->body, res->body_len, 0, NULL);
    assert_non_null(j);
    return j;
}

static void test_get(void **state)
{
    httpc_header_t accept = {"Accept", "application/json"};
    httpc_request_t req = {
        .method = HTTPC_GET, .url = url("/echo"), .headers = &accept, .header_count = 1};
    httpc_response_t res;
    assert_int_equal(httpc_send(arena, &req, &res), GH_OK);
    assert_int_equal(res.outcome, HTTPC_OK);
    assert_int_equal(res.status, 200);
    assert_string_equal(res.content_type, "application/json");
    json_t *j = body_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "method")), "GET");
    assert_string_equal(json_string_value(json_object_get(j, "accept")), "application/json");
    assert_non_null(json_string_value(json_object_get(j, "agent")));
    json_decref(j);
}

static void test_post_form_with_basic(void **state)
{
    const char *form = "grant_type=authorization_code&code=abc";
    httpc_request_t req = {.method = HTTPC_POST,
                           .url = url("/echo"),
                           .body = form,
                           .body_len = strlen(form),
                           .content_type = "application/x-www-form-urlencoded",
                           .basic_user = "client",
                           .basic_password = "secret"};
    httpc_response_t res;
    assert_int_equal(httpc_send(arena, &req, &res), GH_OK);
    json_t *j = body_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "method")), "POST");
    assert_string_equal(json_string_value(json_object_get(j, "body")), form);
    assert_string_equal(json_string_value(json_object_get(j, "type")),
                        "application/x-www-form-urlencoded");
    /* base64("client:secret") */
    assert_string_equal(json_string_value(json_object_get(j, "auth")),
                        "Basic Y2xpZW50OnNlY3JldA==");
    json_decref(j);
}

static void test_delete_with_json(void **state)
{
    const char *body = "{\"access_token\":\"t\"}";
    httpc_request_t req = {.method = HTTPC_DELETE,
                           .url = url("/echo"),
                           .body = body,
                           .body_len = strlen(body),
                           .content_type = "application/json"};
    httpc_response_t res;
    assert_int_equal(httpc_send(arena, &req, &res), GH_OK);
    json_t *j = body_json(&res);
    assert_string_equal(json_string_value(json_object_get(j, "method")), "DELETE");
    assert_string_equal(json_string_value(json_object_get(j, "body")), body);
    json_decref(j);
}

static void test_header_injection_refused(void **state)
{
    httpc_header_t evil = {"X-A", "1\r\nX-B: 2"};
    httpc_request_t req = {
        .method = HTTPC_GET, .url = url("/echo"), .headers = &evil, .header_count = 1};
    httpc_response_t res;
    assert_int_not_equal(httpc_send(arena, &req, &res), GH_OK);
    assert_int_equal(res.outcome, HTTPC_FAIL_INTERNAL);
}

static void test_error_status_kept(void **state)
{
    httpc_request_t req = {.method = HTTPC_GET, .url = url("/fail")};
    httpc_response_t res;
    assert_int_equal(httpc_send(arena, &req, &res), GH_ERR_UNAVAILABLE);
    assert_int_equal(res.outcome, HTTPC_FAIL_STATUS);
    assert_int_equal(res.status, 500);
    assert_string_equal(res.body, "{\"error\":\"server_error\"}");
}

static void test_redirect_not_followed(void **state)
{
    httpc_request_t req = {.method = HTTPC_GET, .url = url("/moved")};
    httpc_response_t res;
    assert_int_equal(httpc_send(arena, &req, &res), GH_ERR_UNAVAILABLE);
    assert_int_equal(res.outcome, HTTPC_FAIL_STATUS);
    assert_int_equal(res.status, 302);
}

static void test_timeout(void **state)
{
    httpc_request_t req = {.method = HTTPC_GET, .url = url("/slow"), .timeout_ms = 150};
    httpc_response_t res;
    assert_int_equal(httpc_send(arena, &req, &res), GH_ERR_UNAVAILABLE);
    assert_int_equal(res.outcome, HTTPC_FAIL_TIMEOUT);
}

static void test_too_large(void **state)
{
    httpc_request_t req = {.method = HTTPC_GET, .url = url("/big"), .max_response = 1000};
    httpc_response_t res;
    assert_int_equal(httpc_send(arena, &req, &res), GH_ERR_TOO_LARGE);
    assert_int_equal(res.outcome, HTTPC_FAIL_TOO_LARGE);
    req.max_response = 8192;
    assert_int_equal(httpc_send(arena, &req, &res), GH_OK);
    assert_int_equal(res.body_len, 4095);
}

static void test_connect_refused(void **state)
{
    httpc_request_t req = {.method = HTTPC_GET, .url = "http://127.0.0.1:1/"};
    httpc_response_t res;
    assert_int_equal(httpc_send(arena, &req, &res), GH_ERR_UNAVAILABLE);
    assert_int_equal(res.outcome, HTTPC_FAIL_CONNECT);
}

static void test_tls_to_plain_server_fails(void **state)
{
    const char *u =
        arena_printf(arena, "https://127.0.0.1:%u/echo", (unsigned)http_server_port(server));
    httpc_request_t req = {.method = HTTPC_GET, .url = u, .timeout_ms = 10000};
    httpc_response_t res;
    assert_int_equal(httpc_send(arena, &req, &res), GH_ERR_UNAVAILABLE);
    assert_int_equal(res.outcome, HTTPC_FAIL_CONNECT);
}

static void test_urls(void **state)
{
    assert_true(httpc_url_allowed("https://example.com/token"));
    assert_true(httpc_url_allowed("http://127.0.0.1:8080/x"));
    assert_true(httpc_url_allowed("http://127.9.9.9/x"));
    assert_true(httpc_url_allowed("http://localhost:9/x"));
    assert_true(httpc_url_allowed("http://[::1]:9/x"));
    assert_false(httpc_url_allowed("http://example.com/token"));
    assert_false(httpc_url_allowed("http://10.0.0.1/"));
    assert_false(httpc_url_allowed("http://128.0.0.1/"));
    assert_false(httpc_url_allowed("http://localhost.example.com/"));
    assert_false(httpc_url_allowed("ftp://127.0.0.1/"));
    assert_false(httpc_url_allowed("file:///etc/passwd"));
    assert_false(httpc_url_allowed("not a url"));
    assert_false(httpc_url_allowed(NULL));
    httpc_request_t req = {.method = HTTPC_GET, .url = "http://example.com/"};
    httpc_response_t res;
    assert_int_equal(httpc_send(arena, &req, &res), GH_ERR_INVALID);
    assert_int_equal(res.outcome, HTTPC_FAIL_URL);
}

static bool public_address(const char *text)
{
    struct sockaddr_in v4 = {.sin_family = AF_INET};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
    if (inet_pton(AF_INET, text, &v4.sin_addr) == 1)
        return httpc_address_public((const struct sockaddr *)&v4);
    assert_int_equal(inet_pton(AF_INET6, text, &v6.sin6_addr), 1);
    return httpc_address_public((const struct sockaddr *)&v6);
}

/* Which addresses a public_only call may connect to (SSRF). */
static void test_public_addresses(void **state)
{
    static const char *const closed[] = {
        "127.0.0.1",        "10.1.2.3",        "172.16.0.1", "172.31.255.255",
        "192.168.1.1",      "169.254.169.254", "100.64.0.1", "0.0.0.0",
        "224.0.0.1",        "255.255.255.255", "::1",        "::",
        "fe80::1",          "fd00::1",         "fc00::1",    "ff02::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1"};
    static const char *const open[] = {"93.184.216.34", "8.8.8.8", "172.32.0.1",
                                       "2606:2800:220:1::1", "::ffff:8.8.8.8"};
    for (size_t i = 0; i < sizeof closed / sizeof closed[0]; i++)
        if (public_address(closed[i]))
            fail_msg("%s taken for public", closed[i]);
    for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
        if (!public_address(open[i]))
            fail_msg("%s taken for closed", open[i]);
    /* a call limited to public addresses does not connect to loopback */
    httpc_request_t req = {.method = HTTPC_GET, .url = url("/echo"), .public_only = true};
    httpc_response_t res;
    assert_int_equal(httpc_send(arena, &req, &res), GH_ERR_UNAVAILABLE);
    assert_int_equal(res.outcome, HTTPC_FAIL_CONNECT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get, new_arena, free_arena),
        cmocka_unit_test_setup_teardown(test_public_addresses, new_arena, free_arena),
        cmocka_unit_test_setup_teardown(test_post_form_with_basic, new_arena, free_arena),
        cmocka_unit_test_setup_teardown(test_delete_with_json, new_arena, free_arena),
        cmocka_unit_test_setup_teardown(test_header_injection_refused, new_arena, free_arena),
        cmocka_unit_test_setup_teardown(test_error_status_kept, new_arena, free_arena),
        cmocka_unit_test_setup_teardown(test_redirect_not_followed, new_arena, free_arena),
        cmocka_unit_test_setup_teardown(test_timeout, new_arena, free_arena),
        cmocka_unit_test_setup_teardown(test_too_large, new_arena, free_arena),
        cmocka_unit_test_setup_teardown(test_connect_refused, new_arena, free_arena),
        cmocka_unit_test_setup_teardown(test_tls_to_plain_server_fails, new_arena, free_arena),
        cmocka_unit_test_setup_teardown(test_urls, new_arena, free_arena),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
