/* Region allocator: one arena per request (or per CLI command).
 *
 * Everything allocated from an arena is released at once by arena_free().
 * An arena has a hard cap on the bytes it hands out; past it every allocation
 * returns NULL. Cleanup hooks registered with arena_defer() run, last
 * registered first, before the memory goes, so library objects (json_t,
 * PGresult) can live exactly as long as the request. */
#ifndef GH_CORE_ARENA_H
#define GH_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena_t;

/* A new arena handing out at most cap bytes; NULL when malloc fails. */
arena_t *arena_new(size_t cap);

/* Runs the cleanup hooks, then frees all memory. arena_free(NULL) does nothing. */
void arena_free(arena_t *a);

/* n zeroed bytes aligned for any type, or NULL when the cap is reached. */
void *arena_alloc(arena_t *a, size_t n);

/* A NUL-terminated copy of the n bytes at s, or NULL. */
char *arena_strndup(arena_t *a, const char *s, size_t n);

/* A copy of the string s (NULL gives NULL). */
char *arena_strdup(arena_t *a, const char *s);

/* printf into the arena; NULL on overflow of the cap or a format error. */
char *arena_printf(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena_t *a, const char *fmt, va_list ap);

/* Registers fn(p) to run when the arena is freed; returns 0, or -1 when out of
 * memory (then fn(p) runs at once, so the object is never leaked). */
int arena_defer(arena_t *a, void (*fn)(void *), void *p);

/* Bytes handed out so far (for tests and metrics). */
size_t arena_used(const arena_t *a);

#endif
