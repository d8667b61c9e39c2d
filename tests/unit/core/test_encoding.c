/* Unit tests: base64url, base64, percent-encoding and hex (core/encoding.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/encoding.h"

static void b64url_round_trip(void **state)
{
    arena_t *a = arena_new(1 << 16);
    /* RFC 4648 §10 vectors, in the URL alphabet without padding */
    const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *want[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        char *enc = b64url_encode(a, in[i], strlen(in[i]));
        assert_string_equal(enc, want[i]);
        unsigned char out[16];
        size_t n = 99;
        assert_int_equal(b64url_decode(enc, strlen(enc), out, sizeof out, &n), GH_OK);
        assert_int_equal(n, strlen(in[i]));
        assert_memory_equal(out, in[i], n);
    }
    unsigned char bytes[] = {0xfb, 0xff, 0xfe};
    assert_string_equal(b64url_encode(a, bytes, 3), "-__-");
    arena_free(a);
}

static void b64url_refuses_bad_input(void **state)
{
    unsigned char out[16];
    size_t n;
    assert_int_equal(b64url_decode("Zg==", 4, out, sizeof out, &n), GH_ERR_INVALID); /* padding */
    assert_int_equal(b64url_decode("Zm9v+", 5, out, sizeof out, &n), GH_ERR_INVALID);
    assert_int_equal(b64url_decode("Z", 1, out, sizeof out, &n), GH_ERR_INVALID); /* length */
    assert_int_equal(b64url_decode("Zh", 2, out, sizeof out, &n),
                     GH_ERR_INVALID); /* trailing bits */
    assert_int_equal(b64url_decode("Zm\0v", 4, out, sizeof out, &n), GH_ERR_INVALID);
    assert_int_equal(b64url_decode("Zm9vYmFy", 8, out, 5, &n), GH_ERR_TOO_LARGE);
}

static void b64_standard(void **state)
{
    unsigned char out[32];
    size_t n;
    assert_int_equal(b64_decode("dXNlcjpwYXNz", 12, out, sizeof out, &n), GH_OK);
    assert_int_equal(n, 9);
    assert_memory_equal(out, "user:pass", 9);
    assert_int_equal(b64_decode("Zg==", 4, out, sizeof out, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(b64_decode("Zg=", 3, out, sizeof out, &n), GH_ERR_INVALID);
    assert_int_equal(b64_decode("-_==", 4, out, sizeof out, &n), GH_ERR_INVALID);
}

static void percent_decoding(void **state)
{
    arena_t *a = arena_new(1 << 16);
    char *out;
    size_t n;
    assert_int_equal(pct_decode(a, "a+b%20c%2Bd", 11, true, &out, &n), GH_OK);
    assert_string_equal(out, "a b c+d");
    assert_int_equal(pct_decode(a, "a+b", 3, false, &out, &n), GH_OK);
    assert_string_equal(out, "a+b");
    assert_int_equal(pct_decode(a, "%e3%85%8e", 9, true, &out, &n), GH_OK);
    assert_int_equal(n, 3);
    assert_int_equal(pct_decode(a, "bad%2", 5, true, &out, &n), GH_ERR_INVALID);
    assert_int_equal(pct_decode(a, "bad%", 4, true, &out, &n), GH_ERR_INVALID);
    assert_int_equal(pct_decode(a, "%zz", 3, true, &out, &n), GH_ERR_INVALID);
    assert_int_equal(pct_decode(a, "nul%00", 6, true, &out, &n), GH_ERR_INVALID);
    arena_free(a);
}

static void percent_encoding(void **state)
{
    arena_t *a = arena_new(1 << 16);
    buf_t b;
    buf_init(&b, a);
    pct_encode(&b, "https://x.example/cb?a=1&b=2 ~._-");
    assert_string_equal(buf_cstr(&b), "https%3A%2F%2Fx.example%2Fcb%3Fa%3D1%26b%3D2%20~._-");
    char hex[7];
    hex_encode("\x01\xab\xff", 3, hex);
    assert_string_equal(hex, "01abff");
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(b64url_round_trip), cmocka_unit_test(b64url_refuses_bad_input),
        cmocka_unit_test(b64_standard),      cmocka_unit_test(percent_decoding),
        cmocka_unit_test(percent_encoding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
