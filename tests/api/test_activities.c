/*
 * activities: reception days, activities, bookings and visits (SPEC §4) through the HTTP API, as
 * the station's staff and a constituent meet them - reception rules that announce the coming
 * days (holidays skipped) and refuse a deputy on duty twice, activities of every kind with their
 * record and photos, booking a seat by phone and giving it back, the desk's list, check-in and
 * walk-ins that become visits and feed the opinion loop, the 接待日公示表 and the compliance lists,
 * and the scopes between counties.
 *
 * One server with rate limits off holds most tests. Before it starts, villages that exist in no
 * real table (codes 9nn under the demo staff's street) are added; each test makes its own station
 * in its own village, and its own deputies, so seats, duties and lists are its own. Times move
 * into the past behind the API (starts_at rewritten with SQL). Then the same database is served
 * again with rate limits on, for the 429 of the public booking form.
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

#define CODE_ALPHABET "ACDEFGHJKMNPQRTWXY34679" /* SPEC §3: the tracking codes' alphabet */
#define BEIJING 28800LL                         /* UTC+8, the time rules and inputs are in */
#define DAY 86400LL
#define HOUR 3600LL

/* One village (and station) per test, see the file's comment. */
enum {
    V_WEEKLY = 1,
    V_MONTHLY,
    V_CLASH_BUSY,
    V_CLASH_RULE,
    V_RULE_EDIT,
    V_RULE_NUDGE,
    V_RULE_END,
    V_RULE_BAD,
    V_KINDS,
    V_INVALID,
    V_DUTY,
    V_LIST,
    V_LIST_OTHER,
    V_CANCEL,
    V_RECORD,
    V_PHOTO,
    V_BOOK,
    V_CLOSED,
    V_BOOK_BAD,
    V_MINE,
    V_GIVE_BACK,
    V_SEALED,
    V_DESK,
    V_VISIT_OPINION,
    V_VISIT_PAGES,
    V_SCOPE,
    V_SCHEDULE,
    V_NOTHING_HELD,
    V_HELD,
    V_LIMITS,
    V_REMIND,
    V_COUNT
};

static server_t srv;
static client_t admin, staff, rugao;
static char staff_region[13];
static char villages[V_COUNT][13];

#define IDS(...) ((const long long[]){__VA_ARGS__, 0})
#define NO_IDS ((const long long[]){0})

/* ---- behind the API ---- */

/* The SQL of a format, in one of a few static buffers (so two may be used in one call). */
static const char *sql(const char *fmt, ...)
{
    static char texts[4][2048];
    static int next;
    char *text = texts[next++ % 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(texts[0]), fmt, ap);
    va_end(ap);
    return text;
}

/* The first column of the first row of the query, as text in out. */
static void sql_into(char *out, size_t len, const char *query)
{
    out[0] = '\0';
    if (db_query(&srv, query, out, len) != 0)
        fail_msg("query failed: %s", query);
}

static long long sql_number(const char *query)
{
    char out[64];
    sql_into(out, sizeof(out), query);
    return atoll(out);
}

static void sql_change(const char *statement)
{
    if (db_exec(&srv, statement) != 0)
        fail_msg("cannot change the database: %s", statement);
}

#define sql_ll(...) sql_number(sql(__VA_ARGS__))
#define sql_run(...) sql_change(sql(__VA_ARGS__))
#define sql_text(out, len, ...) sql_into(out, len, sql(__VA_ARGS__))

/* The activity began an hour ago (it still ends when it did). */
static void begin_activity(long long activity)
{
    sql_run("UPDATE activities SET starts_at = CAST(strftime('%%s', 'now') AS INTEGER) - 3600 WHERE id = %lld",
            activity);
}

/* ---- time, in Beijing days ---- */

static long long today(void)
{
    return ((long long)time(NULL) + BEIJING) / DAY;
}

/* 1 Monday .. 7 Sunday (day 0, 1970-01-01, was a Thursday). */
static int weekday_of(long long day)
{
    return (int)((day + 3) % 7) + 1;
}

/* UTC seconds of hh:mm Beijing time on day. */
static long long at(long long day, int hh, int mm)
{
    return day * DAY - BEIJING + hh * HOUR + mm * 60LL;
}

static struct tm civil(long long beijing_seconds)
{
    time_t t = (time_t)beijing_seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm;
}

