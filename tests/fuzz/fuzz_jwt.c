/* Fuzzes the JWT readers: jose_jwt_verify with a fixed keyset (an RS256,
 * an ES256 and an EdDSA key: the first two are test keys made for this
 * file and used nowhere else, the third RFC 8037's published example; and
 * the RS256 key's material again as a PS256 key, kid "fuzz-ps256"), jose_jwt_peek, and
 * jose_hs256_verify (the gateway's cookies) under a fixed key.
 *
 * The keys are fixed so that the seed corpus can hold tokens they really
 * signed: mutations of those reach the signature check and the payload,
 * not just the header. Checks: what verifies is an object, and verifies
 * again; what verifies can also be peeked at, to the same claims. */
#include "fuzz.h"
#include "jose/jose.h"

static const char RSA_JWK[] =
    "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"uIsmKi0jrjB9vzMMwPV7B-gJlM1ltVv7UCk1EUqAK_ks"
    "7fy9BpdfD2BgyE17kwhRG2fhHwaBsrxvVE9WOJpIpkLypA-MRDMxvhIZbJ1Z8_V_V6j9Lg8H4jApwCkVe5UE"
    "k6ldss8sY4V27SFxDi9_pq0Lb_xf3-tOSYygfWRJJoElTVaNUSaLOTEDIaQgU0nElhD-IUc-5mklEJ-fw19I"
    "b4MboO0_jgqQFXZF_FuaAzRVtEFZZpVsWQm0YHWgs7KChXBkB2l5oVzD5yFxB_oTiX0_7BBU0OS5exsGWXMQ"
    "SS7Eu573dkD6gYflsQu4c0SEpF_AcqKtW-4gWNGBUKln7Q\",\"d\":\"BzOkKEqAkhxOb_V6GcnXd9b4XSa"
    "V20aNAtNIDaLXaFmBRU-5Z1L_Clg6Kd7yNvbz-VdfG7xmHj3hzb7wQ0wfQ5PCj20tTctxdVr6w7hK41OEWT0"
    "QSLZpjTKdeOQ-WrpvEwpUDIJ7iqFRycFZSnktwikOVI8bOIXgu7In-jS9cRBRWlxtfLiaKxb-rcdtgZR6Dhd"
    "JErZKil23ic3O6oTh1VTPX54cGDeZifROOMRl50Gzu25jE1ykYLwr75fGBHPrddYpz4tnmPQ5DkZiTsiEbgq"
    "QJte1bfZTexSoBRjAgrSRtEnQkRgW5vAjRe1Sd498mrS-riCwRcC-NUi3nU9GWQ\",\"p\":\"9xyDNtaAOq"
    "hev0-QKS-UAlA9tJEe0ZwO9wr5clKVyLuwsmyXR_sZLCEbFU2BJeQ2UCe0beMN9qV0fRXOGcBa0f0wLc7utU"
    "lSuBpHANr-oI9XunCowX7TOKAdu9vDXASHJiJ3u5AyO7CyXA5fKsFyQNvXroCq_T_gsuGMHzIrPgU\",\"q\""
    ":\"vy59gDbTaK9BEGi2JF870ZSkR-1Ctjl5scqElA5ZGyUUupwNPwtxnhhBkWsXbMYIFmG-GfLGGcpzJrq0q"
    "KAKAkjq-HIaaRnIWizpRix9Pz3kYTjGWA1Af7-qIFcfS5UPCZwjo9jmPfMeMjC1331YgwO6b0b6HYAIFh1WY"
    "TNWvsk\",\"dp\":\"lCzyuXVSGtpPRiRta2TuOZzoA1hpxILxrk1UWqsOyflR8QuQg0ccRwvq85Ev-gqoTt"
    "QgKyxVeSqpeUAT__kJ_JT3yOAm32oCQgbvwKGQwbJyhod7iduEyJWqfrU-pfTJHaLZbQ0AMi64JN8xTbAF1M"
    "J-yFK7NXSSRnFc1m_84gk\",\"dq\":\"EhVcq58D-jfxiJLO_7u-VcGglGkd0Uy4dRe52KNOzGGCh3AxVJB"
    "Ji_GxagbeLVzB8RQHvj6XfGMI51XrtrOEnti02RE57E0TBWyQGCInKq85BfUv1a5TNoIznmF_RU_xHzCUsm_"
    "Wv29aoNa4rU4W7DWTEel9yQKOQUE_JWyMvPk\",\"qi\":\"a-WCel6XGoftL53D8h3_ztCDXfEbLsLi9a1w"
    "4YWgzmBP7hSfdWeX_TXm4R4eNTe96ue1w0bA_PIPeruvF3DtSLm8ZH-i3VPcewPPUxz6YOpfdrx5DKmL2Qxz"
    "DhK9k436yLhNoIG-O1R5-bkhI21cUYOW9XBTJN2OIlTLYsW7EYw\",\"kid\":\"DEMUTGq5zPxtBmJ8h-ln"
    "7XCtBxKtLtX5-uvoT3Zlmzo\",\"alg\":\"RS256\",\"use\":\"sig\"}";

