/*
 * registry: congresses, units, stations, deputy groups and deputies through the HTTP API, as the
 * deputy-affairs office keeps them and as the public reads them (SPEC §2). Each record is
 * created, read, changed and soft-deleted (gone from lists and reads, its row kept, every write
 * audited); lists page by id, keep to a region subtree, search Chinese text and list a station's
 * deputies; every rule that links records refuses a bad link with 422 naming the field and writes
 * nothing; a deputy's personal phone is sealed at rest and shown only when they publish it; and
 * the public region tree gives a region's path and children.
 *
 * One server for the file. Before it starts, a few township and village regions that exist in no
 * real table (codes 9xx under the demo county) are added, one township per test, so each test's
 * records are its own whatever the demo holds.
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

#ifndef FOREIGN_ADMIN
#define FOREIGN_ADMIN "admin-rugao" /* the demo's admin of FOREIGN_REGION */
#endif

#define PHONE "13912345678"

static server_t srv;
static client_t admin, foreign_admin, staff;

/* Test townships under HOME_REGION: town(n) is HOME_REGION[0..6] + "9nn000", village(n) one below it. */
static char towns[11][13], villages[11][13], foreign_town[13], missing_region[13];

static const char *town(int n)
{
    return towns[n];
}

static const char *village(int n)
{
    return villages[n];
}

static int start_server(void **state)
{
    (void)state;
    server_prepare(&srv);
    char sql[8192] = "BEGIN;";
    for (int n = 1; n <= 10; n++) {
        char row[400];
        snprintf(towns[n], sizeof(towns[n]), "%.6s9%02d000", HOME_REGION, n);
        snprintf(villages[n], sizeof(villages[n]), "%.6s9%02d001", HOME_REGION, n);
        snprintf(row, sizeof(row),
                 "INSERT INTO regions (code, name, parent_code, level) VALUES ('%s', '测试%d镇', '%s', 4);"
                 "INSERT INTO regions (code, name, parent_code, level) VALUES ('%s', '测试%d村', '%s', 5);",
                 towns[n], n, HOME_REGION, villages[n], n, towns[n]);
        strcat(sql, row);
    }
    snprintf(foreign_town, sizeof(foreign_town), "%.6s901000", FOREIGN_REGION);
    char row[300];
    snprintf(row, sizeof(row),
             "INSERT INTO regions (code, name, parent_code, level) VALUES ('%s', '邻县测试镇', '%s', 4); COMMIT;",
             foreign_town, FOREIGN_REGION);
    strcat(sql, row);
    snprintf(missing_region, sizeof(missing_region), "%.6s988000", HOME_REGION); /* well-formed, never loaded */
    if (db_exec(&srv, sql) != 0) {
        fprintf(stderr, "cannot add the test regions\n");
        return -1;
    }
    server_start(&srv, (const char *const[]){"--rate-limits=off", NULL});
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD) ||
        !client_login(&foreign_admin, &srv, FOREIGN_ADMIN, DEMO_PASSWORD) ||
        !client_login(&staff, &srv, "staff", DEMO_PASSWORD)) {
        fprintf(stderr, "cannot sign in the demo accounts\n");
        server_down(&srv);
        return -1;
    }
    return 0;
}

static int stop_server(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

/* ---- helpers ---- */

/* Sends body (stolen; NULL for none) as client c, or as the public when c is NULL. */
static api_res_t *send(client_t *c, const char *method, const char *path, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    api_res_t *r = c ? client_request(c, method, path, text)
                     : api_request(&srv, method, path, text, text ? strlen(text) : 0, NULL, NULL);
    free(text);
    assert_non_null(r);
    return r;
}

static api_res_t *get(const char *fmt, ...)
{
    char path[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    return send(NULL, "GET", path, NULL);
}

static void expect_status(const api_res_t *r, long status, const char *what)
{
    if (r->status != status)
        fail_msg("%s: expected %ld, got %ld %s", what, status, r->status, r->body);
}

/* 422 naming field. */
static void expect_invalid(const api_res_t *r, const char *field, const char *what)
{
    expect_status(r, 422, what);
    const char *got = api_error_member(r, "field");
    if (got == NULL || strcmp(got, field) != 0)
        fail_msg("%s: expected the error to name field %s, got %s", what, field, r->body);
    const char *code = api_error_member(r, "code");
    assert_non_null(code);
    assert_string_equal(code, "invalid");
}

static long long id_of(const json_t *o)
{
    return (long long)json_integer_value(json_object_get(o, "id"));
}

/* Creates a record as c; fails the test unless the answer is 201. Returns the new id. */
static long long create(client_t *c, const char *plural, json_t *body)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/%s", plural);
    api_res_t *r = send(c, "POST", path, body);
    char what[96];
    snprintf(what, sizeof(what), "creating a record of %s", plural);
    expect_status(r, 201, what);
    long long id = id_of(r->json);
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

static api_res_t *patch(client_t *c, const char *plural, long long id, json_t *body)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/%s/%lld", plural, id);
    return send(c, "PATCH", path, body);
}

static api_res_t *delete (client_t *c, const char *plural, long long id)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/%s/%lld", plural, id);
    return send(c, "DELETE", path, NULL);
}

static long long query_ll(const char *fmt, ...)
{
    char sql[512], out[256] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    if (db_query(&srv, sql, out, sizeof(out)) != 0)
        fail_msg("query failed: %s", sql);
    return atoll(out);
}

static void query_text(char *out, size_t len, const char *fmt, ...)
{
    char sql[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    out[0] = '\0';
    if (db_query(&srv, sql, out, len) != 0)
        fail_msg("query failed: %s", sql);
}

static long long audit_count(const char *action, long long id)
{
    return query_ll("SELECT count(*) FROM audit_log WHERE action = '%s' AND entity_id = '%lld'", action, id);
}

/* Everything a refused write must leave as it was: row counts, links and the audit log. */
typedef struct {
    long long congresses, units, stations, groups, deputies, station_deputies, seats, audit;
} counts_t;

static counts_t counts(void)
{
    counts_t c;
    c.congresses = query_ll("SELECT count(*) FROM congresses");
    c.units = query_ll("SELECT count(*) FROM units");
    c.stations = query_ll("SELECT count(*) FROM stations");
    c.groups = query_ll("SELECT count(*) FROM deputy_groups");
    c.deputies = query_ll("SELECT count(*) FROM deputies");
    c.station_deputies = query_ll("SELECT count(*) FROM station_deputies");
    c.seats = query_ll("SELECT count(*) FROM deputy_seats");
    c.audit = query_ll("SELECT count(*) FROM audit_log");
    return c;
}

static void expect_same_counts(const counts_t *before, const char *what)
{
    counts_t after = counts();
    if (memcmp(before, &after, sizeof(after)) != 0)
        fail_msg("%s wrote something: congresses %lld->%lld units %lld->%lld stations %lld->%lld groups %lld->%lld "
                 "deputies %lld->%lld station_deputies %lld->%lld seats %lld->%lld audit %lld->%lld",
                 what, before->congresses, after.congresses, before->units, after.units, before->stations,
                 after.stations, before->groups, after.groups, before->deputies, after.deputies,
                 before->station_deputies, after.station_deputies, before->seats, after.seats, before->audit,
                 after.audit);
}

/* The ids of a list answer's items, in order, 0-terminated in out. */
static int item_ids(const api_res_t *r, long long *out, int max)
{
    json_t *items = json_object_get(r->json, "items");
    if (!json_is_array(items))
        fail_msg("a list without items: %s", r->body);
    int n = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (n < max - 1)
            out[n++] = id_of(it);
    }
    out[n] = 0;
    return n;
}

