/*
 * consultation: legislative consultation (SPEC §4a, 立法征求意见) through the HTTP API - an office
 * pastes and publishes a draft, constituents comment on its articles from the public page,
 * deputies follow topics and comment as deputies, staff record a station's meeting, the office
 * and the staff mark what was adopted, and the feedback report counts it all per article.
 * Scopes: a neighbouring county's office sees nothing unpublished of another and touches none of
 * its comments. Personal data of constituents is sealed at rest.
 *
 * One server serves every test, with rate limits on and a form limit high enough for the tests
 * before the last, which runs into it.
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

#define PHONE "13912345678"
#define FORM_LIMIT "60"

static server_t srv;
static client_t admin, staff, deputy, rugao;
static long long hub_id; /* the demo staff's station */

/* ---- helpers ---- */

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

static const char *text_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static long long query_ll(const char *sql)
{
    char out[64] = "";
    if (db_query(&srv, sql, out, sizeof(out)) != 0)
        fail_msg("query failed: %s", sql);
    return atoll(out);
}

/* The Beijing day `days` from today, YYYY-MM-DD. */
static void beijing_day(int days, char out[11])
{
    time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static const char *const DRAFT_TEXT = "如东县文明养犬条例（草案）\n"
                                      "第一章　总则\n"
                                      "第一条　为了规范养犬行为，制定本条例。\n"
                                      "第二条　本条例适用于本县行政区域。\n"
                                      "第二章　登记管理\n"
                                      "第三条　养犬人应当办理登记。\n";

/* A draft of region by the office c (30 days to comment), published unless told not to; its id. */
static long long make_draft(client_t *c, const char *region, bool publish)
{
    char deadline[11];
    beijing_day(30, deadline);
    api_res_t *r = request(c, "POST", "/api/v1/drafts",
                           json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", "文明养犬条例（草案）", "summary",
                                     "征求意见稿", "region", region, "deadline", deadline, "text", DRAFT_TEXT));
    expect_status(r, 201, "create a draft");
    long long id = int_of(r->json, "id");
    assert_string_equal(text_of(r->json, "state"), "draft");
    api_res_free(r);
    if (publish) {
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/drafts/%lld/publish", id);
        r = request(c, "POST", path, json_object());
        expect_status(r, 200, "publish a draft");
        assert_string_equal(text_of(r->json, "state"), "open");
        api_res_free(r);
    }
    return id;
}

/* POSTs a comment on article n of draft as c (NULL: the public) to a collection ("comments", or
 * "meeting-comments" for what staff record at a meeting); returns the answer. */
static api_res_t *post_comment(client_t *c, long long draft, int n, const char *collection, json_t *body)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/drafts/%lld/articles/%d/%s", draft, n, collection);
    return request(c, "POST", path, body);
}

static api_res_t *comment(client_t *c, long long draft, int n, json_t *body)
{
    return post_comment(c, draft, n, "comments", body);
}

static api_res_t *meeting(client_t *c, long long draft, int n, json_t *body)
{
    return post_comment(c, draft, n, "meeting-comments", body);
}

static long long comment_ok(client_t *c, long long draft, int n, json_t *body)
{
    api_res_t *r = comment(c, draft, n, body);
    expect_status(r, 201, "comment");
    long long id = int_of(r->json, "id");
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

static api_res_t *get_as(client_t *c, const char *fmt, long long id)
{
    char path[128];
    snprintf(path, sizeof(path), fmt, id);
    return request(c, "GET", path, NULL);
}

/* ---- setup ---- */

static int setup(void **state)
{
    (void)state;
    server_up(&srv, (const char *const[]){"--form-per-minute", FORM_LIMIT, NULL});
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD) || !client_login(&staff, &srv, "staff", DEMO_PASSWORD) ||
        !client_login(&deputy, &srv, "deputy", DEMO_PASSWORD) ||
        !client_login(&rugao, &srv, FOREIGN_ADMIN, DEMO_PASSWORD))
        return -1;
    api_res_t *r = client_request(&staff, "GET", "/api/v1/session", NULL);
    hub_id =
        (long long)json_integer_value(json_array_get(json_object_get(json_object_get(r->json, "user"), "stations"), 0));
    api_res_free(r);
    return hub_id > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

