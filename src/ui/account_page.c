/* The account page (issue 21): the member's profile, e-mail address,
 * password, connected applications and sign-in sessions, each section one
 * form or a list of small forms, all carrying the session's CSRF token.
 *
 * Built like pages.c's pages: templates/account.html inside the layout (a
 * wide card), the lists from the fragment templates below; every value the
 * caller gives is escaped. Times are written as UTC in a <time> element. The
 * sections of second factors and linked platforms are hooks the caller
 * fills (ui_account_t.factors_html, .platforms_html) with the HTML of
 * ui_account_factors_html and ui_account_platforms_html. */
#include "ui/ui_int.h"

#include <string.h>
#include <time.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char NOTICE_TPL[] = "<p class=\"notice\" id=\"form-notice\" role=\"status\">"
                                 "{{text}}</p>";
static const char INVALID_ATTRS[] = " aria-invalid=\"true\" aria-describedby=\"form-error\"";
static const char CLAIM_TPL[] = "<li class=\"scope claim\" data-claim=\"{{name}}\">{{text}}</li>\n";
static const char SCOPE_TPL[] = "<li class=\"scope\">{{text}}</li>\n";
static const char TIME_TPL[] = "<time datetime=\"{{iso}}\">{{shown}}</time>";
static const char APP_TPL[] =
    "<li class=\"item\" data-client=\"{{client_id}}\">\n"
    "<div class=\"item-body\">\n"
    "<p class=\"item-title\" id=\"app-{{n}}\">{{name}}</p>\n"
    "<ul class=\"scopes\">\n{{{scopes}}}</ul>\n"
    "<p class=\"meta\">{{{used}}}</p>\n"
    "</div>\n"
    "<form method=\"post\" action=\"/account/apps/revoke\">\n"
    "{{{csrf}}}<input type=\"hidden\" name=\"client_id\" value=\"{{client_id}}\">\n"
    "<button class=\"button button-secondary\" type=\"submit\" aria-describedby=\"app-{{n}}\">"
    "{{revoke}}</button>\n"
    "</form>\n"
    "</li>\n";
static const char SESSION_TPL[] =
    "<li class=\"item\" data-session=\"{{handle}}\"{{{current_attr}}}>\n"
    "<div class=\"item-body\">\n"
    "<p class=\"item-title\" id=\"session-{{n}}\"><span class=\"ua\" lang=\"en\">{{browser}}"
    "</span>{{{badge}}}</p>\n"
    "<p class=\"meta\">{{started_label}} {{{started}}} · {{seen_label}} {{{seen}}} · "
    "{{ip_label}} {{ip}}</p>\n"
    "</div>\n"
    "<form method=\"post\" action=\"/account/sessions/end\">\n"
    "{{{csrf}}}<input type=\"hidden\" name=\"session\" value=\"{{handle}}\">\n"
    "<button class=\"button button-secondary\" type=\"submit\" "
    "aria-describedby=\"session-{{n}}\">{{sign_out}}</button>\n"
    "</form>\n"
    "</li>\n";
static const char BADGE_TPL[] = " <span class=\"badge\">{{text}}</span>";
static const char END_OTHERS_TPL[] =
    "<form method=\"post\" action=\"/account/sessions/end-others\">\n"
    "{{{csrf}}}<button class=\"button button-secondary\" "
    "type=\"submit\">{{text}}</button>\n"
    "</form>";
static const char EMPTY_TPL[] = "<p class=\"hint\">{{text}}</p>";

/* A time as <time datetime="ISO">YYYY-MM-DD HH:MM UTC</time>; "unknown" for 0. */
static const char *time_html(arena_t *a, ui_lang_t lang, int64_t t)
{
    time_t secs = (time_t)t;
    struct tm tm;
    char iso[32], shown[32];
    if (t <= 0 || !gmtime_r(&secs, &tm))
        return ui_expand(a, "{{t}}", (tpl_var_t[]){{"t", ui_text(lang, TXT_TIME_UNKNOWN), false}},
                         1);
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strftime(shown, sizeof shown, "%Y-%m-%d %H:%M UTC", &tm);
    const tpl_var_t vars[] = {{"iso", iso, false}, {"shown", shown, false}};
    return ui_expand(a, TIME_TPL, vars, COUNT(vars));
}

