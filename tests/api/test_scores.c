/*
 * scores: duty scores and obligations (履职积分, 履职义务; SPEC §6) through the HTTP API - a
 * confirmed record adds its rule's points and a pending one nothing; a cap stops the score; a
 * rule changed by the office changes the score at once; the explained score names each record
 * and what it earned; ranks share ties and count deputies with no records; the board of who is
 * behind, each count the length of its list; scopes of members, deputies, staff and a neighbour
 * county's office; and the daily reminder to deputies behind, sent once.
 *
 * Duty records are written behind the API with SQL (the rows the records API and the modules
 * write), so these tests stand on the scores alone. Each test makes deputies of its own in the
 * demo staff's street, so its figures are its own; the rules it changes it puts back.
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

#define STREET "320623001000" /* the demo staff's street (掘港街道) in HOME_REGION */

static server_t srv;
static client_t admin, staff, deputy_client, member, unit, rugao;
static long long own_deputy; /* the demo deputy account's deputy */
static int year, month;      /* today in Beijing */
static int fresh;

/* ---- helpers ---- */

static void sql(server_t *s, const char *fmt, ...)
{
    char text[4096] = "PRAGMA busy_timeout = 10000; ";
    size_t used = strlen(text);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text + used, sizeof(text) - used, fmt, ap);
    va_end(ap);
    if (db_exec(s, text) != 0)
        fail_msg("cannot change the database: %s", text);
}

static long long sql_number(server_t *s, const char *fmt, ...)
{
    char text[2048], out[64] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (db_query(s, text, out, sizeof(out)) != 0)
        fail_msg("query failed: %s", text);
    return atoll(out);
}

/* Sends body (a JSON text, or NULL) as c, or as the public when c is NULL; fails unless the
 * answer has status want (0: any). */
static api_res_t *call(client_t *c, const char *method, const char *path, const char *body, long want)
{
    api_res_t *r = c ? client_request(c, method, path, body)
                     : api_request(&srv, method, path, body, body ? strlen(body) : 0, NULL, NULL);
    assert_non_null(r);
    if (want && r->status != want)
        fail_msg("%s %s %s: expected %ld, got %ld %s", method, path, body ? body : "", want, r->status, r->body);
    return r;
}

static long long member_int(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* A new deputy of the street; returns its id. */
static long long new_deputy(void)
{
    char body[160];
    snprintf(body, sizeof(body), "{\"name\":\"积分代表%d\",\"gender\":\"male\",\"region\":\"%s\"}", ++fresh, STREET);
    api_res_t *r = call(&admin, "POST", "/api/v1/deputies", body, 201);
    long long id = member_int(r->json, "id");
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

/* A duty record of the deputy written as the records API or a module would; returns its id. */
static long long record(long long deputy, const char *kind, const char *day, const char *state)
{
    sql(&srv,
        "INSERT INTO duty_records (deputy_id, region_code, kind, title, happened_on, state, created_at, updated_at,"
        " confirmed_at) SELECT id, region_code, '%s', '积分记录%d', '%s', '%s', 0, 0, NULL FROM deputies WHERE id = "
        "%lld",
        kind, ++fresh, day, state, deputy);
    return sql_number(&srv, "SELECT max(id) FROM duty_records");
}

static void day_of_year(int m, int d, char out[11])
{
    snprintf(out, 11, "%04d-%02d-%02d", year, m, d);
}

/* n confirmed records of kind on days first, first + 1, ... of month m this year. */
static void records_in(long long deputy, const char *kind, int m, int first, int n)
{
    char day[11];
    for (int i = 0; i < n; i++) {
        day_of_year(m, first + i, day);
        record(deputy, kind, day, "confirmed");
    }
}

/* The explained score of a deputy (this year unless year_asked), as c; the caller frees. */
static api_res_t *score_of(client_t *c, long long deputy, long want)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/deputies/%lld/score?year=%d", deputy, year);
    return call(c, "GET", path, NULL, want);
}

static long long score(long long deputy)
{
    api_res_t *r = score_of(&admin, deputy, 200);
    long long s = member_int(r->json, "score");
    api_res_free(r);
    return s;
}

/* The item of the explained score for the rule of kind. */
static json_t *item_of(const api_res_t *r, const char *kind)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        if (strcmp(json_string_value(json_object_get(json_object_get(item, "rule"), "kind")), kind) == 0)
            return item;
    }
    fail_msg("no item for %s in %s", kind, r->body);
    return NULL;
}