/* ---- drafts ---- */

static void an_office_publishes_a_pasted_draft_and_anyone_then_reads_its_articles(void **state)
{
    (void)state;
    long long id = make_draft(&admin, HOME_REGION, false);
    api_res_t *r = get_as(NULL, "/api/v1/drafts/%lld", id);
    expect_status(r, 404, "the public reads an unpublished draft");
    api_res_free(r);
    r = get_as(&admin, "/api/v1/drafts/%lld", id);
    expect_status(r, 200, "the office reads its unpublished draft");
    api_res_free(r);

    char path[64];
    snprintf(path, sizeof(path), "/api/v1/drafts/%lld/publish", id);
    r = request(&admin, "POST", path, json_object());
    expect_status(r, 200, "publish");
    api_res_free(r);
    r = request(&admin, "POST", path, json_object());
    api_assert_error(r, 409, "already_published", NULL);
    api_res_free(r);

    r = get_as(NULL, "/api/v1/drafts/%lld", id);
    expect_status(r, 200, "the public reads the published draft");
    assert_string_equal(text_of(r->json, "state"), "open");
    json_t *articles = json_object_get(r->json, "articles");
    assert_int_equal(json_array_size(articles), 3);
    json_t *third = json_array_get(articles, 2);
    assert_int_equal(int_of(third, "number"), 3);
    assert_string_equal(text_of(third, "label"), "第三条");
    assert_string_equal(text_of(third, "topic"), "登记管理");
    assert_string_equal(text_of(third, "text"), "养犬人应当办理登记。");
    json_t *topics = json_object_get(r->json, "topics");
    assert_int_equal(json_array_size(topics), 2);
    assert_string_equal(json_string_value(json_array_get(topics, 0)), "总则");
    api_res_free(r);

    /* a constituent of a village of the county finds it among the drafts that concern them */
    r = request(NULL, "GET", "/api/v1/drafts?region=320623001000", NULL);
    expect_status(r, 200, "list by a township");
    bool seen = false;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(r->json, "items"), i, d) seen = seen || int_of(d, "id") == id;
    assert_true(seen);
    api_res_free(r);
    r = request(NULL, "GET", "/api/v1/drafts?region=" FOREIGN_REGION, NULL);
    json_array_foreach(json_object_get(r->json, "items"), i, d) assert_true(int_of(d, "id") != id);
    api_res_free(r);
}

static void a_preview_splits_the_pasted_text_and_saves_nothing(void **state)
{
    (void)state;
    long long before = query_ll("SELECT count(*) FROM drafts");
    char deadline[11];
    beijing_day(10, deadline);
    api_res_t *r = request(&admin, "POST", "/api/v1/drafts?dry_run=true",
                           json_pack("{s:s, s:s, s:s, s:s}", "title", "预览", "region", HOME_REGION, "deadline",
                                     deadline, "text", DRAFT_TEXT));
    expect_status(r, 200, "preview");
    assert_int_equal(json_array_size(json_object_get(r->json, "articles")), 3);
    assert_int_equal(json_array_size(json_object_get(r->json, "topics")), 2);
    api_res_free(r);
    assert_int_equal(query_ll("SELECT count(*) FROM drafts"), before);
}