/* "YYYY-MM-DD" of day. */
static void day_text(long long day, char out[11])
{
    struct tm tm = civil(day * DAY);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* "YYYY-MM-DDTHH:MM", Beijing time, of the UTC second t: the form of a time input. */
static void time_text(long long t, char out[17])
{
    struct tm tm = civil(t + BEIJING);
    strftime(out, 17, "%Y-%m-%dT%H:%M", &tm);
}

/* "YYYY-MM", Beijing time, of the UTC second t. */
static void month_text(long long t, char out[8])
{
    struct tm tm = civil(t + BEIJING);
    strftime(out, 8, "%Y-%m", &tm);
}

/* The first day from today + offset that is weekday wd. */
static long long next_weekday(int wd, int offset)
{
    long long day = today() + offset;
    while (weekday_of(day) != wd)
        day++;
    return day;
}

/* ---- requests ---- */

/* METHOD path (formatted) as c, or as the public when c is NULL, with body (stolen; NULL for none). */
static api_res_t *call(client_t *c, const char *method, json_t *body, const char *fmt, ...)
{
    char path[512];
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

/* A raw body of content type ctype as c (its cookie and CSRF token), or as the public. */
static api_res_t *post_raw(client_t *c, const char *path, const void *data, size_t len, const char *ctype)
{
    char cookie[600], csrf[200];
    snprintf(cookie, sizeof(cookie), "Cookie: %s", c ? c->cookies : "");
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", c ? c->csrf : "");
    api_res_t *r =
        api_request(&srv, "POST", path, data, len, ctype, c ? (const char *const[]){cookie, csrf, NULL} : NULL);
    assert_non_null(r);
    return r;
}

static void expect_status(const api_res_t *r, long status, const char *what)
{
    if (r->status != status)
        fail_msg("%s: expected %ld, got %ld %s", what, status, r->status, r->body);
}

/* An error answer: status, code and (unless NULL) the field it names. */
static void expect_error(const api_res_t *r, long status, const char *code, const char *field, const char *what)
{
    const char *got_code = api_error_member(r, "code"), *got_field = api_error_member(r, "field");
    if (r->status != status || got_code == NULL || strcmp(got_code, code) != 0 ||
        (field && (got_field == NULL || strcmp(got_field, field) != 0)))
        fail_msg("%s: expected %ld %s%s%s, got %ld %s", what, status, code, field ? " naming " : "", field ? field : "",
                 r->status, r->body);
    api_assert_error(r, status, code, field);
}

/* The request must answer the error; the response is freed. */
static void refused(api_res_t *r, long status, const char *code, const char *field, const char *what)
{
    expect_error(r, status, code, field, what);
    api_res_free(r);
}

static const char *text_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static long long int_of(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static json_t *ids_json(const long long *ids)
{
    json_t *list = json_array();
    for (; *ids; ids++)
        json_array_append_new(list, json_integer(*ids));
    return list;
}

/* The ids of a list's items, as " 1 2 3". */
static void ids_of(const json_t *items, char *out, size_t len)
{
    size_t i;
    json_t *item;
    out[0] = '\0';
    json_array_foreach(items, i, item) snprintf(out + strlen(out), len - strlen(out), " %lld", int_of(item, "id"));
}

static void ids_text(const long long *ids, char *out, size_t len)
{
    out[0] = '\0';
    for (; *ids; ids++)
        snprintf(out + strlen(out), len - strlen(out), " %lld", *ids);
}

/* GET path as c (NULL: the public) answers 200 with exactly these items, in this order. */
static void expect_items(client_t *c, const long long *want, const char *fmt, ...)
{
    char path[512], got[1024], expected[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    api_res_t *r = call(c, "GET", NULL, "%s", path);
    expect_status(r, 200, path);
    ids_of(json_object_get(r->json, "items"), got, sizeof(got));
    ids_text(want, expected, sizeof(expected));
    if (strcmp(got, expected) != 0)
        fail_msg("GET %s: expected ids%s, got%s: %s", path, expected, got, r->body);
    api_res_free(r);
}

/* ---- the registry ---- */

static long long created_id(api_res_t *r, const char *what)
{
    expect_status(r, 201, what);
    long long id = int_of(r->json, "id");
    assert_true(id > 0);
    api_res_free(r);
    return id;
}

/* A new 代表之家 in village v. */
static long long new_station(int v)
{
    static int made;
    char name[64];
    snprintf(name, sizeof(name), "测试代表之家%02d-%d", v, ++made);
    return created_id(call(&admin, "POST",
                           json_pack("{s:s, s:s, s:s}", "name", name, "kind", "home", "region", villages[v]),
                           "/api/v1/stations"),
                      "a new station");
}

/* A new deputy of region, at station (0: none), named name. */
static long long new_deputy(const char *region, long long station, const char *name)
{
    json_t *body = json_pack("{s:s, s:s, s:s}", "name", name, "gender", "female", "region", region);
    if (station)
        json_object_set_new(body, "stations", json_pack("[I]", (json_int_t)station));
    return created_id(call(&admin, "POST", body, "/api/v1/deputies"), "a new deputy");
}

/* ---- activities, bookings ---- */

static json_t *activity_body(long long station, const char *kind, long long start, long long end, int capacity,
                             const long long *deputies)
{
    char s[17], e[17];
    time_text(start, s);
    time_text(end, e);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:o}", "station_id", (json_int_t)station, "kind", kind,
                     "title", "测试活动", "place", "二楼会议室", "starts_at", s, "ends_at", e, "capacity", capacity,
                     "deputies", ids_json(deputies));
}

static long long add_activity(long long station, const char *kind, long long start, long long end, int capacity,
                              const long long *deputies)
{
    return created_id(
        call(&staff, "POST", activity_body(station, kind, start, end, capacity, deputies), "/api/v1/activities"),
        "a new activity");
}

/* A coming activity of its own station and deputy, capacity seats, `offset` days ahead. */
static long long simple_activity(int v, int capacity, int offset)
{
    long long station = new_station(v);
    char name[32];
    snprintf(name, sizeof(name), "值班代表%02d", v);
    long long deputy = new_deputy(villages[v], station, name);
    long long day = today() + offset;
    return add_activity(station, "reception", at(day, 9, 0), at(day, 11, 30), capacity, IDS(deputy));
}

static api_res_t *activity(long long id)
{
    api_res_t *r = call(NULL, "GET", NULL, "/api/v1/activities/%lld", id);
    expect_status(r, 200, "reading an activity");
    return r;
}

static void expect_activity_state(long long id, const char *state)
{
    api_res_t *r = activity(id);
    if (text_of(r->json, "state") == NULL || strcmp(text_of(r->json, "state"), state) != 0)
        fail_msg("activity %lld should be %s: %s", id, state, r->body);
    api_res_free(r);
}

/* A mobile number not used before in this program. */
static const char *fresh_phone(void)
{
    static char phone[16];
    static int n = 10000000;
    snprintf(phone, sizeof(phone), "139%08d", ++n);
    return phone;
}

static api_res_t *book(long long activity, const char *phone, const char *name)
{
    json_t *body = json_pack("{s:s, s:s}", "topic", "想反映小区停车难的问题", "phone", phone);
    if (name)
        json_object_set_new(body, "name", json_string(name));
    return call(NULL, "POST", body, "/api/v1/activities/%lld/bookings", activity);
}

/* Books a seat; its code into code. */
static void book_ok(long long activity, const char *phone, const char *name, char code[16])
{
    api_res_t *r = book(activity, phone, name);
    expect_status(r, 201, "a booking");
    snprintf(code, 16, "%s", text_of(r->json, "code") ? text_of(r->json, "code") : "");
    api_res_free(r);
}

static const char *phone4_of(const char *phone)
{
    return phone + strlen(phone) - 4;
}

static api_res_t *give_back(const char *code, const char *phone4)
{
    return call(NULL, "POST", json_pack("{s:s}", "phone4", phone4), "/api/v1/bookings/%s/cancel", code);
}

static api_res_t *desk(client_t *c, const char *code, const char *step)
{
    return call(c, "POST", json_object(), "/api/v1/bookings/%s/%s", code, step);
}

static long long booking_state_is(const char *code, const char *state)
{
    return sql_ll("SELECT count(*) FROM bookings WHERE code = '%s' AND state = '%s'", code, state);
}

/* ---- setup ---- */

/* The demo's admin, staff and the neighbour county's admin sign in; -1 when one cannot. */
static int sign_in(void)
{
    bool ok = client_login(&admin, &srv, "admin", DEMO_PASSWORD) &&
              client_login(&staff, &srv, "staff", DEMO_PASSWORD) &&
              client_login(&rugao, &srv, FOREIGN_ADMIN, DEMO_PASSWORD);
    if (!ok)
        fprintf(stderr, "the demo accounts cannot sign in\n");
    return ok ? 0 : -1;
}

static int start_server(void **state)
{
    (void)state;
    server_prepare(&srv);
    sql_text(staff_region, sizeof(staff_region), "SELECT region_code FROM users WHERE username = 'staff'");
    for (int v = 1; v < V_COUNT; v++)
        snprintf(villages[v], sizeof(villages[v]), "%.9s9%02d", staff_region, v);
    /* villages 901.. of the staff's street, made in one statement */
    if (strlen(staff_region) != 12 ||
        db_exec(&srv, sql("WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < %d) "
                          "INSERT INTO regions (code, name, parent_code, level) SELECT substr('%s', 1, 9) || "
                          "printf('9%%02d', v), '测试' || v || '村', '%s', 5 FROM n",
                          V_COUNT - 1, staff_region, staff_region)) != 0) {
        fprintf(stderr, "cannot add the test villages under '%s'\n", staff_region);
        return -1;
    }
    /* the background ticker every second, for the booking reminders */
    server_start(&srv, (const char *const[]){"--rate-limits=off", "--jobs-interval-s=1", NULL});
    if (sign_in() != 0) {
        server_down(&srv);
        return -1;
    }
    return 0;
}

/* Stops the server and keeps its directory for the second group (restart_with_rate_limits). */
static int stop_server(void **state)
{
    (void)state;
    return server_stop(&srv) == 0 ? 0 : -1;
}

static int remove_server(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

/* ---- reception rules ---- */

static api_res_t *post_rule(long long station, const char *rule, int capacity, const long long *deputies)
{
    return call(&staff, "POST",
                json_pack("{s:s, s:s, s:i, s:o}", "rule", rule, "place", "一楼接待室", "capacity", capacity, "deputies",
                          ids_json(deputies)),
                "/api/v1/stations/%lld/rules", station);
}

static long long add_rule(long long station, const char *rule, int capacity, const long long *deputies)
{
    api_res_t *r = post_rule(station, rule, capacity, deputies);
    expect_status(r, 201, rule);
    if (text_of(r->json, "rule") == NULL || strcmp(text_of(r->json, "rule"), rule) != 0)
        fail_msg("the rule should read back as \"%s\": %s", rule, r->body);
    long long id = int_of(r->json, "id");
    api_res_free(r);
    return id;
}

/* When a rule falls: on weekday (1 Monday .. 7 Sunday) of every week (nth 0), or the first
 * (nth 1) or the last (nth -1) of the month. */
typedef struct {
    int weekday, nth;
} pattern_t;

static bool falls(pattern_t p, long long day)
{
    if (weekday_of(day) != p.weekday)
        return false;
    if (p.nth == 1)
        return civil(day * DAY).tm_mday <= 7;
    if (p.nth == -1)
        return civil((day + 7) * DAY).tm_mday <= 7;
    return true;
}

/* The days of the coming 8 weeks a rule falls on (holidays of the calendar skipped), as the UTC
 * starts " s1 s2 ..." of hh:mm on each. */
static void expected_starts(pattern_t pattern, int hh, int mm, char *out, size_t len)
{
    char holidays[4096], date[11];
    sql_text(holidays, sizeof(holidays), "SELECT group_concat(day) FROM calendar_days WHERE kind = 'holiday'");
    long long now = time(NULL);
    out[0] = '\0';
    for (long long day = today(); day < today() + 56; day++) {
        day_text(day, date);
        if (falls(pattern, day) && at(day, hh, mm) > now && strstr(holidays, date) == NULL)
            snprintf(out + strlen(out), len - strlen(out), " %lld", at(day, hh, mm));
    }
}

/* The starts of a station's coming activities made by rule (0: any), as " s1 s2 ...". */
static void announced_starts(long long station, long long rule, char *out, size_t len)
{
    api_res_t *r = call(NULL, "GET", NULL, "/api/v1/activities?station=%lld&limit=500", station);
    expect_status(r, 200, "the station's activities");
    out[0] = '\0';
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(r->json, "items"), i, a)
    {
        if (rule == 0 || int_of(a, "rule_id") == rule)
            snprintf(out + strlen(out), len - strlen(out), " %lld", int_of(a, "starts_at"));
    }
    api_res_free(r);
}

/*
 * "weekly MON 09:00-11:30" with a roster announces a 接待日 on each Monday of the coming 8 weeks,
 * with the rule's place, seats and deputies - but none on the Monday the calendar makes a holiday.
 */
static void a_weekly_rule_announces_the_coming_mondays_but_not_a_holiday(void **state)
{
    (void)state;
    long long station = new_station(V_WEEKLY);
    long long first = new_deputy(villages[V_WEEKLY], station, "周一代表甲"),
              second = new_deputy(villages[V_WEEKLY], station, "周一代表乙");
    char holiday[11];
    day_text(next_weekday(1, 15), holiday);
    sql_run("INSERT OR REPLACE INTO calendar_days (day, kind, name) VALUES ('%s', 'holiday', '测试假日')", holiday);
    long long rule = add_rule(station, "weekly MON 09:00-11:30", 5, IDS(first, second));

    char want[1024], got[1024];
    expected_starts((pattern_t){1, 0}, 9, 0, want, sizeof(want));
    announced_starts(station, rule, got, sizeof(got));
    if (strcmp(got, want) != 0)
        fail_msg("the Mondays announced (holiday %s skipped):\n  want%s\n  got %s", holiday, want, got);
    assert_true(strlen(want) > 0);

    api_res_t *r = call(NULL, "GET", NULL, "/api/v1/activities?station=%lld&limit=1", station);
    expect_status(r, 200, "the first Monday");
    json_t *a = json_array_get(json_object_get(r->json, "items"), 0);
    assert_string_equal(text_of(a, "kind"), "reception");
    assert_string_equal(text_of(a, "title"), "接待日");
    assert_string_equal(text_of(a, "place"), "一楼接待室");
    assert_string_equal(text_of(a, "state"), "announced");
    assert_int_equal(int_of(a, "ends_at") - int_of(a, "starts_at"), 150 * 60);
    assert_int_equal(int_of(a, "capacity"), 5);
    assert_int_equal(int_of(a, "seats_left"), 5);
    assert_true(json_is_true(json_object_get(a, "bookable")));
    json_t *deputies = json_object_get(a, "deputies");
    assert_int_equal(json_array_size(deputies), 2);
    if (strstr(r->body, "周一代表甲") == NULL || strstr(r->body, "周一代表乙") == NULL)
        fail_msg("the day should name both deputies on duty: %s", r->body);
    api_res_free(r);

    r = call(NULL, "GET", NULL, "/api/v1/stations/%lld/rules", station);
    expect_status(r, 200, "the station's rules");
    json_t *rules = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(rules), 1);
    assert_int_equal(int_of(json_array_get(rules, 0), "id"), rule);
    assert_int_equal(json_array_size(json_object_get(json_array_get(rules, 0), "deputies")), 2);
    api_res_free(r);
}

static void monthly_rules_fall_on_the_first_tuesday_and_the_last_friday(void **state)
{
    (void)state;
    long long station = new_station(V_MONTHLY);
    long long deputy = new_deputy(villages[V_MONTHLY], station, "每月代表");
    long long tuesday = add_rule(station, "monthly 1 TUE 14:00-17:00", 10, IDS(deputy));
    long long friday = add_rule(station, "monthly last FRI 14:00-17:00", 10, IDS(deputy));
    char want[512], got[512];
    expected_starts((pattern_t){2, 1}, 14, 0, want, sizeof(want));
    announced_starts(station, tuesday, got, sizeof(got));
    if (strcmp(got, want) != 0)
        fail_msg("first Tuesdays:\n  want%s\n  got %s", want, got);
    expected_starts((pattern_t){5, -1}, 14, 0, want, sizeof(want));
    announced_starts(station, friday, got, sizeof(got));
    if (strcmp(got, want) != 0)
        fail_msg("last Fridays:\n  want%s\n  got %s", want, got);
}

static void a_rule_that_cannot_be_read_is_422_naming_rule_and_writes_nothing(void **state)
{
    (void)state;
    long long station = new_station(V_RULE_BAD);
    long long deputy = new_deputy(villages[V_RULE_BAD], station, "规则代表");
    long long rules = sql_ll("SELECT count(*) FROM reception_rules"), days = sql_ll("SELECT count(*) FROM activities");
    static const char *const bad[] = {"daily 09:00-11:30",
                                      "weekly XYZ 09:00-11:30",
                                      "weekly MON 11:30-09:00",
                                      "monthly 5 TUE 14:00-17:00",
                                      "weekly MON 25:00-26:00",
                                      "weekly MON",
                                      ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        refused(post_rule(station, bad[i], 5, IDS(deputy)), 422, "invalid", "rule", bad[i]);
    refused(post_rule(station, "weekly MON 09:00-11:30", 0, IDS(deputy)), 422, "invalid", "capacity", "no seats");
    refused(post_rule(station, "weekly MON 09:00-11:30", 5, IDS(999999)), 422, "invalid", "deputies", "nobody");
    assert_int_equal(sql_ll("SELECT count(*) FROM reception_rules"), rules);
    assert_int_equal(sql_ll("SELECT count(*) FROM activities"), days);
}

/*
 * A deputy of the roster already on duty elsewhere at an overlapping time: 409 duty_clash naming
 * the deputies field and the deputy, and neither the rule nor any of its days is written.
 */
static void a_rule_whose_deputy_is_on_duty_elsewhere_then_is_409_duty_clash_and_writes_nothing(void **state)
{
    (void)state;
    long long busy_station = new_station(V_CLASH_BUSY), station = new_station(V_CLASH_RULE);
    long long deputy = new_deputy(staff_region, 0, "两头忙代表");
    long long wednesday = next_weekday(3, 1);
    add_activity(busy_station, "group", at(wednesday, 10, 0), at(wednesday, 11, 0), 0, IDS(deputy));
    long long rules = sql_ll("SELECT count(*) FROM reception_rules"),
              duties = sql_ll("SELECT count(*) FROM rule_duties");

    api_res_t *r = post_rule(station, "weekly WED 09:00-11:30", 5, IDS(deputy));
    expect_error(r, 409, "duty_clash", "deputies", "a roster deputy on duty elsewhere");
    if (strstr(api_error_member(r, "message"), "两头忙代表") == NULL)
        fail_msg("the clash should name the deputy: %s", r->body);
    api_res_free(r);
    assert_int_equal(sql_ll("SELECT count(*) FROM reception_rules"), rules);
    assert_int_equal(sql_ll("SELECT count(*) FROM rule_duties"), duties);
    assert_int_equal(sql_ll("SELECT count(*) FROM activities WHERE station_id = %lld", station), 0);
}

/* A new station in village v with a rule of one deputy (deputy_name) whose first coming day is
 * booked: the rule's id; the station, that day and its start into *station, *first and *first_start. */
static long long rule_with_a_booked_day(int v, const char *deputy_name, const char *rule, long long *station,
                                        long long *first, long long *first_start)
{
    *station = new_station(v);
    long long deputy = new_deputy(villages[v], *station, deputy_name);
    long long id = add_rule(*station, rule, 3, IDS(deputy));
    *first = sql_ll("SELECT min(id) FROM activities WHERE rule_id = %lld", id);
    *first_start = sql_ll("SELECT starts_at FROM activities WHERE id = %lld", *first);
    char code[16];
    book_ok(*first, fresh_phone(), NULL, code);
    return id;
}

/*
 * Moving a rule to another time cancels its coming days nobody booked and announces the days at
 * the new time; a day someone booked stays as it was, the one reception of that day.
 */
static void changing_a_rules_time_cancels_its_unbooked_days_and_keeps_a_booked_one(void **state)
{
    (void)state;
    long long station, first, first_start;
    long long rule =
        rule_with_a_booked_day(V_RULE_EDIT, "周四代表", "weekly THU 09:00-11:30", &station, &first, &first_start);
    long long old_days = sql_ll("SELECT count(*) FROM activities WHERE rule_id = %lld", rule);

    api_res_t *r =
        call(&staff, "PATCH", json_pack("{s:s}", "rule", "weekly THU 14:00-16:00"), "/api/v1/rules/%lld", rule);
    expect_status(r, 200, "moving the rule to the afternoon");
    assert_string_equal(text_of(r->json, "rule"), "weekly THU 14:00-16:00");
    api_res_free(r);

    api_res_t *kept = activity(first);
    assert_string_equal(text_of(kept->json, "state"), "announced");
    assert_int_equal(int_of(kept->json, "starts_at"), first_start);
    assert_int_equal(int_of(kept->json, "booked"), 1);
    api_res_free(kept);
    assert_int_equal(sql_ll("SELECT count(*) FROM activities WHERE station_id = %lld AND state = 'cancelled' AND "
                            "starts_at %% 86400 = %lld %% 86400",
                            station, first_start),
                     old_days - 1);

    /* a rule holds one reception a day: the booked day keeps its morning and gets no afternoon */
    char want[1024], got[1024], afternoon[32];
    expected_starts((pattern_t){4, 0}, 14, 0, want, sizeof(want));
    snprintf(afternoon, sizeof(afternoon), " %lld", first_start + 5 * 3600);
    char *same_day = strstr(want, afternoon);
    assert_non_null(same_day);
    memmove(same_day, same_day + strlen(afternoon), strlen(same_day + strlen(afternoon)) + 1);
    char with_kept[1100];
    snprintf(with_kept, sizeof(with_kept), " %lld%s", first_start, want);
    announced_starts(station, 0, got, sizeof(got));
    if (strcmp(got, with_kept) != 0)
        fail_msg("after the move the station should list the booked morning and the other afternoons:\n"
                 "  want%s\n  got %s",
                 with_kept, got);
}

/*
 * Found by review: moving a rule by half an hour while one coming day is booked keeps that day
 * and moves the others. The roster's deputy is on the kept day of the same rule, not on duty
 * elsewhere, so this is no duty clash.
 */
static void moving_a_rule_by_half_an_hour_while_a_day_is_booked_moves_the_other_days(void **state)
{
    (void)state;
    long long station, first, first_start;
    long long rule =
        rule_with_a_booked_day(V_RULE_NUDGE, "周五代表", "weekly FRI 09:00-11:30", &station, &first, &first_start);

    api_res_t *r =
        call(&staff, "PATCH", json_pack("{s:s}", "rule", "weekly FRI 09:30-12:00"), "/api/v1/rules/%lld", rule);
    expect_status(r, 200, "moving the rule by half an hour");
    api_res_free(r);
    api_res_t *kept = activity(first);
    assert_string_equal(text_of(kept->json, "state"), "announced");
    assert_int_equal(int_of(kept->json, "starts_at"), first_start);
    api_res_free(kept);
    /* every other coming Friday is at the new time, and only the booked one at the old */
    long long others = 0, now = time(NULL);
    for (long long day = today(); day < today() + 56; day++)
        others += falls((pattern_t){5, 0}, day) && at(day, 9, 30) > now && at(day, 9, 0) != first_start;
    assert_int_equal(sql_ll("SELECT count(*) FROM activities WHERE station_id = %lld AND state = 'announced' AND "
                            "(starts_at + %lld) %% %lld = %lld AND starts_at / %lld <> %lld / %lld",
                            station, BEIJING, DAY, 9 * HOUR + 30 * 60, DAY, first_start, DAY),
                     others);
    assert_int_equal(sql_ll("SELECT count(*) FROM activities WHERE station_id = %lld AND state = 'announced' AND "
                            "(starts_at + %lld) %% %lld = %lld",
                            station, BEIJING, DAY, 9 * HOUR),
                     1);
}

static void ending_a_rule_answers_204_and_cancels_its_unbooked_coming_days(void **state)
{
    (void)state;
    long long station = new_station(V_RULE_END);
    long long deputy = new_deputy(villages[V_RULE_END], station, "周六代表");
    long long rule = add_rule(station, "weekly SAT 09:00-11:30", 3, IDS(deputy));
    char want[1024], got[1024];
    expected_starts((pattern_t){6, 0}, 9, 0, want, sizeof(want));
    announced_starts(station, rule, got, sizeof(got));
    assert_string_equal(got, want);
    long long first = sql_ll("SELECT min(id) FROM activities WHERE rule_id = %lld", rule);
    char code[16];
    book_ok(first, fresh_phone(), NULL, code);

    api_res_t *r = call(&staff, "DELETE", NULL, "/api/v1/rules/%lld", rule);
    expect_status(r, 204, "ending the rule");
    api_res_free(r);
    expect_items(NULL, IDS(first), "/api/v1/activities?station=%lld", station);
    expect_items(NULL, NO_IDS, "/api/v1/stations/%lld/rules", station);
    assert_int_equal(
        sql_ll("SELECT count(*) FROM activities WHERE station_id = %lld AND state <> 'cancelled'", station), 1);
    refused(call(&staff, "PATCH", json_pack("{s:i}", "capacity", 4), "/api/v1/rules/%lld", rule), 404, "not_found",
            NULL, "changing an ended rule");
}

/* ---- activities ---- */

static void staff_announce_an_activity_of_every_kind(void **state)
{
    (void)state;
    static const char *const kinds[] = {"reception", "group",       "inspection", "research",
                                        "report",    "legislative", "other"};
    long long station = new_station(V_KINDS);
    long long deputy = new_deputy(villages[V_KINDS], station, "各类活动代表");
    for (int i = 0; i < 7; i++) {
        long long day = today() + 20 + i;
        api_res_t *r =
            call(&staff, "POST", activity_body(station, kinds[i], at(day, 9, 0), at(day, 11, 0), 8, IDS(deputy)),
                 "/api/v1/activities");
        expect_status(r, 201, kinds[i]);
        assert_string_equal(text_of(r->json, "kind"), kinds[i]);
        assert_string_equal(text_of(r->json, "state"), "announced");
        assert_string_equal(text_of(r->json, "title"), "测试活动");
        assert_int_equal(int_of(r->json, "starts_at"), at(day, 9, 0));
        assert_int_equal(int_of(r->json, "ends_at"), at(day, 11, 0));
        assert_int_equal(int_of(r->json, "seats_left"), 8);
        assert_int_equal(int_of(json_object_get(r->json, "station"), "id"), station);
        assert_string_equal(text_of(r->json, "region"), villages[V_KINDS]);
        assert_true(json_is_null(json_object_get(r->json, "rule_id")));
        assert_true(json_is_null(json_object_get(r->json, "record")));
        assert_int_equal(int_of(json_array_get(json_object_get(r->json, "deputies"), 0), "id"), deputy);
        api_res_free(r);
    }
}

/* Mutates a valid new activity's body and expects 422 naming field, nothing written. */
static void expect_refused_activity(long long station, long long deputy, const char *key, json_t *value,
                                    const char *field)
{
    long long day = today() + 12;
    json_t *body = activity_body(station, "group", at(day, 9, 0), at(day, 10, 0), 5, IDS(deputy));
    if (value)
        json_object_set_new(body, key, value);
    else
        json_object_del(body, key);
    char what[64];
    snprintf(what, sizeof(what), "an activity with a bad %s", key);
    refused(call(&staff, "POST", body, "/api/v1/activities"), 422, "invalid", field, what);
}

static void every_bad_field_of_an_activity_is_refused_by_name_and_writes_nothing(void **state)
{
    (void)state;
    long long station = new_station(V_INVALID);
    long long deputy = new_deputy(villages[V_INVALID], station, "校验代表");
    long long before = sql_ll("SELECT count(*) FROM activities");
    char early[17];
    time_text(at(today() + 12, 8, 0), early);
    expect_refused_activity(station, deputy, "kind", json_string("party"), "kind");
    expect_refused_activity(station, deputy, "kind", NULL, "kind");
    expect_refused_activity(station, deputy, "title", NULL, "title");
    expect_refused_activity(station, deputy, "title", json_string(""), "title");
    json_t *past = activity_body(station, "group", at(today() - 1, 9, 0), at(today() - 1, 10, 0), 5, IDS(deputy));
    refused(call(&staff, "POST", past, "/api/v1/activities"), 422, "invalid", "starts_at", "an activity in the past");
    expect_refused_activity(station, deputy, "starts_at", json_string("2027-01-05 09:00"), "starts_at");
    expect_refused_activity(station, deputy, "ends_at", json_string(early), "ends_at");
    expect_refused_activity(station, deputy, "capacity", json_integer(-1), "capacity");
    expect_refused_activity(station, deputy, "capacity", json_integer(10001), "capacity");
    expect_refused_activity(station, deputy, "deputies", json_pack("[i]", 999999), "deputies");
    expect_refused_activity(station, deputy, "colour", json_string("red"), "colour");
    expect_refused_activity(station, deputy, "station_id", json_integer(999999), "station_id");
    assert_int_equal(sql_ll("SELECT count(*) FROM activities"), before);
}

/*
 * A deputy cannot be on two activities at overlapping times (409 duty_clash, naming them, nothing
 * written), whether on creating or on moving one; times that only touch are fine.
 */
static void a_deputy_on_two_activities_at_once_is_409_but_touching_times_are_fine(void **state)
{
    (void)state;
    long long station = new_station(V_DUTY);
    long long deputy = new_deputy(villages[V_DUTY], station, "时间冲突代表");
    long long day = today() + 9;
    add_activity(station, "inspection", at(day, 9, 0), at(day, 11, 30), 0, IDS(deputy));
    long long before = sql_ll("SELECT count(*) FROM activities");
    api_res_t *r =
        call(&staff, "POST", activity_body(station, "research", at(day, 11, 0), at(day, 12, 0), 0, IDS(deputy)),
             "/api/v1/activities");
    expect_error(r, 409, "duty_clash", "deputies", "an overlapping duty");
    if (strstr(api_error_member(r, "message"), "时间冲突代表") == NULL)
        fail_msg("the clash should name the deputy: %s", r->body);
    api_res_free(r);
    assert_int_equal(sql_ll("SELECT count(*) FROM activities"), before);

    long long touching = add_activity(station, "research", at(day, 11, 30), at(day, 12, 30), 0, IDS(deputy));
    char earlier[17];
    time_text(at(day, 11, 0), earlier);
    refused(call(&staff, "PATCH", json_pack("{s:s}", "starts_at", earlier), "/api/v1/activities/%lld", touching), 409,
            "duty_clash", "deputies", "moving a duty onto another");
    api_res_t *kept = activity(touching);
    assert_int_equal(int_of(kept->json, "starts_at"), at(day, 11, 30));
    api_res_free(kept);
}

/*
 * The public list filters by station, region, kind and days, orders by start, and pages with
 * after/next through the (start, id) order even when ids do not follow it.
 */
static void the_activity_list_filters_by_station_region_kind_and_days_and_pages_with_next(void **state)
{
    (void)state;
    long long station = new_station(V_LIST), other = new_station(V_LIST_OTHER);
    long long deputy = new_deputy(staff_region, 0, "列表代表");
    long long d30 = today() + 30;
    long long late = add_activity(station, "group", at(d30 + 2, 9, 0), at(d30 + 2, 10, 0), 5, IDS(deputy));
    long long early = add_activity(station, "group", at(d30, 9, 0), at(d30, 10, 0), 5, IDS(deputy));
    long long middle = add_activity(station, "inspection", at(d30 + 1, 9, 0), at(d30 + 1, 10, 0), 5, IDS(deputy));
    long long elsewhere = add_activity(other, "research", at(d30, 14, 0), at(d30, 15, 0), 5, NO_IDS);
    char from[11], to[11];
    day_text(d30 + 1, from);
    day_text(d30 + 2, to);

    expect_items(NULL, IDS(early, middle, late), "/api/v1/activities?station=%lld", station);
    expect_items(NULL, IDS(early, middle, late), "/api/v1/activities?region=%s", villages[V_LIST]);
    expect_items(NULL, IDS(elsewhere), "/api/v1/activities?region=%s", villages[V_LIST_OTHER]);
    expect_items(NULL, IDS(middle), "/api/v1/activities?station=%lld&kind=inspection", station);
    expect_items(NULL, IDS(middle, late), "/api/v1/activities?station=%lld&from=%s&to=%s", station, from, to);
    expect_items(NULL, IDS(middle), "/api/v1/activities?station=%lld&to=%s&from=%s", station, from, from);

    api_res_t *r = call(NULL, "GET", NULL, "/api/v1/activities?station=%lld&limit=2", station);
    expect_status(r, 200, "the first page");
    assert_int_equal(int_of(r->json, "next"), middle);
    api_res_free(r);
    expect_items(NULL, IDS(late), "/api/v1/activities?station=%lld&limit=2&after=%lld", station, middle);
    r = call(NULL, "GET", NULL, "/api/v1/activities?station=%lld&limit=2&after=%lld", station, middle);
    assert_true(json_is_null(json_object_get(r->json, "next")));
    api_res_free(r);

    refused(call(NULL, "GET", NULL, "/api/v1/activities?kind=party"), 400, "bad_query", "kind", "an unknown kind");
    refused(call(NULL, "GET", NULL, "/api/v1/activities?from=2026-13-01"), 400, "bad_query", "from", "a bad day");
    refused(call(NULL, "GET", NULL, "/api/v1/activities?region=32"), 400, "bad_query", "region", "a bad region");
}

/*
 * Cancelling an activity tells everyone holding a confirmed seat (one booking.cancelled each in
 * the outbox) and ends their bookings; one given back before is not told twice.
 */
static void cancelling_an_activity_cancels_its_confirmed_bookings_and_tells_each_once(void **state)
{
    (void)state;
    long long id = simple_activity(V_CANCEL, 5, 6);
    char first[16], second[16], gone[16];
    const char *gone_phone;
    book_ok(id, fresh_phone(), NULL, first);
    book_ok(id, fresh_phone(), NULL, second);
    book_ok(id, gone_phone = fresh_phone(), NULL, gone);
    api_res_t *r = give_back(gone, phone4_of(gone_phone));
    expect_status(r, 200, "giving a seat back");
    api_res_free(r);

    r = call(&staff, "POST", json_object(), "/api/v1/activities/%lld/cancel", id);
    expect_status(r, 200, "cancelling the activity");
    assert_string_equal(text_of(r->json, "state"), "cancelled");
    api_res_free(r);
    const char *codes[] = {first, second, gone};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(booking_state_is(codes[i], "cancelled"), 1);
        assert_int_equal(sql_ll("SELECT count(*) FROM outbox o JOIN bookings b ON o.recipient = 'booking:' || b.id "
                                "WHERE b.code = '%s' AND o.event = 'booking.cancelled' AND "
                                "json_extract(o.payload, '$.booking_code') = '%s'",
                                codes[i], codes[i]),
                         1);
    }
    refused(call(&staff, "POST", json_object(), "/api/v1/activities/%lld/cancel", id), 409, "illegal_transition", NULL,
            "cancelling twice");
    expect_items(NULL, NO_IDS, "/api/v1/activities?station=%lld",
                 sql_ll("SELECT station_id FROM activities WHERE id = %lld", id));
}

/*
 * The record is filed once the activity has begun: state held, visitors, summary and who
 * attended; attended may name only deputies of the activity.
 */
static void the_record_is_filed_once_the_activity_has_begun_with_who_attended(void **state)
{
    (void)state;
    long long station = new_station(V_RECORD);
    long long present = new_deputy(villages[V_RECORD], station, "出席代表"),
              absent = new_deputy(villages[V_RECORD], station, "缺席代表"),
              stranger = new_deputy(villages[V_RECORD], station, "局外代表");
    long long day = today() + 3;
    long long id = add_activity(station, "report", at(day, 9, 0), at(day, 11, 0), 0, IDS(present, absent));
    json_t *record = json_pack("{s:i, s:s, s:o}", "visitors", 12, "summary", "代表向选民述职，回答了三个问题。",
                               "attended", ids_json(IDS(present)));
    refused(call(&staff, "POST", json_deep_copy(record), "/api/v1/activities/%lld/record", id), 409,
            "illegal_transition", NULL, "a record before the start");
    begin_activity(id);

    json_t *wrong = json_deep_copy(record);
    json_object_set_new(wrong, "attended", ids_json(IDS(present, stranger)));
    refused(call(&staff, "POST", wrong, "/api/v1/activities/%lld/record", id), 422, "invalid", "attended",
            "a record naming a deputy not on the activity");
    wrong = json_deep_copy(record);
    json_object_set_new(wrong, "visitors", json_integer(-1));
    refused(call(&staff, "POST", wrong, "/api/v1/activities/%lld/record", id), 422, "invalid", "visitors",
            "a record with -1 visitors");
    expect_activity_state(id, "announced");

    api_res_t *r = call(&staff, "POST", record, "/api/v1/activities/%lld/record", id);
    expect_status(r, 200, "filing the record");
    assert_string_equal(text_of(r->json, "state"), "held");
    json_t *filed = json_object_get(r->json, "record");
    assert_int_equal(int_of(filed, "visitors"), 12);
    assert_string_equal(text_of(filed, "summary"), "代表向选民述职，回答了三个问题。");
    assert_true(int_of(filed, "recorded_at") > 0);
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(r->json, "deputies"), i, d)
    {
        bool attended = json_is_true(json_object_get(d, "attended"));
        if (attended != (int_of(d, "id") == present) || json_is_null(json_object_get(d, "attended")))
            fail_msg("attendance should be filed for each deputy: %s", r->body);
    }
    api_res_free(r);
    refused(call(&staff, "POST", json_object(), "/api/v1/activities/%lld/cancel", id), 409, "illegal_transition", NULL,
            "cancelling a held activity");
}

