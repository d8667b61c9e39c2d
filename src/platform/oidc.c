/* OpenID Connect platforms: discovery (OpenID Connect Discovery 1.0 §4) and
 * id_token checks (Core §3.1.3.7).
 *
 * The discovery document is fetched on first use and kept for the life of
 * the process; its issuer must equal the configured one exactly (§4.3),
 * every endpoint must pass httpc's URL rule and share the issuer's origin
 * (scheme, host and port) unless the configuration names that endpoint
 * itself: a document that could send the code or the client secret to
 * another host is refused. `authorization_response_iss_parameter_supported`
 * (RFC 9207) makes the redirect's iss required (login.c). The provider's JWKS becomes a
 * verification-only keyset, shared by reference count: a request holds the
 * keyset it verified with even if another request replaces it. A signature
 * that fails against keys older than a minute refetches them once (the
 * provider may have rotated); a token whose kid is still unknown is refused. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "platform/platform_int.h"

#define KEYS_REFETCH_AFTER 60 /* seconds */
#define CLOCK_SKEW 60         /* seconds of leeway on exp, iat and nbf */

typedef struct {
    jose_keyset_t *ks;
    atomic_int refs;
} keys_t;

struct platform_oidc {
    pthread_mutex_t lock;
    bool loaded; /* the fields below are set once, then only read */
    char *authorize, *token, *userinfo, *revoke, *jwks_uri, *end_session;
    bool basic_auth, iss_param;
    keys_t *keys; /* guarded by lock */
    int64_t keys_at;
};

platform_oidc_t *platform_oidc_new(void)
{
    platform_oidc_t *o = calloc(1, sizeof *o);
    if (o && pthread_mutex_init(&o->lock, NULL) != 0) {
        free(o);
        o = NULL;
    }
    return o;
}

static void keys_release(keys_t *k)
{
    if (k && atomic_fetch_sub(&k->refs, 1) == 1) {
        jose_keyset_free(k->ks);
        free(k);
    }
}

void platform_oidc_free(platform_oidc_t *o)
{
    if (!o)
        return;
    keys_release(o->keys);
    free(o->authorize);
    free(o->token);
    free(o->userinfo);
    free(o->revoke);
    free(o->jwks_uri);
    free(o->end_session);
    pthread_mutex_destroy(&o->lock);
    free(o);
}

/* True when url has the issuer's origin (then the next character ends it). */
static bool same_origin(const char *url, const char *issuer)
{
    size_t n = platform_origin_len(issuer);
    return strncmp(url, issuer, n) == 0 && (url[n] == '\0' || url[n] == '/');
}

/* Metadata member name as an allowed URL; NULL when absent. *ok false when
 * present but not allowed, or (unless configured is set: the configuration
 * names this endpoint itself) on another origin than the issuer's. */
static const char *meta_url(const json_t *doc, const char *name, const platform_t *p,
                            const char *configured, bool *ok)
{
    const json_t *v = json_object_get(doc, name);
    const char *s = json_string_value(v);
    if (v && (!s || !httpc_url_allowed(s) || (!configured && !same_origin(s, p->issuer))))
        *ok = false;
    return s;
}

/* True when the array holds the string s. */
static bool has_string(const json_t *array, const char *s)
{
    for (size_t i = 0; i < json_array_size(array); i++) {
        const char *v = json_string_value(json_array_get(array, i));
        if (v && strcmp(v, s) == 0)
            return true;
    }
    return false;
}

/* RFC 8414 §2: client_secret_basic is the default when the list is absent. */
static bool wants_basic(const json_t *doc)
{
    const json_t *list = json_object_get(doc, "token_endpoint_auth_methods_supported");
    if (!json_is_array(list))
        return true;
    return has_string(list, "client_secret_basic");
}

/* Copies the checked document into the cache (first writer wins). */
static gh_status_t remember(const platform_t *p, const json_t *doc)
{
    platform_oidc_t *o = p->oidc;
    const platform_endpoints_t *c = &p->configured;
    bool ok = true;
    const char *az = meta_url(doc, "authorization_endpoint", p, c->authorize, &ok);
    const char *tk = meta_url(doc, "token_endpoint", p, c->token, &ok);
    const char *ui = meta_url(doc, "userinfo_endpoint", p, c->userinfo, &ok);
    const char *rv = meta_url(doc, "revocation_endpoint", p, c->revoke, &ok);
    const char *jw = meta_url(doc, "jwks_uri", p, c->jwks, &ok);
    const char *es = meta_url(doc, "end_session_endpoint", p, NULL, &ok);
    if (!ok || !az || !tk || !jw)
        return GH_ERR_INVALID;
    gh_status_t st = GH_OK;
    pthread_mutex_lock(&o->lock);
    if (!o->loaded) {
        o->authorize = strdup(az);
        o->token = strdup(tk);
        o->userinfo = ui ? strdup(ui) : NULL;
        o->revoke = rv ? strdup(rv) : NULL;
        o->jwks_uri = strdup(jw);
        o->end_session = es ? strdup(es) : NULL;
        o->basic_auth = wants_basic(doc);
        o->iss_param =
            json_is_true(json_object_get(doc, "authorization_response_iss_parameter_supported"));
        o->loaded = o->authorize && o->token && o->jwks_uri;
        st = o->loaded ? GH_OK : GH_ERR_NOMEM;
    }
    pthread_mutex_unlock(&o->lock);
    return st;
}

