/* The store's memory itself (store/cache.c), without a database: a row's
 * columns recorded as a reader reads them and read back the same; a row
 * read before a change is not kept after it; the denylist by expiry; trust
 * only while the lease runs; a denylist past its bound is never trusted
 * rather than forgetting a revocation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "store/cache.h"

/* An engine's row made of fixed values: texts (NULL for SQL NULL) and
 * integers, in column order. */
typedef struct {
    store_row_t row;
    const char *texts[4];
    int64_t ints[4];
} fake_row_t;

static char *fake_text(store_row_t *r, arena_t *a)
{
    fake_row_t *f = (fake_row_t *)r;
    const char *v = f->texts[r->col++];
    return v ? arena_strdup(a, v) : NULL;
}

static int64_t fake_int(store_row_t *r)
{
    fake_row_t *f = (fake_row_t *)r;
    return f->ints[r->col++];
}

static const store_row_ops_t FAKE_OPS = {.text = fake_text, .integer = fake_int};

typedef struct {
    char *name, *nothing;
    int64_t number;
} record_t;

/* text, text (NULL), integer */
static gh_status_t read_record(store_row_t *r, arena_t *a, void *row)
{
    record_t *out = row;
    out->name = store_row_text(r, a);
    out->nothing = store_row_text(r, a);
    out->number = store_row_int(r);
    return r->oom ? GH_ERR_NOMEM : GH_OK;
}

static void keep(store_cache_t *c, const char *key, const char *name, int64_t number,
                 uint64_t generation)
{
    fake_row_t f = {.row = {.ops = &FAKE_OPS}, .texts = {name, NULL, NULL}, .ints = {0, 0, number}};
    cache_tape_t tape;
    record_t rec;
    arena_t *a = arena_new(4096);
    assert_int_equal(read_record(cache_tape_start(&tape, &f.row, c), a, &rec), GH_OK);
    assert_string_equal(rec.name, name); /* the reader got the engine's values through the tape */
    assert_int_equal(rec.number, number);
    cache_tape_keep(c, CACHE_MEMBERS, key, generation, &tape, true);
    arena_free(a);
}

static void a_kept_row_reads_back_the_same(void **state)
{
    store_cache_t *c = cache_new();
    arena_t *a = arena_new(4096);
    record_t rec;
    keep(c, "sub-1", "Ada", 42, cache_generation(c));
    assert_true(cache_row_get(c, CACHE_MEMBERS, "sub-1", read_record, a, &rec));
    assert_string_equal(rec.name, "Ada");
    assert_null(rec.nothing);
    assert_int_equal(rec.number, 42);
    assert_false(cache_row_get(c, CACHE_CLIENTS, "sub-1", read_record, a, &rec)); /* per kind */
    assert_false(cache_row_get(c, CACHE_MEMBERS, "sub-2", read_record, a, &rec));
    cache_drop(c, CACHE_MEMBERS, "sub-1");
    assert_false(cache_row_get(c, CACHE_MEMBERS, "sub-1", read_record, a, &rec));
    arena_free(a);
    cache_free(c);
}

static void a_row_read_before_a_change_is_not_kept(void **state)
{
    store_cache_t *c = cache_new();
    arena_t *a = arena_new(4096);
    record_t rec;
    uint64_t before = cache_generation(c);
    cache_drop(c, CACHE_MEMBERS, "someone-else"); /* any change meanwhile */
    keep(c, "sub-1", "Stale", 1, before);
    assert_false(cache_row_get(c, CACHE_MEMBERS, "sub-1", read_record, a, &rec));
    before = cache_generation(c);
    cache_deny(c, "jti", 100);
    keep(c, "sub-1", "Stale", 1, before);
    assert_false(cache_row_get(c, CACHE_MEMBERS, "sub-1", read_record, a, &rec));
    keep(c, "sub-1", "Fresh", 2, cache_generation(c));
    assert_true(cache_row_get(c, CACHE_MEMBERS, "sub-1", read_record, a, &rec));
    assert_string_equal(rec.name, "Fresh");
    arena_free(a);
    cache_free(c);
}

/* A reader that reads a column as another type than was recorded: a bug,
 * answered as a miss rather than a wrong value. */
