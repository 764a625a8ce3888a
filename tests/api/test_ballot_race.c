/*
 * ballot race: two hundred deputies press "vote" on the same ballot at the same moment, each with
 * their own session. However the requests interleave, every one of them is counted once - 200
 * papers and 200 names on the roll - and a deputy who sends their paper twenty times at once
 * (a trembling finger, a bad connection) is counted once too. Every request is on the wire before
 * the first answer arrives.
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

enum { VOTERS = 200, REPEATS = 20, CANDIDATES = 4 };

static server_t srv;
static client_t admin;
static client_t *voters;
static long long *deputies, congress;

/* An open ballot (choose at most 2 of CANDIDATES) whose electorate is the first n voters. */
static long long open_ballot(int n, long long candidates[CANDIDATES])
{
    char from[17], to[17];
    time_t t = time(NULL) + 8 * 3600 - 3600;
    struct tm tm;
    strftime(from, sizeof(from), "%Y-%m-%dT%H:%M", gmtime_r(&t, &tm));
    t += 3 * 3600;
    strftime(to, sizeof(to), "%Y-%m-%dT%H:%M", gmtime_r(&t, &tm));
    json_t *list = json_array(), *voter_ids = json_array();
    for (int i = 0; i < CANDIDATES; i++)
        json_array_append_new(list, json_pack("{s:s}", "name", (const char *[]){"甲", "乙", "丙", "丁"}[i]));
    for (int i = 0; i < n; i++)
        json_array_append_new(voter_ids, json_integer(deputies[i]));
    json_t *def = json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:o, s:o}", "congress_id", (json_int_t)congress,
                            "kind", "project", "title", "抢投票决", "rule", "at_most", "choose", 2, "opens_at", from,
                            "closes_at", to, "candidates", list, "voters", voter_ids);
    char *text = json_dumps(def, 0);
    json_decref(def);
    api_res_t *r = client_request(&admin, "POST", "/api/v1/ballots", text);
    free(text);
    assert_int_equal(r->status, 201);
    long long id = (long long)json_integer_value(json_object_get(r->json, "id"));
    for (int i = 0; i < CANDIDATES; i++)
        candidates[i] = (long long)json_integer_value(
            json_object_get(json_array_get(json_object_get(r->json, "candidates"), (size_t)i), "id"));
    api_res_free(r);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/ballots/%lld/open", id);
    r = client_request(&admin, "POST", path, "{}");
    assert_int_equal(r->status, 200);
    api_res_free(r);
    return id;
}

static void vote_call(crowd_call_t *c, long long ballot, client_t *as, const long long candidates[CANDIDATES], int i)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->url, sizeof(c->url), "%s/api/v1/ballots/%lld/vote", srv.base, ballot);
    snprintf(c->body, sizeof(c->body), "{\"choices\":[%lld]}", candidates[i % CANDIDATES]);
    c->as = as;
}

static void two_hundred_deputies_voting_at_once_are_each_counted_once(void **state)
{
    (void)state;
    long long candidates[CANDIDATES];
    long long ballot = open_ballot(VOTERS, candidates);
    crowd_call_t *calls = calloc(VOTERS, sizeof(*calls));
    for (int i = 0; i < VOTERS; i++)
        vote_call(&calls[i], ballot, &voters[i], candidates, i);
    crowd_send(NULL, calls, VOTERS);
    int counted = 0;
    for (int i = 0; i < VOTERS; i++) {
        counted += calls[i].status == 201 && strstr(calls[i].reply, "\"receipt\"") != NULL;
        if (calls[i].status != 201)
            fprintf(stderr, "voter %d: %ld %s\n", i, calls[i].status, calls[i].reply);
    }
    assert_int_equal(counted, VOTERS);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_papers WHERE ballot_id = %lld", ballot), VOTERS);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_roll WHERE ballot_id = %lld", ballot), VOTERS);
    assert_int_equal(db_number(&srv,
                               "SELECT count(DISTINCT deputy_id) FROM ballot_roll r WHERE ballot_id = %lld AND"
                               " EXISTS (SELECT 1 FROM ballot_electorate e WHERE e.ballot_id = r.ballot_id"
                               " AND e.deputy_id = r.deputy_id)",
                               ballot),
                     VOTERS);
    assert_int_equal(db_number(&srv,
                               "SELECT count(*) FROM ballot_marks m JOIN ballot_papers p ON p.id = m.paper_id"
                               " WHERE p.ballot_id = %lld",
                               ballot),
                     VOTERS);
    /* the same crowd again: nobody is counted twice */
    crowd_send(NULL, calls, VOTERS);
    int refused = 0;
    for (int i = 0; i < VOTERS; i++)
        refused += calls[i].status == 409 && strstr(calls[i].reply, "\"already_voted\"") != NULL;
    free(calls);
    assert_int_equal(refused, VOTERS);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_papers WHERE ballot_id = %lld", ballot), VOTERS);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_roll WHERE ballot_id = %lld", ballot), VOTERS);
    /* and the count closes: the box agrees with the roll */
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/ballots/%lld/close", ballot);
    api_res_t *r = client_request(&admin, "POST", path, "{}");
    assert_int_equal(r->status, 200);
    json_t *results = json_object_get(r->json, "results");
    assert_int_equal(json_integer_value(json_object_get(results, "cast")), VOTERS);
    json_t *e;
    size_t i;
    json_array_foreach(json_object_get(results, "candidates"), i, e)
        assert_int_equal(json_integer_value(json_object_get(e, "votes")), VOTERS / CANDIDATES);
    api_res_free(r);
}

static void one_deputy_sending_the_same_paper_twenty_times_at_once_is_counted_once(void **state)
{
    (void)state;
    long long candidates[CANDIDATES];
    long long ballot = open_ballot(1, candidates);
    crowd_call_t calls[REPEATS];
    for (int i = 0; i < REPEATS; i++)
        vote_call(&calls[i], ballot, &voters[0], candidates, 0);
    crowd_send(NULL, calls, REPEATS);
    int counted = 0, refused = 0;
    for (int i = 0; i < REPEATS; i++) {
        counted += calls[i].status == 201;
        refused += calls[i].status == 409 && strstr(calls[i].reply, "\"already_voted\"") != NULL;
    }
    assert_int_equal(counted, 1);
    assert_int_equal(refused, REPEATS - 1);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_papers WHERE ballot_id = %lld", ballot), 1);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_roll WHERE ballot_id = %lld", ballot), 1);
}

static int start(void **state)
{
    (void)state;
    /* every request of the crowd is open at once, from one address */
    server_up(&srv, (const char *const[]){"--rate-limits=off", "--max-conns-per-ip=1000", NULL});
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD))
        return -1;
    char out[32];
    if (db_query(&srv, "SELECT id FROM congresses WHERE level = 4 AND region_code = '" HOME_REGION "'", out,
                 sizeof(out)) != 0)
        return -1;
    congress = atoll(out);
    voters = calloc(VOTERS, sizeof(*voters));
    deputies = calloc(VOTERS, sizeof(*deputies));
    make_deputy_clients(&srv, congress, HOME_REGION, VOTERS, voters, deputies);
    return congress > 0 ? 0 : -1;
}

static int stop(void **state)
{
    (void)state;
    server_down(&srv);
    free(voters);
    free(deputies);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_hundred_deputies_voting_at_once_are_each_counted_once),
        cmocka_unit_test(one_deputy_sending_the_same_paper_twenty_times_at_once_is_counted_once),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
