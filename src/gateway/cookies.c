/* The gateway's own session: the `access` and `refresh` cookies, each an
 * HS256 JWT under the gateway's key (jose_hs256_*), never anything of the
 * platform's.
 *
 * Claims: iss (the public URL), sub (the gateway user id), token_use
 * ("access" or "refresh": one cannot stand for the other), iat, exp and a
 * random jti. An access token is self-contained and short-lived; a refresh
 * token is honoured only while the store holds the record keyed by the
 * SHA-256 of its jti, so logout, revoke and rotation end it at once. Cookies
 * are HttpOnly, SameSite=Lax, Path=/, Secure under an https public URL, with
 * Max-Age equal to the JWT's lifetime.
 *
 * The login cookie (state.c) is set with each authorize URL and lives as long
 * as a state: a random value whose digest is stored with the state, so only
 * the browser that asked for a login URL can finish that login. Under https
 * it is named with the __Host- prefix, which a sibling host cannot plant. */
#include <string.h>

#include "core/clock.h"
#include "gateway/gateway_int.h"

#define USE_ACCESS "access"
#define USE_REFRESH "refresh"

/* A signed token for user_id with the given jti, expiring at exp. */
static const char *mint(const http_request_t *req, const char *user_id, const char *use,
                        const char *jti, int64_t exp)
{
    gw_app_t *app = gw_app_of(req);
    json_t *claims =
        jti ? json_pack("{ss ss ss sI sI ss}", "iss", app->public_url, "sub", user_id, "token_use",
                        use, "iat", (json_int_t)clock_now(), "exp", (json_int_t)exp, "jti", jti)
            : NULL;
    char *token = NULL;
    if (!claims ||
        jose_hs256_sign(app->jwt_key, sizeof app->jwt_key, req->arena, claims, &token) != GH_OK)
        token = NULL;
    json_decref(claims);
    return token;
}

gh_status_t gw_refresh_new(const http_request_t *req, gw_refresh_t *out)
{
    const char *jti = secret_token(req->arena);
    char *digest = arena_alloc(req->arena, SECRET_DIGEST_HEX_LEN + 1);
    if (!jti || !digest)
        return GH_ERR_NOMEM;
    secret_sha256_hex(jti, strlen(jti), digest);
    *out = (gw_refresh_t){jti, digest, clock_now() + gw_app_of(req)->refresh_ttl};
    return GH_OK;
}

gh_status_t gw_cookies_set(const http_request_t *req, http_response_t *res, const char *user_id,
                           const gw_refresh_t *refresh)
{
    gw_app_t *app = gw_app_of(req);
    int64_t now = clock_now();
    const char *access =
        mint(req, user_id, USE_ACCESS, secret_token(req->arena), now + app->access_ttl);
    const char *rt = mint(req, user_id, USE_REFRESH, refresh->jti, refresh->expires_at);
    if (!access || !rt ||
        !http_response_own_cookie(req, res, GW_COOKIE_ACCESS, access, app->access_ttl,
                                  gw_app_of(req)->secure_cookies) ||
        !http_response_own_cookie(req, res, GW_COOKIE_REFRESH, rt,
                                  (long)(refresh->expires_at - now),
                                  gw_app_of(req)->secure_cookies))
        return GH_ERR_NOMEM;
    return GH_OK;
}

void gw_cookies_clear(const http_request_t *req, http_response_t *res)
{
    http_response_own_cookie(req, res, GW_COOKIE_ACCESS, "", 0, gw_app_of(req)->secure_cookies);
    http_response_own_cookie(req, res, GW_COOKIE_REFRESH, "", 0, gw_app_of(req)->secure_cookies);
}

const char *gw_login_cookie_name(const http_request_t *req)
{
    return gw_app_of(req)->secure_cookies ? GW_COOKIE_LOGIN_HOST : GW_COOKIE_LOGIN;
}

bool gw_login_cookie_set(const http_request_t *req, http_response_t *res, const char *value)
{
    return http_response_own_cookie(req, res, gw_login_cookie_name(req), value,
                                    gw_app_of(req)->state_ttl, gw_app_of(req)->secure_cookies);
}

void gw_login_cookie_clear(const http_request_t *req, http_response_t *res)
{
    http_response_own_cookie(req, res, gw_login_cookie_name(req), "", 0,
                             gw_app_of(req)->secure_cookies);
}

/* The claims of a valid cookie token of the given use. */
static gh_status_t read_cookie(const http_request_t *req, const char *name, const char *use,
                               json_t **out)
{
    gw_app_t *app = gw_app_of(req);
    const char *token = http_request_cookie(req, name);
    json_t *c = NULL;
    if (!token || !*token ||
        jose_hs256_verify(app->jwt_key, sizeof app->jwt_key, req->arena, token, &c) != GH_OK)
        return GH_ERR_NOT_FOUND;
    const char *iss = json_string_value(json_object_get(c, "iss"));
    const char *u = json_string_value(json_object_get(c, "token_use"));
    const char *sub = json_string_value(json_object_get(c, "sub"));
    const char *jti = json_string_value(json_object_get(c, "jti"));
    const json_t *exp = json_object_get(c, "exp");
    if (!iss || strcmp(iss, app->public_url) || !u || strcmp(u, use) || !sub || !jti ||
        !json_is_integer(exp) || json_integer_value(exp) <= clock_now())
        return GH_ERR_NOT_FOUND;
    *out = c;
    return GH_OK;
}

gh_status_t gw_access_user(const http_request_t *req, const char **user_id, gw_error_t *err)
{
    json_t *c = NULL;
    if (read_cookie(req, GW_COOKIE_ACCESS, USE_ACCESS, &c) != GH_OK)
        return gw_fail(err, GH_ERR_NOT_FOUND, GW_ERR_UNAUTHORIZED,
                       "not signed in: the access cookie is missing, invalid or expired");
    *user_id = json_string_value(json_object_get(c, "sub"));
    return GH_OK;
}

gh_status_t gw_refresh_cookie(const http_request_t *req, const char **digest)
{
    json_t *c = NULL;
    gh_status_t st = read_cookie(req, GW_COOKIE_REFRESH, USE_REFRESH, &c);
    if (st != GH_OK)
        return st;
    const char *jti = json_string_value(json_object_get(c, "jti"));
    char *d = arena_alloc(req->arena, SECRET_DIGEST_HEX_LEN + 1);
    if (!d)
        return GH_ERR_NOMEM;
    secret_sha256_hex(jti, strlen(jti), d);
    *digest = d;
    return GH_OK;
}

/* ---- upstream tokens at rest ---- */

/* The additional data a user's sealed tokens are bound to. */
static const char *aad(const http_request_t *req, const store_gw_user_t *u)
{
    return arena_printf(req->arena, "%s\n%s", u->platform, u->platform_user_id);
}

gh_status_t gw_tokens_seal(const http_request_t *req, const store_gw_user_t *u,
                           const platform_tokens_t *t, const char **out)
{
    const char *ad = aad(req, u);
    return ad ? platform_tokens_seal(req->arena, gw_app_of(req)->seal_key, ad, t, out)
              : GH_ERR_NOMEM;
}

gh_status_t gw_tokens_open(const http_request_t *req, const store_gw_user_t *u,
                           platform_tokens_t *out)
{
    const char *ad = aad(req, u);
    if (!ad || !u->tokens)
        return GH_ERR_NOT_FOUND;
    return platform_tokens_open(req->arena, gw_app_of(req)->seal_key, ad, u->tokens, out);
}
