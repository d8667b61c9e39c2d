/* The fixture of the endpoint handlers' unit tests: the authorization server
 * assembled as `gatehouse serve` assembles it (oauth_app_open: default
 * settings, a SQLite store in a temporary directory, the key ring, the CSRF
 * key, the discovery document), with three clients and one user registered,
 * and requests built as plain data and answered through the server's own
 * route table (http_route_request: declared parameters checked, then the
 * handler), without a socket.
 *
 * One server per test program (cmocka group setup: an RSA key is made once);
 * each test makes its own codes, sessions and tokens, and never changes the
 * registered clients or the user, so tests do not depend on each other's
 * order. A setting a test changes (error_style, a lifetime) it puts back
 * (hf_setup restores the defaults). Requests live in their own arena until
 * the end of the test. Include after cmocka.h. */
#ifndef GH_TESTS_OAUTH_HANDLER_FIXTURE_H
#define GH_TESTS_OAUTH_HANDLER_FIXTURE_H

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/secret.h"
#include "http/http_int.h" /* http_response_headers: the headers as sent */
#include "oauth/oauth_int.h"

/* What the fixture registers. */
#define HF_SUB "e68a06bf9f2d4496882877cbecad27eb"
#define HF_USERNAME "alice"
#define HF_PASSWORD "wonderland-7"
#define HF_CONF "conf" /* confidential: code, refresh, client_credentials */
#define HF_CONF_SECRET "conf-secret-0123456789"
#define HF_CONF_REDIRECT "https://rp.example/cb"
#define HF_CONF_LOGOUT "https://rp.example/bye"
#define HF_CONF_SCOPE "openid profile email api.read"
#define HF_PUB "pub" /* public: code (PKCE), refresh */
#define HF_PUB_REDIRECT "https://app.example/cb"
#define HF_SVC "svc" /* confidential: client_credentials only */
#define HF_SVC_SECRET "svc-secret-0123456789"
#define HF_SVC_SCOPE "api.read api.write"
/* RFC 7636 Appendix B */
#define HF_VERIFIER "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define HF_CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

#define HF_MAX_REQUESTS 512
#define HF_MAX_HEADERS 16
#define HF_REMOTE_ADDR "192.0.2.10"

typedef struct {
    char dir[64];
    config_t cfg;
    config_server_t defaults; /* cfg.server as set up, restored before each test */
    arena_t *arena;           /* the app's documents and the fixture's own strings */
    app_t app;
    http_server_opts_t opts;
    arena_t *requests[HF_MAX_REQUESTS]; /* of the running test */
    size_t request_count;
} hf_server_t;

/* A request being built, then its answer. */
typedef struct {
    hf_server_t *srv;
    http_request_t req;
    http_response_t res;
    buf_t query, form, cookies; /* encoded as sent */
    bool has_form;
    http_pair_t headers[HF_MAX_HEADERS];
    size_t header_count;
} hf_req_t;

/* ---- the server ---- */

static inline void hf_register(hf_server_t *s)
{
    static const char *conf_uris[] = {HF_CONF_REDIRECT}, *conf_logout[] = {HF_CONF_LOGOUT};
    static const char *pub_uris[] = {HF_PUB_REDIRECT};
    store_client_t clients[] = {
        {.id = HF_CONF,
         .secret_digest = secret_client_digest(s->arena, HF_CONF_SECRET),
         .name = "Confidential RP",
         .redirect_uris = conf_uris,
         .redirect_uri_count = 1,
         .post_logout_redirect_uris = conf_logout,
         .post_logout_redirect_uri_count = 1,
         .scope = HF_CONF_SCOPE,
         .grants = STORE_GRANT_AUTHORIZATION_CODE | STORE_GRANT_REFRESH_TOKEN |
                   STORE_GRANT_CLIENT_CREDENTIALS},
        {.id = HF_PUB,
         .redirect_uris = pub_uris,
         .redirect_uri_count = 1,
         .scope = "openid profile",
         .grants = STORE_GRANT_AUTHORIZATION_CODE | STORE_GRANT_REFRESH_TOKEN,
         .is_public = true},
        {.id = HF_SVC,
         .secret_digest = secret_client_digest(s->arena, HF_SVC_SECRET),
         .scope = HF_SVC_SCOPE,
         .grants = STORE_GRANT_CLIENT_CREDENTIALS},
    };
    for (size_t i = 0; i < sizeof clients / sizeof clients[0]; i++)
        assert_int_equal(store_client_add(s->app.store, &clients[i]), GH_OK);
    /* the lowest argon2id cost: signing in costs microseconds, not 50 ms */
    static const secret_argon2_cost_t cheap = {1, 8, 1};
    char *hash = NULL;
    assert_int_equal(secret_password_hash(s->arena, HF_PASSWORD, &cheap, &hash), GH_OK);
    store_user_t u = {.sub = HF_SUB,
                      .username = HF_USERNAME,
                      .password_hash = hash,
                      .email = "alice@example.com",
                      .nickname = "Al",
                      .name = "Alice Liddell"};
    assert_int_equal(store_user_add(s->app.store, &u), GH_OK);
}

