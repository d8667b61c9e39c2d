/* The sign-in, consent, sign-out, device-code, error and information pages.
 *
 * Each page is its template in web/templates, expanded with the page's
 * variables, inside templates/layout.html. Every value from the caller goes
 * through the template engine's escaping; the only trusted HTML is what this
 * file builds from its own fragment templates below (which escape too) and the
 * fixed texts. Everything is allocated in the caller's arena; a page is NULL
 * as soon as any part of it could not be allocated, never a page with a
 * missing part. */
#include "ui/ui_int.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char HIDDEN_TPL[] = "<input type=\"hidden\" name=\"{{name}}\" value=\"{{value}}\">\n";
static const char SCOPE_TPL[] = "<li class=\"scope\">{{text}}</li>\n";
static const char CLAIM_TPL[] = "<li class=\"scope claim\" data-claim=\"{{name}}\">{{text}}</li>\n";
static const char ALERT_TPL[] = "<p class=\"alert\" id=\"form-error\" role=\"alert\">{{text}}</p>";
/* The consent page's note on a client known only by its metadata document. */
static const char UNVERIFIED_TPL[] =
    "<p class=\"alert unverified\" id=\"client-unverified\">{{{text}}}</p>\n";
/* An input the alert is about (WCAG 3.3.1: the error is tied to its field). */
static const char INVALID_ATTRS[] = " aria-invalid=\"true\" aria-describedby=\"form-error\"";
static const char FRAME_TPL[] = "<iframe class=\"frontchannel-logout\" src=\"{{src}}\" "
                                "title=\"{{title}}\" hidden></iframe>\n";
static const char NEXT_TPL[] =
    "<p class=\"actions\"><a class=\"button button-primary\" href=\"{{href}}\">{{text}}</a></p>\n";
static const char DETAIL_TPL[] =
    "<p class=\"detail\"><span class=\"detail-label\">{{label}}</span> {{detail}}</p>";

static const char FED_OR_TPL[] = "<div class=\"fed\"><p class=\"fed-or\"><span>{{or}}</span></p>\n";
static const char FED_BUTTON_TPL[] =
    "<form class=\"fed-form\" method=\"get\" action=\"/auth/federate/{{name}}\">\n"
    "{{{hidden}}}<button class=\"button fed-button fed-{{kind}}\" type=\"submit\">"
    "<span class=\"fed-mark\" aria-hidden=\"true\"></span>{{{text}}}</button>\n</form>\n";
/* The profile page's way to link: the password of an existing member, or
 * the member this browser signed in as a moment ago. */
static const char LINK_PASSWORD_TPL[] =
    "<form class=\"form\" method=\"post\" action=\"{{action}}\">\n{{{hidden}}}"
    "<div class=\"field\">\n<label for=\"username\">{{username_label}}</label>\n"
    "<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" "
    "autocapitalize=\"none\" spellcheck=\"false\" required{{{username_maxlength}}}"
    "{{{link_invalid}}}>\n</div>\n<div class=\"field\">\n"
    "<label for=\"password\">{{password_label}}</label>\n"
    "<input id=\"password\" name=\"password\" type=\"password\" "
    "autocomplete=\"current-password\" required{{{password_maxlength}}}{{{link_invalid}}}>\n"
    "</div>\n<button class=\"button button-secondary\" type=\"submit\" name=\"action\" "
    "value=\"link\">{{link}}</button>\n</form>\n";
static const char LINK_SESSION_TPL[] =
    "<form class=\"form\" method=\"post\" action=\"{{action}}\">\n{{{hidden}}}"
    "<p class=\"account\"><span class=\"account-label\">{{account_label}}</span> "
    "<span class=\"account-name\">{{signed_in_as}}</span></p>\n"
    "<button class=\"button button-secondary\" type=\"submit\" name=\"action\" "
    "value=\"link\">{{link}}</button>\n</form>\n";
static const char FED_WAYS_TPL[] =
    "<div class=\"actions\">\n"
    "<form method=\"get\" action=\"/auth/authorize\">\n{{{request}}}"
    "<button class=\"button button-primary\" type=\"submit\">{{back}}</button>\n</form>\n"
    "<form method=\"post\" action=\"/auth/authorize\">\n{{{give_up}}}"
    "<button class=\"button button-secondary\" type=\"submit\">{{cancel}}</button>\n</form>\n"
    "</div>\n";
static const char ACCOUNT_WAY_TPL[] =
    "<div class=\"actions\">\n"
    "<a class=\"button button-primary\" href=\"/account\">{{back}}</a>\n</div>\n";

const char *ui_expand(arena_t *a, const char *tpl, const tpl_var_t *vars, size_t count)
{
    buf_t b;
    buf_init(&b, a);
    tpl_expand(&b, tpl, strlen(tpl), vars, count);
    return buf_cstr(&b);
}

/* A fixed text with {{client}} replaced by the escaped client name. */
static const char *text_html(arena_t *a, ui_lang_t lang, ui_text_t id, const char *client)
{
    const tpl_var_t vars[] = {{"client", client, false}};
    return ui_expand(a, ui_text(lang, id), vars, COUNT(vars));
}

