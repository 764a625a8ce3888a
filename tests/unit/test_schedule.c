/*
 * test_schedule: reception-day rules (src/domain/schedule.c). Every form a rule may take reads
 * back as written; every malformed one is refused with a reason; the days a rule falls on are
 * checked month by month around the 2026 Spring Festival (whose holidays cancel reception days,
 * while its make-up Saturdays add none); and two duties clash only when their times overlap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "domain/schedule.h"

static calendar_day_t day_of(const char *text)
{
    calendar_day_t d;
    if (calendar_parse_date(text, &d) != 0)
        fail_msg("bad fixture date %s", text);
    return d;
}

/* The 2026 Spring Festival as the State Council arranged it: 02-15 to 02-23 off, the Saturdays
 * 02-14 and 02-28 worked. */
static void spring_festival(calendar_t *cal)
{
    calendar_init(cal);
    calendar_add(cal, day_of("2026-02-14"), CALENDAR_WORKDAY);
    for (int d = 15; d <= 23; d++) {
        char text[11];
        snprintf(text, sizeof(text), "2026-02-%02d", d);
        calendar_add(cal, day_of(text), CALENDAR_HOLIDAY);
    }
    calendar_add(cal, day_of("2026-02-28"), CALENDAR_WORKDAY);
}

static void every_form_of_a_rule_reads_back_as_written(void **state)
{
    (void)state;
    const char *rules[] = {
        "weekly MON 09:00-11:30", "weekly SUN 00:00-23:59", "monthly 1 TUE 14:00-17:00",
        "monthly 4 SAT 08:30-12:00", "monthly last FRI 14:00-17:00",
    };
    for (size_t i = 0; i < sizeof(rules) / sizeof(*rules); i++) {
        schedule_rule_t r;
        char err[160], back[40];
        if (!schedule_parse(rules[i], &r, err, sizeof(err)))
            fail_msg("\"%s\" refused: %s", rules[i], err);
        schedule_format(&r, back, sizeof(back));
        assert_string_equal(back, rules[i]);
    }
}

static void a_malformed_rule_is_refused_saying_what_is_wrong(void **state)
{
    (void)state;
    const struct {
        const char *text, *reason;
    } bad[] = {
        {"", "begins with weekly or monthly"},
        {"daily 09:00-11:00", "begins with weekly or monthly"},
        {"weekly MONDAY 09:00-11:30", "weekday"},
        {"weekly mon 09:00-11:30", "weekday"},
        {"weekly MON", "weekly rule reads like"},
        {"weekly MON 09:00-11:30 extra", "weekly rule reads like"},
        {"weekly MON 9:00-11:30", "24-hour"},
        {"weekly MON 09:00-24:00", "24-hour"},
        {"weekly MON 09:60-11:00", "24-hour"},
        {"weekly MON 11:30-09:00", "after the start"},
        {"weekly MON 09:00-09:00", "after the start"},
        {"weekly MON 09:00", "09:00-11:30"},
        {"monthly 5 TUE 14:00-17:00", "1, 2, 3, 4 or last"},
        {"monthly 0 TUE 14:00-17:00", "1, 2, 3, 4 or last"},
        {"monthly first TUE 14:00-17:00", "1, 2, 3, 4 or last"},
        {"monthly TUE 14:00-17:00", "monthly rule reads like"},
        {"monthly 1 XYZ 14:00-17:00", "weekday"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        schedule_rule_t r;
        char err[160] = "";
        if (schedule_parse(bad[i].text, &r, err, sizeof(err)))
            fail_msg("\"%s\" was taken as a rule", bad[i].text);
        if (strstr(err, bad[i].reason) == NULL)
            fail_msg("\"%s\": the reason \"%s\" does not say \"%s\"", bad[i].text, err, bad[i].reason);
    }
}

static void days_of(const char *rule_text, const calendar_t *cal, const char *first, const char *last, char *out,
                    size_t cap)
{
    schedule_rule_t r;
    char err[160];
    assert_true(schedule_parse(rule_text, &r, err, sizeof(err)));
    calendar_day_t days[64];
    size_t n = schedule_days(&r, cal, day_of(first), day_of(last), days, 64);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char d[11];
        calendar_format_date(days[i], d);
        snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? " " : "", d + 5);
    }
}

