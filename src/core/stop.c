/* Stop signals for the servers (see stop.h). */
#include "core/stop.h"

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

void stop_signals_wait(const sigset_t *set)
{
    int sig = 0;
    sigwait(set, &sig);
    log_event(LOG_INFO, "stopping", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM", NULL);
}
