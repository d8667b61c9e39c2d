/* Storage internals: the table of operations every engine fills in.
 *
 * An engine's handle starts with a `struct store` whose ops point at the
 * engine's table (the model is SQLite's sqlite3_io_methods); store.c forwards
 * each public function through it and knows nothing else of the engines. Each
 * operation has exactly the contract of the public function of the same name
 * in store.h. */
#ifndef GH_STORE_STORE_INT_H
#define GH_STORE_STORE_INT_H

#include <pthread.h>

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

    gh_status_t (*jti_revoke)(store_t *s, const char *jti, int64_t expires_at, int64_t now);
    gh_status_t (*jti_is_revoked)(store_t *s, const char *jti, int64_t now, bool *revoked);
    gh_status_t (*login_attempts_get)(store_t *s, const char *key, store_login_attempts_t *out);
    gh_status_t (*login_failure_add)(store_t *s, const char *key, int64_t now, int64_t window,
                                     store_login_attempts_t *out);
    gh_status_t (*login_success)(store_t *s, const char *key, int64_t now);
    gh_status_t (*device_put)(store_t *s, const store_device_t *d);
    gh_status_t (*device_find)(store_t *s, arena_t *a, const char *user_code_digest, int64_t now,
                               store_device_t *out);
    gh_status_t (*device_decide)(store_t *s, const char *user_code_digest, int64_t now,
                                 bool approve, const char *sub, int64_t auth_time);
    gh_status_t (*device_poll)(store_t *s, arena_t *a, const char *digest, const char *client_id,
                               int64_t now, store_device_t *out, bool *slow_down);
    gh_status_t (*device_redeem)(store_t *s, const char *digest);
    gh_status_t (*device_attempts_get)(store_t *s, const char *key, int64_t now, int64_t window,
                                       int64_t *failures);
    gh_status_t (*device_attempts_add)(store_t *s, const char *key, int64_t now, int64_t window,
                                       int64_t *failures);
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
    gh_status_t (*ping)(store_t *s);
} store_ops_t;

/* Engine constructors. Each receives the whole URL (scheme included) and, on
 * success, a migrated handle whose ops are set. */
gh_status_t store_sqlite_open(const char *url, store_t **out);
/* "postgres://…" or "postgresql://…": a libpq connection URI. */
gh_status_t store_pg_open(const char *url, store_t **out);

/* Every engine's table, for the test that no operation is missing. */
extern const store_ops_t STORE_SQLITE_OPS;
extern const store_ops_t STORE_PG_OPS;

/* ---- per-thread connections (conns.c), shared by the engines ----
 *
 * Each thread that touches a store gets its own connection, opened lazily by
 * the engine and adopted here: the thread's key holds it, and the list holds
 * all of them so the store can close them. An engine's connection struct
 * starts with a store_conn_t. */
typedef struct store_conn store_conn_t;
typedef struct store_conns store_conns_t;

struct store_conn {
    store_conn_t *prev, *next;
    store_conns_t *owner;
};

struct store_conns {
    pthread_key_t key;             /* this thread's store_conn_t */
    pthread_mutex_t lock;          /* guards head */
    store_conn_t *head;            /* every open connection */
    void (*free)(store_conn_t *c); /* the engine's: closes and frees one */
};

/* Sets up the key and the lock; nothing is opened yet. */
gh_status_t store_conns_init(store_conns_t *r, void (*free_fn)(store_conn_t *c));

/* This thread's connection, or NULL when it has none yet. */
store_conn_t *store_conns_current(store_conns_t *r);

/* Makes c this thread's connection and tracks it; on failure c is freed. */
gh_status_t store_conns_adopt(store_conns_t *r, store_conn_t *c);

/* Closes every connection and drops the key and lock. Callers ensure no
 * thread is still using the store; a thread that exits later frees nothing. */
void store_conns_close_all(store_conns_t *r);

/* ---- client URI lists (lines.c): stored newline-joined ---- */

/* Joins c's redirect and post-logout URIs into a new arena *a (the caller
 * frees it, also on failure). GH_ERR_INVALID when a URI is NULL, empty or
 * holds a newline. */
gh_status_t store_client_uris_join(const store_client_t *c, arena_t **a, const char **uris,
                                   const char **logout_uris);

/* Splits an arena string in place at its newlines into an arena array; NULL
 * or "" gives no elements. */
gh_status_t store_lines_split(arena_t *a, char *joined, const char ***out, size_t *count);

/* ---- device authorizations (device.c) ---- */

/* Records a token-endpoint poll of d at now (RFC 8628 §3.5): d->last_poll
 * becomes now, and when d is pending and was polled less than d->interval
 * seconds before, d->interval grows by STORE_DEVICE_SLOW_DOWN and the result
 * is true (the client must slow down). */
bool store_device_polled(store_device_t *d, int64_t now);

/* ---- migrations (migrations.c) ---- */

/* Applies one migration (the SQL text of file NNN_*.sql, version NNN). */
typedef gh_status_t (*store_migration_fn)(void *ctx, long version, const char *sql);

/* Calls apply for each migration file of the engine's schema directory dir
 * ("sqlite/", "pg/"), in order, until one fails; a file whose name does not
 * start with its number is GH_ERR_INTERNAL. */
gh_status_t store_migrations_each(const char *dir, store_migration_fn apply, void *ctx);

#endif
