/* Passkeys: the WebAuthn ceremonies over our JSON endpoints (passkey.h), and
 * the check of an assertion shared by the passwordless sign-in (the sign-in
 * page's step "passkey", authorize.c) and the second-factor step.
 *
 * The RP ID is the issuer's host (or passkey_rp_id, a parent domain of it)
 * and the origin the issuer's own; the webauthn module checks what the
 * browser hands back against them. A challenge is bound to the browser by the
 * digest of the CSRF token it posted, which session_csrf_check has matched to
 * its session or CSRF cookie: a challenge fetched in one browser is worth
 * nothing in another, and is taken (deleted) by its first use. */
#include <jansson.h>
#include <string.h>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/log.h"
#include "core/secret.h"
#include "oauth/audit.h"
#include "oauth/passkey.h"

#define TIMEOUT_MS 120000 /* the browser's ceremony timeout we suggest */

/* ---- the relying party ---- */

/* Whether host is an IP address literal (no RP ID can be one). */
static bool is_ip_literal(const char *host)
{
    return host[0] == '[' || strspn(host, "0123456789.") == strlen(host);
}

bool passkey_enabled(const app_t *app)
{
    return app->cfg->passkeys && app->passkey_rp.rp_id && !is_ip_literal(app->passkey_rp.rp_id);
}

/* Whether rp_id is host or a parent domain of it (WebAuthn §5.1.4.1: a
 * registrable domain suffix; we do not consult the public suffix list, the
 * operator chose it). */
static bool rp_id_fits(const char *rp_id, const char *host)
{
    size_t n = strlen(rp_id), h = strlen(host);
    return n && (!strcmp(rp_id, host) || (h > n + 1 && host[h - n - 1] == '.' &&
                                          !strcmp(host + h - n, rp_id) && strchr(rp_id, '.')));
}

gh_status_t passkey_rp_init(app_t *app, arena_t *a)
{
    const char *issuer = app->cfg->issuer, *scheme_end = strstr(issuer, "://");
    if (!scheme_end)
        return GH_ERR_INVALID;
    const char *auth = scheme_end + 3, *path = strchr(auth, '/');
    size_t auth_len = path ? (size_t)(path - auth) : strlen(auth);
    const char *origin = arena_strndup(a, issuer, (size_t)(auth - issuer) + auth_len);
    const char *host_end =
        auth[0] == '[' ? memchr(auth, ']', auth_len) : memchr(auth, ':', auth_len);
    size_t host_len = host_end ? (size_t)(host_end - auth) + (auth[0] == '[') : auth_len;
    const char *host = arena_strndup(a, auth, host_len);
    if (!origin || !host)
        return GH_ERR_NOMEM;
    const char *rp_id = app->cfg->passkey_rp_id ? app->cfg->passkey_rp_id : host;
    if (!rp_id_fits(rp_id, host))
        return GH_ERR_INVALID;
    app->passkey_rp = (webauthn_rp_t){
        .rp_id = rp_id, .origin = origin, .require_uv = app->cfg->passkey_user_verification == 1};
    return GH_OK;
}

/* ---- answers ---- */

void passkey_refuse(const http_request_t *req, http_response_t *res, int status, const char *code,
                    const char *why)
{
    json_t *body = json_pack("{s:s,s:s}", "error", code, "error_description", why);
    http_response_json(req, res, status, body);
    json_decref(body);
}

/* The answer for a refusal status of the checks (or the store). */
static void refuse_status(const http_request_t *req, http_response_t *res, gh_status_t st,
                          const char *why)
{
    if (st == GH_ERR_UNAVAILABLE)
        passkey_refuse(req, res, 503, "temporarily_unavailable", "the database is unavailable");
    else if (st == GH_ERR_NOMEM || st == GH_ERR_INTERNAL || st == GH_ERR_IO)
        passkey_refuse(req, res, 500, "server_error", "the server could not finish");
    else if (st == GH_ERR_TOO_LARGE)
        passkey_refuse(req, res, 413, "too_large", why);
    else
        passkey_refuse(req, res, st == GH_ERR_CONFLICT ? 409 : 400, "passkey_refused", why);
}

