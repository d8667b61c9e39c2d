/* The MFA keys, which seal TOTP secrets at rest (docs/mfa.md): the current
 * one from [server] mfa_secret_key when set (then a copy of the database
 * alone does not open the secrets), else from a secret generated once and
 * kept in the store's settings, as the CSRF key is; and, during a rotation,
 * the keys secrets may still be sealed under, which only open them
 * (mfa_secret_key_previous, and the generated secret once mfa_secret_key is
 * set). Each is SHA-256 over a purpose label and its secret, so it is used
 * for nothing else. */
#include <string.h>

#include "core/secret.h"
#include "mfa/mfa.h"
#include "store/settings.h"

#define STORED_NAME "mfa_key" /* the generated secret's name in the settings */

static gh_status_t derive(arena_t *a, const char *secret, unsigned char key[32])
{
    char *in = arena_printf(a, "gatehouse mfa key\n%s", secret);
    if (!in)
        return GH_ERR_NOMEM;
    secret_sha256(in, strlen(in), key);
    secret_wipe(in, strlen(in));
    return GH_OK;
}

gh_status_t mfa_keys_load(store_t *store, arena_t *a, const char *configured, const char *previous,
                          mfa_keys_t *out)
{
    *out = (mfa_keys_t){0};
    const char *secret = configured, *stored = NULL;
    gh_status_t st = configured ? store_setting_get(store, a, STORED_NAME, &stored)
                                : store_setting_secret(store, a, STORED_NAME, &secret);
    if (st == GH_ERR_NOT_FOUND)
        st = GH_OK; /* configured from the start: nothing to move from */
    if (st == GH_OK)
        st = derive(a, secret, out->current);
    if (st == GH_OK && previous &&
        (st = derive(a, previous, out->older[out->older_count])) == GH_OK)
        out->older_count++;
    if (st == GH_OK && stored && (st = derive(a, stored, out->older[out->older_count])) == GH_OK) {
        out->older_count++;
        out->stored_older = true;
    }
    return st;
}

gh_status_t mfa_keys_forget_stored(store_t *store)
{
    return store_setting_delete(store, STORED_NAME);
}
