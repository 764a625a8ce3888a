/*
 * campaigns: 主题活动 (SPEC §4a) through the HTTP API, as the office that runs one, the station
 * staff who tag what counts, and the public following its progress - creating a campaign with
 * tasks per deputy and per group, tagging activities, visits and opinions inside its regions and
 * period (and being refused outside them), the progress each tag adds, scopes between counties,
 * and a public view without personal data.
 *
 * One server serves every test; each test makes its own campaign, so counts are its own.
 * Activities and visits are made through their API when the server has it, else written behind
 * it with SQL (the rows the API would write).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define DAY 86400LL

static server_t srv;
static client_t admin, staff, rugao;
static long long station;      /* the demo staff's station */
static char township[13];      /* the demo staff's street, where the campaigns run */
static char other_township[13]; /* another street of the county */
static long long deputy;       /* the demo deputy account's deputy */
static long long group_id;     /* that deputy's group */
static long long group_mate;   /* another deputy of that group */
static long long foreign_deputy;

/* ---- helpers ---- */

static void query_text(char *out, size_t len, const char *fmt, ...)
{
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    out[0] = '\0';
    if (db_query(&srv, sql, out, len) != 0)
        fail_msg("query failed: %s", sql);
}

static long long query_ll(const char *fmt, ...)
{
    char sql[2048], out[64] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    if (db_query(&srv, sql, out, sizeof(out)) != 0)
        fail_msg("query failed: %s", sql);
    return atoll(out);
}

/* Changes the running server's database, waiting for its writer rather than failing on a lock. */
static void db_change(const char *fmt, ...)
{
    char sql[2048] = "PRAGMA busy_timeout = 10000; ";
    size_t used = strlen(sql);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql + used, sizeof(sql) - used, fmt, ap);
    va_end(ap);
    if (db_exec(&srv, sql) != 0)
        fail_msg("cannot change the database: %s", sql);
}

/* Sends body (stolen; NULL for none) as c, or as the public when c is NULL. */
static api_res_t *request(client_t *c, const char *method, const char *path, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    api_res_t *r = c ? client_request(c, method, path, text)
                     : api_request(&srv, method, path, text, text ? strlen(text) : 0, NULL, NULL);
    free(text);
    assert_non_null(r);
    return r;
}

static void expect_status(const api_res_t *r, long status, const char *what)
{
    if (r->status != status)
        fail_msg("%s: expected %ld, got %ld %s", what, status, r->status, r->body);
}

