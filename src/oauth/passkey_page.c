/* /account/passkeys: the signed-in member's passkeys. GET lists them, with a
 * form to add one (named; /static/passkey.js runs the registration against
 * /auth/passkey/register/options and /auth/passkey/register) and a form to
 * remove each; POST (csrf, remove=ID) removes one of the member's own and
 * answers 303 back to the page. Without a session the page says to sign in
 * first (401). */
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "oauth/audit.h"
#include "oauth/passkey.h"

static const char *day_of(arena_t *a, int64_t t)
{
    char out[16];
    struct tm tm;
    time_t tt = (time_t)t;
    if (!gmtime_r(&tt, &tm) || !strftime(out, sizeof out, "%Y-%m-%d", &tm))
        return "";
    return arena_strdup(a, out);
}

static void page_error(http_request_t *req, http_response_t *res, ui_lang_t lang, int status,
                       ui_msg_t msg)
{
    const char *html = status < 500 ? ui_render_info(req->arena, lang, msg) : NULL;
    if (status >= 500) {
        oauth_error_page(req, res, lang, status, msg, UI_DETAIL_NONE);
        return;
    }
    session_page_respond(res, status, html);
}

static void show(http_request_t *req, http_response_t *res, ui_lang_t lang,
                 const store_session_t *session, const store_user_t *user)
{
    store_passkey_t *list = NULL;
    size_t n = 0;
    gh_status_t st = store_passkey_list(app_of(req)->store, req->arena, user->sub, &list, &n);
    ui_passkey_item_t *items = n ? arena_alloc(req->arena, n * sizeof *items) : NULL;
    if (st != GH_OK || (n && !items)) {
        page_error(req, res, lang, st == GH_ERR_UNAVAILABLE ? 503 : 500, UI_MSG_SERVER_ERROR);
        return;
    }
    for (size_t i = 0; i < n; i++)
        items[i] = (ui_passkey_item_t){
            .id = list[i].credential_id,
            .name = list[i].name,
            .created = day_of(req->arena, list[i].created_at),
            .last_used = list[i].last_used_at ? day_of(req->arena, list[i].last_used_at) : NULL};
    ui_passkeys_t page = {.lang = lang,
                          .action = PASSKEY_PAGE_PATH,
                          .csrf = csrf_token(req, res, session),
                          .username = user->username,
                          .items = items,
                          .count = n,
                          .name_max = PASSKEY_NAME_MAX};
    session_page_respond(res, 200, page.csrf ? ui_render_passkeys(req->arena, &page) : NULL);
}

static void remove_one(http_request_t *req, http_response_t *res, ui_lang_t lang,
                       const store_user_t *user)
{
    const char *id = http_pairs_get(&req->form, "remove");
    gh_status_t st =
        id && *id ? store_passkey_remove(app_of(req)->store, user->sub, id) : GH_ERR_NOT_FOUND;
    if (st != GH_OK && st != GH_ERR_NOT_FOUND) {
        page_error(req, res, lang, st == GH_ERR_UNAVAILABLE ? 503 : 500, UI_MSG_SERVER_ERROR);
        return;
    }
    if (st == GH_OK) {
        log_event(LOG_INFO, "passkey_removed", NULL);
        audit_event(req, user->sub, "passkey.remove", user->sub,
                    audit_details(req->arena, "credential_id", id, NULL));
    }
    http_response_redirect(res, 303, PASSKEY_PAGE_PATH);
}

void passkey_page_handler(http_request_t *req, http_response_t *res)
{
    ui_lang_t lang = ui_lang_pick(http_pairs_get(&req->query, "ui_locales"),
                                  http_request_header(req, "Accept-Language"));
    store_session_t session;
    store_user_t user;
    if (!passkey_enabled(app_of(req))) {
        page_error(req, res, lang, 404, UI_MSG_NOT_FOUND);
        return;
    }
    gh_status_t st = session_current(req, &session);
    if (st == GH_OK)
        st = store_user_get(app_of(req)->store, req->arena, session.sub, &user);
    if (st == GH_ERR_NOT_FOUND) {
        page_error(req, res, lang, 401, UI_MSG_SIGN_IN_FIRST);
        return;
    }
    if (st != GH_OK) {
        page_error(req, res, lang, st == GH_ERR_UNAVAILABLE ? 503 : 500, UI_MSG_SERVER_ERROR);
        return;
    }
    if (req->method == HTTP_GET) {
        show(req, res, lang, &session, &user);
        return;
    }
    if (!session_csrf_check(req)) {
        page_error(req, res, lang, 403, UI_MSG_FORM_EXPIRED);
        return;
    }
    remove_one(req, res, lang, &user);
}
