/*
 * suggestions: deputy suggestions (SPEC §5, issue 7: 提、交、办、督、评) through the HTTP API as a
 * deputy, the office, two units, a member and the public meet them - the whole journey with a
 * co-unit and one 不满意 round, numbering without gaps when fifty are accepted at once, every bad
 * input the issue names, the scopes between counties and the privacy of drafts, the contest and
 * reassignment, the supervision lists, the league table and the 交办单.
 *
 * One server holds every test. Accounts beyond the demo's (a co-signing deputy, a co-unit, a
 * unit of the neighbour county) are made through the API at start. Deadlines and commitment
 * dates are moved into the past behind the API with SQL.
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

enum { CONCURRENT = 50 };

static server_t srv;
static client_t admin, deputy, cosigner, unit, co_unit, member, rugao, rugao_unit;
static long long congress, lead_deputy, cosigner_deputy, foreign_deputy, lead_unit, second_unit, foreign_unit;
static long long member_user;

/* ---- behind the API ---- */

static long long query_ll(const char *fmt, ...)
{
    char sql[1024], out[64] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    assert_int_equal(db_query(&srv, sql, out, sizeof(out)), 0);
    return atoll(out);
}

static void exec_sql(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    assert_int_equal(db_exec(&srv, sql), 0);
}

/* ---- requests ---- */

static const char *text_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static long long int_of(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* A request that must answer status; the caller frees the answer. */
static api_res_t *call(client_t *c, const char *method, long status, const char *path_fmt, const char *body, ...)
{
    char path[256];
    va_list ap;
    va_start(ap, body);
    vsnprintf(path, sizeof(path), path_fmt, ap);
    va_end(ap);
    api_res_t *r = client_request(c, method, path, body);
    if (r->status != status)
        fail_msg("%s %s: %ld, want %ld: %s", method, path, r->status, status, r->body);
    return r;
}

/* A step on suggestion id that must answer 200 and leave it in state. */
static void step(client_t *c, long long id, const char *step_name, const char *body, const char *state)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld/%s", id, step_name);
    api_res_t *r = call(c, "POST", 200, "%s", body ? body : "{}", path);
    if (strcmp(text_of(r->json, "state"), state) != 0)
        fail_msg("%s: state %s, want %s", step_name, text_of(r->json, "state"), state);
    api_res_free(r);
}

/* A step that must be refused as illegal while the suggestion is in state. */
static void refused(client_t *c, long long id, const char *step_name, const char *body, const char *state)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld/%s", id, step_name);
    api_res_t *r = client_request(c, "POST", path, body ? body : "{}");
    api_assert_error(r, 409, "illegal_transition", NULL);
    assert_string_equal(text_of(json_object_get(r->json, "error"), "state"), state);
    api_res_free(r);
}

/* A step that must be refused with 422 naming field. */
static void invalid(client_t *c, const char *method, const char *path, const char *body, const char *field)
{
    api_res_t *r = client_request(c, method, path, body);
    api_assert_error(r, 422, "invalid", field);
    api_res_free(r);
}

static long long draft(const char *title, const char *extra)
{
    char body[1024];
    snprintf(body, sizeof(body),
             "{\"title\":\"%s\",\"content\":\"建议加快农村公路提档升级，解决群众出行难。\",\"congress_id\":%lld,"
             "\"session\":\"recess\"%s%s}",
             title, congress, extra ? "," : "", extra ? extra : "");
    api_res_t *r = call(&deputy, "POST", 201, "/api/v1/suggestions", body);
    assert_string_equal(text_of(r->json, "state"), "draft");
    long long id = int_of(r->json, "id");
    api_res_free(r);
    return id;
}

static void assign_body(char *out, size_t cap, long long lead, long long co)
{
    if (co)
        snprintf(out, cap, "{\"lead_unit_id\":%lld,\"co_unit_ids\":[%lld]}", lead, co);
    else
        snprintf(out, cap, "{\"lead_unit_id\":%lld}", lead);
}

/* A draft (with extra fields) submitted, accepted and assigned to the demo unit (and the co-unit
 * when with_co). */
static long long assigned(const char *title, const char *extra, bool with_co)
{
    char body[256];
    long long id = draft(title, extra);
    step(&deputy, id, "submit", NULL, "submitted");
    step(&admin, id, "accept", NULL, "accepted");
    assign_body(body, sizeof(body), lead_unit, with_co ? second_unit : 0);
    step(&admin, id, "assign", body, "assigned");
    return id;
}

/* The same, taken to handling by the demo unit. */
static long long handling(const char *title, bool with_co)
{
    long long id = assigned(title, NULL, with_co);
    step(&unit, id, "start", NULL, "handling");
    return id;
}

static long long outbox(const char *event, const char *recipient, long long id)
{
    return query_ll("SELECT count(*) FROM outbox WHERE event = '%s' AND recipient = '%s' AND "
                    "json_extract(payload, '$.suggestion_id') = %lld",
                    event, recipient, id);
}

static bool list_has(client_t *c, const char *path, long long id)
{
    api_res_t *r = client_request(c, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    bool found = false;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item) found |= int_of(item, "id") == id;
    api_res_free(r);
    return found;
}

/* ---- the journey ---- */

