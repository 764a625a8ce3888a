/*
 * scores: duty scores and obligations (履职积分, 履职义务; SPEC §6) - the scoring rules and the
 * obligation rules the office keeps, the score board of a region, one deputy's score explained
 * record by record, the board of who is behind, and the daily reminder to deputies behind.
 *
 * One idea: every figure is computed on read from the confirmed duty records (store/scores.h)
 * with the rules as they are now (domain/duty.h), so a rule changed by the office changes the
 * scores at once, and the explained score names the record behind each point. The board ranks a
 * deputy among every deputy of the county of the region asked (store_score_area), whatever part
 * of it the page shows.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/calendar.h"
#include "domain/duty.h"
#include "domain/region.h"
#include "store/opinions.h"
#include "store/scores.h"

enum { BOARD_DEFAULT = 100, BOARD_MAX = 1000, CAP_MAX = 100000 };

/* The Beijing year and month of now. */
static void this_month(int *year, int *month)
{
    calendar_day_to_ymd(calendar_day_of(time(NULL)), year, month, NULL);
}

/* ?year= (default this year), or -1 after answering 400. */
static int query_year(http_req_t *r)
{
    int year, month;
    this_month(&year, &month);
    return (int)api_query_long(r, "year", year, DUTY_YEAR_MIN, DUTY_YEAR_MAX);
}

/* A whole number field in [min, max] into *out: 1 when given, 0 when absent, -1 after a 422.
 * null is "absent" only where null_ok; then *out is DUTY_NO_CAP. */
static int read_int(api_input_t *in, const char *field, int min, int max, bool null_ok, int *out)
{
    json_t *v = json_object_get(in->body, field);
    if (in->failed || v == NULL)
        return in->failed ? -1 : 0;
    if (null_ok && json_is_null(v)) {
        *out = DUTY_NO_CAP;
        return 1;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        char msg[160];
        snprintf(msg, sizeof(msg), "%s must be a whole number from %d to %d%s", field, min, max,
                 null_ok ? ", or null for none" : "");
        api_invalid(in, field, msg);
        return -1;
    }
    *out = (int)json_integer_value(v);
    return 1;
}

/* One of words (NULL-terminated) into out: 1 when given, 0 when absent, -1 after a 422. */
static int read_word(api_input_t *in, const char *field, const char *const *words, char *out, size_t cap)
{
    const char *s = api_text(in, field, 1, 16, false);
    if (in->failed || s == NULL)
        return in->failed ? -1 : 0;
    for (const char *const *w = words; *w; w++) {
        if (strcmp(*w, s) == 0) {
            snprintf(out, cap, "%s", s);
            return 1;
        }
    }
    char msg[160];
    snprintf(msg, sizeof(msg), "%s is not one of the words it may be", field);
    api_invalid(in, field, msg);
    return -1;
}

static const char *const period_words[] = {"month", "quarter", "year", NULL};

static json_t *cap_json(int cap)
{
    return cap == DUTY_NO_CAP ? json_null() : json_integer(cap);
}

/* ---- the scoring rules (履职计分细则) ------------------------------------------------------------- */

static json_t *obligation_rule_json(const store_obligation_rule_t *o);

static json_t *duty_rule_json(const store_duty_rule_t *d)
{
    json_t *j = json_pack("{s:I, s:s, s:i, s:s, s:s, s:i, s:o, s:s, s:s, s:s, s:I}", "id", (json_int_t)d->id, "kind",
                          d->kind, "position", d->position, "name", d->name, "name_en", d->name_en, "points", d->points,
                          "cap", cap_json(d->cap), "period", d->period, "evidence", d->evidence, "description",
                          d->description, "updated_at", (json_int_t)d->updated_at);
    return j;
}

