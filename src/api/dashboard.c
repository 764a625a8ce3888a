/*
 * dashboard: the office's dashboard of a region subtree, a station and a period (数据看板), and the
 * public statistics of a region.
 *
 * Every figure of the dashboard carries "list", the API query of the list it counts, and counts
 * exactly what that list shows (store/dashboard.h reads the rows the lists read). Trends give the
 * main figures per month; children give the headline figures per child region in one grouped
 * read, for the drill-down. The public statistics hold counts only - never a person - and are
 * cached until the next write (or month).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/opinion_common.h"
#include "domain/region.h"
#include "store/dashboard.h"
#include "store/regions.h"
#include "store/registry.h"
#include "store/scores.h"
#include "store/suggestions.h"

enum { TREND_MONTHS = 12, TOP_DEPUTIES = 5, MAX_CHILDREN = 512 };

/* The figures a dashboard reads, by their key in the JSON, and the list each counts. */
typedef struct {
    const char *key, *list, *filter;
} figure_t;

static const figure_t figures[] = {
    {"visitors", "/api/v1/visits", ""},
    {"collected", "/api/v1/opinions", ""},
    {"answered", "/api/v1/opinions", "&answered=1"},
    {"rated", "/api/v1/opinions", "&rated=1"},
    {"satisfied", "/api/v1/opinions", "&satisfied=1"},
    {"warn", "/api/v1/opinions", "&state=open&flag=warn"},
    {"overdue", "/api/v1/opinions", "&state=open&flag=overdue"},
    {"help", "/api/v1/duty-records", "&kind=help&state=confirmed"},
};
enum { NFIGURES = sizeof(figures) / sizeof(figures[0]) };

static int64_t figure_value(const store_dash_row_t *row, int i)
{
    const int64_t values[NFIGURES] = {row->visitors,  row->collected, row->answered, row->rated,
                                      row->satisfied, row->warn,      row->overdue,  row->help};
    return values[i];
}

/* What a dashboard is about, as read from the query. */
typedef struct {
    char region[13], hi[14];
    int64_t station;
    char day_from[11], day_to[11]; /* "" when not given */
    store_dash_filter_t filter;
} scope_t;

/* The query naming the scope, for the lists: region, station (not for duty records: a deputy's
 * record has a region, no station) and period. */
static void scope_query(const scope_t *s, bool with_station, char *out, size_t cap)
{
    int n = snprintf(out, cap, "?region=%s", s->region);
    if (with_station && s->station)
        n += snprintf(out + n, cap - (size_t)n, "&station=%lld", (long long)s->station);
    if (s->day_from[0])
        n += snprintf(out + n, cap - (size_t)n, "&from=%s", s->day_from);
    if (s->day_to[0])
        snprintf(out + n, cap - (size_t)n, "&to=%s", s->day_to);
}

static json_t *list_link(const scope_t *s, int i)
{
    char query[160], link[320];
    scope_query(s, strcmp(figures[i].list, "/api/v1/duty-records") != 0, query, sizeof(query));
    snprintf(link, sizeof(link), "%s%s%s", figures[i].list, query, figures[i].filter);
    return json_string(link);
}

static json_t *rate(int64_t part, int64_t whole)
{
    return whole ? json_real((double)part / (double)whole) : json_null();
}

/* ---- reading the scope ------------------------------------------------------------------------ */

static void copy_day(http_req_t *r, const char *name, char out[11])
{
    const char *v = http_query(r, name);
    snprintf(out, 11, "%s", v ? v : "");
}

/* ?region= (inside the actor's, default theirs), ?station= inside it, ?from=&to=. false after
 * answering 403, 404 or 400. */
