/* Every word the pages show, in English and Korean.
 *
 * Tables indexed by id and language (UI_LANG_EN, UI_LANG_KO): fixed texts,
 * messages (a title and a sentence each), and the descriptions of scopes and
 * of userinfo claims.
 * Texts are trusted template text: {{client}} inside them is replaced (and
 * escaped) by the caller. */
#include "ui/ui_int.h"

#include <stdio.h>
#include <string.h>

#define LANGS 2

static const char *const TEXTS[TXT_COUNT][LANGS] = {
    [TXT_PRODUCT_FOOTER] = {"Secured by Gatehouse", "Gatehouse 보안 로그인"},
    [TXT_LOGIN_TITLE] = {"Sign in", "로그인"},
    [TXT_LOGIN_HEADING] = {"Sign in", "로그인"},
    [TXT_LOGIN_HEADING_CLIENT] = {"Sign in to continue to {{client}}", "{{client}}에 로그인"},
    [TXT_LOGIN_LEAD] = {"Use your Gatehouse account.", "Gatehouse 계정으로 계속하세요."},
    [TXT_USERNAME] = {"Username", "아이디"},
    [TXT_PASSWORD] = {"Password", "비밀번호"},
    [TXT_SIGN_IN] = {"Sign in", "로그인"},
    [TXT_CONSENT_TITLE] = {"Allow access", "접근 허용"},
    [TXT_CONSENT_HEADING] = {"{{client}} wants to access your Gatehouse account",
                             "{{client}}에서 Gatehouse 계정에 접근하려고 합니다"},
    [TXT_CONSENT_ACCOUNT] = {"Signed in as", "로그인 계정"},
    [TXT_CONSENT_INTRO] = {"If you allow it, this application will be able to:",
                           "허용하면 이 애플리케이션이 다음 권한을 갖게 됩니다:"},
    [TXT_CONSENT_NOTE] = {"Only allow applications you trust. Your password is never shared.",
                          "신뢰하는 애플리케이션만 허용하세요. 비밀번호는 공유되지 않습니다."},
    [TXT_ALLOW] = {"Allow and continue", "동의하고 계속"},
    [TXT_DENY] = {"Deny", "거부"},
    [TXT_UNKNOWN_APP] = {"An application", "애플리케이션"},
    [TXT_DETAIL] = {"Details", "자세한 내용"},
    [TXT_ERROR_HINT] = {"You can close this page and return to the application you came from.",
                        "이 페이지를 닫고 이전 애플리케이션으로 돌아가 주세요."},
    [TXT_INFO_HINT] = {"You can close this page now.", "이제 이 페이지를 닫아도 됩니다."},
    [TXT_LOGOUT_TITLE] = {"Sign out", "로그아웃"},
    [TXT_LOGOUT_HEADING] = {"Sign out of Gatehouse?", "Gatehouse에서 로그아웃할까요?"},
    [TXT_LOGOUT_LEAD] = {"Do you want to sign out of your Gatehouse account?",
                         "Gatehouse 계정에서 로그아웃하시겠습니까?"},
    [TXT_LOGOUT_LEAD_CLIENT] = {"{{client}} asks to sign you out of your Gatehouse account.",
                                "{{client}}에서 Gatehouse 계정 로그아웃을 요청했습니다."},
    [TXT_SIGN_OUT] = {"Sign out", "로그아웃"},
    [TXT_LOGOUT_HINT] = {"If you did not ask to sign out, close this page: you stay signed in.",
                         "로그아웃을 요청하지 않았다면 이 페이지를 닫으세요. 로그인 상태가 "
                         "유지됩니다."},
    [TXT_DEVICE_TITLE] = {"Connect a device", "기기 연결"},
    [TXT_DEVICE_LEAD] = {"Enter the code shown on your TV or game console.",
                         "TV나 게임기 화면에 표시된 코드를 입력하세요."},
    [TXT_USER_CODE] = {"Code", "코드"},
    [TXT_CONTINUE] = {"Continue", "계속"},
    [TXT_HOME_HEADING] = {"Gatehouse sign-in server", "Gatehouse 로그인 서버"},
    [TXT_HOME_LEAD] = {"Applications bring you here to sign in with your Gatehouse account. "
                       "There is nothing to do on this page itself.",
                       "애플리케이션이 Gatehouse 계정으로 로그인할 때 이 서버로 안내합니다. "
                       "이 페이지에서 따로 하실 일은 없습니다."},
    [TXT_HOME_DISCOVERY] = {"OpenID Connect discovery document", "OpenID Connect 디스커버리 문서"},
    [TXT_WAIT_MOMENT] = {"a moment", "잠시"},
    [TXT_WAIT_SECOND] = {"1 second", "1초"},
    [TXT_WAIT_SECONDS] = {"{{n}} seconds", "{{n}}초"},
    [TXT_WAIT_MINUTES] = {"{{n}} minutes", "{{n}}분"},
    [TXT_NEEDS_SCRIPT] = {"This page needs JavaScript. Turn it on in your browser and reload the "
                          "page.",
                          "이 페이지를 사용하려면 JavaScript가 필요합니다. 브라우저에서 "
                          "JavaScript를 켜고 페이지를 새로 고쳐 주세요."},
    [TXT_FED_CONTINUE] = {"Continue with {{client}}", "{{client}} 계정으로 계속하기"},
    [TXT_FED_OR] = {"or", "또는"},
    [TXT_PROFILE_TITLE] = {"Check your profile", "프로필 확인"},
    [TXT_PROFILE_LEAD] =
        {"This is your first sign-in with {{client}}. Check what we will keep "
         "and correct it if you like.",
         "{{client}} 계정으로 처음 로그인했습니다. 저장할 정보를 확인하고 필요하면 "
         "고쳐 주세요."},
    [TXT_NICKNAME] = {"Nickname", "닉네임"},
    [TXT_EMAIL] = {"Email", "이메일"},
    [TXT_PROFILE_CREATE] = {"Create my account", "계정 만들기"},
    [TXT_PROFILE_LINK_HEADING] = {"Already a member?", "이미 회원이신가요?"},
    [TXT_PROFILE_LINK_LEAD] = {"Sign in with your password to add {{client}} to your account.",
                               "비밀번호로 로그인하면 기존 계정에 {{client}} 계정이 연결됩니다."},
    [TXT_PROFILE_LINK] = {"Link to my account", "내 계정에 연결"},
    [TXT_PROFILE_LINK_SESSION] = {"You signed in a moment ago. Add {{client}} to that account?",
                                  "방금 로그인한 계정에 {{client}} 계정을 연결할까요?"},
    [TXT_CANCEL] = {"Cancel", "취소"},
    [TXT_BACK_TO_SIGN_IN] = {"Back to sign-in", "로그인 화면으로 돌아가기"},
    [TXT_GIVE_UP] = {"Cancel sign-in", "로그인 취소"},
};

