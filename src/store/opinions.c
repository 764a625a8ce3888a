/* opinions: SQL for the opinion loop (see opinions.h). */
#include "store/opinions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPINION_COLUMNS                                                                            \
    "o.id, o.tracking_code, o.channel, coalesce(o.station_id, 0), coalesce(o.deputy_id, 0), "       \
    "o.category_id, o.region_code, o.content, o.location, o.name_sealed, o.phone_sealed, "          \
    "o.address_sealed, o.secret_sealed, coalesce(o.phone_hash, ''), coalesce(o.secret_hash, ''), "  \
    "coalesce(o.phone4, ''), coalesce(o.idempotency_key, ''), o.consent_publish, o.state, "         \
    "coalesce(o.disposition, ''), o.urgency, coalesce(o.tier, ''), coalesce(o.owner_user_id, 0), "  \
    "coalesce(o.owner_deputy_id, 0), coalesce(o.master_id, 0), coalesce(o.suggestion_id, 0), "      \
    "coalesce(o.created_by, 0), o.answer, o.rating_comment, coalesce(o.rating, ''), o.reopens, "    \
    "coalesce(o.answered_at, 0), coalesce(o.rated_at, 0), o.triage_due, o.answer_due, "             \
    "o.created_at, o.updated_at, coalesce(o.closed_at, 0), o.reminded_due, coalesce(o.visit_id, 0)"

/* The deadline an opinion works towards, as SQL over the row (see store_opinion_current_due). */
#define CURRENT_DUE                                                                                \
    "CASE o.state WHEN 'registered' THEN o.triage_due WHEN 'triaged' THEN o.answer_due "           \
    "WHEN 'in_progress' THEN o.answer_due ELSE 0 END"

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

void store_opinion_free(store_opinion_t *o)
{
    STORE_FREE_TEXTS(&o->content, &o->location, &o->name_sealed, &o->phone_sealed, &o->address_sealed,
                     &o->secret_sealed, &o->answer, &o->rating_comment);
}

static void read_opinion(store_stmt_t *st, store_opinion_t *o)
{
    memset(o, 0, sizeof(*o));
    o->id = store_col_int(st, 0);
    copy(o->tracking_code, sizeof(o->tracking_code), store_col_text(st, 1));
    copy(o->channel, sizeof(o->channel), store_col_text(st, 2));
    o->station_id = store_col_int(st, 3);
    o->deputy_id = store_col_int(st, 4);
    o->category_id = store_col_int(st, 5);
    copy(o->region, sizeof(o->region), store_col_text(st, 6));
    o->content = strdup(store_col_text(st, 7));
    o->location = strdup(store_col_text(st, 8));
    o->name_sealed = store_col_dup(st, 9);
    o->phone_sealed = store_col_dup(st, 10);
    o->address_sealed = store_col_dup(st, 11);
    o->secret_sealed = store_col_dup(st, 12);
    copy(o->phone_hash, sizeof(o->phone_hash), store_col_text(st, 13));
    copy(o->secret_hash, sizeof(o->secret_hash), store_col_text(st, 14));
    copy(o->phone4, sizeof(o->phone4), store_col_text(st, 15));
    copy(o->idempotency_key, sizeof(o->idempotency_key), store_col_text(st, 16));
    o->consent_publish = store_col_int(st, 17) != 0;
    int state = opinion_state_from_name(store_col_text(st, 18));
    o->state = state < 0 ? OPINION_REGISTERED : (opinion_state_t)state;
    copy(o->disposition, sizeof(o->disposition), store_col_text(st, 19));
    copy(o->urgency, sizeof(o->urgency), store_col_text(st, 20));
    copy(o->tier, sizeof(o->tier), store_col_text(st, 21));
    o->owner_user_id = store_col_int(st, 22);
    o->owner_deputy_id = store_col_int(st, 23);
    o->master_id = store_col_int(st, 24);
    o->suggestion_id = store_col_int(st, 25);
    o->created_by = store_col_int(st, 26);
    o->answer = store_col_dup(st, 27);
    o->rating_comment = store_col_dup(st, 28);
    int rating = opinion_rating_from_name(store_col_text(st, 29));
    o->rating = rating < 0 ? RATING_NONE : (opinion_rating_t)rating;
    o->reopens = (int)store_col_int(st, 30);
    o->answered_at = store_col_int(st, 31);
    o->rated_at = store_col_int(st, 32);
    o->triage_due = store_col_int(st, 33);
    o->answer_due = store_col_int(st, 34);
    o->created_at = store_col_int(st, 35);
    o->updated_at = store_col_int(st, 36);
    o->closed_at = store_col_int(st, 37);
    o->reminded_due = store_col_int(st, 38);
    o->visit_id = store_col_int(st, 39);
}

