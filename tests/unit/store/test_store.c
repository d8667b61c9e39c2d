/* Storage conformance suite, written against store.h only so that every
 * engine passes the same tests. The database is $GH_TEST_DB when set (the
 * suite then only adds rows whose names carry a per-run random suffix, so it
 * can share a server database; scripts/test.sh runs it on PostgreSQL this
 * way), otherwise a fresh sqlite: file in a new temporary directory. Times are made up: the store
 * never reads the clock. */
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
#include <unistd.h>

#include "core/secret.h"
#include "mfa/mfa.h"
#include "store/store.h"

#define T0 INT64_C(1700000000)
#define MS(t) ((t)*1000) /* a time in seconds in milliseconds */
#define RACERS 8
#define HASH "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"

typedef struct {
    store_t *s;
    arena_t *a; /* per test */
    char *url;
    char dir[64]; /* temporary directory, "" when GH_TEST_DB is used */
    char run[33]; /* random suffix of every name this run creates */
} fixture_t;

/* ---- fixture ---- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int group_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    arena_t *a = arena_new(1 << 16);
    const char *env = getenv("GH_TEST_DB");
    assert_non_null(f);
    strcpy(f->run, secret_hex_id(a, 16));
    if (env && *env) {
        f->url = strdup(env);
    } else {
        strcpy(f->dir, "/tmp/gh-store-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        /* the missing parent directories must be created by store_open */
        assert_int_not_equal(asprintf(&f->url, "sqlite:%s/var/db/test.db", f->dir), -1);
    }
    arena_free(a);
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

static int setup(void **state)
{
    fixture_t *f = *state;
    f->a = arena_new(1 << 20);
    return f->a ? 0 : -1;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    arena_free(f->a);
    f->a = NULL;
    return 0;
}

static bool is_sqlite(const fixture_t *f)
{
    return strncmp(f->url, "sqlite:", 7) == 0;
}

/* ---- helpers ---- */

static const char *uniq(fixture_t *f, const char *base)
{
    const char *n = arena_printf(f->a, "%s-%s", base, f->run);
    assert_non_null(n);
    return n;
}

/* A random 64-hex-digit string, shaped like the digests the callers store. */
static const char *digest(fixture_t *f)
{
    const char *d = secret_hex_id(f->a, 32);
    assert_non_null(d);
    return d;
}

static store_user_t make_user(fixture_t *f, const char *base)
{
    return (store_user_t){.sub = secret_hex_id(f->a, 16),
                          .username = uniq(f, base),
                          .password_hash = HASH,
                          .email = arena_printf(f->a, "%s@example.test", base),
                          .nickname = base,
                          .created_at = T0};
}

static const char *add_user(fixture_t *f, const char *base)
{
    store_user_t u = make_user(f, base);
    assert_int_equal(store_user_add(f->s, &u), GH_OK);
    return u.sub;
}

static const char *add_client(fixture_t *f, const char *base)
{
    static const char *uris[] = {"https://rp.example/cb"};
    store_client_t c = {.id = uniq(f, base),
                        .secret_digest = "hmac-sha256$00$11",
                        .redirect_uris = uris,
                        .redirect_uri_count = 1,
                        .scope = "openid profile",
                        .grants = STORE_GRANT_AUTHORIZATION_CODE | STORE_GRANT_REFRESH_TOKEN,
                        .created_at = T0};
    assert_int_equal(store_client_add(f->s, &c), GH_OK);
    return c.id;
}

static store_code_t put_code(fixture_t *f, const char *client, const char *sub, int64_t expires)
{
    store_code_t c = {.digest = digest(f),
                      .client_id = client,
                      .redirect_uri = "https://rp.example/cb",
                      .scope = "openid profile",
                      .sub = sub,
                      .nonce = "n-0S6_WzA2Mj",
                      .code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                      .session_digest = digest(f),
                      .auth_time = T0,
                      .expires_at = expires,
                      .authn = {.amr = "pwd", .idp = "naver"}};
    assert_int_equal(store_code_put(f->s, &c), GH_OK);
    return c;
}

static store_refresh_t put_refresh(fixture_t *f, const char *client, const char *sub,
                                   int64_t expires)
{
    store_refresh_t r = {.digest = digest(f),
                         .family = digest(f),
                         .client_id = client,
                         .sub = sub,
                         .scope = "openid profile offline_access",
                         .auth_time = T0 - 5,
                         .issued_at = T0,
                         .expires_at = expires,
                         .authn = {.amr = "hwk user", .acr = "phr"}};
    assert_int_equal(store_refresh_put(f->s, &r), GH_OK);
    return r;
}

static store_refresh_t next_refresh(fixture_t *f, int64_t issued_at)
{
    return (store_refresh_t){
        .digest = digest(f), .issued_at = issued_at, .expires_at = issued_at + 3600};
}

static bool user_listed(fixture_t *f, const char *username)
{
    store_user_t *users = NULL;
    size_t n = 0;
    assert_int_equal(store_user_list(f->s, f->a, &users, &n), GH_OK);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(users[i].username, username))
            return true;
    return false;
}

static bool client_listed(fixture_t *f, const char *id)
{
    store_client_t *clients = NULL;
    size_t n = 0;
    assert_int_equal(store_client_list(f->s, f->a, &clients, &n), GH_OK);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(clients[i].id, id))
            return true;
    return false;
}

/* ---- opening ---- */

static void test_open_rejects_bad_urls(void **state)
{
    store_t *s = NULL;
    assert_int_equal(store_open("mysql://localhost/db", &s), GH_ERR_INVALID);
    assert_int_equal(store_open("sqlite:", &s), GH_ERR_INVALID);
    assert_int_equal(store_open("var/gatehouse.db", &s), GH_ERR_INVALID);
    assert_null(s);
    store_close(NULL);
}

static void test_engine_name(void **state)
{
    fixture_t *f = *state;
    if (is_sqlite(f))
        assert_string_equal(store_engine(f->s), "sqlite");
    else
        assert_non_null(store_engine(f->s));
}

/* ---- users ---- */

static void test_user_add_get_find(void **state)
{
    fixture_t *f = *state;
    store_user_t u = make_user(f, "alice"), got = {0};
    u.name = "Alice Liddell";
    assert_int_equal(store_user_add(f->s, &u), GH_OK);

    assert_int_equal(store_user_get(f->s, f->a, u.sub, &got), GH_OK);
    assert_string_equal(got.sub, u.sub);
    assert_string_equal(got.username, u.username);
    assert_string_equal(got.password_hash, HASH);
    assert_string_equal(got.email, u.email);
    assert_string_equal(got.nickname, "alice");
    assert_string_equal(got.name, "Alice Liddell");
    assert_int_equal(got.created_at, T0);

    memset(&got, 0, sizeof got);
    assert_int_equal(store_user_find(f->s, f->a, u.username, &got), GH_OK);
    assert_string_equal(got.sub, u.sub);
    assert_true(user_listed(f, u.username));
}

static void test_user_optional_fields_null(void **state)
{
    fixture_t *f = *state;
    store_user_t u = {.sub = secret_hex_id(f->a, 16),
                      .username = uniq(f, "bare"),
                      .password_hash = HASH,
                      .created_at = T0},
                 got = {0};
    assert_int_equal(store_user_add(f->s, &u), GH_OK);
    assert_int_equal(store_user_find(f->s, f->a, u.username, &got), GH_OK);
    assert_null(got.email);
    assert_null(got.nickname);
    assert_null(got.name);
}

static void test_user_conflicts_and_missing(void **state)
{
    fixture_t *f = *state;
    store_user_t u = make_user(f, "bob"), same_name = make_user(f, "bob"),
                 same_sub = make_user(f, "bob2"), got = {0};
    same_sub.sub = u.sub;
    assert_int_equal(store_user_add(f->s, &u), GH_OK);
    assert_int_equal(store_user_add(f->s, &same_name), GH_ERR_CONFLICT);
    assert_int_equal(store_user_add(f->s, &same_sub), GH_ERR_CONFLICT);

    assert_int_equal(store_user_get(f->s, f->a, digest(f), &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_user_find(f->s, f->a, uniq(f, "nobody"), &got), GH_ERR_NOT_FOUND);
    assert_null(got.sub); /* untouched on failure */
    assert_int_equal(store_user_remove(f->s, uniq(f, "nobody")), GH_ERR_NOT_FOUND);
    assert_int_equal(store_user_set_password(f->s, uniq(f, "nobody"), HASH), GH_ERR_NOT_FOUND);
}

static void test_user_missing_fields_invalid(void **state)
{
    fixture_t *f = *state;
    store_user_t no_sub = make_user(f, "nosub"), no_name = make_user(f, "noname"), got = {0};
    no_sub.sub = NULL;
    no_name.username = NULL;
    assert_int_equal(store_user_add(f->s, &no_sub), GH_ERR_INVALID);
    assert_int_equal(store_user_add(f->s, &no_name), GH_ERR_INVALID);
    assert_int_equal(store_user_find(f->s, f->a, uniq(f, "nosub"), &got), GH_ERR_NOT_FOUND);
}

static void test_user_set_password_and_remove(void **state)
{
    fixture_t *f = *state;
    store_user_t u = make_user(f, "carol"), got = {0};
    assert_int_equal(store_user_add(f->s, &u), GH_OK);
    assert_int_equal(store_user_set_password(f->s, u.username, "$argon2id$new"), GH_OK);
    assert_int_equal(store_user_find(f->s, f->a, u.username, &got), GH_OK);
    assert_string_equal(got.password_hash, "$argon2id$new");

    assert_int_equal(store_user_remove(f->s, u.username), GH_OK);
    assert_int_equal(store_user_get(f->s, f->a, u.sub, &got), GH_ERR_NOT_FOUND);
    assert_false(user_listed(f, u.username));
    assert_int_equal(store_user_remove(f->s, u.username), GH_ERR_NOT_FOUND);
}

/* ---- clients ---- */

static void test_client_add_get(void **state)
{
    fixture_t *f = *state;
    const char *uris[] = {"https://rp.example/cb", "http://127.0.0.1:9000/cb?x=1"};
    const char *logout[] = {"https://rp.example/bye"};
    store_client_t c = {.id = uniq(f, "rp"),
                        .secret_digest = "hmac-sha256$aa$bb",
                        .name = "Relying Party",
                        .redirect_uris = uris,
                        .redirect_uri_count = 2,
                        .post_logout_redirect_uris = logout,
                        .post_logout_redirect_uri_count = 1,
                        .scope = "openid profile email",
                        .grants = STORE_GRANT_AUTHORIZATION_CODE | STORE_GRANT_CLIENT_CREDENTIALS,
                        .created_at = T0 + 7},
                   got = {0};
    assert_int_equal(store_client_add(f->s, &c), GH_OK);
    assert_int_equal(store_client_get(f->s, f->a, c.id, &got), GH_OK);
    assert_string_equal(got.id, c.id);
    assert_string_equal(got.secret_digest, "hmac-sha256$aa$bb");
    assert_string_equal(got.name, "Relying Party");
    assert_int_equal(got.redirect_uri_count, 2);
    assert_string_equal(got.redirect_uris[0], uris[0]);
    assert_string_equal(got.redirect_uris[1], uris[1]);
    assert_int_equal(got.post_logout_redirect_uri_count, 1);
    assert_string_equal(got.post_logout_redirect_uris[0], logout[0]);
    assert_string_equal(got.scope, "openid profile email");
    assert_int_equal(got.grants, STORE_GRANT_AUTHORIZATION_CODE | STORE_GRANT_CLIENT_CREDENTIALS);
    assert_false(got.is_public);
    assert_int_equal(got.created_at, T0 + 7);
    assert_true(client_listed(f, c.id));
}

static void test_client_public_without_uris(void **state)
{
    fixture_t *f = *state;
    store_client_t c = {.id = uniq(f, "spa"),
                        .scope = "openid",
                        .grants = STORE_GRANT_CLIENT_CREDENTIALS,
                        .is_public = true,
                        .created_at = T0},
                   got = {0};
    assert_int_equal(store_client_add(f->s, &c), GH_OK);
    assert_int_equal(store_client_get(f->s, f->a, c.id, &got), GH_OK);
    assert_true(got.is_public);
    assert_null(got.secret_digest);
    assert_null(got.name);
    assert_int_equal(got.redirect_uri_count, 0);
    assert_int_equal(got.post_logout_redirect_uri_count, 0);
}

static void test_client_conflicts_and_missing(void **state)
{
    fixture_t *f = *state;
    const char *bad[] = {"https://rp.example/cb\nhttps://evil.example/"};
    store_client_t c = {.id = uniq(f, "rp-bad"),
                        .redirect_uris = bad,
                        .redirect_uri_count = 1,
                        .scope = "openid",
                        .created_at = T0},
                   got = {0};
    assert_int_equal(store_client_add(f->s, &c), GH_ERR_INVALID);
    assert_int_equal(store_client_get(f->s, f->a, c.id, &got), GH_ERR_NOT_FOUND);

    const char *id = add_client(f, "rp-dup");
    c.id = id;
    c.redirect_uri_count = 0;
    assert_int_equal(store_client_add(f->s, &c), GH_ERR_CONFLICT);

    assert_int_equal(store_client_remove(f->s, id), GH_OK);
    assert_int_equal(store_client_get(f->s, f->a, id, &got), GH_ERR_NOT_FOUND);
    assert_false(client_listed(f, id));
    assert_int_equal(store_client_remove(f->s, id), GH_ERR_NOT_FOUND);
}

/* ---- consents ---- */

static void test_consents(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "dave"), *client = add_client(f, "rp-consent");
    const char *scope = NULL;
    assert_int_equal(store_consent_get(f->s, f->a, sub, client, &scope), GH_ERR_NOT_FOUND);
    assert_int_equal(store_consent_put(f->s, sub, client, "openid", T0), GH_OK);
    assert_int_equal(store_consent_get(f->s, f->a, sub, client, &scope), GH_OK);
    assert_string_equal(scope, "openid");
    assert_int_equal(store_consent_put(f->s, sub, client, "openid profile", T0 + 1), GH_OK);
    assert_int_equal(store_consent_get(f->s, f->a, sub, client, &scope), GH_OK);
    assert_string_equal(scope, "openid profile");
    /* a consent needs a real user and client */
    assert_int_equal(store_consent_put(f->s, digest(f), client, "openid", T0), GH_ERR_NOT_FOUND);
}

/* ---- sessions ---- */

