/* PostgreSQL engine: opening a database, its migrations, and the engine's
 * table (db.h); connections, statements and reconnection are pg_conn.c's.
 *
 * Any number of Gatehouse processes share one database, each with one
 * connection per worker thread. Statements run at PostgreSQL's default READ
 * COMMITTED isolation; that is enough because every single-use operation is
 * an atomic statement whose WHERE clause demands the unused state (the
 * stores per feature say how each is done), and a concurrent caller blocks on
 * the row lock, then re-checks the WHERE clause against the committed row.
 * SERIALIZABLE with retries would also be correct, but would make callers
 * retry where a row lock simply queues them. Migrations run in one
 * transaction under a transaction-scoped advisory lock, so several instances
 * starting together on a fresh database apply each migration once. */
#include "store/pg_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define SCHEMA_DIR "pg/"
#define MIGRATE_LOCK_KEY INT64_C(0x476174656855) /* "GatehU": any constant all instances share */

static store_sql_t SQL_MIGRATE_LOCK = STORE_SQL("SELECT pg_advisory_xact_lock(?)");
static store_sql_t SQL_MIGRATION_APPLIED =
    STORE_SQL("SELECT version FROM schema_migrations WHERE version = ?");
static store_sql_t SQL_MIGRATION_RECORD =
    STORE_SQL("INSERT INTO schema_migrations (version) VALUES (?)");

/* ---- read snapshots: every statement is its own (store.h) ---- */

static void read_alone(store_t *base)
{
    (void)base;
}

static gh_status_t migrate_one(void *ctx, long version, const char *path, const char *sql)
{
    pg_store_t *s = ctx;
    (void)path;
    store_cursor_t c;
    gh_status_t st =
        db_query(&s->base, &SQL_MIGRATION_APPLIED, "migrate", &c, "i", (int64_t)version);
    db_end(&c);
    if (st != GH_ERR_NOT_FOUND)
        return st; /* GH_OK: applied before */
    st = pq_script(s, "migrate", sql);
    if (st == GH_OK)
        st = db_exec(&s->base, &SQL_MIGRATION_RECORD, "migrate", "i", (int64_t)version);
    return st;
}

/* Applies every pending migration in one transaction, holding an advisory
 * lock that every instance takes first, so one instance migrates and the
 * others then find the work done. DDL is transactional in PostgreSQL: a
 * failed migration leaves nothing behind. */
static gh_status_t pg_migrate(store_t *base)
{
    pg_store_t *s = (pg_store_t *)base;
    gh_status_t st = pq_script(s, "migrate", "BEGIN; SET LOCAL statement_timeout = '60s'");
    if (st != GH_OK)
        return st;
    st = db_exec(&s->base, &SQL_MIGRATE_LOCK, "migrate", "i", MIGRATE_LOCK_KEY);
    if (st == GH_OK)
        st = pq_script(s, "migrate",
                       "CREATE TABLE IF NOT EXISTS schema_migrations "
                       "(version INTEGER PRIMARY KEY)");
    if (st == GH_OK)
        st = store_migrations_each(SCHEMA_DIR, migrate_one, s);
    gh_status_t end = pq_script(s, "migrate", st == GH_OK ? "COMMIT" : "ROLLBACK");
    return st == GH_OK ? end : st;
}

static gh_status_t pg_cache_start(store_t *base)
{
    pg_store_t *s = (pg_store_t *)base;
    if (s->listener)
        return GH_OK;
    store_cache_t *cache = cache_new();
    gh_status_t st = cache ? pq_listen_start(s, cache, &s->listener) : GH_ERR_NOMEM;
    if (st != GH_OK)
        cache_free(cache);
    else
        s->base.cache = cache;
    return st;
}

static void pg_close(store_t *base)
{
    pg_store_t *s = (pg_store_t *)base;
    pq_listen_stop(s->listener);
    cache_free(s->base.cache);
    pq_close_all(s);
    free(s->url);
    free(s);
}

/* PostgreSQL databases are made by their administrator: create has no effect. */
gh_status_t store_pg_open(const char *url, bool create, store_t **out)
{
    pg_store_t *s = calloc(1, sizeof *s);
    gh_status_t st = GH_ERR_NOMEM;
    (void)create;
    if (!s || !(s->url = strdup(url))) {
        free(s);
        return st;
    }
    s->base.engine = &PG_ENGINE;
    st = pq_init(s, url);
    if (st != GH_OK) {
        free(s->url);
        free(s);
        return st;
    }
    *out = &s->base;
    return GH_OK;
}

const store_engine_t PG_ENGINE = {
    .name = "postgresql",
    .dialect = {.writable_cte = true},
    .query = pq_query,
    .next = pq_next,
    .changes = pq_changes,
    .end = pq_end,
    .begin = pq_begin,
    .finish = pq_finish,
    .read_begin = read_alone,
    .read_end = read_alone,
    .close = pg_close,
    .schema_dir = SCHEMA_DIR,
    .migrate = pg_migrate,
    .backup = NULL, /* pg_dump (docs/operations.md) */
    .cache_start = pg_cache_start,
};