/* Group setup: *state gets the server. */
static inline int hf_group_setup(void **state)
{
    hf_server_t *s = calloc(1, sizeof *s);
    char url[96], err[256];
    const char *what = NULL;
    assert_non_null(s);
    strcpy(s->dir, "/tmp/gh-test-handlers.XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(url, sizeof url, "sqlite:%s/gh.db", s->dir);
    config_init(&s->cfg);
    assert_int_equal(config_set(&s->cfg, "server", "db", url, err, sizeof err), GH_OK);
    config_finish(&s->cfg);
    s->defaults = s->cfg.server;
    s->arena = arena_new(4u << 20);
    assert_non_null(s->arena);
    assert_int_equal(oauth_app_open(&s->cfg.server, s->arena, &s->app, &what), GH_OK);
    oauth_http_opts(&s->app, &s->opts);
    hf_register(s);
    *state = s;
    return 0;
}

static inline int hf_group_teardown(void **state)
{
    hf_server_t *s = *state;
    char cmd[128];
    oauth_app_close(&s->app);
    arena_free(s->arena);
    config_free(&s->cfg);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
    assert_int_equal(system(cmd), 0);
    free(s);
    return 0;
}

/* Per test: the settings as set up. */
static inline int hf_setup(void **state)
{
    hf_server_t *s = *state;
    s->cfg.server = s->defaults;
    return 0;
}

/* Per test: frees the test's requests. */
static inline int hf_teardown(void **state)
{
    hf_server_t *s = *state;
    for (size_t i = 0; i < s->request_count; i++)
        arena_free(s->requests[i]);
    s->request_count = 0;
    return 0;
}

#define hf_test(f) cmocka_unit_test_setup_teardown(f, hf_setup, hf_teardown)

/* ---- building a request ---- */

static inline http_method_t hf_method(const char *name)
{
    static const struct {
        const char *name;
        http_method_t m;
    } M[] = {{"GET", HTTP_GET}, {"HEAD", HTTP_HEAD},     {"POST", HTTP_POST},
             {"PUT", HTTP_PUT}, {"DELETE", HTTP_DELETE}, {"OPTIONS", HTTP_OPTIONS}};
    for (size_t i = 0; i < sizeof M / sizeof M[0]; i++)
        if (!strcmp(M[i].name, name))
            return M[i].m;
    return HTTP_OTHER;
}

static inline hf_req_t *hf_request(hf_server_t *s, const char *method, const char *path)
{
    assert_true(s->request_count < HF_MAX_REQUESTS);
    arena_t *a = arena_new(4u << 20);
    assert_non_null(a);
    s->requests[s->request_count++] = a;
    hf_req_t *r = arena_alloc(a, sizeof *r);
    assert_non_null(r);
    memset(r, 0, sizeof *r);
    r->srv = s;
    r->req = (http_request_t){.arena = a,
                              .method = hf_method(method),
                              .method_name = method,
                              .path = path,
                              .remote_addr = HF_REMOTE_ADDR,
                              .app = &s->app};
    buf_init(&r->query, a);
    buf_init(&r->form, a);
    buf_init(&r->cookies, a);
    return r;
}

static inline void hf_append(buf_t *b, const char *sep, const char *name, const char *value)
{
    if (b->len)
        buf_puts(b, sep);
    pct_encode(b, name);
    buf_putc(b, '=');
    pct_encode(b, value);
}

/* A query parameter (percent-encoded here; repeat a name to send it twice). */
static inline void hf_query(hf_req_t *r, const char *name, const char *value)
{
    hf_append(&r->query, "&", name, value);
}

/* A form field; the request then carries a form body with its Content-Type. */
static inline void hf_form(hf_req_t *r, const char *name, const char *value)
{
    hf_append(&r->form, "&", name, value);
    r->has_form = true;
}

/* The body as is, with no Content-Type of its own (set one with hf_header). */
static inline void hf_body(hf_req_t *r, const char *raw)
{
    buf_puts(&r->form, raw);
}

static inline void hf_header(hf_req_t *r, const char *name, const char *value)
{
    assert_true(r->header_count < HF_MAX_HEADERS);
    r->headers[r->header_count++] = (http_pair_t){name, value, strlen(value)};
}

static inline void hf_cookie(hf_req_t *r, const char *name, const char *value)
{
    if (r->cookies.len)
        buf_puts(&r->cookies, "; ");
    buf_printf(&r->cookies, "%s=%s", name, value);
}

/* Authorization: Basic for a client (RFC 6749 §2.3.1: each part form-encoded). */
static inline void hf_basic(hf_req_t *r, const char *id, const char *secret)
{
    buf_t plain;
    buf_init(&plain, r->req.arena);
    pct_encode(&plain, id);
    buf_putc(&plain, ':');
    pct_encode(&plain, secret);
    unsigned char *out = arena_alloc(r->req.arena, 4 * (plain.len / 3 + 1) + 1);
    assert_non_null(out);
    EVP_EncodeBlock(out, (const unsigned char *)buf_cstr(&plain), (int)plain.len);
    hf_header(r, "Authorization", arena_printf(r->req.arena, "Basic %s", out));
}

static inline void hf_bearer(hf_req_t *r, const char *token)
{
    hf_header(r, "Authorization", arena_printf(r->req.arena, "Bearer %s", token));
}

/* Decodes what was built the way the server does (the query and cookies
 * with the server's parsers, the body with request.c's own
 * http_request_set_body) and answers it through the route table. Returns
 * the status. */
static inline int hf_run(hf_req_t *r)
{
    http_request_t *q = &r->req;
    arena_t *a = q->arena;
    if (r->has_form)
        hf_header(r, "Content-Type", "application/x-www-form-urlencoded");
    if (r->cookies.len) {
        hf_header(r, "Cookie", buf_cstr(&r->cookies));
        assert_int_equal(
            http_parse_cookies(a, buf_cstr(&r->cookies), r->cookies.len, 64, &q->cookies), GH_OK);
    }
    q->headers = (http_pairs_t){r->headers, r->header_count};
    if (r->query.len &&
        http_parse_form(a, buf_cstr(&r->query), r->query.len, 128, &q->query) != GH_OK) {
        q->query = (http_pairs_t){0};
        q->query_malformed = true;
    }
    http_body_t body = {.data = r->form.len ? (char *)buf_cstr(&r->form) : NULL,
                        .len = r->form.len,
                        .cap = r->form.len,
                        .max = r->form.len};
    assert_int_equal(http_request_set_body(q, &body), GH_OK);
    http_route_request(&r->srv->opts, q, &r->res);
    return r->res.status;
}

/* ---- reading the answer ---- */

/* A response header (the first of that name), or NULL. */
static inline const char *hf_res_header(const hf_req_t *r, const char *name)
{
    for (size_t i = 0; i < r->res.header_count; i++)
        if (!strcasecmp(r->res.headers[i].name, name))
            return r->res.headers[i].value;
    return NULL;
}

/* A header of the answer as it is sent (the handler's own, then the
 * Content-Type, security and cache headers its kind adds), or NULL. */
static inline const char *hf_sent_header(hf_req_t *r, const char *name)
{
    http_header_set_t *set = arena_alloc(r->req.arena, sizeof *set);
    assert_non_null(set);
    http_response_headers(&r->res, set);
    for (size_t i = 0; i < set->count; i++)
        if (!strcasecmp(set->items[i].name, name))
            return arena_strdup(r->req.arena, set->items[i].value);
    return NULL;
}

/* The body as a NUL-terminated string. */
static inline const char *hf_text(hf_req_t *r)
{
    return r->res.body ? arena_strndup(r->req.arena, r->res.body, r->res.body_len) : "";
}

static inline bool hf_body_has(hf_req_t *r, const char *text)
{
    return strstr(hf_text(r), text) != NULL;
}

static inline void hf_json_free(void *p)
{
    json_decref(p);
}

/* The JSON body (released with the request); fails the test when it is not
 * a JSON answer. */
static inline json_t *hf_json(hf_req_t *r)
{
    assert_int_equal(r->res.kind, HTTP_KIND_JSON);
    json_error_t e;
    json_t *j = json_loadb(r->res.body, r->res.body_len, 0, &e);
    if (!j)
        fail_msg("not JSON (%s): %.*s", e.text, (int)r->res.body_len, r->res.body);
    arena_defer(r->req.arena, hf_json_free, j);
    return j;
}

/* A string member of the JSON body, or NULL. */
static inline const char *hf_str(hf_req_t *r, const char *name)
{
    return json_string_value(json_object_get(hf_json(r), name));
}

/* The body is the seed 004 error envelope with code, at status. */
static inline void hf_assert_seed_error(hf_req_t *r, int status, const char *code)
{
    assert_int_equal(r->res.status, status);
    json_t *j = hf_json(r);
    const char *got = json_string_value(json_object_get(json_object_get(j, "error"), "code"));
    if (!got || strcmp(got, code) != 0)
        fail_msg("want seed error %s, got %.*s", code, (int)r->res.body_len, r->res.body);
    assert_true(json_is_null(json_object_get(j, "payload")));
    assert_int_equal(json_object_size(j), 2);
}

/* The body is an RFC 6749 §5.2 error named error, at status. */
static inline void hf_assert_rfc_error(hf_req_t *r, int status, const char *error)
{
    assert_int_equal(r->res.status, status);
    const char *got = hf_str(r, "error");
    if (!got || strcmp(got, error) != 0)
        fail_msg("want %s, got %.*s", error, (int)r->res.body_len, r->res.body);
}

/* Builds a request that must be refused. */
typedef hf_req_t *(*hf_build_fn)(hf_server_t *s);

/* Runs a fresh request from build in the seed 004 style (400 and seed_code),
 * then another in the RFC 6749 style (rfc_status and rfc_error), and returns
 * the latter, for the caller to check its headers. The style is left as
 * seed. */
static inline hf_req_t *hf_refused(hf_server_t *s, hf_build_fn build, const char *seed_code,
                                   int rfc_status, const char *rfc_error)
{
    s->cfg.server.error_style = ERROR_STYLE_SEED;
    hf_req_t *r = build(s);
    hf_run(r);
    hf_assert_seed_error(r, 400, seed_code);
    s->cfg.server.error_style = ERROR_STYLE_RFC6749;
    r = build(s);
    hf_run(r);
    hf_assert_rfc_error(r, rfc_status, rfc_error);
    s->cfg.server.error_style = ERROR_STYLE_SEED;
    return r;
}

/* The value of the Set-Cookie named name, or NULL. */
static inline const char *hf_set_cookie(hf_req_t *r, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < r->res.header_count; i++) {
        const http_pair_t *h = &r->res.headers[i];
        if (strcasecmp(h->name, "Set-Cookie") || strncmp(h->value, name, n) || h->value[n] != '=')
            continue;
        const char *v = h->value + n + 1;
        return arena_strndup(r->req.arena, v, strcspn(v, ";"));
    }
    return NULL;
}

