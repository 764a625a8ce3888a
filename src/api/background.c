/*
 * background: what the server does by itself every few seconds (--jobs-interval-s) -
 *   - delivers the outbox (webhook, command, e-mail, subscriptions: dispatch.c), retrying
 *     failures with growing pauses until they are dead letters;
 *   - reminds owners and units of deadlines two working days away (预警), once per deadline;
 *   - closes answers left unrated for --auto-close-days working days (SPEC §3);
 *   - reminds visitors of their bookings a day ahead, and once a day announces the coming days
 *     of every reception rule (SPEC §4);
 *   - tells the lead unit of a deputy suggestion when its deadline is near (SPEC §5);
 *   - once a day, tells each deputy behind in an obligation of the period just ended (SPEC §6).
 * Delivery happens outside any transaction (it waits on the network); everything that writes
 * is a writer job, so it commits with the requests' writes and never beside them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/ballot_common.h"
#include "api/activity_common.h"
#include "api/background.h"
#include "api/digest.h"
#include "api/dispatch.h"
#include "api/opinion_common.h"
#include "api/suggestion_common.h"
#include "core/calendar.h"
#include "core/deliver.h"
#include "auth/vault.h"
#include "core/log.h"
#include "store/calendar.h"

enum { BATCH = 100 };

/* ---- writer jobs the background thread waits for ------------------------------------------ */

typedef struct {
    writer_job_t job;
    int (*fn)(store_t *db, void *arg);
    void *arg;
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    bool done;
} sync_job_t;

static int sync_run(writer_job_t *job, store_t *db)
{
    sync_job_t *s = (sync_job_t *)job;
    return s->fn(db, s->arg);
}

static void sync_complete(writer_job_t *job)
{
    sync_job_t *s = (sync_job_t *)job;
    pthread_mutex_lock(&s->lock);
    s->done = true;
    pthread_cond_signal(&s->done_cv);
    pthread_mutex_unlock(&s->lock);
}

/* Runs fn inside the writer's transaction and waits for its commit; returns its status. */
static int in_writer(writer_t *w, int (*fn)(store_t *db, void *arg), void *arg)
{
    sync_job_t s = {.job = {.run = sync_run, .complete = sync_complete}, .fn = fn, .arg = arg};
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.done_cv, NULL);
    writer_submit(w, &s.job);
    pthread_mutex_lock(&s.lock);
    while (!s.done)
        pthread_cond_wait(&s.done_cv, &s.lock);
    pthread_mutex_unlock(&s.lock);
    pthread_cond_destroy(&s.done_cv);
    pthread_mutex_destroy(&s.lock);
    return s.job.status;
}

/* ---- the outbox ------------------------------------------------------------------------------ */

typedef struct {
    store_outbox_t row;   /* its texts are copies, owned here */
    char done[128];       /* the channels that took it (dispatch.h) */
    bool delivered;
    char error[200];
} delivery_t;

typedef struct {
    delivery_t list[BATCH];
    int n;
    int64_t now;
    const config_t *cfg;
} deliveries_t;

static int collect_message(const store_outbox_t *m, void *arg)
{
    deliveries_t *d = arg;
    delivery_t *x = &d->list[d->n++];
    x->row = *m;
    x->row.event = strdup(m->event);
    x->row.recipient = strdup(m->recipient);
    x->row.payload = strdup(m->payload);
    snprintf(x->done, sizeof(x->done), "%s", m->channels_done);
    return d->n == BATCH;
}

/* A failure waits notify-backoff-s, doubled after each one up to notify-backoff-max-s; the
 * notify-max-attempts-th leaves a dead letter for the staff (GET /api/v1/outbox/dead). */
