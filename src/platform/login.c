/* One sign-in at a platform, whichever server runs it: the authorize URL,
 * PKCE derived from the state, and everything the platform must confirm once
 * the browser is back (iss, the code exchange, the id_token, the profile),
 * and unlinking a person.
 *
 * Where the state lives and whom it is bound to is the caller's: the gateway
 * keeps gateway states, the authorization server federation states with the
 * pending authorization request; both bind them to the browser. */
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "platform/platform_int.h"

#define RENEW_MARGIN 30 /* seconds: renew an upstream token this close to expiry */

const char *platform_pkce_verifier(arena_t *a, const unsigned char key[32], const char *state)
{
    char *v = arena_alloc(a, SECRET_DIGEST_HEX_LEN + 1);
    if (v) /* 64 hex characters: an RFC 7636 §4.1 verifier */
        secret_hmac_hex(key, 32, state, strlen(state), v);
    return v;
}

const char *platform_pkce_challenge(arena_t *a, const char *verifier)
{
    unsigned char h[32];
    if (!verifier)
        return NULL;
    secret_sha256(verifier, strlen(verifier), h);
    return b64url_encode(a, h, sizeof h);
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

/* True when the NULL-ended pairs name `name` with a value. */
static bool has_param(const char *const *pairs, const char *name)
{
    for (const char *const *kv = pairs; kv && kv[0]; kv += 2)
        if (kv[1] && !strcmp(kv[0], name))
            return true;
    return false;
}

gh_status_t platform_authorize_url(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                   const char *state, const char *nonce, const char *challenge,
                                   const char *const *extra, const char **url,
                                   platform_error_t *err)
{
    const platform_kind_t *k = p->kind;
    buf_t b;
    buf_init(&b, a);
    buf_puts(&b, ep->authorize);
    buf_puts(&b, strchr(ep->authorize, '?') ? "&response_type=code" : "?response_type=code");
    param(&b, "client_id", p->client_id);
    param(&b, "redirect_uri", p->redirect_uri);
    param(&b, "state", state);
    if (k->scope_on_login && *p->scope && !has_param(extra, "scope"))
        param(&b, "scope", p->scope);
    param(&b, "nonce", nonce);
    if (challenge) {
        param(&b, "code_challenge", challenge);
        param(&b, "code_challenge_method", "S256");
    }
    for (const char *const *kv = extra; kv && kv[0]; kv += 2)
        param(&b, kv[0], kv[1]);
    *url = buf_cstr(&b);
    return *url ? GH_OK : platform_fail(err, GH_ERR_NOMEM, PLATFORM_ERR_INTERNAL, "out of memory");
}

/* RFC 9207 §2.4: the redirect's iss, when sent, is the platform's issuer;
 * required when its metadata says it is sent. Platforms without a configured
 * issuer (the fixed kinds) have nothing to compare it with. */
static gh_status_t check_iss(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                             const char *iss, platform_error_t *err)
{
    if (!iss && ep->iss_param)
        return platform_fail(err, GH_ERR_INVALID, PLATFORM_ERR_BAD_REQUEST,
                             arena_printf(a, "%s's answer lacks its iss", p->name));
    if (iss && p->issuer && strcmp(iss, p->issuer) != 0)
        return platform_fail(err, GH_ERR_INVALID, PLATFORM_ERR_BAD_REQUEST,
                             arena_printf(a, "the answer names another issuer than %s", p->name));
    return GH_OK;
}

gh_status_t platform_finish_login(arena_t *a, platform_t *p, const char *code, const char *state,
                                  const char *iss, const char *nonce, const char *verifier,
                                  platform_tokens_t *t, platform_profile_t *prof,
                                  platform_error_t *err)
{
    const char *sub = NULL;
    platform_endpoints_t ep;
    bool oidc = p->kind->oidc;
    gh_status_t st = platform_endpoints(a, p, &ep, err);
    if (st == GH_OK)
        st = check_iss(a, p, &ep, iss, err);
    if (st == GH_OK)
        st = platform_exchange_code(a, p, &ep, code, state, oidc ? verifier : NULL, t, err);
    if (st == GH_OK && oidc)
        st = platform_oidc_check_id_token(a, p, t->id_token, nonce, &sub, err);
    if (st == GH_OK && !ep.userinfo)
        st = platform_fail(err, GH_ERR_INVALID, PLATFORM_ERR_UPSTREAM,
                           arena_printf(a, "%s has no userinfo endpoint", p->name));
    if (st == GH_OK)
        st = platform_fetch_profile(a, p, &ep, t, prof, err);
    if (st == GH_OK && oidc && strcmp(prof->id, sub) != 0) /* OpenID Connect Core §5.3.4 */
        st = platform_fail(err, GH_ERR_INVALID, PLATFORM_ERR_UPSTREAM,
                           arena_printf(a, "%s's user info is for another user", p->name));
    return st;
}

gh_status_t platform_end_session_url(arena_t *a, platform_t *p, const char *id_token,
                                     const char *post_logout_redirect_uri, const char **url,
                                     platform_error_t *err)
{
    platform_endpoints_t ep;
    *url = NULL;
    if (!p->single_sign_out || !p->kind->oidc || !id_token)
        return GH_OK;
    gh_status_t st = platform_endpoints(a, p, &ep, err);
    if (st != GH_OK || !ep.end_session)
        return st;
    buf_t b;
    buf_init(&b, a);
    buf_puts(&b, ep.end_session);
    buf_putc(&b, strchr(ep.end_session, '?') ? '&' : '?');
    buf_puts(&b, "client_id=");
    pct_encode(&b, p->client_id);
    param(&b, "id_token_hint", id_token);
    param(&b, "post_logout_redirect_uri", post_logout_redirect_uri);
    *url = buf_cstr(&b);
    return *url ? GH_OK : platform_fail(err, GH_ERR_NOMEM, PLATFORM_ERR_INTERNAL, "out of memory");
}

gh_status_t platform_unlink(arena_t *a, platform_t *p, platform_tokens_t *t, platform_error_t *err)
{
    platform_endpoints_t ep;
    gh_status_t st = platform_endpoints(a, p, &ep, err);
    if (st == GH_OK && t->expires_at && t->expires_at <= clock_now() + RENEW_MARGIN)
        st = platform_refresh_tokens(a, p, &ep, t, err);
    return st == GH_OK ? p->kind->revoke(a, p, &ep, t, err) : st;
}
