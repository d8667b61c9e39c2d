/* SQLite engine: opening a database file, its migrations, and the engine's
 * table (db.h); connections, statements and transactions are sqlite_conn.c's.
 *
 * The database is one file (WAL journal) shared by every thread through
 * per-thread connections. A write transaction is BEGIN IMMEDIATE, and the
 * writers of one process take turns on a mutex (sqlite_int.h), so of two
 * concurrent single-use operations exactly one sees the record unused.
 * Removing a user or a client cascades through foreign keys. */
#include "store/sqlite_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

#define SCHEME "sqlite:"
#define SCHEMA_DIR "sqlite/"

static store_sql_t SQL_MIGRATION_APPLIED =
    STORE_SQL("SELECT version FROM schema_migrations WHERE version = ?");
static store_sql_t SQL_MIGRATION_RECORD =
    STORE_SQL("INSERT INTO schema_migrations (version) VALUES (?)");

/* mkdir -p of the directory holding path. */
static gh_status_t make_parent_dirs(const char *path)
{
    char *dir = strdup(path);
    gh_status_t st = dir ? GH_OK : GH_ERR_NOMEM;
    for (char *p = dir ? strchr(dir + 1, '/') : NULL; p && st == GH_OK; p = strchr(p + 1, '/')) {
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            log_event(LOG_ERROR, "store", "op", "open", "path", dir, "error", strerror(errno),
                      NULL);
            st = GH_ERR_UNAVAILABLE;
        }
        *p = '/';
    }
    free(dir);
    return st;
}

/* Creates the file readable by its owner only; SQLite gives its -wal and -shm
 * files the same mode. */
static gh_status_t create_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_event(LOG_ERROR, "store", "op", "open", "path", path, "error", strerror(errno), NULL);
        return GH_ERR_UNAVAILABLE;
    }
    close(fd);
    return GH_OK;
}

/* Applies one migration unless recorded; the check runs under the write lock,
 * so processes opening a fresh database together apply it once. */
static gh_status_t migrate_one(void *ctx, long version, const char *path, const char *sql)
{
    sqlite_store_t *s = ctx;
    (void)path;
    store_cursor_t c;
    gh_status_t st = db_begin(&s->base, "migrate");
    if (st != GH_OK)
        return st;
    st = db_query(&s->base, &SQL_MIGRATION_APPLIED, "migrate", &c, "i", (int64_t)version);
    db_end(&c);
    if (st == GH_ERR_NOT_FOUND) {
        st = sq_script(s, "migrate", sql);
        if (st == GH_OK)
            st = db_exec(&s->base, &SQL_MIGRATION_RECORD, "migrate", "i", (int64_t)version);
    }
    return db_finish(&s->base, "migrate", st == GH_OK);
}

static gh_status_t sqlite_migrate(store_t *base)
{
    sqlite_store_t *s = (sqlite_store_t *)base;
    gh_status_t st = sq_script(s, "migrate",
                               "CREATE TABLE IF NOT EXISTS schema_migrations "
                               "(version INTEGER PRIMARY KEY)");
    return st == GH_OK ? store_migrations_each(SCHEMA_DIR, migrate_one, s) : st;
}

static void sqlite_close(store_t *base)
{
    sqlite_store_t *s = (sqlite_store_t *)base;
    sq_close_all(s);
    free(s->path);
    free(s);
}

/* A handle with no connection yet. */
static gh_status_t sqlite_new(const char *path, sqlite_store_t **out)
{
    sqlite_store_t *s = calloc(1, sizeof *s);
    gh_status_t st = GH_ERR_NOMEM;
    if (!s || !(s->path = strdup(path)))
        goto out;
    st = sq_init(s);
    if (st != GH_OK)
        goto out;
    s->base.engine = &SQLITE_ENGINE;
    *out = s;
    s = NULL;
out:
    if (s)
        free(s->path);
    free(s);
    return st;
}

/* Splits "PATH[?synchronous=normal|full]" into a new path string and the
 * option; NULL (with the reason logged) when the option is not one of those. */
static char *parse_url(const char *rest, bool *sync_full)
{
    const char *q = strchr(rest, '?');
    *sync_full = false;
    if (q && !strcmp(q + 1, "synchronous=full"))
        *sync_full = true;
    else if (q && strcmp(q + 1, "synchronous=normal") != 0) {
        log_event(LOG_ERROR, "store", "op", "open", "error",
                  "sqlite: the only option is ?synchronous=normal|full", NULL);
        return NULL;
    }
    return strndup(rest, q ? (size_t)(q - rest) : strlen(rest));
}

/* The file at path, created with its directories when create allows;
 * GH_ERR_NOT_FOUND (nothing logged) when it does not exist and may not be. */
static gh_status_t ensure_file(const char *path, bool create)
{
    struct stat sb;
    if (stat(path, &sb) == 0)
        return GH_OK;
    if (!create && errno == ENOENT)
        return GH_ERR_NOT_FOUND;
    gh_status_t st = make_parent_dirs(path);
    return st == GH_OK ? create_file(path) : st;
}

gh_status_t store_sqlite_open(const char *url, bool create, store_t **out)
{
    bool sync_full = false;
    char *path = parse_url(url + strlen(SCHEME), &sync_full);
    sqlite_store_t *s = NULL;
    gh_status_t st = GH_ERR_INVALID;
    if (!path)
        goto out;
    if (!*path) {
        log_event(LOG_ERROR, "store", "op", "open", "error", "sqlite: needs a file path", NULL);
        goto out;
    }
    st = ensure_file(path, create);
    if (st == GH_OK)
        st = sqlite_new(path, &s);
    if (st == GH_OK) {
        s->sync_full = sync_full;
        *out = &s->base;
        s = NULL;
    }
out:
    free(path);
    if (s)
        sqlite_close(&s->base);
    return st;
}

const store_engine_t SQLITE_ENGINE = {
    .name = "sqlite",
    .dialect = {.writable_cte = false},
    .query = sq_query,
    .next = sq_next,
    .changes = sq_changes,
    .end = sq_end,
    .begin = sq_begin,
    .finish = sq_finish,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .close = sqlite_close,
    .schema_dir = SCHEMA_DIR,
    .migrate = sqlite_migrate,
    .backup = sq_backup,
};