/* Found by review: "attended" naming no deputy at all is refused naming attended, the field the
 * form sent, like a deputy who was not on the activity. */
static void a_record_naming_nobody_as_attended_is_422_naming_attended(void **state)
{
    (void)state;
    long long id = simple_activity(V_RECORD, 0, 4); /* another station of the same village */
    begin_activity(id);
    refused(call(&staff, "POST",
                 json_pack("{s:i, s:s, s:[i]}", "visitors", 3, "summary", "接待三位选民。", "attended", 999999),
                 "/api/v1/activities/%lld/record", id),
            422, "invalid", "attended", "a record naming nobody");
}

/* The smallest PNG: one transparent pixel. */
static const unsigned char png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00,
    0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01,
    0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static void a_photo_of_an_activity_reads_back_as_the_same_png(void **state)
{
    (void)state;
    long long id = simple_activity(V_PHOTO, 0, 5);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/activities/%lld/photos", id);
    api_res_t *r = post_raw(&staff, path, png, sizeof(png), "image/png");
    expect_status(r, 201, "adding a photo");
    long long photo = int_of(r->json, "id");
    assert_true(photo > 0);
    api_res_free(r);

    r = call(NULL, "GET", NULL, "/api/v1/activities/%lld/photos/%lld", id, photo);
    expect_status(r, 200, "the photo");
    assert_int_equal(r->len, sizeof(png));
    assert_memory_equal(r->body, png, sizeof(png));
    assert_non_null(api_header(r, "content-type"));
    assert_string_equal(api_header(r, "content-type"), "image/png");
    api_res_free(r);
    r = activity(id);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(r->json, "photos"), 0)), photo);
    api_res_free(r);
    refused(call(NULL, "GET", NULL, "/api/v1/activities/%lld/photos/%lld", id, photo + 1000), 404, "not_found", NULL,
            "a photo that does not exist");

    const char text[] = "this is not a photo";
    refused(post_raw(&staff, path, text, strlen(text), "text/plain"), 415, "unsupported_type", NULL, "a text body");
    size_t big = 1024 * 1024 + 1;
    unsigned char *large = calloc(1, big);
    memcpy(large, png, sizeof(png));
    r = post_raw(&staff, path, large, big, "image/png");
    free(large);
    expect_status(r, 413, "a photo over 1 MiB");
    api_res_free(r);
    r = post_raw(NULL, path, png, sizeof(png), "image/png");
    expect_status(r, 401, "a photo from the public");
    api_res_free(r);
    assert_int_equal(sql_ll("SELECT count(*) FROM activity_photos WHERE activity_id = %lld", id), 1);
}

