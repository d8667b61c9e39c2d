/* Storage: one interface, engine-neutral (SQLite and PostgreSQL behind the
 * same table of operations).
 *
 * store_open() picks the engine from the URL ("sqlite:PATH", or a libpq URI
 * "postgres://…" / "postgresql://…"), applies the
 * numbered migrations and returns a handle shared by all threads; each engine
 * keeps one connection per thread internally, so callers never lock.
 *
 * Secrets are never stored in the clear: codes, refresh tokens, session ids
 * and client secrets arrive here already digested (core/secret.h); passwords as
 * argon2id strings. Every string a getter returns is allocated in the arena the
 * caller passes and lives as long as it. Single-use operations (store_code_take,
 * store_refresh_rotate) are atomic: of two concurrent callers exactly one wins.
 *
 * Status results: GH_OK; GH_ERR_NOT_FOUND (no such record, or expired; also
 * when a record names a user or client that does not exist);
 * GH_ERR_CONFLICT (already exists, or already used); GH_ERR_UNAVAILABLE (the
 * database cannot be reached or is locked past the busy timeout);
 * GH_ERR_INVALID (a required field is NULL, or a redirect URI is empty or
 * holds a newline); GH_ERR_NOMEM (the arena is full);
 * GH_ERR_INTERNAL otherwise (logged by the engine). */
#ifndef GH_STORE_STORE_H
#define GH_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/status.h"

typedef struct store store_t;

/* Grant types a client may use (bit flags). */
enum {
    STORE_GRANT_AUTHORIZATION_CODE = 1 << 0,
    STORE_GRANT_REFRESH_TOKEN = 1 << 1,
    STORE_GRANT_CLIENT_CREDENTIALS = 1 << 2,
    STORE_GRANT_DEVICE_CODE = 1 << 3,
};

typedef struct {
    const char *sub; /* 32 hex characters, the member's unique id */
    const char *username;
    const char *password_hash; /* argon2id PHC string */
    const char *email;         /* may be NULL */
    const char *nickname;      /* may be NULL */
    const char *name;          /* may be NULL */
    int64_t created_at;
} store_user_t;

typedef struct {
    const char *id;
    const char *secret_digest;  /* core/secret.h client-secret digest; NULL for public clients */
    const char *name;           /* display name for the consent page; may be NULL */
    const char **redirect_uris; /* exact strings, compared byte for byte */
    size_t redirect_uri_count;
    const char **post_logout_redirect_uris;
    size_t post_logout_redirect_uri_count;
    const char *scope; /* space-separated scopes the client may ask for */
    unsigned grants;   /* STORE_GRANT_* */
    bool is_public;
    int64_t created_at;
} store_client_t;

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
} store_refresh_t;

typedef struct {
    const char *digest; /* of the session id in the cookie */
    const char *sub;
    int64_t auth_time;
    int64_t expires_at;
} store_session_t;

typedef struct {
    const char *kid;
    const char *alg;         /* "RS256" or "ES256" */
    const char *private_jwk; /* JSON text of the private JWK */
    int64_t created_at;
    int64_t retire_at;   /* 0 while it signs; after rotation, when to drop it from the JWKS */
    int64_t activate_at; /* when it starts signing (0: once stored); in the JWKS from the start */
} store_key_t;

/* A device authorization (RFC 8628) moves pending → approved | denied, and
 * approved → redeemed when its tokens are issued. */
typedef enum {
    STORE_DEVICE_PENDING = 0,
    STORE_DEVICE_APPROVED = 1,
    STORE_DEVICE_DENIED = 2,
    STORE_DEVICE_REDEEMED = 3,
} store_device_state_t;

/* How much a poll that comes too early adds to the interval (RFC 8628 §3.5). */
#define STORE_DEVICE_SLOW_DOWN 5

typedef struct {
    const char *digest;           /* of the device_code */
    const char *user_code_digest; /* of the normalised user code */
    const char *client_id;
    const char *scope;
    store_device_state_t state;
    const char *sub;   /* who approved or denied; NULL while pending */
    int64_t auth_time; /* of that person's sign-in; 0 while pending */
    int64_t interval;  /* seconds the client must leave between two polls */
    int64_t last_poll; /* 0 before the first poll */
    int64_t expires_at;
} store_device_t;

