/*
 * policy walk: every route, for every role, inside its own scope and in a foreign one, answers
 * the status the product rules promise.
 *
 * The expectations below are written from the rules (SPEC §1, the API contract), not generated
 * from src/auth/policy.c, so the two can disagree and the walk says where. The live route list
 * comes from `liaison routes`; a route the server serves without a row here fails the walk, and
 * so does a row for a route the server does not serve. One server serves the whole walk.
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

/* ---- who calls ---- */

enum { PUBLIC, ADMIN, STAFF, DEPUTY, UNIT, MEMBER, ADMIN_LIUZHI, NCALLERS };

/* the demo accounts: all of 钟山区 except admin-liuzhi, the admin of neighbouring 六枝特区 */
static const char *const caller_names[NCALLERS] = {"public", "admin",  "staff",       "deputy",
                                                   "unit",   "member", "admin-liuzhi"};

/* Which record (or region) the request names, seen from the caller. */
typedef enum {
    T_NONE,    /* the route names no record */
    T_HOME,    /* a record (or region) inside the caller's own region subtree */
    T_FOREIGN, /* one in the neighbouring county, outside the caller's scope */
    T_SELF,    /* the caller's own account */
} target_t;

static const char *const target_names[] = {"no record", "own scope", "foreign scope", "own account"};

typedef struct {
    int status;       /* 0: no expectation written (fails); -1: does not apply to this caller */
    const char *code; /* error.code expected with the status, or NULL for a success */
} expect_t;

/* clang-format off */
#define OK(st) {st, NULL}
#define NA {-1, NULL}
#define UNAUTH {401, "unauthenticated"}
#define FORBIDDEN {403, "forbidden"}
#define OUT_OF_SCOPE {403, "out_of_scope"}
#define NOT_FOUND {404, "not_found"}
#define WRONG_PASSWORD {403, "wrong_password"}
/* clang-format on */

typedef struct {
    const char *method, *pattern;
    target_t target;
    /* public, admin, staff, deputy, unit, member, admin-liuzhi */
    expect_t expect[NCALLERS];
} walk_row_t;

/*
 * The rules, route by route:
 * - operations and meta are open to everyone;
 * - GET/POST session are open too (GET without a session answers 200 with "user" null: nobody is
 *   signed in);
 * - signing out and changing one's own password need a session; the password change is sent with
 *   a deliberately wrong current password, so a signed-in caller gets 403 wrong_password (proof
 *   the policy let them through to the check) and the public 401;
 * - accounts and the audit log belong to admins inside their own region subtree; a record outside
 *   it is 404 when named by id, and creating into a foreign region is 403 out_of_scope;
 * - anyone reads their own account; other roles get 404 for someone else's (it does not exist for
 *   them) and 403 for what their role may never do.
 */
/* clang-format off */
static const walk_row_t walk[] = {
    /* method, pattern, what the request names, then the expectation of each caller: */
    /*   public   admin             staff           deputy          unit            member          admin-liuzhi */
    {"GET", "/healthz", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"GET", "/metrics", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"GET", "/api/v1/meta", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"GET", "/api/v1/session", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"POST", "/api/v1/session", T_NONE,
        {OK(200), OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"DELETE", "/api/v1/session", T_NONE,
        {UNAUTH,  OK(204),          OK(204),        OK(204),        OK(204),        OK(204),        OK(204)}},
    {"PUT", "/api/v1/session/password", T_NONE,
        {UNAUTH,  WRONG_PASSWORD,   WRONG_PASSWORD, WRONG_PASSWORD, WRONG_PASSWORD, WRONG_PASSWORD, WRONG_PASSWORD}},
    {"GET", "/api/v1/users", T_NONE,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"POST", "/api/v1/users", T_HOME,
        {UNAUTH,  OK(201),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(201)}},
    {"POST", "/api/v1/users", T_FOREIGN,
        {UNAUTH,  OUT_OF_SCOPE,     FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OUT_OF_SCOPE}},
    {"GET", "/api/v1/users/:id", T_HOME,
        {UNAUTH,  OK(200),          NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      OK(200)}},
    {"GET", "/api/v1/users/:id", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND,      NOT_FOUND}},
    {"GET", "/api/v1/users/:id", T_SELF,
        {NA,      OK(200),          OK(200),        OK(200),        OK(200),        OK(200),        OK(200)}},
    {"PATCH", "/api/v1/users/:id", T_HOME,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"PATCH", "/api/v1/users/:id", T_FOREIGN,
        {UNAUTH,  NOT_FOUND,        FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      NOT_FOUND}},
    /* {"disabled":false} on oneself: an admin may (only disabling oneself is refused) */
    {"PATCH", "/api/v1/users/:id", T_SELF,
        {NA,      OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
    {"GET", "/api/v1/audit", T_NONE,
        {UNAUTH,  OK(200),          FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      FORBIDDEN,      OK(200)}},
};
/* clang-format on */
#define NWALK (sizeof(walk) / sizeof(walk[0]))

/* ---- the one server of the walk ---- */

typedef struct {
    server_t server;
    client_t clients[NCALLERS]; /* [PUBLIC] stays signed out */
    long long self_id[NCALLERS];
    long long home_target;    /* an account in 钟山区 (not a caller) */
    long long foreign_target; /* an account in 六枝特区 (not a caller) */
    int fresh;                /* for unique usernames */
} walk_state_t;

static walk_state_t w;

static const char *home_region(int caller)
{
    return caller == ADMIN_LIUZHI ? FOREIGN_REGION : HOME_REGION;
}

static const char *foreign_region(int caller)
{
    return caller == ADMIN_LIUZHI ? HOME_REGION : FOREIGN_REGION;
}

static long long json_id(const json_t *user)
{
    return (long long)json_integer_value(json_object_get(user, "id"));
}

/* Creates an account as an admin client; returns its id. */
static long long create_account(client_t *admin, const char *username, const char *region)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", username, "display_name", username, "password",
                             "target-password-1", "role", "staff", "region", region);
    char *text = json_dumps(body, 0);
    json_decref(body);
    api_res_t *r = client_request(admin, "POST", "/api/v1/users", text);
    free(text);
    assert_non_null(r);
    if (r->status != 201)
        fprintf(stderr, "creating %s in %s: %ld %s\n", username, region, r->status, r->body);
    assert_int_equal(r->status, 201);
    long long id = json_id(r->json);
    api_res_free(r);
    assert_true(id > 0);
    return id;
}

