/* Tests of src/jose: key generation and RFC 7638 kids, keysets and their
 * public JWKS, JWT round trips, every way a token must be refused, rotation,
 * concurrent use of one keyset, and (printed, not asserted) signing speed.
 *
 * Tokens with chosen headers are made by forge(), which signs with the real
 * private key through OpenSSL, so a refusal is caused by what the test
 * changed and not by a broken signature. */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "jose/jose.h"
#include "jose/jose_int.h"
#include "arena_fixture.h"

/* RFC 7638 §3.1 */
static const char RFC7638_JWK[] =
    "{\"kty\":\"RSA\",\"n\":"
    "\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aP"
    "FFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-"
    "65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
    "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\","
    "\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}";
static const char RFC7638_THUMBPRINT[] = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

/* RFC 8037 Appendix A.1 (the Ed25519 key), A.3 (its thumbprint), A.4 (a
 * signature: Ed25519 is deterministic) */
#define RFC8037_X "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
static const char RFC8037_PRIVATE[] = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
                                      "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
                                      "\"x\":\"" RFC8037_X "\"}";
static const char RFC8037_THUMBPRINT[] = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";
static const char RFC8037_INPUT[] = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
static const char RFC8037_SIGNATURE[] =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

/* Keys made once for all tests: rsa (signs in ks_rsa), old (kept in ks_rsa
 * as a non-signing key; signs in ks_old), ec (ks_ec), other (ks_other). */
static struct {
    arena_t *arena;
    char *rsa, *rsa_kid, *old, *old_kid, *ec, *ec_kid, *other, *other_kid, *ed, *ed_kid, *ps,
        *ps_kid;
    jose_keyset_t *ks_rsa, *ks_old, *ks_ec, *ks_other, *ks_ed, *ks_ps;
} F;

static jose_keyset_t *keyset(const char *signer, const char *extra)
{
    jose_key_input_t in[2] = {{signer, true}, {extra, false}};
    jose_keyset_t *ks = NULL;
    assert_int_equal(jose_keyset_new(in, extra ? 2 : 1, &ks), GH_OK);
    return ks;
}

/* The algorithm the one signing key of ks signs. */
static jose_alg_t alg_of(const jose_keyset_t *ks)
{
    for (jose_alg_t alg = 0; alg < JOSE_ALG_COUNT; alg++)
        if (jose_keyset_kid(ks, alg))
            return alg;
    fail_msg("the keyset signs nothing");
    return JOSE_RS256;
}

static int setup(void **state)
{
    F.arena = arena_new(ARENA_CAP);
    assert_int_equal(jose_key_generate(F.arena, JOSE_RS256, &F.rsa_kid, &F.rsa), GH_OK);
    assert_int_equal(jose_key_generate(F.arena, JOSE_RS256, &F.old_kid, &F.old), GH_OK);
    assert_int_equal(jose_key_generate(F.arena, JOSE_ES256, &F.ec_kid, &F.ec), GH_OK);
    assert_int_equal(jose_key_generate(F.arena, JOSE_RS256, &F.other_kid, &F.other), GH_OK);
    assert_int_equal(jose_key_generate(F.arena, JOSE_EDDSA, &F.ed_kid, &F.ed), GH_OK);
    assert_int_equal(jose_key_generate(F.arena, JOSE_PS256, &F.ps_kid, &F.ps), GH_OK);
    F.ks_rsa = keyset(F.rsa, F.old);
    F.ks_old = keyset(F.old, NULL);
    F.ks_ec = keyset(F.ec, NULL);
    F.ks_other = keyset(F.other, NULL);
    F.ks_ed = keyset(F.ed, NULL);
    F.ks_ps = keyset(F.ps, NULL);
    return 0;
}

static int teardown(void **state)
{
    jose_keyset_free(F.ks_rsa);
    jose_keyset_free(F.ks_old);
    jose_keyset_free(F.ks_ec);
    jose_keyset_free(F.ks_other);
    jose_keyset_free(F.ks_ed);
    jose_keyset_free(F.ks_ps);
    arena_free(F.arena);
    return 0;
}

static char *b64_text(arena_t *a, const char *s)
{
    return b64url_encode(a, s, strlen(s));
}

/* A token with the given header and payload texts, signed with the private
 * JWK's key using digest md, its signature in the JWS form of the key type. */
static char *forge(arena_t *a, const char *private_jwk, const char *md, const char *header,
                   const char *payload)
{
    json_t *jwk = json_loads(private_jwk, 0, NULL);
    const jose_alg_ops_t *ops = jose_alg_ops_by_kty(jose_member_str(jwk, "kty"));
    EVP_PKEY *pkey = NULL;
    assert_non_null(ops);
    assert_int_equal(ops->import(jwk, &pkey), GH_OK);
    json_decref(jwk);
    char *input = arena_printf(a, "%s.%s", b64_text(a, header), b64_text(a, payload));
    unsigned char der[JOSE_MAX_SIG], sig[JOSE_MAX_SIG];
    size_t der_len = sizeof der, sig_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit_ex(ctx, NULL, md, NULL, NULL, pkey, NULL), 1);
    assert_int_equal(
        EVP_DigestSign(ctx, der, &der_len, (const unsigned char *)input, strlen(input)), 1);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    if (ops->sig_to_jws) {
        assert_int_equal(ops->sig_to_jws(der, der_len, sig, &sig_len), GH_OK);
    } else {
        memcpy(sig, der, der_len);
        sig_len = der_len;
    }
    return arena_printf(a, "%s.%s", input, b64url_encode(a, sig, sig_len));
}