static void test_sessions(void **state)
{
    fixture_t *f = *state;
    store_session_t sess = {.digest = digest(f),
                            .sub = add_user(f, "erin"),
                            .auth_time = T0,
                            .expires_at = T0 + 100,
                            .authn = {.amr = "pwd otp mfa", .acr = "mfa", .idp = "kakao"}},
                    got = {0};
    assert_int_equal(store_session_put(f->s, &sess), GH_OK);
    assert_int_equal(store_session_get(f->s, f->a, sess.digest, T0 + 99, &got), GH_OK);
    assert_string_equal(got.digest, sess.digest);
    assert_string_equal(got.sub, sess.sub);
    assert_int_equal(got.auth_time, T0);
    assert_int_equal(got.expires_at, T0 + 100);
    assert_string_equal(got.authn.amr, "pwd otp mfa");
    assert_string_equal(got.authn.acr, "mfa");
    assert_string_equal(got.authn.idp, "kakao");
    assert_int_equal(store_session_get(f->s, f->a, sess.digest, T0 + 100, &got), GH_ERR_NOT_FOUND);

    assert_int_equal(store_session_delete(f->s, sess.digest), GH_OK);
    assert_int_equal(store_session_get(f->s, f->a, sess.digest, T0, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_session_delete(f->s, sess.digest), GH_ERR_NOT_FOUND);
}

/* store_client_session: the client, and a session with its member's consent
 * to that client (none, then given; another client's not counted) and
 * second factors (none; an unconfirmed TOTP; a confirmed one; a passkey), in
 * one statement. */
static void test_client_session(void **state)
{
    fixture_t *f = *state;
    const char *client = add_client(f, "rp-sc"), *other = add_client(f, "rp-sc2"), *consent = "x";
    store_session_t sess = {.digest = digest(f),
                            .sub = add_user(f, "sara"),
                            .auth_time = T0,
                            .expires_at = T0 + 100,
                            .authn = {.amr = "pwd"}},
                    got = {0};
    store_client_t c = {0};
    store_factors_t factors = {.totp = true, .passkey = true};
    gh_status_t st = GH_ERR_INTERNAL;
    assert_int_equal(store_session_put(f->s, &sess), GH_OK);
    assert_int_equal(store_consent_put(f->s, sess.sub, other, "openid email", T0), GH_OK);
    assert_int_equal(store_client_session(f->s, f->a, client, sess.digest, T0 + 1, &c, &st, &got,
                                          &consent, &factors),
                     GH_OK);
    assert_string_equal(c.id, client);
    assert_string_equal(c.redirect_uris[0], "https://rp.example/cb");
    assert_int_equal(st, GH_OK);
    assert_string_equal(got.digest, sess.digest);
    assert_string_equal(got.sub, sess.sub);
    assert_int_equal(got.auth_time, T0);
    assert_string_equal(got.authn.amr, "pwd");
    assert_null(consent);
    assert_false(factors.totp);
    assert_false(factors.passkey);

    assert_int_equal(store_consent_put(f->s, sess.sub, client, "openid profile", T0), GH_OK);
    assert_int_equal(store_client_session(f->s, f->a, client, sess.digest, T0 + 1, &c, &st, &got,
                                          &consent, &factors),
                     GH_OK);
    assert_string_equal(consent, "openid profile");
    /* the member's second factors: a TOTP counts once confirmed */
    store_mfa_totp_t totp = {.sub = sess.sub, .secret = "sealed", .created_at = T0};
    store_passkey_t key = {.credential_id = uniq(f, "cred-sc"),
                           .sub = sess.sub,
                           .public_key = "pk",
                           .alg = -7,
                           .name = "Laptop",
                           .created_at = T0};
    assert_int_equal(store_mfa_totp_begin(f->s, &totp), GH_OK);
    assert_int_equal(store_client_session(f->s, f->a, client, sess.digest, T0 + 1, &c, &st, &got,
                                          &consent, &factors),
                     GH_OK);
    assert_false(factors.totp);
    assert_int_equal(store_mfa_totp_confirm(f->s, sess.sub, 1), GH_OK);
    assert_int_equal(store_passkey_add(f->s, &key), GH_OK);
    assert_int_equal(store_client_session(f->s, f->a, client, sess.digest, T0 + 1, &c, &st, &got,
                                          &consent, &factors),
                     GH_OK);
    assert_true(factors.totp);
    assert_true(factors.passkey);
    /* an expired, unknown or absent session: the client alone */
    const char *digests[] = {sess.digest, digest(f), NULL};
    for (size_t i = 0; i < 3; i++) {
        memset(&c, 0, sizeof c);
        assert_int_equal(store_client_session(f->s, f->a, client, digests[i], i ? T0 : T0 + 100, &c,
                                              &st, &got, &consent, &factors),
                         GH_OK);
        assert_string_equal(c.id, client);
        assert_int_equal(st, GH_ERR_NOT_FOUND);
    }
    assert_int_equal(store_client_session(f->s, f->a, uniq(f, "nobody"), sess.digest, T0 + 1, &c,
                                          &st, &got, &consent, &factors),
                     GH_ERR_NOT_FOUND);
}

/* ---- codes ---- */

static void test_code_take_once(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "frank"), *client = add_client(f, "rp-code");
    store_code_t c = put_code(f, client, sub, T0 + 60), got = {0};
    const char *family = digest(f);

    assert_int_equal(store_code_take(f->s, f->a, c.digest, "someone-else", T0 + 1, family, &got),
                     GH_ERR_NOT_FOUND); /* another client's try spends nothing */
    assert_int_equal(store_code_take(f->s, f->a, c.digest, client, T0 + 1, family, &got), GH_OK);
    assert_string_equal(got.digest, c.digest);
    assert_string_equal(got.client_id, client);
    assert_string_equal(got.redirect_uri, c.redirect_uri);
    assert_string_equal(got.scope, c.scope);
    assert_string_equal(got.sub, sub);
    assert_string_equal(got.nonce, c.nonce);
    assert_string_equal(got.code_challenge, c.code_challenge);
    assert_string_equal(got.session_digest, c.session_digest);
    assert_string_equal(got.family, family);
    assert_int_equal(got.auth_time, T0);
    assert_int_equal(got.expires_at, T0 + 60);
    assert_string_equal(got.authn.amr, "pwd");
    assert_null(got.authn.acr);
    assert_string_equal(got.authn.idp, "naver");

    memset(&got, 0, sizeof got);
    assert_int_equal(store_code_take(f->s, f->a, c.digest, client, T0 + 2, digest(f), &got),
                     GH_ERR_CONFLICT);
    assert_non_null(got.family);
    assert_string_equal(got.family, family); /* the first redemption's family */
    /* a replay after expiry is still a replay */
    assert_int_equal(store_code_take(f->s, f->a, c.digest, client, T0 + 61, digest(f), &got),
                     GH_ERR_CONFLICT);
}

static void test_code_expired_or_unknown(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "gina"), *client = add_client(f, "rp-code2");
    store_code_t c = put_code(f, client, sub, T0 + 60), got = {0};
    assert_int_equal(store_code_take(f->s, f->a, c.digest, client, T0 + 60, "fam", &got),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_code_take(f->s, f->a, digest(f), client, T0, "fam", &got),
                     GH_ERR_NOT_FOUND);
    assert_null(got.digest);
    assert_int_equal(store_code_put(f->s, &c), GH_ERR_CONFLICT);
}

/* store_code_redeem: the take and the grant's first refresh token in one
 * step; nothing is inserted when the code is not taken. */
static void test_code_redeem_with_refresh(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "rita"), *client = add_client(f, "rp-redeem");
    store_code_t c = put_code(f, client, sub, T0 + 60), got = {0};
    const char *family = digest(f);
    store_refresh_t first = {.digest = digest(f), .issued_at = T0 + 1, .expires_at = T0 + 900},
                    stray = {.digest = digest(f), .issued_at = T0 + 1, .expires_at = T0 + 900}, r;

    /* another client's try: the code stays, no token */
    assert_int_equal(
        store_code_redeem(f->s, f->a, c.digest, "someone-else", T0 + 1, family, &stray, &got),
        GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, stray.digest, T0 + 1, &r), GH_ERR_NOT_FOUND);

    assert_int_equal(store_code_redeem(f->s, f->a, c.digest, client, T0 + 1, family, &first, &got),
                     GH_OK);
    assert_string_equal(got.digest, c.digest);
    assert_string_equal(got.family, family);
    assert_string_equal(got.sub, sub);
    assert_string_equal(got.authn.idp, "naver");
    assert_int_equal(store_refresh_get(f->s, f->a, first.digest, T0 + 1, &r), GH_OK);
    assert_string_equal(r.family, family);
    assert_string_equal(r.client_id, client);
    assert_string_equal(r.sub, sub);
    assert_string_equal(r.scope, c.scope);
    assert_int_equal(r.auth_time, c.auth_time);
    assert_int_equal(r.issued_at, T0 + 1);
    assert_int_equal(r.expires_at, T0 + 900);
    assert_string_equal(r.authn.amr, "pwd");
    assert_null(r.authn.acr);
    assert_string_equal(r.authn.idp, "naver");

    /* a replay: CONFLICT with the first family, and no second token */
    memset(&got, 0, sizeof got);
    assert_int_equal(
        store_code_redeem(f->s, f->a, c.digest, client, T0 + 2, digest(f), &stray, &got),
        GH_ERR_CONFLICT);
    assert_string_equal(got.family, family);
    assert_int_equal(store_refresh_get(f->s, f->a, stray.digest, T0 + 2, &r), GH_ERR_NOT_FOUND);
    /* an expired code: nothing either */
    store_code_t old = put_code(f, client, sub, T0 + 60);
    assert_int_equal(
        store_code_redeem(f->s, f->a, old.digest, client, T0 + 60, digest(f), &stray, &got),
        GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, stray.digest, T0 + 2, &r), GH_ERR_NOT_FOUND);
}

/* ---- refresh tokens ---- */

static void test_refresh_rotate(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "hank"), *client = add_client(f, "rp-rt");
    store_refresh_t r = put_refresh(f, client, sub, T0 + 1000), got = {0}, old = {0};
    store_refresh_t next = next_refresh(f, T0 + 10);

    assert_int_equal(store_refresh_get(f->s, f->a, r.digest, T0 + 1, &got), GH_OK);
    assert_string_equal(got.family, r.family);
    assert_int_equal(store_refresh_rotate(f->s, f->a, r.digest, client, T0 + 10, 0, &next, &old),
                     GH_OK);
    assert_string_equal(old.digest, r.digest);
    assert_string_equal(old.sub, sub);
    assert_int_equal(old.expires_at, T0 + 1000);

    /* the old one is spent; the new one inherits family, sub, scope, auth_time */
    assert_int_equal(store_refresh_get(f->s, f->a, r.digest, T0 + 11, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, next.digest, T0 + 11, &got), GH_OK);
    assert_string_equal(got.family, r.family);
    assert_string_equal(got.client_id, client);
    assert_string_equal(got.sub, sub);
    assert_string_equal(got.scope, r.scope);
    assert_int_equal(got.auth_time, r.auth_time);
    assert_string_equal(got.authn.amr, "hwk user"); /* and how the member signed in */
    assert_string_equal(got.authn.acr, "phr");
    assert_null(got.authn.idp);
    assert_int_equal(got.issued_at, T0 + 10);
    assert_int_equal(got.expires_at, T0 + 10 + 3600);
}

static void test_refresh_reuse_revokes_family(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "ivy"), *client = add_client(f, "rp-rt2");
    store_refresh_t r = put_refresh(f, client, sub, T0 + 1000), got = {0}, old = {0};
    store_refresh_t next = next_refresh(f, T0 + 10), again = next_refresh(f, T0 + 20);

    assert_int_equal(store_refresh_rotate(f->s, f->a, r.digest, client, T0 + 10, 0, &next, &old),
                     GH_OK);
    old.family = NULL;
    assert_int_equal(store_refresh_rotate(f->s, f->a, r.digest, client, T0 + 20, 0, &again, &old),
                     GH_ERR_CONFLICT);
    assert_non_null(old.family); /* so the caller can revoke the grant's access tokens */
    assert_string_equal(old.family, r.family);
    assert_int_equal(store_refresh_get(f->s, f->a, next.digest, T0 + 21, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, again.digest, T0 + 21, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(
        store_refresh_rotate(f->s, f->a, next.digest, client, T0 + 22, 0, &again, &old),
        GH_ERR_NOT_FOUND);
}

/* Within the grace a rotated token rotates again (a second successor in the
 * same family); the grace runs from the first rotation, and past it a reuse
 * revokes the family as without one. */
static void test_refresh_grace(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "ivo"), *client = add_client(f, "rp-rt-grace");
    store_refresh_t r = put_refresh(f, client, sub, T0 + 1000), got = {0}, old = {0};
    store_refresh_t n1 = next_refresh(f, T0 + 10), n2 = next_refresh(f, T0 + 12);
    store_refresh_t n3 = next_refresh(f, T0 + 16);

    assert_int_equal(store_refresh_rotate(f->s, f->a, r.digest, client, T0 + 10, 5, &n1, &old),
                     GH_OK);
    assert_int_equal(store_refresh_rotate(f->s, f->a, r.digest, client, T0 + 12, 5, &n2, &old),
                     GH_OK);
    assert_string_equal(old.family, r.family);
    assert_int_equal(store_refresh_get(f->s, f->a, n1.digest, T0 + 12, &got), GH_OK);
    assert_int_equal(store_refresh_get(f->s, f->a, n2.digest, T0 + 12, &got), GH_OK);
    assert_string_equal(got.family, r.family);
    /* T0 + 16 is past T0 + 10 + 5: theft */
    assert_int_equal(store_refresh_rotate(f->s, f->a, r.digest, client, T0 + 16, 5, &n3, &old),
                     GH_ERR_CONFLICT);
    assert_int_equal(store_refresh_get(f->s, f->a, n1.digest, T0 + 16, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, n2.digest, T0 + 16, &got), GH_ERR_NOT_FOUND);
}

static void test_refresh_wrong_client_expired_unknown(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "jack"), *client = add_client(f, "rp-rt3");
    const char *other = add_client(f, "rp-rt3-other");
    store_refresh_t r = put_refresh(f, client, sub, T0 + 100), got = {0}, old = {0};
    store_refresh_t next = next_refresh(f, T0 + 10);

    assert_int_equal(store_refresh_rotate(f->s, f->a, r.digest, other, T0 + 10, 0, &next, &old),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, r.digest, T0 + 10, &got), GH_OK);
    assert_int_equal(store_refresh_rotate(f->s, f->a, r.digest, client, T0 + 100, 0, &next, &old),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, r.digest, T0 + 100, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_rotate(f->s, f->a, digest(f), client, T0, 0, &next, &old),
                     GH_ERR_NOT_FOUND);
    assert_null(old.digest);
}

static void test_refresh_revoke_family_and_client_only(void **state)
{
    fixture_t *f = *state;
    const char *client = add_client(f, "rp-rt4");
    store_refresh_t a = put_refresh(f, client, NULL, T0 + 100), got = {0};
    store_refresh_t b = put_refresh(f, client, NULL, T0 + 100);
    assert_int_equal(store_refresh_get(f->s, f->a, a.digest, T0, &got), GH_OK);
    assert_null(got.sub);
    assert_int_equal(store_refresh_revoke_family(f->s, a.family), GH_OK);
    assert_int_equal(store_refresh_get(f->s, f->a, a.digest, T0, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, b.digest, T0, &got), GH_OK);
}

/* ---- revoked access tokens ---- */

static void test_jti_denylist(void **state)
{
    fixture_t *f = *state;
    const char *jti = uniq(f, "jti"), *other = uniq(f, "jti-other");
    bool revoked = true;
    assert_int_equal(store_jti_is_revoked(f->s, jti, NULL, T0, &revoked), GH_OK);
    assert_false(revoked);
    assert_int_equal(store_jti_revoke(f->s, jti, T0 + 100, T0), GH_OK);
    assert_int_equal(store_jti_revoke(f->s, jti, T0 + 100, T0 + 1), GH_OK); /* idempotent */
    assert_int_equal(store_jti_is_revoked(f->s, jti, NULL, T0 + 99, &revoked), GH_OK);
    assert_true(revoked);
    assert_int_equal(store_jti_is_revoked(f->s, other, NULL, T0 + 99, &revoked), GH_OK);
    assert_false(revoked);
    /* once the token itself has expired its row no longer counts */
    assert_int_equal(store_jti_is_revoked(f->s, jti, NULL, T0 + 100, &revoked), GH_OK);
    assert_false(revoked);
    assert_int_equal(store_jti_revoke(f->s, NULL, T0 + 100, T0), GH_ERR_INVALID);
}

