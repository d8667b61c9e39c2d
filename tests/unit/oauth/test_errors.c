/* Unit tests: every error kind rendered in both styles (src/oauth/errors.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "oauth/oauth_int.h"

typedef struct {
    arena_t *arena;
    config_t cfg;
    app_t app;
    http_request_t req;
    http_response_t res;
} fixture_t;

static void setup(fixture_t *f, error_style_t style)
{
    memset(f, 0, sizeof *f);
    config_init(&f->cfg);
    f->cfg.server.error_style = style;
    f->arena = arena_new(1 << 16);
    f->app.cfg = &f->cfg.server;
    f->req.arena = f->arena;
    f->req.app = &f->app;
}

static void teardown(fixture_t *f)
{
    arena_free(f->arena);
    config_free(&f->cfg);
}

static json_t *respond(fixture_t *f, oauth_error_site_t site, oauth_error_kind_t kind)
{
    memset(&f->res, 0, sizeof f->res);
    oauth_error_t err = {kind, "why"};
    oauth_error_respond(&f->req, &f->res, site, &err);
    json_t *j = json_loadb(f->res.body, f->res.body_len, 0, NULL);
    assert_non_null(j);
    arena_defer(f->arena, (void (*)(void *))json_decref, j);
    return j;
}

static const char *header(const http_response_t *res, const char *name)
{
    for (size_t i = 0; i < res->header_count; i++)
        if (!strcmp(res->headers[i].name, name))
            return res->headers[i].value;
    return NULL;
}

static void seed_style(void **state)
{
    static const struct {
        oauth_error_kind_t kind;
        const char *code, *message;
        int status;
    } want[] = {
        {OAUTH_ERR_INVALID_REQUEST, "10051", "Invalid request", 400},
        {OAUTH_ERR_INVALID_GRANT, "10051", "Invalid request", 400},
        {OAUTH_ERR_UNSUPPORTED_GRANT_TYPE, "10051", "Invalid request", 400},
        {OAUTH_ERR_INVALID_SCOPE, "10071", "Invalid oauth2 scope", 400},
        {OAUTH_ERR_INSUFFICIENT_SCOPE, "10074", "Insufficient oauth2 scope", 400},
        {OAUTH_ERR_INVALID_TOKEN, "10075", "Invalid oauth2 token", 400},
        {OAUTH_ERR_INVALID_CLIENT, "10076", "Unauthorized oauth2 client", 400},
        {OAUTH_ERR_UNAUTHORIZED_CLIENT, "10076", "Unauthorized oauth2 client", 400},
        {OAUTH_ERR_TOO_LARGE, "10051", "Invalid request", 413},
        {OAUTH_ERR_SERVER_ERROR, "10500", "Internal server error", 500},
        {OAUTH_ERR_UNAVAILABLE, "10503", "Service unavailable", 503},
        {OAUTH_ERR_TOKEN_MISSING, "10051", "Invalid request", 400},
    };
    fixture_t f;
    setup(&f, ERROR_STYLE_SEED);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        json_t *j = respond(&f, OAUTH_AT_TOKEN, want[i].kind);
        assert_int_equal(f.res.status, want[i].status);
        assert_true(json_is_null(json_object_get(j, "payload")));
        json_t *e = json_object_get(j, "error");
        assert_string_equal(json_string_value(json_object_get(e, "code")), want[i].code);
        assert_string_equal(json_string_value(json_object_get(e, "message")), want[i].message);
        assert_int_equal(json_object_size(j), 2);
    }
    teardown(&f);
}

static void rfc_style(void **state)
{
    fixture_t f;
    setup(&f, ERROR_STYLE_RFC6749);
    json_t *j = respond(&f, OAUTH_AT_TOKEN, OAUTH_ERR_INVALID_GRANT);
    assert_int_equal(f.res.status, 400);
    assert_string_equal(json_string_value(json_object_get(j, "error")), "invalid_grant");
    assert_string_equal(json_string_value(json_object_get(j, "error_description")), "why");
    j = respond(&f, OAUTH_AT_TOKEN, OAUTH_ERR_INVALID_CLIENT);
    assert_int_equal(f.res.status, 401);
    assert_string_equal(json_string_value(json_object_get(j, "error")), "invalid_client");
    assert_string_equal(header(&f.res, "WWW-Authenticate"), "Basic realm=\"gatehouse\"");
    j = respond(&f, OAUTH_AT_RESOURCE, OAUTH_ERR_INVALID_TOKEN);
    assert_int_equal(f.res.status, 401);
    assert_string_equal(header(&f.res, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");
    j = respond(&f, OAUTH_AT_RESOURCE, OAUTH_ERR_INSUFFICIENT_SCOPE);
    assert_int_equal(f.res.status, 403);
    assert_string_equal(json_string_value(json_object_get(j, "error")), "insufficient_scope");
    teardown(&f);
}

/* RFC 6750 §3.1: no token at all → 401 with a bare challenge, no error code. */
static void rfc_style_missing_token(void **state)
{
    fixture_t f;
    setup(&f, ERROR_STYLE_RFC6749);
    json_t *j = respond(&f, OAUTH_AT_RESOURCE, OAUTH_ERR_TOKEN_MISSING);
    assert_int_equal(f.res.status, 401);
    assert_string_equal(header(&f.res, "WWW-Authenticate"), "Bearer");
    assert_int_equal(json_object_size(j), 0);
    j = respond(&f, OAUTH_AT_RESOURCE, OAUTH_ERR_INVALID_REQUEST);
    assert_int_equal(f.res.status, 400);
    assert_string_equal(header(&f.res, "WWW-Authenticate"), "Bearer error=\"invalid_request\"");
    teardown(&f);
}

