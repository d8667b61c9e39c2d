/* `gatehouse gateway`: reads [gateway] and the [platform.*] sections, opens
 * the store, derives the gateway's keys, serves the route table of routes.c,
 * and stops gracefully on SIGINT/SIGTERM.
 *
 * The cookie and sealing keys come from one secret: [gateway] jwt_secret when
 * set (at least 32 characters), else a 256-bit secret generated once and
 * kept in the store, so every instance sharing the store agrees. Each key is
 * SHA-256 over a purpose label and the secret, so no two uses share a key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cidr.h"
#include "core/encoding.h"
#include "core/log.h"
#include "core/stop.h"
#include "gateway/gateway.h"
#include "gateway/gateway_int.h"

#define SECTION "gateway"
#define DEFAULT_LISTEN "127.0.0.1:8081"
#define MIN_SECRET 32

static void on_not_found(http_request_t *req, http_response_t *res)
{
    gw_error_t err = {GW_ERR_NOT_FOUND, "no such endpoint"};
    gw_respond_error(req, res, "error", &err);
}

static void on_param_error(http_request_t *req, http_response_t *res, http_param_problem_t problem,
                           const char *name)
{
    gw_error_t err = {GW_ERR_BAD_REQUEST, "the request's parameters are malformed"};
    gw_respond_error(req, res, "error", &err);
}

static void on_too_large(http_request_t *req, http_response_t *res)
{
    gw_error_t err = {GW_ERR_TOO_LARGE, "the request is too large"};
    gw_respond_error(req, res, "error", &err);
}

static void on_refused(http_request_t *req, http_response_t *res, int status)
{
    gw_error_t err = {GW_ERR_BAD_REQUEST, status == 405 ? "the method is not allowed here"
                                                        : "the request is malformed"};
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

/* [gateway] key as seconds in [min, max], or def when unset. */
static bool seconds(const config_t *cfg, const char *key, long def, long min, long max, long *out)
{
    const char *v = config_get(cfg, SECTION, key);
    char *end = NULL;
    long n = v ? strtol(v, &end, 10) : def;
    if (v && (!*v || *end || n < min || n > max))
        return false;
    *out = n;
    return true;
}

/* Who may read /metrics: [gateway] metrics_allow, else [server]'s (whose
 * default is loopback, and which GATEHOUSE_METRICS_ALLOW sets). */
static gh_status_t metrics_allow(const config_t *cfg, const char **out)
{
    const char *v = config_get(cfg, SECTION, "metrics_allow");
    cidr_list_t list;
    char why[160];
    if (v && cidr_list_parse(v, &list, why, sizeof why) != GH_OK)
        return refuse(GH_ERR_INVALID, "[gateway] metrics_allow: %s", why);
    *out = v ? v : cfg->server.metrics_allow;
    return GH_OK;
}

static gh_status_t read_settings(const config_t *cfg, arena_t *a, gw_app_t *app,
                                 const char **listen)
{
    const char *l = config_get(cfg, SECTION, "listen");
    const char *url = config_get(cfg, SECTION, "public_url");
    *listen = l ? l : DEFAULT_LISTEN;
    app->public_url = url ? url : arena_printf(a, "http://%s", *listen);
    size_t n = app->public_url ? strlen(app->public_url) : 0;
    if (!n || app->public_url[n - 1] == '/' ||
        (strncmp(app->public_url, "https://", 8) && strncmp(app->public_url, "http://", 7)))
        return refuse(GH_ERR_INVALID, "[gateway] public_url: %s",
                      "an http(s) URL without a trailing slash");
    app->secure_cookies = !strncmp(app->public_url, "https://", 8);
    long timeout = 0;
    if (!seconds(cfg, "access_ttl", 900, 60, 86400, &app->access_ttl) ||
        !seconds(cfg, "refresh_ttl", 14L * 86400, 300, 365L * 86400, &app->refresh_ttl) ||
        !seconds(cfg, "state_ttl", 600, 1, 3600, &app->state_ttl) ||
        !seconds(cfg, "upstream_timeout", 10, 1, 120, &timeout))
        return refuse(GH_ERR_INVALID, "[gateway]: %s",
                      "a *_ttl or upstream_timeout value is out of range");
    app->upstream_timeout_ms = timeout * 1000;
    return metrics_allow(cfg, &app->metrics_allow);
}

/* The secret of the configuration, or the one kept in the store. */
static gh_status_t load_secret(const config_t *cfg, arena_t *a, store_t *store, const char **out)
{
    const char *s = config_get(cfg, SECTION, "jwt_secret");
    if (s) {
        if (strlen(s) < MIN_SECRET)
            return refuse(GH_ERR_INVALID, "[gateway] jwt_secret: %s", "at least 32 characters");
        *out = s;
        return GH_OK;
    }
    unsigned char raw[32];
    char hex[65];
    gh_status_t st = secret_random(raw, sizeof raw);
    hex_encode(raw, sizeof raw, hex);
    secret_wipe(raw, sizeof raw);
    if (st == GH_OK)
        st = store_setting_init(store, a, "gateway_jwt_secret", hex, out);
    secret_wipe(hex, sizeof hex);
    return st;
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
    gh_status_t st = read_settings(cfg, a, app, listen);
    if (st != GH_OK)
        return st;
    if ((st = httpc_init()) != GH_OK)
        return refuse(st, "cannot load %s, the HTTP client of the gateway", "libcurl");
    st = gw_platforms_load(cfg, a, app->public_url, &app->platforms, &app->platform_count, err,
                           sizeof err);
    if (st != GH_OK)
        return refuse(st, "%s", err[0] ? err : gh_status_str(st));
    if ((st = gw_web_init(app, cfg)) != GH_OK)
        return refuse(st, "cannot list the platforms: %s", gh_status_str(st));
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
    if (http_server_start(&opts, &http) != GH_OK) {
        refuse(GH_ERR_IO, "cannot listen on %s", listen);
        goto out;
    }
    log_event(LOG_INFO, "listening", "listen", listen, "public_url", app.public_url, "db",
              store_engine(app.store), NULL);
    stop_signals_wait(&stop_signals, 0, NULL, NULL);
    rc = 0;
out:
    http_server_stop(http);
    gw_platforms_free(app.platforms, app.platform_count);
    json_decref(app.platform_list);
    store_close(app.store);
    secret_wipe(&app, sizeof app);
    arena_free(a);
    return rc;
}
