/* Parsers of untrusted request text: form and query strings, Cookie headers,
 * the Basic and Bearer Authorization schemes, and the pair-list lookups.
 *
 * Every parser works on (pointer, length) input, is bounded by a maximum
 * number of pairs and by the arena cap, and reports every failure; results
 * are written only on success. Decoded strings live in the caller's arena. */
#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/encoding.h"
#include "http/http_int.h"

static const char *find(const http_pairs_t *p, const char *name,
                        int (*cmp)(const char *, const char *))
{
    for (size_t i = 0; i < p->count; i++) {
        if (cmp(p->items[i].name, name) == 0)
            return p->items[i].value;
    }
    return NULL;
}

const char *http_pairs_get(const http_pairs_t *p, const char *name)
{
    return find(p, name, strcmp);
}

const char *http_pairs_get_ci(const http_pairs_t *p, const char *name)
{
    return find(p, name, strcasecmp);
}

size_t http_pairs_count(const http_pairs_t *p, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < p->count; i++)
        n += strcmp(p->items[i].name, name) == 0;
    return n;
}

/* The piece of s[*pos..n) up to the next sep (or the end); moves *pos past it. */
static size_t next_piece(const char *s, size_t n, char sep, size_t *pos, const char **piece)
{
    const char *start = s + *pos;
    const char *end = memchr(start, sep, n - *pos);
    size_t len = end ? (size_t)(end - start) : n - *pos;
    *piece = start;
    *pos += len + 1;
    return len;
}

static size_t count_pieces(const char *s, size_t n, char sep)
{
    size_t count = 0;
    const char *piece;
    for (size_t pos = 0; pos < n;)
        count += next_piece(s, n, sep, &pos, &piece) > 0;
    return count;
}

/* Decodes one "name=value" (or bare "name") form segment. */
static gh_status_t decode_pair(arena_t *a, const char *seg, size_t len, http_pair_t *out)
{
    const char *eq = memchr(seg, '=', len);
    size_t name_len = eq ? (size_t)(eq - seg) : len;
    size_t value_off = eq ? name_len + 1 : len;
    char *name = NULL, *value = NULL;
    size_t ignored;
    gh_status_t st = pct_decode(a, seg, name_len, true, &name, &ignored);
    if (st == GH_OK)
        st = pct_decode(a, seg + value_off, len - value_off, true, &value, &out->value_len);
    if (st != GH_OK)
        return st;
    if (!utf8_valid(name, strlen(name)) || !utf8_valid(value, out->value_len))
        return GH_ERR_INVALID; /* form bodies and queries are UTF-8 (WHATWG URL §5) */
    out->name = name;
    out->value = value;
    return GH_OK;
}

gh_status_t http_parse_form(arena_t *a, const char *s, size_t n, size_t max_pairs,
                            http_pairs_t *out)
{
    size_t count = count_pieces(s, n, '&');
    if (count > max_pairs)
        return GH_ERR_TOO_LARGE;
    http_pair_t *items = NULL;
    if (count > 0 && !(items = arena_alloc(a, count * sizeof *items)))
        return GH_ERR_NOMEM;
    size_t k = 0;
    const char *seg;
    for (size_t pos = 0; pos < n;) {
        size_t len = next_piece(s, n, '&', &pos, &seg);
        if (len == 0)
            continue;
        gh_status_t st = decode_pair(a, seg, len, &items[k++]);
        if (st != GH_OK)
            return st;
    }
    out->items = items;
    out->count = count;
    return GH_OK;
}

