/* id_token and userinfo claims, and which scopes release which userinfo
 * claims (the table the consent page names them from). */
#include <stddef.h>
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

/* amr's space-separated method values as the JSON array RFC 8176 asks for. */
static json_t *amr_array(const char *amr)
{
    json_t *out = json_array();
    for (const char *p = amr; *p;) {
        size_t n = strcspn(p, " ");
        if (n)
            json_array_append_new(out, json_stringn(p, n));
        p += n + (p[n] == ' ');
    }
    return out;
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
    if (in->authn.amr && *in->authn.amr)
        json_object_set_new(c, "amr", amr_array(in->authn.amr));
    if (in->authn.acr && *in->authn.acr)
        json_object_set_new(c, "acr", json_string(in->authn.acr));
    if (in->authn.idp && *in->authn.idp)
        json_object_set_new(c, "idp", json_string(in->authn.idp));
    if (in->authn.sid && *in->authn.sid) /* Back-Channel Logout 1.0 §2.1 */
        json_object_set_new(c, "sid", json_string(in->authn.sid));
    return c;
}

json_t *oidc_logout_token_claims(const oidc_logout_token_t *in)
{
    bool has_sub = in->sub && *in->sub, has_sid = in->sid && *in->sid;
    if (!has_sub && !has_sid)
        return NULL;
    json_t *c = json_object();
    json_t *events = json_object();
    json_object_set_new(events, OIDC_LOGOUT_EVENT, json_object());
    json_object_set_new(c, "iss", json_string(in->issuer));
    json_object_set_new(c, "aud", json_string(in->client_id));
    json_object_set_new(c, "iat", json_integer(in->iat));
    json_object_set_new(c, "exp", json_integer(in->iat + OIDC_LOGOUT_TOKEN_TTL));
    json_object_set_new(c, "jti", json_string(in->jti));
    json_object_set_new(c, "events", events);
    if (has_sub)
        json_object_set_new(c, "sub", json_string(in->sub));
    if (has_sid)
        json_object_set_new(c, "sid", json_string(in->sid));
    return c;
}

/* The claims userinfo releases, in the order it writes them, and the scopes
 * that release each: one table for the answer and for the consent page. */
enum { BY_OPENID = 1, BY_PROFILE = 2, BY_EMAIL = 4 };

/* A claim's value: a string of store_user_t, or email_verified, a boolean
 * that is set when the member has an address (OpenID Connect Core §5.1). */
typedef enum { CLAIM_TEXT, CLAIM_EMAIL_VERIFIED } claim_kind_t;

static const struct {
    const char *name;
    size_t offset; /* of the value in store_user_t (CLAIM_TEXT) */
    unsigned by;   /* BY_* */
    claim_kind_t kind;
} CLAIMS[] = {
    {"sub", offsetof(store_user_t, sub), BY_OPENID, CLAIM_TEXT},
    {"nickname", offsetof(store_user_t, nickname), BY_PROFILE, CLAIM_TEXT},
    {"email", offsetof(store_user_t, email), BY_PROFILE | BY_EMAIL, CLAIM_TEXT}, /* seed 004 */
    /* with the email scope only: seed 004's profile answer stays as it is */
    {"email_verified", 0, BY_EMAIL, CLAIM_EMAIL_VERIFIED},
    {"name", offsetof(store_user_t, name), BY_PROFILE, CLAIM_TEXT},
};

#define CLAIM_COUNT (sizeof CLAIMS / sizeof CLAIMS[0])
_Static_assert(CLAIM_COUNT <= OIDC_CLAIM_MAX, "OIDC_CLAIM_MAX too small");

static const struct {
    const char *scope;
    unsigned bit;
} SCOPES[] = {{"openid", BY_OPENID}, {"profile", BY_PROFILE}, {"email", BY_EMAIL}};

static unsigned scope_bit(const char *scope)
{
    for (size_t i = 0; i < sizeof SCOPES / sizeof SCOPES[0]; i++)
        if (!strcmp(SCOPES[i].scope, scope))
            return SCOPES[i].bit;
    return 0;
}

bool oidc_scope_releases(const char *scope)
{
    return scope && scope_bit(scope) != 0;
}

oidc_release_t oidc_release_of(const char *const *scopes, size_t count)
{
    unsigned bits = 0;
    for (size_t i = 0; i < count; i++)
        bits |= scopes[i] ? scope_bit(scopes[i]) : 0;
    return (oidc_release_t){
        .openid = bits & BY_OPENID, .profile = bits & BY_PROFILE, .email = bits & BY_EMAIL};
}

static bool released(size_t i, oidc_release_t r)
{
    unsigned bits =
        (r.openid ? BY_OPENID : 0) | (r.profile ? BY_PROFILE : 0) | (r.email ? BY_EMAIL : 0);
    return r.openid && (CLAIMS[i].by & bits);
}

size_t oidc_released_claims(oidc_release_t release, const char *out[OIDC_CLAIM_MAX])
{
    size_t n = 0;
    for (size_t i = 0; i < CLAIM_COUNT; i++)
        if (released(i, release))
            out[n++] = CLAIMS[i].name;
    return n;
}

void oidc_userinfo_write(buf_t *b, const store_user_t *user, oidc_release_t release)
{
    jsonw_t w;
    jsonw_begin(&w, b);
    for (size_t i = 0; i < CLAIM_COUNT; i++) {
        if (!released(i, release))
            continue;
        if (CLAIMS[i].kind == CLAIM_EMAIL_VERIFIED) {
            if (user->email)
                jsonw_bool(&w, CLAIMS[i].name, user->email_verified);
            continue;
        }
        const char *value = *(const char *const *)((const char *)user + CLAIMS[i].offset);
        if (value)
            jsonw_string(&w, CLAIMS[i].name, value);
    }
    jsonw_end(&w);
}