/* Asserts the list at path holds exactly the ids given (0-terminated), in order. */
static void expect_list(const long long *want, const char *fmt, ...)
{
    char path[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    api_res_t *r = send(NULL, "GET", path, NULL);
    expect_status(r, 200, path);
    long long got[64];
    int n = item_ids(r, got, 64), wn = 0;
    while (want[wn])
        wn++;
    bool same = n == wn;
    for (int i = 0; same && i < n; i++)
        same = got[i] == want[i];
    if (!same) {
        char text[512] = "", one[24];
        for (int i = 0; i < wn; i++) {
            snprintf(one, sizeof(one), " %lld", want[i]);
            strcat(text, one);
        }
        fail_msg("GET %s: expected ids%s, got %s", path, text, r->body);
    }
    api_res_free(r);
}

#define IDS(...) ((const long long[]){__VA_ARGS__, 0})
#define NO_IDS ((const long long[]){0})

/* ---- create, read, update, delete ---- */

/* Each key of want has the same value in got (reals within a millionth). */
static void expect_fields(const json_t *got, const json_t *want, const char *what)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)want, key, v)
    {
        json_t *g = json_object_get(got, key);
        bool same = json_is_real(v) && json_is_number(g) ? json_number_value(g) - json_real_value(v) < 1e-6 &&
                                                               json_real_value(v) - json_number_value(g) < 1e-6
                                                         : json_equal(g, v);
        if (!same) {
            char *a = json_dumps(v, JSON_ENCODE_ANY), *b = g ? json_dumps(g, JSON_ENCODE_ANY) : NULL;
            char *all = json_dumps(got, JSON_COMPACT);
            fail_msg("%s: %s should be %s, is %s (record %s)", what, key, a, b ? b : "(absent)", all);
        }
    }
}

/*
 * The whole life of one record: created by the county's admin (201 with every field given), read
 * by the public, changed in one field (the others stay), deleted (204), and then gone from reads
 * and lists while its row stays with deleted_at set. Each write is audited as entity.action.
 */
static void live_and_die(const char *entity, const char *plural, const char *table, json_t *body, const char *field,
                         json_t *value)
{
    char what[128];
    long long rows = query_ll("SELECT count(*) FROM %s", table);
    snprintf(what, sizeof(what), "POST /api/v1/%s", plural);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/%s", plural);
    json_incref(body);
    api_res_t *r = send(&admin, "POST", path, body);
    expect_status(r, 201, what);
    long long id = id_of(r->json);
    assert_true(id > 0);
    expect_fields(r->json, body, what);
    assert_true(json_integer_value(json_object_get(r->json, "created_at")) > 0);
    api_res_free(r);
    char action[48];
    snprintf(action, sizeof(action), "%s.create", entity);
    assert_int_equal(audit_count(action, id), 1);

    r = get("/api/v1/%s/%lld", plural, id);
    snprintf(what, sizeof(what), "GET /api/v1/%s/%lld by the public", plural, id);
    expect_status(r, 200, what);
    assert_int_equal(id_of(r->json), id);
    expect_fields(r->json, body, what);
    json_t *before = json_deep_copy(r->json);
    api_res_free(r);

    json_t *change = json_object();
    json_object_set(change, field, value);
    r = patch(&admin, plural, id, change);
    snprintf(what, sizeof(what), "PATCH /api/v1/%s/%lld {%s}", plural, id, field);
    expect_status(r, 200, what);
    json_t *want = json_deep_copy(body);
    json_object_set(want, field, value);
    expect_fields(r->json, want, what);
    api_res_free(r);
    r = get("/api/v1/%s/%lld", plural, id);
    expect_fields(r->json, want, "GET after PATCH");
    assert_int_equal(json_integer_value(json_object_get(r->json, "created_at")),
                     json_integer_value(json_object_get(before, "created_at")));
    api_res_free(r);
    snprintf(action, sizeof(action), "%s.update", entity);
    assert_int_equal(audit_count(action, id), 1);

    r = delete (&admin, plural, id);
    snprintf(what, sizeof(what), "DELETE /api/v1/%s/%lld", plural, id);
    expect_status(r, 204, what);
    api_res_free(r);
    snprintf(action, sizeof(action), "%s.delete", entity);
    assert_int_equal(audit_count(action, id), 1);

    /* gone for everyone */
    r = get("/api/v1/%s/%lld", plural, id);
    expect_status(r, 404, "GET after DELETE");
    assert_string_equal(api_error_member(r, "code"), "not_found");
    api_res_free(r);
    r = patch(&admin, plural, id, json_pack("{s:O}", field, value));
    expect_status(r, 404, "PATCH after DELETE");
    api_res_free(r);
    r = delete (&admin, plural, id);
    expect_status(r, 404, "DELETE after DELETE");
    api_res_free(r);
    const char *region = json_string_value(json_object_get(body, "region"));
    expect_list(NO_IDS, "/api/v1/%s?region=%s&after=%lld&limit=1", plural, region, id - 1);
    /* but kept */
    assert_int_equal(query_ll("SELECT count(*) FROM %s", table), rows + 1);
    assert_int_equal(query_ll("SELECT deleted_at IS NOT NULL FROM %s WHERE id = %lld", table, id), 1);
    assert_int_equal(audit_count(action, id), 1); /* the refused second delete logged nothing */
    json_decref(before);
    json_decref(want);
    json_decref(body);
    json_decref(value);
}

static void a_congress_is_created_read_changed_and_soft_deleted(void **state)
{
    (void)state;
    live_and_die("congress", "congresses", "congresses",
                 json_pack("{s:i, s:s, s:i, s:s}", "level", 5, "region", town(1), "term", 7, "name",
                           "测试1镇第七届人民代表大会"),
                 "term", json_integer(8));
}

static void a_unit_is_created_read_changed_and_soft_deleted(void **state)
{
    (void)state;
    live_and_die("unit", "units", "units",
                 json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", "测试1镇农业农村服务中心", "parent_government",
                           "测试1镇人民政府", "region", town(1), "contact_name", "周主任", "contact_phone",
                           "0513-84100000"),
                 "contact_phone", json_string("0513-84100001"));
}

static void a_station_is_created_read_changed_and_soft_deleted(void **state)
{
    (void)state;
    live_and_die("station", "stations", "stations",
                 json_pack("{s:s, s:s, s:s, s:s, s:f, s:f, s:s, s:s, s:s, s:s}", "name", "测试1镇人大代表联络站",
                           "kind", "hub", "region", town(1), "address", "测试1镇人民路1号", "latitude", 32.3105,
                           "longitude", 121.1862, "hours", "周一至周五 8:30-17:00", "contact_name", "吴站长",
                           "contact_phone", "0513-84200000", "description", "每月15日为代表接待日。"),
                 "hours", json_string("每周三 9:00-11:30"));
}

static void a_deputy_group_is_created_read_changed_and_soft_deleted(void **state)
{
    (void)state;
    live_and_die("group", "groups", "deputy_groups",
                 json_pack("{s:s, s:s}", "name", "测试1镇人大代表小组", "region", town(1)), "name",
                 json_string("测试1镇第一代表小组"));
}

static void a_deputy_is_created_read_changed_and_soft_deleted(void **state)
{
    (void)state;
    live_and_die("deputy", "deputies", "deputies",
                 json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "name", "欧阳测甲", "gender", "female",
                           "ethnicity", "回族", "region", town(1), "occupation", "养殖户", "sector", "农民",
                           "biography", "长期从事水产养殖，关注渔民增收。", "contact_preference", "online",
                           "phone_public", 0),
                 "occupation", json_string("水产合作社理事长"));
}

