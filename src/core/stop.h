/* The life of a server process as a service manager sees it: SIGINT and
 * SIGTERM stop it gracefully, SIGHUP reloads what can be reloaded. The
 * signals are blocked in every thread (call stop_signals_block before
 * starting any) and awaited by the main thread, which does periodic chores
 * while it waits; SIGPIPE is ignored. The service manager is told (core/
 * notify.h) when the server is ready, reloading and stopping. */
#ifndef GH_CORE_STOP_H
#define GH_CORE_STOP_H

#include <signal.h>

/* Blocks SIGINT, SIGTERM and SIGHUP in this thread (and the threads it
 * starts later), ignores SIGPIPE, and fills set with the three. */
void stop_signals_block(sigset_t *set);

/* One part of a reload: does it and returns what it reloaded, in a few
 * words ("signing keys"), or NULL when it failed (having logged why). */
typedef const char *(*stop_reload_fn)(void *ctx);

/* Adds a part to what SIGHUP reloads, run in the order added (at most 8);
 * call from the main thread before stop_signals_wait. */
void stop_signals_on_reload(stop_reload_fn fn, void *ctx);

/* Says READY=1 to the service manager, then serves signals until a stop
 * signal of set comes: on SIGHUP it runs every reload part and logs one line
 * naming what was reloaded; on SIGINT or SIGTERM it logs which, says
 * STOPPING=1 and returns. Meanwhile, when chore is not NULL, calls chore(ctx)
 * every every_s seconds. */
void stop_signals_wait(const sigset_t *set, unsigned every_s, void (*chore)(void *ctx), void *ctx);

#endif