static void creating_a_draft_names_the_field_at_fault(void **state)
{
    (void)state;
    char deadline[11], past[11];
    beijing_day(10, deadline);
    beijing_day(-1, past);
    static const struct {
        const char *json;
        long status;
        const char *code, *field;
    } cases[] = {
        {"{\"region\":\"" HOME_REGION "\",\"deadline\":\"%s\",\"text\":\"第一条 甲。\"}", 422, "invalid", "title"},
        {"{\"title\":\"t\",\"region\":\"999999000000\",\"deadline\":\"%s\",\"text\":\"第一条 甲。\"}", 422, "invalid",
         "region"},
        {"{\"title\":\"t\",\"region\":\"" FOREIGN_REGION "\",\"deadline\":\"%s\",\"text\":\"第一条 甲。\"}", 403,
         "out_of_scope", NULL},
        {"{\"title\":\"t\",\"region\":\"" HOME_REGION "\",\"deadline\":\"2026-02-30\",\"text\":\"第一条 甲。\"%s}", 422,
         "invalid", "deadline"},
        {"{\"title\":\"t\",\"region\":\"" HOME_REGION "\",\"deadline\":\"%s\"}", 422, "invalid", "articles"},
        {"{\"title\":\"t\",\"region\":\"" HOME_REGION "\",\"deadline\":\"%s\",\"text\":\"x\",\"articles\":[]}", 422,
         "invalid", "articles"},
        {"{\"title\":\"t\",\"region\":\"" HOME_REGION "\",\"deadline\":\"%s\",\"text\":\"没有条文\"}", 422, "invalid",
         "text"},
        {"{\"title\":\"t\",\"region\":\"" HOME_REGION "\",\"deadline\":\"%s\",\"articles\":[{\"number\":2,\"text\":"
         "\"a\"},{\"number\":1,\"text\":\"b\"}]}",
         422, "invalid", "articles"},
        {"{\"title\":\"t\",\"region\":\"" HOME_REGION "\",\"deadline\":\"%s\",\"articles\":[{\"number\":1,\"text\":"
         "\"a\",\"page\":3}]}",
         422, "invalid", "articles"},
        {"{\"title\":\"t\",\"region\":\"" HOME_REGION "\",\"deadline\":\"%s\",\"text\":\"第一条 甲。\",\"author\":1}",
         422, "invalid", "author"},
    };
    long long before = query_ll("SELECT count(*) FROM drafts");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char body[512];
        snprintf(body, sizeof(body), cases[i].json, strstr(cases[i].json, "2026-02-30") ? "" : deadline);
        api_res_t *r = client_request(&admin, "POST", "/api/v1/drafts", body);
        assert_non_null(r);
        if (r->status != cases[i].status)
            fail_msg("case %zu (%s): expected %ld, got %ld %s", i, body, cases[i].status, r->status, r->body);
        api_assert_error(r, cases[i].status, cases[i].code, cases[i].field);
        api_res_free(r);
    }
    char body[256];
    snprintf(body, sizeof(body), "{\"title\":\"t\",\"region\":\"%s\",\"deadline\":\"%s\",\"text\":\"第一条 甲。\"}",
             HOME_REGION, past);
    api_res_t *r = client_request(&admin, "POST", "/api/v1/drafts", body);
    api_assert_error(r, 422, "invalid", "deadline");
    api_res_free(r);
    r = client_request(&staff, "POST", "/api/v1/drafts", body);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    assert_int_equal(query_ll("SELECT count(*) FROM drafts"), before);
}

/* ---- comments ---- */

static void a_constituent_comments_on_an_article_and_sees_only_a_masked_name(void **state)
{
    (void)state;
    long long draft = make_draft(&admin, HOME_REGION, true);
    api_res_t *r = comment(
        NULL, draft, 2,
        json_pack("{s:s, s:s, s:s}", "content", "建议明确适用范围包括农村地区", "name", "张三", "phone", PHONE));
    expect_status(r, 201, "a public comment");
    assert_string_equal(text_of(r->json, "source"), "online");
    assert_string_equal(text_of(r->json, "author"), "张*");
    assert_int_equal(int_of(r->json, "article"), 2);
    assert_null(json_object_get(r->json, "phone"));
    assert_null(json_object_get(r->json, "adopted")); /* the public view has no review */
    api_res_free(r);
    r = get_as(NULL, "/api/v1/drafts/%lld", draft);
    assert_int_equal(int_of(json_array_get(json_object_get(r->json, "articles"), 1), "comments"), 1);
    assert_int_equal(int_of(r->json, "comment_count"), 1);
    assert_null(strstr(r->body, "适用范围包括农村")); /* the public page shows counts, not comments */
    api_res_free(r);
}

