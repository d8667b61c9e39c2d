/* Login sessions and CSRF protection for the pages.
 *
 * A session is a random 256-bit id in an HttpOnly, SameSite=Lax cookie; the
 * store holds only its SHA-256 digest. CSRF tokens are a double submit bound
 * to the server: the browser gets a random value in a cookie, and forms carry
 * HMAC(csrf_key, that value), which a cross-site page can neither read nor
 * forge. csrf_key is shared by every instance through the store. */
#include <string.h>

#include "core/clock.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"

gh_status_t session_current(const http_request_t *req, store_session_t *out)
{
    const char *id = http_request_cookie(req, SESSION_COOKIE);
    if (!id || strlen(id) > 128)
        return GH_ERR_NOT_FOUND;
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    secret_sha256_hex(id, strlen(id), digest);
    return store_session_get(app_of(req)->store, req->arena, digest, clock_now(), out);
}

static void set_cookie(const http_request_t *req, http_response_t *res, const char *name,
                       const char *value, long max_age)
{
    http_cookie_t c = {.name = name,
                       .value = value,
                       .path = "/",
                       .max_age = max_age,
                       .secure = app_of(req)->secure_cookies,
                       .http_only = true,
                       .same_site = "Lax"};
    http_response_cookie(req, res, &c);
}

gh_status_t session_start(const http_request_t *req, http_response_t *res, const char *sub,
                          int64_t now, store_session_t *out)
{
    app_t *app = app_of(req);
    char *id = secret_token(req->arena);
    char *digest = arena_alloc(req->arena, SECRET_DIGEST_HEX_LEN + 1);
    if (!id || !digest)
        return GH_ERR_NOMEM;
    secret_sha256_hex(id, strlen(id), digest);
    store_session_t s = {
        .digest = digest, .sub = sub, .auth_time = now, .expires_at = now + app->cfg->session_ttl};
    gh_status_t st = store_session_put(app->store, &s);
    if (st != GH_OK)
        return st;
    set_cookie(req, res, SESSION_COOKIE, id, -1);
    *out = s;
    return GH_OK;
}

gh_status_t session_end(const http_request_t *req, http_response_t *res)
{
    store_session_t s;
    gh_status_t st = session_current(req, &s);
    if (st == GH_OK)
        st = store_session_delete(app_of(req)->store, s.digest);
    if (st != GH_OK && st != GH_ERR_NOT_FOUND)
        return st;
    set_cookie(req, res, SESSION_COOKIE, "", 0);
    return GH_OK;
}

static const char *csrf_for(const http_request_t *req, const char *cookie_value)
{
    char *mac = arena_alloc(req->arena, SECRET_DIGEST_HEX_LEN + 1);
    if (mac)
        secret_hmac_hex(app_of(req)->csrf_key, sizeof app_of(req)->csrf_key, cookie_value,
                        strlen(cookie_value), mac);
    return mac;
}

const char *csrf_token(const http_request_t *req, http_response_t *res)
{
    const char *cookie = http_request_cookie(req, CSRF_COOKIE);
    if (!cookie || strlen(cookie) != 43) {
        cookie = secret_token(req->arena);
        if (!cookie)
            return NULL;
        set_cookie(req, res, CSRF_COOKIE, cookie, -1);
    }
    return csrf_for(req, cookie);
}

bool csrf_check(const http_request_t *req)
{
    const char *cookie = http_request_cookie(req, CSRF_COOKIE);
    const char *posted = http_pairs_get(&req->form, "csrf");
    if (!cookie || strlen(cookie) != 43 || !posted)
        return false;
    return secret_equal_str(csrf_for(req, cookie), posted);
}
