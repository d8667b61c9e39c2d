/* Unit tests of POST /oauth2/v1/device/authorize (RFC 8628 §3.1–3.2,
 * src/oauth/device.c) and of the first poll at the token endpoint, through
 * the server's route table. Only the answers' shape and the refusals: the
 * throttling of user codes and the page where they are typed are left to
 * the end-to-end suite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "handler_fixture.h"

#define TV "tv" /* a public client registered for the device grant */

static int group_setup(void **state)
{
    hf_group_setup(state);
    hf_server_t *s = *state;
    store_client_t tv = {.id = TV,
                         .scope = "openid profile",
                         .grants = STORE_GRANT_DEVICE_CODE | STORE_GRANT_REFRESH_TOKEN,
                         .is_public = true};
    assert_int_equal(store_client_add(s->app.store, &tv), GH_OK);
    return 0;
}

static hf_req_t *device_request(hf_server_t *s, const char *client_id, const char *scope)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/device/authorize");
    hf_form(r, "client_id", client_id);
    if (scope)
        hf_form(r, "scope", scope);
    return r;
}

static void device_authorization_answer(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *r = device_request(s, TV, "openid");
    assert_int_equal(hf_run(r), 200);
    json_t *j = hf_json(r);
    const char *uri = arena_printf(s->arena, "%s/auth/device", s->cfg.server.issuer);
    const char *user_code = hf_str(r, "user_code");
    assert_non_null(hf_str(r, "device_code"));
    assert_non_null(user_code);
    assert_int_equal(strlen(user_code), USER_CODE_DISPLAY_LEN);
    assert_string_equal(hf_str(r, "verification_uri"), uri);
    assert_string_equal(hf_str(r, "verification_uri_complete"),
                        arena_printf(s->arena, "%s?user_code=%s", uri, user_code));
    assert_int_equal(json_integer_value(json_object_get(j, "expires_in")),
                     s->cfg.server.device_code_ttl);
    assert_int_equal(json_integer_value(json_object_get(j, "interval")),
                     s->cfg.server.device_code_interval);
    assert_int_equal(json_object_size(j), 6);
}

/* RFC 8628 §3.5: the device polls before the person answered; the answer is
 * RFC 6749 §5.2 shaped even in the seed style, as device clients expect. */
static void first_poll_is_pending(void **state)
{
    hf_server_t *s = *state;
    hf_req_t *d = device_request(s, TV, NULL);
    assert_int_equal(hf_run(d), 200);
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "urn:ietf:params:oauth:grant-type:device_code");
    hf_form(r, "device_code", hf_str(d, "device_code"));
    hf_form(r, "client_id", TV);
    hf_run(r);
    hf_assert_rfc_error(r, 400, "authorization_pending");
}

static hf_req_t *client_without_the_grant(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/device/authorize");
    hf_basic(r, HF_CONF, HF_CONF_SECRET);
    hf_form(r, "scope", "openid");
    return r;
}

static hf_req_t *scope_beyond_registration(hf_server_t *s)
{
    return device_request(s, TV, "openid email");
}

static hf_req_t *unknown_client(hf_server_t *s)
{
    return device_request(s, "nobody", NULL);
}

static hf_req_t *unknown_device_code(hf_server_t *s)
{
    hf_req_t *r = hf_request(s, "POST", "/oauth2/v1/token");
    hf_form(r, "grant_type", "urn:ietf:params:oauth:grant-type:device_code");
    hf_form(r, "device_code", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    hf_form(r, "client_id", TV);
    return r;
}

static void refusals(void **state)
{
    hf_server_t *s = *state;
    hf_refused(s, client_without_the_grant, "10076", 400, "unauthorized_client");
    hf_refused(s, scope_beyond_registration, "10071", 400, "invalid_scope");
    hf_refused(s, unknown_client, "10076", 401, "invalid_client");
    hf_refused(s, unknown_device_code, "10051", 400, "invalid_grant");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        hf_test(device_authorization_answer),
        hf_test(first_poll_is_pending),
        hf_test(refusals),
    };
    return cmocka_run_group_tests(tests, group_setup, hf_group_teardown);
}
