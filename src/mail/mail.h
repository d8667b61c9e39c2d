/* Mail of the authorization server: the messages it sends (a password
 * reset, an e-mail verification, an invitation), how they are written
 * (MIME, mime.c), the outbox they wait in and the worker that sends them
 * (worker.c; the SMTP dialogue itself is httpc_mail_send's).
 *
 * A request never waits on SMTP: mail_queue builds the whole message and adds
 * it to the outbox table, then wakes the worker. The worker sends with
 * retries and exponential backoff; a restart or an SMTP outage loses nothing
 * (the row stays until the server accepted it), and with several instances on
 * one database each message is claimed, and sent, by one of them
 * (docs/account.md). */
#ifndef GH_MAIL_MAIL_H
#define GH_MAIL_MAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "store/store.h"
#include "ui/ui.h"

/* ---- MIME (mime.c): pure, unit-tested and fuzzed ---- */

#define MAIL_ADDRESS_MAX 254 /* RFC 5321 §4.5.3.1.3, a path's 256 less the brackets */

typedef struct {
    const char *from, *to;  /* bare addresses (mail_address_valid) */
    const char *subject;    /* UTF-8; RFC 2047 encoded when it is not plain ASCII */
    const char *message_id; /* the left part; "@" and the From domain are added */
    int64_t date;           /* unix seconds: the Date header, in UTC */
    const char *text;       /* the text/plain part, UTF-8, \n line ends */
    const char *html;       /* the text/html part, UTF-8 */
} mail_mime_t;

/* Appends the whole message to b (RFC 5322, CRLF line ends, no line over 78
 * characters but the address headers of an address near its 254): Date, From, To, Subject,
 * Message-ID, MIME-Version, Auto-Submitted, and a multipart/alternative body of the text then the
 * HTML part, each UTF-8 in base64. GH_ERR_INVALID when an address is not valid, or the subject or a
 * part is not UTF-8; GH_ERR_NOMEM when b ran out. */
gh_status_t mail_mime_build(buf_t *b, const mail_mime_t *m);

/* Whether s is an address we send to: LOCAL@DOMAIN, at most
 * MAIL_ADDRESS_MAX bytes, the local part of printable ASCII without space,
 * quote, brackets, comma, semicolon, colon, backslash or "@", the domain of
 * dot-separated labels of letters, digits and hyphens. No quoted local parts,
 * no IP literals. */
bool mail_address_valid(const char *s);

/* Whether s has the shape of a link's token: 43 base64url characters
 * (256 random bits, secret_token). Anything else is refused before the store
 * is asked. */
bool mail_token_valid(const char *s);

/* ---- the messages ---- */

typedef enum { MAIL_RESET, MAIL_VERIFY, MAIL_EMAIL_CHANGE, MAIL_INVITE } mail_kind_t;

typedef struct {
    mail_kind_t kind;
    ui_lang_t lang;       /* the member's language: the page's they asked from */
    const char *to;       /* the address */
    const char *username; /* the account it is about; NULL for an invitation */
    const char *link;     /* the single-use link */
} mail_request_t;

/* Whether cfg names a mail server: the features that need mail are offered
 * only then. */
bool mail_configured(const config_smtp_t *cfg);

/* Writes the message of r (subject, text and HTML parts in r->lang) and adds
 * it to the outbox, due now. GH_ERR_UNAVAILABLE when mail is not
 * configured, GH_ERR_INVALID when the address is not valid, else the store's
 * status. */
gh_status_t mail_queue(store_t *s, const config_smtp_t *cfg, arena_t *a, const mail_request_t *r,
                       int64_t now);

/* ---- the worker (worker.c) ---- */

typedef struct mail_worker mail_worker_t;

/* Starts the thread that sends the outbox through cfg's server (borrowed,
 * like s: both must outlive the worker). *out is NULL, and GH_OK returned,
 * when mail is not configured. */
gh_status_t mail_worker_start(store_t *s, const config_smtp_t *cfg, mail_worker_t **out);

/* Tells the worker a message was just queued (it otherwise looks once a
 * second). NULL does nothing. */
void mail_worker_wake(mail_worker_t *w);

/* Stops the worker: a delivery under way finishes (within [smtp] timeout);
 * what is not sent stays in the outbox for the next start. NULL does
 * nothing. */
void mail_worker_stop(mail_worker_t *w);

/* The wait after a failed attempt (attempts >= 1): retry_min doubled per
 * attempt before it, at most retry_max. Pure, for the tests. */
int64_t mail_backoff(const config_smtp_t *cfg, int64_t attempts);

#endif
