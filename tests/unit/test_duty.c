/*
 * test_duty: the rules of scores and obligations (src/domain/duty.c) - the period of every day at
 * the edges of months, quarters and years; caps of none, zero, a multiple of the points and not;
 * the trace of which record earned what; ranks with ties; and obligations missed or due as of
 * each day of a year.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "domain/duty.h"

static void period_words_round_trip_and_unknown_ones_are_refused(void **state)
{
    const char *const words[] = {"month", "quarter", "year"};
    for (int i = 0; i < 3; i++) {
        duty_period_t p;
        assert_int_equal(duty_period_parse(words[i], &p), 0);
        assert_string_equal(duty_period_name(p), words[i]);
    }
    duty_period_t p = DUTY_YEAR;
    assert_int_equal(duty_period_parse("Month", &p), DUTY_EINVALID);
    assert_int_equal(duty_period_parse("", &p), DUTY_EINVALID);
    assert_int_equal(duty_period_parse("week", &p), DUTY_EINVALID);
    assert_int_equal(duty_period_parse(NULL, &p), DUTY_EINVALID);
    assert_int_equal(p, DUTY_YEAR);
    assert_int_equal(duty_periods_in_year(DUTY_MONTH), 12);
    assert_int_equal(duty_periods_in_year(DUTY_QUARTER), 4);
    assert_int_equal(duty_periods_in_year(DUTY_YEAR), 1);
}

static void every_day_of_a_leap_and_a_common_year_has_the_key_of_its_month_quarter_and_year(void **state)
{
    static const char *const quarters[] = {"Q1", "Q1", "Q1", "Q2", "Q2", "Q2", "Q3", "Q3", "Q3", "Q4", "Q4", "Q4"};
    for (int year = 2024; year <= 2026; year++) {
        calendar_day_t first, last;
        assert_int_equal(calendar_day_from_ymd(year, 1, 1, &first), 0);
        assert_int_equal(calendar_day_from_ymd(year, 12, 31, &last), 0);
        for (calendar_day_t d = first; d <= last; d++) {
            char day[11], key[DUTY_PERIOD_KEY_SIZE], want[16];
            int y, m;
            calendar_format_date(d, day);
            calendar_day_to_ymd(d, &y, &m, NULL);
            assert_int_equal(duty_day_period_key(DUTY_MONTH, day, key), 0);
            snprintf(want, sizeof(want), "%04d-%02d", y, m);
            assert_string_equal(key, want);
            assert_int_equal(duty_day_period_key(DUTY_QUARTER, day, key), 0);
            snprintf(want, sizeof(want), "%04d-%s", y, quarters[m - 1]);
            assert_string_equal(key, want);
            assert_int_equal(duty_day_period_key(DUTY_YEAR, day, key), 0);
            snprintf(want, sizeof(want), "%04d", y);
            assert_string_equal(key, want);
        }
    }
}

static void the_edges_of_quarters_fall_on_the_right_side(void **state)
{
    static const struct {
        const char *day, *quarter, *month;
    } cases[] = {
        {"2026-01-01", "2026-Q1", "2026-01"}, {"2026-03-31", "2026-Q1", "2026-03"},
        {"2026-04-01", "2026-Q2", "2026-04"}, {"2026-06-30", "2026-Q2", "2026-06"},
        {"2026-07-01", "2026-Q3", "2026-07"}, {"2026-09-30", "2026-Q3", "2026-09"},
        {"2026-10-01", "2026-Q4", "2026-10"}, {"2026-12-31", "2026-Q4", "2026-12"},
        {"2024-02-29", "2024-Q1", "2024-02"}, {"2026-11", "2026-Q4", "2026-11"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char key[DUTY_PERIOD_KEY_SIZE];
        assert_int_equal(duty_day_period_key(DUTY_QUARTER, cases[i].day, key), 0);
        assert_string_equal(key, cases[i].quarter);
        assert_int_equal(duty_day_period_key(DUTY_MONTH, cases[i].day, key), 0);
        assert_string_equal(key, cases[i].month);
    }
}

static void days_that_do_not_exist_or_are_not_written_yyyy_mm_dd_have_no_period(void **state)
{
    static const char *const bad[] = {"2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31",  "2026-1-05",
                                      "2026/01/05", "26-01-05",   "2026-01-5",  "2026-01-05x", "2026-",
                                      "",           "abcd-01-01", "2026-01-32", "2026-011"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char key[DUTY_PERIOD_KEY_SIZE] = "x";
        int y, m;
        if (duty_day_period_key(DUTY_MONTH, bad[i], key) != DUTY_EINVALID)
            fail_msg("%s was given the period %s", bad[i], key);
        assert_int_equal(duty_parse_month(bad[i], &y, &m), DUTY_EINVALID);
    }
    char key[DUTY_PERIOD_KEY_SIZE];
    assert_int_equal(duty_day_period_key(DUTY_MONTH, NULL, key), DUTY_EINVALID);
}

static void each_period_spans_its_months_and_days(void **state)
{
    int first, last;
    char from[11], to[11], key[DUTY_PERIOD_KEY_SIZE];
    for (int i = 0; i < 12; i++) {
        duty_period_months(DUTY_MONTH, i, &first, &last);
        assert_int_equal(first, i + 1);
        assert_int_equal(last, i + 1);
        assert_int_equal(duty_period_of_month(DUTY_MONTH, i + 1), i);
        assert_int_equal(duty_period_of_month(DUTY_QUARTER, i + 1), i / 3);
        assert_int_equal(duty_period_of_month(DUTY_YEAR, i + 1), 0);
    }
    duty_period_months(DUTY_QUARTER, 3, &first, &last);
    assert_int_equal(first, 10);
    assert_int_equal(last, 12);
    duty_period_months(DUTY_YEAR, 0, &first, &last);
    assert_int_equal(first, 1);
    assert_int_equal(last, 12);
    duty_period_days(DUTY_QUARTER, 2026, 1, from, to);
    assert_string_equal(from, "2026-04-01");
    assert_string_equal(to, "2026-06-31"); /* an upper bound of the days, compared as text */
    assert_true(strcmp("2026-06-30", to) <= 0 && strcmp("2026-07-01", to) > 0);
    duty_period_days(DUTY_MONTH, 2026, 1, from, to);
    assert_string_equal(from, "2026-02-01");
    assert_string_equal(to, "2026-02-31");
    duty_period_days(DUTY_YEAR, 2026, 0, from, to);
    assert_string_equal(from, "2026-01-01");
    assert_string_equal(to, "2026-12-31");
    duty_period_key(DUTY_MONTH, 2026, 0, key);
    assert_string_equal(key, "2026-01");
    duty_period_key(DUTY_QUARTER, 2026, 3, key);
    assert_string_equal(key, "2026-Q4");
    duty_period_key(DUTY_YEAR, 2026, 0, key);
    assert_string_equal(key, "2026");
}

