/* Fuzzes the checks of the "check your profile" page's fields
 * (federate_nickname_ok, federate_email_ok): the input up to its first
 * newline is the nickname, the rest the e-mail address. Checks: what is
 * accepted is within its bounds, holds no control byte, and an accepted
 * address is empty or has exactly one '@' with something on each side. */
#include <stdlib.h>

#include "core/encoding.h"
#include "fuzz.h"
#include "oauth/oauth_int.h"

static bool no_control(const char *s, bool space_ok)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20 || *c == 0x7f || (!space_ok && *c == ' '))
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    size_t n = nl ? (size_t)(nl - (const char *)data) : size;
    char *nickname = strndup((const char *)data, n);
    char *email = nl ? strndup(nl + 1, size - n - 1) : strdup("");
    if (nickname && federate_nickname_ok(nickname)) {
        FUZZ_CHECK(*nickname && utf8_chars(nickname) <= NICKNAME_CHARS);
        FUZZ_CHECK(no_control(nickname, true));
        FUZZ_CHECK(strspn(nickname, " ") < strlen(nickname));
    }
    if (email && federate_email_ok(email) && *email) {
        const char *at = strchr(email, '@');
        FUZZ_CHECK(strlen(email) <= EMAIL_MAX && no_control(email, false));
        FUZZ_CHECK(at && at > email && at[1] && !strchr(at + 1, '@'));
    }
    free(nickname);
    free(email);
    return 0;
}
