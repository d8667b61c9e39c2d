/* HTTP layer: the only module that knows libmicrohttpd.
 *
 * A request arrives as plain data (http_request_t: method, path, decoded query,
 * headers, cookies, form fields, a bounded body) allocated in a per-request
 * arena; a handler fills an http_response_t. Handlers never see sockets, so
 * unit tests call them directly with a request they build themselves.
 *
 * Security headers are set in one place (http_response_headers), from the kind
 * of response: every answer gets `X-Content-Type-Options: nosniff` and
 * `Referrer-Policy: no-referrer`; HTML pages also `X-Frame-Options: DENY` and
 * `Content-Security-Policy: frame-ancestors 'none'; …`; JSON answers
 * `Cache-Control: no-store` unless the handler marked them cacheable. */
#ifndef GH_HTTP_HTTP_H
#define GH_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/status.h"

typedef enum {
    HTTP_GET = 1 << 0,
    HTTP_HEAD = 1 << 1,
    HTTP_POST = 1 << 2,
    HTTP_PUT = 1 << 3,
    HTTP_DELETE = 1 << 4,
    HTTP_OPTIONS = 1 << 5,
    HTTP_OTHER = 1 << 6,
    HTTP_PATCH = 1 << 7, /* RFC 5789 */
} http_method_t;

/* One decoded name/value pair. Both NUL-terminated; value_len excludes the NUL. */
typedef struct {
    const char *name;
    const char *value;
    size_t value_len;
} http_pair_t;

/* A list of pairs in arrival order (duplicates kept, so they can be refused). */
typedef struct {
    http_pair_t *items;
    size_t count;
} http_pairs_t;

/* The first value of name (exact, case-sensitive), or NULL. */
const char *http_pairs_get(const http_pairs_t *p, const char *name);

/* The first value of name compared case-insensitively (header names), or NULL. */
const char *http_pairs_get_ci(const http_pairs_t *p, const char *name);

/* How many times name occurs. */
size_t http_pairs_count(const http_pairs_t *p, const char *name);

typedef struct http_request {
    arena_t *arena; /* lives until the response has been sent */
    http_method_t method;
    const char *method_name; /* as sent, e.g. "GET" */
    const char *path;        /* decoded path without the query, e.g. "/auth/authorize" */
    http_pairs_t query;      /* decoded query parameters */
    http_pairs_t headers;    /* as sent; look up with http_pairs_get_ci */
    http_pairs_t cookies;    /* from the Cookie header */
    http_pairs_t form;    /* decoded body when Content-Type is application/x-www-form-urlencoded */
    bool form_malformed;  /* the form body could not be decoded */
    bool query_malformed; /* the query string could not be decoded (query left empty) */
    const char *body;     /* raw body, NUL-terminated; body_len excludes the NUL */
    size_t body_len;
    const char *remote_addr; /* client IP as text */
    void *app;               /* http_server_opts_t.app */
    const struct http_route *route;
    bool origin_allowed; /* set by the handler: the page of Origin may read the answer
                            (a route's HTTP_CORS_CALLER) */
} http_request_t;

typedef enum {
    HTTP_KIND_JSON,     /* application/json; Cache-Control: no-store by default */
    HTTP_KIND_HTML,     /* a page: frame and script protections */
    HTTP_KIND_TEXT,     /* text/plain */
    HTTP_KIND_REDIRECT, /* 302/303 with Location */
    HTTP_KIND_STATIC,   /* cacheable file (CSS, JS) */
} http_kind_t;

#define HTTP_MAX_HEADERS 16

typedef struct {
    int status;
    http_kind_t kind;
    const char *content_type;
    const char *body; /* arena-owned or static */
    size_t body_len;
    bool
        cacheable; /* JSON that may be cached (discovery, JWKS): Cache-Control: public, max-age=… */
    int max_age;   /* with cacheable */
    http_pair_t headers[HTTP_MAX_HEADERS]; /* extra headers, Set-Cookie may repeat */
    size_t header_count;
    bool close; /* close the connection after answering */
} http_response_t;

/* Serialises json (not consumed) into the request arena and sets a JSON answer. */
void http_response_json(const http_request_t *req, http_response_t *res, int status,
                        const json_t *json);

/* A JSON answer from bytes already serialised (borrowed; must outlive the request). */
void http_response_json_raw(http_response_t *res, int status, const char *body, size_t len);

/* A JSON answer from text written into an arena buffer (core/jsonw.h); a
 * failed or empty buffer (or NULL) answers 500. */
void http_response_json_text(http_response_t *res, int status, const buf_t *text);

/* An HTML page (borrowed body). */
void http_response_html(http_response_t *res, int status, const char *body, size_t len);

