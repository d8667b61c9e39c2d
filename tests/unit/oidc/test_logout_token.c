/* Unit tests for the logout token claims of src/oidc/claims.c
 * (oidc_logout_token_claims: OpenID Connect Back-Channel Logout 1.0 §2.4):
 * every required claim, the event, a short exp, sub and sid as given, never
 * a nonce, and no token without either sub or sid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "oidc/oidc.h"

static void assert_json_equal(json_t *got, const char *want_text)
{
    json_t *want = json_loads(want_text, 0, NULL);
    assert_non_null(want);
    if (!json_equal(got, want)) {
        char *text = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
        fail_msg("got %s, want %s", text, want_text);
        free(text);
    }
    json_decref(want);
}

static void test_every_claim_with_sub_and_sid(void **state)
{
    (void)state;
    oidc_logout_token_t in = {.issuer = "https://id.example",
                              .client_id = "game1",
                              .jti = "5f0c1d2e3f405162738495a6b7c8d9e0",
                              .sub = "0123456789abcdef0123456789abcdef",
                              .sid = "a1b2c3d4e5f60718293a4b5c6d7e8f90",
                              .iat = 1700000000};
    json_t *c = oidc_logout_token_claims(&in);
    assert_json_equal(c, "{\"iss\":\"https://id.example\",\"aud\":\"game1\","
                         "\"iat\":1700000000,\"exp\":1700000120,"
                         "\"jti\":\"5f0c1d2e3f405162738495a6b7c8d9e0\","
                         "\"events\":{\"http://schemas.openid.net/event/backchannel-logout\":{}},"
                         "\"sub\":\"0123456789abcdef0123456789abcdef\","
                         "\"sid\":\"a1b2c3d4e5f60718293a4b5c6d7e8f90\"}");
    assert_null(json_object_get(c, "nonce")); /* §2.4: a logout token has no nonce */
    json_decref(c);
}

/* §2.4: sub or sid, either alone; neither is no token at all. */
static void test_sub_or_sid(void **state)
{
    (void)state;
    oidc_logout_token_t in = {.issuer = "i", .client_id = "c", .jti = "j", .sid = "s1", .iat = 1};
    json_t *c = oidc_logout_token_claims(&in);
    assert_string_equal(json_string_value(json_object_get(c, "sid")), "s1");
    assert_null(json_object_get(c, "sub"));
    json_decref(c);
    in.sid = NULL;
    in.sub = "u1";
    c = oidc_logout_token_claims(&in);
    assert_string_equal(json_string_value(json_object_get(c, "sub")), "u1");
    assert_null(json_object_get(c, "sid"));
    json_decref(c);
    in.sub = "";
    assert_null(oidc_logout_token_claims(&in));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_claim_with_sub_and_sid),
        cmocka_unit_test(test_sub_or_sid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
