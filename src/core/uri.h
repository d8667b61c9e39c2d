/* URI checks for values an administrator registers: redirect URIs and
 * post-logout redirect URIs of clients.
 *
 * The check is deliberately strict and small: the server later compares
 * redirect URIs byte for byte (RFC 9700 §2.1), so what is registered must be
 * one plain absolute URI, not something a browser would "repair". Also how
 * parameters are added to such a URI when the server redirects to it. */
#ifndef GH_CORE_URI_H
#define GH_CORE_URI_H

#include <stdbool.h>

#include "core/buf.h"

/* Longest URI accepted, in bytes. */
#define URI_MAX_LEN 2048

/* True when uri is an absolute http:// or https:// URI (lower-case scheme) with
 * a non-empty host (name, IPv4 or bracketed IPv6), an optional port 1–65535,
 * and a path and query made only of RFC 3986 characters (percent escapes well
 * formed). Refused: a fragment (RFC 6749 §3.1.2), user information before the
 * host, spaces and control bytes, anything longer than URI_MAX_LEN. */
bool uri_is_valid_redirect(const char *uri);

/* What kind of redirect URI uri is, for the registration rules (RFC 8252,
 * OAuth 2.1 §2.3.1): https for web clients, http only on the loopback
 * interface, a private-use scheme only for native apps. */
typedef enum {
    URI_REDIRECT_INVALID,       /* none of the below */
    URI_REDIRECT_HTTPS,         /* uri_is_valid_redirect, https */
    URI_REDIRECT_HTTP_LOOPBACK, /* http, host 127.0.0.1, [::1] or localhost (RFC 8252 §7.3) */
    URI_REDIRECT_HTTP,          /* http, any other host */
    URI_REDIRECT_PRIVATE_USE,   /* "com.example.app:/path" (RFC 8252 §7.1), see below */
} uri_redirect_kind_t;

/* The kind of uri. A private-use URI has a lower-case scheme made of
 * dot-separated labels of [a-z0-9-] (at least two labels: a reversed domain
 * name, so never "http", "javascript" or "data"), then ":/" and a path and
 * query of RFC 3986 characters; no fragment, at most URI_MAX_LEN bytes. */
uri_redirect_kind_t uri_redirect_kind(const char *uri);

/* True when uri is an http or https URI (uri_is_valid_redirect) whose host
 * is the loopback interface by RFC 8252 §7.3's names (127.0.0.1, [::1],
 * localhost): what a web application may not register (OpenID Connect
 * Dynamic Client Registration 1.0 §2, application_type). */
bool uri_host_is_loopback(const char *uri);

/* True when uri may be a resource indicator (RFC 8707 §2): an absolute URI
 * (a scheme, ':' and a non-empty rest of RFC 3986 characters, percent
 * escapes well formed) without a fragment, at most URI_MAX_LEN bytes. */
bool uri_is_resource(const char *uri);
/* Whether a redirect URI presented in a request is the registered one: the
 * same bytes (RFC 9700 §4.1.3), with one exception RFC 8252 §7.3 requires:
 * for a loopback IP literal (http://127.0.0.1 or http://[::1]) the port may
 * be any, because a native app opens whichever port is free; scheme, host,
 * path and query must still be the same bytes. "localhost" gets no such
 * latitude (RFC 8252 §8.3: it may resolve elsewhere). */
bool uri_redirect_matches(const char *registered, const char *presented);

/* Whether uri (an http or https URI) belongs to the serialised origin
 * (RFC 6454 §6.2, what a browser sends as Origin): the same scheme, host
 * (compared case-insensitively) and port, an absent port being the scheme's
 * default. False when either is not of that form (a path, query or anything
 * else after the origin, "null", another scheme). */
bool uri_same_origin(const char *uri, const char *origin);

/* Appends name=value (value percent-encoded) to the URI being built in b:
 * after '?' when b holds no '?' yet, else after '&' (RFC 6749 §3.1.2: the
 * registered query is kept). A NULL value appends nothing. */
void uri_append_param(buf_t *b, const char *name, const char *value);

#endif
