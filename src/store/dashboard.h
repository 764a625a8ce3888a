/*
 * dashboard: the counts of the staff dashboard and the public statistics - opinions, their
 * deadlines, reception visits and practical help done - over a region subtree, a station and a
 * period, as one row or grouped by child region or by month.
 *
 * Each count reads the rows with the same conditions as the list it drills into (store/opinions.c
 * store_opinions_each, store/activities.c store_visits_each, store/duties.c
 * store_duty_records_each), so a figure always equals that list's length.
 */
#ifndef LIAISON_STORE_DASHBOARD_H
#define LIAISON_STORE_DASHBOARD_H

#include "store/store.h"

typedef struct {
    const char *region_lo, *region_hi; /* the subtree's code range (region_subtree_upper) */
    int64_t station_id;                /* 0: every station (not applied to duty records) */
    int64_t from, to;                  /* created within [from, to]; to 0: no end */
    const char *day_from, *day_to;     /* the same period as Beijing days "YYYY-MM-DD"; NULL: open */
    int64_t now, warn_until;           /* open items due before now are overdue; by warn_until near */
} store_dash_filter_t;

typedef enum { STORE_DASH_TOTAL, STORE_DASH_BY_REGION, STORE_DASH_BY_MONTH } store_dash_group_t;

typedef struct {
    const char *key; /* "" for the total, a child region's code prefix, or a month "YYYY-MM" */
    int64_t collected, answered, rated, satisfied, warn, overdue, visitors, help;
} store_dash_row_t;

/* One row per group present, in key order; prefix_len is the length of the child regions' code
 * prefix for STORE_DASH_BY_REGION (ignored otherwise). */
int store_dashboard_figures(store_t *db, const store_dash_filter_t *f, store_dash_group_t group, size_t prefix_len,
                            int (*fn)(const store_dash_row_t *row, void *arg), void *arg);

/* The statement of a grouping, for the query-plan test. */
const char *store_dashboard_sql(store_dash_group_t group);

/* The newest live congress of a region (0 when it has none). */
int store_dashboard_congress(store_t *db, const char *region, int64_t *id);

#endif