/* out is always safe to free afterwards, whatever the result. */
static int one_opinion(store_stmt_t *st, store_opinion_t *out)
{
    memset(out, 0, sizeof(*out));
    int rc = store_step(st);
    if (rc == STORE_ROW)
        read_opinion(st, out);
    store_done(st);
    if (rc == STORE_ROW && !(out->content && out->location)) {
        store_opinion_free(out); /* out of memory part way */
        return STORE_ERR;
    }
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

static int opinion_where(store_t *db, const char *sql, int64_t id, const char *text, store_opinion_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    if (text)
        store_bind_text(st, 1, text);
    else
        store_bind_int(st, 1, id);
    return one_opinion(st, out);
}

int store_opinion_get(store_t *db, int64_t id, store_opinion_t *out)
{
    return opinion_where(db, "SELECT " OPINION_COLUMNS " FROM opinions o WHERE o.id = $1", id, NULL, out);
}

int store_opinion_by_code(store_t *db, const char *code, store_opinion_t *out)
{
    return opinion_where(db, "SELECT " OPINION_COLUMNS " FROM opinions o WHERE o.tracking_code = $1", 0, code, out);
}

int store_opinion_by_idempotency(store_t *db, const char *key, store_opinion_t *out)
{
    return opinion_where(db, "SELECT " OPINION_COLUMNS " FROM opinions o WHERE o.idempotency_key = $1", 0, key, out);
}

int store_opinion_insert(store_t *db, const store_opinion_t *o, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO opinions (tracking_code, secret_hash, secret_sealed, idempotency_key, channel,"
            " station_id, deputy_id, region_code, category_id, content, location, name_sealed, phone_sealed,"
            " address_sealed, phone_hash, phone4, consent_publish, state, urgency, triage_due, answer_due,"
            " created_by, created_at, updated_at, visit_id)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
            " 'registered', 'normal', $18, $19, $20, $21, $21, $22) ON CONFLICT (tracking_code) DO NOTHING");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, o->tracking_code);
    store_bind_opt_text(st, 2, o->secret_hash);
    store_bind_opt_text(st, 3, o->secret_sealed);
    store_bind_opt_text(st, 4, o->idempotency_key);
    store_bind_text(st, 5, o->channel);
    store_bind_opt_id(st, 6, o->station_id);
    store_bind_opt_id(st, 7, o->deputy_id);
    store_bind_text(st, 8, o->region);
    store_bind_int(st, 9, o->category_id);
    store_bind_text(st, 10, o->content);
    store_bind_text(st, 11, o->location ? o->location : "");
    store_bind_opt_text(st, 12, o->name_sealed);
    store_bind_opt_text(st, 13, o->phone_sealed);
    store_bind_opt_text(st, 14, o->address_sealed);
    store_bind_opt_text(st, 15, o->phone_hash);
    store_bind_opt_text(st, 16, o->phone4);
    store_bind_int(st, 17, o->consent_publish);
    store_bind_int(st, 18, o->triage_due);
    store_bind_int(st, 19, o->answer_due);
    store_bind_opt_id(st, 20, o->created_by);
    store_bind_int(st, 21, o->created_at);
    store_bind_opt_id(st, 22, o->visit_id);
    int rc = store_run(st);
    if (rc == STORE_OK && store_changes(db) == 0)
        return STORE_ECONSTRAINT; /* the code is taken; nothing was written */
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_opinion_save(store_t *db, const store_opinion_t *o)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE opinions SET state = $2, disposition = $3, urgency = $4, tier = $5, owner_user_id = $6,"
            " owner_deputy_id = $7, master_id = $8, suggestion_id = $9, answer = $10, answered_at = $11,"
            " rating = $12, rating_comment = $13, rated_at = $14, reopens = $15, category_id = $16,"
            " answer_due = $17, updated_at = $18, closed_at = $19 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, o->id);
    store_bind_text(st, 2, opinion_state_name(o->state));
    store_bind_opt_text(st, 3, o->disposition);
    store_bind_text(st, 4, o->urgency[0] ? o->urgency : "normal");
    store_bind_opt_text(st, 5, o->tier);
    store_bind_opt_id(st, 6, o->owner_user_id);
    store_bind_opt_id(st, 7, o->owner_deputy_id);
    store_bind_opt_id(st, 8, o->master_id);
    store_bind_opt_id(st, 9, o->suggestion_id);
    store_bind_opt_text(st, 10, o->answer);
    store_bind_opt_id(st, 11, o->answered_at);
    store_bind_opt_text(st, 12, opinion_rating_name(o->rating));
    store_bind_opt_text(st, 13, o->rating_comment);
    store_bind_opt_id(st, 14, o->rated_at);
    store_bind_int(st, 15, o->reopens);
    store_bind_int(st, 16, o->category_id);
    store_bind_int(st, 17, o->answer_due);
    store_bind_int(st, 18, o->updated_at);
    store_bind_opt_id(st, 19, o->closed_at);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) != 1 ? STORE_ENOTFOUND : rc;
}

