/*
 * schedule: when a station receives constituents (SPEC §4, 接待日) - recurring rules such as
 * "every Monday 09:00-11:30" or "the first Tuesday of the month 14:00-17:00", the days they fall
 * on (days off of the holiday calendar skipped), and whether two duties clash.
 *
 * A rule is written as text, the form the API and the sheets take and give back:
 *   weekly MON 09:00-11:30          every Monday
 *   monthly 1 TUE 14:00-17:00       the first Tuesday of every month (1 to 4)
 *   monthly last FRI 14:00-17:00    the last Friday of every month
 * Weekdays are MON TUE WED THU FRI SAT SUN; times are 24-hour Beijing time, the end after the
 * start, on one day. Nothing here does I/O.
 */
#ifndef LIAISON_DOMAIN_SCHEDULE_H
#define LIAISON_DOMAIN_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/calendar.h"

typedef enum { SCHEDULE_WEEKLY, SCHEDULE_MONTHLY } schedule_kind_t;

typedef struct {
    schedule_kind_t kind;
    int weekday;    /* 1 Monday .. 7 Sunday */
    int nth;        /* SCHEDULE_MONTHLY: 1..4, or -1 for the last */
    int start, end; /* minutes after midnight, start < end */
} schedule_rule_t;

/* Parses a rule; false with a sentence for the user in err (naming what is wrong) otherwise. */
bool schedule_parse(const char *text, schedule_rule_t *rule, char *err, size_t errlen);
/* Writes the rule in the form schedule_parse reads (at most 32 bytes with the NUL). */
void schedule_format(const schedule_rule_t *rule, char *out, size_t cap);

/* Whether the rule falls on day, by its pattern alone. */
bool schedule_matches(const schedule_rule_t *rule, calendar_day_t day);
/* The days from first to last (both included) the rule falls on, but for the holidays of the
 * calendar (法定节假日: no reception then; a weekend reception day is held as usual), in order,
 * at most max of them into out. Returns how many were written. */
size_t schedule_days(const schedule_rule_t *rule, const calendar_t *cal, calendar_day_t first, calendar_day_t last,
                     calendar_day_t *out, size_t max);

/* Whether two times on the same day overlap: [a_start, a_end) and [b_start, b_end), so duties that
 * only touch (one ends at 11:30, the next begins at 11:30) do not. */
bool schedule_clash(int a_start, int a_end, int b_start, int b_end);

#endif