/* RFC 9110 §5.6.2 tchar. */
static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 6265 §4.1.1 cookie-octet. */
static bool is_cookie_octet(unsigned char c)
{
    return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
           (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

static bool all_of(const char *s, size_t n, bool (*ok)(unsigned char))
{
    for (size_t i = 0; i < n; i++) {
        if (!ok((unsigned char)s[i]))
            return false;
    }
    return true;
}

bool http_is_token(const char *s, size_t n)
{
    return n > 0 && all_of(s, n, is_tchar);
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* True when no byte of the word is below 0x20 or is 0x7f: subtracting 0x20
 * (or 1 from the word XOR 0x7f…) from every byte sets the high bit of a byte
 * that was below it and had it clear; a clean word sets none. */
static bool word_is_field_text(uint64_t w)
{
    uint64_t del = w ^ (ONES * 0x7f);
    return ((((w - ONES * 0x20) & ~w) | ((del - ONES) & ~del)) & HIGHS) == 0;
}

/* Eight bytes at a time while the words are clean (a long Bearer token),
 * then one at a time from the first word that holds an HTAB or a control
 * byte. */
bool http_is_field_value(const char *v, size_t n)
{
    size_t i = 0;
    for (uint64_t w; n - i >= 8; i += 8) {
        memcpy(&w, v + i, 8);
        if (!word_is_field_text(w))
            break;
    }
    for (; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
            return false;
    }
    return true;
}

bool http_is_cookie_value(const char *s, size_t n)
{
    return all_of(s, n, is_cookie_octet);
}

/* One "name=value" cookie piece, surrounding whitespace already trimmed;
 * false when it is malformed (then it is skipped). */
static bool cookie_piece(arena_t *a, const char *p, size_t len, http_pair_t *out, bool *nomem)
{
    const char *eq = memchr(p, '=', len);
    if (!eq || !http_is_token(p, (size_t)(eq - p)))
        return false;
    const char *v = eq + 1;
    size_t vlen = len - (size_t)(v - p);
    if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
        v++;
        vlen -= 2;
    }
    if (!http_is_cookie_value(v, vlen))
        return false;
    out->name = arena_strndup(a, p, (size_t)(eq - p));
    out->value = arena_strndup(a, v, vlen);
    out->value_len = vlen;
    *nomem = !out->name || !out->value;
    return !*nomem;
}

gh_status_t http_parse_cookies(arena_t *a, const char *s, size_t n, size_t max_pairs,
                               http_pairs_t *out)
{
    size_t cap = count_pieces(s, n, ';');
    cap = cap < max_pairs ? cap : max_pairs;
    http_pair_t *items = NULL;
    if (cap > 0 && !(items = arena_alloc(a, cap * sizeof *items)))
        return GH_ERR_NOMEM;
    size_t k = 0;
    bool nomem = false;
    const char *p;
    for (size_t pos = 0; pos < n;) {
        size_t len = next_piece(s, n, ';', &pos, &p);
        for (; len > 0 && (*p == ' ' || *p == '\t'); len--)
            p++;
        for (; len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'); len--)
            ;
        http_pair_t pair;
        if (!cookie_piece(a, p, len, &pair, &nomem)) {
            if (nomem)
                return GH_ERR_NOMEM;
            continue;
        }
        if (k == cap)
            return GH_ERR_TOO_LARGE;
        items[k++] = pair;
    }
    out->items = items;
    out->count = k;
    return GH_OK;
}

const char *http_request_header(const http_request_t *req, const char *name)
{
    return http_pairs_get_ci(&req->headers, name);
}

const char *http_request_cookie(const http_request_t *req, const char *name)
{
    return http_pairs_get(&req->cookies, name);
}

/* The credentials after "<scheme> " in an Authorization value (RFC 9110
 * §11.4: the scheme is case-insensitive), "" for a bare scheme, or NULL when
 * the value uses another scheme. Exactly one space is accepted. */
static const char *scheme_value(const char *h, const char *scheme)
{
    size_t n = strlen(scheme);
    if (strncasecmp(h, scheme, n) != 0 || (h[n] != ' ' && h[n] != '\0'))
        return NULL;
    return h[n] ? h + n + 1 : h + n;
}

static bool is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* Base64-decodes the credentials of a Basic header: "user-id:password" with
 * no control characters (RFC 7617 §2). */
static gh_status_t basic_credentials(arena_t *a, const char *cred, const char **out, size_t *len)
{
    size_t n = strlen(cred);
    size_t cap = n / 4 * 3 + 1;
    unsigned char *raw = arena_alloc(a, cap);
    if (!raw)
        return GH_ERR_NOMEM;
    if (b64_decode(cred, n, raw, cap, len) != GH_OK)
        return GH_ERR_INVALID;
    for (size_t i = 0; i < *len; i++) {
        if (is_ctl(raw[i]))
            return GH_ERR_INVALID;
    }
    *out = (const char *)raw;
    return GH_OK;
}

gh_status_t http_request_basic_auth(const http_request_t *req, const char **user,
                                    const char **password)
{
    const char *h = http_request_header(req, "Authorization");
    const char *cred = h ? scheme_value(h, "Basic") : NULL;
    if (!cred)
        return GH_ERR_NOT_FOUND;
    const char *s = NULL;
    size_t len = 0;
    gh_status_t st = basic_credentials(req->arena, cred, &s, &len);
    const char *colon = st == GH_OK ? memchr(s, ':', len) : NULL;
    if (st == GH_OK && !colon)
        st = GH_ERR_INVALID;
    /* RFC 6749 §2.3.1: both parts are form-urlencoded before base64. */
    char *u = NULL, *p = NULL;
    size_t ulen = 0, plen = 0;
    if (st == GH_OK)
        st = pct_decode(req->arena, s, (size_t)(colon - s), true, &u, &ulen);
    if (st == GH_OK)
        st = pct_decode(req->arena, colon + 1, len - (size_t)(colon - s) - 1, true, &p, &plen);
    if (st != GH_OK)
        return st;
    *user = u;
    *password = p;
    return GH_OK;
}

/* RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
static const char B64TOKEN_CHARS[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";

static bool is_b64token(const char *t)
{
    size_t n = strspn(t, B64TOKEN_CHARS); /* glibc: one table, then a word at a time */
    if (n == 0)
        return false;
    n += strspn(t + n, "=");
    return t[n] == '\0';
}

const char *http_request_token(const http_request_t *req, const char *scheme)
{
    const char *h = http_request_header(req, "Authorization");
    const char *token = h ? scheme_value(h, scheme) : NULL;
    return token && is_b64token(token) ? token : NULL;
}

const char *http_request_bearer(const http_request_t *req)
{
    return http_request_token(req, "Bearer");
}
