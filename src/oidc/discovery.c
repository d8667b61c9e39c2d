/* The discovery document (OpenID Connect Discovery 1.0 §3, RFC 8414 §2): the
 * endpoints under the issuer and exactly the features Gatehouse implements.
 * One document serves both well-known paths (RFC 8414 §3: the OpenID members
 * are metadata too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oidc/oidc.h"

static json_t *strings(const char *const *items)
{
    json_t *a = json_array();
    for (; *items; items++)
        json_array_append_new(a, json_string(*items));
    return a;
}

static json_t *endpoint(const char *issuer, const char *path)
{
    size_t n = strlen(issuer) + strlen(path) + 1;
    char *url = malloc(n);
    if (!url)
        return json_null();
    snprintf(url, n, "%s%s", issuer, path);
    json_t *s = json_string(url);
    free(url);
    return s;
}

/* names, then each custom scope's name (scopes) or claims not yet listed. */
static json_t *with_custom(const char *const *names, const oidc_scopes_t *custom, bool scopes)
{
    json_t *a = strings(names);
    for (size_t i = 0; custom && i < custom->count; i++) {
        const oidc_scope_t *sc = &custom->items[i];
        for (size_t k = 0; k < (scopes ? 1 : sc->claim_count); k++) {
            const char *name = scopes ? sc->name : sc->claims[k];
            bool listed = false;
            for (size_t j = 0; j < json_array_size(a) && !listed; j++)
                listed = !strcmp(json_string_value(json_array_get(a, j)), name);
            if (!listed)
                json_array_append_new(a, json_string(name));
        }
    }
    return a;
}

