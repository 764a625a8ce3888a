/*
 * test_ballot: the rules of secret ballots (src/domain/ballot.c) - every state against every
 * step, who sees results when, "k of n" at its edges, every kind of wrong paper under both rules,
 * the voting hours at their boundaries, ranks with ties, turnout, and the receipt code as drawn,
 * shown and typed back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/ballot.h"
#include "domain/opinion.h"

#define NO (-1)

static void every_state_allows_only_the_steps_of_the_diagram(void **state)
{
    (void)state;
    /* by from-state: draft open closed published */
    static const int to[BALLOT_STEP_COUNT][BALLOT_STATE_COUNT] = {
        [BALLOT_STEP_OPEN] = {BALLOT_OPEN, NO, NO, NO},
        [BALLOT_STEP_CLOSE] = {NO, BALLOT_CLOSED, NO, NO},
        [BALLOT_STEP_PUBLISH] = {NO, NO, BALLOT_PUBLISHED, NO},
    };
    for (int step = 0; step < BALLOT_STEP_COUNT; step++)
        for (int from = 0; from < BALLOT_STATE_COUNT; from++)
            assert_int_equal(ballot_next((ballot_state_t)from, (ballot_step_t)step), to[step][from]);
    assert_int_equal(ballot_next(BALLOT_OPEN, BALLOT_STEP_COUNT), NO);
}

