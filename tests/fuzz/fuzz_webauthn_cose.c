/* Fuzzes webauthn_cose_check and webauthn_cose_verify on arbitrary COSE
 * keys. Checks: the two agree on which keys are usable (a key check refuses
 * is refused by verify as a bad key, never taken as a signature failure),
 * and no signature made by nobody verifies. */
#include "fuzz.h"
#include "webauthn/webauthn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t msg[] = "signed data";
    static const uint8_t sig[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
    const char *why = NULL;
    int alg = 0;
    gh_status_t checked = webauthn_cose_check(data, size, &alg, &why);
    gh_status_t verified = webauthn_cose_verify(data, size, msg, sizeof msg, sig, sizeof sig, &why);
    FUZZ_CHECK(verified != GH_OK);
    FUZZ_CHECK((checked == GH_OK) == (verified == GH_ERR_CRYPTO));
    if (checked == GH_OK)
        FUZZ_CHECK(alg == WEBAUTHN_ALG_ES256 || alg == WEBAUTHN_ALG_EDDSA ||
                   alg == WEBAUTHN_ALG_RS256);
    return 0;
}