static void the_whole_journey_runs_from_proposal_to_rating_with_a_co_unit_and_one_unsatisfied_round(void **state)
{
    char body[512], to[48];
    snprintf(body, sizeof(body), "\"cosigners\":[%lld],\"consent_publish\":true", cosigner_deputy);
    long long id = draft("关于农村公路提档升级的建议", body);

    /* 提: the co-signer is invited on submission and confirms */
    step(&deputy, id, "submit", NULL, "submitted");
    snprintf(to, sizeof(to), "deputy:%lld", cosigner_deputy);
    assert_int_equal(outbox("suggestion.invited", to, id), 1);
    step(&cosigner, id, "cosign", "{\"confirm\":true}", "submitted");

    /* 审: accepted and numbered */
    api_res_t *r = call(&admin, "POST", 200, "/api/v1/suggestions/%lld/accept", "{}", id);
    assert_true(int_of(r->json, "number") > 0);
    assert_non_null(strstr(text_of(r->json, "number_text"), "第"));
    assert_string_equal(text_of(json_array_get(json_object_get(r->json, "cosigners"), 0), "state"), "confirmed");
    api_res_free(r);
    snprintf(to, sizeof(to), "deputy:%lld", lead_deputy);
    assert_int_equal(outbox("suggestion.accepted", to, id), 1);

    /* 交: one lead unit and one co-unit, three months */
    assign_body(body, sizeof(body), lead_unit, second_unit);
    r = call(&admin, "POST", 200, "/api/v1/suggestions/%lld/assign", body, id);
    assert_int_equal(json_array_size(json_object_get(r->json, "units")), 2);
    long long due = int_of(r->json, "due");
    assert_true(due > time(NULL) + 85LL * 86400 && due < time(NULL) + 93LL * 86400);
    api_res_free(r);
    snprintf(to, sizeof(to), "unit:%lld", second_unit);
    assert_int_equal(outbox("suggestion.assigned", to, id), 1);
    assert_true(list_has(&co_unit, "/api/v1/suggestions", id));

    /* 办: the log, the co-unit's opinion, the signed reply */
    r = call(&unit, "POST", 201, "/api/v1/suggestions/%lld/contacts",
             "{\"stage\":\"before\",\"way\":\"visit\",\"text\":\"上门听取代表意见\"}", id);
    api_res_free(r);
    step(&unit, id, "start", NULL, "handling");
    step(&co_unit, id, "co-opinion", "{\"text\":\"协办意见：资金由交通局统筹\"}", "handling");
    step(&unit, id, "reply",
         "{\"category\":\"A\",\"type\":\"solve\",\"text\":\"已完成道路改造\",\"signed_by\":\"张局长\","
         "\"consent_publish\":true}",
         "replied");
    snprintf(to, sizeof(to), "deputy:%lld", lead_deputy);
    assert_int_equal(outbox("suggestion.replied", to, id), 1);

    /* 评: unsatisfied sends it back once, with a new deadline */
    step(&deputy, id, "evaluate", "{\"rating\":\"unsatisfied\",\"comment\":\"路面仍未硬化\"}", "handling");
    snprintf(to, sizeof(to), "unit:%lld", lead_unit);
    assert_int_equal(outbox("suggestion.reopened", to, id), 1);
    r = call(&deputy, "GET", 200, "/api/v1/suggestions/%lld", NULL, id);
    assert_int_equal(int_of(r->json, "reopens"), 1);
    assert_true(int_of(r->json, "due") < due);
    api_res_free(r);
    r = call(&unit, "POST", 201, "/api/v1/suggestions/%lld/contacts",
             "{\"stage\":\"during\",\"text\":\"电话沟通重办方案\"}", id);
    api_res_free(r);
    step(&unit, id, "reply", "{\"category\":\"A\",\"type\":\"solve\",\"text\":\"已全部硬化\",\"signed_by\":\"张局长\"}",
         "replied");
    step(&deputy, id, "evaluate", "{\"rating\":\"satisfied\"}", "evaluated");
    step(&deputy, id, "rate-result", "{\"rating\":\"satisfied\"}", "closed");

    r = call(&member, "GET", 200, "/api/v1/suggestions/%lld", NULL, id);
    json_t *j = r->json;
    assert_string_equal(text_of(json_object_get(j, "reply"), "text"), "已全部硬化");
    assert_string_equal(text_of(json_object_get(j, "reply"), "signed_by"), "张局长");
    assert_int_equal(json_array_size(json_object_get(j, "contacts")), 2);
    assert_string_equal(text_of(json_array_get(json_object_get(j, "units"), 1), "opinion"),
                        "协办意见：资金由交通局统筹");
    assert_true(json_is_true(json_object_get(j, "published")));
    assert_true(json_array_size(json_object_get(j, "timeline")) >= 11);
    api_res_free(r);
    assert_int_equal(query_ll("SELECT count(*) FROM suggestion_events WHERE suggestion_id = %lld", id),
                     query_ll("SELECT count(*) FROM audit_log WHERE entity = 'suggestion' AND entity_id = '%lld'", id));

    /* the public sees the published reply */
    api_res_t *p = api_get(&srv, "/api/v1/suggestions/published?limit=200");
    assert_int_equal(p->status, 200);
    assert_non_null(strstr(p->body, "已全部硬化"));
    api_res_free(p);
}

/* ---- numbering ---- */

static void fifty_suggestions_accepted_at_once_are_numbered_without_gaps_or_repeats(void **state)
{
    long long ids[CONCURRENT];
    char body[512];
    for (int i = 0; i < CONCURRENT; i++) {
        snprintf(body, sizeof(body),
                 "{\"title\":\"会中建议%d\",\"content\":\"建议内容\",\"congress_id\":%lld,\"session\":\"session\"}", i,
                 congress);
        api_res_t *r = call(&deputy, "POST", 201, "/api/v1/suggestions", body);
        ids[i] = int_of(r->json, "id");
        api_res_free(r);
        step(&deputy, ids[i], "submit", NULL, "submitted");
    }
    crowd_call_t *calls = calloc(CONCURRENT, sizeof(*calls));
    for (int i = 0; i < CONCURRENT; i++)
        snprintf(calls[i].url, sizeof(calls[i].url), "%s/api/v1/suggestions/%lld/accept", srv.base, ids[i]);
    crowd_send(&admin, calls, CONCURRENT);
    for (int i = 0; i < CONCURRENT; i++)
        if (calls[i].status != 200)
            fail_msg("accept %d: %ld %s", i, calls[i].status, calls[i].reply);
    free(calls);
    long long n = query_ll("SELECT count(*) FROM suggestions WHERE congress_id = %lld AND session = 'session' "
                           "AND number IS NOT NULL",
                           congress);
    assert_true(n >= CONCURRENT);
    assert_int_equal(query_ll("SELECT count(DISTINCT number) FROM suggestions WHERE congress_id = %lld AND "
                              "session = 'session' AND number IS NOT NULL",
                              congress),
                     n);
    assert_int_equal(
        query_ll("SELECT min(number) FROM suggestions WHERE congress_id = %lld AND session = 'session'", congress), 1);
    assert_int_equal(
        query_ll("SELECT max(number) FROM suggestions WHERE congress_id = %lld AND session = 'session'", congress), n);
    assert_int_equal(
        query_ll("SELECT last FROM suggestion_numbers WHERE congress_id = %lld AND session = 'session'", congress), n);
}

/* ---- bad input ---- */

static void a_co_signer_from_another_congress_is_refused_naming_the_field(void **state)
{
    char body[256];
    snprintf(body, sizeof(body),
             "{\"title\":\"跨届附议\",\"content\":\"内容\",\"congress_id\":%lld,\"session\":\"recess\",\"cosigners\":[%"
             "lld]}",
             congress, foreign_deputy);
    invalid(&deputy, "POST", "/api/v1/suggestions", body, "cosigners");
    long long id = draft("附议修改", NULL);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld", id);
    snprintf(body, sizeof(body), "{\"cosigners\":[%lld]}", foreign_deputy);
    invalid(&deputy, "PATCH", path, body, "cosigners");
    snprintf(body, sizeof(body), "{\"cosigners\":[%lld]}", lead_deputy);
    invalid(&deputy, "PATCH", path, body, "cosigners");
    invalid(&deputy, "PATCH", path, "{\"session\":\"break\"}", "session");
    invalid(&deputy, "POST", "/api/v1/suggestions",
            "{\"title\":\"无届次\",\"content\":\"内容\",\"session\":\"recess\"}", "congress_id");
}