static int walk_setup(void **state)
{
    (void)state;
    memset(&w, 0, sizeof(w));
    /* the password rows send wrong passwords on purpose; they must not trip the login limit */
    server_up(&w.server, (const char *const[]){"--rate-limits=off", NULL});
    for (int c = ADMIN; c < NCALLERS; c++) {
        if (!client_login(&w.clients[c], &w.server, caller_names[c], DEMO_PASSWORD)) {
            fprintf(stderr, "cannot sign in as %s\n", caller_names[c]);
            server_stop(&w.server);
            return -1;
        }
        api_res_t *r = client_request(&w.clients[c], "GET", "/api/v1/session", NULL);
        if (r == NULL || r->status != 200 || !json_is_object(json_object_get(r->json, "user"))) {
            fprintf(stderr, "%s has no session after signing in\n", caller_names[c]);
            api_res_free(r);
            server_stop(&w.server);
            return -1;
        }
        w.self_id[c] = json_id(json_object_get(r->json, "user"));
        api_res_free(r);
    }
    w.clients[PUBLIC].server = &w.server;
    w.home_target = create_account(&w.clients[ADMIN], "walk-zhongshan", HOME_REGION);
    w.foreign_target = create_account(&w.clients[ADMIN_LIUZHI], "walk-liuzhi", FOREIGN_REGION);
    return 0;
}

static int walk_teardown(void **state)
{
    (void)state;
    server_down(&w.server);
    return 0;
}

/* ---- one check ---- */

static long long target_id(int caller, target_t t)
{
    bool liuzhi = caller == ADMIN_LIUZHI;
    switch (t) {
    case T_HOME: return liuzhi ? w.foreign_target : w.home_target;
    case T_FOREIGN: return liuzhi ? w.home_target : w.foreign_target;
    case T_SELF: return w.self_id[caller];
    case T_NONE: break;
    }
    return 0;
}

/* The path with :id replaced by the target's id. */
static void fill_path(const walk_row_t *row, int caller, char *out, size_t len)
{
    const char *param = strstr(row->pattern, ":id");
    if (param == NULL) {
        snprintf(out, len, "%s", row->pattern);
        return;
    }
    snprintf(out, len, "%.*s%lld%s", (int)(param - row->pattern), row->pattern, target_id(caller, row->target),
             param + 3);
}

/* A body that passes validation, so the status says what the policy decided. NULL for none. */
static char *valid_body(const walk_row_t *row, int caller)
{
    json_t *body = NULL;
    if (strcmp(row->pattern, "/api/v1/session") == 0 && strcmp(row->method, "POST") == 0) {
        body = json_pack("{s:s, s:s}", "username", caller == PUBLIC ? "member" : caller_names[caller], "password",
                         DEMO_PASSWORD);
    } else if (strcmp(row->pattern, "/api/v1/session/password") == 0) {
        body = json_pack("{s:s, s:s}", "current_password", "not-the-password", "new_password", "a-new-password-1");
    } else if (strcmp(row->pattern, "/api/v1/users") == 0 && strcmp(row->method, "POST") == 0) {
        char username[32];
        snprintf(username, sizeof(username), "walk-%d", ++w.fresh);
        const char *region = row->target == T_FOREIGN ? foreign_region(caller) : home_region(caller);
        body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "username", username, "display_name", username, "password",
                         "walk-password-1", "role", "staff", "region", region);
    } else if (strcmp(row->method, "PATCH") == 0) {
        body = json_pack("{s:b}", "disabled", 0);
    } else if (strcmp(row->method, "GET") != 0 && strcmp(row->method, "DELETE") != 0) {
        fail_msg("no valid body is known for %s %s: add one to valid_body", row->method, row->pattern);
    }
    if (body == NULL)
        return NULL;
    char *text = json_dumps(body, 0);
    json_decref(body);
    return text;
}

