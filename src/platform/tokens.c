/* A person's platform tokens at rest: sealed (AES-256-GCM, core/secret.h)
 * under a server's key and bound to the identity they belong to (the
 * additional data), so that they can later unlink the person at the
 * platform (and, with the id_token, end its session there). Only the access,
 * refresh and id tokens and the access token's expiry are kept. */
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "platform/platform.h"

gh_status_t platform_tokens_seal(arena_t *a, const unsigned char key[32], const char *aad,
                                 const platform_tokens_t *t, const char **out)
{
    json_t *j = json_pack("{ss ss? ss? sI}", "access_token", t->access_token, "refresh_token",
                          t->refresh_token, "id_token", t->id_token, "expires_at",
                          (json_int_t)t->expires_at);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    char *sealed = NULL;
    gh_status_t st = text ? secret_seal(a, key, aad, text, strlen(text), &sealed) : GH_ERR_NOMEM;
    if (text)
        secret_wipe(text, strlen(text));
    free(text);
    json_decref(j);
    if (st == GH_OK)
        *out = sealed;
    return st;
}

gh_status_t platform_tokens_open(arena_t *a, const unsigned char key[32], const char *aad,
                                 const char *sealed, platform_tokens_t *out)
{
    char *text = NULL;
    size_t len = 0;
    gh_status_t st = secret_open(a, key, aad, sealed, &text, &len);
    json_t *j = st == GH_OK ? json_loadb(text, len, 0, NULL) : NULL;
    const char *access = platform_json_path(a, j, "access_token");
    if (j && access) {
        *out =
            (platform_tokens_t){.access_token = arena_strdup(a, access),
                                .refresh_token = platform_json_path(a, j, "refresh_token"),
                                .expires_at = json_integer_value(json_object_get(j, "expires_at"))};
        out->refresh_token = arena_strdup(a, out->refresh_token);
        out->id_token = arena_strdup(a, platform_json_path(a, j, "id_token"));
    }
    json_decref(j);
    return st != GH_OK ? st : access ? GH_OK : GH_ERR_INVALID;
}
