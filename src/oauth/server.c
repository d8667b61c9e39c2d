/* `gatehouse serve`: the route table of the authorization server, its
 * start-up (store, keys, shared secrets, documents built once) and a graceful
 * stop on SIGINT/SIGTERM. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/secret.h"
#include "core/stop.h"
#include "mfa/mfa.h"
#include "oauth/oauth_int.h"
#include "oauth/passkey.h"
#include "oauth/server.h"
#include "oauth/signing_keys.h"
#include "oidc/oidc.h"
#include "ui/ui.h"

void server_discovery_handler(http_request_t *req, http_response_t *res)
{
    app_t *app = app_of(req);
    http_response_json_raw(res, 200, app->discovery, app->discovery_len);
    res->cacheable = true;
    res->max_age = 3600;
}

void server_jwks_handler(http_request_t *req, http_response_t *res)
{
    size_t len = 0;
    const char *jwks = jose_keyset_jwks(keyring_current(app_of(req)->keys), &len);
    http_response_json_raw(res, 200, jwks, len);
    res->cacheable = true;
    res->max_age = SIGNING_KEYS_JWKS_MAX_AGE; /* a new key is published this long before it signs */
}

/* Readiness: 200 while the database answers a trivial query, 503 otherwise
 * (a balancer stops sending traffic until it answers again). */
static void readyz_handler(http_request_t *req, http_response_t *res)
{
    static const char ready[] = "{\"status\":\"ok\"}";
    static const char unavailable[] = "{\"status\":\"unavailable\"}";
    if (store_ping(app_of(req)->store) == GH_OK)
        http_response_json_raw(res, 200, ready, sizeof ready - 1);
    else
        http_response_json_raw(res, 503, unavailable, sizeof unavailable - 1);
}

/* An error found before the handler ran: a page at the browser endpoints
 * /auth/authorize, /auth/logout, /auth/device and /account (no redirect URI
 * is verified yet) in the person's language, the configured error body
 * elsewhere. */
static void refuse_early(http_request_t *req, http_response_t *res, oauth_error_kind_t kind,
                         int page_status, ui_detail_t detail, const char *why)
{
    http_handler_fn h = req->route ? req->route->handler : NULL;
    const oauth_extra_routes_t *extra = app_of(req)->extra;
    for (size_t i = 0; h && extra && i < extra->count + extra->public_count; i++)
        if ((i < extra->count ? extra->routes[i] : extra->public_routes[i - extra->count])
                .handler == h) {
            extra->on_refused(req, res, page_status);
            return;
        }
    if (h == authorize_handler || h == logout_handler || h == device_page_handler ||
        h == account_handler || selfservice_is_page(h) || h == passkey_page_handler ||
        h == federate_handler) {
        ui_lang_t lang = ui_lang_pick(http_pairs_get(&req->query, "ui_locales"),
                                      http_request_header(req, "Accept-Language"));
        oauth_error_page(req, res, lang, page_status, UI_MSG_BAD_REQUEST, detail);
        return;
    }
    oauth_error_t err = {kind, why};
    bool resource = req->route && req->route->handler == userinfo_handler;
    oauth_error_respond(req, res, resource ? OAUTH_AT_RESOURCE : OAUTH_AT_TOKEN, &err);
}

static void on_param_error(http_request_t *req, http_response_t *res, http_param_problem_t problem,
                           const char *name)
{
    if (passkey_is_api(req)) { /* the passkey endpoints' own JSON errors */
        passkey_refuse(req, res, problem == HTTP_PARAM_TOO_LONG ? 413 : 400, "invalid_request",
                       arena_printf(req->arena, "%s is %s", name,
                                    problem == HTTP_PARAM_TOO_LONG   ? "too large"
                                    : problem == HTTP_PARAM_REPEATED ? "repeated"
                                                                     : "malformed"));
        return;
    }
    if (problem == HTTP_PARAM_TOO_LONG && req->route && req->route->handler == authorize_handler &&
        authorize_credential_too_long(req, res, name))
        return; /* the sign-in form again, the attempt kept */
    if (problem == HTTP_PARAM_REPEATED)
        refuse_early(req, res, OAUTH_ERR_INVALID_REQUEST, 400, UI_DETAIL_PARAM_REPEATED,
                     "a parameter is repeated");
    else if (problem == HTTP_PARAM_TOO_LONG)
        refuse_early(req, res, OAUTH_ERR_INVALID_REQUEST, 400, UI_DETAIL_PARAM_TOO_LONG,
                     "a parameter is too long");
    else
        refuse_early(req, res, OAUTH_ERR_INVALID_REQUEST, 400, UI_DETAIL_PARAMS_MALFORMED,
                     "the parameters are malformed");
}

