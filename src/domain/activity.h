/*
 * activity: the rules of activities and their bookings (SPEC §4, 线上预告、线下开展).
 *
 * An activity - a reception day, a 视察, a 述职会 - is announced, then held (its record filed) or
 * cancelled. A constituent books a seat of it; the booking is confirmed at once, and then
 * cancelled by its holder, checked in at the desk or marked a no-show:
 *
 *   confirmed --cancel--> cancelled      confirmed --check_in--> checked_in
 *   confirmed --no_show--> no_show
 *
 * Whether a seat can be taken is decided here from the activity as read inside the writer's
 * transaction, so two requests racing for the last seat cannot both get it. Nothing here does I/O.
 */
#ifndef LIAISON_DOMAIN_ACTIVITY_H
#define LIAISON_DOMAIN_ACTIVITY_H

#include <stdbool.h>
#include <stdint.h>

/* The kinds, as stored: reception group inspection research report legislative other. */
extern const char *const activity_kinds[];
/* The Chinese (or English) word for a kind, or NULL for an unknown kind. */
const char *activity_kind_word(const char *kind, bool english);

typedef enum { ACTIVITY_ANNOUNCED, ACTIVITY_HELD, ACTIVITY_CANCELLED, ACTIVITY_STATE_COUNT } activity_state_t;
const char *activity_state_name(activity_state_t state);
/* -1 for an unknown name. */
int activity_state_from_name(const char *name);

/* What an activity is, as far as booking goes. */
typedef struct {
    activity_state_t state;
    int64_t starts_at;
    int capacity, booked;
} activity_seats_t;

typedef enum {
    SEAT_OPEN,      /* a seat can be booked */
    SEAT_FULL,      /* every seat is taken: 409 full */
    SEAT_CLOSED,    /* not booked online, cancelled, held or begun: 409 closed */
} seat_answer_t;

/* Whether a seat of a can be booked at now. Booking closes when the activity begins. */
seat_answer_t activity_seat(const activity_seats_t *a, int64_t now);
/* Whether a seat of a can still be given back at now (only before it begins). */
bool activity_cancellable(const activity_seats_t *a, int64_t now);

typedef enum { BOOKING_CONFIRMED, BOOKING_CANCELLED, BOOKING_CHECKED_IN, BOOKING_NO_SHOW, BOOKING_STATE_COUNT } booking_state_t;
typedef enum { BOOKING_CANCEL, BOOKING_CHECK_IN, BOOKING_MARK_NO_SHOW } booking_action_t;

const char *booking_state_name(booking_state_t state);
int booking_state_from_name(const char *name);
/* The state action leads to from state, or -1 when it is not allowed. */
int booking_next(booking_state_t state, booking_action_t action);
/* Whether a booking in state holds a seat (every state but cancelled). */
bool booking_holds_seat(booking_state_t state);

/* Whether [start, end) is a time an activity may take: it ends after it starts and lasts at
 * most a week (a 视察 may take several days). */
bool activity_times_valid(int64_t start, int64_t end);
/* Parses "YYYY-MM-DDTHH:MM" (Beijing time) into UTC seconds. */
bool activity_parse_time(const char *text, int64_t *out);

#endif
