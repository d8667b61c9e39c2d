/* The rendered pages: structure the end-to-end tests and browsers rely on
 * (one post form, the inputs, every hidden field, the decision buttons),
 * escaping of everything the caller passes, both languages, no inline script
 * or style, and all-or-nothing output when the arena runs out. */
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

static const ui_hidden_t HIDDEN[] = {
    {"csrf", "tok-123_ABC"},
    {"client_id", "demo"},
    {"state", XSS},
    {"redirect_uri", "https://app.example/cb?a=1&b='2'"},
};

/* The text of the one form in page, from "<form" to "</form>". */
static const char *the_form(const char *page)
{
    const char *start = strstr(page, "<form");
    const char *end = start ? strstr(start, "</form>") : NULL;
    assert_non_null(end);
    return arena_strndup(arena, start, (size_t)(end - start));
}

/* What every page must be: a whole document in lang, no inline script or style. */
static void assert_page(const char *page, const char *lang)
{
    assert_non_null(page);
    assert_true(strncmp(page, "<!DOCTYPE html>", 15) == 0);
    char *html_tag = arena_printf(arena, "<html lang=\"%s\">", lang);
    assert_int_equal(count_of(page, html_tag), 1);
    assert_true(contains(page, "<link rel=\"stylesheet\" href=\"/static/gatehouse.css\">"));
    assert_true(contains(page, "Gatehouse"));
    assert_true(contains(page, "</html>"));
    assert_int_equal(count_of(page, "<script"), 0);
    assert_int_equal(count_of(page, "style="), 0);
    assert_int_equal(count_of(page, "<style"), 0);
    assert_int_equal(count_of(page, "javascript:"), 0);
    assert_int_equal(count_of(page, "{{"), 0);
}

static void assert_hidden_fields(const char *form)
{
    assert_int_equal(count_of(form, "type=\"hidden\""), COUNT(HIDDEN));
    assert_true(contains(form, "<input type=\"hidden\" name=\"csrf\" value=\"tok-123_ABC\">"));
    assert_true(contains(form, "<input type=\"hidden\" name=\"client_id\" value=\"demo\">"));
    assert_true(contains(form, "<input type=\"hidden\" name=\"state\" value=\"" XSS_ESCAPED "\">"));
    assert_true(contains(form, "<input type=\"hidden\" name=\"redirect_uri\" "
                               "value=\"https://app.example/cb?a=1&amp;b=&#39;2&#39;\">"));
}

static const char *login(ui_lang_t lang, const char *client, const char *user, ui_msg_t msg)
{
    const ui_login_t p = {
        .lang = lang,
        .action = "/auth/authorize?client_id=demo&x=\"y\"",
        .hidden = HIDDEN,
        .hidden_count = COUNT(HIDDEN),
        .client_name = client,
        .username = user,
        .message = msg,
    };
    return ui_render_login(arena, &p);
}

static void test_login_form(void **state)
{
    const char *page = login(UI_LANG_EN, "Demo App", NULL, UI_MSG_NONE);
    assert_page(page, "en");
    assert_int_equal(count_of(page, "<form"), 1);
    assert_int_equal(count_of(page, "method=\"post\""), 1);
    const char *form = the_form(page);
    assert_true(contains(form, "action=\"/auth/authorize?client_id=demo&amp;x=&quot;y&quot;\""));
    assert_int_equal(count_of(form, "name=\"username\""), 1);
    assert_int_equal(count_of(form, "name=\"password\""), 1);
    assert_true(contains(form, "type=\"password\""));
    assert_true(contains(form, "autocomplete=\"username\""));
    assert_true(contains(form, "autocomplete=\"current-password\""));
    assert_true(contains(form, "<label for=\"username\">Username</label>"));
    assert_true(contains(form, "<label for=\"password\">Password</label>"));
    assert_int_equal(count_of(form, "type=\"submit\""), 1);
    assert_hidden_fields(form);
    assert_int_equal(count_of(page, "role=\"alert\""), 0);
    assert_true(contains(page, "Sign in to continue to Demo App"));
}

