/*
 * store/calendar: SQL for the calendar_days table. Day text is "YYYY-MM-DD", so a year is the
 * text range ["YYYY-01-01", "YYYY-12-31"] and text order is day order.
 */
#include "store/calendar.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* A row's day and kind; false when the row breaks the table's rules (written by hand). */
static bool read_day(store_stmt_t *st, store_calendar_day_t *d)
{
    const char *kind = store_col_text(st, 1);
    return calendar_parse_date(store_col_text(st, 0), &d->day) == 0 && calendar_parse_kind(kind, &d->kind) == 0;
}

int store_calendar_load(store_t *db, calendar_t *cal)
{
    store_stmt_t *st = store_prepare(db, "SELECT day, kind FROM calendar_days ORDER BY day");
    if (st == NULL)
        return STORE_ERR;
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_calendar_day_t d;
        if (!read_day(st, &d)) {
            rc = STORE_EINVALID; /* a wrong day must not silently move every deadline past it */
            break;
        }
        calendar_add(cal, d.day, d.kind);
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* Binds $1 and $2 to the first and last day of year, or of every year when year is 0. */
static void bind_year(store_stmt_t *st, int year)
{
    char lo[16], hi[16];
    snprintf(lo, sizeof(lo), "%04d-01-01", year);
    snprintf(hi, sizeof(hi), "%04d-12-31", year ? year : CALENDAR_MAX_YEAR);
    store_bind_text(st, 1, lo);
    store_bind_text(st, 2, hi);
}

static int delete_year(store_t *db, int year, int *removed)
{
    static const char sql[] = "DELETE FROM calendar_days WHERE day >= $1 AND day <= $2";
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    bind_year(st, year);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *removed += store_changes(db);
    return rc;
}

static int insert_day(store_t *db, const store_calendar_day_t *d)
{
    static const char sql[] = "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)";
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    char day[11];
    calendar_format_date(d->day, day);
    store_bind_text(st, 1, day);
    store_bind_text(st, 2, calendar_kind_name(d->kind));
    store_bind_text(st, 3, d->name ? d->name : "");
    return store_run(st);
}

int store_calendar_replace(store_t *db, const store_calendar_day_t *days, size_t count, int *removed)
{
    assert(store_in_transaction(db));
    bool seen[CALENDAR_MAX_YEAR + 1] = {false};
    int deleted = 0, rc = STORE_OK;
    for (size_t i = 0; i < count && rc == STORE_OK; i++) {
        int year;
        calendar_day_to_ymd(days[i].day, &year, NULL, NULL);
        if (year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR)
            rc = STORE_EINVALID;
        else if (!seen[year]) {
            seen[year] = true;
            rc = delete_year(db, year, &deleted);
        }
    }
    for (size_t i = 0; i < count && rc == STORE_OK; i++)
        rc = insert_day(db, &days[i]);
    if (removed)
        *removed = deleted;
    return rc;
}

int store_calendar_each(store_t *db, int year, int (*each)(const store_calendar_day_t *d, void *arg), void *arg)
{
    static const char sql[] = "SELECT day, kind, name FROM calendar_days WHERE day >= $1 AND day <= $2 ORDER BY day";
    store_stmt_t *st = store_prepare(db, sql);
    if (st == NULL)
        return STORE_ERR;
    bind_year(st, year);
    int rc;
    while ((rc = store_step(st)) == STORE_ROW) {
        store_calendar_day_t d;
        if (!read_day(st, &d)) {
            rc = STORE_EINVALID;
            break;
        }
        d.name = store_col_text(st, 2);
        if (each(&d, arg))
            break;
    }
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}
