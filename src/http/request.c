/* Turning a libmicrohttpd connection into an http_request_t.
 *
 * The path and query are decoded here from the request target exactly as the
 * client sent it (not from libmicrohttpd's own unescaped copy), so repeated
 * parameters are kept and a %00 is refused rather than silently truncating.
 * Header strings are borrowed from libmicrohttpd, which keeps them until the
 * request completes; everything decoded lives in the request arena. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/encoding.h"
#include "http/http_int.h"

#define MAX_QUERY_PAIRS 128
#define MAX_FORM_PAIRS 128
#define MAX_COOKIES 64
#define FIRST_BODY_CAP 1024

static const struct {
    http_method_t bit;
    const char *name;
} METHODS[] = {{HTTP_GET, "GET"},    {HTTP_HEAD, "HEAD"},     {HTTP_POST, "POST"},
               {HTTP_PUT, "PUT"},    {HTTP_DELETE, "DELETE"}, {HTTP_OPTIONS, "OPTIONS"},
               {HTTP_PATCH, "PATCH"}};
#define N_METHODS (sizeof METHODS / sizeof METHODS[0])

http_method_t http_method_parse(const char *name)
{
    for (size_t i = 0; i < N_METHODS; i++) {
        if (strcmp(METHODS[i].name, name) == 0) /* RFC 9110 §9.1: case-sensitive */
            return METHODS[i].bit;
    }
    return HTTP_OTHER;
}

char *http_methods_text(arena_t *a, unsigned methods)
{
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < N_METHODS; i++) {
        if (methods & METHODS[i].bit)
            buf_printf(&b, "%s%s", b.len ? ", " : "", METHODS[i].name);
    }
    return (char *)buf_cstr(&b);
}

typedef struct {
    http_pairs_t *pairs;
    size_t cap;
    bool invalid;
} header_sink_t;

static enum MHD_Result on_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size)
{
    header_sink_t *sink = cls;
    value = value ? value : "";
    if (!http_is_token(key, key_size) || !http_is_field_value(value, value_size)) {
        sink->invalid = true;
        return MHD_NO;
    }
    if (sink->pairs->count == sink->cap)
        return MHD_NO;
    sink->pairs->items[sink->pairs->count++] = (http_pair_t){key, value, value_size};
    return MHD_YES;
}

/* The headers as sent; GH_ERR_INVALID when a name or value is not allowed. */
static gh_status_t collect_headers(http_request_t *req, struct MHD_Connection *c)
{
    int n = MHD_get_connection_values_n(c, MHD_HEADER_KIND, NULL, NULL);
    if (n <= 0)
        return GH_OK;
    req->headers.items = arena_alloc(req->arena, (size_t)n * sizeof *req->headers.items);
    if (!req->headers.items)
        return GH_ERR_NOMEM;
    header_sink_t sink = {&req->headers, (size_t)n, false};
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, on_header, &sink);
    return sink.invalid ? GH_ERR_INVALID : GH_OK;
}

static gh_status_t remote_address(http_request_t *req, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char *text = arena_alloc(req->arena, INET6_ADDRSTRLEN);
    if (!text)
        return GH_ERR_NOMEM;
    const struct sockaddr *sa = info ? info->client_addr : NULL;
    const void *addr = NULL;
    if (sa && sa->sa_family == AF_INET)
        addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    else if (sa && sa->sa_family == AF_INET6)
        addr = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    if (!addr || !inet_ntop(sa->sa_family, addr, text, INET6_ADDRSTRLEN))
        strcpy(text, "unknown");
    req->remote_addr = text;
    return GH_OK;
}

/* True when s[0..n) holds an encoded slash, which would make a path that a
 * proxy in front routed as one segment reach another route here. */
static bool has_encoded_slash(const char *s, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++) {
        if (s[i] == '%' && s[i + 1] == '2' && (s[i + 2] == 'f' || s[i + 2] == 'F'))
            return true;
    }
    return false;
}

