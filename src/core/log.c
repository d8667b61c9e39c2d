/* JSON log lines on stderr, each emitted by a single write(2) so lines from
 * different threads never interleave. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static log_level_t min_level = LOG_INFO;

void log_set_level(log_level_t lvl)
{
    min_level = lvl;
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

static void put_escaped(line_t *l, const char *s)
{
    put(l, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(l, esc, 2);
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(l, esc, 6);
        } else {
            put(l, (const char *)&c, 1);
        }
    }
    put(l, "\"", 1);
}

void log_event(log_level_t lvl, const char *event, ...)
{
    if (lvl < min_level)
        return;
    line_t l = {.len = 0};
    char ts[40];
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    size_t n = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(ts + n, sizeof ts - n, ".%03ldZ", now.tv_nsec / 1000000);
    put(&l, "{\"ts\":\"", 7);
    put(&l, ts, strlen(ts));
    put(&l, "\",\"level\":\"", 11);
    put(&l, level_name(lvl), strlen(level_name(lvl)));
    put(&l, "\",\"event\":", 10);
    put_escaped(&l, event);
    va_list ap;
    va_start(ap, event);
    for (const char *key = va_arg(ap, const char *); key; key = va_arg(ap, const char *)) {
        const char *value = va_arg(ap, const char *);
        put(&l, ",", 1);
        put_escaped(&l, key);
        put(&l, ":", 1);
        if (!value)
            put(&l, "null", 4);
        else if (value[0] == LOG_NUM[0])
            put(&l, value + 1, strlen(value + 1));
        else
            put_escaped(&l, value);
    }
    va_end(ap);
    memcpy(l.data + l.len, "}\n", 2);
    l.len += 2;
    ssize_t ignored = write(STDERR_FILENO, l.data, l.len);
    (void)ignored;
}
