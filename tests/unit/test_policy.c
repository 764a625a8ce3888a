/*
 * test_policy: the one access table (src/auth/policy.c) against the route table
 * (src/api/routes.c). Who may do what, and on which records, is decided only here, so these tests
 * are what stop a new route from shipping without a rule, and a role from reaching past its scope.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "api/api.h"
#include "auth/policy.h"

#define HOME "520201000000"      /* 钟山区 */
#define HOME_TOWN "520201001000" /* a township of 钟山区 */
#define NEIGHBOUR "520203000000" /* 六枝特区 */
#define CITY "520200000000"      /* 六盘水市, above the county */

static actor_t actor(role_t role, int64_t user_id, const char *region)
{
    actor_t a = {.role = role, .user_id = user_id};
    memcpy(a.region, region, REGION_CODE_LEN + 1);
    return a;
}

/*
 * THE test that fails when a route is added without a policy row: every route in api_routes
 * names an action, and that action must have at least one row in the policy table. A route
 * without one would answer 403 to everybody at best, or be checked by nobody at worst. Add the
 * row to src/auth/policy.c in the same change as the route.
 */
static void every_route_has_a_policy_row_for_its_action(void **state)
{
    (void)state;
    size_t n = 0;
    for (const http_route_t *r = api_routes; r->method; r++, n++) {
        if (r->action == NULL || r->action[0] == '\0')
            fail_msg("route %s %s names no policy action", r->method, r->pattern);
        if (!policy_has_action(r->action))
            fail_msg("route %s %s performs '%s', which has no row in the policy table (src/auth/policy.c)", r->method,
                     r->pattern, r->action);
    }
    assert_true(n > 0);
}

/* The other direction: a row whose action no route performs is dead policy (often a typo). */
static void every_policy_row_is_used_by_some_route(void **state)
{
    (void)state;
    size_t n = 0;
    for (const policy_row_t *row = policy_rows(); row->action; row++, n++) {
        bool used = false;
        for (const http_route_t *r = api_routes; r->method && !used; r++)
            used = strcmp(r->action, row->action) == 0;
        if (!used)
            fail_msg("policy row '%s' (role %s) is used by no route", row->action, role_name(row->role));
    }
    assert_true(n > 0);
}

static void every_route_has_a_handler_and_a_distinct_method_and_pattern(void **state)
{
    (void)state;
    for (const http_route_t *r = api_routes; r->method; r++) {
        assert_non_null(r->handler);
        assert_non_null(r->pattern);
        assert_int_equal(r->pattern[0], '/');
        for (const http_route_t *q = r + 1; q->method; q++)
            if (strcmp(r->method, q->method) == 0 && strcmp(r->pattern, q->pattern) == 0)
                fail_msg("route %s %s is listed twice", r->method, r->pattern);
    }
}

static void role_names_round_trip_and_unknown_names_are_the_public(void **state)
{
    (void)state;
    for (int r = ROLE_PUBLIC; r < ROLE_COUNT; r++) {
        const char *name = role_name((role_t)r);
        assert_non_null(name);
        if (r != ROLE_PUBLIC)
            assert_int_equal(role_from_name(name), r);
    }
    assert_string_equal(role_name(ROLE_ADMIN), "admin");
    assert_string_equal(role_name(ROLE_STAFF), "staff");
    assert_string_equal(role_name(ROLE_DEPUTY), "deputy");
    assert_string_equal(role_name(ROLE_UNIT), "unit");
    assert_string_equal(role_name(ROLE_MEMBER), "member");
    assert_string_equal(role_name(ROLE_PUBLIC), "public");
    assert_string_equal(role_name(ROLE_COUNT), "public");
    assert_string_equal(role_name((role_t)99), "public");
    /* "public" is not a role an account can hold: it means no session */
    assert_int_equal(role_from_name("public"), ROLE_PUBLIC);
    assert_int_equal(role_from_name("Admin"), ROLE_PUBLIC);
    assert_int_equal(role_from_name("admin "), ROLE_PUBLIC);
    assert_int_equal(role_from_name(""), ROLE_PUBLIC);
    assert_int_equal(role_from_name("root"), ROLE_PUBLIC);
}

