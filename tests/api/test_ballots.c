/*
 * ballots: secret online ballots (SPEC §7, 票决) through the API - the office defines, opens,
 * closes and publishes; deputies vote once with a receipt; every bad input of the issue gets a
 * clear error; nobody sees a figure before the close; closing refuses a box that disagrees with
 * the roll; the ticker closes a ballot whose time is up; and after a hundred votes nothing stored
 * links a voter to a paper.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/vault.h"
#include "harness.h"

enum { SECRET_VOTERS = 100 };

static server_t srv;
static client_t admin, deputy, staff, rugao;
static long long congress, foreign_congress, demo_deputy;

/* ---- helpers ---- */

/* now + offset seconds as "YYYY-MM-DDTHH:MM", Beijing time. */
static void beijing(char out[17], long offset)
{
    time_t t = time(NULL) + offset + 8 * 3600;
    struct tm tm;
    strftime(out, 17, "%Y-%m-%dT%H:%M", gmtime_r(&t, &tm));
}

static api_res_t *send(client_t *c, const char *method, const char *path, json_t *body)
{
    char *text = body ? json_dumps(body, 0) : NULL;
    json_decref(body);
    api_res_t *r = c ? client_request(c, method, path, text)
                     : api_request(&srv, method, path, text, text ? strlen(text) : 0, NULL, NULL);
    free(text);
    assert_non_null(r);
    return r;
}

/* A valid definition: choose k of n candidates, open from opens to closes (seconds from now). */
static json_t *definition(long long of_congress, const char *rule, int choose, int n, long opens, long closes)
{
    char from[17], to[17];
    beijing(from, opens);
    beijing(to, closes);
    json_t *candidates = json_array();
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "候选项目%d", i + 1);
        json_array_append_new(candidates, json_pack("{s:s, s:s}", "name", name, "description", "项目说明"));
    }
    return json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:o}", "congress_id", (json_int_t)of_congress, "kind",
                     "project", "title", "测试票决", "rule", rule, "choose", choose, "opens_at", from, "closes_at", to,
                     "candidates", candidates);
}

/* Creates a ballot as the admin (201), with voters (ids) when n_voters > 0; candidate ids into cands. */
static long long create_ballot(json_t *def, const long long *voters, int n_voters, long long *cands)
{
    if (n_voters > 0) {
        json_t *list = json_array();
        for (int i = 0; i < n_voters; i++)
            json_array_append_new(list, json_integer(voters[i]));
        json_object_set_new(def, "voters", list);
    }
    api_res_t *r = send(&admin, "POST", "/api/v1/ballots", def);
    if (r->status != 201)
        fprintf(stderr, "create: %ld %s\n", r->status, r->body);
    assert_int_equal(r->status, 201);
    long long id = (long long)json_integer_value(json_object_get(r->json, "id"));
    json_t *list = json_object_get(r->json, "candidates");
    for (size_t i = 0; cands && i < json_array_size(list); i++)
        cands[i] = (long long)json_integer_value(json_object_get(json_array_get(list, i), "id"));
    api_res_free(r);
    return id;
}

static api_res_t *step(client_t *c, long long id, const char *which)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/ballots/%lld/%s", id, which);
    return send(c, "POST", path, json_object());
}

static void step_ok(long long id, const char *which)
{
    api_res_t *r = step(&admin, id, which);
    if (r->status != 200)
        fprintf(stderr, "%s: %ld %s\n", which, r->status, r->body);
    assert_int_equal(r->status, 200);
    api_res_free(r);
}

/* An open ballot of the county congress (everyone seated may vote), opened an hour ago. */
static long long open_ballot(const char *rule, int choose, int n, long long *cands)
{
    long long id = create_ballot(definition(congress, rule, choose, n, -3600, 3600), NULL, 0, cands);
    step_ok(id, "open");
    return id;
}

static api_res_t *vote(client_t *c, long long id, const long long *choices, int n)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/ballots/%lld/vote", id);
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(list, json_integer(choices[i]));
    return send(c, "POST", path, json_pack("{s:o}", "choices", list));
}

static api_res_t *get_ballot(client_t *c, long long id)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/ballots/%lld", id);
    return send(c, "GET", path, NULL);
}

static api_res_t *check_receipt(long long id, const char *code)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/ballots/%lld/receipts/%s", id, code);
    return send(NULL, "GET", path, NULL);
}

/* ---- definition ---- */

