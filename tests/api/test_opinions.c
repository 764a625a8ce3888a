/*
 * opinions: the constituent-opinion loop of SPEC §3 through the HTTP API, as the constituent, the
 * station's staff and a handling unit meet it - intake from the public form and from staff, the
 * tracking page opened with the code and the phone's last digits or a token, every step from
 * triage to the rating, the inbox with its filters and deadline flags, related items, personal
 * data sealed at rest and read only through an audited route, and the notifications each step
 * leaves in the outbox.
 *
 * One server with rate limits off holds most tests. Before it starts, villages that exist in no
 * real table (codes 9nn under the demo staff's street) are added, one per test, so that each test
 * lists exactly its own opinions. Then the same database is served again with rate limits on, for
 * the 429s.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define CODE_ALPHABET "ACDEFGHJKMNPQRTWXY34679" /* SPEC §3: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V */
#define PHONE "13912345678"
#define PHONE4 "5678"

/* One village per test (see the file's comment). */
enum {
    V_INTAKE = 1,
    V_TOKEN,
    V_IDEMPOTENT,
    V_WALK_IN,
    V_BAD,
    V_LONG,
    V_UTF8,
    V_SEALED,
    V_CONTACT,
    V_VIEWS,
    V_TRACK,
    V_TRACK_TOKEN,
    V_TRACK_WRONG,
    V_TIMELINE,
    V_LOOP,
    V_SATISFIED,
    V_ILLEGAL,
    V_UNIT_TWICE,
    V_OTHER_UNIT,
    V_RETURN,
    V_MERGE,
    V_MERGE_BAD,
    V_REJECT,
    V_SUGGESTION,
    V_KEEP,
    V_FILTERS,
    V_FLAGS,
    V_PAGING,
    V_SIMILAR,
    V_OUTBOX,
    V_DEPUTY,
    V_REFER_BAD,
    V_LIMITS,
    V_GUARDS,
    V_COUNT
};

static server_t srv;
static client_t admin, staff, unit_account;
static long long hub_id;  /* the station of the demo staff's street */
static long long unit_id; /* the demo unit account's unit */
static char staff_region[13];
static char villages[V_COUNT][13];

static const char *village(int v)
{
    return villages[v];
}

/* ---- reaching behind the API ---- */

/* The first column of the first row, as text in out. */
static void vquery(char *out, size_t len, const char *fmt, va_list ap)
{
    char sql[2048];
    vsnprintf(sql, sizeof(sql), fmt, ap);
    out[0] = '\0';
    if (db_query(&srv, sql, out, len) != 0)
        fail_msg("query failed: %s", sql);
}

static long long query_ll(const char *fmt, ...)
{
    char out[256];
    va_list ap;
    va_start(ap, fmt);
    vquery(out, sizeof(out), fmt, ap);
    va_end(ap);
    return atoll(out);
}

static void query_text(char *out, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vquery(out, len, fmt, ap);
    va_end(ap);
}

/* Changes the running server's database; waits for its writer rather than failing on a lock. */
static void db_change(const char *fmt, ...)
{
    char sql[2048] = "PRAGMA busy_timeout = 10000; ";
    size_t used = strlen(sql);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql + used, sizeof(sql) - used, fmt, ap);
    va_end(ap);
    if (db_exec(&srv, sql) != 0)
        fail_msg("cannot change the database: %s", sql);
}

static const char *state_in_db(long long id)
{
    static char state[32];
    query_text(state, sizeof(state), "SELECT state FROM opinions WHERE id = %lld", id);
    return state;
}

/* Everything a refused request must leave as it was. */
typedef struct {
    long long opinions, events, referrals, suggestions, outbox, audit;
} counts_t;

static counts_t counts(void)
{
    char row[256];
    query_text(row, sizeof(row),
               "SELECT (SELECT count(*) FROM opinions) || ' ' || (SELECT count(*) FROM opinion_events) || ' ' || "
               "(SELECT count(*) FROM referrals) || ' ' || (SELECT count(*) FROM suggestions) || ' ' || "
               "(SELECT count(*) FROM outbox) || ' ' || (SELECT count(*) FROM audit_log)");
    counts_t c;
    if (sscanf(row, "%lld %lld %lld %lld %lld %lld", &c.opinions, &c.events, &c.referrals, &c.suggestions, &c.outbox,
               &c.audit) != 6)
        fail_msg("cannot count rows: %s", row);
    return c;
}

static void expect_same_counts(const counts_t *before, const char *what)
{
    counts_t after = counts();
    if (memcmp(before, &after, sizeof(after)) != 0)
        fail_msg("%s wrote something: opinions %lld->%lld events %lld->%lld referrals %lld->%lld suggestions "
                 "%lld->%lld outbox %lld->%lld audit %lld->%lld",
                 what, before->opinions, after.opinions, before->events, after.events, before->referrals,
                 after.referrals, before->suggestions, after.suggestions, before->outbox, after.outbox, before->audit,
                 after.audit);
}

/* ---- requests ---- */

/* Sends body (stolen; NULL for none) as c, or as the public when c is NULL. */
static api_res_t *request(client_t *c, const char *method, const char *path, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    api_res_t *r = c ? client_request(c, method, path, text)
                     : api_request(&srv, method, path, text, text ? strlen(text) : 0, NULL, NULL);
    free(text);
    assert_non_null(r);
    return r;
}

static api_res_t *get_as(client_t *c, const char *fmt, ...)
{
    char path[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    return request(c, "GET", path, NULL);
}

static void expect_status(const api_res_t *r, long status, const char *what)
{
    if (r->status != status)
        fail_msg("%s: expected %ld, got %ld %s", what, status, r->status, r->body);
}

static const char *text_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static long long int_of(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static void expect_text(const api_res_t *r, const char *key, const char *want, const char *what)
{
    const char *got = text_of(r->json, key);
    if (got == NULL || strcmp(got, want) != 0)
        fail_msg("%s: %s should be \"%s\": %s", what, key, want, r->body);
}

/* 422 invalid, naming field. */
static void expect_invalid(const api_res_t *r, const char *field, const char *what)
{
    expect_status(r, 422, what);
    const char *got = api_error_member(r, "field");
    if (got == NULL || strcmp(got, field) != 0)
        fail_msg("%s: expected the error to name %s: %s", what, field, r->body);
    api_assert_error(r, 422, "invalid", field);
}

/* 409 illegal_transition naming the state that refused the step. */
static void expect_illegal(const api_res_t *r, const char *state, const char *what)
{
    expect_status(r, 409, what);
    api_assert_error(r, 409, "illegal_transition", NULL);
    const char *got = text_of(json_object_get(r->json, "error"), "state");
    if (got == NULL || strcmp(got, state) != 0 || strstr(api_error_member(r, "message"), state) == NULL)
        fail_msg("%s: expected the error to name the state %s: %s", what, state, r->body);
}

static void expect_absent(const api_res_t *r, const char *secret, const char *what)
{
    if (strstr(r->body, secret) != NULL)
        fail_msg("%s shows \"%s\": %s", what, secret, r->body);
}

/* ---- opinions ---- */

typedef struct {
    long long id;
    char code[16];
    char token[64]; /* "" when a phone was given */
} sent_t;

/* The form's fields for a message to the staff's station about a place in village v. */
static json_t *message(int v, const char *content)
{
    return json_pack("{s:I, s:s, s:s, s:s}", "station_id", (json_int_t)hub_id, "category", "urban", "content", content,
                     "region", village(v));
}

/* Sends body (stolen) as c, or as the public when c is NULL; fails unless 201. */
static sent_t submit(client_t *c, json_t *body)
{
    api_res_t *r = request(c, "POST", "/api/v1/opinions", body);
    expect_status(r, 201, "sending an opinion");
    sent_t s = {0};
    const char *code = text_of(r->json, "tracking_code"), *token = text_of(r->json, "token");
    assert_non_null(code);
    snprintf(s.code, sizeof(s.code), "%s", code);
    snprintf(s.token, sizeof(s.token), "%s", token ? token : "");
    api_res_free(r);
    s.id = query_ll("SELECT id FROM opinions WHERE tracking_code = '%s'", s.code);
    assert_true(s.id > 0);
    return s;
}

/* A message from the public, with PHONE, about village v. */
static sent_t send_message(int v, const char *content)
{
    json_t *body = message(v, content);
    json_object_set_new(body, "phone", json_string(PHONE));
    return submit(NULL, body);
}

/* POST /api/v1/opinions/ID/STEP as c with body (stolen; NULL for {}). */
static api_res_t *act(client_t *c, long long id, const char *step, json_t *body)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/%s", id, step);
    return request(c, "POST", path, body ? body : json_object());
}

/* Takes the step, which must answer 200 with the opinion in state. */
static void act_ok(client_t *c, long long id, const char *step, json_t *body, const char *state)
{
    api_res_t *r = act(c, id, step, body);
    char what[96];
    snprintf(what, sizeof(what), "%s on opinion %lld", step, id);
    expect_status(r, 200, what);
    expect_text(r, "state", state, what);
    api_res_free(r);
}

/* The step is refused: 422 naming field. */
static void act_invalid(client_t *c, long long id, const char *step, json_t *body, const char *field, const char *what)
{
    api_res_t *r = act(c, id, step, body);
    expect_invalid(r, field, what);
    api_res_free(r);
}

/* The step is refused: 409 naming the state. */
static void act_illegal(client_t *c, long long id, const char *step, json_t *body, const char *state, const char *what)
{
    api_res_t *r = act(c, id, step, body);
    expect_illegal(r, state, what);
    api_res_free(r);
}

static json_t *with_text(const char *text)
{
    return json_pack("{s:s}", "text", text);
}

/* POST /api/v1/referrals/ID/STEP as c with body (stolen; NULL for {}). */
static api_res_t *on_referral(client_t *c, long long referral, const char *step, json_t *body)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/referrals/%lld/%s", referral, step);
    return request(c, "POST", path, body ? body : json_object());
}

static void on_referral_ok(client_t *c, long long referral, const char *step, json_t *body)
{
    api_res_t *r = on_referral(c, referral, step, body);
    char what[96];
    snprintf(what, sizeof(what), "%s on referral %lld", step, referral);
    expect_status(r, 200, what);
    api_res_free(r);
}

static void on_referral_invalid(client_t *c, long long referral, const char *step, json_t *body, const char *field,
                                const char *what)
{
    api_res_t *r = on_referral(c, referral, step, body);
    expect_invalid(r, field, what);
    api_res_free(r);
}

static void on_referral_illegal(client_t *c, long long referral, const char *step, json_t *body, const char *state,
                                const char *what)
{
    api_res_t *r = on_referral(c, referral, step, body);
    expect_illegal(r, state, what);
    api_res_free(r);
}

/* Triages the opinion and refers it to the demo unit (note: staff's internal note, or NULL);
 * returns the referral's id. */
static long long triage_and_refer(long long id, const char *note)
{
    act_ok(&staff, id, "triage", NULL, "triaged");
    json_t *body = json_pack("{s:I}", "unit_id", (json_int_t)unit_id);
    if (note)
        json_object_set_new(body, "text", json_string(note));
    act_ok(&staff, id, "refer", body, "in_progress");
    long long referral = query_ll("SELECT max(id) FROM referrals WHERE opinion_id = %lld", id);
    assert_true(referral > 0);
    return referral;
}

static api_res_t *staff_view(long long id)
{
    api_res_t *r = get_as(&staff, "/api/v1/opinions/%lld", id);
    expect_status(r, 200, "the staff view");
    return r;
}

/* GET /api/v1/track/CODE?QUERY as the public. */
static api_res_t *track(const char *code, const char *query)
{
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/track/%s%s%s", code, query ? "?" : "", query ? query : "");
    api_res_t *r = api_get(&srv, path);
    assert_non_null(r);
    return r;
}

/* The constituent rates with the phone's last digits; answers the public view. */
static api_res_t *rate(const char *code, const char *rating, const char *comment)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/track/%s/rating", code);
    json_t *body = json_pack("{s:s, s:s}", "phone4", PHONE4, "rating", rating);
    if (comment)
        json_object_set_new(body, "comment", json_string(comment));
    return request(NULL, "POST", path, body);
}