/* A plain-text answer (borrowed body). */
void http_response_text(http_response_t *res, int status, const char *body);

/* A redirect (302 unless status is 303/307) to location (borrowed). */
void http_response_redirect(http_response_t *res, int status, const char *location);

/* Adds a header (both strings borrowed). Returns false when the table is full
 * or either string contains CR or LF (header injection is refused here). */
bool http_response_header(http_response_t *res, const char *name, const char *value);

typedef struct {
    const char *name, *value; /* value must be cookie-safe (base64url, hex) */
    const char *path;         /* default "/" */
    long max_age;             /* seconds; -1 = session cookie; 0 = delete */
    bool secure;
    bool http_only;        /* default in practice: true */
    const char *same_site; /* "Lax" (default when NULL), "Strict" or "None" */
} http_cookie_t;

/* Adds a Set-Cookie header built from c in the request arena. */
bool http_response_cookie(const http_request_t *req, http_response_t *res, const http_cookie_t *c);

/* A server's own cookie, as both servers set theirs: Path=/, HttpOnly,
 * SameSite=Lax, Secure when secure; max_age as http_cookie_t's. */
bool http_response_own_cookie(const http_request_t *req, http_response_t *res, const char *name,
                              const char *value, long max_age, bool secure);

/* A request header value (case-insensitive name), or NULL. */
const char *http_request_header(const http_request_t *req, const char *name);

/* Whether the body is application/x-www-form-urlencoded (its media type
 * exactly, whatever its parameters, such as charset): the one rule for the
 * bodies that are decoded into req->form and for the endpoints that demand
 * one. */
bool http_request_is_form(const http_request_t *req);

/* Whether the Accept header names text/html (with a weight above zero): a
 * browser, which gets pages where an API client gets JSON. */
bool http_request_wants_html(const http_request_t *req);

/* A cookie value, or NULL. */
const char *http_request_cookie(const http_request_t *req, const char *name);

/* Decodes an `Authorization: Basic` header into user and password (RFC 7617;
 * each part percent-decoded as RFC 6749 §2.3.1 requires). GH_ERR_NOT_FOUND when
 * there is no Basic header, GH_ERR_INVALID when it is malformed. */
gh_status_t http_request_basic_auth(const http_request_t *req, const char **user,
                                    const char **password);

/* The token of an `Authorization: Bearer` header (RFC 6750 §2.1), or NULL. */
const char *http_request_bearer(const http_request_t *req);
/* The same for another scheme that carries a token68 ("DPoP", RFC 9449 §7.1). */
const char *http_request_token(const http_request_t *req, const char *scheme);

/* ---- parsing (exposed for unit tests and the fuzzers) ---- */

/* Parses an application/x-www-form-urlencoded string (also a query string) of
 * n bytes into pairs. At most max_pairs pairs; empty segments are skipped;
 * a bad percent escape, a NUL byte or a name or value that is not UTF-8 gives
 * GH_ERR_INVALID. */
gh_status_t http_parse_form(arena_t *a, const char *s, size_t n, size_t max_pairs,
                            http_pairs_t *out);

/* Parses a Cookie header (RFC 6265 §5.4) into pairs; malformed pieces are skipped. */
gh_status_t http_parse_cookies(arena_t *a, const char *s, size_t n, size_t max_pairs,
                               http_pairs_t *out);

/* ---- parameter declarations ---- */

/* What an endpoint accepts, checked before its handler runs (RFC 6749 §3.1:
 * parameters must not be repeated). A name declared k times may appear up to
 * k times (RFC 8707's resource may repeat). */
typedef struct {
    const char *name;
    size_t max_len; /* longest accepted value in bytes */
} http_param_spec_t;

typedef enum {
    HTTP_PARAM_OK,
    HTTP_PARAM_REPEATED, /* a declared parameter appears more than once */
    HTTP_PARAM_TOO_LONG, /* a declared parameter's value is over max_len */
    HTTP_PARAM_MALFORMED /* the query or form could not be decoded */
} http_param_problem_t;

/* ---- routes and server ---- */

typedef void (*http_handler_fn)(http_request_t *req, http_response_t *res);

/* Called instead of the handler when the declared parameters are violated;
 * renders the error in the application's format. name is the offending
 * parameter, or "query" / "form" for HTTP_PARAM_MALFORMED (a query or form
 * body that cannot be decoded is refused on every route). */
typedef void (*http_param_error_fn)(http_request_t *req, http_response_t *res,
                                    http_param_problem_t problem, const char *name);

/* Writes the body of a refusal the HTTP layer decides before any handler
 * runs, in the application's format: status 400 for a request that is
 * malformed (a path that cannot be decoded, a header name or value that is
 * not allowed, ambiguous message framing), 405 for a method the path does not
 * take, 501 for a transfer coding other than chunked. req->route is set when
 * the path names one (req->path may be NULL). The server sets the status (and
 * Allow on a 405) afterwards. */