static void the_period_ended_last_steps_back_over_the_new_year(void **state)
{
    static const struct {
        duty_period_t period;
        int month, year, index;
    } cases[] = {
        {DUTY_MONTH, 1, 2025, 11},   {DUTY_MONTH, 2, 2026, 0},   {DUTY_MONTH, 12, 2026, 10},
        {DUTY_QUARTER, 1, 2025, 3},  {DUTY_QUARTER, 3, 2025, 3}, {DUTY_QUARTER, 4, 2026, 0},
        {DUTY_QUARTER, 12, 2026, 2}, {DUTY_YEAR, 1, 2025, 0},    {DUTY_YEAR, 12, 2025, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        int year, index;
        duty_last_ended(cases[i].period, 2026, cases[i].month, &year, &index);
        assert_int_equal(year, cases[i].year);
        assert_int_equal(index, cases[i].index);
    }
}

static void the_twelve_kinds_of_duty_are_known_by_name_and_nothing_else(void **state)
{
    static const char *const shipped[] = {"training",   "meeting", "observe", "inspection", "reception", "visit",
                                          "suggestion", "group",   "report",  "help",       "campaign",  "online"};
    for (int i = 0; i < DUTY_KINDS; i++) {
        assert_string_equal(duty_kinds[i], shipped[i]);
        assert_int_equal(duty_kind_index(shipped[i]), i);
    }
    assert_int_equal(duty_kind_index("Visit"), DUTY_EINVALID);
    assert_int_equal(duty_kind_index(""), DUTY_EINVALID);
    assert_int_equal(duty_kind_index(NULL), DUTY_EINVALID);
}

/* ---- capped sums ------------------------------------------------------------------------------- */

static void assert_tally(const duty_tally_t *t, int64_t points, int64_t raw, int64_t records)
{
    assert_int_equal(t->points_total, points);
    assert_int_equal(t->raw, raw);
    assert_int_equal(t->records, records);
}

static void without_a_cap_every_record_earns_the_points(void **state)
{
    duty_tally_t t;
    duty_tally_init(&t, DUTY_YEAR, 3, DUTY_NO_CAP, 2026);
    for (int i = 0; i < 100; i++)
        assert_int_equal(duty_tally_record(&t, "2026-05-01"), 3);
    assert_tally(&t, 300, 300, 100);
}

static void a_cap_of_zero_lets_no_record_earn(void **state)
{
    duty_tally_t t;
    duty_tally_init(&t, DUTY_MONTH, 5, 0, 2026);
    assert_int_equal(duty_tally_record(&t, "2026-01-01"), 0);
    assert_int_equal(duty_tally_records(&t, "2026-02", 7), 0);
    assert_tally(&t, 0, 40, 8);
}

static void records_beyond_the_cap_earn_nothing_and_the_one_reaching_it_earns_the_rest(void **state)
{
    /* 3 points each, at most 8 a year: 3, 3, 2, then 0 */
    duty_tally_t t;
    duty_tally_init(&t, DUTY_YEAR, 3, 8, 2026);
    static const char *const days[] = {"2026-01-02", "2026-03-04", "2026-06-30", "2026-07-01", "2026-12-31"};
    static const int64_t want[] = {3, 3, 2, 0, 0};
    for (int i = 0; i < 5; i++)
        assert_int_equal(duty_tally_record(&t, days[i]), want[i]);
    assert_tally(&t, 8, 15, 5);
}

static void a_cap_equal_to_the_points_lets_exactly_one_record_earn(void **state)
{
    duty_tally_t t;
    duty_tally_init(&t, DUTY_YEAR, 5, 5, 2026); /* 向选民述职: 5 points, once a year */
    assert_int_equal(duty_tally_record(&t, "2026-03-01"), 5);
    assert_int_equal(duty_tally_record(&t, "2026-09-01"), 0);
    assert_int_equal(t.points_total, 5);
}

static void the_cap_starts_again_each_month_or_quarter(void **state)
{
    /* 接待选民: 2 points, at most 4 a month */
    duty_tally_t t;
    duty_tally_init(&t, DUTY_MONTH, 2, 4, 2026);
    assert_int_equal(duty_tally_record(&t, "2026-01-30"), 2);
    assert_int_equal(duty_tally_record(&t, "2026-01-31"), 2);
    assert_int_equal(duty_tally_record(&t, "2026-01-31"), 0);
    assert_int_equal(duty_tally_record(&t, "2026-02-01"), 2);
    assert_int_equal(t.points_total, 6);
    assert_int_equal(t.earned[0], 4);
    assert_int_equal(t.earned[1], 2);
    /* 网上履职: 1 point, at most 6 a quarter; March and April are two quarters */
    duty_tally_init(&t, DUTY_QUARTER, 1, 6, 2026);
    assert_int_equal(duty_tally_records(&t, "2026-01", 4), 4);
    assert_int_equal(duty_tally_records(&t, "2026-03", 4), 2);
    assert_int_equal(duty_tally_records(&t, "2026-04", 4), 4);
    assert_int_equal(duty_tally_records(&t, "2026-06", 4), 2);
    assert_int_equal(duty_tally_records(&t, "2026-12", 9), 6);
    assert_int_equal(t.points_total, 18);
    assert_int_equal(t.records, 25);
}

static void counts_by_month_give_the_same_sum_as_records_one_by_one(void **state)
{
    static const int caps[] = {DUTY_NO_CAP, 0, 1, 2, 3, 4, 5, 7, 12, 100};
    for (int period = DUTY_MONTH; period <= DUTY_YEAR; period++) {
        for (size_t c = 0; c < sizeof(caps) / sizeof(*caps); c++) {
            duty_tally_t one, many;
            duty_tally_init(&one, (duty_period_t)period, 2, caps[c], 2026);
            duty_tally_init(&many, (duty_period_t)period, 2, caps[c], 2026);
            for (int m = 1; m <= 12; m++) {
                char day[11];
                int n = (m * 7) % 5; /* 0..4 records a month */
                snprintf(day, sizeof(day), "2026-%02d-15", m);
                for (int i = 0; i < n; i++)
                    duty_tally_record(&one, day);
                duty_tally_records(&many, day, n);
            }
            assert_tally(&one, many.points_total, many.raw, many.records);
        }
    }
}

static void records_of_another_year_or_a_broken_day_are_refused_and_change_nothing(void **state)
{
    duty_tally_t t;
    duty_tally_init(&t, DUTY_YEAR, 2, DUTY_NO_CAP, 2026);
    assert_int_equal(duty_tally_record(&t, "2025-12-31"), DUTY_EINVALID);
    assert_int_equal(duty_tally_record(&t, "2027-01-01"), DUTY_EINVALID);
    assert_int_equal(duty_tally_record(&t, "2026-02-30"), DUTY_EINVALID);
    assert_int_equal(duty_tally_record(&t, "2026-02"), DUTY_EINVALID); /* a month is not a record's day */
    assert_int_equal(duty_tally_records(&t, "2026-02", -1), DUTY_EINVALID);
    assert_int_equal(duty_tally_month(&t, 0, 1), DUTY_EINVALID);
    assert_int_equal(duty_tally_month(&t, 13, 1), DUTY_EINVALID);
    assert_tally(&t, 0, 0, 0);
    /* a negative cap means none, negative points nothing */
    duty_tally_init(&t, DUTY_YEAR, -4, -7, 2026);
    assert_int_equal(t.cap, DUTY_NO_CAP);
    assert_int_equal(duty_tally_record(&t, "2026-01-01"), 0);
}

static void points_of_zero_earn_nothing_with_or_without_a_cap(void **state)
{
    duty_tally_t t;
    duty_tally_init(&t, DUTY_YEAR, 0, DUTY_NO_CAP, 2026);
    assert_int_equal(duty_tally_records(&t, "2026-01", 10), 0);
    duty_tally_init(&t, DUTY_YEAR, 0, 10, 2026);
    assert_int_equal(duty_tally_records(&t, "2026-01", 10), 0);
    assert_int_equal(t.records, 10);
}

/* ---- ranks ------------------------------------------------------------------------------------- */

static void ranks(const int64_t *scores, size_t n, duty_standing_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (duty_standing_t){.id = (int64_t)(100 - i), .score = scores[i], .index = i};
    duty_rank(out, n);
}

static void equal_scores_share_a_rank_and_the_next_rank_skips(void **state)
{
    duty_standing_t s[6];
    const int64_t scores[] = {10, 30, 20, 20, 5, 20};
    ranks(scores, 6, s);
    /* 30 first; three at 20 share 2; 10 is 5th; 5 is 6th */
    const int64_t want_score[] = {30, 20, 20, 20, 10, 5};
    const int want_rank[] = {1, 2, 2, 2, 5, 6};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(s[i].score, want_score[i]);
        assert_int_equal(s[i].rank, want_rank[i]);
        assert_int_equal(scores[s[i].index], s[i].score);
    }
    /* within a tie the lower id comes first */
    assert_true(s[1].id < s[2].id && s[2].id < s[3].id);
}