static void test_login_korean(void **state)
{
    const char *page = login(UI_LANG_KO, "데모 앱", NULL, UI_MSG_NONE);
    assert_page(page, "ko");
    assert_true(contains(page, "데모 앱에 로그인"));
    assert_true(contains(page, ">비밀번호</label>"));
    assert_true(contains(page, ">아이디</label>"));
    assert_true(contains(page, ">로그인</button>"));
    assert_false(contains(page, "Password"));
    assert_hidden_fields(the_form(page));
}

static void test_login_escapes_everything(void **state)
{
    const char *page = login(UI_LANG_EN, XSS, XSS, UI_MSG_NONE);
    assert_page(page, "en");
    assert_true(contains(page, "Sign in to continue to " XSS_ESCAPED));
    assert_true(contains(page, "value=\"" XSS_ESCAPED "\" autocomplete=\"username\""));
    assert_int_equal(count_of(page, XSS), 0);
    assert_int_equal(count_of(page, "<script"), 0);
}

static void test_login_without_client_or_user(void **state)
{
    const char *page = login(UI_LANG_EN, NULL, NULL, UI_MSG_NONE);
    assert_page(page, "en");
    assert_false(contains(page, "continue to"));
    assert_true(contains(page, "value=\"\" autocomplete=\"username\""));
    assert_int_equal(count_of(the_form(page), "autofocus"), 1);
    assert_true(contains(page, "required autofocus>\n</div>\n<div class=\"field\">\n"
                               "<label for=\"password\">"));
}

static void test_login_prefilled_user_focuses_password(void **state)
{
    const char *page = login(UI_LANG_EN, "Demo", "alice", UI_MSG_NONE);
    assert_true(contains(page, "value=\"alice\""));
    assert_int_equal(count_of(page, "autofocus"), 1);
    assert_true(contains(page, "autocomplete=\"current-password\" required autofocus>"));
}

static void test_login_error_message(void **state)
{
    const char *en = login(UI_LANG_EN, "Demo", "alice", UI_MSG_BAD_CREDENTIALS);
    const char *ko = login(UI_LANG_KO, "Demo", "alice", UI_MSG_BAD_CREDENTIALS);
    assert_int_equal(count_of(en, "role=\"alert\""), 1);
    assert_int_equal(count_of(ko, "role=\"alert\""), 1);
    assert_true(contains(en, "The username or password is incorrect."));
    assert_true(contains(ko, "아이디 또는 비밀번호가 올바르지 않습니다."));
    const char *expired = login(UI_LANG_EN, "Demo", NULL, UI_MSG_FORM_EXPIRED);
    assert_true(contains(expired, "role=\"alert\""));
    assert_false(contains(expired, "The username or password is incorrect."));
}

/* Issue 25: the inputs carry the endpoint's limits; the too-long message speaks both languages. */
static void test_login_limits_and_too_long(void **state)
{
    ui_login_t p = {.lang = UI_LANG_EN,
                    .action = "/auth/authorize",
                    .message = UI_MSG_FIELD_TOO_LONG,
                    .username_max = 256,
                    .password_max = 1024};
    const char *en = ui_render_login(arena, &p);
    assert_true(contains(en, "autocomplete=\"username\" autocapitalize=\"none\" "
                             "spellcheck=\"false\" required maxlength=\"256\""));
    assert_true(contains(en, "required maxlength=\"1024\""));
    assert_true(contains(en, "The username or password is too long."));
    p.lang = UI_LANG_KO;
    assert_true(contains(ui_render_login(arena, &p), "아이디 또는 비밀번호가 너무 깁니다."));
    assert_false(contains(login(UI_LANG_EN, NULL, NULL, UI_MSG_NONE), "maxlength"));
}

