/* A member's custom attributes and groups (admin_int.h): read from a body,
 * checked (oidc/oidc.h's limits), merged per RFC 7396, kept as JSON text. */
#include <stdlib.h>
#include <string.h>

#include "admin/admin_int.h"
#include "oidc/oidc.h"

/* v as compact JSON text in a; NULL for an empty object or array. */
static const char *json_text(arena_t *a, const json_t *v, bool *nomem)
{
    *nomem = false;
    if ((json_is_object(v) && !json_object_size(v)) || (json_is_array(v) && !json_array_size(v)))
        return NULL;
    char *text = json_dumps(v, JSON_COMPACT);
    const char *out = text ? arena_strdup(a, text) : NULL;
    free(text);
    *nomem = !out;
    return out;
}

bool admin_read_attributes(arena_t *a, const json_t *body, const char *base, const char **out,
                           admin_error_t *err)
{
    json_t *patch = json_object_get(body, "attributes");
    *out = base;
    if (!patch)
        return true;
    if (!json_is_object(patch) && !json_is_null(patch))
        return admin_fail(err, a, 400, "attributes", "must be a JSON object");
    /* RFC 7396: null removes all; an object's null members remove those */
    json_t *merged = base && json_is_object(patch) ? json_loads(base, 0, NULL) : NULL;
    if (!merged)
        merged = json_object();
    const char *key;
    json_t *value;
    json_object_foreach(json_is_object(patch) ? patch : NULL, key, value)
    {
        if (json_is_null(value))
            json_object_del(merged, key);
        else
            json_object_set(merged, key, value);
    }
    const char *bad = NULL, *why = NULL;
    bool ok = oidc_attributes_check(merged, &bad, &why), nomem = false;
    if (!ok) {
        const char *field = bad ? arena_printf(a, "attributes.%s", bad) : "attributes";
        json_decref(merged);
        return admin_fail(err, a, 400, field ? field : "attributes", "%s", why);
    }
    *out = json_text(a, merged, &nomem);
    json_decref(merged);
    return nomem ? admin_fail(err, a, 500, NULL, "out of memory") : true;
}

bool admin_read_groups(arena_t *a, const json_t *body, const char *base, const char **out,
                       admin_error_t *err)
{
    json_t *v = json_object_get(body, "groups");
    *out = base;
    if (!v)
        return true;
    if (json_is_null(v)) {
        *out = NULL;
        return true;
    }
    if (!json_is_array(v))
        return admin_fail(err, a, 400, "groups", "must be an array of group names");
    if (json_array_size(v) > OIDC_GROUP_MAX)
        return admin_fail(err, a, 400, "groups", "at most %d groups", OIDC_GROUP_MAX);
    json_t *set = json_array();
    size_t i;
    json_t *g;
    json_array_foreach(v, i, g)
    {
        const char *name = json_string_value(g);
        if (!name || strlen(name) != json_string_length(g) || !oidc_group_name_valid(name)) {
            json_decref(set);
            return admin_fail(err, a, 400, "groups",
                              "a group name is 1-%d of A-Z a-z 0-9 _ . : @ / -",
                              OIDC_GROUP_NAME_MAX);
        }
        bool seen = false;
        for (size_t k = 0; k < json_array_size(set) && !seen; k++)
            seen = !strcmp(json_string_value(json_array_get(set, k)), name);
        if (!seen)
            json_array_append(set, g);
    }
    bool nomem = false;
    *out = json_text(a, set, &nomem);
    json_decref(set);
    return nomem ? admin_fail(err, a, 500, NULL, "out of memory") : true;
}

json_t *admin_json_text(const char *text, bool array)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    if (!v || (array ? !json_is_array(v) : !json_is_object(v))) {
        json_decref(v);
        v = array ? json_array() : json_object();
    }
    return v;
}

/* Whether the array list (may be NULL) holds v. */
static bool holds(const json_t *list, const json_t *v)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (json_equal(json_array_get(list, i), v))
            return true;
    return false;
}

bool admin_user_groups_edit(const admin_ctx_t *ctx, const char *sub, const json_t *add,
                            const json_t *drop, json_t **out, admin_error_t *err)
{
    store_user_t u;
    gh_status_t st = store_user_get(ctx->store, ctx->arena, sub, &u);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", sub);
    json_t *now = admin_json_text(u.groups, true), *groups = json_array();
    if (add)
        json_array_extend(now, (json_t *)add);
    for (size_t i = 0; groups && i < json_array_size(now); i++) {
        json_t *g = json_array_get(now, i);
        if (!holds(drop, g))
            json_array_append(groups, g); /* duplicates go in admin_read_groups */
    }
    json_decref(now);
    json_t *patch = groups ? json_pack("{s:o}", "groups", groups) : NULL;
    bool ok = patch && admin_user_update(ctx, sub, patch, out, err);
    json_decref(patch);
    return patch ? ok : admin_fail(err, ctx->arena, 500, NULL, "out of memory");
}

bool admin_groups_list(const admin_ctx_t *ctx, json_t **out, admin_error_t *err)
{
    store_user_t *list = NULL;
    size_t n = 0;
    gh_status_t st = store_user_list(ctx->store, ctx->arena, &list, &n);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "member", "*");
    json_t *counts = json_object(); /* name -> members, in the order first seen */
    for (size_t i = 0; counts && i < n; i++) {
        json_t *groups = admin_json_text(list[i].groups, true), *g;
        size_t k;
        json_array_foreach(groups, k, g)
        {
            const char *name = json_string_value(g);
            json_t *c = name ? json_object_get(counts, name) : NULL;
            if (name)
                json_object_set_new(counts, name, json_integer(c ? json_integer_value(c) + 1 : 1));
        }
        json_decref(groups);
    }
    json_t *items = json_array();
    const char *name;
    json_t *c;
    json_object_foreach(counts, name, c)
    {
        json_array_append_new(items, json_pack("{s:s, s:O}", "name", name, "members", c));
    }
    json_decref(counts);
    *out = items ? json_pack("{s:o}", "items", items) : NULL;
    return *out ? true : admin_fail(err, ctx->arena, 500, NULL, "out of memory");
}
