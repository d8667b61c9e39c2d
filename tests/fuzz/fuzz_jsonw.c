/* Fuzzes jsonw_read, the fast reader of the compact claims our own tokens
 * carry, against jansson. Checks: whatever it reads, jansson reads from the
 * same bytes to an equal object (with duplicate keys refused, as the JWT
 * reader asks); and writing that object back with jsonw gives the input byte
 * for byte, so only the canonical form jsonw writes is ever read. */
#include "core/jsonw.h"
#include "fuzz.h"

/* The object written back, member by member, in the order read. */
static const char *write_back(arena_t *a, const json_t *obj, size_t *len)
{
    buf_t b;
    jsonw_t w;
    const char *key;
    json_t *v;
    buf_init(&b, a);
    jsonw_begin(&w, &b);
    json_object_foreach((json_t *)obj, key, v) jsonw_value(&w, key, v);
    jsonw_end(&w);
    *len = b.len;
    return buf_cstr(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *fast = NULL;
    if (!jsonw_read((const char *)data, size, &fast))
        return 0;
    json_t *slow = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    FUZZ_CHECK(json_is_object(fast) && slow && json_equal(fast, slow));
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    size_t len = 0;
    const char *text = a ? write_back(a, fast, &len) : NULL;
    FUZZ_CHECK(!a || (text && len == size && memcmp(text, data, size) == 0));
    arena_free(a);
    json_decref(slow);
    json_decref(fast);
    return 0;
}
