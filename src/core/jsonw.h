/* Writing one flat JSON object straight into a buf_t: the token answer, an
 * access token's claims and the introspection answer, the hot paths where
 * building a jansson tree and dumping it cost more than an ES256 signature.
 *
 * The text is byte for byte what jansson's JSON_COMPACT dump of the same
 * members, added in the same order, gives (tests/unit/core/test_jsonw.c
 * compares the two). Only strings of printable ASCII are escaped here; any
 * other string goes through jansson itself, so its escaping and UTF-8 checks
 * stay the only ones. A string jansson refuses (invalid UTF-8) fails the
 * buffer like any failed append: the caller checks buf_cstr() once, at the
 * end. Keys are the caller's constants.
 *
 * jsonw_read reads that canonical form back, and nothing else: a fast path
 * that tests/fuzz/fuzz_jsonw.c checks against jansson's reading of the same
 * bytes. */
#ifndef GH_CORE_JSONW_H
#define GH_CORE_JSONW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct {
    buf_t *b;
    bool more; /* a member was written: the next one needs a comma */
} jsonw_t;

/* Starts the object ('{') at the end of b. */
void jsonw_begin(jsonw_t *w, buf_t *b);

/* Ends the object ('}'). */
void jsonw_end(jsonw_t *w);

void jsonw_string(jsonw_t *w, const char *key, const char *value);
void jsonw_int(jsonw_t *w, const char *key, int64_t value);
void jsonw_bool(jsonw_t *w, const char *key, bool value);

/* Any jansson value, as jansson dumps it. */
void jsonw_value(jsonw_t *w, const char *key, const json_t *value);

/* Appends v as jansson's compact dump (any value, not only objects). */
void jsonw_dump(buf_t *b, const json_t *v);

/* Reads text[0..n) back when it is a flat object exactly as jsonw writes
 * one — no whitespace, keys and string values of printable ASCII without
 * escapes, integers of at most 18 digits without a leading zero or "-0",
 * each key once — into a new object (*out): the fast way back for the claims
 * of our own tokens. False, with nothing allocated, for any other text, which
 * the caller then gives to jansson, whose reading stands. */
bool jsonw_read(const char *text, size_t n, json_t **out);

#endif
