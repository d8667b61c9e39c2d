/* Fuzzes user_code_normalize, which reads the device flow's user code as a
 * person typed it (RFC 8628 §6.1). Checks: a normalised code is eight
 * letters of the code alphabet, and normalising it again changes nothing. */
#include "fuzz.h"
#include "oauth/oauth_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *s = a ? fuzz_cstr(a, data, size) : NULL;
    char code[USER_CODE_LEN + 1], again[USER_CODE_LEN + 1];
    if (s && user_code_normalize(s, code) == GH_OK) {
        FUZZ_CHECK(strlen(code) == USER_CODE_LEN);
        FUZZ_CHECK(strspn(code, "BCDFGHJKLMNPQRSTVWXZ") == USER_CODE_LEN);
        FUZZ_CHECK(user_code_normalize(code, again) == GH_OK && strcmp(code, again) == 0);
    }
    arena_free(a);
    return 0;
}
