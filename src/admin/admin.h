/* Administration: every operation on clients, members, their sessions and
 * grants, signing keys and audit events, written once for both callers, the
 * admin API (/admin/v1/, api.c) and the command line (src/cli/).
 *
 * Layering: above store, oauth (user_end_all, key rotation, the audit
 * writer) and below cli. Input arrives as JSON objects (RFC 7591 names for
 * clients), which the command line builds from its options, so that one
 * validation with the same messages serves both. An operation either
 * succeeds whole or changes nothing, and records an audit event
 * (oauth/audit.h) for every change, as ctx->actor from ctx->ip.
 *
 * Errors are an admin_error_t: the HTTP status the API answers (400, 404,
 * 409, 501, 503, 500), the offending field (an RFC 7591 name, or NULL), and
 * one line for people that names it. Result objects are new jansson
 * references, the caller's to release; secrets appear in them only where
 * the contract says (a client secret on create and rotate). */
#ifndef GH_ADMIN_ADMIN_H
#define GH_ADMIN_ADMIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/config.h"
#include "http/http.h"
#include "jose/jose.h"
#include "oauth/server.h"
#include "store/store.h"

/* The scope an access token needs for the admin API. */
#define ADMIN_SCOPE OAUTH_ADMIN_SCOPE

/* Page sizes of the list operations. */
#define ADMIN_PAGE_DEFAULT 50
#define ADMIN_PAGE_MAX 200

typedef struct {
    int status;         /* 400, 404, 409, 500, 501, 503 */
    const char *field;  /* the offending member or parameter, or NULL */
    const char *detail; /* one line naming the field; arena or static */
} admin_error_t;

typedef struct {
    store_t *store;
    const config_server_t *cfg;
    const config_t *config; /* the whole configuration: the platforms a deleted member is
                               unlinked at (federated sign-in); NULL: none */
    arena_t *arena;         /* results' strings and temporaries */
    const char *actor;      /* who acts: a token's client_id or sub, "cli" */
    const char *ip;         /* where from; NULL on the command line */
} admin_ctx_t;

/* Where a list starts and how long it is: limit 1..ADMIN_PAGE_MAX, cursor
 * the opaque next_cursor of the page before (NULL from the start). */
typedef struct {
    size_t limit;
    const char *cursor;
} admin_page_t;

/* ---- clients (RFC 7591 metadata) ---- */

/* A client to register, checked: the store record and the secret it was
 * given (NULL: generated for a confidential client). */
typedef struct {
    store_client_t client;
    const char *secret;
} admin_client_in_t;

/* Checks a registration (client_id, client_secret, client_name,
 * redirect_uris, post_logout_redirect_uris, grant_types, scope,
 * token_endpoint_auth_method, the logout members, require_mfa; for
 * private_key_jwt jwks or jwks_uri, RFC 8707 resources,
 * require_pushed_authorization_requests) and fills *in (strings borrowed
 * from body or in arena a). Defaults: grant_types authorization_code and
 * refresh_token, scope "openid profile email", token_endpoint_auth_method
 * client_secret_basic, or private_key_jwt for a client with keys (which has
 * no secret). Pure: the command line checks before it opens a store. */
bool admin_client_check(arena_t *a, const json_t *body, admin_client_in_t *in, admin_error_t *err);

/* Checks a Client ID Metadata Document (docs/clients.md) as
 * admin_client_check checks a registration, into *out: the members a
 * document may set (client_id, client_name, redirect_uris,
 * post_logout_redirect_uris, grant_types, scope, token_endpoint_auth_method,
 * jwks, jwks_uri; others are ignored), with no shared secret
 * (token_endpoint_auth_method none, the default without keys, or
 * private_key_jwt), response_types code only, grant_types authorization_code
 * and refresh_token only, never the admin scope. Strings live in doc or a;
 * the client_id (a URL) is the caller's to check. False with *why (one line
 * naming the member) when the document is refused. The server calls it
 * through oauth_extra_routes_t.client_document. */
bool admin_client_document_check(arena_t *a, const json_t *doc, store_client_t *out,
                                 const char **why);

/* Registers in (admin_client_check'ed). *out: the client, with
 * client_secret when one was generated. 409 when the id is taken. */
