/*
 * demo_ballots: the secret ballots `liaison demo` leaves (SPEC §7, 票决), made by the same writes
 * the office and the deputies make (only the times are set in the past): last month's 差额票决 of
 * the departments whose work the congress evaluates - ten of the county's first twenty units,
 * counted and published - an open ballot on this year's 民生实事项目 (at most five of ten) in which
 * the demo deputy has still to vote, and a draft.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/ballot_common.h"
#include "cli/demo.h"
#include "store/registry.h"

enum { DAY = 86400, DEPARTMENTS = 20, DEPARTMENTS_CHOSEN = 10, VOTERS_MAX = 1000 };

static const struct {
    const char *name, *description;
} projects[] = {
    {"城区老旧小区改造", "改造12个老旧小区的供水、排水和道路，加装电梯30部。"},
    {"农村公路提档升级", "新改建农村公路80公里，实施危桥改造15座。"},
    {"中小学校舍改扩建", "新建县城东部小学一所，改造乡镇学校食堂8个。"},
    {"社区嵌入式养老服务", "新建社区养老服务中心10个、助餐点30个。"},
    {"农贸市场标准化改造", "改造农贸市场6个，完善排水、公厕和冷链设施。"},
    {"城乡供水一体化", "铺设区域供水管网120公里，解决偏远村组用水。"},
    {"沿海防护林建设", "新建沿海防护林带2000亩，修复受损海堤5公里。"},
    {"基层医疗机构提升", "改造乡镇卫生院5所，配置村卫生室远程诊疗设备。"},
    {"公共文化设施完善", "新建城市书房10个、村级文化广场20个。"},
    {"城区停车设施建设", "新增公共停车泊位3000个，建设智慧停车平台。"},
};

typedef struct {
    store_candidate_t list[DEPARTMENTS];
    char names[DEPARTMENTS][128];
    int n;
} departments_t;

static int department(const store_registry_row_t *row, void *arg)
{
    departments_t *d = arg;
    int name = registry_field_index(registry_entity("unit"), "name");
    snprintf(d->names[d->n], sizeof(d->names[d->n]), "%s", row->values[name].text ? row->values[name].text : "");
    d->list[d->n] = (store_candidate_t){.name = d->names[d->n], .description = "2025年度工作评议对象候选单位"};
    return ++d->n == DEPARTMENTS;
}

typedef struct {
    int64_t ids[VOTERS_MAX];
    int n;
} voters_t;

static int voter(int64_t deputy_id, void *arg)
{
    voters_t *v = arg;
    if (v->n < VOTERS_MAX)
        v->ids[v->n++] = deputy_id;
    return 0;
}

static int candidate_id(const store_candidate_t *c, void *arg)
{
    ((int64_t *)arg)[c->position - 1] = c->id;
    return 0;
}

/* Nine in ten of the electorate vote; each marks ten departments, the earlier ones more often. */
static int vote_departments(store_t *db, const vault_t *vault, int64_t ballot, int64_t at)
{
    voters_t *v = calloc(1, sizeof(*v));
    int64_t candidates[DEPARTMENTS] = {0};
    int rc = v ? store_ballot_voters_each(db, ballot, voter, v) : STORE_ERR;
    if (rc == STORE_OK)
        rc = store_ballot_candidates_each(db, ballot, candidate_id, candidates);
    unsigned seed = 20250;
    for (int i = 0; rc == STORE_OK && v && i < v->n; i++) {
        if (i % 10 == 9)
            continue;
        int64_t choices[DEPARTMENTS_CHOSEN];
        bool taken[DEPARTMENTS] = {false};
        int n = 0;
        while (n < DEPARTMENTS_CHOSEN) {
            seed = seed * 1103515245u + 12345u;
            unsigned pick = (seed >> 16) % DEPARTMENTS;
            pick = pick * pick / DEPARTMENTS; /* lean towards the first */
            if (!taken[pick]) {
                taken[pick] = true;
                choices[n++] = candidates[pick];
            }
        }
        rc = api_ballot_system_vote(db, vault, ballot, v->ids[i], choices, n, at + i, NULL);
    }
    free(v);
    return rc;
}

int demo_ballots(store_t *db, const vault_t *vault, int64_t congress)
{
    char region[13], hi[14];
    int64_t now = time(NULL), id;
    departments_t *units = calloc(1, sizeof(*units));
    int rc = units ? store_registry_region(db, registry_entity("congress"), congress, region) : STORE_ERR;
    if (rc == STORE_OK) {
        region_subtree_upper(region, hi);
        store_registry_filter_t f = {.lo = region, .hi = hi, .limit = DEPARTMENTS};
        rc = store_registry_each(db, registry_entity("unit"), &f, department, units);
    }
    /* last month's evaluation: voted, counted and published */
    api_ballot_args_t evaluation = {.congress_id = congress,
                                    .kind = BALLOT_DEPARTMENT,
                                    .rule = BALLOT_EXACTLY,
                                    .choose = DEPARTMENTS_CHOSEN,
                                    .title = "2025年度县政府组成部门工作评议对象差额票决",
                                    .description = "从20个候选单位中差额票决产生10个年度工作评议对象。",
                                    .candidates = units ? units->list : NULL,
                                    .ncandidates = units ? units->n : 0,
                                    .opens_at = now - 35 * DAY,
                                    .closes_at = now - 30 * DAY};
    if (rc == STORE_OK && units->n < DEPARTMENTS_CHOSEN + 1)
        rc = STORE_ENOTFOUND;
    if (rc == STORE_OK)
        rc = api_ballot_system_create(db, &evaluation, now - 40 * DAY, &id);
    if (rc == STORE_OK)
        rc = api_ballot_system_step(db, id, BALLOT_STEP_OPEN, now - 35 * DAY);
    if (rc == STORE_OK)
        rc = vote_departments(db, vault, id, now - 34 * DAY);
    api_who_t office = {.actor = "admin"};
    if (rc == STORE_OK)
        rc = api_ballot_close_in(db, id, &office, now - 30 * DAY);
    if (rc == STORE_OK)
        rc = api_ballot_system_step(db, id, BALLOT_STEP_PUBLISH, now - 29 * DAY);
    free(units);
    /* this year's livelihood projects: open now, for two weeks */
    store_candidate_t list[DEMO_COUNT(projects)];
    for (size_t i = 0; i < DEMO_COUNT(projects); i++)
        list[i] = (store_candidate_t){.name = projects[i].name, .description = projects[i].description};
    api_ballot_args_t livelihood = {.congress_id = congress,
                                    .kind = BALLOT_PROJECT,
                                    .rule = BALLOT_AT_MOST,
                                    .choose = 5,
                                    .title = "2026年度民生实事项目票决",
                                    .description = "从10个候选项目中票决产生不超过5个年度民生实事项目。",
                                    .candidates = list,
                                    .ncandidates = (int)DEMO_COUNT(projects),
                                    .opens_at = now - DAY,
                                    .closes_at = now + 14 * DAY};
    if (rc == STORE_OK)
        rc = api_ballot_system_create(db, &livelihood, now - 2 * DAY, &id);
    if (rc == STORE_OK)
        rc = api_ballot_system_step(db, id, BALLOT_STEP_OPEN, now - DAY);
    /* next year's, still a draft */
    livelihood.title = "2027年度民生实事项目票决（草稿）";
    livelihood.opens_at = now + 300 * DAY;
    livelihood.closes_at = now + 310 * DAY;
    if (rc == STORE_OK)
        rc = api_ballot_system_create(db, &livelihood, now, &id);
    return rc == STORE_OK ? 0 : -1;
}
