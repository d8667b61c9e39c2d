/* Unit tests for the one validation the admin API and the command line
 * share (admin/admin.h): client registrations (RFC 7591 members), new
 * members and page parameters. Each refusal is a 400 naming its field, with
 * one line that starts with that name; what is accepted gets its defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "admin/admin.h"

/* A public ES256 key (RFC 7517 Appendix A.1's). */
#define EC_JWKS                                                                                    \
    "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":"                                          \
    "\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":"                                       \
    "\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\",\"kid\":\"k1\",\"alg\":\"ES256\"}]}"

/* admin_client_check of JSON text: true when accepted; else *err. */
static bool client(arena_t *a, const char *text, admin_client_in_t *in, admin_error_t *err)
{
    json_t *body = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(body);
    arena_defer(a, (void (*)(void *))json_decref, body);
    return admin_client_check(a, body, in, err);
}

/* Refused with status 400, field named first in the line, which holds want. */
static void refused(arena_t *a, const char *text, const char *field, const char *want)
{
    admin_client_in_t in;
    admin_error_t err = {0};
    assert_false(client(a, text, &in, &err));
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, field);
    assert_int_equal(strncmp(err.detail, field, strlen(field)), 0);
    assert_non_null(strstr(err.detail, want));
}

static void test_client_defaults(void **state)
{
    (void)state;
    arena_t *a = arena_new(1 << 16);
    admin_client_in_t in;
    admin_error_t err = {0};
    assert_true(client(a, "{\"client_id\":\"web\",\"redirect_uris\":[\"https://rp.example/cb\"]}",
                       &in, &err));
    assert_string_equal(in.client.id, "web");
    assert_string_equal(in.client.scope, "openid profile email");
    assert_int_equal(in.client.grants, STORE_GRANT_AUTHORIZATION_CODE | STORE_GRANT_REFRESH_TOKEN);
    assert_false(in.client.is_public);
    assert_null(in.secret);
    assert_true(client(a,
                       "{\"client_id\":\"spa\",\"token_endpoint_auth_method\":\"none\","
                       "\"redirect_uris\":[\"com.example.app:/cb\"],\"client_name\":\"SPA\"}",
                       &in, &err));
    assert_true(in.client.is_public);
    assert_string_equal(in.client.name, "SPA");
    /* keys: private_key_jwt by default, no secret; resources, PAR, token exchange */
    assert_true(client(a,
                       "{\"client_id\":\"keyed\",\"jwks\":" EC_JWKS ",\"grant_types\":"
                       "[\"urn:ietf:params:oauth:grant-type:token-exchange\"],"
                       "\"resources\":[\"https://api.example/\",\"urn:example:files\"],"
                       "\"require_pushed_authorization_requests\":true}",
                       &in, &err));
    assert_false(in.client.is_public);
    assert_non_null(strstr(in.client.jwks, "\"kid\":\"k1\""));
    assert_null(in.client.jwks_uri);
    assert_int_equal(in.client.grants, STORE_GRANT_TOKEN_EXCHANGE);
    assert_int_equal(in.client.resource_count, 2);
    assert_string_equal(in.client.resources[1], "urn:example:files");
    assert_true(in.client.require_par);
    json_t *shown = admin_client_json(&in.client);
    assert_string_equal(json_string_value(json_object_get(shown, "token_endpoint_auth_method")),
                        "private_key_jwt");
    assert_true(json_is_true(json_object_get(shown, "require_pushed_authorization_requests")));
    assert_int_equal(json_array_size(json_object_get(shown, "resources")), 2);
    assert_true(json_is_object(json_object_get(shown, "jwks")));
    json_decref(shown);
    assert_true(client(a,
                       "{\"client_id\":\"keyed2\",\"grant_types\":[\"client_credentials\"],"
                       "\"jwks_uri\":\"https://rp.example/jwks\","
                       "\"token_endpoint_auth_method\":\"private_key_jwt\"}",
                       &in, &err));
    assert_string_equal(in.client.jwks_uri, "https://rp.example/jwks");
    arena_free(a);
}

