/* PKCE (RFC 7636): only S256 is offered (plain gives no protection against a
 * stolen authorization request, RFC 9700 §2.1.1). */
#include <string.h>

#include "core/encoding.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"

bool pkce_method_supported(const char *method)
{
    return method && !strcmp(method, "S256");
}

static bool unreserved(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == '~'))
            return false;
    }
    return true;
}

bool pkce_challenge_valid(const char *challenge)
{
    /* base64url of a SHA-256 digest: exactly 43 characters (RFC 7636 §4.2) */
    return challenge && unreserved(challenge, 43, 43) && !strchr(challenge, '.') &&
           !strchr(challenge, '~');
}

bool pkce_verify(const char *challenge, const char *verifier)
{
    if (!challenge || !verifier || !unreserved(verifier, 43, 128)) /* RFC 7636 §4.1 */
        return false;
    unsigned char digest[32];
    secret_sha256(verifier, strlen(verifier), digest);
    char expected[44];
    arena_t *a = arena_new(128);
    char *enc = a ? b64url_encode(a, digest, sizeof digest) : NULL;
    bool ok = false;
    if (enc) {
        memcpy(expected, enc, 44);
        ok = secret_equal(expected, 43, challenge, strlen(challenge));
    }
    arena_free(a);
    return ok;
}
