/* Accepting connections: one thread accepts on the listening socket and hands
 * each connection over (the server gives it to the worker holding the
 * fewest). The same thread sweeps the header watchdog (watchdog.c) on its
 * ticks.
 *
 * Left to themselves, libmicrohttpd's pooled workers each poll the listening
 * socket and accept up to ten connections at a time: a burst of connections
 * (a proxy opening its pool, a load generator starting) could all land on one
 * worker and leave the other cores idle for as long as they stay open. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "http/http_int.h"

#define BATCH 64 /* connections accepted before polling again */
#define TICK_US ((uint64_t)HTTP_WATCHDOG_TICK_MS * 1000)

struct http_acceptor {
    pthread_t thread;
    int listen_fd;
    int wake_fd; /* an eventfd, written to stop the thread */
    http_watchdog_t *watchdog;
    http_hand_off_fn hand_off;
    void *ctx;
};

/* Accepts what is waiting, at most limit connections, counting them in
 * *accepted; false when accept(2) failed for another reason than an empty
 * queue (no descriptor or no memory left, most likely), and the thread should
 * wait a tick before retrying, with errno set. */
static bool accept_waiting(http_acceptor_t *a, int limit, int *accepted)
{
    for (int i = 0; i < limit; i++) {
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        int fd =
            accept4(a->listen_fd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            (*accepted)++;
            a->hand_off(a->ctx, fd, (const struct sockaddr *)&peer, len);
        } else if (errno != EINTR && errno != ECONNABORTED) {
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
    }
    return true;
}

static void *run(void *arg)
{
    http_acceptor_t *a = arg;
    bool starved = false, warned = false;
    uint64_t tick = clock_mono_us() + TICK_US;
    for (;;) {
        uint64_t now = clock_mono_us();
        if (now >= tick) {
            http_watchdog_sweep(a->watchdog);
            starved = false; /* waited a tick: try the socket again */
            tick = now + TICK_US;
        }
        struct pollfd p[2] = {{.fd = a->wake_fd, .events = POLLIN},
                              {.fd = a->listen_fd, .events = POLLIN}};
        int ms = (int)((tick - now + 999) / 1000);
        /* while starved, only the wake-up is polled, until the next tick */
        if (poll(p, starved ? 1 : 2, ms) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            break;
        if (starved || !p[1].revents)
            continue;
        int accepted = 0;
        starved = !accept_waiting(a, BATCH, &accepted);
        if (accepted)
            warned = false;
        if (starved && !warned) {
            warned = true;
            log_event(LOG_WARN, "http_server", "message",
                      "cannot accept connections; retrying every tick", "error", strerror(errno),
                      NULL);
        }
    }
    return NULL;
}

http_acceptor_t *http_acceptor_start(int listen_fd, http_watchdog_t *watchdog,
                                     http_hand_off_fn hand_off, void *ctx)
{
    http_acceptor_t *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    *a = (http_acceptor_t){
        .listen_fd = listen_fd, .watchdog = watchdog, .hand_off = hand_off, .ctx = ctx};
    a->wake_fd = eventfd(0, EFD_CLOEXEC);
    if (a->wake_fd >= 0 && pthread_create(&a->thread, NULL, run, a) == 0) {
        pthread_setname_np(a->thread, "acceptor");
        return a;
    }
    if (a->wake_fd >= 0)
        close(a->wake_fd);
    free(a);
    return NULL;
}

void http_acceptor_stop(http_acceptor_t *a)
{
    uint64_t one = 1;
    while (write(a->wake_fd, &one, sizeof one) < 0 && errno == EINTR)
        ;
    pthread_join(a->thread, NULL);
    close(a->wake_fd);
    int accepted = 0;
    accept_waiting(a, INT_MAX, &accepted);
    close(a->listen_fd);
    free(a);
}
