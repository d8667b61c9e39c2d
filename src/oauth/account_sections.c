/* The account page's sections that join other features (docs/account.md):
 * the member's second factors and passkeys (mfa_factors: what the
 * second-factor step counts), and the platforms the member is linked to
 * (the federation store), each with its Unlink form, and a Link button for
 * each configured platform not linked yet (federate.c's purpose=link). The
 * page itself
 * (account.c) calls these for its hooks; ui/ writes the HTML. */
#include <stdatomic.h>
#include <string.h>

#include "oauth/oauth_int.h"
#include "oauth/passkey.h"

gh_status_t account_factors_section(const http_request_t *req, ui_lang_t lang, const char *sub,
                                    const char **out)
{
    mfa_factors_t f;
    gh_status_t st = mfa_factors(req, sub, &f);
    if (st != GH_OK)
        return st;
    const ui_account_factors_t shown = {.totp = f.totp,
                                        .recovery_left = (long)f.recovery,
                                        .passkeys = (long)f.passkeys,
                                        .passkeys_on = passkey_enabled(app_of(req))};
    *out = ui_account_factors_html(req->arena, lang, &shown);
    return *out ? GH_OK : GH_ERR_NOMEM;
}

gh_status_t account_platforms_section(const http_request_t *req, ui_lang_t lang, const char *sub,
                                      const char *csrf, const char **out)
{
    store_link_t *links = NULL;
    size_t n = 0;
    gh_status_t st = store_links_of(app_of(req)->store, req->arena, sub, &links, &n);
    if (st != GH_OK)
        return st;
    ui_account_link_t *shown = n ? arena_alloc(req->arena, n * sizeof *shown) : NULL;
    if (n && !shown)
        return GH_ERR_NOMEM;
    const platform_set_t *set = atomic_load(&app_of(req)->platforms);
    for (size_t i = 0; i < n; i++) {
        const platform_t *p = set ? platform_set_find(set, links[i].platform) : NULL;
        shown[i] = (ui_account_link_t){.platform = links[i].platform,
                                       .label = p && p->label ? p->label : links[i].platform,
                                       .email = links[i].email,
                                       .since = links[i].created_at};
    }
    size_t more_n = 0, total = set ? set->count : 0;
    ui_platform_t *more = total ? arena_alloc(req->arena, total * sizeof *more) : NULL;
    if (total && !more)
        return GH_ERR_NOMEM;
    for (size_t i = 0; i < total; i++) {
        const platform_t *p = &set->list[i];
        bool linked = false;
        for (size_t j = 0; j < n && !linked; j++)
            linked = !strcmp(links[j].platform, p->name);
        if (!linked)
            more[more_n++] = (ui_platform_t){p->name, p->label ? p->label : p->name, p->kind->name};
    }
    *out = ui_account_platforms_html(req->arena, lang, csrf, shown, n, more, more_n);
    return *out ? GH_OK : GH_ERR_NOMEM;
}