static long long int_of(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* "YYYY-MM-DD" of the Beijing day of t. */
static void day_of(long long t, char out[11])
{
    time_t s = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* A campaign in the staff's street from 10 days ago to 60 days ahead, with a task for the deputy
 * (counts) and one for their group (activities); returns its id. */
static long long make_campaign(const char *counts, int target)
{
    char from[11], to[11];
    long long now = time(NULL);
    day_of(now - 10 * DAY, from);
    day_of(now + 60 * DAY, to);
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:[I], s:[I], s:[{s:I, s:s, s:s, s:i}, {s:I, s:s, "
                             "s:s, s:i}]}",
                             "theme", "代表\"三进\"", "title", "代表进企业、进社区、进村", "description",
                             "代表走进企业、社区和村，听取意见", "starts_on", from, "ends_on", to, "regions", township,
                             "deputies", (json_int_t)deputy, "groups", (json_int_t)group_id, "tasks", "deputy_id",
                             (json_int_t)deputy, "title", "进社区 2 次", "counts", counts, "target", target,
                             "group_id", (json_int_t)group_id, "title", "小组进企业", "counts", "activity", "target", 3);
    api_res_t *r = request(&admin, "POST", "/api/v1/campaigns", body);
    expect_status(r, 201, "creating a campaign");
    long long id = int_of(r->json, "id");
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

/* An opinion about region sent to the staff's station (and to deputy_id unless 0); returns its id. */
static long long make_opinion(const char *region, long long deputy_id)
{
    json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "station_id", (json_int_t)station, "category", "urban",
                             "content", "社区道路破损，希望尽快修复", "region", region, "name", "王小明", "phone",
                             "13912340000");
    if (deputy_id)
        json_object_set_new(body, "deputy_id", json_integer(deputy_id));
    api_res_t *r = request(&admin, "POST", "/api/v1/opinions", body);
    expect_status(r, 201, "sending an opinion");
    long long id = int_of(r->json, "id");
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

/* Beijing "YYYY-MM-DDTHH:MM" of t, as the activities API takes times. */
static void beijing_time(long long t, char out[17])
{
    time_t s = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, 17, "%Y-%m-%dT%H:%M", &tm);
}

/* An activity at the staff's station starting at `at` with the deputy taking part; returns its id. */
static long long make_activity(const char *title, long long at, long long deputy_id)
{
    char from[17], to[17];
    beijing_time(at, from);
    beijing_time(at + 7200, to);
    json_t *body = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:[I]}", "station_id", (json_int_t)station, "kind",
                             "research", "title", title, "starts_at", from, "ends_at", to, "capacity", 0, "deputies",
                             (json_int_t)deputy_id);
    api_res_t *r = request(&staff, "POST", "/api/v1/activities", body);
    long long id = 0;
    if (r->status == 404 || r->status == 405) { /* not served yet: the rows it would write */
        db_change("INSERT INTO activities (station_id, region_code, kind, title, starts_at, ends_at, capacity,"
                  " created_at, updated_at) VALUES (%lld, '%s', 'research', '%s', %lld, %lld, 0, %lld, %lld);"
                  " INSERT INTO activity_deputies (activity_id, deputy_id) VALUES (last_insert_rowid(), %lld);",
                  station, township, title, at, at + 7200, (long long)time(NULL), (long long)time(NULL), deputy_id);
        id = query_ll("SELECT max(id) FROM activities WHERE title = '%s'", title);
    } else {
        expect_status(r, 201, "announcing an activity");
        id = int_of(r->json, "id");
    }
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

/* A visitor received at the activity (with a name and phone); returns the visit's id. */
static long long make_visit(long long activity, const char *topic)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/activities/%lld/visits", activity);
    api_res_t *r = request(&staff, "POST", path,
                           json_pack("{s:s, s:s, s:s}", "topic", topic, "name", "李秀兰", "phone", "13987654321"));
    long long id = 0;
    if (r->status == 404 || r->status == 405) {
        db_change("INSERT INTO visits (activity_id, station_id, region_code, topic, name_sealed, phone4, created_at)"
                  " VALUES (%lld, %lld, '%s', '%s', 'sealed', '4321', %lld)",
                  activity, station, township, topic, (long long)time(NULL));
        id = query_ll("SELECT max(id) FROM visits WHERE activity_id = %lld", activity);
    } else {
        expect_status(r, 201, "receiving a visitor");
        id = int_of(r->json, "id");
    }
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

static api_res_t *tag(client_t *c, long long campaign, const char *kind, long long item)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/campaigns/%lld/items", campaign);
    return request(c, "POST", path, json_pack("{s:s, s:I}", "kind", kind, "id", (json_int_t)item));
}

static void tag_ok(client_t *c, long long campaign, const char *kind, long long item)
{
    api_res_t *r = tag(c, campaign, kind, item);
    expect_status(r, 201, "tagging an item");
    api_res_free(r);
}

/* The campaign as c (or the public) sees it; caller frees. */
static api_res_t *campaign_as(client_t *c, long long id)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/campaigns/%lld", id);
    api_res_t *r = request(c, "GET", path, NULL);
    expect_status(r, 200, "reading a campaign");
    return r;
}

static long long progress_of(const json_t *campaign, const char *kind)
{
    return int_of(json_object_get(json_object_get(campaign, "progress"), "by_kind"), kind);
}

static long long task_done(const json_t *campaign, int i)
{
    return int_of(json_array_get(json_object_get(campaign, "tasks"), (size_t)i), "done");
}

/* GETs path publicly; whether its list of campaigns holds id. */
static bool lists_campaign(const char *path, long long id)
{
    api_res_t *r = request(NULL, "GET", path, NULL);
    expect_status(r, 200, "listing campaigns");
    bool listed = false;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e) listed = listed || int_of(e, "id") == id;
    api_res_free(r);
    return listed;
}

/* ---- setup ---- */

