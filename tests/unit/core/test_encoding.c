/* Unit tests: base64url, base64, percent-encoding and hex (core/encoding.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/encoding.h"

static void b64url_round_trip(void **state)
{
    arena_t *a = arena_new(1 << 16);
    /* RFC 4648 §10 vectors, in the URL alphabet without padding */
    const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *want[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        char *enc = b64url_encode(a, in[i], strlen(in[i]));
        assert_string_equal(enc, want[i]);
        unsigned char out[16];
        size_t n = 99;
        assert_int_equal(b64url_decode(enc, strlen(enc), out, sizeof out, &n), GH_OK);
        assert_int_equal(n, strlen(in[i]));
        assert_memory_equal(out, in[i], n);
    }
    unsigned char bytes[] = {0xfb, 0xff, 0xfe};
    assert_string_equal(b64url_encode(a, bytes, 3), "-__-");
    arena_free(a);
}

static void b64url_refuses_bad_input(void **state)
{
    unsigned char out[16];
    size_t n;
    assert_int_equal(b64url_decode("Zg==", 4, out, sizeof out, &n), GH_ERR_INVALID); /* padding */
    assert_int_equal(b64url_decode("Zm9v+", 5, out, sizeof out, &n), GH_ERR_INVALID);
    assert_int_equal(b64url_decode("Z", 1, out, sizeof out, &n), GH_ERR_INVALID); /* length */
    assert_int_equal(b64url_decode("Zh", 2, out, sizeof out, &n),
                     GH_ERR_INVALID); /* trailing bits */
    assert_int_equal(b64url_decode("Zm\0v", 4, out, sizeof out, &n), GH_ERR_INVALID);
    assert_int_equal(b64url_decode("Zm9vYmFy", 8, out, 5, &n), GH_ERR_TOO_LARGE);
}

/* The reference the decoders are held to: the plain algorithm, one
 * character and one bit-shift at a time, each character looked up with
 * strchr. Same contract as b64url_decode / b64_decode. */
static gh_status_t ref_decode(const char *alphabet, const char *s, size_t n, unsigned char *out,
                              size_t cap, size_t *out_len)
{
    if (n % 4 == 1)
        return GH_ERR_INVALID;
    size_t need = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
    if (need > cap)
        return GH_ERR_TOO_LARGE;
    unsigned acc = 0, bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = s[i] ? strchr(alphabet, s[i]) : NULL;
        if (!p)
            return GH_ERR_INVALID;
        acc = acc << 6 | (unsigned)(p - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0)
        return GH_ERR_INVALID;
    *out_len = o;
    return GH_OK;
}

