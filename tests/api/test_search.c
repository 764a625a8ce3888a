/*
 * search: staff find opinions, answers, suggestions and duty records by any piece of their
 * Chinese text - three characters or more through the trigram index, one or two by reading the
 * newest rows of their region - only inside their own region, with the matched words marked.
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
static client_t admin, staff, deputy, foreign_admin;
static char staff_region[13];
static long long station;

static api_res_t *call(client_t *c, const char *method, const char *path, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    api_res_t *r = client_request(c, method, path, text);
    free(text);
    assert_non_null(r);
    return r;
}

static void expect(const api_res_t *r, long status, const char *what)
{
    if (r->status != status)
        fail_msg("%s: %ld %s", what, r->status, r->body);
}

/* Sends an opinion to the staff's station as the admin; returns its id. */
static long long send_opinion(const char *content)
{
    api_res_t *r = call(&admin, "POST", "/api/v1/opinions",
                        json_pack("{s:I, s:s, s:s, s:s}", "station_id", (json_int_t)station, "category", "urban",
                                  "content", content, "region", staff_region));
    expect(r, 201, "POST /api/v1/opinions");
    long long id = (long long)json_integer_value(json_object_get(r->json, "id"));
    api_res_free(r);
    return id;
}

/* GET /api/v1/search as c with the query q (URL-encoded by the caller where needed). */
static api_res_t *search(client_t *c, const char *kind, const char *q)
{
    char path[2600];
    snprintf(path, sizeof(path), "/api/v1/search?kind=%s&q=%s", kind, q);
    return call(c, "GET", path, NULL);
}

/* Percent-encodes s for a query string. */
static const char *encoded(const char *s)
{
    static char out[2400];
    char *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p && o < out + sizeof(out) - 4; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = '\0';
    return out;
}

static json_t *hit_with_id(const api_res_t *r, long long id)
{
    json_t *item;
    size_t i;
    json_array_foreach(json_object_get(r->json, "items"), i, item) {
        if (json_integer_value(json_object_get(item, "id")) == id)
            return item;
    }
    return NULL;
}

/* The marked pieces of a hit's match in field, joined with [ ] around each hit. */
static void marked(json_t *hit, const char *field, char *out, size_t len)
{
    out[0] = '\0';
    json_t *m;
    size_t i;
    json_array_foreach(json_object_get(hit, "matches"), i, m) {
        if (strcmp(json_string_value(json_object_get(m, "field")), field) != 0)
            continue;
        json_t *p;
        size_t k;
        json_array_foreach(json_object_get(m, "pieces"), k, p) {
            bool is_hit = json_is_true(json_object_get(p, "hit"));
            snprintf(out + strlen(out), len - strlen(out), "%s%s%s", is_hit ? "[" : "",
                     json_string_value(json_object_get(p, "text")), is_hit ? "]" : "");
        }
    }
}

static int start(void **state)
{
    (void)state;
    const char *flags[] = {"--rate-limits=off", NULL};
    server_up(&srv, flags);
    assert_true(client_login(&admin, &srv, "admin", DEMO_PASSWORD));
    assert_true(client_login(&staff, &srv, "staff", DEMO_PASSWORD));
    assert_true(client_login(&deputy, &srv, "deputy", DEMO_PASSWORD));
    assert_true(client_login(&foreign_admin, &srv, FOREIGN_ADMIN, DEMO_PASSWORD));
    api_res_t *r = call(&staff, "GET", "/api/v1/session", NULL);
    snprintf(staff_region, sizeof(staff_region), "%s",
             json_string_value(json_object_get(json_object_get(r->json, "user"), "region")));
    api_res_free(r);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/stations?region=%s&limit=1", staff_region);
    r = call(&admin, "GET", path, NULL);
    station = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "id"));
    api_res_free(r);
    assert_true(station > 0);
    return 0;
}