static void the_contract_example_ranks_one_two_two_four(void **state)
{
    duty_standing_t s[4];
    const int64_t scores[] = {9, 7, 7, 3};
    ranks(scores, 4, s);
    assert_int_equal(s[0].rank, 1);
    assert_int_equal(s[1].rank, 2);
    assert_int_equal(s[2].rank, 2);
    assert_int_equal(s[3].rank, 4);
}

static void everyone_at_zero_is_first_and_an_empty_list_is_fine(void **state)
{
    duty_standing_t s[5];
    const int64_t scores[] = {0, 0, 0, 0, 0};
    ranks(scores, 5, s);
    for (int i = 0; i < 5; i++)
        assert_int_equal(s[i].rank, 1);
    duty_rank(s, 0);
    ranks(scores, 1, s);
    assert_int_equal(s[0].rank, 1);
}

/* ---- obligations ------------------------------------------------------------------------------- */

static void a_monthly_obligation_lists_ended_months_missed_and_this_month_due(void **state)
{
    int64_t counts[DUTY_PERIODS_MAX] = {1, 0, 2, 0, 0, 1, 1, 1, 1, 1, 0, 0};
    duty_obligation_t o;
    duty_obligation_assess(DUTY_MONTH, 1, 2026, counts, 2026, 11, &o);
    assert_int_equal(o.elapsed, 11);
    assert_int_equal(o.nmissed, 3);
    assert_int_equal(o.missed[0], 1);
    assert_int_equal(o.missed[1], 3);
    assert_int_equal(o.missed[2], 4);
    assert_int_equal(o.due, 10); /* November is under way: due, not missed */
    assert_int_equal(o.met, 7);
    assert_true(duty_obligation_behind(&o));
    counts[10] = 1;
    duty_obligation_assess(DUTY_MONTH, 1, 2026, counts, 2026, 11, &o);
    assert_int_equal(o.due, -1);
    assert_int_equal(o.met, 8);
}

