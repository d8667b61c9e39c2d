/* Unit tests: the gateway's page, its files and the platform list
 * (src/gateway/web.c), called directly with requests built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "gateway/gateway_int.h"

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
    gw_page_handler(&f.req, &f.res);
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
    assert_page(NULL, "<html lang=\"en\" class=\"no-js\">");
    assert_page("ko-KR,ko;q=0.9,en;q=0.8", "<html lang=\"ko\" class=\"no-js\">");
    assert_page("en-US,ko;q=0.5", "<html lang=\"en\" class=\"no-js\">");
    assert_page("fr, \"><script>", "<html lang=\"en\" class=\"no-js\">");
}

static void assert_asset(const char *path, int status, const char *type, const char *snippet)
{
    fixture_t f;
    setup(&f, path, NULL);
    gw_asset_handler(&f.req, &f.res);
    assert_int_equal(f.res.status, status);
    if (!type)
        assert_int_equal(f.res.kind, HTTP_KIND_JSON); /* the envelope */
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
    assert_asset("/gateway/marks.js", 200, "text/javascript; charset=utf-8", "platformMark");
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

/* The envelope of GET /oauth2/api/platforms for the platforms of cfg. */
static json_t *platforms_answer(config_t *cfg)
{
    fixture_t f;
    gw_app_t app = {0};
    platform_set_t *set = NULL;
    char err[256] = "";
    setup(&f, "/oauth2/api/platforms", NULL);
    char prefix[256];
    platform_site_t site = gw_platform_site("http://127.0.0.1:8081", 1000, prefix, sizeof prefix);
    assert_int_equal(platform_set_new(cfg, NULL, &site, &set, err, sizeof err), GH_OK);
    atomic_store(&app.platforms, set);
    f.req.app = &app;
    gw_platforms_handler(&f.req, &f.res);
    assert_int_equal(f.res.status, 200);
    assert_int_equal(f.res.kind, HTTP_KIND_JSON);
    json_t *env = json_loadb(f.res.body, f.res.body_len, 0, NULL);
    assert_non_null(env);
    platform_set_free(set);
    arena_free(f.arena);
    return env;
}

static void assert_json(json_t *got, const char *want)
{
    json_t *w = json_loads(want, 0, NULL);
    assert_non_null(w);
    if (!json_equal(got, w)) {
        char *text = json_dumps(got, JSON_COMPACT);
        fail_msg("got %s", text);
    }
    json_decref(w);
    json_decref(got);
}

static void platform_list(void **state)
{
    config_t cfg;
    config_init(&cfg);
    set(&cfg, "platform.ottm", "kind", "oidc");
    set(&cfg, "platform.ottm", "issuer", "http://127.0.0.1:8080");
    set(&cfg, "platform.ottm", "client_id", "gw");
    set(&cfg, "platform.ottm", "client_secret", "s");
    set(&cfg, "platform.ottm", "label", "OTTM \"membership\"");
    set(&cfg, "platform.nv", "kind", "naver");
    set(&cfg, "platform.nv", "client_id", "id1");
    set(&cfg, "platform.nv", "client_secret", "s1");
    set(&cfg, "platform.op", "kind", "oidc");
    set(&cfg, "platform.op", "issuer", "https://op.example");
    set(&cfg, "platform.op", "client_id", "gw");
    set(&cfg, "platform.op", "client_secret", "s");
    set(&cfg, "platform.gh", "kind", "github");
    set(&cfg, "platform.gh", "client_id", "id2");
    set(&cfg, "platform.gh", "client_secret", "s2");
    assert_json(platforms_answer(&cfg),
                "{\"flag\":true,\"title\":\"success\","
                "\"message\":\"platform list response success\",\"body\":["
                "{\"name\":\"ottm\",\"kind\":\"oidc\",\"label\":\"OTTM \\\"membership\\\"\"},"
                "{\"name\":\"nv\",\"kind\":\"naver\",\"label\":\"NAVER\",\"reconsent\":true},"
                "{\"name\":\"op\",\"kind\":\"oidc\",\"label\":\"op\"},"
                "{\"name\":\"gh\",\"kind\":\"github\",\"label\":\"GitHub\"}]}");
    config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(page_language),
        cmocka_unit_test(assets),
        cmocka_unit_test(platform_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
