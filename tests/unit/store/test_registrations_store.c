/* The registrations store (store/registrations.h) and the clients' columns
 * of dynamic registration, on the engine of $GH_TEST_DB (PostgreSQL in
 * `make test`'s second run) or a fresh SQLite file: initial access tokens
 * spent one use at a time until used up or expired; a dynamic client's
 * application_type, contacts and registration token digest stored, and its
 * dynamic mark and last use kept by an update; the last use written only for
 * dynamic clients; unused dynamic clients deleted, used ones and operators'
 * clients never. */
#define FIXTURE_NAME "registrations"
#include "store_fixture.h"

#define T0 INT64_C(1600000000) /* before any other suite's rows: the sweep takes only ours */

static store_client_t client(const char *id, bool dynamic)
{
    static const char *uris[] = {"http://127.0.0.1/cb"};
    static const char *contacts[] = {"ops@example.com", "dev@example.com"};
    return (store_client_t){.id = id,
                            .redirect_uris = uris,
                            .redirect_uri_count = 1,
                            .scope = "openid",
                            .grants = STORE_GRANT_AUTHORIZATION_CODE,
                            .is_public = true,
                            .created_at = T0,
                            .application_type = dynamic ? "native" : NULL,
                            .contacts = dynamic ? contacts : NULL,
                            .contact_count = dynamic ? 2 : 0,
                            .dynamic = dynamic,
                            .registration_token_digest = dynamic ? "digest-1" : NULL,
                            .last_used_at = dynamic ? T0 : 0};
}

static void initial_tokens_are_spent_once_per_use(void **state)
{
    const char *digest = name("iat"), *brief = name("iat-brief");
    assert_int_equal(store_initial_token_add(F.s, digest, T0, T0 + 100, 2), GH_OK);
    assert_int_equal(store_initial_token_add(F.s, digest, T0, T0 + 100, 2), GH_ERR_CONFLICT);
    assert_int_equal(store_initial_token_use(F.s, digest, T0 + 1), GH_OK);
    assert_int_equal(store_initial_token_use(F.s, digest, T0 + 2), GH_OK);
    assert_int_equal(store_initial_token_use(F.s, digest, T0 + 3), GH_ERR_NOT_FOUND); /* used up */
    assert_int_equal(store_initial_token_use(F.s, name("unknown"), T0), GH_ERR_NOT_FOUND);
    assert_int_equal(store_initial_token_add(F.s, brief, T0, T0 + 10, 5), GH_OK);
    assert_int_equal(store_initial_token_use(F.s, brief, T0 + 10), GH_ERR_NOT_FOUND); /* expired */
    assert_int_equal(store_initial_token_add(F.s, name("none"), T0, T0 + 10, 0), GH_ERR_INVALID);
}

static void dynamic_columns_round_trip_and_survive_updates(void **state)
{
    store_client_t in = client(name("dyn-rt"), true), out;
    assert_int_equal(store_client_add(F.s, &in), GH_OK);
    assert_int_equal(store_client_get(F.s, F.a, in.id, &out), GH_OK);
    assert_true(out.dynamic);
    assert_string_equal(out.application_type, "native");
    assert_int_equal(out.contact_count, 2);
    assert_string_equal(out.contacts[1], "dev@example.com");
    assert_string_equal(out.registration_token_digest, "digest-1");
    assert_int_equal(out.last_used_at, T0);

    assert_int_equal(store_client_touch(F.s, in.id, T0 + 40), GH_OK);
    out.registration_token_digest = "digest-2";
    out.dynamic = false;   /* an update does not change who registered it */
    out.last_used_at = 0;  /* nor its last use */
    out.contact_count = 0; /* but the metadata, yes */
    assert_int_equal(store_client_update(F.s, &out), GH_OK);
    assert_int_equal(store_client_get(F.s, F.a, in.id, &out), GH_OK);
    assert_true(out.dynamic);
    assert_int_equal(out.last_used_at, T0 + 40);
    assert_string_equal(out.registration_token_digest, "digest-2");
    assert_int_equal(out.contact_count, 0);

    store_client_t op = client(name("operator-rt"), false);
    assert_int_equal(store_client_add(F.s, &op), GH_OK);
    assert_int_equal(store_client_touch(F.s, op.id, T0 + 40), GH_OK);
    assert_int_equal(store_client_get(F.s, F.a, op.id, &out), GH_OK);
    assert_false(out.dynamic);
    assert_null(out.application_type);
    assert_null(out.registration_token_digest);
    assert_int_equal(out.last_used_at, 0); /* an operator's client is not tracked */
}

static bool listed(const char **ids, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(ids[i], id))
            return true;
    return false;
}

static void unused_dynamic_clients_expire(void **state)
{
    store_client_t unused = client(name("dyn-unused"), true);
    store_client_t used = client(name("dyn-used"), true);
    store_client_t op = client(name("operator-old"), false);
    store_client_t tmp;
    const char **ids = NULL;
    size_t n = 0;
    assert_int_equal(store_client_add(F.s, &unused), GH_OK);
    assert_int_equal(store_client_add(F.s, &used), GH_OK);
    assert_int_equal(store_client_add(F.s, &op), GH_OK);
    assert_int_equal(store_client_touch(F.s, used.id, T0 + 50), GH_OK);

    assert_int_equal(store_client_expire_unused(F.s, F.a, T0 + 10, &ids, &n), GH_OK);
    assert_true(listed(ids, n, unused.id));
    assert_false(listed(ids, n, used.id));
    assert_false(listed(ids, n, op.id));
    assert_int_equal(store_client_get(F.s, F.a, unused.id, &tmp), GH_ERR_NOT_FOUND);
    assert_int_equal(store_client_get(F.s, F.a, used.id, &tmp), GH_OK);
    assert_int_equal(store_client_get(F.s, F.a, op.id, &tmp), GH_OK);

    /* far later: the used one goes too, the operator's client never */
    assert_int_equal(store_client_expire_unused(F.s, F.a, T0 + 1000, &ids, &n), GH_OK);
    assert_true(listed(ids, n, used.id));
    assert_int_equal(store_client_get(F.s, F.a, used.id, &tmp), GH_ERR_NOT_FOUND);
    assert_int_equal(store_client_get(F.s, F.a, op.id, &tmp), GH_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(initial_tokens_are_spent_once_per_use),
        cmocka_unit_test(dynamic_columns_round_trip_and_survive_updates),
        cmocka_unit_test(unused_dynamic_clients_expire),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
