/* /account (issue 21): the member's own page. GET shows it (or, without a
 * session, the sign-in form, which posts to /account/login and comes back
 * here: the way back is this fixed path, never one taken from the request);
 * each action is a POST to its own path under /account, checked against the
 * session's CSRF token (session_csrf_check), and answered with 303 back to
 * /account?done=WHAT (the confirmation shown) or with the page again and its
 * error. Pages are no-store (every HTML answer is) and carry the pages'
 * security headers.
 *
 * The password form checks the current password as sign-in does (argon2id,
 * under the sign-in throttle of the member's account); a new password ends
 * every other session of the member and every grant (oauth_user_end_all,
 * keeping this session). Revoking an application withdraws the consent and
 * that client's grants (revoke_consent). A session in the list is named by a
 * handle derived from its digest, never the digest itself.
 *
 * E-mail changes are posted to /account/email, which the mail feature
 * serves; the sections of second factors and linked platforms come from
 * account_sections.c, and a platform is unlinked as `gatehouse user unlink`
 * does (member_unlink_served: never the last way to sign in). */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/encoding.h"
#include "core/password_policy.h"
#include "core/secret.h"
#include "oauth/audit.h"
#include "oauth/oauth_int.h"
#include "oauth/passkey.h"
#include "oauth/server.h"

#define ACCOUNT_PATH "/account"
#define NAME_CHARS 128
#define PASSWORD_MAX_CHARS 1024
#define HANDLE_LEN 32 /* hex digits of a session's handle */

typedef struct {
    http_request_t *req;
    http_response_t *res;
    app_t *app;
    ui_lang_t lang;
    store_session_t session;
    store_user_t user;
} account_t;

/* What a page shows above its sections. */
typedef struct {
    ui_msg_t msg;
    bool notice; /* a confirmation rather than an error */
    int invalid; /* UI_ACCOUNT_BAD_* */
    int64_t retry_after;
} outcome_t;

/* ---- answers ---- */

static void error_page(account_t *c, gh_status_t st)
{
    int status = st == GH_ERR_UNAVAILABLE ? 503 : 500;
    session_page_respond(
        c->res, status,
        ui_render_error(c->req->arena, c->lang, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE));
}

static void login_page(account_t *c, int status, ui_msg_t msg, int64_t retry_after)
{
    const char *csrf = csrf_token(c->req, c->res, NULL);
    const ui_hidden_t hidden[] = {{"csrf", csrf}};
    ui_login_t page = {.lang = c->lang,
                       .action = ACCOUNT_PATH "/login",
                       .hidden = hidden,
                       .hidden_count = 1,
                       .username = http_pairs_get(&c->req->form, "username"),
                       .message = msg,
                       .retry_after = (long)retry_after};
    session_page_respond(c->res, status, csrf ? ui_render_login(c->req->arena, &page) : NULL);
}

/* Back to the page, which shows what happened (done names it). */
static void done(account_t *c, const char *what)
{
    const char *location = arena_printf(c->req->arena, ACCOUNT_PATH "?done=%s", what);
    if (location)
        http_response_redirect(c->res, 303, location);
    else
        http_response_text(c->res, 500, "internal error");
}

/* The handle the page gives session digest: not the digest, which names
 * the session in the store. */
static const char *session_handle(arena_t *a, const char *digest)
{
    const char *bound = arena_printf(a, "account-session:%s", digest);
    char *hex = arena_alloc(a, SECRET_DIGEST_HEX_LEN + 1);
    if (!bound || !hex)
        return NULL;
    secret_sha256_hex(bound, strlen(bound), hex);
    hex[HANDLE_LEN] = '\0';
    return hex;
}

/* The connected applications, named as the consent page names them. */
static gh_status_t list_apps(account_t *c, ui_account_t *page)
{
    store_consent_t *consents = NULL;
    size_t n = 0;
    gh_status_t st =
        store_consent_list(c->app->store, c->req->arena, c->session.sub, &consents, &n);
    ui_account_app_t *apps = n ? arena_alloc(c->req->arena, n * sizeof *apps) : NULL;
    if (st != GH_OK || (n && !apps))
        return st != GH_OK ? st : GH_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        scope_list_t scope = {0};
        ui_consent_t items = {0};
        if (scope_parse(c->req->arena, consents[i].scope, &scope) != GH_OK)
            scope.count = 0; /* stored by us; a bad one names nothing */
        if (!scope_consent_items(c->req->arena, &c->app->scopes, &scope, &items))
            return GH_ERR_NOMEM;
        apps[i] = (ui_account_app_t){.client_id = consents[i].client_id,
                                     .client_name = consents[i].client_name,
                                     .claims = items.claims,
                                     .claim_scopes = items.claim_scopes,
                                     .claim_count = items.claim_count,
                                     .scopes = items.scopes,
                                     .scope_count = items.scope_count,
                                     .last_used_at = consents[i].last_used_at};
    }
    page->apps = apps;
    page->app_count = n;
    return GH_OK;
}