static void test_client_refusals(void **state)
{
    (void)state;
    arena_t *a = arena_new(1 << 16);
    refused(a, "{\"client_id\":\"x\",\"colour\":1}", "colour", "unknown field");
    refused(a, "{\"redirect_uris\":[\"https://a.example/cb\"]}", "client_id", "required");
    refused(a, "{\"client_id\":7}", "client_id", "string");
    refused(a, "{\"client_id\":\"a b\"}", "client_id", "1-64 characters");
    refused(a, "{\"client_id\":\"x\"}", "redirect_uris", "authorization_code");
    refused(a, "{\"client_id\":\"x\",\"redirect_uris\":\"https://a.example/cb\"}", "redirect_uris",
            "array");
    refused(a, "{\"client_id\":\"x\",\"redirect_uris\":[\"https://a.example/cb#f\"]}",
            "redirect_uris", "without fragment");
    refused(a, "{\"client_id\":\"x\",\"redirect_uris\":[\"http://a.example/cb\"]}", "redirect_uris",
            "only for 127.0.0.1, [::1] and localhost");
    refused(a, "{\"client_id\":\"x\",\"redirect_uris\":[\"com.example.app:/cb\"]}", "redirect_uris",
            "native apps");
    refused(a,
            "{\"client_id\":\"x\",\"redirect_uris\":[\"https://a.example/cb\"],"
            "\"post_logout_redirect_uris\":[\"http://a.example/bye\"]}",
            "post_logout_redirect_uris", "localhost");
    refused(a, "{\"client_id\":\"x\",\"grant_types\":[]}", "grant_types", "at least one");
    refused(a, "{\"client_id\":\"x\",\"grant_types\":[\"password\"]}", "grant_types",
            "unknown grant type 'password'");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],"
            "\"token_endpoint_auth_method\":\"none\"}",
            "grant_types", "public client");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],"
            "\"token_endpoint_auth_method\":\"none\",\"client_secret\":\"abcdefgh1\"}",
            "client_secret", "no secret");
    refused(
        a, "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],\"client_secret\":\"s\"}",
        "client_secret", "8-512");
    refused(a, "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],\"scope\":\"a  b\"}",
            "scope", "single spaces");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],\"client_name\":\"\"}",
            "client_name", "1-200");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],"
            "\"token_endpoint_auth_method\":\"private_key_jwt\"}",
            "token_endpoint_auth_method", "needs the client's jwks or jwks_uri");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],"
            "\"token_endpoint_auth_method\":\"tls_client_auth\"}",
            "token_endpoint_auth_method", "none, client_secret_basic");
    /* private_key_jwt (RFC 7523), resources (RFC 8707) */
    refused(a, "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],\"jwks\":[]}", "jwks",
            "JWKS object");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],\"jwks\":{\"keys\":[{"
            "\"kty\":\"oct\",\"k\":\"AAAA\"}]}}",
            "jwks", "no private members");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],\"jwks\":" EC_JWKS
            ",\"token_endpoint_auth_method\":\"client_secret_basic\"}",
            "token_endpoint_auth_method", "authenticates with private_key_jwt");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],\"jwks\":" EC_JWKS
            ",\"client_secret\":\"abcdefgh1\"}",
            "client_secret", "no secret");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],\"jwks\":" EC_JWKS
            ",\"jwks_uri\":\"https://rp.example/jwks\"}",
            "jwks_uri", "not both");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],"
            "\"jwks_uri\":\"http://rp.example/jwks\"}",
            "jwks_uri", "https");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],"
            "\"resources\":[\"https://api.example/#f\"]}",
            "resources", "without fragment");
    refused(a,
            "{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],"
            "\"require_pushed_authorization_requests\":1}",
            "require_pushed_authorization_requests", "true or false");
    /* 33 redirect URIs: over the list limit */
    char text[2048] = "{\"client_id\":\"x\",\"redirect_uris\":[";
    for (int i = 0; i < 33; i++)
        strcat(text, i ? ",\"https://a.example/cb\"" : "\"https://a.example/cb\"");
    strcat(text, "]}");
    refused(a, text, "redirect_uris", "at most 32");
    admin_client_in_t in;
    admin_error_t err = {0};
    assert_false(client(a, "[1]", &in, &err));
    assert_int_equal(err.status, 400);
    assert_null(err.field);
    arena_free(a);
}

static void test_user_checks(void **state)
{
    (void)state;
    arena_t *a = arena_new(1 << 16);
    const struct {
        const char *body, *field;
    } BAD[] = {
        {"{\"password\":\"long enough 1\"}", "username"},
        {"{\"username\":\"bob smith\",\"password\":\"long enough 1\"}", "username"},
        {"{\"username\":\"bob\"}", "password"},
        {"{\"username\":\"bob\",\"password\":\"short\"}", "password"},
        {"{\"username\":\"bob\",\"password\":\"long enough 1\",\"email\":\"nope\"}", "email"},
        {"{\"username\":\"bob\",\"password\":\"long enough 1\",\"nickname\":\"\"}", "nickname"},
        {"{\"username\":\"bob\",\"password\":\"long enough 1\",\"role\":\"admin\"}", "role"},
        {"{\"username\":\"bob\",\"password\":12345678}", "password"},
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        json_t *body = json_loads(BAD[i].body, 0, NULL);
        admin_user_in_t in;
        admin_error_t err = {0};
        assert_false(admin_user_check(a, body, &in, &err));
        assert_int_equal(err.status, 400);
        assert_string_equal(err.field, BAD[i].field);
        assert_int_equal(strncmp(err.detail, BAD[i].field, strlen(BAD[i].field)), 0);
        json_decref(body);
    }
    json_t *ok = json_loads("{\"username\":\"bob\",\"password\":\"long enough 1\","
                            "\"email\":\"bob@example.test\"}",
                            0, NULL);
    admin_user_in_t in;
    admin_error_t err = {0};
    assert_true(admin_user_check(a, ok, &in, &err));
    assert_string_equal(in.user.username, "bob");
    assert_string_equal(in.password, "long enough 1");
    json_decref(ok);
    arena_free(a);
}

static void test_page(void **state)
{
    (void)state;
    admin_page_t p;
    admin_error_t err = {0};
    assert_true(admin_page_parse(NULL, NULL, &p, &err));
    assert_int_equal(p.limit, ADMIN_PAGE_DEFAULT);
    assert_null(p.cursor);
    assert_true(admin_page_parse("200", "abc", &p, &err));
    assert_int_equal(p.limit, 200);
    assert_string_equal(p.cursor, "abc");
    const char *bad[] = {"0", "201", "1000000", "-1", "", "5x", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(admin_page_parse(bad[i], NULL, &p, &err));
        assert_int_equal(err.status, 400);
        assert_string_equal(err.field, "limit");
    }
    char cursor[300];
    memset(cursor, 'c', sizeof cursor - 1);
    cursor[sizeof cursor - 1] = '\0';
    assert_false(admin_page_parse("5", cursor, &p, &err));
    assert_string_equal(err.field, "cursor");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_defaults),
        cmocka_unit_test(test_client_refusals),
        cmocka_unit_test(test_user_checks),
        cmocka_unit_test(test_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
