/* The registration ceremony's checks (WebAuthn §7.1): clientDataJSON, the
 * attestation object (CBOR {fmt, attStmt, authData}, §6.5.4), the
 * authenticator data and its new credential, and the attestation statement.
 *
 * Attestation policy: we ask for attestation "none" and make no trust
 * decision on a device maker's certificate. "none" must come with an empty
 * statement; "packed" self-attestation (§8.2, no x5c) is verified with the
 * credential's own key, as it is cheap and proves the authenticator holds
 * it; every other format (and packed with x5c) is accepted as if it were
 * "none" (§7.1 step 21: the RP may treat it as such), its statement unread. */
#include <string.h>

#include "core/secret.h"
#include "webauthn/webauthn_int.h"

/* Flags and rpIdHash, shared with the assertion's checks. */
gh_status_t wa_authdata_check(const webauthn_authdata_t *d, const webauthn_rp_t *rp,
                              const char **why)
{
    uint8_t hash[32];
    secret_sha256(rp->rp_id, strlen(rp->rp_id), hash);
    if (!secret_equal(hash, sizeof hash, d->rp_id_hash, sizeof d->rp_id_hash))
        *why = "authenticator data: the rpIdHash is not this server's";
    else if (!(d->flags & WEBAUTHN_FLAG_UP))
        *why = "authenticator data: the user was not present";
    else if (rp->require_uv && !(d->flags & WEBAUTHN_FLAG_UV))
        *why = "authenticator data: the user was not verified";
    else if ((d->flags & WEBAUTHN_FLAG_BS) && !(d->flags & WEBAUTHN_FLAG_BE))
        *why = "authenticator data: backed up but not backup eligible";
    else
        return GH_OK;
    return GH_ERR_INVALID;
}

/* authData || SHA-256(clientDataJSON), in the arena: what is signed. */
const uint8_t *wa_signed_data(arena_t *a, const uint8_t *authdata, size_t authdata_len,
                              const uint8_t *client_data, size_t client_data_len, size_t *len)
{
    uint8_t *m = a ? arena_alloc(a, authdata_len + 32) : NULL;
    if (!m)
        return NULL;
    memcpy(m, authdata, authdata_len);
    secret_sha256(client_data, client_data_len, m + authdata_len);
    *len = authdata_len + 32;
    return m;
}

/* The packed self-attestation (§8.2 step 4): alg is the credential's, sig verifies. */
static gh_status_t packed_self(arena_t *a, const cbor_item_t *stmt, const webauthn_authdata_t *d,
                               int alg, const uint8_t *authdata, size_t authdata_len,
                               const uint8_t *client_data, size_t client_data_len, const char **why)
{
    int64_t salg = 0;
    const uint8_t *sig;
    size_t sig_len = 0, msg_len = 0;
    if (!wa_cbor_int(wa_cbor_map_text(stmt, "alg"), &salg) || salg != alg ||
        !wa_cbor_bytes(wa_cbor_map_text(stmt, "sig"), &sig, &sig_len)) {
        *why = "packed attestation: alg or sig missing or not the credential's";
        return GH_ERR_INVALID;
    }
    const uint8_t *msg =
        wa_signed_data(a, authdata, authdata_len, client_data, client_data_len, &msg_len);
    if (!msg)
        return GH_ERR_NOMEM;
    return webauthn_cose_verify(d->public_key, d->public_key_len, msg, msg_len, sig, sig_len, why);
}

/* The attestation statement, by format (see the policy above). */
static gh_status_t statement(arena_t *a, const cbor_item_t *obj, const webauthn_authdata_t *d,
                             int alg, const uint8_t *authdata, size_t authdata_len,
                             const uint8_t *client_data, size_t client_data_len, const char **why)
{
    const cbor_item_t *fmt = wa_cbor_map_text(obj, "fmt");
    const cbor_item_t *stmt = wa_cbor_map_text(obj, "attStmt");
    if (!fmt || !cbor_isa_string(fmt) || !stmt || !cbor_isa_map(stmt)) {
        *why = "attestation object: fmt or attStmt missing";
        return GH_ERR_INVALID;
    }
    if (wa_cbor_text_is(fmt, "none")) {
        if (cbor_map_size(stmt) == 0)
            return GH_OK;
        *why = "attestation none with a statement";
        return GH_ERR_INVALID;
    }
    if (wa_cbor_text_is(fmt, "packed") && !wa_cbor_map_text(stmt, "x5c"))
        return packed_self(a, stmt, d, alg, authdata, authdata_len, client_data, client_data_len,
                           why);
    return GH_OK; /* accepted as none */
}