static gh_status_t list_sessions(account_t *c, ui_account_t *page)
{
    store_session_t *rows = NULL;
    size_t n = 0;
    gh_status_t st =
        store_session_list(c->app->store, c->req->arena, c->session.sub, clock_now(), &rows, &n);
    ui_account_session_t *out = n ? arena_alloc(c->req->arena, n * sizeof *out) : NULL;
    if (st != GH_OK || (n && !out))
        return st != GH_OK ? st : GH_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        out[i] = (ui_account_session_t){.handle = session_handle(c->req->arena, rows[i].digest),
                                        .user_agent = rows[i].user_agent,
                                        .ip = rows[i].ip,
                                        .created_at = rows[i].created_at,
                                        .last_seen_at = rows[i].last_seen_at,
                                        .current = !strcmp(rows[i].digest, c->session.digest)};
        if (!out[i].handle)
            return GH_ERR_NOMEM;
    }
    page->sessions = out;
    page->session_count = n;
    return GH_OK;
}

static void render_page(account_t *c, int status, const outcome_t *o)
{
    ui_account_t page = {.lang = c->lang,
                         .csrf = csrf_token(c->req, c->res, &c->session),
                         .username = c->user.username,
                         .nickname = c->user.nickname,
                         .name = c->user.name,
                         .email = c->user.email,
                         .message = o->msg,
                         .notice = o->notice,
                         .retry_after = (long)o->retry_after,
                         .invalid = o->invalid,
                         .nickname_max = NICKNAME_CHARS,
                         .name_max = NAME_CHARS,
                         .password_max = PASSWORD_MAX_CHARS,
                         .config = c->app->config};
    /* the sections of other features (account_sections.c) */
    gh_status_t st = account_factors_section(c->req, c->lang, c->user.sub, &page.factors_html);
    if (st == GH_OK && page.csrf)
        st = account_platforms_section(c->req, c->lang, c->user.sub, page.csrf,
                                       &page.platforms_html);
    if (st == GH_OK)
        st = list_apps(c, &page);
    if (st == GH_OK)
        st = list_sessions(c, &page);
    if (st != GH_OK) {
        error_page(c, st);
        return;
    }
    session_page_respond(c->res, status,
                         page.csrf ? ui_render_account(c->req->arena, &page) : NULL);
}

static void page_error(account_t *c, int status, ui_msg_t msg, int invalid)
{
    render_page(c, status, &(outcome_t){.msg = msg, .invalid = invalid});
}

/* ---- checks ---- */

/* A nickname or a name: up to max characters, no control characters; ""
 * becomes NULL (cleared). */
static bool profile_field(const char *in, size_t max, const char **out)
{
    *out = in && *in ? in : NULL;
    if (!*out)
        return true;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return false;
    return utf8_chars(in) <= max;
}

/* The password policy every new password meets (core/password_policy.h):
 * UI_MSG_NONE, or the message saying why not. */
static ui_msg_t password_refused(const account_t *c, const char *password)
{
    if (utf8_chars(password) > PASSWORD_MAX_CHARS)
        return UI_MSG_PASSWORD_WEAK;
    password_problem_t p =
        password_policy_check(password, c->user.username, c->app->cfg->password_min_length, NULL);
    return p == PASSWORD_OK ? UI_MSG_NONE : selfservice_password_msg(p);
}

/* ---- actions (signed in, CSRF checked) ---- */

static void on_profile(account_t *c)
{
    const char *nickname = NULL, *name = NULL;
    bool ok = profile_field(http_pairs_get(&c->req->form, "nickname"), NICKNAME_CHARS, &nickname) &&
              profile_field(http_pairs_get(&c->req->form, "name"), NAME_CHARS, &name);
    if (!ok) {
        c->user.nickname = http_pairs_get(&c->req->form, "nickname");
        c->user.name = http_pairs_get(&c->req->form, "name");
        page_error(c, 400, UI_MSG_PROFILE_INVALID, UI_ACCOUNT_BAD_PROFILE);
        return;
    }
    gh_status_t st = store_user_set_profile(c->app->store, c->session.sub, nickname, name);
    if (st != GH_OK) {
        error_page(c, st);
        return;
    }
    log_event(LOG_INFO, "account_profile_changed", NULL);
    done(c, "profile");
}