/* The decoded value of a parameter of the Location's query, or NULL. */
static inline const char *hf_location_param(hf_req_t *r, const char *name)
{
    const char *loc = hf_res_header(r, "Location");
    const char *q = loc ? strchr(loc, '?') : NULL;
    http_pairs_t p;
    if (!q || http_parse_form(r->req.arena, q + 1, strlen(q + 1), 64, &p) != GH_OK)
        return NULL;
    return http_pairs_get(&p, name);
}

/* The Location up to its query. */
static inline const char *hf_location_base(hf_req_t *r)
{
    const char *loc = hf_res_header(r, "Location");
    assert_non_null(loc);
    return arena_strndup(r->req.arena, loc, strcspn(loc, "?"));
}

/* ---- flows ---- */

/* A login session for the user: the cookie value. */
static inline const char *hf_session(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "GET", "/");
    store_session_t session;
    assert_int_equal(session_start(&r->req, &r->res, HF_SUB,
                                   &(store_authn_t){.amr = SESSION_AMR_PASSWORD}, clock_now(),
                                   &session),
                     GH_OK);
    const char *id = hf_set_cookie(r, s->app.session_cookie);
    assert_non_null(id);
    return id;
}

/* The CSRF token this server puts in a form for the session. */
static inline const char *hf_csrf(hf_server_t *s, const char *session)
{
    hf_req_t *r = hf_request(s, "GET", "/");
    hf_cookie(r, s->app.session_cookie, session);
    hf_run(r); /* only to decode the cookie: GET / is not a route */
    const char *token = csrf_token(&r->req, &r->res, NULL);
    assert_non_null(token);
    return token;
}

