/* The second-factor step (docs/mfa.md): after the right password, a member
 * with a confirmed second factor (or a client or request that asks for one)
 * gets no session yet but a pending sign-in: a random id in an HttpOnly,
 * SameSite=Lax cookie (MFA_COOKIE, "__Host-" under https) of a few minutes,
 * whose digest the store keeps with the member and what was done so far.
 * The second-factor page posts back with the request's own hidden fields,
 * so the pending authorization request travels as it does through the
 * sign-in form. A right code uses the pending sign-in up (one DELETE: of
 * concurrent completions one wins) and starts the session with amr
 * "pwd otp mfa", acr "mfa". A signed-in session with "pwd" alone that meets
 * a request wanting a second factor is stepped up the same way, its old
 * session ended and a new one started (a new id on a raise of privilege).
 *
 * Codes: six digits of TOTP (±1 step, each step once: store_mfa_totp_use's
 * conditional write), or a recovery code (used up by one DELETE); every
 * guess counted first by the throttle (throttle_mfa_begin), as passwords
 * are. A recovery code counts as amr "otp" (RFC 8176: a one-time password):
 * the same amr and acr as TOTP. */
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/secret.h"
#include "mfa/mfa.h"
#include "oauth/audit.h"
#include "oauth/oauth_int.h"
#include "oauth/passkey.h"

/* ---- policy ---- */

bool oauth_words_have(arena_t *a, const char *words, const char *word)
{
    scope_list_t l; /* a space-separated list, as scopes are */
    return words && scope_parse(a, words, &l) == GH_OK && scope_has(&l, word);
}

gh_status_t mfa_factors(const http_request_t *req, const char *sub, mfa_factors_t *out)
{
    app_t *app = app_of(req);
    store_mfa_totp_t t;
    store_passkey_t *keys = NULL;
    *out = (mfa_factors_t){0};
    gh_status_t st = store_mfa_totp_get(app->store, req->arena, sub, &t);
    if (st == GH_OK)
        out->totp = t.confirmed;
    else if (st != GH_ERR_NOT_FOUND)
        return st;
    st = store_mfa_recovery_count(app->store, sub, &out->recovery);
    if (st == GH_OK && passkey_enabled(app))
        st = store_passkey_list(app->store, req->arena, sub, &keys, &out->passkeys);
    return st;
}

/* Whether amr (may be NULL) holds a passkey's method value. */
static bool amr_has_passkey(arena_t *a, const char *amr)
{
    return oauth_words_have(a, amr, AMR_HWK) || oauth_words_have(a, amr, AMR_SWK);
}

/* The member's second factors as the policy needs them: TOTP first, then
 * passkeys only when TOTP does not decide and they could count (amr has
 * none yet). */
static gh_status_t read_factors(const http_request_t *req, const char *sub, const char *amr,
                                store_factors_t *out)
{
    app_t *app = app_of(req);
    store_mfa_totp_t t;
    store_passkey_t *keys = NULL;
    size_t n = 0;
    *out = (store_factors_t){0};
    gh_status_t st = store_mfa_totp_get(app->store, req->arena, sub, &t);
    out->totp = st == GH_OK && t.confirmed;
    if (st != GH_OK && st != GH_ERR_NOT_FOUND)
        return st;
    /* on every authorization request of a session: one query when TOTP decides */
    if (!out->totp && passkey_enabled(app) && !amr_has_passkey(req->arena, amr)) {
        if ((st = store_passkey_list(app->store, req->arena, sub, &keys, &n)) != GH_OK)
            return st;
        out->passkey = n > 0;
    }
    return GH_OK;
}

/* Whether the member has a second factor beyond what amr says was done: a
 * confirmed TOTP, or a passkey when the sign-in did not use one already. */
static bool has_factor(const http_request_t *req, const store_factors_t *f, const char *amr)
{
    return f->totp ||
           (f->passkey && passkey_enabled(app_of(req)) && !amr_has_passkey(req->arena, amr));
}

gh_status_t mfa_policy_known(const http_request_t *req, const char *sub,
                             const store_factors_t *known, const store_client_t *client,
                             const char *acr_values, const char *amr, mfa_need_t *need)
{
    *need = MFA_NOT_NEEDED;
    if (oauth_words_have(req->arena, amr, AMR_MFA))
        return GH_OK; /* met already: no need to read the member's factors */
    store_factors_t read;
    if (!known) {
        gh_status_t st = read_factors(req, sub, amr, &read);
        if (st != GH_OK)
            return st;
        known = &read;
    }
    bool has = has_factor(req, known, amr);
    bool required = client && client->require_mfa;
    bool wanted = has || required || oauth_words_have(req->arena, acr_values, ACR_MFA);
    if (!wanted)
        *need = MFA_NOT_NEEDED;
    else if (has)
        *need = MFA_ASK;
    else
        *need = required ? MFA_UNMET : MFA_NOT_NEEDED;
    return GH_OK;
}

