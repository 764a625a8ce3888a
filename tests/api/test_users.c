/*
 * users: the deputy-affairs office (admin) manages the accounts of its own region subtree and
 * nothing else. A foreign account does not exist for it (404); creating one there is refused
 * (403). Other roles read only their own account. Every change lands in the audit log, which each
 * admin reads for its own subtree only.
 *
 * One server for the file, with an account in the neighbouring county (如皋市) made from the
 * command line before anyone signs in. Tests that create accounts use names of their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define FOREIGN_CLERK "rugao-clerk"
#define UNKNOWN_HOME_REGION "320623999000" /* a well-formed township code under 如东县 that is not loaded */

static server_t srv;
static client_t admin, rugao, staff, deputy, unit, member;

static int start_server(void **state)
{
    server_prepare(&srv);
    char out[4096];
    int rc = run_cli(&srv, out, sizeof(out),
                     (const char *const[]){"user", "add", FOREIGN_CLERK, "--region", FOREIGN_REGION, "--role", "staff",
                                           "--display-name", "如皋联络员", "--password", DEMO_PASSWORD, NULL});
    if (rc != 0) {
        fprintf(stderr, "liaison user add: %s\n", out);
        return -1;
    }
    server_start(&srv, NULL);
    bool ok = client_login(&admin, &srv, "admin", DEMO_PASSWORD) &&
              client_login(&rugao, &srv, "admin-rugao", DEMO_PASSWORD) &&
              client_login(&staff, &srv, "staff", DEMO_PASSWORD) &&
              client_login(&deputy, &srv, "deputy", DEMO_PASSWORD) &&
              client_login(&unit, &srv, "unit", DEMO_PASSWORD) && client_login(&member, &srv, "member", DEMO_PASSWORD);
    return ok ? 0 : -1;
}

static int stop_server(void **state)
{
    server_down(&srv);
    return 0;
}

/* ---- helpers ---- */

static api_res_t *send_json(client_t *c, const char *method, const char *path, json_t *body)
{
    char *text = json_dumps(body, 0);
    json_decref(body);
    api_res_t *r = client_request(c, method, path, text);
    free(text);
    return r;
}

/* A complete, valid new-account body; tests break one field at a time. */
static json_t *account_body(const char *username, const char *region)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", username, "display_name", "新联络员", "password",
                     "a-long-enough-password", "role", "staff", "region", region);
}

static long long user_id(const char *username)
{
    char sql[200], out[32];
    snprintf(sql, sizeof(sql), "SELECT id FROM users WHERE username = '%s'", username);
    assert_int_equal(db_query(&srv, sql, out, sizeof(out)), 0);
    if (out[0] == '\0')
        fail_msg("no account %s", username);
    return atoll(out);
}

static int count_users(const char *where)
{
    char sql[300], out[32];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM users WHERE %s", where);
    assert_int_equal(db_query(&srv, sql, out, sizeof(out)), 0);
    return atoi(out);
}

static void user_path(char *out, size_t len, long long id)
{
    snprintf(out, len, "/api/v1/users/%lld", id);
}

/* Whether a {"users":[...]} array holds this username. */
static bool list_has(const json_t *users, const char *username)
{
    for (size_t i = 0; i < json_array_size(users); i++) {
        const char *name = json_string_value(json_object_get(json_array_get(users, i), "username"));
        if (name && strcmp(name, username) == 0)
            return true;
    }
    return false;
}

static void assert_all_regions_under(const json_t *array, const char *key, const char *prefix)
{
    size_t i;
    json_t *item;
    json_array_foreach(array, i, item)
    {
        const char *region = json_string_value(json_object_get(item, key));
        assert_non_null(region);
        if (strncmp(region, prefix, strlen(prefix)) != 0)
            fail_msg("entry %zu has region %s, outside %s", i, region, prefix);
    }
}

/* ---- listing ---- */