/* The current password, under the sign-in throttle of the account: false
 * (the page written) when it is wrong or the account is locked. */
static bool current_password_ok(account_t *c)
{
    int64_t now = clock_now(), wait = 0;
    const char *current = http_pairs_get(&c->req->form, "current_password");
    gh_status_t st = throttle_login_begin(c->req, c->user.username, now, &wait);
    if (st != GH_OK) {
        error_page(c, st);
        return false;
    }
    if (wait > 0) {
        session_retry_after(c->req, c->res, wait);
        render_page(c, 429, &(outcome_t){.msg = UI_MSG_TOO_MANY_ATTEMPTS, .retry_after = wait});
        return false;
    }
    if (!current || !secret_password_verify(c->user.password_hash, current)) {
        log_event(LOG_INFO, "account_password_wrong", NULL);
        page_error(c, 400, UI_MSG_PASSWORD_WRONG, UI_ACCOUNT_BAD_CURRENT);
        return false;
    }
    throttle_success(c->req, c->user.username, now);
    return true;
}

static void on_password(account_t *c)
{
    const char *next = http_pairs_get(&c->req->form, "new_password");
    const char *again = http_pairs_get(&c->req->form, "new_password_again");
    char *hash = NULL;
    if (!next || !again || strcmp(next, again)) {
        page_error(c, 400, UI_MSG_PASSWORDS_DIFFER, UI_ACCOUNT_BAD_NEW);
        return;
    }
    ui_msg_t refused = password_refused(c, next);
    if (refused != UI_MSG_NONE) {
        page_error(c, 400, refused, UI_ACCOUNT_BAD_NEW);
        return;
    }
    if (!current_password_ok(c))
        return;
    gh_status_t st = secret_password_hash(c->req->arena, next, &SECRET_ARGON2_DEFAULT, &hash);
    if (st == GH_OK)
        st = store_user_set_password(c->app->store, c->user.username, hash);
    if (st == GH_OK)
        st = oauth_user_end_all(c->app->store, c->app->cfg, c->session.sub, c->session.digest);
    if (st != GH_OK) {
        error_page(c, st);
        return;
    }
    log_event(LOG_INFO, "account_password_changed", NULL);
    done(c, "password");
}

static void on_app_revoke(account_t *c)
{
    const char *client_id = http_pairs_get(&c->req->form, "client_id");
    gh_status_t st = client_id ? revoke_consent(c->app, c->session.sub, client_id) : GH_OK;
    if (st != GH_OK && st != GH_ERR_NOT_FOUND) { /* not found: gone already */
        error_page(c, st);
        return;
    }
    if (st == GH_OK)
        log_event(LOG_INFO, "account_app_revoked", "client_id", client_id, NULL);
    done(c, "app");
}

/* The member's live sessions, in the arena; NULL (and *n 0) on failure. */
static store_session_t *member_sessions(account_t *c, size_t *n, gh_status_t *st)
{
    store_session_t *rows = NULL;
    *n = 0;
    *st = store_session_list(c->app->store, c->req->arena, c->session.sub, clock_now(), &rows, n);
    return *st == GH_OK ? rows : NULL;
}

/* The member's session that handle names, or NULL. */
static const store_session_t *session_of_handle(account_t *c, const char *handle, gh_status_t *st)
{
    size_t n = 0;
    store_session_t *rows = member_sessions(c, &n, st);
    for (size_t i = 0; handle && rows && i < n; i++) {
        const char *h = session_handle(c->req->arena, rows[i].digest);
        if (h && secret_equal_str(h, handle))
            return &rows[i];
    }
    return NULL;
}

/* Another session of the member ends: its record, then the clients it
 * signed in to are told (back-channel logout) and its grants made without
 * offline_access revoked, as an RP-initiated logout of it would. */
static gh_status_t end_other_session(account_t *c, const store_session_t *s)
{
    gh_status_t st =
        oauth_session_end(c->app->store, c->app->cfg, c->req->arena, c->session.sub, s->digest);
    if (st == GH_OK)
        backchannel_wake(c->app->backchannel);
    return st;
}

static void on_session_end(account_t *c)
{
    gh_status_t st = GH_OK;
    const store_session_t *s = session_of_handle(c, http_pairs_get(&c->req->form, "session"), &st);
    if (st == GH_OK && s && !strcmp(s->digest, c->session.digest)) {
        st = session_end(c->req, c->res); /* this browser: back to the sign-in form */
        if (st == GH_OK)
            http_response_redirect(c->res, 303, ACCOUNT_PATH);
        else
            error_page(c, st);
        return;
    }
    if (st == GH_OK && s)
        st = end_other_session(c, s);
    if (st != GH_OK && st != GH_ERR_NOT_FOUND) {
        error_page(c, st);
        return;
    }
    done(c, "session");
}

