/* The token exchange grant (RFC 8693) at the token endpoint: a confidential
 * client allowed urn:ietf:params:oauth:grant-type:token-exchange presents an
 * access token of this server (subject_token), and gets a new access token
 * for the same person (or client) to call another service with:
 *
 *   - subject_token_type and, when an actor_token is given, actor_token_type
 *     must be urn:ietf:params:oauth:token-type:access_token; both tokens live
 *     access tokens of ours (signature, expiry, denylist), the subject's
 *     member still there;
 *   - requested_token_type, when given, access_token: the only type issued;
 *   - resource and audience (each may repeat; RFC 8693 §2.1) name the
 *     target, each one of the exchanging client's registered resources
 *     (else invalid_target); none: the subject token's audience;
 *   - scope narrows the subject token's scope, never widens it;
 *   - with an actor_token the new token carries act {"sub": the actor's sub}
 *     (delegation, §4.1; an act the subject token had is nested inside);
 *   - the new token lives no longer than the subject token, belongs to its
 *     grant (revoking that grant revokes it) and comes without refresh token.
 * Malformed or invalid tokens are invalid_request (§2.2.2). */
#include <string.h>

#include "core/clock.h"
#include "oauth/oauth_int.h"

#define ACCESS_TOKEN_TYPE "urn:ietf:params:oauth:token-type:access_token"

/* One of our live access tokens of type type; its claims and family. */
static bool live_token(http_request_t *req, const char *token, const char *type, const char *what,
                       json_t **claims, const char **family, oauth_error_t *err)
{
    const char *jti = NULL;
    oauth_error_t ignored;
    if (!type || strcmp(type, ACCESS_TOKEN_TYPE) != 0)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST,
                          arena_printf(req->arena, "%s_token_type must be access_token", what));
    if (!access_token_claims(req, token, claims, &jti, family, &ignored))
        return oauth_fail(
            err, OAUTH_ERR_INVALID_REQUEST,
            arena_printf(req->arena, "the %s_token is not a live access token", what));
    return access_token_not_revoked(req, jti, *family, err) ||
           (err->kind == OAUTH_ERR_INVALID_TOKEN &&
            oauth_fail(err, OAUTH_ERR_INVALID_REQUEST,
                       arena_printf(req->arena, "the %s_token has been revoked", what)));
}

static const char *claim(const json_t *claims, const char *name)
{
    return json_string_value(json_object_get(claims, name));
}

/* The subject's member still exists (a client's own token has none). */
static bool subject_exists(http_request_t *req, const json_t *claims, oauth_error_t *err)
{
    const char *sub = claim(claims, "sub"), *client_id = claim(claims, "client_id");
    if (!sub || (client_id && !strcmp(sub, client_id)))
        return sub != NULL || oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "no subject");
    store_user_t user;
    gh_status_t st = store_user_get(app_of(req)->store, req->arena, sub, &user);
    if (st == GH_ERR_NOT_FOUND)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "the subject no longer exists");
    return st == GH_OK || oauth_fail(err, oauth_error_from_status(st), NULL);
}

/* The target: resource and audience values, each one of client's resources;
 * none given keeps the subject token's audience. */
static bool target(http_request_t *req, const store_client_t *client, const json_t *subject,
                   resource_list_t *out, oauth_error_t *err)
{
    resource_list_t resources, audiences;
    http_pairs_t aud = {0};
    aud.items = arena_alloc(req->arena, req->form.count * sizeof *aud.items + 1);
    if (!aud.items)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    for (size_t i = 0; i < req->form.count; i++)
        if (!strcmp(req->form.items[i].name, "audience"))
            aud.items[aud.count++] =
                (http_pair_t){"resource", req->form.items[i].value, req->form.items[i].value_len};
    if (!resource_read(&req->form, &resources, err) || !resource_read(&aud, &audiences, err))
        return false;
    *out = resources;
    for (size_t i = 0; i < audiences.count && out->count < RESOURCE_MAX_COUNT; i++)
        out->items[out->count++] = audiences.items[i];
    if (out->count > 0)
        return resource_allowed(out, client->resources, client->resource_count, err);
    const json_t *a = json_object_get(subject, "aud"); /* the subject token's audience */
    for (size_t i = 0; json_is_array(a) && i < json_array_size(a) && i < RESOURCE_MAX_COUNT; i++)
        out->items[out->count++] = json_string_value(json_array_get(a, i));
    if (json_is_string(a) && strcmp(json_string_value(a), app_of(req)->cfg->issuer) != 0)
        out->items[out->count++] = json_string_value(a);
    return true;
}

static void free_json(void *json)
{
    json_decref(json);
}

/* RFC 8693 §4.1: act names the actor; the subject token's own act, if any,
 * goes inside (the chain of delegation). */
static json_t *act_claim(http_request_t *req, const json_t *subject, const json_t *actor)
{
    json_t *act = json_pack("{s:s}", "sub", claim(actor, "sub"));
    const json_t *prior = json_object_get(subject, "act");
    if (act && prior)
        json_object_set(act, "act", (json_t *)prior);
    if (act && arena_defer(req->arena, free_json, act) != 0)
        return NULL;
    return act;
}

bool token_exchange_grant(http_request_t *req, http_response_t *res, store_client_t *client,
                          const char *jkt, oauth_error_t *err)
{
    const http_pairs_t *f = &req->form;
    const char *subject_token = http_pairs_get(f, "subject_token");
    const char *actor_token = http_pairs_get(f, "actor_token");
    const char *requested = http_pairs_get(f, "requested_token_type");
    json_t *subject = NULL, *actor = NULL;
    const char *family = NULL, *actor_family = NULL, *scope = NULL;
    resource_list_t audience;
    if (client->is_public)
        return oauth_fail(err, OAUTH_ERR_UNAUTHORIZED_CLIENT,
                          "token exchange is for confidential clients");
    if (!subject_token || !*subject_token)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "subject_token is required");
    if (requested && strcmp(requested, ACCESS_TOKEN_TYPE) != 0)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST,
                          "requested_token_type must be access_token");
    if (!actor_token != !http_pairs_get(f, "actor_token_type"))
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST,
                          "actor_token and actor_token_type go together");
    if (!live_token(req, subject_token, http_pairs_get(f, "subject_token_type"), "subject",
                    &subject, &family, err) ||
        !subject_exists(req, subject, err) ||
        (actor_token && !live_token(req, actor_token, http_pairs_get(f, "actor_token_type"),
                                    "actor", &actor, &actor_family, err)) ||
        !target(req, client, subject, &audience, err))
        return false;
    if (!scope_narrow(req->arena, http_pairs_get(f, "scope"), claim(subject, "scope"), &scope, err))
        return false;
    json_t *exp = json_object_get(subject, "exp");
    token_grant_t g = {.client = client,
                       .sub = claim(subject, "sub"),
                       .scope = scope,
                       .family = family,
                       .audience = &audience,
                       .act = actor ? act_claim(req, subject, actor) : NULL,
                       .expires_at_max = json_integer_value(exp),
                       .issued_token_type = ACCESS_TOKEN_TYPE,
                       .jkt = jkt}; /* RFC 9449: bound to the key the request proves */
    if (actor && !g.act)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    tokens_respond(req, res, &g);
    return true;
}
