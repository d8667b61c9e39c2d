/* Unit tests for custom scopes and member attributes (src/oidc/scopes.c,
 * attributes.c, claims.c): [scope.NAME] claims loaded and checked with the
 * key named, the claims they release read from attributes, groups and
 * preferred_username, and discovery listing them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "oidc/oidc.h"

static const store_user_t USER = {.sub = "0123456789abcdef0123456789abcdef",
                                  .username = "minji",
                                  .email = "minji@example.com",
                                  .nickname = "mj",
                                  .attributes = "{\"department\":\"Sales\",\"level\":3,"
                                                "\"badges\":[\"a\",\"b\"],\"secret\":\"x\"}",
                                  .groups = "[\"staff\",\"admins\"]"};

/* Loads the scopes of a configuration holding section.key = value pairs. */
static gh_status_t load(arena_t *a, const char *const *pairs, oidc_scopes_t *out, char *err,
                        size_t len)
{
    config_t cfg;
    config_init(&cfg);
    for (size_t i = 0; pairs[i]; i += 3) {
        char why[256];
        assert_int_equal(config_set(&cfg, pairs[i], pairs[i + 1], pairs[i + 2], why, sizeof why),
                         GH_OK);
    }
    gh_status_t st = oidc_scopes_load(&cfg, a, out, err, len);
    /* the names are copied into a: the configuration may go */
    config_free(&cfg);
    return st;
}

static const char *answer(arena_t *a, const oidc_scopes_t *s, const char *const *scopes, size_t n)
{
    oidc_release_t r = oidc_release_of(s, scopes, n);
    buf_t b;
    buf_init(&b, a);
    oidc_userinfo_write(&b, &USER, NULL, &r);
    return buf_cstr(&b);
}

static void test_custom_scope_releases_attributes(void **state)
{
    (void)state;
    arena_t *a = arena_new(1 << 16);
    const char *const pairs[] = {"scope.work", "claims",   "department level nickname",
                                 "scope.work", "label_en", "Your work details",
                                 "scope.note", "label_en", "no claims: a label only",
                                 NULL};
    oidc_scopes_t s;
    char err[256] = "";
    assert_int_equal(load(a, pairs, &s, err, sizeof err), GH_OK);
    assert_int_equal(s.count, 1); /* [scope.note] releases nothing */
    assert_true(oidc_scope_releases(&s, "work"));
    assert_false(oidc_scope_releases(&s, "note"));
    const char *const granted[] = {"openid", "work"};
    /* a standard claim from the record, attributes by name, the rest not */
    assert_string_equal(answer(a, &s, granted, 2),
                        "{\"sub\":\"0123456789abcdef0123456789abcdef\",\"nickname\":\"mj\","
                        "\"department\":\"Sales\",\"level\":3}");
    const char *names[OIDC_CLAIM_MAX];
    oidc_release_t r = oidc_release_of(&s, granted, 2);
    assert_int_equal(oidc_released_claims(&r, names), 4);
    assert_string_equal(names[3], "level");
    /* without openid, nothing */
    assert_string_equal(answer(a, &s, granted + 1, 1), "{}");
    arena_free(a);
}

static void test_groups_and_preferred_username(void **state)
{
    (void)state;
    arena_t *a = arena_new(1 << 16);
    const char *const granted[] = {"openid", "groups"};
    assert_string_equal(answer(a, NULL, granted, 2),
                        "{\"sub\":\"0123456789abcdef0123456789abcdef\","
                        "\"groups\":[\"staff\",\"admins\"]}");
    const char *const profile[] = {"openid", "profile"};
    assert_null(strstr(answer(a, NULL, profile, 2), "preferred_username")); /* seed 004 */
    const char *const username[] = {"openid", "username"};
    assert_non_null(strstr(answer(a, NULL, username, 2), "\"preferred_username\":\"minji\""));
    arena_free(a);
}

