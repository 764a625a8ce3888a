/*
 * activity_common: what the HTTP side of reception days shares - activities.c (rules, activities,
 * records, photos, the 接待日公示表), bookings.c (bookings, the desk, visits, compliance) and
 * background.c (the rules' coming days, reminders).
 */
#ifndef LIAISON_API_ACTIVITY_COMMON_H
#define LIAISON_API_ACTIVITY_COMMON_H

#include "api/api.h"
#include "core/calendar.h"
#include "store/activities.h"

/* How far ahead a reception rule's days are announced. */
enum { RULE_HORIZON_DAYS = 56 };

/* A deputy who would be on duty at two places at once. */
typedef struct {
    int64_t deputy_id, activity_id; /* the deputy, and the activity already holding them */
    int64_t at;                     /* when the new duty would begin */
} api_clash_t;

/* Announces the days of rule from now to RULE_HORIZON_DAYS ahead (the holidays of cal skipped), each an
 * activity with the rule's roster; days already announced are left alone. With strict, a roster
 * deputy busy elsewhere then fails it all (STORE_EINVALID, *clash says who and when); without,
 * that deputy is left off that day (the background extension must not stop for one clash). */
int api_rule_announce(store_t *db, const calendar_t *cal, const store_rule_t *rule, int64_t now, bool strict,
                      api_clash_t *clash);

/* The station named by id, live, inside the actor's scope for the route's action: its region into
 * region. Otherwise answers (422 naming field when field is given, else 404; or 403) and returns false. */
bool api_station_in_scope(http_req_t *r, int64_t id, const char *field, char region[13]);
/* The activity named by the route's first parameter; with scoped, only inside the actor's scope
 * (404 otherwise). The caller frees a. */
bool api_activity_load(http_req_t *r, bool scoped, store_activity_t *a);

/* Everything shown of an activity: station, times, seats, deputies, record and photos. */
json_t *api_activity_json(store_t *db, const store_activity_t *a, int64_t now);
/* The seats and times the domain decides on. */
activity_seats_t api_activity_seats(const store_activity_t *a);

/* Reads field ("deputies", "attended"): a list of at most 50 distinct ids of live deputies, into
 * ids (owned; may be NULL when empty). false after answering 422 naming field. */
bool api_read_deputies(api_input_t *in, const char *field, int64_t **ids, size_t *n);

/* Writes an outbox row telling the holder of booking b about event (booking.confirmed,
 * booking.reminder, booking.cancelled): its code and activity, nothing personal. */
int api_booking_notify(store_t *db, const char *event, const store_booking_t *b, int64_t now);

/* ?month=YYYY-MM (default: this month, Beijing time) as its first and last day and its label.
 * false after answering 400. */
bool api_read_month(http_req_t *r, calendar_day_t *first, calendar_day_t *last, char month[8]);

/* The sentence of a clash for the user (which deputy, when, where already). */
void api_clash_message(store_t *db, const api_clash_t *clash, char *out, size_t cap);

#endif
