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
    gh_status_t (*open)(const char *url, store_t **out);
} engine_t;

static const engine_t ENGINES[] = {
    {"sqlite:", store_sqlite_open},
    {"postgres://", store_pg_open},
    {"postgresql://", store_pg_open},
};

gh_status_t store_open(const char *url, store_t **out)
{
    for (size_t i = 0; url && i < sizeof ENGINES / sizeof ENGINES[0]; i++) {
        const engine_t *e = &ENGINES[i];
        if (strncmp(url, e->scheme, strlen(e->scheme)) == 0)
            return e->open(url, out);
    }
    log_event(LOG_ERROR, "store", "op", "open", "error",
              "database URL must start with sqlite:, postgres:// or postgresql://", NULL);
    return GH_ERR_INVALID;
}

void store_close(store_t *s)
{
    if (s)
        s->engine->close(s);
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
