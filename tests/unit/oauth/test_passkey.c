/* Unit tests: the passkeys' relying party from the configuration
 * (passkey_rp_init, passkey_enabled): origin and RP ID from the issuer, a
 * parent domain as passkey_rp_id, and what cannot be an RP ID. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "oauth/passkey.h"

static gh_status_t rp_for(arena_t *a, config_server_t *cfg, const char *issuer, const char *rp_id,
                          app_t *app)
{
    *cfg =
        (config_server_t){.issuer = (char *)issuer, .passkey_rp_id = (char *)rp_id, .passkeys = 1};
    *app = (app_t){.cfg = cfg};
    return passkey_rp_init(app, a);
}

static void origin_and_rp_id_from_the_issuer(void **state)
{
    arena_t *a = arena_new(1 << 16);
    config_server_t cfg;
    app_t app;
    assert_int_equal(rp_for(a, &cfg, "https://login.example.com/tenant", NULL, &app), GH_OK);
    assert_string_equal(app.passkey_rp.origin, "https://login.example.com");
    assert_string_equal(app.passkey_rp.rp_id, "login.example.com");
    assert_true(passkey_enabled(&app));
    assert_int_equal(rp_for(a, &cfg, "http://localhost:8080", NULL, &app), GH_OK);
    assert_string_equal(app.passkey_rp.origin, "http://localhost:8080");
    assert_string_equal(app.passkey_rp.rp_id, "localhost");
    assert_true(passkey_enabled(&app));
    cfg.passkeys = 0;
    assert_false(passkey_enabled(&app));
    /* an IP address is no RP ID: passkeys are not offered */
    assert_int_equal(rp_for(a, &cfg, "http://127.0.0.1:8080", NULL, &app), GH_OK);
    assert_false(passkey_enabled(&app));
    assert_int_equal(rp_for(a, &cfg, "http://[::1]:8080", NULL, &app), GH_OK);
    assert_string_equal(app.passkey_rp.origin, "http://[::1]:8080");
    assert_false(passkey_enabled(&app));
    arena_free(a);
}

static void rp_id_a_parent_domain_only(void **state)
{
    arena_t *a = arena_new(1 << 16);
    config_server_t cfg;
    app_t app;
    assert_int_equal(rp_for(a, &cfg, "https://login.example.com", "example.com", &app), GH_OK);
    assert_string_equal(app.passkey_rp.rp_id, "example.com");
    assert_string_equal(app.passkey_rp.origin, "https://login.example.com");
    assert_int_equal(rp_for(a, &cfg, "https://login.example.com", "login.example.com", &app),
                     GH_OK);
    assert_int_equal(rp_for(a, &cfg, "https://login.example.com", "ample.com", &app),
                     GH_ERR_INVALID);
    assert_int_equal(rp_for(a, &cfg, "https://login.example.com", "evil.example", &app),
                     GH_ERR_INVALID);
    assert_int_equal(rp_for(a, &cfg, "https://login.example.com", "com", &app), GH_ERR_INVALID);
    assert_int_equal(rp_for(a, &cfg, "https://login.example.com", "", &app), GH_ERR_INVALID);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(origin_and_rp_id_from_the_issuer),
        cmocka_unit_test(rp_id_a_parent_domain_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
