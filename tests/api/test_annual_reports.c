/*
 * annual reports (述职报告): a deputy's draft is written from the confirmed duty records of the
 * year asked (not another year's, not pending ones), edited and published; a published report is
 * the public's to read and to rate once per phone (kept only as a keyed hash), within the form
 * rate limit; a draft does not exist for anybody but who may write it, and another deputy can
 * neither see nor change it.
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

#include "core/buf.h"
#include "harness.h"

typedef struct {
    server_t server;
    client_t deputy, staff, unit, foreign_admin;
    long long deputy_id;
    char region[13]; /* the demo deputy's */
    int year;        /* this year in Beijing */
} fixture_t;

static fixture_t fx;

static int this_year(void)
{
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

static long long id_of(const api_res_t *r)
{
    return (long long)json_integer_value(json_object_get(r->json, "id"));
}

static const char *text_of(const api_res_t *r, const char *key)
{
    const char *s = json_string_value(json_object_get(r->json, key));
    return s ? s : "";
}

/* A duty record of the demo deputy written straight into the database. */
static void add_record(const char *kind, const char *title, const char *day, const char *state)
{
    char sql[1024];
    snprintf(sql, sizeof(sql),
             "INSERT INTO duty_records (deputy_id, region_code, kind, title, happened_on, state, created_at,"
             " updated_at) VALUES (%lld, '%s', '%s', '%s', '%s', '%s', 1, 1)",
             fx.deputy_id, fx.region, kind, title, day, state);
    assert_int_equal(db_exec(&fx.server, sql), 0);
}

/* POSTs {year} to the deputy's reports as client; the caller frees the answer. */
static api_res_t *generate(client_t *c, long long deputy, int year)
{
    char path[96], body[32];
    snprintf(path, sizeof(path), "/api/v1/deputies/%lld/annual-reports", deputy);
    snprintf(body, sizeof(body), "{\"year\":%d}", year);
    return client_request(c, "POST", path, body);
}

static api_res_t *on_report(client_t *c, const char *method, long long id, const char *tail, const char *body)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/annual-reports/%lld%s", id, tail);
    return client_request(c, method, path, body);
}

static api_res_t *public_rate(server_t *s, long long id, const char *phone, const char *rating)
{
    char path[96], body[160];
    snprintf(path, sizeof(path), "/api/v1/annual-reports/%lld/ratings", id);
    snprintf(body, sizeof(body), "{\"phone\":\"%s\",\"rating\":\"%s\"}", phone, rating);
    return api_request(s, "POST", path, body, strlen(body), NULL, NULL);
}

/* A fresh report of year for the demo deputy (any year: a report is one per year); its id. */
static long long fresh_report(int year)
{
    api_res_t *r = generate(&fx.deputy, fx.deputy_id, year);
    assert_int_equal(r->status, 201);
    long long id = id_of(r);
    api_res_free(r);
    return id;
}

static void sign_in(client_t *c, const char *username)
{
    if (!client_login(c, &fx.server, username, DEMO_PASSWORD))
        fail_msg("cannot sign in as %s", username);
}

static int setup(void **state)
{
    (void)state;
    memset(&fx, 0, sizeof(fx));
    server_up(&fx.server, (const char *const[]){"--rate-limits=off", NULL});
    sign_in(&fx.deputy, "deputy");
    sign_in(&fx.staff, "staff");
    sign_in(&fx.unit, "unit");
    sign_in(&fx.foreign_admin, FOREIGN_ADMIN);
    api_res_t *r = client_request(&fx.deputy, "GET", "/api/v1/session", NULL);
    fx.deputy_id = (long long)json_integer_value(json_object_get(json_object_get(r->json, "user"), "deputy_id"));
    api_res_free(r);
    assert_true(fx.deputy_id > 0);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/deputies/%lld", fx.deputy_id);
    r = api_get(&fx.server, path);
    snprintf(fx.region, sizeof(fx.region), "%s", text_of(r, "region"));
    api_res_free(r);
    fx.year = this_year();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    server_down(&fx.server);
    return 0;
}

