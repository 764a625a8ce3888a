/*
 * store/calendar: the calendar_days table (migrations/005_calendar.sql), the holidays and make-up
 * workdays that core/calendar.h counts deadlines with. Days are stored as "YYYY-MM-DD" text.
 *
 * Importing replaces whole years: store_calendar_replace deletes every stored day of each year
 * that the new days name, then stores the new days. So importing a year's file again never
 * duplicates a day, updates kinds and names, and drops a day the corrected file no longer lists,
 * while other years stay as they were.
 *
 * Functions return STORE_OK or a negative STORE_E* code (store_errmsg says more).
 */
#ifndef LIAISON_STORE_CALENDAR_H
#define LIAISON_STORE_CALENDAR_H

#include <stddef.h>

#include "core/calendar.h"
#include "store/store.h"

typedef struct {
    calendar_day_t day;
    calendar_kind_t kind;
    const char *name; /* what the day is for (春节); NULL or "" for none */
} store_calendar_day_t;

/* Adds every stored day to cal (which the caller has initialised and frees). */
int store_calendar_load(store_t *db, calendar_t *cal);
/*
 * Replaces the years that days name with days (count of them, any order, each day at most once:
 * a repeated day is STORE_ECONSTRAINT). Call it inside a transaction (store_begin), so that a
 * failure leaves the old calendar whole; *removed (may be NULL) gets how many stored days of
 * those years were deleted first.
 */
int store_calendar_replace(store_t *db, const store_calendar_day_t *days, size_t count, int *removed);
/* The stored days of year (0: every year), by day; each gets a view valid during the call, and
 * a non-zero return from each stops the walk. */
int store_calendar_each(store_t *db, int year, int (*each)(const store_calendar_day_t *d, void *arg), void *arg);

#endif
