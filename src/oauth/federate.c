/* Federated sign-in (issue 19): the sign-in page's platform buttons lead to
 * GET /auth/federate/NAME, which checks the pending authorization request as
 * /auth/authorize does, keeps it server-side in a federation state and sends
 * the browser to the platform; GET /auth/federate/NAME/callback takes the
 * state back, lets the platform library check everything the platform says,
 * and signs the person in as the member the platform identity is linked to.
 * A first sign-in with an identity linked to nobody shows "check your
 * profile" (POST /auth/federate/NAME/profile): create a member, or link the
 * identity to an existing member who proves it with its password. Then the
 * authorization request continues (consent, code) as after a password.
 *
 * From the account page, POST /auth/federate/NAME (purpose=link and the
 * session's CSRF token, so no other site can start it: linking an identity
 * some page logged this browser into at the platform would hand the account
 * over; no authorization request) links another platform to the member
 * signed in:
 * the state then holds "purpose=link&sub=SUB" where a sign-in's holds the
 * authorization request (which always has a client_id), and the callback
 * links the identity to that member if this browser still has a session of
 * it (refused when the identity is another member's), then goes back to
 * /account, the only way back (docs/federation.md).
 *
 * Each state is single use and bound to the browser that started it (the
 * gh_fed cookie's random value, stored as its digest: the gateway's lesson
 * of issue 17); the PKCE verifier is derived from the state with a key only
 * this server knows. Linking on a matching e-mail happens only when the
 * platform asserts it verified and the platform's section says
 * link_by_verified_email = true, and only when exactly one member has it
 * (docs/federation.md). Nothing is written before the platform confirmed
 * everything, and a member is created with its link in one transaction. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/log.h"
#include "core/secret.h"
#include "httpc/httpc.h"
#include "oauth/audit.h"
#include "oauth/oauth_int.h"

#define PREFIX "/auth/federate/"
#define STATE_TTL 600 /* seconds a sign-in through a platform may take */
#define USERNAME_MAX 256
#define PASSWORD_MAX 1024
#define LINK_REQUEST "purpose=link&sub=" /* a state's request when linking (start_link) */
#define LINK_FRESH 600 /* seconds a sign-in proves its member for linking another platform */

/* One request to the federation endpoints. */
typedef struct {
    http_request_t *req;
    http_response_t *res;
    app_t *app;
    platform_t *p;
    ui_lang_t lang;
    bool linking; /* a link from the account page: its faults lead back there */
} fed_t;

/* A platform identity waiting on the profile page (kept as JSON in its state). */
typedef struct {
    const char *id, *email, *name, *tokens; /* tokens: sealed */
    bool email_verified;
} identity_t;

/* ---- answers ---- */

static void page(fed_t *f, int status, const char *html)
{
    session_page_respond(f->res, status, html);
}

/* The fault page; with the request (query) known, a way back and a way to
 * give up, which tells the application reason; when linking, a way back to
 * the account page. */
static void fault(fed_t *f, int status, ui_msg_t msg, const char *query, const char *reason)
{
    ui_fed_fault_t pg = {.lang = f->lang, .message = msg, .to_account = f->linking};
    ui_hidden_t *request = NULL, *give_up = NULL;
    if (query && !authorize_request_fields(f->req, f->res, query, reason, &request,
                                           &pg.request_count, &give_up, &pg.give_up_count)) {
        page(f, 500, NULL);
        return;
    }
    pg.request = request;
    pg.give_up = give_up;
    page(f, status, ui_render_fed_fault(f->req->arena, &pg));
}

