/* SQLite engine internals shared by sqlite_conn.c (connections, the statement
 * cache, binding, reading, transactions, error mapping) and sqlite.c (the
 * store operations and the migrations).
 *
 * Each thread that touches a store gets its own connection, opened lazily and
 * closed when the thread exits or the store closes. Statements are named by a
 * query_t, prepared once per connection from SQLITE_SQL and reset after use.
 * Nothing outside these two files sees a sqlite3 type. */
#ifndef GH_STORE_SQLITE_INT_H
#define GH_STORE_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "store/store_int.h"

typedef enum {
    Q_BEGIN,
    Q_READ_BEGIN,
    Q_COMMIT,
    Q_ROLLBACK,
    Q_MIGRATION_APPLIED,
    Q_MIGRATION_RECORD,
    Q_USER_ADD,
    Q_USER_GET,
    Q_USER_FIND,
    Q_USER_LIST,
    Q_USER_REMOVE,
    Q_USER_SET_PASSWORD,
    Q_USER_END_DENY,
    Q_USER_END_REFRESH,
    Q_USER_END_SESSIONS,
    Q_USER_END_CODES,
    Q_USER_END_DEVICES,
    Q_CLIENT_ADD,
    Q_CLIENT_GET,
    Q_CLIENT_LIST,
    Q_CLIENT_REMOVE,
    Q_CONSENT_GET,
    Q_CONSENT_PUT,
    Q_SESSION_PUT,
    Q_SESSION_GET,
    Q_SESSION_DELETE,
    Q_CODE_PUT,
    Q_CODE_FIND,
    Q_CODE_USE,
    Q_REFRESH_PUT,
    Q_REFRESH_START,
    Q_REFRESH_GET,
    Q_REFRESH_FIND,
    Q_REFRESH_USE,
    Q_REFRESH_REVOKE_FAMILY,
    Q_KEY_ADD,
    Q_KEY_LIST,
    Q_KEY_RETIRE_OTHERS,
    Q_KEY_PRUNE,
    Q_SETTING_GET,
    Q_SETTING_INIT,
    Q_PURGE_SESSIONS,
    Q_PURGE_CODES,
    Q_PURGE_REFRESH,
    Q_JTI_REVOKE,
    Q_JTI_GET,
    Q_PURGE_JTI,
    Q_ATTEMPTS_GET,
    Q_ATTEMPTS_FAIL,
    Q_ATTEMPTS_SUCCEED,
    Q_ATTEMPTS_FORGIVE,
    Q_PURGE_ATTEMPTS,
    Q_DEVICE_PUT,
    Q_DEVICE_FIND,
    Q_DEVICE_STATE,
    Q_DEVICE_FIND_POLL,
    Q_DEVICE_DECIDE,
    Q_DEVICE_POLLED,
    Q_DEVICE_REDEEM,
    Q_PURGE_DEVICE,
    Q_GW_STATE_PUT,
    Q_GW_STATE_FIND,
    Q_GW_STATE_USE,
    Q_GW_USER_UPSERT,
    Q_GW_USER_ID,
    Q_GW_USER_GET,
    Q_GW_USER_SET_TOKENS,
    Q_GW_USER_DELETE,
    Q_GW_REFRESH_PUT,
    Q_GW_REFRESH_FIND,
    Q_GW_REFRESH_USE,
    Q_GW_REFRESH_DELETE,
    Q_GW_REFRESH_DELETE_USER,
    Q_GW_PURGE_STATES,
    Q_GW_PURGE_REFRESH,
    Q_PING,
    Q_COUNT
} query_t;

/* The SQL text of each query (defined in sqlite.c). */
extern const char *const SQLITE_SQL[Q_COUNT];

typedef struct conn conn_t;

typedef struct {
    store_t base;               /* first: the handle callers hold */
    char *path;                 /* database file */
    bool sync_full;             /* synchronous=FULL (URL option), else NORMAL */
    store_conns_t conns;        /* one connection per thread */
    _Atomic int64_t next_purge; /* earliest `now` at which expired rows are deleted again */
    /* Writers of this process take turns here rather than in SQLite's busy
     * handler, whose sleep-and-retry gives waits of up to 100 ms per round
     * under contention; other processes still meet the busy timeout. */
    pthread_mutex_t write_lock;
    atomic_bool locked; /* the last write found the database locked past the busy timeout */
} sqlite_store_t;

