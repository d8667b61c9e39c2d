/* The gateway's platform configuration and its small pure helpers: which
 * [platform.NAME] sections are accepted (names, kinds, required keys, URLs
 * https or loopback only), what a platform gets from its kind (scope joined
 * with the kind's separator, callback URL), reading userinfo fields by path
 * (strings and numeric ids), and form bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "platform/platform_int.h"

#define PUBLIC "http://127.0.0.1:8081"

static config_t cfg;
static arena_t *arena;

static int setup(void **state)
{
    config_init(&cfg);
    arena = arena_new(1 << 20);
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    config_free(&cfg);
    arena_free(arena);
    return 0;
}

static void set(const char *section, const char *key, const char *value)
{
    char err[128];
    assert_int_equal(config_set(&cfg, section, key, value, err, sizeof err), GH_OK);
}

/* Loads as the gateway does: callbacks under PUBLIC, one platform at least. */
static gh_status_t load(platform_t **list, size_t *n, char *err, size_t len)
{
    platform_site_t site = {PUBLIC "/oauth2/callback?platform=", NULL, 1000, true};
    return platform_list_load(&cfg, arena, &site, list, n, err, len);
}

static void test_kinds_and_defaults(void **state)
{
    platform_t *list = NULL;
    size_t n = 0;
    char err[256] = "";
    set("platform.kk", "kind", "kakao");
    set("platform.kk", "client_id", "id1");
    set("platform.gh", "kind", "github");
    set("platform.gh", "client_id", "id2");
    set("platform.gh", "client_secret", "s2");
    set("platform.gh", "token_url", "http://localhost:9/token");
    assert_int_equal(load(&list, &n, err, sizeof err), GH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "kk");
    assert_string_equal(list[0].scope, "profile_nickname,profile_image,account_email");
    assert_string_equal(list[0].redirect_uri, PUBLIC "/oauth2/callback?platform=kk");
    assert_null(list[0].client_secret);
    assert_string_equal(list[1].scope, "read:user user:email");
    assert_string_equal(list[1].configured.token, "http://localhost:9/token");
    assert_null(list[1].configured.authorize);
    assert_null(list[1].oidc);
    platform_list_free(list, n);
}

/* One bad section at a time; each must be refused with a reason. */
static void refused(const char *key, const char *value, const char *kind)
{
    platform_t *list = NULL;
    size_t n = 0;
    char err[256] = "";
    config_free(&cfg);
    config_init(&cfg);
    set("platform.p", "kind", kind);
    set("platform.p", "client_id", "id");
    if (key)
        set("platform.p", key, value);
    assert_int_equal(load(&list, &n, err, sizeof err), GH_ERR_INVALID);
    assert_true(strncmp(err, "[platform.p]", 12) == 0);
}

static void test_refusals(void **state)
{
    char why[256] = ""; /* an unknown kind is refused as the file is read */
    assert_int_equal(config_set(&cfg, "platform.p", "kind", "myspace", why, sizeof why),
                     GH_ERR_INVALID);
    assert_string_equal(why, "[platform.p] kind: expected oidc, naver, kakao, google or github, "
                             "got 'myspace'");
    refused("client_id", "", "naver");
    refused(NULL, NULL, "oidc"); /* no issuer */
    refused("issuer", "http://idp.example.com", "oidc");
    refused("token_url", "http://example.com/token", "naver");
    refused("userinfo_url", "ftp://127.0.0.1/me", "naver");
    refused("revoke_url", "not a url", "google");
    platform_t *list = NULL;
    size_t n = 0;
    char err[256] = "";
    config_free(&cfg);
    config_init(&cfg);
    assert_int_equal(load(&list, &n, err, sizeof err), GH_ERR_INVALID); /* none at all */
    static const char *const names[] = {"platform.auto", "platform.put", "platform.Naver",
                                        "platform.a/b", "platform."};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        config_free(&cfg);
        config_init(&cfg);
        set(names[i], "kind", "naver");
        set(names[i], "client_id", "id");
        assert_int_equal(load(&list, &n, err, sizeof err), GH_ERR_INVALID);
    }
}

/* As the authorization server loads them: callbacks ISSUER/auth/federate/NAME
 * /callback, none at all allowed, labels, link_by_verified_email. */
static void test_server_site(void **state)
{
    platform_site_t site = {"https://id.example/auth/federate/", "/callback", 5000, false};
    platform_t *list = NULL;
    size_t n = 0;
    char err[256] = "";
    assert_int_equal(platform_list_load(&cfg, arena, &site, &list, &n, err, sizeof err), GH_OK);
    assert_int_equal(n, 0);
    platform_list_free(list, n);
    set("platform.kakao", "kind", "kakao");
    set("platform.kakao", "client_id", "k");
    set("platform.kakao", "link_by_verified_email", "true");
    set("platform.gg", "kind", "google");
    set("platform.gg", "client_id", "g");
    set("platform.gg", "label", "Google Workspace");
    set("platform.op", "kind", "oidc");
    set("platform.op", "client_id", "o");
    set("platform.op", "issuer", "https://op.example");
    assert_int_equal(platform_list_load(&cfg, arena, &site, &list, &n, err, sizeof err), GH_OK);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].redirect_uri, "https://id.example/auth/federate/kakao/callback");
    assert_string_equal(list[0].label, "Kakao");
    assert_true(list[0].link_by_verified_email);
    assert_int_equal(list[0].timeout_ms, 5000);
    assert_string_equal(list[1].label, "Google Workspace");
    assert_false(list[1].link_by_verified_email);
    assert_string_equal(list[2].label, "op");
    json_t *j = platform_list_json(list, n);
    char *text = json_dumps(j, JSON_COMPACT);
    assert_string_equal(text, "[{\"name\":\"kakao\",\"kind\":\"kakao\",\"label\":\"Kakao\","
                              "\"reconsent\":true},{\"name\":\"gg\",\"kind\":\"google\","
                              "\"label\":\"Google Workspace\"},{\"name\":\"op\",\"kind\":"
                              "\"oidc\",\"label\":\"op\"}]");
    free(text);
    json_decref(j);
    platform_list_free(list, n);
}