static char *header_for(arena_t *a, const char *alg, const char *kid)
{
    return arena_printf(a, "{\"alg\":\"%s\",\"kid\":\"%s\"}", alg, kid);
}

static gh_status_t verify(const jose_keyset_t *ks, arena_t *a, const char *token)
{
    json_t *claims = NULL;
    const char *typ = NULL;
    return jose_jwt_verify(ks, a, token, &claims, &typ);
}

static char *sign_sample(const jose_keyset_t *ks, arena_t *a)
{
    json_t *claims = json_pack("{ss si}", "sub", "alice", "exp", 2000000000);
    char *token = NULL;
    assert_int_equal(jose_jwt_sign(ks, alg_of(ks), a, "at+jwt", claims, &token), GH_OK);
    json_decref(claims);
    return token;
}

/* The decoded part i (0, 1, 2) of a token, as NUL-terminated bytes. */
static unsigned char *part(arena_t *a, const char *token, int i, size_t *len)
{
    const char *p = token;
    for (int k = 0; k < i; k++)
        p = strchr(p, '.') + 1;
    size_t n = strcspn(p, ".");
    unsigned char *out = arena_alloc(a, n + 1);
    assert_int_equal(b64url_decode(p, n, out, n, len), GH_OK);
    return out;
}

static void test_alg_names(void **state)
{
    jose_alg_t alg;
    assert_int_equal(jose_alg_parse("RS256", &alg), GH_OK);
    assert_int_equal(alg, JOSE_RS256);
    assert_int_equal(jose_alg_parse("ES256", &alg), GH_OK);
    assert_int_equal(alg, JOSE_ES256);
    assert_string_equal(jose_alg_name(JOSE_RS256), "RS256");
    assert_string_equal(jose_alg_name(JOSE_ES256), "ES256");
    assert_int_equal(jose_alg_parse("EdDSA", &alg), GH_OK);
    assert_int_equal(alg, JOSE_EDDSA);
    assert_string_equal(jose_alg_name(JOSE_EDDSA), "EdDSA");
    assert_int_equal(jose_alg_parse("Ed25519", &alg), GH_OK); /* RFC 9864's name */
    assert_int_equal(alg, JOSE_EDDSA);
    const char *bad[] = {"none", "HS256", "RS384", "rs256", "", "Ed448", "eddsa", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(jose_alg_parse(bad[i], &alg), GH_ERR_INVALID);
}

static void test_thumbprint_rfc7638(void **state)
{
    arena_t *a = *state;
    char *t = NULL;
    assert_int_equal(jose_jwk_thumbprint(a, RFC7638_JWK, &t), GH_OK);
    assert_string_equal(t, RFC7638_THUMBPRINT);
    /* the optional members and their order do not matter, the required ones do */
    json_t *jwk = json_loads(RFC7638_JWK, 0, NULL);
    json_object_del(jwk, "kid");
    json_object_set_new(jwk, "use", json_string("sig"));
    char *text = json_dumps(jwk, JSON_SORT_KEYS | JSON_INDENT(2));
    assert_int_equal(jose_jwk_thumbprint(a, text, &t), GH_OK);
    assert_string_equal(t, RFC7638_THUMBPRINT);
    free(text);
    json_object_set_new(jwk, "e", json_string("AQAC"));
    text = json_dumps(jwk, 0);
    assert_int_equal(jose_jwk_thumbprint(a, text, &t), GH_OK);
    assert_string_not_equal(t, RFC7638_THUMBPRINT);
    free(text);
    json_object_del(jwk, "n");
    text = json_dumps(jwk, 0);
    assert_int_equal(jose_jwk_thumbprint(a, text, &t), GH_ERR_INVALID);
    free(text);
    json_decref(jwk);
    assert_int_equal(jose_jwk_thumbprint(a, "{\"kty\":\"oct\",\"k\":\"AAAA\"}", &t),
                     GH_ERR_INVALID);
    assert_int_equal(jose_jwk_thumbprint(a, "not json", &t), GH_ERR_INVALID);
}

/* RFC 8037: the thumbprint of an OKP key, and the signature of the
 * appendix's private key as jose imports it. */
static void test_ed25519_rfc8037(void **state)
{
    arena_t *a = *state;
    char *t = NULL;
    assert_int_equal(jose_jwk_thumbprint(a, RFC8037_PRIVATE, &t), GH_OK);
    assert_string_equal(t, RFC8037_THUMBPRINT);
    json_t *jwk = json_loads(RFC8037_PRIVATE, 0, NULL);
    const jose_alg_ops_t *ops = jose_alg_ops(JOSE_EDDSA);
    EVP_PKEY *pkey = NULL;
    assert_int_equal(ops->import(jwk, &pkey), GH_OK);
    unsigned char sig[64];
    size_t n = sizeof sig;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey), 1);
    assert_int_equal(
        EVP_DigestSign(ctx, sig, &n, (const unsigned char *)RFC8037_INPUT, strlen(RFC8037_INPUT)),
        1);
    assert_string_equal(b64url_encode(a, sig, n), RFC8037_SIGNATURE);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    /* a private key whose x is not its d's public key is refused */
    json_object_set_new(jwk, "x", json_string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    assert_int_equal(ops->import(jwk, &pkey), GH_ERR_INVALID);
    json_object_set_new(jwk, "x", json_string(RFC8037_X));
    json_object_set_new(jwk, "crv", json_string("Ed448"));
    assert_int_equal(ops->import(jwk, &pkey), GH_ERR_INVALID);
    json_object_set_new(jwk, "crv", json_string("Ed25519"));
    json_object_set_new(jwk, "d", json_string("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyu"));
    assert_int_equal(ops->import(jwk, &pkey), GH_ERR_INVALID); /* 30 bytes */
    json_decref(jwk);
}

