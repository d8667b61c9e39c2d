/* Unit tests: the DPoP proof checker (RFC 9449 §4.3, dpop_proof_check) and
 * its server nonces (§8), with proofs signed here by a P-256 key of the
 * test's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <string.h>

#include "core/encoding.h"
#include "core/secret.h"
#include "oauth/oauth_int.h"

#define NOW 1700000000
#define URL "https://id.example/oauth2/v1/token"

static EVP_PKEY *key;
static arena_t *A;
static char x_b64[64], y_b64[64];

static void coordinate(const char *name, char *out)
{
    BIGNUM *bn = NULL;
    unsigned char raw[32];
    assert_int_equal(EVP_PKEY_get_bn_param(key, name, &bn), 1);
    assert_int_equal(BN_bn2binpad(bn, raw, 32), 32);
    out[b64url_encode_to(raw, 32, out)] = '\0';
    BN_free(bn);
}

static int setup(void **state)
{
    key = EVP_EC_gen("P-256");
    A = arena_new(1 << 20);
    coordinate(OSSL_PKEY_PARAM_EC_PUB_X, x_b64);
    coordinate(OSSL_PKEY_PARAM_EC_PUB_Y, y_b64);
    return key && A ? 0 : -1;
}

static int teardown(void **state)
{
    EVP_PKEY_free(key);
    arena_free(A);
    return 0;
}

static const char *b64(const char *s)
{
    return b64url_encode(A, s, strlen(s));
}

/* header.claims signed with the test key (ES256, r || s). */
static const char *sign(const char *header, const char *claims)
{
    const char *input = arena_printf(A, "%s.%s", b64(header), b64(claims));
    unsigned char der[128], raw[64];
    size_t len = sizeof der;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(ctx, der, &len, (const unsigned char *)input, strlen(input)),
                     1);
    EVP_MD_CTX_free(ctx);
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
    ECDSA_SIG_free(sig);
    return arena_printf(A, "%s.%s", input, b64url_encode(A, raw, 64));
}

static const char *jwk(void)
{
    return arena_printf(A, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}", x_b64,
                        y_b64);
}

static const char *header(void)
{
    return arena_printf(A, "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":%s}", jwk());
}

/* Claims with htm POST, htu URL, iat NOW, a jti, and more (",…" or ""). */
static const char *claims(const char *more)
{
    return arena_printf(A, "{\"jti\":\"j1\",\"htm\":\"POST\",\"htu\":\"%s\",\"iat\":%d%s}", URL,
                        NOW, more);
}

static dpop_expect_t expect(void)
{
    return (dpop_expect_t){.method = "POST", .url = URL, .now = NOW, .lifetime = 60};
}

static dpop_verdict_t check(const char *proof, const dpop_expect_t *x)
{
    dpop_proof_t out;
    const char *why = NULL;
    dpop_verdict_t v = dpop_proof_check(A, proof, x, &out, &why);
    if (v != DPOP_OK)
        assert_non_null(why);
    return v;
}

static void a_good_proof(void **state)
{
    dpop_expect_t x = expect();
    dpop_proof_t out;
    const char *why = NULL, *proof = sign(header(), claims(""));
    assert_int_equal(dpop_proof_check(A, proof, &x, &out, &why), DPOP_OK);
    char *jkt = NULL;
    assert_int_equal(jose_jwk_thumbprint(A, jwk(), &jkt), GH_OK);
    assert_string_equal(out.jkt, jkt);
    assert_string_equal(out.jti, "j1");
    assert_int_equal(out.iat, NOW);
    /* htu's query and fragment are not compared (§4.3) */
    assert_int_equal(check(sign(header(), arena_printf(A,
                                                       "{\"jti\":\"j\",\"htm\":\"POST\",\"htu\":"
                                                       "\"%s?a=b#c\",\"iat\":%d}",
                                                       URL, NOW)),
                           &x),
                     DPOP_OK);
}

static void what_it_must_say(void **state)
{
    dpop_expect_t x = expect();
    const char *h = header();
    x.method = "GET";
    assert_int_equal(check(sign(h, claims("")), &x), DPOP_BAD);
    x = expect();
    x.url = "https://id.example/oauth2/v1/userinfo";
    assert_int_equal(check(sign(h, claims("")), &x), DPOP_BAD);
    x = expect();
    x.now = NOW + 61; /* older than the lifetime */
    assert_int_equal(check(sign(h, claims("")), &x), DPOP_BAD);
    x.now = NOW + 60;
    assert_int_equal(check(sign(h, claims("")), &x), DPOP_OK);
    x.now = NOW - 6; /* more than the skew ahead */
    assert_int_equal(check(sign(h, claims("")), &x), DPOP_BAD);
    x = expect();
    const char *no_jti = arena_printf(A, "{\"htm\":\"POST\",\"htu\":\"%s\",\"iat\":%d}", URL, NOW);
    assert_int_equal(check(sign(h, no_jti), &x), DPOP_BAD);
    const char *text_iat =
        arena_printf(A, "{\"jti\":\"j\",\"htm\":\"POST\",\"htu\":\"%s\",\"iat\":\"%d\"}", URL, NOW);
    assert_int_equal(check(sign(h, text_iat), &x), DPOP_BAD);
}