bool admin_client_create(const admin_ctx_t *ctx, const admin_client_in_t *in, json_t **out,
                         admin_error_t *err);

/* A page of clients: {"items":[…],"next_cursor":…|null}. */
bool admin_client_list(const admin_ctx_t *ctx, const admin_page_t *page, json_t **out,
                       admin_error_t *err);

bool admin_client_get(const admin_ctx_t *ctx, const char *id, json_t **out, admin_error_t *err);

/* Applies patch (RFC 7396 merge: a null member removes client_name or
 * empties a list) and checks the whole result as admin_client_check does:
 * a client left unusable is refused and nothing changes. client_id may be
 * given only unchanged; the secret changes only by admin_client_rotate,
 * except that a public client made confidential gets a generated secret,
 * returned once in *out. */
bool admin_client_update(const admin_ctx_t *ctx, const char *id, const json_t *patch, json_t **out,
                         admin_error_t *err);

bool admin_client_delete(const admin_ctx_t *ctx, const char *id, admin_error_t *err);

/* A new generated secret for confidential client id, returned once in *out
 * with the client; the old one stops working at once. */
bool admin_client_rotate(const admin_ctx_t *ctx, const char *id, json_t **out, admin_error_t *err);

/* The client as RFC 7591 metadata, without secret material. */
json_t *admin_client_json(const store_client_t *cl);

/* ---- members ---- */

/* A member to create: username, password, optional email, nickname, name. */
typedef struct {
    store_user_t user;
    const char *password;
} admin_user_in_t;

/* Checks a new member (username, password, email, nickname, name). Pure. */
bool admin_user_check(arena_t *a, const json_t *body, admin_user_in_t *in, admin_error_t *err);

/* Creates in (hashing its password); *out: the member. 409 when the
 * username is taken. */
bool admin_user_create(const admin_ctx_t *ctx, const admin_user_in_t *in, json_t **out,
                       admin_error_t *err);

/* A page of members by username; q (NULL for all) matches a part of the
 * username, email or name, case-insensitively. */
bool admin_user_list(const admin_ctx_t *ctx, const admin_page_t *page, const char *q, json_t **out,
                     admin_error_t *err);

/* The member as the API shows it: sub, username, email, nickname, name,
 * created_at, disabled, disabled_at, groups, attributes; never the password
 * hash. */
json_t *admin_user_json(const store_user_t *u);

bool admin_user_get(const admin_ctx_t *ctx, const char *sub, json_t **out, admin_error_t *err);

/* The sub of the member named username (the command line names members so). */
bool admin_user_sub(const admin_ctx_t *ctx, const char *username, const char **sub,
                    admin_error_t *err);

/* Merges patch (username, email, nickname, name; null removes the optional
 * ones) into member sub, checked as admin_user_check checks. */
bool admin_user_update(const admin_ctx_t *ctx, const char *sub, const json_t *patch, json_t **out,
                       admin_error_t *err);

/* Adds the group names of add to member sub's groups and removes those of
 * drop (arrays of strings, either may be NULL), checked as a PATCH of
 * groups is; *out: the member. */
bool admin_user_groups_edit(const admin_ctx_t *ctx, const char *sub, const json_t *add,
                            const json_t *drop, json_t **out, admin_error_t *err);

/* {"items":[{"name","members"}]}: every group some member is in, with how
 * many members, in the order first met by username. */
bool admin_groups_list(const admin_ctx_t *ctx, json_t **out, admin_error_t *err);

/* Disables member sub (it cannot sign in, and every session and grant ends:
 * store_user_end_all) or enables it again. */
bool admin_user_set_disabled(const admin_ctx_t *ctx, const char *sub, bool disabled, json_t **out,
                             admin_error_t *err);

/* Deletes member sub after ending everything it holds. */
bool admin_user_delete(const admin_ctx_t *ctx, const char *sub, admin_error_t *err);

/* Checks a new password (8-1024 characters). Pure. */
bool admin_password_check(const char *password, const char *field, admin_error_t *err);

/* Sets member sub's password and ends its sessions and grants. */
bool admin_user_set_password(const admin_ctx_t *ctx, const char *sub, const char *password,
                             admin_error_t *err);

/* Removes member sub's second factors: 501 until second factors exist
 * (the hook the MFA work fills in). */