/* The generated JWK carries kid = thumbprint, alg and use, and its private part. */
static void check_generated(arena_t *a, const char *jwk_text, const char *kid, const char *alg,
                            const char *private_member)
{
    char *t = NULL;
    assert_int_equal(jose_jwk_thumbprint(a, jwk_text, &t), GH_OK);
    assert_string_equal(t, kid);
    assert_int_equal(strlen(kid), 43);
    json_t *jwk = json_loads(jwk_text, 0, NULL);
    assert_string_equal(jose_member_str(jwk, "kid"), kid);
    assert_string_equal(jose_member_str(jwk, "alg"), alg);
    assert_string_equal(jose_member_str(jwk, "use"), "sig");
    assert_non_null(jose_member_str(jwk, private_member));
    json_decref(jwk);
}

static void test_generate(void **state)
{
    arena_t *a = *state;
    check_generated(a, F.rsa, F.rsa_kid, "RS256", "d");
    check_generated(a, F.ec, F.ec_kid, "ES256", "d");
    check_generated(a, F.ed, F.ed_kid, "EdDSA", "d");
    json_t *ed = json_loads(F.ed, 0, NULL);
    assert_string_equal(jose_member_str(ed, "kty"), "OKP");
    assert_string_equal(jose_member_str(ed, "crv"), "Ed25519");
    for (const char *const *m = (const char *const[]){"x", "d", NULL}; *m; m++)
        assert_int_equal(strlen(jose_member_str(ed, *m)), 43); /* 32 bytes */
    json_decref(ed);
    json_t *jwk = json_loads(F.ec, 0, NULL);
    assert_string_equal(jose_member_str(jwk, "crv"), "P-256");
    assert_string_equal(jose_member_str(jwk, "kty"), "EC");
    /* RFC 7518 §6.2.1.2, §6.2.2.1: coordinates and d at the full 32 bytes */
    for (const char *const *m = (const char *const[]){"x", "y", "d", NULL}; *m; m++)
        assert_int_equal(strlen(jose_member_str(jwk, *m)), 43);
    json_decref(jwk);
    jwk = json_loads(F.rsa, 0, NULL);
    assert_string_equal(jose_member_str(jwk, "kty"), "RSA");
    assert_string_equal(jose_member_str(jwk, "e"), "AQAB");
    assert_int_equal(strlen(jose_member_str(jwk, "n")), 342); /* 2048 bits, no leading zero */
    for (const char *const *m = (const char *const[]){"p", "q", "dp", "dq", "qi", NULL}; *m; m++)
        assert_non_null(jose_member_str(jwk, *m));
    json_decref(jwk);
    assert_string_not_equal(F.rsa_kid, F.old_kid);
    assert_string_equal(jose_keyset_kid(F.ks_rsa, JOSE_RS256), F.rsa_kid);
    assert_null(jose_keyset_kid(F.ks_rsa, JOSE_ES256));
    assert_string_equal(jose_keyset_kid(F.ks_ec, JOSE_ES256), F.ec_kid);
    assert_null(jose_keyset_kid(F.ks_ec, JOSE_RS256));
}

/* Every JWKS entry holds exactly the members named in allowed (NULL-ended),
 * all strings, and its kid is its thumbprint. */
static void check_jwks(arena_t *a, const jose_keyset_t *ks, size_t count,
                       const char *const *allowed)
{
    size_t len = 0, nallowed = 0;
    const char *text = jose_keyset_jwks(ks, &len);
    assert_int_equal(len, strlen(text));
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    assert_int_equal(json_object_size(doc), 1);
    json_t *keys = json_object_get(doc, "keys");
    assert_int_equal(json_array_size(keys), count);
    for (size_t i = 0; i < count; i++) {
        json_t *key = json_array_get(keys, i);
        for (nallowed = 0; allowed[nallowed]; nallowed++)
            assert_true(json_is_string(json_object_get(key, allowed[nallowed])));
        assert_int_equal(json_object_size(key), nallowed);
        assert_string_equal(jose_member_str(key, "use"), "sig");
        char *kt = NULL, *entry = json_dumps(key, 0);
        assert_int_equal(jose_jwk_thumbprint(a, entry, &kt), GH_OK);
        assert_string_equal(kt, jose_member_str(key, "kid"));
        free(entry);
    }
    json_decref(doc);
}

static void test_jwks_public_only(void **state)
{
    arena_t *a = *state;
    static const char *const rsa[] = {"kty", "kid", "use", "alg", "n", "e", NULL};
    static const char *const ec[] = {"kty", "kid", "use", "alg", "crv", "x", "y", NULL};
    check_jwks(a, F.ks_rsa, 2, rsa);
    check_jwks(a, F.ks_ec, 1, ec);
    static const char *const okp[] = {"kty", "kid", "use", "alg", "crv", "x", NULL};
    check_jwks(a, F.ks_ed, 1, okp);
    assert_null(strstr(jose_keyset_jwks(F.ks_ed, NULL), "\"d\""));
    const char *jwks = jose_keyset_jwks(F.ks_rsa, NULL);
    assert_non_null(strstr(jwks, F.rsa_kid));
    assert_non_null(strstr(jwks, F.old_kid));
    const char *secret[] = {"\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\""};
    for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++) {
        assert_null(strstr(jwks, secret[i]));
        assert_null(strstr(jose_keyset_jwks(F.ks_ec, NULL), secret[i]));
    }
}

