/*
 * activities: SQL for reception rules and their duty rosters, activities and the deputies taking
 * part, photos, bookings, visits (reception records) and the compliance lists (SPEC §4). Which
 * change is allowed is decided in domain/activity.h and domain/schedule.h; this module only reads
 * and writes rows.
 *
 * Records read from here own their strings: release them with the matching *_free.
 */
#ifndef LIAISON_STORE_ACTIVITIES_H
#define LIAISON_STORE_ACTIVITIES_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/activity.h"
#include "domain/opinion.h"
#include "store/store.h"

/* ---- reception rules and the duty roster ---- */

typedef struct {
    int64_t id, station_id;
    char region[13];
    char rule[40];
    char *place;
    int capacity;
    int64_t created_at, updated_at;
} store_rule_t;

void store_rule_free(store_rule_t *r);
int store_rule_insert(store_t *db, const store_rule_t *r, int64_t now, int64_t *id);
int store_rule_save(store_t *db, const store_rule_t *r, int64_t now);
int store_rule_delete(store_t *db, int64_t id, int64_t now);
/* A live rule; STORE_ENOTFOUND otherwise. */
int store_rule_get(store_t *db, int64_t id, store_rule_t *out);
/* The live rules of a station (station 0: of every station), in id order. */
int store_rules_each(store_t *db, int64_t station, int (*fn)(const store_rule_t *r, void *arg), void *arg);
/* Replaces the roster of a rule with these deputies. */
int store_rule_roster_set(store_t *db, int64_t rule, const int64_t *deputies, size_t n);

/* A deputy named in a roster or an activity. attended: -1 unknown, else 0 or 1. */
typedef struct {
    int64_t id;
    const char *name;
    int attended;
} store_duty_t;

int store_rule_roster_each(store_t *db, int64_t rule, int (*fn)(const store_duty_t *d, void *arg), void *arg);

/* ---- activities ---- */

typedef struct {
    int64_t id, station_id, rule_id;
    char region[13];
    char kind[16];
    char *title, *description, *place, *station_name;
    int64_t starts_at, ends_at;
    int capacity, booked;
    activity_state_t state;
    int visitors;              /* -1 before the record is filed */
    char *summary;             /* NULL before the record is filed */
    int64_t recorded_by, recorded_at, created_at, updated_at;
} store_activity_t;

void store_activity_free(store_activity_t *a);
/* Inserts a; an occurrence of a rule already made (the same rule and start) is left alone and
 * *id gets 0. */
int store_activity_insert(store_t *db, const store_activity_t *a, int64_t now, int64_t *id);
/* Writes back what may change: texts, times, capacity, state and the record. */
int store_activity_save(store_t *db, const store_activity_t *a, int64_t now);
int store_activity_get(store_t *db, int64_t id, store_activity_t *out);
/* The coming days of a rule being changed or ended that nobody booked: cancelled, and let go of
 * the rule so it may announce those days anew. A booked day stays as announced. */
int store_rule_retire_days(store_t *db, int64_t rule, int64_t now);
/* Takes (delta 1) or gives back (delta -1) a seat; STORE_EINVALID when none is left to take. */
int store_activity_seat(store_t *db, int64_t id, int delta, int64_t now);

typedef struct {
    int64_t station_id;
    const char *region_lo, *region_hi; /* a region subtree (region_subtree_upper), or NULL */
    int64_t from, to;                  /* starts within [from, to]; 0: no bound */
    const char *kind;
    int64_t rule_id;
    bool with_cancelled;
    int64_t after_id;                  /* keyset paging: activities after this one */
    int limit;
} store_activity_filter_t;

/* Matching activities by start time, then id; fn may return non-zero to stop. */
int store_activities_each(store_t *db, const store_activity_filter_t *f,
                          int (*fn)(const store_activity_t *a, void *arg), void *arg);

/* Replaces the deputies taking part (those kept keep their attendance). */
int store_activity_deputies_set(store_t *db, int64_t activity, const int64_t *deputies, size_t n);
int store_activity_deputies_each(store_t *db, int64_t activity, int (*fn)(const store_duty_t *d, void *arg),
                                 void *arg);
