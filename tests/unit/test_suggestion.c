/*
 * test_suggestion: the rules of deputy suggestions (src/domain/suggestion.c) - every state
 * against every action in one table, the evaluation and result-rating branches, who may act,
 * what a reply must carry, the number as written and the three-month deadline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/calendar.h"
#include "domain/suggestion.h"

enum { NOW = 1796000000, DAY = 86400 };
#define NO (-1)
#define SAME (-2) /* allowed, the state stays */

/* Every (state, action) with a satisfied rating of an A reply: where it leads. */
/* clang-format off */
static const struct {
    suggestion_action_t action;
    int to[SUGGESTION_STATE_COUNT]; /* by from-state: draft submitted returned letter accepted assigned contested
                                       handling replied evaluated closed */
} table[] = {
    {SUGGESTION_CREATE, {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {SUGGESTION_EDIT, {SAME, NO, SAME, NO, NO, NO, NO, NO, NO, NO, NO}},
    {SUGGESTION_SUBMIT, {SUGGESTION_SUBMITTED, NO, SUGGESTION_SUBMITTED, NO, NO, NO, NO, NO, NO, NO, NO}},
    {SUGGESTION_COSIGN, {NO, SAME, NO, NO, SAME, NO, NO, NO, NO, NO, NO}},
    {SUGGESTION_ACCEPT, {NO, SUGGESTION_ACCEPTED, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {SUGGESTION_RETURN, {NO, SUGGESTION_RETURNED, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {SUGGESTION_TO_LETTER, {NO, SUGGESTION_LETTER, NO, NO, NO, NO, NO, NO, NO, NO, NO}},
    {SUGGESTION_ASSIGN, {NO, NO, NO, NO, SUGGESTION_ASSIGNED, NO, NO, NO, NO, NO, NO}},
    {SUGGESTION_CONTEST, {NO, NO, NO, NO, NO, SUGGESTION_CONTESTED, NO, NO, NO, NO, NO}},
    {SUGGESTION_REASSIGN, {NO, NO, NO, NO, NO, NO, SUGGESTION_ASSIGNED, NO, NO, NO, NO}},
    {SUGGESTION_START, {NO, NO, NO, NO, NO, SUGGESTION_HANDLING, NO, NO, NO, NO, NO}},
    {SUGGESTION_CONTACT, {NO, NO, NO, NO, NO, SAME, NO, SAME, SAME, SAME, NO}},
    {SUGGESTION_CO_OPINION, {NO, NO, NO, NO, NO, SAME, NO, SAME, NO, NO, NO}},
    {SUGGESTION_REPLY, {NO, NO, NO, NO, NO, NO, NO, SUGGESTION_REPLIED, NO, NO, NO}},
    {SUGGESTION_EVALUATE, {NO, NO, NO, NO, NO, NO, NO, NO, SUGGESTION_EVALUATED, NO, NO}},
    {SUGGESTION_RATE_RESULT, {NO, NO, NO, NO, NO, NO, NO, NO, NO, SUGGESTION_CLOSED, NO}},
};
/* clang-format on */

static void every_state_allows_only_the_steps_of_the_diagram(void **state)
{
    suggestion_facts_t f = {.rating = SUGGESTION_SATISFIED, .category = REPLY_A, .reopen_limit = 1, .now = NOW};
    assert_int_equal(sizeof(table) / sizeof(*table), SUGGESTION_ACTION_COUNT);
    for (size_t a = 0; a < sizeof(table) / sizeof(*table); a++) {
        assert_int_equal(table[a].action, (suggestion_action_t)a);
        for (int s = 0; s < SUGGESTION_STATE_COUNT; s++) {
            int want = table[a].to[s] == SAME ? s : table[a].to[s];
            int got = suggestion_next((suggestion_state_t)s, table[a].action, &f);
            if (got != want)
                fail_msg("%s from %s: got %d, want %d", suggestion_action_name(table[a].action),
                         suggestion_state_name((suggestion_state_t)s), got, want);
        }
    }
}

static void unsatisfied_sends_it_back_once_then_closes(void **state)
{
    suggestion_facts_t f = {.rating = SUGGESTION_UNSATISFIED, .category = REPLY_A, .reopens = 0, .reopen_limit = 1};
    assert_int_equal(suggestion_next(SUGGESTION_REPLIED, SUGGESTION_EVALUATE, &f), SUGGESTION_HANDLING);
    f.reopens = 1;
    assert_int_equal(suggestion_next(SUGGESTION_REPLIED, SUGGESTION_EVALUATE, &f), SUGGESTION_CLOSED);
    f.reopen_limit = 0, f.reopens = 0;
    assert_int_equal(suggestion_next(SUGGESTION_REPLIED, SUGGESTION_EVALUATE, &f), SUGGESTION_CLOSED);
}

static void a_c_reply_rated_satisfied_closes_and_an_a_or_b_one_waits_for_the_result(void **state)
{
    suggestion_facts_t f = {.rating = SUGGESTION_BASIC, .category = REPLY_C, .reopen_limit = 1};
    assert_int_equal(suggestion_next(SUGGESTION_REPLIED, SUGGESTION_EVALUATE, &f), SUGGESTION_CLOSED);
    f.category = REPLY_B;
    assert_int_equal(suggestion_next(SUGGESTION_REPLIED, SUGGESTION_EVALUATE, &f), SUGGESTION_EVALUATED);
    f.category = REPLY_A;
    assert_int_equal(suggestion_next(SUGGESTION_REPLIED, SUGGESTION_EVALUATE, &f), SUGGESTION_EVALUATED);
    f.rating = SUGGESTION_RATING_NONE;
    assert_int_equal(suggestion_next(SUGGESTION_REPLIED, SUGGESTION_EVALUATE, &f), NO);
}

static void a_b_result_is_rated_only_after_its_commitment_date(void **state)
{
    suggestion_facts_t f = {.rating = SUGGESTION_SATISFIED, .category = REPLY_B, .now = NOW, .commitment_at = NOW};
    assert_int_equal(suggestion_next(SUGGESTION_EVALUATED, SUGGESTION_RATE_RESULT, &f), NO);
    f.now = NOW + 1;
    assert_int_equal(suggestion_next(SUGGESTION_EVALUATED, SUGGESTION_RATE_RESULT, &f), SUGGESTION_CLOSED);
    f.rating = SUGGESTION_RATING_NONE;
    assert_int_equal(suggestion_next(SUGGESTION_EVALUATED, SUGGESTION_RATE_RESULT, &f), NO);
    f = (suggestion_facts_t){.rating = SUGGESTION_UNSATISFIED, .category = REPLY_A, .now = NOW};
    assert_int_equal(suggestion_next(SUGGESTION_EVALUATED, SUGGESTION_RATE_RESULT, &f), SUGGESTION_CLOSED);
    f.category = REPLY_C;
    assert_int_equal(suggestion_next(SUGGESTION_EVALUATED, SUGGESTION_RATE_RESULT, &f), NO);
}

static void each_step_has_its_own_actors(void **state)
{
    /* by action: lead deputy, co-signer, office, lead unit, co-unit, supervisor, other */
    static const struct {
        suggestion_action_t action;
        bool may[7];
    } who[] = {
        {SUGGESTION_CREATE, {1, 0, 0, 0, 0, 0, 0}},     {SUGGESTION_EDIT, {1, 0, 0, 0, 0, 0, 0}},
        {SUGGESTION_SUBMIT, {1, 0, 0, 0, 0, 0, 0}},     {SUGGESTION_COSIGN, {0, 1, 0, 0, 0, 0, 0}},
        {SUGGESTION_ACCEPT, {0, 0, 1, 0, 0, 0, 0}},     {SUGGESTION_RETURN, {0, 0, 1, 0, 0, 0, 0}},
        {SUGGESTION_TO_LETTER, {0, 0, 1, 0, 0, 0, 0}},  {SUGGESTION_ASSIGN, {0, 0, 1, 0, 0, 0, 0}},
        {SUGGESTION_CONTEST, {0, 0, 0, 1, 1, 0, 0}},    {SUGGESTION_REASSIGN, {0, 0, 1, 0, 0, 0, 0}},
        {SUGGESTION_START, {0, 0, 0, 1, 0, 0, 0}},      {SUGGESTION_CONTACT, {0, 0, 0, 1, 1, 0, 0}},
        {SUGGESTION_CO_OPINION, {0, 0, 0, 0, 1, 0, 0}}, {SUGGESTION_REPLY, {0, 0, 0, 1, 0, 0, 0}},
        {SUGGESTION_EVALUATE, {1, 0, 0, 0, 0, 0, 0}},   {SUGGESTION_RATE_RESULT, {1, 0, 0, 0, 0, 0, 0}},
    };
    assert_int_equal(sizeof(who) / sizeof(*who), SUGGESTION_ACTION_COUNT);
    for (size_t a = 0; a < sizeof(who) / sizeof(*who); a++)
        for (int w = 0; w <= SUGGESTION_BY_OTHER; w++)
            if (suggestion_may((suggestion_actor_t)w, who[a].action) != who[a].may[w])
                fail_msg("%s by actor %d", suggestion_action_name(who[a].action), w);
}

static void a_reply_needs_its_category_type_date_or_reason(void **state)
{
    static const struct {
        suggestion_reply_t reply;
        suggestion_reply_problem_t problem;
        const char *field;
    } cases[] = {
        {{REPLY_NONE, true, 0, false}, SUGGESTION_REPLY_NO_CATEGORY, "category"},
        {{REPLY_A, false, 0, false}, SUGGESTION_REPLY_NO_TYPE, "type"},
        {{REPLY_A, true, 0, false}, SUGGESTION_REPLY_OK, NULL},
        {{REPLY_A, true, NOW + DAY, false}, SUGGESTION_REPLY_DATE_NOT_B, "commitment_date"},
        {{REPLY_B, true, 0, false}, SUGGESTION_REPLY_NO_DATE, "commitment_date"},
        {{REPLY_B, true, NOW, false}, SUGGESTION_REPLY_PAST_DATE, "commitment_date"},
        {{REPLY_B, true, NOW + 1, false}, SUGGESTION_REPLY_OK, NULL},
        {{REPLY_C, true, 0, false}, SUGGESTION_REPLY_NO_REASON, "reason"},
        {{REPLY_C, true, 0, true}, SUGGESTION_REPLY_OK, NULL},
        {{REPLY_C, true, NOW + DAY, true}, SUGGESTION_REPLY_DATE_NOT_B, "commitment_date"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        suggestion_reply_problem_t p = suggestion_reply_check(&cases[i].reply, NOW);
        if (p != cases[i].problem)
            fail_msg("case %zu: problem %d, want %d", i, p, cases[i].problem);
        if (cases[i].field)
            assert_string_equal(suggestion_reply_field(p), cases[i].field);
        else
            assert_null(suggestion_reply_field(p));
        assert_true(p == SUGGESTION_REPLY_OK || strlen(suggestion_reply_message(p)) > 0);
    }
}

static void the_number_is_written_with_four_digits_at_least(void **state)
{
    char out[16];
    suggestion_number_text(123, out);
    assert_string_equal(out, "第0123号");
    suggestion_number_text(1, out);
    assert_string_equal(out, "第0001号");
    suggestion_number_text(12345, out);
    assert_string_equal(out, "第12345号");
}

static int64_t beijing(int y, int m, int d)
{
    calendar_day_t day;
    assert_int_equal(calendar_day_from_ymd(y, m, d, &day), 0);
    return calendar_day_start(day) + 10 * 3600;
}

static void the_deadline_is_the_same_day_months_later_or_the_months_last_day(void **state)
{
    calendar_day_t day;
    assert_int_equal(calendar_day_from_ymd(2026, 6, 15, &day), 0);
    assert_int_equal(suggestion_deadline(beijing(2026, 3, 15), 3), calendar_day_end(day));
    assert_int_equal(calendar_day_from_ymd(2027, 2, 28, &day), 0);
    assert_int_equal(suggestion_deadline(beijing(2026, 11, 30), 3), calendar_day_end(day));
    assert_int_equal(calendar_day_from_ymd(2028, 2, 29, &day), 0);
    assert_int_equal(suggestion_deadline(beijing(2027, 11, 30), 3), calendar_day_end(day));
    assert_int_equal(calendar_day_from_ymd(2027, 1, 31, &day), 0);
    assert_int_equal(suggestion_deadline(beijing(2026, 12, 31), 1), calendar_day_end(day));
}

static void names_read_back_and_unknown_words_are_refused(void **state)
{
    for (int s = 0; s < SUGGESTION_STATE_COUNT; s++)
        assert_int_equal(suggestion_state_from_name(suggestion_state_name((suggestion_state_t)s)), s);
    assert_int_equal(suggestion_state_from_name("open"), -1);
    assert_int_equal(suggestion_rating_from_name("unsatisfied"), SUGGESTION_UNSATISFIED);
    assert_int_equal(suggestion_rating_from_name(""), -1);
    assert_int_equal(suggestion_category_from_name("B"), REPLY_B);
    assert_int_equal(suggestion_category_from_name("D"), -1);
    assert_int_equal(suggestion_category_from_name(""), -1);
    assert_true(suggestion_word_in(suggestion_sessions, "recess"));
    assert_false(suggestion_word_in(suggestion_sessions, "break"));
    assert_false(suggestion_word_in(suggestion_reply_types, NULL));
}

static void only_drafts_are_hidden_from_the_office_and_deadlines_run_while_units_hold_it(void **state)
{
    for (int s = 0; s < SUGGESTION_STATE_COUNT; s++) {
        assert_int_equal(suggestion_state_visible_to_office((suggestion_state_t)s), s != SUGGESTION_DRAFT);
        assert_int_equal(suggestion_state_open((suggestion_state_t)s),
                         s != SUGGESTION_LETTER && s != SUGGESTION_CLOSED);
        assert_int_equal(suggestion_state_due((suggestion_state_t)s),
                         s == SUGGESTION_ASSIGNED || s == SUGGESTION_CONTESTED || s == SUGGESTION_HANDLING);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_state_allows_only_the_steps_of_the_diagram),
        cmocka_unit_test(unsatisfied_sends_it_back_once_then_closes),
        cmocka_unit_test(a_c_reply_rated_satisfied_closes_and_an_a_or_b_one_waits_for_the_result),
        cmocka_unit_test(a_b_result_is_rated_only_after_its_commitment_date),
        cmocka_unit_test(each_step_has_its_own_actors),
        cmocka_unit_test(a_reply_needs_its_category_type_date_or_reason),
        cmocka_unit_test(the_number_is_written_with_four_digits_at_least),
        cmocka_unit_test(the_deadline_is_the_same_day_months_later_or_the_months_last_day),
        cmocka_unit_test(names_read_back_and_unknown_words_are_refused),
        cmocka_unit_test(only_drafts_are_hidden_from_the_office_and_deadlines_run_while_units_hold_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