int64_t store_opinion_current_due(const store_opinion_t *o)
{
    switch (o->state) {
    case OPINION_REGISTERED: return o->triage_due;
    case OPINION_TRIAGED:
    case OPINION_IN_PROGRESS: return o->answer_due;
    default: return 0;
    }
}

/* Calls fn for every row of a prepared statement over OPINION_COLUMNS; fn may stop it. */
static int each_opinion(store_stmt_t *st, int (*fn)(const store_opinion_t *o, void *arg), void *arg)
{
    int rc, stop = 0;
    while (!stop && (rc = store_step(st)) == STORE_ROW) {
        store_opinion_t o;
        read_opinion(st, &o);
        stop = o.content && o.location ? fn(&o, arg) : -1;
        store_opinion_free(&o);
    }
    store_done(st);
    return stop < 0 ? STORE_ERR : stop ? STORE_OK : rc == STORE_DONE ? STORE_OK : rc;
}

/* What a store_opinion_filter_t selects, over opinions o, with parameters $1..$20 as bound by
 * bind_filter ($14 and $15 are the keyset page). */
#define FILTER_WHERE                                                                               \
    " WHERE o.region_code >= $1 AND o.region_code < $2"                                             \
    " AND ($3 IS NULL OR o.state = $3) AND ($4 IS NULL OR o.category_id = $4)"                      \
    " AND ($5 IS NULL OR o.station_id = $5) AND ($6 IS NULL OR o.deputy_id = $6 OR o.owner_deputy_id = $6)" \
    " AND ($7 IS NULL OR o.id IN (SELECT opinion_id FROM referrals WHERE unit_id = $7))"            \
    " AND ($8 IS NULL OR o.owner_user_id = $8) AND ($9 IS NULL OR o.channel = $9)"                  \
    " AND ($10 IS NULL OR (" CURRENT_DUE ") BETWEEN $10 AND $11)"                                   \
    " AND ($12 IS NULL OR o.created_at BETWEEN $12 AND $13)"                                        \
    " AND ($16 = 0 OR o.state IN ('registered', 'triaged', 'in_progress'))"                         \
    " AND ($17 IS NULL OR o.master_id = $17)"                                                       \
    " AND ($18 = 0 OR o.answer IS NOT NULL) AND ($19 = 0 OR o.rating IS NOT NULL)"                  \
    " AND ($20 = 0 OR o.rating IN ('satisfied', 'basic'))"                                          \
    " AND o.id < $14"

