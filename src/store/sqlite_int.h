/* SQLite engine internals shared by sqlite_conn.c (connections, the statement
 * cache, binding, reading, transactions, error mapping) and sqlite.c
 * (opening, migrations, the engine's table).
 *
 * Each thread that touches a store gets its own connection, opened lazily and
 * closed when the thread exits or the store closes. Statements (db.h's
 * store_sql_t) are prepared once per connection, in the slot the statement
 * was given, and reset after use. Nothing outside these two files sees a
 * sqlite3 type. */
#ifndef GH_STORE_SQLITE_INT_H
#define GH_STORE_SQLITE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "store/db.h"

typedef struct conn conn_t;

typedef struct {
    store_t base;        /* first: the handle callers hold */
    char *path;          /* database file */
    bool sync_full;      /* synchronous=FULL (URL option), else NORMAL */
    store_conns_t conns; /* one connection per thread */
    /* Writers of this process take turns here rather than in SQLite's busy
     * handler, whose sleep-and-retry gives waits of up to 100 ms per round
     * under contention; other processes still meet the busy timeout. */
    pthread_mutex_t write_lock;
    atomic_bool locked; /* the last write found the database locked past the busy timeout */
} sqlite_store_t;

/* The engine's table (sqlite.c). */
extern const store_engine_t SQLITE_ENGINE;

/* Sets up the per-thread key and the lock; nothing is opened yet. */
gh_status_t sq_init(sqlite_store_t *s);

/* Closes every connection and drops the key. Callers ensure no thread is
 * still using the store. */
void sq_close_all(sqlite_store_t *s);

/* This thread's connection (opened on first use), for sqlite_backup.c. */
gh_status_t sq_connection(sqlite_store_t *s, sqlite3 **db);

/* store_backup (sqlite_backup.c). */
gh_status_t sq_backup(store_t *s, const char *path);

/* Runs a script of several statements (a migration) on this thread's connection. */
gh_status_t sq_script(sqlite_store_t *s, const char *op, const char *sql);

/* The engine's functions of store_engine_t (db.h), with the contracts of
 * the db_* calls. BEGIN IMMEDIATE takes the write lock at once, waiting up
 * to the busy timeout; a read transaction is a deferred BEGIN. */
gh_status_t sq_query(store_t *s, store_sql_t *sql, store_cursor_t *c, const char *fmt, va_list ap);
gh_status_t sq_next(store_cursor_t *c);
int sq_changes(store_cursor_t *c);
void sq_end(store_cursor_t *c);
gh_status_t sq_begin(store_t *s, const char *op);
gh_status_t sq_finish(store_t *s, const char *op, bool commit);
void sq_read_begin(store_t *s);
void sq_read_end(store_t *s);

#endif
