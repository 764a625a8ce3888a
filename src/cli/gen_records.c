/*
 * gen_records: what deputies do besides answering opinions - suggestions (SPEC §5) through every
 * state with their numbers, units, co-signers and events; a reception day a month at each
 * liaison station and a group activity a quarter, with visitors and attendance (SPEC §4); and duty
 * records (SPEC §6). The duty records of activities, visits, answered opinions, accepted
 * suggestions and co-signatures are written by the schema's triggers as rows go in; typed ones
 * (training, inspections, help ...) fill the scale's count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/gen.h"

enum { DAY = 86400 };

static int suggestion_event(gen_t *g, int64_t id, int64_t at, const char *actor, const char *action, const char *from,
                            const char *to)
{
    store_stmt_t *st = store_prepare(g->db, "INSERT INTO suggestion_events (suggestion_id, at, actor, action,"
                                            " from_state, to_state) VALUES ($1, $2, $3, $4, $5, $6)");
    if (st == NULL)
        return -1;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, at);
    store_bind_text(st, 3, actor);
    store_bind_text(st, 4, action);
    store_bind_text(st, 5, from);
    store_bind_text(st, 6, to);
    return gen_insert(g, st) < 0 ? -1 : 0;
}

/* ---- suggestions ---- */

typedef struct {
    int64_t at;
    const char *actor, *action, *state;
} step_t;

/* The steps a suggestion takes, in order; how far one gets is drawn, then cut at --until. */
static const step_t path[] = {
    {0, "deputy", "create", "draft"},       {0, "deputy", "submit", "submitted"},   {0, "office", "accept", "accepted"},
    {0, "office", "assign", "assigned"},    {0, "unit", "start", "handling"},       {0, "unit", "reply", "replied"},
    {0, "deputy", "evaluate", "evaluated"}, {0, "office", "rate_result", "closed"},
};
enum { STEP_DRAFT, STEP_SUBMIT, STEP_ACCEPT, STEP_ASSIGN, STEP_START, STEP_REPLY, STEP_EVALUATE, STEP_CLOSE, NSTEPS };

typedef struct {
    int64_t congress;
    int64_t last[2]; /* the last number given, in session and in recess */
} numbering_t;

static int64_t *number_for(numbering_t *list, int n, int64_t congress, int session)
{
    for (int i = 0; i < n; i++)
        if (list[i].congress == congress)
            return &list[i].last[session];
    return NULL;
}

