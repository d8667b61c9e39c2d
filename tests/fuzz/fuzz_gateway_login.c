/* Fuzzes gw_login_body_parse, the gateway's reading of the browser's login
 * body {"code","state"} (seed 002). Checks: what it accepts are two
 * non-empty strings within their bounds. */
#include "fuzz.h"
#include "gateway/gateway_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    const char *code = NULL, *state = NULL;
    if (a && gw_login_body_parse(a, (const char *)data, size, &code, &state) == GH_OK) {
        FUZZ_CHECK(code && *code && strlen(code) <= GW_MAX_CODE);
        FUZZ_CHECK(state && *state && strlen(state) <= GW_MAX_STATE);
    }
    arena_free(a);
    return 0;
}
