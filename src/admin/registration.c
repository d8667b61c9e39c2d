/* Dynamic client registration (RFC 7591) and its management (RFC 7592) at
 * /oauth2/v1/register and /oauth2/v1/register/{client_id} (docs/clients.md),
 * on the admin module's one client model: a registration body is filtered
 * to the members a registrant may set (others are ignored, RFC 7591 §2),
 * then checked by admin_client_check like every other client.
 *
 * Who may register is the setting registration_policy: off (the paths
 * answer 404 and the metadata names no registration_endpoint),
 * initial_access_token (a bearer token from `gatehouse client initial-token`,
 * spent atomically) or open. An open registration gets only a public client
 * (token_endpoint_auth_method none, so PKCE, which the server requires of
 * public clients), the grants authorization_code and refresh_token, the
 * scopes of OPEN_SCOPES, and no member that makes the server call out
 * (jwks_uri, logout URIs). No registration ever gets an admin scope, the
 * operator's members (id_token_claims, resources) or a client_id of its
 * choosing. Registrations are counted per client address (registration_rate,
 * oauth_throttle_registration); dynamic clients unused for
 * registration_unused_ttl are deleted at the next registration and by the
 * server's chore (admin_registration_chore).
 *
 * The registration access token (RFC 7592 §1) is random, kept only as its
 * SHA-256 digest, compared in constant time, and replaced by each update.
 * Errors are RFC 7591 §3.2.2 / RFC 6750 §3 JSON objects. Trusts nothing of
 * the request. */
#include <string.h>
#include <strings.h>

#include "admin/admin_int.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/secret.h"
#include "oauth/audit.h"
#include "oidc/oidc.h"

#define BODY_MAX (32 * 1024) /* bytes of a registration; the server's max_body is larger */
#define CLIENT_ID_BYTES 16   /* random bytes of a generated client_id (32 hex) */
#define MANAGE_PREFIX OIDC_REGISTRATION_PATH "/"
#define ACTOR "registration" /* the audit trail's actor of a new registration */

#define ERR_METADATA "invalid_client_metadata" /* RFC 7591 §3.2.2 */
#define ERR_REDIRECT "invalid_redirect_uri"
#define ERR_TOKEN "invalid_token" /* RFC 6750 §3.1 */

/* The members a registrant may set; the other members of the client model
 * (client_id, client_secret, id_token_claims, resources, require_mfa) are
 * the operator's, and ignored like unknown ones (RFC 7591 §2). */
static const char *const REGISTRANT[] = {"client_name",
                                         "redirect_uris",
                                         "post_logout_redirect_uris",
                                         "grant_types",
                                         "response_types",
                                         "scope",
                                         "token_endpoint_auth_method",
                                         "application_type",
                                         "contacts",
                                         "subject_type",
                                         "require_pushed_authorization_requests",
                                         "jwks",
                                         "jwks_uri",
                                         "backchannel_logout_uri",
                                         "backchannel_logout_session_required",
                                         "frontchannel_logout_uri",
                                         "frontchannel_logout_session_required",
                                         NULL};

/* Of those, what only a registration with an initial access token may set:
 * keys (private_key_jwt; a jwks_uri is fetched by the server) and the
 * logout URIs the server calls or frames. */
static const char *const TRUSTED_ONLY[] = {"jwks",
                                           "jwks_uri",
                                           "backchannel_logout_uri",
                                           "backchannel_logout_session_required",
                                           "frontchannel_logout_uri",
                                           "frontchannel_logout_session_required",
                                           NULL};

/* The scopes an open registration may ask for. */
static const char *const OPEN_SCOPES[] = {"openid", "profile", "email", "offline_access", NULL};

/* Members of the model's answer a registrant is not shown. */
static const char *const HIDDEN[] = {"id_token_claims", "resources",   "registered_by",
                                     "last_used_at",    "require_mfa", NULL};

static bool listed(const char *const *names, const char *name, size_t n)
{
    for (; *names; names++)
        if (strlen(*names) == n && !strncmp(*names, name, n))
            return true;
    return false;
}

/* ---- the body (pure: the fuzz target's entry) ---- */

/* RFC 7591 §3.2.2: a redirect URI error has its own code. */
static const char *error_code(const admin_error_t *err)
{
    const char *f = err->field;
    return f && (!strcmp(f, "redirect_uris") || !strcmp(f, "post_logout_redirect_uris"))
               ? ERR_REDIRECT
               : ERR_METADATA;
}