/* An authorization request for the user's session: the request is filled
 * in, to be run (and changed) by the caller. challenge and nonce may be NULL. */
static inline hf_req_t *hf_authorize(hf_server_t *s, const char *session, const char *client_id,
                                     const char *redirect_uri, const char *scope,
                                     const char *challenge)
{
    hf_req_t *r = hf_request(s, "GET", "/auth/authorize");
    hf_query(r, "client_id", client_id);
    hf_query(r, "redirect_uri", redirect_uri);
    hf_query(r, "response_type", "code");
    hf_query(r, "scope", scope);
    hf_query(r, "state", "st-123");
    if (challenge) {
        hf_query(r, "code_challenge", challenge);
        hf_query(r, "code_challenge_method", "S256");
    }
    if (session)
        hf_cookie(r, s->app.session_cookie, session);
    return r;
}

/* A code for the user, through /auth/authorize with a session and the
 * consent form (allowed), as a browser would get it. */
static inline const char *hf_code_for(hf_server_t *s, const char *client_id,
                                      const char *redirect_uri, const char *scope,
                                      const char *challenge, const char *nonce)
{
    const char *session = hf_session(s);
    hf_req_t *r = hf_request(s, "POST", "/auth/authorize");
    hf_form(r, "client_id", client_id);
    hf_form(r, "redirect_uri", redirect_uri);
    hf_form(r, "response_type", "code");
    hf_form(r, "scope", scope);
    hf_form(r, "state", "st-123");
    if (challenge) {
        hf_form(r, "code_challenge", challenge);
        hf_form(r, "code_challenge_method", "S256");
    }
    if (nonce)
        hf_form(r, "nonce", nonce);
    hf_form(r, "step", "consent");
    hf_form(r, "decision", "allow");
    hf_form(r, "csrf", hf_csrf(s, session));
    hf_cookie(r, s->app.session_cookie, session);
    if (hf_run(r) != 302)
        fail_msg("authorize answered %d: %s", r->res.status, hf_text(r));
    const char *code = hf_location_param(r, "code");
    assert_non_null(code);
    return code;
}

