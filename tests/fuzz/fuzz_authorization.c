/* Fuzzes the Authorization header readers: http_request_basic_auth (base64,
 * then form-decoding of each part, RFC 7617 and RFC 6749 §2.3.1) and
 * http_request_bearer (RFC 6750 §2.1), on a request that holds the input as
 * its one header. Checks that a Bearer token is the end of the header and
 * that the Basic parts are whole C strings. */
#include "fuzz.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *value = a ? fuzz_cstr(a, data, size) : NULL;
    if (!value) {
        arena_free(a);
        return 0;
    }
    http_pair_t header = {"Authorization", value, strlen(value)};
    http_request_t req = {.arena = a, .headers = {&header, 1}};
    const char *user = NULL, *password = NULL;
    if (http_request_basic_auth(&req, &user, &password) == GH_OK)
        FUZZ_CHECK(user && password && strlen(user) + strlen(password) < header.value_len);
    const char *token = http_request_bearer(&req);
    if (token) {
        FUZZ_CHECK(*token != '\0');
        FUZZ_CHECK(token > value && token + strlen(token) == value + header.value_len);
    }
    arena_free(a);
    return 0;
}