static void a_required_field_cannot_be_emptied_and_an_optional_one_can(void **state)
{
    (void)state;
    long long id = create(&admin, "stations",
                          json_pack("{s:s, s:s, s:s, s:s, s:f}", "name", "测试1镇代表之家", "kind", "home", "region",
                                    town(1), "address", "测试1镇文化站二楼", "latitude", 32.31));
    counts_t before = counts();
    api_res_t *r = patch(&admin, "stations", id, json_pack("{s:s}", "name", ""));
    expect_invalid(r, "name", "emptying a station's name");
    api_res_free(r);
    r = patch(&admin, "stations", id, json_pack("{s:n}", "kind"));
    expect_invalid(r, "kind", "a station's kind set to null");
    api_res_free(r);
    expect_same_counts(&before, "emptying required fields");

    r = patch(&admin, "stations", id, json_pack("{s:n}", "latitude"));
    expect_status(r, 200, "clearing a station's latitude with null");
    assert_true(json_is_null(json_object_get(r->json, "latitude")));
    api_res_free(r);
    /* an address the office no longer wants shown: emptied, not refused */
    r = patch(&admin, "stations", id, json_pack("{s:s}", "address", ""));
    expect_status(r, 200, "clearing a station's address with \"\"");
    assert_string_equal(json_string_value(json_object_get(r->json, "address")), "");
    api_res_free(r);
    r = get("/api/v1/stations/%lld", id);
    assert_string_equal(json_string_value(json_object_get(r->json, "address")), "");
    assert_string_equal(json_string_value(json_object_get(r->json, "name")), "测试1镇代表之家");
    api_res_free(r);
}

/* ---- what a station's and a deputy's pages show ---- */

static void a_station_shows_its_region_name_hub_spokes_and_deputies(void **state)
{
    (void)state;
    long long hub =
        create(&admin, "stations",
               json_pack("{s:s, s:s, s:s}", "name", "测试2镇人大代表联络站", "kind", "hub", "region", town(2)));
    long long a = create(&admin, "stations",
                         json_pack("{s:s, s:s, s:s, s:I}", "name", "测试2村代表联络点", "kind", "spoke", "region",
                                   village(2), "hub_id", (json_int_t)hub));
    long long b = create(&admin, "stations",
                         json_pack("{s:s, s:s, s:s, s:I}", "name", "测试2镇社区联络点", "kind", "spoke", "region",
                                   town(2), "hub_id", (json_int_t)hub));
    long long d = create(&admin, "deputies",
                         json_pack("{s:s, s:s, s:s, s:[I,I]}", "name", "司马测乙", "gender", "male", "region", town(2),
                                   "stations", (json_int_t)hub, (json_int_t)a));

    api_res_t *r = get("/api/v1/stations/%lld", hub);
    expect_status(r, 200, "GET the hub");
    assert_string_equal(json_string_value(json_object_get(r->json, "region_name")), "测试2镇");
    json_t *spokes = json_object_get(r->json, "spokes"), *deputies = json_object_get(r->json, "deputies");
    assert_int_equal(json_array_size(spokes), 2);
    assert_int_equal(id_of(json_array_get(spokes, 0)), a);
    assert_string_equal(json_string_value(json_object_get(json_array_get(spokes, 0), "name")), "测试2村代表联络点");
    assert_int_equal(id_of(json_array_get(spokes, 1)), b);
    assert_int_equal(json_array_size(deputies), 1);
    assert_int_equal(id_of(json_array_get(deputies, 0)), d);
    assert_string_equal(json_string_value(json_object_get(json_array_get(deputies, 0), "name")), "司马测乙");
    json_t *h = json_object_get(r->json, "hub");
    assert_true(h == NULL || json_is_null(h)); /* a hub has no hub */
    api_res_free(r);

    r = get("/api/v1/stations/%lld", a);
    assert_string_equal(json_string_value(json_object_get(r->json, "region_name")), "测试2村");
    h = json_object_get(r->json, "hub");
    assert_int_equal(id_of(h), hub);
    assert_string_equal(json_string_value(json_object_get(h, "name")), "测试2镇人大代表联络站");
    assert_int_equal(json_array_size(json_object_get(r->json, "deputies")), 1);
    api_res_free(r);

    r = get("/api/v1/deputies/%lld", d);
    json_t *stations = json_object_get(r->json, "stations");
    assert_int_equal(json_array_size(stations), 2);
    assert_int_equal(id_of(json_array_get(stations, 0)), hub);
    assert_int_equal(id_of(json_array_get(stations, 1)), a);
    assert_string_equal(json_string_value(json_object_get(json_array_get(stations, 1), "name")), "测试2村代表联络点");
    assert_true(json_is_array(json_object_get(r->json, "seats")));
    api_res_free(r);

    /* a deleted spoke leaves the hub's page */
    r = delete (&admin, "stations", b);
    expect_status(r, 204, "deleting a spoke");
    api_res_free(r);
    r = get("/api/v1/stations/%lld", hub);
    assert_int_equal(json_array_size(json_object_get(r->json, "spokes")), 1);
    api_res_free(r);
}

static void a_deputy_shows_the_congresses_they_sit_in(void **state)
{
    (void)state;
    long long township = create(&admin, "congresses",
                                json_pack("{s:i, s:s, s:i, s:s}", "level", 5, "region", town(2), "term", 21, "name",
                                          "测试2镇第二十一届人民代表大会"));
    api_res_t *r = get("/api/v1/congresses?region=%s", HOME_REGION);
    expect_status(r, 200, "listing congresses");
    api_res_free(r);
    long long d = create(&admin, "deputies",
                         json_pack("{s:s, s:s, s:s, s:[{s:I, s:s}]}", "name", "诸葛测丙", "gender", "female", "region",
                                   town(2), "seats", "congress_id", (json_int_t)township, "district", "第三选区"));
    r = get("/api/v1/deputies/%lld", d);
    json_t *seats = json_object_get(r->json, "seats");
    assert_int_equal(json_array_size(seats), 1);
    json_t *seat = json_array_get(seats, 0);
    assert_int_equal(json_integer_value(json_object_get(seat, "congress_id")), township);
    assert_int_equal(json_integer_value(json_object_get(seat, "level")), 5);
    assert_string_equal(json_string_value(json_object_get(seat, "congress")), "测试2镇第二十一届人民代表大会");
    assert_string_equal(json_string_value(json_object_get(seat, "district")), "第三选区");
    api_res_free(r);
}

/* ---- lists ---- */

static void lists_page_by_id_with_after_limit_and_next(void **state)
{
    (void)state;
    long long ids[5];
    for (int i = 0; i < 5; i++) {
        char name[64];
        snprintf(name, sizeof(name), "测试3镇第%d联络点", i + 1);
        ids[i] = create(&admin, "stations",
                        json_pack("{s:s, s:s, s:s}", "name", name, "kind", "legislative", "region", town(3)));
    }
    api_res_t *r = get("/api/v1/stations?region=%s&limit=2", town(3));
    expect_status(r, 200, "page 1");
    long long got[8];
    assert_int_equal(item_ids(r, got, 8), 2);
    assert_int_equal(got[0], ids[0]);
    assert_int_equal(got[1], ids[1]);
    assert_int_equal(json_integer_value(json_object_get(r->json, "next")), ids[1]);
    api_res_free(r);
    r = get("/api/v1/stations?region=%s&limit=2&after=%lld", town(3), ids[1]);
    assert_int_equal(item_ids(r, got, 8), 2);
    assert_int_equal(got[0], ids[2]);
    assert_int_equal(got[1], ids[3]);
    assert_int_equal(json_integer_value(json_object_get(r->json, "next")), ids[3]);
    api_res_free(r);
    r = get("/api/v1/stations?region=%s&limit=2&after=%lld", town(3), ids[3]);
    assert_int_equal(item_ids(r, got, 8), 1);
    assert_int_equal(got[0], ids[4]);
    assert_true(json_is_null(json_object_get(r->json, "next"))); /* the last page */
    api_res_free(r);
    /* exactly a page's worth: no next page is promised */
    r = get("/api/v1/stations?region=%s&limit=5", town(3));
    assert_int_equal(item_ids(r, got, 8), 5);
    assert_true(json_is_null(json_object_get(r->json, "next")));
    api_res_free(r);
    r = get("/api/v1/stations?region=%s", town(3)); /* the default page holds them all */
    assert_int_equal(item_ids(r, got, 8), 5);
    api_res_free(r);

    const char *bad[] = {"limit=0", "limit=101", "limit=ten", "after=-1", "after=x", "station=-2"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = get("/api/v1/stations?%s", bad[i]);
        if (r->status != 400)
            fail_msg("GET /api/v1/stations?%s: expected 400, got %ld %s", bad[i], r->status, r->body);
        api_res_free(r);
    }
    r = get("/api/v1/stations?limit=100");
    expect_status(r, 200, "the largest page");
    api_res_free(r);
}

