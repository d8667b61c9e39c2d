/* The stored form of a client's URI lists, shared by the engines: each list
 * is one newline-joined text column. A URI never holds a raw newline, so
 * joining loses nothing; an empty or newline-holding URI is refused before it
 * can be stored (it would split into something else on the way back). */
#include "store/store_int.h"

#include <string.h>

#include "core/buf.h"

#define JOIN_ARENA_CAP (1u << 20)

static bool lines_ok(const char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!v[i] || !*v[i] || strchr(v[i], '\n'))
            return false;
    return true;
}

static const char *join_lines(arena_t *a, const char **v, size_t n)
{
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, '\n');
        buf_puts(&b, v[i]);
    }
    return buf_cstr(&b);
}

gh_status_t store_client_uris_join(const store_client_t *c, arena_t **a, const char **uris,
                                   const char **logout_uris)
{
    *a = NULL;
    if (!lines_ok(c->redirect_uris, c->redirect_uri_count) ||
        !lines_ok(c->post_logout_redirect_uris, c->post_logout_redirect_uri_count))
        return GH_ERR_INVALID;
    *a = arena_new(JOIN_ARENA_CAP);
    if (!*a)
        return GH_ERR_NOMEM;
    *uris = join_lines(*a, c->redirect_uris, c->redirect_uri_count);
    *logout_uris = join_lines(*a, c->post_logout_redirect_uris, c->post_logout_redirect_uri_count);
    return *uris && *logout_uris ? GH_OK : GH_ERR_NOMEM;
}

gh_status_t store_lines_split(arena_t *a, char *joined, const char ***out, size_t *count)
{
    size_t n = 0;
    const char **v = NULL;
    if (joined && *joined) {
        n = 1;
        for (const char *p = joined; (p = strchr(p, '\n')); p++)
            n++;
        v = arena_alloc(a, n * sizeof *v);
        if (!v)
            return GH_ERR_NOMEM;
        for (size_t i = 0; i < n; i++)
            v[i] = strsep(&joined, "\n");
    }
    *out = v;
    *count = n;
    return GH_OK;
}