/* The rule of kind from GET /api/v1/duty-rules: its id, and its points. */
static long long rule_id(const char *kind, int *points)
{
    api_res_t *r = call(&staff, "GET", "/api/v1/duty-rules", NULL, 200);
    size_t i;
    json_t *rule;
    long long id = 0;
    json_array_foreach(json_object_get(r->json, "items"), i, rule)
    {
        if (strcmp(json_string_value(json_object_get(rule, "kind")), kind) == 0) {
            id = member_int(rule, "id");
            if (points)
                *points = (int)member_int(rule, "points");
        }
    }
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

static void patch_rule(const char *collection, long long id, const char *body, long want)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/%s/%lld", collection, id);
    api_res_free(call(&admin, "PATCH", path, body, want));
}

/* The entry of a deputy on a board answer, or NULL. */
static json_t *board_entry(const api_res_t *r, long long deputy)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        if (member_int(json_object_get(item, "deputy"), "id") == deputy)
            return item;
    }
    return NULL;
}

static api_res_t *board(client_t *c, const char *region, long want)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/scores?year=%d&limit=1000%s%s", year, region ? "&region=" : "",
             region ? region : "");
    return call(c, "GET", path, NULL, want);
}

static void sign_in(client_t *c, const char *name)
{
    if (!client_login(c, &srv, name, DEMO_PASSWORD))
        fail_msg("cannot sign in as %s", name);
}

