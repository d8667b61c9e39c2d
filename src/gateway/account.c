/* The endpoints of a signed-in user (cookie `access`): user info, the
 * re-consent URL, and revoke (unlink at the platform, then delete the local
 * account and log out). Re-consent and revoke change something and pass
 * gw_same_origin (csrf.c) first. */
#include <string.h>

#include "core/clock.h"
#include "gateway/gateway_int.h"

#define TITLE_USERINFO "user info"
#define TITLE_RECONSENT "re-consent url"
#define TITLE_REVOKE "revoke"

/* The signed-in user and its platform. */
static gh_status_t current(const http_request_t *req, store_gw_user_t *u, platform_t **p,
                           gw_error_t *err)
{
    const char *user_id = NULL;
    gh_status_t st = gw_access_user(req, &user_id, err);
    if (st != GH_OK)
        return st;
    st = store_gw_user_get(gw_app_of(req)->store, req->arena, user_id, u);
    if (st == GH_ERR_NOT_FOUND)
        return gw_fail(err, st, GW_ERR_UNAUTHORIZED, "this account no longer exists");
    if (st != GH_OK)
        return gw_fail_store(err, st);
    *p = gw_platform_find(req, u->platform);
    if (!*p)
        return gw_fail(err, GH_ERR_NOT_FOUND, GW_ERR_NOT_FOUND,
                       "the platform of this account is no longer configured");
    return GH_OK;
}

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

void gw_userinfo_handler(http_request_t *req, http_response_t *res)
{
    store_gw_user_t u;
    platform_t *p = NULL;
    gw_error_t err;
    if (current(req, &u, &p, &err) != GH_OK) {
        gw_respond_error(req, res, TITLE_USERINFO, &err);
        return;
    }
    json_t *body =
        json_pack("{so so so ss}", "email", string_or_null(u.email), "name", string_or_null(u.name),
                  "profile", string_or_null(u.profile), "platform", u.platform);
    gw_respond(req, res, TITLE_USERINFO, "user info response success", body);
}

void gw_reconsent_handler(http_request_t *req, http_response_t *res)
{
    store_gw_user_t u;
    platform_t *p = NULL;
    gw_error_t err;
    const char *url = NULL;
    gh_status_t st = gw_same_origin(req, &err);
    if (st == GH_OK)
        st = current(req, &u, &p, &err);
    if (st == GH_OK && !p->kind->reconsent_param)
        st = gw_fail(&err, GH_ERR_INVALID, GW_ERR_UNSUPPORTED,
                     arena_printf(req->arena,
                                  "%s has no separate consent screen: what is shared is decided "
                                  "when signing in",
                                  p->name));
    if (st == GH_OK)
        st = gw_authorize_url(req, res, p, p->kind->reconsent_param, p->kind->reconsent_value, &url,
                              &err);
    if (st != GH_OK) {
        gw_respond_error(req, res, TITLE_RECONSENT, &err);
        return;
    }
    const char *msg = arena_printf(req->arena, "%s re-consent url response success", p->name);
    gw_respond(req, res, TITLE_RECONSENT, msg ? msg : "re-consent url response success",
               json_string(url));
}

/* Unlinks at the platform, renewing an expired access token first. */
static gh_status_t unlink_user(const http_request_t *req, platform_t *p, const store_gw_user_t *u,
                               gw_error_t *err)
{
    platform_tokens_t t;
    platform_error_t pe;
    if (gw_tokens_open(req, u, &t) != GH_OK)
        return gw_fail(err, GH_ERR_INVALID, GW_ERR_UPSTREAM,
                       "the platform tokens of this account cannot be read; sign in again");
    gh_status_t st = platform_unlink(req->arena, p, &t, &pe);
    return st == GH_OK ? st : gw_fail_platform(err, st, &pe);
}

void gw_revoke_handler(http_request_t *req, http_response_t *res)
{
    store_gw_user_t u;
    platform_t *p = NULL;
    gw_error_t err;
    gh_status_t st = gw_same_origin(req, &err);
    if (st == GH_OK)
        st = current(req, &u, &p, &err);
    if (st == GH_OK)
        st = unlink_user(req, p, &u, &err);
    if (st == GH_OK) {
        st = store_gw_user_delete(gw_app_of(req)->store, u.id);
        st = st == GH_ERR_NOT_FOUND ? GH_OK : st;
        if (st != GH_OK)
            gw_fail_store(&err, st);
    }
    if (st != GH_OK) {
        gw_respond_error(req, res, TITLE_REVOKE, &err);
        return;
    }
    gw_cookies_clear(req, res);
    gw_respond(req, res, TITLE_REVOKE, "revoke success", NULL);
}
