/*
 * calendar: working days for deadlines. A day is a count of days since 1970-01-01; converting it
 * to and from year-month-day uses Howard Hinnant's days_from_civil and civil_from_days, and a
 * time's Beijing day is (t + 8 h) / 1 day rounded down. The listed days (holidays and make-up
 * workdays) are a sorted array searched by bisection; everything else follows the weekday.
 */
#include "core/calendar.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Floor division and its remainder, for days and times before the epoch. */
static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

int calendar_day_from_ymd(int year, int month, int day, calendar_day_t *out)
{
    if (year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month))
        return CALENDAR_EINVALID;
    /* days_from_civil: years start in March, so the leap day is the last day of its year */
    int64_t y = year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *out = (calendar_day_t)(era * 146097 + doe - 719468);
    return 0;
}

void calendar_day_to_ymd(calendar_day_t day, int *year, int *month, int *mday)
{
    int64_t z = (int64_t)day + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int y = (int)(yoe + era * 400 + (m <= 2));
    if (year)
        *year = y;
    if (month)
        *month = m;
    if (mday)
        *mday = d;
}

int calendar_weekday(calendar_day_t day)
{
    return (int)floor_mod((int64_t)day + 3, 7) + 1; /* day 0, 1970-01-01, was a Thursday */
}

static bool weekend(calendar_day_t day)
{
    return calendar_weekday(day) >= 6;
}

/* Reads 1..max digits at *p into *value, advancing *p. */
static bool read_digits(const char **p, int min, int max, int *value)
{
    int n = 0, v = 0;
    while (n < max && (*p)[n] >= '0' && (*p)[n] <= '9') {
        v = v * 10 + ((*p)[n] - '0');
        n++;
    }
    if (n < min)
        return false;
    *p += n;
    *value = v;
    return true;
}

int calendar_parse_date(const char *text, calendar_day_t *out)
{
    const char *p = text;
    int y, m, d;
    if (!read_digits(&p, 4, 4, &y) || (*p != '-' && *p != '/'))
        return CALENDAR_EINVALID;
    char sep = *p++;
    if (!read_digits(&p, 1, 2, &m) || *p++ != sep || !read_digits(&p, 1, 2, &d) || *p != '\0')
        return CALENDAR_EINVALID;
    return calendar_day_from_ymd(y, m, d, out);
}

