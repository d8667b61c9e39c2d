/* Client registrations (RFC 7591 metadata): the one check every registration
 * and update passes, and the operations on it (admin.h). A confidential
 * client's secret is stored only as secret_client_digest(); a generated one
 * is returned once and never again. */
#include <stdlib.h>
#include <string.h>

#include "admin/admin_int.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/secret.h"
#include "core/uri.h"
#include "jose/jose.h"
#include "oauth/audit.h"
#include "oidc/oidc.h"

#define DEFAULT_SCOPE "openid profile email"
#define DEFAULT_GRANTS (STORE_GRANT_AUTHORIZATION_CODE | STORE_GRANT_REFRESH_TOKEN)
#define AUTH_NONE "none"
#define AUTH_DEFAULT "client_secret_basic"
#define AUTH_KEYS "private_key_jwt" /* RFC 7523: the client's jwks or jwks_uri, no secret */
#define JWKS_MAX (64 * 1024)        /* bytes of an inline jwks, as JSON text */
#define APP_WEB "web"               /* OpenID Connect Dynamic Client Registration §2 */
#define APP_NATIVE "native"
#define REGISTERED_DYNAMIC "dynamic" /* registered_by: RFC 7591 at /oauth2/v1/register */
#define REGISTERED_OPERATOR "operator"

static const char *const FIELDS[] = {"client_id",
                                     "client_secret",
                                     "client_name",
                                     "redirect_uris",
                                     "post_logout_redirect_uris",
                                     "grant_types",
                                     "scope",
                                     "token_endpoint_auth_method",
                                     "backchannel_logout_uri",
                                     "backchannel_logout_session_required",
                                     "frontchannel_logout_uri",
                                     "frontchannel_logout_session_required",
                                     "require_mfa",
                                     "id_token_claims",
                                     "subject_type",
                                     "jwks",
                                     "jwks_uri",
                                     "resources",
                                     "require_pushed_authorization_requests",
                                     "dpop_bound_access_tokens",
                                     "security_profile",
                                     "application_type",
                                     "contacts",
                                     "response_types",
                                     NULL};

static const char *const AUTH_METHODS[] = {AUTH_NONE, AUTH_DEFAULT, "client_secret_post", AUTH_KEYS,
                                           NULL};

/* RFC 6749 §3.1.2: absolute URIs without a fragment; https, or http on the
 * loopback interface only (RFC 8252 §7.3, OAuth 2.1 §2.3.1); a private-use
 * scheme (RFC 8252 §7.1) only for a public client, a native app. */
static bool check_uris(arena_t *a, const char *const *uris, size_t count, const char *field,
                       bool is_public, admin_error_t *err)
{
    for (size_t i = 0; i < count; i++) {
        uri_redirect_kind_t kind = uri_redirect_kind(uris[i]);
        if (kind == URI_REDIRECT_INVALID)
            return admin_fail(err, a, 400, field,
                              "'%s' is not an absolute https URI (http only on loopback, or a "
                              "native app's com.example.app:/path) without fragment",
                              uris[i]);
        if (kind == URI_REDIRECT_HTTP)
            return admin_fail(err, a, 400, field,
                              "'%s': http is allowed only for 127.0.0.1, [::1] and localhost; "
                              "use https",
                              uris[i]);
        if (kind == URI_REDIRECT_PRIVATE_USE && !is_public)
            return admin_fail(err, a, 400, field,
                              "'%s': a private-use scheme is for native apps, which are public "
                              "clients (token_endpoint_auth_method none)",
                              uris[i]);
    }
    return true;
}

/* OpenID Connect Dynamic Client Registration 1.0 §2: a web application's
 * redirect URIs are https and not on localhost; a native app's a
 * private-use scheme, http on the loopback interface (RFC 8252 §7.1, §7.3)
 * or https (a claimed URI, RFC 8252 §7.2). No application_type: only the
 * rules of every client (check_uris). */
static bool check_application_type(arena_t *a, const store_client_t *cl, admin_error_t *err)
{
    const char *type = cl->application_type;
    if (type && strcmp(type, APP_WEB) != 0 && strcmp(type, APP_NATIVE) != 0)
        return admin_fail(err, a, 400, "application_type", "must be web or native");
    for (size_t i = 0; type && !strcmp(type, APP_WEB) && i < cl->redirect_uri_count; i++)
        if (uri_redirect_kind(cl->redirect_uris[i]) != URI_REDIRECT_HTTPS ||
            uri_host_is_loopback(cl->redirect_uris[i]))
            return admin_fail(err, a, 400, "redirect_uris",
                              "'%s': a web application's redirect URIs are https and not on "
                              "localhost (application_type native is for apps on a device)",
                              cl->redirect_uris[i]);
    return true;
}

/* contacts (RFC 7591 §2): e-mail addresses. */
static bool check_contacts(arena_t *a, const store_client_t *cl, admin_error_t *err)
{
    for (size_t i = 0; i < cl->contact_count; i++)
        if (!admin_email_valid(cl->contacts[i]))
            return admin_fail(err, a, 400, "contacts", "'%s' is not an e-mail address",
                              cl->contacts[i]);
    return true;
}

