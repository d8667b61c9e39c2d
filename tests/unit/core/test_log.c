/* Unit tests: the JSON log line (core/log.c), byte for byte. stderr is sent
 * to a temporary file while log_event runs; each line is compared with one
 * built here by the plain rules: every byte escaped on its own with
 * snprintf, the time from strftime, the line cut at 4,094 bytes before its
 * closing "}\n". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

#define LINE_MAX_BYTES 4096

/* Runs log_event(LOG_INFO, event, key, value, NULL) with stderr captured;
 * the line goes to line[] (NUL-terminated), the time just before and just
 * after to *before and *after. */
static size_t capture(const char *event, const char *key, const char *value, char *line,
                      struct timespec *before, struct timespec *after)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0 && dup2(fileno(f), STDERR_FILENO) >= 0);
    clock_gettime(CLOCK_REALTIME, before);
    log_event(LOG_INFO, event, key, value, NULL);
    clock_gettime(CLOCK_REALTIME, after);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    ssize_t n = pread(fileno(f), line, LINE_MAX_BYTES + 1, 0);
    fclose(f);
    assert_true(n > 0 && n <= LINE_MAX_BYTES);
    line[n] = '\0';
    return (size_t)n;
}

/* The reference escaping: one byte at a time. */
static size_t ref_escaped(char *out, const char *s)
{
    size_t o = 0;
    out[o++] = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            o += (size_t)sprintf(out + o, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            o += (size_t)sprintf(out + o, "\\u%04x", c);
        else
            out[o++] = (char)c;
    }
    out[o++] = '"';
    out[o] = '\0';
    return o;
}

/* The line log_event must write for the time t and these fields. */
static void ref_line(char *out, const struct timespec *t, const char *event, const char *key,
                     const char *value)
{
    static char esc[3][4 * LINE_MAX_BYTES];
    struct tm tm;
    char ts[40];
    gmtime_r(&t->tv_sec, &tm);
    size_t n = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(ts + n, sizeof ts - n, ".%03ldZ", t->tv_nsec / 1000000);
    ref_escaped(esc[0], event);
    ref_escaped(esc[1], key);
    if (value[0] == LOG_NUM[0])
        snprintf(esc[2], sizeof esc[2], "%s", value + 1); /* a number, unquoted */
    else
        ref_escaped(esc[2], value);
    static char full[16 * LINE_MAX_BYTES];
    int len = snprintf(full, sizeof full, "{\"ts\":\"%s\",\"level\":\"info\",\"event\":%s,%s:%s",
                       ts, esc[0], esc[1], esc[2]);
    size_t keep = (size_t)len < LINE_MAX_BYTES - 2 ? (size_t)len : LINE_MAX_BYTES - 2;
    memcpy(out, full, keep);
    memcpy(out + keep, "}\n", 3);
}

/* The line is the reference line for one of the milliseconds between the
 * clock readings before and after it was written. */
static void check_line(const char *event, const char *key, const char *value)
{
    static char got[LINE_MAX_BYTES + 1], want[LINE_MAX_BYTES + 1];
    struct timespec t, after;
    capture(event, key, value, got, &t, &after);
    t.tv_nsec -= t.tv_nsec % 1000000;
    for (;;) {
        ref_line(want, &t, event, key, value);
        if (strcmp(got, want) == 0)
            return;
        t.tv_nsec += 1000000;
        if (t.tv_nsec >= 1000000000) {
            t.tv_sec++;
            t.tv_nsec = 0;
        }
        if (t.tv_sec > after.tv_sec || (t.tv_sec == after.tv_sec && t.tv_nsec > after.tv_nsec))
            fail_msg("log line\n got: %s\nwant: %s", got, want);
    }
}

/* Every byte value 1..255 in a value, in the event and in a key. */
static void every_byte_is_escaped_as_before(void **state)
{
    char all[257] = "v"; /* a value starting with LOG_NUM is a number */
    for (int i = 1; i < 256; i++)
        all[i] = (char)i;
    all[256] = '\0';
    check_line("request", "path", all);
    check_line("request", "status", LOG_NUM "200");
    check_line(all, "k", "v");
    check_line("e", all, "v");
    for (int i = 1; i < 256; i++) {
        char s[] = {'a', (char)i, 'b', (char)i, '\0'};
        check_line("request", "method", s);
    }
}

/* Lines longer than the limit are cut at the same byte, escapes included. */
static void long_lines_are_cut_as_before(void **state)
{
    static char value[6000];
    for (size_t cut = 4000; cut < 4100; cut++) {
        memset(value, 'x', cut);
        memcpy(value + cut, "\x01\"\\\x1f", 5);
        check_line("request", "path", value);
    }
}

/* Many lines in a row: each carries the time it was written at (the
 * seconds are kept from one line to the next). */
static void time_of_each_line(void **state)
{
    for (int i = 0; i < 2000; i++)
        check_line("tick", "i", "x");
    struct timespec pause = {0, 1100 * 1000 * 1000 / 2};
    nanosleep(&pause, NULL);
    nanosleep(&pause, NULL);
    check_line("tick", "i", "after a second");
}

/* Runs fn with stderr captured into out (NUL-terminated); the bytes written. */
static size_t capture_any(void (*fn)(void), char *out, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0 && dup2(fileno(f), STDERR_FILENO) >= 0);
    fn();
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    ssize_t n = pread(fileno(f), out, len - 1, 0);
    fclose(f);
    assert_true(n >= 0);
    out[n] = '\0';
    return (size_t)n;
}

static void log_mixed(void)
{
    log_event(LOG_WARN, "reloaded", "what", "signing keys", "listen", "127.0.0.1:8080", "empty", "",
              "eq", "a=b", "status", LOG_NUM "200", "none", NULL, "quote", "say \"hi\"", NULL);
}

static void log_info_and_error(void)
{
    log_event(LOG_INFO, "dropped", NULL);
    log_event(LOG_ERROR, "kept", NULL);
}

/* log_format = text: "TS LEVEL event key=value ...", values quoted only
 * where they would be ambiguous, as JSON strings. */
static void text_format(void **state)
{
    char got[512];
    log_set_format(LOG_FORMAT_TEXT);
    capture_any(log_mixed, got, sizeof got);
    log_set_format(LOG_FORMAT_JSON);
    const char *rest = strchr(got, ' ');
    assert_non_null(rest);
    assert_int_equal(rest - got, 24); /* 2024-05-01T12:00:00.000Z */
    assert_string_equal(rest,
                        " warn reloaded what=\"signing keys\" listen=127.0.0.1:8080 "
                        "empty=\"\" eq=\"a=b\" status=200 none=null quote=\"say \\\"hi\\\"\"\n");
}

/* log_set_level drops the lines below it. */
static void level_filter(void **state)
{
    char got[512];
    log_set_level(LOG_WARN);
    capture_any(log_info_and_error, got, sizeof got);
    log_set_level(LOG_INFO);
    assert_null(strstr(got, "dropped"));
    assert_non_null(strstr(got, "\"event\":\"kept\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_byte_is_escaped_as_before),
        cmocka_unit_test(long_lines_are_cut_as_before),
        cmocka_unit_test(time_of_each_line),
        cmocka_unit_test(text_format),
        cmocka_unit_test(level_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
