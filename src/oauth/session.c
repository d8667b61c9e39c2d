/* Login sessions, sign-in and CSRF protection for the pages.
 *
 * A session is a random 256-bit id in an HttpOnly, SameSite=Lax cookie; the
 * store holds only its SHA-256 digest. Under an https issuer the cookies'
 * names carry the "__Host-" prefix, so no sibling site can plant them.
 *
 * A form's CSRF token is HMAC(csrf_key, "session:" digest of the session
 * cookie): only this server can make it, and it is good for that session
 * alone, so a pair of cookie and token that someone obtained for himself and
 * planted in another browser is worth nothing there. Before sign-in there is
 * no session: the token is then HMAC(csrf_key, "browser:" a random value in
 * the browser's CSRF cookie), a double submit that a cross-site page can
 * neither read nor forge (and, under https, not plant). csrf_key is shared by
 * every instance through the store. */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/secret.h"
#include "oauth/audit.h"
#include "oauth/oauth_int.h"

#define CSRF_COOKIE_LEN 43 /* secret_token: base64url of SECRET_TOKEN_BYTES */
#define USER_AGENT_MAX 200 /* bytes of User-Agent kept with a session */
#define SEEN_EVERY 60      /* seconds between two moves of a session's last_seen_at */

/* The digest of the request's session cookie (whether or not the session
 * still lives); false when there is none. */
static bool cookie_session_digest(const http_request_t *req, char digest[SECRET_DIGEST_HEX_LEN + 1])
{
    const char *id = http_request_cookie(req, app_of(req)->session_cookie);
    if (!id || !*id || strlen(id) > 128)
        return false;
    secret_sha256_hex(id, strlen(id), digest);
    return true;
}

/* Last seen, for the account page: a write at most once a minute (best
 * effort), on a live session just read. */
static void seen(const http_request_t *req, const char *digest, int64_t now, store_session_t *s)
{
    if (now - s->last_seen_at >= SEEN_EVERY &&
        store_session_touch(app_of(req)->store, digest, now, SEEN_EVERY) == GH_OK)
        s->last_seen_at = now;
}

gh_status_t session_current(const http_request_t *req, store_session_t *out)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    if (!cookie_session_digest(req, digest))
        return GH_ERR_NOT_FOUND;
    int64_t now = clock_now();
    gh_status_t st = store_session_get(app_of(req)->store, req->arena, digest, now, out);
    if (st == GH_OK)
        seen(req, digest, now, out);
    return st;
}

gh_status_t session_client_current(const http_request_t *req, const char *client_id,
                                   store_client_t *client, gh_status_t *session_st,
                                   store_session_t *session, const char **consent,
                                   store_factors_t *factors)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    bool cookie = cookie_session_digest(req, digest);
    int64_t now = clock_now();
    gh_status_t st =
        store_client_session(app_of(req)->store, req->arena, client_id, cookie ? digest : NULL, now,
                             client, session_st, session, consent, factors);
    if (st == GH_OK && *session_st == GH_OK)
        seen(req, digest, now, session);
    return st;
}

/* The request's User-Agent cut to USER_AGENT_MAX bytes, printable ASCII only
 * (anything else becomes '?', so the store gets valid text), or NULL. */
static const char *user_agent(const http_request_t *req)
{
    const char *ua = http_request_header(req, "User-Agent");
    size_t n = ua ? strnlen(ua, USER_AGENT_MAX) : 0;
    char *out = n ? arena_alloc(req->arena, n + 1) : NULL;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++)
        out[i] = ua[i] >= 0x20 && ua[i] < 0x7F ? ua[i] : '?';
    out[n] = '\0';
    return out;
}

