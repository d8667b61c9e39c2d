/* Wire encodings: base64url, base64, percent-encoding, hex. Strict decoders:
 * any byte outside the alphabet, a wrong length or non-zero trailing bits is
 * an error, so one value has exactly one encoding. */
#include "core/encoding.h"

#include <pthread.h>
#include <string.h>

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char B64STD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *b64url_encode(arena_t *a, const void *p, size_t n)
{
    const unsigned char *in = p;
    char *out = arena_alloc(a, (n + 2) / 3 * 4 + 1);
    if (!out)
        return NULL;
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
    return out;
}

/* Reverse tables (value + 1; 0 = not in the alphabet), built once. */
static unsigned char reverse_url[256], reverse_std[256];
static pthread_once_t reverse_once = PTHREAD_ONCE_INIT;

static void build_reverse(void)
{
    for (int i = 0; i < 64; i++) {
        reverse_url[(unsigned char)B64URL[i]] = (unsigned char)(i + 1);
        reverse_std[(unsigned char)B64STD[i]] = (unsigned char)(i + 1);
    }
}

static int sextet(const char *alphabet, char c)
{
    const unsigned char *table = alphabet == B64URL ? reverse_url : reverse_std;
    return table[(unsigned char)c] - 1;
}

/* Decodes n characters (no padding) of the given alphabet. */
static gh_status_t decode(const char *alphabet, const char *s, size_t n, unsigned char *out,
                          size_t cap, size_t *out_len)
{
    if (n % 4 == 1)
        return GH_ERR_INVALID;
    size_t need = n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0);
    if (need > cap)
        return GH_ERR_TOO_LARGE;
    pthread_once(&reverse_once, build_reverse);
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = sextet(alphabet, s[i]);
        if (v < 0)
            return GH_ERR_INVALID;
        acc = acc << 6 | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) /* non-canonical trailing bits */
        return GH_ERR_INVALID;
    *out_len = o;
    return GH_OK;
}

gh_status_t b64url_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *out_len)
{
    return decode(B64URL, s, n, out, cap, out_len);
}

gh_status_t b64_decode(const char *s, size_t n, unsigned char *out, size_t cap, size_t *out_len)
{
    if (n % 4 != 0)
        return GH_ERR_INVALID;
    size_t pad = 0;
    while (pad < 2 && n > pad && s[n - 1 - pad] == '=')
        pad++;
    return decode(B64STD, s, n - pad, out, cap, out_len);
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

gh_status_t pct_decode(arena_t *a, const char *s, size_t n, bool plus_is_space, char **out,
                       size_t *out_len)
{
    char *d = arena_alloc(a, n + 1);
    if (!d)
        return GH_ERR_NOMEM;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (n - i < 3)
                return GH_ERR_INVALID;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
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
    d[o] = '\0';
    *out = d;
    *out_len = o;
    return GH_OK;
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
