/* Unit tests of POST /oauth2/v1/token (src/oauth/token.c, tokens.c,
 * client_auth.c) through the server's route table: the seed 004 answer of
 * each grant, and each refusal in both error styles (seed 004 envelope and
 * RFC 6749 §5.2). Which client may redeem another's code and what a replay
 * revokes are left to the end-to-end suite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler_fixture.h"

/* ---- the answers ---- */

/* The members of a token answer, in seed 004's order, and nothing else. */
static void assert_members(hf_req_t *r, const char *const *names)
{
    const char *text = hf_text(r);
    const char *at = text;
    size_t n = 0;
    for (; names[n]; n++) {
        const char *quoted = arena_printf(r->req.arena, "\"%s\":", names[n]);
        const char *p = strstr(text, quoted);
        if (!p || p < at)
            fail_msg("%s missing or out of order in %s", names[n], text);
        at = p;
    }
    assert_int_equal(json_object_size(hf_json(r)), n);
}

static void code_grant_answers_in_the_seed_shape(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_tokens(s, "openid profile");
    static const char *const members[] = {"access_token", "refresh_token", "scope", "id_token",
                                          "token_type",   "expires_in",    NULL};
    assert_members(r, members);
    assert_string_equal(hf_str(r, "scope"), "openid profile");
    assert_string_equal(hf_str(r, "token_type"), "Bearer");
    assert_int_equal(json_integer_value(json_object_get(hf_json(r), "expires_in")), 3599);
    /* RFC 6749 §5.1 */
    assert_string_equal(hf_sent_header(r, "Cache-Control"), "no-store");
    assert_string_equal(hf_sent_header(r, "Pragma"), "no-cache");
    assert_string_equal(hf_sent_header(r, "Content-Type"), "application/json");
}

static void access_token_is_an_rfc9068_jwt(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_tokens(s, "openid profile");
    const char *typ = NULL;
    json_t *c = hf_jwt(r, hf_str(r, "access_token"), &typ);
    const char *issuer = s->cfg.server.issuer;
    assert_string_equal(typ, "at+jwt");
    assert_string_equal(json_string_value(json_object_get(c, "iss")), issuer);
    assert_string_equal(json_string_value(json_object_get(c, "aud")), issuer);
    assert_string_equal(json_string_value(json_object_get(c, "sub")), HF_SUB);
    assert_string_equal(json_string_value(json_object_get(c, "client_id")), HF_CONF);
    assert_string_equal(json_string_value(json_object_get(c, "scope")), "openid profile");
    json_int_t iat = json_integer_value(json_object_get(c, "iat"));
    assert_int_equal(json_integer_value(json_object_get(c, "exp")), iat + 3599);
    assert_true(json_integer_value(json_object_get(c, "auth_time")) > 0);
    assert_non_null(json_string_value(json_object_get(c, "jti")));
}

static void id_token_names_the_client_and_the_nonce(void **state)
{
    hf_server_t *s = *state;
    const char *code = hf_code_for(s, HF_CONF, HF_CONF_REDIRECT, "openid", NULL, "n-0S6_WzA2Mj");
    hf_req_t *r = hf_token_request(s, "authorization_code");
    hf_form(r, "code", code);
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    assert_int_equal(hf_run(r), 200);
    const char *typ = NULL;
    json_t *c = hf_jwt(r, hf_str(r, "id_token"), &typ);
    assert_string_equal(typ, "JWT");
    assert_string_equal(json_string_value(json_object_get(c, "iss")), s->cfg.server.issuer);
    assert_string_equal(json_string_value(json_object_get(c, "aud")), HF_CONF);
    assert_string_equal(json_string_value(json_object_get(c, "sub")), HF_SUB);
    assert_string_equal(json_string_value(json_object_get(c, "nonce")), "n-0S6_WzA2Mj");
    assert_non_null(json_string_value(json_object_get(c, "at_hash")));
    /* without openid there is no id_token */
    r = hf_tokens(s, "profile");
    assert_null(json_object_get(hf_json(r), "id_token"));
    assert_non_null(hf_str(r, "refresh_token"));
}

