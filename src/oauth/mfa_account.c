/* /account/mfa: a signed-in member sets up TOTP and recovery codes
 * (docs/mfa.md). Standalone: the account page links here.
 *
 * GET without a confirmed TOTP shows a secret waiting for its first code
 * (made on the first visit, the same one on a reload, until confirmed): the
 * QR code of its otpauth:// URI and the key as text, and a form for the first
 * code. POST action=confirm checks that code (±1 step, throttled as at
 * sign-in); the secret then counts, and ten recovery codes are made and shown
 * once. With a confirmed TOTP, GET says so with the recovery codes left, and
 * POST action=recovery makes a new set that replaces the old; POST
 * action=off with a current code or a recovery code (mfa_code_check: proof
 * of possession, throttled) turns the authenticator app off: the TOTP secret
 * and the recovery codes go (passkeys stay), the member's other sessions end,
 * and the browser goes back to /account?done=mfa_off. Every POST carries the
 * session's CSRF token. */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/secret.h"
#include "mfa/mfa.h"
#include "oauth/audit.h"
#include "oauth/oauth_int.h"
#include "oauth/server.h"

typedef struct {
    http_request_t *req;
    http_response_t *res;
    app_t *app;
    ui_lang_t lang;
    store_session_t session;
    ui_hidden_t hidden[2];
    ui_hidden_t off_hidden[2];
    ui_mfa_account_t page;
} account_t;

static void server_error(account_t *c, gh_status_t st)
{
    session_page_respond(
        c->res, st == GH_ERR_UNAVAILABLE ? 503 : 500,
        ui_render_error(c->req->arena, c->lang, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE));
}

static void respond(account_t *c, int status, ui_mfa_state_t state, const char *form_action)
{
    const char *csrf = csrf_token(c->req, c->res, &c->session);
    c->hidden[0] = (ui_hidden_t){"csrf", csrf};
    c->hidden[1] = (ui_hidden_t){"action", form_action};
    c->page.lang = c->lang;
    c->page.state = state;
    c->page.action = MFA_ACCOUNT_PATH;
    c->page.hidden = c->hidden;
    c->page.hidden_count = 2;
    c->off_hidden[0] = c->hidden[0];
    c->off_hidden[1] = (ui_hidden_t){"action", "off"};
    c->page.off_hidden = c->off_hidden;
    c->page.off_hidden_count = 2;
    const char *html = csrf ? ui_render_mfa_account(c->req->arena, &c->page) : NULL;
    http_response_header(c->res, "Cache-Control", "no-store"); /* secrets on the page */
    session_page_respond(c->res, status, html);
}

/* The member's unconfirmed secret (a new one when there is none) on the
 * setup page, with status and the page's message. */
static void setup_page(account_t *c, int status)
{
    store_t *s = c->app->store;
    arena_t *a = c->req->arena;
    store_mfa_totp_t t;
    store_user_t user;
    unsigned char *raw = NULL;
    size_t n = 0;
    char *key = NULL;
    gh_status_t st = store_mfa_totp_get(s, a, c->session.sub, &t);
    if (st == GH_OK)
        st = mfa_totp_read(c->app, a, &t, &raw, &n);
    if (st != GH_OK) { /* none yet, or one sealed under an older key: a new one */
        char *sealed = NULL;
        st = mfa_totp_new(a, &raw, &key);
        n = MFA_TOTP_SECRET_BYTES;
        if (st == GH_OK)
            st = mfa_totp_seal(a, c->app->mfa_keys.current, c->session.sub, raw, n, &sealed);
        if (st == GH_OK)
            st = store_mfa_totp_begin(s, &(store_mfa_totp_t){.sub = c->session.sub,
                                                             .secret = sealed,
                                                             .created_at = clock_now()});
    }
    if (st == GH_OK)
        st = store_user_get(s, a, c->session.sub, &user);
    if (st != GH_OK) {
        server_error(c, st);
        return;
    }
    c->page.key = key ? key : mfa_totp_base32(a, raw, n);
    c->page.uri =
        c->page.key ? mfa_totp_uri(a, c->app->cfg->issuer, user.username, c->page.key) : NULL;
    if (!c->page.uri) {
        server_error(c, GH_ERR_NOMEM);
        return;
    }
    respond(c, status, UI_MFA_SETUP, "confirm");
}

/* A new set of recovery codes, shown once. */
static void new_codes(account_t *c)
{
    char **shown = NULL, **digests = NULL;
    gh_status_t st = mfa_recovery_new(c->req->arena, c->session.sub, &shown, &digests);
    if (st == GH_OK)
        st = store_mfa_recovery_replace(c->app->store, c->session.sub, digests, MFA_RECOVERY_COUNT,
                                        clock_now());
    if (st != GH_OK) {
        server_error(c, st);
        return;
    }
    log_event(LOG_INFO, "mfa_recovery_codes_made", NULL);
    audit_event(c->req, c->session.sub, "mfa.recovery_new", c->session.sub, NULL);
    c->page.codes = shown;
    c->page.code_count = MFA_RECOVERY_COUNT;
    respond(c, 200, UI_MFA_CODES, "");
}

static void status_page(account_t *c, int status)
{
    int64_t left = 0;
    gh_status_t st = store_mfa_recovery_count(c->app->store, c->session.sub, &left);
    if (st != GH_OK) {
        server_error(c, st);
        return;
    }
    c->page.left = (long)left;
    respond(c, status, UI_MFA_ON, "recovery");
}

