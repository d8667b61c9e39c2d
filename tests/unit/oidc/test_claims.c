/* Unit tests for the claims table of src/oidc/claims.c: which scopes release
 * which userinfo claims, and that the list a consent page names is exactly
 * what oidc_userinfo_write answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "oidc/oidc.h"

static const store_user_t USER = {.sub = "0123456789abcdef0123456789abcdef",
                                  .username = "minji",
                                  .email = "minji@example.com",
                                  .nickname = "mj",
                                  .name = "Kim Minji"};

static oidc_release_t of(const char *a, const char *b, const char *c)
{
    const char *const scopes[] = {a, b, c};
    return oidc_release_of(NULL, scopes, 3);
}

/* The names oidc_released_claims gives, joined by spaces. */
static void names(oidc_release_t r, char *out, size_t size)
{
    const char *claims[OIDC_CLAIM_MAX];
    size_t n = oidc_released_claims(&r, claims);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(out, i ? " " : "", size - strlen(out) - 1);
        strncat(out, claims[i], size - strlen(out) - 1);
    }
}

static void test_release_of_scopes(void **state)
{
    (void)state;
    char s[128];
    names(of("openid", "profile", NULL), s, sizeof s);
    assert_string_equal(s, "sub nickname email name"); /* seed 004: profile releases email */
    names(of("openid", "username", NULL), s, sizeof s);
    assert_string_equal(s, "sub preferred_username");
    names(of("openid", "email", NULL), s, sizeof s);
    assert_string_equal(s, "sub email email_verified"); /* issue 21: with the email scope */
    names(of("openid", "offline_access", NULL), s, sizeof s);
    assert_string_equal(s, "sub");
    names(of("profile", "email", NULL), s, sizeof s);
    assert_string_equal(s, ""); /* no openid: userinfo answers nothing */
    assert_true(oidc_scope_releases(NULL, "profile"));
    assert_false(oidc_scope_releases(NULL, "offline_access"));
    assert_false(oidc_scope_releases(NULL, NULL));
}

/* Every claim userinfo writes is one the consent page names, and back. */
static void test_userinfo_matches_the_list(void **state)
{
    (void)state;
    const oidc_release_t cases[] = {of("openid", "profile", NULL), of("openid", "email", NULL),
                                    of("openid", NULL, NULL), of("openid", "profile", "email")};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        arena_t *a = arena_new(4096);
        buf_t b;
        buf_init(&b, a);
        oidc_userinfo_write(&b, &USER, NULL, &cases[i]);
        json_t *j = json_loads(buf_cstr(&b), 0, NULL);
        assert_non_null(j);
        const char *claims[OIDC_CLAIM_MAX];
        size_t n = oidc_released_claims(&cases[i], claims);
        assert_int_equal(json_object_size(j), n);
        for (size_t k = 0; k < n; k++)
            assert_non_null(json_object_get(j, claims[k]));
        json_decref(j);
        arena_free(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_release_of_scopes),
        cmocka_unit_test(test_userinfo_matches_the_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
