/* Unit tests of the documents the server publishes, through its route
 * table: the discovery document (every endpoint it names is routed), the
 * JWKS (public members only, the key that signs), the health checks and the
 * answer to an unknown path or method. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler_fixture.h"

static json_t *discovery(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "GET", "/.well-known/openid-configuration");
    assert_int_equal(hf_run(r), 200);
    assert_true(r->res.cacheable);
    assert_int_equal(r->res.max_age, 3600);
    assert_string_equal(hf_sent_header(r, "Cache-Control"), "public, max-age=3600");
    return hf_json(r);
}

static void assert_url(hf_server_t *s, json_t *d, const char *name, const char *path)
{
    const char *got = json_string_value(json_object_get(d, name));
    const char *want = arena_printf(s->arena, "%s%s", s->cfg.server.issuer, path);
    if (!got || strcmp(got, want) != 0)
        fail_msg("%s: got %s, want %s", name, got ? got : "(none)", want);
}

static void assert_list(json_t *d, const char *name, const char *want_text)
{
    json_t *want = json_loads(want_text, 0, NULL);
    assert_non_null(want);
    if (!json_equal(json_object_get(d, name), want))
        fail_msg("%s is not %s", name, want_text);
    json_decref(want);
}

static void discovery_document(void **state)
{
    hf_server_t *s = *state;
    json_t *d = discovery(s);
    assert_string_equal(json_string_value(json_object_get(d, "issuer")), s->cfg.server.issuer);
    assert_url(s, d, "authorization_endpoint", "/auth/authorize");
    assert_url(s, d, "token_endpoint", "/oauth2/v1/token");
    assert_url(s, d, "userinfo_endpoint", "/oauth2/v1/userinfo");
    assert_url(s, d, "jwks_uri", "/oauth2/v1/keys");
    assert_url(s, d, "end_session_endpoint", "/auth/logout");
    assert_url(s, d, "revocation_endpoint", "/oauth2/v1/revoke");
    assert_url(s, d, "introspection_endpoint", "/oauth2/v1/introspect");
    assert_url(s, d, "device_authorization_endpoint", "/oauth2/v1/device/authorize");
    assert_list(d, "response_types_supported", "[\"code\"]");
    assert_list(d, "id_token_signing_alg_values_supported", "[\"RS256\"]");
    assert_list(d, "code_challenge_methods_supported", "[\"S256\"]");
    assert_list(d, "introspection_endpoint_auth_methods_supported",
                "[\"client_secret_basic\",\"client_secret_post\",\"private_key_jwt\"]");
    assert_true(json_is_true(json_object_get(d, "authorization_response_iss_parameter_supported")));
    assert_true(json_is_true(json_object_get(d, "request_parameter_supported")));
    assert_url(s, d, "pushed_authorization_request_endpoint", "/oauth2/v1/par");
}

/* RFC 8414 §3: the same metadata at /.well-known/oauth-authorization-server. */
static void oauth_metadata_is_the_same_document(void **state)
{
    hf_server_t *s = *state;
    json_t *d = discovery(s);
    hf_req_t *r = hf_request(s, "GET", "/.well-known/oauth-authorization-server");
    assert_int_equal(hf_run(r), 200);
    assert_true(r->res.cacheable);
    assert_true(json_equal(hf_json(r), d));
}

/* Every endpoint the document names answers something other than 404. */
static void every_named_endpoint_is_routed(void **state)
{
    hf_server_t *s = *state;
    json_t *d = discovery(s);
    size_t issuer_len = strlen(s->cfg.server.issuer);
    const char *name;
    json_t *v;
    size_t checked = 0;
    json_object_foreach(d, name, v)
    {
        size_t n = strlen(name);
        bool url =
            strcmp(name, "jwks_uri") == 0 || (n > 9 && strcmp(name + n - 9, "_endpoint") == 0);
        if (!url)
            continue;
        const char *value = json_string_value(v);
        assert_non_null(value);
        assert_memory_equal(value, s->cfg.server.issuer, issuer_len);
        hf_req_t *r = hf_request(s, "POST", value + issuer_len);
        hf_form(r, "x", "y");
        if (hf_run(r) == 404)
            fail_msg("%s (%s) is not routed", name, value);
        checked++;
    }
    assert_int_equal(checked, 9);
}

static void jwks(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/keys");
    assert_int_equal(hf_run(r), 200);
    assert_true(r->res.cacheable);
    assert_int_equal(r->res.max_age, 60);
    json_t *keys = json_object_get(hf_json(r), "keys");
    assert_int_equal(json_array_size(keys), 1);
    json_t *k = json_array_get(keys, 0);
    assert_string_equal(json_string_value(json_object_get(k, "kty")), "RSA");
    assert_string_equal(json_string_value(json_object_get(k, "alg")), "RS256");
    assert_string_equal(json_string_value(json_object_get(k, "use")), "sig");
    assert_non_null(json_string_value(json_object_get(k, "n")));
    assert_non_null(json_string_value(json_object_get(k, "e")));
    static const char *const private_members[] = {"d", "p", "q", "dp", "dq", "qi", NULL};
    for (size_t i = 0; private_members[i]; i++)
        assert_null(json_object_get(k, private_members[i]));
    /* the key that signs the tokens is the one published */
    const char *kid = json_string_value(json_object_get(k, "kid"));
    assert_non_null(kid);
    const char *header = hf_str(hf_tokens(s, "openid"), "id_token");
    unsigned char raw[512];
    size_t len = 0;
    assert_int_equal(b64url_decode(header, strcspn(header, "."), raw, sizeof raw, &len), GH_OK);
    json_t *h = json_loadb((const char *)raw, len, 0, NULL);
    assert_non_null(h);
    assert_string_equal(json_string_value(json_object_get(h, "kid")), kid);
    json_decref(h);
}

static void health(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_request(s, "GET", "/healthz");
    assert_int_equal(hf_run(r), 200);
    assert_string_equal(hf_text(r), "{\"status\":\"ok\"}");
    r = hf_request(s, "GET", "/readyz");
    assert_int_equal(hf_run(r), 200);
    assert_string_equal(hf_text(r), "{\"status\":\"ok\"}");
}

static void unknown_path_and_method(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = hf_request(s, "GET", "/oauth2/v1/nothing");
    assert_int_equal(hf_run(r), 404);
    assert_string_equal(
        hf_text(r), "{\"error\":{\"code\":\"10404\",\"message\":\"Not found\"},\"payload\":null}");
    r = hf_request(s, "DELETE", "/oauth2/v1/keys");
    assert_int_equal(hf_run(r), 405);
    assert_string_equal(hf_res_header(r, "Allow"), "GET, HEAD");
    hf_assert_seed_error(r, 405, "10051");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        hf_test(discovery_document),
        hf_test(oauth_metadata_is_the_same_document),
        hf_test(every_named_endpoint_is_routed),
        hf_test(jwks),
        hf_test(health),
        hf_test(unknown_path_and_method),
    };
    return cmocka_run_group_tests(tests, hf_group_setup, hf_group_teardown);
}
