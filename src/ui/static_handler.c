/* GET /static/<name>: the embedded style sheet, logo and icons; and the
 * answers every static route gives (ui_respond_asset, ui_respond_not_found).
 *
 * The files are part of the binary and change only with it, so they may be
 * cached for an hour. Unknown names get the 404 page in the visitor's
 * language. */
#include "ui/ui.h"

#include <string.h>

#define STATIC_MAX_AGE 3600

void ui_respond_not_found(http_request_t *req, http_response_t *res)
{
    ui_lang_t lang = ui_lang_pick(NULL, http_request_header(req, "Accept-Language"));
    const char *page = ui_render_error(req->arena, lang, UI_MSG_NOT_FOUND, UI_DETAIL_NONE);
    if (page)
        http_response_html(res, 404, page, strlen(page));
    else
        http_response_text(res, 404, "not found");
}

void ui_static_handler(http_request_t *req, http_response_t *res)
{
    const char *type = NULL;
    const asset_t *file = ui_static_find(req->path, &type);
    if (file)
        ui_respond_asset(res, file, type, STATIC_MAX_AGE);
    else
        ui_respond_not_found(req, res);
}

void ui_respond_asset(http_response_t *res, const asset_t *file, const char *content_type,
                      int max_age)
{
    res->status = 200;
    res->kind = HTTP_KIND_STATIC;
    res->content_type = content_type;
    res->body = file->data;
    res->body_len = file->len;
    res->cacheable = true;
    res->max_age = max_age;
}