const char *ui_hidden_html(arena_t *a, const ui_hidden_t *hidden, size_t count)
{
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < count; i++) {
        if (!hidden[i].value)
            continue; /* absent */
        const tpl_var_t vars[] = {{"name", hidden[i].name, false},
                                  {"value", hidden[i].value, false}};
        tpl_expand(&b, HIDDEN_TPL, sizeof HIDDEN_TPL - 1, vars, COUNT(vars));
    }
    return buf_cstr(&b);
}

/* The claims, then the scopes, each in words, as list items. */
static const char *scopes_html(arena_t *a, const ui_consent_t *p)
{
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < p->claim_count; i++) {
        const char *scope = p->claim_scopes ? p->claim_scopes[i] : NULL;
        const tpl_var_t vars[] = {
            {"name", p->claims[i], false},
            {"text", ui_claim_label(a, p->config, p->lang, p->claims[i], scope), false}};
        tpl_expand(&b, CLAIM_TPL, sizeof CLAIM_TPL - 1, vars, COUNT(vars));
    }
    for (size_t i = 0; i < p->scope_count; i++) {
        const char *text = ui_scope_label(p->config, p->lang, p->scopes[i]);
        const tpl_var_t vars[] = {{"text", text ? text : p->scopes[i], false}};
        tpl_expand(&b, SCOPE_TPL, sizeof SCOPE_TPL - 1, vars, COUNT(vars));
    }
    return buf_cstr(&b);
}

/* How long to wait, in words: "1 second", "30 seconds", from two minutes on
 * "3 minutes" (rounded up), "a moment" when not known. */
const char *ui_wait_text(arena_t *a, ui_lang_t lang, long seconds)
{
    if (seconds <= 0)
        return ui_text(lang, TXT_WAIT_MOMENT);
    if (seconds == 1)
        return ui_text(lang, TXT_WAIT_SECOND);
    bool minutes = seconds >= 120;
    const char *n = arena_printf(a, "%ld", minutes ? (seconds + 59) / 60 : seconds);
    const tpl_var_t vars[] = {{"n", n, false}};
    return n ? ui_expand(a, ui_text(lang, minutes ? TXT_WAIT_MINUTES : TXT_WAIT_SECONDS), vars,
                         COUNT(vars))
             : NULL;
}

/* A message's sentence; retry_after fills the {{wait}} of a lock's message. */
static const char *sentence_text(arena_t *a, ui_lang_t lang, ui_msg_t msg, long retry_after)
{
    const char *wait = ui_wait_text(a, lang, retry_after);
    const tpl_var_t vars[] = {{"wait", wait, false}};
    return wait ? ui_expand(a, ui_msg_sentence(lang, msg), vars, COUNT(vars)) : NULL;
}

const char *ui_alert_html(arena_t *a, ui_lang_t lang, ui_msg_t msg, long retry_after)
{
    if (msg == UI_MSG_NONE)
        return "";
    const char *sentence = sentence_text(a, lang, msg, retry_after);
    const tpl_var_t vars[] = {{"text", sentence, false}};
    return sentence ? ui_expand(a, ALERT_TPL, vars, COUNT(vars)) : NULL;
}

static const char *detail_html(arena_t *a, ui_lang_t lang, ui_detail_t detail)
{
    const char *text = ui_detail_text(lang, detail);
    if (!text)
        return "";
    const tpl_var_t vars[] = {{"label", ui_text(lang, TXT_DETAIL), false}, {"detail", text, false}};
    return ui_expand(a, DETAIL_TPL, vars, COUNT(vars));
}

/* Whether every trusted fragment among vars was built (NULL means out of memory). */
static bool fragments_ok(const tpl_var_t *vars, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (vars[i].html && !vars[i].value)
            return false;
    return true;
}

/* The page template at path expanded with vars, inside the layout, whose
 * card carries card_class ("" or " card-wide"). */
static const char *render_card(arena_t *a, ui_lang_t lang, const char *title, const char *path,
                               const tpl_var_t *vars, size_t count, const char *card_class)
{
    if (!fragments_ok(vars, count))
        return NULL;
    buf_t content;
    buf_init(&content, a);
    if (tpl_render(&content, path, vars, count) != GH_OK || !buf_cstr(&content))
        return NULL;
    const tpl_var_t page[] = {
        {"lang", ui_lang_tag(lang), false},
        {"title", title, false},
        {"footer", ui_text(lang, TXT_PRODUCT_FOOTER), false},
        {"content", buf_cstr(&content), true},
        {"card_class", card_class, false},
    };
    buf_t out;
    buf_init(&out, a);
    if (tpl_render(&out, "templates/layout.html", page, COUNT(page)) != GH_OK)
        return NULL;
    return buf_cstr(&out);
}

const char *ui_render_page(arena_t *a, ui_lang_t lang, const char *title, const char *path,
                           const tpl_var_t *vars, size_t count)
{
    return render_card(a, lang, title, path, vars, count, "");
}

