/* The outbox store (outbox.c): messages waiting to be sent by the mail
 * worker (src/mail/worker.c). A request only adds a row; a worker claims one
 * at a time for a lease, so of several instances on one database exactly one
 * sends it, and a worker that died lets the lease run out for another. */
#ifndef GH_STORE_OUTBOX_H
#define GH_STORE_OUTBOX_H

#include "store/store.h"

typedef struct {
    const char *id;        /* also the Message-ID's left part */
    const char *recipient; /* one address */
    const char *message;   /* the whole RFC 5322 message, CRLF line ends */
    int64_t attempts;      /* tries so far, this one included once claimed */
} store_mail_t;

/* Adds a message, due at now. */
gh_status_t store_outbox_add(store_t *s, const store_mail_t *m, int64_t now);
/* Claims the message due longest ago at now (next_at passed, no live
 * claim) until now + lease seconds, counting one more attempt: GH_OK and
 * *out, or GH_ERR_NOT_FOUND when none is due (or another worker took it
 * first). */
gh_status_t store_outbox_claim(store_t *s, arena_t *a, int64_t now, int64_t lease,
                               store_mail_t *out);
/* The message was sent, or given up: removes it. */
gh_status_t store_outbox_remove(store_t *s, const char *id);
/* The message failed: due again at next_at, its claim released, error kept
 * (for an operator reading the table). */
gh_status_t store_outbox_retry(store_t *s, const char *id, int64_t next_at, const char *error);
/* How many messages wait (due or not). */
gh_status_t store_outbox_count(store_t *s, int64_t *count);

#endif
