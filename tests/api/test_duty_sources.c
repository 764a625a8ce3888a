/*
 * duty sources: what happens in the other modules enters a deputy's duty record by itself
 * (SPEC §6, issue 8; migrations/017_duty_sources.sql) - attending an activity, receiving a
 * visitor, answering an opinion given to them, leading or co-signing an accepted suggestion,
 * voting in a ballot, finishing a campaign task. Each test drives a module through the HTTP API
 * and reads duty_records behind it: the record appears once, confirmed, with the kind, title and
 * Beijing day of its cause; it is not written twice when the event comes again; and it goes with
 * the reverse event.
 *
 * One server serves every test; each test makes its own deputies, so their records are its own.
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
#define BEIJING 28800LL

static server_t srv;
static client_t admin, staff, deputy_client, cosigner_client;
static long long station;  /* the demo staff's station */
static char township[13];  /* its street */
static long long lead;     /* the demo deputy account's deputy */
static long long cosigner; /* another deputy of the county congress, with an account */
static long long congress; /* the county's congress */

/* ---- behind the API ---- */

/* The first column of the first row of the query (formatted from fmt and ap), as text in out. */
static void vquery(char *out, size_t len, const char *fmt, va_list ap)
{
    char sql[2048];
    vsnprintf(sql, sizeof(sql), fmt, ap);
    out[0] = '\0';
    if (db_query(&srv, sql, out, len) != 0)
        fail_msg("query failed: %s", sql);
}

static void query_text(char *out, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vquery(out, len, fmt, ap);
    va_end(ap);
}

static long long query_ll(const char *fmt, ...)
{
    char out[64];
    va_list ap;
    va_start(ap, fmt);
    vquery(out, sizeof(out), fmt, ap);
    va_end(ap);
    return atoll(out);
}

/* Changes the running server's database, waiting for its writer rather than failing on a lock. */
static void db_change(const char *fmt, ...)
{
    char sql[2048];
    int used = snprintf(sql, sizeof(sql), "PRAGMA busy_timeout = 10000; ");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql + used, sizeof(sql) - (size_t)used, fmt, ap);
    va_end(ap);
    if (db_exec(&srv, sql) != 0)
        fail_msg("cannot change the database: %s", sql);
}

/* How many records the deputy has from source item (source, id). */
static long long records_of(long long deputy, const char *source, long long id)
{
    return query_ll("SELECT count(*) FROM duty_records WHERE deputy_id = %lld AND source = '%s' AND source_id = %lld",
                    deputy, source, id);
}

/* The deputy has exactly one record of source item (source, id): confirmed, written by no one,
 * in the deputy's region, of this kind, title and day. Returns its id. */
static long long expect_record(long long deputy, const char *source, long long id, const char *kind, const char *title,
                               const char *day)
{
    long long n = records_of(deputy, source, id);
    if (n != 1)
        fail_msg("deputy %lld should have one %s record of %lld, has %lld", deputy, source, id, n);
    char got[1024], want[1024];
    query_text(got, sizeof(got),
               "SELECT r.kind || '|' || r.title || '|' || r.happened_on || '|' || r.state || '|' ||"
               " coalesce(r.created_by, 'none') || '|' || (r.region_code = d.region_code) || '|' ||"
               " (r.confirmed_at IS NOT NULL) FROM duty_records r JOIN deputies d ON d.id = r.deputy_id"
               " WHERE r.deputy_id = %lld AND r.source = '%s' AND r.source_id = %lld",
               deputy, source, id);
    snprintf(want, sizeof(want), "%s|%s|%s|confirmed|none|1|1", kind, title, day);
    if (strcmp(got, want) != 0)
        fail_msg("the %s record of %lld for deputy %lld: got %s, want %s", source, id, deputy, got, want);
    return query_ll("SELECT id FROM duty_records WHERE deputy_id = %lld AND source = '%s' AND source_id = %lld", deputy,
                    source, id);
}

