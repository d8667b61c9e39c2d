/* Unit tests: the gateway's page, its files and the platform list
 * (src/gateway/web.c), called directly with requests built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "gateway/web.h"

typedef struct {
    arena_t *arena;
    http_pair_t header;
    http_request_t req;
    http_response_t res;
} fixture_t;

static void setup(fixture_t *f, const char *path, const char *accept_language)
{
    memset(f, 0, sizeof *f);
    f->arena = arena_new(1 << 16);
    f->req.arena = f->arena;
    f->req.method = HTTP_GET;
    f->req.path = path;
    if (accept_language) {
        f->header = (http_pair_t){"Accept-Language", accept_language, strlen(accept_language)};
        f->req.headers = (http_pairs_t){&f->header, 1};
    }
}

static const char *header(const http_response_t *res, const char *name)
{
    for (size_t i = 0; i < res->header_count; i++)
        if (!strcmp(res->headers[i].name, name))
            return res->headers[i].value;
    return NULL;
}

static void assert_page(const char *accept_language, const char *html_tag)
{
    fixture_t f;
    setup(&f, "/", accept_language);
    gateway_web_page_handler(&f.req, &f.res);
    assert_int_equal(f.res.status, 200);
    assert_int_equal(f.res.kind, HTTP_KIND_HTML);
    assert_int_equal(strlen(f.res.body), f.res.body_len);
    assert_non_null(strstr(f.res.body, html_tag));
    assert_non_null(strstr(f.res.body, "<script src=\"/gateway/app.js\" defer></script>"));
    assert_null(strstr(f.res.body, "{{"));
    const char *csp = header(&f.res, "Content-Security-Policy");
    assert_non_null(csp);
    assert_non_null(strstr(csp, "script-src 'self';"));
    assert_non_null(strstr(csp, "frame-ancestors 'none'"));
    assert_null(strstr(csp, "unsafe-inline"));
    arena_free(f.arena);
}

static void page_language(void **state)
{
    assert_page(NULL, "<html lang=\"en\">");
    assert_page("ko-KR,ko;q=0.9,en;q=0.8", "<html lang=\"ko\">");
    assert_page("en-US,ko;q=0.5", "<html lang=\"en\">");
    assert_page("fr, \"><script>", "<html lang=\"en\">");
}

static void assert_asset(const char *path, int status, const char *type, const char *snippet)
{
    fixture_t f;
    setup(&f, path, NULL);
    gateway_web_asset_handler(&f.req, &f.res);
    assert_int_equal(f.res.status, status);
    if (type) {
        assert_int_equal(f.res.kind, HTTP_KIND_STATIC);
        assert_string_equal(f.res.content_type, type);
        assert_true(f.res.cacheable);
        assert_non_null(strstr(f.res.body, snippet));
    }
    arena_free(f.arena);
}

static void assets(void **state)
{
    assert_asset("/gateway/app.js", 200, "text/javascript; charset=utf-8", "/oauth2/api");
    assert_asset("/gateway/app.css", 200, "text/css; charset=utf-8", ".gw-platform");
    assert_asset("/gateway/index.html", 404, NULL, NULL);
    assert_asset("/gateway/../static/logo.svg", 404, NULL, NULL);
    assert_asset("/gateway/app.js/", 404, NULL, NULL);
}

static void set(config_t *cfg, const char *section, const char *key, const char *value)
{
    char err[128];
    assert_int_equal(config_set(cfg, section, key, value, err, sizeof err), GH_OK);
}

static void platform_list(void **state)
{
    config_t cfg;
    config_init(&cfg);
    set(&cfg, "gateway", "listen", "127.0.0.1:8081");
    set(&cfg, "platform.ottm", "kind", "oidc");
    set(&cfg, "platform.ottm", "label", "OTTM \"membership\"");
    set(&cfg, "platform.nv", "kind", "naver");
    set(&cfg, "platform.other", "issuer", "http://127.0.0.1:9");
    set(&cfg, "platform.gh", "kind", "github");
    arena_t *a = arena_new(1 << 14);
    gateway_web_t w;
    assert_int_equal(gateway_web_init(&w, &cfg, a), GH_OK);
    assert_string_equal(
        w.platforms, "{\"flag\":true,\"title\":\"success\","
                     "\"message\":\"platform list response success\",\"body\":["
                     "{\"name\":\"ottm\",\"kind\":\"oidc\",\"label\":\"OTTM \\\"membership\\\"\"},"
                     "{\"name\":\"nv\",\"kind\":\"naver\",\"label\":\"NAVER\"},"
                     "{\"name\":\"other\",\"kind\":\"oidc\",\"label\":\"other\"},"
                     "{\"name\":\"gh\",\"kind\":\"github\",\"label\":\"GitHub\"}]}");
    http_response_t res = {0};
    gateway_web_platforms_respond(&w, &res);
    assert_int_equal(res.status, 200);
    assert_int_equal(res.kind, HTTP_KIND_JSON);
    assert_int_equal(res.body_len, strlen(w.platforms));
    arena_free(a);
    config_free(&cfg);
}

static void no_platforms(void **state)
{
    config_t cfg;
    config_init(&cfg);
    arena_t *a = arena_new(1 << 12);
    gateway_web_t w;
    assert_int_equal(gateway_web_init(&w, &cfg, a), GH_OK);
    assert_non_null(strstr(w.platforms, "\"body\":[]}"));
    arena_free(a);
    config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(page_language),
        cmocka_unit_test(assets),
        cmocka_unit_test(platform_list),
        cmocka_unit_test(no_platforms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