static void test_jti_denylist_family(void **state)
{
    fixture_t *f = *state;
    const char *family = uniq(f, "fam"), *jti = uniq(f, "jti-of-fam");
    bool revoked = true;
    assert_int_equal(store_jti_is_revoked(f->s, jti, family, T0, &revoked), GH_OK);
    assert_false(revoked);
    assert_int_equal(store_jti_revoke(f->s, family, T0 + 100, T0), GH_OK);
    /* a token of the family is revoked through it, whatever its own jti */
    assert_int_equal(store_jti_is_revoked(f->s, jti, family, T0 + 1, &revoked), GH_OK);
    assert_true(revoked);
    assert_int_equal(store_jti_is_revoked(f->s, jti, NULL, T0 + 1, &revoked), GH_OK);
    assert_false(revoked);
    assert_int_equal(store_jti_is_revoked(f->s, jti, uniq(f, "fam-other"), T0 + 1, &revoked),
                     GH_OK);
    assert_false(revoked);
}

/* The user of a token, the token's revocation and its client, read
 * together. */
static void test_user_for_token(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "tess"), *client = add_client(f, "rp-ut"),
               *family = uniq(f, "fam-u"), *jti = uniq(f, "jti-u");
    store_user_t u = {0};
    store_client_t c = {0};
    bool revoked = true;
    assert_int_equal(
        store_user_for_token(f->s, f->a, sub, jti, family, client, T0, &u, &revoked, &c), GH_OK);
    assert_string_equal(u.sub, sub);
    assert_string_equal(u.username, uniq(f, "tess"));
    assert_false(revoked);
    assert_string_equal(c.id, client); /* the client's columns, not the member's */
    assert_string_equal(c.redirect_uris[0], "https://rp.example/cb");
    assert_false(c.pairwise);
    /* no client asked for, or one that does not exist: the member all the same */
    assert_int_equal(store_user_for_token(f->s, f->a, sub, jti, family, NULL, T0, &u, &revoked, &c),
                     GH_OK);
    assert_null(c.id);
    assert_int_equal(
        store_user_for_token(f->s, f->a, sub, jti, family, digest(f), T0, &u, &revoked, &c), GH_OK);
    assert_null(c.id);
    assert_string_equal(u.sub, sub);
    assert_int_equal(store_jti_revoke(f->s, family, T0 + 100, T0), GH_OK);
    assert_int_equal(
        store_user_for_token(f->s, f->a, sub, jti, family, client, T0 + 1, &u, &revoked, &c),
        GH_OK);
    assert_true(revoked); /* through its grant */
    assert_int_equal(
        store_user_for_token(f->s, f->a, sub, jti, NULL, client, T0 + 1, &u, &revoked, &c), GH_OK);
    assert_false(revoked);
    assert_int_equal(store_jti_revoke(f->s, jti, T0 + 50, T0), GH_OK);
    assert_int_equal(
        store_user_for_token(f->s, f->a, sub, jti, NULL, client, T0 + 1, &u, &revoked, &c), GH_OK);
    assert_true(revoked); /* by its own jti */
    assert_int_equal(
        store_user_for_token(f->s, f->a, sub, jti, NULL, client, T0 + 50, &u, &revoked, &c), GH_OK);
    assert_false(revoked); /* the row expired with the token */
    assert_int_equal(
        store_user_for_token(f->s, f->a, digest(f), jti, NULL, client, T0, &u, &revoked, &c),
        GH_ERR_NOT_FOUND);
}

/* store_client_get_token: the client, a token's revocation (by jti or by
 * family) and a member's username, read together. */
static void test_client_get_token(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "cora"), *client = add_client(f, "rp-ct"),
               *family = uniq(f, "fam-c"), *jti = uniq(f, "jti-c"), *username = "x";
    store_client_t c = {0};
    bool revoked = true;
    assert_int_equal(
        store_client_get_token(f->s, f->a, client, jti, family, sub, T0, &c, &revoked, &username),
        GH_OK);
    assert_string_equal(c.id, client);
    assert_string_equal(c.redirect_uris[0], "https://rp.example/cb");
    assert_false(revoked);
    assert_non_null(username);
    assert_string_equal(username, uniq(f, "cora"));
    /* no member asked for, or one that does not exist */
    assert_int_equal(
        store_client_get_token(f->s, f->a, client, jti, NULL, NULL, T0, &c, &revoked, &username),
        GH_OK);
    assert_null(username);
    assert_int_equal(store_client_get_token(f->s, f->a, client, jti, NULL, digest(f), T0, &c,
                                            &revoked, &username),
                     GH_OK);
    assert_null(username);
    /* revoked through its grant, then by its own jti until it expires */
    assert_int_equal(store_jti_revoke(f->s, family, T0 + 100, T0), GH_OK);
    assert_int_equal(store_client_get_token(f->s, f->a, client, jti, family, sub, T0 + 1, &c,
                                            &revoked, &username),
                     GH_OK);
    assert_true(revoked);
    assert_int_equal(
        store_client_get_token(f->s, f->a, client, jti, NULL, sub, T0 + 1, &c, &revoked, &username),
        GH_OK);
    assert_false(revoked);
    assert_int_equal(store_jti_revoke(f->s, jti, T0 + 50, T0), GH_OK);
    assert_int_equal(
        store_client_get_token(f->s, f->a, client, jti, NULL, sub, T0 + 1, &c, &revoked, &username),
        GH_OK);
    assert_true(revoked);
    assert_int_equal(store_client_get_token(f->s, f->a, client, jti, NULL, sub, T0 + 50, &c,
                                            &revoked, &username),
                     GH_OK);
    assert_false(revoked);
    /* an unknown client */
    assert_int_equal(store_client_get_token(f->s, f->a, uniq(f, "nobody"), jti, NULL, sub, T0, &c,
                                            &revoked, &username),
                     GH_ERR_NOT_FOUND);
}

static void test_refresh_put_refused_for_revoked_family(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "ines"), *client = add_client(f, "rp-rt5");
    store_refresh_t r = {.digest = digest(f),
                         .family = uniq(f, "fam-revoked"),
                         .client_id = client,
                         .sub = sub,
                         .scope = "openid",
                         .auth_time = T0,
                         .issued_at = T0,
                         .expires_at = T0 + 100},
                    got = {0};
    assert_int_equal(store_jti_revoke(f->s, r.family, T0 + 100, T0), GH_OK);
    assert_int_equal(store_refresh_put(f->s, &r), GH_ERR_CONFLICT);
    assert_int_equal(store_refresh_get(f->s, f->a, r.digest, T0, &got), GH_ERR_NOT_FOUND);
}

static void test_jti_expired_rows_pruned(void **state)
{
    fixture_t *f = *state;
    const char *old = uniq(f, "jti-old"), *live = uniq(f, "jti-live");
    bool revoked = false;
    /* far in the future, so this call's purge is not held back by earlier
     * ones; that purge also deletes other expired rows, so never on a shared
     * database */
    int64_t later = T0 + 100000000;
    if (!f->dir[0])
        skip();
    assert_int_equal(store_jti_revoke(f->s, old, later + 10, later), GH_OK);
    assert_int_equal(store_jti_revoke(f->s, live, later + 1000, later + 600), GH_OK);
    /* the row of old was deleted: revoking it again with a new expiry counts anew */
    assert_int_equal(store_jti_revoke(f->s, old, later + 2000, later + 600), GH_OK);
    assert_int_equal(store_jti_is_revoked(f->s, old, NULL, later + 1500, &revoked), GH_OK);
    assert_true(revoked);
    assert_int_equal(store_jti_is_revoked(f->s, live, NULL, later + 999, &revoked), GH_OK);
    assert_true(revoked);
}

/* ---- cascades ---- */

/* ---- read snapshots ---- */

typedef struct {
    store_t *s;
    const char *jti, *username;
} writer_t;

/* Another connection's writes: a revocation and a user's removal. */
static void *write_elsewhere(void *p)
{
    writer_t *w = p;
    assert_int_equal(store_jti_revoke(w->s, w->jti, T0 + 100, T0), GH_OK);
    assert_int_equal(store_user_remove(w->s, w->username), GH_OK);
    return NULL;
}

static void write_on_another_thread(writer_t *w)
{
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, write_elsewhere, w), 0);
    pthread_join(t, NULL);
}

/* Between store_read_begin and store_read_end the reads of this thread agree
 * with one another on SQLite (one read transaction), while other connections
 * write without waiting; PostgreSQL reads each statement afresh. Once the
 * snapshot ends, the writes show, and this thread can write again. */
static void test_read_snapshot(void **state)
{
    fixture_t *f = *state;
    store_user_t u = make_user(f, "snapshot");
    assert_int_equal(store_user_add(f->s, &u), GH_OK);
    writer_t w = {.s = f->s, .jti = uniq(f, "jti-snapshot"), .username = u.username};
    bool revoked = true;
    store_user_t got;

    store_read_begin(f->s);
    assert_int_equal(store_jti_is_revoked(f->s, w.jti, NULL, T0, &revoked), GH_OK);
    assert_false(revoked);
    write_on_another_thread(&w);
    assert_int_equal(store_jti_is_revoked(f->s, w.jti, NULL, T0, &revoked), GH_OK);
    assert_int_equal(revoked, !is_sqlite(f));
    assert_int_equal(store_user_get(f->s, f->a, u.sub, &got),
                     is_sqlite(f) ? GH_OK : GH_ERR_NOT_FOUND);
    store_read_end(f->s);

    assert_int_equal(store_jti_is_revoked(f->s, w.jti, NULL, T0, &revoked), GH_OK);
    assert_true(revoked);
    assert_int_equal(store_user_get(f->s, f->a, u.sub, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_jti_revoke(f->s, uniq(f, "jti-after"), T0 + 100, T0), GH_OK);
    store_read_end(f->s); /* a second end has nothing to close */
    assert_int_equal(store_jti_revoke(f->s, uniq(f, "jti-after-2"), T0 + 100, T0), GH_OK);
}

/* A credential change ends everything of one person and nothing of another. */
static void test_user_end_all(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "ken"), *other = add_user(f, "kim");
    const char *client = add_client(f, "rp-end-all");
    store_session_t sess = {.digest = digest(f), .sub = sub, .expires_at = T0 + 100}, got = {0};
    store_session_t kept = {.digest = digest(f), .sub = other, .expires_at = T0 + 100};
    assert_int_equal(store_session_put(f->s, &sess), GH_OK);
    assert_int_equal(store_session_put(f->s, &kept), GH_OK);
    store_code_t c = put_code(f, client, sub, T0 + 60), got_code = {0};
    store_refresh_t r = put_refresh(f, client, sub, T0 + 100), got_rt = {0};
    store_refresh_t r2 = put_refresh(f, client, other, T0 + 100);
    bool revoked = false;

    assert_int_equal(store_user_end_all(f->s, sub, T0, T0 + 50, NULL), GH_OK);
    assert_int_equal(store_session_get(f->s, f->a, sess.digest, T0, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_code_take(f->s, f->a, c.digest, client, T0, "fam", &got_code),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, r.digest, T0, &got_rt), GH_ERR_NOT_FOUND);
    assert_int_equal(store_jti_is_revoked(f->s, "x", r.family, T0 + 49, &revoked), GH_OK);
    assert_true(revoked); /* the grant's access tokens */
    assert_int_equal(store_jti_is_revoked(f->s, "x", r.family, T0 + 50, &revoked), GH_OK);
    assert_false(revoked); /* until revoke_until */
    /* the other person keeps everything */
    assert_int_equal(store_session_get(f->s, f->a, kept.digest, T0, &got), GH_OK);
    assert_int_equal(store_refresh_get(f->s, f->a, r2.digest, T0, &got_rt), GH_OK);
    assert_int_equal(store_jti_is_revoked(f->s, "x", r2.family, T0, &revoked), GH_OK);
    assert_false(revoked);
    /* nothing to end is no error */
    assert_int_equal(store_user_end_all(f->s, sub, T0, T0 + 50, NULL), GH_OK);
}

static void test_user_remove_cascades(void **state)
{
    fixture_t *f = *state;
    store_user_t u = make_user(f, "kate"), got_user = {0};
    assert_int_equal(store_user_add(f->s, &u), GH_OK);
    const char *client = add_client(f, "rp-cascade-u");
    store_session_t sess = {.digest = digest(f), .sub = u.sub, .expires_at = T0 + 100}, got = {0};
    assert_int_equal(store_session_put(f->s, &sess), GH_OK);
    assert_int_equal(store_consent_put(f->s, u.sub, client, "openid", T0), GH_OK);
    store_code_t c = put_code(f, client, u.sub, T0 + 60), got_code = {0};
    store_refresh_t r = put_refresh(f, client, u.sub, T0 + 100), got_rt = {0};
    const char *scope = NULL;

    assert_int_equal(store_user_remove(f->s, u.username), GH_OK);
    assert_int_equal(store_session_get(f->s, f->a, sess.digest, T0, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_consent_get(f->s, f->a, u.sub, client, &scope), GH_ERR_NOT_FOUND);
    assert_int_equal(store_code_take(f->s, f->a, c.digest, client, T0, "fam", &got_code),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, r.digest, T0, &got_rt), GH_ERR_NOT_FOUND);
    assert_int_equal(store_user_get(f->s, f->a, u.sub, &got_user), GH_ERR_NOT_FOUND);
    assert_int_equal(store_client_get(f->s, f->a, client, &(store_client_t){0}), GH_OK);
}

static void test_client_remove_cascades(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "liam"), *client = add_client(f, "rp-cascade-c");
    assert_int_equal(store_consent_put(f->s, sub, client, "openid", T0), GH_OK);
    store_code_t c = put_code(f, client, sub, T0 + 60), got_code = {0};
    store_refresh_t r = put_refresh(f, client, sub, T0 + 100), got_rt = {0};
    store_user_t got_user = {0};
    const char *scope = NULL;

    assert_int_equal(store_client_remove(f->s, client), GH_OK);
    assert_int_equal(store_consent_get(f->s, f->a, sub, client, &scope), GH_ERR_NOT_FOUND);
    assert_int_equal(store_code_take(f->s, f->a, c.digest, client, T0, "fam", &got_code),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, r.digest, T0, &got_rt), GH_ERR_NOT_FOUND);
    assert_int_equal(store_user_get(f->s, f->a, sub, &got_user), GH_OK);
    /* nothing may hang off a client that does not exist */
    assert_int_equal(store_code_put(f->s, &c), GH_ERR_NOT_FOUND);
}

/* ---- signing keys ---- */

/* Position of kid in the list, or -1. */
static int key_index(const store_key_t *keys, size_t n, const char *kid)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i].kid, kid))
            return (int)i;
    return -1;
}

