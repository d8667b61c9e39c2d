/* What the self-service pages share (docs/account.md): their language, the
 * single-use links sent by mail (a random 256-bit token in the link, only
 * its SHA-256 in the store; forged, expired and used links each get their
 * own page), the mail itself, the policy's words; and the two pages of an
 * address: the verification link (/auth/verify: GET shows a confirm button,
 * so a mail scanner that opens links changes nothing; POST confirms) and the
 * change of a signed-in member's address (POST /account/email: the new
 * address replaces the old one only when its link is followed). */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"
#include "oauth/server.h"

#define LINK_TTL_RESET 1800          /* 30 minutes */
#define LINK_TTL_VERIFY 86400        /* a day */
#define LINK_TTL_INVITE (7 * 86400L) /* a week */

const http_param_spec_t SELFSERVICE_PARAMS[] = {
    {"token", 64},
    {"login", MAIL_ADDRESS_MAX},
    {"username", 64},
    {"email", MAIL_ADDRESS_MAX},
    {"password", PASSWORD_POLICY_MAX_BYTES},
    {"csrf", 128},
    {"ui_locales", 64},
    {"invite", 64},
    {NULL, 0},
};

ui_lang_t selfservice_lang(const http_request_t *req)
{
    const char *locales = http_pairs_get(&req->form, "ui_locales");
    if (!locales)
        locales = http_pairs_get(&req->query, "ui_locales");
    return ui_lang_pick(locales, http_request_header(req, "Accept-Language"));
}

bool selfservice_mail_on(const app_t *app)
{
    return mail_configured(app->smtp);
}

bool selfservice_is_page(http_handler_fn h)
{
    return h == reset_handler || h == verify_handler || h == register_handler ||
           h == account_email_handler;
}

void selfservice_message(http_request_t *req, http_response_t *res, ui_lang_t lang, int status,
                         ui_msg_t msg, bool error)
{
    const char *html = error ? ui_render_error(req->arena, lang, msg, UI_DETAIL_NONE)
                             : ui_render_info(req->arena, lang, msg);
    session_page_respond(res, status, html);
}

ui_msg_t selfservice_password_msg(password_problem_t p)
{
    switch (p) {
    case PASSWORD_TOO_SHORT:
        return UI_MSG_PASSWORD_TOO_SHORT;
    case PASSWORD_COMMON:
        return UI_MSG_PASSWORD_COMMON;
    case PASSWORD_HAS_USERNAME:
        return UI_MSG_PASSWORD_HAS_USERNAME;
    case PASSWORD_TOO_LONG:
        return UI_MSG_FIELD_TOO_LONG;
    default:
        return UI_MSG_PASSWORD_TOO_SIMPLE;
    }
}

void selfservice_token_digest(const char *token, char digest[65])
{
    secret_sha256_hex(token, strlen(token), digest);
}

static const char *page_of(const char *purpose)
{
    if (!strcmp(purpose, STORE_LINK_RESET))
        return RESET_PATH;
    if (!strcmp(purpose, STORE_LINK_INVITE))
        return REGISTER_PATH;
    return VERIFY_PATH;
}

static int64_t ttl_of(const char *purpose)
{
    if (!strcmp(purpose, STORE_LINK_RESET))
        return LINK_TTL_RESET;
    if (!strcmp(purpose, STORE_LINK_INVITE))
        return LINK_TTL_INVITE;
    return LINK_TTL_VERIFY;
}

gh_status_t oauth_link_new(store_t *store, const char *issuer, arena_t *a, const char *purpose,
                           const char *sub, const char *email, int64_t now, const char **url)
{
    const char *token = NULL, *digest = NULL;
    gh_status_t st = tokens_mint(a, &token, &digest);
    if (st != GH_OK)
        return st;
    store_mail_link_t l = {
        .purpose = purpose, .sub = sub, .email = email, .expires_at = now + ttl_of(purpose)};
    if ((st = store_mail_link_put(store, digest, &l, now)) != GH_OK)
        return st;
    const char *param = !strcmp(purpose, STORE_LINK_INVITE) ? "invite" : "token";
    *url = arena_printf(a, "%s%s?%s=%s", issuer, page_of(purpose), param, token);
    return *url ? GH_OK : GH_ERR_NOMEM;
}