static int record_tries(store_t *db, void *arg)
{
    deliveries_t *d = arg;
    for (int i = 0; i < d->n; i++) {
        delivery_t *x = &d->list[i];
        int attempts = x->row.attempts + 1;
        store_outbox_try_t t = {
            .delivered = x->delivered, .channels_done = x->done, .error = x->error,
            .next_at = d->now + deliver_backoff(attempts, d->cfg->notify_backoff_s, d->cfg->notify_backoff_max_s),
            .dead = attempts >= d->cfg->notify_max_attempts,
        };
        int rc = store_outbox_tried(db, x->row.id, &t, d->now);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

/* The data key, for the subscriptions' secrets: loaded once (the ticker is one thread). */
static const vault_t *dispatch_vault(const config_t *cfg)
{
    static vault_t *vault;
    static bool tried;
    if (!tried) {
        char err[256];
        tried = true;
        if ((vault = vault_load(cfg->data_dir, err, sizeof(err))) == NULL)
            log_error("webhook subscriptions cannot be signed: %s", err);
    }
    return vault;
}

/* Delivers one batch of what is due; returns how many messages it tried. */
static int deliver_batch(const config_t *cfg, writer_t *writer, store_t *db, int64_t now)
{
    deliveries_t *d = calloc(1, sizeof(*d));
    if (d == NULL)
        return 0;
    d->now = now;
    d->cfg = cfg;
    if (store_outbox_due(db, now, BATCH, collect_message, d) == STORE_OK) {
        for (int i = 0; i < d->n; i++) {
            delivery_t *x = &d->list[i];
            x->delivered = api_dispatch(cfg, dispatch_vault(cfg), db, &x->row, x->done, sizeof(x->done), x->error,
                                        sizeof(x->error)) == 0;
            if (!x->delivered)
                log_warn("notification %lld not delivered (try %d): %s", (long long)x->row.id, x->row.attempts + 1,
                         x->error);
        }
        if (d->n && in_writer(writer, record_tries, d) != STORE_OK)
            log_error("cannot record notification deliveries");
    }
    int tried = d->n;
    for (int i = 0; i < d->n; i++) {
        free((char *)d->list[i].row.event);
        free((char *)d->list[i].row.recipient);
        free((char *)d->list[i].row.payload);
    }
    free(d);
    return tried;
}

/* Batch after batch while full ones come (a rush of bookings leaves thousands waiting), for at
 * most half the interval, so the next tick's reminders are not held up. */
static void deliver_outbox(const config_t *cfg, writer_t *writer, store_t *db, int64_t now)
{
    int64_t until = time(NULL) + (cfg->jobs_interval_s + 1) / 2;
    while (deliver_batch(cfg, writer, db, now) == BATCH && time(NULL) < until)
        ;
}

/* ---- reminders and auto-closing, inside one writer job ---------------------------------------- */

typedef struct {
    const config_t *cfg;
    int64_t now;
    calendar_t cal;
    int64_t ids[BATCH], dues[BATCH];
    int n;
} sweep_t;

static int collect_near(const store_opinion_t *o, void *arg)
{
    sweep_t *s = arg;
    int64_t due = store_opinion_current_due(o);
    if (due && o->reminded_due != due && (o->owner_user_id || o->owner_deputy_id) && s->n < BATCH) {
        s->ids[s->n] = o->id;
        s->dues[s->n++] = due;
    }
    return s->n == BATCH;
}

static int remind_owner(store_t *db, int64_t id, int64_t due, int64_t now)
{
    store_opinion_t o;
    int rc = store_opinion_get(db, id, &o);
    if (rc != STORE_OK)
        return rc;
    char to[40];
    snprintf(to, sizeof(to), o.owner_user_id ? "user:%lld" : "deputy:%lld",
             (long long)(o.owner_user_id ? o.owner_user_id : o.owner_deputy_id));
    rc = api_opinion_notify(db, "opinion.deadline_near", to, &o, now);
    if (rc == STORE_OK)
        rc = store_opinion_set_reminded(db, id, due);
    store_opinion_free(&o);
    return rc;
}

static int collect_referral(const store_referral_t *r, void *arg)
{
    sweep_t *s = arg;
    s->ids[s->n] = r->id;
    s->dues[s->n++] = r->due;
    return s->n == BATCH;
}

static int remind_unit(store_t *db, int64_t referral_id, int64_t due, int64_t now)
{
    store_referral_t r;
    store_opinion_t o;
    int rc = store_referral_get(db, referral_id, &r);
    if (rc != STORE_OK)
        return rc;
    rc = store_opinion_get(db, r.opinion_id, &o);
    if (rc == STORE_OK) {
        char to[40];
        snprintf(to, sizeof(to), "unit:%lld", (long long)r.unit_id);
        rc = api_opinion_notify(db, "referral.deadline_near", to, &o, now);
        store_opinion_free(&o);
    }
    store_referral_free(&r);
    return rc == STORE_OK ? store_referral_set_reminded(db, referral_id, due) : rc;
}

static int collect_unrated(const store_opinion_t *o, void *arg)
{
    sweep_t *s = arg;
    if (s->now > calendar_add_working_days(&s->cal, o->answered_at, s->cfg->auto_close_days) && s->n < BATCH)
        s->ids[s->n++] = o->id;
    return s->n == BATCH;
}

static int sweep(store_t *db, void *arg)
{
    sweep_t *s = arg;
    int64_t until = api_opinion_warn_until(&s->cal, s->now);
    s->n = 0;
    int rc = store_opinions_due_between(db, s->now, until, collect_near, s);
    for (int i = 0; rc == STORE_OK && i < s->n; i++)
        rc = remind_owner(db, s->ids[i], s->dues[i], s->now);
    s->n = 0;
    if (rc == STORE_OK)
        rc = store_referrals_due(db, s->now, until, collect_referral, s);
    for (int i = 0; rc == STORE_OK && i < s->n; i++)
        rc = remind_unit(db, s->ids[i], s->dues[i], s->now);
    /* working days are never fewer than calendar days, so this finds every candidate */
    int64_t before = s->now - (int64_t)s->cfg->auto_close_days * 86400;
    s->n = 0;
    if (rc == STORE_OK)
        rc = store_opinions_answered_before(db, before, BATCH, collect_unrated, s);
    for (int i = 0; rc == STORE_OK && i < s->n; i++) {
        rc = api_opinion_system_step(db, s->ids[i], OPINION_AUTO_CLOSE, NULL, s->now);
        if (rc == STORE_EINVALID)
            rc = STORE_OK; /* rated meanwhile */
    }
    return rc;
}

/* ---- reception days: booking reminders, and the rules' coming days ---------------------------- */

enum { REMIND_AHEAD_S = 24 * 3600 };

typedef struct {
    int64_t now;
    bool announce;      /* a new Beijing day: extend every rule's announced days */
    store_t *db;
    calendar_t cal;
    int rc;
} reception_sweep_t;

static int remind_booking(const store_booking_t *b, void *arg)
{
    reception_sweep_t *s = arg;
    s->rc = api_booking_notify(s->db, "booking.reminder", b, s->now);
    if (s->rc == STORE_OK)
        s->rc = store_booking_reminded(s->db, b->id, s->now);
    return s->rc != STORE_OK;
}

static int announce_rule(const store_rule_t *rule, void *arg)
{
    reception_sweep_t *s = arg;
    api_clash_t clash;
    s->rc = api_rule_announce(s->db, &s->cal, rule, s->now, false, &clash);
    return s->rc != STORE_OK;
}

static int reception_sweep(store_t *db, void *arg)
{
    reception_sweep_t *s = arg;
    s->db = db;
    s->rc = STORE_OK;
    int rc = store_bookings_to_remind(db, s->now, s->now + REMIND_AHEAD_S, remind_booking, s);
    calendar_init(&s->cal);
    if (rc == STORE_OK && s->rc == STORE_OK && s->announce && (rc = store_calendar_load(db, &s->cal)) == STORE_OK)
        rc = store_rules_each(db, 0, announce_rule, s);
    calendar_free(&s->cal);
    return rc ? rc : s->rc;
}

static void sweep_reception(writer_t *writer, int64_t now)
{
    /* the ticker is one thread: the day it last announced on is its own */
    static calendar_day_t announced_on;
    reception_sweep_t s = {.now = now, .announce = calendar_day_of(now) != announced_on};
    if (in_writer(writer, reception_sweep, &s) != STORE_OK)
        log_error("cannot remind bookings or announce reception days");
    else if (s.announce)
        announced_on = calendar_day_of(now);
}

/* ---- deputy suggestions: the lead unit hears when a deadline is near (SPEC §5) ---------------- */

static int suggestion_sweep(store_t *db, void *arg)
{
    return api_suggestion_remind_near(db, *(const int64_t *)arg);
}

/* ---- secret ballots: those whose closing time has come are counted and closed (SPEC §7) ------- */

static int ballot_sweep(store_t *db, void *arg)
{
    return api_ballot_close_due(db, *(const int64_t *)arg);
}

/* ---- obligations: once a day, each deputy behind in a period just ended hears so (SPEC §6) ------ */

typedef struct {
    int64_t now;
    int sent;
} obligation_sweep_t;

static int obligation_sweep(store_t *db, void *arg)
{
    obligation_sweep_t *s = arg;
    return api_obligations_remind(db, s->now, &s->sent);
}

static void remind_obligations(writer_t *writer, int64_t now)
{
    /* a batch a tick until a sweep finds fewer: then the day is done (the ticker is one thread) */
    static calendar_day_t done_on;
    obligation_sweep_t s = {.now = now};
    if (calendar_day_of(now) == done_on)
        return;
    if (in_writer(writer, obligation_sweep, &s) != STORE_OK)
        log_error("cannot remind deputies of obligations behind");
    else if (s.sent < API_REMIND_BATCH)
        done_on = calendar_day_of(now);
}

/* ---- the weekly digest: once a week is over, each city and county office hears of it (SPEC §8) -- */

static int digest_sweep(store_t *db, void *arg)
{
    return api_digest_send_weekly(db, *(const int64_t *)arg);
}

void api_background_tick(const config_t *cfg, writer_t *writer, store_t *db, int64_t now)
{
    sweep_reception(writer, now);
    if (in_writer(writer, suggestion_sweep, &now) != STORE_OK)
        log_error("cannot announce near suggestion deadlines");
    if (in_writer(writer, ballot_sweep, &now) != STORE_OK)
        log_error("cannot close the ballots whose time is up");
    remind_obligations(writer, now);
    if (in_writer(writer, digest_sweep, &now) != STORE_OK)
        log_error("cannot send the weekly digests");
    sweep_t *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return;
    s->cfg = cfg;
    s->now = now;
    calendar_init(&s->cal);
    if (store_calendar_load(db, &s->cal) == STORE_OK && in_writer(writer, sweep, s) != STORE_OK)
        log_error("cannot send reminders or close unrated answers");
    calendar_free(&s->cal);
    free(s);
    /* after the sweep, so what it wrote goes out in the same tick */
    deliver_outbox(cfg, writer, db, now);
}