/* Opens (creating when needed) the database named by url and migrates it. */
gh_status_t store_open(const char *url, store_t **out);

/* Closes every per-thread connection and frees. NULL does nothing. */
void store_close(store_t *s);

/* The engine's name ("sqlite" or "postgresql"). */
const char *store_engine(const store_t *s);

/* ---- users ---- */
gh_status_t store_user_add(store_t *s, const store_user_t *u); /* CONFLICT: username taken */
gh_status_t store_user_get(store_t *s, arena_t *a, const char *sub, store_user_t *out);
gh_status_t store_user_find(store_t *s, arena_t *a, const char *username, store_user_t *out);
gh_status_t store_user_list(store_t *s, arena_t *a, store_user_t **out, size_t *count);
gh_status_t store_user_remove(store_t *s,
                              const char *username); /* also its sessions, consents, tokens */
gh_status_t store_user_set_password(store_t *s, const char *username, const char *password_hash);
/* Ends everything person sub holds, in one transaction (a credential
 * change, a removal): deletes every login session, every code not yet
 * redeemed, denies every approved device authorization not yet redeemed,
 * revokes every refresh token, and puts the family of each grant (from its
 * refresh tokens and redeemed codes) on the denylist until revoke_until, so
 * the grants' access tokens are refused too. GH_OK also when sub held
 * nothing. */
gh_status_t store_user_end_all(store_t *s, const char *sub, int64_t now, int64_t revoke_until);

/* ---- clients ---- */
gh_status_t store_client_add(store_t *s, const store_client_t *c); /* CONFLICT: id taken */
gh_status_t store_client_get(store_t *s, arena_t *a, const char *id, store_client_t *out);
gh_status_t store_client_list(store_t *s, arena_t *a, store_client_t **out, size_t *count);
gh_status_t store_client_remove(store_t *s, const char *id); /* also its consents, codes, tokens */

/* ---- consents: the scopes a user has granted a client ---- */
/* *scope gets the granted scopes (space-separated); NOT_FOUND when none. */
gh_status_t store_consent_get(store_t *s, arena_t *a, const char *sub, const char *client_id,
                              const char **scope);
/* Replaces the granted scopes for (sub, client_id). */
gh_status_t store_consent_put(store_t *s, const char *sub, const char *client_id, const char *scope,
                              int64_t now);

/* ---- login sessions ---- */
gh_status_t store_session_put(store_t *s, const store_session_t *sess);
/* NOT_FOUND when missing or expired at now. */
gh_status_t store_session_get(store_t *s, arena_t *a, const char *digest, int64_t now,
                              store_session_t *out);
gh_status_t store_session_delete(store_t *s, const char *digest);

/* ---- authorization codes (single use) ---- */
gh_status_t store_code_put(store_t *s, const store_code_t *c);
/* Atomically marks client_id's code used and returns it, recording family
 * (the refresh family the redemption will create) on it. NOT_FOUND when
 * unknown, expired at now or another client's (compared in the same atomic
 * step, so another client's attempt leaves the code unspent); CONFLICT when
 * it was already used, and then *out holds the earlier redemption (with its
 * family) so the caller can revoke what it issued; a used code stays
 * CONFLICT after it expires, so a late replay is still seen. */
gh_status_t store_code_take(store_t *s, arena_t *a, const char *digest, const char *client_id,
                            int64_t now, const char *family, store_code_t *out);

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
 * reuse detection) and old->family names it. */
gh_status_t store_refresh_rotate(store_t *s, arena_t *a, const char *old_digest,
                                 const char *client_id, int64_t now, int64_t grace,
                                 const store_refresh_t *next, store_refresh_t *old);
/* Revokes every token of a family. */
gh_status_t store_refresh_revoke_family(store_t *s, const char *family);

/* ---- signing keys ---- */
gh_status_t store_key_add(store_t *s, const store_key_t *k);
/* All keys, newest first. */
gh_status_t store_key_list(store_t *s, arena_t *a, store_key_t **out, size_t *count);
/* Sets retire_at on every key of algorithm alg ("RS256", …) that has none
 * and whose activate_at is not after now, except keep_kid (a rotation; NULL
 * keeps none): a key stored to sign later is left alone. */