static void the_draft_holds_the_confirmed_records_of_the_year_asked_and_no_others(void **state)
{
    (void)state;
    char day[24], last_year_day[24];
    snprintf(day, sizeof(day), "%04d-01-01", fx.year);
    snprintf(last_year_day, sizeof(last_year_day), "%04d-12-31", fx.year - 1);
    add_record("visit", "本年走访城东社区独居老人", day, "confirmed");
    add_record("training", "本年待审核的专题学习", day, "pending");
    add_record("inspection", "上年参加的河道整治视察", last_year_day, "confirmed");

    api_res_t *r = generate(&fx.deputy, fx.deputy_id, fx.year);
    assert_int_equal(r->status, 201);
    char title[128];
    snprintf(title, sizeof(title), " %d 年度履职报告", fx.year);
    assert_non_null(strstr(text_of(r, "title"), title));
    assert_string_equal(text_of(r, "state"), "draft");
    const char *body = text_of(r, "body");
    assert_non_null(strstr(body, "一、参加活动情况"));
    assert_non_null(strstr(body, "二、接待和联系选民情况"));
    assert_non_null(strstr(body, "三、办理群众意见情况"));
    assert_non_null(strstr(body, "四、提出建议及办理情况"));
    assert_non_null(strstr(body, "本年走访城东社区独居老人"));
    assert_null(strstr(body, "本年待审核的专题学习"));
    assert_null(strstr(body, "上年参加的河道整治视察"));
    assert_true(json_is_true(json_object_get(r->json, "editable")));
    api_res_free(r);

    r = generate(&fx.deputy, fx.deputy_id, fx.year - 1);
    assert_int_equal(r->status, 201);
    assert_non_null(strstr(text_of(r, "body"), "上年参加的河道整治视察"));
    assert_null(strstr(text_of(r, "body"), "本年走访城东社区独居老人"));
    api_res_free(r);
}

static void a_year_outside_2000_to_this_year_is_refused(void **state)
{
    (void)state;
    api_res_t *r = generate(&fx.deputy, fx.deputy_id, 1999);
    api_assert_error(r, 422, "invalid", "year");
    api_res_free(r);
    r = generate(&fx.deputy, fx.deputy_id, fx.year + 1);
    api_assert_error(r, 422, "invalid", "year");
    api_res_free(r);
    r = client_request(&fx.deputy, "POST", "/api/v1/deputies/999999/annual-reports", "{\"year\":2020}");
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
}

static void a_draft_is_edited_regenerated_and_published_and_then_stays_as_published(void **state)
{
    (void)state;
    long long id = fresh_report(2021);
    api_res_t *r = on_report(&fx.deputy, "PATCH", id, "", "{\"title\":\"我的述职\",\"body\":\"改写后的报告正文\"}");
    assert_int_equal(r->status, 200);
    assert_string_equal(text_of(r, "title"), "我的述职");
    assert_string_equal(text_of(r, "body"), "改写后的报告正文");
    api_res_free(r);

    /* one character over the 20000 a body may have */
    buf_t long_body;
    buf_init(&long_body);
    buf_adds(&long_body, "{\"body\":\"");
    for (int i = 0; i < 20001; i++)
        buf_adds(&long_body, "字");
    buf_adds(&long_body, "\"}");
    r = on_report(&fx.deputy, "PATCH", id, "", long_body.data);
    buf_free(&long_body);
    api_assert_error(r, 422, "invalid", "body");
    api_res_free(r);
    r = on_report(&fx.deputy, "PATCH", id, "", "{\"state\":\"published\"}");
    api_assert_error(r, 422, "invalid", "state");
    api_res_free(r);

    /* written anew from the records while a draft: 200, the same report */
    r = generate(&fx.deputy, fx.deputy_id, 2021);
    assert_int_equal(r->status, 200);
    assert_int_equal(id_of(r), id);
    assert_non_null(strstr(text_of(r, "title"), "2021 年度履职报告"));
    api_res_free(r);

    r = on_report(&fx.deputy, "POST", id, "/publish", "{}");
    assert_int_equal(r->status, 200);
    assert_string_equal(text_of(r, "state"), "published");
    assert_true(json_is_integer(json_object_get(r->json, "published_at")));
    assert_false(json_is_true(json_object_get(r->json, "editable")));
    api_res_free(r);

    r = generate(&fx.deputy, fx.deputy_id, 2021);
    api_assert_error(r, 409, "published", NULL);
    api_res_free(r);
    r = on_report(&fx.deputy, "PATCH", id, "", "{\"title\":\"发布后再改\"}");
    api_assert_error(r, 409, "published", NULL);
    api_res_free(r);
    r = on_report(&fx.deputy, "POST", id, "/publish", "{}");
    api_assert_error(r, 409, "illegal_transition", NULL);
    api_res_free(r);

    r = on_report(&fx.deputy, "POST", id, "/unpublish", "{}");
    assert_int_equal(r->status, 200);
    assert_string_equal(text_of(r, "state"), "draft");
    assert_true(json_is_null(json_object_get(r->json, "published_at")));
    api_res_free(r);
    r = on_report(&fx.deputy, "POST", id, "/unpublish", "{}");
    api_assert_error(r, 409, "illegal_transition", NULL);
    api_res_free(r);
}