static void roundtrip(arena_t *a, const jose_keyset_t *ks, const char *alg, size_t sig_bytes)
{
    json_t *claims = json_pack("{ss si s[ss] s{sb}}", "sub", "alice", "exp", 2000000000, "aud", "a",
                               "b", "ext", "ok", 1);
    char *token = NULL;
    assert_int_equal(jose_jwt_sign(ks, alg_of(ks), a, "at+jwt", claims, &token), GH_OK);

    json_t *got = NULL;
    const char *typ = NULL;
    assert_int_equal(jose_jwt_verify(ks, a, token, &got, &typ), GH_OK);
    assert_true(json_equal(got, claims));
    assert_string_equal(typ, "at+jwt");

    size_t len = 0;
    json_t *hdr = json_loads((char *)part(a, token, 0, &len), 0, NULL);
    assert_int_equal(json_object_size(hdr), 3);
    assert_string_equal(jose_member_str(hdr, "alg"), alg);
    assert_string_equal(jose_member_str(hdr, "kid"), jose_keyset_kid(ks, alg_of(ks)));
    json_decref(hdr);
    part(a, token, 2, &len);
    assert_int_equal(len, sig_bytes);

    assert_int_equal(jose_jwt_sign(ks, alg_of(ks), a, NULL, claims, &token), GH_OK);
    assert_int_equal(jose_jwt_verify(ks, a, token, &got, &typ), GH_OK);
    assert_null(typ);
    assert_null(strstr((char *)part(a, token, 0, &len), "typ"));
    assert_int_equal(jose_jwt_verify(ks, a, token, &got, NULL), GH_OK);
    json_decref(claims);

    json_t *not_object = json_string("x");
    assert_int_equal(jose_jwt_sign(ks, alg_of(ks), a, NULL, not_object, &token), GH_ERR_INVALID);
    json_decref(not_object);
}

static void test_roundtrip_rs256(void **state)
{
    roundtrip(*state, F.ks_rsa, "RS256", 256);
}

static void test_roundtrip_es256(void **state)
{
    roundtrip(*state, F.ks_ec, "ES256", 64); /* raw R || S, not DER */
}

static void test_roundtrip_eddsa(void **state)
{
    roundtrip(*state, F.ks_ed, "EdDSA", 64);
}

static void test_roundtrip_ps256(void **state)
{
    roundtrip(*state, F.ks_ps, "PS256", 256);
}

/* PS256 (RFC 7518 §3.5): a randomised signature, PSS with a 32-byte salt,
 * which OpenSSL checks independently; the same token named RS256 is refused
 * (its key says PS256), and an RS256 key's token named PS256 too. */
static void test_ps256_is_pss(void **state)
{
    arena_t *a = *state;
    json_t *claims = json_pack("{ss}", "sub", "alice"), *got = NULL;
    char *one = NULL, *two = NULL;
    assert_int_equal(jose_jwt_sign(F.ks_ps, JOSE_PS256, a, "JWT", claims, &one), GH_OK);
    assert_int_equal(jose_jwt_sign(F.ks_ps, JOSE_PS256, a, "JWT", claims, &two), GH_OK);
    assert_string_not_equal(one, two); /* a fresh salt each time */
    /* OpenSSL on its own: PSS, MGF1-SHA256, salt 32 */
    json_t *jwk = json_loads(F.ps, 0, NULL);
    EVP_PKEY *pkey = NULL;
    assert_int_equal(jose_alg_ops(JOSE_PS256)->import(jwk, &pkey), GH_OK);
    size_t in_len = (size_t)(strrchr(one, '.') - one), sig_len = 0;
    unsigned char sig[512];
    const char *s = strrchr(one, '.') + 1;
    assert_int_equal(b64url_decode(s, strlen(s), sig, sizeof sig, &sig_len), GH_OK);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    assert_int_equal(EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, pkey), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32), 1);
    assert_int_equal(EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)one, in_len), 1);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    json_decref(jwk);
    /* the header's alg must be the key's */
    char *h = header_for(a, "RS256", F.ps_kid);
    char *as_rs = arena_printf(a, "%s%s", b64url_encode(a, h, strlen(h)), strchr(one, '.'));
    assert_int_equal(jose_jwt_verify(F.ks_ps, a, as_rs, &got, NULL), GH_ERR_CRYPTO);
    char *rs = NULL;
    assert_int_equal(jose_jwt_sign(F.ks_rsa, JOSE_RS256, a, "JWT", claims, &rs), GH_OK);
    h = header_for(a, "PS256", F.rsa_kid);
    char *as_ps = arena_printf(a, "%s%s", b64url_encode(a, h, strlen(h)), strchr(rs, '.'));
    assert_int_equal(jose_jwt_verify(F.ks_rsa, a, as_ps, &got, NULL), GH_ERR_CRYPTO);
    json_decref(claims);
}

/* A relying party's keyset from the public JWKS verifies what ks_ed signs;
 * a token naming EdDSA with another key type's kid is refused. */
static void test_eddsa_public_jwks(void **state)
{
    arena_t *a = *state;
    size_t len = 0;
    const char *jwks = jose_keyset_jwks(F.ks_ed, &len);
    jose_keyset_t *rp = NULL;
    assert_int_equal(jose_keyset_from_jwks(jwks, len, &rp), GH_OK);
    json_t *claims = json_pack("{ss}", "sub", "alice"), *got = NULL;
    char *token = NULL;
    assert_int_equal(jose_jwt_sign(F.ks_ed, JOSE_EDDSA, a, "JWT", claims, &token), GH_OK);
    assert_int_equal(jose_jwt_verify(rp, a, token, &got, NULL), GH_OK);
    assert_true(json_equal(got, claims));
    assert_int_equal(jose_jwt_verify(F.ks_rsa, a, token, &got, NULL), GH_ERR_CRYPTO);
    jose_keyset_free(rp);
    json_decref(claims);
}

