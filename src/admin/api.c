/* The admin API, /admin/v1/ (docs/admin.md, web/admin/openapi.json): JSON
 * over HTTP on the operations of admin.h, served by the authorization
 * server beside its own routes (oauth_serve_with).
 *
 * Every request but the OpenAPI document needs a bearer access token of
 * this server (verified as userinfo verifies one, revocation included) with
 * the scope gatehouse:admin, issued to a client for itself (client
 * credentials): 401 with WWW-Authenticate without a valid one, 403 without
 * the scope or for a member's token, and nothing runs. Each operation is a row of OPS
 * (method, path pattern, the query parameters it accepts, handler); a path
 * no row matches is 404, a method no row of its path takes is 405 with
 * Allow. Every error is RFC 9457 problem details (application/problem+json)
 * naming the offending field where there is one. Request bodies are JSON
 * objects (Content-Type application/json), duplicate members refused. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin/admin_int.h"
#include "core/assets.h"
#include "core/buf.h"
#include "core/secret.h"
#include "oauth/server.h"
#include "oauth/signing_keys.h"

#define API_PREFIX "/admin/v1/"
#define MAX_SEGMENTS 5
#define MAX_ARGS 2
#define PROBLEM_TYPE "application/problem+json"

/* One request on its way through: the captured path segments ({} of the
 * pattern), the operations' context and the JSON body when there is one. */
typedef struct {
    http_request_t *req;
    http_response_t *res;
    admin_ctx_t ctx;
    const char *args[MAX_ARGS];
    json_t *body;
} api_t;

typedef void (*api_fn)(api_t *x);

typedef struct {
    unsigned method;
    const char *pattern;       /* segments after /admin/v1/; "{}" captures one */
    const char *const *params; /* query parameters it accepts, ended by NULL; NULL: none */
    api_fn run;
} api_op_t;

static const char *status_title(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return "Internal Server Error";
    }
}

/* RFC 9457 problem details; field (may be NULL) is named in `field` and in
 * `errors`, as the API's clients read it. */
static void problem(http_request_t *req, http_response_t *res, int status, const char *field,
                    const char *detail)
{
    json_t *p = json_pack("{s:s, s:s, s:i, s:s?}", "type", "about:blank", "title",
                          status_title(status), "status", status, "detail", detail);
    if (p && field) {
        json_object_set_new(p, "field", json_string(field));
        json_object_set_new(p, "errors",
                            json_pack("[{s:s, s:s?}]", "field", field, "detail", detail));
    }
    http_response_json(req, res, status, p);
    res->content_type = PROBLEM_TYPE;
    json_decref(p);
}

static void fail(api_t *x, const admin_error_t *err)
{
    problem(x->req, x->res, err->status, err->field, err->detail);
}

void admin_api_refused(http_request_t *req, http_response_t *res, int status)
{
    if (admin_registration_refused(req, res, status))
        return;
    const char *detail = status == 413   ? "the request body is too large"
                         : status == 405 ? "the method is not allowed here"
                                         : "the request is malformed (a query parameter "
                                           "repeated, too long or not decodable)";
    problem(req, res, status, NULL, detail);
}

/* Answers with v (taken): status, and a Location when location is set. */
static void answer(api_t *x, int status, json_t *v, const char *location)
{
    http_response_json(x->req, x->res, status, v);
    json_decref(v);
    if (location)
        http_response_header(x->res, "Location", location);
}

static void no_content(api_t *x)
{
    x->res->status = 204;
    x->res->kind = HTTP_KIND_JSON;
    x->res->body = "";
    x->res->body_len = 0;
}

/* ---- the body and the query ---- */

/* The request's body as a JSON object into x->body; false with a problem
 * written when there is none, it is not JSON or not an object. optional: an
 * empty body is {}. */
