/* SQLite engine, connection layer: one connection per thread, prepared
 * statements cached on it, typed binding and reading, transactions, and the
 * mapping of SQLite result codes to gh_status_t.
 *
 * Invariants: a connection is only ever used by the thread whose key holds it
 * (so it is opened with SQLITE_OPEN_NOMUTEX); every statement is reset and its
 * bindings cleared before another use, so no bound pointer outlives a call.
 * Error text from SQLite names tables and constraints, never bound values, so
 * it is safe to log.
 *
 * Another process holding the database locked (docs/durability.md): a write
 * waits up to BUSY_TIMEOUT_MS, then fails as unavailable. Once one has, every
 * connection waits only LOCKED_BUSY_MS until a write gets through again, so
 * requests queued behind the lock fail fast instead of each waiting the
 * whole timeout while the worker threads (and /healthz) wait behind them. */
#include "store/sqlite_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"

#define BUSY_TIMEOUT_MS 5000
#define LOCKED_BUSY_MS 100
#define RETRY_SLEEP_MS 10

/* Per connection. In WAL mode synchronous=NORMAL loses nothing when the
 * process dies (kill -9, a crash): a commit is in the WAL file before it is
 * acknowledged. Only an OS crash or power loss can take back the last commits,
 * which FULL (an fsync per commit, ~1.4 ms on this machine's disk) prevents;
 * docs/durability.md weighs the two. */
static const char PRAGMAS_NORMAL[] = "PRAGMA journal_mode = WAL;"
                                     "PRAGMA synchronous = NORMAL;"
                                     "PRAGMA foreign_keys = ON;";
static const char PRAGMAS_FULL[] = "PRAGMA journal_mode = WAL;"
                                   "PRAGMA synchronous = FULL;"
                                   "PRAGMA foreign_keys = ON;";

struct conn {
    store_conn_t link; /* first: the per-thread registry's part */
    sqlite3 *db;
    sqlite_store_t *store;
    int busy_ms;                        /* the busy timeout set on db */
    sqlite3_stmt *stmts[STORE_MAX_SQL]; /* by store_sql_slot() - 1 */
    bool in_write; /* inside sq_begin … sq_finish: holds the store's write_lock */
};

static void log_sqlite(log_level_t lvl, sqlite3 *db, int rc, const char *op)
{
    char code[16];
    snprintf(code, sizeof code, LOG_NUM "%d", rc);
    log_event(lvl, "store", "engine", "sqlite", "op", op, "code", code, "error",
              db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), NULL);
}

/* Constraint failures are the caller's mistake or a race, not an engine error. */
static gh_status_t constraint_status(int rc)
{
    switch (rc) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
        return GH_ERR_CONFLICT;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return GH_ERR_NOT_FOUND;
    default:
        return GH_ERR_INVALID;
    }
}

static gh_status_t status_of(sqlite3 *db, int rc, const char *op)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return GH_OK;
    case SQLITE_CONSTRAINT:
        return constraint_status(rc);
    case SQLITE_NOMEM:
        return GH_ERR_NOMEM;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
        log_sqlite(LOG_ERROR, db, rc, op);
        return GH_ERR_UNAVAILABLE;
    default:
        log_sqlite(LOG_ERROR, db, rc, op);
        return GH_ERR_INTERNAL;
    }
}

static void conn_free(store_conn_t *link)
{
    conn_t *c = (conn_t *)link;
    if (!c)
        return;
    for (int i = 0; i < STORE_MAX_SQL; i++)
        sqlite3_finalize(c->stmts[i]);
    sqlite3_close(c->db);
    free(c);
}

/* Applies the pragmas. Switching a fresh database to WAL takes an exclusive lock
 * and SQLite may answer SQLITE_BUSY at once, without its busy handler, while
 * another process does the same; so that step is retried up to the timeout. */
static int configure(sqlite3 *db, bool sync_full)
{
    const char *pragmas = sync_full ? PRAGMAS_FULL : PRAGMAS_NORMAL;
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    int rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    for (int waited = 0; (rc & 0xff) == SQLITE_BUSY && waited < BUSY_TIMEOUT_MS;
         waited += RETRY_SLEEP_MS) {
        sqlite3_sleep(RETRY_SLEEP_MS);
        rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    }
    return rc;
}

static gh_status_t conn_open(sqlite_store_t *s, conn_t **out)
{
    conn_t *c = calloc(1, sizeof *c);
    if (!c)
        return GH_ERR_NOMEM;
    int rc = sqlite3_open_v2(
        s->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK)
        rc = configure(c->db, s->sync_full);
    c->store = s;
    c->busy_ms = BUSY_TIMEOUT_MS;
    if (rc != SQLITE_OK) {
        log_sqlite(LOG_ERROR, c->db, rc, "connect");
        conn_free(&c->link);
        return rc == SQLITE_NOMEM ? GH_ERR_NOMEM : GH_ERR_UNAVAILABLE;
    }
    *out = c;
    return GH_OK;
}

