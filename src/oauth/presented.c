/* A token handed back by its client, at the revocation (RFC 7009) and
 * introspection (RFC 7662) endpoints: reading the request and finding out
 * which of our live tokens it is. A token counts only for the client it was
 * issued to; for any other client it is as good as unknown, so neither
 * endpoint tells one client anything about another's tokens. */
#include <string.h>

#include "core/clock.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"

bool presented_read(http_request_t *req, bool confidential, store_client_t *client,
                    const char **token, oauth_error_t *err)
{
    if (!client_auth_form_check(req, err) || !client_auth_verify(req, client, err))
        return false;
    if (confidential && client->is_public)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT,
                          "a public client cannot use this endpoint");
    const char *t = http_pairs_get(&req->form, "token");
    if (!t || !*t)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "token is required");
    *token = t;
    return true;
}

/* An access token of client: verified (not revoked) and issued to it. */
static bool find_access(http_request_t *req, const store_client_t *client, const char *token,
                        found_token_t *out, oauth_error_t *err)
{
    json_t *claims = NULL;
    if (!access_token_verify(req, token, &claims, err))
        return err->kind == OAUTH_ERR_INVALID_TOKEN; /* not one: no error */
    const char *client_id = json_string_value(json_object_get(claims, "client_id"));
    if (client_id && !strcmp(client_id, client->id))
        *out = (found_token_t){.kind = FOUND_ACCESS, .claims = claims};
    return true;
}

/* A live refresh token of client, by the digest the store keeps. */
static bool find_refresh(http_request_t *req, const store_client_t *client, const char *token,
                         found_token_t *out, oauth_error_t *err)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    secret_sha256_hex(token, strlen(token), digest);
    store_refresh_t r;
    gh_status_t st = store_refresh_get(app_of(req)->store, req->arena, digest, clock_now(), &r);
    if (st == GH_ERR_NOT_FOUND)
        return true;
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    if (!strcmp(r.client_id, client->id))
        *out = (found_token_t){.kind = FOUND_REFRESH, .refresh = r};
    return true;
}

bool presented_find(http_request_t *req, const store_client_t *client, const char *token,
                    found_token_t *out, oauth_error_t *err)
{
    *out = (found_token_t){.kind = FOUND_NONE};
    if (!find_access(req, client, token, out, err))
        return false;
    if (out->kind == FOUND_NONE && strchr(token, '.'))
        return true; /* shaped like a JWT: never one of our refresh tokens */
    return out->kind != FOUND_NONE || find_refresh(req, client, token, out, err);
}

const http_param_spec_t PRESENTED_TOKEN_PARAMS[] = {
    {"token", JOSE_MAX_TOKEN},
    {"token_type_hint", 64},
    {"client_id", 128},
    {"client_secret", 512},
    {NULL, 0},
};