static bool read_body(api_t *x, bool optional)
{
    const char *type = http_request_header(x->req, "Content-Type");
    size_t n = strlen("application/json");
    json_error_t jerr;
    if (optional && x->req->body_len == 0) {
        x->body = json_object();
    } else if (!type || strncasecmp(type, "application/json", n) != 0 ||
               (type[n] && type[n] != ';' && type[n] != ' ')) {
        problem(x->req, x->res, 415, NULL, "the body must be application/json");
        return false;
    } else {
        x->body = json_loadb(x->req->body, x->req->body_len, JSON_REJECT_DUPLICATES, &jerr);
        if (!x->body) {
            problem(x->req, x->res, 400, NULL,
                    arena_printf(x->req->arena, "the body is not JSON: %s", jerr.text));
            return false;
        }
    }
    if (x->body)
        arena_defer(x->req->arena, (void (*)(void *))json_decref, x->body);
    if (!json_is_object(x->body)) {
        problem(x->req, x->res, 400, NULL, "the body must be a JSON object");
        return false;
    }
    return true;
}

static const char *query(api_t *x, const char *name)
{
    return http_pairs_get(&x->req->query, name);
}

/* Query parameters the operation does not take are refused, naming them. */
static bool known_params(api_t *x, const char *const *params)
{
    for (size_t i = 0; i < x->req->query.count; i++) {
        const char *name = x->req->query.items[i].name;
        const char *const *p = params;
        while (p && *p && strcmp(*p, name) != 0)
            p++;
        if (!p || !*p) {
            problem(x->req, x->res, 400, name,
                    arena_printf(x->req->arena, "%s: unknown query parameter", name));
            return false;
        }
    }
    return true;
}

static bool page(api_t *x, admin_page_t *out)
{
    admin_error_t err;
    if (admin_page_parse(query(x, "limit"), query(x, "cursor"), out, &err))
        return true;
    fail(x, &err);
    return false;
}

/* After an operation that answers an object: status with *out when ok
 * (out is read only now: the operation has run), else the problem. */
static void reply(api_t *x, bool ok, json_t **out, admin_error_t *err, int status,
                  const char *location)
{
    if (ok)
        answer(x, status, *out, location);
    else
        fail(x, err);
}

/* ---- clients ---- */

static void clients_list(api_t *x)
{
    admin_page_t p;
    admin_error_t err;
    json_t *out = NULL;
    if (page(x, &p))
        reply(x, admin_client_list(&x->ctx, &p, &out, &err), &out, &err, 200, NULL);
}

static void clients_create(api_t *x)
{
    admin_client_in_t in;
    admin_error_t err;
    json_t *out = NULL;
    if (!read_body(x, false))
        return;
    bool ok = admin_client_check(x->req->arena, x->body, &in, &err) &&
              admin_client_create(&x->ctx, &in, &out, &err);
    const char *loc =
        ok ? arena_printf(x->req->arena, API_PREFIX "clients/%s", in.client.id) : NULL;
    reply(x, ok, &out, &err, 201, loc);
}

static void clients_get(api_t *x)
{
    admin_error_t err;
    json_t *out = NULL;
    reply(x, admin_client_get(&x->ctx, x->args[0], &out, &err), &out, &err, 200, NULL);
}

static void clients_update(api_t *x)
{
    admin_error_t err;
    json_t *out = NULL;
    if (read_body(x, false))
        reply(x, admin_client_update(&x->ctx, x->args[0], x->body, &out, &err), &out, &err, 200,
              NULL);
}

static void clients_delete(api_t *x)
{
    admin_error_t err;
    if (admin_client_delete(&x->ctx, x->args[0], &err))
        no_content(x);
    else
        fail(x, &err);
}

static void clients_rotate(api_t *x)
{
    admin_error_t err;
    json_t *out = NULL;
    reply(x, admin_client_rotate(&x->ctx, x->args[0], &out, &err), &out, &err, 200, NULL);
}

/* ---- members ---- */

static void users_list(api_t *x)
{
    admin_page_t p;
    admin_error_t err;
    json_t *out = NULL;
    if (page(x, &p))
        reply(x, admin_user_list(&x->ctx, &p, query(x, "q"), &out, &err), &out, &err, 200, NULL);
}

/* Wipes the body's password (jansson frees without wiping). */
static void wipe_password(json_t *body)
{
    json_t *pw = json_object_get(body, "password");
    if (json_is_string(pw))
        secret_wipe((char *)json_string_value(pw), json_string_length(pw));
}