static long long session_int(client_t *c, const char *key, char *region_out)
{
    api_res_t *r = request(c, "GET", "/api/v1/session", NULL);
    expect_status(r, 200, "reading the session");
    json_t *user = json_object_get(r->json, "user");
    long long v = strcmp(key, "stations") == 0 ? (long long)json_integer_value(json_array_get(json_object_get(user, key), 0))
                                               : int_of(user, key);
    if (region_out)
        snprintf(region_out, 13, "%s", json_string_value(json_object_get(user, "region")));
    api_res_free(r);
    return v;
}

static int setup(void **state)
{
    (void)state;
    server_up(&srv, (const char *const[]){"--rate-limits=off", NULL});
    client_t deputy_client;
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD) || !client_login(&staff, &srv, "staff", DEMO_PASSWORD) ||
        !client_login(&rugao, &srv, FOREIGN_ADMIN, DEMO_PASSWORD) ||
        !client_login(&deputy_client, &srv, "deputy", DEMO_PASSWORD))
        return -1;
    station = session_int(&staff, "stations", township);
    deputy = session_int(&deputy_client, "deputy_id", NULL);
    group_id = query_ll("SELECT coalesce(group_id, 0) FROM deputies WHERE id = %lld", deputy);
    group_mate = query_ll("SELECT id FROM deputies WHERE group_id = %lld AND id <> %lld AND deleted_at IS NULL"
                          " ORDER BY id LIMIT 1",
                          group_id, deputy);
    query_text(other_township, sizeof(other_township),
               "SELECT code FROM regions WHERE parent_code = '%s' AND code <> '%s' ORDER BY code LIMIT 1", HOME_REGION,
               township);
    foreign_deputy = query_ll("SELECT id FROM deputies WHERE region_code LIKE '%.6s%%' LIMIT 1", FOREIGN_REGION);
    if (station == 0 || deputy == 0 || group_id == 0 || group_mate == 0 || strlen(other_township) != 12) {
        fprintf(stderr, "the demo lacks what the tests need: station %lld deputy %lld group %lld mate %lld\n", station,
                deputy, group_id, group_mate);
        return -1;
    }
    if (foreign_deputy == 0) {
        json_t *body = json_pack("{s:s, s:s, s:s}", "name", "外县代表", "gender", "male", "region", FOREIGN_REGION);
        api_res_t *r = request(&rugao, "POST", "/api/v1/deputies", body);
        foreign_deputy = int_of(r->json, "id");
        api_res_free(r);
    }
    return foreign_deputy > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

/* ---- the tests ---- */

static void an_office_creates_a_campaign_and_anyone_reads_its_theme_period_regions_and_tasks(void **state)
{
    (void)state;
    long long id = make_campaign("opinion", 2);
    api_res_t *r = campaign_as(NULL, id);
    json_t *c = r->json;
    assert_string_equal(json_string_value(json_object_get(c, "theme")), "代表\"三进\"");
    assert_string_equal(json_string_value(json_object_get(c, "region")), HOME_REGION);
    assert_string_equal(json_string_value(json_object_get(c, "state")), "running");
    json_t *regions = json_object_get(c, "regions");
    assert_int_equal(json_array_size(regions), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(regions, 0), "code")), township);
    assert_int_equal(json_array_size(json_object_get(c, "tasks")), 2);
    json_t *task = json_array_get(json_object_get(c, "tasks"), 0);
    assert_string_equal(json_string_value(json_object_get(task, "title")), "进社区 2 次");
    assert_int_equal(int_of(task, "target"), 2);
    assert_int_equal(int_of(task, "done"), 0);
    assert_int_equal(int_of(json_object_get(task, "deputy"), "id"), deputy);
    assert_int_equal(int_of(json_object_get(json_array_get(json_object_get(c, "tasks"), 1), "group"), "id"), group_id);
    assert_null(json_object_get(c, "items")); /* the staff's list of tagged items is not the public's */
    api_res_free(r);

    assert_true(lists_campaign("/api/v1/campaigns", id));
}

