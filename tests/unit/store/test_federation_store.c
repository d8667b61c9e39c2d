/* The federation store (issue 19), against store.h only (every engine must
 * pass): single-use federation states that keep the pending request and an
 * identity, a member created with its first link as one (a taken identity
 * leaves no member behind), links listed and removed, a member's removal
 * taking its links along, and members found by e-mail without regard to
 * case. The database is $GH_TEST_DB when set (rows then carry a per-run
 * random suffix), otherwise a fresh sqlite: file. */
#define FIXTURE_NAME "fedstore"
#include "store_fixture.h"

#define T0 INT64_C(1700000000)

static void test_state_single_use(void **state)
{
    store_fed_state_t in = {name("fs1"),           "kakao",          "n0nce", "b1nding",
                            "client_id=c&state=s", "{\"id\":\"1\"}", T0 + 600},
                      out;
    assert_int_equal(store_fed_state_put(F.s, &in), GH_OK);
    assert_int_equal(store_fed_state_put(F.s, &in), GH_ERR_CONFLICT);
    assert_int_equal(store_fed_state_take(F.s, F.a, in.digest, T0, &out), GH_OK);
    assert_string_equal(out.platform, "kakao");
    assert_string_equal(out.nonce, "n0nce");
    assert_string_equal(out.binding, "b1nding");
    assert_string_equal(out.request, "client_id=c&state=s");
    assert_string_equal(out.identity, "{\"id\":\"1\"}");
    assert_int_equal(store_fed_state_take(F.s, F.a, in.digest, T0 + 1, &out), GH_ERR_CONFLICT);
    assert_int_equal(store_fed_state_take(F.s, F.a, name("none"), T0, &out), GH_ERR_NOT_FOUND);
    store_fed_state_t old = {name("fs2"), "kakao", NULL, "b", "q", NULL, T0 + 600};
    assert_int_equal(store_fed_state_put(F.s, &old), GH_OK);
    assert_int_equal(store_fed_state_take(F.s, F.a, old.digest, T0 + 600, &out), GH_ERR_NOT_FOUND);
}

static store_user_t member(const char *who, const char *email)
{
    return (store_user_t){.sub = name(who),
                          .username = name(who),
                          .password_hash = "!",
                          .email = email,
                          .nickname = "Nick",
                          .created_at = T0};
}

static void test_member_and_links(void **state)
{
    store_user_t u = member("m1", "Someone@Example.com");
    store_link_t l = {"kakao", name("k1"), u.sub, "someone@example.com", "sealed", T0};
    assert_int_equal(store_member_add_linked(F.s, &u, &l), GH_OK);
    store_link_t got;
    assert_int_equal(store_link_get(F.s, F.a, "kakao", l.subject, &got), GH_OK);
    assert_string_equal(got.sub, u.sub);
    assert_string_equal(got.tokens, "sealed");
    /* the identity is taken: the second member is not created either */
    store_user_t v = member("m2", NULL);
    store_link_t again = {"kakao", l.subject, v.sub, NULL, NULL, T0};
    assert_int_equal(store_member_add_linked(F.s, &v, &again), GH_ERR_CONFLICT);
    store_user_t none;
    assert_int_equal(store_user_get(F.s, F.a, v.sub, &none), GH_ERR_NOT_FOUND);
    /* a second platform for the same member */
    store_link_t g = {"google", name("g1"), u.sub, NULL, NULL, T0};
    assert_int_equal(store_link_add(F.s, &g), GH_OK);
    assert_int_equal(store_link_add(F.s, &g), GH_ERR_CONFLICT);
    store_link_t *list = NULL;
    size_t n = 0;
    assert_int_equal(store_links_of(F.s, F.a, u.sub, &list, &n), GH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].platform, "google");
    assert_string_equal(list[1].platform, "kakao");
    assert_int_equal(store_link_remove(F.s, u.sub, "google"), GH_OK);
    assert_int_equal(store_link_remove(F.s, u.sub, "google"), GH_ERR_NOT_FOUND);
    /* found by e-mail in any case */
    store_user_t *by = NULL;
    assert_int_equal(store_user_find_by_email(F.s, F.a, "SOMEONE@example.COM", &by, &n), GH_OK);
    assert_true(n >= 1);
    assert_string_equal(by[0].sub, u.sub);
    /* removing the member removes its links */
    assert_int_equal(store_user_remove(F.s, u.username), GH_OK);
    assert_int_equal(store_link_get(F.s, F.a, "kakao", l.subject, &got), GH_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_single_use),
        cmocka_unit_test(test_member_and_links),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
