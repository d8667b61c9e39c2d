/* Fuzzes mfa_code_parse, which reads what a person typed in the
 * second-factor box (a TOTP code or a recovery code), and the TOTP check
 * behind it. Checks: an accepted input is six or twenty digits and parses
 * again to the same; nothing past MFA_CODE_INPUT_MAX is accepted; a parsed
 * TOTP code goes through mfa_totp_match without harm. */
#include "fuzz.h"
#include "mfa/mfa.h"

static const unsigned char SEED[] = "12345678901234567890";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char out[MFA_RECOVERY_DIGITS + 1], again[MFA_RECOVERY_DIGITS + 1];
    mfa_code_kind_t kind, kind2;
    if (mfa_code_parse((const char *)data, size, &kind, out) != GH_OK)
        return 0;
    size_t n = strlen(out);
    FUZZ_CHECK(size <= MFA_CODE_INPUT_MAX);
    FUZZ_CHECK(strspn(out, "0123456789") == n);
    FUZZ_CHECK(kind == MFA_CODE_TOTP ? n == MFA_TOTP_DIGITS : n == MFA_RECOVERY_DIGITS);
    FUZZ_CHECK(mfa_code_parse(out, n, &kind2, again) == GH_OK && kind2 == kind &&
               strcmp(out, again) == 0);
    if (kind == MFA_CODE_TOTP) {
        int64_t step = 0;
        (void)mfa_totp_match(SEED, 20, out, 59, 0, &step);
    }
    return 0;
}
