/*
 * sheets: the office's Excel sheets of the registry through the HTTP API (POST
 * /api/v1/<plural>/import, GET /api/v1/<plural>/export.csv). An export is CSV for Excel (UTF-8
 * with a byte-order mark, Chinese headers, one row per live record of the county) and goes back
 * in unchanged; a sheet may come in UTF-8 with or without the mark or in GB18030, with English or
 * Chinese headers; an import is all or nothing, and a refused sheet lists every bad row with its
 * line and column; a dry run checks and writes nothing; scope holds (no rows outside the county,
 * no records of another county); a deputy's phone is sealed at rest and never exported; and a
 * real import is in the audit log.
 *
 * Also: a big import is checked off the writer, so another record's PATCH sent meanwhile is
 * answered first; an export streams in pieces, every record once, in id order; a query value
 * that is no text answers 400 naming the parameter (and an import with one writes nothing); the
 * headers are the staff forms' labels and yesterday's headers still import; an import answers the
 * id of every row in order; a deputies' sheet carries stations and seats there and back, and a
 * seat in a neighbour county's congress is refused there as through the JSON API.
 *
 * One server for the file. Before it starts, test townships (codes 9nn under the demo county,
 * in no real table) are added, one per test, so each test's records are its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#ifndef FOREIGN_ADMIN
#define FOREIGN_ADMIN "admin-rugao"
#endif

#define BOM "\xEF\xBB\xBF"
#define MAX_TOWNS 32

static server_t srv;
static client_t admin, foreign_admin, staff;
static long long foreign_station; /* a station of FOREIGN_REGION, made by its admin */

/* Test townships under HOME_REGION: HOME_REGION[0..6] + "9nn000", and a village under each. */
static char towns[MAX_TOWNS][13], villages[MAX_TOWNS][13], missing_region[13];

static const char *town(int n)
{
    return towns[n];
}

static const char *village(int n)
{
    return villages[n];
}

/* ---- helpers ---- */

/* Responses of the running test, freed by its teardown even when a check fails half way. */
static api_res_t *held[64];
static int nheld;

static api_res_t *hold(api_res_t *r)
{
    assert_non_null(r);
    if (nheld < (int)(sizeof(held) / sizeof(held[0])))
        held[nheld++] = r;
    return r;
}

static void release(api_res_t *r)
{
    for (int i = 0; i < nheld; i++)
        if (held[i] == r) {
            held[i] = held[--nheld];
            break;
        }
    api_res_free(r);
}

static int release_all(void **state)
{
    (void)state;
    while (nheld > 0)
        api_res_free(held[--nheld]);
    return 0;
}

static void expect_status(const api_res_t *r, long status, const char *what)
{
    if (r == NULL)
        fail_msg("%s: no answer", what);
    if (r->status != status)
        fail_msg("%s: expected %ld, got %ld %.2000s", what, status, r->status, r->body);
}

static const char *error_code(const api_res_t *r)
{
    const char *code = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
    return code ? code : "(none)";
}

static void expect_error(const api_res_t *r, long status, const char *code, const char *what)
{
    expect_status(r, status, what);
    if (strcmp(error_code(r), code) != 0)
        fail_msg("%s: expected error code %s, got %s", what, code, r->body);
}

static long long query_ll(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long query_ll(const char *fmt, ...)
{
    char sql[1024], out[256] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    if (db_query(&srv, sql, out, sizeof(out)) != 0)
        fail_msg("query failed: %s", sql);
    return atoll(out);
}

static void query_text(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void query_text(char *out, size_t len, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    out[0] = '\0';
    if (db_query(&srv, sql, out, len) != 0)
        fail_msg("query failed: %s", sql);
}

static long long station_count(void)
{
    return query_ll("SELECT count(*) FROM stations");
}

static long long audit_count(const char *action)
{
    return query_ll("SELECT count(*) FROM audit_log WHERE action = '%s'", action);
}

/* POSTs a sheet to /api/v1/<plural>/import[query] as c (NULL: signed out). */
static api_res_t *import_sheet(client_t *c, const char *plural, const char *query, const char *body, size_t len,
                               const char *content_type)
{
    char path[160], cookie[600], csrf[200];
    snprintf(path, sizeof(path), "/api/v1/%s/import%s", plural, query ? query : "");
    const char *headers[3] = {NULL, NULL, NULL};
    if (c) {
        snprintf(cookie, sizeof(cookie), "Cookie: %s", c->cookies);
        snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", c->csrf);
        headers[0] = cookie;
        headers[1] = csrf;
    }
    api_res_t *r = hold(api_request(&srv, "POST", path, body, len, content_type, headers));
    return r;
}

static api_res_t *import_csv(client_t *c, const char *plural, const char *query, const char *body)
{
    return import_sheet(c, plural, query, body, strlen(body), "text/csv");
}

/* GET /api/v1/<plural>/export.csv[query] as c (NULL: signed out). */
static api_res_t *export_csv(client_t *c, const char *plural, const char *query)
{
    char path[160], cookie[600];
    snprintf(path, sizeof(path), "/api/v1/%s/export.csv%s", plural, query ? query : "");
    const char *headers[2] = {NULL, NULL};
    if (c) {
        snprintf(cookie, sizeof(cookie), "Cookie: %s", c->cookies);
        headers[0] = cookie;
    }
    api_res_t *r = hold(api_request(&srv, "GET", path, NULL, 0, NULL, headers));
    return r;
}

/* The counts of a 200 answer to an import. */
static void expect_imported(const api_res_t *r, long long created, long long updated, const char *encoding,
                            bool dry_run, const char *what)
{
    expect_status(r, 200, what);
    json_t *c = json_object_get(r->json, "created"), *u = json_object_get(r->json, "updated");
    const char *enc = json_string_value(json_object_get(r->json, "encoding"));
    json_t *dry = json_object_get(r->json, "dry_run");
    if (!json_is_integer(c) || !json_is_integer(u) || json_integer_value(c) != created ||
        json_integer_value(u) != updated || enc == NULL || strcmp(enc, encoding) != 0 || !json_is_boolean(dry) ||
        json_is_true(dry) != dry_run)
        fail_msg("%s: expected %lld created, %lld updated, encoding %s, dry_run %s; got %s", what, created, updated,
                 encoding, dry_run ? "true" : "false", r->body);
}

/* The rows of a 422 invalid_rows answer; fails unless it is one. */
static json_t *problem_rows(const api_res_t *r, const char *what)
{
    expect_error(r, 422, "invalid_rows", what);
    json_t *rows = json_object_get(r->json, "rows");
    if (!json_is_array(rows))
        fail_msg("%s: no rows in %s", what, r->body);
    return rows;
}

/* The listed problem at line (with column, unless NULL), or fails the test. */
static json_t *expect_problem(const api_res_t *r, long long line, const char *column, const char *what)
{
    json_t *rows = problem_rows(r, what);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *col = json_string_value(json_object_get(row, "column"));
        const char *msg = json_string_value(json_object_get(row, "message"));
        if (json_integer_value(json_object_get(row, "line")) == line && col && msg && msg[0] &&
            (column == NULL || strcmp(col, column) == 0))
            return row;
    }
    fail_msg("%s: expected a problem at line %lld column %s, got %s", what, line, column ? column : "(any)", r->body);
    return NULL;
}

static void expect_problem_count(const api_res_t *r, size_t n, const char *what)
{
    json_t *rows = problem_rows(r, what);
    if (json_array_size(rows) != n)
        fail_msg("%s: expected %zu problems, got %s", what, n, r->body);
}

static const char *message_of(const json_t *row)
{
    return json_string_value(json_object_get(row, "message"));
}

/* Creates a record through the JSON API as c; returns its id. */
static long long create(client_t *c, const char *plural, json_t *body)
{
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/%s", plural);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    api_res_t *r = hold(client_request(c, "POST", path, text));
    free(text);
    expect_status(r, 201, "creating a record through the API");
    long long id = (long long)json_integer_value(json_object_get(r->json, "id"));
    release(r);
    assert_true(id > 0);
    return id;
}

/* The CSV records of a sheet (quotes respected), after a byte-order mark; the header is record 0.
 * Fills ids with the first cell of each data record as a number. Returns the number of data records. */
static size_t data_records(const char *text, size_t len, long long *ids, size_t max_ids)
{
    size_t i = 0, records = 0;
    bool quoted = false, at_record_start = true;
    if (len >= 3 && memcmp(text, BOM, 3) == 0)
        i = 3;
    for (; i < len; i++) {
        if (at_record_start) {
            at_record_start = false;
            if (records > 0 && records - 1 < max_ids)
                ids[records - 1] = atoll(text + i);
        }
        char ch = text[i];
        if (ch == '"')
            quoted = !quoted;
        else if (ch == '\n' && !quoted) {
            records++;
            at_record_start = true;
        }
    }
    if (!at_record_start)
        records++; /* a last record without a line end */
    return records ? records - 1 : 0;
}

/* Whether the first record of a sheet (after a byte-order mark) has a cell that is exactly cell. */
static bool header_has_cell(const char *sheet, const char *cell)
{
    if (strncmp(sheet, BOM, 3) == 0)
        sheet += 3;
    size_t n = strlen(cell);
    for (const char *p = sheet;;) {
        size_t len = strcspn(p, ",\r\n");
        if (len == n && strncmp(p, cell, n) == 0)
            return true;
        if (p[len] != ',')
            return false;
        p += len + 1;
    }
}

static int compare_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* Converts UTF-8 text to GB18030 with iconv (as Excel saves "ANSI" on a Chinese Windows). */
static char *to_gb18030(const char *utf8, size_t *out_len)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t in_left = strlen(utf8), room = in_left * 2 + 16;
    char *out = calloc(1, room), *dst = out, *in = (char *)utf8;
    assert_non_null(out);
    size_t rc = iconv(cd, &in, &in_left, &dst, &room);
    assert_true(rc != (size_t)-1 && in_left == 0);
    iconv_close(cd);
    *out_len = (size_t)(dst - out);
    return out;
}

