/* Verifying one of our access tokens (RFC 9068 JWTs), shared by userinfo,
 * revocation and introspection: a signature by one of the key ring's keys,
 * typ at+jwt, our issuer, an audience we write (this server, or RFC 8707
 * resources), not expired, and its jti not on the
 * denylist of revoked tokens. Trusts nothing in the token before the
 * signature has been checked. */
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "oauth/oauth_int.h"

static bool claim_is(json_t *claims, const char *name, const char *want)
{
    const char *v = json_string_value(json_object_get(claims, name));
    return v && !strcmp(v, want);
}

/* What we write as aud: the issuer, or the resources of RFC 8707 (a string
 * or an array of strings); the signature says it is ours. */
static bool audience_ok(const json_t *aud)
{
    if (json_is_string(aud))
        return true;
    if (!json_is_array(aud) || json_array_size(aud) == 0)
        return false;
    for (size_t i = 0; i < json_array_size(aud); i++)
        if (!json_is_string(json_array_get(aud, i)))
            return false;
    return true;
}

bool access_token_audience_has(const json_t *claims, const char *want)
{
    const json_t *aud = json_object_get(claims, "aud");
    if (json_is_string(aud))
        return !strcmp(json_string_value(aud), want);
    for (size_t i = 0; i < json_array_size(aud); i++)
        if (!strcmp(json_string_value(json_array_get(aud, i)), want))
            return true;
    return false;
}

/* The jti and the grant's family id (the jti's part before
 * ACCESS_JTI_FAMILY_END, when there is one). */
static bool token_ids(http_request_t *req, json_t *claims, const char **jti, const char **family,
                      oauth_error_t *err)
{
    const char *id = json_string_value(json_object_get(claims, "jti"));
    if (!id || !*id)
        return oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "the access token has no jti");
    const char *end = strchr(id, ACCESS_JTI_FAMILY_END);
    *family = end ? arena_strndup(req->arena, id, (size_t)(end - id)) : NULL;
    if (end && !*family)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    *jti = id;
    return true;
}

/* A pairwise client's token names the member in ACCESS_MEMBER_CLAIM, sealed:
 * from here on sub is the member's own (what a client is shown is its own
 * view again: oauth_subject), and the sealed claim is gone. */
static bool member_opened(http_request_t *req, json_t *claims, const char *jti, oauth_error_t *err)
{
    const json_t *sealed = json_object_get(claims, ACCESS_MEMBER_CLAIM);
    if (!sealed)
        return true;
    const char *sub = json_is_string(sealed) ? oauth_member_open(app_of(req), req->arena, jti,
                                                                 json_string_value(sealed))
                                             : NULL;
    if (!sub || json_object_set_new(claims, "sub", json_string(sub)) != 0)
        return oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "the access token is invalid");
    json_object_del(claims, ACCESS_MEMBER_CLAIM);
    return true;
}

bool access_token_claims(http_request_t *req, const char *token, json_t **claims, const char **jti,
                         const char **family, oauth_error_t *err)
{
    app_t *app = app_of(req);
    const char *typ = NULL;
    json_t *c = NULL;
    if (keyring_verify(app->keys, req->arena, token, &c, &typ) != GH_OK)
        return oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "the access token is invalid");
    if (!typ || strcasecmp(typ, "at+jwt") != 0) /* RFC 9068 §4: not an id_token */
        return oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "not an access token");
    if (!claim_is(c, "iss", app->cfg->issuer) || !audience_ok(json_object_get(c, "aud")))
        return oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "the access token is not for this server");
    json_t *exp = json_object_get(c, "exp");
    if (!json_is_integer(exp) || json_integer_value(exp) <= clock_now())
        return oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "the access token has expired");
    if (!token_ids(req, c, jti, family, err) || !member_opened(req, c, *jti, err))
        return false;
    *claims = c;
    return true;
}

/* RFC 7009: a revoked token's jti stays denied until the token's exp; a
 * revoked grant's family id until all its access tokens have expired. */
bool access_token_not_revoked(http_request_t *req, const char *jti, const char *family,
                              oauth_error_t *err)
{
    bool revoked = true;
    gh_status_t st = store_jti_is_revoked(app_of(req)->store, jti, family, clock_now(), &revoked);
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    if (revoked)
        return oauth_fail(err, OAUTH_ERR_INVALID_TOKEN, "the access token has been revoked");
    return true;
}

bool access_token_verify(http_request_t *req, const char *token, json_t **claims,
                         oauth_error_t *err)
{
    const char *jti = NULL, *family = NULL;
    json_t *c = NULL;
    if (!access_token_claims(req, token, &c, &jti, &family, err) ||
        !access_token_not_revoked(req, jti, family, err))
        return false;
    *claims = c;
    return true;
}