/* A statement in use. After sq_query returns GH_OK it sits on a row whose
 * columns the readers of rows.c take through row, left to right. */
typedef struct {
    store_row_t row; /* first: the cursor the readers hold */
    conn_t *conn;
    sqlite3_stmt *st;
    const char *op; /* operation name for the log */
    bool locked;    /* holds the store's write_lock for this one statement */
    sqlite_store_t *store;
} sq_t;

/* Sets up the per-thread key and the lock; nothing is opened yet. */
gh_status_t sq_init(sqlite_store_t *s);

/* Closes every connection and drops the key. Callers ensure no thread is
 * still using the store. */
void sq_close_all(sqlite_store_t *s);

/* Runs query id with arguments described by fmt, one letter each: 's' a
 * const char * (NULL binds SQL NULL), 'i' an int64_t. GH_OK when a row came
 * back, GH_ERR_NOT_FOUND when none; the statement stays open until sq_end. */
gh_status_t sq_query(sqlite_store_t *s, query_t id, const char *op, sq_t *q, const char *fmt, ...);

/* Moves to the next row: GH_OK, or GH_ERR_NOT_FOUND past the last. */
gh_status_t sq_next(sq_t *q);

/* Resets the statement for its next use. Safe on a query that never started. */
void sq_end(sq_t *q);

/* Runs a statement that returns no rows. */
gh_status_t sq_exec(sqlite_store_t *s, query_t id, const char *op, const char *fmt, ...);

/* As sq_exec, for a write that must touch a row: GH_ERR_NOT_FOUND when none. */
gh_status_t sq_exec_one(sqlite_store_t *s, query_t id, const char *op, const char *fmt, ...);

/* Runs a lookup and reads its first row with read: GH_OK, GH_ERR_NOT_FOUND
 * when there is none, or an error. */
gh_status_t sq_get(sqlite_store_t *s, query_t id, const char *op, store_read_fn read, arena_t *a,
                   void *row, const char *fmt, ...);

/* Runs a script of several statements (a migration) on this thread's connection. */
gh_status_t sq_script(sqlite_store_t *s, const char *op, const char *sql);

/* BEGIN IMMEDIATE: takes the write lock now, waiting up to the busy timeout. */
gh_status_t sq_begin(sqlite_store_t *s, const char *op);

/* BEGIN (deferred) and its end: the reads in between share one read
 * transaction (store_read_begin). A begin that fails is logged by the
 * statement's status; the end then has nothing to close. */
void sq_read_begin(sqlite_store_t *s);
void sq_read_end(sqlite_store_t *s);

/* Commits (commit true) or rolls back. A failed commit is rolled back and its
 * status returned; a rollback always returns GH_OK. */
gh_status_t sq_finish(sqlite_store_t *s, const char *op, bool commit);

/* ---- sqlite.c, for the operations kept in their own files ---- */

/* Deletes expired rows, at most once a minute of `now` (best effort). */
void sq_purge(sqlite_store_t *s, int64_t now);

/* ---- sqlite_gateway.c: the gateway's operations (store.h) ---- */

gh_status_t sq_gw_state_put(store_t *s, const store_gw_state_t *st);
gh_status_t sq_gw_state_take(store_t *s, arena_t *a, const char *digest, int64_t now,
                             store_gw_state_t *out);
gh_status_t sq_gw_user_login(store_t *s, arena_t *a, const store_gw_user_t *u,
                             const store_gw_refresh_t *r, const char **user_id);
gh_status_t sq_gw_user_get(store_t *s, arena_t *a, const char *id, store_gw_user_t *out);
gh_status_t sq_gw_user_set_tokens(store_t *s, const char *id, const char *tokens, int64_t now);
gh_status_t sq_gw_user_delete(store_t *s, const char *id);
gh_status_t sq_gw_refresh_rotate(store_t *s, arena_t *a, const char *old_digest, int64_t now,
                                 int64_t grace, const store_gw_refresh_t *next,
                                 const char **user_id);
gh_status_t sq_gw_refresh_delete(store_t *s, const char *digest);

#endif