/* ---- the server ---- */

static int start_server(void **state)
{
    (void)state;
    server_prepare(&srv);
    char sql[24576] = "BEGIN;";
    for (int n = 1; n < MAX_TOWNS; n++) {
        char row[400];
        snprintf(towns[n], sizeof(towns[n]), "%.6s9%02d000", HOME_REGION, n);
        snprintf(villages[n], sizeof(villages[n]), "%.6s9%02d001", HOME_REGION, n);
        snprintf(row, sizeof(row),
                 "INSERT INTO regions (code, name, parent_code, level) VALUES ('%s', '表格测试%d镇', '%s', 4);"
                 "INSERT INTO regions (code, name, parent_code, level) VALUES ('%s', '表格测试%d村', '%s', 5);",
                 towns[n], n, HOME_REGION, villages[n], n, towns[n]);
        strcat(sql, row);
    }
    strcat(sql, "COMMIT;");
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
    json_t *body = json_pack("{s:s, s:s, s:s}", "name", "邻县表格测试站", "kind", "hub", "region", FOREIGN_REGION);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    api_res_t *r = client_request(&foreign_admin, "POST", "/api/v1/stations", text);
    free(text);
    if (r == NULL || r->status != 201) {
        fprintf(stderr, "cannot create the neighbour's station: %s\n", r ? r->body : "(no answer)");
        api_res_free(r);
        server_down(&srv);
        return -1;
    }
    foreign_station = (long long)json_integer_value(json_object_get(r->json, "id"));
    api_res_free(r);
    return 0;
}

static int stop_server(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

/* ---- export ---- */

static void export_of_stations_is_excel_csv_with_chinese_headers_and_one_row_per_live_station(void **state)
{
    (void)state;
    long long gone = create(&admin, "stations",
                            json_pack("{s:s, s:s, s:s}", "name", "已撤销表格测试站", "kind", "hub", "region", town(1)));
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/stations/%lld", gone);
    api_res_t *r = hold(client_request(&admin, "DELETE", path, NULL));
    expect_status(r, 204, "deleting a station");
    release(r);

    r = export_csv(&admin, "stations", NULL);
    expect_status(r, 200, "exporting stations");
    const char *type = api_header(r, "content-type");
    if (type == NULL || strncmp(type, "text/csv", 8) != 0)
        fail_msg("expected text/csv, got %s", type ? type : "(none)");
    const char *disposition = api_header(r, "content-disposition");
    if (disposition == NULL || strstr(disposition, "attachment") == NULL || strstr(disposition, ".csv") == NULL)
        fail_msg("expected an attachment named .csv, got %s", disposition ? disposition : "(none)");
    static const char head[] = BOM "编号,名称,类型,地区,";
    if (r->len < sizeof(head) - 1 || memcmp(r->body, head, sizeof(head) - 1) != 0)
        fail_msg("expected the sheet to start with the byte-order mark and 编号,名称,类型,地区, got %.200s", r->body);
    const char *header_end = strstr(r->body, "\r\n");
    assert_non_null(header_end);
    char header[1024];
    snprintf(header, sizeof(header), "%.*s", (int)(header_end - r->body), r->body);
    if (strstr(header, "name") || strstr(header, "region"))
        fail_msg("the header should be Chinese, got %s", header);

    long long ids[4096];
    size_t n = data_records(r->body, r->len, ids, 4096);
    long long live = query_ll("SELECT count(*) FROM stations WHERE deleted_at IS NULL AND substr(region_code, 1, 6) = "
                              "'%.6s'",
                              HOME_REGION);
    if ((long long)n != live || live < 1)
        fail_msg("expected one row per live station of the county (%lld), got %zu", live, n);
    qsort(ids, n, sizeof(ids[0]), compare_ll);
    char want[16384], got[16384] = "";
    query_text(want, sizeof(want),
               "SELECT group_concat(id) FROM (SELECT id FROM stations WHERE deleted_at IS NULL AND "
               "substr(region_code, 1, 6) = '%.6s' ORDER BY id)",
               HOME_REGION);
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(got);
        snprintf(got + used, sizeof(got) - used, "%s%lld", i ? "," : "", ids[i]);
    }
    if (strcmp(want, got) != 0)
        fail_msg("expected the ids %s, got %s", want, got);
    if (strstr(r->body, "已撤销表格测试站") || strstr(r->body, "邻县表格测试站"))
        fail_msg("a deleted station or the neighbour's station is in the export");
    release(r);
}

static void export_of_a_single_township_holds_only_its_stations(void **state)
{
    (void)state;
    create(&admin, "stations",
           json_pack("{s:s, s:s, s:s}", "name", "乡镇导出测试站", "kind", "hub", "region", town(2)));
    char query[64];
    snprintf(query, sizeof(query), "?region=%s", town(2));
    api_res_t *r = export_csv(&admin, "stations", query);
    expect_status(r, 200, "exporting one township");
    long long ids[8];
    assert_int_equal(data_records(r->body, r->len, ids, 8), 1);
    assert_non_null(strstr(r->body, "乡镇导出测试站"));
    release(r);
}

static void export_of_another_county_answers_403(void **state)
{
    (void)state;
    char query[64];
    snprintf(query, sizeof(query), "?region=%s", FOREIGN_REGION);
    api_res_t *r = export_csv(&admin, "stations", query);
    expect_status(r, 403, "exporting the neighbour county");
    if (strstr(r->body, "邻县表格测试站"))
        fail_msg("the neighbour's station leaked: %s", r->body);
    release(r);
}