/* Files attendance: the listed deputies attended, the others of the activity did not. */
int store_activity_attendance(store_t *db, int64_t activity, const int64_t *present, size_t n);
/* The first live activity other than `except` that deputy takes part in and that overlaps
 * [start, end): its id into *clash (0 when there is none). */
int store_deputy_clash(store_t *db, int64_t deputy, int64_t start, int64_t end, int64_t except, int64_t *clash);

int store_activity_photo_add(store_t *db, int64_t activity, const char *mime, const void *data, size_t len,
                             int64_t now, int64_t *id);
/* Calls fn with the photo of activity (data NULL when with_data is false). */
typedef struct {
    int64_t id;
    const char *mime;
    const void *data;
    size_t bytes;
} store_photo_t;
int store_activity_photos_each(store_t *db, int64_t activity, int64_t photo, bool with_data,
                               int (*fn)(const store_photo_t *p, void *arg), void *arg);

/* ---- bookings ---- */

typedef struct {
    int64_t id, activity_id;
    char code[OPINION_CODE_LEN + 1];
    char *topic, *name_sealed, *phone_sealed; /* name_sealed NULL when not given */
    char phone_hash[65], phone4[5];
    booking_state_t state;
    int64_t reminded_at, created_at, updated_at;
    int64_t visit_id;                         /* the visit made at check-in, 0 before */
} store_booking_t;

void store_booking_free(store_booking_t *b);
/* STORE_ECONSTRAINT when the code is taken (nothing written; draw another). */
int store_booking_insert(store_t *db, const store_booking_t *b, int64_t *id);
int store_booking_by_code(store_t *db, const char *code, store_booking_t *out);
/* Whether the phone (by hash) holds a live booking of the activity. */
int store_booking_phone_taken(store_t *db, int64_t activity, const char *phone_hash, bool *taken);
int store_booking_set_state(store_t *db, int64_t id, booking_state_t state, int64_t now);
int store_booking_reminded(store_t *db, int64_t id, int64_t now);
/* The bookings of an activity, in the order they were made. */
int store_bookings_of_activity(store_t *db, int64_t activity, int (*fn)(const store_booking_t *b, void *arg),
                               void *arg);
/* Confirmed bookings not yet reminded of activities starting within [from, to]. */
int store_bookings_to_remind(store_t *db, int64_t from, int64_t to, int (*fn)(const store_booking_t *b, void *arg),
                             void *arg);

/* ---- visits: reception records ---- */

typedef struct {
    int64_t id, activity_id, booking_id, station_id, created_by, created_at;
    char region[13];
    char *topic, *name_sealed, *phone_sealed, *received_by, *activity_title;
    char phone_hash[65], phone4[5];
} store_visit_t;

void store_visit_free(store_visit_t *v);
int store_visit_insert(store_t *db, const store_visit_t *v, int64_t *id);
int store_visit_get(store_t *db, int64_t id, store_visit_t *out);

typedef struct {
    int64_t station_id, activity_id;
    const char *region_lo, *region_hi;
    int64_t from, to;       /* created within [from, to]; 0: no bound */
    int64_t before_id;      /* keyset paging, newest first */
    int limit;
} store_visit_filter_t;

int store_visits_each(store_t *db, const store_visit_filter_t *f, int (*fn)(const store_visit_t *v, void *arg),
                      void *arg);

/* ---- compliance ---- */

typedef struct {
    int64_t id;
    const char *name, *region;
    int64_t count;          /* absences of a deputy; unused for a station */
    const char *activities; /* a deputy's missed activities, ids joined by commas */
} store_compliance_row_t;

/* Live stations of the subtree with neither a held reception day nor a visit in [from, to]. */
int store_stations_without_reception(store_t *db, const char *lo, const char *hi, int64_t from, int64_t to,
                                     int (*fn)(const store_compliance_row_t *row, void *arg), void *arg);
/* Deputies on duty at held activities of the subtree in [from, to] who did not attend, with
 * how many they missed, most first. */
int store_absent_deputies(store_t *db, const char *lo, const char *hi, int64_t from, int64_t to,
                          int (*fn)(const store_compliance_row_t *row, void *arg), void *arg);

#endif