/* The confidential client's code for scope. */
static inline const char *hf_code(hf_server_t *s, const char *scope)
{
    return hf_code_for(s, HF_CONF, HF_CONF_REDIRECT, scope, NULL, NULL);
}

/* A token request of the confidential client (client_secret_post). */
static inline hf_req_t *hf_token_request(hf_server_t *s, const char *grant_type)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", grant_type);
    hf_form(r, "client_id", HF_CONF);
    hf_form(r, "client_secret", HF_CONF_SECRET);
    return r;
}

/* The public client's redemption of code (PKCE, RFC 7636 Appendix B's verifier). */
static inline hf_req_t *hf_public_code_request(hf_server_t *s, const char *code)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "authorization_code");
    hf_form(r, "client_id", HF_PUB);
    hf_form(r, "code", code);
    hf_form(r, "redirect_uri", HF_PUB_REDIRECT);
    hf_form(r, "code_verifier", HF_VERIFIER);
    return r;
}

/* The token answer of a confidential client's code grant for scope
 * (client_secret_post). */
static inline hf_req_t *hf_tokens_for(hf_server_t *s, const char *client_id, const char *secret,
                                      const char *redirect_uri, const char *scope)
{
    const char *code = hf_code_for(s, client_id, redirect_uri, scope, NULL, NULL);
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "authorization_code");
    hf_form(r, "client_id", client_id);
    hf_form(r, "client_secret", secret);
    hf_form(r, "code", code);
    hf_form(r, "redirect_uri", redirect_uri);
    if (hf_run(r) != 200)
        fail_msg("token answered %d: %s", r->res.status, hf_text(r));
    return r;
}

/* The token answer of the confidential client's code grant for scope. */
static inline hf_req_t *hf_tokens(hf_server_t *s, const char *scope)
{
    return hf_tokens_for(s, HF_CONF, HF_CONF_SECRET, HF_CONF_REDIRECT, scope);
}

/* The verified claims of one of our JWTs (released with r), and its typ. */
static inline json_t *hf_jwt(hf_req_t *r, const char *jwt, const char **typ)
{
    json_t *claims = NULL;
    const char *t = NULL;
    assert_int_equal(
        jose_jwt_verify(keyring_current(r->srv->app.keys), r->req.arena, jwt, &claims, &t), GH_OK);
    if (typ)
        *typ = t;
    return claims;
}

#endif