static void basic_authentication_works_too(void **state)
{
    hf_server_t *s = *state;
    const char *code = hf_code(s, "openid");
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "authorization_code");
    hf_form(r, "code", code);
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    hf_basic(r, HF_CONF, HF_CONF_SECRET);
    assert_int_equal(hf_run(r), 200);
    assert_non_null(hf_str(r, "id_token"));
}

static void public_client_with_pkce(void **state)
{
    hf_server_t *s = *state;
    const char *code = hf_code_for(s, HF_PUB, HF_PUB_REDIRECT, "openid", HF_CHALLENGE, NULL);
    hf_req_t *r = hf_public_code_request(s, code);
    if (hf_run(r) != 200)
        fail_msg("%s", hf_text(r));
    static const char *const members[] = {"access_token", "refresh_token", "scope", "id_token",
                                          "token_type",   "expires_in",    NULL};
    assert_members(r, members);
}

static hf_req_t *refresh_request(hf_server_t *s, const char *refresh_token, const char *scope)
{
    hf_req_t *r = hf_token_request(s, "refresh_token");
    hf_form(r, "refresh_token", refresh_token);
    if (scope)
        hf_form(r, "scope", scope);
    return r;
}

static void refresh_grant_rotates_and_narrows(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *first = hf_tokens(s, "openid profile");
    const char *rt = hf_str(first, "refresh_token");
    hf_req_t *r = refresh_request(s, rt, NULL);
    assert_int_equal(hf_run(r), 200);
    static const char *const members[] = {"access_token", "refresh_token", "scope", "id_token",
                                          "token_type",   "expires_in",    NULL};
    assert_members(r, members);
    assert_string_equal(hf_str(r, "scope"), "openid profile");
    assert_string_not_equal(hf_str(r, "refresh_token"), rt);
    assert_int_equal(json_integer_value(json_object_get(hf_json(r), "expires_in")), 3599);

    /* RFC 6749 §6: a narrower scope, never a wider one */
    hf_req_t *narrow = refresh_request(s, hf_str(r, "refresh_token"), "profile");
    assert_int_equal(hf_run(narrow), 200);
    assert_string_equal(hf_str(narrow, "scope"), "profile");
    assert_null(json_object_get(hf_json(narrow), "id_token"));
    hf_req_t *wide = refresh_request(s, hf_str(narrow, "refresh_token"), "openid email");
    hf_run(wide);
    hf_assert_seed_error(wide, 400, "10071");
}

static void client_credentials_grant(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_basic(r, HF_SVC, HF_SVC_SECRET);
    assert_int_equal(hf_run(r), 200);
    static const char *const members[] = {"access_token", "scope", "token_type", "expires_in",
                                          NULL};
    assert_members(r, members);
    assert_string_equal(hf_str(r, "scope"), HF_SVC_SCOPE);
    json_t *c = hf_jwt(r, hf_str(r, "access_token"), NULL);
    assert_string_equal(json_string_value(json_object_get(c, "sub")), HF_SVC);
    assert_null(json_object_get(c, "auth_time"));

    r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_form(r, "scope", "api.write");
    hf_basic(r, HF_SVC, HF_SVC_SECRET);
    assert_int_equal(hf_run(r), 200);
    assert_string_equal(hf_str(r, "scope"), "api.write");

    /* no person stands behind the token: the scopes that release a person's
     * claims are neither given by default nor granted when asked for */
    r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_basic(r, HF_CONF, HF_CONF_SECRET);
    assert_int_equal(hf_run(r), 200);
    assert_string_equal(hf_str(r, "scope"), "api.read");
    static const char *const personal[] = {"openid", "profile", "email", "api.read email"};
    for (size_t i = 0; i < sizeof personal / sizeof personal[0]; i++) {
        r = hf_request(s, "POST", "/oauth2/v1/token");
        hf_form(r, "grant_type", "client_credentials");
        hf_form(r, "scope", personal[i]);
        hf_basic(r, HF_CONF, HF_CONF_SECRET);
        hf_run(r);
        hf_assert_seed_error(r, 400, "10071");
    }
}

/* ---- refusals, each in both styles ---- */