static void expect_no_record(long long deputy, const char *source, long long id, const char *why)
{
    long long n = records_of(deputy, source, id);
    if (n != 0)
        fail_msg("%s: deputy %lld still has %lld %s record(s) of %lld", why, deputy, n, source, id);
}

/* ---- time ---- */

/* "YYYY-MM-DD" of the Beijing day of the UTC second t. */
static void day_of(long long t, char out[11])
{
    time_t s = (time_t)(t + BEIJING);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Beijing "YYYY-MM-DDTHH:MM" of t, as the activities and ballots APIs take times. */
static void beijing_time(long long t, char out[17])
{
    time_t s = (time_t)(t + BEIJING);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, 17, "%Y-%m-%dT%H:%M", &tm);
}

/* ---- requests ---- */

/* Sends body (stolen; NULL for none) as c, or as the public when c is NULL; path formatted. */
static api_res_t *request(client_t *c, const char *method, json_t *body, const char *fmt, ...)
{
    char path[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
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
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The request must answer status; the answer is freed. */
static void ok(api_res_t *r, long status, const char *what)
{
    expect_status(r, status, what);
    api_res_free(r);
}

/* The id of a 201 answer. */
static long long created_id(api_res_t *r, const char *what)
{
    expect_status(r, 201, what);
    long long id = int_of(r->json, "id");
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

/* A new deputy of the staff's street, at their station. */
static long long new_deputy(const char *name)
{
    return created_id(request(&admin, "POST",
                              json_pack("{s:s, s:s, s:s, s:[I]}", "name", name, "gender", "female", "region", township,
                                        "stations", (json_int_t)station),
                              "/api/v1/deputies"),
                      "a new deputy");
}

/* An activity of kind at the staff's station, `days` ahead, with these deputies (0-terminated). */
static long long new_activity(const char *kind, const char *title, int days, const long long *deputies)
{
    char from[17], to[17];
    long long start = (time(NULL) / DAY + days) * DAY + 2 * 3600; /* 10:00 Beijing */
    beijing_time(start, from);
    beijing_time(start + 7200, to);
    json_t *ids = json_array();
    for (; *deputies; deputies++)
        json_array_append_new(ids, json_integer(*deputies));
    return created_id(
        request(&staff, "POST",
                json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:o}", "station_id", (json_int_t)station, "kind", kind,
                          "title", title, "starts_at", from, "ends_at", to, "capacity", 0, "deputies", ids),
                "/api/v1/activities"),
        "announcing an activity");
}

/* The activity began an hour ago (behind the API: the record is filed once it has begun). */
static long long begin_activity(long long activity)
{
    long long start = (long long)time(NULL) - 3600;
    db_change("UPDATE activities SET starts_at = %lld WHERE id = %lld", start, activity);
    return start;
}

/* Files the activity's record with these deputies attending (0-terminated). */
static void record_activity(long long activity, const long long *attended)
{
    json_t *ids = json_array();
    for (; *attended; attended++)
        json_array_append_new(ids, json_integer(*attended));
    ok(request(&staff, "POST",
               json_pack("{s:i, s:s, s:o}", "visitors", 8, "summary", "听取了群众意见。", "attended", ids),
               "/api/v1/activities/%lld/record", activity),
       200, "filing the record");
}

#define IDS(...) ((const long long[]){__VA_ARGS__, 0})

/* An opinion about the staff's street with a phone ending 0000, sent to the station (and to
 * deputy unless 0); its id, and its tracking code into code. */
static long long new_opinion(long long deputy, char code[16])
{
    json_t *body =
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "station_id", (json_int_t)station, "category", "urban", "content",
                  "小区门口的路灯坏了，晚上出行不安全。", "region", township, "name", "王小明", "phone", "13912340000");
    if (deputy)
        json_object_set_new(body, "deputy_id", json_integer(deputy));
    api_res_t *r = request(&admin, "POST", body, "/api/v1/opinions");
    expect_status(r, 201, "sending an opinion");
    long long id = int_of(r->json, "id");
    if (code)
        snprintf(code, 16, "%s", text_of(r->json, "tracking_code"));
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

static void opinion_step(long long id, const char *step, json_t *body, const char *state)
{
    api_res_t *r = request(&staff, "POST", body, "/api/v1/opinions/%lld/%s", id, step);
    expect_status(r, 200, step);
    if (strcmp(text_of(r->json, "state"), state) != 0)
        fail_msg("%s: state %s, want %s", step, text_of(r->json, "state"), state);
    api_res_free(r);
}

static void suggestion_step(client_t *c, long long id, const char *step, json_t *body, const char *state)
{
    api_res_t *r = request(c, "POST", body ? body : json_object(), "/api/v1/suggestions/%lld/%s", id, step);
    expect_status(r, 200, step);
    if (strcmp(text_of(r->json, "state"), state) != 0)
        fail_msg("%s: state %s, want %s", step, text_of(r->json, "state"), state);
    api_res_free(r);
}

/* A draft of the demo deputy in the county congress, co-signed by the cosigner; submitted. */
static long long submitted_suggestion(const char *title)
{
    long long id =
        created_id(request(&deputy_client, "POST",
                           json_pack("{s:s, s:s, s:I, s:s, s:[I]}", "title", title, "content",
                                     "建议加快农村公路提档升级，解决群众出行难。", "congress_id", (json_int_t)congress,
                                     "session", "recess", "cosigners", (json_int_t)cosigner),
                           "/api/v1/suggestions"),
                   "a draft suggestion");
    suggestion_step(&deputy_client, id, "submit", NULL, "submitted");
    return id;
}

/* A campaign in the staff's street from 10 days ago to 60 days ahead, with one task for deputy
 * counting `counts` up to target. Its id, and its task's id into task. */
static long long new_campaign(long long deputy, const char *counts, int target, long long *task)
{
    char from[11], to[11];
    long long now = time(NULL);
    day_of(now - 10 * DAY, from);
    day_of(now + 60 * DAY, to);
    long long id =
        created_id(request(&admin, "POST",
                           json_pack("{s:s, s:s, s:s, s:s, s:[s], s:[I], s:[{s:I, s:s, s:s, s:i}]}", "theme",
                                     "代表\"三进\"", "title", "代表进企业、进社区、进村", "starts_on", from, "ends_on",
                                     to, "regions", township, "deputies", (json_int_t)deputy, "tasks", "deputy_id",
                                     (json_int_t)deputy, "title", "进社区 2 次", "counts", counts, "target", target),
                           "/api/v1/campaigns"),
                   "creating a campaign");
    *task = query_ll("SELECT id FROM campaign_tasks WHERE campaign_id = %lld", id);
    return id;
}

static void tag(long long campaign, const char *kind, long long item)
{
    ok(request(&admin, "POST", json_pack("{s:s, s:I}", "kind", kind, "id", (json_int_t)item),
               "/api/v1/campaigns/%lld/items", campaign),
       201, "tagging an item");
}

static void untag(long long campaign, const char *kind, long long item)
{
    ok(request(&admin, "DELETE", NULL, "/api/v1/campaigns/%lld/items/%s/%lld", campaign, kind, item), 204, "untagging");
}

/* The campaign's first task's done count, as its public page shows it. */
static long long task_done(long long campaign)
{
    api_res_t *r = request(NULL, "GET", NULL, "/api/v1/campaigns/%lld", campaign);
    expect_status(r, 200, "reading a campaign");
    long long done = int_of(json_array_get(json_object_get(r->json, "tasks"), 0), "done");
    api_res_free(r);
    return done;
}

/* ---- the tests ---- */

/*
 * Attending an activity writes one confirmed record of the kind its activity kind maps to, titled
 * as the activity, on its Beijing day; filing the record again writes nothing more; marking the
 * deputy absent takes it away, and the deputy now present gets theirs.
 */
static void attending_an_activity_writes_one_record_and_marking_absent_takes_it_away(void **state)
{
    (void)state;
    long long present = new_deputy("出席代表"), absent = new_deputy("缺席代表");
    long long id = new_activity("research", "乡村振兴专题调研", 3, IDS(present, absent));
    char day[11];
    day_of(begin_activity(id), day);
    expect_no_record(present, "activity", id, "announced, not yet held");

    record_activity(id, IDS(present));
    long long record = expect_record(present, "activity", id, "inspection", "乡村振兴专题调研", day);
    expect_no_record(absent, "activity", id, "marked absent");

    record_activity(id, IDS(present)); /* the record filed again: the same record, not a new one */
    assert_int_equal(expect_record(present, "activity", id, "inspection", "乡村振兴专题调研", day), record);

    /* the duty-records API shows it as written by the activity */
    api_res_t *r = request(&admin, "GET", NULL, "/api/v1/duty-records/%lld", record);
    expect_status(r, 200, "reading the record through the API");
    assert_string_equal(text_of(r->json, "source"), "activity");
    assert_int_equal(int_of(r->json, "source_id"), id);
    assert_string_equal(text_of(r->json, "state"), "confirmed");
    assert_string_equal(text_of(r->json, "kind"), "inspection");
    api_res_free(r);

    record_activity(id, IDS(absent)); /* corrected: it was the other one */
    expect_no_record(present, "activity", id, "marked absent on the corrected record");
    expect_record(absent, "activity", id, "inspection", "乡村振兴专题调研", day);
}

/* Each activity kind gives its duty kind: reception, group, inspection (视察 and 调研), report,
 * and meeting for legislative consultations and the rest. */
static void each_activity_kind_gives_its_duty_kind(void **state)
{
    (void)state;
    static const struct {
        const char *activity, *duty;
    } kinds[] = {{"reception", "reception"}, {"group", "group"},   {"inspection", "inspection"},
                 {"research", "inspection"}, {"report", "report"}, {"legislative", "meeting"},
                 {"other", "meeting"}};
    long long deputy = new_deputy("多面代表");
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        char title[64], day[11];
        snprintf(title, sizeof(title), "活动 %s", kinds[i].activity);
        long long id = new_activity(kinds[i].activity, title, 5 + (int)i, IDS(deputy));
        day_of(begin_activity(id), day);
        record_activity(id, IDS(deputy));
        expect_record(deputy, "activity", id, kinds[i].duty, title, day);
    }
}