/* Splits the target at '?' and decodes both halves. */
static gh_status_t decode_target(http_request_t *req, const char *target, bool *query_malformed)
{
    const char *q = strchr(target, '?');
    size_t path_len = q ? (size_t)(q - target) : strlen(target);
    char *path = NULL;
    size_t ignored;
    if (has_encoded_slash(target, path_len))
        return GH_ERR_INVALID;
    gh_status_t st = pct_decode(req->arena, target, path_len, false, &path, &ignored);
    if (st != GH_OK)
        return st;
    req->path = path;
    if (!q)
        return GH_OK;
    st = http_parse_form(req->arena, q + 1, strlen(q + 1), MAX_QUERY_PAIRS, &req->query);
    *query_malformed = st == GH_ERR_INVALID || st == GH_ERR_TOO_LARGE;
    return *query_malformed ? GH_OK : st;
}

gh_status_t http_request_fill(http_request_t *req, struct MHD_Connection *c, const char *method,
                              const char *target, bool *query_malformed)
{
    req->method = http_method_parse(method);
    req->method_name = method;
    gh_status_t st = decode_target(req, target, query_malformed);
    if (st == GH_OK)
        st = collect_headers(req, c);
    if (st == GH_OK)
        st = remote_address(req, c);
    const char *cookie = st == GH_OK ? http_request_header(req, "Cookie") : NULL;
    if (cookie)
        st = http_parse_cookies(req->arena, cookie, strlen(cookie), MAX_COOKIES, &req->cookies);
    return st == GH_ERR_TOO_LARGE ? GH_ERR_INVALID : st;
}

gh_status_t http_body_append(arena_t *a, http_body_t *b, const char *p, size_t n)
{
    if (b->too_large || n > b->max - b->len) {
        b->too_large = true;
        return GH_ERR_TOO_LARGE;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : FIRST_BODY_CAP;
        while (cap < b->len + n + 1)
            cap *= 2;
        cap = cap < b->max + 1 ? cap : b->max + 1;
        char *data = arena_alloc(a, cap);
        if (!data)
            return GH_ERR_NOMEM;
        if (b->len)
            memcpy(data, b->data, b->len);
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return GH_OK;
}

bool http_request_is_form(const http_request_t *req)
{
    const char *content_type = http_request_header(req, "Content-Type");
    static const char FORM[] = "application/x-www-form-urlencoded";
    const size_t n = sizeof FORM - 1;
    if (!content_type || strncasecmp(content_type, FORM, n) != 0)
        return false;
    const char *rest = content_type + n + strspn(content_type + n, " \t");
    return *rest == '\0' || *rest == ';';
}

/* Whether the q parameter among a member's parameters p[0..n) is zero ("q=0",
 * "q=0.000"; RFC 9110 §12.4.2): that range is refused. */
static bool weight_is_zero(const char *p, size_t n)
{
    const char *end = p + n;
    while ((p += strspn(p, "; \t")) < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        size_t len = semi ? (size_t)(semi - p) : (size_t)(end - p);
        if (len >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            const char *v = p + 2;
            size_t vn = len - 2;
            while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
                vn--;
            return vn >= 1 && v[0] == '0' && strspn(v + 1, ".0") >= vn - 1;
        }
        p += len;
    }
    return false;
}

bool http_request_wants_html(const http_request_t *req)
{
    static const char HTML[] = "text/html";
    const char *accept = http_request_header(req, "Accept");
    for (const char *m = accept; m && *m;) {
        m += strspn(m, ", \t");
        size_t len = strcspn(m, ",");
        size_t type = strcspn(m, "; \t,");
        if (type == sizeof HTML - 1 && !strncasecmp(m, HTML, type) &&
            !weight_is_zero(m + type, len - type))
            return true;
        m += len;
    }
    return false;
}

gh_status_t http_request_set_body(http_request_t *req, const http_body_t *b)
{
    req->body = b->data ? b->data : "";
    req->body_len = b->len;
    if (!http_request_is_form(req))
        return GH_OK;
    gh_status_t st =
        http_parse_form(req->arena, req->body, req->body_len, MAX_FORM_PAIRS, &req->form);
    req->form_malformed = st == GH_ERR_INVALID || st == GH_ERR_TOO_LARGE;
    return req->form_malformed ? GH_OK : st;
}