static void store_failed(fed_t *f, gh_status_t st)
{
    oauth_error_page(f->req, f->res, f->lang, st == GH_ERR_UNAVAILABLE ? 503 : 500,
                     UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
}

/* What a failed platform call shows: a platform that is down, slow or
 * garbled is unavailable (the application hears temporarily_unavailable if
 * the person gives up); an answer refused for our own reasons (iss) is
 * treated as a refusal. */
static void platform_failed(fed_t *f, const platform_error_t *pe, const char *query)
{
    log_event(LOG_WARN, "federation_failed", "platform", f->p->name, "message", pe->message, NULL);
    if (pe->kind == PLATFORM_ERR_INTERNAL)
        fault(f, 500, UI_MSG_SERVER_ERROR, query, "temporarily_unavailable");
    else if (pe->kind == PLATFORM_ERR_BAD_REQUEST)
        fault(f, 400, UI_MSG_FED_EXPIRED, query, "access_denied");
    else
        fault(f, pe->kind == PLATFORM_ERR_TIMEOUT ? 504 : 502, UI_MSG_FED_UNAVAILABLE, query,
              "temporarily_unavailable");
}

/* ---- the binding cookie ---- */

static void digest_of(const char *s, char out[SECRET_DIGEST_HEX_LEN + 1])
{
    secret_sha256_hex(s, strlen(s), out);
}

/* The digest of the browser's binding cookie, or NULL when it has none. */
static const char *binding_of(fed_t *f)
{
    const char *cookie = http_request_cookie(f->req, f->app->fed_cookie);
    char *d = cookie && *cookie ? arena_alloc(f->req->arena, SECRET_DIGEST_HEX_LEN + 1) : NULL;
    if (d)
        digest_of(cookie, d);
    return d;
}

/* Takes the state whose value is token (single use) for this platform and
 * this browser; on failure the page is written. */
static bool take_state(fed_t *f, const char *token, store_fed_state_t *out)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    const char *binding = binding_of(f);
    if (!token || !*token) {
        fault(f, 400, UI_MSG_FED_EXPIRED, NULL, NULL);
        return false;
    }
    digest_of(token, digest);
    gh_status_t st = store_fed_state_take(f->app->store, f->req->arena, digest, clock_now(), out);
    if (st == GH_ERR_NOT_FOUND || st == GH_ERR_CONFLICT) {
        fault(f, 400, UI_MSG_FED_EXPIRED, NULL, NULL);
        return false;
    }
    if (st != GH_OK) {
        store_failed(f, st);
        return false;
    }
    if (strcmp(out->platform, f->p->name) != 0 || !binding ||
        !secret_equal_str(out->binding, binding)) {
        fault(f, 400, UI_MSG_FED_EXPIRED, NULL, NULL);
        return false;
    }
    /* the request's own language from now on */
    http_pairs_t pairs;
    if (http_parse_form(f->req->arena, out->request, strlen(out->request), 32, &pairs) == GH_OK)
        f->lang = ui_lang_pick(http_pairs_get(&pairs, "ui_locales"),
                               http_request_header(f->req, "Accept-Language"));
    return true;
}

/* ---- GET /auth/federate/NAME ---- */

/* The request's prompt, max_age, login_hint and ui_locales, for the
 * platforms that understand them (prompt=none is never sent: the person is
 * already at an interactive step). */
static void forwarded(fed_t *f, const char **extra)
{
    const platform_kind_t *k = f->p->kind;
    const http_pairs_t *q = &f->req->query;
    const char *prompt = http_pairs_get(q, "prompt");
    size_t n = 0;
    if ((k->forwards & PLATFORM_FWD_PROMPT) && prompt && !strstr(prompt, "none")) {
        extra[n++] = "prompt";
        extra[n++] = prompt;
    }
    if (k->forwards & PLATFORM_FWD_MAX_AGE) {
        extra[n++] = "max_age";
        extra[n++] = http_pairs_get(q, "max_age");
    }
    if (k->forwards & PLATFORM_FWD_LOGIN_HINT) {
        extra[n++] = k->login_hint_param ? k->login_hint_param : "login_hint";
        extra[n++] = http_pairs_get(q, "login_hint");
    }
    if (k->forwards & PLATFORM_FWD_UI_LOCALES) {
        extra[n++] = "ui_locales";
        extra[n++] = http_pairs_get(q, "ui_locales");
    }
    extra[n] = NULL;
}

/* Sends the browser to the platform under a new state holding request (the
 * authorization request, or a link's purpose); query is the authorization
 * request for the fault pages' ways back, NULL when linking. */