/* response_types (RFC 7591 §2.1): only "code", the one this server issues,
 * and only with the authorization_code grant; absent: as the grants say. */
static bool check_response_types(arena_t *a, const json_t *body, unsigned grants,
                                 admin_error_t *err)
{
    const char **types = NULL;
    size_t n = 0;
    bool present = false;
    if (!admin_get_strings(a, body, "response_types", 8, &types, &n, &present, err))
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(types[i], "code") != 0)
            return admin_fail(err, a, 400, "response_types",
                              "'%s' is not supported: only code (and no implicit flow)", types[i]);
    if (n && !(grants & STORE_GRANT_AUTHORIZATION_CODE))
        return admin_fail(err, a, 400, "response_types",
                          "code needs the grant type authorization_code (RFC 7591 §2.1)");
    if (present && !n && (grants & STORE_GRANT_AUTHORIZATION_CODE))
        return admin_fail(err, a, 400, "response_types",
                          "authorization_code needs the response type code (RFC 7591 §2.1)");
    return true;
}

/* A logout URI (Back-Channel Logout 1.0 §2.2, Front-Channel Logout 1.0 §2)
 * or a jwks_uri (RFC 7591 §2): absolute, no fragment; https, or http on the
 * loopback interface. */
static bool check_https_uri(arena_t *a, const char *uri, const char *field, admin_error_t *err)
{
    uri_redirect_kind_t kind = uri ? uri_redirect_kind(uri) : URI_REDIRECT_HTTPS;
    if (kind == URI_REDIRECT_HTTPS || kind == URI_REDIRECT_HTTP_LOOPBACK)
        return true;
    return admin_fail(err, a, 400, field,
                      "'%s' is not an absolute https URI without fragment (http only on loopback)",
                      uri);
}

static bool read_grants(arena_t *a, const json_t *body, unsigned *grants, admin_error_t *err)
{
    const char **names = NULL;
    size_t n = 0;
    bool present = false;
    if (!admin_get_strings(a, body, "grant_types", 100, &names, &n, &present, err))
        return false;
    *grants = present ? 0 : DEFAULT_GRANTS;
    if (present && n == 0)
        return admin_fail(err, a, 400, "grant_types", "must name at least one grant type");
    for (size_t i = 0; i < n; i++) {
        unsigned bit = 0;
        if (admin_grant_parse(names[i], &bit) != GH_OK)
            return admin_fail(err, a, 400, "grant_types", "unknown grant type '%s'", names[i]);
        *grants |= bit;
    }
    return true;
}

/* token_endpoint_auth_method into in: none makes the client public;
 * private_key_jwt (also the default for a client with keys) wants jwks or
 * jwks_uri, which no other method may have. */
static bool read_auth_method(arena_t *a, const json_t *body, admin_client_in_t *in,
                             admin_error_t *err)
{
    const char *method = NULL;
    bool keys = in->client.jwks || in->client.jwks_uri;
    if (!admin_get_string(a, body, "token_endpoint_auth_method", &method, err))
        return false;
    const char *const *m = AUTH_METHODS;
    while (method && *m && strcmp(*m, method) != 0)
        m++;
    if (method && !*m)
        return admin_fail(err, a, 400, "token_endpoint_auth_method",
                          "must be none, client_secret_basic, client_secret_post or "
                          "private_key_jwt");
    if (!method)
        method = keys ? AUTH_KEYS : AUTH_DEFAULT;
    if (!strcmp(method, AUTH_KEYS) && !keys)
        return admin_fail(err, a, 400, "token_endpoint_auth_method",
                          "private_key_jwt needs the client's jwks or jwks_uri");
    if (strcmp(method, AUTH_KEYS) != 0 && keys)
        return admin_fail(err, a, 400, "token_endpoint_auth_method",
                          "a client with jwks or jwks_uri authenticates with private_key_jwt");
    in->client.is_public = !strcmp(method, AUTH_NONE);
    return true;
}

/* A public JWKS text that jose can use: no private members (a private key
 * registered here would be a secret shown by every read of the client). */
static bool public_jwks_ok(const char *text, size_t n)
{
    static const char *const PRIVATE[] = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};
    jose_keyset_t *ks = NULL;
    json_t *doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, NULL);
    json_t *keys = json_object_get(doc, "keys");
    bool ok = json_is_array(keys) && jose_keyset_from_jwks(text, n, &ks) == GH_OK;
    for (size_t i = 0; ok && i < json_array_size(keys); i++)
        for (size_t m = 0; ok && m < sizeof PRIVATE / sizeof PRIVATE[0]; m++)
            ok = !json_object_get(json_array_get(keys, i), PRIVATE[m]);
    jose_keyset_free(ks);
    json_decref(doc);
    return ok;
}

/* jwks (RFC 7591 §2: the client's public keys as a JWKS object) into *out
 * as compact JSON text in the arena; NULL when absent. */
