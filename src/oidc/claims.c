/* id_token and userinfo claims. */
#include <string.h>

#include "core/arena.h"
#include "core/encoding.h"
#include "core/jsonw.h"
#include "core/secret.h"
#include "oidc/oidc.h"

/* at_hash (OpenID Connect Core §3.1.3.6): base64url of the left half of
 * SHA-256 of the access token, for RS256 and ES256 alike. */
static json_t *at_hash(const char *access_token)
{
    unsigned char d[32];
    secret_sha256(access_token, strlen(access_token), d);
    arena_t *a = arena_new(256);
    char *enc = a ? b64url_encode(a, d, 16) : NULL;
    json_t *s = enc ? json_string(enc) : json_null();
    arena_free(a);
    return s;
}

json_t *oidc_id_token_claims(const oidc_id_token_t *in)
{
    json_t *c = json_object();
    json_object_set_new(c, "iss", json_string(in->issuer));
    json_object_set_new(c, "sub", json_string(in->sub));
    json_object_set_new(c, "aud", json_string(in->client_id));
    json_object_set_new(c, "exp", json_integer(in->exp));
    json_object_set_new(c, "iat", json_integer(in->iat));
    json_object_set_new(c, "auth_time", json_integer(in->auth_time));
    if (in->nonce)
        json_object_set_new(c, "nonce", json_string(in->nonce));
    if (in->access_token)
        json_object_set_new(c, "at_hash", at_hash(in->access_token));
    return c;
}

static void write_optional(jsonw_t *w, const char *name, const char *value)
{
    if (value)
        jsonw_string(w, name, value);
}

void oidc_userinfo_write(buf_t *b, const store_user_t *user, oidc_release_t release)
{
    jsonw_t w;
    jsonw_begin(&w, b);
    jsonw_string(&w, "sub", user->sub);
    if (release.profile)
        write_optional(&w, "nickname", user->nickname);
    if (release.profile || release.email)
        write_optional(&w, "email", user->email);
    if (release.profile)
        write_optional(&w, "name", user->name);
    jsonw_end(&w);
}
