/*
 * digests: the weekly digest (一周一汇总) and the biweekly batch referral (半月一交办) over HTTP.
 * A fresh township of the demo county with two villages and a station of its own takes
 * opinions only this file posts, so every figure can be compared with what was posted: new
 * opinions by category and by village, near-duplicate complaints in one cluster and different
 * ones apart, the items past their deadline listed; bad weeks and periods are refused naming the
 * parameter; another county's office gets 403 and no figures; the .xlsx is a real workbook
 * holding the rows; the batch lists each unit's open referrals of the half month as its own
 * 交办单 (and sheet); and the background ticker tells each county office of the week just ended,
 * once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain/digest.h"
#include "harness.h"

static server_t srv;
static client_t admin, staff, foreign_admin, unit_client;
static char town[13], village1[13], village2[13];
static long long station, lamp_ids[3], school_ids[2], market_id, other_ids[2];
static char week[16], period[16];

static const char *const LAMP[] = {"人民路路灯不亮，晚上出行很不方便，请尽快维修", "人民路的路灯不亮了，晚上出行不方便，请维修",
                                   "人民路路灯不亮，晚上出行不方便"};
static const char *const SCHOOL[] = {"学校门口上下学时段交通拥堵，车辆乱停乱放", "学校门口上下学时段车辆乱停，交通拥堵严重"};
static const char *const MARKET = "菜市场环境卫生差，污水横流";

static api_res_t *post(client_t *c, const char *path, json_t *body)
{
    char *text = json_dumps(body, 0);
    json_decref(body);
    api_res_t *r = client_request(c, "POST", path, text);
    free(text);
    assert_non_null(r);
    return r;
}

static long long send_opinion(const char *region, const char *category, const char *content)
{
    api_res_t *r = post(&admin, "/api/v1/opinions",
                        json_pack("{s:I, s:s, s:s, s:s, s:s}", "station_id", (json_int_t)station, "category", category,
                                  "content", content, "region", region, "channel", "walk_in"));
    if (r->status != 201)
        fail_msg("POST /api/v1/opinions: %ld %s", r->status, r->body);
    long long id = (long long)json_integer_value(json_object_get(r->json, "id"));
    api_res_free(r);
    return id;
}

static void step(long long id, const char *action, json_t *body)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/%s", id, action);
    api_res_t *r = post(&admin, path, body);
    if (r->status != 200)
        fail_msg("POST %s: %ld %s", path, r->status, r->body);
    api_res_free(r);
}

static api_res_t *get(client_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static api_res_t *get(client_t *c, const char *fmt, ...)
{
    char path[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    api_res_t *r = c ? client_request(c, "GET", path, NULL) : api_get(&srv, path);
    assert_non_null(r);
    return r;
}

static long long demo_unit;

static int start_server(void **state)
{
    (void)state;
    server_prepare(&srv);
    snprintf(town, sizeof(town), "%.6s976000", HOME_REGION);
    snprintf(village1, sizeof(village1), "%.9s001", town);
    snprintf(village2, sizeof(village2), "%.9s002", town);
    char sql[600];
    snprintf(sql, sizeof(sql),
             "INSERT INTO regions (code, name, parent_code, level) VALUES ('%s', '汇总测试镇', '%s', 4),"
             " ('%s', '汇总一村', '%s', 5), ('%s', '汇总二村', '%s', 5);",
             town, HOME_REGION, village1, town, village2, town);
    if (db_exec(&srv, sql) != 0)
        return -1;
    server_start(&srv, (const char *const[]){"--rate-limits=off", "--jobs-interval-s", "1", NULL});
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD) || !client_login(&staff, &srv, "staff", DEMO_PASSWORD) ||
        !client_login(&foreign_admin, &srv, FOREIGN_ADMIN, DEMO_PASSWORD) ||
        !client_login(&unit_client, &srv, "unit", DEMO_PASSWORD))
        return -1;
    api_res_t *r = post(&admin, "/api/v1/stations",
                        json_pack("{s:s, s:s, s:s}", "name", "汇总测试联络站", "kind", "hub", "region", town));
    station = r->status == 201 ? (long long)json_integer_value(json_object_get(r->json, "id")) : 0;
    api_res_free(r);
    if (station == 0)
        return -1;
    for (int i = 0; i < 3; i++)
        lamp_ids[i] = send_opinion(i < 2 ? village1 : village2, "urban", LAMP[i]);
    for (int i = 0; i < 2; i++)
        school_ids[i] = send_opinion(village2, "traffic", SCHOOL[i]);
    market_id = send_opinion(town, "environment", MARKET);
    other_ids[0] = send_opinion(village1, "health", "卫生院周末不开门，看病不方便");
    other_ids[1] = send_opinion(village1, "education", "幼儿园学位紧张，希望扩建");
    digest_week_t w;
    digest_week_of(time(NULL), &w);
    snprintf(week, sizeof(week), "%s", w.label);
    digest_period_t p;
    digest_period_of(time(NULL), &p);
    snprintf(period, sizeof(period), "%s", p.label);
    demo_unit = db_number(&srv, "SELECT unit_id FROM users WHERE username = 'unit'");
    return demo_unit ? 0 : -1;
}

static int stop_server(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

static long long count_in(const json_t *list, const char *key, const char *value)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) if (strcmp(json_string_value(json_object_get(e, key)), value) == 0) return (
        long long)json_integer_value(json_object_get(e, "count"));
    return 0;
}

static bool holds_id(const json_t *ids, long long id)
{
    size_t i;
    json_t *e;
    json_array_foreach(ids, i, e) if (json_integer_value(e) == id) return true;
    return false;
}

static void digest_counts_what_was_posted_by_category_and_by_village(void **state)
{
    (void)state;
    api_res_t *r = get(&admin, "/api/v1/digest?region=%s&week=%s", town, week);
    if (r->status != 200)
        fail_msg("GET digest: %ld %s", r->status, r->body);
    assert_int_equal(json_integer_value(json_object_get(r->json, "new")), 8);
    assert_string_equal(json_string_value(json_object_get(r->json, "week")), week);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r->json, "region"), "name")), "汇总测试镇");
    json_t *by_category = json_object_get(r->json, "by_category"), *by_region = json_object_get(r->json, "by_region");
    assert_int_equal(count_in(by_category, "code", "urban"), 3);
    assert_int_equal(count_in(by_category, "code", "traffic"), 2);
    assert_int_equal(count_in(by_category, "code", "environment"), 1);
    assert_int_equal(count_in(by_category, "code", "health"), 1);
    assert_int_equal(count_in(by_category, "code", "education"), 1);
    assert_int_equal(json_array_size(by_category), 5);
    assert_int_equal(count_in(by_region, "code", village1), 4);
    assert_int_equal(count_in(by_region, "code", village2), 3);
    assert_int_equal(count_in(by_region, "code", town), 1); /* posted at the township itself */
    assert_int_equal(count_in(by_region, "name", "汇总一村"), 4);
    /* the largest first */
    assert_string_equal(json_string_value(json_object_get(json_array_get(by_category, 0), "code")), "urban");
    api_res_free(r);
    /* another week of the same township holds none of them */
    r = get(&admin, "/api/v1/digest?region=%s&week=2020-W10", town);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_integer_value(json_object_get(r->json, "new")), 0);
    assert_int_equal(json_array_size(json_object_get(r->json, "clusters")), 0);
    api_res_free(r);
}