/* " maxlength=\"N\"" for an input, or nothing when n is 0. */
static const char *maxlength_html(arena_t *a, size_t n)
{
    if (n == 0)
        return "";
    buf_t b;
    buf_init(&b, a);
    buf_printf(&b, " maxlength=\"%zu\"", n);
    return buf_cstr(&b);
}

static const char *passkey_signin_html(arena_t *a, const ui_login_t *p);
static const char *passkey_factor_html(arena_t *a, const ui_mfa_t *p);
/* One GET form per platform, carrying the authorization request, after an
 * "or"; nothing when there are none. */
static const char *platforms_html(arena_t *a, const ui_login_t *p)
{
    if (p->platform_count == 0)
        return "";
    const char *request = ui_hidden_html(a, p->request, p->request_count);
    buf_t b;
    buf_init(&b, a);
    const tpl_var_t or_vars[] = {{"or", ui_text(p->lang, TXT_FED_OR), false}};
    tpl_expand(&b, FED_OR_TPL, sizeof FED_OR_TPL - 1, or_vars, COUNT(or_vars));
    for (size_t i = 0; request && i < p->platform_count; i++) {
        const ui_platform_t *f = &p->platforms[i];
        const tpl_var_t vars[] = {
            {"name", f->name, false},
            {"kind", f->kind, false},
            {"hidden", request, true},
            {"text", text_html(a, p->lang, TXT_FED_CONTINUE, f->label), true},
        };
        if (!vars[3].value)
            return NULL;
        tpl_expand(&b, FED_BUTTON_TPL, sizeof FED_BUTTON_TPL - 1, vars, COUNT(vars));
    }
    buf_puts(&b, "</div>\n");
    return request ? buf_cstr(&b) : NULL;
}

const char *ui_render_login(arena_t *a, const ui_login_t *p)
{
    ui_lang_t lang = p->lang;
    bool has_user = p->username && *p->username;
    const tpl_var_t vars[] = {
        {"heading",
         p->client_name ? text_html(a, lang, TXT_LOGIN_HEADING_CLIENT, p->client_name)
                        : ui_text(lang, TXT_LOGIN_HEADING),
         true},
        {"lead", ui_text(lang, TXT_LOGIN_LEAD), false},
        {"alert", ui_alert_html(a, lang, p->message, p->retry_after), true},
        {"action", p->action, false},
        {"hidden", ui_hidden_html(a, p->hidden, p->hidden_count), true},
        {"invalid", p->message == UI_MSG_BAD_CREDENTIALS ? INVALID_ATTRS : "", true},
        {"username_label", ui_text(lang, TXT_USERNAME), false},
        {"username", p->username, false},
        {"password_label", ui_text(lang, TXT_PASSWORD), false},
        {"submit", ui_text(lang, TXT_SIGN_IN), false},
        {"username_focus", has_user ? "" : "autofocus", true},
        {"password_focus", has_user ? "autofocus" : "", true},
        {"username_maxlength", maxlength_html(a, p->username_max), true},
        {"password_maxlength", maxlength_html(a, p->password_max), true},
        {"links", ui_login_links(a, lang, p->reset_link, p->register_link, p->register_query),
         true},
        {"passkey", passkey_signin_html(a, p), true},
        {"platforms", platforms_html(a, p), true},
    };
    return ui_render_page(a, lang, ui_text(lang, TXT_LOGIN_TITLE), "templates/login.html", vars,
                          COUNT(vars));
}

/* The consent page's warning about an unverified client from host. */
static const char *unverified_html(arena_t *a, ui_lang_t lang, const char *host)
{
    if (!host)
        return "";
    const tpl_var_t vars[] = {{"text", text_html(a, lang, TXT_CONSENT_UNVERIFIED, host), true}};
    return vars[0].value ? ui_expand(a, UNVERIFIED_TPL, vars, COUNT(vars)) : NULL;
}

const char *ui_render_consent(arena_t *a, const ui_consent_t *p)
{
    ui_lang_t lang = p->lang;
    const char *client = p->client_name ? p->client_name : ui_text(lang, TXT_UNKNOWN_APP);
    const tpl_var_t vars[] = {
        {"heading", text_html(a, lang, TXT_CONSENT_HEADING, client), true},
        {"account_label", ui_text(lang, TXT_CONSENT_ACCOUNT), false},
        {"username", p->username, false},
        {"unverified", unverified_html(a, lang, p->unverified_host), true},
        {"intro", ui_text(lang, TXT_CONSENT_INTRO), false},
        {"scopes", scopes_html(a, p), true},
        {"note", ui_text(lang, TXT_CONSENT_NOTE), false},
        {"action", p->action, false},
        {"hidden", ui_hidden_html(a, p->hidden, p->hidden_count), true},
        {"allow", ui_text(lang, TXT_ALLOW), false},
        {"deny", ui_text(lang, TXT_DENY), false},
    };
    return ui_render_page(a, lang, ui_text(lang, TXT_CONSENT_TITLE), "templates/consent.html", vars,
                          COUNT(vars));
}