static void lists_keep_to_the_region_subtree_asked_for(void **state)
{
    (void)state;
    long long in_town =
        create(&admin, "stations",
               json_pack("{s:s, s:s, s:s}", "name", "测试4镇翠屏联络站", "kind", "hub", "region", town(4)));
    long long in_village = create(&admin, "stations",
                                  json_pack("{s:s, s:s, s:s, s:I}", "name", "测试4村翠屏联络点", "kind", "spoke",
                                            "region", village(4), "hub_id", (json_int_t)in_town));
    long long next_town =
        create(&admin, "stations",
               json_pack("{s:s, s:s, s:s}", "name", "测试5镇翠屏联络站", "kind", "hub", "region", town(5)));
    long long abroad =
        create(&foreign_admin, "stations",
               json_pack("{s:s, s:s, s:s}", "name", "邻县翠屏联络站", "kind", "hub", "region", foreign_town));
    expect_list(IDS(in_town, in_village), "/api/v1/stations?region=%s", town(4));
    expect_list(IDS(in_village), "/api/v1/stations?region=%s", village(4));
    expect_list(IDS(next_town), "/api/v1/stations?region=%s", town(5));
    expect_list(IDS(in_town, in_village, next_town), "/api/v1/stations?region=%s&q=%s", HOME_REGION,
                "%E7%BF%A0%E5%B1%8F"); /* 翠屏 */
    expect_list(IDS(abroad), "/api/v1/stations?region=%s&q=%s", FOREIGN_REGION, "%E7%BF%A0%E5%B1%8F");
    expect_list(IDS(in_town, in_village, next_town, abroad), "/api/v1/stations?q=%s", "%E7%BF%A0%E5%B1%8F");
    char city[13];
    snprintf(city, sizeof(city), "%.4s00000000", HOME_REGION);
    if (strncmp(HOME_REGION, FOREIGN_REGION, 4) == 0) /* neighbours in one city */
        expect_list(IDS(in_town, in_village, next_town, abroad), "/api/v1/stations?region=%s&q=%s", city,
                    "%E7%BF%A0%E5%B1%8F");
    else
        expect_list(IDS(in_town, in_village, next_town), "/api/v1/stations?region=%s&q=%s", city, "%E7%BF%A0%E5%B1%8F");

    const char *bad[] = {"320623", "3206230000001", "abcdefghijkl", "000000000000"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        api_res_t *r = get("/api/v1/stations?region=%s", bad[i]);
        if (r->status != 400 || api_error_member(r, "field") == NULL || strcmp(api_error_member(r, "field"), "region") != 0)
            fail_msg("GET /api/v1/stations?region=%s: expected 400 naming region, got %ld %s", bad[i], r->status,
                     r->body);
        api_res_free(r);
    }
}

static void q_finds_chinese_text_of_two_three_and_more_characters(void **state)
{
    (void)state;
    long long s1 = create(&admin, "stations",
                          json_pack("{s:s, s:s, s:s, s:s}", "name", "琼楼玉宇联络站", "kind", "hub", "region", town(6),
                                    "address", "测试6镇栖霞路8号"));
    long long s2 = create(&admin, "stations",
                          json_pack("{s:s, s:s, s:s}", "name", "琼楼金阙代表之家", "kind", "home", "region", town(6)));
    long long d1 = create(&admin, "deputies",
                          json_pack("{s:s, s:s, s:s, s:s}", "name", "慕容琼华", "gender", "female", "region", town(6),
                                    "occupation", "教师"));
    long long d2 = create(&admin, "deputies",
                          json_pack("{s:s, s:s, s:s, s:s}", "name", "慕容雪", "gender", "male", "region", town(6),
                                    "occupation", "琼脂加工厂厂长"));
    long long u1 = create(&admin, "units", json_pack("{s:s, s:s}", "name", "琼楼街道办事处", "region", town(6)));
    long long u2 = create(&admin, "units", json_pack("{s:s, s:s}", "name", "琼楼水务站", "region", town(6)));
    long long g1 = create(&admin, "groups", json_pack("{s:s, s:s}", "name", "琼楼片区代表小组", "region", town(6)));
    const char *t = town(6);
    /* the query strings in UTF-8, percent-encoded as a browser sends them */
    expect_list(IDS(s1, s2), "/api/v1/stations?region=%s&q=%s", t, "%E7%90%BC%E6%A5%BC");               /* 琼楼 */
    expect_list(IDS(s1), "/api/v1/stations?region=%s&q=%s", t, "%E7%90%BC%E6%A5%BC%E7%8E%89");          /* 琼楼玉 */
    expect_list(IDS(s2), "/api/v1/stations?region=%s&q=%s", t, "%E9%87%91%E9%98%99%E4%BB%A3%E8%A1%A8"); /* 金阙代表 */
    expect_list(IDS(s1), "/api/v1/stations?region=%s&q=%s", t, "%E6%A0%96%E9%9C%9E");          /* 栖霞: address */
    expect_list(NO_IDS, "/api/v1/stations?region=%s&q=%s", t, "%E6%B5%B7%E5%B8%82");           /* 海市 */
    expect_list(IDS(d1, d2), "/api/v1/deputies?region=%s&q=%s", t, "%E6%85%95%E5%AE%B9");      /* 慕容 */
    expect_list(IDS(d1), "/api/v1/deputies?region=%s&q=%s", t, "%E6%85%95%E5%AE%B9%E7%90%BC"); /* 慕容琼 */
    expect_list(IDS(d2), "/api/v1/deputies?region=%s&q=%s", t, "%E7%90%BC%E8%84%82");          /* 琼脂: job */
    expect_list(IDS(u1, u2), "/api/v1/units?region=%s&q=%s", t, "%E7%90%BC%E6%A5%BC");         /* 琼楼 */
    expect_list(IDS(u2), "/api/v1/units?region=%s&q=%s", t, "%E6%B0%B4%E5%8A%A1%E7%AB%99");    /* 水务站 */
    expect_list(IDS(g1), "/api/v1/groups?region=%s&q=%s", t, "%E7%89%87%E5%8C%BA");            /* 片区 */
    expect_list(NO_IDS, "/api/v1/stations?region=%s&q=%s", t, "%25");                          /* a bare % */

    /* a renamed station is found by its new name only */
    api_res_t *r = patch(&admin, "stations", s2, json_pack("{s:s}", "name", "蓬莱阁代表之家"));
    expect_status(r, 200, "renaming a station");
    api_res_free(r);
    expect_list(IDS(s1), "/api/v1/stations?region=%s&q=%s", t, "%E7%90%BC%E6%A5%BC"); /* 琼楼 */
    expect_list(IDS(s2), "/api/v1/stations?region=%s&q=%s", t, "%E8%93%AC%E8%8E%B1"); /* 蓬莱 */

    char long_q[51 * 9 + 1] = "";
    for (int i = 0; i < 51; i++)
        strcat(long_q, "%E7%90%BC");
    r = get("/api/v1/stations?q=%s", long_q);
    if (r->status != 400 || api_error_member(r, "field") == NULL || strcmp(api_error_member(r, "field"), "q") != 0)
        fail_msg("a q of 51 characters: expected 400 naming q, got %ld %s", r->status, r->body);
    api_res_free(r);
}

