/* The authentication ceremony's checks (WebAuthn §7.2) for one stored
 * credential: clientDataJSON, the authenticator data, the signature over
 * authData || SHA-256(clientDataJSON) and the signature counter (§6.1.1). */
#include <string.h>

#include "core/secret.h"
#include "webauthn/webauthn_int.h"

/* Whether the counter moved as it must: when the new or the stored count is
 * non-zero, the new one is greater (§6.1.1; both zero: no counter). */
static bool counter_ok(uint32_t stored, uint32_t now)
{
    return (stored == 0 && now == 0) || now > stored;
}

gh_status_t webauthn_assert_verify(const webauthn_rp_t *rp,
                                   const uint8_t challenge[WEBAUTHN_CHALLENGE_LEN],
                                   const uint8_t *client_data, size_t client_data_len,
                                   const uint8_t *authdata, size_t authdata_len, const uint8_t *sig,
                                   size_t sig_len, const uint8_t *public_key, size_t public_key_len,
                                   uint32_t stored_count, webauthn_assertion_t *out,
                                   const char **why)
{
    webauthn_authdata_t d;
    uint8_t msg[WEBAUTHN_AUTHDATA_MAX + 32];
    if (authdata_len > WEBAUTHN_AUTHDATA_MAX) {
        *why = "authenticator data too large";
        return GH_ERR_TOO_LARGE;
    }
    gh_status_t st = webauthn_client_data_check(client_data, client_data_len, "webauthn.get",
                                                challenge, rp, why);
    if (st == GH_OK)
        st = webauthn_authdata_parse(authdata, authdata_len, &d, why);
    if (st == GH_OK)
        st = wa_authdata_check(&d, rp, why);
    if (st == GH_OK && (d.flags & WEBAUTHN_FLAG_AT)) {
        *why = "authenticator data: attested credential data in an assertion";
        st = GH_ERR_INVALID;
    }
    if (st != GH_OK)
        return st;
    memcpy(msg, authdata, authdata_len);
    secret_sha256(client_data, client_data_len, msg + authdata_len);
    st =
        webauthn_cose_verify(public_key, public_key_len, msg, authdata_len + 32, sig, sig_len, why);
    if (st != GH_OK)
        return st;
    if (!counter_ok(stored_count, d.sign_count)) {
        *why = "the signature counter went back: a cloned authenticator or a replay";
        return GH_ERR_CONFLICT;
    }
    out->sign_count = d.sign_count;
    out->flags = d.flags;
    return GH_OK;
}