static bool read_jwks(arena_t *a, const json_t *body, const char **out, admin_error_t *err)
{
    json_t *v = json_object_get(body, "jwks");
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_object(v))
        return admin_fail(err, a, 400, "jwks", "must be a JWKS object ({\"keys\":[…]})");
    char *text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    size_t n = text ? strlen(text) : 0;
    bool ok = text && n <= JWKS_MAX && public_jwks_ok(text, n);
    *out = ok ? arena_strdup(a, text) : NULL;
    free(text);
    if (!ok)
        return admin_fail(
            err, a, 400, "jwks",
            "must be a JWKS of at most %d bytes of usable public RS256, PS256, ES256 or EdDSA "
            "signing keys (no private members)",
            JWKS_MAX);
    return *out ? true : admin_fail(err, a, 500, NULL, "out of memory");
}

/* private_key_jwt: one source of keys, and no secret besides. */
static bool check_keys(arena_t *a, const admin_client_in_t *in, admin_error_t *err)
{
    const store_client_t *cl = &in->client;
    if (cl->jwks && cl->jwks_uri)
        return admin_fail(err, a, 400, "jwks_uri", "give jwks or jwks_uri, not both");
    if ((cl->jwks || cl->jwks_uri) && in->secret)
        return admin_fail(err, a, 400, "client_secret",
                          "a client with keys (private_key_jwt) has no secret");
    return check_https_uri(a, cl->jwks_uri, "jwks_uri", err);
}

/* RFC 8707: each resource an absolute URI without fragment. */
static bool check_resources(arena_t *a, const store_client_t *cl, admin_error_t *err)
{
    for (size_t i = 0; i < cl->resource_count; i++)
        if (!uri_is_resource(cl->resources[i]))
            return admin_fail(err, a, 400, "resources",
                              "'%s' is not an absolute URI without fragment", cl->resources[i]);
    return true;
}

/* id_token_claims (docs/claims.md): claim names, none of the protocol's,
 * into cl as space-separated text (NULL for none). */
static bool read_id_token_claims(arena_t *a, const json_t *body, store_client_t *cl,
                                 admin_error_t *err)
{
    const char **names = NULL;
    size_t n = 0;
    bool present = false;
    if (!admin_get_strings(a, body, "id_token_claims", OIDC_CLAIM_NAME_MAX, &names, &n, &present,
                           err))
        return false;
    buf_t b;
    buf_init(&b, a);
    for (size_t i = 0; i < n; i++) {
        if (!oidc_claim_name_valid(names[i]))
            return admin_fail(err, a, 400, "id_token_claims",
                              "'%s' is not a claim name (1-64 of A-Z a-z 0-9 _ . : - starting "
                              "with a letter)",
                              names[i]);
        if (oidc_claim_protocol(names[i]))
            return admin_fail(err, a, 400, "id_token_claims",
                              "'%s' is a protocol claim the id_token sets itself", names[i]);
        buf_printf(&b, "%s%s", i ? " " : "", names[i]);
    }
    cl->id_token_claims = n ? buf_cstr(&b) : NULL;
    return n == 0 || cl->id_token_claims ? true : admin_fail(err, a, 500, NULL, "out of memory");
}

/* subject_type (OpenID Connect Core §8): public (the default) or pairwise. */
static bool read_subject_type(arena_t *a, const json_t *body, store_client_t *cl,
                              admin_error_t *err)
{
    const char *type = NULL;
    if (!admin_get_string(a, body, "subject_type", &type, err))
        return false;
    if (type && strcmp(type, "public") != 0 && strcmp(type, "pairwise") != 0)
        return admin_fail(err, a, 400, "subject_type", "must be public or pairwise");
    cl->pairwise = type && !strcmp(type, "pairwise");
    return true;
}

/* security_profile: fapi2 (the FAPI 2.0 Security Profile, docs/clients.md)
 * or none (the default). */
static bool read_security_profile(arena_t *a, const json_t *body, store_client_t *cl,
                                  admin_error_t *err)
{
    const char *profile = NULL;
    if (!admin_get_string(a, body, "security_profile", &profile, err))
        return false;
    if (profile && strcmp(profile, STORE_PROFILE_FAPI2) != 0 && strcmp(profile, "none") != 0)
        return admin_fail(err, a, 400, "security_profile", "must be fapi2 or none");
    cl->fapi2 = profile && !strcmp(profile, STORE_PROFILE_FAPI2);
    return true;
}

/* What the FAPI 2.0 Security Profile asks of a client's registration
 * (§5.3.2.1, §5.3.3): confidential and authenticated by its keys
 * (private_key_jwt; mTLS is not offered), https redirect URIs, and only the
 * grants the profile covers. Its run-time rules are oauth/fapi.c's. */
