/* The sign-in endpoints of seed 002: the login URL (GET
 * /oauth2/api/login/{platform}), the login itself (POST, {"code","state"}),
 * auto-login and logout.
 *
 * A login runs every upstream call first (state, code exchange, id_token,
 * userinfo) and writes only when all succeeded: the user, its sealed
 * platform tokens and its first refresh record in one transaction, then the
 * cookies. Any failure before that leaves nothing behind. Every call but the
 * login URL changes something and passes gw_same_origin (csrf.c) first. */
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/log.h"
#include "gateway/gateway_int.h"

#define TITLE_URL "login url"
#define TITLE_LOGIN "login"
#define TITLE_AUTO "auto login"
#define TITLE_LOGOUT "logout"

gh_status_t gw_login_body_parse(arena_t *a, const char *body, size_t len, const char **code,
                                const char **state, const char **iss)
{
    json_t *j = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, NULL);
    const char *c = json_string_value(json_object_get(j, "code"));
    const char *s = json_string_value(json_object_get(j, "state"));
    const json_t *i = json_object_get(j, "iss");
    const char *is = json_string_value(i);
    bool ok = c && s && *c && *s && strlen(c) <= GW_MAX_CODE && strlen(s) <= GW_MAX_STATE &&
              (!i || (is && *is && strlen(is) <= GW_MAX_ISS));
    const char *c_copy = ok ? arena_strdup(a, c) : NULL;
    const char *s_copy = ok ? arena_strdup(a, s) : NULL;
    const char *i_copy = ok && is ? arena_strdup(a, is) : NULL;
    bool nomem = ok && (!c_copy || !s_copy || (is && !i_copy));
    json_decref(j);
    if (!ok)
        return GH_ERR_INVALID;
    if (nomem)
        return GH_ERR_NOMEM;
    *code = c_copy;
    *state = s_copy;
    *iss = i_copy;
    return GH_OK;
}

/* {"code","state"[,"iss"]} sent as JSON (the type checked by gw_same_origin). */
static gh_status_t read_body(const http_request_t *req, const char **code, const char **state,
                             const char **iss, gw_error_t *err)
{
    gh_status_t st = gw_login_body_parse(req->arena, req->body, req->body_len, code, state, iss);
    if (st == GH_ERR_INVALID)
        return gw_fail(err, st, GW_ERR_BAD_REQUEST,
                       "the body must be JSON {\"code\": \"…\", \"state\": \"…\"}");
    return st == GH_OK ? st : gw_fail(err, st, GW_ERR_INTERNAL, "out of memory");
}

/* Everything the platform must confirm: the state (bound to this browser),
 * then the platform library's checks (iss, tokens, id_token, profile). */
static gh_status_t ask_platform(const http_request_t *req, platform_t *p, const char *code,
                                const char *state, const char *iss, const char **rest,
                                platform_tokens_t *t, platform_profile_t *prof, gw_error_t *err)
{
    const char *nonce = NULL;
    platform_error_t pe;
    gh_status_t st = gw_state_take(req, p, state, &nonce, rest, err);
    if (st != GH_OK)
        return st;
    const char *verifier = platform_pkce_verifier(req->arena, gw_app_of(req)->pkce_key, state);
    st = platform_finish_login(req->arena, p, code, state, iss, nonce, verifier, t, prof, &pe);
    return st == GH_OK ? st : gw_fail_platform(err, st, &pe);
}

/* Stores the user with its tokens and first refresh record; *user_id gets
 * the user's id (an existing user keeps its own). */
static gh_status_t save_user(const http_request_t *req, const platform_t *p,
                             const platform_tokens_t *t, const platform_profile_t *prof,
                             const gw_refresh_t *r, const char **user_id, gw_error_t *err)
{
    int64_t now = clock_now();
    store_gw_user_t u = {.id = secret_hex_id(req->arena, 16),
                         .platform = p->name,
                         .platform_user_id = prof->id,
                         .email = prof->email,
                         .name = prof->name,
                         .profile = prof->profile,
                         .created_at = now,
                         .updated_at = now};
    if (!u.id || gw_tokens_seal(req, &u, t, &u.tokens) != GH_OK)
        return gw_fail(err, GH_ERR_NOMEM, GW_ERR_INTERNAL, "cannot seal the platform tokens");
    store_gw_refresh_t rec = {r->digest, NULL, r->expires_at};
    gh_status_t st = store_gw_user_login(gw_app_of(req)->store, req->arena, &u, &rec, user_id);
    return st == GH_OK ? st : gw_fail_store(err, st);
}

static void login(http_request_t *req, http_response_t *res, platform_t *p)
{
    const char *code = NULL, *state = NULL, *iss = NULL, *user_id = NULL, *rest = NULL;
    platform_tokens_t t;
    platform_profile_t prof;
    gw_refresh_t r;
    gw_error_t err;
    gh_status_t st = gw_same_origin(req, &err);
    if (st == GH_OK)
        st = read_body(req, &code, &state, &iss, &err);
    if (st == GH_OK)
        st = ask_platform(req, p, code, state, iss, &rest, &t, &prof, &err);
    if (st == GH_OK && gw_refresh_new(req, &r) != GH_OK)
        st = gw_fail(&err, GH_ERR_NOMEM, GW_ERR_INTERNAL, "out of memory");
    if (st == GH_OK)
        st = save_user(req, p, &t, &prof, &r, &user_id, &err);
    if (st == GH_OK && gw_cookies_set(req, res, user_id, &r) != GH_OK)
        st = gw_fail(&err, GH_ERR_NOMEM, GW_ERR_INTERNAL, "out of memory");
    if (st != GH_OK) {
        res->header_count = 0; /* no cookie on a failure */
        gw_respond_error(req, res, TITLE_LOGIN, &err);
        return;
    }
    if (rest) /* other logins under way in this browser keep theirs */
        gw_login_cookie_set(req, res, rest);
    else
        gw_login_cookie_clear(req, res); /* its state is spent */
    gw_respond(req, res, TITLE_LOGIN, "authorized success", NULL);
}