/* What an open registration may not have, once checked. */
static bool open_limits(arena_t *a, const json_t *body, const store_client_t *cl,
                        admin_error_t *err)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)body, key, value)
    {
        if (listed(TRUSTED_ONLY, key, strlen(key)) && !json_is_null(value))
            return admin_fail(err, a, 400, key,
                              "needs an initial access token (registration_policy)");
    }
    if (!cl->is_public)
        return admin_fail(err, a, 400, "token_endpoint_auth_method",
                          "an open registration is a public client: none (with PKCE)");
    if (cl->grants & ~(unsigned)(STORE_GRANT_AUTHORIZATION_CODE | STORE_GRANT_REFRESH_TOKEN))
        return admin_fail(err, a, 400, "grant_types",
                          "an open registration may use authorization_code and refresh_token "
                          "only");
    for (const char *p = cl->scope; *p; p += strcspn(p, " "), p += *p == ' ')
        if (!listed(OPEN_SCOPES, p, strcspn(p, " ")))
            return admin_fail(err, a, 400, "scope",
                              "an open registration may ask for openid profile email "
                              "offline_access only");
    return true;
}

/* No registration gets the admin API's scope. */
static bool no_admin_scope(arena_t *a, const store_client_t *cl, admin_error_t *err)
{
    size_t n = strlen(OAUTH_ADMIN_SCOPE);
    for (const char *p = cl->scope; *p; p += strcspn(p, " "), p += *p == ' ')
        if (strcspn(p, " ") == n && !strncmp(p, OAUTH_ADMIN_SCOPE, n))
            return admin_fail(err, a, 400, "scope",
                              OAUTH_ADMIN_SCOPE " is never given to a registration");
    return true;
}

bool admin_registration_read(arena_t *a, const char *text, size_t len, bool open,
                             const char *client_id, admin_client_in_t *in, json_t **accepted,
                             const char **code, admin_error_t *err)
{
    const char *key;
    json_t *value;
    *accepted = NULL;
    *code = ERR_METADATA;
    if (len > BODY_MAX)
        return admin_fail(err, a, 413, NULL, "the registration is over %d bytes", BODY_MAX);
    json_t *body = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *doc = json_is_object(body) ? json_object() : NULL;
    json_object_foreach(doc ? body : NULL, key, value)
    {
        if (listed(REGISTRANT, key, strlen(key)))
            json_object_set(doc, key, value);
    }
    json_decref(body);
    if (!doc)
        return admin_fail(err, a, 400, NULL, "the body must be a JSON object");
    json_object_set_new(doc, "client_id", json_string(client_id));
    if (!json_object_get(doc, "application_type")) /* OpenID Connect DCR §2: the default */
        json_object_set_new(doc, "application_type", json_string("web"));
    bool ok = admin_client_check(a, doc, in, err) && no_admin_scope(a, &in->client, err) &&
              (!open || open_limits(a, doc, &in->client, err));
    if (!ok) {
        *code = error_code(err);
        err->field = err->field ? arena_strdup(a, err->field) : NULL; /* may be doc's key */
        json_decref(doc);
        return false;
    }
    if (arena_defer(a, (void (*)(void *))json_decref, doc) != 0) /* released at once */
        return admin_fail(err, a, 500, NULL, "out of memory");
    *accepted = doc; /* in's strings are borrowed from it */
    return true;
}

/* ---- answers ---- */