static void an_assignment_to_a_unit_outside_the_offices_region_is_refused(void **state)
{
    long long id = draft("跨县交办", NULL);
    step(&deputy, id, "submit", NULL, "submitted");
    step(&admin, id, "accept", NULL, "accepted");
    char path[64], body[128];
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld/assign", id);
    assign_body(body, sizeof(body), foreign_unit, 0);
    invalid(&admin, "POST", path, body, "lead_unit_id");
    assign_body(body, sizeof(body), lead_unit, foreign_unit);
    invalid(&admin, "POST", path, body, "co_unit_ids");
    assign_body(body, sizeof(body), lead_unit, lead_unit);
    invalid(&admin, "POST", path, body, "co_unit_ids");
    snprintf(body, sizeof(body), "{\"lead_unit_id\":%lld,\"key\":true}", lead_unit);
    invalid(&admin, "POST", path, body, "supervisor_user_id");
    /* a key suggestion: shorter deadline, a supervising member who sees it in the lists */
    snprintf(body, sizeof(body), "{\"lead_unit_id\":%lld,\"key\":true,\"supervisor_user_id\":%lld}", lead_unit,
             member_user);
    api_res_t *r = call(&admin, "POST", 200, "%s", body, path);
    assert_true(json_is_true(json_object_get(r->json, "key")));
    assert_true(int_of(r->json, "due") < time(NULL) + 63LL * 86400);
    api_res_free(r);
    char to[32];
    snprintf(to, sizeof(to), "user:%lld", member_user);
    assert_int_equal(outbox("suggestion.supervise", to, id), 1);
}

static void a_reply_without_category_or_a_b_reply_without_date_is_refused(void **state)
{
    long long id = handling("答复校验", false);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld/reply", id);
    invalid(&unit, "POST", path, "{\"type\":\"solve\",\"text\":\"答复\",\"signed_by\":\"张局长\"}", "category");
    invalid(&unit, "POST", path, "{\"category\":\"B\",\"type\":\"solve\",\"text\":\"答复\",\"signed_by\":\"张局长\"}",
            "commitment_date");
    invalid(&unit, "POST", path,
            "{\"category\":\"B\",\"type\":\"solve\",\"text\":\"答复\",\"signed_by\":\"张局长\","
            "\"commitment_date\":\"2020-01-01\"}",
            "commitment_date");
    invalid(&unit, "POST", path, "{\"category\":\"C\",\"type\":\"explain\",\"text\":\"答复\",\"signed_by\":\"张局长\"}",
            "reason");
    invalid(&unit, "POST", path, "{\"category\":\"D\",\"type\":\"solve\",\"text\":\"答复\",\"signed_by\":\"张局长\"}",
            "category");
    invalid(&unit, "POST", path, "{\"category\":\"A\",\"text\":\"答复\",\"signed_by\":\"张局长\"}", "type");
    invalid(&unit, "POST", path, "{\"category\":\"A\",\"type\":\"solve\",\"text\":\"答复\"}", "signed_by");
    /* only the lead unit replies */
    api_res_t *r = client_request(&co_unit, "POST", path,
                                  "{\"category\":\"A\",\"type\":\"solve\",\"text\":\"答复\",\"signed_by\":\"李\"}");
    assert_int_equal(r->status, 404); /* not assigned to it at all */
    api_res_free(r);
}

static void only_the_lead_deputy_rates_the_reply(void **state)
{
    char extra[64];
    snprintf(extra, sizeof(extra), "\"cosigners\":[%lld]", cosigner_deputy);
    long long id = assigned("评价权限", extra, false);
    step(&unit, id, "start", NULL, "handling");
    step(&unit, id, "reply",
         "{\"category\":\"C\",\"type\":\"explain\",\"text\":\"暂无条件\",\"reason\":\"资金不足\","
         "\"signed_by\":\"张局长\"}",
         "replied");
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld/evaluate", id);
    client_t *others[] = {&cosigner, &admin, &unit, &member};
    for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++) {
        api_res_t *r = client_request(others[i], "POST", path, "{\"rating\":\"satisfied\"}");
        api_assert_error(r, 403, "forbidden", NULL);
        api_res_free(r);
    }
    invalid(&deputy, "POST", path, "{\"rating\":\"great\"}", "rating");
    step(&deputy, id, "evaluate", "{\"rating\":\"basic\"}", "closed"); /* C: nothing more to rate */
}

static void steps_out_of_order_answer_409_with_the_state(void **state)
{
    long long id = draft("顺序校验", NULL);
    step(&deputy, id, "submit", NULL, "submitted");
    refused(&deputy, id, "submit", NULL, "submitted");
    char body[128];
    assign_body(body, sizeof(body), lead_unit, 0);
    refused(&admin, id, "assign", body, "submitted");
    refused(&admin, id, "reassign", body, "submitted");
    step(&admin, id, "accept", NULL, "accepted");
    refused(&admin, id, "accept", NULL, "accepted");
    refused(&admin, id, "return", "{\"text\":\"再改\"}", "accepted");
    step(&admin, id, "assign", body, "assigned");
    refused(&unit, id, "reply", "{\"category\":\"A\",\"type\":\"solve\",\"text\":\"答\",\"signed_by\":\"张\"}",
            "assigned");
    step(&unit, id, "start", NULL, "handling");
    refused(&deputy, id, "evaluate", "{\"rating\":\"satisfied\"}", "handling");
    refused(&deputy, id, "rate-result", "{\"rating\":\"satisfied\"}", "handling");
    api_res_t *r = client_request(&deputy, "PATCH", "/api/v1/suggestions/0", "{}");
    assert_int_equal(r->status, 404);
    api_res_free(r);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld", id);
    r = client_request(&deputy, "PATCH", path, "{\"title\":\"改标题\"}");
    api_assert_error(r, 409, "illegal_transition", NULL);
    api_res_free(r);
}