static void a_constituents_name_and_phone_never_reach_the_database_in_clear(void **state)
{
    (void)state;
    long long draft = make_draft(&admin, HOME_REGION, true);
    long long id = comment_ok(
        NULL, draft, 1, json_pack("{s:s, s:s, s:s}", "content", "密封测试意见", "name", "欧阳娜娜", "phone", PHONE));
    char sql[512], row[2048] = "";
    snprintf(sql, sizeof(sql),
             "SELECT coalesce(name_sealed,'') || '|' || coalesce(phone_sealed,'') || '|' || coalesce(phone_hash,'') "
             "|| '|' || author || '|' || content FROM draft_comments WHERE id = %lld",
             id);
    assert_int_equal(db_query(&srv, sql, row, sizeof(row)), 0);
    if (strstr(row, PHONE) || strstr(row, "欧阳娜娜") || strstr(row, "12345678"))
        fail_msg("the comment's row holds personal data in clear: %s", row);
    snprintf(sql, sizeof(sql),
             "SELECT name_sealed IS NOT NULL AND phone_sealed IS NOT NULL AND phone4 = '5678' FROM draft_comments "
             "WHERE id = %lld",
             id);
    assert_int_equal(query_ll(sql), 1);
    /* nowhere else either: not in the audit log, not in any other table the write touched */
    assert_int_equal(query_ll("SELECT count(*) FROM audit_log WHERE detail LIKE '%" PHONE "%' OR detail LIKE "
                              "'%欧阳娜娜%'"),
                     0);
    /* and the staff list says only whether a phone was given */
    api_res_t *r = get_as(&admin, "/api/v1/drafts/%lld/comments", draft);
    expect_status(r, 200, "staff list");
    assert_null(strstr(r->body, PHONE));
    assert_null(strstr(r->body, "欧阳娜娜"));
    assert_true(json_is_true(json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "has_phone")));
    api_res_free(r);
}

static void comment_after_the_deadline_is_refused_with_409(void **state)
{
    (void)state;
    long long draft = make_draft(&admin, HOME_REGION, true);
    comment_ok(NULL, draft, 1, json_pack("{s:s}", "content", "截止前的意见"));
    char sql[160];
    snprintf(sql, sizeof(sql), "PRAGMA busy_timeout = 10000; UPDATE drafts SET closes_at = %lld WHERE id = %lld",
             (long long)time(NULL) - 1, draft);
    assert_int_equal(db_exec(&srv, sql), 0);
    api_res_t *r = comment(NULL, draft, 1, json_pack("{s:s}", "content", "截止后的意见"));
    api_assert_error(r, 409, "closed", NULL);
    api_res_free(r);
    r = comment(&deputy, draft, 1, json_pack("{s:s}", "content", "截止后的代表意见"));
    api_assert_error(r, 409, "closed", NULL);
    api_res_free(r);
    r = get_as(NULL, "/api/v1/drafts/%lld", draft);
    assert_string_equal(text_of(r->json, "state"), "closed");
    assert_int_equal(int_of(r->json, "comment_count"), 1);
    api_res_free(r);
}

static void comments_on_unknown_articles_or_unpublished_drafts_are_404(void **state)
{
    (void)state;
    long long draft = make_draft(&admin, HOME_REGION, true);
    const char *const numbers[] = {"4", "0", "1000", "x", "-1"};
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/drafts/%lld/articles/%s/comments", draft, numbers[i]);
        api_res_t *r = api_request(&srv, "POST", path, "{\"content\":\"x\"}", 15, NULL, NULL);
        api_assert_error(r, 404, "not_found", NULL);
        api_res_free(r);
    }
    long long hidden = make_draft(&admin, HOME_REGION, false);
    api_res_t *r = comment(NULL, hidden, 1, json_pack("{s:s}", "content", "未发布"));
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = comment(NULL, 999999, 1, json_pack("{s:s}", "content", "没有这个草案"));
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
}

