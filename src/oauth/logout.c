/* GET|POST /auth/logout: RP-initiated logout (OpenID Connect RP-Initiated
 * Logout 1.0 §2–3). Ends the login session (its record and its cookie), then
 * redirects to the client's registered post_logout_redirect_uri with `state`,
 * or shows the "signed out" page.
 *
 * Trust: an id_token_hint counts only when its signature checks with one of
 * our keys, its typ is our id_token's ("JWT", not an access token) and its
 * iss is ours; it may have expired (§2). Its aud names the client, and a
 * client_id sent beside it must be the same. A post_logout_redirect_uri must
 * be registered byte for byte for that client, otherwise the answer is an
 * error page, never a redirect. Without a hint for the signed-in person the
 * logout could be forged by another site (§6, logout CSRF), so the person is
 * asked first: a CSRF-protected confirmation form posted back here.
 *
 * Logout everywhere (docs/clients.md "Logout"): the clients that received a
 * code in the session are told. Those with a backchannel_logout_uri get a
 * logout token from the outbox (logout_notify.c; nothing here waits for
 * them); those with a frontchannel_logout_uri are loaded in invisible iframes
 * of the "signed out" page (Front-Channel Logout 1.0 §3, with iss and sid
 * when the client asked for them), whose CSP frame-src names exactly their
 * origins, and which then goes on to post_logout_redirect_uri by a Refresh
 * header and a link. */
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/uri.h"
#include "oauth/oauth_int.h"

/* The pages' CSP (http/response.c), to which the front-channel page adds
 * its frame-src; and how long it lets the iframes load before going on. */
#define LOGOUT_PAGE_CSP                                                                            \
    "frame-ancestors 'none'; default-src 'self'; base-uri 'none'; object-src 'none'"
#define LOGOUT_FRAMES_WAIT 2

typedef struct {
    const char *id_token_hint, *post_logout_redirect_uri, *state, *client_id, *ui_locales;
} logout_params_t;

typedef struct {
    http_request_t *req;
    http_response_t *res;
    app_t *app;
    logout_params_t p;
    ui_lang_t lang;
    const char *hint_sub; /* sub of a valid id_token_hint, else NULL */
    store_client_t client;
    bool has_client;
} logout_t;

static const char *param(const http_pairs_t *src, const char *name)
{
    const char *v = http_pairs_get(src, name);
    return v && *v ? v : NULL;
}

static void read_params(logout_t *l)
{
    const http_pairs_t *src = l->req->method == HTTP_POST ? &l->req->form : &l->req->query;
    l->p = (logout_params_t){.id_token_hint = param(src, "id_token_hint"),
                             .post_logout_redirect_uri = param(src, "post_logout_redirect_uri"),
                             .state = param(src, "state"),
                             .client_id = param(src, "client_id"),
                             .ui_locales = param(src, "ui_locales")};
}

static bool refuse(logout_t *l, int status, ui_msg_t msg, ui_detail_t detail)
{
    oauth_error_page(l->req, l->res, l->lang, status, msg, detail);
    return false;
}