gh_status_t mfa_policy(const http_request_t *req, const char *sub, const store_client_t *client,
                       const char *acr_values, const char *amr, mfa_need_t *need)
{
    return mfa_policy_known(req, sub, NULL, client, acr_values, amr, need);
}

/* ---- pending sign-ins ---- */

gh_status_t mfa_signin_begin(const http_request_t *req, http_response_t *res, const char *sub,
                             mfa_signin_t *out)
{
    app_t *app = app_of(req);
    char *id = secret_token(req->arena);
    char *digest = arena_alloc(req->arena, SECRET_DIGEST_HEX_LEN + 1);
    if (!id || !digest)
        return GH_ERR_NOMEM;
    secret_sha256_hex(id, strlen(id), digest);
    store_mfa_pending_t p = {.digest = digest,
                             .sub = sub,
                             .amr = SESSION_AMR_PASSWORD,
                             .expires_at = clock_now() + MFA_PENDING_TTL};
    gh_status_t st = store_mfa_pending_put(app->store, &p);
    if (st != GH_OK)
        return st;
    http_response_own_cookie(req, res, app->mfa_cookie, id, MFA_PENDING_TTL, app->secure_cookies);
    *out = (mfa_signin_t){.sub = sub, .amr = p.amr, .pending_digest = digest};
    return GH_OK;
}

gh_status_t mfa_signin_current(const http_request_t *req, mfa_signin_t *out)
{
    app_t *app = app_of(req);
    const char *id = http_request_cookie(req, app->mfa_cookie);
    if (id && *id) {
        char *digest = arena_alloc(req->arena, SECRET_DIGEST_HEX_LEN + 1);
        store_mfa_pending_t p;
        if (!digest)
            return GH_ERR_NOMEM;
        if (strlen(id) > 128)
            return GH_ERR_NOT_FOUND;
        secret_sha256_hex(id, strlen(id), digest);
        gh_status_t st = store_mfa_pending_get(app->store, req->arena, digest, clock_now(), &p);
        if (st == GH_OK)
            *out = (mfa_signin_t){.sub = p.sub, .amr = p.amr, .pending_digest = p.digest};
        return st;
    }
    store_session_t s;
    gh_status_t st = session_current(req, &s);
    if (st == GH_OK)
        *out = (mfa_signin_t){.sub = s.sub,
                              .amr = s.authn.amr ? s.authn.amr : SESSION_AMR_PASSWORD,
                              .session_digest = s.digest};
    return st;
}

/* prior's method values, then factor's and "mfa", each once. */
static const char *combined_amr(arena_t *a, const char *prior, const char *factor)
{
    scope_list_t l = {0}, add = {0}, mfa = {.items = {AMR_MFA}, .count = 1};
    if (prior && scope_parse(a, prior, &l) != GH_OK)
        l.count = 0;
    if (scope_parse(a, factor, &add) != GH_OK)
        return NULL;
    scope_union(&l, &add);
    scope_union(&l, &mfa);
    return scope_join(a, &l);
}

gh_status_t mfa_signin_complete(const http_request_t *req, http_response_t *res,
                                const mfa_signin_t *signin, const char *factor_amr,
                                store_session_t *out)
{
    app_t *app = app_of(req);
    const char *amr = combined_amr(req->arena, signin->amr, factor_amr);
    if (!amr)
        return GH_ERR_NOMEM;
    gh_status_t st = GH_OK;
    if (signin->pending_digest) {
        st = store_mfa_pending_take(app->store, signin->pending_digest);
        if (st != GH_OK)
            return st;
        http_response_own_cookie(req, res, app->mfa_cookie, "", 0, app->secure_cookies);
    } else if (signin->session_digest) {
        st = store_session_delete(app->store, signin->session_digest);
        if (st != GH_OK && st != GH_ERR_NOT_FOUND)
            return st;
    }
    store_authn_t authn = {.amr = amr, .acr = ACR_MFA};
    st = session_start(req, res, signin->sub, &authn, clock_now(), out);
    if (st == GH_OK) {
        metrics_add(METRIC_LOGINS_OK, 1);
        log_event(LOG_INFO, "mfa_ok", "amr", amr, NULL);
        audit_event(req, signin->sub, "signin.ok", signin->sub,
                    audit_details(req->arena, "amr", amr, NULL));
    }
    return st;
}

