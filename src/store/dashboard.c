/*
 * dashboard: the dashboard's counts in one statement. Opinions are counted from the rollup of
 * migrations/021_dashboard.sql for the whole months of the period and from the table for the
 * days of the months it cuts, so a figure stays what the list shows, day for day.
 */
#include "store/dashboard.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"

/* The deadline an open opinion works towards, as store/opinions.c and the inbox flags read it. */
#define DASH_DUE                                                                                                       \
    "CASE o.state WHEN 'registered' THEN o.triage_due WHEN 'triaged' THEN o.answer_due "                               \
    "WHEN 'in_progress' THEN o.answer_due ELSE 0 END"

/* The statement: five grouped reads summed by their group key - the rollup's whole months (M),
 * the opinions of the days of a month the period cuts (E), the open opinions' deadlines (O),
 * visits (V) and confirmed practical help (R). Each key expression is given per read.
 * $10 is a child region's prefix length; $11..$12 the whole months; $13 and $14 the ends of the
 * cut days before and after them. */
#define DASH_SQL(M, O, V, R)                                                                                           \
    "SELECT k, sum(c), sum(a), sum(rt), sum(s), sum(w), sum(od), sum(vi), sum(h) FROM ("                               \
    " SELECT " M " AS k, sum(m.collected) AS c, sum(m.answered) AS a, sum(m.rated) AS rt,"                             \
    " sum(m.satisfied) AS s, 0 AS w, 0 AS od, 0 AS vi, 0 AS h FROM dash_opinion_months m"                              \
    " WHERE m.region_code >= $1 AND m.region_code < $2 AND ($3 IS NULL OR m.station_id = $3)"                          \
    " AND m.month BETWEEN $11 AND $12 GROUP BY 1"                                                                      \
    " UNION ALL"                                                                                                       \
    " SELECT " O ", count(*), sum(o.answer IS NOT NULL), sum(o.rating IS NOT NULL),"                                   \
    " sum(o.rating IS 'satisfied' OR o.rating IS 'basic'), 0, 0, 0, 0"                                                 \
    " FROM opinions o INDEXED BY opinions_created_region"                                                              \
    " WHERE ($13 >= $4 OR $14 <= $5) AND (o.created_at BETWEEN $4 AND $13 OR o.created_at BETWEEN $14 AND $5)"         \
    " AND o.region_code >= $1 AND o.region_code < $2 AND ($3 IS NULL OR o.station_id = $3) GROUP BY 1"                 \
    " UNION ALL"                                                                                                       \
    " SELECT " O ", 0, 0, 0, 0, sum((" DASH_DUE ") BETWEEN $6 AND $7),"                                                \
    " sum((" DASH_DUE ") BETWEEN 1 AND $6 - 1), 0, 0"                                                                  \
    " FROM opinions o INDEXED BY opinions_open_region"                                                                 \
    " WHERE o.state IN ('registered', 'triaged', 'in_progress')"                                                       \
    " AND o.region_code >= $1 AND o.region_code < $2 AND ($3 IS NULL OR o.station_id = $3)"                            \
    " AND o.created_at BETWEEN $4 AND $5 GROUP BY 1"                                                                   \
    " UNION ALL"                                                                                                       \
    " SELECT " V ", 0, 0, 0, 0, 0, 0, count(*), 0 FROM visits v"                                                       \
    " WHERE v.region_code >= $1 AND v.region_code < $2 AND ($3 IS NULL OR v.station_id = $3)"                          \
    " AND v.created_at BETWEEN $4 AND $5 GROUP BY 1"                                                                   \
    " UNION ALL"                                                                                                       \
    " SELECT " R ", 0, 0, 0, 0, 0, 0, 0, count(*) FROM duty_records r"                                                 \
    " WHERE r.region_code >= $1 AND r.region_code < $2 AND r.state = 'confirmed' AND r.kind = 'help'"                  \
    " AND ($8 IS NULL OR r.happened_on >= $8) AND ($9 IS NULL OR r.happened_on <= $9)"                                 \
    " AND $10 >= 0 GROUP BY 1"                                                                                         \
    ") GROUP BY k ORDER BY k"

#define BEIJING_MONTH(t) "strftime('%Y-%m', " t " + 28800, 'unixepoch')"