static void the_office_defines_a_ballot_and_reads_it_back_with_its_candidates_in_order(void **state)
{
    (void)state;
    long long cands[3];
    long long id = create_ballot(definition(congress, "exactly", 2, 3, 3600, 7200), NULL, 0, cands);
    api_res_t *r = get_ballot(&admin, id);
    assert_int_equal(r->status, 200);
    assert_string_equal(json_string_value(json_object_get(r->json, "state")), "draft");
    assert_string_equal(json_string_value(json_object_get(r->json, "rule")), "exactly");
    assert_int_equal(json_integer_value(json_object_get(r->json, "choose")), 2);
    assert_int_equal(json_integer_value(json_object_get(r->json, "candidates_count")), 3);
    json_t *list = json_object_get(r->json, "candidates");
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(json_integer_value(json_object_get(json_array_get(list, i), "position")), (long long)i + 1);
    long long seated = db_number(&srv,
                                 "SELECT count(*) FROM deputy_seats s JOIN deputies d ON d.id = s.deputy_id"
                                 " WHERE s.congress_id = %lld AND d.deleted_at IS NULL",
                                 congress);
    assert_int_equal(json_integer_value(json_object_get(r->json, "voters_count")), seated);
    assert_null(json_object_get(r->json, "results"));
    api_res_free(r);
    /* a draft is the office's alone */
    r = get_ballot(&deputy, id);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = get_ballot(NULL, id);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = get_ballot(&rugao, id);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    assert_int_equal(
        db_number(&srv, "SELECT count(*) FROM audit_log WHERE action = 'ballot.create' AND entity_id = '%lld'", id), 1);
}

