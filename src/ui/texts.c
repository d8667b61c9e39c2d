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
    [TXT_CONSENT_UNVERIFIED] =
        {"Unverified application: Gatehouse has not checked it. Its name and "
         "addresses come from {{client}}; allow it only if you trust "
         "{{client}}.",
         "확인되지 않은 애플리케이션: Gatehouse가 검증하지 않았습니다. 이름과 "
         "주소는 {{client}}에서 제공한 것이니, {{client}}를 신뢰하는 경우에만 "
         "허용하세요."},
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
    [TXT_FORM_POST_TITLE] = {"Returning to the application", "애플리케이션으로 돌아가는 중"},
    [TXT_FORM_POST_LEAD] = {"Press Continue to return to the application.",
                            "애플리케이션으로 돌아가려면 계속을 누르세요."},
    [TXT_ACCOUNT_TITLE] = {"Your account", "내 계정"},
    [TXT_PROFILE] = {"Profile", "프로필"},
    [TXT_NICKNAME] = {"Nickname", "닉네임"},
    [TXT_NAME] = {"Name", "이름"},
    [TXT_PROFILE_SAVE] = {"Save profile", "프로필 저장"},
    [TXT_EMAIL] = {"Email address", "이메일 주소"},
    [TXT_EMAIL_CURRENT] = {"Your address is {{email}}.", "현재 주소는 {{email}}입니다."},
    [TXT_EMAIL_NONE] = {"You have not given an email address yet.",
                        "아직 등록한 이메일 주소가 없습니다."},
    [TXT_EMAIL_NEW] = {"New email address", "새 이메일 주소"},
    [TXT_EMAIL_NOTE] = {"We send a message to the new address; it replaces the old one once you "
                        "confirm it there.",
                        "새 주소로 메일을 보내 드립니다. 메일에서 확인하면 기존 주소가 새 주소로 "
                        "바뀝니다."},
    [TXT_EMAIL_CHANGE] = {"Change email address", "이메일 주소 변경"},
    [TXT_PASSWORD_SECTION] = {"Password", "비밀번호"},
    [TXT_PASSWORD_HINT] =
        {"Long enough, and not a common password. A new password signs you out everywhere else "
         "and disconnects every application until you sign in there again.",
         "충분히 길고 흔하지 않은 비밀번호여야 합니다. 비밀번호를 바꾸면 다른 모든 곳에서 "
         "로그아웃되고, 애플리케이션은 다시 로그인할 때까지 연결이 끊깁니다."},
    [TXT_PASSWORD_CURRENT] = {"Current password", "현재 비밀번호"},
    [TXT_PASSWORD_NEW] = {"New password", "새 비밀번호"},
    [TXT_PASSWORD_AGAIN] = {"New password again", "새 비밀번호 확인"},
    [TXT_PASSWORD_CHANGE] = {"Change password", "비밀번호 변경"},
    [TXT_APPS] = {"Connected applications", "연결된 애플리케이션"},
    [TXT_APPS_NONE] = {"No application can use your account.",
                       "계정을 사용할 수 있는 애플리케이션이 없습니다."},
    [TXT_APP_LAST_USED] = {"Last used", "마지막 사용"},
    [TXT_APP_NOT_USED] = {"Not used lately", "최근 사용 기록 없음"},
    [TXT_APP_REVOKE] = {"Remove access", "접근 해제"},
    [TXT_SESSIONS] = {"Where you are signed in", "로그인한 곳"},
    [TXT_SESSION_THIS] = {"This browser", "지금 사용 중"},
    [TXT_SESSION_UNKNOWN_BROWSER] = {"Unknown browser", "알 수 없는 브라우저"},
    [TXT_SESSION_STARTED] = {"Signed in", "로그인"},
    [TXT_SESSION_LAST_SEEN] = {"Last active", "마지막 활동"},
    [TXT_SESSION_ADDRESS] = {"Address", "IP 주소"},
    [TXT_SESSIONS_END_OTHERS] = {"Sign out everywhere else", "다른 모든 곳에서 로그아웃"},
    [TXT_TIME_UNKNOWN] = {"unknown", "알 수 없음"},
    [TXT_LOGOUT_FRAME] = {"Signing you out of an application", "애플리케이션에서 로그아웃하는 중"},
    [TXT_FORGOT_PASSWORD] = {"Forgot your password?", "비밀번호를 잊으셨나요?"},
    [TXT_REGISTER_LINK] = {"Create an account", "계정 만들기"},
    [TXT_RESET_TITLE] = {"Reset your password", "비밀번호 재설정"},
    [TXT_RESET_LEAD] = {"Enter your username or e-mail address. We will send a link to choose a "
                        "new password to the account's address.",
                        "아이디 또는 이메일 주소를 입력하세요. 계정의 이메일 주소로 새 비밀번호를 "
                        "정할 수 있는 링크를 보내 드립니다."},
    [TXT_LOGIN_OR_EMAIL] = {"Username or e-mail", "아이디 또는 이메일"},
    [TXT_SEND_LINK] = {"Send the link", "링크 보내기"},
    [TXT_NEW_PASSWORD_TITLE] = {"Choose a new password", "새 비밀번호 정하기"},
    [TXT_NEW_PASSWORD_LEAD] = {"At least {{n}} characters, and not a common password. You will "
                               "be signed out everywhere.",
                               "{{n}}자 이상이며 흔한 비밀번호가 아니어야 합니다. 모든 곳에서 "
                               "로그아웃됩니다."},
    [TXT_NEW_PASSWORD] = {"New password", "새 비밀번호"},
    [TXT_SAVE_PASSWORD] = {"Save the password", "비밀번호 저장"},
    [TXT_VERIFY_TITLE] = {"Confirm your e-mail address", "이메일 주소 확인"},
    [TXT_VERIFY_LEAD] = {"Confirm that {{email}} is your address.",
                         "{{email}}이(가) 본인의 주소인지 확인해 주세요."},
    [TXT_CONFIRM] = {"Confirm", "확인"},
    [TXT_REGISTER_TITLE] = {"Create an account", "계정 만들기"},
    [TXT_REGISTER_LEAD] = {"Choose a username and a password of at least {{n}} characters. We "
                           "will send a link to confirm your e-mail address.",
                           "아이디와 {{n}}자 이상의 비밀번호를 정하세요. 이메일 주소를 확인할 수 "
                           "있는 링크를 보내 드립니다."},
    [TXT_CREATE_ACCOUNT] = {"Create the account", "계정 만들기"},
    [TXT_MFA_TITLE] = {"Two-step sign-in", "2단계 로그인"},
    [TXT_MFA_LEAD] = {"Enter the 6-digit code from your authenticator app.",
                      "인증 앱에 표시된 6자리 코드를 입력하세요."},
    [TXT_MFA_CODE] = {"Code", "인증 코드"},
    [TXT_MFA_VERIFY] = {"Verify", "확인"},
    [TXT_MFA_RECOVERY_SUMMARY] = {"Use a recovery code", "복구 코드 사용"},
    [TXT_MFA_RECOVERY_HELP] = {"Type one of your 20-digit recovery codes in the box above "
                               "instead. Each recovery code works once.",
                               "위 입력란에 20자리 복구 코드 중 하나를 대신 입력하세요. 복구 "
                               "코드는 각각 한 번만 쓸 수 있습니다."},
    [TXT_MFA_OTHER_WAYS] = {"Other ways to sign in", "다른 방법으로 로그인"},
    [TXT_MFA_SETUP_TITLE] = {"Set up two-step sign-in", "2단계 로그인 설정"},
    [TXT_MFA_SETUP_LEAD] = {"Scan the QR code with an authenticator app, or type the key into "
                            "it. Then enter the 6-digit code the app shows.",
                            "인증 앱으로 QR 코드를 스캔하거나 키를 직접 입력하세요. 그런 다음 "
                            "앱에 표시된 6자리 코드를 입력하세요."},
    [TXT_MFA_QR_TITLE] = {"QR code of the key for your authenticator app",
                          "인증 앱에 등록할 키의 QR 코드"},
    [TXT_MFA_KEY] = {"Key", "키"},
    [TXT_MFA_ON_TITLE] = {"Two-step sign-in is on", "2단계 로그인이 켜져 있습니다"},
    [TXT_MFA_ON_LEAD] = {"Every sign-in asks for a code from your authenticator app.",
                         "로그인할 때마다 인증 앱의 코드를 입력해야 합니다."},
    [TXT_MFA_LEFT] = {"Recovery codes left: {{n}}", "남은 복구 코드: {{n}}개"},
    [TXT_MFA_NEW_CODES] = {"Make new recovery codes", "새 복구 코드 만들기"},
    [TXT_MFA_NEW_CODES_NOTE] = {"A new set replaces the codes you have now.",
                                "새 복구 코드를 만들면 지금 가진 코드는 더 이상 쓸 수 "
                                "없습니다."},
    [TXT_MFA_CODES_TITLE] = {"Your recovery codes", "복구 코드"},
    [TXT_MFA_CODES_LEAD] = {"Keep these codes somewhere safe: each one works once in place of a "
                            "code from your app. They are shown only now.",
                            "이 코드를 안전한 곳에 보관하세요. 각 코드는 인증 앱 코드 대신 한 "
                            "번 쓸 수 있습니다. 지금 한 번만 표시됩니다."},
    [TXT_MFA_DONE] = {"Done", "완료"},
    [TXT_MFA_USED_TITLE] = {"Recovery code used", "복구 코드를 사용했습니다"},
    [TXT_MFA_USED_LEFT] = {"You signed in with a recovery code. Recovery codes left: {{n}}.",
                           "복구 코드로 로그인했습니다. 남은 복구 코드: {{n}}개."},
    [TXT_MFA_MANAGE] = {"Manage two-step sign-in", "2단계 로그인 관리"},
    [TXT_PASSKEY_SIGN_IN] = {"Sign in with a passkey", "패스키로 로그인"},
    [TXT_PASSKEY_OR] = {"or", "또는"},
    [TXT_PASSKEYS_TITLE] = {"Passkeys", "패스키"},
    [TXT_PASSKEYS_LEAD] = {"A passkey signs you in without a password: your fingerprint, face, "
                           "screen lock or security key confirms it is you.",
                           "패스키를 사용하면 비밀번호 없이 지문, 얼굴, 화면 잠금 또는 보안 키로 "
                           "본인임을 확인하고 로그인할 수 있습니다."},
    [TXT_PASSKEYS_ACCOUNT] = {"Account", "계정"},
    [TXT_PASSKEYS_NONE] = {"You have no passkeys yet.", "아직 등록한 패스키가 없습니다."},
    [TXT_PASSKEY_NAME] = {"Name of the new passkey", "새 패스키 이름"},
    [TXT_PASSKEY_NAME_HINT] = {"For example, the device it is on: \"Work laptop\".",
                               "예: 패스키가 있는 기기 이름 \"회사 노트북\"."},
    [TXT_PASSKEY_ADD] = {"Add a passkey", "패스키 추가"},
    [TXT_PASSKEY_REMOVE] = {"Remove", "삭제"},
    [TXT_PASSKEY_REMOVE_LABEL] = {"Remove the passkey {{name}}", "패스키 {{name}} 삭제"},
    [TXT_PASSKEY_ADDED] = {"Added {{date}}", "{{date}}에 추가됨"},
    [TXT_PASSKEY_LAST_USED] = {"last used {{date}}", "마지막 사용 {{date}}"},
    [TXT_PASSKEY_NEVER_USED] = {"not used yet", "아직 사용하지 않음"},
    [TXT_PASSKEY_FAILED] = {"The passkey could not be used. Please try again.",
                            "패스키를 사용할 수 없습니다. 다시 시도해 주세요."},
    [TXT_PASSKEY_UNSUPPORTED] = {"This browser cannot use passkeys.",
                                 "이 브라우저에서는 패스키를 사용할 수 없습니다."},
    [TXT_PASSKEY_WORKING] = {"Follow your browser's instructions…",
                             "브라우저의 안내를 따라 주세요…"},
    [TXT_FED_CONTINUE] = {"Continue with {{client}}", "{{client}} 계정으로 계속하기"},
    [TXT_FED_OR] = {"or", "또는"},
    [TXT_MFA_PASSKEY] = {"Use a passkey", "패스키 사용"},
    [TXT_MFA_PASSKEY_ONLY] = {"Your second step is a passkey. You have no authenticator app set "
                              "up, so there is no code to type: use your passkey to finish "
                              "signing in.",
                              "2단계 인증 수단은 패스키입니다. 인증 앱을 설정하지 않았으므로 "
                              "입력할 코드가 없습니다. 패스키로 로그인을 마무리하세요."},
    [TXT_FACTORS] = {"Second factors and passkeys", "2단계 인증과 패스키"},
    [TXT_FACTORS_TOTP_ON] = {"Authenticator app: on", "인증 앱: 사용 중"},
    [TXT_FACTORS_TOTP_OFF] = {"Authenticator app: off", "인증 앱: 사용 안 함"},
    [TXT_FACTORS_RECOVERY] = {"Recovery codes left: {{n}}", "남은 복구 코드: {{n}}개"},
    [TXT_FACTORS_PASSKEYS] = {"Passkeys: {{n}}", "패스키: {{n}}개"},
    [TXT_FACTORS_MANAGE_TOTP] = {"Two-step sign-in settings", "2단계 로그인 설정"},
    [TXT_FACTORS_MANAGE_PASSKEYS] = {"Manage passkeys", "패스키 관리"},
    [TXT_PLATFORMS] = {"Linked platforms", "연결된 플랫폼"},
    [TXT_PLATFORMS_NONE] = {"No platform is linked to your account.",
                            "계정에 연결된 플랫폼이 없습니다."},
    [TXT_PLATFORM_LINKED] = {"Linked", "연결한 때"},
    [TXT_PLATFORM_UNLINK] = {"Unlink", "연결 해제"},
    [TXT_PLATFORM_LINK] = {"Link {{label}}", "{{label}} 연결"},
    [TXT_PLATFORMS_LINK_MORE] = {"Link another platform", "다른 플랫폼 연결"},
    [TXT_MFA_OFF_HEADING] = {"Turn off the authenticator app", "인증 앱 사용 중지"},
    [TXT_MFA_OFF_NOTE] = {"Enter a code from your authenticator app, or a recovery code. Your "
                          "recovery codes are removed too, your passkeys stay, and your other "
                          "sessions are signed out.",
                          "인증 앱의 코드 또는 복구 코드를 입력하세요. 복구 코드도 함께 "
                          "삭제되며, 패스키는 그대로 남고 다른 세션은 로그아웃됩니다."},
    [TXT_MFA_OFF_CODE] = {"Code or recovery code", "인증 코드 또는 복구 코드"},
    [TXT_MFA_OFF] = {"Turn off", "사용 중지"},
    [TXT_PROFILE_TITLE] = {"Check your profile", "프로필 확인"},
    [TXT_PROFILE_LEAD] =
        {"This is your first sign-in with {{client}}. Check what we will keep "
         "and correct it if you like.",
         "{{client}} 계정으로 처음 로그인했습니다. 저장할 정보를 확인하고 필요하면 "
         "고쳐 주세요."},
    [TXT_PROFILE_CREATE] = {"Create my account", "계정 만들기"},
    [TXT_PROFILE_LINK_HEADING] = {"Already a member?", "이미 회원이신가요?"},
    [TXT_PROFILE_LINK_LEAD] = {"Sign in with your password to add {{client}} to your account.",
                               "비밀번호로 로그인하면 기존 계정에 {{client}} 계정이 연결됩니다."},
    [TXT_PROFILE_LINK] = {"Link to my account", "내 계정에 연결"},
    [TXT_PROFILE_LINK_SESSION] = {"You signed in a moment ago. Add {{client}} to that account?",
                                  "방금 로그인한 계정에 {{client}} 계정을 연결할까요?"},
    [TXT_CANCEL] = {"Cancel", "취소"},
    [TXT_BACK_TO_SIGN_IN] = {"Back to sign-in", "로그인 화면으로 돌아가기"},
    [TXT_BACK_TO_ACCOUNT] = {"Back to your account", "내 계정으로 돌아가기"},
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
    [UI_MSG_PROFILE_SAVED] = {{"Profile saved", "프로필을 저장했습니다"},
                              {"Your profile was saved.", "프로필이 저장되었습니다."}},
    [UI_MSG_PROFILE_INVALID] = {{"Profile not saved", "프로필을 저장하지 못했습니다"},
                                {"A nickname may have up to 64 characters and a name up to 128, "
                                 "without line breaks or control characters.",
                                 "닉네임은 64자, 이름은 128자까지 쓸 수 있으며 줄바꿈이나 제어 "
                                 "문자는 쓸 수 없습니다."}},
    [UI_MSG_PASSWORD_CHANGED] = {{"Password changed", "비밀번호를 바꿨습니다"},
                                 {"Your password was changed. You were signed out everywhere "
                                  "else, and applications will ask you to sign in again.",
                                  "비밀번호가 변경되었습니다. 다른 모든 곳에서 로그아웃되었고, "
                                  "애플리케이션에서는 다시 로그인해야 합니다."}},
    [UI_MSG_PASSWORD_WRONG] = {{"Incorrect password", "비밀번호 오류"},
                               {"The current password is incorrect. Your password was not "
                                "changed.",
                                "현재 비밀번호가 올바르지 않습니다. 비밀번호는 바뀌지 "
                                "않았습니다."}},
    [UI_MSG_PASSWORDS_DIFFER] = {{"Passwords differ", "새 비밀번호가 서로 다릅니다"},
                                 {"The two new passwords are not the same. Please type them "
                                  "again.",
                                  "두 번 입력한 새 비밀번호가 같지 않습니다. 다시 입력해 주세요."}},
    [UI_MSG_PASSWORD_WEAK] = {{"Password not accepted", "사용할 수 없는 비밀번호"},
                              {"The new password must have 8 to 1024 characters.",
                               "새 비밀번호는 8자 이상 1024자 이하여야 합니다."}},
    [UI_MSG_APP_REVOKED] = {{"Access removed", "접근을 해제했습니다"},
                            {"The application can no longer use your account.",
                             "이제 이 애플리케이션은 계정을 사용할 수 없습니다."}},
    [UI_MSG_SESSION_ENDED] = {{"Signed out", "로그아웃했습니다"},
                              {"That browser was signed out.",
                               "해당 브라우저에서 로그아웃했습니다."}},
    [UI_MSG_SESSIONS_ENDED] = {{"Signed out everywhere else", "다른 곳에서 로그아웃했습니다"},
                               {"Every other browser was signed out.",
                                "다른 모든 브라우저에서 로그아웃했습니다."}},
    [UI_MSG_RESET_SENT] = {{"Check your mail", "메일을 확인하세요"},
                           {"If an account matches what you entered, we sent a link to its "
                            "e-mail address. The link works once, for 30 minutes.",
                            "입력하신 정보와 일치하는 계정이 있으면 그 이메일 주소로 링크를 "
                            "보냈습니다. 링크는 30분 동안 한 번만 쓸 수 있습니다."}},
    [UI_MSG_PASSWORD_RESET_DONE] = {{"Password changed", "비밀번호가 바뀌었습니다"},
                                    {"Your password is changed and you are signed out everywhere. "
                                     "Sign in again with the new password.",
                                     "비밀번호가 바뀌었고 모든 곳에서 로그아웃되었습니다. 새 "
                                     "비밀번호로 다시 로그인해 주세요."}},
    [UI_MSG_LINK_INVALID] = {{"This link is not valid", "유효하지 않은 링크입니다"},
                             {"The link is not one we sent, or it was cut short. Copy the whole "
                              "link from the mail, or ask for a new one.",
                              "보내 드린 링크가 아니거나 링크가 잘렸습니다. 메일의 링크 전체를 "
                              "복사하거나 새 링크를 요청해 주세요."}},
    [UI_MSG_LINK_EXPIRED] = {{"This link has expired", "링크가 만료되었습니다"},
                             {"The link is too old to be used. Please ask for a new one.",
                              "링크의 사용 기간이 지났습니다. 새 링크를 요청해 주세요."}},
    [UI_MSG_LINK_USED] = {{"This link was used already", "이미 사용한 링크입니다"},
                          {"Each link works only once. If you still need it, ask for a new one.",
                           "링크는 한 번만 쓸 수 있습니다. 다시 필요하면 새 링크를 요청해 "
                           "주세요."}},
    [UI_MSG_MAIL_UNAVAILABLE] = {{"Not available here", "이 서버에서는 사용할 수 없습니다"},
                                 {"This server does not send mail, so this cannot be done by "
                                  "mail. Please ask the administrator.",
                                  "이 서버는 메일을 보내지 않아 이 기능을 쓸 수 없습니다. "
                                  "관리자에게 문의해 주세요."}},
    [UI_MSG_PASSWORD_TOO_SHORT] = {{"Password too short", "비밀번호가 너무 짧습니다"},
                                   {"The password is too short. Please choose a longer one.",
                                    "비밀번호가 너무 짧습니다. 더 긴 비밀번호를 정해 주세요."}},
    [UI_MSG_PASSWORD_COMMON] = {{"Password too common", "너무 흔한 비밀번호입니다"},
                                {"The password is a common one or based on a dictionary word. "
                                 "Please choose another.",
                                 "흔한 비밀번호이거나 사전 단어를 바탕으로 한 비밀번호입니다. "
                                 "다른 비밀번호를 정해 주세요."}},
    [UI_MSG_PASSWORD_HAS_USERNAME] = {{"Password holds the username",
                                       "비밀번호에 아이디가 들어 있습니다"},
                                      {"The password contains the username. Please choose "
                                       "another.",
                                       "비밀번호에 아이디가 들어 있습니다. 다른 비밀번호를 정해 "
                                       "주세요."}},
    [UI_MSG_PASSWORD_TOO_SIMPLE] = {{"Password too simple", "비밀번호가 너무 단순합니다"},
                                    {"The password is too simple (a repeated, reversed or "
                                     "systematic pattern). Please choose another.",
                                     "비밀번호가 너무 단순합니다(반복, 역순 또는 규칙적인 "
                                     "패턴). 다른 비밀번호를 정해 주세요."}},
    [UI_MSG_EMAIL_INVALID] = {{"Not an e-mail address", "이메일 주소가 아닙니다"},
                              {"Please enter an e-mail address such as name@example.com.",
                               "name@example.com과 같은 이메일 주소를 입력해 주세요."}},
    [UI_MSG_USERNAME_INVALID] = {{"Username not allowed", "쓸 수 없는 아이디입니다"},
                                 {"A username is 1 to 64 letters, digits, dots, dashes, "
                                  "underscores or @.",
                                  "아이디는 영문자, 숫자, 점, 하이픈, 밑줄, @로 된 1~64자입니다."}},
    [UI_MSG_USERNAME_TAKEN] = {{"Username taken", "이미 쓰는 아이디입니다"},
                               {"This username is taken. Please choose another.",
                                "다른 사람이 쓰는 아이디입니다. 다른 아이디를 정해 주세요."}},
    [UI_MSG_REGISTERED] = {{"Account created", "계정이 만들어졌습니다"},
                           {"Your account is ready and you can sign in. We sent a link to "
                            "confirm your e-mail address.",
                            "계정이 준비되어 로그인할 수 있습니다. 이메일 주소를 확인할 수 있는 "
                            "링크를 보냈습니다."}},
    [UI_MSG_REGISTRATION_CLOSED] = {{"Registration is closed", "가입을 받지 않습니다"},
                                    {"This server does not take new accounts, or only with an "
                                     "invitation link.",
                                     "이 서버는 새 계정을 받지 않거나 초대 링크로만 받습니다."}},
    [UI_MSG_EMAIL_VERIFIED] = {{"Address confirmed", "주소가 확인되었습니다"},
                               {"Your e-mail address is confirmed.",
                                "이메일 주소가 확인되었습니다."}},
    [UI_MSG_EMAIL_CHANGE_SENT] = {{"Check your new mailbox", "새 메일함을 확인하세요"},
                                  {"We sent a link to the new address. Your address changes when "
                                   "you open it; until then the old one stays.",
                                   "새 주소로 링크를 보냈습니다. 링크를 열면 주소가 바뀌며, 그 "
                                   "전까지는 이전 주소가 유지됩니다."}},
    [UI_MSG_SIGN_IN_FIRST] = {{"Please sign in first", "먼저 로그인해 주세요"},
                              {"This needs you to be signed in. Sign in and try again.",
                               "로그인이 필요합니다. 로그인한 뒤 다시 시도해 주세요."}},
    [UI_MSG_MFA_BAD_CODE] = {{"Incorrect code", "코드가 올바르지 않습니다"},
                             {"The code is not correct or was used already. Check your "
                              "authenticator app and try again.",
                              "코드가 올바르지 않거나 이미 사용되었습니다. 인증 앱을 확인하고 "
                              "다시 입력해 주세요."}},
    [UI_MSG_MFA_MALFORMED] = {{"Not a code", "코드 형식 오류"},
                              {"Enter the 6 digits from your authenticator app, or a 20-digit "
                               "recovery code.",
                               "인증 앱의 6자리 숫자 또는 20자리 복구 코드를 입력해 주세요."}},
    [UI_MSG_MFA_ENABLED] = {{"Two-step sign-in is on", "2단계 로그인이 켜졌습니다"},
                            {"Your authenticator app is set up.", "인증 앱이 설정되었습니다."}},
    [UI_MSG_PLATFORM_UNLINKED] = {{"Platform unlinked", "플랫폼 연결을 해제했습니다"},
                                  {"You can no longer sign in with that platform.",
                                   "이제 그 플랫폼으로는 로그인할 수 없습니다."}},
    [UI_MSG_PLATFORM_LAST_WAY] = {{"Not unlinked", "연결을 해제하지 않았습니다"},
                                  {"This platform is your only way to sign in. Link another "
                                   "platform first, or ask your administrator for a password.",
                                   "이 플랫폼이 유일한 로그인 수단입니다. 먼저 다른 플랫폼을 "
                                   "연결하거나 관리자에게 비밀번호를 요청하세요."}},
    [UI_MSG_MFA_OFF] = {{"Authenticator app turned off", "인증 앱을 사용하지 않습니다"},
                        {"Sign-ins no longer ask for its codes, your recovery codes were removed, "
                         "and your other sessions were signed out.",
                         "이제 로그인할 때 인증 코드를 묻지 않으며, 복구 코드는 삭제되었고 다른 "
                         "세션은 로그아웃되었습니다."}},
    [UI_MSG_PLATFORM_LINKED] = {{"Platform linked", "플랫폼을 연결했습니다"},
                                {"You can now sign in with that platform too.",
                                 "이제 그 플랫폼으로도 로그인할 수 있습니다."}},
    [UI_MSG_LINK_TAKEN] = {{"Not linked", "연결하지 않았습니다"},
                           {"That account at the platform is already linked to another member. "
                            "Sign in as that member to unlink it first.",
                            "그 플랫폼 계정은 이미 다른 회원에게 연결되어 있습니다. 먼저 그 "
                            "회원으로 로그인해 연결을 해제하세요."}},
    [UI_MSG_LINK_HAS_ONE] = {{"Not linked", "연결하지 않았습니다"},
                             {"Your account is already linked to another account at that "
                              "platform. Unlink it first.",
                              "회원님의 계정은 이미 그 플랫폼의 다른 계정과 연결되어 있습니다. "
                              "먼저 연결을 해제하세요."}},
    [UI_MSG_PASSKEY_REFUSED] = {{"Passkey not accepted", "패스키를 사용할 수 없습니다"},
                                {"That passkey could not sign you in. Try again, or sign in with "
                                 "your password.",
                                 "이 패스키로 로그인할 수 없습니다. 다시 시도하거나 비밀번호로 "
                                 "로그인해 주세요."}},
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
    [UI_MSG_FED_PROFILE_INVALID] =
        {{"Check your details", "입력 내용을 확인해 주세요"},
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
    [UI_DETAIL_REQUEST_URI_INVALID] = {"The pushed request (request_uri) is unknown, was used "
                                       "already or has expired: the application must send it "
                                       "again.",
                                       "전달된 요청(request_uri)을 찾을 수 없거나 이미 쓰였거나 "
                                       "만료되었습니다. 애플리케이션이 다시 보내야 합니다."},
    [UI_DETAIL_REQUEST_OBJECT_INVALID] = {"The signed request (request) of the application "
                                          "could not be verified.",
                                          "애플리케이션의 서명된 요청(request)을 확인할 수 "
                                          "없습니다."},
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
    {"gatehouse:admin",
     {"Administer this Gatehouse server (clients, members, keys, events)",
      "이 Gatehouse 서버 관리 (클라이언트, 회원, 키, 이벤트)"}},
};

/* Every claim oidc_released_claims can name (src/oidc/claims.c). */
static const scope_text_t CLAIMS[] = {
    {"sub", {"Confirm your identity with your Gatehouse account", "Gatehouse 계정으로 본인 확인"}},
    {"nickname", {"Your nickname", "닉네임"}},
    {"email", {"Your email address", "이메일 주소"}},
    {"email_verified", {"Whether your email address is confirmed", "이메일 주소 확인 여부"}},
    {"name", {"Your name", "이름"}},
    {"preferred_username", {"Your username", "사용자 이름"}},
    {"groups", {"The groups you belong to", "소속 그룹"}},
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

const char *ui_claim_label(arena_t *a, const config_t *cfg, ui_lang_t lang, const char *claim,
                           const char *scope)
{
    const char *text = ui_claim_text(lang, claim);
    const char *label = !text && scope ? ui_scope_label(cfg, lang, scope) : NULL;
    if (label) /* a member attribute: named with the words of the scope releasing it */
        text = arena_printf(a, "%s: %s", label, claim);
    return text ? text : claim;
}
