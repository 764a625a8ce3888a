/*
 * dashboard: every figure of the office's dashboard equals the length of the list it links to -
 * for the county, a township and a station, and per child region - and the public statistics
 * count the same without naming anyone. Bad periods and foreign regions get clear errors and no
 * figures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static server_t srv;
static client_t admin, staff;
static char township[13]; /* the staff account's township */

static long long json_int(const json_t *j, const char *key)
{
    return (long long)json_integer_value(json_object_get(j, key));
}

static int start_server(void **state)
{
    (void)state;
    server_prepare(&srv);
    server_start(&srv, (const char *const[]){"--rate-limits=off", NULL});
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD) || !client_login(&staff, &srv, "staff", DEMO_PASSWORD))
        return -1;
    api_res_t *r = client_request(&staff, "GET", "/api/v1/session", NULL);
    const char *region = json_string_value(json_object_get(json_object_get(r->json, "user"), "region"));
    snprintf(township, sizeof(township), "%s", region ? region : "");
    api_res_free(r);
    /* practical help done: two confirmed records and a pending one, which does not count */
    const char *states[] = {"confirmed", "confirmed", "pending"};
    for (int i = 0; i < 3; i++)
        db_execf(&srv,
                 "INSERT INTO duty_records (deputy_id, region_code, kind, title, happened_on, state, created_at,"
                 " updated_at) SELECT id, '%s', 'help', '帮助修路 %d', '2026-0%d-15', '%s', 0, 0 FROM deputies"
                 " ORDER BY id LIMIT 1",
                 township, i, i + 3, states[i]);
    return township[0] ? 0 : -1;
}

