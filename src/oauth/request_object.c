/* JWT-secured authorization requests (RFC 9101): a request object is a JWT
 * the client signs with a key of its registered jwks or jwks_uri
 * (client_keys.c; alg none and HS256 never verify), carrying the
 * authorization request's parameters as claims. Checked here: typ (when
 * present) oauth-authz-req+jwt or JWT, iss and client_id (when present) the
 * client's id, aud naming this server's issuer, exp (when present) in the
 * future and at most MAX_LIFETIME ahead, nbf not in the future, no nested
 * request or request_uri (§4). Its parameters then replace the request's
 * (§5: only they are used; the outer client_id must match). A string claim
 * is one parameter, a number (max_age) its decimal text, an array of
 * strings (resource, RFC 8707) one parameter per item; JWT claims (iss, aud,
 * exp, iat, nbf, jti) are not parameters. Limits: REQUEST_OBJECT_MAX_CLAIMS
 * claims, REQUEST_OBJECT_MAX_VALUES parameters, each value at most
 * PARAM_VALUE_MAX bytes. Every failure is invalid_request_object. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "oauth/oauth_int.h"

#define MAX_LIFETIME 3600
#define CLOCK_SKEW 60
#define REQUEST_OBJECT_MAX_CLAIMS 48
#define REQUEST_OBJECT_MAX_VALUES 48
#define PARAM_VALUE_MAX 4096

static bool is_jwt_claim(const char *name)
{
    static const char *const JWT_CLAIMS[] = {"iss", "aud", "exp", "iat", "nbf", "jti", "sub"};
    for (size_t i = 0; i < sizeof JWT_CLAIMS / sizeof JWT_CLAIMS[0]; i++)
        if (!strcmp(name, JWT_CLAIMS[i]))
            return true;
    return false;
}

static bool aud_has(const json_t *aud, const char *want)
{
    if (json_is_string(aud))
        return !strcmp(json_string_value(aud), want);
    for (size_t i = 0; json_is_array(aud) && i < json_array_size(aud) && i < 8; i++)
        if (json_is_string(json_array_get(aud, i)) &&
            !strcmp(json_string_value(json_array_get(aud, i)), want))
            return true;
    return false;
}

static bool envelope_ok(const http_request_t *req, const store_client_t *client,
                        const json_t *claims, const char *typ)
{
    const json_t *iss = json_object_get(claims, "iss"), *cid = json_object_get(claims, "client_id");
    const json_t *exp = json_object_get(claims, "exp"), *nbf = json_object_get(claims, "nbf");
    int64_t now = clock_now();
    if (typ && strcmp(typ, "oauth-authz-req+jwt") != 0 && strcmp(typ, "JWT") != 0)
        return false;
    if ((iss && (!json_is_string(iss) || strcmp(json_string_value(iss), client->id))) ||
        (cid && (!json_is_string(cid) || strcmp(json_string_value(cid), client->id))))
        return false;
    if (!aud_has(json_object_get(claims, "aud"), app_of(req)->cfg->issuer))
        return false;
    if (exp && (!json_is_integer(exp) || json_integer_value(exp) <= now ||
                json_integer_value(exp) > now + MAX_LIFETIME + CLOCK_SKEW))
        return false;
    if (nbf && (!json_is_integer(nbf) || json_integer_value(nbf) > now + CLOCK_SKEW))
        return false;
    return !json_object_get(claims, "request") && !json_object_get(claims, "request_uri") &&
           json_object_size(claims) <= REQUEST_OBJECT_MAX_CLAIMS;
}

/* Appends name = value to out (room for REQUEST_OBJECT_MAX_VALUES). */
static bool add_pair(http_pairs_t *out, const char *name, const char *value)
{
    if (out->count >= REQUEST_OBJECT_MAX_VALUES || strlen(value) > PARAM_VALUE_MAX)
        return false;
    out->items[out->count++] = (http_pair_t){name, value, strlen(value)};
    return true;
}

/* One claim as parameters; false when its value is not a string, a whole
 * number or an array of strings. */
static bool add_claim(arena_t *a, http_pairs_t *out, const char *name, const json_t *v)
{
    if (json_is_string(v))
        return add_pair(out, name, json_string_value(v));
    if (json_is_integer(v)) {
        const char *text = arena_printf(a, "%lld", (long long)json_integer_value(v));
        return text && add_pair(out, name, text);
    }
    if (!json_is_array(v) || json_array_size(v) == 0)
        return false;
    for (size_t i = 0; i < json_array_size(v); i++)
        if (!json_is_string(json_array_get(v, i)) ||
            !add_pair(out, name, json_string_value(json_array_get(v, i))))
            return false;
    return true;
}

bool request_object_params(const json_t *claims, arena_t *a, http_pairs_t *out)
{
    out->count = 0;
    out->items = arena_alloc(a, REQUEST_OBJECT_MAX_VALUES * sizeof *out->items);
    if (!out->items)
        return false;
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)claims, name, v)
    {
        char *copy = arena_strdup(a, name);
        if (!copy || (!is_jwt_claim(name) && !add_claim(a, out, copy, v)))
            return false;
    }
    return true;
}

bool request_object_read(const http_request_t *req, const store_client_t *client, const char *jwt,
                         http_pairs_t *out, oauth_error_t *err)
{
    json_t *claims = NULL;
    const char *typ = NULL;
    if (strlen(jwt) > JOSE_MAX_TOKEN)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST_OBJECT, "the request object is too long");
    gh_status_t st = client_keys_verify(req, client, jwt, &claims, &typ);
    if (st == GH_ERR_NOT_FOUND)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST_OBJECT,
                          "the client has no keys to sign request objects with");
    if (st != GH_OK)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST_OBJECT,
                          "the request object's signature does not verify");
    if (!envelope_ok(req, client, claims, typ))
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST_OBJECT,
                          "the request object's iss, aud, exp, nbf or typ is not acceptable");
    if (!request_object_params(claims, req->arena, out))
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST_OBJECT,
                          "the request object's parameters are malformed or too many");
    return true;
}
