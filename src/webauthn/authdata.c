/* Authenticator data (WebAuthn §6.1): rpIdHash (32), flags (1), signCount
 * (4, big-endian), then the attested credential data when AT is set (§6.5.2:
 * aaguid 16, credentialIdLength 2, credentialId, a CBOR COSE_Key) and the
 * extensions when ED is set (a CBOR map). Every byte must be accounted for.
 * Slices point into the input. */
#include <string.h>

#include "webauthn/webauthn_int.h"

#define FIXED_LEN 37
#define ATTESTED_HEAD 18 /* aaguid and credentialIdLength */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The attested credential data at p (len bytes); *used gets its size. */
static gh_status_t attested(const uint8_t *p, size_t len, webauthn_authdata_t *out, size_t *used,
                            const char **why)
{
    if (len < ATTESTED_HEAD) {
        *why = "authenticator data: attested credential data cut short";
        return GH_ERR_INVALID;
    }
    memcpy(out->aaguid, p, 16);
    size_t id_len = (size_t)p[16] << 8 | p[17];
    if (id_len == 0 || id_len > WEBAUTHN_CREDENTIAL_ID_MAX) {
        *why = "authenticator data: credential id length out of bounds";
        return GH_ERR_INVALID;
    }
    if (len - ATTESTED_HEAD < id_len) {
        *why = "authenticator data: credential id cut short";
        return GH_ERR_INVALID;
    }
    out->credential_id = p + ATTESTED_HEAD;
    out->credential_id_len = id_len;
    size_t off = ATTESTED_HEAD + id_len, key_len = 0;
    cbor_item_t *key = wa_cbor_load(p + off, len - off, &key_len, why);
    if (!key)
        return GH_ERR_INVALID;
    bool is_map = cbor_isa_map(key);
    cbor_decref(&key);
    if (!is_map || key_len > WEBAUTHN_COSE_KEY_MAX) {
        *why = "authenticator data: the public key is not a COSE key";
        return GH_ERR_INVALID;
    }
    out->public_key = p + off;
    out->public_key_len = key_len;
    *used = off + key_len;
    return GH_OK;
}

/* The extensions at p: exactly one CBOR map filling the rest. */
static gh_status_t extensions(const uint8_t *p, size_t len, const char **why)
{
    size_t used = 0;
    cbor_item_t *ext = wa_cbor_load(p, len, &used, why);
    if (!ext)
        return GH_ERR_INVALID;
    bool ok = cbor_isa_map(ext) && used == len;
    cbor_decref(&ext);
    if (!ok)
        *why = "authenticator data: malformed extensions";
    return ok ? GH_OK : GH_ERR_INVALID;
}

gh_status_t webauthn_authdata_parse(const uint8_t *data, size_t len, webauthn_authdata_t *out,
                                    const char **why)
{
    webauthn_authdata_t d = {0};
    if (len > WEBAUTHN_ATTESTATION_MAX) {
        *why = "authenticator data too large";
        return GH_ERR_TOO_LARGE;
    }
    if (!data || len < FIXED_LEN) {
        *why = "authenticator data shorter than 37 bytes";
        return GH_ERR_INVALID;
    }
    memcpy(d.rp_id_hash, data, 32);
    d.flags = data[32];
    d.sign_count = be32(data + 33);
    size_t off = FIXED_LEN, used = 0;
    if (d.flags & WEBAUTHN_FLAG_AT) {
        gh_status_t st = attested(data + off, len - off, &d, &used, why);
        if (st != GH_OK)
            return st;
        off += used;
    }
    if (d.flags & WEBAUTHN_FLAG_ED) {
        gh_status_t st = extensions(data + off, len - off, why);
        if (st != GH_OK)
            return st;
        off = len;
    }
    if (off != len) {
        *why = "authenticator data: bytes after its end";
        return GH_ERR_INVALID;
    }
    *out = d;
    return GH_OK;
}