/* Issue 25: the authorization server's own address in a browser. */
static void test_home_page(void **state)
{
    const char *en = ui_render_home(arena, UI_LANG_EN);
    const char *ko = ui_render_home(arena, UI_LANG_KO);
    assert_true(contains(en, "<html lang=\"en\">"));
    assert_true(contains(en, "href=\"/.well-known/openid-configuration\""));
    assert_true(contains(en, "/static/gatehouse.css"));
    assert_true(contains(ko, "<html lang=\"ko\">"));
    assert_true(contains(ko, "로그인 서버"));
}

/* Wrong credentials mark both inputs invalid and described by the alert;
 * other messages mark none (issue 25 item 5). */
static void test_login_error_tied_to_inputs(void **state)
{
    const char *bad = login(UI_LANG_EN, "Demo", "alice", UI_MSG_BAD_CREDENTIALS);
    assert_int_equal(count_of(bad, "id=\"form-error\" role=\"alert\""), 1);
    assert_int_equal(count_of(bad, "aria-invalid=\"true\" aria-describedby=\"form-error\""), 2);
    const char *expired = login(UI_LANG_EN, "Demo", "alice", UI_MSG_FORM_EXPIRED);
    assert_int_equal(count_of(expired, "aria-invalid"), 0);
    assert_int_equal(count_of(login(UI_LANG_EN, "Demo", NULL, UI_MSG_NONE), "aria-"), 0);
}

static const char *locked(ui_lang_t lang, long retry_after)
{
    const ui_login_t p = {.lang = lang,
                          .action = "/auth/authorize",
                          .message = UI_MSG_TOO_MANY_ATTEMPTS,
                          .retry_after = retry_after};
    return ui_render_login(arena, &p);
}

/* A lock says the time it has left, not "a few minutes" (issue 25 item 6). */
static void test_lock_says_time_left(void **state)
{
    assert_true(contains(locked(UI_LANG_EN, 30), "Please wait 30 seconds and try again."));
    assert_true(contains(locked(UI_LANG_EN, 1), "Please wait 1 second and try again."));
    assert_true(contains(locked(UI_LANG_EN, 119), "wait 119 seconds"));
    assert_true(contains(locked(UI_LANG_EN, 121), "wait 3 minutes"));
    assert_true(contains(locked(UI_LANG_EN, 300), "wait 5 minutes"));
    assert_true(contains(locked(UI_LANG_EN, 0), "wait a moment"));
    assert_true(contains(locked(UI_LANG_KO, 30), "30초 후에 다시 시도해 주세요."));
    assert_true(contains(locked(UI_LANG_KO, 300), "5분 후에"));
    assert_false(contains(locked(UI_LANG_EN, 30), "few minutes"));
    assert_int_equal(count_of(locked(UI_LANG_EN, 30), "{{"), 0);
}

static const char *const CLAIMS[] = {"sub", "nickname", "email", "name", XSS};
static const char *const SCOPES[] = {"offline_access", XSS};

static const char *consent(ui_lang_t lang, const char *client, const char *user)
{
    const ui_consent_t p = {
        .lang = lang,
        .action = "/auth/authorize",
        .hidden = HIDDEN,
        .hidden_count = COUNT(HIDDEN),
        .client_name = client,
        .username = user,
        .claims = CLAIMS,
        .claim_count = COUNT(CLAIMS),
        .scopes = SCOPES,
        .scope_count = COUNT(SCOPES),
    };
    return ui_render_consent(arena, &p);
}

static void test_consent_form(void **state)
{
    const char *page = consent(UI_LANG_EN, "Demo App", "alice");
    assert_page(page, "en");
    assert_int_equal(count_of(page, "<form"), 1);
    assert_int_equal(count_of(page, "method=\"post\""), 1);
    const char *form = the_form(page);
    assert_int_equal(count_of(form, "type=\"submit\""), 2);
    assert_int_equal(
        count_of(form, "<button class=\"button button-primary\" type=\"submit\" name=\"decision\" "
                       "value=\"allow\">Allow and continue</button>"),
        1);
    assert_int_equal(count_of(form, "<button class=\"button button-secondary\" type=\"submit\" "
                                    "name=\"decision\" value=\"deny\">Deny</button>"),
                     1);
    assert_hidden_fields(form);
    assert_true(contains(page, "Demo App wants to access your Gatehouse account"));
    assert_true(contains(page, ">alice<"));
}