void calendar_format_date(calendar_day_t day, char out[11])
{
    int y, m, d;
    calendar_day_to_ymd(day, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int calendar_parse_kind(const char *text, calendar_kind_t *out)
{
    if (strcasecmp(text, "holiday") == 0 || strcmp(text, "休") == 0)
        *out = CALENDAR_HOLIDAY;
    else if (strcasecmp(text, "workday") == 0 || strcmp(text, "班") == 0)
        *out = CALENDAR_WORKDAY;
    else
        return CALENDAR_EINVALID;
    return 0;
}

const char *calendar_kind_name(calendar_kind_t kind)
{
    return kind == CALENDAR_WORKDAY ? "workday" : "holiday";
}

calendar_day_t calendar_day_of(int64_t t)
{
    /* clamp first: a time far outside any calendar must not overflow a day count */
    static const int64_t lo = -((int64_t)1 << 40), hi = (int64_t)1 << 40;
    t = t < lo ? lo : t > hi ? hi : t;
    return (calendar_day_t)floor_div(t + CALENDAR_UTC_OFFSET_S, CALENDAR_DAY_S);
}

int64_t calendar_day_start(calendar_day_t day)
{
    return (int64_t)day * CALENDAR_DAY_S - CALENDAR_UTC_OFFSET_S;
}

int64_t calendar_day_end(calendar_day_t day)
{
    return calendar_day_start(day) + CALENDAR_DAY_S - 1;
}

void calendar_init(calendar_t *cal)
{
    memset(cal, 0, sizeof(*cal));
}

void calendar_free(calendar_t *cal)
{
    free(cal->days);
    calendar_init(cal);
}

/* The index of the first listed day at or after day (count when there is none). */
static size_t lower_bound(const calendar_t *cal, calendar_day_t day)
{
    size_t lo = 0, hi = cal->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int calendar_add(calendar_t *cal, calendar_day_t day, calendar_kind_t kind)
{
    if (kind != CALENDAR_HOLIDAY && kind != CALENDAR_WORKDAY)
        return CALENDAR_EINVALID;
    size_t i = cal->count && cal->days[cal->count - 1].day < day ? cal->count : lower_bound(cal, day);
    if (i < cal->count && cal->days[i].day == day) {
        cal->days[i].kind = kind;
        return 0;
    }
    if (cal->count == cal->cap) {
        size_t cap = cal->cap ? cal->cap * 2 : 64;
        calendar_exception_t *days = realloc(cal->days, cap * sizeof(*days));
        if (days == NULL)
            abort();
        cal->days = days;
        cal->cap = cap;
    }
    memmove(&cal->days[i + 1], &cal->days[i], (cal->count - i) * sizeof(cal->days[0]));
    cal->days[i] = (calendar_exception_t){day, kind};
    cal->count++;
    return 0;
}

bool calendar_is_working_day(const calendar_t *cal, calendar_day_t day)
{
    size_t i = lower_bound(cal, day);
    if (i < cal->count && cal->days[i].day == day)
        return cal->days[i].kind == CALENDAR_WORKDAY;
    return !weekend(day);
}

bool calendar_is_holiday(const calendar_t *cal, calendar_day_t day)
{
    size_t i = lower_bound(cal, day);
    return i < cal->count && cal->days[i].day == day && cal->days[i].kind == CALENDAR_HOLIDAY;
}

int64_t calendar_add_working_days(const calendar_t *cal, int64_t from, int n)
{
    n = n < 0 ? 0 : n > CALENDAR_MAX_WORKING_DAYS ? CALENDAR_MAX_WORKING_DAYS : n;
    calendar_day_t day = calendar_day_of(from);
    for (int counted = 0; counted < n;)
        if (calendar_is_working_day(cal, ++day))
            counted++;
    return calendar_day_end(day);
}

/* Mondays to Fridays in [Monday 1970-01-05, day), negative before it: a difference of two gives
 * the weekdays of a span. */
static int64_t weekdays_before(int64_t day)
{
    int64_t since_monday = day - 4;
    int64_t weeks = floor_div(since_monday, 7), rest = since_monday - weeks * 7;
    return weeks * 5 + (rest < 5 ? rest : 5);
}

/* Working days in (a, b], for a <= b. */
static int64_t working_days_after(const calendar_t *cal, calendar_day_t a, calendar_day_t b)
{
    assert(a <= b);
    int64_t n = weekdays_before((int64_t)b + 1) - weekdays_before((int64_t)a + 1);
    for (size_t i = lower_bound(cal, a + 1); i < cal->count && cal->days[i].day <= b; i++) {
        bool off = weekend(cal->days[i].day);
        if (!off && cal->days[i].kind == CALENDAR_HOLIDAY)
            n--; /* a weekday off */
        else if (off && cal->days[i].kind == CALENDAR_WORKDAY)
            n++; /* a weekend day worked */
    }
    return n;
}

int64_t calendar_working_days_between(const calendar_t *cal, int64_t from, int64_t to)
{
    calendar_day_t a = calendar_day_of(from), b = calendar_day_of(to);
    return a <= b ? working_days_after(cal, a, b) : -working_days_after(cal, b, a);
}

calendar_flag_t calendar_deadline_flag(const calendar_t *cal, int64_t now, int64_t due, int warn_days)
{
    if (now > due)
        return CALENDAR_FLAG_OVERDUE;
    if (warn_days <= 0)
        return CALENDAR_FLAG_NONE;
    int64_t left = calendar_working_days_between(cal, now, due) + calendar_is_working_day(cal, calendar_day_of(now));
    return left <= warn_days ? CALENDAR_FLAG_WARN : CALENDAR_FLAG_NONE;
}
