/* The account page (issue 21): every form posts to its own path under
 * /account with the CSRF token, everything the caller passes is escaped,
 * the lists say what the e2e tests and browsers rely on (data-client,
 * data-session, the current session marked, claims named as on the consent
 * page), the hooks add what they are given and nothing when empty, errors
 * mark their inputs, both languages, and the page is all or nothing when the
 * arena runs out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "ui/ui.h"
#include "ui_test.h"

#define XSS "\"><script>alert(1)</script>"
#define XSS_ESCAPED "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define T1 INT64_C(1765116300) /* 2025-12-07 14:05 UTC */

static arena_t *arena;

static int setup(void **state)
{
    arena = arena_new(1 << 20);
    return arena ? 0 : -1;
}

static int teardown(void **state)
{
    arena_free(arena);
    return 0;
}

static const char *const CLAIMS[] = {"sub", "nickname"};
static const char *const SCOPES[] = {"offline_access"};
static const ui_account_app_t APPS[] = {
    {"rp-one", "Shop " XSS, CLAIMS, COUNT(CLAIMS), SCOPES, COUNT(SCOPES), T1, NULL},
    {"rp-" XSS, NULL, CLAIMS, 1, NULL, 0, 0, NULL},
};
static const ui_account_session_t SESSIONS[] = {
    {"aaaa", "Mozilla/5.0 " XSS, "192.0.2.1", T1, T1, true},
    {"bbbb", NULL, NULL, 0, 0, false},
};

static ui_account_t page_of(ui_lang_t lang)
{
    return (ui_account_t){.lang = lang,
                          .csrf = "tok-" XSS,
                          .username = "ada" XSS,
                          .nickname = "nick" XSS,
                          .name = "name" XSS,
                          .email = "ada@example.test" XSS,
                          .apps = APPS,
                          .app_count = COUNT(APPS),
                          .sessions = SESSIONS,
                          .session_count = COUNT(SESSIONS),
                          .nickname_max = 64,
                          .name_max = 128,
                          .password_max = 1024};
}

static void test_forms_and_csrf(void **state)
{
    ui_account_t p = page_of(UI_LANG_EN);
    const char *page = ui_render_account(arena, &p);
    assert_non_null(page);
    /* profile, e-mail, password; two apps, two sessions, all others */
    assert_int_equal(count_of(page, "<form method=\"post\""), 5);
    assert_int_equal(count_of(page, "<form class=\"form\" method=\"post\""), 3);
    assert_int_equal(count_of(page, "name=\"csrf\" value=\"tok-" XSS_ESCAPED "\""), 8);
    assert_true(contains(page, "action=\"/account/profile\""));
    assert_true(contains(page, "action=\"/account/email\""));
    assert_true(contains(page, "action=\"/account/password\""));
    assert_int_equal(count_of(page, "action=\"/account/apps/revoke\""), 2);
    assert_int_equal(count_of(page, "action=\"/account/sessions/end\""), 2);
    assert_true(contains(page, "action=\"/account/sessions/end-others\""));
    assert_true(contains(page, "name=\"current_password\""));
    assert_true(contains(page, "name=\"new_password_again\""));
    assert_true(contains(page, "maxlength=\"128\""));
    assert_int_equal(count_of(page, "<script"), 0);
    assert_int_equal(count_of(page, "style="), 0);
    assert_true(contains(page, "<html lang=\"en\">"));
    assert_true(contains(page, "class=\"card card-wide\""));
}

static void test_escapes_everything(void **state)
{
    ui_account_t p = page_of(UI_LANG_EN);
    const char *page = ui_render_account(arena, &p);
    assert_non_null(page);
    assert_false(contains(page, XSS));
    assert_true(contains(page, "ada" XSS_ESCAPED));
    assert_true(contains(page, "value=\"nick" XSS_ESCAPED "\""));
    assert_true(contains(page, "value=\"name" XSS_ESCAPED "\""));
    assert_true(contains(page, "ada@example.test" XSS_ESCAPED));
    assert_true(contains(page, "Shop " XSS_ESCAPED));
    assert_true(contains(page, "data-client=\"rp-" XSS_ESCAPED "\""));
    assert_true(contains(page, "Mozilla/5.0 " XSS_ESCAPED));
}