/* ---- round trip ---- */

static void importing_the_export_back_updates_every_row_and_exports_the_same_bytes(void **state)
{
    (void)state;
    /* a station whose cells need quoting, so the round trip covers commas, quotes and line breaks */
    create(&admin, "stations",
           json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", "往返\"引号\"测试站", "kind", "hub", "region", town(3),
                     "address", "掘港镇, 人民路1号", "description", "第一行\n第二行"));
    api_res_t *first = export_csv(&admin, "stations", NULL);
    expect_status(first, 200, "the first export");
    long long ids[4096];
    size_t n = data_records(first->body, first->len, ids, 4096);
    assert_true(n > 1);
    long long before = station_count();

    api_res_t *r = import_sheet(&admin, "stations", NULL, first->body, first->len, "text/csv; charset=utf-8");
    expect_imported(r, 0, (long long)n, "UTF-8", false, "importing the export back");
    release(r);
    assert_int_equal(station_count(), before);

    api_res_t *second = export_csv(&admin, "stations", NULL);
    expect_status(second, 200, "the second export");
    if (second->len != first->len || memcmp(second->body, first->body, first->len) != 0)
        fail_msg("the second export differs from the first (%zu and %zu bytes)", first->len, second->len);
    release(second);
    release(first);
}

/* ---- encodings and headers ---- */

static void utf8_sheet_without_bom_and_with_english_headers_creates_stations(void **state)
{
    (void)state;
    long long hub = query_ll("SELECT id FROM stations WHERE kind = 'hub' AND deleted_at IS NULL AND "
                             "substr(region_code, 1, 6) = '%.6s' ORDER BY id LIMIT 1",
                             HOME_REGION);
    assert_true(hub > 0);
    char sheet[1024];
    snprintf(sheet, sizeof(sheet),
             "name,kind,region,hub_id\n"
             "英文表头测试站,hub,%s,\n"
             "\"英文表头, 带逗号\",legislative,%s,\n"
             "英文表头测试点,spoke,%s,%lld\n",
             town(4), town(4), village(4), hub);
    long long before = station_count();
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    expect_imported(r, 3, 0, "UTF-8", false, "a UTF-8 sheet with English headers");
    release(r);
    assert_int_equal(station_count(), before + 3);
    assert_int_equal(query_ll("SELECT count(*) FROM stations WHERE region_code IN ('%s', '%s')", town(4), village(4)),
                     3);
    assert_int_equal(query_ll("SELECT hub_id FROM stations WHERE name = '英文表头测试点' AND region_code = '%s' "
                              "AND kind = 'spoke'",
                              village(4)),
                     hub);
    assert_int_equal(query_ll("SELECT count(*) FROM stations WHERE name = '英文表头, 带逗号' AND kind = "
                              "'legislative' AND region_code = '%s'",
                              town(4)),
                     1);
}

static void gb18030_sheet_is_accepted_and_stored_as_chinese_text(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区,地址\r\n国标编码测试站,hub,%s,如东县掘港镇\r\n", town(5));
    size_t len;
    char *gb = to_gb18030(sheet, &len);
    assert_true(len < strlen(sheet)); /* two bytes a character, not three: really GB18030 */
    api_res_t *r = import_sheet(&admin, "stations", NULL, gb, len, "text/csv");
    free(gb);
    expect_imported(r, 1, 0, "GB18030", false, "a GB18030 sheet");
    release(r);
    char name[256], address[256];
    query_text(name, sizeof(name), "SELECT name FROM stations WHERE region_code = '%s'", town(5));
    query_text(address, sizeof(address), "SELECT address FROM stations WHERE region_code = '%s'", town(5));
    assert_string_equal(name, "国标编码测试站");
    assert_string_equal(address, "如东县掘港镇");
}

static void gb18030_sheet_in_a_dry_run_answers_its_counts_and_writes_nothing(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区\r\n国标试运行站,hub,%s\r\n", town(5));
    size_t len;
    char *gb = to_gb18030(sheet, &len);
    long long before = station_count();
    api_res_t *r = import_sheet(&admin, "stations", "?dry_run=true", gb, len, "text/csv");
    free(gb);
    expect_imported(r, 1, 0, "GB18030", true, "a GB18030 sheet in a dry run");
    release(r);
    assert_int_equal(station_count(), before);
}

/* ---- all or nothing ---- */

static void sheet_with_two_bad_rows_answers_422_listing_both_and_creates_nothing(void **state)
{
    (void)state;
    char sheet[1024];
    snprintf(sheet, sizeof(sheet),
             "名称,类型,地区,所属站点\r\n"
             "好行测试站甲,hub,%s,\r\n"
             "无站点的联络点,spoke,%s,\r\n"
             "好行测试站乙,hub,%s,\r\n"
             "未知地区测试站,hub,%s,\r\n",
             town(6), village(6), town(6), missing_region);
    long long before = station_count(), audit = audit_count("station.import");
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    expect_problem_count(r, 2, "a sheet with two bad rows");
    expect_problem(r, 3, "所属站点", "a spoke without its hub");
    expect_problem(r, 5, "地区", "an unknown region");
    const char *message = json_string_value(json_object_get(json_object_get(r->json, "error"), "message"));
    if (message == NULL || strstr(message, "nothing was imported") == NULL)
        fail_msg("expected the message to say nothing was imported, got %s", r->body);
    release(r);
    assert_int_equal(station_count(), before);
    assert_int_equal(query_ll("SELECT count(*) FROM stations WHERE region_code IN ('%s', '%s')", town(6), village(6)),
                     0);
    assert_int_equal(audit_count("station.import"), audit);
}

static void dry_run_answers_the_counts_and_writes_nothing(void **state)
{
    (void)state;
    long long id = create(&admin, "stations",
                          json_pack("{s:s, s:s, s:s}", "name", "试运行原名站", "kind", "hub", "region", town(7)));
    char sheet[1024];
    snprintf(sheet, sizeof(sheet),
             "编号,名称,类型,地区\r\n"
             ",试运行新站甲,hub,%s\r\n"
             ",试运行新站乙,online,%s\r\n"
             "%lld,试运行改名站,hub,%s\r\n",
             town(7), town(7), id, town(7));
    long long before = station_count(), audit = audit_count("station.import");
    long long all_audit = query_ll("SELECT count(*) FROM audit_log");
    api_res_t *r = import_csv(&admin, "stations", "?dry_run=true", sheet);
    expect_imported(r, 2, 1, "UTF-8", true, "a dry run");
    release(r);
    assert_int_equal(station_count(), before);
    char name[128];
    query_text(name, sizeof(name), "SELECT name FROM stations WHERE id = %lld", id);
    assert_string_equal(name, "试运行原名站");
    assert_int_equal(audit_count("station.import"), audit);
    assert_int_equal(query_ll("SELECT count(*) FROM audit_log"), all_audit);

    /* the same sheet for real: now it is written */
    r = import_csv(&admin, "stations", NULL, sheet);
    expect_imported(r, 2, 1, "UTF-8", false, "the same sheet for real");
    release(r);
    assert_int_equal(station_count(), before + 2);
    query_text(name, sizeof(name), "SELECT name FROM stations WHERE id = %lld", id);
    assert_string_equal(name, "试运行改名站");
}

static void dry_run_of_a_bad_sheet_answers_422_like_a_real_import(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区\r\n试运行坏行站,nosuchkind,%s\r\n", town(7));
    api_res_t *r = import_csv(&admin, "stations", "?dry_run=true", sheet);
    expect_problem(r, 2, "类型", "a dry run with a bad kind");
    release(r);
}

