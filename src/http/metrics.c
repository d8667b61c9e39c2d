/* Request metrics of one server and their Prometheus text exposition
 * (format 0.0.4): requests by route and status, a latency histogram by route,
 * and the process-wide counters of core/metrics.h.
 *
 * The hot path only does relaxed atomic adds into fixed arrays indexed by a
 * route slot and a small status table; routes sharing a label share a slot,
 * so every series is unique. Rendering reads the counters without locking, so
 * a scrape may see a request counted in one series and not yet in another. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/metrics.h"
#include "http/http_int.h"

/* Statuses counted on their own; any other is counted by its class ("4xx"). */
static const int STATUSES[] = {200, 201, 204, 301, 302, 303, 304, 307, 308, 400, 401, 403,
                               404, 405, 409, 413, 415, 422, 429, 500, 501, 502, 503, 504};
#define N_NAMED (sizeof STATUSES / sizeof STATUSES[0])
#define N_STATUS (N_NAMED + 6) /* classes 0xx (nonsense) to 5xx */

/* Upper bounds of the latency buckets, in microseconds and as labels. */
static const struct {
    uint64_t us;
    const char *le;
} BUCKETS[] = {{500, "0.0005"},  {1000, "0.001"},  {2500, "0.0025"}, {5000, "0.005"},
               {10000, "0.01"},  {25000, "0.025"}, {50000, "0.05"},  {100000, "0.1"},
               {250000, "0.25"}, {500000, "0.5"},  {1000000, "1"},   {2500000, "2.5"}};
#define N_BUCKETS (sizeof BUCKETS / sizeof BUCKETS[0])

typedef struct {
    _Atomic uint64_t by_status[N_STATUS];
    _Atomic uint64_t buckets[N_BUCKETS + 1]; /* not cumulative; the last is over 2.5 s */
    _Atomic uint64_t sum_us;
} slot_stats_t;

struct http_metrics {
    size_t count;        /* route_count + 1 */
    const char **labels; /* by route index */
    size_t *slot;        /* route index -> index of the first route with that label */
    slot_stats_t *stats; /* by slot */
};

static _Thread_local const http_metrics_t *bound;

http_metrics_t *http_metrics_new(const http_route_t *routes, size_t route_count)
{
    http_metrics_t *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->count = route_count + 1;
    m->labels = calloc(m->count, sizeof *m->labels);
    m->slot = calloc(m->count, sizeof *m->slot);
    m->stats = calloc(m->count, sizeof *m->stats);
    if (!m->labels || !m->slot || !m->stats) {
        http_metrics_free(m);
        return NULL;
    }
    for (size_t i = 0; i < m->count; i++) {
        const http_route_t *r = i < route_count ? &routes[i] : NULL;
        m->labels[i] = !r ? "none" : r->label ? r->label : r->path;
        m->slot[i] = i;
        for (size_t j = 0; j < i && m->slot[i] == i; j++) {
            if (strcmp(m->labels[j], m->labels[i]) == 0)
                m->slot[i] = j;
        }
    }
    return m;
}

void http_metrics_free(http_metrics_t *m)
{
    if (!m)
        return;
    free(m->labels);
    free(m->slot);
    free(m->stats);
    free(m);
}

const char *http_metrics_label(const http_metrics_t *m, size_t i)
{
    return m->labels[i < m->count ? i : m->count - 1];
}

static size_t status_index(int status)
{
    for (size_t i = 0; i < N_NAMED; i++) {
        if (STATUSES[i] == status)
            return i;
    }
    return N_NAMED + (status >= 100 && status < 600 ? (size_t)(status / 100) : 0);
}

void http_metrics_record(http_metrics_t *m, size_t i, int status, uint64_t duration_us)
{
    slot_stats_t *s = &m->stats[m->slot[i < m->count ? i : m->count - 1]];
    size_t b = 0;
    while (b < N_BUCKETS && duration_us > BUCKETS[b].us)
        b++;
    atomic_fetch_add_explicit(&s->by_status[status_index(status)], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum_us, duration_us, memory_order_relaxed);
}

void http_metrics_bind(const http_metrics_t *m)
{
    bound = m;
}

