/*
 * metrics: request counters by route and status, a latency histogram, rendered in Prometheus
 * text format. Counters are atomics shared by all loops: an increment costs no lock.
 */
#ifndef LIAISON_HTTP_METRICS_H
#define LIAISON_HTTP_METRICS_H

#include <stddef.h>

#include "core/buf.h"
#include "http/http.h"

typedef struct metrics metrics_t;

/* Route slots: 0..nroutes-1 are the table's routes; METRICS_STATIC and METRICS_UNMATCHED follow. */
enum { METRICS_STATIC = -1, METRICS_UNMATCHED = -2 };

metrics_t *metrics_new(const http_route_t *routes);
void metrics_free(metrics_t *m);
void metrics_observe(metrics_t *m, int route, int status, double seconds);
void metrics_render(metrics_t *m, size_t write_queue_depth, size_t connections, buf_t *out);

#endif