static bool check_fapi2(arena_t *a, const store_client_t *cl, admin_error_t *err)
{
    const unsigned covered =
        STORE_GRANT_AUTHORIZATION_CODE | STORE_GRANT_REFRESH_TOKEN | STORE_GRANT_CLIENT_CREDENTIALS;
    if (!cl->fapi2)
        return true;
    if (cl->is_public || !(cl->jwks || cl->jwks_uri))
        return admin_fail(err, a, 400, "security_profile",
                          "fapi2 needs a confidential client with jwks or jwks_uri "
                          "(token_endpoint_auth_method private_key_jwt)");
    if (cl->grants & ~covered)
        return admin_fail(err, a, 400, "grant_types",
                          "a fapi2 client uses authorization_code, refresh_token and "
                          "client_credentials only");
    for (size_t i = 0; i < cl->redirect_uri_count; i++)
        if (uri_redirect_kind(cl->redirect_uris[i]) != URI_REDIRECT_HTTPS)
            return admin_fail(err, a, 400, "redirect_uris",
                              "'%s': a fapi2 client's redirect URIs are https",
                              cl->redirect_uris[i]);
    return true;
}

/* A pairwise client's sector is the one host of its redirect URIs (no
 * sector_identifier_uri: docs/claims.md). */
static bool check_sector(arena_t *a, const store_client_t *cl, admin_error_t *err)
{
    char sector[OIDC_SECTOR_MAX];
    if (!cl->pairwise)
        return true;
    switch (oidc_sector_of((const char *const *)cl->redirect_uris, cl->redirect_uri_count, sector,
                           sizeof sector)) {
    case OIDC_SECTOR_OK:
        return true;
    case OIDC_SECTOR_NONE:
        return admin_fail(err, a, 400, "subject_type",
                          "pairwise needs redirect_uris (their host is the sector)");
    case OIDC_SECTOR_NO_HOST:
        return admin_fail(err, a, 400, "subject_type",
                          "pairwise needs redirect_uris with a host (their host is the sector)");
    default:
        return admin_fail(err, a, 400, "redirect_uris",
                          "a pairwise client's redirect URIs must share one host (the sector)");
    }
}

/* The members of body into in, each checked on its own. */
static bool read_client(arena_t *a, const json_t *body, admin_client_in_t *in, admin_error_t *err)
{
    store_client_t *cl = &in->client;
    bool present;
    if (!json_is_object(body))
        return admin_fail(err, a, 400, NULL, "the body must be a JSON object");
    if (!admin_known_members(a, body, FIELDS, err) ||
        !admin_get_string(a, body, "client_id", &cl->id, err) ||
        !admin_get_string(a, body, "client_secret", &in->secret, err) ||
        !admin_get_string(a, body, "client_name", &cl->name, err) ||
        !admin_get_string(a, body, "scope", &cl->scope, err) ||
        !admin_get_strings(a, body, "redirect_uris", ADMIN_URI_MAX, &cl->redirect_uris,
                           &cl->redirect_uri_count, &present, err) ||
        !admin_get_strings(a, body, "post_logout_redirect_uris", ADMIN_URI_MAX,
                           &cl->post_logout_redirect_uris, &cl->post_logout_redirect_uri_count,
                           &present, err) ||
        !admin_get_string(a, body, "backchannel_logout_uri", &cl->backchannel_logout_uri, err) ||
        !admin_get_bool(a, body, "backchannel_logout_session_required",
                        &cl->backchannel_logout_session_required, err) ||
        !admin_get_string(a, body, "frontchannel_logout_uri", &cl->frontchannel_logout_uri, err) ||
        !admin_get_bool(a, body, "frontchannel_logout_session_required",
                        &cl->frontchannel_logout_session_required, err) ||
        !admin_get_bool(a, body, "require_mfa", &cl->require_mfa, err) ||
        !read_id_token_claims(a, body, cl, err) || !read_subject_type(a, body, cl, err) ||
        !read_jwks(a, body, &cl->jwks, err) ||
        !admin_get_string(a, body, "jwks_uri", &cl->jwks_uri, err) ||
        !admin_get_strings(a, body, "resources", ADMIN_URI_MAX, &cl->resources, &cl->resource_count,
                           &present, err) ||
        !admin_get_bool(a, body, "require_pushed_authorization_requests", &cl->require_par, err) ||
        !admin_get_bool(a, body, "dpop_bound_access_tokens", &cl->dpop_bound, err) ||
        !read_security_profile(a, body, cl, err) ||
        !admin_get_string(a, body, "application_type", &cl->application_type, err) ||
        !admin_get_strings(a, body, "contacts", 254, &cl->contacts, &cl->contact_count, &present,
                           err) ||
        !read_grants(a, body, &cl->grants, err) || !read_auth_method(a, body, in, err) ||
        !check_response_types(a, body, cl->grants, err))
        return false;
    if (!cl->id)
        return admin_fail(err, a, 400, "client_id", "is required");
    if (!cl->scope)
        cl->scope = DEFAULT_SCOPE;
    return true;
}

