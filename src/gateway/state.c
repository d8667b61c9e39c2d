/* Login states: the `state` of each authorize URL (RFC 6749 §10.12) is a
 * 256-bit random value, stored only as its SHA-256 digest with the platform
 * it was made for, an expiry and, for OpenID Connect platforms, the nonce of
 * the id_token. Taking a state is atomic and single-use, so a code can be
 * redeemed once per login URL, on any instance sharing the store.
 *
 * Each state is bound to the browser that asked for it (login CSRF): the
 * answer adds a fresh random value (a binding) to the login cookie and the
 * state row keeps that value's digest; taking the state demands a cookie
 * holding it, compared in constant time, and takes it out. A code and state
 * minted in one browser and replayed in another (a link sent to a victim)
 * sign nobody in. The cookie holds the bindings of up to GW_LOGIN_BINDINGS
 * logins under way, the newest last, so that logins started in several tabs
 * of one browser each complete.
 *
 * The PKCE verifier (RFC 7636, sent to OpenID Connect platforms) is not
 * stored: it is HMAC(pkce_key, state) (platform_pkce_verifier), which only
 * this gateway can compute and which the browser never sees. */
#include <string.h>

#include "core/clock.h"
#include "gateway/gateway_int.h"

#define OTHER_BROWSER "this sign-in was not started in this browser; start the login again"
#define BINDING_LEN 43 /* a secret_token: 256 bits in base64url */
#define BINDING_SEPARATOR "."
#define BASE64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

size_t gw_login_bindings(arena_t *a, const char *v, const char **out, size_t max)
{
    size_t n = 0;
    while (v && *v) {
        size_t len = strcspn(v, BINDING_SEPARATOR);
        if (len == BINDING_LEN && strspn(v, BASE64URL) >= len) {
            if (n == max) {
                memmove(out, out + 1, (max - 1) * sizeof *out);
                n--;
            }
            if ((out[n] = arena_strndup(a, v, len)))
                n++;
        }
        v += len + (v[len] != '\0');
    }
    return n;
}

/* The bindings joined into a cookie value, or NULL when there are none. */
static const char *cookie_value(arena_t *a, const char *const *b, size_t n)
{
    buf_t out;
    buf_init(&out, a);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(&out, BINDING_SEPARATOR);
        buf_puts(&out, b[i]);
    }
    return n ? buf_cstr(&out) : NULL;
}

/* The request's login cookie with binding b added, the oldest binding
 * given up when GW_LOGIN_BINDINGS logins are under way already. */
static const char *with_binding(const http_request_t *req, const char *b)
{
    const char *held[GW_LOGIN_BINDINGS];
    size_t n = gw_login_bindings(req->arena, http_request_cookie(req, gw_login_cookie_name(req)),
                                 held, GW_LOGIN_BINDINGS - 1);
    held[n++] = b;
    return cookie_value(req->arena, held, n);
}

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
    const char *value = with_binding(req, b);
    if (!value || !gw_login_cookie_set(req, res, value))
        return gw_fail(err, GH_ERR_NOMEM, GW_ERR_INTERNAL, "out of memory");
    *state = s;
    *nonce = n;
    return GH_OK;
}

gh_status_t gw_state_take(const http_request_t *req, const platform_t *p, const char *state,
                          const char **nonce, const char **rest, gw_error_t *err)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1], binding[SECRET_DIGEST_HEX_LEN + 1];
    store_gw_state_t row;
    const char *held[GW_LOGIN_BINDINGS];
    size_t n = gw_login_bindings(req->arena, http_request_cookie(req, gw_login_cookie_name(req)),
                                 held, GW_LOGIN_BINDINGS);
    if (n == 0)
        return gw_fail_code(err, GH_ERR_INVALID, GW_ERR_BAD_REQUEST, "state_other_browser",
                            OTHER_BROWSER);
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
    size_t match = n; /* every binding is compared: no early exit */
    for (size_t i = 0; i < n; i++) {
        secret_sha256_hex(held[i], strlen(held[i]), binding);
        if (row.binding && secret_equal_str(row.binding, binding))
            match = i;
    }
    if (match == n)
        return gw_fail_code(err, GH_ERR_INVALID, GW_ERR_BAD_REQUEST, "state_other_browser",
                            OTHER_BROWSER);
    memmove(held + match, held + match + 1, (n - match - 1) * sizeof *held);
    *rest = cookie_value(req->arena, held, n - 1);
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
