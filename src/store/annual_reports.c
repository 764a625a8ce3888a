/* annual_reports: SQL for annual reports, their ratings and the figures of a year (see annual_reports.h). */
#include "store/annual_reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"

const char *const store_report_ratings[REPORT_RATINGS] = {"satisfied", "basic", "unsatisfied"};

#define REPORT_COLUMNS                                                                                                 \
    "r.id, r.deputy_id, d.name, r.region_code, r.year, r.title, r.body, r.state, r.generated_at,"                      \
    " r.published_at, r.updated_by, r.created_at, r.updated_at,"                                                       \
    " (SELECT count(*) FROM report_ratings t WHERE t.report_id = r.id AND t.rating = 'satisfied'),"                    \
    " (SELECT count(*) FROM report_ratings t WHERE t.report_id = r.id AND t.rating = 'basic'),"                        \
    " (SELECT count(*) FROM report_ratings t WHERE t.report_id = r.id AND t.rating = 'unsatisfied')"

void store_annual_report_free(store_annual_report_t *r)
{
    STORE_FREE_TEXTS(&r->deputy_name, &r->title, &r->body);
}

/* Reads a row of REPORT_COLUMNS; false when a text could not be copied (out is freed then). */
static bool read_report(store_stmt_t *st, store_annual_report_t *r)
{
    memset(r, 0, sizeof(*r));
    r->id = store_col_int(st, 0);
    r->deputy_id = store_col_int(st, 1);
    r->deputy_name = store_col_dup(st, 2);
    snprintf(r->region, sizeof(r->region), "%s", store_col_text(st, 3));
    r->year = (int)store_col_int(st, 4);
    r->title = store_col_dup(st, 5);
    r->body = store_col_dup(st, 6);
    snprintf(r->state, sizeof(r->state), "%s", store_col_text(st, 7));
    r->generated_at = store_col_int(st, 8);
    r->published_at = store_col_int(st, 9);
    r->updated_by = store_col_int(st, 10);
    r->created_at = store_col_int(st, 11);
    r->updated_at = store_col_int(st, 12);
    for (int i = 0; i < REPORT_RATINGS; i++)
        r->ratings[i] = store_col_int(st, 13 + i);
    if (r->deputy_name && r->title && r->body)
        return true;
    store_annual_report_free(r);
    return false;
}