/* The checks of a client read, across its members. */
static bool check_client(arena_t *a, admin_client_in_t *in, admin_error_t *err)
{
    store_client_t *cl = &in->client;
    if ((cl->grants & STORE_GRANT_AUTHORIZATION_CODE) && cl->redirect_uri_count == 0)
        return admin_fail(err, a, 400, "redirect_uris", "required for authorization_code");
    if (!admin_scope_valid(cl->scope))
        return admin_fail(err, a, 400, "scope", "must be scope names separated by single spaces");
    if (cl->name && (!cl->name[0] || strlen(cl->name) > ADMIN_TEXT_MAX))
        return admin_fail(err, a, 400, "client_name", "must be 1-%d bytes", ADMIN_TEXT_MAX);
    if (cl->is_public && in->secret)
        return admin_fail(err, a, 400, "client_secret",
                          "a public client (token_endpoint_auth_method none) has no secret");
    if (cl->is_public && (cl->grants & STORE_GRANT_CLIENT_CREDENTIALS))
        return admin_fail(err, a, 400, "grant_types",
                          "a public client cannot use client_credentials");
    if (in->secret && !admin_client_secret_valid(in->secret))
        return admin_fail(err, a, 400, "client_secret", "must be 8-512 printable ASCII characters");
    return check_uris(a, cl->redirect_uris, cl->redirect_uri_count, "redirect_uris", cl->is_public,
                      err) &&
           check_uris(a, cl->post_logout_redirect_uris, cl->post_logout_redirect_uri_count,
                      "post_logout_redirect_uris", cl->is_public, err) &&
           check_https_uri(a, cl->backchannel_logout_uri, "backchannel_logout_uri", err) &&
           check_https_uri(a, cl->frontchannel_logout_uri, "frontchannel_logout_uri", err) &&
           check_sector(a, cl, err) && check_keys(a, in, err) && check_resources(a, cl, err) &&
           check_fapi2(a, cl, err) && check_application_type(a, cl, err) &&
           check_contacts(a, cl, err);
}

#define RECHECK_PAGE 256 /* clients read at once */

void admin_clients_recheck(store_t *store)
{
    char *after = strdup("");
    for (size_t n = RECHECK_PAGE; after && n == RECHECK_PAGE;) {
        arena_t *a = arena_new(8u << 20);
        store_client_t *page = NULL;
        n = 0;
        if (!a || store_client_page(store, a, after, RECHECK_PAGE, &page, &n) != GH_OK)
            n = 0; /* the first request will say what is wrong with the store */
        for (size_t i = 0; i < n; i++) {
            admin_client_in_t in = {.client = page[i]};
            admin_error_t err = {0};
            if (!check_client(a, &in, &err))
                log_event(LOG_WARN, "client_refused_today", "client_id", page[i].id, "field",
                          err.field ? err.field : "", "error", err.detail ? err.detail : "", "fix",
                          "gatehouse client update (docs/operations.md)", NULL);
        }
        if (n > 0) {
            free(after);
            after = strdup(page[n - 1].id);
        }
        arena_free(a);
    }
    free(after);
}

void admin_chore(store_t *store, const config_server_t *cfg, int64_t now)
{
    static bool rechecked; /* the main thread's alone */
    if (!rechecked) {
        rechecked = true;
        admin_clients_recheck(store);
    }
    admin_registration_chore(store, cfg, now);
}

bool admin_client_check(arena_t *a, const json_t *body, admin_client_in_t *in, admin_error_t *err)
{
    memset(in, 0, sizeof *in);
    if (!read_client(a, body, in, err))
        return false;
    if (!admin_client_id_valid(in->client.id))
        return admin_fail(err, a, 400, "client_id", "must be 1-64 characters of A-Z a-z 0-9 . _ -");
    return check_client(a, in, err);
}

/* ---- Client ID Metadata Documents (docs/clients.md) ---- */

/* The members a document may set; the operator's own (require_mfa,
 * id_token_claims, subject_type, resources, the logout URIs, PAR) and
 * unknown ones (logo_uri, client_uri, software_id, …) are not taken. */
static const char *const DOCUMENT_FIELDS[] = {"client_id",
                                              "client_name",
                                              "redirect_uris",
                                              "post_logout_redirect_uris",
                                              "grant_types",
                                              "scope",
                                              "token_endpoint_auth_method",
                                              "jwks",
                                              "jwks_uri",
                                              NULL};

/* Whether space-separated scope holds name. */
static bool scope_holds(const char *scope, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = scope; *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && !strncmp(p, name, n))
            return true;
        p += len + (p[len] == ' ');
    }
    return false;
}

/* What a document may not ask for, before it is read as a registration: a
 * shared secret (the server never issued one), response types other than
 * code, grant types beyond the code and its refresh, the admin scope. */
