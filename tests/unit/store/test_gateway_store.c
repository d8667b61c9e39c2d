/* The gateway's store operations, written against store.h only (every
 * engine must pass): single-use login states, the user upsert that commits
 * with its first refresh record, token replacement, refresh rotation with
 * reuse detection, logout and account deletion, and single use under
 * concurrent callers (one connection per thread). The database is
 * $GH_TEST_DB when set (rows then carry a per-run random suffix), otherwise a
 * fresh sqlite: file. Times are made up: the store never reads the clock. */
#include <pthread.h>

#define FIXTURE_NAME "gwstore"
#include "store_fixture.h"

#define T0 INT64_C(1700000000)
#define RACERS 8

static void test_state_single_use(void **state)
{
    store_gw_state_t in = {name("state1"), "naver", "n0nce", T0 + 600, "b1nding"}, out;
    assert_int_equal(store_gw_state_put(F.s, &in), GH_OK);
    assert_int_equal(store_gw_state_put(F.s, &in), GH_ERR_CONFLICT);
    assert_int_equal(store_gw_state_take(F.s, F.a, in.digest, T0, &out), GH_OK);
    assert_string_equal(out.platform, "naver");
    assert_string_equal(out.nonce, "n0nce");
    assert_string_equal(out.binding, "b1nding");
    assert_int_equal(store_gw_state_take(F.s, F.a, in.digest, T0 + 1, &out), GH_ERR_CONFLICT);
    assert_int_equal(store_gw_state_take(F.s, F.a, name("unknown"), T0, &out), GH_ERR_NOT_FOUND);
}

static void test_state_expires(void **state)
{
    store_gw_state_t in = {name("state2"), "kakao", NULL, T0 + 600, NULL}, out;
    assert_int_equal(store_gw_state_put(F.s, &in), GH_OK);
    assert_int_equal(store_gw_state_take(F.s, F.a, in.digest, T0 + 600, &out), GH_ERR_NOT_FOUND);
}

static const char *login(const char *puid, const char *email, const char *refresh_digest)
{
    store_gw_user_t u = {name(puid), "github", name(puid), email, "Name", NULL, "sealed", T0, T0};
    store_gw_refresh_t r = {refresh_digest, NULL, T0 + 1000};
    const char *id = NULL;
    assert_int_equal(store_gw_user_login(F.s, F.a, &u, &r, &id), GH_OK);
    return id;
}

static void test_user_upsert_keeps_id(void **state)
{
    const char *id = login("u1", "a@example.com", name("r1"));
    store_gw_user_t again = {name("other-id"), "github", name("u1"), NULL, "New", "pic", "t2",
                             T0 + 5,           T0 + 5};
    store_gw_refresh_t r = {name("r2"), NULL, T0 + 1000};
    const char *id2 = NULL;
    assert_int_equal(store_gw_user_login(F.s, F.a, &again, &r, &id2), GH_OK);
    assert_string_equal(id, id2);
    store_gw_user_t got;
    assert_int_equal(store_gw_user_get(F.s, F.a, id, &got), GH_OK);
    assert_null(got.email); /* no longer consented: not kept */
    assert_string_equal(got.name, "New");
    assert_string_equal(got.profile, "pic");
    assert_string_equal(got.tokens, "t2");
    assert_int_equal(got.created_at, T0);
    assert_int_equal(store_gw_user_set_tokens(F.s, id, "t3", T0 + 9), GH_OK);
    assert_int_equal(store_gw_user_get(F.s, F.a, id, &got), GH_OK);
    assert_string_equal(got.tokens, "t3");
    assert_int_equal(store_gw_user_set_tokens(F.s, name("nobody"), "t", T0), GH_ERR_NOT_FOUND);
}

static void test_refresh_rotation(void **state)
{
    const char *id = login("u2", NULL, name("r3"));
    store_gw_refresh_t next = {name("r4"), NULL, T0 + 2000};
    const char *who = NULL;
    assert_int_equal(store_gw_refresh_rotate(F.s, F.a, name("r3"), T0 + 1, 0, &next, &who), GH_OK);
    assert_string_equal(who, id);
    /* the rotated record is spent; its reuse ends the user's other records too */
    store_gw_refresh_t next2 = {name("r5"), NULL, T0 + 2000};
    assert_int_equal(store_gw_refresh_rotate(F.s, F.a, name("r3"), T0 + 2, 0, &next2, &who),
                     GH_ERR_CONFLICT);
    store_gw_refresh_t next3 = {name("r6"), NULL, T0 + 2000};
    assert_int_equal(store_gw_refresh_rotate(F.s, F.a, name("r4"), T0 + 3, 0, &next3, &who),
                     GH_ERR_NOT_FOUND);
    /* expired */
    login("u3", NULL, name("r7"));
    store_gw_refresh_t next4 = {name("r8"), NULL, T0 + 3000};
    assert_int_equal(store_gw_refresh_rotate(F.s, F.a, name("r7"), T0 + 1000, 0, &next4, &who),
                     GH_ERR_NOT_FOUND);
}

/* Within the grace period the just-rotated record gives another successor of
 * the same user (and the first use's time is kept); after it, reuse. */
