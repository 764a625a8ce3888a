/*
 * test_calendar: the working-day calendar of src/core/calendar.c that deadlines are counted in,
 * and its table (src/store/calendar.c). What a user sees: a deadline skips weekends and the
 * Spring Festival and National Day holidays, counts their make-up working Saturdays and Sundays,
 * counts from the Beijing day a thing was received (not the UTC day), ends at 23:59:59 Beijing
 * time, and is flagged 预警 when two working days or fewer are left and 超期 from the next second.
 *
 * The fixture is the State Council's 2026 arrangement (国务院办公厅关于2026年部分节假日安排的通知,
 * 2025-11-04), as far as these tests need it:
 *   春节   holidays 2026-02-15 (Sun) .. 2026-02-23 (Mon), nine days off;
 *          make-up working days Sat 2026-02-14 and Sat 2026-02-28.
 *   国庆节 holidays 2026-10-01 (Thu) .. 2026-10-07 (Wed);
 *          make-up working days Sun 2026-09-20 and Sat 2026-10-10.
 * Expected dates are written out by hand from a wall calendar; times are Beijing time (+08:00)
 * and turned into UTC seconds with the C library's timegm, not with the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/calendar.h"
#include "store/calendar.h"
#include "store/migrations.h"
#include "store/store.h"

/* ---- helpers: an oracle independent of calendar.c ---- */

