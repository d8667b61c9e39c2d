/* The two JOSE entry points that do not use the server's own keys: HS256
 * tokens under a caller's secret (the gateway's cookies), and
 * verification-only keysets built from another provider's public JWKS (an
 * OpenID provider's id_tokens). Each must accept exactly its own kind of
 * token and nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/hmac.h>

#include "core/encoding.h"
#include "jose/jose.h"
#include "arena_fixture.h"

static const char KEY[] = "0123456789abcdef0123456789abcdef";
static const char OTHER_KEY[] = "0123456789abcdef0123456789abcdeX";

static struct {
    arena_t *arena;
    jose_keyset_t *rsa, *ec, *stranger;
} F;

static jose_keyset_t *signing_keyset(jose_alg_t alg)
{
    char *kid = NULL, *jwk = NULL;
    jose_keyset_t *ks = NULL;
    assert_int_equal(jose_key_generate(F.arena, alg, &kid, &jwk), GH_OK);
    jose_key_input_t in = {jwk, true};
    assert_int_equal(jose_keyset_new(&in, 1, &ks), GH_OK);
    return ks;
}

static int setup(void **state)
{
    F.arena = arena_new(ARENA_CAP);
    F.rsa = signing_keyset(JOSE_RS256);
    F.ec = signing_keyset(JOSE_ES256);
    F.stranger = signing_keyset(JOSE_RS256);
    return 0;
}

static int teardown(void **state)
{
    jose_keyset_free(F.rsa);
    jose_keyset_free(F.ec);
    jose_keyset_free(F.stranger);
    arena_free(F.arena);
    return 0;
}

static json_t *claims(void)
{
    return json_pack("{ss si}", "sub", "u1", "exp", 2000000000);
}

static char *hs256(arena_t *a, const char *key)
{
    json_t *c = claims();
    char *token = NULL;
    assert_int_equal(jose_hs256_sign(key, strlen(key), a, c, &token), GH_OK);
    json_decref(c);
    return token;
}

/* header.payload.MAC with a header of our choosing, MAC'd correctly under KEY,
 * so a refusal comes from the header alone. */
static char *with_header(arena_t *a, const char *header_json)
{
    char *good = hs256(a, KEY);
    const char *payload = strchr(good, '.') + 1;
    char *h = b64url_encode(a, header_json, strlen(header_json));
    size_t plen = (size_t)(strrchr(good, '.') - payload);
    char *input = arena_printf(a, "%s.%.*s", h, (int)plen, payload);
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), KEY, (int)strlen(KEY), (const unsigned char *)input, strlen(input), mac,
         &len);
    return arena_printf(a, "%s.%s", input, b64url_encode(a, mac, len));
}