static void on_too_large(http_request_t *req, http_response_t *res)
{
    if (passkey_is_api(req)) {
        passkey_refuse(req, res, 413, "too_large", "the request is too large");
        return;
    }
    refuse_early(req, res, OAUTH_ERR_TOO_LARGE, 413, UI_DETAIL_TOO_LARGE,
                 "the request is too large");
}

static void on_refused(http_request_t *req, http_response_t *res, int status)
{
    if (status == 405)
        refuse_early(req, res, OAUTH_ERR_INVALID_REQUEST, status, UI_DETAIL_METHOD_NOT_ALLOWED,
                     "the method is not allowed here");
    else
        refuse_early(req, res, OAUTH_ERR_INVALID_REQUEST, status, UI_DETAIL_PARAMS_MALFORMED,
                     "the request is malformed");
}

/* A browser gets the home page at "/" and the 404 page elsewhere; API
 * clients the seed 004 envelope. */
static void on_not_found(http_request_t *req, http_response_t *res)
{
    if (ui_browser_not_found(req, res, true))
        return;
    static const char body[] =
        "{\"error\":{\"code\":\"10404\",\"message\":\"Not found\"},\"payload\":null}";
    http_response_json_raw(res, 404, body, sizeof body - 1);
}

static const http_route_t ROUTES[] = {
    {HTTP_GET | HTTP_POST, "/auth/authorize", authorize_handler, "authorize", AUTHORIZE_PARAMS,
     HTTP_CORS_NONE},
    /* what a browser application calls from its own origin (docs/clients.md) */
    {HTTP_POST, TOKEN_ENDPOINT_PATH, token_handler, "token", TOKEN_PARAMS, HTTP_CORS_CALLER},
    {HTTP_GET | HTTP_POST, "/oauth2/v1/userinfo", userinfo_handler, "userinfo", USERINFO_PARAMS,
     HTTP_CORS_CALLER},
    {HTTP_GET, "/oauth2/v1/keys", server_jwks_handler, "keys", NULL, HTTP_CORS_ANY},
    {HTTP_GET, "/.well-known/openid-configuration", server_discovery_handler, "discovery", NULL,
     HTTP_CORS_ANY},
    /* RFC 8414 §3: the same metadata at the OAuth well-known path */
    {HTTP_GET, "/.well-known/oauth-authorization-server", server_discovery_handler,
     "oauth_metadata", NULL, HTTP_CORS_ANY},
    {HTTP_GET, "/healthz", http_health_handler, "healthz", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/metrics", http_metrics_handler, "metrics", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/static/*", ui_static_handler, "static", NULL, HTTP_CORS_NONE},
    {HTTP_POST, "/oauth2/v1/revoke", revoke_handler, "revoke", PRESENTED_TOKEN_PARAMS,
     HTTP_CORS_CALLER},
    {HTTP_POST, "/oauth2/v1/introspect", introspect_handler, "introspect", PRESENTED_TOKEN_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_GET | HTTP_POST, "/auth/logout", logout_handler, "logout", LOGOUT_PARAMS, HTTP_CORS_NONE},
    {HTTP_POST, "/oauth2/v1/device/authorize", device_authorize_handler, "device_authorize",
     DEVICE_AUTHORIZE_PARAMS, HTTP_CORS_NONE},
    {HTTP_GET | HTTP_POST, DEVICE_PAGE_PATH, device_page_handler, "device", DEVICE_PAGE_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_GET, "/readyz", readyz_handler, "readyz", NULL, HTTP_CORS_NONE},
    {HTTP_POST, PAR_ENDPOINT_PATH, par_handler, "par", PAR_PARAMS, HTTP_CORS_NONE},
    /* the account page (account.c) */
    {HTTP_GET, "/account", account_handler, "account", ACCOUNT_PARAMS, HTTP_CORS_NONE},
    {HTTP_POST, "/account/login", account_handler, "account_login", ACCOUNT_PARAMS, HTTP_CORS_NONE},
    {HTTP_POST, "/account/profile", account_handler, "account_profile", ACCOUNT_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_POST, "/account/password", account_handler, "account_password", ACCOUNT_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_POST, "/account/apps/revoke", account_handler, "account_app_revoke", ACCOUNT_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_POST, "/account/sessions/end", account_handler, "account_session_end", ACCOUNT_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_POST, "/account/sessions/end-others", account_handler, "account_sessions_end",
     ACCOUNT_PARAMS, HTTP_CORS_NONE},
    {HTTP_POST, "/account/links/unlink", account_handler, "account_link_unlink", ACCOUNT_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_GET | HTTP_POST, RESET_PATH, reset_handler, "reset", SELFSERVICE_PARAMS, HTTP_CORS_NONE},
    {HTTP_GET | HTTP_POST, VERIFY_PATH, verify_handler, "verify", SELFSERVICE_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_GET | HTTP_POST, REGISTER_PATH, register_handler, "register", SELFSERVICE_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_POST, ACCOUNT_EMAIL_PATH, account_email_handler, "account_email", SELFSERVICE_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_GET | HTTP_POST, MFA_ACCOUNT_PATH, mfa_account_handler, "account_mfa", MFA_ACCOUNT_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_POST, "/auth/passkey/register/options", passkey_register_options_handler,
     "passkey_register_options", PASSKEY_PARAMS, HTTP_CORS_NONE},
    {HTTP_POST, "/auth/passkey/register", passkey_register_handler, "passkey_register",
     PASSKEY_PARAMS, HTTP_CORS_NONE},
    {HTTP_POST, "/auth/passkey/login/options", passkey_login_options_handler,
     "passkey_login_options", PASSKEY_PARAMS, HTTP_CORS_NONE},
    {HTTP_GET | HTTP_POST, PASSKEY_PAGE_PATH, passkey_page_handler, "passkeys", PASSKEY_PARAMS,
     HTTP_CORS_NONE},
    {HTTP_GET | HTTP_POST, "/auth/federate/*", federate_handler, "federate", FEDERATE_PARAMS,
     HTTP_CORS_NONE},
};

