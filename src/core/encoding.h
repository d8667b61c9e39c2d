/* Encoders and decoders for the text forms used on the wire: base64url
 * (RFC 4648 §5, no padding), standard base64 (for HTTP Basic), percent-encoding
 * (RFC 3986 / application/x-www-form-urlencoded) and hex.
 *
 * Decoders take the output capacity and fail with GH_ERR_INVALID on any
 * malformed input, GH_ERR_TOO_LARGE when the output would not fit. */
#ifndef GH_CORE_ENCODING_H
#define GH_CORE_ENCODING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/status.h"

/* base64url without padding, NUL-terminated, in the arena; NULL when out of memory. */
char *b64url_encode(arena_t *a, const void *p, size_t n);

/* The same into out, which holds at least (n + 2) / 3 * 4 + 1 bytes; returns
 * the length written before the NUL. */
size_t b64url_encode_to(const void *p, size_t n, char *out);

/* Decodes base64url (padding refused) into out[0..cap); *out_len gets the length. */
gh_status_t b64url_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *out_len);

/* Decodes standard base64 with padding (RFC 4648 §4) into out[0..cap). */
gh_status_t b64_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *out_len);

/* Percent-decodes s[0..n) into a NUL-terminated arena string; `plus_is_space`
 * for form bodies. Fails on a bad escape or on a NUL byte (%00 or raw). */
gh_status_t pct_decode(arena_t *a, const char *s, size_t n, bool plus_is_space, char **out,
                       size_t *out_len);

/* True when s[0..n) is well-formed UTF-8 (RFC 3629 §4): no overlong forms,
 * no surrogates, nothing past U+10FFFF. */
bool utf8_valid(const char *s, size_t n);

/* How many characters (code points) UTF-8 text s holds: its bytes that do
 * not continue a character. What a form's maxlength counts, near enough
 * (maxlength counts UTF-16 units; a character past U+FFFF is two of them). */
size_t utf8_chars(const char *s);

/* Appends s percent-encoded so that only RFC 3986 unreserved bytes stay as they are. */
void pct_encode(buf_t *b, const char *s);

/* Lower-case hex of n bytes, NUL-terminated, into out (2n+1 bytes). */
void hex_encode(const void *p, size_t n, char *out);

#endif
