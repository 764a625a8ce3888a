/*
 * duty: the rules that turn confirmed duty records (履职档案, SPEC §6) into a score and into
 * obligations met or missed. Pure: no I/O, no clock; the caller says what day it is.
 *
 * One idea: every rule counts per period of one calendar year - a month, a quarter or the year -
 * so a period is an index inside the year (0..11, 0..3 or 0) with a key people read ("2026-11",
 * "2026-Q4", "2026"). A score item earns its points per record until the period's cap; the
 * records are taken in the order they happened (then by id), so the trace can say which record
 * earned what, and which earned nothing because the cap was reached.
 *
 * Functions returning int give 0 or DUTY_EINVALID.
 */
#ifndef LIAISON_DOMAIN_DUTY_H
#define LIAISON_DOMAIN_DUTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    DUTY_EINVALID = -1,
    DUTY_NO_CAP = -1,         /* a rule without a cap (cap NULL in duty_rules) */
    DUTY_PERIODS_MAX = 12,    /* periods in a year at the most (months) */
    DUTY_PERIOD_KEY_SIZE = 8, /* "2026-11", "2026-Q4", "2026" and the NUL */
    DUTY_YEAR_MIN = 2000,
    DUTY_YEAR_MAX = 2100,
};

typedef enum { DUTY_MONTH, DUTY_QUARTER, DUTY_YEAR } duty_period_t;

/* The twelve kinds of duty (duty_rules.kind), in the order of the rules as shipped. */
enum { DUTY_KINDS = 12 };
extern const char *const duty_kinds[DUTY_KINDS];
/* The index of a kind in duty_kinds, or DUTY_EINVALID. */
int duty_kind_index(const char *kind);

/* ---- periods ----------------------------------------------------------------------------------- */

/* "month", "quarter", "year" (the words of duty_rules.period). */
int duty_period_parse(const char *name, duty_period_t *out);
const char *duty_period_name(duty_period_t period);
/* 12, 4 or 1. */
int duty_periods_in_year(duty_period_t period);
/* The index inside its year of the period holding month (1-12). */
int duty_period_of_month(duty_period_t period, int month);
/* The first and last month (1-12) of period index of a year. */
void duty_period_months(duty_period_t period, int index, int *first, int *last);
/* The key of period index of year: "2026-11", "2026-Q4", "2026". */
void duty_period_key(duty_period_t period, int year, int index, char out[DUTY_PERIOD_KEY_SIZE]);
/* The first and the last day ("YYYY-MM-DD", the last one may be the 31st of any month: it only
 * bounds a text comparison of days) of period index of year. */
void duty_period_days(duty_period_t period, int year, int index, char from[11], char to[11]);
/* The year and month of a day "YYYY-MM-DD" (which must exist) or of a month "YYYY-MM". */
int duty_parse_month(const char *text, int *year, int *month);
/* The key of the period that holds day ("YYYY-MM-DD" or "YYYY-MM"). */
int duty_day_period_key(duty_period_t period, const char *day, char out[DUTY_PERIOD_KEY_SIZE]);
/* The period that ended last before the one holding today: last month, last quarter, last year. */
void duty_last_ended(duty_period_t period, int today_year, int today_month, int *year, int *index);

/* ---- capped sums ------------------------------------------------------------------------------- */

/*
 * What one rule has earned in a year: points per record, at most cap per period (DUTY_NO_CAP:
 * no limit; 0: nothing counts). Add the records in the order they happened, then by id.
 */
typedef struct {
    duty_period_t period;
    int points, cap, year;
    int64_t earned[DUTY_PERIODS_MAX]; /* per period of the year */
    int64_t points_total;             /* with the cap */
    int64_t raw;                      /* without it: records x points */
    int64_t records;
} duty_tally_t;

void duty_tally_init(duty_tally_t *t, duty_period_t period, int points, int cap, int year);
/* One record of day ("YYYY-MM-DD"): returns the points it earns - points, a part of them where
 * the cap is reached, 0 beyond it - or DUTY_EINVALID when day is not a day of the tally's year. */
int64_t duty_tally_record(duty_tally_t *t, const char *day);
/* count records of one month ("YYYY-MM" or a day in it) at once, in any order (they earn the same
 * points each, so only how many there are matters); returns the points they earn together. */
int64_t duty_tally_records(duty_tally_t *t, const char *month, int64_t count);
/* The same for month 1-12 of the tally's year. */
int64_t duty_tally_month(duty_tally_t *t, int month, int64_t count);

/* ---- ranks ------------------------------------------------------------------------------------- */

typedef struct {
    int64_t id; /* whose score (a deputy's id); breaks ties in the order */
    int64_t score;
    size_t index; /* the caller's own position of the entry, carried along */
    int rank;     /* set by duty_rank */
} duty_standing_t;

/* Sorts highest score first (equal scores by id) and ranks in competition style: equal scores
 * share a rank and the next rank skips as many (1, 2, 2, 4). */
void duty_rank(duty_standing_t *list, size_t n);

/* ---- obligations ------------------------------------------------------------------------------- */

/* How a subject stands against an obligation in a year, as of a day. */
typedef struct {
    int elapsed;                  /* periods ended or under way: the ones that count so far */
    int met;                      /* of those, the periods with the required number done */
    int missed[DUTY_PERIODS_MAX]; /* ended periods below the required number, in order */
    int nmissed;
    int due; /* the current period while still below it; -1 otherwise */
} duty_obligation_t;

/*
 * Assesses counts[i] (what was done in period i of year) against required per period, as of the
 * day in today_year/today_month: the periods that ended before it are missed when below
 * required; the one holding it is due (not missed: it may still be done). A past year has all
 * its periods ended, a future one none under way.
 */
void duty_obligation_assess(duty_period_t period, int required, int year, const int64_t counts[DUTY_PERIODS_MAX],
                            int today_year, int today_month, duty_obligation_t *out);
/* Behind: a period missed, or the current one still due. */
bool duty_obligation_behind(const duty_obligation_t *o);

#endif