/* ---- bookings ---- */

/*
 * A booking answers 201 with an 8-character code of the unambiguous alphabet, confirmed, and a
 * booking.confirmed notice for it in the outbox (its code, nothing personal).
 */
static long long reminders_of(const char *code)
{
    return sql_number(sql("SELECT count(*) FROM outbox o JOIN bookings b ON o.recipient = 'booking:' || b.id"
                          " WHERE o.event = 'booking.reminder' AND b.code = '%s'",
                          code));
}

static bool reminded(void *code)
{
    return reminders_of(code) > 0;
}

/* A day ahead of the visit the holder of a booking is reminded, once, through the outbox; a
 * booking further off is not reminded yet. */
static void a_booking_is_reminded_through_the_outbox_once_a_day_ahead(void **state)
{
    (void)state;
    long long station = new_station(V_REMIND);
    long long deputy = new_deputy(villages[V_REMIND], station, "提醒代表");
    long long soon_at = (time(NULL) / 60 + 180) * 60; /* three hours on, on the minute */
    long long soon = add_activity(station, "reception", soon_at, soon_at + 3600, 5, IDS(deputy));
    long long later_day = today() + 5;
    long long later = add_activity(station, "reception", at(later_day, 9, 0), at(later_day, 10, 0), 5, IDS(deputy));
    char soon_code[16], later_code[16];
    book_ok(soon, fresh_phone(), NULL, soon_code);
    book_ok(later, fresh_phone(), NULL, later_code);
    assert_true(wait_until(reminded, soon_code, 15000));
    /* a few more ticks remind nobody again */
    long long ticks_from = time(NULL);
    while (time(NULL) < ticks_from + 3)
        assert_true(wait_until(reminded, soon_code, 1000));
    assert_int_equal(reminders_of(soon_code), 1);
    assert_int_equal(reminders_of(later_code), 0);
    char payload[256];
    sql_into(payload, sizeof(payload),
             sql("SELECT payload FROM outbox o JOIN bookings b ON o.recipient = 'booking:' || b.id"
                 " WHERE o.event = 'booking.reminder' AND b.code = '%s'",
                 soon_code));
    assert_non_null(strstr(payload, soon_code));
    assert_null(strstr(payload, "139")); /* no phone number in what the gateway is handed */
}

