/* Fuzzes request_object_params (RFC 9101 request objects: a verified JWT's
 * claims turned into authorization parameters) on arbitrary JSON. Checks:
 * at most 48 parameters, none of them a JWT claim (iss, aud, exp, iat, nbf,
 * jti, sub), each value a NUL-terminated string of at most 4096 bytes whose
 * length is value_len, and only strings, whole numbers and arrays of
 * strings accepted. */
#include <jansson.h>

#include "fuzz.h"
#include "oauth/oauth_int.h"

static bool acceptable(const json_t *v)
{
    if (json_is_string(v) || json_is_integer(v))
        return true;
    if (!json_is_array(v) || json_array_size(v) == 0)
        return false;
    for (size_t i = 0; i < json_array_size(v); i++)
        if (!json_is_string(json_array_get(v, i)))
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const JWT_CLAIMS[] = {"iss", "aud", "exp", "iat", "nbf", "jti", "sub", NULL};
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    json_t *claims = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    http_pairs_t out;
    if (a && json_is_object(claims) && request_object_params(claims, a, &out)) {
        FUZZ_CHECK(out.count <= 48);
        for (size_t i = 0; i < out.count; i++) {
            for (const char *const *c = JWT_CLAIMS; *c; c++)
                FUZZ_CHECK(strcmp(out.items[i].name, *c) != 0);
            FUZZ_CHECK(strlen(out.items[i].value) == out.items[i].value_len);
            FUZZ_CHECK(out.items[i].value_len <= 4096);
            FUZZ_CHECK(acceptable(json_object_get(claims, out.items[i].name)));
        }
    }
    json_decref(claims);
    arena_free(a);
    return 0;
}
