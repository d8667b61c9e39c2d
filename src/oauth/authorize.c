/* /auth/authorize (RFC 6749 §4.1, OpenID Connect Core §3.1.2): validates the
 * authorization request, signs the person in, asks for consent, and answers
 * with a single-use code.
 *
 * The request travels with the person: GET carries it in the query (or a POST
 * in a form body, OpenID Connect Core §3.1.2.1); the login and consent forms
 * post it back in hidden fields (with a CSRF token and the `step`), and every
 * POST validates it again from scratch. A member who needs a second factor
 * (mfa_policy) sees the second-factor page after the password, or instead of
 * the consent when the session has the password alone (a step-up), and every
 * way to a code passes that check (docs/mfa.md). Until the client
 * and its exact redirect URI are known, errors are pages, never redirects
 * (RFC 6749 §4.1.2.1); after that they go back to the client. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/secret.h"
#include "core/uri.h"
#include "oauth/audit.h"
#include "oauth/oauth_int.h"
#include "oauth/passkey.h"
#include "oauth/server.h"
#include "ui/ui.h"

typedef struct {
    const char *client_id, *redirect_uri, *response_type, *scope, *state, *nonce, *code_challenge,
        *code_challenge_method, *prompt, *max_age, *login_hint, *ui_locales, *request, *request_uri,
        *response_mode, *acr_values, *dpop_jkt;
} authz_params_t;

static const struct {
    const char *name;
    size_t offset;
} PARAMS[] = {
#define P(n)                                                                                       \
    {                                                                                              \
#n, offsetof(authz_params_t, n)                                                            \
    }
    P(client_id), P(redirect_uri), P(response_type),  P(scope),
    P(state),     P(nonce),        P(code_challenge), P(code_challenge_method),
    P(prompt),    P(max_age),      P(login_hint),     P(ui_locales),
    P(request),   P(request_uri),  P(response_mode),  P(acr_values),
    P(dpop_jkt),
#undef P
};

#define PARAM_COUNT (sizeof PARAMS / sizeof PARAMS[0])

/* The sign-in form's fields: declared limits (AUTHORIZE_PARAMS), also the
 * inputs' maxlength. */
#define USERNAME_MAX 256
#define PASSWORD_MAX 1024

/* Everything one authorization request needs while it is handled. */
typedef struct {
    http_request_t *req;
    http_response_t *res;
    app_t *app;
    authz_params_t p;
    ui_lang_t lang;
    store_client_t client;
    scope_list_t scope;
    long max_age;              /* -1 when absent */
    bool form_post;            /* response_mode=form_post: answers go back in a posted form */
    bool pushed;               /* the parameters came from a pushed request (RFC 9126) */
    const http_pairs_t *src;   /* where the parameters came from (for the repeated resource) */
    http_pairs_t resolved;     /* a request object's or pushed request's (src then points here) */
    resource_list_t resources; /* RFC 8707 */
    /* a request that is not one of our forms reads the session, and its
     * member's consent to the client, with the client (session_client_current:
     * one round trip); session_read once that is done */
    bool with_session, session_read;
    gh_status_t session_st;
    store_session_t session;
    const char *consent;     /* the scope consented to, NULL for none */
    store_factors_t factors; /* the member's second factors (mfa_policy_known) */
} authz_t;

/* How long the mark of a pushed request (pushed_mark) stays good: the time
 * a person may take to sign in and consent. */
#define PUSHED_MARK_TTL 3600

static const char **param_slot(authz_params_t *p, size_t i)
{
    return (const char **)((char *)p + PARAMS[i].offset);
}

static void read_params(authz_t *z, const http_pairs_t *src)
{
    z->src = src;
    for (size_t i = 0; i < PARAM_COUNT; i++) {
        const char *v = http_pairs_get(src, PARAMS[i].name);
        *param_slot(&z->p, i) = v && *v ? v : NULL;
    }
}

/* ---- answers ---- */

static void error_page(authz_t *z, int status, ui_msg_t msg, ui_detail_t detail)
{
    oauth_error_page(z->req, z->res, z->lang, status, msg, detail);
}

/* OAuth 2.0 Form Post Response Mode §2: the answer's parameters (those of
 * them that are set) posted to the verified redirect_uri by the browser. */
