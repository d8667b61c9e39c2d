/* The platform kinds, one row of data each: documented endpoints, scope
 * conventions, where the userinfo answer keeps email/name/profile (and
 * whether the e-mail is verified), which OpenID Connect request parameters
 * it understands, how to ask for consent again, and how to unlink a user. Only unlinking (four
 * different request shapes) and github's e-mail lookup are code.
 *
 * References: Naver Login API (nid.naver.com/oauth2.0, openapi.naver.com
 * /v1/nid/me), Kakao Login REST API (kauth.kakao.com, kapi.kakao.com /v2/user/me,
 * /v1/user/unlink), Google OAuth 2.0 for web server apps and its revoke
 * endpoint, GitHub OAuth apps (login/oauth, api.github.com /user,
 * /user/emails, DELETE /applications/{client_id}/grant; `login` as the
 * login hint), Kakao's `prompt` and `login_hint`, Google's `prompt` and
 * `login_hint`, RFC 7009. */
#include <string.h>

#include "platform/platform_int.h"

/* POSTs a form to url; want_json when the platform answers with JSON. */
static gh_status_t post_form(arena_t *a, const platform_t *p, const char *url,
                             const httpc_header_t *h, const char *const *fields, bool want_json,
                             platform_error_t *err)
{
    const char *body = platform_form(a, fields);
    if (!body)
        return platform_fail(err, GH_ERR_NOMEM, PLATFORM_ERR_INTERNAL, "out of memory");
    httpc_request_t call = {.method = HTTPC_POST,
                            .url = url,
                            .headers = h,
                            .header_count = h ? 1 : 0,
                            .body = body,
                            .body_len = strlen(body),
                            .content_type = "application/x-www-form-urlencoded"};
    json_t *v = NULL;
    return platform_call(a, p, &call, "unlink request", want_json, &v, err);
}

/* Naver: the token endpoint with grant_type=delete. */
static gh_status_t revoke_naver(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                const platform_tokens_t *t, platform_error_t *err)
{
    const char *fields[] = {"grant_type",
                            "delete",
                            "client_id",
                            p->client_id,
                            "client_secret",
                            p->client_secret,
                            "access_token",
                            t->access_token,
                            "service_provider",
                            "NAVER",
                            NULL};
    return post_form(a, p, ep->revoke, NULL, fields, true, err);
}

/* Kakao: POST /v1/user/unlink with the user's access token. */
static gh_status_t revoke_kakao(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                const platform_tokens_t *t, platform_error_t *err)
{
    httpc_header_t h = platform_bearer(a, t->access_token);
    const char *none[] = {NULL};
    return post_form(a, p, ep->revoke, &h, none, true, err);
}

/* Google and RFC 7009: the refresh token when there is one (revoking it ends
 * the whole grant), else the access token, with the client's credentials.
 * No endpoint (an OpenID provider without revocation_endpoint): nothing to
 * call. */
static gh_status_t revoke_rfc7009(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                  const platform_tokens_t *t, platform_error_t *err)
{
    if (!ep->revoke)
        return GH_OK;
    bool refresh = t->refresh_token != NULL;
    const char *fields[] = {"token", refresh ? t->refresh_token : t->access_token,
                            "token_type_hint", refresh ? "refresh_token" : "access_token", NULL};
    json_t *v = NULL;
    return platform_token_request(a, p, ep, ep->revoke, "unlink request", fields, false, &v, err);
}

/* The URL with every "{client_id}" replaced. */
static const char *with_client_id(arena_t *a, const char *url, const char *client_id)
{
    const char *mark = strstr(url, "{client_id}");
    if (!mark)
        return url;
    const char *rest = with_client_id(a, mark + strlen("{client_id}"), client_id);
    return rest ? arena_printf(a, "%.*s%s%s", (int)(mark - url), url, client_id, rest) : NULL;
}

/* GitHub: DELETE /applications/{client_id}/grant, Basic client_id:secret,
 * body {"access_token": …}; answers 204. */
static gh_status_t revoke_github(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                 const platform_tokens_t *t, platform_error_t *err)
{
    json_t *j = json_pack("{ss}", "access_token", t->access_token);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    const char *body = arena_strdup(a, text);
    const char *url = with_client_id(a, ep->revoke, p->client_id);
    free(text);
    json_decref(j);
    if (!body || !url)
        return platform_fail(err, GH_ERR_NOMEM, PLATFORM_ERR_INTERNAL, "out of memory");
    httpc_header_t h = {"Accept", "application/vnd.github+json"};
    httpc_request_t call = {.method = HTTPC_DELETE,
                            .url = url,
                            .headers = &h,
                            .header_count = 1,
                            .body = body,
                            .body_len = strlen(body),
                            .content_type = "application/json",
                            .basic_user = p->client_id,
                            .basic_password = p->client_secret};
    json_t *v = NULL;
    return platform_call(a, p, &call, "unlink request", false, &v, err);
}