static void the_public_may_read_health_and_sign_in_but_nothing_else(void **state)
{
    (void)state;
    static const char *const open[] = {"health.read", "metrics.read", "meta.read", "session.read", "session.create"};
    for (size_t i = 0; i < sizeof(open) / sizeof(open[0]); i++)
        assert_int_equal(policy_permits(NULL, open[i]), POLICY_ALLOW);
    static const char *const closed[] = {"session.delete", "password.change", "user.list", "user.read",
                                         "user.create",    "user.update",     "audit.list"};
    for (size_t i = 0; i < sizeof(closed) / sizeof(closed[0]); i++)
        if (policy_permits(NULL, closed[i]) != POLICY_UNAUTHENTICATED)
            fail_msg("the public gets %d for %s, expected 401", policy_permits(NULL, closed[i]), closed[i]);
    assert_int_equal(policy_permits(NULL, "no.such.action"), POLICY_UNAUTHENTICATED);
}

/* Which role may do which action at all (before any record is looked at). */
static void each_role_is_permitted_exactly_its_actions(void **state)
{
    (void)state;
    /* clang-format off */
    static const struct {
        const char *action;
        bool allow[ROLE_COUNT]; /* public admin staff deputy unit member */
    } cases[] = {
        {"health.read", {1, 1, 1, 1, 1, 1}},
        {"session.create", {1, 1, 1, 1, 1, 1}},
        {"session.delete", {0, 1, 1, 1, 1, 1}},
        {"password.change", {0, 1, 1, 1, 1, 1}},
        {"user.read", {0, 1, 1, 1, 1, 1}},
        {"user.list", {0, 1, 0, 0, 0, 0}},
        {"user.create", {0, 1, 0, 0, 0, 0}},
        {"user.update", {0, 1, 0, 0, 0, 0}},
        {"audit.list", {0, 1, 0, 0, 0, 0}},
        {"no.such.action", {0, 0, 0, 0, 0, 0}},
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (int role = ROLE_PUBLIC; role < ROLE_COUNT; role++) {
            actor_t a = actor((role_t)role, 7, HOME);
            policy_decision_t d = policy_permits(role == ROLE_PUBLIC ? NULL : &a, cases[i].action);
            policy_decision_t want = cases[i].allow[role]  ? POLICY_ALLOW
                                     : role == ROLE_PUBLIC ? POLICY_UNAUTHENTICATED
                                                           : POLICY_FORBIDDEN;
            if (d != want)
                fail_msg("%s for %s: %d, expected %d", role_name((role_t)role), cases[i].action, d, want);
        }
}

static void an_admin_reaches_records_in_their_subtree_and_not_the_neighbours(void **state)
{
    (void)state;
    actor_t admin = actor(ROLE_ADMIN, 1, HOME);
    static const struct {
        const char *region;
        policy_decision_t want;
    } cases[] = {
        {HOME, POLICY_ALLOW},
        {HOME_TOWN, POLICY_ALLOW},
        {"520201001001", POLICY_ALLOW},
        {NEIGHBOUR, POLICY_OUT_OF_SCOPE},
        {"520203001000", POLICY_OUT_OF_SCOPE},
        {CITY, POLICY_OUT_OF_SCOPE}, /* above them */
        {"520000000000", POLICY_OUT_OF_SCOPE},
        {"520202000000", POLICY_OUT_OF_SCOPE},
        {"52020100000", POLICY_OUT_OF_SCOPE},  /* not a code */
        {"520201000001", POLICY_OUT_OF_SCOPE}, /* invalid code under their prefix */
        {"", POLICY_OUT_OF_SCOPE},
    };
    static const char *const actions[] = {"user.create", "user.update", "audit.list", "user.list"};
    for (size_t a = 0; a < sizeof(actions) / sizeof(actions[0]); a++)
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            policy_target_t t = {.region = cases[i].region};
            policy_decision_t d = policy_check(&admin, actions[a], &t);
            if (d != cases[i].want)
                fail_msg("admin of %s, %s on region '%s': %d, expected %d", HOME, actions[a], cases[i].region, d,
                         cases[i].want);
        }
    /* a record with no region is in no scope */
    policy_target_t none = {.user_id = 5};
    assert_int_equal(policy_check(&admin, "user.update", &none), POLICY_OUT_OF_SCOPE);
}

static void a_city_admin_reaches_both_counties(void **state)
{
    (void)state;
    actor_t admin = actor(ROLE_ADMIN, 1, CITY);
    policy_target_t home = {.region = HOME}, neighbour = {.region = NEIGHBOUR}, other = {.region = "520300000000"};
    assert_int_equal(policy_check(&admin, "user.read", &home), POLICY_ALLOW);
    assert_int_equal(policy_check(&admin, "user.read", &neighbour), POLICY_ALLOW);
    assert_int_equal(policy_check(&admin, "user.read", &other), POLICY_OUT_OF_SCOPE);
}

