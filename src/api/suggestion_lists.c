/*
 * suggestion_lists: the reads of the suggestion workflow - each role's list (the deputy's inbox,
 * the office's board, a unit's workspace, members' supervision), the overdue, near-deadline and
 * 回头看 lists, the league table of units, the published replies and the 交办单 of a unit.
 * Figures come from the same rows and the same conditions as the lists beside them, so a count
 * and its list never disagree.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/suggestion_common.h"
#include "core/calendar.h"
#include "core/xlsx.h"
#include "store/registry.h"

typedef struct {
    store_t *db;
    json_t *items;
    int64_t now, warn_until;
    bool public_view;
} list_walk_t;

static int list_item(const store_suggestion_t *s, void *arg)
{
    list_walk_t *w = arg;
    json_t *j = api_suggestion_summary_json(w->db, s, w->now, w->warn_until);
    if (w->public_view) {
        /* what the public page shows: the suggestion and the reply, nothing internal */
        char number[16] = "";
        if (s->number)
            suggestion_number_text(s->number, number);
        json_decref(j);
        j = json_pack("{s:I, s:s, s:s, s:s, s:{s:o, s:s}, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:I}}", "id",
                      (json_int_t)s->id, "number_text", number, "title", s->title, "content", s->content, "congress",
                      "id", s->congress_id ? json_integer(s->congress_id) : json_null(), "name",
                      s->congress_name ? s->congress_name : "", "session", s->session, "deputy",
                      s->deputy_name ? s->deputy_name : "", "unit", s->lead_unit_name ? s->lead_unit_name : "", "reply",
                      "category", suggestion_category_name(s->reply_category), "type", s->reply_type, "text",
                      s->reply_text ? s->reply_text : "", "replied_at", (json_int_t)s->replied_at);
    } else if (s->commitment_at) {
        char day[11];
        calendar_format_date(calendar_day_of(s->commitment_at), day);
        json_object_set_new(j, "commitment_date", json_string(day));
    }
    json_array_append_new(w->items, j);
    return 0;
}

/* Reads ?state, ?congress, ?session, ?after and ?limit into f; false after answering 400. */
static bool read_filter(http_req_t *r, store_suggestion_filter_t *f, long *limit)
{
    const char *state = http_query(r, "state");
    const char *session = http_query(r, "session");
    if (state && suggestion_state_from_name(state) < 0) {
        http_reply_error(r, 400, "bad_query", "state names no state of a suggestion", "state");
        return false;
    }
    if (session && !suggestion_word_in(suggestion_sessions, session)) {
        http_reply_error(r, 400, "bad_query", "session must be session or recess", "session");
        return false;
    }
    f->state = state;
    f->session = session;
    long congress = api_query_long(r, "congress", 0, 0, INT32_MAX);
    long after = congress < 0 ? -1 : api_query_long(r, "after", 0, 0, LONG_MAX);
    *limit = after < 0 ? -1 : api_query_long(r, "limit", 50, 1, 200);
    if (*limit < 0)
        return false;
    f->congress_id = congress;
    f->after = after;
    f->limit = (int)*limit + 1;
    return true;
}

static void answer_list(http_req_t *r, store_suggestion_filter_t *f, long limit, bool public_view)
{
    store_t *db = http_reader(r);
    list_walk_t w = {db, json_array(), time(NULL), 0, public_view};
    f->now = w.now;
    int rc = api_suggestion_warn_until(db, w.now, &w.warn_until);
    f->until = w.warn_until; /* "near" is the flag's warning window */
    if (rc != STORE_OK || store_suggestions_list(db, f, list_item, &w) != STORE_OK) {
        json_decref(w.items);
        http_reply_internal(r, "cannot list suggestions");
        return;
    }
    api_reply_page(r, w.items, limit);
}

/* GET /api/v1/suggestions: each role its own list. */
int api_suggestions_list(http_req_t *r)
{
    store_suggestion_filter_t f = {0};
    long limit;
    if (!read_filter(r, &f, &limit))
        return 0;
    const actor_t *a = http_actor(r);
    char hi[REGION_CODE_LEN + 2];
    region_subtree_upper(a->region, hi);
    f.region_lo = a->region;
    f.region_hi = hi;
    if (a->role == ROLE_DEPUTY) {
        f.kind = SUGGESTION_LIST_DEPUTY;
        f.deputy_id = a->deputy_id ? a->deputy_id : -1;
    } else if (a->role == ROLE_UNIT) {
        f.kind = SUGGESTION_LIST_UNIT;
        f.unit_id = a->unit_id ? a->unit_id : -1;
    } else {
        f.kind = SUGGESTION_LIST_REGION;
    }
    answer_list(r, &f, limit, false);
    return 0;
}