/* A key every instance shares (the store setting name: csrf_key,
 * pairwise_key), generated once and kept in the store, into out. */
static gh_status_t load_shared_key(app_t *app, arena_t *a, const char *name, unsigned char out[32])
{
    const char *stored = NULL;
    gh_status_t st = store_setting_secret(app->store, a, name, &stored);
    if (st == GH_OK)
        secret_sha256(stored, strlen(stored), out);
    return st;
}

void oauth_key_derive(const unsigned char shared[32], const char *label, unsigned char out[32])
{
    char mac[SECRET_DIGEST_HEX_LEN + 1];
    secret_hmac_hex(shared, 32, label, strlen(label), mac);
    secret_sha256(mac, strlen(mac), out);
    secret_wipe(mac, sizeof mac);
}

static gh_status_t build_documents(app_t *app, arena_t *a)
{
    json_t *d = oidc_discovery(app->cfg->issuer, app->cfg->signing_alg, &app->scopes,
                               app->cfg->require_par);
    /* draft-ietf-oauth-client-id-metadata-document: https URLs as client_id */
    if (d)
        json_object_set_new(d, "client_id_metadata_document_supported",
                            json_boolean(app->cfg->client_documents));
    if (d && app->cfg->registration_policy != REGISTRATION_POLICY_OFF)
        oidc_discovery_add_registration(d, app->cfg->issuer);
    char *text = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    if (!text)
        return GH_ERR_NOMEM;
    app->discovery = arena_strdup(a, text);
    app->discovery_len = strlen(text);
    free(text);
    return app->discovery ? GH_OK : GH_ERR_NOMEM;
}

