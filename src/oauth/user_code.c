/* User codes of the device flow (RFC 8628 §6.1): eight letters from twenty
 * consonants (no vowels, so no words; no look-alikes such as 0/O, 1/I),
 * about 34.6 bits, shown as "XXXX-XXXX". What a person types back is read
 * case-insensitively and without dashes or spaces. The code lives minutes,
 * is single use, and wrong guesses are throttled; the store keeps only its
 * digest. */
#include <string.h>

#include "core/secret.h"
#include "oauth/oauth_int.h"

static const char ALPHABET[] = "BCDFGHJKLMNPQRSTVWXZ";
#define ALPHABET_LEN (sizeof ALPHABET - 1)
#define USER_CODE_INPUT_MAX 64 /* longest input looked at, spaces and dashes included */

gh_status_t user_code_new(char out[USER_CODE_DISPLAY_LEN + 1])
{
    /* rejection sampling keeps the letters uniform: 240 = 12 * 20 */
    const unsigned limit = 256 - 256 % ALPHABET_LEN;
    unsigned char pool[32];
    size_t n = 0, at = sizeof pool;
    while (n < USER_CODE_LEN) {
        if (at == sizeof pool) {
            if (secret_random(pool, sizeof pool) != GH_OK)
                return GH_ERR_CRYPTO;
            at = 0;
        }
        unsigned char b = pool[at++];
        if (b >= limit)
            continue;
        out[n < USER_CODE_LEN / 2 ? n : n + 1] = ALPHABET[b % ALPHABET_LEN]; /* skip the dash */
        n++;
    }
    out[USER_CODE_LEN / 2] = '-';
    out[USER_CODE_DISPLAY_LEN] = '\0';
    secret_wipe(pool, sizeof pool);
    return GH_OK;
}

gh_status_t user_code_normalize(const char *in, char out[USER_CODE_LEN + 1])
{
    size_t n = 0;
    if (!in || strnlen(in, USER_CODE_INPUT_MAX + 1) > USER_CODE_INPUT_MAX)
        return GH_ERR_INVALID;
    for (; *in; in++) {
        char c = *in >= 'a' && *in <= 'z' ? (char)(*in - 'a' + 'A') : *in;
        if (c == '-' || c == ' ')
            continue;
        if (n == USER_CODE_LEN || !strchr(ALPHABET, c))
            return GH_ERR_INVALID;
        out[n++] = c;
    }
    if (n != USER_CODE_LEN)
        return GH_ERR_INVALID;
    out[n] = '\0';
    return GH_OK;
}

void user_code_digest(const char normalized[USER_CODE_LEN + 1], char out[65])
{
    secret_sha256_hex(normalized, strlen(normalized), out);
}