static void every_bad_definition_is_refused_naming_its_field(void **state)
{
    (void)state;
    long long outsider =
        db_number(&srv, "SELECT max(id) FROM deputies WHERE region_code LIKE '%.6s%%'", FOREIGN_REGION);
    assert_true(outsider > 0);
    static const struct {
        const char *mutation, *field;
        long status;
    } cases[] = {
        {"choose>n", "choose", 422},
        {"choose0", "choose", 422},
        {"closes<=opens", "closes_at", 422},
        {"closed-already", "closes_at", 422},
        {"bad-time", "opens_at", 422},
        {"kind", "kind", 422},
        {"rule", "rule", 422},
        {"one-candidate", "candidates", 422},
        {"no-name", "candidates", 422},
        {"same-name", "candidates", 422},
        {"candidate-key", "candidates", 422},
        {"outsider", "voters", 422},
        {"unknown-key", "colour", 422},
        {"no-congress", "congress_id", 422},
        {"foreign", "congress_id", 403},
        {"no-title", "title", 422},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const char *m = cases[i].mutation;
        json_t *def = definition(strcmp(m, "foreign") == 0 ? foreign_congress : congress, "exactly", 2, 3, 3600, 7200);
        json_t *cands = json_object_get(def, "candidates");
        char t[17];
        if (strcmp(m, "choose>n") == 0)
            json_object_set_new(def, "choose", json_integer(4));
        else if (strcmp(m, "choose0") == 0)
            json_object_set_new(def, "choose", json_integer(0));
        else if (strcmp(m, "closes<=opens") == 0)
            json_object_set(def, "closes_at", json_object_get(def, "opens_at"));
        else if (strcmp(m, "closed-already") == 0)
            json_object_set_new(def, "opens_at", json_string((beijing(t, -7200), t))),
                json_object_set_new(def, "closes_at", json_string((beijing(t, -3600), t)));
        else if (strcmp(m, "bad-time") == 0)
            json_object_set_new(def, "opens_at", json_string("2026-13-01 09:00"));
        else if (strcmp(m, "kind") == 0)
            json_object_set_new(def, "kind", json_string("person"));
        else if (strcmp(m, "rule") == 0)
            json_object_set_new(def, "rule", json_string("at least"));
        else if (strcmp(m, "one-candidate") == 0)
            json_object_set_new(def, "candidates", json_pack("[{s:s}]", "name", "唯一"));
        else if (strcmp(m, "no-name") == 0)
            json_object_del(json_array_get(cands, 1), "name");
        else if (strcmp(m, "same-name") == 0)
            json_object_set_new(json_array_get(cands, 2), "name", json_string("候选项目1"));
        else if (strcmp(m, "candidate-key") == 0)
            json_object_set_new(json_array_get(cands, 0), "votes", json_integer(99));
        else if (strcmp(m, "outsider") == 0)
            json_object_set_new(def, "voters", json_pack("[I, I]", (json_int_t)demo_deputy, (json_int_t)outsider));
        else if (strcmp(m, "unknown-key") == 0)
            json_object_set_new(def, "colour", json_string("red"));
        else if (strcmp(m, "no-congress") == 0)
            json_object_set_new(def, "congress_id", json_integer(999999));
        else if (strcmp(m, "no-title") == 0)
            json_object_del(def, "title");
        api_res_t *r = send(&admin, "POST", "/api/v1/ballots", def);
        api_assert_error(r, cases[i].status, cases[i].status == 403 ? "out_of_scope" : "invalid", cases[i].field);
        api_res_free(r);
    }
    /* 200 candidates are allowed, 201 are not */
    json_t *def = definition(congress, "at_most", 5, 201, 3600, 7200);
    api_res_t *r = send(&admin, "POST", "/api/v1/ballots", def);
    api_assert_error(r, 422, "invalid", "candidates");
    api_res_free(r);
    (void)create_ballot(definition(congress, "at_most", 5, 200, 3600, 7200), NULL, 0, NULL);
    /* roles without the office's part */
    r = send(&staff, "POST", "/api/v1/ballots", definition(congress, "exactly", 1, 2, 3600, 7200));
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = send(&deputy, "POST", "/api/v1/ballots", definition(congress, "exactly", 1, 2, 3600, 7200));
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = send(NULL, "POST", "/api/v1/ballots", definition(congress, "exactly", 1, 2, 3600, 7200));
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

static void candidates_cannot_change_once_the_ballot_has_opened(void **state)
{
    (void)state;
    long long id = create_ballot(definition(congress, "exactly", 1, 2, -60, 3600), NULL, 0, NULL);
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/ballots/%lld", id);
    /* a draft changes freely, the candidates wholesale */
    api_res_t *r = send(&admin, "PATCH", path,
                        json_pack("{s:[{s:s}, {s:s}, {s:s}], s:i}", "candidates", "name", "甲", "name", "乙", "name",
                                  "丙", "choose", 2));
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "candidates")), 3);
    assert_int_equal(json_integer_value(json_object_get(r->json, "choose")), 2);
    api_res_free(r);
    r = send(&admin, "PATCH", path, json_pack("{s:i}", "choose", 4));
    api_assert_error(r, 422, "invalid", "choose");
    api_res_free(r);
    r = send(&rugao, "PATCH", path, json_pack("{s:s}", "title", "改名"));
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    step_ok(id, "open");
    r = send(&admin, "PATCH", path, json_pack("{s:[{s:s}, {s:s}]}", "candidates", "name", "甲", "name", "丁"));
    api_assert_error(r, 409, "ballot_open", NULL);
    api_res_free(r);
    r = send(&admin, "PATCH", path, json_pack("{s:s}", "title", "改名"));
    api_assert_error(r, 409, "ballot_open", NULL);
    api_res_free(r);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_candidates WHERE ballot_id = %lld", id), 3);
    /* the steps run one way only */
    r = step(&admin, id, "open");
    api_assert_error(r, 409, "illegal_transition", NULL);
    api_res_free(r);
    r = step(&admin, id, "publish");
    api_assert_error(r, 409, "illegal_transition", NULL);
    api_res_free(r);
    r = step(&rugao, id, "close");
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
}

/* ---- voting ---- */

static void a_paper_with_the_wrong_number_of_choices_is_refused(void **state)
{
    (void)state;
    long long c[4], other[2];
    long long id = open_ballot("exactly", 2, 4, c);
    long long at_most = open_ballot("at_most", 2, 2, other);
    struct {
        long long ballot;
        long long choices[4];
        int n;
    } cases[] = {
        {id, {c[0]}, 1},
        {id, {c[0], c[1], c[2]}, 3},
        {id, {c[0], c[0]}, 2},
        {id, {c[0], other[0]}, 2},
        {id, {0}, 0},
        {at_most, {0}, 0},
        {at_most, {other[0], other[1], c[0]}, 3},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        api_res_t *r = vote(&deputy, cases[i].ballot, cases[i].choices, cases[i].n);
        api_assert_error(r, 422, "invalid", "choices");
        api_res_free(r);
    }
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/ballots/%lld/vote", id);
    api_res_t *r = send(&deputy, "POST", path, json_pack("{s:s}", "choices", "all"));
    api_assert_error(r, 422, "invalid", "choices");
    api_res_free(r);
    r = send(&deputy, "POST", path, json_object());
    api_assert_error(r, 422, "invalid", "choices");
    api_res_free(r);
    /* nothing was written by the refusals; at most two means one is fine */
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_roll WHERE ballot_id IN (%lld, %lld)", id, at_most),
                     0);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_papers WHERE ballot_id IN (%lld, %lld)", id, at_most),
                     0);
    r = vote(&deputy, at_most, other, 1);
    assert_int_equal(r->status, 201);
    api_res_free(r);
}