static void admin_lists_only_the_accounts_of_their_county(void **state)
{
    api_res_t *r = client_request(&admin, "GET", "/api/v1/users?limit=500", NULL);
    assert_int_equal(r->status, 200);
    json_t *users = json_object_get(r->json, "users");
    assert_true(json_is_array(users));
    static const char *const home[] = {"admin", "staff", "deputy", "unit", "member"};
    for (size_t i = 0; i < sizeof(home) / sizeof(home[0]); i++)
        if (!list_has(users, home[i]))
            fail_msg("the list lacks %s", home[i]);
    assert_false(list_has(users, "admin-rugao"));
    assert_false(list_has(users, FOREIGN_CLERK));
    assert_all_regions_under(users, "region", "320623");
    /* every account of the county, and only those */
    assert_int_equal(json_array_size(users), count_users("region_code LIKE '320623%'"));
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        assert_null(json_object_get(u, "password_hash"));
        assert_null(json_object_get(u, "password"));
    }
    api_res_free(r);

    /* the neighbour's admin sees theirs, including the one made on the command line */
    r = client_request(&rugao, "GET", "/api/v1/users?limit=500", NULL);
    assert_int_equal(r->status, 200);
    users = json_object_get(r->json, "users");
    assert_true(list_has(users, "admin-rugao"));
    assert_true(list_has(users, FOREIGN_CLERK));
    assert_false(list_has(users, "admin"));
    assert_all_regions_under(users, "region", "320682");
    api_res_free(r);
}

static void account_list_pages_with_limit_and_offset(void **state)
{
    api_res_t *first = client_request(&admin, "GET", "/api/v1/users?limit=2", NULL);
    api_res_t *second = client_request(&admin, "GET", "/api/v1/users?limit=2&offset=2", NULL);
    assert_int_equal(first->status, 200);
    assert_int_equal(second->status, 200);
    json_t *a = json_object_get(first->json, "users"), *b = json_object_get(second->json, "users");
    assert_int_equal(json_array_size(a), 2);
    assert_int_equal(json_array_size(b), 2);
    size_t i;
    json_t *u;
    json_array_foreach(b, i, u)
    {
        assert_false(list_has(a, json_string_value(json_object_get(u, "username"))));
    }
    api_res_free(first);
    api_res_free(second);
}

static void roles_other_than_admin_cannot_list_accounts_or_read_the_audit_log(void **state)
{
    client_t *others[] = {&staff, &deputy, &unit, &member};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        api_res_t *r = client_request(others[i], "GET", "/api/v1/users", NULL);
        api_assert_error(r, 403, "forbidden", NULL);
        api_res_free(r);
        r = client_request(others[i], "GET", "/api/v1/audit", NULL);
        api_assert_error(r, 403, "forbidden", NULL);
        api_res_free(r);
        r = send_json(others[i], "POST", "/api/v1/users", account_body("by-a-non-admin", HOME_REGION));
        api_assert_error(r, 403, "forbidden", NULL);
        api_res_free(r);
    }
    assert_int_equal(count_users("username = 'by-a-non-admin'"), 0);
    api_res_t *r = api_get(&srv, "/api/v1/users");
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
}

/* ---- creating ---- */

static void admin_creates_an_account_in_their_county_and_it_can_sign_in(void **state)
{
    api_res_t *r = send_json(&admin, "POST", "/api/v1/users", account_body("new-clerk", HOME_REGION));
    assert_int_equal(r->status, 201);
    json_t *u = r->json;
    assert_true(json_integer_value(json_object_get(u, "id")) > 0);
    assert_string_equal(json_string_value(json_object_get(u, "username")), "new-clerk");
    assert_string_equal(json_string_value(json_object_get(u, "display_name")), "新联络员");
    assert_string_equal(json_string_value(json_object_get(u, "role")), "staff");
    assert_string_equal(json_string_value(json_object_get(u, "region")), HOME_REGION);
    assert_false(json_is_true(json_object_get(u, "disabled")));
    assert_true(json_integer_value(json_object_get(u, "created_at")) > 1600000000);
    assert_null(json_object_get(u, "password_hash"));
    assert_null(json_object_get(u, "password"));
    long long id = json_integer_value(json_object_get(u, "id"));
    api_res_free(r);
    assert_int_equal(id, user_id("new-clerk"));

    client_t clerk;
    assert_true(client_login(&clerk, &srv, "new-clerk", "a-long-enough-password"));
    char path[64];
    user_path(path, sizeof(path), id);
    r = client_request(&clerk, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    assert_string_equal(json_string_value(json_object_get(r->json, "username")), "new-clerk");
    api_res_free(r);
    r = client_request(&admin, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    api_res_free(r);
}

static void creating_an_account_in_the_foreign_county_answers_403(void **state)
{
    static const char *const outside[] = {FOREIGN_REGION, "520200000000" /* the city above the county */,
                                          "520000000000"};
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        api_res_t *r = send_json(&admin, "POST", "/api/v1/users", account_body("foreign-clerk", outside[i]));
        api_assert_error(r, 403, "out_of_scope", NULL);
        api_res_free(r);
    }
    assert_int_equal(count_users("username = 'foreign-clerk'"), 0);
    /* the county's own admin may */
    api_res_t *r = send_json(&rugao, "POST", "/api/v1/users", account_body("foreign-clerk", FOREIGN_REGION));
    assert_int_equal(r->status, 201);
    api_res_free(r);
}

static void duplicate_username_answers_409(void **state)
{
    static const char *const taken[] = {"staff", "STAFF", "Admin-Rugao"};
    for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
        api_res_t *r = send_json(&admin, "POST", "/api/v1/users", account_body(taken[i], HOME_REGION));
        api_assert_error(r, 409, "username_taken", "username");
        api_res_free(r);
    }
    assert_int_equal(count_users("username = 'staff' COLLATE NOCASE"), 1);
    assert_int_equal(count_users("username = 'admin-rugao' COLLATE NOCASE"), 1);
    /* staff's password was not replaced by the refused request */
    client_t again;
    assert_true(client_login(&again, &srv, "staff", DEMO_PASSWORD));
}

