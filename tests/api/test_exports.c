/*
 * exports: a staff list as CSV and .xlsx (SPEC §8) - the same rows as the list with the same
 * filters, streamed so that a long list does not grow the server, refused over the configured
 * row limit before anything is sent, limited to the caller's scope, and written to the audit log.
 * The workbook is opened here with a minimal zip reader (zlib), so the test needs no unzip tool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"

enum { MAX_IDS = 40000, BIG_LIST = 20000 };

static server_t srv;
static client_t admin, foreign_admin;

typedef struct {
    long long id[MAX_IDS];
    int n;
} ids_t;

static int setup(void **state)
{
    (void)state;
    server_up(&srv, (const char *const[]){"--rate-limits=off", NULL});
    assert_true(client_login(&admin, &srv, "admin", DEMO_PASSWORD));
    assert_true(client_login(&foreign_admin, &srv, FOREIGN_ADMIN, DEMO_PASSWORD));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

/* Every id the list gives for query, page by page. */
static void list_ids(client_t *c, const char *query, ids_t *out)
{
    long long next = 0;
    out->n = 0;
    do {
        char path[512];
        snprintf(path, sizeof(path), "/api/v1/opinions?limit=100%s%s", query, next ? "&after=" : "");
        if (next)
            snprintf(path + strlen(path), sizeof(path) - strlen(path), "%lld", next);
        api_res_t *r = client_request(c, "GET", path, NULL);
        assert_int_equal(r->status, 200);
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(r->json, "items"), i, item)
        {
            assert_true(out->n < MAX_IDS);
            out->id[out->n++] = json_integer_value(json_object_get(item, "id"));
        }
        json_t *n = json_object_get(r->json, "next");
        next = json_is_integer(n) ? json_integer_value(n) : 0;
        api_res_free(r);
    } while (next);
}

/* The first cell of each line after the header of a CSV with a byte-order mark. */
static void csv_ids(const api_res_t *r, ids_t *out)
{
    assert_memory_equal(r->body, "\xEF\xBB\xBF", 3);
    const char *p = strstr(r->body, "\r\n");
    assert_non_null(p);
    out->n = 0;
    for (p += 2; *p;) {
        assert_true(out->n < MAX_IDS);
        out->id[out->n++] = strtoll(p, NULL, 10);
        /* to the end of the record: an excerpt may hold a quoted line break */
        for (int quoted = 0; *p && (quoted || p[0] != '\r' || p[1] != '\n'); p++)
            if (*p == '"')
                quoted = !quoted;
        if (*p)
            p += 2;
    }
}

static unsigned le16(const unsigned char *p)
{
    return p[0] | (unsigned)p[1] << 8;
}

static unsigned long le32(const unsigned char *p)
{
    return le16(p) | (unsigned long)le16(p + 2) << 16;
}

/* The member called name of a zip archive, inflated (NUL-terminated; the caller frees), or NULL. */
static char *zip_member(const unsigned char *zip, size_t len, const char *name)
{
    size_t end = len - 22; /* the end-of-directory record, without a comment */
    while (end > 0 && le32(zip + end) != 0x06054b50)
        end--;
    unsigned long count = le16(zip + end + 10), at = le32(zip + end + 16);
    for (unsigned long i = 0; i < count && at + 46 <= len; i++) {
        const unsigned char *e = zip + at;
        assert_int_equal(le32(e), 0x02014b50);
        unsigned method = le16(e + 10), nlen = le16(e + 28);
        unsigned long csize = le32(e + 20), size = le32(e + 24), local = le32(e + 42);
        if (nlen == strlen(name) && memcmp(e + 46, name, nlen) == 0) {
            const unsigned char *data = zip + local + 30 + le16(zip + local + 26) + le16(zip + local + 28);
            char *out = malloc(size + 1);
            assert_non_null(out);
            if (method == 0)
                memcpy(out, data, size);
            else {
                z_stream z = {0};
                assert_int_equal(inflateInit2(&z, -MAX_WBITS), Z_OK);
                z.next_in = (unsigned char *)data;
                z.avail_in = (unsigned)csize;
                z.next_out = (unsigned char *)out;
                z.avail_out = (unsigned)size;
                assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
                inflateEnd(&z);
            }
            out[size] = '\0';
            return out;
        }
        at += 46 + nlen + le16(e + 30) + le16(e + 32);
    }
    return NULL;
}

