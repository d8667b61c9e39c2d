/* Unit tests of cross-origin calls (src/http/cors.c, client_origin_check in
 * src/oauth/client_auth.c) through the server's route table: preflights of
 * the token endpoint, userinfo and revocation; their answers readable by the
 * page of one of the client's redirect URIs' origins (or the issuer's) and
 * refused, spending nothing, from any other; the public documents readable
 * by any page; the other endpoints never readable by another origin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler_fixture.h"

#define APP_ORIGIN "https://app.example" /* HF_PUB's redirect URI's */
#define RP_ORIGIN "https://rp.example"   /* HF_CONF's */
#define EVIL_ORIGIN "https://evil.example"

static hf_req_t *preflight(hf_server_t *s, const char *path, const char *method)
{
    hf_req_t *r = hf_request(s, "OPTIONS", path);
    hf_header(r, "Origin", APP_ORIGIN);
    hf_header(r, "Access-Control-Request-Method", method);
    hf_header(r, "Access-Control-Request-Headers", "authorization, dpop");
    return r;
}

/* What a page may read: nothing of the answer's CORS headers but these. */
static void assert_readable_by(hf_req_t *r, const char *origin)
{
    assert_string_equal(hf_sent_header(r, "Access-Control-Allow-Origin"), origin);
    assert_string_equal(hf_sent_header(r, "Vary"), "Origin");
    assert_string_equal(hf_sent_header(r, "Access-Control-Expose-Headers"),
                        "WWW-Authenticate, DPoP-Nonce");
    assert_null(hf_sent_header(r, "Access-Control-Allow-Credentials"));
}

static void assert_not_readable(hf_req_t *r)
{
    assert_null(hf_sent_header(r, "Access-Control-Allow-Origin"));
}

/* A preflight says what may be sent (the checks are on the request itself). */
static void preflights_of_the_callers_endpoints(void **state)
{
    hf_server_t *s = *state;
    static const struct {
        const char *path, *methods;
    } endpoints[] = {
        {"/oauth2/v1/token", "POST, OPTIONS"},
        {"/oauth2/v1/userinfo", "GET, POST, OPTIONS"},
        {"/oauth2/v1/revoke", "POST, OPTIONS"},
    };
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++) {
        hf_req_t *r = preflight(s, endpoints[i].path, "POST");
        assert_int_equal(hf_run(r), 204);
        assert_string_equal(hf_sent_header(r, "Access-Control-Allow-Origin"), APP_ORIGIN);
        assert_string_equal(hf_sent_header(r, "Access-Control-Allow-Methods"),
                            endpoints[i].methods);
        assert_string_equal(hf_sent_header(r, "Access-Control-Allow-Headers"),
                            "Authorization, Content-Type, DPoP");
        assert_string_equal(hf_sent_header(r, "Access-Control-Max-Age"), "600");
        assert_string_equal(hf_sent_header(r, "Vary"), "Origin");
        assert_null(hf_sent_header(r, "Access-Control-Allow-Credentials"));
        assert_int_equal(r->res.body_len, 0);
    }
    /* a plain OPTIONS (no Origin): the methods */
    hf_req_t *r = hf_request(s, "OPTIONS", "/oauth2/v1/token");
    assert_int_equal(hf_run(r), 204);
    assert_string_equal(hf_res_header(r, "Allow"), "POST, OPTIONS");
    assert_not_readable(r);
}

/* Endpoints no page elsewhere calls: no preflight, so no call beyond a form. */
static void others_take_no_preflight(void **state)
{
    hf_server_t *s = *state;
    const char *paths[] = {"/oauth2/v1/introspect", "/oauth2/v1/par", "/auth/authorize",
                           "/oauth2/v1/device/authorize", "/account"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        hf_req_t *r = preflight(s, paths[i], "POST");
        assert_int_equal(hf_run(r), 405);
        assert_not_readable(r);
    }
}

static hf_req_t *public_code_request(hf_server_t *s, const char *code, const char *origin)
{
    hf_req_t *r = hf_public_code_request(s, code);
    if (origin)
        hf_header(r, "Origin", origin);
    return r;
}

/* A single-page app redeems its code from its own origin and reads the answer. */
static void the_clients_page_reads_its_tokens(void **state)
{
    hf_server_t *s = *state;
    const char *code = hf_code_for(s, HF_PUB, HF_PUB_REDIRECT, "openid", HF_CHALLENGE, NULL);
    hf_req_t *r = public_code_request(s, code, APP_ORIGIN);
    assert_int_equal(hf_run(r), 200);
    assert_non_null(hf_str(r, "access_token"));
    assert_readable_by(r, APP_ORIGIN);
    /* the port is part of the origin; the default one may be written or not */
    code = hf_code_for(s, HF_PUB, HF_PUB_REDIRECT, "openid", HF_CHALLENGE, NULL);
    r = public_code_request(s, code, APP_ORIGIN ":443");
    assert_int_equal(hf_run(r), 200);
}

/* A page elsewhere is refused before the code is looked at: the code stays
 * the client's. The refusal itself is readable (it says what went wrong). */
