/* A token handed back by its client, at the revocation (RFC 7009) and
 * introspection (RFC 7662) endpoints: reading the request and finding out
 * which of our live tokens it is. A token counts only for the client it was
 * issued to; for any other client it is as good as unknown, so neither
 * endpoint tells one client anything about another's tokens. */
#include <string.h>

#include "core/clock.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"

/* The member sub of a token of client id, when it is one (a client's own
 * token has no user, or sub = client_id as client_credentials issues). */
static bool is_member(const char *sub, const char *client_id)
{
    return sub && strcmp(sub, client_id) != 0;
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

/* An access token issued to the client named client_id, as far as it can be
 * checked without the store. */
typedef struct {
    json_t *claims;
    const char *jti, *family;
    const char *member; /* its member's sub, NULL for the client's own token */
} access_t;

static bool access_of(http_request_t *req, const char *client_id, const char *token, access_t *out)
{
    oauth_error_t ignored = {OAUTH_ERR_SERVER_ERROR, NULL}; /* not ours: simply not found */
    if (!access_token_claims(req, token, &out->claims, &out->jti, &out->family, &ignored))
        return false;
    const char *owner = json_string_value(json_object_get(out->claims, "client_id"));
    if (!owner || strcmp(owner, client_id) != 0)
        return false; /* another client's: as good as unknown */
    const char *sub = json_string_value(json_object_get(out->claims, "sub"));
    out->member = is_member(sub, client_id) ? sub : NULL;
    return true;
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
    if (!with_user || !is_member(r.sub, client->id))
        return true;
    store_user_t user;
    return member_of(req, store_user_get(store, req->arena, r.sub, &user), &user, out, err);
}

bool presented_take(http_request_t *req, bool confidential, bool with_user, store_client_t *client,
                    found_token_t *out, oauth_error_t *err)
{
    const char *id = NULL, *secret = NULL;
    if (!client_auth_form_check(req, err) || !client_auth_credentials(req, &id, &secret, err))
        return false;
    const char *token = http_pairs_get(&req->form, "token");
    store_t *store = app_of(req)->store;
    access_t at = {0};
    bool access = token && *token && access_of(req, id, token, &at), revoked = true;
    const char *username = NULL;
    gh_status_t st = client_document_prepare(req, id); /* its document still holds */
    if (st == GH_OK)
        st = access ? store_client_get_token(store, req->arena, id, at.jti, at.family,
                                             with_user ? at.member : NULL, clock_now(), client,
                                             &revoked, &username)
                    : store_client_get(store, req->arena, id, client);
    if (!client_auth_check(req, st, client, secret, err))
        return false;
    if (confidential && client->is_public)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT,
                          "a public client cannot use this endpoint");
    if (!token || !*token)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "token is required");
    *out = (found_token_t){.kind = FOUND_NONE};
    if (access) {
        /* revoked, or its member gone: as good as unknown */
        if (!revoked && !(with_user && at.member && !username))
            *out = (found_token_t){.kind = FOUND_ACCESS, .claims = at.claims, .username = username};
        return true;
    }
    if (strchr(token, '.'))
        return true; /* shaped like a JWT: never one of our refresh tokens */
    return find_refresh(req, client, token, with_user, out, err);
}

const http_param_spec_t PRESENTED_TOKEN_PARAMS[] = {
    {"token", JOSE_MAX_TOKEN}, {"token_type_hint", 64}, {"client_id", 128},
    {"client_secret", 512},    CLIENT_ASSERTION_PARAMS, {NULL, 0},
};
