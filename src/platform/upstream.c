/* Calls to the platforms through httpc: the token endpoint (code exchange,
 * refresh), the userinfo endpoint, and the shared handling of their answers.
 *
 * Every answer is untrusted input: bounded by httpc, parsed as JSON with
 * duplicate names refused, and read by path with type checks. A platform's
 * refusal (an `error` member, with any HTTP status: naver and github answer
 * errors with 200) and every transport failure become one typed error (502,
 * or 504 on a timeout) that names the platform and the call but never
 * carries what the platform said beyond its error code. Tokens are never
 * logged. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "platform/platform_int.h"

#define MAX_ERROR_CODE 40
/* Longest token lifetime believed: a longer expires_in (up to 2^63 - 1 from a
 * platform) counts as this, so that now + expires_in cannot overflow. */
#define MAX_TOKEN_TTL (366 * 24 * 3600)

gh_status_t platform_fail(platform_error_t *err, gh_status_t st, platform_error_kind_t kind,
                          const char *message)
{
    *err = (platform_error_t){kind, message};
    return st;
}

static void decref(void *p)
{
    json_decref(p);
}

/* The platform's error code if it is a short plain token, else NULL (it is
 * shown to people: nothing else of the answer is). */
static const char *error_code(const json_t *v)
{
    const json_t *e = json_object_get(v, "error");
    if (!e)
        e = json_object_get(v, "code"); /* kakao: {"msg","code"} */
    if (json_is_integer(e))
        return "a numeric error";
    const char *s = json_string_value(e);
    if (!s || !*s || strlen(s) > MAX_ERROR_CODE)
        return NULL;
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.')
            return NULL;
    return s;
}

/* The error for a call that did not end in a usable answer. */
static gh_status_t call_failed(arena_t *a, const platform_t *p, const char *what,
                               const httpc_response_t *res, platform_error_t *err)
{
    if (res->outcome == HTTPC_FAIL_TIMEOUT)
        return platform_fail(err, GH_ERR_UNAVAILABLE, PLATFORM_ERR_TIMEOUT,
                             arena_printf(a, "%s did not answer the %s in time", p->name, what));
    if (res->outcome != HTTPC_FAIL_STATUS)
        return platform_fail(err, GH_ERR_UNAVAILABLE, PLATFORM_ERR_UPSTREAM,
                             arena_printf(a, "the %s to %s failed: %s", what, p->name,
                                          httpc_outcome_str(res->outcome)));
    json_t *v = json_loadb(res->body, res->body_len, JSON_REJECT_DUPLICATES, NULL);
    const char *code = v ? error_code(v) : NULL;
    const char *msg = arena_printf(a, "%s refused the %s (HTTP %ld%s%s)", p->name, what,
                                   res->status, code ? ": " : "", code ? code : "");
    json_decref(v);
    return platform_fail(err, GH_ERR_UNAVAILABLE, PLATFORM_ERR_UPSTREAM, msg);
}

gh_status_t platform_answer_parse(arena_t *a, const char *body, size_t len, json_t **out)
{
    json_t *v = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(v) && !json_is_array(v)) {
        json_decref(v);
        return GH_ERR_INVALID;
    }
    if (arena_defer(a, decref, v) != 0)
        return GH_ERR_NOMEM;
    *out = v;
    return GH_OK;
}

bool platform_answer_refused(const json_t *v, const char **code)
{
    if (!json_is_object(v) || !json_object_get(v, "error"))
        return false;
    *code = error_code(v);
    return true;
}

gh_status_t platform_call(arena_t *a, const platform_t *p, httpc_request_t *call, const char *what,
                          bool want_json, json_t **out, platform_error_t *err)
{
    httpc_response_t res;
    call->timeout_ms = p->timeout_ms;
    if (httpc_send(a, call, &res) != GH_OK)
        return call_failed(a, p, what, &res, err);
    if (!want_json)
        return GH_OK;
    json_t *v = NULL;
    const char *code = NULL;
    gh_status_t st = platform_answer_parse(a, res.body, res.body_len, &v);
    if (st == GH_ERR_INVALID)
        return platform_fail(
            err, st, PLATFORM_ERR_UPSTREAM,
            arena_printf(a, "%s sent a malformed answer to the %s", p->name, what));
    if (st != GH_OK)
        return platform_fail(err, st, PLATFORM_ERR_INTERNAL, "out of memory");
    if (platform_answer_refused(v, &code)) {
        return platform_fail(err, GH_ERR_UNAVAILABLE, PLATFORM_ERR_UPSTREAM,
                             arena_printf(a, "%s refused the %s%s%s", p->name, what,
                                          code ? ": " : "", code ? code : ""));
    }
    *out = v;
    return GH_OK;
}