/* ---- lists ---- */

#define IDS(...) ((const long long[]){__VA_ARGS__, 0})
#define NO_IDS ((const long long[]){0})

/* Asserts the list at the path holds exactly the ids given (0-terminated), in that order. */
static void expect_list(client_t *c, const long long *want, const char *fmt, ...)
{
    char path[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    api_res_t *r = request(c, "GET", path, NULL);
    expect_status(r, 200, path);
    json_t *items = json_object_get(r->json, "items");
    size_t n = 0;
    while (want[n])
        n++;
    bool same = json_is_array(items) && json_array_size(items) == n;
    for (size_t i = 0; same && i < n; i++)
        same = int_of(json_array_get(items, i), "id") == want[i];
    if (!same) {
        char text[512] = "";
        for (size_t i = 0; i < n; i++)
            snprintf(text + strlen(text), sizeof(text) - strlen(text), " %lld", want[i]);
        fail_msg("GET %s: expected ids%s, got %s", path, text, r->body);
    }
    api_res_free(r);
}

static long long outbox_rows(const char *event, const char *recipient, long long opinion)
{
    return query_ll("SELECT count(*) FROM outbox WHERE event = '%s' AND recipient = '%s' AND "
                    "json_extract(payload, '$.opinion_id') = %lld",
                    event, recipient, opinion);
}

/* ---- setup ---- */

static int start_server(void **state)
{
    (void)state;
    server_prepare(&srv);
    query_text(staff_region, sizeof(staff_region), "SELECT region_code FROM users WHERE username = 'staff'");
    char sql[8192] = "BEGIN;";
    for (int v = 1; v < V_COUNT; v++) {
        snprintf(villages[v], sizeof(villages[v]), "%.9s9%02d", staff_region, v);
        snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql),
                 "INSERT INTO regions (code, name, parent_code, level) VALUES ('%s', '测试%d村', '%s', 5);",
                 villages[v], v, staff_region);
    }
    snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), "COMMIT;");
    if (strlen(staff_region) != 12 || db_exec(&srv, sql) != 0) {
        fprintf(stderr, "cannot add the test villages under '%s'\n", staff_region);
        return -1;
    }
    hub_id = query_ll("SELECT min(id) FROM stations WHERE kind = 'hub' AND region_code = '%s'", staff_region);
    unit_id = query_ll("SELECT unit_id FROM users WHERE username = 'unit'");
    server_start(&srv, (const char *const[]){"--rate-limits=off", NULL});
    if (hub_id <= 0 || unit_id <= 0 || !client_login(&admin, &srv, "admin", DEMO_PASSWORD) ||
        !client_login(&staff, &srv, "staff", DEMO_PASSWORD) ||
        !client_login(&unit_account, &srv, "unit", DEMO_PASSWORD)) {
        fprintf(stderr, "no hub station, no unit or the demo accounts cannot sign in\n");
        server_down(&srv);
        return -1;
    }
    return 0;
}

/* Stops the server and keeps its directory for the second group (see restart_with_rate_limits). */
static int stop_server(void **state)
{
    (void)state;
    return server_stop(&srv) == 0 ? 0 : -1;
}

static int remove_server(void **state)
{
    (void)state;
    server_down(&srv);
    return 0;
}

/* ---- intake ---- */

static void expect_code(const char *code)
{
    if (strlen(code) != 8 || strspn(code, CODE_ALPHABET) != 8)
        fail_msg("tracking code \"%s\" is not 8 characters of %s", code, CODE_ALPHABET);
}

/*
 * A message from the public form answers 201 with a code of 8 characters, none of them one that
 * reads like another; it is registered with its deadlines, one "register" event by the
 * constituent, and codes differ from message to message.
 */
static void a_message_from_the_form_gets_an_eight_character_code_of_unambiguous_characters(void **state)
{
    (void)state;
    char codes[10][16];
    long long before = time(NULL);
    for (int i = 0; i < 10; i++) {
        json_t *body = message(V_INTAKE, "小区门口的下水道经常堵塞，雨天积水严重。");
        json_object_set_new(body, "phone", json_string(PHONE));
        api_res_t *r = request(NULL, "POST", "/api/v1/opinions", body);
        expect_status(r, 201, "a message from the form");
        const char *code = text_of(r->json, "tracking_code");
        assert_non_null(code);
        expect_code(code);
        snprintf(codes[i], sizeof(codes[i]), "%s", code);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(codes[j], codes[i]);
        expect_text(r, "state", "registered", "a new message");
        assert_true(int_of(r->json, "triage_due") > before);
        assert_true(int_of(r->json, "answer_due") > int_of(r->json, "triage_due"));
        assert_null(json_object_get(r->json, "id")); /* only staff learn the row's id */
        assert_null(json_object_get(r->json, "token"));
        api_res_free(r);
    }
    long long id = query_ll("SELECT id FROM opinions WHERE tracking_code = '%s'", codes[9]);
    char row[256];
    query_text(row, sizeof(row), "SELECT channel || ',' || state || ',' || region_code FROM opinions WHERE id = %lld",
               id);
    char want[256];
    snprintf(want, sizeof(want), "online,registered,%s", village(V_INTAKE));
    assert_string_equal(row, want);
    query_text(row, sizeof(row),
               "SELECT group_concat(actor || ':' || action || ':' || coalesce(from_state, '') || ':' || to_state) "
               "FROM opinion_events WHERE opinion_id = %lld",
               id);
    assert_string_equal(row, "constituent:register::registered");
}

static void a_token_is_handed_out_only_when_no_phone_is_given(void **state)
{
    (void)state;
    sent_t without = submit(NULL, message(V_TOKEN, "公交站台的遮雨棚坏了，等车时淋雨。"));
    if (strlen(without.token) < 8)
        fail_msg("a message without a phone got no token: \"%s\"", without.token);
    sent_t with = send_message(V_TOKEN, "公交站台的遮雨棚坏了，等车时淋雨。");
    assert_string_equal(with.token, "");
    assert_int_equal(
        query_ll("SELECT phone4 IS NULL AND secret_hash IS NOT NULL FROM opinions WHERE id = %lld", without.id), 1);
    assert_int_equal(
        query_ll("SELECT phone4 = '" PHONE4 "' AND secret_hash IS NULL FROM opinions WHERE id = %lld", with.id), 1);
    /* the token is no secret if it is stored as given */
    assert_int_equal(query_ll("SELECT count(*) FROM opinions WHERE instr(coalesce(secret_hash, '') || "
                              "coalesce(secret_sealed, ''), '%s') > 0",
                              without.token),
                     0);
}

/* A form sent twice answers the first answer again - code, replay header and the token handed
 * out with it (none when a phone was given) - and stores one opinion with one event.
 * key_in_header: the key comes in the Idempotency-Key header instead of the body. */
static void send_twice(const char *key, bool key_in_header, const char *phone)
{
    char code[2][16], token[2][64], replayed[2][16];
    for (int i = 0; i < 2; i++) {
        json_t *body = message(V_IDEMPOTENT, "菜市场周边乱停车，早上出行很不方便。");
        char header[128];
        snprintf(header, sizeof(header), "Idempotency-Key: %s", key);
        if (!key_in_header)
            json_object_set_new(body, "idempotency_key", json_string(key));
        if (phone)
            json_object_set_new(body, "phone", json_string(phone));
        char *text = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        api_res_t *r = api_request(&srv, "POST", "/api/v1/opinions", text, strlen(text), NULL,
                                   key_in_header ? (const char *const[]){header, NULL} : NULL);
        free(text);
        assert_non_null(r);
        expect_status(r, 201, i ? "the same form again" : "a form with an idempotency key");
        const char *c = text_of(r->json, "tracking_code"), *t = text_of(r->json, "token"),
                   *h = api_header(r, "idempotent-replayed");
        snprintf(code[i], sizeof(code[i]), "%s", c ? c : "(none)");
        snprintf(token[i], sizeof(token[i]), "%s", t ? t : "(none)");
        snprintf(replayed[i], sizeof(replayed[i]), "%s", h ? h : "(none)");
        api_res_free(r);
    }
    assert_string_equal(code[0], code[1]);
    assert_int_equal(query_ll("SELECT count(*) FROM opinions WHERE idempotency_key = '%s'", key), 1);
    assert_int_equal(query_ll("SELECT count(*) FROM opinion_events e JOIN opinions o ON o.id = e.opinion_id "
                              "WHERE o.idempotency_key = '%s'",
                              key),
                     1);
    assert_string_equal(replayed[0], "(none)");
    assert_string_equal(replayed[1], "true");
    if ((strcmp(token[0], "(none)") == 0) != (phone != NULL) || strcmp(token[0], token[1]) != 0)
        fail_msg("the same form got the token %s, then %s", token[0], token[1]);
}

static void sending_the_same_form_twice_gives_the_same_code_token_and_one_opinion(void **state)
{
    (void)state;
    send_twice("form-3f9a2c71", false, NULL);
}

static void the_idempotency_key_may_come_in_a_header(void **state)
{
    (void)state;
    send_twice("header_key_7781", true, PHONE);
}

/* Staff entering a visitor's message get a walk-in by default (and may say letter); the public
 * form may not claim to be a walk-in. */
static void staff_enter_a_walk_in_and_the_public_may_not_claim_one(void **state)
{
    (void)state;
    api_res_t *r = request(&staff, "POST", "/api/v1/opinions", message(V_WALK_IN, "来访群众反映村道路面破损。"));
    expect_status(r, 201, "staff entering a walk-in");
    long long id = int_of(r->json, "id");
    assert_true(id > 0);
    api_res_free(r);
    r = staff_view(id);
    expect_text(r, "channel", "walk_in", "a message staff entered");
    api_res_free(r);
    assert_int_equal(query_ll("SELECT created_by FROM opinions WHERE id = %lld", id),
                     query_ll("SELECT id FROM users WHERE username = 'staff'"));

    json_t *body = message(V_WALK_IN, "来信反映村道路面破损。");
    json_object_set_new(body, "channel", json_string("letter"));
    r = request(&staff, "POST", "/api/v1/opinions", body);
    expect_status(r, 201, "staff entering a letter");
    assert_string_equal(state_in_db(int_of(r->json, "id")), "registered");
    assert_int_equal(query_ll("SELECT channel = 'letter' FROM opinions WHERE id = %lld", int_of(r->json, "id")), 1);
    api_res_free(r);

    counts_t before = counts();
    body = message(V_WALK_IN, "我是来访群众。");
    json_object_set_new(body, "channel", json_string("walk_in"));
    r = request(NULL, "POST", "/api/v1/opinions", body);
    expect_invalid(r, "channel", "the public form saying walk_in");
    api_res_free(r);
    expect_same_counts(&before, "the public form saying walk_in");

    body = message(V_WALK_IN, "扫码留言：村道路面破损。");
    json_object_set_new(body, "channel", json_string("qr"));
    sent_t qr = submit(NULL, body);
    assert_int_equal(query_ll("SELECT channel = 'qr' FROM opinions WHERE id = %lld", qr.id), 1);
}

/* unit n times, allocated: free it. */
static char *repeat(const char *unit, int n)
{
    size_t len = strlen(unit);
    char *s = malloc(len * (size_t)n + 1);
    assert_non_null(s);
    for (int i = 0; i < n; i++)
        memcpy(s + len * (size_t)i, unit, len);
    s[len * (size_t)n] = '\0';
    return s;
}

/* Issue 5, "Bad input": each field that is wrong is refused with 422 naming it, and nothing of
 * the message is stored. */
