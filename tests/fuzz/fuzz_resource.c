/* Fuzzes resource_read (RFC 8707 resource parameters, from authorize, PAR
 * and token requests) on an arbitrary form body. Checks: at most
 * RESOURCE_MAX_COUNT distinct items, each an absolute URI without fragment
 * (uri_is_resource, and stated here again: a scheme, ':', no '#', no space
 * or control byte), every one of them a resource parameter of the form. */
#include <ctype.h>

#include "fuzz.h"
#include "core/uri.h"
#include "oauth/oauth_int.h"

static bool plainly_absolute(const char *v)
{
    const char *colon = strchr(v, ':');
    if (!colon || colon == v || !isalpha((unsigned char)v[0]) || !colon[1] || strchr(v, '#'))
        return false;
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    http_pairs_t form;
    resource_list_t l;
    oauth_error_t err;
    if (a && http_parse_form(a, (const char *)data, size, 64, &form) == GH_OK) {
        if (resource_read(&form, &l, &err)) {
            FUZZ_CHECK(l.count <= RESOURCE_MAX_COUNT);
            for (size_t i = 0; i < l.count; i++) {
                FUZZ_CHECK(uri_is_resource(l.items[i]) && plainly_absolute(l.items[i]));
                for (size_t j = 0; j < i; j++)
                    FUZZ_CHECK(strcmp(l.items[i], l.items[j]) != 0);
            }
            const char *joined = resource_join(a, &l);
            FUZZ_CHECK(!joined || !l.count || strlen(joined) > 0);
        } else {
            FUZZ_CHECK(err.kind == OAUTH_ERR_INVALID_TARGET);
        }
    }
    arena_free(a);
    return 0;
}