static api_res_t *send_as(int caller, const walk_row_t *row, const char *path, const char *body)
{
    if (caller == PUBLIC)
        return api_request(&w.server, row->method, path, body, body ? strlen(body) : 0, NULL, NULL);
    if (strcmp(row->method, "DELETE") == 0 && strcmp(row->pattern, "/api/v1/session") == 0) {
        /* sign out a throwaway session, so the caller's own one serves the rest of the walk */
        client_t throwaway;
        if (!client_login(&throwaway, &w.server, caller_names[caller], DEMO_PASSWORD))
            fail_msg("cannot sign in a second session as %s", caller_names[caller]);
        return client_request(&throwaway, row->method, path, body);
    }
    return client_request(&w.clients[caller], row->method, path, body);
}

/* Sends one request; returns true when the answer is the expected one, and says why not. */
static bool check_one(const walk_row_t *row, int caller)
{
    const expect_t *e = &row->expect[caller];
    char path[256];
    fill_path(row, caller, path, sizeof(path));
    char *body = valid_body(row, caller);
    api_res_t *r = send_as(caller, row, path, body);
    free(body);
    bool ok = r != NULL && r->status == e->status;
    const char *code = NULL;
    if (r && r->json)
        code = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
    if (ok && e->code)
        ok = code && strcmp(code, e->code) == 0;
    if (!ok)
        fprintf(stderr, "MISMATCH route %s %s as %s [%s] (sent %s %s): expected %d%s%s, got %ld %s\n", row->method,
                row->pattern, caller_names[caller], target_names[row->target], row->method, path, e->status,
                e->code ? " " : "", e->code ? e->code : "", r ? r->status : 0L, r ? r->body : "(no answer)");
    api_res_free(r);
    return ok;
}

/* ---- the tests ---- */

static bool walk_has(const char *method, const char *pattern)
{
    for (size_t i = 0; i < NWALK; i++)
        if (strcmp(walk[i].method, method) == 0 && strcmp(walk[i].pattern, pattern) == 0)
            return true;
    return false;
}

static bool walk_has_target(const char *method, const char *pattern, target_t t)
{
    for (size_t i = 0; i < NWALK; i++)
        if (strcmp(walk[i].method, method) == 0 && strcmp(walk[i].pattern, pattern) == 0 && walk[i].target == t)
            return true;
    return false;
}

typedef struct {
    char method[16], pattern[256], action[128];
} live_route_t;

/* `liaison routes`: one "METHOD PATTERN ACTION" line per route. Returns the count. */
static int live_routes(live_route_t *out, int max)
{
    const char *bin = getenv("LIAISON_BIN");
    assert_non_null(bin);
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "'%s' routes", bin);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[512];
    int n = 0;
    while (fgets(line, sizeof(line), p)) {
        live_route_t lr = {0};
        int got = sscanf(line, "%15s %255s %127s", lr.method, lr.pattern, lr.action);
        if (got < 2)
            continue;
        if (n < max)
            out[n++] = lr;
    }
    int status = pclose(p);
    assert_int_equal(status, 0);
    return n;
}

static void every_served_route_has_an_expectation_and_every_expectation_a_served_route(void **state)
{
    (void)state;
    live_route_t live[256];
    int n = live_routes(live, 256);
    assert_true(n > 0);
    int problems = 0;
    for (int i = 0; i < n; i++) {
        if (!walk_has(live[i].method, live[i].pattern)) {
            fprintf(stderr,
                    "route %s %s (action %s) is served but the policy walk has no expectation for it: add a row "
                    "for every caller to the walk table (and a policy row to src/auth/policy.c)\n",
                    live[i].method, live[i].pattern, live[i].action);
            problems++;
        } else if (strchr(live[i].pattern, ':') && (!walk_has_target(live[i].method, live[i].pattern, T_HOME) ||
                                                    !walk_has_target(live[i].method, live[i].pattern, T_FOREIGN))) {
            fprintf(stderr, "route %s %s names a record, but the walk lacks its own-scope or foreign-scope row\n",
                    live[i].method, live[i].pattern);
            problems++;
        }
    }
    for (size_t i = 0; i < NWALK; i++) {
        bool served = false;
        for (int j = 0; j < n && !served; j++)
            served = strcmp(live[j].method, walk[i].method) == 0 && strcmp(live[j].pattern, walk[i].pattern) == 0;
        if (!served) {
            fprintf(stderr, "the policy walk expects route %s %s, but `liaison routes` does not list it\n",
                    walk[i].method, walk[i].pattern);
            problems++;
        }
        for (int c = 0; c < NCALLERS; c++) {
            if (walk[i].expect[c].status == 0) {
                fprintf(stderr, "route %s %s (%s) has no expectation for %s\n", walk[i].method, walk[i].pattern,
                        target_names[walk[i].target], caller_names[c]);
                problems++;
            }
        }
    }
    printf("routes: %d served, %zu walk rows, %d problems\n", n, NWALK, problems);
    assert_int_equal(problems, 0);
}

