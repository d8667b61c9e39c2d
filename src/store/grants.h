/* The grants store (grants.c): what a member gave a client and what the
 * server issued for it: consents, single-use codes, rotated refresh tokens,
 * and the denylist of revoked access tokens and grants. */
#ifndef GH_STORE_GRANTS_H
#define GH_STORE_GRANTS_H

#include "store/store.h"

typedef struct {
    const char *digest; /* of the code */
    const char *client_id;
    const char *redirect_uri;
    const char *scope;
    const char *sub;
    const char *nonce;          /* may be NULL */
    const char *code_challenge; /* S256 challenge, or NULL */
    const char *session_digest; /* login session it came from; may be NULL */
    const char *family;         /* refresh-token family created at redemption; NULL before */
    int64_t auth_time;
    int64_t expires_at;
    const char *resources; /* RFC 8707 resources granted, newline-joined; NULL or "" for none */
    store_authn_t authn;   /* how the member signed in */
    const char *dpop_jkt; /* RFC 9449 §10: the key (thumbprint) redeeming it must prove; or NULL */
} store_code_t;

typedef struct {
    const char *digest; /* of the refresh token */
    const char *family; /* rotation family: all tokens descending from one grant */
    const char *client_id;
    const char *sub; /* NULL for client-only grants */
    const char *scope;
    int64_t auth_time;
    int64_t issued_at;
    int64_t expires_at;
    const char *resources; /* RFC 8707 resources of the grant, newline-joined; "" for none */
    store_authn_t authn;   /* how the member signed in (NULLs for client grants) */
    const char *dpop_jkt;  /* RFC 9449 §5: the key (thumbprint) it is bound to; NULL for none */
} store_refresh_t;

/* A client holding a member's consent, as the account page lists it. */
typedef struct {
    const char *client_id;
    const char *client_name; /* may be NULL */
    const char *scope;       /* granted, space-separated */
    int64_t updated_at;      /* when the consent was last given */
    int64_t last_used_at;    /* the latest token issued to the client for the member (a code
                                redeemed, a refresh token rotated) still on record; 0 for none */
} store_consent_t;

/* ---- consents: the scopes a user has granted a client ---- */
/* *scope gets the granted scopes (space-separated); NOT_FOUND when none. */
gh_status_t store_consent_get(store_t *s, arena_t *a, const char *sub, const char *client_id,
                              const char **scope);
/* Replaces the granted scopes for (sub, client_id). */
gh_status_t store_consent_put(store_t *s, const char *sub, const char *client_id, const char *scope,
                              int64_t now);

/* Every client holding sub's consent, by client id; *out is an arena array
 * (NULL when there are none). */
gh_status_t store_consent_list(store_t *s, arena_t *a, const char *sub, store_consent_t **out,
                               size_t *count);
/* In one transaction: removes sub's consent to client_id and ends that
 * client's grants for sub (store_grants_end), also grants made without a
 * consent; with client_id NULL every consent and grant of sub. GH_OK also
 * when there was nothing. */
gh_status_t store_consent_revoke(store_t *s, const char *sub, const char *client_id, int64_t now,
                                 int64_t revoke_until);
/* Inside the caller's transaction (op names it for the log): ends every
 * grant sub holds, of client_id only when it is not NULL: puts each grant's
 * family (from its refresh tokens and redeemed codes) on the denylist until
 * revoke_until, revokes the refresh tokens, deletes the codes not yet
 * redeemed and denies the approved device authorizations not yet redeemed.
 * Used by store_user_end_all and store_consent_revoke. */
gh_status_t store_grants_end(store_t *s, const char *op, const char *sub, const char *client_id,
                             int64_t revoke_until);

/* ---- authorization codes (single use) ---- */
gh_status_t store_code_put(store_t *s, const store_code_t *c);
/* store_code_put and, when c->authn.sid is set, the record that c's client
 * received a code in that session of c->sub until session_expires_at
 * (store_session_client_add): one statement on PostgreSQL (a data-modifying
 * WITH: one round trip), the two in turn on SQLite. */