static void users_create(api_t *x)
{
    admin_user_in_t in;
    admin_error_t err;
    json_t *out = NULL;
    if (!read_body(x, false))
        return;
    bool ok = admin_user_check(x->req->arena, x->body, &in, &err) &&
              admin_user_create(&x->ctx, &in, &out, &err);
    wipe_password(x->body);
    const char *sub = ok ? json_string_value(json_object_get(out, "sub")) : NULL;
    reply(x, ok, &out, &err, 201,
          sub ? arena_printf(x->req->arena, API_PREFIX "users/%s", sub) : NULL);
}

static void users_get(api_t *x)
{
    admin_error_t err;
    json_t *out = NULL;
    reply(x, admin_user_get(&x->ctx, x->args[0], &out, &err), &out, &err, 200, NULL);
}

static void users_update(api_t *x)
{
    admin_error_t err;
    json_t *out = NULL;
    if (read_body(x, false))
        reply(x, admin_user_update(&x->ctx, x->args[0], x->body, &out, &err), &out, &err, 200,
              NULL);
}

static void users_delete(api_t *x)
{
    admin_error_t err;
    if (admin_user_delete(&x->ctx, x->args[0], &err))
        no_content(x);
    else
        fail(x, &err);
}

static void set_disabled(api_t *x, bool disabled)
{
    admin_error_t err;
    json_t *out = NULL;
    reply(x, admin_user_set_disabled(&x->ctx, x->args[0], disabled, &out, &err), &out, &err, 200,
          NULL);
}

static void users_disable(api_t *x)
{
    set_disabled(x, true);
}

static void users_enable(api_t *x)
{
    set_disabled(x, false);
}

static void users_password(api_t *x)
{
    static const char *const FIELDS[] = {"password", NULL};
    admin_error_t err;
    const char *password = NULL;
    if (!read_body(x, false))
        return;
    bool ok = admin_known_members(x->req->arena, x->body, FIELDS, &err) &&
              admin_get_string(x->req->arena, x->body, "password", &password, &err);
    if (ok && !password)
        ok = admin_fail(&err, x->req->arena, 400, "password", "is required");
    ok = ok && admin_user_set_password(&x->ctx, x->args[0], password, &err);
    wipe_password(x->body);
    if (ok)
        no_content(x);
    else
        fail(x, &err);
}

static void users_mfa_reset(api_t *x)
{
    admin_error_t err;
    if (admin_user_reset_mfa(&x->ctx, x->args[0], &err))
        no_content(x);
    else
        fail(x, &err);
}

/* ---- a member's sessions and grants ---- */

static void sessions_list(api_t *x)
{
    admin_error_t err;
    json_t *out = NULL;
    reply(x, admin_sessions_list(&x->ctx, x->args[0], &out, &err), &out, &err, 200, NULL);
}

static void sessions_revoke(api_t *x)
{
    admin_error_t err;
    if (admin_sessions_revoke(&x->ctx, x->args[0], x->args[1], &err))
        no_content(x);
    else
        fail(x, &err);
}

static void grants_list(api_t *x)
{
    admin_error_t err;
    json_t *out = NULL;
    reply(x, admin_grants_list(&x->ctx, x->args[0], &out, &err), &out, &err, 200, NULL);
}

static void grants_revoke(api_t *x)
{
    admin_error_t err;
    if (admin_grants_revoke(&x->ctx, x->args[0], x->args[1], &err))
        no_content(x);
    else
        fail(x, &err);
}

static void links_list(api_t *x)
{
    admin_error_t err;
    json_t *out = NULL;
    reply(x, admin_links_list(&x->ctx, x->args[0], &out, &err), &out, &err, 200, NULL);
}

static void links_remove(api_t *x)
{
    admin_error_t err;
    if (admin_links_remove(&x->ctx, x->args[0], x->args[1], &err))
        no_content(x);
    else
        fail(x, &err);
}

/* ---- keys and events ---- */

static void keys_list(api_t *x)
{
    admin_error_t err;
    json_t *out = NULL;
    reply(x, admin_keys_list(&x->ctx, &out, &err), &out, &err, 200, NULL);
}

static void groups_list(api_t *x)
{
    admin_error_t err;
    json_t *out = NULL;
    reply(x, admin_groups_list(&x->ctx, &out, &err), &out, &err, 200, NULL);
}

