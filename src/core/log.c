/* Log lines on stderr, JSON or text, each emitted by a single write(2) so
 * lines from different threads never interleave. The level and the format
 * are atomics: a reload (SIGHUP) changes them while workers log. */
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Atomic log_level_t min_level = LOG_INFO;
static _Atomic log_format_t line_format = LOG_FORMAT_JSON;

void log_set_level(log_level_t lvl)
{
    atomic_store(&min_level, lvl);
}

void log_set_format(log_format_t format)
{
    atomic_store(&line_format, format);
}

static const char *level_name(log_level_t lvl)
{
    switch (lvl) {
    case LOG_DEBUG:
        return "debug";
    case LOG_INFO:
        return "info";
    case LOG_WARN:
        return "warn";
    case LOG_ERROR:
        return "error";
    }
    return "info";
}

typedef struct {
    char data[4096];
    size_t len;
} line_t;

static void put(line_t *l, const char *s, size_t n)
{
    if (n > sizeof l->data - 2 - l->len)
        n = sizeof l->data - 2 - l->len; /* truncate, keep room for "}\n" */
    memcpy(l->data + l->len, s, n);
    l->len += n;
}

/* Bytes a JSON string may hold as they are (RFC 8259 §7), DEL aside. */
static bool is_plain(unsigned char c)
{
    return c >= 0x20 && c != '"' && c != '\\' && c != 0x7f;
}

/* Appends the escape of one byte that is not plain: \" \\ or \u00XX. */
static void put_escape(line_t *l, unsigned char c)
{
    static const char HEX[] = "0123456789abcdef";
    char esc[6] = {'\\', (char)c};
    if (c == '"' || c == '\\') {
        put(l, esc, 2);
        return;
    }
    memcpy(esc + 1, "u00", 3);
    esc[4] = HEX[c >> 4];
    esc[5] = HEX[c & 15];
    put(l, esc, 6);
}

/* Appends s as a JSON string, its runs of plain bytes copied whole. */
static void put_escaped(line_t *l, const char *s)
{
    put(l, "\"", 1);
    while (*s) {
        const char *run = s;
        while (is_plain((unsigned char)*s))
            s++;
        put(l, run, (size_t)(s - run));
        if (*s)
            put_escape(l, (unsigned char)*s++);
    }
    put(l, "\"", 1);
}

/* Formats the time of a line, "YYYY-MM-DDTHH:MM:SS.mmmZ", into
 * ts[TS_SECONDS_MAX + 5] and returns its length. The part up to the seconds
 * is made by strftime once a second per thread and kept; only the
 * milliseconds are formatted per line. */
#define TS_SECONDS_MAX 32

static size_t format_time(char *ts)
{
    static _Thread_local time_t cached_sec = -1;
    static _Thread_local char cached[TS_SECONDS_MAX];
    static _Thread_local size_t cached_len;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (now.tv_sec != cached_sec) {
        struct tm tm;
        gmtime_r(&now.tv_sec, &tm);
        cached_len = strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
        cached_sec = now.tv_sec;
    }
    unsigned ms = (unsigned)(now.tv_nsec / 1000000);
    memcpy(ts, cached, cached_len);
    char *p = ts + cached_len;
    p[0] = '.';
    p[1] = (char)('0' + ms / 100);
    p[2] = (char)('0' + ms / 10 % 10);
    p[3] = (char)('0' + ms % 10);
    p[4] = 'Z';
    return cached_len + 5;
}

/* A text value as it is when it holds nothing that would make the line
 * ambiguous (spaces, quotes, '=', control bytes), else as a JSON string. */
static void put_text_value(line_t *l, const char *v)
{
    bool bare = *v != '\0';
    for (const char *p = v; *p && bare; p++)
        bare = is_plain((unsigned char)*p) && *p != ' ' && *p != '=';
    if (bare)
        put(l, v, strlen(v));
    else
        put_escaped(l, v);
}

static void put_head(line_t *l, bool text, log_level_t lvl, const char *event)
{
    char ts[TS_SECONDS_MAX + 5];
    size_t ts_len = format_time(ts);
    const char *level = level_name(lvl);
    if (text) {
        put(l, ts, ts_len);
        put(l, " ", 1);
        put(l, level, strlen(level));
        put(l, " ", 1);
        put_text_value(l, event);
        return;
    }
    put(l, "{\"ts\":\"", 7);
    put(l, ts, ts_len);
    put(l, "\",\"level\":\"", 11);
    put(l, level, strlen(level));
    put(l, "\",\"event\":", 10);
    put_escaped(l, event);
}

static void put_field(line_t *l, bool text, const char *key, const char *value)
{
    put(l, text ? " " : ",", 1);
    if (text)
        put_text_value(l, key);
    else
        put_escaped(l, key);
    put(l, text ? "=" : ":", 1);
    if (!value)
        put(l, "null", 4);
    else if (value[0] == LOG_NUM[0])
        put(l, value + 1, strlen(value + 1));
    else if (text)
        put_text_value(l, value);
    else
        put_escaped(l, value);
}

void log_event(log_level_t lvl, const char *event, ...)
{
    if (lvl < atomic_load(&min_level))
        return;
    bool text = atomic_load(&line_format) == LOG_FORMAT_TEXT;
    line_t l = {.len = 0};
    put_head(&l, text, lvl, event);
    va_list ap;
    va_start(ap, event);
    for (const char *key = va_arg(ap, const char *); key; key = va_arg(ap, const char *))
        put_field(&l, text, key, va_arg(ap, const char *));
    va_end(ap);
    if (text) {
        l.data[l.len++] = '\n';
    } else {
        memcpy(l.data + l.len, "}\n", 2);
        l.len += 2;
    }
    ssize_t ignored = write(STDERR_FILENO, l.data, l.len);
    (void)ignored;
}
