/* The fixture the feature store tests share (test_gateway_store.c,
 * test_federation_store.c): one store for the whole group, $GH_TEST_DB when
 * set (rows then carry a per-run random suffix, name()), otherwise a fresh
 * sqlite: file in a temporary directory named after FIXTURE_NAME. */
#ifndef GH_TESTS_STORE_FIXTURE_H
#define GH_TESTS_STORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/secret.h"
#include "store/store.h"

static struct {
    store_t *s;
    arena_t *a;
    char dir[64];
    char *url;
    char run[33];
} F;

static int group_setup(void **state)
{
    const char *env = getenv("GH_TEST_DB");
    F.a = arena_new(1 << 20);
    strcpy(F.run, secret_hex_id(F.a, 16));
    if (env && *env) {
        F.url = strdup(env);
    } else {
        strcpy(F.dir, "/tmp/gh-" FIXTURE_NAME "-XXXXXX");
        assert_non_null(mkdtemp(F.dir));
        assert_int_not_equal(asprintf(&F.url, "sqlite:%s/" FIXTURE_NAME ".db", F.dir), -1);
    }
    return store_open(F.url, &F.s) == GH_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    store_close(F.s);
    if (F.dir[0]) {
        char *cmd = NULL;
        assert_int_not_equal(asprintf(&cmd, "rm -rf '%s'", F.dir), -1);
        assert_int_equal(system(cmd), 0);
        free(cmd);
    }
    free(F.url);
    arena_free(F.a);
    return 0;
}

/* what, made unique to this run. */
static const char *name(const char *what)
{
    return arena_printf(F.a, "%s-%s", what, F.run);
}

#endif
