/*
 * booking race: many constituents press "book" for the same reception day at the same moment.
 * However the requests interleave, no more seats are given than there are, everyone else is told
 * the day is full, and no half-written booking is left behind - also while others cancel and new
 * people book the seats they free. Every request is on the wire before the first answer arrives.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

enum { SEATS = 20, CROWD = 500, REBOOKERS = 100 };

static server_t srv;
static client_t staff;
static long long station;

static long long count(const char *fmt, long long id)
{
    char sql[512], out[64];
    snprintf(sql, sizeof(sql), fmt, id);
    assert_int_equal(db_query(&srv, sql, out, sizeof(out)), 0);
    return atoll(out);
}

/* A reception of SEATS seats at the staff's station, a few days ahead. */
static long long fresh_activity(const char *title)
{
    char starts[20], ends[20], body[512];
    time_t day = time(NULL) + 3 * 86400 + 8 * 3600; /* Beijing time, three days on */
    strftime(starts, sizeof(starts), "%Y-%m-%dT09:00", gmtime(&day));
    strftime(ends, sizeof(ends), "%Y-%m-%dT11:30", gmtime(&day));
    snprintf(body, sizeof(body),
             "{\"station_id\":%lld,\"kind\":\"reception\",\"title\":\"%s\",\"starts_at\":\"%s\",\"ends_at\":\"%s\","
             "\"capacity\":%d}",
             station, title, starts, ends, SEATS);
    api_res_t *r = client_request(&staff, "POST", "/api/v1/activities", body);
    assert_int_equal(r->status, 201);
    long long id = (long long)json_integer_value(json_object_get(r->json, "id"));
    api_res_free(r);
    return id;
}

static void booking_call(crowd_call_t *c, long long activity, int person)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->url, sizeof(c->url), "%s/api/v1/activities/%lld/bookings", srv.base, activity);
    snprintf(c->body, sizeof(c->body), "{\"topic\":\"路灯\",\"phone\":\"139%08d\"}", person);
}

static void five_hundred_people_booking_twenty_seats_at_once_get_exactly_twenty(void **state)
{
    long long activity = fresh_activity("抢约接待日");
    crowd_call_t *calls = calloc(CROWD, sizeof(*calls));
    for (int i = 0; i < CROWD; i++)
        booking_call(&calls[i], activity, i);
    crowd_send(NULL, calls, CROWD);
    int confirmed = 0, full = 0;
    for (int i = 0; i < CROWD; i++) {
        confirmed += calls[i].status == 201;
        full += calls[i].status == 409 && strstr(calls[i].reply, "\"full\"") && strstr(calls[i].reply, "\"seats_left\":0");
    }
    free(calls);
    assert_int_equal(confirmed, SEATS);
    assert_int_equal(full, CROWD - SEATS);
    /* no partial rows: a booking, its seat and its notice, for each confirmed one only */
    assert_int_equal(count("SELECT count(*) FROM bookings WHERE activity_id = %lld", activity), SEATS);
    assert_int_equal(count("SELECT booked FROM activities WHERE id = %lld", activity), SEATS);
    assert_int_equal(count("SELECT count(*) FROM outbox WHERE event = 'booking.confirmed' AND json_extract(payload,"
                           " '$.activity_id') = %lld", activity),
                     SEATS);
}

static void cancelling_and_rebooking_at_once_never_gives_more_seats_than_there_are(void **state)
{
    long long activity = fresh_activity("退约再约接待日");
    crowd_call_t *calls = calloc(SEATS + REBOOKERS, sizeof(*calls));
    for (int i = 0; i < SEATS; i++)
        booking_call(&calls[i], activity, 1000 + i);
    crowd_send(NULL, calls, SEATS);
    char codes[SEATS][16];
    for (int i = 0; i < SEATS; i++) {
        assert_int_equal(calls[i].status, 201);
        json_t *j = json_loads(calls[i].reply, 0, NULL);
        assert_non_null(j);
        snprintf(codes[i], sizeof(codes[i]), "%s", json_string_value(json_object_get(j, "code")));
        json_decref(j);
    }
    /* the twenty holders cancel while a hundred newcomers try to book */
    for (int i = 0; i < SEATS; i++) {
        memset(&calls[i], 0, sizeof(calls[i]));
        snprintf(calls[i].url, sizeof(calls[i].url), "%s/api/v1/bookings/%s/cancel", srv.base, codes[i]);
        snprintf(calls[i].body, sizeof(calls[i].body), "{\"phone4\":\"%04d\"}", 1000 + i);
    }
    for (int i = 0; i < REBOOKERS; i++)
        booking_call(&calls[SEATS + i], activity, 2000 + i);
    crowd_send(NULL, calls, SEATS + REBOOKERS);
    int cancelled = 0, rebooked = 0, full = 0;
    for (int i = 0; i < SEATS; i++)
        cancelled += calls[i].status == 200;
    for (int i = SEATS; i < SEATS + REBOOKERS; i++) {
        rebooked += calls[i].status == 201;
        full += calls[i].status == 409 && strstr(calls[i].reply, "\"full\"") != NULL;
    }
    free(calls);
    assert_int_equal(cancelled, SEATS);
    assert_true(rebooked <= SEATS);
    assert_int_equal(rebooked + full, REBOOKERS);
    long long held = count("SELECT count(*) FROM bookings WHERE activity_id = %lld AND state = 'confirmed'", activity);
    assert_int_equal(held, rebooked);
    assert_int_equal(count("SELECT booked FROM activities WHERE id = %lld", activity), held);
    assert_int_equal(count("SELECT count(*) FROM bookings WHERE activity_id = %lld", activity), SEATS + rebooked);
}

static int start(void **state)
{
    /* every request of the crowd is open at once, from one address */
    server_up(&srv, (const char *const[]){"--rate-limits=off", "--max-conns-per-ip=1000", NULL});
    if (!client_login(&staff, &srv, "staff", DEMO_PASSWORD))
        return -1;
    api_res_t *r = client_request(&staff, "GET", "/api/v1/session", NULL);
    station = (long long)json_integer_value(json_array_get(json_object_get(json_object_get(r->json, "user"), "stations"), 0));
    api_res_free(r);
    return station > 0 ? 0 : -1;
}

static int stop(void **state)
{
    server_down(&srv);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(five_hundred_people_booking_twenty_seats_at_once_get_exactly_twenty),
        cmocka_unit_test(cancelling_and_rebooking_at_once_never_gives_more_seats_than_there_are),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