/* The claims, then the scopes, in words: the consent page's names. */
static void scopes_html(buf_t *b, const ui_account_t *p, const ui_account_app_t *app)
{
    for (size_t i = 0; i < app->claim_count; i++) {
        const char *scope = app->claim_scopes ? app->claim_scopes[i] : NULL;
        const tpl_var_t vars[] = {
            {"name", app->claims[i], false},
            {"text", ui_claim_label(b->arena, p->config, p->lang, app->claims[i], scope), false}};
        tpl_expand(b, CLAIM_TPL, sizeof CLAIM_TPL - 1, vars, COUNT(vars));
    }
    for (size_t i = 0; i < app->scope_count; i++) {
        const char *text = ui_scope_label(p->config, p->lang, app->scopes[i]);
        const tpl_var_t vars[] = {{"text", text ? text : app->scopes[i], false}};
        tpl_expand(b, SCOPE_TPL, sizeof SCOPE_TPL - 1, vars, COUNT(vars));
    }
}

/* "Last used <time>" or "Not used lately". */
static const char *used_html(arena_t *a, ui_lang_t lang, int64_t last_used_at)
{
    if (last_used_at <= 0)
        return ui_expand(a, "{{t}}", (tpl_var_t[]){{"t", ui_text(lang, TXT_APP_NOT_USED), false}},
                         1);
    const tpl_var_t vars[] = {{"label", ui_text(lang, TXT_APP_LAST_USED), false},
                              {"time", time_html(a, lang, last_used_at), true}};
    return vars[1].value ? ui_expand(a, "{{label}} {{{time}}}", vars, COUNT(vars)) : NULL;
}

static const char *apps_html(arena_t *a, const ui_account_t *p, const char *csrf)
{
    buf_t b;
    buf_init(&b, a);
    if (p->app_count == 0)
        return ui_expand(a, EMPTY_TPL,
                         (tpl_var_t[]){{"text", ui_text(p->lang, TXT_APPS_NONE), false}}, 1);
    buf_puts(&b, "<ul class=\"items\">\n");
    for (size_t i = 0; i < p->app_count; i++) {
        const ui_account_app_t *app = &p->apps[i];
        buf_t scopes;
        buf_init(&scopes, a);
        scopes_html(&scopes, p, app);
        const tpl_var_t vars[] = {
            {"client_id", app->client_id, false},
            {"n", arena_printf(a, "%zu", i), false},
            {"name", app->client_name && *app->client_name ? app->client_name : app->client_id,
             false},
            {"scopes", buf_cstr(&scopes), true},
            {"used", used_html(a, p->lang, app->last_used_at), true},
            {"csrf", csrf, true},
            {"revoke", ui_text(p->lang, TXT_APP_REVOKE), false},
        };
        if (!vars[1].value || !vars[3].value || !vars[4].value)
            return NULL;
        tpl_expand(&b, APP_TPL, sizeof APP_TPL - 1, vars, COUNT(vars));
    }
    buf_puts(&b, "</ul>");
    return buf_cstr(&b);
}

static const char *sessions_html(arena_t *a, const ui_account_t *p, const char *csrf)
{
    buf_t b;
    buf_init(&b, a);
    const tpl_var_t badge[] = {{"text", ui_text(p->lang, TXT_SESSION_THIS), false}};
    const char *this_badge = ui_expand(a, BADGE_TPL, badge, COUNT(badge));
    for (size_t i = 0; i < p->session_count; i++) {
        const ui_account_session_t *s = &p->sessions[i];
        const char *ua = s->user_agent && *s->user_agent
                             ? s->user_agent
                             : ui_text(p->lang, TXT_SESSION_UNKNOWN_BROWSER);
        const tpl_var_t vars[] = {
            {"handle", s->handle, false},
            {"current_attr", s->current ? " data-current=\"true\"" : "", true},
            {"n", arena_printf(a, "%zu", i), false},
            {"browser", ua, false},
            {"badge", s->current ? this_badge : "", true},
            {"started_label", ui_text(p->lang, TXT_SESSION_STARTED), false},
            {"started", time_html(a, p->lang, s->created_at), true},
            {"seen_label", ui_text(p->lang, TXT_SESSION_LAST_SEEN), false},
            {"seen", time_html(a, p->lang, s->last_seen_at), true},
            {"ip_label", ui_text(p->lang, TXT_SESSION_ADDRESS), false},
            {"ip", s->ip ? s->ip : ui_text(p->lang, TXT_TIME_UNKNOWN), false},
            {"csrf", csrf, true},
            {"sign_out", ui_text(p->lang, TXT_SIGN_OUT), false},
        };
        if (!vars[2].value || !vars[4].value || !vars[6].value || !vars[8].value)
            return NULL;
        tpl_expand(&b, SESSION_TPL, sizeof SESSION_TPL - 1, vars, COUNT(vars));
    }
    return buf_cstr(&b);
}

