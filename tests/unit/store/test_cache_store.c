/* The store's memory (store_cache_start, store/cache.h, pg_listen.c) on the
 * engine of $GH_TEST_DB: on PostgreSQL two instances (two stores with their
 * memory) and a writer without one (as a CLI command is) share the
 * database. A token's member and client are read from memory the second
 * time, with no round trip; every change the writer makes (a token denied,
 * a member changed, disabled or removed, a client changed) holds on both
 * instances the moment the writer's call returns; an instance that holds a
 * lease but never answers makes writers wait until its lease ends, and no
 * longer. On SQLite store_cache_start does nothing and reads go on. */
#define FIXTURE_NAME "cache"
#include "store_fixture.h"

#include <time.h>

#include "core/clock.h"
#include "core/metrics.h"
#include "store/cache.h"
#include "store/db.h"

#define T0 INT64_C(1600000000)
#define NOW (T0 + 10)

static store_t *A, *B; /* two instances with their memory */

static bool on_pg(void)
{
    return !strcmp(store_engine(F.s), "postgresql");
}

/* Waits (up to 10 s) until s's memory holds a lease. */
static void wait_trusted(store_t *s)
{
    for (int i = 0; i < 1000 && !cache_trusted(s->cache); i++)
        usleep(10000);
    assert_true(cache_trusted(s->cache));
}

static int instances_setup(void **state)
{
    if (group_setup(state) != 0)
        return -1;
    if (!on_pg())
        return 0;
    if (store_open(F.url, &A) != GH_OK || store_open(F.url, &B) != GH_OK)
        return -1;
    return store_cache_start(A) == GH_OK && store_cache_start(B) == GH_OK ? 0 : -1;
}

static int instances_teardown(void **state)
{
    store_close(A);
    store_close(B);
    return group_teardown(state);
}

static const char *member(const char *tag)
{
    store_user_t u = {.sub = name(tag),
                      .username = name(tag),
                      .password_hash = "!",
                      .name = "Before",
                      .created_at = T0};
    assert_int_equal(store_user_add(F.s, &u), GH_OK);
    return u.sub;
}

static const char *client(const char *tag)
{
    static const char *uris[] = {"http://127.0.0.1/cb"};
    store_client_t c = {.id = name(tag),
                        .name = "Before",
                        .redirect_uris = uris,
                        .redirect_uri_count = 1,
                        .scope = "openid",
                        .grants = STORE_GRANT_AUTHORIZATION_CODE,
                        .is_public = true,
                        .created_at = T0};
    assert_int_equal(store_client_add(F.s, &c), GH_OK);
    return c.id;
}

typedef struct {
    store_user_t user;
    bool revoked;
    store_client_t client;
} seen_t;

static gh_status_t for_token(store_t *s, const char *sub, const char *jti, const char *family,
                             const char *client_id, seen_t *out)
{
    return store_user_for_token(s, F.a, sub, jti, family, client_id, NOW, &out->user, &out->revoked,
                                &out->client);
}

static void on_sqlite_nothing_is_kept(void **state)
{
    if (on_pg())
        skip();
    store_t *s = NULL;
    assert_int_equal(store_open(F.url, &s), GH_OK);
    assert_int_equal(store_cache_start(s), GH_OK);
    assert_null(s->cache);
    const char *sub = member("sqlite"), *id = client("sqlite-client");
    seen_t seen;
    assert_int_equal(for_token(s, sub, "jti-1", NULL, id, &seen), GH_OK);
    assert_string_equal(seen.user.name, "Before");
    store_close(s);
}

static void the_second_read_is_from_memory(void **state)
{
    if (!on_pg())
        skip();
    wait_trusted(A);
    const char *sub = member("second"), *id = client("second-client");
    seen_t seen;
    assert_int_equal(for_token(A, sub, "jti-2", NULL, id, &seen), GH_OK);
    uint64_t trips = metrics_get(METRIC_DB_ROUND_TRIPS), hits = metrics_get(METRIC_DB_CACHE_HITS);
    assert_int_equal(for_token(A, sub, "jti-2", "family-2", id, &seen), GH_OK);
    assert_int_equal(metrics_get(METRIC_DB_ROUND_TRIPS), trips);
    assert_int_equal(metrics_get(METRIC_DB_CACHE_HITS), hits + 2);
    assert_string_equal(seen.user.sub, sub);
    assert_string_equal(seen.user.name, "Before");
    assert_string_equal(seen.client.id, id);
    assert_string_equal(seen.client.redirect_uris[0], "http://127.0.0.1/cb");
    assert_false(seen.revoked);

    store_client_t c;
    assert_int_equal(store_client_get(A, F.a, id, &c), GH_OK);
    assert_int_equal(metrics_get(METRIC_DB_ROUND_TRIPS), trips);
    const char *username = NULL;
    bool revoked = true;
    assert_int_equal(
        store_client_get_token(A, F.a, id, "jti-2", NULL, sub, NOW, &c, &revoked, &username),
        GH_OK);
    assert_int_equal(metrics_get(METRIC_DB_ROUND_TRIPS), trips);
    assert_string_equal(username, seen.user.username);
    assert_false(revoked);
}

/* Each change through F.s (no memory of its own) holds on A and B as soon
 * as its call has returned: no waiting here. */
