/* The HTTP server: one libmicrohttpd daemon (epoll, its own thread) per
 * worker, each handed connections by the acceptor from our own listening
 * socket, to the worker holding the fewest; one exchange per request, and
 * dispatch through the route table.
 *
 * An exchange (request, response, body) lives in a per-request arena created
 * when the request line arrives (the URI log callback, which also gives the
 * raw request target) and freed when libmicrohttpd reports the request
 * complete. Declared parameters are checked before a handler runs; every
 * answer goes through one function that adds the security headers, counts
 * it and logs one line (never the query, headers or body). */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/cidr.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "http/http_int.h"

#define DEFAULT_MAX_BODY (64 * 1024)
#define DEFAULT_ARENA_CAP (1024 * 1024)
#define DEFAULT_TIMEOUT 30
#define DEFAULT_CONNECTION_LIMIT 4096
#define CONNECTION_MEMORY (64 * 1024) /* per connection: request line, headers, buffers */
#define DRAIN_LIMIT_US (5 * 1000 * 1000)
#define QUIET_TICKS 5 /* of 10 ms */

/* A worker: a daemon, its thread, and how many connections it holds: counted
 * when handed to it and until libmicrohttpd reports them closed (one the
 * daemon drops before starting it, for want of memory, stays counted; that
 * only tilts the choice of worker a little). */
typedef struct {
    http_server_t *server;
    struct MHD_Daemon *daemon;
    atomic_uint connections;
} worker_t;

struct http_server {
    worker_t *workers; /* opts.threads of them */
    unsigned
        next_worker; /* where the next search for the least busy starts; acceptor thread only */
    http_acceptor_t *acceptor;
    int listen_fd;
    http_server_opts_t opts; /* with defaults filled in; routes borrowed */
    http_metrics_t *metrics;
    http_watchdog_t *watchdog;
    uint16_t port;
    atomic_uint in_flight; /* requests whose request line has arrived, not yet completed */
    cidr_list_t metrics_allow;
};

typedef struct {
    http_request_t req;
    http_response_t res;
    http_server_t *server;
    const char *target; /* the request target as sent */
    http_body_t body;
    uint64_t start_us;
    size_t route; /* index into the route table; route_count for none */
    bool started, out_of_memory;
} exchange_t;

/* ---- answering ---- */

static void log_request(const exchange_t *ex, uint64_t us)
{
    char status[16], ms[32];
    snprintf(status, sizeof status, LOG_NUM "%d", ex->res.status);
    /* us / 1000 to three places, as "%.3f" would print it, without its
     * floating-point formatting on every request */
    snprintf(ms, sizeof ms, LOG_NUM "%" PRIu64 ".%03u", us / 1000, (unsigned)(us % 1000));
    log_event(LOG_INFO, "request", "method", ex->req.method_name, "path", ex->req.path, "status",
              status, "duration_ms", ms, "route",
              http_metrics_label(ex->server->metrics, ex->route), NULL);
}

/* Turns ex->res into a libmicrohttpd response and queues it. */
static enum MHD_Result send_answer(exchange_t *ex, struct MHD_Connection *c)
{
    http_response_t *res = &ex->res;
    http_header_set_t hs;
    http_response_headers(res, &hs);
    struct MHD_Response *r = MHD_create_response_from_buffer(
        res->body_len, (void *)(res->body ? res->body : ""), MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ok = r ? MHD_YES : MHD_NO;
    for (size_t i = 0; ok == MHD_YES && i < hs.count; i++)
        ok = MHD_add_response_header(r, hs.items[i].name, hs.items[i].value);
    if (ok == MHD_YES && res->close)
        ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    if (ok == MHD_YES)
        ok = MHD_queue_response(c, (unsigned)res->status, r);
    MHD_destroy_response(r);
    uint64_t us = clock_mono_us() - ex->start_us;
    http_metrics_record(ex->server->metrics, ex->route, res->status, us);
    log_request(ex, us);
    return ok;
}

/* A plain-text refusal before any handler ran. */
static enum MHD_Result refuse(exchange_t *ex, struct MHD_Connection *c, int status,
                              const char *text, bool close)
{
    http_response_text(&ex->res, status, text);
    ex->res.close = close;
    return send_answer(ex, c);
}

/* ---- dispatch ---- */

static bool path_matches(const http_route_t *r, const char *path)
{
    size_t n = strlen(r->path);
    if (n > 0 && r->path[n - 1] == '*')
        return strncmp(r->path, path, n - 1) == 0;
    return strcmp(r->path, path) == 0;
}

static unsigned effective_methods(const http_route_t *r)
{
    return r->methods | (r->methods & HTTP_GET ? HTTP_HEAD : 0);
}

/* The first route matching path and method; else the first matching path
 * (the caller answers 405); else route_count. *allowed gets the methods of
 * every route matching path. */
static size_t find_route(const http_server_opts_t *o, const char *path, unsigned method,
                         unsigned *allowed)
{
    size_t found = o->route_count, first = o->route_count;
    *allowed = 0;
    for (size_t i = 0; i < o->route_count; i++) {
        if (!path_matches(&o->routes[i], path))
            continue;
        unsigned m = effective_methods(&o->routes[i]);
        *allowed |= m;
        first = first < i ? first : i;
        if (found == o->route_count && (m & method))
            found = i;
    }
    return found < o->route_count ? found : first;
}

/* The longest value of name among pairs. */
static size_t longest(const http_pairs_t *p, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(p->items[i].name, name) == 0 && p->items[i].value_len > n)
            n = p->items[i].value_len;
    }
    return n;
}

