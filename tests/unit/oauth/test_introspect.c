/* Unit tests: the RFC 7662 §2.2 answers built by src/oauth/introspect.c for a
 * live access token (from its claims) and a live refresh token (from its
 * stored record). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "oauth/oauth_int.h"

static void assert_json_equal(const buf_t *b, const char *want_text)
{
    assert_non_null(buf_cstr(b));
    json_t *got = json_loads(buf_cstr(b), 0, NULL);
    assert_non_null(got);
    json_t *want = json_loads(want_text, 0, NULL);
    assert_non_null(want);
    char *text = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
    if (!json_equal(got, want))
        fail_msg("got %s, want %s", text, want_text);
    free(text);
    json_decref(want);
    json_decref(got);
}

static arena_t *arena;

static const buf_t *access_answer(const json_t *claims, const char *username)
{
    static buf_t b;
    buf_init(&b, arena);
    introspect_access_answer(&b, claims, username);
    return &b;
}

static const buf_t *refresh_answer_text(const store_refresh_t *r, const char *username)
{
    static buf_t b;
    buf_init(&b, arena);
    introspect_refresh_answer(&b, r, "https://gh.example", username);
    return &b;
}

static void access_answer_has_the_rfc_members(void **state)
{
    json_t *claims =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:I}", "iss", "https://gh.example", "sub",
                  "e68a06bf9f2d4496882877cbecad27eb", "aud", "https://gh.example", "client_id",
                  "game1", "scope", "openid profile", "iat", (json_int_t)1700000000, "exp",
                  (json_int_t)1700003599, "jti", "0123abcd", "auth_time", (json_int_t)1699999990);
    assert_json_equal(access_answer(claims, "test"),
                      "{\"active\":true,\"username\":\"test\",\"token_type\":\"Bearer\","
                      "\"scope\":\"openid profile\",\"client_id\":\"game1\","
                      "\"exp\":1700003599,\"iat\":1700000000,"
                      "\"sub\":\"e68a06bf9f2d4496882877cbecad27eb\","
                      "\"aud\":\"https://gh.example\",\"iss\":\"https://gh.example\","
                      "\"jti\":\"0123abcd\"}");
    json_decref(claims);
}

static void access_answer_without_username(void **state)
{
    json_t *claims =
        json_pack("{s:s,s:s,s:I}", "sub", "svc", "client_id", "svc", "exp", (json_int_t)1700003599);
    assert_json_equal(access_answer(claims, NULL),
                      "{\"active\":true,\"token_type\":\"Bearer\",\"sub\":\"svc\","
                      "\"client_id\":\"svc\",\"exp\":1700003599}");
    json_decref(claims);
}

static void refresh_answer(void **state)
{
    store_refresh_t r = {.digest = "d",
                         .family = "f",
                         .client_id = "game1",
                         .sub = "e68a06bf9f2d4496882877cbecad27eb",
                         .scope = "openid",
                         .auth_time = 1699999990,
                         .issued_at = 1700000000,
                         .expires_at = 1702592000};
    assert_json_equal(refresh_answer_text(&r, "test"),
                      "{\"active\":true,\"username\":\"test\",\"token_type\":\"refresh_token\","
                      "\"scope\":\"openid\",\"client_id\":\"game1\",\"exp\":1702592000,"
                      "\"iat\":1700000000,\"sub\":\"e68a06bf9f2d4496882877cbecad27eb\","
                      "\"iss\":\"https://gh.example\"}");
    r.sub = NULL; /* a client-only grant */
    assert_json_equal(refresh_answer_text(&r, NULL),
                      "{\"active\":true,\"token_type\":\"refresh_token\",\"scope\":\"openid\","
                      "\"client_id\":\"game1\",\"exp\":1702592000,\"iat\":1700000000,"
                      "\"iss\":\"https://gh.example\"}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(access_answer_has_the_rfc_members),
        cmocka_unit_test(access_answer_without_username),
        cmocka_unit_test(refresh_answer),
    };
    arena = arena_new(1 << 20);
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    arena_free(arena);
    return failed;
}