/* hf_refused, and a 401 carries the Basic challenge (RFC 6749 §5.2). */
static void refused(hf_server_t *s, hf_build_fn build, const char *seed_code, int rfc_status,
                    const char *rfc_error)
{
    hf_req_t *r = hf_refused(s, build, seed_code, rfc_status, rfc_error);
    const char *challenge = hf_res_header(r, "WWW-Authenticate");
    if (rfc_status == 401)
        assert_string_equal(challenge, "Basic realm=\"gatehouse\"");
    else
        assert_null(challenge);
}

static hf_req_t *code_request(hf_server_t *s, const char *code)
{
    hf_req_t *r = hf_token_request(s, "authorization_code");
    hf_form(r, "code", code);
    return r;
}

/* A token request of svc's with this body as it is. */
static hf_req_t *raw_request(hf_server_t *s, const char *content_type, const char *body)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_header(r, "Content-Type", content_type);
    hf_body(r, body);
    hf_basic(r, HF_SVC, HF_SVC_SECRET);
    return r;
}

static hf_req_t *not_a_form(hf_server_t *s)
{
    return raw_request(s, "application/json", "{\"grant_type\":\"client_credentials\"}");
}

/* A media type that only starts like the form's is not a form. */
static hf_req_t *form_lookalike(hf_server_t *s)
{
    return raw_request(s, "application/x-www-form-urlencodedX", "grant_type=client_credentials");
}

static hf_req_t *no_grant_type(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "client_id", HF_SVC);
    hf_form(r, "client_secret", HF_SVC_SECRET);
    return r;
}

static hf_req_t *unknown_grant(hf_server_t *s)
{
    return hf_token_request(s, "password");
}

static hf_req_t *grant_not_registered(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "authorization_code");
    hf_form(r, "code", "whatever");
    hf_basic(r, HF_SVC, HF_SVC_SECRET);
    return r;
}

static hf_req_t *repeated_grant_type(hf_server_t *s)
{
    hf_req_t *r = hf_token_request(s, "client_credentials");
    hf_form(r, "grant_type", "client_credentials");
    return r;
}

static hf_req_t *too_long_scope(hf_server_t *s)
{
    hf_req_t *r = hf_token_request(s, "client_credentials");
    char scope[1100];
    memset(scope, 'a', sizeof scope - 1);
    scope[sizeof scope - 1] = '\0';
    hf_form(r, "scope", scope);
    return r;
}

static hf_req_t *undecodable_form(hf_server_t *s)
{
    return raw_request(s, "application/x-www-form-urlencoded",
                       "grant_type=client_credentials&scope=%zz");
}

static void malformed_requests(void **state)
{
    hf_server_t *s = *state;
    refused(s, not_a_form, "10051", 400, "invalid_request");
    hf_req_t *r = hf_refused(s, form_lookalike, "10051", 400, "invalid_request");
    assert_string_equal(hf_str(r, "error_description"),
                        "expected an application/x-www-form-urlencoded body");
    refused(s, no_grant_type, "10051", 400, "invalid_request");
    refused(s, unknown_grant, "10051", 400, "unsupported_grant_type");
    refused(s, grant_not_registered, "10076", 400, "unauthorized_client");
    refused(s, repeated_grant_type, "10051", 400, "invalid_request");
    refused(s, too_long_scope, "10051", 400, "invalid_request");
    refused(s, undecodable_form, "10051", 400, "invalid_request");
}

/* A repeated parameter is refused before the handler runs: the code is not
 * spent and still gives tokens afterwards. */
static void repeated_code_spends_nothing(void **state)
{
    hf_server_t *s = *state;
    const char *code = hf_code(s, "openid");
    hf_req_t *r = code_request(s, code);
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    hf_form(r, "code", code);
    hf_run(r);
    hf_assert_seed_error(r, 400, "10051");
    r = code_request(s, code);
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    assert_int_equal(hf_run(r), 200);
}

static hf_req_t *wrong_secret_post(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_form(r, "client_id", HF_SVC);
    hf_form(r, "client_secret", HF_CONF_SECRET);
    return r;
}

static hf_req_t *wrong_secret_basic(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_basic(r, HF_SVC, "svc-secret-0123456788");
    return r;
}

static hf_req_t *unknown_client(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_basic(r, "nobody", HF_SVC_SECRET);
    return r;
}