const char *platform_primary_email(arena_t *a, const json_t *list)
{
    const char *email = NULL;
    const json_t *item;
    size_t i;
    json_array_foreach(list, i, item)
    {
        if (json_is_true(json_object_get(item, "primary")) &&
            json_is_true(json_object_get(item, "verified")))
            email = platform_json_path(a, item, "email");
    }
    return email;
}

/* GitHub keeps a private e-mail address out of /user: the primary verified
 * one of /user/emails (needs the user:email scope; without it, none). */
static gh_status_t github_emails(arena_t *a, const platform_t *p, const platform_endpoints_t *ep,
                                 const platform_tokens_t *t, platform_profile_t *prof,
                                 platform_error_t *err)
{
    if (prof->email)
        return GH_OK;
    httpc_header_t h[2] = {platform_bearer(a, t->access_token), {"Accept", "application/json"}};
    httpc_request_t call = {.method = HTTPC_GET,
                            .url = arena_printf(a, "%s/emails", ep->userinfo),
                            .headers = h,
                            .header_count = 2};
    json_t *list = NULL;
    gh_status_t st = platform_call(a, p, &call, "e-mail request", true, &list, err);
    if (st != GH_OK)
        return st;
    prof->email = platform_primary_email(a, list);
    prof->email_verified = prof->email != NULL; /* only a verified address is taken */
    return GH_OK;
}

static const platform_kind_t KINDS[] = {
    {
        .name = "naver",
        .label = "NAVER",
        .defaults = {"https://nid.naver.com/oauth2.0/authorize",
                     "https://nid.naver.com/oauth2.0/token", "https://openapi.naver.com/v1/nid/me",
                     "https://nid.naver.com/oauth2.0/token", false},
        .scope_sep = ' ',
        .id_path = "response.id",
        .email_path = "response.email",
        .name_path = "response.name",
        .name_fallback = "response.nickname",
        .profile_path = "response.profile_image",
        .reconsent_param = "auth_type",
        .reconsent_value = "reprompt",
        .revoke = revoke_naver,
    },
    {
        .name = "kakao",
        .label = "Kakao",
        .defaults = {"https://kauth.kakao.com/oauth/authorize",
                     "https://kauth.kakao.com/oauth/token", "https://kapi.kakao.com/v2/user/me",
                     "https://kapi.kakao.com/v1/user/unlink", false},
        .scope = "profile_nickname profile_image account_email",
        .scope_sep = ',',
        .id_path = "id",
        .email_path = "kakao_account.email",
        .name_path = "kakao_account.profile.nickname",
        .profile_path = "kakao_account.profile.profile_image_url",
        .verified_path = "kakao_account.is_email_verified",
        .forwards = PLATFORM_FWD_PROMPT | PLATFORM_FWD_LOGIN_HINT,
        .reconsent_param = "scope",
        .revoke = revoke_kakao,
    },
    {
        .name = "google",
        .label = "Google",
        .defaults = {"https://accounts.google.com/o/oauth2/v2/auth",
                     "https://oauth2.googleapis.com/token",
                     "https://openidconnect.googleapis.com/v1/userinfo",
                     "https://oauth2.googleapis.com/revoke", false},
        .scope = "openid email profile",
        .scope_sep = ' ',
        .scope_on_login = true,
        .id_path = "sub",
        .email_path = "email",
        .name_path = "name",
        .profile_path = "picture",
        .verified_path = "email_verified",
        .forwards = PLATFORM_FWD_PROMPT | PLATFORM_FWD_LOGIN_HINT,
        .revoke = revoke_rfc7009,
    },
    {
        .name = "github",
        .label = "GitHub",
        .defaults = {"https://github.com/login/oauth/authorize",
                     "https://github.com/login/oauth/access_token", "https://api.github.com/user",
                     "https://api.github.com/applications/{client_id}/grant", false},
        .scope = "read:user user:email",
        .scope_sep = ' ',
        .scope_on_login = true,
        .id_path = "id",
        .email_path = "email",
        .name_path = "name",
        .name_fallback = "login",
        .profile_path = "avatar_url",
        .forwards = PLATFORM_FWD_LOGIN_HINT,
        .login_hint_param = "login",
        .complete = github_emails,
        .revoke = revoke_github,
    },
    {
        .name = "oidc",
        .scope = "openid profile email",
        .scope_sep = ' ',
        .scope_on_login = true,
        .oidc = true,
        .id_path = "sub",
        .email_path = "email",
        .name_path = "name",
        .name_fallback = "nickname",
        .profile_path = "picture",
        .verified_path = "email_verified",
        .forwards = PLATFORM_FWD_PROMPT | PLATFORM_FWD_MAX_AGE | PLATFORM_FWD_LOGIN_HINT |
                    PLATFORM_FWD_UI_LOCALES,
        .revoke = revoke_rfc7009,
    },
};

const platform_kind_t *platform_kind_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (strcmp(KINDS[i].name, name) == 0)
            return &KINDS[i];
    return NULL;
}