static void similar_complaints_cluster_with_a_sample_and_different_ones_stay_apart(void **state)
{
    (void)state;
    api_res_t *r = get(&admin, "/api/v1/digest?region=%s&week=%s", town, week);
    json_t *clusters = json_object_get(r->json, "clusters");
    if (json_array_size(clusters) != 2)
        fail_msg("expected two clusters: %s", r->body);
    json_t *lamps = json_array_get(clusters, 0), *schools = json_array_get(clusters, 1);
    assert_int_equal(json_integer_value(json_object_get(lamps, "count")), 3);
    for (int i = 0; i < 3; i++)
        assert_true(holds_id(json_object_get(lamps, "ids"), lamp_ids[i]));
    assert_int_equal(json_integer_value(json_object_get(schools, "count")), 2);
    for (int i = 0; i < 2; i++)
        assert_true(holds_id(json_object_get(schools, "ids"), school_ids[i]));
    assert_false(holds_id(json_object_get(lamps, "ids"), market_id));
    assert_false(holds_id(json_object_get(schools, "ids"), market_id));
    long long sample = (long long)json_integer_value(json_object_get(json_object_get(lamps, "sample"), "id"));
    assert_true(holds_id(json_object_get(lamps, "ids"), sample));
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(lamps, "sample"), "excerpt")), "路灯"));
    api_res_free(r);
}

