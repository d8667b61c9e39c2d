/* Stop and reload signals for the servers (see stop.h). */
#include "core/stop.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/notify.h"

#define RELOAD_PARTS_MAX 8

typedef struct {
    stop_reload_fn fn;
    void *ctx;
} reload_part_t;

static reload_part_t reload_parts[RELOAD_PARTS_MAX];
static size_t reload_part_count;

void stop_signals_block(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void stop_signals_on_reload(stop_reload_fn fn, void *ctx)
{
    if (reload_part_count < RELOAD_PARTS_MAX)
        reload_parts[reload_part_count++] = (reload_part_t){fn, ctx};
}

/* Runs every reload part and logs what they reloaded, "a, b" (parts that
 * failed logged their own line). */
static void reload(void)
{
    char what[256] = "";
    size_t len = 0;
    notify_service("RELOADING=1");
    for (size_t i = 0; i < reload_part_count; i++) {
        const char *done = reload_parts[i].fn(reload_parts[i].ctx);
        if (done && len < sizeof what)
            len += (size_t)snprintf(what + len, sizeof what - len, "%s%s", len ? ", " : "", done);
    }
    log_event(LOG_INFO, "reloaded", "signal", "SIGHUP", "what", len ? what : "nothing", NULL);
    notify_service("READY=1");
}

void stop_signals_wait(const sigset_t *set, unsigned every_s, void (*chore)(void *ctx), void *ctx)
{
    const struct timespec every = {.tv_sec = every_s};
    int sig = -1;
    notify_service("READY=1");
    while (sig != SIGINT && sig != SIGTERM) {
        sig = chore ? sigtimedwait(set, NULL, &every) : sigwaitinfo(set, NULL);
        if (sig < 0 && errno == EAGAIN)
            chore(ctx);
        else if (sig == SIGHUP)
            reload();
    }
    log_event(LOG_INFO, "stopping", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM", NULL);
    notify_service("STOPPING=1");
}