static int one_suggestion(gen_t *g, numbering_t *numbers, int *nnumbers)
{
    const gen_deputy_t *d = &g->deputies[gen_below(g, (uint32_t)g->ndeputies)];
    const gen_county_t *k = &g->counties[d->county];
    int category = (int)gen_below(g, 10), session = gen_chance(g, 700) ? 0 : 1; /* 0: 大会期间 */
    int64_t t = session == 0 ? g->start + gen_between(g, 20 * DAY, 50 * DAY) : g->start + gen_between(g, 0, 360 * DAY);
    char title[256], content[2048];
    const char *place = d->township >= 0 ? g->townships[d->township].name : k->name;
    gen_suggestion_text(g, category, place, title, sizeof(title), content, sizeof(content));
    /* how far it is meant to go: a few stay drafts, are returned or become letters */
    int r = (int)gen_below(g, 1000), goal;
    const char *side = NULL; /* returned or letter instead of accepted */
    if (r < 30)
        goal = STEP_DRAFT;
    else if (r < 60)
        goal = STEP_SUBMIT;
    else if (r < 80)
        goal = STEP_SUBMIT, side = "returned";
    else if (r < 100)
        goal = STEP_SUBMIT, side = "letter";
    else if (r < 130)
        goal = STEP_ACCEPT;
    else if (r < 180)
        goal = STEP_ASSIGN;
    else if (r < 330)
        goal = STEP_START;
    else if (r < 530)
        goal = STEP_REPLY;
    else if (r < 800)
        goal = STEP_EVALUATE;
    else
        goal = STEP_CLOSE;
    static const int64_t gaps[NSTEPS][2] = {
        {0, 0},         {0, 3 * DAY},         {2 * DAY, 10 * DAY}, {2 * DAY, 7 * DAY},
        {DAY, 5 * DAY}, {20 * DAY, 85 * DAY}, {3 * DAY, 20 * DAY}, {10 * DAY, 30 * DAY}};
    int64_t at[NSTEPS] = {0};
    int reached = 0;
    for (int s = 0; s <= goal; s++) {
        t += gen_between(g, gaps[s][0], gaps[s][1]);
        if (t >= g->until)
            break;
        at[s] = t;
        reached = s;
    }
    bool sided = side && reached == STEP_SUBMIT && at[STEP_SUBMIT] + 5 * DAY < g->until;
    const char *state = sided ? side : path[reached].state;
    bool accepted = reached >= STEP_ACCEPT, assigned = reached >= STEP_ASSIGN, replied = reached >= STEP_REPLY;
    bool contested = assigned && reached == STEP_ASSIGN && gen_chance(g, 200);
    if (contested)
        state = "contested";
    int64_t number = 0;
    if (accepted) {
        int64_t *last = number_for(numbers, *nnumbers, d->congress, session);
        if (last == NULL) {
            numbers[*nnumbers] = (numbering_t){d->congress, {0, 0}};
            last = &numbers[(*nnumbers)++].last[session];
        }
        number = ++*last;
    }
    int64_t unit = g->units[k->first_unit + (int)gen_below(g, (uint32_t)k->nunits)];
    static const char *const categories[] = {"A", "A", "A", "A", "A", "A", "B", "B", "B", "C"};
    const char *reply_category = replied ? GEN_PICK(g, categories) : NULL;
    const char *rating = NULL;
    if (reached >= STEP_EVALUATE)
        rating = gen_chance(g, 750) ? "satisfied" : gen_chance(g, 800) ? "basic" : "unsatisfied";
    char reply[512] = "";
    if (replied)
        snprintf(reply, sizeof(reply), "关于“%s”的答复：%s", title,
                 strcmp(reply_category, "C") == 0 ? "因受资金和规划限制，目前暂不具备实施条件，已列入今后工作计划。"
                 : strcmp(reply_category, "B") == 0
                     ? "已列入年度计划，正在分步实施，预计年底前完成。"
                     : "所提问题已解决，具体情况如下：已完成项目立项并投入资金，工程已竣工。");
    int64_t last_at = at[reached] ? at[reached] : at[0];
    store_stmt_t *st = store_prepare(
        g->db, "INSERT INTO suggestions (deputy_id, region_code, title, content, state, created_at, updated_at,"
               " congress_id, session, number, category_id, key_suggestion, due, reply_category, reply_type,"
               " reply_text, signed_by, reply_unit_id, rating, consent_deputy, consent_unit, submitted_at,"
               " accepted_at, assigned_at, replied_at, closed_at, commitment_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
               " $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)");
    if (st == NULL)
        return -1;
    store_bind_int(st, 1, d->id);
    store_bind_text(st, 2, d->region);
    store_bind_text(st, 3, title);
    store_bind_text(st, 4, content);
    store_bind_text(st, 5, state);
    store_bind_int(st, 6, at[0]);
    store_bind_int(st, 7, last_at);
    store_bind_int(st, 8, d->congress);
    store_bind_text(st, 9, session == 0 ? "session" : "recess");
    store_bind_opt_id(st, 10, number);
    store_bind_int(st, 11, g->category_ids[category]);
    store_bind_int(st, 12, gen_chance(g, 50));
    store_bind_opt_id(st, 13, assigned ? at[STEP_ASSIGN] + 90 * DAY : 0);
    store_bind_text(st, 14, reply_category);
    store_bind_text(st, 15, replied ? (strcmp(reply_category, "C") == 0 ? "explain" : "solve") : NULL);
    store_bind_opt_text(st, 16, reply);
    store_bind_text(st, 17, replied ? "局长" : NULL);
    store_bind_opt_id(st, 18, replied ? unit : 0);
    store_bind_text(st, 19, rating);
    store_bind_int(st, 20, gen_chance(g, 700));
    store_bind_int(st, 21, gen_chance(g, 700));
    store_bind_opt_id(st, 22, at[STEP_SUBMIT]);
    store_bind_opt_id(st, 23, accepted ? at[STEP_ACCEPT] : 0);
    store_bind_opt_id(st, 24, assigned ? at[STEP_ASSIGN] : 0);
    store_bind_opt_id(st, 25, replied ? at[STEP_REPLY] : 0);
    store_bind_opt_id(st, 26, reached == STEP_CLOSE ? at[STEP_CLOSE] : 0);
    store_bind_opt_id(st, 27, replied && strcmp(reply_category, "B") == 0 ? at[STEP_REPLY] + 180 * DAY : 0);
    int64_t id = gen_insert(g, st);
    if (id < 0)
        return -1;
    g->n_suggestions++;
    /* 附议: co-signers of the same county, confirmed within days (their duty records follow) */
    int cosigners = gen_chance(g, 400) ? (int)gen_between(g, 1, 3) : 0;
    for (int i = 0; i < cosigners && at[STEP_SUBMIT]; i++) {
        const gen_township_t *w = d->township >= 0 ? &g->townships[d->township] : NULL;
        const gen_deputy_t *c = w && w->ndeputies > 1
                                    ? &g->deputies[w->first_deputy + (int)gen_below(g, (uint32_t)w->ndeputies)]
                                    : &g->deputies[gen_below(g, (uint32_t)g->ndeputies)];
        if (c->id == d->id)
            continue;
        st = store_prepare(g->db, "INSERT OR IGNORE INTO suggestion_cosigners (suggestion_id, deputy_id, state,"
                                  " invited_at, answered_at) VALUES ($1, $2, 'confirmed', $3, $4)");
        if (st == NULL)
            return -1;
        store_bind_int(st, 1, id);
        store_bind_int(st, 2, c->id);
        store_bind_int(st, 3, at[0]);
        store_bind_int(st, 4, at[STEP_SUBMIT]);
        if (gen_insert(g, st) < 0)
            return -1;
    }
    /* 交办: the lead unit, and a co-unit for some */
    for (int role = 0; assigned && role < (gen_chance(g, 250) ? 2 : 1); role++) {
        int64_t u = role == 0 ? unit : g->units[k->first_unit + (int)gen_below(g, (uint32_t)k->nunits)];
        if (role == 1 && u == unit)
            break;
        st = store_prepare(g->db, "INSERT INTO suggestion_units (suggestion_id, unit_id, role, state, created_at,"
                                  " updated_at) VALUES ($1, $2, $3, $4, $5, $6)");
        if (st == NULL)
            return -1;
        store_bind_int(st, 1, id);
        store_bind_int(st, 2, u);
        store_bind_text(st, 3, role == 0 ? "lead" : "co");
        store_bind_text(st, 4,
                        replied                 ? "replied"
                        : contested             ? "contested"
                        : reached >= STEP_START ? "handling"
                                                : "assigned");
        store_bind_int(st, 5, at[STEP_ASSIGN]);
        store_bind_int(st, 6, last_at);
        if (gen_insert(g, st) < 0)
            return -1;
    }
    const char *from = NULL;
    for (int s = 0; s <= reached; s++) {
        if (suggestion_event(g, id, at[s], path[s].actor, path[s].action, from, path[s].state) != 0)
            return -1;
        from = path[s].state;
    }
    if (sided || contested)
        return suggestion_event(
            g, id, sided ? at[STEP_SUBMIT] + 5 * DAY : at[STEP_ASSIGN] + DAY, sided ? "office" : "unit",
            sided ? (strcmp(side, "letter") == 0 ? "to_letter" : "return") : "contest", from, state);
    return 0;
}

