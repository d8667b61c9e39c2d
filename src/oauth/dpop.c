/* DPoP (RFC 9449): proofs of possession of a key, sent by a client in the
 * DPoP header to bind its tokens to that key.
 *
 * A proof is a JWT signed with the public key its header carries
 * (jose_jwt_verify_embedded): typ dpop+jwt, alg ES256, RS256 or EdDSA, htm the
 * request's method, htu the endpoint's URL under our issuer (query and
 * fragment ignored), iat no older than dpop_proof_lifetime (nor more than a
 * few seconds ahead), a jti seen once (the denylist store keeps it, keyed by
 * the key's thumbprint, as long as the proof could be accepted: one
 * conditional INSERT, shared by all instances), and at a resource ath, the
 * hash of the access token it comes with. With dpop_nonce on, it also
 * carries a nonce of ours (§8): an HMAC of the current 5-minute window under
 * a key derived from the shared CSRF key, so every instance makes and checks
 * the same nonces without storing any; a nonce of the window before is still
 * good. Everything but the jti is checked without the store
 * (dpop_proof_check: unit tests, fuzz target). */
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"

#define DPOP_TYP "dpop+jwt"
#define DPOP_SKEW 5           /* seconds an iat may be ahead of our clock */
#define DPOP_JTI_MAX 256      /* bytes */
#define DPOP_URL_MAX 2048     /* bytes of htu */
#define DPOP_NONCE_WINDOW 300 /* seconds: a nonce is good for this window and the next */
#define DPOP_NONCE_LABEL "gatehouse dpop nonce"

void dpop_nonce_for(const unsigned char key[32], int64_t now, int back,
                    char out[DPOP_NONCE_LEN + 1])
{
    char window[32];
    int n =
        snprintf(window, sizeof window, "dpop:%lld", (long long)(now / DPOP_NONCE_WINDOW - back));
    secret_hmac_hex(key, 32, window, (size_t)n, out);
}

/* Whether nonce is ours, of now's window or the one before. */
static bool nonce_good(const unsigned char key[32], int64_t now, const char *nonce)
{
    for (int back = 0; back < 2; back++) {
        char want[DPOP_NONCE_LEN + 1];
        dpop_nonce_for(key, now, back, want);
        if (nonce && secret_equal_str(nonce, want))
            return true;
    }
    return false;
}

/* htu without its query and fragment (RFC 9449 §4.3 item 9) equals url. */
static bool htu_matches(const char *htu, const char *url)
{
    size_t n = strcspn(htu, "?#");
    return strlen(url) == n && !strncmp(htu, url, n);
}

/* ath: base64url of the SHA-256 of the access token (RFC 9449 §4.2). */
static bool ath_matches(const char *ath, const char *token)
{
    unsigned char digest[32];
    char want[44];
    secret_sha256(token, strlen(token), digest);
    want[b64url_encode_to(digest, sizeof digest, want)] = '\0';
    return ath && secret_equal_str(ath, want);
}

/* A whole-number NumericDate in range. */
static bool int_claim(const json_t *claims, const char *name, int64_t *out)
{
    const json_t *v = json_object_get(claims, name);
    double d = json_number_value(v);
    if (!json_is_number(v) || d < 0 || d > 1e12)
        return false;
    *out = (int64_t)d;
    return true;
}

static dpop_verdict_t bad(const char **why, const char *text)
{
    *why = text;
    return DPOP_BAD;
}

dpop_verdict_t dpop_proof_check(arena_t *a, const char *proof, const dpop_expect_t *x,
                                dpop_proof_t *out, const char **why)
{
    json_t *hdr = NULL, *claims = NULL;
    char *jkt = NULL;
    if (!proof || strlen(proof) > DPOP_MAX_PROOF)
        return bad(why, "the DPoP proof is too long");
    gh_status_t st = jose_jwt_verify_embedded(a, proof, &hdr, &claims, &jkt);
    if (st == GH_ERR_NOMEM)
        return bad(why, NULL);
    if (st != GH_OK)
        return bad(why, "the DPoP proof is malformed, its key unusable or its signature wrong");
    const char *typ = json_string_value(json_object_get(hdr, "typ"));
    if (!typ || strcasecmp(typ, DPOP_TYP) != 0)
        return bad(why, "the DPoP proof's typ must be dpop+jwt");
    const char *htm = json_string_value(json_object_get(claims, "htm"));
    const char *htu = json_string_value(json_object_get(claims, "htu"));
    const char *jti = json_string_value(json_object_get(claims, "jti"));
    int64_t iat = 0;
    if (!htm || strcmp(htm, x->method) != 0)
        return bad(why, "the DPoP proof's htm is not this request's method");
    if (!htu || strlen(htu) > DPOP_URL_MAX || !htu_matches(htu, x->url))
        return bad(why, "the DPoP proof's htu is not this endpoint");
    if (!jti || !*jti || strlen(jti) > DPOP_JTI_MAX)
        return bad(why, "the DPoP proof needs a jti");
    if (!int_claim(claims, "iat", &iat) || iat > x->now + DPOP_SKEW || iat < x->now - x->lifetime)
        return bad(why, "the DPoP proof's iat is too old or in the future");
    if (x->access_token &&
        !ath_matches(json_string_value(json_object_get(claims, "ath")), x->access_token))
        return bad(why, "the DPoP proof's ath is not the access token's hash");
    *out = (dpop_proof_t){.jkt = jkt, .jti = jti, .iat = iat};
    if (x->nonce_key &&
        !nonce_good(x->nonce_key, x->now, json_string_value(json_object_get(claims, "nonce")))) {
        *why = "the DPoP proof needs the server's current nonce (DPoP-Nonce)";
        return DPOP_NONCE;
    }
    return DPOP_OK;
}