/* Answers {"items"} with every scoring rule (duty) or every obligation rule, by position. */
static int reply_rules(http_req_t *r, bool duty)
{
    size_t size = duty ? sizeof(store_duty_rule_t) : sizeof(store_obligation_rule_t);
    int max = duty ? STORE_DUTY_RULES_MAX : STORE_OBLIGATION_RULES_MAX, n = 0, rc = STORE_ERR;
    char *rules = calloc((size_t)max, size);
    if (rules && duty)
        rc = store_duty_rules_all(http_reader(r), (store_duty_rule_t *)rules, max, &n);
    else if (rules)
        rc = store_obligation_rules_all(http_reader(r), (store_obligation_rule_t *)rules, max, &n);
    json_t *items = json_array();
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        const void *rule = rules + size * (size_t)i;
        json_array_append_new(items, duty ? duty_rule_json(rule) : obligation_rule_json(rule));
    }
    free(rules);
    if (rc != STORE_OK) {
        json_decref(items);
        http_reply_internal(r, "cannot read the rules");
    } else {
        http_reply_json(r, 200, json_pack("{s:o}", "items", items));
    }
    return 0;
}

int api_duty_rules_list(http_req_t *r)
{
    return reply_rules(r, true);
}

/* A change of a scoring rule (duty) or an obligation rule, by an admin. */
typedef struct {
    http_write_t super;
    api_who_t who;
    char region[13]; /* the admin's, for the audit log */
    int64_t id;
    bool duty;
} rule_write_t;

/* Answers with the rule as it now is. */
static void rule_respond(http_write_t *w, http_req_t *r, int status)
{
    rule_write_t *x = (rule_write_t *)w;
    store_duty_rule_t duty;
    store_obligation_rule_t obligation;
    if (r == NULL)
        return;
    int rc = status != STORE_OK ? status
             : x->duty          ? store_duty_rule_get(http_reader(r), x->id, &duty)
                                : store_obligation_rule_get(http_reader(r), x->id, &obligation);
    if (rc == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "no such rule", NULL);
    else if (rc != STORE_OK)
        http_reply_internal(r, "cannot change a rule");
    else
        http_reply_json(r, 200, x->duty ? duty_rule_json(&duty) : obligation_rule_json(&obligation));
}

/* The write of a rule's change (size bytes, a rule_write_t first) with its JSON body into *body;
 * NULL after answering 404 or a bad body. */
static void *rule_write_new(http_req_t *r, size_t size, bool duty, json_t **body)
{
    int64_t id = api_param_id(r, 0);
    *body = id ? http_json_body(r) : NULL;
    if (*body == NULL)
        return NULL;
    rule_write_t *x = http_write_new(r, size);
    x->id = id;
    x->duty = duty;
    snprintf(x->region, sizeof(x->region), "%s", http_actor(r)->region);
    api_who(r, &x->who);
    x->super.respond = rule_respond;
    return x;
}

/* A change of a scoring rule, applied to the rule as it is when the writer runs. */
typedef struct {
    rule_write_t base;
    bool has_name, has_name_en, has_points, has_cap, has_period, has_evidence, has_description;
    store_duty_rule_t change;
} duty_rule_write_t;

static int duty_rule_run(http_write_t *w, store_t *db)
{
    duty_rule_write_t *x = (duty_rule_write_t *)w;
    store_duty_rule_t rule;
    int rc = store_duty_rule_get(db, x->base.id, &rule);
    if (rc != STORE_OK)
        return rc;
    const store_duty_rule_t *c = &x->change;
    if (x->has_name)
        memcpy(rule.name, c->name, sizeof(rule.name));
    if (x->has_name_en)
        memcpy(rule.name_en, c->name_en, sizeof(rule.name_en));
    if (x->has_points)
        rule.points = c->points;
    if (x->has_cap)
        rule.cap = c->cap;
    if (x->has_period)
        memcpy(rule.period, c->period, sizeof(rule.period));
    if (x->has_evidence)
        memcpy(rule.evidence, c->evidence, sizeof(rule.evidence));
    if (x->has_description)
        memcpy(rule.description, c->description, sizeof(rule.description));
    rule.updated_by = x->base.who.actor_id;
    rule.updated_at = time(NULL);
    rc = store_duty_rule_save(db, &rule);
    if (rc != STORE_OK)
        return rc;
    char detail[160], cap[16] = "none";
    if (rule.cap != DUTY_NO_CAP)
        snprintf(cap, sizeof(cap), "%d", rule.cap);
    snprintf(detail, sizeof(detail), "%s: %d points, cap %s a %s", rule.kind, rule.points, cap, rule.period);
    return api_audit(db, &x->base.who, "duty_rule.update", "duty_rule", rule.id, x->base.region, detail);
}

