/* Keysets: the server's keys, parsed once from their private JWKs into
 * OpenSSL keys, and the public JWKS document built from them once.
 *
 * Nothing here changes after jose_keyset_new returns; signing and verifying
 * only read the keyset, so threads share it freely. Kids are unique, and
 * every key names an algorithm of its own key type (RS256 for RSA, ES256 for
 * P-256). */
#include <stdlib.h>
#include <string.h>

#include "jose/jose_int.h"

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
    if (jose_keyset_find(ks, key->kid) != key || (in->signs && ks->signer))
        goto out; /* duplicate kid, or a second signing key */
    if (in->signs)
        ks->signer = key;
    st = json_array_append_new(entries, public_jwk(jwk, key)) == 0 ? GH_OK : GH_ERR_NOMEM;
out:
    json_decref(jwk);
    return st;
}

gh_status_t jose_keyset_new(const jose_key_input_t *keys, size_t count, jose_keyset_t **out)
{
    gh_status_t st = GH_ERR_NOMEM;
    jose_keyset_t *ks = calloc(1, sizeof *ks);
    json_t *doc = json_pack("{s[]}", "keys");
    json_t *entries = json_object_get(doc, "keys");
    if (!ks || !entries || !(ks->keys = calloc(count ? count : 1, sizeof *ks->keys)))
        goto out;
    for (size_t i = 0; i < count; i++) {
        st = add_key(ks, &keys[i], entries);
        if (st != GH_OK)
            goto out;
    }
    st = GH_ERR_INVALID;
    if (!ks->signer)
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
    for (size_t i = 0; i < ks->count; i++) {
        EVP_PKEY_free(ks->keys[i].pkey);
        free(ks->keys[i].kid);
    }
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

const char *jose_keyset_kid(const jose_keyset_t *ks)
{
    return ks->signer->kid;
}

jose_alg_t jose_keyset_alg(const jose_keyset_t *ks)
{
    return ks->signer->ops->alg;
}
