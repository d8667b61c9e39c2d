/* The statement layer between the feature stores and the engines.
 *
 * A feature store (users.c, clients.c, grants.c, …) writes each of its
 * statements once, as a store_sql_t in portable SQL with `?` placeholders,
 * and runs it with the db_* calls below; the engine (sqlite_conn.c,
 * pg_conn.c) prepares it once per connection, binds the arguments and hands
 * the rows back through the store_row_t cursor that rows.c's readers take.
 * The engine layer knows no feature's records, and a feature knows no
 * engine: where the two SQL dialects truly differ, the difference is data
 * (store_sql_t.pg, store_dialect_t).
 *
 * Arguments are described by a format string, one letter each: 's' a
 * const char * (NULL passes SQL NULL), 'i' an int64_t. */
#ifndef GH_STORE_DB_H
#define GH_STORE_DB_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "store/store_int.h"

/* The most statements a process prepares (every feature's together). */
#define STORE_MAX_SQL 160

typedef struct {
    const char *text; /* portable SQL: `?` or `?N` placeholders */
    const char *pg;   /* PostgreSQL's own text where its dialect differs, else NULL */
    _Atomic int slot; /* 1 + its index in each connection's statement cache; 0 until first use */
} store_sql_t;

#define STORE_SQL(t)                                                                               \
    {                                                                                              \
        .text = (t)                                                                                \
    }
/* A statement whose PostgreSQL text differs (FOR UPDATE, data-modifying WITH). */
#define STORE_SQL2(t, p)                                                                           \
    {                                                                                              \
        .text = (t), .pg = (p)                                                                     \
    }

/* UPDATE table SET set WHERE where, that on PostgreSQL first locks the rows
 * in the order of key (a unique column) with FOR UPDATE in a subquery: two
 * such statements meeting on some of the same rows, each reading the table
 * its own way (an index, the table's order), then wait for one another
 * instead of deadlocking. For updates of many rows that run concurrently. */
#define STORE_SQL_UPDATE_ORDERED(table, set, key, where)                                           \
    STORE_SQL2("UPDATE " table " SET " set " WHERE " where,                                        \
               "UPDATE " table " SET " set " WHERE " key " IN (SELECT " key " FROM " table         \
               " WHERE " where " ORDER BY " key " FOR UPDATE)")

/* A common table expression that makes the statement's commit return
 * before the write-ahead log reaches the disk (PostgreSQL; local to its
 * transaction), for writes whose loss in a crash fails closed
 * (docs/durability.md): "WITH " STORE_PG_UNFLUSHED " INSERT … FROM …,
 * relaxed". A CTE nothing reads is not run, so the statement must read it. */
#define STORE_PG_UNFLUSHED "relaxed AS (SELECT set_config('synchronous_commit', 'off', true))"

/* What an engine's SQL can do beyond the portable part. */
typedef struct {
    /* PostgreSQL: data-modifying statements in WITH, so an operation that
     * marks a row used and inserts its successor is one statement (one
     * round trip); SQLite runs the two in a write transaction instead. */
    bool writable_cte;
} store_dialect_t;

/* A statement in use: the cursor the row readers hold, then the engine's
 * own state (an sqlite3_stmt, a PGresult and its row). */
typedef struct {
    store_row_t row;
    const char *op; /* the operation's name, for the log */
    bool has_row;   /* set by the engine's query: the statement gave a first row */
    void *engine[6];
} store_cursor_t;

/* An engine: what truly differs between SQLite and PostgreSQL. Every
 * function has the contract of the db_* call of the same name, but query:
 * GH_OK when the statement ran (c->has_row saying whether a row came back),
 * else its error (a constraint's NOT_FOUND or CONFLICT included). */
typedef struct store_engine {
    const char *name; /* what store_engine() returns */
    store_dialect_t dialect;
    gh_status_t (*query)(store_t *s, store_sql_t *sql, store_cursor_t *c, const char *fmt,
                         va_list ap);
    gh_status_t (*next)(store_cursor_t *c);
    int (*changes)(store_cursor_t *c);
    void (*end)(store_cursor_t *c);
    gh_status_t (*begin)(store_t *s, const char *op);
    gh_status_t (*finish)(store_t *s, const char *op, bool commit);
    void (*read_begin)(store_t *s);
    void (*read_end)(store_t *s);
    void (*close)(store_t *s);
    /* The engine's directory of migrations in SCHEMA_FILES ("sqlite/"). */
    const char *schema_dir;
    /* Applies the pending migrations (store_migrate). */
    gh_status_t (*migrate)(store_t *s);
    /* store_backup; NULL where the engine has its own tools. */
    gh_status_t (*backup)(store_t *s, const char *path);
    /* store_cache_start; NULL where reading the database is as cheap. */
    gh_status_t (*cache_start)(store_t *s);
} store_engine_t;

/* The slot of sql, assigned on its first use (engines index their caches
 * with slot - 1). */
int store_sql_slot(store_sql_t *sql);

/* The text an engine prepares for sql: its own where it has one. */
const char *store_sql_text(const store_sql_t *sql, bool pg);

/* Rewrites `?` and `?N` placeholders as PostgreSQL's `$N` into out (len
 * bytes); false when it does not fit. Quoted text is left alone. */
bool store_sql_numbered(const char *sql, char *out, size_t len);

/* ---- running statements ---- */

/* The engine's dialect. */
const store_dialect_t *db_dialect(const store_t *s);

/* Runs sql and leaves the cursor on its first row: GH_OK when a row came
 * back, GH_ERR_NOT_FOUND when none; either way db_end must follow. */
gh_status_t db_query(store_t *s, store_sql_t *sql, const char *op, store_cursor_t *c,
                     const char *fmt, ...);

/* Moves to the next row: GH_OK, or GH_ERR_NOT_FOUND past the last. */
gh_status_t db_next(store_cursor_t *c);

/* Releases the statement. Safe on a cursor whose query never ran. */
void db_end(store_cursor_t *c);

/* Runs a statement to its end, discarding rows. */
gh_status_t db_exec(store_t *s, store_sql_t *sql, const char *op, const char *fmt, ...);

/* As db_exec, for a write that must touch a row: GH_ERR_NOT_FOUND when none. */
gh_status_t db_exec_one(store_t *s, store_sql_t *sql, const char *op, const char *fmt, ...);

/* As db_exec; *changes gets the number of rows the statement touched. */
gh_status_t db_exec_count(store_t *s, store_sql_t *sql, const char *op, int *changes,
                          const char *fmt, ...);

/* Runs a lookup and reads its first row with read into *row: GH_OK,
 * GH_ERR_NOT_FOUND when there is none, or an error. */
gh_status_t db_get(store_t *s, store_sql_t *sql, const char *op, store_read_fn read, arena_t *a,
                   void *row, const char *fmt, ...);

/* Runs a query and reads every row with read into an arena array of
 * elements of `size` bytes; *out is NULL when there are none. */
gh_status_t db_list(store_t *s, store_sql_t *sql, const char *op, store_read_fn read, arena_t *a,
                    size_t size, void **out, size_t *count, const char *fmt, ...);

/* A write transaction: the statements until db_finish see and change the
 * database as one (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN at READ
 * COMMITTED, the statements' WHERE clauses and row locks deciding races). */
gh_status_t db_begin(store_t *s, const char *op);

/* Commits (commit true) or rolls back. A failed commit is rolled back and
 * its status returned; a rollback always returns GH_OK. */
gh_status_t db_finish(store_t *s, const char *op, bool commit);

#endif