/* The message above the sections: an error alert, or a confirmation. */
static const char *message_html(arena_t *a, const ui_account_t *p)
{
    if (p->message == UI_MSG_NONE || !p->notice)
        return ui_alert_html(a, p->lang, p->message, p->retry_after);
    const tpl_var_t vars[] = {{"text", page_sentence(a, p->lang, p->message, 0), false}};
    return vars[0].value ? ui_expand(a, NOTICE_TPL, vars, COUNT(vars)) : NULL;
}

static const char *email_html(arena_t *a, const ui_account_t *p)
{
    if (!p->email || !*p->email)
        return ui_text(p->lang, TXT_EMAIL_NONE);
    const tpl_var_t vars[] = {{"email", p->email, false}};
    return ui_expand(a, ui_text(p->lang, TXT_EMAIL_CURRENT), vars, COUNT(vars));
}

/* ---- the sections of other features (the hooks) ---- */

static const char FACTORS_TPL[] =
    "<section class=\"section\" id=\"factors\" aria-labelledby=\"factors-heading\">\n"
    "<h2 class=\"section-title\" id=\"factors-heading\">{{heading}}</h2>\n"
    "<ul class=\"items factors\">\n"
    "<li class=\"item\" data-factor=\"totp\" data-state=\"{{totp_state}}\"><div "
    "class=\"item-body\"><p class=\"item-title\">{{totp}}</p>{{{recovery}}}</div>"
    "<a class=\"button button-secondary\" href=\"/account/mfa\">{{manage_totp}}</a></li>\n"
    "{{{passkeys}}}</ul>\n"
    "</section>\n";
static const char RECOVERY_TPL[] = "<p class=\"meta\" data-recovery-left=\"{{n}}\">{{text}}</p>";
static const char PASSKEYS_TPL[] =
    "<li class=\"item\" data-factor=\"passkeys\" data-count=\"{{n}}\"><div "
    "class=\"item-body\"><p class=\"item-title\">{{text}}</p></div>"
    "<a class=\"button button-secondary\" href=\"/account/passkeys\">{{manage}}</a></li>\n";

/* A text of lang holding {{n}}, with n. */
static const char *with_count(arena_t *a, ui_lang_t lang, ui_text_t id, const char *n)
{
    const tpl_var_t vars[] = {{"n", n, false}};
    return n ? ui_expand(a, ui_text(lang, id), vars, COUNT(vars)) : NULL;
}

const char *ui_account_factors_html(arena_t *a, ui_lang_t lang, const ui_account_factors_t *f)
{
    const char *left = arena_printf(a, "%ld", f->recovery_left);
    const char *keys = arena_printf(a, "%ld", f->passkeys);
    const char *recovery = "", *passkeys = "";
    if (f->totp || f->recovery_left > 0) {
        const tpl_var_t vars[] = {{"n", left, false},
                                  {"text", with_count(a, lang, TXT_FACTORS_RECOVERY, left), false}};
        recovery = vars[1].value ? ui_expand(a, RECOVERY_TPL, vars, COUNT(vars)) : NULL;
    }
    if (f->passkeys_on) {
        const tpl_var_t vars[] = {{"n", keys, false},
                                  {"text", with_count(a, lang, TXT_FACTORS_PASSKEYS, keys), false},
                                  {"manage", ui_text(lang, TXT_FACTORS_MANAGE_PASSKEYS), false}};
        passkeys = vars[1].value ? ui_expand(a, PASSKEYS_TPL, vars, COUNT(vars)) : NULL;
    }
    if (!recovery || !passkeys)
        return NULL;
    const tpl_var_t vars[] = {
        {"heading", ui_text(lang, TXT_FACTORS), false},
        {"totp_state", f->totp ? "on" : "off", false},
        {"totp", ui_text(lang, f->totp ? TXT_FACTORS_TOTP_ON : TXT_FACTORS_TOTP_OFF), false},
        {"recovery", recovery, true},
        {"manage_totp", ui_text(lang, TXT_FACTORS_MANAGE_TOTP), false},
        {"passkeys", passkeys, true},
    };
    return ui_expand(a, FACTORS_TPL, vars, COUNT(vars));
}

