/* Fuzzes how the gateway reads a platform's answers (untrusted even over
 * TLS): platform_answer_parse and platform_answer_refused, then the same JSON as a
 * token answer (platform_tokens_from_answer), as a userinfo answer mapped to
 * email/name/profile by every platform kind (platform_profile_from_answer), and
 * as github's e-mail list (platform_primary_email).
 *
 * Checks: a refusal's code, when shown, is a short plain token; a token
 * answer has a non-empty access token and keeps the old refresh token when
 * it has none; a profile always has its user id. */
#include <ctype.h>

#include "fuzz.h"
#include "platform/platform_int.h"

static const char *const KIND_NAMES[] = {"naver", "kakao", "google", "github", "oidc"};
#define NKINDS (sizeof KIND_NAMES / sizeof KIND_NAMES[0])

static void check_refusal(const json_t *v)
{
    const char *code = NULL;
    if (!platform_answer_refused(v, &code) || !code)
        return;
    FUZZ_CHECK(*code && strlen(code) <= 40);
    if (!strcmp(code, "a numeric error"))
        return;
    for (const char *c = code; *c; c++)
        FUZZ_CHECK(isalnum((unsigned char)*c) || strchr("_-.", *c));
}

static void check_tokens(const json_t *v)
{
    platform_tokens_t t;
    if (platform_tokens_from_answer(v, "kept", 1000, &t) != GH_OK)
        return;
    FUZZ_CHECK(t.access_token && *t.access_token);
    FUZZ_CHECK(t.refresh_token &&
               (json_object_get(v, "refresh_token") || !strcmp(t.refresh_token, "kept")));
    FUZZ_CHECK(t.expires_at == 0 || (t.expires_at > 1000 && t.expires_at <= 1000 + 366 * 86400));
}

static void check_profiles(arena_t *a, const json_t *v)
{
    for (size_t i = 0; i < NKINDS; i++) {
        const platform_kind_t *k = platform_kind_find(KIND_NAMES[i]);
        platform_profile_t prof;
        FUZZ_CHECK(k != NULL);
        if (platform_profile_from_answer(a, k, v, &prof) == GH_OK)
            FUZZ_CHECK(prof.id && *prof.id);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    json_t *v = NULL;
    if (a && platform_answer_parse(a, (const char *)data, size, &v) == GH_OK) {
        FUZZ_CHECK(json_is_object(v) || json_is_array(v));
        check_refusal(v);
        check_tokens(v);
        check_profiles(a, v);
        const char *email = platform_primary_email(a, v);
        FUZZ_CHECK(!email || json_is_array(v));
    }
    arena_free(a);
    return 0;
}
