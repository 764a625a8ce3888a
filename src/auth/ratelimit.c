/* ratelimit: open addressing over a fixed array keyed by a 64-bit hash of the key. */
#include "auth/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 16384
#define PROBES 8

typedef struct {
    uint64_t hash; /* 0 = empty */
    int64_t window_start;
    int count;
} slot_t;

struct ratelimit {
    pthread_mutex_t lock;
    slot_t slots[SLOTS];
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h ? h : 1;
}

ratelimit_t *ratelimit_new(void)
{
    ratelimit_t *rl = calloc(1, sizeof(*rl));
    if (rl == NULL)
        abort();
    pthread_mutex_init(&rl->lock, NULL);
    return rl;
}

void ratelimit_free(ratelimit_t *rl)
{
    if (rl == NULL)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

/* The key's slot, claimed afresh if absent or expired. Lock held. */
static slot_t *find(ratelimit_t *rl, uint64_t h, int window_s, int64_t now, int create)
{
    slot_t *victim = NULL;
    for (int p = 0; p < PROBES; p++) {
        slot_t *s = &rl->slots[(h + (uint64_t)p) % SLOTS];
        if (s->hash == h) {
            if (now - s->window_start >= window_s) {
                s->window_start = now;
                s->count = 0;
            }
            return s;
        }
        /* an empty slot first, else the one whose window began longest ago */
        if (victim == NULL || (victim->hash != 0 && (s->hash == 0 || s->window_start < victim->window_start)))
            victim = s;
    }
    if (!create)
        return NULL;
    victim->hash = h;
    victim->window_start = now;
    victim->count = 0;
    return victim;
}

static int wait_for(const slot_t *s, int window_s, int64_t now)
{
    int64_t left = s->window_start + window_s - now;
    return left > 0 ? (int)left : 1;
}

int ratelimit_hit(ratelimit_t *rl, const char *key, int limit, int window_s, int64_t now)
{
    pthread_mutex_lock(&rl->lock);
    slot_t *s = find(rl, fnv1a(key), window_s, now, 1);
    int wait = 0;
    if (s->count >= limit)
        wait = wait_for(s, window_s, now);
    else
        s->count++;
    pthread_mutex_unlock(&rl->lock);
    return wait;
}

int ratelimit_peek(ratelimit_t *rl, const char *key, int limit, int window_s, int64_t now)
{
    pthread_mutex_lock(&rl->lock);
    slot_t *s = find(rl, fnv1a(key), window_s, now, 0);
    int wait = s && s->count >= limit ? wait_for(s, window_s, now) : 0;
    pthread_mutex_unlock(&rl->lock);
    return wait;
}

void ratelimit_refund(ratelimit_t *rl, const char *key)
{
    uint64_t h = fnv1a(key);
    pthread_mutex_lock(&rl->lock);
    for (int p = 0; p < PROBES; p++) {
        slot_t *s = &rl->slots[(h + (uint64_t)p) % SLOTS];
        if (s->hash == h && s->count > 0)
            s->count--;
    }
    pthread_mutex_unlock(&rl->lock);
}

void ratelimit_clear(ratelimit_t *rl, const char *key)
{
    uint64_t h = fnv1a(key);
    pthread_mutex_lock(&rl->lock);
    for (int p = 0; p < PROBES; p++) {
        slot_t *s = &rl->slots[(h + (uint64_t)p) % SLOTS];
        if (s->hash == h)
            memset(s, 0, sizeof(*s));
    }
    pthread_mutex_unlock(&rl->lock);
}
