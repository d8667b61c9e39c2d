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
    TXT_WAIT_MOMENT,  /* how long to wait when the time is not known */
    TXT_WAIT_SECOND,  /* exactly one second */
    TXT_WAIT_SECONDS, /* holds {{n}} */
    TXT_WAIT_MINUTES, /* holds {{n}} */
    TXT_NEEDS_SCRIPT, /* an app page without JavaScript */
    TXT_FED_CONTINUE, /* holds {{client}}: the platform's label */
    TXT_FED_OR,
    TXT_PROFILE_TITLE,
    TXT_PROFILE_LEAD, /* holds {{client}}: the platform's label */
    TXT_NICKNAME,
    TXT_EMAIL,
    TXT_PROFILE_CREATE,
    TXT_PROFILE_LINK_HEADING,
    TXT_PROFILE_LINK_LEAD, /* holds {{client}}: the platform's label */
    TXT_PROFILE_LINK,
    TXT_PROFILE_LINK_SESSION, /* holds {{client}}: the platform's label */
    TXT_CANCEL,
    TXT_BACK_TO_SIGN_IN,
    TXT_GIVE_UP,
    TXT_COUNT
} ui_text_t;

/* The text id in lang; never NULL. */
const char *ui_text(ui_lang_t lang, ui_text_t id);

/* The title of a message in lang (UI_MSG_NONE: a generic error); never NULL. */
const char *ui_msg_title(ui_lang_t lang, ui_msg_t msg);

/* The sentence that explains a message in lang; never NULL. */
const char *ui_msg_sentence(ui_lang_t lang, ui_msg_t msg);

/* The words of an error's detail in lang; NULL for UI_DETAIL_NONE. */
const char *ui_detail_text(ui_lang_t lang, ui_detail_t detail);

#endif