static void test_hs256_roundtrip(void **state)
{
    arena_t *a = *state;
    json_t *out = NULL;
    char *token = hs256(a, KEY);
    assert_int_equal(jose_hs256_verify(KEY, strlen(KEY), a, token, &out), GH_OK);
    assert_string_equal(json_string_value(json_object_get(out, "sub")), "u1");
    size_t hlen = 0;
    unsigned char hdr[64];
    assert_int_equal(
        b64url_decode(token, (size_t)(strchr(token, '.') - token), hdr, sizeof hdr, &hlen), GH_OK);
    assert_memory_equal(hdr, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", hlen);
}

static void test_hs256_refusals(void **state)
{
    arena_t *a = *state;
    json_t *out = NULL;
    char *token = hs256(a, KEY);
    assert_int_equal(jose_hs256_verify(OTHER_KEY, strlen(OTHER_KEY), a, token, &out),
                     GH_ERR_CRYPTO);
    /* a changed payload */
    char *t2 = arena_strdup(a, token);
    char *p = strchr(t2, '.') + 2;
    *p = *p == 'A' ? 'B' : 'A';
    assert_int_not_equal(jose_hs256_verify(KEY, strlen(KEY), a, t2, &out), GH_OK);
    /* a shortened MAC */
    t2 = arena_strndup(a, token, strlen(token) - 2);
    assert_int_not_equal(jose_hs256_verify(KEY, strlen(KEY), a, t2, &out), GH_OK);
    /* keys too short to sign or verify with */
    json_t *c = claims();
    char *t3 = NULL;
    assert_int_equal(jose_hs256_sign("short", 5, a, c, &t3), GH_ERR_CRYPTO);
    json_decref(c);
    assert_int_equal(jose_hs256_verify("short", 5, a, token, &out), GH_ERR_CRYPTO);
    /* malformed */
    assert_int_equal(jose_hs256_verify(KEY, strlen(KEY), a, "a.b", &out), GH_ERR_INVALID);
    assert_int_equal(jose_hs256_verify(KEY, strlen(KEY), a, NULL, &out), GH_ERR_INVALID);
}

static void test_hs256_header_is_fixed(void **state)
{
    arena_t *a = *state;
    json_t *out = NULL;
    static const char *const bad[] = {
        "{\"alg\":\"none\"}",
        "{\"alg\":\"HS512\"}",
        "{\"alg\":\"RS256\"}",
        "{\"typ\":\"JWT\"}",
        "{\"alg\":\"HS256\",\"crit\":[\"x\"],\"x\":1}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(jose_hs256_verify(KEY, strlen(KEY), a, with_header(a, bad[i]), &out),
                             GH_OK);
    assert_int_equal(jose_hs256_verify(KEY, strlen(KEY), a,
                                       with_header(a, "{\"alg\":\"HS256\",\"kid\":\"x\"}"), &out),
                     GH_OK);
}

static void test_hs256_and_keysets_never_mix(void **state)
{
    arena_t *a = *state;
    json_t *out = NULL, *c = claims();
    char *rs = NULL;
    assert_int_equal(jose_jwt_sign(F.rsa, JOSE_RS256, a, NULL, c, &rs), GH_OK);
    json_decref(c);
    assert_int_not_equal(jose_hs256_verify(KEY, strlen(KEY), a, rs, &out), GH_OK);
    assert_int_not_equal(jose_jwt_verify(F.rsa, a, hs256(a, KEY), &out, NULL), GH_OK);
}

static jose_keyset_t *from_jwks(const char *text)
{
    jose_keyset_t *ks = NULL;
    assert_int_equal(jose_keyset_from_jwks(text, strlen(text), &ks), GH_OK);
    return ks;
}

static const char *jwks_of(const jose_keyset_t *ks)
{
    return jose_keyset_jwks(ks, NULL);
}

/* The JWKS of both signing keysets merged into one document. */
static char *merged_jwks(arena_t *a)
{
    json_t *r = json_loads(jwks_of(F.rsa), 0, NULL), *e = json_loads(jwks_of(F.ec), 0, NULL);
    json_array_extend(json_object_get(r, "keys"), json_object_get(e, "keys"));
    char *text = json_dumps(r, JSON_COMPACT), *copy = arena_strdup(a, text);
    free(text);
    json_decref(r);
    json_decref(e);
    return copy;
}

static void test_jwks_verifies_rs256_and_es256(void **state)
{
    arena_t *a = *state;
    jose_keyset_t *ks = from_jwks(merged_jwks(a));
    json_t *c = claims(), *out = NULL;
    char *rs = NULL, *es = NULL, *other = NULL;
    assert_int_equal(jose_jwt_sign(F.rsa, JOSE_RS256, a, NULL, c, &rs), GH_OK);
    assert_int_equal(jose_jwt_sign(F.ec, JOSE_ES256, a, NULL, c, &es), GH_OK);
    assert_int_equal(jose_jwt_sign(F.stranger, JOSE_RS256, a, NULL, c, &other), GH_OK);
    assert_int_equal(jose_jwt_verify(ks, a, rs, &out, NULL), GH_OK);
    assert_int_equal(jose_jwt_verify(ks, a, es, &out, NULL), GH_OK);
    assert_int_equal(jose_jwt_verify(ks, a, other, &out, NULL), GH_ERR_CRYPTO);
    /* verification only */
    char *mine = NULL;
    assert_int_equal(jose_jwt_sign(ks, JOSE_RS256, a, NULL, c, &mine), GH_ERR_INVALID);
    json_decref(c);
    jose_keyset_free(ks);
}

/* Keys that are not for RS256/ES256 signatures are skipped, not trusted. */
static void test_jwks_skips_unusable_keys(void **state)
{
    arena_t *a = *state;
    json_t *doc = json_loads(jwks_of(F.rsa), 0, NULL);
    json_t *good = json_array_get(json_object_get(doc, "keys"), 0);
    json_t *keys = json_array();
    json_t *enc = json_deep_copy(good), *rs384 = json_deep_copy(good), *dup = json_deep_copy(good);
    json_object_set_new(enc, "use", json_string("enc"));
    json_object_set_new(enc, "kid", json_string("enc"));
    json_object_set_new(rs384, "alg", json_string("RS384"));
    json_object_set_new(rs384, "kid", json_string("rs384"));
    json_t *stranger = json_loads(jwks_of(F.stranger), 0, NULL);
    json_object_set(dup, "n",
                    json_object_get(json_array_get(json_object_get(stranger, "keys"), 0), "n"));
    json_decref(stranger);
    json_array_append_new(keys, enc);
    json_array_append_new(keys, rs384);
    json_array_append_new(keys, json_pack("{ss ss ss}", "kty", "oct", "kid", "k", "k", "AAAA"));
    json_array_append(keys, good);
    json_array_append_new(keys, dup); /* same kid again: the first one stays */
    json_t *in = json_pack("{so}", "keys", keys);
    char *text = json_dumps(in, JSON_COMPACT);
    jose_keyset_t *ks = from_jwks(text);
    json_t *got = json_loads(jwks_of(ks), 0, NULL);
    assert_int_equal(json_array_size(json_object_get(got, "keys")), 1);
    json_t *c = claims(), *out = NULL;
    char *rs = NULL;
    assert_int_equal(jose_jwt_sign(F.rsa, JOSE_RS256, a, NULL, c, &rs), GH_OK);
    assert_int_equal(jose_jwt_verify(ks, a, rs, &out, NULL), GH_OK);
    json_decref(c);
    json_decref(got);
    jose_keyset_free(ks);
    free(text);
    json_decref(in);
    json_decref(doc);
}

static void test_jwks_refused(void **state)
{
    static const char *const bad[] = {
        "",
        "[]",
        "{}",
        "{\"keys\":[]}",
        "{\"keys\":{}}",
        "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"AAAA\"}]}",
        "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"a\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",
        "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"a\",\"crv\":\"P-384\",\"x\":\"AA\",\"y\":\"AA\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jose_keyset_t *ks = NULL;
        assert_int_equal(jose_keyset_from_jwks(bad[i], strlen(bad[i]), &ks), GH_ERR_INVALID);
    }
}

/* A 2048-bit modulus divisible by 1051 (from tests/fuzz/corpus/jwks/
 * rsa-small-factor): OpenSSL's randomised check let it through about two
 * times in three, so it is tried many times. */
static void test_jwks_small_factor_refused(void **state)
{
    static const char N[] =
        "uIsmKi0jrjB9vzMMwPl7g-VJBM1ltVv7UCk1EUqAK_ks7fy9BpdfD2BgyE17kwhRG2fhHwaBsrxvVE9W"
        "OJpIpkLypA-MRDMxvhIZbJ1Z8_V_V6j9Lg8H4jApwCkVe5UEk6ldss8sY4V27SFxDi9_pq0Lb_xf3-tO"
        "SYygfWRJJoElTVaNUSaLOTEDIaQgU0nElhD-IUc-5mklEJ-fw19Ib4MboO0_jgqQFXZF_FuaAzRVtEFZ"
        "ZpVsWQm0YHWgs7KChXBkB2l5oVzD5yFxB_oTiX0_7BBU0OS5exsGWXMQSS7Eu573dkD6gYflsQu4c0SE"
        "pF_AcqKtW-4gWNGBUKln7Q";
    json_t *doc = json_pack("{s[{ss ss ss ss ss}]}", "keys", "kty", "RSA", "kid", "k", "alg",
                            "RS256", "n", N, "e", "AQAB");
    char *text = json_dumps(doc, JSON_COMPACT);
    for (int i = 0; i < 20; i++) {
        jose_keyset_t *ks = NULL;
        assert_int_equal(jose_keyset_from_jwks(text, strlen(text), &ks), GH_ERR_INVALID);
    }
    free(text);
    json_decref(doc);
}

#define T(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_hs256_roundtrip),
        T(test_hs256_refusals),
        T(test_hs256_header_is_fixed),
        T(test_hs256_and_keysets_never_mix),
        T(test_jwks_verifies_rs256_and_es256),
        T(test_jwks_skips_unusable_keys),
        T(test_jwks_refused),
        T(test_jwks_small_factor_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
