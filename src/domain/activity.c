/* activity: activities, seats and bookings (see activity.h). */
#include "domain/activity.h"

#include <string.h>

#include "core/calendar.h"

enum { WEEK_S = 7 * 86400 };

const char *const activity_kinds[] = {"reception", "group", "inspection", "research", "report", "legislative",
                                      "other", NULL};
static const char *const kind_zh[] = {"接待日", "小组活动", "视察", "调研", "述职会", "立法征求意见", "其他"};
static const char *const kind_en[] = {"Reception day",   "Group activity", "Inspection", "Research",
                                      "Report to voters", "Legislative consultation", "Other"};

const char *activity_kind_word(const char *kind, bool english)
{
    for (int i = 0; kind && activity_kinds[i]; i++)
        if (strcmp(activity_kinds[i], kind) == 0)
            return english ? kind_en[i] : kind_zh[i];
    return NULL;
}

static const char *const activity_states[ACTIVITY_STATE_COUNT] = {"announced", "held", "cancelled"};
static const char *const booking_states[BOOKING_STATE_COUNT] = {"confirmed", "cancelled", "checked_in", "no_show"};

static int index_of(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *activity_state_name(activity_state_t state)
{
    return state < ACTIVITY_STATE_COUNT ? activity_states[state] : "announced";
}

int activity_state_from_name(const char *name)
{
    return index_of(activity_states, ACTIVITY_STATE_COUNT, name);
}

seat_answer_t activity_seat(const activity_seats_t *a, int64_t now)
{
    if (a->state != ACTIVITY_ANNOUNCED || a->capacity <= 0 || now >= a->starts_at)
        return SEAT_CLOSED;
    return a->booked < a->capacity ? SEAT_OPEN : SEAT_FULL;
}

bool activity_cancellable(const activity_seats_t *a, int64_t now)
{
    return a->state == ACTIVITY_ANNOUNCED && now < a->starts_at;
}

const char *booking_state_name(booking_state_t state)
{
    return state < BOOKING_STATE_COUNT ? booking_states[state] : "confirmed";
}

int booking_state_from_name(const char *name)
{
    return index_of(booking_states, BOOKING_STATE_COUNT, name);
}

int booking_next(booking_state_t state, booking_action_t action)
{
    if (state != BOOKING_CONFIRMED)
        return -1;
    switch (action) {
    case BOOKING_CANCEL: return BOOKING_CANCELLED;
    case BOOKING_CHECK_IN: return BOOKING_CHECKED_IN;
    case BOOKING_MARK_NO_SHOW: return BOOKING_NO_SHOW;
    }
    return -1;
}

bool booking_holds_seat(booking_state_t state)
{
    return state != BOOKING_CANCELLED;
}

bool activity_times_valid(int64_t start, int64_t end)
{
    return end > start && end - start <= WEEK_S;
}

/* The number in text[at .. at+len), or -1 when it is not all digits. */
static int digits(const char *text, int at, int len)
{
    int v = 0;
    for (int i = at; i < at + len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        v = v * 10 + (text[i] - '0');
    }
    return v;
}

bool activity_parse_time(const char *text, int64_t *out)
{
    /* YYYY-MM-DDTHH:MM */
    if (text == NULL || strlen(text) != 16 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':')
        return false;
    int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
    int h = digits(text, 11, 2), mi = digits(text, 14, 2);
    calendar_day_t day;
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || y < 0 || mo < 0 || d < 0 || calendar_day_from_ymd(y, mo, d, &day) != 0)
        return false;
    *out = calendar_day_start(day) + (int64_t)h * 3600 + mi * 60;
    return true;
}