static void weekly_mondays_skip_the_spring_festival_holiday(void **state)
{
    (void)state;
    calendar_t cal;
    spring_festival(&cal);
    char got[512];
    days_of("weekly MON 09:00-11:30", &cal, "2026-02-01", "2026-03-02", got, sizeof(got));
    assert_string_equal(got, "02-02 02-09 03-02"); /* 02-16 and 02-23 fall in the holiday */
    calendar_free(&cal);
}

static void a_saturday_rule_holds_on_weekends_but_not_in_the_holiday(void **state)
{
    (void)state;
    calendar_t cal;
    spring_festival(&cal);
    char got[512];
    /* 02-14 and 02-28 are worked Saturdays: a Saturday reception is held then as on any Saturday;
     * 02-21 falls in the holiday and is not */
    days_of("weekly SAT 09:00-11:30", &cal, "2026-02-01", "2026-02-28", got, sizeof(got));
    assert_string_equal(got, "02-07 02-14 02-28");
    /* and a Friday rule gains nothing from the worked Saturdays */
    days_of("weekly FRI 09:00-11:30", &cal, "2026-02-01", "2026-02-28", got, sizeof(got));
    assert_string_equal(got, "02-06 02-13 02-27");
    calendar_free(&cal);
}

static void first_tuesday_and_last_friday_land_on_the_right_days_all_year(void **state)
{
    (void)state;
    calendar_t cal;
    calendar_init(&cal);
    char got[512];
    days_of("monthly 1 TUE 14:00-17:00", &cal, "2026-01-01", "2026-12-31", got, sizeof(got));
    assert_string_equal(got, "01-06 02-03 03-03 04-07 05-05 06-02 07-07 08-04 09-01 10-06 11-03 12-01");
    days_of("monthly last FRI 14:00-17:00", &cal, "2026-01-01", "2026-12-31", got, sizeof(got));
    assert_string_equal(got, "01-30 02-27 03-27 04-24 05-29 06-26 07-31 08-28 09-25 10-30 11-27 12-25");
    days_of("monthly 4 WED 14:00-17:00", &cal, "2026-04-01", "2026-04-30", got, sizeof(got));
    assert_string_equal(got, "04-22");
    calendar_free(&cal);
}

static void the_days_stop_at_the_room_given(void **state)
{
    (void)state;
    calendar_t cal;
    calendar_init(&cal);
    schedule_rule_t r;
    char err[160];
    assert_true(schedule_parse("weekly MON 09:00-11:30", &r, err, sizeof(err)));
    calendar_day_t days[3];
    assert_int_equal(schedule_days(&r, &cal, day_of("2026-01-01"), day_of("2026-12-31"), days, 3), 3);
    assert_int_equal(schedule_days(&r, &cal, day_of("2026-01-06"), day_of("2026-01-11"), days, 3), 0);
    calendar_free(&cal);
}

static void duties_clash_only_when_their_times_overlap(void **state)
{
    (void)state;
    const struct {
        int a0, a1, b0, b1;
        bool clash;
    } cases[] = {
        {540, 690, 690, 780, false}, /* 09:00-11:30 then 11:30-13:00: one after the other */
        {540, 690, 600, 780, true},  /* overlapping by an hour */
        {540, 690, 540, 690, true},  /* the same time */
        {540, 690, 560, 600, true},  /* one inside the other */
        {840, 1020, 540, 690, false},
        {540, 541, 540, 541, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        assert_int_equal(schedule_clash(cases[i].a0, cases[i].a1, cases[i].b0, cases[i].b1), cases[i].clash);
        assert_int_equal(schedule_clash(cases[i].b0, cases[i].b1, cases[i].a0, cases[i].a1), cases[i].clash);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_form_of_a_rule_reads_back_as_written),
        cmocka_unit_test(a_malformed_rule_is_refused_saying_what_is_wrong),
        cmocka_unit_test(weekly_mondays_skip_the_spring_festival_holiday),
        cmocka_unit_test(a_saturday_rule_holds_on_weekends_but_not_in_the_holiday),
        cmocka_unit_test(first_tuesday_and_last_friday_land_on_the_right_days_all_year),
        cmocka_unit_test(the_days_stop_at_the_room_given),
        cmocka_unit_test(duties_clash_only_when_their_times_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