/* The checks every passkey endpoint makes first; false when refused. */
static bool begin(http_request_t *req, http_response_t *res)
{
    if (!passkey_enabled(app_of(req))) {
        passkey_refuse(req, res, 404, "passkeys_off", "passkeys are not enabled on this server");
        return false;
    }
    if (!http_request_is_form(req) || req->form_malformed) {
        passkey_refuse(req, res, 400, "invalid_request", "a form body is expected");
        return false;
    }
    if (!session_csrf_check(req)) {
        passkey_refuse(req, res, 403, "csrf", "the page expired: reload it and try again");
        return false;
    }
    return true;
}

/* ---- challenges ---- */

/* The browser binding of a challenge: the digest of the CSRF token posted
 * (already checked against its session or CSRF cookie). */
static const char *binding_of(const http_request_t *req)
{
    const char *csrf = http_pairs_get(&req->form, "csrf");
    char *digest = arena_alloc(req->arena, SECRET_DIGEST_HEX_LEN + 1);
    if (digest)
        secret_sha256_hex(csrf, strlen(csrf), digest);
    return digest;
}

static void challenge_digest(const uint8_t challenge[WEBAUTHN_CHALLENGE_LEN],
                             char out[SECRET_DIGEST_HEX_LEN + 1])
{
    secret_sha256_hex((const char *)challenge, WEBAUTHN_CHALLENGE_LEN, out);
}

/* A new challenge for kind (and sub), kept as its digest; *b64 in base64url. */
static gh_status_t challenge_new(const http_request_t *req, store_passkey_kind_t kind,
                                 const char *sub, const char **b64)
{
    uint8_t raw[WEBAUTHN_CHALLENGE_LEN];
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    const char *binding = binding_of(req);
    gh_status_t st = secret_random(raw, sizeof raw);
    if (st != GH_OK)
        return st;
    if (!binding || !(*b64 = b64url_encode(req->arena, raw, sizeof raw)))
        return GH_ERR_NOMEM;
    challenge_digest(raw, digest);
    return store_passkey_challenge_put(app_of(req)->store, digest, kind, binding, sub,
                                       clock_now() + PASSKEY_CHALLENGE_TTL);
}

/* Takes the challenge clientDataJSON names, when this browser (and sub) got
 * it for kind and it is still alive; out gets its bytes. */
static gh_status_t challenge_take(const http_request_t *req, const uint8_t *client_data, size_t len,
                                  store_passkey_kind_t kind, const char *sub,
                                  uint8_t out[WEBAUTHN_CHALLENGE_LEN], const char **why)
{
    char digest[SECRET_DIGEST_HEX_LEN + 1];
    const char *binding = binding_of(req);
    gh_status_t st = webauthn_client_data_challenge(client_data, len, out, why);
    if (st != GH_OK)
        return st;
    if (!binding)
        return GH_ERR_NOMEM;
    challenge_digest(out, digest);
    st = store_passkey_challenge_take(app_of(req)->store, digest, kind, binding, sub, clock_now());
    if (st == GH_ERR_NOT_FOUND)
        *why = "not a live challenge of this server for this browser (used already, or expired)";
    return st;
}

/* ---- form fields ---- */

/* The base64url field name, decoded into the arena (at most max bytes). */
static gh_status_t field_bytes(const http_request_t *req, const char *name, size_t max,
                               uint8_t **out, size_t *len, const char **why)
{
    const char *v = http_pairs_get(&req->form, name);
    if (!v || !*v) {
        *why = arena_printf(req->arena, "%s is missing", name);
        return GH_ERR_INVALID;
    }
    size_t n = strlen(v);
    if (n > PASSKEY_B64_MAX(max)) {
        *why = arena_printf(req->arena, "%s is too large", name);
        return GH_ERR_TOO_LARGE;
    }
    uint8_t *buf = arena_alloc(req->arena, n);
    if (!buf)
        return GH_ERR_NOMEM;
    if (b64url_decode(v, n, buf, n, len) != GH_OK) {
        *why = arena_printf(req->arena, "%s is not base64url", name);
        return GH_ERR_INVALID;
    }
    *out = buf;
    return GH_OK;
}

/* ---- registration ---- */

