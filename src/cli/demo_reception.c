/*
 * demo_reception: the reception days `liaison demo` leaves at the demo staff's liaison station
 * (SPEC §4), so the public calendar, the 接待日公示表, the desk and the compliance lists have
 * something to show: a weekly reception day with two deputies on duty, announced eight weeks
 * ahead; a 视察 next week; two bookings of the next reception day; and last month's reception day,
 * held, with its record, one deputy absent and one visitor received; and the county's campaign
 * 代表"三进" with a task for each deputy on duty, counting the two activities tagged to it. The
 * phone numbers are of the reserved 139 0000 xxxx range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/activity_common.h"
#include "auth/vault.h"
#include "cli/demo.h"
#include "store/calendar.h"
#include "store/campaigns.h"
#include "store/registry.h"

enum { DAY_S = 86400 };

typedef struct {
    int64_t ids[2];
    int n;
} two_deputies_t;

static int take_deputy(const store_registry_row_t *row, void *arg)
{
    two_deputies_t *t = arg;
    t->ids[t->n++] = row->id;
    return t->n == 2;
}

/* The start of the Beijing day of t, in UTC seconds. */
static int64_t beijing_midnight(int64_t t)
{
    return calendar_day_start(calendar_day_of(t));
}

static int first_activity(const store_activity_t *a, void *arg)
{
    *(int64_t *)arg = a->id;
    return 1;
}

/* A confirmed booking of activity by a constituent of the demo. */
static int book(store_t *db, const vault_t *vault, int64_t activity, const char *code, const char *phone,
                const char *name, const char *topic, int64_t now)
{
    store_booking_t b = {.activity_id = activity, .topic = (char *)topic, .created_at = now};
    snprintf(b.code, sizeof(b.code), "%s", code);
    snprintf(b.phone4, sizeof(b.phone4), "%s", phone + 7);
    if (vault) {
        vault_lookup_hash(vault, phone, strlen(phone), b.phone_hash);
        b.phone_sealed = vault_seal(vault, phone, strlen(phone));
        b.name_sealed = vault_seal(vault, name, strlen(name));
    } else {
        snprintf(b.phone_hash, sizeof(b.phone_hash), "demo-%s", phone);
        b.phone_sealed = strdup("");
    }
    int64_t id;
    int rc = store_booking_insert(db, &b, &id);
    if (rc == STORE_OK)
        rc = store_activity_seat(db, activity, 1, now);
    free(b.phone_sealed);
    free(b.name_sealed);
    return rc;
}

/* 代表"三进" (进企业、进社区、进村) of the county, from two months ago to two months ahead: each
 * deputy on duty is to take part in two activities, and the activities given count towards it. */
static int campaign(store_t *db, const char *region, const two_deputies_t *duty, const int64_t *activities, int n,
                    int64_t now)
{
    store_campaign_t c = {.created_at = now, .updated_at = now};
    snprintf(c.region, sizeof(c.region), "%.6s000000", region);
    snprintf(c.theme, sizeof(c.theme), "%s", "代表\"三进\"");
    snprintf(c.title, sizeof(c.title), "%s", "2026年度代表“三进”主题活动");
    snprintf(c.description, sizeof(c.description), "%s", "组织代表深入企业、社区、村组，听取群众意见建议，帮助解决急难愁盼问题。");
    calendar_day_t first = calendar_day_of(now) - 60, last = calendar_day_of(now) + 60;
    calendar_format_date(first, c.starts_on);
    calendar_format_date(last, c.ends_on);
    c.starts_at = calendar_day_start(first);
    c.ends_at = calendar_day_end(last);
    char codes[1][13];
    snprintf(codes[0], sizeof(codes[0]), "%s", c.region);
    store_campaign_task_t tasks[2];
    for (int i = 0; i < duty->n; i++)
        tasks[i] = (store_campaign_task_t){.deputy_id = duty->ids[i], .title = "进社区接待群众", .counts = "activity",
                                           .target = 2};
    int rc = store_campaign_insert(db, &c, &c.id);
    if (rc == STORE_OK)
        rc = store_campaign_set_regions(db, c.id, codes, 1);
    if (rc == STORE_OK)
        rc = store_campaign_set_deputies(db, c.id, duty->ids, duty->n);
    if (rc == STORE_OK)
        rc = store_campaign_set_tasks(db, c.id, tasks, duty->n);
    for (int i = 0; i < n && rc == STORE_OK; i++)
        rc = store_campaign_tag(db, c.id, "activity", activities[i], 0, now);
    return rc;
}

