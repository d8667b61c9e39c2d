/* Unit tests of /auth/logout (src/oauth/logout.c, OpenID Connect
 * RP-Initiated Logout 1.0) through the server's route table: the session
 * ends only when the person confirms or the id_token_hint names them; a
 * post_logout_redirect_uri must be registered for the hint's (or the named)
 * client, otherwise the answer is a page, never a redirect. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler_fixture.h"

/* Whether the session still signs the person in at /auth/authorize (the
 * consent for the confidential client is given first, so a live session
 * gets a code at once). */
static bool signed_in(hf_server_t *s, const char *session)
{
    hf_req_t *r = hf_authorize(s, session, HF_CONF, HF_CONF_REDIRECT, "openid", NULL);
    int status = hf_run(r);
    return status == 302 && hf_location_param(r, "code");
}

static int consent_given(void **state)
{
    hf_setup(state);
    hf_code(*state, "openid");
    return 0;
}

static hf_req_t *logout(hf_server_t *s, const char *method, const char *session)
{
    hf_req_t *r = hf_request(s, method, "/auth/logout");
    if (session)
        hf_cookie(r, s->app.session_cookie, session);
    return r;
}

/* The session cookie is cleared (Max-Age=0). */
static void assert_cookie_cleared(hf_req_t *r)
{
    const char *cleared = NULL;
    for (size_t i = 0; i < r->res.header_count; i++)
        if (!strcasecmp(r->res.headers[i].name, "Set-Cookie") &&
            strstr(r->res.headers[i].value, "Max-Age=0"))
            cleared = r->res.headers[i].value;
    assert_non_null(cleared);
    assert_int_equal(
        strncmp(cleared, r->srv->app.session_cookie, strlen(r->srv->app.session_cookie)), 0);
}

static void without_a_session(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = logout(s, "GET", NULL);
    assert_int_equal(hf_run(r), 200);
    assert_int_equal(r->res.kind, HTTP_KIND_HTML);
    assert_cookie_cleared(r);
}

/* Without a hint the person is asked (logout CSRF, §6), and a confirmation
 * with the session's CSRF token ends the session. */
static void asked_then_confirmed(void **state)
{
    hf_server_t *s = *state;
    const char *session = hf_session(s);
    hf_req_t *r = logout(s, "GET", session);
    assert_int_equal(hf_run(r), 200);
    assert_true(hf_body_has(r, "name=\"csrf\""));
    assert_true(signed_in(s, session));
    r = logout(s, "POST", session);
    hf_form(r, "confirm", "1");
    hf_form(r, "csrf", hf_csrf(s, session));
    assert_int_equal(hf_run(r), 200);
    assert_cookie_cleared(r);
    assert_false(signed_in(s, session));
}

static void forged_confirmation(void **state)
{
    hf_server_t *s = *state;
    const char *session = hf_session(s);
    hf_req_t *r = logout(s, "POST", session);
    hf_form(r, "confirm", "1");
    hf_form(r, "csrf", hf_csrf(s, hf_session(s)));
    assert_int_equal(hf_run(r), 403);
    assert_null(hf_res_header(r, "Location"));
    assert_true(signed_in(s, session));
}

/* An id_token_hint naming the signed-in person: no question, back to the
 * registered URI with state. */
static void hint_and_registered_uri(void **state)
{
    hf_server_t *s = *state;
    const char *hint = hf_str(hf_tokens(s, "openid"), "id_token");
    const char *session = hf_session(s);
    hf_req_t *r = logout(s, "GET", session);
    hf_query(r, "id_token_hint", hint);
    hf_query(r, "post_logout_redirect_uri", HF_CONF_LOGOUT);
    hf_query(r, "state", "bye-1");
    assert_int_equal(hf_run(r), 302);
    assert_string_equal(hf_location_base(r), HF_CONF_LOGOUT);
    assert_string_equal(hf_location_param(r, "state"), "bye-1");
    assert_cookie_cleared(r);
    assert_false(signed_in(s, session));
}

static hf_req_t *with_uri(hf_server_t *s, const char *hint, const char *client_id, const char *uri)
{
    hf_req_t *r = logout(s, "GET", NULL);
    if (hint)
        hf_query(r, "id_token_hint", hint);
    if (client_id)
        hf_query(r, "client_id", client_id);
    if (uri)
        hf_query(r, "post_logout_redirect_uri", uri);
    return r;
}

static void assert_page(hf_req_t *r)
{
    assert_int_equal(hf_run(r), 400);
    assert_int_equal(r->res.kind, HTTP_KIND_HTML);
    assert_null(hf_res_header(r, "Location"));
}

static void refusals_are_pages(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *t = hf_tokens(s, "openid");
    const char *hint = hf_str(t, "id_token"), *access = hf_str(t, "access_token");
    assert_page(with_uri(s, hint, NULL, "https://evil.example/bye"));
    assert_page(with_uri(s, hint, NULL, HF_CONF_REDIRECT));
    assert_page(with_uri(s, NULL, NULL, HF_CONF_LOGOUT)); /* no client to check it against */
    assert_page(with_uri(s, NULL, HF_PUB, HF_CONF_LOGOUT));
    assert_page(with_uri(s, NULL, "nobody", NULL));
    assert_page(with_uri(s, "not.a.token", NULL, NULL));
    assert_page(with_uri(s, access, NULL, NULL)); /* an access token is no id_token */
    assert_page(with_uri(s, hint, HF_PUB, NULL)); /* client_id is not the hint's audience */
    /* a client_id alone is enough to check the URI */
    hf_req_t *r = with_uri(s, NULL, HF_CONF, HF_CONF_LOGOUT);
    assert_int_equal(hf_run(r), 302);
    assert_string_equal(hf_location_base(r), HF_CONF_LOGOUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        hf_test(without_a_session),
        cmocka_unit_test_setup_teardown(asked_then_confirmed, consent_given, hf_teardown),
        cmocka_unit_test_setup_teardown(forged_confirmation, consent_given, hf_teardown),
        cmocka_unit_test_setup_teardown(hint_and_registered_uri, consent_given, hf_teardown),
        hf_test(refusals_are_pages),
    };
    return cmocka_run_group_tests(tests, hf_group_setup, hf_group_teardown);
}