static const char PLATFORMS_TPL[] =
    "<section class=\"section\" id=\"platforms\" aria-labelledby=\"platforms-heading\">\n"
    "<h2 class=\"section-title\" id=\"platforms-heading\">{{heading}}</h2>\n"
    "{{{list}}}{{{more}}}</section>\n";
static const char MORE_TPL[] = "<h3 class=\"section-subtitle\" id=\"link-more-heading\">{{heading}}"
                               "</h3>\n<ul class=\"items link-more\" "
                               "aria-labelledby=\"link-more-heading\">\n{{{items}}}</ul>\n";
/* A POST with the CSRF token (no other site may start a link); the server
 * keeps the purpose with the state (federate.c), never trusting the
 * callback for it. */
static const char LINK_MORE_TPL[] =
    "<li class=\"item\" data-link=\"{{platform}}\">\n"
    "<form method=\"post\" action=\"/auth/federate/{{platform}}\">\n"
    "{{{csrf}}}<input type=\"hidden\" name=\"purpose\" value=\"link\">\n"
    "<button class=\"button button-secondary fed-{{kind}}\" type=\"submit\">{{text}}</button>\n"
    "</form>\n"
    "</li>\n";

/* "Link another platform" with a button for each of more; "" when none. */
static const char *link_more_html(arena_t *a, ui_lang_t lang, const char *csrf,
                                  const ui_platform_t *more, size_t count)
{
    if (count == 0)
        return "";
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < count; i++) {
        const tpl_var_t label[] = {{"label", more[i].label, false}};
        const tpl_var_t vars[] = {
            {"platform", more[i].name, false},
            {"kind", more[i].kind, false},
            {"csrf", csrf, true},
            {"text", ui_expand(a, ui_text(lang, TXT_PLATFORM_LINK), label, COUNT(label)), false},
        };
        if (!vars[3].value || !csrf)
            return NULL;
        tpl_expand(&b, LINK_MORE_TPL, sizeof LINK_MORE_TPL - 1, vars, COUNT(vars));
    }
    const tpl_var_t vars[] = {{"heading", ui_text(lang, TXT_PLATFORMS_LINK_MORE), false},
                              {"items", buf_cstr(&b), true}};
    return vars[1].value ? ui_expand(a, MORE_TPL, vars, COUNT(vars)) : NULL;
}
static const char LINK_TPL[] =
    "<li class=\"item\" data-platform=\"{{platform}}\">\n"
    "<div class=\"item-body\">\n"
    "<p class=\"item-title\" id=\"platform-{{n}}\">{{label}}</p>\n"
    "<p class=\"meta\">{{email}}{{linked_label}} {{{since}}}</p>\n"
    "</div>\n"
    "<form method=\"post\" action=\"/account/links/unlink\">\n"
    "{{{csrf}}}<input type=\"hidden\" name=\"platform\" value=\"{{platform}}\">\n"
    "<button class=\"button button-secondary\" type=\"submit\" "
    "aria-describedby=\"platform-{{n}}\">{{unlink}}</button>\n"
    "</form>\n"
    "</li>\n";

const char *ui_account_platforms_html(arena_t *a, ui_lang_t lang, const char *csrf,
                                      const ui_account_link_t *links, size_t count,
                                      const ui_platform_t *more, size_t more_count)
{
    const ui_hidden_t hidden[] = {{"csrf", csrf}};
    const char *csrf_html = ui_hidden_html(a, hidden, COUNT(hidden));
    buf_t b;
    buf_init(&b, a);
    if (count == 0) {
        const tpl_var_t vars[] = {{"text", ui_text(lang, TXT_PLATFORMS_NONE), false}};
        tpl_expand(&b, EMPTY_TPL, sizeof EMPTY_TPL - 1, vars, COUNT(vars));
    } else {
        buf_puts(&b, "<ul class=\"items\">\n");
    }
    for (size_t i = 0; i < count; i++) {
        const ui_account_link_t *l = &links[i];
        const char *email = l->email && *l->email ? arena_printf(a, "%s · ", l->email) : "";
        const tpl_var_t vars[] = {
            {"platform", l->platform, false},
            {"n", arena_printf(a, "%zu", i), false},
            {"label", l->label, false},
            {"email", email, false},
            {"linked_label", ui_text(lang, TXT_PLATFORM_LINKED), false},
            {"since", time_html(a, lang, l->since), true},
            {"csrf", csrf_html, true},
            {"unlink", ui_text(lang, TXT_PLATFORM_UNLINK), false},
        };
        if (!email || !vars[1].value || !vars[5].value || !csrf_html)
            return NULL;
        tpl_expand(&b, LINK_TPL, sizeof LINK_TPL - 1, vars, COUNT(vars));
    }
    if (count)
        buf_puts(&b, "</ul>\n");
    const tpl_var_t vars[] = {{"heading", ui_text(lang, TXT_PLATFORMS), false},
                              {"list", buf_cstr(&b), true},
                              {"more", link_more_html(a, lang, csrf_html, more, more_count), true}};
    return vars[1].value && vars[2].value ? ui_expand(a, PLATFORMS_TPL, vars, COUNT(vars)) : NULL;
}