static void test_forge_sanity(void **state)
{
    arena_t *a = *state;
    const char *payload = "{\"sub\":\"x\"}";
    assert_int_equal(
        verify(F.ks_rsa, a, forge(a, F.rsa, "SHA256", header_for(a, "RS256", F.rsa_kid), payload)),
        GH_OK);
    assert_int_equal(
        verify(F.ks_ec, a, forge(a, F.ec, "SHA256", header_for(a, "ES256", F.ec_kid), payload)),
        GH_OK);
}

static void test_refuse_alg_none(void **state)
{
    arena_t *a = *state;
    const char *hdr = header_for(a, "none", F.rsa_kid);
    char *unsigned_token =
        arena_printf(a, "%s.%s.", b64_text(a, hdr), b64_text(a, "{\"sub\":\"x\"}"));
    assert_int_equal(verify(F.ks_rsa, a, unsigned_token), GH_ERR_INVALID);
    /* even with a signature that is good for the bytes */
    char *signed_none = forge(a, F.rsa, "SHA256", hdr, "{\"sub\":\"x\"}");
    assert_int_equal(verify(F.ks_rsa, a, signed_none), GH_ERR_CRYPTO);
    /* and the same with the case changed */
    assert_int_equal(
        verify(F.ks_rsa, a, forge(a, F.rsa, "SHA256", header_for(a, "rs256", F.rsa_kid), "{}")),
        GH_ERR_CRYPTO);
}

/* HS256 keyed with the public key's bytes, as an attacker who read the JWKS would. */
static char *hs256(arena_t *a, const char *kid, const char *secret)
{
    char *input = arena_printf(a, "%s.%s", b64_text(a, header_for(a, "HS256", kid)),
                               b64_text(a, "{\"sub\":\"admin\"}"));
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (unsigned char *)input, strlen(input), mac,
         &len);
    return arena_printf(a, "%s.%s", input, b64url_encode(a, mac, len));
}

static void test_refuse_hs256(void **state)
{
    arena_t *a = *state;
    json_t *jwks = json_loads(jose_keyset_jwks(F.ks_rsa, NULL), 0, NULL);
    char *pub = json_dumps(json_array_get(json_object_get(jwks, "keys"), 0), JSON_COMPACT);
    assert_int_equal(verify(F.ks_rsa, a, hs256(a, F.rsa_kid, pub)), GH_ERR_CRYPTO);
    assert_int_equal(verify(F.ks_rsa, a, hs256(a, F.rsa_kid, jose_keyset_jwks(F.ks_rsa, NULL))),
                     GH_ERR_CRYPTO);
    assert_int_equal(verify(F.ks_rsa, a, hs256(a, F.rsa_kid, F.rsa)), GH_ERR_CRYPTO);
    free(pub);
    json_decref(jwks);
}

static void test_refuse_other_algs(void **state)
{
    arena_t *a = *state;
    /* correctly signed with the right key, but with SHA-384 */
    assert_int_equal(
        verify(F.ks_rsa, a, forge(a, F.rsa, "SHA384", header_for(a, "RS384", F.rsa_kid), "{}")),
        GH_ERR_CRYPTO);
    /* an algorithm of the other key type */
    assert_int_equal(
        verify(F.ks_rsa, a, forge(a, F.rsa, "SHA256", header_for(a, "ES256", F.rsa_kid), "{}")),
        GH_ERR_CRYPTO);
    assert_int_equal(
        verify(F.ks_ec, a, forge(a, F.ec, "SHA256", header_for(a, "RS256", F.ec_kid), "{}")),
        GH_ERR_CRYPTO);
}

/* The token with character i of part p replaced by c. */
static char *patch(arena_t *a, const char *token, int p, size_t i, char c)
{
    char *t = arena_strdup(a, token);
    char *s = t;
    for (int k = 0; k < p; k++)
        s = strchr(s, '.') + 1;
    s[i] = c;
    return t;
}

static void flip_signature(arena_t *a, const jose_keyset_t *ks)
{
    char *token = sign_sample(ks, a);
    size_t len = 0;
    unsigned char *sig = part(a, token, 2, &len);
    sig[len / 2] ^= 0x01;
    char *hp = arena_strndup(a, token, (size_t)(strrchr(token, '.') - token));
    char *bad = arena_printf(a, "%s.%s", hp, b64url_encode(a, sig, len));
    assert_int_equal(verify(ks, a, token), GH_OK);
    assert_int_equal(verify(ks, a, bad), GH_ERR_CRYPTO);
    /* a signature one byte short */
    bad = arena_printf(a, "%s.%s", hp, b64url_encode(a, sig, len - 1));
    assert_int_equal(verify(ks, a, bad), GH_ERR_CRYPTO);
}

static void test_refuse_flipped_signature(void **state)
{
    flip_signature(*state, F.ks_rsa);
    flip_signature(*state, F.ks_ec);
}

static void modify_payload(arena_t *a, const jose_keyset_t *ks)
{
    char *token = sign_sample(ks, a);
    const char *dot1 = strchr(token, '.'), *dot2 = strrchr(token, '.');
    char *bad = arena_printf(a, "%.*s.%s%s", (int)(dot1 - token), token,
                             b64_text(a, "{\"sub\":\"mallory\",\"exp\":2000000000}"), dot2);
    assert_int_equal(verify(ks, a, bad), GH_ERR_CRYPTO);
}

