/* Private to the webauthn module: reading CBOR through libcbor (cbor.c) and
 * turning COSE keys into OpenSSL keys (cose.c). libcbor's and OpenSSL's types
 * stay inside this module. */
#ifndef GH_WEBAUTHN_INT_H
#define GH_WEBAUTHN_INT_H

#include <cbor.h>

#include "webauthn/webauthn.h"

/* Nesting deeper than this is refused before libcbor builds anything. */
#define WA_CBOR_MAX_DEPTH 8

/* Loads the first CBOR item of p (len bytes) after checking its shape with
 * libcbor's streaming decoder: definite lengths only, no collection longer
 * than the bytes left, at most WA_CBOR_MAX_DEPTH deep. *used gets the item's
 * size (the caller decides whether bytes may follow). NULL with *why when the
 * item is malformed; release with cbor_decref. */
cbor_item_t *wa_cbor_load(const uint8_t *p, size_t len, size_t *used, const char **why);

/* The value of a map's integer (or text) key, borrowed; NULL when the map has
 * none, or has it twice. */
cbor_item_t *wa_cbor_map_int(const cbor_item_t *map, int64_t key);
cbor_item_t *wa_cbor_map_text(const cbor_item_t *map, const char *key);

/* An integer item (major type 0 or 1) that fits an int64_t. */
bool wa_cbor_int(const cbor_item_t *item, int64_t *out);

/* A definite byte string's bytes (borrowed from the item). */
bool wa_cbor_bytes(const cbor_item_t *item, const uint8_t **p, size_t *n);

/* True when item is a definite text string equal to s. */
bool wa_cbor_text_is(const cbor_item_t *item, const char *s);

/* The checks of authenticator data both ceremonies share: rpIdHash is
 * SHA-256(rp->rp_id), UP set, UV set when rp->require_uv, BS only with BE. */
gh_status_t wa_authdata_check(const webauthn_authdata_t *d, const webauthn_rp_t *rp,
                              const char **why);

/* authData || SHA-256(clientDataJSON) in the arena (*len bytes): what an
 * authenticator signs; NULL when out of memory. */
const uint8_t *wa_signed_data(arena_t *a, const uint8_t *authdata, size_t authdata_len,
                              const uint8_t *client_data, size_t client_data_len, size_t *len);

#endif
