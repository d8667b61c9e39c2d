/* Structured logging: one JSON object per line on stderr, or, for people
 * reading a terminal, one text line per event (log_set_format).
 *
 * Fields are string key/value pairs; values are JSON-escaped here, so any
 * text may be passed. Never pass a secret (passwords, tokens, codes, client
 * secrets): the log is not a secure place. Safe to call from any thread; each
 * line is written with one write(2). */
#ifndef GH_CORE_LOG_H
#define GH_CORE_LOG_H

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level_t;

typedef enum { LOG_FORMAT_JSON, LOG_FORMAT_TEXT } log_format_t;

/* Lines below this level are dropped (default LOG_INFO). */
void log_set_level(log_level_t lvl);

/* JSON lines (the default), or text: "TS LEVEL event key=value ...", a value
 * quoted as a JSON string when it holds a space, a quote, '=' or a control
 * byte, or is empty. May be called while other threads log. */
void log_set_format(log_format_t format);

/* Writes {"ts":…,"level":…,"event":event,key:value,…} (or its text line). The variadic part is
 * pairs of const char *key, const char *value, ended by a NULL key. A NULL
 * value is written as null. Values that are numbers may be prefixed with
 * LOG_NUM, which marks them to be written unquoted. */
void log_event(log_level_t lvl, const char *event, ...) __attribute__((sentinel));

/* Prefix that makes log_event write a value unquoted; the string must be a
 * valid JSON number. Use as log_event(..., "status", LOG_NUM "200", NULL). */
#define LOG_NUM "\x01"

#endif
