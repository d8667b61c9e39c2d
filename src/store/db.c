/* The statement layer (db.h): slots for the statements, PostgreSQL's
 * placeholders, and the db_* calls every feature store makes, each a thin
 * wrapper over the engine's table. */
#include "store/db.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/metrics.h"

static atomic_int last_slot;

int store_sql_slot(store_sql_t *sql)
{
    int slot = atomic_load_explicit(&sql->slot, memory_order_acquire);
    if (slot)
        return slot;
    int mine = atomic_fetch_add(&last_slot, 1) + 1;
    assert(mine <= STORE_MAX_SQL);
    int expected = 0;
    /* two threads may race on a statement's first use: one slot wins, the
     * other stays unused */
    if (atomic_compare_exchange_strong(&sql->slot, &expected, mine))
        return mine;
    return expected;
}

const char *store_sql_text(const store_sql_t *sql, bool pg)
{
    return pg && sql->pg ? sql->pg : sql->text;
}

bool store_sql_numbered(const char *sql, char *out, size_t len)
{
    size_t o = 0;
    int max = 0; /* the largest number given so far: a bare `?` takes the next */
    bool quoted = false;
    for (const char *p = sql; *p; p++) {
        char piece[16];
        size_t n = 1;
        piece[0] = *p;
        if (*p == '\'') {
            quoted = !quoted;
        } else if (*p == '?' && !quoted) {
            int number = max + 1;
            if (p[1] >= '0' && p[1] <= '9') {
                number = 0;
                while (p[1] >= '0' && p[1] <= '9')
                    number = number * 10 + (*++p - '0');
            }
            if (number > max)
                max = number;
            n = (size_t)snprintf(piece, sizeof piece, "$%d", number);
        }
        if (o + n >= len)
            return false;
        memcpy(out + o, piece, n);
        o += n;
    }
    out[o] = '\0';
    return true;
}

const store_dialect_t *db_dialect(const store_t *s)
{
    return &s->engine->dialect;
}

static gh_status_t query_va(store_t *s, store_sql_t *sql, const char *op, store_cursor_t *c,
                            const char *fmt, va_list ap)
{
    memset(c, 0, sizeof *c);
    c->op = op;
    metrics_add(METRIC_DB_STATEMENTS, 1);
    gh_status_t st = s->engine->query(s, sql, c, fmt, ap);
    return st == GH_OK && !c->has_row ? GH_ERR_NOT_FOUND : st;
}

gh_status_t db_query(store_t *s, store_sql_t *sql, const char *op, store_cursor_t *c,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gh_status_t st = query_va(s, sql, op, c, fmt, ap);
    va_end(ap);
    return st;
}

gh_status_t db_next(store_cursor_t *c)
{
    return ((const store_engine_t *)c->engine[0])->next(c);
}

void db_end(store_cursor_t *c)
{
    if (c->engine[0])
        ((const store_engine_t *)c->engine[0])->end(c);
}

/* Runs a statement to its end; *changes gets the rows it touched. */
static gh_status_t exec_va(store_t *s, store_sql_t *sql, const char *op, int *changes,
                           const char *fmt, va_list ap)
{
    store_cursor_t c;
    memset(&c, 0, sizeof c);
    c.op = op;
    metrics_add(METRIC_DB_STATEMENTS, 1);
    gh_status_t st = s->engine->query(s, sql, &c, fmt, ap); /* rows or none: it ran */
    *changes = st == GH_OK ? s->engine->changes(&c) : 0;
    db_end(&c);
    return st;
}

gh_status_t db_exec(store_t *s, store_sql_t *sql, const char *op, const char *fmt, ...)
{
    int changes = 0;
    va_list ap;
    va_start(ap, fmt);
    gh_status_t st = exec_va(s, sql, op, &changes, fmt, ap);
    va_end(ap);
    return st;
}

gh_status_t db_exec_one(store_t *s, store_sql_t *sql, const char *op, const char *fmt, ...)
{
    int changes = 0;
    va_list ap;
    va_start(ap, fmt);
    gh_status_t st = exec_va(s, sql, op, &changes, fmt, ap);
    va_end(ap);
    return st == GH_OK && changes == 0 ? GH_ERR_NOT_FOUND : st;
}

gh_status_t db_exec_count(store_t *s, store_sql_t *sql, const char *op, int *changes,
                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gh_status_t st = exec_va(s, sql, op, changes, fmt, ap);
    va_end(ap);
    return st;
}

gh_status_t db_get(store_t *s, store_sql_t *sql, const char *op, store_read_fn read, arena_t *a,
                   void *row, const char *fmt, ...)
{
    store_cursor_t c;
    va_list ap;
    va_start(ap, fmt);
    gh_status_t st = query_va(s, sql, op, &c, fmt, ap);
    va_end(ap);
    if (st == GH_OK)
        st = read(&c.row, a, row);
    db_end(&c);
    return st;
}

gh_status_t db_list(store_t *s, store_sql_t *sql, const char *op, store_read_fn read, arena_t *a,
                    size_t size, void **out, size_t *count, const char *fmt, ...)
{
    store_cursor_t c;
    unsigned char *rows = NULL;
    size_t n = 0, cap = 0;
    va_list ap;
    va_start(ap, fmt);
    gh_status_t st = query_va(s, sql, op, &c, fmt, ap);
    va_end(ap);
    for (; st == GH_OK; st = db_next(&c), n++) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            unsigned char *bigger = arena_alloc(a, cap * size);
            if (bigger && n)
                memcpy(bigger, rows, n * size);
            rows = bigger;
        }
        st = rows ? read(&c.row, a, rows + n * size) : GH_ERR_NOMEM;
        if (st != GH_OK)
            break;
    }
    db_end(&c);
    if (st != GH_ERR_NOT_FOUND)
        return st;
    *out = rows;
    *count = n;
    return GH_OK;
}

gh_status_t db_begin(store_t *s, const char *op)
{
    return s->engine->begin(s, op);
}

gh_status_t db_finish(store_t *s, const char *op, bool commit)
{
    return s->engine->finish(s, op, commit);
}
