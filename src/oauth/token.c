/* POST /oauth2/v1/token (RFC 6749 §3.2): client authentication, then one of
 * the grants in the table below. Every grant either answers with tokens or
 * with one typed error; nothing is half-issued. */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/secret.h"
#include "oauth/audit.h"
#include "oauth/oauth_int.h"
#include "oidc/oidc.h"

/* jkt: the key of the request's DPoP proof (RFC 9449), NULL without one */
typedef bool (*grant_fn)(http_request_t *req, http_response_t *res, store_client_t *client,
                         const char *jkt, oauth_error_t *err);

static bool has_scope(arena_t *a, const char *scope, const char *item)
{
    scope_list_t l;
    return scope_parse(a, scope, &l) == GH_OK && scope_has(&l, item);
}

/* A new refresh token for client, when it may refresh: *value gets the
 * token to hand out (NULL when none), *r its record with the digest, the
 * times and, for a public client, the key jkt of its DPoP proof (RFC 9449
 * §5: a confidential client's token is bound by its authentication); the
 * grant's part of *r is the caller's to fill. */
static bool mint_refresh(http_request_t *req, const store_client_t *client, const char *jkt,
                         const char **value, store_refresh_t *r, oauth_error_t *err)
{
    *value = NULL;
    if (!(client->grants & STORE_GRANT_REFRESH_TOKEN))
        return true;
    int64_t now = clock_now();
    *r = (store_refresh_t){.issued_at = now,
                           .expires_at = now + app_of(req)->cfg->refresh_token_ttl,
                           .dpop_jkt = client->is_public ? jkt : NULL};
    return tokens_mint(req->arena, value, &r->digest) == GH_OK ||
           oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
}

/* A user grant's first refresh token, in a new family, when the client may
 * refresh; g->refresh_token gets the value to hand out. */
static bool start_refresh(http_request_t *req, token_grant_t *g, const char *family,
                          oauth_error_t *err)
{
    store_refresh_t r;
    if (!mint_refresh(req, g->client, g->jkt, &g->refresh_token, &r, err))
        return false;
    if (!g->refresh_token)
        return true;
    r.family = family;
    r.client_id = g->client->id;
    r.sub = g->sub;
    r.scope = g->scope;
    r.auth_time = g->auth_time;
    r.authn = g->authn;
    r.resources = g->resources;
    gh_status_t st = store_refresh_put(app_of(req)->store, &r);
    if (st == GH_ERR_CONFLICT) /* a replay of its code revoked the grant meanwhile */
        return oauth_fail(err, OAUTH_ERR_INVALID_GRANT, "the grant has been revoked");
    return st == GH_OK || oauth_fail(err, oauth_error_from_status(st), NULL);
}

static bool code_matches(const http_request_t *req, const store_code_t *code,
                         const store_client_t *client, const char *jkt, oauth_error_t *err)
{
    const char *redirect_uri = http_pairs_get(&req->form, "redirect_uri");
    const char *verifier = http_pairs_get(&req->form, "code_verifier");
    if (strcmp(code->client_id, client->id) != 0)
        return oauth_fail(err, OAUTH_ERR_INVALID_GRANT, "the code was issued to another client");
    if (!redirect_uri || strcmp(redirect_uri, code->redirect_uri) != 0) /* RFC 6749 §4.1.3 */
        return oauth_fail(err, OAUTH_ERR_INVALID_GRANT,
                          "redirect_uri differs from the authorization request");
    if (code->code_challenge && !pkce_verify(code->code_challenge, verifier)) /* RFC 7636 §4.6 */
        return oauth_fail(err, OAUTH_ERR_INVALID_GRANT, "code_verifier does not match");
    if (!code->code_challenge && (verifier || client->is_public)) /* public clients: PKCE always */
        return oauth_fail(err, OAUTH_ERR_INVALID_GRANT,
                          "code_verifier and code_challenge must go together");
    if (code->dpop_jkt && (!jkt || strcmp(code->dpop_jkt, jkt) != 0)) /* RFC 9449 §10 */
        return oauth_fail(err, OAUTH_ERR_INVALID_GRANT,
                          "the code is bound to a DPoP key this request does not prove");
    return true;
}

/* A code presented again (RFC 6749 §4.1.2) is refused. When its own client
 * replays it, the grant the first redemption started is revoked: always for
 * a public client, where whoever holds the code can redeem it; for a
 * confidential client, whose replay is authenticated as the client itself,
 * with code_replay_revokes = all, the default (docs/security.md). Another
 * client never gets here: the store finds no code of its own. */