static int stop(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

static void staff_find_an_opinion_by_a_phrase_in_the_middle_of_it_with_the_phrase_marked(void **state)
{
    (void)state;
    long long id = send_opinion("幸福里小区东门外的雨水井盖松动，晚上骑车经过很危险，希望尽快修理。");
    api_res_t *r = search(&staff, "opinion", encoded("雨水井盖"));
    expect(r, 200, "search");
    json_t *hit = hit_with_id(r, id);
    assert_non_null(hit);
    char text[1024];
    marked(hit, "content", text, sizeof(text));
    assert_string_equal(text, "幸福里小区东门外的[雨水井盖]松动，晚上骑车经过很危险，希望尽快修理。");
    assert_false(json_is_true(json_object_get(r->json, "partial")));
    api_res_free(r);
}

static void one_and_two_character_queries_find_what_the_index_cannot(void **state)
{
    (void)state;
    long long id = send_opinion("公园里的鹦鹉笼子坏了，鸟飞到马路上。");
    api_res_t *r = search(&staff, "opinion", encoded("鹦鹉"));
    expect(r, 200, "two characters");
    assert_non_null(hit_with_id(r, id));
    api_res_free(r);
    r = search(&staff, "opinion", encoded("鹉"));
    expect(r, 200, "one character");
    json_t *hit = hit_with_id(r, id);
    assert_non_null(hit);
    char text[1024];
    marked(hit, "content", text, sizeof(text));
    assert_string_equal(text, "公园里的鹦[鹉]笼子坏了，鸟飞到马路上。");
    api_res_free(r);
}

static void every_word_of_the_query_must_occur_and_latin_letters_ignore_case(void **state)
{
    (void)state;
    long long both = send_opinion("建议在LED路灯旁增设减速带，学校门口车速太快。");
    long long one = send_opinion("建议在学校门口增设人行横道。");
    api_res_t *r = search(&staff, "opinion", encoded("led 减速带"));
    expect(r, 200, "two words");
    assert_non_null(hit_with_id(r, both));
    assert_null(hit_with_id(r, one));
    api_res_free(r);
}

static void an_answer_is_found_as_the_answer_of_its_opinion(void **state)
{
    (void)state;
    long long id = send_opinion("菜市场周边早上占道经营严重。");
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/triage", id);
    api_res_t *r = call(&admin, "POST", path, json_object());
    expect(r, 200, "triage");
    api_res_free(r);
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/resolve", id);
    r = call(&admin, "POST", path, json_pack("{s:s}", "text", "城管中队已划定临时疏导区，每天早上安排专人值守。"));
    expect(r, 200, "resolve");
    api_res_free(r);
    r = search(&staff, "opinion", encoded("临时疏导区"));
    expect(r, 200, "search the answer");
    json_t *hit = hit_with_id(r, id);
    assert_non_null(hit);
    char text[1024];
    marked(hit, "answer", text, sizeof(text));
    assert_non_null(strstr(text, "[临时疏导区]"));
    api_res_free(r);
}

static void another_county_finds_nothing_of_ours_and_may_not_name_our_region(void **state)
{
    (void)state;
    long long id = send_opinion("村口的垃圾中转站气味很大，夏天尤其明显，请求搬迁。");
    api_res_t *r = search(&foreign_admin, "opinion", encoded("垃圾中转站"));
    expect(r, 200, "foreign search");
    assert_null(hit_with_id(r, id));
    api_res_free(r);
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/search?q=%s&region=%s", encoded("垃圾中转站"), HOME_REGION);
    r = call(&foreign_admin, "GET", path, NULL);
    api_assert_error(r, 403, "out_of_scope", "region");
    api_res_free(r);
}

static void a_query_of_201_characters_is_refused_naming_q_and_200_are_searched(void **state)
{
    (void)state;
    char q[201 * 3 + 1] = "";
    for (int i = 0; i < 200; i++)
        strcat(q, "路");
    api_res_t *r = search(&staff, "opinion", encoded(q));
    expect(r, 200, "200 characters");
    api_res_free(r);
    strcat(q, "路");
    r = search(&staff, "opinion", encoded(q));
    api_assert_error(r, 400, "bad_query", "q");
    api_res_free(r);
    r = search(&staff, "opinion", encoded("   "));
    api_assert_error(r, 400, "bad_query", "q");
    api_res_free(r);
    r = search(&staff, "letters", encoded("路灯"));
    api_assert_error(r, 400, "bad_query", "kind");
    api_res_free(r);
}

static void only_those_who_may_list_a_kind_may_search_it(void **state)
{
    (void)state;
    api_res_t *r = search(&staff, "suggestion", encoded("停车"));
    api_assert_error(r, 403, "forbidden", "kind");
    api_res_free(r);
    r = search(&deputy, "opinion", encoded("停车"));
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = api_get(&srv, "/api/v1/search?q=abc");
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

static void the_office_finds_a_submitted_suggestion_by_its_title_but_never_a_draft(void **state)
{
    (void)state;
    char title[256];
    assert_int_equal(db_query(&srv, "SELECT title FROM suggestions WHERE state NOT IN ('draft') AND length(title) >= 6 "
                                    "AND region_code LIKE '320623%' ORDER BY id LIMIT 1", title, sizeof(title)), 0);
    char id[32];
    assert_int_equal(db_query(&srv, "SELECT id FROM suggestions WHERE state NOT IN ('draft') AND length(title) >= 6 "
                                    "AND region_code LIKE '320623%' ORDER BY id LIMIT 1", id, sizeof(id)), 0);
    /* the middle of the title: the index answers substrings, not only beginnings */
    char middle[64] = "";
    const char *p = title;
    for (int skip = 0; skip < 2; skip++) /* two characters in */
        do
            p++;
        while ((*p & 0xC0) == 0x80);
    const char *end = p;
    for (int take = 0; take < 3; take++)
        do
            end++;
        while ((*end & 0xC0) == 0x80);
    memcpy(middle, p, (size_t)(end - p));
    api_res_t *r = search(&admin, "suggestion", encoded(middle));
    expect(r, 200, "suggestion search");
    assert_non_null(hit_with_id(r, atoll(id)));
    api_res_free(r);
    assert_int_equal(db_exec(&srv, "PRAGMA busy_timeout = 10000; UPDATE suggestions SET title = '草稿里的独有标题甲乙丙' "
                                   "WHERE id = (SELECT id FROM suggestions WHERE state = 'draft' LIMIT 1)"), 0);
    r = search(&admin, "suggestion", encoded("独有标题甲乙丙"));
    expect(r, 200, "draft search");
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    api_res_free(r);
}

static void results_come_newest_first_a_page_at_a_time(void **state)
{
    (void)state;
    long long ids[3];
    for (int i = 0; i < 3; i++)
        ids[i] = send_opinion("翻页检索：河堤护栏第几段需要维修。");
    api_res_t *r = call(&staff, "GET", "/api/v1/search?limit=2&q=" /* 河堤护栏 */ "%E6%B2%B3%E5%A0%A4%E6%8A%A4%E6%A0%8F",
                        NULL);
    expect(r, 200, "first page");
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), ids[2]);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "id")), ids[1]);
    long long next = (long long)json_integer_value(json_object_get(r->json, "next"));
    api_res_free(r);
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/search?limit=2&before=%lld&q=%s", next, encoded("河堤护栏"));
    r = call(&staff, "GET", path, NULL);
    expect(r, 200, "second page");
    items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), ids[0]);
    api_res_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(staff_find_an_opinion_by_a_phrase_in_the_middle_of_it_with_the_phrase_marked),
        cmocka_unit_test(one_and_two_character_queries_find_what_the_index_cannot),
        cmocka_unit_test(every_word_of_the_query_must_occur_and_latin_letters_ignore_case),
        cmocka_unit_test(an_answer_is_found_as_the_answer_of_its_opinion),
        cmocka_unit_test(another_county_finds_nothing_of_ours_and_may_not_name_our_region),
        cmocka_unit_test(a_query_of_201_characters_is_refused_naming_q_and_200_are_searched),
        cmocka_unit_test(only_those_who_may_list_a_kind_may_search_it),
        cmocka_unit_test(the_office_finds_a_submitted_suggestion_by_its_title_but_never_a_draft),
        cmocka_unit_test(results_come_newest_first_a_page_at_a_time),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
