/* The mail worker (mail.h): one thread per server that sends the outbox.
 *
 * It claims one due message at a time (store_outbox_claim: a lease of twice
 * the delivery timeout, so a claim outlives any delivery under way and a dead
 * worker's claim runs out for another), hands it to httpc_mail_send, and
 * then removes it, or schedules the next try after mail_backoff. A refusal
 * for good (a 5xx answer) or max_attempts failures give the message up, with
 * a log line; nothing else removes one. Between messages it sleeps until
 * woken (mail_worker_wake) or for a second, so a message queued by another
 * instance, or due for a retry, goes out within about a second. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "httpc/httpc.h"
#include "mail/mail.h"

#define POLL_SECONDS 1
#define WORKER_ARENA (256u << 10) /* one message at a time */

struct mail_worker {
    store_t *store;
    const config_smtp_t *cfg;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond; /* on CLOCK_MONOTONIC */
    bool stop, woken;    /* under lock */
};

int64_t mail_backoff(const config_smtp_t *cfg, int64_t attempts)
{
    int64_t wait = cfg->retry_min;
    for (int64_t i = 1; i < attempts && wait < cfg->retry_max; i++)
        wait *= 2;
    return wait < cfg->retry_max ? wait : cfg->retry_max;
}

/* After a failed try of m: another later, or give it up. */
static void failed(mail_worker_t *w, const store_mail_t *m, bool permanent, const char *why)
{
    int64_t now = clock_now();
    gh_status_t st;
    if (permanent || m->attempts >= w->cfg->max_attempts) {
        log_event(LOG_WARN, "mail_given_up", "id", m->id, "error", why, NULL);
        st = store_outbox_remove(w->store, m->id);
    } else {
        log_event(LOG_INFO, "mail_retry", "id", m->id, "error", why, NULL);
        st = store_outbox_retry(w->store, m->id, now + mail_backoff(w->cfg, m->attempts), why);
    }
    if (st != GH_OK) /* the claim runs out and the message is tried again */
        log_event(LOG_WARN, "mail_outbox", "id", m->id, "error", gh_status_str(st), NULL);
}

/* Sends one due message; false when there was none (or the store failed). */
static bool send_one(mail_worker_t *w, arena_t *a)
{
    store_mail_t m;
    int64_t lease = 2 * w->cfg->timeout + 10;
    gh_status_t st = store_outbox_claim(w->store, a, clock_now(), lease, &m);
    if (st != GH_OK) {
        if (st != GH_ERR_NOT_FOUND)
            log_event(LOG_WARN, "mail_outbox", "op", "claim", "error", gh_status_str(st), NULL);
        return false;
    }
    httpc_mail_t out = {.url = w->cfg->url,
                        .user = w->cfg->user,
                        .password = w->cfg->password,
                        .from = w->cfg->from,
                        .to = m.recipient,
                        .message = m.message,
                        .message_len = strlen(m.message),
                        .timeout_ms = w->cfg->timeout * 1000};
    bool permanent = false;
    char why[200];
    if (httpc_mail_send(&out, &permanent, why, sizeof why) != GH_OK) {
        failed(w, &m, permanent, why);
        return true;
    }
    log_event(LOG_INFO, "mail_sent", "id", m.id, NULL);
    if ((st = store_outbox_remove(w->store, m.id)) != GH_OK)
        log_event(LOG_WARN, "mail_outbox", "op", "remove", "error", gh_status_str(st), NULL);
    return true;
}

/* Sleeps until woken, stopped, or POLL_SECONDS passed; false once stopped. */
static bool nap(mail_worker_t *w)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += POLL_SECONDS;
    pthread_mutex_lock(&w->lock);
    while (!w->stop && !w->woken)
        if (pthread_cond_timedwait(&w->cond, &w->lock, &until) != 0)
            break;
    w->woken = false;
    bool go_on = !w->stop;
    pthread_mutex_unlock(&w->lock);
    return go_on;
}

static bool stopping(mail_worker_t *w)
{
    pthread_mutex_lock(&w->lock);
    bool stop = w->stop;
    pthread_mutex_unlock(&w->lock);
    return stop;
}

static void *run(void *p)
{
    mail_worker_t *w = p;
    do {
        bool sent = true;
        while (sent && !stopping(w)) {
            arena_t *a = arena_new(WORKER_ARENA);
            sent = a && send_one(w, a);
            arena_free(a);
        }
    } while (nap(w));
    return NULL;
}

gh_status_t mail_worker_start(store_t *s, const config_smtp_t *cfg, mail_worker_t **out)
{
    *out = NULL;
    if (!mail_configured(cfg))
        return GH_OK;
    gh_status_t st = httpc_init(); /* before the thread: curl_global_init is not thread-safe */
    if (st != GH_OK)
        return st;
    mail_worker_t *w = calloc(1, sizeof *w);
    if (!w)
        return GH_ERR_NOMEM;
    *w = (mail_worker_t){.store = s, .cfg = cfg};
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return GH_ERR_INTERNAL;
    }
    *out = w;
    return GH_OK;
}

void mail_worker_wake(mail_worker_t *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->woken = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

void mail_worker_stop(mail_worker_t *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
