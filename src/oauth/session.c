/* Login sessions, sign-in and CSRF protection for the pages.
 *
 * A session is a random 256-bit id in an HttpOnly, SameSite=Lax cookie; the
 * store holds only its SHA-256 digest. CSRF tokens are a double submit bound
 * to the server: the browser gets a random value in a cookie, and forms carry
 * HMAC(csrf_key, that value), which a cross-site page can neither read nor
 * forge. csrf_key is shared by every instance through the store. */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
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

gh_status_t session_login(const http_request_t *req, http_response_t *res, const char *client_id,
                          store_session_t *out, int64_t *retry_after)
{
    app_t *app = app_of(req);
    const char *username = http_pairs_get(&req->form, "username");
    const char *password = http_pairs_get(&req->form, "password");
    if (!username || !password || !*username)
        return GH_ERR_INVALID;
    int64_t now = clock_now();
    gh_status_t st = throttle_login_begin(req, username, now, retry_after);
    if (st != GH_OK)
        return st;
    if (*retry_after > 0) {
        metrics_add(METRIC_LOGINS_THROTTLED, 1);
        log_event(LOG_INFO, "login_throttled", "client_id", client_id, NULL);
        return GH_ERR_THROTTLED;
    }
    store_user_t user;
    st = store_user_find(app->store, req->arena, username, &user);
    if (st != GH_OK && st != GH_ERR_NOT_FOUND)
        return st;
    /* unknown users cost a verification too, so timing does not tell them apart */
    const char *hash = st == GH_OK ? user.password_hash : SECRET_ARGON2_DUMMY;
    if (!secret_password_verify(hash, password) || st != GH_OK) {
        metrics_add(METRIC_LOGINS_FAILED, 1);
        log_event(LOG_INFO, "login_failed", "client_id", client_id, NULL);
        return GH_ERR_NOT_FOUND;
    }
    throttle_success(req, username, now);
    st = session_start(req, res, user.sub, now, out);
    if (st == GH_OK)
        metrics_add(METRIC_LOGINS_OK, 1);
    return st;
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

void page_respond(http_response_t *res, int status, const char *html)
{
    if (!html) {
        http_response_text(res, 500, "internal error");
        return;
    }
    http_response_html(res, status, html, strlen(html));
}

void session_retry_after(const http_request_t *req, http_response_t *res, int64_t seconds)
{
    const char *value = arena_printf(req->arena, "%lld", (long long)seconds);
    if (value) /* RFC 6585 §4, RFC 9110 §10.2.3 */
        http_response_header(res, "Retry-After", value);
}