static int setup(void **state)
{
    (void)state;
    server_up(&srv, (const char *const[]){"--rate-limits=off", NULL});
    sign_in(&admin, "admin");
    sign_in(&staff, "staff");
    sign_in(&deputy_client, "deputy");
    sign_in(&member, "member");
    sign_in(&unit, "unit");
    sign_in(&rugao, FOREIGN_ADMIN);
    own_deputy = sql_number(&srv, "SELECT deputy_id FROM users WHERE username = 'deputy'");
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    year = tm.tm_year + 1900;
    month = tm.tm_mon + 1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

/* ---- scores ---- */

static void a_pending_record_earns_nothing_and_each_confirmed_one_adds_its_rules_points(void **state)
{
    int points;
    rule_id("meeting", &points);
    long long d = new_deputy();
    char day[11];
    day_of_year(1, 10, day);
    long long first = record(d, "meeting", day, "pending");
    assert_int_equal(score(d), 0);
    sql(&srv, "UPDATE duty_records SET state = 'confirmed', confirmed_at = 1 WHERE id = %lld", first);
    assert_int_equal(score(d), points);
    day_of_year(2, 10, day);
    record(d, "meeting", day, "confirmed");
    assert_int_equal(score(d), 2 * points);
    record(d, "meeting", day, "rejected");
    assert_int_equal(score(d), 2 * points);
    /* the board says the same, with the records counted */
    api_res_t *r = board(&admin, STREET, 200);
    json_t *entry = board_entry(r, d);
    assert_non_null(entry);
    assert_int_equal(member_int(entry, "score"), 2 * points);
    assert_int_equal(member_int(entry, "records"), 2);
    api_res_free(r);
}

static void a_cap_stops_the_score_and_the_trace_names_which_records_earned(void **state)
{
    /* 学习培训: 2 points each, at most 8 a year, as shipped */
    long long rule = rule_id("training", NULL);
    patch_rule("duty-rules", rule, "{\"points\":2,\"cap\":8,\"period\":\"year\"}", 200);
    long long d = new_deputy();
    char day[11];
    long long ids[5];
    static const int days[5][2] = {{3, 1}, {1, 5}, {2, 1}, {1, 20}, {3, 1}}; /* out of order on purpose */
    for (int i = 0; i < 5; i++) {
        day_of_year(days[i][0], days[i][1], day);
        ids[i] = record(d, "training", day, "confirmed");
    }
    api_res_t *r = score_of(&admin, d, 200);
    assert_int_equal(member_int(r->json, "score"), 8);
    json_t *item = item_of(r, "training");
    assert_int_equal(member_int(item, "points"), 8);
    assert_int_equal(member_int(item, "raw"), 10);
    /* in the order they happened, then by id: 01-05, 01-20, 02-01 and the first 03-01 earn; the
     * second 03-01 (the higher id) comes after the cap and earns nothing */
    const long long order[5] = {ids[1], ids[3], ids[2], ids[0], ids[4]};
    const long long earned[5] = {2, 2, 2, 2, 0};
    json_t *records = json_object_get(item, "records");
    assert_int_equal(json_array_size(records), 5);
    for (size_t i = 0; i < 5; i++) {
        json_t *rec = json_array_get(records, i);
        assert_int_equal(member_int(rec, "id"), order[i]);
        assert_int_equal(member_int(rec, "points"), earned[i]);
        assert_string_equal(json_string_value(json_object_get(rec, "source")), "manual");
        assert_non_null(json_string_value(json_object_get(rec, "title")));
    }
    api_res_free(r);
}

static void a_monthly_cap_starts_again_each_month(void **state)
{
    /* 接待选民: 2 points each, at most 4 a month */
    long long rule = rule_id("reception", NULL);
    patch_rule("duty-rules", rule, "{\"points\":2,\"cap\":4,\"period\":\"month\"}", 200);
    long long d = new_deputy();
    records_in(d, "reception", 1, 1, 3);
    records_in(d, "reception", 2, 1, 1);
    assert_int_equal(score(d), 6);
}

static void changing_a_rules_points_or_cap_changes_the_score_at_once(void **state)
{
    int points;
    long long rule = rule_id("help", &points);
    long long d = new_deputy();
    records_in(d, "help", 4, 1, 4);
    patch_rule("duty-rules", rule, "{\"points\":3,\"cap\":9}", 200);
    assert_int_equal(score(d), 9);
    patch_rule("duty-rules", rule, "{\"points\":7}", 200);
    assert_int_equal(score(d), 9);
    patch_rule("duty-rules", rule, "{\"cap\":null}", 200);
    assert_int_equal(score(d), 28);
    patch_rule("duty-rules", rule, "{\"cap\":0}", 200);
    assert_int_equal(score(d), 0);
    /* the answer is the rule as it now is, and the office's change is in the audit log */
    char path[64], body[64];
    snprintf(path, sizeof(path), "/api/v1/duty-rules/%lld", rule);
    api_res_t *r = call(&admin, "PATCH", path, "{\"points\":3,\"cap\":9,\"name\":\"为民办实事\"}", 200);
    assert_int_equal(member_int(r->json, "points"), 3);
    assert_int_equal(member_int(r->json, "cap"), 9);
    assert_string_equal(json_string_value(json_object_get(r->json, "kind")), "help");
    api_res_free(r);
    assert_int_equal(score(d), 9);
    snprintf(body, sizeof(body), "%lld", rule);
    assert_true(sql_number(&srv,
                           "SELECT count(*) FROM audit_log WHERE action = 'duty_rule.update' AND entity_id = '%s'",
                           body) >= 5);
}

static void bad_rule_changes_are_refused_naming_the_field(void **state)
{
    long long rule = rule_id("visit", NULL);
    static const struct {
        const char *body, *field;
    } cases[] = {
        {"{\"cap\":-1}", "cap"},
        {"{\"cap\":\"8\"}", "cap"},
        {"{\"cap\":1.5}", "cap"},
        {"{\"points\":-1}", "points"},
        {"{\"points\":1001}", "points"},
        {"{\"points\":null}", "points"},
        {"{\"period\":\"week\"}", "period"},
        {"{\"evidence\":\"video\"}", "evidence"},
        {"{\"name\":\"\"}", "name"},
        {"{\"kind\":\"visit\"}", "kind"},
        {"{\"id\":3}", "id"},
    };
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/duty-rules/%lld", rule);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        api_res_t *r = call(&admin, "PATCH", path, cases[i].body, 0);
        api_assert_error(r, 422, "invalid", cases[i].field);
        api_res_free(r);
    }
    api_res_t *r = call(&admin, "PATCH", "/api/v1/duty-rules/9999", "{\"points\":1}", 0);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = call(&staff, "PATCH", path, "{\"points\":1}", 0);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = call(NULL, "GET", "/api/v1/duty-rules", NULL, 0);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
    /* nothing changed */
    int points;
    rule_id("visit", &points);
    assert_int_equal(points, 2);
}

/* Whether the board is sorted best first and ranked 1, 2, 2, 4. */
static void assert_ranked(const api_res_t *r)
{
    json_t *items = json_object_get(r->json, "items");
    for (size_t i = 1; i < json_array_size(items); i++) {
        json_t *a = json_array_get(items, i - 1), *b = json_array_get(items, i);
        assert_true(member_int(a, "score") >= member_int(b, "score"));
        if (member_int(a, "score") == member_int(b, "score"))
            assert_int_equal(member_int(a, "rank"), member_int(b, "rank"));
        else
            assert_true(member_int(b, "rank") > member_int(a, "rank"));
    }
}