typedef struct {
    const char *title[LANGS];
    const char *sentence[LANGS];
} msg_text_t;

static const msg_text_t MESSAGES[] = {
    [UI_MSG_NONE] = {{"Something went wrong", "문제가 발생했습니다"},
                     {"The request could not be completed.", "요청을 처리하지 못했습니다."}},
    [UI_MSG_BAD_CREDENTIALS] =
        {{"Incorrect username or password", "아이디 또는 비밀번호 오류"},
         {"The username or password is incorrect. Please check them and try again.",
          "아이디 또는 비밀번호가 올바르지 않습니다. 확인 후 다시 입력해 주세요."}},
    [UI_MSG_TOO_MANY_ATTEMPTS] =
        {{"Too many attempts", "시도 횟수 초과"},
         {"There were too many sign-in attempts. Please wait {{wait}} and try again.",
          "로그인 시도가 너무 많습니다. {{wait}} 후에 다시 시도해 주세요."}},
    [UI_MSG_FORM_EXPIRED] = {{"The page has expired", "페이지가 만료되었습니다"},
                             {"This form is no longer valid. Please try again.",
                              "이 양식은 더 이상 유효하지 않습니다. 다시 시도해 주세요."}},
    [UI_MSG_UNKNOWN_CLIENT] =
        {{"Unknown application", "등록되지 않은 애플리케이션"},
         {"The application that sent you here is not registered with Gatehouse.",
          "이 페이지로 연결한 애플리케이션은 Gatehouse에 등록되어 있지 않습니다."}},
    [UI_MSG_BAD_REDIRECT_URI] =
        {{"Invalid return address", "잘못된 리디렉션 주소"},
         {"The address to return to is not registered for this application.",
          "돌아갈 주소가 이 애플리케이션에 등록되어 있지 않습니다."}},
    [UI_MSG_BAD_REQUEST] = {{"Invalid sign-in request", "잘못된 로그인 요청"},
                            {"The sign-in request is malformed or incomplete.",
                             "로그인 요청의 형식이 잘못되었거나 빠진 정보가 있습니다."}},
    [UI_MSG_SERVER_ERROR] = {{"Something went wrong", "일시적인 오류"},
                             {"Something went wrong on our side. Please try again later.",
                              "서버에 문제가 발생했습니다. 잠시 후 다시 시도해 주세요."}},
    [UI_MSG_NOT_FOUND] = {{"Page not found", "페이지를 찾을 수 없습니다"},
                          {"There is no page at this address.", "이 주소에는 페이지가 없습니다."}},
    [UI_MSG_SIGNED_OUT] = {{"You are signed out", "로그아웃되었습니다"},
                           {"You have been signed out of Gatehouse.",
                            "Gatehouse에서 안전하게 로그아웃되었습니다."}},
    [UI_MSG_USER_CODE_INVALID] =
        {{"Code not recognised", "코드를 확인할 수 없습니다"},
         {"That code is not valid or has expired. Check the code shown on your device and "
          "try again.",
          "코드가 올바르지 않거나 만료되었습니다. 기기에 표시된 코드를 확인하고 다시 입력해 "
          "주세요."}},
    [UI_MSG_USER_CODE_USED] =
        {{"Code already used", "이미 사용된 코드"},
         {"This code has already been used. Start again on your device to get a new code.",
          "이 코드는 이미 사용되었습니다. 기기에서 다시 시작하여 새 코드를 받아 주세요."}},
    [UI_MSG_TOO_MANY_CODES] =
        {{"Too many wrong codes", "잘못된 코드 입력 초과"},
         {"Too many wrong codes were entered. Please wait {{wait}} and try again.",
          "잘못된 코드를 너무 많이 입력했습니다. {{wait}} 후에 다시 시도해 주세요."}},
    [UI_MSG_DEVICE_APPROVED] = {{"Device connected", "기기가 연결되었습니다"},
                                {"Your device is now signed in. You can return to it.",
                                 "기기에 로그인되었습니다. 이제 기기로 돌아가세요."}},
    [UI_MSG_DEVICE_DENIED] = {{"Access denied", "접근이 거부되었습니다"},
                              {"You denied access. The device has not been signed in.",
                               "접근을 거부했습니다. 기기에 로그인되지 않았습니다."}},
    [UI_MSG_FIELD_TOO_LONG] = {{"Username or password too long",
                                "아이디 또는 비밀번호가 너무 깁니다"},
                               {"The username or password is too long. Please check it and try "
                                "again.",
                                "아이디 또는 비밀번호가 너무 깁니다. 확인 후 다시 입력해 주세요."}},
    [UI_MSG_FED_DENIED] = {{"Sign-in not allowed", "로그인이 허용되지 않았습니다"},
                           {"The sign-in was not allowed at the platform. You can go back and "
                            "choose another way to sign in.",
                            "플랫폼에서 로그인을 허용하지 않았습니다. 돌아가서 다른 방법으로 "
                            "로그인할 수 있습니다."}},
    [UI_MSG_FED_UNAVAILABLE] = {{"The platform did not answer", "플랫폼이 응답하지 않습니다"},
                                {"The sign-in platform is unavailable or did not answer as "
                                 "expected. Please try again in a moment or sign in another way.",
                                 "로그인 플랫폼을 사용할 수 없거나 올바르게 응답하지 않았습니다. "
                                 "잠시 후 다시 시도하거나 다른 방법으로 로그인해 주세요."}},
    [UI_MSG_FED_EXPIRED] =
        {{"This sign-in has expired", "로그인이 만료되었습니다"},
         {"This sign-in is no longer valid or was started in another browser. "
          "Please start again.",
          "이 로그인은 더 이상 유효하지 않거나 다른 브라우저에서 시작되었습니다. "
          "처음부터 다시 시도해 주세요."}},
    [UI_MSG_PROFILE_INVALID] = {{"Check your details", "입력 내용을 확인해 주세요"},
                                {"Give a nickname, and an email address that looks like "
                                 "name@example.com (or none).",
                                 "닉네임을 입력하고, 이메일은 name@example.com 형식으로 입력하거나 "
                                 "비워 두세요."}},
};

