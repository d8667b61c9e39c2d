/* What a person types in the second-factor box: a TOTP code or a recovery
 * code, with or without the spaces and dashes they are shown with. Untrusted
 * input: every byte is looked at once, nothing longer than
 * MFA_CODE_INPUT_MAX is read (tests/fuzz/fuzz_mfa_code.c). */
#include <string.h>

#include "mfa/mfa.h"

gh_status_t mfa_code_parse(const char *in, size_t len, mfa_code_kind_t *kind,
                           char out[MFA_RECOVERY_DIGITS + 1])
{
    if (!in || len > MFA_CODE_INPUT_MAX)
        return GH_ERR_INVALID;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = in[i];
        if (ch == ' ' || ch == '-')
            continue;
        if (ch < '0' || ch > '9' || n == MFA_RECOVERY_DIGITS)
            return GH_ERR_INVALID;
        out[n++] = ch;
    }
    out[n] = '\0';
    if (n == MFA_TOTP_DIGITS)
        *kind = MFA_CODE_TOTP;
    else if (n == MFA_RECOVERY_DIGITS)
        *kind = MFA_CODE_RECOVERY;
    else
        return GH_ERR_INVALID;
    return GH_OK;
}
