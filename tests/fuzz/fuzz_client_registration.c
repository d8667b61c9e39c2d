/* Fuzzes the parser of dynamic client registrations (RFC 7591, admin.h's
 * admin_registration_read). The first byte chooses the policy (odd: open,
 * even: with an initial access token), the rest is the body. Checks: an
 * accepted registration keeps the client_id the server chose, never has the
 * admin scope, and when open is a public client with authorization_code /
 * refresh_token only and the safe scopes; a refused one answers
 * invalid_redirect_uri or invalid_client_metadata with status 400 (413 over
 * the size limit); nothing crashes or leaks. */
#include <jansson.h>

#include "admin/admin.h"
#include "fuzz.h"

#define ID "0123456789abcdef0123456789abcdef"

/* Whether scope has the scope-token name. */
static bool has_scope(const char *scope, const char *name)
{
    for (const char *p = scope; *p; p += strcspn(p, " "), p += *p == ' ')
        if (strcspn(p, " ") == strlen(name) && !strncmp(p, name, strlen(name)))
            return true;
    return false;
}

static bool safe_scope(const char *scope)
{
    static const char *const SAFE[] = {"openid", "profile", "email", "offline_access"};
    for (const char *p = scope; *p; p += strcspn(p, " "), p += *p == ' ') {
        size_t n = strcspn(p, " "), i = 0;
        while (i < 4 && !(strlen(SAFE[i]) == n && !strncmp(SAFE[i], p, n)))
            i++;
        if (i == 4)
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    admin_client_in_t in;
    admin_error_t err = {0};
    json_t *accepted = NULL;
    const char *code = NULL;
    if (!a || size == 0) {
        arena_free(a);
        return 0;
    }
    bool open = data[0] & 1;
    if (admin_registration_read(a, (const char *)data + 1, size - 1, open, ID, &in, &accepted,
                                &code, &err)) {
        const store_client_t *cl = &in.client;
        FUZZ_CHECK(accepted && !strcmp(cl->id, ID) && !in.secret);
        FUZZ_CHECK(!has_scope(cl->scope, "gatehouse:admin"));
        FUZZ_CHECK(!open || (cl->is_public && !cl->jwks && !cl->jwks_uri &&
                             !cl->backchannel_logout_uri && !cl->frontchannel_logout_uri));
        FUZZ_CHECK(!open || !(cl->grants & ~(unsigned)(STORE_GRANT_AUTHORIZATION_CODE |
                                                       STORE_GRANT_REFRESH_TOKEN)));
        FUZZ_CHECK(!open || safe_scope(cl->scope));
        FUZZ_CHECK(!cl->id_token_claims && cl->resource_count == 0);
    } else {
        FUZZ_CHECK(!accepted && code && err.detail);
        FUZZ_CHECK(!strcmp(code, "invalid_redirect_uri") ||
                   !strcmp(code, "invalid_client_metadata"));
        FUZZ_CHECK(err.status == 400 || err.status == 413);
        FUZZ_CHECK(!err.field || strstr(err.detail, err.field) == err.detail); /* still readable */
    }
    arena_free(a);
    return 0;
}