static void a_booking_gets_an_eight_character_code_and_a_confirmation_in_the_outbox(void **state)
{
    (void)state;
    long long id = simple_activity(V_BOOK, 4, 7);
    const char *phone = fresh_phone();
    api_res_t *r = book(id, phone, "李四");
    expect_status(r, 201, "a booking");
    const char *code = text_of(r->json, "code");
    if (code == NULL || strlen(code) != 8 || strspn(code, CODE_ALPHABET) != 8)
        fail_msg("the code should be 8 characters of %s: %s", CODE_ALPHABET, r->body);
    assert_string_equal(text_of(r->json, "state"), "confirmed");
    json_t *a = json_object_get(r->json, "activity");
    assert_int_equal(int_of(a, "id"), id);
    assert_int_equal(int_of(a, "booked"), 1);
    assert_int_equal(int_of(a, "seats_left"), 3);
    long long booking = sql_ll("SELECT id FROM bookings WHERE code = '%s'", code);
    assert_int_equal(
        sql_ll("SELECT count(*) FROM outbox WHERE event = 'booking.confirmed' AND recipient = "
               "'booking:%lld' AND json_extract(payload, '$.booking_code') = '%s' AND instr(payload, '%s') = 0",
               booking, code, phone),
        1);
    api_res_free(r);

    long long bookings = sql_ll("SELECT count(*) FROM bookings");
    refused(book(id, phone, NULL), 409, "already_booked", NULL, "the same phone again");
    assert_int_equal(sql_ll("SELECT count(*) FROM bookings"), bookings);
}

static void booking_the_last_seat_twice_answers_409_full_with_no_seats_left(void **state)
{
    (void)state;
    long long id = simple_activity(V_BOOK, 2, 8);
    char code[16];
    book_ok(id, fresh_phone(), NULL, code);
    book_ok(id, fresh_phone(), NULL, code);
    api_res_t *r = book(id, fresh_phone(), NULL);
    expect_error(r, 409, "full", NULL, "one more than the seats");
    json_t *seats = json_object_get(json_object_get(r->json, "error"), "seats_left");
    if (!json_is_integer(seats) || json_integer_value(seats) != 0)
        fail_msg("a full activity should say seats_left 0: %s", r->body);
    api_res_free(r);
    r = activity(id);
    assert_int_equal(int_of(r->json, "booked"), 2);
    assert_int_equal(int_of(r->json, "seats_left"), 0);
    assert_false(json_is_true(json_object_get(r->json, "bookable")));
    api_res_free(r);
}

static void an_activity_begun_cancelled_or_without_online_seats_is_409_closed(void **state)
{
    (void)state;
    long long station = new_station(V_CLOSED);
    long long day = today() + 11;
    long long begun = add_activity(station, "reception", at(day, 9, 0), at(day, 11, 0), 5, NO_IDS);
    long long cancelled = add_activity(station, "reception", at(day, 14, 0), at(day, 16, 0), 5, NO_IDS);
    long long no_seats = add_activity(station, "reception", at(day + 1, 9, 0), at(day + 1, 11, 0), 0, NO_IDS);
    begin_activity(begun);
    api_res_t *r = call(&staff, "POST", json_object(), "/api/v1/activities/%lld/cancel", cancelled);
    expect_status(r, 200, "cancelling");
    api_res_free(r);
    long long bookings = sql_ll("SELECT count(*) FROM bookings");
    refused(book(begun, fresh_phone(), NULL), 409, "closed", NULL, "an activity that has begun");
    refused(book(cancelled, fresh_phone(), NULL), 409, "closed", NULL, "a cancelled activity");
    refused(book(no_seats, fresh_phone(), NULL), 409, "closed", NULL, "an activity not booked online");
    refused(book(999999, fresh_phone(), NULL), 404, "not_found", NULL, "no such activity");
    assert_int_equal(sql_ll("SELECT count(*) FROM bookings"), bookings);
}

static void a_booking_with_a_bad_topic_or_phone_is_422_naming_the_field(void **state)
{
    (void)state;
    long long id = simple_activity(V_BOOK_BAD, 5, 8);
    char long_topic[700] = "";
    for (int i = 0; i < 201; i++)
        strcat(long_topic, "问");
    struct {
        const char *topic, *phone, *extra, *field;
    } cases[] = {
        {"", "13912345678", NULL, "topic"},
        {"   ", "13912345678", NULL, "topic"},
        {long_topic, "13912345678", NULL, "topic"},
        {NULL, "13912345678", NULL, "topic"},
        {"停车难", "12345", NULL, "phone"},
        {"停车难", "23912345678", NULL, "phone"},
        {"停车难", NULL, NULL, "phone"},
        {"停车难", "13912345678", "email", "email"},
    };
    long long bookings = sql_ll("SELECT count(*) FROM bookings");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *body = json_object();
        if (cases[i].topic)
            json_object_set_new(body, "topic", json_string(cases[i].topic));
        if (cases[i].phone)
            json_object_set_new(body, "phone", json_string(cases[i].phone));
        if (cases[i].extra)
            json_object_set_new(body, cases[i].extra, json_string("a@b.c"));
        char what[64];
        snprintf(what, sizeof(what), "booking case %zu", i);
        refused(call(NULL, "POST", body, "/api/v1/activities/%lld/bookings", id), 422, "invalid", cases[i].field, what);
    }
    assert_int_equal(sql_ll("SELECT count(*) FROM bookings"), bookings);
}

/* "My booking" opens with the code and the phone's last four digits; a wrong pair answers the
 * same 404 as a code that does not exist. */
