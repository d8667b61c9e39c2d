/* The FAPI 2.0 Security Profile (OpenID FAPI 2.0 Security Profile, final,
 * §5.3) for the clients registered with security_profile "fapi2": the rules
 * it adds at run time, beside those the client model enforces at
 * registration (src/admin/clients.c: confidential with keys, https redirect
 * URIs, the code, refresh and client-credentials grants only).
 *
 * Written elsewhere, each with one test of a FAPI client: authorization
 * requests only pushed (authorize.c), PKCE S256 always (authorize.c, par.c),
 * DPoP-bound access tokens (dpop_required), private_key_jwt only
 * (client_auth_check). Written here: what an assertion of such a client may
 * be (PS256, ES256 and EdDSA only; its issuer
 * as the sole aud, §5.3.2.1), how long its codes live (60 s at most,
 * §5.3.2.2), and that this server signs what it gives it with an algorithm
 * the profile allows (§5.4.1). */
#include <string.h>

#include "oauth/oauth_int.h"

#define FAPI2_CODE_TTL 60

static bool alg_allowed(const char *alg)
{
    /* Ed25519 is RFC 9864's name of EdDSA over Ed25519 */
    return alg && (!strcmp(alg, "PS256") || !strcmp(alg, "ES256") || !strcmp(alg, "EdDSA") ||
                   !strcmp(alg, "Ed25519"));
}

bool fapi2_signing_ok(const store_client_t *client, const config_server_t *cfg, oauth_error_t *err)
{
    const char *token_alg = cfg->access_token_alg ? cfg->access_token_alg : cfg->signing_alg;
    if (!client->fapi2 || (alg_allowed(cfg->signing_alg) && alg_allowed(token_alg)))
        return true;
    return oauth_fail(err, OAUTH_ERR_UNAUTHORIZED_CLIENT,
                      "a FAPI 2.0 client needs this server to sign with PS256, ES256 or "
                      "EdDSA (signing_alg, access_token_alg)");
}

bool fapi2_assertion_ok(const store_client_t *client, const json_t *header, const json_t *claims,
                        const char *issuer, oauth_error_t *err)
{
    if (!client->fapi2)
        return true;
    if (!alg_allowed(json_string_value(json_object_get(header, "alg"))))
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT,
                          "a FAPI 2.0 client signs its assertions with PS256, ES256 or EdDSA");
    const json_t *aud = json_object_get(claims, "aud");
    if (json_is_array(aud) && json_array_size(aud) == 1)
        aud = json_array_get(aud, 0);
    const char *v = json_string_value(aud);
    if (!v || strcmp(v, issuer) != 0)
        return oauth_fail(err, OAUTH_ERR_INVALID_CLIENT,
                          "a FAPI 2.0 client's assertion has the issuer as its sole aud");
    return true;
}

int64_t fapi2_code_ttl(const store_client_t *client, int64_t configured)
{
    return client->fapi2 && configured > FAPI2_CODE_TTL ? FAPI2_CODE_TTL : configured;
}
