/* Inside the ui module: the template engine and the tables of texts.
 *
 * Templates are the embedded HTML files of web/templates. A tag {{name}} is
 * replaced by the variable's value HTML-escaped; {{{name}}} by the value as it
 * is, but only when the variable is marked as trusted HTML (a fragment this
 * module built with escaping); an untrusted value in a triple tag is escaped
 * anyway. Unknown names render as nothing (and are logged at debug level).
 * Texts are C string tables indexed by text id (or ui_msg_t) and language;
 * a text may itself hold {{name}} tags (e.g. the application's name). */
#ifndef GH_UI_UI_INT_H
#define GH_UI_UI_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/status.h"
#include "ui/ui.h"

/* Longest variable name a tag may hold. */
#define TPL_NAME_MAX 32

typedef struct {
    const char *name;
    const char *value; /* NULL renders as nothing */
    bool html;         /* value is trusted HTML built with escaping */
} tpl_var_t;

/* Appends the template text src[0..len) to b with its tags replaced. Text
 * that only looks like a tag (unclosed, or a name with other characters than
 * [a-z0-9_], or longer than TPL_NAME_MAX) is copied as it is. */
void tpl_expand(buf_t *b, const char *src, size_t len, const tpl_var_t *vars, size_t count);

/* Expands the embedded template at path ("templates/login.html") into b.
 * GH_ERR_NOT_FOUND when no such template is embedded. */
gh_status_t tpl_render(buf_t *b, const char *path, const tpl_var_t *vars, size_t count);

/* ---- pages.c's pieces, for the pages built in other files ---- */

/* A message's sentence (retry_after fills a lock's {{wait}}). */
const char *page_sentence(arena_t *a, ui_lang_t lang, ui_msg_t msg, long retry_after);
/* The page template at path with vars inside the layout, in a wide card;
 * NULL when a trusted fragment among vars is NULL or the arena is full. */
const char *page_render_wide(arena_t *a, ui_lang_t lang, const char *title, const char *path,
                             const tpl_var_t *vars, size_t count);

