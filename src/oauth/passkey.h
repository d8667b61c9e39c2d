/* Passkeys (WebAuthn credentials): the ceremonies' endpoints, the account
 * page that lists them, and the check of an assertion that the sign-in page
 * and the second-factor step share.
 *
 * Requests are forms (application/x-www-form-urlencoded) carrying the page's
 * CSRF token in `csrf`, as every other POST of ours; answers are JSON with
 * Cache-Control: no-store. A challenge is 32 random bytes, kept as its
 * digest for PASSKEY_CHALLENGE_TTL seconds, taken once, and bound to the
 * browser that asked: to the digest of its CSRF token, which is itself bound
 * to its session (or, before sign-in, to its CSRF cookie). See docs/mfa.md. */
#ifndef GH_OAUTH_PASSKEY_H
#define GH_OAUTH_PASSKEY_H

#include "http/http.h"
#include "oauth/oauth_int.h"

#define PASSKEY_PAGE_PATH "/account/passkeys"
#define PASSKEY_CHALLENGE_TTL 300 /* seconds */
#define PASSKEY_NAME_MAX 64       /* characters of a passkey's name (UTF-8: 4 bytes each at most) */

/* How long each assertion field may be (base64url of the webauthn limits). */
#define PASSKEY_B64_MAX(n) (((n)*4 + 2) / 3)

/* The declared fields of an assertion a page posts (passkey_assert_for),
 * for the declarations of the pages that take one. */
#define PASSKEY_ASSERTION_PARAMS                                                                   \
    {"credential_id", PASSKEY_B64_MAX(WEBAUTHN_CREDENTIAL_ID_MAX)},                                \
        {"client_data", PASSKEY_B64_MAX(WEBAUTHN_CLIENT_DATA_MAX)},                                \
        {"authenticator_data", PASSKEY_B64_MAX(WEBAUTHN_AUTHDATA_MAX)},                            \
        {"signature", PASSKEY_B64_MAX(WEBAUTHN_SIGNATURE_MAX)},                                    \
    {                                                                                              \
        "user_handle", 128                                                                         \
    }

/* Whether passkeys are on (`passkeys = on`) and the issuer's host can be an
 * RP ID (a domain name: WebAuthn refuses IP addresses). */
bool passkey_enabled(const app_t *app);

/* Fills in app->passkey_rp from the configuration: RP ID `passkey_rp_id`, else
 * the issuer's host; origin the issuer's scheme, host and port. GH_ERR_INVALID
 * when passkey_rp_id is neither the issuer's host nor a parent domain of it. */
gh_status_t passkey_rp_init(app_t *app, arena_t *a);

/* POST /auth/passkey/register/options (signed in): a challenge and the
 * PublicKeyCredentialCreationOptions for navigator.credentials.create(),
 * binary members in base64url. */
void passkey_register_options_handler(http_request_t *req, http_response_t *res);

/* POST /auth/passkey/register (signed in): name, credential_id, client_data,
 * attestation_object (base64url), transports (space-separated); verifies and
 * stores the new passkey. {"registered":true} or an error. */
void passkey_register_handler(http_request_t *req, http_response_t *res);

/* POST /auth/passkey/login/options: a sign-in challenge and the
 * PublicKeyCredentialRequestOptions, for the sign-in page (discoverable
 * credentials: empty allowCredentials) and, with purpose=mfa, for the
 * second-factor page: the challenge bound to the member of this browser's
 * sign-in waiting for its second factor (401 login_required without one)
 * and allowCredentials that member's passkeys. */
void passkey_login_options_handler(http_request_t *req, http_response_t *res);

/* GET /account/passkeys: the member's passkeys, a form to add one (named)
 * and one to remove each; POST removes the passkey named by `remove`. */
void passkey_page_handler(http_request_t *req, http_response_t *res);

/* The declared parameters of the passkey endpoints and page. */
extern const http_param_spec_t PASSKEY_PARAMS[];

/* Whether the route is one of the passkey JSON endpoints (their early
 * refusals are answered by passkey_refuse). */
bool passkey_is_api(const http_request_t *req);

/* The passkey endpoints' error answer: {"error": code, "error_description":
 * why} with status. */
void passkey_refuse(const http_request_t *req, http_response_t *res, int status, const char *code,
                    const char *why);

/* What an accepted assertion says. */
typedef struct {
    const char *sub;           /* the member */
    const char *credential_id; /* base64url */
    const char *amr;           /* RFC 8176 values, space-separated ("hwk user mfa") */
    bool user_verified;        /* the authenticator verified the user (UV) */
} passkey_result_t;

/* Checks the assertion a page posted (form fields credential_id, client_data,
 * authenticator_data, signature, user_handle, all base64url, and csrf, whose
 * CSRF check the caller has done) against a sign-in challenge this browser
 * got from /auth/passkey/login/options, and records the new sign count.
 *
 * sub NULL: passwordless sign-in, any member's discoverable credential (the
 * user handle must be present and name the credential's member). sub set:
 * the SECOND FACTOR of member sub (the MFA step after the password): only
 * sub's own credentials are accepted, against a challenge the options gave
 * for sub (purpose=mfa). GH_OK fills *out (strings in the
 * request arena); a refusal is GH_ERR_NOT_FOUND (no such challenge or
 * credential, or another member's), GH_ERR_INVALID / GH_ERR_CRYPTO /
 * GH_ERR_TOO_LARGE (the assertion does not verify) or GH_ERR_CONFLICT (a
 * counter regression or a replay), each with *why; a store failure is
 * returned as is. Nothing is stored on a refusal (the challenge is used up). */
gh_status_t passkey_assert_for(const http_request_t *req, const char *sub, passkey_result_t *out,
                               const char **why);

#endif
