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

/* ---- a pairwise client's tokens (RFC 9068 §6, docs/claims.md) ---- */

#define PW "pw"
#define PW_SECRET "pw-secret-0123456789"
#define PW_REDIRECT "https://pw.example/cb"

/* The token answer of the pairwise client PW's code grant for scope
 * (the client registered on first use). */
static hf_req_t *pairwise_tokens(hf_server_t *s, const char *scope)
{
    static bool registered;
    if (!registered) {
        static const char *uris[] = {PW_REDIRECT};
        store_client_t c = {.id = PW,
                            .secret_digest = secret_client_digest(s->arena, PW_SECRET),
                            .redirect_uris = uris,
                            .redirect_uri_count = 1,
                            .scope = "openid profile",
                            .grants = STORE_GRANT_AUTHORIZATION_CODE,
                            .pairwise = true};
        assert_int_equal(store_client_add(s->app.store, &c), GH_OK);
        registered = true;
    }
    return hf_tokens_for(s, PW, PW_SECRET, PW_REDIRECT, scope);
}

/* The userinfo answer to token. */
static hf_req_t *userinfo_of(hf_server_t *s, const char *token)
{
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/userinfo");
    hf_bearer(r, token);
    hf_run(r);
    return r;
}

/* The access token's sub is the one the client sees, as in its id_token;
 * the member's own sub is nowhere in it but sealed; userinfo finds the
 * member and answers the client's sub. */
static void pairwise_token_carries_the_clients_sub(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *t = pairwise_tokens(s, "openid");
    json_t *at = hf_jwt(t, hf_str(t, "access_token"), NULL);
    json_t *id = hf_jwt(t, hf_str(t, "id_token"), NULL);
    const char *sub = json_string_value(json_object_get(at, "sub"));
    assert_non_null(sub);
    assert_int_equal(strlen(sub), 64);
    assert_string_equal(sub, json_string_value(json_object_get(id, "sub")));
    const char *sealed = json_string_value(json_object_get(at, ACCESS_MEMBER_CLAIM));
    assert_non_null(sealed);
    assert_null(strstr(hf_str(t, "access_token"), HF_SUB));
    char *text = json_dumps(at, JSON_COMPACT);
    assert_null(strstr(text, HF_SUB));
    free(text);
    hf_req_t *r = userinfo_of(s, hf_str(t, "access_token"));
    assert_int_equal(r->res.status, 200);
    assert_string_equal(hf_str(r, "sub"), sub);
    /* a public client's token: its sub is the member's, nothing sealed */
    json_t *pub = hf_jwt(t, access_token(s, "openid"), NULL);
    assert_string_equal(json_string_value(json_object_get(pub, "sub")), HF_SUB);
    assert_null(json_object_get(pub, ACCESS_MEMBER_CLAIM));
}

/* The token's claims (released with t), with ACCESS_MEMBER_CLAIM set to
 * value, signed again by the server's key. */
static const char *resigned(hf_req_t *t, const char *token, json_t *value)
{
    json_t *claims = hf_jwt(t, token, NULL);
    char *out = NULL;
    json_object_set_new(claims, ACCESS_MEMBER_CLAIM, value);
    assert_int_equal(jose_jwt_sign(keyring_current(t->srv->app.keys), t->srv->app.access_token_alg,
                                   t->req.arena, "at+jwt", claims, &out),
                     GH_OK);
    return out;
}

/* The sealed member holds only in its own token (the jti is its additional
 * data), and only as this server's seal: anything else is invalid_token. */
static void pairwise_sealed_member_is_checked(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *t1 = pairwise_tokens(s, "openid"), *t2 = pairwise_tokens(s, "openid");
    const char *token = hf_str(t1, "access_token");
    json_t *own = hf_jwt(t1, token, NULL), *other = hf_jwt(t2, hf_str(t2, "access_token"), NULL);
    /* signed again as it was, it holds: what fails below fails for its seal */
    const char *same = resigned(t1, token, json_copy(json_object_get(own, ACCESS_MEMBER_CLAIM)));
    assert_int_equal(userinfo_of(s, same)->res.status, 200);
    const char *forged[] = {
        resigned(t1, token, json_copy(json_object_get(other, ACCESS_MEMBER_CLAIM))), /* another's */
        resigned(t1, token, json_string("v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")),
        resigned(t1, token, json_string(HF_SUB)), /* the member in clear */
        resigned(t1, token, json_integer(42)),
    };
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++)
        hf_assert_seed_error(userinfo_of(s, forged[i]), 400, "10075");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        hf_test(token_in_the_header),
        hf_test(token_in_a_form),
        hf_test(token_in_the_query),
        hf_test(claims_follow_the_scope),
        hf_test(bad_tokens),
        hf_test(no_token),
        hf_test(repeated_token),
        hf_test(pairwise_token_carries_the_clients_sub),
        hf_test(pairwise_sealed_member_is_checked),
    };
    return cmocka_run_group_tests(tests, hf_group_setup, hf_group_teardown);
}