static void changes_hold_everywhere_when_the_writer_returns(void **state)
{
    if (!on_pg())
        skip();
    wait_trusted(A);
    wait_trusted(B);
    const char *sub = member("changes"), *id = client("changes-client");
    seen_t seen;
    store_t *both[] = {A, B};
    for (int i = 0; i < 2; i++) { /* read twice: kept */
        assert_int_equal(for_token(both[i], sub, "jti-3", "family-3", id, &seen), GH_OK);
        assert_int_equal(for_token(both[i], sub, "jti-3", "family-3", id, &seen), GH_OK);
        assert_false(seen.revoked);
    }
    uint64_t hits = metrics_get(METRIC_DB_CACHE_HITS);

    assert_int_equal(store_jti_revoke(F.s, "family-3", NOW + 100, NOW), GH_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(for_token(both[i], sub, "jti-3", "family-3", id, &seen), GH_OK);
        assert_true(seen.revoked);
        assert_int_equal(for_token(both[i], sub, "jti-4", NULL, id, &seen), GH_OK);
        assert_false(seen.revoked);
    }
    assert_true(metrics_get(METRIC_DB_CACHE_HITS) > hits); /* still from memory */

    assert_int_equal(store_user_set_profile(F.s, sub, NULL, "After"), GH_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(for_token(both[i], sub, "jti-4", NULL, id, &seen), GH_OK);
        assert_string_equal(seen.user.name, "After");
    }
    assert_int_equal(store_user_set_disabled(F.s, sub, NOW), GH_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(for_token(both[i], sub, "jti-4", NULL, id, &seen), GH_OK);
        assert_int_equal(seen.user.disabled_at, NOW);
    }

    store_client_t c;
    assert_int_equal(store_client_get(F.s, F.a, id, &c), GH_OK);
    c.name = "After";
    assert_int_equal(store_client_update(F.s, &c), GH_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(store_client_get(both[i], F.a, id, &c), GH_OK);
        assert_string_equal(c.name, "After");
        assert_int_equal(for_token(both[i], sub, "jti-4", NULL, id, &seen), GH_OK);
        assert_string_equal(seen.client.name, "After");
    }
    assert_int_equal(store_client_remove(F.s, id), GH_OK);
    for (int i = 0; i < 2; i++)
        assert_int_equal(store_client_get(both[i], F.a, id, &c), GH_ERR_NOT_FOUND);

    store_user_t u;
    assert_int_equal(store_user_get(F.s, F.a, sub, &u), GH_OK);
    assert_int_equal(store_user_remove(F.s, u.username), GH_OK);
    for (int i = 0; i < 2; i++)
        assert_int_equal(for_token(both[i], sub, "jti-4", NULL, NULL, &seen), GH_ERR_NOT_FOUND);
}

/* A single-use mark (a DPoP proof's) is nobody's token: the writer does
 * not wait, and the instances keep nothing of it. */
static void single_use_marks_are_not_told(void **state)
{
    if (!on_pg())
        skip();
    assert_int_equal(store_jti_use_once(F.s, name("dpop:key:first"), NOW + 60, NOW), GH_OK);
    uint64_t trips = metrics_get(METRIC_DB_ROUND_TRIPS); /* prepared now */
    assert_int_equal(store_jti_use_once(F.s, name("dpop:key:once"), NOW + 60, NOW), GH_OK);
    assert_int_equal(metrics_get(METRIC_DB_ROUND_TRIPS) - trips, 1);
    assert_int_equal(store_jti_use_once(F.s, name("dpop:key:once"), NOW + 60, NOW),
                     GH_ERR_CONFLICT);
}

static store_sql_t SQL_GHOST =
    STORE_SQL("INSERT INTO gatehouse_cache_instances (id, lease_until, seen) "
              "VALUES (?, clock_timestamp() + interval '2 seconds', 0)");

static double seconds_since(uint64_t start_us)
{
    return (double)(clock_mono_us() - start_us) / 1e6;
}

/* An instance that holds a lease and never answers (it hung): a writer
 * waits for it until its lease ends, two seconds here, then goes on; the
 * next writer does not wait for it at all. */
static void a_silent_instance_is_waited_for_until_its_lease_ends(void **state)
{
    if (!on_pg())
        skip();
    wait_trusted(A);
    assert_int_equal(db_exec(F.s, &SQL_GHOST, "test", "s", name("ghost")), GH_OK);
    uint64_t start = clock_mono_us();
    assert_int_equal(store_jti_revoke(F.s, name("ghost-jti"), NOW + 100, NOW), GH_OK);
    double waited = seconds_since(start);
    assert_true(waited > 1.0);
    assert_true(waited < 4.5);
    seen_t seen;
    const char *sub = member("ghost-member");
    assert_int_equal(for_token(A, sub, name("ghost-jti"), NULL, NULL, &seen), GH_OK);
    assert_true(seen.revoked);
    start = clock_mono_us();
    assert_int_equal(store_jti_revoke(F.s, name("ghost-jti-2"), NOW + 100, NOW), GH_OK);
    assert_true(seconds_since(start) < 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(on_sqlite_nothing_is_kept),
        cmocka_unit_test(the_second_read_is_from_memory),
        cmocka_unit_test(changes_hold_everywhere_when_the_writer_returns),
        cmocka_unit_test(single_use_marks_are_not_told),
        cmocka_unit_test(a_silent_instance_is_waited_for_until_its_lease_ends),
    };
    return cmocka_run_group_tests(tests, instances_setup, instances_teardown);
}
