/*
 * digest: the rules of the office's weekly digest (一周一汇总) and the biweekly batch referral
 * (半月一交办) - which days an ISO week or a half month covers in Beijing time, and how a week's
 * opinions fall into clusters of near-duplicates by their Chinese bigram similarity
 * (opinion_similarity). Nothing here does I/O.
 *
 * Parsers return 0, or -1 with *why set to a sentence a person can act on (a static string).
 */
#ifndef LIAISON_DOMAIN_DIGEST_H
#define LIAISON_DOMAIN_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"

/* An ISO 8601 week: Monday to Sunday, week 1 holding the year's first Thursday. */
typedef struct {
    int year, week;
    calendar_day_t monday, sunday;
    int64_t from, to; /* UTC seconds: Monday 00:00:00 .. Sunday 23:59:59 in Beijing */
    char label[16];   /* "2026-W47" */
} digest_week_t;

/* "2026-W47" (the W may be lower case); the week must exist in that year (52 or 53 weeks). */
int digest_week_parse(const char *text, digest_week_t *out, const char **why);
/* The week the Beijing day of UTC time t falls in. */
void digest_week_of(int64_t t, digest_week_t *out);

/* 半月: the 1st to the 15th of a month ("2026-11-1") or the 16th to its end ("2026-11-2"). */
typedef struct {
    int year, month, half;
    calendar_day_t first, last;
    int64_t from, to; /* UTC seconds, the first day's start to the last day's end, Beijing */
    char label[16];   /* "2026-11-1" */
} digest_period_t;

/* "YYYY-MM-H" with a month of one or two digits and H 1 or 2. */
int digest_period_parse(const char *text, digest_period_t *out, const char **why);
/* The half month the Beijing day of UTC time t falls in. */
void digest_period_of(int64_t t, digest_period_t *out);

/* Texts this similar (Dice over bigrams) or more are linked; a cluster is what links join
 * (single link), so a chain of rewordings of one complaint stays one cluster. */
#define DIGEST_SIMILAR 0.5
/* At most this many texts are clustered at once (the work grows with the square). */
enum { DIGEST_CLUSTER_MAX = 400 };

typedef struct {
    size_t count;
    size_t sample;   /* the most central member: the greatest summed similarity to the others
                      * (the lowest index on a tie) */
    size_t *members; /* indexes into the texts, ascending */
} digest_cluster_t;

/*
 * Partitions texts[0..n) (n <= DIGEST_CLUSTER_MAX) into clusters by single link at threshold.
 * Every text is in exactly one cluster (lone texts are clusters of one). Clusters come largest
 * first, then by their first member; the result depends only on the texts and their order.
 * *out is an array of *nclusters the caller frees with digest_clusters_free. Returns 0, or -1
 * when n is too large (nothing allocated). Allocation failure aborts.
 */
int digest_cluster(const char *const *texts, size_t n, double threshold, digest_cluster_t **out, size_t *nclusters);
void digest_clusters_free(digest_cluster_t *clusters, size_t n);

#endif