const char *ui_render_account(arena_t *a, const ui_account_t *p)
{
    ui_lang_t lang = p->lang;
    const ui_hidden_t hidden[] = {{"csrf", p->csrf}};
    const char *csrf = ui_hidden_html(a, hidden, COUNT(hidden));
    const char *end_others = NULL;
    const char *nickname_max = arena_printf(a, "%zu", p->nickname_max);
    const char *name_max = arena_printf(a, "%zu", p->name_max);
    const char *password_max = arena_printf(a, "%zu", p->password_max);
    const char *email = email_html(a, p);
    if (!nickname_max || !name_max || !password_max || !email)
        return NULL; /* the escaped values must be whole too */
    if (csrf) {
        const tpl_var_t vars[] = {{"csrf", csrf, true},
                                  {"text", ui_text(lang, TXT_SESSIONS_END_OTHERS), false}};
        end_others = ui_expand(a, END_OTHERS_TPL, vars, COUNT(vars));
    }
    const tpl_var_t vars[] = {
        {"heading", ui_text(lang, TXT_ACCOUNT_TITLE), false},
        {"account_label", ui_text(lang, TXT_CONSENT_ACCOUNT), false},
        {"username", p->username, false},
        {"alert", message_html(a, p), true},
        {"csrf", csrf, true},
        {"profile_heading", ui_text(lang, TXT_PROFILE), false},
        {"nickname_label", ui_text(lang, TXT_NICKNAME), false},
        {"nickname", p->nickname, false},
        {"nickname_max", nickname_max, false},
        {"nickname_invalid", p->invalid & UI_ACCOUNT_BAD_PROFILE ? INVALID_ATTRS : "", true},
        {"name_label", ui_text(lang, TXT_NAME), false},
        {"name", p->name, false},
        {"name_max", name_max, false},
        {"name_invalid", p->invalid & UI_ACCOUNT_BAD_PROFILE ? INVALID_ATTRS : "", true},
        {"profile_submit", ui_text(lang, TXT_PROFILE_SAVE), false},
        {"email_heading", ui_text(lang, TXT_EMAIL), false},
        {"email_current", email, true},
        {"email_label", ui_text(lang, TXT_EMAIL_NEW), false},
        {"email_note", ui_text(lang, TXT_EMAIL_NOTE), false},
        {"email_submit", ui_text(lang, TXT_EMAIL_CHANGE), false},
        {"password_heading", ui_text(lang, TXT_PASSWORD_SECTION), false},
        {"password_hint", ui_text(lang, TXT_PASSWORD_HINT), false},
        {"current_label", ui_text(lang, TXT_PASSWORD_CURRENT), false},
        {"current_invalid", p->invalid & UI_ACCOUNT_BAD_CURRENT ? INVALID_ATTRS : "", true},
        {"new_label", ui_text(lang, TXT_PASSWORD_NEW), false},
        {"again_label", ui_text(lang, TXT_PASSWORD_AGAIN), false},
        {"new_invalid", p->invalid & UI_ACCOUNT_BAD_NEW ? INVALID_ATTRS : "", true},
        {"password_max", password_max, false},
        {"password_submit", ui_text(lang, TXT_PASSWORD_CHANGE), false},
        {"factors", p->factors_html ? p->factors_html : "", true},
        {"platforms", p->platforms_html ? p->platforms_html : "", true},
        {"apps_heading", ui_text(lang, TXT_APPS), false},
        {"apps", csrf ? apps_html(a, p, csrf) : NULL, true},
        {"sessions_heading", ui_text(lang, TXT_SESSIONS), false},
        {"sessions", csrf ? sessions_html(a, p, csrf) : NULL, true},
        {"end_others", end_others, true},
    };
    return page_render_wide(a, lang, ui_text(lang, TXT_ACCOUNT_TITLE), "templates/account.html",
                            vars, COUNT(vars));
}