static void test_lists(void **state)
{
    ui_account_t p = page_of(UI_LANG_EN);
    const char *page = ui_render_account(arena, &p);
    assert_non_null(page);
    assert_true(contains(page, "<li class=\"item\" data-client=\"rp-one\">"));
    assert_int_equal(count_of(page, "data-claim=\"sub\""), 2);
    assert_int_equal(count_of(page, "data-claim=\"nickname\""), 1);
    assert_true(contains(page, "Stay connected when you are away"));
    assert_true(contains(page, "Last used <time datetime=\"2025-12-07T14:05:00Z\">2025-12-07 14:05 "
                               "UTC</time>"));
    assert_true(contains(page, "Not used lately"));
    assert_int_equal(count_of(page, "data-current=\"true\""), 1);
    assert_true(contains(page, "<li class=\"item\" data-session=\"aaaa\" data-current=\"true\">"));
    assert_true(contains(page, "<li class=\"item\" data-session=\"bbbb\">"));
    assert_true(contains(page, "Unknown browser"));
    assert_true(contains(page, "192.0.2.1"));

    p.app_count = 0;
    page = ui_render_account(arena, &p);
    assert_true(contains(page, "No application can use your account."));
}

static void test_hooks(void **state)
{
    ui_account_t p = page_of(UI_LANG_EN);
    const char *bare = ui_render_account(arena, &p);
    p.factors_html = "<section id=\"factors\"></section>";
    p.platforms_html = "<section id=\"platforms\"></section>";
    const char *page = ui_render_account(arena, &p);
    assert_false(contains(bare, "id=\"factors\""));
    assert_true(contains(page, "<section id=\"factors\"></section>"));
    assert_true(contains(page, "<section id=\"platforms\"></section>"));
    assert_true(strstr(page, "id=\"factors\"") < strstr(page, "id=\"applications\""));
}

static void test_messages_and_invalid_inputs(void **state)
{
    ui_account_t p = page_of(UI_LANG_EN);
    p.message = UI_MSG_PASSWORD_WRONG;
    p.invalid = UI_ACCOUNT_BAD_CURRENT;
    const char *page = ui_render_account(arena, &p);
    assert_true(contains(page, "role=\"alert\">The current password is incorrect."));
    assert_int_equal(count_of(page, "aria-invalid=\"true\""), 1);
    assert_true(contains(page, "name=\"current_password\" type=\"password\" "
                               "autocomplete=\"current-password\" required maxlength=\"1024\" "
                               "aria-invalid=\"true\""));
    p.invalid = UI_ACCOUNT_BAD_NEW;
    page = ui_render_account(arena, &p);
    assert_int_equal(count_of(page, "aria-invalid=\"true\""), 2);
    p.message = UI_MSG_PROFILE_SAVED;
    p.notice = true;
    p.invalid = 0;
    page = ui_render_account(arena, &p);
    assert_true(contains(page, "role=\"status\">Your profile was saved.</p>"));
    assert_false(contains(page, "role=\"alert\""));
}

static void test_korean(void **state)
{
    ui_account_t p = page_of(UI_LANG_KO);
    p.message = UI_MSG_PASSWORDS_DIFFER;
    const char *page = ui_render_account(arena, &p);
    assert_true(contains(page, "<html lang=\"ko\">"));
    assert_true(contains(page, "<h1 class=\"title\">내 계정</h1>"));
    assert_true(contains(page, "연결된 애플리케이션"));
    assert_true(contains(page, "두 번 입력한 새 비밀번호가 같지 않습니다."));
    assert_false(contains(page, "Connected applications"));
}

static void test_out_of_memory_is_all_or_nothing(void **state)
{
    ui_account_t p = page_of(UI_LANG_KO);
    const char *full = ui_render_account(arena, &p);
    assert_non_null(full);
    size_t nulls = 0;
    for (size_t cap = 0; cap < 96 * 1024; cap += 307) {
        arena_t *small = arena_new(cap);
        assert_non_null(small);
        const char *page = ui_render_account(small, &p);
        if (page)
            assert_string_equal(page, full);
        else
            nulls++;
        arena_free(small);
    }
    assert_true(nulls > 0);
}

/* issue 22: an attribute a custom scope released is named as on the
 * consent page, with that scope's words. */
static void test_attribute_claims_named_by_their_scope(void **state)
{
    (void)state;
    config_t cfg;
    char why[128];
    config_init(&cfg);
    assert_int_equal(config_set(&cfg, "scope.work", "label_ko", "업무 정보", why, 128), 0);
    static const char *const claims[] = {"sub", "department"};
    static const char *const by[] = {NULL, "work"};
    const ui_account_app_t apps[] = {{"rp", NULL, claims, 2, NULL, 0, 0, by}};
    ui_account_t p = page_of(UI_LANG_KO);
    p.apps = apps;
    p.app_count = 1;
    p.config = &cfg;
    const char *page = ui_render_account(arena, &p);
    assert_non_null(page);
    assert_true(contains(page, "data-claim=\"department\">업무 정보: department<"));
    config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_attribute_claims_named_by_their_scope, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_forms_and_csrf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escapes_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hooks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_messages_and_invalid_inputs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_korean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory_is_all_or_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
