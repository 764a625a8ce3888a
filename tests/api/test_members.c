/*
 * members (常委会组成人员联系代表): the office links a member to deputies of its region - 4 to 7
 * are saved quietly, fewer or more are saved with a warning the office sees in its list; a member
 * logs contacts only with their own deputies and sees a dashboard of them (score and rank of the
 * year as the score board has them, obligations behind, open suggestions, the last contact).
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

enum { DEPUTIES = 9 };

typedef struct {
    server_t server;
    client_t admin, member, staff, foreign_admin;
    long long member_id, staff_id;
    long long deputies[DEPUTIES]; /* of the demo county */
    long long foreign_deputy;
} fixture_t;

static fixture_t fx;

static long long session_user_id(client_t *c)
{
    api_res_t *r = client_request(c, "GET", "/api/v1/session", NULL);
    long long id = (long long)json_integer_value(json_object_get(json_object_get(r->json, "user"), "id"));
    api_res_free(r);
    return id;
}

/* The first n deputy ids of region into ids. */
static void deputies_of(const char *region, long long *ids, int n)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/deputies?region=%s&limit=%d", region, n);
    api_res_t *r = api_get(&fx.server, path);
    assert_int_equal(r->status, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_true(json_array_size(items) >= (size_t)n);
    for (int i = 0; i < n; i++)
        ids[i] = (long long)json_integer_value(json_object_get(json_array_get(items, (size_t)i), "id"));
    api_res_free(r);
}

static int setup(void **state)
{
    (void)state;
    memset(&fx, 0, sizeof(fx));
    server_up(&fx.server, (const char *const[]){"--rate-limits=off", NULL});
    const char *names[] = {"admin", "member", "staff", FOREIGN_ADMIN};
    client_t *clients[] = {&fx.admin, &fx.member, &fx.staff, &fx.foreign_admin};
    for (int i = 0; i < 4; i++)
        if (!client_login(clients[i], &fx.server, names[i], DEMO_PASSWORD))
            return -1;
    fx.member_id = session_user_id(&fx.member);
    fx.staff_id = session_user_id(&fx.staff);
    deputies_of(HOME_REGION, fx.deputies, DEPUTIES);
    /* the neighbouring county's office keeps a deputy of its own */
    char body[160];
    snprintf(body, sizeof(body), "{\"name\":\"邻县代表\",\"gender\":\"female\",\"region\":\"%s\"}", FOREIGN_REGION);
    api_res_t *r = client_request(&fx.foreign_admin, "POST", "/api/v1/deputies", body);
    if (r == NULL || r->status != 201) {
        api_res_free(r);
        return -1;
    }
    fx.foreign_deputy = (long long)json_integer_value(json_object_get(r->json, "id"));
    api_res_free(r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    server_down(&fx.server);
    return 0;
}

/* PUTs the first n county deputies as the member's links, as client. */
static api_res_t *link_first(client_t *c, long long user, int n)
{
    char path[96], body[512];
    int used = snprintf(body, sizeof(body), "{\"deputies\":[");
    for (int i = 0; i < n; i++)
        used += snprintf(body + used, sizeof(body) - (size_t)used, "%s%lld", i ? "," : "", fx.deputies[i]);
    snprintf(body + used, sizeof(body) - (size_t)used, "]}");
    snprintf(path, sizeof(path), "/api/v1/members/%lld/deputies", user);
    return client_request(c, "PUT", path, body);
}

static void assert_warning(const json_t *member, const char *want)
{
    json_t *w = json_object_get(member, "warning");
    if (want == NULL)
        assert_true(json_is_null(w));
    else
        assert_string_equal(json_string_value(w), want);
}

/* The member's entry in the office's list. */
static json_t *listed_member(api_res_t *r)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
    {
        if (json_integer_value(json_object_get(json_object_get(e, "user"), "id")) == fx.member_id)
            return e;
    }
    fail_msg("the member is not in the office's list: %s", r->body);
    return NULL;
}