gh_status_t session_start(const http_request_t *req, http_response_t *res, const char *sub,
                          const store_authn_t *authn, int64_t now, store_session_t *out)
{
    app_t *app = app_of(req);
    char *id = secret_token(req->arena);
    char *digest = arena_alloc(req->arena, SECRET_DIGEST_HEX_LEN + 1);
    char *sid = secret_hex_id(req->arena, 16); /* its own random value: never the cookie's */
    if (!id || !digest || !sid)
        return GH_ERR_NOMEM;
    secret_sha256_hex(id, strlen(id), digest);
    store_session_t s = {.digest = digest,
                         .sub = sub,
                         .auth_time = now,
                         .expires_at = now + app->cfg->session_ttl,
                         .created_at = now,
                         .last_seen_at = now,
                         .user_agent = user_agent(req),
                         .ip = req->remote_addr,
                         .authn = *authn};
    s.authn.sid = sid;
    gh_status_t st = store_session_put(app->store, &s);
    if (st != GH_OK)
        return st;
    http_response_own_cookie(req, res, app->session_cookie, id, -1, app_of(req)->secure_cookies);
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
    http_response_own_cookie(req, res, app_of(req)->session_cookie, "", 0,
                             app_of(req)->secure_cookies);
    return GH_OK;
}

gh_status_t session_password_check(const http_request_t *req, const char *client_id,
                                   const char **sub, int64_t *retry_after)
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
        audit_event(req, NULL, "signin.lockout", username,
                    audit_details(req->arena, "client_id", client_id, NULL));
        return GH_ERR_THROTTLED;
    }
    store_user_t user;
    st = store_user_find(app->store, req->arena, username, &user);
    if (st != GH_OK && st != GH_ERR_NOT_FOUND)
        return st;
    /* unknown users, and members without a password (federated sign-in
     * only), cost a verification too, so timing does not tell them apart */
    bool has_password = st == GH_OK && strcmp(user.password_hash, STORE_NO_PASSWORD) != 0;
    const char *hash = has_password ? user.password_hash : SECRET_ARGON2_DUMMY;
    bool right = secret_password_verify(hash, password) && has_password;
    if (!right || user.disabled_at) { /* a disabled member is refused as a wrong password is */
        metrics_add(METRIC_LOGINS_FAILED, 1);
        log_event(LOG_INFO, "login_failed", "client_id", client_id, NULL);
        audit_event(req, right ? user.sub : NULL, "signin.failure", username,
                    audit_details(req->arena, "client_id", client_id, "reason",
                                  right ? "disabled" : "credentials", NULL));
        return GH_ERR_NOT_FOUND;
    }
    throttle_success(req, username, now);
    *sub = user.sub;
    return GH_OK;
}

/* HMAC(csrf_key, kind ":" value) in hex, in the arena; NULL when out of memory. */
static const char *csrf_for(const http_request_t *req, const char *kind, const char *value)
{
    const char *bound = arena_printf(req->arena, "%s:%s", kind, value);
    char *mac = arena_alloc(req->arena, SECRET_DIGEST_HEX_LEN + 1);
    if (!bound || !mac)
        return NULL;
    secret_hmac_hex(app_of(req)->csrf_key, sizeof app_of(req)->csrf_key, bound, strlen(bound), mac);
    return mac;
}

/* The browser's CSRF cookie when it is one of ours in shape, else NULL. */
static const char *csrf_cookie(const http_request_t *req)
{
    const char *cookie = http_request_cookie(req, app_of(req)->csrf_cookie);
    return cookie && strlen(cookie) == CSRF_COOKIE_LEN ? cookie : NULL;
}

const char *csrf_token(const http_request_t *req, http_response_t *res,
                       const store_session_t *session)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    if (session)
        return csrf_for(req, "session", session->digest);
    if (cookie_session_digest(req, digest))
        return csrf_for(req, "session", digest);
    const char *cookie = csrf_cookie(req);
    if (!cookie) {
        cookie = secret_token(req->arena);
        if (!cookie)
            return NULL;
        http_response_own_cookie(req, res, app_of(req)->csrf_cookie, cookie, -1,
                                 app_of(req)->secure_cookies);
    }
    return csrf_for(req, "browser", cookie);
}

bool session_csrf_check(const http_request_t *req)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    const char *posted = http_pairs_get(&req->form, "csrf");
    const char *expected = NULL;
    if (cookie_session_digest(req, digest))
        expected = csrf_for(req, "session", digest);
    else if (csrf_cookie(req))
        expected = csrf_for(req, "browser", csrf_cookie(req));
    return posted && expected && secret_equal_str(expected, posted);
}

void session_page_respond(http_response_t *res, int status, const char *html)
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
