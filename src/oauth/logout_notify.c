/* Telling clients that a sign-in session ended (OpenID Connect Back-Channel
 * Logout 1.0, docs/clients.md "Logout"): the hooks the places where sessions
 * end call. They only write to the store (store/logout.h) and wake the
 * delivery thread (backchannel.c); nothing here waits for a client.
 *
 * Decision: a session ended by its member (RP-initiated logout) also revokes
 * the refresh tokens issued in it, with their access tokens, unless they were
 * granted offline_access, which exists to outlive the sign-in (OpenID Connect
 * Core §11). Back-Channel Logout 1.0 §2.7 leaves this to the OP; ending a
 * member's every session (oauth_user_end_all) already revokes all grants. */
#include "core/clock.h"
#include "oauth/oauth_int.h"

gh_status_t logout_session_ended(app_t *app, arena_t *a, const store_session_t *session,
                                 store_session_client_t **clients, size_t *count)
{
    *clients = NULL;
    *count = 0;
    if (!session->authn.sid) /* a session from before sids (migration 011) */
        return GH_OK;
    int64_t now = clock_now();
    gh_status_t st = store_logout_session(app->store, a, session->authn.sid, session->sub, now,
                                          now + app->cfg->access_token_ttl + GRANT_REVOKE_MARGIN,
                                          clients, count);
    if (st == GH_OK)
        backchannel_wake(app->backchannel);
    return st;
}

gh_status_t logout_user_ended(store_t *store, const char *sub)
{
    arena_t *a = arena_new(1u << 20);
    if (!a)
        return GH_ERR_NOMEM;
    store_session_client_t *clients = NULL;
    size_t n = 0;
    gh_status_t st = store_logout_session(store, a, NULL, sub, clock_now(), 0, &clients, &n);
    arena_free(a);
    return st;
}
