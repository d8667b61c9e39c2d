/* Fuzzes http_parse_cookies, the Cookie header parser (RFC 6265 §5.4).
 * Checks that what it keeps is what RFC 6265 §4.1.1 allows: a token name and
 * a value of cookie-octets, never more pairs than asked for. */
#include "fuzz.h"
#include "http/http.h"
#include "http/http_int.h"

/* The limit the HTTP layer uses. */
#define MAX_COOKIES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    http_pairs_t p = {0};
    if (a && http_parse_cookies(a, (const char *)data, size, MAX_COOKIES, &p) == GH_OK) {
        FUZZ_CHECK(p.count <= MAX_COOKIES);
        for (size_t i = 0; i < p.count; i++) {
            const http_pair_t *c = &p.items[i];
            FUZZ_CHECK(http_is_token(c->name, strlen(c->name)));
            FUZZ_CHECK(strlen(c->value) == c->value_len);
            FUZZ_CHECK(http_is_cookie_value(c->value, c->value_len));
        }
    }
    arena_free(a);
    return 0;
}