static void on_each_month_of_the_year_the_periods_elapsed_grow_by_the_rule(void **state)
{
    int64_t none[DUTY_PERIODS_MAX] = {0};
    for (int month = 1; month <= 12; month++) {
        duty_obligation_t o;
        duty_obligation_assess(DUTY_MONTH, 1, 2026, none, 2026, month, &o);
        assert_int_equal(o.elapsed, month);
        assert_int_equal(o.nmissed, month - 1);
        assert_int_equal(o.due, month - 1);
        duty_obligation_assess(DUTY_QUARTER, 1, 2026, none, 2026, month, &o);
        assert_int_equal(o.elapsed, (month - 1) / 3 + 1);
        assert_int_equal(o.nmissed, (month - 1) / 3);
        assert_int_equal(o.due, (month - 1) / 3);
        duty_obligation_assess(DUTY_YEAR, 1, 2026, none, 2026, month, &o);
        assert_int_equal(o.elapsed, 1);
        assert_int_equal(o.nmissed, 0);
        assert_int_equal(o.due, 0);
    }
}

static void a_past_year_has_every_period_ended_and_a_future_one_none(void **state)
{
    int64_t counts[DUTY_PERIODS_MAX] = {2, 1, 0, 3};
    duty_obligation_t o;
    duty_obligation_assess(DUTY_QUARTER, 2, 2025, counts, 2026, 1, &o);
    assert_int_equal(o.elapsed, 4);
    assert_int_equal(o.nmissed, 2);
    assert_int_equal(o.missed[0], 1);
    assert_int_equal(o.missed[1], 2);
    assert_int_equal(o.due, -1);
    assert_int_equal(o.met, 2);
    duty_obligation_assess(DUTY_QUARTER, 2, 2027, counts, 2026, 12, &o);
    assert_int_equal(o.elapsed, 0);
    assert_int_equal(o.nmissed, 0);
    assert_int_equal(o.due, -1);
    assert_false(duty_obligation_behind(&o));
    duty_obligation_assess(DUTY_YEAR, 1, 2025, (int64_t[DUTY_PERIODS_MAX]){0}, 2026, 6, &o);
    assert_int_equal(o.nmissed, 1);
    assert_int_equal(o.missed[0], 0);
}