static void a_stations_deputies_are_listed_with_station_id(void **state)
{
    (void)state;
    long long x = create(&admin, "stations",
                         json_pack("{s:s, s:s, s:s}", "name", "测试7镇甲站", "kind", "hub", "region", town(7)));
    long long y = create(&admin, "stations",
                         json_pack("{s:s, s:s, s:s}", "name", "测试7镇乙站", "kind", "online", "region", town(7)));
    long long d1 = create(&admin, "deputies",
                          json_pack("{s:s, s:s, s:s, s:[I]}", "name", "测七甲", "gender", "male", "region", town(7),
                                    "stations", (json_int_t)x));
    long long d2 = create(&admin, "deputies",
                          json_pack("{s:s, s:s, s:s, s:[I,I]}", "name", "测七乙", "gender", "female", "region", town(7),
                                    "stations", (json_int_t)x, (json_int_t)y));
    long long d3 =
        create(&admin, "deputies", json_pack("{s:s, s:s, s:s}", "name", "测七丙", "gender", "male", "region", town(7)));
    expect_list(IDS(d1, d2), "/api/v1/deputies?station=%lld", x);
    expect_list(IDS(d2), "/api/v1/deputies?station=%lld", y);
    expect_list(IDS(d1, d2, d3), "/api/v1/deputies?region=%s", town(7));
    expect_list(IDS(d2), "/api/v1/deputies?station=%lld&limit=1&after=%lld", x, d1);
    /* moving a deputy to another station moves them in the lists */
    api_res_t *r = patch(&admin, "deputies", d1, json_pack("{s:[I]}", "stations", (json_int_t)y));
    expect_status(r, 200, "moving a deputy to another station");
    api_res_free(r);
    expect_list(IDS(d2), "/api/v1/deputies?station=%lld", x);
    expect_list(IDS(d1, d2), "/api/v1/deputies?station=%lld", y);
    /* a deputy who leaves leaves the station too */
    r = delete (&admin, "deputies", d2);
    expect_status(r, 204, "deleting a deputy");
    api_res_free(r);
    expect_list(IDS(d1), "/api/v1/deputies?station=%lld", y);
    expect_list(NO_IDS, "/api/v1/deputies?station=%lld", x);
}

/* ---- link rules ---- */

typedef struct {
    const char *what;
    const char *method; /* POST or PATCH */
    const char *plural;
    long long id; /* for PATCH */
    json_t *body;
    const char *field; /* the field the 422 must name */
} bad_write_t;