static json_t *credential_descriptor(const store_passkey_t *p)
{
    json_t *d = json_pack("{s:s,s:s}", "type", "public-key", "id", p->credential_id);
    json_t *t = json_array();
    const char *s = p->transports;
    while (d && t && s && *s) {
        size_t n = strcspn(s, " ");
        json_array_append_new(t, json_stringn(s, n));
        s += n + (s[n] == ' ');
    }
    json_object_set_new(d, "transports", t);
    return d;
}

/* PublicKeyCredentialCreationOptions (WebAuthn §5.4) for user. */
static json_t *creation_options(const app_t *app, const store_user_t *user, const char *challenge,
                                const char *user_id, const store_passkey_t *have, size_t n)
{
    json_t *exclude = json_array();
    for (size_t i = 0; exclude && i < n; i++)
        json_array_append_new(exclude, credential_descriptor(&have[i]));
    const char *display = user->nickname && *user->nickname ? user->nickname : user->username;
    return json_pack(
        "{s:s,s:{s:s,s:s},s:{s:s,s:s,s:s},s:[{s:s,s:i},{s:s,s:i},{s:s,s:i}],s:i,s:s,s:{s:s,s:b,s:"
        "s},s:o}",
        "challenge", challenge, "rp", "id", app->passkey_rp.rp_id, "name", "Gatehouse", "user",
        "id", user_id, "name", user->username, "displayName", display, "pubKeyCredParams", "type",
        "public-key", "alg", WEBAUTHN_ALG_ES256, "type", "public-key", "alg", WEBAUTHN_ALG_EDDSA,
        "type", "public-key", "alg", WEBAUTHN_ALG_RS256, "timeout", TIMEOUT_MS, "attestation",
        "none", "authenticatorSelection", "residentKey", "required", "requireResidentKey", 1,
        "userVerification", app->passkey_rp.require_uv ? "required" : "preferred",
        "excludeCredentials", exclude ? exclude : json_array());
}

/* The signed-in member, or a refusal written. */
static bool signed_in(http_request_t *req, http_response_t *res, store_session_t *session,
                      store_user_t *user)
{
    gh_status_t st = session_current(req, session);
    if (st == GH_OK)
        st = store_user_get(app_of(req)->store, req->arena, session->sub, user);
    if (st == GH_ERR_NOT_FOUND)
        passkey_refuse(req, res, 401, "login_required", "sign in first");
    else if (st != GH_OK)
        refuse_status(req, res, st, NULL);
    return st == GH_OK;
}

void passkey_register_options_handler(http_request_t *req, http_response_t *res)
{
    store_session_t session;
    store_user_t user;
    store_passkey_t *have = NULL;
    size_t n = 0;
    const char *challenge = NULL;
    if (!begin(req, res) || !signed_in(req, res, &session, &user))
        return;
    app_t *app = app_of(req);
    gh_status_t st = store_passkey_list(app->store, req->arena, user.sub, &have, &n);
    if (st == GH_OK)
        st = challenge_new(req, STORE_PASSKEY_REGISTER, user.sub, &challenge);
    const char *user_id = b64url_encode(req->arena, user.sub, strlen(user.sub));
    json_t *options =
        st == GH_OK && user_id ? creation_options(app, &user, challenge, user_id, have, n) : NULL;
    if (!options) {
        refuse_status(req, res, st == GH_OK ? GH_ERR_NOMEM : st, NULL);
        return;
    }
    http_response_json(req, res, 200, options);
    json_decref(options);
}

/* The transports a browser reported, the known ones (WebAuthn §5.8.4) kept. */
static const char *transports_of(const http_request_t *req)
{
    static const char *const KNOWN[] = {"usb", "nfc", "ble", "smart-card", "hybrid", "internal"};
    const char *s = http_pairs_get(&req->form, "transports");
    buf_t b;
    buf_init(&b, req->arena);
    while (s && *s) {
        size_t n = strcspn(s, " ,");
        for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
            if (n == strlen(KNOWN[i]) && !strncmp(s, KNOWN[i], n))
                buf_printf(&b, "%s%s", b.len ? " " : "", KNOWN[i]);
        s += n + (s[n] != 0);
    }
    return b.len ? buf_cstr(&b) : NULL;
}

