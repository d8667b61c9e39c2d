/* TOTP (RFC 6238) through liboath: new secrets, codes, the check window with
 * its replay rule, the otpauth:// URI, and sealing secrets at rest.
 *
 * A code is accepted for a step of now-1 .. now+1 only when that step is
 * later than the last one a code was accepted for; the caller then records
 * the step with one conditional write (store_mfa_totp_use), so of two
 * requests with the same code only one gets through. */
#include <liboath/oath.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/encoding.h"
#include "core/secret.h"
#include "mfa/mfa.h"

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ready = OATH_OK;

static void oath_start(void)
{
    oath_ready = oath_init();
}

static bool oath_ok(void)
{
    pthread_once(&oath_once, oath_start);
    return oath_ready == OATH_OK;
}

char *mfa_totp_base32(arena_t *a, const unsigned char *raw, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    if (!oath_ok() || oath_base32_encode((const char *)raw, n, &text, &len) != OATH_OK)
        return NULL;
    while (len > 0 && text[len - 1] == '=') /* otpauth:// secrets go without padding */
        len--;
    char *out = arena_strndup(a, text, len);
    secret_wipe(text, len);
    free(text);
    return out;
}

gh_status_t mfa_totp_from_base32(arena_t *a, const char *text, unsigned char **raw, size_t *n)
{
    char clean[128];
    size_t len = 0;
    for (const char *p = text; *p; p++) {
        if (*p == ' ' || *p == '=')
            continue;
        if (len == sizeof clean - 1)
            return GH_ERR_INVALID;
        clean[len++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    }
    clean[len] = '\0';
    char *out = NULL;
    size_t out_len = 0;
    if (!oath_ok() || oath_base32_decode(clean, len, &out, &out_len) != OATH_OK)
        return GH_ERR_INVALID;
    gh_status_t st = out_len >= 16 && out_len <= 64 ? GH_OK : GH_ERR_INVALID;
    unsigned char *copy = st == GH_OK ? arena_alloc(a, out_len) : NULL;
    if (st == GH_OK && !copy)
        st = GH_ERR_NOMEM;
    if (copy)
        memcpy(copy, out, out_len);
    secret_wipe(out, out_len);
    secret_wipe(clean, sizeof clean);
    free(out);
    if (st == GH_OK) {
        *raw = copy;
        *n = out_len;
    }
    return st;
}

gh_status_t mfa_totp_new(arena_t *a, unsigned char **raw, char **base32)
{
    unsigned char *r = arena_alloc(a, MFA_TOTP_SECRET_BYTES);
    if (!r)
        return GH_ERR_NOMEM;
    gh_status_t st = secret_random(r, MFA_TOTP_SECRET_BYTES);
    if (st != GH_OK)
        return st;
    char *text = mfa_totp_base32(a, r, MFA_TOTP_SECRET_BYTES);
    if (!text)
        return GH_ERR_NOMEM;
    *raw = r;
    *base32 = text;
    return GH_OK;
}

int64_t mfa_totp_step(int64_t now)
{
    return now >= 0 ? now / MFA_TOTP_STEP : -1;
}

gh_status_t mfa_totp_code(const unsigned char *secret, size_t n, int64_t step,
                          char out[MFA_TOTP_DIGITS + 1])
{
    if (!oath_ok() || step < 0)
        return GH_ERR_CRYPTO;
    int rc = oath_totp_generate((const char *)secret, n, (time_t)(step * MFA_TOTP_STEP),
                                MFA_TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME, MFA_TOTP_DIGITS, out);
    return rc == OATH_OK ? GH_OK : GH_ERR_CRYPTO;
}

bool mfa_totp_match(const unsigned char *secret, size_t n, const char *code, int64_t now,
                    int64_t last_step, int64_t *step)
{
    if (!code || strlen(code) != MFA_TOTP_DIGITS)
        return false;
    int64_t current = mfa_totp_step(now);
    bool found = false;
    for (int64_t s = current - MFA_TOTP_WINDOW; s <= current + MFA_TOTP_WINDOW; s++) {
        char expected[MFA_TOTP_DIGITS + 1];
        if (s <= last_step || mfa_totp_code(secret, n, s, expected) != GH_OK)
            continue;
        /* every candidate is compared, so the time says nothing of which matched */
        if (secret_equal(expected, MFA_TOTP_DIGITS, code, MFA_TOTP_DIGITS) && !found) {
            *step = s;
            found = true;
        }
        secret_wipe(expected, sizeof expected);
    }
    return found;
}

char *mfa_totp_uri(arena_t *a, const char *issuer_url, const char *account, const char *base32)
{
    const char *host = strstr(issuer_url, "://");
    host = host ? host + 3 : issuer_url;
    const char *issuer = arena_printf(a, "Gatehouse (%.*s)", (int)strcspn(host, "/"), host);
    if (!issuer)
        return NULL;
    buf_t b;
    buf_init(&b, a);
    buf_puts(&b, "otpauth://totp/");
    pct_encode(&b, issuer);
    buf_putc(&b, ':');
    pct_encode(&b, account);
    buf_puts(&b, "?secret=");
    buf_puts(&b, base32);
    buf_puts(&b, "&issuer=");
    pct_encode(&b, issuer);
    buf_printf(&b, "&algorithm=SHA1&digits=%d&period=%d", MFA_TOTP_DIGITS, MFA_TOTP_STEP);
    return (char *)buf_cstr(&b);
}

/* The additional data a member's sealed secret is bound to. */
static const char *seal_aad(arena_t *a, const char *sub)
{
    return arena_printf(a, "gatehouse totp\n%s", sub);
}

gh_status_t mfa_totp_seal(arena_t *a, const unsigned char key[32], const char *sub,
                          const unsigned char *raw, size_t n, char **sealed)
{
    const char *aad = seal_aad(a, sub);
    return aad ? secret_seal(a, key, aad, raw, n, sealed) : GH_ERR_NOMEM;
}

gh_status_t mfa_totp_open(arena_t *a, const unsigned char key[32], const char *sub,
                          const char *sealed, unsigned char **raw, size_t *n)
{
    const char *aad = seal_aad(a, sub);
    char *plain = NULL;
    gh_status_t st = aad ? secret_open(a, key, aad, sealed, &plain, n) : GH_ERR_NOMEM;
    if (st == GH_OK)
        *raw = (unsigned char *)plain;
    return st;
}

gh_status_t mfa_totp_open_any(arena_t *a, const mfa_keys_t *keys, const char *sub,
                              const char *sealed, unsigned char **raw, size_t *n, char **resealed)
{
    *resealed = NULL;
    gh_status_t st = mfa_totp_open(a, keys->current, sub, sealed, raw, n);
    for (size_t i = 0; i < keys->older_count && (st == GH_ERR_CRYPTO || st == GH_ERR_INVALID);
         i++) {
        if (mfa_totp_open(a, keys->older[i], sub, sealed, raw, n) == GH_OK)
            return mfa_totp_seal(a, keys->current, sub, *raw, *n, resealed);
    }
    return st;
}