static const char *fmt_name(arena_t *a, const cbor_item_t *obj)
{
    const cbor_item_t *fmt = wa_cbor_map_text(obj, "fmt");
    size_t n = cbor_string_length(fmt);
    return arena_strndup(a, (const char *)cbor_string_handle(fmt), n > 32 ? 32 : n);
}

/* The new credential, its checks passed, copied into the arena. */
static gh_status_t credential(arena_t *a, const cbor_item_t *obj, const webauthn_authdata_t *d,
                              int alg, webauthn_credential_t *out)
{
    uint8_t *id = arena_alloc(a, d->credential_id_len);
    uint8_t *key = arena_alloc(a, d->public_key_len);
    const char *fmt = fmt_name(a, obj);
    if (!id || !key || !fmt)
        return GH_ERR_NOMEM;
    memcpy(id, d->credential_id, d->credential_id_len);
    memcpy(key, d->public_key, d->public_key_len);
    *out = (webauthn_credential_t){.credential_id = id,
                                   .credential_id_len = d->credential_id_len,
                                   .public_key = key,
                                   .public_key_len = d->public_key_len,
                                   .alg = alg,
                                   .sign_count = d->sign_count,
                                   .flags = d->flags,
                                   .fmt = fmt};
    return GH_OK;
}

/* Everything about the loaded attestation object obj. */
static gh_status_t check_object(arena_t *a, const webauthn_rp_t *rp, const cbor_item_t *obj,
                                const uint8_t *client_data, size_t client_data_len,
                                webauthn_credential_t *out, const char **why)
{
    const uint8_t *authdata;
    size_t authdata_len = 0;
    webauthn_authdata_t d;
    int alg = 0;
    if (!cbor_isa_map(obj) ||
        !wa_cbor_bytes(wa_cbor_map_text(obj, "authData"), &authdata, &authdata_len)) {
        *why = "attestation object: not a map with authData";
        return GH_ERR_INVALID;
    }
    gh_status_t st = webauthn_authdata_parse(authdata, authdata_len, &d, why);
    if (st == GH_OK)
        st = wa_authdata_check(&d, rp, why);
    if (st == GH_OK && !(d.flags & WEBAUTHN_FLAG_AT)) {
        *why = "authenticator data: no attested credential";
        st = GH_ERR_INVALID;
    }
    if (st == GH_OK)
        st = webauthn_cose_check(d.public_key, d.public_key_len, &alg, why);
    if (st == GH_OK)
        st = statement(a, obj, &d, alg, authdata, authdata_len, client_data, client_data_len, why);
    if (st == GH_OK)
        st = credential(a, obj, &d, alg, out);
    return st;
}

gh_status_t webauthn_register_verify(arena_t *a, const webauthn_rp_t *rp,
                                     const uint8_t challenge[WEBAUTHN_CHALLENGE_LEN],
                                     const uint8_t *client_data, size_t client_data_len,
                                     const uint8_t *attestation, size_t attestation_len,
                                     webauthn_credential_t *out, const char **why)
{
    size_t used = 0;
    if (attestation_len > WEBAUTHN_ATTESTATION_MAX) {
        *why = "attestation object too large";
        return GH_ERR_TOO_LARGE;
    }
    gh_status_t st = webauthn_client_data_check(client_data, client_data_len, "webauthn.create",
                                                challenge, rp, why);
    if (st != GH_OK)
        return st;
    cbor_item_t *obj = wa_cbor_load(attestation, attestation_len, &used, why);
    if (!obj)
        return GH_ERR_INVALID;
    if (used != attestation_len) {
        *why = "attestation object: bytes after its end";
        st = GH_ERR_INVALID;
    } else {
        st = check_object(a, rp, obj, client_data, client_data_len, out, why);
    }
    cbor_decref(&obj);
    return st;
}