/*
 * A visitor received at an activity counts as a reception for each deputy of it not marked
 * absent - before the record is filed too; filing the record again writes nothing more, and a
 * deputy marked absent loses theirs.
 */
static void a_visit_counts_for_each_deputy_not_marked_absent(void **state)
{
    (void)state;
    long long first = new_deputy("接待代表甲"), second = new_deputy("接待代表乙");
    long long id = new_activity("reception", "接待日", 2, IDS(first, second));
    long long visit =
        created_id(request(&staff, "POST", json_pack("{s:s, s:s}", "topic", "小区停车难", "name", "李秀兰"),
                           "/api/v1/activities/%lld/visits", id),
                   "a walk-in");
    char day[11];
    day_of(query_ll("SELECT created_at FROM visits WHERE id = %lld", visit), day);
    expect_record(first, "visit", visit, "reception", "接待来访群众：小区停车难", day);
    expect_record(second, "visit", visit, "reception", "接待来访群众：小区停车难", day);

    begin_activity(id);
    record_activity(id, IDS(first));
    record_activity(id, IDS(first));
    expect_record(first, "visit", visit, "reception", "接待来访群众：小区停车难", day);
    expect_no_record(second, "visit", visit, "marked absent");
}

/*
 * An opinion given to a deputy and answered is one online record titled with its tracking code
 * alone - never the constituent's name, phone or words; answered again after an unsatisfied
 * rating reopens it, it is still one.
 */