static void equal_scores_share_a_rank_and_deputies_without_records_are_ranked_too(void **state)
{
    long long a = new_deputy(), b = new_deputy(), c = new_deputy(), none = new_deputy();
    char day[11];
    day_of_year(1, 3, day);
    record(a, "suggestion", day, "confirmed");
    record(b, "suggestion", day, "confirmed");
    record(c, "group", day, "confirmed");
    api_res_t *county = board(&admin, NULL, 200);
    assert_ranked(county);
    json_t *items = json_object_get(county->json, "items");
    /* every live deputy of the county is on the board, with or without records */
    assert_int_equal(json_array_size(items), sql_number(&srv, "SELECT count(*) FROM deputies WHERE region_code"
                                                              " LIKE '320623%%' AND deleted_at IS NULL"));
    assert_int_equal(member_int(county->json, "of"), json_array_size(items));
    json_t *ea = board_entry(county, a), *eb = board_entry(county, b), *ec = board_entry(county, c),
           *en = board_entry(county, none);
    assert_non_null(ea);
    assert_non_null(en);
    assert_int_equal(member_int(ea, "score"), member_int(eb, "score"));
    assert_int_equal(member_int(ea, "rank"), member_int(eb, "rank"));
    assert_int_equal(member_int(en, "score"), 0);
    assert_int_equal(member_int(en, "records"), 0);
    /* a rank is one more than the number of better scores */
    json_t *check[] = {ea, ec, en};
    for (int k = 0; k < 3; k++) {
        long long better = 0;
        size_t i;
        json_t *item;
        json_array_foreach(items, i, item) better += member_int(item, "score") > member_int(check[k], "score");
        assert_int_equal(member_int(check[k], "rank"), better + 1);
    }
    /* the street's board ranks among the whole county, and so does the explained score */
    api_res_t *street = board(&staff, NULL, 200);
    json_t *sa = board_entry(street, a);
    assert_non_null(sa);
    assert_int_equal(member_int(sa, "rank"), member_int(ea, "rank"));
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(street->json, "items"), i, item) assert_int_equal(
        strncmp(json_string_value(json_object_get(json_object_get(item, "deputy"), "region")), "320623001", 9), 0);
    api_res_t *explained = score_of(&staff, a, 200);
    assert_int_equal(member_int(explained->json, "rank"), member_int(ea, "rank"));
    assert_int_equal(member_int(explained->json, "of"), member_int(county->json, "of"));
    assert_int_equal(member_int(explained->json, "score"), member_int(ea, "score"));
    api_res_free(explained);
    api_res_free(street);
    api_res_free(county);
}

static void the_explained_score_adds_up_to_the_board_and_its_items(void **state)
{
    long long d = new_deputy();
    static const char *const kinds[] = {"meeting", "observe", "online", "online", "campaign", "report", "report"};
    char day[11];
    for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
        day_of_year((int)i + 1, 2, day);
        record(d, kinds[i], day, "confirmed");
    }
    api_res_t *r = score_of(&deputy_client, own_deputy, 200);
    api_res_free(r);
    r = score_of(&admin, d, 200);
    long long sum = 0, records = 0;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        long long traced = 0;
        size_t k;
        json_t *rec;
        json_array_foreach(json_object_get(item, "records"), k, rec) traced += member_int(rec, "points");
        assert_int_equal(traced, member_int(item, "points"));
        sum += member_int(item, "points");
        records += (long long)json_array_size(json_object_get(item, "records"));
    }
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 12);
    assert_int_equal(sum, member_int(r->json, "score"));
    assert_int_equal(records, 7);
    api_res_t *b = board(&admin, STREET, 200);
    assert_int_equal(member_int(board_entry(b, d), "score"), sum);
    api_res_free(b);
    api_res_free(r);
    /* a past year has none of these */
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/deputies/%lld/score?year=%d", d, year - 1);
    r = call(&admin, "GET", path, NULL, 200);
    assert_int_equal(member_int(r->json, "score"), 0);
    api_res_free(r);
}

static void the_board_pages_after_a_deputy(void **state)
{
    api_res_t *all = board(&admin, NULL, 200);
    json_t *items = json_object_get(all->json, "items");
    assert_true(json_array_size(items) > 5);
    long long third = member_int(json_object_get(json_array_get(items, 2), "deputy"), "id");
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/scores?year=%d&limit=2&after=%lld", year, third);
    api_res_t *page = call(&admin, "GET", path, NULL, 200);
    json_t *got = json_object_get(page->json, "items");
    assert_int_equal(json_array_size(got), 2);
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(member_int(json_object_get(json_array_get(got, i), "deputy"), "id"),
                         member_int(json_object_get(json_array_get(items, 3 + i), "deputy"), "id"));
    assert_int_equal(member_int(page->json, "next"),
                     member_int(json_object_get(json_array_get(items, 4), "deputy"), "id"));
    api_res_free(page);
    api_res_free(all);
}

