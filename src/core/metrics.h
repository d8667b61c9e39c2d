/* Application counters for /metrics (Prometheus text format).
 *
 * Counters are process-wide, lock-free (atomic adds) and named once here, so
 * the exposition knows them all. */
#ifndef GH_CORE_METRICS_H
#define GH_CORE_METRICS_H

#include <stdint.h>

typedef enum {
    METRIC_TOKENS_ACCESS,           /* access tokens issued */
    METRIC_TOKENS_ID,               /* id tokens issued */
    METRIC_TOKENS_REFRESH,          /* refresh tokens issued */
    METRIC_CODES_ISSUED,            /* authorization codes issued */
    METRIC_LOGINS_OK,               /* successful password logins */
    METRIC_LOGINS_FAILED,           /* failed password logins */
    METRIC_LOGINS_THROTTLED,        /* sign-ins refused by throttling (429) */
    METRIC_SIGNATURES_COMPUTED,     /* JWT signatures checked with the key */
    METRIC_SIGNATURES_REMEMBERED,   /* JWT signatures known good from an earlier check */
    METRIC_KEY_RELOADS_UNKNOWN_KID, /* key ring loads for a token naming a kid it lacked */
    METRIC_DB_STATEMENTS,           /* statements the store ran, BEGIN and COMMIT included */
    METRIC_DB_ROUND_TRIPS,          /* waits for the database server's answer (PostgreSQL) */
    METRIC_DB_CACHE_HITS,           /* rows read from the store's memory (store_cache_start) */
    METRIC_DB_CACHE_MISSES,         /* rows looked for there and not found */
    METRIC_COUNT
} metric_t;

void metrics_add(metric_t m, uint64_t n);
uint64_t metrics_get(metric_t m);

/* The Prometheus name and help text of m ("gatehouse_tokens_issued_total", …)
 * and the label pair it carries, or NULL for none (`type="access"`). */
const char *metrics_name(metric_t m);
const char *metrics_labels(metric_t m);
const char *metrics_help(metric_t m);

#endif
