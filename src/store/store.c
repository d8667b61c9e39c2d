/* The store's handle: store_open() picks the engine by the URL's scheme;
 * closing, the engine's name, read snapshots and readiness go to the
 * engine's table (db.h). The operations themselves are in the stores per
 * feature (accounts.c, clients.c, …). */
#include "store/db.h"

#include <assert.h>
#include <string.h>

#include "core/log.h"

typedef struct {
    const char *scheme; /* URL prefix, scheme included */
    gh_status_t (*open)(const char *url, bool create, store_t **out);
} engine_t;

static const engine_t ENGINES[] = {
    {"sqlite:", store_sqlite_open},
    {"postgres://", store_pg_open},
    {"postgresql://", store_pg_open},
};

gh_status_t store_open(const char *url, store_t **out)
{
    return store_open_with(url, STORE_OPEN_CREATE | STORE_OPEN_MIGRATE, out);
}

gh_status_t store_open_with(const char *url, unsigned flags, store_t **out)
{
    for (size_t i = 0; url && i < sizeof ENGINES / sizeof ENGINES[0]; i++) {
        const engine_t *e = &ENGINES[i];
        if (strncmp(url, e->scheme, strlen(e->scheme)) != 0)
            continue;
        store_t *s = NULL;
        gh_status_t st = e->open(url, (flags & STORE_OPEN_CREATE) != 0, &s);
        if (st == GH_OK && (flags & STORE_OPEN_MIGRATE))
            st = store_migrate(s);
        if (st == GH_OK)
            *out = s;
        else
            store_close(s);
        return st;
    }
    log_event(LOG_ERROR, "store", "op", "open", "error",
              "database URL must start with sqlite:, postgres:// or postgresql://", NULL);
    return GH_ERR_INVALID;
}

gh_status_t store_migrate(store_t *s)
{
    return s->engine->migrate(s);
}

gh_status_t store_backup(store_t *s, const char *path)
{
    return s->engine->backup ? s->engine->backup(s, path) : GH_ERR_INVALID;
}

void store_close(store_t *s)
{
    if (s)
        s->engine->close(s);
}

gh_status_t store_cache_start(store_t *s)
{
    return s->engine->cache_start ? s->engine->cache_start(s) : GH_OK;
}

const char *store_engine(const store_t *s)
{
    assert(s);
    return s->engine->name;
}

/* Reads the schema inside a write transaction, so on SQLite a database
 * another process holds locked is not ready (WAL readers would not notice
 * the lock). */
gh_status_t store_ping(store_t *s)
{
    static store_sql_t SQL_PING = STORE_SQL("SELECT count(*) FROM schema_migrations");
    int64_t n = 0;
    gh_status_t st = db_begin(s, "ping");
    if (st == GH_OK)
        st = db_get(s, &SQL_PING, "ping", store_read_int, NULL, &n, "");
    gh_status_t end = db_finish(s, "ping", false);
    return st != GH_OK ? st : end;
}

void store_read_begin(store_t *s)
{
    s->engine->read_begin(s);
}

void store_read_end(store_t *s)
{
    s->engine->read_end(s);
}
