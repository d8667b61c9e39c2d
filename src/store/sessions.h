/* The sessions store (sessions.c): sign-in sessions, by the digest of the
 * cookie that names them. */
#ifndef GH_STORE_SESSIONS_H
#define GH_STORE_SESSIONS_H

#include "store/store.h"

typedef struct {
    const char *digest; /* of the session id in the cookie */
    const char *sub;
    int64_t auth_time;
    int64_t expires_at;
} store_session_t;

/* ---- login sessions ---- */
gh_status_t store_session_put(store_t *s, const store_session_t *sess);
/* NOT_FOUND when missing or expired at now. */
gh_status_t store_session_get(store_t *s, arena_t *a, const char *digest, int64_t now,
                              store_session_t *out);
gh_status_t store_session_delete(store_t *s, const char *digest);
/* The live sessions of member sub at now, newest first. */
gh_status_t store_session_list_sub(store_t *s, arena_t *a, const char *sub, int64_t now,
                                   store_session_t **out, size_t *count);
/* Deletes session digest of member sub (NOT_FOUND when sub has no such
 * session), or every session of sub when digest is NULL (GH_OK also when
 * there was none). */
gh_status_t store_session_delete_sub(store_t *s, const char *sub, const char *digest);

#endif
