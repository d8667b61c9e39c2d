/* A flat JSON object written straight into a buffer, with jansson's compact
 * text (see jsonw.h). */
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
static bool plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
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
