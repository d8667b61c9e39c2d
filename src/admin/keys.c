/* Signing keys (admin.h): their states for listing, and rotation as
 * `gatehouse keys rotate` does it (oauth/signing_keys.h). No private key
 * material ever leaves here. */
#include <string.h>

#include "admin/admin_int.h"
#include "core/buf.h"
#include "core/clock.h"
#include "oauth/audit.h"
#include "oauth/signing_keys.h"

const char *admin_key_state(const store_key_t *keys, size_t n, size_t k, int64_t now, int64_t *when)
{
    const store_key_t *key = &keys[k];
    jose_alg_t alg;
    *when = 0;
    if (jose_alg_parse(key->alg, &alg) == GH_OK && signing_keys_signer(keys, n, alg, now) == k)
        return "signing";
    if (key->retire_at == 0 && key->activate_at > now) {
        *when = key->activate_at;
        return "next";
    }
    if (key->retire_at == 0)
        return "verifying"; /* briefly, while two processes create the first key */
    if (key->retire_at > now) {
        *when = key->retire_at;
        return "retiring";
    }
    return "expired";
}

bool admin_keys_list(const admin_ctx_t *ctx, json_t **out, admin_error_t *err)
{
    store_key_t *keys = NULL;
    size_t n = 0;
    gh_status_t st = store_key_list(ctx->store, ctx->arena, &keys, &n);
    if (st != GH_OK)
        return admin_store_fail(err, ctx->arena, st, "key", "*");
    int64_t now = clock_now();
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++) {
        int64_t when;
        const char *state = admin_key_state(keys, n, i, now, &when);
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "kid", keys[i].kid,
                                               "alg", keys[i].alg, "state", state, "created_at",
                                               (json_int_t)keys[i].created_at, "activate_at",
                                               (json_int_t)keys[i].activate_at, "retire_at",
                                               (json_int_t)keys[i].retire_at));
    }
    *out = admin_page_json(items, NULL);
    return *out ? true : admin_fail(err, ctx->arena, 500, NULL, "out of memory");
}

bool admin_keys_rotate(const admin_ctx_t *ctx, const jose_alg_t *algs, size_t n, long activate_in,
                       const char **kids, size_t *n_out, admin_error_t *err)
{
    jose_alg_t configured[JOSE_ALG_COUNT];
    if (n == 0) {
        if (signing_keys_algs(ctx->cfg, configured, &n) != GH_OK)
            return admin_fail(
                err, ctx->arena, 500, NULL,
                "signing_alg and access_token_alg must be RS256, PS256, ES256 or EdDSA");
        algs = configured;
    }
    int64_t now = clock_now();
    gh_status_t st =
        signing_keys_rotate(ctx->store, algs, n, now, activate_in ? now + activate_in : 0,
                            signing_keys_retire_after(ctx->cfg), kids, ctx->arena);
    if (st != GH_OK)
        return admin_fail(err, ctx->arena, st == GH_ERR_UNAVAILABLE ? 503 : 500, NULL,
                          "cannot rotate the signing keys: %s", gh_status_str(st));
    buf_t b;
    buf_init(&b, ctx->arena);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i ? "," : "", kids[i]);
    admin_audit(ctx, "keys.rotate", buf_cstr(&b),
                audit_details(ctx->arena, "activate_in",
                              arena_printf(ctx->arena, "%ld", activate_in), NULL));
    *n_out = n;
    return true;
}