const char *ui_render_logout(arena_t *a, const ui_logout_t *p)
{
    ui_lang_t lang = p->lang;
    const tpl_var_t vars[] = {
        {"heading", ui_text(lang, TXT_LOGOUT_HEADING), false},
        {"lead",
         p->client_name ? text_html(a, lang, TXT_LOGOUT_LEAD_CLIENT, p->client_name)
                        : ui_text(lang, TXT_LOGOUT_LEAD),
         true},
        {"action", p->action, false},
        {"hidden", ui_hidden_html(a, p->hidden, p->hidden_count), true},
        {"submit", ui_text(lang, TXT_SIGN_OUT), false},
        {"hint", ui_text(lang, TXT_LOGOUT_HINT), false},
    };
    return ui_render_page(a, lang, ui_text(lang, TXT_LOGOUT_TITLE), "templates/logout.html", vars,
                          COUNT(vars));
}

const char *ui_render_signed_out(arena_t *a, const ui_signed_out_t *p)
{
    ui_lang_t lang = p->lang;
    buf_t frames;
    buf_init(&frames, a);
    for (size_t i = 0; i < p->frame_count; i++) {
        const tpl_var_t vars[] = {{"src", p->frames[i], false},
                                  {"title", ui_text(lang, TXT_LOGOUT_FRAME), false}};
        tpl_expand(&frames, FRAME_TPL, sizeof FRAME_TPL - 1, vars, COUNT(vars));
    }
    const tpl_var_t next[] = {{"href", p->next, false},
                              {"text", ui_text(lang, TXT_CONTINUE), false}};
    const char *title = ui_msg_title(lang, UI_MSG_SIGNED_OUT);
    const tpl_var_t vars[] = {
        {"title", title, false},
        {"sentence", ui_msg_sentence(lang, UI_MSG_SIGNED_OUT), false},
        {"frames", buf_cstr(&frames), true},
        {"next", p->next ? ui_expand(a, NEXT_TPL, next, COUNT(next)) : "", true},
    };
    return ui_render_page(a, lang, title, "templates/signed_out.html", vars, COUNT(vars));
}

const char *ui_render_form_post(arena_t *a, ui_lang_t lang, const char *action,
                                const ui_hidden_t *hidden, size_t hidden_count)
{
    const tpl_var_t vars[] = {
        {"heading", ui_text(lang, TXT_FORM_POST_TITLE), false},
        {"lead", ui_text(lang, TXT_FORM_POST_LEAD), false},
        {"action", action, false},
        {"hidden", ui_hidden_html(a, hidden, hidden_count), true},
        {"submit", ui_text(lang, TXT_CONTINUE), false},
    };
    return ui_render_page(a, lang, ui_text(lang, TXT_FORM_POST_TITLE), "templates/form_post.html",
                          vars, COUNT(vars));
}

const char *ui_render_device(arena_t *a, const ui_device_t *p)
{
    ui_lang_t lang = p->lang;
    const tpl_var_t vars[] = {
        {"heading", ui_text(lang, TXT_DEVICE_TITLE), false},
        {"lead", ui_text(lang, TXT_DEVICE_LEAD), false},
        {"alert", ui_alert_html(a, lang, p->message, p->retry_after), true},
        {"action", p->action, false},
        {"hidden", ui_hidden_html(a, p->hidden, p->hidden_count), true},
        {"invalid",
         p->message == UI_MSG_USER_CODE_INVALID || p->message == UI_MSG_USER_CODE_USED
             ? INVALID_ATTRS
             : "",
         true},
        {"code_label", ui_text(lang, TXT_USER_CODE), false},
        {"user_code", p->user_code, false},
        {"submit", ui_text(lang, TXT_CONTINUE), false},
    };
    return ui_render_page(a, lang, ui_text(lang, TXT_DEVICE_TITLE), "templates/device.html", vars,
                          COUNT(vars));
}

/* The error and information pages share templates/message.html. */
static const char *render_message(arena_t *a, ui_lang_t lang, ui_msg_t msg, ui_detail_t detail,
                                  bool error)
{
    const char *title = ui_msg_title(lang, msg);
    const tpl_var_t vars[] = {
        {"kind", error ? "error" : "info", false},
        {"role", error ? "alert" : "status", false},
        {"title", title, false},
        {"sentence", sentence_text(a, lang, msg, 0), false},
        {"detail", detail_html(a, lang, detail), true},
        {"hint", ui_text(lang, error ? TXT_ERROR_HINT : TXT_INFO_HINT), false},
    };
    return ui_render_page(a, lang, title, "templates/message.html", vars, COUNT(vars));
}

const char *ui_render_error(arena_t *a, ui_lang_t lang, ui_msg_t message, ui_detail_t detail)
{
    return render_message(a, lang, message, detail, true);
}

const char *ui_render_info(arena_t *a, ui_lang_t lang, ui_msg_t message)
{
    return render_message(a, lang, message, UI_DETAIL_NONE, false);
}

const char *ui_render_app_page(arena_t *a, const char *path, ui_lang_t lang)
{
    const tpl_var_t vars[] = {{"lang", ui_lang_tag(lang), false},
                              {"needs_script", ui_text(lang, TXT_NEEDS_SCRIPT), false}};
    buf_t out;
    buf_init(&out, a);
    if (tpl_render(&out, path, vars, COUNT(vars)) != GH_OK)
        return NULL;
    return buf_cstr(&out);
}

