/* The MIME writer (mail.h): one multipart/alternative message of a text and
 * an HTML part. Values are checked, not trusted: addresses must pass
 * mail_address_valid (so no header can be injected through them), texts must
 * be UTF-8. Bodies go out in base64 and a non-ASCII subject as RFC 2047
 * encoded words, so no line of the message is longer than 78 characters,
 * whatever the texts hold, but the From, To and Message-ID headers of a very
 * long address (an address is not folded; at most 265, well within RFC 5322
 * §2.1.1's 998). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/encoding.h"
#include "mail/mail.h"

#define CRLF "\r\n"
#define B64_LINE 76                /* RFC 2045 §6.8 */
#define WORD_BYTES 39              /* an encoded word's payload: 52 base64 characters, 73 a line */
#define BOUNDARY "=_gatehouse_alt" /* "=_" never occurs in base64 or our headers */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Appends base64 of p[0..n) to b, with CRLF every B64_LINE characters when
 * wrap is set. */
static void b64_append(buf_t *b, const unsigned char *p, size_t n, bool wrap)
{
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {B64[v >> 18 & 63], B64[v >> 12 & 63], i + 1 < n ? B64[v >> 6 & 63] : '=',
                     i + 2 < n ? B64[v & 63] : '='};
        buf_append(b, q, 4);
        col += 4;
        if (wrap && col >= B64_LINE && i + 3 < n) {
            buf_puts(b, CRLF);
            col = 0;
        }
    }
}

static bool plain_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

/* How many bytes of s[0..n) fit in an encoded word without splitting a
 * UTF-8 sequence. */
static size_t word_cut(const char *s, size_t n)
{
    if (n <= WORD_BYTES)
        return n;
    size_t cut = WORD_BYTES;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return cut;
}

/* The Subject header: as it is when short plain ASCII, else RFC 2047
 * encoded words ("B" encoding, UTF-8), one per folded line. */
static void subject_append(buf_t *b, const char *subject)
{
    size_t n = strlen(subject);
    buf_puts(b, "Subject:");
    if (plain_ascii(subject) && n <= 60) {
        buf_printf(b, " %s" CRLF, subject);
        return;
    }
    while (n > 0) {
        size_t cut = word_cut(subject, n);
        buf_puts(b, " =?UTF-8?B?");
        b64_append(b, (const unsigned char *)subject, cut, false);
        buf_puts(b, "?=");
        subject += cut;
        n -= cut;
        buf_puts(b, CRLF); /* folding: the next word starts with a space */
    }
}

/* RFC 5322 §3.3: "Mon, 07 Dec 2026 14:15:02 +0000". */
static void date_append(buf_t *b, int64_t when)
{
    static const char *const DAYS[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)when;
    struct tm tm;
    gmtime_r(&t, &tm);
    buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000" CRLF, DAYS[tm.tm_wday], tm.tm_mday,
               MONTHS[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A body part: its headers, then base64 of the text with \n made CRLF. */
static void part_append(buf_t *b, const char *type, const char *body)
{
    buf_printf(b,
               "--" BOUNDARY CRLF "Content-Type: %s; charset=UTF-8" CRLF
               "Content-Transfer-Encoding: base64" CRLF CRLF,
               type);
    buf_t crlf;
    buf_init(&crlf, b->arena);
    for (const char *p = body; *p; p++) {
        if (*p == '\n' && (p == body || p[-1] != '\r'))
            buf_putc(&crlf, '\r');
        buf_putc(&crlf, *p);
    }
    b64_append(b, (const unsigned char *)(crlf.data ? crlf.data : ""), crlf.len, true);
    buf_puts(b, CRLF);
}

static bool texts_ok(const mail_mime_t *m)
{
    const char *texts[] = {m->subject, m->text, m->html, m->message_id};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (!texts[i] || !utf8_valid(texts[i], strlen(texts[i])))
            return false;
    return plain_ascii(m->message_id) && !strpbrk(m->message_id, "<>@ ") &&
           !strpbrk(m->subject, "\r\n");
}

gh_status_t mail_mime_build(buf_t *b, const mail_mime_t *m)
{
    if (!m->from || !m->to || !mail_address_valid(m->from) || !mail_address_valid(m->to) ||
        !texts_ok(m))
        return GH_ERR_INVALID;
    date_append(b, m->date);
    buf_printf(b, "From: %s" CRLF "To: %s" CRLF, m->from, m->to);
    subject_append(b, m->subject);
    buf_printf(b, "Message-ID: <%s@%s>" CRLF, m->message_id, strchr(m->from, '@') + 1);
    buf_puts(b, "MIME-Version: 1.0" CRLF "Auto-Submitted: auto-generated" CRLF
                "Content-Type: multipart/alternative; boundary=\"" BOUNDARY "\"" CRLF CRLF);
    part_append(b, "text/plain", m->text);
    part_append(b, "text/html", m->html);
    buf_puts(b, "--" BOUNDARY "--" CRLF);
    return buf_cstr(b) ? GH_OK : GH_ERR_NOMEM;
}

static bool local_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("\"(),:;<>@[\\]", c);
}

static bool domain_ok(const char *d)
{
    size_t label = 0;
    if (!*d)
        return false;
    for (const char *p = d; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '.') {
            if (label == 0 || p[-1] == '-')
                return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   (c == '-' && label > 0)) {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return label > 0 && d[strlen(d) - 1] != '-';
}

bool mail_address_valid(const char *s)
{
    if (!s || strlen(s) > MAIL_ADDRESS_MAX)
        return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || at - s > 64)
        return false;
    for (const char *p = s; p < at; p++)
        if (!local_char((unsigned char)*p))
            return false;
    return s[0] != '.' && at[-1] != '.' && !strstr(s, "..") && domain_ok(at + 1);
}

bool mail_token_valid(const char *s)
{
    size_t n = 0;
    if (!s)
        return false;
    for (; s[n]; n++) {
        char c = s[n];
        if (n >= 43 || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return n == 43;
}