bool admin_user_reset_mfa(const admin_ctx_t *ctx, const char *sub, admin_error_t *err);

/* ---- a member's sessions and grants ---- */

/* {"items":[{"id","auth_time","expires_at"}]}: the live sign-in sessions
 * (id: the digest the store keeps, never the cookie). */
bool admin_sessions_list(const admin_ctx_t *ctx, const char *sub, json_t **out, admin_error_t *err);

/* Ends session id of member sub, or all of them when id is NULL. */
bool admin_sessions_revoke(const admin_ctx_t *ctx, const char *sub, const char *id,
                           admin_error_t *err);

/* {"items":[{"client_id","scope","consented_at","refresh_families",
 * "refresh_expires_at"}]}: per client, the consent and the live grants. */
bool admin_grants_list(const admin_ctx_t *ctx, const char *sub, json_t **out, admin_error_t *err);

/* Revokes what member sub gave client_id (404 when nothing), or every
 * client when client_id is NULL: consent, codes, refresh families and
 * their access tokens. */
bool admin_grants_revoke(const admin_ctx_t *ctx, const char *sub, const char *client_id,
                         admin_error_t *err);

/* A member's linked platform identities (federated sign-in):
 * {"items":[{"platform","subject","email","linked_at"}],"next_cursor":null}. */
bool admin_links_list(const admin_ctx_t *ctx, const char *sub, json_t **out, admin_error_t *err);

/* Removes the member's link to platform and unlinks at the platform, as
 * `gatehouse user unlink` does: 404 when there is no such link, 409 when it
 * would leave the member no way to sign in. */
bool admin_links_remove(const admin_ctx_t *ctx, const char *sub, const char *platform,
                        admin_error_t *err);

/* ---- signing keys ---- */

/* {"items":[{"kid","alg","state","created_at","activate_at","retire_at"}]}
 * (state: signing, next, verifying, retired); no private material. */
bool admin_keys_list(const admin_ctx_t *ctx, json_t **out, admin_error_t *err);

/* What key k (of keys[0..n), store_key_list's order) does at now:
 * "signing", "next" (*when: from when), "verifying", "retiring" (*when:
 * until when) or "expired" (*when 0 where it does not apply). */
const char *admin_key_state(const store_key_t *keys, size_t n, size_t k, int64_t now,
                            int64_t *when);

/* `gatehouse keys rotate`: a new key for each of algs[0..n) (n 0: every
 * algorithm of the configuration), signing activate_in seconds from now (0:
 * at once). kids[i] gets the new kid of each (of *n_out). */
bool admin_keys_rotate(const admin_ctx_t *ctx, const jose_alg_t *algs, size_t n, long activate_in,
                       const char **kids, size_t *n_out, admin_error_t *err);

/* ---- audit events ---- */

/* A page of events, newest first, filtered (store_event_filter_t's fields;
 * limit and cursor from page): {"items":[{"id","time","actor","action",
 * "target","ip","details"}],"next_cursor"}. */
bool admin_events_list(const admin_ctx_t *ctx, const admin_page_t *page,
                       const store_event_filter_t *filter, json_t **out, admin_error_t *err);

/* Records action on target with details (JSON text or NULL) as ctx's actor. */
void admin_audit(const admin_ctx_t *ctx, const char *action, const char *target,
                 const char *details);

/* ---- the value checks both callers share (validate.c) ---- */

/* A client id: 1–64 characters of [A-Za-z0-9._-]. */
bool admin_client_id_valid(const char *id);

/* A username: 1–64 characters of letters, digits and ._-@ */
bool admin_username_valid(const char *username);

/* A password: 8 to 1024 characters (UTF-8 code points), no NUL. */
bool admin_password_valid(const char *password);

/* A client secret: 8 to 512 characters of %x20-7E (RFC 6749 Appendix A.2). */
bool admin_client_secret_valid(const char *secret);

/* A scope: scope-tokens of %x21 / %x23-5B / %x5D-7E separated by single
 * spaces (RFC 6749 §3.3), at most 1024 bytes. */
bool admin_scope_valid(const char *scope);

/* An e-mail address as far as an administrator can mistype one: one '@' with
 * text on both sides, no spaces or control bytes, at most 254 bytes. */