/* Whether the public list of the demo deputy's reports names report id. */
static bool public_list_has(long long id)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/deputies/%lld/annual-reports", fx.deputy_id);
    api_res_t *r = api_get(&fx.server, path);
    assert_int_equal(r->status, 200);
    bool found = false;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
    {
        assert_string_equal(json_string_value(json_object_get(e, "state")), "published");
        found |= json_integer_value(json_object_get(e, "id")) == id;
    }
    api_res_free(r);
    return found;
}

static void the_public_reads_a_published_report_and_a_draft_is_not_found(void **state)
{
    (void)state;
    long long id = fresh_report(2022);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/annual-reports/%lld", id);
    api_res_t *r = api_get(&fx.server, path);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    assert_false(public_list_has(id));
    r = public_rate(&fx.server, id, "13800138000", "satisfied");
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);

    /* the deputy's own list names the draft, for the editor */
    snprintf(path, sizeof(path), "/api/v1/deputies/%lld/annual-reports", fx.deputy_id);
    r = client_request(&fx.deputy, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    bool draft_listed = false;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
    {
        if (json_integer_value(json_object_get(e, "id")) == id)
            draft_listed = strcmp(json_string_value(json_object_get(e, "state")), "draft") == 0;
    }
    assert_true(draft_listed);
    api_res_free(r);

    r = on_report(&fx.deputy, "POST", id, "/publish", "{}");
    assert_int_equal(r->status, 200);
    api_res_free(r);
    snprintf(path, sizeof(path), "/api/v1/annual-reports/%lld", id);
    r = api_get(&fx.server, path);
    assert_int_equal(r->status, 200);
    assert_string_equal(text_of(r, "state"), "published");
    assert_non_null(strstr(text_of(r, "body"), "一、参加活动情况"));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r->json, "ratings"), "satisfied")), 0);
    api_res_free(r);
    assert_true(public_list_has(id));
}

static void a_phone_rates_a_report_once_and_is_kept_only_as_a_hash(void **state)
{
    (void)state;
    long long id = fresh_report(2023);
    api_res_t *r = on_report(&fx.deputy, "POST", id, "/publish", "{}");
    assert_int_equal(r->status, 200);
    api_res_free(r);

    r = public_rate(&fx.server, id, "13800138000", "satisfied");
    assert_int_equal(r->status, 201);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r->json, "ratings"), "satisfied")), 1);
    api_res_free(r);
    r = public_rate(&fx.server, id, "13800138000", "unsatisfied");
    api_assert_error(r, 409, "already_rated", NULL);
    api_res_free(r);
    r = public_rate(&fx.server, id, "13900139000", "basic");
    assert_int_equal(r->status, 201);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r->json, "ratings"), "basic")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r->json, "ratings"), "unsatisfied")), 0);
    api_res_free(r);

    r = public_rate(&fx.server, id, "12345", "satisfied");
    api_assert_error(r, 422, "invalid", "phone");
    api_res_free(r);
    r = public_rate(&fx.server, id, "13700137000", "great");
    api_assert_error(r, 422, "invalid", "rating");
    api_res_free(r);

    char sql[160], out[64] = "";
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM report_ratings WHERE report_id = %lld AND (phone_hash LIKE '%%138001%%'"
             " OR comment LIKE '%%138001%%' OR length(phone_hash) <> 64)",
             id);
    assert_int_equal(db_query(&fx.server, sql, out, sizeof(out)), 0);
    assert_string_equal(out, "0");
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM report_ratings WHERE report_id = %lld", id);
    assert_int_equal(db_query(&fx.server, sql, out, sizeof(out)), 0);
    assert_string_equal(out, "2");
}