/* The request's one DPoP header, NULL when none; *many when more than one. */
static const char *dpop_header(const http_request_t *req, bool *many)
{
    const char *found = NULL;
    *many = false;
    for (size_t i = 0; i < req->headers.count; i++) {
        if (strcasecmp(req->headers.items[i].name, DPOP_HEADER) != 0)
            continue;
        *many = found != NULL;
        found = req->headers.items[i].value;
    }
    return found;
}

/* Answers a DPoP request with the current nonce (§8.2: a fresh one with
 * every answer, so a client never runs on a stale one). */
static void nonce_header(const http_request_t *req, http_response_t *res,
                         const unsigned char key[32], int64_t now)
{
    char *nonce = arena_alloc(req->arena, DPOP_NONCE_LEN + 1);
    if (!nonce)
        return;
    dpop_nonce_for(key, now, 0, nonce);
    http_response_header(res, "DPoP-Nonce", nonce);
}

bool dpop_request(const http_request_t *req, http_response_t *res, const char *access_token,
                  const char **jkt, oauth_error_t *err)
{
    app_t *app = app_of(req);
    bool many = false;
    const char *proof = dpop_header(req, &many), *why = NULL;
    *jkt = NULL;
    if (!proof)
        return true;
    if (many)
        return oauth_fail(err, OAUTH_ERR_INVALID_DPOP_PROOF, "more than one DPoP header");
    const char *url = arena_printf(req->arena, "%s%s", app->cfg->issuer, req->path);
    if (!url)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    unsigned char key[32];
    oauth_key_derive(app->csrf_key, DPOP_NONCE_LABEL, key);
    dpop_expect_t x = {.method = req->method_name,
                       .url = url,
                       .access_token = access_token,
                       .now = clock_now(),
                       .lifetime = app->cfg->dpop_proof_lifetime,
                       .nonce_key = app->cfg->dpop_nonce ? key : NULL};
    dpop_proof_t p;
    dpop_verdict_t v = dpop_proof_check(req->arena, proof, &x, &p, &why);
    if (x.nonce_key)
        nonce_header(req, res, key, x.now);
    secret_wipe(key, sizeof key);
    if (v == DPOP_NONCE)
        return oauth_fail(err, OAUTH_ERR_USE_DPOP_NONCE, why);
    if (v != DPOP_OK)
        return oauth_fail(err, why ? OAUTH_ERR_INVALID_DPOP_PROOF : OAUTH_ERR_SERVER_ERROR, why);
    /* single use: kept until the proof's iat is out of the window */
    const char *used = arena_printf(req->arena, "dpop:%s:%s", p.jkt, p.jti);
    gh_status_t st =
        used ? store_jti_use_once(app->store, used, p.iat + x.lifetime + 1, x.now) : GH_ERR_NOMEM;
    if (st == GH_ERR_CONFLICT)
        return oauth_fail(err, OAUTH_ERR_INVALID_DPOP_PROOF, "the DPoP proof was used before");
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    *jkt = p.jkt;
    return true;
}

bool dpop_required(const store_client_t *client)
{
    return client->dpop_bound || client->fapi2; /* FAPI 2.0 §5.3.2.1: sender-constrained */
}

const char *dpop_bound_jkt(const json_t *claims)
{
    return json_string_value(json_object_get(json_object_get(claims, "cnf"), "jkt"));
}

bool dpop_resource_check(const http_request_t *req, http_response_t *res, const char *token,
                         bool dpop_scheme, const json_t *claims, oauth_error_t *err)
{
    const char *bound = dpop_bound_jkt(claims), *jkt = NULL;
    if (!bound && !dpop_scheme)
        return true; /* a bearer token, presented as one */
    if (!bound)
        return oauth_fail(err, OAUTH_ERR_INVALID_DPOP_TOKEN, "the access token is not DPoP-bound");
    if (!dpop_scheme) /* RFC 9449 §7.2: a bound token is no bearer token */
        return oauth_fail(err, OAUTH_ERR_INVALID_DPOP_TOKEN,
                          "a DPoP-bound access token goes with Authorization: DPoP");
    if (!dpop_request(req, res, token, &jkt, err))
        return false;
    if (!jkt)
        return oauth_fail(err, OAUTH_ERR_INVALID_DPOP_PROOF, "a DPoP proof is required");
    return !strcmp(jkt, bound) ||
           oauth_fail(err, OAUTH_ERR_INVALID_DPOP_PROOF,
                      "the DPoP proof's key is not the one the token is bound to");
}