static bool read_scope(http_req_t *r, scope_t *s)
{
    memset(s, 0, sizeof(*s));
    if (!api_scope_region(r, s->region, s->hi))
        return false;
    long id = api_query_long(r, "station", 0, 1, INT32_MAX);
    if (id < 0)
        return false;
    char station_region[13];
    if (id && (store_registry_region(http_reader(r), registry_entity("station"), id, station_region) != STORE_OK ||
               !region_in_scope(s->region, station_region))) {
        http_reply_error(r, 404, "not_found", "no such station in that region", "station");
        return false;
    }
    s->station = id;
    store_dash_filter_t *f = &s->filter;
    if (!api_opinion_read_period(r, &f->from, &f->to))
        return false;
    copy_day(r, "from", s->day_from);
    copy_day(r, "to", s->day_to);
    f->region_lo = s->region;
    f->region_hi = s->hi;
    f->station_id = s->station;
    f->day_from = s->day_from[0] ? s->day_from : NULL;
    f->day_to = s->day_to[0] ? s->day_to : NULL;
    f->now = time(NULL);
    if (api_opinion_warn_window(http_reader(r), f->now, &f->warn_until) != STORE_OK) {
        http_reply_internal(r, "cannot read the calendar");
        return false;
    }
    return true;
}

/* ---- grouped reads ------------------------------------------------------------------------------ */

typedef struct {
    store_dash_row_t rows[MAX_CHILDREN];
    char keys[MAX_CHILDREN][13];
    int n;
} rows_t;

static int keep_row(const store_dash_row_t *row, void *arg)
{
    rows_t *rows = arg;
    if (rows->n == MAX_CHILDREN)
        return 1;
    snprintf(rows->keys[rows->n], 13, "%s", row->key);
    rows->rows[rows->n] = *row;
    rows->rows[rows->n].key = rows->keys[rows->n];
    rows->n++;
    return 0;
}

static const store_dash_row_t *row_of(const rows_t *rows, const char *key)
{
    static const store_dash_row_t none = {""};
    for (int i = 0; i < rows->n; i++)
        if (strcmp(rows->keys[i], key) == 0)
            return &rows->rows[i];
    return &none;
}

/* The months of the trend: the period's (its last TREND_MONTHS at most) or the last
 * TREND_MONTHS up to this one; *f becomes the filter of just those months. */
static int trend_months(const scope_t *s, char months[TREND_MONTHS][8], store_dash_filter_t *f)
{
    calendar_day_t last = calendar_day_of(s->filter.now), start = 0, first = 0;
    if (s->day_to[0])
        calendar_parse_date(s->day_to, &last);
    if (s->day_from[0])
        calendar_parse_date(s->day_from, &start);
    int y, m, n = 0;
    calendar_day_to_ymd(last, &y, &m, NULL);
    char back[TREND_MONTHS][8];
    while (n < TREND_MONTHS) {
        calendar_day_from_ymd(y, m, 1, &first);
        snprintf(back[n++], 8, "%04d-%02d", y, m);
        if (s->day_from[0] && first <= start)
            break;
        if (--m == 0) {
            m = 12;
            y--;
        }
    }
    for (int i = 0; i < n; i++)
        snprintf(months[i], 8, "%s", back[n - 1 - i]);
    *f = s->filter;
    f->from = calendar_day_start(s->day_from[0] && start > first ? start : first);
    return n;
}

static json_t *trends_json(store_t *db, const scope_t *s)
{
    char months[TREND_MONTHS][8];
    store_dash_filter_t f;
    int n = trend_months(s, months, &f);
    char day_from[11];
    calendar_format_date(calendar_day_of(f.from), day_from);
    f.day_from = day_from;
    rows_t *rows = calloc(1, sizeof(*rows));
    if (rows == NULL || store_dashboard_figures(db, &f, STORE_DASH_BY_MONTH, 0, keep_row, rows) != STORE_OK) {
        free(rows);
        return NULL;
    }
    json_t *j = json_object(), *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, json_string(months[i]));
    json_object_set_new(j, "months", list);
    const char *keys[] = {"visitors", "collected", "answered", "help"};
    const int index[] = {0, 1, 2, 7};
    for (int k = 0; k < 4; k++) {
        json_t *values = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(values, json_integer(figure_value(row_of(rows, months[i]), index[k])));
        json_object_set_new(j, keys[k], values);
    }
    free(rows);
    return j;
}

/* ---- children ----------------------------------------------------------------------------------- */

typedef struct {
    json_t *items;
} children_t;

static int add_child(const store_region_t *c, void *arg)
{
    children_t *w = arg;
    json_array_append_new(w->items, json_pack("{s:s, s:s, s:i}", "code", c->code, "name", c->name, "level", c->level));
    return 0;
}