static int supervision_list(http_req_t *r, suggestion_list_kind_t kind)
{
    store_suggestion_filter_t f = {.kind = kind};
    long limit;
    if (!read_filter(r, &f, &limit))
        return 0;
    char hi[REGION_CODE_LEN + 2];
    region_subtree_upper(http_actor(r)->region, hi);
    f.region_lo = http_actor(r)->region;
    f.region_hi = hi;
    f.after = 0; /* these run by date, one page */
    answer_list(r, &f, limit, false);
    return 0;
}

int api_suggestions_overdue(http_req_t *r)
{
    return supervision_list(r, SUGGESTION_LIST_OVERDUE);
}
int api_suggestions_near(http_req_t *r)
{
    return supervision_list(r, SUGGESTION_LIST_NEAR);
}
int api_suggestions_follow_up(http_req_t *r)
{
    return supervision_list(r, SUGGESTION_LIST_FOLLOW_UP);
}

/* GET /api/v1/suggestions/supervised: the key suggestions (重点督办) whose supervising member is
 * the actor, in any state, newest first; ?state, ?congress and ?session narrow it. */
int api_suggestions_supervised(http_req_t *r)
{
    store_suggestion_filter_t f = {.kind = SUGGESTION_LIST_SUPERVISED};
    long limit;
    policy_target_t self = {.user_id = http_actor(r)->user_id};
    if (!http_authorize(r, &self, false) || !read_filter(r, &f, &limit))
        return 0;
    f.user_id = http_actor(r)->user_id;
    answer_list(r, &f, limit, false);
    return 0;
}

/* The public page of replies published with both consents; ?region narrows it. */
int api_suggestions_published(http_req_t *r)
{
    store_suggestion_filter_t f = {.kind = SUGGESTION_LIST_PUBLISHED};
    long limit;
    if (!read_filter(r, &f, &limit))
        return 0;
    const char *region = http_query(r, "region");
    char hi[REGION_CODE_LEN + 2] = "~";
    if (region && !region_code_valid(region)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return 0;
    }
    if (region)
        region_subtree_upper(region, hi);
    f.region_lo = region ? region : "";
    f.region_hi = hi;
    answer_list(r, &f, limit, true);
    return 0;
}

/* ---- the league table ---- */

static double rate(int64_t part, int64_t whole)
{
    return whole ? (double)(part * 10000 / whole) / 10000.0 : 0.0;
}

static int league_row(const store_league_row_t *row, void *arg)
{
    json_array_append_new(
        arg, json_pack("{s:I, s:s, s:I, s:I, s:f, s:I, s:f, s:I, s:I, s:f, s:I, s:f}", "unit_id",
                       (json_int_t)row->unit_id, "unit_name", row->unit_name, "assigned", (json_int_t)row->assigned,
                       "completed", (json_int_t)row->completed, "rate_completed", rate(row->completed, row->assigned),
                       "a_count", (json_int_t)row->a_count, "rate_a", rate(row->a_count, row->completed), "rated",
                       (json_int_t)row->rated, "satisfied", (json_int_t)row->satisfied, "rate_satisfied",
                       rate(row->satisfied, row->rated), "solve_count", (json_int_t)row->solve_count, "rate_solve",
                       rate(row->solve_count, row->completed)));
    return 0;
}

int api_suggestions_league(http_req_t *r)
{
    long congress = api_query_long(r, "congress", 0, 1, INT32_MAX);
    if (congress < 0)
        return 0;
    const char *session = http_query(r, "session");
    if (congress == 0 || session == NULL || !suggestion_word_in(suggestion_sessions, session)) {
        http_reply_error(r, 400, "bad_query", "the league table needs ?congress=ID&session=session|recess",
                         congress == 0 ? "congress" : "session");
        return 0;
    }
    char region[13], hi[REGION_CODE_LEN + 2]; /* ?region= inside the actor's own (the dashboard's drill-down) */
    if (!api_scope_region(r, region, hi))
        return 0;
    json_t *units = json_array();
    if (store_suggestion_league(http_reader(r), congress, session, region, hi, league_row, units) != STORE_OK) {
        json_decref(units);
        http_reply_internal(r, "cannot compute the league table");
        return 0;
    }
    http_reply_json(
        r, 200, json_pack("{s:I, s:s, s:o}", "congress_id", (json_int_t)congress, "session", session, "units", units));
    return 0;
}

/* ---- 交办单: one sheet per unit for two weeks ---- */

enum { SHEET_DAYS = 14 };

typedef struct {
    json_t *items, *rows;
} sheet_walk_t;