static void an_owned_opinion_answered_is_one_online_record_even_when_answered_again(void **state)
{
    (void)state;
    long long owner = new_deputy("网上代表");
    char code[16], title[64], day[11];
    long long id = new_opinion(0, code);
    opinion_step(id, "triage", json_pack("{s:I}", "owner_deputy_id", (json_int_t)owner), "triaged");
    expect_no_record(owner, "opinion", id, "given, not yet answered");

    opinion_step(id, "resolve", json_pack("{s:s}", "text", "已通知路灯所更换。"), "answered");
    snprintf(title, sizeof(title), "答复群众意见 %s", code);
    day_of(query_ll("SELECT answered_at FROM opinions WHERE id = %lld", id), day);
    long long record = expect_record(owner, "opinion", id, "online", title, day);
    assert_int_equal(query_ll("SELECT count(*) FROM duty_records WHERE id = %lld AND (title LIKE '%%王小明%%' OR"
                              " title LIKE '%%1391234%%' OR title LIKE '%%路灯%%' OR body <> '')",
                              record),
                     0);

    api_res_t *r = request(NULL, "POST", json_pack("{s:s, s:s}", "phone4", "0000", "rating", "unsatisfied"),
                           "/api/v1/track/%s/rating", code);
    expect_status(r, 200, "an unsatisfied rating");
    assert_string_equal(text_of(r->json, "state"), "in_progress");
    api_res_free(r);
    opinion_step(id, "resolve", json_pack("{s:s}", "text", "路灯已全部修复。"), "answered");
    expect_record(owner, "opinion", id, "online", title, day);
}

