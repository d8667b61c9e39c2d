/* Unit tests of /auth/authorize (src/oauth/authorize.c) through the
 * server's route table: until the client and its exact redirect URI are
 * verified every error is a page, never a redirect (RFC 6749 §4.1.2.1);
 * after that errors go back to the redirect URI with state and iss (RFC
 * 9207); the sign-in and consent steps and the code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler_fixture.h"

/* An error page: HTML at status, and no redirect anywhere; not to be
 * framed (clickjacking of the sign-in and consent forms). */
static void assert_page(hf_req_t *r, int status)
{
    assert_int_equal(hf_run(r), status);
    assert_int_equal(r->res.kind, HTTP_KIND_HTML);
    assert_null(hf_res_header(r, "Location"));
    assert_string_equal(hf_sent_header(r, "X-Frame-Options"), "DENY");
}

/* A redirect back to the client's redirect URI with error, state and iss. */
static void assert_redirect_error(hf_req_t *r, const char *redirect_uri, const char *error)
{
    assert_int_equal(hf_run(r), 302);
    assert_string_equal(hf_location_base(r), redirect_uri);
    const char *got = hf_location_param(r, "error");
    if (!got || strcmp(got, error) != 0)
        fail_msg("want %s, got %s", error, hf_res_header(r, "Location"));
    assert_string_equal(hf_location_param(r, "state"), "st-123");
    assert_string_equal(hf_location_param(r, "iss"), r->srv->cfg.server.issuer);
    assert_null(hf_location_param(r, "code"));
}

/* An error page that says why. */
static void assert_page_saying(hf_req_t *r, int status, const char *detail)
{
    assert_page(r, status);
    if (!hf_body_has(r, detail))
        fail_msg("the page does not say \"%s\"", detail);
}

static hf_req_t *conf_request(hf_server_t *s, const char *session)
{
    return hf_authorize(s, session, HF_CONF, HF_CONF_REDIRECT, "openid", NULL);
}

/* ---- before the redirect URI is verified: pages ---- */

static void unknown_client_gets_a_page(void **state)
{
    hf_server_t *s = *state;
    assert_page(hf_authorize(s, NULL, "nobody", HF_CONF_REDIRECT, "openid", NULL), 400);
    hf_req_t *r = hf_request(s, "GET", "/auth/authorize");
    hf_query(r, "redirect_uri", HF_CONF_REDIRECT);
    hf_query(r, "response_type", "code");
    assert_page_saying(r, 400, "client_id is missing");
}

static void unregistered_redirect_uri_gets_a_page(void **state)
{
    hf_server_t *s = *state;
    static const char *const wrong[] = {
        "https://evil.example/cb", "https://rp.example/cb/", "https://rp.example/cb?x=1",
        "https://RP.example/cb",   HF_PUB_REDIRECT,          NULL};
    for (size_t i = 0; wrong[i]; i++)
        assert_page(hf_authorize(s, hf_session(s), HF_CONF, wrong[i], "openid", NULL), 400);
    /* even when the rest of the request is wrong too */
    hf_req_t *r = hf_authorize(s, NULL, HF_CONF, "https://evil.example/cb", "openid", NULL);
    hf_query(r, "response_type", "token");
    assert_page(r, 400);
    r = hf_request(s, "GET", "/auth/authorize");
    hf_query(r, "client_id", HF_CONF);
    hf_query(r, "response_type", "code");
    assert_page(r, 400);
}

/* A repeated, over-long or undecodable parameter is refused before the
 * handler: a page. */
static void parameter_problems_get_a_page(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = conf_request(s, hf_session(s));
    hf_query(r, "state", "again");
    assert_page_saying(r, 400, "A parameter appears more than once");
    r = conf_request(s, NULL);
    hf_query(r, "client_id", HF_CONF);
    assert_page_saying(r, 400, "A parameter appears more than once");
    r = conf_request(s, NULL);
    char nonce[600];
    memset(nonce, 'n', sizeof nonce - 1);
    nonce[sizeof nonce - 1] = '\0';
    hf_query(r, "nonce", nonce);
    assert_page_saying(r, 400, "A parameter of the request is too long");
    r = conf_request(s, NULL);
    buf_puts(&r->query, "&bad=%zz");
    assert_page_saying(r, 400, "The parameters of the request could not be read");
    r = hf_request(s, "POST", "/auth/authorize");
    hf_header(r, "Content-Type", "application/x-www-form-urlencoded");
    hf_body(r, "client_id=conf&redirect_uri=https%3A%2F%2Frp.example%2Fcb&state=%G1");
    assert_page_saying(r, 400, "The parameters of the request could not be read");
}

/* ---- after it: back to the client ---- */

static hf_req_t *with_response_type(hf_server_t *s, const char *type)
{
    hf_req_t *r = hf_request(s, "GET", "/auth/authorize");
    hf_query(r, "client_id", HF_CONF);
    hf_query(r, "redirect_uri", HF_CONF_REDIRECT);
    if (type)
        hf_query(r, "response_type", type);
    hf_query(r, "scope", "openid");
    hf_query(r, "state", "st-123");
    return r;
}