const char *platform_form(arena_t *a, const char *const *pairs)
{
    buf_t b;
    buf_init(&b, a);
    for (const char *const *kv = pairs; kv[0]; kv += 2) {
        if (!kv[1])
            continue;
        if (b.len)
            buf_putc(&b, '&');
        pct_encode(&b, kv[0]);
        buf_putc(&b, '=');
        pct_encode(&b, kv[1]);
    }
    return buf_cstr(&b);
}

httpc_header_t platform_bearer(arena_t *a, const char *access_token)
{
    return (httpc_header_t){"Authorization", arena_printf(a, "Bearer %s", access_token)};
}

/* RFC 6749 §2.3.1: the client id and secret form-encoded before Basic. */
static const char *form_encoded(arena_t *a, const char *s)
{
    buf_t b;
    buf_init(&b, a);
    pct_encode(&b, s ? s : "");
    return buf_cstr(&b);
}

gh_status_t platform_token_request(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                   const char *url, const char *what, const char *const *fields,
                                   bool want_json, json_t **out, platform_error_t *err)
{
    const char *creds[] = {"client_id", p->client_id, "client_secret", p->client_secret, NULL};
    const char *form = platform_form(a, fields);
    const char *auth = ep->basic_auth ? "" : platform_form(a, creds);
    const char *body =
        form && auth ? arena_printf(a, "%s%s%s", form, *auth ? "&" : "", auth) : NULL;
    if (!body)
        return platform_fail(err, GH_ERR_NOMEM, PLATFORM_ERR_INTERNAL, "out of memory");
    httpc_header_t accept = {"Accept", "application/json"};
    httpc_request_t call = {.method = HTTPC_POST,
                            .url = url,
                            .headers = &accept,
                            .header_count = 1,
                            .body = body,
                            .body_len = strlen(body),
                            .content_type = "application/x-www-form-urlencoded"};
    if (ep->basic_auth) {
        call.basic_user = form_encoded(a, p->client_id);
        call.basic_password = form_encoded(a, p->client_secret);
    }
    return platform_call(a, p, &call, what, want_json, out, err);
}

/* expires_in as a number, or as a string of digits (naver sends "3600"). */
static int64_t expires_in(const json_t *v)
{
    if (json_is_integer(v))
        return json_integer_value(v);
    const char *s = json_string_value(v);
    char *end = NULL;
    long long n = s ? strtoll(s, &end, 10) : 0;
    return s && *s && end && !*end ? n : 0;
}

gh_status_t platform_tokens_from_answer(const json_t *v, const char *keep_refresh, int64_t now,
                                        platform_tokens_t *out)
{
    const char *access = json_string_value(json_object_get(v, "access_token"));
    if (!access || !*access)
        return GH_ERR_INVALID;
    int64_t ttl = expires_in(json_object_get(v, "expires_in"));
    const char *refresh = json_string_value(json_object_get(v, "refresh_token"));
    *out = (platform_tokens_t){.access_token = access,
                               .refresh_token = refresh ? refresh : keep_refresh,
                               .id_token = json_string_value(json_object_get(v, "id_token")),
                               .expires_at =
                                   ttl > 0 ? now + (ttl < MAX_TOKEN_TTL ? ttl : MAX_TOKEN_TTL) : 0};
    return GH_OK;
}

/* Reads a token answer into out, or names what the platform left out. */
static gh_status_t read_tokens(arena_t *a, const platform_t *p, json_t *v, const char *keep_refresh,
                               platform_tokens_t *out, platform_error_t *err)
{
    if (platform_tokens_from_answer(v, keep_refresh, clock_now(), out) != GH_OK)
        return platform_fail(err, GH_ERR_INVALID, PLATFORM_ERR_UPSTREAM,
                             arena_printf(a, "%s sent no access token", p->name));
    return GH_OK;
}