static void test_refuse_modified_payload(void **state)
{
    modify_payload(*state, F.ks_rsa);
    modify_payload(*state, F.ks_ec);
}

static void test_refuse_kid(void **state)
{
    arena_t *a = *state;
    assert_int_equal(
        verify(F.ks_rsa, a, forge(a, F.rsa, "SHA256", header_for(a, "RS256", "nope"), "{}")),
        GH_ERR_CRYPTO);
    assert_int_equal(verify(F.ks_rsa, a, forge(a, F.rsa, "SHA256", "{\"alg\":\"RS256\"}", "{}")),
                     GH_ERR_CRYPTO);
    assert_int_equal(
        verify(F.ks_rsa, a, forge(a, F.rsa, "SHA256", "{\"alg\":\"RS256\",\"kid\":7}", "{}")),
        GH_ERR_CRYPTO);
}

static void test_refuse_shape(void **state)
{
    arena_t *a = *state;
    char *token = sign_sample(F.ks_rsa, a);
    const char *dot2 = strrchr(token, '.');
    assert_int_equal(verify(F.ks_rsa, a, token), GH_OK);
    assert_int_equal(verify(F.ks_rsa, a, arena_strndup(a, token, (size_t)(dot2 - token))),
                     GH_ERR_INVALID);
    assert_int_equal(verify(F.ks_rsa, a, arena_printf(a, "%s.AAAA", token)), GH_ERR_INVALID);
    /* four parts are malformed whatever the header says */
    char *foreign = arena_printf(a, "%s.AAAA", sign_sample(F.ks_other, a));
    assert_int_equal(verify(F.ks_rsa, a, foreign), GH_ERR_INVALID);
    json_t *claims = NULL;
    assert_int_equal(jose_jwt_peek(a, arena_printf(a, "%s.AAAA", token), &claims), GH_ERR_INVALID);
    assert_int_equal(jose_jwt_peek(a, token, &claims), GH_OK);
    assert_int_equal(verify(F.ks_rsa, a, arena_printf(a, ".%s", strchr(token, '.') + 1)),
                     GH_ERR_INVALID);
    assert_int_equal(
        verify(F.ks_rsa, a,
               arena_printf(a, "%.*s..%s", (int)(strchr(token, '.') - token), token, dot2 + 1)),
        GH_ERR_INVALID);
    assert_int_equal(verify(F.ks_rsa, a, ""), GH_ERR_INVALID);
    assert_int_equal(verify(F.ks_rsa, a, NULL), GH_ERR_INVALID);
    const char bad_chars[] = {'+', '/', '=', ' ', '%'};
    for (size_t i = 0; i < sizeof bad_chars; i++) {
        assert_int_equal(verify(F.ks_rsa, a, patch(a, token, 0, 3, bad_chars[i])), GH_ERR_INVALID);
        assert_int_equal(verify(F.ks_rsa, a, patch(a, token, 2, 5, bad_chars[i])), GH_ERR_INVALID);
    }
    /* padding on the signature (256 bytes: 342 characters, padded 344) */
    assert_int_equal(verify(F.ks_rsa, a, arena_printf(a, "%s==", token)), GH_ERR_INVALID);
    /* a padded header */
    const char *hdr = "{\"alg\":\"RS256\",\"kid\":\"x\"}"; /* 25 bytes: needs padding */
    char *padded = arena_printf(a, "%s=%s", b64_text(a, hdr), strchr(token, '.'));
    assert_int_equal(verify(F.ks_rsa, a, padded), GH_ERR_INVALID);
}

static void test_refuse_too_long(void **state)
{
    arena_t *a = *state;
    char *hdr = header_for(a, "RS256", F.rsa_kid);
    /* header ~70, signature 342, two dots: the payload text decides the length */
    size_t fill = (JOSE_MAX_TOKEN - 70 - 342 - 2) * 3 / 4 - 40;
    char *big = arena_alloc(a, fill + 1);
    memset(big, 'x', fill);
    char *ok = forge(a, F.rsa, "SHA256", hdr, arena_printf(a, "{\"pad\":\"%s\"}", big));
    assert_true(strlen(ok) <= JOSE_MAX_TOKEN);
    assert_int_equal(verify(F.ks_rsa, a, ok), GH_OK);
    char *more = arena_alloc(a, fill + 200 + 1);
    memset(more, 'x', fill + 200);
    char *long_token = forge(a, F.rsa, "SHA256", hdr, arena_printf(a, "{\"pad\":\"%s\"}", more));
    assert_true(strlen(long_token) > JOSE_MAX_TOKEN);
    assert_int_equal(verify(F.ks_rsa, a, long_token), GH_ERR_INVALID);
    json_t *claims = NULL;
    assert_int_equal(jose_jwt_peek(a, long_token, &claims), GH_ERR_INVALID);
}

static void test_refuse_header(void **state)
{
    arena_t *a = *state;
    const char *bad[] = {
        "[\"RS256\"]",
        "\"RS256\"",
        "not json",
        "{\"alg\":\"RS256\",\"kid\":\"%s\"} trailing",
        "{\"alg\":\"RS256\",\"alg\":\"none\",\"kid\":\"%s\"}",
        "{\"alg\":[\"RS256\"],\"kid\":\"%s\"}",
        "{\"kid\":\"%s\"}",
        "{\"alg\":\"RS256\",\"kid\":\"%s\",\"crit\":[\"exp\"],\"exp\":1}",
        "{\"alg\":\"RS256\",\"kid\":\"%s\",\"typ\":5}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *hdr = strstr(bad[i], "%s") ? arena_printf(a, bad[i], F.rsa_kid) : (char *)bad[i];
        assert_int_equal(verify(F.ks_rsa, a, forge(a, F.rsa, "SHA256", hdr, "{}")), GH_ERR_INVALID);
    }
}