static void every_bad_field_of_a_message_is_refused_by_name_and_writes_nothing(void **state)
{
    (void)state;
    char unknown_region[13], foreign_town[13], *long_name = repeat("名", 51), *long_location = repeat("路", 201);
    snprintf(unknown_region, sizeof(unknown_region), "%.6s988000", HOME_REGION); /* well-formed, not loaded */
    snprintf(foreign_town, sizeof(foreign_town), "%.9s000", FOREIGN_REGION);
    struct {
        const char *what;
        json_t *change; /* merged onto a good message; null removes a field */
        const char *field;
    } cases[] = {
        {"empty content", json_pack("{s:s}", "content", ""), "content"},
        {"blank content", json_pack("{s:s}", "content", " \t\r\n  "), "content"},
        {"no content", json_pack("{s:n}", "content"), "content"},
        {"content as a number", json_pack("{s:i}", "content", 42), "content"},
        {"a phone of 10 digits", json_pack("{s:s}", "phone", "1391234567"), "phone"},
        {"a phone of 12 digits", json_pack("{s:s}", "phone", "139123456789"), "phone"},
        {"a mobile starting 12", json_pack("{s:s}", "phone", "12912345678"), "phone"},
        {"a phone with letters", json_pack("{s:s}", "phone", "1391234abcd"), "phone"},
        {"a landline without area code", json_pack("{s:s}", "phone", "1234567"), "phone"},
        {"a phone as a number", json_pack("{s:I}", "phone", (json_int_t)13912345678LL), "phone"},
        {"an unknown category", json_pack("{s:s}", "category", "weather"), "category"},
        {"no category", json_pack("{s:n}", "category"), "category"},
        {"a category as a number", json_pack("{s:i}", "category", 1), "category"},
        {"an unknown region", json_pack("{s:s}", "region", unknown_region), "region"},
        {"a region that is no code", json_pack("{s:s}", "region", "32062300000x"), "region"},
        {"a short region", json_pack("{s:s}", "region", "320623"), "region"},
        {"a region in another county", json_pack("{s:s}", "region", FOREIGN_REGION), "region"},
        {"a town of another county", json_pack("{s:s}", "region", foreign_town), "region"},
        {"no region", json_pack("{s:n}", "region"), "region"},
        {"a region as a number", json_pack("{s:I}", "region", (json_int_t)320623001000LL), "region"},
        {"an unknown station", json_pack("{s:i}", "station_id", 999999), "station_id"},
        {"a station id as text", json_pack("{s:s}", "station_id", "8"), "station_id"},
        {"a negative station id", json_pack("{s:i}", "station_id", -1), "station_id"},
        {"neither station nor deputy", json_pack("{s:n}", "station_id"), "station_id"},
        {"an unknown deputy alone", json_pack("{s:n, s:i}", "station_id", "deputy_id", 999999), "deputy_id"},
        {"an unknown deputy beside a station", json_pack("{s:i}", "deputy_id", 999999), "deputy_id"},
        {"a deputy id as text", json_pack("{s:s}", "deputy_id", "1"), "deputy_id"},
        {"an unknown key", json_pack("{s:s}", "priority", "high"), "priority"},
        {"consent as text", json_pack("{s:s}", "consent_publish", "yes"), "consent_publish"},
        {"a name of 51 characters", json_pack("{s:s}", "name", long_name), "name"},
        {"a name as a number", json_pack("{s:i}", "name", 7), "name"},
        {"a location of 201 characters", json_pack("{s:s}", "location", long_location), "location"},
        {"an unknown channel", json_pack("{s:s}", "channel", "fax"), "channel"},
        {"a short idempotency key", json_pack("{s:s}", "idempotency_key", "abc"), "idempotency_key"},
        {"an idempotency key with spaces", json_pack("{s:s}", "idempotency_key", "form key 1234"), "idempotency_key"},
    };
    counts_t before = counts();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *body = message(V_BAD, "路灯不亮。");
        json_object_set_new(body, "phone", json_string(PHONE));
        const char *key;
        json_t *value;
        json_object_foreach(cases[i].change, key, value)
        {
            if (json_is_null(value))
                json_object_del(body, key);
            else
                json_object_set(body, key, value);
        }
        json_decref(cases[i].change);
        api_res_t *r = request(NULL, "POST", "/api/v1/opinions", body);
        expect_invalid(r, cases[i].field, cases[i].what);
        api_res_free(r);
    }
    free(long_name);
    free(long_location);
    expect_same_counts(&before, "refused messages");
    assert_int_equal(query_ll("SELECT count(*) FROM opinions WHERE region_code = '%s'", village(V_BAD)), 0);
}

/* The limit counts characters a person sees, not bytes: 5,000 Chinese characters are taken. */
static void content_may_be_5000_characters_but_not_5001(void **state)
{
    (void)state;
    char *most = repeat("灯", 5000), *over = repeat("灯", 5001);
    sent_t s = send_message(V_LONG, most);
    assert_int_equal(query_ll("SELECT length(content) FROM opinions WHERE id = %lld", s.id), 5000);
    counts_t before = counts();
    json_t *body = message(V_LONG, over);
    api_res_t *r = request(NULL, "POST", "/api/v1/opinions", body);
    expect_invalid(r, "content", "content of 5001 characters");
    api_res_free(r);
    expect_same_counts(&before, "content of 5001 characters");
    free(most);
    free(over);
}

/* Bytes that are no UTF-8 are refused as a body (400), a \u0000 inside the content as a field
 * (422 content); neither is cut short and stored. */