static void test_consent_claims_and_scopes_in_words(void **state)
{
    const char *en = consent(UI_LANG_EN, "Demo", "alice");
    const char *ko = consent(UI_LANG_KO, "Demo", "alice");
    assert_true(
        contains(en, "data-claim=\"sub\">Confirm your identity with your Gatehouse account<"));
    assert_true(contains(en, "data-claim=\"nickname\">Your nickname<"));
    assert_true(contains(en, "data-claim=\"email\">Your email address<"));
    assert_true(contains(en, "data-claim=\"name\">Your name<"));
    assert_true(contains(en, ">Stay connected when you are away (refresh)<"));
    assert_true(contains(ko, "data-claim=\"sub\">Gatehouse 계정으로 본인 확인<"));
    assert_true(contains(ko, "data-claim=\"nickname\">닉네임<"));
    assert_true(contains(ko, "data-claim=\"email\">이메일 주소<"));
    assert_true(contains(ko, "data-claim=\"name\">이름<"));
    assert_true(contains(ko, ">사용하지 않는 동안에도 연결 유지 (갱신)<"));
    assert_int_equal(count_of(en, "<li class=\"scope claim\" data-claim="), COUNT(CLAIMS));
    assert_int_equal(count_of(ko, "<li class=\"scope claim\" data-claim="), COUNT(CLAIMS));
    assert_int_equal(count_of(en, "<li class=\"scope\">"), COUNT(SCOPES));
    assert_int_equal(count_of(ko, "<li class=\"scope\">"), COUNT(SCOPES));
    assert_true(contains(en, "<li class=\"scope\">" XSS_ESCAPED "</li>"));
    assert_true(contains(ko, "data-claim=\"" XSS_ESCAPED "\">" XSS_ESCAPED "</li>"));
}

static void test_consent_korean_buttons(void **state)
{
    const char *ko = consent(UI_LANG_KO, "데모", "민수");
    assert_page(ko, "ko");
    assert_true(contains(ko, "value=\"allow\">동의하고 계속</button>"));
    assert_true(contains(ko, "value=\"deny\">거부</button>"));
    assert_true(contains(ko, "데모에서 Gatehouse 계정에"));
    assert_true(contains(ko, ">민수<"));
}

static void test_consent_escapes_everything(void **state)
{
    const char *page = consent(UI_LANG_EN, XSS, XSS);
    assert_page(page, "en");
    assert_int_equal(count_of(page, XSS), 0);
    assert_int_equal(count_of(page, XSS_ESCAPED),
                     6); /* client, user, claim (name and words), scope, hidden state */
}

static void test_scope_and_claim_text(void **state)
{
    assert_string_equal(ui_claim_text(UI_LANG_EN, "email"), "Your email address");
    assert_string_equal(ui_claim_text(UI_LANG_KO, "email"), "이메일 주소");
    assert_null(ui_claim_text(UI_LANG_EN, "admin"));
    assert_null(ui_claim_text(UI_LANG_KO, "Email"));
    assert_null(ui_claim_text(UI_LANG_EN, NULL));
    assert_string_equal(ui_scope_text(UI_LANG_KO, "offline_access"),
                        "사용하지 않는 동안에도 연결 유지 (갱신)");
    assert_null(ui_scope_text(UI_LANG_EN, "admin"));
    assert_null(ui_scope_text(UI_LANG_EN, NULL));
}

static const ui_msg_t ALL_MESSAGES[] = {
    UI_MSG_NONE,           UI_MSG_BAD_CREDENTIALS,  UI_MSG_TOO_MANY_ATTEMPTS, UI_MSG_FORM_EXPIRED,
    UI_MSG_UNKNOWN_CLIENT, UI_MSG_BAD_REDIRECT_URI, UI_MSG_BAD_REQUEST,       UI_MSG_SERVER_ERROR,
    UI_MSG_NOT_FOUND,      UI_MSG_SIGNED_OUT,       UI_MSG_USER_CODE_INVALID, UI_MSG_USER_CODE_USED,
    UI_MSG_TOO_MANY_CODES, UI_MSG_DEVICE_APPROVED,  UI_MSG_DEVICE_DENIED,
};

