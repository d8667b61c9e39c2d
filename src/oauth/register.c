/* /auth/register: self-registration (docs/account.md), as [server]
 * registration says: off (the page says registration is closed), open, or
 * invite (only with the single-use link of `gatehouse user invite`, whose
 * address is taken as verified: the invitation reached it).
 *
 * A POST is counted per client address (throttle_self_service) before
 * anything else; the username must be free and well-formed, the address an
 * address, the password within the policy. An open registration's address
 * gets a verification mail (when the server sends mail); the account can sign
 * in at once, its email_verified claim false until the link is followed.
 *
 * Reached from the sign-in page, the link carries the pending authorization
 * request (checked as /auth/authorize checks it); the form keeps it, and a
 * registration then signs the new member in and continues that request
 * (authorize_resume validates it again), as a sign-in would. */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"

#define USERNAME_MAX 64

typedef struct {
    http_request_t *req;
    http_response_t *res;
    app_t *app;
    ui_lang_t lang;
    const char *invite;     /* the invitation's token (invite mode) */
    const char *request;    /* the pending authorization request's query, or NULL */
    store_mail_link_t link; /* the invitation */
} reg_t;

/* 1-64 of A-Z a-z 0-9 . _ - @, as `user add` takes them. */
static bool username_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > USERNAME_MAX)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("._-@", *p)))
            return false;
    return true;
}

static void fail(reg_t *g, gh_status_t st)
{
    selfservice_message(g->req, g->res, g->lang, st == GH_ERR_UNAVAILABLE ? 503 : 500,
                        UI_MSG_SERVER_ERROR, true);
}

static void form(reg_t *g, int status, ui_msg_t msg, const char *invalid, int64_t retry_after)
{
    const char *csrf = csrf_token(g->req, g->res, NULL);
    const ui_hidden_t hidden[] = {{"csrf", csrf},
                                  {"ui_locales", ui_lang_tag(g->lang)},
                                  {"invite", g->invite},
                                  {"request", g->request}};
    ui_form_t page = {.kind = UI_FORM_REGISTER,
                      .lang = g->lang,
                      .action = REGISTER_PATH,
                      .hidden = hidden,
                      .hidden_count = sizeof hidden / sizeof hidden[0],
                      .username = http_pairs_get(&g->req->form, "username"),
                      .email = g->invite ? g->link.email : http_pairs_get(&g->req->form, "email"),
                      .email_fixed = g->invite != NULL,
                      .min_length = g->app->cfg->password_min_length,
                      .message = msg,
                      .invalid = invalid,
                      .retry_after = (long)retry_after};
    if (retry_after > 0)
        session_retry_after(g->req, g->res, retry_after);
    session_page_respond(g->res, status, csrf ? ui_render_form(g->req->arena, &page) : NULL);
}

/* Whether this request may register: registration open, or invite with a
 * usable invitation; otherwise the page that says why is written. */
static bool admitted(reg_t *g)
{
    int mode = g->app->cfg->registration;
    ui_msg_t why;
    gh_status_t st;
    if (mode == REGISTRATION_OPEN)
        return true;
    if (mode == REGISTRATION_INVITE && g->invite &&
        selfservice_link_find(g->req, STORE_LINK_INVITE, g->invite, &g->link, &why, &st))
        return true;
    if (mode == REGISTRATION_INVITE && g->invite)
        selfservice_link_page(g->req, g->res, g->lang, why, st);
    else
        selfservice_message(g->req, g->res, g->lang, 404, UI_MSG_REGISTRATION_CLOSED, true);
    return false;
}

/* The new account's fields as posted; false when one is refused (the form
 * is written again, saying which). */
static bool fields_ok(reg_t *g, store_user_t *u, const char **password)
{
    const http_pairs_t *f = &g->req->form;
    u->username = http_pairs_get(f, "username");
    u->email = g->invite ? g->link.email : http_pairs_get(f, "email");
    *password = http_pairs_get(f, "password");
    password_problem_t p = PASSWORD_OK;
    if (!username_ok(u->username))
        form(g, 400, UI_MSG_USERNAME_INVALID, "username", 0);
    else if (!mail_address_valid(u->email))
        form(g, 400, UI_MSG_EMAIL_INVALID, "email", 0);
    else if ((p = password_policy_check(*password ? *password : "", u->username,
                                        g->app->cfg->password_min_length, NULL)) != PASSWORD_OK)
        form(g, 400, selfservice_password_msg(p), "password", 0);
    else
        return true;
    return false;
}

