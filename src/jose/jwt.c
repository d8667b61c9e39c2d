/* JWTs as compact JWS (RFC 7515 §7.1, RFC 7519): signing with the keyset's
 * signing key and verifying with the key a token's kid names.
 *
 * Signatures are made and checked by OpenSSL's EVP_DigestSign/Verify over the
 * ASCII signing input, with the keyset's shared, read-only EVP_PKEYs; each
 * call works on its own copy of the key's ready EVP_MD_CTX, which threads
 * only read, so threads never share mutable state. A token is untrusted until its
 * signature checks: its header is parsed only to find the key, its payload
 * only after the signature is good. A signature this thread has accepted
 * before under the same keyset is not checked again (verified.c). */
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>

#include "core/encoding.h"
#include "core/jsonw.h"
#include "jose/jose_int.h"

/* A context initialised for signing (or verifying) with pkey, never used
 * itself: each operation works on a copy (use_ctx), which spares OpenSSL's
 * algorithm and key look-ups of an EVP_DigestSignInit per call. FINALISE
 * lets OpenSSL finish an operation in place rather than on another copy. */
static EVP_MD_CTX *ready_ctx(const jose_key_t *key, bool sign)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_MD *md = key->ops->whole_message ? NULL : jose_sha256();
    EVP_PKEY_CTX *pctx = NULL;
    if (ctx)
        EVP_MD_CTX_set_flags(ctx, EVP_MD_CTX_FLAG_FINALISE);
    int ok = ctx && (sign ? EVP_DigestSignInit(ctx, &pctx, md, NULL, key->pkey)
                          : EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key->pkey)) == 1;
    /* RFC 7518 §3.5: PSS, MGF1 with the same SHA-256, a salt as long as the
     * hash (the copies each call makes keep these settings) */
    if (ok && key->ops->pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
    if (!ok) {
        EVP_MD_CTX_free(ctx);
        ERR_clear_error();
        return NULL;
    }
    return ctx;
}

/* The typ values of the tokens Gatehouse writes (NULL: no typ member), in
 * the order of jose_key_t.headers. */
static const char *const TYPS[JOSE_TYPS] = {"at+jwt", "JWT", NULL};

/* The base64url header part {alg, kid[, typ]} in the arena; NULL when out of memory. */
static char *encode_header(arena_t *a, const jose_key_t *key, const char *typ)
{
    buf_t b;
    jsonw_t w;
    buf_init(&b, a);
    jsonw_begin(&w, &b);
    jsonw_string(&w, "alg", key->ops->name);
    jsonw_string(&w, "kid", key->kid);
    if (typ)
        jsonw_string(&w, "typ", typ);
    jsonw_end(&w);
    const char *text = buf_cstr(&b);
    return text ? b64url_encode(a, text, b.len) : NULL;
}

static gh_status_t prepare_headers(jose_key_t *key)
{
    arena_t *a = arena_new(4096);
    gh_status_t st = a ? GH_OK : GH_ERR_NOMEM;
    for (size_t i = 0; st == GH_OK && i < JOSE_TYPS; i++) {
        char *h = encode_header(a, key, TYPS[i]);
        key->headers[i].text = h ? strdup(h) : NULL;
        key->headers[i].len = h ? strlen(h) : 0;
        st = key->headers[i].text ? GH_OK : GH_ERR_NOMEM;
    }
    arena_free(a);
    return st;
}

gh_status_t jose_key_prepare(jose_key_t *key, bool sign)
{
    key->verify_ready = ready_ctx(key, false);
    key->sign_ready = sign ? ready_ctx(key, true) : NULL;
    if (!key->verify_ready || (sign && !key->sign_ready))
        return GH_ERR_CRYPTO;
    return prepare_headers(key);
}

void jose_key_release(jose_key_t *key)
{
    EVP_MD_CTX_free(key->sign_ready);
    EVP_MD_CTX_free(key->verify_ready);
    EVP_PKEY_free(key->pkey);
    free(key->kid);
    for (size_t i = 0; i < JOSE_TYPS; i++)
        free(key->headers[i].text);
    *key = (jose_key_t){0};
}

