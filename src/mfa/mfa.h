/* Second factors, the parts that need no HTTP: TOTP (RFC 6238, through
 * liboath), recovery codes, what a person types in the second-factor box, the
 * key that seals TOTP secrets at rest. liboath's types stay inside this
 * module (the QR code of an otpauth:// URI is ui_qr_svg's); the store (store/mfa.h) keeps what
 * these functions make.
 *
 * A TOTP secret is 160 random bits (RFC 4226 §4's recommended length),
 * shown as base32 and kept sealed with AES-256-GCM (core/secret.h) under the
 * MFA key, its additional data naming the member, so a sealed secret copied
 * to another member's row does not open. Codes are six digits, 30-second
 * steps, HMAC-SHA1: what every authenticator app reads from otpauth://. */
#ifndef GH_MFA_MFA_H
#define GH_MFA_MFA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/status.h"
#include "store/store.h"

#define MFA_TOTP_SECRET_BYTES 20 /* 160 bits */
#define MFA_TOTP_DIGITS 6
#define MFA_TOTP_STEP 30  /* seconds (RFC 6238 §4.1's X) */
#define MFA_TOTP_WINDOW 1 /* steps either side of now that are accepted */
#define MFA_RECOVERY_COUNT 10
#define MFA_RECOVERY_DIGITS 20 /* about 66 bits; shown as five groups of four */
#define MFA_CODE_INPUT_MAX 64  /* the longest input the second-factor box takes */

/* ---- the key that seals TOTP secrets ---- */

/* The keys TOTP secrets are sealed under: current seals and opens; the
 * older ones only open (a rotation under way), tried in order. */
typedef struct {
    unsigned char current[32];
    unsigned char older[2][32];
    size_t older_count;
    bool stored_older; /* the last older key is the generated one in the store */
    /* current is the key the database records as the one secrets are sealed
     * under (its check value, "mfa_key_check"); false: another is recorded,
     * so what this key seals would not open on the instances that use it */
    bool recorded;
    bool none_recorded; /* no key recorded yet (a database no server has used) */
} mfa_keys_t;

/* Loads them. current: SHA-256 over a label and `configured` ([server]
 * mfa_secret_key, at least 32 characters) when it is set, else over a
 * 256-bit secret generated once and kept in the store's settings (mfa_key),
 * so every instance and the CLI agree. older: `previous`
 * (mfa_secret_key_previous) when set, and the generated secret when
 * `configured` is set and one is still stored (moving to a configured key).
 *
 * The database records a check value of the key in use (a digest of it,
 * which opens nothing). With `record` (a server starting) current is
 * recorded when none is, or in place of one of the older keys (a change of
 * key: the first instance restarted with the new key records it); without
 * (the CLI) nothing is written. out->recorded tells whether current is the
 * recorded key. */
gh_status_t mfa_keys_load(store_t *store, arena_t *a, const char *configured, const char *previous,
                          bool record, mfa_keys_t *out);

/* Deletes the generated secret from the store (once no secret is sealed
 * under it: `gatehouse user mfa --reseal`); a copy of the database then
 * opens no secret. */
gh_status_t mfa_keys_forget_stored(store_t *store);

/* ---- TOTP (RFC 6238) ---- */

/* A new random secret: *raw (MFA_TOTP_SECRET_BYTES bytes) and its base32 text
 * (RFC 4648 §6, no padding), both in the arena. */
gh_status_t mfa_totp_new(arena_t *a, unsigned char **raw, char **base32);

/* A secret given as base32 text (an authenticator set up elsewhere,
 * imported): upper or lower case, spaces and padding ignored; *raw in the
 * arena. GH_ERR_INVALID unless it is base32 of 16 to 64 bytes (RFC 4226 §4:
 * at least 128 bits). */
gh_status_t mfa_totp_from_base32(arena_t *a, const char *text, unsigned char **raw, size_t *n);

/* The base32 text of a raw secret, in the arena (NULL when out of memory). */
char *mfa_totp_base32(arena_t *a, const unsigned char *raw, size_t n);

/* The step of unix time now (floor(now / MFA_TOTP_STEP)). */
int64_t mfa_totp_step(int64_t now);

/* The code of secret at step, as MFA_TOTP_DIGITS digits into out. */
gh_status_t mfa_totp_code(const unsigned char *secret, size_t n, int64_t step,
                          char out[MFA_TOTP_DIGITS + 1]);

/* Checks a six-digit code against the steps now-1 .. now+1 (MFA_TOTP_WINDOW)
 * that come after last_step (the last step a code was accepted for: a code
 * is good once, and never one older than the last used). On a match *step
 * gets the step it matched (the caller stores it as the new last_step,
 * atomically) and true is returned. Constant time in the code compared. */
bool mfa_totp_match(const unsigned char *secret, size_t n, const char *code, int64_t now,
                    int64_t last_step, int64_t *step);

/* The otpauth:// URI (Key Uri Format) for account at the server whose
 * issuer URL is issuer: the app shows the issuer's host ("Gatehouse
 * (host)") beside the account. In the arena. */
char *mfa_totp_uri(arena_t *a, const char *issuer_url, const char *account, const char *base32);

/* Seals / opens a raw TOTP secret for member sub under key. */
gh_status_t mfa_totp_seal(arena_t *a, const unsigned char key[32], const char *sub,
                          const unsigned char *raw, size_t n, char **sealed);
gh_status_t mfa_totp_open(arena_t *a, const unsigned char key[32], const char *sub,
                          const char *sealed, unsigned char **raw, size_t *n);

/* Opens a sealed secret with the current key, else with an older one; then
 * *resealed gets it sealed under the current key, for the caller to store
 * in place of `sealed` (NULL when the current key opened it). The error of
 * the current key when none opens it. */
gh_status_t mfa_totp_open_any(arena_t *a, const mfa_keys_t *keys, const char *sub,
                              const char *sealed, unsigned char **raw, size_t *n, char **resealed);

/* ---- what was typed in the second-factor box ---- */

typedef enum { MFA_CODE_TOTP, MFA_CODE_RECOVERY } mfa_code_kind_t;

/* Reads what a person typed: spaces and dashes do not count; six digits are
 * a TOTP code, MFA_RECOVERY_DIGITS digits a recovery code, written into out
 * without separators. GH_ERR_INVALID for anything else (other characters, other
 * lengths, over MFA_CODE_INPUT_MAX bytes). */
gh_status_t mfa_code_parse(const char *in, size_t len, mfa_code_kind_t *kind,
                           char out[MFA_RECOVERY_DIGITS + 1]);

/* ---- recovery codes ---- */

/* MFA_RECOVERY_COUNT new codes (shown form, "1234-5678-…") and their digests
 * for member sub (mfa_recovery_digest), both arrays in the arena. */
gh_status_t mfa_recovery_new(arena_t *a, const char *sub, char ***shown, char ***digests);

/* The digest the store keeps of a recovery code (its digits without
 * separators) of member sub: hex SHA-256 of a label, sub and the code. */
void mfa_recovery_digest(const char *sub, const char *digits, char out[65]);

#endif