static void content_with_invalid_utf8_bytes_or_a_nul_is_refused_and_writes_nothing(void **state)
{
    (void)state;
    static const char *const bad_bytes[] = {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe8\xb7", "abc\xf8\x88\x80\x80\x80"};
    counts_t before = counts();
    for (size_t i = 0; i < sizeof(bad_bytes) / sizeof(bad_bytes[0]); i++) {
        char body[512];
        int n = snprintf(body, sizeof(body),
                         "{\"station_id\":%lld,\"category\":\"urban\",\"region\":\"%s\",\"content\":\"路灯%s不亮\"}",
                         hub_id, village(V_UTF8), bad_bytes[i]);
        api_res_t *r = api_request(&srv, "POST", "/api/v1/opinions", body, (size_t)n, NULL, NULL);
        assert_non_null(r);
        if (r->status != 400)
            fail_msg("content with bad bytes (case %zu): expected 400, got %ld %s", i, r->status, r->body);
        api_assert_error(r, 400, "invalid_utf8", NULL);
        api_res_free(r);
    }
    char body[512];
    int n = snprintf(body, sizeof(body),
                     "{\"station_id\":%lld,\"category\":\"urban\",\"region\":\"%s\",\"content\":\"路灯\\u0000不亮\"}",
                     hub_id, village(V_UTF8));
    api_res_t *r = api_request(&srv, "POST", "/api/v1/opinions", body, (size_t)n, NULL, NULL);
    assert_non_null(r);
    expect_invalid(r, "content", "content with \\u0000");
    api_res_free(r);
    expect_same_counts(&before, "content with invalid UTF-8 or a NUL");
}

/* ---- personal data ---- */

#define NAME "欧阳明月"
#define ADDRESS "掘港街道青园北路88号3幢"
#define SECRET_PHONE "13812349876"

static sent_t send_personal(int v)
{
    json_t *body = message(v, "楼道里的声控灯坏了半个月，老人上下楼不安全。");
    json_object_set_new(body, "name", json_string(NAME));
    json_object_set_new(body, "phone", json_string(SECRET_PHONE));
    json_object_set_new(body, "address", json_string(ADDRESS));
    return submit(NULL, body);
}

/* SPEC §3 / issue 5 (11): the name, phone and address are encrypted at rest. */
static void the_constituents_name_phone_and_address_are_not_stored_in_clear(void **state)
{
    (void)state;
    sent_t s = send_personal(V_SEALED);
    char row[8192];
    query_text(row, sizeof(row), "SELECT * FROM opinions WHERE id = %lld", s.id);
    assert_non_null(strstr(row, s.code)); /* the whole row was read */
    if (strstr(row, SECRET_PHONE) || strstr(row, "3812349") || strstr(row, NAME) || strstr(row, "欧阳") ||
        strstr(row, "青园北路88"))
        fail_msg("the opinion's row holds personal data in clear: %s", row);
    assert_int_equal(query_ll("SELECT name_sealed IS NOT NULL AND phone_sealed IS NOT NULL AND address_sealed IS NOT "
                              "NULL FROM opinions WHERE id = %lld",
                              s.id),
                     1);
    assert_int_equal(query_ll("SELECT count(*) FROM (SELECT note || public_note AS t FROM opinion_events UNION ALL "
                              "SELECT payload FROM outbox UNION ALL SELECT detail FROM audit_log) "
                              "WHERE instr(t, '%s') > 0 OR instr(t, '%s') > 0",
                              SECRET_PHONE, NAME),
                     0);
}

/* Staff get the contact details from their own route, never cached, and each read is in the
 * audit log; a unit and the public get none. */
static void staff_read_contact_details_only_through_an_audited_route(void **state)
{
    (void)state;
    sent_t s = send_personal(V_CONTACT);
    char audited[256];
    snprintf(audited, sizeof(audited),
             "SELECT count(*) FROM audit_log WHERE action = 'personal.read' AND entity = 'opinion' AND entity_id = "
             "'%lld' AND actor = 'staff'",
             s.id);
    assert_int_equal(query_ll("%s", audited), 0);
    for (int i = 1; i <= 2; i++) {
        api_res_t *r = get_as(&staff, "/api/v1/opinions/%lld/contact", s.id);
        expect_status(r, 200, "the contact details");
        expect_text(r, "name", NAME, "the contact details");
        expect_text(r, "phone", SECRET_PHONE, "the contact details");
        expect_text(r, "address", ADDRESS, "the contact details");
        const char *cache = api_header(r, "cache-control");
        if (cache == NULL || strstr(cache, "no-store") == NULL)
            fail_msg("contact details may be cached: %s", cache ? cache : "(no Cache-Control)");
        api_res_free(r);
        assert_int_equal(query_ll("%s", audited), i);
    }

    sent_t bare = submit(NULL, message(V_CONTACT, "没有留下联系方式的留言。"));
    api_res_t *r = get_as(&staff, "/api/v1/opinions/%lld/contact", bare.id);
    expect_status(r, 200, "the contact details of an anonymous message");
    assert_true(json_is_null(json_object_get(r->json, "name")));
    assert_true(json_is_null(json_object_get(r->json, "phone")));
    assert_true(json_is_null(json_object_get(r->json, "address")));
    api_res_free(r);

    long long reads = query_ll("SELECT count(*) FROM audit_log WHERE action = 'personal.read'");
    r = get_as(&unit_account, "/api/v1/opinions/%lld/contact", s.id);
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = get_as(NULL, "/api/v1/opinions/%lld/contact", s.id);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
    assert_int_equal(query_ll("SELECT count(*) FROM audit_log WHERE action = 'personal.read'"), reads);
}

/* The staff view, the inbox, the unit's referral and the tracking page leave personal data out. */
static void the_staff_view_the_inbox_and_the_units_view_never_show_the_name_or_phone(void **state)
{
    (void)state;
    sent_t s = send_personal(V_VIEWS);
    long long referral = triage_and_refer(s.id, NULL);
    api_res_t *r = staff_view(s.id);
    expect_absent(r, SECRET_PHONE, "the staff view");
    expect_absent(r, NAME, "the staff view");
    expect_absent(r, ADDRESS, "the staff view");
    assert_true(json_is_true(json_object_get(r->json, "has_phone")));
    api_res_free(r);
    const char *const paths[] = {"/api/v1/opinions?region=%s", "/api/v1/opinions?region=%s&state=open"};
    for (size_t i = 0; i < 2; i++) {
        r = get_as(&staff, paths[i], village(V_VIEWS));
        expect_status(r, 200, "the inbox");
        assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
        expect_absent(r, SECRET_PHONE, "the inbox");
        expect_absent(r, NAME, "the inbox");
        api_res_free(r);
    }
    r = get_as(&unit_account, "/api/v1/referrals/%lld", referral);
    expect_status(r, 200, "the unit's referral");
    expect_absent(r, SECRET_PHONE, "the unit's referral");
    expect_absent(r, NAME, "the unit's referral");
    expect_absent(r, ADDRESS, "the unit's referral");
    api_res_free(r);
    r = get_as(&unit_account, "/api/v1/referrals?state=all");
    expect_status(r, 200, "the unit's referrals");
    expect_absent(r, SECRET_PHONE, "the unit's referrals");
    expect_absent(r, NAME, "the unit's referrals");
    api_res_free(r);
    r = track(s.code, "phone4=9876");
    expect_status(r, 200, "the tracking page");
    expect_absent(r, SECRET_PHONE, "the tracking page");
    expect_absent(r, NAME, "the tracking page");
    expect_absent(r, ADDRESS, "the tracking page");
    api_res_free(r);
}

/* ---- tracking ---- */

/* The code as a person might type it: lower case with a dash in the middle. */
static void typed_loosely(const char *code, char out[16])
{
    int n = 0;
    for (int i = 0; code[i]; i++) {
        if (i == 4)
            out[n++] = '-';
        out[n++] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
    }
    out[n] = '\0';
}

static void tracking_works_with_the_code_and_the_phones_last_four_digits_also_typed_loosely(void **state)
{
    (void)state;
    sent_t s = send_message(V_TRACK, "村口桥梁护栏松动，存在安全隐患。");
    api_res_t *r = track(s.code, "phone4=" PHONE4);
    expect_status(r, 200, "tracking by code and phone4");
    expect_text(r, "tracking_code", s.code, "tracking");
    expect_text(r, "state", "registered", "tracking");
    expect_text(r, "content", "村口桥梁护栏松动，存在安全隐患。", "tracking");
    expect_text(r, "channel", "online", "tracking");
    assert_int_equal(int_of(json_object_get(r->json, "station"), "id"), hub_id);
    assert_false(json_is_true(json_object_get(r->json, "can_rate")));
    assert_null(json_object_get(r->json, "answer"));
    json_t *timeline = json_object_get(r->json, "timeline");
    assert_int_equal(json_array_size(timeline), 1);
    assert_string_equal(text_of(json_array_get(timeline, 0), "action"), "register");
    api_res_free(r);

    char loose[16];
    typed_loosely(s.code, loose);
    r = track(loose, "phone4=" PHONE4);
    expect_status(r, 200, "tracking by a code typed in lower case with a dash");
    expect_text(r, "tracking_code", s.code, "tracking a loosely typed code");
    api_res_free(r);
}

static void tracking_works_with_the_token_when_no_phone_was_given(void **state)
{
    (void)state;
    sent_t s = submit(NULL, message(V_TRACK_TOKEN, "广场舞音响声音太大，影响周边居民休息。"));
    char query[128];
    snprintf(query, sizeof(query), "token=%s", s.token);
    api_res_t *r = track(s.code, query);
    expect_status(r, 200, "tracking by code and token");
    expect_text(r, "tracking_code", s.code, "tracking by token");
    api_res_free(r);
    r = track(s.code, "phone4=" PHONE4); /* no phone was given, so no digits open it */
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
}

/* A wrong pair never says which half was wrong: the answer is the same byte for byte. */
static void tracking_with_the_wrong_phone_digits_looks_like_an_unknown_code(void **state)
{
    (void)state;
    sent_t s = send_message(V_TRACK_WRONG, "农贸市场排水沟堵塞发臭。");
    sent_t t = submit(NULL, message(V_TRACK_WRONG, "农贸市场排水沟堵塞发臭。"));
    char unknown[16], token_query[128];
    snprintf(unknown, sizeof(unknown), "%s", s.code);
    for (const char *c = CODE_ALPHABET; *c; c++) { /* a well-formed code no opinion has */
        unknown[7] = *c;
        if (query_ll("SELECT count(*) FROM opinions WHERE tracking_code = '%s'", unknown) == 0)
            break;
    }
    snprintf(token_query, sizeof(token_query), "token=%s", t.token);
    token_query[strlen(token_query) - 1] = token_query[strlen(token_query) - 1] == 'A' ? 'C' : 'A';
    struct {
        const char *what, *code, *query;
    } tries[] = {
        {"the wrong phone digits", s.code, "phone4=0000"},
        {"an unknown code", unknown, "phone4=" PHONE4},
        {"a wrong token", t.code, token_query},
        {"too few digits", s.code, "phone4=678"},
        {"neither digits nor token", s.code, NULL},
        {"a code of the wrong length", "ACDEFGH", "phone4=" PHONE4},
    };
    api_res_t *first = track(tries[0].code, tries[0].query);
    api_assert_error(first, 404, "not_found", NULL);
    for (size_t i = 1; i < sizeof(tries) / sizeof(tries[0]); i++) {
        api_res_t *r = track(tries[i].code, tries[i].query);
        if (r->status != 404 || strcmp(r->body, first->body) != 0)
            fail_msg("%s answers %ld %s, the wrong phone digits %ld %s", tries[i].what, r->status, r->body,
                     first->status, first->body);
        api_res_free(r);
    }
    counts_t before = counts();
    char path[64];
    snprintf(path, sizeof(path), "/api/v1/track/%s/rating", s.code);
    api_res_t *r = request(NULL, "POST", path, json_pack("{s:s, s:s}", "phone4", "0000", "rating", "satisfied"));
    if (r->status != 404 || strcmp(r->body, first->body) != 0)
        fail_msg("rating with the wrong phone digits answers %ld %s", r->status, r->body);
    api_res_free(r);
    expect_same_counts(&before, "a rating with the wrong phone digits");
    api_res_free(first);
}

/* ---- the public timeline ---- */

static bool timeline_has(const json_t *timeline, const char *action)
{
    size_t i;
    json_t *e;
    json_array_foreach(timeline, i, e)
    {
        if (strcmp(text_of(e, "action"), action) == 0)
            return true;
    }
    return false;
}

/* The constituent sees what happened, not the unit's steps, the return, or the notes staff and
 * units wrote for each other; staff see all of it. */
static void the_public_timeline_leaves_out_referral_steps_returns_and_internal_notes(void **state)
{
    (void)state;
    sent_t s = send_message(V_TIMELINE, "老街区的消防通道被杂物堵塞。");
    long long first = triage_and_refer(s.id, "内部备注：请先电话核实情况");
    on_referral_ok(&unit_account, first, "accept", NULL);
    on_referral_ok(&unit_account, first, "return", with_text("退回：应由消防大队办理"));
    json_t *body = json_pack("{s:I, s:s}", "unit_id", (json_int_t)unit_id, "text", "再次交办的内部说明");
    act_ok(&staff, s.id, "refer", body, "in_progress");
    long long second = query_ll("SELECT max(id) FROM referrals WHERE opinion_id = %lld", s.id);
    on_referral_ok(&unit_account, second, "accept", NULL);
    on_referral_ok(&unit_account, second, "reply", with_text("单位答复：已联系社区清理"));
    act_ok(&staff, s.id, "answer", with_text("杂物已清理，消防通道恢复畅通。"), "answered");

    api_res_t *r = track(s.code, "phone4=" PHONE4);
    expect_status(r, 200, "the public timeline");
    json_t *timeline = json_object_get(r->json, "timeline");
    size_t i;
    json_t *e;
    json_array_foreach(timeline, i, e)
    {
        const char *action = text_of(e, "action");
        if (strncmp(action, "referral.", 9) == 0 || strcmp(action, "return") == 0)
            fail_msg("the public timeline shows the internal step %s: %s", action, r->body);
    }
    const char *const internal[] = {"内部备注", "退回：应由消防大队办理", "再次交办的内部说明", "单位答复"};
    for (size_t k = 0; k < 4; k++)
        expect_absent(r, internal[k], "the public timeline");
    assert_true(timeline_has(timeline, "register") && timeline_has(timeline, "triage") &&
                timeline_has(timeline, "refer") && timeline_has(timeline, "answer"));
    expect_text(r, "answer", "杂物已清理，消防通道恢复畅通。", "the public view");
    assert_true(json_is_true(json_object_get(r->json, "can_rate")));
    api_res_free(r);

    r = staff_view(s.id);
    timeline = json_object_get(r->json, "timeline");
    const char *const all[] = {"register", "triage", "refer", "referral.accept", "return", "referral.reply", "answer"};
    for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++)
        if (!timeline_has(timeline, all[k]))
            fail_msg("the staff timeline lacks %s: %s", all[k], r->body);
    for (size_t k = 0; k < 4; k++)
        if (strstr(r->body, internal[k]) == NULL)
            fail_msg("the staff view lacks the note \"%s\": %s", internal[k], r->body);
    assert_int_equal(json_array_size(json_object_get(r->json, "referrals")), 2);
    api_res_free(r);
}

/* ---- the whole loop ---- */

static json_t *referral_of(const api_res_t *view, long long referral)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(view->json, "referrals"), i, f)
    {
        if (int_of(f, "id") == referral)
            return f;
    }
    fail_msg("the staff view lacks referral %lld: %s", referral, view->body);
    return NULL;
}

static bool unit_lists(client_t *u, const char *query, long long referral)
{
    api_res_t *r = get_as(u, "/api/v1/referrals%s", query);
    expect_status(r, 200, "the unit's referrals");
    bool found = false;
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(r->json, "items"), i, f)
    {
        found = found || int_of(f, "id") == referral;
    }
    api_res_free(r);
    return found;
}

/*
 * SPEC §3 from end to end: a message is triaged and referred to the demo unit, which accepts,
 * asks for more time (granted: its due date moves later), and replies; staff answer; the
 * constituent is unsatisfied, which reopens it once; a second answer, unsatisfied again, closes it.
 */
static void the_whole_loop_reopens_once_on_an_unsatisfied_rating_and_then_closes(void **state)
{
    (void)state;
    sent_t s = send_message(V_LOOP, "小区南门外的人行道地砖大面积松动，下雨天踩上去溅水。");
    act_ok(&staff, s.id, "triage",
           json_pack("{s:s, s:s, s:s}", "category", "traffic", "urgency", "urgent", "tier", "township"), "triaged");
    act_ok(&staff, s.id, "refer", json_pack("{s:I, s:i}", "unit_id", (json_int_t)unit_id, "days", 5), "in_progress");
    long long referral = query_ll("SELECT max(id) FROM referrals WHERE opinion_id = %lld", s.id);
    assert_true(unit_lists(&unit_account, "", referral));
    api_res_t *r = get_as(&unit_account, "/api/v1/referrals/%lld", referral);
    expect_status(r, 200, "the unit's referral");
    expect_text(r, "state", "sent", "a new referral");
    assert_int_equal(int_of(json_object_get(r->json, "opinion"), "id"), s.id);
    api_res_free(r);

    r = on_referral(&unit_account, referral, "accept", NULL);
    expect_status(r, 200, "the unit accepts");
    expect_text(r, "state", "accepted", "the unit accepts");
    api_res_free(r);
    r = on_referral(&unit_account, referral, "extension", json_pack("{s:i, s:s}", "days", 3, "text", "需要现场勘查"));
    expect_status(r, 200, "the unit asks for more time");
    assert_true(json_is_true(json_object_get(r->json, "extension_pending")));
    api_res_free(r);
    r = staff_view(s.id);
    long long due_before = int_of(referral_of(r, referral), "due");
    api_res_free(r);
    r = on_referral(&staff, referral, "extension/grant", NULL);
    expect_status(r, 200, "staff grant the extension");
    json_t *granted = referral_of(r, referral);
    assert_false(json_is_true(json_object_get(granted, "extension_pending")));
    long long due_after = int_of(granted, "due");
    if (due_after < due_before + 3 * 86400)
        fail_msg("granting 3 working days moved the due date from %lld only to %lld", due_before, due_after);
    api_res_free(r);
    r = on_referral(&unit_account, referral, "reply", with_text("已安排施工队重新铺设地砖"));
    expect_status(r, 200, "the unit replies");
    expect_text(r, "state", "replied", "the unit replies");
    expect_text(r, "reply", "已安排施工队重新铺设地砖", "the unit replies");
    api_res_free(r);
    assert_false(unit_lists(&unit_account, "?state=open", referral));
    assert_true(unit_lists(&unit_account, "?state=all", referral));

    act_ok(&staff, s.id, "answer", with_text("人行道地砖已重新铺设。"), "answered");
    r = rate(s.code, "unsatisfied", "只修了一半");
    expect_status(r, 200, "the constituent is unsatisfied");
    expect_text(r, "state", "in_progress", "the first unsatisfied rating");
    api_res_free(r);
    r = staff_view(s.id);
    assert_int_equal(int_of(r->json, "reopens"), 1);
    expect_text(r, "rating", "unsatisfied", "the staff view after the rating");
    expect_text(r, "rating_comment", "只修了一半", "the staff view after the rating");
    api_res_free(r);

    act_ok(&staff, s.id, "answer", with_text("剩余路段已全部铺设完成。"), "answered");
    r = rate(s.code, "unsatisfied", "还是不满意");
    expect_status(r, 200, "the constituent is unsatisfied again");
    expect_text(r, "state", "closed", "the second unsatisfied rating (reopen limit 1)");
    assert_false(json_is_true(json_object_get(r->json, "can_rate")));
    expect_text(r, "answer", "剩余路段已全部铺设完成。", "the closed opinion");
    api_res_free(r);
    r = staff_view(s.id);
    assert_int_equal(int_of(r->json, "reopens"), 1);
    api_res_free(r);
    assert_int_equal(query_ll("SELECT closed_at IS NOT NULL FROM opinions WHERE id = %lld", s.id), 1);
}