static void copy_text(char *dst, size_t cap, const char *src, bool *given)
{
    *given = src != NULL;
    snprintf(dst, cap, "%s", src ? src : "");
}

/* PATCH /api/v1/duty-rules/:id {name?, name_en?, points?, cap?, period?, evidence?, description?} */
int api_duty_rules_update(http_req_t *r)
{
    json_t *body;
    duty_rule_write_t *x = rule_write_new(r, sizeof(*x), true, &body);
    if (x == NULL)
        return 0;
    api_input_t in = {r, body, false};
    static const char *const fields[] = {"name", "name_en", "points", "cap", "period", "evidence", "description", NULL};
    static const char *const evidence_words[] = {"none", "text", "photo", NULL};
    api_only(&in, fields);
    store_duty_rule_t *c = &x->change;
    copy_text(c->name, sizeof(c->name), api_text(&in, "name", 1, 50, false), &x->has_name);
    copy_text(c->name_en, sizeof(c->name_en), api_text(&in, "name_en", 1, 100, false), &x->has_name_en);
    copy_text(c->description, sizeof(c->description), api_text(&in, "description", 0, 500, false), &x->has_description);
    x->has_points = read_int(&in, "points", 0, 1000, false, &c->points) == 1;
    /* SPEC §6: a cap is a ceiling of points, none when null; below zero it means nothing */
    x->has_cap = read_int(&in, "cap", 0, CAP_MAX, true, &c->cap) == 1;
    x->has_period = read_word(&in, "period", period_words, c->period, sizeof(c->period)) == 1;
    x->has_evidence = read_word(&in, "evidence", evidence_words, c->evidence, sizeof(c->evidence)) == 1;
    json_decref(body);
    if (in.failed) {
        free(x);
        return 0;
    }
    x->base.super.run = duty_rule_run;
    http_write(r, &x->base.super);
    return 0;
}

/* ---- the score board ------------------------------------------------------------------------------ */

static json_t *deputy_ref(int64_t id, const char *name, const char *region)
{
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "region", region);
}

/* GET /api/v1/scores?year=&region=&after=&limit=: the deputies of the region, best first, each
 * with their rank among the deputies of its county. */
int api_scores_list(http_req_t *r)
{
    char region[13], hi[REGION_CODE_LEN + 2], area[13];
    int year = query_year(r);
    long after = year < 0 ? -1 : api_query_long(r, "after", 0, 0, LONG_MAX);
    long limit = after < 0 ? -1 : api_query_long(r, "limit", BOARD_DEFAULT, 1, BOARD_MAX);
    if (limit < 0 || !api_scope_region(r, region, hi))
        return 0;
    store_score_area(region, area);
    store_board_t board;
    if (store_score_board(http_reader(r), area, year, &board) != STORE_OK) {
        store_score_board_free(&board);
        http_reply_internal(r, "cannot compute the scores");
        return 0;
    }
    json_t *items = json_array(), *next = json_null();
    bool started = after == 0;
    for (size_t i = 0; i < board.n; i++) {
        const store_standing_t *s = &board.items[i];
        if (!region_in_scope(region, s->region))
            continue;
        if (!started) {
            started = s->deputy_id == after;
            continue;
        }
        if (json_array_size(items) == (size_t)limit) {
            const json_t *last = json_object_get(json_array_get(items, (size_t)limit - 1), "deputy");
            next = json_integer(json_integer_value(json_object_get(last, "id")));
            break;
        }
        json_array_append_new(items, json_pack("{s:i, s:o, s:I, s:I}", "rank", s->rank, "deputy",
                                               deputy_ref(s->deputy_id, s->name, s->region), "score",
                                               (json_int_t)s->score, "records", (json_int_t)s->records));
    }
    size_t of = board.n;
    store_score_board_free(&board);
    http_reply_json(r, 200,
                    json_pack("{s:i, s:s, s:s, s:I, s:o, s:o}", "year", year, "region", region, "area", area, "of",
                              (json_int_t)of, "items", items, "next", next));
    return 0;
}

