/* Fuzzes uri_is_valid_redirect, the check of the redirect URIs a client
 * registers (the server later compares them byte for byte, RFC 9700 §2.1),
 * uri_append_param, how the server adds code and state to one, and
 * uri_same_origin, which reads a browser's Origin header against them.
 *
 * Checks what the header promises of a valid URI: http or https, at most
 * URI_MAX_LEN bytes, no fragment, no user information, no space or control
 * byte; and that adding a parameter to a valid URI keeps it valid. The rest
 * of the input after a first newline is the parameter's value, and the
 * Origin: one taken as the URI's is an http(s) origin alone (nothing after
 * the host and port, no user information) and its own. */
#include <strings.h>

#include "core/buf.h"
#include "core/uri.h"
#include "fuzz.h"

static void check_valid(const char *uri)
{
    size_t n = strlen(uri);
    FUZZ_CHECK(n <= URI_MAX_LEN);
    FUZZ_CHECK(!strncmp(uri, "http://", 7) || !strncmp(uri, "https://", 8));
    for (const char *c = uri; *c; c++)
        FUZZ_CHECK(*c > ' ' && *c < 0x7f && *c != '#');
    const char *authority = strstr(uri, "//") + 2;
    size_t authority_len = strcspn(authority, "/?");
    FUZZ_CHECK(authority_len > 0 && !memchr(authority, '@', authority_len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *value = NULL;
    char *uri = a ? fuzz_split(a, data, size, '\n', &value) : NULL;
    if (uri && uri_is_valid_redirect(uri)) {
        check_valid(uri);
        buf_t b;
        buf_init(&b, a);
        buf_puts(&b, uri);
        uri_append_param(&b, "state", value);
        const char *with = buf_cstr(&b);
        FUZZ_CHECK(with && (!value || with[strlen(uri)] == '?' || with[strlen(uri)] == '&'));
        FUZZ_CHECK(strlen(with) > URI_MAX_LEN || uri_is_valid_redirect(with));
    }
    if (uri && value && uri_same_origin(uri, value)) {
        FUZZ_CHECK(!strncasecmp(value, "http://", 7) || !strncasecmp(value, "https://", 8));
        FUZZ_CHECK(!strpbrk(strstr(value, "//") + 2, "/?#@") && uri_same_origin(value, value));
    }
    arena_free(a);
    return 0;
}