static void each_missing_or_bad_field_answers_422_naming_it(void **state)
{
    static const struct {
        const char *field;
        const char *json; /* the field's value as JSON, or NULL to leave it out */
    } cases[] = {
        {"username", NULL},
        {"username", "\"ab\""},
        {"username", "\"has space\""},
        {"username", "\"semi;colon\""},
        {"username", "\"abcdefghijabcdefghijabcdefghijabc\""}, /* 33 */
        {"username", "\"名字\""},
        {"username", "42"},
        {"display_name", NULL},
        {"display_name", "\"\""},
        /* 41 characters, counted as a person counts them */
        {"display_name", "\""
                         "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"
                         "\""},
        {"display_name", "[\"x\"]"},
        {"password", NULL},
        {"password", "\"short\""},
        {"password", "\"1234567\""},
        {"password", "12345678"},
        {"role", NULL},
        {"role", "\"king\""},
        {"role", "\"public\""},
        {"role", "\"Admin\""},
        {"region", NULL},
        {"region", "\"3206230000\""},
        {"region", "\"32062300000x\""},
        {"region", "\"000000000000\""},
        {"region", "\"320623000001\""}, /* a non-zero group after a zero one */
        {"region", "320623000000"},
    };
    int before = count_users("1");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *body = account_body("bad-field-user", HOME_REGION);
        json_object_del(body, cases[i].field);
        if (cases[i].json) {
            json_t *v = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
            assert_non_null(v);
            json_object_set_new(body, cases[i].field, v);
        }
        api_res_t *r = send_json(&admin, "POST", "/api/v1/users", body);
        if (r->status != 422)
            fprintf(stderr, "case %zu: %s = %s\n", i, cases[i].field, cases[i].json ? cases[i].json : "(missing)");
        api_assert_error(r, 422, "invalid", cases[i].field);
        assert_true(strlen(api_error_member(r, "message")) > 0);
        api_res_free(r);
    }
    assert_int_equal(count_users("1"), before);
    /* the same body with every field right is accepted */
    api_res_t *r = send_json(&admin, "POST", "/api/v1/users", account_body("bad-field-user", HOME_REGION));
    assert_int_equal(r->status, 201);
    api_res_free(r);
}

static void valid_but_unknown_region_answers_422_region(void **state)
{
    api_res_t *r = send_json(&admin, "POST", "/api/v1/users", account_body("township-clerk", UNKNOWN_HOME_REGION));
    api_assert_error(r, 422, "invalid", "region");
    api_res_free(r);
    assert_int_equal(count_users("username = 'township-clerk'"), 0);
}

/* ---- reading ---- */