static int sheet_item(const store_suggestion_t *s, const char *role, void *arg)
{
    sheet_walk_t *w = arg;
    char number[16] = "", due[11] = "", assigned[11] = "";
    if (s->number)
        suggestion_number_text(s->number, number);
    if (s->due)
        calendar_format_date(calendar_day_of(s->due), due);
    calendar_format_date(calendar_day_of(s->assigned_at), assigned);
    const char *deputy = s->deputy_name ? s->deputy_name : "";
    json_array_append_new(w->items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "id", (json_int_t)s->id,
                                              "number_text", number, "title", s->title, "deputy", deputy, "role", role,
                                              "key", s->key, "due", due, "assigned", assigned));
    json_array_append_new(w->rows,
                          json_pack("[s, s, s, s, s, s, s]", number, s->title, deputy,
                                    strcmp(role, "lead") == 0 ? "主办" : "协办", s->key ? "是" : "否", assigned, due));
    return 0;
}

/* Reads ?unit and ?from, checks scope, and walks the sheet; false after answering. */
static bool make_sheet(http_req_t *r, json_t **out, json_t **rows, char *unit_name, size_t cap)
{
    const actor_t *a = http_actor(r);
    long unit = api_query_long(r, "unit", a->role == ROLE_UNIT ? (long)a->unit_id : 0, 1, INT32_MAX);
    const char *from_text = http_query(r, "from");
    calendar_day_t from;
    if (unit < 0)
        return false;
    if (unit == 0 || from_text == NULL || calendar_parse_date(from_text, &from) != 0) {
        http_reply_error(r, 400, "bad_query", "the sheet needs ?unit=ID&from=YYYY-MM-DD", unit == 0 ? "unit" : "from");
        return false;
    }
    char region[13];
    if (store_registry_region(http_reader(r), registry_entity("unit"), unit, region) != STORE_OK ||
        store_registry_name(http_reader(r), registry_entity("unit"), unit, unit_name, cap) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "no such unit", NULL);
        return false;
    }
    policy_target_t t = {.region = region, .unit_id = unit};
    if (!http_authorize(r, &t, true))
        return false;
    char from_day[11], to_day[11];
    calendar_format_date(from, from_day);
    calendar_format_date(from + SHEET_DAYS - 1, to_day);
    sheet_walk_t w = {json_array(), json_array()};
    if (store_suggestion_sheet(http_reader(r), unit, calendar_day_start(from), calendar_day_end(from + SHEET_DAYS - 1),
                               sheet_item, &w) != STORE_OK) {
        json_decref(w.items);
        json_decref(w.rows);
        http_reply_internal(r, "cannot read the referral sheet");
        return false;
    }
    *out = json_pack("{s:{s:I, s:s}, s:s, s:s, s:o}", "unit", "id", (json_int_t)unit, "name", unit_name, "from",
                     from_day, "to", to_day, "items", w.items);
    *rows = w.rows;
    return true;
}

int api_suggestions_sheet(http_req_t *r)
{
    json_t *sheet, *rows;
    char name[256];
    if (!make_sheet(r, &sheet, &rows, name, sizeof(name)))
        return 0;
    json_decref(rows);
    http_reply_json(r, 200, sheet);
    return 0;
}

/* The workbook is made on a worker: libxlsxwriter writes and reads back a file. */
typedef struct {
    http_task_t super;
    json_t *rows;
    char title[64];
    buf_t out;
    char err[128];
} sheet_task_t;

static void sheet_task_run(http_task_t *task)
{
    sheet_task_t *t = (sheet_task_t *)task;
    static const char *const headers[] = {"编号", "标题", "领衔代表", "办理方式", "重点督办", "交办日期", "办理期限"};
    if (xlsx_table(t->title, headers, 7, t->rows, &t->out, t->err, sizeof(t->err)) != 0)
        buf_reset(&t->out);
}

static void sheet_task_respond(http_task_t *task, http_req_t *r)
{
    sheet_task_t *t = (sheet_task_t *)task;
    if (r && t->out.len == 0) {
        http_reply_internal(r, t->err[0] ? t->err : "cannot make the referral sheet");
    } else if (r) {
        http_add_header(r, "content-disposition", "attachment; filename=\"referral-sheet.xlsx\"");
        http_reply_text(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", t->out.data,
                        t->out.len);
    }
    json_decref(t->rows);
    buf_free(&t->out);
}

int api_suggestions_sheet_xlsx(http_req_t *r)
{
    json_t *sheet, *rows;
    char name[256];
    if (!make_sheet(r, &sheet, &rows, name, sizeof(name)))
        return 0;
    json_decref(sheet);
    sheet_task_t *t = http_task_new(r, sizeof(*t));
    t->rows = rows;
    snprintf(t->title, sizeof(t->title), "交办单");
    buf_init(&t->out);
    t->super.run = sheet_task_run;
    t->super.respond = sheet_task_respond;
    http_task(r, &t->super);
    return 0;
}
