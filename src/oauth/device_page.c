/* /auth/device (RFC 8628 §3.3): where a person approves a device. GET shows
 * the code form (`?user_code=` pre-fills it: verification_uri_complete), or
 * the sign-in form first; the person confirms the code, sees which
 * application asks for what, and allows or denies. Every POST carries a CSRF
 * token and its `step` (login, mfa, code, consent), and the code is looked up
 * again at each step. A member with a second factor gives it after the
 * password (step mfa, mfa_step.c), as at /auth/authorize.
 *
 * User codes are short, so guessing is throttled (throttle.c): wrong codes are
 * counted per session and per address in the store (shared by every
 * instance), and past the limit no code is looked up until the window ends. A
 * code is single use: once allowed or denied it is refused with its own
 * message. */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"
#include "oauth/passkey.h"
#include "ui/ui.h"

typedef struct {
    http_request_t *req;
    http_response_t *res;
    app_t *app;
    ui_lang_t lang;
    const char *user_code; /* as typed or given; may be NULL */
    store_session_t session;
    bool signed_in;
    bool needs_factor; /* signed in with the password alone; the member has a factor */
} device_page_t;

/* ---- pages ---- */

static void error_page(device_page_t *d, int status, ui_msg_t msg)
{
    session_page_respond(d->res, status,
                         ui_render_error(d->req->arena, d->lang, msg, UI_DETAIL_NONE));
}

static void server_error(device_page_t *d, gh_status_t st)
{
    error_page(d, st == GH_ERR_UNAVAILABLE ? 503 : 500, UI_MSG_SERVER_ERROR);
}

/* The CSRF token and the step, plus the user code when it travels hidden. */
static bool hidden_fields(device_page_t *d, const char *step, const char *user_code, ui_hidden_t *h,
                          size_t *n)
{
    const char *csrf = csrf_token(d->req, d->res, d->signed_in ? &d->session : NULL);
    if (!csrf)
        return false;
    *n = 0;
    h[(*n)++] = (ui_hidden_t){"csrf", csrf};
    h[(*n)++] = (ui_hidden_t){"step", step};
    if (user_code)
        h[(*n)++] = (ui_hidden_t){"user_code", user_code};
    return true;
}

static void login_page_waiting(device_page_t *d, int status, ui_msg_t msg, int64_t retry_after)
{
    ui_hidden_t hidden[3];
    ui_login_t page = {.lang = d->lang,
                       .action = DEVICE_PAGE_PATH,
                       .hidden = hidden,
                       .username = http_pairs_get(&d->req->form, "username"),
                       .message = msg,
                       .retry_after = (long)retry_after,
                       .reset_link = selfservice_mail_on(d->app),
                       .register_link = d->app->cfg->registration == REGISTRATION_OPEN};
    bool ok = hidden_fields(d, "login", d->user_code, hidden, &page.hidden_count);
    session_page_respond(d->res, status, ok ? ui_render_login(d->req->arena, &page) : NULL);
}

static void login_page(device_page_t *d, int status, ui_msg_t msg)
{
    login_page_waiting(d, status, msg, 0);
}

static void code_page_waiting(device_page_t *d, int status, ui_msg_t msg, int64_t retry_after)
{
    ui_hidden_t hidden[2];
    ui_device_t page = {.lang = d->lang,
                        .action = DEVICE_PAGE_PATH,
                        .hidden = hidden,
                        .user_code = d->user_code,
                        .message = msg,
                        .retry_after = (long)retry_after};
    bool ok = hidden_fields(d, "code", NULL, hidden, &page.hidden_count);
    session_page_respond(d->res, status, ok ? ui_render_device(d->req->arena, &page) : NULL);
}

static void code_page(device_page_t *d, int status, ui_msg_t msg)
{
    code_page_waiting(d, status, msg, 0);
}

static void consent_page(device_page_t *d, const store_device_t *dev, const store_client_t *client,
                         const store_user_t *user)
{
    ui_hidden_t hidden[3];
    scope_list_t scope;
    ui_consent_t page = {.lang = d->lang,
                         .config = d->app->config,
                         .action = DEVICE_PAGE_PATH,
                         .hidden = hidden,
                         .client_name = client->name && *client->name ? client->name : client->id,
                         .username = user->nickname ? user->nickname : user->username};
    bool ok = scope_parse(d->req->arena, dev->scope, &scope) == GH_OK &&
              scope_consent_items(d->req->arena, &d->app->scopes, &scope, &page) &&
              hidden_fields(d, "consent", d->user_code, hidden, &page.hidden_count);
    session_page_respond(d->res, 200, ok ? ui_render_consent(d->req->arena, &page) : NULL);
}

