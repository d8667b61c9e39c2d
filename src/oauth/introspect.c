/* POST /oauth2/v1/introspect (RFC 7662): a confidential client asks whether
 * one of its own tokens is live and what it carries. Tokens of other clients
 * answer {"active":false}, exactly like unknown ones (RFC 7662 §2.2 allows
 * it; docs/revocation.md explains the choice). A token whose user no longer
 * exists is not active either, as at userinfo. The answer builders are pure
 * functions of their inputs. */
#include <string.h>

#include "oauth/oauth_int.h"

static bool fail(oauth_error_t *err, oauth_error_kind_t kind, const char *why)
{
    err->kind = kind;
    err->description = why;
    return false;
}

/* Copies the named members of from that are present into into. */
static void copy_members(json_t *into, const json_t *from, const char *const *names)
{
    for (; *names; names++) {
        json_t *v = json_object_get(from, *names);
        if (v)
            json_object_set(into, *names, v);
    }
}

static json_t *active_answer(const char *username)
{
    json_t *a = json_object();
    json_object_set_new(a, "active", json_true());
    if (username)
        json_object_set_new(a, "username", json_string(username));
    return a;
}

json_t *introspect_access_answer(const json_t *claims, const char *username)
{
    static const char *const members[] = {"scope", "client_id", "exp", "iat", "sub",
                                          "aud",   "iss",       "jti", NULL};
    json_t *a = active_answer(username);
    json_object_set_new(a, "token_type", json_string("Bearer"));
    copy_members(a, claims, members);
    return a;
}

json_t *introspect_refresh_answer(const store_refresh_t *r, const char *issuer,
                                  const char *username)
{
    json_t *a = active_answer(username);
    json_object_set_new(a, "token_type", json_string("refresh_token"));
    json_object_set_new(a, "scope", json_string(r->scope));
    json_object_set_new(a, "client_id", json_string(r->client_id));
    json_object_set_new(a, "exp", json_integer(r->expires_at));
    json_object_set_new(a, "iat", json_integer(r->issued_at));
    if (r->sub)
        json_object_set_new(a, "sub", json_string(r->sub));
    json_object_set_new(a, "iss", json_string(issuer));
    return a;
}

static const char *found_sub(const found_token_t *f)
{
    if (f->kind == FOUND_ACCESS)
        return json_string_value(json_object_get(f->claims, "sub"));
    return f->kind == FOUND_REFRESH ? f->refresh.sub : NULL;
}

/* The username of the token's user, NULL for a client's own token (no user,
 * or sub = client_id as client_credentials issues); a token whose user is
 * gone becomes FOUND_NONE. */
static bool find_username(http_request_t *req, const store_client_t *client, found_token_t *f,
                          const char **username, oauth_error_t *err)
{
    const char *sub = found_sub(f);
    *username = NULL;
    if (!sub || !strcmp(sub, client->id))
        return true;
    store_user_t user;
    gh_status_t st = store_user_get(app_of(req)->store, req->arena, sub, &user);
    if (st == GH_ERR_NOT_FOUND)
        f->kind = FOUND_NONE;
    else if (st != GH_OK)
        return fail(err, oauth_error_from_status(st), NULL);
    else
        *username = user.username;
    return true;
}

static bool introspect(http_request_t *req, http_response_t *res, oauth_error_t *err)
{
    store_client_t client;
    const char *token = NULL, *username = NULL;
    found_token_t found;
    if (!presented_read(req, true, &client, &token, err) ||
        !presented_find(req, &client, token, &found, err) ||
        !find_username(req, &client, &found, &username, err))
        return false;
    json_t *body = NULL;
    if (found.kind == FOUND_ACCESS)
        body = introspect_access_answer(found.claims, username);
    else if (found.kind == FOUND_REFRESH)
        body = introspect_refresh_answer(&found.refresh, app_of(req)->cfg->issuer, username);
    else
        body = json_pack("{s:b}", "active", 0); /* RFC 7662 §2.2: nothing else */
    http_response_json(req, res, 200, body);
    json_decref(body);
    return true;
}

void introspect_handler(http_request_t *req, http_response_t *res)
{
    oauth_error_t err = {OAUTH_ERR_SERVER_ERROR, NULL};
    if (!introspect(req, res, &err))
        oauth_error_respond(req, res, OAUTH_AT_TOKEN, &err);
}