/* Column A of each row below the header of the workbook's first sheet (numbers). */
static void xlsx_ids(const api_res_t *r, ids_t *out)
{
    assert_memory_equal(r->body, "PK\x03\x04", 4);
    char *sheet = zip_member((const unsigned char *)r->body, r->len, "xl/worksheets/sheet1.xml");
    assert_non_null(sheet);
    out->n = 0;
    for (const char *p = sheet; *p; p++) { /* one pass: searching from each cell again would be slow under ASan */
        if (*p != '<' || strncmp(p, "<c r=\"A", 7) != 0 || strncmp(p, "<c r=\"A1\"", 9) == 0)
            continue; /* not a cell of column A below the header */
        while (*p && *p != '>')
            p++;
        assert_true(strncmp(p, "><v>", 4) == 0); /* a number, not text */
        assert_true(out->n < MAX_IDS);
        out->id[out->n++] = strtoll(p + 4, NULL, 10);
    }
    free(sheet);
}

static void assert_same_ids(const ids_t *a, const ids_t *b)
{
    assert_int_equal(a->n, b->n);
    for (int i = 0; i < a->n; i++)
        assert_int_equal(a->id[i], b->id[i]);
}

static ids_t listed, exported;

static void opinion_csv_and_xlsx_hold_exactly_the_rows_of_the_filtered_list(void **state)
{
    (void)state;
    static const char *const filters[] = {"&state=open", "&channel=walk_in", "", "&state=open&category=urban"};
    ids_t all;
    list_ids(&admin, "", &all);
    for (size_t f = 0; f < sizeof(filters) / sizeof(filters[0]); f++) {
        char path[256];
        list_ids(&admin, filters[f], &listed);
        if (f == 0)
            assert_true(listed.n > 0 && listed.n < all.n); /* the filter narrows, so it must be applied */
        snprintf(path, sizeof(path), "/api/v1/opinions/export.csv?%s", filters[f][0] ? filters[f] + 1 : "");
        api_res_t *r = client_request(&admin, "GET", path, NULL);
        assert_int_equal(r->status, 200);
        assert_non_null(strstr(api_header(r, "content-type"), "text/csv"));
        assert_non_null(strstr(api_header(r, "content-disposition"), "opinions-" HOME_REGION ".csv"));
        assert_int_equal(atoi(api_header(r, "x-total-rows")), listed.n);
        csv_ids(r, &exported);
        assert_same_ids(&listed, &exported);
        api_res_free(r);

        snprintf(path, sizeof(path), "/api/v1/opinions/export.xlsx?%s", filters[f][0] ? filters[f] + 1 : "");
        r = client_request(&admin, "GET", path, NULL);
        assert_int_equal(r->status, 200);
        assert_non_null(strstr(api_header(r, "content-type"), "spreadsheetml"));
        assert_int_equal(atol(api_header(r, "content-length")), (long)r->len);
        xlsx_ids(r, &exported);
        assert_same_ids(&listed, &exported);
        api_res_free(r);
    }
}

static void opinion_export_never_holds_the_constituents_name_or_phone(void **state)
{
    (void)state;
    static const char body[] = "{\"station_id\":%s,\"category\":\"urban\",\"content\":\"路灯不亮已经一周\","
                               "\"region\":\"%s\",\"name\":\"欧阳导出\",\"phone\":\"13912345678\"}";
    char station[24], region[16], json[512];
    assert_int_equal(
        db_query(&srv, "SELECT id FROM stations WHERE region_code LIKE '320623%' LIMIT 1", station, sizeof(station)),
        0);
    assert_int_equal(db_query(&srv,
                              "SELECT region_code FROM stations WHERE id = (SELECT id FROM stations"
                              " WHERE region_code LIKE '320623%' LIMIT 1)",
                              region, sizeof(region)),
                     0);
    snprintf(json, sizeof(json), body, station, region);
    api_res_t *r = client_request(&admin, "POST", "/api/v1/opinions", json);
    assert_int_equal(r->status, 201);
    api_res_free(r);
    for (int x = 0; x < 2; x++) {
        r = client_request(&admin, "GET", x ? "/api/v1/opinions/export.xlsx" : "/api/v1/opinions/export.csv", NULL);
        assert_int_equal(r->status, 200);
        char *text = x ? zip_member((const unsigned char *)r->body, r->len, "xl/worksheets/sheet1.xml") : NULL;
        const char *hay = x ? text : r->body;
        assert_non_null(hay);
        assert_non_null(strstr(hay, "路灯不亮已经一周")); /* the row is there... */
        assert_null(strstr(hay, "欧阳"));                 /* ...without who sent it */
        assert_null(strstr(hay, "13912345678"));
        free(text);
        api_res_free(r);
    }
}