static void a_satisfied_rating_closes_at_once(void **state)
{
    (void)state;
    sent_t s = send_message(V_SATISFIED, "路边垃圾桶满了没人清运。");
    act_ok(&staff, s.id, "triage", NULL, "triaged");
    act_ok(&staff, s.id, "resolve", with_text("已通知环卫当天清运。"), "answered");
    api_res_t *r = rate(s.code, "satisfied", "很快，谢谢");
    expect_status(r, 200, "a satisfied rating");
    expect_text(r, "state", "closed", "a satisfied rating");
    expect_text(r, "rating", "satisfied", "a satisfied rating");
    api_res_free(r);
    r = staff_view(s.id);
    assert_int_equal(int_of(r->json, "reopens"), 0);
    expect_text(r, "disposition", "resolve", "resolved on the spot");
    api_res_free(r);
}

/* ---- steps a state does not allow ---- */

static void a_step_the_state_does_not_allow_is_409_naming_the_state(void **state)
{
    (void)state;
    sent_t s = send_message(V_ILLEGAL, "村里自来水水压太低。");
    counts_t before = counts();
    act_illegal(&staff, s.id, "answer", with_text("答复"), "registered", "answering a registered opinion");
    expect_same_counts(&before, "a refused answer");

    act_ok(&staff, s.id, "triage", NULL, "triaged");
    before = counts();
    act_illegal(&staff, s.id, "triage", NULL, "triaged", "triaging twice");
    expect_same_counts(&before, "a second triage");

    act_ok(&staff, s.id, "resolve", with_text("已协调供水公司加压。"), "answered");
    api_res_t *r = rate(s.code, "satisfied", NULL);
    expect_status(r, 200, "a rating");
    api_res_free(r);
    before = counts();
    r = rate(s.code, "unsatisfied", NULL);
    expect_illegal(r, "closed", "rating a closed opinion");
    api_res_free(r);
    act_illegal(&staff, s.id, "rate", json_pack("{s:s}", "rating", "basic"), "closed", "staff rating a closed opinion");
    expect_same_counts(&before, "ratings of a closed opinion");
    assert_string_equal(state_in_db(s.id), "closed");
}

static void a_unit_may_not_reply_twice_or_ask_for_more_time_twice(void **state)
{
    (void)state;
    sent_t s = send_message(V_UNIT_TWICE, "农田灌溉渠破损漏水。");
    long long referral = triage_and_refer(s.id, NULL);
    on_referral_ok(&unit_account, referral, "extension", json_pack("{s:i, s:s}", "days", 5, "text", "汛期施工困难"));
    counts_t before = counts();
    api_res_t *r =
        on_referral(&unit_account, referral, "extension", json_pack("{s:i, s:s}", "days", 2, "text", "再要"));
    expect_illegal(r, "extension_pending", "asking for more time twice");
    api_res_free(r);
    expect_same_counts(&before, "a second extension request");

    on_referral_ok(&staff, referral, "extension/refuse", NULL);
    before = counts();
    const int bad_days[] = {0, 31, -1};
    for (size_t i = 0; i < 3; i++) {
        on_referral_invalid(&unit_account, referral, "extension",
                            json_pack("{s:i, s:s}", "days", bad_days[i], "text", "x"), "days",
                            "an extension of too few or too many days");
    }
    on_referral_invalid(&unit_account, referral, "extension", json_pack("{s:s, s:s}", "days", "5", "text", "x"), "days",
                        "an extension of days as text");
    expect_same_counts(&before, "extension requests with bad days");
    on_referral_ok(&unit_account, referral, "accept", NULL);
    on_referral_ok(&unit_account, referral, "reply", with_text("已修复渠道。"));
    before = counts();
    on_referral_illegal(&unit_account, referral, "reply", with_text("再答复一次"), "replied", "replying twice");
    expect_same_counts(&before, "a second reply");
}

/* A unit sees and touches only what was referred to it: another unit's referral is not found. */
static void a_unit_acting_on_another_units_referral_finds_nothing(void **state)
{
    (void)state;
    api_res_t *r = request(&admin, "POST", "/api/v1/units",
                           json_pack("{s:s, s:s}", "name", "如东县测试水务局", "region", HOME_REGION));
    expect_status(r, 201, "creating a second unit");
    long long other_unit = int_of(r->json, "id");
    api_res_free(r);
    r = request(&admin, "POST", "/api/v1/users",
                json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "username", "unit-water", "display_name", "钱科长",
                          "password", DEMO_PASSWORD, "role", "unit", "region", HOME_REGION, "unit_id",
                          (json_int_t)other_unit));
    expect_status(r, 201, "creating the second unit's account");
    api_res_free(r);
    client_t other;
    assert_true(client_login(&other, &srv, "unit-water", DEMO_PASSWORD));

    sent_t s = send_message(V_OTHER_UNIT, "河道里有人非法捕鱼。");
    long long referral = triage_and_refer(s.id, NULL);
    counts_t before = counts();
    struct {
        const char *step;
        json_t *body;
    } steps[] = {
        {"accept", NULL},
        {"reply", with_text("不是我们的")},
        {"extension", json_pack("{s:i, s:s}", "days", 3, "text", "延期")},
        {"return", with_text("退回")},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        r = on_referral(&other, referral, steps[i].step, steps[i].body);
        if (r->status != 404)
            fail_msg("another unit's %s: expected 404, got %ld %s", steps[i].step, r->status, r->body);
        api_assert_error(r, 404, "not_found", NULL);
        api_res_free(r);
    }
    r = get_as(&other, "/api/v1/referrals/%lld", referral);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    assert_false(unit_lists(&other, "?state=all", referral));
    expect_same_counts(&before, "another unit's steps");
    r = get_as(&unit_account, "/api/v1/referrals/%lld", referral);
    expect_text(r, "state", "sent", "the referral another unit tried to take");
    api_res_free(r);
}

/* ---- the other ways out of triage ---- */

/* A referral names a unit of the opinion's county and gives it 1 to 90 working days. */
static void referring_needs_a_unit_of_the_opinions_county_and_1_to_90_working_days(void **state)
{
    (void)state;
    client_t foreign;
    assert_true(client_login(&foreign, &srv, FOREIGN_ADMIN, DEMO_PASSWORD));
    api_res_t *r = request(&foreign, "POST", "/api/v1/units",
                           json_pack("{s:s, s:s}", "name", "邻县测试交通局", "region", FOREIGN_REGION));
    expect_status(r, 201, "a unit of the neighbouring county");
    long long foreign_unit = int_of(r->json, "id");
    api_res_free(r);
    sent_t s = send_message(V_REFER_BAD, "村里的渡口码头年久失修。");
    act_ok(&staff, s.id, "triage", NULL, "triaged");
    struct {
        const char *what;
        json_t *body;
        const char *field;
    } cases[] = {
        {"no unit", json_object(), "unit_id"},
        {"an unknown unit", json_pack("{s:i}", "unit_id", 999999), "unit_id"},
        {"a unit of another county", json_pack("{s:I}", "unit_id", (json_int_t)foreign_unit), "unit_id"},
        {"a unit id as text", json_pack("{s:s}", "unit_id", "12"), "unit_id"},
        {"no days", json_pack("{s:I, s:i}", "unit_id", (json_int_t)unit_id, "days", 0), "days"},
        {"91 days", json_pack("{s:I, s:i}", "unit_id", (json_int_t)unit_id, "days", 91), "days"},
        {"days as text", json_pack("{s:I, s:s}", "unit_id", (json_int_t)unit_id, "days", "10"), "days"},
        {"an unknown key", json_pack("{s:I, s:s}", "unit_id", (json_int_t)unit_id, "deadline", "soon"), "deadline"},
    };
    counts_t before = counts();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        act_invalid(&staff, s.id, "refer", cases[i].body, cases[i].field, cases[i].what);
    }
    expect_same_counts(&before, "refused referrals");
    assert_string_equal(state_in_db(s.id), "triaged");
    act_ok(&staff, s.id, "refer", json_pack("{s:I, s:i}", "unit_id", (json_int_t)unit_id, "days", 90), "in_progress");
}

/* A message sent to a deputy from their QR page needs no station; that deputy finds it in their
 * own list, and other deputies' messages stay out of it. */
static void a_message_to_a_deputy_reaches_that_deputy_and_is_kept_at_their_station(void **state)
{
    (void)state;
    client_t deputy;
    assert_true(client_login(&deputy, &srv, "deputy", DEMO_PASSWORD));
    long long deputy_id = query_ll("SELECT deputy_id FROM users WHERE username = 'deputy'");
    long long other_deputy =
        query_ll("SELECT min(id) FROM deputies WHERE id <> %lld AND region_code LIKE '%.6s%%'", deputy_id, HOME_REGION);
    json_t *body = message(V_DEPUTY, "代表您好，村里的老年活动室需要修缮。");
    json_object_del(body, "station_id");
    json_object_set_new(body, "deputy_id", json_integer(deputy_id));
    json_object_set_new(body, "channel", json_string("qr"));
    json_object_set_new(body, "phone", json_string(PHONE));
    sent_t mine = submit(NULL, body);
    body = message(V_DEPUTY, "另一位代表收到的留言。");
    json_object_del(body, "station_id");
    json_object_set_new(body, "deputy_id", json_integer(other_deputy));
    sent_t theirs = submit(NULL, body);

    api_res_t *r = track(mine.code, "phone4=" PHONE4);
    expect_status(r, 200, "tracking a message to a deputy");
    /* the station where the deputy receives people keeps it, for its figures and record books */
    long long station = query_ll("SELECT min(sd.station_id) FROM station_deputies sd JOIN stations s ON s.id = "
                                 "sd.station_id WHERE sd.deputy_id = %lld AND s.deleted_at IS NULL", deputy_id);
    assert_true(station > 0);
    assert_int_equal(int_of(json_object_get(r->json, "station"), "id"), station);
    assert_int_equal(int_of(json_object_get(r->json, "deputy"), "id"), deputy_id);
    api_res_free(r);
    r = get_as(&deputy, "/api/v1/opinions");
    expect_status(r, 200, "the deputy's list");
    bool found_mine = false, found_theirs = false;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        found_mine = found_mine || int_of(item, "id") == mine.id;
        found_theirs = found_theirs || int_of(item, "id") == theirs.id;
    }
    if (!found_mine || found_theirs)
        fail_msg("the deputy's list should hold %lld and not %lld: %s", mine.id, theirs.id, r->body);
    api_res_free(r);
    r = get_as(&deputy, "/api/v1/opinions/%lld", mine.id);
    expect_status(r, 200, "the deputy reading their message");
    api_res_free(r);
    r = get_as(&deputy, "/api/v1/opinions/%lld", theirs.id);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
}

