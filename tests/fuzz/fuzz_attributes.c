/* Fuzzes oidc_attributes_parse (a member's custom attributes, from the admin
 * API's bodies and the CLI). Checks: what it accepts is an object within the
 * limits, stated here independently of attributes.c, that passes its own
 * check again after a round trip through text; what it refuses says why. */
#include "fuzz.h"
#include "oidc/oidc.h"

static void check_value(const json_t *v, bool in_array)
{
    if (json_is_array(v)) {
        FUZZ_CHECK(!in_array && json_array_size(v) <= OIDC_ATTR_ARRAY_MAX);
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) check_value(item, true);
        return;
    }
    FUZZ_CHECK(json_is_string(v) || json_is_number(v) || json_is_boolean(v));
    if (json_is_string(v))
        FUZZ_CHECK(json_string_length(v) <= OIDC_ATTR_TEXT_MAX &&
                   strlen(json_string_value(v)) == json_string_length(v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *out = NULL;
    char err[256] = "";
    gh_status_t st = oidc_attributes_parse((const char *)data, size, &out, err, sizeof err);
    if (st != GH_OK) {
        FUZZ_CHECK(out == NULL && !strncmp(err, "attributes", 10));
        return 0;
    }
    FUZZ_CHECK(json_is_object(out) && json_object_size(out) <= OIDC_ATTR_MAX);
    const char *key;
    json_t *v;
    json_object_foreach(out, key, v)
    {
        FUZZ_CHECK(oidc_claim_name_valid(key) && !oidc_claim_reserved(key));
        check_value(v, false);
    }
    char *text = json_dumps(out, JSON_COMPACT);
    json_t *again = NULL;
    if (text)
        FUZZ_CHECK(oidc_attributes_parse(text, strlen(text), &again, err, sizeof err) == GH_OK &&
                   json_equal(out, again));
    free(text);
    json_decref(again);
    json_decref(out);
    return 0;
}
