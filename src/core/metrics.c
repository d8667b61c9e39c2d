/* Process-wide application counters, updated with relaxed atomics. */
#include "core/metrics.h"

#include <stdatomic.h>

static _Atomic uint64_t counters[METRIC_COUNT];

static const struct {
    const char *name, *labels, *help;
} INFO[METRIC_COUNT] = {
    [METRIC_TOKENS_ACCESS] = {"gatehouse_tokens_issued_total", "type=\"access\"", "Tokens issued."},
    [METRIC_TOKENS_ID] = {"gatehouse_tokens_issued_total", "type=\"id\"", "Tokens issued."},
    [METRIC_TOKENS_REFRESH] = {"gatehouse_tokens_issued_total", "type=\"refresh\"",
                               "Tokens issued."},
    [METRIC_CODES_ISSUED] = {"gatehouse_codes_issued_total", 0, "Authorization codes issued."},
    [METRIC_LOGINS_OK] = {"gatehouse_logins_total", "result=\"ok\"", "Password logins."},
    [METRIC_LOGINS_FAILED] = {"gatehouse_logins_total", "result=\"failed\"", "Password logins."},
    [METRIC_LOGINS_THROTTLED] = {"gatehouse_logins_total", "result=\"throttled\"",
                                 "Password logins."},
    [METRIC_SIGNATURES_COMPUTED] = {"gatehouse_signature_checks_total", "result=\"computed\"",
                                    "JWT signature checks."},
    [METRIC_SIGNATURES_REMEMBERED] = {"gatehouse_signature_checks_total", "result=\"remembered\"",
                                      "JWT signature checks."},
    [METRIC_KEY_RELOADS_UNKNOWN_KID] = {"gatehouse_key_reloads_total", "reason=\"unknown_kid\"",
                                        "Signing keys loaded again outside the periodic reload."},
    [METRIC_DB_STATEMENTS] = {"gatehouse_db_statements_total", 0,
                              "Statements run by the store, BEGIN and COMMIT included."},
    [METRIC_DB_ROUND_TRIPS] = {"gatehouse_db_round_trips_total", 0,
                               "Round trips to the database server (PostgreSQL; SQLite runs "
                               "in the process: none)."},
    [METRIC_DB_CACHE_HITS] = {"gatehouse_db_cache_reads_total", "result=\"hit\"",
                              "Rows looked for in the store's memory (PostgreSQL)."},
    [METRIC_DB_CACHE_MISSES] = {"gatehouse_db_cache_reads_total", "result=\"miss\"",
                                "Rows looked for in the store's memory (PostgreSQL)."},
};

void metrics_add(metric_t m, uint64_t n)
{
    atomic_fetch_add_explicit(&counters[m], n, memory_order_relaxed);
}

uint64_t metrics_get(metric_t m)
{
    return atomic_load_explicit(&counters[m], memory_order_relaxed);
}

const char *metrics_name(metric_t m)
{
    return INFO[m].name;
}

const char *metrics_labels(metric_t m)
{
    return INFO[m].labels;
}

const char *metrics_help(metric_t m)
{
    return INFO[m].help;
}