/*
 * A suggestion accepted (立案) is a record for its lead deputy and for each co-signer who has
 * confirmed - not before acceptance; a co-signer confirming after acceptance gets theirs then;
 * the steps after it write nothing more.
 */
static void an_accepted_suggestion_is_a_record_for_its_lead_and_each_confirmed_co_signer(void **state)
{
    (void)state;
    char day[11];
    long long id = submitted_suggestion("关于加装小区充电桩的建议");
    suggestion_step(&cosigner_client, id, "cosign", json_pack("{s:b}", "confirm", 1), "submitted");
    expect_no_record(lead, "suggestion", id, "submitted, not accepted");
    expect_no_record(cosigner, "cosign", id, "confirmed, but not accepted");

    suggestion_step(&admin, id, "accept", NULL, "accepted");
    day_of(query_ll("SELECT accepted_at FROM suggestions WHERE id = %lld", id), day);
    expect_record(lead, "suggestion", id, "suggestion", "领衔：关于加装小区充电桩的建议", day);
    expect_record(cosigner, "cosign", id, "suggestion", "附议：关于加装小区充电桩的建议", day);

    long long unit = query_ll("SELECT unit_id FROM users WHERE username = 'unit'");
    suggestion_step(&admin, id, "assign", json_pack("{s:I}", "lead_unit_id", (json_int_t)unit), "assigned");
    expect_record(lead, "suggestion", id, "suggestion", "领衔：关于加装小区充电桩的建议", day);
    expect_record(cosigner, "cosign", id, "suggestion", "附议：关于加装小区充电桩的建议", day);

    long long later = submitted_suggestion("关于增设公交站点的建议");
    suggestion_step(&admin, later, "accept", NULL, "accepted");
    expect_no_record(cosigner, "cosign", later, "invited, not confirmed");
    suggestion_step(&cosigner_client, later, "cosign", json_pack("{s:b}", "confirm", 1), "accepted");
    day_of(query_ll("SELECT answered_at FROM suggestion_cosigners WHERE suggestion_id = %lld", later), day);
    expect_record(cosigner, "cosign", later, "suggestion", "附议：关于增设公交站点的建议", day);
}

/*
 * A vote cast in a ballot (a row on its roll) is a meeting record of today, once; the second
 * vote is refused and writes nothing. Driven through the ballots API when it answers, else by
 * writing the ballot and the roll row the API would.
 */