const char *ui_render_home(arena_t *a, ui_lang_t lang)
{
    const char *heading = ui_text(lang, TXT_HOME_HEADING);
    const tpl_var_t vars[] = {
        {"heading", heading, false},
        {"lead", ui_text(lang, TXT_HOME_LEAD), false},
        {"discovery", ui_text(lang, TXT_HOME_DISCOVERY), false},
    };
    return ui_render_page(a, lang, heading, "templates/home.html", vars, COUNT(vars));
}

/* ---- for the pages built in other files (ui_int.h) ---- */

const char *page_sentence(arena_t *a, ui_lang_t lang, ui_msg_t msg, long retry_after)
{
    return sentence_text(a, lang, msg, retry_after);
}

const char *page_render_wide(arena_t *a, ui_lang_t lang, const char *title, const char *path,
                             const tpl_var_t *vars, size_t count)
{
    return render_card(a, lang, title, path, vars, count, " card-wide");
}

/* ---- second factors (docs/mfa.md) ---- */

static const char LINK_ITEM_TPL[] = "<li><a href=\"{{href}}\">{{text}}</a></li>\n";
static const char OTHER_WAYS_TPL[] =
    "<nav class=\"other-ways\" aria-labelledby=\"other-ways\"><h2 id=\"other-ways\" "
    "class=\"detail-label\">{{label}}</h2><ul>\n{{{items}}}</ul></nav>";
static const char CODE_ITEM_TPL[] = "<li><code>{{code}}</code></li>\n";

/* The other ways to give a second factor, as a labelled list of links; ""
 * when there are none. */
static const char *other_ways_html(arena_t *a, const ui_mfa_t *p)
{
    if (p->other_way_count == 0)
        return "";
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < p->other_way_count; i++) {
        const tpl_var_t vars[] = {{"href", p->other_ways[i].href, false},
                                  {"text", p->other_ways[i].text, false}};
        tpl_expand(&b, LINK_ITEM_TPL, sizeof LINK_ITEM_TPL - 1, vars, COUNT(vars));
    }
    const tpl_var_t vars[] = {{"label", ui_text(p->lang, TXT_MFA_OTHER_WAYS), false},
                              {"items", buf_cstr(&b), true}};
    return buf_cstr(&b) ? ui_expand(a, OTHER_WAYS_TPL, vars, COUNT(vars)) : NULL;
}

static bool code_message(ui_msg_t msg)
{
    return msg == UI_MSG_MFA_BAD_CODE || msg == UI_MSG_MFA_MALFORMED;
}

/* The code form and its recovery-code disclosure (templates/mfa_code.html). */
static const char *code_form_html(arena_t *a, const ui_mfa_t *p)
{
    ui_lang_t lang = p->lang;
    const tpl_var_t vars[] = {
        {"action", p->action, false},
        {"hidden", ui_hidden_html(a, p->hidden, p->hidden_count), true},
        {"invalid", code_message(p->message) ? INVALID_ATTRS : "", true},
        {"code_label", ui_text(lang, TXT_MFA_CODE), false},
        {"submit", ui_text(lang, TXT_MFA_VERIFY), false},
        {"recovery_summary", ui_text(lang, TXT_MFA_RECOVERY_SUMMARY), false},
        {"recovery_help", ui_text(lang, TXT_MFA_RECOVERY_HELP), false},
    };
    buf_t b;
    buf_init(&b, a);
    if (!fragments_ok(vars, COUNT(vars)) ||
        tpl_render(&b, "templates/mfa_code.html", vars, COUNT(vars)) != GH_OK)
        return NULL;
    return buf_cstr(&b);
}

const char *ui_render_mfa(arena_t *a, const ui_mfa_t *p)
{
    ui_lang_t lang = p->lang;
    const tpl_var_t vars[] = {
        {"heading", ui_text(lang, TXT_MFA_TITLE), false},
        {"lead", ui_text(lang, p->no_code ? TXT_MFA_PASSKEY_ONLY : TXT_MFA_LEAD), false},
        {"alert", ui_alert_html(a, lang, p->message, p->retry_after), true},
        {"code_form", p->no_code ? "" : code_form_html(a, p), true},
        {"passkey", passkey_factor_html(a, p), true},
        {"other_ways", other_ways_html(a, p), true},
    };
    return ui_render_page(a, lang, ui_text(lang, TXT_MFA_TITLE), "templates/mfa.html", vars,
                          COUNT(vars));
}

/* A fixed text with {{n}} replaced by a number. */
static const char *count_text(arena_t *a, ui_lang_t lang, ui_text_t id, long n)
{
    const char *num = arena_printf(a, "%ld", n);
    const tpl_var_t vars[] = {{"n", num, false}};
    return num ? ui_expand(a, ui_text(lang, id), vars, COUNT(vars)) : NULL;
}