/* The one report a bound statement selects. */
static int read_one(store_stmt_t *st, store_annual_report_t *out)
{
    int rc = store_step(st);
    bool whole = rc == STORE_ROW && read_report(st, out);
    store_done(st);
    if (rc == STORE_ROW)
        return whole ? STORE_OK : STORE_ERR;
    return rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_annual_report_get(store_t *db, int64_t id, store_annual_report_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st = store_prepare(db, "SELECT " REPORT_COLUMNS " FROM annual_reports r"
                                         " JOIN deputies d ON d.id = r.deputy_id WHERE r.id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    return read_one(st, out);
}

int store_annual_report_find(store_t *db, int64_t deputy_id, int year, store_annual_report_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st =
        store_prepare(db, "SELECT " REPORT_COLUMNS " FROM annual_reports r"
                          " JOIN deputies d ON d.id = r.deputy_id WHERE r.deputy_id = $1 AND r.year = $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, deputy_id);
    store_bind_int(st, 2, year);
    return read_one(st, out);
}

int store_annual_reports_each(store_t *db, int64_t deputy_id, bool drafts,
                              int (*fn)(const store_annual_report_t *r, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " REPORT_COLUMNS " FROM annual_reports r"
                                         " JOIN deputies d ON d.id = r.deputy_id"
                                         " WHERE r.deputy_id = $1 AND ($2 OR r.state = 'published')"
                                         " ORDER BY r.year DESC");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, deputy_id);
    store_bind_int(st, 2, drafts);
    int rc, stop = 0;
    while (!stop && (rc = store_step(st)) == STORE_ROW) {
        store_annual_report_t r;
        if (!read_report(st, &r)) {
            stop = -1;
            break;
        }
        stop = fn(&r, arg);
        store_annual_report_free(&r);
    }
    store_done(st);
    return stop < 0 ? STORE_ERR : stop ? STORE_OK : rc == STORE_DONE ? STORE_OK : rc;
}

int store_annual_report_insert(store_t *db, const store_annual_report_t *r, int64_t now, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO annual_reports (deputy_id, region_code, year, title, body, generated_at, updated_by,"
            " created_at, updated_at)"
            " SELECT id, region_code, $2, $3, $4, $5, $6, $5, $5 FROM deputies WHERE id = $1 AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, r->deputy_id);
    store_bind_int(st, 2, r->year);
    store_bind_text(st, 3, r->title);
    store_bind_text(st, 4, r->body);
    store_bind_int(st, 5, now);
    store_bind_opt_id(st, 6, r->updated_by);
    int rc = store_run(st);
    if (rc == STORE_OK && store_changes(db) == 0)
        return STORE_ENOTFOUND;
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_annual_report_save(store_t *db, const store_annual_report_t *r, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "UPDATE annual_reports SET title = $2, body = $3, state = $4,"
                                         " generated_at = $5, published_at = $6, updated_by = $7, updated_at = $8"
                                         " WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, r->id);
    store_bind_text(st, 2, r->title);
    store_bind_text(st, 3, r->body);
    store_bind_text(st, 4, r->state);
    store_bind_int(st, 5, r->generated_at);
    store_bind_opt_id(st, 6, r->published_at);
    store_bind_opt_id(st, 7, r->updated_by);
    store_bind_int(st, 8, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}

int store_report_rating_add(store_t *db, int64_t report_id, const char *phone_hash, const char *rating,
                            const char *comment, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO report_ratings (report_id, phone_hash, rating, comment,"
                                         " created_at) VALUES ($1, $2, $3, $4, $5)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, report_id);
    store_bind_text(st, 2, phone_hash);
    store_bind_text(st, 3, rating);
    store_bind_text(st, 4, comment ? comment : "");
    store_bind_int(st, 5, now);
    return store_run(st);
}

/* ---- the figures of a year ------------------------------------------------------------------- */

void store_annual_figures_free(store_annual_figures_t *out)
{
    for (size_t i = 0; i < out->f.nrecords; i++) {
        annual_report_record_t *r = &out->records[i];
        STORE_FREE_TEXTS((char **)&r->kind, (char **)&r->kind_name, (char **)&r->title, (char **)&r->happened_on,
                         (char **)&r->source);
    }
    for (size_t i = 0; i < out->f.nsuggestions; i++) {
        annual_report_suggestion_t *s = &out->suggestions[i];
        STORE_FREE_TEXTS((char **)&s->title, (char **)&s->state, (char **)&s->reply_category, (char **)&s->rating);
    }
    free(out->records);
    free(out->suggestions);
    free(out->name);
    memset(out, 0, sizeof(*out));
}

/* Room for one more entry of an array of size bytes each; false when memory runs out. */
static bool grow(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t more = *cap ? *cap * 2 : 16;
    void *p = realloc(*items, more * size);
    if (p == NULL)
        return false;
    *items = p;
    *cap = more;
    return true;
}

/* The year's confirmed records, in the order they happened. */
static int gather_records(store_t *db, int64_t deputy, int year, store_annual_figures_t *out)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT r.kind, coalesce(u.name, r.kind), r.title, r.happened_on, r.source FROM duty_records r"
            " LEFT JOIN duty_rules u ON u.kind = r.kind"
            " WHERE r.deputy_id = $1 AND r.happened_on >= $2 AND r.happened_on <= $3 AND r.state = 'confirmed'"
            " ORDER BY r.happened_on, r.id");
    if (st == NULL)
        return STORE_ERR;
    char from[11], to[11];
    snprintf(from, sizeof(from), "%04d-01-01", year);
    snprintf(to, sizeof(to), "%04d-12-31", year);
    store_bind_int(st, 1, deputy);
    store_bind_text(st, 2, from);
    store_bind_text(st, 3, to);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        if (!grow((void **)&out->records, &out->records_cap, out->f.nrecords, sizeof(*out->records))) {
            rc = STORE_ERR;
            break;
        }
        annual_report_record_t *r = &out->records[out->f.nrecords++];
        *r = (annual_report_record_t){store_col_dup(st, 0), store_col_dup(st, 1), store_col_dup(st, 2),
                                      store_col_dup(st, 3), store_col_dup(st, 4)};
        out->f.records = out->records;
        if (!r->kind || !r->kind_name || !r->title || !r->happened_on || !r->source) {
            rc = STORE_ERR;
            break;
        }
    }
    store_done(st);
    return rc == STORE_DONE ? STORE_OK : rc;
}

/* The suggestions of the year (submitted in it) the deputy led, then those they co-signed. */
static int gather_suggestions(store_t *db, int64_t deputy, int64_t from, int64_t to, store_annual_figures_t *out)
{
    static const char *const sql[2] = {
        "SELECT title, number, state, reply_category, rating FROM suggestions"
        " WHERE deputy_id = $1 AND submitted_at >= $2 AND submitted_at < $3 AND state <> 'draft' ORDER BY id",
        "SELECT s.title, s.number, s.state, s.reply_category, s.rating FROM suggestion_cosigners c"
        " JOIN suggestions s ON s.id = c.suggestion_id WHERE c.deputy_id = $1 AND c.state = 'confirmed'"
        " AND s.submitted_at >= $2 AND s.submitted_at < $3 ORDER BY s.id",
    };
    int rc = STORE_DONE;
    for (int cosigned = 0; cosigned < 2 && rc == STORE_DONE; cosigned++) {
        store_stmt_t *st = store_prepare(db, sql[cosigned]);
        if (st == NULL)
            return STORE_ERR;
        store_bind_int(st, 1, deputy);
        store_bind_int(st, 2, from);
        store_bind_int(st, 3, to);
        while ((rc = store_step(st)) == STORE_ROW) {
            if (!grow((void **)&out->suggestions, &out->suggestions_cap, out->f.nsuggestions,
                      sizeof(*out->suggestions))) {
                rc = STORE_ERR;
                break;
            }
            annual_report_suggestion_t *s = &out->suggestions[out->f.nsuggestions++];
            *s = (annual_report_suggestion_t){store_col_dup(st, 0), store_col_int(st, 1), cosigned == 1,
                                              store_col_dup(st, 2), store_col_dup(st, 3), store_col_dup(st, 4)};
            out->f.suggestions = out->suggestions;
            if (!s->title || !s->state) {
                rc = STORE_ERR;
                break;
            }
        }
        store_done(st);
    }
    return rc == STORE_DONE ? STORE_OK : rc;
}

/* Runs a query of the deputy and a time range [$2, $3) giving one row of n numbers into v. */
static int figures_row(store_t *db, const char *sql, int64_t deputy, int64_t from, int64_t to, int64_t *v, int n)
{
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, deputy);
    store_bind_int(st, 2, from);
    store_bind_int(st, 3, to);
    int rc = store_step(st);
    for (int i = 0; rc == STORE_ROW && i < n; i++)
        v[i] = store_col_int(st, i);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ERR : rc;
}

/* Days of held reception activities the deputy attended, and the people received there (the
 * visitors the record counts, or the visits written down when those are more). */
static const char receptions_sql[] =
    "SELECT count(DISTINCT day), coalesce(sum(people), 0) FROM ("
    " SELECT date(a.starts_at, 'unixepoch', '+8 hours') AS day,"
    " max(coalesce(a.visitors, 0), (SELECT count(*) FROM visits v WHERE v.activity_id = a.id)) AS people"
    " FROM activity_deputies ad JOIN activities a ON a.id = ad.activity_id"
    " WHERE ad.deputy_id = $1 AND ad.attended = 1 AND a.kind = 'reception' AND a.state = 'held'"
    " AND a.starts_at >= $2 AND a.starts_at < $3)";
/* Opinions sent to the deputy in the year. */
static const char received_sql[] =
    "SELECT count(*) FROM opinions WHERE deputy_id = $1 AND created_at >= $2 AND created_at < $3";
/* Opinions the deputy owned and answered in the year, and those of them rated satisfied. */
static const char answered_sql[] =
    "SELECT count(*), coalesce(sum(rating = 'satisfied'), 0) FROM opinions"
    " WHERE state IN ('answered', 'closed') AND answered_at >= $2 AND answered_at < $3 AND owner_deputy_id = $1";
/* Opinions the deputy owns that are still being handled (given to them before the year ended). */
static const char handling_sql[] =
    "SELECT count(*) FROM opinions"
    " WHERE state IN ('triaged', 'in_progress') AND owner_deputy_id = $1 AND created_at >= $2 AND created_at < $3";

int store_annual_figures(store_t *db, int64_t deputy_id, int year, store_annual_figures_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st = store_prepare(db, "SELECT name FROM deputies WHERE id = $1 AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, deputy_id);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        out->name = store_col_dup(st, 0);
    store_done(st);
    if (rc != STORE_ROW)
        return rc == STORE_DONE ? STORE_ENOTFOUND : rc;
    if (out->name == NULL)
        return STORE_ERR;
    out->f.deputy_name = out->name;
    out->f.year = year;
    calendar_day_t first, next;
    if (calendar_day_from_ymd(year, 1, 1, &first) != 0 || calendar_day_from_ymd(year + 1, 1, 1, &next) != 0)
        return STORE_EINVALID;
    int64_t from = calendar_day_start(first), to = calendar_day_start(next);
    int64_t v[2] = {0}, handling = 0;
    rc = gather_records(db, deputy_id, year, out);
    if (rc == STORE_OK && (rc = figures_row(db, receptions_sql, deputy_id, from, to, v, 2)) == STORE_OK) {
        out->f.reception_days = v[0];
        out->f.people_received = v[1];
    }
    if (rc == STORE_OK)
        rc = figures_row(db, received_sql, deputy_id, from, to, &out->f.opinions_received, 1);
    if (rc == STORE_OK && (rc = figures_row(db, answered_sql, deputy_id, from, to, v, 2)) == STORE_OK) {
        out->f.opinions_answered = v[0];
        out->f.opinions_satisfied = v[1];
    }
    if (rc == STORE_OK)
        rc = figures_row(db, handling_sql, deputy_id, from, to, &handling, 1);
    out->f.opinions_handled = out->f.opinions_answered + handling;
    return rc == STORE_OK ? gather_suggestions(db, deputy_id, from, to, out) : rc;
}
