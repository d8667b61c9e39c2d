/* Fuzzes gw_login_body_parse, the gateway's reading of the browser's login
 * body {"code","state"[,"iss"]} (seed 002, RFC 9207). Checks: what it
 * accepts are two non-empty strings within their bounds, and iss absent or
 * one more. */
#include "fuzz.h"
#include "gateway/gateway_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    const char *code = NULL, *state = NULL, *iss = NULL;
    if (a && gw_login_body_parse(a, (const char *)data, size, &code, &state, &iss) == GH_OK) {
        FUZZ_CHECK(code && *code && strlen(code) <= GW_MAX_CODE);
        FUZZ_CHECK(state && *state && strlen(state) <= GW_MAX_STATE);
        FUZZ_CHECK(!iss || (*iss && strlen(iss) <= GW_MAX_ISS));
    }
    arena_free(a);
    return 0;
}
