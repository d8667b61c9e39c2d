/* Rate limit of login URLs (issue 17): every GET /oauth2/api/login/{platform}
 * stores a state row, unauthenticated, so each client address may ask for
 * login_rate of them per login_rate_window seconds ([gateway] keys, default
 * 60 per minute), counted in the store's atomic counters (store_rate_count)
 * so every instance sees one count. The store keeps no address: the key is
 * an HMAC of it under a key derived from the gateway's secret. */
#include <string.h>

#include "core/clock.h"
#include "gateway/gateway_int.h"

#define PURPOSE "gwrate:"

gh_status_t gw_login_rate(const http_request_t *req, http_response_t *res, gw_error_t *err)
{
    const gw_app_t *app = gw_app_of(req);
    const char *what =
        arena_printf(req->arena, "login urls\n%s", req->remote_addr ? req->remote_addr : "");
    char digest[SECRET_DIGEST_HEX_LEN + 1], key[sizeof PURPOSE + SECRET_DIGEST_HEX_LEN];
    if (!what)
        return gw_fail(err, GH_ERR_NOMEM, GW_ERR_INTERNAL, "internal error");
    secret_hmac_hex(app->pkce_key, sizeof app->pkce_key, what, strlen(what), digest);
    memcpy(key, PURPOSE, sizeof PURPOSE - 1);
    memcpy(key + sizeof PURPOSE - 1, digest, sizeof digest);
    int64_t wait = 0;
    gh_status_t st = store_rate_count(app->store, key, clock_now(), app->login_rate_window,
                                      app->login_rate, &wait);
    if (st != GH_OK)
        return gw_fail_store(err, st);
    if (wait == 0)
        return GH_OK;
    const char *retry = arena_printf(req->arena, "%lld", (long long)wait);
    if (retry) /* RFC 6585 §4, RFC 9110 §10.2.3 */
        http_response_header(res, "Retry-After", retry);
    return gw_fail(err, GH_ERR_THROTTLED, GW_ERR_TOO_MANY,
                   "too many login requests from this address; try again later");
}