/* The text of the page's <h1>. */
static const char *heading(const char *page)
{
    const char *start = strstr(page, "<h1 class=\"title\">");
    assert_non_null(start);
    start += strlen("<h1 class=\"title\">");
    const char *end = strstr(start, "</h1>");
    assert_non_null(end);
    assert_true(end > start);
    return arena_strndup(arena, start, (size_t)(end - start));
}

static void test_error_pages_distinct_per_message_and_language(void **state)
{
    const char *seen[2 * COUNT(ALL_MESSAGES)];
    size_t n = 0;
    for (size_t i = 0; i < COUNT(ALL_MESSAGES); i++) {
        const char *en = ui_render_error(arena, UI_LANG_EN, ALL_MESSAGES[i], UI_DETAIL_NONE);
        const char *ko = ui_render_error(arena, UI_LANG_KO, ALL_MESSAGES[i], UI_DETAIL_NONE);
        assert_page(en, "en");
        assert_page(ko, "ko");
        assert_int_equal(count_of(en, "role=\"alert\""), 1);
        assert_int_equal(count_of(en, "<a "), 0);
        assert_int_equal(count_of(en, "<form"), 0);
        assert_int_equal(count_of(ko, "<a "), 0);
        seen[n++] = heading(en);
        seen[n++] = heading(ko);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (!(i / 2 == 0 && j / 2 == 7)) /* NONE and SERVER_ERROR may share a title */
                assert_string_not_equal(seen[i], seen[j]);
}

static void test_error_page_texts(void **state)
{
    const char *en = ui_render_error(arena, UI_LANG_EN, UI_MSG_UNKNOWN_CLIENT, UI_DETAIL_NONE);
    const char *ko = ui_render_error(arena, UI_LANG_KO, UI_MSG_BAD_REDIRECT_URI, UI_DETAIL_NONE);
    const char *nf = ui_render_error(arena, UI_LANG_KO, UI_MSG_NOT_FOUND, UI_DETAIL_NONE);
    assert_string_equal(heading(en), "Unknown application");
    assert_true(contains(en, "<title>Unknown application · Gatehouse</title>"));
    assert_string_equal(heading(ko), "잘못된 리디렉션 주소");
    assert_string_equal(heading(nf), "페이지를 찾을 수 없습니다");
    assert_false(contains(en, "class=\"detail\""));
}

/* Whether s holds a Hangul syllable (U+AC00..U+D7A3: EA B0 80 .. ED 9E A3). */
static bool has_hangul(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p[0] && p[1] && p[2]; p++)
        if ((p[0] == 0xEA && p[1] >= 0xB0) || (p[0] > 0xEA && p[0] < 0xED) ||
            (p[0] == 0xED && p[1] < 0x9F))
            return true;
    return false;
}

/* An error's detail is a text id: each has words in both languages, and the
 * Korean page says it in Korean (issue 25 item 4). */
static void test_error_details_in_both_languages(void **state)
{
    for (int d = UI_DETAIL_NONE + 1; d < UI_DETAIL_COUNT; d++) {
        const char *en = ui_render_error(arena, UI_LANG_EN, UI_MSG_BAD_REQUEST, (ui_detail_t)d);
        const char *ko = ui_render_error(arena, UI_LANG_KO, UI_MSG_BAD_REQUEST, (ui_detail_t)d);
        assert_page(en, "en");
        assert_page(ko, "ko");
        assert_int_equal(count_of(en, "class=\"detail\""), 1);
        assert_true(contains(ko, ">자세한 내용</span> "));
        const char *detail = strstr(ko, ">자세한 내용</span> ");
        const char *end = strstr(detail, "</p>");
        char text[512];
        size_t n = (size_t)(end - detail);
        assert_true(n < sizeof text);
        memcpy(text, detail + strlen(">자세한 내용</span> "), n - strlen(">자세한 내용</span> "));
        text[n - strlen(">자세한 내용</span> ")] = '\0';
        assert_true(has_hangul(text));
        assert_false(contains(en, "자세한"));
    }
    const char *none = ui_render_error(arena, UI_LANG_KO, UI_MSG_BAD_REQUEST, UI_DETAIL_NONE);
    assert_false(contains(none, "class=\"detail\""));
}