static void voting_before_the_opening_or_after_the_close_is_refused(void **state)
{
    (void)state;
    long long c[2];
    long long later = create_ballot(definition(congress, "exactly", 1, 2, 86400, 2 * 86400), NULL, 0, c);
    api_res_t *r = vote(&deputy, later, c, 1);
    api_assert_error(r, 404, "not_found", NULL); /* a draft does not exist for deputies */
    api_res_free(r);
    step_ok(later, "open");
    r = vote(&deputy, later, c, 1);
    api_assert_error(r, 409, "not_open", NULL);
    api_res_free(r);
    long long ended = open_ballot("exactly", 1, 2, c);
    db_execf(&srv, "UPDATE ballots SET closes_at = %lld WHERE id = %lld", (long long)time(NULL) - 1, ended);
    r = vote(&deputy, ended, c, 1);
    api_assert_error(r, 409, "not_open", NULL);
    api_res_free(r);
    long long closed = open_ballot("exactly", 1, 2, c);
    step_ok(closed, "close");
    r = vote(&deputy, closed, c, 1);
    api_assert_error(r, 409, "not_open", NULL);
    api_res_free(r);
    assert_int_equal(
        db_number(&srv, "SELECT count(*) FROM ballot_roll WHERE ballot_id IN (%lld, %lld, %lld)", later, ended, closed),
        0);
}

static void a_deputy_not_on_the_electorate_cannot_vote(void **state)
{
    (void)state;
    client_t others[2];
    long long ids[2], c[2];
    make_deputy_clients(&srv, congress, HOME_REGION, 2, others, ids);
    long long id = create_ballot(definition(congress, "exactly", 1, 2, -60, 3600), ids, 2, c);
    step_ok(id, "open");
    /* the demo deputy sits in the congress but is not among the chosen voters */
    api_res_t *r = get_ballot(&deputy, id);
    assert_int_equal(r->status, 200);
    assert_false(json_is_true(json_object_get(r->json, "eligible")));
    assert_int_equal(json_integer_value(json_object_get(r->json, "electorate")), 2);
    api_res_free(r);
    r = vote(&deputy, id, c, 1);
    api_assert_error(r, 403, "not_eligible", NULL);
    api_res_free(r);
    r = vote(&others[0], id, c, 1);
    assert_int_equal(r->status, 201);
    api_res_free(r);
    /* other roles may not vote at all */
    r = vote(&admin, id, c, 1);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = vote(NULL, id, c, 1);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

static void a_second_vote_is_refused_and_the_first_stands(void **state)
{
    (void)state;
    long long c[3];
    long long id = open_ballot("at_most", 2, 3, c);
    api_res_t *r = vote(&deputy, id, c, 2);
    assert_int_equal(r->status, 201);
    const char *receipt = json_string_value(json_object_get(r->json, "receipt"));
    assert_non_null(receipt);
    assert_int_equal(strlen(receipt), 14);
    assert_true(receipt[4] == '-' && receipt[9] == '-');
    assert_int_equal(json_object_size(r->json), 1); /* the receipt alone: nothing of the choices */
    api_res_free(r);
    r = vote(&deputy, id, c + 2, 1);
    api_assert_error(r, 409, "already_voted", NULL);
    api_res_free(r);
    r = get_ballot(&deputy, id);
    assert_true(json_is_true(json_object_get(r->json, "voted")));
    assert_true(json_is_true(json_object_get(r->json, "eligible")));
    api_res_free(r);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_roll WHERE ballot_id = %lld", id), 1);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_papers WHERE ballot_id = %lld", id), 1);
    assert_int_equal(db_number(&srv,
                               "SELECT count(*) FROM ballot_marks m JOIN ballot_papers p ON p.id = m.paper_id"
                               " WHERE p.ballot_id = %lld",
                               id),
                     2);
    /* the log says that a vote happened, never what it was */
    assert_int_equal(db_number(&srv,
                               "SELECT count(*) FROM audit_log WHERE action = 'ballot.vote' AND entity_id = '%lld'"
                               " AND detail = ''",
                               id),
                     1);
}

