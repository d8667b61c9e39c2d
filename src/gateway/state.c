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
 * stored: it is HMAC(pkce_key, state), which only this gateway can compute
 * and which the browser never sees. */
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "gateway/gateway_int.h"

#define OTHER_BROWSER "this sign-in was not started in this browser; start the login again"

gh_status_t gw_state_new(const http_request_t *req, http_response_t *res, const gw_platform_t *p,
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

gh_status_t gw_state_take(const http_request_t *req, const gw_platform_t *p, const char *state,
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

const char *gw_pkce_verifier(const http_request_t *req, const char *state)
{
    const gw_app_t *app = gw_app_of(req);
    char *v = arena_alloc(req->arena, SECRET_DIGEST_HEX_LEN + 1);
    if (v) /* 64 hex characters: an RFC 7636 §4.1 verifier */
        secret_hmac_hex(app->pkce_key, sizeof app->pkce_key, state, strlen(state), v);
    return v;
}

const char *gw_pkce_challenge(const http_request_t *req, const char *state)
{
    unsigned char h[32];
    const char *v = gw_pkce_verifier(req, state);
    if (!v)
        return NULL;
    secret_sha256(v, strlen(v), h);
    return b64url_encode(req->arena, h, sizeof h);
}

static void param(buf_t *b, const char *name, const char *value)
{
    if (!value)
        return;
    buf_putc(b, '&');
    pct_encode(b, name);
    buf_putc(b, '=');
    pct_encode(b, value);
}

gh_status_t gw_authorize_url(const http_request_t *req, http_response_t *res, gw_platform_t *p,
                             const char *extra_param, const char *extra_value, const char **url,
                             gw_error_t *err)
{
    gw_endpoints_t ep;
    const char *state = NULL, *nonce = NULL;
    gh_status_t st = gw_platform_endpoints(req, p, &ep, err);
    if (st == GH_OK)
        st = gw_state_new(req, res, p, &state, &nonce, err);
    if (st != GH_OK)
        return st;
    const gw_kind_t *k = p->kind;
    buf_t b;
    buf_init(&b, req->arena);
    buf_puts(&b, ep.authorize);
    buf_puts(&b, strchr(ep.authorize, '?') ? "&response_type=code" : "?response_type=code");
    param(&b, "client_id", p->client_id);
    param(&b, "redirect_uri", p->redirect_uri);
    param(&b, "state", state);
    if (k->scope_on_login && *p->scope && !(extra_param && !strcmp(extra_param, "scope")))
        param(&b, "scope", p->scope);
    param(&b, "nonce", nonce);
    if (k->oidc) {
        param(&b, "code_challenge", gw_pkce_challenge(req, state));
        param(&b, "code_challenge_method", "S256");
    }
    if (extra_param)
        param(&b, extra_param, extra_value ? extra_value : p->scope);
    *url = buf_cstr(&b);
    return *url ? GH_OK : gw_fail(err, GH_ERR_NOMEM, GW_ERR_INTERNAL, "out of memory");
}
