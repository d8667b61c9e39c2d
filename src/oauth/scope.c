/* Scope lists (RFC 6749 §3.3): space-delimited, case-sensitive scope tokens of
 * %x21 / %x23-5B / %x5D-7E characters; and what a consent page lists for
 * them. */
#include <string.h>

#include "core/buf.h"
#include "oauth/oauth_int.h"
#include "oidc/oidc.h"

static bool scope_char(unsigned char c)
{
    return c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

gh_status_t scope_parse(arena_t *a, const char *s, scope_list_t *out)
{
    scope_list_t l = {.count = 0};
    const char *p = s;
    while (*p) {
        const char *start = p;
        while (*p && *p != ' ') {
            if (!scope_char((unsigned char)*p))
                return GH_ERR_INVALID;
            p++;
        }
        if (p == start)
            return GH_ERR_INVALID; /* empty item: leading, trailing or double space */
        char *item = arena_strndup(a, start, (size_t)(p - start));
        if (!item)
            return GH_ERR_NOMEM;
        if (!scope_has(&l, item)) {
            if (l.count == SCOPE_MAX_ITEMS)
                return GH_ERR_TOO_LARGE;
            l.items[l.count++] = item;
        }
        if (*p == ' ' && *++p == '\0')
            return GH_ERR_INVALID;
    }
    *out = l;
    return GH_OK;
}

bool scope_has(const scope_list_t *l, const char *scope)
{
    for (size_t i = 0; i < l->count; i++)
        if (!strcmp(l->items[i], scope))
            return true;
    return false;
}

bool scope_subset(const scope_list_t *sub, const scope_list_t *super)
{
    for (size_t i = 0; i < sub->count; i++)
        if (!scope_has(super, sub->items[i]))
            return false;
    return true;
}

const char *scope_join(arena_t *a, const scope_list_t *l)
{
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < l->count; i++) {
        if (i)
            buf_putc(&b, ' ');
        buf_puts(&b, l->items[i]);
    }
    return buf_cstr(&b);
}

void scope_union(scope_list_t *into, const scope_list_t *other)
{
    for (size_t i = 0; i < other->count && into->count < SCOPE_MAX_ITEMS; i++)
        if (!scope_has(into, other->items[i]))
            into->items[into->count++] = other->items[i];
}

/* The first granted custom scope that releases claim, or NULL. */
static const char *custom_scope_of(const oidc_scopes_t *custom, const scope_list_t *granted,
                                   const char *claim)
{
    for (size_t i = 0; custom && i < custom->count; i++) {
        const oidc_scope_t *sc = &custom->items[i];
        if (!scope_has(granted, sc->name))
            continue;
        for (size_t k = 0; k < sc->claim_count; k++)
            if (!strcmp(sc->claims[k], claim))
                return sc->name;
    }
    return NULL;
}

bool scope_consent_items(arena_t *a, const oidc_scopes_t *custom, const scope_list_t *scope,
                         ui_consent_t *page)
{
    const char **claims = arena_alloc(a, OIDC_CLAIM_MAX * sizeof *claims);
    const char **others = arena_alloc(a, SCOPE_MAX_ITEMS * sizeof *others);
    if (!claims || !others)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < scope->count; i++)
        if (!oidc_scope_releases(custom, scope->items[i]))
            others[n++] = scope->items[i];
    page->claims = claims;
    oidc_release_t release = oidc_release_of(custom, scope->items, scope->count);
    page->claim_count = oidc_released_claims(&release, claims);
    const char **by = arena_alloc(a, OIDC_CLAIM_MAX * sizeof *by);
    if (!by)
        return false;
    for (size_t i = 0; i < page->claim_count; i++)
        by[i] = custom_scope_of(custom, scope, claims[i]);
    page->claim_scopes = by;
    page->scopes = others;
    page->scope_count = n;
    return true;
}

/* The requested scope narrowed within granted (RFC 6749 §6: no new scopes);
 * NULL or absent keeps granted. */
bool scope_narrow(arena_t *a, const char *requested, const char *granted, const char **out,
                  oauth_error_t *err)
{
    scope_list_t want, have;
    if (scope_parse(a, granted, &have) != GH_OK)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    if (!requested) {
        *out = granted;
        return true;
    }
    if (scope_parse(a, requested, &want) != GH_OK)
        return oauth_fail(err, OAUTH_ERR_INVALID_SCOPE, "malformed scope");
    if (!scope_subset(&want, &have))
        return oauth_fail(err, OAUTH_ERR_INVALID_SCOPE, "scope exceeds what was granted");
    *out = scope_join(a, &want);
    return *out != NULL || oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
}