static void the_demo_member_keeps_in_touch_with_five_deputies(void **state)
{
    (void)state;
    api_res_t *r = client_request(&fx.member, "GET", "/api/v1/members/me", NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_integer_value(json_object_get(r->json, "count")), 5);
    assert_warning(r->json, NULL);
    api_res_free(r);
    r = client_request(&fx.member, "GET", "/api/v1/members/me/contacts", NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
    api_res_free(r);
}

static void four_to_seven_deputies_are_linked_without_a_warning(void **state)
{
    (void)state;
    for (int n = 4; n <= 7; n++) {
        api_res_t *r = link_first(&fx.admin, fx.member_id, n);
        assert_int_equal(r->status, 200);
        assert_int_equal(json_integer_value(json_object_get(r->json, "count")), n);
        assert_int_equal(json_array_size(json_object_get(r->json, "deputies")), (size_t)n);
        assert_warning(r->json, NULL);
        api_res_free(r);
    }
    api_res_t *r = client_request(&fx.admin, "GET", "/api/v1/members", NULL);
    assert_int_equal(r->status, 200);
    json_t *m = listed_member(r);
    assert_int_equal(json_integer_value(json_object_get(m, "count")), 7);
    assert_warning(m, NULL);
    api_res_free(r);
}

static void three_or_eight_deputies_are_saved_with_a_warning_the_office_sees(void **state)
{
    (void)state;
    const struct {
        int n;
        const char *warning;
    } cases[] = {{3, "too_few"}, {8, "too_many"}, {0, "too_few"}, {3, "too_few"}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(*cases); k++) {
        api_res_t *r = link_first(&fx.admin, fx.member_id, cases[k].n);
        assert_int_equal(r->status, 200);
        assert_int_equal(json_integer_value(json_object_get(r->json, "count")), cases[k].n);
        assert_warning(r->json, cases[k].warning);
        api_res_free(r);
        r = client_request(&fx.admin, "GET", "/api/v1/members", NULL);
        json_t *m = listed_member(r);
        assert_int_equal(json_integer_value(json_object_get(m, "count")), cases[k].n);
        assert_warning(m, cases[k].warning);
        api_res_free(r);
    }
}

static void links_name_live_deputies_of_the_office_once_and_only_members(void **state)
{
    (void)state;
    char path[96], body[128];
    snprintf(path, sizeof(path), "/api/v1/members/%lld/deputies", fx.member_id);
    const char *bad[] = {"{\"deputies\":[999999]}", "{\"deputies\":\"1,2\"}", "{}", "{\"deputies\":[-1]}", NULL};
    for (int i = 0; bad[i]; i++) {
        api_res_t *r = client_request(&fx.admin, "PUT", path, bad[i]);
        api_assert_error(r, 422, "invalid", "deputies");
        api_res_free(r);
    }
    snprintf(body, sizeof(body), "{\"deputies\":[%lld,%lld]}", fx.deputies[0], fx.deputies[0]);
    api_res_t *r = client_request(&fx.admin, "PUT", path, body);
    api_assert_error(r, 422, "invalid", "deputies");
    api_res_free(r);
    snprintf(body, sizeof(body), "{\"deputies\":[%lld,%lld]}", fx.deputies[0], fx.foreign_deputy);
    r = client_request(&fx.admin, "PUT", path, body);
    api_assert_error(r, 422, "invalid", "deputies");
    api_res_free(r);

    /* a staff account is no member; the neighbour's office does not see ours; staff may not link */
    r = link_first(&fx.admin, fx.staff_id, 4);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = link_first(&fx.foreign_admin, fx.member_id, 4);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = link_first(&fx.staff, fx.member_id, 4);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = client_request(&fx.foreign_admin, "GET", "/api/v1/members", NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    api_res_free(r);
}

static api_res_t *log_contact(long long deputy, const char *day, const char *channel)
{
    char body[256];
    snprintf(body, sizeof(body), "{\"deputy_id\":%lld,\"happened_on\":\"%s\",\"channel\":\"%s\",\"note\":\"%s\"}",
             deputy, day, channel, "电话了解代表近期履职情况");
    return client_request(&fx.member, "POST", "/api/v1/members/me/contacts", body);
}

static void today(char out[11], int days_ahead)
{
    time_t t = time(NULL) + 8 * 3600 + days_ahead * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void a_member_logs_contacts_with_linked_deputies_only(void **state)
{
    (void)state;
    api_res_t *r = link_first(&fx.admin, fx.member_id, 5);
    assert_int_equal(r->status, 200);
    api_res_free(r);
    char day[11], tomorrow[11];
    today(day, 0);
    today(tomorrow, 1);

    r = log_contact(fx.deputies[1], day, "phone");
    assert_int_equal(r->status, 201);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r->json, "deputy"), "id")), fx.deputies[1]);
    assert_string_equal(json_string_value(json_object_get(r->json, "happened_on")), day);
    long long first = (long long)json_integer_value(json_object_get(r->json, "id"));
    api_res_free(r);

    r = log_contact(fx.deputies[6], day, "phone"); /* not linked */
    api_assert_error(r, 422, "invalid", "deputy_id");
    api_res_free(r);
    r = log_contact(fx.foreign_deputy, day, "visit");
    api_assert_error(r, 422, "invalid", "deputy_id");
    api_res_free(r);
    r = log_contact(fx.deputies[1], tomorrow, "visit");
    api_assert_error(r, 422, "invalid", "happened_on");
    api_res_free(r);
    r = log_contact(fx.deputies[1], day, "pigeon");
    api_assert_error(r, 422, "invalid", "channel");
    api_res_free(r);

    r = log_contact(fx.deputies[2], "2024-05-06", "visit");
    assert_int_equal(r->status, 201);
    api_res_free(r);
    r = client_request(&fx.member, "GET", "/api/v1/members/me/contacts", NULL);
    assert_int_equal(r->status, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_true(json_array_size(items) >= 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(items, 0), "deputy"), "id")),
                     fx.deputies[2]);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "id")), first);
    api_res_free(r);

    /* nobody else has a contact log or a dashboard */
    r = client_request(&fx.admin, "GET", "/api/v1/members/me/contacts", NULL);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = api_get(&fx.server, "/api/v1/members/me");
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

