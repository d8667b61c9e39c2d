/* POST /oauth2/v1/introspect (RFC 7662): a confidential client asks whether
 * one of its own tokens is live and what it carries. Tokens of other clients
 * answer {"active":false}, exactly like unknown ones (RFC 7662 §2.2 allows
 * it; docs/revocation.md explains the choice). A token whose user no longer
 * exists is not active either, as at userinfo. The answer builders are pure
 * functions of their inputs. */
#include <string.h>

#include "core/jsonw.h"
#include "oauth/oauth_int.h"

/* Writes the named members of from that are present. */
static void copy_members(jsonw_t *w, const json_t *from, const char *const *names)
{
    for (; *names; names++) {
        const json_t *v = json_object_get(from, *names);
        if (v)
            jsonw_value(w, *names, v);
    }
}

static void begin_active(jsonw_t *w, buf_t *b, const char *username, const char *token_type)
{
    jsonw_begin(w, b);
    jsonw_bool(w, "active", true);
    if (username)
        jsonw_string(w, "username", username);
    jsonw_string(w, "token_type", token_type);
}

void introspect_access_answer(buf_t *b, const json_t *claims, const char *username)
{
    static const char *const members[] = {"scope", "client_id", "exp", "iat", "sub",
                                          "aud",   "iss",       "jti", "cnf", NULL};
    jsonw_t w;
    /* RFC 9449 §6.2: a bound token says so, with its cnf.jkt */
    begin_active(&w, b, username, dpop_bound_jkt(claims) ? "DPoP" : "Bearer");
    copy_members(&w, claims, members);
    jsonw_end(&w);
}

void introspect_refresh_answer(buf_t *b, const store_refresh_t *r, const char *issuer,
                               const char *username)
{
    jsonw_t w;
    begin_active(&w, b, username, "refresh_token");
    jsonw_string(&w, "scope", r->scope);
    jsonw_string(&w, "client_id", r->client_id);
    jsonw_int(&w, "exp", r->expires_at);
    jsonw_int(&w, "iat", r->issued_at);
    if (r->sub)
        jsonw_string(&w, "sub", r->sub);
    jsonw_string(&w, "iss", issuer);
    jsonw_end(&w);
}

/* The token's sub as the client sees it (a pairwise client its pairwise
 * sub, as in its id_token and at userinfo: oauth_subject). */
static bool client_subject(http_request_t *req, const store_client_t *client, found_token_t *found)
{
    json_t *claims = found->claims;
    const char *sub = found->kind == FOUND_ACCESS
                          ? json_string_value(json_object_get(claims, "sub"))
                          : found->refresh.sub;
    if (!client->pairwise || !sub)
        return true;
    const char *seen = oauth_subject(app_of(req), req->arena, client, sub);
    if (!seen)
        return false;
    if (found->kind == FOUND_REFRESH)
        found->refresh.sub = seen;
    else
        json_object_set_new(claims, "sub", json_string(seen));
    return true;
}

static bool introspect(http_request_t *req, http_response_t *res, oauth_error_t *err)
{
    store_client_t client;
    found_token_t found;
    if (!presented_take(req, true, true, &client, &found, err))
        return false;
    buf_t b;
    buf_init(&b, req->arena);
    if (found.username && !client_subject(req, &client, &found)) /* a member's token */
        return oauth_fail(err, OAUTH_ERR_SERVER_ERROR, NULL);
    if (found.kind == FOUND_ACCESS)
        introspect_access_answer(&b, found.claims, found.username);
    else if (found.kind == FOUND_REFRESH)
        introspect_refresh_answer(&b, &found.refresh, app_of(req)->cfg->issuer, found.username);
    else
        buf_puts(&b, "{\"active\":false}"); /* RFC 7662 §2.2: nothing else */
    http_response_json_text(res, 200, &b);
    return true;
}

void introspect_handler(http_request_t *req, http_response_t *res)
{
    oauth_error_t err = {OAUTH_ERR_SERVER_ERROR, NULL};
    store_t *store = app_of(req)->store;
    store_read_begin(store); /* the client, the token and its user, as of one moment */
    bool ok = introspect(req, res, &err);
    store_read_end(store);
    if (!ok)
        oauth_error_respond(req, res, OAUTH_AT_TOKEN, &err);
}
