/* Fuzzes scope_parse (RFC 6749 §3.3 scope lists, from authorize and token
 * requests). Checks: at most SCOPE_MAX_ITEMS distinct items of scope-token
 * characters, and joining them gives a list that parses to the same items. */
#include "fuzz.h"
#include "oauth/oauth_int.h"

/* RFC 6749 §3.3 scope-token characters, stated independently of scope.c:
 * visible ASCII but the double quote and the backslash. */
static bool scope_char(unsigned char c)
{
    return c > ' ' && c < 0x7f && c != '"' && c != '\\';
}

static void check_items(const scope_list_t *l)
{
    FUZZ_CHECK(l->count <= SCOPE_MAX_ITEMS);
    for (size_t i = 0; i < l->count; i++) {
        FUZZ_CHECK(*l->items[i] != '\0');
        for (const char *c = l->items[i]; *c; c++)
            FUZZ_CHECK(scope_char((unsigned char)*c));
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(l->items[i], l->items[j]) != 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *s = a ? fuzz_cstr(a, data, size) : NULL;
    scope_list_t l, again;
    if (s && scope_parse(a, s, &l) == GH_OK) {
        check_items(&l);
        const char *joined = scope_join(a, &l);
        gh_status_t st = joined ? scope_parse(a, joined, &again) : GH_ERR_NOMEM;
        FUZZ_CHECK(st == GH_OK || st == GH_ERR_NOMEM);
        if (st == GH_OK)
            FUZZ_CHECK(again.count == l.count && scope_subset(&l, &again));
    }
    arena_free(a);
    return 0;
}