static void a_unit_returning_a_misrouted_referral_sends_the_opinion_back_to_triage(void **state)
{
    (void)state;
    sent_t s = send_message(V_RETURN, "学校门口早晚高峰交通拥堵。");
    long long referral = triage_and_refer(s.id, NULL);
    on_referral_invalid(&unit_account, referral, "return", NULL, "text", "a return without a reason");
    api_res_t *r = on_referral(&unit_account, referral, "return", with_text("应由交警大队办理"));
    expect_status(r, 200, "the unit returns it");
    expect_text(r, "state", "returned", "the returned referral");
    api_res_free(r);
    assert_string_equal(state_in_db(s.id), "triaged");
    r = staff_view(s.id);
    expect_text(r, "state", "triaged", "the returned opinion");
    json_t *timeline = json_object_get(r->json, "timeline");
    json_t *last = json_array_get(timeline, json_array_size(timeline) - 1);
    assert_string_equal(text_of(last, "action"), "return");
    assert_string_equal(text_of(last, "from"), "in_progress");
    assert_string_equal(text_of(last, "to"), "triaged");
    assert_string_equal(text_of(last, "note"), "应由交警大队办理");
    api_res_free(r);
    on_referral_illegal(&unit_account, referral, "reply", with_text("还是答复一下"), "returned",
                        "replying to a returned referral");
    /* triaged again, it can be referred anew */
    act_ok(&staff, s.id, "refer", json_pack("{s:I}", "unit_id", (json_int_t)unit_id), "in_progress");
}

static void a_merged_message_shows_its_masters_answer_once_the_master_is_answered(void **state)
{
    (void)state;
    sent_t master = send_message(V_MERGE, "幸福路积水点每逢下雨就淹没路面。");
    sent_t dup = send_message(V_MERGE, "幸福路下雨积水，车辆无法通行。");
    act_ok(&staff, dup.id, "merge", json_pack("{s:I, s:s}", "master_id", (json_int_t)master.id, "text", "重复件"),
           "merged");
    api_res_t *r = staff_view(dup.id);
    assert_int_equal(int_of(r->json, "master_id"), master.id);
    api_res_free(r);
    r = track(dup.code, "phone4=" PHONE4);
    expect_status(r, 200, "tracking a merged message");
    expect_text(r, "state", "merged", "a merged message");
    expect_text(r, "merged_state", "registered", "a merged message before its master moves");
    assert_null(json_object_get(r->json, "answer"));
    api_res_free(r);

    act_ok(&staff, master.id, "triage", NULL, "triaged");
    act_ok(&staff, master.id, "resolve", with_text("已疏通幸福路排水管网。"), "answered");
    r = track(dup.code, "phone4=" PHONE4);
    expect_status(r, 200, "tracking a merged message after its master's answer");
    expect_text(r, "answer", "已疏通幸福路排水管网。", "the merged message");
    expect_text(r, "merged_state", "answered", "the merged message");
    assert_true(json_integer_value(json_object_get(r->json, "answered_at")) > 0);
    api_res_free(r);
}

static void merging_into_itself_or_into_another_countys_opinion_is_refused_naming_master_id(void **state)
{
    (void)state;
    client_t foreign;
    assert_true(client_login(&foreign, &srv, FOREIGN_ADMIN, DEMO_PASSWORD));
    api_res_t *r =
        request(&foreign, "POST", "/api/v1/stations",
                json_pack("{s:s, s:s, s:s}", "name", "邻县测试联络站", "kind", "hub", "region", FOREIGN_REGION));
    expect_status(r, 201, "a station in the neighbouring county");
    long long foreign_station = int_of(r->json, "id");
    api_res_free(r);
    sent_t elsewhere =
        submit(NULL, json_pack("{s:I, s:s, s:s, s:s}", "station_id", (json_int_t)foreign_station, "category", "urban",
                               "content", "邻县的路灯坏了。", "region", FOREIGN_REGION));

    sent_t s = send_message(V_MERGE_BAD, "健身器材损坏无人维修。");
    sent_t answered = send_message(V_MERGE_BAD, "健身器材损坏，已经有人报过。");
    act_ok(&staff, answered.id, "triage", NULL, "triaged");
    act_ok(&staff, answered.id, "resolve", with_text("已更换器材。"), "answered");
    struct {
        const char *what;
        long long master;
    } masters[] = {
        {"itself", s.id},
        {"another county's opinion", elsewhere.id},
        {"an opinion already answered", answered.id},
        {"no opinion", 99999999},
    };
    counts_t before = counts();
    for (size_t i = 0; i < sizeof(masters) / sizeof(masters[0]); i++) {
        r = act(&admin, s.id, "merge", json_pack("{s:I}", "master_id", (json_int_t)masters[i].master));
        char what[96];
        snprintf(what, sizeof(what), "merging into %s", masters[i].what);
        expect_invalid(r, "master_id", what);
        api_res_free(r);
    }
    act_invalid(&admin, s.id, "merge", NULL, "master_id", "merging into nothing");
    expect_same_counts(&before, "refused merges");
    assert_string_equal(state_in_db(s.id), "registered");
}

static void a_rejection_shows_its_reason_as_the_answer(void **state)
{
    (void)state;
    sent_t s = send_message(V_REJECT, "希望给我家孩子安排一个好工作。");
    act_invalid(&staff, s.id, "reject", NULL, "text", "a rejection without a reason");
    act_ok(&staff, s.id, "reject", with_text("个人就业安排不属于代表联络站受理范围，请咨询人社部门。"), "rejected");
    api_res_t *r = track(s.code, "phone4=" PHONE4);
    expect_status(r, 200, "tracking a rejected message");
    expect_text(r, "state", "rejected", "a rejected message");
    expect_text(r, "answer", "个人就业安排不属于代表联络站受理范围，请咨询人社部门。", "a rejected message");
    json_t *timeline = json_object_get(r->json, "timeline");
    json_t *last = json_array_get(timeline, json_array_size(timeline) - 1);
    assert_string_equal(text_of(last, "action"), "reject");
    assert_string_equal(text_of(last, "note"), "个人就业安排不属于代表联络站受理范围，请咨询人社部门。");
    api_res_free(r);
}

static void turning_an_opinion_into_a_suggestion_links_them_both_ways(void **state)
{
    (void)state;
    sent_t s = send_message(V_SUGGESTION, "建议在镇区增设一所公办幼儿园，解决入园难问题。");
    act_ok(&staff, s.id, "triage", NULL, "triaged");
    long long suggestions = query_ll("SELECT count(*) FROM suggestions");
    act_ok(&staff, s.id, "to-suggestion", with_text("转为代表建议"), "in_progress");
    assert_int_equal(query_ll("SELECT count(*) FROM suggestions"), suggestions + 1);
    api_res_t *r = staff_view(s.id);
    long long suggestion = int_of(r->json, "suggestion_id");
    expect_text(r, "disposition", "to_suggestion", "an opinion turned into a suggestion");
    api_res_free(r);
    assert_true(suggestion > 0);
    assert_int_equal(query_ll("SELECT opinion_id FROM suggestions WHERE id = %lld", suggestion), s.id);
    assert_int_equal(query_ll("SELECT suggestion_id FROM opinions WHERE id = %lld", s.id), suggestion);
    char row[512];
    query_text(row, sizeof(row), "SELECT state || ',' || region_code FROM suggestions WHERE id = %lld", suggestion);
    char want[64];
    snprintf(want, sizeof(want), "draft,%s", village(V_SUGGESTION));
    assert_string_equal(row, want);
}

static void keeping_an_opinion_for_reference_needs_a_reason(void **state)
{
    (void)state;
    sent_t s = send_message(V_KEEP, "建议将来修建一座跨河大桥。");
    act_ok(&staff, s.id, "triage", NULL, "triaged");
    counts_t before = counts();
    json_t *bodies[] = {NULL, with_text(""), json_pack("{s:i}", "text", 5)};
    for (size_t i = 0; i < 3; i++) {
        act_invalid(&staff, s.id, "keep", bodies[i], "text", "keeping without a reason");
    }
    expect_same_counts(&before, "keeping without a reason");
    api_res_t *refused = act(&staff, s.id, "keep", json_pack("{s:s, s:s}", "text", "留作参考", "reason", "远期"));
    expect_invalid(refused, "reason", "keeping with an unknown key");
    api_res_free(refused);
    expect_same_counts(&before, "keeping with an unknown key");
    act_ok(&staff, s.id, "keep", with_text("已纳入远期规划，留作参考。"), "in_progress");
    api_res_t *r = staff_view(s.id);
    expect_text(r, "disposition", "keep", "a kept opinion");
    api_res_free(r);
}

/* ---- the inbox ---- */

static void the_inbox_filters_by_open_state_category_and_channel(void **state)
{
    (void)state;
    const char *v = village(V_FILTERS);
    sent_t a = send_message(V_FILTERS, "居民楼下的路面塌陷。");
    json_t *body = message(V_FILTERS, "公交线路太少。");
    json_object_set_new(body, "category", json_string("traffic"));
    json_object_set_new(body, "channel", json_string("qr"));
    sent_t b = submit(NULL, body);
    act_ok(&staff, b.id, "reject", with_text("已由公交公司答复。"), "rejected");
    sent_t c = submit(&staff, message(V_FILTERS, "来访反映小区围墙倒塌。"));
    act_ok(&staff, c.id, "triage", NULL, "triaged");
    body = message(V_FILTERS, "来信反映卫生院缺少儿科医生。");
    json_object_set_new(body, "category", json_string("health"));
    json_object_set_new(body, "channel", json_string("letter"));
    sent_t d = submit(&staff, body);

    expect_list(&staff, IDS(d.id, c.id, b.id, a.id), "/api/v1/opinions?region=%s", v);
    expect_list(&staff, IDS(d.id, c.id, a.id), "/api/v1/opinions?region=%s&state=open", v);
    expect_list(&staff, IDS(b.id), "/api/v1/opinions?region=%s&state=rejected", v);
    expect_list(&staff, IDS(c.id), "/api/v1/opinions?region=%s&state=triaged", v);
    expect_list(&staff, NO_IDS, "/api/v1/opinions?region=%s&state=closed", v);
    expect_list(&staff, IDS(c.id, a.id), "/api/v1/opinions?region=%s&category=urban", v);
    expect_list(&staff, IDS(d.id), "/api/v1/opinions?region=%s&category=health", v);
    expect_list(&staff, IDS(b.id), "/api/v1/opinions?region=%s&channel=qr", v);
    expect_list(&staff, IDS(c.id), "/api/v1/opinions?region=%s&channel=walk_in", v);
    expect_list(&staff, IDS(a.id), "/api/v1/opinions?region=%s&channel=online", v);
    expect_list(&staff, IDS(c.id, a.id), "/api/v1/opinions?region=%s&state=open&category=urban", v);
    expect_list(&admin, IDS(d.id, c.id, a.id), "/api/v1/opinions?region=%s&state=open", v);

    long long staff_id = query_ll("SELECT id FROM users WHERE username = 'staff'");
    act_ok(&admin, d.id, "triage", json_pack("{s:I}", "owner_user_id", (json_int_t)staff_id), "triaged");
    expect_list(&staff, IDS(d.id), "/api/v1/opinions?region=%s&owner=me", v);
    expect_list(&admin, NO_IDS, "/api/v1/opinions?region=%s&owner=me", v);
}

