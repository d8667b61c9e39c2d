/* The sessions store (sessions.c): sign-in sessions, by the digest of the
 * cookie that names them, and a member's list of them (the account page). */
#ifndef GH_STORE_SESSIONS_H
#define GH_STORE_SESSIONS_H

#include "store/clients.h"
#include "store/store.h"

typedef struct {
    const char *digest; /* of the session id in the cookie */
    const char *sub;
    int64_t auth_time;
    int64_t expires_at;
    int64_t created_at;     /* when it started; 0 when started before migration 010 */
    int64_t last_seen_at;   /* moved at most once a minute (store_session_touch) */
    const char *user_agent; /* the browser's User-Agent, truncated; may be NULL */
    const char *ip;         /* the address it started from; may be NULL */
    store_authn_t authn;    /* how the member signed in */
} store_session_t;

/* Which second factors a session's member has: the MFA policy's input,
 * read with the session at authorize (store_client_session). */
typedef struct {
    bool totp;    /* a confirmed TOTP */
    bool passkey; /* at least one passkey */
} store_factors_t;

/* ---- login sessions ---- */
gh_status_t store_session_put(store_t *s, const store_session_t *sess);
/* NOT_FOUND when missing or expired at now. */
gh_status_t store_session_get(store_t *s, arena_t *a, const char *digest, int64_t now,
                              store_session_t *out);
/* store_client_get and store_session_get in one statement (one round trip),
 * for an authorization request: the client client_id (NOT_FOUND
 * when unknown, and then nothing else is read), and the session digest
 * (NULL: none) with its member's consent to that client and second factors,
 * *session_st GH_OK or NOT_FOUND when it is missing or expired at now. */
gh_status_t store_client_session(store_t *s, arena_t *a, const char *client_id, const char *digest,
                                 int64_t now, store_client_t *client, gh_status_t *session_st,
                                 store_session_t *session, const char **consent,
                                 store_factors_t *factors);
gh_status_t store_session_delete(store_t *s, const char *digest);
/* Sets last_seen_at to now unless it moved less than `every` seconds before
 * now (so concurrent requests write at most once); GH_OK either way. */
gh_status_t store_session_touch(store_t *s, const char *digest, int64_t now, int64_t every);
/* The sessions of sub live at now, the most recently seen first; *out is an
 * arena array (NULL when there are none). */
gh_status_t store_session_list(store_t *s, arena_t *a, const char *sub, int64_t now,
                               store_session_t **out, size_t *count);
/* Ends the session digest when it is sub's; NOT_FOUND otherwise. */
gh_status_t store_session_end(store_t *s, const char *sub, const char *digest);

#endif