/* ---- steps ---- */

/* The pending authorization of the code the person typed; otherwise the
 * page that says why is written and false returned. */
static bool lookup(device_page_t *d, store_device_t *dev)
{
    int64_t retry_after = 0;
    char normalized[USER_CODE_LEN + 1], digest[SECRET_DIGEST_HEX_LEN + 1];
    int64_t now = clock_now();
    gh_status_t st = throttle_code_begin(d->req, d->session.digest, now, &retry_after);
    if (st == GH_OK && retry_after > 0) {
        session_retry_after(d->req, d->res, retry_after);
        code_page_waiting(d, 429, UI_MSG_TOO_MANY_CODES, retry_after);
        return false;
    }
    if (st == GH_OK && user_code_normalize(d->user_code, normalized) != GH_OK)
        st = GH_ERR_NOT_FOUND;
    if (st == GH_OK) {
        user_code_digest(normalized, digest);
        st = store_device_find(d->app->store, d->req->arena, digest, now, dev);
    }
    if (st == GH_OK)
        throttle_code_found(d->req, d->session.digest);
    if (st == GH_ERR_NOT_FOUND) {
        log_event(LOG_INFO, "device_code_wrong", "ip", d->req->remote_addr, NULL);
        code_page(d, 400, UI_MSG_USER_CODE_INVALID);
        return false;
    }
    if (st != GH_OK) {
        server_error(d, st);
        return false;
    }
    if (dev->state != STORE_DEVICE_PENDING)
        code_page(d, 400, UI_MSG_USER_CODE_USED);
    return dev->state == STORE_DEVICE_PENDING;
}

/* The second-factor page: the CSRF token, step mfa and the user code. */
static bool mfa_page_init(device_page_t *d, const char *sub, const char *amr, ui_mfa_t *page,
                          ui_hidden_t hidden[3])
{
    *page = (ui_mfa_t){.lang = d->lang, .action = DEVICE_PAGE_PATH, .hidden = hidden};
    mfa_page_ways(d->req, sub, amr, page);
    return hidden_fields(d, "mfa", d->user_code, hidden, &page->hidden_count);
}

static void on_mfa(device_page_t *d)
{
    mfa_signin_t signin;
    mfa_check_t check = {0};
    ui_mfa_t page;
    ui_hidden_t hidden[3];
    gh_status_t st = mfa_signin_current(d->req, &signin);
    if (st == GH_OK) {
        mfa_factor_check(d->req, &signin, &check);
        if (check.status != GH_OK) {
            if (mfa_page_init(d, signin.sub, signin.amr, &page, hidden))
                mfa_page_failed(d->req, d->res, &page, &check);
            else
                server_error(d, GH_ERR_NOMEM);
            return;
        }
        st = mfa_signin_complete(d->req, d->res, &signin, check.amr, &d->session);
    }
    if (st == GH_ERR_NOT_FOUND) {
        login_page(d, 403, UI_MSG_FORM_EXPIRED);
        return;
    }
    if (st != GH_OK) {
        server_error(d, st);
        return;
    }
    d->signed_in = true;
    code_page(d, 200, UI_MSG_NONE);
}

/* The second-factor page, for the password just checked or (a step-up) a
 * session with the password alone of a member who has a factor. */
static void ask_second_factor(device_page_t *d, const char *sub, const char *amr)
{
    ui_mfa_t page;
    ui_hidden_t hidden[3];
    if (mfa_page_init(d, sub, amr, &page, hidden))
        mfa_page(d->req, d->res, 200, &page);
    else
        server_error(d, GH_ERR_NOMEM);
}

static void on_login(device_page_t *d)
{
    int64_t retry_after = 0;
    signin_next_t next = SIGNIN_DONE;
    mfa_signin_t signin;
    gh_status_t st =
        signin_password(d->req, d->res, NULL, NULL, &next, &d->session, &signin, &retry_after);
    if (st == GH_ERR_INVALID || st == GH_ERR_NOT_FOUND) {
        login_page(d, st == GH_ERR_INVALID ? 400 : 401, UI_MSG_BAD_CREDENTIALS);
        return;
    }
    if (st == GH_ERR_THROTTLED) {
        session_retry_after(d->req, d->res, retry_after);
        login_page_waiting(d, 429, UI_MSG_TOO_MANY_ATTEMPTS, retry_after);
        return;
    }
    if (st != GH_OK) {
        server_error(d, st);
        return;
    }
    if (next == SIGNIN_SECOND_FACTOR) {
        ask_second_factor(d, signin.sub, signin.amr);
        return;
    }
    d->signed_in = true;
    code_page(d, 200, UI_MSG_NONE);
}

