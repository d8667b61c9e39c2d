/* What a browser sees at a path no route serves: the authorization server's
 * home page at "/" (what this server is, a link to its discovery document)
 * and the 404 page elsewhere, both in the product's look and the visitor's
 * language (Accept-Language). API clients, whose Accept does not name
 * text/html, are left to the caller's JSON answer, unchanged. */
#include "ui/ui.h"

#include <string.h>

bool ui_browser_not_found(http_request_t *req, http_response_t *res, bool home)
{
    if (!http_request_wants_html(req))
        return false;
    ui_lang_t lang = ui_lang_pick(NULL, http_request_header(req, "Accept-Language"));
    bool at_home = home && req->path && !strcmp(req->path, "/") &&
                   (req->method == HTTP_GET || req->method == HTTP_HEAD);
    const char *page = at_home
                           ? ui_render_home(req->arena, lang)
                           : ui_render_error(req->arena, lang, UI_MSG_NOT_FOUND, UI_DETAIL_NONE);
    if (!page)
        return false; /* out of memory: the caller's answer */
    http_response_html(res, at_home ? 200 : 404, page, strlen(page));
    return true;
}