static const char URL_ALPHABET[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char STD_ALPHABET[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static gh_status_t ref_b64url(const char *s, size_t n, unsigned char *out, size_t cap,
                              size_t *out_len)
{
    return ref_decode(URL_ALPHABET, s, n, out, cap, out_len);
}

static gh_status_t ref_b64(const char *s, size_t n, unsigned char *out, size_t cap, size_t *out_len)
{
    if (n % 4 != 0)
        return GH_ERR_INVALID;
    size_t pad = 0;
    while (pad < 2 && n > pad && s[n - 1 - pad] == '=')
        pad++;
    return ref_decode(STD_ALPHABET, s, n - pad, out, cap, out_len);
}

typedef gh_status_t (*decoder_fn)(const char *s, size_t n, unsigned char *out, size_t cap,
                                  size_t *out_len);

/* The decoder and the reference agree on s[0..n) with this capacity. */
static void same_as_reference(decoder_fn got_fn, decoder_fn want_fn, const char *s, size_t n,
                              size_t cap)
{
    unsigned char got[64], want[64];
    size_t got_len = 999, want_len = 999;
    gh_status_t got_st = got_fn(s, n, got, cap, &got_len);
    gh_status_t want_st = want_fn(s, n, want, cap, &want_len);
    if (got_st != want_st || got_len != want_len ||
        (got_st == GH_OK && memcmp(got, want, want_len) != 0))
        fail_msg("decoding \"%.*s\" (cap %zu): %d/%zu, want %d/%zu", (int)n, s, cap, got_st,
                 got_len, want_st, want_len);
}

/* Both decoders against the reference, with room to spare, exactly enough
 * room and one byte short. */
static void check_decoders(const char *s, size_t n)
{
    size_t need = n / 4 * 3 + (n % 4 > 1 ? n % 4 - 1 : 0);
    size_t caps[] = {need, need ? need - 1 : 0, 64};
    for (size_t k = 0; k < 3; k++) {
        same_as_reference(b64url_decode, ref_b64url, s, n, caps[k]);
        same_as_reference(b64_decode, ref_b64, s, n, caps[k]);
    }
}

/* Calls check(s, n, ctx) with every prefix of base (1 character to all of
 * them, base at most 63) holding every byte value at every position. */
static void each_byte_everywhere(const char *base, void (*check)(const char *, size_t, void *),
                                 void *ctx)
{
    char s[64];
    for (size_t n = 1; n <= strlen(base) && n < sizeof s; n++) {
        for (size_t pos = 0; pos < n; pos++) {
            for (int b = 0; b < 256; b++) {
                memcpy(s, base, n);
                s[pos] = (char)b;
                check(s, n, ctx);
            }
        }
    }
}

static void check_decoders_at(const char *s, size_t n, void *ctx)
{
    (void)ctx;
    check_decoders(s, n);
}

/* Every byte value at every position of inputs of 1 to 12 characters. */
static void b64_every_byte_everywhere(void **state)
{
    each_byte_everywhere("Zm9vYmFy-_/+", check_decoders_at, NULL);
}

/* Every pair of byte values as the last two characters of inputs of 2 to
 * 8 characters: all trailing-bit patterns, padding and sextets. */
static void b64_every_final_pair(void **state)
{
    const char base[] = "Zm9vYmFy";
    char s[sizeof base];
    for (size_t n = 2; n < sizeof base; n++) {
        memcpy(s, base, n);
        for (int x = 0; x < 256; x++) {
            for (int y = 0; y < 256; y++) {
                s[n - 2] = (char)x;
                s[n - 1] = (char)y;
                check_decoders(s, n);
            }
        }
    }
}

/* Every byte value at every position of 1 to 7 bytes encodes to the
 * unpadded length and decodes back (by the reference) to the same bytes. */
static void b64url_encode_every_byte(void **state)
{
    unsigned char in[7] = {0x00, 0xff, 0x10, 0x83, 0xfb, 0x7e, 0x01}, back[8];
    for (size_t n = 1; n <= sizeof in; n++) {
        for (size_t pos = 0; pos < n; pos++) {
            for (int b = 0; b < 256; b++) {
                unsigned char bytes[7];
                memcpy(bytes, in, n);
                bytes[pos] = (unsigned char)b;
                arena_t *a = arena_new(64);
                char *enc = b64url_encode(a, bytes, n);
                size_t len = 0;
                assert_int_equal(strlen(enc), (n * 4 + 2) / 3);
                assert_int_equal(ref_b64url(enc, strlen(enc), back, sizeof back, &len), GH_OK);
                assert_int_equal(len, n);
                assert_memory_equal(back, bytes, n);
                arena_free(a);
            }
        }
    }
}

static void hex_every_byte(void **state)
{
    for (int b = 0; b < 256; b++) {
        unsigned char in[3] = {(unsigned char)b, (unsigned char)(255 - b), 0x5a};
        char got[7], want[7];
        hex_encode(in, 3, got);
        snprintf(want, sizeof want, "%02x%02x%02x", in[0], in[1], in[2]);
        assert_string_equal(got, want);
    }
}

static void b64_standard(void **state)
{
    unsigned char out[32];
    size_t n;
    assert_int_equal(b64_decode("dXNlcjpwYXNz", 12, out, sizeof out, &n), GH_OK);
    assert_int_equal(n, 9);
    assert_memory_equal(out, "user:pass", 9);
    assert_int_equal(b64_decode("Zg==", 4, out, sizeof out, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(b64_decode("Zg=", 3, out, sizeof out, &n), GH_ERR_INVALID);
    assert_int_equal(b64_decode("-_==", 4, out, sizeof out, &n), GH_ERR_INVALID);
}

static void percent_decoding(void **state)
{
    arena_t *a = arena_new(1 << 16);
    char *out;
    size_t n;
    assert_int_equal(pct_decode(a, "a+b%20c%2Bd", 11, true, &out, &n), GH_OK);
    assert_string_equal(out, "a b c+d");
    assert_int_equal(pct_decode(a, "a+b", 3, false, &out, &n), GH_OK);
    assert_string_equal(out, "a+b");
    assert_int_equal(pct_decode(a, "%e3%85%8e", 9, true, &out, &n), GH_OK);
    assert_int_equal(n, 3);
    assert_int_equal(pct_decode(a, "bad%2", 5, true, &out, &n), GH_ERR_INVALID);
    assert_int_equal(pct_decode(a, "bad%", 4, true, &out, &n), GH_ERR_INVALID);
    assert_int_equal(pct_decode(a, "%zz", 3, true, &out, &n), GH_ERR_INVALID);
    assert_int_equal(pct_decode(a, "nul%00", 6, true, &out, &n), GH_ERR_INVALID);
    arena_free(a);
}

/* The reference for pct_decode: one byte at a time. */
static int ref_hexval(char c)
{
    const char *digits = "0123456789abcdef0123456789ABCDEF";
    const char *p = c ? strchr(digits, c) : NULL;
    return p ? (int)(p - digits) % 16 : -1;
}

static gh_status_t ref_pct_decode(const char *s, size_t n, bool plus_is_space, char *d,
                                  size_t *out_len)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = n - i < 3 ? -1 : ref_hexval(s[i + 1]), lo = hi < 0 ? -1 : ref_hexval(s[i + 2]);
            if (lo < 0)
                return GH_ERR_INVALID;
            c = (char)(hi << 4 | lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0')
            return GH_ERR_INVALID;
        d[o++] = c;
    }
    *out_len = o;
    return GH_OK;
}

static void pct_same_as_reference(arena_t *a, const char *s, size_t n)
{
    for (int plus = 0; plus < 2; plus++) {
        char want[64], *got = NULL;
        size_t want_len = 999, got_len = 999;
        gh_status_t want_st = ref_pct_decode(s, n, plus, want, &want_len);
        gh_status_t got_st = pct_decode(a, s, n, plus, &got, &got_len);
        if (got_st != want_st || (got_st == GH_OK && (got_len != want_len || got[got_len] != '\0' ||
                                                      memcmp(got, want, want_len) != 0)))
            fail_msg("pct_decode \"%.*s\" (plus %d): %d, want %d", (int)n, s, plus, got_st,
                     want_st);
    }
}

static void pct_same_as_reference_at(const char *s, size_t n, void *arena)
{
    pct_same_as_reference(arena, s, n);
}

/* Every byte value at every position of inputs of 1 to 20 bytes (runs
 * shorter and longer than the eight bytes taken at once), and every pair
 * of byte values after a '%'. */
static void percent_decoding_every_byte(void **state)
{
    arena_t *a = arena_new(1 << 24);
    each_byte_everywhere("ab%41+c%7e0123456789", pct_same_as_reference_at, a);
    arena_free(a);
    a = arena_new(1 << 20);
    for (int x = 0; x < 256; x++) {
        for (int y = 0; y < 256; y++) {
            char esc[] = {'a', '%', (char)x, (char)y};
            pct_same_as_reference(a, esc, sizeof esc);
            pct_same_as_reference(a, esc + 1, 3);
        }
        arena_free(a);
        a = arena_new(1 << 20);
    }
    arena_free(a);
}

/* The reference for utf8_valid: one sequence at a time (RFC 3629 §4). */
static bool ref_utf8_valid(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char b = s[i];
        size_t len = b < 0x80 ? 1 : b < 0xc2 ? 0 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf5 ? 4 : 0;
        if (len == 0 || len > n - i)
            return false;
        unsigned long cp = len == 1 ? b : b & (0x7f >> len);
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        unsigned long min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return false;
        i += len;
    }
    return true;
}

/* utf8_valid and the reference agree on seq[0..len) placed after 0 to 17
 * ASCII bytes (inside, at and across the edges of the eight-byte steps), in
 * a buffer of exactly that size (a read past it shows under ASan). */
static void utf8_agrees_at_every_offset(const unsigned char *seq, size_t len)
{
    const size_t offsets[] = {0, 1, 6, 7, 8, 15, 17};
    for (size_t k = 0; k < sizeof offsets / sizeof offsets[0]; k++) {
        size_t off = offsets[k];
        unsigned char *s = malloc(off + len);
        assert_non_null(s);
        memset(s, 'a', off);
        memcpy(s + off, seq, len);
        bool got = utf8_valid((const char *)s, off + len), want = ref_utf8_valid(s, off + len);
        free(s);
        if (got != want)
            fail_msg("utf8_valid: %02x %02x %02x %02x (%zu bytes) after %zu", seq[0],
                     len > 1 ? seq[1] : 0, len > 2 ? seq[2] : 0, len > 3 ? seq[3] : 0, len, off);
    }
}

/* Every one- and two-byte input, every three-byte input with a lead from
 * 0xe0 on, and four-byte inputs with every lead and second byte. */
static void utf8_every_sequence(void **state)
{
    const unsigned char tails[] = {0x00, 0x41, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xff};
    for (unsigned x = 0; x < 256; x++) {
        for (unsigned y = 0; y < 256; y++) {
            unsigned char seq[4] = {(unsigned char)x, (unsigned char)y, 0x80, 0xbf};
            utf8_agrees_at_every_offset(seq, 1);
            utf8_agrees_at_every_offset(seq, 2);
            for (unsigned z = 0; x >= 0xe0 && z < 256; z++) {
                seq[2] = (unsigned char)z;
                utf8_agrees_at_every_offset(seq, 3);
            }
            for (size_t t = 0; x >= 0xf0 && t < sizeof tails; t++) {
                seq[2] = 0x80;
                seq[3] = tails[t];
                utf8_agrees_at_every_offset(seq, 4);
                seq[2] = tails[t];
                utf8_agrees_at_every_offset(seq, 4);
            }
        }
    }
}

static void percent_encoding(void **state)
{
    arena_t *a = arena_new(1 << 16);
    buf_t b;
    buf_init(&b, a);
    pct_encode(&b, "https://x.example/cb?a=1&b=2 ~._-");
    assert_string_equal(buf_cstr(&b), "https%3A%2F%2Fx.example%2Fcb%3Fa%3D1%26b%3D2%20~._-");
    char hex[7];
    hex_encode("\x01\xab\xff", 3, hex);
    assert_string_equal(hex, "01abff");
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(b64url_round_trip),
        cmocka_unit_test(b64url_refuses_bad_input),
        cmocka_unit_test(b64_every_byte_everywhere),
        cmocka_unit_test(b64_every_final_pair),
        cmocka_unit_test(b64url_encode_every_byte),
        cmocka_unit_test(hex_every_byte),
        cmocka_unit_test(b64_standard),
        cmocka_unit_test(percent_decoding),
        cmocka_unit_test(percent_decoding_every_byte),
        cmocka_unit_test(utf8_every_sequence),
        cmocka_unit_test(percent_encoding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