/* 超期 and 预警: deadlines are set behind the API so the test does not depend on today's date. */
static void the_inbox_flags_overdue_and_nearly_due_opinions(void **state)
{
    (void)state;
    const char *v = village(V_FLAGS);
    long long now = time(NULL), far = now + 60 * 86400;
    sent_t late = send_message(V_FLAGS, "超期未分办的留言。");
    sent_t near = send_message(V_FLAGS, "即将到期的留言。");
    sent_t later = send_message(V_FLAGS, "还早的留言。");
    sent_t late_triaged = send_message(V_FLAGS, "分办后超期未答复的留言。");
    sent_t answered = send_message(V_FLAGS, "已经答复的留言。");
    act_ok(&staff, late_triaged.id, "triage", NULL, "triaged");
    act_ok(&staff, answered.id, "triage", NULL, "triaged");
    act_ok(&staff, answered.id, "resolve", with_text("已处理。"), "answered");
    db_change("UPDATE opinions SET triage_due = %lld, answer_due = %lld WHERE id IN (%lld, %lld, %lld, %lld, %lld);",
              far, far, late.id, near.id, later.id, late_triaged.id, answered.id);
    db_change("UPDATE opinions SET triage_due = %lld WHERE id = %lld;", now - 3600, late.id);
    db_change("UPDATE opinions SET triage_due = %lld WHERE id = %lld;", now + 3600, near.id);
    /* past triage, the answer's deadline is the one that counts */
    db_change("UPDATE opinions SET answer_due = %lld WHERE id IN (%lld, %lld);", now - 7200, late_triaged.id,
              answered.id);
    db_change("UPDATE opinions SET triage_due = %lld WHERE id = %lld;", now - 86400, answered.id);

    expect_list(&staff, IDS(late_triaged.id, late.id), "/api/v1/opinions?region=%s&flag=overdue", v);
    expect_list(&staff, IDS(near.id), "/api/v1/opinions?region=%s&flag=warn", v);
    expect_list(&staff, IDS(late_triaged.id), "/api/v1/opinions?region=%s&flag=overdue&state=triaged", v);
    api_res_t *r = get_as(&staff, "/api/v1/opinions?region=%s", v);
    expect_status(r, 200, "the inbox");
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        long long id = int_of(item, "id");
        const char *want = id == late.id || id == late_triaged.id ? "overdue" : id == near.id ? "warn" : "none";
        if (strcmp(text_of(item, "flag"), want) != 0)
            fail_msg("opinion %lld should be flagged %s: %s", id, want, r->body);
    }
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 5);
    api_res_free(r);
}

static void the_inbox_refuses_a_region_outside_scope_and_names_a_bad_query_parameter(void **state)
{
    (void)state;
    const char *const outside[] = {HOME_REGION, FOREIGN_REGION};
    for (size_t i = 0; i < 2; i++) {
        api_res_t *r = get_as(&staff, "/api/v1/opinions?region=%s", outside[i]);
        if (r->status != 403)
            fail_msg("staff listing region %s: expected 403, got %ld %s", outside[i], r->status, r->body);
        api_assert_error(r, 403, "out_of_scope", NULL);
        api_res_free(r);
    }
    struct {
        const char *query, *field;
    } bad[] = {
        {"state=lost", "state"}, {"channel=fax", "channel"}, {"category=weather", "category"}, {"flag=late", "flag"},
        {"owner=you", "owner"},  {"limit=0", "limit"},       {"limit=1000", "limit"},          {"limit=ten", "limit"},
        {"after=-5", "after"},   {"after=x", "after"},       {"station=x", "station"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        api_res_t *r = get_as(&staff, "/api/v1/opinions?region=%s&%s", village(V_FILTERS), bad[i].query);
        if (r->status != 400)
            fail_msg("the inbox with %s: expected 400, got %ld %s", bad[i].query, r->status, r->body);
        api_assert_error(r, 400, "bad_query", bad[i].field);
        api_res_free(r);
    }
    api_res_t *r = get_as(&unit_account, "/api/v1/opinions");
    api_assert_error(r, 403, "forbidden", NULL);
    api_res_free(r);
    r = get_as(NULL, "/api/v1/opinions");
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

static void paging_the_inbox_with_after_and_next_visits_every_opinion_once(void **state)
{
    (void)state;
    long long made[5], seen[8];
    int n = 0;
    for (int i = 0; i < 5; i++)
        made[i] = send_message(V_PAGING, "分页测试留言。").id;
    long long after = 0;
    for (int page = 0; page < 5; page++) {
        api_res_t *r = after ? get_as(&staff, "/api/v1/opinions?region=%s&limit=2&after=%lld", village(V_PAGING), after)
                             : get_as(&staff, "/api/v1/opinions?region=%s&limit=2", village(V_PAGING));
        expect_status(r, 200, "a page of the inbox");
        size_t i;
        json_t *item;
        json_t *items = json_object_get(r->json, "items");
        assert_true(json_array_size(items) <= 2);
        json_array_foreach(items, i, item)
        {
            if (n == 8)
                fail_msg("paging never ends: %s", r->body);
            seen[n++] = int_of(item, "id");
        }
        json_t *next = json_object_get(r->json, "next");
        after = json_is_integer(next) ? json_integer_value(next) : 0;
        api_res_free(r);
        if (after == 0)
            break;
    }
    assert_int_equal(after, 0);
    assert_int_equal(n, 5);
    for (int i = 0; i < 5; i++) /* newest first, each once */
        assert_int_equal(seen[i], made[4 - i]);
}

/* ---- related items ---- */

static double similarity_to(long long id, long long other, const char *what)
{
    api_res_t *r = get_as(&staff, "/api/v1/opinions/%lld/similar", id);
    expect_status(r, 200, what);
    double found = -1;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        double score = json_number_value(json_object_get(item, "similarity"));
        assert_true(score >= 0 && score <= 1);
        assert_true(int_of(item, "id") != id);
        if (int_of(item, "id") == other)
            found = score;
    }
    api_res_free(r);
    return found;
}

static void two_complaints_about_the_same_street_lamp_show_each_other_as_similar(void **state)
{
    (void)state;
    sent_t one = send_message(V_SIMILAR, "青园路与人民路交叉口的路灯坏了，晚上一片漆黑，请尽快修理路灯。");
    sent_t two = send_message(V_SIMILAR, "青园路人民路交叉口路灯不亮已经一周了，晚上一片漆黑，希望修理。");
    sent_t other = send_message(V_SIMILAR, "孩子上学的校车太拥挤，希望教育局增加校车班次。");
    double a = similarity_to(one.id, two.id, "similar to the first lamp complaint");
    double b = similarity_to(two.id, one.id, "similar to the second lamp complaint");
    if (a <= 0.3 || b <= 0.3)
        fail_msg("two complaints about the same lamp score %.2f and %.2f", a, b);
    assert_true(similarity_to(one.id, other.id, "similar to the lamp") < 0);
    assert_true(similarity_to(other.id, one.id, "similar to the school bus") < 0);
}

/* ---- notifications ---- */

static void notifications_wait_in_the_outbox_for_the_unit_the_constituent_and_merged_constituents(void **state)
{
    (void)state;
    char unit[32];
    snprintf(unit, sizeof(unit), "unit:%lld", unit_id);
    sent_t s = send_message(V_OUTBOX, "路口红绿灯时间太短，老人过不了马路。");
    sent_t dup = send_message(V_OUTBOX, "红绿灯时间太短，过马路来不及。");
    act_ok(&staff, dup.id, "merge", json_pack("{s:I}", "master_id", (json_int_t)s.id), "merged");
    triage_and_refer(s.id, NULL);
    assert_int_equal(outbox_rows("referral.sent", unit, s.id), 1);
    char to_s[40], to_dup[40];
    snprintf(to_s, sizeof(to_s), "constituent:%lld", s.id);
    snprintf(to_dup, sizeof(to_dup), "constituent:%lld", dup.id);
    assert_int_equal(outbox_rows("opinion.answered", to_s, s.id), 0);
    act_ok(&staff, s.id, "answer", with_text("已延长绿灯时间。"), "answered");
    assert_int_equal(outbox_rows("opinion.answered", to_s, s.id), 1);
    assert_int_equal(outbox_rows("opinion.answered", to_dup, dup.id), 1);
}

/* ---- at the end ---- */

/* The rule of migrations/006: an opinion's state is the to_state of its last event - over every
 * opinion the tests above made. */
static void every_opinions_state_is_where_its_last_event_led(void **state)
{
    (void)state;
    assert_true(query_ll("SELECT count(DISTINCT state) FROM opinions") >= 6);
    char wrong[1024];
    query_text(wrong, sizeof(wrong),
               "SELECT group_concat(o.id || ':' || o.state || '<>' || coalesce(e.to_state, 'none')) FROM opinions o "
               "LEFT JOIN opinion_events e ON e.id = (SELECT max(id) FROM opinion_events WHERE opinion_id = o.id) "
               "WHERE e.to_state IS NULL OR e.to_state <> o.state");
    if (wrong[0])
        fail_msg("opinions whose state is not their last event's: %s", wrong);
}

/* ---- rate limits ---- */

/* The same database, served again with rate limits on. */
static int restart_with_rate_limits(void **state)
{
    (void)state;
    if (srv.db[0] == '\0')
        return -1;
    server_start(&srv, NULL);
    return client_login(&staff, &srv, "staff", DEMO_PASSWORD) ? 0 : -1;
}

/* Wrong tracking tries per address are limited (10 per window by default); a right one is
 * refunded, so a constituent checking their own code is never locked out by it. */
static void the_eleventh_wrong_tracking_try_is_429_with_retry_after_and_right_tries_do_not_count(void **state)
{
    (void)state;
    json_t *body = message(V_LIMITS, "限流测试：跟踪码。");
    json_object_set_new(body, "phone", json_string(PHONE));
    sent_t s = submit(&staff, body); /* staff are not held to the form's limit */
    for (int i = 1; i <= 10; i++) {
        api_res_t *r;
        if (i == 6) {
            for (int k = 0; k < 3; k++) {
                r = track(s.code, "phone4=" PHONE4);
                expect_status(r, 200, "a right try among wrong ones");
                api_res_free(r);
            }
        }
        r = track(s.code, "phone4=0000");
        if (r->status != 404)
            fail_msg("wrong try %d: expected 404, got %ld %s", i, r->status, r->body);
        api_res_free(r);
    }
    api_res_t *r = track(s.code, "phone4=0000");
    if (r->status != 429)
        fail_msg("the eleventh wrong try: expected 429, got %ld %s", r->status, r->body);
    api_assert_error(r, 429, "too_many_requests", NULL);
    const char *retry = api_header(r, "retry-after");
    if (retry == NULL || atoi(retry) <= 0)
        fail_msg("a 429 without a Retry-After in seconds: %s", r->headers);
    api_res_free(r);
}

static void the_eleventh_public_message_within_a_minute_is_429_with_retry_after(void **state)
{
    (void)state;
    for (int i = 1; i <= 10; i++) {
        api_res_t *r = request(NULL, "POST", "/api/v1/opinions", message(V_LIMITS, "限流测试：表单。"));
        if (r->status != 201)
            fail_msg("public message %d: expected 201, got %ld %s", i, r->status, r->body);
        api_res_free(r);
    }
    counts_t before = counts();
    api_res_t *r = request(NULL, "POST", "/api/v1/opinions", message(V_LIMITS, "限流测试：表单。"));
    api_assert_error(r, 429, "too_many_requests", NULL);
    const char *retry = api_header(r, "retry-after");
    if (retry == NULL || atoi(retry) <= 0 || atoi(retry) > 60)
        fail_msg("a 429 without a Retry-After within the minute: %s", r->headers);
    api_res_free(r);
    expect_same_counts(&before, "a refused message");
}

/* ---- guards found by review ---- */

static void acting_on_a_referral_that_does_not_exist_is_404_and_the_server_stays_up(void **state)
{
    (void)state;
    api_res_t *r = on_referral(&unit_account, 99999999, "accept", NULL);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = on_referral(&staff, 99999999, "extension/grant", NULL);
    api_assert_error(r, 404, "not_found", NULL);
    api_res_free(r);
    r = api_get(&srv, "/healthz");
    expect_status(r, 200, "the server after a missing referral");
    api_res_free(r);
}

static void a_message_may_not_be_placed_in_another_county(void **state)
{
    (void)state;
    counts_t before = counts();
    json_t *body = message(V_GUARDS, "放到邻县的留言");
    json_object_set_new(body, "region", json_string(FOREIGN_REGION));
    api_res_t *r = request(NULL, "POST", "/api/v1/opinions", body);
    expect_invalid(r, "region", "a station's message placed in the neighbouring county");
    api_res_free(r);
    long long deputy = query_ll("SELECT min(id) FROM deputies WHERE region_code LIKE '%.6s%%'", HOME_REGION);
    body = json_pack("{s:I, s:s, s:s, s:s}", "deputy_id", (json_int_t)deputy, "category", "urban", "content",
                     "给代表的留言放到邻县", "region", FOREIGN_REGION);
    r = request(NULL, "POST", "/api/v1/opinions", body);
    expect_invalid(r, "region", "a deputy's message placed in the neighbouring county");
    api_res_free(r);
    expect_same_counts(&before, "messages placed outside their county");
}

static void a_reused_idempotency_key_with_another_message_is_refused_and_gives_nothing_away(void **state)
{
    (void)state;
    json_t *body = message(V_GUARDS, "第一位群众的留言");
    json_object_set_new(body, "idempotency_key", json_string("guard-key-0001"));
    sent_t first = submit(NULL, body);
    assert_true(first.token[0]);
    body = message(V_GUARDS, "另一位群众用了同一个键");
    json_object_set_new(body, "idempotency_key", json_string("guard-key-0001"));
    api_res_t *r = request(NULL, "POST", "/api/v1/opinions", body);
    api_assert_error(r, 409, "idempotency_key_reused", "idempotency_key");
    expect_absent(r, first.code, "the first message's code");
    expect_absent(r, first.token, "the first message's token");
    api_res_free(r);
}

static void staff_may_not_merge_into_or_see_similar_items_of_another_township(void **state)
{
    (void)state;
    char other[16];
    query_text(other, sizeof(other), "SELECT min(code) FROM regions WHERE parent_code = '%s' AND code <> '%s'",
               HOME_REGION, staff_region);
    sent_t mine = send_message(V_GUARDS, "青年路菜市场门口积水严重，下雨天无法通行");
    json_t *body = message(V_GUARDS, "青年路菜市场门口积水严重，下雨天无法通行");
    json_object_set_new(body, "region", json_string(other));
    sent_t theirs = submit(NULL, body);
    act_invalid(&staff, mine.id, "merge", json_pack("{s:I}", "master_id", (json_int_t)theirs.id), "master_id",
                "merging into another township's opinion");
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/opinions/%lld/similar", mine.id);
    api_res_t *r = get_as(&staff, "%s", path);
    expect_status(r, 200, "similar items");
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        if (int_of(item, "id") == theirs.id)
            fail_msg("staff of %s see the excerpt of an opinion of %s", staff_region, other);
    }
    api_res_free(r);
}