static void drafts_are_private_to_the_lead_deputy(void **state)
{
    char extra[64];
    snprintf(extra, sizeof(extra), "\"cosigners\":[%lld]", cosigner_deputy);
    long long id = draft("私密草稿", extra);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld", id);
    client_t *others[] = {&admin, &cosigner, &unit, &member, &rugao};
    for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++) {
        api_res_t *r = client_request(others[i], "GET", path, NULL);
        api_assert_error(r, 404, "not_found", NULL);
        api_res_free(r);
    }
    assert_false(list_has(&admin, "/api/v1/suggestions?limit=200", id));
    assert_false(list_has(&cosigner, "/api/v1/suggestions?limit=200", id));
    assert_true(list_has(&deputy, "/api/v1/suggestions?limit=200", id));
    api_res_t *r = api_get(&srv, path);
    assert_int_equal(r->status, 401);
    api_res_free(r);
    /* submitted, the co-signer and the office see it; the neighbour county never */
    step(&deputy, id, "submit", NULL, "submitted");
    assert_true(list_has(&cosigner, "/api/v1/suggestions?limit=200", id));
    assert_true(list_has(&admin, "/api/v1/suggestions?state=submitted&limit=200", id));
    assert_false(list_has(&rugao, "/api/v1/suggestions?limit=200", id));
    r = client_request(&rugao, "GET", path, NULL);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = call(&rugao, "POST", 404, "/api/v1/suggestions/%lld/accept", "{}", id);
    api_res_free(r);
    r = call(&rugao_unit, "GET", 404, "%s", NULL, path);
    api_res_free(r);
    r = call(&unit, "GET", 404, "%s", NULL, path); /* not assigned to it yet */
    api_res_free(r);
    /* a co-signer reads it but does not edit or submit it */
    r = call(&cosigner, "GET", 200, "%s", NULL, path);
    api_res_free(r);
    r = client_request(&cosigner, "PATCH", path, "{\"title\":\"附议人改\"}");
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    /* returned with a reason, it is the lead's to revise and submit again */
    step(&admin, id, "return", "{\"text\":\"请补充调研数据\"}", "returned");
    r = call(&deputy, "PATCH", 200, "%s", "{\"content\":\"补充了调研数据\"}", path);
    api_res_free(r);
    step(&deputy, id, "submit", NULL, "submitted");
    step(&admin, id, "to-letter", "{\"text\":\"属于个人诉求，转为来信\"}", "letter");
    refused(&admin, id, "accept", NULL, "letter");
}

static void a_unit_contests_within_the_days_and_the_office_reassigns(void **state)
{
    long long id = assigned("交办有误", NULL, false);
    char body[128];
    step(&unit, id, "contest", "{\"text\":\"不属于本单位职责\"}", "contested");
    refused(&unit, id, "start", NULL, "contested");
    assign_body(body, sizeof(body), second_unit, 0);
    step(&admin, id, "reassign", body, "assigned");
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld", id);
    api_res_t *r = call(&unit, "GET", 404, "%s", NULL, path); /* no longer its */
    api_res_free(r);
    r = call(&co_unit, "GET", 200, "%s", NULL, path);
    assert_int_equal(int_of(json_object_get(r->json, "lead_unit"), "id"), second_unit);
    api_res_free(r);
    /* past the days to contest, it is refused */
    exec_sql("UPDATE suggestions SET contest_due = %lld WHERE id = %lld", (long long)time(NULL) - 60, id);
    r = client_request(&co_unit, "POST", "/api/v1/suggestions/0/contest", "{\"text\":\"x\"}");
    assert_int_equal(r->status, 404);
    api_res_free(r);
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld/contest", id);
    r = client_request(&co_unit, "POST", path, "{\"text\":\"也不属于本单位\"}");
    api_assert_error(r, 409, "illegal_transition", NULL);
    api_res_free(r);
}

/* ---- supervision ---- */

typedef struct {
    long long suggestion, unit;
} near_wait_t;

static long long near_notices(const near_wait_t *w)
{
    char to[32];
    snprintf(to, sizeof(to), "unit:%lld", w->unit);
    return outbox("suggestion.near_deadline", to, w->suggestion);
}

static bool near_notice_sent(void *arg)
{
    return near_notices(arg) > 0;
}

static void overdue_near_and_follow_up_lists_show_what_is_due(void **state)
{
    long long late = handling("超期未办", false), near = handling("临近期限", false), b = handling("承诺事项", false);
    exec_sql("UPDATE suggestions SET due = %lld WHERE id = %lld", (long long)time(NULL) - 86400, late);
    exec_sql("UPDATE suggestions SET due = %lld WHERE id = %lld", (long long)time(NULL) + 3600, near);
    assert_true(list_has(&admin, "/api/v1/suggestions/overdue?limit=200", late));
    assert_false(list_has(&admin, "/api/v1/suggestions/overdue?limit=200", near));
    assert_true(list_has(&member, "/api/v1/suggestions/near-deadline?limit=200", near));
    assert_false(list_has(&member, "/api/v1/suggestions/near-deadline?limit=200", late));
    assert_false(list_has(&rugao, "/api/v1/suggestions/overdue?limit=200", late));
    /* the ticker tells the lead unit once that the deadline is near */
    near_wait_t wait = {near, lead_unit};
    assert_true(wait_until(near_notice_sent, &wait, 10000));
    assert_int_equal(near_notices(&wait), 1);
    api_res_t *r = client_request(&unit, "GET", "/api/v1/suggestions/overdue", NULL);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);

    /* 回头看: a B commitment whose date has passed, until the result is rated */
    time_t later = time(NULL) + 40 * 86400;
    char day[11], body[256];
    strftime(day, sizeof(day), "%Y-%m-%d", gmtime(&later));
    snprintf(body, sizeof(body),
             "{\"category\":\"B\",\"type\":\"solve\",\"text\":\"列入明年计划\",\"commitment_date\":\"%s\","
             "\"signed_by\":\"张局长\"}",
             day);
    step(&unit, b, "reply", body, "replied");
    step(&deputy, b, "evaluate", "{\"rating\":\"satisfied\"}", "evaluated");
    refused(&deputy, b, "rate-result", "{\"rating\":\"satisfied\"}", "evaluated");
    assert_false(list_has(&admin, "/api/v1/suggestions/follow-up?limit=200", b));
    exec_sql("UPDATE suggestions SET commitment_at = %lld WHERE id = %lld", (long long)time(NULL) - 60, b);
    assert_true(list_has(&admin, "/api/v1/suggestions/follow-up?limit=200", b));
    step(&deputy, b, "rate-result", "{\"rating\":\"basic\"}", "closed");
    assert_false(list_has(&admin, "/api/v1/suggestions/follow-up?limit=200", b));
}