/* The details keep the parameter's wire name, which a developer looks for,
 * inside a sentence a person can read. */
static const char *const DETAILS[UI_DETAIL_COUNT][LANGS] = {
    [UI_DETAIL_CLIENT_ID_MISSING] = {"The request does not name the application (client_id is "
                                     "missing).",
                                     "요청에 애플리케이션 정보(client_id)가 없습니다."},
    [UI_DETAIL_PARAM_REPEATED] = {"A parameter appears more than once in the request.",
                                  "요청에 같은 항목이 두 번 이상 들어 있습니다."},
    [UI_DETAIL_PARAM_TOO_LONG] = {"A parameter of the request is too long.",
                                  "요청의 항목 중 하나가 너무 깁니다."},
    [UI_DETAIL_PARAMS_MALFORMED] = {"The parameters of the request could not be read.",
                                    "요청의 형식을 읽을 수 없습니다."},
    [UI_DETAIL_TOO_LARGE] = {"The request is too large.", "요청이 너무 큽니다."},
    [UI_DETAIL_METHOD_NOT_ALLOWED] = {"This page cannot be opened this way (the method is not "
                                      "allowed here).",
                                      "이 페이지는 이 방식으로 열 수 없습니다."},
    [UI_DETAIL_UNKNOWN_STEP] = {"The form sent an unknown step.",
                                "알 수 없는 단계의 양식이 전송되었습니다."},
    [UI_DETAIL_HINT_NOT_OURS] = {"The id_token_hint is not an ID token of ours: this server did "
                                 "not issue it.",
                                 "로그아웃 요청의 ID 토큰(id_token_hint)은 이 서버가 발급한 "
                                 "토큰이 아닙니다."},
    [UI_DETAIL_HINT_AUDIENCE] = {"The client_id is not the id_token_hint's audience: the ID token "
                                 "was made for another application.",
                                 "요청한 애플리케이션(client_id)이 ID 토큰을 받은 애플리케이션과 "
                                 "다릅니다."},
    [UI_DETAIL_LOGOUT_URI_NEEDS_CLIENT] = {"A return address (post_logout_redirect_uri) needs "
                                           "the application to be named (id_token_hint or "
                                           "client_id).",
                                           "돌아갈 주소를 쓰려면 애플리케이션(id_token_hint 또는 "
                                           "client_id)을 알려야 합니다."},
};

