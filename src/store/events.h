/* The events store (events.c): the audit trail. Every admin action and
 * security event is one row: when, who (actor: a member's sub, a client_id,
 * or "cli"), what (action, target), from where (ip) and its details (a JSON
 * object as text). Rows older than the retention (store_events_retention)
 * are deleted by store_purge. */
#ifndef GH_STORE_EVENTS_H
#define GH_STORE_EVENTS_H

#include "store/store.h"

typedef struct {
    int64_t id; /* assigned by the store; orders the events */
    int64_t time;
    const char *actor;   /* may be NULL */
    const char *action;  /* e.g. "client.create", docs/admin.md */
    const char *target;  /* may be NULL */
    const char *ip;      /* may be NULL */
    const char *details; /* a JSON object as text; "{}" when there is nothing */
} store_event_t;

/* Which events store_event_list returns: each field NULL (or 0) for any. */
typedef struct {
    const char *action;
    const char *actor;
    const char *target;
    int64_t since, until; /* time within [since, until]; 0 for no bound */
    int64_t before_id;    /* only ids below this (the page cursor); 0 from the newest */
    size_t limit;
} store_event_filter_t;

/* Appends e (e->id is ignored). */
gh_status_t store_event_add(store_t *s, const store_event_t *e);
/* The events that pass f, newest first, at most f->limit. */
gh_status_t store_event_list(store_t *s, arena_t *a, const store_event_filter_t *f,
                             store_event_t **out, size_t *count);
/* Keeps events for seconds (0: for ever) from now on; store_purge deletes older ones. */
void store_events_retention(store_t *s, int64_t seconds);

#endif
