/* Per-thread connections, shared by the storage engines: each thread keeps
 * its own connection in a pthread key (so no connection is ever used by two
 * threads and no lock sits on the query path), and every connection is also
 * on one list, under a mutex taken only to open or close one, so that
 * store_close can reach connections of threads that are still alive. */
#include "store/store_int.h"

static void unlink_conn(store_conns_t *r, store_conn_t *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        r->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
}

/* pthread key destructor: the thread is exiting, its connection goes with it. */
static void on_thread_exit(void *p)
{
    store_conn_t *c = p;
    store_conns_t *r = c->owner;
    pthread_mutex_lock(&r->lock);
    unlink_conn(r, c);
    pthread_mutex_unlock(&r->lock);
    r->free(c);
}

gh_status_t store_conns_init(store_conns_t *r, void (*free_fn)(store_conn_t *c))
{
    r->head = NULL;
    r->free = free_fn;
    if (pthread_mutex_init(&r->lock, NULL) != 0)
        return GH_ERR_INTERNAL;
    if (pthread_key_create(&r->key, on_thread_exit) != 0) {
        pthread_mutex_destroy(&r->lock);
        return GH_ERR_INTERNAL;
    }
    return GH_OK;
}

store_conn_t *store_conns_current(store_conns_t *r)
{
    return pthread_getspecific(r->key);
}

gh_status_t store_conns_adopt(store_conns_t *r, store_conn_t *c)
{
    c->owner = r;
    c->prev = NULL;
    if (pthread_setspecific(r->key, c) != 0) {
        r->free(c);
        return GH_ERR_NOMEM;
    }
    pthread_mutex_lock(&r->lock);
    c->next = r->head;
    if (r->head)
        r->head->prev = c;
    r->head = c;
    pthread_mutex_unlock(&r->lock);
    return GH_OK;
}

void store_conns_close_all(store_conns_t *r)
{
    pthread_key_delete(r->key); /* from here on no destructor runs */
    pthread_mutex_lock(&r->lock);
    while (r->head) {
        store_conn_t *c = r->head;
        r->head = c->next;
        r->free(c);
    }
    pthread_mutex_unlock(&r->lock);
    pthread_mutex_destroy(&r->lock);
}