static void test_refuse_payload_not_object(void **state)
{
    arena_t *a = *state;
    char *hdr = header_for(a, "RS256", F.rsa_kid);
    const char *bad[] = {"[1]", "\"sub\"", "{\"a\":1,\"a\":2}", "{", "{}x"};
    json_t *claims = NULL;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *token = forge(a, F.rsa, "SHA256", hdr, bad[i]);
        assert_int_equal(verify(F.ks_rsa, a, token), GH_ERR_INVALID);
        assert_int_equal(jose_jwt_peek(a, token, &claims), GH_ERR_INVALID);
    }
}

static void test_refuse_other_keyset(void **state)
{
    arena_t *a = *state;
    char *token = sign_sample(F.ks_other, a);
    assert_int_equal(verify(F.ks_other, a, token), GH_OK);
    assert_int_equal(verify(F.ks_rsa, a, token), GH_ERR_CRYPTO);
    /* the other key, claiming to be ours */
    char *posing = forge(a, F.other, "SHA256", header_for(a, "RS256", F.rsa_kid), "{}");
    assert_int_equal(verify(F.ks_rsa, a, posing), GH_ERR_CRYPTO);
}

static void test_rotation(void **state)
{
    arena_t *a = *state;
    char *old_token = sign_sample(F.ks_old, a);
    json_t *claims = NULL;
    const char *typ = NULL;
    assert_int_equal(jose_jwt_verify(F.ks_rsa, a, old_token, &claims, &typ), GH_OK);
    assert_string_equal(json_string_value(json_object_get(claims, "sub")), "alice");
    char *new_token = sign_sample(F.ks_rsa, a);
    size_t len = 0;
    assert_non_null(strstr((char *)part(a, new_token, 0, &len), F.rsa_kid));
    assert_int_equal(verify(F.ks_old, a, new_token), GH_ERR_CRYPTO);
}

static void test_peek(void **state)
{
    arena_t *a = *state;
    json_t *claims = NULL;
    char *token =
        forge(a, F.other, "SHA256", header_for(a, "RS256", "whatever"), "{\"sub\":\"bob\"}");
    assert_int_equal(jose_jwt_peek(a, token, &claims), GH_OK);
    assert_string_equal(json_string_value(json_object_get(claims, "sub")), "bob");
    assert_int_equal(jose_jwt_peek(a, "a.b", &claims), GH_ERR_INVALID);
    assert_int_equal(jose_jwt_peek(a, "a.b+.c", &claims), GH_ERR_INVALID);
}

/* The JWK text with member name set to value (or removed when value is NULL). */
static char *edit_jwk(const char *jwk_text, const char *name, const char *value)
{
    json_t *jwk = json_loads(jwk_text, 0, NULL);
    if (value)
        json_object_set_new(jwk, name, json_string(value));
    else
        json_object_del(jwk, name);
    char *text = json_dumps(jwk, 0);
    json_decref(jwk);
    return text;
}

static void keyset_fails(const char *a, bool a_signs, const char *b, bool b_signs, size_t n)
{
    jose_key_input_t in[2] = {{a, a_signs}, {b, b_signs}};
    jose_keyset_t *ks = (jose_keyset_t *)&in; /* must stay untouched */
    assert_int_equal(jose_keyset_new(in, n, &ks), GH_ERR_INVALID);
    assert_ptr_equal(ks, (jose_keyset_t *)&in);
}

/* One signing key per algorithm: each signs its own algorithm's tokens, and
 * an algorithm without one signs nothing. */
static void test_keyset_signs_each_algorithm(void **state)
{
    jose_key_input_t in[3] = {{F.rsa, true}, {F.ec, true}, {F.old, false}};
    jose_keyset_t *both = NULL;
    arena_t *a = arena_new(ARENA_CAP);
    json_t *claims = json_pack("{ss}", "sub", "alice"), *hdr = NULL;
    char *token = NULL;
    size_t len = 0;
    assert_int_equal(jose_keyset_new(in, 3, &both), GH_OK);
    assert_string_equal(jose_keyset_kid(both, JOSE_RS256), F.rsa_kid);
    assert_string_equal(jose_keyset_kid(both, JOSE_ES256), F.ec_kid);
    const struct {
        jose_alg_t alg;
        const char *name, *kid;
    } cases[] = {{JOSE_RS256, "RS256", F.rsa_kid}, {JOSE_ES256, "ES256", F.ec_kid}};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(jose_jwt_sign(both, cases[i].alg, a, "JWT", claims, &token), GH_OK);
        assert_int_equal(verify(both, a, token), GH_OK);
        hdr = json_loads((char *)part(a, token, 0, &len), 0, NULL);
        assert_string_equal(jose_member_str(hdr, "alg"), cases[i].name);
        assert_string_equal(jose_member_str(hdr, "kid"), cases[i].kid);
        json_decref(hdr);
    }
    assert_int_equal(jose_jwt_sign(F.ks_rsa, JOSE_ES256, a, "JWT", claims, &token), GH_ERR_INVALID);
    assert_int_equal(jose_jwt_sign(F.ks_rsa, (jose_alg_t)JOSE_ALG_COUNT, a, "JWT", claims, &token),
                     GH_ERR_INVALID);
    assert_null(jose_keyset_kid(F.ks_rsa, (jose_alg_t)JOSE_ALG_COUNT));
    json_decref(claims);
    jose_keyset_free(both);
    arena_free(a);
}

