/* Strict syntax check of registered redirect URIs (RFC 3986 §3 subset:
 * http/https scheme, host, port, path, query; no user information, no
 * fragment), and their kind (https, loopback http, other http, a native
 * app's private-use scheme). Reads its input only; allocates nothing. And the
 * one way parameters are added to a redirect URI, and whether a URI belongs
 * to a browser's origin. */
#include "core/uri.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/encoding.h"

static bool is_unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_sub_delim(unsigned char c)
{
    return c != '\0' && strchr("!$&'()*+,;=", c) != NULL;
}

/* The end of the host at p (a name, IPv4 or [IPv6]), or NULL when malformed. */
static const char *scan_host(const char *p)
{
    if (*p == '[') {
        const char *q = p + 1;
        while (isxdigit((unsigned char)*q) || *q == ':' || *q == '.')
            q++;
        return (*q == ']' && q > p + 1) ? q + 1 : NULL;
    }
    if (!isalnum((unsigned char)*p))
        return NULL;
    while (isalnum((unsigned char)*p) || *p == '-' || *p == '.')
        p++;
    return p;
}

/* The end of an optional ":port" at p (1–65535), or NULL when malformed. */
static const char *scan_port(const char *p)
{
    if (*p != ':')
        return p;
    long port = 0;
    int digits = 0;
    for (p++; isdigit((unsigned char)*p) && digits < 6; p++, digits++)
        port = port * 10 + (*p - '0');
    return (digits > 0 && port >= 1 && port <= 65535) ? p : NULL;
}

/* RFC 3986 path and query characters only; a '#' (fragment) fails here. */
static bool path_query_ok(const char *p)
{
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '%') {
            if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]))
                return false;
            p += 2;
        } else if (!is_unreserved(c) && !is_sub_delim(c) && !strchr(":@/?", c)) {
            return false;
        }
    }
    return true;
}

bool uri_is_valid_redirect(const char *uri)
{
    if (!uri || strlen(uri) > URI_MAX_LEN)
        return false;
    const char *p = NULL;
    if (!strncmp(uri, "https://", 8))
        p = uri + 8;
    else if (!strncmp(uri, "http://", 7))
        p = uri + 7;
    else
        return false;
    p = scan_host(p);
    if (p)
        p = scan_port(p);
    if (!p || (*p != '\0' && *p != '/' && *p != '?'))
        return false;
    return path_query_ok(p);
}

/* Whether the host of an http URI (at p, ending at end) is the loopback
 * interface, by the names RFC 8252 §7.3 and §8.3 give. */
static bool is_loopback(const char *p, const char *end)
{
    static const char *const HOSTS[] = {"127.0.0.1", "[::1]", "localhost"};
    for (size_t i = 0; i < sizeof HOSTS / sizeof HOSTS[0]; i++)
        if ((size_t)(end - p) == strlen(HOSTS[i]) && !strncmp(p, HOSTS[i], (size_t)(end - p)))
            return true;
    return false;
}

/* The end of a private-use scheme at p (a reversed domain name: labels of
 * [a-z0-9-], the first starting with a letter, at least two), or NULL. */
static const char *scan_private_scheme(const char *p)
{
    if (!islower((unsigned char)*p))
        return NULL;
    size_t labels = 1, label_len = 0;
    for (; *p && *p != ':'; p++) {
        if (*p == '.') {
            if (label_len == 0)
                return NULL;
            labels++;
            label_len = 0;
        } else if (islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-') {
            label_len++;
        } else {
            return NULL;
        }
    }
    return *p == ':' && labels >= 2 && label_len > 0 ? p : NULL;
}

uri_redirect_kind_t uri_redirect_kind(const char *uri)
{
    if (uri_is_valid_redirect(uri)) {
        if (!strncmp(uri, "https://", 8))
            return URI_REDIRECT_HTTPS;
        const char *host = uri + 7;
        return is_loopback(host, scan_host(host)) ? URI_REDIRECT_HTTP_LOOPBACK : URI_REDIRECT_HTTP;
    }
    if (!uri || strlen(uri) > URI_MAX_LEN)
        return URI_REDIRECT_INVALID;
    const char *colon = scan_private_scheme(uri); /* RFC 8252 §7.1 */
    if (!colon || colon[1] != '/' || !path_query_ok(colon + 1))
        return URI_REDIRECT_INVALID;
    return URI_REDIRECT_PRIVATE_USE;
}