/* How many times spec declares name: how often it may appear. */
static size_t declared(const http_param_spec_t *spec, const char *name)
{
    size_t n = 0;
    for (; spec->name; spec++)
        n += strcmp(spec->name, name) == 0;
    return n;
}

static http_param_problem_t check_params(const http_request_t *req, const char **name)
{
    *name = req->query_malformed ? "query" : "form";
    if (req->query_malformed || req->form_malformed)
        return HTTP_PARAM_MALFORMED;
    for (const http_param_spec_t *p = req->route->params; p && p->name; p++) {
        *name = p->name;
        size_t count =
            http_pairs_count(&req->query, p->name) + http_pairs_count(&req->form, p->name);
        if (count > 1 && count > declared(req->route->params, p->name))
            return HTTP_PARAM_REPEATED; /* RFC 6749 §3.1 */
        if (longest(&req->query, p->name) > p->max_len || longest(&req->form, p->name) > p->max_len)
            return HTTP_PARAM_TOO_LONG;
    }
    return HTTP_PARAM_OK;
}

static void not_found(http_request_t *req, http_response_t *res)
{
    http_response_text(res, 404, "not found\n");
}

static void run_route(const http_server_opts_t *o, http_request_t *req, http_response_t *res)
{
    const char *name = NULL;
    if (req->method == HTTP_HEAD && !(req->route->methods & HTTP_HEAD))
        req->method = HTTP_GET; /* HEAD is GET without the body */
    http_param_problem_t problem = check_params(req, &name);
    if (problem == HTTP_PARAM_OK)
        req->route->handler(req, res);
    else if (o->on_param_error)
        o->on_param_error(req, res, problem, name);
    else
        http_response_text(res, 400, "bad request\n");
}

/* Sets ex->route and req->route from the path, when there is one. */
static void locate_route(exchange_t *ex)
{
    const http_server_opts_t *o = &ex->server->opts;
    unsigned allowed = 0;
    size_t i = find_route(o, ex->req.path ? ex->req.path : "", ex->req.method, &allowed);
    ex->route = i;
    ex->req.route = i < o->route_count ? &o->routes[i] : NULL;
}

static enum MHD_Result send_refusal(exchange_t *ex, struct MHD_Connection *c, int status,
                                    bool close)
{
    ex->res.status = status;
    ex->res.close = close;
    return send_answer(ex, c);
}

/* 413 in the application's format when it gives one (opts.on_too_large). */
static enum MHD_Result refuse_too_large(exchange_t *ex, struct MHD_Connection *c, bool close)
{
    const http_server_opts_t *o = &ex->server->opts;
    if (!o->on_too_large)
        return refuse(ex, c, 413, "request body too large\n", close);
    locate_route(ex);
    o->on_too_large(&ex->req, &ex->res);
    return send_refusal(ex, c, 413, close);
}

static const char *refusal_text(int status)
{
    return status == 405   ? "method not allowed\n"
           : status == 501 ? "transfer coding not supported\n"
                           : "bad request\n";
}

/* 400, 405 or 501 in the application's format when it gives one (opts.on_refused). */
static void write_refusal(const http_server_opts_t *o, http_request_t *req, http_response_t *res,
                          int status)
{
    if (o->on_refused)
        o->on_refused(req, res, status);
    else
        http_response_text(res, status, refusal_text(status));
    res->status = status;
}

/* A refusal before the request's body was read; the connection is closed,
 * since what follows on it cannot be trusted to be a new request. */
