/*
 * gen: what the parts of `liaison gen` share - the generator's state, its random numbers and its
 * progress line. gen.c builds the registry on the real region table; gen_opinions.c the year of
 * opinions with their timelines and referrals; gen_records.c suggestions, reception days, visits
 * and duty records; gen_text.c the names and the Chinese text.
 *
 * The one idea: every value comes from one xoshiro256** stream seeded from --seed and every time
 * from the fixed day --until, and rows are written in one order, so one seed gives the same rows
 * (ids included) on every run. Nothing reads the clock except the progress line.
 */
#ifndef LIAISON_CLI_GEN_H
#define LIAISON_CLI_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"
#include "store/store.h"

/* How much a scale makes (SPEC §10: a province has 150,000 deputies, 20,000 stations, 5 million
 * opinions a year, 60,000 suggestions and 1,000,000 duty records). */
typedef struct {
    const char *name;
    const char *root; /* the region code the scale covers */
    int64_t deputies, opinions, suggestions, duty_records;
    int spoke_permille;   /* villages with a liaison point */
    int upper_per_county; /* city deputies elected in each county */
    int upper_per_city;   /* province deputies elected in each city */
    int national;         /* national deputies elected in the province part */
} gen_scale_t;

typedef struct {
    int64_t id;
    int county;   /* index into gen_t.counties */
    int township; /* index into gen_t.townships, -1 for county-wide stations */
    char region[13];
    char place[200]; /* the village, township or county it serves, for the text */
} gen_station_t;

typedef struct {
    int64_t id;
    int county;
    int township; /* index into gen_t.townships, -1 when elected county-wide or above */
    char region[13];
    int64_t congress; /* the congress of its first seat */
} gen_deputy_t;

typedef struct {
    char code[13], name[200];
    int county;
    int64_t hub, group, congress; /* congress 0 for a street */
    int first_deputy, ndeputies;  /* deputies elected here: [first, first + n) of gen_t.deputies */
} gen_township_t;

typedef struct {
    char code[13], name[200];
    int city;
    int64_t congress, home, online;
    int first_unit, nunits; /* [first, first + n) of gen_t.units */
    int first_township, ntownships;
    int64_t last_opinion; /* the newest open opinion of the county, for merges */
} gen_county_t;

typedef struct {
    char code[13], name[200];
    int64_t congress;
} gen_city_t;

typedef struct {
    store_t *db;
    const gen_scale_t *scale;
    uint64_t rng[4];
    uint64_t code_offset; /* tracking codes: see gen_opinions.c */
    int64_t until;        /* the end of the year generated: 00:00 Beijing of --until */
    int64_t start;        /* until minus 365 days */
    calendar_t cal;
    int64_t category_ids[10];
    char province_name[200];
    int64_t province_congress, national_congress;

    gen_city_t *cities;
    gen_county_t *counties;
    gen_township_t *townships;
    gen_station_t *stations;
    gen_deputy_t *deputies;
    int64_t *units;
    int ncities, ncounties, ntownships, nstations, ndeputies, nunits;
    int cap_cities, cap_counties, cap_townships, cap_stations, cap_deputies, cap_units;

    /* counts written, for the summary */
    int64_t n_congresses, n_groups, n_opinions, n_events, n_referrals, n_suggestions, n_activities, n_visits,
        n_duty_records;

    /* the progress line */
    bool tty;
    double started, shown;
    int64_t rows; /* every row written so far, for rows/s */
} gen_t;

/* Random numbers: xoshiro256** seeded through splitmix64. */
void gen_seed(gen_t *g, uint64_t seed);
uint64_t gen_u64(gen_t *g);
/* Uniform in [0, n); n > 0. */
uint32_t gen_below(gen_t *g, uint32_t n);
/* True with probability permille / 1000. */
bool gen_chance(gen_t *g, int permille);
/* Uniform in [lo, hi]. */
int64_t gen_between(gen_t *g, int64_t lo, int64_t hi);
#define GEN_PICK(g, list) ((list)[gen_below((g), (uint32_t)(sizeof(list) / sizeof((list)[0])))])
#define GEN_COUNT(list) (sizeof(list) / sizeof((list)[0]))

/* Redraws the progress line of a phase (at most five times a second); done of total. */
void gen_progress(gen_t *g, const char *phase, int64_t done, int64_t total);
/* Ends the phase's line. */
void gen_progress_end(gen_t *g, const char *phase, int64_t total);
double gen_clock(void);

/* Text (gen_text.c). Each writes NUL-terminated UTF-8 into out. */
void gen_person_name(gen_t *g, char *out, size_t cap);
/* An opinion of the category (index into the codes of migrations/006) about place. */
void gen_opinion_text(gen_t *g, int category, const char *place, char *out, size_t cap);
/* A village committee's name as a place: 南桥村委会 -> 南桥村, 浅水湾社区居委会 -> 浅水湾社区. */
void gen_village_place(const char *name, char *out, size_t cap);
void gen_answer_text(gen_t *g, int category, const char *unit_or_place, char *out, size_t cap);
void gen_suggestion_text(gen_t *g, int category, const char *place, char *title, size_t tcap, char *content,
                         size_t ccap);
const char *gen_occupation(gen_t *g);
const char *gen_sector(gen_t *g);
const char *gen_rating_comment(gen_t *g, int rating);
extern const char *const gen_category_codes[10];
extern const char *const gen_departments[];
extern const int gen_ndepartments;

/* The phases after the registry. Each returns 0, or -1 with store_errmsg(g->db) set. */
int gen_opinions(gen_t *g);
int gen_suggestions(gen_t *g);
int gen_receptions(gen_t *g);
int gen_duty_records(gen_t *g);

/* Runs a prepared, bound INSERT (st may be NULL: a failed prepare) and counts its row: the new
 * row's id, or -1 with store_errmsg set. */
int64_t gen_insert(gen_t *g, store_stmt_t *st);

/* The end of the working day n working days after t (the server's deadline rule). */
int64_t gen_working_days(gen_t *g, int64_t t, int n);

#endif