/* ---- results ---- */

static void results_stay_hidden_until_the_close_and_are_public_once_published(void **state)
{
    (void)state;
    client_t voters[3];
    long long ids[3], c[3];
    make_deputy_clients(&srv, congress, HOME_REGION, 3, voters, ids);
    long long id = create_ballot(definition(congress, "at_most", 2, 3, -60, 3600), ids, 3, c);
    step_ok(id, "open");
    /* votes: c0 three times, c1 once, c2 never */
    char receipt[32];
    long long first[2] = {c[0], c[1]};
    api_res_t *r = vote(&voters[0], id, first, 2);
    assert_int_equal(r->status, 201);
    snprintf(receipt, sizeof(receipt), "%s", json_string_value(json_object_get(r->json, "receipt")));
    api_res_free(r);
    for (int i = 1; i < 3; i++) {
        r = vote(&voters[i], id, c, 1);
        assert_int_equal(r->status, 201);
        api_res_free(r);
    }
    /* open: no figure anywhere, not even for the office */
    client_t *readers[] = {&admin, &voters[0]};
    for (int i = 0; i < 2; i++) {
        r = get_ballot(readers[i], id);
        assert_int_equal(r->status, 200);
        assert_null(json_object_get(r->json, "results"));
        assert_null(json_object_get(r->json, "cast_count"));
        api_res_free(r);
    }
    assert_int_equal(
        db_number(&srv, "SELECT count(*) FROM ballot_candidates WHERE ballot_id = %lld AND votes IS NOT NULL", id), 0);
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/ballots/%lld/announcement", id);
    r = send(&admin, "GET", path, NULL);
    api_assert_error(r, 409, "not_closed", NULL);
    api_res_free(r);
    r = check_receipt(id, receipt);
    api_assert_error(r, 409, "not_closed", NULL);
    api_res_free(r);
    /* closed: the office sees the count, nobody else yet */
    r = step(&admin, id, "close");
    assert_int_equal(r->status, 200);
    json_t *results = json_object_get(r->json, "results");
    assert_non_null(results);
    assert_int_equal(json_integer_value(json_object_get(results, "cast")), 3);
    assert_int_equal(json_integer_value(json_object_get(results, "electorate")), 3);
    assert_true(fabs(json_real_value(json_object_get(results, "turnout")) - 1.0) < 1e-9);
    json_t *list = json_object_get(results, "candidates");
    const long long votes[] = {3, 1, 0}, ranks[] = {1, 2, 3};
    for (size_t i = 0; i < 3; i++) {
        json_t *e = json_array_get(list, i);
        assert_int_equal(json_integer_value(json_object_get(e, "id")), c[i]);
        assert_int_equal(json_integer_value(json_object_get(e, "votes")), votes[i]);
        assert_int_equal(json_integer_value(json_object_get(e, "rank")), ranks[i]);
    }
    api_res_free(r);
    r = get_ballot(&voters[1], id);
    assert_int_equal(r->status, 200);
    assert_null(json_object_get(r->json, "results"));
    api_res_free(r);
    r = get_ballot(NULL, id);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = send(&admin, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    assert_non_null(json_object_get(r->json, "results"));
    api_res_free(r);
    /* the voter finds their paper among those counted - typed in any case, dashes anywhere */
    r = check_receipt(id, receipt);
    assert_int_equal(r->status, 200);
    assert_true(json_is_true(json_object_get(r->json, "counted")));
    assert_int_equal(json_object_size(r->json), 1);
    api_res_free(r);
    char typed[40];
    snprintf(typed, sizeof(typed), "%.2s-%.2s%.4s%.4s-", receipt, receipt + 2, receipt + 5, receipt + 10);
    for (char *p = typed; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    r = check_receipt(id, typed);
    assert_int_equal(r->status, 200);
    api_res_free(r);
    r = check_receipt(id, "ACDE-FGHJ-KMNP");
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = check_receipt(id + 1000, receipt);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    /* published: everyone */
    step_ok(id, "publish");
    r = get_ballot(NULL, id);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r->json, "results"), "cast")), 3);
    api_res_free(r);
    r = send(NULL, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    api_res_free(r);
    r = send(NULL, "GET", "/api/v1/ballots", NULL);
    assert_int_equal(r->status, 200);
    size_t i;
    json_t *e;
    bool listed = false;
    json_array_foreach(json_object_get(r->json, "items"), i, e)
    {
        assert_string_equal(json_string_value(json_object_get(e, "state")), "published");
        listed |= json_integer_value(json_object_get(e, "id")) == id;
    }
    assert_true(listed);
    api_res_free(r);
}

