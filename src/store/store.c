/* Storage dispatch: store_open() picks the engine by the URL's scheme, and
 * every other public function forwards to the handle's table of operations
 * (store_int.h). Nothing here knows how an engine keeps its data. */
#include "store/store_int.h"

#include <assert.h>
#include <string.h>

#include "core/log.h"

typedef struct {
    const char *scheme; /* URL prefix, scheme included */
    gh_status_t (*open)(const char *url, store_t **out);
} engine_t;

static const engine_t ENGINES[] = {
    {"sqlite:", store_sqlite_open},
    {"postgres://", store_pg_open},
    {"postgresql://", store_pg_open},
};

gh_status_t store_open(const char *url, store_t **out)
{
    for (size_t i = 0; url && i < sizeof ENGINES / sizeof ENGINES[0]; i++) {
        const engine_t *e = &ENGINES[i];
        if (strncmp(url, e->scheme, strlen(e->scheme)) == 0)
            return e->open(url, out);
    }
    log_event(LOG_ERROR, "store", "op", "open", "error",
              "database URL must start with sqlite:, postgres:// or postgresql://", NULL);
    return GH_ERR_INVALID;
}

void store_close(store_t *s)
{
    if (s)
        s->ops->close(s);
}

const char *store_engine(const store_t *s)
{
    assert(s);
    return s->ops->name;
}

gh_status_t store_user_add(store_t *s, const store_user_t *u)
{
    return s->ops->user_add(s, u);
}

gh_status_t store_user_get(store_t *s, arena_t *a, const char *sub, store_user_t *out)
{
    return s->ops->user_get(s, a, sub, out);
}

gh_status_t store_user_find(store_t *s, arena_t *a, const char *username, store_user_t *out)
{
    return s->ops->user_find(s, a, username, out);
}

gh_status_t store_user_list(store_t *s, arena_t *a, store_user_t **out, size_t *count)
{
    return s->ops->user_list(s, a, out, count);
}

gh_status_t store_user_remove(store_t *s, const char *username)
{
    return s->ops->user_remove(s, username);
}

gh_status_t store_user_set_password(store_t *s, const char *username, const char *password_hash)
{
    return s->ops->user_set_password(s, username, password_hash);
}

gh_status_t store_user_end_all(store_t *s, const char *sub, int64_t now, int64_t revoke_until)
{
    return s->ops->user_end_all(s, sub, now, revoke_until);
}

gh_status_t store_client_add(store_t *s, const store_client_t *c)
{
    return s->ops->client_add(s, c);
}

gh_status_t store_client_get(store_t *s, arena_t *a, const char *id, store_client_t *out)
{
    return s->ops->client_get(s, a, id, out);
}

gh_status_t store_client_list(store_t *s, arena_t *a, store_client_t **out, size_t *count)
{
    return s->ops->client_list(s, a, out, count);
}

gh_status_t store_client_remove(store_t *s, const char *id)
{
    return s->ops->client_remove(s, id);
}

gh_status_t store_consent_get(store_t *s, arena_t *a, const char *sub, const char *client_id,
                              const char **scope)
{
    return s->ops->consent_get(s, a, sub, client_id, scope);
}

gh_status_t store_consent_put(store_t *s, const char *sub, const char *client_id, const char *scope,
                              int64_t now)
{
    return s->ops->consent_put(s, sub, client_id, scope, now);
}

gh_status_t store_session_put(store_t *s, const store_session_t *sess)
{
    return s->ops->session_put(s, sess);
}

gh_status_t store_session_get(store_t *s, arena_t *a, const char *digest, int64_t now,
                              store_session_t *out)
{
    return s->ops->session_get(s, a, digest, now, out);
}

gh_status_t store_session_delete(store_t *s, const char *digest)
{
    return s->ops->session_delete(s, digest);
}

gh_status_t store_code_put(store_t *s, const store_code_t *c)
{
    return s->ops->code_put(s, c);
}

gh_status_t store_code_take(store_t *s, arena_t *a, const char *digest, const char *client_id,
                            int64_t now, const char *family, store_code_t *out)
{
    return s->ops->code_take(s, a, digest, client_id, now, family, out);
}

gh_status_t store_refresh_put(store_t *s, const store_refresh_t *r)
{
    return s->ops->refresh_put(s, r);
}

gh_status_t store_refresh_get(store_t *s, arena_t *a, const char *digest, int64_t now,
                              store_refresh_t *out)
{
    return s->ops->refresh_get(s, a, digest, now, out);
}

gh_status_t store_refresh_rotate(store_t *s, arena_t *a, const char *old_digest,
                                 const char *client_id, int64_t now, int64_t grace,
                                 const store_refresh_t *next, store_refresh_t *old)
{
    return s->ops->refresh_rotate(s, a, old_digest, client_id, now, grace, next, old);
}

gh_status_t store_refresh_revoke_family(store_t *s, const char *family)
{
    return s->ops->refresh_revoke_family(s, family);
}

gh_status_t store_key_add(store_t *s, const store_key_t *k)
{
    return s->ops->key_add(s, k);
}