static void a_page_elsewhere_spends_nothing(void **state)
{
    hf_server_t *s = *state;
    const char *code = hf_code_for(s, HF_PUB, HF_PUB_REDIRECT, "openid", HF_CHALLENGE, NULL);
    const char *elsewhere[] = {EVIL_ORIGIN, "https://app.example:8443", "http://app.example",
                               "null", RP_ORIGIN};
    s->cfg.server.error_style = ERROR_STYLE_RFC6749;
    for (size_t i = 0; i < sizeof elsewhere / sizeof elsewhere[0]; i++) {
        hf_req_t *r = public_code_request(s, code, elsewhere[i]);
        hf_run(r);
        hf_assert_rfc_error(r, 400, "invalid_request");
        assert_non_null(strstr(hf_str(r, "error_description"), "origin"));
        assert_readable_by(r, elsewhere[i]);
    }
    hf_req_t *r = public_code_request(s, code, NULL); /* not a browser: no Origin */
    assert_int_equal(hf_run(r), 200);
    assert_not_readable(r);
}

/* The issuer's own pages (the console) are every client's origin. */
static void the_issuers_origin_is_every_clients(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_basic(r, HF_SVC, HF_SVC_SECRET);
    hf_header(r, "Origin", s->cfg.server.issuer);
    assert_int_equal(hf_run(r), 200);
    assert_readable_by(r, s->cfg.server.issuer);
}

static void userinfo_from_the_tokens_client(void **state)
{
    hf_server_t *s = *state;
    const char *token = hf_str(hf_tokens(s, "openid profile"), "access_token");
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, token);
    hf_header(r, "Origin", RP_ORIGIN);
    assert_int_equal(hf_run(r), 200);
    assert_readable_by(r, RP_ORIGIN);
    r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, token);
    hf_header(r, "Origin", APP_ORIGIN); /* another client's origin */
    assert_int_equal(hf_run(r), 400);
    assert_null(hf_str(r, "sub"));
    /* a token that is no good: the page can tell (and refresh) */
    s->cfg.server.error_style = ERROR_STYLE_RFC6749;
    r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, "not-a-token");
    hf_header(r, "Origin", RP_ORIGIN);
    assert_int_equal(hf_run(r), 401);
    assert_readable_by(r, RP_ORIGIN);
    assert_non_null(hf_sent_header(r, "WWW-Authenticate"));
}

static void revocation_from_the_clients_origin(void **state)
{
    hf_server_t *s = *state;
    const char *token = hf_str(hf_tokens(s, "openid"), "refresh_token");
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/revoke");
    hf_form(r, "token", token);
    hf_basic(r, HF_CONF, HF_CONF_SECRET);
    hf_header(r, "Origin", EVIL_ORIGIN);
    assert_int_equal(hf_run(r), 400);
    r = hf_request(s, "POST", "/oauth2/v1/revoke");
    hf_form(r, "token", token);
    hf_basic(r, HF_CONF, HF_CONF_SECRET);
    hf_header(r, "Origin", RP_ORIGIN);
    assert_int_equal(hf_run(r), 200);
    assert_readable_by(r, RP_ORIGIN);
}

/* Introspection is for resource servers: a page elsewhere is refused, and
 * even the client's own page cannot read the answer. */
static void introspection_is_never_readable(void **state)
{
    hf_server_t *s = *state;
    const char *token = hf_str(hf_tokens(s, "openid"), "access_token");
    const char *origins[] = {RP_ORIGIN, EVIL_ORIGIN};
    int want[] = {200, 400};
    for (size_t i = 0; i < 2; i++) {
        hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/introspect");
        hf_form(r, "token", token);
        hf_basic(r, HF_CONF, HF_CONF_SECRET);
        hf_header(r, "Origin", origins[i]);
        assert_int_equal(hf_run(r), want[i]);
        assert_not_readable(r);
    }
}

/* Discovery and the keys: public, to any page, with or without Origin. */
static void public_documents_to_any_page(void **state)
{
    hf_server_t *s = *state;
    const char *paths[] = {"/.well-known/openid-configuration",
                           "/.well-known/oauth-authorization-server", "/oauth2/v1/keys"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        hf_req_t *r = hf_request(s, "GET", paths[i]);
        hf_header(r, "Origin", EVIL_ORIGIN);
        assert_int_equal(hf_run(r), 200);
        assert_string_equal(hf_sent_header(r, "Access-Control-Allow-Origin"), "*");
        assert_null(hf_sent_header(r, "Vary"));
        r = hf_request(s, "GET", paths[i]);
        assert_int_equal(hf_run(r), 200);
        assert_string_equal(hf_sent_header(r, "Access-Control-Allow-Origin"), "*");
        r = preflight(s, paths[i], "GET");
        assert_int_equal(hf_run(r), 204);
        assert_string_equal(hf_sent_header(r, "Access-Control-Allow-Origin"), "*");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        hf_test(preflights_of_the_callers_endpoints), hf_test(others_take_no_preflight),
        hf_test(the_clients_page_reads_its_tokens),   hf_test(a_page_elsewhere_spends_nothing),
        hf_test(the_issuers_origin_is_every_clients), hf_test(userinfo_from_the_tokens_client),
        hf_test(revocation_from_the_clients_origin),  hf_test(introspection_is_never_readable),
        hf_test(public_documents_to_any_page),
    };
    return cmocka_run_group_tests(tests, hf_group_setup, hf_group_teardown);
}