/* The passkey's name: 1..PASSKEY_NAME_MAX characters of UTF-8, no control
 * characters. */
static const char *name_of(const http_request_t *req)
{
    const char *name = http_pairs_get(&req->form, "name");
    size_t n = name ? strlen(name) : 0, chars = 0;
    if (n == 0 || n > PASSKEY_NAME_MAX * 4 || !utf8_valid(name, n))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f)
            return NULL;
        chars += (c & 0xc0) != 0x80;
    }
    return chars <= PASSKEY_NAME_MAX ? name : NULL;
}

/* Verifies the posted registration of the member sub; *out the credential. */
static gh_status_t verify_registration(const http_request_t *req, const char *sub,
                                       webauthn_credential_t *out, const char **why)
{
    uint8_t *cd = NULL, *att = NULL, *id = NULL, challenge[WEBAUTHN_CHALLENGE_LEN];
    size_t cd_len = 0, att_len = 0, id_len = 0;
    gh_status_t st = field_bytes(req, "client_data", WEBAUTHN_CLIENT_DATA_MAX, &cd, &cd_len, why);
    if (st == GH_OK)
        st = field_bytes(req, "attestation_object", WEBAUTHN_ATTESTATION_MAX, &att, &att_len, why);
    if (st == GH_OK)
        st = field_bytes(req, "credential_id", WEBAUTHN_CREDENTIAL_ID_MAX, &id, &id_len, why);
    if (st == GH_OK)
        st = challenge_take(req, cd, cd_len, STORE_PASSKEY_REGISTER, sub, challenge, why);
    if (st == GH_OK)
        st = webauthn_register_verify(req->arena, &app_of(req)->passkey_rp, challenge, cd, cd_len,
                                      att, att_len, out, why);
    if (st == GH_OK &&
        (id_len != out->credential_id_len || memcmp(id, out->credential_id, id_len))) {
        *why = "credential_id is not the attested credential's";
        st = GH_ERR_INVALID;
    }
    return st;
}

void passkey_register_handler(http_request_t *req, http_response_t *res)
{
    store_session_t session;
    store_user_t user;
    webauthn_credential_t cred = {0};
    const char *why = NULL;
    if (!begin(req, res) || !signed_in(req, res, &session, &user))
        return;
    const char *name = name_of(req);
    if (!name) {
        passkey_refuse(req, res, 400, "invalid_request",
                       "name must be 1 to 64 characters of text without control characters");
        return;
    }
    gh_status_t st = verify_registration(req, user.sub, &cred, &why);
    store_passkey_t p = {.sub = user.sub,
                         .name = name,
                         .alg = cred.alg,
                         .sign_count = cred.sign_count,
                         .flags = cred.flags,
                         .transports = transports_of(req),
                         .created_at = clock_now()};
    if (st == GH_OK) {
        p.credential_id = b64url_encode(req->arena, cred.credential_id, cred.credential_id_len);
        p.public_key = b64url_encode(req->arena, cred.public_key, cred.public_key_len);
        st = p.credential_id && p.public_key ? store_passkey_add(app_of(req)->store, &p)
                                             : GH_ERR_NOMEM;
        if (st == GH_ERR_CONFLICT)
            why = "this passkey is registered already";
    }
    if (st != GH_OK) {
        log_event(LOG_INFO, "passkey_refused", "step", "register", "why", why, NULL);
        refuse_status(req, res, st, why);
        return;
    }
    log_event(LOG_INFO, "passkey_registered", "fmt", cred.fmt, NULL);
    audit_event(req, user.sub, "passkey.add", user.sub,
                audit_details(req->arena, "credential_id", p.credential_id, "name", name, NULL));
    json_t *body = json_pack("{s:b,s:s}", "registered", 1, "name", name);
    http_response_json(req, res, 200, body);
    json_decref(body);
}

/* ---- authentication ---- */

/* The member whose passkey the options are for: with purpose=mfa, the
 * member of this browser's sign-in waiting for its second factor (*sub set,
 * *have its passkeys); else none (*sub NULL: discoverable credentials). */