static void progress_counts_change_when_items_are_tagged_and_untagged(void **state)
{
    (void)state;
    long long id = make_campaign("opinion", 2);
    long long to_deputy = make_opinion(township, deputy);
    long long to_station = make_opinion(township, 0);

    tag_ok(&admin, id, "opinion", to_deputy);
    api_res_t *r = campaign_as(NULL, id);
    assert_int_equal(progress_of(r->json, "opinion"), 1);
    assert_int_equal(int_of(json_object_get(r->json, "progress"), "total"), 1);
    assert_int_equal(task_done(r->json, 0), 1); /* sent to the task's deputy */
    api_res_free(r);

    tag_ok(&staff, id, "opinion", to_station);
    r = campaign_as(NULL, id);
    assert_int_equal(progress_of(r->json, "opinion"), 2);
    assert_int_equal(task_done(r->json, 0), 1); /* sent to nobody's task */
    json_t *by_region = json_array_get(json_object_get(json_object_get(r->json, "progress"), "by_region"), 0);
    assert_int_equal(int_of(by_region, "count"), 2);
    json_t *month = json_array_get(json_object_get(json_object_get(r->json, "progress"), "by_month"), 0);
    assert_int_equal(int_of(month, "opinion"), 2);
    api_res_free(r);

    char path[128];
    snprintf(path, sizeof(path), "/api/v1/campaigns/%lld/items/opinion/%lld", id, to_deputy);
    r = request(&admin, "DELETE", path, NULL);
    expect_status(r, 204, "untagging");
    api_res_free(r);
    r = request(&admin, "DELETE", path, NULL);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = campaign_as(NULL, id);
    assert_int_equal(progress_of(r->json, "opinion"), 1);
    assert_int_equal(task_done(r->json, 0), 0);
    api_res_free(r);
}

static void an_activity_counts_for_the_group_of_a_deputy_who_took_part_and_a_visit_for_its_deputies(void **state)
{
    (void)state;
    long long id = make_campaign("visit", 1);
    long long now = time(NULL);
    long long activity = make_activity("代表进企业座谈", now + 2 * DAY, group_mate);
    long long visit = make_visit(make_activity("代表进社区接待", now + 3 * DAY, deputy), "小区停车难");
    tag_ok(&staff, id, "activity", activity);
    tag_ok(&staff, id, "visit", visit);
    api_res_t *r = campaign_as(NULL, id);
    assert_int_equal(task_done(r->json, 0), 1); /* the deputy's visit task */
    assert_int_equal(task_done(r->json, 1), 1); /* the group's activity task, by a group mate */
    assert_int_equal(progress_of(r->json, "activity"), 1);
    assert_int_equal(progress_of(r->json, "visit"), 1);
    json_t *activities = json_object_get(r->json, "activities");
    assert_int_equal(json_array_size(activities), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(activities, 0), "title")), "代表进企业座谈");
    api_res_free(r);
}

static void tagging_an_activity_outside_the_period_is_refused(void **state)
{
    (void)state;
    long long id = make_campaign("activity", 1);
    long long late = make_activity("期外的调研", (long long)time(NULL) + 90 * DAY, deputy);
    api_res_t *r = tag(&staff, id, "activity", late);
    api_assert_error(r, 422, "outside_period", "id");
    api_res_free(r);
    r = campaign_as(NULL, id);
    assert_int_equal(int_of(json_object_get(r->json, "progress"), "total"), 0);
    api_res_free(r);
}

static void tagging_an_opinion_outside_the_campaign_regions_is_refused(void **state)
{
    (void)state;
    long long id = make_campaign("opinion", 1);
    api_res_t *r = tag(&admin, id, "opinion", make_opinion(other_township, 0));
    api_assert_error(r, 422, "outside_regions", "id");
    api_res_free(r);
}

static void tagging_the_same_item_twice_answers_409(void **state)
{
    (void)state;
    long long id = make_campaign("opinion", 1);
    long long opinion = make_opinion(township, 0);
    tag_ok(&admin, id, "opinion", opinion);
    api_res_t *r = tag(&staff, id, "opinion", opinion);
    api_assert_error(r, 409, "already_tagged", "id");
    api_res_free(r);
}

static void staff_tag_only_what_lies_in_their_own_street(void **state)
{
    (void)state;
    long long id = make_campaign("opinion", 1);
    /* the office widens the campaign to the whole county */
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/campaigns/%lld", id);
    api_res_t *r = request(&admin, "PATCH", path, json_pack("{s:[s]}", "regions", HOME_REGION));
    expect_status(r, 200, "widening the campaign");
    api_res_free(r);
    long long elsewhere = make_opinion(other_township, 0);
    r = tag(&staff, id, "opinion", elsewhere);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    tag_ok(&admin, id, "opinion", elsewhere);
    r = campaign_as(&staff, id);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0); /* not theirs to see */
    api_res_free(r);
    r = campaign_as(&admin, id);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    api_res_free(r);
}