gh_status_t store_key_retire_others(store_t *s, const char *keep_kid, const char *alg, int64_t now,
                                    int64_t retire_at);
/* Deletes keys whose retire_at has passed. */
gh_status_t store_key_prune(store_t *s, int64_t now);

/* ---- settings: small named values (generated secrets, schema facts) ---- */
gh_status_t store_setting_get(store_t *s, arena_t *a, const char *name, const char **value);
/* Inserts name = value unless name exists; *value_out gets the stored value
 * either way (so concurrent first starts agree on one generated secret). */
gh_status_t store_setting_init(store_t *s, arena_t *a, const char *name, const char *value,
                               const char **value_out);

/* ---- revoked access tokens: a denylist by jti (RFC 7009) ---- */
/* The denylist holds the jti of each revoked access token and the family id
 * of each revoked grant (every token issued from one authorization). */
/* Records jti (or a family id) as revoked until expires_at (the token's exp,
 * or the latest exp of the family's access tokens); revoking it again does
 * nothing. now lets the engine prune rows whose tokens have expired. */
gh_status_t store_jti_revoke(store_t *s, const char *jti, int64_t expires_at, int64_t now);
/* *revoked is true when jti, or family (NULL when the token has none), is on
 * the denylist with a row not expired at now. One indexed lookup: it sits on
 * the path of every userinfo call. */
gh_status_t store_jti_is_revoked(store_t *s, const char *jti, const char *family, int64_t now,
                                 bool *revoked);
/* ---- attempts: failure counters for throttling (oauth/throttle.c) ---- */

/* One counter. key is chosen by the caller: a prefix naming its purpose
 * (sign-in, user codes), then an opaque digest of what it counts; times are
 * unix seconds, 0 meaning never. */
typedef struct {
    int64_t failures;     /* failures counted in the current window */
    int64_t window_start; /* time of the window's first failure */
    int64_t last_failure;
    int64_t last_success;
} store_attempts_t;

/* The counter of key; NOT_FOUND when nothing was ever counted under it. */
gh_status_t store_attempts_get(store_t *s, const char *key, store_attempts_t *out);
/* Atomically counts one failure at now: one more when the window that began
 * at window_start is younger than window seconds, else a new window with one
 * failure. *out gets the counter as it now is. Counters idle for 30 days are
 * deleted. */
gh_status_t store_attempts_fail(store_t *s, const char *key, int64_t now, int64_t window,
                                store_attempts_t *out);
/* Clears the failures of key and records a success at now. */
gh_status_t store_attempts_succeed(store_t *s, const char *key, int64_t now);
/* A rate limit (no engine of its own: store_attempts_fail's atomic upsert):
 * counts one event under key at now, in windows of window seconds from a
 * window's first event. *retry_after gets 0 when the event is among the
 * first limit of its window, else the seconds left of the window (at least
 * 1). limit <= 0 is no limit: nothing is counted. */
gh_status_t store_rate_count(store_t *s, const char *key, int64_t now, int64_t window, long limit,
                             int64_t *retry_after);
/* Takes one failure off key (a guess counted before it was checked that
 * turned out right, or was refused); never below zero, GH_OK when none. */
gh_status_t store_attempts_forgive(store_t *s, const char *key);
/* ---- device authorizations (RFC 8628) ---- */
/* Stores a new pending authorization (state, sub, auth_time and last_poll are
 * ignored). CONFLICT when its user code digest is taken (pick another code). */
gh_status_t store_device_put(store_t *s, const store_device_t *d);
/* The authorization of a user code, in any state. NOT_FOUND when unknown or
 * expired at now. */
gh_status_t store_device_find(store_t *s, arena_t *a, const char *user_code_digest, int64_t now,
                              store_device_t *out);
/* Atomically records the person's decision on a pending authorization:
 * approved (approve) or denied, by sub signed in at auth_time. NOT_FOUND when
 * unknown or expired; CONFLICT when it was decided already (single use). */
gh_status_t store_device_decide(store_t *s, const char *user_code_digest, int64_t now, bool approve,
                                const char *sub, int64_t auth_time);