static void closing_refuses_a_box_that_disagrees_with_the_roll_and_writes_nothing(void **state)
{
    (void)state;
    client_t voters[2];
    long long ids[2], c[2];
    make_deputy_clients(&srv, congress, HOME_REGION, 2, voters, ids);
    long long id = create_ballot(definition(congress, "exactly", 1, 2, -60, 3600), ids, 2, c);
    step_ok(id, "open");
    api_res_t *r = vote(&voters[0], id, c, 1);
    assert_int_equal(r->status, 201);
    api_res_free(r);
    /* a name on the roll without a paper: the count must not go ahead */
    db_execf(&srv, "INSERT INTO ballot_roll (ballot_id, deputy_id) VALUES (%lld, %lld)", id, ids[1]);
    r = step(&admin, id, "close");
    assert_int_equal(r->status, 500);
    api_res_free(r);
    r = get_ballot(&admin, id);
    assert_string_equal(json_string_value(json_object_get(r->json, "state")), "open");
    api_res_free(r);
    assert_int_equal(
        db_number(&srv, "SELECT count(*) FROM ballot_candidates WHERE ballot_id = %lld AND votes IS NOT NULL", id), 0);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballots WHERE id = %lld AND cast_count IS NULL", id), 1);
    db_execf(&srv, "DELETE FROM ballot_roll WHERE ballot_id = %lld AND deputy_id = %lld", id, ids[1]);
    step_ok(id, "close");
}

static bool ballot_closed(void *arg)
{
    return db_number(&srv, "SELECT count(*) FROM ballots WHERE id = %lld AND state = 'closed'", *(long long *)arg) == 1;
}

static void the_ticker_counts_and_closes_a_ballot_whose_time_is_up(void **state)
{
    (void)state;
    long long c[2];
    long long id = open_ballot("exactly", 1, 2, c);
    api_res_t *r = vote(&deputy, id, c + 1, 1);
    assert_int_equal(r->status, 201);
    api_res_free(r);
    db_execf(&srv, "UPDATE ballots SET closes_at = %lld WHERE id = %lld", (long long)time(NULL) - 1, id);
    assert_true(wait_until(ballot_closed, &id, 10000));
    r = get_ballot(&admin, id);
    json_t *results = json_object_get(r->json, "results");
    assert_int_equal(json_integer_value(json_object_get(results, "cast")), 1);
    json_t *top = json_array_get(json_object_get(results, "candidates"), 0);
    assert_int_equal(json_integer_value(json_object_get(top, "id")), c[1]);
    assert_int_equal(json_integer_value(json_object_get(top, "votes")), 1);
    api_res_free(r);
}

static void each_role_lists_its_own_ballots(void **state)
{
    (void)state;
    long long draft = create_ballot(definition(congress, "exactly", 1, 2, 3600, 7200), NULL, 0, NULL);
    long long open = open_ballot("exactly", 1, 2, NULL);
    struct {
        client_t *who;
        bool sees_draft, sees_open;
    } cases[] = {{&admin, true, true},
                 {&deputy, false, true},
                 {&rugao, false, false},
                 {&staff, false, false},
                 {NULL, false, false}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(*cases); k++) {
        api_res_t *r = send(cases[k].who, "GET", "/api/v1/ballots?limit=200", NULL);
        assert_int_equal(r->status, 200);
        bool draft_seen = false, open_seen = false;
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(r->json, "items"), i, e)
        {
            long long id = (long long)json_integer_value(json_object_get(e, "id"));
            draft_seen |= id == draft;
            open_seen |= id == open;
            assert_int_equal(json_object_get(e, "voted") != NULL, cases[k].who == &deputy);
        }
        assert_int_equal(draft_seen, cases[k].sees_draft);
        assert_int_equal(open_seen, cases[k].sees_open);
        api_res_free(r);
    }
    api_res_t *r = send(&admin, "GET", "/api/v1/ballots?state=draft&limit=1", NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "state")), "draft");
    assert_true(json_is_integer(json_object_get(r->json, "next")));
    api_res_free(r);
    r = send(&admin, "GET", "/api/v1/ballots?state=secret", NULL);
    api_assert_error(r, 400, "bad_query", "state");
    api_res_free(r);
}