static void items_past_their_deadline_are_listed_as_overdue(void **state)
{
    (void)state;
    db_execf(&srv, "UPDATE opinions SET triage_due = 1000 WHERE id IN (%lld, %lld)", other_ids[0], other_ids[1]);
    api_res_t *r = get(&admin, "/api/v1/digest?region=%s&week=%s", town, week);
    json_t *overdue = json_object_get(r->json, "overdue");
    assert_int_equal(json_integer_value(json_object_get(overdue, "count")), 2);
    json_t *items = json_object_get(overdue, "items"), *ids = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e) json_array_append(ids, json_object_get(e, "id"));
    assert_int_equal(json_array_size(ids), 2);
    assert_true(holds_id(ids, other_ids[0]) && holds_id(ids, other_ids[1]));
    json_decref(ids);
    api_res_free(r);
}

static void a_bad_week_or_region_is_refused_naming_it(void **state)
{
    (void)state;
    static const char *const bad[] = {"2026-W54", "2025-W53", "2026-47", "W47", "2026-W00", "2026-W4%20"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        api_res_t *r = get(&admin, "/api/v1/digest?region=%s&week=%s", town, bad[i]);
        api_assert_error(r, 400, "bad_query", "week");
        api_res_free(r);
        r = get(&admin, "/api/v1/digest.xlsx?region=%s&week=%s", town, bad[i]);
        api_assert_error(r, 400, "bad_query", "week");
        api_res_free(r);
    }
    static const char *const bad_periods[] = {"2026-11-3", "2026-13-1", "2026-11", "x"};
    for (size_t i = 0; i < sizeof(bad_periods) / sizeof(*bad_periods); i++) {
        api_res_t *r = get(&admin, "/api/v1/batch-referrals?region=%s&period=%s", town, bad_periods[i]);
        api_assert_error(r, 400, "bad_query", "period");
        api_res_free(r);
    }
    api_res_t *r = get(&admin, "/api/v1/digest?region=32062&week=%s", week);
    api_assert_error(r, 400, "bad_query", "region");
    api_res_free(r);
    r = get(&admin, "/api/v1/digest?region=%.6s975000&week=%s", HOME_REGION, week); /* well-formed, unknown */
    api_assert_error(r, 404, "not_found", "region");
    api_res_free(r);
}

static void another_countys_office_gets_403_and_no_figures(void **state)
{
    (void)state;
    const char *paths[] = {"/api/v1/digest", "/api/v1/digest.xlsx", "/api/v1/batch-referrals",
                           "/api/v1/batch-referrals.xlsx"};
    for (int i = 0; i < 4; i++) {
        api_res_t *r = get(&foreign_admin, "%s?region=%s", paths[i], town);
        api_assert_error(r, 403, "out_of_scope", NULL);
        assert_null(json_object_get(r->json, "new"));
        assert_null(strstr(r->body, "汇总"));
        api_res_free(r);
    }
    /* station staff of another township of the same county: outside theirs too */
    api_res_t *r = get(&staff, "/api/v1/digest?region=%s", HOME_REGION);
    api_assert_error(r, 403, "out_of_scope", NULL);
    api_res_free(r);
    r = get(&unit_client, "/api/v1/digest?region=%s", town);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = get(NULL, "/api/v1/digest?region=%s", town);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

/* The named part of a workbook, unzipped; the caller frees it. */
static char *xlsx_part(const api_res_t *r, const char *part)
{
    char dir[] = "/tmp/liaison-digest-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char file[300], cmd[700];
    snprintf(file, sizeof(file), "%s/book.xlsx", dir);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r->body, 1, r->len, f), r->len);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "unzip -p %s %s; rm -rf %s", file, part, dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 20;
    char *text = calloc(cap + 1, 1);
    assert_non_null(text);
    size_t len = fread(text, 1, cap, p);
    text[len] = '\0';
    assert_int_equal(pclose(p), 0);
    return text;
}

