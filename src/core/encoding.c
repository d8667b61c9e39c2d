/* Wire encodings: base64url, base64, percent-encoding, hex. Strict decoders:
 * any byte outside the alphabet, a wrong length or non-zero trailing bits is
 * an error, so one value has exactly one encoding. */
#include "core/encoding.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char B64STD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64url_encode_to(const void *p, size_t n, char *out)
{
    const unsigned char *in = p;
    size_t o = 0, i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = B64URL[v >> 18 & 63];
        out[o++] = B64URL[v >> 12 & 63];
        out[o++] = B64URL[v >> 6 & 63];
        out[o++] = B64URL[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[o++] = B64URL[v >> 18 & 63];
        out[o++] = B64URL[v >> 12 & 63];
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[o++] = B64URL[v >> 18 & 63];
        out[o++] = B64URL[v >> 12 & 63];
        out[o++] = B64URL[v >> 6 & 63];
    }
    out[o] = '\0';
    return o;
}

char *b64url_encode(arena_t *a, const void *p, size_t n)
{
    char *out = arena_alloc(a, (n + 2) / 3 * 4 + 1);
    if (out)
        b64url_encode_to(p, n, out);
    return out;
}

/* Reverse tables: each byte's sextet, or BAD for a byte outside the
 * alphabet. Built once. */
#define BAD 0x80u
static unsigned char reverse_url[256], reverse_std[256];
static pthread_once_t reverse_once = PTHREAD_ONCE_INIT;

static void build_reverse(void)
{
    memset(reverse_url, BAD, sizeof reverse_url);
    memset(reverse_std, BAD, sizeof reverse_std);
    for (int i = 0; i < 64; i++) {
        reverse_url[(unsigned char)B64URL[i]] = (unsigned char)i;
        reverse_std[(unsigned char)B64STD[i]] = (unsigned char)i;
    }
}

/* Decodes the last 2 or 3 characters (rem) into 1 or 2 bytes; returns the
 * sextets OR-ed together (BAD set if one was not in the alphabet), with BAD
 * also set when the unused trailing bits are not zero (non-canonical). */
static unsigned decode_tail(const unsigned char *t, const unsigned char *in, size_t rem,
                            unsigned char *out)
{
    unsigned a = t[in[0]], b = t[in[1]], c = rem == 3 ? t[in[2]] : 0;
    unsigned v = a << 12 | b << 6 | c;
    out[0] = (unsigned char)(v >> 10);
    if (rem == 3)
        out[1] = (unsigned char)(v >> 2);
    unsigned unused = rem == 3 ? v & 3u : v & 0x3ffu;
    return a | b | c | (unused ? BAD : 0);
}

/* Decodes n characters (no padding) with the reverse table t: four
 * characters into three bytes per step, the validity of every character
 * gathered in one OR and checked once at the end. */
static gh_status_t decode(const unsigned char *t, const char *s, size_t n, unsigned char *out,
                          size_t cap, size_t *out_len)
{
    size_t rem = n % 4;
    if (rem == 1)
        return GH_ERR_INVALID;
    size_t need = n / 4 * 3 + (rem ? rem - 1 : 0);
    if (need > cap)
        return GH_ERR_TOO_LARGE;
    pthread_once(&reverse_once, build_reverse);
    const unsigned char *in = (const unsigned char *)s;
    unsigned seen = 0;
    size_t o = 0;
    for (size_t i = 0; i + 4 <= n; i += 4, o += 3) {
        unsigned a = t[in[i]], b = t[in[i + 1]], c = t[in[i + 2]], d = t[in[i + 3]];
        unsigned v = a << 18 | b << 12 | c << 6 | d;
        out[o] = (unsigned char)(v >> 16);
        out[o + 1] = (unsigned char)(v >> 8);
        out[o + 2] = (unsigned char)v;
        seen |= a | b | c | d;
    }
    if (rem)
        seen |= decode_tail(t, in + n - rem, rem, out + o);
    if (seen & BAD)
        return GH_ERR_INVALID;
    *out_len = need;
    return GH_OK;
}

gh_status_t b64url_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *out_len)
{
    return decode(reverse_url, s, n, out, cap, out_len);
}

