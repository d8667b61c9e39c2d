/* Fuzzes dpop_proof_check (RFC 9449 §4.3: a DPoP proof, the DPoP header's
 * value) on arbitrary bytes: the compact JWS split, its header (typ, alg,
 * the embedded jwk, size-limited) and its claims (htm, htu, iat, jti, ath,
 * nonce). Checks: what passes names a 43-character thumbprint, a jti of
 * 1-256 bytes and an iat in the window, and was a proof for POST to the
 * token endpoint; what fails says why. */
#include <jansson.h>

#include "fuzz.h"
#include "oauth/oauth_int.h"

#define NOW 1700000000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *proof = a ? arena_alloc(a, size + 1) : NULL;
    if (proof) {
        memcpy(proof, data, size);
        proof[size] = '\0';
        dpop_expect_t x = {.method = "POST",
                           .url = "https://id.example/oauth2/v1/token",
                           .now = NOW,
                           .lifetime = 60};
        dpop_proof_t out;
        const char *why = NULL;
        dpop_verdict_t v = dpop_proof_check(a, proof, &x, &out, &why);
        if (v == DPOP_OK) {
            FUZZ_CHECK(out.jkt && strlen(out.jkt) == DPOP_JKT_LEN);
            FUZZ_CHECK(out.jti && *out.jti && strlen(out.jti) <= 256);
            FUZZ_CHECK(out.iat >= NOW - 60 && out.iat <= NOW + 5);
            FUZZ_CHECK(size <= DPOP_MAX_PROOF);
        } else {
            FUZZ_CHECK(v == DPOP_BAD && why && *why);
        }
    }
    arena_free(a);
    return 0;
}
