/* Unit tests of GET|POST /oauth2/v1/userinfo (src/oauth/userinfo.c,
 * access_token.c) through the server's route table: the bearer token in the
 * header, a form body or the query (RFC 6750 §2), exactly one of them; the
 * claims each scope releases; and the refusals in both error styles, with
 * the RFC 6750 §3 challenge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler_fixture.h"

static const char *access_token(hf_server_t *s, const char *scope)
{
    return hf_str(hf_tokens(s, scope), "access_token");
}

static void assert_body(hf_req_t *r, const char *want_text)
{
    json_t *want = json_loads(want_text, 0, NULL);
    assert_non_null(want);
    if (!json_equal(hf_json(r), want))
        fail_msg("got %s, want %s", hf_text(r), want_text);
    json_decref(want);
}

/* seed 004: profile releases nickname, name and email (and nothing more:
 * preferred_username has the scope username) */
#define ALICE_PROFILE                                                                              \
    "{\"sub\":\"" HF_SUB "\",\"nickname\":\"Al\",\"name\":\"Alice Liddell\","                      \
    "\"email\":\"alice@example.com\"}"

static void token_in_the_header(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, access_token(s, "openid profile"));
    assert_int_equal(hf_run(r), 200);
    assert_body(r, ALICE_PROFILE);
}

static void token_in_a_form(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/userinfo");
    hf_form(r, "access_token", access_token(s, "openid profile"));
    assert_int_equal(hf_run(r), 200);
    assert_body(r, ALICE_PROFILE);
}

static void token_in_the_query(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_query(r, "access_token", access_token(s, "openid profile"));
    assert_int_equal(hf_run(r), 200);
    assert_body(r, ALICE_PROFILE);
}

static void claims_follow_the_scope(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, access_token(s, "openid"));
    assert_int_equal(hf_run(r), 200);
    assert_body(r, "{\"sub\":\"" HF_SUB "\"}");
    r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, access_token(s, "openid email"));
    assert_int_equal(hf_run(r), 200);
    assert_body(r, "{\"sub\":\"" HF_SUB
                   "\",\"email\":\"alice@example.com\",\"email_verified\":false}");
}

/* ---- refusals ---- */

/* hf_refused, and the RFC style's challenge. */
static void refused(hf_server_t *s, hf_build_fn build, const char *seed_code, int rfc_status,
                    const char *rfc_error, const char *challenge)
{
    hf_req_t *r = hf_refused(s, build, seed_code, rfc_status, rfc_error);
    assert_string_equal(hf_res_header(r, "WWW-Authenticate"), challenge);
}

static hf_req_t *two_ways(hf_server_t *s)
{
    const char *token = access_token(s, "openid");
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, token);
    hf_query(r, "access_token", token);
    return r;
}

static hf_req_t *garbage(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, "not.a.token");
    return r;
}

static hf_req_t *tampered(hf_server_t *s)
{
    char *token = arena_strdup(s->arena, access_token(s, "openid"));
    size_t n = strlen(token);
    token[n - 2] = token[n - 2] == 'A' ? 'B' : 'A';
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, token);
    return r;
}

static hf_req_t *expired(hf_server_t *s)
{
    long ttl = s->cfg.server.access_token_ttl;
    s->cfg.server.access_token_ttl = -5;
    const char *token = access_token(s, "openid");
    s->cfg.server.access_token_ttl = ttl;
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, token);
    return r;
}

static hf_req_t *an_id_token(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, hf_str(hf_tokens(s, "openid"), "id_token"));
    return r;
}

static hf_req_t *empty_bearer(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_header(r, "Authorization", "Bearer ");
    return r;
}

static hf_req_t *without_openid(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, access_token(s, "profile"));
    return r;
}

static hf_req_t *revoked(hf_server_t *s)
{
    const char *token = access_token(s, "openid");
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/revoke");
    hf_form(r, "token", token);
    hf_basic(r, HF_CONF, HF_CONF_SECRET);
    assert_int_equal(hf_run(r), 200);
    r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, token);
    return r;
}

static void bad_tokens(void **state)
{
    hf_server_t *s = *state;
    const char *invalid = "Bearer error=\"invalid_token\"";
    refused(s, garbage, "10075", 401, "invalid_token", invalid);
    refused(s, tampered, "10075", 401, "invalid_token", invalid);
    refused(s, expired, "10075", 401, "invalid_token", invalid);
    refused(s, an_id_token, "10075", 401, "invalid_token", invalid);
    refused(s, empty_bearer, "10075", 401, "invalid_token", invalid);
    refused(s, revoked, "10075", 401, "invalid_token", invalid);
    refused(s, without_openid, "10074", 403, "insufficient_scope",
            "Bearer error=\"insufficient_scope\"");
    refused(s, two_ways, "10051", 400, "invalid_request", "Bearer error=\"invalid_request\"");
}

/* RFC 6750 §3.1: no authentication at all gets a bare challenge, no error. */
static void no_token(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_run(r);
    hf_assert_seed_error(r, 400, "10051");
    s->cfg.server.error_style = ERROR_STYLE_RFC6749;
    r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_header(r, "Authorization", "Basic Zm9vOmJhcg==");
    assert_int_equal(hf_run(r), 401);
    assert_int_equal(json_object_size(hf_json(r)), 0);
    assert_string_equal(hf_res_header(r, "WWW-Authenticate"), "Bearer");
}

/* A repeated access_token is refused before the handler, in the resource's
 * style (RFC 6750: invalid_request with its challenge). */
static void repeated_token(void **state)
{
    hf_server_t *s = *state;
    const char *token = access_token(s, "openid");
    s->cfg.server.error_style = ERROR_STYLE_RFC6749;
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_query(r, "access_token", token);
    hf_query(r, "access_token", token);
    hf_run(r);
    hf_assert_rfc_error(r, 400, "invalid_request");
    assert_string_equal(hf_res_header(r, "WWW-Authenticate"), "Bearer error=\"invalid_request\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        hf_test(token_in_the_header),     hf_test(token_in_a_form), hf_test(token_in_the_query),
        hf_test(claims_follow_the_scope), hf_test(bad_tokens),      hf_test(no_token),
        hf_test(repeated_token),
    };
    return cmocka_run_group_tests(tests, hf_group_setup, hf_group_teardown);
}
