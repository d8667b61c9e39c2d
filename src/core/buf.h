/* Growable output buffer backed by an arena.
 *
 * Appends never fail loudly: the first allocation failure sets `failed`, later
 * appends do nothing, and buf_cstr() returns NULL, so a caller checks once at
 * the end. The data is always NUL-terminated while not failed. */
#ifndef GH_CORE_BUF_H
#define GH_CORE_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

typedef struct {
    arena_t *arena;
    char *data;
    size_t len, cap;
    bool failed;
} buf_t;

void buf_init(buf_t *b, arena_t *a);
void buf_append(buf_t *b, const void *p, size_t n);
void buf_puts(buf_t *b, const char *s);
void buf_putc(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The contents, NUL-terminated and owned by the arena; NULL if any append failed. */
const char *buf_cstr(const buf_t *b);

#endif
