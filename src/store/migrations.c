/* Migrations, shared by the engines: each engine keeps its schema as numbered
 * SQL files in its own directory of src/store/schema (sqlite/, pg/), embedded
 * in the binary (core/assets.h) and sorted by path, so NNN_name.sql files come
 * in the order of their numbers. The engine decides how one is applied (once,
 * and recorded, under its own lock). */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/log.h"

/* The number a migration's file name starts with ("pg/001_init.sql" → 1), or 0. */
static long migration_version(const char *path, size_t dir_len)
{
    char *end = NULL;
    long v = strtol(path + dir_len, &end, 10);
    return end && *end == '_' && v > 0 ? v : 0;
}

gh_status_t store_migrations_each(const char *dir, store_migration_fn apply, void *ctx)
{
    size_t dir_len = strlen(dir);
    gh_status_t st = GH_OK;
    for (const asset_t *f = SCHEMA_FILES; f->path && st == GH_OK; f++) {
        if (strncmp(f->path, dir, dir_len) != 0)
            continue;
        long version = migration_version(f->path, dir_len);
        if (version > 0) {
            st = apply(ctx, version, f->data);
            continue;
        }
        log_event(LOG_ERROR, "store", "op", "migrate", "path", f->path, "error",
                  "migration file names start with their number: NNN_name.sql", NULL);
        st = GH_ERR_INTERNAL;
    }
    return st;
}
