/* Shared by the fuzz targets (tests/fuzz/fuzz_*.c): each defines
 * LLVMFuzzerTestOneInput, linked either with libFuzzer (GH_FUZZ=ON, `make
 * fuzz`) or with replay.c, which feeds it the seed corpus in `make test`.
 *
 * A target calls one parser of untrusted input with the bytes it is given
 * and checks what the parser promises (FUZZ_CHECK aborts, so libFuzzer and
 * the replay both report it as a crash; assert is compiled out of release
 * builds). Each input gets a fresh arena, freed before returning, so leaks
 * show under LeakSanitizer. */
#ifndef GH_TESTS_FUZZ_H
#define GH_TESTS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

/* The per-request arena cap of the HTTP server's default. */
#define FUZZ_ARENA_CAP ((size_t)1 << 20)

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string in a (it ends at the first NUL byte,
 * as a C string from the HTTP layer would); NULL when the arena is full. */
static inline char *fuzz_cstr(arena_t *a, const uint8_t *data, size_t size)
{
    return arena_strndup(a, (const char *)data, size);
}

/* Splits the input at its first byte sep: *rest (may be NULL) gets what
 * follows it; the result is what precedes it (the whole input when there is
 * no sep). Both NUL-terminated in a. */
static inline char *fuzz_split(arena_t *a, const uint8_t *data, size_t size, char sep, char **rest)
{
    const uint8_t *at = size ? memchr(data, sep, size) : NULL;
    size_t n = at ? (size_t)(at - data) : size;
    *rest = at ? arena_strndup(a, (const char *)at + 1, size - n - 1) : NULL;
    return arena_strndup(a, (const char *)data, n);
}

#endif
