/* Outbound HTTP over libcurl: one easy handle per call, TLS verification on,
 * no redirects, http:// only to loopback, answers capped in size and read
 * into the caller's arena.
 *
 * libcurl is not linked: httpc_init opens it (core/dynlib.h) and runs
 * curl_global_init, once (pthread_once), before the first handle, as libcurl
 * requires of threaded programs; calls go through the table libcurl,
 * libcurl.easy_init() for curl_easy_init(). CURLOPT_NOSIGNAL keeps timeouts
 * away from signals. The URL is checked with libcurl's own parser, the one
 * that will be used for the connection, so the check and the call agree. */
#include "httpc/httpc.h"
#include "httpc/httpc_int.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/dynlib.h"

#define USER_AGENT "gatehouse-gateway"

libcurl_t libcurl;

#define LIBCURL_SYMBOL(prefix, name) DYNLIB_SYMBOL(libcurl_t, prefix, name)
static const dynlib_symbol_t LIBCURL_SYMBOLS[] = {LIBCURL_FUNCTIONS(LIBCURL_SYMBOL)};
static dynlib_t libcurl_lib = {"libcurl.so.4",  "libcurl4",
                               LIBCURL_SYMBOLS, sizeof LIBCURL_SYMBOLS / sizeof LIBCURL_SYMBOLS[0],
                               &libcurl,        false};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static gh_status_t global_status = GH_ERR_UNAVAILABLE;

static void global_init(void)
{
    global_status = dynlib_load(&libcurl_lib);
    if (global_status == GH_OK && libcurl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        global_status = GH_ERR_INTERNAL;
}

gh_status_t httpc_init(void)
{
    pthread_once(&global_once, global_init);
    return global_status;
}

bool httpc_host_is_loopback(const char *host)
{
    struct in_addr v4;
    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
        return true;
    return inet_pton(AF_INET, host, &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

bool httpc_url_allowed(const char *url)
{
    if (httpc_init() != GH_OK)
        return false;
    CURLU *u = libcurl.url();
    char *scheme = NULL, *host = NULL;
    bool ok = false;
    if (!u || !url || libcurl.url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        libcurl.url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        libcurl.url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        goto out;
    if (strcmp(scheme, "https") == 0)
        ok = true;
    else if (strcmp(scheme, "http") == 0)
        ok = httpc_host_is_loopback(host);
out:
    libcurl.free(scheme);
    libcurl.free(host);
    libcurl.url_cleanup(u);
    return ok;
}

/* The answer body as it arrives, refused past max. */
typedef struct {
    buf_t body;
    size_t max;
    bool too_large;
} sink_t;

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    sink_t *s = ctx;
    size_t len = size * n;
    if (len > s->max - s->body.len) {
        s->too_large = true;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    buf_append(&s->body, p, len);
    return s->body.failed ? 0 : len;
}

/* Appends line to list; on failure frees the list and returns NULL. */
static struct curl_slist *append(struct curl_slist *list, const char *line)
{
    struct curl_slist *next = line && list ? libcurl.slist_append(list, line) : NULL;
    if (!next)
        libcurl.slist_free_all(list);
    return next;
}

/* The request headers as a curl list; NULL when out of memory or a header
 * holds a line break. */
static struct curl_slist *build_headers(arena_t *a, const httpc_request_t *req)
{
    struct curl_slist *list = libcurl.slist_append(NULL, "Expect:");
    if (req->content_type)
        list = append(list, arena_printf(a, "Content-Type: %s", req->content_type));
    for (size_t i = 0; list && i < req->header_count; i++) {
        const httpc_header_t *h = &req->headers[i];
        const char *line = arena_printf(a, "%s: %s", h->name, h->value);
        list = append(list, line && !strpbrk(line, "\r\n") ? line : NULL);
    }
    return list;
}

/* The options every call has: where, how long, how big, how safe. */
static bool set_common(CURL *h, const httpc_request_t *req, struct curl_slist *hdrs, sink_t *sink)
{
    long connect_ms =
        req->connect_timeout_ms > 0 ? req->connect_timeout_ms : HTTPC_DEFAULT_CONNECT_TIMEOUT_MS;
    long total_ms = req->timeout_ms > 0 ? req->timeout_ms : HTTPC_DEFAULT_TIMEOUT_MS;
    return libcurl.easy_setopt(h, CURLOPT_URL, req->url) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)sink->max) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_WRITEDATA, sink) == CURLE_OK;
}

/* Whether an IPv4 address (host order) is one anybody may reach: not
 * "this network", loopback, private (RFC 1918), shared (RFC 6598),
 * link-local, benchmarking, multicast or reserved. */
static bool v4_public(uint32_t a)
{
    static const struct {
        uint32_t net, mask;
    } CLOSED[] = {
        {0x00000000, 0xff000000}, {0x0a000000, 0xff000000}, {0x64400000, 0xffc00000},
        {0x7f000000, 0xff000000}, {0xa9fe0000, 0xffff0000}, {0xac100000, 0xfff00000},
        {0xc0000000, 0xffffff00}, {0xc0a80000, 0xffff0000}, {0xc6120000, 0xfffe0000},
        {0xe0000000, 0xe0000000},
    };
    for (size_t i = 0; i < sizeof CLOSED / sizeof CLOSED[0]; i++)
        if ((a & CLOSED[i].mask) == CLOSED[i].net)
            return false;
    return true;
}

bool httpc_address_public(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return v4_public(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
    if (sa->sa_family != AF_INET6)
        return false;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    const uint8_t *b = a->s6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a) || IN6_IS_ADDR_V4COMPAT(a)) {
        uint32_t v4 =
            ((uint32_t)b[12] << 24) | ((uint32_t)b[13] << 16) | ((uint32_t)b[14] << 8) | b[15];
        return v4_public(v4);
    }
    /* loopback, unspecified, link-local fe80::/10, unique local fc00::/7, multicast */
    return !IN6_IS_ADDR_LOOPBACK(a) && !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LINKLOCAL(a) &&
           (b[0] & 0xfe) != 0xfc && b[0] != 0xff;
}