/* The first code for the unconfirmed secret. */
static void on_confirm(account_t *c, const store_mfa_totp_t *t)
{
    const char *otp = http_pairs_get(&c->req->form, "otp");
    char digits[MFA_RECOVERY_DIGITS + 1];
    mfa_code_kind_t kind;
    unsigned char *raw = NULL;
    size_t n = 0;
    int64_t step = 0, wait = 0, now = clock_now();
    if (!otp || mfa_code_parse(otp, strlen(otp), &kind, digits) != GH_OK || kind != MFA_CODE_TOTP) {
        c->page.message = UI_MSG_MFA_MALFORMED;
        setup_page(c, 400);
        return;
    }
    gh_status_t st = throttle_mfa_begin(c->req, c->session.sub, now, &wait);
    if (st == GH_OK && wait > 0) {
        session_retry_after(c->req, c->res, wait);
        c->page.message = UI_MSG_TOO_MANY_CODES;
        c->page.retry_after = (long)wait;
        setup_page(c, 429);
        return;
    }
    if (st == GH_OK)
        st = mfa_totp_read(c->app, c->req->arena, t, &raw, &n);
    if (st == GH_OK && !mfa_totp_match(raw, n, digits, now, t->last_step, &step)) {
        c->page.message = UI_MSG_MFA_BAD_CODE;
        setup_page(c, 401);
        return;
    }
    if (st == GH_OK)
        st = store_mfa_totp_confirm(c->app->store, c->session.sub, step);
    if (st == GH_ERR_NOT_FOUND) { /* confirmed meanwhile by another request */
        status_page(c, 200);
        return;
    }
    if (st != GH_OK) {
        server_error(c, st);
        return;
    }
    throttle_mfa_success(c->req, c->session.sub, now);
    log_event(LOG_INFO, "mfa_totp_enrolled", NULL);
    audit_event(c->req, c->session.sub, "mfa.enroll", c->session.sub,
                audit_details(c->req->arena, "method", "totp", NULL));
    new_codes(c);
}

/* action=off: a code proves the member holds the app (or its recovery
 * codes); then the app is off and every other session of the member ends. */
static void on_off(account_t *c)
{
    mfa_check_t check;
    mfa_code_check(c->req, c->session.sub, &check);
    if (check.status == GH_ERR_INVALID || check.status == GH_ERR_NOT_FOUND ||
        check.status == GH_ERR_THROTTLED) {
        int status = check.status == GH_ERR_INVALID ? 400 : 401;
        c->page.message =
            check.status == GH_ERR_INVALID ? UI_MSG_MFA_MALFORMED : UI_MSG_MFA_BAD_CODE;
        if (check.status == GH_ERR_THROTTLED) {
            session_retry_after(c->req, c->res, check.retry_after);
            c->page.message = UI_MSG_TOO_MANY_CODES;
            c->page.retry_after = (long)check.retry_after;
            status = 429;
        }
        status_page(c, status);
        return;
    }
    gh_status_t st = check.status;
    if (st == GH_OK)
        st = store_mfa_totp_remove(c->app->store, c->session.sub);
    if (st == GH_OK)
        st = oauth_user_end_all(c->app->store, c->app->cfg, c->session.sub, c->session.digest);
    if (st != GH_OK) {
        server_error(c, st);
        return;
    }
    log_event(LOG_INFO, "mfa_totp_removed", NULL);
    audit_event(c->req, c->session.sub, "mfa.remove", c->session.sub,
                audit_details(c->req->arena, "method", "totp", "by",
                              check.recovery ? "recovery" : "totp", NULL));
    http_response_redirect(c->res, 303, "/account?done=mfa_off");
}

static void on_post(account_t *c, const store_mfa_totp_t *t, bool enrolled)
{
    const char *action = http_pairs_get(&c->req->form, "action");
    if (c->req->form_malformed || !session_csrf_check(c->req)) {
        c->page.message = UI_MSG_FORM_EXPIRED;
        if (enrolled)
            status_page(c, 403);
        else
            setup_page(c, 403);
        return;
    }
    if (action && !strcmp(action, "confirm") && !enrolled && t)
        on_confirm(c, t);
    else if (action && !strcmp(action, "recovery") && enrolled)
        new_codes(c);
    else if (action && !strcmp(action, "off") && enrolled)
        on_off(c);
    else if (enrolled)
        status_page(c, 200);
    else
        setup_page(c, 200);
}

void mfa_account_handler(http_request_t *req, http_response_t *res)
{
    account_t c = {.req = req, .res = res, .app = app_of(req)};
    c.lang = ui_lang_pick(NULL, http_request_header(req, "Accept-Language"));
    gh_status_t st = session_current(req, &c.session);
    if (st == GH_ERR_NOT_FOUND) {
        session_page_respond(res, 401, ui_render_info(req->arena, c.lang, UI_MSG_SIGN_IN_FIRST));
        return;
    }
    store_mfa_totp_t t;
    if (st == GH_OK)
        st = store_mfa_totp_get(c.app->store, req->arena, c.session.sub, &t);
    if (st != GH_OK && st != GH_ERR_NOT_FOUND) {
        server_error(&c, st);
        return;
    }
    bool exists = st == GH_OK, enrolled = exists && t.confirmed;
    if (req->method == HTTP_POST)
        on_post(&c, exists ? &t : NULL, enrolled);
    else if (enrolled)
        status_page(&c, 200);
    else
        setup_page(&c, 200);
}

/* Declared parameters: repeated or over-long ones are refused first. */
const http_param_spec_t MFA_ACCOUNT_PARAMS[] = {
    {"otp", MFA_CODE_INPUT_MAX}, {"csrf", 128}, {"action", 16}, {NULL, 0}};