static int stop_server(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

/* The number of items a list gives, following "next" to the end. */
static long long list_length(client_t *c, const char *query)
{
    long long n = 0, after = 0;
    for (;;) {
        char path[512];
        snprintf(path, sizeof(path), "%s&limit=9", query);
        if (after)
            snprintf(path + strlen(path), sizeof(path) - strlen(path), "&after=%lld", after);
        api_res_t *r = client_request(c, "GET", path, NULL);
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

/* The first station of the staff's township. */
static long long township_station(void)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/stations?region=%s&limit=1", township);
    api_res_t *r = client_request(&admin, "GET", path, NULL);
    long long station = json_int(json_array_get(json_object_get(r->json, "items"), 0), "id");
    api_res_free(r);
    assert_true(station > 0);
    return station;
}

static api_res_t *dashboard(client_t *c, const char *query)
{
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/dashboard%s", query);
    api_res_t *r = client_request(c, "GET", path, NULL);
    assert_non_null(r);
    return r;
}

static const char *const figure_keys[] = {"visitors",  "collected", "answered", "rated",
                                          "satisfied", "warn",      "overdue",  "help"};

static api_res_t *get_ok(client_t *c, const char *path)
{
    api_res_t *r = client_request(c, "GET", path, NULL);
    assert_non_null(r);
    if (r->status != 200)
        fail_msg("GET %s: %ld %s", path, r->status, r->body);
    return r;
}

/* Subjects behind an obligation: the figure is what the obligations list counts behind each rule. */
static void check_obligations(client_t *c, const json_t *figure)
{
    api_res_t *r = get_ok(c, json_string_value(json_object_get(figure, "list")));
    long long behind = 0;
    size_t i;
    json_t *rule;
    json_array_foreach(json_object_get(r->json, "rules"), i, rule)
    {
        behind += json_int(json_object_get(rule, "behind"), "count");
        assert_int_equal(json_int(json_array_get(json_object_get(figure, "by_rule"), i), "count"),
                         json_int(json_object_get(rule, "behind"), "count"));
    }
    assert_int_equal(behind, json_int(figure, "value"));
    api_res_free(r);
}

/* Suggestions per unit: the same units with the same counts as the league table it links to. */
static void check_league(const json_t *figure)
{
    const char *sessions[] = {"session", "recess"};
    for (int k = 0; k < 2; k++) {
        const json_t *mine = json_object_get(figure, sessions[k]);
        if (mine == NULL)
            continue;
        api_res_t *r = get_ok(&admin, json_string_value(json_object_get(mine, "list")));
        const json_t *units = json_object_get(r->json, "units"), *shown = json_object_get(mine, "units");
        assert_int_equal(json_array_size(units), json_array_size(shown));
        for (size_t i = 0; i < json_array_size(units); i++) {
            const json_t *a = json_array_get(units, i), *b = json_array_get(shown, i);
            assert_int_equal(json_int(a, "unit_id"), json_int(b, "unit_id"));
            assert_int_equal(json_int(a, "assigned"), json_int(b, "assigned"));
            assert_int_equal(json_int(a, "completed"), json_int(b, "completed"));
        }
        api_res_free(r);
    }
}

/* Each figure against its list; returns how many figures were above zero. */
static int check_figures(client_t *c, const char *query)
{
    api_res_t *r = dashboard(c, query);
    if (r->status != 200)
        fail_msg("dashboard%s: %ld %s", query, r->status, r->body);
    json_t *figures = json_object_get(r->json, "figures");
    int nonzero = 0;
    for (size_t i = 0; i < sizeof(figure_keys) / sizeof(figure_keys[0]); i++) {
        json_t *f = json_object_get(figures, figure_keys[i]);
        const char *list = json_string_value(json_object_get(f, "list"));
        assert_non_null(list);
        long long shown = list_length(c, list), value = json_int(f, "value");
        if (shown != value)
            fail_msg("%s%s: %s is %lld but %s lists %lld", "dashboard", query, figure_keys[i], value, list, shown);
        nonzero += value > 0;
    }
    json_t *scores = json_object_get(figures, "scores");
    assert_int_equal(list_length(c, json_string_value(json_object_get(scores, "list"))), json_int(scores, "value"));
    check_obligations(c, json_object_get(figures, "obligations"));
    if (c == &admin) /* the league table is the office's (and members') */
        check_league(json_object_get(figures, "suggestions"));
    /* each child region's figures against its own lists */
    size_t i;
    json_t *child;
    json_array_foreach(json_object_get(r->json, "children"), i, child)
    {
        if (json_int(child, "collected") == 0 && json_int(child, "visitors") == 0)
            continue;
        for (size_t k = 0; k < sizeof(figure_keys) / sizeof(figure_keys[0]); k++) {
            const char *list = json_string_value(json_object_get(json_object_get(child, "lists"), figure_keys[k]));
            assert_int_equal(list_length(c, list), json_int(child, figure_keys[k]));
        }
    }
    api_res_free(r);
    return nonzero;
}

static void every_county_figure_equals_the_length_of_the_list_it_links_to(void **state)
{
    (void)state;
    assert_true(check_figures(&admin, "") >= 5); /* the demo's opinions, visits and the help records */
    api_res_t *r = dashboard(&admin, "");
    const json_t *suggestions = json_object_get(json_object_get(r->json, "figures"), "suggestions");
    assert_true(json_array_size(json_object_get(json_object_get(suggestions, "recess"), "units")) > 0);
    api_res_free(r);
    char query[96];
    snprintf(query, sizeof(query), "?region=%s&from=2026-04-01&to=2026-12-31", HOME_REGION);
    check_figures(&admin, query);
    /* periods that cut months: the rollup's whole months and the cut days add up as the list */
    snprintf(query, sizeof(query), "?region=%s&from=2026-03-15&to=2026-11-20", HOME_REGION);
    check_figures(&admin, query);
    snprintf(query, sizeof(query), "?region=%s&from=2026-10-02&to=2026-10-30", HOME_REGION);
    check_figures(&admin, query);
}

static void a_township_and_a_station_count_what_their_lists_show(void **state)
{
    (void)state;
    char query[96];
    snprintf(query, sizeof(query), "?region=%s", township);
    assert_true(check_figures(&staff, query) > 0);
    long long station = township_station();
    api_res_t *r;
    snprintf(query, sizeof(query), "?region=%s&station=%lld", township, station);
    check_figures(&admin, query);
    r = dashboard(&admin, query);
    assert_int_equal(json_int(json_object_get(r->json, "station"), "id"), station);
    assert_int_equal(json_array_size(json_object_get(r->json, "children")), 0);
    api_res_free(r);
}

static void children_add_up_to_the_county_and_trends_to_the_period(void **state)
{
    (void)state;
    char query[96];
    snprintf(query, sizeof(query), "?region=%s&from=2025-12-01&to=2026-11-30", HOME_REGION);
    api_res_t *r = dashboard(&admin, query);
    assert_int_equal(r->status, 200);
    json_t *figures = json_object_get(r->json, "figures"), *trends = json_object_get(r->json, "trends");
    long long collected = 0, help = 0;
    size_t i;
    json_t *child;
    json_array_foreach(json_object_get(r->json, "children"), i, child)
    {
        collected += json_int(child, "collected");
        assert_non_null(json_object_get(child, "name"));
    }
    assert_int_equal(collected, json_int(json_object_get(figures, "collected"), "value"));
    assert_int_equal(json_array_size(json_object_get(trends, "months")), 12);
    assert_string_equal(json_string_value(json_array_get(json_object_get(trends, "months"), 0)), "2025-12");
    long long by_month = 0;
    json_t *v;
    json_array_foreach(json_object_get(trends, "collected"), i, v) by_month += (long long)json_integer_value(v);
    json_array_foreach(json_object_get(trends, "help"), i, v) help += (long long)json_integer_value(v);
    assert_int_equal(by_month, json_int(json_object_get(figures, "collected"), "value"));
    assert_int_equal(help, 2);
    api_res_free(r);
}

/* Rows of the rollup that a GROUP BY over the opinions does not give, and the other way round. */
static long long rollup_differences(void)
{
    static const char *const grouped =
        "SELECT region_code, coalesce(station_id, 0), strftime('%Y-%m', created_at + 28800, 'unixepoch'),"
        " count(*), sum(answer IS NOT NULL), sum(rating IS NOT NULL), sum(rating IS 'satisfied' OR rating IS 'basic')"
        " FROM opinions GROUP BY 1, 2, 3";
    static const char *const kept = "SELECT region_code, station_id, month, collected, answered, rated, satisfied"
                                    " FROM dash_opinion_months WHERE collected <> 0";
    return db_number(&srv, "SELECT (SELECT count(*) FROM (%s EXCEPT %s)) + (SELECT count(*) FROM (%s EXCEPT %s))",
                     grouped, kept, kept, grouped);
}

static void the_rollup_stays_equal_to_counting_the_opinions_through_every_change(void **state)
{
    (void)state;
    assert_true(db_number(&srv, "SELECT count(*) FROM dash_opinion_months") > 0);
    assert_int_equal(rollup_differences(), 0);
    char path[96];
    long long station = township_station();
    api_res_t *r;
    long long ids[3];
    for (int i = 0; i < 3; i++) {
        json_t *body = json_pack("{s:I, s:s, s:s, s:s}", "station_id", (json_int_t)station, "category", "urban",
                                 "content", "看板汇总测试：路面破损。", "region", township);
        char *text = json_dumps(body, 0);
        json_decref(body);
        r = client_request(&admin, "POST", "/api/v1/opinions", text);
        free(text);
        assert_int_equal(r->status, 201);
        ids[i] = json_int(r->json, "id");
        api_res_free(r);
    }
    const char *steps[][2] = {
        {"triage", "{}"}, {"resolve", "{\"text\":\"已修复。\"}"}, {"rate", "{\"rating\":\"basic\"}"}};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "/api/v1/opinions/%lld/%s", ids[0], steps[i][0]);
        r = client_request(&admin, "POST", path, steps[i][1]);
        assert_int_equal(r->status, 200);
        api_res_free(r);
    }
    assert_int_equal(rollup_differences(), 0);
    /* moved to another region and month, rated again, its answer and station taken away */
    db_execf(&srv,
             "UPDATE opinions SET region_code = '%.6s000000', created_at = created_at - 40 * 86400 WHERE id = %lld",
             township, ids[1]);
    db_execf(&srv, "UPDATE opinions SET rating = 'satisfied' WHERE id = %lld", ids[0]);
    assert_int_equal(rollup_differences(), 0);
    db_execf(&srv, "UPDATE opinions SET answer = NULL, station_id = NULL, deputy_id = 1 WHERE id = %lld", ids[0]);
    assert_int_equal(rollup_differences(), 0);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM dash_opinion_changes"), 0);
}

