/* PostgreSQL engine, connection layer: one libpq connection per thread,
 * statements prepared once per connection, parameters passed as text,
 * results read into the caller's arena, the mapping of SQLSTATEs to
 * gh_status_t, and reconnection.
 *
 * Timeouts: a connection attempt gives up after connect_timeout, a statement
 * after statement_timeout (server side), and a dead peer is noticed by TCP
 * keepalives and tcp_user_timeout; the URI may override each default. So a
 * call during an outage returns GH_ERR_UNAVAILABLE within seconds.
 *
 * Reconnection: a connection that broke, or that refuses writes because its
 * server became a standby (a failover), is reset (PQreset, which follows
 * target_session_attrs over the URI's hosts) by its thread's next call, and
 * its prepared statements are prepared again. A statement that
 * failed because the connection broke while no transaction was open is run
 * once more on the reset connection, so the first call after a database
 * restart succeeds. If it had in fact run before the break, the second run
 * finds its work done: single-use operations then fail closed (CONFLICT or
 * NOT_FOUND), never grant twice.
 *
 * Logged: SQLSTATEs and the server's primary message, which names tables and
 * constraints, never the DETAIL (it quotes values) and never the URI (it may
 * hold a password). */
#include "store/pg_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/metrics.h"

#define MAX_PARAMS 32 /* the most a statement binds (clients.c SQL_ADD: 27) */
#define STMT_NAME_MAX 16
#define SQL_MAX 4096 /* bytes of a statement's text, placeholders rewritten */
#define OID_INT8 20
#define OID_TEXT 25

struct pg_conn {
    store_conn_t link; /* first: the per-thread registry's part */
    PGconn *db;
    bool prepared[STORE_MAX_SQL]; /* by store_sql_slot() - 1 */
    bool tells[STORE_MAX_SQL];    /* the statement changes what instances keep in memory */
    bool told;                    /* such a statement ran in the open transaction */
    bool stale;                   /* reset before the next use, though libpq still thinks it fine */
};

/* Connection keywords. Those before "dbname" are defaults that the URI
 * expanded there may override (libpq's rule for expand_dbname); those after
 * it always apply. */
static const char *const CONNECT_KEYS[] = {"connect_timeout",  "options",
                                           "keepalives_idle",  "keepalives_interval",
                                           "keepalives_count", "tcp_user_timeout",
                                           "application_name", "dbname",
                                           "client_encoding",  NULL};
#define DBNAME_INDEX 7

static const char *const CONNECT_DEFAULTS[] = {
    "5", "-c statement_timeout=5000", "10", "5", "3", "10000", "gatehouse", NULL, "UTF8", NULL};

/* What a failed statement's SQLSTATE means to callers: the first entry whose
 * prefix matches (a whole code, or a two-character class). */
typedef struct {
    const char *prefix;
    gh_status_t st;
    bool log;       /* constraint failures are the caller's mistake or a race: not logged */
    bool reconnect; /* the server is no longer the primary: find the one that is */
} sqlstate_map_t;

static const sqlstate_map_t SQLSTATES[] = {
    {"23505", GH_ERR_CONFLICT, false, false},   /* unique_violation */
    {"23503", GH_ERR_NOT_FOUND, false, false},  /* foreign_key_violation */
    {"23", GH_ERR_INVALID, false, false},       /* not_null_violation, check_violation */
    {"22", GH_ERR_INVALID, true, false},        /* data exception: bad UTF-8, a NUL byte */
    {"08", GH_ERR_UNAVAILABLE, true, false},    /* connection exception */
    {"57", GH_ERR_UNAVAILABLE, true, false},    /* shutdown, statement timeout, cancel */
    {"53", GH_ERR_UNAVAILABLE, true, false},    /* insufficient resources */
    {"40", GH_ERR_UNAVAILABLE, true, false},    /* serialization failure, deadlock */
    {"55P03", GH_ERR_UNAVAILABLE, true, false}, /* lock_not_available */
    {"25006", GH_ERR_UNAVAILABLE, true, true},  /* read-only: a demoted primary, after failover */
};