gh_status_t b64_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *out_len)
{
    if (n % 4 != 0)
        return GH_ERR_INVALID;
    size_t pad = 0;
    while (pad < 2 && n > pad && s[n - 1 - pad] == '=')
        pad++;
    return decode(reverse_std, s, n - pad, out, cap, out_len);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* The bytes percent-decoding changes or refuses, all below ESCAPES_BELOW. */
static const bool ESCAPES[256] = {['\0'] = true, ['%'] = true, ['+'] = true};
#define ESCAPES_BELOW ','

/* Length of the prefix of s[0..n) made of ASCII bytes; with `escapes` it
 * also ends at the first ESCAPES byte. Eight bytes are tested at once: a
 * word passes when no byte has its high bit set and, with `escapes`, none is
 * below ESCAPES_BELOW (then subtracting ESCAPES_BELOW from every byte
 * borrows nowhere and sets no high bit; a byte below it sets one). From the
 * first word that does not pass, the run is walked a byte at a time. */
static size_t ascii_run(const unsigned char *s, size_t n, bool escapes)
{
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t low = escapes ? w - ONES * ESCAPES_BELOW : 0;
        if ((w | low) & HIGHS)
            break;
    }
    while (i < n && s[i] < 0x80 && !(escapes && ESCAPES[s[i]]))
        i++;
    return i;
}

/* Decodes the one byte or escape that starts s[0..n) (n > 0) into *c;
 * returns the characters used, 0 for a bad escape or a NUL. */
static size_t decode_one(const char *s, size_t n, bool plus_is_space, char *c)
{
    if (s[0] != '%') {
        *c = s[0] == '+' && plus_is_space ? ' ' : s[0];
        return *c ? 1 : 0;
    }
    if (n < 3)
        return 0;
    int hi = hexval(s[1]), lo = hexval(s[2]);
    if (hi < 0 || lo < 0)
        return 0;
    *c = (char)(hi << 4 | lo);
    return *c ? 3 : 0;
}

gh_status_t pct_decode(arena_t *a, const char *s, size_t n, bool plus_is_space, char **out,
                       size_t *out_len)
{
    char *d = arena_alloc(a, n + 1);
    if (!d)
        return GH_ERR_NOMEM;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t run = ascii_run((const unsigned char *)s + i, n - i, true);
        memcpy(d + o, s + i, run); /* nothing to decode in the run */
        o += run;
        i += run;
        if (i == n)
            break;
        size_t used = decode_one(s + i, n - i, plus_is_space, d + o);
        if (used == 0)
            return GH_ERR_INVALID;
        i += used;
        o++;
    }
    d[o] = '\0';
    *out = d;
    *out_len = o;
    return GH_OK;
}

/* Length of the multi-byte UTF-8 sequence a byte >= 0x80 starts, 0 for a
 * byte that cannot lead one. */
static size_t utf8_length(unsigned char b)
{
    return b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
}

/* True when the len (2 to 4) bytes at s are continuation bytes after the
 * lead s[0] and the sequence is neither overlong, a surrogate nor past U+10FFFF. */
static bool utf8_sequence_valid(const unsigned char *s, size_t len)
{
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return false;
    }
    unsigned char b0 = s[0], b1 = s[1];
    return !((b0 == 0xe0 && b1 < 0xa0) || (b0 == 0xed && b1 > 0x9f) || (b0 == 0xf0 && b1 < 0x90) ||
             (b0 == 0xf4 && b1 > 0x8f));
}

size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

bool utf8_valid(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0;;) {
        i += ascii_run(s + i, n - i, false);
        if (i == n)
            return true;
        size_t len = utf8_length(s[i]);
        if (len == 0 || len > n - i || !utf8_sequence_valid(s + i, len))
            return false;
        i += len;
    }
}

void pct_encode(buf_t *b, const char *s)
{
    static const char HEX[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            buf_putc(b, (char)c);
        } else {
            char esc[3] = {'%', HEX[c >> 4], HEX[c & 15]};
            buf_append(b, esc, 3);
        }
    }
}

void hex_encode(const void *p, size_t n, char *out)
{
    static const char HEX[] = "0123456789abcdef";
    const unsigned char *in = p;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = HEX[in[i] >> 4];
        out[2 * i + 1] = HEX[in[i] & 15];
    }
    out[2 * n] = '\0';
}
