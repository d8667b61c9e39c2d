/* Unit tests for the id_token claims of src/oidc/claims.c
 * (oidc_id_token_claims: OpenID Connect Core §2, at_hash §3.1.3.6) and for
 * the values and omissions of the userinfo answer (oidc_userinfo_write,
 * §5.3.2: claims the user has not set are left out). test_claims.c covers
 * which scopes release which claims. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "core/arena.h"
#include "core/buf.h"
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

static void test_claims_with_nonce_and_at_hash(void **state)
{
    (void)state;
    /* the access token and at_hash of OpenID Connect Core Appendix A.3 */
    oidc_id_token_t in = {.issuer = "https://id.example",
                          .sub = "0123456789abcdef0123456789abcdef",
                          .client_id = "game1",
                          .nonce = "n-0S6_WzA2Mj",
                          .access_token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y",
                          .iat = 1700000000,
                          .exp = 1700003599,
                          .auth_time = 1699999990};
    json_t *c = oidc_id_token_claims(&in);
    assert_json_equal(c, "{\"iss\":\"https://id.example\","
                         "\"sub\":\"0123456789abcdef0123456789abcdef\",\"aud\":\"game1\","
                         "\"exp\":1700003599,\"iat\":1700000000,\"auth_time\":1699999990,"
                         "\"nonce\":\"n-0S6_WzA2Mj\",\"at_hash\":\"77QmUPtjPfzWtF2AnpK9RQ\"}");
    json_decref(c);
}

static void test_claims_without_nonce_or_access_token(void **state)
{
    (void)state;
    oidc_id_token_t in = {.issuer = "https://id.example",
                          .sub = "s",
                          .client_id = "c",
                          .iat = 10,
                          .exp = 20,
                          .auth_time = 5};
    json_t *c = oidc_id_token_claims(&in);
    assert_json_equal(c, "{\"iss\":\"https://id.example\",\"sub\":\"s\",\"aud\":\"c\","
                         "\"exp\":20,\"iat\":10,\"auth_time\":5}");
    json_decref(c);
}

/* amr is RFC 8176's array of method values; acr and idp plain strings. */
static void test_claims_say_how_the_member_signed_in(void **state)
{
    (void)state;
    oidc_id_token_t in = {.issuer = "https://id.example",
                          .sub = "s",
                          .client_id = "c",
                          .iat = 10,
                          .exp = 20,
                          .auth_time = 5,
                          .authn = {.amr = "pwd otp mfa",
                                    .acr = "mfa",
                                    .idp = "kakao",
                                    .sid = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}};
    json_t *c = oidc_id_token_claims(&in);
    assert_json_equal(c, "{\"iss\":\"https://id.example\",\"sub\":\"s\",\"aud\":\"c\","
                         "\"exp\":20,\"iat\":10,\"auth_time\":5,"
                         "\"amr\":[\"pwd\",\"otp\",\"mfa\"],\"acr\":\"mfa\",\"idp\":\"kakao\","
                         "\"sid\":\"0f1e2d3c4b5a69788796a5b4c3d2e1f0\"}");
    json_decref(c);
}

static const char *userinfo(arena_t *a, const store_user_t *u, oidc_release_t r)
{
    buf_t b;
    buf_init(&b, a);
    oidc_userinfo_write(&b, u, NULL, &r);
    return buf_cstr(&b);
}

/* The exact text, in the table's order, and absent claims left out. */
static void test_userinfo_values_and_omissions(void **state)
{
    (void)state;
    arena_t *a = arena_new(4096);
    assert_non_null(a);
    const oidc_release_t profile = {.openid = true, .profile = true};
    store_user_t u = {.sub = "0123456789abcdef0123456789abcdef",
                      .username = "minji",
                      .email = "minji@example.com",
                      .nickname = "mj",
                      .name = "Kim \"MJ\" Minji"};
    assert_string_equal(userinfo(a, &u, profile),
                        "{\"sub\":\"0123456789abcdef0123456789abcdef\",\"nickname\":\"mj\","
                        "\"email\":\"minji@example.com\",\"name\":\"Kim \\\"MJ\\\" Minji\"}");
    u.email = NULL;
    u.nickname = NULL;
    assert_string_equal(userinfo(a, &u, profile), "{\"sub\":\"0123456789abcdef0123456789abcdef\","
                                                  "\"name\":\"Kim \\\"MJ\\\" Minji\"}");
    /* without openid, nothing at all */
    assert_string_equal(userinfo(a, &u, (oidc_release_t){.profile = true, .email = true}), "{}");
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claims_with_nonce_and_at_hash),
        cmocka_unit_test(test_claims_say_how_the_member_signed_in),
        cmocka_unit_test(test_claims_without_nonce_or_access_token),
        cmocka_unit_test(test_userinfo_values_and_omissions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