static void bad_requests_go_back_to_the_client(void **state)
{
    hf_server_t *s = *state;
    const char *cb = HF_CONF_REDIRECT;
    assert_redirect_error(with_response_type(s, "token"), cb, "unsupported_response_type");
    assert_redirect_error(with_response_type(s, "code id_token"), cb, "unsupported_response_type");
    assert_redirect_error(with_response_type(s, NULL), cb, "invalid_request");
    assert_redirect_error(hf_authorize(s, NULL, HF_CONF, cb, "openid admin", NULL), cb,
                          "invalid_scope");
    assert_redirect_error(hf_authorize(s, NULL, HF_CONF, cb, "openid  profile", NULL), cb,
                          "invalid_request");
    hf_req_t *r = conf_request(s, NULL);
    hf_query(r, "request", "eyJhbGciOiJub25lIn0.e30."); /* RFC 9101: alg none never verifies */
    assert_page(r, 400);
    r = conf_request(s, NULL);
    hf_query(r, "request_uri", "https://rp.example/req");
    assert_redirect_error(r, cb, "request_uri_not_supported");
    r = conf_request(s, NULL);
    hf_query(r, "max_age", "soon");
    assert_redirect_error(r, cb, "invalid_request");
    r = conf_request(s, NULL);
    hf_query(r, "prompt", "none login");
    assert_redirect_error(r, cb, "invalid_request");
    /* a malformed prompt is refused, not taken for no prompt */
    static const char *const malformed[] = {"none  none", " none", "none ", "none\tlogin"};
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        r = conf_request(s, NULL);
        hf_query(r, "prompt", malformed[i]);
        assert_redirect_error(r, cb, "invalid_request");
    }
}

static void pkce_checks(void **state)
{
    hf_server_t *s = *state;
    /* a public client must send a challenge */
    assert_redirect_error(hf_authorize(s, NULL, HF_PUB, HF_PUB_REDIRECT, "openid", NULL),
                          HF_PUB_REDIRECT, "invalid_request");
    hf_req_t *r = conf_request(s, NULL);
    hf_query(r, "code_challenge", HF_CHALLENGE);
    hf_query(r, "code_challenge_method", "plain");
    assert_redirect_error(r, HF_CONF_REDIRECT, "invalid_request");
    r = conf_request(s, NULL);
    hf_query(r, "code_challenge", "short");
    hf_query(r, "code_challenge_method", "S256");
    assert_redirect_error(r, HF_CONF_REDIRECT, "invalid_request");
    r = conf_request(s, NULL);
    hf_query(r, "code_challenge_method", "S256");
    assert_redirect_error(r, HF_CONF_REDIRECT, "invalid_request");
}

/* ---- signing in, consent, the code ---- */

/* Without a session: the sign-in page, with a CSRF cookie for its form. */
static void no_session_shows_the_login_page(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = conf_request(s, NULL);
    assert_page(r, 200);
    assert_non_null(hf_set_cookie(r, s->app.csrf_cookie));
    assert_true(hf_body_has(r, "name=\"password\""));
    assert_true(hf_body_has(r, "value=\"login\""));
}

static void prompt_none_without_session(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = conf_request(s, NULL);
    hf_query(r, "prompt", "none");
    assert_redirect_error(r, HF_CONF_REDIRECT, "login_required");
}

/* A client the user has never consented to, registered by the test. */
static const char *fresh_client(hf_server_t *s, const char *id)
{
    static const char *uris[] = {"https://fresh.example/cb"};
    store_client_t c = {.id = id,
                        .secret_digest = secret_client_digest(s->arena, "fresh-secret"),
                        .redirect_uris = uris,
                        .redirect_uri_count = 1,
                        .scope = "openid profile",
                        .grants = STORE_GRANT_AUTHORIZATION_CODE};
    assert_int_equal(store_client_add(s->app.store, &c), GH_OK);
    return uris[0];
}

static void consent_is_asked_once(void **state)
{
    hf_server_t *s = *state;
    const char *cb = fresh_client(s, "fresh1");
    const char *session = hf_session(s);
    hf_req_t *r = hf_authorize(s, session, "fresh1", cb, "openid profile", NULL);
    hf_query(r, "prompt", "none");
    assert_redirect_error(r, cb, "consent_required");
    r = hf_authorize(s, session, "fresh1", cb, "openid profile", NULL);
    assert_page(r, 200);
    assert_true(hf_body_has(r, "value=\"consent\""));
    assert_true(hf_body_has(r, "fresh1")); /* the client, named for the person */
    /* given once, the next request gets its code at once */
    hf_code_for(s, "fresh1", cb, "openid profile", NULL, NULL);
    r = hf_authorize(s, session, "fresh1", cb, "openid", NULL);
    assert_int_equal(hf_run(r), 302);
    assert_non_null(hf_location_param(r, "code"));
    /* prompt=consent asks again */
    r = hf_authorize(s, session, "fresh1", cb, "openid", NULL);
    hf_query(r, "prompt", "consent");
    assert_page(r, 200);
}