static void login_url(http_request_t *req, http_response_t *res, platform_t *p)
{
    const char *url = NULL;
    gw_error_t err;
    if (gw_login_rate(req, res, &err) != GH_OK ||
        gw_authorize_url(req, res, p, NULL, NULL, &url, &err) != GH_OK) {
        gw_respond_error(req, res, TITLE_URL, &err);
        return;
    }
    const char *msg = arena_printf(req->arena, "%s authorization url response success", p->name);
    gw_respond(req, res, TITLE_URL, msg ? msg : "authorization url response success",
               json_string(url));
}

void gw_login_handler(http_request_t *req, http_response_t *res)
{
    const char *name = req->path + strlen(GW_LOGIN_PREFIX);
    platform_t *p = gw_platform_find(req, name);
    const char *title = req->method == HTTP_POST ? TITLE_LOGIN : TITLE_URL;
    if (!p) {
        gw_error_t err = {GW_ERR_NOT_FOUND, "no such platform", NULL};
        gw_respond_error(req, res, title, &err);
    } else if (req->method == HTTP_POST) {
        login(req, res, p);
    } else {
        login_url(req, res, p);
    }
}

/* True when the access cookie is valid and its user still exists. */
static bool signed_in(const http_request_t *req)
{
    const char *user_id = NULL;
    store_gw_user_t u;
    gw_error_t err;
    return gw_access_user(req, &user_id, &err) == GH_OK &&
           store_gw_user_get(gw_app_of(req)->store, req->arena, user_id, &u) == GH_OK;
}

/* Seed 002: a valid access cookie needs nothing; else a live refresh cookie
 * is rotated and both cookies renewed; else 401. */
void gw_auto_login_handler(http_request_t *req, http_response_t *res)
{
    const char *digest = NULL, *user_id = NULL;
    gw_refresh_t next;
    gw_error_t err = {GW_ERR_UNAUTHORIZED, "not signed in: sign in again", NULL};
    if (gw_same_origin(req, &err) != GH_OK) {
        gw_respond_error(req, res, TITLE_AUTO, &err);
        return;
    }
    if (signed_in(req)) {
        gw_respond(req, res, TITLE_AUTO, "auto authorized success", NULL);
        return;
    }
    gh_status_t st = gw_refresh_cookie(req, &digest);
    if (st == GH_OK)
        st = gw_refresh_new(req, &next);
    if (st == GH_OK) {
        store_gw_refresh_t rec = {next.digest, NULL, next.expires_at};
        st = store_gw_refresh_rotate(gw_app_of(req)->store, req->arena, digest, clock_now(),
                                     gw_app_of(req)->refresh_grace, &rec, &user_id);
        if (st != GH_OK && st != GH_ERR_NOT_FOUND && st != GH_ERR_CONFLICT)
            gw_fail_store(&err, st);
    }
    if (st == GH_OK && gw_cookies_set(req, res, user_id, &next) != GH_OK)
        st = gw_fail(&err, GH_ERR_NOMEM, GW_ERR_INTERNAL, "out of memory");
    if (st != GH_OK) {
        res->header_count = 0;
        gw_respond_error(req, res, TITLE_AUTO, &err);
        return;
    }
    gw_respond(req, res, TITLE_AUTO, "auto authorized success", NULL);
}

/* Where the browser goes next to end the person's session at its platform
 * too (single_sign_out), or NULL: read before the cookies go. A platform that
 * cannot say is no reason to keep anyone signed in here. */
static const char *end_session_url(const http_request_t *req)
{
    const char *user_id = NULL, *url = NULL;
    store_gw_user_t u;
    platform_tokens_t t;
    platform_error_t pe;
    gw_error_t err;
    platform_t *p = NULL;
    if (gw_access_user(req, &user_id, &err) != GH_OK ||
        store_gw_user_get(gw_app_of(req)->store, req->arena, user_id, &u) != GH_OK ||
        !(p = gw_platform_find(req, u.platform)) || !p->single_sign_out ||
        gw_tokens_open(req, &u, &t) != GH_OK)
        return NULL;
    const char *back = arena_printf(req->arena, "%s/", gw_app_of(req)->public_url);
    if (back && platform_end_session_url(req->arena, p, t.id_token, back, &url, &pe) != GH_OK)
        log_event(LOG_WARN, "single_sign_out_failed", "platform", p->name, "message", pe.message,
                  NULL);
    return url;
}

void gw_logout_handler(http_request_t *req, http_response_t *res)
{
    const char *digest = NULL;
    gw_error_t err;
    if (gw_same_origin(req, &err) != GH_OK) {
        gw_respond_error(req, res, TITLE_LOGOUT, &err);
        return;
    }
    const char *next = end_session_url(req);
    gw_cookies_clear(req, res);
    if (gw_refresh_cookie(req, &digest) == GH_OK) {
        gh_status_t st = store_gw_refresh_delete(gw_app_of(req)->store, digest);
        if (st != GH_OK) {
            gw_fail_store(&err, st);
            gw_respond_error(req, res, TITLE_LOGOUT, &err);
            return;
        }
    }
    /* body: the platform's logout URL for the page to open, or null */
    gw_respond(req, res, TITLE_LOGOUT, "logout success", next ? json_string(next) : NULL);
}