static store_stmt_t *prepare_filtered(store_t *db, const char *sql, const store_opinion_filter_t *f)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return NULL;
    store_bind_text(st, 1, f->region_lo);
    store_bind_text(st, 2, f->region_hi);
    store_bind_opt_text(st, 3, f->state);
    store_bind_opt_id(st, 4, f->category_id);
    store_bind_opt_id(st, 5, f->station_id);
    store_bind_opt_id(st, 6, f->deputy_id);
    store_bind_opt_id(st, 7, f->unit_id);
    store_bind_opt_id(st, 8, f->owner_user_id);
    store_bind_opt_text(st, 9, f->channel);
    if (f->due_to) {
        store_bind_int(st, 10, f->due_from > 0 ? f->due_from : 1);
        store_bind_int(st, 11, f->due_to);
    } else {
        store_bind_null(st, 10);
        store_bind_null(st, 11);
    }
    if (f->created_to) {
        store_bind_int(st, 12, f->created_from);
        store_bind_int(st, 13, f->created_to);
    } else {
        store_bind_null(st, 12);
        store_bind_null(st, 13);
    }
    store_bind_int(st, 14, f->before_id > 0 ? f->before_id : INT64_MAX);
    store_bind_int(st, 15, f->limit > 0 ? f->limit : -1);
    store_bind_int(st, 16, f->open_only);
    store_bind_opt_id(st, 17, f->master_id);
    store_bind_int(st, 18, f->answered);
    store_bind_int(st, 19, f->rated);
    store_bind_int(st, 20, f->satisfied);
    return st;
}

static const char FILTERED_SQL[] = "SELECT " OPINION_COLUMNS " FROM opinions o" FILTER_WHERE
                                   " ORDER BY o.id DESC LIMIT $15";

int store_opinions_each(store_t *db, const store_opinion_filter_t *f,
                        int (*fn)(const store_opinion_t *o, void *arg), void *arg)
{
    store_stmt_t *st = prepare_filtered(db, FILTERED_SQL, f);
    return st ? each_opinion(st, fn, arg) : STORE_ERR;
}

int store_opinions_count(store_t *db, const store_opinion_filter_t *f, int64_t *n)
{
    static const char sql[] = "SELECT count(*) FROM (SELECT 1 FROM opinions o" FILTER_WHERE " LIMIT $15)";
    store_stmt_t *st = prepare_filtered(db, sql, f);
    if (st == NULL)
        return STORE_ERR;
    int rc = store_step(st);
    *n = rc == STORE_ROW ? store_col_int(st, 0) : 0;
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ERR : rc;
}

int store_opinions_open(store_t *db, const store_opinion_filter_t *f, store_opinion_cursor_t *c)
{
    c->st = prepare_filtered(db, FILTERED_SQL, f);
    return c->st ? STORE_OK : STORE_ERR;
}

int store_opinions_next(store_opinion_cursor_t *c, store_opinion_t *o)
{
    int rc = store_step(c->st);
    memset(o, 0, sizeof(*o));
    if (rc != STORE_ROW)
        return rc;
    read_opinion(c->st, o);
    return o->content && o->location ? STORE_ROW : STORE_ERR;
}

void store_opinions_close(store_opinion_cursor_t *c)
{
    if (c->st)
        store_done(c->st);
    c->st = NULL;
}

int store_opinions_merged_into(store_t *db, int64_t master, int (*fn)(const store_opinion_t *o, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " OPINION_COLUMNS " FROM opinions o WHERE o.master_id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, master);
    return each_opinion(st, fn, arg);
}