static void test_keyset_refuses(void **state)
{
    keyset_fails(F.rsa, false, F.old, false, 2);     /* nobody signs */
    keyset_fails(F.rsa, true, F.old, true, 2);       /* two signers of one algorithm */
    keyset_fails(F.rsa, true, F.rsa, false, 2);      /* the same kid twice */
    keyset_fails(F.rsa, true, NULL, false, 0);       /* no keys */
    keyset_fails("{\"kty\":", true, NULL, false, 1); /* not JSON */
    keyset_fails(NULL, true, NULL, false, 1);        /* nothing */
    keyset_fails(RFC7638_JWK, true, NULL, false, 1); /* public only */
    const struct {
        const char *jwk, *name, *value;
    } edits[] = {
        {F.rsa, "d", NULL},      {F.rsa, "qi", NULL},    {F.rsa, "alg", "RS384"},
        {F.rsa, "alg", "ES256"}, {F.rsa, "alg", NULL},   {F.rsa, "kid", ""},
        {F.rsa, "kid", NULL},    {F.rsa, "use", "enc"},  {F.rsa, "n", "AQAB"},
        {F.rsa, "e", "AQAC"},    {F.ec, "alg", "RS256"}, {F.ec, "crv", "P-384"},
        {F.ec, "d", "AQAB"}, /* a private key that does not match the public point */
        {F.ec, "x", "AQAB"},     {F.ec, "y", NULL},
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *text = edit_jwk(edits[i].jwk, edits[i].name, edits[i].value);
        keyset_fails(text, true, NULL, false, 1);
        free(text);
    }
}

#define THREADS 4
#define ROUNDS 500

typedef struct {
    const jose_keyset_t *ks;
    int ok;
} worker_t;

/* Signs and verifies ROUNDS tokens with w->ks, which the other threads use at
 * the same time (its keys' ready contexts are copied concurrently). */
static void *worker(void *arg)
{
    worker_t *w = arg;
    json_t *claims = json_pack("{ss}", "sub", "thread");
    for (int i = 0; i < ROUNDS; i++) {
        arena_t *a = arena_new(ARENA_CAP);
        char *token = NULL;
        json_t *got = NULL;
        const char *typ = NULL;
        json_object_set_new(claims, "i", json_integer(i));
        if (jose_jwt_sign(w->ks, alg_of(w->ks), a, "at+jwt", claims, &token) == GH_OK &&
            jose_jwt_verify(w->ks, a, token, &got, &typ) == GH_OK && json_equal(got, claims))
            w->ok++;
        arena_free(a);
    }
    json_decref(claims);
    return NULL;
}

static void test_threads(void **state)
{
    pthread_t t[THREADS];
    worker_t w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker_t){i % 2 ? F.ks_ec : F.ks_rsa, 0};
        assert_int_equal(pthread_create(&t[i], NULL, worker, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].ok, ROUNDS);
    }
}

static void measure(const jose_keyset_t *ks)
{
    json_t *claims = json_pack("{ss ss si si ss}", "iss", "http://127.0.0.1:8080", "sub",
                               "e68a06bf9f2d4496882877cbecad27eb", "iat", 1700000000, "exp",
                               1700003599, "scope", "openid profile");
    int signs = 0, verifies = 0;
    uint64_t start = clock_mono_us(), sign_us = 0;
    while (clock_mono_us() - start < 300000) {
        arena_t *a = arena_new(ARENA_CAP);
        char *token = NULL;
        json_t *got = NULL;
        const char *typ = NULL;
        uint64_t t0 = clock_mono_us();
        /* a token never seen before, so that its signature is checked (verified.c) */
        json_object_set_new(claims, "n", json_integer(signs));
        assert_int_equal(jose_jwt_sign(ks, alg_of(ks), a, "at+jwt", claims, &token), GH_OK);
        sign_us += clock_mono_us() - t0;
        signs++;
        assert_int_equal(jose_jwt_verify(ks, a, token, &got, &typ), GH_OK);
        verifies++;
        arena_free(a);
    }
    uint64_t total = clock_mono_us() - start;
    printf("# %s: %.0f signs/s, %.0f verifies/s (one thread)\n", jose_alg_name(alg_of(ks)),
           signs * 1e6 / (double)sign_us, verifies * 1e6 / (double)(total - sign_us));
    json_decref(claims);
}

static void test_speed(void **state)
{
    measure(F.ks_rsa);
    measure(F.ks_ec);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_alg_names),
        T(test_thumbprint_rfc7638),
        T(test_ed25519_rfc8037),
        T(test_generate),
        T(test_jwks_public_only),
        T(test_roundtrip_rs256),
        T(test_roundtrip_es256),
        T(test_roundtrip_eddsa),
        T(test_roundtrip_ps256),
        T(test_ps256_is_pss),
        T(test_eddsa_public_jwks),
        T(test_forge_sanity),
        T(test_refuse_alg_none),
        T(test_refuse_hs256),
        T(test_refuse_other_algs),
        T(test_refuse_flipped_signature),
        T(test_refuse_modified_payload),
        T(test_refuse_kid),
        T(test_refuse_shape),
        T(test_refuse_too_long),
        T(test_refuse_header),
        T(test_refuse_payload_not_object),
        T(test_refuse_other_keyset),
        T(test_rotation),
        T(test_peek),
        T(test_keyset_signs_each_algorithm),
        T(test_keyset_refuses),
        T(test_threads),
        T(test_speed),
    };
#undef T
    return cmocka_run_group_tests(tests, setup, teardown);
}
