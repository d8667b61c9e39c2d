/* The second-factor core (src/mfa/): RFC 6238's test vectors through
 * liboath, the check window and its replay rule (a code once, never one for
 * a step at or before the last used), what the code box reads, recovery
 * codes, and sealed secrets bound to their member. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mfa/mfa.h"

/* RFC 6238 Appendix B's SHA-1 seed */
static const unsigned char SEED[] = "12345678901234567890";
#define SEED_LEN 20

static void rfc6238_vectors(void **state)
{
    char code[MFA_TOTP_DIGITS + 1];
    /* the vectors' 8 digits, of which a 6-digit code is the last six */
    static const struct {
        int64_t t;
        const char *code;
    } V[] = {
        {59, "287082"}, {1111111109, "081804"}, {1234567890, "005924"}, {2000000000, "279037"}};
    for (size_t i = 0; i < sizeof V / sizeof V[0]; i++) {
        assert_int_equal(mfa_totp_code(SEED, SEED_LEN, mfa_totp_step(V[i].t), code), GH_OK);
        assert_string_equal(code, V[i].code);
    }
}

/* The code of the step `offset` steps from t. */
static const char *code_at(int64_t t, int offset, char out[MFA_TOTP_DIGITS + 1])
{
    assert_int_equal(mfa_totp_code(SEED, SEED_LEN, mfa_totp_step(t) + offset, out), GH_OK);
    return out;
}

static void window_is_one_step_either_side(void **state)
{
    const int64_t t = 1111111109, now_step = mfa_totp_step(t);
    char c[MFA_TOTP_DIGITS + 1];
    int64_t step = 0;
    for (int off = -1; off <= 1; off++) {
        assert_true(mfa_totp_match(SEED, SEED_LEN, code_at(t, off, c), t, 0, &step));
        assert_int_equal(step, now_step + off);
    }
    assert_false(mfa_totp_match(SEED, SEED_LEN, code_at(t, -2, c), t, 0, &step));
    assert_false(mfa_totp_match(SEED, SEED_LEN, code_at(t, 2, c), t, 0, &step));
}

static void a_code_is_good_once(void **state)
{
    const int64_t t = 1234567890, now_step = mfa_totp_step(t);
    char c[MFA_TOTP_DIGITS + 1];
    int64_t step = 0;
    /* the step just used, and every step before it, are refused */
    assert_false(mfa_totp_match(SEED, SEED_LEN, code_at(t, 0, c), t, now_step, &step));
    assert_false(mfa_totp_match(SEED, SEED_LEN, code_at(t, -1, c), t, now_step, &step));
    /* after an older step was used, a later one is fine */
    assert_true(mfa_totp_match(SEED, SEED_LEN, code_at(t, 0, c), t, now_step - 1, &step));
    assert_int_equal(step, now_step);
    assert_true(mfa_totp_match(SEED, SEED_LEN, code_at(t, 1, c), t, now_step, &step));
    assert_int_equal(step, now_step + 1);
}

static void wrong_or_malformed_codes_never_match(void **state)
{
    const int64_t t = 59;
    int64_t step = -7;
    char c[MFA_TOTP_DIGITS + 1];
    code_at(t, 0, c);
    c[5] = c[5] == '9' ? '0' : (char)(c[5] + 1);
    assert_false(mfa_totp_match(SEED, SEED_LEN, c, t, 0, &step));
    assert_false(mfa_totp_match(SEED, SEED_LEN, "28708", t, 0, &step));
    assert_false(mfa_totp_match(SEED, SEED_LEN, "2870822", t, 0, &step));
    assert_false(mfa_totp_match(SEED, SEED_LEN, NULL, t, 0, &step));
    assert_int_equal(step, -7); /* untouched on failure */
}

static void code_parse(void **state)
{
    char out[MFA_RECOVERY_DIGITS + 1];
    mfa_code_kind_t kind;
    static const char *const TOTP[] = {"123456", "123 456", " 12-34-56 "};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(mfa_code_parse(TOTP[i], strlen(TOTP[i]), &kind, out), GH_OK);
        assert_int_equal(kind, MFA_CODE_TOTP);
        assert_string_equal(out, "123456");
    }
    const char *rec = "1234-5678-9012-3456-7890";
    assert_int_equal(mfa_code_parse(rec, strlen(rec), &kind, out), GH_OK);
    assert_int_equal(kind, MFA_CODE_RECOVERY);
    assert_string_equal(out, "12345678901234567890");
    static const char *const BAD[] = {
        "",         "12345",     "1234567", "12345a", "123456789012345678901", "１２３４５６",
        "123\n456", "12345\0006"};
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++)
        assert_int_equal(mfa_code_parse(BAD[i], strlen(BAD[i]) + (i == 7 ? 2 : 0), &kind, out),
                         GH_ERR_INVALID);
    char huge[MFA_CODE_INPUT_MAX + 2];
    memset(huge, ' ', sizeof huge);
    memcpy(huge, "123456", 6);
    assert_int_equal(mfa_code_parse(huge, sizeof huge, &kind, out), GH_ERR_INVALID);
    assert_int_equal(mfa_code_parse(huge, MFA_CODE_INPUT_MAX, &kind, out), GH_OK);
}

