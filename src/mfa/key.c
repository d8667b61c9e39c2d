/* The MFA keys, which seal TOTP secrets at rest (docs/mfa.md): the current
 * one from [server] mfa_secret_key when set (then a copy of the database
 * alone does not open the secrets), else from a secret generated once and
 * kept in the store's settings, as the CSRF key is; and, during a rotation,
 * the keys secrets may still be sealed under, which only open them
 * (mfa_secret_key_previous, and the generated secret once mfa_secret_key is
 * set). Each is SHA-256 over a purpose label and its secret, so it is used
 * for nothing else. The database records which key is in use (a check
 * value), so that an instance or a command with another mfa_secret_key is
 * found before it seals anything the others cannot open. */
#include <string.h>

#include "core/encoding.h"
#include "core/secret.h"
#include "mfa/mfa.h"
#include "store/settings.h"

#define STORED_NAME "mfa_key"      /* the generated secret's name in the settings */
#define CHECK_NAME "mfa_key_check" /* the check value of the key in use */

static gh_status_t derive(arena_t *a, const char *secret, unsigned char key[32])
{
    char *in = arena_printf(a, "gatehouse mfa key\n%s", secret);
    if (!in)
        return GH_ERR_NOMEM;
    secret_sha256(in, strlen(in), key);
    secret_wipe(in, strlen(in));
    return GH_OK;
}

/* The check value of key: a digest that tells keys apart and opens nothing. */
static void check_value(const unsigned char key[32], char hex[65])
{
    static const char label[] = "gatehouse mfa key check\n";
    unsigned char in[sizeof label - 1 + 32], digest[32];
    memcpy(in, label, sizeof label - 1);
    memcpy(in + sizeof label - 1, key, 32);
    secret_sha256(in, sizeof in, digest);
    hex_encode(digest, sizeof digest, hex);
    secret_wipe(in, sizeof in);
}

/* Compares the recorded check value with the keys' (records current's when
 * asked to: see mfa_keys_load) and sets out->recorded. */
static gh_status_t check_recorded(store_t *store, arena_t *a, bool record, mfa_keys_t *out)
{
    char mine[65], older[65];
    const char *stored = NULL;
    check_value(out->current, mine);
    gh_status_t st = record ? store_setting_init(store, a, CHECK_NAME, mine, &stored)
                            : store_setting_get(store, a, CHECK_NAME, &stored);
    if (st == GH_ERR_NOT_FOUND) { /* the CLI on a database no server has used */
        out->none_recorded = true;
        return GH_OK;
    }
    if (st != GH_OK)
        return st;
    out->recorded = strcmp(stored, mine) == 0;
    for (size_t i = 0; record && !out->recorded && i < out->older_count; i++) {
        check_value(out->older[i], older);
        if (strcmp(stored, older) != 0)
            continue;
        st = store_setting_replace(store, CHECK_NAME, older, mine);
        if (st == GH_ERR_NOT_FOUND) /* another instance recorded a key first: which? */
            return check_recorded(store, a, false, out);
        out->recorded = st == GH_OK;
        return st;
    }
    return GH_OK;
}

gh_status_t mfa_keys_load(store_t *store, arena_t *a, const char *configured, const char *previous,
                          bool record, mfa_keys_t *out)
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
    return st == GH_OK ? check_recorded(store, a, record, out) : st;
}

gh_status_t mfa_keys_forget_stored(store_t *store)
{
    return store_setting_delete(store, STORED_NAME);
}