static void export_of_another_county_is_refused_and_never_leaks_its_rows(void **state)
{
    (void)state;
    api_res_t *r = client_request(&admin, "GET", "/api/v1/opinions/export.csv?region=" FOREIGN_REGION, NULL);
    api_assert_error(r, 403, "out_of_scope", "region");
    api_res_free(r);
    r = client_request(&admin, "GET", "/api/v1/opinions/export.xlsx?region=" FOREIGN_REGION, NULL);
    api_assert_error(r, 403, "out_of_scope", "region");
    api_res_free(r);
    r = client_request(&foreign_admin, "POST", "/api/v1/stations",
                       "{\"name\":\"邻县导出测试站\",\"kind\":\"hub\",\"region\":\"" FOREIGN_REGION "\"}");
    assert_int_equal(r->status, 201);
    long long station = json_integer_value(json_object_get(r->json, "id"));
    api_res_free(r);
    db_execf(&srv,
             "INSERT INTO opinions (tracking_code, channel, station_id, region_code, category_id, content,"
             " triage_due, answer_due, created_at, updated_at) VALUES ('FOREIGNX1', 'online', %lld, '%s', 1,"
             " '邻县的意见', 0, 0, strftime('%%s','now'), strftime('%%s','now'))",
             station, FOREIGN_REGION);
    long long foreign = db_number(&srv, "SELECT id FROM opinions WHERE tracking_code = 'FOREIGNX1'");
    r = client_request(&admin, "GET", "/api/v1/opinions/export.csv", NULL);
    assert_int_equal(r->status, 200);
    csv_ids(r, &exported);
    for (int i = 0; i < exported.n; i++)
        assert_true(exported.id[i] != foreign);
    assert_null(strstr(r->body, "邻县的意见"));
    api_res_free(r);
    r = client_request(&foreign_admin, "GET", "/api/v1/opinions/export.csv", NULL);
    assert_int_equal(r->status, 200);
    csv_ids(r, &exported);
    assert_int_equal(exported.n, 1);
    assert_int_equal(exported.id[0], foreign);
    api_res_free(r);
    r = api_get(&srv, "/api/v1/opinions/export.csv");
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

static void every_export_is_in_the_audit_log(void **state)
{
    (void)state;
    long long before = db_number(&srv, "SELECT count(*) FROM audit_log WHERE action = 'opinion.export'");
    long long last = db_number(&srv, "SELECT max(id) FROM audit_log");
    api_res_t *r = client_request(&admin, "GET", "/api/v1/opinions/export.xlsx?state=open", NULL);
    assert_int_equal(r->status, 200);
    api_res_free(r);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM audit_log WHERE action = 'opinion.export'"), before + 1);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/audit?after=%lld", last);
    r = client_request(&admin, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    size_t i;
    json_t *entry;
    bool seen = false;
    json_array_foreach(json_object_get(r->json, "entries"), i, entry)
    {
        const char *action = json_string_value(json_object_get(entry, "action"));
        const char *detail = json_string_value(json_object_get(entry, "detail"));
        seen = seen || (action && strcmp(action, "opinion.export") == 0 && strstr(detail, "xlsx"));
    }
    assert_true(seen);
    api_res_free(r);
}

/* The resident set of the server now (VmRSS) or at its peak since reset_peak (VmHWM). */
static long rss_kib(pid_t pid, const char *which)
{
    char path[64], line[256];
    long kib = -1;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, which, 6) == 0)
            kib = atol(line + 6);
    fclose(f);
    return kib;
}

static void reset_peak(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)pid);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("5", f); /* 5: the peak resident set starts again from the present one */
    assert_int_equal(fclose(f), 0);
}

