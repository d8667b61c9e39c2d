/* Client authentication at the token-style endpoints (RFC 6749 §2.3.1):
 * client_secret_basic, client_secret_post, private_key_jwt (RFC 7523,
 * client_assertion.c), or "none" for public clients. A client registered
 * with keys has no secret, so only its assertions authenticate it. A
 * request may use one method only. Secrets are compared through their stored
 * HMAC digests in constant time. A browser page calling them must be on
 * one of the client's origins. Also the form-body check those endpoints
 * share. */
#include <string.h>

#include "core/secret.h"
#include "core/uri.h"
#include "oauth/oauth_int.h"

bool client_auth_credentials(const http_request_t *req, const char **id, const char **secret,
                             oauth_error_t *err)
{
    const char *basic_id = NULL, *basic_secret = NULL;
    gh_status_t st = http_request_basic_auth(req, &basic_id, &basic_secret);
    if (st == GH_ERR_INVALID)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT, "malformed Basic authorization");
    const char *form_id = http_pairs_get(&req->form, "client_id");
    const char *form_secret = http_pairs_get(&req->form, "client_secret");
    if (client_assertion_sent(req)) {
        if (st == GH_OK || form_secret)
            return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST,
                              "more than one client authentication method");
        *secret = NULL;
        return client_assertion_id(req, id, err);
    }
    if (st == GH_OK && form_secret)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST,
                          "more than one client authentication method");
    if (st == GH_OK && form_id && strcmp(form_id, basic_id) != 0)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST,
                          "client_id differs from the authenticated client");
    *id = st == GH_OK ? basic_id : form_id;
    *secret = st == GH_OK ? basic_secret : form_secret;
    if (!*id || !**id)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT, "client authentication is required");
    return true;
}

/* The authentication proper (client_auth_check without the origin). */
static bool authenticated(const http_request_t *req, gh_status_t st, const store_client_t *client,
                          const char *secret, oauth_error_t *err)
{
    if (st == GH_ERR_NOT_FOUND)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT, "unknown client");
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    if (client_assertion_sent(req))
        return client_assertion_check(req, client, err);
    if (client->fapi2) /* FAPI 2.0 §5.3.2.1: private_key_jwt (or mTLS, not offered) */
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT,
                          "a FAPI 2.0 client authenticates with private_key_jwt");
    if (client->is_public) {
        if (secret)
            return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT, "a public client has no secret");
        return true;
    }
    if (!secret || !secret_client_check(client->secret_digest, secret))
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT, "client authentication failed");
    return true;
}

bool client_origin_check(http_request_t *req, const store_client_t *client, oauth_error_t *err)
{
    const char *origin = http_request_header(req, "Origin");
    if (!origin)
        return true;
    bool ours = uri_same_origin(app_of(req)->cfg->issuer, origin);
    for (size_t i = 0; client && !ours && i < client->redirect_uri_count; i++)
        ours = uri_same_origin(client->redirect_uris[i], origin);
    if (!ours)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST,
                          "a request from this origin is not this client's: the origin of a "
                          "page must be that of one of its redirect URIs");
    req->origin_allowed = true;
    return true;
}

bool client_auth_check(http_request_t *req, gh_status_t st, const store_client_t *client,
                       const char *secret, oauth_error_t *err)
{
    return authenticated(req, st, client, secret, err) && client_origin_check(req, client, err);
}

bool client_auth_verify(http_request_t *req, store_client_t *client, oauth_error_t *err)
{
    const char *id = NULL, *secret = NULL;
    if (!client_auth_credentials(req, &id, &secret, err))
        return false;
    gh_status_t st = client_document_prepare(req, id);
    if (st == GH_OK)
        st = store_client_get(app_of(req)->store, req->arena, id, client);
    return client_auth_check(req, st, client, secret, err);
}

bool client_auth_form_check(const http_request_t *req, oauth_error_t *err)
{
    if (req->form_malformed || !http_request_is_form(req))
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST,
                          "expected an application/x-www-form-urlencoded body");
    return true;
}