static void bad_comment_fields_are_422_naming_the_field(void **state)
{
    (void)state;
    long long draft = make_draft(&admin, HOME_REGION, true);
    char long_text[2100 * 3];
    long_text[0] = '\0';
    for (int i = 0; i < 2001; i++)
        strcat(long_text, "长");
    static const struct {
        const char *key, *value, *field;
    } cases[] = {
        {NULL, NULL, "content"},
        {"content", "  \n ", "content"},
        {"phone", "12345", "phone"},
        {"name",
         "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
         "name"},
        {"station_id", "1", "station_id"}, /* the public records no meetings */
        {"idempotency_key", "short", "idempotency_key"},
    };
    long long before = query_ll("SELECT count(*) FROM draft_comments");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *body = json_object();
        if (cases[i].key && strcmp(cases[i].key, "content") != 0)
            json_object_set_new(body, "content", json_string("意见"));
        if (cases[i].key)
            json_object_set_new(body, cases[i].key, json_string(cases[i].value));
        api_res_t *r = comment(NULL, draft, 1, body);
        api_assert_error(r, 422, "invalid", cases[i].field);
        api_res_free(r);
    }
    api_res_t *r = comment(NULL, draft, 1, json_pack("{s:s}", "content", long_text));
    api_assert_error(r, 422, "invalid", "content");
    api_res_free(r);
    r = comment(&deputy, draft, 1, json_pack("{s:s, s:s}", "content", "代表意见", "phone", PHONE));
    api_assert_error(r, 422, "invalid", "phone"); /* a deputy speaks as themself */
    api_res_free(r);
    assert_int_equal(query_ll("SELECT count(*) FROM draft_comments"), before);
}

static void the_same_comment_sent_twice_with_one_key_is_stored_once(void **state)
{
    (void)state;
    long long draft = make_draft(&admin, HOME_REGION, true);
    long long first = comment_ok(
        NULL, draft, 3, json_pack("{s:s, s:s}", "content", "网络不好重发", "idempotency_key", "consult-key-0001"));
    api_res_t *r = comment(NULL, draft, 3,
                           json_pack("{s:s, s:s}", "content", "网络不好重发", "idempotency_key", "consult-key-0001"));
    expect_status(r, 201, "the same form again");
    assert_int_equal(int_of(r->json, "id"), first);
    assert_string_equal(api_header(r, "idempotent-replayed"), "true");
    api_res_free(r);
    r = comment(NULL, draft, 2, json_pack("{s:s, s:s}", "content", "另一条", "idempotency_key", "consult-key-0001"));
    api_assert_error(r, 409, "idempotency_key_reused", "idempotency_key");
    api_res_free(r);
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM draft_comments WHERE draft_id = %lld", draft);
    assert_int_equal(query_ll(sql), 1);
}

/* ---- deputies, staff and the office ---- */

static void a_deputy_follows_a_topic_and_reads_the_comments_on_it_only(void **state)
{
    (void)state;
    long long draft = make_draft(&admin, HOME_REGION, true);
    comment_ok(NULL, draft, 1, json_pack("{s:s}", "content", "总则的意见"));
    long long on_topic = comment_ok(NULL, draft, 3, json_pack("{s:s}", "content", "登记的意见"));
    api_res_t *r = get_as(&deputy, "/api/v1/drafts/%lld/comments", draft);
    api_assert_error(r, 403, "out_of_scope", NULL); /* follows nothing yet */
    api_res_free(r);

    char path[64];
    snprintf(path, sizeof(path), "/api/v1/drafts/%lld/follow", draft);
    r = request(&deputy, "POST", path, json_pack("{s:[s]}", "topics", "没有的专题"));
    api_assert_error(r, 422, "invalid", "topics");
    api_res_free(r);
    r = request(&deputy, "POST", path, json_pack("{s:[s]}", "topics", "登记管理"));
    expect_status(r, 200, "follow");
    assert_string_equal(json_string_value(json_array_get(json_object_get(r->json, "topics"), 0)), "登记管理");
    api_res_free(r);
    r = request(&staff, "POST", path, json_pack("{s:[s]}", "topics", "登记管理"));
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);

    r = get_as(&deputy, "/api/v1/drafts/%lld/comments", draft);
    expect_status(r, 200, "the deputy's comments");
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(int_of(json_array_get(items, 0), "id"), on_topic);
    api_res_free(r);
    r = get_as(&deputy, "/api/v1/drafts/%lld", draft);
    assert_string_equal(json_string_value(json_array_get(json_object_get(r->json, "following"), 0)), "登记管理");
    api_res_free(r);

    /* the deputy's own comment is a deputy's, under their name */
    r = comment(&deputy, draft, 3, json_pack("{s:s}", "content", "建议登记免费"));
    expect_status(r, 201, "a deputy's comment");
    assert_string_equal(text_of(r->json, "source"), "deputy");
    assert_true(strlen(text_of(r->json, "author")) > 0);
    api_res_free(r);
}

