/*
 * outbox store: the notification queue as the dispatcher and the staff see it - what is due, a
 * try's outcome, dead letters and putting one back - with what a delivery reads beside it: the
 * recipient's e-mail address, the templates, and the integrators' webhook subscriptions.
 * Rows are added with store_outbox_add (store/opinions.h), in the transaction of what they tell.
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h). Text handed to a callback
 * lives until it returns.
 */
#ifndef LIAISON_STORE_OUTBOX_H
#define LIAISON_STORE_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

typedef struct {
    int64_t id, created_at;
    const char *event, *recipient, *payload;
    int attempts;
    const char *channels_done; /* " webhook email " : the channels that took it */
    const char *last_error;    /* "" for none */
    int64_t next_at, tried_at, dead_at, delivered_at; /* 0: not yet */
    const char *region;        /* the payload's "region", "" when it has none */
} store_outbox_t;

/* Undelivered, live (not dead) notifications whose time has come, oldest first. */
int store_outbox_due(store_t *db, int64_t now, int limit, int (*fn)(const store_outbox_t *m, void *arg), void *arg);

/* The outcome of a try. */
typedef struct {
    bool delivered;            /* every channel took it */
    const char *channels_done; /* the channels that took it so far */
    const char *error;         /* why not (NULL when delivered) */
    int64_t next_at;           /* the next try */
    bool dead;                 /* tries used up: a dead letter from now */
} store_outbox_try_t;
int store_outbox_tried(store_t *db, int64_t id, const store_outbox_try_t *t, int64_t now);

/* Dead letters whose payload region lies in [lo, hi) or that carry none, newest first, with id
 * below before (0: from the newest), at most limit. */
int store_outbox_dead_each(store_t *db, const char *lo, const char *hi, int64_t before, int limit,
                           int (*fn)(const store_outbox_t *m, void *arg), void *arg);
/* One row by id, valid during fn; STORE_ENOTFOUND for none. */
int store_outbox_get(store_t *db, int64_t id, int (*fn)(const store_outbox_t *m, void *arg), void *arg);
/* Puts a dead letter back in the queue, due now with fresh tries; STORE_ENOTFOUND when it is
 * not dead. */
int store_outbox_retry(store_t *db, int64_t id, int64_t now);

/* The e-mail address of a recipient ("user:ID", "unit:ID", "deputy:ID": the deputy's live
 * account) into out; STORE_ENOTFOUND when it has none. */
int store_outbox_email(store_t *db, const char *recipient, char *out, size_t outlen);

/* A notification template: the most precise of (event, channel), (event, '*'), ('*', '*'). */
typedef struct {
    const char *event, *channel, *lang, *subject, *body;
} store_template_t;
int store_template_find(store_t *db, const char *event, const char *channel, const char *lang,
                        int (*fn)(const store_template_t *t, void *arg), void *arg);
/* Every template, by event, channel and language. */
int store_templates_each(store_t *db, int (*fn)(const store_template_t *t, void *arg), void *arg);

/* An integrator's subscription to events (webhooks out). */
typedef struct {
    int64_t id;
    char url[512];
    char *secret_sealed; /* owned: free with store_webhook_free */
    char events[256];    /* " opinion.created opinion.rated " */
    char region[13];
    bool active;
    int64_t created_by, created_at;
} store_webhook_t;
void store_webhook_free(store_webhook_t *w);

int store_webhook_insert(store_t *db, const store_webhook_t *w, int64_t *id);
/* The live subscriptions of the region subtree [lo, hi), newest first (secret_sealed NULL). */
int store_webhooks_each(store_t *db, const char *lo, const char *hi, int (*fn)(const store_webhook_t *w, void *arg),
                        void *arg);
/* Live active subscriptions to event (any region: the caller checks it), secret_sealed NULL. */
int store_webhooks_for_event(store_t *db, const char *event, int (*fn)(const store_webhook_t *w, void *arg), void *arg);
/* A live subscription with its sealed secret; STORE_ENOTFOUND for none. */
int store_webhook_get(store_t *db, int64_t id, store_webhook_t *out);
/* Ends a live subscription and drops what it had not yet been sent; STORE_ENOTFOUND when none. */
int store_webhook_delete(store_t *db, int64_t id, int64_t now);

#endif
