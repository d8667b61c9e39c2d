/* A member's platform links outside a request (`gatehouse user links`,
 * `user unlink`, `user remove`): removing a link, refused when it is the
 * member's last way to sign in (no password and no other link), and
 * unlinking at the platform as the gateway's revoke does, with the tokens
 * the server sealed at the first sign-in. Unlinking at the platform is best
 * effort: a platform that is down, no longer configured or refusing is
 * logged, never an error, so that removing a member is never blocked by a
 * third party. The account page (member_unlink_served) applies the same
 * rule with the running server's platforms. */
#include <stdatomic.h>
#include <string.h>

#include "core/log.h"
#include "core/secret.h"
#include "httpc/httpc.h"
#include "oauth/oauth_int.h"
#include "oauth/server.h"

/* The platforms and the seal key, for calls outside the server. */
typedef struct {
    platform_set_t *set;
    unsigned char seal_key[32];
} unlinker_t;

static gh_status_t unlinker_open(store_t *store, const config_t *cfg, arena_t *a, unlinker_t *u)
{
    char err[256] = "", prefix[1024];
    const char *stored = NULL;
    unsigned char csrf_key[32];
    platform_site_t site;
    *u = (unlinker_t){0};
    federate_site(cfg, prefix, sizeof prefix, &site);
    gh_status_t st = store_setting_get(store, a, "csrf_key", &stored);
    if (st != GH_OK) /* no server ever ran on this store: nothing was sealed either */
        return st;
    secret_sha256(stored, strlen(stored), csrf_key);
    oauth_key_derive(csrf_key, FED_KEY_SEAL, u->seal_key);
    secret_wipe(csrf_key, sizeof csrf_key);
    st = platform_set_new(cfg, NULL, &site, &u->set, err, sizeof err);
    if (st != GH_OK)
        log_event(LOG_WARN, "unlink_skipped", "why", err[0] ? err : gh_status_str(st), NULL);
    else if (u->set->count)
        st = httpc_init();
    return st;
}

static void unlinker_close(unlinker_t *u)
{
    platform_set_free(u->set);
    secret_wipe(u->seal_key, sizeof u->seal_key);
}

/* Unlinks l at its platform; logs what happened. */
static void unlink_at_platform(const unlinker_t *u, arena_t *a, const store_link_t *l)
{
    platform_t *p = platform_set_find(u->set, l->platform);
    platform_tokens_t t;
    platform_error_t pe = {PLATFORM_ERR_INTERNAL, "the link keeps no tokens"};
    const char *aad = federate_seal_aad(a, l->platform, l->subject);
    gh_status_t st = p ? GH_OK : GH_ERR_NOT_FOUND;
    if (!p)
        pe.message = "the platform is no longer configured";
    if (st == GH_OK)
        st = l->tokens && aad ? platform_tokens_open(a, u->seal_key, aad, l->tokens, &t)
                              : GH_ERR_NOT_FOUND;
    if (st == GH_OK)
        st = platform_unlink(a, p, &t, &pe);
    if (st == GH_OK)
        log_event(LOG_INFO, "platform_unlinked", "platform", l->platform, NULL);
    else
        log_event(LOG_WARN, "platform_unlink_failed", "platform", l->platform, "message",
                  pe.message, NULL);
}

/* Removes member's link to platform (*removed: the link as it was), unless
 * it is the member's last way to sign in: no password and no other link
 * (GH_ERR_CONFLICT). GH_ERR_NOT_FOUND when there is no such link. */
static gh_status_t remove_link(store_t *store, arena_t *a, const store_user_t *member,
                               const char *platform, store_link_t *removed)
{
    store_link_t *links = NULL, *found = NULL;
    size_t n = 0;
    gh_status_t st = store_links_of(store, a, member->sub, &links, &n);
    for (size_t i = 0; st == GH_OK && i < n; i++)
        if (!strcmp(links[i].platform, platform))
            found = &links[i];
    if (st != GH_OK)
        return st;
    if (!found)
        return GH_ERR_NOT_FOUND;
    if (n == 1 && !strcmp(member->password_hash, STORE_NO_PASSWORD))
        return GH_ERR_CONFLICT; /* its last way to sign in */
    if ((st = store_link_remove(store, member->sub, platform)) != GH_OK)
        return st;
    *removed = *found;
    return GH_OK;
}

gh_status_t oauth_member_unlink(store_t *store, const config_t *cfg, arena_t *a,
                                const store_user_t *member, const char *platform)
{
    store_link_t removed;
    gh_status_t st = remove_link(store, a, member, platform, &removed);
    if (st != GH_OK)
        return st;
    unlinker_t u;
    if (unlinker_open(store, cfg, a, &u) == GH_OK)
        unlink_at_platform(&u, a, &removed);
    unlinker_close(&u);
    return GH_OK;
}

gh_status_t member_unlink_served(const http_request_t *req, const store_user_t *member,
                                 const char *platform)
{
    app_t *app = app_of(req);
    store_link_t removed;
    gh_status_t st = remove_link(app->store, req->arena, member, platform, &removed);
    if (st != GH_OK)
        return st;
    /* the server's own platforms and seal key, as its sign-ins use them */
    unlinker_t u = {.set = atomic_load(&app->platforms)};
    memcpy(u.seal_key, app->fed_seal_key, sizeof u.seal_key);
    unlink_at_platform(&u, req->arena, &removed);
    secret_wipe(u.seal_key, sizeof u.seal_key);
    return GH_OK;
}

gh_status_t oauth_member_links(store_t *store, arena_t *a, const char *sub, store_link_t **out,
                               size_t *count)
{
    return store_links_of(store, a, sub, out, count);
}

void oauth_member_unlink_all(const store_link_t *links, size_t count, store_t *store,
                             const config_t *cfg, arena_t *a)
{
    unlinker_t u;
    if (count && unlinker_open(store, cfg, a, &u) == GH_OK)
        for (size_t i = 0; i < count; i++)
            unlink_at_platform(&u, a, &links[i]);
    if (count)
        unlinker_close(&u);
}
