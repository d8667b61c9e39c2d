/* Graceful stop of the servers: SIGINT and SIGTERM are blocked in every
 * thread (call stop_signals_block before starting any) and awaited by the
 * main thread, which does periodic chores while it waits; SIGPIPE is
 * ignored. */
#ifndef GH_CORE_STOP_H
#define GH_CORE_STOP_H

#include <signal.h>

/* Blocks SIGINT and SIGTERM in this thread (and the threads it starts later),
 * ignores SIGPIPE, and fills set with the two stop signals. */
void stop_signals_block(sigset_t *set);

/* Waits for one of the signals of set and logs which. Meanwhile, when chore
 * is not NULL, calls chore(ctx) every every_s seconds. */
void stop_signals_wait(const sigset_t *set, unsigned every_s, void (*chore)(void *ctx), void *ctx);

#endif