static void to_platform(fed_t *f, const char *request, const char *query)
{
    const char *url = NULL, *extra[9];
    platform_endpoints_t ep;
    platform_error_t pe;
    arena_t *a = f->req->arena;
    if (platform_endpoints(a, f->p, &ep, &pe) != GH_OK) {
        platform_failed(f, &pe, query);
        return;
    }
    char digest[SECRET_DIGEST_HEX_LEN + 1], binding[SECRET_DIGEST_HEX_LEN + 1];
    const char *state = secret_token(a), *cookie = secret_token(a);
    const char *nonce = f->p->kind->oidc ? secret_token(a) : NULL;
    if (!state || !cookie || (f->p->kind->oidc && !nonce)) {
        fault(f, 500, UI_MSG_SERVER_ERROR, query, "temporarily_unavailable");
        return;
    }
    digest_of(state, digest);
    digest_of(cookie, binding);
    store_fed_state_t row = {
        digest, f->p->name, nonce, binding, request, NULL, clock_now() + STATE_TTL};
    gh_status_t st = store_fed_state_put(f->app->store, &row);
    if (st != GH_OK) {
        store_failed(f, st);
        return;
    }
    const char *challenge =
        f->p->kind->oidc
            ? platform_pkce_challenge(a, platform_pkce_verifier(a, f->app->fed_pkce_key, state))
            : NULL;
    forwarded(f, extra);
    if ((f->p->kind->oidc && !challenge) ||
        platform_authorize_url(a, f->p, &ep, state, nonce, challenge, extra, &url, &pe) != GH_OK ||
        !http_response_own_cookie(f->req, f->res, f->app->fed_cookie, cookie, STATE_TTL,
                                  f->app->secure_cookies)) {
        fault(f, 500, UI_MSG_SERVER_ERROR, query, "temporarily_unavailable");
        return;
    }
    http_response_redirect(f->res, 302, url);
}

static void start(fed_t *f)
{
    const char *query = NULL;
    if (authorize_request_check(f->req, f->res, &query, &f->lang))
        to_platform(f, query, query);
}

/* POST purpose=link: another platform for the member signed in here. */
static void start_link(fed_t *f)
{
    store_session_t s;
    const char *purpose = http_pairs_get(&f->req->form, "purpose");
    if (!purpose || strcmp(purpose, "link") != 0) {
        oauth_error_page(f->req, f->res, f->lang, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_NONE);
        return;
    }
    if (f->req->form_malformed || !session_csrf_check(f->req)) {
        oauth_error_page(f->req, f->res, f->lang, 403, UI_MSG_FORM_EXPIRED, UI_DETAIL_NONE);
        return;
    }
    gh_status_t st = session_current(f->req, &s);
    if (st == GH_ERR_NOT_FOUND) {
        page(f, 401, ui_render_info(f->req->arena, f->lang, UI_MSG_SIGN_IN_FIRST));
        return;
    }
    if (st != GH_OK) {
        store_failed(f, st);
        return;
    }
    const char *request = arena_printf(f->req->arena, LINK_REQUEST "%s", s.sub);
    if (!request) {
        page(f, 500, NULL);
        return;
    }
    to_platform(f, request, NULL);
}

/* The member a state's request links for (start_link), or NULL when the
 * state is a sign-in's (an authorization request has a client_id). */
static const char *link_for(fed_t *f, const char *request)
{
    http_pairs_t pairs;
    if (strncmp(request, LINK_REQUEST, strlen(LINK_REQUEST)) != 0 ||
        http_parse_form(f->req->arena, request, strlen(request), 4, &pairs) != GH_OK ||
        http_pairs_get(&pairs, "client_id"))
        return NULL;
    return http_pairs_get(&pairs, "sub");
}

/* ---- signing in as the linked member ---- */

static void sign_in(fed_t *f, const char *sub, const char *query)
{
    store_session_t session;
    store_authn_t authn = {.idp = f->p->name}; /* no RFC 8176 amr: see docs/federation.md */
    gh_status_t st = session_start(f->req, f->res, sub, &authn, clock_now(), &session);
    if (st != GH_OK) {
        store_failed(f, st);
        return;
    }
    log_event(LOG_INFO, "federated_login", "platform", f->p->name, NULL);
    authorize_resume(f->req, f->res, query, &session);
}

