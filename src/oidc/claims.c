/* id_token and userinfo claims, and which scopes release which userinfo
 * claims (the table the consent page names them from). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/encoding.h"
#include "core/secret.h"
#include "oidc/oidc.h"

/* at_hash (OpenID Connect Core §3.1.3.6): base64url of the left half of
 * the hash of the access token that the id_token's alg names: SHA-256 for
 * RS256 and ES256, SHA-512 for EdDSA over Ed25519 (as OpenID libraries
 * check it: oauth4webapi, openid-client). */
static json_t *at_hash(const char *access_token, const char *alg)
{
    unsigned char d[64];
    bool sha512 = alg && !strcmp(alg, "EdDSA");
    size_t n = sha512 ? 64 : 32;
    if (sha512)
        secret_sha512(access_token, strlen(access_token), d);
    else
        secret_sha256(access_token, strlen(access_token), d);
    arena_t *a = arena_new(256);
    char *enc = a ? b64url_encode(a, d, n / 2) : NULL;
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
        json_object_set_new(c, "at_hash", at_hash(in->access_token, in->alg));
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
enum { BY_OPENID = 1, BY_PROFILE = 2, BY_EMAIL = 4, BY_GROUPS = 8, BY_USERNAME = 16 };

/* A claim's value: a string of store_user_t; email_verified, a boolean that
 * is set when the member has an address (OpenID Connect Core §5.1); or a
 * JSON array text of store_user_t (groups). */
typedef enum { CLAIM_TEXT, CLAIM_EMAIL_VERIFIED, CLAIM_JSON } claim_kind_t;

static const struct {
    const char *name;
    size_t offset; /* of the value in store_user_t (CLAIM_TEXT, CLAIM_JSON) */
    unsigned by;   /* BY_* */
    claim_kind_t kind;
} CLAIMS[] = {
    {"sub", offsetof(store_user_t, sub), BY_OPENID, CLAIM_TEXT},
    {"nickname", offsetof(store_user_t, nickname), BY_PROFILE, CLAIM_TEXT},
    {"email", offsetof(store_user_t, email), BY_PROFILE | BY_EMAIL, CLAIM_TEXT}, /* seed 004 */
    /* with the email scope only: seed 004's profile answer stays as it is */
    {"email_verified", 0, BY_EMAIL, CLAIM_EMAIL_VERIFIED},
    {"name", offsetof(store_user_t, name), BY_PROFILE, CLAIM_TEXT},
    /* a scope of its own: seed 004's answer for openid profile stays exactly
     * {sub, nickname, email} (docs/claims.md) */
    {"preferred_username", offsetof(store_user_t, username), BY_USERNAME, CLAIM_TEXT},
    {"groups", offsetof(store_user_t, groups), BY_GROUPS, CLAIM_JSON},
};

#define CLAIM_COUNT (sizeof CLAIMS / sizeof CLAIMS[0])
_Static_assert(CLAIM_COUNT + OIDC_CUSTOM_CLAIM_MAX <= OIDC_CLAIM_MAX, "OIDC_CLAIM_MAX too small");

static const struct {
    const char *scope;
    unsigned bit;
} SCOPES[] = {{"openid", BY_OPENID},
              {"profile", BY_PROFILE},
              {"email", BY_EMAIL},
              {OIDC_SCOPE_GROUPS, BY_GROUPS},
              {OIDC_SCOPE_USERNAME, BY_USERNAME}};

static unsigned scope_bit(const char *scope)
{
    for (size_t i = 0; i < sizeof SCOPES / sizeof SCOPES[0]; i++)
        if (!strcmp(SCOPES[i].scope, scope))
            return SCOPES[i].bit;
    return 0;
}

bool oidc_claim_standard(const char *name)
{
    for (size_t i = 0; i < CLAIM_COUNT; i++)
        if (!strcmp(CLAIMS[i].name, name))
            return true;
    return false;
}

bool oidc_scope_standard(const char *scope)
{
    return scope_bit(scope) != 0;
}

static const oidc_scope_t *custom_scope(const oidc_scopes_t *custom, const char *scope)
{
    for (size_t i = 0; custom && i < custom->count; i++)
        if (!strcmp(custom->items[i].name, scope))
            return &custom->items[i];
    return NULL;
}

bool oidc_scope_releases(const oidc_scopes_t *custom, const char *scope)
{
    return scope && (scope_bit(scope) != 0 || custom_scope(custom, scope) != NULL);
}

/* Adds claim to r's custom claims once. */
static void add_custom(oidc_release_t *r, const char *claim)
{
    for (size_t i = 0; i < r->custom_count; i++)
        if (!strcmp(r->custom[i], claim))
            return;
    if (r->custom_count < OIDC_CUSTOM_CLAIM_MAX)
        r->custom[r->custom_count++] = claim;
}

oidc_release_t oidc_release_of(const oidc_scopes_t *custom, const char *const *scopes, size_t count)
{
    unsigned bits = 0;
    oidc_release_t r = {.openid = false};
    for (size_t i = 0; i < count; i++) {
        if (!scopes[i])
            continue;
        bits |= scope_bit(scopes[i]);
        const oidc_scope_t *c = custom_scope(custom, scopes[i]);
        for (size_t k = 0; c && k < c->claim_count; k++)
            add_custom(&r, c->claims[k]);
    }
    r.openid = bits & BY_OPENID;
    r.profile = bits & BY_PROFILE;
    r.email = bits & BY_EMAIL;
    r.groups = bits & BY_GROUPS;
    r.username = bits & BY_USERNAME;
    return r;
}

static unsigned release_bits(const oidc_release_t *r)
{
    return (r->openid ? BY_OPENID : 0) | (r->profile ? BY_PROFILE : 0) | (r->email ? BY_EMAIL : 0) |
           (r->groups ? BY_GROUPS : 0) | (r->username ? BY_USERNAME : 0);
}

/* Whether table claim i is released: by a standard scope, or named by a
 * custom scope granted. */
static bool released(size_t i, const oidc_release_t *r)
{
    if (!r->openid)
        return false;
    if (CLAIMS[i].by & release_bits(r))
        return true;
    for (size_t k = 0; k < r->custom_count; k++)
        if (!strcmp(r->custom[k], CLAIMS[i].name))
            return true;
    return false;
}

size_t oidc_released_claims(const oidc_release_t *release, const char *out[OIDC_CLAIM_MAX])
{
    size_t n = 0;
    if (!release->openid)
        return 0;
    for (size_t i = 0; i < CLAIM_COUNT; i++)
        if (released(i, release))
            out[n++] = CLAIMS[i].name;
    for (size_t k = 0; k < release->custom_count; k++)
        if (!oidc_claim_standard(release->custom[k]))
            out[n++] = release->custom[k];
    return n;
}

/* Table claim i of user into c, when the user has it. */
static void set_table_claim(json_t *c, size_t i, const store_user_t *user)
{
    if (CLAIMS[i].kind == CLAIM_EMAIL_VERIFIED) {
        if (user->email)
            json_object_set_new(c, CLAIMS[i].name, json_boolean(user->email_verified));
        return;
    }
    const char *value = *(const char *const *)((const char *)user + CLAIMS[i].offset);
    if (!value)
        return;
    json_t *v = CLAIMS[i].kind == CLAIM_JSON ? json_loads(value, 0, NULL) : json_string(value);
    if (v && (CLAIMS[i].kind == CLAIM_TEXT || json_array_size(v) > 0))
        json_object_set(c, CLAIMS[i].name, v);
    json_decref(v);
}

json_t *oidc_user_claims(const store_user_t *user, const char *sub, const oidc_release_t *release)
{
    json_t *c = json_object();
    if (!c || !release->openid)
        return c;
    for (size_t i = 0; i < CLAIM_COUNT; i++)
        if (released(i, release))
            set_table_claim(c, i, user);
    if (sub)
        json_object_set_new(c, "sub", json_string(sub));
    json_t *attrs = user->attributes ? json_loads(user->attributes, 0, NULL) : NULL;
    for (size_t k = 0; json_is_object(attrs) && k < release->custom_count; k++) {
        const char *name = release->custom[k];
        json_t *v = json_object_get(attrs, name);
        if (v && !oidc_claim_standard(name))
            json_object_set(c, name, v);
    }
    json_decref(attrs);
    return c;
}

void oidc_userinfo_write(buf_t *b, const store_user_t *user, const char *sub,
                         const oidc_release_t *release)
{
    json_t *c = oidc_user_claims(user, sub, release);
    char *text = c ? json_dumps(c, JSON_COMPACT) : NULL;
    buf_puts(b, text ? text : "{}");
    free(text);
    json_decref(c);
}
