/* PostgreSQL engine: what keeps an instance's memory (cache.h) exact while
 * other instances write. One thread per process holds its own connection,
 * which LISTENs on the channel that migration 023's triggers notify when a
 * member or a client changes or a token is denied, and holds the process's
 * lease: a row of gatehouse_cache_instances with the last change it has
 * applied (seen) and until when it may answer from memory (lease_until).
 *
 * A writer of those tables waits, after its commit, until every instance
 * whose lease runs has seen its change (pg_conn.c, gatehouse_cache_wait):
 * so once a revocation has answered, no instance answers from a memory
 * that predates it. An instance that stops renewing (it hung, lost its
 * connection, died) is waited for until its lease ends, and it stops
 * trusting its memory earlier than that (LEASE_MS - MARGIN_MS after the
 * renewal was sent, on its monotonic clock); a renewal that finds its lease
 * ended starts over from an empty memory, since writers went on without it.
 *
 * Changes reach the listener in commit order with increasing numbers (the
 * triggers take one advisory lock until their commit), so acknowledging the
 * last number seen acknowledges every change before it. Starting a lease
 * takes that lock too: the denylist is loaded and LISTEN begins with no
 * change between them. docs/scaling.md has the whole argument. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/secret.h"
#include "store/pg_int.h"

#define LEASE_MS 3000     /* how long a renewal lets writers wait for this instance */
#define RENEW_MS 1000     /* how often it is renewed */
#define MARGIN_MS 1000    /* how much sooner than the database this instance stops trusting */
#define RETRY_MS 500      /* between attempts to start a lease, doubled while they fail, */
#define RETRY_MAX_MS 8000 /* up to this: an outage logs each failed connection */
#define PRUNE_EVERY 60    /* renewals between prunings of leases long ended */
#define CHANNEL "gatehouse_cache"
#define DENIED_ARENA (1u << 20) /* bytes for the denylist's keys as it is read */

static store_sql_t SQL_LOCK = STORE_SQL("SELECT pg_advisory_xact_lock(?)");
/* ?1 id, ?2 lease ms: seen starts at the last change numbered so far, all of
 * them committed while the lock is held (0 before the first: a new
 * sequence's last_value is the first number it will give) */
static store_sql_t SQL_JOIN = STORE_SQL(
    "INSERT INTO gatehouse_cache_instances (id, lease_until, seen) "
    "SELECT ?1, clock_timestamp() + ?2 * interval '1 millisecond', "
    "CASE WHEN is_called THEN last_value ELSE 0 END FROM gatehouse_cache_seq RETURNING seen");
/* the denylist but the marks of single-use values (their keys hold a colon) */
static store_sql_t SQL_DENIED = STORE_SQL(
    "SELECT jti, expires_at FROM revoked_tokens WHERE expires_at > ? AND position(':' in jti) = 0");
/* ?1 id, ?2 seen, ?3 lease ms: only while the lease still runs */
static store_sql_t SQL_RENEW =
    STORE_SQL("UPDATE gatehouse_cache_instances SET seen = greatest(seen, ?2), "
              "lease_until = clock_timestamp() + ?3 * interval '1 millisecond' "
              "WHERE id = ?1 AND lease_until > clock_timestamp()");
static store_sql_t SQL_LEAVE = STORE_SQL("DELETE FROM gatehouse_cache_instances WHERE id = ?");
static store_sql_t SQL_PRUNE =
    STORE_SQL("DELETE FROM gatehouse_cache_instances "
              "WHERE lease_until < clock_timestamp() - interval '1 hour'");

struct pg_listener {
    pg_store_t *s;
    store_cache_t *cache;
    pthread_t thread;
    int wake_fd; /* an eventfd, written to stop the thread */
    _Atomic bool stop;
    char id[33];     /* this lease's row */
    int64_t seen;    /* the last change applied */
    int backend_pid; /* LISTEN holds on this server process only */
};

