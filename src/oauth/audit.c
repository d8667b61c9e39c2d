/* The audit trail's writer (audit.h): a row in the events store and a log
 * line per event. */
#include "oauth/audit.h"

#include <stdarg.h>

#include "core/clock.h"
#include "core/jsonw.h"
#include "core/log.h"
#include "oauth/oauth_int.h"

void audit_record(store_t *s, const char *actor, const char *ip, const char *action,
                  const char *target, const char *details)
{
    store_event_t e = {.time = clock_now(),
                       .actor = actor,
                       .action = action,
                       .target = target,
                       .ip = ip,
                       .details = details ? details : "{}"};
    log_event(LOG_INFO, "audit", "action", action, "actor", actor, "target", target, "ip", ip,
              "details", e.details, NULL);
    gh_status_t st = store_event_add(s, &e);
    if (st != GH_OK)
        log_event(LOG_WARN, "audit_failed", "action", action, "error", gh_status_str(st), NULL);
}

void audit_event(const http_request_t *req, const char *actor, const char *action,
                 const char *target, const char *details)
{
    audit_record(app_of(req)->store, actor, req->remote_addr, action, target, details);
}

const char *audit_details(arena_t *a, ...)
{
    buf_t b;
    jsonw_t w;
    va_list ap;
    buf_init(&b, a);
    jsonw_begin(&w, &b);
    va_start(ap, a);
    for (const char *key; (key = va_arg(ap, const char *));) {
        const char *value = va_arg(ap, const char *);
        if (value)
            jsonw_string(&w, key, value);
    }
    va_end(ap);
    jsonw_end(&w);
    return buf_cstr(&b);
}