/* Each refusal names the key. */
static void test_bad_scope_config(void **state)
{
    (void)state;
    static const struct {
        const char *section, *claims, *want;
    } CASES[] = {
        {"scope.work", "sub", "scope.work.claims: 'sub' is a protocol claim"},
        {"scope.work", "9lives", "scope.work.claims: '9lives' is not a claim name"},
        {"scope.work", "  ", "scope.work.claims: names no claim"},
        {"scope.profile", "department", "scope.profile.claims: 'profile' is a standard scope"},
        {"scope.groups", "department", "scope.groups.claims: 'groups' is a standard scope"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        arena_t *a = arena_new(1 << 16);
        const char *const pairs[] = {CASES[i].section, "claims", CASES[i].claims, NULL};
        oidc_scopes_t s;
        char err[256] = "";
        if (load(a, pairs, &s, err, sizeof err) != GH_ERR_INVALID)
            fail_msg("case %zu: accepted", i);
        if (strncmp(err, CASES[i].want, strlen(CASES[i].want)))
            fail_msg("case %zu: got '%s'", i, err);
        arena_free(a);
    }
}

static void test_attribute_limits(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } CASES[] = {
        {"{\"a\":1,\"b\":[true,\"x\"],\"c\":null}", "attributes.c: must be a string"},
        {"[1]", "attributes: must be a JSON object"},
        {"{\"email\":\"x\"}", "attributes.email: is a claim of its own"},
        {"{\"sub\":\"x\"}", "attributes.sub: is a claim of its own"},
        {"{\"bad key\":1}", "attributes.bad key: a name is"},
        {"{\"a\":{\"b\":1}}", "attributes.a: must be a string"},
        {"{\"a\":[[1]]}", "attributes.a: must be a string"},
        {"{\"a\":1,\"a\":2}", "attributes: not JSON"},
        {"{\"a\":1", "attributes: not JSON"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        json_t *out = NULL;
        char err[256] = "";
        assert_int_equal(
            oidc_attributes_parse(CASES[i].text, strlen(CASES[i].text), &out, err, sizeof err),
            GH_ERR_INVALID);
        assert_null(out);
        if (strncmp(err, CASES[i].want, strlen(CASES[i].want)))
            fail_msg("case %zu: got '%s'", i, err);
    }
    json_t *out = NULL;
    char err[256];
    const char *ok = "{\"department\":\"Sales\",\"level\":3,\"on\":false,\"tags\":[\"a\",1]}";
    assert_int_equal(oidc_attributes_parse(ok, strlen(ok), &out, err, sizeof err), GH_OK);
    json_decref(out);
    /* too many, too long */
    char big[OIDC_ATTR_JSON_MAX + 64];
    size_t n = (size_t)snprintf(big, sizeof big, "{");
    for (int k = 0; k <= OIDC_ATTR_MAX; k++)
        n += (size_t)snprintf(big + n, sizeof big - n, "%s\"k%d\":1", k ? "," : "", k);
    snprintf(big + n, sizeof big - n, "}");
    assert_int_equal(oidc_attributes_parse(big, strlen(big), &out, err, sizeof err),
                     GH_ERR_INVALID);
    assert_string_equal(err, "attributes: at most 32 attributes");
    memset(big, ' ', sizeof big);
    assert_int_equal(oidc_attributes_parse(big, sizeof big, &out, err, sizeof err),
                     GH_ERR_TOO_LARGE);
}

static void test_discovery_lists_custom_scopes(void **state)
{
    (void)state;
    arena_t *a = arena_new(1 << 16);
    const char *const pairs[] = {"scope.work", "claims", "department nickname", NULL};
    oidc_scopes_t s;
    char err[256];
    assert_int_equal(load(a, pairs, &s, err, sizeof err), GH_OK);
    json_t *d = oidc_discovery("https://id.example", "RS256", &s, false);
    char *scopes = json_dumps(json_object_get(d, "scopes_supported"), JSON_COMPACT);
    char *claims = json_dumps(json_object_get(d, "claims_supported"), JSON_COMPACT);
    assert_string_equal(scopes,
                        "[\"openid\",\"profile\",\"email\",\"groups\",\"username\",\"work\"]");
    /* nickname is listed once */
    assert_non_null(strstr(claims, "\"groups\",\"department\"]"));
    assert_null(strstr(strstr(claims, "nickname") + 1, "nickname"));
    free(scopes);
    free(claims);
    json_decref(d);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_custom_scope_releases_attributes),
        cmocka_unit_test(test_groups_and_preferred_username),
        cmocka_unit_test(test_bad_scope_config),
        cmocka_unit_test(test_attribute_limits),
        cmocka_unit_test(test_discovery_lists_custom_scopes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
