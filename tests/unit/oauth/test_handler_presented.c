/* Unit tests of the endpoints a client hands one of its tokens back to,
 * through the server's route table: POST /oauth2/v1/revoke (RFC 7009:
 * src/oauth/revoke.c) and POST /oauth2/v1/introspect (RFC 7662:
 * introspect.c), both reading the request with presented.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler_fixture.h"

#define UNKNOWN_TOKEN "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

/* A request to path with token, authenticated as client (Basic). */
static hf_req_t *presented(hf_server_t *s, const char *path, const char *client, const char *secret,
                           const char *token)
{
    hf_req_t *r = hf_request(s, "POST", path);
    if (token)
        hf_form(r, "token", token);
    if (secret)
        hf_basic(r, client, secret);
    else
        hf_form(r, "client_id", client);
    return r;
}

static hf_req_t *revoke_request(hf_server_t *s, const char *token)
{
    return presented(s, "/oauth2/v1/revoke", HF_CONF, HF_CONF_SECRET, token);
}

static hf_req_t *introspect_request(hf_server_t *s, const char *token)
{
    return presented(s, "/oauth2/v1/introspect", HF_CONF, HF_CONF_SECRET, token);
}

/* RFC 7009 §2.2: 200 with an empty body, not cached. */
static void assert_revoked_answer(hf_req_t *r)
{
    assert_int_equal(hf_run(r), 200);
    assert_int_equal(r->res.body_len, 0);
    assert_string_equal(hf_res_header(r, "Cache-Control"), "no-store");
}

static bool active(hf_server_t *s, const char *token)
{
    hf_req_t *r = introspect_request(s, token);
    assert_int_equal(hf_run(r), 200);
    json_t *a = json_object_get(hf_json(r), "active");
    assert_true(json_is_boolean(a));
    return json_is_true(a);
}

static int refresh_status(hf_server_t *s, const char *refresh_token)
{
    hf_req_t *r = hf_token_request(s, "refresh_token");
    hf_form(r, "refresh_token", refresh_token);
    return hf_run(r);
}

/* ---- revocation ---- */

static void revoking_an_access_token(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *t = hf_tokens(s, "openid");
    const char *access = hf_str(t, "access_token");
    assert_true(active(s, access));
    assert_revoked_answer(revoke_request(s, access));
    assert_false(active(s, access));
    /* only that token: the grant's refresh token still works */
    assert_int_equal(refresh_status(s, hf_str(t, "refresh_token")), 200);
}

/* RFC 7009 §2.1: a refresh token takes its grant with it. */
static void revoking_a_refresh_token(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *t = hf_tokens(s, "openid");
    const char *refresh = hf_str(t, "refresh_token");
    hf_req_t *r = revoke_request(s, refresh);
    hf_form(r, "token_type_hint", "refresh_token");
    assert_revoked_answer(r);
    assert_false(active(s, refresh));
    assert_false(active(s, hf_str(t, "access_token")));
    assert_int_equal(refresh_status(s, refresh), 400);
}

/* RFC 7009 §2.2: unknown, malformed or another client's tokens get the same
 * 200 and change nothing. */
static void revoking_what_is_not_ours(void **state)
{
    hf_server_t *s = *state;
    assert_revoked_answer(revoke_request(s, UNKNOWN_TOKEN));
    assert_revoked_answer(revoke_request(s, "a.b.c"));
    hf_req_t *t = hf_tokens(s, "openid");
    const char *access = hf_str(t, "access_token"), *refresh = hf_str(t, "refresh_token");
    assert_revoked_answer(presented(s, "/oauth2/v1/revoke", HF_SVC, HF_SVC_SECRET, access));
    assert_revoked_answer(presented(s, "/oauth2/v1/revoke", HF_PUB, NULL, refresh));
    assert_true(active(s, access));
    assert_true(active(s, refresh));
}

static hf_req_t *revoke_without_token(hf_server_t *s)
{
    return revoke_request(s, NULL);
}

static hf_req_t *revoke_wrong_secret(hf_server_t *s)
{
    return presented(s, "/oauth2/v1/revoke", HF_CONF, HF_SVC_SECRET, UNKNOWN_TOKEN);
}

static hf_req_t *revoke_not_a_form(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/revoke");
    hf_header(r, "Content-Type", "text/plain");
    hf_body(r, "token=" UNKNOWN_TOKEN);
    hf_basic(r, HF_CONF, HF_CONF_SECRET);
    return r;
}

static hf_req_t *revoke_repeated_token(hf_server_t *s)
{
    hf_req_t *r = revoke_request(s, UNKNOWN_TOKEN);
    hf_form(r, "token", UNKNOWN_TOKEN);
    return r;
}

static void revocation_refusals(void **state)
{
    hf_server_t *s = *state;
    hf_refused(s, revoke_without_token, "10051", 400, "invalid_request");
    hf_refused(s, revoke_wrong_secret, "10076", 401, "invalid_client");
    hf_refused(s, revoke_not_a_form, "10051", 400, "invalid_request");
    hf_refused(s, revoke_repeated_token, "10051", 400, "invalid_request");
}

/* ---- introspection ---- */

static void assert_has(json_t *j, const char *name, const char *value)
{
    const char *got = json_string_value(json_object_get(j, name));
    if (!got || strcmp(got, value) != 0)
        fail_msg("%s: got %s, want %s", name, got ? got : "(none)", value);
}

