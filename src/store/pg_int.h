/* PostgreSQL engine internals shared by pg_conn.c (connections, prepared
 * statements, parameters, results, error mapping, reconnection) and pg.c (the
 * store operations, their SQL and the migrations).
 *
 * Each thread that touches a store gets its own libpq connection, opened
 * lazily; a statement is named by a pg_query_t and prepared once per
 * connection (PQprepare) from PG_SQL, then run with PQexecPrepared. A
 * connection that broke is reset on its thread's next call. Nothing outside
 * these two files sees a libpq type.
 *
 * libpq is not linked: pq_init opens it (core/dynlib.h), and pg_conn.c calls
 * it through the table libpq, libpq.status(c) for PQstatus(c). */
#ifndef GH_STORE_PG_INT_H
#define GH_STORE_PG_INT_H

#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "core/dynlib.h"
#include "store/store_int.h"

/* The libpq functions the engine calls, (prefix, name) for PQname. */
#define LIBPQ_FUNCTIONS(X)                                                                         \
    X(PQ, clear)                                                                                   \
    X(PQ, cmdTuples)                                                                               \
    X(PQ, conninfoFree)                                                                            \
    X(PQ, conninfoParse)                                                                           \
    X(PQ, connectdbParams)                                                                         \
    X(PQ, errorMessage)                                                                            \
    X(PQ, exec)                                                                                    \
    X(PQ, execPrepared)                                                                            \
    X(PQ, finish)                                                                                  \
    X(PQ, freemem)                                                                                 \
    X(PQ, getisnull)                                                                               \
    X(PQ, getlength)                                                                               \
    X(PQ, getvalue)                                                                                \
    X(PQ, ntuples)                                                                                 \
    X(PQ, prepare)                                                                                 \
    X(PQ, reset)                                                                                   \
    X(PQ, resultErrorField)                                                                        \
    X(PQ, resultStatus)                                                                            \
    X(PQ, setNoticeProcessor)                                                                      \
    X(PQ, status)                                                                                  \
    X(PQ, transactionStatus)

typedef struct {
    LIBPQ_FUNCTIONS(DYNLIB_FIELD)
} libpq_t;

/* Filled by pq_init (the first PostgreSQL store of the process opens libpq). */
extern libpq_t libpq;

typedef enum {
    P_MIGRATE_LOCK,
    P_MIGRATION_APPLIED,
    P_MIGRATION_RECORD,
    P_USER_ADD,
    P_USER_GET,
    P_USER_FIND,
    P_USER_LIST,
    P_USER_REMOVE,
    P_USER_SET_PASSWORD,
    P_USER_END_DENY,
    P_USER_END_REFRESH,
    P_USER_END_SESSIONS,
    P_USER_END_CODES,
    P_USER_END_DEVICES,
    P_CLIENT_ADD,
    P_CLIENT_GET,
    P_CLIENT_LIST,
    P_CLIENT_REMOVE,
    P_CONSENT_GET,
    P_CONSENT_PUT,
    P_SESSION_PUT,
    P_SESSION_GET,
    P_SESSION_DELETE,
    P_CODE_PUT,
    P_CODE_TAKE,
    P_CODE_FIND,
    P_REFRESH_PUT,
    P_REFRESH_START,
    P_REFRESH_GET,
    P_REFRESH_ROTATE,
    P_REFRESH_STATE,
    P_REFRESH_REVOKE_FAMILY,
    P_KEY_ADD,
    P_KEY_LIST,
    P_KEY_RETIRE_OTHERS,
    P_KEY_PRUNE,
    P_SETTING_GET,
    P_SETTING_INIT,
    P_PURGE_SESSIONS,
    P_PURGE_CODES,
    P_PURGE_REFRESH,
    P_JTI_REVOKE,
    P_JTI_GET,
    P_PURGE_JTI,
    P_ATTEMPTS_GET,
    P_ATTEMPTS_FAIL,
    P_ATTEMPTS_SUCCEED,
    P_ATTEMPTS_FORGIVE,
    P_PURGE_ATTEMPTS,
    P_DEVICE_PUT,
    P_DEVICE_FIND,
    P_DEVICE_DECIDE,
    P_DEVICE_STATE,
    P_DEVICE_LOCK,
    P_DEVICE_POLLED,
    P_DEVICE_REDEEM,
    P_PURGE_DEVICE,
    P_GW_STATE_PUT,
    P_GW_STATE_TAKE,
    P_GW_STATE_FIND,
    P_GW_USER_LOGIN,
    P_GW_USER_GET,
    P_GW_USER_SET_TOKENS,
    P_GW_USER_DELETE,
    P_GW_REFRESH_ROTATE,
    P_GW_REFRESH_FIND,
    P_GW_REFRESH_DELETE,
    P_GW_REFRESH_DELETE_USER,
    P_GW_PURGE_STATES,
    P_GW_PURGE_REFRESH,
    P_PING,
    P_COUNT
} pg_query_t;