const char *ui_render_recovery_used(arena_t *a, ui_lang_t lang, long left,
                                    const char *continue_href)
{
    const char *sentence = count_text(a, lang, TXT_MFA_USED_LEFT, left);
    const tpl_var_t vars[] = {
        {"title", ui_text(lang, TXT_MFA_USED_TITLE), false},
        {"sentence", sentence, false},
        {"continue_href", continue_href, false},
        {"continue", ui_text(lang, TXT_CONTINUE), false},
        {"account_href", "/account/mfa", false},
        {"account", ui_text(lang, TXT_MFA_MANAGE), false},
    };
    if (!sentence)
        return NULL;
    return ui_render_page(a, lang, ui_text(lang, TXT_MFA_USED_TITLE), "templates/mfa_used.html",
                          vars, COUNT(vars));
}

static const char *codes_html(arena_t *a, char *const *codes, size_t count)
{
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < count; i++) {
        const tpl_var_t vars[] = {{"code", codes[i], false}};
        tpl_expand(&b, CODE_ITEM_TPL, sizeof CODE_ITEM_TPL - 1, vars, COUNT(vars));
    }
    return buf_cstr(&b);
}

const char *ui_render_mfa_account(arena_t *a, const ui_mfa_account_t *p)
{
    ui_lang_t lang = p->lang;
    const char *alert = ui_alert_html(a, lang, p->message, p->retry_after);
    const char *hidden = ui_hidden_html(a, p->hidden, p->hidden_count);
    if (p->state == UI_MFA_CODES) {
        const tpl_var_t vars[] = {
            {"heading", ui_text(lang, TXT_MFA_CODES_TITLE), false},
            {"lead", ui_text(lang, TXT_MFA_CODES_LEAD), false},
            {"codes", codes_html(a, p->codes, p->code_count), true},
            {"done_href", p->action, false},
            {"done", ui_text(lang, TXT_MFA_DONE), false},
        };
        return ui_render_page(a, lang, ui_text(lang, TXT_MFA_CODES_TITLE),
                              "templates/mfa_codes.html", vars, COUNT(vars));
    }
    if (p->state == UI_MFA_ON) {
        const tpl_var_t vars[] = {
            {"heading", ui_text(lang, TXT_MFA_ON_TITLE), false},
            {"lead", ui_text(lang, TXT_MFA_ON_LEAD), false},
            {"alert", alert, true},
            {"left", count_text(a, lang, TXT_MFA_LEFT, p->left), false},
            {"action", p->action, false},
            {"hidden", hidden, true},
            {"note", ui_text(lang, TXT_MFA_NEW_CODES_NOTE), false},
            {"submit", ui_text(lang, TXT_MFA_NEW_CODES), false},
            {"off_heading", ui_text(lang, TXT_MFA_OFF_HEADING), false},
            {"off_hidden", ui_hidden_html(a, p->off_hidden, p->off_hidden_count), true},
            {"off_note", ui_text(lang, TXT_MFA_OFF_NOTE), false},
            {"off_code_label", ui_text(lang, TXT_MFA_OFF_CODE), false},
            {"off_invalid", code_message(p->message) ? INVALID_ATTRS : "", true},
            {"off_submit", ui_text(lang, TXT_MFA_OFF), false},
        };
        return ui_render_page(a, lang, ui_text(lang, TXT_MFA_ON_TITLE), "templates/mfa_status.html",
                              vars, COUNT(vars));
    }
    const tpl_var_t vars[] = {
        {"heading", ui_text(lang, TXT_MFA_SETUP_TITLE), false},
        {"lead", ui_text(lang, TXT_MFA_SETUP_LEAD), false},
        {"alert", alert, true},
        {"qr", p->uri ? ui_qr_svg(a, p->uri, ui_text(lang, TXT_MFA_QR_TITLE)) : NULL, true},
        {"key_label", ui_text(lang, TXT_MFA_KEY), false},
        {"key", p->key, false},
        {"action", p->action, false},
        {"hidden", hidden, true},
        {"invalid", code_message(p->message) ? INVALID_ATTRS : "", true},
        {"code_label", ui_text(lang, TXT_MFA_CODE), false},
        {"submit", ui_text(lang, TXT_MFA_VERIFY), false},
    };
    return ui_render_page(a, lang, ui_text(lang, TXT_MFA_SETUP_TITLE), "templates/mfa_setup.html",
                          vars, COUNT(vars));
}

/* ---- passkeys ---- */

static const char PASSKEY_ITEM_TPL[] =
    "<li class=\"passkey\"><span class=\"passkey-name\">{{name}}</span> "
    "<span class=\"passkey-dates\">{{added}} · {{used}}</span>\n"
    "<form method=\"post\" action=\"{{action}}\"><input type=\"hidden\" name=\"csrf\" "
    "value=\"{{csrf}}\"><button class=\"button\" type=\"submit\" name=\"remove\" value=\"{{id}}\" "
    "aria-label=\"{{label}}\">{{remove}}</button></form></li>\n";

/* A text holding {{name}} value (escaped later, as the text is expanded again). */
static const char *text_with(arena_t *a, ui_lang_t lang, ui_text_t id, const char *name,
                             const char *value)
{
    const tpl_var_t vars[] = {{name, value, false}};
    return value ? ui_expand(a, ui_text(lang, id), vars, COUNT(vars)) : NULL;
}