/* A new link of member sub to this platform, as an audit event; how says
 * what proved the member (new_member, password, session, verified_email). */
static void link_audit(fed_t *f, const char *sub, const char *how)
{
    audit_event(f->req, sub, "link.add", sub,
                audit_details(f->req->arena, "platform", f->p->name, "by", how, NULL));
}

/* The one member with this e-mail address, when the platform asserts it
 * verified and the platform's section allows linking on it; else NULL. */
static const char *member_by_email(fed_t *f, const platform_profile_t *prof)
{
    store_user_t *list = NULL;
    size_t n = 0;
    if (!f->p->link_by_verified_email || !prof->email_verified || !prof->email ||
        store_user_find_by_email(f->app->store, f->req->arena, prof->email, &list, &n) != GH_OK ||
        n != 1)
        return NULL;
    return list[0].sub;
}

/* The additional data sealed tokens are bound to: the identity. */
static const char *seal_aad(fed_t *f, const char *subject)
{
    return federate_seal_aad(f->req->arena, f->p->name, subject);
}

static store_link_t link_of(fed_t *f, const identity_t *id, const char *sub)
{
    return (store_link_t){f->p->name, id->id, sub, id->email, id->tokens, clock_now()};
}

/* ---- the profile page ---- */

/* The member this browser signed in as within LINK_FRESH seconds (it proved
 * itself with its password or another platform), or GH_ERR_NOT_FOUND. */
static gh_status_t fresh_session(fed_t *f, store_session_t *s)
{
    gh_status_t st = session_current(f->req, s);
    return st == GH_OK && clock_now() - s->auth_time > LINK_FRESH ? GH_ERR_NOT_FOUND : st;
}

/* Who fresh_session's member is, in words for the page; NULL when none. */
static const char *signed_in_as(fed_t *f)
{
    store_session_t s;
    store_user_t u;
    if (fresh_session(f, &s) != GH_OK ||
        store_user_get(f->app->store, f->req->arena, s.sub, &u) != GH_OK)
        return NULL;
    return u.nickname && *u.nickname ? u.nickname : u.username;
}

/* Shows "check your profile" for the identity, under a fresh single-use
 * state of its own (the previous one, if any, is spent). */
static void profile_page(fed_t *f, int status, const identity_t *id, const char *query,
                         const char *binding, ui_msg_t msg, const char *nickname, const char *email,
                         long retry_after)
{
    arena_t *a = f->req->arena;
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    json_t *j = json_pack("{ss ss? ss? ss? sb}", "id", id->id, "email", id->email, "name", id->name,
                          "tokens", id->tokens, "email_verified", id->email_verified);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    const char *identity = arena_strdup(a, text);
    const char *pending = secret_token(a);
    free(text);
    json_decref(j);
    ui_hidden_t *request = NULL, *give_up = NULL;
    size_t request_count = 0, give_up_count = 0;
    const char *csrf = csrf_token(f->req, f->res, NULL);
    if (!identity || !pending || !csrf ||
        !authorize_request_fields(f->req, f->res, query, "access_denied", &request, &request_count,
                                  &give_up, &give_up_count)) {
        page(f, 500, NULL);
        return;
    }
    digest_of(pending, digest);
    store_fed_state_t row = {
        digest, f->p->name, NULL, binding, query, identity, clock_now() + STATE_TTL};
    gh_status_t st = store_fed_state_put(f->app->store, &row);
    if (st != GH_OK) {
        store_failed(f, st);
        return;
    }
    ui_hidden_t hidden[] = {{"csrf", csrf}, {"pending", pending}};
    ui_profile_t pg = {.lang = f->lang,
                       .action = arena_printf(a, PREFIX "%s/profile", f->p->name),
                       .hidden = hidden,
                       .hidden_count = 2,
                       .give_up = give_up,
                       .give_up_count = give_up_count,
                       .platform_label = f->p->label,
                       .nickname = nickname,
                       .email = email,
                       .signed_in_as = signed_in_as(f),
                       .message = msg,
                       .username_max = USERNAME_MAX,
                       .password_max = PASSWORD_MAX,
                       .retry_after = retry_after};
    page(f, status, pg.action ? ui_render_fed_profile(a, &pg) : NULL);
}