static void admin_reading_a_foreign_account_gets_404_like_a_missing_one(void **state)
{
    char foreign[64], missing[64];
    user_path(foreign, sizeof(foreign), user_id(FOREIGN_CLERK));
    user_path(missing, sizeof(missing), 999999);
    api_res_t *a = client_request(&admin, "GET", foreign, NULL);
    api_res_t *b = client_request(&admin, "GET", missing, NULL);
    api_assert_error(a, 404, "not_found", NULL);
    api_assert_error(b, 404, "not_found", NULL);
    assert_string_equal(a->body, b->body); /* nothing tells the two apart */
    api_res_free(a);
    api_res_free(b);

    /* nor may it change one */
    a = client_request(&admin, "PATCH", foreign, "{\"disabled\":true}");
    api_assert_error(a, 404, "not_found", NULL);
    api_res_free(a);
    assert_int_equal(count_users("username = '" FOREIGN_CLERK "' AND disabled = 0"), 1);

    /* and the other way round */
    char home_admin[64];
    user_path(home_admin, sizeof(home_admin), user_id("admin"));
    a = client_request(&rugao, "GET", home_admin, NULL);
    api_assert_error(a, 404, "not_found", NULL);
    api_res_free(a);
    a = client_request(&rugao, "GET", foreign, NULL);
    assert_int_equal(a->status, 200);
    assert_string_equal(json_string_value(json_object_get(a->json, "username")), FOREIGN_CLERK);
    api_res_free(a);
}

static void every_other_role_reads_its_own_account_but_not_anothers(void **state)
{
    /* policy.c: user.read is RULE_SELF for every role but admin, and refusals are hidden as 404 */
    static const char *const names[] = {"staff", "deputy", "unit", "member"};
    client_t *clients[] = {&staff, &deputy, &unit, &member};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char own[64], other[64], boss[64], foreign[64];
        user_path(own, sizeof(own), user_id(names[i]));
        user_path(other, sizeof(other), user_id(names[(i + 1) % 4]));
        user_path(boss, sizeof(boss), user_id("admin"));
        user_path(foreign, sizeof(foreign), user_id(FOREIGN_CLERK));
        api_res_t *r = client_request(clients[i], "GET", own, NULL);
        assert_int_equal(r->status, 200);
        assert_string_equal(json_string_value(json_object_get(r->json, "username")), names[i]);
        assert_null(json_object_get(r->json, "password_hash"));
        api_res_free(r);
        const char *not_theirs[] = {other, boss, foreign};
        for (size_t k = 0; k < 3; k++) {
            r = client_request(clients[i], "GET", not_theirs[k], NULL);
            api_assert_error(r, 404, "not_found", NULL);
            api_res_free(r);
        }
        /* user.update is the admin's alone: not even one's own account */
        r = client_request(clients[i], "PATCH", own, "{\"disabled\":true}");
        api_assert_error(r, 403, "forbidden", NULL);
        api_res_free(r);
    }
    assert_int_equal(count_users("disabled = 1 AND username IN ('staff','deputy','unit','member')"), 0);
}

static void admin_cannot_disable_their_own_account(void **state)
{
    char own[64];
    user_path(own, sizeof(own), user_id("admin"));
    api_res_t *r = client_request(&admin, "PATCH", own, "{\"disabled\":true}");
    api_assert_error(r, 422, "invalid", "disabled");
    api_res_free(r);
    /* and is still signed in */
    r = client_request(&admin, "GET", "/api/v1/session", NULL);
    assert_int_equal(r->status, 200);
    assert_non_null(json_string_value(json_object_get(json_object_get(r->json, "user"), "username")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(r->json, "user"), "username")), "admin");
    api_res_free(r);
}

static void admin_resetting_a_password_ends_that_accounts_sessions(void **state)
{
    api_res_t *r = send_json(&admin, "POST", "/api/v1/users", account_body("reset-clerk", HOME_REGION));
    assert_int_equal(r->status, 201);
    api_res_free(r);
    client_t clerk;
    assert_true(client_login(&clerk, &srv, "reset-clerk", "a-long-enough-password"));
    char path[64];
    user_path(path, sizeof(path), user_id("reset-clerk"));
    r = client_request(&admin, "PATCH", path, "{\"password\":\"short\"}");
    api_assert_error(r, 422, "invalid", "password");
    api_res_free(r);
    r = client_request(&admin, "PATCH", path, "{\"password\":\"set-by-the-office\"}");
    assert_int_equal(r->status, 200);
    api_res_free(r);
    /* the clerk's session ended: it reads as nobody and can no longer read its own account */
    r = client_request(&clerk, "GET", "/api/v1/session", NULL);
    assert_int_equal(r->status, 200);
    assert_true(json_is_null(json_object_get(r->json, "user")));
    assert_true(json_is_null(json_object_get(r->json, "csrf_token")));
    api_res_free(r);
    r = client_request(&clerk, "GET", path, NULL);
    api_assert_error(r, 401, "unauthenticated", NULL);
    api_res_free(r);
    assert_true(client_login(&clerk, &srv, "reset-clerk", "set-by-the-office"));
}

