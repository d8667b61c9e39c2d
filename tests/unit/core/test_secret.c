/* Unit tests: digests, client-secret digests, constant-time equality, argon2id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/secret.h"

static void sha256_known_answer(void **state)
{
    char hex[SECRET_DIGEST_HEX_LEN + 1];
    secret_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* RFC 4231 test case 2 */
    secret_hmac_hex("Jefe", 4, "what do ya want for nothing?", 28, hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

/* RFC 4231 test cases 1, 3 (20-byte keys), 2 (a short key) and 6 (a key
 * longer than SHA-256's block, hashed first). */
typedef struct {
    unsigned char key[131];
    size_t key_len;
    const char *data;
    size_t data_len;
    const char *want;
} hmac_case_t;

static void hmac_cases(hmac_case_t c[4])
{
    memset(c, 0, 4 * sizeof *c);
    memset(c[0].key, 0x0b, c[0].key_len = 20);
    c[0].data = "Hi There";
    c[0].want = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
    memcpy(c[1].key, "Jefe", c[1].key_len = 4);
    c[1].data = "what do ya want for nothing?";
    c[1].want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    memset(c[2].key, 0xaa, c[2].key_len = 20);
    c[2].data = "\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd"
                "\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd"
                "\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd";
    c[2].want = "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe";
    memset(c[3].key, 0xaa, c[3].key_len = 131);
    c[3].data = "Test Using Larger Than Block-Size Key - Hash Key First";
    c[3].want = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
    for (int i = 0; i < 4; i++)
        c[i].data_len = strlen(c[i].data);
}

/* Each case in turn, twice over: no key or data is left over from the call before. */
static void hmac_known_answers(void **state)
{
    hmac_case_t c[4];
    hmac_cases(c);
    char hex[SECRET_DIGEST_HEX_LEN + 1];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 4; i++) {
            secret_hmac_hex(c[i].key, c[i].key_len, c[i].data, c[i].data_len, hex);
            assert_string_equal(hex, c[i].want);
        }
    }
}

/* Threads share the prepared HMAC context: each computes the cases over
 * and over, all at once, and must always get the right answers. */
static void *hmac_worker(void *arg)
{
    const hmac_case_t *c = arg;
    char hex[SECRET_DIGEST_HEX_LEN + 1];
    for (int n = 0; n < 400; n++) {
        const hmac_case_t *k = &c[n % 4];
        secret_hmac_hex(k->key, k->key_len, k->data, k->data_len, hex);
        if (strcmp(hex, k->want) != 0)
            return (void *)1;
    }
    return NULL;
}

static void hmac_from_threads(void **state)
{
    hmac_case_t c[4];
    hmac_cases(c);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hmac_worker, c), 0);
    for (int i = 0; i < 4; i++) {
        void *failed = NULL;
        pthread_join(t[i], &failed);
        assert_null(failed);
    }
}

static void tokens_are_random_and_sized(void **state)
{
    arena_t *a = arena_new(4096);
    char *t1 = secret_token(a), *t2 = secret_token(a);
    assert_int_equal(strlen(t1), 43);
    assert_string_not_equal(t1, t2);
    char *id = secret_hex_id(a, 16);
    assert_int_equal(strlen(id), 32);
    arena_free(a);
}

static void client_digest_checks(void **state)
{
    arena_t *a = arena_new(4096);
    char *d1 = secret_client_digest(a, "s3cret-game1");
    char *d2 = secret_client_digest(a, "s3cret-game1");
    assert_string_not_equal(d1, d2); /* salted */
    assert_null(strstr(d1, "s3cret"));
    assert_true(secret_client_check(d1, "s3cret-game1"));
    assert_true(secret_client_check(d2, "s3cret-game1"));
    assert_false(secret_client_check(d1, "s3cret-game2"));
    assert_false(secret_client_check(d1, ""));
    assert_false(secret_client_check("hmac-sha256$short$x", "s3cret-game1"));
    assert_false(secret_client_check(NULL, "x"));
    arena_free(a);
}

static void equality(void **state)
{
    assert_true(secret_equal_str("abc", "abc"));
    assert_false(secret_equal_str("abc", "abd"));
    assert_false(secret_equal_str("abc", "abcd"));
    assert_false(secret_equal_str(NULL, "abc"));
}

static void passwords(void **state)
{
    arena_t *a = arena_new(4096);
    secret_argon2_cost_t cheap = {.t_cost = 1, .m_cost_kib = 64, .parallelism = 1};
    char *h = NULL;
    assert_int_equal(secret_password_hash(a, "pa55-Word!x", &cheap, &h), GH_OK);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_true(secret_password_verify(h, "pa55-Word!x"));
    assert_false(secret_password_verify(h, "pa55-Word!y"));
    assert_false(secret_password_verify("$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "x"));
    assert_false(secret_password_verify(NULL, "x"));
    arena_free(a);
}

/* The dummy must cost what a real hash costs, or unknown usernames show in timing. */
static void dummy_hash_has_the_default_cost(void **state)
{
    char want[64];
    snprintf(want, sizeof want, "$argon2id$v=19$m=%u,t=%u,p=%u$", SECRET_ARGON2_DEFAULT.m_cost_kib,
             SECRET_ARGON2_DEFAULT.t_cost, SECRET_ARGON2_DEFAULT.parallelism);
    assert_true(strncmp(SECRET_ARGON2_DUMMY, want, strlen(want)) == 0);
    assert_false(secret_password_verify(SECRET_ARGON2_DUMMY, ""));
    assert_false(secret_password_verify(SECRET_ARGON2_DUMMY, "password"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_known_answer),
        cmocka_unit_test(hmac_known_answers),
        cmocka_unit_test(hmac_from_threads),
        cmocka_unit_test(tokens_are_random_and_sized),
        cmocka_unit_test(client_digest_checks),
        cmocka_unit_test(equality),
        cmocka_unit_test(passwords),
        cmocka_unit_test(dummy_hash_has_the_default_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