static void staff_record_a_meeting_at_their_station_inside_the_drafts_region(void **state)
{
    (void)state;
    long long draft = make_draft(&admin, HOME_REGION, true);
    api_res_t *r = meeting(&staff, draft, 2,
                           json_pack("{s:s, s:I, s:s, s:s}", "content", "座谈会上群众建议增加宣传条款", "station_id",
                                     (json_int_t)hub_id, "meeting", "掘港街道立法征求意见座谈会", "name", "王小明"));
    expect_status(r, 201, "a meeting's comment");
    assert_string_equal(text_of(r->json, "source"), "meeting");
    assert_int_equal(int_of(json_object_get(r->json, "station"), "id"), hub_id);
    assert_string_equal(text_of(r->json, "meeting"), "掘港街道立法征求意见座谈会");
    assert_string_equal(text_of(r->json, "author"), "王**");
    api_res_free(r);

    r = meeting(&staff, draft, 2, json_pack("{s:s, s:I}", "content", "缺会议名称", "station_id", (json_int_t)hub_id));
    api_assert_error(r, 422, "invalid", "meeting");
    api_res_free(r);
    r = meeting(&staff, draft, 2, json_pack("{s:s, s:s}", "content", "缺联络站", "meeting", "座谈会"));
    api_assert_error(r, 422, "invalid", "station_id");
    api_res_free(r);
    /* a station of the neighbouring county is not theirs to record at */
    api_res_t *made =
        request(&rugao, "POST", "/api/v1/stations",
                json_pack("{s:s, s:s, s:s}", "name", "如皋市测试联络站", "kind", "hub", "region", FOREIGN_REGION));
    expect_status(made, 201, "a station of the neighbouring county");
    long long foreign_station = int_of(made->json, "id");
    api_res_free(made);
    r = meeting(
        &staff, draft, 2,
        json_pack("{s:s, s:I, s:s}", "content", "x", "station_id", (json_int_t)foreign_station, "meeting", "m"));
    api_assert_error(r, 403, "out_of_scope", "station_id");
    api_res_free(r);
    r = meeting(&deputy, draft, 2,
                json_pack("{s:s, s:I, s:s}", "content", "x", "station_id", (json_int_t)hub_id, "meeting", "m"));
    api_assert_error(r, 403, "forbidden", NULL); /* deputies comment as deputies, not for a station */
    api_res_free(r);
    /* and a station of theirs is not one of a neighbour's draft */
    long long rugao_draft = make_draft(&rugao, FOREIGN_REGION, true);
    r = meeting(&admin, rugao_draft, 1,
                json_pack("{s:s, s:I, s:s}", "content", "x", "station_id", (json_int_t)hub_id, "meeting", "m"));
    api_assert_error(r, 422, "invalid", "station_id");
    api_res_free(r);
}

