/* The logout store (logout.c): which clients received codes in which sign-in
 * session, and the outbox of back-channel logout tokens still to deliver
 * (OpenID Connect Back-Channel Logout 1.0; docs/clients.md "Logout"). */
#ifndef GH_STORE_LOGOUT_H
#define GH_STORE_LOGOUT_H

#include "store/store.h"

/* A client that received a code in session sid of sub, and where it hears
 * of the session's end (NULLs: nowhere). */
typedef struct {
    const char *sid, *sub, *client_id;
    const char *backchannel_logout_uri;
    const char *frontchannel_logout_uri;
    bool frontchannel_logout_session_required;
} store_session_client_t;

/* A logout token to deliver: claims made at each attempt from these. */
typedef struct {
    const char *jti, *client_id, *uri, *sub;
    const char *sid; /* NULL when unknown */
    int64_t created_at;
    int64_t attempts; /* including the one just claimed */
} store_logout_msg_t;

/* Records that client_id received a code in session sid of sub (kept until
 * the session's expires_at). Recording it again only extends it. */
gh_status_t store_session_client_add(store_t *s, const char *sid, const char *client_id,
                                     const char *sub, int64_t expires_at);

/* Ends the tracking of session sid (or, with sid NULL, of every session of
 * sub), in one transaction: lists its clients into an arena array *out,
 * queues a logout token (due at now) for each with a backchannel_logout_uri,
 * forgets them, and, when revoke_until is not 0, revokes the refresh tokens
 * issued in the session(s) that were not granted offline_access, with their
 * access tokens (the family on the denylist until revoke_until). *out is NULL
 * when there are none. */
gh_status_t store_logout_session(store_t *s, arena_t *a, const char *sid, const char *sub,
                                 int64_t now, int64_t revoke_until, store_session_client_t **out,
                                 size_t *count);

/* True (*due) when a message is waiting and due at now: a read only, so an
 * idle worker polls without writing. */
gh_status_t store_logout_due(store_t *s, int64_t now, bool *due);

/* Claims the message due first: atomically (of several workers on one
 * database exactly one gets it) counts an attempt and hides it from others
 * until now + lease. NOT_FOUND when none is due. */
gh_status_t store_logout_claim(store_t *s, arena_t *a, int64_t now, int64_t lease,
                               store_logout_msg_t *out);

/* Delivered, or given up: the message is deleted. */
gh_status_t store_logout_done(store_t *s, const char *jti);

/* Not delivered: the message is tried again at next_at. */
gh_status_t store_logout_retry(store_t *s, const char *jti, int64_t next_at);

#endif