/* The headline figures of each child region (none under a station or a village). */
static json_t *children_json(store_t *db, const scope_t *s, bool with_links)
{
    children_t w = {json_array()};
    if (s->station || store_region_children(db, s->region, add_child, &w) != STORE_OK || json_array_size(w.items) == 0)
        return w.items;
    size_t len = region_prefix_len(json_string_value(json_object_get(json_array_get(w.items, 0), "code")));
    rows_t *rows = calloc(1, sizeof(*rows));
    if (rows == NULL ||
        store_dashboard_figures(db, &s->filter, STORE_DASH_BY_REGION, len, keep_row, rows) != STORE_OK) {
        free(rows);
        json_decref(w.items);
        return NULL;
    }
    size_t i;
    json_t *child;
    json_array_foreach(w.items, i, child)
    {
        const char *code = json_string_value(json_object_get(child, "code"));
        char prefix[13];
        snprintf(prefix, sizeof(prefix), "%.*s", (int)len, code);
        const store_dash_row_t *row = row_of(rows, prefix);
        scope_t sub = *s;
        snprintf(sub.region, sizeof(sub.region), "%s", code);
        json_t *lists = json_object();
        for (int k = 0; k < NFIGURES; k++) {
            json_object_set_new(child, figures[k].key, json_integer(figure_value(row, k)));
            if (with_links)
                json_object_set_new(lists, figures[k].key, list_link(&sub, k));
        }
        json_object_set_new(child, "feedback_rate", rate(row->answered, row->collected));
        json_object_set_new(child, "satisfaction_rate", rate(row->satisfied, row->rated));
        if (with_links)
            json_object_set_new(child, "lists", lists);
        else
            json_decref(lists);
    }
    free(rows);
    return w.items;
}

/* ---- the region and its path ---------------------------------------------------------------------- */

static json_t *region_json(store_t *db, const char *code)
{
    store_region_t reg;
    if (store_region_get(db, code, &reg) != STORE_OK)
        return NULL;
    json_t *path = json_array();
    char up[13];
    snprintf(up, sizeof(up), "%s", code);
    while (region_parent(up, up)) {
        store_region_t p;
        if (store_region_get(db, up, &p) == STORE_OK)
            json_array_insert_new(path, 0, json_pack("{s:s, s:s}", "code", p.code, "name", p.name));
    }
    return json_pack("{s:s, s:s, s:i, s:o}", "code", reg.code, "name", reg.name, "level", reg.level, "path", path);
}

/* ---- scores ----------------------------------------------------------------------------------------- */

/* The year figures of duty go by: that of the period's end, or this one. */
static int figure_year(const scope_t *s)
{
    int year, month;
    calendar_day_t last = calendar_day_of(s->filter.now);
    if (s->day_to[0])
        calendar_parse_date(s->day_to, &last);
    calendar_day_to_ymd(last, &year, &month, NULL);
    return year;
}

static json_t *scores_json(store_t *db, const scope_t *s)
{
    int year = figure_year(s);
    char area[13];
    store_score_area(s->region, area);
    store_board_t board;
    if (store_score_board(db, area, year, &board) != STORE_OK) {
        store_score_board_free(&board);
        return NULL;
    }
    json_t *top = json_array();
    int64_t sum = 0, of = 0;
    for (size_t i = 0; i < board.n; i++) {
        const store_standing_t *d = &board.items[i];
        if (!region_in_scope(s->region, d->region))
            continue;
        sum += d->score;
        if (of++ < TOP_DEPUTIES)
            json_array_append_new(top,
                                  json_pack("{s:i, s:{s:I, s:s}, s:I}", "rank", d->rank, "deputy", "id",
                                            (json_int_t)d->deputy_id, "name", d->name, "score", (json_int_t)d->score));
    }
    store_score_board_free(&board);
    char list[96];
    snprintf(list, sizeof(list), "/api/v1/scores?region=%s&year=%d", s->region, year);
    return json_pack("{s:i, s:I, s:o, s:o, s:s}", "year", year, "value", (json_int_t)of, "average",
                     of ? json_real((double)sum / (double)of) : json_null(), "top", top, "list", list);
}

/* ---- obligations and suggestions ------------------------------------------------------------------ */

