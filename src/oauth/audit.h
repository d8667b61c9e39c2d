/* The audit trail's writer: one call per event, for every module that has
 * something to record (admin actions, sign-in, lockout, token reuse, consent,
 * keys, and later second factors, mail and federated sign-in).
 *
 * Each event is a row of the events store (store/events.h) and one JSON log
 * line {"event":"audit","action",…}. Recording never fails its caller: a
 * store failure is logged and the caller goes on. Action names are listed in
 * docs/admin.md; name a new one there ("area.verb", lower case). Never pass a
 * secret in details. */
#ifndef GH_OAUTH_AUDIT_H
#define GH_OAUTH_AUDIT_H

#include "http/http.h"
#include "store/store.h"

/* Records action on target (may be NULL) by actor (a member's sub, a
 * client_id, "cli"; may be NULL when unknown) from ip (may be NULL). details
 * is a JSON object as text, or NULL for "{}". */
void audit_record(store_t *s, const char *actor, const char *ip, const char *action,
                  const char *target, const char *details);

/* A details object of string members in arena a: pairs of const char *key,
 * const char *value (NULL values left out), ended by a NULL key. NULL when
 * out of memory (audit_record then writes "{}"). */
const char *audit_details(arena_t *a, ...) __attribute__((sentinel));

/* audit_record for a request of the authorization server: its store and the
 * client's address. */
void audit_event(const http_request_t *req, const char *actor, const char *action,
                 const char *target, const char *details);

#endif