static void every_broken_link_is_refused_naming_its_field_and_writes_nothing(void **state)
{
    (void)state;
    const char *t = town(8), *other = town(9);
    long long hub =
        create(&admin, "stations", json_pack("{s:s, s:s, s:s}", "name", "测试8镇联络站", "kind", "hub", "region", t));
    long long spoke = create(&admin, "stations",
                             json_pack("{s:s, s:s, s:s, s:I}", "name", "测试8村联络点", "kind", "spoke", "region",
                                       village(8), "hub_id", (json_int_t)hub));
    long long elsewhere = create(&admin, "stations",
                                 json_pack("{s:s, s:s, s:s}", "name", "测试9镇联络站", "kind", "hub", "region", other));
    long long deputy = create(&admin, "deputies",
                              json_pack("{s:s, s:s, s:s, s:[I]}", "name", "测八甲", "gender", "male", "region", t,
                                        "stations", (json_int_t)hub));
    long long f_station =
        create(&foreign_admin, "stations",
               json_pack("{s:s, s:s, s:s}", "name", "邻县联络站", "kind", "hub", "region", FOREIGN_REGION));
    long long f_deputy =
        create(&foreign_admin, "deputies",
               json_pack("{s:s, s:s, s:s}", "name", "邻县代表", "gender", "female", "region", FOREIGN_REGION));
    long long f_group =
        create(&foreign_admin, "groups", json_pack("{s:s, s:s}", "name", "邻县代表小组", "region", FOREIGN_REGION));
    const json_int_t no_such = 987654321;
    char name61[61 * 3 + 1] = "";
    for (int i = 0; i < 61; i++)
        strcat(name61, "长");

    bad_write_t cases[] = {
        {"a spoke without a hub", "POST", "stations", 0,
         json_pack("{s:s, s:s, s:s}", "name", "无站点联络点", "kind", "spoke", "region", t), "hub_id"},
        {"a spoke whose hub is a spoke", "POST", "stations", 0,
         json_pack("{s:s, s:s, s:s, s:I}", "name", "二级联络点", "kind", "spoke", "region", t, "hub_id",
                   (json_int_t)spoke),
         "hub_id"},
        {"a spoke whose hub is in the other county", "POST", "stations", 0,
         json_pack("{s:s, s:s, s:s, s:I}", "name", "跨县联络点", "kind", "spoke", "region", t, "hub_id",
                   (json_int_t)f_station),
         "hub_id"},
        {"a spoke whose hub does not exist", "POST", "stations", 0,
         json_pack("{s:s, s:s, s:s, s:I}", "name", "无主联络点", "kind", "spoke", "region", t, "hub_id", no_such),
         "hub_id"},
        {"a spoke made by emptying its hub", "PATCH", "stations", spoke, json_pack("{s:n}", "hub_id"), "hub_id"},
        {"a hub turned into a spoke without a hub", "PATCH", "stations", hub, json_pack("{s:s}", "kind", "spoke"),
         "hub_id"},
        {"a station that is its own hub", "PATCH", "stations", spoke, json_pack("{s:I}", "hub_id", (json_int_t)spoke),
         "hub_id"},
        {"a deputy placed in a station of another township", "POST", "deputies", 0,
         json_pack("{s:s, s:s, s:s, s:[I]}", "name", "测八乙", "gender", "male", "region", t, "stations",
                   (json_int_t)elsewhere),
         "stations"},
        {"a deputy placed in a station of the other county", "POST", "deputies", 0,
         json_pack("{s:s, s:s, s:s, s:[I]}", "name", "测八丙", "gender", "male", "region", t, "stations",
                   (json_int_t)f_station),
         "stations"},
        {"a deputy placed in a station that does not exist", "POST", "deputies", 0,
         json_pack("{s:s, s:s, s:s, s:[I]}", "name", "测八丁", "gender", "male", "region", t, "stations", no_such),
         "stations"},
        {"a deputy moved to a station outside their region", "PATCH", "deputies", deputy,
         json_pack("{s:[I]}", "stations", (json_int_t)elsewhere), "stations"},
        {"stations that are not a list of ids", "POST", "deputies", 0,
         json_pack("{s:s, s:s, s:s, s:s}", "name", "测八戊", "gender", "male", "region", t, "stations",
                   "测试8镇联络站"),
         "stations"},
        {"a seat in a congress that does not exist", "POST", "deputies", 0,
         json_pack("{s:s, s:s, s:s, s:[{s:I}]}", "name", "测八己", "gender", "male", "region", t, "seats",
                   "congress_id", no_such),
         "seats"},
        {"a deputy in a group of the other county", "POST", "deputies", 0,
         json_pack("{s:s, s:s, s:s, s:I}", "name", "测八庚", "gender", "male", "region", t, "group_id",
                   (json_int_t)f_group),
         "group_id"},
        {"a group led by a deputy of the other county", "POST", "groups", 0,
         json_pack("{s:s, s:s, s:I}", "name", "测试8镇代表小组", "region", t, "leader_id", (json_int_t)f_deputy),
         "leader_id"},
        {"a group led by a deputy who does not exist", "POST", "groups", 0,
         json_pack("{s:s, s:s, s:I}", "name", "测试8镇代表小组", "region", t, "leader_id", no_such), "leader_id"},
        {"a group linked to a station of the other county", "POST", "groups", 0,
         json_pack("{s:s, s:s, s:I}", "name", "测试8镇代表小组", "region", t, "station_id", (json_int_t)f_station),
         "station_id"},
        {"a township congress in a county", "POST", "congresses", 0,
         json_pack("{s:i, s:s, s:i, s:s}", "level", 5, "region", HOME_REGION, "term", 31, "name", "错层人大"),
         "region"},
        {"a city congress in a county", "POST", "congresses", 0,
         json_pack("{s:i, s:s, s:i, s:s}", "level", 3, "region", HOME_REGION, "term", 32, "name", "错层人大"),
         "region"},
        {"a county congress in a township", "POST", "congresses", 0,
         json_pack("{s:i, s:s, s:i, s:s}", "level", 4, "region", t, "term", 33, "name", "错层人大"), "region"},
        {"a unit in a region that does not exist", "POST", "units", 0,
         json_pack("{s:s, s:s}", "name", "无地区单位", "region", missing_region), "region"},
        {"a unit in a region that is not a code", "POST", "units", 0,
         json_pack("{s:s, s:s}", "name", "无地区单位", "region", "12345"), "region"},
        {"a station moved to a region that does not exist", "PATCH", "stations", hub,
         json_pack("{s:s}", "region", missing_region), "region"},
        {"an unknown field", "POST", "units", 0,
         json_pack("{s:s, s:s, s:s}", "name", "测试8镇司法所", "region", t, "colour", "red"), "colour"},
        {"a CSV header used as a JSON key", "POST", "units", 0,
         json_pack("{s:s, s:s}", "名称", "测试8镇司法所", "region", t), "名称"},
        {"an unknown field in a change", "PATCH", "stations", hub, json_pack("{s:s}", "deleted_at", "0"), "deleted_at"},
        {"a missing name", "POST", "stations", 0, json_pack("{s:s, s:s}", "kind", "hub", "region", t), "name"},
        {"a kind that is not offered", "POST", "stations", 0,
         json_pack("{s:s, s:s, s:s}", "name", "测试8镇站", "kind", "联络站", "region", t), "kind"},
        {"a latitude off the globe", "POST", "stations", 0,
         json_pack("{s:s, s:s, s:s, s:i}", "name", "测试8镇站", "kind", "hub", "region", t, "latitude", 91),
         "latitude"},
        {"a name given as a list", "POST", "units", 0, json_pack("{s:[s], s:s}", "name", "测试8镇司法所", "region", t),
         "name"},
        {"a deputy without a gender", "POST", "deputies", 0, json_pack("{s:s, s:s}", "name", "测八辛", "region", t),
         "gender"},
        {"a name of 61 characters", "POST", "units", 0, json_pack("{s:s, s:s}", "name", name61, "region", t), "name"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bad_write_t *c = &cases[i];
        counts_t before = counts();
        api_res_t *old = c->id ? get("/api/v1/%s/%lld", c->plural, c->id) : NULL;
        api_res_t *r;
        if (c->id) {
            r = patch(&admin, c->plural, c->id, c->body);
        } else {
            char path[64];
            snprintf(path, sizeof(path), "/api/v1/%s", c->plural);
            r = send(&admin, "POST", path, c->body);
        }
        expect_invalid(r, c->field, c->what);
        api_res_free(r);
        expect_same_counts(&before, c->what);
        if (old) {
            api_res_t *now = get("/api/v1/%s/%lld", c->plural, c->id);
            if (!json_equal(old->json, now->json))
                fail_msg("%s changed the record: was %s, is %s", c->what, old->body, now->body);
            api_res_free(now);
            api_res_free(old);
        }
    }
    /* the good versions of the same links are accepted */
    create(&admin, "stations",
           json_pack("{s:s, s:s, s:s, s:I}", "name", "测试8镇另一联络点", "kind", "spoke", "region", t, "hub_id",
                     (json_int_t)hub));
    long long group = create(&admin, "groups",
                             json_pack("{s:s, s:s, s:I, s:I}", "name", "测试8镇代表小组", "region", t, "leader_id",
                                       (json_int_t)deputy, "station_id", (json_int_t)hub));
    api_res_t *r = patch(&admin, "deputies", deputy, json_pack("{s:I}", "group_id", (json_int_t)group));
    expect_status(r, 200, "placing a deputy in a group of their county");
    assert_int_equal(json_integer_value(json_object_get(r->json, "group_id")), group);
    api_res_free(r);
    create(&admin, "congresses",
           json_pack("{s:i, s:s, s:i, s:s}", "level", 5, "region", t, "term", 34, "name",
                     "测试8镇第三十四届人民代表大会"));
}

/* A "\u0000" inside a JSON string is refused naming its field (as for accounts), never stored
 * cut short at the NUL. */
static void a_nul_character_in_a_field_is_refused_not_cut_short(void **state)
{
    (void)state;
    long long station = create(&admin, "stations",
                               json_pack("{s:s, s:s, s:s, s:s}", "name", "测试8镇南片联络站", "kind", "hub", "region",
                                         town(8), "address", "人民路1号"));
    counts_t before = counts();
    api_res_t *r =
        send(&admin, "POST", "/api/v1/units",
             json_pack("{s:s%, s:s}", "name", "测试8镇\0司法所", sizeof("测试8镇\0司法所") - 1, "region", town(8)));
    expect_invalid(r, "name", "a unit's name holding a NUL character");
    api_res_free(r);
    r = patch(&admin, "stations", station, json_pack("{s:s%}", "address", "人民路\0隐藏", sizeof("人民路\0隐藏") - 1));
    expect_invalid(r, "address", "a station's address holding a NUL character");
    api_res_free(r);
    expect_same_counts(&before, "fields holding a NUL character");
    r = get("/api/v1/stations/%lld", station);
    assert_string_equal(json_string_value(json_object_get(r->json, "address")), "人民路1号");
    api_res_free(r);
}

/* The rules hold for the record as it is after a change, not only for the fields the change
 * names: a deputy's stations must lie inside the deputy's region, so moving the deputy down to a
 * village would leave them placed in a station outside it. */
static void moving_a_deputy_away_from_their_stations_is_refused(void **state)
{
    (void)state;
    long long hub =
        create(&admin, "stations",
               json_pack("{s:s, s:s, s:s}", "name", "测试10镇中心联络站", "kind", "hub", "region", town(10)));
    long long deputy = create(&admin, "deputies",
                              json_pack("{s:s, s:s, s:s, s:[I]}", "name", "测十甲", "gender", "male", "region",
                                        town(10), "stations", (json_int_t)hub));
    counts_t before = counts();
    api_res_t *old = get("/api/v1/deputies/%lld", deputy);
    api_res_t *r = patch(&admin, "deputies", deputy, json_pack("{s:s}", "region", village(10)));
    const char *field = api_error_member(r, "field");
    if (r->status != 422 || field == NULL || (strcmp(field, "region") != 0 && strcmp(field, "stations") != 0))
        fail_msg("moving the deputy of a station in %s down to %s: expected 422 naming region or stations, got %ld %s",
                 town(10), village(10), r->status, r->body);
    api_res_free(r);
    expect_same_counts(&before, "moving a deputy away from their station");
    api_res_t *now = get("/api/v1/deputies/%lld", deputy);
    assert_true(json_equal(old->json, now->json));
    api_res_free(now);
    api_res_free(old);
}

/* A spoke's hub must be a hub or a home: the hub cannot become another kind under its spokes. */
static void a_hub_with_spokes_cannot_become_another_kind(void **state)
{
    (void)state;
    long long hub =
        create(&admin, "stations",
               json_pack("{s:s, s:s, s:s}", "name", "测试10镇东片联络站", "kind", "hub", "region", town(10)));
    long long spoke = create(&admin, "stations",
                             json_pack("{s:s, s:s, s:s, s:I}", "name", "测试10村联络点", "kind", "spoke", "region",
                                       village(10), "hub_id", (json_int_t)hub));
    counts_t before = counts();
    api_res_t *r = patch(&admin, "stations", hub, json_pack("{s:s}", "kind", "online"));
    const char *field = api_error_member(r, "field");
    if (r->status != 422 || field == NULL || strcmp(field, "kind") != 0)
        fail_msg("turning hub %lld (with spoke %lld) into an online station: expected 422 naming kind, got %ld %s", hub,
                 spoke, r->status, r->body);
    api_res_free(r);
    expect_same_counts(&before, "turning a hub with spokes into another kind");
    r = get("/api/v1/stations/%lld", hub);
    assert_string_equal(json_string_value(json_object_get(r->json, "kind")), "hub");
    api_res_free(r);
}

/* ---- scope ---- */

static void an_admin_writes_only_inside_their_county(void **state)
{
    (void)state;
    long long mine = create(&admin, "units", json_pack("{s:s, s:s}", "name", "测试9镇财政所", "region", town(9)));
    long long theirs =
        create(&foreign_admin, "units", json_pack("{s:s, s:s}", "name", "邻县财政所", "region", FOREIGN_REGION));
    counts_t before = counts();
    api_res_t *r =
        send(&admin, "POST", "/api/v1/units", json_pack("{s:s, s:s}", "name", "越界单位", "region", FOREIGN_REGION));
    expect_status(r, 403, "creating a unit in the other county");
    assert_string_equal(api_error_member(r, "code"), "out_of_scope");
    api_res_free(r);
    r = send(&admin, "POST", "/api/v1/congresses",
             json_pack("{s:i, s:i, s:s}", "level", 1, "term", 14, "name", "第十四届全国人民代表大会"));
    expect_status(r, 403, "a county office creating the national congress");
    assert_string_equal(api_error_member(r, "code"), "out_of_scope");
    api_res_free(r);
    r = patch(&admin, "units", mine, json_pack("{s:s}", "region", FOREIGN_REGION));
    expect_status(r, 403, "moving a unit into the other county");
    assert_string_equal(api_error_member(r, "code"), "out_of_scope");
    api_res_free(r);
    r = patch(&admin, "units", theirs, json_pack("{s:s}", "name", "被改名"));
    expect_status(r, 404, "changing the other county's unit");
    api_res_free(r);
    r = delete (&admin, "units", theirs);
    expect_status(r, 404, "deleting the other county's unit");
    api_res_free(r);
    r = patch(&staff, "units", mine, json_pack("{s:s}", "name", "被改名"));
    expect_status(r, 403, "a liaison worker changing a unit");
    api_res_free(r);
    r = send(NULL, "DELETE", "/api/v1/units/1", NULL);
    expect_status(r, 401, "the public deleting a unit");
    api_res_free(r);
    expect_same_counts(&before, "writes outside the admin's scope");
    r = get("/api/v1/units/%lld", theirs);
    expect_status(r, 200, "the public reading the other county's unit");
    assert_string_equal(json_string_value(json_object_get(r->json, "name")), "邻县财政所");
    api_res_free(r);
    r = get("/api/v1/units/%lld", mine);
    assert_string_equal(json_string_value(json_object_get(r->json, "region")), town(9));
    api_res_free(r);

    const char *bad_ids[] = {"0", "-1", "abc", "987654321"};
    for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
        r = get("/api/v1/units/%s", bad_ids[i]);
        if (r->status != 404)
            fail_msg("GET /api/v1/units/%s: expected 404, got %ld %s", bad_ids[i], r->status, r->body);
        api_res_free(r);
    }
}