bool admin_email_valid(const char *email);

/* The STORE_GRANT_* bit of a grant_type name (authorization_code,
 * refresh_token, client_credentials,
 * urn:ietf:params:oauth:grant-type:device_code); GH_ERR_INVALID otherwise. */
gh_status_t admin_grant_parse(const char *name, unsigned *bit);

/* The grant_type name of one STORE_GRANT_* bit, or NULL. */
const char *admin_grant_name(unsigned bit);

/* A page size and cursor from the query parameters limit and cursor
 * (strings, NULL when absent): 400 naming the parameter when limit is not
 * 1..ADMIN_PAGE_MAX or the cursor is malformed (over 200 bytes). */
bool admin_page_parse(const char *limit, const char *cursor, admin_page_t *out, admin_error_t *err);

/* ---- the HTTP API (api.c) ---- */

/* The routes of /admin/v1/ and of the console (/admin/) for oauth_serve_with, and the refusals
 * found before they run, as problem details. */
extern const http_route_t ADMIN_ROUTES[];
extern const size_t ADMIN_ROUTE_COUNT;
void admin_api_refused(http_request_t *req, http_response_t *res, int status);

/* ---- dynamic client registration (registration.c, RFC 7591/7592) ---- */

/* POST /oauth2/v1/register and GET/PUT/DELETE /oauth2/v1/register/{id}, for
 * oauth_serve_with's public routes (served on the server's own listener). */
extern const http_route_t REGISTRATION_ROUTES[];
extern const size_t REGISTRATION_ROUTE_COUNT;

/* oauth_serve_with's chore: deletes the dynamic clients nobody used for
 * registration_unused_ttl, at most every REGISTRATION_SWEEP_EVERY seconds
 * (every ttl / 2 when that is shorter), so that they go on time whether or
 * not anyone registers. Main thread only. */
void admin_registration_chore(store_t *store, const config_server_t *cfg, int64_t now);

/* Writes the RFC 7591 error of a refusal found before a registration
 * handler ran (413, 400, 405) and returns true; false (nothing written) when
 * req is not at a registration path. admin_api_refused calls it first. */
bool admin_registration_refused(http_request_t *req, http_response_t *res, int status);

/* Parses and checks a registration body (text, len; at most 32 KiB): the
 * members a registrant may set (unknown ones and the operator's ignored,
 * RFC 7591 §2), client_id set to client_id, admin_client_check'ed, no admin
 * scope, and with open the limits of an open registration (docs/clients.md).
 * *in as admin_client_check fills it, *accepted the filtered body (released
 * with arena a; in's strings are borrowed from it). On failure *code is the RFC 7591 §3.2.2 error
 * code (invalid_redirect_uri or invalid_client_metadata) and *err says why (status 413 for a body
 * too large, else 400). Pure. */
bool admin_registration_read(arena_t *a, const char *text, size_t len, bool open,
                             const char *client_id, admin_client_in_t *in, json_t **accepted,
                             const char **code, admin_error_t *err);

/* A new initial access token (RFC 7591 §3) good for uses registrations
 * within ttl seconds: *token (in ctx's arena, shown once; only its digest is
 * stored) and *expires_at. */
bool admin_initial_token_new(const admin_ctx_t *ctx, long ttl, long uses, const char **token,
                             int64_t *expires_at, admin_error_t *err);

/* Logs a warning (client_refused_today) for each stored client that
 * today's registration rules refuse (a redirect URI registered before http
 * was kept to loopback, say), naming the member and why; the client keeps
 * working as registered. */
void admin_clients_recheck(store_t *store);

/* oauth_serve_with's chore (main thread, after the server listens, so off
 * the start): admin_clients_recheck the first time, then
 * admin_registration_chore. */
void admin_chore(store_t *store, const config_server_t *cfg, int64_t now);

/* ---- the console (console.c) ---- */

/* Registers the console's public client gatehouse-console for cfg's issuer
 * (redirect URI ISSUER/admin/callback, post-logout ISSUER/admin/), or
 * brings it in line; a failure is logged, never fatal (GH_OK). Actor
 * "serve". Strings from a. */
gh_status_t admin_console_register(store_t *store, const config_server_t *cfg, arena_t *a);

#endif
