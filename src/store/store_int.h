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
#include <stdatomic.h>

#include "store/store.h"

/* The handle: every engine's store struct starts with it. */
struct store {
    const struct store_engine *engine; /* db.h */
    _Atomic int64_t next_purge;        /* earliest `now` at which expired rows go again */
    _Atomic int64_t events_retention;  /* seconds audit events are kept; 0: for ever */
    struct store_cache *cache;         /* store_cache_start's (cache.h); NULL: none */
};

/* Engine constructors. Each receives the whole URL (scheme included) and
 * whether a missing database may be created (store_open_with's
 * STORE_OPEN_CREATE) and, on success, a handle whose engine is set; the
 * caller migrates it. */
gh_status_t store_sqlite_open(const char *url, bool create, store_t **out);
/* "postgres://…" or "postgresql://…": a libpq connection URI. */
gh_status_t store_pg_open(const char *url, bool create, store_t **out);

/* Deletes expired rows of every feature, at most once a minute of `now` in
 * each process (purge.c); best effort: a failure is logged and the caller
 * goes on. Called by the operations that are given the time. */
void store_purge(store_t *s, int64_t now);

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

/* ---- migrations (migrations.c) ---- */

/* Applies one migration (the SQL text of file path, NNN_*.sql, version NNN). */
typedef gh_status_t (*store_migration_fn)(void *ctx, long version, const char *path,
                                          const char *sql);

/* Calls apply for each migration file of the engine's schema directory dir
 * ("sqlite/", "pg/"), in order, until one fails; a file whose name does not
 * start with its number is GH_ERR_INTERNAL. */
gh_status_t store_migrations_each(const char *dir, store_migration_fn apply, void *ctx);

/* The name part of a migration's path ("sqlite/009_backup_x.sql" → "backup_x"),
 * in a; NULL when a is full. */
const char *store_migration_name(const char *path, arena_t *a);

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

/* The column getters the feature readers use: the next column as an arena
 * string (NULL for SQL NULL) or an integer (0 for NULL; a boolean column is
 * 1 or 0 on either engine). */
char *store_row_text(store_row_t *r, arena_t *a);
int64_t store_row_int(store_row_t *r);
/* The next four columns, amr, acr, idp and sid (AUTHN_COLS), into *out. */
void store_row_authn(store_row_t *r, arena_t *a, store_authn_t *out);

/* The columns of a store_authn_t, in store_row_authn's order. */
#define AUTHN_COLS "amr, acr, idp, sid"

/* Ends a reader: copies the record rec (size bytes) into *row when the whole
 * row was read, else GH_ERR_NOMEM and *row unchanged. */
gh_status_t store_row_done(const store_row_t *r, const void *rec, size_t size, void *row);

/* A client (store_client_t) from the columns STORE_CLIENT_COLS, for the
 * statements of other stores that read a client with their own rows
 * (clients.c). */
#define STORE_CLIENT_COLS                                                                          \
    "id, secret_digest, name, redirect_uris, post_logout_redirect_uris, scope, grants, "           \
    "is_public, created_at, backchannel_logout_uri, backchannel_logout_session_required, "         \
    "frontchannel_logout_uri, frontchannel_logout_session_required, require_mfa, "                 \
    "id_token_claims, subject_type, jwks, jwks_uri, resources, require_par, "                      \
    "dpop_bound_access_tokens, security_profile, application_type, contacts, dynamic, "            \
    "registration_token_digest, last_used_at"
gh_status_t store_read_client(store_row_t *r, arena_t *a, void *row);

/* The record that client received a code in session sid of sub, kept until
 * expires (store_session_client_add), with the values as placeholders, so
 * that another store's write can carry it (store_code_put_tracked); a NULL
 * sid records nothing. Recording it again only extends it. */
#define STORE_SESSION_CLIENT_ADD(sid, client, sub, expires)                                        \
    "INSERT INTO session_clients (sid, client_id, sub, expires_at) SELECT " sid ", " client        \
    ", " sub ", " expires " WHERE " sid " IS NOT NULL "                                            \
    "ON CONFLICT (sid, client_id) DO UPDATE SET expires_at = excluded.expires_at"

/* The generic readers, each named for what *row is. */
gh_status_t store_read_text(store_row_t *r, arena_t *a, void *row); /* const char *: one text */
gh_status_t store_read_int(store_row_t *r, arena_t *a, void *row);  /* int64_t: one integer */
gh_status_t store_read_bool(store_row_t *r, arena_t *a, void *row); /* bool: one integer, != 0 */
/* store_user_t from the columns sub, username, password_hash, email,
 * nickname, name, created_at (accounts.c) */
gh_status_t store_read_user(store_row_t *r, arena_t *a, void *row);

#endif