/* ---- a deputy's phone ---- */

static void expect_no_phone(const api_res_t *r, const char *what)
{
    if (strstr(r->body, PHONE) || strstr(r->body, "\"phone\""))
        fail_msg("%s shows the deputy's private phone: %s", what, r->body);
}

static void a_deputys_phone_is_sealed_and_shown_only_when_published(void **state)
{
    (void)state;
    long long station = create(&admin, "stations",
                               json_pack("{s:s, s:s, s:s}", "name", "测试9镇联络站", "kind", "hub", "region", town(9)));
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:b, s:[I]}", "name", "上官测九", "gender", "female", "region",
                             town(9), "phone", PHONE, "phone_public", 0, "stations", (json_int_t)station);
    api_res_t *r = send(&admin, "POST", "/api/v1/deputies", body);
    expect_status(r, 201, "creating a deputy with a phone");
    long long id = id_of(r->json);
    expect_no_phone(r, "the answer to creating the deputy");
    assert_false(json_is_true(json_object_get(r->json, "phone_public")));
    api_res_free(r);

    r = get("/api/v1/deputies/%lld", id);
    expect_no_phone(r, "the deputy's public page");
    api_res_free(r);
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/deputies/%lld", id);
    r = send(&admin, "GET", path, NULL);
    expect_no_phone(r, "the deputy's page read by the admin");
    api_res_free(r);
    r = get("/api/v1/deputies?region=%s", town(9));
    expect_no_phone(r, "the list of deputies");
    api_res_free(r);
    r = get("/api/v1/deputies?station=%lld", station);
    expect_no_phone(r, "the station's deputies");
    api_res_free(r);
    r = get("/api/v1/stations/%lld", station);
    expect_no_phone(r, "the station's page");
    api_res_free(r);
    char export_path[128];
    snprintf(export_path, sizeof(export_path), "/api/v1/deputies/export.csv?region=%s", town(9));
    r = send(&admin, "GET", export_path, NULL);
    expect_status(r, 200, "the admin's export of deputies");
    if (strstr(r->body, PHONE))
        fail_msg("the export of deputies shows a private phone: %s", r->body);
    assert_non_null(strstr(r->body, "上官测九"));
    api_res_free(r);

    /* sealed at rest */
    char sealed[1024];
    query_text(sealed, sizeof(sealed), "SELECT phone_sealed FROM deputies WHERE id = %lld", id);
    assert_true(strlen(sealed) > 0);
    if (strstr(sealed, PHONE) || strstr(sealed, "12345678"))
        fail_msg("deputies.phone_sealed holds the plain number: %s", sealed);
    char other_columns[2048];
    query_text(other_columns, sizeof(other_columns), "SELECT * FROM deputies WHERE id = %lld", id);
    if (strstr(other_columns, PHONE))
        fail_msg("a column of the deputy's row holds the plain number: %s", other_columns);

    /* published: now shown, to everyone */
    r = patch(&admin, "deputies", id, json_pack("{s:b}", "phone_public", 1));
    expect_status(r, 200, "publishing the phone");
    api_res_free(r);
    r = get("/api/v1/deputies/%lld", id);
    assert_string_equal(json_string_value(json_object_get(r->json, "phone")), PHONE);
    api_res_free(r);
    r = get("/api/v1/deputies?region=%s", town(9));
    assert_non_null(strstr(r->body, PHONE));
    api_res_free(r);

    /* a new number is sealed again and shown as it is now */
    char before[1024];
    snprintf(before, sizeof(before), "%s", sealed);
    r = patch(&admin, "deputies", id, json_pack("{s:s}", "phone", "13700001111"));
    expect_status(r, 200, "changing the phone");
    assert_string_equal(json_string_value(json_object_get(r->json, "phone")), "13700001111");
    api_res_free(r);
    query_text(sealed, sizeof(sealed), "SELECT phone_sealed FROM deputies WHERE id = %lld", id);
    assert_true(strcmp(sealed, before) != 0);
    assert_null(strstr(sealed, "13700001111"));

    /* withdrawn: hidden again */
    r = patch(&admin, "deputies", id, json_pack("{s:b}", "phone_public", 0));
    expect_status(r, 200, "withdrawing the phone");
    assert_null(strstr(r->body, "13700001111"));
    api_res_free(r);
    r = get("/api/v1/deputies/%lld", id);
    assert_null(strstr(r->body, "13700001111"));
    assert_null(json_object_get(r->json, "phone"));
    api_res_free(r);

    /* and removed altogether */
    r = patch(&admin, "deputies", id, json_pack("{s:s}", "phone", ""));
    expect_status(r, 200, "removing the phone");
    api_res_free(r);
    query_text(sealed, sizeof(sealed), "SELECT phone_sealed FROM deputies WHERE id = %lld", id);
    assert_string_equal(sealed, "");
}

/* ---- the audit trail ---- */

