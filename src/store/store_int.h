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
    gh_status_t (*user_end_all)(store_t *s, const char *sub, int64_t now, int64_t revoke_until);

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
    gh_status_t (*code_take)(store_t *s, arena_t *a, const char *digest, const char *client_id,
                             int64_t now, const char *family, store_code_t *out);

    gh_status_t (*refresh_put)(store_t *s, const store_refresh_t *r);
    gh_status_t (*refresh_get)(store_t *s, arena_t *a, const char *digest, int64_t now,
                               store_refresh_t *out);
    gh_status_t (*refresh_rotate)(store_t *s, arena_t *a, const char *old_digest,
                                  const char *client_id, int64_t now, int64_t grace,
                                  const store_refresh_t *next, store_refresh_t *old);
    gh_status_t (*refresh_revoke_family)(store_t *s, const char *family);

    gh_status_t (*key_add)(store_t *s, const store_key_t *k);
    gh_status_t (*key_list)(store_t *s, arena_t *a, store_key_t **out, size_t *count);
    gh_status_t (*key_retire_others)(store_t *s, const char *keep_kid, const char *alg, int64_t now,
                                     int64_t retire_at);
    gh_status_t (*key_prune)(store_t *s, int64_t now);

    gh_status_t (*setting_get)(store_t *s, arena_t *a, const char *name, const char **value);
    gh_status_t (*setting_init)(store_t *s, arena_t *a, const char *name, const char *value,
                                const char **value_out);

    gh_status_t (*jti_revoke)(store_t *s, const char *jti, int64_t expires_at, int64_t now);
    gh_status_t (*jti_is_revoked)(store_t *s, const char *jti, const char *family, int64_t now,
                                  bool *revoked);
    gh_status_t (*attempts_get)(store_t *s, const char *key, store_attempts_t *out);
    gh_status_t (*attempts_fail)(store_t *s, const char *key, int64_t now, int64_t window,
                                 store_attempts_t *out);
    gh_status_t (*attempts_succeed)(store_t *s, const char *key, int64_t now);
    gh_status_t (*attempts_forgive)(store_t *s, const char *key);
    gh_status_t (*device_put)(store_t *s, const store_device_t *d);
    gh_status_t (*device_find)(store_t *s, arena_t *a, const char *user_code_digest, int64_t now,
                               store_device_t *out);
    gh_status_t (*device_decide)(store_t *s, const char *user_code_digest, int64_t now,
                                 bool approve, const char *sub, int64_t auth_time);
    gh_status_t (*device_poll)(store_t *s, arena_t *a, const char *digest, const char *client_id,
                               int64_t now, store_device_t *out, bool *slow_down);
    gh_status_t (*device_redeem)(store_t *s, const char *digest);
    gh_status_t (*gw_state_put)(store_t *s, const store_gw_state_t *st);
    gh_status_t (*gw_state_take)(store_t *s, arena_t *a, const char *digest, int64_t now,
                                 store_gw_state_t *out);
    gh_status_t (*gw_user_login)(store_t *s, arena_t *a, const store_gw_user_t *u,
                                 const store_gw_refresh_t *r, const char **user_id);
    gh_status_t (*gw_user_get)(store_t *s, arena_t *a, const char *id, store_gw_user_t *out);
    gh_status_t (*gw_user_set_tokens)(store_t *s, const char *id, const char *tokens, int64_t now);
    gh_status_t (*gw_user_delete)(store_t *s, const char *id);
    gh_status_t (*gw_refresh_rotate)(store_t *s, arena_t *a, const char *old_digest, int64_t now,
                                     int64_t grace, const store_gw_refresh_t *next,
                                     const char **user_id);
    gh_status_t (*gw_refresh_delete)(store_t *s, const char *digest);
    void (*read_begin)(store_t *s);
    void (*read_end)(store_t *s);
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

/* ---- row cursors and row readers (rows.c), shared by the engines ----
 *
 * A query that came back with rows sits on one of them; a reader takes its
 * columns left to right through the engine's cursor and fills in a record.
 * An engine's cursor struct starts with a store_row_t whose ops point at the
 * engine's two column getters. */
typedef struct store_row store_row_t;

typedef struct {
    /* The next column as a string copied into a (NULL for SQL NULL); a failed
     * copy sets r->oom and gives NULL. */
    char *(*text)(store_row_t *r, arena_t *a);
    /* The next column as an integer (0 for SQL NULL). */
    int64_t (*integer)(store_row_t *r);
} store_row_ops_t;