static void my_booking_opens_with_its_code_and_phone4_and_a_wrong_phone4_looks_unknown(void **state)
{
    (void)state;
    long long id = simple_activity(V_MINE, 5, 9);
    const char *phone = fresh_phone();
    char code[16], phone4[5];
    snprintf(phone4, sizeof(phone4), "%s", phone4_of(phone));
    book_ok(id, phone, NULL, code);
    api_res_t *r = call(NULL, "GET", NULL, "/api/v1/bookings/%s?phone4=%s", code, phone4);
    expect_status(r, 200, "my booking");
    assert_string_equal(text_of(r->json, "code"), code);
    assert_string_equal(text_of(r->json, "state"), "confirmed");
    assert_string_equal(text_of(r->json, "topic"), "想反映小区停车难的问题");
    assert_int_equal(int_of(json_object_get(r->json, "activity"), "id"), id);
    assert_null(strstr(r->body, phone));
    api_res_free(r);

    char wrong[12];
    snprintf(wrong, sizeof(wrong), "%04d", (atoi(phone4) + 1) % 10000);
    api_res_t *mismatch = call(NULL, "GET", NULL, "/api/v1/bookings/%s?phone4=%s", code, wrong);
    api_res_t *unknown = call(NULL, "GET", NULL, "/api/v1/bookings/AAAAAAAA?phone4=%s", phone4);
    expect_error(mismatch, 404, "not_found", NULL, "a wrong phone4");
    expect_error(unknown, 404, "not_found", NULL, "an unknown code");
    assert_string_equal(mismatch->body, unknown->body);
    api_res_free(mismatch);
    api_res_free(unknown);
    refused(call(NULL, "GET", NULL, "/api/v1/bookings/%s", code), 404, "not_found", NULL, "no phone4");
}

/*
 * Giving a seat back with the phone's last digits frees it: the count drops, another phone takes
 * it, and the same phone may book again later. A seat cannot be given back twice, nor once the
 * activity has begun.
 */
static void giving_a_seat_back_frees_it_for_another_and_the_same_phone_may_book_again(void **state)
{
    (void)state;
    long long id = simple_activity(V_GIVE_BACK, 1, 10);
    const char *mine = fresh_phone();
    char phone[16], code[16], other_code[16], again[16];
    snprintf(phone, sizeof(phone), "%s", mine);
    book_ok(id, phone, NULL, code);
    const char *other = fresh_phone();
    refused(book(id, other, NULL), 409, "full", NULL, "the one seat taken");
    refused(give_back(code, "0000"), 404, "not_found", NULL, "giving back with the wrong digits");

    api_res_t *r = give_back(code, phone4_of(phone));
    expect_status(r, 200, "giving the seat back");
    assert_string_equal(text_of(r->json, "state"), "cancelled");
    assert_int_equal(int_of(json_object_get(r->json, "activity"), "booked"), 0);
    assert_int_equal(int_of(json_object_get(r->json, "activity"), "seats_left"), 1);
    api_res_free(r);
    refused(give_back(code, phone4_of(phone)), 409, "illegal_transition", NULL, "giving back twice");

    book_ok(id, other, NULL, other_code);
    r = give_back(other_code, phone4_of(other));
    expect_status(r, 200, "the other gives it back");
    api_res_free(r);
    book_ok(id, phone, NULL, again);
    assert_string_not_equal(again, code);

    begin_activity(id);
    refused(give_back(again, phone4_of(phone)), 409, "closed", NULL, "giving back after the start");
    assert_int_equal(booking_state_is(again, "confirmed"), 1);
}

/* The constituent's phone number and name are sealed in bookings and visits. */
static void the_phone_number_and_name_of_a_booking_and_its_visit_are_not_stored_in_clear(void **state)
{
    (void)state;
    long long id = simple_activity(V_SEALED, 5, 2);
    const char *phone = "13987654321", *name = "欧阳明月";
    char code[16];
    book_ok(id, phone, name, code);
    api_res_t *r = desk(&staff, code, "check-in");
    expect_status(r, 200, "checking in");
    api_res_free(r);
    r = call(&staff, "POST",
             json_pack("{s:s, s:s, s:s}", "topic", "路灯不亮", "name", "司马长风", "phone", "13911112222"),
             "/api/v1/activities/%lld/visits", id);
    expect_status(r, 201, "a walk-in");
    api_res_free(r);
    const char *secrets[] = {phone, name, "13911112222", "司马长风"};
    for (int i = 0; i < 4; i++) {
        long long clear = sql_ll(
            "SELECT (SELECT count(*) FROM bookings WHERE instr(code || topic || coalesce(name_sealed, '') || "
            "phone_sealed || phone_hash || phone4, '%s') > 0) + (SELECT count(*) FROM visits WHERE instr(topic || "
            "coalesce(name_sealed, '') || coalesce(phone_sealed, '') || coalesce(phone_hash, '') || phone4 || "
            "received_by, '%s') > 0) + (SELECT count(*) FROM outbox WHERE instr(payload, '%s') > 0)",
            secrets[i], secrets[i], secrets[i]);
        if (clear != 0)
            fail_msg("\"%s\" is stored in clear in %lld rows", secrets[i], clear);
    }
}

/* ---- the desk ---- */

/*
 * The desk's list shows masked names and the phones' last digits, after writing personal.read
 * to the audit log; checking in makes a visit received by the deputies on duty; a no-show is
 * marked only once the activity has begun.
 */
static void the_desk_lists_masked_bookings_checks_visitors_in_and_marks_no_shows(void **state)
{
    (void)state;
    long long station = new_station(V_DESK);
    long long one = new_deputy(villages[V_DESK], station, "接待代表甲"),
              two = new_deputy(villages[V_DESK], station, "接待代表乙");
    long long day = today() + 1;
    long long id = add_activity(station, "reception", at(day, 9, 0), at(day, 11, 30), 5, IDS(one, two));
    const char *phone = fresh_phone();
    char named[16], plain[16], phone4[5];
    snprintf(phone4, sizeof(phone4), "%s", phone4_of(phone));
    book_ok(id, phone, "张三丰", named);
    book_ok(id, fresh_phone(), NULL, plain);

    long long reads = sql_ll("SELECT count(*) FROM audit_log WHERE action = 'personal.read' AND entity = 'activity' "
                             "AND entity_id = '%lld'",
                             id);
    api_res_t *r = call(&staff, "GET", NULL, "/api/v1/activities/%lld/bookings", id);
    expect_status(r, 200, "the desk's list");
    assert_int_equal(sql_ll("SELECT count(*) FROM audit_log WHERE action = 'personal.read' AND entity = 'activity' AND "
                            "entity_id = '%lld'",
                            id),
                     reads + 1);
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 2);
    json_t *first = json_array_get(items, 0);
    assert_string_equal(text_of(first, "code"), named);
    assert_string_equal(text_of(first, "name_masked"), "张**");
    assert_string_equal(text_of(first, "phone4"), phone4);
    assert_string_equal(text_of(first, "state"), "confirmed");
    assert_true(json_is_null(json_object_get(first, "visit_id")));
    assert_null(strstr(r->body, "张三丰"));
    assert_null(strstr(r->body, phone));
    assert_non_null(api_header(r, "cache-control"));
    assert_non_null(strstr(api_header(r, "cache-control"), "no-store"));
    api_res_free(r);

    r = desk(&staff, named, "check-in");
    expect_status(r, 200, "checking in");
    assert_string_equal(text_of(r->json, "state"), "checked_in");
    long long visit = int_of(r->json, "visit_id");
    assert_true(visit > 0);
    api_res_free(r);
    refused(desk(&staff, named, "check-in"), 409, "illegal_transition", NULL, "checking in twice");
    refused(desk(&staff, named, "no-show"), 409, "illegal_transition", NULL, "a no-show after a check-in");

    r = call(&staff, "GET", NULL, "/api/v1/visits/%lld", visit);
    expect_status(r, 200, "the visit");
    assert_int_equal(int_of(r->json, "activity_id"), id);
    assert_int_equal(int_of(r->json, "station_id"), station);
    assert_int_equal(int_of(r->json, "booking_id"), sql_ll("SELECT id FROM bookings WHERE code = '%s'", named));
    assert_string_equal(text_of(r->json, "topic"), "想反映小区停车难的问题");
    assert_string_equal(text_of(r->json, "phone4"), phone4);
    const char *received = text_of(r->json, "received_by");
    if (received == NULL || strstr(received, "接待代表甲") == NULL || strstr(received, "接待代表乙") == NULL)
        fail_msg("the visit should be received by both deputies on duty: %s", r->body);
    assert_true(json_is_array(json_object_get(r->json, "opinions")));
    assert_int_equal(json_array_size(json_object_get(r->json, "opinions")), 0);
    api_res_free(r);

    refused(desk(&staff, plain, "no-show"), 409, "closed", NULL, "a no-show before the start");
    begin_activity(id);
    r = desk(&staff, plain, "no-show");
    expect_status(r, 200, "a no-show after the start");
    assert_string_equal(text_of(r->json, "state"), "no_show");
    api_res_free(r);
    refused(desk(&staff, "AAAAAAAA", "check-in"), 404, "not_found", NULL, "checking in an unknown code");

    r = call(&staff, "GET", NULL, "/api/v1/activities/%lld/bookings", id);
    assert_int_equal(int_of(json_array_get(json_object_get(r->json, "items"), 0), "visit_id"), visit);
    assert_string_equal(text_of(json_array_get(json_object_get(r->json, "items"), 1), "state"), "no_show");
    api_res_free(r);
}

/*
 * A walk-in is recorded as a visit; an opinion staff enter with its visit_id is linked to it - in
 * the visit's opinions, in the staff inbox, trackable with the booking phone's last digits - and
 * nobody but staff may name a visit.
 */