static bool document_allowed(arena_t *a, const json_t *doc, admin_error_t *err)
{
    const char *method = json_string_value(json_object_get(doc, "token_endpoint_auth_method"));
    const json_t *types = json_object_get(doc, "response_types");
    const json_t *grants = json_object_get(doc, "grant_types");
    const char *scope = json_string_value(json_object_get(doc, "scope"));
    size_t i;
    json_t *v;
    if (json_object_get(doc, "client_secret") || json_object_get(doc, "client_secret_expires_at") ||
        (method && !strncmp(method, "client_secret", 13)))
        return admin_fail(err, a, 400, "token_endpoint_auth_method",
                          "a metadata document client has no shared secret (none or "
                          "private_key_jwt)");
    if (types && !json_is_array(types))
        return admin_fail(err, a, 400, "response_types", "must be an array");
    json_array_foreach(types, i, v)
    {
        if (!json_is_string(v) || strcmp(json_string_value(v), "code") != 0)
            return admin_fail(err, a, 400, "response_types", "only code is supported");
    }
    json_array_foreach(grants, i, v)
    {
        const char *g = json_string_value(v);
        if (g && strcmp(g, "authorization_code") != 0 && strcmp(g, "refresh_token") != 0)
            return admin_fail(err, a, 400, "grant_types",
                              "only authorization_code and refresh_token");
    }
    if (scope && scope_holds(scope, ADMIN_SCOPE))
        return admin_fail(err, a, 400, "scope", "the admin scope is for the console only");
    return true;
}

bool admin_client_document_check(arena_t *a, const json_t *doc, store_client_t *out,
                                 const char **why)
{
    admin_client_in_t in = {0};
    admin_error_t err = {0};
    json_t *taken = json_is_object(doc) ? json_object() : NULL;
    for (size_t i = 0; taken && DOCUMENT_FIELDS[i]; i++) {
        json_t *v = json_object_get(doc, DOCUMENT_FIELDS[i]);
        if (v)
            json_object_set(taken, DOCUMENT_FIELDS[i], v);
    }
    /* no method named and no keys: a public client (RFC 7591's default,
     * client_secret_basic, is refused to such clients) */
    if (taken && !json_object_get(taken, "token_endpoint_auth_method") &&
        !json_object_get(taken, "jwks") && !json_object_get(taken, "jwks_uri"))
        json_object_set_new(taken, "token_endpoint_auth_method", json_string(AUTH_NONE));
    bool ok = !json_is_object(doc)
                  ? admin_fail(&err, a, 400, NULL, "the document must be a JSON object")
                  : document_allowed(a, doc, &err) && taken && read_client(a, taken, &in, &err) &&
                        check_client(a, &in, &err);
    json_decref(taken);
    if (ok)
        *out = in.client;
    else
        *why = err.field    ? arena_printf(a, "%s: %s", err.field, err.detail)
               : err.detail ? err.detail
                            : "out of memory";
    return ok;
}

/* The grant type names of a STORE_GRANT_* set, in bit order, into names[]. */
static size_t grant_names(unsigned grants, const char *names[32])
{
    size_t n = 0;
    for (unsigned bit = 1; bit != 0 && bit <= grants; bit <<= 1)
        if ((grants & bit) && admin_grant_name(bit))
            names[n++] = admin_grant_name(bit);
    return n;
}

/* Space-separated names as a JSON array. */
static json_t *id_token_claims_json(const char *names)
{
    json_t *arr = json_array();
    for (const char *p = names; arr && p && *p;) {
        size_t n = strcspn(p, " ");
        json_array_append_new(arr, json_stringn(p, n));
        p += n + (p[n] == ' ');
    }
    return arr;
}

/* The fields an update may change, as the client has them now. */
static json_t *writable_json(const store_client_t *cl)
{
    const char *grants[32];
    size_t ngrants = grant_names(cl->grants, grants);
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "client_id", json_string(cl->id));
    if (cl->name)
        json_object_set_new(o, "client_name", json_string(cl->name));
    json_object_set_new(o, "redirect_uris",
                        admin_string_array(cl->redirect_uris, cl->redirect_uri_count));
    json_object_set_new(
        o, "post_logout_redirect_uris",
        admin_string_array(cl->post_logout_redirect_uris, cl->post_logout_redirect_uri_count));
    json_object_set_new(o, "grant_types", admin_string_array(grants, ngrants));
    if (cl->application_type)
        json_object_set_new(o, "application_type", json_string(cl->application_type));
    json_object_set_new(o, "contacts", admin_string_array(cl->contacts, cl->contact_count));
    json_object_set_new(o, "scope", json_string(cl->scope ? cl->scope : ""));
    json_object_set_new(o, "token_endpoint_auth_method",
                        json_string(cl->is_public              ? AUTH_NONE
                                    : cl->jwks || cl->jwks_uri ? AUTH_KEYS
                                                               : AUTH_DEFAULT));
    json_object_set_new(o, "require_mfa", json_boolean(cl->require_mfa)); /* docs/mfa.md */
    json_object_set_new(o, "id_token_claims", id_token_claims_json(cl->id_token_claims));
    json_object_set_new(o, "subject_type", json_string(cl->pairwise ? "pairwise" : "public"));
    if (cl->jwks) /* RFC 7591 §2, private_key_jwt */
        json_object_set_new(o, "jwks", json_loads(cl->jwks, 0, NULL));
    if (cl->jwks_uri)
        json_object_set_new(o, "jwks_uri", json_string(cl->jwks_uri));
    json_object_set_new(o, "resources", /* RFC 8707: what its tokens may be for */
                        admin_string_array(cl->resources, cl->resource_count));
    json_object_set_new(o, "require_pushed_authorization_requests", /* RFC 9126 §6 */
                        json_boolean(cl->require_par));
    json_object_set_new(o, "dpop_bound_access_tokens", /* RFC 9449 §5.2 */
                        json_boolean(cl->dpop_bound));
    if (cl->fapi2) /* docs/clients.md */
        json_object_set_new(o, "security_profile", json_string(STORE_PROFILE_FAPI2));
    if (cl->backchannel_logout_uri) { /* Back-Channel Logout 1.0 §2.2 */
        json_object_set_new(o, "backchannel_logout_uri", json_string(cl->backchannel_logout_uri));
        json_object_set_new(o, "backchannel_logout_session_required",
                            json_boolean(cl->backchannel_logout_session_required));
    }
    if (cl->frontchannel_logout_uri) { /* Front-Channel Logout 1.0 §2 */
        json_object_set_new(o, "frontchannel_logout_uri", json_string(cl->frontchannel_logout_uri));
        json_object_set_new(o, "frontchannel_logout_session_required",
                            json_boolean(cl->frontchannel_logout_session_required));
    }
    return o;
}

