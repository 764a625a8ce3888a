/*
 * metrics: a fixed grid of counters [route][status], with the statuses the API can give listed
 * once (anything else counts as "other"), so observing is an index computation and an atomic add.
 */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "http/router.h"

static const int statuses[] = {200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 405,
                               409, 413, 415, 422, 429, 500, 503};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]) + 1) /* + other */
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,    0.25,  0.5,    1,     2.5,  5};
#define NBUCKET (sizeof(bounds) / sizeof(bounds[0]))

struct metrics {
    const http_route_t *routes;
    size_t nroutes;
    atomic_uint_fast64_t buckets[NBUCKET + 1]; /* cumulative is computed at render time */
    atomic_uint_fast64_t sum_us;
    atomic_uint_fast64_t count;
    atomic_uint_fast64_t counts[]; /* (nroutes + 2) * NSTATUS */
};

metrics_t *metrics_new(const http_route_t *routes)
{
    size_t n = router_count(routes);
    metrics_t *m = calloc(1, sizeof(*m) + (n + 2) * NSTATUS * sizeof(atomic_uint_fast64_t));
    if (m == NULL)
        abort();
    m->routes = routes;
    m->nroutes = n;
    return m;
}

void metrics_free(metrics_t *m)
{
    free(m);
}

static size_t route_slot(const metrics_t *m, int route)
{
    if (route >= 0 && (size_t)route < m->nroutes)
        return (size_t)route;
    return route == METRICS_STATIC ? m->nroutes : m->nroutes + 1;
}

static size_t status_slot(int status)
{
    for (size_t i = 0; i < NSTATUS - 1; i++)
        if (statuses[i] == status)
            return i;
    return NSTATUS - 1;
}

void metrics_observe(metrics_t *m, int route, int status, double seconds)
{
    atomic_fetch_add(&m->counts[route_slot(m, route) * NSTATUS + status_slot(status)], 1);
    size_t b = 0;
    while (b < NBUCKET && seconds > bounds[b])
        b++;
    atomic_fetch_add(&m->buckets[b], 1);
    atomic_fetch_add(&m->sum_us, (uint64_t)(seconds * 1e6));
    atomic_fetch_add(&m->count, 1);
}

static void render_counts(metrics_t *m, buf_t *out)
{
    buf_adds(out, "# HELP liaison_http_requests_total Requests answered, by route and status.\n"
                  "# TYPE liaison_http_requests_total counter\n");
    for (size_t r = 0; r < m->nroutes + 2; r++) {
        for (size_t s = 0; s < NSTATUS; s++) {
            uint64_t v = atomic_load(&m->counts[r * NSTATUS + s]);
            if (v == 0)
                continue;
            buf_adds(out, "liaison_http_requests_total{route=\"");
            if (r < m->nroutes)
                buf_addf(out, "%s %s", m->routes[r].method, m->routes[r].pattern);
            else
                buf_adds(out, r == m->nroutes ? "static" : "unmatched");
            if (s < NSTATUS - 1)
                buf_addf(out, "\",status=\"%d\"} %llu\n", statuses[s], (unsigned long long)v);
            else
                buf_addf(out, "\",status=\"other\"} %llu\n", (unsigned long long)v);
        }
    }
}

static void render_latency(metrics_t *m, buf_t *out)
{
    buf_adds(out, "# HELP liaison_http_request_duration_seconds Time from request to response end.\n"
                  "# TYPE liaison_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (size_t b = 0; b < NBUCKET; b++) {
        cum += atomic_load(&m->buckets[b]);
        buf_addf(out, "liaison_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds[b],
                 (unsigned long long)cum);
    }
    cum += atomic_load(&m->buckets[NBUCKET]);
    buf_addf(out,
             "liaison_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
             "liaison_http_request_duration_seconds_sum %.6f\n"
             "liaison_http_request_duration_seconds_count %llu\n",
             (unsigned long long)cum, (double)atomic_load(&m->sum_us) / 1e6,
             (unsigned long long)atomic_load(&m->count));
}

void metrics_render(metrics_t *m, size_t write_queue_depth, size_t connections, buf_t *out)
{
    render_counts(m, out);
    render_latency(m, out);
    buf_addf(out,
             "# HELP liaison_write_queue_depth Writes queued or being committed.\n"
             "# TYPE liaison_write_queue_depth gauge\n"
             "liaison_write_queue_depth %zu\n"
             "# HELP liaison_http_connections Open client connections.\n"
             "# TYPE liaison_http_connections gauge\n"
             "liaison_http_connections %zu\n",
             write_queue_depth, connections);
}
