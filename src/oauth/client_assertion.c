/* private_key_jwt client authentication (RFC 7523 §2.2 and §3, OpenID
 * Connect Core §9): a JWT the client signs with a key of its registered
 * jwks or jwks_uri (client_keys.c), sent as client_assertion with
 * client_assertion_type jwt-bearer. Checked here: iss = sub = the client's
 * id (and client_id, when also sent), aud names this server (its issuer,
 * its token endpoint, or the endpoint called), exp in the future and at most
 * ASSERTION_MAX_LIFETIME ahead, nbf and iat not in the future, and a jti seen
 * once (the denylist store keeps it until exp). Only the algorithms jose
 * verifies (RS256, ES256) with the key's own alg pass: `none` and HS256
 * never do. Every failure is invalid_client. */
#include <string.h>

#include "core/clock.h"
#include "oauth/oauth_int.h"

#define ASSERTION_TYPE "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#define ASSERTION_MAX_LIFETIME 300 /* seconds an assertion may still have to live */
#define CLOCK_SKEW 60
#define JTI_MAX 256

bool client_assertion_sent(const http_request_t *req)
{
    return http_pairs_get(&req->form, "client_assertion") ||
           http_pairs_get(&req->form, "client_assertion_type");
}

static bool aud_names_one_of(const json_t *aud, const char *const *ours)
{
    size_t n = json_is_array(aud) ? json_array_size(aud) : 1;
    if (n == 0 || n > 8)
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *v = json_string_value(json_is_array(aud) ? json_array_get(aud, i) : aud);
        for (const char *const *o = ours; v && *o; o++)
            if (!strcmp(v, *o))
                return true;
    }
    return false;
}

static bool times_ok(const json_t *claims, int64_t now, int64_t *exp)
{
    const json_t *e = json_object_get(claims, "exp"), *nbf = json_object_get(claims, "nbf"),
                 *iat = json_object_get(claims, "iat");
    if (!json_is_integer(e) || (nbf && !json_is_integer(nbf)) || (iat && !json_is_integer(iat)))
        return false;
    *exp = json_integer_value(e);
    return *exp > now && *exp <= now + ASSERTION_MAX_LIFETIME + CLOCK_SKEW &&
           (!nbf || json_integer_value(nbf) <= now + CLOCK_SKEW) &&
           (!iat || json_integer_value(iat) <= now + CLOCK_SKEW);
}

bool client_assertion_claims_valid(const json_t *claims, const char *client_id,
                                   const char *const *audiences, int64_t now, int64_t *exp,
                                   const char **jti, const char **why)
{
    const char *iss = json_string_value(json_object_get(claims, "iss"));
    const char *sub = json_string_value(json_object_get(claims, "sub"));
    *jti = json_string_value(json_object_get(claims, "jti"));
    *why = "the assertion's iss and sub must be the client_id";
    if (!iss || !sub || strcmp(iss, client_id) != 0 || strcmp(sub, client_id) != 0)
        return false;
    *why = "the assertion's aud is not this server";
    if (!aud_names_one_of(json_object_get(claims, "aud"), audiences))
        return false;
    *why = "the assertion is expired, not yet valid or lives too long";
    if (!times_ok(claims, now, exp))
        return false;
    *why = "the assertion needs a jti";
    return *jti && **jti && strlen(*jti) <= JTI_MAX;
}

/* The claims of a verified assertion of client (RFC 7523 §3), its jti then
 * spent. */
static bool claims_ok(const http_request_t *req, const store_client_t *client, const json_t *claims,
                      oauth_error_t *err)
{
    const char *issuer = app_of(req)->cfg->issuer, *jti = NULL, *why = NULL;
    const char *ours[] = {issuer, arena_printf(req->arena, "%s%s", issuer, TOKEN_ENDPOINT_PATH),
                          arena_printf(req->arena, "%s%s", issuer, req->path ? req->path : ""),
                          NULL};
    int64_t now = clock_now(), exp = 0;
    if (!ours[1] || !ours[2])
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    if (!client_assertion_claims_valid(claims, client->id, ours, now, &exp, &jti, &why))
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT, why);
    const char *key = arena_printf(req->arena, "assertion:%s:%s", client->id, jti);
    gh_status_t st = key ? store_jti_use_once(app_of(req)->store, key, exp, now) : GH_ERR_NOMEM;
    if (st == GH_ERR_CONFLICT)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT, "the assertion was used before");
    return st == GH_OK || oauth_fail(err, oauth_error_from_status(st), NULL);
}

bool client_assertion_id(const http_request_t *req, const char **id, oauth_error_t *err)
{
    const char *type = http_pairs_get(&req->form, "client_assertion_type");
    const char *assertion = http_pairs_get(&req->form, "client_assertion");
    const char *form_id = http_pairs_get(&req->form, "client_id");
    if (!type || strcmp(type, ASSERTION_TYPE) != 0 || !assertion)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT,
                          "client_assertion_type must be jwt-bearer, with client_assertion");
    json_t *unverified = NULL;
    if (strlen(assertion) > JOSE_MAX_TOKEN ||
        jose_jwt_peek(req->arena, assertion, &unverified) != GH_OK)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT, "malformed client_assertion");
    *id = json_string_value(json_object_get(unverified, "sub"));
    if (!*id || !**id || (form_id && strcmp(form_id, *id) != 0))
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT,
                          "the assertion's sub must be the client_id");
    return true;
}

bool client_assertion_check(const http_request_t *req, const store_client_t *client,
                            oauth_error_t *err)
{
    json_t *claims = NULL, *header = NULL;
    const char *assertion = http_pairs_get(&req->form, "client_assertion");
    gh_status_t st = client_keys_verify(req, client, assertion, &claims, NULL);
    if (st == GH_ERR_NOT_FOUND)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT, "the client has no keys registered");
    if (st == GH_ERR_UNAVAILABLE)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT, "the client's jwks_uri cannot be read");
    if (st != GH_OK)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT,
                          "the assertion's signature does not verify");
    if (client->fapi2 && jose_jwt_peek_header(req->arena, assertion, &header) != GH_OK)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    return fapi2_assertion_ok(client, header, claims, app_of(req)->cfg->issuer, err) &&
           claims_ok(req, client, claims, err);
}