/* ---- secrecy ---- */

/* The column names of a table, comma-separated, in out. */
static void columns(const char *table, char *out, size_t len)
{
    char q[200];
    snprintf(q, sizeof(q), "SELECT group_concat(name, ',') FROM pragma_table_info('%s')", table);
    assert_int_equal(db_query(&srv, q, out, len), 0);
}

static void a_hundred_votes_leave_nothing_that_links_a_voter_to_a_paper(void **state)
{
    (void)state;
    client_t *voters = calloc(SECRET_VOTERS, sizeof(*voters));
    long long *ids = calloc(SECRET_VOTERS, sizeof(*ids)), c[5];
    make_deputy_clients(&srv, congress, HOME_REGION, SECRET_VOTERS, voters, ids);
    long long id = create_ballot(definition(congress, "at_most", 3, 5, -60, 3600), ids, SECRET_VOTERS, c);
    step_ok(id, "open");
    /* they vote one after another in a shuffled order; each keeps their receipt */
    int order[SECRET_VOTERS];
    for (int i = 0; i < SECRET_VOTERS; i++)
        order[i] = i;
    srand(89);
    for (int i = SECRET_VOTERS - 1; i > 0; i--) {
        int k = rand() % (i + 1), t = order[i];
        order[i] = order[k];
        order[k] = t;
    }
    char(*receipts)[16] = calloc(SECRET_VOTERS, sizeof(*receipts));
    long long marks = 0;
    for (int turn = 0; turn < SECRET_VOTERS; turn++) {
        int n = 1 + turn % 3;
        api_res_t *r = vote(&voters[order[turn]], id, c + turn % 2, n);
        assert_int_equal(r->status, 201);
        snprintf(receipts[turn], sizeof(receipts[turn]), "%s", json_string_value(json_object_get(r->json, "receipt")));
        api_res_free(r);
        marks += n;
    }
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_roll WHERE ballot_id = %lld", id), SECRET_VOTERS);
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM ballot_papers WHERE ballot_id = %lld", id), SECRET_VOTERS);
    assert_int_equal(db_number(&srv,
                               "SELECT count(*) FROM ballot_marks m JOIN ballot_papers p ON p.id = m.paper_id"
                               " WHERE p.ballot_id = %lld",
                               id),
                     marks);

    /* no time, no sequence, no shared key: the roll and the papers have only the ballot in common */
    char cols[256];
    columns("ballot_roll", cols, sizeof(cols));
    assert_string_equal(cols, "ballot_id,deputy_id");
    columns("ballot_papers", cols, sizeof(cols));
    assert_string_equal(cols, "id,ballot_id,receipt_hash");
    columns("ballot_marks", cols, sizeof(cols));
    assert_string_equal(cols, "paper_id,candidate_id");
    const char *tables[] = {"ballot_roll", "ballot_papers", "ballot_marks"};
    for (int t = 0; t < 3; t++) {
        /* WITHOUT ROWID: not even SQLite's hidden insertion counter exists */
        assert_int_equal(
            db_number(&srv, "SELECT count(*) FROM sqlite_master WHERE name = '%s' AND sql LIKE '%%WITHOUT ROWID%%'",
                      tables[t]),
            1);
        char q[96], out[256];
        snprintf(q, sizeof(q), "SELECT rowid FROM %s LIMIT 1", tables[t]);
        assert_int_not_equal(db_query(&srv, q, out, sizeof(out)), 0);
    }
    /* the paper ids are random 16 bytes, all different */
    assert_int_equal(
        db_number(&srv, "SELECT count(DISTINCT id) FROM ballot_papers WHERE ballot_id = %lld AND length(id) = 16", id),
        SECRET_VOTERS);

    /* the order the papers are stored in (their key) says nothing of the order they were cast in:
     * each paper is found by its voter's receipt, and the two orders barely correlate */
    char err[256];
    char data[400];
    snprintf(data, sizeof(data), "%s/data", srv.dir);
    vault_t *vault = vault_load(data, err, sizeof(err));
    assert_non_null(vault);
    char *stored = calloc(SECRET_VOTERS, VAULT_HASH_HEX + 1);
    char q[256];
    snprintf(q, sizeof(q),
             "SELECT group_concat(receipt_hash, ',') FROM (SELECT receipt_hash FROM ballot_papers"
             " WHERE ballot_id = %lld ORDER BY id)",
             id);
    assert_int_equal(db_query(&srv, q, stored, SECRET_VOTERS * (VAULT_HASH_HEX + 1)), 0);
    double sum = 0;
    int found = 0;
    for (int turn = 0; turn < SECRET_VOTERS; turn++) {
        char code[16] = "", hash[VAULT_HASH_HEX + 1];
        for (const char *p = receipts[turn]; *p; p++)
            if (*p != '-')
                strncat(code, p, 1);
        vault_lookup_hash(vault, code, strlen(code), hash);
        const char *at = strstr(stored, hash);
        if (at == NULL)
            continue;
        found++;
        double d = (double)((at - stored) / (VAULT_HASH_HEX + 1) - turn); /* place in storage order - turn */
        sum += d * d;
    }
    free(stored);
    vault_free(vault);
    assert_int_equal(found, SECRET_VOTERS);
    double n = SECRET_VOTERS, rho = 1.0 - 6.0 * sum / (n * (n * n - 1.0));
    printf("rank correlation of storage order and voting order: %.3f\n", rho);
    assert_true(fabs(rho) < 0.4); /* |rho| > 0.4 by chance: p < 0.0001 for 100 random keys */

    /* and nothing else wrote down who chose what: not the audit log, not the server's logs */
    assert_int_equal(db_number(&srv, "SELECT count(*) FROM audit_log WHERE action = 'ballot.vote' AND detail <> ''"),
                     0);
    char grep[700];
    snprintf(grep, sizeof(grep), "grep -q choices '%s' '%s'", srv.stdout_path, srv.stderr_path);
    assert_int_not_equal(system(grep), 0);
    free(receipts);
    free(voters);
    free(ids);
}

