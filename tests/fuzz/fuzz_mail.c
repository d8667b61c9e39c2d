/* Fuzzes what the mail pages and the MIME writer take from outside: an
 * address typed into /auth/register or /account/email (mail_address_valid),
 * a link's token (mail_token_valid), and a message built from an address, a
 * subject and a text (mail_mime_build). Input: ADDRESS \x01 SUBJECT \x01
 * TEXT, each also tried as a token. Checks: an accepted token is 43
 * base64url characters; a built message has CRLF line ends only, no line
 * over 78 characters but the address headers (an address may be 254 long),
 * none over 998 (RFC 5322 §2.1.1), exactly one To header in its header block
 * (no injection), and its address passed mail_address_valid. */
#include "fuzz.h"
#include "mail/mail.h"

static void check_message(const char *msg)
{
    const char *line = msg, *headers_end = strstr(msg, "\r\n\r\n");
    int to_headers = 0;
    FUZZ_CHECK(headers_end != NULL);
    for (const char *p = msg; *p; p++) {
        if (*p != '\n')
            continue;
        FUZZ_CHECK(p > msg && p[-1] == '\r');
        bool address = !strncmp(line, "To:", 3) || !strncmp(line, "From:", 5) ||
                       !strncmp(line, "Message-ID:", 11);
        FUZZ_CHECK(p - line - 1 <= (address ? 998 : 78));
        if (line < headers_end && !strncmp(line, "To:", 3))
            to_headers++;
        line = p + 1;
    }
    FUZZ_CHECK(to_headers == 1);
}

static void check_token(const char *s)
{
    if (mail_token_valid(s))
        FUZZ_CHECK(strlen(s) == 43 &&
                   strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                             "0123456789-_") == 43);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *rest = NULL, *text = NULL;
    char *address = a ? fuzz_split(a, data, size, '\x01', &rest) : NULL;
    char *subject = rest ? fuzz_split(a, (const uint8_t *)rest, strlen(rest), '\x01', &text) : NULL;
    if (address) {
        check_token(address);
        bool ok = mail_address_valid(address);
        mail_mime_t m = {.from = "noreply@gatehouse.test",
                         .to = address,
                         .subject = subject ? subject : "",
                         .message_id = "0123456789abcdef",
                         .date = 1796652902,
                         .text = text ? text : "",
                         .html = text ? text : ""};
        buf_t b;
        buf_init(&b, a);
        if (mail_mime_build(&b, &m) == GH_OK) {
            FUZZ_CHECK(ok);
            check_message(buf_cstr(&b));
        }
    }
    if (subject)
        check_token(subject);
    arena_free(a);
    return 0;
}