static void a_foreign_county_admin_can_neither_change_nor_tag_nor_create_in_our_county(void **state)
{
    (void)state;
    long long id = make_campaign("opinion", 1);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/campaigns/%lld", id);
    api_res_t *r = request(&rugao, "PATCH", path, json_pack("{s:s}", "title", "改名"));
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = tag(&rugao, id, "opinion", make_opinion(township, 0));
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = request(&rugao, "POST", "/api/v1/campaigns",
                json_pack("{s:s, s:s, s:s, s:s, s:s}", "region", HOME_REGION, "theme", "三进", "title", "越界",
                          "starts_on", "2026-01-01", "ends_on", "2026-12-31"));
    api_assert_error(r, 403, "out_of_scope", NULL);
    api_res_free(r);
    r = request(&staff, "POST", "/api/v1/campaigns",
                json_pack("{s:s, s:s, s:s, s:s}", "theme", "三进", "title", "站点", "starts_on", "2026-01-01",
                          "ends_on", "2026-12-31"));
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = campaign_as(&rugao, id); /* the public page is everyone's */
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    api_res_free(r);
}

/* A campaign body with one field changed (value stolen; NULL removes the field). */
static json_t *body_with(const char *field, json_t *value)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "theme", "三进", "title", "检查", "starts_on", "2026-03-01",
                             "ends_on", "2026-06-30");
    if (value)
        json_object_set_new(body, field, value);
    else
        json_object_del(body, field);
    return body;
}

static void bad_campaign_input_is_refused_naming_the_field(void **state)
{
    (void)state;
    const struct {
        const char *field;
        json_t *value;
    } cases[] = {
        {"colour", json_string("red")},
        {"theme", NULL},
        {"title", json_string("")},
        {"starts_on", json_string("2026-02-30")},
        {"ends_on", json_string("2026-02-01")},
        {"regions", json_pack("[s]", FOREIGN_REGION)},
        {"regions", json_pack("[]")},
        {"deputies", json_pack("[I]", (json_int_t)foreign_deputy)},
        {"groups", json_pack("[i]", 999999)},
        {"tasks", json_pack("[{s:I, s:s, s:s, s:i}]", "deputy_id", (json_int_t)deputy, "title", "x", "counts", "walk",
                            "target", 1)},
        {"tasks", json_pack("[{s:I, s:s, s:s, s:i}]", "deputy_id", (json_int_t)deputy, "title", "x", "counts",
                            "visit", "target", 0)},
        {"tasks", json_pack("[{s:I, s:I, s:s, s:s, s:i}]", "deputy_id", (json_int_t)deputy, "group_id",
                            (json_int_t)group_id, "title", "x", "counts", "visit", "target", 1)},
        {"tasks", json_pack("[{s:I, s:s, s:s, s:i, s:s}]", "deputy_id", (json_int_t)deputy, "title", "x", "counts",
                            "visit", "target", 1, "extra", "y")},
    };
    long long before = query_ll("SELECT count(*) FROM campaigns");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        api_res_t *r = request(&admin, "POST", "/api/v1/campaigns", body_with(cases[i].field, cases[i].value));
        if (r->status != 422)
            fail_msg("case %zu (%s): expected 422, got %ld %s", i, cases[i].field, r->status, r->body);
        api_assert_error(r, 422, "invalid", cases[i].field);
        api_res_free(r);
    }
    assert_int_equal(query_ll("SELECT count(*) FROM campaigns"), before);

    long long id = make_campaign("opinion", 1);
    const char *bad_tags[][2] = {{"{\"kind\":\"meeting\",\"id\":1}", "kind"},
                                 {"{\"kind\":\"opinion\"}", "id"},
                                 {"{\"kind\":\"opinion\",\"id\":99999999}", "id"},
                                 {"{\"kind\":\"opinion\",\"id\":1,\"note\":\"x\"}", "note"}};
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/campaigns/%lld/items", id);
    for (size_t i = 0; i < sizeof(bad_tags) / sizeof(bad_tags[0]); i++) {
        api_res_t *r = client_request(&admin, "POST", path, bad_tags[i][0]);
        assert_non_null(r);
        api_assert_error(r, 422, "invalid", bad_tags[i][1]);
        api_res_free(r);
    }
    api_res_t *r = tag(&admin, 99999999, "opinion", 1);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
}