/* ---- GET /auth/federate/NAME/callback ---- */

/* The platform's error (RFC 6749 §4.1.2.1): access_denied is the person's
 * choice, anything else the platform's trouble. */
static void platform_refused(fed_t *f, const char *error, const char *query)
{
    log_event(LOG_INFO, "federation_refused", "platform", f->p->name, "error", error, NULL);
    if (!strcmp(error, "access_denied") || !strcmp(error, "consent_required") ||
        !strcmp(error, "login_required") || !strcmp(error, "interaction_required"))
        fault(f, 403, UI_MSG_FED_DENIED, query, "access_denied");
    else
        fault(f, 502, UI_MSG_FED_UNAVAILABLE, query, "temporarily_unavailable");
}

/* The callback of start_link: the identity goes to the member sub if this
 * browser still has a session of it; the way back is /account only. */
static void link_callback(fed_t *f, const char *sub, const platform_profile_t *prof,
                          const platform_tokens_t *t)
{
    arena_t *a = f->req->arena;
    store_session_t s;
    store_link_t link;
    gh_status_t st = session_current(f->req, &s);
    if (st == GH_ERR_NOT_FOUND || (st == GH_OK && strcmp(s.sub, sub) != 0)) {
        page(f, 401, ui_render_info(a, f->lang, UI_MSG_SIGN_IN_FIRST));
        return;
    }
    if (st == GH_OK)
        st = store_link_get(f->app->store, a, f->p->name, prof->id, &link);
    if (st == GH_OK && strcmp(link.sub, sub) != 0) {
        log_event(LOG_INFO, "link_refused", "platform", f->p->name, "why", "taken", NULL);
        fault(f, 409, UI_MSG_LINK_TAKEN, NULL, NULL);
        return;
    }
    if (st == GH_OK) { /* linked to this member already: nothing to do */
        http_response_redirect(f->res, 303, "/account?done=linked");
        return;
    }
    identity_t id = {prof->id, prof->email, prof->name, NULL, prof->email_verified};
    const char *aad = st == GH_ERR_NOT_FOUND ? seal_aad(f, prof->id) : NULL;
    if (st == GH_ERR_NOT_FOUND)
        st = aad ? platform_tokens_seal(a, f->app->fed_seal_key, aad, t, &id.tokens) : GH_ERR_NOMEM;
    if (st == GH_OK) {
        link = link_of(f, &id, sub);
        st = store_link_add(f->app->store, &link);
    }
    if (st == GH_ERR_CONFLICT) { /* the member has this platform, or a race took the identity */
        fault(f, 409,
              store_link_get(f->app->store, a, f->p->name, prof->id, &link) == GH_OK
                  ? UI_MSG_LINK_TAKEN
                  : UI_MSG_LINK_HAS_ONE,
              NULL, NULL);
        return;
    }
    if (st != GH_OK) {
        store_failed(f, st);
        return;
    }
    log_event(LOG_INFO, "member_linked", "platform", f->p->name, "sub", sub, NULL);
    link_audit(f, sub, "account");
    http_response_redirect(f->res, 303, "/account?done=linked");
}