static void the_header(void **state)
{
    dpop_expect_t x = expect();
    const char *c = claims("");
    const char *typ_jwt = arena_printf(A, "{\"typ\":\"JWT\",\"alg\":\"ES256\",\"jwk\":%s}", jwk());
    assert_int_equal(check(sign(typ_jwt, c), &x), DPOP_BAD);
    const char *no_jwk = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\"}";
    assert_int_equal(check(sign(no_jwk, c), &x), DPOP_BAD);
    const char *with_d = arena_printf(
        A,
        "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\","
        "\"x\":\"%s\",\"y\":\"%s\",\"d\":\"AAAA\"}}",
        x_b64, y_b64);
    assert_int_equal(check(sign(with_d, c), &x), DPOP_BAD);
    const char *rs = arena_printf(A, "{\"typ\":\"dpop+jwt\",\"alg\":\"RS256\",\"jwk\":%s}", jwk());
    assert_int_equal(check(sign(rs, c), &x), DPOP_BAD);
    const char *hs = arena_printf(A, "{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":%s}", jwk());
    assert_int_equal(check(sign(hs, c), &x), DPOP_BAD);
    const char *none =
        arena_printf(A, "%s.%s.", b64("{\"typ\":\"dpop+jwt\",\"alg\":\"none\"}"), b64(c));
    assert_int_equal(check(none, &x), DPOP_BAD);
    /* a header past the limit, however well signed */
    char pad[JOSE_EMBEDDED_MAX_HEADER];
    memset(pad, 'p', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    const char *big = arena_printf(
        A, "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":%s,\"x\":\"%s\"}", jwk(), pad);
    assert_int_equal(check(sign(big, c), &x), DPOP_BAD);
    /* a tampered payload */
    const char *good = sign(header(), c);
    char *bad = arena_strdup(A, good);
    char *dot = strchr(bad, '.') + 1;
    *dot = *dot == 'e' ? 'f' : 'e';
    assert_int_equal(check(bad, &x), DPOP_BAD);
    assert_int_equal(check("a.b.c", &x), DPOP_BAD);
    assert_int_equal(check("", &x), DPOP_BAD);
}

static void ath_at_a_resource(void **state)
{
    dpop_expect_t x = expect();
    x.access_token = "the-access-token";
    unsigned char d[32];
    secret_sha256(x.access_token, strlen(x.access_token), d);
    const char *ath = b64url_encode(A, d, 32);
    assert_int_equal(check(sign(header(), claims("")), &x), DPOP_BAD);
    assert_int_equal(check(sign(header(), claims(arena_printf(A, ",\"ath\":\"%s\"", ath))), &x),
                     DPOP_OK);
    assert_int_equal(check(sign(header(), claims(",\"ath\":\"AAAA\"")), &x), DPOP_BAD);
}

static void nonces(void **state)
{
    unsigned char k[32] = {1}, other[32] = {2};
    char now[DPOP_NONCE_LEN + 1], before[DPOP_NONCE_LEN + 1], older[DPOP_NONCE_LEN + 1],
        theirs[DPOP_NONCE_LEN + 1];
    dpop_nonce_for(k, NOW, 0, now);
    dpop_nonce_for(k, NOW, 1, before);
    dpop_nonce_for(k, NOW, 2, older);
    dpop_nonce_for(other, NOW, 0, theirs);
    assert_string_not_equal(now, before);
    dpop_expect_t x = expect();
    x.nonce_key = k;
    assert_int_equal(check(sign(header(), claims("")), &x), DPOP_NONCE);
    const char *with[] = {now, before};
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(
            check(sign(header(), claims(arena_printf(A, ",\"nonce\":\"%s\"", with[i]))), &x),
            DPOP_OK);
    const char *stale[] = {older, theirs};
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(
            check(sign(header(), claims(arena_printf(A, ",\"nonce\":\"%s\"", stale[i]))), &x),
            DPOP_NONCE);
    /* a bad proof is bad first, whatever its nonce */
    x.method = "GET";
    assert_int_equal(check(sign(header(), claims("")), &x), DPOP_BAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_good_proof), cmocka_unit_test(what_it_must_say),
        cmocka_unit_test(the_header),   cmocka_unit_test(ath_at_a_resource),
        cmocka_unit_test(nonces),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