static void keys_rotate(api_t *x)
{
    static const char *const FIELDS[] = {"activate_in", NULL};
    const char *kids[JOSE_ALG_COUNT] = {NULL};
    size_t n = 0;
    admin_error_t err;
    if (!read_body(x, true))
        return;
    json_t *in = json_object_get(x->body, "activate_in");
    long delay = SIGNING_KEYS_ACTIVATE_AFTER;
    bool ok = admin_known_members(x->req->arena, x->body, FIELDS, &err);
    if (ok && in &&
        (!json_is_integer(in) || json_integer_value(in) < 0 || json_integer_value(in) > 86400))
        ok = admin_fail(&err, x->req->arena, 400, "activate_in",
                        "must be whole seconds, 0 to 86400");
    if (ok && in)
        delay = (long)json_integer_value(in);
    if (ok && admin_keys_rotate(&x->ctx, NULL, 0, delay, kids, &n, &err))
        answer(x, 200, json_pack("{s:o}", "kids", admin_string_array(kids, n)), NULL);
    else
        fail(x, &err);
}

/* A unix time from the query parameter name into *out (0 when absent). */
static bool time_param(api_t *x, const char *name, int64_t *out)
{
    const char *v = query(x, name);
    char *end = NULL;
    *out = 0;
    if (!v)
        return true;
    long long t = strtoll(v, &end, 10);
    if (*v && !*end && t >= 0 && t <= 253402300799LL) {
        *out = t;
        return true;
    }
    problem(x->req, x->res, 400, name,
            arena_printf(x->req->arena, "%s: must be a unix time in seconds", name));
    return false;
}

static void events_list(api_t *x)
{
    admin_page_t p;
    admin_error_t err;
    json_t *out = NULL;
    store_event_filter_t f = {
        .action = query(x, "action"), .actor = query(x, "actor"), .target = query(x, "target")};
    if (page(x, &p) && time_param(x, "since", &f.since) && time_param(x, "until", &f.until))
        reply(x, admin_events_list(&x->ctx, &p, &f, &out, &err), &out, &err, 200, NULL);
}

/* ---- routing ---- */

static const char *const PAGED[] = {"limit", "cursor", NULL};
static const char *const USER_QUERY[] = {"limit", "cursor", "q", NULL};
static const char *const EVENT_QUERY[] = {"limit",  "cursor", "action", "actor",
                                          "target", "since",  "until",  NULL};

static const api_op_t OPS[] = {
    {HTTP_GET, "clients", PAGED, clients_list},
    {HTTP_POST, "clients", NULL, clients_create},
    {HTTP_GET, "clients/{}", NULL, clients_get},
    {HTTP_PATCH, "clients/{}", NULL, clients_update},
    {HTTP_DELETE, "clients/{}", NULL, clients_delete},
    {HTTP_POST, "clients/{}/secret", NULL, clients_rotate},
    {HTTP_GET, "users", USER_QUERY, users_list},
    {HTTP_POST, "users", NULL, users_create},
    {HTTP_GET, "users/{}", NULL, users_get},
    {HTTP_PATCH, "users/{}", NULL, users_update},
    {HTTP_DELETE, "users/{}", NULL, users_delete},
    {HTTP_POST, "users/{}/disable", NULL, users_disable},
    {HTTP_POST, "users/{}/enable", NULL, users_enable},
    {HTTP_POST, "users/{}/password", NULL, users_password},
    {HTTP_DELETE, "users/{}/mfa", NULL, users_mfa_reset},
    {HTTP_GET, "users/{}/sessions", NULL, sessions_list},
    {HTTP_DELETE, "users/{}/sessions", NULL, sessions_revoke},
    {HTTP_DELETE, "users/{}/sessions/{}", NULL, sessions_revoke},
    {HTTP_GET, "users/{}/grants", NULL, grants_list},
    {HTTP_DELETE, "users/{}/grants", NULL, grants_revoke},
    {HTTP_DELETE, "users/{}/grants/{}", NULL, grants_revoke},
    {HTTP_GET, "users/{}/links", NULL, links_list},
    {HTTP_DELETE, "users/{}/links/{}", NULL, links_remove},
    {HTTP_GET, "groups", NULL, groups_list},
    {HTTP_GET, "keys", NULL, keys_list},
    {HTTP_POST, "keys/rotate", NULL, keys_rotate},
    {HTTP_GET, "events", EVENT_QUERY, events_list},
};
#define OP_COUNT (sizeof OPS / sizeof OPS[0])