static void the_league_table_counts_the_same_rows_the_lists_show(void **state)
{
    long long a = handling("排名甲", false), c = handling("排名乙", false), again = handling("排名丙", false);
    /* one sent back (重办) still holds its first reply and rating: it is not completed */
    step(&unit, again, "reply", "{\"category\":\"A\",\"type\":\"solve\",\"text\":\"已解决\",\"signed_by\":\"张\"}",
         "replied");
    step(&deputy, again, "evaluate", "{\"rating\":\"unsatisfied\"}", "handling");
    step(&unit, a, "reply", "{\"category\":\"A\",\"type\":\"solve\",\"text\":\"已解决\",\"signed_by\":\"张\"}",
         "replied");
    step(&deputy, a, "evaluate", "{\"rating\":\"satisfied\"}", "evaluated");
    step(&unit, c, "reply",
         "{\"category\":\"C\",\"type\":\"explain\",\"text\":\"留作参考\",\"reason\":\"规划未定\","
         "\"signed_by\":\"张\"}",
         "replied");
    api_res_t *r = call(&member, "GET", 200, "/api/v1/suggestions/league?congress=%lld&session=recess", NULL, congress);
    json_t *row = NULL, *item;
    size_t i;
    json_array_foreach(json_object_get(r->json, "units"), i, item) if (int_of(item, "unit_id") == lead_unit) row = item;
    assert_non_null(row);
    long long assigned =
        query_ll("SELECT count(*) FROM suggestion_units su JOIN suggestions s ON s.id = su.suggestion_id"
                 " WHERE su.unit_id = %lld AND su.role = 'lead' AND su.state <> 'replaced' AND "
                 "s.congress_id = %lld AND s.session = 'recess'",
                 lead_unit, congress);
    long long completed = query_ll("SELECT count(*) FROM suggestion_units su JOIN suggestions s ON s.id = "
                                   "su.suggestion_id WHERE su.unit_id = %lld AND su.role = 'lead' AND su.state <> "
                                   "'replaced' AND s.congress_id = %lld AND s.session = 'recess' AND s.state IN "
                                   "('replied','evaluated','closed')",
                                   lead_unit, congress);
    assert_int_equal(int_of(row, "assigned"), assigned);
    assert_int_equal(int_of(row, "completed"), completed);
    assert_int_equal(int_of(row, "a_count"),
                     query_ll("SELECT count(*) FROM suggestion_units su JOIN suggestions s ON s.id = su.suggestion_id"
                              " WHERE su.unit_id = %lld AND su.role = 'lead' AND su.state <> 'replaced' AND "
                              "s.congress_id = %lld AND s.session = 'recess' AND s.reply_category = 'A' AND s.state IN "
                              "('replied','evaluated','closed')",
                              lead_unit, congress));
    assert_true(int_of(row, "a_count") >= 1 && int_of(row, "solve_count") >= 1);
    double rate = json_real_value(json_object_get(row, "rate_completed"));
    assert_true(rate > 0 && rate <= 1);
    json_array_foreach(json_object_get(r->json, "units"), i, item)
    {
        assert_true(int_of(item, "a_count") <= int_of(item, "completed"));
        assert_true(int_of(item, "solve_count") <= int_of(item, "completed"));
        assert_true(int_of(item, "rated") <= int_of(item, "completed"));
        assert_true(int_of(item, "satisfied") <= int_of(item, "rated"));
        const char *rates[] = {"rate_completed", "rate_a", "rate_satisfied", "rate_solve"};
        for (size_t k = 0; k < 4; k++)
            assert_true(json_real_value(json_object_get(item, rates[k])) <= 1.0);
    }
    api_res_free(r);
    r = client_request(&member, "GET", "/api/v1/suggestions/league?session=recess", NULL);
    api_assert_error(r, 400, "bad_query", "congress");
    api_res_free(r);
}

/* The rollup the league table reads (suggestion_unit_figures, kept by triggers) must hold, after
 * every step, what the pre-rollup GROUP BY over the rows gives. Both sides as one text. */
#define LEAD_DONE "s.state IN ('replied', 'evaluated', 'closed')"
static void assert_rollup_matches_the_rows(const char *after)
{
    char fresh[4096] = "", rollup[4096] = "";
    assert_int_equal(
        db_query(&srv,
                 "SELECT coalesce(group_concat(r, ';'), '') FROM (SELECT s.congress_id || ',' || s.session || ',' ||"
                 " su.unit_id || ',' || s.region_code || ',' || count(*) || ',' || coalesce(sum(" LEAD_DONE "), 0)"
                 " || ',' || coalesce(sum(" LEAD_DONE " AND s.reply_category = 'A'), 0) || ',' || coalesce(sum("
                 LEAD_DONE " AND s.rating IS NOT NULL), 0) || ',' || coalesce(sum(" LEAD_DONE " AND s.rating IN"
                 " ('satisfied', 'basic')), 0) || ',' || coalesce(sum(" LEAD_DONE " AND s.reply_type = 'solve'), 0)"
                 " AS r FROM suggestions s JOIN suggestion_units su ON su.suggestion_id = s.id AND su.role = 'lead'"
                 " AND su.state <> 'replaced' WHERE s.congress_id IS NOT NULL AND s.state IN ('assigned',"
                 " 'contested', 'handling', 'replied', 'evaluated', 'closed')"
                 " GROUP BY s.congress_id, s.session, su.unit_id, s.region_code"
                 " ORDER BY s.congress_id, s.session, su.unit_id, s.region_code)",
                 fresh, sizeof(fresh)),
        0);
    assert_int_equal(db_query(&srv,
                              "SELECT coalesce(group_concat(r, ';'), '') FROM (SELECT congress_id || ',' || session"
                              " || ',' || unit_id || ',' || region_code || ',' || assigned || ',' || completed || ','"
                              " || a_count || ',' || rated || ',' || satisfied || ',' || solve_count AS r"
                              " FROM suggestion_unit_figures WHERE assigned > 0"
                              " ORDER BY congress_id, session, unit_id, region_code)",
                              rollup, sizeof(rollup)),
                     0);
    assert_true(strlen(fresh) < sizeof(fresh) - 1);
    if (strcmp(fresh, rollup) != 0)
        fail_msg("after %s the league rollup differs from the rows:\n rows   %s\n rollup %s", after, fresh, rollup);
}

/* The lead unit's row of the league table as the member sees it: assigned, completed, a_count,
 * rated, satisfied, solve_count, as "a/c/a/r/s/s" (or "none"). */
static void league_row_of(long long unit_id, char *out, size_t cap)
{
    api_res_t *r = call(&member, "GET", 200, "/api/v1/suggestions/league?congress=%lld&session=recess", NULL, congress);
    size_t i;
    json_t *item;
    snprintf(out, cap, "none");
    json_array_foreach(json_object_get(r->json, "units"), i, item) if (int_of(item, "unit_id") == unit_id)
        snprintf(out, cap, "%lld/%lld/%lld/%lld/%lld/%lld", int_of(item, "assigned"), int_of(item, "completed"),
                 int_of(item, "a_count"), int_of(item, "rated"), int_of(item, "satisfied"), int_of(item, "solve_count"));
    api_res_free(r);
}