int gen_suggestions(gen_t *g)
{
    numbering_t *numbers = calloc((size_t)g->n_congresses + 1, sizeof(*numbers));
    int nnumbers = 0;
    if (numbers == NULL)
        return -1;
    int rc = 0;
    for (int64_t i = 0; i < g->scale->suggestions && rc == 0; i++) {
        rc = one_suggestion(g, numbers, &nnumbers);
        gen_progress(g, "suggestions", i + 1, g->scale->suggestions);
    }
    /* the numbering counters stand at the last number given */
    for (int i = 0; i < nnumbers && rc == 0; i++)
        for (int s = 0; s < 2 && rc == 0; s++) {
            if (numbers[i].last[s] == 0)
                continue;
            store_stmt_t *st = store_prepare(g->db, "INSERT INTO suggestion_numbers (congress_id, session, last)"
                                                    " VALUES ($1, $2, $3)");
            if (st == NULL)
                rc = -1;
            else {
                store_bind_int(st, 1, numbers[i].congress);
                store_bind_text(st, 2, s == 0 ? "session" : "recess");
                store_bind_int(st, 3, numbers[i].last[s]);
                rc = gen_insert(g, st) < 0 ? -1 : 0;
            }
        }
    free(numbers);
    if (rc == 0)
        gen_progress_end(g, "suggestions", g->n_suggestions);
    return rc;
}

/* ---- reception days, group activities, visits ---- */

