/*
 * test_activity: the rules of activities and bookings (src/domain/activity.c) - when a seat can
 * be booked or given back, every booking state against every step, the times an activity may
 * take, the Beijing times typed on the forms, and the words printed for each kind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/calendar.h"
#include "domain/activity.h"

enum { NOON = 1796000000 };

static activity_seats_t seats(activity_state_t state, int capacity, int booked)
{
    return (activity_seats_t){state, NOON, capacity, booked};
}

static void a_seat_is_open_until_the_last_one_is_taken(void **state)
{
    activity_seats_t a = seats(ACTIVITY_ANNOUNCED, 20, 19);
    assert_int_equal(activity_seat(&a, NOON - 1), SEAT_OPEN);
    a.booked = 20;
    assert_int_equal(activity_seat(&a, NOON - 1), SEAT_FULL);
}

static void booking_closes_when_the_activity_begins_and_for_cancelled_held_or_unbooked_ones(void **state)
{
    activity_seats_t a = seats(ACTIVITY_ANNOUNCED, 20, 0);
    assert_int_equal(activity_seat(&a, NOON), SEAT_CLOSED);
    assert_int_equal(activity_seat(&a, NOON + 3600), SEAT_CLOSED);
    a = seats(ACTIVITY_CANCELLED, 20, 0);
    assert_int_equal(activity_seat(&a, NOON - 1), SEAT_CLOSED);
    a = seats(ACTIVITY_HELD, 20, 0);
    assert_int_equal(activity_seat(&a, NOON - 1), SEAT_CLOSED);
    a = seats(ACTIVITY_ANNOUNCED, 0, 0); /* not booked online */
    assert_int_equal(activity_seat(&a, NOON - 1), SEAT_CLOSED);
    /* a full day that has begun is closed, not full: nobody should wait for a seat */
    a = seats(ACTIVITY_ANNOUNCED, 1, 1);
    assert_int_equal(activity_seat(&a, NOON), SEAT_CLOSED);
}

static void a_seat_is_given_back_only_before_the_activity_begins(void **state)
{
    activity_seats_t a = seats(ACTIVITY_ANNOUNCED, 20, 5);
    assert_true(activity_cancellable(&a, NOON - 1));
    assert_false(activity_cancellable(&a, NOON));
    a.state = ACTIVITY_CANCELLED;
    assert_false(activity_cancellable(&a, NOON - 1));
}

static void only_a_confirmed_booking_can_be_cancelled_checked_in_or_marked_a_no_show(void **state)
{
    static const int expected[BOOKING_STATE_COUNT][3] = {
        [BOOKING_CONFIRMED] = {BOOKING_CANCELLED, BOOKING_CHECKED_IN, BOOKING_NO_SHOW},
        [BOOKING_CANCELLED] = {-1, -1, -1},
        [BOOKING_CHECKED_IN] = {-1, -1, -1},
        [BOOKING_NO_SHOW] = {-1, -1, -1},
    };
    for (int s = 0; s < BOOKING_STATE_COUNT; s++)
        for (int a = BOOKING_CANCEL; a <= BOOKING_MARK_NO_SHOW; a++)
            assert_int_equal(booking_next((booking_state_t)s, (booking_action_t)a), expected[s][a]);
}

static void every_booking_but_a_cancelled_one_holds_its_seat(void **state)
{
    assert_true(booking_holds_seat(BOOKING_CONFIRMED));
    assert_true(booking_holds_seat(BOOKING_CHECKED_IN));
    assert_true(booking_holds_seat(BOOKING_NO_SHOW));
    assert_false(booking_holds_seat(BOOKING_CANCELLED));
}

static void state_names_read_back(void **state)
{
    for (int s = 0; s < BOOKING_STATE_COUNT; s++)
        assert_int_equal(booking_state_from_name(booking_state_name((booking_state_t)s)), s);
    for (int s = 0; s < ACTIVITY_STATE_COUNT; s++)
        assert_int_equal(activity_state_from_name(activity_state_name((activity_state_t)s)), s);
    assert_int_equal(booking_state_from_name("booked"), -1);
    assert_int_equal(activity_state_from_name(NULL), -1);
}

static void an_activity_ends_after_it_begins_and_lasts_at_most_a_week(void **state)
{
    assert_true(activity_times_valid(NOON, NOON + 1));
    assert_true(activity_times_valid(NOON, NOON + 7 * 86400));
    assert_false(activity_times_valid(NOON, NOON));
    assert_false(activity_times_valid(NOON, NOON - 60));
    assert_false(activity_times_valid(NOON, NOON + 7 * 86400 + 1));
}

static void a_time_typed_on_the_form_is_beijing_time(void **state)
{
    int64_t t;
    assert_true(activity_parse_time("2026-12-07T09:00", &t));
    calendar_day_t day;
    assert_int_equal(calendar_parse_date("2026-12-07", &day), 0);
    assert_int_equal(t, calendar_day_start(day) + 9 * 3600);
    assert_int_equal(t % 86400, 1 * 3600); /* 09:00 at +08:00 is 01:00 UTC */
    assert_true(activity_parse_time("2026-12-31T23:59", &t));
    static const char *const bad[] = {
        "2026-12-07 09:00", "2026-12-07T9:00", "2026-12-07T24:00", "2026-12-07T09:60", "2026-02-29T09:00",
        "2026-13-01T09:00", "2026-12-07T09:00Z", "2026-12-7T09:00", "+026-12-07T09:00", "2026-12-07T-9:00", "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        assert_false(activity_parse_time(bad[i], &t));
    assert_false(activity_parse_time(NULL, &t));
}

static void every_kind_has_a_chinese_and_an_english_word(void **state)
{
    int n = 0;
    for (int i = 0; activity_kinds[i]; i++, n++) {
        assert_non_null(activity_kind_word(activity_kinds[i], false));
        assert_non_null(activity_kind_word(activity_kinds[i], true));
    }
    assert_int_equal(n, 7);
    assert_string_equal(activity_kind_word("report", false), "述职会");
    assert_string_equal(activity_kind_word("inspection", false), "视察");
    assert_null(activity_kind_word("party", false));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_seat_is_open_until_the_last_one_is_taken),
        cmocka_unit_test(booking_closes_when_the_activity_begins_and_for_cancelled_held_or_unbooked_ones),
        cmocka_unit_test(a_seat_is_given_back_only_before_the_activity_begins),
        cmocka_unit_test(only_a_confirmed_booking_can_be_cancelled_checked_in_or_marked_a_no_show),
        cmocka_unit_test(every_booking_but_a_cancelled_one_holds_its_seat),
        cmocka_unit_test(state_names_read_back),
        cmocka_unit_test(an_activity_ends_after_it_begins_and_lasts_at_most_a_week),
        cmocka_unit_test(a_time_typed_on_the_form_is_beijing_time),
        cmocka_unit_test(every_kind_has_a_chinese_and_an_english_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