static void real_import_is_in_the_audit_log_as_station_import(void **state)
{
    (void)state;
    long long last = query_ll("SELECT coalesce(max(id), 0) FROM audit_log");
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区\r\n审计测试站,hub,%s\r\n", town(8));
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    expect_imported(r, 1, 0, "UTF-8", false, "an import");
    release(r);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/audit?after=%lld&limit=1000", last);
    r = hold(client_request(&admin, "GET", path, NULL));
    expect_status(r, 200, "reading the audit log");
    size_t i;
    json_t *entry, *found = NULL;
    json_array_foreach(json_object_get(r->json, "entries"), i, entry)
    {
        const char *action = json_string_value(json_object_get(entry, "action"));
        if (action && strcmp(action, "station.import") == 0)
            found = entry;
    }
    if (found == NULL)
        fail_msg("expected a station.import entry, got %s", r->body);
    const char *actor = json_string_value(json_object_get(found, "actor"));
    const char *detail = json_string_value(json_object_get(found, "detail"));
    if (actor == NULL || strcmp(actor, "admin") != 0 || detail == NULL || strstr(detail, "1 created") == NULL)
        fail_msg("expected the entry to name admin and 1 created, got %s", r->body);
    release(r);
}

/* ---- malformed sheets ---- */

static void rows_with_too_many_or_too_few_cells_are_refused_by_line(void **state)
{
    (void)state;
    char sheet[1024];
    snprintf(sheet, sizeof(sheet),
             "名称,类型,地区\r\n"
             "多一格测试站,hub,%s,多余\r\n"
             "少一格测试站,hub\r\n"
             "整齐测试站,hub,%s\r\n",
             town(9), town(9));
    long long before = station_count();
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    expect_problem_count(r, 2, "ragged rows");
    json_t *more = expect_problem(r, 2, "", "a row with a cell too many");
    json_t *fewer = expect_problem(r, 3, "", "a row with a cell too few");
    if (strstr(message_of(more), "4") == NULL || strstr(message_of(fewer), "2") == NULL)
        fail_msg("expected the messages to count the cells: %s", r->body);
    release(r);
    assert_int_equal(station_count(), before);
}

static void unknown_column_is_refused_by_its_header(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区,颜色\r\n未知列测试站,hub,%s,红\r\n", town(10));
    long long before = station_count();
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    json_t *p = expect_problem(r, 1, "颜色", "an unknown column");
    if (strstr(message_of(p), "unknown") == NULL)
        fail_msg("expected 'unknown column', got %s", message_of(p));
    release(r);
    assert_int_equal(station_count(), before);
}

static void column_named_twice_is_refused(void **state)
{
    (void)state;
    char sheet[512];
    /* "名称" is the label of "name": the same column twice */
    snprintf(sheet, sizeof(sheet), "name,kind,region,名称\r\n重复列测试站,hub,%s,重复列测试站二\r\n", town(10));
    long long before = station_count();
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    json_t *p = expect_problem(r, 1, "名称", "a column named twice");
    if (strstr(message_of(p), "twice") == NULL)
        fail_msg("expected 'appears twice', got %s", message_of(p));
    release(r);
    assert_int_equal(station_count(), before);
}

static void unclosed_quote_is_refused(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区\r\n整齐引号测试站,hub,%s\r\n\"未闭合引号测试站,hub,%s\r\n", town(10),
             town(10));
    long long before = station_count();
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    expect_problem_count(r, 1, "an unclosed quote");
    json_t *p = expect_problem(r, 3, NULL, "an unclosed quote");
    if (strstr(message_of(p), "quote") == NULL)
        fail_msg("expected the message to name the quote, got %s", message_of(p));
    release(r);
    assert_int_equal(station_count(), before);
}

static void bytes_that_are_neither_utf8_nor_gb18030_are_refused(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区\r\n\xFF\xFE\xFD,hub,%s\r\n", town(10));
    long long before = station_count();
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    json_t *rows = problem_rows(r, "bytes that are no text");
    assert_int_equal(json_array_size(rows), 1);
    const char *message = message_of(json_array_get(rows, 0));
    if (message == NULL || strstr(message, "UTF-8") == NULL || strstr(message, "GB18030") == NULL)
        fail_msg("expected the problem to name UTF-8 and GB18030, got %s", r->body);
    if (json_integer_value(json_object_get(json_array_get(rows, 0), "line")) < 1)
        fail_msg("expected a line number, got %s", r->body);
    release(r);
    assert_int_equal(station_count(), before);
}

static void empty_sheet_is_refused_for_want_of_a_header(void **state)
{
    (void)state;
    api_res_t *r = import_sheet(&admin, "stations", NULL, "", 0, "text/csv");
    expect_problem(r, 1, NULL, "an empty sheet");
    release(r);
}

static void row_with_an_unknown_id_is_refused_naming_the_id_column(void **state)
{
    (void)state;
    long long gone =
        create(&admin, "stations",
               json_pack("{s:s, s:s, s:s}", "name", "已删除编号测试站", "kind", "hub", "region", town(16)));
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/stations/%lld", gone);
    api_res_t *r = hold(client_request(&admin, "DELETE", path, NULL));
    expect_status(r, 204, "deleting a station");
    release(r);
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "编号,名称\r\n%lld,复活的测试站\r\n99999999,不存在的测试站\r\nabc,坏编号测试站\r\n",
             gone);
    r = import_csv(&admin, "stations", NULL, sheet);
    expect_problem_count(r, 3, "rows naming no live record");
    expect_problem(r, 2, "编号", "the id of a deleted station");
    expect_problem(r, 3, "编号", "an id that was never given");
    expect_problem(r, 4, "编号", "an id that is no number");
    release(r);
    char name[128];
    query_text(name, sizeof(name), "SELECT name FROM stations WHERE id = %lld", gone);
    assert_string_equal(name, "已删除编号测试站");
}

static void sheet_with_many_bad_rows_lists_the_first_hundred_and_counts_all(void **state)
{
    (void)state;
    size_t cap = 64 * 1024;
    char *sheet = malloc(cap);
    assert_non_null(sheet);
    size_t n = (size_t)snprintf(sheet, cap, "名称,类型,地区\r\n");
    for (int i = 0; i < 150; i++)
        n += (size_t)snprintf(sheet + n, cap - n, "坏类型测试站%d,castle,%s\r\n", i, town(17));
    long long before = station_count();
    api_res_t *r = import_sheet(&admin, "stations", NULL, sheet, n, "text/csv");
    free(sheet);
    expect_problem_count(r, 100, "150 bad rows");
    expect_problem(r, 2, "类型", "the first bad row");
    expect_problem(r, 101, "类型", "the hundredth bad row");
    const char *message = json_string_value(json_object_get(json_object_get(r->json, "error"), "message"));
    if (message == NULL || strstr(message, "150") == NULL)
        fail_msg("expected the message to count all 150 problems, got %s", message ? message : r->body);
    release(r);
    assert_int_equal(station_count(), before);
}

static void sheet_over_5_mib_answers_413(void **state)
{
    (void)state;
    size_t len = (5u << 20) + 1;
    char *big = malloc(len);
    assert_non_null(big);
    static const char head[] = "名称,类型,地区\r\n";
    memcpy(big, head, sizeof(head) - 1);
    memset(big + sizeof(head) - 1, '\n', len - (sizeof(head) - 1));
    long long before = station_count();
    api_res_t *r = import_sheet(&admin, "stations", NULL, big, len, "text/csv");
    free(big);
    expect_error(r, 413, "too_large", "a sheet over 5 MiB");
    release(r);
    assert_int_equal(station_count(), before);
}