static void post_back(authz_t *z, const ui_hidden_t *fields, size_t count)
{
    ui_hidden_t set[4];
    size_t n = 0;
    for (size_t i = 0; i < count && n < sizeof set / sizeof set[0]; i++)
        if (fields[i].name && fields[i].value)
            set[n++] = fields[i];
    const char *html = ui_render_form_post(z->req->arena, z->lang, z->p.redirect_uri, set, n);
    if (!html) {
        error_page(z, 500, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
        return;
    }
    http_response_html(z->res, 200, html, strlen(html));
}

/* Sends the given parameters + state + iss back to the verified
 * redirect_uri: a redirect with them in the query, or a posted form. */
static void redirect_back(authz_t *z, const char *k1, const char *v1, const char *k2,
                          const char *v2)
{
    if (z->form_post) {
        const ui_hidden_t fields[] = {
            {k1, v1}, {k2, v2}, {"state", z->p.state}, {"iss", z->app->cfg->issuer}};
        post_back(z, fields, sizeof fields / sizeof fields[0]);
        return;
    }
    buf_t b;
    buf_init(&b, z->req->arena);
    buf_puts(&b, z->p.redirect_uri);
    uri_append_param(&b, k1, v1);
    uri_append_param(&b, k2, v2);
    uri_append_param(&b, "state", z->p.state);
    uri_append_param(&b, "iss", z->app->cfg->issuer); /* RFC 9207 */
    const char *location = buf_cstr(&b);
    if (!location) {
        error_page(z, 500, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
        return;
    }
    http_response_redirect(z->res, 302, location);
}

static void redirect_error(authz_t *z, oauth_error_kind_t kind, const char *description)
{
    redirect_back(z, "error", oauth_error_name(kind), "error_description", description);
}

static void redirect_error_named(authz_t *z, const char *error, const char *description)
{
    redirect_back(z, "error", error, "error_description", description);
}

/* ---- validation ---- */

static bool find_redirect_uri(const store_client_t *c, const char *uri)
{
    for (size_t i = 0; i < c->redirect_uri_count; i++)
        if (uri_redirect_matches(c->redirect_uris[i], uri)) /* RFC 9700 §4.1.3, RFC 8252 §7.3 */
            return true;
    return false;
}

/* The client and its redirect URI; on failure an error page is written. */
static bool check_client(authz_t *z)
{
    if (!z->p.client_id) {
        error_page(z, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_CLIENT_ID_MISSING);
        return false;
    }
    gh_status_t st = client_document_prepare(z->req, z->p.client_id);
    if (st == GH_OK)
        st = z->with_session
                 ? session_client_current(z->req, z->p.client_id, &z->client, &z->session_st,
                                          &z->session, &z->consent, &z->factors)
                 : store_client_get(z->app->store, z->req->arena, z->p.client_id, &z->client);
    z->session_read = z->with_session && st == GH_OK;
    if (st == GH_ERR_NOT_FOUND) {
        error_page(z, 400, UI_MSG_UNKNOWN_CLIENT, UI_DETAIL_NONE);
        return false;
    }
    if (st != GH_OK) {
        error_page(z, st == GH_ERR_UNAVAILABLE ? 503 : 500, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
        return false;
    }
    if (!z->p.redirect_uri || !find_redirect_uri(&z->client, z->p.redirect_uri)) {
        error_page(z, 400, UI_MSG_BAD_REDIRECT_URI, UI_DETAIL_NONE);
        return false;
    }
    return true;
}

static bool check_pkce(authz_t *z)
{
    const char *method = z->p.code_challenge_method, *challenge = z->p.code_challenge;
    if (challenge && !pkce_method_supported(method)) {
        redirect_error(z, OAUTH_ERR_INVALID_REQUEST, "code_challenge_method must be S256");
        return false;
    }
    if (challenge && !pkce_challenge_valid(challenge)) {
        redirect_error(z, OAUTH_ERR_INVALID_REQUEST, "malformed code_challenge");
        return false;
    }
    if (!challenge && method) {
        redirect_error(z, OAUTH_ERR_INVALID_REQUEST,
                       "code_challenge_method without code_challenge");
        return false;
    }
    if (!challenge && (z->client.is_public || z->client.fapi2)) { /* FAPI 2.0 §5.3.2.2 */
        redirect_error(z, OAUTH_ERR_INVALID_REQUEST,
                       z->client.fapi2 ? "a FAPI 2.0 client must use PKCE"
                                       : "a public client must use PKCE");
        return false;
    }
    return true;
}

/* RFC 9449 §10: dpop_jkt, an RFC 7638 SHA-256 thumbprint, binds the code. */
static bool check_dpop_jkt(authz_t *z)
{
    const char *jkt = z->p.dpop_jkt;
    if (!jkt || (strlen(jkt) == DPOP_JKT_LEN && strspn(jkt, B64URL_CHARS) == DPOP_JKT_LEN))
        return true;
    redirect_error(z, OAUTH_ERR_INVALID_REQUEST, "malformed dpop_jkt");
    return false;
}

static bool parse_max_age(authz_t *z)
{
    z->max_age = -1;
    if (!z->p.max_age)
        return true;
    char *end = NULL;
    long v = strtol(z->p.max_age, &end, 10);
    if (*end || end == z->p.max_age || v < 0) {
        redirect_error(z, OAUTH_ERR_INVALID_REQUEST, "max_age must be a whole number");
        return false;
    }
    z->max_age = v;
    return true;
}

static bool prompt_has(const authz_t *z, const char *value)
{
    scope_list_t l; /* prompt is a space-separated list too */
    return z->p.prompt && scope_parse(z->req->arena, z->p.prompt, &l) == GH_OK &&
           scope_has(&l, value);
}

/* OAuth 2.0 Multiple Response Type Encoding Practices §2.1 and Form Post
 * Response Mode §2: query (the default for code) or form_post. An unknown
 * mode is answered in the default one. */
static bool check_response_mode(authz_t *z)
{
    const char *mode = z->p.response_mode;
    z->form_post = mode && !strcmp(mode, "form_post");
    if (mode && !z->form_post && strcmp(mode, "query") != 0) {
        redirect_error(z, OAUTH_ERR_INVALID_REQUEST, "response_mode must be query or form_post");
        return false;
    }
    return true;
}

/* RFC 8707 §2: the resources asked for, each one the client may ask for. */
static bool check_resources(authz_t *z)
{
    oauth_error_t err;
    if (!resource_read(z->src, &z->resources, &err) ||
        !resource_allowed(&z->resources, z->client.resources, z->client.resource_count, &err)) {
        redirect_error(z, err.kind, err.description);
        return false;
    }
    return true;
}

/* The rest of the request, answered by redirect on failure. */
static bool check_request(authz_t *z)
{
    if (z->p.request_uri) { /* only our own pushed requests' (resolve_source) */
        redirect_error_named(
            z, "request_uri_not_supported",
            "request_uri must come from the pushed authorization request endpoint");
        return false;
    }
    if (!z->p.response_type) {
        redirect_error(z, OAUTH_ERR_INVALID_REQUEST, "response_type is required");
        return false;
    }
    if (strcmp(z->p.response_type, "code") != 0) {
        redirect_error(z, OAUTH_ERR_UNSUPPORTED_RESPONSE_TYPE, "only response_type=code");
        return false;
    }
    if (!(z->client.grants & STORE_GRANT_AUTHORIZATION_CODE)) {
        redirect_error(z, OAUTH_ERR_UNAUTHORIZED_CLIENT, "client may not use the code flow");
        return false;
    }
    scope_list_t allowed;
    if (!z->p.scope || scope_parse(z->req->arena, z->p.scope, &z->scope) != GH_OK) {
        redirect_error(z, OAUTH_ERR_INVALID_REQUEST, "scope is missing or malformed");
        return false;
    }
    if (scope_parse(z->req->arena, z->client.scope, &allowed) != GH_OK ||
        !scope_subset(&z->scope, &allowed)) {
        redirect_error(z, OAUTH_ERR_INVALID_SCOPE, "scope not allowed for this client");
        return false;
    }
    scope_list_t prompt;
    if (z->p.prompt && scope_parse(z->req->arena, z->p.prompt, &prompt) != GH_OK) {
        redirect_error(z, OAUTH_ERR_INVALID_REQUEST, "prompt is malformed");
        return false;
    }
    if (prompt_has(z, "none") && z->p.prompt && strcmp(z->p.prompt, "none") != 0) {
        redirect_error(z, OAUTH_ERR_INVALID_REQUEST, "prompt=none cannot be combined");
        return false;
    }
    return check_pkce(z) && check_dpop_jkt(z) && parse_max_age(z) && check_resources(z);
}

/* ---- request objects and pushed requests ---- */

/* The mark that the parameters on our forms came from a pushed request, so
 * that the steps after it (sign-in, consent) still count as pushed:
 * "EXP.HMAC", HMAC(csrf_key) over EXP and every parameter, good until EXP.
 * NULL when out of memory. */
static const char *pushed_mark(const authz_t *z, int64_t exp)
{
    buf_t b;
    buf_init(&b, z->req->arena);
    buf_printf(&b, "pushed %lld", (long long)exp);
    for (size_t i = 0; i < PARAM_COUNT; i++) {
        const char *v = *param_slot((authz_params_t *)&z->p, i);
        buf_putc(&b, '\0');
        buf_puts(&b, PARAMS[i].name);
        buf_putc(&b, '\0');
        buf_puts(&b, v ? v : "");
    }
    for (size_t i = 0; i < z->resources.count; i++) {
        buf_putc(&b, '\0');
        buf_puts(&b, "resource");
        buf_putc(&b, '\0');
        buf_puts(&b, z->resources.items[i]);
    }
    char mac[SECRET_DIGEST_HEX_LEN + 1];
    if (!buf_cstr(&b))
        return NULL;
    secret_hmac_hex(z->app->csrf_key, sizeof z->app->csrf_key, b.data, b.len, mac);
    return arena_printf(z->req->arena, "%lld.%s", (long long)exp, mac);
}

/* Whether the request's parameters (our form's, a link of ours, a stored
 * request's) carry a good mark of a pushed request. */
static bool pushed_mark_ok(const authz_t *z)
{
    const char *mark = http_pairs_get(z->src, PUSHED_MARK_PARAM);
    char *end = NULL;
    long long exp = mark ? strtoll(mark, &end, 10) : 0;
    if (!mark || !end || *end != '.' || exp < clock_now())
        return false;
    const char *want = pushed_mark(z, exp);
    return want && secret_equal_str(mark, want);
}

/* RFC 9101 §5, RFC 9126 §4: a request object, or a pushed request, replaces
 * the request's parameters (the outer client_id stays, and the inner one must
 * be the same). Until the redirect URI inside is verified, errors are pages.
 * A request_uri that is not ours is left for check_request to refuse. */
static bool resolve_source(authz_t *z)
{
    const char *outer_id = z->p.client_id, *uri = z->p.request_uri;
    if ((!z->p.request && !uri) || (uri && !par_is_ours(uri) && !z->p.request))
        return true;
    if (!outer_id) {
        error_page(z, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_CLIENT_ID_MISSING);
        return false;
    }
    oauth_error_t err;
    if (z->p.request && uri) {
        error_page(z, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_PARAMS_MALFORMED);
        return false;
    }
    if (uri && !par_take(z->req, outer_id, uri, &z->resolved)) {
        error_page(z, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_REQUEST_URI_INVALID);
        return false;
    }
    if (!uri) {
        gh_status_t st = client_document_prepare(z->req, outer_id);
        if (st == GH_OK)
            st = store_client_get(z->app->store, z->req->arena, outer_id, &z->client);
        if (st != GH_OK) {
            error_page(z, st == GH_ERR_NOT_FOUND ? 400 : 503,
                       st == GH_ERR_NOT_FOUND ? UI_MSG_UNKNOWN_CLIENT : UI_MSG_SERVER_ERROR,
                       UI_DETAIL_NONE);
            return false;
        }
        if (!request_object_read(z->req, &z->client, z->p.request, &z->resolved, &err)) {
            error_page(z, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_REQUEST_OBJECT_INVALID);
            return false;
        }
    }
    const char *inner_id = http_pairs_get(&z->resolved, "client_id");
    if (inner_id && strcmp(inner_id, outer_id) != 0) {
        error_page(z, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_PARAMS_MALFORMED);
        return false;
    }
    read_params(z, &z->resolved);
    z->p.client_id = outer_id;
    z->pushed = uri != NULL;
    return true;
}

/* RFC 9126 §5: a client (or the server) that requires pushed requests takes
 * no other. */
static bool check_pushed(authz_t *z)
{
    oauth_error_t err; /* a bad resource is told by check_resources */
    if (!z->pushed && resource_read(z->src, &z->resources, &err))
        z->pushed = pushed_mark_ok(z);
    if (!z->pushed && (z->client.require_par || z->app->cfg->require_par || z->client.fapi2)) {
        redirect_error(z, OAUTH_ERR_INVALID_REQUEST,
                       "authorization requests must be pushed first (RFC 9126)");
        return false;
    }
    return true;
}

/* ---- pages ---- */

/* The request's parameters (with its resources and, when it was pushed, a
 * fresh mark saying so), the CSRF token (for session, see csrf_token) and
 * the step, as hidden fields; the parameters alone when step is NULL. */
static bool hidden_fields(authz_t *z, const char *step, const store_session_t *session,
                          ui_hidden_t **out, size_t *count)
{
    ui_hidden_t *h = arena_alloc(z->req->arena, (PARAM_COUNT + 3 + RESOURCE_MAX_COUNT) * sizeof *h);
    const char *csrf = step ? csrf_token(z->req, z->res, session) : "";
    const char *mark = z->pushed ? pushed_mark(z, clock_now() + PUSHED_MARK_TTL) : NULL;
    if (!h || !csrf || (z->pushed && !mark))
        return false;
    size_t n = 0;
    for (size_t i = 0; i < PARAM_COUNT; i++) {
        const char *v = *param_slot(&z->p, i);
        if (v)
            h[n++] = (ui_hidden_t){PARAMS[i].name, v};
    }
    for (size_t i = 0; i < z->resources.count; i++)
        h[n++] = (ui_hidden_t){"resource", z->resources.items[i]};
    if (mark)
        h[n++] = (ui_hidden_t){PUSHED_MARK_PARAM, mark};
    if (step) {
        h[n++] = (ui_hidden_t){"csrf", csrf};
        h[n++] = (ui_hidden_t){"step", step};
    }
    *out = h;
    *count = n;
    return true;
}

/* Appends to b what a request carries besides PARAMS: its resources and,
 * when it was pushed, a fresh mark saying so. False when out of memory. */
static bool request_extras(const authz_t *z, buf_t *b)
{
    for (size_t i = 0; i < z->resources.count; i++)
        uri_append_param(b, "resource", z->resources.items[i]);
    const char *mark = z->pushed ? pushed_mark(z, clock_now() + PUSHED_MARK_TTL) : NULL;
    if (z->pushed && !mark)
        return false;
    uri_append_param(b, PUSHED_MARK_PARAM, mark);
    return true;
}

/* The request's parameters as a query string (without the '?'), as
 * authorize_resume takes them; NULL when out of memory. */
static const char *request_query(authz_t *z)
{
    buf_t b;
    buf_init(&b, z->req->arena);
    for (size_t i = 0; i < PARAM_COUNT; i++)
        uri_append_param(&b, PARAMS[i].name, *param_slot(&z->p, i));
    return b.len && request_extras(z, &b) ? buf_cstr(&b) + 1 : NULL;
}

static const char *client_display_name(const authz_t *z)
{
    return z->client.name && *z->client.name ? z->client.name : z->client.id;
}

/* The configured platforms as buttons, each a form carrying the request's
 * parameters (not the CSRF token nor the step: starting a federated sign-in
 * changes nothing, and its state is bound to the browser). */
static void platform_buttons(authz_t *z, ui_login_t *page)
{
    const platform_set_t *set = atomic_load(&z->app->platforms);
    ui_platform_t *list =
        set && set->count ? arena_alloc(z->req->arena, set->count * sizeof *list) : NULL;
    ui_hidden_t *request = NULL;
    size_t n = 0;
    if (!list || !hidden_fields(z, NULL, NULL, &request, &n))
        return;
    for (size_t i = 0; i < set->count; i++)
        list[i] = (ui_platform_t){set->list[i].name, set->list[i].label, set->list[i].kind->name};
    page->platforms = list;
    page->platform_count = set->count;
    page->request = request;
    page->request_count = n;
}

static void login_page_waiting(authz_t *z, int status, ui_msg_t msg, const char *username,
                               int64_t retry_after)
{
    ui_login_t page = {.lang = z->lang,
                       .action = "/auth/authorize",
                       .client_name = client_display_name(z),
                       .username = username ? username : z->p.login_hint,
                       .message = msg,
                       .username_max = USERNAME_MAX,
                       .password_max = PASSWORD_MAX,
                       .retry_after = (long)retry_after,
                       .reset_link = selfservice_mail_on(z->app),
                       .register_link = z->app->cfg->registration == REGISTRATION_OPEN,
                       .passkey = passkey_enabled(z->app)};
    if (page.register_link)
        page.register_query = request_query(z);
    ui_hidden_t *hidden = NULL;
    const char *html = NULL;
    platform_buttons(z, &page);
    if (hidden_fields(z, "login", NULL, &hidden, &page.hidden_count)) {
        page.hidden = hidden;
        html = ui_render_login(z->req->arena, &page);
    }
    if (!html) {
        error_page(z, 500, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
        return;
    }
    http_response_html(z->res, status, html, strlen(html));
}

static void login_page(authz_t *z, int status, ui_msg_t msg, const char *username)
{
    login_page_waiting(z, status, msg, username, 0);
}

static void consent_page(authz_t *z, const store_session_t *session, const store_user_t *user)
{
    ui_consent_t page = {.lang = z->lang,
                         .config = z->app->config,
                         .action = "/auth/authorize",
                         .client_name = client_display_name(z),
                         .username = user->nickname ? user->nickname : user->username,
                         .unverified_host = client_document_host(z->req->arena, z->client.id)};
    ui_hidden_t *hidden = NULL;
    const char *html = NULL;
    if (scope_consent_items(z->req->arena, &app_of(z->req)->scopes, &z->scope, &page) &&
        hidden_fields(z, "consent", session, &hidden, &page.hidden_count)) {
        page.hidden = hidden;
        html = ui_render_consent(z->req->arena, &page);
    }
    if (!html) {
        error_page(z, 500, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
        return;
    }
    http_response_html(z->res, 200, html, strlen(html));
}

/* ---- the code ---- */

static void issue_code(authz_t *z, const store_session_t *session)
{
    const char *code = NULL, *digest = NULL;
    const char *scope = scope_join(z->req->arena, &z->scope);
    if (!scope || tokens_mint(z->req->arena, &code, &digest) != GH_OK) {
        error_page(z, 500, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
        return;
    }
    int64_t now = clock_now();
    store_code_t c = {.digest = digest,
                      .client_id = z->client.id,
                      .redirect_uri = z->p.redirect_uri,
                      .scope = scope,
                      .sub = session->sub,
                      .nonce = z->p.nonce,
                      .code_challenge = z->p.code_challenge,
                      .session_digest = session->digest,
                      .auth_time = session->auth_time,
                      .expires_at = now + fapi2_code_ttl(&z->client, z->app->cfg->code_ttl),
                      .authn = session->authn,
                      .resources = resource_join(z->req->arena, &z->resources),
                      .dpop_jkt = z->p.dpop_jkt};
    /* with who to tell when the session ends */
    gh_status_t st = store_code_put_tracked(z->app->store, &c, session->expires_at);
    if (st != GH_OK) {
        redirect_error(z, oauth_error_from_status(st), NULL);
        return;
    }
    metrics_add(METRIC_CODES_ISSUED, 1);
    redirect_back(z, "code", code, NULL, NULL);
}

/* Consent given before for every requested scope? */
static bool consented(authz_t *z, const char *sub)
{
    const char *granted = z->consent;
    scope_list_t g;
    if (!z->session_read &&
        store_consent_get(z->app->store, z->req->arena, sub, z->client.id, &granted) != GH_OK)
        return false;
    return granted && scope_parse(z->req->arena, granted, &g) == GH_OK &&
           scope_subset(&z->scope, &g);
}

/* The admin console asks for the admin scope: only a member holding the
 * admin role now may have it (docs/admin.md "Console"). True when the
 * request may go on; otherwise access_denied has been sent back. */
static bool admin_role_met(authz_t *z, const char *sub)
{
    store_user_t user;
    if (strcmp(z->client.id, OAUTH_CONSOLE_CLIENT_ID) != 0 ||
        !scope_has(&z->scope, OAUTH_ADMIN_SCOPE))
        return true;
    gh_status_t st = store_user_get(z->app->store, z->req->arena, sub, &user);
    if (st == GH_OK && user.is_admin && !user.disabled_at)
        return true;
    if (st != GH_OK && st != GH_ERR_NOT_FOUND)
        redirect_error(z, oauth_error_from_status(st), NULL);
    else
        redirect_error(z, OAUTH_ERR_ACCESS_DENIED, "this account does not have the admin role");
    return false;
}

/* With a session that meets the second-factor policy: consent, then the code. */
static void continue_signed_in(authz_t *z, const store_session_t *session)
{
    if (!admin_role_met(z, session->sub))
        return;
    if (consented(z, session->sub) && !prompt_has(z, "consent")) {
        issue_code(z, session);
        return;
    }
    if (prompt_has(z, "none")) {
        redirect_error_named(z, "consent_required", "consent has not been given");
        return;
    }
    store_user_t user;
    gh_status_t st = store_user_get(z->app->store, z->req->arena, session->sub, &user);
    if (st != GH_OK) {
        login_page(z, 200, UI_MSG_NONE, NULL);
        return;
    }
    consent_page(z, session, &user);
}

/* ---- the second factor (mfa_step.c) ---- */

static void store_failed(authz_t *z, gh_status_t st);

/* The ways to give a second factor on its page for sub (whose sign-in has
 * amr so far): the code form, a passkey (mfa_page_ways), and other ways as
 * links (page->other_ways; none yet). */
static void second_factor_ways(authz_t *z, const char *sub, const char *amr, ui_mfa_t *page)
{
    mfa_page_ways(z->req, sub, amr, page);
    page->other_ways = NULL;
    page->other_way_count = 0;
}

/* The second-factor page's fields: the request, the CSRF token, step=mfa. */
static bool mfa_page_init(authz_t *z, const char *sub, const char *amr, ui_mfa_t *page)
{
    ui_hidden_t *hidden = NULL;
    *page = (ui_mfa_t){.lang = z->lang, .action = "/auth/authorize"};
    if (!hidden_fields(z, "mfa", NULL, &hidden, &page->hidden_count)) {
        error_page(z, 500, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
        return false;
    }
    page->hidden = hidden;
    second_factor_ways(z, sub, amr, page);
    return true;
}

static void ask_second_factor(authz_t *z, const char *sub, const char *amr)
{
    ui_mfa_t page;
    if (mfa_page_init(z, sub, amr, &page))
        mfa_page(z->req, z->res, 200, &page);
}

/* A client requires a second factor the member has not enrolled (OpenID
 * Connect Core errata 2 §3.1.2.6). */
static void mfa_unmet(authz_t *z)
{
    redirect_error_named(z, "unmet_authentication_requirements",
                         "this application requires two-step sign-in: set it up at /account/mfa");
}

/* True when session meets the second-factor policy for this request (its
 * member's factors known, read with the session, or NULL: read here);
 * otherwise the second-factor page (a step-up) or the error has been
 * written. */
static bool second_factor_met(authz_t *z, const store_session_t *session,
                              const store_factors_t *known)
{
    mfa_need_t need = MFA_NOT_NEEDED;
    gh_status_t st = mfa_policy_known(z->req, session->sub, known, &z->client, z->p.acr_values,
                                      session->authn.amr, &need);
    if (st != GH_OK)
        store_failed(z, st);
    else if (need == MFA_UNMET)
        mfa_unmet(z);
    else if (need == MFA_ASK && prompt_has(z, "none"))
        redirect_error_named(z, "interaction_required", "a second factor is needed");
    else if (need == MFA_ASK)
        ask_second_factor(z, session->sub, session->authn.amr);
    return st == GH_OK && need == MFA_NOT_NEEDED;
}

/* The authorization request again, as a link (after a recovery code), for
 * the session just started: without max_age and prompt's "login", which it
 * has met (they would ask for the password once more). */
static const char *request_href(authz_t *z)
{
    buf_t b;
    scope_list_t prompt = {0}, rest = {0};
    if (z->p.prompt && scope_parse(z->req->arena, z->p.prompt, &prompt) == GH_OK)
        for (size_t i = 0; i < prompt.count; i++)
            if (strcmp(prompt.items[i], "login") != 0)
                rest.items[rest.count++] = prompt.items[i];
    buf_init(&b, z->req->arena);
    buf_puts(&b, "/auth/authorize");
    for (size_t i = 0; i < PARAM_COUNT; i++) {
        const char *v = *param_slot(&z->p, i);
        if (v == z->p.prompt)
            v = rest.count ? scope_join(z->req->arena, &rest) : NULL;
        if (v && v != z->p.max_age)
            uri_append_param(&b, PARAMS[i].name, v);
    }
    return request_extras(z, &b) ? buf_cstr(&b) : NULL;
}

static void on_mfa(authz_t *z)
{
    mfa_signin_t signin;
    mfa_check_t check = {0};
    store_session_t session;
    ui_mfa_t page;
    gh_status_t st = mfa_signin_current(z->req, &signin);
    if (st == GH_OK) {
        mfa_factor_check(z->req, &signin, &check);
        if (check.status != GH_OK) {
            if (mfa_page_init(z, signin.sub, signin.amr, &page))
                mfa_page_failed(z->req, z->res, &page, &check);
            return;
        }
        st = mfa_signin_complete(z->req, z->res, &signin, check.amr, &session);
    }
    if (st == GH_ERR_NOT_FOUND) /* no pending sign-in of this browser (or it was used) */
        login_page(z, 403, UI_MSG_FORM_EXPIRED, NULL);
    else if (st != GH_OK)
        store_failed(z, st);
    else if (check.recovery)
        mfa_page_recovery_used(z->req, z->res, z->lang, check.left, request_href(z));
    else
        continue_signed_in(z, &session);
}

/* Does this session satisfy prompt=login and max_age? */
static bool session_fresh_enough(const authz_t *z, const store_session_t *s, bool just_signed_in)
{
    if (just_signed_in)
        return true;
    if (prompt_has(z, "login"))
        return false;
    return z->max_age < 0 || clock_now() - s->auth_time <= z->max_age;
}

static void on_get(authz_t *z)
{
    store_session_t session = z->session;
    gh_status_t st = z->session_read ? z->session_st : session_current(z->req, &session);
    if (st == GH_OK && session_fresh_enough(z, &session, false)) {
        if (second_factor_met(z, &session, z->session_read ? &z->factors : NULL))
            continue_signed_in(z, &session);
        return;
    }
    if (prompt_has(z, "none")) {
        redirect_error_named(z, "login_required", "the user is not signed in");
        return;
    }
    login_page(z, 200, UI_MSG_NONE, NULL);
}

static void store_failed(authz_t *z, gh_status_t st)
{
    error_page(z, st == GH_ERR_UNAVAILABLE ? 503 : 500, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
}

/* A sign-in refused by the throttle: 429 with Retry-After and the login page
 * saying why. */
static void throttled_page(authz_t *z, int64_t retry_after, const char *username)
{
    session_retry_after(z->req, z->res, retry_after);
    login_page_waiting(z, 429, UI_MSG_TOO_MANY_ATTEMPTS, username, retry_after);
}

static void on_login(authz_t *z)
{
    store_session_t session;
    mfa_signin_t signin;
    signin_next_t next = SIGNIN_DONE;
    int64_t retry_after = 0;
    gh_status_t st = signin_password(z->req, z->res, &z->client, z->p.acr_values, &next, &session,
                                     &signin, &retry_after);
    const char *username = http_pairs_get(&z->req->form, "username");
    if (st == GH_ERR_INVALID || st == GH_ERR_NOT_FOUND) {
        login_page(z, st == GH_ERR_INVALID ? 400 : 401, UI_MSG_BAD_CREDENTIALS, username);
        return;
    }
    if (st == GH_ERR_THROTTLED) {
        throttled_page(z, retry_after, username);
        return;
    }
    if (st != GH_OK)
        store_failed(z, st);
    else if (next == SIGNIN_SECOND_FACTOR)
        ask_second_factor(z, signin.sub, signin.amr);
    else if (next == SIGNIN_UNMET)
        mfa_unmet(z);
    else
        continue_signed_in(z, &session);
}

/* "Sign in with a passkey": the assertion the sign-in page's passkey form
 * posted (passkey.h), then a session that says how (amr) and on as after a
 * password. */
static void on_passkey(authz_t *z)
{
    passkey_result_t r;
    store_session_t session;
    const char *why = NULL;
    gh_status_t st = passkey_assert_for(z->req, NULL, &r, &why);
    if (st == GH_ERR_UNAVAILABLE || st == GH_ERR_NOMEM || st == GH_ERR_INTERNAL) {
        store_failed(z, st);
        return;
    }
    if (st != GH_OK) {
        metrics_add(METRIC_LOGINS_FAILED, 1);
        log_event(LOG_INFO, "passkey_refused", "client_id", z->client.id, "why", why, NULL);
        login_page(z, 401, UI_MSG_PASSKEY_REFUSED, NULL);
        return;
    }
    /* with user verification the passkey is two factors in one (docs/mfa.md) */
    const char *acr = oauth_words_have(z->req->arena, r.amr, AMR_MFA) ? ACR_MFA : ACR_PASSWORD;
    st = session_start(z->req, z->res, r.sub, &(store_authn_t){.amr = r.amr, .acr = acr},
                       clock_now(), &session);
    if (st != GH_OK) {
        store_failed(z, st);
        return;
    }
    metrics_add(METRIC_LOGINS_OK, 1);
    continue_signed_in(z, &session);
}

static void on_consent(authz_t *z)
{
    store_session_t session;
    if (session_current(z->req, &session) != GH_OK) {
        login_page(z, 200, UI_MSG_NONE, NULL);
        return;
    }
    if (!second_factor_met(z, &session, NULL))
        return;
    const char *decision = http_pairs_get(&z->req->form, "decision");
    if (!decision || strcmp(decision, "allow") != 0) {
        redirect_error(z, OAUTH_ERR_ACCESS_DENIED, "the user denied the request");
        return;
    }
    if (!admin_role_met(z, session.sub))
        return;
    /* remember the union of what was granted before and now */
    const char *before = NULL;
    scope_list_t granted = z->scope, old;
    if (store_consent_get(z->app->store, z->req->arena, session.sub, z->client.id, &before) ==
            GH_OK &&
        scope_parse(z->req->arena, before, &old) == GH_OK)
        scope_union(&granted, &old);
    const char *joined = scope_join(z->req->arena, &granted);
    gh_status_t st =
        joined ? store_consent_put(z->app->store, session.sub, z->client.id, joined, clock_now())
               : GH_ERR_NOMEM;
    if (st != GH_OK) {
        redirect_error(z, oauth_error_from_status(st), NULL);
        return;
    }
    audit_event(z->req, session.sub, "consent.give", z->client.id,
                audit_details(z->req->arena, "scope", joined, NULL));
    issue_code(z, &session);
}

/* The person gave up after a federated sign-in failed (federate.c's fault
 * page): the application hears access_denied, or temporarily_unavailable
 * when the platform was down. */
static void on_give_up(authz_t *z)
{
    const char *reason = http_pairs_get(&z->req->form, "reason");
    if (reason && !strcmp(reason, "temporarily_unavailable"))
        redirect_error_named(z, reason, "the sign-in platform is unavailable");
    else
        redirect_error(z, OAUTH_ERR_ACCESS_DENIED, "the user cancelled the sign-in");
}

/* One of our own forms (sign-in, consent), as opposed to an authorization
 * request sent by POST, which carries none of their fields. */
static bool is_our_form(const http_request_t *req)
{
    static const char *const FIELDS[] = {"step", "csrf", "username", "password", "decision", "otp"};
    for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++)
        if (http_pairs_get(&req->form, FIELDS[i]))
            return true;
    return false;
}

static void on_post(authz_t *z)
{
    if (!session_csrf_check(z->req)) {
        login_page(z, 403, UI_MSG_FORM_EXPIRED, NULL);
        return;
    }
    const char *step = http_pairs_get(&z->req->form, "step");
    if (step && !strcmp(step, "login"))
        on_login(z);
    else if (step && !strcmp(step, "consent"))
        on_consent(z);
    else if (step && !strcmp(step, "mfa"))
        on_mfa(z);
    else if (step && !strcmp(step, "passkey"))
        on_passkey(z);
    else if (step && !strcmp(step, "give_up"))
        on_give_up(z);
    else
        error_page(z, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_UNKNOWN_STEP);
}

/* The request's parameters and language, the client and the request checked;
 * false when an answer (an error page or redirect) has been written. */
static bool begin_from(authz_t *z, const http_pairs_t *src)
{
    read_params(z, src);
    z->lang = ui_lang_pick(z->p.ui_locales, http_request_header(z->req, "Accept-Language"));
    if (z->req->method == HTTP_POST && z->req->form_malformed) {
        error_page(z, 400, UI_MSG_BAD_REQUEST, UI_DETAIL_NONE);
        return false;
    }
    return resolve_source(z) && check_client(z) && check_response_mode(z) && check_pushed(z) &&
           check_request(z);
}

static bool begin(authz_t *z)
{
    return begin_from(z, z->req->method == HTTP_POST ? &z->req->form : &z->req->query);
}

bool authorize_request_check(http_request_t *req, http_response_t *res, const char **query,
                             ui_lang_t *lang)
{
    authz_t z = {.req = req, .res = res, .app = app_of(req)};
    if (!begin_from(&z, &req->query))
        return false;
    *query = request_query(&z);
    *lang = z.lang;
    if (!*query)
        error_page(&z, 500, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
    return *query != NULL;
}

/* The stored request's parameters as pairs (PARAMS, the resources, a
 * pushed request's mark); false when out of memory. */
static bool stored_pairs(arena_t *a, const char *query, http_pairs_t *out)
{
    return http_parse_form(a, query, strlen(query), PARAM_COUNT + RESOURCE_MAX_COUNT + 1, out) ==
           GH_OK;
}

void authorize_resume(http_request_t *req, http_response_t *res, const char *query,
                      const store_session_t *session)
{
    authz_t z = {.req = req, .res = res, .app = app_of(req)};
    http_pairs_t pairs;
    if (!stored_pairs(req->arena, query, &pairs)) {
        error_page(&z, 500, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE);
        return;
    }
    if (begin_from(&z, &pairs))
        continue_signed_in(&z, session);
}

bool authorize_request_fields(http_request_t *req, http_response_t *res, const char *query,
                              const char *reason, ui_hidden_t **request, size_t *request_count,
                              ui_hidden_t **give_up, size_t *give_up_count)
{
    authz_t z = {.req = req, .res = res, .app = app_of(req)};
    http_pairs_t pairs;
    oauth_error_t ignored;
    if (!stored_pairs(req->arena, query, &pairs))
        return false;
    read_params(&z, &pairs); /* checked when stored: the resources, the mark */
    if (!resource_read(&pairs, &z.resources, &ignored))
        return false;
    z.pushed = pushed_mark_ok(&z);
    ui_hidden_t *g = NULL;
    if (!hidden_fields(&z, NULL, NULL, request, request_count) ||
        !hidden_fields(&z, "give_up", NULL, &g, give_up_count) ||
        !(*give_up = arena_alloc(req->arena, (*give_up_count + 1) * sizeof **give_up)))
        return false;
    memcpy(*give_up, g, *give_up_count * sizeof *g);
    (*give_up)[(*give_up_count)++] = (ui_hidden_t){"reason", reason};
    return true;
}

bool authorize_credential_too_long(http_request_t *req, http_response_t *res, const char *name)
{
    const char *step = http_pairs_get(&req->form, "step");
    if (req->method != HTTP_POST || !step || strcmp(step, "login") != 0 ||
        (strcmp(name, "username") != 0 && strcmp(name, "password") != 0))
        return false;
    authz_t z = {.req = req, .res = res, .app = app_of(req)};
    if (!begin(&z))
        return true;
    if (!session_csrf_check(req)) {
        login_page(&z, 403, UI_MSG_FORM_EXPIRED, NULL);
        return true;
    }
    /* an over-long username is not shown again; beside an over-long password it is */
    const char *username = http_pairs_get(&req->form, "username");
    bool keep = username && strlen(username) <= USERNAME_MAX;
    login_page(&z, 400, UI_MSG_FIELD_TOO_LONG, keep ? username : NULL);
    return true;
}

void authorize_handler(http_request_t *req, http_response_t *res)
{
    /* an authorization request may come by POST (OpenID Connect Core
     * §3.1.2.1); only our forms' steps need their CSRF check */
    bool form = req->method == HTTP_POST && is_our_form(req);
    authz_t z = {.req = req, .res = res, .app = app_of(req), .with_session = !form};
    if (!begin(&z))
        return;
    if (form)
        on_post(&z);
    else
        on_get(&z);
}

/* Declared parameters: repeated or over-long ones are refused before the
 * handler runs (RFC 6749 §3.1). */
const http_param_spec_t AUTHORIZE_PARAMS[] = {
    AUTHORIZE_REQUEST_PARAMS,
    {"username", USERNAME_MAX},
    {"password", PASSWORD_MAX},
    {"csrf", 128},
    {"step", 16},
    {"decision", 16},
    {"otp", 64},              /* MFA_CODE_INPUT_MAX */
    PASSKEY_ASSERTION_PARAMS, /* the passkey forms' assertion (passkey.h) */
    {"reason", 32},
    {NULL, 0},
};