static void recovery_codes(void **state)
{
    arena_t *a = arena_new(1 << 16);
    char **shown = NULL, **digests = NULL;
    assert_int_equal(mfa_recovery_new(a, "sub-1", &shown, &digests), GH_OK);
    for (size_t i = 0; i < MFA_RECOVERY_COUNT; i++) {
        char digits[MFA_RECOVERY_DIGITS + 1], again[65], other[65];
        mfa_code_kind_t kind;
        assert_int_equal(strlen(shown[i]), MFA_RECOVERY_DIGITS + 4);
        assert_int_equal(mfa_code_parse(shown[i], strlen(shown[i]), &kind, digits), GH_OK);
        assert_int_equal(kind, MFA_CODE_RECOVERY);
        mfa_recovery_digest("sub-1", digits, again);
        assert_string_equal(again, digests[i]);
        mfa_recovery_digest("sub-2", digits, other);
        assert_string_not_equal(other, digests[i]); /* bound to the member */
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(shown[i], shown[j]);
    }
    arena_free(a);
}

static void sealed_secret_opens_for_its_member_only(void **state)
{
    arena_t *a = arena_new(1 << 16);
    unsigned char key[32] = {1}, *raw = NULL, *back = NULL;
    char *b32 = NULL, *sealed = NULL;
    size_t n = 0;
    assert_int_equal(mfa_totp_new(a, &raw, &b32), GH_OK);
    assert_int_equal(strlen(b32), 32); /* 160 bits in base32, no padding */
    assert_int_equal(mfa_totp_seal(a, key, "alice", raw, MFA_TOTP_SECRET_BYTES, &sealed), GH_OK);
    assert_null(strstr(sealed, b32));
    assert_int_equal(mfa_totp_open(a, key, "alice", sealed, &back, &n), GH_OK);
    assert_int_equal(n, MFA_TOTP_SECRET_BYTES);
    assert_memory_equal(back, raw, n);
    assert_int_equal(mfa_totp_open(a, key, "mallory", sealed, &back, &n), GH_ERR_CRYPTO);
    key[0] = 2;
    assert_int_equal(mfa_totp_open(a, key, "alice", sealed, &back, &n), GH_ERR_CRYPTO);
    const char *uri = mfa_totp_uri(a, "https://id.example/base", "a b", b32);
    assert_non_null(strstr(uri, "otpauth://totp/Gatehouse%20%28id.example%29:a%20b?secret="));
    assert_non_null(strstr(uri, b32));
    arena_free(a);
}

/* During a rotation an older key opens, and the secret comes back sealed
 * under the current one; a key that is not given opens nothing. */
static void older_keys_open_and_reseal(void **state)
{
    arena_t *a = arena_new(1 << 20);
    mfa_keys_t keys = {.current = {3}, .older = {{2}, {1}}, .older_count = 2};
    unsigned char old[32] = {1}, stranger[32] = {9}, *raw = NULL, *back = NULL;
    char *b32 = NULL, *sealed = NULL, *resealed = NULL;
    size_t n = 0;
    assert_int_equal(mfa_totp_new(a, &raw, &b32), GH_OK);
    assert_int_equal(mfa_totp_seal(a, old, "alice", raw, MFA_TOTP_SECRET_BYTES, &sealed), GH_OK);
    assert_int_equal(mfa_totp_open_any(a, &keys, "alice", sealed, &back, &n, &resealed), GH_OK);
    assert_memory_equal(back, raw, MFA_TOTP_SECRET_BYTES);
    assert_non_null(resealed);
    assert_int_equal(mfa_totp_open(a, keys.current, "alice", resealed, &back, &n), GH_OK);
    assert_memory_equal(back, raw, MFA_TOTP_SECRET_BYTES);
    /* under the current key: opened as it is, nothing to re-seal */
    assert_int_equal(mfa_totp_open_any(a, &keys, "alice", resealed, &back, &n, &sealed), GH_OK);
    assert_null(sealed);
    /* another member's, or a key no one gave: the current key's error */
    assert_int_equal(mfa_totp_open_any(a, &keys, "mallory", resealed, &back, &n, &sealed),
                     GH_ERR_CRYPTO);
    assert_int_equal(mfa_totp_seal(a, stranger, "alice", raw, MFA_TOTP_SECRET_BYTES, &sealed),
                     GH_OK);
    assert_int_equal(mfa_totp_open_any(a, &keys, "alice", sealed, &back, &n, &resealed),
                     GH_ERR_CRYPTO);
    assert_null(resealed);
    keys.older_count = 0; /* the rotation over: the old seal no longer opens */
    assert_int_equal(mfa_totp_seal(a, old, "alice", raw, MFA_TOTP_SECRET_BYTES, &sealed), GH_OK);
    assert_int_equal(mfa_totp_open_any(a, &keys, "alice", sealed, &back, &n, &resealed),
                     GH_ERR_CRYPTO);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc6238_vectors),
        cmocka_unit_test(window_is_one_step_either_side),
        cmocka_unit_test(a_code_is_good_once),
        cmocka_unit_test(wrong_or_malformed_codes_never_match),
        cmocka_unit_test(code_parse),
        cmocka_unit_test(recovery_codes),
        cmocka_unit_test(sealed_secret_opens_for_its_member_only),
        cmocka_unit_test(older_keys_open_and_reseal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