/* A passkey form: hidden (the pending request, the CSRF token) with step
 * set to step (NULL: kept as it is), the assertion's fields that
 * /static/passkey.js fills in, and a button labelled label; purpose, when
 * set, goes with the options request (passkey.h). Under a divider when
 * divider. */
typedef struct {
    ui_lang_t lang;
    const char *action;
    const ui_hidden_t *hidden;
    size_t hidden_count;
    const char *step, *purpose;
    ui_text_t label;
    bool divider;
} passkey_form_t;

static const char DIVIDER_TPL[] = "<p class=\"divider\"><span>{{or}}</span></p>";

static const char *passkey_form_html(arena_t *a, const passkey_form_t *f)
{
    ui_hidden_t *h = arena_alloc(a, (f->hidden_count + 1) * sizeof *h);
    if (!h)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < f->hidden_count; i++)
        if (!f->step || strcmp(f->hidden[i].name, "step") != 0)
            h[n++] = f->hidden[i];
    if (f->step)
        h[n++] = (ui_hidden_t){"step", f->step};
    const tpl_var_t divider[] = {{"or", ui_text(f->lang, TXT_PASSKEY_OR), false}};
    const tpl_var_t vars[] = {
        {"divider", f->divider ? ui_expand(a, DIVIDER_TPL, divider, COUNT(divider)) : "", true},
        {"action", f->action, false},
        {"purpose", f->purpose ? f->purpose : "", false},
        {"hidden", ui_hidden_html(a, h, n), true},
        {"label", ui_text(f->lang, f->label), false},
        {"failed", ui_text(f->lang, TXT_PASSKEY_FAILED), false},
        {"unsupported", ui_text(f->lang, TXT_PASSKEY_UNSUPPORTED), false},
    };
    buf_t b;
    buf_init(&b, a);
    if (!fragments_ok(vars, COUNT(vars)) ||
        tpl_render(&b, "templates/passkey_signin.html", vars, COUNT(vars)) != GH_OK)
        return NULL;
    return buf_cstr(&b);
}

/* The "Sign in with a passkey" form under the password form, step
 * "passkey". */
static const char *passkey_signin_html(arena_t *a, const ui_login_t *p)
{
    if (!p->passkey)
        return "";
    const passkey_form_t f = {.lang = p->lang,
                              .action = p->action,
                              .hidden = p->hidden,
                              .hidden_count = p->hidden_count,
                              .step = "passkey",
                              .label = TXT_PASSKEY_SIGN_IN,
                              .divider = true};
    return passkey_form_html(a, &f);
}

/* The second-factor page's "Use a passkey" form: its own hidden fields
 * (step "mfa"), the options for the pending member. */
static const char *passkey_factor_html(arena_t *a, const ui_mfa_t *p)
{
    if (!p->passkey)
        return "";
    const passkey_form_t f = {.lang = p->lang,
                              .action = p->action,
                              .hidden = p->hidden,
                              .hidden_count = p->hidden_count,
                              .purpose = "mfa",
                              .label = TXT_MFA_PASSKEY,
                              .divider = !p->no_code};
    return passkey_form_html(a, &f);
}

static const char *passkey_items_html(arena_t *a, const ui_passkeys_t *p)
{
    if (p->count == 0) {
        const tpl_var_t vars[] = {{"text", ui_text(p->lang, TXT_PASSKEYS_NONE), false}};
        return ui_expand(a, "<p class=\"passkeys-none\">{{text}}</p>", vars, COUNT(vars));
    }
    buf_t b;
    buf_init(&b, a);
    buf_puts(&b, "<ul class=\"passkeys\">\n");
    for (size_t i = 0; i < p->count; i++) {
        const ui_passkey_item_t *it = &p->items[i];
        const char *used = it->last_used
                               ? text_with(a, p->lang, TXT_PASSKEY_LAST_USED, "date", it->last_used)
                               : ui_text(p->lang, TXT_PASSKEY_NEVER_USED);
        const tpl_var_t vars[] = {
            {"name", it->name, false},
            {"added", text_with(a, p->lang, TXT_PASSKEY_ADDED, "date", it->created), false},
            {"used", used, false},
            {"action", p->action, false},
            {"csrf", p->csrf, false},
            {"id", it->id, false},
            {"label", text_with(a, p->lang, TXT_PASSKEY_REMOVE_LABEL, "name", it->name), false},
            {"remove", ui_text(p->lang, TXT_PASSKEY_REMOVE), false},
        };
        tpl_expand(&b, PASSKEY_ITEM_TPL, sizeof PASSKEY_ITEM_TPL - 1, vars, COUNT(vars));
    }
    buf_puts(&b, "</ul>\n");
    return buf_cstr(&b);
}