static gh_status_t read_all_texts(store_row_t *r, arena_t *a, void *row)
{
    record_t *out = row;
    out->name = store_row_text(r, a);
    out->nothing = store_row_text(r, a);
    out->name = store_row_text(r, a); /* recorded as an integer */
    return GH_OK;
}

static void a_reader_that_does_not_match_its_tape_misses(void **state)
{
    store_cache_t *c = cache_new();
    arena_t *a = arena_new(4096);
    record_t rec;
    keep(c, "sub-1", "Ada", 42, cache_generation(c));
    assert_false(cache_row_get(c, CACHE_MEMBERS, "sub-1", read_all_texts, a, &rec));
    arena_free(a);
    cache_free(c);
}

static void the_denylist_holds_until_expiry(void **state)
{
    store_cache_t *c = cache_new();
    cache_deny(c, "jti-1", 100);
    cache_deny(c, "jti-1", 50); /* an earlier expiry never shortens it */
    assert_true(cache_denied(c, "jti-1", 99));
    assert_false(cache_denied(c, "jti-1", 100));
    assert_false(cache_denied(c, "jti-2", 0));
    assert_false(cache_denied(c, NULL, 0));
    cache_deny(c, "family-1", 200);
    assert_true(cache_token_denied(c, "jti-3", "family-1", 150));
    assert_false(cache_token_denied(c, "jti-3", NULL, 150));
    cache_sweep(c, 150);
    assert_false(cache_denied(c, "jti-1", 0)); /* swept */
    assert_true(cache_denied(c, "family-1", 150));
    cache_free(c);
}

static void trusted_only_while_the_lease_runs(void **state)
{
    store_cache_t *c = cache_new();
    assert_false(cache_trusted(NULL));
    assert_false(cache_trusted(c));
    cache_trust_until(c, cache_clock_us() + 1000000);
    assert_true(cache_trusted(c));
    cache_trust_until(c, cache_clock_us() - 1);
    assert_false(cache_trusted(c));
    cache_trust_until(c, cache_clock_us() + 1000000);
    cache_clear(c);
    assert_false(cache_trusted(c));
    cache_free(c);
}

static void a_denylist_past_its_bound_is_not_trusted(void **state)
{
    store_cache_t *c = cache_new();
    cache_trust_until(c, cache_clock_us() + 60000000);
    char key[32];
    for (unsigned i = 0; i <= (1u << 20); i++) {
        snprintf(key, sizeof key, "jti-%u", i);
        cache_deny(c, key, 100);
    }
    assert_false(cache_trusted(c));
    cache_trust_until(c, cache_clock_us() + 60000000); /* renewals do not restore it */
    assert_false(cache_trusted(c));
    cache_clear(c); /* a new lease starts from nothing */
    cache_trust_until(c, cache_clock_us() + 60000000);
    assert_true(cache_trusted(c));
    cache_free(c);
}

static void rows_past_their_bound_start_afresh(void **state)
{
    store_cache_t *c = cache_new();
    arena_t *a = arena_new(4096);
    record_t rec;
    char key[32];
    for (int i = 0; i < 8192; i++) {
        snprintf(key, sizeof key, "sub-%d", i);
        keep(c, key, "Ada", i, cache_generation(c));
    }
    assert_true(cache_row_get(c, CACHE_MEMBERS, "sub-0", read_record, a, &rec));
    keep(c, "sub-new", "Bea", 1, cache_generation(c));
    assert_false(cache_row_get(c, CACHE_MEMBERS, "sub-0", read_record, a, &rec));
    assert_true(cache_row_get(c, CACHE_MEMBERS, "sub-new", read_record, a, &rec));
    arena_free(a);
    cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_kept_row_reads_back_the_same),
        cmocka_unit_test(a_row_read_before_a_change_is_not_kept),
        cmocka_unit_test(a_reader_that_does_not_match_its_tape_misses),
        cmocka_unit_test(the_denylist_holds_until_expiry),
        cmocka_unit_test(trusted_only_while_the_lease_runs),
        cmocka_unit_test(a_denylist_past_its_bound_is_not_trusted),
        cmocka_unit_test(rows_past_their_bound_start_afresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
