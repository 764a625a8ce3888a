/*
 * opinion reports and upkeep: the figures of a region (each equal to the length of the list it
 * drills into), a station's three record books as JSON, CSV and .xlsx (each making a personal.read
 * audit row), the category tree admins keep, attachments judged by their content, and what the
 * server does by itself - delivering notifications to a command, retrying a failing one, and
 * closing an answer left unrated.
 *
 * Two servers: one for the reports, with its own test township and station so the demo's
 * opinions never mix into the counts, and one with a one-second job interval for the upkeep.
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

#include "harness.h"

static server_t srv;
static client_t admin, staff, foreign_admin;
static char town[13];     /* a township of the demo county that only this file uses */
static long long station; /* a hub there */

static api_res_t *post(client_t *c, const char *path, json_t *body)
{
    char *text = json_dumps(body, 0);
    json_decref(body);
    api_res_t *r = c ? client_request(c, "POST", path, text)
                     : api_request(&srv, "POST", path, text, strlen(text), NULL, NULL);
    free(text);
    assert_non_null(r);
    return r;
}

static long long json_int(const json_t *j, const char *key)
{
    return (long long)json_integer_value(json_object_get(j, key));
}

/* Sends an opinion to the test station; returns its id (seen by the admin's list). */
static long long send_opinion(const char *category, const char *channel, const char *content)
{
    api_res_t *r = post(&admin, "/api/v1/opinions",
                        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "station_id", (json_int_t)station,
                                  "category", category, "channel", channel, "content", content, "region", town,
                                  "name", "测试群众", "phone", "13912340000"));
    if (r->status != 201)
        fail_msg("POST /api/v1/opinions: %ld %s", r->status, r->body);
    long long id = json_int(r->json, "id");
    api_res_free(r);
    return id;
}

static void step(long long id, const char *action, json_t *body, long expected)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/%s", id, action);
    api_res_t *r = post(&admin, path, body);
    if (r->status != expected)
        fail_msg("POST %s: %ld %s", path, r->status, r->body);
    api_res_free(r);
}

static void answer(long long id, const char *text)
{
    step(id, "triage", json_object(), 200);
    step(id, "resolve", json_pack("{s:s}", "text", text), 200);
}

static void rate(long long id, const char *rating)
{
    step(id, "rate", json_pack("{s:s}", "rating", rating), 200);
}

static int start_server(void **state)
{
    (void)state;
    server_prepare(&srv);
    snprintf(town, sizeof(town), "%.6s977000", HOME_REGION);
    char sql[300];
    snprintf(sql, sizeof(sql), "INSERT INTO regions (code, name, parent_code, level) VALUES ('%s', '报表测试镇', '%s', 4);",
             town, HOME_REGION);
    if (db_exec(&srv, sql) != 0)
        return -1;
    server_start(&srv, (const char *const[]){"--rate-limits=off", NULL});
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD) || !client_login(&staff, &srv, "staff", DEMO_PASSWORD) ||
        !client_login(&foreign_admin, &srv, FOREIGN_ADMIN, DEMO_PASSWORD))
        return -1;
    api_res_t *r = post(&admin, "/api/v1/stations",
                        json_pack("{s:s, s:s, s:s}", "name", "报表测试联络站", "kind", "hub", "region", town));
    station = r->status == 201 ? json_int(r->json, "id") : 0;
    api_res_free(r);
    return station ? 0 : -1;
}