static void on_end_others(account_t *c)
{
    size_t n = 0;
    gh_status_t st = GH_OK;
    store_session_t *rows = member_sessions(c, &n, &st);
    for (size_t i = 0; rows && i < n && (st == GH_OK || st == GH_ERR_NOT_FOUND); i++)
        if (strcmp(rows[i].digest, c->session.digest) != 0)
            st = end_other_session(c, &rows[i]);
    if (st != GH_OK && st != GH_ERR_NOT_FOUND) {
        error_page(c, st);
        return;
    }
    done(c, "others");
}

/* POST /account/links/unlink (platform): the link goes, and the member is
 * unlinked at the platform, unless it is the last way to sign in. */
static void on_unlink(account_t *c)
{
    const char *platform = http_pairs_get(&c->req->form, "platform");
    gh_status_t st =
        platform && *platform ? member_unlink_served(c->req, &c->user, platform) : GH_ERR_NOT_FOUND;
    if (st == GH_ERR_CONFLICT) {
        page_error(c, 409, UI_MSG_PLATFORM_LAST_WAY, 0);
        return;
    }
    if (st == GH_ERR_NOT_FOUND) {
        page_error(c, 404, UI_MSG_NOT_FOUND, 0);
        return;
    }
    if (st != GH_OK) {
        error_page(c, st);
        return;
    }
    audit_event(c->req, c->user.sub, "link.remove", c->user.sub,
                audit_details(c->req->arena, "platform", platform, NULL));
    done(c, "unlinked");
}

/* ---- dispatch ---- */

typedef struct {
    const char *path;
    void (*post)(account_t *c);
} action_t;

static const action_t ACTIONS[] = {
    {ACCOUNT_PATH "/profile", on_profile},
    {ACCOUNT_PATH "/password", on_password},
    {ACCOUNT_PATH "/apps/revoke", on_app_revoke},
    {ACCOUNT_PATH "/sessions/end", on_session_end},
    {ACCOUNT_PATH "/sessions/end-others", on_end_others},
    {ACCOUNT_PATH "/links/unlink", on_unlink},
};

/* What ?done= says happened: the confirmation to show. */
static const struct {
    const char *name;
    ui_msg_t msg;
} DONE[] = {
    {"profile", UI_MSG_PROFILE_SAVED}, {"password", UI_MSG_PASSWORD_CHANGED},
    {"app", UI_MSG_APP_REVOKED},       {"session", UI_MSG_SESSION_ENDED},
    {"others", UI_MSG_SESSIONS_ENDED}, {"unlinked", UI_MSG_PLATFORM_UNLINKED},
    {"mfa_off", UI_MSG_MFA_OFF},       {"linked", UI_MSG_PLATFORM_LINKED},
};

static void on_get(account_t *c)
{
    const char *what = http_pairs_get(&c->req->query, "done");
    outcome_t o = {.msg = UI_MSG_NONE, .notice = true};
    for (size_t i = 0; what && i < sizeof DONE / sizeof DONE[0]; i++)
        if (!strcmp(what, DONE[i].name))
            o.msg = DONE[i].msg;
    render_page(c, 200, &o);
}

/* The second-factor page of the account's own sign-in (posting step=mfa to
 * /account/login), fresh or (check) after a code that failed. */
static void second_factor_page(account_t *c, const mfa_signin_t *signin, const mfa_check_t *check)
{
    const char *csrf = csrf_token(c->req, c->res, NULL);
    const ui_hidden_t hidden[] = {{"csrf", csrf}, {"step", "mfa"}};
    ui_mfa_t page = {
        .lang = c->lang, .action = ACCOUNT_PATH "/login", .hidden = hidden, .hidden_count = 2};
    mfa_page_ways(c->req, signin->sub, signin->amr, &page);
    if (!csrf)
        error_page(c, GH_ERR_NOMEM);
    else if (check)
        mfa_page_failed(c->req, c->res, &page, check);
    else
        mfa_page(c->req, c->res, 200, &page);
}