static enum MHD_Result refuse_request(exchange_t *ex, struct MHD_Connection *c, int status)
{
    locate_route(ex);
    write_refusal(&ex->server->opts, &ex->req, &ex->res, status);
    return send_refusal(ex, c, status, true);
}

void http_route_request(const http_server_opts_t *o, http_request_t *req, http_response_t *res)
{
    unsigned allowed;
    size_t i = find_route(o, req->path, req->method, &allowed);
    req->route = i < o->route_count ? &o->routes[i] : NULL;
    if (!req->route) {
        (o->on_not_found ? o->on_not_found : not_found)(req, res);
    } else if (req->method == HTTP_OPTIONS && req->route->cors != HTTP_CORS_NONE &&
               !(allowed & HTTP_OPTIONS)) {
        http_cors_preflight(req, res);
    } else if (!(allowed & req->method)) {
        const char *allow = http_methods_text(req->arena, allowed);
        write_refusal(o, req, res, 405);
        if (!allow || !http_response_header(res, "Allow", allow))
            http_response_internal_error(res);
    } else {
        run_route(o, req, res);
    }
    http_cors_finish(req, res);
    if (res->status < 100 || res->status > 599 || (!res->body && res->body_len > 0) ||
        (unsigned)res->kind > HTTP_KIND_STATIC)
        http_response_internal_error(res);
}

/* The metrics are for the operator's scraper, not the world: to a client
 * outside opts.metrics_allow their route does not exist. */
static bool hidden(const http_server_t *s, const http_request_t *req)
{
    unsigned allowed;
    size_t i = find_route(&s->opts, req->path, req->method, &allowed);
    return i < s->opts.route_count && s->opts.routes[i].handler == http_metrics_handler &&
           !cidr_list_allows(&s->metrics_allow, req->remote_addr);
}

static void dispatch(exchange_t *ex)
{
    const http_server_opts_t *o = &ex->server->opts;
    http_metrics_bind(ex->server->metrics);
    if (hidden(ex->server, &ex->req)) {
        ex->req.route = NULL;
        (o->on_not_found ? o->on_not_found : not_found)(&ex->req, &ex->res);
    } else {
        http_route_request(o, &ex->req, &ex->res);
    }
    http_metrics_bind(NULL);
    ex->route = ex->req.route ? (size_t)(ex->req.route - o->routes) : o->route_count;
}

/* ---- libmicrohttpd callbacks ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    http_server_t *s = cls;
    arena_t *a = arena_new(s->opts.arena_cap);
    exchange_t *ex = a ? arena_alloc(a, sizeof *ex) : NULL;
    if (!ex) {
        arena_free(a);
        return NULL;
    }
    ex->req.arena = a;
    ex->req.app = s->opts.app;
    ex->server = s;
    ex->target = arena_strdup(a, uri);
    ex->start_us = clock_mono_us();
    ex->route = s->opts.route_count;
    ex->body.max = s->opts.max_body;
    /* from here libmicrohttpd reports the request's end (on_completed), even
     * when the client leaves before its headers are in */
    atomic_fetch_add(&s->in_flight, 1);
    return ex;
}

/* The connection's entry in the header watchdog, or NULL. */
static http_watch_t *watch_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    worker_t *w = cls;
    const union MHD_ConnectionInfo *info =
        toe == MHD_CONNECTION_NOTIFY_STARTED
            ? MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD)
            : NULL;
    if (info) {
        *socket_context = http_watchdog_add(w->server->watchdog, info->connect_fd);
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        atomic_fetch_sub(&w->connections, 1);
        http_watchdog_remove(w->server->watchdog, *socket_context);
    }
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    http_server_t *s = cls;
    exchange_t *ex = *con_cls;
    http_watchdog_headers(watch_of(c), false);
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
        http_watchdog_completed(watch_of(c));
    if (!ex)
        return;
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
    arena_free(ex->req.arena);
}

static size_t count_header(const http_request_t *req, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < req->headers.count; i++)
        n += strcasecmp(req->headers.items[i].name, name) == 0;
    return n;
}

/* Framing that two parsers could read differently (request smuggling behind a
 * proxy): 400 for Content-Length with Transfer-Encoding (RFC 9112 §6.1) or
 * repeated (§6.3), and for an HTTP/1.1 request without exactly one Host
 * (§3.2); 501 for a transfer coding other than chunked (§6.1). 0 when fine. */