/* A poll of the token endpoint, in one transaction: finds client_id's
 * authorization by device code digest and sets its last_poll to now. When it
 * is pending and polled sooner than interval seconds after the previous poll,
 * its interval grows by STORE_DEVICE_SLOW_DOWN and *slow_down is true. *out
 * gets the record (with the new interval) in any state, also when it expired
 * (the caller compares expires_at). NOT_FOUND when unknown or another
 * client's. */
gh_status_t store_device_poll(store_t *s, arena_t *a, const char *digest, const char *client_id,
                              int64_t now, store_device_t *out, bool *slow_down);
/* Atomically moves an approved authorization to redeemed: of two concurrent
 * callers exactly one gets GH_OK, the other CONFLICT (also when it is not
 * approved). */
gh_status_t store_device_redeem(store_t *s, const char *digest);

/* ---- the social-login gateway (seed 002) ---- */

typedef struct {
    const char *digest;   /* of the state value */
    const char *platform; /* the platform the login URL was made for */
    const char *nonce;    /* oidc platforms; may be NULL */
    int64_t expires_at;
    const char *binding; /* digest of the browser's binding cookie; NULL: none */
} store_gw_state_t;

typedef struct {
    const char *id; /* the gateway's own user id */
    const char *platform;
    const char *platform_user_id;
    const char *email, *name, *profile; /* as consented; each may be NULL */
    const char *tokens; /* the upstream tokens, sealed by the gateway; may be NULL */
    int64_t created_at, updated_at;
} store_gw_user_t;

typedef struct {
    const char *digest;  /* of the refresh cookie's jti */
    const char *user_id; /* ignored by store_gw_user_login (the stored user's id is used) */
    int64_t expires_at;
} store_gw_refresh_t;

gh_status_t store_gw_state_put(store_t *s, const store_gw_state_t *st);
/* Atomically marks the state used and returns it. NOT_FOUND when unknown or
 * expired at now; CONFLICT when already used. */
gh_status_t store_gw_state_take(store_t *s, arena_t *a, const char *digest, int64_t now,
                                store_gw_state_t *out);
/* In one transaction: inserts the user, or when (platform, platform_user_id)
 * exists updates its email, name, profile, tokens and updated_at (keeping its
 * id); then inserts the refresh record r for that user. *user_id gets the
 * stored user's id. */
gh_status_t store_gw_user_login(store_t *s, arena_t *a, const store_gw_user_t *u,
                                const store_gw_refresh_t *r, const char **user_id);
gh_status_t store_gw_user_get(store_t *s, arena_t *a, const char *id, store_gw_user_t *out);
/* Replaces the sealed upstream tokens. NOT_FOUND when the user is gone. */
gh_status_t store_gw_user_set_tokens(store_t *s, const char *id, const char *tokens, int64_t now);
/* Deletes the user and its refresh records. NOT_FOUND when there was none. */
gh_status_t store_gw_user_delete(store_t *s, const char *id);
/* In one transaction: when old_digest is live, marks it used, inserts next
 * for the same user and gives that user's id in *user_id. A record used less
 * than grace seconds before now (two tabs refreshing at once) is taken as
 * live again: next is inserted and the first use's time kept; grace 0 turns
 * this off. NOT_FOUND when unknown or expired; CONFLICT when already used
 * (and not within the grace), and then every refresh record of its user is
 * deleted (reuse of a rotated cookie). */
gh_status_t store_gw_refresh_rotate(store_t *s, arena_t *a, const char *old_digest, int64_t now,
                                    int64_t grace, const store_gw_refresh_t *next,
                                    const char **user_id);
/* Deletes one refresh record (logout); GH_OK even when there was none. */
gh_status_t store_gw_refresh_delete(store_t *s, const char *digest);

/* ---- read snapshots ---- */
/* The reads between store_read_begin and store_read_end, on this thread, see
 * one state of the store: a read-only request's lookups (a token's revocation,
 * then its user) agree with each other. No write may come in between. On
 * SQLite they share one read transaction, so one WAL read lock rather than one
 * per statement; on PostgreSQL every statement stays its own snapshot. A begin
 * that fails is logged and the reads run one by one. */
void store_read_begin(store_t *s);
void store_read_end(store_t *s);

/* ---- readiness ---- */
/* Runs a trivial read of the schema: GH_OK when the database answers,
 * GH_ERR_UNAVAILABLE when it cannot be reached or stays locked. */
gh_status_t store_ping(store_t *s);

#endif
