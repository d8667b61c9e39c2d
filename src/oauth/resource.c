/* Resource indicators (RFC 8707): the `resource` parameters of a request
 * (absolute URIs without fragment, at most RESOURCE_MAX_COUNT, repeats
 * ignored), checked against what a client may ask for (its registered
 * resources, exact strings) and, at the token endpoint, against what the
 * grant holds: a token request may name fewer resources than the
 * authorization did, never others. What is granted is stored newline-joined
 * (a resource never holds a newline). Every refusal is invalid_target. */
#include <string.h>

#include "core/buf.h"
#include "core/uri.h"
#include "oauth/oauth_int.h"

static bool has(const char *const *items, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(items[i], v))
            return true;
    return false;
}

bool resource_read(const http_pairs_t *p, resource_list_t *out, oauth_error_t *err)
{
    out->count = 0;
    for (size_t i = 0; p && i < p->count; i++) {
        const char *v = p->items[i].value;
        if (strcmp(p->items[i].name, "resource") != 0 || has(out->items, out->count, v))
            continue;
        if (!uri_is_resource(v))
            return oauth_fail(err, OAUTH_ERR_INVALID_TARGET,
                              "resource must be an absolute URI without fragment");
        if (out->count == RESOURCE_MAX_COUNT)
            return oauth_fail(err, OAUTH_ERR_INVALID_TARGET, "too many resources");
        out->items[out->count++] = v;
    }
    return true;
}

bool resource_allowed(const resource_list_t *want, const char *const *allowed, size_t n,
                      oauth_error_t *err)
{
    for (size_t i = 0; i < want->count; i++)
        if (!has(allowed, n, want->items[i]))
            return oauth_fail(err, OAUTH_ERR_INVALID_TARGET, "resource not allowed");
    return true;
}

const char *resource_join(arena_t *a, const resource_list_t *l)
{
    buf_t b;
    buf_init(&b, a);
    buf_puts(&b, "");
    for (size_t i = 0; i < l->count; i++) {
        if (i)
            buf_putc(&b, '\n');
        buf_puts(&b, l->items[i]);
    }
    return buf_cstr(&b);
}

/* Splits a stored, newline-joined list (NULL or "" for none). */
static bool split(arena_t *a, const char *joined, resource_list_t *out)
{
    out->count = 0;
    char *copy = joined && *joined ? arena_strdup(a, joined) : NULL;
    if (joined && *joined && !copy)
        return false;
    for (char *p = copy; p && out->count < RESOURCE_MAX_COUNT;)
        out->items[out->count++] = strsep(&p, "\n");
    return true;
}

bool resource_narrow(const http_request_t *req, const store_client_t *client, const char *granted,
                     resource_list_t *audience, oauth_error_t *err)
{
    resource_list_t held;
    if (!resource_read(&req->form, audience, err))
        return false;
    if (!split(req->arena, granted, &held))
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    if (held.count == 0) /* a grant for no resource: any the client may ask for */
        return resource_allowed(audience, client->resources, client->resource_count, err);
    if (audience->count == 0) {
        *audience = held; /* all the grant holds */
        return true;
    }
    return resource_allowed(audience, held.items, held.count, err);
}