/* Which e-mail addresses the platforms assert verified. */
static void test_email_verified(void **state)
{
    static const struct {
        const char *kind, *answer;
        bool verified;
    } cases[] = {
        {"kakao", "{\"id\":1,\"kakao_account\":{\"email\":\"a@b\",\"is_email_verified\":true}}",
         true},
        {"kakao", "{\"id\":1,\"kakao_account\":{\"email\":\"a@b\",\"is_email_verified\":\"true\"}}",
         false},
        {"kakao", "{\"id\":1,\"kakao_account\":{\"is_email_verified\":true}}", false},
        {"google", "{\"sub\":\"1\",\"email\":\"a@b\",\"email_verified\":true}", true},
        {"oidc", "{\"sub\":\"1\",\"email\":\"a@b\",\"email_verified\":false}", false},
        {"naver", "{\"response\":{\"id\":\"1\",\"email\":\"a@b\"}}", false},
        {"github", "{\"id\":1,\"email\":\"a@b\",\"email_verified\":true}", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *v = json_loads(cases[i].answer, 0, NULL);
        platform_profile_t prof;
        assert_int_equal(
            platform_profile_from_answer(arena, platform_kind_find(cases[i].kind), v, &prof),
            GH_OK);
        assert_int_equal(prof.email_verified, cases[i].verified);
        json_decref(v);
    }
}

static void test_oidc_platform(void **state)
{
    platform_t *list = NULL;
    size_t n = 0;
    char err[256] = "";
    set("platform.ottm", "kind", "oidc");
    set("platform.ottm", "client_id", "gateway");
    set("platform.ottm", "issuer", "https://id.example.com");
    set("platform.ottm", "scope", "openid  email");
    assert_int_equal(load(&list, &n, err, sizeof err), GH_OK);
    assert_non_null(list[0].oidc);
    assert_string_equal(list[0].scope, "openid email");
    platform_list_free(list, n);
}

static void test_json_path(void **state)
{
    json_t *v = json_loads("{\"id\":123456789,\"response\":{\"email\":\"a@b\",\"x\":\"\"},"
                           "\"kakao_account\":{\"profile\":{\"nickname\":\"n\"}},\"f\":1.5}",
                           0, NULL);
    assert_string_equal(platform_json_path(arena, v, "id"), "123456789");
    assert_string_equal(platform_json_path(arena, v, "response.email"), "a@b");
    assert_string_equal(platform_json_path(arena, v, "kakao_account.profile.nickname"), "n");
    assert_null(platform_json_path(arena, v, "response.x"));       /* empty is absent */
    assert_null(platform_json_path(arena, v, "response"));         /* not a string */
    assert_null(platform_json_path(arena, v, "f"));                /* not an integer */
    assert_null(platform_json_path(arena, v, "response.email.x")); /* past a leaf */
    assert_null(platform_json_path(arena, v, "missing.path"));
    assert_null(platform_json_path(arena, NULL, "id"));
    json_decref(v);
}

/* expires_in from a platform: a number or digits, believed up to a year
 * (an overflow of now + expires_in was found by tests/fuzz). */
static void test_token_answer(void **state)
{
    platform_tokens_t t;
    json_t *v = json_pack("{ss ss}", "access_token", "at", "expires_in", "3600");
    assert_int_equal(platform_tokens_from_answer(v, "old", 1000, &t), GH_OK);
    assert_string_equal(t.refresh_token, "old");
    assert_int_equal(t.expires_at, 4600);
    json_object_set_new(v, "expires_in", json_integer(INT64_MAX));
    assert_int_equal(platform_tokens_from_answer(v, NULL, 1000, &t), GH_OK);
    assert_int_equal(t.expires_at, 1000 + 366 * 24 * 3600);
    json_object_set_new(v, "expires_in", json_string("99999999999999999999"));
    assert_int_equal(platform_tokens_from_answer(v, NULL, 1000, &t), GH_OK);
    assert_int_equal(t.expires_at, 1000 + 366 * 24 * 3600);
    json_object_del(v, "access_token");
    assert_int_equal(platform_tokens_from_answer(v, NULL, 1000, &t), GH_ERR_INVALID);
    json_decref(v);
}

static void test_form(void **state)
{
    const char *pairs[] = {"a", "1 2", "skipped", NULL, "c", "x&y=z", NULL};
    assert_string_equal(platform_form(arena, pairs), "a=1%202&c=x%26y%3Dz");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kinds_and_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_site, setup, teardown),
        cmocka_unit_test_setup_teardown(test_email_verified, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oidc_platform, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_answer, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
