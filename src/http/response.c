/* Building responses: the helpers handlers call, the Set-Cookie builder, and
 * the one place that decides the final header list of every answer
 * (content type, security headers, caching) from the kind of response.
 *
 * Bodies are borrowed or arena-owned; nothing here frees memory. Header
 * values containing CR, LF or other control characters are refused, so a
 * handler cannot be tricked into splitting a response. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "http/http_int.h"

static const char INTERNAL_ERROR[] = "{\"error\":\"internal\"}";

/* RFC 9110 §5.5: no CTL except HTAB in a field value. */
static bool valid_value(const char *v)
{
    for (; *v; v++) {
        unsigned char c = (unsigned char)*v;
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

bool http_response_header(http_response_t *res, const char *name, const char *value)
{
    if (res->header_count >= HTTP_MAX_HEADERS || !name || !value ||
        !http_is_token(name, strlen(name)) || !valid_value(value))
        return false;
    res->headers[res->header_count++] = (http_pair_t){name, value, strlen(value)};
    return true;
}

static void set_body(http_response_t *res, int status, http_kind_t kind, const char *body,
                     size_t len)
{
    res->status = status;
    res->kind = kind;
    res->body = body;
    res->body_len = len;
}

void http_response_internal_error(http_response_t *res)
{
    *res = (http_response_t){0};
    set_body(res, 500, HTTP_KIND_JSON, INTERNAL_ERROR, sizeof INTERNAL_ERROR - 1);
}

void http_response_json_raw(http_response_t *res, int status, const char *body, size_t len)
{
    set_body(res, status, HTTP_KIND_JSON, body, len);
}

/* One pass over the tree (json_dumpb would need two: one to size the buffer). */
void http_response_json(const http_request_t *req, http_response_t *res, int status,
                        const json_t *json)
{
    buf_t b;
    buf_init(&b, req->arena);
    if (json)
        jsonw_dump(&b, json);
    http_response_json_text(res, status, json ? &b : NULL);
}

void http_response_json_text(http_response_t *res, int status, const buf_t *text)
{
    const char *body = text ? buf_cstr(text) : NULL;
    if (!body || text->len == 0) {
        http_response_internal_error(res);
        return;
    }
    http_response_json_raw(res, status, body, text->len);
}

void http_response_html(http_response_t *res, int status, const char *body, size_t len)
{
    set_body(res, status, HTTP_KIND_HTML, body, len);
}

void http_response_text(http_response_t *res, int status, const char *body)
{
    set_body(res, status, HTTP_KIND_TEXT, body, strlen(body));
}

void http_response_redirect(http_response_t *res, int status, const char *location)
{
    if (status != 303 && status != 307)
        status = 302;
    if (!http_response_header(res, "Location", location)) {
        http_response_internal_error(res);
        return;
    }
    set_body(res, status, HTTP_KIND_REDIRECT, "", 0);
}

static bool valid_cookie(const http_cookie_t *c, const char *path, const char *same_site)
{
    const char *value = c->value ? c->value : "";
    bool same_site_ok = strcmp(same_site, "Lax") == 0 || strcmp(same_site, "Strict") == 0 ||
                        (strcmp(same_site, "None") == 0 && c->secure); /* RFC 6265bis §4.1.2.7 */
    return c->name && http_is_token(c->name, strlen(c->name)) &&
           http_is_cookie_value(value, strlen(value)) && path[0] == '/' && !strchr(path, ';') &&
           valid_value(path) && same_site_ok;
}

bool http_response_cookie(const http_request_t *req, http_response_t *res, const http_cookie_t *c)
{
    const char *path = c->path ? c->path : "/";
    const char *same_site = c->same_site ? c->same_site : "Lax";
    if (!valid_cookie(c, path, same_site))
        return false;
    buf_t b;
    buf_init(&b, req->arena);
    buf_printf(&b, "%s=%s; Path=%s", c->name, c->value ? c->value : "", path);
    if (c->max_age >= 0)
        buf_printf(&b, "; Max-Age=%ld", c->max_age);
    if (c->max_age == 0) /* for clients that ignore Max-Age */
        buf_puts(&b, "; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    if (c->http_only)
        buf_puts(&b, "; HttpOnly");
    buf_printf(&b, "; SameSite=%s", same_site);
    if (c->secure)
        buf_puts(&b, "; Secure");
    const char *value = buf_cstr(&b);
    return value && http_response_header(res, "Set-Cookie", value);
}

bool http_response_own_cookie(const http_request_t *req, http_response_t *res, const char *name,
                              const char *value, long max_age, bool secure)
{
    http_cookie_t c = {.name = name,
                       .value = value,
                       .path = "/",
                       .max_age = max_age,
                       .secure = secure,
                       .http_only = true,
                       .same_site = "Lax"};
    return http_response_cookie(req, res, &c);
}

/* What each kind of response gets by default. */
static const struct {
    const char *content_type;
    const char *cache_control; /* NULL: none; "public" means public, max-age=N */
    bool page;                 /* frame and content protections */
} KINDS[] = {
    [HTTP_KIND_JSON] = {"application/json", "no-store", false},
    [HTTP_KIND_HTML] = {"text/html; charset=utf-8", "no-store", true},
    [HTTP_KIND_TEXT] = {"text/plain; charset=utf-8", NULL, false},
    [HTTP_KIND_REDIRECT] = {NULL, "no-store", false},
    [HTTP_KIND_STATIC] = {"application/octet-stream", "public", false},
};

static const char PAGE_CSP[] =
    "frame-ancestors 'none'; default-src 'self'; base-uri 'none'; object-src 'none'";

/* Adds name: value unless the set already has that header. */
static void add_default(http_header_set_t *out, const char *name, const char *value)
{
    for (size_t i = 0; i < out->count; i++) {
        if (strcasecmp(out->items[i].name, name) == 0)
            return;
    }
    out->items[out->count++] = (http_pair_t){name, value, strlen(value)};
}

static void add_cache_headers(const http_response_t *res, http_header_set_t *out)
{
    const char *policy = KINDS[res->kind].cache_control;
    if (res->kind == HTTP_KIND_JSON && res->cacheable)
        policy = "public";
    if (!policy)
        return;
    if (strcmp(policy, "public") == 0) {
        snprintf(out->cache_control, sizeof out->cache_control, "public, max-age=%d",
                 res->max_age > 0 ? res->max_age : 0);
        add_default(out, "Cache-Control", out->cache_control);
        return;
    }
    add_default(out, "Cache-Control", policy);
    add_default(out, "Pragma", "no-cache");
}

void http_response_headers(const http_response_t *res, http_header_set_t *out)
{
    out->count = 0;
    for (size_t i = 0; i < res->header_count && i < HTTP_MAX_HEADERS; i++)
        out->items[out->count++] = res->headers[i];
    const char *type = res->content_type ? res->content_type : KINDS[res->kind].content_type;
    if (type)
        add_default(out, "Content-Type", type);
    add_default(out, "X-Content-Type-Options", "nosniff");
    add_default(out, "Referrer-Policy", "no-referrer");
    if (KINDS[res->kind].page) {
        add_default(out, "X-Frame-Options", "DENY");
        add_default(out, "Content-Security-Policy", PAGE_CSP);
    }
    add_cache_headers(res, out);
}