static void the_league_rollup_follows_every_reply_reopening_and_reassignment(void **state)
{
    char before[64], now[64], body[128];
    assert_rollup_matches_the_rows("the earlier tests");
    league_row_of(second_unit, before, sizeof(before));

    /* assigned to the demo unit, contested, reassigned to the second unit as lead */
    long long id = assigned("榜单汇总", NULL, false);
    assert_rollup_matches_the_rows("assign");
    step(&unit, id, "contest", "{\"text\":\"不属于本单位职责\"}", "contested");
    assert_rollup_matches_the_rows("contest");
    assign_body(body, sizeof(body), second_unit, lead_unit);
    step(&admin, id, "reassign", body, "assigned");
    assert_rollup_matches_the_rows("reassign");
    step(&co_unit, id, "start", NULL, "handling");
    assert_rollup_matches_the_rows("start");

    /* replied A/solve, sent back (重办), replied again C/explain, rated and so closed */
    step(&co_unit, id, "reply", "{\"category\":\"A\",\"type\":\"solve\",\"text\":\"已解决\",\"signed_by\":\"李\"}",
         "replied");
    assert_rollup_matches_the_rows("reply");
    step(&deputy, id, "evaluate", "{\"rating\":\"unsatisfied\"}", "handling");
    assert_rollup_matches_the_rows("the reopening");
    step(&co_unit, id, "reply",
         "{\"category\":\"C\",\"type\":\"explain\",\"text\":\"列入规划\",\"reason\":\"资金未落实\",\"signed_by\":\"李\"}",
         "replied");
    assert_rollup_matches_the_rows("the second reply");
    /* a C reply has no result to rate: the rating closes it */
    step(&deputy, id, "evaluate", "{\"rating\":\"basic\"}", "closed");
    assert_rollup_matches_the_rows("the rating that closes it");

    /* and the table served from it moved by exactly this suggestion: one more assigned and
     * completed, rated basic (satisfied), a C reply of the explaining type */
    league_row_of(second_unit, now, sizeof(now));
    long long b[6] = {0}, n[6] = {0};
    if (strcmp(before, "none") != 0)
        assert_int_equal(sscanf(before, "%lld/%lld/%lld/%lld/%lld/%lld", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]), 6);
    assert_int_equal(sscanf(now, "%lld/%lld/%lld/%lld/%lld/%lld", &n[0], &n[1], &n[2], &n[3], &n[4], &n[5]), 6);
    long long want[6] = {1, 1, 0, 1, 1, 0};
    for (int k = 0; k < 6; k++)
        if (n[k] - b[k] != want[k])
            fail_msg("the second unit's league row went from %s to %s", before, now);
}

static void the_referral_sheet_lists_a_units_fortnight_as_json_and_xlsx(void **state)
{
    long long id = handling("交办单条目", true);
    time_t now = time(NULL) + 8 * 3600 - 86400;
    char day[11];
    strftime(day, sizeof(day), "%Y-%m-%d", gmtime(&now));
    api_res_t *r = call(&admin, "GET", 200, "/api/v1/suggestions/sheet?unit=%lld&from=%s", NULL, second_unit, day);
    bool found = false;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        if (int_of(item, "id") == id) {
            found = true;
            assert_string_equal(text_of(item, "role"), "co");
        }
    }
    assert_true(found);
    api_res_free(r);
    r = call(&admin, "GET", 200, "/api/v1/suggestions/sheet.xlsx?unit=%lld&from=%s", NULL, second_unit, day);
    assert_true(r->len > 100 && memcmp(r->body, "PK", 2) == 0);
    api_res_free(r);
    r = call(&co_unit, "GET", 200, "/api/v1/suggestions/sheet?from=%s", NULL, day); /* its own unit by default */
    api_res_free(r);
    r = call(&unit, "GET", 404, "/api/v1/suggestions/sheet?unit=%lld&from=%s", NULL, second_unit, day);
    api_res_free(r);
    r = call(&rugao, "GET", 404, "/api/v1/suggestions/sheet?unit=%lld&from=%s", NULL, second_unit, day);
    api_res_free(r);
}

static void attachments_and_source_opinions_belong_to_the_draft(void **state)
{
    long long opinion = query_ll("SELECT id FROM opinions WHERE deputy_id = %lld OR owner_deputy_id = %lld LIMIT 1",
                                 lead_deputy, lead_deputy);
    char extra[64];
    snprintf(extra, sizeof(extra), "\"opinions\":[%lld]", opinion);
    long long id = opinion ? draft("来自群众意见", extra) : draft("来自群众意见", NULL);
    if (opinion)
        assert_int_equal(query_ll("SELECT suggestion_id FROM opinions WHERE id = %lld", opinion), id);
    char path[96], cookie[600], csrf[200];
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld/attachments?name=scan.pdf", id);
    snprintf(cookie, sizeof(cookie), "Cookie: %s", deputy.cookies);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", deputy.csrf);
    static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    api_res_t *r = api_request(&srv, "POST", path, pdf, sizeof(pdf) - 1, "application/pdf",
                               (const char *const[]){cookie, csrf, NULL});
    assert_int_equal(r->status, 201);
    long long file = int_of(r->json, "id");
    api_res_free(r);
    r = api_request(&srv, "POST", path, "hello", 5, "text/plain", (const char *const[]){cookie, csrf, NULL});
    assert_int_equal(r->status, 415);
    api_res_free(r);
    r = call(&deputy, "GET", 200, "/api/v1/suggestions/%lld/attachments/%lld", NULL, id, file);
    assert_int_equal(r->len, sizeof(pdf) - 1);
    api_res_free(r);
    r = call(&admin, "GET", 404, "/api/v1/suggestions/%lld/attachments/%lld", NULL, id, file);
    api_res_free(r);
}

static void a_draft_from_the_opinion_loop_reaches_its_deputy_with_the_opinion_linked(void **state)
{
    char body[512], region[16];
    snprintf(region, sizeof(region), "%lld", query_ll("SELECT region_code FROM deputies WHERE id = %lld", lead_deputy));
    snprintf(body, sizeof(body),
             "{\"deputy_id\":%lld,\"category\":\"education\",\"content\":\"建议增设公办幼儿园\",\"region\":\"%s\"}",
             lead_deputy, region);
    api_res_t *r = call(&admin, "POST", 201, "/api/v1/opinions", body);
    long long opinion = int_of(r->json, "id");
    api_res_free(r);
    r = call(&admin, "POST", 200, "/api/v1/opinions/%lld/triage", "{}", opinion);
    api_res_free(r);
    snprintf(body, sizeof(body), "{\"deputy_id\":%lld}", lead_deputy);
    r = call(&admin, "POST", 200, "/api/v1/opinions/%lld/to-suggestion", body, opinion);
    long long id = int_of(r->json, "suggestion_id");
    api_res_free(r);
    r = call(&deputy, "GET", 200, "/api/v1/suggestions/%lld", NULL, id);
    assert_string_equal(text_of(r->json, "state"), "draft");
    assert_int_equal(int_of(json_array_get(json_object_get(r->json, "opinions"), 0), "id"), opinion);
    api_res_free(r);
    /* it names no congress yet: the deputy says which before submitting */
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/suggestions/%lld/submit", id);
    invalid(&deputy, "POST", path, "{}", "congress_id");
    snprintf(body, sizeof(body), "{\"congress_id\":%lld,\"session\":\"recess\"}", congress);
    r = call(&deputy, "PATCH", 200, "/api/v1/suggestions/%lld", body, id);
    api_res_free(r);
    step(&deputy, id, "submit", NULL, "submitted");
    assert_int_equal(query_ll("SELECT suggestion_id FROM opinions WHERE id = %lld", opinion), id);
}