/* ---- the audit log ---- */

/* The largest audit id the client can see now. */
static long long last_audit_id(client_t *c)
{
    api_res_t *r = client_request(c, "GET", "/api/v1/audit?limit=1000", NULL);
    assert_int_equal(r->status, 200);
    json_t *entries = json_object_get(r->json, "entries");
    assert_true(json_is_array(entries));
    size_t n = json_array_size(entries);
    assert_true(n < 1000); /* else this would need paging */
    long long last = n ? json_integer_value(json_object_get(json_array_get(entries, n - 1), "id")) : 0;
    api_res_free(r);
    return last;
}

/* The entry after `after` with this action and detail on account id, or fails. Caller frees *res. */
static json_t *find_entry(client_t *c, long long after, const char *action, long long id, const char *detail,
                          api_res_t **res)
{
    char path[128], entity_id[24];
    snprintf(path, sizeof(path), "/api/v1/audit?after=%lld&limit=1000", after);
    snprintf(entity_id, sizeof(entity_id), "%lld", id);
    api_res_t *r = client_request(c, "GET", path, NULL);
    assert_int_equal(r->status, 200);
    *res = r;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "entries"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "action")), action) == 0 &&
            strcmp(json_string_value(json_object_get(e, "entity")), "user") == 0 &&
            strcmp(json_string_value(json_object_get(e, "entity_id")), entity_id) == 0 &&
            strcmp(json_string_value(json_object_get(e, "detail")), detail) == 0)
            return e;
    }
    fail_msg("no audit entry %s (%s) for account %lld after %lld: %s", action, detail, id, after, r->body);
    return NULL;
}

static void assert_entry_by(client_t *c, long long after, const char *action, long long id, const char *detail,
                            const char *actor, const char *region)
{
    api_res_t *r;
    json_t *e = find_entry(c, after, action, id, detail, &r);
    assert_string_equal(json_string_value(json_object_get(e, "actor")), actor);
    assert_string_equal(json_string_value(json_object_get(e, "ip")), "127.0.0.1");
    assert_string_equal(json_string_value(json_object_get(e, "region")), region);
    assert_true(json_integer_value(json_object_get(e, "at")) > 1600000000);
    api_res_free(r);
}

static void every_account_change_writes_an_audit_entry_with_the_actor_and_ip(void **state)
{
    long long before = last_audit_id(&admin);
    api_res_t *r = send_json(&admin, "POST", "/api/v1/users", account_body("audited-clerk", HOME_REGION));
    assert_int_equal(r->status, 201);
    long long id = json_integer_value(json_object_get(r->json, "id"));
    api_res_free(r);
    char path[64];
    user_path(path, sizeof(path), id);
    static const char *const changes[] = {"{\"disabled\":true}", "{\"disabled\":false}",
                                          "{\"password\":\"another-long-password\"}"};
    for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
        r = client_request(&admin, "PATCH", path, changes[i]);
        assert_int_equal(r->status, 200);
        api_res_free(r);
    }
    assert_entry_by(&admin, before, "user.create", id, "staff", "admin", HOME_REGION);
    assert_entry_by(&admin, before, "user.update", id, "disabled", "admin", HOME_REGION);
    assert_entry_by(&admin, before, "user.update", id, "enabled", "admin", HOME_REGION);
    assert_entry_by(&admin, before, "user.update", id, "password reset", "admin", HOME_REGION);

    /* the neighbour's admin sees none of it */
    api_res_t *seen = client_request(&rugao, "GET", "/api/v1/audit?limit=1000", NULL);
    assert_int_equal(seen->status, 200);
    char entity_id[24];
    snprintf(entity_id, sizeof(entity_id), "%lld", id);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(seen->json, "entries"), i, e)
    {
        assert_string_not_equal(json_string_value(json_object_get(e, "entity_id")), entity_id);
    }
    api_res_free(seen);
}

