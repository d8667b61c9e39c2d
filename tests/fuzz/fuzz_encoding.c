/* Fuzzes the decoders of src/core/encoding.h: base64url, base64 and
 * percent-decoding (with and without '+' as a space).
 *
 * Checks: a strict base64url decoder gives each value exactly one encoding,
 * so what decodes must encode back to the input; a decoder writes only
 * inside the capacity it is given (the output buffers are exactly that
 * size, so ASan sees a byte more) and reports TOO_LARGE when short of room;
 * percent-encoding then decoding gives back any string. */
#include "core/buf.h"
#include "core/encoding.h"
#include "fuzz.h"

typedef gh_status_t (*decoder_fn)(const char *s, size_t n, unsigned char *out, size_t cap,
                                  size_t *out_len);

/* Decodes into a buffer of exactly cap bytes; the output's length, or -1. */
static long decode_into(arena_t *a, decoder_fn decode, const char *s, size_t n, size_t cap,
                        unsigned char **out)
{
    size_t len = 0;
    *out = arena_alloc(a, cap ? cap : 1);
    if (!*out)
        return -1;
    gh_status_t st = decode(s, n, *out, cap, &len);
    FUZZ_CHECK(st == GH_OK || st == GH_ERR_INVALID || st == GH_ERR_TOO_LARGE);
    if (st != GH_OK)
        return -1;
    FUZZ_CHECK(len <= cap);
    return (long)len;
}

static void check_base64(arena_t *a, const char *s, size_t n)
{
    unsigned char *out = NULL;
    long len = decode_into(a, b64url_decode, s, n, n, &out);
    if (len >= 0) {
        const char *again = b64url_encode(a, out, (size_t)len);
        FUZZ_CHECK(!again || (strlen(again) == n && memcmp(again, s, n) == 0));
        if (len > 0) /* one byte short of room */
            FUZZ_CHECK(decode_into(a, b64url_decode, s, n, (size_t)len - 1, &out) < 0);
    }
    decode_into(a, b64_decode, s, n, n, &out);
    decode_into(a, b64_decode, s, n, n / 2, &out);
}

static void check_percent(arena_t *a, const char *s, size_t n, bool plus_is_space)
{
    char *out = NULL;
    size_t len = 0;
    if (pct_decode(a, s, n, plus_is_space, &out, &len) == GH_OK) {
        FUZZ_CHECK(len <= n && strlen(out) == len);
        bool plain = !plus_is_space && (n == 0 || !memchr(s, '%', n));
        FUZZ_CHECK(!plain || (len == n && memcmp(out, s, n) == 0)); /* nothing to decode */
    }
}

/* Percent-encoding any string and decoding it gives the string back. */
static void check_round_trip(arena_t *a, const char *s)
{
    buf_t b;
    buf_init(&b, a);
    pct_encode(&b, s);
    const char *enc = buf_cstr(&b);
    char *dec = NULL;
    size_t len = 0;
    if (enc && pct_decode(a, enc, strlen(enc), false, &dec, &len) == GH_OK)
        FUZZ_CHECK(strcmp(dec, s) == 0);
    else
        FUZZ_CHECK(!enc); /* only running out of memory may stop it */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *s = a ? fuzz_cstr(a, data, size) : NULL;
    if (s) {
        check_base64(a, (const char *)data, size);
        check_percent(a, (const char *)data, size, false);
        check_percent(a, (const char *)data, size, true);
        check_round_trip(a, s);
    }
    arena_free(a);
    return 0;
}
