/*
 * demo_opinions: the opinions `liaison demo` leaves at the demo staff's liaison station, so the
 * inbox, the record books and the figures have something to show: thirty messages of the last
 * ten weeks in every state of the loop, carried there by the same steps staff take (the events
 * and deadlines are real; only the times are set in the past). Names are generated; the phone
 * numbers are of the reserved 139 0000 xxxx range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/opinion_common.h"
#include "auth/vault.h"
#include "cli/demo.h"

static const struct {
    const char *category, *channel, *content;
} messages[] = {
    {"traffic", "online", "人民路与青园路交叉口红绿灯时间太短，老人过马路来不及，希望延长绿灯时间。"},
    {"urban", "walk_in", "小区门口的路灯坏了半个多月，晚上出行很不安全，请尽快维修。"},
    {"education", "qr", "希望在学校门口增设上下学时段的交通协管员，孩子过马路太危险。"},
    {"environment", "phone", "河边垃圾清运不及时，夏天气味很大，希望增加清运次数。"},
    {"health", "online", "社区卫生服务站周末不开门，老人看病取药不方便，希望周末安排值班。"},
    {"social", "visit", "独居老人多，希望社区定期上门走访，帮助解决生活困难。"},
    {"rural", "walk_in", "村里机耕路坑洼严重，农忙时农机进出困难，希望修缮。"},
    {"business", "online", "个体工商户办理经营许可要跑多个窗口，希望推行一窗通办。"},
    {"safety", "phone", "夜市周边电动车乱停放，消防通道被占，存在安全隐患。"},
    {"traffic", "qr", "公交站台没有遮雨棚，下雨天等车的老人和孩子只能淋雨。"},
    {"urban", "letter", "老旧小区加装电梯的补贴政策不清楚，希望社区组织宣讲。"},
    {"environment", "online", "工地夜间施工噪音扰民，晚上十点以后还在作业。"},
    {"education", "walk_in", "幼儿园学位紧张，希望在新建小区配套建设幼儿园。"},
    {"health", "qr", "希望在菜市场附近设置公共卫生间，现在最近的要走很远。"},
    {"traffic", "visit", "村口道路没有减速带，车速太快，已经发生过几次险情。"},
};

static const char *const names[] = {"陈秀英", "周建国", "吴海燕", "郑志强", "孙丽华", "钱文斌"};

/* Sends one message as the constituent would, at time `at`. */
static int64_t send_message(store_t *db, const vault_t *vault, int i, int64_t station, int64_t at)
{
    store_opinion_t o = {0};
    snprintf(o.channel, sizeof(o.channel), "%s", messages[i % DEMO_COUNT(messages)].channel);
    o.station_id = station;
    snprintf(o.region, sizeof(o.region), "%s", "320623001000"); /* 掘港街道 */
    o.content = (char *)messages[i % DEMO_COUNT(messages)].content;
    o.location = "";
    if (store_category_id(db, messages[i % DEMO_COUNT(messages)].category, &o.category_id) != STORE_OK)
        return -1;
    char phone[16];
    snprintf(phone, sizeof(phone), "1390000%04u", (unsigned)(1000 + i) % 10000u);
    if (vault) {
        const char *name = names[i % DEMO_COUNT(names)];
        char hash[VAULT_HASH_HEX + 1];
        vault_lookup_hash(vault, phone, strlen(phone), hash);
        snprintf(o.phone_hash, sizeof(o.phone_hash), "%s", hash);
        snprintf(o.phone4, sizeof(o.phone4), "%s", phone + 7);
        o.phone_sealed = vault_seal(vault, phone, strlen(phone));
        o.name_sealed = vault_seal(vault, name, strlen(name));
    }
    /* a readable code: DEMO plus the number, so a visitor can try tracking one */
    snprintf(o.tracking_code, sizeof(o.tracking_code), "DEMA%04u", (unsigned)(3000 + i * 7) % 10000u);
    for (char *p = o.tracking_code + 4; *p; p++)
        *p = opinion_code_alphabet[(size_t)(*p - '0') % opinion_code_alphabet_size()];
    o.created_at = at;
    int64_t id = -1;
    int rc = api_opinion_deadlines(db, at, 2, 15, &o.triage_due, &o.answer_due);
    if (rc == STORE_OK)
        rc = store_opinion_insert(db, &o, &id);
    store_opinion_event_t e = {.opinion_id = id, .at = at, .actor = "constituent", .action = "register",
                               .to_state = "registered"};
    if (rc == STORE_OK)
        rc = store_opinion_event_add(db, &e);
    free(o.phone_sealed);
    free(o.name_sealed);
    return rc == STORE_OK ? id : -1;
}

int demo_opinions(store_t *db, const vault_t *vault, int64_t station, int64_t unit)
{
    static const opinion_rating_t ratings[] = {RATING_SATISFIED, RATING_BASIC, RATING_SATISFIED, RATING_UNSATISFIED};
    int64_t now = time(NULL);
    int64_t first = 0;
    for (int i = 0; i < 30; i++) {
        int64_t at = now - (int64_t)(70 - i * 2) * 86400 - 3600 * (i % 9); /* every step in the past */
        int64_t id = send_message(db, vault, i, station, at);
        if (id < 0)
            return -1;
        if (i == 0)
            first = id;
        int stage = i % 6; /* 0 waits for triage (the oldest are overdue) ... 5 is rated */
        api_opinion_step_args_t staff = {.actor = "staff"};
        int rc = STORE_OK;
        if (stage >= 1)
            rc = api_opinion_system_step(db, id, OPINION_TRIAGE, &staff, at + 3600);
        if (rc == STORE_OK && stage >= 2) {
            api_opinion_step_args_t refer = {.actor = "staff", .unit_id = unit, .days = 10, .text = "请核实并答复"};
            rc = api_opinion_system_step(db, id, OPINION_REFER, &refer, at + 7200);
        }
        if (rc == STORE_OK && stage >= 3) {
            api_opinion_step_args_t answer = {.actor = "staff",
                                          .text = "已转交承办单位现场核实，问题已列入整改计划，将于近期完成。"};
            rc = api_opinion_system_step(db, id, OPINION_ANSWER, &answer, at + 5 * 86400);
        }
        if (rc == STORE_OK && stage >= 4) {
            api_opinion_step_args_t rate = {.actor = "constituent", .rating = ratings[i % 4]};
            rc = api_opinion_system_step(db, id, OPINION_RATE, &rate, at + 7 * 86400);
        }
        if (rc != STORE_OK)
            return -1;
    }
    store_opinion_t o = {0};
    if (vault && store_opinion_get(db, first, &o) == STORE_OK) /* something to try the tracking page with */
        printf("demo opinions: 30; follow one at /track.html with the code %s and the phone digits %s\n",
               o.tracking_code, o.phone4);
    store_opinion_free(&o);
    return 0;
}
