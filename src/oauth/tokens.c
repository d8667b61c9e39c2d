/* Issuing tokens: the access token as an RFC 9068 JWT, the id_token, and the
 * seed 004 token answer. Refresh tokens are opaque 256-bit values; only their
 * digests are stored. */
#include <string.h>

#include "core/clock.h"
#include "core/jsonw.h"
#include "core/metrics.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"
#include "oidc/oidc.h"

gh_status_t tokens_mint(arena_t *a, const char **token, const char **digest)
{
    char *t = secret_token(a);
    char *d = arena_alloc(a, SECRET_DIGEST_HEX_LEN + 1);
    if (!t || !d)
        return GH_ERR_NOMEM;
    secret_sha256_hex(t, strlen(t), d);
    *token = t;
    *digest = d;
    return GH_OK;
}

/* RFC 8707 §2: the resources asked for, else this server (the issuer). */
static void write_audience(jsonw_t *w, const resource_list_t *aud, const char *issuer)
{
    if (!aud || aud->count == 0) {
        jsonw_string(w, "aud", issuer);
        return;
    }
    if (aud->count == 1) {
        jsonw_string(w, "aud", aud->items[0]);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; list && i < aud->count; i++)
        json_array_append_new(list, json_string(aud->items[i]));
    jsonw_value(w, "aud", list);
    json_decref(list);
}

/* The access token's exp: the usual one, or the cap of its grant. */
static int64_t access_exp(const token_grant_t *g, int64_t usual)
{
    return g->expires_at_max && g->expires_at_max < usual ? g->expires_at_max : usual;
}

/* RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti, scope (+ auth_time);
 * for a pairwise client its own sub and the member sealed (§6). */
static char *sign_access_token(http_request_t *req, const token_grant_t *g, int64_t now)
{
    app_t *app = app_of(req);
    char *jti = secret_hex_id(req->arena, 16);
    if (jti && g->family)
        jti = arena_printf(req->arena, "%s%c%s", g->family, ACCESS_JTI_FAMILY_END, jti);
    if (!jti)
        return NULL;
    buf_t b;
    jsonw_t w;
    buf_init(&b, req->arena);
    /* the sub the client sees; a pairwise one with the member sealed beside it */
    const char *sub = g->sub ? oauth_subject(app, req->arena, g->client, g->sub) : g->client->id;
    bool seal = g->sub && g->client->pairwise;
    const char *sealed = seal && sub ? oauth_member_seal(app, req->arena, jti, g->sub) : NULL;
    if (!sub || (seal && !sealed))
        return NULL;
    jsonw_begin(&w, &b);
    jsonw_string(&w, "iss", app->cfg->issuer);
    jsonw_string(&w, "sub", sub);
    if (sealed)
        jsonw_string(&w, ACCESS_MEMBER_CLAIM, sealed);
    write_audience(&w, g->audience, app->cfg->issuer);
    jsonw_string(&w, "client_id", g->client->id);
    jsonw_string(&w, "scope", g->scope);
    jsonw_int(&w, "iat", now);
    jsonw_int(&w, "exp", access_exp(g, now + app->cfg->access_token_ttl));
    jsonw_string(&w, "jti", jti);
    if (g->auth_time)
        jsonw_int(&w, "auth_time", g->auth_time);
    if (g->act)
        jsonw_value(&w, "act", g->act); /* RFC 8693 §4.1 */
    if (g->jkt) {                       /* RFC 9449 §6.1 */
        json_t *cnf = json_pack("{s:s}", "jkt", g->jkt);
        if (!cnf)
            return NULL;
        jsonw_value(&w, "cnf", cnf);
        json_decref(cnf);
    }
    jsonw_end(&w);
    const char *claims = buf_cstr(&b);
    char *out = NULL;
    if (!claims || jose_jwt_sign_text(keyring_current(app->keys), app->access_token_alg, req->arena,
                                      "at+jwt", claims, b.len, &out) != GH_OK)
        out = NULL;
    return out;
}

static char *sign_id_token(http_request_t *req, const token_grant_t *g, const char *access_token,
                           int64_t now)
{
    app_t *app = app_of(req);
    const char *sub = oauth_subject(app, req->arena, g->client, g->sub);
    if (!sub)
        return NULL;
    oidc_id_token_t in = {.issuer = app->cfg->issuer,
                          .sub = sub,
                          .client_id = g->client->id,
                          .nonce = g->nonce,
                          .access_token = access_token,
                          .alg = jose_alg_name(app->id_token_alg),
                          .iat = now,
                          .exp = now + app->cfg->access_token_ttl,
                          .auth_time = g->auth_time,
                          .authn = g->authn};
    json_t *c = oidc_id_token_claims(&in);
    char *out = NULL;
    if (oauth_id_token_claims_add(app, req->arena, g->client, g->sub, g->scope, c) == GH_OK &&
        jose_jwt_sign(keyring_current(app->keys), app->id_token_alg, req->arena, "JWT", c, &out) !=
            GH_OK)
        out = NULL;
    json_decref(c);
    return out;
}

void tokens_respond(http_request_t *req, http_response_t *res, const token_grant_t *g)
{
    int64_t now = clock_now();
    char *access = sign_access_token(req, g, now);
    char *id_token = access && g->id_token ? sign_id_token(req, g, access, now) : NULL;
    if (!access || (g->id_token && !id_token)) {
        oauth_error_t err = {OAUTH_ERR_SERVER_ERROR, "could not sign the token"};
        oauth_error_respond(req, res, OAUTH_AT_TOKEN, &err);
        return;
    }
    /* the seed 004 answer, in its order */
    buf_t b;
    jsonw_t w;
    buf_init(&b, req->arena);
    jsonw_begin(&w, &b);
    jsonw_string(&w, "access_token", access);
    if (g->refresh_token)
        jsonw_string(&w, "refresh_token", g->refresh_token);
    jsonw_string(&w, "scope", g->scope);
    if (id_token)
        jsonw_string(&w, "id_token", id_token);
    if (g->issued_token_type)
        jsonw_string(&w, "issued_token_type", g->issued_token_type); /* RFC 8693 §2.2.1 */
    jsonw_string(&w, "token_type", g->jkt ? "DPoP" : "Bearer");      /* RFC 9449 §5 */
    jsonw_int(&w, "expires_in", access_exp(g, now + app_of(req)->cfg->access_token_ttl) - now);
    jsonw_end(&w);
    http_response_json_text(res, 200, &b);
    metrics_add(METRIC_TOKENS_ACCESS, 1);
    metrics_add(METRIC_TOKENS_ID, id_token != NULL);
    metrics_add(METRIC_TOKENS_REFRESH, g->refresh_token != NULL);
}
