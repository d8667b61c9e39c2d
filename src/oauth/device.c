/* POST /oauth2/v1/device/authorize (RFC 8628 §3.1–3.2): a TV or console
 * asks to be signed in. The client authenticates as at the token endpoint
 * (public clients with a bare client_id are the normal case) and must be
 * registered for the device_code grant; the scope stays within its registered
 * scopes. The answer holds a 256-bit device_code for the device to poll with
 * and a short user code for the person to type at DEVICE_PAGE_PATH; the store
 * keeps only the digests of both. */
#include <string.h>

#include "core/clock.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"

#define USER_CODE_TRIES 3 /* new user codes tried when one is taken */

/* The scope asked for, within the client's registered scopes (RFC 8628
 * §3.1); absent, all of them. */
static bool device_scope(const http_request_t *req, const store_client_t *client, const char **out,
                         oauth_error_t *err)
{
    scope_list_t allowed, want;
    const char *requested = http_pairs_get(&req->form, "scope");
    if (scope_parse(req->arena, client->scope, &allowed) != GH_OK)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    if (!requested) {
        *out = client->scope;
        return true;
    }
    if (scope_parse(req->arena, requested, &want) != GH_OK || want.count == 0)
        return oauth_fail(err, OAUTH_ERR_INVALID_SCOPE, "malformed scope");
    if (!scope_subset(&want, &allowed))
        return oauth_fail(err, OAUTH_ERR_INVALID_SCOPE, "scope not allowed for this client");
    *out = scope_join(req->arena, &want);
    return *out != NULL || oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
}

/* Stores a new pending authorization; a user code already taken (by a live
 * or recently expired authorization) is replaced by a new one. */
static gh_status_t store_new(const http_request_t *req, store_device_t *d,
                             char user_code[USER_CODE_DISPLAY_LEN + 1])
{
    gh_status_t st = GH_ERR_CONFLICT;
    for (int i = 0; i < USER_CODE_TRIES && st == GH_ERR_CONFLICT; i++) {
        char normalized[USER_CODE_LEN + 1];
        char *digest = arena_alloc(req->arena, SECRET_DIGEST_HEX_LEN + 1);
        if (!digest)
            return GH_ERR_NOMEM;
        st = user_code_new(user_code);
        if (st != GH_OK || (st = user_code_normalize(user_code, normalized)) != GH_OK)
            return st;
        user_code_digest(normalized, digest);
        d->user_code_digest = digest;
        st = store_device_put(app_of(req)->store, d);
    }
    return st;
}

static void respond(http_request_t *req, http_response_t *res, const char *device_code,
                    const char *user_code)
{
    const config_server_t *cfg = app_of(req)->cfg;
    const char *uri = arena_printf(req->arena, "%s%s", cfg->issuer, DEVICE_PAGE_PATH);
    /* user codes are letters and a dash: nothing to escape in the query */
    const char *complete = uri ? arena_printf(req->arena, "%s?user_code=%s", uri, user_code) : NULL;
    if (!complete) {
        oauth_error_t err = {OAUTH_ERR_SERVER_ERROR, NULL};
        oauth_error_respond(req, res, OAUTH_AT_TOKEN, &err);
        return;
    }
    json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "device_code", device_code, "user_code",
                             user_code, "verification_uri", uri, "verification_uri_complete",
                             complete, "expires_in", (json_int_t)cfg->device_code_ttl, "interval",
                             (json_int_t)cfg->device_code_interval);
    http_response_json(req, res, 200, body); /* JSON answers carry Cache-Control: no-store */
    json_decref(body);
}

static bool device_authorize(http_request_t *req, http_response_t *res, oauth_error_t *err)
{
    app_t *app = app_of(req);
    store_client_t client;
    const char *scope = NULL, *device_code = NULL;
    store_device_t d = {0};
    if (!client_auth_form_check(req, err) || !client_auth_verify(req, &client, err))
        return false;
    if (!(client.grants & STORE_GRANT_DEVICE_CODE))
        return oauth_fail(err, OAUTH_ERR_UNAUTHORIZED_CLIENT,
                          "client may not use the device authorization grant");
    if (!device_scope(req, &client, &scope, err))
        return false;
    if (tokens_mint(req->arena, &device_code, &d.digest) != GH_OK)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    d.client_id = client.id;
    d.scope = scope;
    d.interval = app->cfg->device_code_interval;
    d.expires_at = clock_now() + app->cfg->device_code_ttl;
    char user_code[USER_CODE_DISPLAY_LEN + 1];
    gh_status_t st = store_new(req, &d, user_code);
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    respond(req, res, device_code, user_code);
    return true;
}

/* Unauthenticated requests (a public client's bare id) make rows: each
 * address may ask for device_code_rate codes per window (docs/device.md). */
static bool within_rate(http_request_t *req, http_response_t *res, oauth_error_t *err)
{
    int64_t retry_after = 0;
    gh_status_t st = throttle_device_codes(req, clock_now(), &retry_after);
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    if (retry_after == 0)
        return true;
    session_retry_after(req, res, retry_after);
    return oauth_fail(err, OAUTH_ERR_TOO_MANY_REQUESTS, "too many device codes from this address");
}

void device_authorize_handler(http_request_t *req, http_response_t *res)
{
    oauth_error_t err = {OAUTH_ERR_SERVER_ERROR, NULL};
    if (!within_rate(req, res, &err) || !device_authorize(req, res, &err))
        oauth_error_respond(req, res, OAUTH_AT_TOKEN, &err);
}

const http_param_spec_t DEVICE_AUTHORIZE_PARAMS[] = {
    {"client_id", 128}, {"client_secret", 512}, {"scope", 1024}, CLIENT_ASSERTION_PARAMS, {NULL, 0},
};