static int activity(gen_t *g, int64_t station, const char *region, const char *kind, const char *title, int64_t starts,
                    int capacity, const gen_township_t *w, int on_duty, bool reception)
{
    bool held = starts + 3 * 3600 < g->until;
    if (starts >= g->until)
        return 0;
    int visitors = held && reception ? (int)gen_below(g, 6) : 0;
    store_stmt_t *st = store_prepare(
        g->db, "INSERT INTO activities (station_id, region_code, kind, title, place, starts_at, ends_at, capacity,"
               " state, visitors, summary, recorded_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
               " $8, $9, $10, $11, $12, $13, $13)");
    if (st == NULL)
        return -1;
    store_bind_int(st, 1, station);
    store_bind_text(st, 2, region);
    store_bind_text(st, 3, kind);
    store_bind_text(st, 4, title);
    store_bind_text(st, 5, reception ? "联络站接待室" : "联络站会议室");
    store_bind_int(st, 6, starts);
    store_bind_int(st, 7, starts + 150 * 60);
    store_bind_int(st, 8, capacity);
    store_bind_text(st, 9, held ? "held" : "announced");
    if (held)
        store_bind_int(st, 10, visitors);
    else
        store_bind_null(st, 10);
    store_bind_text(
        st, 11,
        held ? (reception ? "接待来访群众，现场解答政策咨询，收集意见建议。" : "围绕主题开展活动，形成意见建议。")
             : NULL);
    store_bind_opt_id(st, 12, held ? starts + 4 * 3600 : 0);
    store_bind_int(st, 13, starts - 14 * DAY);
    int64_t id = gen_insert(g, st);
    if (id < 0)
        return -1;
    g->n_activities++;
    for (int v = 0; v < visitors; v++) {
        char topic[512];
        gen_opinion_text(g, (int)gen_below(g, 10), w->name, topic, sizeof(topic));
        st = store_prepare(g->db, "INSERT INTO visits (activity_id, station_id, region_code, topic, received_by,"
                                  " created_at) VALUES ($1, $2, $3, $4, '值班代表', $5)");
        if (st == NULL)
            return -1;
        store_bind_int(st, 1, id);
        store_bind_int(st, 2, station);
        store_bind_text(st, 3, region);
        store_bind_textn(st, 4, topic, strlen(topic) > 90 ? 90 : strlen(topic)); /* whole characters: 3 bytes each */
        store_bind_int(st, 5, starts + gen_between(g, 300, 140 * 60));
        if (gen_insert(g, st) < 0)
            return -1;
        g->n_visits++;
    }
    /* who was on duty, filed with the record (the triggers write their duty records) */
    int64_t last = 0;
    for (int i = 0; i < on_duty && w->ndeputies; i++) {
        int64_t dep =
            g->deputies[w->first_deputy + (reception ? (int)gen_below(g, (uint32_t)w->ndeputies) : i % w->ndeputies)]
                .id;
        if (dep == last)
            continue;
        st = store_prepare(g->db, "INSERT OR IGNORE INTO activity_deputies (activity_id, deputy_id, attended)"
                                  " VALUES ($1, $2, $3)");
        if (st == NULL)
            return -1;
        store_bind_int(st, 1, id);
        store_bind_int(st, 2, dep);
        if (held)
            store_bind_int(st, 3, gen_chance(g, 900));
        else
            store_bind_null(st, 3);
        if (gen_insert(g, st) < 0)
            return -1;
        last = dep;
    }
    return 0;
}

int gen_receptions(gen_t *g)
{
    for (int t = 0; t < g->ntownships; t++) {
        const gen_township_t *w = &g->townships[t];
        for (int m = 0; m < 12; m++) { /* 接待日 around the 15th of each month, 09:00 Beijing */
            int64_t day = g->start + (int64_t)m * 30 * DAY + 14 * DAY + gen_between(g, -2, 2) * DAY;
            if (activity(g, w->hub, w->code, "reception", "接待日", day + 3600, 20, w, 3, true) != 0)
                return -1;
        }
        for (int q = 0; q < 4; q++) { /* a group activity each quarter, with the group's county deputies */
            static const char *const themes[] = {"代表小组活动：视察农村人居环境整治", "代表小组活动：调研养老服务",
                                                 "代表小组活动：听取政府工作情况通报", "代表小组活动：学习培训"};
            int64_t day = g->start + (int64_t)q * 91 * DAY + gen_between(g, 20, 70) * DAY;
            if (activity(g, w->hub, w->code, "group", themes[q], day + 6 * 3600, 0, w,
                         w->ndeputies < 13 ? w->ndeputies : 13, false) != 0)
                return -1;
        }
        gen_progress(g, "receptions", t + 1, g->ntownships);
    }
    gen_progress_end(g, "receptions", g->ntownships);
    return 0;
}