static void sheet_over_the_json_body_limit_but_under_5_mib_is_imported(void **state)
{
    (void)state;
    /* 1.5 MiB: more than a JSON body may be (1 MiB), well under the sheet limit */
    size_t len = (3u << 19);
    char *big = malloc(len + 1);
    assert_non_null(big);
    int head = snprintf(big, len, "名称,类型,地区\r\n大表格测试站,hub,%s\r\n", town(11));
    memset(big + head, '\n', len - (size_t)head); /* blank lines, as Excel leaves under a table */
    api_res_t *r = import_sheet(&admin, "stations", NULL, big, len, "text/csv");
    free(big);
    expect_imported(r, 1, 0, "UTF-8", false, "a 1.5 MiB sheet");
    release(r);
    assert_int_equal(query_ll("SELECT count(*) FROM stations WHERE region_code = '%s'", town(11)), 1);
}

static void wrong_content_type_answers_415(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区\r\n错误类型测试站,hub,%s\r\n", town(12));
    long long before = station_count();
    static const char *const types[] = {"application/json", "application/vnd.ms-excel", "text/plain"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        api_res_t *r = import_sheet(&admin, "stations", NULL, sheet, strlen(sheet), types[i]);
        expect_error(r, 415, "unsupported_media_type", types[i]);
        release(r);
    }
    assert_int_equal(station_count(), before);
}

/* ---- scope ---- */

static void row_naming_a_region_outside_the_county_is_refused_naming_the_region_column(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "name,kind,region\r\n越界测试站,hub,%s\r\n", FOREIGN_REGION);
    long long before = station_count();
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    expect_problem_count(r, 1, "a row in the neighbour county");
    expect_problem(r, 2, "region", "a row in the neighbour county");
    release(r);
    assert_int_equal(station_count(), before);
}

static void row_with_the_id_of_another_countys_record_is_refused(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "编号,名称\r\n%lld,被改名的邻县站\r\n", foreign_station);
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    expect_problem(r, 2, NULL, "renaming the neighbour's station");
    release(r);
    char name[128];
    query_text(name, sizeof(name), "SELECT name FROM stations WHERE id = %lld", foreign_station);
    assert_string_equal(name, "邻县表格测试站");
}

static void row_with_the_id_of_another_countys_record_cannot_move_it_into_the_county(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "编号,名称,类型,地区\r\n%lld,被搬走的邻县站,hub,%s\r\n", foreign_station, town(13));
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    long long status = r->status;
    char body[1024];
    snprintf(body, sizeof(body), "%.1000s", r->body);
    release(r);
    char name[128], region[32];
    query_text(name, sizeof(name), "SELECT name FROM stations WHERE id = %lld", foreign_station);
    query_text(region, sizeof(region), "SELECT region_code FROM stations WHERE id = %lld", foreign_station);
    if (status != 422 || strcmp(name, "邻县表格测试站") != 0 || strcmp(region, FOREIGN_REGION) != 0)
        fail_msg("the neighbour's station %lld was taken over: answered %lld %s; it is now %s in %s", foreign_station,
                 status, body, name, region);
}

static void staff_cannot_import_or_export_sheets(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区\r\n员工导入测试站,hub,%s\r\n", town(14));
    long long before = station_count();
    api_res_t *r = import_csv(&staff, "stations", NULL, sheet);
    expect_error(r, 403, "forbidden", "staff importing");
    release(r);
    r = export_csv(&staff, "stations", NULL);
    expect_error(r, 403, "forbidden", "staff exporting");
    release(r);
    r = export_csv(&staff, "deputies", NULL);
    expect_error(r, 403, "forbidden", "staff exporting deputies");
    release(r);
    assert_int_equal(station_count(), before);
}

static void signed_out_import_and_export_answer_401(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区\r\n匿名导入测试站,hub,%s\r\n", town(14));
    long long before = station_count();
    api_res_t *r = import_csv(NULL, "stations", NULL, sheet);
    expect_error(r, 401, "unauthenticated", "importing signed out");
    release(r);
    r = export_csv(NULL, "stations", NULL);
    expect_error(r, 401, "unauthenticated", "exporting signed out");
    release(r);
    assert_int_equal(station_count(), before);
}

/* ---- personal data ---- */

static void deputies_sheet_seals_the_phone_and_the_export_never_shows_it(void **state)
{
    (void)state;
    char sheet[1024];
    snprintf(sheet, sizeof(sheet),
             "姓名,性别,地区,手机,公开手机\r\n"
             "表格代表甲,female,%s,13900001111,否\r\n"
             "表格代表乙,male,%s,13900002222,是\r\n",
             town(15), town(15));
    api_res_t *r = import_csv(&admin, "deputies", NULL, sheet);
    expect_imported(r, 2, 0, "UTF-8", false, "a deputies sheet with phones");
    release(r);
    assert_int_equal(
        query_ll("SELECT count(*) FROM deputies WHERE region_code = '%s' AND phone_sealed <> ''", town(15)), 2);
    assert_int_equal(query_ll("SELECT count(*) FROM deputies WHERE phone_sealed LIKE '%%13900001111%%' OR "
                              "phone_sealed LIKE '%%13900002222%%' OR phone_sealed LIKE '%%1390000%%'"),
                     0);

    /* sealed with the server's key: the one who publishes it shows it, opened */
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/deputies?region=%s", town(15));
    r = hold(api_get(&srv, path));
    expect_status(r, 200, "listing the deputies");
    size_t i;
    json_t *item;
    int seen = 0;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        const char *name = json_string_value(json_object_get(item, "name"));
        const char *phone = json_string_value(json_object_get(item, "phone"));
        if (name && strcmp(name, "表格代表乙") == 0) {
            seen++;
            if (phone == NULL || strcmp(phone, "13900002222") != 0)
                fail_msg("expected the published phone 13900002222, got %s", r->body);
        } else if (name && strcmp(name, "表格代表甲") == 0) {
            seen++;
            if (json_object_get(item, "phone"))
                fail_msg("an unpublished phone is shown: %s", r->body);
        }
    }
    assert_int_equal(seen, 2);
    release(r);

    char query[64];
    snprintf(query, sizeof(query), "?region=%s", town(15));
    api_res_t *x = export_csv(&admin, "deputies", query);
    expect_status(x, 200, "exporting the deputies");
    if (memmem(x->body, x->len, "1390000", 7) || header_has_cell(x->body, "手机") || header_has_cell(x->body, "phone"))
        fail_msg("the export shows a phone: %s", x->body);
    assert_non_null(strstr(x->body, "表格代表甲"));
    long long ids[8];
    assert_int_equal(data_records(x->body, x->len, ids, 8), 2);

    /* and taking the export back in keeps the sealed phones */
    r = import_sheet(&admin, "deputies", NULL, x->body, x->len, "text/csv");
    expect_imported(r, 0, 2, "UTF-8", false, "importing the deputies' export back");
    release(r);
    release(x);
    assert_int_equal(
        query_ll("SELECT count(*) FROM deputies WHERE region_code = '%s' AND phone_sealed <> ''", town(15)), 2);
    r = hold(api_get(&srv, path));
    expect_status(r, 200, "listing the deputies again");
    if (strstr(r->body, "13900002222") == NULL)
        fail_msg("the published phone was lost by the round trip: %s", r->body);
    release(r);
}

/* ---- the writer is free while a sheet is checked ---- */

enum { BIG_ROWS = 20000 };