/* RFC 8628 §3.5: device clients read `error`, so these are RFC 6749 §5.2 in both styles. */
static void device_polling_errors(void **state)
{
    static const struct {
        oauth_error_kind_t kind;
        const char *name;
    } want[] = {
        {OAUTH_ERR_AUTHORIZATION_PENDING, "authorization_pending"},
        {OAUTH_ERR_SLOW_DOWN, "slow_down"},
        {OAUTH_ERR_EXPIRED_TOKEN, "expired_token"},
        {OAUTH_ERR_ACCESS_DENIED, "access_denied"},
    };
    static const error_style_t styles[] = {ERROR_STYLE_SEED, ERROR_STYLE_RFC6749};
    for (size_t s = 0; s < 2; s++) {
        fixture_t f;
        setup(&f, styles[s]);
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
            json_t *j = respond(&f, OAUTH_AT_TOKEN, want[i].kind);
            assert_int_equal(f.res.status, 400);
            assert_string_equal(json_string_value(json_object_get(j, "error")), want[i].name);
            assert_string_equal(json_string_value(json_object_get(j, "error_description")), "why");
        }
        teardown(&f);
    }
}

static void names_and_statuses(void **state)
{
    assert_string_equal(oauth_error_name(OAUTH_ERR_ACCESS_DENIED), "access_denied");
    assert_string_equal(oauth_error_name(OAUTH_ERR_UNSUPPORTED_RESPONSE_TYPE),
                        "unsupported_response_type");
    assert_string_equal(oauth_error_seed_code(OAUTH_ERR_INVALID_SCOPE), "10071");
    assert_int_equal(oauth_error_from_status(GH_ERR_UNAVAILABLE), OAUTH_ERR_UNAVAILABLE);
    assert_int_equal(oauth_error_from_status(GH_ERR_INTERNAL), OAUTH_ERR_SERVER_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_style),
        cmocka_unit_test(rfc_style),
        cmocka_unit_test(rfc_style_missing_token),
        cmocka_unit_test(names_and_statuses),
        cmocka_unit_test(device_polling_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