static void public_statistics_give_counts_and_never_a_person(void **state)
{
    (void)state;
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/public/stats?region=%s", HOME_REGION);
    api_res_t *p = api_get(&srv, path);
    assert_int_equal(p->status, 200);
    api_res_t *d = dashboard(&admin, "");
    json_t *figures = json_object_get(d->json, "figures");
    assert_int_equal(json_int(p->json, "collected"), json_int(json_object_get(figures, "collected"), "value"));
    assert_int_equal(json_int(p->json, "answered"), json_int(json_object_get(figures, "answered"), "value"));
    assert_true(json_array_size(json_object_get(p->json, "children")) > 0);
    assert_null(strstr(p->body, "\"list")); /* no links into staff lists */
    assert_null(strstr(p->body, "deputy")); /* no names of deputies */
    api_res_free(d);
    api_res_free(p);
    p = api_get(&srv, "/api/v1/public/stats?region=12");
    api_assert_error(p, 400, "bad_query", "region");
    api_res_free(p);
    p = api_get(&srv, "/api/v1/public/stats?region=329999000000");
    assert_int_equal(p->status, 404);
    api_res_free(p);
}

static void a_period_ending_before_it_starts_is_refused_naming_the_field(void **state)
{
    (void)state;
    api_res_t *r = dashboard(&admin, "?from=2026-05-01&to=2026-04-01");
    api_assert_error(r, 400, "bad_query", "to");
    api_res_free(r);
    r = dashboard(&admin, "?from=2026-13-01");
    api_assert_error(r, 400, "bad_query", "from");
    api_res_free(r);
}

