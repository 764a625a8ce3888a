/*
 * test_open311_rules: the pure rules of the Open311 endpoint (src/domain/open311.c) - China's box at
 * its edges, W3C datetimes as GeoReport v2 writes them, formats, statuses and names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/open311.h"

static void points_inside_china_pass_and_points_abroad_do_not(void **state)
{
    (void)state;
    static const struct {
        double lat, lng;
        bool in;
        const char *where;
    } cases[] = {
        {32.32, 121.18, true, "如东县掘港"},
        {39.9042, 116.4074, true, "北京"},
        {53.56, 122.35, true, "漠河, the north edge"},
        {3.85, 112.28, true, "曾母暗沙, the south edge"},
        {39.0, 73.50, true, "帕米尔, the west edge"},
        {48.35, 135.09, true, "黑瞎子岛, the east edge"},
        {53.57, 122.35, false, "just north"},
        {3.84, 112.28, false, "just south"},
        {39.0, 73.49, false, "just west"},
        {48.35, 135.10, false, "just east"},
        {48.8566, 2.3522, false, "Paris"},
        {-32.32, 121.18, false, "the southern hemisphere"},
        {32.32, -121.18, false, "the western hemisphere"},
        {0, 0, false, "null island"},
        {NAN, 121.0, false, "not a number"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (open311_in_china(cases[i].lat, cases[i].lng) != cases[i].in)
            fail_msg("%s (%g, %g) should be %s", cases[i].where, cases[i].lat, cases[i].lng,
                     cases[i].in ? "inside" : "outside");
}

static void w3c_datetimes_parse_with_their_time_zone_only(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool ok;
        int64_t utc;
    } cases[] = {
        {"1994-11-05T08:15:30-05:00", true, 784041330}, /* the specification's own example */
        {"1994-11-05T13:15:30Z", true, 784041330},
        {"2026-03-01T09:30:00+08:00", true, 1772328600},
        {"2026-03-01T01:30:00Z", true, 1772328600},
        {"2026-03-01T09:30+08:00", true, 1772328600},   /* seconds may be left out */
        {"2026-03-01T01:30:00.250Z", true, 1772328600}, /* fractions dropped */
        {"2024-02-29T00:00:00Z", true, 1709164800},     /* a leap day */
        {"2026-03-01", false, 0},                       /* a date alone */
        {"2026-03-01T09:30:00", false, 0},              /* no time zone */
        {"2026-02-29T00:00:00Z", false, 0},             /* no such day */
        {"2026-03-01T24:00:00Z", false, 0},
        {"2026-03-01T09:60:00Z", false, 0},
        {"2026-03-01T09:30:00+15:00", false, 0},
        {"2026-03-01T09:30:00+0800", false, 0},
        {"2026-03-01T09:30:00Z ", false, 0},
        {"2026-03-01T09:30:00.Z", false, 0},
        {"", false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t utc = -1;
        bool ok = open311_parse_datetime(cases[i].text, &utc);
        if (ok != cases[i].ok || (ok && utc != cases[i].utc))
            fail_msg("\"%s\": expected %s %lld, got %s %lld", cases[i].text, cases[i].ok ? "ok" : "refused",
                     (long long)cases[i].utc, ok ? "ok" : "refused", (long long)utc);
    }
}

static void times_are_written_in_beijing_time_and_read_back(void **state)
{
    (void)state;
    char out[26];
    open311_format_datetime(1772328600, out);
    assert_string_equal(out, "2026-03-01T09:30:00+08:00");
    open311_format_datetime(1772294400 - 1, out); /* 2026-02-28T15:59:59Z */
    assert_string_equal(out, "2026-02-28T23:59:59+08:00");
    open311_format_datetime(0, out);
    assert_string_equal(out, "1970-01-01T08:00:00+08:00");
    for (int64_t t = 1700000000; t < 1900000000; t += 86399 * 37) {
        int64_t back;
        open311_format_datetime(t, out);
        assert_true(open311_parse_datetime(out, &back));
        assert_int_equal(back, t);
    }
}

static void a_path_segment_names_json_or_xml(void **state)
{
    (void)state;
    char base[16];
    assert_int_equal(open311_split_format("traffic.json", base, sizeof(base)), OPEN311_JSON);
    assert_string_equal(base, "traffic");
    assert_int_equal(open311_split_format("31.xml", base, sizeof(base)), OPEN311_XML);
    assert_string_equal(base, "31");
    assert_int_equal(open311_split_format("a.b.xml", base, sizeof(base)), OPEN311_XML);
    assert_string_equal(base, "a.b");
    assert_int_equal(open311_split_format("traffic.yaml", base, sizeof(base)), OPEN311_FORMAT_UNKNOWN);
    assert_int_equal(open311_split_format("traffic", base, sizeof(base)), OPEN311_FORMAT_UNKNOWN);
    assert_int_equal(open311_split_format(".json", base, sizeof(base)), OPEN311_FORMAT_UNKNOWN);
    assert_int_equal(open311_split_format("a-name-far-too-long.json", base, sizeof(base)), OPEN311_FORMAT_UNKNOWN);
    assert_int_equal(open311_split_format("traffic.JSON", base, sizeof(base)), OPEN311_FORMAT_UNKNOWN);
}

static void open_states_read_open_and_the_rest_closed_with_the_stage_in_both_languages(void **state)
{
    (void)state;
    static const struct {
        opinion_state_t state;
        const char *status, *notes;
    } cases[] = {
        {OPINION_REGISTERED, "open", "已登记 (registered)"},     {OPINION_TRIAGED, "open", "已受理 (triaged)"},
        {OPINION_IN_PROGRESS, "open", "办理中 (in progress)"},   {OPINION_ANSWERED, "closed", "已答复 (answered)"},
        {OPINION_CLOSED, "closed", "已办结 (closed)"},           {OPINION_MERGED, "closed", "已合并 (merged)"},
        {OPINION_REJECTED, "closed", "不予受理 (not accepted)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char notes[64];
        assert_string_equal(open311_status(cases[i].state), cases[i].status);
        open311_status_notes(cases[i].state, notes, sizeof(notes));
        assert_string_equal(notes, cases[i].notes);
    }
    assert_int_equal(open311_http_status(422), 400);
    assert_int_equal(open311_http_status(403), 403);
    assert_int_equal(open311_http_status(429), 429);
}

static void chinese_names_put_the_family_name_first(void **state)
{
    (void)state;
    char out[64];
    open311_person_name("小明", "王", out, sizeof(out));
    assert_string_equal(out, "王小明");
    open311_person_name("Ming", "Wang", out, sizeof(out));
    assert_string_equal(out, "Ming Wang");
    open311_person_name(NULL, "王", out, sizeof(out));
    assert_string_equal(out, "王");
    open311_person_name("Ming", NULL, out, sizeof(out));
    assert_string_equal(out, "Ming");
    open311_person_name(NULL, NULL, out, sizeof(out));
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(points_inside_china_pass_and_points_abroad_do_not),
        cmocka_unit_test(w3c_datetimes_parse_with_their_time_zone_only),
        cmocka_unit_test(times_are_written_in_beijing_time_and_read_back),
        cmocka_unit_test(a_path_segment_names_json_or_xml),
        cmocka_unit_test(open_states_read_open_and_the_rest_closed_with_the_stage_in_both_languages),
        cmocka_unit_test(chinese_names_put_the_family_name_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