/* ---- one deputy's score, explained ---------------------------------------------------------------- */

typedef struct {
    store_duty_rule_t *rules;
    int nrules;
    duty_tally_t tallies[STORE_DUTY_RULES_MAX];
    json_t *records[STORE_DUTY_RULES_MAX]; /* per rule: [{id, title, happened_on, source, points}] */
    int year;
} explain_t;

static int explain_record(const store_duty_record_row_t *rec, void *arg)
{
    explain_t *e = arg;
    for (int i = 0; i < e->nrules; i++) {
        if (strcmp(e->rules[i].kind, rec->kind) != 0)
            continue;
        /* by its month, as the board counts it, so the two always agree */
        char month[8];
        snprintf(month, sizeof(month), "%.7s", rec->happened_on);
        int64_t points = duty_tally_records(&e->tallies[i], month, 1);
        if (points < 0)
            break;
        json_array_append_new(e->records[i], json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)rec->id, "title",
                                                       rec->title, "happened_on", rec->happened_on, "source",
                                                       rec->source, "points", (json_int_t)points));
        break;
    }
    return 0;
}

/* Whether the actor may read the deputy's score: the deputy themself, the office and staff of
 * the deputy's region, or a member linked to the deputy - a link only the store knows
 * (member_deputies), so the member is named as the score's account when it holds, and the
 * policy's RULE_SELF is that link. Answers 404 otherwise. */
static bool may_read_score(http_req_t *r, int64_t deputy_id, const char *region)
{
    const actor_t *a = http_actor(r);
    policy_target_t t = {.region = region, .deputy_id = deputy_id};
    if (a && a->role == ROLE_MEMBER && store_scores_member_linked(http_reader(r), a->user_id, deputy_id) == STORE_OK)
        t.user_id = a->user_id;
    return http_authorize(r, &t, true);
}

/* GET /api/v1/deputies/:id/score?year= */
int api_deputy_score(http_req_t *r)
{
    int64_t id = api_param_id(r, 0);
    int year = id ? query_year(r) : -1;
    if (year < 0)
        return 0;
    store_t *db = http_reader(r);
    char region[13];
    int rc = store_scores_deputy_region(db, id, region);
    if (rc == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such deputy", NULL);
        return 0;
    }
    if (rc != STORE_OK) {
        http_reply_internal(r, "cannot read a deputy");
        return 0;
    }
    if (!may_read_score(r, id, region))
        return 0;
    explain_t *e = calloc(1, sizeof(*e));
    store_duty_rule_t *rules = calloc(STORE_DUTY_RULES_MAX, sizeof(*rules));
    int64_t score = 0;
    int rank = 0, of = 0;
    rc = e && rules ? store_duty_rules_all(db, rules, STORE_DUTY_RULES_MAX, &e->nrules) : STORE_ERR;
    if (rc == STORE_OK) {
        e->rules = rules;
        e->year = year;
        for (int i = 0; i < e->nrules; i++) {
            duty_period_t period = DUTY_YEAR;
            duty_period_parse(rules[i].period, &period);
            duty_tally_init(&e->tallies[i], period, rules[i].points, rules[i].cap, year);
            e->records[i] = json_array();
        }
        rc = store_deputy_records_each(db, id, year, explain_record, e);
    }
    if (rc == STORE_OK)
        rc = store_deputy_score(db, id, year, &score, &rank, &of);
    json_t *items = json_array();
    for (int i = 0; e && i < e->nrules; i++) {
        const store_duty_rule_t *d = &rules[i];
        json_t *rule = json_pack("{s:I, s:s, s:s, s:i, s:o, s:s}", "id", (json_int_t)d->id, "kind", d->kind, "name",
                                 d->name, "points", d->points, "cap", cap_json(d->cap), "period", d->period);
        json_array_append_new(items, json_pack("{s:o, s:I, s:I, s:o}", "rule", rule, "points",
                                               (json_int_t)e->tallies[i].points_total, "raw",
                                               (json_int_t)e->tallies[i].raw, "records", e->records[i]));
    }
    free(e);
    free(rules);
    if (rc != STORE_OK) {
        json_decref(items);
        http_reply_internal(r, "cannot compute a score");
        return 0;
    }
    http_reply_json(r, 200,
                    json_pack("{s:i, s:I, s:I, s:i, s:i, s:o}", "year", year, "deputy_id", (json_int_t)id, "score",
                              (json_int_t)score, "rank", rank, "of", of, "items", items));
    return 0;
}