static void an_opinion_entered_for_a_visit_is_linked_listed_and_trackable_with_the_booking_phone(void **state)
{
    (void)state;
    long long station = new_station(V_VISIT_OPINION);
    long long deputy = new_deputy(villages[V_VISIT_OPINION], station, "意见代表");
    long long day = today() + 1;
    long long id = add_activity(station, "reception", at(day, 14, 0), at(day, 16, 0), 5, IDS(deputy));
    const char *phone = fresh_phone();
    char code[16], phone4[5];
    snprintf(phone4, sizeof(phone4), "%s", phone4_of(phone));
    book_ok(id, phone, "赵六", code);
    api_res_t *r = desk(&staff, code, "check-in");
    long long visit = int_of(r->json, "visit_id");
    api_res_free(r);

    r = call(&staff, "POST", json_pack("{s:s, s:s}", "topic", "想问问老旧小区加装电梯", "name", "钱七"),
             "/api/v1/activities/%lld/visits", id);
    expect_status(r, 201, "a walk-in");
    long long walk_in = int_of(r->json, "id");
    assert_true(json_is_null(json_object_get(r->json, "booking_id")));
    assert_int_equal(int_of(r->json, "activity_id"), id);
    api_res_free(r);
    refused(call(NULL, "POST", json_pack("{s:s}", "topic", "路过"), "/api/v1/activities/%lld/visits", id), 401,
            "unauthenticated", NULL, "a walk-in from the public");
    expect_items(&staff, IDS(walk_in, visit), "/api/v1/visits?station=%lld", station);

    json_t *opinion = json_pack("{s:I, s:s, s:s}", "visit_id", (json_int_t)visit, "category", "urban", "content",
                                "小区门口的路灯坏了两个月，晚上出行不安全。");
    refused(call(NULL, "POST", json_deep_copy(opinion), "/api/v1/opinions"), 422, "invalid", "visit_id",
            "a public message naming a visit");
    refused(call(&rugao, "POST", json_deep_copy(opinion), "/api/v1/opinions"), 422, "invalid", "visit_id",
            "another county's admin naming the visit");
    r = call(&staff, "POST", opinion, "/api/v1/opinions");
    expect_status(r, 201, "an opinion raised at the visit");
    char tracking[16];
    snprintf(tracking, sizeof(tracking), "%s", text_of(r->json, "tracking_code"));
    long long opinion_id = int_of(r->json, "id");
    api_res_free(r);
    assert_int_equal(sql_ll("SELECT visit_id FROM opinions WHERE id = %lld", opinion_id), visit);

    r = call(&staff, "GET", NULL, "/api/v1/visits/%lld", visit);
    json_t *linked = json_array_get(json_object_get(r->json, "opinions"), 0);
    if (int_of(linked, "id") != opinion_id || text_of(linked, "tracking_code") == NULL ||
        strcmp(text_of(linked, "tracking_code"), tracking) != 0)
        fail_msg("the visit should list the opinion %lld %s: %s", opinion_id, tracking, r->body);
    api_res_free(r);
    expect_items(&staff, IDS(opinion_id), "/api/v1/opinions?station=%lld", station);
    r = call(NULL, "GET", NULL, "/api/v1/track/%s?phone4=%s", tracking, phone4);
    expect_status(r, 200, "tracking with the booking phone's last digits");
    assert_int_equal(int_of(json_object_get(r->json, "station"), "id"), station);
    api_res_free(r);
}

/* The visits list pages as the contract says: ?after=<next> goes on past the first page. */
static void paging_the_visits_with_after_and_next_shows_each_visit_once(void **state)
{
    (void)state;
    long long id = simple_activity(V_VISIT_PAGES, 0, 1);
    long long visits[3];
    for (int i = 0; i < 3; i++) {
        api_res_t *r = call(&staff, "POST", json_pack("{s:s}", "topic", "咨询"), "/api/v1/activities/%lld/visits", id);
        visits[i] = created_id(r, "a walk-in");
    }
    long long station = sql_ll("SELECT station_id FROM activities WHERE id = %lld", id);
    api_res_t *r = call(&staff, "GET", NULL, "/api/v1/visits?station=%lld&limit=2", station);
    expect_status(r, 200, "the first page of visits");
    long long next = int_of(r->json, "next");
    api_res_free(r);
    assert_int_equal(next, visits[1]);
    expect_items(&staff, IDS(visits[0]), "/api/v1/visits?station=%lld&limit=2&after=%lld", station, next);
}

/* ---- scopes ---- */

static void another_countys_admin_finds_none_of_the_activities_bookings_visits_or_rules(void **state)
{
    (void)state;
    long long station = new_station(V_SCOPE);
    long long deputy = new_deputy(villages[V_SCOPE], station, "辖区代表");
    long long rule = add_rule(station, "weekly SUN 09:00-10:00", 3, IDS(deputy));
    long long day = today() + 13;
    long long id = add_activity(station, "group", at(day, 15, 0), at(day, 16, 0), 5, IDS(deputy));
    char code[16];
    book_ok(id, fresh_phone(), NULL, code);
    api_res_t *r = call(&staff, "POST", json_pack("{s:s}", "topic", "咨询"), "/api/v1/activities/%lld/visits", id);
    long long visit = created_id(r, "a walk-in");

    struct {
        const char *method, *path;
        json_t *body;
    } writes[] = {
        {"PATCH", "/api/v1/activities/%lld", json_pack("{s:s}", "title", "改名")},
        {"POST", "/api/v1/activities/%lld/cancel", json_object()},
        {"POST", "/api/v1/activities/%lld/record", json_pack("{s:i, s:s}", "visitors", 1, "summary", "x")},
        {"GET", "/api/v1/activities/%lld/bookings", NULL},
        {"POST", "/api/v1/activities/%lld/visits", json_pack("{s:s}", "topic", "咨询")},
    };
    for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        char path[128];
        snprintf(path, sizeof(path), writes[i].path, id);
        refused(call(&rugao, writes[i].method, writes[i].body, "%s", path), 404, "not_found", NULL, path);
    }
    char photos[128];
    snprintf(photos, sizeof(photos), "/api/v1/activities/%lld/photos", id);
    refused(post_raw(&rugao, photos, png, sizeof(png), "image/png"), 404, "not_found", NULL, "a photo");
    refused(desk(&rugao, code, "check-in"), 404, "not_found", NULL, "checking in");
    refused(desk(&rugao, code, "no-show"), 404, "not_found", NULL, "a no-show");
    refused(call(&rugao, "GET", NULL, "/api/v1/visits/%lld", visit), 404, "not_found", NULL, "the visit");
    refused(call(&rugao, "PATCH", json_pack("{s:i}", "capacity", 9), "/api/v1/rules/%lld", rule), 404, "not_found",
            NULL, "changing the rule");
    refused(call(&rugao, "DELETE", NULL, "/api/v1/rules/%lld", rule), 404, "not_found", NULL, "ending the rule");
    api_res_t *post =
        call(&rugao, "POST", json_pack("{s:s, s:i, s:[]}", "rule", "weekly MON 09:00-10:00", "capacity", 3, "deputies"),
             "/api/v1/stations/%lld/rules", station);
    refused(post, 404, "not_found", NULL, "a rule for the station");
    refused(call(&rugao, "POST", activity_body(station, "group", at(day + 1, 9, 0), at(day + 1, 10, 0), 5, NO_IDS),
                 "/api/v1/activities"),
            403, "out_of_scope", NULL, "an activity at the station");

    expect_activity_state(id, "announced");
    assert_int_equal(booking_state_is(code, "confirmed"), 1);
    assert_int_equal(sql_ll("SELECT count(*) FROM reception_rules WHERE id = %lld AND deleted_at IS NULL AND "
                            "capacity = 3",
                            rule),
                     1);
    assert_int_equal(sql_ll("SELECT count(*) FROM visits WHERE activity_id = %lld", id), 1);
    assert_int_equal(sql_ll("SELECT count(*) FROM activity_photos WHERE activity_id = %lld", id), 0);
}

static void lists_of_another_countys_visits_or_compliance_are_403_out_of_scope(void **state)
{
    (void)state;
    refused(call(&staff, "GET", NULL, "/api/v1/visits?region=%s", FOREIGN_REGION), 403, "out_of_scope", NULL,
            "staff asking for another county's visits");
    refused(call(&staff, "GET", NULL, "/api/v1/compliance?region=%s", FOREIGN_REGION), 403, "out_of_scope", NULL,
            "staff asking for another county's compliance");
    refused(call(&rugao, "GET", NULL, "/api/v1/visits?region=%s", HOME_REGION), 403, "out_of_scope", NULL,
            "a neighbour asking for our visits");
    refused(call(&rugao, "GET", NULL, "/api/v1/compliance?region=%s", HOME_REGION), 403, "out_of_scope", NULL,
            "a neighbour asking for our compliance");
    api_res_t *r = call(&admin, "GET", NULL, "/api/v1/visits?region=%s", HOME_REGION);
    expect_status(r, 200, "the county's own visits");
    api_res_free(r);
}

static void the_public_is_401_on_every_staff_route(void **state)
{
    (void)state;
    long long id = simple_activity(V_SCOPE, 5, 14);
    long long station = sql_ll("SELECT station_id FROM activities WHERE id = %lld", id);
    char code[16];
    book_ok(id, fresh_phone(), NULL, code);
    struct {
        const char *method;
        char path[128];
    } routes[] = {
        {"POST", "/api/v1/activities"},
        {"GET", ""},
        {"PATCH", ""},
        {"POST", ""},
        {"POST", ""},
        {"POST", ""},
        {"POST", ""},
        {"GET", "/api/v1/visits"},
        {"GET", "/api/v1/visits/1"},
        {"GET", "/api/v1/compliance"},
        {"PATCH", "/api/v1/rules/1"},
        {"DELETE", "/api/v1/rules/1"},
    };
    snprintf(routes[1].path, sizeof(routes[1].path), "/api/v1/activities/%lld/bookings", id);
    snprintf(routes[2].path, sizeof(routes[2].path), "/api/v1/activities/%lld", id);
    snprintf(routes[3].path, sizeof(routes[3].path), "/api/v1/activities/%lld/cancel", id);
    snprintf(routes[4].path, sizeof(routes[4].path), "/api/v1/bookings/%s/check-in", code);
    snprintf(routes[5].path, sizeof(routes[5].path), "/api/v1/bookings/%s/no-show", code);
    snprintf(routes[6].path, sizeof(routes[6].path), "/api/v1/stations/%lld/rules", station);
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        bool safe = strcmp(routes[i].method, "GET") == 0 || strcmp(routes[i].method, "DELETE") == 0;
        refused(call(NULL, routes[i].method, safe ? NULL : json_object(), "%s", routes[i].path), 401, "unauthenticated",
                NULL, routes[i].path);
    }
    expect_activity_state(id, "announced");
    assert_int_equal(booking_state_is(code, "confirmed"), 1);
}

/* ---- the 接待日公示表 and compliance ---- */

/* Day `mday` of the month after this one (Beijing time). */
static long long day_next_month(int mday)
{
    struct tm tm = civil(today() * DAY);
    tm.tm_mon += 1;
    tm.tm_mday = mday;
    tm.tm_hour = 0;
    return (long long)timegm(&tm) / DAY;
}