static void test_info_page(void **state)
{
    const char *en = ui_render_info(arena, UI_LANG_EN, UI_MSG_SIGNED_OUT);
    const char *ko = ui_render_info(arena, UI_LANG_KO, UI_MSG_SIGNED_OUT);
    assert_page(en, "en");
    assert_page(ko, "ko");
    assert_string_equal(heading(en), "You are signed out");
    assert_string_equal(heading(ko), "로그아웃되었습니다");
    assert_true(contains(en, "role=\"status\""));
    assert_false(contains(en, "role=\"alert\""));
    assert_int_equal(count_of(ko, "<a "), 0);
}

static const char *logout_page(ui_lang_t lang, const char *client)
{
    const ui_logout_t p = {lang, "/auth/logout", HIDDEN, COUNT(HIDDEN), client};
    return ui_render_logout(arena, &p);
}

static void test_logout_form(void **state)
{
    const char *page = logout_page(UI_LANG_EN, "Demo App");
    assert_page(page, "en");
    assert_int_equal(count_of(page, "<form"), 1);
    const char *form = the_form(page);
    assert_true(contains(form, "method=\"post\" action=\"/auth/logout\""));
    assert_int_equal(count_of(form, "type=\"submit\""), 1);
    assert_int_equal(count_of(form, "<button class=\"button button-primary\" type=\"submit\" "
                                    "name=\"confirm\" value=\"yes\">Sign out</button>"),
                     1);
    assert_hidden_fields(form);
    assert_true(contains(page, "Demo App asks to sign you out"));
    assert_true(contains(page, "you stay signed in"));
}

static void test_logout_korean_and_escaped(void **state)
{
    const char *ko = logout_page(UI_LANG_KO, NULL);
    assert_page(ko, "ko");
    assert_true(contains(ko, ">로그아웃</button>"));
    assert_true(contains(ko, "Gatehouse 계정에서 로그아웃하시겠습니까?"));
    const char *evil = logout_page(UI_LANG_EN, XSS);
    assert_false(contains(evil, "<script"));
    assert_true(contains(evil, XSS_ESCAPED));
}

static const char *device(ui_lang_t lang, const char *user_code, ui_msg_t msg)
{
    const ui_device_t p = {
        .lang = lang,
        .action = "/auth/device",
        .hidden = HIDDEN,
        .hidden_count = COUNT(HIDDEN),
        .user_code = user_code,
        .message = msg,
    };
    return ui_render_device(arena, &p);
}

static void test_device_form(void **state)
{
    const char *page = device(UI_LANG_EN, "WDJB-MJHT", UI_MSG_NONE);
    assert_page(page, "en");
    assert_int_equal(count_of(page, "<form"), 1);
    const char *form = the_form(page);
    assert_true(contains(form, "method=\"post\" action=\"/auth/device\""));
    assert_int_equal(count_of(form, "name=\"user_code\""), 1);
    assert_true(contains(form, "value=\"WDJB-MJHT\""));
    assert_true(contains(form, "<label for=\"user_code\">Code</label>"));
    assert_int_equal(count_of(form, "type=\"submit\""), 1);
    assert_hidden_fields(form);
    assert_int_equal(count_of(page, "role=\"alert\""), 0);
    assert_true(contains(page, "<title>Connect a device · Gatehouse</title>"));
}