static void test_keys(void **state)
{
    fixture_t *f = *state;
    const char *kid[3] = {uniq(f, "k1"), uniq(f, "k2"), uniq(f, "k3")};
    store_key_t *keys = NULL;
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        store_key_t k = {.kid = kid[i],
                         .alg = i ? "RS256" : "ES256",
                         .private_jwk = "{\"kty\":\"RSA\"}",
                         .created_at = T0 + i};
        assert_int_equal(store_key_add(f->s, &k), GH_OK);
        assert_int_equal(store_key_add(f->s, &k), GH_ERR_CONFLICT);
    }
    assert_int_equal(store_key_list(f->s, f->a, &keys, &n), GH_OK);
    int i1 = key_index(keys, n, kid[0]), i2 = key_index(keys, n, kid[1]),
        i3 = key_index(keys, n, kid[2]);
    assert_true(i3 >= 0 && i3 < i2 && i2 < i1); /* newest first */
    assert_string_equal(keys[i1].alg, "ES256");
    assert_string_equal(keys[i1].private_jwk, "{\"kty\":\"RSA\"}");
    assert_int_equal(keys[i1].created_at, T0);
    assert_int_equal(keys[i1].retire_at, 0);
    assert_int_equal(keys[i1].activate_at, 0);

    /* one algorithm's rotation leaves the other algorithm's key signing */
    assert_int_equal(store_key_retire_others(f->s, kid[2], "RS256", T0 + 10, T0 + 400), GH_OK);
    assert_int_equal(store_key_list(f->s, f->a, &keys, &n), GH_OK);
    assert_int_equal(keys[key_index(keys, n, kid[0])].retire_at, 0);
    assert_int_equal(keys[key_index(keys, n, kid[1])].retire_at, T0 + 400);
    assert_int_equal(keys[key_index(keys, n, kid[2])].retire_at, 0);
    /* a retired key keeps its time; no key kept retires all of an algorithm */
    assert_int_equal(store_key_retire_others(f->s, kid[2], "RS256", T0 + 10, T0 + 500), GH_OK);
    assert_int_equal(store_key_retire_others(f->s, NULL, "ES256", T0 + 10, T0 + 500), GH_OK);
    assert_int_equal(store_key_list(f->s, f->a, &keys, &n), GH_OK);
    assert_int_equal(keys[key_index(keys, n, kid[0])].retire_at, T0 + 500);
    assert_int_equal(keys[key_index(keys, n, kid[1])].retire_at, T0 + 400);
    assert_int_equal(keys[key_index(keys, n, kid[2])].retire_at, 0);

    assert_int_equal(store_key_prune(f->s, T0 + 499), GH_OK);
    assert_int_equal(store_key_list(f->s, f->a, &keys, &n), GH_OK);
    assert_true(key_index(keys, n, kid[0]) >= 0);
    assert_int_equal(key_index(keys, n, kid[1]), -1);
    assert_int_equal(store_key_prune(f->s, T0 + 500), GH_OK);
    assert_int_equal(store_key_list(f->s, f->a, &keys, &n), GH_OK);
    assert_int_equal(key_index(keys, n, kid[0]), -1);
    assert_int_equal(key_index(keys, n, kid[1]), -1);
    assert_true(key_index(keys, n, kid[2]) >= 0);

    /* no key kept: every key of the algorithm retires, the others' stay */
    store_key_t es = {.kid = uniq(f, "kid-es"),
                      .alg = "ES256",
                      .private_jwk = "{\"kty\":\"EC\"}",
                      .created_at = T0 + 3};
    assert_int_equal(store_key_add(f->s, &es), GH_OK);
    assert_int_equal(store_key_retire_others(f->s, NULL, "ES256", T0 + 10, T0 + 600), GH_OK);
    assert_int_equal(store_key_list(f->s, f->a, &keys, &n), GH_OK);
    assert_int_equal(keys[key_index(keys, n, es.kid)].retire_at, T0 + 600);
    assert_int_equal(keys[key_index(keys, n, kid[2])].retire_at, 0);

    /* a key stored to sign later is kept until its activate_at has come */
    store_key_t next = {.kid = uniq(f, "kid-next"),
                        .alg = "RS256",
                        .private_jwk = "{\"kty\":\"RSA\"}",
                        .created_at = T0 + 20,
                        .activate_at = T0 + 90};
    assert_int_equal(store_key_add(f->s, &next), GH_OK);
    assert_int_equal(store_key_retire_others(f->s, kid[2], "RS256", T0 + 89, T0 + 700), GH_OK);
    assert_int_equal(store_key_list(f->s, f->a, &keys, &n), GH_OK);
    assert_int_equal(keys[key_index(keys, n, next.kid)].activate_at, T0 + 90);
    assert_int_equal(keys[key_index(keys, n, next.kid)].retire_at, 0);
    assert_int_equal(store_key_retire_others(f->s, kid[2], "RS256", T0 + 90, T0 + 700), GH_OK);
    assert_int_equal(store_key_list(f->s, f->a, &keys, &n), GH_OK);
    assert_int_equal(keys[key_index(keys, n, next.kid)].retire_at, T0 + 700);
}

/* ---- settings ---- */

static void test_settings(void **state)
{
    fixture_t *f = *state;
    const char *name = uniq(f, "cookie_key"), *value = NULL;
    assert_int_equal(store_setting_get(f->s, f->a, name, &value), GH_ERR_NOT_FOUND);
    assert_int_equal(store_setting_init(f->s, f->a, name, "first", &value), GH_OK);
    assert_string_equal(value, "first");
    assert_int_equal(store_setting_init(f->s, f->a, name, "second", &value), GH_OK);
    assert_string_equal(value, "first");
    value = NULL;
    assert_int_equal(store_setting_get(f->s, f->a, name, &value), GH_OK);
    assert_string_equal(value, "first");
}

/* ---- attempts: failure counters ---- */

static void test_attempts(void **state)
{
    fixture_t *f = *state;
    const char *key = digest(f);
    store_attempts_t r = {0};
    assert_int_equal(store_attempts_get(f->s, key, &r), GH_ERR_NOT_FOUND);
    assert_int_equal(store_attempts_fail(f->s, key, T0, 60, &r), GH_OK);
    assert_int_equal(r.failures, 1);
    assert_int_equal(r.window_start, T0);
    assert_int_equal(store_attempts_fail(f->s, key, T0 + 59, 60, &r), GH_OK);
    assert_int_equal(r.failures, 2);
    assert_int_equal(r.window_start, T0);
    assert_int_equal(r.last_failure, T0 + 59);
    memset(&r, 0, sizeof r);
    assert_int_equal(store_attempts_get(f->s, key, &r), GH_OK);
    assert_int_equal(r.failures, 2);
    assert_int_equal(r.last_failure, T0 + 59);
    assert_int_equal(r.last_success, 0);
    /* the window is over: a new one starts */
    assert_int_equal(store_attempts_fail(f->s, key, T0 + 60, 60, &r), GH_OK);
    assert_int_equal(r.failures, 1);
    assert_int_equal(r.window_start, T0 + 60);
    /* a success clears the failures and is remembered */
    assert_int_equal(store_attempts_succeed(f->s, key, T0 + 61), GH_OK);
    assert_int_equal(store_attempts_get(f->s, key, &r), GH_OK);
    assert_int_equal(r.failures, 0);
    assert_int_equal(r.last_success, T0 + 61);
    assert_int_equal(store_attempts_fail(f->s, key, T0 + 62, 60, &r), GH_OK);
    assert_int_equal(r.failures, 1);
    assert_int_equal(r.last_success, T0 + 61);
    /* a success under a new key creates it */
    const char *other = digest(f);
    assert_int_equal(store_attempts_succeed(f->s, other, T0), GH_OK);
    assert_int_equal(store_attempts_get(f->s, other, &r), GH_OK);
    assert_int_equal(r.failures, 0);
    assert_int_equal(r.last_success, T0);
}

/* ---- concurrency ---- */

typedef struct {
    store_t *s;
    pthread_barrier_t *go;
    const char *digest, *client_id;
    const char *family;   /* code race: the family this racer records */
    store_refresh_t next; /* refresh race: this racer's successor */
    gh_status_t st;
    char seen_family[80]; /* code race: out->family after OK or CONFLICT */
} racer_t;

static void *take_code(void *p)
{
    racer_t *r = p;
    arena_t *a = arena_new(1 << 16);
    store_code_t out = {0};
    pthread_barrier_wait(r->go);
    r->st = store_code_take(r->s, a, r->digest, r->client_id, T0 + 1, r->family, &out);
    if (out.family)
        snprintf(r->seen_family, sizeof r->seen_family, "%s", out.family);
    arena_free(a);
    return NULL;
}

static void *rotate_refresh(void *p)
{
    racer_t *r = p;
    arena_t *a = arena_new(1 << 16);
    store_refresh_t old = {0};
    pthread_barrier_wait(r->go);
    r->st = store_refresh_rotate(r->s, a, r->digest, r->client_id, T0 + 1, 0, &r->next, &old);
    arena_free(a);
    return NULL;
}

/* Starts RACERS threads on fn at once and waits for them all. */
static void run_racers(racer_t *r, void *(*fn)(void *))
{
    pthread_t t[RACERS];
    pthread_barrier_t go;
    assert_int_equal(pthread_barrier_init(&go, NULL, RACERS), 0);
    for (int i = 0; i < RACERS; i++) {
        r[i].go = &go;
        assert_int_equal(pthread_create(&t[i], NULL, fn, &r[i]), 0);
    }
    for (int i = 0; i < RACERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
}

/* Starts RACERS threads on fn at once; returns the index of the one winner
 * after checking every other lost with CONFLICT or NOT_FOUND. */
static int race(racer_t *r, void *(*fn)(void *))
{
    int winner = -1, wins = 0;
    run_racers(r, fn);
    for (int i = 0; i < RACERS; i++) {
        if (r[i].st == GH_OK) {
            winner = i;
            wins++;
        } else if (r[i].st != GH_ERR_CONFLICT) {
            assert_int_equal(r[i].st, GH_ERR_NOT_FOUND);
        }
    }
    assert_int_equal(wins, 1);
    return winner;
}

static void test_race_code_take(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "race-code"), *client = add_client(f, "rp-race-code");
    store_code_t c = put_code(f, client, sub, T0 + 60);
    racer_t r[RACERS];
    for (int i = 0; i < RACERS; i++)
        r[i] = (racer_t){.s = f->s, .digest = c.digest, .client_id = client, .family = digest(f)};
    int w = race(r, take_code);
    assert_string_equal(r[w].seen_family, r[w].family);
    for (int i = 0; i < RACERS; i++)
        if (r[i].st == GH_ERR_CONFLICT)
            assert_string_equal(r[i].seen_family, r[w].family);
}

static void test_race_refresh_rotate(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "race-rt"), *client = add_client(f, "rp-race-rt");
    store_refresh_t old = put_refresh(f, client, sub, T0 + 1000), got = {0};
    racer_t r[RACERS];
    bool reused = false;
    for (int i = 0; i < RACERS; i++)
        r[i] = (racer_t){
            .s = f->s, .digest = old.digest, .client_id = client, .next = next_refresh(f, T0 + 1)};
    int w = race(r, rotate_refresh);
    for (int i = 0; i < RACERS; i++)
        reused = reused || r[i].st == GH_ERR_CONFLICT;
    /* a loser that saw the token used revoked the family, the winner's token too */
    assert_int_equal(store_refresh_get(f->s, f->a, r[w].next.digest, T0 + 2, &got),
                     reused ? GH_ERR_NOT_FOUND : GH_OK);
    for (int i = 0; i < RACERS; i++)
        if (i != w)
            assert_int_equal(store_refresh_get(f->s, f->a, r[i].next.digest, T0 + 2, &got),
                             GH_ERR_NOT_FOUND);
}

static void *revoke_family(void *p)
{
    racer_t *r = p;
    pthread_barrier_wait(r->go);
    r->st = store_refresh_revoke_family(r->s, r->family);
    return NULL;
}

/* A second store on the same database whose planner reads refresh_tokens
 * another way (PostgreSQL: opt is a libpq "options" value), or f's own. */
static store_t *other_planner(fixture_t *f, const char *opt)
{
    char *url = NULL;
    store_t *s = NULL;
    if (strncmp(f->url, "postgres", 8) != 0)
        return f->s;
    assert_int_not_equal(
        asprintf(&url, "%s%coptions=%s", f->url, strchr(f->url, '?') ? '&' : '?', opt), -1);
    assert_int_equal(store_open(url, &s), GH_OK);
    free(url);
    return s;
}

/* Many revoking one family at once (reuse detection in every losing spend
 * of a refresh token, and the grant's revocation after it) lock its rows in
 * one order, whatever way each reads the table: none of them meets a
 * deadlock (PostgreSQL answered "deadlock detected", a 503, to one of 30
 * spends of one token over three instances when one read the rows by index
 * and another in the table's order). */
static void test_race_family_revocations(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "race-family"), *client = add_client(f, "rp-race-family");
    store_t *by_index =
        other_planner(f, "-c%20enable_seqscan%3Doff%20-c%20enable_bitmapscan%3Doff");
    store_t *by_table = other_planner(f, "-c%20enable_indexscan%3Doff%20-c%20enable_bitmapscan%"
                                         "3Doff%20-c%20enable_indexonlyscan%3Doff");
    for (int round = 0; round < 20; round++) {
        /* a family of a few tokens, each rotated into the next */
        store_refresh_t first = put_refresh(f, client, sub, T0 + 1000), old = {0};
        const char *digests[4] = {first.digest};
        for (int i = 1; i < 4; i++) {
            store_refresh_t next = next_refresh(f, T0 + i);
            assert_int_equal(
                store_refresh_rotate(f->s, f->a, digests[i - 1], client, T0 + i, 0, &next, &old),
                GH_OK);
            digests[i] = next.digest;
        }
        racer_t r[RACERS];
        for (int i = 0; i < RACERS; i++)
            r[i] = (racer_t){.s = i % 2 ? by_index : by_table, .family = first.family};
        run_racers(r, revoke_family);
        for (int i = 0; i < RACERS; i++)
            assert_int_equal(r[i].st, GH_OK);
        store_refresh_t got;
        for (int i = 0; i < 4; i++)
            assert_int_equal(store_refresh_get(f->s, f->a, digests[i], T0 + 5, &got),
                             GH_ERR_NOT_FOUND);
    }
    if (by_index != f->s) {
        store_close(by_index);
        store_close(by_table);
    }
}

/* ---- reopening ---- */

static void *count_failure(void *arg)
{
    racer_t *r = arg;
    store_attempts_t out;
    pthread_barrier_wait(r->go);
    r->st = store_attempts_fail(r->s, r->digest, T0, 60, &out);
    return NULL;
}

/* Failures counted at once from many threads are all counted. */
static void test_race_attempts_fail(void **state)
{
    fixture_t *f = *state;
    racer_t r[RACERS];
    const char *key = digest(f);
    for (int i = 0; i < RACERS; i++)
        r[i] = (racer_t){.s = f->s, .digest = key};
    run_racers(r, count_failure);
    for (int i = 0; i < RACERS; i++)
        assert_int_equal(r[i].st, GH_OK);
    store_attempts_t got;
    assert_int_equal(store_attempts_get(f->s, key, &got), GH_OK);
    assert_int_equal(got.failures, RACERS);
}

static void test_reopen_keeps_data(void **state)
{
    fixture_t *f = *state;
    store_user_t u = make_user(f, "reopen"), got = {0};
    const char *name = uniq(f, "reopen_key"), *value = NULL;
    store_t *second = NULL;
    assert_int_equal(store_user_add(f->s, &u), GH_OK);
    assert_int_equal(store_setting_init(f->s, f->a, name, "kept", &value), GH_OK);

    /* a second handle on the same database, as another process would open it;
     * a migration run again would fail on its CREATE TABLE */
    assert_int_equal(store_open(f->url, &second), GH_OK);
    assert_int_equal(store_user_find(second, f->a, u.username, &got), GH_OK);
    store_close(second);

    store_close(f->s);
    f->s = NULL;
    assert_int_equal(store_open(f->url, &f->s), GH_OK);
    assert_int_equal(store_user_find(f->s, f->a, u.username, &got), GH_OK);
    assert_string_equal(got.sub, u.sub);
    assert_int_equal(store_setting_get(f->s, f->a, name, &value), GH_OK);
    assert_string_equal(value, "kept");
}

typedef struct {
    const char *url;
    pthread_barrier_t *go;
    gh_status_t st;
} opener_t;

static void *open_fresh(void *p)
{
    opener_t *o = p;
    store_t *s = NULL;
    pthread_barrier_wait(o->go);
    o->st = store_open(o->url, &s);
    store_close(s);
    return NULL;
}

/* Several processes starting on one fresh database all succeed. The
 * database is a new SQLite file, or $GH_TEST_DB_FRESH (an empty database on
 * the server of $GH_TEST_DB); without either the test is skipped. */
