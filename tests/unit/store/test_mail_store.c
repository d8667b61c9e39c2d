/* Store conformance of issue 21's tables, on the engine of $GH_TEST_DB (a
 * PostgreSQL URL in `make test`'s second run) or a fresh SQLite file: the
 * mail links (single use, also under concurrent takers), the outbox (a claim
 * holds a message for its lease, exactly one of concurrent claimers gets it,
 * retries wait for their time) and the accounts' e-mail (email_verified,
 * lookups by address without case, confirmation only of the same address). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "store/store.h"

#define T0 INT64_C(1900000000) /* later than any other suite's rows */
#define RACERS 8
#define HASH "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"

typedef struct {
    store_t *s;
    char *url;
    char dir[64];
} fixture_t;

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int group_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    const char *env = getenv("GH_TEST_DB");
    assert_non_null(f);
    if (env && *env) {
        f->url = strdup(env);
    } else {
        strcpy(f->dir, "/tmp/gh-mailstore-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        assert_int_not_equal(asprintf(&f->url, "sqlite:%s/test.db", f->dir), -1);
    }
    assert_int_equal(store_open(f->url, &f->s), GH_OK);
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture_t *f = *state;
    store_close(f->s);
    if (f->dir[0])
        nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(f->url);
    free(f);
    return 0;
}

static store_user_t add_user(fixture_t *f, arena_t *a, const char *email)
{
    store_user_t u = {.sub = secret_hex_id(a, 16),
                      .username = secret_hex_id(a, 8),
                      .password_hash = HASH,
                      .email = email,
                      .created_at = T0};
    assert_int_equal(store_user_add(f->s, &u), GH_OK);
    return u;
}

static void user_email(void **state)
{
    fixture_t *f = *state;
    arena_t *a = arena_new(1 << 20);
    const char *mail = arena_printf(a, "%s@Example.test", secret_hex_id(a, 6));
    store_user_t u = add_user(f, a, mail), got, *list = NULL;
    size_t n = 0;
    assert_int_equal(store_user_get(f->s, a, u.sub, &got), GH_OK);
    assert_false(got.email_verified);
    assert_int_equal(store_user_find_by_email(f->s, a, arena_printf(a, "%s", mail), &list, &n),
                     GH_OK);
    assert_int_equal(n, 1);
    for (char *p = (char *)mail; *p; p++) /* another case: the same address */
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    assert_int_equal(store_user_find_by_email(f->s, a, mail, &list, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].sub, u.sub);
    /* a registration's link: only while the address is the same */
    assert_int_equal(store_user_confirm_email(f->s, u.sub, "other@example.test", true),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_user_confirm_email(f->s, u.sub, mail, true), GH_OK);
    assert_int_equal(store_user_get(f->s, a, u.sub, &got), GH_OK);
    assert_true(got.email_verified);
    /* a change's link replaces the address */
    assert_int_equal(store_user_confirm_email(f->s, u.sub, "new@example.test", false), GH_OK);
    assert_int_equal(store_user_get(f->s, a, u.sub, &got), GH_OK);
    assert_string_equal(got.email, "new@example.test");
    assert_int_equal(store_user_confirm_email(f->s, "0000", "x@example.test", false),
                     GH_ERR_NOT_FOUND);
    arena_free(a);
}