static uint64_t load(_Atomic uint64_t *v)
{
    return atomic_load_explicit(v, memory_order_relaxed);
}

/* A label value with \, " and newline escaped as the text format requires. */
static void put_label(buf_t *b, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            buf_putc(b, '\\');
        if (*v == '\n')
            buf_puts(b, "\\n");
        else
            buf_putc(b, *v);
    }
}

static void put_status(buf_t *b, size_t k)
{
    if (k < N_NAMED)
        buf_printf(b, "%d", STATUSES[k]);
    else
        buf_printf(b, "%zuxx", k - N_NAMED);
}

static void render_requests(buf_t *b, const http_metrics_t *m)
{
    buf_puts(b, "# HELP gatehouse_http_requests_total HTTP requests answered.\n"
                "# TYPE gatehouse_http_requests_total counter\n");
    for (size_t i = 0; i < m->count; i++) {
        if (m->slot[i] != i)
            continue;
        for (size_t k = 0; k < N_STATUS; k++) {
            uint64_t n = load(&m->stats[i].by_status[k]);
            if (n == 0)
                continue;
            buf_puts(b, "gatehouse_http_requests_total{route=\"");
            put_label(b, m->labels[i]);
            buf_puts(b, "\",status=\"");
            put_status(b, k);
            buf_printf(b, "\"} %llu\n", (unsigned long long)n);
        }
    }
}

static void render_histogram(buf_t *b, const char *label, slot_stats_t *s)
{
    static const char NAME[] = "gatehouse_http_request_duration_seconds";
    uint64_t total = 0;
    for (size_t k = 0; k <= N_BUCKETS; k++) {
        total += load(&s->buckets[k]);
        buf_printf(b, "%s_bucket{route=\"", NAME);
        put_label(b, label);
        buf_printf(b, "\",le=\"%s\"} %llu\n", k < N_BUCKETS ? BUCKETS[k].le : "+Inf",
                   (unsigned long long)total);
    }
    buf_printf(b, "%s_sum{route=\"", NAME);
    put_label(b, label);
    buf_printf(b, "\"} %.6f\n%s_count{route=\"", (double)load(&s->sum_us) / 1e6, NAME);
    put_label(b, label);
    buf_printf(b, "\"} %llu\n", (unsigned long long)total);
}

static void render_latency(buf_t *b, const http_metrics_t *m)
{
    buf_puts(b, "# HELP gatehouse_http_request_duration_seconds Time to answer a request.\n"
                "# TYPE gatehouse_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < m->count; i++) {
        if (m->slot[i] != i)
            continue;
        uint64_t n = 0;
        for (size_t k = 0; k <= N_BUCKETS; k++)
            n += load(&m->stats[i].buckets[k]);
        if (n > 0)
            render_histogram(b, m->labels[i], &m->stats[i]);
    }
}

static bool named_before(metric_t m)
{
    for (metric_t j = 0; j < m; j++) {
        if (strcmp(metrics_name(j), metrics_name(m)) == 0)
            return true;
    }
    return false;
}

/* Each counter name once, with HELP and TYPE, followed by all its series. */
static void render_core(buf_t *b)
{
    for (metric_t m = 0; m < METRIC_COUNT; m++) {
        const char *name = metrics_name(m);
        if (named_before(m))
            continue;
        buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n", name, metrics_help(m), name);
        for (metric_t j = m; j < METRIC_COUNT; j++) {
            const char *labels = metrics_labels(j);
            if (strcmp(metrics_name(j), name) != 0)
                continue;
            buf_printf(b, "%s%s%s%s %llu\n", name, labels ? "{" : "", labels ? labels : "",
                       labels ? "}" : "", (unsigned long long)metrics_get(j));
        }
    }
}

void http_metrics_handler(http_request_t *req, http_response_t *res)
{
    buf_t b;
    buf_init(&b, req->arena);
    if (bound) {
        render_requests(&b, bound);
        render_latency(&b, bound);
    }
    render_core(&b);
    const char *text = buf_cstr(&b);
    if (!text) {
        http_response_internal_error(res);
        return;
    }
    http_response_text(res, 200, text);
    res->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