static void log_pg(const char *op, const char *sqlstate, const char *msg)
{
    char text[512];
    snprintf(text, sizeof text, "%s", msg ? msg : "unknown error");
    for (size_t n = strlen(text); n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ');)
        text[--n] = '\0'; /* libpq ends its messages with a newline */
    log_event(LOG_ERROR, "store", "engine", "postgresql", "op", op, "code", sqlstate, "error", text,
              NULL);
}

static const sqlstate_map_t *sqlstate_find(const char *state)
{
    for (size_t i = 0; i < sizeof SQLSTATES / sizeof SQLSTATES[0]; i++)
        if (!strncmp(state, SQLSTATES[i].prefix, strlen(SQLSTATES[i].prefix)))
            return &SQLSTATES[i];
    return NULL;
}

static gh_status_t status_of(pg_conn_t *c, const PGresult *res, const char *op)
{
    ExecStatusType rs = res ? libpq.resultStatus(res) : PGRES_FATAL_ERROR;
    if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK)
        return GH_OK;
    const char *state = res ? libpq.resultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (!state || libpq.status(c->db) == CONNECTION_BAD) {
        log_pg(op, state, libpq.errorMessage(c->db));
        return GH_ERR_UNAVAILABLE;
    }
    const sqlstate_map_t *m = sqlstate_find(state);
    c->stale = m && m->reconnect;
    if (!m || m->log)
        log_pg(op, state, libpq.resultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    return m ? m->st : GH_ERR_INTERNAL;
}

static void conn_free(store_conn_t *link)
{
    pg_conn_t *c = (pg_conn_t *)link;
    if (!c)
        return;
    libpq.finish(c->db);
    free(c);
}

/* Server notices ("relation already exists, skipping") are not errors, and
 * libpq would print them on stderr, between the JSON log lines. */
static void on_notice(void *arg, const char *message) {}

static gh_status_t conn_open(pg_store_t *s, pg_conn_t **out)
{
    const char *values[sizeof CONNECT_DEFAULTS / sizeof CONNECT_DEFAULTS[0]];
    memcpy(values, CONNECT_DEFAULTS, sizeof values);
    values[DBNAME_INDEX] = s->url;
    pg_conn_t *c = calloc(1, sizeof *c);
    if (c)
        c->db = libpq.connectdbParams(CONNECT_KEYS, values, 1);
    if (!c || !c->db) {
        free(c);
        return GH_ERR_NOMEM;
    }
    if (libpq.status(c->db) != CONNECTION_OK) {
        log_pg("connect", NULL, libpq.errorMessage(c->db));
        conn_free(&c->link);
        return GH_ERR_UNAVAILABLE;
    }
    libpq.setNoticeProcessor(c->db, on_notice, NULL);
    *out = c;
    return GH_OK;
}

/* Reconnects a broken connection with its original parameters. */
static gh_status_t conn_reset(pg_conn_t *c)
{
    libpq.reset(c->db);
    memset(c->prepared, 0, sizeof c->prepared);
    c->stale = c->told = false;
    if (libpq.status(c->db) != CONNECTION_OK) {
        log_pg("reconnect", NULL, libpq.errorMessage(c->db));
        return GH_ERR_UNAVAILABLE;
    }
    log_event(LOG_INFO, "store", "engine", "postgresql", "op", "reconnect", NULL);
    return GH_OK;
}

/* This thread's connection: opened on first use, reset when it broke or
 * landed on a standby. */
static gh_status_t conn_get(pg_store_t *s, pg_conn_t **out)
{
    pg_conn_t *c = (pg_conn_t *)store_conns_current(&s->conns);
    gh_status_t st = GH_OK;
    if (!c) {
        st = conn_open(s, &c);
        if (st == GH_OK)
            st = store_conns_adopt(&s->conns, &c->link);
    } else if (c->stale || libpq.status(c->db) == CONNECTION_BAD) {
        st = conn_reset(c);
    }
    if (st == GH_OK)
        *out = c;
    return st;
}

libpq_t libpq;

#define LIBPQ_SYMBOL(prefix, name) DYNLIB_SYMBOL(libpq_t, prefix, name)
static const dynlib_symbol_t LIBPQ_SYMBOLS[] = {LIBPQ_FUNCTIONS(LIBPQ_SYMBOL)};
static dynlib_t libpq_lib = {"libpq.so.5",  "libpq5",
                             LIBPQ_SYMBOLS, sizeof LIBPQ_SYMBOLS / sizeof LIBPQ_SYMBOLS[0],
                             &libpq,        false};

gh_status_t pq_init(pg_store_t *s, const char *url)
{
    gh_status_t st = dynlib_load(&libpq_lib);
    if (st != GH_OK)
        return st;
    char *err = NULL;
    PQconninfoOption *opts = libpq.conninfoParse(url, &err);
    /* err may quote the URI, and so a password: not logged */
    libpq.freemem(err);
    if (!opts) {
        log_event(LOG_ERROR, "store", "op", "open", "error",
                  "not a valid PostgreSQL connection URI", NULL);
        return GH_ERR_INVALID;
    }
    libpq.conninfoFree(opts);
    return store_conns_init(&s->conns, conn_free);
}

void pq_close_all(pg_store_t *s)
{
    store_conns_close_all(&s->conns);
}

/* A statement in use: the cursor's engine part (store_cursor_t.engine). */
typedef struct {
    const store_engine_t *engine; /* first: db_next and db_end dispatch on it */
    PGresult *res;
    int row, rows; /* current row, and how many came back */
} pq_t;

_Static_assert(sizeof(pq_t) <= sizeof(((store_cursor_t *)0)->engine), "pq_t fits a cursor");

static pq_t *pq_of(store_cursor_t *c)
{
    return (pq_t *)c->engine;
}

static void stmt_name(char name[STMT_NAME_MAX], int slot)
{
    snprintf(name, STMT_NAME_MAX, "gh_%d", slot);
}

/* Whether a statement changes a row that instances keep in memory (the
 * tables whose triggers migration 023 adds: a member or a client changed or
 * removed, a token denied), so that its writer must wait for every instance
 * to drop it (tell_wait). A new member or client is no one's memory yet. A
 * single-use mark (grants.c's SQL_JTI_USE_ONCE) is spelled so as not to
 * match: its trigger tells no one. */
static bool statement_tells(const char *text)
{
    static const char *const WRITES[] = {"UPDATE users ",         "DELETE FROM users ",
                                         "UPDATE clients ",       "DELETE FROM clients ",
                                         "INTO revoked_tokens (", NULL};
    for (const char *const *w = WRITES; *w; w++)
        if (strstr(text, *w))
            return true;
    return false;
}

/* Prepares sql on c once, its placeholders numbered and its parameters typed
 * from fmt (text or bigint), so the SQL needs no casts. */
static gh_status_t prepare(pg_conn_t *c, store_sql_t *sql, const char *fmt, const char *op)
{
    int slot = store_sql_slot(sql);
    if (c->prepared[slot - 1])
        return GH_OK;
    char name[STMT_NAME_MAX], text[SQL_MAX];
    Oid types[MAX_PARAMS];
    int n = 0;
    for (; fmt[n] && n < MAX_PARAMS; n++)
        types[n] = fmt[n] == 'i' ? OID_INT8 : OID_TEXT;
    if (!store_sql_numbered(store_sql_text(sql, true), text, sizeof text))
        return GH_ERR_INTERNAL;
    c->tells[slot - 1] = statement_tells(text);
    stmt_name(name, slot);
    metrics_add(METRIC_DB_ROUND_TRIPS, 1);
    PGresult *res = libpq.prepare(c->db, name, text, n, types);
    gh_status_t st = status_of(c, res, op);
    libpq.clear(res);
    c->prepared[slot - 1] = st == GH_OK;
    return st;
}

/* The arguments as text, as libpq takes them. */
typedef struct {
    const char *values[MAX_PARAMS];
    char numbers[MAX_PARAMS][24];
    int count;
} params_t;

static void params_build(params_t *p, const char *fmt, va_list ap)
{
    p->count = 0;
    for (; fmt[p->count]; p->count++) {
        int i = p->count;
        assert(i < MAX_PARAMS && (fmt[i] == 's' || fmt[i] == 'i'));
        if (fmt[i] == 's') {
            p->values[i] = va_arg(ap, const char *);
            continue;
        }
        snprintf(p->numbers[i], sizeof p->numbers[i], "%lld", (long long)va_arg(ap, int64_t));
        p->values[i] = p->numbers[i];
    }
}

/* After a commit that changed what instances keep in memory: waits until
 * each instance whose lease runs has dropped it (pg_listen.c), so that the
 * change holds everywhere once the caller answers. The write stands
 * whatever happens here; a wait that failed or ran out is logged. */
static void tell_wait(pg_conn_t *c, const char *op)
{
    c->told = false;
    metrics_add(METRIC_DB_STATEMENTS, 1);
    metrics_add(METRIC_DB_ROUND_TRIPS, 1);
    PGresult *res = libpq.exec(c->db, "SELECT gatehouse_cache_wait()");
    if (status_of(c, res, op) == GH_OK && libpq.ntuples(res) == 1 &&
        libpq.getvalue(res, 0, 0)[0] != 't')
        log_event(LOG_WARN, "store", "op", op, "error",
                  "an instance did not drop a changed row from its memory in time", NULL);
    libpq.clear(res);
}

/* Whether a statement that failed with st on c, which was idle (no
 * transaction open) before it, failed only because the connection had
 * broken or was on a standby, so that running it again on the reset
 * connection is safe. */
static bool rerun_safe(pg_conn_t *c, bool idle, gh_status_t st)
{
    return st == GH_ERR_UNAVAILABLE && idle && (c->stale || libpq.status(c->db) == CONNECTION_BAD);
}

/* Runs a prepared statement once; *again says whether it failed only
 * because an idle connection had broken or was on a standby, so that a rerun
 * on a reset connection is safe. */
static gh_status_t exec_once(pg_store_t *s, store_sql_t *sql, store_cursor_t *cur, const char *fmt,
                             const params_t *p, bool *again)
{
    pg_conn_t *c = NULL;
    char name[STMT_NAME_MAX];
    *again = false;
    gh_status_t st = conn_get(s, &c);
    if (st != GH_OK)
        return st;
    bool idle = libpq.transactionStatus(c->db) == PQTRANS_IDLE;
    st = prepare(c, sql, fmt, cur->op);
    if (st == GH_OK) {
        stmt_name(name, store_sql_slot(sql));
        metrics_add(METRIC_DB_ROUND_TRIPS, 1);
        pq_of(cur)->res = libpq.execPrepared(c->db, name, p->count, p->values, NULL, NULL, 0);
        st = status_of(c, pq_of(cur)->res, cur->op);
    }
    if (st == GH_OK && c->tells[store_sql_slot(sql) - 1]) {
        if (libpq.transactionStatus(c->db) == PQTRANS_IDLE)
            tell_wait(c, cur->op);
        else
            c->told = true; /* waited for after the commit */
    }
    *again = rerun_safe(c, idle, st);
    return st;
}

/* The cursor's column getters (store_int.h), over the current row of the
 * result of the cursor that starts with r. */
static char *cursor_text(store_row_t *r, arena_t *a)
{
    pq_t *q = pq_of((store_cursor_t *)r);
    int i = r->col++;
    if (libpq.getisnull(q->res, q->row, i))
        return NULL;
    char *copy = arena_strndup(a, libpq.getvalue(q->res, q->row, i),
                               (size_t)libpq.getlength(q->res, q->row, i));
    if (!copy)
        r->oom = true;
    return copy;
}

/* An integer column; a boolean one ("t", "f", as `used_at IS NOT NULL`
 * gives) reads as 1 or 0, as SQLite's does. */
static int64_t cursor_int(store_row_t *r)
{
    pq_t *q = pq_of((store_cursor_t *)r);
    const char *v = libpq.getvalue(q->res, q->row, r->col++);
    if (!v) /* a column the query does not have: a reader's bug, not a crash */
        return 0;
    if (v[0] == 't' || v[0] == 'f')
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

static const store_row_ops_t CURSOR_OPS = {.text = cursor_text, .integer = cursor_int};

gh_status_t pq_query(store_t *base, store_sql_t *sql, store_cursor_t *c, const char *fmt,
                     va_list ap)
{
    pq_t *q = pq_of(c);
    params_t p;
    bool again = false;
    c->row.ops = &CURSOR_OPS;
    q->engine = &PG_ENGINE;
    params_build(&p, fmt, ap);
    gh_status_t st = exec_once((pg_store_t *)base, sql, c, fmt, &p, &again);
    if (again) {
        pq_end(c);
        st = exec_once((pg_store_t *)base, sql, c, fmt, &p, &again);
    }
    if (st == GH_OK)
        q->rows = libpq.ntuples(q->res);
    c->has_row = q->rows > 0;
    return st;
}

gh_status_t pq_next(store_cursor_t *c)
{
    pq_t *q = pq_of(c);
    c->row.col = 0;
    return ++q->row < q->rows ? GH_OK : GH_ERR_NOT_FOUND;
}

int pq_changes(store_cursor_t *c)
{
    pq_t *q = pq_of(c);
    return q->res ? atoi(libpq.cmdTuples(q->res)) : 0;
}

void pq_end(store_cursor_t *c)
{
    pq_t *q = pq_of(c);
    libpq.clear(q->res);
    q->res = NULL;
}

/* As exec_once's callers do, a script that failed only because an idle
 * connection had broken (a BEGIN after a database restart) runs once more
 * on the reset connection. */
gh_status_t pq_script(pg_store_t *s, const char *op, const char *sql)
{
    for (int attempt = 0;; attempt++) {
        pg_conn_t *c = NULL;
        gh_status_t st = conn_get(s, &c);
        if (st != GH_OK)
            return st;
        bool idle = libpq.transactionStatus(c->db) == PQTRANS_IDLE;
        metrics_add(METRIC_DB_STATEMENTS, 1);
        metrics_add(METRIC_DB_ROUND_TRIPS, 1);
        PGresult *res = libpq.exec(c->db, sql);
        st = status_of(c, res, op);
        libpq.clear(res);
        if (attempt > 0 || !rerun_safe(c, idle, st))
            return st;
    }
}

gh_status_t pq_begin(store_t *s, const char *op)
{
    return pq_script((pg_store_t *)s, op, "BEGIN");
}

gh_status_t pq_finish(store_t *base, const char *op, bool commit)
{
    pg_store_t *s = (pg_store_t *)base;
    gh_status_t st = commit ? pq_script(s, op, "COMMIT") : GH_OK;
    if (!(commit && st == GH_OK))
        pq_script(s, op, "ROLLBACK");
    pg_conn_t *c = (pg_conn_t *)store_conns_current(&s->conns);
    if (c && c->told && commit && st == GH_OK)
        tell_wait(c, op);
    if (c)
        c->told = false;
    return st;
}

int pq_socket(pg_store_t *s)
{
    pg_conn_t *c = NULL;
    return conn_get(s, &c) == GH_OK ? libpq.socket(c->db) : -1;
}

int pq_backend_pid(pg_store_t *s)
{
    pg_conn_t *c = (pg_conn_t *)store_conns_current(&s->conns);
    return c ? libpq.backendPID(c->db) : 0;
}

bool pq_notifications(pg_store_t *s, void (*fn)(void *ctx, const char *payload), void *ctx)
{
    pg_conn_t *c = (pg_conn_t *)store_conns_current(&s->conns);
    if (!c || !libpq.consumeInput(c->db))
        return false;
    for (PGnotify *n; (n = libpq.notifies(c->db)) != NULL; libpq.freemem(n))
        fn(ctx, n->extra);
    return libpq.status(c->db) == CONNECTION_OK;
}