static void test_concurrent_first_open(void **state)
{
    fixture_t *f = *state;
    const char *fresh = getenv("GH_TEST_DB_FRESH");
    if (!f->dir[0] && !(fresh && *fresh))
        skip(); /* needs a fresh database of its own */
    opener_t o[RACERS];
    pthread_t t[RACERS];
    pthread_barrier_t go;
    const char *url =
        f->dir[0] ? arena_printf(f->a, "sqlite:%s/fresh/db/gatehouse.db", f->dir) : fresh;
    assert_int_equal(pthread_barrier_init(&go, NULL, RACERS), 0);
    for (int i = 0; i < RACERS; i++) {
        o[i] = (opener_t){.url = url, .go = &go, .st = GH_ERR_INTERNAL};
        assert_int_equal(pthread_create(&t[i], NULL, open_fresh, &o[i]), 0);
    }
    for (int i = 0; i < RACERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
    for (int i = 0; i < RACERS; i++)
        assert_int_equal(o[i].st, GH_OK);
}

/* ---- device authorizations (RFC 8628) ---- */

static store_device_t put_device(fixture_t *f, const char *client, int64_t expires)
{
    store_device_t d = {.digest = digest(f),
                        .user_code_digest = digest(f),
                        .client_id = client,
                        .scope = "openid profile",
                        .interval = 5,
                        .expires_at = expires};
    assert_int_equal(store_device_put(f->s, &d), GH_OK);
    return d;
}

static void test_device_approve_redeem_once(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "dev-ann"), *client = add_client(f, "rp-dev");
    store_device_t d = put_device(f, client, T0 + 600), got = {0};
    bool slow = true;
    assert_int_equal(store_device_find(f->s, f->a, d.user_code_digest, T0, &got), GH_OK);
    assert_int_equal(got.state, STORE_DEVICE_PENDING);
    assert_string_equal(got.client_id, client);
    assert_string_equal(got.scope, "openid profile");
    assert_null(got.sub);
    assert_int_equal(store_device_redeem(f->s, d.digest), GH_ERR_CONFLICT); /* not approved */
    assert_int_equal(store_device_decide(f->s, d.user_code_digest, T0 + 1, true, sub, T0 - 9, NULL),
                     GH_OK);
    assert_int_equal(store_device_decide(f->s, d.user_code_digest, T0 + 2, false, sub, T0, NULL),
                     GH_ERR_CONFLICT);
    assert_int_equal(store_device_poll(f->s, f->a, d.digest, client, MS(T0 + 3), &got, &slow),
                     GH_OK);
    assert_false(slow);
    assert_int_equal(got.state, STORE_DEVICE_APPROVED);
    assert_string_equal(got.sub, sub);
    assert_int_equal(got.auth_time, T0 - 9);
    assert_int_equal(store_device_redeem(f->s, d.digest), GH_OK);
    assert_int_equal(store_device_redeem(f->s, d.digest), GH_ERR_CONFLICT);
    assert_int_equal(store_device_poll(f->s, f->a, d.digest, client, MS(T0 + 4), &got, &slow),
                     GH_OK);
    assert_int_equal(got.state, STORE_DEVICE_REDEEMED);
    assert_int_equal(store_device_put(f->s, &d), GH_ERR_CONFLICT);
}

static void test_device_deny_and_expiry(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "dev-bob"), *client = add_client(f, "rp-dev2");
    store_device_t d = put_device(f, client, T0 + 600), late = put_device(f, client, T0 + 10);
    store_device_t got = {0};
    bool slow = false;
    assert_int_equal(store_device_decide(f->s, d.user_code_digest, T0, false, sub, T0, NULL),
                     GH_OK);
    assert_int_equal(store_device_find(f->s, f->a, d.user_code_digest, T0, &got), GH_OK);
    assert_int_equal(got.state, STORE_DEVICE_DENIED);
    assert_int_equal(store_device_redeem(f->s, d.digest), GH_ERR_CONFLICT);
    /* expired: not found by user code, but a poll still tells the caller */
    assert_int_equal(store_device_find(f->s, f->a, late.user_code_digest, T0 + 10, &got),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_device_decide(f->s, late.user_code_digest, T0 + 10, true, sub, T0, NULL),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_device_poll(f->s, f->a, late.digest, client, MS(T0 + 10), &got, &slow),
                     GH_OK);
    assert_int_equal(got.expires_at, T0 + 10);
    assert_int_equal(store_device_find(f->s, f->a, digest(f), T0, &got), GH_ERR_NOT_FOUND);
}

static void test_device_poll_slow_down(void **state)
{
    fixture_t *f = *state;
    const char *client = add_client(f, "rp-dev3"), *other = add_client(f, "rp-dev4");
    store_device_t d = put_device(f, client, T0 + 600), got = {0};
    bool slow = true;
    assert_int_equal(store_device_poll(f->s, f->a, d.digest, client, MS(T0), &got, &slow), GH_OK);
    assert_false(slow); /* the first poll is never too early */
    assert_int_equal(got.last_poll, MS(T0));
    assert_int_equal(store_device_poll(f->s, f->a, d.digest, client, MS(T0 + 4), &got, &slow),
                     GH_OK);
    assert_true(slow);
    assert_int_equal(got.interval, 5 + STORE_DEVICE_SLOW_DOWN);
    assert_int_equal(store_device_poll(f->s, f->a, d.digest, client, MS(T0 + 14), &got, &slow),
                     GH_OK);
    assert_false(slow);
    assert_int_equal(got.interval, 5 + STORE_DEVICE_SLOW_DOWN);
    assert_int_equal(store_device_poll(f->s, f->a, d.digest, other, MS(T0 + 30), &got, &slow),
                     GH_ERR_NOT_FOUND);
    /* 4.02 s apart, across second boundaries: too soon for an interval of 5 s
     * (counted in whole seconds, 45 - 40, it was not) */
    store_device_t e = put_device(f, client, T0 + 600);
    assert_int_equal(
        store_device_poll(f->s, f->a, e.digest, client, MS(T0 + 40) + 990, &got, &slow), GH_OK);
    assert_false(slow);
    assert_int_equal(store_device_poll(f->s, f->a, e.digest, client, MS(T0 + 45) + 10, &got, &slow),
                     GH_OK);
    assert_true(slow);
    assert_int_equal(store_device_poll(f->s, f->a, digest(f), client, MS(T0 + 30), &got, &slow),
                     GH_ERR_NOT_FOUND);
}

static void *redeem_device(void *p)
{
    racer_t *r = p;
    pthread_barrier_wait(r->go);
    r->st = store_device_redeem(r->s, r->digest);
    return NULL;
}

static void test_race_device_redeem(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "race-dev"), *client = add_client(f, "rp-race-dev");
    store_device_t d = put_device(f, client, T0 + 600);
    racer_t r[RACERS];
    assert_int_equal(store_device_decide(f->s, d.user_code_digest, T0, true, sub, T0, NULL), GH_OK);
    for (int i = 0; i < RACERS; i++)
        r[i] = (racer_t){.s = f->s, .digest = d.digest};
    race(r, redeem_device);
}

/* ---- modern clients (issue 23): keys, resources, PAR, assertion jti ---- */

static void test_client_keys_resources_par(void **state)
{
    fixture_t *f = *state;
    const char *res[] = {"https://api.example/", "urn:example:files"};
    store_client_t c = {.id = uniq(f, "keyed"),
                        .scope = "api",
                        .grants = STORE_GRANT_CLIENT_CREDENTIALS | STORE_GRANT_TOKEN_EXCHANGE,
                        .jwks = "{\"keys\":[]}",
                        .jwks_uri = NULL,
                        .resources = res,
                        .resource_count = 2,
                        .require_par = true,
                        .created_at = T0},
                   got = {0};
    assert_int_equal(store_client_add(f->s, &c), GH_OK);
    assert_int_equal(store_client_get(f->s, f->a, c.id, &got), GH_OK);
    assert_null(got.secret_digest);
    assert_string_equal(got.jwks, "{\"keys\":[]}");
    assert_null(got.jwks_uri);
    assert_int_equal(got.resource_count, 2);
    assert_string_equal(got.resources[1], "urn:example:files");
    assert_true(got.require_par);
    assert_int_equal(got.grants, STORE_GRANT_CLIENT_CREDENTIALS | STORE_GRANT_TOKEN_EXCHANGE);
    const char *bad[] = {"a\nb"};
    store_client_t nl = {.id = uniq(f, "nl"), .scope = "x", .resources = bad, .resource_count = 1};
    assert_int_equal(store_client_add(f->s, &nl), GH_ERR_INVALID);
    /* an older client reads with none */
    assert_int_equal(store_client_get(f->s, f->a, add_client(f, "plain"), &got), GH_OK);
    assert_int_equal(got.resource_count, 0);
    assert_false(got.require_par);
    assert_null(got.jwks);
}

static void test_code_and_refresh_keep_resources(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "rosa"), *client = add_client(f, "rp-res");
    store_code_t c = {.digest = digest(f),
                      .client_id = client,
                      .redirect_uri = "https://rp.example/cb",
                      .scope = "openid",
                      .sub = sub,
                      .auth_time = T0,
                      .expires_at = T0 + 60,
                      .resources = "https://api.example/\nurn:x"},
                 got = {0};
    assert_int_equal(store_code_put(f->s, &c), GH_OK);
    assert_int_equal(store_code_take(f->s, f->a, c.digest, client, T0 + 1, digest(f), &got), GH_OK);
    assert_string_equal(got.resources, "https://api.example/\nurn:x");
    store_refresh_t r = put_refresh(f, client, sub, T0 + 3600), old = {0};
    assert_int_equal(store_refresh_get(f->s, f->a, r.digest, T0, &old), GH_OK);
    assert_string_equal(old.resources, ""); /* none */
    store_refresh_t with = {.digest = digest(f),
                            .family = digest(f),
                            .client_id = client,
                            .sub = sub,
                            .scope = "openid",
                            .issued_at = T0,
                            .expires_at = T0 + 3600,
                            .resources = "urn:x"};
    assert_int_equal(store_refresh_put(f->s, &with), GH_OK);
    store_refresh_t next = next_refresh(f, T0 + 10);
    assert_int_equal(store_refresh_rotate(f->s, f->a, with.digest, client, T0 + 10, 0, &next, &old),
                     GH_OK);
    assert_string_equal(old.resources, "urn:x");
    assert_int_equal(store_refresh_get(f->s, f->a, next.digest, T0 + 11, &old), GH_OK);
    assert_string_equal(old.resources, "urn:x"); /* the successor keeps them */

    /* store_code_redeem: the grant's first refresh token gets the code's
     * resources in the same step (one statement on PostgreSQL) */
    c.digest = digest(f);
    assert_int_equal(store_code_put(f->s, &c), GH_OK);
    store_refresh_t first = {.digest = digest(f), .issued_at = T0 + 1, .expires_at = T0 + 900};
    assert_int_equal(
        store_code_redeem(f->s, f->a, c.digest, client, T0 + 1, digest(f), &first, &got), GH_OK);
    assert_string_equal(got.resources, "https://api.example/\nurn:x");
    assert_int_equal(store_refresh_get(f->s, f->a, first.digest, T0 + 1, &old), GH_OK);
    assert_string_equal(old.resources, "https://api.example/\nurn:x");
}

/* DPoP (RFC 9449): a client that must use it, a code bound to a key, and a
 * refresh token that rotates only with a proof of its key (the binding
 * given at redemption in the same step, kept by the successor). */
static void test_dpop_bindings(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "dpop"), *client = add_client(f, "rp-dpop");
    store_client_t bound = {.id = uniq(f, "dpop-bound"), .scope = "api", .dpop_bound = true},
                   got_client = {0};
    assert_int_equal(store_client_add(f->s, &bound), GH_OK);
    assert_int_equal(store_client_get(f->s, f->a, bound.id, &got_client), GH_OK);
    assert_true(got_client.dpop_bound);
    assert_int_equal(store_client_get(f->s, f->a, client, &got_client), GH_OK);
    assert_false(got_client.dpop_bound);

    const char *jkt = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
    store_code_t c = {.digest = digest(f),
                      .client_id = client,
                      .redirect_uri = "https://rp.example/cb",
                      .scope = "openid",
                      .sub = sub,
                      .auth_time = T0,
                      .expires_at = T0 + 60,
                      .dpop_jkt = jkt},
                 got = {0};
    assert_int_equal(store_code_put(f->s, &c), GH_OK);
    store_refresh_t first = {
        .digest = digest(f), .issued_at = T0 + 1, .expires_at = T0 + 900, .dpop_jkt = jkt};
    assert_int_equal(
        store_code_redeem(f->s, f->a, c.digest, client, T0 + 1, digest(f), &first, &got), GH_OK);
    assert_string_equal(got.dpop_jkt, jkt);
    store_refresh_t old = {0};
    assert_int_equal(store_refresh_get(f->s, f->a, first.digest, T0 + 1, &old), GH_OK);
    assert_string_equal(old.dpop_jkt, jkt);

    /* another key, or none: not rotated, and not spent either */
    store_refresh_t next = next_refresh(f, T0 + 10);
    next.dpop_jkt = "another-key-thumbprint-aaaaaaaaaaaaaaaaaaaa";
    assert_int_equal(
        store_refresh_rotate(f->s, f->a, first.digest, client, T0 + 10, 0, &next, &old),
        GH_ERR_NOT_FOUND);
    next.dpop_jkt = NULL;
    assert_int_equal(
        store_refresh_rotate(f->s, f->a, first.digest, client, T0 + 10, 0, &next, &old),
        GH_ERR_NOT_FOUND);
    next.dpop_jkt = jkt;
    assert_int_equal(
        store_refresh_rotate(f->s, f->a, first.digest, client, T0 + 10, 0, &next, &old), GH_OK);
    assert_int_equal(store_refresh_get(f->s, f->a, next.digest, T0 + 11, &old), GH_OK);
    assert_string_equal(old.dpop_jkt, jkt); /* the successor stays bound */

    /* an unbound token rotates with a proof or without, and stays unbound */
    store_refresh_t plain = put_refresh(f, client, sub, T0 + 3600), n2 = next_refresh(f, T0 + 10);
    n2.dpop_jkt = jkt;
    assert_int_equal(store_refresh_rotate(f->s, f->a, plain.digest, client, T0 + 10, 0, &n2, &old),
                     GH_OK);
    assert_null(old.dpop_jkt);
    assert_int_equal(store_refresh_get(f->s, f->a, n2.digest, T0 + 11, &old), GH_OK);
    assert_null(old.dpop_jkt);
}

static void test_pushed_requests_single_use(void **state)
{
    fixture_t *f = *state;
    const char *client = add_client(f, "rp-par"), *d = digest(f), *params = NULL;
    assert_int_equal(store_pushed_put(f->s, d, client, "client_id=x&scope=openid", T0 + 60, T0),
                     GH_OK);
    assert_int_equal(store_pushed_take(f->s, f->a, d, "someone-else", T0 + 1, &params),
                     GH_ERR_NOT_FOUND); /* another client's try leaves it */
    assert_int_equal(store_pushed_take(f->s, f->a, d, client, T0 + 1, &params), GH_OK);
    assert_string_equal(params, "client_id=x&scope=openid");
    assert_int_equal(store_pushed_take(f->s, f->a, d, client, T0 + 2, &params), GH_ERR_NOT_FOUND);
    const char *late = digest(f);
    assert_int_equal(store_pushed_put(f->s, late, client, "a=b", T0 + 60, T0), GH_OK);
    assert_int_equal(store_pushed_take(f->s, f->a, late, client, T0 + 60, &params),
                     GH_ERR_NOT_FOUND); /* expired */
    assert_int_equal(store_pushed_put(f->s, NULL, client, "a=b", T0, T0), GH_ERR_INVALID);
}

static void test_jti_use_once(void **state)
{
    fixture_t *f = *state;
    const char *jti = uniq(f, "assertion:rp:1");
    assert_int_equal(store_jti_use_once(f->s, jti, T0 + 300, T0), GH_OK);
    assert_int_equal(store_jti_use_once(f->s, jti, T0 + 300, T0 + 1), GH_ERR_CONFLICT);
    assert_int_equal(store_jti_use_once(f->s, uniq(f, "assertion:rp:2"), T0 + 300, T0), GH_OK);
}

