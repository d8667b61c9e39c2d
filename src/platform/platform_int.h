/* Private to the platform library: the calls to the platforms and the
 * reading of their answers (upstream.c), OpenID Connect discovery and
 * id_token checks (oidc.c), and the loader of [platform.NAME] sections. The
 * readers of answers do no I/O and are fuzzed; the unit tests include this
 * header too. */
#ifndef GH_PLATFORM_PLATFORM_INT_H
#define GH_PLATFORM_PLATFORM_INT_H

#include "core/secret.h"
#include "jose/jose.h"
#include "platform/platform.h"

/* Reads every [platform.NAME] section into *out (malloc'd, strings borrowed
 * from cfg or allocated in a). On failure writes one line into err. */
gh_status_t platform_list_load(const config_t *cfg, arena_t *a, const platform_site_t *site,
                               platform_t **out, size_t *count, char *err, size_t err_len);
void platform_list_free(platform_t *p, size_t count);

/* The list a set publishes: [{"name","kind","label"[,"reconsent":true]}],
 * reconsent when the kind can ask for consent again. Release it with
 * json_decref; NULL when out of memory. */
json_t *platform_list_json(const platform_t *list, size_t count);

/* ---- upstream calls (upstream.c) ---- */

/* Sends call; on a 2xx answer with want_json, *out is its JSON object
 * (released with the arena), and an object holding `error` is a refusal.
 * Failures fill err: TIMEOUT, else UPSTREAM, naming the platform and `what`
 * ("token request"). */
gh_status_t platform_call(arena_t *a, const platform_t *p, httpc_request_t *call, const char *what,
                          bool want_json, json_t **out, platform_error_t *err);

/* A form body from NULL-ended name/value pairs (NULL values skipped). */
const char *platform_form(arena_t *a, const char *const *pairs);

/* The Authorization: Bearer header of an access token. */
httpc_header_t platform_bearer(arena_t *a, const char *access_token);

/* POSTs a form to url (the token endpoint, or the RFC 7009 revocation
 * endpoint) with the client's credentials the way ep says. */
gh_status_t platform_token_request(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                   const char *url, const char *what, const char *const *fields,
                                   bool want_json, json_t **out, platform_error_t *err);

/* Exchanges an authorization code (RFC 6749 §4.1.3); verifier for PKCE or NULL. */
gh_status_t platform_exchange_code(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                   const char *code, const char *state, const char *verifier,
                                   platform_tokens_t *out, platform_error_t *err);

/* Renews the access token with the refresh token (RFC 6749 §6); keeps the old
 * refresh token when the platform sends none. */
gh_status_t platform_refresh_tokens(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                    platform_tokens_t *t, platform_error_t *err);

/* The user's profile from the userinfo endpoint, normalised. */
gh_status_t platform_fetch_profile(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                   const platform_tokens_t *t, platform_profile_t *out,
                                   platform_error_t *err);

/* ---- the platforms' answers, read without any I/O (also fuzzed) ---- */

/* An answer body as JSON: an object or an array, duplicate names refused,
 * released with the arena. GH_ERR_INVALID when it is neither, GH_ERR_NOMEM. */
gh_status_t platform_answer_parse(arena_t *a, const char *body, size_t len, json_t **out);

/* True when the answer is a refusal (an object holding `error`); then *code
 * is the platform's error code when it is a short plain token (it is shown
 * to people), else NULL. */
bool platform_answer_refused(const json_t *v, const char **code);

/* A token answer (RFC 6749 §5.1) as tokens borrowed from v; keep_refresh when
 * it has no refresh_token; expires_at from expires_in (a number, or naver's
 * string of digits; at most a year) after now, 0 when unknown.
 * GH_ERR_INVALID when there is no access token. */
gh_status_t platform_tokens_from_answer(const json_t *v, const char *keep_refresh, int64_t now,
                                        platform_tokens_t *out);

/* A userinfo answer mapped to the profile's fields by the paths of kind k.
 * GH_ERR_INVALID when it has no user id. */
gh_status_t platform_profile_from_answer(arena_t *a, const platform_kind_t *k, const json_t *v,
                                         platform_profile_t *out);

/* The primary verified address of github's /user/emails answer, or NULL. */
const char *platform_primary_email(arena_t *a, const json_t *list);

/* ---- OpenID Connect platforms (oidc.c) ---- */

platform_oidc_t *platform_oidc_new(void);
void platform_oidc_free(platform_oidc_t *o);

/* The discovered endpoints (fetched once, then cached). Each must share the
 * issuer's origin, unless the configuration names that endpoint itself. */
gh_status_t platform_oidc_endpoints(arena_t *a, platform_t *p, platform_endpoints_t *out,
                                    platform_error_t *err);

/* Checks an id_token (OpenID Connect Core §3.1.3.7): signature against the
 * provider's JWKS, iss, aud = client_id, azp (when present) = client_id,
 * exp, iat and nbf (with a clock skew), nonce. *sub gets its subject. */
gh_status_t platform_oidc_check_id_token(arena_t *a, platform_t *p, const char *id_token,
                                         const char *nonce, const char **sub,
                                         platform_error_t *err);

#endif