/* "YYYY-MM-DD HH:MM:SS" read as UTC seconds through timegm (a trailing "Z" is ignored). */
static int64_t timegm_of(const char *text)
{
    struct tm tm = {0};
    if (sscanf(text, "%4d-%2d-%2d %2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec) != 6)
        fail_msg("bad test time '%s'", text);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

/* A Beijing time "YYYY-MM-DD HH:MM:SS" as UTC seconds. */
static int64_t beijing(const char *local)
{
    return timegm_of(local) - 8 * 3600;
}

/* A UTC time written "YYYY-MM-DD HH:MM:SSZ". */
static int64_t utc(const char *text)
{
    return timegm_of(text);
}

/* A UTC time as Beijing "YYYY-MM-DD HH:MM:SS", for messages. */
static const char *show(int64_t t, char out[32])
{
    time_t local = (time_t)(t + 8 * 3600);
    struct tm tm;
    gmtime_r(&local, &tm);
    strftime(out, 32, "%Y-%m-%d %H:%M:%S %a", &tm);
    return out;
}

static calendar_day_t day(const char *text)
{
    calendar_day_t d;
    if (calendar_parse_date(text, &d) != 0)
        fail_msg("bad test date '%s'", text);
    return d;
}

/* The fixture: see the comment at the top. */
static const struct {
    const char *from, *to;
    calendar_kind_t kind;
} fixture_2026[] = {
    {"2026-02-14", "2026-02-14", CALENDAR_WORKDAY}, {"2026-02-15", "2026-02-23", CALENDAR_HOLIDAY},
    {"2026-02-28", "2026-02-28", CALENDAR_WORKDAY}, {"2026-09-20", "2026-09-20", CALENDAR_WORKDAY},
    {"2026-10-01", "2026-10-07", CALENDAR_HOLIDAY}, {"2026-10-10", "2026-10-10", CALENDAR_WORKDAY},
};
#define NFIXTURE (sizeof(fixture_2026) / sizeof(fixture_2026[0]))

static int setup_fixture(void **state)
{
    calendar_t *cal = malloc(sizeof(*cal));
    calendar_init(cal);
    /* backwards, to show the order of adding does not matter */
    for (size_t i = NFIXTURE; i-- > 0;)
        for (calendar_day_t d = day(fixture_2026[i].to); d >= day(fixture_2026[i].from); d--)
            assert_int_equal(calendar_add(cal, d, fixture_2026[i].kind), 0);
    *state = cal;
    return 0;
}

static int teardown_fixture(void **state)
{
    calendar_free(*state);
    free(*state);
    return 0;
}

/* ---- dates ---- */

static void every_date_from_1970_to_2200_matches_the_system_calendar(void **state)
{
    (void)state;
    for (int y = 1970; y <= 2200; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
                time_t t = timegm(&tm);
                struct tm back;
                gmtime_r(&t, &back);
                calendar_day_t got;
                int rc = calendar_day_from_ymd(y, m, d, &got);
                if (back.tm_mday != d) { /* 31 April, 29 February of a common year */
                    if (rc != CALENDAR_EINVALID)
                        fail_msg("%04d-%02d-%02d does not exist but was accepted", y, m, d);
                    continue;
                }
                if (rc != 0 || got != (calendar_day_t)(t / 86400))
                    fail_msg("%04d-%02d-%02d: day %d, want %lld", y, m, d, got, (long long)(t / 86400));
                int yy, mm, dd;
                calendar_day_to_ymd(got, &yy, &mm, &dd);
                if (yy != y || mm != m || dd != d)
                    fail_msg("day %d reads back as %04d-%02d-%02d, want %04d-%02d-%02d", got, yy, mm, dd, y, m, d);
                if (calendar_weekday(got) != (back.tm_wday == 0 ? 7 : back.tm_wday))
                    fail_msg("%04d-%02d-%02d: weekday %d, want tm_wday %d", y, m, d, calendar_weekday(got),
                             back.tm_wday);
                char text[11], want[11];
                calendar_format_date(got, text);
                snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
                assert_string_equal(text, want);
            }
}

static void dates_are_read_as_typed_or_as_excel_saves_them_and_impossible_ones_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want; /* NULL: refused */
    } cases[] = {
        {"2026-02-17", "2026-02-17"},
        {"2026-2-17", "2026-02-17"},
        {"2026/2/17", "2026-02-17"}, /* Excel on a Chinese Windows saves dates like this */
        {"2026/02/07", "2026-02-07"},
        {"2026-2-7", "2026-02-07"},
        {"2024-02-29", "2024-02-29"}, /* a leap day */
        {"2000-02-29", "2000-02-29"}, /* divisible by 400: leap */
        {"1970-01-01", "1970-01-01"},
        {"9999-12-31", "9999-12-31"},
        {"2026-12-31", "2026-12-31"},
        {"2026-02-29", NULL}, /* 2026 is a common year */
        {"2100-02-29", NULL}, /* divisible by 100, not 400: common */
        {"2026-02-30", NULL},
        {"2026-04-31", NULL},
        {"2026-13-01", NULL},
        {"2026-00-10", NULL},
        {"2026-01-00", NULL},
        {"2026-01-32", NULL},
        {"1969-12-31", NULL}, /* before the calendar's first year */
        {"", NULL},
        {"2026", NULL},
        {"2026-02", NULL},
        {"2026-02-", NULL},
        {"20260217", NULL},
        {"26-02-17", NULL},
        {"02026-02-17", NULL},
        {"2026-002-17", NULL},
        {"2026-02-017", NULL},
        {"2026-02/17", NULL}, /* mixed separators */
        {"2026.02.17", NULL},
        {" 2026-02-17", NULL},
        {"2026-02-17 ", NULL},
        {"2026-02-17T00:00", NULL},
        {"+2026-02-17", NULL},
        {"2026--2-17", NULL},
        {"2026年2月17日", NULL},
        {"abcd-ef-gh", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        calendar_day_t d = -1;
        int rc = calendar_parse_date(cases[i].text, &d);
        if (cases[i].want == NULL) {
            if (rc != CALENDAR_EINVALID)
                fail_msg("'%s' was accepted as day %d", cases[i].text, d);
            continue;
        }
        if (rc != 0)
            fail_msg("'%s' was refused", cases[i].text);
        char text[11];
        calendar_format_date(d, text);
        if (strcmp(text, cases[i].want) != 0)
            fail_msg("'%s' read as %s, want %s", cases[i].text, text, cases[i].want);
    }
}

static void kinds_are_holiday_or_workday_in_english_or_chinese(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int want; /* a calendar_kind_t, or 0: refused */
    } cases[] = {
        {"holiday", CALENDAR_HOLIDAY},
        {"Holiday", CALENDAR_HOLIDAY},
        {"HOLIDAY", CALENDAR_HOLIDAY},
        {"休", CALENDAR_HOLIDAY},
        {"workday", CALENDAR_WORKDAY},
        {"WorkDay", CALENDAR_WORKDAY},
        {"班", CALENDAR_WORKDAY},
        {"", 0},
        {"holidays", 0},
        {"work", 0},
        {"假", 0},
        {"上班", 0},
        {"休息", 0},
        {" 休", 0},
        {"weekday", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        calendar_kind_t k = 0;
        int rc = calendar_parse_kind(cases[i].text, &k);
        if (cases[i].want == 0 ? rc != CALENDAR_EINVALID : rc != 0 || (int)k != cases[i].want)
            fail_msg("kind '%s': rc %d kind %d, want %d", cases[i].text, rc, (int)k, cases[i].want);
    }
    assert_string_equal(calendar_kind_name(CALENDAR_HOLIDAY), "holiday");
    assert_string_equal(calendar_kind_name(CALENDAR_WORKDAY), "workday");
}

/* ---- the Beijing day of a time ---- */

static void received_at_23_30_beijing_time_counts_from_that_beijing_day(void **state)
{
    (void)state;
    static const struct {
        const char *at; /* UTC */
        const char *beijing_day;
    } cases[] = {
        {"2026-03-05 15:30:00Z", "2026-03-05"}, /* Thursday 23:30 in Beijing */
        {"2026-03-05 15:59:59Z", "2026-03-05"}, /* the last second of Thursday in Beijing */
        {"2026-03-05 16:00:00Z", "2026-03-06"}, /* Friday 00:00:00 in Beijing, still Thursday in UTC */
        {"2026-03-05 16:30:00Z", "2026-03-06"}, /* Friday 00:30 in Beijing */
        {"2026-03-05 23:59:59Z", "2026-03-06"},
        {"2026-03-06 00:00:00Z", "2026-03-06"},
        {"2026-03-06 08:00:00Z", "2026-03-06"},
        {"2025-12-31 16:00:00Z", "2026-01-01"}, /* the new year comes eight hours early */
        {"2025-12-31 15:59:59Z", "2025-12-31"},
        {"2028-02-28 16:00:00Z", "2028-02-29"}, /* a leap day */
        {"1970-01-01 00:00:00Z", "1970-01-01"},
        {"1969-12-31 16:00:00Z", "1970-01-01"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char got[11];
        calendar_format_date(calendar_day_of(utc(cases[i].at)), got);
        if (strcmp(got, cases[i].beijing_day) != 0)
            fail_msg("%s is on %s in Beijing, want %s", cases[i].at, got, cases[i].beijing_day);
    }
}

static void a_beijing_day_runs_from_00_00_00_to_23_59_59_plus_8(void **state)
{
    (void)state;
    calendar_day_t d = day("2026-02-24");
    assert_int_equal(calendar_day_start(d), utc("2026-02-23 16:00:00Z"));
    assert_int_equal(calendar_day_end(d), utc("2026-02-24 15:59:59Z"));
    assert_int_equal(calendar_day_of(calendar_day_start(d)), d);
    assert_int_equal(calendar_day_of(calendar_day_end(d)), d);
    assert_int_equal(calendar_day_of(calendar_day_start(d) - 1), d - 1);
    assert_int_equal(calendar_day_of(calendar_day_end(d) + 1), d + 1);
}

/* ---- which days are worked ---- */

static void spring_festival_is_off_and_its_make_up_saturdays_are_working_days(void **state)
{
    const calendar_t *cal = *state;
    static const struct {
        const char *date;
        bool working;
    } cases[] = {
        {"2026-02-09", true},  /* Mon */
        {"2026-02-13", true},  /* Fri */
        {"2026-02-14", true},  /* Sat, 调休: worked */
        {"2026-02-15", false}, /* Sun, 春节 begins */
        {"2026-02-16", false}, /* Mon, 除夕 */
        {"2026-02-17", false}, /* Tue, 春节 */
        {"2026-02-18", false}, {"2026-02-19", false}, {"2026-02-20", false},
        {"2026-02-21", false}, {"2026-02-22", false}, {"2026-02-23", false}, /* Mon, the ninth day off */
        {"2026-02-24", true},                                                /* Tue, back at work */
        {"2026-02-27", true},                                                /* Fri */
        {"2026-02-28", true},                                                /* Sat, 调休: worked */
        {"2026-03-01", false},                                               /* Sun */
        {"2026-03-02", true},                                                /* Mon */
        {"2026-03-07", false},                                               /* an ordinary Saturday */
        {"2026-03-08", false},                                               /* an ordinary Sunday */
        {"2026-09-19", false},                                               /* Sat */
        {"2026-09-20", true},                                                /* Sun, 调休 for 国庆节: worked */
        {"2026-09-30", true},                                                /* Wed */
        {"2026-10-01", false},                                               /* Thu, 国庆节 */
        {"2026-10-05", false},                                               /* Mon */
        {"2026-10-07", false},                                               /* Wed, the last day off */
        {"2026-10-08", true},                                                /* Thu */
        {"2026-10-10", true},                                                /* Sat, 调休: worked */
        {"2026-10-11", false},                                               /* Sun */
        {"2027-02-15", true}, /* a Monday of a year the fixture doesn't list: the weekday rule */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (calendar_is_working_day(cal, day(cases[i].date)) != cases[i].working)
            fail_msg("%s should be a %s", cases[i].date, cases[i].working ? "working day" : "day off");
}

static void without_a_calendar_monday_to_friday_are_worked_and_weekends_are_not(void **state)
{
    (void)state;
    calendar_t empty;
    calendar_init(&empty);
    calendar_day_t monday = day("2026-03-02");
    for (int i = 0; i < 7 * 60; i++) /* sixty weeks */
        if (calendar_is_working_day(&empty, monday + i) != (i % 7 < 5))
            fail_msg("day %d after Monday 2026-03-02: wrong", i);
    calendar_free(&empty);
}

static void a_day_listed_again_takes_its_new_kind_and_days_stay_in_order(void **state)
{
    (void)state;
    calendar_t cal;
    calendar_init(&cal);
    static const char *const days[] = {"2026-10-10", "2026-02-14", "2026-05-09", "2026-01-04", "2026-02-28"};
    for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++)
        assert_int_equal(calendar_add(&cal, day(days[i]), CALENDAR_HOLIDAY), 0);
    assert_false(calendar_is_working_day(&cal, day("2026-02-14")));
    assert_int_equal(calendar_add(&cal, day("2026-02-14"), CALENDAR_WORKDAY), 0);
    assert_true(calendar_is_working_day(&cal, day("2026-02-14")));
    assert_int_equal(cal.count, 5);
    for (size_t i = 1; i < cal.count; i++)
        assert_true(cal.days[i - 1].day < cal.days[i].day);
    assert_int_equal(calendar_add(&cal, day("2026-03-02"), (calendar_kind_t)7), CALENDAR_EINVALID);
    assert_int_equal(cal.count, 5);
    calendar_free(&cal);
    assert_int_equal(cal.count, 0);
}

/* ---- deadlines ---- */

typedef struct {
    const char *received; /* Beijing time */
    int n;
    const char *due_day; /* the deadline is 23:59:59 Beijing time that day */
} deadline_case_t;

static void check_deadlines(const calendar_t *cal, const deadline_case_t *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        int64_t due = calendar_add_working_days(cal, beijing(cases[i].received), cases[i].n);
        char want_text[32], got_text[32];
        snprintf(want_text, sizeof(want_text), "%s 23:59:59", cases[i].due_day);
        int64_t want = beijing(want_text);
        if (due != want)
            fail_msg("received %s, %d working days: due %s, want %s", cases[i].received, cases[i].n,
                     show(due, got_text), want_text);
    }
}

static void opinion_received_friday_night_with_two_days_is_due_tuesday_night(void **state)
{
    static const deadline_case_t cases[] = {
        {"2026-03-06 21:00:00", 2, "2026-03-10"},  /* Fri night -> Mon, Tue */
        {"2026-03-06 08:00:00", 2, "2026-03-10"},  /* Friday morning: the day of receipt never counts */
        {"2026-03-07 10:00:00", 2, "2026-03-10"},  /* Saturday */
        {"2026-03-08 23:59:59", 2, "2026-03-10"},  /* the last second of Sunday */
        {"2026-03-09 00:00:00", 2, "2026-03-11"},  /* the first second of Monday */
        {"2026-03-02 09:00:00", 1, "2026-03-03"},  /* Mon -> Tue */
        {"2026-03-02 09:00:00", 5, "2026-03-09"},  /* Mon -> next Mon */
        {"2026-03-04 09:00:00", 15, "2026-03-25"}, /* the default answer deadline, three weeks */
    };
    check_deadlines(*state, cases, sizeof(cases) / sizeof(cases[0]));
}

static void deadline_skips_spring_festival_and_counts_make_up_saturday(void **state)
{
    static const deadline_case_t cases[] = {
        {"2026-02-12 10:00:00", 2, "2026-02-14"}, /* Thu -> Fri, then the make-up Saturday */
        {"2026-02-13 10:00:00", 1, "2026-02-14"}, /* Fri -> the make-up Saturday */
        {"2026-02-13 21:00:00", 2, "2026-02-24"}, /* Sat 14th, then nine days off, Tue 24th */
        {"2026-02-13 21:00:00", 3, "2026-02-25"},
        {"2026-02-14 11:00:00", 1, "2026-02-24"}, /* received on the worked Saturday */
        {"2026-02-14 11:00:00", 2, "2026-02-25"},
        {"2026-02-17 10:00:00", 1, "2026-02-24"}, /* received during the holiday (春节, 初一) */
        {"2026-02-17 10:00:00", 2, "2026-02-25"},
        {"2026-02-23 23:59:59", 1, "2026-02-24"}, /* the last second of the holiday */
        {"2026-02-24 00:00:00", 1, "2026-02-25"}, /* the first second back at work */
        {"2026-02-27 16:00:00", 1, "2026-02-28"}, /* Fri -> the second make-up Saturday */
        {"2026-02-27 16:00:00", 2, "2026-03-02"},
        /* answer in 15 working days from Mon 9 Feb: 10-13 (4), 14 (5), 24-27 (9), 28 (10), 2-6 Mar (15) */
        {"2026-02-09 09:00:00", 15, "2026-03-06"},
    };
    check_deadlines(*state, cases, sizeof(cases) / sizeof(cases[0]));
}

static void deadline_skips_national_day_and_counts_its_make_up_weekend_days(void **state)
{
    static const deadline_case_t cases[] = {
        {"2026-09-18 10:00:00", 1, "2026-09-20"}, /* Fri -> the make-up Sunday */
        {"2026-09-19 10:00:00", 2, "2026-09-21"},
        {"2026-09-30 10:00:00", 1, "2026-10-08"}, /* Wed -> seven days off -> Thu */
        {"2026-09-30 10:00:00", 2, "2026-10-09"},
        {"2026-09-30 10:00:00", 3, "2026-10-10"}, /* the make-up Saturday */
        {"2026-09-30 10:00:00", 4, "2026-10-12"},
        {"2026-10-03 10:00:00", 2, "2026-10-09"},
    };
    check_deadlines(*state, cases, sizeof(cases) / sizeof(cases[0]));
}

static void received_at_00_30_beijing_time_counts_from_that_beijing_day_not_the_utc_day(void **state)
{
    const calendar_t *cal = *state;
    /* Friday 00:30 in Beijing is still Thursday in UTC: one working day later is Monday, not Friday */
    int64_t friday_0030 = utc("2026-03-05 16:30:00Z");
    assert_int_equal(calendar_add_working_days(cal, friday_0030, 1), beijing("2026-03-09 23:59:59"));
    /* Thursday 23:30 in Beijing: one working day later is Friday */
    int64_t thursday_2330 = utc("2026-03-05 15:30:00Z");
    assert_int_equal(calendar_add_working_days(cal, thursday_2330, 1), beijing("2026-03-06 23:59:59"));
    /* Friday 13 February 23:30 in Beijing: the make-up Saturday is the first working day */
    assert_int_equal(calendar_add_working_days(cal, utc("2026-02-13 15:30:00Z"), 1), beijing("2026-02-14 23:59:59"));
}

static void zero_or_negative_working_days_are_due_at_the_end_of_the_day_received(void **state)
{
    static const deadline_case_t cases[] = {
        {"2026-03-06 00:00:00", 0, "2026-03-06"},  {"2026-03-06 23:59:59", 0, "2026-03-06"},
        {"2026-03-07 10:00:00", 0, "2026-03-07"}, /* even a Saturday */
        {"2026-02-17 10:00:00", 0, "2026-02-17"}, /* even a holiday */
        {"2026-03-06 10:00:00", -3, "2026-03-06"},
    };
    check_deadlines(*state, cases, sizeof(cases) / sizeof(cases[0]));
}

static void a_huge_number_of_working_days_is_capped_not_looped_forever(void **state)
{
    const calendar_t *cal = *state;
    int64_t from = beijing("2026-03-02 09:00:00");
    int64_t capped = calendar_add_working_days(cal, from, CALENDAR_MAX_WORKING_DAYS);
    assert_int_equal(calendar_add_working_days(cal, from, 2000000000), capped);
    assert_int_equal(calendar_working_days_between(cal, from, capped), CALENDAR_MAX_WORKING_DAYS);
}

/* ---- counting working days ---- */

static void working_days_between_counts_the_days_after_from_up_to_to(void **state)
{
    const calendar_t *cal = *state;
    static const struct {
        const char *from, *to; /* Beijing time */
        int64_t want;
    } cases[] = {
        {"2026-03-06 21:00:00", "2026-03-10 23:59:59", 2},  /* Fri -> Tue: Mon, Tue */
        {"2026-03-10 23:59:59", "2026-03-06 21:00:00", -2}, /* the other way round */
        {"2026-03-06 08:00:00", "2026-03-06 23:00:00", 0},  /* the same day */
        {"2026-03-06 23:59:59", "2026-03-07 00:00:00", 0},  /* Fri -> Sat */
        {"2026-03-08 23:59:59", "2026-03-09 00:00:00", 1},  /* Sun -> Mon, one second apart */
        {"2026-02-13 10:00:00", "2026-02-24 10:00:00", 2},  /* the 14th and the 24th */
        {"2026-02-14 10:00:00", "2026-02-23 10:00:00", 0},  /* nothing worked inside 春节 */
        {"2026-02-01 00:00:00", "2026-03-01 00:00:00", 16}, /* February: 20 weekdays - 6 off + 2 Saturdays */
        {"2026-09-30 12:00:00", "2026-10-12 12:00:00", 4},  /* 8th, 9th, 10th (Sat), 12th */
        /* 2026 after New Year's Day: 260 weekdays - 11 off + 4 worked, and Friday 2027-01-01 */
        {"2026-01-01 00:00:00", "2027-01-01 00:00:00", 254},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t got = calendar_working_days_between(cal, beijing(cases[i].from), beijing(cases[i].to));
        if (got != cases[i].want)
            fail_msg("%s .. %s: %lld working days, want %lld", cases[i].from, cases[i].to, (long long)got,
                     (long long)cases[i].want);
    }
}

/* Every start hour through 2026 and every n up to 20 against a count made day by day with
 * calendar_is_working_day: the fast count and the deadlines agree with the plain rule. */
static void deadlines_and_counts_agree_with_counting_day_by_day_all_through_2026(void **state)
{
    const calendar_t *cal = *state;
    int64_t start = beijing("2026-01-01 00:00:00"), end = beijing("2027-01-01 00:00:00");
    for (int64_t from = start; from < end; from += 5 * 3600 + 17 * 60) {
        calendar_day_t first = calendar_day_of(from);
        calendar_day_t d = first;
        for (int n = 1; n <= 20; n++) {
            do
                d++;
            while (!calendar_is_working_day(cal, d));
            int64_t due = calendar_add_working_days(cal, from, n);
            char a[32], b[32];
            if (due != calendar_day_end(d))
                fail_msg("from %s, n %d: due %s, want the end of day %d", show(from, a), n, show(due, b), d);
            if (calendar_working_days_between(cal, from, due) != n ||
                calendar_working_days_between(cal, due, from) != -n)
                fail_msg("from %s to %s: between is not %d", show(from, a), show(due, b), n);
        }
    }
}

/* ---- 预警 and 超期 ---- */

typedef struct {
    const char *now; /* Beijing time */
    const char *due; /* Beijing time */
    int warn_days;
    calendar_flag_t want;
} flag_case_t;

static void check_flags(const calendar_t *cal, const flag_case_t *cases, size_t count)
{
    static const char *const names[] = {"none", "warn", "overdue"};
    for (size_t i = 0; i < count; i++) {
        calendar_flag_t got =
            calendar_deadline_flag(cal, beijing(cases[i].now), beijing(cases[i].due), cases[i].warn_days);
        if (got != cases[i].want)
            fail_msg("at %s, due %s, warn %d: %s, want %s", cases[i].now, cases[i].due, cases[i].warn_days, names[got],
                     names[cases[i].want]);
    }
}

static void due_within_two_working_days_is_flagged_warning(void **state)
{
    static const flag_case_t cases[] = {
        /* due at the end of Tuesday 10 March */
        {"2026-03-05 09:00:00", "2026-03-10 23:59:59", 2, CALENDAR_FLAG_NONE}, /* Thu: Thu, Fri, Mon, Tue left */
        {"2026-03-06 21:00:00", "2026-03-10 23:59:59", 2, CALENDAR_FLAG_NONE}, /* Fri: Fri, Mon, Tue left */
        {"2026-03-06 23:59:59", "2026-03-10 23:59:59", 2, CALENDAR_FLAG_NONE},
        {"2026-03-07 00:00:00", "2026-03-10 23:59:59", 2, CALENDAR_FLAG_WARN}, /* Sat: Mon, Tue left */
        {"2026-03-08 12:00:00", "2026-03-10 23:59:59", 2, CALENDAR_FLAG_WARN},
        {"2026-03-09 09:00:00", "2026-03-10 23:59:59", 2, CALENDAR_FLAG_WARN}, /* Mon */
        {"2026-03-10 09:00:00", "2026-03-10 23:59:59", 2, CALENDAR_FLAG_WARN}, /* Tue, due tonight */
        {"2026-03-06 21:00:00", "2026-03-10 23:59:59", 3, CALENDAR_FLAG_WARN}, /* a wider window */
        {"2026-03-09 09:00:00", "2026-03-10 23:59:59", 1, CALENDAR_FLAG_NONE}, /* a narrower one */
        {"2026-03-10 09:00:00", "2026-03-10 23:59:59", 1, CALENDAR_FLAG_WARN},
        {"2026-03-09 09:00:00", "2026-03-10 23:59:59", 0, CALENDAR_FLAG_NONE}, /* no warning wanted */
        /* due at the end of Tuesday 24 February, right after 春节 */
        {"2026-02-13 10:00:00", "2026-02-24 23:59:59", 2, CALENDAR_FLAG_NONE}, /* Fri, Sat 14th, Tue 24th */
        {"2026-02-14 10:00:00", "2026-02-24 23:59:59", 2, CALENDAR_FLAG_WARN}, /* Sat 14th (worked), 24th */
        {"2026-02-18 10:00:00", "2026-02-24 23:59:59", 2, CALENDAR_FLAG_WARN}, /* only the 24th is left */
        {"2026-02-18 10:00:00", "2026-02-24 23:59:59", 1, CALENDAR_FLAG_WARN},
        /* due on a day off, today */
        {"2026-03-08 10:00:00", "2026-03-08 23:59:59", 2, CALENDAR_FLAG_WARN},
    };
    check_flags(*state, cases, sizeof(cases) / sizeof(cases[0]));
}

static void past_due_is_flagged_overdue(void **state)
{
    static const flag_case_t cases[] = {
        {"2026-03-10 23:59:59", "2026-03-10 23:59:59", 2, CALENDAR_FLAG_WARN},    /* the last second on time */
        {"2026-03-11 00:00:00", "2026-03-10 23:59:59", 2, CALENDAR_FLAG_OVERDUE}, /* midnight: overdue */
        {"2026-03-11 00:00:00", "2026-03-10 23:59:59", 0, CALENDAR_FLAG_OVERDUE}, /* with no warning window */
        {"2026-03-20 10:00:00", "2026-03-10 23:59:59", 2, CALENDAR_FLAG_OVERDUE},
        {"2026-02-16 10:00:00", "2026-02-13 23:59:59", 2, CALENDAR_FLAG_OVERDUE}, /* holidays don't stop it */
        {"2027-01-01 00:00:00", "2026-03-10 23:59:59", 2, CALENDAR_FLAG_OVERDUE},
    };
    check_flags(*state, cases, sizeof(cases) / sizeof(cases[0]));
}

/* ---- the table ---- */

typedef struct {
    char dir[64];
    char path[128];
    store_t *db;
} tmp_db_t;

static int setup_db(void **state)
{
    tmp_db_t *t = calloc(1, sizeof(*t));
    snprintf(t->dir, sizeof(t->dir), "/tmp/liaison-test-calendar-XXXXXX");
    if (mkdtemp(t->dir) == NULL)
        return -1;
    snprintf(t->path, sizeof(t->path), "%s/liaison.db", t->dir);
    char err[512];
    int applied;
    if (store_open(&t->db, t->path, STORE_READ_WRITE, err, sizeof(err)) != STORE_OK ||
        store_migrate(t->db, &applied, err, sizeof(err)) != STORE_OK) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown_db(void **state)
{
    tmp_db_t *t = *state;
    store_close(t->db);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", t->dir);
    free(t);
    return 0;
}

static int replace(store_t *db, const store_calendar_day_t *days, size_t count, int *removed)
{
    assert_int_equal(store_begin(db), STORE_OK);
    int rc = store_calendar_replace(db, days, count, removed);
    if (rc == STORE_OK)
        assert_int_equal(store_commit(db), STORE_OK);
    else
        store_rollback(db);
    return rc;
}

typedef struct {
    int count;
    char text[1024];
} listing_t;

static int list_day(const store_calendar_day_t *d, void *arg)
{
    listing_t *l = arg;
    char date[11];
    calendar_format_date(d->day, date);
    size_t used = strlen(l->text);
    snprintf(l->text + used, sizeof(l->text) - used, "%s %s %s;", date, calendar_kind_name(d->kind), d->name);
    l->count++;
    return 0;
}

static void listing(store_t *db, int year, listing_t *l)
{
    memset(l, 0, sizeof(*l));
    assert_int_equal(store_calendar_each(db, year, list_day, l), STORE_OK);
}

static void importing_a_year_again_replaces_it_and_leaves_other_years_alone(void **state)
{
    tmp_db_t *t = *state;
    store_calendar_day_t first[] = {
        {day("2026-02-14"), CALENDAR_WORKDAY, "春节"},
        {day("2026-02-16"), CALENDAR_HOLIDAY, "春节"},
        {day("2025-10-01"), CALENDAR_HOLIDAY, "国庆节"},
    };
    int removed = -1;
    assert_int_equal(replace(t->db, first, 3, &removed), STORE_OK);
    assert_int_equal(removed, 0);

    /* 2026 again, corrected: a name changes, a kind changes, a day goes, a day comes */
    store_calendar_day_t second[] = {
        {day("2026-02-16"), CALENDAR_HOLIDAY, "除夕"},
        {day("2026-02-28"), CALENDAR_WORKDAY, "春节"},
    };
    assert_int_equal(replace(t->db, second, 2, &removed), STORE_OK);
    assert_int_equal(removed, 2);
    listing_t l;
    listing(t->db, 2026, &l);
    assert_int_equal(l.count, 2);
    assert_string_equal(l.text, "2026-02-16 holiday 除夕;2026-02-28 workday 春节;");
    listing(t->db, 2025, &l);
    assert_string_equal(l.text, "2025-10-01 holiday 国庆节;");
    listing(t->db, 0, &l);
    assert_int_equal(l.count, 3);

    /* the same file a third time changes nothing */
    assert_int_equal(replace(t->db, second, 2, &removed), STORE_OK);
    assert_int_equal(removed, 2);
    listing(t->db, 0, &l);
    assert_string_equal(l.text, "2025-10-01 holiday 国庆节;2026-02-16 holiday 除夕;2026-02-28 workday 春节;");

    calendar_t cal;
    calendar_init(&cal);
    assert_int_equal(store_calendar_load(t->db, &cal), STORE_OK);
    assert_int_equal(cal.count, 3);
    assert_false(calendar_is_working_day(&cal, day("2025-10-01")));
    assert_false(calendar_is_working_day(&cal, day("2026-02-16")));
    assert_true(calendar_is_working_day(&cal, day("2026-02-28")));
    assert_false(calendar_is_working_day(&cal, day("2026-02-14"))); /* dropped by the correction */
    calendar_free(&cal);
}

static void a_day_twice_in_one_import_is_refused_and_the_old_calendar_stays(void **state)
{
    tmp_db_t *t = *state;
    store_calendar_day_t before[] = {{day("2026-10-10"), CALENDAR_WORKDAY, "国庆节"}};
    assert_int_equal(replace(t->db, before, 1, NULL), STORE_OK);
    store_calendar_day_t twice[] = {
        {day("2026-02-14"), CALENDAR_WORKDAY, "春节"},
        {day("2026-02-14"), CALENDAR_HOLIDAY, "春节"},
    };
    assert_int_equal(replace(t->db, twice, 2, NULL), STORE_ECONSTRAINT);
    listing_t l;
    listing(t->db, 0, &l);
    assert_string_equal(l.text, "2026-10-10 workday 国庆节;");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_date_from_1970_to_2200_matches_the_system_calendar),
        cmocka_unit_test(dates_are_read_as_typed_or_as_excel_saves_them_and_impossible_ones_are_refused),
        cmocka_unit_test(kinds_are_holiday_or_workday_in_english_or_chinese),
        cmocka_unit_test(received_at_23_30_beijing_time_counts_from_that_beijing_day),
        cmocka_unit_test(a_beijing_day_runs_from_00_00_00_to_23_59_59_plus_8),
        cmocka_unit_test_setup_teardown(spring_festival_is_off_and_its_make_up_saturdays_are_working_days,
                                        setup_fixture, teardown_fixture),
        cmocka_unit_test(without_a_calendar_monday_to_friday_are_worked_and_weekends_are_not),
        cmocka_unit_test(a_day_listed_again_takes_its_new_kind_and_days_stay_in_order),
        cmocka_unit_test_setup_teardown(opinion_received_friday_night_with_two_days_is_due_tuesday_night, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(deadline_skips_spring_festival_and_counts_make_up_saturday, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(deadline_skips_national_day_and_counts_its_make_up_weekend_days, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(received_at_00_30_beijing_time_counts_from_that_beijing_day_not_the_utc_day,
                                        setup_fixture, teardown_fixture),
        cmocka_unit_test_setup_teardown(zero_or_negative_working_days_are_due_at_the_end_of_the_day_received,
                                        setup_fixture, teardown_fixture),
        cmocka_unit_test_setup_teardown(a_huge_number_of_working_days_is_capped_not_looped_forever, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(working_days_between_counts_the_days_after_from_up_to_to, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(deadlines_and_counts_agree_with_counting_day_by_day_all_through_2026,
                                        setup_fixture, teardown_fixture),
        cmocka_unit_test_setup_teardown(due_within_two_working_days_is_flagged_warning, setup_fixture,
                                        teardown_fixture),
        cmocka_unit_test_setup_teardown(past_due_is_flagged_overdue, setup_fixture, teardown_fixture),
        cmocka_unit_test_setup_teardown(importing_a_year_again_replaces_it_and_leaves_other_years_alone, setup_db,
                                        teardown_db),
        cmocka_unit_test_setup_teardown(a_day_twice_in_one_import_is_refused_and_the_old_calendar_stays, setup_db,
                                        teardown_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