static gh_status_t discover(arena_t *a, platform_t *p, platform_error_t *err)
{
    size_t n = strlen(p->issuer);
    const char *url = arena_printf(a, "%.*s/.well-known/openid-configuration",
                                   (int)(n && p->issuer[n - 1] == '/' ? n - 1 : n), p->issuer);
    httpc_header_t accept = {"Accept", "application/json"};
    httpc_request_t call = {.method = HTTPC_GET, .url = url, .headers = &accept, .header_count = 1};
    json_t *doc = NULL;
    gh_status_t st = platform_call(a, p, &call, "discovery request", true, &doc, err);
    if (st != GH_OK)
        return st;
    const char *iss = json_string_value(json_object_get(doc, "issuer"));
    if (!iss || strcmp(iss, p->issuer) != 0) /* Discovery §4.3 */
        return platform_fail(
            err, GH_ERR_INVALID, PLATFORM_ERR_UPSTREAM,
            arena_printf(a, "%s's discovery document names another issuer", p->name));
    st = remember(p, doc);
    if (st == GH_ERR_INVALID)
        return platform_fail(
            err, st, PLATFORM_ERR_UPSTREAM,
            arena_printf(a, "%s's discovery document lacks or has unusable endpoints", p->name));
    return st == GH_OK ? st : platform_fail(err, st, PLATFORM_ERR_INTERNAL, "out of memory");
}

gh_status_t platform_oidc_endpoints(arena_t *a, platform_t *p, platform_endpoints_t *out,
                                    platform_error_t *err)
{
    platform_oidc_t *o = p->oidc;
    pthread_mutex_lock(&o->lock);
    bool loaded = o->loaded;
    pthread_mutex_unlock(&o->lock);
    gh_status_t st = loaded ? GH_OK : discover(a, p, err);
    if (st != GH_OK)
        return st;
    *out = (platform_endpoints_t){o->authorize,  o->token,    o->userinfo,  o->revoke,
                                  o->basic_auth, o->jwks_uri, o->iss_param, o->end_session};
    return GH_OK;
}

/* Fetches the provider's JWKS into a keyset. */
static gh_status_t fetch_keys(arena_t *a, platform_t *p, jose_keyset_t **out, platform_error_t *err)
{
    const char *url = p->configured.jwks ? p->configured.jwks : p->oidc->jwks_uri;
    httpc_request_t call = {.method = HTTPC_GET, .url = url};
    json_t *doc = NULL;
    gh_status_t st = platform_call(a, p, &call, "JWKS request", true, &doc, err);
    if (st != GH_OK)
        return st;
    char *text = json_dumps(doc, JSON_COMPACT);
    st = text ? jose_keyset_from_jwks(text, strlen(text), out) : GH_ERR_NOMEM;
    free(text);
    if (st != GH_OK)
        return platform_fail(err, st, PLATFORM_ERR_UPSTREAM,
                             arena_printf(a, "%s's JWKS has no usable key", p->name));
    return GH_OK;
}

/* The current keys with a reference taken, fetching them when there are none
 * or when refresh is set and they are older than KEYS_REFETCH_AFTER. */
static gh_status_t keys_get(arena_t *a, platform_t *p, bool refresh, keys_t **out,
                            platform_error_t *err)
{
    platform_oidc_t *o = p->oidc;
    int64_t now = clock_now();
    pthread_mutex_lock(&o->lock);
    keys_t *k = o->keys;
    bool fetch = !k || (refresh && now - o->keys_at >= KEYS_REFETCH_AFTER);
    if (!fetch)
        atomic_fetch_add(&k->refs, 1);
    pthread_mutex_unlock(&o->lock);
    jose_keyset_t *ks = NULL;
    gh_status_t st = fetch ? fetch_keys(a, p, &ks, err) : GH_OK;
    if (st != GH_OK || !fetch) {
        *out = k;
        return st;
    }
    if (!(k = calloc(1, sizeof *k))) {
        jose_keyset_free(ks);
        return platform_fail(err, GH_ERR_NOMEM, PLATFORM_ERR_INTERNAL, "out of memory");
    }
    k->ks = ks;
    atomic_init(&k->refs, 2); /* the cache's and the caller's */
    pthread_mutex_lock(&o->lock);
    keys_t *old = o->keys;
    o->keys = k;
    o->keys_at = now;
    pthread_mutex_unlock(&o->lock);
    keys_release(old);
    *out = k;
    return GH_OK;
}

