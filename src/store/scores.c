/*
 * scores: SQL for duty scores and obligations (see scores.h). The counts come out of SQL as rows
 * of (subject, kind, month, count) in subject order; they are gathered one subject at a time, so
 * a province's board holds one subject's counts and a small standing per deputy, never the
 * records themselves.
 */
#include "store/scores.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "domain/region.h"

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* ---- the rules ----------------------------------------------------------------------------------- */

/* Steps st into at most max records of size bytes at out, each read by read; *n says how many.
 * Hands st back. */
static int read_rules(store_stmt_t *st, void (*read)(store_stmt_t *st, void *out), void *out, size_t size, int max,
                      int *n)
{
    *n = 0;
    if (st == NULL)
        return STORE_ERR;
    int rc;
    while (*n < max && (rc = store_step(st)) == STORE_ROW)
        read(st, (char *)out + size * (size_t)(*n)++);
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* Runs the UPDATE st of one rule: STORE_ENOTFOUND when it changed none. */
static int update_rule(store_t *db, store_stmt_t *st)
{
    int rc = st ? store_run(st) : STORE_ERR;
    return rc != STORE_OK ? rc : store_changes(db) ? STORE_OK : STORE_ENOTFOUND;
}

/* The one rule st selects into out, or STORE_ENOTFOUND. */
static int read_rule(store_stmt_t *st, int64_t id, void (*read)(store_stmt_t *st, void *out), void *out, size_t size)
{
    if (st)
        store_bind_int(st, 1, id);
    int n, rc = read_rules(st, read, out, size, 1, &n);
    return rc != STORE_OK ? rc : n ? STORE_OK : STORE_ENOTFOUND;
}

#define DUTY_RULE_COLUMNS                                                                                              \
    "id, kind, position, name, name_en, points, cap, period, evidence, description, coalesce(updated_by, 0),"          \
    " updated_at"

static void read_duty_rule(store_stmt_t *st, void *out)
{
    store_duty_rule_t *r = out;
    memset(r, 0, sizeof(*r));
    r->id = store_col_int(st, 0);
    copy(r->kind, sizeof(r->kind), store_col_text(st, 1));
    r->position = (int)store_col_int(st, 2);
    copy(r->name, sizeof(r->name), store_col_text(st, 3));
    copy(r->name_en, sizeof(r->name_en), store_col_text(st, 4));
    r->points = (int)store_col_int(st, 5);
    r->cap = store_col_null(st, 6) ? DUTY_NO_CAP : (int)store_col_int(st, 6);
    copy(r->period, sizeof(r->period), store_col_text(st, 7));
    copy(r->evidence, sizeof(r->evidence), store_col_text(st, 8));
    copy(r->description, sizeof(r->description), store_col_text(st, 9));
    r->updated_by = store_col_int(st, 10);
    r->updated_at = store_col_int(st, 11);
}

int store_duty_rules_all(store_t *db, store_duty_rule_t *out, int max, int *n)
{
    return read_rules(store_prepare(db, "SELECT " DUTY_RULE_COLUMNS " FROM duty_rules ORDER BY position, id"),
                      read_duty_rule, out, sizeof(*out), max, n);
}

int store_duty_rule_get(store_t *db, int64_t id, store_duty_rule_t *out)
{
    return read_rule(store_prepare(db, "SELECT " DUTY_RULE_COLUMNS " FROM duty_rules WHERE id = $1"), id,
                     read_duty_rule, out, sizeof(*out));
}

int store_duty_rule_save(store_t *db, const store_duty_rule_t *r)
{
    store_stmt_t *st = store_prepare(db, "UPDATE duty_rules SET name = $2, name_en = $3, points = $4, cap = $5,"
                                         " period = $6, evidence = $7, description = $8, updated_by = $9,"
                                         " updated_at = $10 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, r->id);
    store_bind_text(st, 2, r->name);
    store_bind_text(st, 3, r->name_en);
    store_bind_int(st, 4, r->points);
    if (r->cap == DUTY_NO_CAP)
        store_bind_null(st, 5);
    else
        store_bind_int(st, 5, r->cap);
    store_bind_text(st, 6, r->period);
    store_bind_text(st, 7, r->evidence);
    store_bind_text(st, 8, r->description);
    store_bind_opt_id(st, 9, r->updated_by);
    store_bind_int(st, 10, r->updated_at);
    return update_rule(db, st);
}

#define OBLIGATION_RULE_COLUMNS                                                                                        \
    "id, code, subject, position, name, name_en, period, required, kinds, active, updated_at"

static void read_obligation_rule(store_stmt_t *st, void *out)
{
    store_obligation_rule_t *r = out;
    memset(r, 0, sizeof(*r));
    r->id = store_col_int(st, 0);
    copy(r->code, sizeof(r->code), store_col_text(st, 1));
    copy(r->subject, sizeof(r->subject), store_col_text(st, 2));
    r->position = (int)store_col_int(st, 3);
    copy(r->name, sizeof(r->name), store_col_text(st, 4));
    copy(r->name_en, sizeof(r->name_en), store_col_text(st, 5));
    copy(r->period, sizeof(r->period), store_col_text(st, 6));
    r->required = (int)store_col_int(st, 7);
    copy(r->kinds, sizeof(r->kinds), store_col_text(st, 8));
    r->active = store_col_int(st, 9) != 0;
    r->updated_at = store_col_int(st, 10);
}

int store_obligation_rules_all(store_t *db, store_obligation_rule_t *out, int max, int *n)
{
    return read_rules(store_prepare(db,
                                    "SELECT " OBLIGATION_RULE_COLUMNS " FROM obligation_rules ORDER BY"
                                    " CASE subject WHEN 'deputy' THEN 0 WHEN 'group' THEN 1 ELSE 2 END, position, id"),
                      read_obligation_rule, out, sizeof(*out), max, n);
}

int store_obligation_rule_get(store_t *db, int64_t id, store_obligation_rule_t *out)
{
    return read_rule(store_prepare(db, "SELECT " OBLIGATION_RULE_COLUMNS " FROM obligation_rules WHERE id = $1"), id,
                     read_obligation_rule, out, sizeof(*out));
}

int store_obligation_rule_save(store_t *db, const store_obligation_rule_t *r)
{
    store_stmt_t *st = store_prepare(db, "UPDATE obligation_rules SET period = $2, required = $3, kinds = $4,"
                                         " active = $5, updated_at = $6 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, r->id);
    store_bind_text(st, 2, r->period);
    store_bind_int(st, 3, r->required);
    store_bind_text(st, 4, r->kinds);
    store_bind_int(st, 5, r->active);
    store_bind_int(st, 6, r->updated_at);
    return update_rule(db, st);
}

/* ---- counts -------------------------------------------------------------------------------------- */

int store_subject_parse(const char *word)
{
    static const char *const words[] = {"deputy", "group", "station"};
    for (int i = 0; word && i < 3; i++)
        if (strcmp(word, words[i]) == 0)
            return i;
    return -1;
}

/* Each query gives: subject id, name, region, kind (NULL when nothing was counted; '' for a
 * station's receptions), month "YYYY-MM", count - ordered by subject id. $1/$2 bound the region
 * subtree; $3/$4 the year, as days for records and as Beijing seconds for activities and visits. */
static const char deputy_counts_sql[] =
    "SELECT d.id, d.name, d.region_code, x.kind, substr(x.happened_on, 1, 7), count(x.id) FROM deputies d"
    " LEFT JOIN duty_records x ON x.deputy_id = d.id AND x.happened_on >= $3 AND x.happened_on <= $4"
    "  AND x.state = 'confirmed'"
    " WHERE d.region_code >= $1 AND d.region_code < $2 AND d.deleted_at IS NULL"
    " GROUP BY d.id, x.kind, substr(x.happened_on, 1, 7) ORDER BY d.id";

/* an event of a group once, however many of its deputies took part: a title on a day */
static const char group_counts_sql[] =
    "SELECT g.id, g.name, g.region_code, x.kind, substr(x.happened_on, 1, 7),"
    " count(DISTINCT x.happened_on || ' ' || x.title) FROM deputy_groups g"
    " LEFT JOIN deputies d ON d.group_id = g.id AND d.deleted_at IS NULL"
    " LEFT JOIN duty_records x ON x.deputy_id = d.id AND x.happened_on >= $3 AND x.happened_on <= $4"
    "  AND x.state = 'confirmed'"
    " WHERE g.region_code >= $1 AND g.region_code < $2 AND g.deleted_at IS NULL"
    " GROUP BY g.id, x.kind, substr(x.happened_on, 1, 7) ORDER BY g.id";

/* a month counts for a station when it held a reception activity or received a visit */
static const char station_counts_sql[] =
    "SELECT id, name, region_code, kind, month, sum(n) FROM ("
    " SELECT s.id, s.name, s.region_code, NULL AS kind, NULL AS month, 0 AS n FROM stations s"
    "  WHERE s.region_code >= $1 AND s.region_code < $2 AND s.deleted_at IS NULL AND s.kind <> 'online'"
    " UNION ALL"
    " SELECT s.id, s.name, s.region_code, '', strftime('%Y-%m', a.starts_at + 28800, 'unixepoch'), 1 FROM stations s"
    "  JOIN activities a ON a.station_id = s.id AND a.starts_at >= $5 AND a.starts_at <= $6"
    "  AND a.kind = 'reception' AND a.state = 'held'"
    "  WHERE s.region_code >= $1 AND s.region_code < $2 AND s.deleted_at IS NULL AND s.kind <> 'online'"
    " UNION ALL"
    " SELECT s.id, s.name, s.region_code, '', strftime('%Y-%m', v.created_at + 28800, 'unixepoch'), 1 FROM stations s"
    "  JOIN visits v ON v.station_id = s.id AND v.created_at >= $5 AND v.created_at <= $6"
    "  WHERE s.region_code >= $1 AND s.region_code < $2 AND s.deleted_at IS NULL AND s.kind <> 'online'"
    ") GROUP BY id, kind, month ORDER BY id";

const char *store_duty_subjects_sql(store_subject_t subject)
{
    switch (subject) {
    case STORE_SUBJECT_DEPUTY: return deputy_counts_sql;
    case STORE_SUBJECT_GROUP: return group_counts_sql;
    case STORE_SUBJECT_STATION: return station_counts_sql;
    }
    return deputy_counts_sql;
}

/* Gathers the rows of one subject, handing each finished one to fn. */
typedef struct {
    store_duty_subject_t s;
    char *name;
    bool open;
    int (*fn)(const store_duty_subject_t *s, void *arg);
    void *arg;
} gather_t;

static int gather_flush(gather_t *g)
{
    int stop = g->open ? g->fn(&g->s, g->arg) : 0;
    free(g->name);
    g->name = NULL;
    g->open = false;
    return stop;
}

static int gather_row(gather_t *g, store_stmt_t *st, int year)
{
    int64_t id = store_col_int(st, 0);
    int stop = 0;
    if (!g->open || g->s.id != id) {
        stop = gather_flush(g);
        memset(&g->s, 0, sizeof(g->s));
        g->s.id = id;
        g->name = strdup(store_col_text(st, 1));
        g->s.name = g->name ? g->name : "";
        copy(g->s.region, sizeof(g->s.region), store_col_text(st, 2));
        g->open = true;
    }
    if (stop || store_col_null(st, 3))
        return stop;
    const char *kind = store_col_text(st, 3);
    int k = kind[0] ? duty_kind_index(kind) : DUTY_KINDS;
    int y, m;
    if (k >= 0 && duty_parse_month(store_col_text(st, 4), &y, &m) == 0 && y == year) {
        g->s.counts[k][m - 1] += store_col_int(st, 5);
        g->s.records += store_col_int(st, 5);
    }
    return 0;
}

int store_duty_subjects_each(store_t *db, store_subject_t subject, const char *lo, const char *hi, int year,
                             int (*fn)(const store_duty_subject_t *s, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, store_duty_subjects_sql(subject));
    if (st == NULL)
        return STORE_ERR;
    calendar_day_t first = 0, last = 0;
    calendar_day_from_ymd(year, 1, 1, &first);
    calendar_day_from_ymd(year, 12, 31, &last);
    char from[11], to[11];
    calendar_format_date(first, from);
    calendar_format_date(last, to);
    store_bind_text(st, 1, lo);
    store_bind_text(st, 2, hi);
    if (subject == STORE_SUBJECT_STATION) {
        store_bind_int(st, 5, calendar_day_start(first));
        store_bind_int(st, 6, calendar_day_end(last));
    } else {
        store_bind_text(st, 3, from);
        store_bind_text(st, 4, to);
    }
    gather_t g = {.fn = fn, .arg = arg};
    int rc, stop = 0;
    while (!stop && (rc = store_step(st)) == STORE_ROW)
        stop = gather_row(&g, st, year);
    store_done(st);
    if (!stop)
        gather_flush(&g);
    free(g.name);
    return stop || rc >= 0 ? STORE_OK : rc;
}

static const char deputy_records_sql[] =
    "SELECT id, kind, title, happened_on, source FROM duty_records"
    " WHERE deputy_id = $1 AND happened_on >= $2 AND happened_on <= $3 AND state = 'confirmed'"
    " ORDER BY happened_on, id";

const char *store_deputy_records_sql(void)
{
    return deputy_records_sql;
}

int store_deputy_records_each(store_t *db, int64_t deputy_id, int year,
                              int (*fn)(const store_duty_record_row_t *rec, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, deputy_records_sql);
    if (st == NULL)
        return STORE_ERR;
    char from[11], to[11];
    duty_period_days(DUTY_YEAR, year, 0, from, to);
    store_bind_int(st, 1, deputy_id);
    store_bind_text(st, 2, from);
    store_bind_text(st, 3, to);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_duty_record_row_t rec = {store_col_int(st, 0), store_col_text(st, 1), store_col_text(st, 2),
                                       store_col_text(st, 3), store_col_text(st, 4)};
        if (fn(&rec, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* ---- scores -------------------------------------------------------------------------------------- */

void store_score_area(const char *region, char out[13])
{
    if (region_level(region) >= REGION_COUNTY)
        snprintf(out, 13, "%.6s000000", region);
    else
        snprintf(out, 13, "%s", region);
}

typedef struct {
    store_duty_rule_t *rules;
    int nrules;
    int year;
    store_board_t *board;
    size_t cap;
    bool failed;
} board_build_t;

static int board_subject(const store_duty_subject_t *s, void *arg)
{
    board_build_t *b = arg;
    if (b->board->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        store_standing_t *items = realloc(b->board->items, cap * sizeof(*items));
        if (items == NULL) {
            b->failed = true;
            return 1;
        }
        b->board->items = items;
        b->cap = cap;
    }
    int64_t score = 0;
    for (int i = 0; i < b->nrules; i++) {
        const store_duty_rule_t *rule = &b->rules[i];
        int k = duty_kind_index(rule->kind);
        duty_period_t period;
        if (k < 0 || duty_period_parse(rule->period, &period) != 0)
            continue;
        duty_tally_t t;
        duty_tally_init(&t, period, rule->points, rule->cap, b->year);
        for (int m = 0; m < 12; m++)
            duty_tally_month(&t, m + 1, s->counts[k][m]);
        score += t.points_total;
    }
    store_standing_t *x = &b->board->items[b->board->n++];
    memset(x, 0, sizeof(*x));
    x->deputy_id = s->id;
    x->name = strdup(s->name);
    copy(x->region, sizeof(x->region), s->region);
    x->score = score;
    x->records = s->records;
    return x->name == NULL ? (b->failed = true) : 0;
}

/* Sorts the board and ranks it (domain/duty.h), keeping each standing with its score. */
static int rank_board(store_board_t *board)
{
    duty_standing_t *list = calloc(board->n ? board->n : 1, sizeof(*list));
    store_standing_t *sorted = calloc(board->n ? board->n : 1, sizeof(*sorted));
    if (list == NULL || sorted == NULL) {
        free(list);
        free(sorted);
        return STORE_ERR;
    }
    for (size_t i = 0; i < board->n; i++)
        list[i] = (duty_standing_t){.id = board->items[i].deputy_id, .score = board->items[i].score, .index = i};
    duty_rank(list, board->n);
    for (size_t i = 0; i < board->n; i++) {
        sorted[i] = board->items[list[i].index];
        sorted[i].rank = list[i].rank;
    }
    free(board->items);
    board->items = sorted;
    free(list);
    return STORE_OK;
}

int store_score_board(store_t *db, const char *area, int year, store_board_t *out)
{
    memset(out, 0, sizeof(*out));
    store_duty_rule_t *rules = calloc(STORE_DUTY_RULES_MAX, sizeof(*rules));
    if (rules == NULL)
        return STORE_ERR;
    board_build_t b = {.rules = rules, .year = year, .board = out};
    char hi[REGION_CODE_LEN + 2];
    region_subtree_upper(area, hi);
    int rc = store_duty_rules_all(db, rules, STORE_DUTY_RULES_MAX, &b.nrules);
    if (rc == STORE_OK)
        rc = store_duty_subjects_each(db, STORE_SUBJECT_DEPUTY, area, hi, year, board_subject, &b);
    free(rules);
    if (rc == STORE_OK && b.failed)
        rc = STORE_ERR;
    return rc == STORE_OK ? rank_board(out) : rc;
}

void store_score_board_free(store_board_t *board)
{
    for (size_t i = 0; i < board->n; i++)
        free(board->items[i].name);
    free(board->items);
    board->items = NULL;
    board->n = 0;
}

int store_scores_deputy_region(store_t *db, int64_t deputy_id, char region[13])
{
    store_stmt_t *st = store_prepare(db, "SELECT region_code FROM deputies WHERE id = $1 AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, deputy_id);
    int rc = store_step(st);
    if (rc == STORE_ROW)
        copy(region, 13, store_col_text(st, 0));
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

int store_deputy_score(store_t *db, int64_t deputy_id, int year, int64_t *score, int *rank, int *of)
{
    char region[13], area[13];
    int rc = store_scores_deputy_region(db, deputy_id, region);
    if (rc != STORE_OK)
        return rc;
    store_score_area(region, area);
    store_board_t board;
    rc = store_score_board(db, area, year, &board);
    size_t i = 0;
    while (rc == STORE_OK && i < board.n && board.items[i].deputy_id != deputy_id)
        i++;
    if (rc == STORE_OK && i == board.n)
        rc = STORE_ENOTFOUND;
    if (rc == STORE_OK) {
        if (score)
            *score = board.items[i].score;
        if (rank)
            *rank = board.items[i].rank;
        if (of)
            *of = (int)board.n;
    }
    store_score_board_free(&board);
    return rc;
}

int store_scores_member_linked(store_t *db, int64_t member_user_id, int64_t deputy_id)
{
    store_stmt_t *st = store_prepare(db, "SELECT 1 FROM member_deputies WHERE member_user_id = $1 AND deputy_id = $2");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, member_user_id);
    store_bind_int(st, 2, deputy_id);
    int rc = store_step(st);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

/* ---- reminders ----------------------------------------------------------------------------------- */

static const char laggards_sql[] =
    "SELECT d.id, d.name FROM deputies d"
    " WHERE d.deleted_at IS NULL AND d.created_at < $3"
    " AND NOT EXISTS (SELECT 1 FROM obligation_reminders r"
    "  WHERE r.rule_id = $1 AND r.subject_id = d.id AND r.period_key = $2)"
    " AND (SELECT count(*) FROM duty_records x WHERE x.deputy_id = d.id AND x.happened_on >= $4"
    "  AND x.happened_on <= $5 AND x.state = 'confirmed' AND instr(' ' || $6 || ' ', ' ' || x.kind || ' ') > 0) < $7"
    " ORDER BY d.id LIMIT $8";

const char *store_obligation_laggards_sql(void)
{
    return laggards_sql;
}

int store_obligation_laggards(store_t *db, const store_obligation_rule_t *rule, const char *period_key, int64_t from,
                              const char *from_day, const char *to_day, int limit,
                              int (*fn)(int64_t deputy_id, const char *name, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, laggards_sql);
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, rule->id);
    store_bind_text(st, 2, period_key);
    store_bind_int(st, 3, from);
    store_bind_text(st, 4, from_day);
    store_bind_text(st, 5, to_day);
    store_bind_text(st, 6, rule->kinds);
    store_bind_int(st, 7, rule->required);
    store_bind_int(st, 8, limit);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW)
        if (fn(store_col_int(st, 0), store_col_text(st, 1), arg))
            break;
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_obligation_reminded(store_t *db, int64_t rule_id, int64_t subject_id, const char *period_key, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "INSERT OR IGNORE INTO obligation_reminders"
                                         " (rule_id, subject_id, period_key, sent_at) VALUES ($1, $2, $3, $4)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, rule_id);
    store_bind_int(st, 2, subject_id);
    store_bind_text(st, 3, period_key);
    store_bind_int(st, 4, now);
    return store_run(st);
}
