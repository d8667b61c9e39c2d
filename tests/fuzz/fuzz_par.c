/* Fuzzes the pushed-request round trip (RFC 9126): an arbitrary form body
 * parsed as the PAR endpoint gets it, stored by par_encode and parsed back
 * at /auth/authorize. Checks: client_id comes first and is the client's;
 * client authentication's fields are gone; every other pair comes back
 * byte for byte, in order. */
#include "fuzz.h"
#include "oauth/oauth_int.h"

static bool dropped(const char *name)
{
    return !strcmp(name, "client_id") || !strcmp(name, "client_secret") ||
           !strcmp(name, "client_assertion") || !strcmp(name, "client_assertion_type");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    http_pairs_t in, back;
    if (a && http_parse_form(a, (const char *)data, size, PAR_MAX_PARAMS, &in) == GH_OK) {
        const char *stored = par_encode(a, "client-1", &in);
        if (stored) {
            FUZZ_CHECK(http_parse_form(a, stored, strlen(stored), PAR_MAX_PARAMS + 1, &back) ==
                       GH_OK);
            FUZZ_CHECK(back.count >= 1 && !strcmp(back.items[0].name, "client_id") &&
                       !strcmp(back.items[0].value, "client-1"));
            size_t j = 1;
            for (size_t i = 0; i < in.count; i++) {
                if (dropped(in.items[i].name))
                    continue;
                FUZZ_CHECK(j < back.count);
                FUZZ_CHECK(!strcmp(in.items[i].name, back.items[j].name));
                FUZZ_CHECK(in.items[i].value_len == back.items[j].value_len &&
                           !memcmp(in.items[i].value, back.items[j].value, in.items[i].value_len));
                j++;
            }
            FUZZ_CHECK(j == back.count);
        }
    }
    arena_free(a);
    return 0;
}