/* ---- obligation rules (三个一, 四个一, a reception a month) ------------------------------------------ */

static json_t *kinds_json(const char *kinds)
{
    json_t *list = json_array();
    char copy[sizeof(((store_obligation_rule_t *)0)->kinds)];
    snprintf(copy, sizeof(copy), "%s", kinds);
    char *save = NULL;
    for (char *k = strtok_r(copy, " ", &save); k; k = strtok_r(NULL, " ", &save))
        json_array_append_new(list, json_string(k));
    return list;
}

static json_t *obligation_rule_json(const store_obligation_rule_t *o)
{
    return json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:i, s:o, s:b, s:I}", "id", (json_int_t)o->id, "code",
                     o->code, "subject", o->subject, "position", o->position, "name", o->name, "name_en", o->name_en,
                     "period", o->period, "required", o->required, "kinds", kinds_json(o->kinds), "active", o->active,
                     "updated_at", (json_int_t)o->updated_at);
}

int api_obligation_rules_list(http_req_t *r)
{
    return reply_rules(r, false);
}

typedef struct {
    rule_write_t base;
    store_obligation_rule_t rule; /* as it will be */
} obligation_rule_write_t;

static int obligation_rule_run(http_write_t *w, store_t *db)
{
    obligation_rule_write_t *x = (obligation_rule_write_t *)w;
    x->rule.updated_at = time(NULL);
    int rc = store_obligation_rule_save(db, &x->rule);
    return rc ? rc
              : api_audit(db, &x->base.who, "obligation_rule.update", "obligation_rule", x->rule.id, x->base.region,
                          x->rule.code);
}

/* kinds: a list of duty kinds, each once - some for a deputy's or a group's rule, none for a
 * station's (its receptions count). Joined by spaces into out. */
static void read_kinds(api_input_t *in, const char *subject, char *out, size_t cap)
{
    json_t *list = json_object_get(in->body, "kinds");
    if (in->failed || list == NULL)
        return;
    bool station = strcmp(subject, "station") == 0;
    if (!json_is_array(list) || json_array_size(list) > DUTY_KINDS) {
        api_invalid(in, "kinds", "kinds must be a list of duty kinds");
        return;
    }
    if (station != (json_array_size(list) == 0)) {
        api_invalid(in, "kinds",
                    station ? "a station's obligation counts its receptions: kinds must be empty"
                            : "kinds must name at least one duty kind");
        return;
    }
    bool seen[DUTY_KINDS] = {false};
    size_t len = 0, i;
    json_t *v;
    out[0] = '\0';
    json_array_foreach(list, i, v)
    {
        int k = duty_kind_index(json_string_value(v));
        if (k < 0 || seen[k]) {
            char msg[96];
            snprintf(msg, sizeof(msg), "kinds[%zu] is not a duty kind, or named twice", i);
            api_invalid(in, "kinds", msg);
            return;
        }
        seen[k] = true;
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", duty_kinds[k]);
    }
}

/* PATCH /api/v1/obligation-rules/:id {required?, period?, kinds?, active?} */
int api_obligation_rules_update(http_req_t *r)
{
    json_t *body;
    obligation_rule_write_t *x = rule_write_new(r, sizeof(*x), false, &body);
    if (x == NULL)
        return 0;
    if (store_obligation_rule_get(http_reader(r), x->base.id, &x->rule) != STORE_OK) {
        json_decref(body);
        free(x);
        http_reply_error(r, 404, "not_found", "no such obligation rule", NULL);
        return 0;
    }
    api_input_t in = {r, body, false};
    static const char *const fields[] = {"required", "period", "kinds", "active", NULL};
    api_only(&in, fields);
    read_int(&in, "required", 1, 100, false, &x->rule.required);
    read_word(&in, "period", period_words, x->rule.period, sizeof(x->rule.period));
    read_kinds(&in, x->rule.subject, x->rule.kinds, sizeof(x->rule.kinds));
    int active = api_bool(&in, "active");
    if (active >= 0)
        x->rule.active = active;
    json_decref(body);
    if (in.failed) {
        free(x);
        return 0;
    }
    x->base.super.run = obligation_rule_run;
    http_write(r, &x->base.super);
    return 0;
}

