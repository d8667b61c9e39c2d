/* Pairwise subject identifiers (OpenID Connect Core §8.1, oidc.h): the
 * sector of a client (the one host of its redirect URIs) and the sub a
 * member has there, a keyed hash that only this server can compute. */
#include <string.h>

#include "core/secret.h"
#include "oidc/oidc.h"

/* The host of uri ("scheme://[userinfo@]host[:port]/..."), lower-cased into
 * out; false when it has none (a private-use scheme without "//"). */
static bool uri_host(const char *uri, char *out, size_t size)
{
    const char *p = strstr(uri, "://");
    if (!p)
        return false;
    p += 3;
    size_t n = strcspn(p, "/?#");
    const char *at = memchr(p, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    if (n && p[0] == '[') { /* an IPv6 literal: up to the bracket */
        const char *end = memchr(p, ']', n);
        n = end ? (size_t)(end + 1 - p) : 0;
    } else {
        const char *colon = memchr(p, ':', n);
        if (colon)
            n = (size_t)(colon - p);
    }
    if (n == 0 || n >= size)
        return false;
    for (size_t i = 0; i < n; i++)
        out[i] = (p[i] >= 'A' && p[i] <= 'Z') ? (char)(p[i] - 'A' + 'a') : p[i];
    out[n] = '\0';
    return true;
}

oidc_sector_t oidc_sector_of(const char *const *uris, size_t count, char *out, size_t size)
{
    if (count == 0)
        return OIDC_SECTOR_NONE;
    char host[OIDC_SECTOR_MAX];
    for (size_t i = 0; i < count; i++) {
        if (!uri_host(uris[i], host, sizeof host))
            return OIDC_SECTOR_NO_HOST;
        if (i == 0 && strlen(host) < size)
            memcpy(out, host, strlen(host) + 1);
        else if (strcmp(out, host) != 0)
            return OIDC_SECTOR_MIXED;
    }
    return OIDC_SECTOR_OK;
}

void oidc_pairwise_sub(const unsigned char key[32], const char *sector, const char *sub,
                       char out[OIDC_PAIRWISE_SUB_LEN + 1])
{
    char input[OIDC_SECTOR_MAX + 1 + 256];
    size_t ns = strlen(sector), nu = strlen(sub);
    if (ns >= OIDC_SECTOR_MAX || nu >= 256) {
        out[0] = '\0';
        return;
    }
    /* the sector cannot hold a newline, so the input splits one way only */
    memcpy(input, sector, ns);
    input[ns] = '\n';
    memcpy(input + ns + 1, sub, nu);
    secret_hmac_hex(key, 32, input, ns + 1 + nu, out);
}
