/* Fuzzes the clientDataJSON checks on arbitrary bytes: the challenge lookup
 * and the full check. Checks: whatever passes the full check has the
 * challenge the lookup reads, and the lookup accepts it. */
#include "fuzz.h"
#include "webauthn/webauthn.h"

static const webauthn_rp_t RP = {.rp_id = "localhost", .origin = "http://localhost:8080"};
static const uint8_t CHALLENGE[WEBAUTHN_CHALLENGE_LEN];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t got[WEBAUTHN_CHALLENGE_LEN];
    const char *why = NULL;
    gh_status_t read = webauthn_client_data_challenge(data, size, got, &why);
    for (int i = 0; i < 2; i++) {
        const char *type = i ? "webauthn.get" : "webauthn.create";
        if (webauthn_client_data_check(data, size, type, CHALLENGE, &RP, &why) == GH_OK) {
            FUZZ_CHECK(read == GH_OK);
            FUZZ_CHECK(memcmp(got, CHALLENGE, sizeof got) == 0);
        }
    }
    return 0;
}