static void doing_more_than_required_in_one_period_does_not_make_up_for_another(void **state)
{
    int64_t counts[DUTY_PERIODS_MAX] = {5, 0};
    duty_obligation_t o;
    duty_obligation_assess(DUTY_QUARTER, 1, 2026, counts, 2026, 7, &o);
    assert_int_equal(o.nmissed, 1);
    assert_int_equal(o.missed[0], 1);
    assert_int_equal(o.due, 2);
    assert_int_equal(o.met, 1);
    assert_int_equal(o.elapsed, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(period_words_round_trip_and_unknown_ones_are_refused),
        cmocka_unit_test(every_day_of_a_leap_and_a_common_year_has_the_key_of_its_month_quarter_and_year),
        cmocka_unit_test(the_edges_of_quarters_fall_on_the_right_side),
        cmocka_unit_test(days_that_do_not_exist_or_are_not_written_yyyy_mm_dd_have_no_period),
        cmocka_unit_test(each_period_spans_its_months_and_days),
        cmocka_unit_test(the_period_ended_last_steps_back_over_the_new_year),
        cmocka_unit_test(the_twelve_kinds_of_duty_are_known_by_name_and_nothing_else),
        cmocka_unit_test(without_a_cap_every_record_earns_the_points),
        cmocka_unit_test(a_cap_of_zero_lets_no_record_earn),
        cmocka_unit_test(records_beyond_the_cap_earn_nothing_and_the_one_reaching_it_earns_the_rest),
        cmocka_unit_test(a_cap_equal_to_the_points_lets_exactly_one_record_earn),
        cmocka_unit_test(the_cap_starts_again_each_month_or_quarter),
        cmocka_unit_test(counts_by_month_give_the_same_sum_as_records_one_by_one),
        cmocka_unit_test(records_of_another_year_or_a_broken_day_are_refused_and_change_nothing),
        cmocka_unit_test(points_of_zero_earn_nothing_with_or_without_a_cap),
        cmocka_unit_test(equal_scores_share_a_rank_and_the_next_rank_skips),
        cmocka_unit_test(the_contract_example_ranks_one_two_two_four),
        cmocka_unit_test(everyone_at_zero_is_first_and_an_empty_list_is_fine),
        cmocka_unit_test(a_monthly_obligation_lists_ended_months_missed_and_this_month_due),
        cmocka_unit_test(on_each_month_of_the_year_the_periods_elapsed_grow_by_the_rule),
        cmocka_unit_test(a_past_year_has_every_period_ended_and_a_future_one_none),
        cmocka_unit_test(doing_more_than_required_in_one_period_does_not_make_up_for_another),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