static bool refuse_replay(app_t *app, const store_client_t *client, const store_code_t *code,
                          oauth_error_t *err)
{
    bool revoke = code->family && strcmp(code->client_id, client->id) == 0 &&
                  (client->is_public || app->cfg->code_replay_revokes == CODE_REPLAY_REVOKES_ALL);
    gh_status_t st = revoke ? revoke_grant(app, code->family) : GH_OK;
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    if (revoke)
        log_event(LOG_WARN, "code_replayed", "client_id", client->id, "revoked", "grant", NULL);
    return oauth_fail(err, OAUTH_ERR_INVALID_GRANT, "the code was already used");
}

/* The code redeemed with the grant's first refresh token in the same step
 * (store_code_redeem: one round trip). A code that then fails the checks of
 * code_matches stays spent, as before, and the refresh token inserted with
 * it, whose value nobody ever saw, is revoked with its family. */
static bool grant_authorization_code(http_request_t *req, http_response_t *res,
                                     store_client_t *client, const char *jkt, oauth_error_t *err)
{
    app_t *app = app_of(req);
    const char *code_value = http_pairs_get(&req->form, "code");
    if (!code_value || !*code_value)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "code is required");
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    secret_sha256_hex(code_value, strlen(code_value), digest);
    const char *family = secret_hex_id(req->arena, 16), *refresh_token = NULL;
    if (!family)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    store_refresh_t first;
    if (!mint_refresh(req, client, jkt, &refresh_token, &first, err))
        return false;
    store_code_t code;
    gh_status_t st = store_code_redeem(app->store, req->arena, digest, client->id, clock_now(),
                                       family, refresh_token ? &first : NULL, &code);
    if (st == GH_ERR_CONFLICT) {
        audit_event(req, client->id, "token.code_replay", code.sub,
                    audit_details(req->arena, "client_id", client->id, NULL));
        return refuse_replay(app, client, &code, err);
    }
    if (st == GH_ERR_NOT_FOUND)
        return oauth_fail(err, OAUTH_ERR_INVALID_GRANT, "the code is invalid or expired");
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    resource_list_t audience;
    if (!code_matches(req, &code, client, jkt, err) ||
        !resource_narrow(req, client, code.resources, &audience, err)) {
        if (refresh_token && store_refresh_revoke_family(app->store, family) != GH_OK)
            return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
        return false;
    }
    token_grant_t g = {.client = client,
                       .sub = code.sub,
                       .scope = code.scope,
                       .nonce = code.nonce,
                       .auth_time = code.auth_time,
                       .id_token = has_scope(req->arena, code.scope, "openid"),
                       .refresh_token = refresh_token,
                       .family = family,
                       .authn = code.authn,
                       .audience = &audience,
                       .resources = code.resources,
                       .jkt = jkt};
    tokens_respond(req, res, &g);
    return true;
}

/* store_refresh_rotate, with a reuse (CONFLICT: the store revoked the
 * refresh family) also revoking the access tokens of the grant. */
static gh_status_t rotate(app_t *app, arena_t *a, const char *old_digest, const char *client_id,
                          const store_refresh_t *next, store_refresh_t *old)
{
    gh_status_t st = store_refresh_rotate(app->store, a, old_digest, client_id, next->issued_at,
                                          app->cfg->refresh_grace, next, old);
    if (st != GH_ERR_CONFLICT)
        return st;
    gh_status_t revoked = revoke_grant(app, old->family);
    return revoked == GH_OK ? GH_ERR_CONFLICT : revoked;
}

static bool grant_refresh_token(http_request_t *req, http_response_t *res, store_client_t *client,
                                const char *jkt, oauth_error_t *err)
{
    app_t *app = app_of(req);
    const char *value = http_pairs_get(&req->form, "refresh_token");
    if (!value || !*value)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "refresh_token is required");
    char old_digest[SECRET_DIGEST_HEX_LEN + 1];
    secret_sha256_hex(value, strlen(value), old_digest);
    int64_t now = clock_now();
    /* a narrower scope or resource (RFC 8707) asked for is checked before
     * the token is spent (one read more, only then) */
    const char *requested = http_pairs_get(&req->form, "scope"), *scope = NULL;
    store_refresh_t cur;
    resource_list_t audience;
    gh_status_t st = GH_ERR_NOT_FOUND;
    if (requested || http_pairs_get(&req->form, "resource"))
        st = store_refresh_get(app->store, req->arena, old_digest, now, &cur);
    if (st == GH_OK && strcmp(cur.client_id, client->id) != 0)
        st = GH_ERR_NOT_FOUND;
    if (st == GH_OK && (!scope_narrow(req->arena, requested, cur.scope, &scope, err) ||
                        !resource_narrow(req, client, cur.resources, &audience, err)))
        return false;
    /* a token bound to a key rotates only with a proof of that key */
    store_refresh_t next = {
        .issued_at = now, .expires_at = now + app->cfg->refresh_token_ttl, .dpop_jkt = jkt};
    const char *token = NULL;
    if (tokens_mint(req->arena, &token, &next.digest) != GH_OK)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    store_refresh_t old = {0};
    /* a missing token (st != OK) still goes through rotate, which detects reuse */
    st = rotate(app, req->arena, old_digest, client->id, &next, &old);
    if (st == GH_ERR_CONFLICT) /* RFC 9700 §4.14.2: the grant is revoked */
        audit_event(req, client->id, "token.refresh_reuse", old.sub,
                    audit_details(req->arena, "client_id", client->id, "family", old.family, NULL));
    if (st == GH_ERR_NOT_FOUND || st == GH_ERR_CONFLICT)
        return oauth_fail(err, OAUTH_ERR_INVALID_GRANT,
                          "the refresh token is invalid, expired or used");
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    if (!resource_narrow(req, client, old.resources, &audience, err))
        return false;
    token_grant_t g = {.client = client,
                       .audience = &audience,
                       .sub = old.sub,
                       .scope = scope ? scope : old.scope,
                       .auth_time = old.auth_time,
                       .id_token =
                           old.sub && has_scope(req->arena, scope ? scope : old.scope, "openid"),
                       .refresh_token = token,
                       .family = old.family,
                       .authn = old.authn,
                       .jkt = jkt};
    tokens_respond(req, res, &g);
    return true;
}