/* ---- who is behind --------------------------------------------------------------------------------- */

/* What a subject did in each period of the rule: the records of its kinds (a station: its
 * receptions), month by month, gathered into the rule's periods. */
static void period_counts(const store_obligation_rule_t *rule, duty_period_t period, const store_duty_subject_t *s,
                          int64_t out[DUTY_PERIODS_MAX])
{
    memset(out, 0, sizeof(int64_t) * DUTY_PERIODS_MAX);
    bool station = strcmp(rule->subject, "station") == 0;
    char kinds[sizeof(rule->kinds)];
    snprintf(kinds, sizeof(kinds), "%s", rule->kinds);
    bool counted[DUTY_KINDS + 1] = {false};
    counted[DUTY_KINDS] = station;
    char *save = NULL;
    for (char *k = strtok_r(kinds, " ", &save); k && !station; k = strtok_r(NULL, " ", &save))
        if (duty_kind_index(k) >= 0)
            counted[duty_kind_index(k)] = true;
    for (int k = 0; k <= DUTY_KINDS; k++)
        for (int m = 0; counted[k] && m < 12; m++)
            out[duty_period_of_month(period, m + 1)] += s->counts[k][m];
}

/* The obligations of one kind of subject, each rule with its list of who is behind. */
typedef struct {
    const store_obligation_rule_t *rules[STORE_OBLIGATION_RULES_MAX];
    json_t *behind[STORE_OBLIGATION_RULES_MAX];
    int n;
    int year, today_year, today_month;
} assess_t;

static int assess_subject(const store_duty_subject_t *s, void *arg)
{
    assess_t *a = arg;
    for (int i = 0; i < a->n; i++) {
        const store_obligation_rule_t *rule = a->rules[i];
        duty_period_t period = DUTY_MONTH;
        duty_period_parse(rule->period, &period);
        int64_t counts[DUTY_PERIODS_MAX];
        period_counts(rule, period, s, counts);
        duty_obligation_t o;
        duty_obligation_assess(period, rule->required, a->year, counts, a->today_year, a->today_month, &o);
        if (!duty_obligation_behind(&o))
            continue;
        char key[DUTY_PERIOD_KEY_SIZE];
        json_t *missed = json_array();
        for (int k = 0; k < o.nmissed; k++) {
            duty_period_key(period, a->year, o.missed[k], key);
            json_array_append_new(missed, json_string(key));
        }
        if (o.due >= 0)
            duty_period_key(period, a->year, o.due, key);
        json_array_append_new(a->behind[i],
                              json_pack("{s:I, s:s, s:s, s:i, s:i, s:o, s:o}", "id", (json_int_t)s->id, "name", s->name,
                                        "region", s->region, "done", o.met, "required", o.elapsed, "missed", missed,
                                        "due", o.due >= 0 ? json_string(key) : json_null()));
    }
    return 0;
}