/* ---- a member's key suggestions ---- */

/* A draft taken to assigned as a key suggestion (重点督办) supervised by the account supervisor. */
static long long key_assigned(const char *title, long long supervisor)
{
    char body[160];
    long long id = draft(title, NULL);
    step(&deputy, id, "submit", NULL, "submitted");
    step(&admin, id, "accept", NULL, "accepted");
    snprintf(body, sizeof(body), "{\"lead_unit_id\":%lld,\"key\":true,\"supervisor_user_id\":%lld}", lead_unit,
             supervisor);
    step(&admin, id, "assign", body, "assigned");
    return id;
}

static void a_member_lists_exactly_the_key_suggestions_they_supervise(void **state)
{
    client_t other = {0};
    char body[256];
    snprintf(body, sizeof(body),
             "{\"username\":\"member-2\",\"display_name\":\"另一位常委\",\"password\":\"%s\",\"role\":\"member\","
             "\"region\":\"%s\"}",
             DEMO_PASSWORD, HOME_REGION);
    api_res_t *r = call(&admin, "POST", 201, "/api/v1/users", body);
    long long other_user = int_of(r->json, "id");
    api_res_free(r);
    assert_true(client_login(&other, &srv, "member-2", DEMO_PASSWORD));

    long long mine = key_assigned("重点督办：农村饮水安全", member_user);
    long long theirs = key_assigned("重点督办：老旧小区改造", other_user);
    long long plain = assigned("一般建议：路灯维修", NULL, false);
    step(&unit, mine, "start", NULL, "handling");

    r = call(&member, "GET", 200, "/api/v1/suggestions/supervised?limit=200", NULL);
    json_t *items = json_object_get(r->json, "items"), *item, *found = NULL;
    size_t i;
    json_array_foreach(items, i, item)
    {
        assert_true(json_is_true(json_object_get(item, "key"))); /* only key suggestions */
        if (int_of(item, "id") == theirs || int_of(item, "id") == plain)
            fail_msg("suggestion %lld is not supervised by the member: %s", int_of(item, "id"), r->body);
        if (int_of(item, "id") == mine)
            found = item;
    }
    assert_non_null(found);
    /* what the supervision view shows: state, lead unit, due and flag */
    assert_string_equal(text_of(found, "state"), "handling");
    assert_int_equal(int_of(json_object_get(found, "lead_unit"), "id"), lead_unit);
    assert_true(int_of(found, "due") > time(NULL));
    assert_string_equal(text_of(found, "flag"), "none");
    assert_int_equal(query_ll("SELECT count(*) FROM suggestions WHERE key_suggestion = 1 AND supervisor_user_id = %lld",
                              member_user),
                     json_array_size(items));
    api_res_free(r);

    /* the other member sees theirs and not this one; ?state narrows the list */
    assert_true(list_has(&other, "/api/v1/suggestions/supervised", theirs));
    assert_false(list_has(&other, "/api/v1/suggestions/supervised", mine));
    assert_true(list_has(&member, "/api/v1/suggestions/supervised?state=handling", mine));
    assert_false(list_has(&member, "/api/v1/suggestions/supervised?state=assigned", mine));

    /* no one but a member has key suggestions to supervise */
    client_t *not_members[] = {&admin, &deputy, &unit};
    for (size_t k = 0; k < sizeof(not_members) / sizeof(*not_members); k++) {
        r = client_request(not_members[k], "GET", "/api/v1/suggestions/supervised", NULL);
        api_assert_error(r, 403, "forbidden", NULL);
        api_res_free(r);
    }
    r = api_get(&srv, "/api/v1/suggestions/supervised");
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

/* ---- moving a draft to another congress ---- */

static void a_draft_moved_to_another_congress_refuses_co_signers_who_do_not_sit_in_it(void **state)
{
    /* a township congress of the county where the co-signer holds no seat but another deputy
     * does; the lead deputy is given a seat in it behind the API */
    long long other = query_ll("SELECT s.congress_id FROM deputy_seats s JOIN congresses c ON c.id = s.congress_id"
                               " WHERE c.level = 5 AND c.region_code >= '%s' AND c.region_code < '%.6s~'"
                               " AND s.deputy_id NOT IN (%lld, %lld) AND s.congress_id NOT IN (SELECT congress_id"
                               " FROM deputy_seats WHERE deputy_id IN (%lld, %lld)) ORDER BY s.congress_id LIMIT 1",
                               HOME_REGION, HOME_REGION, lead_deputy, cosigner_deputy, lead_deputy, cosigner_deputy);
    assert_true(other > 0);
    long long seated = query_ll("SELECT deputy_id FROM deputy_seats WHERE congress_id = %lld AND deputy_id <> %lld"
                                " ORDER BY deputy_id LIMIT 1",
                                other, lead_deputy);
    exec_sql("INSERT INTO deputy_seats (deputy_id, congress_id, district) VALUES (%lld, %lld, '测试选区')", lead_deputy,
             other);

    char extra[64], body[256];
    snprintf(extra, sizeof(extra), "\"cosigners\":[%lld]", cosigner_deputy);
    long long id = draft("换届次的草稿", extra);
    api_res_t *r = call(&deputy, "GET", 200, "/api/v1/suggestions/%lld", NULL, id);
    char name[64];
    snprintf(name, sizeof(name), "%s", text_of(json_array_get(json_object_get(r->json, "cosigners"), 0), "name"));
    api_res_free(r);
    assert_true(name[0] != '\0');

    /* the co-signer does not sit in the new congress: 422 naming them, nothing written */
    snprintf(body, sizeof(body), "{\"title\":\"已改标题\",\"congress_id\":%lld}", other);
    r = call(&deputy, "PATCH", 422, "/api/v1/suggestions/%lld", body, id);
    api_assert_error(r, 422, "invalid", "cosigners");
    const char *message = text_of(json_object_get(r->json, "error"), "message");
    if (strstr(message, name) == NULL)
        fail_msg("the refusal does not name the co-signer %s: %s", name, message);
    api_res_free(r);
    r = call(&deputy, "GET", 200, "/api/v1/suggestions/%lld", NULL, id);
    assert_string_equal(text_of(r->json, "title"), "换届次的草稿");
    assert_int_equal(int_of(json_object_get(r->json, "congress"), "id"), congress);
    assert_int_equal(int_of(json_array_get(json_object_get(r->json, "cosigners"), 0), "deputy_id"), cosigner_deputy);
    api_res_free(r);
    assert_int_equal(query_ll("SELECT count(*) FROM suggestion_events WHERE suggestion_id = %lld", id), 1);

    /* the same move with co-signers who sit there is taken */
    snprintf(body, sizeof(body), "{\"congress_id\":%lld,\"cosigners\":[%lld]}", other, seated);
    r = call(&deputy, "PATCH", 200, "/api/v1/suggestions/%lld", body, id);
    assert_int_equal(int_of(json_object_get(r->json, "congress"), "id"), other);
    json_t *cosigners = json_object_get(r->json, "cosigners");
    assert_int_equal(json_array_size(cosigners), 1);
    assert_int_equal(int_of(json_array_get(cosigners, 0), "deputy_id"), seated);
    api_res_free(r);
    exec_sql("DELETE FROM deputy_seats WHERE deputy_id = %lld AND congress_id = %lld", lead_deputy, other);
}

/* ---- start ---- */

static long long user_field(client_t *c, const char *field)
{
    api_res_t *r = client_request(c, "GET", "/api/v1/session", NULL);
    long long v = int_of(json_object_get(r->json, "user"), field);
    api_res_free(r);
    return v;
}

static void make_account(client_t *office, const char *name, const char *role, const char *region, const char *link,
                         long long id)
{
    char body[512];
    snprintf(body, sizeof(body),
             "{\"username\":\"%s\",\"display_name\":\"%s\",\"password\":\"%s\",\"role\":\"%s\",\"region\":\"%s\","
             "\"%s\":%lld}",
             name, name, DEMO_PASSWORD, role, region, link, id);
    api_res_t *r = client_request(office, "POST", "/api/v1/users", body);
    if (r->status != 201)
        fail_msg("account %s: %ld %s", name, r->status, r->body);
    api_res_free(r);
}

static int start(void **state)
{
    server_up(&srv, (const char *const[]){"--rate-limits=off", "--max-conns-per-ip=1000", "--jobs-interval-s=1", NULL});
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD) || !client_login(&deputy, &srv, "deputy", DEMO_PASSWORD) ||
        !client_login(&unit, &srv, "unit", DEMO_PASSWORD) || !client_login(&member, &srv, "member", DEMO_PASSWORD) ||
        !client_login(&rugao, &srv, FOREIGN_ADMIN, DEMO_PASSWORD))
        return -1;
    lead_deputy = user_field(&deputy, "deputy_id");
    lead_unit = user_field(&unit, "unit_id");
    member_user = user_field(&member, "id");
    congress = query_ll("SELECT id FROM congresses WHERE level = 4 AND region_code = '%s'", HOME_REGION);
    cosigner_deputy = query_ll("SELECT deputy_id FROM deputy_seats WHERE congress_id = %lld AND deputy_id <> %lld "
                               "ORDER BY deputy_id LIMIT 1",
                               congress, lead_deputy);
    foreign_deputy = query_ll("SELECT deputy_id FROM deputy_seats WHERE deputy_id NOT IN (SELECT deputy_id FROM "
                              "deputy_seats WHERE congress_id = %lld) LIMIT 1",
                              congress);
    second_unit = query_ll("SELECT id FROM units WHERE region_code = '%s' AND id <> %lld ORDER BY id LIMIT 1",
                           HOME_REGION, lead_unit);
    api_res_t *r = client_request(&rugao, "POST", "/api/v1/units",
                                  "{\"name\":\"如皋市交通运输局\",\"region\":\"" FOREIGN_REGION "\"}");
    foreign_unit = r->status == 201 ? int_of(r->json, "id") : 0;
    api_res_free(r);
    if (!congress || !lead_deputy || !cosigner_deputy || !foreign_deputy || !second_unit || !foreign_unit)
        return -1;
    make_account(&admin, "cosigner", "deputy", HOME_REGION, "deputy_id", cosigner_deputy);
    make_account(&admin, "co-unit", "unit", HOME_REGION, "unit_id", second_unit);
    make_account(&rugao, "unit-rugao", "unit", FOREIGN_REGION, "unit_id", foreign_unit);
    return client_login(&cosigner, &srv, "cosigner", DEMO_PASSWORD) &&
                   client_login(&co_unit, &srv, "co-unit", DEMO_PASSWORD) &&
                   client_login(&rugao_unit, &srv, "unit-rugao", DEMO_PASSWORD)
               ? 0
               : -1;
}