const char *ui_render_passkeys(arena_t *a, const ui_passkeys_t *p)
{
    ui_lang_t lang = p->lang;
    const char *name_max = arena_printf(a, "%zu", p->name_max);
    const tpl_var_t vars[] = {
        {"heading", ui_text(lang, TXT_PASSKEYS_TITLE), false},
        {"lead", ui_text(lang, TXT_PASSKEYS_LEAD), false},
        {"account_label", ui_text(lang, TXT_PASSKEYS_ACCOUNT), false},
        {"username", p->username, false},
        {"list", passkey_items_html(a, p), true},
        {"csrf", p->csrf, false},
        {"failed", ui_text(lang, TXT_PASSKEY_FAILED), false},
        {"unsupported", ui_text(lang, TXT_PASSKEY_UNSUPPORTED), false},
        {"working", ui_text(lang, TXT_PASSKEY_WORKING), false},
        {"name_label", ui_text(lang, TXT_PASSKEY_NAME), false},
        {"name_hint", ui_text(lang, TXT_PASSKEY_NAME_HINT), false},
        {"name_max", name_max, false},
        {"add", ui_text(lang, TXT_PASSKEY_ADD), false},
    };
    return name_max ? ui_render_page(a, lang, ui_text(lang, TXT_PASSKEYS_TITLE),
                                     "templates/passkeys.html", vars, COUNT(vars))
                    : NULL;
}

const char *ui_render_fed_profile(arena_t *a, const ui_profile_t *p)
{
    ui_lang_t lang = p->lang;
    bool link_failed =
        p->message == UI_MSG_BAD_CREDENTIALS || p->message == UI_MSG_TOO_MANY_ATTEMPTS;
    const tpl_var_t link[] = {
        {"action", p->action, false},
        {"hidden", ui_hidden_html(a, p->hidden, p->hidden_count), true},
        {"username_label", ui_text(lang, TXT_USERNAME), false},
        {"password_label", ui_text(lang, TXT_PASSWORD), false},
        {"username_maxlength", maxlength_html(a, p->username_max), true},
        {"password_maxlength", maxlength_html(a, p->password_max), true},
        {"link_invalid", link_failed ? INVALID_ATTRS : "", true},
        {"link", ui_text(lang, TXT_PROFILE_LINK), false},
        {"account_label", ui_text(lang, TXT_CONSENT_ACCOUNT), false},
        {"signed_in_as", p->signed_in_as, false},
    };
    const char *tpl = p->signed_in_as ? LINK_SESSION_TPL : LINK_PASSWORD_TPL;
    const char *link_form =
        fragments_ok(link, COUNT(link)) ? ui_expand(a, tpl, link, COUNT(link)) : NULL;
    const tpl_var_t vars[] = {
        {"title", ui_text(lang, TXT_PROFILE_TITLE), false},
        {"lead", text_html(a, lang, TXT_PROFILE_LEAD, p->platform_label), true},
        {"alert", ui_alert_html(a, lang, p->message, p->retry_after), true},
        {"action", p->action, false},
        {"hidden", ui_hidden_html(a, p->hidden, p->hidden_count), true},
        {"nickname_label", ui_text(lang, TXT_NICKNAME), false},
        {"nickname", p->nickname, false},
        {"email_label", ui_text(lang, TXT_EMAIL), false},
        {"email", p->email, false},
        {"profile_invalid", p->message == UI_MSG_FED_PROFILE_INVALID ? INVALID_ATTRS : "", true},
        {"create", ui_text(lang, TXT_PROFILE_CREATE), false},
        {"link_heading", ui_text(lang, TXT_PROFILE_LINK_HEADING), false},
        {"link_lead",
         text_html(a, lang, p->signed_in_as ? TXT_PROFILE_LINK_SESSION : TXT_PROFILE_LINK_LEAD,
                   p->platform_label),
         true},
        {"link_form", link_form, true},
        {"cancel", ui_text(lang, TXT_CANCEL), false},
        {"give_up", ui_hidden_html(a, p->give_up, p->give_up_count), true},
    };
    return ui_render_page(a, lang, ui_text(lang, TXT_PROFILE_TITLE),
                          "templates/federate_profile.html", vars, COUNT(vars));
}

const char *ui_render_fed_fault(arena_t *a, const ui_fed_fault_t *p)
{
    ui_lang_t lang = p->lang;
    const char *title = ui_msg_title(lang, p->message);
    const char *ways = "";
    if (p->request_count) {
        const tpl_var_t w[] = {
            {"request", ui_hidden_html(a, p->request, p->request_count), true},
            {"give_up", ui_hidden_html(a, p->give_up, p->give_up_count), true},
            {"back", ui_text(lang, TXT_BACK_TO_SIGN_IN), false},
            {"cancel", ui_text(lang, TXT_GIVE_UP), false},
        };
        ways = fragments_ok(w, COUNT(w)) ? ui_expand(a, FED_WAYS_TPL, w, COUNT(w)) : NULL;
    } else if (p->to_account) {
        const tpl_var_t w[] = {{"back", ui_text(lang, TXT_BACK_TO_ACCOUNT), false}};
        ways = ui_expand(a, ACCOUNT_WAY_TPL, w, COUNT(w));
    }
    const tpl_var_t vars[] = {
        {"title", title, false},
        {"sentence", sentence_text(a, lang, p->message, 0), false},
        {"ways", ways, true},
    };
    return ui_render_page(a, lang, title, "templates/federate_fault.html", vars, COUNT(vars));
}
