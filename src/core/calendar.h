/*
 * calendar: the working-day calendar that deadlines are counted in (SPEC §3: "deadlines run in
 * working days with a holiday calendar"). Monday to Friday are working days and Saturday and
 * Sunday are not, except for the days the calendar lists: a HOLIDAY (法定节假日, a day off, usually
 * a weekday) or a WORKDAY (调休, a weekend day worked to make up for a holiday). Those days are
 * data, loaded from the calendar_days table (store/calendar.h), never code.
 *
 * Days: a calendar_day_t is a civil date in Asia/Shanghai counted as days since 1970-01-01
 * (proleptic Gregorian; 1970-01-01 is day 0, a Thursday). Times: int64_t UTC seconds. The local
 * day of a time is computed by fixed arithmetic (China keeps UTC+8 all year, no daylight
 * saving), never through TZ or localtime(), so every function here is safe on any thread.
 *
 * Everything is pure: no I/O, no clock, no global state. Functions returning int give 0 on
 * success or a negative CALENDAR_E* code.
 */
#ifndef LIAISON_CORE_CALENDAR_H
#define LIAISON_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    CALENDAR_EINVALID = -1, /* not a date, not a kind, or out of range */
};

/* Asia/Shanghai is UTC+8 all year. */
#define CALENDAR_UTC_OFFSET_S (8 * 3600)
#define CALENDAR_DAY_S 86400
/* The years a calendar_day_t may name (so that every day's end fits any time_t and the text
 * form always has four digits). */
#define CALENDAR_MIN_YEAR 1970
#define CALENDAR_MAX_YEAR 9999
/* add_working_days counts at most this many (about 40 years): a deadline is days or weeks. */
#define CALENDAR_MAX_WORKING_DAYS 10000

typedef int32_t calendar_day_t; /* days since 1970-01-01, a civil date in Asia/Shanghai */

typedef enum {
    CALENDAR_HOLIDAY = 1, /* 休: a day off, though it may be a weekday */
    CALENDAR_WORKDAY = 2, /* 班: a working day, though it may be a Saturday or Sunday (调休) */
} calendar_kind_t;

typedef struct {
    calendar_day_t day;
    calendar_kind_t kind;
} calendar_exception_t;

/* The listed days, sorted by day, each day at most once. Owned by the calendar. */
typedef struct {
    calendar_exception_t *days;
    size_t count, cap;
} calendar_t;

typedef enum {
    CALENDAR_FLAG_NONE = 0,
    CALENDAR_FLAG_WARN,    /* 预警: due within the warning window */
    CALENDAR_FLAG_OVERDUE, /* 超期: the deadline has passed */
} calendar_flag_t;

/* ---- dates ----------------------------------------------------------------------------------- */

/* The day of year-month-day (days_from_civil). Returns 0, or CALENDAR_EINVALID when the date does
 * not exist (2026-02-29, month 13) or its year is outside CALENDAR_MIN_YEAR..CALENDAR_MAX_YEAR. */
int calendar_day_from_ymd(int year, int month, int day, calendar_day_t *out);
/* The year, month (1-12) and day of month of day (civil_from_days). Any pointer may be NULL. */
void calendar_day_to_ymd(calendar_day_t day, int *year, int *month, int *mday);
/* 1 Monday .. 7 Sunday (ISO 8601). */
int calendar_weekday(calendar_day_t day);
/*
 * Parses a date as people type it and as spreadsheets save it: "2026-02-17", also "2026-2-17"
 * and "2026/2/17" (what Excel writes back on a Chinese Windows); four-digit year, one or two
 * digits of month and day, one separator used twice, nothing else around. Returns 0, or
 * CALENDAR_EINVALID for anything else or a date that does not exist.
 */
int calendar_parse_date(const char *text, calendar_day_t *out);
/* Writes day as "YYYY-MM-DD" (10 characters and the NUL) into out. */
void calendar_format_date(calendar_day_t day, char out[11]);
/* "holiday" or "休", "workday" or "班" (English in any case). Returns 0 or CALENDAR_EINVALID. */
int calendar_parse_kind(const char *text, calendar_kind_t *out);
/* "holiday" or "workday": the words stored in the calendar_days table. */
const char *calendar_kind_name(calendar_kind_t kind);

/* ---- times ----------------------------------------------------------------------------------- */

/* The Asia/Shanghai day that the UTC time t falls on: 2026-02-13 16:00:00Z is 2026-02-14 00:00
 * in Beijing, so day 2026-02-14. */
calendar_day_t calendar_day_of(int64_t t);
/* The first and the last second of a day, in UTC seconds: 00:00:00 and 23:59:59 at +08:00. */
int64_t calendar_day_start(calendar_day_t day);
int64_t calendar_day_end(calendar_day_t day);

/* ---- the calendar ------------------------------------------------------------------------------ */

void calendar_init(calendar_t *cal);
void calendar_free(calendar_t *cal);
/* Lists day as kind; a day listed again takes the new kind. Adding in day order is O(1) (that is
 * how the store loads it). Returns 0, or CALENDAR_EINVALID for an unknown kind. Allocation
 * failure aborts, as with buf_t. */
int calendar_add(calendar_t *cal, calendar_day_t day, calendar_kind_t kind);
/* Whether people work on day: a listed day by its kind, any other day when it is Monday-Friday. */
bool calendar_is_working_day(const calendar_t *cal, calendar_day_t day);
/* Whether day is listed as a day off (休): a 法定节假日, whatever weekday it falls on. */
bool calendar_is_holiday(const calendar_t *cal, calendar_day_t day);

/*
 * The deadline of something received at time from that is due in n working days: the last second
 * (23:59:59 +08:00) of the n-th working day after the Beijing day that from falls on. The day of
 * receipt never counts, even when it is a working day and however early it arrived; days off in
 * between are skipped. So an opinion received on Friday at 21:00 with n = 2 is due at the end of
 * Tuesday, and one received at 23:30 Beijing time (15:30 UTC) counts from that Beijing day.
 * n = 0 gives the end of the day of receipt; n < 0 counts as 0 and n above
 * CALENDAR_MAX_WORKING_DAYS as that many.
 */
int64_t calendar_add_working_days(const calendar_t *cal, int64_t from, int n);
/*
 * The working days after the Beijing day of from, up to and including the Beijing day of to: the
 * number of days d with day(from) < d <= day(to) that are working days. When to's day comes
 * before from's, the same count of (day(to), day(from)] negated, so between(a, b) ==
 * -between(b, a), and between(from, calendar_add_working_days(cal, from, n)) == n. Its time
 * grows with the listed days inside the span, not with the span's length.
 */
int64_t calendar_working_days_between(const calendar_t *cal, int64_t from, int64_t to);
/*
 * How a deadline stands at time now (SPEC §3, 预警/超期):
 * - CALENDAR_FLAG_OVERDUE when now is after due (at due itself, 23:59:59, it is still on time);
 * - CALENDAR_FLAG_WARN when it is not overdue and the working days left to act are warn_days or
 *   fewer. The days left are today when today is a working day, and every working day after it
 *   up to the due day. With warn_days = 2 and a deadline at the end of Tuesday: on a working
 *   Monday or Tuesday it warns; on the Friday before it does not (Friday, Monday and Tuesday are
 *   left); on the weekend between it does (only Monday and Tuesday are left). A deadline falling
 *   on a day off today, with no working day left, warns too;
 * - CALENDAR_FLAG_NONE otherwise, and always when warn_days <= 0 and the deadline has not passed.
 */
calendar_flag_t calendar_deadline_flag(const calendar_t *cal, int64_t now, int64_t due, int warn_days);

#endif