static void test_refresh_grace(void **state)
{
    const char *id = login("u5", NULL, name("g1"));
    const char *who = NULL;
    store_gw_refresh_t a = {name("g2"), NULL, T0 + 2000}, b = {name("g3"), NULL, T0 + 2000},
                       c = {name("g4"), NULL, T0 + 2000}, d = {name("g5"), NULL, T0 + 2000};
    assert_int_equal(store_gw_refresh_rotate(F.s, F.a, name("g1"), T0 + 10, 5, &a, &who), GH_OK);
    assert_int_equal(store_gw_refresh_rotate(F.s, F.a, name("g1"), T0 + 14, 5, &b, &who), GH_OK);
    assert_string_equal(who, id);
    /* the grace runs from the first use, not the last */
    assert_int_equal(store_gw_refresh_rotate(F.s, F.a, name("g1"), T0 + 15, 5, &c, &who),
                     GH_ERR_CONFLICT);
    assert_int_equal(store_gw_refresh_rotate(F.s, F.a, name("g3"), T0 + 15, 5, &d, &who),
                     GH_ERR_NOT_FOUND);
}

static void test_logout_and_delete(void **state)
{
    const char *id = login("u4", NULL, name("r9"));
    assert_int_equal(store_gw_refresh_delete(F.s, name("r9")), GH_OK);
    assert_int_equal(store_gw_refresh_delete(F.s, name("r9")), GH_OK);
    store_gw_refresh_t next = {name("r10"), NULL, T0 + 2000};
    const char *who = NULL;
    assert_int_equal(store_gw_refresh_rotate(F.s, F.a, name("r9"), T0 + 1, 0, &next, &who),
                     GH_ERR_NOT_FOUND);
    /* deleting the user deletes its refresh records */
    login("u4", NULL, name("r11"));
    assert_int_equal(store_gw_user_delete(F.s, id), GH_OK);
    assert_int_equal(store_gw_user_delete(F.s, id), GH_ERR_NOT_FOUND);
    store_gw_user_t got;
    assert_int_equal(store_gw_user_get(F.s, F.a, id, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_gw_refresh_rotate(F.s, F.a, name("r11"), T0 + 1, 0, &next, &who),
                     GH_ERR_NOT_FOUND);
}

/* ---- concurrency ---- */

typedef struct {
    pthread_barrier_t *go;
    const char *digest;
    const char *next; /* refresh race: this racer's successor */
    gh_status_t st;
} racer_t;

static void *take_state(void *p)
{
    racer_t *r = p;
    arena_t *a = arena_new(1 << 16);
    store_gw_state_t out;
    pthread_barrier_wait(r->go);
    r->st = store_gw_state_take(F.s, a, r->digest, T0 + 1, &out);
    arena_free(a);
    return NULL;
}

static void *rotate_refresh(void *p)
{
    racer_t *r = p;
    arena_t *a = arena_new(1 << 16);
    store_gw_refresh_t next = {r->next, NULL, T0 + 2000};
    const char *who = NULL;
    pthread_barrier_wait(r->go);
    r->st = store_gw_refresh_rotate(F.s, a, r->digest, T0 + 1, 0, &next, &who);
    arena_free(a);
    return NULL;
}

/* Starts RACERS threads on fn at once over one digest; returns the index of
 * the one winner after checking that every other one lost with CONFLICT, or
 * NOT_FOUND once a reuse deleted the record. */
static int race(racer_t *r, void *(*fn)(void *))
{
    pthread_t t[RACERS];
    pthread_barrier_t go;
    int winner = -1, wins = 0;
    assert_int_equal(pthread_barrier_init(&go, NULL, RACERS), 0);
    for (int i = 0; i < RACERS; i++) {
        r[i].go = &go;
        assert_int_equal(pthread_create(&t[i], NULL, fn, &r[i]), 0);
    }
    for (int i = 0; i < RACERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
    for (int i = 0; i < RACERS; i++) {
        if (r[i].st == GH_OK) {
            winner = i;
            wins++;
        } else if (r[i].st != GH_ERR_CONFLICT) {
            assert_int_equal(r[i].st, GH_ERR_NOT_FOUND);
        }
    }
    assert_int_equal(wins, 1);
    return winner;
}

static void test_race_state_take(void **state)
{
    store_gw_state_t in = {name("state-race"), "google", NULL, T0 + 600, NULL};
    racer_t r[RACERS];
    assert_int_equal(store_gw_state_put(F.s, &in), GH_OK);
    for (int i = 0; i < RACERS; i++)
        r[i] = (racer_t){.digest = in.digest};
    race(r, take_state);
}

static void test_race_refresh_rotate(void **state)
{
    login("u-race", NULL, name("r-race"));
    racer_t r[RACERS];
    for (int i = 0; i < RACERS; i++)
        r[i] = (racer_t){.digest = name("r-race"), .next = name(arena_printf(F.a, "r-race-%d", i))};
    int w = race(r, rotate_refresh);
    /* the losers saw a used record: a reuse, which ended the winner's successor too */
    store_gw_refresh_t next = {name("r-race-after"), NULL, T0 + 2000};
    const char *who = NULL;
    assert_int_equal(store_gw_refresh_rotate(F.s, F.a, r[w].next, T0 + 2, 0, &next, &who),
                     GH_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_single_use),     cmocka_unit_test(test_state_expires),
        cmocka_unit_test(test_user_upsert_keeps_id), cmocka_unit_test(test_refresh_rotation),
        cmocka_unit_test(test_refresh_grace),        cmocka_unit_test(test_logout_and_delete),
        cmocka_unit_test(test_race_state_take),      cmocka_unit_test(test_race_refresh_rotate),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
