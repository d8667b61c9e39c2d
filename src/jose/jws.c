/* The compact JWS serialisation (RFC 7515 §7.1) shared by the RS256/ES256
 * tokens of jwt.c and the HS256 tokens of hs256.c: splitting a token into its
 * three bounded parts, decoding a part that holds a JSON object, encoding one,
 * and handing decoded objects over to an arena. */
#include <stdlib.h>
#include <string.h>

#include "core/encoding.h"
#include "core/jsonw.h"
#include "jose/jose_int.h"

static void decref(void *p)
{
    json_decref(p);
}

gh_status_t jose_adopt(arena_t *a, json_t *v)
{
    return arena_defer(a, decref, v) == 0 ? GH_OK : GH_ERR_NOMEM;
}

char *jose_encode_json(arena_t *a, const json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT);
    char *enc = text ? b64url_encode(a, text, strlen(text)) : NULL;
    free(text);
    return enc;
}

gh_status_t jose_split(const char *token, jose_part_t parts[3])
{
    size_t len = token ? strnlen(token, JOSE_MAX_TOKEN + 1) : 0;
    if (!token || len > JOSE_MAX_TOKEN)
        return GH_ERR_INVALID;
    const char *p = token, *end = token + len;
    for (int i = 0; i < 3; i++) {
        const char *dot = i < 2 ? memchr(p, '.', (size_t)(end - p)) : end;
        if (!dot || dot == p)
            return GH_ERR_INVALID;
        parts[i] = (jose_part_t){p, (size_t)(dot - p)};
        p = dot + 1;
    }
    return memchr(parts[2].p, '.', parts[2].n) ? GH_ERR_INVALID : GH_OK;
}

gh_status_t jose_decode_object(arena_t *a, jose_part_t part, json_t **out)
{
    size_t cap = part.n / 4 * 3 + 2, len = 0;
    unsigned char *raw = arena_alloc(a, cap);
    if (!raw)
        return GH_ERR_NOMEM;
    if (b64url_decode(part.p, part.n, raw, cap, &len) != GH_OK)
        return GH_ERR_INVALID;
    json_t *v = NULL;
    if (!jsonw_read((const char *)raw, len, &v)) /* our own compact claims, or jansson */
        v = json_loadb((const char *)raw, len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(v)) {
        json_decref(v);
        return GH_ERR_INVALID;
    }
    *out = v;
    return GH_OK;
}