static void reg_error(http_request_t *req, http_response_t *res, int status, const char *code,
                      const char *detail)
{
    json_t *o = json_pack("{s:s, s:s?}", "error", code, "error_description", detail);
    http_response_json(req, res, status, o);
    json_decref(o);
    if (status == 401) /* RFC 6750 §3 */
        http_response_header(res, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
}

static void reg_fail(http_request_t *req, http_response_t *res, const char *code,
                     const admin_error_t *err)
{
    if (err->status >= 500) /* err->detail already names the field */
        reg_error(req, res, err->status, "server_error", err->detail);
    else
        reg_error(req, res, err->status == 413 ? 413 : 400, code, err->detail);
}

/* The client as its registrant sees it (RFC 7591 §3.2.1, RFC 7592 §3):
 * out, less the operator's members, with the management URI and token. */
static void reg_answer(http_request_t *req, http_response_t *res, int status, json_t *out,
                       const char *token)
{
    const char *id = json_string_value(json_object_get(out, "client_id"));
    const char *issuer = oauth_request_config(req)->issuer;
    for (const char *const *h = HIDDEN; *h; h++)
        json_object_del(out, *h);
    if (json_object_get(out, "client_secret"))
        json_object_set_new(out, "client_secret_expires_at", json_integer(0)); /* never */
    json_object_set_new(out, "registration_access_token", json_string(token));
    json_object_set_new(
        out, "registration_client_uri",
        json_string(arena_printf(req->arena, "%s" MANAGE_PREFIX "%s", issuer, id ? id : "")));
    http_response_json(req, res, status, out);
    json_decref(out);
    http_response_header(res, "Pragma", "no-cache");
}

/* ---- the requests ---- */

static admin_ctx_t context(http_request_t *req, const char *actor)
{
    return (admin_ctx_t){.store = oauth_request_store(req),
                         .cfg = oauth_request_config(req),
                         .config = oauth_request_whole_config(req),
                         .arena = req->arena,
                         .actor = actor,
                         .ip = req->remote_addr};
}

static const char *token_digest(arena_t *a, const char *token)
{
    char *hex = arena_alloc(a, SECRET_DIGEST_HEX_LEN + 1);
    if (hex)
        secret_sha256_hex(token, strlen(token), hex);
    return hex;
}

/* A JSON body of at most BODY_MAX bytes, else an error written. */
static bool body_ok(http_request_t *req, http_response_t *res)
{
    const char *type = http_request_header(req, "Content-Type");
    size_t n = strlen("application/json");
    if (req->body_len > BODY_MAX) {
        reg_error(req, res, 413, ERR_METADATA, "the registration is too large");
        return false;
    }
    if (!type || strncasecmp(type, "application/json", n) != 0 ||
        (type[n] && type[n] != ';' && type[n] != ' ')) {
        reg_error(req, res, 400, ERR_METADATA, "the body must be application/json");
        return false;
    }
    return true;
}

#define REGISTRATION_SWEEP_EVERY 60 /* seconds between two chores' sweeps, at most */

/* Deletes the dynamic clients nobody used for registration_unused_ttl (one
 * statement: of instances sweeping at once, each client goes, and is told in
 * the audit trail, once). */
static void sweep_unused(const admin_ctx_t *ctx, int64_t now)
{
    const char **ids = NULL;
    size_t n = 0;
    gh_status_t st = store_client_expire_unused(ctx->store, ctx->arena,
                                                now - ctx->cfg->registration_unused_ttl, &ids, &n);
    if (st != GH_OK)
        log_event(LOG_WARN, "registration", "op", "expire_unused", "error", gh_status_str(st),
                  NULL);
    for (size_t i = 0; i < n; i++)
        admin_audit(ctx, "client.register_expire", ids[i], NULL);
}

void admin_registration_chore(store_t *store, const config_server_t *cfg, int64_t now)
{
    static int64_t next_sweep; /* the main thread's alone */
    int64_t every = cfg->registration_unused_ttl / 2;
    if (now < next_sweep)
        return;
    next_sweep = now + (every < 1                          ? 1
                        : every > REGISTRATION_SWEEP_EVERY ? REGISTRATION_SWEEP_EVERY
                                                           : every);
    arena_t *a = arena_new(64u << 10);
    if (!a)
        return;
    admin_ctx_t ctx = {.store = store, .cfg = cfg, .arena = a, .actor = ACTOR};
    sweep_unused(&ctx, now);
    arena_free(a);
}

/* RFC 7591 §3 with registration_policy initial_access_token: the bearer
 * token, spent once the registration is known to be good. */
static bool spend_initial_token(http_request_t *req, http_response_t *res, const char *token,
                                int64_t now)
{
    gh_status_t st =
        store_initial_token_use(oauth_request_store(req), token_digest(req->arena, token), now);
    if (st == GH_OK)
        return true;
    if (st == GH_ERR_NOT_FOUND)
        reg_error(req, res, 401, ERR_TOKEN,
                  "the initial access token is unknown, expired or used up");
    else
        reg_error(req, res, 503, "temporarily_unavailable", "the database is unavailable");
    return false;
}

/* Counts the registration against the address; false with 429 past the limit. */
static bool within_rate(http_request_t *req, http_response_t *res, int64_t now)
{
    int64_t retry_after = 0;
    gh_status_t st = oauth_throttle_registration(req, now, &retry_after);
    if (st != GH_OK) {
        reg_error(req, res, 503, "temporarily_unavailable", "the database is unavailable");
        return false;
    }
    if (retry_after == 0)
        return true;
    reg_error(req, res, 429, "slow_down", "too many registrations from this address");
    http_response_header(res, "Retry-After",
                         arena_printf(req->arena, "%lld", (long long)retry_after));
    return false;
}

static void register_handler(http_request_t *req, http_response_t *res)
{
    const config_server_t *cfg = oauth_request_config(req);
    int64_t now = clock_now();
    const char *initial = http_request_bearer(req);
    bool open = cfg->registration_policy == REGISTRATION_POLICY_OPEN;
    if (cfg->registration_policy == REGISTRATION_POLICY_OFF) {
        reg_error(req, res, 404, "not_found", "dynamic client registration is off");
        return;
    }
    if (!within_rate(req, res, now) || !body_ok(req, res))
        return;
    if (!open && !initial) {
        reg_error(req, res, 401, ERR_TOKEN, "an initial access token is required");
        return;
    }
    admin_client_in_t in;
    admin_error_t err;
    json_t *accepted = NULL, *out = NULL;
    const char *code = NULL;
    const char *id = secret_hex_id(req->arena, CLIENT_ID_BYTES);
    const char *token = secret_token(req->arena);
    if (!id || !token) {
        reg_error(req, res, 500, "server_error", "out of memory");
        return;
    }
    if (!admin_registration_read(req->arena, req->body, req->body_len, open, id, &in, &accepted,
                                 &code, &err)) {
        reg_fail(req, res, code, &err);
        return;
    }
    if (!open && !spend_initial_token(req, res, initial, now))
        return;
    admin_ctx_t ctx = context(req, ACTOR);
    sweep_unused(&ctx, now);
    in.client.dynamic = true;
    in.client.registration_token_digest = token_digest(req->arena, token);
    if (!admin_client_insert(&ctx, &in, "client.register", &out, &err)) {
        reg_fail(req, res, ERR_METADATA, &err);
        return;
    }
    reg_answer(req, res, 201, out, token);
}

/* RFC 7592 §2: the client of the path, when the bearer token is its
 * registration access token; else 401 (also for an unknown client, §2.1). */
static bool managed_client(http_request_t *req, http_response_t *res, store_client_t *cl,
                           const char **token)
{
    const char *id = req->path + strlen(MANAGE_PREFIX);
    *token = http_request_bearer(req);
    if (oauth_request_config(req)->registration_policy == REGISTRATION_POLICY_OFF) {
        reg_error(req, res, 404, "not_found", "dynamic client registration is off");
        return false;
    }
    if (!*token) {
        reg_error(req, res, 401, ERR_TOKEN, "the registration access token is required");
        return false;
    }
    gh_status_t st = admin_client_id_valid(id)
                         ? store_client_get(oauth_request_store(req), req->arena, id, cl)
                         : GH_ERR_NOT_FOUND;
    if (st != GH_OK && st != GH_ERR_NOT_FOUND) {
        reg_error(req, res, 503, "temporarily_unavailable", "the database is unavailable");
        return false;
    }
    const char *presented = token_digest(req->arena, *token);
    bool ok = st == GH_OK && cl->dynamic && cl->registration_token_digest && presented &&
              secret_equal_str(cl->registration_token_digest, presented);
    if (!ok)
        reg_error(req, res, 401, ERR_TOKEN, "the registration access token is not valid here");
    return ok;
}

/* RFC 7592 §2.2: the whole metadata again, with the client's own client_id
 * and, when it sends one, its current client_secret. */
static void replace_client(http_request_t *req, http_response_t *res, const store_client_t *cl)
{
    const config_server_t *cfg = oauth_request_config(req);
    admin_client_in_t in;
    admin_error_t err;
    json_t *accepted = NULL, *out = NULL;
    const char *code = NULL, *token = secret_token(req->arena);
    if (!body_ok(req, res))
        return;
    json_t *body = json_loadb(req->body, req->body_len, 0, NULL);
    const char *id = json_string_value(json_object_get(body, "client_id"));
    const char *secret = json_string_value(json_object_get(body, "client_secret"));
    bool object = json_is_object(body);
    id = id ? arena_strdup(req->arena, id) : NULL;
    secret = secret ? arena_strdup(req->arena, secret) : NULL;
    json_decref(body);
    if (!object) {
        reg_error(req, res, 400, ERR_METADATA, "the body must be a JSON object");
        return;
    }
    if (!id || strcmp(id, cl->id) != 0 ||
        (secret && !secret_client_check(cl->secret_digest, secret))) {
        reg_error(req, res, 400, ERR_METADATA,
                  "client_id must be the client's own, client_secret (if sent) its current one");
        return;
    }
    if (!admin_registration_read(req->arena, req->body, req->body_len,
                                 cfg->registration_policy == REGISTRATION_POLICY_OPEN, cl->id, &in,
                                 &accepted, &code, &err)) {
        reg_fail(req, res, code, &err);
        return;
    }
    admin_ctx_t ctx = context(req, cl->id);
    const char *digest = token ? token_digest(req->arena, token) : NULL;
    if (!digest) {
        reg_error(req, res, 500, "server_error", "out of memory");
        return;
    }
    if (!admin_client_apply(&ctx, cl->id, accepted, true, digest, "client.register_update", &out,
                            &err))
        reg_fail(req, res, ERR_METADATA, &err);
    else
        reg_answer(req, res, 200, out, token);
}

static void manage_handler(http_request_t *req, http_response_t *res)
{
    store_client_t cl;
    const char *token = NULL;
    admin_error_t err;
    json_t *out = NULL;
    if (!managed_client(req, res, &cl, &token))
        return;
    admin_ctx_t ctx = context(req, cl.id);
    if (req->method == HTTP_PUT) {
        replace_client(req, res, &cl);
    } else if (req->method == HTTP_DELETE) {
        if (!admin_client_remove(&ctx, cl.id, "client.register_delete", &err)) {
            reg_fail(req, res, ERR_METADATA, &err);
            return;
        }
        res->status = 204;
        res->kind = HTTP_KIND_JSON;
        res->body = "";
        res->body_len = 0;
    } else if (admin_client_get(&ctx, cl.id, &out, &err)) {
        reg_answer(req, res, 200, out, token);
    } else {
        reg_fail(req, res, ERR_METADATA, &err);
    }
}

bool admin_registration_refused(http_request_t *req, http_response_t *res, int status)
{
    http_handler_fn h = req->route ? req->route->handler : NULL;
    if (h != register_handler && h != manage_handler)
        return false;
    reg_error(req, res, status, status == 413 ? ERR_METADATA : "invalid_request",
              status == 413 ? "the registration is too large" : "the request is malformed");
    return true;
}

const http_route_t REGISTRATION_ROUTES[] = {
    {HTTP_POST, OIDC_REGISTRATION_PATH, register_handler, "client_register", NULL, HTTP_CORS_NONE},
    {HTTP_GET | HTTP_PUT | HTTP_DELETE, MANAGE_PREFIX "*", manage_handler, "client_registration",
     NULL, HTTP_CORS_NONE},
};
const size_t REGISTRATION_ROUTE_COUNT = sizeof REGISTRATION_ROUTES / sizeof REGISTRATION_ROUTES[0];

/* ---- initial access tokens (RFC 7591 §3), for the command line ---- */

bool admin_initial_token_new(const admin_ctx_t *ctx, long ttl, long uses, const char **token,
                             int64_t *expires_at, admin_error_t *err)
{
    int64_t now = clock_now();
    if (ttl <= 0 || uses <= 0)
        return admin_fail(err, ctx->arena, 400, ttl <= 0 ? "ttl" : "uses", "must be at least 1");
    *token = secret_token(ctx->arena);
    const char *digest = *token ? token_digest(ctx->arena, *token) : NULL;
    if (!digest)
        return admin_fail(err, ctx->arena, 500, NULL, "out of memory");
    *expires_at = now + ttl;
    gh_status_t st = store_initial_token_add(ctx->store, digest, now, *expires_at, uses);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "initial access token", "new");
    admin_audit(ctx, "client.initial_token", NULL,
                audit_details(ctx->arena, "uses", arena_printf(ctx->arena, "%ld", uses),
                              "expires_at",
                              arena_printf(ctx->arena, "%lld", (long long)*expires_at), NULL));
    return true;
}