static void links_are_single_use(void **state)
{
    fixture_t *f = *state;
    arena_t *a = arena_new(1 << 20);
    store_user_t u = add_user(f, a, "links@example.test");
    const char *d1 = secret_hex_id(a, 32), *d2 = secret_hex_id(a, 32), *d3 = secret_hex_id(a, 32);
    store_mail_link_t l = {
        .purpose = STORE_LINK_RESET, .sub = u.sub, .email = NULL, .expires_at = T0 + 1800};
    store_mail_link_t got;
    assert_int_equal(store_mail_link_put(f->s, d1, &l, T0), GH_OK);
    assert_int_equal(store_mail_link_put(f->s, d2, &l, T0), GH_OK);
    assert_int_equal(store_mail_link_put(f->s, d3, &l, T0), GH_OK);
    assert_int_equal(store_mail_link_get(f->s, a, d1, STORE_LINK_VERIFY, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_mail_link_get(f->s, a, d1, STORE_LINK_RESET, &got), GH_OK);
    assert_string_equal(got.sub, u.sub);
    assert_null(got.email);
    assert_int_equal(got.used_at, 0);
    assert_int_equal(store_mail_link_take(f->s, a, d1, STORE_LINK_VERIFY, T0 + 1, &got),
                     GH_ERR_NOT_FOUND); /* another purpose */
    assert_int_equal(store_mail_link_take(f->s, a, d1, STORE_LINK_RESET, T0 + 1, &got), GH_OK);
    assert_int_equal(store_mail_link_take(f->s, a, d1, STORE_LINK_RESET, T0 + 2, &got),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_mail_link_get(f->s, a, d1, STORE_LINK_RESET, &got), GH_OK);
    assert_int_equal(got.used_at, T0 + 1); /* still there: "used already" */
    assert_int_equal(store_mail_link_take(f->s, a, d2, STORE_LINK_RESET, T0 + 1800, &got),
                     GH_ERR_NOT_FOUND); /* expired */
    assert_int_equal(store_mail_link_end_all(f->s, u.sub, STORE_LINK_RESET, T0 + 3), GH_OK);
    assert_int_equal(store_mail_link_take(f->s, a, d3, STORE_LINK_RESET, T0 + 4, &got),
                     GH_ERR_NOT_FOUND);
    arena_free(a);
}

typedef struct {
    fixture_t *f;
    const char *digest; /* links; NULL: claim the outbox */
    int64_t now;
    gh_status_t st;
} racer_t;

static void *race(void *p)
{
    racer_t *r = p;
    arena_t *a = arena_new(1 << 16);
    store_mail_link_t l;
    store_mail_t m;
    r->st = r->digest ? store_mail_link_take(r->f->s, a, r->digest, STORE_LINK_INVITE, r->now, &l)
                      : store_outbox_claim(r->f->s, a, r->now, 60, &m);
    arena_free(a);
    return NULL;
}

/* RACERS threads at once; returns how many got GH_OK (the rest NOT_FOUND). */
static int winners(fixture_t *f, const char *digest, int64_t now)
{
    pthread_t t[RACERS];
    racer_t r[RACERS];
    int won = 0;
    for (int i = 0; i < RACERS; i++) {
        r[i] = (racer_t){f, digest, now, GH_ERR_INTERNAL};
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < RACERS; i++) {
        pthread_join(t[i], NULL);
        assert_true(r[i].st == GH_OK || r[i].st == GH_ERR_NOT_FOUND);
        won += r[i].st == GH_OK;
    }
    return won;
}

static void concurrent_takers_one_wins(void **state)
{
    fixture_t *f = *state;
    arena_t *a = arena_new(1 << 16);
    const char *d = secret_hex_id(a, 32);
    store_mail_link_t l = {
        .purpose = STORE_LINK_INVITE, .email = "x@example.test", .expires_at = T0 + 60};
    assert_int_equal(store_mail_link_put(f->s, d, &l, T0), GH_OK);
    assert_int_equal(winners(f, d, T0 + 1), 1);
    arena_free(a);
}

static void outbox_claims_and_retries(void **state)
{
    fixture_t *f = *state;
    arena_t *a = arena_new(1 << 20);
    int64_t now = T0 + 100000, before = 0, after = 0;
    store_mail_t m = {.id = secret_hex_id(a, 16), .recipient = "r@example.test", .message = "M"};
    store_mail_t got;
    assert_int_equal(store_outbox_count(f->s, &before), GH_OK);
    assert_int_equal(store_outbox_add(f->s, &m, now), GH_OK);
    assert_int_equal(store_outbox_claim(f->s, a, now - 1, 60, &got),
                     GH_ERR_NOT_FOUND); /* not due */
    assert_int_equal(store_outbox_claim(f->s, a, now, 60, &got), GH_OK);
    assert_string_equal(got.id, m.id);
    assert_string_equal(got.message, "M");
    assert_int_equal(got.attempts, 1);
    assert_int_equal(store_outbox_claim(f->s, a, now + 59, 60, &got), GH_ERR_NOT_FOUND); /* held */
    assert_int_equal(store_outbox_claim(f->s, a, now + 60, 60, &got), GH_OK); /* lease ran out */
    assert_int_equal(got.attempts, 2);
    assert_int_equal(store_outbox_retry(f->s, m.id, now + 200, "down"), GH_OK);
    assert_int_equal(store_outbox_claim(f->s, a, now + 199, 60, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(winners(f, NULL, now + 200), 1); /* of concurrent workers, one */
    assert_int_equal(store_outbox_remove(f->s, m.id), GH_OK);
    assert_int_equal(store_outbox_count(f->s, &after), GH_OK);
    assert_int_equal(after, before);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(user_email),
        cmocka_unit_test(links_are_single_use),
        cmocka_unit_test(concurrent_takers_one_wins),
        cmocka_unit_test(outbox_claims_and_retries),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