/* A stations sheet of n rows in region (names prefix000001...); malloc'd, its length in *len. */
static char *stations_sheet(const char *prefix, const char *region, int n, size_t *len)
{
    size_t cap = (size_t)n * 112 + 64;
    char *sheet = malloc(cap);
    assert_non_null(sheet);
    size_t k = (size_t)snprintf(sheet, cap, "名称,类型,地区,地址\r\n");
    for (int i = 1; i <= n; i++)
        k += (size_t)snprintf(sheet + k, cap - k, "%s%06d,hub,%s,表格测试路%d号\r\n", prefix, i, region, i);
    *len = k;
    return sheet;
}

/* An import on a thread of its own, so that the test can write meanwhile. */
typedef struct {
    const client_t *client;
    const char *sheet;
    size_t len;
    atomic_bool sent;     /* every byte of the sheet has left */
    atomic_bool answered; /* the server's answer is in */
    long status;
    char *body;
    size_t body_len;
} big_import_t;

static size_t keep_answer(char *p, size_t size, size_t n, void *arg)
{
    big_import_t *b = arg;
    char *grown = realloc(b->body, b->body_len + size * n + 1);
    if (grown == NULL)
        return 0;
    b->body = grown;
    memcpy(b->body + b->body_len, p, size * n);
    b->body_len += size * n;
    b->body[b->body_len] = '\0';
    return size * n;
}

static int upload_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    if (ultotal > 0 && ulnow >= ultotal)
        atomic_store(&((big_import_t *)arg)->sent, true);
    return 0;
}

static void *run_big_import(void *arg)
{
    big_import_t *b = arg;
    char url[160], cookie[600], csrf[200];
    snprintf(url, sizeof(url), "%s/api/v1/stations/import", srv.base);
    snprintf(cookie, sizeof(cookie), "Cookie: %s", b->client->cookies);
    snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", b->client->csrf);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: text/csv");
    headers = curl_slist_append(headers, cookie);
    headers = curl_slist_append(headers, csrf);
    headers = curl_slist_append(headers, "Expect:");
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, b->sheet);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_answer);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, upload_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &b->status);
    atomic_store(&b->answered, true);
    curl_easy_cleanup(c);
    curl_slist_free_all(headers);
    return NULL;
}

static bool sheet_sent(void *arg)
{
    big_import_t *b = arg;
    return atomic_load(&b->sent) || atomic_load(&b->answered);
}

static void patch_sent_during_a_big_import_is_answered_before_the_import(void **state)
{
    (void)state;
    long long other =
        create(&admin, "stations",
               json_pack("{s:s, s:s, s:s}", "name", "导入时改名前的站", "kind", "hub", "region", town(18)));
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/stations/%lld", other);
    size_t len;
    char *sheet = stations_sheet("并发导入测试站", town(19), BIG_ROWS, &len);
    big_import_t big = {.client = &admin, .sheet = sheet, .len = len};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, run_big_import, &big), 0);
    /* the sheet is all at the server: from now on it is being checked, then written */
    bool sent = wait_until(sheet_sent, &big, 60000);
    api_res_t *patch = sent ? client_request(&admin, "PATCH", path, "{\"name\":\"导入时改名的站\"}") : NULL;
    bool import_answered = atomic_load(&big.answered);
    long long imported = query_ll("SELECT count(*) FROM stations WHERE region_code = '%s'", town(19));
    pthread_join(thread, NULL);
    free(sheet);
    json_t *answer = big.body ? json_loads(big.body, 0, NULL) : NULL;
    free(big.body);
    if (patch)
        hold(patch);
    long long created = (long long)json_integer_value(json_object_get(answer, "created"));
    json_decref(answer);
    if (!sent)
        fail_msg("the sheet did not leave within a minute");
    expect_status(patch, 200, "renaming a station while a big import runs");
    if (import_answered || imported != 0)
        fail_msg("the PATCH waited for the import (the import was %s, %lld of its rows were stored)",
                 import_answered ? "answered first" : "not answered yet", imported);
    if (big.status != 200 || created != BIG_ROWS)
        fail_msg("expected the import to answer 200 with %d created, got %ld and %lld", BIG_ROWS, big.status, created);
    assert_int_equal(query_ll("SELECT count(*) FROM stations WHERE region_code = '%s'", town(19)), BIG_ROWS);
    char name[128];
    query_text(name, sizeof(name), "SELECT name FROM stations WHERE id = %lld", other);
    assert_string_equal(name, "导入时改名的站");
}

/* ---- export in pieces ---- */

static void export_of_thousands_of_stations_streams_every_record_once_in_id_order(void **state)
{
    (void)state;
    enum { ROWS = 3000 };
    size_t len;
    char *sheet = stations_sheet("分段导出测试站", town(20), ROWS, &len);
    api_res_t *r = import_sheet(&admin, "stations", NULL, sheet, len, "text/csv");
    free(sheet);
    expect_imported(r, ROWS, 0, "UTF-8", false, "importing the stations to export");
    release(r);
    char query[64];
    snprintf(query, sizeof(query), "?region=%s", town(20));
    r = export_csv(&admin, "stations", query);
    expect_status(r, 200, "exporting thousands of stations");
    const char *encoding = api_header(r, "transfer-encoding");
    if (encoding == NULL || strstr(encoding, "chunked") == NULL || r->len < (128u << 10))
        fail_msg("expected a streamed (chunked) sheet of well over one 64 KiB piece, got %zu bytes, %s", r->len,
                 encoding ? encoding : "no transfer-encoding");
    if (memcmp(r->body, BOM "编号,名称,", strlen(BOM "编号,名称,")) != 0 || strstr(r->body + 3, BOM) != NULL)
        fail_msg("expected one byte-order mark and one header at the start, got %.200s", r->body);
    if (r->len < 2 || memcmp(r->body + r->len - 2, "\r\n", 2) != 0)
        fail_msg("the sheet does not end with a whole record: %.200s", r->body + (r->len > 200 ? r->len - 200 : 0));
    static long long ids[ROWS + 16];
    size_t n = data_records(r->body, r->len, ids, ROWS + 16);
    assert_int_equal(n, ROWS);
    for (size_t i = 1; i < n; i++)
        if (ids[i] <= ids[i - 1])
            fail_msg("record %zu has id %lld after %lld: not every record once in id order", i + 1, ids[i], ids[i - 1]);
    assert_int_equal(ids[0], query_ll("SELECT min(id) FROM stations WHERE region_code = '%s'", town(20)));
    assert_int_equal(ids[n - 1], query_ll("SELECT max(id) FROM stations WHERE region_code = '%s'", town(20)));
    release(r);
}

/* ---- query values that are no text ---- */

static void export_with_a_region_that_is_not_utf8_answers_400_naming_region(void **state)
{
    (void)state;
    api_res_t *r = export_csv(&admin, "stations", "?region=%FF");
    api_assert_error(r, 400, "invalid_query", "region");
    release(r);
    r = export_csv(&admin, "stations", "?region=%G1");
    api_assert_error(r, 400, "invalid_query", "region");
    release(r);
}

static void station_search_with_a_nul_in_q_answers_400_naming_q(void **state)
{
    (void)state;
    static const char *const paths[] = {"/api/v1/stations?q=%00", "/api/v1/stations?q=%E4%B8",
                                        "/api/v1/stations?region=" HOME_REGION "&q=%E6%8E%98%00"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        api_res_t *r = hold(api_get(&srv, paths[i]));
        if (r->status != 400)
            fail_msg("GET %s: expected 400, got %ld %s", paths[i], r->status, r->body);
        api_assert_error(r, 400, "invalid_query", "q");
        release(r);
    }
}

static void import_with_a_dry_run_value_that_is_not_utf8_answers_400_and_writes_nothing(void **state)
{
    (void)state;
    char sheet[512];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区\r\n坏查询导入测试站,hub,%s\r\n", town(21));
    long long before = station_count(), audit = audit_count("station.import");
    api_res_t *r = import_csv(&admin, "stations", "?dry_run=%FF", sheet);
    api_assert_error(r, 400, "invalid_query", "dry_run");
    release(r);
    assert_int_equal(station_count(), before);
    assert_int_equal(audit_count("station.import"), audit);
}