static void callback(fed_t *f)
{
    const http_pairs_t *q = &f->req->query;
    const char *code = http_pairs_get(q, "code"), *error = http_pairs_get(q, "error");
    const char *state = http_pairs_get(q, "state");
    store_fed_state_t row;
    if (!take_state(f, state, &row))
        return;
    const char *linking = link_for(f, row.request);
    f->linking = linking != NULL;
    if (linking)
        row.request = NULL; /* no authorization request to go back to */
    if (error) {
        platform_refused(f, error, row.request);
        return;
    }
    if (!code || !*code) {
        fault(f, 502, UI_MSG_FED_UNAVAILABLE, row.request, "temporarily_unavailable");
        return;
    }
    arena_t *a = f->req->arena;
    platform_tokens_t t;
    platform_profile_t prof;
    platform_error_t pe;
    const char *verifier = platform_pkce_verifier(a, f->app->fed_pkce_key, state);
    if (platform_finish_login(a, f->p, code, state, http_pairs_get(q, "iss"), row.nonce, verifier,
                              &t, &prof, &pe) != GH_OK) {
        platform_failed(f, &pe, row.request);
        return;
    }
    if (linking) {
        link_callback(f, linking, &prof, &t);
        return;
    }
    store_link_t link;
    gh_status_t st = store_link_get(f->app->store, a, f->p->name, prof.id, &link);
    if (st == GH_OK) {
        sign_in(f, link.sub, row.request);
        return;
    }
    if (st != GH_ERR_NOT_FOUND) {
        store_failed(f, st);
        return;
    }
    identity_t id = {prof.id, prof.email, prof.name, NULL, prof.email_verified};
    const char *aad = seal_aad(f, prof.id);
    if (!aad || platform_tokens_seal(a, f->app->fed_seal_key, aad, &t, &id.tokens) != GH_OK) {
        fault(f, 500, UI_MSG_SERVER_ERROR, row.request, "temporarily_unavailable");
        return;
    }
    const char *sub = member_by_email(f, &prof);
    if (sub) {
        link = link_of(f, &id, sub);
        st = store_link_add(f->app->store, &link);
        if (st != GH_OK && st != GH_ERR_CONFLICT) {
            store_failed(f, st);
            return;
        }
        if (st == GH_OK)
            link_audit(f, sub, "verified_email");
        sign_in(f, sub, row.request);
        return;
    }
    profile_page(f, 200, &id, row.request, row.binding, UI_MSG_NONE, prof.name, prof.email, 0);
}

/* ---- POST /auth/federate/NAME/profile ---- */

static bool read_identity(arena_t *a, const char *text, identity_t *out)
{
    json_t *j = text ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;
    const char *id = json_string_value(json_object_get(j, "id"));
    if (id) {
        *out = (identity_t){arena_strdup(a, id),
                            arena_strdup(a, json_string_value(json_object_get(j, "email"))),
                            arena_strdup(a, json_string_value(json_object_get(j, "name"))),
                            arena_strdup(a, json_string_value(json_object_get(j, "tokens"))),
                            json_is_true(json_object_get(j, "email_verified"))};
    }
    json_decref(j);
    return id && out->id;
}

bool federate_nickname_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || utf8_chars(s) > NICKNAME_CHARS || strspn(s, " ") == n)
        return false;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return false;
    return true;
}

bool federate_email_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0)
        return true;
    const char *at = strchr(s, '@');
    if (n > EMAIL_MAX || !at || at == s || !at[1] || strchr(at + 1, '@'))
        return false;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c <= 0x20 || *c == 0x7f)
            return false;
    return true;
}

/* A new member from the profile page, created with its link as one. */
static void create_member(fed_t *f, const store_fed_state_t *row, const identity_t *id)
{
    arena_t *a = f->req->arena;
    const char *nickname = http_pairs_get(&f->req->form, "nickname");
    const char *email = http_pairs_get(&f->req->form, "email");
    if (!federate_nickname_ok(nickname) || !federate_email_ok(email)) {
        profile_page(f, 400, id, row->request, row->binding, UI_MSG_FED_PROFILE_INVALID, nickname,
                     email, 0);
        return;
    }
    const char *sub = secret_hex_id(a, 16), *tag = secret_hex_id(a, 4);
    store_user_t u = {.sub = sub,
                      .username = tag ? arena_printf(a, "%s-%s", f->p->name, tag) : NULL,
                      .password_hash = STORE_NO_PASSWORD,
                      .email = email && *email ? email : NULL,
                      .nickname = nickname,
                      .name = NULL, /* only what the person checked is kept */
                      .created_at = clock_now()};
    store_link_t link = link_of(f, id, sub);
    gh_status_t st =
        sub && u.username ? store_member_add_linked(f->app->store, &u, &link) : GH_ERR_NOMEM;
    if (st == GH_ERR_CONFLICT) { /* linked meanwhile (another tab), or a username clash */
        fault(f, 409, UI_MSG_FED_EXPIRED, row->request, "access_denied");
        return;
    }
    if (st != GH_OK) {
        store_failed(f, st);
        return;
    }
    log_event(LOG_INFO, "member_created", "platform", f->p->name, "sub", sub, NULL);
    link_audit(f, sub, "new_member");
    sign_in(f, sub, row->request);
}

