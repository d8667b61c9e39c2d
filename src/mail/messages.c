/* The messages the server sends, in English and Korean, and their way into
 * the outbox (mail_queue). Each message is a few fixed sentences; the
 * username and the link are the only values in it, escaped in the HTML part.
 * Every message says what to do when the person did not ask for it. */
#include <string.h>

#include "core/log.h"
#include "core/secret.h"
#include "mail/mail.h"

#define LANGS 2

typedef struct {
    const char *subject;
    const char *intro;  /* holds {{user}} where the username goes */
    const char *action; /* the link's words in HTML */
    const char *outro;  /* what to do if you did not ask */
} message_text_t;

static const message_text_t TEXTS[][LANGS] = {
    [MAIL_RESET] =
        {{"Reset your Gatehouse password",
          "Someone asked to reset the password of your Gatehouse account {{user}}. Open the link "
          "below within 30 minutes to choose a new password. It works once.",
          "Choose a new password",
          "If you did not ask for this, ignore this mail: your password stays as it is."},
         {"Gatehouse 비밀번호 재설정",
          "Gatehouse 계정 {{user}}의 비밀번호 재설정을 요청하셨습니다. 30분 안에 아래 링크를 "
          "열어 새 비밀번호를 정해 주세요. 링크는 한 번만 쓸 수 있습니다.",
          "새 비밀번호 정하기",
          "요청하지 않으셨다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다."}},
    [MAIL_VERIFY] =
        {{"Confirm your e-mail address",
          "Welcome to Gatehouse, {{user}}. Open the link below within 24 hours to confirm that "
          "this is your e-mail address.",
          "Confirm my address", "If you did not create this account, ignore this mail."},
         {"이메일 주소 확인",
          "{{user}}님, Gatehouse에 오신 것을 환영합니다. 24시간 안에 아래 링크를 열어 이 "
          "이메일 주소를 확인해 주세요.",
          "이메일 주소 확인하기", "계정을 만들지 않으셨다면 이 메일을 무시하세요."}},
    [MAIL_EMAIL_CHANGE] =
        {{"Confirm your new e-mail address",
          "The Gatehouse account {{user}} asked to use this e-mail address from now on. Open "
          "the link below within 24 hours to confirm it; until then the old address stays.",
          "Use this address", "If you did not ask for this, ignore this mail: nothing changes."},
         {"새 이메일 주소 확인",
          "Gatehouse 계정 {{user}}에서 앞으로 이 이메일 주소를 쓰겠다고 요청했습니다. 24시간 "
          "안에 아래 링크를 열어 확인해 주세요. 확인 전까지는 이전 주소가 유지됩니다.",
          "이 주소 사용하기",
          "요청하지 않으셨다면 이 메일을 무시하세요. 아무것도 바뀌지 않습니다."}},
    [MAIL_INVITE] =
        {{"You are invited to Gatehouse",
          "You are invited to create a Gatehouse account. Open the link below within 7 days to "
          "choose a username and a password. It works once.",
          "Create my account", "If you do not want an account, ignore this mail."},
         {"Gatehouse 초대",
          "Gatehouse 계정 만들기에 초대되었습니다. 7일 안에 아래 링크를 열어 아이디와 "
          "비밀번호를 정해 주세요. 링크는 한 번만 쓸 수 있습니다.",
          "계정 만들기", "계정이 필요 없으시면 이 메일을 무시하세요."}},
};

bool mail_configured(const config_smtp_t *cfg)
{
    return cfg && cfg->url && *cfg->url && cfg->from && *cfg->from;
}

/* Appends text to b with {{user}} replaced by user, HTML-escaped when html. */
static void sentence_append(buf_t *b, const char *text, const char *user, bool html)
{
    const char *tag = strstr(text, "{{user}}");
    size_t head = tag ? (size_t)(tag - text) : strlen(text);
    buf_append(b, text, head);
    if (!tag)
        return;
    if (html)
        ui_html_escape(b, user ? user : "");
    else
        buf_puts(b, user ? user : "");
    buf_puts(b, tag + strlen("{{user}}"));
}

static const char *text_part(arena_t *a, const message_text_t *t, const mail_request_t *r)
{
    buf_t b;
    buf_init(&b, a);
    sentence_append(&b, t->intro, r->username, false);
    buf_printf(&b, "\n\n%s\n\n%s\n\n-- \nGatehouse\n", r->link, t->outro);
    return buf_cstr(&b);
}

static const char *html_part(arena_t *a, const message_text_t *t, const mail_request_t *r)
{
    buf_t b;
    buf_init(&b, a);
    buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
               ui_lang_tag(r->lang));
    ui_html_escape(&b, t->subject);
    buf_puts(&b, "</title></head>\n<body>\n<p>");
    sentence_append(&b, t->intro, r->username, true);
    buf_puts(&b, "</p>\n<p><a href=\"");
    ui_html_escape(&b, r->link);
    buf_puts(&b, "\">");
    ui_html_escape(&b, t->action);
    buf_puts(&b, "</a></p>\n<p>");
    ui_html_escape(&b, r->link);
    buf_puts(&b, "</p>\n<p>");
    ui_html_escape(&b, t->outro);
    buf_puts(&b, "</p>\n</body></html>\n");
    return buf_cstr(&b);
}

gh_status_t mail_queue(store_t *s, const config_smtp_t *cfg, arena_t *a, const mail_request_t *r,
                       int64_t now)
{
    if (!mail_configured(cfg))
        return GH_ERR_UNAVAILABLE;
    if (!mail_address_valid(r->to))
        return GH_ERR_INVALID;
    const message_text_t *t = &TEXTS[r->kind][r->lang == UI_LANG_KO ? 1 : 0];
    mail_mime_t m = {.from = cfg->from,
                     .to = r->to,
                     .subject = t->subject,
                     .message_id = secret_hex_id(a, 16),
                     .date = now,
                     .text = text_part(a, t, r),
                     .html = html_part(a, t, r)};
    if (!m.message_id || !m.text || !m.html)
        return GH_ERR_NOMEM;
    buf_t b;
    buf_init(&b, a);
    gh_status_t st = mail_mime_build(&b, &m);
    if (st != GH_OK)
        return st;
    store_mail_t row = {.id = m.message_id, .recipient = r->to, .message = buf_cstr(&b)};
    st = store_outbox_add(s, &row, now);
    if (st == GH_OK)
        log_event(LOG_INFO, "mail_queued", "id", row.id, NULL);
    return st;
}