bool uri_host_is_loopback(const char *uri)
{
    if (!uri_is_valid_redirect(uri))
        return false;
    const char *host = uri + (strncmp(uri, "https://", 8) ? 7 : 8);
    return is_loopback(host, scan_host(host));
}

/* For an http URI on a loopback IP literal: *host_end is where the host ends
 * and *rest where the path and query begin (after any port); false for
 * anything else, or a malformed port. */
static bool loopback_ip_parts(const char *uri, const char **host_end, const char **rest)
{
    static const char *const HOSTS[] = {"http://127.0.0.1", "http://[::1]"};
    for (size_t i = 0; i < sizeof HOSTS / sizeof HOSTS[0]; i++) {
        size_t n = strlen(HOSTS[i]);
        if (strncmp(uri, HOSTS[i], n) != 0)
            continue;
        *host_end = uri + n;
        *rest = scan_port(uri + n);
        return *rest && (**rest == '\0' || **rest == '/' || **rest == '?');
    }
    return false;
}

bool uri_redirect_matches(const char *registered, const char *presented)
{
    if (!registered || !presented)
        return false;
    if (!strcmp(registered, presented))
        return true;
    const char *reg_host, *reg_rest, *pre_host, *pre_rest;
    if (!loopback_ip_parts(registered, &reg_host, &reg_rest) ||
        !loopback_ip_parts(presented, &pre_host, &pre_rest))
        return false;
    return reg_host - registered == pre_host - presented &&
           !strncmp(registered, presented, (size_t)(reg_host - registered)) &&
           !strcmp(reg_rest, pre_rest) && uri_is_valid_redirect(presented);
}

/* The origin an http or https URI starts with: its scheme, host and port
 * (the default one when absent); *rest where the rest begins. */
typedef struct {
    bool https;
    const char *host, *host_end, *rest;
    long port;
} origin_t;

static bool origin_parts(const char *s, origin_t *o)
{
    if (!strncasecmp(s, "https://", 8))
        *o = (origin_t){.https = true, .host = s + 8, .port = 443};
    else if (!strncasecmp(s, "http://", 7))
        *o = (origin_t){.https = false, .host = s + 7, .port = 80};
    else
        return false;
    if (!(o->host_end = scan_host(o->host)) || !(o->rest = scan_port(o->host_end)))
        return false;
    if (o->rest != o->host_end)
        o->port = strtol(o->host_end + 1, NULL, 10);
    return true;
}

bool uri_same_origin(const char *uri, const char *origin)
{
    origin_t u, o;
    if (!uri || !origin || strlen(uri) > URI_MAX_LEN || strlen(origin) > URI_MAX_LEN ||
        !origin_parts(uri, &u) || !origin_parts(origin, &o) || *o.rest != '\0' ||
        (*u.rest != '\0' && *u.rest != '/' && *u.rest != '?'))
        return false;
    size_t n = (size_t)(u.host_end - u.host);
    return u.https == o.https && u.port == o.port && n == (size_t)(o.host_end - o.host) &&
           !strncasecmp(u.host, o.host, n);
}

void uri_append_param(buf_t *b, const char *name, const char *value)
{
    if (!value)
        return;
    bool has_query = b->data && memchr(b->data, '?', b->len);
    buf_putc(b, has_query ? '&' : '?');
    buf_puts(b, name);
    buf_putc(b, '=');
    pct_encode(b, value);
}

bool uri_is_resource(const char *uri)
{
    const char *p = uri;
    if (!uri || strlen(uri) > URI_MAX_LEN || !isalpha((unsigned char)*p))
        return false;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    return *p == ':' && p[1] && path_query_ok(p + 1);
}