/* ---- scopes ---- */

static void a_member_sees_the_board_and_only_the_deputies_linked_to_them(void **state)
{
    long long d = new_deputy();
    api_res_free(board(&member, NULL, 200));
    api_res_t *r = score_of(&member, d, 0);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    sql(&srv,
        "INSERT INTO member_deputies (member_user_id, deputy_id, linked_at) SELECT id, %lld, 0 FROM users"
        " WHERE username = 'member'",
        d);
    api_res_free(score_of(&member, d, 200));
}

static void deputies_read_their_own_score_alone_and_other_roles_nothing(void **state)
{
    long long d = new_deputy();
    api_res_free(score_of(&deputy_client, own_deputy, 200));
    api_res_t *r = score_of(&deputy_client, d, 0);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = board(&deputy_client, NULL, 0);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = call(&unit, "GET", "/api/v1/obligations", NULL, 0);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = score_of(&unit, d, 0);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = score_of(NULL, d, 0);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
    r = call(&admin, "GET", "/api/v1/deputies/99999999/score", NULL, 0);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
}

static void a_neighbour_countys_office_gets_nothing_of_ours(void **state)
{
    long long d = new_deputy();
    char day[11];
    day_of_year(1, 1, day);
    record(d, "meeting", day, "confirmed");
    api_res_t *r = score_of(&rugao, d, 0);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = board(&rugao, HOME_REGION, 0);
    api_assert_error(r, 403, "out_of_scope", "region");
    api_res_free(r);
    r = call(&rugao, "GET", "/api/v1/obligations?region=" HOME_REGION, NULL, 0);
    api_assert_error(r, 403, "out_of_scope", "region");
    api_res_free(r);
    /* its own board holds none of our deputies */
    r = board(&rugao, NULL, 200);
    assert_null(board_entry(r, d));
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item) assert_int_equal(
        strncmp(json_string_value(json_object_get(json_object_get(item, "deputy"), "region")), "320682", 6), 0);
    api_res_free(r);
    /* nor does the street's staff read a deputy of the county seat outside their street */
    long long county_deputy =
        sql_number(&srv, "SELECT min(id) FROM deputies WHERE region_code = '%s' AND deleted_at IS NULL", HOME_REGION);
    r = score_of(&staff, county_deputy, 0);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
}

static void bad_queries_are_refused(void **state)
{
    static const char *const paths[] = {"/api/v1/scores?year=1999", "/api/v1/scores?year=abc", "/api/v1/scores?limit=0",
                                        "/api/v1/obligations?year=2101"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
        api_res_t *r = call(&admin, "GET", paths[i], NULL, 0);
        api_assert_error(r, 400, "bad_query", NULL);
        api_res_free(r);
    }
    api_res_t *r = call(&admin, "GET", "/api/v1/scores?region=12", NULL, 0);
    api_assert_error(r, 403, "out_of_scope", "region");
    api_res_free(r);
}

/* ---- obligations ---- */

/* The behind list of the rule with code on an obligations answer. */
static json_t *behind_of(const api_res_t *r, const char *code)
{
    size_t i;
    json_t *rule;
    json_array_foreach(json_object_get(r->json, "rules"), i, rule)
    {
        if (strcmp(json_string_value(json_object_get(json_object_get(rule, "rule"), "code")), code) == 0)
            return json_object_get(rule, "behind");
    }
    return NULL;
}

static json_t *behind_entry(json_t *behind, long long id)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(behind, "items"), i, item) if (member_int(item, "id") == id) return item;
    return NULL;
}

