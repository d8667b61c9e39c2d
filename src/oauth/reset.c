/* /auth/reset: a forgotten password, by mail (docs/account.md).
 *
 * GET shows the form (a username or an e-mail address); POST answers the
 * same page whether or not an account matched, so the page tells nobody who
 * has an account, and a matching account gets a mail with a single-use link
 * valid 30 minutes. Requests are counted per address (throttle_self_service,
 * refused visibly: that says nothing about any account) and mails per account
 * (throttle_mail_account, silently not sent past the limit).
 *
 * The link (GET ?token=) shows a new-password form; its POST checks the
 * password policy, takes the link (atomically: one use), sets the password,
 * voids the member's other reset links and ends everything the member holds
 * (oauth_user_end_all: every session, every grant), this browser's session
 * cookie included. */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"
#include "oauth/server.h"

typedef struct {
    http_request_t *req;
    http_response_t *res;
    app_t *app;
    ui_lang_t lang;
} reset_t;

static void fail(reset_t *r, gh_status_t st)
{
    selfservice_message(r->req, r->res, r->lang, st == GH_ERR_UNAVAILABLE ? 503 : 500,
                        UI_MSG_SERVER_ERROR, true);
}

/* One of the two forms, with a message about the input named invalid. */
static void form(reset_t *r, ui_form_kind_t kind, int status, ui_msg_t msg, const char *invalid,
                 int64_t retry_after)
{
    const char *csrf = csrf_token(r->req, r->res, NULL);
    const char *token = http_pairs_get(&r->req->form, "token");
    if (!token)
        token = http_pairs_get(&r->req->query, "token");
    const ui_hidden_t hidden[] = {
        {"csrf", csrf}, {"ui_locales", ui_lang_tag(r->lang)}, {"token", token}};
    ui_form_t page = {.kind = kind,
                      .lang = r->lang,
                      .action = RESET_PATH,
                      .hidden = hidden,
                      .hidden_count = kind == UI_FORM_RESET_PASSWORD ? 3 : 2,
                      .login = http_pairs_get(&r->req->form, "login"),
                      .min_length = r->app->cfg->password_min_length,
                      .message = msg,
                      .invalid = invalid,
                      .retry_after = (long)retry_after};
    if (retry_after > 0)
        session_retry_after(r->req, r->res, retry_after);
    session_page_respond(r->res, status, csrf ? ui_render_form(r->req->arena, &page) : NULL);
}

/* Mails member u a reset link, unless u has no address or had enough mails
 * this hour. */
static gh_status_t mail_member(reset_t *r, const store_user_t *u, int64_t now)
{
    int64_t wait = 0;
    if (!u->email)
        return GH_OK;
    gh_status_t st = throttle_mail_account(r->req, u->sub, now, &wait);
    if (st != GH_OK || wait > 0)
        return st;
    st = selfservice_send(r->req, MAIL_RESET, STORE_LINK_RESET, u->sub, u->email, u->username);
    if (st == GH_ERR_INVALID) /* an address we cannot send to: as if there were none */
        st = GH_OK;
    return st;
}

/* The accounts login names: by address when it holds "@" (several accounts
 * may share one), else by username. */
static gh_status_t members_of(reset_t *r, const char *login, store_user_t **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    if (strchr(login, '@'))
        return store_user_find_by_email(r->app->store, r->req->arena, login, list, n);
    store_user_t *one = arena_alloc(r->req->arena, sizeof *one);
    if (!one)
        return GH_ERR_NOMEM;
    gh_status_t st = store_user_find(r->app->store, r->req->arena, login, one);
    if (st == GH_ERR_NOT_FOUND)
        return GH_OK;
    *list = one;
    *n = st == GH_OK;
    return st;
}

static void on_request(reset_t *r)
{
    const char *login = http_pairs_get(&r->req->form, "login");
    int64_t now = clock_now(), retry_after = 0;
    if (!login || !*login) {
        form(r, UI_FORM_RESET_REQUEST, 400, UI_MSG_BAD_REQUEST, "login", 0);
        return;
    }
    gh_status_t st = throttle_self_service(r->req, now, &retry_after);
    if (st == GH_OK && retry_after > 0) {
        form(r, UI_FORM_RESET_REQUEST, 429, UI_MSG_TOO_MANY_ATTEMPTS, NULL, retry_after);
        return;
    }
    store_user_t *members = NULL;
    size_t n = 0;
    if (st == GH_OK)
        st = members_of(r, login, &members, &n);
    for (size_t i = 0; st == GH_OK && i < n; i++)
        st = mail_member(r, &members[i], now);
    if (st != GH_OK) {
        fail(r, st);
        return;
    }
    log_event(LOG_INFO, "reset_requested", NULL);
    selfservice_message(r->req, r->res, r->lang, 200, UI_MSG_RESET_SENT, false);
}