static void the_admin_finds_each_registry_write_in_the_audit_log(void **state)
{
    (void)state;
    long long id = create(&admin, "groups", json_pack("{s:s, s:s}", "name", "测试9镇审计小组", "region", town(9)));
    api_res_t *r = patch(&admin, "groups", id, json_pack("{s:s}", "name", "测试9镇审计二组"));
    expect_status(r, 200, "renaming a group");
    api_res_free(r);
    r = delete (&admin, "groups", id);
    expect_status(r, 204, "deleting a group");
    api_res_free(r);
    r = send(&admin, "GET", "/api/v1/audit?limit=1000", NULL);
    expect_status(r, 200, "reading the audit log");
    const char *want[] = {"group.create", "group.update", "group.delete"};
    for (size_t k = 0; k < 3; k++) {
        int seen = 0;
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(r->json, "entries"), i, e)
        {
            const char *action = json_string_value(json_object_get(e, "action"));
            json_t *eid = json_object_get(e, "entity_id");
            long long v = json_is_integer(eid)  ? (long long)json_integer_value(eid)
                          : json_is_string(eid) ? atoll(json_string_value(eid))
                                                : 0;
            if (action && strcmp(action, want[k]) == 0 && v == id) {
                seen++;
                assert_string_equal(json_string_value(json_object_get(e, "region")), town(9));
                assert_string_equal(json_string_value(json_object_get(e, "actor")), "admin");
            }
        }
        if (seen != 1)
            fail_msg("%s of group %lld appears %d times in the admin's audit log", want[k], id, seen);
    }
    api_res_free(r);
    /* the neighbour's admin does not see it */
    r = send(&foreign_admin, "GET", "/api/v1/audit?limit=1000", NULL);
    expect_status(r, 200, "the neighbour reading the audit log");
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "entries"), i, e)
    {
        const char *region = json_string_value(json_object_get(e, "region"));
        if (region && strncmp(region, HOME_REGION, 6) == 0)
            fail_msg("the neighbour's admin sees an entry of %s: %s", region, r->body);
    }
    api_res_free(r);
}

/* ---- regions ---- */

static void a_region_gives_its_path_from_the_province_and_its_children(void **state)
{
    (void)state;
    char province[13], city[13], name[256];
    snprintf(province, sizeof(province), "%.2s0000000000", HOME_REGION);
    snprintf(city, sizeof(city), "%.4s00000000", HOME_REGION);

    api_res_t *r = get("/api/v1/regions");
    expect_status(r, 200, "the provinces");
    bool found = false;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(r->json, "children"), i, c)
    {
        found = found || strcmp(json_string_value(json_object_get(c, "code")), province) == 0;
        assert_int_equal(json_integer_value(json_object_get(c, "level")), 1);
    }
    if (!found)
        fail_msg("the provinces lack %s: %s", province, r->body);
    api_res_free(r);

    r = get("/api/v1/regions/%s", HOME_REGION);
    expect_status(r, 200, "the demo county");
    assert_string_equal(json_string_value(json_object_get(r->json, "code")), HOME_REGION);
    query_text(name, sizeof(name), "SELECT name FROM regions WHERE code = '%s'", HOME_REGION);
    assert_string_equal(json_string_value(json_object_get(r->json, "name")), name);
    assert_int_equal(json_integer_value(json_object_get(r->json, "level")), 3);
    json_t *path = json_object_get(r->json, "path");
    assert_int_equal(json_array_size(path), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(path, 0), "code")), province);
    assert_string_equal(json_string_value(json_object_get(json_array_get(path, 1), "code")), city);
    query_text(name, sizeof(name), "SELECT name FROM regions WHERE code = '%s'", province);
    assert_string_equal(json_string_value(json_object_get(json_array_get(path, 0), "name")), name);
    query_text(name, sizeof(name), "SELECT name FROM regions WHERE code = '%s'", city);
    assert_string_equal(json_string_value(json_object_get(json_array_get(path, 1), "name")), name);
    if (strcmp(HOME_REGION, "320623000000") == 0) { /* the demo's 江苏省 > 南通市 > 如东县 */
        assert_string_equal(json_string_value(json_object_get(json_array_get(path, 0), "name")), "江苏省");
        assert_string_equal(json_string_value(json_object_get(json_array_get(path, 1), "name")), "南通市");
        assert_string_equal(json_string_value(json_object_get(r->json, "name")), "如东县");
    }
    /* children: the county's townships in code order, ours among them */
    json_t *children = json_object_get(r->json, "children");
    long long want = query_ll("SELECT count(*) FROM regions WHERE parent_code = '%s'", HOME_REGION);
    assert_int_equal((long long)json_array_size(children), want);
    const char *prev = "";
    int ours = 0;
    json_array_foreach(children, i, c)
    {
        const char *code = json_string_value(json_object_get(c, "code"));
        assert_true(strcmp(prev, code) < 0);
        prev = code;
        assert_int_equal(json_integer_value(json_object_get(c, "level")), 4);
        if (strcmp(code, town(1)) == 0) {
            assert_string_equal(json_string_value(json_object_get(c, "name")), "测试1镇");
            ours++;
        }
    }
    assert_int_equal(ours, 1);
    api_res_free(r);

    r = get("/api/v1/regions/%s", village(2));
    expect_status(r, 200, "a village");
    path = json_object_get(r->json, "path");
    assert_int_equal(json_array_size(path), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(path, 2), "code")), HOME_REGION);
    assert_string_equal(json_string_value(json_object_get(json_array_get(path, 3), "name")), "测试2镇");
    assert_int_equal(json_array_size(json_object_get(r->json, "children")), 0);
    assert_int_equal(json_integer_value(json_object_get(r->json, "level")), 5);
    api_res_free(r);

    r = get("/api/v1/regions/%s", province);
    expect_status(r, 200, "the province");
    assert_int_equal(json_array_size(json_object_get(r->json, "path")), 0);
    api_res_free(r);

    const char *unknown[] = {missing_region, "999999999999", "320623",       "32062300000x",
                             "000000000000", "abc",          "3206230000000"};
    for (size_t k = 0; k < sizeof(unknown) / sizeof(unknown[0]); k++) {
        r = get("/api/v1/regions/%s", unknown[k]);
        if (r->status != 404 || api_error_member(r, "code") == NULL || strcmp(api_error_member(r, "code"), "not_found") != 0)
            fail_msg("GET /api/v1/regions/%s: expected 404 not_found, got %ld %s", unknown[k], r->status, r->body);
        api_res_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_congress_is_created_read_changed_and_soft_deleted),
        cmocka_unit_test(a_unit_is_created_read_changed_and_soft_deleted),
        cmocka_unit_test(a_station_is_created_read_changed_and_soft_deleted),
        cmocka_unit_test(a_deputy_group_is_created_read_changed_and_soft_deleted),
        cmocka_unit_test(a_deputy_is_created_read_changed_and_soft_deleted),
        cmocka_unit_test(a_required_field_cannot_be_emptied_and_an_optional_one_can),
        cmocka_unit_test(a_station_shows_its_region_name_hub_spokes_and_deputies),
        cmocka_unit_test(a_deputy_shows_the_congresses_they_sit_in),
        cmocka_unit_test(lists_page_by_id_with_after_limit_and_next),
        cmocka_unit_test(lists_keep_to_the_region_subtree_asked_for),
        cmocka_unit_test(q_finds_chinese_text_of_two_three_and_more_characters),
        cmocka_unit_test(a_stations_deputies_are_listed_with_station_id),
        cmocka_unit_test(every_broken_link_is_refused_naming_its_field_and_writes_nothing),
        cmocka_unit_test(a_nul_character_in_a_field_is_refused_not_cut_short),
        cmocka_unit_test(moving_a_deputy_away_from_their_stations_is_refused),
        cmocka_unit_test(a_hub_with_spokes_cannot_become_another_kind),
        cmocka_unit_test(an_admin_writes_only_inside_their_county),
        cmocka_unit_test(a_deputys_phone_is_sealed_and_shown_only_when_published),
        cmocka_unit_test(the_admin_finds_each_registry_write_in_the_audit_log),
        cmocka_unit_test(a_region_gives_its_path_from_the_province_and_its_children),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
