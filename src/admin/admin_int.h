/* Private to admin/: the error setters and the JSON member readers the
 * operations share, so that every field is checked, and named, one way. */
#ifndef GH_ADMIN_INT_H
#define GH_ADMIN_INT_H

#include "admin/admin.h"

/* Limits of what a body may hold. */
#define ADMIN_LIST_MAX 32    /* redirect URIs, post-logout URIs, grant types */
#define ADMIN_URI_MAX 2000   /* bytes of one URI */
#define ADMIN_TEXT_MAX 200   /* client_name, nickname, name */
#define ADMIN_CURSOR_MAX 200 /* bytes of a page cursor */

/* Sets *err (detail printed into a, "field: " first when field is set) and
 * returns false. */
bool admin_fail(admin_error_t *err, arena_t *a, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* A store failure as an error: NOT_FOUND 404 ("no <what> '<name>'"),
 * CONFLICT 409 ("<what> '<name>' already exists"), UNAVAILABLE 503, else 500. */
bool admin_store_fail(admin_error_t *err, arena_t *a, gh_status_t st, const char *what,
                      const char *name);

/* Refuses a member of obj not among names (ended by NULL): 400 naming it. */
bool admin_known_members(arena_t *a, const json_t *obj, const char *const *names,
                         admin_error_t *err);

/* Member name of obj as a string: absent or null gives *out NULL (true);
 * another type is 400. */
bool admin_get_string(arena_t *a, const json_t *obj, const char *name, const char **out,
                      admin_error_t *err);

/* Member name of obj as a boolean: absent or null gives *out false (true);
 * another type is 400. */
bool admin_get_bool(arena_t *a, const json_t *obj, const char *name, bool *out, admin_error_t *err);

/* Member name of obj as an array of at most ADMIN_LIST_MAX strings of at
 * most max bytes each, into an arena array: absent gives *present false. */
bool admin_get_strings(arena_t *a, const json_t *obj, const char *name, size_t max,
                       const char ***out, size_t *count, bool *present, admin_error_t *err);

/* Member attributes of body (RFC 7396 merged into base, the member's JSON
 * text or NULL) into *out, checked (oidc_attributes_check: 400 naming
 * "attributes.KEY"): JSON text in a, NULL when none is left. Absent: base. */
bool admin_read_attributes(arena_t *a, const json_t *body, const char *base, const char **out,
                           admin_error_t *err);

/* Member groups of body (an array of group names, duplicates dropped, null
 * for none) into *out as JSON text in a (NULL when none). Absent: base. */
bool admin_read_groups(arena_t *a, const json_t *body, const char *base, const char **out,
                       admin_error_t *err);

/* The JSON object (array) text holds, or an empty one. A new reference. */
json_t *admin_json_text(const char *text, bool array);

/* A JSON array of the strings items[0..count). */
json_t *admin_string_array(const char *const *items, size_t count);

/* {"items": items, "next_cursor": next or null}, taking items. */
json_t *admin_page_json(json_t *items, const char *next);

/* The console's handlers (console.c): GET /admin/ and /admin/callback (the
 * page), /admin/console.js and /admin/console.css; 404 with admin_listen. */
void admin_console_page(http_request_t *req, http_response_t *res);
void admin_console_asset(http_request_t *req, http_response_t *res);

/* ---- the client operations under another audit action (clients.c), for
 * dynamic registration (registration.c) ---- */

/* admin_client_create, recorded as action; in->client.dynamic and
 * registration_token_digest are stored as given (a dynamic client's
 * last_used_at starts at its creation). */
bool admin_client_insert(const admin_ctx_t *ctx, const admin_client_in_t *in, const char *action,
                         json_t **out, admin_error_t *err);

/* admin_client_update (replace false: body merged into the client), or
 * body replacing the client's metadata whole (RFC 7592 §2.2: a member left
 * out is removed); token_digest (NULL: kept) becomes its registration access
 * token's digest. Recorded as action. */
bool admin_client_apply(const admin_ctx_t *ctx, const char *id, const json_t *body, bool replace,
                        const char *token_digest, const char *action, json_t **out,
                        admin_error_t *err);

/* admin_client_delete, recorded as action. */
bool admin_client_remove(const admin_ctx_t *ctx, const char *id, const char *action,
                         admin_error_t *err);

#endif