static bool server_failed(logout_t *l, gh_status_t st)
{
    return refuse(l, st == GH_ERR_UNAVAILABLE ? 503 : 500, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
}

static const char *claim(json_t *claims, const char *name)
{
    return json_string_value(json_object_get(claims, name));
}

/* The id_token_hint, when sent, must be one of our id_tokens. */
static bool check_hint(logout_t *l)
{
    if (!l->p.id_token_hint)
        return true;
    json_t *claims = NULL;
    const char *typ = NULL, *iss = NULL, *aud = NULL, *sub = NULL;
    if (keyring_verify(l->app->keys, l->req->arena, l->p.id_token_hint, &claims, &typ) == GH_OK &&
        typ && !strcmp(typ, "JWT")) {
        iss = claim(claims, "iss");
        aud = claim(claims, "aud");
        sub = claim(claims, "sub");
    }
    if (!iss || strcmp(iss, l->app->cfg->issuer) != 0 || !aud || !sub)
        return refuse(l, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_HINT_NOT_OURS);
    if (l->p.client_id && strcmp(l->p.client_id, aud) != 0)
        return refuse(l, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_HINT_AUDIENCE);
    l->p.client_id = aud;
    l->hint_sub = sub;
    return true;
}

static bool logout_uri_registered(const store_client_t *c, const char *uri)
{
    for (size_t i = 0; i < c->post_logout_redirect_uri_count; i++)
        if (!strcmp(c->post_logout_redirect_uris[i], uri)) /* exact match */
            return true;
    return false;
}

/* The client named by the hint or client_id, and the URI it may return to. */
static bool check_client(logout_t *l)
{
    if (l->p.client_id) {
        gh_status_t st = store_client_get(l->app->store, l->req->arena, l->p.client_id, &l->client);
        if (st == GH_ERR_NOT_FOUND)
            return refuse(l, 400, UI_MSG_UNKNOWN_CLIENT, UI_DETAIL_NONE);
        if (st != GH_OK)
            return server_failed(l, st);
        l->has_client = true;
    }
    const char *uri = l->p.post_logout_redirect_uri;
    if (uri && !l->has_client)
        return refuse(l, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_LOGOUT_URI_NEEDS_CLIENT);
    if (uri && !logout_uri_registered(&l->client, uri))
        return refuse(l, 400, UI_MSG_BAD_REDIRECT_URI, UI_DETAIL_NONE);
    return true;
}

/* The confirmation form: the request (client resolved) posted back with CSRF. */
static void confirm_page(logout_t *l)
{
    const char *csrf = csrf_token(l->req, l->res, NULL);
    const ui_hidden_t all[] = {
        {"client_id", l->has_client ? l->client.id : NULL},
        {"post_logout_redirect_uri", l->p.post_logout_redirect_uri},
        {"state", l->p.state},
        {"ui_locales", l->p.ui_locales},
        {"csrf", csrf},
    };
    ui_hidden_t hidden[sizeof all / sizeof all[0]];
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i].value)
            hidden[n++] = all[i];
    const char *name = NULL;
    if (l->has_client)
        name = l->client.name && *l->client.name ? l->client.name : l->client.id;
    ui_logout_t page = {l->lang, "/auth/logout", hidden, n, name};
    const char *html = csrf ? ui_render_logout(l->req->arena, &page) : NULL;
    if (!html) {
        server_failed(l, GH_ERR_NOMEM);
        return;
    }
    http_response_html(l->res, 200, html, strlen(html));
}

/* Without a hint for this session: true once the person has confirmed
 * (a POST of the form with a good CSRF token); otherwise the form or, for a
 * forged post, an error is answered. */
static bool confirmed(logout_t *l)
{
    if (l->req->method != HTTP_POST || !http_pairs_get(&l->req->form, "confirm")) {
        confirm_page(l);
        return false;
    }
    if (!session_csrf_check(l->req))
        return refuse(l, 403, UI_MSG_FORM_EXPIRED, UI_DETAIL_NONE);
    return true;
}

/* The front-channel logout URL of a client (Front-Channel Logout 1.0 §3):
 * with iss and sid when it registered frontchannel_logout_session_required. */
static const char *frame_url(logout_t *l, const store_session_client_t *c)
{
    buf_t b;
    buf_init(&b, l->req->arena);
    buf_puts(&b, c->frontchannel_logout_uri);
    if (c->frontchannel_logout_session_required) {
        uri_append_param(&b, "iss", l->app->cfg->issuer);
        uri_append_param(&b, "sid", c->sid);
    }
    return buf_cstr(&b);
}

/* Appends the origin (scheme://host[:port]) of an absolute URI to b. */
static void put_origin(buf_t *b, const char *uri)
{
    const char *host = strstr(uri, "://");
    size_t n = host ? (size_t)(host + 3 - uri) + strcspn(host + 3, "/?#") : strlen(uri);
    buf_putc(b, ' ');
    buf_append(b, uri, n);
}

/* The "signed out" page with an iframe per front-channel client, then on
 * to next (NULL: stay). */
