/* Recovery codes: MFA_RECOVERY_COUNT single-use codes of
 * MFA_RECOVERY_DIGITS random digits (about 66 bits each), shown once, kept
 * only as digests. A code this long is out of reach of guessing even offline,
 * so a plain SHA-256 (over a label, the member and the code: no two members'
 * digests compare) is enough; no slow hash is needed. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/secret.h"
#include "mfa/mfa.h"

void mfa_recovery_digest(const char *sub, const char *digits, char out[65])
{
    char in[256];
    size_t n = (size_t)snprintf(in, sizeof in, "gatehouse recovery\n%s\n%s", sub, digits);
    secret_sha256_hex(in, n < sizeof in ? n : sizeof in - 1, out);
    secret_wipe(in, sizeof in);
}

/* One code's digits, uniformly random (rejection sampling of bytes). */
static gh_status_t random_digits(char out[MFA_RECOVERY_DIGITS + 1])
{
    for (size_t i = 0; i < MFA_RECOVERY_DIGITS;) {
        unsigned char byte;
        gh_status_t st = secret_random(&byte, 1);
        if (st != GH_OK)
            return st;
        if (byte < 250) /* 250 = 25 * 10: no digit more likely than another */
            out[i++] = (char)('0' + byte % 10);
    }
    out[MFA_RECOVERY_DIGITS] = '\0';
    return GH_OK;
}

gh_status_t mfa_recovery_new(arena_t *a, const char *sub, char ***shown, char ***digests)
{
    char **s = arena_alloc(a, MFA_RECOVERY_COUNT * sizeof *s);
    char **d = arena_alloc(a, MFA_RECOVERY_COUNT * sizeof *d);
    if (!s || !d)
        return GH_ERR_NOMEM;
    for (size_t i = 0; i < MFA_RECOVERY_COUNT; i++) {
        char digits[MFA_RECOVERY_DIGITS + 1];
        gh_status_t st = random_digits(digits);
        if (st != GH_OK)
            return st;
        buf_t b;
        buf_init(&b, a);
        for (size_t j = 0; j < MFA_RECOVERY_DIGITS; j += 4)
            buf_printf(&b, "%s%.4s", j ? "-" : "", digits + j);
        s[i] = (char *)buf_cstr(&b);
        d[i] = arena_alloc(a, 65);
        if (!s[i] || !d[i])
            return GH_ERR_NOMEM;
        mfa_recovery_digest(sub, digits, d[i]);
        secret_wipe(digits, sizeof digits);
    }
    *shown = s;
    *digests = d;
    return GH_OK;
}