static int start(void **state)
{
    (void)state;
    if (sodium_init() < 0) /* the secrecy test opens the server's key to find papers by receipt */
        return -1;
    server_up(&srv, (const char *const[]){"--rate-limits=off", "--jobs-interval-s=1", NULL});
    if (!client_login(&admin, &srv, "admin", DEMO_PASSWORD) || !client_login(&deputy, &srv, "deputy", DEMO_PASSWORD) ||
        !client_login(&staff, &srv, "staff", DEMO_PASSWORD) ||
        !client_login(&rugao, &srv, FOREIGN_ADMIN, DEMO_PASSWORD))
        return -1;
    congress = db_number(&srv, "SELECT id FROM congresses WHERE level = 4 AND region_code = '%s'", HOME_REGION);
    demo_deputy = db_number(&srv, "SELECT deputy_id FROM users WHERE username = 'deputy'");
    /* the neighbour county's congress, with one deputy seated in it */
    db_execf(&srv,
             "INSERT INTO congresses (level, region_code, term, name, created_at, updated_at)"
             " VALUES (4, '%s', 19, '如皋市第十九届人民代表大会', 0, 0)",
             FOREIGN_REGION);
    foreign_congress = db_number(&srv, "SELECT max(id) FROM congresses");
    db_execf(&srv,
             "INSERT INTO deputies (name, gender, region_code, created_at, updated_at) VALUES ('邻县代表', 'male', "
             "'%s', 0, 0)",
             FOREIGN_REGION);
    db_execf(&srv, "INSERT INTO deputy_seats (deputy_id, congress_id) SELECT max(id), %lld FROM deputies",
             foreign_congress);
    return congress > 0 && demo_deputy > 0 ? 0 : -1;
}

static int stop(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_office_defines_a_ballot_and_reads_it_back_with_its_candidates_in_order),
        cmocka_unit_test(every_bad_definition_is_refused_naming_its_field),
        cmocka_unit_test(candidates_cannot_change_once_the_ballot_has_opened),
        cmocka_unit_test(a_paper_with_the_wrong_number_of_choices_is_refused),
        cmocka_unit_test(voting_before_the_opening_or_after_the_close_is_refused),
        cmocka_unit_test(a_deputy_not_on_the_electorate_cannot_vote),
        cmocka_unit_test(a_second_vote_is_refused_and_the_first_stands),
        cmocka_unit_test(results_stay_hidden_until_the_close_and_are_public_once_published),
        cmocka_unit_test(closing_refuses_a_box_that_disagrees_with_the_roll_and_writes_nothing),
        cmocka_unit_test(the_ticker_counts_and_closes_a_ballot_whose_time_is_up),
        cmocka_unit_test(each_role_lists_its_own_ballots),
        cmocka_unit_test(a_hundred_votes_leave_nothing_that_links_a_voter_to_a_paper),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