/* ---- the account page (issue 21) ---- */

/* A session with its details, of sub, last seen at seen. */
static store_session_t put_session(fixture_t *f, const char *sub, int64_t seen)
{
    store_session_t sess = {.digest = digest(f),
                            .sub = sub,
                            .auth_time = T0,
                            .expires_at = T0 + 1000,
                            .created_at = T0,
                            .last_seen_at = seen,
                            .user_agent = "Mozilla/5.0 (X11; Linux x86_64)",
                            .ip = "192.0.2.7"};
    assert_int_equal(store_session_put(f->s, &sess), GH_OK);
    return sess;
}

static void test_session_details_and_list(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "sora"), *other = add_user(f, "seo");
    store_session_t old = put_session(f, sub, T0), recent = put_session(f, sub, T0 + 30), got = {0};
    store_session_t theirs = put_session(f, other, T0 + 40);
    store_session_t gone = {.digest = digest(f), .sub = sub, .expires_at = T0 + 10};
    assert_int_equal(store_session_put(f->s, &gone), GH_OK);

    assert_int_equal(store_session_get(f->s, f->a, old.digest, T0, &got), GH_OK);
    assert_int_equal(got.created_at, T0);
    assert_string_equal(got.user_agent, old.user_agent);
    assert_string_equal(got.ip, "192.0.2.7");

    /* last seen moves at most once per `every` seconds */
    assert_int_equal(store_session_touch(f->s, old.digest, T0 + 59, 60), GH_OK);
    assert_int_equal(store_session_get(f->s, f->a, old.digest, T0, &got), GH_OK);
    assert_int_equal(got.last_seen_at, T0);
    assert_int_equal(store_session_touch(f->s, old.digest, T0 + 60, 60), GH_OK);
    assert_int_equal(store_session_get(f->s, f->a, old.digest, T0, &got), GH_OK);
    assert_int_equal(got.last_seen_at, T0 + 60);

    /* the member's live sessions, the most recently seen first */
    store_session_t *list = NULL;
    size_t n = 0;
    assert_int_equal(store_session_list(f->s, f->a, sub, T0 + 20, &list, &n), GH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].digest, old.digest);
    assert_string_equal(list[1].digest, recent.digest);
    assert_string_equal(list[1].user_agent, recent.user_agent);

    /* one ends only the member's own */
    assert_int_equal(store_session_end(f->s, sub, theirs.digest), GH_ERR_NOT_FOUND);
    assert_int_equal(store_session_end(f->s, sub, recent.digest), GH_OK);
    assert_int_equal(store_session_get(f->s, f->a, recent.digest, T0, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_session_get(f->s, f->a, old.digest, T0, &got), GH_OK);
    assert_int_equal(store_session_get(f->s, f->a, theirs.digest, T0, &got), GH_OK);
}

/* A password changed on the account page ends every other session only. */
static void test_user_end_all_keeps_session(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "hana"), *client = add_client(f, "rp-end-keep");
    store_session_t here = put_session(f, sub, T0), there = put_session(f, sub, T0), got = {0};
    store_refresh_t r = put_refresh(f, client, sub, T0 + 100), got_rt = {0};
    bool revoked = false;
    assert_int_equal(store_user_end_all(f->s, sub, T0, T0 + 50, here.digest), GH_OK);
    assert_int_equal(store_session_get(f->s, f->a, here.digest, T0, &got), GH_OK);
    assert_int_equal(store_session_get(f->s, f->a, there.digest, T0, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, r.digest, T0, &got_rt), GH_ERR_NOT_FOUND);
    assert_int_equal(store_jti_is_revoked(f->s, "x", r.family, T0, &revoked), GH_OK);
    assert_true(revoked);
}

static void test_user_set_profile(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "jiwoo");
    store_user_t got = {0};
    assert_int_equal(store_user_set_profile(f->s, sub, "jw", "Park Jiwoo"), GH_OK);
    assert_int_equal(store_user_get(f->s, f->a, sub, &got), GH_OK);
    assert_string_equal(got.nickname, "jw");
    assert_string_equal(got.name, "Park Jiwoo");
    assert_int_equal(store_user_set_profile(f->s, sub, "jw", NULL), GH_OK);
    assert_int_equal(store_user_get(f->s, f->a, sub, &got), GH_OK);
    assert_null(got.name);
    assert_int_equal(store_user_set_profile(f->s, digest(f), "x", NULL), GH_ERR_NOT_FOUND);
}

/* The connected applications: listed with their last use; revoking one
 * withdraws its consent and its grants, and nothing of another client's. */
static void test_consent_list_and_revoke(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "yuna");
    const char *app = add_client(f, "rp-apps-a"), *kept = add_client(f, "rp-apps-b");
    assert_int_equal(store_consent_put(f->s, sub, app, "openid profile", T0 - 100), GH_OK);
    assert_int_equal(store_consent_put(f->s, sub, kept, "openid", T0 - 100), GH_OK);
    store_refresh_t r = put_refresh(f, app, sub, T0 + 3600), old = {0}, got_rt = {0};
    store_refresh_t next = next_refresh(f, T0 + 70);
    assert_int_equal(store_refresh_rotate(f->s, f->a, r.digest, app, T0 + 70, 0, &next, &old),
                     GH_OK);
    store_refresh_t rk = put_refresh(f, kept, sub, T0 + 3600);
    store_code_t unused = put_code(f, app, sub, T0 + 60), got_code = {0};

    store_consent_t *list = NULL;
    size_t n = 0;
    assert_int_equal(store_consent_list(f->s, f->a, sub, &list, &n), GH_OK);
    assert_int_equal(n, 2);
    const store_consent_t *a = !strcmp(list[0].client_id, app) ? &list[0] : &list[1];
    assert_string_equal(a->client_id, app);
    assert_string_equal(a->scope, "openid profile");
    assert_int_equal(a->updated_at, T0 - 100);
    assert_int_equal(a->last_used_at, T0 + 70); /* the latest rotation */

    bool revoked = false;
    assert_int_equal(store_consent_revoke(f->s, sub, app, T0 + 80, T0 + 500), GH_OK);
    assert_int_equal(store_consent_get(f->s, f->a, sub, app, &(const char *){NULL}),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_refresh_get(f->s, f->a, next.digest, T0 + 80, &got_rt),
                     GH_ERR_NOT_FOUND);
    assert_int_equal(store_jti_is_revoked(f->s, "x", r.family, T0 + 80, &revoked), GH_OK);
    assert_true(revoked); /* the access tokens of the grant */
    assert_int_equal(store_code_take(f->s, f->a, unused.digest, app, T0, "fam", &got_code),
                     GH_ERR_NOT_FOUND);
    /* the other client keeps everything */
    assert_int_equal(store_refresh_get(f->s, f->a, rk.digest, T0 + 80, &got_rt), GH_OK);
    assert_int_equal(store_jti_is_revoked(f->s, "x", rk.family, T0 + 80, &revoked), GH_OK);
    assert_false(revoked);
    assert_int_equal(store_consent_list(f->s, f->a, sub, &list, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].client_id, kept);
    /* nothing left to revoke: nothing changes */
    assert_int_equal(store_consent_revoke(f->s, sub, app, T0 + 80, T0 + 500), GH_OK);
}

/* ---- logout everywhere (store/logout.h) ---- */

#define LEASE 60

/* A client with the given back- and front-channel logout URIs (NULL: none). */
static const char *add_logout_client(fixture_t *f, const char *base, const char *back,
                                     const char *front)
{
    static const char *uris[] = {"https://rp.example/cb"};
    store_client_t c = {.id = uniq(f, base),
                        .redirect_uris = uris,
                        .redirect_uri_count = 1,
                        .scope = "openid",
                        .grants = STORE_GRANT_AUTHORIZATION_CODE,
                        .created_at = T0,
                        .backchannel_logout_uri = back,
                        .frontchannel_logout_uri = front,
                        .frontchannel_logout_session_required = front != NULL};
    assert_int_equal(store_client_add(f->s, &c), GH_OK);
    return c.id;
}

/* Claims every message due at now, deletes those not of this run, and
 * returns how many of this run's came back, the last into *out. */
static int claim_mine(fixture_t *f, int64_t now, store_logout_msg_t *out)
{
    store_logout_msg_t m;
    int mine = 0;
    while (store_logout_claim(f->s, f->a, now, LEASE, &m) == GH_OK) {
        if (!strstr(m.client_id, f->run)) {
            assert_int_equal(store_logout_done(f->s, m.jti), GH_OK);
            continue;
        }
        mine++;
        *out = m;
    }
    return mine;
}

/* A refresh token issued in session sid with scope. */
static store_refresh_t put_session_refresh(fixture_t *f, const char *client, const char *sub,
                                           const char *sid, const char *scope)
{
    store_refresh_t r = {.digest = digest(f),
                         .family = digest(f),
                         .client_id = client,
                         .sub = sub,
                         .scope = scope,
                         .issued_at = T0,
                         .expires_at = T0 + 1000,
                         .authn = {.amr = "pwd", .sid = sid}};
    assert_int_equal(store_refresh_put(f->s, &r), GH_OK);
    return r;
}

/* A session's end lists its clients, queues a logout token for each with a
 * back-channel URI, forgets them, and revokes the session's refresh tokens
 * but those granted offline_access; another session stays as it was. */
static void test_logout_session(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "lena"), *sid = digest(f), *sid2 = digest(f);
    const char *a = add_logout_client(f, "rp-back", "https://a.example/bc", "https://a.example/fc");
    const char *b = add_logout_client(f, "rp-none", NULL, NULL);
    const char *c = add_logout_client(f, "rp-other", "https://c.example/bc", NULL);
    store_logout_msg_t m = {0};
    store_refresh_t got;
    bool revoked = true;
    claim_mine(f, T0 + 10000, &m); /* nothing left from before */
    assert_int_equal(store_session_client_add(f->s, sid, a, sub, T0 + 100), GH_OK);
    assert_int_equal(store_session_client_add(f->s, sid, a, sub, T0 + 200), GH_OK); /* again */
    assert_int_equal(store_session_client_add(f->s, sid, b, sub, T0 + 100), GH_OK);
    assert_int_equal(store_session_client_add(f->s, sid2, c, sub, T0 + 100), GH_OK);
    store_refresh_t online = put_session_refresh(f, a, sub, sid, "openid profile");
    store_refresh_t offline = put_session_refresh(f, a, sub, sid, "openid offline_access");
    store_refresh_t other = put_session_refresh(f, c, sub, sid2, "openid");

    store_session_client_t *list = NULL;
    size_t n = 0;
    assert_int_equal(store_logout_session(f->s, f->a, sid, sub, T0, T0 + 50, &list, &n), GH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].client_id, a); /* ordered by client id */
    assert_string_equal(list[0].backchannel_logout_uri, "https://a.example/bc");
    assert_string_equal(list[0].frontchannel_logout_uri, "https://a.example/fc");
    assert_true(list[0].frontchannel_logout_session_required);
    assert_string_equal(list[0].sid, sid);
    assert_null(list[1].backchannel_logout_uri);
    assert_int_equal(claim_mine(f, T0, &m), 1);
    assert_string_equal(m.client_id, a);
    assert_string_equal(m.uri, "https://a.example/bc");
    assert_string_equal(m.sub, sub);
    assert_string_equal(m.sid, sid);
    assert_int_equal(m.attempts, 1);
    assert_int_equal(m.created_at, T0);
    assert_int_equal(store_logout_done(f->s, m.jti), GH_OK);

    assert_int_equal(store_refresh_get(f->s, f->a, online.digest, T0, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_jti_is_revoked(f->s, "x", online.family, T0, &revoked), GH_OK);
    assert_true(revoked);
    assert_int_equal(store_refresh_get(f->s, f->a, offline.digest, T0, &got), GH_OK);
    assert_int_equal(store_refresh_get(f->s, f->a, other.digest, T0, &got), GH_OK);
    assert_string_equal(got.authn.sid, sid2);

    /* told once: the session's clients are forgotten */
    assert_int_equal(store_logout_session(f->s, f->a, sid, sub, T0, T0 + 50, &list, &n), GH_OK);
    assert_int_equal(n, 0);
    /* every session of a member (sid NULL): the other one's client */
    assert_int_equal(store_logout_session(f->s, f->a, NULL, sub, T0, 0, &list, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(claim_mine(f, T0, &m), 1);
    assert_string_equal(m.client_id, c);
    assert_string_equal(m.sid, sid2);
    assert_int_equal(store_logout_done(f->s, m.jti), GH_OK);
    assert_int_equal(store_refresh_get(f->s, f->a, other.digest, T0, &got), GH_OK);
}

/* store_code_put_tracked: the code and, in a session (sid), the record of
 * its client for that session's end, written together; again only extends
 * the record; without a sid the code alone. */
static void test_code_put_tracked(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "tara"), *sid = digest(f);
    const char *a = add_logout_client(f, "rp-tracked", "https://t.example/bc", NULL);
    store_code_t c = {.digest = digest(f),
                      .client_id = a,
                      .redirect_uri = "https://rp.example/cb",
                      .scope = "openid",
                      .sub = sub,
                      .session_digest = digest(f),
                      .auth_time = T0,
                      .expires_at = T0 + 60,
                      .authn = {.amr = "pwd", .sid = sid}},
                 got, alone = c;
    store_session_client_t *list = NULL;
    size_t n = 0;
    assert_int_equal(store_code_put_tracked(f->s, &c, T0 + 100), GH_OK);
    c.digest = digest(f);
    assert_int_equal(store_code_put_tracked(f->s, &c, T0 + 200), GH_OK); /* the same session */
    alone.digest = digest(f);
    alone.authn.sid = NULL;
    assert_int_equal(store_code_put_tracked(f->s, &alone, T0 + 100), GH_OK);
    assert_int_equal(store_code_put_tracked(f->s, &alone, T0 + 100), GH_ERR_CONFLICT);
    assert_int_equal(store_code_take(f->s, f->a, c.digest, a, T0, digest(f), &got), GH_OK);
    assert_string_equal(got.authn.sid, sid);
    assert_int_equal(store_code_take(f->s, f->a, alone.digest, a, T0, digest(f), &got), GH_OK);
    assert_null(got.authn.sid);
    assert_int_equal(store_logout_session(f->s, f->a, sid, sub, T0, 0, &list, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].client_id, a);
    assert_string_equal(list[0].sub, sub);
    store_logout_msg_t m = {0};
    assert_int_equal(claim_mine(f, T0, &m), 1);
    assert_int_equal(store_logout_done(f->s, m.jti), GH_OK);
}

/* A claimed message is hidden until its lease ends; a retry brings it back
 * at its time, with the attempts counted; done deletes it. */
static void test_logout_claim_lease_retry(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "lior"), *sid = digest(f);
    const char *a = add_logout_client(f, "rp-lease", "https://a.example/bc", NULL);
    store_session_client_t *list = NULL;
    store_logout_msg_t m = {0};
    size_t n = 0;
    bool due = false;
    claim_mine(f, T0 + 10000, &m);
    assert_int_equal(store_session_client_add(f->s, sid, a, sub, T0 + 100), GH_OK);
    assert_int_equal(store_logout_session(f->s, f->a, sid, sub, T0, 0, &list, &n), GH_OK);
    assert_int_equal(store_logout_due(f->s, T0 - 1, &due), GH_OK);
    assert_false(due);
    assert_int_equal(store_logout_due(f->s, T0, &due), GH_OK);
    assert_true(due);
    assert_int_equal(claim_mine(f, T0, &m), 1);
    assert_int_equal(claim_mine(f, T0 + LEASE - 1, &m), 0); /* held */
    assert_int_equal(claim_mine(f, T0 + LEASE, &m), 1);     /* its worker died: again */
    assert_int_equal(m.attempts, 2);
    assert_int_equal(store_logout_retry(f->s, m.jti, T0 + 500), GH_OK);
    assert_int_equal(claim_mine(f, T0 + 499, &m), 0);
    assert_int_equal(claim_mine(f, T0 + 500, &m), 1);
    assert_int_equal(m.attempts, 3);
    assert_int_equal(store_logout_done(f->s, m.jti), GH_OK);
    assert_int_equal(claim_mine(f, T0 + 10000, &m), 0);
}