static void staff_mark_a_comment_adopted_and_the_report_counts_it_per_article(void **state)
{
    (void)state;
    long long draft = make_draft(&admin, HOME_REGION, true);
    long long online = comment_ok(NULL, draft, 1, json_pack("{s:s}", "content", "建议写明立法依据"));
    comment_ok(&deputy, draft, 1, json_pack("{s:s}", "content", "同意"));
    api_res_t *r = meeting(&staff, draft, 3,
                           json_pack("{s:s, s:I, s:s}", "content", "登记费用应当公示", "station_id", (json_int_t)hub_id,
                                     "meeting", "座谈会"));
    expect_status(r, 201, "a meeting's comment");
    api_res_free(r);

    char path[64];
    snprintf(path, sizeof(path), "/api/v1/comments/%lld/adopt", online);
    r = request(&staff, "POST", path, json_pack("{s:b, s:s}", "adopted", 1, "note", "已在第一条增加立法依据"));
    expect_status(r, 200, "adopt");
    assert_true(json_is_true(json_object_get(r->json, "adopted")));
    assert_string_equal(text_of(r->json, "adoption_note"), "已在第一条增加立法依据");
    api_res_free(r);
    r = request(&staff, "POST", path, json_pack("{s:s}", "note", "缺少 adopted"));
    api_assert_error(r, 422, "invalid", "adopted");
    api_res_free(r);
    r = request(&staff, "POST", path, json_pack("{s:b, s:b}", "adopted", 1, "final", 1));
    api_assert_error(r, 422, "invalid", "final");
    api_res_free(r);
    r = request(&deputy, "POST", path, json_pack("{s:b}", "adopted", 0));
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);

    r = get_as(&admin, "/api/v1/drafts/%lld/report", draft);
    expect_status(r, 200, "report");
    json_t *totals = json_object_get(r->json, "totals");
    assert_int_equal(int_of(totals, "online"), 1);
    assert_int_equal(int_of(totals, "deputy"), 1);
    assert_int_equal(int_of(totals, "meeting"), 1);
    assert_int_equal(int_of(totals, "total"), 3);
    assert_int_equal(int_of(totals, "adopted"), 1);
    json_t *articles = json_object_get(r->json, "articles");
    assert_int_equal(json_array_size(articles), 3);
    json_t *first = json_array_get(articles, 0), *second = json_array_get(articles, 1);
    assert_int_equal(int_of(json_object_get(first, "counts"), "total"), 2);
    assert_int_equal(int_of(first, "adopted"), 1);
    assert_int_equal(int_of(json_object_get(second, "counts"), "total"), 0);
    assert_int_equal(int_of(json_object_get(json_array_get(articles, 2), "counts"), "meeting"), 1);
    api_res_free(r);

    r = get_as(&staff, "/api/v1/drafts/%lld/report.xlsx", draft);
    expect_status(r, 200, "the report as a sheet");
    assert_non_null(strstr(api_header(r, "content-type"), "spreadsheetml"));
    assert_true(r->len > 100 && memcmp(r->body, "PK", 2) == 0);
    api_res_free(r);
}

static void a_neighbouring_countys_office_sees_and_touches_nothing_of_another(void **state)
{
    (void)state;
    long long hidden = make_draft(&admin, HOME_REGION, false);
    long long open = make_draft(&admin, HOME_REGION, true);
    long long c = comment_ok(NULL, open, 1, json_pack("{s:s}", "content", "意见"));
    api_res_t *r = get_as(&rugao, "/api/v1/drafts/%lld", hidden);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/drafts/%lld/publish", hidden);
    r = request(&rugao, "POST", path, json_object());
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = get_as(&rugao, "/api/v1/drafts/%lld/comments", open);
    api_assert_error(r, 403, "out_of_scope", NULL);
    api_res_free(r);
    r = get_as(&rugao, "/api/v1/drafts/%lld/report", open);
    api_assert_error(r, 403, "out_of_scope", NULL);
    api_res_free(r);
    snprintf(path, sizeof(path), "/api/v1/comments/%lld/adopt", c);
    r = request(&rugao, "POST", path, json_pack("{s:b}", "adopted", 1));
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    /* its list shows the other county's published drafts, never the unpublished ones */
    r = request(&rugao, "GET", "/api/v1/drafts?limit=100", NULL);
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(r->json, "items"), i, d) assert_true(int_of(d, "id") != hidden);
    api_res_free(r);
    r = request(&admin, "GET", "/api/v1/drafts?limit=100", NULL);
    bool seen = false;
    json_array_foreach(json_object_get(r->json, "items"), i, d) seen = seen || int_of(d, "id") == hidden;
    assert_true(seen);
    api_res_free(r);
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT adopted FROM draft_comments WHERE id = %lld", c);
    assert_int_equal(query_ll(sql), 0);
}

