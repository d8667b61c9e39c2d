/* Fuzzes jose_keyset_from_jwks, which reads another provider's JWKS
 * document (the gateway's OpenID platforms), on arbitrary JSON. Checks: a
 * keyset built from it publishes a JWKS of its own, and that document
 * builds a keyset again (only usable keys were kept). */
#include "fuzz.h"
#include "jose/jose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jose_keyset_t *ks = NULL, *again = NULL;
    if (jose_keyset_from_jwks((const char *)data, size, &ks) == GH_OK) {
        size_t len = 0;
        const char *jwks = jose_keyset_jwks(ks, &len);
        FUZZ_CHECK(jwks && len == strlen(jwks));
        FUZZ_CHECK(jose_keyset_from_jwks(jwks, len, &again) == GH_OK);
        FUZZ_CHECK(strcmp(jose_keyset_jwks(again, &len), jwks) == 0);
    }
    jose_keyset_free(again);
    jose_keyset_free(ks);
    return 0;
}