/* Creates the account (an invitation is taken first: one account per
 * invitation). */
static gh_status_t create(reg_t *g, store_user_t *u, const char *password)
{
    char *hash = NULL;
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    int64_t now = clock_now();
    u->sub = secret_hex_id(g->req->arena, 16);
    u->created_at = now;
    u->email_verified = g->invite != NULL;
    if (!u->sub)
        return GH_ERR_NOMEM;
    gh_status_t st = secret_password_hash(g->req->arena, password, &SECRET_ARGON2_DEFAULT, &hash);
    store_user_t existing;
    if (st == GH_OK &&
        store_user_find(g->app->store, g->req->arena, u->username, &existing) == GH_OK)
        return GH_ERR_CONFLICT;
    if (st == GH_OK && g->invite) {
        selfservice_token_digest(g->invite, digest);
        st = store_mail_link_take(g->app->store, g->req->arena, digest, STORE_LINK_INVITE, now,
                                  &g->link);
        st = st == GH_ERR_NOT_FOUND ? GH_ERR_INVALID : st; /* used a moment ago */
    }
    u->password_hash = hash;
    return st == GH_OK ? store_user_add(g->app->store, u) : st;
}

/* The new member, signed in with the password just chosen, goes on with
 * the authorization request that sent them here. */
static void continue_request(reg_t *g, const char *sub)
{
    store_session_t session;
    store_authn_t authn = {.amr = SESSION_AMR_PASSWORD, .acr = ACR_PASSWORD};
    gh_status_t st = session_start(g->req, g->res, sub, &authn, clock_now(), &session);
    if (st != GH_OK)
        fail(g, st);
    else
        authorize_resume(g->req, g->res, g->request, &session);
}

static void on_post(reg_t *g)
{
    store_user_t u = {0};
    const char *password = NULL;
    int64_t retry_after = 0;
    gh_status_t st = throttle_self_service(g->req, clock_now(), &retry_after);
    if (st == GH_OK && retry_after > 0) {
        form(g, 429, UI_MSG_TOO_MANY_ATTEMPTS, NULL, retry_after);
        return;
    }
    if (st != GH_OK) {
        fail(g, st);
        return;
    }
    if (!fields_ok(g, &u, &password))
        return;
    st = create(g, &u, password);
    if (st == GH_ERR_CONFLICT) {
        form(g, 409, UI_MSG_USERNAME_TAKEN, "username", 0);
        return;
    }
    if (st == GH_ERR_INVALID) {
        selfservice_message(g->req, g->res, g->lang, 400, UI_MSG_LINK_USED, true);
        return;
    }
    if (st == GH_OK && !u.email_verified)
        st = selfservice_send(g->req, MAIL_VERIFY, STORE_LINK_VERIFY, u.sub, u.email, u.username);
    if (st != GH_OK) {
        fail(g, st);
        return;
    }
    log_event(LOG_INFO, "registered", "sub", u.sub, "invited", g->invite ? "yes" : "no", NULL);
    if (g->request)
        continue_request(g, u.sub);
    else
        selfservice_message(g->req, g->res, g->lang, 201, UI_MSG_REGISTERED, false);
}

void register_handler(http_request_t *req, http_response_t *res)
{
    reg_t g = {.req = req, .res = res, .app = app_of(req), .lang = selfservice_lang(req)};
    bool post = req->method == HTTP_POST;
    g.invite = http_pairs_get(post ? &req->form : &req->query, "invite");
    g.request = post ? http_pairs_get(&req->form, "request") : NULL;
    if (post && req->form_malformed)
        selfservice_message(req, res, g.lang, 400, UI_MSG_BAD_REQUEST, true);
    else if (!admitted(&g))
        return;
    else if (!post && http_pairs_get(&req->query, "client_id") &&
             !authorize_request_check(req, res, &g.request, &g.lang))
        return; /* its error page is written */
    else if (post && !session_csrf_check(req))
        form(&g, 403, UI_MSG_FORM_EXPIRED, NULL, 0);
    else if (post)
        on_post(&g);
    else
        form(&g, 200, UI_MSG_NONE, NULL, 0);
}
