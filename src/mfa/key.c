/* The MFA key, which seals TOTP secrets at rest (docs/mfa.md): from [server]
 * mfa_secret_key when set (then a copy of the database alone does not open
 * the secrets), else from a secret generated once and kept in the store's
 * settings, as the CSRF key is. SHA-256 over a purpose label and the secret,
 * so the key is used for nothing else. */
#include <string.h>

#include "core/encoding.h"
#include "core/secret.h"
#include "mfa/mfa.h"

gh_status_t mfa_key_load(store_t *store, arena_t *a, const char *configured, unsigned char key[32])
{
    const char *secret = configured;
    gh_status_t st = GH_OK;
    if (!secret) {
        unsigned char raw[32];
        char hex[65];
        st = secret_random(raw, sizeof raw);
        hex_encode(raw, sizeof raw, hex);
        secret_wipe(raw, sizeof raw);
        if (st == GH_OK)
            st = store_setting_init(store, a, "mfa_key", hex, &secret);
        secret_wipe(hex, sizeof hex);
    }
    if (st != GH_OK)
        return st;
    char *in = arena_printf(a, "gatehouse mfa key\n%s", secret);
    if (!in)
        return GH_ERR_NOMEM;
    secret_sha256(in, strlen(in), key);
    secret_wipe(in, strlen(in));
    return GH_OK;
}
