/*
 * duty: periods, capped sums, ranks and obligations of duty records (see duty.h). Everything is
 * counted per period index inside one year, so no state outlives a call but the tally's.
 */
#include "domain/duty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"

const char *const duty_kinds[DUTY_KINDS] = {"training",   "meeting", "observe", "inspection", "reception", "visit",
                                            "suggestion", "group",   "report",  "help",       "campaign",  "online"};

int duty_kind_index(const char *kind)
{
    for (int i = 0; kind && i < DUTY_KINDS; i++)
        if (strcmp(duty_kinds[i], kind) == 0)
            return i;
    return DUTY_EINVALID;
}

static const char *const period_names[] = {"month", "quarter", "year"};
static const int months_per_period[] = {1, 3, 12};

int duty_period_parse(const char *name, duty_period_t *out)
{
    for (int p = DUTY_MONTH; p <= DUTY_YEAR; p++) {
        if (name && strcmp(name, period_names[p]) == 0) {
            *out = (duty_period_t)p;
            return 0;
        }
    }
    return DUTY_EINVALID;
}

const char *duty_period_name(duty_period_t period)
{
    return period_names[period];
}

int duty_periods_in_year(duty_period_t period)
{
    return 12 / months_per_period[period];
}

int duty_period_of_month(duty_period_t period, int month)
{
    return (month - 1) / months_per_period[period];
}

void duty_period_months(duty_period_t period, int index, int *first, int *last)
{
    *first = index * months_per_period[period] + 1;
    *last = *first + months_per_period[period] - 1;
}

void duty_period_key(duty_period_t period, int year, int index, char out[DUTY_PERIOD_KEY_SIZE])
{
    /* the year is kept to four digits so the key always fits */
    unsigned y = (unsigned)(year < 0 ? 0 : year) % 10000u, i = (unsigned)(index < 0 ? 0 : index);
    switch (period) {
    case DUTY_MONTH: snprintf(out, DUTY_PERIOD_KEY_SIZE, "%04u-%02u", y, i % 12u + 1u); break;
    case DUTY_QUARTER: snprintf(out, DUTY_PERIOD_KEY_SIZE, "%04u-Q%u", y, i % 4u + 1u); break;
    case DUTY_YEAR: snprintf(out, DUTY_PERIOD_KEY_SIZE, "%04u", y); break;
    }
}

void duty_period_days(duty_period_t period, int year, int index, char from[11], char to[11])
{
    int first, last;
    duty_period_months(period, index, &first, &last);
    year = year < 0 ? 0 : year % 10000;
    snprintf(from, 11, "%04d-%02d-01", year, first);
    snprintf(to, 11, "%04d-%02d-31", year, last);
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

int duty_parse_month(const char *text, int *year, int *month)
{
    if (text == NULL || !digits(text, 4) || text[4] != '-' || !digits(text + 5, 2))
        return DUTY_EINVALID;
    int y = atoi(text), m = (text[5] - '0') * 10 + (text[6] - '0');
    if (m < 1 || m > 12)
        return DUTY_EINVALID;
    if (text[7] != '\0') {
        calendar_day_t day;
        if (text[7] != '-' || !digits(text + 8, 2) || text[10] != '\0' ||
            calendar_day_from_ymd(y, m, (text[8] - '0') * 10 + (text[9] - '0'), &day) != 0)
            return DUTY_EINVALID;
    }
    *year = y;
    *month = m;
    return 0;
}

int duty_day_period_key(duty_period_t period, const char *day, char out[DUTY_PERIOD_KEY_SIZE])
{
    int year, month;
    if (duty_parse_month(day, &year, &month) != 0)
        return DUTY_EINVALID;
    duty_period_key(period, year, duty_period_of_month(period, month), out);
    return 0;
}

void duty_last_ended(duty_period_t period, int today_year, int today_month, int *year, int *index)
{
    int current = duty_period_of_month(period, today_month);
    *year = current == 0 ? today_year - 1 : today_year;
    *index = current == 0 ? duty_periods_in_year(period) - 1 : current - 1;
}

/* ---- capped sums ------------------------------------------------------------------------------- */

void duty_tally_init(duty_tally_t *t, duty_period_t period, int points, int cap, int year)
{
    memset(t, 0, sizeof(*t));
    t->period = period;
    t->points = points < 0 ? 0 : points;
    t->cap = cap < 0 ? DUTY_NO_CAP : cap;
    t->year = year;
}

int64_t duty_tally_records(duty_tally_t *t, const char *month, int64_t count)
{
    int year, m;
    if (duty_parse_month(month, &year, &m) != 0 || year != t->year)
        return DUTY_EINVALID;
    return duty_tally_month(t, m, count);
}

int64_t duty_tally_month(duty_tally_t *t, int m, int64_t count)
{
    if (m < 1 || m > 12 || count < 0)
        return DUTY_EINVALID;
    int64_t *earned = &t->earned[duty_period_of_month(t->period, m)];
    int64_t raw = count * t->points;
    int64_t room = t->cap == DUTY_NO_CAP ? raw : t->cap - *earned;
    int64_t gain = raw < room ? raw : room > 0 ? room : 0;
    *earned += gain;
    t->points_total += gain;
    t->raw += raw;
    t->records += count;
    return gain;
}

int64_t duty_tally_record(duty_tally_t *t, const char *day)
{
    if (day == NULL || strlen(day) != 10)
        return DUTY_EINVALID;
    return duty_tally_records(t, day, 1);
}

/* ---- ranks ------------------------------------------------------------------------------------- */

static int by_score(const void *a, const void *b)
{
    const duty_standing_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

void duty_rank(duty_standing_t *list, size_t n)
{
    if (n == 0)
        return;
    qsort(list, n, sizeof(*list), by_score);
    for (size_t i = 0; i < n; i++)
        list[i].rank = i > 0 && list[i].score == list[i - 1].score ? list[i - 1].rank : (int)i + 1;
}

/* ---- obligations ------------------------------------------------------------------------------- */

void duty_obligation_assess(duty_period_t period, int required, int year, const int64_t counts[DUTY_PERIODS_MAX],
                            int today_year, int today_month, duty_obligation_t *out)
{
    memset(out, 0, sizeof(*out));
    out->due = -1;
    int n = duty_periods_in_year(period);
    /* the periods ended, and the one under way (n: none of this year) */
    int current = year < today_year ? n : year > today_year ? -1 : duty_period_of_month(period, today_month);
    int ended = current < 0 ? 0 : current;
    for (int i = 0; i < ended; i++) {
        out->elapsed++;
        if (counts[i] >= required)
            out->met++;
        else
            out->missed[out->nmissed++] = i;
    }
    if (current >= 0 && current < n) {
        out->elapsed++;
        if (counts[current] >= required)
            out->met++;
        else
            out->due = current;
    }
}

bool duty_obligation_behind(const duty_obligation_t *o)
{
    return o->nmissed > 0 || o->due >= 0;
}