/* A fresh copy of a ready context, for one operation; NULL on failure. */
static EVP_MD_CTX *use_ctx(const EVP_MD_CTX *ready)
{
    EVP_MD_CTX *ctx = ready ? EVP_MD_CTX_new() : NULL;
    if (ctx && EVP_MD_CTX_copy_ex(ctx, ready) != 1) {
        EVP_MD_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

/* Signs in[0..n) with key into sig[0..JOSE_MAX_SIG) in the JWS form. */
static gh_status_t sign_input(const jose_key_t *key, const char *in, size_t n, unsigned char *sig,
                              size_t *sig_len)
{
    gh_status_t st = GH_ERR_CRYPTO;
    unsigned char der[JOSE_MAX_SIG];
    unsigned char *dst = key->ops->sig_to_jws ? der : sig;
    size_t len = JOSE_MAX_SIG;
    EVP_MD_CTX *ctx = use_ctx(key->sign_ready);
    if (!ctx || EVP_DigestSign(ctx, dst, &len, (const unsigned char *)in, n) != 1)
        goto out;
    if (key->ops->sig_to_jws) {
        st = key->ops->sig_to_jws(der, len, sig, sig_len);
    } else {
        *sig_len = len;
        st = GH_OK;
    }
out:
    if (st != GH_OK)
        ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    return st;
}

/* "x.y" in the arena; NULL when out of memory. */
static char *dot_join(arena_t *a, const char *x, const char *y)
{
    size_t xn = strlen(x), yn = strlen(y);
    char *out = arena_alloc(a, xn + 1 + yn + 1);
    if (!out)
        return NULL;
    memcpy(out, x, xn);
    out[xn] = '.';
    memcpy(out + xn + 1, y, yn + 1);
    return out;
}

/* The key's prepared header part for typ, or one made in the arena. */
static const char *header_part(arena_t *a, const jose_key_t *key, const char *typ)
{
    for (size_t i = 0; i < JOSE_TYPS; i++) {
        bool same = typ && TYPS[i] ? strcmp(typ, TYPS[i]) == 0 : typ == TYPS[i];
        if (same)
            return key->headers[i].text;
    }
    return encode_header(a, key, typ);
}

gh_status_t jose_jwt_sign_text(const jose_keyset_t *ks, jose_alg_t alg, arena_t *a, const char *typ,
                               const char *claims, size_t len, char **out)
{
    const jose_key_t *key = (unsigned)alg < JOSE_ALG_COUNT ? ks->signers[alg] : NULL;
    unsigned char sig[JOSE_MAX_SIG];
    size_t sig_len = 0;
    if (!key || !claims)
        return GH_ERR_INVALID; /* no key of alg signs (a provider's JWKS only verifies) */
    const char *h = header_part(a, key, typ);
    char *p = b64url_encode(a, claims, len);
    char *input = h && p ? dot_join(a, h, p) : NULL;
    if (!input)
        return GH_ERR_NOMEM;
    gh_status_t st = sign_input(key, input, strlen(input), sig, &sig_len);
    if (st != GH_OK)
        return st;
    char *s = b64url_encode(a, sig, sig_len);
    char *token = s ? dot_join(a, input, s) : NULL;
    if (!token)
        return GH_ERR_NOMEM;
    *out = token;
    return GH_OK;
}

gh_status_t jose_jwt_sign(const jose_keyset_t *ks, jose_alg_t alg, arena_t *a, const char *typ,
                          const json_t *claims, char **out)
{
    if (!json_is_object(claims))
        return GH_ERR_INVALID;
    buf_t b;
    buf_init(&b, a);
    jsonw_dump(&b, claims);
    const char *text = buf_cstr(&b);
    return text ? jose_jwt_sign_text(ks, alg, a, typ, text, b.len, out) : GH_ERR_NOMEM;
}

/* For a token without kid: the one key of alg in a keyset built from another
 * party's JWKS (OpenID Connect Core §10.1: kid may be left out when the
 * choice is unambiguous); NULL when there is none or more than one, and
 * always for the server's own keyset, whose tokens all name their key. */
static const jose_key_t *sole_key(const jose_keyset_t *ks, const char *alg)
{
    const jose_key_t *found = NULL;
    for (size_t i = 0; i < JOSE_ALG_COUNT; i++)
        if (ks->signers[i])
            return NULL;
    for (size_t i = 0; i < ks->count; i++) {
        if (!jose_alg_named(ks->keys[i].ops, alg))
            continue;
        if (found)
            return NULL;
        found = &ks->keys[i];
    }
    return found;
}

/* The key the header names, if its alg is exactly that key's (RFC 8725 §3.1). */
static gh_status_t check_header(const jose_keyset_t *ks, const json_t *hdr, const jose_key_t **key,
                                const char **typ)
{
    const char *alg = jose_member_str(hdr, "alg");
    const json_t *t = json_object_get(hdr, "typ");
    if (!alg || json_object_get(hdr, "crit") || (t && !json_is_string(t)))
        return GH_ERR_INVALID; /* no extension is understood (RFC 7515 §4.1.11) */
    const char *kid = jose_member_str(hdr, "kid");
    const jose_key_t *k = kid ? jose_keyset_find(ks, kid) : sole_key(ks, alg);
    if (!k || !jose_alg_named(k->ops, alg))
        return GH_ERR_CRYPTO;
    *key = k;
    *typ = json_string_value(t);
    return GH_OK;
}

/* The key and typ of a header part that is byte for byte one the keyset's
 * keys write (so its alg is the key's), without parsing it; NULL otherwise. */
static const jose_key_t *known_header(const jose_keyset_t *ks, jose_part_t part, const char **typ)
{
    for (size_t k = 0; k < ks->count; k++) {
        for (size_t i = 0; i < JOSE_TYPS; i++) {
            const jose_key_t *key = &ks->keys[k];
            if (key->headers[i].len == part.n && !memcmp(key->headers[i].text, part.p, part.n)) {
                *typ = TYPS[i];
                return key;
            }
        }
    }
    return NULL;
}

/* Checks the signature part over in[0..n). */
static gh_status_t verify_sig(const jose_key_t *key, const char *in, size_t n, jose_part_t part)
{
    unsigned char sig[JOSE_MAX_SIG], der[JOSE_MAX_SIG];
    const unsigned char *s = sig;
    size_t len = 0;
    if (b64url_decode(part.p, part.n, sig, sizeof sig, &len) != GH_OK)
        return GH_ERR_INVALID;
    if (key->ops->sig_from_jws) {
        if (key->ops->sig_from_jws(sig, len, der, &len) != GH_OK)
            return GH_ERR_CRYPTO;
        s = der;
    }
    EVP_MD_CTX *ctx = use_ctx(key->verify_ready);
    int ok = ctx && EVP_DigestVerify(ctx, s, len, (const unsigned char *)in, n) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        ERR_clear_error();
    return ok ? GH_OK : GH_ERR_CRYPTO;
}

/* Checks the signature of token (whose signature part is sig) with key, or
 * knows it good from this thread's earlier check under the same keyset
 * (verified.c). */
static gh_status_t verify_once(const jose_keyset_t *ks, const jose_key_t *key, const char *token,
                               jose_part_t sig)
{
    unsigned char digest[JOSE_DIGEST_LEN];
    jose_verified_digest(token, (size_t)(sig.p - token) + sig.n, digest);
    if (jose_verified_seen(ks->id, digest))
        return GH_OK;
    /* the signing input is header.payload as sent */
    gh_status_t st = verify_sig(key, token, (size_t)(sig.p - 1 - token), sig);
    if (st == GH_OK)
        jose_verified_remember(ks->id, digest);
    return st;
}

gh_status_t jose_jwt_verify(const jose_keyset_t *ks, arena_t *a, const char *token, json_t **claims,
                            const char **typ)
{
    jose_part_t parts[3];
    json_t *hdr = NULL, *payload = NULL;
    const jose_key_t *key = NULL;
    const char *t = NULL;
    gh_status_t st = jose_split(token, parts);
    if (st != GH_OK)
        return st;
    key = known_header(ks, parts[0], &t);
    if (!key) {
        st = jose_decode_object(a, parts[0], &hdr);
        if (st == GH_OK)
            st = check_header(ks, hdr, &key, &t);
    }
    if (st == GH_OK)
        st = verify_once(ks, key, token, parts[2]);
    if (st == GH_OK)
        st = jose_decode_object(a, parts[1], &payload);
    if (st == GH_OK && typ && t && !(t = arena_strdup(a, t)))
        st = GH_ERR_NOMEM;
    json_decref(hdr);
    if (st != GH_OK) {
        json_decref(payload);
        return st;
    }
    st = jose_adopt(a, payload);
    if (st == GH_OK) {
        *claims = payload;
        if (typ)
            *typ = t;
    }
    return st;
}

bool jose_jwt_kid_unknown(const jose_keyset_t *ks, arena_t *a, const char *token)
{
    jose_part_t parts[3];
    json_t *hdr = NULL;
    if (jose_split(token, parts) != GH_OK || jose_decode_object(a, parts[0], &hdr) != GH_OK)
        return false;
    const char *kid = jose_member_str(hdr, "kid");
    bool unknown = kid && !jose_keyset_find(ks, kid);
    json_decref(hdr);
    return unknown;
}

/* Part i (0 header, 1 payload) of a compact JWS as an object in the arena. */
static gh_status_t peek_part(arena_t *a, const char *token, int i, json_t **out)
{
    jose_part_t parts[3];
    json_t *object = NULL;
    gh_status_t st = jose_split(token, parts);
    if (st == GH_OK)
        st = jose_decode_object(a, parts[i], &object);
    if (st == GH_OK)
        st = jose_adopt(a, object);
    if (st == GH_OK)
        *out = object;
    return st;
}

gh_status_t jose_jwt_peek(arena_t *a, const char *token, json_t **claims)
{
    return peek_part(a, token, 1, claims);
}

gh_status_t jose_jwt_peek_header(arena_t *a, const char *token, json_t **header)
{
    return peek_part(a, token, 0, header);
}