static void export_of_twenty_thousand_opinions_streams_without_growing_the_server(void **state)
{
    (void)state;
    /* long texts, so that a server holding the whole export would grow by well over 20 MiB */
    db_execf(&srv,
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
             " INSERT INTO opinions (tracking_code, channel, station_id, region_code, category_id, content,"
             " triage_due, answer_due, created_at, updated_at) SELECT printf('BULK%%06d', i), 'letter',"
             " (SELECT id FROM stations WHERE region_code LIKE '%.6s%%' LIMIT 1), '%s', 2,"
             " printf('%%d号', i) || replace(hex(zeroblob(200)), '00', '河道'), 0, 0, 1700000000 + i,"
             " 1700000000 + i FROM n",
             BIG_LIST, HOME_REGION, HOME_REGION);
    static const char *const paths[] = {"/api/v1/opinions/export.csv?channel=letter",
                                        "/api/v1/opinions/export.xlsx?channel=letter"};
    for (int x = 0; x < 2; x++) {
        api_res_t *r;
        for (int warm = 0; warm < 3; warm++) { /* each worker thread and cache has what it keeps */
            r = client_request(&admin, "GET", paths[x], NULL);
            assert_int_equal(r->status, 200);
            api_res_free(r);
        }
        reset_peak(srv.pid);
        long before = rss_kib(srv.pid, "VmRSS:");
        r = client_request(&admin, "GET", paths[x], NULL);
        long after = rss_kib(srv.pid, "VmHWM:");
        assert_int_equal(r->status, 200);
        assert_true(atoi(api_header(r, "x-total-rows")) >= BIG_LIST);
        print_message("%s: %zu bytes, server RSS %ld KiB, at most %ld KiB during it\n", paths[x], r->len, before,
                      after);
        if (x == 0) {
            assert_true(r->len > 8u << 20); /* the export is big... */
            csv_ids(r, &exported);
        } else
            xlsx_ids(r, &exported);
        assert_true(exported.n >= BIG_LIST);
        /* ...but the server grows by little: holding the rows would take their 9.6 MB of text and
         * a row structure each, over 20 MiB in this build. What it may grow by is the page cache of
         * each database connection a piece runs on (2 MiB each), which a busy machine may first
         * fill during the measured export rather than during the warm-ups. */
        assert_true(after - before < 14 * 1024);
        api_res_free(r);
    }
}

static void export_over_the_row_limit_is_refused_before_anything_is_sent(void **state)
{
    (void)state;
    server_t small;
    server_up(&small, (const char *const[]){"--rate-limits=off", "--export-max-rows", "10", NULL});
    client_t c;
    assert_true(client_login(&c, &small, "admin", DEMO_PASSWORD));
    static const char *const paths[] = {"/api/v1/opinions/export.csv", "/api/v1/opinions/export.xlsx"};
    for (int x = 0; x < 2; x++) {
        api_res_t *r = client_request(&c, "GET", paths[x], NULL);
        api_assert_error(r, 413, "too_many_rows", NULL);
        assert_non_null(strstr(api_error_member(r, "message"), "10 rows"));
        assert_int_equal(json_integer_value(json_object_get(json_object_get(r->json, "error"), "limit")), 10);
        assert_null(api_header(r, "content-disposition"));
        api_res_free(r);
    }
    /* a narrower filter under the limit goes through */
    api_res_t *r = client_request(&c, "GET", "/api/v1/opinions/export.csv?from=2001-01-01&to=2001-01-02", NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(atoi(api_header(r, "x-total-rows")), 0);
    csv_ids(r, &exported);
    assert_int_equal(exported.n, 0);
    api_res_free(r);
    assert_int_equal(db_number(&small, "SELECT count(*) FROM audit_log WHERE action = 'opinion.export'"), 1);
    server_down(&small);
}

int main(void)
{
    setenv("ASAN_OPTIONS", "quarantine_size_mb=4", 0); /* so freed memory shows as freed in VmRSS */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(opinion_csv_and_xlsx_hold_exactly_the_rows_of_the_filtered_list),
        cmocka_unit_test(opinion_export_never_holds_the_constituents_name_or_phone),
        cmocka_unit_test(export_of_another_county_is_refused_and_never_leaks_its_rows),
        cmocka_unit_test(every_export_is_in_the_audit_log),
        cmocka_unit_test(export_of_twenty_thousand_opinions_streams_without_growing_the_server),
        cmocka_unit_test(export_over_the_row_limit_is_refused_before_anything_is_sent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