static bool grant_client_credentials(http_request_t *req, http_response_t *res,
                                     store_client_t *client, const char *jkt, oauth_error_t *err)
{
    if (client->is_public)
        return oauth_fail(err, OAUTH_ERR_UNAUTHORIZED_CLIENT,
                          "a public client cannot use client_credentials");
    scope_list_t allowed, want;
    if (scope_parse(req->arena, client->scope, &allowed) != GH_OK)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    /* no person stands behind the token, so no scope that releases a
     * person's claims (openid, profile, email, groups, a custom scope's) */
    const char *requested = http_pairs_get(&req->form, "scope");
    if (requested) {
        bool personal = false;
        if (scope_parse(req->arena, requested, &want) != GH_OK || !scope_subset(&want, &allowed))
            return oauth_fail(err, OAUTH_ERR_INVALID_SCOPE, "scope not allowed for this client");
        for (size_t i = 0; i < want.count && !personal; i++)
            personal = oidc_scope_releases(&app_of(req)->scopes, want.items[i]);
        if (personal)
            return oauth_fail(err, OAUTH_ERR_INVALID_SCOPE,
                              "client_credentials grants no scope of a person's claims");
    } else {
        want.count = 0; /* default: every registered scope except the person's */
        for (size_t i = 0; i < allowed.count; i++)
            if (!oidc_scope_releases(&app_of(req)->scopes, allowed.items[i]))
                want.items[want.count++] = allowed.items[i];
    }
    resource_list_t audience;
    if (!resource_narrow(req, client, NULL, &audience, err))
        return false;
    token_grant_t g = {.client = client,
                       .scope = scope_join(req->arena, &want),
                       .audience = &audience,
                       .jkt = jkt};
    if (!g.scope)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    tokens_respond(req, res, &g);
    return true;
}

/* Why a poll gets no tokens yet, or true when the person approved (RFC 8628 §3.5). */
static bool device_ready(const store_device_t *d, bool slow_down, int64_t now, oauth_error_t *err)
{
    if (d->expires_at <= now)
        return oauth_fail(err, OAUTH_ERR_EXPIRED_TOKEN, "the device code has expired");
    switch (d->state) {
    case STORE_DEVICE_APPROVED:
        return true;
    case STORE_DEVICE_DENIED:
        return oauth_fail(err, OAUTH_ERR_ACCESS_DENIED, "the user denied the request");
    case STORE_DEVICE_REDEEMED:
        return oauth_fail(err, OAUTH_ERR_INVALID_GRANT, "the device code was already used");
    default:
        return slow_down ? oauth_fail(err, OAUTH_ERR_SLOW_DOWN, "polling too fast: wait 5 s more")
                         : oauth_fail(err, OAUTH_ERR_AUTHORIZATION_PENDING, "waiting for the user");
    }
}

/* RFC 8628 §3.4: the device polls with its device_code until the person has
 * answered; the code gives tokens once (the store redeems it atomically). */