static void another_deputy_can_neither_see_nor_change_a_draft(void **state)
{
    (void)state;
    long long id = fresh_report(2024);
    client_t admin, other;
    sign_in(&admin, "admin");
    char path[128], body[256];
    snprintf(path, sizeof(path), "/api/v1/deputies?region=%s&limit=5", HOME_REGION);
    api_res_t *r = api_get(&fx.server, path);
    long long other_deputy = 0;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
    {
        long long d = (long long)json_integer_value(json_object_get(e, "id"));
        if (other_deputy == 0 && d != fx.deputy_id)
            other_deputy = d;
    }
    api_res_free(r);
    assert_true(other_deputy > 0);
    snprintf(body, sizeof(body),
             "{\"username\":\"other-deputy\",\"display_name\":\"另一位代表\",\"password\":\"%s\",\"role\":\"deputy\","
             "\"region\":\"%s\",\"deputy_id\":%lld}",
             DEMO_PASSWORD, HOME_REGION, other_deputy);
    r = client_request(&admin, "POST", "/api/v1/users", body);
    assert_int_equal(r->status, 201);
    api_res_free(r);
    sign_in(&other, "other-deputy");

    client_t *outsiders[] = {&other, &fx.foreign_admin};
    for (int k = 0; k < 2; k++) {
        r = on_report(outsiders[k], "GET", id, "", NULL);
        api_assert_error(r, 404, "not_found", NULL);
        api_res_free(r);
        r = on_report(outsiders[k], "PATCH", id, "", "{\"title\":\"别人改的\"}");
        api_assert_error(r, 404, "not_found", NULL);
        api_res_free(r);
        r = on_report(outsiders[k], "POST", id, "/publish", "{}");
        api_assert_error(r, 404, "not_found", NULL);
        api_res_free(r);
        r = generate(outsiders[k], fx.deputy_id, 2024);
        api_assert_error(r, 404, "not_found", NULL);
        api_res_free(r);
    }
    /* a unit has no part in reports at all */
    r = on_report(&fx.unit, "PATCH", id, "", "{\"title\":\"单位改的\"}");
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    /* the station staff of the deputy's region may keep it for them */
    r = on_report(&fx.staff, "PATCH", id, "", "{\"title\":\"联络员代为修改\"}");
    assert_int_equal(r->status, 200);
    api_res_free(r);
    r = on_report(&fx.deputy, "GET", id, "", NULL);
    assert_int_equal(r->status, 200);
    assert_string_equal(text_of(r, "title"), "联络员代为修改");
    api_res_free(r);
}

static void public_ratings_past_the_form_limit_answer_429(void **state)
{
    (void)state;
    server_t s;
    server_up(&s, (const char *const[]){"--form-per-minute", "2", NULL});
    client_t deputy;
    assert_true(client_login(&deputy, &s, "deputy", DEMO_PASSWORD));
    api_res_t *r = client_request(&deputy, "GET", "/api/v1/session", NULL);
    long long deputy_id = (long long)json_integer_value(json_object_get(json_object_get(r->json, "user"), "deputy_id"));
    api_res_free(r);
    r = generate(&deputy, deputy_id, 2025);
    assert_int_equal(r->status, 201);
    long long id = id_of(r);
    api_res_free(r);
    r = on_report(&deputy, "POST", id, "/publish", "{}");
    assert_int_equal(r->status, 200);
    api_res_free(r);

    const char *phones[] = {"13800000001", "13800000002", "13800000003"};
    for (int i = 0; i < 2; i++) {
        r = public_rate(&s, id, phones[i], "satisfied");
        assert_int_equal(r->status, 201);
        api_res_free(r);
    }
    r = public_rate(&s, id, phones[2], "satisfied");
    api_assert_error(r, 429, "too_many_requests", NULL);
    assert_non_null(api_header(r, "retry-after"));
    api_res_free(r);
    char sql[128], out[16] = "";
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM report_ratings WHERE report_id = %lld", id);
    assert_int_equal(db_query(&s, sql, out, sizeof(out)), 0);
    assert_string_equal(out, "2");
    server_down(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_draft_holds_the_confirmed_records_of_the_year_asked_and_no_others),
        cmocka_unit_test(a_year_outside_2000_to_this_year_is_refused),
        cmocka_unit_test(a_draft_is_edited_regenerated_and_published_and_then_stays_as_published),
        cmocka_unit_test(the_public_reads_a_published_report_and_a_draft_is_not_found),
        cmocka_unit_test(a_phone_rates_a_report_once_and_is_kept_only_as_a_hash),
        cmocka_unit_test(another_deputy_can_neither_see_nor_change_a_draft),
        cmocka_unit_test(public_ratings_past_the_form_limit_answer_429),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