static void frames_page(logout_t *l, const store_session_client_t *clients, size_t count,
                        const char *next)
{
    const char **frames = arena_alloc(l->req->arena, count * sizeof *frames);
    buf_t csp;
    buf_init(&csp, l->req->arena);
    buf_puts(&csp, LOGOUT_PAGE_CSP "; frame-src");
    size_t n = 0;
    for (size_t i = 0; frames && i < count; i++) {
        if (!clients[i].frontchannel_logout_uri)
            continue;
        frames[n++] = frame_url(l, &clients[i]);
        put_origin(&csp, clients[i].frontchannel_logout_uri);
    }
    ui_signed_out_t page = {l->lang, frames, n, next};
    const char *html = frames ? ui_render_signed_out(l->req->arena, &page) : NULL;
    const char *refresh =
        next ? arena_printf(l->req->arena, "%d; url=%s", LOGOUT_FRAMES_WAIT, next) : "";
    if (!html || !buf_cstr(&csp) || !refresh) {
        server_failed(l, GH_ERR_NOMEM);
        return;
    }
    http_response_header(l->res, "Content-Security-Policy", buf_cstr(&csp));
    if (next)
        http_response_header(l->res, "Refresh", refresh);
    http_response_html(l->res, 200, html, strlen(html));
}

static bool any_frontchannel(const store_session_client_t *clients, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (clients[i].frontchannel_logout_uri)
            return true;
    return false;
}

/* Ends the session (session: NULL when there is none), tells its clients,
 * then back to the client or the "signed out" page. */
static void finish(logout_t *l, const store_session_t *session)
{
    store_session_client_t *clients = NULL;
    size_t count = 0;
    gh_status_t st = GH_OK;
    if (session)
        st = logout_session_ended(l->app, l->req->arena, session, &clients, &count);
    if (st == GH_OK)
        st = session_end(l->req, l->res);
    if (st != GH_OK) {
        server_failed(l, st);
        return;
    }
    log_event(LOG_INFO, "logout", "client_id", l->has_client ? l->client.id : "-", NULL);
    const char *location = NULL;
    if (l->p.post_logout_redirect_uri) {
        buf_t b;
        buf_init(&b, l->req->arena);
        buf_puts(&b, l->p.post_logout_redirect_uri);
        uri_append_param(&b, "state", l->p.state);
        if (!(location = buf_cstr(&b))) {
            server_failed(l, GH_ERR_NOMEM);
            return;
        }
    }
    if (any_frontchannel(clients, count)) {
        frames_page(l, clients, count, location);
        return;
    }
    if (!location) {
        const char *html = ui_render_info(l->req->arena, l->lang, UI_MSG_SIGNED_OUT);
        if (html)
            http_response_html(l->res, 200, html, strlen(html));
        else
            server_failed(l, GH_ERR_NOMEM);
        return;
    }
    /* after a POST, 303 makes the browser GET the client's page */
    http_response_redirect(l->res, l->req->method == HTTP_POST ? 303 : 302, location);
}

void logout_handler(http_request_t *req, http_response_t *res)
{
    logout_t l = {.req = req, .res = res, .app = app_of(req)};
    read_params(&l);
    l.lang = ui_lang_pick(l.p.ui_locales, http_request_header(req, "Accept-Language"));
    if (req->method == HTTP_POST && req->form_malformed) {
        refuse(&l, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_NONE);
        return;
    }
    if (!check_hint(&l) || !check_client(&l))
        return;
    store_session_t session;
    gh_status_t st = session_current(req, &session);
    if (st != GH_OK && st != GH_ERR_NOT_FOUND) {
        server_failed(&l, st);
        return;
    }
    /* nothing to end, or the hint names who is signed in: no need to ask */
    const char *seen = st == GH_OK && l.hint_sub /* the hint's sub is the client's (pairwise) */
                           ? oauth_subject_of(l.app, req->arena, l.p.client_id, session.sub)
                           : NULL;
    bool ask = st == GH_OK && !(seen && !strcmp(l.hint_sub, seen));
    if (ask && !confirmed(&l))
        return;
    finish(&l, st == GH_OK ? &session : NULL);
}

/* Declared parameters: repeated or over-long ones are refused (a page). */
const http_param_spec_t LOGOUT_PARAMS[] = {
    {"id_token_hint", JOSE_MAX_TOKEN},
    {"post_logout_redirect_uri", 2048},
    {"state", 2048},
    {"client_id", 128},
    {"ui_locales", 128},
    {"csrf", 128},
    {"confirm", 16},
    {NULL, 0},
};