/* Whether the path's segments (seg[0..n)) match pattern; captures into args. */
static bool matches(const char *pattern, char **seg, size_t n, const char **args)
{
    size_t i = 0, k = 0;
    for (const char *p = pattern; *p && i < n; i++) {
        size_t len = strcspn(p, "/");
        if (len == 2 && !strncmp(p, "{}", 2))
            args[k++] = seg[i];
        else if (strlen(seg[i]) != len || strncmp(p, seg[i], len) != 0)
            return false;
        p += len + (p[len] == '/');
        if (!*p)
            return i + 1 == n;
    }
    return false;
}

/* The path after the prefix split at '/' into seg[] (in the arena): n
 * segments, each non-empty; false when there are too many or an empty one. */
static bool split(arena_t *a, const char *rest, char **seg, size_t *n)
{
    char *copy = arena_strdup(a, rest);
    *n = 0;
    for (char *s; copy && (s = strsep(&copy, "/"));) {
        if (!*s || *n == MAX_SEGMENTS)
            return false;
        seg[(*n)++] = s;
    }
    return *n > 0;
}

/* Whether member sub, through client, may use the API: only through the
 * console, and only while the member holds the admin role and is enabled
 * (read now, so that removing the role takes effect at the next request).
 * False with 403 or 503 written otherwise. */
static bool member_admin(api_t *x, const char *sub, const char *client)
{
    store_user_t u;
    if (!sub || !client || strcmp(client, OAUTH_CONSOLE_CLIENT_ID) != 0) {
        problem(x->req, x->res, 403, NULL,
                "only a client's own token (client credentials) or the console's may use the "
                "admin API");
        return false;
    }
    gh_status_t st = store_user_get(x->ctx.store, x->req->arena, sub, &u);
    if (st == GH_OK && u.is_admin && !u.disabled_at)
        return true;
    if (st != GH_OK && st != GH_ERR_NOT_FOUND)
        problem(x->req, x->res, 503, NULL, "the database is unavailable");
    else
        problem(x->req, x->res, 403, NULL, "this member does not have the admin role");
    return false;
}

/* 401 or 403 (and false) unless the request carries a valid access token of
 * this server with the admin scope; the token's sub becomes the actor. */
static bool authorized(api_t *x)
{
    json_t *claims = NULL;
    const char *why = NULL;
    gh_status_t st = oauth_request_bearer(x->req, &claims, &why);
    if (st == GH_ERR_NOT_FOUND) {
        problem(x->req, x->res, 401, NULL, "a bearer access token is required");
        http_response_header(x->res, "WWW-Authenticate", "Bearer realm=\"gatehouse-admin\"");
        return false;
    }
    if (st == GH_ERR_INVALID) {
        problem(x->req, x->res, 401, NULL, why ? why : "the access token is invalid");
        http_response_header(x->res, "WWW-Authenticate",
                             "Bearer realm=\"gatehouse-admin\", error=\"invalid_token\"");
        return false;
    }
    if (st != GH_OK) {
        problem(x->req, x->res, 503, NULL, "the database is unavailable");
        return false;
    }
    const char *scope = json_string_value(json_object_get(claims, "scope"));
    size_t n = strlen(ADMIN_SCOPE);
    bool has = false;
    for (const char *p = scope; p && *p && !has; p += strcspn(p, " "), p += *p == ' ')
        has = strcspn(p, " ") == n && !strncmp(p, ADMIN_SCOPE, n);
    if (!has) {
        problem(x->req, x->res, 403, NULL, "the access token lacks the scope " ADMIN_SCOPE);
        http_response_header(x->res, "WWW-Authenticate",
                             "Bearer realm=\"gatehouse-admin\", error=\"insufficient_scope\", "
                             "scope=\"" ADMIN_SCOPE "\"");
        return false;
    }
    /* a client's own token (client credentials: sub is the client), or a
     * member's from the console while the member holds the admin role; a
     * member's token from any other client that registered the scope does
     * not make the member an administrator */
    const char *sub = json_string_value(json_object_get(claims, "sub"));
    const char *client = json_string_value(json_object_get(claims, "client_id"));
    bool own = sub && client && !strcmp(sub, client) && !json_object_get(claims, "auth_time");
    if (!own && !member_admin(x, sub, client))
        return false;
    x->ctx.actor = sub;
    return true;
}