static hf_req_t *no_client(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    return r;
}

static hf_req_t *no_secret(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_form(r, "client_id", HF_SVC);
    return r;
}

static hf_req_t *malformed_basic(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_header(r, "Authorization", "Basic !!!not-base64");
    return r;
}

static hf_req_t *public_client_with_secret(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "refresh_token");
    hf_form(r, "refresh_token", "x");
    hf_form(r, "client_id", HF_PUB);
    hf_form(r, "client_secret", "anything");
    return r;
}

static hf_req_t *two_methods(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_form(r, "client_secret", HF_SVC_SECRET);
    hf_basic(r, HF_SVC, HF_SVC_SECRET);
    return r;
}

static hf_req_t *basic_and_other_client_id(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_form(r, "client_id", HF_CONF);
    hf_basic(r, HF_SVC, HF_SVC_SECRET);
    return r;
}

static void client_authentication(void **state)
{
    hf_server_t *s = *state;
    refused(s, wrong_secret_post, "10076", 401, "invalid_client");
    refused(s, wrong_secret_basic, "10076", 401, "invalid_client");
    refused(s, unknown_client, "10076", 401, "invalid_client");
    refused(s, no_client, "10076", 401, "invalid_client");
    refused(s, no_secret, "10076", 401, "invalid_client");
    refused(s, malformed_basic, "10076", 401, "invalid_client");
    refused(s, public_client_with_secret, "10076", 401, "invalid_client");
    refused(s, two_methods, "10051", 400, "invalid_request");
    refused(s, basic_and_other_client_id, "10051", 400, "invalid_request");
}

static hf_req_t *no_code(hf_server_t *s)
{
    hf_req_t *r = hf_token_request(s, "authorization_code");
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    return r;
}

static hf_req_t *unknown_code(hf_server_t *s)
{
    hf_req_t *r = code_request(s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    return r;
}

static hf_req_t *wrong_redirect_uri(hf_server_t *s)
{
    hf_req_t *r = code_request(s, hf_code(s, "openid"));
    hf_form(r, "redirect_uri", "https://rp.example/cb/");
    return r;
}

static hf_req_t *no_redirect_uri(hf_server_t *s)
{
    return code_request(s, hf_code(s, "openid"));
}

static hf_req_t *used_code(hf_server_t *s)
{
    const char *code = hf_code(s, "openid");
    hf_req_t *r = code_request(s, code);
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    assert_int_equal(hf_run(r), 200);
    r = code_request(s, code);
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    return r;
}

static hf_req_t *expired_code(hf_server_t *s)
{
    long ttl = s->cfg.server.code_ttl;
    s->cfg.server.code_ttl = -1;
    const char *code = hf_code(s, "openid");
    s->cfg.server.code_ttl = ttl;
    hf_req_t *r = code_request(s, code);
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    return r;
}

static hf_req_t *pkce_mismatch(hf_server_t *s)
{
    const char *code = hf_code_for(s, HF_CONF, HF_CONF_REDIRECT, "openid", HF_CHALLENGE, NULL);
    hf_req_t *r = code_request(s, code);
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    hf_form(r, "code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK");
    return r;
}

static hf_req_t *pkce_verifier_missing(hf_server_t *s)
{
    const char *code = hf_code_for(s, HF_CONF, HF_CONF_REDIRECT, "openid", HF_CHALLENGE, NULL);
    hf_req_t *r = code_request(s, code);
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    return r;
}

static hf_req_t *verifier_without_challenge(hf_server_t *s)
{
    hf_req_t *r = code_request(s, hf_code(s, "openid"));
    hf_form(r, "redirect_uri", HF_CONF_REDIRECT);
    hf_form(r, "code_verifier", HF_VERIFIER);
    return r;
}

static void code_refusals(void **state)
{
    hf_server_t *s = *state;
    refused(s, no_code, "10051", 400, "invalid_request");
    refused(s, unknown_code, "10051", 400, "invalid_grant");
    refused(s, wrong_redirect_uri, "10051", 400, "invalid_grant");
    refused(s, no_redirect_uri, "10051", 400, "invalid_grant");
    refused(s, used_code, "10051", 400, "invalid_grant");
    refused(s, expired_code, "10051", 400, "invalid_grant");
    refused(s, pkce_mismatch, "10051", 400, "invalid_grant");
    refused(s, pkce_verifier_missing, "10051", 400, "invalid_grant");
    refused(s, verifier_without_challenge, "10051", 400, "invalid_grant");
}

static hf_req_t *no_refresh_token(hf_server_t *s)
{
    return hf_token_request(s, "refresh_token");
}

static hf_req_t *unknown_refresh_token(hf_server_t *s)
{
    return refresh_request(s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);
}

static hf_req_t *another_clients_refresh_token(hf_server_t *s)
{
    const char *code = hf_code_for(s, HF_PUB, HF_PUB_REDIRECT, "openid", HF_CHALLENGE, NULL);
    hf_req_t *r = hf_public_code_request(s, code);
    assert_int_equal(hf_run(r), 200);
    return refresh_request(s, hf_str(r, "refresh_token"), NULL);
}

static hf_req_t *client_credentials_with_openid(hf_server_t *s)
{
    hf_req_t *r = hf_token_request(s, "client_credentials");
    hf_form(r, "scope", "openid");
    return r;
}

static hf_req_t *client_credentials_beyond_registration(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "client_credentials");
    hf_form(r, "scope", "api.read admin");
    hf_basic(r, HF_SVC, HF_SVC_SECRET);
    return r;
}