/* Last month's reception day: held, recorded, one deputy absent, one visitor received. */
static int last_month(store_t *db, int64_t station, const char *region, const two_deputies_t *duty, int64_t now,
                      int64_t *held)
{
    store_activity_t a = {
        .station_id = station, .kind = "reception", .title = "接待日", .place = "联络站接待室",
        .starts_at = beijing_midnight(now) - 30 * DAY_S + 9 * 3600, .capacity = 10,
        .state = ACTIVITY_HELD, .visitors = 6,
        .summary = "群众反映老旧小区路灯损坏、菜市场周边停车难等问题，已登记转交办理。",
    };
    a.ends_at = a.starts_at + 9000;
    a.recorded_at = a.ends_at;
    snprintf(a.region, sizeof(a.region), "%s", region);
    int rc = store_activity_insert(db, &a, now, &a.id);
    if (rc == STORE_OK)
        rc = store_activity_save(db, &a, now);
    if (rc == STORE_OK)
        rc = store_activity_deputies_set(db, a.id, duty->ids, (size_t)duty->n);
    if (rc == STORE_OK)
        rc = store_activity_attendance(db, a.id, duty->ids, duty->n > 1 ? 1 : (size_t)duty->n);
    store_visit_t v = {
        .activity_id = a.id, .station_id = station, .created_at = a.starts_at + 1800,
        .topic = "小区路灯损坏，晚上出行不便", .received_by = "接待代表、联络员",
    };
    snprintf(v.region, sizeof(v.region), "%s", region);
    int64_t visit;
    *held = a.id;
    return rc ? rc : store_visit_insert(db, &v, &visit);
}

int demo_reception(store_t *db, const vault_t *vault, int64_t station)
{
    int64_t now = time(NULL);
    char region[13];
    int rc = store_registry_region(db, registry_entity("station"), station, region);
    two_deputies_t duty = {{0, 0}, 0};
    store_registry_filter_t f = {.station_id = station, .limit = 2};
    if (rc == STORE_OK)
        rc = store_registry_each(db, registry_entity("deputy"), &f, take_deputy, &duty);
    store_rule_t rule = {.station_id = station, .place = "联络站接待室", .capacity = 10};
    snprintf(rule.region, sizeof(rule.region), "%s", region);
    snprintf(rule.rule, sizeof(rule.rule), "%s", "weekly TUE 09:00-11:30");
    if (rc == STORE_OK)
        rc = store_rule_insert(db, &rule, now, &rule.id);
    if (rc == STORE_OK)
        rc = store_rule_roster_set(db, rule.id, duty.ids, (size_t)duty.n);
    api_clash_t clash;
    calendar_t cal;
    calendar_init(&cal);
    if (rc == STORE_OK && (rc = store_calendar_load(db, &cal)) == STORE_OK)
        rc = api_rule_announce(db, &cal, &rule, now, true, &clash);
    calendar_free(&cal);
    int64_t next = 0;
    store_activity_filter_t upcoming = {.rule_id = rule.id, .from = now};
    if (rc == STORE_OK)
        rc = store_activities_each(db, &upcoming, first_activity, &next);
    if (rc == STORE_OK && next)
        rc = book(db, vault, next, "DEMACAAA", "13900002001", "陈秀英", "小区加装电梯补贴政策咨询", now);
    if (rc == STORE_OK && next)
        rc = book(db, vault, next, "DEMACCCC", "13900002002", "周建国", "村口道路缺少减速带", now);
    /* a 视察 next Thursday afternoon, not booked online */
    store_activity_t visit = {
        .station_id = station, .kind = "inspection", .title = "视察城区老旧小区改造", .place = "掘港街道青园社区",
        .description = "代表视察老旧小区加装电梯和雨污分流改造进展。", .capacity = 0,
        .starts_at = beijing_midnight(now) + 7 * DAY_S + 14 * 3600, /* a week on, 14:00 */
    };
    visit.ends_at = visit.starts_at + 3 * 3600;
    snprintf(visit.region, sizeof(visit.region), "%s", region);
    if (rc == STORE_OK)
        rc = store_activity_insert(db, &visit, now, &visit.id);
    if (rc == STORE_OK)
        rc = store_activity_deputies_set(db, visit.id, duty.ids, (size_t)duty.n);
    int64_t tagged[2] = {visit.id, 0};
    if (rc == STORE_OK)
        rc = last_month(db, station, region, &duty, now, &tagged[1]);
    return rc == STORE_OK ? campaign(db, region, &duty, tagged, 2, now) : rc;
}