/* 履职义务 not met: how many subjects (deputies, groups, stations) are behind a rule, per rule. */
static json_t *obligations_json(store_t *db, const scope_t *s)
{
    int year = figure_year(s);
    json_t *rules = api_obligations_assess(db, s->region, s->hi, year);
    if (rules == NULL)
        return NULL;
    json_t *by_rule = json_array(), *rule;
    json_int_t total = 0;
    size_t i;
    json_array_foreach(rules, i, rule)
    {
        json_int_t count = json_integer_value(json_object_get(json_object_get(rule, "behind"), "count"));
        const json_t *r = json_object_get(rule, "rule");
        total += count;
        json_array_append_new(by_rule, json_pack("{s:O, s:O, s:O, s:I}", "code", json_object_get(r, "code"), "name",
                                                 json_object_get(r, "name"), "subject",
                                                 json_object_get(rule, "subject"), "count", count));
    }
    json_decref(rules);
    char list[96];
    snprintf(list, sizeof(list), "/api/v1/obligations?region=%s&year=%d", s->region, year);
    return json_pack("{s:i, s:I, s:o, s:s}", "year", year, "value", total, "by_rule", by_rule, "list", list);
}

static int league_unit(const store_league_row_t *row, void *arg)
{
    json_array_append_new(arg,
                          json_pack("{s:I, s:s, s:I, s:I}", "unit_id", (json_int_t)row->unit_id, "name", row->unit_name,
                                    "assigned", (json_int_t)row->assigned, "completed", (json_int_t)row->completed));
    return 0;
}

/* Suggestions handled per lead unit (from the league rollup), for the newest congress of the
 * region's county (or of the region itself above a county), in each of its two kinds of session. */
static json_t *suggestions_json(store_t *db, const scope_t *s)
{
    char home[13];
    if (region_level(s->region) > REGION_COUNTY)
        snprintf(home, sizeof(home), "%.6s000000", s->region);
    else
        snprintf(home, sizeof(home), "%s", s->region);
    int64_t congress;
    if (store_dashboard_congress(db, home, &congress) != STORE_OK)
        return NULL;
    json_t *j = json_pack("{s:o}", "congress_id", congress ? json_integer(congress) : json_null());
    static const char *const sessions[] = {"session", "recess"};
    for (int i = 0; i < 2 && congress; i++) {
        json_t *units = json_array();
        if (store_suggestion_league(db, congress, sessions[i], s->region, s->hi, league_unit, units) != STORE_OK) {
            json_decref(units);
            json_decref(j);
            return NULL;
        }
        char list[128];
        snprintf(list, sizeof(list), "/api/v1/suggestions/league?congress=%lld&session=%s&region=%s",
                 (long long)congress, sessions[i], s->region);
        json_object_set_new(j, sessions[i], json_pack("{s:o, s:s}", "units", units, "list", list));
    }
    return j;
}

/* ---- GET /api/v1/dashboard ----------------------------------------------------------------------- */