static void every_write_of_a_consultation_is_in_the_audit_log(void **state)
{
    (void)state;
    long long draft = make_draft(&admin, HOME_REGION, true);
    long long c = comment_ok(NULL, draft, 1, json_pack("{s:s}", "content", "审计"));
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/comments/%lld/adopt", c);
    api_res_free(request(&admin, "POST", path, json_pack("{s:b}", "adopted", 0)));
    snprintf(path, sizeof(path), "/api/v1/drafts/%lld/follow", draft);
    api_res_free(request(&deputy, "POST", path, json_pack("{s:[]}", "topics")));
    const char *const actions[] = {"draft.create", "draft.publish", "draft.follow"};
    for (size_t i = 0; i < 3; i++) {
        char sql[160];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE action = '%s' AND entity_id = '%lld'",
                 actions[i], draft);
        if (query_ll(sql) != 1)
            fail_msg("%s of draft %lld is not in the audit log", actions[i], draft);
    }
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM audit_log WHERE action IN ('draft.comment', 'draft.adopt') AND entity_id = '%lld' "
             "AND region_code = '%s'",
             c, HOME_REGION);
    assert_int_equal(query_ll(sql), 2);
}

static void public_comments_are_limited_per_address_but_signed_in_deputies_are_not(void **state)
{
    (void)state;
    long long draft = make_draft(&admin, HOME_REGION, true);
    int limit = atoi(FORM_LIMIT), sent = 0;
    api_res_t *r = NULL;
    for (; sent <= limit; sent++) {
        api_res_free(r);
        r = comment(NULL, draft, 1, json_pack("{s:s}", "content", "刷屏"));
        if (r->status == 429)
            break;
        expect_status(r, 201, "a comment within the limit");
    }
    api_assert_error(r, 429, "too_many_requests", NULL);
    assert_non_null(api_header(r, "retry-after"));
    api_res_free(r);
    assert_true(sent <= limit);
    comment_ok(&deputy, draft, 1, json_pack("{s:s}", "content", "代表不受限"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_office_publishes_a_pasted_draft_and_anyone_then_reads_its_articles),
        cmocka_unit_test(a_preview_splits_the_pasted_text_and_saves_nothing),
        cmocka_unit_test(creating_a_draft_names_the_field_at_fault),
        cmocka_unit_test(a_constituent_comments_on_an_article_and_sees_only_a_masked_name),
        cmocka_unit_test(a_constituents_name_and_phone_never_reach_the_database_in_clear),
        cmocka_unit_test(comment_after_the_deadline_is_refused_with_409),
        cmocka_unit_test(comments_on_unknown_articles_or_unpublished_drafts_are_404),
        cmocka_unit_test(bad_comment_fields_are_422_naming_the_field),
        cmocka_unit_test(the_same_comment_sent_twice_with_one_key_is_stored_once),
        cmocka_unit_test(a_deputy_follows_a_topic_and_reads_the_comments_on_it_only),
        cmocka_unit_test(staff_record_a_meeting_at_their_station_inside_the_drafts_region),
        cmocka_unit_test(staff_mark_a_comment_adopted_and_the_report_counts_it_per_article),
        cmocka_unit_test(a_neighbouring_countys_office_sees_and_touches_nothing_of_another),
        cmocka_unit_test(every_write_of_a_consultation_is_in_the_audit_log),
        /* last: it uses up the address's form limit */
        cmocka_unit_test(public_comments_are_limited_per_address_but_signed_in_deputies_are_not),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