/* Sets the new password of the link's member; the link is taken first, so
 * of two posts of one link one sets it. */
static gh_status_t set_password(reset_t *r, const char *token, const store_user_t *u,
                                const char *password)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    char *hash = NULL;
    store_mail_link_t l;
    int64_t now = clock_now();
    selfservice_token_digest(token, digest);
    gh_status_t st = secret_password_hash(r->req->arena, password, &SECRET_ARGON2_DEFAULT, &hash);
    if (st == GH_OK)
        st = store_mail_link_take(r->app->store, r->req->arena, digest, STORE_LINK_RESET, now, &l);
    if (st == GH_OK)
        st = store_user_set_password(r->app->store, u->username, hash);
    if (st == GH_OK)
        st = store_mail_link_end_all(r->app->store, u->sub, STORE_LINK_RESET, now);
    if (st == GH_OK) /* every session and grant, as any credential change */
        st = oauth_user_end_all(r->app->store, r->app->cfg, u->sub, NULL);
    return st;
}

static void on_new_password(reset_t *r, const char *token)
{
    const char *password = http_pairs_get(&r->req->form, "password");
    store_mail_link_t l;
    store_user_t u;
    ui_msg_t why;
    gh_status_t st;
    if (!selfservice_link_find(r->req, STORE_LINK_RESET, token, &l, &why, &st)) {
        selfservice_link_page(r->req, r->res, r->lang, why, st);
        return;
    }
    if ((st = store_user_get(r->app->store, r->req->arena, l.sub, &u)) != GH_OK) {
        st == GH_ERR_NOT_FOUND
            ? selfservice_message(r->req, r->res, r->lang, 400, UI_MSG_LINK_INVALID, true)
            : fail(r, st);
        return;
    }
    password_problem_t p = password_policy_check(password ? password : "", u.username,
                                                 r->app->cfg->password_min_length, NULL);
    if (p != PASSWORD_OK) {
        form(r, UI_FORM_RESET_PASSWORD, 400, selfservice_password_msg(p), "password", 0);
        return;
    }
    st = set_password(r, token, &u, password);
    if (st == GH_ERR_NOT_FOUND) { /* taken by a post a moment earlier */
        selfservice_message(r->req, r->res, r->lang, 400, UI_MSG_LINK_USED, true);
        return;
    }
    if (st == GH_OK)
        st = session_end(r->req, r->res);
    if (st != GH_OK) {
        fail(r, st);
        return;
    }
    log_event(LOG_INFO, "password_reset", "sub", u.sub, NULL);
    selfservice_message(r->req, r->res, r->lang, 200, UI_MSG_PASSWORD_RESET_DONE, false);
}

static void on_link(reset_t *r, const char *token)
{
    store_mail_link_t l;
    ui_msg_t why;
    gh_status_t st;
    if (!selfservice_link_find(r->req, STORE_LINK_RESET, token, &l, &why, &st))
        selfservice_link_page(r->req, r->res, r->lang, why, st);
    else
        form(r, UI_FORM_RESET_PASSWORD, 200, UI_MSG_NONE, NULL, 0);
}

void reset_handler(http_request_t *req, http_response_t *res)
{
    reset_t r = {.req = req, .res = res, .app = app_of(req), .lang = selfservice_lang(req)};
    bool post = req->method == HTTP_POST;
    const char *token = http_pairs_get(post ? &req->form : &req->query, "token");
    if (!selfservice_mail_on(r.app))
        selfservice_message(req, res, r.lang, 404, UI_MSG_MAIL_UNAVAILABLE, true);
    else if (post && req->form_malformed)
        selfservice_message(req, res, r.lang, 400, UI_MSG_BAD_REQUEST, true);
    else if (post && !session_csrf_check(req))
        form(&r, token ? UI_FORM_RESET_PASSWORD : UI_FORM_RESET_REQUEST, 403, UI_MSG_FORM_EXPIRED,
             NULL, 0);
    else if (post && token)
        on_new_password(&r, token);
    else if (post)
        on_request(&r);
    else if (token)
        on_link(&r, token);
    else
        form(&r, UI_FORM_RESET_REQUEST, 200, UI_MSG_NONE, NULL, 0);
}
