/* Keysets: the server's keys, parsed once from their private JWKs into
 * OpenSSL keys, and the public JWKS document built from them once.
 *
 * Nothing here changes after jose_keyset_new returns; signing and verifying
 * only read the keyset, so threads share it freely. Kids are unique, and
 * every key names an algorithm of its own key type (RS256 for RSA, ES256 for
 * P-256, EdDSA for Ed25519). */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "jose/jose_int.h"

/* The id of the next keyset made (jose_keyset_t.id). */
static _Atomic uint64_t next_id = 1;

/* An empty keyset with room for n keys and an id of its own; NULL when out of memory. */
static jose_keyset_t *keyset_alloc(size_t n)
{
    jose_keyset_t *ks = calloc(1, sizeof *ks);
    if (ks && !(ks->keys = calloc(n ? n : 1, sizeof *ks->keys))) {
        free(ks);
        return NULL;
    }
    if (ks)
        ks->id = atomic_fetch_add(&next_id, 1);
    return ks;
}

/* The JWKS entry: kty, kid, use, alg, then the public members of the key type
 * and nothing else (RFC 7517 §4, RFC 7518 §6). */
static json_t *public_jwk(const json_t *jwk, const jose_key_t *key)
{
    json_t *pub = json_pack("{ss ss ss ss}", "kty", key->ops->kty, "kid", key->kid, "use", "sig",
                            "alg", key->ops->name);
    for (const char *const *m = key->ops->members; pub && *m; m++) {
        json_t *v = json_object_get(jwk, *m);
        if (!json_is_string(v) || json_object_set(pub, *m, v) != 0) {
            json_decref(pub);
            pub = NULL;
        }
    }
    if (pub && !*key->kid) /* a key without kid is published without one */
        json_object_del(pub, "kid");
    return pub;
}

/* Checks the JWK's kty, alg, use and kid, and fills key from it. */
static gh_status_t load_key(const json_t *jwk, jose_key_t *key)
{
    const jose_alg_ops_t *ops = jose_alg_ops_by_name(jose_member_str(jwk, "alg"));
    const char *kty = jose_member_str(jwk, "kty");
    const char *use = jose_member_str(jwk, "use");
    const char *kid = jose_member_str(jwk, "kid");
    if (!ops || !kty || strcmp(kty, ops->kty) != 0 || !kid || !*kid)
        return GH_ERR_INVALID;
    if (json_object_get(jwk, "use") && (!use || strcmp(use, "sig") != 0))
        return GH_ERR_INVALID;
    gh_status_t st = ops->import(jwk, &key->pkey);
    if (st != GH_OK)
        return st == GH_ERR_NOMEM ? st : GH_ERR_INVALID;
    key->ops = ops;
    key->kid = strdup(kid);
    return key->kid ? GH_OK : GH_ERR_NOMEM;
}

/* Parses one input into ks->keys[ks->count] and appends its JWKS entry. */
static gh_status_t add_key(jose_keyset_t *ks, const jose_key_input_t *in, json_t *entries)
{
    json_t *jwk = json_loads(in->private_jwk ? in->private_jwk : "", JSON_REJECT_DUPLICATES, NULL);
    jose_key_t *key = &ks->keys[ks->count];
    gh_status_t st = jwk ? load_key(jwk, key) : GH_ERR_INVALID;
    ks->count++; /* so that jose_keyset_free releases what load_key made */
    if (st != GH_OK)
        goto out;
    st = GH_ERR_INVALID;
    const jose_key_t **signer = &ks->signers[key->ops->alg];
    if (jose_keyset_find(ks, key->kid) != key || (in->signs && *signer))
        goto out; /* duplicate kid, or a second signing key for one algorithm */
    if (in->signs)
        *signer = key;
    st = jose_key_prepare(key, in->signs);
    if (st == GH_OK)
        st = json_array_append_new(entries, public_jwk(jwk, key)) == 0 ? GH_OK : GH_ERR_NOMEM;
out:
    json_decref(jwk);
    return st;
}

gh_status_t jose_keyset_new(const jose_key_input_t *keys, size_t count, jose_keyset_t **out)
{
    gh_status_t st = GH_ERR_NOMEM;
    jose_keyset_t *ks = keyset_alloc(count);
    json_t *doc = json_pack("{s[]}", "keys");
    json_t *entries = json_object_get(doc, "keys");
    if (!ks || !entries)
        goto out;
    for (size_t i = 0; i < count; i++) {
        st = add_key(ks, &keys[i], entries);
        if (st != GH_OK)
            goto out;
    }
    st = GH_ERR_INVALID;
    bool signs = false;
    for (int alg = 0; alg < JOSE_ALG_COUNT; alg++)
        signs = signs || ks->signers[alg];
    if (!signs)
        goto out;
    st = GH_ERR_NOMEM;
    ks->jwks = json_dumps(doc, JSON_COMPACT);
    if (!ks->jwks)
        goto out;
    ks->jwks_len = strlen(ks->jwks);
    *out = ks;
    ks = NULL;
    st = GH_OK;
out:
    json_decref(doc);
    jose_keyset_free(ks);
    return st;
}