/* ---- duty records ---- */

static int64_t count(gen_t *g, const char *sql)
{
    store_stmt_t *st = store_prepare(g->db, sql);
    if (st == NULL)
        return -1;
    int64_t n = store_step(st) == STORE_ROW ? store_col_int(st, 0) : -1;
    store_done(st);
    return n;
}

int gen_duty_records(gen_t *g)
{
    static const struct {
        const char *kind;
        const char *titles[3];
    } typed[] = {
        {"training", {"参加代表履职学习培训班", "参加新任代表培训", "参加人大代表专题讲座"}},
        {"observe", {"列席人大常委会会议", "列席常委会专题询问", "列席常委会审议预算调整"}},
        {"inspection", {"参加农村公路建设视察", "参加食品安全执法检查", "调研基层医疗服务"}},
        {"visit", {"走访困难群众", "入户听取选民意见", "走访辖区企业"}},
        {"help", {"协调修缮村道", "帮助解决农产品销售", "协调安装路灯"}},
        {"report", {"向原选区选民述职", "向选民报告履职情况", "述职评议会"}},
    };
    /* the records the triggers wrote count first; typed ones fill the rest */
    int64_t have = count(g, "SELECT count(*) FROM duty_records"), want = g->scale->duty_records;
    for (int64_t made = have; made < want;) {
        const gen_deputy_t *d = &g->deputies[gen_below(g, (uint32_t)g->ndeputies)];
        int k = (int)gen_below(g, GEN_COUNT(typed));
        int64_t day = g->start + gen_between(g, 0, 364) * DAY;
        char happened[11];
        time_t beijing = (time_t)(day + 8 * 3600);
        struct tm tm;
        gmtime_r(&beijing, &tm);
        strftime(happened, sizeof(happened), "%Y-%m-%d", &tm);
        int r = (int)gen_below(g, 1000);
        const char *state = r < 850 ? "confirmed" : r < 950 ? "pending" : "rejected";
        int64_t typed_at = day + 12 * 3600, confirmed_at = typed_at + gen_between(g, 3600, 7 * DAY);
        if (confirmed_at >= g->until)
            state = "pending";
        store_stmt_t *st = store_prepare(
            g->db, "INSERT OR IGNORE INTO duty_records (deputy_id, region_code, kind, title, body, happened_on, state,"
                   " reason, confirmed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
                   " $11)");
        if (st == NULL)
            return -1;
        store_bind_int(st, 1, d->id);
        store_bind_text(st, 2, d->region);
        store_bind_text(st, 3, typed[k].kind);
        store_bind_text(st, 4, typed[k].titles[gen_below(g, 3)]);
        store_bind_text(st, 5, "按要求参加，记录在案。");
        store_bind_text(st, 6, happened);
        store_bind_text(st, 7, state);
        store_bind_text(st, 8, strcmp(state, "rejected") == 0 ? "缺少活动照片，请补充后重新提交。" : NULL);
        store_bind_opt_id(st, 9, strcmp(state, "pending") == 0 ? 0 : confirmed_at);
        store_bind_int(st, 10, typed_at);
        store_bind_int(st, 11, strcmp(state, "pending") == 0 ? typed_at : confirmed_at);
        if (store_run(st) != STORE_OK)
            return -1;
        int changed = store_changes(g->db);
        made += changed;
        g->rows += changed;
        gen_progress(g, "duty records", made, want);
    }
    /* The triggers date what they write by the event (confirmed_at; an activity's attendance: the
     * clock) and stamp created_at with the clock. The server writes them when the event happens -
     * an activity's when its record is filed - so the event's time stands for all three. */
    if (store_exec(g->db, "UPDATE duty_records SET confirmed_at = (SELECT a.recorded_at FROM activities a"
                          " WHERE a.id = duty_records.source_id) WHERE source = 'activity'") != STORE_OK ||
        store_exec(g->db, "UPDATE duty_records SET created_at = confirmed_at, updated_at = confirmed_at"
                          " WHERE source <> 'manual'") != STORE_OK)
        return -1;
    g->n_duty_records = count(g, "SELECT count(*) FROM duty_records");
    gen_progress_end(g, "duty records", g->n_duty_records);
    return g->n_duty_records < 0 ? -1 : 0;
}