static void a_unit_may_not_act_once_the_opinion_is_answered(void **state)
{
    (void)state;
    sent_t s = send_message(V_GUARDS, "单位还没答复，联络站已经答复了");
    long long referral = triage_and_refer(s.id, NULL);
    act_ok(&staff, s.id, "answer", with_text("已当面答复。"), "answered");
    on_referral_illegal(&unit_account, referral, "reply", with_text("迟到的答复"), "answered",
                        "a unit replying after the opinion was answered");
    /* and the unit's open list no longer holds it */
    api_res_t *r = get_as(&unit_account, "/api/v1/referrals?state=open&limit=100");
    expect_status(r, 200, "the unit's open referrals");
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(r->json, "items"), i, item)
    {
        if (int_of(item, "id") == referral)
            fail_msg("referral %lld of an answered opinion is still open for the unit", referral);
    }
    api_res_free(r);
}

static void notifications_to_a_unit_carry_no_tracking_code_and_say_the_new_state(void **state)
{
    (void)state;
    sent_t s = send_message(V_GUARDS, "通知内容测试");
    triage_and_refer(s.id, NULL);
    char recipient[32], payload[512];
    snprintf(recipient, sizeof(recipient), "unit:%lld", unit_id);
    query_text(payload, sizeof(payload),
               "SELECT payload FROM outbox WHERE event = 'referral.sent' AND recipient = '%s' AND "
               "json_extract(payload, '$.opinion_id') = %lld",
               recipient, s.id);
    if (strstr(payload, s.code) || strstr(payload, "tracking_code"))
        fail_msg("a unit's notification holds the tracking code: %s", payload);
    assert_non_null(strstr(payload, "\"state\":\"in_progress\""));
}

static void a_reason_for_more_time_is_at_most_300_characters(void **state)
{
    (void)state;
    sent_t s = send_message(V_GUARDS, "延期理由长度测试");
    long long referral = triage_and_refer(s.id, NULL);
    char *reason = repeat("延", 301);
    on_referral_invalid(&unit_account, referral, "extension", json_pack("{s:i, s:s}", "days", 3, "text", reason), "text",
                        "a 301-character reason");
    free(reason);
    reason = repeat("延", 300);
    on_referral_ok(&unit_account, referral, "extension", json_pack("{s:i, s:s}", "days", 3, "text", reason));
    free(reason);
}

static void each_rating_in_the_timeline_says_which_it_was(void **state)
{
    (void)state;
    sent_t s = send_message(V_GUARDS, "评价记录测试");
    act_ok(&staff, s.id, "triage", NULL, "triaged");
    act_ok(&staff, s.id, "resolve", with_text("已解决。"), "answered");
    api_res_t *r = rate(s.code, "unsatisfied", "还是不行");
    expect_status(r, 200, "rating unsatisfied");
    api_res_free(r);
    act_ok(&staff, s.id, "answer", with_text("又处理了一次。"), "answered");
    r = rate(s.code, "basic", NULL);
    expect_status(r, 200, "rating basic");
    json_t *timeline = json_object_get(r->json, "timeline");
    const char *seen[2] = {NULL, NULL};
    int n = 0;
    size_t i;
    json_t *e;
    json_array_foreach(timeline, i, e)
    {
        if (strcmp(text_of(e, "action"), "rate") == 0 && n < 2)
            seen[n++] = text_of(e, "rating");
    }
    assert_int_equal(n, 2);
    assert_non_null(seen[0]);
    assert_non_null(seen[1]);
    assert_string_equal(seen[0], "unsatisfied");
    assert_string_equal(seen[1], "basic");
    api_res_free(r);
}

static void the_deputy_a_message_was_sent_to_still_opens_it_after_it_is_given_to_another(void **state)
{
    (void)state;
    client_t deputy;
    assert_true(client_login(&deputy, &srv, "deputy", DEMO_PASSWORD));
    long long mine = query_ll("SELECT deputy_id FROM users WHERE username = 'deputy'");
    long long other = query_ll("SELECT min(id) FROM deputies WHERE id <> %lld AND region_code LIKE '%.6s%%'", mine,
                               HOME_REGION);
    json_t *body = message(V_GUARDS, "给代表的留言，后来交给了另一位代表");
    json_object_del(body, "station_id");
    json_object_set_new(body, "deputy_id", json_integer(mine));
    sent_t s = submit(NULL, body);
    act_ok(&staff, s.id, "triage", json_pack("{s:I}", "owner_deputy_id", (json_int_t)other), "triaged");
    api_res_t *r = get_as(&deputy, "/api/v1/opinions/%lld", s.id);
    expect_status(r, 200, "the deputy it was sent to opening it");
    api_res_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_message_from_the_form_gets_an_eight_character_code_of_unambiguous_characters),
        cmocka_unit_test(a_token_is_handed_out_only_when_no_phone_is_given),
        cmocka_unit_test(sending_the_same_form_twice_gives_the_same_code_token_and_one_opinion),
        cmocka_unit_test(the_idempotency_key_may_come_in_a_header),
        cmocka_unit_test(staff_enter_a_walk_in_and_the_public_may_not_claim_one),
        cmocka_unit_test(every_bad_field_of_a_message_is_refused_by_name_and_writes_nothing),
        cmocka_unit_test(content_may_be_5000_characters_but_not_5001),
        cmocka_unit_test(content_with_invalid_utf8_bytes_or_a_nul_is_refused_and_writes_nothing),
        cmocka_unit_test(the_constituents_name_phone_and_address_are_not_stored_in_clear),
        cmocka_unit_test(staff_read_contact_details_only_through_an_audited_route),
        cmocka_unit_test(the_staff_view_the_inbox_and_the_units_view_never_show_the_name_or_phone),
        cmocka_unit_test(tracking_works_with_the_code_and_the_phones_last_four_digits_also_typed_loosely),
        cmocka_unit_test(tracking_works_with_the_token_when_no_phone_was_given),
        cmocka_unit_test(tracking_with_the_wrong_phone_digits_looks_like_an_unknown_code),
        cmocka_unit_test(the_public_timeline_leaves_out_referral_steps_returns_and_internal_notes),
        cmocka_unit_test(the_whole_loop_reopens_once_on_an_unsatisfied_rating_and_then_closes),
        cmocka_unit_test(a_satisfied_rating_closes_at_once),
        cmocka_unit_test(a_step_the_state_does_not_allow_is_409_naming_the_state),
        cmocka_unit_test(a_unit_may_not_reply_twice_or_ask_for_more_time_twice),
        cmocka_unit_test(a_unit_acting_on_another_units_referral_finds_nothing),
        cmocka_unit_test(referring_needs_a_unit_of_the_opinions_county_and_1_to_90_working_days),
        cmocka_unit_test(a_message_to_a_deputy_reaches_that_deputy_and_is_kept_at_their_station),
        cmocka_unit_test(a_unit_returning_a_misrouted_referral_sends_the_opinion_back_to_triage),
        cmocka_unit_test(a_merged_message_shows_its_masters_answer_once_the_master_is_answered),
        cmocka_unit_test(merging_into_itself_or_into_another_countys_opinion_is_refused_naming_master_id),
        cmocka_unit_test(a_rejection_shows_its_reason_as_the_answer),
        cmocka_unit_test(turning_an_opinion_into_a_suggestion_links_them_both_ways),
        cmocka_unit_test(keeping_an_opinion_for_reference_needs_a_reason),
        cmocka_unit_test(the_inbox_filters_by_open_state_category_and_channel),
        cmocka_unit_test(the_inbox_flags_overdue_and_nearly_due_opinions),
        cmocka_unit_test(the_inbox_refuses_a_region_outside_scope_and_names_a_bad_query_parameter),
        cmocka_unit_test(paging_the_inbox_with_after_and_next_visits_every_opinion_once),
        cmocka_unit_test(two_complaints_about_the_same_street_lamp_show_each_other_as_similar),
        cmocka_unit_test(notifications_wait_in_the_outbox_for_the_unit_the_constituent_and_merged_constituents),
        cmocka_unit_test(acting_on_a_referral_that_does_not_exist_is_404_and_the_server_stays_up),
        cmocka_unit_test(a_message_may_not_be_placed_in_another_county),
        cmocka_unit_test(a_reused_idempotency_key_with_another_message_is_refused_and_gives_nothing_away),
        cmocka_unit_test(staff_may_not_merge_into_or_see_similar_items_of_another_township),
        cmocka_unit_test(a_unit_may_not_act_once_the_opinion_is_answered),
        cmocka_unit_test(notifications_to_a_unit_carry_no_tracking_code_and_say_the_new_state),
        cmocka_unit_test(a_reason_for_more_time_is_at_most_300_characters),
        cmocka_unit_test(the_deputy_a_message_was_sent_to_still_opens_it_after_it_is_given_to_another),
        cmocka_unit_test(each_rating_in_the_timeline_says_which_it_was),
        cmocka_unit_test(every_opinions_state_is_where_its_last_event_led),
    };
    const struct CMUnitTest limited_tests[] = {
        cmocka_unit_test(the_eleventh_wrong_tracking_try_is_429_with_retry_after_and_right_tries_do_not_count),
        cmocka_unit_test(the_eleventh_public_message_within_a_minute_is_429_with_retry_after),
    };
    int failed = cmocka_run_group_tests_name("opinions", tests, start_server, stop_server);
    failed += cmocka_run_group_tests_name("opinions with rate limits", limited_tests, restart_with_rate_limits,
                                          remove_server);
    return failed;
}
