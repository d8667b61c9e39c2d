/* Fuzzes http_parse_form: query strings and application/x-www-form-urlencoded
 * bodies, the first thing every request's untrusted text goes through.
 * Checks that every decoded pair is a whole C string (no NUL inside, as the
 * parser promises) and can be found by name. */
#include "fuzz.h"
#include "http/http.h"

/* The limit the HTTP layer uses for queries and form bodies. */
#define MAX_PAIRS 128

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    http_pairs_t p = {0};
    if (a && http_parse_form(a, (const char *)data, size, MAX_PAIRS, &p) == GH_OK) {
        FUZZ_CHECK(p.count <= MAX_PAIRS);
        for (size_t i = 0; i < p.count; i++) {
            FUZZ_CHECK(strlen(p.items[i].value) == p.items[i].value_len);
            FUZZ_CHECK(http_pairs_get(&p, p.items[i].name) != NULL);
            FUZZ_CHECK(http_pairs_count(&p, p.items[i].name) >= 1);
        }
    }
    arena_free(a);
    return 0;
}