/* RFC 7662 §2.2 for an access token: its claims and the username. */
static void introspecting_an_access_token(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *t = hf_tokens(s, "openid profile");
    const char *access = hf_str(t, "access_token");
    json_t *claims = hf_jwt(t, access, NULL);
    hf_req_t *r = introspect_request(s, access);
    hf_form(r, "token_type_hint", "access_token");
    assert_int_equal(hf_run(r), 200);
    json_t *j = hf_json(r);
    assert_true(json_is_true(json_object_get(j, "active")));
    assert_has(j, "username", HF_USERNAME);
    assert_has(j, "token_type", "Bearer");
    assert_has(j, "scope", "openid profile");
    assert_has(j, "client_id", HF_CONF);
    assert_has(j, "sub", HF_SUB);
    assert_has(j, "iss", s->cfg.server.issuer);
    assert_has(j, "aud", s->cfg.server.issuer);
    assert_has(j, "jti", json_string_value(json_object_get(claims, "jti")));
    assert_true(json_equal(json_object_get(j, "exp"), json_object_get(claims, "exp")));
    assert_true(json_equal(json_object_get(j, "iat"), json_object_get(claims, "iat")));
    assert_int_equal(json_object_size(j), 11);
}

static void introspecting_a_refresh_token(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = introspect_request(s, hf_str(hf_tokens(s, "openid"), "refresh_token"));
    assert_int_equal(hf_run(r), 200);
    json_t *j = hf_json(r);
    assert_true(json_is_true(json_object_get(j, "active")));
    assert_has(j, "username", HF_USERNAME);
    assert_has(j, "token_type", "refresh_token");
    assert_has(j, "scope", "openid");
    assert_has(j, "client_id", HF_CONF);
    assert_has(j, "sub", HF_SUB);
    assert_has(j, "iss", s->cfg.server.issuer);
    json_int_t iat = json_integer_value(json_object_get(j, "iat"));
    assert_int_equal(json_integer_value(json_object_get(j, "exp")),
                     iat + s->cfg.server.refresh_token_ttl);
    assert_int_equal(json_object_size(j), 9);
}

/* A client's own token (client_credentials: sub is the client) has no username. */
static void introspecting_a_client_token(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *t = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(t, "grant_type", "client_credentials");
    hf_basic(t, HF_SVC, HF_SVC_SECRET);
    assert_int_equal(hf_run(t), 200);
    hf_req_t *r =
        presented(s, "/oauth2/v1/introspect", HF_SVC, HF_SVC_SECRET, hf_str(t, "access_token"));
    assert_int_equal(hf_run(r), 200);
    assert_true(json_is_true(json_object_get(hf_json(r), "active")));
    assert_has(hf_json(r), "sub", HF_SVC);
    assert_null(json_object_get(hf_json(r), "username"));
}

/* Unknown, expired and other clients' tokens: {"active":false} and nothing else. */
static void inactive_tokens(void **state)
{
    hf_server_t *s = *state;
    const char *inactive[4];
    inactive[0] = UNKNOWN_TOKEN;
    inactive[1] = "a.b.c";
    s->cfg.server.access_token_ttl = -5;
    inactive[2] = hf_str(hf_tokens(s, "openid"), "access_token");
    s->cfg.server.access_token_ttl = s->defaults.access_token_ttl;
    inactive[3] = NULL;
    for (size_t i = 0; inactive[i]; i++) {
        hf_req_t *r = introspect_request(s, inactive[i]);
        assert_int_equal(hf_run(r), 200);
        assert_string_equal(hf_text(r), "{\"active\":false}");
    }
    hf_req_t *t = hf_tokens(s, "openid");
    hf_req_t *r =
        presented(s, "/oauth2/v1/introspect", HF_SVC, HF_SVC_SECRET, hf_str(t, "access_token"));
    assert_int_equal(hf_run(r), 200);
    assert_string_equal(hf_text(r), "{\"active\":false}");
    r = presented(s, "/oauth2/v1/introspect", HF_SVC, HF_SVC_SECRET, hf_str(t, "refresh_token"));
    assert_int_equal(hf_run(r), 200);
    assert_string_equal(hf_text(r), "{\"active\":false}");
}

static hf_req_t *introspect_public_client(hf_server_t *s)
{
    return presented(s, "/oauth2/v1/introspect", HF_PUB, NULL, UNKNOWN_TOKEN);
}

static hf_req_t *introspect_without_token(hf_server_t *s)
{
    return introspect_request(s, NULL);
}

static hf_req_t *introspect_without_client(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/introspect");
    hf_form(r, "token", UNKNOWN_TOKEN);
    return r;
}

static void introspection_refusals(void **state)
{
    hf_server_t *s = *state;
    hf_refused(s, introspect_public_client, "10076", 401, "invalid_client");
    hf_refused(s, introspect_without_token, "10051", 400, "invalid_request");
    hf_refused(s, introspect_without_client, "10076", 401, "invalid_client");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        hf_test(revoking_an_access_token),      hf_test(revoking_a_refresh_token),
        hf_test(revoking_what_is_not_ours),     hf_test(revocation_refusals),
        hf_test(introspecting_an_access_token), hf_test(introspecting_a_refresh_token),
        hf_test(introspecting_a_client_token),  hf_test(inactive_tokens),
        hf_test(introspection_refusals),
    };
    return cmocka_run_group_tests(tests, hf_group_setup, hf_group_teardown);
}
