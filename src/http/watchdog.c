/* The header deadline: a client must send a request's headers within the
 * connection timeout, counted from when the connection opened or its previous
 * request completed. libmicrohttpd's own timeout only counts idle time, so a
 * client trickling one byte per second (slowloris) would hold a connection
 * for ever; the watchdog thread shuts such a socket down, and libmicrohttpd
 * then closes the connection as it would any that the client closed.
 *
 * Entries are registered and removed by libmicrohttpd's connection
 * notifications (removal comes before the socket is closed), under one mutex
 * the watchdog also holds while it shuts a socket down, so it never touches a
 * descriptor that has been closed and reused. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "core/clock.h"
#include "http/http_int.h"

#define TICK_NS (200 * 1000 * 1000)

struct http_watch {
    struct http_watch *prev, *next;
    int fd;
    uint64_t since_us; /* when the wait for the next request's headers began */
    bool headers_in;   /* a request's headers are in; it is being read or answered */
    bool dropped;
};

struct http_watchdog {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    uint64_t deadline_us;
    bool stopping;
    http_watch_t head; /* sentinel of a circular list */
};

/* Shuts down the sockets past their deadline; called with the lock held. */
static void sweep(http_watchdog_t *w)
{
    uint64_t now = clock_mono_us();
    for (http_watch_t *e = w->head.next; e != &w->head; e = e->next) {
        if (!e->headers_in && !e->dropped && now - e->since_us > w->deadline_us) {
            shutdown(e->fd, SHUT_RDWR);
            e->dropped = true;
        }
    }
}

static void *run(void *arg)
{
    http_watchdog_t *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += TICK_NS;
        until.tv_sec += until.tv_nsec / 1000000000;
        until.tv_nsec %= 1000000000;
        pthread_cond_timedwait(&w->wake, &w->lock, &until);
        sweep(w);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

http_watchdog_t *http_watchdog_start(unsigned timeout_s)
{
    http_watchdog_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->deadline_us = (uint64_t)timeout_s * 1000000u;
    w->head.next = w->head.prev = &w->head;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

void http_watchdog_stop(http_watchdog_t *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    while (w->head.next != &w->head)
        http_watchdog_remove(w, w->head.next);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

http_watch_t *http_watchdog_add(http_watchdog_t *w, int fd)
{
    http_watch_t *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->fd = fd;
    e->since_us = clock_mono_us();
    pthread_mutex_lock(&w->lock);
    e->next = w->head.next;
    e->prev = &w->head;
    w->head.next->prev = e;
    w->head.next = e;
    pthread_mutex_unlock(&w->lock);
    return e;
}

void http_watchdog_remove(http_watchdog_t *w, http_watch_t *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&w->lock);
    e->prev->next = e->next;
    e->next->prev = e->prev;
    pthread_mutex_unlock(&w->lock);
    free(e);
}

void http_watchdog_headers(http_watchdog_t *w, http_watch_t *e, bool in)
{
    if (!e)
        return;
    pthread_mutex_lock(&w->lock);
    e->headers_in = in;
    if (!in)
        e->since_us = clock_mono_us();
    pthread_mutex_unlock(&w->lock);
}
