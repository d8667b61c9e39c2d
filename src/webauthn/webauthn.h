/* WebAuthn (W3C Web Authentication Level 2/3): the relying party's checks of
 * what a browser hands back from navigator.credentials.create() (a
 * registration: clientDataJSON and an attestation object) and .get() (an
 * assertion: clientDataJSON, authenticator data and a signature).
 *
 * Everything here is untrusted input read as (pointer, length) slices with a
 * limit on every size; CBOR is read by libcbor, COSE keys become OpenSSL keys
 * and signatures are checked by OpenSSL: no hand-written parser. Results that
 * outlive the input (a new credential's id and key) are copied into the
 * caller's arena. A refusal is a status and *why, one static English line for
 * the log and the JSON error (never secret). The module keeps no state: the
 * caller finds the expected challenge and the stored credential (store/passkeys.h). */
#ifndef GH_WEBAUTHN_H
#define GH_WEBAUTHN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/status.h"

#define WEBAUTHN_CHALLENGE_LEN 32       /* random bytes of a challenge */
#define WEBAUTHN_CREDENTIAL_ID_MAX 1023 /* §5.8.3's credential id limit */
#define WEBAUTHN_ATTESTATION_MAX 16384  /* an attestation object, bytes */
#define WEBAUTHN_AUTHDATA_MAX 4096      /* an assertion's authenticator data, bytes */
#define WEBAUTHN_CLIENT_DATA_MAX 2048   /* clientDataJSON, bytes */
#define WEBAUTHN_COSE_KEY_MAX 1024      /* a COSE_Key (RSA 4096 fits), bytes */
#define WEBAUTHN_SIGNATURE_MAX 1024     /* an assertion signature, bytes */
#define WEBAUTHN_RSA_BITS_MIN 2048
#define WEBAUTHN_RSA_BITS_MAX 4096

/* Authenticator data flags (WebAuthn §6.1). */
#define WEBAUTHN_FLAG_UP 0x01 /* user present */
#define WEBAUTHN_FLAG_UV 0x04 /* user verified */
#define WEBAUTHN_FLAG_BE 0x08 /* backup eligible: the key may be synced */
#define WEBAUTHN_FLAG_BS 0x10 /* backed up */
#define WEBAUTHN_FLAG_AT 0x40 /* attested credential data included */
#define WEBAUTHN_FLAG_ED 0x80 /* extension data included */

/* COSE algorithms accepted (RFC 9053, IANA COSE Algorithms). */
#define WEBAUTHN_ALG_ES256 (-7)
#define WEBAUTHN_ALG_EDDSA (-8) /* over Ed25519 (crv 6) */
#define WEBAUTHN_ALG_RS256 (-257)

/* Who we are, as the checks need it. */
typedef struct {
    const char *rp_id;  /* "example.com": its SHA-256 is the authenticator data's rpIdHash */
    const char *origin; /* "https://example.com": clientDataJSON's origin, exactly */
    bool require_uv;    /* refuse an assertion or registration without UV */
} webauthn_rp_t;

/* Parsed authenticator data (§6.1). Slices point into the parsed input. */
typedef struct {
    uint8_t rp_id_hash[32];
    uint8_t flags;
    uint32_t sign_count;
    /* attested credential data, when flags has WEBAUTHN_FLAG_AT */
    uint8_t aaguid[16];
    const uint8_t *credential_id;
    size_t credential_id_len;
    const uint8_t *public_key; /* the COSE_Key as sent */
    size_t public_key_len;
} webauthn_authdata_t;

/* Parses authenticator data of len bytes (at most WEBAUTHN_ATTESTATION_MAX):
 * the fixed 37 bytes, the attested credential data when AT is set (credential
 * id of 1..WEBAUTHN_CREDENTIAL_ID_MAX bytes, one CBOR COSE key), the
 * extensions when ED is set (one CBOR map), and nothing after. GH_ERR_INVALID
 * (or GH_ERR_TOO_LARGE) with *why otherwise. */
gh_status_t webauthn_authdata_parse(const uint8_t *data, size_t len, webauthn_authdata_t *out,
                                    const char **why);

/* Checks that a COSE_Key of len bytes is one we accept: EC2 P-256 with alg
 * ES256, OKP Ed25519 with alg EdDSA, or RSA (2048-4096 bits) with alg
 * RS256, a valid public key. *alg
 * gets its COSE algorithm. GH_ERR_INVALID with *why otherwise. */