static void obligations_list_who_is_behind_and_each_count_is_its_lists_length(void **state)
{
    long long idle = new_deputy(), busy = new_deputy();
    char day[11];
    for (int m = 1; m <= month; m++) {
        day_of_year(m, 1, day);
        record(busy, m % 2 ? "visit" : "online", day, "confirmed");
    }
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/obligations?year=%d&region=%s", year, STREET);
    api_res_t *r = call(&staff, "GET", path, NULL, 200);
    json_t *rules = json_object_get(r->json, "rules");
    assert_true(json_array_size(rules) >= 8);
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        json_t *behind = json_object_get(rule, "behind");
        assert_int_equal(member_int(behind, "count"), json_array_size(json_object_get(behind, "items")));
        assert_non_null(json_string_value(json_object_get(rule, "subject")));
    }
    json_t *contact = behind_of(r, "deputy_contact");
    assert_non_null(contact);
    assert_null(behind_entry(contact, busy));
    json_t *e = behind_entry(contact, idle);
    assert_non_null(e);
    /* the months ended are missed, this one is due */
    char key[16];
    snprintf(key, sizeof(key), "%04d-%02d", year, month);
    assert_string_equal(json_string_value(json_object_get(e, "due")), key);
    assert_int_equal(json_array_size(json_object_get(e, "missed")), month - 1);
    if (month > 1) {
        snprintf(key, sizeof(key), "%04d-01", year);
        assert_string_equal(json_string_value(json_array_get(json_object_get(e, "missed"), 0)), key);
    }
    assert_int_equal(member_int(e, "done"), 0);
    assert_int_equal(member_int(e, "required"), month);
    /* the yearly report is still due for both */
    json_t *report = behind_of(r, "deputy_report");
    assert_non_null(behind_entry(report, busy));
    snprintf(key, sizeof(key), "%04d", year);
    assert_string_equal(json_string_value(json_object_get(behind_entry(report, idle), "due")), key);
    /* groups and stations are assessed too */
    assert_non_null(behind_of(r, "group_theme"));
    assert_non_null(behind_of(r, "station_monthly"));
    api_res_free(r);
    /* a year gone by has every period ended: missed, nothing due */
    snprintf(path, sizeof(path), "/api/v1/obligations?year=%d&region=%s", year - 1, STREET);
    r = call(&admin, "GET", path, NULL, 200);
    e = behind_entry(behind_of(r, "deputy_contact"), idle);
    assert_non_null(e);
    assert_int_equal(json_array_size(json_object_get(e, "missed")), 12);
    assert_true(json_is_null(json_object_get(e, "due")));
    api_res_free(r);
}

static void a_rule_changed_or_switched_off_changes_who_is_behind(void **state)
{
    long long busy = new_deputy();
    char day[11], path[96];
    for (int m = 1; m <= month; m++) {
        day_of_year(m, 2, day);
        record(busy, "reception", day, "confirmed");
    }
    api_res_t *r = call(&staff, "GET", "/api/v1/obligation-rules", NULL, 200);
    long long contact = 0;
    size_t i;
    json_t *rule;
    json_array_foreach(json_object_get(r->json, "items"), i, rule)
    {
        if (strcmp(json_string_value(json_object_get(rule, "code")), "deputy_contact") == 0) {
            contact = member_int(rule, "id");
            assert_true(json_is_array(json_object_get(rule, "kinds")));
        }
    }
    api_res_free(r);
    assert_true(contact > 0);
    snprintf(path, sizeof(path), "/api/v1/obligations?year=%d&region=%s", year, STREET);
    r = call(&admin, "GET", path, NULL, 200);
    assert_null(behind_entry(behind_of(r, "deputy_contact"), busy));
    api_res_free(r);
    /* two a month: now behind in every month */
    patch_rule("obligation-rules", contact, "{\"required\":2}", 200);
    r = call(&admin, "GET", path, NULL, 200);
    json_t *e = behind_entry(behind_of(r, "deputy_contact"), busy);
    assert_non_null(e);
    assert_int_equal(json_array_size(json_object_get(e, "missed")), month - 1);
    api_res_free(r);
    /* receptions no longer count: still behind with one a month */
    patch_rule("obligation-rules", contact, "{\"required\":1,\"kinds\":[\"visit\",\"online\"]}", 200);
    r = call(&admin, "GET", path, NULL, 200);
    assert_non_null(behind_entry(behind_of(r, "deputy_contact"), busy));
    api_res_free(r);
    /* switched off, the rule is not assessed */
    patch_rule("obligation-rules", contact, "{\"active\":false}", 200);
    r = call(&admin, "GET", path, NULL, 200);
    assert_null(behind_of(r, "deputy_contact"));
    api_res_free(r);
    patch_rule("obligation-rules", contact, "{\"active\":true,\"kinds\":[\"reception\",\"visit\",\"online\"]}", 200);
    /* bad changes name their field */
    static const struct {
        const char *body, *field;
    } cases[] = {
        {"{\"required\":0}", "required"},
        {"{\"required\":101}", "required"},
        {"{\"period\":\"day\"}", "period"},
        {"{\"kinds\":[\"nap\"]}", "kinds"},
        {"{\"kinds\":[]}", "kinds"},
        {"{\"kinds\":\"visit\"}", "kinds"},
        {"{\"kinds\":[\"visit\",\"visit\"]}", "kinds"},
        {"{\"active\":1}", "active"},
        {"{\"code\":\"x\"}", "code"},
    };
    snprintf(path, sizeof(path), "/api/v1/obligation-rules/%lld", contact);
    for (size_t k = 0; k < sizeof(cases) / sizeof(*cases); k++) {
        r = call(&admin, "PATCH", path, cases[k].body, 0);
        api_assert_error(r, 422, "invalid", cases[k].field);
        api_res_free(r);
    }
    long long station_rule = sql_number(&srv, "SELECT id FROM obligation_rules WHERE code = 'station_monthly'");
    snprintf(path, sizeof(path), "/api/v1/obligation-rules/%lld", station_rule);
    r = call(&admin, "PATCH", path, "{\"kinds\":[\"reception\"]}", 0);
    api_assert_error(r, 422, "invalid", "kinds");
    api_res_free(r);
    r = call(&member, "PATCH", path, "{\"required\":1}", 0);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    assert_true(sql_number(&srv, "SELECT count(*) FROM audit_log WHERE action = 'obligation_rule.update'") >= 4);
}

