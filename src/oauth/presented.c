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

/* The member sub of a token of client, when it is one (a client's own token
 * has no user, or sub = client_id as client_credentials issues). */
static bool is_member(const char *sub, const store_client_t *client)
{
    return sub && strcmp(sub, client->id) != 0;
}

/* Whether an error from the store or the token: a token that is not one of
 * ours (or is revoked) is no error, it is simply not found. */
static bool not_ours(const oauth_error_t *err)
{
    return err->kind == OAUTH_ERR_INVALID_TOKEN;
}

/* A member's username; a member that is gone leaves out as FOUND_NONE. */
static bool member_of(http_request_t *req, gh_status_t st, const store_user_t *user,
                      found_token_t *out, oauth_error_t *err)
{
    if (st == GH_ERR_NOT_FOUND)
        *out = (found_token_t){.kind = FOUND_NONE};
    else if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    else
        out->username = user->username;
    return true;
}

/* An access token of client: live (not revoked) and issued to it; with_user,
 * its member and its revocation are read together. */
static bool find_access(http_request_t *req, const store_client_t *client, const char *token,
                        bool with_user, found_token_t *out, oauth_error_t *err)
{
    json_t *claims = NULL;
    const char *jti = NULL, *family = NULL;
    if (!access_token_claims(req, token, &claims, &jti, &family, err))
        return not_ours(err);
    const char *client_id = json_string_value(json_object_get(claims, "client_id"));
    if (!client_id || strcmp(client_id, client->id) != 0)
        return true; /* another client's: as good as unknown, nothing read */
    const char *sub = json_string_value(json_object_get(claims, "sub"));
    if (!with_user || !is_member(sub, client)) {
        if (!access_token_not_revoked(req, jti, family, err))
            return not_ours(err);
        *out = (found_token_t){.kind = FOUND_ACCESS, .claims = claims};
        return true;
    }
    store_user_t user;
    bool revoked = true;
    gh_status_t st = store_user_for_token(app_of(req)->store, req->arena, sub, jti, family,
                                          clock_now(), &user, &revoked);
    if (st == GH_OK && revoked)
        return true;
    *out = (found_token_t){.kind = FOUND_ACCESS, .claims = claims};
    return member_of(req, st, &user, out, err);
}

/* A live refresh token of client, by the digest the store keeps; with_user,
 * its member too. */
static bool find_refresh(http_request_t *req, const store_client_t *client, const char *token,
                         bool with_user, found_token_t *out, oauth_error_t *err)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    secret_sha256_hex(token, strlen(token), digest);
    store_refresh_t r;
    store_t *store = app_of(req)->store;
    gh_status_t st = store_refresh_get(store, req->arena, digest, clock_now(), &r);
    if (st == GH_ERR_NOT_FOUND)
        return true;
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    if (strcmp(r.client_id, client->id) != 0)
        return true;
    *out = (found_token_t){.kind = FOUND_REFRESH, .refresh = r};
    if (!with_user || !is_member(r.sub, client))
        return true;
    store_user_t user;
    return member_of(req, store_user_get(store, req->arena, r.sub, &user), &user, out, err);
}

bool presented_find(http_request_t *req, const store_client_t *client, const char *token,
                    bool with_user, found_token_t *out, oauth_error_t *err)
{
    *out = (found_token_t){.kind = FOUND_NONE};
    if (!find_access(req, client, token, with_user, out, err))
        return false;
    if (out->kind == FOUND_NONE && strchr(token, '.'))
        return true; /* shaped like a JWT: never one of our refresh tokens */
    return out->kind != FOUND_NONE || find_refresh(req, client, token, with_user, out, err);
}

const http_param_spec_t PRESENTED_TOKEN_PARAMS[] = {
    {"token", JOSE_MAX_TOKEN}, {"token_type_hint", 64}, {"client_id", 128},
    {"client_secret", 512},    CLIENT_ASSERTION_PARAMS, {NULL, 0},
};
