/* `gatehouse gateway`: reads [gateway] and the [platform.*] sections, opens
 * the store, derives the gateway's keys, serves the route table of routes.c,
 * and stops gracefully on SIGINT/SIGTERM.
 *
 * The cookie and sealing keys come from one secret: [gateway] jwt_secret when
 * set (at least 32 characters, core/config_keys.c), else a 256-bit secret generated once and
 * kept in the store, so every instance sharing the store agrees. Each key is
 * SHA-256 over a purpose label and the secret, so no two uses share a key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/stop.h"
#include "gateway/gateway.h"
#include "gateway/gateway_int.h"
#include "ui/ui.h"

/* A browser gets the 404 page ("/" is the gateway's own page); API clients
 * the seed 002 envelope. */
static void on_not_found(http_request_t *req, http_response_t *res)
{
    if (ui_browser_not_found(req, res, false))
        return;
    gw_error_t err = {GW_ERR_NOT_FOUND, "no such endpoint", NULL};
    gw_respond_error(req, res, "error", &err);
}

static void on_param_error(http_request_t *req, http_response_t *res, http_param_problem_t problem,
                           const char *name)
{
    gw_error_t err = {GW_ERR_BAD_REQUEST, "the request's parameters are malformed", NULL};
    gw_respond_error(req, res, "error", &err);
}

static void on_too_large(http_request_t *req, http_response_t *res)
{
    gw_error_t err = {GW_ERR_TOO_LARGE, "the request is too large", NULL};
    gw_respond_error(req, res, "error", &err);
}

static void on_refused(http_request_t *req, http_response_t *res, int status)
{
    gw_error_t err = {GW_ERR_BAD_REQUEST,
                      status == 405 ? "the method is not allowed here" : "the request is malformed",
                      NULL};
    gw_respond_error(req, res, "error", &err);
}

/* Prints one line on stderr saying why the gateway cannot start; returns st. */
static gh_status_t refuse(gh_status_t st, const char *fmt, const char *what)
{
    fputs("gatehouse: ", stderr);
    fprintf(stderr, fmt, what);
    fputc('\n', stderr);
    return st;
}

/* The [gateway] settings, validated by the configuration's table of keys
 * (core/config_keys.c); public_url derived from listen by config_finish. */
static void read_settings(const config_t *cfg, gw_app_t *app, const char **listen)
{
    const config_gateway_t *g = &cfg->gateway;
    *listen = g->listen;
    app->public_url = g->public_url;
    app->secure_cookies = !strncmp(app->public_url, "https://", 8);
    app->access_ttl = g->access_ttl;
    app->refresh_ttl = g->refresh_ttl;
    app->state_ttl = g->state_ttl;
    app->upstream_timeout_ms = g->upstream_timeout * 1000;
    app->login_rate = g->login_rate;
    app->login_rate_window = g->login_rate_window;
    app->refresh_grace = g->refresh_grace;
    app->metrics_allow = g->metrics_allow ? g->metrics_allow : cfg->server.metrics_allow;
}

/* The secret of the configuration, or the one kept in the store. */
static gh_status_t load_secret(const config_t *cfg, arena_t *a, store_t *store, const char **out)
{
    if (cfg->gateway.jwt_secret) { /* at least 32 characters, as the table checked */
        *out = cfg->gateway.jwt_secret;
        return GH_OK;
    }
    return store_setting_secret(store, a, "gateway_jwt_secret", out);
}

static void derive(arena_t *a, const char *label, const char *secret, unsigned char key[32])
{
    char *in = arena_printf(a, "gatehouse gateway %s\n%s", label, secret);
    secret_sha256(in ? in : "", in ? strlen(in) : 0, key);
    if (in)
        secret_wipe(in, strlen(in));
}

static gh_status_t prepare(const config_t *cfg, arena_t *a, gw_app_t *app, const char **listen)
{
    char err[256] = "";
    const char *secret = NULL;
    gh_status_t st;
    read_settings(cfg, app, listen);
    if ((st = httpc_init()) != GH_OK)
        return refuse(st, "cannot load %s, the HTTP client of the gateway", "libcurl");
    platform_set_t *set = NULL;
    app->site = gw_platform_site(app->public_url, app->upstream_timeout_ms, app->site_prefix,
                                 sizeof app->site_prefix);
    st = platform_set_new(cfg, NULL, &app->site, &set, err, sizeof err);
    if (st != GH_OK)
        return refuse(st, "%s", err[0] ? err : gh_status_str(st));
    atomic_store(&app->platforms, set);
    app->config_file = cfg->file;
    if ((st = store_open(cfg->server.db, &app->store)) != GH_OK)
        return refuse(st, "cannot open the database: %s", gh_status_str(st));
    if ((st = load_secret(cfg, a, app->store, &secret)) != GH_OK)
        return st == GH_ERR_INVALID ? st
                                    : refuse(st, "cannot load the secret: %s", gh_status_str(st));
    derive(a, "jwt", secret, app->jwt_key);
    derive(a, "seal", secret, app->seal_key);
    derive(a, "pkce", secret, app->pkce_key);
    return GH_OK;
}

/* SIGHUP: the [platform.*] sections read again from the configuration file
 * and the environment, and put in place whole; the rest of [gateway] needs a
 * restart. A configuration that no longer loads changes nothing. */
static const char *reload_platforms(void *ctx)
{
    gw_app_t *app = ctx;
    return platform_set_reload(app->config_file, &app->site, &app->platforms) == GH_OK ? "platforms"
                                                                                       : NULL;
}

int gateway_serve(const config_t *cfg)
{
    sigset_t stop_signals;
    stop_signals_block(&stop_signals);
    int rc = 1;
    arena_t *a = arena_new(1 << 20);
    gw_app_t app = {0};
    const char *listen = NULL;
    http_server_t *http = NULL;
    if (!a || prepare(cfg, a, &app, &listen) != GH_OK)
        goto out;
    http_server_opts_t opts = {.listen = listen,
                               .routes = GW_ROUTES,
                               .route_count = GW_ROUTE_COUNT,
                               .on_param_error = on_param_error,
                               .on_not_found = on_not_found,
                               .on_too_large = on_too_large,
                               .on_refused = on_refused,
                               .app = &app,
                               .threads = (unsigned)cfg->server.threads,
                               .max_body = (size_t)cfg->server.max_body,
                               .connection_timeout = (unsigned)cfg->server.connection_timeout,
                               .metrics_allow = app.metrics_allow,
                               .arena_cap = 8u << 20}; /* room for 1 MiB upstream answers */
    gh_status_t st = http_server_start(&opts, &http);
    if (st != GH_OK) {
        char why[160];
        refuse(st, "%s", http_listen_problem(st, listen, why, sizeof why));
        goto out;
    }
    log_event(LOG_INFO, "listening", "listen", listen, "public_url", app.public_url, "db",
              store_engine(app.store), NULL);
    stop_signals_on_reload(reload_platforms, &app);
    stop_signals_wait(&stop_signals, 0, NULL, NULL);
    rc = 0;
out:
    http_server_stop(http);
    platform_set_free(atomic_load(&app.platforms));
    store_close(app.store);
    secret_wipe(&app, sizeof app);
    arena_free(a);
    return rc;
}
