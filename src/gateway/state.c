/* Login states: the `state` of each authorize URL (RFC 6749 §10.12) is a
 * 256-bit random value, stored only as its SHA-256 digest with the platform
 * it was made for, an expiry and, for OpenID Connect platforms, the nonce of
 * the id_token. Taking a state is atomic and single-use, so a code can be
 * redeemed once per login URL, on any instance sharing the store.
 *
 * Each state is bound to the browser that asked for it (login CSRF): the
 * answer sets the login cookie to a fresh random value and the state row
 * keeps that value's digest; taking the state demands the same cookie,
 * compared in constant time. A code and state minted in one browser and
 * replayed in another (a link sent to a victim) sign nobody in.
 *
 * The PKCE verifier (RFC 7636, sent to OpenID Connect platforms) is not
 * stored: it is HMAC(pkce_key, state) (platform_pkce_verifier), which only
 * this gateway can compute and which the browser never sees. */
#include <string.h>

#include "core/clock.h"
#include "gateway/gateway_int.h"

#define OTHER_BROWSER "this sign-in was not started in this browser; start the login again"

gh_status_t gw_state_new(const http_request_t *req, http_response_t *res, const platform_t *p,
                         const char **state, const char **nonce, gw_error_t *err)
{
    gw_app_t *app = gw_app_of(req);
    char digest[SECRET_DIGEST_HEX_LEN + 1], binding[SECRET_DIGEST_HEX_LEN + 1];
    const char *s = secret_token(req->arena);
    const char *b = secret_token(req->arena);
    const char *n = p->kind->oidc ? secret_token(req->arena) : NULL;
    if (!s || !b || (p->kind->oidc && !n))
        return gw_fail(err, GH_ERR_CRYPTO, GW_ERR_INTERNAL, "cannot make a state");
    secret_sha256_hex(s, strlen(s), digest);
    secret_sha256_hex(b, strlen(b), binding);
    store_gw_state_t row = {digest, p->name, n, clock_now() + app->state_ttl, binding};
    gh_status_t st = store_gw_state_put(app->store, &row);
    if (st != GH_OK)
        return gw_fail_store(err, st);
    if (!gw_login_cookie_set(req, res, b))
        return gw_fail(err, GH_ERR_NOMEM, GW_ERR_INTERNAL, "out of memory");
    *state = s;
    *nonce = n;
    return GH_OK;
}

gh_status_t gw_state_take(const http_request_t *req, const platform_t *p, const char *state,
                          const char **nonce, gw_error_t *err)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1], binding[SECRET_DIGEST_HEX_LEN + 1];
    store_gw_state_t row;
    const char *cookie = http_request_cookie(req, gw_login_cookie_name(req));
    if (!cookie || !*cookie)
        return gw_fail_code(err, GH_ERR_INVALID, GW_ERR_BAD_REQUEST, "state_other_browser",
                            OTHER_BROWSER);
    secret_sha256_hex(cookie, strlen(cookie), binding);
    secret_sha256_hex(state, strlen(state), digest);
    gh_status_t st =
        store_gw_state_take(gw_app_of(req)->store, req->arena, digest, clock_now(), &row);
    if (st == GH_ERR_NOT_FOUND || st == GH_ERR_CONFLICT)
        return gw_fail_code(err, st, GW_ERR_BAD_REQUEST, "state_expired",
                            "the state is unknown, expired or already used; start the login again");
    if (st != GH_OK)
        return gw_fail_store(err, st);
    if (strcmp(row.platform, p->name) != 0)
        return gw_fail_code(err, GH_ERR_INVALID, GW_ERR_BAD_REQUEST, "state_other_platform",
                            "the state was issued for another platform; start the login again");
    if (!row.binding || !secret_equal_str(row.binding, binding))
        return gw_fail_code(err, GH_ERR_INVALID, GW_ERR_BAD_REQUEST, "state_other_browser",
                            OTHER_BROWSER);
    *nonce = row.nonce;
    return GH_OK;
}

gh_status_t gw_authorize_url(const http_request_t *req, http_response_t *res, platform_t *p,
                             const char *extra_param, const char *extra_value, const char **url,
                             gw_error_t *err)
{
    platform_endpoints_t ep;
    platform_error_t pe;
    const char *state = NULL, *nonce = NULL, *challenge = NULL;
    gh_status_t st = platform_endpoints(req->arena, p, &ep, &pe);
    if (st != GH_OK)
        return gw_fail_platform(err, st, &pe);
    if ((st = gw_state_new(req, res, p, &state, &nonce, err)) != GH_OK)
        return st;
    if (p->kind->oidc &&
        !(challenge = platform_pkce_challenge(
              req->arena, platform_pkce_verifier(req->arena, gw_app_of(req)->pkce_key, state))))
        return gw_fail(err, GH_ERR_NOMEM, GW_ERR_INTERNAL, "out of memory");
    const char *extra[] = {extra_param, extra_value ? extra_value : p->scope, NULL};
    st = platform_authorize_url(req->arena, p, &ep, state, nonce, challenge,
                                extra_param ? extra : NULL, url, &pe);
    return st == GH_OK ? st : gw_fail_platform(err, st, &pe);
}