static void a_vote_cast_in_a_ballot_is_one_meeting_record_of_today(void **state)
{
    (void)state;
    char from[17], to[17], today[11];
    long long now = time(NULL);
    beijing_time(now - 60, from);
    beijing_time(now + DAY, to);
    long long ballot = 0;
    api_res_t *r = request(&admin, "POST",
                           json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:[{s:s}, {s:s}], s:[I]}", "congress_id",
                                     (json_int_t)congress, "kind", "project", "title", "2027年民生实事项目票决", "rule",
                                     "at_most", "choose", 1, "opens_at", from, "closes_at", to, "candidates", "name",
                                     "农村公路提档升级", "name", "老旧小区加装电梯", "voters", (json_int_t)lead),
                           "/api/v1/ballots");
    if (r->status == 201) {
        ballot = int_of(r->json, "id");
        long long choice = int_of(json_array_get(json_object_get(r->json, "candidates"), 0), "id");
        api_res_free(r);
        ok(request(&admin, "POST", json_object(), "/api/v1/ballots/%lld/open", ballot), 200, "opening the ballot");
        ok(request(&deputy_client, "POST", json_pack("{s:[I]}", "choices", (json_int_t)choice),
                   "/api/v1/ballots/%lld/vote", ballot),
           201, "voting");
        day_of(time(NULL), today);
        r = request(&deputy_client, "POST", json_pack("{s:[I]}", "choices", (json_int_t)choice),
                    "/api/v1/ballots/%lld/vote", ballot);
        api_assert_error(r, 409, "already_voted", NULL);
        api_res_free(r);
    } else {
        fprintf(stderr, "(the ballots API answered %ld: the roll row is written behind it)\n", r->status);
        api_res_free(r);
        db_change("INSERT INTO ballots (congress_id, region_code, kind, title, rule, choose, opens_at, closes_at,"
                  " state, created_at, updated_at) VALUES (%lld, '%s', 'project', '2027年民生实事项目票决', 'at_most',"
                  " 1, %lld, %lld, 'open', %lld, %lld)",
                  congress, HOME_REGION, now - 60, now + DAY, now, now);
        ballot = query_ll("SELECT max(id) FROM ballots WHERE title = '2027年民生实事项目票决'");
        db_change("INSERT INTO ballot_roll (ballot_id, deputy_id) VALUES (%lld, %lld)", ballot, lead);
        day_of(time(NULL), today);
        db_change("INSERT OR IGNORE INTO ballot_roll (ballot_id, deputy_id) VALUES (%lld, %lld)", ballot, lead);
    }
    char before[11];
    day_of(now, before); /* a vote across midnight Beijing may be dated either day */
    if (query_ll(
            "SELECT count(*) FROM duty_records WHERE source = 'ballot' AND source_id = %lld AND happened_on = '%s'",
            ballot, before))
        snprintf(today, sizeof(today), "%s", before);
    expect_record(lead, "ballot", ballot, "meeting", "参加票决：2027年民生实事项目票决", today);
}

/*
 * A deputy's campaign task reaching its target is a campaign record titled with the theme and the
 * task, dated by the item that reached it; more items write nothing more; falling below the
 * target again takes it away - exactly when the campaign's own count says done >= target.
 */
static void a_campaign_task_reaching_its_target_is_a_record_and_falling_short_takes_it_away(void **state)
{
    (void)state;
    long long deputy = new_deputy("三进代表");
    long long task;
    long long campaign = new_campaign(deputy, "opinion", 2, &task);
    long long first = new_opinion(deputy, NULL), second = new_opinion(deputy, NULL), third = new_opinion(deputy, NULL);
    tag(campaign, "opinion", first);
    assert_int_equal(task_done(campaign), 1);
    expect_no_record(deputy, "campaign", task, "one of two done");

    tag(campaign, "opinion", second);
    assert_int_equal(task_done(campaign), 2);
    char day[11];
    day_of(query_ll("SELECT created_at FROM opinions WHERE id = %lld", second), day);
    expect_record(deputy, "campaign", task, "campaign", "代表\"三进\"：进社区 2 次", day);
    tag(campaign, "opinion", third);
    expect_record(deputy, "campaign", task, "campaign", "代表\"三进\"：进社区 2 次", day);

    untag(campaign, "opinion", first);
    expect_record(deputy, "campaign", task, "campaign", "代表\"三进\"：进社区 2 次", day);
    untag(campaign, "opinion", second);
    assert_int_equal(task_done(campaign), 1);
    expect_no_record(deputy, "campaign", task, "below the target again");
}