static gh_status_t options_member(http_request_t *req, const char **sub, store_passkey_t **have,
                                  size_t *n)
{
    const char *purpose = http_pairs_get(&req->form, "purpose");
    mfa_signin_t signin;
    *sub = NULL;
    if (!purpose || !*purpose)
        return GH_OK;
    if (strcmp(purpose, "mfa") != 0)
        return GH_ERR_INVALID;
    gh_status_t st = mfa_signin_current(req, &signin);
    if (st == GH_OK)
        st = store_passkey_list(app_of(req)->store, req->arena, signin.sub, have, n);
    if (st == GH_OK)
        *sub = signin.sub;
    return st;
}

void passkey_login_options_handler(http_request_t *req, http_response_t *res)
{
    const char *challenge = NULL, *sub = NULL;
    store_passkey_t *have = NULL;
    size_t n = 0;
    if (!begin(req, res))
        return;
    app_t *app = app_of(req);
    gh_status_t st = options_member(req, &sub, &have, &n);
    if (st == GH_ERR_INVALID) {
        passkey_refuse(req, res, 400, "invalid_request", "purpose must be mfa or absent");
        return;
    }
    if (st == GH_ERR_NOT_FOUND) {
        passkey_refuse(req, res, 401, "login_required",
                       "no sign-in is waiting for a second factor");
        return;
    }
    if (st == GH_OK)
        st = challenge_new(req, STORE_PASSKEY_SIGN_IN, sub, &challenge);
    /* a second factor: the member's own credentials; else discoverable ones
     * (the authenticator offers the member's own) */
    json_t *allow = json_array();
    for (size_t i = 0; allow && i < n; i++)
        json_array_append_new(allow, credential_descriptor(&have[i]));
    json_t *options =
        st == GH_OK && allow
            ? json_pack("{s:s,s:s,s:i,s:s,s:O}", "challenge", challenge, "rpId",
                        app->passkey_rp.rp_id, "timeout", TIMEOUT_MS, "userVerification",
                        app->passkey_rp.require_uv ? "required" : "preferred", "allowCredentials",
                        allow)
            : NULL;
    json_decref(allow);
    if (!options) {
        refuse_status(req, res, st == GH_OK ? GH_ERR_NOMEM : st, NULL);
        return;
    }
    http_response_json(req, res, 200, options);
    json_decref(options);
}

/* RFC 8176 for a passkey sign-in: "hwk" when the credential is bound to its
 * device (not backup eligible: the key cannot leave the authenticator), "swk"
 * when it may be synced (its key then lives in software and a cloud account);
 * "user" as the authenticator tested presence (UP is required); "mfa" when it
 * also verified the person (UV: PIN or biometrics on the device that holds
 * the key, two factors in one gesture, as NIST SP 800-63B §5.1.9 counts a
 * multi-factor cryptographic authenticator). */
static const char *amr_of(const store_passkey_t *p, uint8_t flags)
{
    bool device_bound = !(p->flags & WEBAUTHN_FLAG_BE) && !(flags & WEBAUTHN_FLAG_BE);
    if (flags & WEBAUTHN_FLAG_UV)
        return device_bound ? "hwk user mfa" : "swk user mfa";
    return device_bound ? "hwk user" : "swk user";
}

/* The user handle, when posted, names the credential's member (§7.2 step 6). */
static gh_status_t check_user_handle(const http_request_t *req, const char *sub,
                                     const store_passkey_t *p, const char **why)
{
    uint8_t *handle = NULL;
    size_t len = 0;
    const char *v = http_pairs_get(&req->form, "user_handle");
    if (!v || !*v) {
        *why = "the passkey gave no user handle";
        return sub ? GH_OK : GH_ERR_INVALID;
    }
    gh_status_t st = field_bytes(req, "user_handle", 64, &handle, &len, why);
    if (st == GH_OK && (len != strlen(p->sub) || memcmp(handle, p->sub, len))) {
        *why = "the user handle is not the passkey's member";
        st = GH_ERR_INVALID;
    }
    return st;
}

typedef struct {
    uint8_t *cd, *ad, *sig, *key;
    size_t cd_len, ad_len, sig_len, key_len;
} assertion_fields_t;