/* A session for the member whose password the profile page's link form
 * holds, as a password sign-in would start it; GH_ERR_CONFLICT when the
 * member has a second factor (docs/mfa.md): a password alone proves too
 * little to link a platform to such a member, who signs in at the sign-in
 * page (with the factor) and links from there within minutes. */
static gh_status_t password_session(fed_t *f, store_session_t *session, int64_t *retry_after)
{
    const char *sub = NULL;
    mfa_need_t need = MFA_NOT_NEEDED;
    gh_status_t st = session_password_check(f->req, NULL, &sub, retry_after);
    if (st == GH_OK)
        st = mfa_policy(f->req, sub, NULL, NULL, SESSION_AMR_PASSWORD, &need);
    if (st == GH_OK && need == MFA_ASK)
        return GH_ERR_CONFLICT;
    store_authn_t authn = {.amr = SESSION_AMR_PASSWORD, .acr = ACR_PASSWORD};
    return st == GH_OK ? session_start(f->req, f->res, sub, &authn, clock_now(), session) : st;
}

/* Links the identity to the member who signs in with its password here, or
 * (without a password) to the member this browser signed in as just now. */
static void link_member(fed_t *f, const store_fed_state_t *row, const identity_t *id)
{
    store_session_t session;
    int64_t retry_after = 0;
    bool by_password = http_pairs_get(&f->req->form, "password") != NULL;
    gh_status_t st =
        by_password ? password_session(f, &session, &retry_after) : fresh_session(f, &session);
    if (st == GH_ERR_CONFLICT) { /* a member with a second factor proves it at the sign-in page */
        profile_page(f, 403, id, row->request, row->binding, UI_MSG_SIGN_IN_FIRST, id->name,
                     id->email, 0);
        return;
    }
    if (st == GH_ERR_INVALID || st == GH_ERR_NOT_FOUND || st == GH_ERR_THROTTLED) {
        if (st == GH_ERR_THROTTLED)
            session_retry_after(f->req, f->res, retry_after);
        profile_page(f, st == GH_ERR_THROTTLED ? 429 : 401, id, row->request, row->binding,
                     st == GH_ERR_THROTTLED ? UI_MSG_TOO_MANY_ATTEMPTS : UI_MSG_BAD_CREDENTIALS,
                     id->name, id->email, (long)retry_after);
        return;
    }
    if (st != GH_OK) {
        store_failed(f, st);
        return;
    }
    store_link_t link = link_of(f, id, session.sub);
    st = store_link_add(f->app->store, &link);
    if (st == GH_ERR_CONFLICT) {
        fault(f, 409, UI_MSG_FED_EXPIRED, row->request, "access_denied");
        return;
    }
    if (st != GH_OK) {
        store_failed(f, st);
        return;
    }
    log_event(LOG_INFO, "member_linked", "platform", f->p->name, "sub", session.sub, NULL);
    link_audit(f, session.sub, by_password ? "password" : "session");
    if (by_password) /* the session just started says pwd: the person typed it */
        authorize_resume(f->req, f->res, row->request, &session);
    else /* signed in now through this platform */
        sign_in(f, session.sub, row->request);
}

static void profile(fed_t *f)
{
    store_fed_state_t row;
    identity_t id;
    if (f->req->form_malformed || !session_csrf_check(f->req)) {
        oauth_error_page(f->req, f->res, f->lang, 403, UI_MSG_FORM_EXPIRED, UI_DETAIL_NONE);
        return;
    }
    if (!take_state(f, http_pairs_get(&f->req->form, "pending"), &row))
        return;
    if (!read_identity(f->req->arena, row.identity, &id)) {
        fault(f, 400, UI_MSG_FED_EXPIRED, row.request, "access_denied");
        return;
    }
    const char *action = http_pairs_get(&f->req->form, "action");
    if (action && !strcmp(action, "create"))
        create_member(f, &row, &id);
    else if (action && !strcmp(action, "link"))
        link_member(f, &row, &id);
    else
        oauth_error_page(f->req, f->res, f->lang, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_UNKNOWN_STEP);
}