static int stop(void **state)
{
    server_down(&srv);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_whole_journey_runs_from_proposal_to_rating_with_a_co_unit_and_one_unsatisfied_round),
        cmocka_unit_test(fifty_suggestions_accepted_at_once_are_numbered_without_gaps_or_repeats),
        cmocka_unit_test(a_co_signer_from_another_congress_is_refused_naming_the_field),
        cmocka_unit_test(an_assignment_to_a_unit_outside_the_offices_region_is_refused),
        cmocka_unit_test(a_reply_without_category_or_a_b_reply_without_date_is_refused),
        cmocka_unit_test(only_the_lead_deputy_rates_the_reply),
        cmocka_unit_test(steps_out_of_order_answer_409_with_the_state),
        cmocka_unit_test(drafts_are_private_to_the_lead_deputy),
        cmocka_unit_test(a_unit_contests_within_the_days_and_the_office_reassigns),
        cmocka_unit_test(overdue_near_and_follow_up_lists_show_what_is_due),
        cmocka_unit_test(the_league_table_counts_the_same_rows_the_lists_show),
        cmocka_unit_test(the_league_rollup_follows_every_reply_reopening_and_reassignment),
        cmocka_unit_test(the_referral_sheet_lists_a_units_fortnight_as_json_and_xlsx),
        cmocka_unit_test(attachments_and_source_opinions_belong_to_the_draft),
        cmocka_unit_test(a_draft_from_the_opinion_loop_reaches_its_deputy_with_the_opinion_linked),
        cmocka_unit_test(a_member_lists_exactly_the_key_suggestions_they_supervise),
        cmocka_unit_test(a_draft_moved_to_another_congress_refuses_co_signers_who_do_not_sit_in_it),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
