/* A member's sign-in sessions and grants (admin.h): listing and revoking,
 * one or all. Revoking a grant ends its consent, its codes, its refresh
 * families and, through the denylist, their access tokens. */
#include <string.h>

#include "admin/admin_int.h"
#include "core/clock.h"
#include "oauth/audit.h"
#include "oauth/server.h"

/* 404 when member sub does not exist. */
static bool member_exists(const admin_ctx_t *ctx, const char *sub, admin_error_t *err)
{
    store_user_t u;
    gh_status_t st = store_user_get(ctx->store, ctx->arena, sub, &u);
    return st == GH_OK ? true : admin_store_fail(err, ctx->arena, st, "member", sub);
}

bool admin_sessions_list(const admin_ctx_t *ctx, const char *sub, json_t **out, admin_error_t *err)
{
    store_session_t *list = NULL;
    size_t n = 0;
    if (!member_exists(ctx, sub, err))
        return false;
    gh_status_t st = store_session_list(ctx->store, ctx->arena, sub, clock_now(), &list, &n);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, json_pack("{s:s, s:I, s:I}", "id", list[i].digest, "auth_time",
                                               (json_int_t)list[i].auth_time, "expires_at",
                                               (json_int_t)list[i].expires_at));
    *out = admin_page_json(items, NULL);
    return *out ? true : admin_fail(err, ctx->arena, 500, NULL, "out of memory");
}

bool admin_sessions_revoke(const admin_ctx_t *ctx, const char *sub, const char *id,
                           admin_error_t *err)
{
    if (!member_exists(ctx, sub, err))
        return false;
    gh_status_t st = GH_OK;
    if (id) {
        st = oauth_session_end(ctx->store, ctx->cfg, ctx->arena, sub, id);
    } else {
        store_session_t *list = NULL;
        size_t n = 0;
        st = store_session_list(ctx->store, ctx->arena, sub, clock_now(), &list, &n);
        for (size_t i = 0; st == GH_OK && i < n; i++)
            if ((st = oauth_session_end(ctx->store, ctx->cfg, ctx->arena, sub, list[i].digest)) ==
                GH_ERR_NOT_FOUND)
                st = GH_OK; /* ended meanwhile */
    }
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "session", id ? id : "*");
    admin_audit(ctx, "session.revoke", sub,
                audit_details(ctx->arena, "session", id ? id : "all", NULL));
    return true;
}

bool admin_grants_list(const admin_ctx_t *ctx, const char *sub, json_t **out, admin_error_t *err)
{
    store_grant_t *list = NULL;
    size_t n = 0;
    if (!member_exists(ctx, sub, err))
        return false;
    gh_status_t st = store_grant_list(ctx->store, ctx->arena, sub, clock_now(), &list, &n);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(
            items, json_pack("{s:s, s:s*, s:I, s:I, s:I}", "client_id", list[i].client_id, "scope",
                             list[i].scope, "consented_at", (json_int_t)list[i].consented_at,
                             "refresh_families", (json_int_t)list[i].refresh_families,
                             "refresh_expires_at", (json_int_t)list[i].refresh_expires_at));
    *out = admin_page_json(items, NULL);
    return *out ? true : admin_fail(err, ctx->arena, 500, NULL, "out of memory");
}

/* Whether member sub has given client_id anything. */
static bool has_grant(const admin_ctx_t *ctx, const char *sub, const char *client_id,
                      admin_error_t *err)
{
    store_grant_t *list = NULL;
    size_t n = 0;
    gh_status_t st = store_grant_list(ctx->store, ctx->arena, sub, clock_now(), &list, &n);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i].client_id, client_id))
            return true;
    return admin_fail(err, ctx->arena, 404, NULL, "member '%s' has no grant for client '%s'", sub,
                      client_id);
}

bool admin_grants_revoke(const admin_ctx_t *ctx, const char *sub, const char *client_id,
                         admin_error_t *err)
{
    if (!member_exists(ctx, sub, err) || (client_id && !has_grant(ctx, sub, client_id, err)))
        return false;
    int64_t now = clock_now();
    gh_status_t st =
        store_consent_revoke(ctx->store, sub, client_id, now, oauth_revoke_until(ctx->cfg, now));
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    admin_audit(ctx, "consent.revoke", sub,
                audit_details(ctx->arena, "client_id", client_id ? client_id : "all", NULL));
    return true;
}

bool admin_links_list(const admin_ctx_t *ctx, const char *sub, json_t **out, admin_error_t *err)
{
    store_link_t *list = NULL;
    size_t n = 0;
    if (!member_exists(ctx, sub, err))
        return false;
    gh_status_t st = oauth_member_links(ctx->store, ctx->arena, sub, &list, &n);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items,
                              json_pack("{s:s, s:s, s:s*, s:I}", "platform", list[i].platform,
                                        "subject", list[i].subject, "email", list[i].email,
                                        "linked_at", (json_int_t)list[i].created_at));
    *out = admin_page_json(items, NULL);
    return *out ? true : admin_fail(err, ctx->arena, 500, NULL, "out of memory");
}

bool admin_links_remove(const admin_ctx_t *ctx, const char *sub, const char *platform,
                        admin_error_t *err)
{
    store_user_t u;
    gh_status_t st = store_user_get(ctx->store, ctx->arena, sub, &u);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    st = ctx->config ? oauth_member_unlink(ctx->store, ctx->config, ctx->arena, &u, platform)
                     : GH_ERR_INTERNAL;
    if (st == GH_ERR_NOT_FOUND)
        return admin_fail(err, ctx->arena, 404, NULL, "member '%s' has no link to '%s'", sub,
                          platform);
    if (st == GH_ERR_CONFLICT)
        return admin_fail(err, ctx->arena, 409, NULL,
                          "unlinking '%s' would leave member '%s' no way to sign in", platform,
                          sub);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    admin_audit(ctx, "link.remove", sub, audit_details(ctx->arena, "platform", platform, NULL));
    return true;
}
