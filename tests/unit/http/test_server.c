/* End-to-end test of the HTTP core: a real server on 127.0.0.1 (port 0) with
 * a small route table, spoken to in raw HTTP/1.1 over a socket. Checks the
 * security headers, 404/405/413, parameter checks, form decoding, HEAD, the
 * request log line and /metrics, and that the server keeps serving after
 * every bad request. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "http/http.h"

#define MAX_BODY 1024

static http_server_t *server;
static char reply[256 * 1024];

/* ---- the application under test ---- */

static void on_hello(http_request_t *req, http_response_t *res)
{
    json_t *j = json_pack("{s:b}", "ok", 1);
    http_response_json(req, res, 200, j);
    json_decref(j);
}

static void on_page(http_request_t *req, http_response_t *res)
{
    http_response_html(res, 200, "<p>page</p>", 11);
}

/* Echoes what the request carried, so the test can see the decoding. */
static void on_echo(http_request_t *req, http_response_t *res)
{
    const char *name = http_pairs_get(&req->form, "name");
    const char *q = http_pairs_get(&req->query, "q");
    json_t *j = json_pack("{s:s, s:s?, s:s?, s:i, s:s, s:s?}", "path", req->path, "name", name, "q",
                          q, "form_count", (int)req->form.count, "remote", req->remote_addr,
                          "cookie", http_request_cookie(req, "sid"));
    http_response_json(req, res, 200, j);
    json_decref(j);
}

/* Which worker thread answered. */
static void on_worker(http_request_t *req, http_response_t *res)
{
    char *id = arena_alloc(req->arena, 32);
    assert_non_null(id);
    snprintf(id, 32, "%lu", (unsigned long)pthread_self());
    http_response_text(res, 200, id);
}

static void on_nothing(http_request_t *req, http_response_t *res) {}

static void on_broken(http_request_t *req, http_response_t *res)
{
    res->status = 200;
    res->body_len = 5; /* and no body */
}

static void on_slow(http_request_t *req, http_response_t *res)
{
    const struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    http_response_text(res, 200, "slow\n");
}

static void on_param_error(http_request_t *req, http_response_t *res, http_param_problem_t problem,
                           const char *name)
{
    json_t *j = json_pack("{s:i, s:s}", "problem", (int)problem, "name", name);
    http_response_json(req, res, 400, j);
    json_decref(j);
}

static const http_param_spec_t ECHO_PARAMS[] = {{"name", 16}, {"q", 64}, {NULL, 0}};

static const http_route_t ROUTES[] = {
    {HTTP_GET, "/hello", on_hello, "hello", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/counted", on_hello, "counted", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/page", on_page, "page", NULL, HTTP_CORS_NONE},
    {HTTP_GET | HTTP_POST, "/echo", on_echo, "echo", ECHO_PARAMS, HTTP_CORS_NONE},
    {HTTP_GET, "/files/*", on_echo, "files", NULL, HTTP_CORS_NONE},
    {HTTP_DELETE, "/files/x", on_hello, "files", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/nothing", on_nothing, "nothing", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/worker", on_worker, "worker", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/broken", on_broken, "broken", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/metrics", http_metrics_handler, "metrics", NULL, HTTP_CORS_NONE},
};

static int start(void **state)
{
    http_server_opts_t o = {
        .listen = "127.0.0.1:0",
        .routes = ROUTES,
        .route_count = sizeof ROUTES / sizeof ROUTES[0],
        .on_param_error = on_param_error,
        .threads = 2,
        .max_body = MAX_BODY,
    };
    return http_server_start(&o, &server) == GH_OK ? 0 : -1;
}

static int stop(void **state)
{
    http_server_stop(server);
    return 0;
}

/* ---- a raw HTTP client ---- */