static void an_actor_with_an_invalid_region_reaches_nothing_by_region(void **state)
{
    (void)state;
    actor_t admin = actor(ROLE_ADMIN, 1, "000000000000");
    policy_target_t t = {.region = HOME};
    assert_int_equal(policy_check(&admin, "user.update", &t), POLICY_OUT_OF_SCOPE);
    policy_target_t zero = {.region = "000000000000"};
    assert_int_equal(policy_check(&admin, "user.update", &zero), POLICY_OUT_OF_SCOPE);
}

static void reading_an_account_is_allowed_for_oneself_and_for_an_admin_in_scope(void **state)
{
    (void)state;
    actor_t staff = actor(ROLE_STAFF, 42, HOME);
    policy_target_t own = {.user_id = 42, .region = HOME};
    policy_target_t colleague = {.user_id = 43, .region = HOME};
    assert_int_equal(policy_check(&staff, "user.read", &own), POLICY_ALLOW);
    /* staff have no region rule for accounts: a colleague in the same county is out of scope */
    assert_int_equal(policy_check(&staff, "user.read", &colleague), POLICY_OUT_OF_SCOPE);
    assert_int_equal(policy_check(&staff, "password.change", &own), POLICY_ALLOW);
    assert_int_equal(policy_check(&staff, "password.change", &colleague), POLICY_OUT_OF_SCOPE);
    /* staff may not update accounts at all, not even their own */
    assert_int_equal(policy_check(&staff, "user.update", &own), POLICY_FORBIDDEN);

    actor_t admin = actor(ROLE_ADMIN, 1, HOME);
    assert_int_equal(policy_check(&admin, "user.read", &colleague), POLICY_ALLOW);
    policy_target_t foreign = {.user_id = 99, .region = NEIGHBOUR};
    assert_int_equal(policy_check(&admin, "user.read", &foreign), POLICY_OUT_OF_SCOPE);
    policy_target_t self_foreign = {.user_id = 1, .region = NEIGHBOUR};
    assert_int_equal(policy_check(&admin, "user.read", &self_foreign), POLICY_ALLOW); /* RULE_SELF */
}

static void the_self_rule_never_matches_a_record_without_an_owner(void **state)
{
    (void)state;
    /* user_id 0 means "no owner"; an actor with id 0 must not match it */
    actor_t odd = actor(ROLE_MEMBER, 0, HOME);
    policy_target_t ownerless = {.user_id = 0, .region = HOME};
    assert_int_equal(policy_check(&odd, "password.change", &ownerless), POLICY_OUT_OF_SCOPE);
    actor_t member = actor(ROLE_MEMBER, 5, HOME);
    assert_int_equal(policy_check(&member, "password.change", &ownerless), POLICY_OUT_OF_SCOPE);
}

static void signed_in_rules_allow_any_account_and_refuse_the_public(void **state)
{
    (void)state;
    policy_target_t t = {0};
    for (int role = ROLE_ADMIN; role < ROLE_COUNT; role++) {
        actor_t a = actor((role_t)role, 3, NEIGHBOUR);
        assert_int_equal(policy_check(&a, "session.delete", &t), POLICY_ALLOW);
    }
    assert_int_equal(policy_check(NULL, "session.delete", &t), POLICY_UNAUTHENTICATED);
    assert_int_equal(policy_check(NULL, "health.read", &t), POLICY_ALLOW);
    assert_int_equal(policy_check(NULL, "user.list", &t), POLICY_UNAUTHENTICATED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_route_has_a_policy_row_for_its_action),
        cmocka_unit_test(every_policy_row_is_used_by_some_route),
        cmocka_unit_test(every_route_has_a_handler_and_a_distinct_method_and_pattern),
        cmocka_unit_test(role_names_round_trip_and_unknown_names_are_the_public),
        cmocka_unit_test(the_public_may_read_health_and_sign_in_but_nothing_else),
        cmocka_unit_test(each_role_is_permitted_exactly_its_actions),
        cmocka_unit_test(an_admin_reaches_records_in_their_subtree_and_not_the_neighbours),
        cmocka_unit_test(a_city_admin_reaches_both_counties),
        cmocka_unit_test(an_actor_with_an_invalid_region_reaches_nothing_by_region),
        cmocka_unit_test(reading_an_account_is_allowed_for_oneself_and_for_an_admin_in_scope),
        cmocka_unit_test(the_self_rule_never_matches_a_record_without_an_owner),
        cmocka_unit_test(signed_in_rules_allow_any_account_and_refuse_the_public),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