static int framing_problem(const http_request_t *req, const char *version)
{
    size_t te = count_header(req, "Transfer-Encoding");
    size_t cl = count_header(req, "Content-Length");
    if ((te && cl) || cl > 1)
        return 400;
    if (te > 1 || (te && strcasecmp(http_request_header(req, "Transfer-Encoding"), "chunked")))
        return 501;
    if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 && count_header(req, "Host") != 1)
        return 400;
    return 0;
}

/* The first call, once the headers are in: build the request and refuse a
 * body announced over the limit before reading it. */
static enum MHD_Result on_headers(exchange_t *ex, struct MHD_Connection *c, const char *method,
                                  const char *version)
{
    ex->started = true;
    http_watchdog_headers(watch_of(c), true);
    if (!ex->target)
        return refuse(ex, c, 500, "internal error\n", true);
    gh_status_t st = http_request_fill(&ex->req, c, method, ex->target, &ex->req.query_malformed);
    if (st != GH_OK) {
        ex->req.method_name = method;
        return st == GH_ERR_NOMEM ? refuse(ex, c, 500, "internal error\n", true)
                                  : refuse_request(ex, c, 400);
    }
    int framing = framing_problem(&ex->req, version);
    if (framing)
        return refuse_request(ex, c, framing);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > ex->body.max)
        return refuse_too_large(ex, c, true);
    return MHD_YES;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
    exchange_t *ex = *con_cls;
    if (!ex)
        return MHD_NO;
    if (!ex->started)
        return on_headers(ex, c, method, version);
    if (*upload_size > 0) {
        if (http_body_append(ex->req.arena, &ex->body, upload, *upload_size) == GH_ERR_NOMEM)
            ex->out_of_memory = true;
        *upload_size = 0; /* past the limit the rest is read and dropped */
        return MHD_YES;
    }
    if (ex->body.too_large)
        return refuse_too_large(ex, c, false);
    if (ex->out_of_memory || http_request_set_body(&ex->req, &ex->body) != GH_OK)
        http_response_internal_error(&ex->res);
    else
        dispatch(ex);
    return send_answer(ex, c);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\r\n")] = '\0';
    log_event(LOG_WARN, "http_server", "message", msg, NULL);
}

/* ---- start and stop ---- */

gh_status_t http_resolve(const char *listen, struct sockaddr_storage *ss)
{
    const char *colon = listen ? strrchr(listen, ':') : NULL;
    if (!colon || colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1))
        return GH_ERR_INVALID;
    char host[256];
    size_t n = (size_t)(colon - listen);
    bool bracketed = n >= 2 && listen[0] == '[' && listen[n - 1] == ']';
    if (n >= sizeof host)
        return GH_ERR_INVALID;
    memcpy(host, listen + bracketed, n - 2 * bracketed);
    host[n - 2 * bracketed] = '\0';
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    if (getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai) != 0 || !ai)
        return GH_ERR_INVALID;
    memcpy(ss, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    return GH_OK;
}

static void fill_defaults(http_server_opts_t *o)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (o->threads == 0)
        o->threads =
            (cores > 0 ? (unsigned)cores : 1) * (o->threads_per_core ? o->threads_per_core : 1);
    if (o->max_body == 0)
        o->max_body = DEFAULT_MAX_BODY;
    if (o->arena_cap == 0)
        o->arena_cap = DEFAULT_ARENA_CAP;
    if (o->connection_timeout == 0)
        o->connection_timeout = DEFAULT_TIMEOUT;
    if (o->connection_limit == 0)
        o->connection_limit = DEFAULT_CONNECTION_LIMIT;
}

/* A non-blocking socket listening on ss, or -1 with errno set. */
static int open_listener(const struct sockaddr_storage *ss)
{
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int on = 1;
    socklen_t len =
        ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 &&
        (ss->ss_family != AF_INET6 ||
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) == 0) &&
        bind(fd, (const struct sockaddr *)ss, len) == 0 && listen(fd, SOMAXCONN) == 0)
        return fd;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

static uint16_t bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                          : ((struct sockaddr_in *)&ss)->sin_port);
}

/* A worker's daemon, listening on nothing itself: the acceptor hands it
 * connections. */
static struct MHD_Daemon *start_daemon(http_server_t *s, worker_t *w)
{
    unsigned flags =
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET;
    unsigned limit = (s->opts.connection_limit + s->opts.threads - 1) / s->opts.threads;
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_access, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, s->opts.connection_timeout, MHD_OPTION_CONNECTION_LIMIT,
        limit, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, w, MHD_OPTION_END);
}

