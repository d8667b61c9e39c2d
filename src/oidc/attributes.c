/* Names and values a member's custom attributes and the custom scopes may
 * use (oidc.h): claim and group names, the attribute object's limits, and
 * its parser for untrusted text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oidc/oidc.h"

/* Claims of the protocol no attribute or custom scope may give. */
static const char *const PROTOCOL_CLAIMS[] = {
    "iss",   "sub",     "aud",       "exp",    "iat",        "nbf",    "jti",      "auth_time",
    "nonce", "at_hash", "c_hash",    "amr",    "acr",        "azp",    "sid",      "idp",
    "cnf",   "scope",   "client_id", "events", "token_type", "active", "username", NULL};

static bool name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '-';
}

bool oidc_claim_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > OIDC_CLAIM_NAME_MAX)
        return false;
    if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!name_char((unsigned char)name[i]))
            return false;
    return true;
}

bool oidc_claim_protocol(const char *name)
{
    for (const char *const *p = PROTOCOL_CLAIMS; *p; p++)
        if (!strcmp(*p, name))
            return true;
    return false;
}

bool oidc_claim_reserved(const char *name)
{
    return oidc_claim_protocol(name) || oidc_claim_standard(name);
}

bool oidc_group_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > OIDC_GROUP_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!name_char((unsigned char)name[i]) && name[i] != '@' && name[i] != '/')
            return false;
    return true;
}

/* A scalar attribute value: a string within limits, a number or a boolean. */
static bool scalar_ok(const json_t *v, const char **why)
{
    if (json_is_string(v)) {
        if (strlen(json_string_value(v)) != json_string_length(v))
            return (*why = "must not hold a NUL character", false);
        if (json_string_length(v) > OIDC_ATTR_TEXT_MAX)
            return (*why = "a string is over 1024 bytes", false);
        return true;
    }
    if (json_is_number(v) || json_is_boolean(v))
        return true;
    *why = "must be a string, a number, a boolean or an array of them";
    return false;
}

static bool value_ok(const json_t *v, const char **why)
{
    if (!json_is_array(v))
        return scalar_ok(v, why);
    if (json_array_size(v) > OIDC_ATTR_ARRAY_MAX)
        return (*why = "an array holds at most 32 items", false);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        if (!scalar_ok(item, why))
            return false;
    }
    return true;
}

bool oidc_attributes_check(const json_t *obj, const char **key, const char **why)
{
    *key = NULL;
    if (!json_is_object(obj))
        return (*why = "must be a JSON object", false);
    if (json_object_size(obj) > OIDC_ATTR_MAX)
        return (*why = "at most 32 attributes", false);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
    {
        *key = k;
        if (!oidc_claim_name_valid(k))
            return (*why = "a name is 1-64 of A-Z a-z 0-9 _ . : - starting with a letter", false);
        if (oidc_claim_reserved(k))
            return (*why = "is a claim of its own and cannot be an attribute", false);
        if (!value_ok(v, why))
            return false;
    }
    *key = NULL;
    char *text = json_dumps(obj, JSON_COMPACT);
    size_t n = text ? strlen(text) : OIDC_ATTR_JSON_MAX + 1;
    free(text);
    if (n > OIDC_ATTR_JSON_MAX)
        return (*why = "at most 8192 bytes as JSON", false);
    return true;
}

gh_status_t oidc_attributes_parse(const char *text, size_t len, json_t **out, char *err,
                                  size_t err_len)
{
    *out = NULL;
    if (len > OIDC_ATTR_JSON_MAX) {
        snprintf(err, err_len, "attributes: at most %d bytes as JSON", OIDC_ATTR_JSON_MAX);
        return GH_ERR_TOO_LARGE;
    }
    json_error_t jerr;
    json_t *obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *key = NULL, *why = "not JSON";
    if (!obj || !oidc_attributes_check(obj, &key, &why)) {
        snprintf(err, err_len, "attributes%s%s: %s", key ? "." : "", key ? key : "", why);
        json_decref(obj);
        return GH_ERR_INVALID;
    }
    *out = obj;
    return GH_OK;
}