static void test_device_korean_message_and_escaping(void **state)
{
    const char *page = device(UI_LANG_KO, XSS, UI_MSG_USER_CODE_INVALID);
    assert_page(page, "ko");
    assert_true(contains(page, "기기 연결"));
    assert_int_equal(count_of(page, "role=\"alert\""), 1);
    assert_true(contains(page, "코드가 올바르지 않거나 만료되었습니다"));
    assert_true(contains(page, "value=\"" XSS_ESCAPED "\""));
    assert_false(contains(page, XSS));
    page = device(UI_LANG_EN, NULL, UI_MSG_TOO_MANY_CODES);
    assert_true(contains(page, "value=\"\""));
    assert_true(contains(page, "Too many wrong codes were entered"));
}

/* issue 22: a member attribute a custom scope releases is named with the
 * words of that scope, in the page's language; standard claims keep theirs. */
static void test_consent_names_attribute_claims(void **state)
{
    (void)state;
    config_t cfg;
    char why[128];
    config_init(&cfg);
    assert_int_equal(config_set(&cfg, "scope.work", "label_en", "Your work details", why, 128), 0);
    assert_int_equal(config_set(&cfg, "scope.work", "label_ko", "업무 정보", why, 128), 0);
    static const char *const claims[] = {"sub", "groups", "department"};
    static const char *const by[] = {NULL, NULL, "work"};
    for (int ko = 0; ko < 2; ko++) {
        const ui_consent_t p = {.lang = ko ? UI_LANG_KO : UI_LANG_EN,
                                .action = "/auth/authorize",
                                .client_name = "Demo",
                                .username = "alice",
                                .claims = claims,
                                .claim_count = 3,
                                .config = &cfg,
                                .claim_scopes = by};
        const char *page = ui_render_consent(arena, &p);
        assert_non_null(page);
        assert_true(contains(page, ko ? "업무 정보: department" : "Your work details: department"));
        assert_true(contains(page, ko ? "소속 그룹" : "The groups you belong to"));
    }
    config_free(&cfg);
}

static void test_out_of_memory_is_all_or_nothing(void **state)
{
    const ui_consent_t p = {UI_LANG_KO, "/auth/authorize", HIDDEN, COUNT(HIDDEN), "Demo", "alice",
                            CLAIMS,     COUNT(CLAIMS),     SCOPES, COUNT(SCOPES), NULL,   NULL,
                            NULL};
    const char *full = ui_render_consent(arena, &p);
    assert_non_null(full);
    size_t nulls = 0;
    for (size_t cap = 0; cap < 64 * 1024; cap += 211) {
        arena_t *small = arena_new(cap);
        assert_non_null(small);
        const char *page = ui_render_consent(small, &p);
        if (page)
            assert_string_equal(page, full);
        else
            nulls++;
        arena_free(small);
    }
    assert_true(nulls > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_form),
        cmocka_unit_test(test_login_korean),
        cmocka_unit_test(test_login_escapes_everything),
        cmocka_unit_test(test_login_without_client_or_user),
        cmocka_unit_test(test_login_prefilled_user_focuses_password),
        cmocka_unit_test(test_login_error_message),
        cmocka_unit_test(test_login_limits_and_too_long),
        cmocka_unit_test(test_home_page),
        cmocka_unit_test(test_login_error_tied_to_inputs),
        cmocka_unit_test(test_lock_says_time_left),
        cmocka_unit_test(test_consent_form),
        cmocka_unit_test(test_consent_claims_and_scopes_in_words),
        cmocka_unit_test(test_consent_korean_buttons),
        cmocka_unit_test(test_consent_escapes_everything),
        cmocka_unit_test(test_scope_and_claim_text),
        cmocka_unit_test(test_error_pages_distinct_per_message_and_language),
        cmocka_unit_test(test_error_page_texts),
        cmocka_unit_test(test_error_details_in_both_languages),
        cmocka_unit_test(test_info_page),
        cmocka_unit_test(test_out_of_memory_is_all_or_nothing),
        cmocka_unit_test(test_consent_names_attribute_claims),
        cmocka_unit_test(test_logout_form),
        cmocka_unit_test(test_logout_korean_and_escaped),
        cmocka_unit_test(test_device_form),
        cmocka_unit_test(test_device_korean_message_and_escaping),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
