/* Fuzzes the reading of Client ID Metadata Documents (oauth/client_document.c,
 * outside.c): the first line of the input is the client_id URL, the second
 * the answer's Cache-Control, the rest the document. Checks: a URL taken as
 * a document's has a host without '/', '@' or a port; a max-age read is
 * within its cap; a document accepted is the URL's own, for a client with no
 * secret (public, or with keys), only the code and refresh grants, redirect
 * URIs, and never the admin scope; nothing crashes or leaks. */
#include "admin/admin.h"
#include "fuzz.h"
#include "oauth/oauth_int.h"
#include "oauth/server.h"

/* The next line of *s (NULL at the end), cut off in place. */
static char *line(char **s)
{
    char *start = *s, *nl = start ? strchr(start, '\n') : NULL;
    if (nl)
        *nl = '\0';
    *s = nl ? nl + 1 : NULL;
    return start;
}

static void check_document(arena_t *a, const char *url, const char *body)
{
    store_client_t cl;
    const char *why = NULL;
    if (!client_document_parse(a, url, body, strlen(body), admin_client_document_check, &cl,
                               &why)) {
        FUZZ_CHECK(why && *why);
        return;
    }
    FUZZ_CHECK(!strcmp(cl.id, url) && !cl.secret_digest);
    FUZZ_CHECK(cl.is_public || cl.jwks || cl.jwks_uri);
    FUZZ_CHECK(
        !(cl.grants & ~(unsigned)(STORE_GRANT_AUTHORIZATION_CODE | STORE_GRANT_REFRESH_TOKEN)));
    FUZZ_CHECK(cl.redirect_uri_count > 0 && !strstr(cl.scope, OAUTH_ADMIN_SCOPE));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *s = a ? fuzz_cstr(a, data, size) : NULL;
    if (s) {
        const char *url = line(&s), *cc = line(&s), *body = s ? s : "";
        if (client_document_url_valid(url)) {
            const char *host = client_document_host(a, url);
            FUZZ_CHECK(host && *host && !strpbrk(host, "/@?#"));
            FUZZ_CHECK(host[0] == '[' || !strchr(host, ':'));
        }
        long max_age = -1;
        outside_cache_t kind = outside_cache_control(cc, &max_age);
        FUZZ_CHECK(kind != OUTSIDE_CACHE_MAX_AGE ||
                   (max_age >= 0 && max_age <= OUTSIDE_MAX_AGE_CAP));
        check_document(a, url, body);
    }
    arena_free(a);
    return 0;
}
