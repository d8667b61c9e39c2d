/* The authorization server (`gatehouse serve`): wires the store, the signing
 * keys, the pages and the OAuth/OIDC endpoints to one HTTP route table. */
#ifndef GH_OAUTH_SERVER_H
#define GH_OAUTH_SERVER_H

#include <jansson.h>

#include "core/config.h"
#include "http/http.h"
#include "core/arena.h"
#include "store/store.h"

/* The admin console (docs/admin.md "Console"): the built-in public client
 * that serve registers, and the scope that makes an access token an admin
 * API token. Only a member with the admin role (store_user_t.is_admin) is
 * granted the scope by the console's authorization request. */
#define OAUTH_CONSOLE_CLIENT_ID "gatehouse-console"
#define OAUTH_ADMIN_SCOPE "gatehouse:admin"

/* Opens the store, ensures a signing key, serves until SIGINT or SIGTERM, then
 * finishes the requests in flight. Returns the process exit status (0, or 1
 * with one line on stderr saying why it could not start). */
int oauth_serve(const config_t *cfg);

/* Routes a module above this one serves beside the server's own (the admin
 * API), and how refusals found before their handlers run (a malformed query,
 * a body too large: status 400 or 413) are answered. Borrowed; must outlive
 * the server. */
typedef struct oauth_extra_routes {
    const http_route_t *routes;
    size_t count;
    http_refusal_fn on_refused;
    /* run once the store is open, before serving (NULL: nothing); a failure
     * stops the start */
    gh_status_t (*on_start)(store_t *store, const config_server_t *cfg, arena_t *a);
    /* the client model above (admin_client_document_check): reads a Client ID
     * Metadata Document into *out, or refuses it with *why (NULL: such
     * clients are unknown) */
    bool (*client_document)(arena_t *a, const json_t *doc, store_client_t *out, const char **why);
    /* routes served on the server's own listener even when admin_listen
     * names another (dynamic client registration); refusals go to on_refused
     * as well. May be NULL. */
    const http_route_t *public_routes;
    size_t public_count;
    /* called from the main thread every SIGNING_KEYS_RELOAD_SECONDS with the
     * time (housekeeping: the expiry of unused dynamic clients); may be NULL */
    void (*chore)(store_t *store, const config_server_t *cfg, int64_t now);
} oauth_extra_routes_t;

/* oauth_serve with extra routes (NULL: none): on the server's listener, or
 * alone on their own when the setting admin_listen names one. */
int oauth_serve_with(const config_t *cfg, const oauth_extra_routes_t *extra);

/* For the handlers of extra routes: the server's store and settings. */
store_t *oauth_request_store(const http_request_t *req);
const config_server_t *oauth_request_config(const http_request_t *req);
/* The whole configuration the request's server runs with (its platforms too). */
const config_t *oauth_request_whole_config(const http_request_t *req);

/* Counts one dynamic client registration from the request's address
 * (registration_rate per hour, atomically in the store): GH_OK with
 * *retry_after 0 when it is within the limit, else the seconds to wait; a
 * store status when the counter cannot be written. */
gh_status_t oauth_throttle_registration(const http_request_t *req, int64_t now,
                                        int64_t *retry_after);

/* The request's `Authorization: Bearer` access token, verified as userinfo
 * does (signature, typ, issuer, audience, expiry, revocation): GH_OK with
 * *claims (released with the request); GH_ERR_NOT_FOUND when there is no
 * bearer token; GH_ERR_INVALID when it is not a valid token of this server
 * or is DPoP-bound (RFC 9449: it needs a proof, not only the token),
 * with *why saying why (never secret); a store status when the denylist
 * cannot be read. */
gh_status_t oauth_request_bearer(http_request_t *req, json_t **claims, const char **why);

/* Ends everything of person sub after a credential change or removal (a
 * password set by `user passwd` or a reset, `user remove`, a second factor
 * reset): every login session, every grant (refresh tokens and, through the
 * denylist, the access tokens of their families) and every code or device
 * authorization not yet redeemed (store_user_end_all), but the login session
 * keep_session (a digest; NULL for none): the one that changed the password
 * on the account page. Each client that received a code in one of the ended
 * sessions and has a backchannel_logout_uri gets a logout token (queued; the
 * server delivers it). docs/revocation.md. */
gh_status_t oauth_user_end_all(store_t *store, const config_server_t *cfg, const char *sub,
                               const char *keep_session);

/* Ends member sub's session digest (NOT_FOUND when it is not sub's live
 * session) as an RP-initiated logout of it would: the clients it signed in
 * to get a logout token (queued; the server delivers it) and its grants made
 * without offline_access are revoked. For the account page and the admin
 * API. */
gh_status_t oauth_session_end(store_t *store, const config_server_t *cfg, arena_t *a,
                              const char *sub, const char *digest);

/* Until when a grant revoked at now stays on the denylist: past the expiry
 * of every access token it issued. */
int64_t oauth_revoke_until(const config_server_t *cfg, int64_t now);

/* A new single-use link for purpose (a STORE_LINK_* of store/mail_links.h) about
 * sub and/or email, valid ttl seconds from now: its digest is stored and
 * *url (in a) is issuer + the purpose's page + "?token=…". `gatehouse user
 * invite` and the self-service pages make their links here. */
gh_status_t oauth_link_new(store_t *store, const char *issuer, arena_t *a, const char *purpose,
                           const char *sub, const char *email, int64_t now, const char **url);

/* ---- a member's platform links (members.c, federated sign-in) ---- */

/* The member's links, by platform. */
gh_status_t oauth_member_links(store_t *store, arena_t *a, const char *sub, store_link_t **out,
                               size_t *count);

/* Removes member's link to platform, then unlinks at the platform with the
 * [platform.*] sections of cfg (best effort, logged). GH_ERR_NOT_FOUND when
 * there is no such link; GH_ERR_CONFLICT when it is the member's last way to
 * sign in (no password, no other link). */
gh_status_t oauth_member_unlink(store_t *store, const config_t *cfg, arena_t *a,
                                const store_user_t *member, const char *platform);

/* Unlinks links[0..count) at their platforms (read before the member was
 * removed); best effort, each outcome logged. */
void oauth_member_unlink_all(const store_link_t *links, size_t count, store_t *store,
                             const config_t *cfg, arena_t *a);

#endif