typedef void (*http_refusal_fn)(http_request_t *req, http_response_t *res, int status);

/* Which pages of other origins may read a route's answers (CORS, the Fetch
 * standard). Never with credentials: no cookie crosses origins. */
typedef enum {
    HTTP_CORS_NONE,   /* none: no CORS header, OPTIONS is a 405 */
    HTTP_CORS_ANY,    /* any (public documents): every answer says Allow-Origin: * */
    HTTP_CORS_CALLER, /* the caller's: any page may read an error; an answer that is
                         not, once the handler knew who calls and allowed its origin
                         (req->origin_allowed); preflights are answered */
} http_cors_t;

typedef struct http_route {
    unsigned methods; /* bitwise OR of http_method_t */
    const char *path; /* exact path, or a prefix when it ends in '*' */
    http_handler_fn handler;
    const char *label; /* metrics label, e.g. "token" */
    const http_param_spec_t
        *params;      /* declared query+form parameters, ended by {NULL}; may be NULL */
    http_cors_t cors; /* HTTP_CORS_NONE unless given */
} http_route_t;

/* Options of http_server_start; zero fields take the defaults shown. The route
 * table and its strings are borrowed and must outlive the server. */
typedef struct {
    const char *listen; /* "HOST:PORT" */
    const http_route_t *routes;
    size_t route_count;
    http_param_error_fn on_param_error;
    http_handler_fn on_not_found; /* 404 for unknown paths (and 405 is derived) */
    http_handler_fn on_too_large; /* writes the 413 body (req->route set when known); may be NULL */
    http_refusal_fn on_refused;   /* writes 400/405/501 bodies; may be NULL (plain text) */
    void *app;
    unsigned threads;            /* 0 = threads_per_core per core */
    unsigned threads_per_core;   /* 0 = 1 */
    size_t max_body;             /* bigger bodies get 413, default 64 KiB */
    size_t arena_cap;            /* per-request arena cap, default 1 MiB */
    unsigned connection_timeout; /* seconds a connection may sit idle, default 30 */
    unsigned connection_limit;   /* default 4096 */
    /* clients whose address may GET a route served by http_metrics_handler, a
     * core/cidr.h list ("any" for all); NULL: loopback only. Others get the
     * on_not_found answer, as if there were no such route. */
    const char *metrics_allow;
} http_server_opts_t;

typedef struct http_server http_server_t;

/* Starts listening; GH_ERR_CONFLICT when the address is already in use
 * (EADDRINUSE), GH_ERR_IO when it cannot be bound otherwise, GH_ERR_INVALID
 * when metrics_allow is malformed. */
gh_status_t http_server_start(const http_server_opts_t *opts, http_server_t **out);

/* Writes into out (n bytes) the one line that says why http_server_start
 * failed with st on listen, and returns out: for GH_ERR_CONFLICT
 * "HOST:PORT is already in use", followed by " by another Gatehouse" or
 * " by something that is not Gatehouse" when the holder answers a GET
 * /healthz within a second (nothing is said of a holder that does not);
 * otherwise "cannot listen on HOST:PORT: <status>". Blocks up to a second. */
const char *http_listen_problem(gh_status_t st, const char *listen, char *out, size_t n);

/* GET /healthz, liveness: 200 {"status":"ok"} with `Server: Gatehouse`, the
 * mark http_listen_problem looks for. Touches nothing else (a database outage
 * must not make an orchestrator restart a process that will recover). */
void http_health_handler(http_request_t *req, http_response_t *res);

/* Answers req as the server does once its body is in: finds the route of
 * req->path and req->method in opts' table (sets req->route; 404 through
 * on_not_found, 405 with Allow through on_refused), checks the route's
 * declared parameters (on_param_error), then runs its handler; an answer that
 * is not well-formed becomes a 500. The request must be complete (arena,
 * method, path, query, headers, cookies, form, body, app); unit tests build
 * one themselves and call this instead of a socket. Security headers are
 * added later, when the answer is sent. */
void http_route_request(const http_server_opts_t *opts, http_request_t *req, http_response_t *res);

/* Stops accepting, finishes requests in flight, frees. NULL does nothing. */
void http_server_stop(http_server_t *s);

/* The port actually bound (useful with port 0). */
uint16_t http_server_port(const http_server_t *s);

/* Writes the Prometheus text exposition of the server's metrics (requests by
 * route and status, latency histogram, plus the counters of core/metrics.h). */
void http_metrics_handler(http_request_t *req, http_response_t *res);

#endif