/* This thread's connection, opened on first use. */
static gh_status_t conn_get(sqlite_store_t *s, conn_t **out)
{
    conn_t *c = (conn_t *)store_conns_current(&s->conns);
    gh_status_t st = GH_OK;
    if (!c) {
        st = conn_open(s, &c);
        if (st == GH_OK)
            st = store_conns_adopt(&s->conns, &c->link);
    }
    if (st == GH_OK)
        *out = c;
    return st;
}

/* SQLite keeps allocation statistics under one process-wide mutex taken on
 * every sqlite3_malloc and sqlite3_free; the workers' reads contended on it
 * (docs/performance.md). Nothing here reads those statistics. */
static void configure_library(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

gh_status_t sq_init(sqlite_store_t *s)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_library);
    if (pthread_mutex_init(&s->write_lock, NULL) != 0)
        return GH_ERR_INTERNAL;
    return store_conns_init(&s->conns, conn_free);
}

void sq_close_all(sqlite_store_t *s)
{
    store_conns_close_all(&s->conns);
    pthread_mutex_destroy(&s->write_lock);
}

/* The engine's statements of its own. */
static store_sql_t SQL_BEGIN = STORE_SQL("BEGIN IMMEDIATE");
static store_sql_t SQL_READ_BEGIN = STORE_SQL("BEGIN");
static store_sql_t SQL_COMMIT = STORE_SQL("COMMIT");
static store_sql_t SQL_ROLLBACK = STORE_SQL("ROLLBACK");

/* A statement in use: the cursor's engine part (store_cursor_t.engine). */
typedef struct {
    const store_engine_t *engine; /* first: db_next and db_end dispatch on it */
    conn_t *conn;
    sqlite3_stmt *st;
    bool locked; /* holds the store's write_lock for this one statement */
} sq_t;

_Static_assert(sizeof(sq_t) <= sizeof(((store_cursor_t *)0)->engine), "sq_t fits a cursor");

static sq_t *sq_of(store_cursor_t *c)
{
    return (sq_t *)c->engine;
}

static gh_status_t bind_args(store_cursor_t *c, const char *fmt, va_list ap)
{
    sq_t *q = sq_of(c);
    int rc = SQLITE_OK;
    for (int i = 0; fmt[i] && rc == SQLITE_OK; i++) {
        assert(fmt[i] == 's' || fmt[i] == 'i');
        if (fmt[i] == 's')
            rc = sqlite3_bind_text(q->st, i + 1, va_arg(ap, const char *), -1, SQLITE_STATIC);
        else
            rc = sqlite3_bind_int64(q->st, i + 1, va_arg(ap, int64_t));
    }
    return status_of(q->conn->db, rc, c->op);
}

/* The busy timeout for the next statement: short while the database is known
 * to be locked by someone else. */
static void set_busy_timeout(conn_t *c)
{
    int ms = atomic_load(&c->store->locked) ? LOCKED_BUSY_MS : BUSY_TIMEOUT_MS;
    if (ms != c->busy_ms)
        sqlite3_busy_timeout(c->db, ms);
    c->busy_ms = ms;
}

/* Notes whether a write found the database locked (SQLITE_BUSY after the
 * busy timeout) or got through (a writing statement, or one inside a write
 * transaction, succeeded). */
static void note_lock(conn_t *c, sqlite3_stmt *st, int rc)
{
    bool ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
    if ((rc & 0xff) == SQLITE_BUSY)
        atomic_store(&c->store->locked, true);
    else if (ok &&
             (!sqlite3_stmt_readonly(st) || sqlite3_txn_state(c->db, NULL) == SQLITE_TXN_WRITE))
        if (atomic_load(&c->store->locked))
            atomic_store(&c->store->locked, false);
}

/* The cursor's column getters (store_int.h), over the current row of the
 * statement of the cursor that starts with r. */
static char *row_text(store_row_t *r, arena_t *a)
{
    sq_t *q = sq_of((store_cursor_t *)r);
    int i = r->col++;
    const unsigned char *t = sqlite3_column_text(q->st, i);
    if (!t)
        return NULL;
    char *copy = arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(q->st, i));
    if (!copy)
        r->oom = true;
    return copy;
}

static int64_t row_int(store_row_t *r)
{
    sq_t *q = sq_of((store_cursor_t *)r);
    return sqlite3_column_int64(q->st, r->col++);
}

static const store_row_ops_t ROW_OPS = {.text = row_text, .integer = row_int};

