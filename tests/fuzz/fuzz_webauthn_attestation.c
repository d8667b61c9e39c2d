/* Fuzzes webauthn_register_verify on arbitrary attestation objects (CBOR
 * through libcbor, the authenticator data, the COSE key, the attestation
 * statement), with a clientDataJSON that passes, so every input reaches the
 * CBOR. Checks: an accepted credential has an id within its limit and a key
 * that webauthn_cose_check accepts again. */
#include "fuzz.h"
#include "webauthn/webauthn.h"

static const webauthn_rp_t RP = {.rp_id = "localhost", .origin = "http://localhost:8080"};
/* the challenge of every seed: 32 zero bytes */
static const uint8_t CHALLENGE[WEBAUTHN_CHALLENGE_LEN];
static const char CLIENT_DATA[] = "{\"type\":\"webauthn.create\",\"challenge\":"
                                  "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
                                  "\"origin\":\"http://localhost:8080\",\"crossOrigin\":false}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    webauthn_credential_t c;
    const char *why = NULL;
    int alg = 0;
    gh_status_t st = webauthn_register_verify(a, &RP, CHALLENGE, (const uint8_t *)CLIENT_DATA,
                                              sizeof CLIENT_DATA - 1, data, size, &c, &why);
    if (st == GH_OK) {
        FUZZ_CHECK(c.credential_id_len > 0 && c.credential_id_len <= WEBAUTHN_CREDENTIAL_ID_MAX);
        FUZZ_CHECK(webauthn_cose_check(c.public_key, c.public_key_len, &alg, &why) == GH_OK);
        FUZZ_CHECK(alg == c.alg);
    } else {
        FUZZ_CHECK(why != NULL);
    }
    arena_free(a);
    return 0;
}