gh_status_t oauth_app_open(const config_server_t *cfg, arena_t *a, app_t *app, const char **what)
{
    bool secure = !strncmp(cfg->issuer, "https://", 8);
    *app = (app_t){.cfg = cfg,
                   .secure_cookies = secure,
                   .session_cookie = secure ? HOST_COOKIE_PREFIX SESSION_COOKIE : SESSION_COOKIE,
                   .csrf_cookie = secure ? HOST_COOKIE_PREFIX CSRF_COOKIE : CSRF_COOKIE,
                   .mfa_cookie = secure ? HOST_COOKIE_PREFIX MFA_COOKIE : MFA_COOKIE};
    jose_alg_t algs[JOSE_ALG_COUNT];
    size_t alg_count = 0;
    *what = "signing_alg or access_token_alg";
    gh_status_t st = signing_keys_algs(cfg, algs, &alg_count);
    if (st != GH_OK)
        return st;
    app->id_token_alg = algs[0];
    app->access_token_alg = algs[alg_count - 1];
    *what = "cannot open the database";
    if ((st = store_open(cfg->db, &app->store)) != GH_OK)
        return st;
    store_events_retention(app->store, cfg->events_retention);
    if (cfg->db_cache && (st = store_cache_start(app->store)) != GH_OK) {
        store_close(app->store);
        app->store = NULL;
        return st;
    }
    if (strcmp(store_engine(app->store), "sqlite") == 0)
        secret_skip_error_texts(); /* before the first use of OpenSSL, the key ring's */
    *what = "cannot prepare keys and documents";
    if ((st = keyring_start(app->store, algs, alg_count, signing_keys_retire_after(cfg),
                            &app->keys)) != GH_OK ||
        (st = load_shared_key(app, a, "csrf_key", app->csrf_key)) != GH_OK ||
        (st = load_shared_key(app, a, "pairwise_key", app->pairwise_key)) != GH_OK ||
        (st = mfa_keys_load(app->store, a, cfg->mfa_secret_key, cfg->mfa_secret_key_previous, true,
                            &app->mfa_keys)) != GH_OK ||
        (st = build_documents(app, a)) != GH_OK)
        oauth_app_close(app);
    if (st == GH_OK)
        oauth_key_derive(app->pairwise_key, MEMBER_SEAL_KEY_LABEL, app->member_seal_key);
    if (st == GH_OK && (st = passkey_rp_init(app, a)) != GH_OK) {
        *what = "passkey_rp_id must be the issuer's host or a parent domain of it";
        oauth_app_close(app);
    }
    if (st == GH_OK && !app->mfa_keys.recorded) /* docs/mfa.md "Changing the key" */
        log_event(LOG_ERROR, "mfa_key_mismatch", "why",
                  "mfa_secret_key is not the key the database records as in use: give every "
                  "instance the same one (with the old one as mfa_secret_key_previous while it "
                  "changes); TOTP secrets are not re-sealed meanwhile",
                  NULL);
    return st;
}

gh_status_t oauth_app_configure(app_t *app, arena_t *a, const config_t *config, char *err,
                                size_t err_len)
{
    app->config = config;
    gh_status_t st = oidc_scopes_load(config, a, &app->scopes, err, err_len);
    return st == GH_OK ? build_documents(app, a) : st;
}

void oauth_app_close(app_t *app)
{
    keyring_stop(app->keys);
    store_close(app->store);
    app->keys = NULL;
    app->store = NULL;
}