/* ---- headers: the staff forms' labels, and yesterday's ---- */

static void exported_headers_are_the_labels_of_the_staff_forms(void **state)
{
    (void)state;
    static const struct {
        const char *plural, *label, *old;
    } cases[] = {
        {"stations", "所属联络站", "所属站点"}, {"groups", "联系的联络站", "联系站点"},
        {"deputies", "照片地址", "照片"},       {"deputies", "公开手机号码", "公开手机"},
        {"deputies", "所在联络站", NULL},       {"deputies", "代表资格", NULL},
    };
    char query[64];
    snprintf(query, sizeof(query), "?region=%s", town(21)); /* a small export: the header is the point */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        api_res_t *r = export_csv(&admin, cases[i].plural, query);
        expect_status(r, 200, cases[i].plural);
        if (!header_has_cell(r->body, cases[i].label) || (cases[i].old && header_has_cell(r->body, cases[i].old)))
            fail_msg("the %s sheet should head its column %s%s%s, got %.300s", cases[i].plural, cases[i].label,
                     cases[i].old ? ", not " : "", cases[i].old ? cases[i].old : "", r->body);
        release(r);
    }
}

static void sheet_with_yesterdays_headers_still_imports(void **state)
{
    (void)state;
    long long hub = create(&admin, "stations",
                           json_pack("{s:s, s:s, s:s}", "name", "旧表头测试站", "kind", "hub", "region", town(21)));
    char sheet[1024];
    snprintf(sheet, sizeof(sheet), "名称,类型,地区,所属站点\r\n旧表头测试点,spoke,%s,%lld\r\n", village(21), hub);
    api_res_t *r = import_csv(&admin, "stations", NULL, sheet);
    expect_imported(r, 1, 0, "UTF-8", false, "a stations sheet headed 所属站点");
    release(r);
    assert_int_equal(query_ll("SELECT hub_id FROM stations WHERE name = '旧表头测试点'"), hub);
    snprintf(sheet, sizeof(sheet), "名称,地区,联系站点\r\n旧表头测试小组,%s,%lld\r\n", town(21), hub);
    r = import_csv(&admin, "groups", NULL, sheet);
    expect_imported(r, 1, 0, "UTF-8", false, "a groups sheet headed 联系站点");
    release(r);
    assert_int_equal(query_ll("SELECT station_id FROM deputy_groups WHERE name = '旧表头测试小组'"), hub);
}

/* ---- the ids of an import ---- */

static long long id_at(const api_res_t *r, size_t i)
{
    return (long long)json_integer_value(json_array_get(json_object_get(r->json, "ids"), i));
}

static void import_answers_the_id_of_every_row_in_order_updates_included(void **state)
{
    (void)state;
    long long existing = create(
        &admin, "stations", json_pack("{s:s, s:s, s:s}", "name", "编号测试原名站", "kind", "hub", "region", town(21)));
    char sheet[1024];
    snprintf(sheet, sizeof(sheet),
             "编号,名称,类型,地区\r\n"
             ",编号测试新站甲,hub,%s\r\n"
             "%lld,编号测试改名站,hub,%s\r\n"
             ",编号测试新站乙,online,%s\r\n",
             town(21), existing, town(21), town(21));
    api_res_t *r = import_csv(&admin, "stations", "?dry_run=true", sheet);
    expect_imported(r, 2, 1, "UTF-8", true, "a dry run");
    json_t *ids = json_object_get(r->json, "ids");
    if (json_array_size(ids) != 3 || !json_is_null(json_array_get(ids, 0)) || id_at(r, 1) != existing ||
        !json_is_null(json_array_get(ids, 2)))
        fail_msg("expected the dry run's ids [null, %lld, null], got %s", existing, r->body);
    release(r);

    r = import_csv(&admin, "stations", NULL, sheet);
    expect_imported(r, 2, 1, "UTF-8", false, "the import");
    long long first = id_at(r, 0), second = id_at(r, 2);
    if (json_array_size(json_object_get(r->json, "ids")) != 3 || id_at(r, 1) != existing || first <= existing ||
        second <= first)
        fail_msg("expected the ids [new, %lld, newer], got %s", existing, r->body);
    release(r);
    char name[128];
    query_text(name, sizeof(name), "SELECT name FROM stations WHERE id = %lld", first);
    assert_string_equal(name, "编号测试新站甲");
    query_text(name, sizeof(name), "SELECT name FROM stations WHERE id = %lld", existing);
    assert_string_equal(name, "编号测试改名站");
    query_text(name, sizeof(name), "SELECT name FROM stations WHERE id = %lld", second);
    assert_string_equal(name, "编号测试新站乙");
}

/* ---- a deputy's stations and seats ---- */

/* The demo's congress of the county (level 4) or of its province (level 2). */
static long long county_congress(int level)
{
    char region[13];
    snprintf(region, sizeof(region), "%.*s%0*d", level == 2 ? 2 : 6, HOME_REGION, level == 2 ? 10 : 6, 0);
    long long id = query_ll("SELECT id FROM congresses WHERE level = %d AND region_code = '%s' AND deleted_at IS NULL "
                            "ORDER BY id LIMIT 1",
                            level, region);
    assert_true(id > 0);
    return id;
}

static long long neighbours_congress(void)
{
    static long long id;
    if (id == 0)
        id = create(&foreign_admin, "congresses",
                    json_pack("{s:i, s:s, s:i, s:s}", "level", 4, "region", FOREIGN_REGION, "term", 18, "name",
                              "表格测试邻县第十八届人民代表大会"));
    return id;
}

static void deputy_row_seated_in_a_neighbours_congress_is_refused_naming_the_seats_column(void **state)
{
    (void)state;
    char sheet[1024];
    snprintf(sheet, sizeof(sheet),
             "姓名,性别,地区,代表资格\r\n"
             "邻县席位代表,male,%s,%lld:第一选区\r\n"
             "本县席位代表,female,%s,%lld:第二选区;%lld\r\n",
             town(22), neighbours_congress(), town(22), county_congress(4), county_congress(2));
    api_res_t *r = import_csv(&admin, "deputies", NULL, sheet);
    expect_problem_count(r, 1, "a seat in the neighbour's congress");
    json_t *p = expect_problem(r, 2, "代表资格", "a seat in the neighbour's congress");
    if (strstr(message_of(p), "outside your region") == NULL)
        fail_msg("expected the reason to say the congress is outside the region, got %s", message_of(p));
    release(r);
    assert_int_equal(query_ll("SELECT count(*) FROM deputies WHERE region_code = '%s'", town(22)), 0);
}

static void deputy_seated_in_a_neighbours_congress_through_the_api_is_refused_naming_seats(void **state)
{
    (void)state;
    json_t *body =
        json_pack("{s:s, s:s, s:s, s:[{s:I, s:s}]}", "name", "接口邻县席位代表", "gender", "male", "region", town(22),
                  "seats", "congress_id", (json_int_t)neighbours_congress(), "district", "第一选区");
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    api_res_t *r = hold(client_request(&admin, "POST", "/api/v1/deputies", text));
    free(text);
    api_assert_error(r, 422, "invalid", "seats");
    release(r);
    /* the congresses over the county are the office's to seat its deputies in */
    create(&admin, "deputies",
           json_pack("{s:s, s:s, s:s, s:[{s:I}, {s:I}]}", "name", "接口上级席位代表", "gender", "female", "region",
                     town(22), "seats", "congress_id", (json_int_t)county_congress(4), "congress_id",
                     (json_int_t)county_congress(2)));
    assert_int_equal(query_ll("SELECT count(*) FROM deputies WHERE name = '接口邻县席位代表'"), 0);
}