/* The signature, with one refetch of old keys on a failure. */
static gh_status_t verify_signature(arena_t *a, platform_t *p, const char *id_token,
                                    json_t **claims, platform_error_t *err)
{
    gh_status_t st = GH_ERR_CRYPTO;
    for (int attempt = 0; attempt < 2 && st == GH_ERR_CRYPTO; attempt++) {
        keys_t *k = NULL;
        gh_status_t got = keys_get(a, p, attempt > 0, &k, err);
        if (got != GH_OK)
            return got;
        st = jose_jwt_verify(k->ks, a, id_token, claims, NULL);
        keys_release(k);
    }
    if (st != GH_OK)
        return platform_fail(err, st, PLATFORM_ERR_UPSTREAM,
                             arena_printf(a, "%s's id_token has a bad signature", p->name));
    return GH_OK;
}

/* aud holds client_id; azp, when present (and always with several
 * audiences), is client_id (Core §3.1.3.7 items 3-5). */
static bool audience_ok(const json_t *claims, const char *client_id)
{
    const json_t *aud = json_object_get(claims, "aud");
    const json_t *azp = json_object_get(claims, "azp");
    if (azp && (!json_is_string(azp) || strcmp(json_string_value(azp), client_id) != 0))
        return false;
    if (json_is_string(aud))
        return strcmp(json_string_value(aud), client_id) == 0;
    return has_string(aud, client_id) && (json_array_size(aud) == 1 || azp);
}

/* A NumericDate claim (RFC 7519 §2) as a whole number of seconds; false when
 * absent or not an integer. */
static bool numeric_date(const json_t *c, const char *name, json_int_t *out)
{
    const json_t *v = json_object_get(c, name);
    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

/* exp, iat and nbf against now with CLOCK_SKEW; written as comparisons with
 * now +/- the skew so that no claim value can overflow them. */
static const char *times_problem(const json_t *c, int64_t now)
{
    json_int_t exp = 0, iat = 0, nbf = 0;
    if (!numeric_date(c, "exp", &exp) || exp <= now - CLOCK_SKEW)
        return "an expired token";
    if (!numeric_date(c, "iat", &iat) || iat > now + CLOCK_SKEW)
        return "an iat missing or in the future";
    if (json_object_get(c, "nbf") && (!numeric_date(c, "nbf", &nbf) || nbf > now + CLOCK_SKEW))
        return "a token not valid yet (nbf)";
    return NULL;
}

/* Which claim check fails, or NULL. */
static const char *claims_problem(const json_t *c, const platform_t *p, const char *nonce)
{
    const char *iss = json_string_value(json_object_get(c, "iss"));
    const char *got_nonce = json_string_value(json_object_get(c, "nonce"));
    const char *sub = json_string_value(json_object_get(c, "sub"));
    const char *times = times_problem(c, clock_now());
    if (!iss || strcmp(iss, p->issuer) != 0)
        return "another issuer";
    if (!audience_ok(c, p->client_id))
        return "another audience";
    if (times)
        return times;
    if (!nonce || !secret_equal_str(got_nonce, nonce))
        return "a wrong nonce";
    if (!sub || !*sub)
        return "no subject";
    return NULL;
}

gh_status_t platform_oidc_check_id_token(arena_t *a, platform_t *p, const char *id_token,
                                         const char *nonce, const char **sub, platform_error_t *err)
{
    json_t *claims = NULL;
    if (!id_token)
        return platform_fail(err, GH_ERR_INVALID, PLATFORM_ERR_UPSTREAM,
                             arena_printf(a, "%s sent no id_token", p->name));
    gh_status_t st = verify_signature(a, p, id_token, &claims, err);
    if (st != GH_OK)
        return st;
    const char *problem = claims_problem(claims, p, nonce);
    if (problem)
        return platform_fail(err, GH_ERR_INVALID, PLATFORM_ERR_UPSTREAM,
                             arena_printf(a, "%s's id_token was refused: %s", p->name, problem));
    *sub = json_string_value(json_object_get(claims, "sub"));
    return GH_OK;
}
