/* The outbox store (outbox.h). A claim is a read of the next due row and
 * then an UPDATE of that row guarded by the same condition (claimed_until
 * still in the past): on PostgreSQL at READ COMMITTED a second claimer waits
 * for the first one's row lock and then finds the condition false; SQLite
 * has one writer at a time. The read first keeps an idle poll from taking
 * SQLite's write lock. */
#include "store/db.h"

static store_sql_t SQL_ADD =
    STORE_SQL("INSERT INTO outbox (id, recipient, message, attempts, next_at, claimed_until, "
              "last_error, created_at) VALUES (?1, ?2, ?3, 0, ?4, 0, NULL, ?4)");
/* ?1 now */
static store_sql_t SQL_DUE = STORE_SQL("SELECT id FROM outbox WHERE next_at <= ?1 AND "
                                       "claimed_until <= ?1 ORDER BY next_at LIMIT 1");
/* ?1 id, ?2 now, ?3 claimed until */
static store_sql_t SQL_CLAIM =
    STORE_SQL("UPDATE outbox SET claimed_until = ?3, attempts = attempts + 1 "
              "WHERE id = ?1 AND next_at <= ?2 AND claimed_until <= ?2 "
              "RETURNING id, recipient, message, attempts");
static store_sql_t SQL_REMOVE = STORE_SQL("DELETE FROM outbox WHERE id = ?");
static store_sql_t SQL_RETRY =
    STORE_SQL("UPDATE outbox SET next_at = ?2, claimed_until = 0, last_error = ?3 WHERE id = ?1");
static store_sql_t SQL_COUNT = STORE_SQL("SELECT count(*) FROM outbox");

static gh_status_t read_mail(store_row_t *r, arena_t *a, void *row)
{
    store_mail_t m = {0};
    m.id = store_row_text(r, a);
    m.recipient = store_row_text(r, a);
    m.message = store_row_text(r, a);
    m.attempts = store_row_int(r);
    return store_row_done(r, &m, sizeof m, row);
}

static gh_status_t read_text(store_row_t *r, arena_t *a, void *row)
{
    const char *id = store_row_text(r, a);
    return store_row_done(r, &id, sizeof id, row);
}

gh_status_t store_outbox_add(store_t *s, const store_mail_t *m, int64_t now)
{
    return db_exec(s, &SQL_ADD, "outbox_add", "sssi", m->id, m->recipient, m->message, now);
}

gh_status_t store_outbox_claim(store_t *s, arena_t *a, int64_t now, int64_t lease,
                               store_mail_t *out)
{
    const char *id = NULL;
    gh_status_t st = db_get(s, &SQL_DUE, "outbox_due", read_text, a, &id, "i", now);
    if (st != GH_OK)
        return st;
    return db_get(s, &SQL_CLAIM, "outbox_claim", read_mail, a, out, "sii", id, now, now + lease);
}

gh_status_t store_outbox_remove(store_t *s, const char *id)
{
    return db_exec(s, &SQL_REMOVE, "outbox_remove", "s", id);
}

gh_status_t store_outbox_retry(store_t *s, const char *id, int64_t next_at, const char *error)
{
    return db_exec(s, &SQL_RETRY, "outbox_retry", "sis", id, next_at, error);
}

gh_status_t store_outbox_count(store_t *s, int64_t *count)
{
    return db_get(s, &SQL_COUNT, "outbox_count", store_read_int, NULL, count, "");
}