/* Gets the connection, the cached statement for sql, and binds the arguments. */
static gh_status_t start(sqlite_store_t *s, store_sql_t *sql, store_cursor_t *c, const char *fmt,
                         va_list ap)
{
    sq_t *q = sq_of(c);
    c->row.ops = &ROW_OPS;
    q->engine = &SQLITE_ENGINE;
    gh_status_t st = conn_get(s, &q->conn);
    if (st != GH_OK)
        return st;
    set_busy_timeout(q->conn);
    sqlite3_stmt **slot = &q->conn->stmts[store_sql_slot(sql) - 1];
    if (!*slot) {
        int rc = sqlite3_prepare_v3(q->conn->db, store_sql_text(sql, false), -1,
                                    SQLITE_PREPARE_PERSISTENT, slot, NULL);
        if (rc != SQLITE_OK)
            return status_of(q->conn->db, rc, c->op);
    }
    q->st = *slot;
    st = bind_args(c, fmt, ap);
    /* a write outside a transaction takes its turn like a transaction does
     * (BEGIN IMMEDIATE counts as a write: sq_begin holds the lock for it) */
    if (st == GH_OK && sql != &SQL_BEGIN && !sqlite3_stmt_readonly(q->st) &&
        sqlite3_get_autocommit(q->conn->db)) {
        pthread_mutex_lock(&s->write_lock);
        q->locked = true;
    }
    return st;
}

/* Steps once; *row tells whether a row came back. */
static gh_status_t step(store_cursor_t *c, bool *row)
{
    sq_t *q = sq_of(c);
    int rc = sqlite3_step(q->st);
    note_lock(q->conn, q->st, rc);
    c->row.col = 0;
    *row = rc == SQLITE_ROW;
    return status_of(q->conn->db, rc, c->op);
}

/* Steps to the next row: GH_OK, GH_ERR_NOT_FOUND past the last, or an error. */
gh_status_t sq_next(store_cursor_t *c)
{
    bool row = false;
    gh_status_t st = step(c, &row);
    return st == GH_OK && !row ? GH_ERR_NOT_FOUND : st;
}

gh_status_t sq_query(store_t *base, store_sql_t *sql, store_cursor_t *c, const char *fmt,
                     va_list ap)
{
    gh_status_t st = start((sqlite_store_t *)base, sql, c, fmt, ap);
    return st == GH_OK ? step(c, &c->has_row) : st;
}

int sq_changes(store_cursor_t *c)
{
    return sqlite3_changes(sq_of(c)->conn->db);
}

void sq_end(store_cursor_t *c)
{
    sq_t *q = sq_of(c);
    if (q->st) {
        sqlite3_reset(q->st);
        sqlite3_clear_bindings(q->st);
        q->st = NULL;
    }
    if (q->locked) {
        q->locked = false;
        pthread_mutex_unlock(&q->conn->store->write_lock);
    }
}

/* Runs one of the engine's own statements (no arguments, no rows). */
static gh_status_t run(sqlite_store_t *s, store_sql_t *sql, const char *op)
{
    return db_exec(&s->base, sql, op, "");
}

gh_status_t sq_connection(sqlite_store_t *s, sqlite3 **db)
{
    conn_t *c = NULL;
    gh_status_t st = conn_get(s, &c);
    if (st == GH_OK)
        *db = c->db;
    return st;
}

gh_status_t sq_script(sqlite_store_t *s, const char *op, const char *sql)
{
    conn_t *c = NULL;
    gh_status_t st = conn_get(s, &c);
    if (st != GH_OK)
        return st;
    return status_of(c->db, sqlite3_exec(c->db, sql, NULL, NULL, NULL), op);
}

gh_status_t sq_begin(store_t *base, const char *op)
{
    sqlite_store_t *s = (sqlite_store_t *)base;
    conn_t *c = NULL;
    gh_status_t st = conn_get(s, &c);
    if (st != GH_OK)
        return st;
    pthread_mutex_lock(&s->write_lock);
    st = run(s, &SQL_BEGIN, op);
    if (st == GH_OK)
        c->in_write = true;
    else
        pthread_mutex_unlock(&s->write_lock);
    return st;
}

void sq_read_begin(store_t *base)
{
    run((sqlite_store_t *)base, &SQL_READ_BEGIN, "read_begin");
}

void sq_read_end(store_t *base)
{
    sqlite_store_t *s = (sqlite_store_t *)base;
    conn_t *c = NULL;
    if (conn_get(s, &c) == GH_OK && !sqlite3_get_autocommit(c->db))
        run(s, &SQL_COMMIT, "read_end");
}

gh_status_t sq_finish(store_t *base, const char *op, bool commit)
{
    sqlite_store_t *s = (sqlite_store_t *)base;
    conn_t *c = NULL;
    if (conn_get(s, &c) != GH_OK)
        return GH_ERR_INTERNAL;
    gh_status_t st = commit ? run(s, &SQL_COMMIT, op) : GH_OK;
    if (!(commit && st == GH_OK) && !sqlite3_get_autocommit(c->db))
        run(s, &SQL_ROLLBACK, op);
    if (c->in_write) {
        c->in_write = false;
        pthread_mutex_unlock(&s->write_lock);
    }
    return st;
}