/* A task counting activities is done while its deputy is on a tagged activity and not marked
 * absent (as the campaign counts it); the record filed with them absent takes it away. */
static void a_campaign_task_counting_activities_is_recorded_once_attendance_is_filed(void **state)
{
    (void)state;
    long long deputy = new_deputy("进村代表"), other = new_deputy("同行代表");
    long long task;
    long long campaign = new_campaign(deputy, "activity", 1, &task);
    long long activity = new_activity("group", "代表进村走访", 4, IDS(deputy, other));
    tag(campaign, "activity", activity);
    /* the campaign's progress counts the activity announced; the duty is not done yet */
    assert_int_equal(task_done(campaign), 1);
    expect_no_record(deputy, "campaign", task, "an activity still to come");

    begin_activity(activity);
    record_activity(activity, IDS(other));
    assert_int_equal(task_done(campaign), 0);
    expect_no_record(deputy, "campaign", task, "marked absent at the only activity");
    record_activity(activity, IDS(deputy, other));
    assert_int_equal(task_done(campaign), 1);
    assert_int_equal(records_of(deputy, "campaign", task), 1);
}

/* ---- setup ---- */

static long long session_field(client_t *c, const char *key, char *region_out)
{
    api_res_t *r = request(c, "GET", NULL, "/api/v1/session");
    expect_status(r, 200, "reading the session");
    json_t *user = json_object_get(r->json, "user");
    json_t *v = json_object_get(user, key);
    long long n = json_is_array(v) ? (long long)json_integer_value(json_array_get(v, 0)) : int_of(user, key);
    if (region_out)
        snprintf(region_out, 13, "%s", text_of(user, "region"));
    api_res_free(r);
    return n;
}

static int setup(void **state)
{
    (void)state;
    server_up(&srv, (const char *const[]){"--rate-limits=off", NULL});
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD) || !client_login(&staff, &srv, "staff", DEMO_PASSWORD) ||
        !client_login(&deputy_client, &srv, "deputy", DEMO_PASSWORD))
        return -1;
    station = session_field(&staff, "stations", township);
    lead = session_field(&deputy_client, "deputy_id", NULL);
    congress = query_ll("SELECT id FROM congresses WHERE level = 4 AND region_code = '%s'", HOME_REGION);
    cosigner = query_ll("SELECT deputy_id FROM deputy_seats WHERE congress_id = %lld AND deputy_id <> %lld"
                        " ORDER BY deputy_id LIMIT 1",
                        congress, lead);
    if (station == 0 || lead == 0 || congress == 0 || cosigner == 0 || strlen(township) != 12) {
        fprintf(stderr, "the demo lacks what the tests need\n");
        return -1;
    }
    api_res_t *r = request(&admin, "POST",
                           json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "username", "cosigner", "display_name",
                                     "附议代表", "password", DEMO_PASSWORD, "role", "deputy", "region", HOME_REGION,
                                     "deputy_id", (json_int_t)cosigner),
                           "/api/v1/users");
    long status = r->status;
    api_res_free(r);
    return status == 201 && client_login(&cosigner_client, &srv, "cosigner", DEMO_PASSWORD) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(attending_an_activity_writes_one_record_and_marking_absent_takes_it_away),
        cmocka_unit_test(each_activity_kind_gives_its_duty_kind),
        cmocka_unit_test(a_visit_counts_for_each_deputy_not_marked_absent),
        cmocka_unit_test(an_owned_opinion_answered_is_one_online_record_even_when_answered_again),
        cmocka_unit_test(an_accepted_suggestion_is_a_record_for_its_lead_and_each_confirmed_co_signer),
        cmocka_unit_test(a_vote_cast_in_a_ballot_is_one_meeting_record_of_today),
        cmocka_unit_test(a_campaign_task_reaching_its_target_is_a_record_and_falling_short_takes_it_away),
        cmocka_unit_test(a_campaign_task_counting_activities_is_recorded_once_attendance_is_filed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
