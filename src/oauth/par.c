/* Pushed authorization requests (RFC 9126): POST /oauth2/v1/par. An
 * authenticated client (any method client_auth_verify takes, public clients
 * by their client_id) sends the parameters of an authorization request, or
 * one request object carrying them (RFC 9101, request_object.c), and gets a
 * request_uri, urn:ietf:params:oauth:request_uri:<256 random bits>, usable
 * once, by that client only, for PAR_TTL seconds. The store keeps only the
 * digest of the random part and the parameters as one form-encoded string.
 * Checked here: the client's redirect_uri and response_type=code, so a
 * mistake is told to the client rather than to the person; the rest is
 * checked at /auth/authorize, as for any request. A request_uri in the
 * pushed request is refused (§2.1). */
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "core/secret.h"
#include "core/uri.h"
#include "oauth/oauth_int.h"

#define PAR_TTL 60
#define PAR_URN "urn:ietf:params:oauth:request_uri:"

/* The fields of client authentication, which are not the request's. */
static bool is_auth_field(const char *name)
{
    return !strcmp(name, "client_secret") || !strcmp(name, "client_assertion") ||
           !strcmp(name, "client_assertion_type");
}

const char *par_encode(arena_t *a, const char *client_id, const http_pairs_t *p)
{
    buf_t b;
    buf_init(&b, a);
    buf_puts(&b, "client_id=");
    pct_encode(&b, client_id);
    for (size_t i = 0; i < p->count; i++) {
        if (is_auth_field(p->items[i].name) || !strcmp(p->items[i].name, "client_id"))
            continue;
        buf_putc(&b, '&');
        pct_encode(&b, p->items[i].name);
        buf_putc(&b, '=');
        pct_encode(&b, p->items[i].value);
    }
    return buf_cstr(&b);
}

/* As /auth/authorize matches it (RFC 9700 §4.1.3, RFC 8252 §7.3). */
static bool redirect_uri_registered(const store_client_t *c, const char *uri)
{
    for (size_t i = 0; uri && i < c->redirect_uri_count; i++)
        if (uri_redirect_matches(c->redirect_uris[i], uri))
            return true;
    return false;
}

/* The parameters to push: the form's, or its request object's. */
static bool pushed_params(const http_request_t *req, const store_client_t *client,
                          http_pairs_t *out, oauth_error_t *err)
{
    const char *request = http_pairs_get(&req->form, "request");
    const char *cid = http_pairs_get(&req->form, "client_id");
    if (http_pairs_get(&req->form, "request_uri")) /* RFC 9126 §2.1 */
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "request_uri cannot be pushed");
    if (cid && strcmp(cid, client->id) != 0)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST,
                          "client_id differs from the authenticated client");
    if (request)
        return request_object_read(req, client, request, out, err);
    if (req->form.count > PAR_MAX_PARAMS)
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "too many parameters");
    *out = req->form;
    return true;
}

/* RFC 9449 §10.1: a DPoP proof sent with the pushed request binds its code
 * to the proof's key (jkt), as dpop_jkt would; both must then agree. */
static bool bind_dpop(http_request_t *req, const char *jkt, http_pairs_t *p, oauth_error_t *err)
{
    const char *given = http_pairs_get(p, "dpop_jkt");
    if (!jkt || given)
        return !jkt || !strcmp(given, jkt) ||
               oauth_fail(err, OAUTH_ERR_INVALID_DPOP_PROOF, "dpop_jkt is not the proof's key");
    http_pair_t *items = arena_alloc(req->arena, (p->count + 1) * sizeof *items);
    if (!items)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    if (p->count)
        memcpy(items, p->items, p->count * sizeof *items);
    items[p->count] = (http_pair_t){"dpop_jkt", jkt, strlen(jkt)};
    *p = (http_pairs_t){items, p->count + 1};
    return true;
}

static bool push(http_request_t *req, http_response_t *res, oauth_error_t *err)
{
    store_client_t client;
    http_pairs_t p;
    const char *jkt = NULL;
    if (!client_auth_form_check(req, err) || !dpop_request(req, res, NULL, &jkt, err) ||
        !client_auth_verify(req, &client, err) || !pushed_params(req, &client, &p, err) ||
        !bind_dpop(req, jkt, &p, err))
        return false;
    if (!redirect_uri_registered(&client, http_pairs_get(&p, "redirect_uri")))
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST,
                          "redirect_uri is missing or not registered for this client");
    const char *type = http_pairs_get(&p, "response_type");
    if (!type || strcmp(type, "code") != 0)
        return oauth_fail(err, OAUTH_ERR_UNSUPPORTED_RESPONSE_TYPE, "only response_type=code");
    if (client.fapi2 && !http_pairs_get(&p, "code_challenge")) /* FAPI 2.0 §5.3.2.2 */
        return oauth_fail(err, OAUTH_ERR_INVALID_REQUEST, "a FAPI 2.0 client must use PKCE");
    if (!fapi2_signing_ok(&client, app_of(req)->cfg, err))
        return false;
    const char *params = par_encode(req->arena, client.id, &p), *token = NULL, *digest = NULL;
    if (!params || tokens_mint(req->arena, &token, &digest) != GH_OK)
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    int64_t now = clock_now();
    gh_status_t st =
        store_pushed_put(app_of(req)->store, digest, client.id, params, now + PAR_TTL, now);
    if (st != GH_OK)
        return oauth_fail(err, oauth_error_from_status(st), NULL);
    json_t *body = json_pack("{s:s+,s:i}", "request_uri", PAR_URN, token, "expires_in", PAR_TTL);
    http_response_json(req, res, 201, body); /* RFC 9126 §2.2 */
    json_decref(body);
    return true;
}

void par_handler(http_request_t *req, http_response_t *res)
{
    oauth_error_t err = {OAUTH_ERR_SERVER_ERROR, NULL};
    if (!push(req, res, &err))
        oauth_error_respond(req, res, OAUTH_AT_TOKEN, &err);
}

bool par_take(const http_request_t *req, const char *client_id, const char *request_uri,
              http_pairs_t *out)
{
    size_t n = strlen(PAR_URN);
    if (!client_id || strncmp(request_uri, PAR_URN, n) != 0 || !request_uri[n])
        return false;
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    secret_sha256_hex(request_uri + n, strlen(request_uri + n), digest);
    const char *params = NULL;
    if (store_pushed_take(app_of(req)->store, req->arena, digest, client_id, clock_now(),
                          &params) != GH_OK)
        return false;
    return http_parse_form(req->arena, params, strlen(params), PAR_MAX_PARAMS, out) == GH_OK;
}

bool par_is_ours(const char *request_uri)
{
    return !strncmp(request_uri, PAR_URN, strlen(PAR_URN));
}

/* The authorization request's parameters (as /auth/authorize declares them)
 * and client authentication's. */
const http_param_spec_t PAR_PARAMS[] = {
    AUTHORIZE_REQUEST_PARAMS,
    {"client_secret", 512},
    CLIENT_ASSERTION_PARAMS,
    {NULL, 0},
};