static int stop_server(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

/* ---- figures ----------------------------------------------------------------------------------- */

/* The number of items a list query gives, following next to the end. */
static long long list_length(const char *query)
{
    long long n = 0, after = 0;
    for (;;) {
        char path[512];
        snprintf(path, sizeof(path), "%s&limit=7%s", query, "");
        if (after)
            snprintf(path + strlen(path), sizeof(path) - strlen(path), "&after=%lld", after);
        api_res_t *r = client_request(&admin, "GET", path, NULL);
        assert_non_null(r);
        if (r->status != 200)
            fail_msg("GET %s: %ld %s", path, r->status, r->body);
        n += (long long)json_array_size(json_object_get(r->json, "items"));
        json_t *next = json_object_get(r->json, "next");
        after = json_is_integer(next) ? (long long)json_integer_value(next) : 0;
        api_res_free(r);
        if (after == 0)
            return n;
    }
}

static void every_figure_equals_the_length_of_the_list_it_drills_into(void **state)
{
    (void)state;
    long long ids[12];
    const char *categories[] = {"traffic", "urban", "traffic", "health"};
    const char *channels[] = {"walk_in", "phone", "online", "visit"};
    for (int i = 0; i < 12; i++)
        ids[i] = send_opinion(categories[i % 4], channels[i % 4], "报表测试：路灯不亮，请维修。");
    for (int i = 0; i < 7; i++)
        answer(ids[i], "已维修。");
    rate(ids[0], "satisfied");
    rate(ids[1], "basic");
    rate(ids[2], "unsatisfied"); /* reopens: rated, not satisfied, answered still */
    rate(ids[3], "satisfied");
    char sql[200]; /* two open items past their deadline */
    snprintf(sql, sizeof(sql), "UPDATE opinions SET triage_due = 1000 WHERE id IN (%lld, %lld)", ids[10], ids[11]);
    assert_int_equal(db_exec(&srv, sql), 0);

    char path[160];
    snprintf(path, sizeof(path), "/api/v1/stats?region=%s&from=2000-01-01&to=2099-12-31", town);
    api_res_t *r = client_request(&admin, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    json_t *totals = json_object_get(r->json, "totals"), *lists = json_object_get(r->json, "lists");
    assert_int_equal(json_int(totals, "collected"), 12);
    assert_int_equal(json_int(totals, "answered"), 7);
    assert_int_equal(json_int(totals, "rated"), 4);
    assert_int_equal(json_int(totals, "satisfied"), 3);
    assert_int_equal(json_int(totals, "overdue"), 2);
    assert_true(json_real_value(json_object_get(totals, "satisfaction_rate")) == 0.75);
    const char *figures[] = {"collected", "answered", "rated", "satisfied", "overdue"};
    for (int i = 0; i < 5; i++) {
        const char *query = json_string_value(json_object_get(lists, figures[i]));
        assert_non_null(query);
        long long shown = list_length(query);
        if (shown != json_int(totals, figures[i]))
            fail_msg("%s: the figure is %lld but %s lists %lld", figures[i], json_int(totals, figures[i]), query, shown);
    }
    /* by category and by channel, through the same list with its filter added */
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(r->json, "by_category"), i, b)
    {
        char query[400];
        snprintf(query, sizeof(query), "%s&category=%s", json_string_value(json_object_get(lists, "collected")),
                 json_string_value(json_object_get(b, "code")));
        assert_int_equal(list_length(query), json_int(b, "collected"));
    }
    json_array_foreach(json_object_get(r->json, "by_channel"), i, b)
    {
        char query[400];
        snprintf(query, sizeof(query), "%s&channel=%s", json_string_value(json_object_get(lists, "answered")),
                 json_string_value(json_object_get(b, "channel")));
        assert_int_equal(list_length(query), json_int(b, "answered"));
    }
    assert_int_equal(json_array_size(json_object_get(r->json, "by_channel")), 4);
    api_res_free(r);
}

static void figures_of_another_county_are_out_of_scope(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/stats?region=%s", HOME_REGION);
    api_res_t *r = client_request(&foreign_admin, "GET", path, NULL);
    api_assert_error(r, 403, "out_of_scope", "region");
    api_res_free(r);
    r = client_request(&admin, "GET", "/api/v1/stats?from=2026-13-01", NULL);
    api_assert_error(r, 400, "bad_query", "from");
    api_res_free(r);
    r = api_get(&srv, "/api/v1/stats");
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

/* ---- record books -------------------------------------------------------------------------------- */

static long long audit_rows(const char *action)
{
    char sql[160], out[32];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
    assert_int_equal(db_query(&srv, sql, out, sizeof(out)), 0);
    return atoll(out);
}

static void feedback_book_lists_the_answers_and_reading_it_is_audited(void **state)
{
    (void)state;
    long long answered = send_opinion("safety", "walk_in", "簿册测试：夜市消防通道被占。");
    long long open = send_opinion("safety", "phone", "簿册测试：电动车乱停放。");
    answer(answered, "已清理通道并设置隔离桩。");
    long long before = audit_rows("personal.read");
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/stations/%lld/books/feedback", station);
    api_res_t *r = client_request(&admin, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(audit_rows("personal.read"), before + 1);
    assert_string_equal(json_string_value(json_object_get(r->json, "title")), "反馈群众意见和诉求情况记录簿");
    bool found = strstr(r->body, "已清理通道并设置隔离桩。") != NULL, leaked = strstr(r->body, "电动车乱停放") != NULL;
    assert_true(found);
    assert_false(leaked);
    api_res_free(r);
    (void)open;

    snprintf(path, sizeof(path), "/api/v1/stations/%lld/books/reception?format=csv", station);
    r = client_request(&admin, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(api_header(r, "content-type"), "text/csv"));
    assert_memory_equal(r->body, "\xEF\xBB\xBF登记日期,方式,群众,联系电话", strlen("\xEF\xBB\xBF登记日期,方式,群众,联系电话"));
    assert_non_null(strstr(r->body, "测**"));       /* the name, masked */
    assert_null(strstr(r->body, "测试群众"));
    assert_null(strstr(r->body, "电动车乱停放")); /* a phone call is no reception */
    api_res_free(r);

    snprintf(path, sizeof(path), "/api/v1/stations/%lld/books/opinions?format=xlsx&lang=en", station);
    r = client_request(&admin, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    assert_true(r->len > 1000);
    assert_memory_equal(r->body, "PK\x03\x04", 4);
    assert_non_null(strstr(api_header(r, "content-disposition"), ".xlsx"));
    api_res_free(r);
}

/* A visitor booked, came and raised something: the reception book holds the visit - who came,
 * who received them, the opinion raised with its code - and not the opinion a second time. */
static void reception_book_holds_each_visit_with_who_received_it_and_the_opinions_raised(void **state)
{
    (void)state;
    char starts[20], ends[20], path[160];
    time_t day = time(NULL) + 2 * 86400 + 8 * 3600; /* Beijing time, two days on */
    strftime(starts, sizeof(starts), "%Y-%m-%dT09:00", gmtime(&day));
    strftime(ends, sizeof(ends), "%Y-%m-%dT11:00", gmtime(&day));
    api_res_t *r = post(&admin, "/api/v1/activities",
                        json_pack("{s:I, s:s, s:s, s:s, s:s, s:i}", "station_id", (json_int_t)station, "kind",
                                  "reception", "title", "簿册接待日", "starts_at", starts, "ends_at", ends, "capacity", 5));
    assert_int_equal(r->status, 201);
    long long activity = json_int(r->json, "id");
    api_res_free(r);
    snprintf(path, sizeof(path), "/api/v1/activities/%lld/bookings", activity);
    r = post(NULL, path, json_pack("{s:s, s:s, s:s}", "topic", "簿册测试：井盖缺失", "phone", "13912340001", "name",
                                   "访客甲"));
    assert_int_equal(r->status, 201);
    snprintf(path, sizeof(path), "/api/v1/bookings/%s/check-in", json_string_value(json_object_get(r->json, "code")));
    api_res_free(r);
    r = post(&admin, path, json_object());
    assert_int_equal(r->status, 200);
    long long visit = json_int(r->json, "visit_id");
    api_res_free(r);
    r = post(&admin, "/api/v1/opinions",
             json_pack("{s:I, s:s, s:s}", "visit_id", (json_int_t)visit, "category", "urban", "content",
                       "簿册测试：青园路井盖缺失三处，夜间危险。"));
    assert_int_equal(r->status, 201);
    char code[16];
    snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(r->json, "tracking_code")));
    api_res_free(r);

    snprintf(path, sizeof(path), "/api/v1/stations/%lld/books/reception", station);
    r = client_request(&admin, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    json_t *row, *visit_row = NULL;
    size_t i;
    json_array_foreach(json_object_get(r->json, "rows"), i, row)
        if (strcmp(json_string_value(json_array_get(row, 4)), "簿册测试：井盖缺失") == 0)
            visit_row = row;
    assert_non_null(visit_row);
    assert_string_equal(json_string_value(json_array_get(visit_row, 1)), "接待日来访");
    assert_string_equal(json_string_value(json_array_get(visit_row, 2)), "访**");
    assert_string_equal(json_string_value(json_array_get(visit_row, 3)), "0001");
    assert_non_null(strstr(json_string_value(json_array_get(visit_row, 6)), code));
    assert_null(strstr(r->body, "青园路井盖缺失三处")); /* the opinion is the visit's, not a row of its own */
    api_res_free(r);
}

static void books_refuse_strangers_and_unknown_names(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/stations/%lld/books/feedback", station);
    api_res_t *r = client_request(&foreign_admin, "GET", path, NULL);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = client_request(&staff, "GET", path, NULL); /* staff of another township */
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    snprintf(path, sizeof(path), "/api/v1/stations/%lld/books/diary", station);
    r = client_request(&admin, "GET", path, NULL);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    snprintf(path, sizeof(path), "/api/v1/stations/%lld/books/feedback?format=pdf", station);
    r = client_request(&admin, "GET", path, NULL);
    api_assert_error(r, 400, "bad_query", "format");
    api_res_free(r);
}

/* ---- categories ------------------------------------------------------------------------------------ */

static bool tree_has(const char *code)
{
    api_res_t *r = api_get(&srv, "/api/v1/categories");
    bool found = false;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(r->json, "items"), i, c) found |= strcmp(json_string_value(json_object_get(c, "code")), code) == 0;
    api_res_free(r);
    return found;
}

static void admin_adds_a_subcategory_and_retiring_its_parent_retires_both(void **state)
{
    (void)state;
    api_res_t *r = post(&admin, "/api/v1/categories", json_pack("{s:s, s:s, s:s}", "code", "pets", "name", "宠物", "name_en", "Pets"));
    assert_int_equal(r->status, 201);
    long long parent = json_int(r->json, "id");
    api_res_free(r);
    r = post(&admin, "/api/v1/categories", json_pack("{s:s, s:s, s:I}", "code", "stray_dogs", "name", "流浪犬", "parent_id", (json_int_t)parent));
    assert_int_equal(r->status, 201);
    long long child = json_int(r->json, "id");
    api_res_free(r);
    r = post(&admin, "/api/v1/categories", json_pack("{s:s, s:s, s:I}", "code", "too_deep", "name", "三级", "parent_id", (json_int_t)child));
    api_assert_error(r, 422, "invalid", "parent_id");
    api_res_free(r);
    r = post(&admin, "/api/v1/categories", json_pack("{s:s, s:s}", "code", "pets", "name", "重复"));
    api_assert_error(r, 409, "code_taken", "code");
    api_res_free(r);
    r = post(&staff, "/api/v1/categories", json_pack("{s:s, s:s}", "code", "staff_made", "name", "无权"));
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    assert_true(tree_has("stray_dogs"));
    /* a county's office keeps its own categories, not the national set nor a neighbour's */
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/categories/%lld", parent);
    r = client_request(&foreign_admin, "DELETE", path, NULL);
    api_assert_error(r, 403, "out_of_scope", NULL);
    api_res_free(r);
    r = client_request(&admin, "PATCH", "/api/v1/categories/2", "{\"name\":\"交通出行\"}");
    api_assert_error(r, 403, "out_of_scope", NULL);
    api_res_free(r);
    /* the neighbour's forms are not offered this county's category, and may not use it */
    r = api_get(&srv, "/api/v1/categories?region=" FOREIGN_REGION);
    assert_int_equal(r->status, 200);
    assert_null(strstr(r->body, "\"pets\""));
    assert_non_null(strstr(r->body, "\"traffic\""));
    api_res_free(r);

    r = client_request(&admin, "DELETE", path, NULL);
    assert_int_equal(r->status, 204);
    api_res_free(r);
    assert_false(tree_has("pets"));
    assert_false(tree_has("stray_dogs"));
    r = post(NULL, "/api/v1/opinions", json_pack("{s:I, s:s, s:s, s:s}", "station_id", (json_int_t)station, "category", "stray_dogs", "content", "小区流浪狗多", "region", town));
    api_assert_error(r, 422, "invalid", "category");
    api_res_free(r);
}

/* ---- attachments -------------------------------------------------------------------------------- */

static long long opinions_count(void)
{
    char out[32];
    assert_int_equal(db_query(&srv, "SELECT count(*) FROM opinions", out, sizeof(out)), 0);
    return atoll(out);
}

static api_res_t *send_with_file(const char *base64)
{
    return post(NULL, "/api/v1/opinions",
                json_pack("{s:I, s:s, s:s, s:s, s:[{s:s, s:s}]}", "station_id", (json_int_t)station, "category", "urban",
                          "content", "附件测试：井盖破损。", "region", town, "attachments", "name", "photo.jpg", "data", base64));
}

static void a_photo_is_kept_and_staff_download_the_same_bytes(void **state)
{
    (void)state;
    /* a PNG's signature and a few bytes: "\x89PNG\r\n\x1a\n" + "IHDR" */
    api_res_t *r = send_with_file("iVBORw0KGgpJSERS");
    assert_int_equal(r->status, 201);
    const char *code = json_string_value(json_object_get(r->json, "tracking_code"));
    char sql[160], id[32];
    snprintf(sql, sizeof(sql), "SELECT id FROM opinions WHERE tracking_code = '%s'", code);
    api_res_free(r);
    assert_int_equal(db_query(&srv, sql, id, sizeof(id)), 0);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/opinions/%s", id);
    r = client_request(&admin, "GET", path, NULL);
    json_t *file = json_array_get(json_object_get(r->json, "attachments"), 0);
    assert_string_equal(json_string_value(json_object_get(file, "mime")), "image/png");
    snprintf(path, sizeof(path), "/api/v1/opinions/%s/attachments/%lld", id, json_int(file, "id"));
    api_res_free(r);
    r = client_request(&admin, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(r->len, 12);
    assert_memory_equal(r->body, "\x89PNG\r\n\x1a\nIHDR", 12);
    assert_string_equal(api_header(r, "content-type"), "image/png");
    api_res_free(r);
    r = client_request(&foreign_admin, "GET", path, NULL);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
}

static void a_script_named_like_a_photo_is_refused_and_nothing_is_kept(void **state)
{
    (void)state;
    long long before = opinions_count();
    api_res_t *r = send_with_file("PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"); /* <svg onload=alert(1)> */
    api_assert_error(r, 415, "unsupported_type", "attachments");
    api_res_free(r);
    char *big = malloc(800 * 1024);
    memset(big, 'A', 800 * 1024 - 1);
    big[800 * 1024 - 1] = '\0';
    r = send_with_file(big);
    free(big);
    api_assert_error(r, 413, "too_large", "attachments");
    api_res_free(r);
    assert_int_equal(opinions_count(), before);
}

/* ---- what the server does by itself ------------------------------------------------------------- */

static bool file_has(const char *path, const char *text)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return false;
    char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, text) != NULL;
}

typedef struct {
    const char *path, *text;
} wait_file_t;

static bool file_ready(void *arg)
{
    wait_file_t *w = arg;
    return file_has(w->path, w->text);
}

typedef struct {
    server_t *s;
    const char *sql, *want;
} wait_sql_t;

static bool sql_ready(void *arg)
{
    wait_sql_t *w = arg;
    char out[128] = "";
    return db_query(w->s, w->sql, out, sizeof(out)) == 0 && strcmp(out, w->want) == 0;
}

static void the_constituent_is_notified_of_the_answer_and_an_unrated_answer_closes_itself(void **state)
{
    (void)state;
    server_t jobs;
    server_prepare(&jobs);
    char sink[300], command[700];
    snprintf(sink, sizeof(sink), "%s/delivered.jsonl", jobs.dir);
    snprintf(command, sizeof(command), "--notify-command=cat >> %s; echo >> %s", sink, sink);
    server_start(&jobs, (const char *const[]){"--rate-limits=off", "--jobs-interval-s=1", "--auto-close-days=1", command, NULL});
    client_t a;
    assert_true(client_login(&a, &jobs, "admin", DEMO_PASSWORD));
    api_res_t *r = client_request(&a, "GET", "/api/v1/stations?region=" HOME_REGION "&limit=1", NULL);
    long long st = json_int(json_array_get(json_object_get(r->json, "items"), 0), "id");
    char region[16];
    snprintf(region, sizeof(region), "%s", json_string_value(json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "region")));
    api_res_free(r);
    json_t *opinion = json_pack("{s:I, s:s, s:s, s:s, s:s}", "station_id", (json_int_t)st, "category", "urban",
                                "content", "通知测试", "region", region, "phone", "13912349999");
    char *body = json_dumps(opinion, 0);
    json_decref(opinion);
    r = client_request(&a, "POST", "/api/v1/opinions", body);
    free(body);
    assert_int_equal(r->status, 201);
    long long id = json_int(r->json, "id");
    api_res_free(r);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/triage", id);
    api_res_free(client_request(&a, "POST", path, "{}"));
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/resolve", id);
    r = client_request(&a, "POST", path, "{\"text\":\"已处理\"}");
    assert_int_equal(r->status, 200);
    api_res_free(r);
    char recipient[64];
    snprintf(recipient, sizeof(recipient), "\"recipient\":\"constituent:%lld\"", id);
    wait_file_t delivered = {sink, recipient};
    assert_true(wait_until(file_ready, &delivered, 10000));
    assert_true(file_has(sink, "\"event\":\"opinion.answered\""));

    /* answered long ago and never rated: the server closes it, as "system" */
    char sql[200];
    snprintf(sql, sizeof(sql), "UPDATE opinions SET answered_at = answered_at - 30 * 86400 WHERE id = %lld", id);
    assert_int_equal(db_exec(&jobs, sql), 0);
    snprintf(sql, sizeof(sql), "SELECT state FROM opinions WHERE id = %lld", id);
    wait_sql_t closed = {&jobs, sql, "closed"};
    assert_true(wait_until(sql_ready, &closed, 10000));
    snprintf(sql, sizeof(sql), "SELECT actor || ' ' || action FROM opinion_events WHERE opinion_id = %lld ORDER BY id DESC LIMIT 1", id);
    char last[64];
    assert_int_equal(db_query(&jobs, sql, last, sizeof(last)), 0);
    assert_string_equal(last, "system auto_close");
    server_down(&jobs);
}