/* CURLOPT_OPENSOCKETFUNCTION of a call limited to public addresses: the
 * address curl resolved is checked just before it connects, so a name that
 * resolves elsewhere the second time (DNS rebinding) is caught too. */
static curl_socket_t open_public(void *ctx, curlsocktype purpose, struct curl_sockaddr *address)
{
    (void)ctx;
    if (purpose != CURLSOCKTYPE_IPCXN || !httpc_address_public(&address->addr))
        return CURL_SOCKET_BAD;
    return socket(address->family, address->socktype, address->protocol);
}

/* The method, its body and the Basic credentials. */
static bool set_method(CURL *h, const httpc_request_t *req)
{
    bool ok = true;
    if (req->basic_user) {
        const char *pw = req->basic_password ? req->basic_password : "";
        ok = libcurl.easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) == CURLE_OK &&
             libcurl.easy_setopt(h, CURLOPT_USERNAME, req->basic_user) == CURLE_OK &&
             libcurl.easy_setopt(h, CURLOPT_PASSWORD, pw) == CURLE_OK;
    }
    if (ok && req->method == HTTPC_DELETE)
        ok = libcurl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE") == CURLE_OK;
    if (!ok || req->method == HTTPC_GET || (req->method == HTTPC_DELETE && !req->body))
        return ok;
    const char *body = req->body ? req->body : "";
    curl_off_t len = req->body ? (curl_off_t)req->body_len : 0;
    return libcurl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, len) == CURLE_OK &&
           libcurl.easy_setopt(h, CURLOPT_POSTFIELDS, body) == CURLE_OK;
}

