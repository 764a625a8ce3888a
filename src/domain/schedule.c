/* schedule: reception-day rules, their days and clashes (see schedule.h). */
#include "domain/schedule.h"

#include <stdio.h>
#include <string.h>

static const char *const weekdays[] = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};

static int weekday_of(const char *word)
{
    for (int i = 0; i < 7; i++)
        if (strcmp(weekdays[i], word) == 0)
            return i + 1;
    return 0;
}

/* "HH:MM" (two digits each) as minutes after midnight, or -1. */
static int minutes_of(const char *text, size_t len)
{
    if (len != 5 || text[2] != ':')
        return -1;
    for (size_t i = 0; i < 5; i++)
        if (i != 2 && (text[i] < '0' || text[i] > '9'))
            return -1;
    int h = (text[0] - '0') * 10 + (text[1] - '0'), m = (text[3] - '0') * 10 + (text[4] - '0');
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

static bool fail(char *err, size_t errlen, const char *message)
{
    snprintf(err, errlen, "%s", message);
    return false;
}

/* "09:00-11:30" into rule's start and end. */
static bool parse_times(const char *text, schedule_rule_t *rule, char *err, size_t errlen)
{
    const char *dash = strchr(text, '-');
    if (dash == NULL)
        return fail(err, errlen, "the times must read like 09:00-11:30");
    rule->start = minutes_of(text, (size_t)(dash - text));
    rule->end = minutes_of(dash + 1, strlen(dash + 1));
    if (rule->start < 0 || rule->end < 0)
        return fail(err, errlen, "the times must read like 09:00-11:30, in 24-hour time");
    if (rule->end <= rule->start)
        return fail(err, errlen, "the end must come after the start, on the same day");
    return true;
}

bool schedule_parse(const char *text, schedule_rule_t *rule, char *err, size_t errlen)
{
    char words[4][16];
    char extra[2];
    memset(rule, 0, sizeof(*rule));
    int n = text ? sscanf(text, "%15s %15s %15s %15s %1s", words[0], words[1], words[2], words[3], extra) : 0;
    if (n >= 1 && strcmp(words[0], "weekly") == 0) {
        if (n != 3)
            return fail(err, errlen, "a weekly rule reads like: weekly MON 09:00-11:30");
        rule->kind = SCHEDULE_WEEKLY;
        if ((rule->weekday = weekday_of(words[1])) == 0)
            return fail(err, errlen, "the weekday must be one of MON TUE WED THU FRI SAT SUN");
        return parse_times(words[2], rule, err, errlen);
    }
    if (n >= 1 && strcmp(words[0], "monthly") == 0) {
        if (n != 4)
            return fail(err, errlen, "a monthly rule reads like: monthly 1 TUE 14:00-17:00 (or monthly last FRI ...)");
        rule->kind = SCHEDULE_MONTHLY;
        if (strcmp(words[1], "last") == 0)
            rule->nth = -1;
        else if (strlen(words[1]) == 1 && words[1][0] >= '1' && words[1][0] <= '4')
            rule->nth = words[1][0] - '0';
        else
            return fail(err, errlen, "which week of the month must be 1, 2, 3, 4 or last");
        if ((rule->weekday = weekday_of(words[2])) == 0)
            return fail(err, errlen, "the weekday must be one of MON TUE WED THU FRI SAT SUN");
        return parse_times(words[3], rule, err, errlen);
    }
    return fail(err, errlen, "a rule begins with weekly or monthly");
}

void schedule_format(const schedule_rule_t *rule, char *out, size_t cap)
{
    char times[32];
    snprintf(times, sizeof(times), "%02d:%02d-%02d:%02d", rule->start / 60, rule->start % 60, rule->end / 60,
             rule->end % 60);
    const char *day = weekdays[(rule->weekday - 1) % 7];
    if (rule->kind == SCHEDULE_WEEKLY)
        snprintf(out, cap, "weekly %s %s", day, times);
    else if (rule->nth < 0)
        snprintf(out, cap, "monthly last %s %s", day, times);
    else
        snprintf(out, cap, "monthly %d %s %s", rule->nth, day, times);
}

bool schedule_matches(const schedule_rule_t *rule, calendar_day_t day)
{
    if (calendar_weekday(day) != rule->weekday)
        return false;
    if (rule->kind == SCHEDULE_WEEKLY)
        return true;
    int year, month, mday;
    calendar_day_to_ymd(day, &year, &month, &mday);
    if (rule->nth > 0)
        return (mday - 1) / 7 + 1 == rule->nth;
    int next_year, next_month; /* the last one: a week later is next month */
    calendar_day_to_ymd(day + 7, &next_year, &next_month, NULL);
    return next_month != month;
}

size_t schedule_days(const schedule_rule_t *rule, const calendar_t *cal, calendar_day_t first, calendar_day_t last,
                     calendar_day_t *out, size_t max)
{
    size_t n = 0;
    for (calendar_day_t d = first; d <= last && n < max; d++)
        if (schedule_matches(rule, d) && !calendar_is_holiday(cal, d))
            out[n++] = d;
    return n;
}

bool schedule_clash(int a_start, int a_end, int b_start, int b_end)
{
    return a_start < b_end && b_start < a_end;
}