/* Fixed texts of the pages, each in English and Korean. */
typedef enum {
    TXT_PRODUCT_FOOTER,
    TXT_LOGIN_TITLE,
    TXT_LOGIN_HEADING,
    TXT_LOGIN_HEADING_CLIENT, /* holds {{client}} */
    TXT_LOGIN_LEAD,
    TXT_USERNAME,
    TXT_PASSWORD,
    TXT_SIGN_IN,
    TXT_CONSENT_TITLE,
    TXT_CONSENT_HEADING, /* holds {{client}} */
    TXT_CONSENT_ACCOUNT,
    TXT_CONSENT_INTRO,
    TXT_CONSENT_NOTE,
    TXT_CONSENT_UNVERIFIED, /* holds {{client}}: the host of a metadata document */
    TXT_ALLOW,
    TXT_DENY,
    TXT_UNKNOWN_APP,
    TXT_DETAIL,
    TXT_ERROR_HINT,
    TXT_INFO_HINT,
    TXT_LOGOUT_TITLE,
    TXT_LOGOUT_HEADING,
    TXT_LOGOUT_LEAD,
    TXT_LOGOUT_LEAD_CLIENT, /* holds {{client}} */
    TXT_SIGN_OUT,
    TXT_LOGOUT_HINT,
    TXT_DEVICE_TITLE,
    TXT_DEVICE_LEAD,
    TXT_USER_CODE,
    TXT_CONTINUE,
    TXT_HOME_HEADING, /* the authorization server's own address, opened in a browser */
    TXT_HOME_LEAD,
    TXT_HOME_DISCOVERY,
    TXT_WAIT_MOMENT,   /* how long to wait when the time is not known */
    TXT_WAIT_SECOND,   /* exactly one second */
    TXT_WAIT_SECONDS,  /* holds {{n}} */
    TXT_WAIT_MINUTES,  /* holds {{n}} */
    TXT_NEEDS_SCRIPT,  /* an app page without JavaScript */
    TXT_ACCOUNT_TITLE, /* the account page (issue 21) */
    TXT_PROFILE,
    TXT_NICKNAME,
    TXT_NAME,
    TXT_PROFILE_SAVE,
    TXT_EMAIL,
    TXT_EMAIL_CURRENT, /* holds {{email}} */
    TXT_EMAIL_NONE,
    TXT_EMAIL_NEW,
    TXT_EMAIL_NOTE,
    TXT_EMAIL_CHANGE,
    TXT_PASSWORD_SECTION,
    TXT_PASSWORD_HINT,
    TXT_PASSWORD_CURRENT,
    TXT_PASSWORD_NEW,
    TXT_PASSWORD_AGAIN,
    TXT_PASSWORD_CHANGE,
    TXT_APPS,
    TXT_APPS_NONE,
    TXT_APP_LAST_USED,
    TXT_APP_NOT_USED,
    TXT_APP_REVOKE,
    TXT_SESSIONS,
    TXT_SESSION_THIS,
    TXT_SESSION_UNKNOWN_BROWSER,
    TXT_SESSION_STARTED,
    TXT_SESSION_LAST_SEEN,
    TXT_SESSION_ADDRESS,
    TXT_SESSIONS_END_OTHERS,
    TXT_TIME_UNKNOWN,
    TXT_LOGOUT_FRAME, /* the title of a front-channel logout iframe */
    /* self-service forms (self_service.c) */
    TXT_FORGOT_PASSWORD,
    TXT_REGISTER_LINK,
    TXT_RESET_TITLE,
    TXT_RESET_LEAD,
    TXT_LOGIN_OR_EMAIL,
    TXT_SEND_LINK,
    TXT_NEW_PASSWORD_TITLE,
    TXT_NEW_PASSWORD_LEAD, /* holds {{n}} */
    TXT_NEW_PASSWORD,
    TXT_SAVE_PASSWORD,
    TXT_VERIFY_TITLE,
    TXT_VERIFY_LEAD, /* holds {{email}} */
    TXT_CONFIRM,
    TXT_REGISTER_TITLE,
    TXT_REGISTER_LEAD, /* holds {{n}} */
    TXT_CREATE_ACCOUNT,
    TXT_MFA_TITLE, /* the second-factor page */
    TXT_MFA_LEAD,
    TXT_MFA_CODE,
    TXT_MFA_VERIFY,
    TXT_MFA_RECOVERY_SUMMARY,
    TXT_MFA_RECOVERY_HELP,
    TXT_MFA_OTHER_WAYS,
    TXT_MFA_SETUP_TITLE, /* /account/mfa */
    TXT_MFA_SETUP_LEAD,
    TXT_MFA_QR_TITLE,
    TXT_MFA_KEY,
    TXT_MFA_ON_TITLE,
    TXT_MFA_ON_LEAD,
    TXT_MFA_LEFT, /* holds {{n}} */
    TXT_MFA_NEW_CODES,
    TXT_MFA_NEW_CODES_NOTE,
    TXT_MFA_CODES_TITLE,
    TXT_MFA_CODES_LEAD,
    TXT_MFA_DONE,
    TXT_MFA_USED_TITLE, /* after a recovery code */
    TXT_MFA_USED_LEFT,  /* holds {{n}} */
    TXT_MFA_MANAGE,
    TXT_PASSKEY_SIGN_IN,
    TXT_PASSKEY_OR, /* between the password form and the passkey button */
    TXT_PASSKEYS_TITLE,
    TXT_PASSKEYS_LEAD,
    TXT_PASSKEYS_ACCOUNT,
    TXT_PASSKEYS_NONE,
    TXT_PASSKEY_NAME,
    TXT_PASSKEY_NAME_HINT,
    TXT_PASSKEY_ADD,
    TXT_PASSKEY_REMOVE,
    TXT_PASSKEY_REMOVE_LABEL, /* holds {{name}} */
    TXT_PASSKEY_ADDED,        /* holds {{date}} */
    TXT_PASSKEY_LAST_USED,    /* holds {{date}} */
    TXT_PASSKEY_NEVER_USED,
    TXT_PASSKEY_FAILED,
    TXT_PASSKEY_UNSUPPORTED,
    TXT_PASSKEY_WORKING,
    TXT_FED_CONTINUE, /* holds {{client}}: the platform's label */
    TXT_FED_OR,
    TXT_PROFILE_TITLE,
    TXT_PROFILE_LEAD, /* holds {{client}}: the platform's label */
    TXT_PROFILE_CREATE,
    TXT_PROFILE_LINK_HEADING,
    TXT_PROFILE_LINK_LEAD, /* holds {{client}}: the platform's label */
    TXT_PROFILE_LINK,
    TXT_PROFILE_LINK_SESSION, /* holds {{client}}: the platform's label */
    TXT_CANCEL,
    TXT_BACK_TO_SIGN_IN,
    TXT_BACK_TO_ACCOUNT,
    TXT_GIVE_UP,
    TXT_MFA_PASSKEY,      /* the second-factor page's passkey button */
    TXT_MFA_PASSKEY_ONLY, /* its lead when passkeys are the member's only factor */
    TXT_FACTORS,          /* the account page's second factors */
    TXT_FACTORS_TOTP_ON,
    TXT_FACTORS_TOTP_OFF,
    TXT_FACTORS_RECOVERY, /* holds {{n}} */
    TXT_FACTORS_PASSKEYS, /* holds {{n}} */
    TXT_FACTORS_MANAGE_TOTP,
    TXT_FACTORS_MANAGE_PASSKEYS,
    TXT_PLATFORMS, /* the account page's linked platforms */
    TXT_PLATFORMS_NONE,
    TXT_PLATFORM_LINKED, /* before the date */
    TXT_PLATFORM_UNLINK,
    TXT_FORM_POST_TITLE, /* response_mode=form_post: the page that carries the answer back */
    TXT_FORM_POST_LEAD,
    TXT_PLATFORM_LINK,
    TXT_PLATFORMS_LINK_MORE,
    TXT_MFA_OFF_HEADING,
    TXT_MFA_OFF_NOTE,
    TXT_MFA_OFF_CODE,
    TXT_MFA_OFF,
    TXT_COUNT
} ui_text_t;