struct store_row {
    const store_row_ops_t *ops;
    int col;  /* next column to read; the engine resets it on each row */
    bool oom; /* a text copy ran out of arena */
};

/* Reads the current row of r into *row (a record below), strings in a. On
 * failure (GH_ERR_NOMEM, or a status of store_lines_split) *row is unchanged. */
typedef gh_status_t (*store_read_fn)(store_row_t *r, arena_t *a, void *row);

/* A code and whether it was used. */
typedef struct {
    store_code_t code;
    bool used;
} store_code_row_t;

/* A refresh token and its state. */
typedef struct {
    store_refresh_t token;
    bool used, revoked;
} store_refresh_row_t;

/* What became of a refresh token that did not rotate. */
typedef struct {
    const char *family;
    bool used, revoked;
} store_refresh_state_t;

/* A gateway state and whether it was used. */
typedef struct {
    store_gw_state_t state;
    bool used;
} store_gw_state_row_t;

/* A gateway refresh record's user, expiry, whether it was used and when. */
typedef struct {
    const char *user_id;
    int64_t expires_at;
    bool used;
    int64_t used_at; /* 0 when unused */
} store_gw_refresh_row_t;

/* The readers, each named for what *row is and listing its columns in order. */
gh_status_t store_read_text(store_row_t *r, arena_t *a, void *row); /* const char *: one text */
gh_status_t store_read_int(store_row_t *r, arena_t *a, void *row);  /* int64_t: one integer */
gh_status_t store_read_bool(store_row_t *r, arena_t *a, void *row); /* bool: one integer, != 0 */
/* store_user_t: sub, username, password_hash, email, nickname, name, created_at */
gh_status_t store_read_user(store_row_t *r, arena_t *a, void *row);
/* store_client_t: id, secret_digest, name, redirect_uris, post_logout_redirect_uris (both
 * newline-joined), scope, grants, is_public, created_at */
gh_status_t store_read_client(store_row_t *r, arena_t *a, void *row);
/* store_session_t: digest, sub, auth_time, expires_at */
gh_status_t store_read_session(store_row_t *r, arena_t *a, void *row);
/* store_code_t: digest, client_id, redirect_uri, scope, sub, nonce, code_challenge,
 * session_digest, family, auth_time, expires_at */
gh_status_t store_read_code(store_row_t *r, arena_t *a, void *row);
/* store_code_row_t: the code's columns, then used */
gh_status_t store_read_code_row(store_row_t *r, arena_t *a, void *row);
/* store_refresh_t: digest, family, client_id, sub, scope, auth_time, issued_at, expires_at */
gh_status_t store_read_refresh(store_row_t *r, arena_t *a, void *row);
/* store_refresh_row_t: the token's columns, then used, revoked */
gh_status_t store_read_refresh_row(store_row_t *r, arena_t *a, void *row);
/* store_refresh_state_t: family, used, revoked */
gh_status_t store_read_refresh_state(store_row_t *r, arena_t *a, void *row);
/* store_key_t: kid, alg, private_jwk, created_at, retire_at, activate_at */
gh_status_t store_read_key(store_row_t *r, arena_t *a, void *row);
/* store_attempts_t: failures, window_start, last_failure, last_success */
gh_status_t store_read_attempts(store_row_t *r, arena_t *a, void *row);
/* store_device_t: digest, user_code_digest, client_id, scope, state, sub, auth_time, interval,
 * last_poll, expires_at */
gh_status_t store_read_device(store_row_t *r, arena_t *a, void *row);
/* store_gw_state_t: digest, platform, nonce, expires_at, binding */
gh_status_t store_read_gw_state(store_row_t *r, arena_t *a, void *row);
/* store_gw_state_row_t: the state's columns, then used */
gh_status_t store_read_gw_state_row(store_row_t *r, arena_t *a, void *row);
/* store_gw_user_t: id, platform, platform_user_id, email, name, profile, tokens, created_at,
 * updated_at */
gh_status_t store_read_gw_user(store_row_t *r, arena_t *a, void *row);
/* store_gw_refresh_row_t: user_id, expires_at, used, used_at */
gh_status_t store_read_gw_refresh_row(store_row_t *r, arena_t *a, void *row);

#endif