/* Workers per core when `threads` is 0 and the store is PostgreSQL: a
 * worker there waits for the database (a round trip, a flushed commit) with
 * its core idle, so more of them keep the cores busy (docs/performance.md). */
#define PG_THREADS_PER_CORE 4

void oauth_http_opts(app_t *app, http_server_opts_t *out)
{
    const config_server_t *cfg = app->cfg;
    bool on_pg = !strcmp(store_engine(app->store), "postgresql");
    *out = (http_server_opts_t){.listen = cfg->listen,
                                .routes = app->routes ? app->routes : ROUTES,
                                .route_count = app->routes ? app->route_count
                                                           : sizeof ROUTES / sizeof ROUTES[0],
                                .on_param_error = on_param_error,
                                .on_not_found = on_not_found,
                                .on_too_large = on_too_large,
                                .on_refused = on_refused,
                                .app = app,
                                .threads = (unsigned)cfg->threads,
                                .threads_per_core = on_pg ? PG_THREADS_PER_CORE : 1,
                                .max_body = (size_t)cfg->max_body,
                                .connection_timeout = (unsigned)cfg->connection_timeout,
                                .metrics_allow = cfg->metrics_allow};
}

/* SIGHUP's part here: the signing keys, at once rather than at the next
 * periodic reload, and the [platform.*] sections (a configuration that no
 * longer loads changes nothing). */
static const char *reload(void *ctx)
{
    app_t *app = ctx;
    keyring_reload(app->keys);
    return federate_reload(app) ? "signing keys and platforms" : "signing keys";
}

store_t *oauth_request_store(const http_request_t *req)
{
    return app_of(req)->store;
}

const config_server_t *oauth_request_config(const http_request_t *req)
{
    return app_of(req)->cfg;
}

const config_t *oauth_request_whole_config(const http_request_t *req)
{
    return app_of(req)->config;
}

gh_status_t oauth_request_bearer(http_request_t *req, json_t **claims, const char **why)
{
    const char *token = http_request_bearer(req);
    oauth_error_t err = {0};
    if (!token)
        return GH_ERR_NOT_FOUND;
    if (!access_token_verify(req, token, claims, &err)) {
        *why = err.description;
        return err.kind == OAUTH_ERR_INVALID_TOKEN ? GH_ERR_INVALID : GH_ERR_UNAVAILABLE;
    }
    if (dpop_bound_jkt(*claims)) { /* RFC 9449 §7.2: a bound token is no bearer token */
        *why = "a DPoP-bound access token is not accepted as a bearer token";
        return GH_ERR_INVALID;
    }
    return GH_OK;
}

/* ROUTES, then extra's (all of them, or with_admin false: only its public
 * routes), in arena a: app->routes. */
static gh_status_t add_routes(app_t *app, arena_t *a, const oauth_extra_routes_t *extra,
                              bool with_admin)
{
    size_t n = sizeof ROUTES / sizeof ROUTES[0], k = with_admin ? extra->count : 0;
    http_route_t *all = arena_alloc(a, (n + k + extra->public_count) * sizeof *all);
    if (!all)
        return GH_ERR_NOMEM;
    memcpy(all, ROUTES, sizeof ROUTES);
    if (k)
        memcpy(all + n, extra->routes, k * sizeof *all);
    if (extra->public_count)
        memcpy(all + n + k, extra->public_routes, extra->public_count * sizeof *all);
    app->extra = extra;
    app->routes = all;
    app->route_count = n + k + extra->public_count;
    return GH_OK;
}

int oauth_serve(const config_t *cfg)
{
    return oauth_serve_with(cfg, NULL);
}

/* Starts a server on listen for opts; prints why not. */
static bool start_listener(http_server_opts_t *opts, const char *listen, http_server_t **out)
{
    opts->listen = listen;
    gh_status_t st = http_server_start(opts, out);
    if (st == GH_OK)
        return true;
    char why[160];
    fprintf(stderr, "gatehouse: %s\n", http_listen_problem(st, listen, why, sizeof why));
    return false;
}