bool selfservice_link_find(const http_request_t *req, const char *purpose, const char *token,
                           store_mail_link_t *out, ui_msg_t *why, gh_status_t *st)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    *st = GH_OK;
    *why = UI_MSG_LINK_INVALID;
    if (!mail_token_valid(token))
        return false;
    selfservice_token_digest(token, digest);
    *st = store_mail_link_get(app_of(req)->store, req->arena, digest, purpose, out);
    if (*st == GH_ERR_NOT_FOUND) {
        *st = GH_OK;
        return false;
    }
    if (*st != GH_OK)
        *why = UI_MSG_SERVER_ERROR;
    else if (out->used_at)
        *why = UI_MSG_LINK_USED;
    else if (out->expires_at <= clock_now())
        *why = UI_MSG_LINK_EXPIRED;
    else
        return true;
    return false;
}

gh_status_t selfservice_send(http_request_t *req, mail_kind_t kind, const char *purpose,
                             const char *sub, const char *to, const char *username)
{
    app_t *app = app_of(req);
    int64_t now = clock_now();
    const char *url = NULL;
    if (!selfservice_mail_on(app))
        return GH_OK;
    gh_status_t st =
        oauth_link_new(app->store, app->cfg->issuer, req->arena, purpose, sub, to, now, &url);
    mail_request_t m = {
        .kind = kind, .lang = selfservice_lang(req), .to = to, .username = username, .link = url};
    if (st == GH_OK)
        st = mail_queue(app->store, app->smtp, req->arena, &m, now);
    if (st == GH_OK)
        mail_worker_wake(app->mail);
    return st;
}

/* ---- /auth/verify ---- */

void selfservice_link_page(http_request_t *req, http_response_t *res, ui_lang_t lang, ui_msg_t why,
                           gh_status_t st)
{
    int status = why != UI_MSG_SERVER_ERROR ? 400 : st == GH_ERR_UNAVAILABLE ? 503 : 500;
    selfservice_message(req, res, lang, status, why, true);
}

/* The verification link of token, of either kind (a registration's or an
 * address change's); false when neither (the page is written). */
static bool verify_link(http_request_t *req, http_response_t *res, ui_lang_t lang,
                        const char *token, store_mail_link_t *l)
{
    ui_msg_t why;
    gh_status_t st;
    if (selfservice_link_find(req, STORE_LINK_VERIFY, token, l, &why, &st))
        return true;
    /* not a registration's link (or not one at all): the change's answer */
    if (why == UI_MSG_LINK_INVALID &&
        selfservice_link_find(req, STORE_LINK_EMAIL, token, l, &why, &st))
        return true;
    selfservice_link_page(req, res, lang, why, st);
    return false;
}

static void verify_confirm(http_request_t *req, http_response_t *res, ui_lang_t lang,
                           const char *token)
{
    app_t *app = app_of(req);
    store_mail_link_t l;
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    if (!verify_link(req, res, lang, token, &l))
        return;
    selfservice_token_digest(token, digest);
    int64_t now = clock_now();
    gh_status_t st = store_mail_link_take(app->store, req->arena, digest, l.purpose, now, &l);
    bool change = st == GH_OK && !strcmp(l.purpose, STORE_LINK_EMAIL);
    if (st == GH_OK)
        st = store_user_confirm_email(app->store, l.sub, l.email, !change);
    if (st == GH_OK && change) /* other pending addresses are void now */
        st = store_mail_link_end_all(app->store, l.sub, STORE_LINK_EMAIL, now);
    if (st == GH_ERR_NOT_FOUND) { /* used meanwhile, or the address changed since */
        selfservice_message(req, res, lang, 400, UI_MSG_LINK_USED, true);
        return;
    }
    if (st != GH_OK) {
        selfservice_message(req, res, lang, st == GH_ERR_UNAVAILABLE ? 503 : 500,
                            UI_MSG_SERVER_ERROR, true);
        return;
    }
    log_event(LOG_INFO, change ? "email_changed" : "email_verified", "sub", l.sub, NULL);
    selfservice_message(req, res, lang, 200, UI_MSG_EMAIL_VERIFIED, false);
}

