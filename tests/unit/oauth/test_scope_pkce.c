/* Unit tests: scope lists (RFC 6749 §3.3) and PKCE S256 (RFC 7636). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "oauth/oauth_int.h"

static void scope_parsing(void **state)
{
    arena_t *a = arena_new(1 << 16);
    scope_list_t l;
    assert_int_equal(scope_parse(a, "openid profile openid", &l), GH_OK);
    assert_int_equal(l.count, 2);
    assert_true(scope_has(&l, "profile"));
    assert_false(scope_has(&l, "email"));
    assert_string_equal(scope_join(a, &l), "openid profile");
    assert_int_equal(scope_parse(a, "", &l), GH_OK);
    assert_int_equal(l.count, 0);
    assert_int_equal(scope_parse(a, "openid  profile", &l), GH_ERR_INVALID);
    assert_int_equal(scope_parse(a, " openid", &l), GH_ERR_INVALID);
    assert_int_equal(scope_parse(a, "openid ", &l), GH_ERR_INVALID);
    assert_int_equal(scope_parse(a, "open\"id", &l), GH_ERR_INVALID);
    assert_int_equal(scope_parse(a, "open\\id", &l), GH_ERR_INVALID);
    assert_int_equal(scope_parse(a, "\xed\x95\x9c", &l), GH_ERR_INVALID);
    char many[400] = "";
    for (int i = 0; i < 40; i++)
        sprintf(many + strlen(many), "%ss%d", i ? " " : "", i);
    assert_int_equal(scope_parse(a, many, &l), GH_ERR_TOO_LARGE);
    arena_free(a);
}

static void scope_sets(void **state)
{
    arena_t *a = arena_new(1 << 16);
    scope_list_t want, have, other;
    scope_parse(a, "openid profile", &want);
    scope_parse(a, "openid profile email", &have);
    assert_true(scope_subset(&want, &have));
    assert_false(scope_subset(&have, &want));
    scope_parse(a, "email api", &other);
    scope_union(&want, &other);
    assert_string_equal(scope_join(a, &want), "openid profile email api");
    arena_free(a);
}

static void pkce_s256(void **state)
{
    /* RFC 7636 Appendix B */
    const char *verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const char *challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    assert_true(pkce_method_supported("S256"));
    assert_false(pkce_method_supported("plain"));
    assert_false(pkce_method_supported(NULL));
    assert_true(pkce_challenge_valid(challenge));
    assert_false(pkce_challenge_valid("short"));
    assert_true(pkce_verify(challenge, verifier));
    assert_false(pkce_verify(challenge, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK"));
    assert_false(pkce_verify(challenge, challenge));
    assert_false(pkce_verify(challenge, "tooshort"));
    assert_false(pkce_verify(challenge, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scope_parsing),
        cmocka_unit_test(scope_sets),
        cmocka_unit_test(pkce_s256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
