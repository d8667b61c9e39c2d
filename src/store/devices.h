/* The device-authorization store (devices.c, RFC 8628). */
#ifndef GH_STORE_DEVICES_H
#define GH_STORE_DEVICES_H

#include "store/store.h"

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
    int64_t last_poll; /* milliseconds since the epoch; 0 before the first poll */
    int64_t expires_at;
    store_authn_t authn; /* how that person signed in; all NULL while pending */
} store_device_t;

/* ---- device authorizations (RFC 8628) ---- */
/* Stores a new pending authorization (state, sub, auth_time and last_poll are
 * ignored). CONFLICT when its user code digest is taken (pick another code). */
gh_status_t store_device_put(store_t *s, const store_device_t *d);
/* The authorization of a user code, in any state. NOT_FOUND when unknown or
 * expired at now. */
gh_status_t store_device_find(store_t *s, arena_t *a, const char *user_code_digest, int64_t now,
                              store_device_t *out);
/* Atomically records the person's decision on a pending authorization:
 * approved (approve) or denied, by sub signed in at auth_time as authn says
 * (may be NULL: nothing said). NOT_FOUND when
 * unknown or expired; CONFLICT when it was decided already (single use). */
gh_status_t store_device_decide(store_t *s, const char *user_code_digest, int64_t now, bool approve,
                                const char *sub, int64_t auth_time, const store_authn_t *authn);
/* A poll of the token endpoint, in one transaction: finds client_id's
 * authorization by device code digest and sets its last_poll to now_ms (in
 * milliseconds: a poll a moment after another is too soon even across a
 * second's boundary). When it is pending and polled sooner than interval
 * seconds after the previous poll,
 * its interval grows by STORE_DEVICE_SLOW_DOWN and *slow_down is true. *out
 * gets the record (with the new interval) in any state, also when it expired
 * (the caller compares expires_at). NOT_FOUND when unknown or another
 * client's. */
gh_status_t store_device_poll(store_t *s, arena_t *a, const char *digest, const char *client_id,
                              int64_t now_ms, store_device_t *out, bool *slow_down);
/* Atomically moves an approved authorization to redeemed: of two concurrent
 * callers exactly one gets GH_OK, the other CONFLICT (also when it is not
 * approved). */
gh_status_t store_device_redeem(store_t *s, const char *digest);

#endif