gh_status_t webauthn_cose_check(const uint8_t *key, size_t len, int *alg, const char **why);

/* Verifies sig over msg with the COSE_Key (ES256: an ASN.1 DER ECDSA
 * signature over SHA-256, §6.5.6; EdDSA: the 64-byte Ed25519 signature of
 * msg itself; RS256: PKCS#1 v1.5 with SHA-256).
 * GH_ERR_CRYPTO for a wrong signature, GH_ERR_INVALID for a bad key. */
gh_status_t webauthn_cose_verify(const uint8_t *key, size_t key_len, const uint8_t *msg,
                                 size_t msg_len, const uint8_t *sig, size_t sig_len,
                                 const char **why);

/* The challenge that clientDataJSON (len bytes) carries, base64url-decoded
 * into out: a lookup key for the caller, before anything is verified.
 * GH_ERR_INVALID when the JSON or its challenge is malformed. */
gh_status_t webauthn_client_data_challenge(const uint8_t *json, size_t len,
                                           uint8_t out[WEBAUTHN_CHALLENGE_LEN], const char **why);

/* Checks clientDataJSON (§7.1 steps 7-12, §7.2 steps 11-14): at most
 * WEBAUTHN_CLIENT_DATA_MAX bytes of JSON, type as given ("webauthn.create" or
 * "webauthn.get"), challenge the expected one, origin exactly rp->origin, not
 * crossOrigin, no topOrigin (we are never framed). */
gh_status_t webauthn_client_data_check(const uint8_t *json, size_t len, const char *type,
                                       const uint8_t challenge[WEBAUTHN_CHALLENGE_LEN],
                                       const webauthn_rp_t *rp, const char **why);

/* A new credential, verified: id and COSE key copied into the arena. */
typedef struct {
    const uint8_t *credential_id;
    size_t credential_id_len;
    const uint8_t *public_key;
    size_t public_key_len;
    int alg;
    uint32_t sign_count;
    uint8_t flags;
    const char *fmt; /* the attestation format ("none", "packed", …) */
} webauthn_credential_t;

/* Verifies a registration (§7.1): clientDataJSON (type webauthn.create, the
 * challenge, the origin), the attestation object (at most
 * WEBAUTHN_ATTESTATION_MAX bytes of CBOR {fmt, attStmt, authData}), the
 * rpIdHash, UP (and UV when rp->require_uv), attested credential data with an
 * accepted key, and the attestation statement: "none" (empty) accepted;
 * "packed" self-attestation (no x5c) verified with the credential's own key;
 * any other format, or packed with a certificate chain, is accepted as none:
 * we ask for attestation "none" and never trust a device maker's certificate. */
gh_status_t webauthn_register_verify(arena_t *a, const webauthn_rp_t *rp,
                                     const uint8_t challenge[WEBAUTHN_CHALLENGE_LEN],
                                     const uint8_t *client_data, size_t client_data_len,
                                     const uint8_t *attestation, size_t attestation_len,
                                     webauthn_credential_t *out, const char **why);

/* An assertion's outcome. */
typedef struct {
    uint32_t sign_count;
    uint8_t flags;
} webauthn_assertion_t;

/* Verifies an assertion (§7.2) for a stored credential (its COSE key and
 * sign count): clientDataJSON (webauthn.get, the challenge, the origin), the
 * authenticator data (rpIdHash, UP, UV when required, no attested data), the
 * signature over authData || SHA-256(clientDataJSON), and the sign counter:
 * when either count is non-zero the new one must be greater than the stored
 * one (§6.1.1), else GH_ERR_CONFLICT (a cloned authenticator, or a replay). */
gh_status_t webauthn_assert_verify(const webauthn_rp_t *rp,
                                   const uint8_t challenge[WEBAUTHN_CHALLENGE_LEN],
                                   const uint8_t *client_data, size_t client_data_len,
                                   const uint8_t *authdata, size_t authdata_len, const uint8_t *sig,
                                   size_t sig_len, const uint8_t *public_key, size_t public_key_len,
                                   uint32_t stored_count, webauthn_assertion_t *out,
                                   const char **why);

#endif