static httpc_outcome_t outcome_of(CURLcode rc, const sink_t *sink)
{
    switch (rc) {
    case CURLE_OK:
        return HTTPC_OK;
    case CURLE_OPERATION_TIMEDOUT:
        return HTTPC_FAIL_TIMEOUT;
    case CURLE_FILESIZE_EXCEEDED:
        return HTTPC_FAIL_TOO_LARGE;
    case CURLE_WRITE_ERROR:
        return sink->too_large ? HTTPC_FAIL_TOO_LARGE : HTTPC_FAIL_INTERNAL;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
        return HTTPC_FAIL_INTERNAL;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return HTTPC_FAIL_URL;
    default: /* resolution, connection, TLS, an answer cut short */
        return HTTPC_FAIL_CONNECT;
    }
}

static gh_status_t status_of(httpc_outcome_t o)
{
    switch (o) {
    case HTTPC_OK:
        return GH_OK;
    case HTTPC_FAIL_TOO_LARGE:
        return GH_ERR_TOO_LARGE;
    case HTTPC_FAIL_URL:
        return GH_ERR_INVALID;
    case HTTPC_FAIL_INTERNAL:
        return GH_ERR_INTERNAL;
    default:
        return GH_ERR_UNAVAILABLE;
    }
}

/* Fills res from a finished transfer. */
static void read_answer(arena_t *a, CURL *h, const sink_t *sink, httpc_response_t *res)
{
    struct curl_header *ct = NULL, *cc = NULL;
    libcurl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->status);
    if (libcurl.easy_header(h, "Content-Type", 0, CURLH_HEADER, -1, &ct) == CURLHE_OK)
        res->content_type = arena_strdup(a, ct->value);
    if (libcurl.easy_header(h, "Cache-Control", 0, CURLH_HEADER, -1, &cc) == CURLHE_OK)
        res->cache_control = arena_strdup(a, cc->value);
    res->body = buf_cstr(&sink->body);
    res->body_len = sink->body.len;
    if (!res->body) {
        res->body = "";
        res->body_len = 0;
        res->outcome = HTTPC_FAIL_INTERNAL;
    } else if (res->status < 200 || res->status > 299) {
        res->outcome = HTTPC_FAIL_STATUS;
    }
}

gh_status_t httpc_send(arena_t *a, const httpc_request_t *req, httpc_response_t *res)
{
    *res = (httpc_response_t){.outcome = HTTPC_FAIL_INTERNAL, .body = ""};
    if (httpc_init() != GH_OK)
        return status_of(res->outcome);
    if (!httpc_url_allowed(req->url)) {
        res->outcome = HTTPC_FAIL_URL;
        return status_of(res->outcome);
    }
    sink_t sink = {.max = req->max_response ? req->max_response : HTTPC_DEFAULT_MAX_RESPONSE};
    CURL *h = libcurl.easy_init();
    struct curl_slist *hdrs = h ? build_headers(a, req) : NULL;
    buf_init(&sink.body, a);
    if (!hdrs || !set_common(h, req, hdrs, &sink) || !set_method(h, req) ||
        (req->public_only &&
         libcurl.easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_public) != CURLE_OK) ||
        (req->ca_file && (libcurl.easy_setopt(h, CURLOPT_CAINFO, req->ca_file) != CURLE_OK ||
                          libcurl.easy_setopt(h, CURLOPT_CAPATH, NULL) != CURLE_OK)))
        goto out;
    res->outcome = outcome_of(libcurl.easy_perform(h), &sink);
    if (res->outcome == HTTPC_OK)
        read_answer(a, h, &sink, res);
out:
    libcurl.slist_free_all(hdrs);
    libcurl.easy_cleanup(h);
    return status_of(res->outcome);
}

const char *httpc_outcome_str(httpc_outcome_t o)
{
    static const char *const NAMES[] = {
        [HTTPC_OK] = "ok",
        [HTTPC_FAIL_STATUS] = "unexpected HTTP status",
        [HTTPC_FAIL_TIMEOUT] = "timed out",
        [HTTPC_FAIL_CONNECT] = "connection failed",
        [HTTPC_FAIL_TOO_LARGE] = "answer too large",
        [HTTPC_FAIL_URL] = "URL not allowed",
        [HTTPC_FAIL_INTERNAL] = "internal failure",
    };
    return (unsigned)o < sizeof NAMES / sizeof NAMES[0] ? NAMES[o] : "unknown";
}
