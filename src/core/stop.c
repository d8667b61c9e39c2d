/* Stop signals for the servers (see stop.h). */
#include "core/stop.h"

#include <errno.h>
#include <pthread.h>

#include "core/log.h"

void stop_signals_block(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void stop_signals_wait(const sigset_t *set, unsigned every_s, void (*chore)(void *ctx), void *ctx)
{
    const struct timespec every = {.tv_sec = every_s};
    int sig = -1;
    while (sig < 0) {
        sig = chore ? sigtimedwait(set, NULL, &every) : sigwaitinfo(set, NULL);
        if (sig < 0 && errno == EAGAIN)
            chore(ctx);
    }
    log_event(LOG_INFO, "stopping", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM", NULL);
}
