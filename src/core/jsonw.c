/* A flat JSON object written straight into a buffer, with jansson's compact
 * text, and read back from exactly that form (see jsonw.h). */
#include "core/jsonw.h"

#include <string.h>

static int append_to_buf(const char *p, size_t n, void *data)
{
    buf_t *b = data;
    buf_append(b, p, n);
    return b->failed ? -1 : 0;
}

void jsonw_dump(buf_t *b, const json_t *v)
{
    if (!v || json_dump_callback(v, append_to_buf, b, JSON_COMPACT | JSON_ENCODE_ANY) != 0)
        b->failed = true;
}

/* Printable ASCII other than '"' and '\\': what a JSON string carries as is. */
static bool plain_byte(unsigned char c)
{
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
}

static bool plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!plain_byte((unsigned char)s[i]))
            return false;
    }
    return true;
}

static void put_string(buf_t *b, const char *s, size_t n)
{
    if (!plain(s, n)) {
        json_t *v = json_stringn(s, n);
        jsonw_dump(b, v);
        json_decref(v);
        return;
    }
    buf_putc(b, '"');
    buf_append(b, s, n);
    buf_putc(b, '"');
}

static void put_key(jsonw_t *w, const char *key)
{
    if (w->more)
        buf_putc(w->b, ',');
    w->more = true;
    put_string(w->b, key, strlen(key));
    buf_putc(w->b, ':');
}

void jsonw_begin(jsonw_t *w, buf_t *b)
{
    *w = (jsonw_t){.b = b, .more = false};
    buf_putc(b, '{');
}

void jsonw_end(jsonw_t *w)
{
    buf_putc(w->b, '}');
}

void jsonw_string(jsonw_t *w, const char *key, const char *value)
{
    if (!value) {
        w->b->failed = true; /* as json_string(NULL) fails */
        return;
    }
    put_key(w, key);
    put_string(w->b, value, strlen(value));
}

void jsonw_int(jsonw_t *w, const char *key, int64_t value)
{
    char digits[24], *p = digits + sizeof digits;
    uint64_t u = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (value < 0)
        *--p = '-';
    put_key(w, key);
    buf_append(w->b, p, (size_t)(digits + sizeof digits - p));
}

void jsonw_bool(jsonw_t *w, const char *key, bool value)
{
    put_key(w, key);
    buf_puts(w->b, value ? "true" : "false");
}

void jsonw_value(jsonw_t *w, const char *key, const json_t *value)
{
    put_key(w, key);
    if (json_is_string(value))
        put_string(w->b, json_string_value(value), json_string_length(value));
    else
        jsonw_dump(w->b, value);
}

/* ---- reading the canonical form back ---- */

typedef struct {
    const char *p, *end;
} cursor_t;

static bool take(cursor_t *c, char ch)
{
    if (c->p == c->end || *c->p != ch)
        return false;
    c->p++;
    return true;
}

/* A string of plain bytes: *s and *len without the quotes. */
static bool read_plain(cursor_t *c, const char **s, size_t *len)
{
    if (!take(c, '"'))
        return false;
    const char *start = c->p;
    while (c->p < c->end && *c->p != '"') {
        if (!plain_byte((unsigned char)*c->p++))
            return false;
    }
    if (!take(c, '"'))
        return false;
    *s = start;
    *len = (size_t)(c->p - 1 - start);
    return true;
}

/* At most 18 digits always fit an int64_t. */
#define READ_MAX_DIGITS 18

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool read_int(cursor_t *c, json_int_t *v)
{
    bool negative = take(c, '-');
    const char *start = c->p;
    int64_t x = 0;
    while (c->p < c->end && is_digit(*c->p) && c->p - start < READ_MAX_DIGITS)
        x = x * 10 + (*c->p++ - '0');
    size_t digits = (size_t)(c->p - start);
    if (digits == 0 || (c->p < c->end && is_digit(*c->p)) || (digits > 1 && *start == '0') ||
        (negative && x == 0))
        return false; /* none, too many, a leading zero, or -0 */
    *v = negative ? -x : x;
    return true;
}

static json_t *read_value(cursor_t *c)
{
    const char *s;
    size_t n;
    json_int_t v;
    if (c->p < c->end && *c->p == '"')
        return read_plain(c, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
    return read_int(c, &v) ? json_integer(v) : NULL;
}

static bool read_member(cursor_t *c, json_t *obj)
{
    const char *key;
    size_t n;
    if (!read_plain(c, &key, &n) || !take(c, ':') || json_object_getn(obj, key, n))
        return false; /* not a key, or one already read */
    json_t *v = read_value(c);
    return v && json_object_setn_new_nocheck(obj, key, n, v) == 0;
}

bool jsonw_read(const char *text, size_t n, json_t **out)
{
    cursor_t c = {text, text + n};
    json_t *obj = take(&c, '{') ? json_object() : NULL;
    bool ok = obj != NULL;
    if (ok && !take(&c, '}')) {
        do
            ok = read_member(&c, obj);
        while (ok && take(&c, ','));
        ok = ok && take(&c, '}');
    }
    if (!ok || c.p != c.end) {
        json_decref(obj);
        return false;
    }
    *out = obj;
    return true;
}
