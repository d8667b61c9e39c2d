/* The self-service forms (ui_render_form): password reset, the new password
 * of a reset link, an e-mail verification, registration; and the links the
 * sign-in page shows to the first and the last. One template
 * (templates/form.html) with the inputs each kind declares below. */
#include <string.h>

#include "ui/ui_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    const char *name; /* also the id */
    ui_text_t label;
    const char *type, *autocomplete;
    unsigned max; /* maxlength */
} field_t;

typedef struct {
    ui_text_t title, lead, submit;
    field_t fields[3];
    size_t count;
} form_kind_t;

static const form_kind_t KINDS[] = {
    [UI_FORM_RESET_REQUEST] = {TXT_RESET_TITLE,
                               TXT_RESET_LEAD,
                               TXT_SEND_LINK,
                               {{"login", TXT_LOGIN_OR_EMAIL, "text", "username", 254}},
                               1},
    [UI_FORM_RESET_PASSWORD] = {TXT_NEW_PASSWORD_TITLE,
                                TXT_NEW_PASSWORD_LEAD,
                                TXT_SAVE_PASSWORD,
                                {{"password", TXT_NEW_PASSWORD, "password", "new-password", 1024}},
                                1},
    [UI_FORM_VERIFY] = {TXT_VERIFY_TITLE, TXT_VERIFY_LEAD, TXT_CONFIRM, {{0}}, 0},
    [UI_FORM_REGISTER] = {TXT_REGISTER_TITLE,
                          TXT_REGISTER_LEAD,
                          TXT_CREATE_ACCOUNT,
                          {{"username", TXT_USERNAME, "text", "username", 64},
                           {"email", TXT_EMAIL, "email", "email", 254},
                           {"password", TXT_PASSWORD, "password", "new-password", 1024}},
                          3},
};

static const char FIELD_TPL[] =
    "<div class=\"field\">\n<label for=\"{{name}}\">{{label}}</label>\n"
    "<input id=\"{{name}}\" name=\"{{name}}\" type=\"{{type}}\" value=\"{{value}}\" "
    "autocomplete=\"{{autocomplete}}\" autocapitalize=\"none\" spellcheck=\"false\" "
    "maxlength=\"{{max}}\" required{{{extra}}}>\n</div>\n";
static const char LINK_TPL[] = "<a href=\"{{href}}\">{{text}}</a>";

/* The value an input starts with: passwords never come back. */
static const char *value_of(const ui_form_t *p, const field_t *f)
{
    if (!strcmp(f->name, "login"))
        return p->login;
    if (!strcmp(f->name, "username"))
        return p->username;
    if (!strcmp(f->name, "email"))
        return p->email;
    return NULL;
}

/* aria-invalid for the input the alert is about, read-only for a fixed
 * address, autofocus for the first input. */
static const char *extra_of(arena_t *a, const ui_form_t *p, const field_t *f, bool first)
{
    bool invalid = p->message != UI_MSG_NONE && p->invalid && !strcmp(p->invalid, f->name);
    bool fixed = p->email_fixed && !strcmp(f->name, "email");
    return arena_printf(a, "%s%s%s",
                        invalid ? " aria-invalid=\"true\" aria-describedby=\"form-error\"" : "",
                        fixed ? " readonly" : "", first && !fixed ? " autofocus" : "");
}

static const char *fields_html(arena_t *a, const ui_form_t *p, const form_kind_t *k)
{
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < k->count; i++) {
        const field_t *f = &k->fields[i];
        const char *max = arena_printf(a, "%u", f->max);
        const char *extra = extra_of(a, p, f, i == 0);
        const tpl_var_t vars[] = {{"name", f->name, false},
                                  {"label", ui_text(p->lang, f->label), false},
                                  {"type", f->type, false},
                                  {"value", value_of(p, f), false},
                                  {"autocomplete", f->autocomplete, false},
                                  {"max", max, false},
                                  {"extra", extra, true}};
        if (!max || !extra)
            return NULL;
        tpl_expand(&b, FIELD_TPL, sizeof FIELD_TPL - 1, vars, COUNT(vars));
    }
    return buf_cstr(&b);
}

const char *ui_render_form(arena_t *a, const ui_form_t *p)
{
    const form_kind_t *k = &KINDS[p->kind];
    const char *n = arena_printf(a, "%ld", p->min_length);
    const tpl_var_t lead_vars[] = {{"n", n, false}, {"email", p->email, false}};
    const char *title = ui_text(p->lang, k->title);
    const tpl_var_t vars[] = {
        {"heading", title, false},
        {"lead", ui_expand(a, ui_text(p->lang, k->lead), lead_vars, COUNT(lead_vars)), true},
        {"alert", ui_alert_html(a, p->lang, p->message, p->retry_after), true},
        {"action", p->action, false},
        {"hidden", ui_hidden_html(a, p->hidden, p->hidden_count), true},
        {"fields", fields_html(a, p, k), true},
        {"submit", ui_text(p->lang, k->submit), false},
    };
    return ui_render_page(a, p->lang, title, "templates/form.html", vars, COUNT(vars));
}

const char *ui_login_links(arena_t *a, ui_lang_t lang, bool reset, bool reg, const char *reg_query)
{
    if (!reset && !reg)
        return "";
    buf_t b;
    buf_init(&b, a);
    buf_puts(&b, "<p class=\"links\">");
    const struct {
        bool on;
        const char *path;
        ui_text_t text;
    } links[] = {{reset, "/auth/reset", TXT_FORGOT_PASSWORD},
                 {reg, "/auth/register", TXT_REGISTER_LINK}};
    for (size_t i = 0; i < COUNT(links); i++) {
        if (!links[i].on)
            continue;
        const char *href =
            links[i].text == TXT_REGISTER_LINK && reg_query
                ? arena_printf(a, "%s?%s", links[i].path, reg_query)
                : arena_printf(a, "%s?ui_locales=%s", links[i].path, ui_lang_tag(lang));
        const tpl_var_t vars[] = {{"href", href, false},
                                  {"text", ui_text(lang, links[i].text), false}};
        if (!href)
            return NULL;
        tpl_expand(&b, LINK_TPL, sizeof LINK_TPL - 1, vars, COUNT(vars));
    }
    buf_puts(&b, "</p>");
    return buf_cstr(&b);
}