/* Noon in Beijing of day d of month m this year, in unix seconds. */
static long long beijing_noon(int m, int d)
{
    struct tm tm = {.tm_year = year - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 4};
    return (long long)timegm(&tm);
}

static void a_station_month_counts_with_a_held_reception_or_a_visit(void **state)
{
    char body[160], path[96], key[16];
    snprintf(body, sizeof(body), "{\"name\":\"积分联络点%d\",\"kind\":\"hub\",\"region\":\"%s\"}", ++fresh, STREET);
    api_res_t *r = call(&admin, "POST", "/api/v1/stations", body, 201);
    long long station = member_int(r->json, "id");
    api_res_free(r);
    snprintf(path, sizeof(path), "/api/v1/obligations?year=%d&region=%s", year, STREET);
    snprintf(key, sizeof(key), "%04d-%02d", year, month);
    r = call(&staff, "GET", path, NULL, 200);
    json_t *e = behind_entry(behind_of(r, "station_monthly"), station);
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "due")), key);
    assert_int_equal(json_array_size(json_object_get(e, "missed")), month - 1);
    api_res_free(r);
    /* January: a reception announced but never held counts for nothing, a visit received at it
     * does; this month: a reception held */
    long long jan = beijing_noon(1, 15), now = (long long)time(NULL);
    sql(&srv,
        "INSERT INTO activities (station_id, region_code, kind, title, starts_at, ends_at, capacity, state,"
        " created_at, updated_at) VALUES (%lld, '%s', 'reception', '积分接待日', %lld, %lld, 0, 'announced', 0, 0);"
        "INSERT INTO visits (activity_id, station_id, region_code, topic, created_at)"
        " VALUES (last_insert_rowid(), %lld, '%s', '积分来访', %lld);"
        "INSERT INTO activities (station_id, region_code, kind, title, starts_at, ends_at, capacity, state,"
        " created_at, updated_at) VALUES (%lld, '%s', 'reception', '积分接待日', %lld, %lld, 0, 'held', 0, 0)",
        station, STREET, jan, jan + 3600, station, STREET, jan, station, STREET, now - 60, now);
    r = call(&staff, "GET", path, NULL, 200);
    e = behind_entry(behind_of(r, "station_monthly"), station);
    if (month <= 2) {
        assert_null(e); /* January and this month were all there was */
    } else {
        assert_non_null(e);
        assert_true(json_is_null(json_object_get(e, "due")));
        assert_int_equal(json_array_size(json_object_get(e, "missed")), month - 2);
        snprintf(key, sizeof(key), "%04d-02", year);
        assert_string_equal(json_string_value(json_array_get(json_object_get(e, "missed"), 0)), key);
    }
    api_res_free(r);
}

/* ---- the daily reminder ---- */

typedef struct {
    server_t *s;
    long long deputy;
} reminded_t;

static bool reminded(void *arg)
{
    reminded_t *w = arg;
    char text[256], out[32] = "";
    snprintf(text, sizeof(text),
             "SELECT count(*) FROM outbox WHERE event = 'obligation.behind' AND recipient = 'deputy:%lld'", w->deputy);
    return db_query(w->s, text, out, sizeof(out)) == 0 && atoll(out) > 0;
}