gh_status_t store_key_list(store_t *s, arena_t *a, store_key_t **out, size_t *count)
{
    return s->ops->key_list(s, a, out, count);
}

gh_status_t store_key_retire_others(store_t *s, const char *keep_kid, const char *alg, int64_t now,
                                    int64_t retire_at)
{
    return s->ops->key_retire_others(s, keep_kid, alg, now, retire_at);
}

gh_status_t store_key_prune(store_t *s, int64_t now)
{
    return s->ops->key_prune(s, now);
}

gh_status_t store_setting_get(store_t *s, arena_t *a, const char *name, const char **value)
{
    return s->ops->setting_get(s, a, name, value);
}

gh_status_t store_setting_init(store_t *s, arena_t *a, const char *name, const char *value,
                               const char **value_out)
{
    return s->ops->setting_init(s, a, name, value, value_out);
}

gh_status_t store_jti_revoke(store_t *s, const char *jti, int64_t expires_at, int64_t now)
{
    return s->ops->jti_revoke(s, jti, expires_at, now);
}

gh_status_t store_jti_is_revoked(store_t *s, const char *jti, const char *family, int64_t now,
                                 bool *revoked)
{
    return s->ops->jti_is_revoked(s, jti, family, now, revoked);
}

gh_status_t store_attempts_get(store_t *s, const char *key, store_attempts_t *out)
{
    return s->ops->attempts_get(s, key, out);
}

gh_status_t store_attempts_fail(store_t *s, const char *key, int64_t now, int64_t window,
                                store_attempts_t *out)
{
    return s->ops->attempts_fail(s, key, now, window, out);
}

gh_status_t store_attempts_succeed(store_t *s, const char *key, int64_t now)
{
    return s->ops->attempts_succeed(s, key, now);
}

gh_status_t store_rate_count(store_t *s, const char *key, int64_t now, int64_t window, long limit,
                             int64_t *retry_after)
{
    store_attempts_t c;
    *retry_after = 0;
    if (limit <= 0)
        return GH_OK;
    gh_status_t st = s->ops->attempts_fail(s, key, now, window, &c);
    if (st == GH_OK && c.failures > limit) {
        int64_t left = c.window_start + window - now;
        *retry_after = left > 0 ? left : 1;
    }
    return st;
}

gh_status_t store_attempts_forgive(store_t *s, const char *key)
{
    return s->ops->attempts_forgive(s, key);
}

gh_status_t store_device_put(store_t *s, const store_device_t *d)
{
    return s->ops->device_put(s, d);
}

gh_status_t store_device_find(store_t *s, arena_t *a, const char *user_code_digest, int64_t now,
                              store_device_t *out)
{
    return s->ops->device_find(s, a, user_code_digest, now, out);
}

gh_status_t store_device_decide(store_t *s, const char *user_code_digest, int64_t now, bool approve,
                                const char *sub, int64_t auth_time)
{
    return s->ops->device_decide(s, user_code_digest, now, approve, sub, auth_time);
}

gh_status_t store_device_poll(store_t *s, arena_t *a, const char *digest, const char *client_id,
                              int64_t now, store_device_t *out, bool *slow_down)
{
    return s->ops->device_poll(s, a, digest, client_id, now, out, slow_down);
}

gh_status_t store_device_redeem(store_t *s, const char *digest)
{
    return s->ops->device_redeem(s, digest);
}

gh_status_t store_gw_state_put(store_t *s, const store_gw_state_t *st)
{
    return s->ops->gw_state_put(s, st);
}

gh_status_t store_gw_state_take(store_t *s, arena_t *a, const char *digest, int64_t now,
                                store_gw_state_t *out)
{
    return s->ops->gw_state_take(s, a, digest, now, out);
}

gh_status_t store_gw_user_login(store_t *s, arena_t *a, const store_gw_user_t *u,
                                const store_gw_refresh_t *r, const char **user_id)
{
    return s->ops->gw_user_login(s, a, u, r, user_id);
}

gh_status_t store_gw_user_get(store_t *s, arena_t *a, const char *id, store_gw_user_t *out)
{
    return s->ops->gw_user_get(s, a, id, out);
}

gh_status_t store_gw_user_set_tokens(store_t *s, const char *id, const char *tokens, int64_t now)
{
    return s->ops->gw_user_set_tokens(s, id, tokens, now);
}

gh_status_t store_gw_user_delete(store_t *s, const char *id)
{
    return s->ops->gw_user_delete(s, id);
}

gh_status_t store_gw_refresh_rotate(store_t *s, arena_t *a, const char *old_digest, int64_t now,
                                    int64_t grace, const store_gw_refresh_t *next,
                                    const char **user_id)
{
    return s->ops->gw_refresh_rotate(s, a, old_digest, now, grace, next, user_id);
}

gh_status_t store_gw_refresh_delete(store_t *s, const char *digest)
{
    return s->ops->gw_refresh_delete(s, digest);
}

void store_read_begin(store_t *s)
{
    s->ops->read_begin(s);
}

void store_read_end(store_t *s)
{
    s->ops->read_end(s);
}

gh_status_t store_ping(store_t *s)
{
    return s->ops->ping(s);
}