/* The SQL text of each query (defined in pg.c). */
extern const char *const PG_SQL[P_COUNT];

typedef struct {
    store_t base;               /* first: the handle callers hold */
    char *url;                  /* the libpq connection URI (may hold a password: never logged) */
    store_conns_t conns;        /* one connection per thread */
    _Atomic int64_t next_purge; /* earliest `now` at which expired rows are deleted again */
} pg_store_t;

typedef struct pg_conn pg_conn_t;

/* A result in use. After pq_query returns GH_OK it sits on its first row,
 * whose columns the readers of rows.c take through cursor, left to right;
 * pq_next moves on. */
typedef struct {
    store_row_t cursor; /* first: the cursor the readers hold */
    PGresult *res;
    const char *op; /* operation name for the log */
    int row, rows;  /* current row, and how many came back */
} pq_t;

/* Opens libpq (once per process), checks the URI's syntax with it and sets
 * up the per-thread registry; nothing is connected yet. GH_ERR_INVALID for a
 * malformed URI, GH_ERR_UNAVAILABLE when libpq cannot be loaded. */
gh_status_t pq_init(pg_store_t *s, const char *url);

/* Closes every connection. Callers ensure no thread still uses the store. */
void pq_close_all(pg_store_t *s);

/* Runs query id with arguments described by fmt, one letter each: 's' a
 * const char * (NULL passes SQL NULL), 'i' an int64_t. GH_OK when a row came
 * back, GH_ERR_NOT_FOUND when none; the result is held until pq_end. */
gh_status_t pq_query(pg_store_t *s, pg_query_t id, const char *op, pq_t *q, const char *fmt, ...);

/* Moves to the next row: GH_OK, or GH_ERR_NOT_FOUND past the last. */
gh_status_t pq_next(pq_t *q);

/* Releases the result. Safe on a query that never ran. */
void pq_end(pq_t *q);

/* Runs a statement and discards its rows; *changes (may be NULL) gets the
 * number of rows it touched. */
gh_status_t pq_exec(pg_store_t *s, pg_query_t id, const char *op, int *changes, const char *fmt,
                    ...);

/* Runs a lookup and reads its first row with read: GH_OK, GH_ERR_NOT_FOUND
 * when there is none, or an error. */
gh_status_t pq_get(pg_store_t *s, pg_query_t id, const char *op, store_read_fn read, arena_t *a,
                   void *row, const char *fmt, ...);

/* Runs SQL text that takes no parameters (BEGIN, a migration script of
 * several statements, COMMIT) on this thread's connection. */
gh_status_t pq_script(pg_store_t *s, const char *op, const char *sql);

/* The status of a write that must touch a row: GH_ERR_NOT_FOUND when it
 * succeeded (st) but changed nothing, else st. */
gh_status_t pq_exec_one(gh_status_t st, int changes);

/* Deletes expired rows, at most once per minute of `now` in each process;
 * best effort (a failure is logged and the caller goes on). */
void pq_purge(pg_store_t *s, int64_t now);

/* The social-login gateway's operations (pg_gateway.c), with the contracts of
 * store.h. */
gh_status_t pg_gw_state_put(store_t *s, const store_gw_state_t *st);
gh_status_t pg_gw_state_take(store_t *s, arena_t *a, const char *digest, int64_t now,
                             store_gw_state_t *out);
gh_status_t pg_gw_user_login(store_t *s, arena_t *a, const store_gw_user_t *u,
                             const store_gw_refresh_t *r, const char **user_id);
gh_status_t pg_gw_user_get(store_t *s, arena_t *a, const char *id, store_gw_user_t *out);
gh_status_t pg_gw_user_set_tokens(store_t *s, const char *id, const char *tokens, int64_t now);
gh_status_t pg_gw_user_delete(store_t *s, const char *id);
gh_status_t pg_gw_refresh_rotate(store_t *s, arena_t *a, const char *old_digest, int64_t now,
                                 int64_t grace, const store_gw_refresh_t *next,
                                 const char **user_id);
gh_status_t pg_gw_refresh_delete(store_t *s, const char *digest);

#endif
