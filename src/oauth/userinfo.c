/* GET|POST /oauth2/v1/userinfo (OpenID Connect Core §5.3): the bearer token
 * from the Authorization header, a form body or the query (RFC 6750 §2.1–2.3;
 * seed 001 shows the query form) — exactly one of them. The token must be one
 * of our live access tokens (access_token_verify: typ at+jwt, our issuer and
 * audience, not expired, not revoked) and carry the openid scope. */
#include <strings.h>

#include "core/clock.h"
#include "oauth/oauth_int.h"
#include "oidc/oidc.h"

/* Whether an Authorization header uses the Bearer scheme (case-insensitive,
 * RFC 9110 §11.1), whatever follows. */
static bool bearer_scheme(const char *auth)
{
    return auth && !strncasecmp(auth, "Bearer", 6) && (auth[6] == ' ' || auth[6] == '\0');
}

/* The one presented token, or NULL with err set; *dpop when it came with
 * the DPoP scheme (RFC 9449 §7.1). */
static const char *presented_token(const http_request_t *req, bool *dpop, oauth_error_t *err)
{
    const char *dpop_token = http_request_token(req, DPOP_HEADER);
    const char *header = dpop_token ? dpop_token : http_request_bearer(req);
    *dpop = dpop_token != NULL;
    const char *form = http_pairs_get(&req->form, "access_token");
    const char *query = http_pairs_get(&req->query, "access_token");
    int ways = (header != NULL) + (form != NULL) + (query != NULL);
    if (ways > 1) {
        oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "more than one way of presenting the token");
        return NULL;
    }
    const char *token = header ? header : form ? form : query;
    if (token && *token)
        return token;
    if (bearer_scheme(http_request_header(req, "Authorization")))
        oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "malformed Authorization header");
    else /* none, or another scheme: no authentication we know (RFC 6750 §3.1) */
        oauth_fail(err, OAUTH_ERR_TOKEN_MISSING, "an access token is required");
    return NULL;
}

/* The member the token speaks for, read with the token's revocation and
 * its client (for the sub that client sees) in one statement (one round
 * trip to the database); *sub the member's sub as the client sees it. */
static bool token_user(http_request_t *req, json_t *claims, const char *jti, const char *family,
                       store_user_t *user, const char **sub, oauth_error_t *err)
{
    app_t *app = app_of(req);
    const char *token_sub = json_string_value(json_object_get(claims, "sub"));
    const char *client_id = json_string_value(json_object_get(claims, "client_id"));
    bool revoked = true;
    store_client_t client;
    gh_status_t st = store_user_for_token(app->store, req->arena, token_sub ? token_sub : "", jti,
                                          family, client_id, clock_now(), user, &revoked, &client);
    if (st == GH_ERR_NOT_FOUND)
        return oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "the user no longer exists");
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    if (revoked)
        return oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "the access token has been revoked");
    /* the sub the token's client sees: pairwise for a pairwise client */
    *sub = client_id && !client.id
               ? NULL
               : oauth_subject(app, req->arena, client_id ? &client : NULL, user->sub);
    if (!*sub)
        return oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "the client no longer exists");
    return client_origin_check(req, client_id ? &client : NULL, err);
}

static bool answer(http_request_t *req, http_response_t *res, oauth_error_t *err)
{
    bool dpop = false;
    const char *token = presented_token(req, &dpop, err), *jti = NULL, *family = NULL;
    json_t *claims = NULL;
    if (!token || !access_token_claims(req, token, &claims, &jti, &family, err) ||
        !dpop_resource_check(req, res, token, dpop, claims, err))
        return false;
    if (!access_token_audience_has(claims, app_of(req)->cfg->issuer)) /* RFC 8707 */
        return oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "the access token is for another resource");
    scope_list_t scope;
    const char *scope_text = json_string_value(json_object_get(claims, "scope"));
    if (!scope_text || scope_parse(req->arena, scope_text, &scope) != GH_OK ||
        !scope_has(&scope, "openid")) {
        /* a revoked token is invalid before it is insufficient */
        if (!access_token_not_revoked(req, jti, family, err))
            return false;
        return oauth_fail(err, OAUTH_ERR_INSUFFICIENT_SCOPE, "the token lacks the openid scope");
    }
    store_user_t user;
    const char *sub = NULL;
    if (!token_user(req, claims, jti, family, &user, &sub, err))
        return false;
    oidc_release_t release = oidc_release_of(&app_of(req)->scopes, scope.items, scope.count);
    buf_t b;
    buf_init(&b, req->arena);
    oidc_userinfo_write(&b, &user, sub, &release);
    http_response_json_text(res, 200, &b);
    return true;
}

void userinfo_handler(http_request_t *req, http_response_t *res)
{
    oauth_error_t err = {OAUTH_ERR_SERVER_ERROR, NULL};
    if (!answer(req, res, &err))
        oauth_error_respond(req, res, OAUTH_AT_RESOURCE, &err);
}

const http_param_spec_t USERINFO_PARAMS[] = {{"access_token", JOSE_MAX_TOKEN}, {NULL, 0}};
