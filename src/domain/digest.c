/*
 * digest: weeks, half months and clusters of near-duplicate opinions (see digest.h).
 *
 * Clustering is single link with a union-find over every pair at or above the threshold; the
 * pairwise similarities are kept (a triangle of floats) so the sample of each cluster - its most
 * central member - costs no second pass of opinion_similarity.
 */
#include "domain/digest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/opinion.h"

/* ---- weeks ------------------------------------------------------------------------------------- */

/* The Monday of ISO week 1 of year: the week holding 4 January. */
static calendar_day_t week_one(int year)
{
    calendar_day_t jan4 = 0;
    (void)calendar_day_from_ymd(year, 1, 4, &jan4);
    return jan4 - (calendar_weekday(jan4) - 1);
}

static void fill_week(digest_week_t *w, int year, int week)
{
    w->year = year;
    w->week = week;
    w->monday = week_one(year) + (week - 1) * 7;
    w->sunday = w->monday + 6;
    w->from = calendar_day_start(w->monday);
    w->to = calendar_day_end(w->sunday);
    snprintf(w->label, sizeof(w->label), "%04d-W%02d", year, week);
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int digest_week_parse(const char *text, digest_week_t *out, const char **why)
{
    int year, week;
    if (text == NULL || strlen(text) != 8 || text[4] != '-' || (text[5] != 'W' && text[5] != 'w') ||
        (year = digits(text, 4)) < 0 || (week = digits(text + 6, 2)) < 0) {
        *why = "week must be an ISO week such as 2026-W47";
        return -1;
    }
    /* the week after the last one of the year may not be asked for, nor one before 1970 */
    if (year <= CALENDAR_MIN_YEAR || year >= CALENDAR_MAX_YEAR) {
        *why = "week lies outside the years the calendar covers";
        return -1;
    }
    int weeks = (week_one(year + 1) - week_one(year)) / 7;
    if (week < 1 || week > weeks) {
        *why = weeks == 53 ? "week must be 01 to 53 in that year" : "week must be 01 to 52 in that year";
        return -1;
    }
    fill_week(out, year, week);
    return 0;
}

void digest_week_of(int64_t t, digest_week_t *out)
{
    calendar_day_t day = calendar_day_of(t);
    calendar_day_t thursday = day - calendar_weekday(day) + 4; /* its week's year is Thursday's */
    int year;
    calendar_day_to_ymd(thursday, &year, NULL, NULL);
    fill_week(out, year, (int)((day - week_one(year)) / 7) + 1);
}

/* ---- half months --------------------------------------------------------------------------------- */

static void fill_period(digest_period_t *p, int year, int month, int half)
{
    p->year = year;
    p->month = month;
    p->half = half;
    (void)calendar_day_from_ymd(year, month, half == 1 ? 1 : 16, &p->first);
    if (half == 1) {
        p->last = p->first + 14;
    } else {
        calendar_day_t next;
        (void)calendar_day_from_ymd(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1, &next);
        p->last = next - 1;
    }
    p->from = calendar_day_start(p->first);
    p->to = calendar_day_end(p->last);
    snprintf(p->label, sizeof(p->label), "%04d-%02d-%d", year, month, half);
}

int digest_period_parse(const char *text, digest_period_t *out, const char **why)
{
    size_t len = text ? strlen(text) : 0;
    int year = -1, month = -1, half = -1;
    if (len == 8 || len == 9) {
        size_t mlen = len - 7; /* "YYYY-" M or MM "-H" */
        if (text[4] == '-' && text[5 + mlen] == '-') {
            year = digits(text, 4);
            month = digits(text + 5, (int)mlen);
            half = digits(text + 6 + mlen, 1);
        }
    }
    if (year < 0 || month < 0 || half < 0) {
        *why = "period must be a half month such as 2026-11-1 (1st-15th) or 2026-11-2 (16th-end)";
        return -1;
    }
    if (month < 1 || month > 12 || half < 1 || half > 2) {
        *why = "period needs a month 1-12 and a half 1 or 2";
        return -1;
    }
    if (year <= CALENDAR_MIN_YEAR || year >= CALENDAR_MAX_YEAR) {
        *why = "period lies outside the years the calendar covers";
        return -1;
    }
    fill_period(out, year, month, half);
    return 0;
}

void digest_period_of(int64_t t, digest_period_t *out)
{
    int year, month, mday;
    calendar_day_to_ymd(calendar_day_of(t), &year, &month, &mday);
    fill_period(out, year, month, mday <= 15 ? 1 : 2);
}

/* ---- clusters ------------------------------------------------------------------------------------ */

static size_t root_of(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

/* The index of pair (i, j), i < j, in the triangle of similarities. */
static size_t pair(size_t n, size_t i, size_t j)
{
    return i * n - i * (i + 1) / 2 + (j - i - 1);
}

static int by_size(const void *a, const void *b)
{
    const digest_cluster_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->members[0] < y->members[0] ? -1 : x->members[0] > y->members[0];
}

static void *alloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (p == NULL)
        abort();
    return p;
}

int digest_cluster(const char *const *texts, size_t n, double threshold, digest_cluster_t **out, size_t *nclusters)
{
    if (n > DIGEST_CLUSTER_MAX)
        return -1;
    float *sim = alloc(n * (n - (n > 0)) / 2, sizeof(*sim));
    size_t *parent = alloc(n, sizeof(*parent));
    for (size_t i = 0; i < n; i++)
        parent[i] = i;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double s = opinion_similarity(texts[i], texts[j]);
            sim[pair(n, i, j)] = (float)s;
            if (s >= threshold) {
                size_t a = root_of(parent, i), b = root_of(parent, j);
                if (a != b)
                    parent[a > b ? a : b] = a < b ? a : b; /* the smaller index leads: deterministic */
            }
        }
    /* one cluster per root, members in ascending order as i walks up */
    size_t *slot = alloc(n, sizeof(*slot)), count = 0;
    digest_cluster_t *clusters = alloc(n, sizeof(*clusters));
    for (size_t i = 0; i < n; i++) {
        size_t r = root_of(parent, i);
        if (r == i) {
            slot[i] = count++;
            clusters[slot[i]].members = alloc(n, sizeof(size_t));
        }
        digest_cluster_t *c = &clusters[slot[r]];
        c->members[c->count++] = i;
    }
    for (size_t k = 0; k < count; k++) {
        digest_cluster_t *c = &clusters[k];
        double best = -1;
        for (size_t a = 0; a < c->count; a++) {
            double sum = 0;
            for (size_t b = 0; b < c->count; b++)
                if (a != b) {
                    size_t i = c->members[a], j = c->members[b];
                    sum += sim[i < j ? pair(n, i, j) : pair(n, j, i)];
                }
            if (sum > best) {
                best = sum;
                c->sample = c->members[a];
            }
        }
    }
    qsort(clusters, count, sizeof(*clusters), by_size);
    free(sim);
    free(parent);
    free(slot);
    *out = clusters;
    *nclusters = count;
    return 0;
}

void digest_clusters_free(digest_cluster_t *clusters, size_t n)
{
    for (size_t i = 0; i < n && clusters; i++)
        free(clusters[i].members);
    free(clusters);
}
