/* clientDataJSON (WebAuthn §5.8.1): the JSON the browser signs over, read
 * with jansson. Its challenge is found first (the caller looks the challenge
 * up by it), then every member the ceremony depends on is checked: type,
 * challenge, origin, crossOrigin and topOrigin (§7.1 steps 7-12, §7.2 steps
 * 11-14). Members we do not know (tokenBinding, other keys) are ignored as
 * §5.8.1 asks. */
#include <jansson.h>
#include <string.h>

#include "core/encoding.h"
#include "core/secret.h"
#include "webauthn/webauthn_int.h"

static json_t *load(const uint8_t *data, size_t len, const char **why)
{
    if (len > WEBAUTHN_CLIENT_DATA_MAX) {
        *why = "clientDataJSON too large";
        return NULL;
    }
    json_t *j =
        data && len ? json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (!json_is_object(j)) {
        json_decref(j);
        *why = "clientDataJSON is not a JSON object";
        return NULL;
    }
    return j;
}

/* The decoded challenge member of j. */
static bool challenge_of(const json_t *j, uint8_t out[WEBAUTHN_CHALLENGE_LEN])
{
    const char *c = json_string_value(json_object_get(j, "challenge"));
    size_t n = 0;
    uint8_t raw[WEBAUTHN_CHALLENGE_LEN + 3];
    if (!c || b64url_decode(c, strlen(c), raw, sizeof raw, &n) != GH_OK ||
        n != WEBAUTHN_CHALLENGE_LEN)
        return false;
    memcpy(out, raw, n);
    return true;
}

gh_status_t webauthn_client_data_challenge(const uint8_t *data, size_t len,
                                           uint8_t out[WEBAUTHN_CHALLENGE_LEN], const char **why)
{
    json_t *j = load(data, len, why);
    if (!j)
        return len > WEBAUTHN_CLIENT_DATA_MAX ? GH_ERR_TOO_LARGE : GH_ERR_INVALID;
    bool ok = challenge_of(j, out);
    json_decref(j);
    if (!ok)
        *why = "clientDataJSON: malformed challenge";
    return ok ? GH_OK : GH_ERR_INVALID;
}

/* The members other than the challenge; NULL when they are right, else why not. */
static const char *members_wrong(const json_t *j, const char *type, const webauthn_rp_t *rp)
{
    const char *t = json_string_value(json_object_get(j, "type"));
    const char *origin = json_string_value(json_object_get(j, "origin"));
    const json_t *cross = json_object_get(j, "crossOrigin");
    if (!t || strcmp(t, type) != 0)
        return "clientDataJSON: wrong type";
    if (!origin || strcmp(origin, rp->origin) != 0)
        return "clientDataJSON: the origin is not this server's";
    if (cross && !json_is_false(cross))
        return "clientDataJSON: a cross-origin ceremony";
    if (json_object_get(j, "topOrigin"))
        return "clientDataJSON: a ceremony inside another site's frame";
    return NULL;
}

gh_status_t webauthn_client_data_check(const uint8_t *data, size_t len, const char *type,
                                       const uint8_t challenge[WEBAUTHN_CHALLENGE_LEN],
                                       const webauthn_rp_t *rp, const char **why)
{
    uint8_t got[WEBAUTHN_CHALLENGE_LEN];
    json_t *j = load(data, len, why);
    if (!j)
        return len > WEBAUTHN_CLIENT_DATA_MAX ? GH_ERR_TOO_LARGE : GH_ERR_INVALID;
    const char *wrong = members_wrong(j, type, rp);
    if (!wrong && (!challenge_of(j, got) ||
                   !secret_equal(got, sizeof got, challenge, WEBAUTHN_CHALLENGE_LEN)))
        wrong = "clientDataJSON: not the challenge this server issued";
    json_decref(j);
    if (wrong)
        *why = wrong;
    return wrong ? GH_ERR_INVALID : GH_OK;
}