/* ---- the password form ---- */

gh_status_t signin_password(const http_request_t *req, http_response_t *res,
                            const store_client_t *client, const char *acr_values,
                            signin_next_t *next, store_session_t *session, mfa_signin_t *signin,
                            int64_t *retry_after)
{
    const char *sub = NULL;
    gh_status_t st = session_password_check(req, client ? client->id : NULL, &sub, retry_after);
    mfa_need_t need = MFA_NOT_NEEDED;
    if (st == GH_OK)
        st = mfa_policy(req, sub, client, acr_values, SESSION_AMR_PASSWORD, &need);
    if (st != GH_OK)
        return st;
    if (need == MFA_ASK) {
        *next = SIGNIN_SECOND_FACTOR;
        return mfa_signin_begin(req, res, sub, signin);
    }
    *next = need == MFA_UNMET ? SIGNIN_UNMET : SIGNIN_DONE;
    store_authn_t authn = {.amr = SESSION_AMR_PASSWORD, .acr = ACR_PASSWORD};
    st = session_start(req, res, sub, &authn, clock_now(), session);
    if (st == GH_OK) {
        metrics_add(METRIC_LOGINS_OK, 1);
        audit_event(req, sub, "signin.ok", sub,
                    audit_details(req->arena, "client_id", client ? client->id : NULL, "amr",
                                  SESSION_AMR_PASSWORD, NULL));
    }
    return st;
}

/* ---- codes ---- */

static gh_status_t check_totp(const http_request_t *req, const char *sub, const char *code)
{
    app_t *app = app_of(req);
    store_mfa_totp_t t;
    unsigned char *raw = NULL;
    size_t n = 0;
    int64_t step = 0;
    gh_status_t st = store_mfa_totp_get(app->store, req->arena, sub, &t);
    if (st == GH_OK && !t.confirmed)
        st = GH_ERR_NOT_FOUND;
    if (st == GH_OK)
        st = mfa_totp_read(app, req->arena, &t, &raw, &n);
    if (st == GH_ERR_CRYPTO || st == GH_ERR_INVALID) {
        log_event(LOG_ERROR, "mfa_secret_unreadable", "error", gh_status_str(st), NULL);
        return GH_ERR_INTERNAL; /* another mfa_secret_key: the operator's to fix */
    }
    if (st != GH_OK)
        return st;
    bool match = mfa_totp_match(raw, n, code, clock_now(), t.last_step, &step);
    secret_wipe(raw, n);
    if (!match)
        return GH_ERR_NOT_FOUND;
    st = store_mfa_totp_use(app->store, sub, step); /* the replay rule, atomically */
    return st == GH_ERR_CONFLICT ? GH_ERR_NOT_FOUND : st;
}

gh_status_t mfa_totp_read(app_t *app, arena_t *a, const store_mfa_totp_t *t, unsigned char **raw,
                          size_t *n)
{
    char *resealed = NULL;
    gh_status_t st = mfa_totp_open_any(a, &app->mfa_keys, t->sub, t->secret, raw, n, &resealed);
    if (st != GH_OK || !resealed || !app->mfa_keys.recorded) /* never under a key not in use */
        return st;
    gh_status_t put = store_mfa_totp_reseal(app->store, t->sub, t->secret, resealed);
    if (put == GH_OK)
        log_event(LOG_INFO, "mfa_secret_resealed", NULL);
    else if (put != GH_ERR_NOT_FOUND) /* NOT_FOUND: replaced meanwhile */
        log_event(LOG_WARN, "mfa_secret_resealed", "error", gh_status_str(put), NULL);
    return st;
}