/* Statements are cached by their text's address, so each grouping has one constant text. */
static const char *const dash_sql[] = {
    [STORE_DASH_TOTAL] = DASH_SQL("''", "''", "''", "''"),
    [STORE_DASH_BY_REGION] = DASH_SQL("substr(m.region_code, 1, $10)", "substr(o.region_code, 1, $10)",
                                      "substr(v.region_code, 1, $10)", "substr(r.region_code, 1, $10)"),
    [STORE_DASH_BY_MONTH] = DASH_SQL("m.month", BEIJING_MONTH("o.created_at"), BEIJING_MONTH("v.created_at"),
                                     "substr(r.happened_on, 1, 7)"),
};

/* The whole Beijing months inside [from, to] ("0000-00".."9999-99" when open-ended), and the
 * ends of the days outside them: [from, *cut_before] and [*cut_after, to]. */
static void whole_months(int64_t from, int64_t to, char lo[8], char hi[8], int64_t *cut_before, int64_t *cut_after)
{
    int y, m, d;
    snprintf(lo, 8, "0000-00");
    snprintf(hi, 8, "9999-99");
    *cut_before = from - 1;
    *cut_after = INT64_MAX;
    calendar_day_t first, next;
    if (from > 0) {
        calendar_day_to_ymd(calendar_day_of(from), &y, &m, &d);
        if (d != 1 && ++m == 13) {
            m = 1;
            y++;
        }
        snprintf(lo, 8, "%04d-%02d", y, m);
        calendar_day_from_ymd(y, m, 1, &first);
        *cut_before = calendar_day_start(first) - 1;
    }
    if (to > 0 && to < INT64_MAX) {
        calendar_day_t last = calendar_day_of(to);
        calendar_day_to_ymd(last + 1, &y, &m, &d);
        if (d != 1) { /* to is not a month's last day: its month is cut */
            calendar_day_to_ymd(last, &y, &m, &d);
            if (--m == 0) {
                m = 12;
                y--;
            }
        } else if (--m == 0) {
            m = 12;
            y--;
        }
        snprintf(hi, 8, "%04d-%02d", y, m);
        int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
        calendar_day_from_ymd(ny, nm, 1, &next);
        *cut_after = calendar_day_start(next);
    }
    if (strcmp(lo, hi) > 0) { /* no whole month: every day is read from the opinions */
        *cut_before = to ? to : INT64_MAX;
        *cut_after = INT64_MAX;
    }
}

int store_dashboard_figures(store_t *db, const store_dash_filter_t *f, store_dash_group_t group, size_t prefix_len,
                            int (*fn)(const store_dash_row_t *row, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, dash_sql[group]);
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, f->region_lo);
    store_bind_text(st, 2, f->region_hi);
    store_bind_opt_id(st, 3, f->station_id);
    store_bind_int(st, 4, f->from);
    store_bind_int(st, 5, f->to ? f->to : INT64_MAX);
    store_bind_int(st, 6, f->now);
    store_bind_int(st, 7, f->warn_until);
    store_bind_opt_text(st, 8, f->day_from);
    store_bind_opt_text(st, 9, f->day_to);
    store_bind_int(st, 10, (int64_t)prefix_len);
    char lo[8], hi[8];
    int64_t cut_before, cut_after;
    whole_months(f->from, f->to ? f->to : INT64_MAX, lo, hi, &cut_before, &cut_after);
    store_bind_text(st, 11, lo);
    store_bind_text(st, 12, hi);
    store_bind_int(st, 13, cut_before);
    store_bind_int(st, 14, cut_after);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_dash_row_t row = {
            store_col_text(st, 0), store_col_int(st, 1), store_col_int(st, 2),
            store_col_int(st, 3),  store_col_int(st, 4), store_col_int(st, 5),
            store_col_int(st, 6),  store_col_int(st, 7), store_col_int(st, 8),
        };
        if (fn(&row, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

const char *store_dashboard_sql(store_dash_group_t group)
{
    return dash_sql[group];
}

int store_dashboard_congress(store_t *db, const char *region, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db,
        "SELECT id FROM congresses WHERE deleted_at IS NULL AND region_code = $1 ORDER BY term DESC, id DESC LIMIT 1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, region);
    int rc = store_step(st);
    *id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}