/* The acceptor's hand-off: to the worker holding the fewest connections, the
 * first of them from one worker further each time. */
static void hand_off(void *ctx, int fd, const struct sockaddr *peer, socklen_t len)
{
    http_server_t *s = ctx;
    unsigned n = s->opts.threads, best = s->next_worker++ % n;
    unsigned fewest = atomic_load(&s->workers[best].connections);
    for (unsigned i = 1; i < n; i++) {
        unsigned k = (best + i) % n, held = atomic_load(&s->workers[k].connections);
        if (held < fewest) {
            best = k;
            fewest = held;
        }
    }
    atomic_fetch_add(&s->workers[best].connections, 1);
    /* libmicrohttpd closes the socket itself when it cannot take it */
    if (MHD_add_connection(s->workers[best].daemon, fd, peer, len) != MHD_YES)
        atomic_fetch_sub(&s->workers[best].connections, 1);
}

static bool start_workers(http_server_t *s)
{
    s->workers = calloc(s->opts.threads, sizeof *s->workers);
    for (unsigned i = 0; s->workers && i < s->opts.threads; i++) {
        s->workers[i].server = s;
        if (!(s->workers[i].daemon = start_daemon(s, &s->workers[i])))
            return false;
    }
    return s->workers != NULL;
}

gh_status_t http_server_start(const http_server_opts_t *opts, http_server_t **out)
{
    struct sockaddr_storage ss = {0};
    cidr_list_t metrics_allow;
    char why[160];
    if (cidr_list_parse(opts->metrics_allow ? opts->metrics_allow : CONFIG_METRICS_ALLOW,
                        &metrics_allow, why, sizeof why) != GH_OK)
        return GH_ERR_INVALID;
    gh_status_t st = http_resolve(opts->listen, &ss);
    http_server_t *s = st == GH_OK ? calloc(1, sizeof *s) : NULL;
    if (!s)
        return st == GH_OK ? GH_ERR_NOMEM : GH_ERR_IO;
    s->opts = *opts;
    s->metrics_allow = metrics_allow;
    fill_defaults(&s->opts);
    s->listen_fd = open_listener(&ss);
    if (s->listen_fd < 0) {
        int err = errno;
        log_event(LOG_WARN, "http_server", "message", "cannot listen", "listen", opts->listen,
                  "error", strerror(err), NULL);
        free(s);
        return err == EADDRINUSE ? GH_ERR_CONFLICT : GH_ERR_IO;
    }
    s->port = bound_port(s->listen_fd);
    s->metrics = http_metrics_new(s->opts.routes, s->opts.route_count);
    s->watchdog = s->metrics ? http_watchdog_new(s->opts.connection_timeout) : NULL;
    bool started = s->watchdog && start_workers(s);
    s->acceptor = started ? http_acceptor_start(s->listen_fd, s->watchdog, hand_off, s) : NULL;
    if (!s->acceptor) {
        st = s->workers && !started ? GH_ERR_IO : GH_ERR_NOMEM;
        http_server_stop(s);
        return st;
    }
    *out = s;
    return GH_OK;
}

/* Waits (bounded by DRAIN_LIMIT_US) until every request whose request line
 * has arrived has been answered, its headers and body read first when they are
 * still coming (the header deadline still holds: this loop sweeps).
 * Nothing in flight must be seen for QUIET_TICKS ticks in a row: a request
 * already accepted but not yet read by a busy worker shows up within that. */
static void drain(http_server_t *s)
{
    const struct timespec tick = {0, 10 * 1000 * 1000};
    uint64_t deadline = clock_mono_us() + DRAIN_LIMIT_US;
    for (int quiet = 0; quiet < QUIET_TICKS && clock_mono_us() < deadline;) {
        quiet = atomic_load(&s->in_flight) > 0 ? 0 : quiet + 1;
        nanosleep(&tick, NULL);
        http_watchdog_sweep(s->watchdog); /* the acceptor that swept has stopped */
    }
}

void http_server_stop(http_server_t *s)
{
    if (!s)
        return;
    if (s->acceptor) {
        http_acceptor_stop(s->acceptor);
        drain(s);
    } else {
        close(s->listen_fd);
    }
    for (unsigned i = 0; s->workers && i < s->opts.threads; i++)
        if (s->workers[i].daemon)
            MHD_stop_daemon(s->workers[i].daemon);
    free(s->workers);
    http_watchdog_free(s->watchdog);
    http_metrics_free(s->metrics);
    free(s);
}

uint16_t http_server_port(const http_server_t *s)
{
    return s->port;
}