static gh_status_t lease_join(pg_listener_t *l)
{
    store_t *s = &l->s->base;
    arena_t *a = arena_new(4096);
    char *id = a ? secret_hex_id(a, 16) : NULL;
    if (!id) {
        arena_free(a);
        return GH_ERR_NOMEM;
    }
    snprintf(l->id, sizeof l->id, "%s", id);
    arena_free(a);
    cache_clear(l->cache);
    uint64_t sent = cache_clock_us();
    gh_status_t st = db_begin(s, "cache_join");
    if (st == GH_OK)
        st = db_exec(s, &SQL_LOCK, "cache_join", "i", PG_CACHE_LOCK_KEY);
    if (st == GH_OK)
        st = pq_script(l->s, "cache_join", "LISTEN " CHANNEL);
    store_cursor_t c;
    if (st == GH_OK) {
        st = db_query(s, &SQL_JOIN, "cache_join", &c, "si", l->id, (int64_t)LEASE_MS);
        if (st == GH_OK)
            l->seen = store_row_int(&c.row);
        db_end(&c);
    }
    if (st == GH_OK) {
        a = arena_new(DENIED_ARENA);
        st = a ? db_query(s, &SQL_DENIED, "cache_join", &c, "i", clock_now()) : GH_ERR_NOMEM;
        for (; st == GH_OK; st = db_next(&c)) {
            if (arena_used(a) > DENIED_ARENA / 2) { /* the keys are copied: start afresh */
                arena_free(a);
                if (!(a = arena_new(DENIED_ARENA))) {
                    st = GH_ERR_NOMEM;
                    break;
                }
            }
            char *jti = store_row_text(&c.row, a);
            int64_t expires_at = store_row_int(&c.row);
            if (jti)
                cache_deny(l->cache, jti, expires_at);
        }
        db_end(&c);
        arena_free(a);
        if (st == GH_ERR_NOT_FOUND)
            st = GH_OK;
    }
    gh_status_t end = db_finish(s, "cache_join", st == GH_OK);
    if (st == GH_OK && (st = end) == GH_OK) {
        l->backend_pid = pq_backend_pid(l->s);
        cache_clear_rows(l->cache); /* rows read before LISTEN began */
        cache_trust_until(l->cache, sent + (LEASE_MS - MARGIN_MS) * UINT64_C(1000));
        log_event(LOG_INFO, "store", "op", "cache", "lease", l->id, NULL);
    }
    return st;
}

/* Applies one change: "N r EXPIRES JTI", "N u SUB" or "N c CLIENT_ID". */
static void apply(void *ctx, const char *payload)
{
    pg_listener_t *l = ctx;
    char *rest = NULL;
    long long n = strtoll(payload, &rest, 10);
    if (!rest || rest[0] != ' ' || !rest[1] || rest[2] != ' ')
        return;
    char kind = rest[1];
    const char *key = rest + 3;
    if (kind == 'r') {
        long long expires_at = strtoll(key, &rest, 10);
        if (rest && *rest == ' ')
            cache_deny(l->cache, rest + 1, expires_at);
    } else if (kind == 'u' || kind == 'c') {
        cache_drop(l->cache, kind == 'u' ? CACHE_MEMBERS : CACHE_CLIENTS, key);
    }
    if (n > l->seen)
        l->seen = n;
}

/* Renews the lease and says what was applied; then the memory is trusted
 * for a lease less the margin from when the renewal was sent. */
static gh_status_t lease_renew(pg_listener_t *l)
{
    uint64_t sent = cache_clock_us();
    gh_status_t st = db_exec_one(&l->s->base, &SQL_RENEW, "cache_renew", "sii", l->id, l->seen,
                                 (int64_t)LEASE_MS);
    if (st == GH_ERR_NOT_FOUND)
        log_event(LOG_WARN, "store", "op", "cache", "error",
                  "the lease ended before it was renewed: starting over", NULL);
    if (st == GH_OK && pq_backend_pid(l->s) != l->backend_pid)
        st = GH_ERR_UNAVAILABLE; /* reconnected: no longer listening */
    if (st == GH_OK)
        cache_trust_until(l->cache, sent + (LEASE_MS - MARGIN_MS) * UINT64_C(1000));
    return st;
}