json_t *oidc_discovery(const char *issuer, const char *signing_alg, const oidc_scopes_t *custom,
                       bool require_par)
{
    static const char *const scopes[] = {"openid",          "profile",           "email",
                                         OIDC_SCOPE_GROUPS, OIDC_SCOPE_USERNAME, NULL};
    static const char *const response_types[] = {"code", NULL};
    static const char *const response_modes[] = {"query", "form_post", NULL};
    static const char *const grants[] = {"authorization_code",
                                         "refresh_token",
                                         "client_credentials",
                                         "urn:ietf:params:oauth:grant-type:device_code",
                                         "urn:ietf:params:oauth:grant-type:token-exchange",
                                         NULL};
    static const char *const auth_methods[] = {"client_secret_basic", "client_secret_post",
                                               "private_key_jwt", "none", NULL};
    /* introspection is for confidential clients only */
    static const char *const confidential_auth_methods[] = {
        "client_secret_basic", "client_secret_post", "private_key_jwt", NULL};
    /* what a client may sign its assertions and request objects with: what
     * jose verifies (never none or HS256) */
    static const char *const client_algs[] = {"RS256", "PS256", "ES256", "EdDSA", "Ed25519", NULL};
    static const char *const pkce[] = {"S256", NULL};
    static const char *const claims[] = {"sub",
                                         "iss",
                                         "aud",
                                         "exp",
                                         "iat",
                                         "auth_time",
                                         "nonce",
                                         "at_hash",
                                         "amr",
                                         "acr",
                                         "sid",
                                         "nickname",
                                         "name",
                                         "email",
                                         "email_verified",
                                         "preferred_username",
                                         "groups",
                                         NULL};
    /* docs/mfa.md: a password alone, or a password and a second factor */
    static const char *const acrs[] = {"pwd", "mfa", NULL};
    static const char *const locales[] = {"en", "ko", NULL};
    static const char *const subjects[] = {"public", "pairwise", NULL}; /* docs/claims.md */
    const char *const algs[] = {signing_alg, NULL};

    json_t *d = json_object();
    json_object_set_new(d, "issuer", json_string(issuer));
    json_object_set_new(d, "authorization_endpoint", endpoint(issuer, "/auth/authorize"));
    json_object_set_new(d, "token_endpoint", endpoint(issuer, "/oauth2/v1/token"));
    json_object_set_new(d, "userinfo_endpoint", endpoint(issuer, "/oauth2/v1/userinfo"));
    json_object_set_new(d, "jwks_uri", endpoint(issuer, "/oauth2/v1/keys"));
    json_object_set_new(d, "end_session_endpoint", endpoint(issuer, "/auth/logout"));
    json_object_set_new(d, "device_authorization_endpoint",
                        endpoint(issuer, "/oauth2/v1/device/authorize")); /* RFC 8628 §4 */
    json_object_set_new(d, "scopes_supported", with_custom(scopes, custom, true));
    json_object_set_new(d, "response_types_supported", strings(response_types));
    json_object_set_new(d, "response_modes_supported", strings(response_modes));
    json_object_set_new(d, "grant_types_supported", strings(grants));
    json_object_set_new(d, "subject_types_supported", strings(subjects));
    json_object_set_new(d, "id_token_signing_alg_values_supported", strings(algs));
    json_object_set_new(d, "token_endpoint_auth_methods_supported", strings(auth_methods));
    json_object_set_new(d, "code_challenge_methods_supported", strings(pkce));
    json_object_set_new(d, "claims_supported", with_custom(claims, custom, false));
    json_object_set_new(d, "acr_values_supported", strings(acrs));
    json_object_set_new(d, "ui_locales_supported", strings(locales));
    json_object_set_new(d, "claims_parameter_supported", json_false());
    /* RFC 9101: request objects by value (and inside pushed requests),
     * signed with the client's keys; request_uri only as RFC 9126 hands it
     * out (nothing is fetched), hence request_uri_parameter_supported false */
    json_object_set_new(d, "request_parameter_supported", json_true());
    json_object_set_new(d, "request_uri_parameter_supported", json_false());
    json_object_set_new(d, "request_object_signing_alg_values_supported", strings(client_algs));
    json_object_set_new(d, "require_signed_request_object", json_false());
    json_object_set_new(d, "pushed_authorization_request_endpoint",
                        endpoint(issuer, "/oauth2/v1/par")); /* RFC 9126 §5 */
    json_object_set_new(d, "require_pushed_authorization_requests", json_boolean(require_par));
    /* RFC 9449 §5.1: DPoP proofs' keys are read as the clients' own keys are */
    json_object_set_new(d, "dpop_signing_alg_values_supported", strings(client_algs));
    json_object_set_new(d, "authorization_response_iss_parameter_supported", json_true());
    json_object_set_new(d, "revocation_endpoint", endpoint(issuer, "/oauth2/v1/revoke"));
    json_object_set_new(d, "revocation_endpoint_auth_methods_supported", strings(auth_methods));
    json_object_set_new(d, "introspection_endpoint", endpoint(issuer, "/oauth2/v1/introspect"));
    json_object_set_new(d, "introspection_endpoint_auth_methods_supported",
                        strings(confidential_auth_methods));
    json_object_set_new(d, "token_endpoint_auth_signing_alg_values_supported",
                        strings(client_algs)); /* RFC 8414 §2 */
    json_object_set_new(d, "revocation_endpoint_auth_signing_alg_values_supported",
                        strings(client_algs));
    json_object_set_new(d, "introspection_endpoint_auth_signing_alg_values_supported",
                        strings(client_algs));
    /* OpenID Connect Back-Channel Logout 1.0 §2.1, Front-Channel Logout 1.0 §3 */
    json_object_set_new(d, "backchannel_logout_supported", json_true());
    json_object_set_new(d, "backchannel_logout_session_supported", json_true());
    json_object_set_new(d, "frontchannel_logout_supported", json_true());
    json_object_set_new(d, "frontchannel_logout_session_supported", json_true());
    return d;
}

void oidc_discovery_add_registration(json_t *d, const char *issuer)
{
    json_object_set_new(d, "registration_endpoint", endpoint(issuer, OIDC_REGISTRATION_PATH));
}