/* The extra routes on the main listener, or on their own (admin_listen):
 * *own gets that listener's server. */
static bool start_extra(app_t *app, arena_t *a, const oauth_extra_routes_t *extra,
                        http_server_t **own)
{
    const char *listen = app->cfg->admin_listen;
    bool own_listener = listen && *listen;
    if (add_routes(app, a, extra, !own_listener) != GH_OK) {
        fprintf(stderr, "gatehouse: out of memory\n");
        return false;
    }
    if (!own_listener)
        return true;
    http_server_opts_t opts;
    app->extra = extra;
    oauth_http_opts(app, &opts);
    opts.routes = extra->routes;
    opts.route_count = extra->count;
    if (!start_listener(&opts, listen, own))
        return false;
    log_event(LOG_INFO, "listening", "admin_listen", listen, NULL);
    return true;
}

/* The main thread's periodic work: the key ring's reload (keys another
 * instance added or retired), and the extra routes' chore. */
static void chore(void *ctx)
{
    app_t *app = ctx;
    keyring_reload(app->keys);
    if (app->extra && app->extra->chore)
        app->extra->chore(app->store, app->cfg, clock_now());
}

int oauth_serve_with(const config_t *cfg, const oauth_extra_routes_t *extra)
{
    sigset_t stop_signals;
    stop_signals_block(&stop_signals);

    int rc = 1;
    arena_t *a = arena_new(1 << 20);
    app_t app = {0};
    http_server_t *http = NULL, *own = NULL;
    const char *what = "out of memory";
    gh_status_t st = a ? oauth_app_open(&cfg->server, a, &app, &what) : GH_ERR_NOMEM;
    if (st != GH_OK) {
        fprintf(stderr, "gatehouse: %s: %s\n", what, gh_status_str(st));
        goto out;
    }
    char why[300] = "";
    if ((st = oauth_app_configure(&app, a, cfg, why, sizeof why)) != GH_OK) {
        fprintf(stderr, "gatehouse: %s\n", *why ? why : gh_status_str(st));
        goto out;
    }
    if (extra && extra->on_start && (st = extra->on_start(app.store, &cfg->server, a)) != GH_OK) {
        fprintf(stderr, "gatehouse: cannot start: %s\n", gh_status_str(st));
        goto out;
    }
    if (extra && !start_extra(&app, a, extra, &own))
        goto out;
    app.smtp = &cfg->smtp;
    if (cfg->smtp.url && !cfg->smtp.from) {
        fprintf(stderr, "gatehouse: [smtp] from is required with url\n");
        goto out;
    }
    if ((st = mail_worker_start(app.store, app.smtp, &app.mail)) != GH_OK) {
        fprintf(stderr, "gatehouse: cannot start the mail worker: %s\n", gh_status_str(st));
        goto out;
    }
    char err[256] = "";
    if ((st = federate_start(&app, cfg, err, sizeof err)) != GH_OK) {
        fprintf(stderr, "gatehouse: %s\n", err[0] ? err : gh_status_str(st));
        goto out;
    }
    http_server_opts_t opts;
    oauth_http_opts(&app, &opts);
    if (!start_listener(&opts, cfg->server.listen, &http))
        goto out;
    if ((st = backchannel_start(&app, &app.backchannel)) != GH_OK) {
        fprintf(stderr, "gatehouse: cannot start the logout delivery: %s\n", gh_status_str(st));
        goto out;
    }
    log_event(LOG_INFO, "listening", "listen", cfg->server.listen, "issuer", cfg->server.issuer,
              "db", store_engine(app.store), NULL);
    stop_signals_on_reload(reload, &app);
    stop_signals_wait(&stop_signals, SIGNING_KEYS_RELOAD_SECONDS, chore, &app);
    rc = 0;
out:
    http_server_stop(http);
    backchannel_stop(app.backchannel);
    http_server_stop(own);
    mail_worker_stop(app.mail); /* after the requests that may wake it */
    federate_stop(&app);
    oauth_app_close(&app);
    arena_free(a);
    return rc;
}