json_t *api_obligations_assess(store_t *db, const char *region, const char *hi, int year)
{
    store_obligation_rule_t *rules = calloc(STORE_OBLIGATION_RULES_MAX, sizeof(*rules));
    assess_t *a = calloc(1, sizeof(*a));
    int n = 0;
    int rc = rules && a ? store_obligation_rules_all(db, rules, STORE_OBLIGATION_RULES_MAX, &n) : STORE_ERR;
    json_t *list = json_array();
    for (int subject = STORE_SUBJECT_DEPUTY; rc == STORE_OK && subject <= STORE_SUBJECT_STATION; subject++) {
        memset(a, 0, sizeof(*a));
        a->year = year;
        this_month(&a->today_year, &a->today_month);
        for (int i = 0; i < n; i++) {
            if (rules[i].active && store_subject_parse(rules[i].subject) == subject) {
                a->rules[a->n] = &rules[i];
                a->behind[a->n++] = json_array();
            }
        }
        if (a->n)
            rc = store_duty_subjects_each(db, (store_subject_t)subject, region, hi, year, assess_subject, a);
        for (int i = 0; i < a->n; i++)
            json_array_append_new(list, json_pack("{s:o, s:s, s:{s:I, s:o}}", "rule", obligation_rule_json(a->rules[i]),
                                                  "subject", a->rules[i]->subject, "behind", "count",
                                                  (json_int_t)json_array_size(a->behind[i]), "items", a->behind[i]));
    }
    free(rules);
    free(a);
    if (rc != STORE_OK) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* GET /api/v1/obligations?year=&region= */
int api_obligations_list(http_req_t *r)
{
    char region[13], hi[REGION_CODE_LEN + 2];
    int year = query_year(r);
    if (year < 0 || !api_scope_region(r, region, hi))
        return 0;
    json_t *list = api_obligations_assess(http_reader(r), region, hi, year);
    if (list == NULL) {
        http_reply_internal(r, "cannot assess the obligations");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:i, s:s, s:o}", "year", year, "region", region, "rules", list));
    return 0;
}

/* ---- the daily reminder ----------------------------------------------------------------------------- */

typedef struct {
    store_t *db;
    const store_obligation_rule_t *rule;
    char key[DUTY_PERIOD_KEY_SIZE];
    int64_t now;
    int sent, rc;
} remind_t;

static int remind_deputy(int64_t deputy_id, const char *name, void *arg)
{
    remind_t *m = arg;
    char to[40];
    snprintf(to, sizeof(to), "deputy:%lld", (long long)deputy_id);
    json_t *payload =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:i}", "deputy_id", (json_int_t)deputy_id, "name", name, "rule",
                  m->rule->code, "rule_name", m->rule->name, "period", m->key, "required", m->rule->required);
    char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
    json_decref(payload);
    m->rc = text ? store_outbox_add(m->db, "obligation.behind", to, text, m->now) : STORE_ERR;
    free(text);
    if (m->rc == STORE_OK)
        m->rc = store_obligation_reminded(m->db, m->rule->id, deputy_id, m->key, m->now);
    if (m->rc == STORE_OK)
        m->sent++;
    return m->rc != STORE_OK;
}

int api_obligations_remind(store_t *db, int64_t now, int *sent)
{
    *sent = 0;
    store_obligation_rule_t *rules = calloc(STORE_OBLIGATION_RULES_MAX, sizeof(*rules));
    int n = 0;
    int rc = rules ? store_obligation_rules_all(db, rules, STORE_OBLIGATION_RULES_MAX, &n) : STORE_ERR;
    int today_year, today_month;
    calendar_day_to_ymd(calendar_day_of(now), &today_year, &today_month, NULL);
    for (int i = 0; rc == STORE_OK && i < n && *sent < API_REMIND_BATCH; i++) {
        duty_period_t period;
        if (!rules[i].active || strcmp(rules[i].subject, "deputy") != 0 ||
            duty_period_parse(rules[i].period, &period) != 0)
            continue;
        /* only the period that ended last: each period is reminded of once, as it ends */
        int year, index, first, last;
        duty_last_ended(period, today_year, today_month, &year, &index);
        duty_period_months(period, index, &first, &last);
        calendar_day_t start;
        if (calendar_day_from_ymd(year, first, 1, &start) != 0)
            continue;
        remind_t m = {.db = db, .rule = &rules[i], .now = now};
        duty_period_key(period, year, index, m.key);
        char from[11], to[11];
        duty_period_days(period, year, index, from, to);
        rc = store_obligation_laggards(db, &rules[i], m.key, calendar_day_start(start), from, to,
                                       API_REMIND_BATCH - *sent, remind_deputy, &m);
        if (rc == STORE_OK)
            rc = m.rc;
        *sent += m.sent;
    }
    free(rules);
    return rc;
}