int store_opinions_due_between(store_t *db, int64_t from, int64_t to, int (*fn)(const store_opinion_t *o, void *arg),
                               void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " OPINION_COLUMNS " FROM opinions o WHERE o.state = 'registered' AND o.triage_due BETWEEN $1 AND $2"
            " UNION ALL SELECT " OPINION_COLUMNS " FROM opinions o WHERE o.state IN ('triaged', 'in_progress')"
            " AND o.answer_due BETWEEN $1 AND $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, from);
    store_bind_int(st, 2, to);
    return each_opinion(st, fn, arg);
}

int store_opinions_answered_before(store_t *db, int64_t before, int limit,
                                   int (*fn)(const store_opinion_t *o, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " OPINION_COLUMNS " FROM opinions o WHERE o.state = 'answered' AND o.answered_at < $1"
            " ORDER BY o.answered_at LIMIT $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, before);
    store_bind_int(st, 2, limit);
    return each_opinion(st, fn, arg);
}

int store_opinions_of_station(store_t *db, int64_t station, int64_t from, int64_t to,
                              int (*fn)(const store_opinion_t *o, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " OPINION_COLUMNS " FROM opinions o WHERE o.station_id = $1 AND o.created_at BETWEEN $2 AND $3"
            " ORDER BY o.created_at, o.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, station);
    store_bind_int(st, 2, from);
    store_bind_int(st, 3, to ? to : INT64_MAX);
    return each_opinion(st, fn, arg);
}

int store_opinions_of_visit(store_t *db, int64_t visit, int (*fn)(const store_opinion_t *o, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " OPINION_COLUMNS " FROM opinions o WHERE o.visit_id = $1 ORDER BY o.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, visit);
    return each_opinion(st, fn, arg);
}

int store_opinion_figures(store_t *db, const store_opinion_filter_t *f, int64_t now,
                          int (*fn)(const store_opinion_figures_t *row, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT o.category_id, o.channel, count(*), sum(o.answer IS NOT NULL), sum(o.rating IS NOT NULL),"
            " sum(o.rating IN ('satisfied', 'basic')),"
            " sum(o.state IN ('registered', 'triaged', 'in_progress') AND (" CURRENT_DUE ") < $6)"
            " FROM opinions o WHERE o.region_code >= $1 AND o.region_code < $2"
            " AND ($3 IS NULL OR o.station_id = $3) AND o.created_at BETWEEN $4 AND $5"
            " GROUP BY o.category_id, o.channel ORDER BY o.category_id, o.channel");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, f->region_lo);
    store_bind_text(st, 2, f->region_hi);
    store_bind_opt_id(st, 3, f->station_id);
    store_bind_int(st, 4, f->created_from);
    store_bind_int(st, 5, f->created_to ? f->created_to : INT64_MAX);
    store_bind_int(st, 6, now);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_opinion_figures_t row = {
            store_col_int(st, 0), store_col_text(st, 1), store_col_int(st, 2), store_col_int(st, 3),
            store_col_int(st, 4), store_col_int(st, 5), store_col_int(st, 6),
        };
        if (fn(&row, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* ---- events ----------------------------------------------------------------------------------- */

int store_opinion_event_add(store_t *db, const store_opinion_event_t *e)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO opinion_events (opinion_id, at, actor_id, actor, action, from_state, to_state, note,"
            " public_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, e->opinion_id);
    store_bind_int(st, 2, e->at);
    store_bind_opt_id(st, 3, e->actor_id);
    store_bind_text(st, 4, e->actor);
    store_bind_text(st, 5, e->action);
    store_bind_opt_text(st, 6, e->from_state);
    store_bind_text(st, 7, e->to_state);
    store_bind_text(st, 8, e->note ? e->note : "");
    store_bind_text(st, 9, e->public_note ? e->public_note : "");
    return store_run(st);
}

int store_opinion_events_each(store_t *db, int64_t opinion_id,
                              int (*fn)(const store_opinion_event_t *e, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT e.id, e.opinion_id, e.at, coalesce(e.actor_id, 0), e.actor, e.action, coalesce(e.from_state, ''),"
            " e.to_state, e.note, e.public_note, coalesce(u.display_name, '')"
            " FROM opinion_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.opinion_id = $1 ORDER BY e.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, opinion_id);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_opinion_event_t e = {
            store_col_int(st, 0), store_col_int(st, 1), store_col_int(st, 2), store_col_int(st, 3),
            store_col_text(st, 4), store_col_text(st, 5), store_col_text(st, 6), store_col_text(st, 7),
            store_col_text(st, 8), store_col_text(st, 9), store_col_text(st, 10),
        };
        if (fn(&e, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* ---- referrals --------------------------------------------------------------------------------- */

#define REFERRAL_COLUMNS                                                                           \
    "r.id, r.opinion_id, r.unit_id, r.state, r.due, r.extension_pending, coalesce(r.extension_days, 0), " \
    "coalesce(r.extension_reason, ''), r.reply, coalesce(u.name, ''), r.created_at, r.updated_at"

void store_referral_free(store_referral_t *r)
{
    free(r->reply);
    r->reply = NULL;
}

static void read_referral(store_stmt_t *st, store_referral_t *r)
{
    memset(r, 0, sizeof(*r));
    r->id = store_col_int(st, 0);
    r->opinion_id = store_col_int(st, 1);
    r->unit_id = store_col_int(st, 2);
    int state = referral_state_from_name(store_col_text(st, 3));
    r->state = state < 0 ? REFERRAL_SENT : (referral_state_t)state;
    r->due = store_col_int(st, 4);
    r->extension_pending = store_col_int(st, 5) != 0;
    r->extension_days = (int)store_col_int(st, 6);
    copy(r->extension_reason, sizeof(r->extension_reason), store_col_text(st, 7));
    r->reply = store_col_dup(st, 8);
    copy(r->unit_name, sizeof(r->unit_name), store_col_text(st, 9));
    r->created_at = store_col_int(st, 10);
    r->updated_at = store_col_int(st, 11);
}

int store_referral_insert(store_t *db, const store_referral_t *r, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO referrals (opinion_id, unit_id, state, due, created_at, updated_at)"
            " VALUES ($1, $2, 'sent', $3, $4, $4)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, r->opinion_id);
    store_bind_int(st, 2, r->unit_id);
    store_bind_int(st, 3, r->due);
    store_bind_int(st, 4, r->created_at);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_referral_save(store_t *db, const store_referral_t *r)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE referrals SET state = $2, due = $3, extension_pending = $4, extension_days = $5,"
            " extension_reason = $6, reply = $7, updated_at = $8 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, r->id);
    store_bind_text(st, 2, referral_state_name(r->state));
    store_bind_int(st, 3, r->due);
    store_bind_int(st, 4, r->extension_pending);
    store_bind_opt_id(st, 5, r->extension_days);
    store_bind_opt_text(st, 6, r->extension_reason);
    store_bind_opt_text(st, 7, r->reply);
    store_bind_int(st, 8, r->updated_at);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) != 1 ? STORE_ENOTFOUND : rc;
}

int store_referral_get(store_t *db, int64_t id, store_referral_t *out)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " REFERRAL_COLUMNS " FROM referrals r LEFT JOIN units u ON u.id = r.unit_id WHERE r.id = $1");
    memset(out, 0, sizeof(*out)); /* safe to free whatever the result */
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        read_referral(st, out);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

static int each_referral(store_stmt_t *st, int (*fn)(const store_referral_t *r, void *arg), void *arg)
{
    int rc, stop = 0;
    while (!stop && (rc = store_step(st)) == STORE_ROW) {
        store_referral_t r;
        read_referral(st, &r);
        stop = fn(&r, arg);
        store_referral_free(&r);
    }
    store_done(st);
    return stop || rc == STORE_DONE ? STORE_OK : rc;
}

int store_referrals_of(store_t *db, int64_t opinion_id, int (*fn)(const store_referral_t *r, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " REFERRAL_COLUMNS " FROM referrals r LEFT JOIN units u ON u.id = r.unit_id"
            " WHERE r.opinion_id = $1 ORDER BY r.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, opinion_id);
    return each_referral(st, fn, arg);
}

int store_referrals_of_unit(store_t *db, int64_t unit_id, bool open_only, int64_t before_id, int limit,
                            int (*fn)(const store_referral_t *r, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " REFERRAL_COLUMNS " FROM referrals r LEFT JOIN units u ON u.id = r.unit_id"
            " WHERE r.unit_id = $1 AND ($2 = 0 OR (r.state IN ('sent', 'accepted')"
            " AND (SELECT state FROM opinions WHERE id = r.opinion_id) = 'in_progress')) AND r.id < $3"
            " ORDER BY r.id DESC LIMIT $4");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, unit_id);
    store_bind_int(st, 2, open_only);
    store_bind_int(st, 3, before_id > 0 ? before_id : INT64_MAX);
    store_bind_int(st, 4, limit > 0 ? limit : -1);
    return each_referral(st, fn, arg);
}

static int set_reminded(store_t *db, const char *sql, int64_t id, int64_t due)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, due);
    return store_run(st);
}

int store_opinion_set_reminded(store_t *db, int64_t id, int64_t due)
{
    return set_reminded(db, "UPDATE opinions SET reminded_due = $2 WHERE id = $1", id, due);
}

int store_referral_set_reminded(store_t *db, int64_t id, int64_t due)
{
    return set_reminded(db, "UPDATE referrals SET reminded_due = $2 WHERE id = $1", id, due);
}

int store_referrals_due(store_t *db, int64_t from, int64_t to, int (*fn)(const store_referral_t *r, void *arg),
                        void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " REFERRAL_COLUMNS " FROM referrals r LEFT JOIN units u ON u.id = r.unit_id"
            " WHERE r.state IN ('sent', 'accepted') AND r.due BETWEEN $1 AND $2 AND r.reminded_due <> r.due"
            " AND (SELECT state FROM opinions WHERE id = r.opinion_id) = 'in_progress'"
            " ORDER BY r.due");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, from);
    store_bind_int(st, 2, to);
    return each_referral(st, fn, arg);
}

/* ---- suggestions and the outbox ---------------------------------------------------------------- */

int store_suggestion_draft(store_t *db, int64_t deputy_id, const char *region, const char *title,
                           const char *content, int64_t opinion_id, int64_t now, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO suggestions (deputy_id, region_code, title, content, state, opinion_id, created_at,"
            " updated_at) VALUES ($1, $2, $3, $4, 'draft', $5, $6, $6)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_opt_id(st, 1, deputy_id);
    store_bind_text(st, 2, region);
    store_bind_text(st, 3, title);
    store_bind_text(st, 4, content);
    store_bind_int(st, 5, opinion_id);
    store_bind_int(st, 6, now);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_outbox_add(store_t *db, const char *event, const char *recipient, const char *payload, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO outbox (created_at, event, recipient, payload, next_at) VALUES ($1, $2, $3, $4, $1)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, now);
    store_bind_text(st, 2, event);
    store_bind_text(st, 3, recipient);
    store_bind_text(st, 4, payload);
    return store_run(st);
}

int store_categories_each(store_t *db, int (*fn)(const store_category_t *c, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT id, coalesce(parent_id, 0), code, name, name_en, coalesce(region_code, '') FROM categories"
            " WHERE deleted_at IS NULL ORDER BY coalesce(parent_id, id), parent_id IS NOT NULL, position, id");
    if (st == NULL)
        return STORE_ERR;
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_category_t c = {store_col_int(st, 0), store_col_int(st, 1), store_col_text(st, 2),
                              store_col_text(st, 3), store_col_text(st, 4), store_col_text(st, 5)};
        if (fn(&c, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* id and region of the live category found by code (text) or by id. */
static int category_row(store_t *db, const char *code, int64_t by_id, int64_t *id, char region[13])
{
    store_stmt_t *st = store_prepare(
        db, code ? "SELECT id, coalesce(region_code, '') FROM categories WHERE code = $1 AND deleted_at IS NULL"
                 : "SELECT id, coalesce(region_code, '') FROM categories WHERE id = $1 AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    if (code)
        store_bind_text(st, 1, code);
    else
        store_bind_int(st, 1, by_id);
    int rc = store_step(st);
    if (rc == STORE_ROW) {
        *id = store_col_int(st, 0);
        snprintf(region, 13, "%s", store_col_text(st, 1));
    }
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_category_id(store_t *db, const char *code, int64_t *id)
{
    char region[13];
    return category_row(db, code, 0, id, region);
}

int store_category_by_code(store_t *db, const char *code, int64_t *id, char region[13])
{
    return category_row(db, code, 0, id, region);
}

int store_category_region(store_t *db, int64_t id, char region[13])
{
    int64_t found;
    return category_row(db, NULL, id, &found, region);
}

int store_attachment_add(store_t *db, int64_t opinion_id, const char *mime, const void *data, size_t len, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO attachments (opinion_id, mime, bytes, data, created_at) VALUES ($1, $2, $3, $4, $5)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, opinion_id);
    store_bind_text(st, 2, mime);
    store_bind_int(st, 3, (int64_t)len);
    store_bind_blob(st, 4, data, len);
    store_bind_int(st, 5, now);
    return store_run(st);
}

static int each_attachment(store_stmt_t *st, bool with_data, int (*fn)(const store_attachment_t *a, void *arg),
                           void *arg)
{
    int rc, found = 0;
    while ((rc = store_step(st)) == STORE_ROW) {
        found++;
        store_attachment_t a = {store_col_int(st, 0), store_col_int(st, 1), store_col_text(st, 2),
                                (size_t)store_col_int(st, 3), with_data ? store_col_blob(st, 4) : NULL};
        if (fn(&a, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : with_data && found == 0 ? STORE_ENOTFOUND : STORE_OK;
}

int store_attachments_of(store_t *db, int64_t opinion_id, int (*fn)(const store_attachment_t *a, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT id, opinion_id, mime, bytes FROM attachments WHERE opinion_id = $1 ORDER BY id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, opinion_id);
    return each_attachment(st, false, fn, arg);
}

int store_attachment_get(store_t *db, int64_t id, int (*fn)(const store_attachment_t *a, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT id, opinion_id, mime, bytes, data FROM attachments WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    return each_attachment(st, true, fn, arg);
}

int store_category_insert(store_t *db, const store_category_t *c, int position, int64_t now, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO categories (parent_id, code, name, name_en, position, created_at, updated_at, region_code)"
            " SELECT $1, $2, $3, $4, $5, $6, $6, $7"
            " WHERE $1 IS NULL OR EXISTS (SELECT 1 FROM categories WHERE id = $1 AND deleted_at IS NULL"
            " AND parent_id IS NULL)"); /* two levels: a category and its subcategories */
    if (st == NULL)
        return STORE_ERR;
    store_bind_opt_id(st, 1, c->parent_id);
    store_bind_text(st, 2, c->code);
    store_bind_text(st, 3, c->name);
    store_bind_text(st, 4, c->name_en ? c->name_en : "");
    store_bind_int(st, 5, position);
    store_bind_int(st, 6, now);
    store_bind_opt_text(st, 7, c->region);
    int rc = store_run(st);
    if (rc == STORE_OK && store_changes(db) != 1)
        return STORE_ENOTFOUND; /* the parent is gone */
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_category_rename(store_t *db, int64_t id, const char *name, const char *name_en, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE categories SET name = coalesce($2, name), name_en = coalesce($3, name_en), updated_at = $4"
            " WHERE id = $1 AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_opt_text(st, 2, name);
    store_bind_opt_text(st, 3, name_en);
    store_bind_int(st, 4, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}

int store_category_retire(store_t *db, int64_t id, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE categories SET deleted_at = $2, updated_at = $2"
            " WHERE (id = $1 OR parent_id = $1) AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}