static void on_code(device_page_t *d)
{
    store_device_t dev;
    store_client_t client;
    store_user_t user;
    if (!lookup(d, &dev))
        return;
    gh_status_t st = store_client_get(d->app->store, d->req->arena, dev.client_id, &client);
    if (st == GH_OK)
        st = store_user_get(d->app->store, d->req->arena, d->session.sub, &user);
    if (st != GH_OK) {
        server_error(d, st);
        return;
    }
    consent_page(d, &dev, &client, &user);
}

static void on_consent(device_page_t *d)
{
    store_device_t dev;
    if (!lookup(d, &dev))
        return;
    const char *decision = http_pairs_get(&d->req->form, "decision");
    bool allow = decision && !strcmp(decision, "allow");
    gh_status_t st = store_device_decide(d->app->store, dev.user_code_digest, clock_now(), allow,
                                         d->session.sub, d->session.auth_time, &d->session.authn);
    if (st == GH_ERR_CONFLICT || st == GH_ERR_NOT_FOUND) {
        code_page(d, 400, UI_MSG_USER_CODE_USED);
        return;
    }
    if (st != GH_OK) {
        server_error(d, st);
        return;
    }
    log_event(LOG_INFO, "device_decided", "client_id", dev.client_id, "decision",
              allow ? "allow" : "deny", NULL);
    session_page_respond(d->res, 200,
                         ui_render_info(d->req->arena, d->lang,
                                        allow ? UI_MSG_DEVICE_APPROVED : UI_MSG_DEVICE_DENIED));
}

static void on_post(device_page_t *d)
{
    const char *step = http_pairs_get(&d->req->form, "step");
    if (!session_csrf_check(d->req)) {
        (d->signed_in ? code_page : login_page)(d, 403, UI_MSG_FORM_EXPIRED);
        return;
    }
    if (step && !strcmp(step, "login"))
        on_login(d);
    else if (step && !strcmp(step, "mfa"))
        on_mfa(d);
    else if (d->needs_factor)
        ask_second_factor(d, d->session.sub, d->session.authn.amr);
    else if (!d->signed_in)
        login_page(d, 200, UI_MSG_NONE);
    else if (step && !strcmp(step, "code"))
        on_code(d);
    else if (step && !strcmp(step, "consent"))
        on_consent(d);
    else
        error_page(d, 400, UI_MSG_BAD_REQUEST);
}

void device_page_handler(http_request_t *req, http_response_t *res)
{
    device_page_t d = {.req = req, .res = res, .app = app_of(req)};
    const http_pairs_t *src = req->method == HTTP_POST ? &req->form : &req->query;
    d.lang = ui_lang_pick(NULL, http_request_header(req, "Accept-Language"));
    d.user_code = http_pairs_get(src, "user_code");
    d.signed_in = session_current(req, &d.session) == GH_OK;
    mfa_need_t need = MFA_NOT_NEEDED;
    if (d.signed_in &&
        mfa_policy(req, d.session.sub, NULL, NULL, d.session.authn.amr, &need) != GH_OK)
        need = MFA_ASK; /* the store failed: ask rather than let a step through */
    d.needs_factor = need == MFA_ASK;
    if (req->method == HTTP_POST && req->form_malformed)
        error_page(&d, 400, UI_MSG_BAD_REQUEST);
    else if (req->method == HTTP_POST)
        on_post(&d);
    else if (d.needs_factor)
        ask_second_factor(&d, d.session.sub, d.session.authn.amr);
    else if (d.signed_in)
        code_page(&d, 200, UI_MSG_NONE);
    else
        login_page(&d, 200, UI_MSG_NONE);
}

/* Declared parameters: repeated or over-long ones are refused before the
 * handler runs. */
const http_param_spec_t DEVICE_PAGE_PARAMS[] = {
    {"user_code", 64}, {"username", 256}, {"password", 1024},       {"csrf", 128}, {"step", 16},
    {"decision", 16},  {"otp", 64},       PASSKEY_ASSERTION_PARAMS, {NULL, 0},
};
