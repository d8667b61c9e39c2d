/* Unit tests: Client ID Metadata Documents' pure parts (client_document.c,
 * outside.c): which URLs may name a document, the host the consent page
 * names, Cache-Control, and a document read through the client model
 * (admin_client_document_check). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "admin/admin.h"
#include "oauth/oauth_int.h"

#define URL "https://agent.example/oauth/client.json"

static void urls(void **state)
{
    (void)state;
    assert_true(client_document_url_valid(URL));
    assert_true(client_document_url_valid("https://agent.example:8443/c?v=1"));
    const char *refused[] = {"http://agent.example/c.json", "https://agent.example/",
                             "https://agent.example",       "https://agent.example/a/../c",
                             "https://agent.example/./c",   "https://agent.example/c#f",
                             "https://u:p@agent.example/c", "https:///c.json",
                             "https://agent.example/c d",   "agent.example/c.json",
                             "https://agent.example?x=/c",  NULL};
    for (const char **u = refused; *u; u++)
        assert_false(client_document_url_valid(*u));
    /* authorities that are no host[:port] (the fuzzer's first finding among them) */
    const char *odd[] = {"https://::[1]:8443/k.json", "https://[::1/c",
                         "https://agent.example:/c",  "https://agent.example:123456/c",
                         "https://ag%65nt.example/c", NULL};
    for (const char **u = odd; *u; u++)
        assert_false(client_document_url_valid(*u));
    assert_true(client_document_url_valid("https://[::1]:8443/c.json"));
    assert_true(client_document_url_valid("https://127.0.0.1/c.json"));
    char longer[CLIENT_DOCUMENT_URL_MAX + 2];
    size_t prefix = strlen("https://agent.example/");
    memcpy(longer, "https://agent.example/", prefix);
    memset(longer + prefix, 'a', sizeof longer - 1 - prefix);
    longer[sizeof longer - 1] = '\0';
    assert_false(client_document_url_valid(longer));
    assert_true(client_document_id(URL));
    assert_false(client_document_id("rp-1"));
}

static void hosts(void **state)
{
    (void)state;
    arena_t *a = arena_new(1 << 16);
    assert_string_equal(client_document_host(a, URL), "agent.example");
    assert_string_equal(client_document_host(a, "https://agent.example:8443/c"), "agent.example");
    assert_string_equal(client_document_host(a, "https://[::1]:8443/c"), "[::1]");
    assert_null(client_document_host(a, "registered-client"));
    arena_free(a);
}

static void cache_control(void **state)
{
    (void)state;
    long age = -1;
    assert_int_equal(outside_cache_control(NULL, &age), OUTSIDE_CACHE_DEFAULT);
    assert_int_equal(outside_cache_control("public, max-age=600", &age), OUTSIDE_CACHE_MAX_AGE);
    assert_int_equal(age, 600);
    assert_int_equal(outside_cache_control("Max-Age=5", &age), OUTSIDE_CACHE_MAX_AGE);
    assert_int_equal(age, 5);
    assert_int_equal(outside_cache_control("max-age=600, no-store", &age), OUTSIDE_CACHE_NONE);
    assert_int_equal(outside_cache_control("no-cache", &age), OUTSIDE_CACHE_NONE);
    assert_int_equal(outside_cache_control("max-age=1x", &age), OUTSIDE_CACHE_DEFAULT);
    assert_int_equal(outside_cache_control("s-maxage=9", &age), OUTSIDE_CACHE_DEFAULT);
    assert_int_equal(outside_cache_control("max-age=999999999999999999999", &age),
                     OUTSIDE_CACHE_MAX_AGE);
    assert_int_equal(age, OUTSIDE_MAX_AGE_CAP);
}

/* Reads doc (JSON text) as the document of URL; *why on refusal. */
static bool parse(arena_t *a, const char *doc, store_client_t *cl, const char **why)
{
    return client_document_parse(a, URL, doc, strlen(doc), admin_client_document_check, cl, why);
}

static void documents(void **state)
{
    (void)state;
    arena_t *a = arena_new(1 << 20);
    store_client_t cl;
    const char *why = NULL;
    assert_true(parse(a,
                      "{\"client_id\":\"" URL "\",\"client_name\":\"Agent\",\"redirect_uris\":"
                      "[\"http://127.0.0.1:3000/cb\"],\"logo_uri\":\"https://agent.example/l.png\","
                      "\"require_mfa\":false,\"resources\":[\"https://api.example\"]}",
                      &cl, &why));
    assert_string_equal(cl.id, URL);
    assert_true(cl.is_public);
    assert_null(cl.secret_digest);
    assert_int_equal(cl.resource_count, 0); /* the operator's member, not taken */
    assert_string_equal(cl.name, "Agent");

    const char *refused[] = {
        "{\"client_id\":\"https://agent.example/other.json\",\"redirect_uris\":[\"https://"
        "a.example/cb\"]}",
        "{\"redirect_uris\":[\"https://a.example/cb\"]}",
        "[1]",
        "{\"client_id\":\"" URL "\",\"redirect_uris\":[\"https://a.example/cb\"],"
        "\"token_endpoint_auth_method\":\"client_secret_post\"}",
        "{\"client_id\":\"" URL "\",\"redirect_uris\":[\"https://a.example/cb\"],"
        "\"client_secret\":\"shared-secret\"}",
        "{\"client_id\":\"" URL "\",\"redirect_uris\":[\"https://a.example/cb\"],"
        "\"grant_types\":[\"client_credentials\"]}",
        "{\"client_id\":\"" URL "\",\"redirect_uris\":[\"https://a.example/cb\"],"
        "\"response_types\":[\"token\"]}",
        "{\"client_id\":\"" URL "\",\"redirect_uris\":[\"https://a.example/cb\"],"
        "\"scope\":\"openid gatehouse:admin\"}",
        "{\"client_id\":\"" URL "\"}",
        "{\"client_id\":\"" URL "\",\"client_id\":\"" URL
        "\",\"redirect_uris\":[\"https://a.example/cb\"]}",
        NULL};
    for (const char **d = refused; *d; d++) {
        why = NULL;
        assert_false(parse(a, *d, &cl, &why));
        assert_non_null(why);
    }
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(urls),
        cmocka_unit_test(hosts),
        cmocka_unit_test(cache_control),
        cmocka_unit_test(documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