static void deputies_sheet_carries_stations_and_seats_there_and_back(void **state)
{
    (void)state;
    long long hub = create(&admin, "stations",
                           json_pack("{s:s, s:s, s:s}", "name", "席位往返测试站", "kind", "hub", "region", town(23)));
    long long county = county_congress(4), province = county_congress(2);
    char sheet[1024];
    /* separators as a Chinese input method types them */
    snprintf(sheet, sizeof(sheet),
             "姓名,性别,地区,所在联络站,代表资格\r\n往返席位代表,female,%s,%lld,%lld：第九选区；%lld\r\n", town(23),
             hub, county, province);
    api_res_t *r = import_csv(&admin, "deputies", NULL, sheet);
    expect_imported(r, 1, 0, "UTF-8", false, "a deputy with a station and two seats");
    long long id = id_at(r, 0);
    release(r);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/deputies/%lld", id);
    r = hold(api_get(&srv, path));
    expect_status(r, 200, "reading the deputy");
    json_t *stations = json_object_get(r->json, "stations"), *seats = json_object_get(r->json, "seats");
    if (json_array_size(stations) != 1 ||
        json_integer_value(json_object_get(json_array_get(stations, 0), "id")) != hub || json_array_size(seats) != 2 ||
        strstr(r->body, "第九选区") == NULL)
        fail_msg("expected station %lld and two seats, one for 第九选区, got %s", hub, r->body);
    release(r);

    char query[64], cells[128];
    snprintf(query, sizeof(query), "?region=%s", town(23));
    api_res_t *x = export_csv(&admin, "deputies", query);
    expect_status(x, 200, "exporting the deputy");
    snprintf(cells, sizeof(cells), ",%lld,%lld;%lld:第九选区\r\n", hub, province, county);
    if (strstr(x->body, cells) == NULL)
        fail_msg("expected the row to end with %s, got %s", cells, x->body);
    r = import_sheet(&admin, "deputies", NULL, x->body, x->len, "text/csv");
    expect_imported(r, 0, 1, "UTF-8", false, "importing the deputy's export back");
    release(r);
    release(x);
    assert_int_equal(query_ll("SELECT count(*) FROM deputy_seats WHERE deputy_id = %lld", id), 2);
    assert_int_equal(query_ll("SELECT count(*) FROM station_deputies WHERE deputy_id = %lld", id), 1);

    /* a station outside the deputy's township is refused under its column */
    snprintf(sheet, sizeof(sheet), "编号,所在联络站\r\n%lld,%lld\r\n", id, foreign_station);
    r = import_csv(&admin, "deputies", NULL, sheet);
    expect_problem(r, 2, "所在联络站", "a station of the neighbour county");
    release(r);
    snprintf(sheet, sizeof(sheet), "编号,代表资格\r\n%lld,第九选区\r\n", id);
    r = import_csv(&admin, "deputies", NULL, sheet);
    expect_problem(r, 2, "代表资格", "a seat without a congress id");
    release(r);
    assert_int_equal(query_ll("SELECT count(*) FROM deputy_seats WHERE deputy_id = %lld", id), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(export_of_stations_is_excel_csv_with_chinese_headers_and_one_row_per_live_station,
                                  release_all),
        cmocka_unit_test_teardown(export_of_a_single_township_holds_only_its_stations, release_all),
        cmocka_unit_test_teardown(export_of_another_county_answers_403, release_all),
        cmocka_unit_test_teardown(importing_the_export_back_updates_every_row_and_exports_the_same_bytes, release_all),
        cmocka_unit_test_teardown(utf8_sheet_without_bom_and_with_english_headers_creates_stations, release_all),
        cmocka_unit_test_teardown(gb18030_sheet_is_accepted_and_stored_as_chinese_text, release_all),
        cmocka_unit_test_teardown(gb18030_sheet_in_a_dry_run_answers_its_counts_and_writes_nothing, release_all),
        cmocka_unit_test_teardown(sheet_with_two_bad_rows_answers_422_listing_both_and_creates_nothing, release_all),
        cmocka_unit_test_teardown(dry_run_answers_the_counts_and_writes_nothing, release_all),
        cmocka_unit_test_teardown(dry_run_of_a_bad_sheet_answers_422_like_a_real_import, release_all),
        cmocka_unit_test_teardown(real_import_is_in_the_audit_log_as_station_import, release_all),
        cmocka_unit_test_teardown(rows_with_too_many_or_too_few_cells_are_refused_by_line, release_all),
        cmocka_unit_test_teardown(unknown_column_is_refused_by_its_header, release_all),
        cmocka_unit_test_teardown(column_named_twice_is_refused, release_all),
        cmocka_unit_test_teardown(unclosed_quote_is_refused, release_all),
        cmocka_unit_test_teardown(bytes_that_are_neither_utf8_nor_gb18030_are_refused, release_all),
        cmocka_unit_test_teardown(empty_sheet_is_refused_for_want_of_a_header, release_all),
        cmocka_unit_test_teardown(row_with_an_unknown_id_is_refused_naming_the_id_column, release_all),
        cmocka_unit_test_teardown(sheet_with_many_bad_rows_lists_the_first_hundred_and_counts_all, release_all),
        cmocka_unit_test_teardown(sheet_over_5_mib_answers_413, release_all),
        cmocka_unit_test_teardown(sheet_over_the_json_body_limit_but_under_5_mib_is_imported, release_all),
        cmocka_unit_test_teardown(wrong_content_type_answers_415, release_all),
        cmocka_unit_test_teardown(row_naming_a_region_outside_the_county_is_refused_naming_the_region_column,
                                  release_all),
        cmocka_unit_test_teardown(row_with_the_id_of_another_countys_record_is_refused, release_all),
        cmocka_unit_test_teardown(row_with_the_id_of_another_countys_record_cannot_move_it_into_the_county,
                                  release_all),
        cmocka_unit_test_teardown(staff_cannot_import_or_export_sheets, release_all),
        cmocka_unit_test_teardown(signed_out_import_and_export_answer_401, release_all),
        cmocka_unit_test_teardown(deputies_sheet_seals_the_phone_and_the_export_never_shows_it, release_all),
        cmocka_unit_test_teardown(patch_sent_during_a_big_import_is_answered_before_the_import, release_all),
        cmocka_unit_test_teardown(export_of_thousands_of_stations_streams_every_record_once_in_id_order, release_all),
        cmocka_unit_test_teardown(export_with_a_region_that_is_not_utf8_answers_400_naming_region, release_all),
        cmocka_unit_test_teardown(station_search_with_a_nul_in_q_answers_400_naming_q, release_all),
        cmocka_unit_test_teardown(import_with_a_dry_run_value_that_is_not_utf8_answers_400_and_writes_nothing,
                                  release_all),
        cmocka_unit_test_teardown(exported_headers_are_the_labels_of_the_staff_forms, release_all),
        cmocka_unit_test_teardown(sheet_with_yesterdays_headers_still_imports, release_all),
        cmocka_unit_test_teardown(import_answers_the_id_of_every_row_in_order_updates_included, release_all),
        cmocka_unit_test_teardown(deputy_row_seated_in_a_neighbours_congress_is_refused_naming_the_seats_column,
                                  release_all),
        cmocka_unit_test_teardown(deputy_seated_in_a_neighbours_congress_through_the_api_is_refused_naming_seats,
                                  release_all),
        cmocka_unit_test_teardown(deputies_sheet_carries_stations_and_seats_there_and_back, release_all),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