static hf_req_t *consent_post(hf_server_t *s, const char *session, const char *decision,
                              const char *csrf)
{
    hf_req_t *r = hf_request(s, "POST", "/auth/authorize");
    hf_form(r, "client_id", HF_CONF);
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    hf_form(r, "response_type", "code");
    hf_form(r, "scope", "openid");
    hf_form(r, "state", "st-123");
    hf_form(r, "step", "consent");
    hf_form(r, "decision", decision);
    hf_form(r, "csrf", csrf);
    hf_cookie(r, s->app.session_cookie, session);
    return r;
}

static void the_code_comes_back_with_state_and_iss(void **state)
{
    hf_server_t *s = *state;
    const char *session = hf_session(s);
    hf_req_t *r = consent_post(s, session, "allow", hf_csrf(s, session));
    hf_form(r, "nonce", "n-1");
    assert_int_equal(hf_run(r), 302);
    assert_string_equal(hf_location_base(r), HF_CONF_REDIRECT);
    assert_int_equal(strlen(hf_location_param(r, "code")), 43);
    assert_string_equal(hf_location_param(r, "state"), "st-123");
    assert_string_equal(hf_location_param(r, "iss"), s->cfg.server.issuer);
    assert_null(hf_location_param(r, "error"));
    assert_string_equal(hf_sent_header(r, "Cache-Control"), "no-store");
}

/* state comes back exactly as sent, whatever it holds. */
static void state_round_trip(void **state)
{
    hf_server_t *s = *state;
    static const char odd[] = "a&b=c d+e%20/?#\xc3\xa9";
    hf_req_t *r = hf_request(s, "GET", "/auth/authorize");
    hf_query(r, "client_id", HF_CONF);
    hf_query(r, "redirect_uri", HF_CONF_REDIRECT);
    hf_query(r, "response_type", "token");
    hf_query(r, "scope", "openid");
    hf_query(r, "state", odd);
    assert_int_equal(hf_run(r), 302);
    assert_string_equal(hf_location_param(r, "state"), odd);
    assert_string_equal(hf_location_param(r, "error"), "unsupported_response_type");
}

static void denied_consent(void **state)
{
    hf_server_t *s = *state;
    const char *session = hf_session(s);
    assert_redirect_error(consent_post(s, session, "deny", hf_csrf(s, session)), HF_CONF_REDIRECT,
                          "access_denied");
}

/* A form posted without the session's own CSRF token: the sign-in page
 * again (403), never a code. */
static void forged_consent(void **state)
{
    hf_server_t *s = *state;
    const char *session = hf_session(s), *other = hf_session(s);
    assert_page(consent_post(s, session, "allow", hf_csrf(s, other)), 403);
    assert_page(consent_post(s, session, "allow", "0000"), 403);
}

static hf_req_t *login_post(hf_server_t *s, const char *password)
{
    hf_req_t *csrf_page = conf_request(s, NULL);
    assert_int_equal(hf_run(csrf_page), 200);
    const char *cookie = hf_set_cookie(csrf_page, s->app.csrf_cookie);
    hf_req_t *pre = hf_request(s, "GET", "/");
    hf_cookie(pre, s->app.csrf_cookie, cookie);
    hf_run(pre);
    hf_req_t *r = hf_request(s, "POST", "/auth/authorize");
    hf_form(r, "client_id", HF_CONF);
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    hf_form(r, "response_type", "code");
    hf_form(r, "scope", "openid");
    hf_form(r, "state", "st-123");
    hf_form(r, "step", "login");
    hf_form(r, "username", HF_USERNAME);
    hf_form(r, "password", password);
    hf_form(r, "csrf", csrf_token(&pre->req, &pre->res, NULL));
    hf_cookie(r, s->app.csrf_cookie, cookie);
    return r;
}

static void signing_in(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = login_post(s, "not-the-password");
    assert_page(r, 401);
    assert_null(hf_set_cookie(r, s->app.session_cookie));
    r = login_post(s, HF_PASSWORD);
    int status = hf_run(r);
    assert_true(status == 200 || status == 302); /* consent page, or the code */
    assert_non_null(hf_set_cookie(r, s->app.session_cookie));
}

/* prompt=login makes a signed-in person sign in again. */
static void prompt_login(void **state)
{
    hf_server_t *s = *state;
    const char *session = hf_session(s);
    hf_code(s, "openid");
    hf_req_t *r = conf_request(s, session);
    hf_query(r, "prompt", "login");
    assert_page(r, 200);
    assert_true(hf_body_has(r, "name=\"password\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        hf_test(unknown_client_gets_a_page),
        hf_test(unregistered_redirect_uri_gets_a_page),
        hf_test(parameter_problems_get_a_page),
        hf_test(bad_requests_go_back_to_the_client),
        hf_test(pkce_checks),
        hf_test(no_session_shows_the_login_page),
        hf_test(prompt_none_without_session),
        hf_test(consent_is_asked_once),
        hf_test(the_code_comes_back_with_state_and_iss),
        hf_test(state_round_trip),
        hf_test(denied_consent),
        hf_test(forged_consent),
        hf_test(signing_in),
        hf_test(prompt_login),
    };
    return cmocka_run_group_tests(tests, hf_group_setup, hf_group_teardown);
}
