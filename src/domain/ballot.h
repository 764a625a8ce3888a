/*
 * ballot: the rules of secret online ballots (SPEC §7, 票决) - which departments the congress
 * evaluates (差额票决), which livelihood projects it funds (民生实事项目).
 *
 *   draft --open--> open --close--> closed --publish--> published
 *
 * A ballot names 2..BALLOT_CANDIDATES_MAX candidates and a rule: choose exactly k of them, or at
 * most k (1..k). A deputy on the electorate votes once while it is open and inside its hours,
 * and gets a receipt code with which they alone can find their paper among those counted. The
 * count ranks candidates by votes, equal votes sharing a rank. Nothing here does I/O.
 */
#ifndef LIAISON_DOMAIN_BALLOT_H
#define LIAISON_DOMAIN_BALLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    BALLOT_CANDIDATES_MIN = 2,
    BALLOT_CANDIDATES_MAX = 200,
    BALLOT_RECEIPT_LEN = 12,    /* characters of the tracking-code alphabet */
    BALLOT_RECEIPT_SHOWN = 14,  /* XXXX-XXXX-XXXX */
    BALLOT_PAPER_ID_BYTES = 16, /* a paper's random id */
};

typedef enum { BALLOT_DRAFT, BALLOT_OPEN, BALLOT_CLOSED, BALLOT_PUBLISHED, BALLOT_STATE_COUNT } ballot_state_t;
typedef enum { BALLOT_STEP_OPEN, BALLOT_STEP_CLOSE, BALLOT_STEP_PUBLISH, BALLOT_STEP_COUNT } ballot_step_t;
typedef enum { BALLOT_EXACTLY, BALLOT_AT_MOST, BALLOT_RULE_COUNT } ballot_rule_t;
typedef enum { BALLOT_DEPARTMENT, BALLOT_PROJECT, BALLOT_KIND_COUNT } ballot_kind_t;

const char *ballot_state_name(ballot_state_t state);
const char *ballot_step_name(ballot_step_t step);
const char *ballot_rule_name(ballot_rule_t rule);
const char *ballot_kind_name(ballot_kind_t kind);
/* -1 for an unknown name. */
int ballot_state_from_name(const char *name);
int ballot_rule_from_name(const char *name);
int ballot_kind_from_name(const char *name);

/* The state step leads to from `from`, or -1 when it is not allowed there. */
int ballot_next(ballot_state_t from, ballot_step_t step);
/* Whether the definition (candidates, rule, voters) may still change: drafts only. */
bool ballot_editable(ballot_state_t state);
/* Whether the count may be shown: to the office once closed, to everyone once published. */
bool ballot_results_visible(ballot_state_t state, bool office);

/* Whether "choose k of n" can be met: 1 <= k <= n and n within the candidate limits. */
bool ballot_choose_valid(int choose, size_t candidates);

/* What is wrong with a paper's choices. */
typedef enum {
    BALLOT_CHOICES_OK,
    BALLOT_CHOICES_COUNT,     /* exactly: not k; at most: none or more than k */
    BALLOT_CHOICES_UNKNOWN,   /* an id that is not a candidate of this ballot */
    BALLOT_CHOICES_DUPLICATE, /* the same candidate twice */
} ballot_choices_problem_t;

/* Checks choices (nchoices ids) against the rule and the ballot's candidate ids. */
ballot_choices_problem_t ballot_check_choices(ballot_rule_t rule, int choose, const int64_t *candidates,
                                              size_t ncandidates, const int64_t *choices, size_t nchoices);
/* A sentence for the voter about problem (rule and choose fill it in). */
void ballot_choices_message(ballot_choices_problem_t problem, ballot_rule_t rule, int choose, char *out, size_t size);

/* Whether a paper may be cast at now: the ballot is open and opens_at <= now < closes_at. */
bool ballot_may_vote(ballot_state_t state, int64_t opens_at, int64_t closes_at, int64_t now);

/* One candidate in the count. */
typedef struct {
    int64_t id;
    int position; /* on the paper, from 1 */
    int64_t votes;
    int rank; /* set by ballot_rank */
} ballot_tally_t;

/* Sorts the candidates by votes (most first), then by position, and ranks them: equal votes
 * share a rank and the next rank skips as many (1, 2, 2, 4). */
void ballot_rank(ballot_tally_t *tally, size_t n);
/* cast / electorate in 0..1; 0 for an empty electorate. */
double ballot_turnout(int64_t cast, int64_t electorate);

/* A receipt code: BALLOT_RECEIPT_LEN characters of the tracking-code alphabet drawn from random
 * bytes (see opinion_code_from_bytes); false when the bytes ran out first (draw more). */
bool ballot_receipt_from_bytes(const unsigned char *bytes, size_t nbytes, char out[BALLOT_RECEIPT_LEN + 1]);
/* The code as shown to the voter: XXXX-XXXX-XXXX. */
void ballot_receipt_display(const char code[BALLOT_RECEIPT_LEN + 1], char out[BALLOT_RECEIPT_SHOWN + 1]);
/* What a person typed, in any case, with spaces and dashes anywhere, as the bare code; false when
 * it cannot be one (wrong length, a character outside the alphabet). */
bool ballot_receipt_normalize(const char *typed, char out[BALLOT_RECEIPT_LEN + 1]);

#endif
