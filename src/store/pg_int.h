/* PostgreSQL engine internals shared by pg_conn.c (connections, prepared
 * statements, parameters, results, error mapping, reconnection) and pg.c
 * (opening, migrations, the engine's table).
 *
 * Each thread that touches a store gets its own libpq connection, opened
 * lazily; a statement (db.h's store_sql_t) is prepared once per connection
 * (PQprepare) under the name of its slot, then run with PQexecPrepared. A
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
#include "store/cache.h"
#include "store/db.h"

/* The libpq functions the engine calls, (prefix, name) for PQname. */
#define LIBPQ_FUNCTIONS(X)                                                                         \
    X(PQ, backendPID)                                                                              \
    X(PQ, clear)                                                                                   \
    X(PQ, cmdTuples)                                                                               \
    X(PQ, conninfoFree)                                                                            \
    X(PQ, conninfoParse)                                                                           \
    X(PQ, connectdbParams)                                                                         \
    X(PQ, consumeInput)                                                                            \
    X(PQ, errorMessage)                                                                            \
    X(PQ, exec)                                                                                    \
    X(PQ, execPrepared)                                                                            \
    X(PQ, finish)                                                                                  \
    X(PQ, freemem)                                                                                 \
    X(PQ, getisnull)                                                                               \
    X(PQ, getlength)                                                                               \
    X(PQ, getvalue)                                                                                \
    X(PQ, notifies)                                                                                \
    X(PQ, ntuples)                                                                                 \
    X(PQ, prepare)                                                                                 \
    X(PQ, reset)                                                                                   \
    X(PQ, resultErrorField)                                                                        \
    X(PQ, resultStatus)                                                                            \
    X(PQ, setNoticeProcessor)                                                                      \
    X(PQ, socket)                                                                                  \
    X(PQ, status)                                                                                  \
    X(PQ, transactionStatus)

typedef struct {
    LIBPQ_FUNCTIONS(DYNLIB_FIELD)
} libpq_t;

/* Filled by pq_init (the first PostgreSQL store of the process opens libpq). */
extern libpq_t libpq;

typedef struct pg_listener pg_listener_t;

typedef struct {
    store_t base;            /* first: the handle callers hold */
    char *url;               /* the libpq connection URI (may hold a password: never logged) */
    store_conns_t conns;     /* one connection per thread */
    pg_listener_t *listener; /* keeps base.cache exact (pg_listen.c); NULL without one */
} pg_store_t;

typedef struct pg_conn pg_conn_t;

/* The advisory lock under which changes are numbered (migration 023). */
#define PG_CACHE_LOCK_KEY INT64_C(78483890193249)

/* The engine's table (pg.c). */
extern const store_engine_t PG_ENGINE;

/* Opens libpq (once per process), checks the URI's syntax with it and sets
 * up the per-thread registry; nothing is connected yet. GH_ERR_INVALID for a
 * malformed URI, GH_ERR_UNAVAILABLE when libpq cannot be loaded. */
gh_status_t pq_init(pg_store_t *s, const char *url);

/* Closes every connection. Callers ensure no thread still uses the store. */
void pq_close_all(pg_store_t *s);

/* Runs SQL text that takes no parameters (a migration script of several
 * statements) on this thread's connection. */
gh_status_t pq_script(pg_store_t *s, const char *op, const char *sql);

/* The engine's functions of store_engine_t (db.h), with the contracts of
 * the db_* calls: statements prepared once per connection (their `?`
 * placeholders numbered, their parameters typed from the format), a write
 * transaction is BEGIN … COMMIT at READ COMMITTED. */
gh_status_t pq_query(store_t *s, store_sql_t *sql, store_cursor_t *c, const char *fmt, va_list ap);
gh_status_t pq_next(store_cursor_t *c);
int pq_changes(store_cursor_t *c);
void pq_end(store_cursor_t *c);
gh_status_t pq_begin(store_t *s, const char *op);
gh_status_t pq_finish(store_t *s, const char *op, bool commit);

/* This thread's connection: its socket (-1 when it cannot connect), its
 * server process (0 when none), and the notifications that came on it,
 * each payload handed to fn; false when the connection broke. */
int pq_socket(pg_store_t *s);
int pq_backend_pid(pg_store_t *s);
bool pq_notifications(pg_store_t *s, void (*fn)(void *ctx, const char *payload), void *ctx);

/* Starts the thread that keeps cache exact (pg_listen.c); stops it and
 * gives up its lease. */
gh_status_t pq_listen_start(pg_store_t *s, store_cache_t *cache, pg_listener_t **out);
void pq_listen_stop(pg_listener_t *l);

#endif