static gh_status_t read_assertion(const http_request_t *req, assertion_fields_t *f,
                                  const char **why)
{
    gh_status_t st =
        field_bytes(req, "client_data", WEBAUTHN_CLIENT_DATA_MAX, &f->cd, &f->cd_len, why);
    if (st == GH_OK)
        st = field_bytes(req, "authenticator_data", WEBAUTHN_AUTHDATA_MAX, &f->ad, &f->ad_len, why);
    if (st == GH_OK)
        st = field_bytes(req, "signature", WEBAUTHN_SIGNATURE_MAX, &f->sig, &f->sig_len, why);
    return st;
}

/* The stored credential the assertion names, when it may be used for sub. */
static gh_status_t find_credential(const http_request_t *req, const char *sub, store_passkey_t *p,
                                   assertion_fields_t *f, const char **why)
{
    const char *id = http_pairs_get(&req->form, "credential_id");
    gh_status_t st =
        id && *id ? store_passkey_get(app_of(req)->store, req->arena, id, p) : GH_ERR_NOT_FOUND;
    if (st == GH_OK && sub && strcmp(p->sub, sub) != 0)
        st = GH_ERR_NOT_FOUND;
    if (st == GH_ERR_NOT_FOUND)
        *why = "unknown passkey";
    if (st == GH_OK)
        st = check_user_handle(req, sub, p, why);
    if (st == GH_OK) { /* the COSE key, as stored */
        size_t n = strlen(p->public_key);
        f->key = arena_alloc(req->arena, n + 1);
        if (!f->key || b64url_decode(p->public_key, n, f->key, n + 1, &f->key_len) != GH_OK)
            st = GH_ERR_INTERNAL;
    }
    return st;
}

gh_status_t passkey_assert_for(const http_request_t *req, const char *sub, passkey_result_t *out,
                               const char **why)
{
    app_t *app = app_of(req);
    assertion_fields_t f = {0};
    store_passkey_t p;
    uint8_t challenge[WEBAUTHN_CHALLENGE_LEN];
    webauthn_assertion_t a;
    if (!passkey_enabled(app)) {
        *why = "passkeys are not enabled on this server";
        return GH_ERR_NOT_FOUND;
    }
    gh_status_t st = read_assertion(req, &f, why);
    if (st == GH_OK)
        st = challenge_take(req, f.cd, f.cd_len, STORE_PASSKEY_SIGN_IN, sub, challenge, why);
    if (st == GH_OK)
        st = find_credential(req, sub, &p, &f, why);
    if (st == GH_OK)
        st = webauthn_assert_verify(&app->passkey_rp, challenge, f.cd, f.cd_len, f.ad, f.ad_len,
                                    f.sig, f.sig_len, f.key, f.key_len, (uint32_t)p.sign_count, &a,
                                    why);
    if (st == GH_OK) {
        st = store_passkey_used(app->store, p.credential_id, a.sign_count, clock_now());
        if (st == GH_ERR_CONFLICT)
            *why = "the signature counter went back: a cloned authenticator or a replay";
    }
    if (st != GH_OK)
        return st;
    *out = (passkey_result_t){.sub = p.sub,
                              .credential_id = p.credential_id,
                              .amr = amr_of(&p, a.flags),
                              .user_verified = (a.flags & WEBAUTHN_FLAG_UV) != 0};
    return GH_OK;
}

bool passkey_is_api(const http_request_t *req)
{
    http_handler_fn h = req->route ? req->route->handler : NULL;
    return h == passkey_register_options_handler || h == passkey_register_handler ||
           h == passkey_login_options_handler;
}

const http_param_spec_t PASSKEY_PARAMS[] = {
    {"csrf", 128},
    {"name", PASSKEY_NAME_MAX * 4},
    {"credential_id", PASSKEY_B64_MAX(WEBAUTHN_CREDENTIAL_ID_MAX)},
    {"client_data", PASSKEY_B64_MAX(WEBAUTHN_CLIENT_DATA_MAX)},
    {"attestation_object", PASSKEY_B64_MAX(WEBAUTHN_ATTESTATION_MAX)},
    {"transports", 128},
    {"remove", PASSKEY_B64_MAX(WEBAUTHN_CREDENTIAL_ID_MAX)},
    {"purpose", 8},
    {NULL, 0},
};
