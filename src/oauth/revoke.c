/* POST /oauth2/v1/revoke (RFC 7009): a client hands back one of its tokens.
 * A refresh token takes its whole grant with it (its rotation family and the
 * access tokens issued from it, RFC 7009 §2.1); an access token (a
 * self-contained JWT) goes on the denylist by jti until its own exp. A
 * token that is unknown, malformed, expired, already revoked or another
 * client's changes nothing and gets the same 200 (RFC 7009 §2.1, §2.2), so
 * the answer tells nobody whether a token exists. */
#include "core/clock.h"
#include "core/log.h"
#include "oauth/oauth_int.h"

gh_status_t revoke_grant(app_t *app, const char *family)
{
    int64_t now = clock_now();
    gh_status_t st = store_jti_revoke(app->store, family,
                                      now + app->cfg->access_token_ttl + GRANT_REVOKE_MARGIN, now);
    return st == GH_OK ? store_refresh_revoke_family(app->store, family) : st;
}

int64_t oauth_revoke_until(const config_server_t *cfg, int64_t now)
{
    return now + cfg->access_token_ttl + GRANT_REVOKE_MARGIN;
}

gh_status_t oauth_user_end_all(store_t *store, const config_server_t *cfg, const char *sub,
                               const char *keep_session)
{
    gh_status_t st = logout_user_ended(store, sub); /* before the sessions go */
    if (st != GH_OK)
        return st;
    int64_t now = clock_now();
    return store_user_end_all(store, sub, now, oauth_revoke_until(cfg, now), keep_session);
}

gh_status_t revoke_consent(app_t *app, const char *sub, const char *client_id)
{
    int64_t now = clock_now();
    return store_consent_revoke(app->store, sub, client_id, now, oauth_revoke_until(app->cfg, now));
}

/* Verified claims: jti is a non-empty string and exp an integer. */
static gh_status_t deny_access_token(store_t *store, const json_t *claims)
{
    const char *jti = json_string_value(json_object_get(claims, "jti"));
    json_int_t exp = json_integer_value(json_object_get(claims, "exp"));
    return store_jti_revoke(store, jti, exp, clock_now());
}

static bool revoke(http_request_t *req, oauth_error_t *err)
{
    store_client_t client;
    found_token_t found;
    if (!presented_take(req, false, false, &client, &found, err))
        return false;
    gh_status_t st = GH_OK;
    if (found.kind == FOUND_REFRESH)
        st = revoke_grant(app_of(req), found.refresh.family);
    else if (found.kind == FOUND_ACCESS)
        st = deny_access_token(app_of(req)->store, found.claims);
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    if (found.kind != FOUND_NONE)
        log_event(LOG_INFO, "revoked", "client_id", client.id, "token",
                  found.kind == FOUND_REFRESH ? "refresh_token" : "access_token", NULL);
    return true;
}

void revoke_handler(http_request_t *req, http_response_t *res)
{
    oauth_error_t err = {OAUTH_ERR_SERVER_ERROR, NULL};
    if (!revoke(req, &err)) {
        oauth_error_respond(req, res, OAUTH_AT_TOKEN, &err);
        return;
    }
    http_response_text(res, 200, ""); /* RFC 7009 §2.2: the body is empty */
    http_response_header(res, "Cache-Control", "no-store");
}
