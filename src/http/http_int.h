/* Private interface between the files of src/http/: response finishing
 * (response.c), request building from a libmicrohttpd connection
 * (request.c) and the per-server request metrics (metrics.c). Nothing outside
 * src/http/ includes this header. */
#ifndef GH_HTTP_HTTP_INT_H
#define GH_HTTP_HTTP_INT_H

#include <microhttpd.h>
#include <sys/socket.h>

#include "http/http.h"

/* ---- parse.c ---- */

/* True when s[0..n) is a non-empty RFC 9110 token (header and cookie names). */
bool http_is_token(const char *s, size_t n);

/* RFC 9110 §5.5: true when v[0..n) holds only field-value octets (VCHAR,
 * obs-text, SP, HTAB); a NUL, CR, LF or other control byte is refused, never
 * passed on truncated. */
bool http_is_field_value(const char *v, size_t n);

/* True when s[0..n) is made of RFC 6265 cookie-octets (may be empty). */
bool http_is_cookie_value(const char *s, size_t n);

/* ---- server.c ---- */

/* Resolves "HOST:PORT" ("[::1]:PORT" for IPv6; an empty host binds all) into
 * ss. GH_ERR_INVALID when it is not of that form or the host is unknown. */
gh_status_t http_resolve(const char *listen, struct sockaddr_storage *ss);

/* ---- response.c ---- */

/* The complete header list of a response: the handler's own headers, then the
 * Content-Type and the security and cache headers its kind calls for (each
 * only when the handler did not set that header itself). */
typedef struct {
    http_pair_t items[HTTP_MAX_HEADERS + 8];
    size_t count;
    char cache_control[48]; /* storage for a "public, max-age=N" value */
} http_header_set_t;

void http_response_headers(const http_response_t *res, http_header_set_t *out);

/* Replaces res with a 500 JSON answer {"error":"internal"} (extra headers dropped). */
void http_response_internal_error(http_response_t *res);

/* ---- request.c ---- */

/* The method bit of a method name; HTTP_OTHER for unknown methods. */
http_method_t http_method_parse(const char *name);

/* "GET, HEAD, POST" for a set of method bits, in the arena (an Allow value). */
char *http_methods_text(arena_t *a, unsigned methods);

/* Fills req from the connection once its headers are in: method, path and
 * query (decoded from target, the request target exactly as sent), headers,
 * cookies and remote address. GH_ERR_INVALID when the path cannot be decoded
 * (bad escape, NUL) or the cookies are too many; GH_ERR_NOMEM. A query that
 * cannot be decoded leaves req->query empty and sets *query_malformed. */
gh_status_t http_request_fill(http_request_t *req, struct MHD_Connection *c, const char *method,
                              const char *target, bool *query_malformed);

/* A request body accumulated in the arena, at most max bytes. */
typedef struct {
    char *data;
    size_t len, cap, max;
    bool too_large;
} http_body_t;

/* Appends n bytes; GH_ERR_TOO_LARGE (and too_large set) past max, GH_ERR_NOMEM. */
gh_status_t http_body_append(arena_t *a, http_body_t *b, const char *p, size_t n);

/* Attaches the body to req and decodes it into req->form when its
 * Content-Type is application/x-www-form-urlencoded (form_malformed on a
 * decoding failure). GH_ERR_NOMEM only. */
gh_status_t http_request_set_body(http_request_t *req, const http_body_t *b);

/* ---- cors.c ---- */

/* Answers an OPTIONS request to a route that allows other origins (a CORS
 * preflight, or a plain OPTIONS): 204 with the methods and headers it takes. */
void http_cors_preflight(const http_request_t *req, http_response_t *res);

/* Adds the CORS headers req's route gives this answer: Allow-Origin * on
 * every answer of an HTTP_CORS_ANY route; on an HTTP_CORS_CALLER route, to
 * a request with an Origin header, that origin on an error (status 400 or
 * more) or when req->origin_allowed, with Vary: Origin and the headers the
 * page may read (WWW-Authenticate, DPoP-Nonce). */
void http_cors_finish(const http_request_t *req, http_response_t *res);

/* ---- metrics.c ---- */

typedef struct http_metrics http_metrics_t;

/* Counters for a route table; index route_count stands for "no route". NULL
 * when out of memory. The routes are borrowed. */
http_metrics_t *http_metrics_new(const http_route_t *routes, size_t route_count);
void http_metrics_free(http_metrics_t *m);

/* The metrics label of route i (its label, else its path; "none" for i ==
 * route_count). */
const char *http_metrics_label(const http_metrics_t *m, size_t i);

/* Counts one answered request of route i (lock-free). */
void http_metrics_record(http_metrics_t *m, size_t i, int status, uint64_t duration_us);

/* Makes m the metrics http_metrics_handler shows on this thread (NULL: none). */
void http_metrics_bind(const http_metrics_t *m);

/* ---- watchdog.c ---- */

typedef struct http_watchdog http_watchdog_t;
typedef struct http_watch http_watch_t;

#define HTTP_WATCHDOG_TICK_MS 200 /* how often the acceptor's thread sweeps */

/* The bookkeeping of connections whose request headers must be in within
 * timeout_s seconds. NULL when out of memory. */
http_watchdog_t *http_watchdog_new(unsigned timeout_s);

/* Shuts down the sockets of connections past their deadline. */
void http_watchdog_sweep(http_watchdog_t *w);

/* Frees what is left; call after the daemon has stopped. NULL does nothing. */
void http_watchdog_free(http_watchdog_t *w);

/* Watches a new connection's socket; NULL (not watched) when out of memory. */
http_watch_t *http_watchdog_add(http_watchdog_t *w, int fd);

/* Forgets a connection, before its socket is closed. NULL does nothing. */
void http_watchdog_remove(http_watchdog_t *w, http_watch_t *e);

/* in: a request's headers are in (no deadline while it is read and answered);
 * !in: it completed, and the wait for the next one's headers begins. Takes no
 * lock. NULL does nothing. */
void http_watchdog_headers(http_watch_t *e, bool in);

/* A request was answered in full: when the client has already closed its
 * sending side (nothing more can come), shuts the socket down so that
 * libmicrohttpd closes the connection now rather than at the timeout. Called
 * on the connection's worker thread, which alone may close the socket. NULL
 * does nothing. */
void http_watchdog_completed(http_watch_t *e);

/* ---- acceptor.c ---- */

typedef struct http_acceptor http_acceptor_t;

/* Takes an accepted connection's socket (non-blocking) and its peer's address. */
typedef void (*http_hand_off_fn)(void *ctx, int fd, const struct sockaddr *peer, socklen_t len);

/* Starts the thread that accepts connections on listen_fd (non-blocking,
 * listening) and gives each to hand_off(ctx, …), and sweeps watchdog every
 * HTTP_WATCHDOG_TICK_MS; the acceptor owns the socket from then on. NULL when
 * out of memory or threads (the socket is left to the caller). */
http_acceptor_t *http_acceptor_start(int listen_fd, http_watchdog_t *watchdog,
                                     http_hand_off_fn hand_off, void *ctx);

/* Stops accepting: the connections already waiting in the backlog (their
 * handshake done, their request perhaps sent) are handed off, then
 * the socket is closed, so those are served and a connection after them is
 * refused. */
void http_acceptor_stop(http_acceptor_t *a);

#endif