/* Applies changes as they come and renews the lease, until stopped or a
 * failure. */
static gh_status_t lease_keep(pg_listener_t *l)
{
    int fd = pq_socket(l->s);
    uint64_t next_renewal = cache_clock_us() + RENEW_MS * UINT64_C(1000);
    unsigned renewals = 0;
    while (!atomic_load(&l->stop)) {
        int64_t before = l->seen;
        if (!pq_notifications(l->s, apply, l))
            return GH_ERR_UNAVAILABLE;
        uint64_t now = cache_clock_us();
        if (l->seen != before || now >= next_renewal) {
            gh_status_t st = lease_renew(l);
            if (st != GH_OK)
                return st;
            next_renewal = now + RENEW_MS * UINT64_C(1000);
            if (++renewals % PRUNE_EVERY == 0) {
                cache_sweep(l->cache, clock_now());
                db_exec(&l->s->base, &SQL_PRUNE, "cache_prune", "");
            }
            continue; /* changes may have come with the answer */
        }
        struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = l->wake_fd, .events = POLLIN}};
        int wait_ms = (int)((next_renewal - now) / 1000) + 1;
        if (poll(fds, 2, wait_ms) < 0 && errno != EINTR)
            return GH_ERR_INTERNAL;
    }
    return GH_OK;
}

/* Starts a lease and keeps it, again and again until stopped; a failure
 * is logged once until a lease starts again (the engine logs each failed
 * connection, so the attempts space out while they fail). A lease given up
 * is left at once, so that writers need not wait for it to run out. */
static void *listen_main(void *arg)
{
    pg_listener_t *l = arg;
    int retry_ms = 0; /* 0: the last attempt did not fail */
    while (!atomic_load(&l->stop)) {
        gh_status_t st = lease_join(l);
        if (st == GH_OK) {
            retry_ms = 0;
            st = lease_keep(l);
            db_exec(&l->s->base, &SQL_LEAVE, "cache_leave", "s", l->id);
        }
        cache_clear(l->cache);
        if (st == GH_OK || atomic_load(&l->stop))
            continue;
        if (!retry_ms)
            log_event(LOG_WARN, "store", "op", "cache", "error", gh_status_str(st), "then",
                      "reading the database until a lease starts again", NULL);
        retry_ms = !retry_ms ? RETRY_MS : retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : retry_ms * 2;
        struct pollfd wake = {.fd = l->wake_fd, .events = POLLIN};
        poll(&wake, 1, retry_ms);
    }
    return NULL;
}

gh_status_t pq_listen_start(pg_store_t *s, store_cache_t *cache, pg_listener_t **out)
{
    pg_listener_t *l = calloc(1, sizeof *l);
    if (!l)
        return GH_ERR_NOMEM;
    *l = (pg_listener_t){.s = s, .cache = cache, .wake_fd = eventfd(0, EFD_CLOEXEC)};
    if (l->wake_fd < 0 || pthread_create(&l->thread, NULL, listen_main, l) != 0) {
        if (l->wake_fd >= 0)
            close(l->wake_fd);
        free(l);
        return GH_ERR_INTERNAL;
    }
    *out = l;
    return GH_OK;
}

void pq_listen_stop(pg_listener_t *l)
{
    if (!l)
        return;
    atomic_store(&l->stop, true);
    uint64_t one = 1;
    if (write(l->wake_fd, &one, sizeof one) < 0)
        log_event(LOG_WARN, "store", "op", "cache", "error", "cannot wake the listener", NULL);
    pthread_join(l->thread, NULL);
    close(l->wake_fd);
    free(l);
}
