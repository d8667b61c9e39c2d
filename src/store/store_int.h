/* Storage internals: the table of operations every engine fills in.
 *
 * An engine's handle starts with a `struct store` whose ops point at the
 * engine's table (the model is SQLite's sqlite3_io_methods); store.c forwards
 * each public function through it and knows nothing else of the engines. Each
 * operation has exactly the contract of the public function of the same name
 * in store.h. */
#ifndef GH_STORE_STORE_INT_H
#define GH_STORE_STORE_INT_H

#include "store/store.h"

struct store {
    const struct store_ops *ops;
};

typedef struct store_ops {
    const char *name; /* what store_engine() returns */
    void (*close)(store_t *s);

    gh_status_t (*user_add)(store_t *s, const store_user_t *u);
    gh_status_t (*user_get)(store_t *s, arena_t *a, const char *sub, store_user_t *out);
    gh_status_t (*user_find)(store_t *s, arena_t *a, const char *username, store_user_t *out);
    gh_status_t (*user_list)(store_t *s, arena_t *a, store_user_t **out, size_t *count);
    gh_status_t (*user_remove)(store_t *s, const char *username);
    gh_status_t (*user_set_password)(store_t *s, const char *username, const char *password_hash);

    gh_status_t (*client_add)(store_t *s, const store_client_t *c);
    gh_status_t (*client_get)(store_t *s, arena_t *a, const char *id, store_client_t *out);
    gh_status_t (*client_list)(store_t *s, arena_t *a, store_client_t **out, size_t *count);
    gh_status_t (*client_remove)(store_t *s, const char *id);

    gh_status_t (*consent_get)(store_t *s, arena_t *a, const char *sub, const char *client_id,
                               const char **scope);
    gh_status_t (*consent_put)(store_t *s, const char *sub, const char *client_id,
                               const char *scope, int64_t now);

    gh_status_t (*session_put)(store_t *s, const store_session_t *sess);
    gh_status_t (*session_get)(store_t *s, arena_t *a, const char *digest, int64_t now,
                               store_session_t *out);
    gh_status_t (*session_delete)(store_t *s, const char *digest);

    gh_status_t (*code_put)(store_t *s, const store_code_t *c);
    gh_status_t (*code_take)(store_t *s, arena_t *a, const char *digest, int64_t now,
                             const char *family, store_code_t *out);

    gh_status_t (*refresh_put)(store_t *s, const store_refresh_t *r);
    gh_status_t (*refresh_get)(store_t *s, arena_t *a, const char *digest, int64_t now,
                               store_refresh_t *out);
    gh_status_t (*refresh_rotate)(store_t *s, arena_t *a, const char *old_digest,
                                  const char *client_id, int64_t now, const store_refresh_t *next,
                                  store_refresh_t *old);
    gh_status_t (*refresh_revoke_family)(store_t *s, const char *family);

    gh_status_t (*key_add)(store_t *s, const store_key_t *k);
    gh_status_t (*key_list)(store_t *s, arena_t *a, store_key_t **out, size_t *count);
    gh_status_t (*key_retire_others)(store_t *s, const char *keep_kid, int64_t retire_at);
    gh_status_t (*key_prune)(store_t *s, int64_t now);

    gh_status_t (*setting_get)(store_t *s, arena_t *a, const char *name, const char **value);
    gh_status_t (*setting_init)(store_t *s, arena_t *a, const char *name, const char *value,
                                const char **value_out);

    gh_status_t (*gw_state_put)(store_t *s, const store_gw_state_t *st);
    gh_status_t (*gw_state_take)(store_t *s, arena_t *a, const char *digest, int64_t now,
                                 store_gw_state_t *out);
    gh_status_t (*gw_user_login)(store_t *s, arena_t *a, const store_gw_user_t *u,
                                 const store_gw_refresh_t *r, const char **user_id);
    gh_status_t (*gw_user_get)(store_t *s, arena_t *a, const char *id, store_gw_user_t *out);
    gh_status_t (*gw_user_set_tokens)(store_t *s, const char *id, const char *tokens, int64_t now);
    gh_status_t (*gw_user_delete)(store_t *s, const char *id);
    gh_status_t (*gw_refresh_rotate)(store_t *s, arena_t *a, const char *old_digest, int64_t now,
                                     const store_gw_refresh_t *next, const char **user_id);
    gh_status_t (*gw_refresh_delete)(store_t *s, const char *digest);
} store_ops_t;

/* Engine constructors. Each receives the whole URL (scheme included) and, on
 * success, a migrated handle whose ops are set. */
gh_status_t store_sqlite_open(const char *url, store_t **out);

#endif