gh_status_t platform_exchange_code(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                   const char *code, const char *state, const char *verifier,
                                   platform_tokens_t *out, platform_error_t *err)
{
    const char *fields[] = {"grant_type",
                            "authorization_code",
                            "code",
                            code,
                            "redirect_uri",
                            p->redirect_uri,
                            "state",
                            state,
                            "code_verifier",
                            verifier,
                            NULL};
    json_t *v = NULL;
    gh_status_t st =
        platform_token_request(a, p, ep, ep->token, "token request", fields, true, &v, err);
    return st == GH_OK ? read_tokens(a, p, v, NULL, out, err) : st;
}

gh_status_t platform_refresh_tokens(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                    platform_tokens_t *t, platform_error_t *err)
{
    if (!t->refresh_token)
        return platform_fail(err, GH_ERR_NOT_FOUND, PLATFORM_ERR_UPSTREAM,
                             arena_printf(a, "the %s session has expired; sign in again", p->name));
    const char *fields[] = {"grant_type", "refresh_token", "refresh_token", t->refresh_token, NULL};
    json_t *v = NULL;
    gh_status_t st =
        platform_token_request(a, p, ep, ep->token, "token request", fields, true, &v, err);
    return st == GH_OK ? read_tokens(a, p, v, t->refresh_token, t, err) : st;
}

const char *platform_json_path(arena_t *a, const json_t *v, const char *path)
{
    char name[64];
    while (path && v) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof name)
            return NULL;
        memcpy(name, path, n);
        name[n] = '\0';
        v = json_object_get(v, name);
        path = dot ? dot + 1 : NULL;
    }
    if (json_is_integer(v))
        return arena_printf(a, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    const char *s = json_string_value(v);
    return s && *s ? s : NULL;
}

gh_status_t platform_profile_from_answer(arena_t *a, const platform_kind_t *k, const json_t *v,
                                         platform_profile_t *out)
{
    platform_profile_t prof = {.id = platform_json_path(a, v, k->id_path),
                               .email = platform_json_path(a, v, k->email_path),
                               .name = platform_json_path(a, v, k->name_path),
                               .profile = platform_json_path(a, v, k->profile_path)};
    const json_t *verified = NULL;
    for (const char *path = k->verified_path; path && v;) { /* a boolean, not a string */
        char name[64];
        size_t n = strcspn(path, ".");
        if (n >= sizeof name)
            break;
        memcpy(name, path, n);
        name[n] = '\0';
        verified = json_object_get(verified ? verified : v, name);
        path = path[n] ? path + n + 1 : NULL;
        if (!verified)
            break;
    }
    prof.email_verified = prof.email && json_is_true(verified);
    if (!prof.name && k->name_fallback)
        prof.name = platform_json_path(a, v, k->name_fallback);
    if (!prof.id)
        return GH_ERR_INVALID;
    *out = prof;
    return GH_OK;
}

gh_status_t platform_fetch_profile(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                   const platform_tokens_t *t, platform_profile_t *out,
                                   platform_error_t *err)
{
    const platform_kind_t *k = p->kind;
    httpc_header_t h[2] = {platform_bearer(a, t->access_token), {"Accept", "application/json"}};
    httpc_request_t call = {
        .method = HTTPC_GET, .url = ep->userinfo, .headers = h, .header_count = 2};
    json_t *v = NULL;
    gh_status_t st = platform_call(a, p, &call, "user info request", true, &v, err);
    if (st != GH_OK)
        return st;
    platform_profile_t prof;
    if (platform_profile_from_answer(a, k, v, &prof) != GH_OK)
        return platform_fail(err, GH_ERR_INVALID, PLATFORM_ERR_UPSTREAM,
                             arena_printf(a, "%s sent user info without a user id", p->name));
    if (k->complete && (st = k->complete(a, p, ep, t, &prof, err)) != GH_OK)
        return st;
    *out = prof;
    return GH_OK;
}