/* ---- routing ---- */

void federate_handler(http_request_t *req, http_response_t *res)
{
    fed_t f = {.req = req,
               .res = res,
               .app = app_of(req),
               .lang = ui_lang_pick(http_pairs_get(&req->query, "ui_locales"),
                                    http_request_header(req, "Accept-Language"))};
    const char *name = req->path + strlen(PREFIX);
    const char *slash = strchr(name, '/');
    const char *rest = slash ? slash : "";
    char platform[64];
    size_t n = slash ? (size_t)(slash - name) : strlen(name);
    if (n < sizeof platform) {
        memcpy(platform, name, n);
        platform[n] = '\0';
        f.p = platform_set_find(atomic_load(&f.app->platforms), platform);
    }
    bool get = req->method == HTTP_GET;
    if (f.p && !get && !*rest)
        start_link(&f);
    else if (f.p && get && !*rest)
        start(&f);
    else if (f.p && get && !strcmp(rest, "/callback"))
        callback(&f);
    else if (f.p && !get && !strcmp(rest, "/profile"))
        profile(&f);
    else
        oauth_error_page(req, res, f.lang, 404, UI_MSG_NOT_FOUND, UI_DETAIL_NONE);
}

const http_param_spec_t FEDERATE_PARAMS[] = {
    AUTHORIZE_REQUEST_PARAMS,
    /* the platform's answer (RFC 6749 §4.1.2, §4.1.2.1, RFC 9207) */
    {"code", PLATFORM_MAX_CODE},
    {"iss", PLATFORM_MAX_ISS},
    {"error", 128},
    {"error_description", 1024},
    {"error_uri", 1024},
    /* the account page's "Link another platform" */
    {"purpose", 8},
    /* the profile page */
    {"csrf", 128},
    {"pending", 128},
    {"action", 16},
    {"nickname", 4 * NICKNAME_CHARS}, /* UTF-8: up to four bytes a character */
    {"email", EMAIL_MAX},
    {"username", USERNAME_MAX},
    {"password", PASSWORD_MAX},
    {NULL, 0},
};

/* ---- start-up and SIGHUP ---- */

void federate_site(const config_t *cfg, char *prefix, size_t len, platform_site_t *out)
{
    snprintf(prefix, len, "%s" PREFIX, cfg->server.issuer);
    *out = (platform_site_t){prefix, "/callback", cfg->server.platform_timeout * 1000, false};
}

gh_status_t federate_start(app_t *app, const config_t *cfg, char *err, size_t err_len)
{
    federate_site(cfg, app->platform_prefix, sizeof app->platform_prefix, &app->platform_site);
    app->config_file = cfg->file;
    app->fed_cookie = app->secure_cookies ? HOST_COOKIE_PREFIX FED_COOKIE : FED_COOKIE;
    oauth_key_derive(app->csrf_key, FED_KEY_PKCE, app->fed_pkce_key);
    oauth_key_derive(app->csrf_key, FED_KEY_SEAL, app->fed_seal_key);
    platform_set_t *set = NULL;
    gh_status_t st = platform_set_new(cfg, NULL, &app->platform_site, &set, err, err_len);
    if (st != GH_OK)
        return st;
    if (set->count && (st = httpc_init()) != GH_OK) {
        snprintf(err, err_len, "cannot load libcurl (Debian package libcurl4) for the platforms");
        platform_set_free(set);
        return st;
    }
    atomic_store(&app->platforms, set);
    return GH_OK;
}

const char *federate_seal_aad(arena_t *a, const char *platform, const char *subject)
{
    return arena_printf(a, "%s\n%s", platform, subject);
}

const char *federate_reload(void *ctx)
{
    app_t *app = ctx;
    return platform_set_reload(app->config_file, &app->platform_site, &app->platforms) == GH_OK
               ? "platforms"
               : NULL;
}

void federate_stop(app_t *app)
{
    platform_set_free(atomic_exchange(&app->platforms, NULL));
    secret_wipe(app->fed_pkce_key, sizeof app->fed_pkce_key);
    secret_wipe(app->fed_seal_key, sizeof app->fed_seal_key);
}