void verify_handler(http_request_t *req, http_response_t *res)
{
    ui_lang_t lang = selfservice_lang(req);
    const http_pairs_t *src = req->method == HTTP_POST ? &req->form : &req->query;
    const char *token = http_pairs_get(src, "token");
    store_mail_link_t l;
    if (req->method == HTTP_POST && req->form_malformed) {
        selfservice_message(req, res, lang, 400, UI_MSG_BAD_REQUEST, true);
        return;
    }
    if (req->method == HTTP_POST) {
        if (!session_csrf_check(req))
            selfservice_message(req, res, lang, 403, UI_MSG_FORM_EXPIRED, true);
        else
            verify_confirm(req, res, lang, token);
        return;
    }
    if (!verify_link(req, res, lang, token, &l))
        return;
    const char *csrf = csrf_token(req, res, NULL);
    const ui_hidden_t hidden[] = {{"csrf", csrf}, {"token", token}};
    ui_form_t page = {.kind = UI_FORM_VERIFY,
                      .lang = lang,
                      .action = VERIFY_PATH,
                      .hidden = hidden,
                      .hidden_count = 2,
                      .email = l.email};
    session_page_respond(res, 200, csrf ? ui_render_form(req->arena, &page) : NULL);
}

/* ---- POST /account/email ---- */

/* Why the request may not change the address of its member (*user), with
 * the page's status; UI_MSG_NONE when it may. */
static ui_msg_t email_change_refusal(http_request_t *req, store_user_t *user, int *status,
                                     int64_t *retry_after)
{
    app_t *app = app_of(req);
    store_session_t session;
    gh_status_t st = session_current(req, &session);
    if (st == GH_OK)
        st = store_user_get(app->store, req->arena, session.sub, user);
    *status = st == GH_ERR_NOT_FOUND ? 401 : st == GH_ERR_UNAVAILABLE ? 503 : 500;
    if (st != GH_OK)
        return st == GH_ERR_NOT_FOUND ? UI_MSG_SIGN_IN_FIRST : UI_MSG_SERVER_ERROR;
    *status = 403;
    if (req->form_malformed || !session_csrf_check(req))
        return UI_MSG_FORM_EXPIRED;
    *status = 400;
    if (!mail_address_valid(http_pairs_get(&req->form, "email")))
        return UI_MSG_EMAIL_INVALID;
    *status = 503;
    if (!selfservice_mail_on(app))
        return UI_MSG_MAIL_UNAVAILABLE;
    st = throttle_mail_account(req, user->sub, clock_now(), retry_after);
    *status = st != GH_OK ? 503 : 429;
    if (st != GH_OK)
        return UI_MSG_SERVER_ERROR;
    return *retry_after > 0 ? UI_MSG_TOO_MANY_ATTEMPTS : UI_MSG_NONE;
}

void account_email_handler(http_request_t *req, http_response_t *res)
{
    ui_lang_t lang = selfservice_lang(req);
    store_user_t user;
    int status = 500;
    int64_t retry_after = 0;
    ui_msg_t refusal = email_change_refusal(req, &user, &status, &retry_after);
    if (refusal != UI_MSG_NONE) {
        if (retry_after > 0)
            session_retry_after(req, res, retry_after);
        selfservice_message(req, res, lang, status, refusal, true);
        return;
    }
    gh_status_t st = selfservice_send(req, MAIL_EMAIL_CHANGE, STORE_LINK_EMAIL, user.sub,
                                      http_pairs_get(&req->form, "email"), user.username);
    if (st != GH_OK) {
        selfservice_message(req, res, lang, st == GH_ERR_UNAVAILABLE ? 503 : 500,
                            UI_MSG_SERVER_ERROR, true);
        return;
    }
    selfservice_message(req, res, lang, 200, UI_MSG_EMAIL_CHANGE_SENT, false);
}