static void the_public_page_shows_counts_and_activity_titles_but_no_personal_data(void **state)
{
    (void)state;
    long long id = make_campaign("visit", 1);
    long long activity = make_activity("代表进村听民意", (long long)time(NULL) + 4 * DAY, deputy);
    tag_ok(&staff, id, "activity", activity);
    tag_ok(&staff, id, "visit", make_visit(activity, "秘密话题不公开"));
    tag_ok(&staff, id, "opinion", make_opinion(township, deputy));
    api_res_t *r = campaign_as(NULL, id);
    assert_non_null(strstr(r->body, "代表进村听民意"));
    assert_int_equal(int_of(json_object_get(r->json, "progress"), "total"), 3);
    const char *private_bits[] = {"秘密话题不公开", "李秀兰", "王小明", "13987654321", "13912340000", "社区道路破损"};
    for (size_t i = 0; i < sizeof(private_bits) / sizeof(private_bits[0]); i++)
        if (strstr(r->body, private_bits[i]))
            fail_msg("the public campaign page shows %s: %s", private_bits[i], r->body);
    api_res_free(r);
}

static void campaigns_of_a_village_include_those_of_its_county_and_not_a_neighbours(void **state)
{
    (void)state;
    long long id = make_campaign("opinion", 1);
    char village[13], path[96];
    query_text(village, sizeof(village), "SELECT code FROM regions WHERE parent_code = '%s' ORDER BY code LIMIT 1",
               township);
    if (strlen(village) != 12)
        snprintf(village, sizeof(village), "%s", township);
    const struct {
        const char *region;
        bool listed;
    } cases[] = {{village, true}, {township, true}, {HOME_REGION, true}, {other_township, false},
                 {FOREIGN_REGION, false}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        snprintf(path, sizeof(path), "/api/v1/campaigns?region=%s", cases[k].region);
        if (lists_campaign(path, id) != cases[k].listed)
            fail_msg("campaigns of %s: expected the campaign %s", cases[k].region, cases[k].listed ? "listed" : "not listed");
    }
    api_res_t *r = request(NULL, "GET", "/api/v1/campaigns?region=12", NULL);
    api_assert_error(r, 400, "bad_query", "region");
    api_res_free(r);
}

static void creating_changing_and_tagging_are_in_the_audit_log(void **state)
{
    (void)state;
    long long id = make_campaign("opinion", 1);
    tag_ok(&staff, id, "opinion", make_opinion(township, 0));
    char sql[256];
    snprintf(sql, sizeof(sql), "entity = 'campaign' AND entity_id = '%lld'", id);
    assert_int_equal(query_ll("SELECT count(*) FROM audit_log WHERE %s AND action = 'campaign.create'", sql), 1);
    assert_int_equal(
        query_ll("SELECT count(*) FROM audit_log WHERE %s AND action = 'campaign.tag' AND actor = 'staff'", sql), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_office_creates_a_campaign_and_anyone_reads_its_theme_period_regions_and_tasks),
        cmocka_unit_test(progress_counts_change_when_items_are_tagged_and_untagged),
        cmocka_unit_test(an_activity_counts_for_the_group_of_a_deputy_who_took_part_and_a_visit_for_its_deputies),
        cmocka_unit_test(tagging_an_activity_outside_the_period_is_refused),
        cmocka_unit_test(tagging_an_opinion_outside_the_campaign_regions_is_refused),
        cmocka_unit_test(tagging_the_same_item_twice_answers_409),
        cmocka_unit_test(staff_tag_only_what_lies_in_their_own_street),
        cmocka_unit_test(a_foreign_county_admin_can_neither_change_nor_tag_nor_create_in_our_county),
        cmocka_unit_test(bad_campaign_input_is_refused_naming_the_field),
        cmocka_unit_test(the_public_page_shows_counts_and_activity_titles_but_no_personal_data),
        cmocka_unit_test(campaigns_of_a_village_include_those_of_its_county_and_not_a_neighbours),
        cmocka_unit_test(creating_changing_and_tagging_are_in_the_audit_log),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