static void a_region_outside_scope_gets_no_figures(void **state)
{
    (void)state;
    api_res_t *r = dashboard(&admin, "?region=" FOREIGN_REGION);
    api_assert_error(r, 403, "out_of_scope", "region");
    assert_null(json_object_get(r->json, "figures"));
    api_res_free(r);
    r = dashboard(&staff, "?region=" HOME_REGION); /* the county above the staff's township */
    api_assert_error(r, 403, "out_of_scope", "region");
    api_res_free(r);
    r = dashboard(&admin, "?region=320623999000"); /* in scope, but no such region */
    api_assert_error(r, 404, "not_found", "region");
    api_res_free(r);
    r = dashboard(&admin, "?station=999999");
    api_assert_error(r, 404, "not_found", "station");
    api_res_free(r);
    r = api_get(&srv, "/api/v1/dashboard");
    assert_int_equal(r->status, 401);
    api_res_free(r);
}

static void echarts_is_served_from_its_npm_package_under_the_strict_csp(void **state)
{
    (void)state;
    api_res_t *r = api_get(&srv, "/vendor/echarts/echarts.esm.min.js");
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(api_header(r, "content-type"), "javascript"));
    assert_non_null(strstr(api_header(r, "content-security-policy"), "script-src 'self'"));
    assert_true(r->len > 100000);
    api_res_free(r);
    r = api_get(&srv, "/vendor/echarts/%2e%2e/package.json"); /* nothing of the package beyond dist/ */
    assert_int_equal(r->status, 400);
    api_res_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_county_figure_equals_the_length_of_the_list_it_links_to),
        cmocka_unit_test(a_township_and_a_station_count_what_their_lists_show),
        cmocka_unit_test(children_add_up_to_the_county_and_trends_to_the_period),
        cmocka_unit_test(the_rollup_stays_equal_to_counting_the_opinions_through_every_change),
        cmocka_unit_test(public_statistics_give_counts_and_never_a_person),
        cmocka_unit_test(a_period_ending_before_it_starts_is_refused_naming_the_field),
        cmocka_unit_test(a_region_outside_scope_gets_no_figures),
        cmocka_unit_test(echarts_is_served_from_its_npm_package_under_the_strict_csp),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
