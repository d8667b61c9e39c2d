/* The events store: the audit trail (events.h). Appends and filtered pages,
 * newest first; the retention is read by store_purge. */
#include <stdint.h>

#include "store/db.h"

#define EVENT_COLS "id, time, actor, action, target, ip, details"

static store_sql_t SQL_ADD = STORE_SQL(
    "INSERT INTO events (time, actor, action, target, ip, details) VALUES (?, ?, ?, ?, ?, ?)");
/* ?1 action, ?2 actor, ?3 target (NULL: any), ?4..?5 the time, ?6 ids below, ?7 how many */
static store_sql_t SQL_LIST =
    STORE_SQL("SELECT " EVENT_COLS " FROM events WHERE (?1 IS NULL OR action = ?1) "
              "AND (?2 IS NULL OR actor = ?2) AND (?3 IS NULL OR target = ?3) "
              "AND time >= ?4 AND time <= ?5 AND id < ?6 ORDER BY id DESC LIMIT ?7");

static gh_status_t read_event(store_row_t *r, arena_t *a, void *row)
{
    store_event_t e = {0};
    e.id = store_row_int(r);
    e.time = store_row_int(r);
    e.actor = store_row_text(r, a);
    e.action = store_row_text(r, a);
    e.target = store_row_text(r, a);
    e.ip = store_row_text(r, a);
    e.details = store_row_text(r, a);
    return store_row_done(r, &e, sizeof e, row);
}

gh_status_t store_event_add(store_t *s, const store_event_t *e)
{
    return db_exec(s, &SQL_ADD, "event_add", "isssss", e->time, e->actor, e->action, e->target,
                   e->ip, e->details ? e->details : "{}");
}

gh_status_t store_event_list(store_t *s, arena_t *a, const store_event_filter_t *f,
                             store_event_t **out, size_t *count)
{
    return db_list(s, &SQL_LIST, "event_list", read_event, a, sizeof **out, (void **)out, count,
                   "sssiiii", f->action, f->actor, f->target, f->since,
                   f->until ? f->until : INT64_MAX, f->before_id ? f->before_id : INT64_MAX,
                   (int64_t)f->limit);
}

void store_events_retention(store_t *s, int64_t seconds)
{
    atomic_store(&s->events_retention, seconds);
}