typedef struct {
    const char *scope;
    const char *text[LANGS];
} scope_text_t;

/* Scopes that release no claim; the claims a grant releases are named one by
 * one (CLAIMS below), so that the page says everything that is released. */
static const scope_text_t SCOPES[] = {
    {"offline_access",
     {"Stay connected when you are away (refresh)", "사용하지 않는 동안에도 연결 유지 (갱신)"}},
};

/* Every claim oidc_released_claims can name (src/oidc/claims.c). */
static const scope_text_t CLAIMS[] = {
    {"sub", {"Confirm your identity with your Gatehouse account", "Gatehouse 계정으로 본인 확인"}},
    {"nickname", {"Your nickname", "닉네임"}},
    {"email", {"Your email address", "이메일 주소"}},
    {"name", {"Your name", "이름"}},
};

static size_t lang_index(ui_lang_t lang)
{
    return lang == UI_LANG_KO ? 1 : 0;
}

static const msg_text_t *message(ui_msg_t msg)
{
    size_t i = (size_t)msg;
    return i < sizeof MESSAGES / sizeof MESSAGES[0] ? &MESSAGES[i] : &MESSAGES[UI_MSG_NONE];
}

const char *ui_text(ui_lang_t lang, ui_text_t id)
{
    return (size_t)id < TXT_COUNT ? TEXTS[id][lang_index(lang)] : "";
}

const char *ui_msg_title(ui_lang_t lang, ui_msg_t msg)
{
    return message(msg)->title[lang_index(lang)];
}

const char *ui_msg_sentence(ui_lang_t lang, ui_msg_t msg)
{
    return message(msg)->sentence[lang_index(lang)];
}

const char *ui_detail_text(ui_lang_t lang, ui_detail_t detail)
{
    return (size_t)detail < UI_DETAIL_COUNT ? DETAILS[detail][lang_index(lang)] : NULL;
}

static const char *find_text(const scope_text_t *table, size_t count, ui_lang_t lang,
                             const char *key)
{
    if (!key)
        return NULL;
    for (size_t i = 0; i < count; i++)
        if (!strcmp(table[i].scope, key))
            return table[i].text[lang_index(lang)];
    return NULL;
}

const char *ui_scope_text(ui_lang_t lang, const char *scope)
{
    return find_text(SCOPES, sizeof SCOPES / sizeof SCOPES[0], lang, scope);
}

const char *ui_scope_label(const config_t *cfg, ui_lang_t lang, const char *scope)
{
    char section[sizeof "scope." + 128];
    int n = scope ? snprintf(section, sizeof section, "scope.%s", scope) : -1;
    if (cfg && n > 0 && (size_t)n < sizeof section) {
        const char *ko = lang == UI_LANG_KO ? config_get(cfg, section, "label_ko") : NULL;
        const char *label = ko && *ko ? ko : config_get(cfg, section, "label_en");
        if (label && *label)
            return label;
    }
    return ui_scope_text(lang, scope);
}

const char *ui_claim_text(ui_lang_t lang, const char *claim)
{
    return find_text(CLAIMS, sizeof CLAIMS / sizeof CLAIMS[0], lang, claim);
}