int api_dashboard(http_req_t *r)
{
    scope_t s;
    if (!read_scope(r, &s))
        return 0;
    store_t *db = http_reader(r);
    rows_t *total = calloc(1, sizeof(*total));
    json_t *region = region_json(db, s.region);
    json_t *trends = NULL, *children = NULL, *scores = NULL, *obligations = NULL, *suggestions = NULL;
    int rc = total && region ? store_dashboard_figures(db, &s.filter, STORE_DASH_TOTAL, 0, keep_row, total) : STORE_ERR;
    if (rc == STORE_OK) {
        trends = trends_json(db, &s);
        children = children_json(db, &s, true);
        scores = scores_json(db, &s);
        obligations = obligations_json(db, &s);
        suggestions = suggestions_json(db, &s);
    }
    if (rc != STORE_OK || !trends || !children || !scores || !obligations || !suggestions) {
        free(total);
        json_decref(region);
        json_decref(trends);
        json_decref(children);
        json_decref(scores);
        json_decref(obligations);
        json_decref(suggestions);
        if (region == NULL && rc == STORE_ERR && total)
            http_reply_error(r, 404, "not_found", "no such region", "region");
        else
            http_reply_internal(r, "cannot read the dashboard");
        return 0;
    }
    const store_dash_row_t *row = row_of(total, "");
    json_t *fig = json_object();
    for (int i = 0; i < NFIGURES; i++)
        json_object_set_new(
            fig, figures[i].key,
            json_pack("{s:I, s:o}", "value", (json_int_t)figure_value(row, i), "list", list_link(&s, i)));
    json_object_set_new(fig, "feedback_rate", rate(row->answered, row->collected));
    json_object_set_new(fig, "satisfaction_rate", rate(row->satisfied, row->rated));
    json_object_set_new(fig, "scores", scores);
    json_object_set_new(fig, "obligations", obligations);
    json_object_set_new(fig, "suggestions", suggestions);
    free(total);
    json_t *body = json_pack("{s:o, s:o, s:{s:o, s:o}, s:o, s:o, s:o}", "region", region, "station", json_null(),
                             "period", "from", s.day_from[0] ? json_string(s.day_from) : json_null(), "to",
                             s.day_to[0] ? json_string(s.day_to) : json_null(), "figures", fig, "trends", trends,
                             "children", children);
    if (s.station) {
        char name[256] = "";
        store_registry_name(db, registry_entity("station"), s.station, name, sizeof(name));
        json_object_set_new(body, "station", json_pack("{s:I, s:s}", "id", (json_int_t)s.station, "name", name));
    }
    http_reply_json(r, 200, body);
    return 0;
}

/* ---- GET /api/v1/public/stats ---------------------------------------------------------------------- */

/* The headline counts of a region for anyone: no lists, no deadlines, no names. */
static json_t *public_json(store_t *db, scope_t *s)
{
    json_t *region = region_json(db, s->region);
    rows_t *total = calloc(1, sizeof(*total));
    if (region == NULL || total == NULL ||
        store_dashboard_figures(db, &s->filter, STORE_DASH_TOTAL, 0, keep_row, total) != STORE_OK) {
        json_decref(region);
        free(total);
        return NULL;
    }
    const store_dash_row_t *row = row_of(total, "");
    json_t *j = json_pack("{s:o, s:I, s:I, s:I, s:o, s:o}", "region", region, "collected", (json_int_t)row->collected,
                          "answered", (json_int_t)row->answered, "visitors", (json_int_t)row->visitors, "feedback_rate",
                          rate(row->answered, row->collected), "satisfaction_rate", rate(row->satisfied, row->rated));
    free(total);
    json_t *trends = trends_json(db, s), *children = children_json(db, s, false);
    if (trends == NULL || children == NULL) {
        json_decref(trends);
        json_decref(children);
        json_decref(j);
        return NULL;
    }
    /* only what the public sees of each child */
    size_t i;
    json_t *child;
    json_array_foreach(children, i, child)
    {
        const char *drop[] = {"rated", "satisfied", "warn", "overdue", "help", "satisfaction_rate"};
        for (size_t k = 0; k < sizeof(drop) / sizeof(drop[0]); k++)
            json_object_del(child, drop[k]);
    }
    json_object_del(trends, "help");
    json_object_set_new(j, "trends", trends);
    json_object_set_new(j, "children", children);
    return j;
}

int api_public_stats(http_req_t *r)
{
    const char *code = http_query(r, "region");
    if (code == NULL || !region_code_valid(code)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return 0;
    }
    scope_t s;
    memset(&s, 0, sizeof(s));
    snprintf(s.region, sizeof(s.region), "%s", code);
    region_subtree_upper(s.region, s.hi);
    s.filter.region_lo = s.region;
    s.filter.region_hi = s.hi;
    s.filter.now = time(NULL);
    char month[8], key[64];
    int y, m;
    calendar_day_to_ymd(calendar_day_of(s.filter.now), &y, &m, NULL);
    snprintf(month, sizeof(month), "%04d-%02d", y, m);
    snprintf(key, sizeof(key), "public-stats/%s/%s", s.region, month);
    if (http_reply_cached(r, key))
        return 0;
    if (store_region_exists(http_reader(r), s.region) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "no such region", "region");
        return 0;
    }
    json_t *j = public_json(http_reader(r), &s);
    if (j)
        http_reply_json_cache(r, key, j);
    else
        http_reply_internal(r, "cannot read the statistics");
    return 0;
}