/* step=mfa: the code for the sign-in the password began (docs/mfa.md). */
static void on_login_code(account_t *c)
{
    mfa_signin_t signin;
    mfa_check_t check = {0};
    gh_status_t st = mfa_signin_current(c->req, &signin);
    if (st == GH_OK) {
        mfa_factor_check(c->req, &signin, &check);
        if (check.status != GH_OK) {
            second_factor_page(c, &signin, &check);
            return;
        }
        st = mfa_signin_complete(c->req, c->res, &signin, check.amr, &c->session);
    }
    if (st == GH_ERR_NOT_FOUND)
        login_page(c, 403, UI_MSG_FORM_EXPIRED, 0);
    else if (st != GH_OK)
        error_page(c, st);
    else if (check.recovery)
        mfa_page_recovery_used(c->req, c->res, c->lang, check.left, ACCOUNT_PATH);
    else
        http_response_redirect(c->res, 303, ACCOUNT_PATH);
}

static void on_login(account_t *c)
{
    int64_t retry_after = 0;
    if (!session_csrf_check(c->req)) {
        login_page(c, 403, UI_MSG_FORM_EXPIRED, 0);
        return;
    }
    const char *step = http_pairs_get(&c->req->form, "step");
    if (step && !strcmp(step, "mfa")) {
        on_login_code(c);
        return;
    }
    signin_next_t next = SIGNIN_DONE;
    mfa_signin_t signin;
    gh_status_t st =
        signin_password(c->req, c->res, NULL, NULL, &next, &c->session, &signin, &retry_after);
    if (st == GH_ERR_INVALID || st == GH_ERR_NOT_FOUND)
        login_page(c, st == GH_ERR_INVALID ? 400 : 401, UI_MSG_BAD_CREDENTIALS, 0);
    else if (st == GH_ERR_THROTTLED) {
        session_retry_after(c->req, c->res, retry_after);
        login_page(c, 429, UI_MSG_TOO_MANY_ATTEMPTS, retry_after);
    } else if (st != GH_OK)
        error_page(c, st);
    else if (next == SIGNIN_SECOND_FACTOR)
        second_factor_page(c, &signin, NULL);
    else
        http_response_redirect(c->res, 303, ACCOUNT_PATH);
}

/* The signed-in member: GH_OK, GH_ERR_NOT_FOUND without a live session (or
 * when its member is gone), or the store's failure. */
static gh_status_t signed_in(account_t *c)
{
    gh_status_t st = session_current(c->req, &c->session);
    return st == GH_OK ? store_user_get(c->app->store, c->req->arena, c->session.sub, &c->user)
                       : st;
}

static void on_post(account_t *c)
{
    if (!session_csrf_check(c->req)) {
        log_event(LOG_INFO, "account_csrf_refused", "path", c->req->path, NULL);
        page_error(c, 403, UI_MSG_FORM_EXPIRED, 0);
        return;
    }
    for (size_t i = 0; i < sizeof ACTIONS / sizeof ACTIONS[0]; i++)
        if (!strcmp(c->req->path, ACTIONS[i].path)) {
            ACTIONS[i].post(c);
            return;
        }
    page_error(c, 404, UI_MSG_NOT_FOUND, 0);
}

void account_handler(http_request_t *req, http_response_t *res)
{
    account_t c = {.req = req, .res = res, .app = app_of(req)};
    c.lang = ui_lang_pick(NULL, http_request_header(req, "Accept-Language"));
    if (req->method == HTTP_POST && req->form_malformed) {
        session_page_respond(
            res, 400,
            ui_render_error(req->arena, c.lang, UI_MSG_BAD_REQUEST, UI_DETAIL_PARAMS_MALFORMED));
        return;
    }
    if (!strcmp(req->path, ACCOUNT_PATH "/login")) {
        on_login(&c);
        return;
    }
    gh_status_t st = signed_in(&c);
    if (st == GH_ERR_NOT_FOUND && req->method == HTTP_POST)
        http_response_redirect(res, 303, ACCOUNT_PATH); /* signed out meanwhile */
    else if (st == GH_ERR_NOT_FOUND)
        login_page(&c, 200, UI_MSG_NONE, 0);
    else if (st != GH_OK)
        error_page(&c, st);
    else if (req->method == HTTP_POST)
        on_post(&c);
    else
        on_get(&c);
}

/* Declared parameters of every /account path (refused before the handler
 * when repeated or over their length in bytes). */
const http_param_spec_t ACCOUNT_PARAMS[] = {
    {"username", 256},
    {"password", 1024},
    {"csrf", 128},
    {"nickname", 4 * NICKNAME_CHARS},
    {"name", 4 * NAME_CHARS},
    {"current_password", 4096},
    {"new_password", 4096},
    {"new_password_again", 4096},
    {"client_id", 256},
    {"session", HANDLE_LEN},
    {"done", 16},
    {"step", 8},
    {"otp", 64},
    {"platform", 64},
    PASSKEY_ASSERTION_PARAMS,
    {NULL, 0},
};