json_t *admin_client_json(const store_client_t *cl)
{
    json_t *o = writable_json(cl);
    if (!o)
        return NULL;
    json_object_set_new(o, "client_id_issued_at", json_integer(cl->created_at));
    const char *code[] = {"code"}; /* RFC 7591 §2.1: what its grant types need */
    json_object_set_new(
        o, "response_types",
        admin_string_array(code, cl->grants & STORE_GRANT_AUTHORIZATION_CODE ? 1 : 0));
    json_object_set_new(o, "registered_by",
                        json_string(cl->dynamic ? REGISTERED_DYNAMIC : REGISTERED_OPERATOR));
    if (cl->dynamic) /* registration_unused_ttl counts from here */
        json_object_set_new(o, "last_used_at", json_integer(cl->last_used_at));
    return o;
}

/* *out: the client, with secret (when not NULL) as client_secret. */
static bool client_answer(arena_t *a, const store_client_t *cl, const char *secret, json_t **out,
                          admin_error_t *err)
{
    *out = admin_client_json(cl);
    if (*out && secret)
        json_object_set_new(*out, "client_secret", json_string(secret));
    return *out ? true : admin_fail(err, a, 500, NULL, "out of memory");
}

/* A generated secret into *secret and its digest into cl. */
static bool new_secret(arena_t *a, store_client_t *cl, const char **secret, admin_error_t *err)
{
    *secret = secret_token(a);
    cl->secret_digest = *secret ? secret_client_digest(a, *secret) : NULL;
    return cl->secret_digest ? true : admin_fail(err, a, 500, NULL, "cannot make a client secret");
}

bool admin_client_create(const admin_ctx_t *ctx, const admin_client_in_t *in, json_t **out,
                         admin_error_t *err)
{
    return admin_client_insert(ctx, in, "client.create", out, err);
}

bool admin_client_insert(const admin_ctx_t *ctx, const admin_client_in_t *in, const char *action,
                         json_t **out, admin_error_t *err)
{
    store_client_t cl = in->client;
    const char *generated = NULL;
    bool secretless = cl.is_public || cl.jwks || cl.jwks_uri; /* none, or private_key_jwt */
    if (!secretless && in->secret)
        cl.secret_digest = secret_client_digest(ctx->arena, in->secret);
    else if (!secretless && !new_secret(ctx->arena, &cl, &generated, err))
        return false;
    if (!secretless && !cl.secret_digest)
        return admin_fail(err, ctx->arena, 500, NULL, "cannot digest the client secret");
    cl.created_at = clock_now();
    cl.last_used_at = cl.dynamic ? cl.created_at : 0; /* registration_unused_ttl from here */
    gh_status_t st = store_client_add(ctx->store, &cl);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "client", cl.id);
    admin_audit(ctx, action, cl.id, NULL);
    return client_answer(ctx->arena, &cl, generated, out, err);
}

bool admin_client_list(const admin_ctx_t *ctx, const admin_page_t *page, json_t **out,
                       admin_error_t *err)
{
    store_client_t *list = NULL;
    size_t n = 0;
    gh_status_t st =
        store_client_page(ctx->store, ctx->arena, page->cursor, page->limit + 1, &list, &n);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "client", "*");
    const char *next = n > page->limit ? list[page->limit - 1].id : NULL;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n && i < page->limit; i++)
        json_array_append_new(items, admin_client_json(&list[i]));
    *out = admin_page_json(items, next);
    return *out ? true : admin_fail(err, ctx->arena, 500, NULL, "out of memory");
}

bool admin_client_get(const admin_ctx_t *ctx, const char *id, json_t **out, admin_error_t *err)
{
    store_client_t cl;
    gh_status_t st = store_client_get(ctx->store, ctx->arena, id, &cl);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "client", id);
    return client_answer(ctx->arena, &cl, NULL, out, err);
}