typedef struct {
    store_t *s;
    pthread_barrier_t *go;
    const char *run;
    int claimed; /* this run's messages this racer got */
} claimer_t;

static void *claim_all(void *p)
{
    claimer_t *r = p;
    arena_t *a = arena_new(1 << 16);
    store_logout_msg_t m;
    pthread_barrier_wait(r->go);
    while (store_logout_claim(r->s, a, T0 + 1, LEASE, &m) == GH_OK)
        r->claimed += strstr(m.client_id, r->run) != NULL;
    arena_free(a);
    return NULL;
}

/* Workers claiming together (instances on one database) get each message
 * exactly once. */
static void test_race_logout_claim(void **state)
{
    fixture_t *f = *state;
    enum { MESSAGES = 20 };
    const char *sub = add_user(f, "lucas");
    const char *a = add_logout_client(f, "rp-race", "https://a.example/bc", NULL);
    store_session_client_t *list = NULL;
    store_logout_msg_t m;
    size_t n = 0;
    claim_mine(f, T0 + 10000, &m);
    for (int i = 0; i < MESSAGES; i++) {
        const char *sid = digest(f);
        assert_int_equal(store_session_client_add(f->s, sid, a, sub, T0 + 100), GH_OK);
        assert_int_equal(store_logout_session(f->s, f->a, sid, sub, T0, 0, &list, &n), GH_OK);
    }
    claimer_t r[RACERS];
    pthread_t t[RACERS];
    pthread_barrier_t go;
    assert_int_equal(pthread_barrier_init(&go, NULL, RACERS), 0);
    for (int i = 0; i < RACERS; i++) {
        r[i] = (claimer_t){.s = f->s, .go = &go, .run = f->run};
        assert_int_equal(pthread_create(&t[i], NULL, claim_all, &r[i]), 0);
    }
    int total = 0;
    for (int i = 0; i < RACERS; i++) {
        pthread_join(t[i], NULL);
        total += r[i].claimed;
    }
    pthread_barrier_destroy(&go);
    assert_int_equal(total, MESSAGES);
    assert_int_equal(claim_mine(f, T0 + 10000, &m), MESSAGES); /* leases over: clean up */
}

/* ---- the admin API's store operations (issue 22) ---- */

static void test_user_page_update_disable(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "pagey");
    add_user(f, "pagez");
    store_user_t *list = NULL, u;
    size_t n = 0;
    const char *pattern = arena_printf(f->a, "page_-%s", f->run); /* _: any one character */
    assert_int_equal(store_user_page(f->s, f->a, NULL, pattern, 10, &list, &n), GH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].username, uniq(f, "pagey"));
    assert_int_equal(list[0].disabled_at, 0);
    /* after the first: the second alone; limit 1: the first alone */
    assert_int_equal(store_user_page(f->s, f->a, list[0].username, pattern, 10, &list, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].username, uniq(f, "pagez"));
    assert_int_equal(store_user_page(f->s, f->a, "", pattern, 1, &list, &n), GH_OK);
    assert_int_equal(n, 1);
    /* the pattern is matched against the lower-cased email too */
    const char *by_mail = "%pagez@example.test%";
    assert_int_equal(store_user_page(f->s, f->a, NULL, by_mail, 200, &list, &n), GH_OK);
    assert_true(n >= 1);

    assert_int_equal(store_user_get(f->s, f->a, sub, &u), GH_OK);
    u.username = uniq(f, "pagez");
    assert_int_equal(store_user_update(f->s, &u), GH_ERR_CONFLICT);
    u.username = uniq(f, "renamed");
    u.email = NULL;
    u.attributes = "{\"department\":\"Sales\"}"; /* docs/claims.md */
    u.groups = "[\"staff\"]";
    assert_int_equal(store_user_update(f->s, &u), GH_OK);
    assert_int_equal(store_user_get(f->s, f->a, sub, &u), GH_OK);
    assert_string_equal(u.username, uniq(f, "renamed"));
    assert_null(u.email);
    assert_string_equal(u.attributes, "{\"department\":\"Sales\"}");
    assert_string_equal(u.groups, "[\"staff\"]");
    /* the admin role (the console): off by default, kept by an update */
    assert_false(u.is_admin);
    u.is_admin = true;
    assert_int_equal(store_user_update(f->s, &u), GH_OK);
    assert_int_equal(store_user_get(f->s, f->a, sub, &u), GH_OK);
    assert_true(u.is_admin);
    u.is_admin = false;
    assert_int_equal(store_user_update(f->s, &u), GH_OK);
    assert_int_equal(store_user_get(f->s, f->a, sub, &u), GH_OK);
    assert_false(u.is_admin);
    assert_int_equal(store_user_set_disabled(f->s, sub, T0 + 5), GH_OK);
    assert_int_equal(store_user_get(f->s, f->a, sub, &u), GH_OK);
    assert_int_equal(u.disabled_at, T0 + 5);
    assert_int_equal(store_user_set_disabled(f->s, "no-such-sub", T0), GH_ERR_NOT_FOUND);
    u.sub = "no-such-sub";
    assert_int_equal(store_user_update(f->s, &u), GH_ERR_NOT_FOUND);
}

static void test_client_update_page(void **state)
{
    fixture_t *f = *state;
    static const char *uris[] = {"https://two.example/cb", "https://three.example/cb"};
    const char *id = add_client(f, "upd");
    store_client_t c, *list = NULL;
    size_t n = 0;
    assert_int_equal(store_client_get(f->s, f->a, id, &c), GH_OK);
    c.redirect_uris = uris;
    c.redirect_uri_count = 2;
    c.scope = "openid";
    c.is_public = true;
    c.secret_digest = NULL;
    assert_false(c.pairwise); /* the default subject type */
    assert_null(c.id_token_claims);
    c.pairwise = true;
    c.id_token_claims = "groups department";
    assert_int_equal(store_client_update(f->s, &c), GH_OK);
    assert_int_equal(store_client_get(f->s, f->a, id, &c), GH_OK);
    assert_true(c.pairwise);
    assert_string_equal(c.id_token_claims, "groups department");
    assert_int_equal(c.redirect_uri_count, 2);
    assert_string_equal(c.redirect_uris[1], "https://three.example/cb");
    assert_true(c.is_public);
    assert_null(c.secret_digest);
    assert_int_equal(c.created_at, T0);
    c.id = "no-such-client";
    assert_int_equal(store_client_update(f->s, &c), GH_ERR_NOT_FOUND);
    /* a page after the id before this one starts with this one */
    const char *before = arena_printf(f->a, "upc-%s", f->run);
    assert_int_equal(store_client_page(f->s, f->a, before, 1, &list, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].id, id);
}

static void test_grants_of_member(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "granty");
    const char *c1 = add_client(f, "gr1"), *c2 = add_client(f, "gr2");
    store_grant_t *list = NULL;
    size_t n = 0;
    bool revoked = false;
    assert_int_equal(store_consent_put(f->s, sub, c1, "openid profile", T0), GH_OK);
    store_refresh_t r1 = put_refresh(f, c1, sub, T0 + 3600);
    store_refresh_t r2 = put_refresh(f, c2, sub, T0 + 3600);
    assert_int_equal(store_grant_list(f->s, f->a, sub, T0, &list, &n), GH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].client_id, c1);
    assert_string_equal(list[0].scope, "openid profile");
    assert_int_equal(list[0].consented_at, T0);
    assert_int_equal(list[0].refresh_families, 1);
    assert_null(list[1].scope); /* a grant without a consent (c2) */
    assert_int_equal(list[1].refresh_expires_at, T0 + 3600);
    /* one client's: its consent, its refresh family and the family's access tokens */
    assert_int_equal(store_consent_revoke(f->s, sub, c1, T0, T0 + 7200), GH_OK);
    assert_int_equal(store_grant_list(f->s, f->a, sub, T0, &list, &n), GH_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].client_id, c2);
    assert_int_equal(store_refresh_get(f->s, f->a, r1.digest, T0, &r1), GH_ERR_NOT_FOUND);
    assert_int_equal(store_jti_is_revoked(f->s, "x", r1.family, T0, &revoked), GH_OK);
    assert_true(revoked);
    assert_int_equal(store_refresh_get(f->s, f->a, r2.digest, T0, &r2), GH_OK);
    /* every client's, also one holding a grant without a consent */
    assert_int_equal(store_consent_revoke(f->s, sub, NULL, T0, T0 + 7200), GH_OK);
    assert_int_equal(store_grant_list(f->s, f->a, sub, T0, &list, &n), GH_OK);
    assert_int_equal(n, 0);
}

static void test_events(void **state)
{
    fixture_t *f = *state;
    const char *actor = uniq(f, "auditor");
    const int64_t base = T0 + 10000000; /* after every other test's times */
    for (int i = 0; i < 5; i++) {
        store_event_t e = {.time = base - 1000 + i * 250,
                           .actor = actor,
                           .action = i % 2 ? "client.update" : "client.create",
                           .target = arena_printf(f->a, "t%d", i),
                           .ip = "127.0.0.1",
                           .details = i == 4 ? NULL : "{\"n\":1}"};
        assert_int_equal(store_event_add(f->s, &e), GH_OK);
    }
    store_event_t *list = NULL;
    size_t n = 0;
    store_event_filter_t all = {.actor = actor, .limit = 10};
    assert_int_equal(store_event_list(f->s, f->a, &all, &list, &n), GH_OK);
    assert_int_equal(n, 5);
    assert_string_equal(list[0].target, "t4"); /* newest first */
    assert_string_equal(list[0].details, "{}");
    assert_string_equal(list[4].details, "{\"n\":1}");
    assert_true(list[0].id > list[1].id);
    store_event_filter_t action = {.actor = actor, .action = "client.update", .limit = 10};
    assert_int_equal(store_event_list(f->s, f->a, &action, &list, &n), GH_OK);
    assert_int_equal(n, 2);
    store_event_filter_t window = {
        .actor = actor, .since = base - 750, .until = base - 250, .limit = 10};
    assert_int_equal(store_event_list(f->s, f->a, &window, &list, &n), GH_OK);
    assert_int_equal(n, 3);
    store_event_filter_t target = {.actor = actor, .target = "t2", .limit = 10};
    assert_int_equal(store_event_list(f->s, f->a, &target, &list, &n), GH_OK);
    assert_int_equal(n, 1);
    /* pages of two through the cursor */
    store_event_filter_t page = {.actor = actor, .limit = 2};
    assert_int_equal(store_event_list(f->s, f->a, &page, &list, &n), GH_OK);
    assert_int_equal(n, 2);
    page.before_id = list[1].id;
    assert_int_equal(store_event_list(f->s, f->a, &page, &list, &n), GH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].target, "t2");
    /* retention: what is older than 600 s at base goes at the next purge (which
     * store_user_end_all runs) */
    store_events_retention(f->s, 600);
    assert_int_equal(store_user_end_all(f->s, add_user(f, "purger"), base, base, NULL), GH_OK);
    store_events_retention(f->s, 0);
    assert_int_equal(store_event_list(f->s, f->a, &all, &list, &n), GH_OK);
    assert_int_equal(n, 3);
    assert_string_equal(list[2].target, "t2");
}

/* ---- second factors (store/mfa.h) ---- */

static void test_mfa_totp_enrol_and_confirm(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "mfa-enrol");
    store_mfa_totp_t t;
    assert_int_equal(store_mfa_totp_get(f->s, f->a, sub, &t), GH_ERR_NOT_FOUND);
    store_mfa_totp_t begin = {.sub = sub, .secret = "v1.first", .created_at = T0};
    assert_int_equal(store_mfa_totp_begin(f->s, &begin), GH_OK);
    begin.secret = "v1.second"; /* a new unconfirmed secret replaces the old */
    assert_int_equal(store_mfa_totp_begin(f->s, &begin), GH_OK);
    assert_int_equal(store_mfa_totp_get(f->s, f->a, sub, &t), GH_OK);
    assert_string_equal(t.secret, "v1.second");
    assert_false(t.confirmed);
    /* a code cannot be used before the secret is confirmed */
    assert_int_equal(store_mfa_totp_use(f->s, sub, 5), GH_ERR_CONFLICT);
    assert_int_equal(store_mfa_totp_confirm(f->s, sub, 7), GH_OK);
    assert_int_equal(store_mfa_totp_confirm(f->s, sub, 8), GH_ERR_NOT_FOUND);
    assert_int_equal(store_mfa_totp_get(f->s, f->a, sub, &t), GH_OK);
    assert_true(t.confirmed);
    assert_int_equal(t.last_step, 7);
    begin.secret = "v1.third"; /* a confirmed secret is not replaced by enrolment */
    assert_int_equal(store_mfa_totp_begin(f->s, &begin), GH_ERR_CONFLICT);
    assert_int_equal(store_mfa_totp_get(f->s, f->a, sub, &t), GH_OK);
    assert_string_equal(t.secret, "v1.second");
    store_mfa_totp_t set = {.sub = sub, .secret = "v1.cli", .created_at = T0 + 1};
    assert_int_equal(store_mfa_totp_set(f->s, &set), GH_OK); /* the CLI replaces it */
    assert_int_equal(store_mfa_totp_get(f->s, f->a, sub, &t), GH_OK);
    assert_string_equal(t.secret, "v1.cli");
    assert_int_equal(t.last_step, 0);
    set.sub = "no-such-member";
    assert_int_equal(store_mfa_totp_set(f->s, &set), GH_ERR_NOT_FOUND);
}

static void test_mfa_totp_steps_only_forward(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "mfa-steps");
    assert_int_equal(store_mfa_totp_set(
                         f->s, &(store_mfa_totp_t){.sub = sub, .secret = "v1.x", .created_at = T0}),
                     GH_OK);
    assert_int_equal(store_mfa_totp_use(f->s, sub, 10), GH_OK);
    assert_int_equal(store_mfa_totp_use(f->s, sub, 10), GH_ERR_CONFLICT);
    assert_int_equal(store_mfa_totp_use(f->s, sub, 9), GH_ERR_CONFLICT);
    assert_int_equal(store_mfa_totp_use(f->s, sub, 11), GH_OK);
}

/* A walk over every secret, by sub, and a re-seal that only replaces the
 * secret it read (one replaced meanwhile stays). */
static void test_mfa_totp_page_and_reseal(void **state)
{
    fixture_t *f = *state;
    const char *subs[3];
    for (int i = 0; i < 3; i++) {
        subs[i] = add_user(f, arena_printf(f->a, "mfa-walk-%d", i));
        assert_int_equal(
            store_mfa_totp_set(
                f->s, &(store_mfa_totp_t){.sub = subs[i], .secret = "v1.old", .created_at = T0}),
            GH_OK);
    }
    size_t seen = 0, n = 0;
    const char *after = "";
    store_mfa_totp_t *rows = NULL;
    do {
        assert_int_equal(store_mfa_totp_page(f->s, f->a, after, 2, &rows, &n), GH_OK);
        assert_true(n <= 2);
        for (size_t i = 0; i < n; i++, seen++) {
            assert_true(strcmp(rows[i].sub, after) > 0);
            after = rows[i].sub;
        }
    } while (n == 2);
    assert_true(seen >= 3);
    assert_int_equal(store_mfa_totp_reseal(f->s, subs[0], "v1.old", "v1.new"), GH_OK);
    store_mfa_totp_t t;
    assert_int_equal(store_mfa_totp_get(f->s, f->a, subs[0], &t), GH_OK);
    assert_string_equal(t.secret, "v1.new");
    assert_true(t.confirmed);
    assert_int_equal(store_mfa_totp_reseal(f->s, subs[0], "v1.old", "v1.other"), GH_ERR_NOT_FOUND);
    assert_int_equal(store_mfa_totp_get(f->s, f->a, subs[0], &t), GH_OK);
    assert_string_equal(t.secret, "v1.new");
}

