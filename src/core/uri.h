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

/* Appends name=value (value percent-encoded) to the URI being built in b:
 * after '?' when b holds no '?' yet, else after '&' (RFC 6749 §3.1.2: the
 * registered query is kept). A NULL value appends nothing. */
void uri_append_param(buf_t *b, const char *name, const char *value);

#endif