static void the_schedule_groups_the_months_activities_by_day_with_deputies_and_seats(void **state)
{
    (void)state;
    long long station = new_station(V_SCHEDULE);
    long long deputy = new_deputy(villages[V_SCHEDULE], station, "公示代表");
    long long tenth = day_next_month(10), twelfth = day_next_month(12);
    long long morning = add_activity(station, "reception", at(tenth, 9, 0), at(tenth, 11, 0), 3, IDS(deputy));
    long long afternoon = add_activity(station, "inspection", at(tenth, 14, 0), at(tenth, 16, 0), 0, IDS(deputy));
    long long later = add_activity(station, "reception", at(twelfth, 9, 0), at(twelfth, 10, 0), 2, IDS(deputy));
    char code[16], month[8], date10[11], date12[11];
    book_ok(later, fresh_phone(), NULL, code);
    month_text(at(tenth, 9, 0), month);
    day_text(tenth, date10);
    day_text(twelfth, date12);

    api_res_t *r = call(NULL, "GET", NULL, "/api/v1/stations/%lld/schedule?month=%s", station, month);
    expect_status(r, 200, "the schedule");
    assert_string_equal(text_of(r->json, "month"), month);
    assert_int_equal(int_of(json_object_get(r->json, "station"), "id"), station);
    json_t *days = json_object_get(r->json, "days");
    if (json_array_size(days) != 2)
        fail_msg("two days should be listed: %s", r->body);
    json_t *first = json_array_get(days, 0), *second = json_array_get(days, 1);
    assert_string_equal(text_of(first, "date"), date10);
    assert_int_equal(int_of(first, "weekday"), weekday_of(tenth));
    assert_string_equal(text_of(second, "date"), date12);
    json_t *a = json_object_get(first, "activities");
    assert_int_equal(json_array_size(a), 2);
    assert_int_equal(int_of(json_array_get(a, 0), "id"), morning);
    assert_int_equal(int_of(json_array_get(a, 0), "seats_left"), 3);
    assert_true(json_is_true(json_object_get(json_array_get(a, 0), "bookable")));
    assert_int_equal(int_of(json_array_get(a, 1), "id"), afternoon);
    assert_false(json_is_true(json_object_get(json_array_get(a, 1), "bookable")));
    assert_string_equal(text_of(json_array_get(json_object_get(json_array_get(a, 0), "deputies"), 0), "name"),
                        "公示代表");
    json_t *b = json_array_get(json_object_get(second, "activities"), 0);
    assert_int_equal(int_of(b, "id"), later);
    assert_int_equal(int_of(b, "seats_left"), 1);
    api_res_free(r);

    static const char *const bad[] = {"2026-13", "26-01", "2026-1x", "2026/01", "2026-011"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        refused(call(NULL, "GET", NULL, "/api/v1/stations/%lld/schedule?month=%s", station, bad[i]), 400, "bad_query",
                "month", bad[i]);
    refused(call(NULL, "GET", NULL, "/api/v1/stations/999999/schedule?month=%s", month), 404, "not_found", NULL,
            "no such station");

    r = call(NULL, "GET", NULL, "/api/v1/stations/%lld/schedule.xlsx?month=%s", station, month);
    expect_status(r, 200, "the schedule as a sheet");
    assert_true(r->len > 100);
    assert_memory_equal(r->body, "PK", 2);
    assert_non_null(api_header(r, "content-type"));
    assert_non_null(strstr(api_header(r, "content-type"), "spreadsheetml"));
    api_res_free(r);
}

static bool listed(const json_t *items, long long id)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (int_of(item, "id") == id)
            return true;
    }
    return false;
}

/*
 * Compliance for a month lists a station with neither a held reception nor a visit, and a deputy
 * on duty at a held activity who did not attend, with the absences and the activity; a station
 * that held its reception day and a deputy who came are not listed.
 */
static void compliance_lists_a_station_without_reception_and_a_deputy_who_missed_a_held_activity(void **state)
{
    (void)state;
    long long idle = new_station(V_NOTHING_HELD), busy = new_station(V_HELD);
    long long came = new_deputy(villages[V_HELD], busy, "按时出席代表"),
              missed = new_deputy(villages[V_HELD], busy, "未到代表");
    long long day = today() + 1;
    long long id = add_activity(busy, "reception", at(day, 9, 0), at(day, 11, 0), 5, IDS(came, missed));
    begin_activity(id);
    api_res_t *r =
        call(&staff, "POST",
             json_pack("{s:i, s:s, s:o}", "visitors", 4, "summary", "接待四位选民。", "attended", ids_json(IDS(came))),
             "/api/v1/activities/%lld/record", id);
    expect_status(r, 200, "filing the record");
    api_res_free(r);
    char month[8];
    month_text(sql_ll("SELECT starts_at FROM activities WHERE id = %lld", id), month);

    r = call(&staff, "GET", NULL, "/api/v1/compliance?month=%s", month);
    expect_status(r, 200, "compliance");
    assert_string_equal(text_of(r->json, "month"), month);
    assert_string_equal(text_of(r->json, "region"), staff_region);
    json_t *stations = json_object_get(r->json, "stations_without_reception"),
           *deputies = json_object_get(r->json, "absent_deputies");
    if (!listed(json_object_get(stations, "items"), idle) || listed(json_object_get(stations, "items"), busy))
        fail_msg("station %lld (nothing held) should be listed and %lld (held) not: %s", idle, busy, r->body);
    assert_int_equal(int_of(stations, "count"), json_array_size(json_object_get(stations, "items")));
    json_t *items = json_object_get(deputies, "items"), *row = NULL, *item;
    size_t i;
    json_array_foreach(items, i, item)
    {
        if (int_of(item, "id") == missed)
            row = item;
    }
    if (row == NULL || listed(items, came))
        fail_msg("deputy %lld (absent) should be listed and %lld (present) not: %s", missed, came, r->body);
    assert_int_equal(int_of(row, "absences"), 1);
    assert_int_equal(json_array_size(json_object_get(row, "activities")), 1);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(row, "activities"), 0)), id);
    api_res_free(r);

    r = call(&staff, "GET", NULL, "/api/v1/compliance?month=%s&region=%s", month, villages[V_NOTHING_HELD]);
    expect_status(r, 200, "compliance of one village");
    char got[256], want[64];
    ids_of(json_object_get(json_object_get(r->json, "stations_without_reception"), "items"), got, sizeof(got));
    snprintf(want, sizeof(want), " %lld", idle);
    if (strcmp(got, want) != 0)
        fail_msg("the village's compliance should list its one station: %s", r->body);
    api_res_free(r);
    refused(call(&staff, "GET", NULL, "/api/v1/compliance?month=2026-13"), 400, "bad_query", "month", "a bad month");
}

/* ---- rate limits ---- */

/* The same database, served again with rate limits on. */
static int restart_with_rate_limits(void **state)
{
    (void)state;
    if (srv.db[0] == '\0')
        return -1;
    server_start(&srv, NULL);
    return sign_in();
}

static void the_eleventh_public_booking_within_a_minute_is_429_with_retry_after(void **state)
{
    (void)state;
    long long id = simple_activity(V_LIMITS, 20, 15);
    char code[16];
    for (int i = 1; i <= 10; i++)
        book_ok(id, fresh_phone(), NULL, code);
    long long bookings = sql_ll("SELECT count(*) FROM bookings");
    api_res_t *r = book(id, fresh_phone(), NULL);
    expect_error(r, 429, "too_many_requests", NULL, "the eleventh booking");
    const char *retry = api_header(r, "retry-after");
    if (retry == NULL || atoi(retry) <= 0 || atoi(retry) > 60)
        fail_msg("a 429 without a Retry-After within the minute: %s", r->headers);
    api_res_free(r);
    assert_int_equal(sql_ll("SELECT count(*) FROM bookings"), bookings);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_weekly_rule_announces_the_coming_mondays_but_not_a_holiday),
        cmocka_unit_test(monthly_rules_fall_on_the_first_tuesday_and_the_last_friday),
        cmocka_unit_test(a_rule_that_cannot_be_read_is_422_naming_rule_and_writes_nothing),
        cmocka_unit_test(a_rule_whose_deputy_is_on_duty_elsewhere_then_is_409_duty_clash_and_writes_nothing),
        cmocka_unit_test(changing_a_rules_time_cancels_its_unbooked_days_and_keeps_a_booked_one),
        cmocka_unit_test(moving_a_rule_by_half_an_hour_while_a_day_is_booked_moves_the_other_days),
        cmocka_unit_test(ending_a_rule_answers_204_and_cancels_its_unbooked_coming_days),
        cmocka_unit_test(staff_announce_an_activity_of_every_kind),
        cmocka_unit_test(every_bad_field_of_an_activity_is_refused_by_name_and_writes_nothing),
        cmocka_unit_test(a_deputy_on_two_activities_at_once_is_409_but_touching_times_are_fine),
        cmocka_unit_test(the_activity_list_filters_by_station_region_kind_and_days_and_pages_with_next),
        cmocka_unit_test(cancelling_an_activity_cancels_its_confirmed_bookings_and_tells_each_once),
        cmocka_unit_test(the_record_is_filed_once_the_activity_has_begun_with_who_attended),
        cmocka_unit_test(a_record_naming_nobody_as_attended_is_422_naming_attended),
        cmocka_unit_test(a_photo_of_an_activity_reads_back_as_the_same_png),
        cmocka_unit_test(a_booking_gets_an_eight_character_code_and_a_confirmation_in_the_outbox),
        cmocka_unit_test(a_booking_is_reminded_through_the_outbox_once_a_day_ahead),
        cmocka_unit_test(booking_the_last_seat_twice_answers_409_full_with_no_seats_left),
        cmocka_unit_test(an_activity_begun_cancelled_or_without_online_seats_is_409_closed),
        cmocka_unit_test(a_booking_with_a_bad_topic_or_phone_is_422_naming_the_field),
        cmocka_unit_test(my_booking_opens_with_its_code_and_phone4_and_a_wrong_phone4_looks_unknown),
        cmocka_unit_test(giving_a_seat_back_frees_it_for_another_and_the_same_phone_may_book_again),
        cmocka_unit_test(the_phone_number_and_name_of_a_booking_and_its_visit_are_not_stored_in_clear),
        cmocka_unit_test(the_desk_lists_masked_bookings_checks_visitors_in_and_marks_no_shows),
        cmocka_unit_test(an_opinion_entered_for_a_visit_is_linked_listed_and_trackable_with_the_booking_phone),
        cmocka_unit_test(paging_the_visits_with_after_and_next_shows_each_visit_once),
        cmocka_unit_test(another_countys_admin_finds_none_of_the_activities_bookings_visits_or_rules),
        cmocka_unit_test(lists_of_another_countys_visits_or_compliance_are_403_out_of_scope),
        cmocka_unit_test(the_public_is_401_on_every_staff_route),
        cmocka_unit_test(the_schedule_groups_the_months_activities_by_day_with_deputies_and_seats),
        cmocka_unit_test(compliance_lists_a_station_without_reception_and_a_deputy_who_missed_a_held_activity),
    };
    const struct CMUnitTest limited_tests[] = {
        cmocka_unit_test(the_eleventh_public_booking_within_a_minute_is_429_with_retry_after),
    };
    int failed = cmocka_run_group_tests_name("activities", tests, start_server, stop_server);
    failed += cmocka_run_group_tests_name("activities with rate limits", limited_tests, restart_with_rate_limits,
                                          remove_server);
    return failed;
}
