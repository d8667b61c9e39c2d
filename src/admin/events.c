/* Audit events (admin.h): filtered pages, newest first. The cursor is the
 * id of the last event of the page before, in decimal. */
#include <inttypes.h>
#include <stdlib.h>

#include "admin/admin_int.h"

static json_t *event_json(const store_event_t *e)
{
    json_t *details = json_loads(e->details ? e->details : "{}", 0, NULL);
    return json_pack("{s:I, s:I, s:s*, s:s, s:s*, s:s*, s:o}", "id", (json_int_t)e->id, "time",
                     (json_int_t)e->time, "actor", e->actor, "action", e->action, "target",
                     e->target, "ip", e->ip, "details", details ? details : json_object());
}

bool admin_events_list(const admin_ctx_t *ctx, const admin_page_t *page,
                       const store_event_filter_t *filter, json_t **out, admin_error_t *err)
{
    store_event_filter_t f = *filter;
    store_event_t *list = NULL;
    size_t n = 0;
    if (page->cursor) {
        char *end = NULL;
        long long id = strtoll(page->cursor, &end, 10);
        if (*end || id <= 0)
            return admin_fail(err, ctx->arena, 400, "cursor", "malformed");
        f.before_id = id;
    }
    f.limit = page->limit + 1;
    gh_status_t st = store_event_list(ctx->store, ctx->arena, &f, &list, &n);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "event", "*");
    const char *next =
        n > page->limit ? arena_printf(ctx->arena, "%" PRId64, list[page->limit - 1].id) : NULL;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n && i < page->limit; i++)
        json_array_append_new(items, event_json(&list[i]));
    *out = admin_page_json(items, next);
    return *out ? true : admin_fail(err, ctx->arena, 500, NULL, "out of memory");
}
