/*
 * ballot: the state machine, the choice rule, the voting hours, the ranking and the receipt code
 * of secret ballots. The one idea: each rule is a small function of plain values, so
 * tests/unit/test_ballot.c can walk every state, step and boundary.
 */
#include "domain/ballot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/opinion.h"

static const char *const state_names[BALLOT_STATE_COUNT] = {"draft", "open", "closed", "published"};
static const char *const step_names[BALLOT_STEP_COUNT] = {"open", "close", "publish"};
static const char *const rule_names[BALLOT_RULE_COUNT] = {"exactly", "at_most"};
static const char *const kind_names[BALLOT_KIND_COUNT] = {"department", "project"};

static int index_of(const char *const *names, int count, const char *name)
{
    for (int i = 0; name && i < count; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *ballot_state_name(ballot_state_t s)
{
    return (unsigned)s < BALLOT_STATE_COUNT ? state_names[s] : "?";
}
const char *ballot_step_name(ballot_step_t s)
{
    return (unsigned)s < BALLOT_STEP_COUNT ? step_names[s] : "?";
}
const char *ballot_rule_name(ballot_rule_t r)
{
    return (unsigned)r < BALLOT_RULE_COUNT ? rule_names[r] : "?";
}
const char *ballot_kind_name(ballot_kind_t k)
{
    return (unsigned)k < BALLOT_KIND_COUNT ? kind_names[k] : "?";
}
int ballot_state_from_name(const char *name)
{
    return index_of(state_names, BALLOT_STATE_COUNT, name);
}
int ballot_rule_from_name(const char *name)
{
    return index_of(rule_names, BALLOT_RULE_COUNT, name);
}
int ballot_kind_from_name(const char *name)
{
    return index_of(kind_names, BALLOT_KIND_COUNT, name);
}

int ballot_next(ballot_state_t from, ballot_step_t step)
{
    switch (step) {
    case BALLOT_STEP_OPEN: return from == BALLOT_DRAFT ? BALLOT_OPEN : -1;
    case BALLOT_STEP_CLOSE: return from == BALLOT_OPEN ? BALLOT_CLOSED : -1;
    case BALLOT_STEP_PUBLISH: return from == BALLOT_CLOSED ? BALLOT_PUBLISHED : -1;
    case BALLOT_STEP_COUNT: break;
    }
    return -1;
}

bool ballot_editable(ballot_state_t state)
{
    return state == BALLOT_DRAFT;
}

bool ballot_results_visible(ballot_state_t state, bool office)
{
    /* SPEC §7: nobody sees a figure while papers may still come in */
    return state == BALLOT_PUBLISHED || (office && state == BALLOT_CLOSED);
}

bool ballot_choose_valid(int choose, size_t candidates)
{
    return candidates >= BALLOT_CANDIDATES_MIN && candidates <= BALLOT_CANDIDATES_MAX && choose >= 1 &&
           (size_t)choose <= candidates;
}

ballot_choices_problem_t ballot_check_choices(ballot_rule_t rule, int choose, const int64_t *candidates,
                                              size_t ncandidates, const int64_t *choices, size_t nchoices)
{
    for (size_t i = 0; i < nchoices; i++) {
        bool known = false;
        for (size_t k = 0; k < ncandidates && !known; k++)
            known = candidates[k] == choices[i];
        if (!known)
            return BALLOT_CHOICES_UNKNOWN;
        for (size_t k = 0; k < i; k++)
            if (choices[k] == choices[i])
                return BALLOT_CHOICES_DUPLICATE;
    }
    bool count_ok = rule == BALLOT_EXACTLY ? nchoices == (size_t)choose : nchoices >= 1 && nchoices <= (size_t)choose;
    return choose >= 1 && count_ok ? BALLOT_CHOICES_OK : BALLOT_CHOICES_COUNT;
}

void ballot_choices_message(ballot_choices_problem_t problem, ballot_rule_t rule, int choose, char *out, size_t size)
{
    switch (problem) {
    case BALLOT_CHOICES_COUNT:
        if (rule == BALLOT_EXACTLY)
            snprintf(out, size, "choose exactly %d candidates", choose);
        else
            snprintf(out, size, "choose from 1 to %d candidates", choose);
        return;
    case BALLOT_CHOICES_UNKNOWN: snprintf(out, size, "choose only candidates of this ballot"); return;
    case BALLOT_CHOICES_DUPLICATE: snprintf(out, size, "choose each candidate at most once"); return;
    case BALLOT_CHOICES_OK: break;
    }
    snprintf(out, size, "%s", "");
}

bool ballot_may_vote(ballot_state_t state, int64_t opens_at, int64_t closes_at, int64_t now)
{
    return state == BALLOT_OPEN && opens_at <= now && now < closes_at;
}

static int by_votes(const void *a, const void *b)
{
    const ballot_tally_t *x = a, *y = b;
    if (x->votes != y->votes)
        return x->votes > y->votes ? -1 : 1;
    return (x->position > y->position) - (x->position < y->position);
}

void ballot_rank(ballot_tally_t *tally, size_t n)
{
    if (n == 0)
        return;
    qsort(tally, n, sizeof(*tally), by_votes);
    for (size_t i = 0; i < n; i++)
        tally[i].rank = i > 0 && tally[i].votes == tally[i - 1].votes ? tally[i - 1].rank : (int)i + 1;
}

double ballot_turnout(int64_t cast, int64_t electorate)
{
    return electorate > 0 ? (double)cast / (double)electorate : 0.0;
}

bool ballot_receipt_from_bytes(const unsigned char *bytes, size_t nbytes, char out[BALLOT_RECEIPT_LEN + 1])
{
    return opinion_code_from_bytes(bytes, nbytes, out, BALLOT_RECEIPT_LEN);
}

void ballot_receipt_display(const char code[BALLOT_RECEIPT_LEN + 1], char out[BALLOT_RECEIPT_SHOWN + 1])
{
    snprintf(out, BALLOT_RECEIPT_SHOWN + 1, "%.4s-%.4s-%.4s", code, code + 4, code + 8);
}

bool ballot_receipt_normalize(const char *typed, char out[BALLOT_RECEIPT_LEN + 1])
{
    size_t n = 0;
    for (const char *p = typed; p && *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        if (n == BALLOT_RECEIPT_LEN || strchr(opinion_code_alphabet, c) == NULL)
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == BALLOT_RECEIPT_LEN;
}
