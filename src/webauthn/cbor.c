/* CBOR for WebAuthn through libcbor: a shape check with libcbor's streaming
 * decoder first (definite lengths, declared sizes within the input, a depth
 * limit), so that cbor_load never allocates for lengths the input cannot hold
 * nor recurses deeply when the item is freed; then lookups in the loaded
 * maps. CTAP2's canonical CBOR uses definite lengths only (CTAP2 §8). */
#include <string.h>

#include "webauthn/webauthn_int.h"

typedef struct {
    size_t children; /* of the item just decoded: array items, map keys and values */
    bool bad;        /* an indefinite length */
    bool collection;
} shape_t;

static void on_array(void *ctx, size_t n)
{
    shape_t *s = ctx;
    s->children = n;
    s->collection = true;
}

static void on_map(void *ctx, size_t n)
{
    shape_t *s = ctx;
    s->children = n > SIZE_MAX / 2 ? SIZE_MAX : 2 * n;
    s->collection = true;
}

static void on_tag(void *ctx, uint64_t tag)
{
    shape_t *s = ctx;
    s->children = 1;
    s->collection = true;
}

static void on_indefinite(void *ctx)
{
    ((shape_t *)ctx)->bad = true;
}

static struct cbor_callbacks shape_callbacks(void)
{
    struct cbor_callbacks cb = cbor_empty_callbacks;
    cb.array_start = on_array;
    cb.map_start = on_map;
    cb.tag = on_tag;
    cb.indef_array_start = on_indefinite;
    cb.indef_map_start = on_indefinite;
    cb.byte_string_start = on_indefinite;
    cb.string_start = on_indefinite;
    cb.indef_break = on_indefinite;
    return cb;
}

/* Walks the first item of p header by header; *used gets its size. */
static bool shape_ok(const uint8_t *p, size_t len, size_t *used, const char **why)
{
    struct cbor_callbacks cb = shape_callbacks();
    size_t left[WA_CBOR_MAX_DEPTH + 1] = {1};
    int top = 0;
    size_t off = 0;
    while (top >= 0) {
        shape_t s = {0};
        struct cbor_decoder_result r = cbor_stream_decode(p + off, len - off, &cb, &s);
        if (r.status != CBOR_DECODER_FINISHED || s.bad) {
            *why = "malformed CBOR";
            return false;
        }
        off += r.read;
        left[top]--;
        if (s.collection && s.children > 0) {
            if (s.children > len - off || top == WA_CBOR_MAX_DEPTH) {
                *why = "malformed CBOR: a length past the end, or nested too deep";
                return false;
            }
            left[++top] = s.children;
        }
        while (top >= 0 && left[top] == 0)
            top--;
    }
    *used = off;
    return true;
}

cbor_item_t *wa_cbor_load(const uint8_t *p, size_t len, size_t *used, const char **why)
{
    size_t n = 0;
    if (!p || len == 0) {
        *why = "empty CBOR";
        return NULL;
    }
    if (!shape_ok(p, len, &n, why))
        return NULL;
    struct cbor_load_result r;
    cbor_item_t *item = cbor_load(p, n, &r);
    if (!item || r.read != n) {
        if (item)
            cbor_decref(&item);
        *why = "malformed CBOR";
        return NULL;
    }
    *used = n;
    return item;
}

bool wa_cbor_int(const cbor_item_t *item, int64_t *out)
{
    if (!item || (!cbor_isa_uint(item) && !cbor_isa_negint(item)))
        return false;
    uint64_t v = cbor_get_int(item);
    if (v > INT64_MAX)
        return false;
    *out = cbor_isa_uint(item) ? (int64_t)v : -1 - (int64_t)v;
    return true;
}

bool wa_cbor_bytes(const cbor_item_t *item, const uint8_t **p, size_t *n)
{
    if (!item || !cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item))
        return false;
    *p = cbor_bytestring_handle(item);
    *n = cbor_bytestring_length(item);
    return true;
}

bool wa_cbor_text_is(const cbor_item_t *item, const char *s)
{
    size_t n = strlen(s);
    return item && cbor_isa_string(item) && cbor_string_is_definite(item) &&
           cbor_string_length(item) == n && !memcmp(cbor_string_handle(item), s, n);
}

/* The one value whose key matches; NULL when none or several do. */
static cbor_item_t *map_find(const cbor_item_t *map,
                             bool (*match)(const cbor_item_t *, const void *), const void *key)
{
    if (!map || !cbor_isa_map(map) || !cbor_map_is_definite(map))
        return NULL;
    struct cbor_pair *pairs = cbor_map_handle(map);
    cbor_item_t *found = NULL;
    for (size_t i = 0; i < cbor_map_size(map); i++) {
        if (!match(pairs[i].key, key))
            continue;
        if (found)
            return NULL; /* a repeated key: refused as ambiguous */
        found = pairs[i].value;
    }
    return found;
}

static bool int_matches(const cbor_item_t *item, const void *key)
{
    int64_t v;
    return wa_cbor_int(item, &v) && v == *(const int64_t *)key;
}

static bool text_matches(const cbor_item_t *item, const void *key)
{
    return wa_cbor_text_is(item, key);
}

cbor_item_t *wa_cbor_map_int(const cbor_item_t *map, int64_t key)
{
    return map_find(map, int_matches, &key);
}

cbor_item_t *wa_cbor_map_text(const cbor_item_t *map, const char *key)
{
    return map_find(map, text_matches, key);
}