/* Another client's refresh token is refused and stays its owner's. */
static void another_clients_refresh_token_is_not_spent(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *pub = hf_public_code_request(
        s, hf_code_for(s, HF_PUB, HF_PUB_REDIRECT, "openid", HF_CHALLENGE, NULL));
    assert_int_equal(hf_run(pub), 200);
    const char *rt = hf_str(pub, "refresh_token");
    hf_req_t *r = refresh_request(s, rt, NULL);
    hf_run(r);
    hf_assert_seed_error(r, 400, "10051");
    r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "refresh_token");
    hf_form(r, "client_id", HF_PUB);
    hf_form(r, "refresh_token", rt);
    assert_int_equal(hf_run(r), 200);
}

static void other_grant_refusals(void **state)
{
    hf_server_t *s = *state;
    refused(s, no_refresh_token, "10051", 400, "invalid_request");
    refused(s, unknown_refresh_token, "10051", 400, "invalid_grant");
    refused(s, another_clients_refresh_token, "10051", 400, "invalid_grant");
    refused(s, client_credentials_with_openid, "10071", 400, "invalid_scope");
    refused(s, client_credentials_beyond_registration, "10071", 400, "invalid_scope");
}

/* The rest of the seed envelope, and the RFC style's description. */
static void error_bodies(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = wrong_secret_post(s);
    hf_run(r);
    json_t *err = json_object_get(hf_json(r), "error");
    assert_string_equal(json_string_value(json_object_get(err, "message")),
                        "Unauthorized oauth2 client");
    s->cfg.server.error_style = ERROR_STYLE_RFC6749;
    r = unknown_grant(s);
    hf_run(r);
    assert_string_equal(hf_str(r, "error_description"), "unsupported grant_type");
}

/* Only POST is routed here: GET is 405 with Allow, before any handler. */
static void get_is_not_allowed(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/token");
    hf_query(r, "grant_type", "client_credentials");
    assert_int_equal(hf_run(r), 405);
    assert_string_equal(hf_res_header(r, "Allow"), "POST");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        hf_test(code_grant_answers_in_the_seed_shape),
        hf_test(access_token_is_an_rfc9068_jwt),
        hf_test(id_token_names_the_client_and_the_nonce),
        hf_test(basic_authentication_works_too),
        hf_test(public_client_with_pkce),
        hf_test(refresh_grant_rotates_and_narrows),
        hf_test(client_credentials_grant),
        hf_test(malformed_requests),
        hf_test(repeated_code_spends_nothing),
        hf_test(client_authentication),
        hf_test(code_refusals),
        hf_test(other_grant_refusals),
        hf_test(another_clients_refresh_token_is_not_spent),
        hf_test(error_bodies),
        hf_test(get_is_not_allowed),
    };
    return cmocka_run_group_tests(tests, hf_group_setup, hf_group_teardown);
}