/* The page template at path expanded with vars, inside the layout, titled
 * title; NULL when out of memory or a trusted fragment among vars is NULL. */
const char *ui_render_page(arena_t *a, ui_lang_t lang, const char *title, const char *path,
                           const tpl_var_t *vars, size_t count);

/* tpl expanded once with vars, in the arena; NULL when out of memory. */
const char *ui_expand(arena_t *a, const char *tpl, const tpl_var_t *vars, size_t count);

/* The hidden inputs of a form as a trusted fragment (those with a NULL value
 * left out). */
const char *ui_hidden_html(arena_t *a, const ui_hidden_t *hidden, size_t count);

/* The alert above a form (id "form-error"), retry_after filling a lock's
 * {{wait}}; "" for UI_MSG_NONE. */
const char *ui_alert_html(arena_t *a, ui_lang_t lang, ui_msg_t msg, long retry_after);

/* How long to wait, in words ("30 seconds"; "a moment" when seconds <= 0). */
const char *ui_wait_text(arena_t *a, ui_lang_t lang, long seconds);

/* The sign-in page's links to /auth/reset (reset) and /auth/register (reg)
 * as a trusted fragment; "" when neither. reg_query, when not NULL, is the
 * pending authorization request the registration link carries. */
const char *ui_login_links(arena_t *a, ui_lang_t lang, bool reset, bool reg, const char *reg_query);

/* The text id in lang; never NULL. */
const char *ui_text(ui_lang_t lang, ui_text_t id);

/* The title of a message in lang (UI_MSG_NONE: a generic error); never NULL. */
const char *ui_msg_title(ui_lang_t lang, ui_msg_t msg);

/* The sentence that explains a message in lang; never NULL. */
const char *ui_msg_sentence(ui_lang_t lang, ui_msg_t msg);

/* The words of an error's detail in lang; NULL for UI_DETAIL_NONE. */
const char *ui_detail_text(ui_lang_t lang, ui_detail_t detail);

#endif