static const char EC_JWK[] =
    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"rFzcUEtleUIjx_Bd0jLc8gXZM_4Naez98BiQfJ_q8R"
    "M\",\"y\":\"3lqQzgge38TxqmGVLqrxw5PzCCVYoVL1BAjrss10Deg\",\"d\":\"GbrleRgjXCMy7pnykr"
    "OK770skGuJv1vAZP6xQPEnjts\",\"kid\":\"Y0SNjIVLhY2C4y8y4fcbr_WBcUBBdw67qW0Bi5ArLBM\","
    "\"alg\":\"ES256\",\"use\":\"sig\"}";

static const char ED_JWK[] =
    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\","
    "\"kid\":\"kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k\",\"alg\":\"EdDSA\",\"use\":\"sig\"}";

static const unsigned char HS_KEY[JOSE_HS256_MIN_KEY] = "fuzz-hs256-key-of-32-bytes-long";

/* Built once; lives as long as the process. */
static const jose_keyset_t *keyset(void)
{
    static jose_keyset_t *ks;
    if (!ks) {
        json_t *ps = json_loads(RSA_JWK, 0, NULL);
        FUZZ_CHECK(ps && json_object_set_new(ps, "alg", json_string("PS256")) == 0 &&
                   json_object_set_new(ps, "kid", json_string("fuzz-ps256")) == 0);
        char *ps_jwk = json_dumps(ps, JSON_COMPACT);
        const jose_key_input_t keys[] = {
            {RSA_JWK, true}, {EC_JWK, false}, {ED_JWK, false}, {ps_jwk, false}};
        FUZZ_CHECK(jose_keyset_new(keys, 4, &ks) == GH_OK);
        free(ps_jwk);
        json_decref(ps);
    }
    return ks;
}

static void check_verified(arena_t *a, const char *token, const json_t *claims)
{
    json_t *again = NULL, *peeked = NULL;
    FUZZ_CHECK(json_is_object(claims));
    FUZZ_CHECK(jose_jwt_verify(keyset(), a, token, &again, NULL) == GH_OK);
    FUZZ_CHECK(jose_jwt_peek(a, token, &peeked) == GH_OK && json_equal(claims, peeked));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *token = a ? fuzz_cstr(a, data, size) : NULL;
    json_t *claims = NULL;
    const char *typ = NULL;
    if (token && jose_jwt_verify(keyset(), a, token, &claims, &typ) == GH_OK)
        check_verified(a, token, claims);
    if (token && jose_jwt_peek(a, token, &claims) == GH_OK)
        FUZZ_CHECK(json_is_object(claims));
    if (token && jose_hs256_verify(HS_KEY, sizeof HS_KEY, a, token, &claims) == GH_OK) {
        json_t *peeked = NULL;
        FUZZ_CHECK(jose_jwt_peek(a, token, &peeked) == GH_OK && json_equal(claims, peeked));
    }
    arena_free(a);
    return 0;
}
