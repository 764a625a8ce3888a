/*
 * demo_suggestions: the deputy suggestions `liaison demo` leaves, so the deputy's inbox, the
 * office's board, the unit's workspace, the supervision lists and the public page of replies have
 * something to show: eight suggestions of the demo deputy to the county congress, one in each
 * stage from draft to closed, carried there by the same steps the people involved take (only the
 * times are set in the past).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/suggestion_common.h"
#include "cli/demo.h"
#include "core/calendar.h"
#include "store/registry.h"

enum { DAY = 86400 };

/* How far each suggestion goes. */
typedef enum {
    TO_DRAFT,
    TO_SUBMITTED,
    TO_ACCEPTED,
    TO_ASSIGNED,
    TO_HANDLING,
    TO_REPLIED_B,
    TO_REOPENED,
    TO_CLOSED
} goal_t;

static const struct {
    const char *title, *content;
    goal_t goal;
} suggestions[] = {
    {"关于增设农村公交线路的建议", "部分行政村距最近公交站点超过三公里，老人和学生出行不便，建议增设镇村公交线路。",
     TO_DRAFT},
    {"关于加强校园周边交通安全管理的建议", "上下学高峰时段校门口车辆拥堵，建议增设护学岗和临时停车区。", TO_SUBMITTED},
    {"关于推进老旧小区加装电梯的建议", "老旧小区老年住户多，加装电梯意愿强烈，建议简化审批并加大补贴。", TO_ACCEPTED},
    {"关于完善农贸市场配套设施的建议", "农贸市场排水不畅、公共厕所缺乏，建议统一规划改造。", TO_ASSIGNED},
    {"关于加快城区雨污分流改造的建议", "城区部分路段雨天积水严重，建议加快雨污分流管网改造。", TO_HANDLING},
    {"关于建设社区嵌入式养老服务中心的建议", "社区养老服务设施不足，建议利用闲置用房建设嵌入式养老服务中心。",
     TO_REPLIED_B},
    {"关于整治建筑工地夜间施工噪音的建议", "多个工地夜间施工扰民，建议严格夜间施工审批并加强巡查。", TO_REOPENED},
    {"关于修缮村级机耕道路的建议", "机耕路坑洼严重，农忙时农机通行困难，建议纳入年度修缮计划。", TO_CLOSED},
};

static int walk(store_t *db, int64_t id, goal_t goal, int64_t unit, int64_t co_unit, int64_t at)
{
    api_suggestion_step_args_t deputy = {.actor = "deputy"}, office = {.actor = "admin"};
    api_suggestion_step_args_t assign = {.actor = "admin", .lead_unit_id = unit, .co_unit_id = co_unit};
    api_suggestion_step_args_t by_unit = {.actor = "unit", .unit_id = unit};
    api_suggestion_step_args_t reply = {.actor = "unit",
                                        .unit_id = unit,
                                        .category = REPLY_A,
                                        .type = "solve",
                                        .signed_by = "张局长",
                                        .consent = true,
                                        .text = "已将该项目列入年度计划并完成施工，群众反映良好。"};
    int rc = STORE_OK;
    if (goal >= TO_SUBMITTED)
        rc = api_suggestion_system_step(db, id, SUGGESTION_SUBMIT, &deputy, at + DAY);
    if (rc == STORE_OK && goal >= TO_ACCEPTED)
        rc = api_suggestion_system_step(db, id, SUGGESTION_ACCEPT, &office, at + 2 * DAY);
    if (rc == STORE_OK && goal >= TO_ASSIGNED)
        rc = api_suggestion_system_step(db, id, SUGGESTION_ASSIGN, &assign, at + 3 * DAY);
    if (rc == STORE_OK && goal >= TO_HANDLING)
        rc = api_suggestion_system_step(db, id, SUGGESTION_START, &by_unit, at + 4 * DAY);
    if (rc == STORE_OK && goal == TO_REPLIED_B) {
        reply.category = REPLY_B;
        reply.text = "已列入明年民生实事项目，预计年底前建成投用。";
        reply.commitment_at = calendar_day_end(calendar_day_of(at) + 200);
    }
    if (rc == STORE_OK && goal >= TO_REPLIED_B)
        rc = api_suggestion_system_step(db, id, SUGGESTION_REPLY, &reply, at + 20 * DAY);
    if (rc == STORE_OK && goal >= TO_REOPENED) {
        deputy.rating = goal == TO_REOPENED ? SUGGESTION_UNSATISFIED : SUGGESTION_SATISFIED;
        rc = api_suggestion_system_step(db, id, SUGGESTION_EVALUATE, &deputy, at + 25 * DAY);
    }
    if (rc == STORE_OK && goal == TO_CLOSED)
        rc = api_suggestion_system_step(db, id, SUGGESTION_RATE_RESULT, &deputy, at + 26 * DAY);
    return rc;
}

int demo_suggestions(store_t *db, int64_t congress, int64_t deputy, int64_t unit)
{
    char region[13], co_region[13];
    if (store_registry_region(db, registry_entity("congress"), congress, region) != STORE_OK)
        return -1;
    /* the co-unit: the department registered after the lead unit, when it is of the same county */
    int64_t co_unit = unit + 1;
    if (store_registry_region(db, registry_entity("unit"), co_unit, co_region) != STORE_OK ||
        strncmp(co_region, region, 6) != 0)
        co_unit = 0;
    int64_t now = time(NULL);
    for (size_t i = 0; i < DEMO_COUNT(suggestions); i++) {
        int64_t at = now - (int64_t)(60 - 5 * i) * DAY, id;
        api_suggestion_draft_args_t draft = {.actor = "deputy",
                                             .title = suggestions[i].title,
                                             .content = suggestions[i].content,
                                             .region = region,
                                             .session = i % 3 ? "recess" : "session",
                                             .deputy_id = deputy,
                                             .congress_id = congress,
                                             .consent = true};
        if (api_suggestion_system_create(db, &draft, at, &id) != STORE_OK ||
            walk(db, id, suggestions[i].goal, unit, co_unit, at) != STORE_OK)
            return -1;
    }
    return 0;
}