/* The database records which MFA key is in use: a server records its own
 * when none is, or in place of an older key of its (a change of key); a
 * command never writes it, and a key that is not the recorded one is told. */
static void test_mfa_key_recorded(void **state)
{
    fixture_t *f = *state;
    static const char *const K1 = "first-mfa-secret-key-0123456789-abcdef";
    static const char *const K2 = "second-mfa-secret-key-0123456789-abcdef";
    mfa_keys_t k;
    assert_int_equal(mfa_keys_load(f->s, f->a, NULL, NULL, false, &k), GH_OK);
    assert_true(k.none_recorded && !k.recorded); /* a command before any server */
    assert_int_equal(mfa_keys_load(f->s, f->a, NULL, NULL, true, &k), GH_OK);
    assert_true(k.recorded && !k.none_recorded); /* the first server: the generated key */
    assert_int_equal(mfa_keys_load(f->s, f->a, K1, NULL, false, &k), GH_OK);
    assert_false(k.recorded); /* a command with K1 before any server has it */
    assert_true(k.stored_older && k.older_count == 1);
    assert_int_equal(mfa_keys_load(f->s, f->a, K1, NULL, true, &k), GH_OK);
    assert_true(k.recorded); /* a server moving to K1 (the generated key is older) */
    assert_int_equal(mfa_keys_load(f->s, f->a, K2, NULL, true, &k), GH_OK);
    assert_false(k.recorded); /* K2 without K1 as previous: not a change, a mistake */
    assert_int_equal(mfa_keys_load(f->s, f->a, K1, NULL, false, &k), GH_OK);
    assert_true(k.recorded); /* ...which changed nothing */
    assert_int_equal(mfa_keys_load(f->s, f->a, K2, K1, true, &k), GH_OK);
    assert_true(k.recorded); /* the rotation */
    assert_int_equal(mfa_keys_load(f->s, f->a, K1, NULL, true, &k), GH_OK);
    assert_false(k.recorded); /* an instance left with the old key */
    assert_int_equal(mfa_keys_forget_stored(f->s), GH_OK);
    assert_int_equal(mfa_keys_load(f->s, f->a, K2, NULL, false, &k), GH_OK);
    assert_true(k.recorded && !k.stored_older && k.older_count == 0);
}

static void *use_step(void *p)
{
    racer_t *r = p;
    pthread_barrier_wait(r->go);
    r->st = store_mfa_totp_use(r->s, r->digest, 100);
    return NULL;
}

static void *use_recovery(void *p)
{
    racer_t *r = p;
    int64_t left = 0;
    pthread_barrier_wait(r->go);
    r->st = store_mfa_recovery_use(r->s, r->client_id, r->digest, &left);
    return NULL;
}

/* One code (one step, one recovery code) for RACERS concurrent sign-ins:
 * exactly one gets through. */
static void test_mfa_race(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "mfa-race");
    char *codes[] = {(char *)digest(f), (char *)digest(f)};
    assert_int_equal(store_mfa_totp_set(
                         f->s, &(store_mfa_totp_t){.sub = sub, .secret = "v1.x", .created_at = T0}),
                     GH_OK);
    assert_int_equal(store_mfa_recovery_replace(f->s, sub, codes, 2, T0), GH_OK);
    racer_t r[RACERS];
    for (int i = 0; i < RACERS; i++)
        r[i] = (racer_t){.s = f->s, .digest = sub};
    race(r, use_step);
    for (int i = 0; i < RACERS; i++)
        r[i] = (racer_t){.s = f->s, .digest = codes[0], .client_id = sub};
    race(r, use_recovery);
    int64_t left = 0;
    assert_int_equal(store_mfa_recovery_count(f->s, sub, &left), GH_OK);
    assert_int_equal(left, 1);
}

static void test_mfa_recovery_and_reset(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "mfa-recovery");
    const char *other = add_user(f, "mfa-other");
    char *first[] = {(char *)digest(f), (char *)digest(f), (char *)digest(f)};
    char *second[] = {(char *)digest(f)};
    int64_t left = -1;
    assert_int_equal(store_mfa_recovery_replace(f->s, sub, first, 3, T0), GH_OK);
    assert_int_equal(store_mfa_recovery_replace(f->s, other, second, 1, T0), GH_OK);
    assert_int_equal(store_mfa_recovery_use(f->s, sub, first[1], &left), GH_OK);
    assert_int_equal(left, 2);
    assert_int_equal(store_mfa_recovery_use(f->s, sub, first[1], &left), GH_ERR_NOT_FOUND);
    /* another member's code is not this member's */
    assert_int_equal(store_mfa_recovery_use(f->s, sub, second[0], &left), GH_ERR_NOT_FOUND);
    /* a new set replaces the old */
    assert_int_equal(store_mfa_recovery_replace(f->s, sub, second, 1, T0 + 1), GH_OK);
    assert_int_equal(store_mfa_recovery_use(f->s, sub, first[0], &left), GH_ERR_NOT_FOUND);
    assert_int_equal(store_mfa_recovery_count(f->s, sub, &left), GH_OK);
    assert_int_equal(left, 1);
    /* a reset removes everything of the member, nothing of another */
    assert_int_equal(store_mfa_totp_set(
                         f->s, &(store_mfa_totp_t){.sub = sub, .secret = "v1.x", .created_at = T0}),
                     GH_OK);
    store_mfa_pending_t p = {.digest = digest(f), .sub = sub, .amr = "pwd", .expires_at = T0 + 300};
    assert_int_equal(store_mfa_pending_put(f->s, &p), GH_OK);
    /* passkeys are second factors too: the member's go, another's stay */
    store_passkey_t key = {.credential_id = "reset-key",
                           .sub = sub,
                           .public_key = "pk",
                           .alg = -7,
                           .name = "Laptop",
                           .created_at = T0};
    assert_int_equal(store_passkey_add(f->s, &key), GH_OK);
    key.credential_id = "other-key";
    key.sub = other;
    assert_int_equal(store_passkey_add(f->s, &key), GH_OK);
    assert_int_equal(store_mfa_reset(f->s, sub), GH_OK);
    store_passkey_t *keys = NULL;
    size_t n = 0;
    assert_int_equal(store_passkey_list(f->s, f->a, sub, &keys, &n), GH_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_passkey_list(f->s, f->a, other, &keys, &n), GH_OK);
    assert_int_equal(n, 1);
    store_mfa_totp_t t;
    store_mfa_pending_t got;
    assert_int_equal(store_mfa_totp_get(f->s, f->a, sub, &t), GH_ERR_NOT_FOUND);
    assert_int_equal(store_mfa_recovery_count(f->s, sub, &left), GH_OK);
    assert_int_equal(left, 0);
    assert_int_equal(store_mfa_pending_get(f->s, f->a, p.digest, T0, &got), GH_ERR_NOT_FOUND);
    assert_int_equal(store_mfa_recovery_count(f->s, other, &left), GH_OK);
    assert_int_equal(left, 1);
}

/* Turning the authenticator app off: the member's TOTP secret, recovery
 * codes and pending code sign-ins go; the member's passkeys and another
 * member's codes stay. */
static void test_mfa_totp_remove(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "mfa-off"), *other = add_user(f, "mfa-off-other");
    char *codes[] = {(char *)digest(f), (char *)digest(f)};
    char *others[] = {(char *)digest(f)};
    int64_t left = 0;
    store_mfa_totp_t t;
    store_mfa_pending_t got;
    assert_int_equal(store_mfa_totp_set(
                         f->s, &(store_mfa_totp_t){.sub = sub, .secret = "v1.x", .created_at = T0}),
                     GH_OK);
    assert_int_equal(
        store_mfa_totp_set(f->s,
                           &(store_mfa_totp_t){.sub = other, .secret = "v1.y", .created_at = T0}),
        GH_OK);
    assert_int_equal(store_mfa_recovery_replace(f->s, sub, codes, 2, T0), GH_OK);
    assert_int_equal(store_mfa_recovery_replace(f->s, other, others, 1, T0), GH_OK);
    store_mfa_pending_t p = {.digest = digest(f), .sub = sub, .amr = "pwd", .expires_at = T0 + 300};
    assert_int_equal(store_mfa_pending_put(f->s, &p), GH_OK);
    store_passkey_t key = {.credential_id = "off-key",
                           .sub = sub,
                           .public_key = "pk",
                           .alg = -7,
                           .name = "Laptop",
                           .created_at = T0};
    assert_int_equal(store_passkey_add(f->s, &key), GH_OK);
    assert_int_equal(store_mfa_totp_remove(f->s, sub), GH_OK);
    assert_int_equal(store_mfa_totp_get(f->s, f->a, sub, &t), GH_ERR_NOT_FOUND);
    assert_int_equal(store_mfa_recovery_count(f->s, sub, &left), GH_OK);
    assert_int_equal(left, 0);
    assert_int_equal(store_mfa_pending_get(f->s, f->a, p.digest, T0, &got), GH_ERR_NOT_FOUND);
    store_passkey_t *keys = NULL;
    size_t n = 0;
    assert_int_equal(store_passkey_list(f->s, f->a, sub, &keys, &n), GH_OK);
    assert_int_equal(n, 1); /* passkeys are not the authenticator app */
    assert_int_equal(store_mfa_totp_get(f->s, f->a, other, &t), GH_OK);
    assert_int_equal(store_mfa_recovery_count(f->s, other, &left), GH_OK);
    assert_int_equal(left, 1);
    assert_int_equal(store_mfa_totp_remove(f->s, sub), GH_OK); /* again: nothing to remove */
}

static void test_mfa_pending(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "mfa-pending");
    store_mfa_pending_t p = {.digest = digest(f), .sub = sub, .amr = "pwd", .expires_at = T0 + 300};
    store_mfa_pending_t got;
    assert_int_equal(store_mfa_pending_put(f->s, &p), GH_OK);
    assert_int_equal(store_mfa_pending_get(f->s, f->a, p.digest, T0, &got), GH_OK);
    assert_string_equal(got.sub, sub);
    assert_string_equal(got.amr, "pwd");
    assert_int_equal(store_mfa_pending_get(f->s, f->a, p.digest, T0 + 300, &got),
                     GH_ERR_NOT_FOUND); /* expired */
    assert_int_equal(store_mfa_pending_take(f->s, p.digest), GH_OK);
    assert_int_equal(store_mfa_pending_take(f->s, p.digest), GH_ERR_NOT_FOUND); /* once */
    assert_int_equal(store_mfa_pending_get(f->s, f->a, p.digest, T0, &got), GH_ERR_NOT_FOUND);
}

static void test_client_require_mfa(void **state)
{
    fixture_t *f = *state;
    static const char *uris[] = {"https://rp.example/cb"};
    store_client_t c = {.id = uniq(f, "strict"),
                        .secret_digest = "hmac-sha256$00$11",
                        .redirect_uris = uris,
                        .redirect_uri_count = 1,
                        .scope = "openid",
                        .grants = STORE_GRANT_AUTHORIZATION_CODE,
                        .require_mfa = true,
                        .created_at = T0};
    store_client_t got;
    assert_int_equal(store_client_add(f->s, &c), GH_OK);
    assert_int_equal(store_client_get(f->s, f->a, c.id, &got), GH_OK);
    assert_true(got.require_mfa);
    assert_int_equal(store_client_get(f->s, f->a, add_client(f, "lax"), &got), GH_OK);
    assert_false(got.require_mfa);
}

static void test_device_keeps_authn(void **state)
{
    fixture_t *f = *state;
    const char *sub = add_user(f, "dev-authn"), *client = add_client(f, "rp-dev-authn");
    store_device_t d = put_device(f, client, T0 + 600), got;
    store_authn_t authn = {.amr = "pwd otp mfa", .acr = "mfa"};
    bool slow = false;
    assert_int_equal(store_device_decide(f->s, d.user_code_digest, T0, true, sub, T0, &authn),
                     GH_OK);
    assert_int_equal(store_device_poll(f->s, f->a, d.digest, client, MS(T0 + 1), &got, &slow),
                     GH_OK);
    assert_string_equal(got.authn.amr, "pwd otp mfa");
    assert_string_equal(got.authn.acr, "mfa");
    assert_null(got.authn.idp);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_open_rejects_bad_urls),
        TEST(test_engine_name),
        TEST(test_user_add_get_find),
        TEST(test_user_optional_fields_null),
        TEST(test_user_conflicts_and_missing),
        TEST(test_user_missing_fields_invalid),
        TEST(test_user_set_password_and_remove),
        TEST(test_client_add_get),
        TEST(test_client_keys_resources_par),
        TEST(test_code_and_refresh_keep_resources),
        TEST(test_dpop_bindings),
        TEST(test_pushed_requests_single_use),
        TEST(test_jti_use_once),
        TEST(test_client_public_without_uris),
        TEST(test_client_conflicts_and_missing),
        TEST(test_consents),
        TEST(test_sessions),
        TEST(test_client_session),
        TEST(test_code_take_once),
        TEST(test_code_expired_or_unknown),
        TEST(test_code_redeem_with_refresh),
        TEST(test_refresh_rotate),
        TEST(test_refresh_reuse_revokes_family),
        TEST(test_refresh_grace),
        TEST(test_refresh_wrong_client_expired_unknown),
        TEST(test_refresh_revoke_family_and_client_only),
        TEST(test_jti_denylist),
        TEST(test_jti_denylist_family),
        TEST(test_user_for_token),
        TEST(test_client_get_token),
        TEST(test_refresh_put_refused_for_revoked_family),
        TEST(test_jti_expired_rows_pruned),
        TEST(test_read_snapshot),
        TEST(test_user_remove_cascades),
        TEST(test_user_end_all),
        TEST(test_client_remove_cascades),
        TEST(test_keys),
        TEST(test_settings),
        TEST(test_race_code_take),
        TEST(test_race_refresh_rotate),
        TEST(test_race_family_revocations),
        TEST(test_reopen_keeps_data),
        TEST(test_concurrent_first_open),
        TEST(test_attempts),
        TEST(test_race_attempts_fail),
        TEST(test_device_approve_redeem_once),
        TEST(test_device_deny_and_expiry),
        TEST(test_device_poll_slow_down),
        TEST(test_race_device_redeem),
        TEST(test_session_details_and_list),
        TEST(test_user_end_all_keeps_session),
        TEST(test_user_set_profile),
        TEST(test_consent_list_and_revoke),
        TEST(test_logout_session),
        TEST(test_code_put_tracked),
        TEST(test_logout_claim_lease_retry),
        TEST(test_race_logout_claim),
        TEST(test_user_page_update_disable),
        TEST(test_client_update_page),
        TEST(test_grants_of_member),
        TEST(test_events),

        TEST(test_mfa_totp_enrol_and_confirm),
        TEST(test_mfa_totp_steps_only_forward),
        TEST(test_mfa_totp_page_and_reseal),
        TEST(test_mfa_key_recorded),
        TEST(test_mfa_race),
        TEST(test_mfa_recovery_and_reset),
        TEST(test_mfa_totp_remove),
        TEST(test_mfa_pending),
        TEST(test_client_require_mfa),
        TEST(test_device_keeps_authn),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
