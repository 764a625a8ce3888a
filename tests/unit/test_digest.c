/*
 * test_digest: the rules of the weekly digest and the biweekly batch referral
 * (src/domain/digest.c). ISO weeks read as the office writes them and cover Monday to Sunday in
 * Beijing time, with 53-week years and year ends checked; malformed or missing weeks are refused
 * with a reason; half months run 1st-15th and 16th-end, leap Februaries included; clusters join
 * rewordings of one complaint, keep different ones apart, pick the most central text as sample
 * and come out the same whatever order the texts arrive in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/digest.h"
#include "domain/opinion.h"

static const char *date_of(calendar_day_t d)
{
    static char text[4][11];
    static int next;
    next = (next + 1) % 4;
    calendar_format_date(d, text[next]);
    return text[next];
}

/* UTC seconds of a Beijing wall-clock time. */
static int64_t beijing(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s};
    return (int64_t)timegm(&tm) - 8 * 3600;
}

static void a_week_covers_monday_to_sunday_in_beijing(void **state)
{
    (void)state;
    static const struct {
        const char *text, *monday, *sunday, *label;
    } cases[] = {
        {"2026-W47", "2026-11-16", "2026-11-22", "2026-W47"},
        {"2026-w47", "2026-11-16", "2026-11-22", "2026-W47"},
        {"2026-W01", "2025-12-29", "2026-01-04", "2026-W01"},
        {"2026-W53", "2026-12-28", "2027-01-03", "2026-W53"}, /* 2026 begins on a Thursday */
        {"2020-W53", "2020-12-28", "2021-01-03", "2020-W53"}, /* a leap year begun on a Wednesday */
        {"2021-W01", "2021-01-04", "2021-01-10", "2021-W01"},
        {"2025-W01", "2024-12-30", "2025-01-05", "2025-W01"},
        {"2025-W52", "2025-12-22", "2025-12-28", "2025-W52"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        digest_week_t w;
        const char *why = NULL;
        assert_int_equal(digest_week_parse(cases[i].text, &w, &why), 0);
        assert_string_equal(date_of(w.monday), cases[i].monday);
        assert_string_equal(date_of(w.sunday), cases[i].sunday);
        assert_string_equal(w.label, cases[i].label);
        assert_int_equal(calendar_weekday(w.monday), 1);
        assert_int_equal(w.from, calendar_day_start(w.monday));
        assert_int_equal(w.to, calendar_day_end(w.sunday));
    }
    digest_week_t w;
    const char *why;
    assert_int_equal(digest_week_parse("2026-W47", &w, &why), 0);
    assert_int_equal(w.from, beijing(2026, 11, 16, 0, 0, 0));
    assert_int_equal(w.to, beijing(2026, 11, 22, 23, 59, 59));
}

static void a_malformed_or_missing_week_is_refused_saying_why(void **state)
{
    (void)state;
    static const char *const bad[] = {"",         "2026",      "2026-W",    "2026-W4",   "2026-W477", "2026W47",
                                      "2026-47",  "2026-X47",  "abcd-W47",  "2026-W00",  "2026-W54",  "2025-W53",
                                      " 2026-W47", "2026-W47 ", "2026-W4a", "1970-W10",  "9999-W01",  "2026-Ｗ47"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        digest_week_t w;
        const char *why = NULL;
        if (digest_week_parse(bad[i], &w, &why) == 0)
            fail_msg("'%s' was taken as a week", bad[i]);
        assert_non_null(why);
        assert_non_null(strstr(why, "week"));
    }
    digest_week_t w;
    const char *why = NULL;
    assert_int_equal(digest_week_parse(NULL, &w, &why), -1);
    assert_int_equal(digest_week_parse("2025-W53", &w, &why), -1);
    assert_non_null(strstr(why, "52"));
}

static void the_week_of_a_time_is_the_beijing_days_week(void **state)
{
    (void)state;
    struct {
        int64_t at;
        const char *label;
    } table[] = {
        {beijing(2026, 11, 16, 0, 0, 0), "2026-W47"},
        {beijing(2026, 11, 15, 23, 59, 59), "2026-W46"}, /* still Sunday in Beijing, Monday 15:59 UTC */
        {beijing(2026, 11, 22, 23, 59, 59), "2026-W47"},
        {beijing(2026, 1, 1, 12, 0, 0), "2026-W01"},
        {beijing(2027, 1, 1, 12, 0, 0), "2026-W53"},
        {beijing(2027, 1, 4, 0, 0, 0), "2027-W01"},
        {beijing(2024, 12, 30, 9, 0, 0), "2025-W01"},
        {beijing(2021, 1, 3, 9, 0, 0), "2020-W53"},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++) {
        digest_week_t w, back;
        const char *why;
        digest_week_of(table[i].at, &w);
        assert_string_equal(w.label, table[i].label);
        assert_true(w.from <= table[i].at && table[i].at <= w.to);
        assert_int_equal(digest_week_parse(w.label, &back, &why), 0);
        assert_int_equal(back.from, w.from);
    }
}

static void a_half_month_runs_to_the_fifteenth_or_from_the_sixteenth_to_the_end(void **state)
{
    (void)state;
    static const struct {
        const char *text, *first, *last, *label;
    } cases[] = {
        {"2026-11-1", "2026-11-01", "2026-11-15", "2026-11-1"}, {"2026-11-2", "2026-11-16", "2026-11-30", "2026-11-2"},
        {"2026-2-2", "2026-02-16", "2026-02-28", "2026-02-2"},  {"2024-02-2", "2024-02-16", "2024-02-29", "2024-02-2"},
        {"2026-12-2", "2026-12-16", "2026-12-31", "2026-12-2"}, {"2026-01-1", "2026-01-01", "2026-01-15", "2026-01-1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        digest_period_t p;
        const char *why = NULL;
        assert_int_equal(digest_period_parse(cases[i].text, &p, &why), 0);
        assert_string_equal(date_of(p.first), cases[i].first);
        assert_string_equal(date_of(p.last), cases[i].last);
        assert_string_equal(p.label, cases[i].label);
        assert_int_equal(p.from, calendar_day_start(p.first));
        assert_int_equal(p.to, calendar_day_end(p.last));
    }
    static const char *const bad[] = {"",          "2026-11",   "2026-11-3", "2026-11-0", "2026-13-1", "2026-00-1",
                                      "2026/11/1", "26-11-1",   "2026-111-1", "2026-11-12", "2026-1a-1", "1970-01-1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        digest_period_t p;
        const char *why = NULL;
        if (digest_period_parse(bad[i], &p, &why) == 0)
            fail_msg("'%s' was taken as a half month", bad[i]);
        assert_non_null(strstr(why, "period"));
    }
    digest_period_t p;
    digest_period_of(beijing(2026, 11, 15, 23, 59, 59), &p);
    assert_string_equal(p.label, "2026-11-1");
    digest_period_of(beijing(2026, 11, 16, 0, 0, 0), &p);
    assert_string_equal(p.label, "2026-11-2");
    digest_period_of(beijing(2026, 12, 31, 23, 59, 59), &p);
    assert_string_equal(p.label, "2026-12-2");
}

/* Rewordings of two complaints, and one of its own. */
static const char *const LAMP_A = "人民路路灯不亮，晚上出行很不方便，请尽快维修";
static const char *const LAMP_B = "人民路的路灯不亮了，晚上出行不方便，请维修";
static const char *const LAMP_C = "人民路路灯不亮，晚上出行不方便";
static const char *const SCHOOL_A = "学校门口上下学时段交通拥堵，车辆乱停乱放";
static const char *const SCHOOL_B = "学校门口上下学时段车辆乱停，交通拥堵严重";
static const char *const MARKET = "菜市场环境卫生差，污水横流";

/* The clusters of texts as "count:sample-text" lines joined, members as texts, for comparing
 * runs of different orders. */
static void describe(const char *const *texts, size_t n, char *out, size_t len)
{
    digest_cluster_t *c = NULL;
    size_t nc = 0;
    assert_int_equal(digest_cluster(texts, n, DIGEST_SIMILAR, &c, &nc), 0);
    out[0] = '\0';
    size_t total = 0;
    for (size_t k = 0; k < nc; k++) {
        snprintf(out + strlen(out), len - strlen(out), "%zu:%s|", c[k].count, texts[c[k].sample]);
        total += c[k].count;
        for (size_t m = 1; m < c[k].count; m++)
            assert_true(c[k].members[m - 1] < c[k].members[m]);
        if (k)
            assert_true(c[k - 1].count >= c[k].count);
    }
    assert_int_equal(total, n);
    digest_clusters_free(c, nc);
}

static void near_duplicates_cluster_and_different_complaints_stay_apart(void **state)
{
    (void)state;
    assert_true(opinion_similarity(LAMP_A, LAMP_B) >= DIGEST_SIMILAR);
    assert_true(opinion_similarity(SCHOOL_A, SCHOOL_B) >= DIGEST_SIMILAR);
    assert_true(opinion_similarity(LAMP_A, SCHOOL_A) < DIGEST_SIMILAR);
    const char *texts[] = {LAMP_A, SCHOOL_A, MARKET, LAMP_B, SCHOOL_B, LAMP_C};
    digest_cluster_t *c = NULL;
    size_t nc = 0;
    assert_int_equal(digest_cluster(texts, 6, DIGEST_SIMILAR, &c, &nc), 0);
    assert_int_equal(nc, 3);
    assert_int_equal(c[0].count, 3); /* the lamps: members 0, 3, 5 */
    assert_int_equal(c[0].members[0], 0);
    assert_int_equal(c[0].members[1], 3);
    assert_int_equal(c[0].members[2], 5);
    assert_int_equal(c[1].count, 2); /* the school: 1, 4 */
    assert_int_equal(c[1].members[0], 1);
    assert_int_equal(c[1].members[1], 4);
    assert_int_equal(c[1].sample, 1); /* a tie of two: the first */
    assert_int_equal(c[2].count, 1);
    assert_int_equal(c[2].sample, 2);
    /* the sample is the text most like the others of its cluster */
    double best = -1;
    size_t central = 0;
    for (size_t a = 0; a < 3; a++) {
        double sum = 0;
        for (size_t b = 0; b < 3; b++)
            if (a != b)
                sum += opinion_similarity(texts[c[0].members[a]], texts[c[0].members[b]]);
        if (sum > best)
            best = sum, central = c[0].members[a];
    }
    assert_int_equal(c[0].sample, central);
    digest_clusters_free(c, nc);
}

static void clusters_are_the_same_whatever_order_the_texts_come_in(void **state)
{
    (void)state;
    const char *one[] = {LAMP_A, SCHOOL_A, MARKET, LAMP_B, SCHOOL_B, LAMP_C};
    const char *two[] = {LAMP_C, SCHOOL_A, MARKET, LAMP_A, SCHOOL_B, LAMP_B};
    char a[2048], b[2048], again[2048];
    describe(one, 6, a, sizeof(a));
    describe(one, 6, again, sizeof(again));
    describe(two, 6, b, sizeof(b));
    assert_string_equal(a, again);
    assert_string_equal(a, b);
}

static void the_threshold_decides_between_one_cluster_and_none(void **state)
{
    (void)state;
    const char *texts[] = {LAMP_A, SCHOOL_A, MARKET, "", "！？"};
    digest_cluster_t *c = NULL;
    size_t nc = 0;
    assert_int_equal(digest_cluster(texts, 5, 0.0, &c, &nc), 0);
    assert_int_equal(nc, 1);
    assert_int_equal(c[0].count, 5);
    digest_clusters_free(c, nc);
    assert_int_equal(digest_cluster(texts, 5, 1.01, &c, &nc), 0);
    assert_int_equal(nc, 5);
    for (size_t k = 0; k < nc; k++)
        assert_int_equal(c[k].sample, k); /* singletons in their order */
    digest_clusters_free(c, nc);
    /* a chain links: each next text shares most with the one before, the ends little */
    const char *chain[] = {"甲乙丙丁戊己庚辛", "丙丁戊己庚辛壬癸", "戊己庚辛壬癸子丑"};
    assert_true(opinion_similarity(chain[0], chain[2]) < 0.5);
    assert_int_equal(digest_cluster(chain, 3, 0.5, &c, &nc), 0);
    assert_int_equal(nc, 1);
    assert_int_equal(c[0].sample, 1); /* the middle one is most central */
    digest_clusters_free(c, nc);
}

static void nothing_to_cluster_gives_no_clusters_and_too_many_is_refused(void **state)
{
    (void)state;
    digest_cluster_t *c = NULL;
    size_t nc = 7;
    assert_int_equal(digest_cluster(NULL, 0, DIGEST_SIMILAR, &c, &nc), 0);
    assert_int_equal(nc, 0);
    digest_clusters_free(c, nc);
    static const char *many[DIGEST_CLUSTER_MAX + 1];
    for (size_t i = 0; i <= DIGEST_CLUSTER_MAX; i++)
        many[i] = LAMP_A;
    c = NULL;
    assert_int_equal(digest_cluster(many, DIGEST_CLUSTER_MAX + 1, DIGEST_SIMILAR, &c, &nc), -1);
    assert_null(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_week_covers_monday_to_sunday_in_beijing),
        cmocka_unit_test(a_malformed_or_missing_week_is_refused_saying_why),
        cmocka_unit_test(the_week_of_a_time_is_the_beijing_days_week),
        cmocka_unit_test(a_half_month_runs_to_the_fifteenth_or_from_the_sixteenth_to_the_end),
        cmocka_unit_test(near_duplicates_cluster_and_different_complaints_stay_apart),
        cmocka_unit_test(clusters_are_the_same_whatever_order_the_texts_come_in),
        cmocka_unit_test(the_threshold_decides_between_one_cluster_and_none),
        cmocka_unit_test(nothing_to_cluster_gives_no_clusters_and_too_many_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