static void foreign_admin_does_not_see_the_home_countys_audit_entries(void **state)
{
    api_res_t *r = client_request(&rugao, "GET", "/api/v1/audit?limit=1000", NULL);
    assert_int_equal(r->status, 200);
    json_t *entries = json_object_get(r->json, "entries");
    assert_true(json_array_size(entries) > 0);
    assert_all_regions_under(entries, "region", "320682");
    /* what it does see: the command line's account and its own sign-in */
    bool cli_create = false, own_login = false;
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e)
    {
        const char *action = json_string_value(json_object_get(e, "action"));
        const char *actor = json_string_value(json_object_get(e, "actor"));
        if (strcmp(action, "user.create") == 0 && strcmp(actor, "cli") == 0)
            cli_create = true;
        if (strcmp(action, "session.login") == 0 && strcmp(actor, "admin-rugao") == 0)
            own_login = true;
    }
    assert_true(cli_create);
    assert_true(own_login);
    api_res_free(r);

    /* and the home admin sees only 如东县, its own sign-in among it */
    r = client_request(&admin, "GET", "/api/v1/audit?limit=1000", NULL);
    assert_int_equal(r->status, 200);
    entries = json_object_get(r->json, "entries");
    assert_true(json_array_size(entries) > 0);
    assert_all_regions_under(entries, "region", "320623");
    api_res_free(r);

    /* the database does hold 如东县 entries, so the emptiness above is the filter's doing */
    char out[32];
    assert_int_equal(
        db_query(&srv, "SELECT count(*) FROM audit_log WHERE region_code LIKE '320623%'", out, sizeof(out)), 0);
    assert_true(atoi(out) > 0);
}

/* The first live station of a region subtree, from the public list. */
static long long first_station(const char *region)
{
    char path[96];
    snprintf(path, sizeof(path), "/api/v1/stations?region=%s&limit=1", region);
    api_res_t *r = api_get(&srv, path);
    assert_int_equal(r->status, 200);
    long long id = json_integer_value(json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "id"));
    api_res_free(r);
    return id;
}

static void staff_accounts_carry_the_stations_they_work_for_inside_the_admins_region(void **state)
{
    long long home = first_station(HOME_REGION), foreign = first_station(FOREIGN_REGION);
    assert_true(home > 0);
    json_t *body = account_body("station-clerk", HOME_REGION);
    json_object_set_new(body, "stations", json_pack("[I]", (json_int_t)home));
    api_res_t *r = send_json(&admin, "POST", "/api/v1/users", body);
    assert_int_equal(r->status, 201);
    json_t *stations = json_object_get(r->json, "stations");
    assert_int_equal(json_array_size(stations), 1);
    assert_int_equal(json_integer_value(json_array_get(stations, 0)), home);
    api_res_free(r);

    body = account_body("stray-clerk", HOME_REGION);
    json_object_set_new(body, "stations", json_pack("[I]", (json_int_t)(foreign > 0 ? foreign : 999999)));
    r = send_json(&admin, "POST", "/api/v1/users", body);
    api_assert_error(r, 422, "invalid", "stations");
    api_res_free(r);
    assert_int_equal(count_users("username = 'stray-clerk'"), 0);

    body = account_body("nowhere-clerk", HOME_REGION);
    json_object_set_new(body, "stations", json_pack("[i]", 999999));
    r = send_json(&admin, "POST", "/api/v1/users", body);
    api_assert_error(r, 422, "invalid", "stations");
    api_res_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(admin_lists_only_the_accounts_of_their_county),
        cmocka_unit_test(account_list_pages_with_limit_and_offset),
        cmocka_unit_test(roles_other_than_admin_cannot_list_accounts_or_read_the_audit_log),
        cmocka_unit_test(admin_creates_an_account_in_their_county_and_it_can_sign_in),
        cmocka_unit_test(creating_an_account_in_the_foreign_county_answers_403),
        cmocka_unit_test(duplicate_username_answers_409),
        cmocka_unit_test(each_missing_or_bad_field_answers_422_naming_it),
        cmocka_unit_test(valid_but_unknown_region_answers_422_region),
        cmocka_unit_test(admin_reading_a_foreign_account_gets_404_like_a_missing_one),
        cmocka_unit_test(every_other_role_reads_its_own_account_but_not_anothers),
        cmocka_unit_test(admin_cannot_disable_their_own_account),
        cmocka_unit_test(admin_resetting_a_password_ends_that_accounts_sessions),
        cmocka_unit_test(every_account_change_writes_an_audit_entry_with_the_actor_and_ip),
        cmocka_unit_test(foreign_admin_does_not_see_the_home_countys_audit_entries),
        cmocka_unit_test(staff_accounts_carry_the_stations_they_work_for_inside_the_admins_region),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
