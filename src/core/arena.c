/* Region allocator: a chain of blocks, each twice the last, bump-allocated.
 * Invariant: a->used never exceeds a->cap. */
#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN 16
#define FIRST_BLOCK 4096

struct block {
    struct block *next;
    size_t size, pos;
    _Alignas(ALIGN) unsigned char data[];
};

struct cleanup {
    struct cleanup *next;
    void (*fn)(void *);
    void *p;
};

struct arena {
    struct block *head;
    struct cleanup *cleanups;
    size_t cap, used, next_size;
};

arena_t *arena_new(size_t cap)
{
    arena_t *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->cap = cap;
    a->next_size = FIRST_BLOCK;
    return a;
}

void arena_free(arena_t *a)
{
    if (!a)
        return;
    for (struct cleanup *c = a->cleanups; c; c = c->next)
        c->fn(c->p);
    struct block *b = a->head;
    while (b) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

static struct block *grow(arena_t *a, size_t n)
{
    size_t size = a->next_size;
    while (size < n)
        size *= 2;
    struct block *b = malloc(sizeof *b + size);
    if (!b)
        return NULL;
    b->size = size;
    b->pos = 0;
    b->next = a->head;
    a->head = b;
    if (a->next_size < (1u << 20))
        a->next_size *= 2;
    return b;
}

void *arena_alloc(arena_t *a, size_t n)
{
    if (!a)
        return NULL;
    if (n > a->cap - a->used)
        return NULL; /* also keeps the rounding below from overflowing */
    size_t rounded = n ? (n + ALIGN - 1) & ~(size_t)(ALIGN - 1) : ALIGN;
    if (rounded > a->cap - a->used)
        return NULL;
    struct block *b = a->head;
    if (!b || b->size - b->pos < rounded) {
        b = grow(a, rounded);
        if (!b)
            return NULL;
    }
    void *p = b->data + b->pos;
    b->pos += rounded;
    a->used += rounded;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *d = arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *arena_strdup(arena_t *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena_t *a, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *d = arena_alloc(a, (size_t)n + 1);
    if (!d)
        return NULL;
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    return d;
}

char *arena_printf(arena_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return d;
}

int arena_defer(arena_t *a, void (*fn)(void *), void *p)
{
    struct cleanup *c = a ? arena_alloc(a, sizeof *c) : NULL;
    if (!c) {
        fn(p);
        return -1;
    }
    c->fn = fn;
    c->p = p;
    c->next = a->cleanups;
    a->cleanups = c;
    return 0;
}

size_t arena_used(const arena_t *a)
{
    return a ? a->used : 0;
}