static void every_role_gets_the_expected_status_on_every_route_in_and_out_of_scope(void **state)
{
    (void)state;
    int checks = 0, mismatches = 0;
    for (size_t i = 0; i < NWALK; i++) {
        for (int c = 0; c < NCALLERS; c++) {
            if (walk[i].expect[c].status < 0)
                continue;
            checks++;
            if (!check_one(&walk[i], c))
                mismatches++;
        }
    }
    printf("policy walk: %d checks over %zu rows and %d callers, %d mismatches\n", checks, NWALK, NCALLERS, mismatches);
    assert_true(checks > 0);
    assert_int_equal(mismatches, 0);
}

/* Whether a 12-digit code lies in the county subtree of county (also 12 digits, ending 000000). */
static bool in_county(const char *code, const char *county)
{
    return code && strncmp(code, county, 6) == 0;
}

/* Counts list members outside the county; sets *seen when an element (with the given action,
 * unless NULL) has id_key equal to want. */
static int outside_county(const json_t *list, const char *county, const char *id_key, const char *action,
                          long long want, bool *seen)
{
    int outside = 0;
    size_t i;
    json_t *e;
    *seen = false;
    json_array_foreach(list, i, e)
    {
        const char *region = json_string_value(json_object_get(e, "region"));
        if (!in_county(region, county)) {
            char *text = json_dumps(e, JSON_COMPACT);
            fprintf(stderr, "the admin of %s sees an entry of region %s: %s\n", county, region ? region : "(none)",
                    text ? text : "");
            free(text);
            outside++;
        }
        const char *what = json_string_value(json_object_get(e, "action"));
        if (action && (what == NULL || strcmp(what, action) != 0))
            continue;
        json_t *id = json_object_get(e, id_key);
        long long v = json_is_integer(id)  ? (long long)json_integer_value(id)
                      : json_is_string(id) ? atoll(json_string_value(id))
                                           : 0;
        if (v == want)
            *seen = true;
    }
    return outside;
}

static void admins_list_accounts_and_audit_entries_of_their_own_county_only(void **state)
{
    (void)state;
    const int admins[] = {ADMIN, ADMIN_LIUZHI};
    for (int k = 0; k < 2; k++) {
        int c = admins[k];
        const char *county = home_region(c);
        long long own = target_id(c, T_HOME), foreign = target_id(c, T_FOREIGN);
        bool seen;

        api_res_t *r = client_request(&w.clients[c], "GET", "/api/v1/users?limit=500", NULL);
        assert_non_null(r);
        assert_int_equal(r->status, 200);
        json_t *users = json_object_get(r->json, "users");
        assert_true(json_is_array(users));
        assert_int_equal(outside_county(users, county, "id", NULL, own, &seen), 0);
        assert_true(seen); /* the account made in their county is there */
        outside_county(users, county, "id", NULL, foreign, &seen);
        assert_false(seen);
        api_res_free(r);

        r = client_request(&w.clients[c], "GET", "/api/v1/audit?limit=1000", NULL);
        assert_non_null(r);
        assert_int_equal(r->status, 200);
        json_t *entries = json_object_get(r->json, "entries");
        assert_true(json_is_array(entries));
        assert_true(json_array_size(entries) > 0);
        assert_int_equal(outside_county(entries, county, "entity_id", "user.create", own, &seen), 0);
        assert_true(seen); /* the creation of the account in their county is logged for them */
        outside_county(entries, county, "entity_id", "user.create", foreign, &seen);
        assert_false(seen);
        api_res_free(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_served_route_has_an_expectation_and_every_expectation_a_served_route),
        cmocka_unit_test(every_role_gets_the_expected_status_on_every_route_in_and_out_of_scope),
        cmocka_unit_test(admins_list_accounts_and_audit_entries_of_their_own_county_only),
    };
    return cmocka_run_group_tests(tests, walk_setup, walk_teardown);
}