gh_status_t store_code_put_tracked(store_t *s, const store_code_t *c, int64_t session_expires_at);
/* Atomically marks client_id's code used and returns it, recording family
 * (the refresh family the redemption will create) on it. NOT_FOUND when
 * unknown, expired at now or another client's (compared in the same atomic
 * step, so another client's attempt leaves the code unspent); CONFLICT when
 * it was already used, and then *out holds the earlier redemption (with its
 * family) so the caller can revoke what it issued; a used code stays
 * CONFLICT after it expires, so a late replay is still seen. */
gh_status_t store_code_take(store_t *s, arena_t *a, const char *digest, const char *client_id,
                            int64_t now, const char *family, store_code_t *out);
/* store_code_take, and when the code is taken, in the same atomic step the
 * first refresh token of the new family: first->digest, issued_at and
 * expires_at are the caller's, and so is first->dpop_jkt (the key it is
 * bound to, or NULL); the rest (family, client, sub, scope, auth_time,
 * authn) is the code's. first NULL: store_code_take. */
gh_status_t store_code_redeem(store_t *s, arena_t *a, const char *digest, const char *client_id,
                              int64_t now, const char *family, const store_refresh_t *first,
                              store_code_t *out);

/* ---- refresh tokens (rotated) ---- */
/* Stores the first token of a new family; CONFLICT when that family is
 * already on the denylist (its grant was revoked, e.g. by a code replay, while
 * this token was being issued). */
gh_status_t store_refresh_put(store_t *s, const store_refresh_t *r);
/* Looks up a live refresh token (not used, not revoked, not expired). */
gh_status_t store_refresh_get(store_t *s, arena_t *a, const char *digest, int64_t now,
                              store_refresh_t *out);
/* In one transaction: finds old_digest for client_id; when it is live, marks it
 * used and inserts next (whose family, sub, scope and auth_time are copied from
 * the old one; next->digest, issued_at and expires_at are the caller's) and
 * returns the old record in *old. A token rotated less than grace seconds
 * before now counts as live (it keeps its first rotation time, so the grace
 * is never extended); grace 0 turns that off. NOT_FOUND when unknown,
 * expired, revoked or another client's; CONFLICT when it was already used
 * (past the grace), and then the whole family is revoked (RFC 9700 §4.14.2
 * reuse detection) and old->family names it. next->dpop_jkt is the key of
 * the request's DPoP proof (NULL: none): a token bound to another key (RFC
 * 9449 §5) is NOT_FOUND and stays unspent; the successor keeps the old
 * token's binding. */
gh_status_t store_refresh_rotate(store_t *s, arena_t *a, const char *old_digest,
                                 const char *client_id, int64_t now, int64_t grace,
                                 const store_refresh_t *next, store_refresh_t *old);
/* Revokes every token of a family. */
gh_status_t store_refresh_revoke_family(store_t *s, const char *family);

/* ---- revoked access tokens: a denylist by jti (RFC 7009) ---- */
/* The denylist holds the jti of each revoked access token and the family id
 * of each revoked grant (every token issued from one authorization). */
/* Records jti (or a family id) as revoked until expires_at (the token's exp,
 * or the latest exp of the family's access tokens); revoking it again does
 * nothing. now lets the engine prune rows whose tokens have expired. */
gh_status_t store_jti_revoke(store_t *s, const char *jti, int64_t expires_at, int64_t now);
/* Records a one-time value (a client assertion's jti, RFC 7523 §3) on the
 * same list until expires_at: GH_OK the first time, GH_ERR_CONFLICT when it
 * is already there (a replay). Atomic: of two concurrent callers one wins. */
gh_status_t store_jti_use_once(store_t *s, const char *jti, int64_t expires_at, int64_t now);
/* *revoked is true when jti, or family (NULL when the token has none), is on
 * the denylist with a row not expired at now. One indexed lookup: it sits on
 * the path of every userinfo call. */
gh_status_t store_jti_is_revoked(store_t *s, const char *jti, const char *family, int64_t now,
                                 bool *revoked);

#endif