static void the_dashboard_shows_each_linked_deputy_as_the_score_board_does(void **state)
{
    (void)state;
    api_res_t *r = link_first(&fx.admin, fx.member_id, 4);
    assert_int_equal(r->status, 200);
    api_res_free(r);
    char day[11];
    today(day, 0);
    r = log_contact(fx.deputies[3], day, "meeting");
    assert_int_equal(r->status, 201);
    api_res_free(r);

    r = client_request(&fx.member, "GET", "/api/v1/members/me", NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_integer_value(json_object_get(r->json, "count")), 4);
    assert_warning(r->json, NULL);
    json_t *deputies = json_object_get(r->json, "deputies");
    assert_int_equal(json_array_size(deputies), 4);
    int year = (int)json_integer_value(json_object_get(r->json, "year"));
    assert_true(year >= 2026);
    for (size_t i = 0; i < 4; i++) {
        json_t *d = json_array_get(deputies, i);
        long long id = (long long)json_integer_value(json_object_get(d, "id"));
        assert_int_equal(id, fx.deputies[i]);
        assert_true(json_is_integer(json_object_get(d, "score")));
        assert_true(json_integer_value(json_object_get(d, "rank")) >= 1);
        assert_true(json_integer_value(json_object_get(d, "rank")) <= json_integer_value(json_object_get(d, "of")));
        assert_int_equal(json_integer_value(json_object_get(d, "obligations_behind")),
                         json_array_size(json_object_get(d, "behind")));
        assert_true(json_is_integer(json_object_get(d, "open_suggestions")));
        json_t *last = json_object_get(d, "last_contact");
        if (id == fx.deputies[3])
            assert_string_equal(json_string_value(last), day);

        /* the same score and rank as the deputy's explained score */
        char path[96];
        snprintf(path, sizeof(path), "/api/v1/deputies/%lld/score?year=%d", id, year);
        api_res_t *s = client_request(&fx.admin, "GET", path, NULL);
        assert_int_equal(s->status, 200);
        assert_int_equal(json_integer_value(json_object_get(s->json, "score")),
                         json_integer_value(json_object_get(d, "score")));
        assert_int_equal(json_integer_value(json_object_get(s->json, "rank")),
                         json_integer_value(json_object_get(d, "rank")));
        api_res_free(s);
    }
    api_res_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_demo_member_keeps_in_touch_with_five_deputies),
        cmocka_unit_test(four_to_seven_deputies_are_linked_without_a_warning),
        cmocka_unit_test(three_or_eight_deputies_are_saved_with_a_warning_the_office_sees),
        cmocka_unit_test(links_name_live_deputies_of_the_office_once_and_only_members),
        cmocka_unit_test(a_member_logs_contacts_with_linked_deputies_only),
        cmocka_unit_test(the_dashboard_shows_each_linked_deputy_as_the_score_board_does),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