/* The operation of the request's path and method: *op, or 404 / 405 written. */
static bool route(api_t *x, const api_op_t **op)
{
    char *seg[MAX_SEGMENTS];
    size_t n = 0;
    unsigned allowed = 0;
    const char *rest = x->req->path + strlen(API_PREFIX);
    if (split(x->req->arena, rest, seg, &n))
        for (size_t i = 0; i < OP_COUNT; i++) {
            const char *args[MAX_ARGS] = {NULL};
            if (!matches(OPS[i].pattern, seg, n, args))
                continue;
            allowed |= OPS[i].method | (OPS[i].method == HTTP_GET ? HTTP_HEAD : 0);
            if (OPS[i].method == x->req->method ||
                (x->req->method == HTTP_HEAD && OPS[i].method == HTTP_GET)) {
                memcpy(x->args, args, sizeof args);
                *op = &OPS[i];
                return true;
            }
        }
    if (!allowed) {
        problem(x->req, x->res, 404, NULL, "no such resource");
        return false;
    }
    buf_t b;
    buf_init(&b, x->req->arena);
    static const struct {
        unsigned bit;
        const char *name;
    } NAMES[] = {{HTTP_GET, "GET"},
                 {HTTP_HEAD, "HEAD"},
                 {HTTP_POST, "POST"},
                 {HTTP_PATCH, "PATCH"},
                 {HTTP_DELETE, "DELETE"}};
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
        if (allowed & NAMES[i].bit)
            buf_printf(&b, "%s%s", b.len ? ", " : "", NAMES[i].name);
    problem(x->req, x->res, 405, NULL, "the method is not allowed here");
    http_response_header(x->res, "Allow", buf_cstr(&b));
    return false;
}

static void api_handler(http_request_t *req, http_response_t *res)
{
    api_t x = {.req = req,
               .res = res,
               .ctx = {.store = oauth_request_store(req),
                       .cfg = oauth_request_config(req),
                       .config = oauth_request_whole_config(req),
                       .arena = req->arena,
                       .ip = req->remote_addr}};
    const api_op_t *op = NULL;
    if (!authorized(&x) || !route(&x, &op) || !known_params(&x, op->params))
        return;
    op->run(&x);
}

static void openapi_handler(http_request_t *req, http_response_t *res)
{
    const asset_t *doc = asset_find(ASSETS, "admin/openapi.json");
    if (!doc) {
        problem(req, res, 404, NULL, "no OpenAPI document in this build");
        return;
    }
    http_response_json_raw(res, 200, doc->data, doc->len);
}

/* Every query parameter any operation takes: the HTTP layer refuses a
 * repeated or overlong one before the handler runs. */
static const http_param_spec_t PARAMS[] = {
    {"limit", 16},  {"cursor", ADMIN_CURSOR_MAX},
    {"q", 256},     {"action", 64},
    {"actor", 256}, {"target", 256},
    {"since", 20},  {"until", 20},
    {NULL, 0},
};

const http_route_t ADMIN_ROUTES[] = {
    {HTTP_GET, API_PREFIX "openapi.json", openapi_handler, "admin_openapi", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/admin/", admin_console_page, "admin_console", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/admin/callback", admin_console_page, "admin_console", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/admin/console.js", admin_console_asset, "admin_console", NULL, HTTP_CORS_NONE},
    {HTTP_GET, "/admin/console.css", admin_console_asset, "admin_console", NULL, HTTP_CORS_NONE},
    {HTTP_GET | HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE | HTTP_OPTIONS, API_PREFIX "*",
     api_handler, "admin", PARAMS, HTTP_CORS_NONE},
};
const size_t ADMIN_ROUTE_COUNT = sizeof ADMIN_ROUTES / sizeof ADMIN_ROUTES[0];
