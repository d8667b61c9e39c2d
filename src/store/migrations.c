/* Migrations, shared by the engines: the schema is one numbered series of SQL
 * files in src/store/schema, embedded in the binary (core/assets.h). A
 * migration whose DDL both engines read the same way is one file in common/;
 * one whose DDL must differ has a file of the same number in each engine's
 * directory (sqlite/, pg/). A number is never in both. The engine decides how one is applied (once,
 * and recorded in schema_migrations, under its own lock); this file walks the
 * files and tells which of them a database has. */
#include "store/db.h"

#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/log.h"

/* Whether schema_migrations exists yet: a database no migration touched has none. */
static store_sql_t SQL_HAS_TABLE = STORE_SQL2(
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
    "SELECT count(*) FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_name = 'schema_migrations'");
static store_sql_t SQL_APPLIED =
    STORE_SQL("SELECT version FROM schema_migrations ORDER BY version");

/* The number a migration's file name starts with ("pg/001_init.sql" → 1), or 0. */
static long migration_version(const char *path, size_t dir_len)
{
    char *end = NULL;
    long v = strtol(path + dir_len, &end, 10);
    return end && *end == '_' && v > 0 ? v : 0;
}

#define COMMON_DIR "common/" /* migrations whose DDL both engines read the same way */

/* The migration of number version in dir, or NULL. */
static const asset_t *find(const char *dir, long version)
{
    size_t dir_len = strlen(dir);
    for (const asset_t *f = SCHEMA_FILES; f->path; f++)
        if (!strncmp(f->path, dir, dir_len) && migration_version(f->path, dir_len) == version)
            return f;
    return NULL;
}

/* A file of dir whose name does not start with its number; NULL when none. */
static const char *misnamed(const char *dir)
{
    size_t dir_len = strlen(dir);
    for (const asset_t *f = SCHEMA_FILES; f->path; f++)
        if (!strncmp(f->path, dir, dir_len) && migration_version(f->path, dir_len) == 0)
            return f->path;
    return NULL;
}

/* The largest number in dir. */
static long last_version(const char *dir)
{
    size_t dir_len = strlen(dir);
    long last = 0;
    for (const asset_t *f = SCHEMA_FILES; f->path; f++)
        if (!strncmp(f->path, dir, dir_len) && migration_version(f->path, dir_len) > last)
            last = migration_version(f->path, dir_len);
    return last;
}

/* One numbered series made of two directories: the engine's own and
 * common/; a number in both is a mistake the build lets through and this
 * refuses. */
gh_status_t store_migrations_each(const char *dir, store_migration_fn apply, void *ctx)
{
    const char *bad = misnamed(dir) ? misnamed(dir) : misnamed(COMMON_DIR);
    if (bad) {
        log_event(LOG_ERROR, "store", "op", "migrate", "path", bad, "error",
                  "migration file names start with their number: NNN_name.sql", NULL);
        return GH_ERR_INTERNAL;
    }
    long last =
        last_version(dir) > last_version(COMMON_DIR) ? last_version(dir) : last_version(COMMON_DIR);
    gh_status_t st = GH_OK;
    for (long v = 1; v <= last && st == GH_OK; v++) {
        const asset_t *own = find(dir, v), *common = find(COMMON_DIR, v);
        if (own && common) {
            log_event(LOG_ERROR, "store", "op", "migrate", "path", own->path, "error",
                      "a migration number is both the engine's and common/'s", NULL);
            return GH_ERR_INTERNAL;
        }
        if (own || common)
            st = apply(ctx, v, (own ? own : common)->path, (own ? own : common)->data);
    }
    return st;
}

const char *store_migration_name(const char *path, arena_t *a)
{
    const char *base = strrchr(path, '/');
    const char *name = strchr(base ? base : path, '_');
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!name)
        return path;
    name++;
    return arena_printf(a, "%.*s", (int)(dot ? dot - name : (ptrdiff_t)strlen(name)), name);
}

typedef struct {
    arena_t *a;
    const int64_t *applied; /* the versions the database has, ascending */
    size_t applied_count;
    store_migration_t *list; /* room for every file and every applied version */
    size_t count;
} listing_t;

static bool has_version(const listing_t *l, long version)
{
    for (size_t i = 0; i < l->applied_count; i++)
        if (l->applied[i] == version)
            return true;
    return false;
}

static gh_status_t on_file(void *ctx, long version, const char *path, const char *sql)
{
    listing_t *l = ctx;
    (void)sql;
    store_migration_t *m = &l->list[l->count++];
    m->version = version;
    m->applied = has_version(l, version);
    m->name = store_migration_name(path, l->a);
    return m->name ? GH_OK : GH_ERR_NOMEM;
}

/* The versions of schema_migrations, or none when the table is not there. */
static gh_status_t applied_versions(store_t *s, arena_t *a, int64_t **out, size_t *count)
{
    int64_t tables = 0;
    *out = NULL;
    *count = 0;
    gh_status_t st = db_get(s, &SQL_HAS_TABLE, "migrations", store_read_int, NULL, &tables, "");
    if (st != GH_OK || tables == 0)
        return st;
    return db_list(s, &SQL_APPLIED, "migrations", store_read_int, a, sizeof(int64_t), (void **)out,
                   count, "");
}

gh_status_t store_migrations(store_t *s, arena_t *a, store_migration_t **out, size_t *count)
{
    listing_t l = {.a = a};
    int64_t *applied = NULL;
    gh_status_t st = applied_versions(s, a, &applied, &l.applied_count);
    if (st != GH_OK)
        return st;
    l.applied = applied;
    size_t files = 0;
    for (const asset_t *f = SCHEMA_FILES; f->path; f++)
        files++;
    l.list = arena_alloc(a, (files + l.applied_count + 1) * sizeof *l.list);
    if (!l.list)
        return GH_ERR_NOMEM;
    st = store_migrations_each(s->engine->schema_dir, on_file, &l);
    size_t known = l.count;
    for (size_t i = 0; st == GH_OK && i < l.applied_count; i++) {
        bool is_known = false;
        for (size_t j = 0; j < known; j++)
            is_known = is_known || l.list[j].version == applied[i];
        if (!is_known)
            l.list[l.count++] = (store_migration_t){.version = (long)applied[i], .applied = true};
    }
    if (st == GH_OK) {
        *out = l.list;
        *count = l.count;
    }
    return st;
}
