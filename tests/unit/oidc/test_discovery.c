/* Unit tests for oidc_discovery (src/oidc/discovery.c): the whole document
 * for an issuer, pinned member by member, so that a feature added to or
 * dropped from the server cannot go unannounced; endpoints built under an
 * issuer with a path; the signing algorithm named as configured. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "oidc/oidc.h"

#define AUTH_METHODS "[\"client_secret_basic\",\"client_secret_post\",\"private_key_jwt\",\"none\"]"
#define CLIENT_ALGS "[\"RS256\",\"PS256\",\"ES256\",\"EdDSA\",\"Ed25519\"]"

static const char WANT[] =
    "{\"issuer\":\"https://id.example\","
    "\"authorization_endpoint\":\"https://id.example/auth/authorize\","
    "\"token_endpoint\":\"https://id.example/oauth2/v1/token\","
    "\"userinfo_endpoint\":\"https://id.example/oauth2/v1/userinfo\","
    "\"jwks_uri\":\"https://id.example/oauth2/v1/keys\","
    "\"end_session_endpoint\":\"https://id.example/auth/logout\","
    "\"device_authorization_endpoint\":\"https://id.example/oauth2/v1/device/authorize\","
    "\"dpop_signing_alg_values_supported\":" CLIENT_ALGS ","
    "\"revocation_endpoint\":\"https://id.example/oauth2/v1/revoke\","
    "\"introspection_endpoint\":\"https://id.example/oauth2/v1/introspect\","
    "\"scopes_supported\":[\"openid\",\"profile\",\"email\",\"groups\",\"username\"],"
    "\"response_types_supported\":[\"code\"],"
    "\"response_modes_supported\":[\"query\",\"form_post\"],"
    "\"grant_types_supported\":[\"authorization_code\",\"refresh_token\",\"client_credentials\","
    "\"urn:ietf:params:oauth:grant-type:device_code\","
    "\"urn:ietf:params:oauth:grant-type:token-exchange\"],"
    "\"subject_types_supported\":[\"public\",\"pairwise\"],"
    "\"id_token_signing_alg_values_supported\":[\"RS256\"],"
    "\"token_endpoint_auth_methods_supported\":" AUTH_METHODS ","
    "\"revocation_endpoint_auth_methods_supported\":" AUTH_METHODS ","
    "\"introspection_endpoint_auth_methods_supported\":"
    "[\"client_secret_basic\",\"client_secret_post\",\"private_key_jwt\"],"
    "\"token_endpoint_auth_signing_alg_values_supported\":" CLIENT_ALGS ","
    "\"revocation_endpoint_auth_signing_alg_values_supported\":" CLIENT_ALGS ","
    "\"introspection_endpoint_auth_signing_alg_values_supported\":" CLIENT_ALGS ","
    "\"code_challenge_methods_supported\":[\"S256\"],"
    "\"claims_supported\":[\"sub\",\"iss\",\"aud\",\"exp\",\"iat\",\"auth_time\",\"nonce\","
    "\"at_hash\",\"amr\",\"acr\",\"sid\",\"nickname\",\"name\",\"email\",\"email_verified\","
    "\"preferred_username\",\"groups\"],"
    "\"acr_values_supported\":[\"pwd\",\"mfa\"],"
    "\"ui_locales_supported\":[\"en\",\"ko\"],"
    "\"claims_parameter_supported\":false,"
    "\"request_parameter_supported\":true,"
    "\"request_uri_parameter_supported\":false,"
    "\"request_object_signing_alg_values_supported\":" CLIENT_ALGS ","
    "\"require_signed_request_object\":false,"
    "\"pushed_authorization_request_endpoint\":\"https://id.example/oauth2/v1/par\","
    "\"require_pushed_authorization_requests\":false,"
    "\"authorization_response_iss_parameter_supported\":true,"
    "\"backchannel_logout_supported\":true,\"backchannel_logout_session_supported\":true,"
    "\"frontchannel_logout_supported\":true,\"frontchannel_logout_session_supported\":true}";

static void assert_json_equal(json_t *got, const char *want_text)
{
    json_t *want = json_loads(want_text, 0, NULL);
    assert_non_null(want);
    if (!json_equal(got, want)) {
        char *text = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
        fail_msg("got %s", text);
        free(text);
    }
    json_decref(want);
}

static void test_the_whole_document(void **state)
{
    (void)state;
    json_t *d = oidc_discovery("https://id.example", "RS256", NULL, false);
    assert_non_null(d);
    assert_json_equal(d, WANT);
    json_decref(d);
}

/* Endpoints go under an issuer's path (OpenID Connect Discovery §4: the
 * issuer may have one), and the algorithm is the configured one. */
static void test_issuer_with_a_path_and_es256(void **state)
{
    (void)state;
    json_t *d = oidc_discovery("https://id.example/tenant", "ES256", NULL, true);
    assert_non_null(d);
    assert_string_equal(json_string_value(json_object_get(d, "issuer")),
                        "https://id.example/tenant");
    assert_string_equal(json_string_value(json_object_get(d, "token_endpoint")),
                        "https://id.example/tenant/oauth2/v1/token");
    assert_string_equal(json_string_value(json_object_get(d, "jwks_uri")),
                        "https://id.example/tenant/oauth2/v1/keys");
    assert_json_equal(json_object_get(d, "id_token_signing_alg_values_supported"), "[\"ES256\"]");
    assert_true(json_is_true(json_object_get(d, "require_pushed_authorization_requests")));
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_whole_document),
        cmocka_unit_test(test_issuer_with_a_path_and_es256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