static void the_digest_workbook_is_a_real_xlsx_holding_its_rows(void **state)
{
    (void)state;
    api_res_t *r = get(&admin, "/api/v1/digest.xlsx?region=%s&week=%s", town, week);
    assert_int_equal(r->status, 200);
    assert_memory_equal(r->body, "PK\x03\x04", 4);
    assert_non_null(strstr(api_header(r, "content-type"), "spreadsheetml"));
    assert_non_null(strstr(api_header(r, "content-disposition"), ".xlsx"));
    char *strings = xlsx_part(r, "xl/sharedStrings.xml");
    assert_non_null(strstr(strings, "汇总一村"));   /* by region */
    assert_non_null(strstr(strings, "城建"));       /* by category */
    assert_non_null(strstr(strings, "人民路"));     /* a cluster's sample */
    assert_non_null(strstr(strings, "幼儿园学位紧张")); /* an overdue item */
    free(strings);
    char *book = xlsx_part(r, "xl/workbook.xml");
    assert_non_null(strstr(book, "相似意见"));
    assert_non_null(strstr(book, "超期件"));
    free(book);
    api_res_free(r);
}

static void the_batch_lists_each_units_open_referrals_of_the_half_month(void **state)
{
    (void)state;
    long long other_unit = db_number(&srv, "SELECT id FROM units WHERE id <> %lld AND deleted_at IS NULL AND "
                                           "region_code = '%s' ORDER BY id LIMIT 1", demo_unit, HOME_REGION);
    assert_true(other_unit > 0);
    long long referred[] = {lamp_ids[0], lamp_ids[1], school_ids[0]};
    long long units[] = {demo_unit, demo_unit, other_unit};
    for (int i = 0; i < 3; i++) {
        step(referred[i], "triage", json_object());
        step(referred[i], "refer", json_pack("{s:I}", "unit_id", (json_int_t)units[i]));
    }
    /* one referral the unit has replied to is no longer open */
    long long replied = db_number(&srv, "SELECT id FROM referrals WHERE opinion_id = %lld", lamp_ids[1]);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/referrals/%lld/accept", replied);
    api_res_t *r = post(&unit_client, path, json_object());
    assert_int_equal(r->status, 200);
    api_res_free(r);
    snprintf(path, sizeof(path), "/api/v1/referrals/%lld/reply", replied);
    r = post(&unit_client, path, json_pack("{s:s}", "text", "已安排维修"));
    assert_int_equal(r->status, 200);
    api_res_free(r);

    r = get(&admin, "/api/v1/batch-referrals?region=%s&period=%s", town, period);
    if (r->status != 200)
        fail_msg("GET batch: %ld %s", r->status, r->body);
    json_t *list = json_object_get(r->json, "units");
    assert_int_equal(json_array_size(list), 2);
    size_t i;
    json_t *u;
    json_array_foreach(list, i, u)
    {
        long long id = (long long)json_integer_value(json_object_get(u, "unit_id"));
        json_t *items = json_object_get(u, "items");
        assert_int_equal(json_integer_value(json_object_get(u, "count")), (json_int_t)json_array_size(items));
        assert_int_equal(json_array_size(items), 1);
        long long opinion = (long long)json_integer_value(json_object_get(json_array_get(items, 0), "opinion_id"));
        assert_int_equal(opinion, id == demo_unit ? lamp_ids[0] : school_ids[0]);
        assert_non_null(json_string_value(json_object_get(json_array_get(items, 0), "due")));
    }
    api_res_free(r);
    /* one unit alone, and a half month long past holds nothing */
    r = get(&admin, "/api/v1/batch-referrals?region=%s&period=%s&unit=%lld", town, period, demo_unit);
    assert_int_equal(json_array_size(json_object_get(r->json, "units")), 1);
    api_res_free(r);
    r = get(&admin, "/api/v1/batch-referrals?region=%s&period=2020-01-1", town);
    assert_int_equal(json_array_size(json_object_get(r->json, "units")), 0);
    api_res_free(r);

    r = get(&admin, "/api/v1/batch-referrals.xlsx?region=%s&period=%s", town, period);
    assert_int_equal(r->status, 200);
    assert_memory_equal(r->body, "PK\x03\x04", 4);
    char *book = xlsx_part(r, "xl/workbook.xml");
    char *unit_name = calloc(300, 1);
    assert_int_equal(db_query(&srv, "SELECT name FROM units WHERE id = (SELECT unit_id FROM users WHERE username = 'unit')",
                              unit_name, 300),
                     0);
    unit_name[12] = '\0'; /* its first four characters: core/xlsx.c cuts a sheet's name to 31 bytes */
    if (strstr(book, unit_name) == NULL) /* a sheet per unit, named after it */
        fail_msg("no sheet for %s in %s", unit_name, strstr(book, "<sheets>") ? strstr(book, "<sheets>") : book);
    assert_non_null(strstr(book, "<sheet name=\"2 "));
    free(unit_name);
    free(book);
    char *strings = xlsx_part(r, "xl/sharedStrings.xml");
    assert_non_null(strstr(strings, LAMP[0]));
    assert_null(strstr(strings, LAMP[1])); /* replied: not in the batch */
    free(strings);
    api_res_free(r);
}

