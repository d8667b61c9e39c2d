/* The per-test fixture of the jose unit tests: each test gets a fresh arena
 * of ARENA_CAP bytes in *state, freed after it. Include after cmocka.h. */
#ifndef GH_TESTS_JOSE_ARENA_FIXTURE_H
#define GH_TESTS_JOSE_ARENA_FIXTURE_H

#include "core/arena.h"

#define ARENA_CAP (1 << 20)

static int arena_setup(void **state)
{
    *state = arena_new(ARENA_CAP);
    return *state ? 0 : -1;
}

static int arena_teardown(void **state)
{
    arena_free(*state);
    return 0;
}

#endif