static bool grant_device_code(http_request_t *req, http_response_t *res, store_client_t *client,
                              const char *jkt, oauth_error_t *err)
{
    app_t *app = app_of(req);
    const char *value = http_pairs_get(&req->form, "device_code");
    if (!value || !*value)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "device_code is required");
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    secret_sha256_hex(value, strlen(value), digest);
    store_device_t d;
    bool slow_down = false;
    int64_t now_ms = clock_now_ms(), now = now_ms / 1000;
    gh_status_t st =
        store_device_poll(app->store, req->arena, digest, client->id, now_ms, &d, &slow_down);
    if (st == GH_ERR_NOT_FOUND)
        return oauth_fail(err, OAUTH_ERR_INVALID_GRANT, "the device code is invalid");
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    if (!device_ready(&d, slow_down, now, err))
        return false;
    resource_list_t audience;
    if (!resource_narrow(req, client, NULL, &audience, err))
        return false;
    st = store_device_redeem(app->store, digest);
    if (st == GH_ERR_CONFLICT)
        return oauth_fail(err, OAUTH_ERR_INVALID_GRANT, "the device code was already used");
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    const char *family = secret_hex_id(req->arena, 16);
    if (!family)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    token_grant_t g = {.client = client,
                       .sub = d.sub,
                       .scope = d.scope,
                       .auth_time = d.auth_time,
                       .id_token = has_scope(req->arena, d.scope, "openid"),
                       .authn = d.authn,
                       .family = family,
                       .audience = &audience,
                       .jkt = jkt};
    if (!start_refresh(req, &g, family, err))
        return false;
    tokens_respond(req, res, &g);
    return true;
}

static const struct {
    const char *name;
    unsigned grant;
    grant_fn fn;
} GRANTS[] = {
    {"authorization_code", STORE_GRANT_AUTHORIZATION_CODE, grant_authorization_code},
    {"refresh_token", STORE_GRANT_REFRESH_TOKEN, grant_refresh_token},
    {"client_credentials", STORE_GRANT_CLIENT_CREDENTIALS, grant_client_credentials},
    {"urn:ietf:params:oauth:grant-type:device_code", STORE_GRANT_DEVICE_CODE, grant_device_code},
    {TOKEN_EXCHANGE_GRANT, STORE_GRANT_TOKEN_EXCHANGE, token_exchange_grant}, /* RFC 8693 */
};

/* A dynamically registered client that got a token lives on
 * (registration_unused_ttl, docs/clients.md): its last use is written at
 * most once a TOUCH_EVERY seconds (or half the ttl, when shorter); a
 * failure is logged, the token stands. */
#define TOUCH_EVERY 60

static void note_use(http_request_t *req, const store_client_t *client)
{
    int64_t now = clock_now(), every = app_of(req)->cfg->registration_unused_ttl / 2;
    if (!client->dynamic ||
        client->last_used_at > now - (every < TOUCH_EVERY ? every : TOUCH_EVERY))
        return;
    gh_status_t st = store_client_touch(app_of(req)->store, client->id, now);
    if (st != GH_OK)
        log_event(LOG_WARN, "registration", "op", "touch", "error", gh_status_str(st), NULL);
}

static bool dispatch(http_request_t *req, http_response_t *res, oauth_error_t *err)
{
    if (!client_auth_form_check(req, err))
        return false;
    const char *grant_type = http_pairs_get(&req->form, "grant_type");
    if (!grant_type || !*grant_type)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "grant_type is required");
    /* the proof first: a retry for a nonce then costs no client assertion */
    const char *jkt = NULL;
    store_client_t client;
    if (!dpop_request(req, res, NULL, &jkt, err) || !client_auth_verify(req, &client, err))
        return false;
    if (!jkt && dpop_required(&client)) /* RFC 9449 §5.2 */
        return oauth_fail(err, OAUTH_ERR_INVALID_DPOP_PROOF, "this client must send a DPoP proof");
    for (size_t i = 0; i < sizeof GRANTS / sizeof GRANTS[0]; i++) {
        if (strcmp(grant_type, GRANTS[i].name) != 0)
            continue;
        if (!(client.grants & GRANTS[i].grant))
            return oauth_fail(err, OAUTH_ERR_UNAUTHORIZED_CLIENT,
                              "grant type not allowed for this client");
        bool ok = GRANTS[i].fn(req, res, &client, jkt, err);
        if (ok)
            note_use(req, &client);
        return ok;
    }
    return oauth_fail(err, OAUTH_ERR_UNSUPPORTED_GRANT_TYPE, "unsupported grant_type");
}

void token_handler(http_request_t *req, http_response_t *res)
{
    oauth_error_t err = {OAUTH_ERR_SERVER_ERROR, NULL};
    if (!dispatch(req, res, &err))
        oauth_error_respond(req, res, OAUTH_AT_TOKEN, &err);
}

const http_param_spec_t TOKEN_PARAMS[] = {
    {"grant_type", 128},    {"code", 256},           {"redirect_uri", 2048}, {"client_id", 128},
    {"client_secret", 512}, {"code_verifier", 128},  {"refresh_token", 256}, {"scope", 1024},
    {"device_code", 256},   CLIENT_ASSERTION_PARAMS, RESOURCE_PARAMS,        {NULL, 0},
};