typedef struct {
    const char *sql;
} sql_cond_t;

static bool sql_true(void *arg)
{
    char out[64] = "";
    return db_query(&srv, ((sql_cond_t *)arg)->sql, out, sizeof(out)) == 0 && strcmp(out, "1") == 0;
}

static void each_county_office_hears_of_the_week_just_ended_once(void **state)
{
    (void)state;
    digest_week_t last;
    digest_week_of(time(NULL) - 7 * 86400, &last);
    char sql[400];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) = 2 FROM digests_sent WHERE week = '%s' AND region_code IN ('%s', '%s')", last.label,
             HOME_REGION, FOREIGN_REGION);
    sql_cond_t sent = {sql};
    assert_true(wait_until(sql_true, &sent, 20000));
    long long admin_id = db_number(&srv, "SELECT id FROM users WHERE username = 'admin'");
    long long rows = db_number(&srv,
                               "SELECT count(*) FROM outbox WHERE event = 'digest.weekly' AND recipient = 'user:%lld'"
                               " AND payload LIKE '%%\"week\":\"%s\"%%' AND payload LIKE '%%%s%%'",
                               admin_id, last.label, HOME_REGION);
    assert_int_equal(rows, 1);
    /* a township's staff is no region office */
    long long staff_id = db_number(&srv, "SELECT id FROM users WHERE username = 'staff'");
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM outbox WHERE event = 'digest.weekly' AND recipient = 'user:%lld'",
                               staff_id),
                     0);
    /* a later tick (it delivers this marker after its digest sweep) sends nothing again */
    db_execf(&srv, "INSERT INTO outbox (created_at, event, recipient, payload, next_at) VALUES (0, 'test.marker', "
                   "'user:0', '{}', 0)");
    sql_cond_t ticked = {"SELECT delivered_at IS NOT NULL OR attempts > 0 FROM outbox WHERE event = 'test.marker'"};
    assert_true(wait_until(sql_true, &ticked, 20000));
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM outbox WHERE event = 'digest.weekly' AND recipient = 'user:%lld'",
                               admin_id),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digest_counts_what_was_posted_by_category_and_by_village),
        cmocka_unit_test(similar_complaints_cluster_with_a_sample_and_different_ones_stay_apart),
        cmocka_unit_test(items_past_their_deadline_are_listed_as_overdue),
        cmocka_unit_test(a_bad_week_or_region_is_refused_naming_it),
        cmocka_unit_test(another_countys_office_gets_403_and_no_figures),
        cmocka_unit_test(the_digest_workbook_is_a_real_xlsx_holding_its_rows),
        cmocka_unit_test(the_batch_lists_each_units_open_referrals_of_the_half_month),
        cmocka_unit_test(each_county_office_hears_of_the_week_just_ended_once),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
