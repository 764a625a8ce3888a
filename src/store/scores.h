/*
 * scores: SQL for the rules of duty scores and obligations (履职计分, 三个一/四个一) and the
 * counts they are computed from, and the score of a deputy - which the members' dashboard and
 * the annual report may call as well as the score board.
 *
 * One idea: nothing is stored but the rules. A score or an obligation is counted afresh on every
 * read from the confirmed duty records of the year, grouped per subject, kind and month in SQL
 * and turned into points and periods by domain/duty.h; so a rule changed by the office changes
 * every score read after it. Each query reads its subjects by an index range on region_code and
 * their records by the subject's own index (see tests/unit/test_query_plans.c).
 *
 * Functions give STORE_OK or a negative STORE_E* code (store.h). Text passed to a callback is
 * valid only during the call.
 */
#ifndef LIAISON_STORE_SCORES_H
#define LIAISON_STORE_SCORES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/duty.h"
#include "store/store.h"

/* ---- the rules ----------------------------------------------------------------------------------- */

enum { STORE_DUTY_RULES_MAX = 32, STORE_OBLIGATION_RULES_MAX = 32 };

/* One item of the scoring rules (履职计分细则): points per confirmed record of its kind. */
typedef struct {
    int64_t id;
    char kind[16];
    int position;
    char name[204];    /* up to 50 characters */
    char name_en[404]; /* up to 100 */
    int points;
    int cap;                /* most points per period; DUTY_NO_CAP for none */
    char period[8];         /* month, quarter, year */
    char evidence[8];       /* none, text, photo: what a typed record needs before it is confirmed */
    char description[2004]; /* up to 500 */
    int64_t updated_by;     /* 0: never changed */
    int64_t updated_at;
} store_duty_rule_t;

/* Every rule by position into out (at most max); *n says how many. */
int store_duty_rules_all(store_t *db, store_duty_rule_t *out, int max, int *n);
int store_duty_rule_get(store_t *db, int64_t id, store_duty_rule_t *out);
/* Writes every field but id, kind and position. STORE_ENOTFOUND for no such rule. */
int store_duty_rule_save(store_t *db, const store_duty_rule_t *rule);

/* What a deputy, a group or a station must do each period. */
typedef struct {
    int64_t id;
    char code[40];
    char subject[8]; /* deputy, group, station */
    int position;
    char name[204], name_en[404];
    char period[8];
    int required;
    char kinds[160]; /* space-separated duty kinds; "" for a station (its receptions count) */
    bool active;
    int64_t updated_at;
} store_obligation_rule_t;

int store_obligation_rules_all(store_t *db, store_obligation_rule_t *out, int max, int *n);
int store_obligation_rule_get(store_t *db, int64_t id, store_obligation_rule_t *out);
/* Writes period, required, kinds and active. STORE_ENOTFOUND for no such rule. */
int store_obligation_rule_save(store_t *db, const store_obligation_rule_t *rule);

/* ---- counts -------------------------------------------------------------------------------------- */

/* One deputy, group or station with what it did in a year, per kind of duty and month. */
typedef struct {
    int64_t id;
    const char *name;
    char region[13];
    /* [k][m]: records of duty_kinds[k] in month m + 1; [DUTY_KINDS][m]: a station's receptions
     * (held reception activities and visits received) */
    int64_t counts[DUTY_KINDS + 1][12];
    int64_t records; /* all of them */
} store_duty_subject_t;

typedef enum { STORE_SUBJECT_DEPUTY, STORE_SUBJECT_GROUP, STORE_SUBJECT_STATION } store_subject_t;

/* "deputy", "group", "station" (obligation_rules.subject); -1 for another word. */
int store_subject_parse(const char *word);

/*
 * Calls fn once per live subject of the region subtree [lo, hi) in id order, also for one that
 * did nothing, with the counts of year:
 * - a deputy: their confirmed records;
 * - a group: the confirmed records of its live deputies, each event (a title on a day) once
 *   however many of them took part;
 * - a station (not an online one): its held reception activities and the visits it received.
 * fn returns non-zero to stop.
 */
int store_duty_subjects_each(store_t *db, store_subject_t subject, const char *lo, const char *hi, int year,
                             int (*fn)(const store_duty_subject_t *s, void *arg), void *arg);

/* One confirmed record of a deputy, for the trace of a score. */
typedef struct {
    int64_t id;
    const char *kind, *title, *happened_on, *source;
} store_duty_record_row_t;

/* The confirmed records of a deputy in year, in the order they happened, then by id. */
int store_deputy_records_each(store_t *db, int64_t deputy_id, int year,
                              int (*fn)(const store_duty_record_row_t *rec, void *arg), void *arg);

/* ---- scores -------------------------------------------------------------------------------------- */

/* One deputy's place on the board. */
typedef struct {
    int64_t deputy_id;
    char *name; /* owned by the board */
    char region[13];
    int64_t score;
    int64_t records; /* confirmed records of the year, earning or not */
    int rank;        /* among every deputy of the board's area: 1, 2, 2, 4 */
} store_standing_t;

typedef struct {
    store_standing_t *items; /* highest score first, equal scores by deputy id */
    size_t n;
} store_board_t;

/* The area deputies are ranked in: the county of a region of a county or below, else the region
 * itself (a city's office ranks the whole city). */
void store_score_area(const char *region, char out[13]);
/* The score of year of every live deputy of the subtree of area, ranked. Free with
 * store_score_board_free (also after an error). */
int store_score_board(store_t *db, const char *area, int year, store_board_t *out);
void store_score_board_free(store_board_t *board);
/* A deputy's score of year, their rank among the deputies of their area and how many those are.
 * STORE_ENOTFOUND for no live deputy. Any out-pointer may be NULL. */
int store_deputy_score(store_t *db, int64_t deputy_id, int year, int64_t *score, int *rank, int *of);

/* The region of a live deputy (for scope checks); STORE_ENOTFOUND when there is none. */
int store_scores_deputy_region(store_t *db, int64_t deputy_id, char region[13]);
/* Whether member_user_id keeps in touch with the deputy (member_deputies): STORE_OK or
 * STORE_ENOTFOUND. */
int store_scores_member_linked(store_t *db, int64_t member_user_id, int64_t deputy_id);

/* ---- reminders ----------------------------------------------------------------------------------- */

/*
 * Live deputies, in the registry since before from (a unix time, the period's first second),
 * with fewer than rule->required confirmed records of the rule's kinds on the days from_day to
 * to_day, who have not been reminded of period_key under the rule yet; at most limit of them.
 */
int store_obligation_laggards(store_t *db, const store_obligation_rule_t *rule, const char *period_key, int64_t from,
                              const char *from_day, const char *to_day, int limit,
                              int (*fn)(int64_t deputy_id, const char *name, void *arg), void *arg);
/* Notes that subject_id was reminded of period_key under rule_id. */
int store_obligation_reminded(store_t *db, int64_t rule_id, int64_t subject_id, const char *period_key, int64_t now);

/* The SQL of the counts of subject, for the query-plan tests. */
const char *store_duty_subjects_sql(store_subject_t subject);
const char *store_deputy_records_sql(void);
const char *store_obligation_laggards_sql(void);

#endif
