/* Fuzzes gw_login_bindings, the gateway's reading of its login cookie (the
 * bindings of the logins under way in one browser, state.c), a value any
 * browser, or a page able to plant a cookie, may send. Checks: at most the
 * number asked for, each 43 base64url characters found in the input, in the
 * input's order, the newest (last) kept. */
#include "fuzz.h"
#include "gateway/gateway_int.h"

static bool base64url(const char *s)
{
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
           strlen(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *rest = NULL;
    char *value = a ? fuzz_split(a, data, size, '\n', &rest) : NULL;
    const char *out[GW_LOGIN_BINDINGS];
    for (size_t max = 1; value && max <= GW_LOGIN_BINDINGS; max++) {
        size_t n = gw_login_bindings(a, value, out, max);
        FUZZ_CHECK(n <= max);
        const char *from = value;
        for (size_t i = 0; i < n; i++) {
            FUZZ_CHECK(out[i] && strlen(out[i]) == 43 && base64url(out[i]));
            const char *at = strstr(from, out[i]);
            FUZZ_CHECK(at != NULL);
            from = at + 43;
        }
    }
    arena_free(a);
    return 0;
}
