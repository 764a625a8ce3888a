/*
 * ratelimit: fixed-window counters per key ("login-ip:1.2.3.4", "form:1.2.3.4"), shared by
 * every event loop (the lock sits beside the table). The table has a fixed size: when a probe
 * finds no free or expired slot, the entry whose window started first gives way, so a flood of
 * keys costs memory never and precision only at the margin.
 *
 * Time is passed in (seconds), which keeps the rules testable without waiting.
 */
#ifndef LIAISON_AUTH_RATELIMIT_H
#define LIAISON_AUTH_RATELIMIT_H

#include <stdint.h>

typedef struct ratelimit ratelimit_t;

ratelimit_t *ratelimit_new(void);
void ratelimit_free(ratelimit_t *rl);
/* Counts one event. Returns 0 when it is within limit events per window, otherwise the seconds
 * until the window ends (for Retry-After); a refused event is not counted. */
int ratelimit_hit(ratelimit_t *rl, const char *key, int limit, int window_s, int64_t now);
/* Like ratelimit_hit but only looks: counts nothing. */
int ratelimit_peek(ratelimit_t *rl, const char *key, int limit, int window_s, int64_t now);
void ratelimit_clear(ratelimit_t *rl, const char *key);
/* Takes back one counted event (an attempt that turned out well). */
void ratelimit_refund(ratelimit_t *rl, const char *key);

#endif