static void a_failing_gateway_is_retried_later_and_keeps_its_reason(void **state)
{
    (void)state;
    server_t jobs;
    server_prepare(&jobs);
    server_start(&jobs, (const char *const[]){"--rate-limits=off", "--jobs-interval-s=1", "--notify-command=exit 3", NULL});
    /* the demo's referrals and answers are in the outbox: every one is tried once, and waits */
    wait_sql_t tried = {&jobs, "SELECT count(*) = count(CASE WHEN attempts >= 1 THEN 1 END) FROM outbox", "1"};
    assert_true(wait_until(sql_ready, &tried, 10000));
    char out[200];
    assert_int_equal(db_query(&jobs, "SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL", out, sizeof(out)), 0);
    assert_string_equal(out, "0");
    assert_int_equal(db_query(&jobs, "SELECT last_error FROM outbox LIMIT 1", out, sizeof(out)), 0);
    assert_string_equal(out, "command exited with 3");
    assert_int_equal(db_query(&jobs, "SELECT min(next_at) - strftime('%s', 'now') >= 20 FROM outbox", out, sizeof(out)), 0);
    assert_string_equal(out, "1"); /* the next try waits at least half a minute */
    server_down(&jobs);
}

int main(void)
{
    const struct CMUnitTest reports[] = {
        cmocka_unit_test(every_figure_equals_the_length_of_the_list_it_drills_into),
        cmocka_unit_test(figures_of_another_county_are_out_of_scope),
        cmocka_unit_test(feedback_book_lists_the_answers_and_reading_it_is_audited),
        cmocka_unit_test(reception_book_holds_each_visit_with_who_received_it_and_the_opinions_raised),
        cmocka_unit_test(books_refuse_strangers_and_unknown_names),
        cmocka_unit_test(admin_adds_a_subcategory_and_retiring_its_parent_retires_both),
        cmocka_unit_test(a_photo_is_kept_and_staff_download_the_same_bytes),
        cmocka_unit_test(a_script_named_like_a_photo_is_refused_and_nothing_is_kept),
    };
    const struct CMUnitTest upkeep[] = {
        cmocka_unit_test(the_constituent_is_notified_of_the_answer_and_an_unrated_answer_closes_itself),
        cmocka_unit_test(a_failing_gateway_is_retried_later_and_keeps_its_reason),
    };
    int failed = cmocka_run_group_tests_name("reports", reports, start_server, stop_server);
    return failed + cmocka_run_group_tests_name("upkeep", upkeep, NULL, NULL);
}
