/* What the admin operations share: errors, JSON member readers, pages, the
 * audit call (admin_int.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/admin_int.h"
#include "oauth/audit.h"

bool admin_fail(admin_error_t *err, arena_t *a, int status, const char *field, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    const char *detail = field ? arena_printf(a, "%s: %s", field, line) : arena_strdup(a, line);
    *err = (admin_error_t){status, field, detail ? detail : "out of memory"};
    return false;
}

bool admin_store_fail(admin_error_t *err, arena_t *a, gh_status_t st, const char *what,
                      const char *name)
{
    switch (st) {
    case GH_ERR_NOT_FOUND:
        return admin_fail(err, a, 404, NULL, "no %s '%s'", what, name);
    case GH_ERR_CONFLICT:
        return admin_fail(err, a, 409, NULL, "%s '%s' already exists", what, name);
    case GH_ERR_UNAVAILABLE:
        return admin_fail(err, a, 503, NULL, "the database is unavailable");
    default:
        return admin_fail(err, a, 500, NULL, "cannot change %s '%s': %s", what, name,
                          gh_status_str(st));
    }
}

bool admin_known_members(arena_t *a, const json_t *obj, const char *const *names,
                         admin_error_t *err)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        const char *const *n = names;
        while (*n && strcmp(*n, key) != 0)
            n++;
        if (!*n)
            return admin_fail(err, a, 400, key, "unknown field");
    }
    return true;
}

bool admin_get_string(arena_t *a, const json_t *obj, const char *name, const char **out,
                      admin_error_t *err)
{
    json_t *v = json_object_get(obj, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return admin_fail(err, a, 400, name, "must be a string");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return admin_fail(err, a, 400, name, "must not hold a NUL character");
    *out = json_string_value(v);
    return true;
}

bool admin_get_bool(arena_t *a, const json_t *obj, const char *name, bool *out, admin_error_t *err)
{
    json_t *v = json_object_get(obj, name);
    *out = false;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_boolean(v))
        return admin_fail(err, a, 400, name, "must be true or false");
    *out = json_is_true(v);
    return true;
}

bool admin_get_strings(arena_t *a, const json_t *obj, const char *name, size_t max,
                       const char ***out, size_t *count, bool *present, admin_error_t *err)
{
    json_t *v = json_object_get(obj, name);
    *present = v && !json_is_null(v);
    *out = NULL;
    *count = 0;
    if (!*present)
        return true;
    if (!json_is_array(v))
        return admin_fail(err, a, 400, name, "must be an array of strings");
    size_t n = json_array_size(v);
    if (n > ADMIN_LIST_MAX)
        return admin_fail(err, a, 400, name, "at most %d items", ADMIN_LIST_MAX);
    const char **items = arena_alloc(a, (n ? n : 1) * sizeof *items);
    if (!items)
        return admin_fail(err, a, 500, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s) || strlen(json_string_value(s)) != json_string_length(s))
            return admin_fail(err, a, 400, name, "must be an array of strings");
        if (json_string_length(s) > max)
            return admin_fail(err, a, 400, name, "an item is over %zu bytes", max);
        items[i] = json_string_value(s);
    }
    *out = items;
    *count = n;
    return true;
}

json_t *admin_string_array(const char *const *items, size_t count)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < count; i++)
        json_array_append_new(arr, json_string(items[i]));
    return arr;
}

json_t *admin_page_json(json_t *items, const char *next)
{
    return json_pack("{s:o, s:s?}", "items", items, "next_cursor", next);
}

#define STR_(x) #x
#define STR(x) STR_(x)

bool admin_page_parse(const char *limit, const char *cursor, admin_page_t *out, admin_error_t *err)
{
    out->limit = ADMIN_PAGE_DEFAULT;
    out->cursor = cursor && *cursor ? cursor : NULL;
    if (limit) {
        char *end = NULL;
        long n = strtol(limit, &end, 10);
        if (!*limit || *end || n < 1 || n > ADMIN_PAGE_MAX) {
            *err = (admin_error_t){400, "limit",
                                   "limit: must be a whole number from 1 to " STR(ADMIN_PAGE_MAX)};
            return false;
        }
        out->limit = (size_t)n;
    }
    if (cursor && strlen(cursor) > ADMIN_CURSOR_MAX) {
        *err = (admin_error_t){400, "cursor", "cursor: malformed"};
        return false;
    }
    return true;
}

void admin_audit(const admin_ctx_t *ctx, const char *action, const char *target,
                 const char *details)
{
    audit_record(ctx->store, ctx->actor, ctx->ip, action, target, details);
}