static int dial_port(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

static int dial(void)
{
    return dial_port(http_server_port(server));
}

/* Sends n raw bytes and reads the answer until the server closes. */
static const char *send_raw(const char *raw, size_t n)
{
    int fd = dial();
    assert_int_equal(send(fd, raw, n, MSG_NOSIGNAL), (ssize_t)n);
    size_t len = 0;
    ssize_t got;
    while (len < sizeof reply - 1 && (got = recv(fd, reply + len, sizeof reply - 1 - len, 0)) > 0)
        len += (size_t)got;
    reply[len] = '\0';
    close(fd);
    return reply;
}

static const char *send_text(const char *raw)
{
    return send_raw(raw, strlen(raw));
}

static const char *get(const char *target)
{
    char raw[2048];
    snprintf(raw, sizeof raw, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", target);
    return send_text(raw);
}

static const char *post_form(const char *target, const char *body)
{
    char raw[8192];
    snprintf(raw, sizeof raw,
             "POST %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: "
             "application/x-www-form-urlencoded; charset=UTF-8\r\nContent-Length: %zu\r\n\r\n%s",
             target, strlen(body), body);
    return send_text(raw);
}

static int status_of(const char *r)
{
    return strncmp(r, "HTTP/1.1 ", 9) == 0 ? atoi(r + 9) : -1;
}

/* The value of a response header (up to the end of its line), or NULL. */
static const char *header_of(const char *r, const char *name)
{
    static char value[512];
    char key[128];
    snprintf(key, sizeof key, "\r\n%s: ", name);
    const char *end = strstr(r, "\r\n\r\n");
    const char *h = strcasestr(r, key);
    if (!h || !end || h > end)
        return NULL;
    h += strlen(key);
    size_t n = strcspn(h, "\r");
    snprintf(value, sizeof value, "%.*s", (int)n, h);
    return value;
}

static const char *body_of(const char *r)
{
    const char *b = strstr(r, "\r\n\r\n");
    return b ? b + 4 : NULL;
}

static void assert_still_serving(void)
{
    const char *r = get("/hello");
    assert_int_equal(status_of(r), 200);
    assert_string_equal(body_of(r), "{\"ok\":true}");
}

/* ---- tests ---- */

static void test_port_reported(void **state)
{
    assert_true(http_server_port(server) > 0);
}

static void test_json_ok_with_headers(void **state)
{
    const char *r = get("/hello");
    assert_int_equal(status_of(r), 200);
    assert_string_equal(header_of(r, "Content-Type"), "application/json");
    assert_string_equal(header_of(r, "Cache-Control"), "no-store");
    assert_string_equal(header_of(r, "Pragma"), "no-cache");
    assert_string_equal(header_of(r, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(header_of(r, "Referrer-Policy"), "no-referrer");
    assert_null(header_of(r, "X-Frame-Options"));
    assert_string_equal(body_of(r), "{\"ok\":true}");
}

static void test_html_headers(void **state)
{
    const char *r = get("/page");
    assert_int_equal(status_of(r), 200);
    assert_string_equal(header_of(r, "Content-Type"), "text/html; charset=utf-8");
    assert_string_equal(header_of(r, "X-Frame-Options"), "DENY");
    assert_non_null(strstr(header_of(r, "Content-Security-Policy"), "frame-ancestors 'none'"));
    assert_string_equal(header_of(r, "X-Content-Type-Options"), "nosniff");
}

static void test_not_found(void **state)
{
    assert_int_equal(status_of(get("/nope")), 404);
    assert_int_equal(status_of(get("/hello/")), 404); /* exact match only */
    assert_int_equal(status_of(get("/file")), 404);
    assert_still_serving();
}

static void test_method_not_allowed(void **state)
{
    const char *r = send_text("POST /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                              "Content-Length: 0\r\n\r\n");
    assert_int_equal(status_of(r), 405);
    assert_string_equal(header_of(r, "Allow"), "GET, HEAD");
    r = send_text("PUT /files/x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                  "Content-Length: 0\r\n\r\n");
    assert_int_equal(status_of(r), 405);
    assert_string_equal(header_of(r, "Allow"), "GET, HEAD, DELETE"); /* union of both routes */
    assert_still_serving();
}

static void test_prefix_route_and_path_decoding(void **state)
{
    const char *r = get("/files/a%20b/c?q=1");
    assert_int_equal(status_of(r), 200);
    json_t *j = json_loads(body_of(r), 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "path")), "/files/a b/c");
    assert_string_equal(json_string_value(json_object_get(j, "remote")), "127.0.0.1");
    json_decref(j);
    r = send_text("DELETE /files/x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_int_equal(status_of(r), 200); /* the second route with that path */
}

static void test_bad_path(void **state)
{
    assert_int_equal(status_of(get("/files/a%00b")), 400);
    assert_int_equal(status_of(get("/files/a%zz")), 400);
    assert_int_equal(status_of(get("/files/a%2Fb")), 400); /* an encoded slash */
    assert_int_equal(status_of(get("/files/a%2fb")), 400);
    assert_still_serving();
}

/* Framing two parsers could read differently, and header bytes RFC 9110 §5.5
 * forbids, are refused before any handler runs (and the connection closed). */
static void test_ambiguous_framing(void **state)
{
    static const char *const refused[] = {
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "GET /hello HTTP/1.1\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: t\r\nX A: b\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: t\r\nX-A: a\x01b\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        const char *r = send_text(refused[i]);
        assert_int_equal(status_of(r), 400);
        assert_string_equal(header_of(r, "Connection"), "close");
    }
    const char *r = send_text("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked"
                              "\r\n\r\n0\r\n\r\n");
    assert_int_equal(status_of(r), 501);
    r = send_text("GET /hello HTTP/1.0\r\n\r\n"); /* HTTP/1.0 needs no Host */
    assert_int_equal(status_of(r), 200);
    assert_still_serving();
}

static void test_body_too_large(void **state)
{
    char raw[4096], body[MAX_BODY + 2];
    memset(body, 'a', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    snprintf(raw, sizeof raw,
             "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: text/plain\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             strlen(body), body);
    assert_int_equal(status_of(send_text(raw)), 413);
    assert_still_serving();
    body[MAX_BODY] = '\0'; /* exactly the limit is fine */
    assert_int_equal(status_of(post_form("/echo", body)), 200);
}

static void test_lying_content_length(void **state)
{
    const char *r = send_text("POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                              "Content-Length: 99999999\r\n\r\nname=x");
    assert_int_equal(status_of(r), 413);
    assert_still_serving();
}

static void test_chunked_body_too_large(void **state)
{
    char raw[8192];
    size_t n = (size_t)snprintf(raw, sizeof raw,
                                "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; i++) { /* 3 x 512 bytes > MAX_BODY */
        n += (size_t)snprintf(raw + n, sizeof raw - n, "200\r\n");
        memset(raw + n, 'b', 512);
        n += 512;
        n += (size_t)snprintf(raw + n, sizeof raw - n, "\r\n");
    }
    n += (size_t)snprintf(raw + n, sizeof raw - n, "0\r\n\r\n");
    assert_int_equal(status_of(send_raw(raw, n)), 413);
    assert_still_serving();
}

static void test_chunked_body_accepted(void **state)
{
    const char *r = send_text("POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                              "Content-Type: application/x-www-form-urlencoded\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n"
                              "5\r\nname=\r\n3\r\nabc\r\n0\r\n\r\n");
    assert_int_equal(status_of(r), 200);
    assert_non_null(strstr(body_of(r), "\"name\":\"abc\""));
}

static void test_form_decoding(void **state)
{
    const char *r = post_form("/echo?q=a+b%26c", "name=J%C3%B6+x&other=1&&other=2");
    assert_int_equal(status_of(r), 200);
    json_t *j = json_loads(body_of(r), 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "J\xc3\xb6 x");
    assert_string_equal(json_string_value(json_object_get(j, "q")), "a b&c");
    assert_int_equal(json_integer_value(json_object_get(j, "form_count")), 3);
    json_decref(j);
}

static void test_non_form_body_not_decoded(void **state)
{
    const char *r = send_text("POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                              "Content-Type: application/json\r\nContent-Length: 8\r\n\r\n"
                              "name=abc");
    assert_int_equal(status_of(r), 200);
    assert_non_null(strstr(body_of(r), "\"form_count\":0"));
}

/* The problem and name the parameter error callback got. */
static void assert_param_error(const char *r, http_param_problem_t problem, const char *name)
{
    assert_int_equal(status_of(r), 400);
    json_t *j = json_loads(body_of(r), 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "problem")), problem);
    assert_string_equal(json_string_value(json_object_get(j, "name")), name);
    json_decref(j);
    assert_still_serving();
}

static void test_repeated_parameter(void **state)
{
    assert_param_error(get("/echo?q=1&q=2"), HTTP_PARAM_REPEATED, "q");
    assert_param_error(post_form("/echo", "name=a&name=b"), HTTP_PARAM_REPEATED, "name");
    /* once in the query and once in the body is repeated too */
    assert_param_error(post_form("/echo?name=a", "name=b"), HTTP_PARAM_REPEATED, "name");
    /* undeclared parameters may repeat */
    assert_int_equal(status_of(get("/echo?x=1&x=2")), 200);
}

static void test_parameter_too_long(void **state)
{
    assert_param_error(post_form("/echo", "name=12345678901234567"), HTTP_PARAM_TOO_LONG, "name");
    assert_int_equal(status_of(post_form("/echo", "name=1234567890123456")), 200);
}

static void test_malformed_parameters(void **state)
{
    assert_param_error(get("/echo?q=%zz"), HTTP_PARAM_MALFORMED, "query");
    assert_param_error(get("/echo?q=%00"), HTTP_PARAM_MALFORMED, "query");
    assert_param_error(post_form("/echo", "name=%G0"), HTTP_PARAM_MALFORMED, "form");
}

static void test_head(void **state)
{
    const char *r = send_text("HEAD /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_int_equal(status_of(r), 200);
    assert_string_equal(header_of(r, "Content-Length"), "11");
    assert_string_equal(body_of(r), "");
    assert_int_equal(status_of(send_text("HEAD /nope HTTP/1.1\r\nHost: t\r\n"
                                         "Connection: close\r\n\r\n")),
                     404);
}

static void test_handler_without_answer(void **state)
{
    const char *r = get("/nothing");
    assert_int_equal(status_of(r), 500);
    assert_string_equal(body_of(r), "{\"error\":\"internal\"}");
    r = get("/broken");
    assert_int_equal(status_of(r), 500);
    assert_string_equal(body_of(r), "{\"error\":\"internal\"}");
    assert_still_serving();
}

static void test_cookies_reach_handler(void **state)
{
    const char *r = send_text("GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                              "Cookie: theme=dark; sid=s-1\r\n\r\n");
    assert_int_equal(status_of(r), 200);
    assert_non_null(strstr(body_of(r), "\"cookie\":\"s-1\""));
}

static void test_garbage_and_abandoned_requests(void **state)
{
    assert_int_equal(status_of(send_text("NOT HTTP AT ALL\r\n\r\n")), 400); /* by MHD */
    int fd = dial(); /* a request line, then the client goes away */
    const char partial[] = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nname=";
    assert_int_equal(send(fd, partial, sizeof partial - 1, MSG_NOSIGNAL),
                     (ssize_t)sizeof partial - 1);
    close(fd);
    assert_still_serving();
}

static void test_keep_alive(void **state)
{
    const char *r = send_text("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                              "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
                              "GET /page HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    const char *second = strstr(r + 1, "HTTP/1.1 ");
    const char *third = second ? strstr(second + 1, "HTTP/1.1 ") : NULL;
    assert_int_equal(status_of(r), 200);
    assert_non_null(third);
    assert_int_equal(status_of(second), 404);
    assert_int_equal(status_of(third), 200);
}

/* Connections opened together go to both workers, half each (libmicrohttpd's
 * pooled workers each accepted up to ten at a time, so a burst could all land
 * on one and leave the other idle for as long as the connections lasted). */
static void test_connections_spread_over_workers(void **state)
{
    enum { N = 8 };
    int fds[N];
    for (int i = 0; i < N; i++)
        fds[i] = dial();
    const char req[] = "GET /worker HTTP/1.1\r\nHost: t\r\n\r\n";
    for (int i = 0; i < N; i++)
        assert_int_equal(send(fds[i], req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)sizeof req - 1);
    char first[32] = "";
    int same = 0;
    for (int i = 0; i < N; i++) {
        char buf[2048] = {0};
        size_t len = 0;
        ssize_t got;
        while (!strstr(buf, "\r\n\r\n") || strlen(body_of(buf)) == 0) {
            got = recv(fds[i], buf + len, sizeof buf - 1 - len, 0);
            assert_true(got > 0);
            len += (size_t)got;
        }
        close(fds[i]);
        assert_int_equal(status_of(buf), 200);
        if (i == 0)
            snprintf(first, sizeof first, "%s", body_of(buf));
        same += strcmp(body_of(buf), first) == 0;
    }
    assert_in_range(same, N / 2 - 1, N / 2 + 1); /* a connection of an earlier test may linger */
}

static void test_log_line_without_query(void **state)
{
    char path[] = "/tmp/gh_http_logXXXXXX";
    int tmp = mkstemp(path), saved = dup(STDERR_FILENO);
    assert_true(tmp >= 0 && saved >= 0);
    dup2(tmp, STDERR_FILENO);
    const char *r = get("/hello?code=SECRET-CODE-123");
    dup2(saved, STDERR_FILENO);
    close(saved);
    assert_int_equal(status_of(r), 200);
    char log[4096] = {0};
    ssize_t n = pread(tmp, log, sizeof log - 1, 0);
    close(tmp);
    unlink(path);
    assert_true(n > 0);
    assert_non_null(strstr(log, "\"event\":\"request\""));
    assert_non_null(strstr(log, "\"method\":\"GET\""));
    assert_non_null(strstr(log, "\"path\":\"/hello\""));
    assert_non_null(strstr(log, "\"status\":200"));
    assert_non_null(strstr(log, "\"route\":\"hello\""));
    const char *ms = strstr(log, "\"duration_ms\":");
    assert_non_null(ms);
    ms += strlen("\"duration_ms\":");
    size_t whole = strspn(ms, "0123456789");
    assert_true(whole > 0); /* milliseconds to three places: 0.412 */
    assert_int_equal(ms[whole], '.');
    assert_int_equal(strspn(ms + whole + 1, "0123456789"), 3);
    assert_true(ms[whole + 4] == ',' || ms[whole + 4] == '}');
    assert_null(strstr(log, "SECRET"));
}

static void test_metrics_count_requests(void **state)
{
    for (int i = 0; i < 3; i++)
        assert_int_equal(status_of(get("/counted")), 200);
    assert_int_equal(status_of(send_text("POST /counted HTTP/1.1\r\nHost: t\r\n"
                                         "Connection: close\r\nContent-Length: 0\r\n\r\n")),
                     405);
    const char *r = get("/metrics");
    assert_int_equal(status_of(r), 200);
    assert_non_null(strstr(header_of(r, "Content-Type"), "text/plain; version=0.0.4"));
    const char *m = body_of(r);
    assert_non_null(
        strstr(m, "\ngatehouse_http_requests_total{route=\"counted\",status=\"200\"} 3\n"));
    assert_non_null(
        strstr(m, "\ngatehouse_http_requests_total{route=\"counted\",status=\"405\"} 1\n"));
    assert_non_null(
        strstr(m, "\ngatehouse_http_request_duration_seconds_count{route=\"counted\"} 4\n"));
    assert_non_null(strstr(m, "gatehouse_http_request_duration_seconds_bucket{route=\"counted\","
                              "le=\"+Inf\"} 4\n"));
    assert_non_null(strstr(m, "gatehouse_http_requests_total{route=\"none\",status=\"404\"}"));
    assert_non_null(strstr(m, "# TYPE gatehouse_http_request_duration_seconds histogram\n"));
    assert_non_null(strstr(m, "# TYPE gatehouse_tokens_issued_total counter\n"));
    /* the two routes labelled "files" share one series */
    const char *files = strstr(m, "_count{route=\"files\"}");
    assert_non_null(files);
    assert_null(strstr(files + 1, "_count{route=\"files\"}"));
}

static void test_bad_listen_addresses(void **state)
{
    const char *bad[] = {"127.0.0.1", "127.0.0.1:http", "256.1.1.1:0", "[::1:0", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        http_server_opts_t o = {.listen = bad[i], .routes = ROUTES, .route_count = 1};
        http_server_t *s = NULL;
        assert_int_equal(http_server_start(&o, &s), GH_ERR_IO);
        assert_null(s);
    }
    char taken[32];
    snprintf(taken, sizeof taken, "127.0.0.1:%u", http_server_port(server));
    http_server_opts_t o = {.listen = taken, .routes = ROUTES, .route_count = 1};
    http_server_t *s = NULL;
    assert_int_equal(http_server_start(&o, &s), GH_ERR_CONFLICT);
    http_server_stop(NULL);
}

/* Issue 25: a taken address is named, with what holds it when it answers. */
static void test_listen_problem_names_the_holder(void **state)
{
    char taken[32], why[160], want[160];
    snprintf(taken, sizeof taken, "127.0.0.1:%u", http_server_port(server));
    snprintf(want, sizeof want, "%s is already in use by something that is not Gatehouse", taken);
    assert_string_equal(http_listen_problem(GH_ERR_CONFLICT, taken, why, sizeof why), want);

    static const http_route_t health[] = {
        {HTTP_GET, "/healthz", http_health_handler, "h", NULL, HTTP_CORS_NONE}};
    http_server_opts_t o = {.listen = "127.0.0.1:0", .routes = health, .route_count = 1};
    http_server_t *s = NULL;
    assert_int_equal(http_server_start(&o, &s), GH_OK);
    snprintf(taken, sizeof taken, "127.0.0.1:%u", http_server_port(s));
    snprintf(want, sizeof want, "%s is already in use by another Gatehouse", taken);
    assert_string_equal(http_listen_problem(GH_ERR_CONFLICT, taken, why, sizeof why), want);
    http_server_stop(s);

    /* a holder that accepts and never answers: nothing is guessed */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sin;
    assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
    snprintf(taken, sizeof taken, "127.0.0.1:%u", ntohs(sin.sin_port));
    snprintf(want, sizeof want, "%s is already in use", taken);
    assert_string_equal(http_listen_problem(GH_ERR_CONFLICT, taken, why, sizeof why), want);
    close(fd);

    assert_string_equal(http_listen_problem(GH_ERR_IO, "127.0.0.1:1", why, sizeof why),
                        "cannot listen on 127.0.0.1:1: i/o error");
}

static void test_stop_finishes_requests_in_flight(void **state)
{
    static const http_route_t slow[] = {{HTTP_GET, "/slow", on_slow, "slow", NULL, HTTP_CORS_NONE}};
    http_server_opts_t o = {.listen = "127.0.0.1:0", .routes = slow, .route_count = 1};
    http_server_t *s = NULL;
    assert_int_equal(http_server_start(&o, &s), GH_OK);
    int fd = dial_port(http_server_port(s));
    const char req[] = "GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    assert_int_equal(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)sizeof req - 1);
    const struct timespec pause = {0, 100 * 1000 * 1000}; /* the handler is running */
    nanosleep(&pause, NULL);
    http_server_stop(s);
    char buf[1024] = {0};
    assert_true(recv(fd, buf, sizeof buf - 1, MSG_WAITALL) > 0);
    close(fd);
    assert_int_equal(status_of(buf), 200);
    assert_string_equal(body_of(buf), "slow\n");
}

static void test_ipv6_listen(void **state)
{
    int probe = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    bool have_v6 = probe >= 0 && bind(probe, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (probe >= 0)
        close(probe);
    if (!have_v6)
        skip();
    http_server_opts_t o = {.listen = "[::1]:0", .routes = ROUTES, .route_count = 1, .threads = 1};
    http_server_t *s = NULL;
    assert_int_equal(http_server_start(&o, &s), GH_OK);
    assert_true(http_server_port(s) > 0);
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    sa.sin6_port = htons(http_server_port(s));
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    const char req[] = "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    assert_int_equal(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)sizeof req - 1);
    char buf[1024] = {0};
    assert_true(recv(fd, buf, sizeof buf - 1, MSG_WAITALL) > 0);
    close(fd);
    assert_int_equal(status_of(buf), 200);
    http_server_stop(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_port_reported),
        cmocka_unit_test(test_json_ok_with_headers),
        cmocka_unit_test(test_html_headers),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_method_not_allowed),
        cmocka_unit_test(test_prefix_route_and_path_decoding),
        cmocka_unit_test(test_bad_path),
        cmocka_unit_test(test_body_too_large),
        cmocka_unit_test(test_lying_content_length),
        cmocka_unit_test(test_chunked_body_too_large),
        cmocka_unit_test(test_chunked_body_accepted),
        cmocka_unit_test(test_form_decoding),
        cmocka_unit_test(test_non_form_body_not_decoded),
        cmocka_unit_test(test_repeated_parameter),
        cmocka_unit_test(test_parameter_too_long),
        cmocka_unit_test(test_malformed_parameters),
        cmocka_unit_test(test_head),
        cmocka_unit_test(test_handler_without_answer),
        cmocka_unit_test(test_cookies_reach_handler),
        cmocka_unit_test(test_garbage_and_abandoned_requests),
        cmocka_unit_test(test_keep_alive),
        cmocka_unit_test(test_connections_spread_over_workers),
        cmocka_unit_test(test_log_line_without_query),
        cmocka_unit_test(test_metrics_count_requests),
        cmocka_unit_test(test_bad_listen_addresses),
        cmocka_unit_test(test_listen_problem_names_the_holder),
        cmocka_unit_test(test_stop_finishes_requests_in_flight),
        cmocka_unit_test(test_ipv6_listen),
        cmocka_unit_test(test_ambiguous_framing),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