void mfa_code_check(const http_request_t *req, const char *sub, mfa_check_t *out)
{
    *out = (mfa_check_t){0};
    const char *otp = http_pairs_get(&req->form, "otp");
    char digits[MFA_RECOVERY_DIGITS + 1];
    mfa_code_kind_t kind;
    if (!otp || mfa_code_parse(otp, strlen(otp), &kind, digits) != GH_OK) {
        out->status = GH_ERR_INVALID; /* not a guess: nothing counted */
        return;
    }
    int64_t now = clock_now();
    out->status = throttle_mfa_begin(req, sub, now, &out->retry_after);
    if (out->status == GH_OK && out->retry_after > 0)
        out->status = GH_ERR_THROTTLED;
    if (out->status != GH_OK)
        return;
    if (kind == MFA_CODE_TOTP) {
        out->status = check_totp(req, sub, digits);
    } else {
        char digest[SECRET_DIGEST_HEX_LEN + 1];
        mfa_recovery_digest(sub, digits, digest);
        out->recovery = true;
        out->status = store_mfa_recovery_use(app_of(req)->store, sub, digest, &out->left);
    }
    secret_wipe(digits, sizeof digits);
    out->amr = AMR_OTP;
    if (out->status == GH_OK) {
        throttle_mfa_success(req, sub, now);
        if (out->recovery)
            audit_event(req, sub, "mfa.recovery_used", sub,
                        audit_details(req->arena, "left",
                                      arena_printf(req->arena, "%lld", (long long)out->left),
                                      NULL));
    } else if (out->status == GH_ERR_NOT_FOUND)
        log_event(LOG_INFO, "mfa_failed", "kind", out->recovery ? "recovery" : "totp", NULL);
}

/* A passkey's assertion for the member of signin, as its second factor: the
 * challenge must be one the page got for this member (passkey_login_options
 * with purpose=mfa), and a sign-in that used a passkey already needs another
 * kind of factor. amr "hwk" or "swk". */
static void passkey_check(const http_request_t *req, const mfa_signin_t *signin, mfa_check_t *out)
{
    passkey_result_t r;
    const char *why = "the sign-in used a passkey already";
    out->passkey = true;
    out->status = amr_has_passkey(req->arena, signin->amr)
                      ? GH_ERR_NOT_FOUND
                      : passkey_assert_for(req, signin->sub, &r, &why);
    if (out->status == GH_OK) {
        out->amr = oauth_words_have(req->arena, r.amr, AMR_HWK) ? AMR_HWK : AMR_SWK;
        return;
    }
    if (out->status == GH_ERR_UNAVAILABLE || out->status == GH_ERR_NOMEM ||
        out->status == GH_ERR_INTERNAL || out->status == GH_ERR_IO)
        return;
    log_event(LOG_INFO, "passkey_refused", "step", "mfa", "why", why, NULL);
    out->status = GH_ERR_NOT_FOUND; /* refused, whatever the reason: the page says so */
}

void mfa_factor_check(const http_request_t *req, const mfa_signin_t *signin, mfa_check_t *out)
{
    const char *id = http_pairs_get(&req->form, "credential_id");
    if (id && *id) {
        *out = (mfa_check_t){0};
        passkey_check(req, signin, out);
    } else {
        mfa_code_check(req, signin->sub, out);
    }
}

void mfa_page_ways(const http_request_t *req, const char *sub, const char *amr, ui_mfa_t *page)
{
    mfa_factors_t f;
    if (mfa_factors(req, sub, &f) != GH_OK)
        return; /* the code form alone, as before passkeys */
    page->passkey = f.passkeys > 0 && !amr_has_passkey(req->arena, amr);
    page->no_code = page->passkey && !f.totp && f.recovery == 0;
}

/* ---- pages ---- */

void mfa_page(const http_request_t *req, http_response_t *res, int status, const ui_mfa_t *page)
{
    session_page_respond(res, status, ui_render_mfa(req->arena, page));
}

void mfa_page_failed(const http_request_t *req, http_response_t *res, ui_mfa_t *page,
                     const mfa_check_t *check)
{
    int status = 401;
    page->message = check->passkey ? UI_MSG_PASSKEY_REFUSED : UI_MSG_MFA_BAD_CODE;
    if (check->status == GH_ERR_INVALID) {
        status = 400;
        page->message = UI_MSG_MFA_MALFORMED;
    } else if (check->status == GH_ERR_THROTTLED) {
        status = 429;
        page->message = UI_MSG_TOO_MANY_CODES;
        page->retry_after = (long)check->retry_after;
        session_retry_after(req, res, check->retry_after);
    } else if (check->status != GH_ERR_NOT_FOUND) {
        session_page_respond(
            res, check->status == GH_ERR_UNAVAILABLE ? 503 : 500,
            ui_render_error(req->arena, page->lang, UI_MSG_SERVER_ERROR, UI_DETAIL_NONE));
        return;
    }
    mfa_page(req, res, status, page);
}

void mfa_page_recovery_used(const http_request_t *req, http_response_t *res, ui_lang_t lang,
                            int64_t left, const char *continue_href)
{
    session_page_respond(res, 200,
                         ui_render_recovery_used(req->arena, lang, (long)left, continue_href));
}