static void deputies_behind_in_the_month_just_ended_are_reminded_once(void **state)
{
    server_t jobs;
    server_prepare(&jobs);
    int last_year = month == 1 ? year - 1 : year, last_month = month == 1 ? 12 : month - 1;
    char key[32];
    snprintf(key, sizeof(key), "%04d-%02d", last_year, last_month);
    /* two deputies known since long ago: one who contacted voters last month, one who did not */
    static const char quiet[] = "SELECT min(id) FROM deputies d WHERE region_code LIKE '320623%%' AND id > %lld"
                                " AND NOT EXISTS (SELECT 1 FROM duty_records x WHERE x.deputy_id = d.id"
                                " AND x.happened_on LIKE '%s%%' AND x.kind IN ('reception', 'visit', 'online'))";
    long long idle = sql_number(&jobs, quiet, 0LL, key);
    long long busy = sql_number(&jobs, quiet, idle, key);
    long long later = sql_number(&jobs, quiet, busy, key);
    sql(&jobs,
        "UPDATE deputies SET created_at = 0 WHERE id IN (%lld, %lld);"
        "INSERT INTO duty_records (deputy_id, region_code, kind, title, happened_on, state, created_at,"
        " updated_at) SELECT id, region_code, 'visit', '走访', '%s-15', 'confirmed', 0, 0 FROM deputies"
        " WHERE id = %lld",
        idle, busy, key, busy);
    server_start(&jobs, (const char *const[]){"--rate-limits=off", "--jobs-interval-s=1", NULL});
    reminded_t w = {&jobs, idle};
    assert_true(wait_until(reminded, &w, 20000));
    char text[512], out[512] = "";
    snprintf(text, sizeof(text),
             "SELECT payload FROM outbox WHERE event = 'obligation.behind' AND recipient = 'deputy:%lld'"
             " AND payload LIKE '%%deputy_contact%%'",
             idle);
    assert_int_equal(db_query(&jobs, text, out, sizeof(out)), 0);
    json_t *payload = json_loads(out, 0, NULL);
    assert_non_null(payload);
    assert_string_equal(json_string_value(json_object_get(payload, "period")), key);
    json_decref(payload);
    assert_int_equal(
        sql_number(&jobs,
                   "SELECT count(*) FROM obligation_reminders r JOIN obligation_rules o ON o.id = r.rule_id"
                   " WHERE o.code = 'deputy_contact' AND r.subject_id = %lld AND r.period_key = '%s'",
                   idle, key),
        1);
    /* the one who contacted voters hears nothing of that rule; deputies new to the registry nothing */
    assert_int_equal(sql_number(&jobs,
                                "SELECT count(*) FROM outbox WHERE event = 'obligation.behind' AND recipient ="
                                " 'deputy:%lld' AND payload LIKE '%%deputy_contact%%'",
                                busy),
                     0);
    assert_int_equal(sql_number(&jobs,
                                "SELECT count(*) FROM outbox WHERE event = 'obligation.behind' AND recipient NOT IN"
                                " ('deputy:%lld', 'deputy:%lld')",
                                idle, busy),
                     0);
    /* a restart sweeps again: a deputy made old meanwhile is reminded, the first one not twice */
    server_stop(&jobs);
    sql(&jobs, "UPDATE deputies SET created_at = 0 WHERE id = %lld", later);
    server_start(&jobs, (const char *const[]){"--rate-limits=off", "--jobs-interval-s=1", NULL});
    w.deputy = later;
    assert_true(wait_until(reminded, &w, 20000));
    assert_int_equal(sql_number(&jobs,
                                "SELECT count(*) FROM outbox WHERE event = 'obligation.behind' AND recipient ="
                                " 'deputy:%lld' AND payload LIKE '%%deputy_contact%%'",
                                idle),
                     1);
    server_down(&jobs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_pending_record_earns_nothing_and_each_confirmed_one_adds_its_rules_points),
        cmocka_unit_test(a_cap_stops_the_score_and_the_trace_names_which_records_earned),
        cmocka_unit_test(a_monthly_cap_starts_again_each_month),
        cmocka_unit_test(changing_a_rules_points_or_cap_changes_the_score_at_once),
        cmocka_unit_test(bad_rule_changes_are_refused_naming_the_field),
        cmocka_unit_test(equal_scores_share_a_rank_and_deputies_without_records_are_ranked_too),
        cmocka_unit_test(the_explained_score_adds_up_to_the_board_and_its_items),
        cmocka_unit_test(the_board_pages_after_a_deputy),
        cmocka_unit_test(a_member_sees_the_board_and_only_the_deputies_linked_to_them),
        cmocka_unit_test(deputies_read_their_own_score_alone_and_other_roles_nothing),
        cmocka_unit_test(a_neighbour_countys_office_gets_nothing_of_ours),
        cmocka_unit_test(bad_queries_are_refused),
        cmocka_unit_test(obligations_list_who_is_behind_and_each_count_is_its_lists_length),
        cmocka_unit_test(a_rule_changed_or_switched_off_changes_who_is_behind),
        cmocka_unit_test(a_station_month_counts_with_a_held_reception_or_a_visit),
        cmocka_unit_test(deputies_behind_in_the_month_just_ended_are_reminded_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
