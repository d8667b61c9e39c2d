/* The header deadline: a client must send a request's headers within the
 * connection timeout, counted from when the connection opened or its previous
 * request completed. libmicrohttpd's own timeout only counts idle time, so a
 * client trickling one byte per second (slowloris) would hold a connection
 * for ever; the watchdog shuts such a socket down when the acceptor's thread
 * sweeps it (http_watchdog_sweep, every HTTP_WATCHDOG_TICK_MS), and
 * libmicrohttpd then closes the connection as it would any that the client
 * closed.
 *
 * Entries are registered and removed by libmicrohttpd's connection
 * notifications (removal comes before the socket is closed), under one mutex
 * the sweep also holds while it shuts a socket down, so it never touches a
 * descriptor that has been closed and reused. A request's start and end, twice
 * per request from every worker, only store the entry's atomic clock: no lock
 * on the request path.
 *
 * A client that half-closes its side (shutdown(SHUT_WR)) right after its
 * request is also ended here: libmicrohttpd (0.9.75, edge-triggered epoll)
 * forgets a socket's readiness after a short read, so an end of stream that
 * came in with the request raises no new event and the connection would be
 * held until the timeout. Once the answer is sent, http_watchdog_completed
 * looks for that end of stream and shuts the socket down, which wakes
 * libmicrohttpd up to close it. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/socket.h>

#include "core/clock.h"
#include "http/http_int.h"

#define HEADERS_IN UINT64_MAX /* a request's headers are in; it is being read or answered */

struct http_watch {
    struct http_watch *prev, *next; /* under the lock */
    int fd;
    /* when the wait for the next request's headers began, or HEADERS_IN */
    _Atomic uint64_t since_us;
    bool dropped; /* under the lock */
};

struct http_watchdog {
    pthread_mutex_t lock;
    uint64_t deadline_us;
    http_watch_t head; /* sentinel of a circular list */
};

void http_watchdog_sweep(http_watchdog_t *w)
{
    pthread_mutex_lock(&w->lock);
    uint64_t now = clock_mono_us();
    for (http_watch_t *e = w->head.next; e != &w->head; e = e->next) {
        uint64_t since = atomic_load_explicit(&e->since_us, memory_order_relaxed);
        if (since != HEADERS_IN && !e->dropped && now > since && now - since > w->deadline_us) {
            shutdown(e->fd, SHUT_RDWR);
            e->dropped = true;
        }
    }
    pthread_mutex_unlock(&w->lock);
}

http_watchdog_t *http_watchdog_new(unsigned timeout_s)
{
    http_watchdog_t *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->deadline_us = (uint64_t)timeout_s * 1000000u;
    w->head.next = w->head.prev = &w->head;
    pthread_mutex_init(&w->lock, NULL);
    return w;
}

void http_watchdog_free(http_watchdog_t *w)
{
    if (!w)
        return;
    while (w->head.next != &w->head)
        http_watchdog_remove(w, w->head.next);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

http_watch_t *http_watchdog_add(http_watchdog_t *w, int fd)
{
    http_watch_t *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->fd = fd;
    atomic_init(&e->since_us, clock_mono_us());
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

void http_watchdog_headers(http_watch_t *e, bool in)
{
    if (e)
        atomic_store_explicit(&e->since_us, in ? HEADERS_IN : clock_mono_us(),
                              memory_order_relaxed);
}

void http_watchdog_completed(http_watch_t *e)
{
    if (!e)
        return;
    char c;
    ssize_t n;
    do
        n = recv(e->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    if (n == 0) /* the client sent its end of stream, and nothing after it */
        shutdown(e->fd, SHUT_RDWR);
}