/* The names of patch's members, comma-separated, for the audit trail. */
static const char *member_names(arena_t *a, const json_t *patch)
{
    buf_t b;
    const char *key;
    json_t *value;
    buf_init(&b, a);
    json_object_foreach((json_t *)patch, key, value)
    {
        buf_printf(&b, "%s%s", b.len ? "," : "", key);
    }
    return buf_cstr(&b);
}

/* RFC 7396: patch's members replace doc's; a null member removes it. */
static bool merge(arena_t *a, json_t *doc, const json_t *patch, admin_error_t *err)
{
    const char *key;
    json_t *value;
    if (!json_is_object(patch))
        return admin_fail(err, a, 400, NULL, "the body must be a JSON object");
    if (json_object_get(patch, "client_secret"))
        return admin_fail(err, a, 400, "client_secret",
                          "cannot be set by an update; rotate the secret instead");
    json_object_foreach((json_t *)patch, key, value)
    {
        if (json_is_null(value))
            json_object_del(doc, key);
        else
            json_object_set(doc, key, value);
    }
    return true;
}

/* How an update is written: the registration access token's new digest
 * (NULL: kept) and the audit action. */
typedef struct {
    const char *token_digest;
    const char *action;
} update_how_t;

static bool update_checked(const admin_ctx_t *ctx, const store_client_t *old, json_t *doc,
                           const json_t *patch, const update_how_t *how, json_t **out,
                           admin_error_t *err)
{
    admin_client_in_t in;
    const char *generated = NULL;
    json_t *id = json_object_get(patch, "client_id");
    if (id && !(json_is_string(id) && !strcmp(json_string_value(id), old->id)))
        return admin_fail(err, ctx->arena, 400, "client_id", "cannot be changed");
    json_object_set_new(doc, "client_id", json_string(old->id));
    if (!admin_client_check(ctx->arena, doc, &in, err))
        return false;
    in.client.created_at = old->created_at;
    in.client.dynamic = old->dynamic;
    in.client.last_used_at = old->last_used_at;
    in.client.registration_token_digest =
        how->token_digest ? how->token_digest : old->registration_token_digest;
    bool secretless = in.client.is_public || in.client.jwks || in.client.jwks_uri;
    in.client.secret_digest = secretless ? NULL : old->secret_digest;
    if (!secretless && !old->secret_digest && !new_secret(ctx->arena, &in.client, &generated, err))
        return false;
    gh_status_t st = store_client_update(ctx->store, &in.client);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "client", old->id);
    admin_audit(ctx, how->action, old->id,
                audit_details(ctx->arena, "fields", member_names(ctx->arena, patch), NULL));
    return client_answer(ctx->arena, &in.client, generated, out, err);
}

bool admin_client_update(const admin_ctx_t *ctx, const char *id, const json_t *patch, json_t **out,
                         admin_error_t *err)
{
    return admin_client_apply(ctx, id, patch, false, NULL, "client.update", out, err);
}

bool admin_client_apply(const admin_ctx_t *ctx, const char *id, const json_t *body, bool replace,
                        const char *token_digest, const char *action, json_t **out,
                        admin_error_t *err)
{
    store_client_t old;
    gh_status_t st = store_client_get(ctx->store, ctx->arena, id, &old);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "client", id);
    json_t *doc = replace ? json_deep_copy(body) : writable_json(&old);
    if (!doc)
        return admin_fail(err, ctx->arena, 500, NULL, "out of memory");
    update_how_t how = {token_digest, action};
    bool ok = (replace || merge(ctx->arena, doc, body, err)) &&
              update_checked(ctx, &old, doc, body, &how, out, err);
    json_decref(doc);
    return ok;
}

bool admin_client_delete(const admin_ctx_t *ctx, const char *id, admin_error_t *err)
{
    return admin_client_remove(ctx, id, "client.delete", err);
}

bool admin_client_remove(const admin_ctx_t *ctx, const char *id, const char *action,
                         admin_error_t *err)
{
    gh_status_t st = store_client_remove(ctx->store, id);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "client", id);
    admin_audit(ctx, action, id, NULL);
    return true;
}

bool admin_client_rotate(const admin_ctx_t *ctx, const char *id, json_t **out, admin_error_t *err)
{
    store_client_t cl;
    const char *secret = NULL;
    gh_status_t st = store_client_get(ctx->store, ctx->arena, id, &cl);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "client", id);
    if (cl.is_public)
        return admin_fail(err, ctx->arena, 400, "token_endpoint_auth_method",
                          "a public client (none) has no secret to rotate");
    if (cl.jwks || cl.jwks_uri)
        return admin_fail(err, ctx->arena, 400, "token_endpoint_auth_method",
                          "a private_key_jwt client has no secret to rotate; change its keys");
    if (!new_secret(ctx->arena, &cl, &secret, err))
        return false;
    st = store_client_update(ctx->store, &cl);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "client", id);
    admin_audit(ctx, "client.secret_rotate", id, NULL);
    return client_answer(ctx->arena, &cl, secret, out, err);
}
