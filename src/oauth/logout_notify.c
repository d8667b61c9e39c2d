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
#include <string.h>

#include "core/clock.h"
#include "oauth/oauth_int.h"
#include "oauth/server.h"

/* The outbox and revocation part of a session's end, without waking the
 * delivery thread (which then finds the rows at its next poll). */
static gh_status_t session_ended(store_t *store, const config_server_t *cfg, arena_t *a,
                                 const store_session_t *session, store_session_client_t **clients,
                                 size_t *count)
{
    *clients = NULL;
    *count = 0;
    if (!session->authn.sid) /* a session from before sids (migration 011) */
        return GH_OK;
    int64_t now = clock_now();
    return store_logout_session(store, a, session->authn.sid, session->sub, now,
                                oauth_revoke_until(cfg, now), clients, count);
}

gh_status_t logout_session_ended(app_t *app, arena_t *a, const store_session_t *session,
                                 store_session_client_t **clients, size_t *count)
{
    gh_status_t st = session_ended(app->store, app->cfg, a, session, clients, count);
    if (st == GH_OK)
        backchannel_wake(app->backchannel);
    return st;
}

gh_status_t oauth_session_end(store_t *store, const config_server_t *cfg, arena_t *a,
                              const char *sub, const char *digest)
{
    store_session_t session;
    gh_status_t st = store_session_get(store, a, digest, clock_now(), &session);
    if (st == GH_OK && strcmp(session.sub, sub) != 0)
        st = GH_ERR_NOT_FOUND; /* another member's */
    if (st == GH_OK)
        st = store_session_end(store, sub, digest);
    store_session_client_t *clients = NULL;
    size_t count = 0;
    return st == GH_OK ? session_ended(store, cfg, a, &session, &clients, &count) : st;
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