static void only_a_draft_can_change_and_results_show_once_closed(void **state)
{
    (void)state;
    static const struct {
        ballot_state_t state;
        bool editable, office_sees, public_sees;
    } cases[] = {
        {BALLOT_DRAFT, true, false, false},
        {BALLOT_OPEN, false, false, false},
        {BALLOT_CLOSED, false, true, false},
        {BALLOT_PUBLISHED, false, true, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        assert_int_equal(ballot_editable(cases[i].state), cases[i].editable);
        assert_int_equal(ballot_results_visible(cases[i].state, true), cases[i].office_sees);
        assert_int_equal(ballot_results_visible(cases[i].state, false), cases[i].public_sees);
    }
}

static void names_go_both_ways_and_unknown_names_are_refused(void **state)
{
    (void)state;
    for (int s = 0; s < BALLOT_STATE_COUNT; s++)
        assert_int_equal(ballot_state_from_name(ballot_state_name((ballot_state_t)s)), s);
    for (int r = 0; r < BALLOT_RULE_COUNT; r++)
        assert_int_equal(ballot_rule_from_name(ballot_rule_name((ballot_rule_t)r)), r);
    for (int k = 0; k < BALLOT_KIND_COUNT; k++)
        assert_int_equal(ballot_kind_from_name(ballot_kind_name((ballot_kind_t)k)), k);
    assert_string_equal(ballot_rule_name(BALLOT_AT_MOST), "at_most");
    assert_string_equal(ballot_kind_name(BALLOT_PROJECT), "project");
    assert_string_equal(ballot_step_name(BALLOT_STEP_PUBLISH), "publish");
    const char *bad[] = {"", "Draft", "opened", "at most", "departments", NULL};
    for (int i = 0; bad[i]; i++) {
        assert_int_equal(ballot_state_from_name(bad[i]), -1);
        assert_int_equal(ballot_rule_from_name(bad[i]), -1);
        assert_int_equal(ballot_kind_from_name(bad[i]), -1);
    }
    assert_int_equal(ballot_state_from_name(NULL), -1);
}

static void choose_k_of_n_needs_one_to_n_of_two_to_two_hundred(void **state)
{
    (void)state;
    static const struct {
        int choose;
        size_t n;
        bool ok;
    } cases[] = {
        {1, 2, true},     {2, 2, true},    {3, 2, false},   {0, 5, false}, {-1, 5, false},
        {10, 20, true},   {20, 20, true},  {21, 20, false}, {1, 1, false}, {1, 0, false},
        {200, 200, true}, {1, 201, false}, {5, 10, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        assert_int_equal(ballot_choose_valid(cases[i].choose, cases[i].n), cases[i].ok);
}

static void every_wrong_paper_is_named_under_both_rules(void **state)
{
    (void)state;
    const int64_t candidates[] = {11, 12, 13, 14, 15};
    static const struct {
        ballot_rule_t rule;
        int choose;
        int64_t choices[6];
        size_t n;
        ballot_choices_problem_t want;
    } cases[] = {
        {BALLOT_EXACTLY, 3, {11, 12, 13}, 3, BALLOT_CHOICES_OK},
        {BALLOT_EXACTLY, 3, {15, 11, 13}, 3, BALLOT_CHOICES_OK},
        {BALLOT_EXACTLY, 3, {11, 12}, 2, BALLOT_CHOICES_COUNT},
        {BALLOT_EXACTLY, 3, {11, 12, 13, 14}, 4, BALLOT_CHOICES_COUNT},
        {BALLOT_EXACTLY, 3, {0}, 0, BALLOT_CHOICES_COUNT},
        {BALLOT_EXACTLY, 3, {11, 12, 99}, 3, BALLOT_CHOICES_UNKNOWN},
        {BALLOT_EXACTLY, 3, {11, 11, 12}, 3, BALLOT_CHOICES_DUPLICATE},
        {BALLOT_EXACTLY, 5, {11, 12, 13, 14, 15}, 5, BALLOT_CHOICES_OK},
        {BALLOT_AT_MOST, 3, {11}, 1, BALLOT_CHOICES_OK},
        {BALLOT_AT_MOST, 3, {11, 12, 13}, 3, BALLOT_CHOICES_OK},
        {BALLOT_AT_MOST, 3, {0}, 0, BALLOT_CHOICES_COUNT},
        {BALLOT_AT_MOST, 3, {11, 12, 13, 14}, 4, BALLOT_CHOICES_COUNT},
        {BALLOT_AT_MOST, 3, {-4}, 1, BALLOT_CHOICES_UNKNOWN},
        {BALLOT_AT_MOST, 3, {14, 14}, 2, BALLOT_CHOICES_DUPLICATE},
        /* a candidate named twice is a duplicate even when the count is also wrong */
        {BALLOT_AT_MOST, 2, {12, 13, 12}, 3, BALLOT_CHOICES_DUPLICATE},
        {BALLOT_EXACTLY, 0, {0}, 0, BALLOT_CHOICES_COUNT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        ballot_choices_problem_t got =
            ballot_check_choices(cases[i].rule, cases[i].choose, candidates, 5, cases[i].choices, cases[i].n);
        if (got != cases[i].want)
            fail_msg("case %zu: got %d, want %d", i, got, cases[i].want);
        char message[160];
        ballot_choices_message(got, cases[i].rule, cases[i].choose, message, sizeof(message));
        assert_int_equal(message[0] != '\0', got != BALLOT_CHOICES_OK);
    }
    char message[160];
    ballot_choices_message(BALLOT_CHOICES_COUNT, BALLOT_EXACTLY, 10, message, sizeof(message));
    assert_string_equal(message, "choose exactly 10 candidates");
    ballot_choices_message(BALLOT_CHOICES_COUNT, BALLOT_AT_MOST, 5, message, sizeof(message));
    assert_string_equal(message, "choose from 1 to 5 candidates");
}

static void a_vote_counts_from_the_opening_minute_until_just_before_the_close(void **state)
{
    (void)state;
    enum { OPENS = 1800000000, CLOSES = OPENS + 3600 };
    static const struct {
        ballot_state_t state;
        int64_t at;
        bool ok;
    } cases[] = {
        {BALLOT_OPEN, OPENS - 1, false},    {BALLOT_OPEN, OPENS, true},
        {BALLOT_OPEN, CLOSES - 1, true},    {BALLOT_OPEN, CLOSES, false},
        {BALLOT_OPEN, CLOSES + 1, false},   {BALLOT_DRAFT, OPENS + 60, false},
        {BALLOT_CLOSED, OPENS + 60, false}, {BALLOT_PUBLISHED, OPENS + 60, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        assert_int_equal(ballot_may_vote(cases[i].state, OPENS, CLOSES, cases[i].at), cases[i].ok);
}

static void equal_votes_share_a_rank_and_the_next_rank_skips(void **state)
{
    (void)state;
    /* positions 1..6 with votes; expected order (ids) and ranks */
    ballot_tally_t t[] = {{101, 1, 5, 0}, {102, 2, 9, 0}, {103, 3, 7, 0},
                          {104, 4, 7, 0}, {105, 5, 0, 0}, {106, 6, 9, 0}};
    ballot_rank(t, 6);
    const int64_t ids[] = {102, 106, 103, 104, 101, 105};
    const int ranks[] = {1, 1, 3, 3, 5, 6};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(t[i].id, ids[i]);
        assert_int_equal(t[i].rank, ranks[i]);
    }
    ballot_tally_t all_zero[] = {{1, 3, 0, 0}, {2, 1, 0, 0}, {3, 2, 0, 0}};
    ballot_rank(all_zero, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(all_zero[i].position, i + 1); /* by position among equals */
        assert_int_equal(all_zero[i].rank, 1);
    }
    ballot_tally_t spec[] = {{1, 1, 10, 0}, {2, 2, 8, 0}, {3, 3, 8, 0}, {4, 4, 3, 0}};
    ballot_rank(spec, 4);
    assert_int_equal(spec[0].rank, 1);
    assert_int_equal(spec[1].rank, 2);
    assert_int_equal(spec[2].rank, 2);
    assert_int_equal(spec[3].rank, 4);
    ballot_rank(NULL, 0); /* nothing to rank */
}

static void turnout_is_the_share_of_the_electorate_and_zero_without_one(void **state)
{
    (void)state;
    assert_true(ballot_turnout(0, 0) == 0.0);
    assert_true(ballot_turnout(5, 0) == 0.0);
    assert_true(ballot_turnout(0, 200) == 0.0);
    assert_true(ballot_turnout(150, 200) == 0.75);
    assert_true(ballot_turnout(200, 200) == 1.0);
}

static void a_receipt_is_twelve_unambiguous_characters_shown_in_groups_of_four(void **state)
{
    (void)state;
    unsigned char bytes[64];
    for (size_t i = 0; i < sizeof(bytes); i++)
        bytes[i] = (unsigned char)(i * 37 + 11);
    char code[BALLOT_RECEIPT_LEN + 1], shown[BALLOT_RECEIPT_SHOWN + 1], back[BALLOT_RECEIPT_LEN + 1];
    assert_true(ballot_receipt_from_bytes(bytes, sizeof(bytes), code));
    assert_int_equal(strlen(code), BALLOT_RECEIPT_LEN);
    for (int i = 0; i < BALLOT_RECEIPT_LEN; i++)
        assert_non_null(strchr(opinion_code_alphabet, code[i]));
    ballot_receipt_display(code, shown);
    assert_int_equal(strlen(shown), BALLOT_RECEIPT_SHOWN);
    assert_true(shown[4] == '-' && shown[9] == '-');
    assert_memory_equal(shown, code, 4);
    assert_memory_equal(shown + 5, code + 4, 4);
    assert_memory_equal(shown + 10, code + 8, 4);
    /* too few usable bytes: draw more */
    unsigned char high[20];
    memset(high, 0xff, sizeof(high));
    assert_false(ballot_receipt_from_bytes(high, sizeof(high), code));
    assert_false(ballot_receipt_from_bytes(bytes, 11, code));
    /* typed back in any case, with spaces and dashes anywhere */
    assert_true(ballot_receipt_normalize("ACDE-FGHJ-KMNP", back));
    assert_string_equal(back, "ACDEFGHJKMNP");
    assert_true(ballot_receipt_normalize("acde fghj kmnp", back));
    assert_string_equal(back, "ACDEFGHJKMNP");
    assert_true(ballot_receipt_normalize(" a-c-d-e-f-g-h-j-k-m-n-p ", back));
    assert_string_equal(back, "ACDEFGHJKMNP");
    const char *bad[] = {"",
                         "ACDE-FGHJ-KMN",
                         "ACDE-FGHJ-KMNPQ",
                         "ACDE-FGHJ-KMN0",
                         "ACDE-FGHJ-KMNO",
                         "ACDE_FGHJ_KMNP",
                         "ACDE-FGHJ-KMN1",
                         "ÄCDE-FGHJ-KMNP",
                         NULL};
    for (int i = 0; bad[i]; i++)
        assert_false(ballot_receipt_normalize(bad[i], back));
    assert_false(ballot_receipt_normalize(NULL, back));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_state_allows_only_the_steps_of_the_diagram),
        cmocka_unit_test(only_a_draft_can_change_and_results_show_once_closed),
        cmocka_unit_test(names_go_both_ways_and_unknown_names_are_refused),
        cmocka_unit_test(choose_k_of_n_needs_one_to_n_of_two_to_two_hundred),
        cmocka_unit_test(every_wrong_paper_is_named_under_both_rules),
        cmocka_unit_test(a_vote_counts_from_the_opening_minute_until_just_before_the_close),
        cmocka_unit_test(equal_votes_share_a_rank_and_the_next_rank_skips),
        cmocka_unit_test(turnout_is_the_share_of_the_electorate_and_zero_without_one),
        cmocka_unit_test(a_receipt_is_twelve_unambiguous_characters_shown_in_groups_of_four),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
