/* Custom scopes from the configuration (oidc.h): each [scope.NAME] section
 * with a `claims` key releases those claims, read from the member's record
 * (a standard claim) or its custom attributes; checked once at start. */
#include <stdio.h>
#include <string.h>

#include "oidc/oidc.h"

#define PREFIX "scope."
#define SCOPE_NAME_MAX 64

typedef struct {
    const config_t *cfg;
    arena_t *a;
    oidc_scopes_t *out;
    oidc_scope_t items[OIDC_CUSTOM_SCOPE_MAX];
    size_t claims_total;
    char *err;
    size_t err_len;
    gh_status_t st;
} load_t;

static bool scope_token_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SCOPE_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E)))
            return false;
    }
    return true;
}

static bool fail(load_t *l, const char *section, const char *fmt, const char *what)
{
    char line[256];
    snprintf(line, sizeof line, fmt, what);
    snprintf(l->err, l->err_len, "%s.claims: %s", section, line);
    l->st = GH_ERR_INVALID;
    return false;
}

/* The space-separated claim names of text into sc, each checked. */
static bool read_claims(load_t *l, const char *section, const char *text, oidc_scope_t *sc)
{
    const char *p = text;
    sc->claims = arena_alloc(l->a, OIDC_CUSTOM_CLAIM_MAX * sizeof *sc->claims);
    if (!sc->claims)
        return (l->st = GH_ERR_NOMEM, false);
    while (*p) {
        size_t n = strcspn(p, " \t,");
        if (n) {
            char *name = arena_strndup(l->a, p, n);
            if (!name)
                return (l->st = GH_ERR_NOMEM, false);
            if (!oidc_claim_name_valid(name))
                return fail(l, section,
                            "'%s' is not a claim name (1-64 of A-Z a-z 0-9 _ . : - starting with "
                            "a letter)",
                            name);
            if (oidc_claim_protocol(name))
                return fail(l, section, "'%s' is a protocol claim no scope may release", name);
            if (sc->claim_count == OIDC_CUSTOM_CLAIM_MAX ||
                ++l->claims_total > OIDC_CUSTOM_CLAIM_MAX)
                return fail(l, section, "at most %s claims in all custom scopes", "32");
            sc->claims[sc->claim_count++] = name;
        }
        p += n;
        p += *p != '\0';
    }
    if (!sc->claim_count)
        return fail(l, section, "%s", "names no claim");
    return true;
}

static void on_section(const char *section, void *ctx)
{
    load_t *l = ctx;
    if (l->st != GH_OK)
        return;
    const char *claims = config_get(l->cfg, section, "claims");
    if (!claims)
        return;
    const char *name = section + strlen(PREFIX);
    if (!scope_token_valid(name)) {
        fail(l, section, "'%s' is not a scope name (1-64 characters of RFC 6749 §3.3)", name);
        return;
    }
    if (oidc_scope_standard(name) || !strcmp(name, "offline_access")) {
        fail(l, section, "'%s' is a standard scope; its claims are fixed", name);
        return;
    }
    if (l->out->count == OIDC_CUSTOM_SCOPE_MAX) {
        fail(l, section, "at most %s custom scopes", "32");
        return;
    }
    oidc_scope_t sc = {.name = arena_strdup(l->a, name)};
    if (!sc.name) {
        l->st = GH_ERR_NOMEM;
        return;
    }
    if (read_claims(l, section, claims, &sc))
        l->items[l->out->count++] = sc;
}

gh_status_t oidc_scopes_load(const config_t *cfg, arena_t *a, oidc_scopes_t *out, char *err,
                             size_t err_len)
{
    load_t *l = arena_alloc(a, sizeof *l);
    *out = (oidc_scopes_t){NULL, 0};
    if (!l)
        return GH_ERR_NOMEM;
    *l = (load_t){.cfg = cfg, .a = a, .out = out, .err = err, .err_len = err_len, .st = GH_OK};
    if (cfg)
        config_each_section(cfg, PREFIX, on_section, l);
    if (l->st == GH_OK && out->count) {
        out->items = arena_alloc(a, out->count * sizeof *out->items);
        if (!out->items)
            return GH_ERR_NOMEM;
        memcpy(out->items, l->items, out->count * sizeof *out->items);
    }
    if (l->st != GH_OK)
        *out = (oidc_scopes_t){NULL, 0};
    return l->st;
}
