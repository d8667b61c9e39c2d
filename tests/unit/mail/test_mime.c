/* Unit tests: the MIME writer (mail/mime.c): headers, RFC 2047 subjects that
 * never split a UTF-8 character, base64 parts with CRLF line ends and no
 * line over 78 characters, refusals of bad addresses (no header injection),
 * the address and token checks, and the retry backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/encoding.h"
#include "mail/mail.h"

static mail_mime_t sample(void)
{
    return (mail_mime_t){.from = "noreply@gatehouse.test",
                         .to = "ann@example.org",
                         .subject = "Reset your Gatehouse password",
                         .message_id = "0123456789abcdef",
                         .date = 1796652902, /* Mon, 07 Dec 2026 14:15:02 +0000 */
                         .text = "Hello ann,\nthe link: https://id.example/auth/reset?token=x\n",
                         .html = "<p>Hello ann</p>"};
}

static const char *build(arena_t *a, const mail_mime_t *m)
{
    buf_t b;
    buf_init(&b, a);
    return mail_mime_build(&b, m) == GH_OK ? buf_cstr(&b) : NULL;
}

/* Every line ends in CRLF and has at most 78 characters before it. */
static void assert_lines_ok(const char *msg)
{
    const char *line = msg;
    for (const char *p = msg; *p; p++) {
        if (*p == '\n') {
            assert_true(p > msg && p[-1] == '\r');
            assert_true(p - line - 1 <= 78);
            line = p + 1;
        }
    }
    assert_true(*line == '\0'); /* ends with a line end */
}

static void headers_and_parts(void **state)
{
    (void)state;
    arena_t *a = arena_new(1 << 20);
    mail_mime_t m = sample();
    const char *msg = build(a, &m);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "Date: Mon, 07 Dec 2026 14:15:02 +0000\r\n"));
    assert_non_null(strstr(msg, "From: noreply@gatehouse.test\r\nTo: ann@example.org\r\n"));
    assert_non_null(strstr(msg, "Subject: Reset your Gatehouse password\r\n"));
    assert_non_null(strstr(msg, "Message-ID: <0123456789abcdef@gatehouse.test>\r\n"));
    assert_non_null(strstr(msg, "MIME-Version: 1.0\r\n"));
    assert_non_null(strstr(msg, "Content-Type: multipart/alternative; boundary="));
    const char *text = strstr(msg, "Content-Type: text/plain; charset=UTF-8\r\n");
    const char *html = strstr(msg, "Content-Type: text/html; charset=UTF-8\r\n");
    assert_non_null(text);
    assert_non_null(html);
    assert_true(text < html); /* the richer part last (RFC 2046 §5.1.4) */
    /* "Hello ann,\r\n" in base64: the text's line ends became CRLF */
    assert_non_null(strstr(text, "SGVsbG8gYW5uLA0K"));
    assert_lines_ok(msg);
    arena_free(a);
}

static void korean_subject_is_encoded_words(void **state)
{
    (void)state;
    arena_t *a = arena_new(1 << 20);
    mail_mime_t m = sample();
    m.subject = "Gatehouse 비밀번호 재설정 — 아주 긴 제목이 여러 줄로 접혀야 하는 경우의 예";
    const char *msg = build(a, &m);
    assert_non_null(msg);
    assert_lines_ok(msg);
    const char *s = strstr(msg, "Subject: =?UTF-8?B?");
    assert_non_null(s);
    /* decode every encoded word: each is whole UTF-8 and together the subject */
    char joined[512] = "";
    for (const char *w = strstr(s, "=?UTF-8?B?"); w && w < strstr(s, "Message-ID");
         w = strstr(w + 1, "=?UTF-8?B?")) {
        const char *start = w + 10, *end = strstr(start, "?=");
        unsigned char out[128];
        size_t n = 0;
        assert_int_equal(b64_decode(start, (size_t)(end - start), out, sizeof out, &n), GH_OK);
        assert_true(utf8_valid((const char *)out, n));
        strncat(joined, (const char *)out, n);
    }
    assert_string_equal(joined, m.subject);
    arena_free(a);
}

static void bad_values_are_refused(void **state)
{
    (void)state;
    arena_t *a = arena_new(1 << 20);
    mail_mime_t m = sample();
    m.to = "ann@example.org\r\nBcc: eve@evil.test";
    assert_null(build(a, &m));
    m = sample();
    m.from = "no at sign";
    assert_null(build(a, &m));
    m = sample();
    m.subject = "two\r\nlines";
    assert_null(build(a, &m));
    m = sample();
    m.text = "\xff\xfe not UTF-8";
    assert_null(build(a, &m));
    arena_free(a);
}

static void addresses_and_tokens(void **state)
{
    (void)state;
    assert_true(mail_address_valid("ann@example.org"));
    assert_true(mail_address_valid("ann.b+tag@mail.example-1.org"));
    assert_true(mail_address_valid("root@localhost"));
    const char *bad[] = {
        NULL,         "",           "@x.org",      "ann@",        "ann",
        "a b@x.org",  "ann@x..org", "ann@-x.org",  "ann@x-.org",  ".ann@x.org",
        "ann.@x.org", "a@b@c.org",  "ann@x.org\n", "<ann@x.org>", "ann@[127.0.0.1]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(mail_address_valid(bad[i]));
    assert_true(mail_token_valid("rH6DkWfJYRn78EOobQrP4O5E2UA-Uhe_dye3ITW_twc"));
    assert_false(mail_token_valid("rH6DkWfJYRn78EOobQrP4O5E2UA-Uhe_dye3ITW_tw"));
    assert_false(mail_token_valid("rH6DkWfJYRn78EOobQrP4O5E2UA-Uhe_dye3ITW_twcc"));
    assert_false(mail_token_valid("rH6DkWfJYRn78EOobQrP4O5E2UA+Uhe_dye3ITW_twc"));
    assert_false(mail_token_valid(NULL));
}

static void backoff_doubles_to_its_cap(void **state)
{
    (void)state;
    config_smtp_t c = {.retry_min = 30, .retry_max = 3600};
    assert_int_equal(mail_backoff(&c, 1), 30);
    assert_int_equal(mail_backoff(&c, 2), 60);
    assert_int_equal(mail_backoff(&c, 5), 480);
    assert_int_equal(mail_backoff(&c, 8), 3600);
    assert_int_equal(mail_backoff(&c, 1000), 3600);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(headers_and_parts),
        cmocka_unit_test(korean_subject_is_encoded_words),
        cmocka_unit_test(bad_values_are_refused),
        cmocka_unit_test(addresses_and_tokens),
        cmocka_unit_test(backoff_doubles_to_its_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