void jose_keyset_free(jose_keyset_t *ks)
{
    if (!ks)
        return;
    for (size_t i = 0; i < ks->count; i++)
        jose_key_release(&ks->keys[i]);
    free(ks->keys);
    free(ks->jwks);
    free(ks);
}

const jose_key_t *jose_keyset_find(const jose_keyset_t *ks, const char *kid)
{
    for (size_t i = 0; kid && i < ks->count; i++)
        if (strcmp(ks->keys[i].kid, kid) == 0)
            return &ks->keys[i];
    return NULL;
}

const char *jose_keyset_jwks(const jose_keyset_t *ks, size_t *len)
{
    if (len)
        *len = ks->jwks_len;
    return ks->jwks;
}

const char *jose_keyset_kid(const jose_keyset_t *ks, jose_alg_t alg)
{
    const jose_key_t *signer = (unsigned)alg < JOSE_ALG_COUNT ? ks->signers[alg] : NULL;
    return signer ? signer->kid : NULL;
}

/* ---- verification-only keysets from a provider's public JWKS ---- */

/* The algorithm row of a public JWK: its alg when given, else its kty's. */
static const jose_alg_ops_t *public_ops(const json_t *jwk)
{
    const char *kty = jose_member_str(jwk, "kty");
    const json_t *alg = json_object_get(jwk, "alg");
    const jose_alg_ops_t *ops =
        alg ? jose_alg_ops_by_name(json_string_value(alg)) : jose_alg_ops_by_kty(kty);
    return ops && kty && strcmp(kty, ops->kty) == 0 ? ops : NULL;
}

/* Fills key from a public JWK; GH_ERR_INVALID when it is not one to keep. */
static gh_status_t load_public(const json_t *jwk, jose_key_t *key)
{
    const jose_alg_ops_t *ops = public_ops(jwk);
    const char *use = jose_member_str(jwk, "use");
    const char *kid = jose_member_str(jwk, "kid");
    if (!ops || (kid && !*kid) || (json_object_get(jwk, "use") && (!use || strcmp(use, "sig"))))
        return GH_ERR_INVALID;
    gh_status_t st = ops->import_public(jwk, &key->pkey);
    if (st != GH_OK)
        return st == GH_ERR_NOMEM ? st : GH_ERR_INVALID;
    key->ops = ops;
    key->kid = strdup(kid ? kid : ""); /* "": a key without kid (OpenID Connect Core §10.1) */
    return key->kid ? GH_OK : GH_ERR_NOMEM;
}

/* Adds the JWK to ks unless it is unusable or its kid repeats. */
static gh_status_t add_public(jose_keyset_t *ks, const json_t *jwk, json_t *entries)
{
    jose_key_t *key = &ks->keys[ks->count];
    gh_status_t st = load_public(jwk, key);
    if (st == GH_OK && *key->kid && jose_keyset_find(ks, key->kid))
        st = GH_ERR_INVALID;
    if (st == GH_OK)
        st = jose_key_prepare(key, false);
    if (st != GH_OK) {
        jose_key_release(key);
        return st == GH_ERR_NOMEM ? st : GH_OK; /* skipped */
    }
    ks->count++;
    return json_array_append_new(entries, public_jwk(jwk, key)) == 0 ? GH_OK : GH_ERR_NOMEM;
}

gh_status_t jose_keyset_from_jwks(const char *json, size_t len, jose_keyset_t **out)
{
    gh_status_t st = GH_ERR_INVALID;
    jose_keyset_t *ks = NULL;
    json_t *in = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *keys = json_object_get(in, "keys"), *doc = json_pack("{s[]}", "keys");
    json_t *entries = json_object_get(doc, "keys");
    size_t n = json_array_size(keys);
    if (!json_is_array(keys) || n == 0 || n > JOSE_JWKS_MAX_KEYS || !entries)
        goto out;
    st = GH_ERR_NOMEM;
    if (!(ks = keyset_alloc(n)))
        goto out;
    st = GH_OK;
    for (size_t i = 0; i < n && st == GH_OK; i++)
        st = add_public(ks, json_array_get(keys, i), entries);
    if (st == GH_OK && ks->count == 0)
        st = GH_ERR_INVALID;
    if (st == GH_OK && !(ks->jwks = json_dumps(doc, JSON_COMPACT)))
        st = GH_ERR_NOMEM;
    if (st == GH_OK) {
        ks->jwks_len = strlen(ks->jwks);
        *out = ks;
        ks = NULL;
    }
out:
    json_decref(in);
    json_decref(doc);
    jose_keyset_free(ks);
    return st;
}
