/*
 * suggestion: the state machine of deputy suggestions, who may act, what a reply must carry and
 * the deadline rule. The one idea: every rule is a table or a switch over (state, action), so
 * tests/unit/test_suggestion.c can walk every pair.
 */
#include "domain/suggestion.h"

#include <stdio.h>
#include <string.h>

#include "core/calendar.h"

static const char *const state_names[SUGGESTION_STATE_COUNT] = {
    "draft",     "submitted", "returned", "letter",    "accepted", "assigned",
    "contested", "handling",  "replied",  "evaluated", "closed",
};
static const char *const action_names[SUGGESTION_ACTION_COUNT] = {
    "create",  "edit",     "submit", "cosign",  "accept",     "return", "to_letter", "assign",
    "contest", "reassign", "start",  "contact", "co_opinion", "reply",  "evaluate",  "rate_result",
};
static const char *const rating_names[] = {"", "satisfied", "basic", "unsatisfied"};
static const char *const category_names[] = {"", "A", "B", "C"};

const char *const suggestion_sessions[] = {"session", "recess", NULL};
const char *const suggestion_reply_types[] = {"solve", "explain", NULL};
const char *const suggestion_contact_stages[] = {"before", "during", "after", NULL};
const char *const suggestion_contact_ways[] = {"phone", "visit", "meeting", "letter", "online", NULL};

static int index_of(const char *const *names, int count, const char *name, int first)
{
    for (int i = first; name && i < count; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *suggestion_state_name(suggestion_state_t s)
{
    return s < SUGGESTION_STATE_COUNT ? state_names[s] : "?";
}
const char *suggestion_action_name(suggestion_action_t a)
{
    return a < SUGGESTION_ACTION_COUNT ? action_names[a] : "?";
}
const char *suggestion_rating_name(suggestion_rating_t r)
{
    return r <= SUGGESTION_UNSATISFIED ? rating_names[r] : "";
}
const char *suggestion_category_name(suggestion_reply_category_t c)
{
    return c <= REPLY_C ? category_names[c] : "";
}
int suggestion_state_from_name(const char *name)
{
    return index_of(state_names, SUGGESTION_STATE_COUNT, name, 0);
}
int suggestion_rating_from_name(const char *name)
{
    return index_of(rating_names, 4, name, 1);
}
int suggestion_category_from_name(const char *name)
{
    return index_of(category_names, 4, name, 1);
}

bool suggestion_word_in(const char *const *list, const char *word)
{
    for (; word && *list; list++)
        if (strcmp(*list, word) == 0)
            return true;
    return false;
}

/* Where an evaluation leads: SPEC §5, 不满意 sends it back once; a C reply has no result to rate. */
static int after_evaluation(const suggestion_facts_t *f)
{
    switch (f->rating) {
    case SUGGESTION_UNSATISFIED: return f->reopens < f->reopen_limit ? SUGGESTION_HANDLING : SUGGESTION_CLOSED;
    case SUGGESTION_SATISFIED:
    case SUGGESTION_BASIC: return f->category == REPLY_C ? SUGGESTION_CLOSED : SUGGESTION_EVALUATED;
    case SUGGESTION_RATING_NONE: break;
    }
    return -1;
}

/* 结果满意: an A result is rated when the deputy likes, a B one once its date has passed. */
static int after_result(const suggestion_facts_t *f)
{
    if (f->rating == SUGGESTION_RATING_NONE)
        return -1;
    if (f->category == REPLY_A || (f->category == REPLY_B && f->now > f->commitment_at))
        return SUGGESTION_CLOSED;
    return -1;
}

int suggestion_next(suggestion_state_t from, suggestion_action_t action, const suggestion_facts_t *facts)
{
    static const suggestion_facts_t none = {0};
    if (facts == NULL)
        facts = &none;
    switch (action) {
    case SUGGESTION_EDIT: return from == SUGGESTION_DRAFT || from == SUGGESTION_RETURNED ? (int)from : -1;
    case SUGGESTION_SUBMIT: return from == SUGGESTION_DRAFT || from == SUGGESTION_RETURNED ? SUGGESTION_SUBMITTED : -1;
    case SUGGESTION_COSIGN: return from == SUGGESTION_SUBMITTED || from == SUGGESTION_ACCEPTED ? (int)from : -1;
    case SUGGESTION_ACCEPT: return from == SUGGESTION_SUBMITTED ? SUGGESTION_ACCEPTED : -1;
    case SUGGESTION_RETURN: return from == SUGGESTION_SUBMITTED ? SUGGESTION_RETURNED : -1;
    case SUGGESTION_TO_LETTER: return from == SUGGESTION_SUBMITTED ? SUGGESTION_LETTER : -1;
    case SUGGESTION_ASSIGN: return from == SUGGESTION_ACCEPTED ? SUGGESTION_ASSIGNED : -1;
    case SUGGESTION_CONTEST: return from == SUGGESTION_ASSIGNED ? SUGGESTION_CONTESTED : -1;
    case SUGGESTION_REASSIGN: return from == SUGGESTION_CONTESTED ? SUGGESTION_ASSIGNED : -1;
    case SUGGESTION_START: return from == SUGGESTION_ASSIGNED ? SUGGESTION_HANDLING : -1;
    case SUGGESTION_CONTACT:
        return from == SUGGESTION_ASSIGNED || from == SUGGESTION_HANDLING || from == SUGGESTION_REPLIED ||
                       from == SUGGESTION_EVALUATED
                   ? (int)from
                   : -1;
    case SUGGESTION_CO_OPINION: return from == SUGGESTION_ASSIGNED || from == SUGGESTION_HANDLING ? (int)from : -1;
    case SUGGESTION_REPLY: return from == SUGGESTION_HANDLING ? SUGGESTION_REPLIED : -1;
    case SUGGESTION_EVALUATE: return from == SUGGESTION_REPLIED ? after_evaluation(facts) : -1;
    case SUGGESTION_RATE_RESULT: return from == SUGGESTION_EVALUATED ? after_result(facts) : -1;
    case SUGGESTION_CREATE:
    case SUGGESTION_ACTION_COUNT: break;
    }
    return -1;
}

bool suggestion_may(suggestion_actor_t who, suggestion_action_t action)
{
    switch (action) {
    case SUGGESTION_CREATE:
    case SUGGESTION_EDIT:
    case SUGGESTION_SUBMIT:
    case SUGGESTION_EVALUATE:
    case SUGGESTION_RATE_RESULT: return who == SUGGESTION_BY_LEAD_DEPUTY;
    case SUGGESTION_COSIGN: return who == SUGGESTION_BY_COSIGNER;
    case SUGGESTION_ACCEPT:
    case SUGGESTION_RETURN:
    case SUGGESTION_TO_LETTER:
    case SUGGESTION_ASSIGN:
    case SUGGESTION_REASSIGN: return who == SUGGESTION_BY_OFFICE;
    case SUGGESTION_CONTEST:
    case SUGGESTION_CONTACT: return who == SUGGESTION_BY_LEAD_UNIT || who == SUGGESTION_BY_CO_UNIT;
    case SUGGESTION_START:
    case SUGGESTION_REPLY: return who == SUGGESTION_BY_LEAD_UNIT;
    case SUGGESTION_CO_OPINION: return who == SUGGESTION_BY_CO_UNIT;
    case SUGGESTION_ACTION_COUNT: break;
    }
    return false;
}

bool suggestion_state_open(suggestion_state_t s)
{
    return s != SUGGESTION_LETTER && s != SUGGESTION_CLOSED && s < SUGGESTION_STATE_COUNT;
}

bool suggestion_state_visible_to_office(suggestion_state_t s)
{
    return s != SUGGESTION_DRAFT && s < SUGGESTION_STATE_COUNT;
}

bool suggestion_state_due(suggestion_state_t s)
{
    return s == SUGGESTION_ASSIGNED || s == SUGGESTION_CONTESTED || s == SUGGESTION_HANDLING;
}

suggestion_reply_problem_t suggestion_reply_check(const suggestion_reply_t *r, int64_t now)
{
    if (r->category == REPLY_NONE)
        return SUGGESTION_REPLY_NO_CATEGORY;
    if (!r->has_type)
        return SUGGESTION_REPLY_NO_TYPE;
    if (r->category == REPLY_B && r->commitment_at == 0)
        return SUGGESTION_REPLY_NO_DATE;
    if (r->category != REPLY_B && r->commitment_at != 0)
        return SUGGESTION_REPLY_DATE_NOT_B;
    if (r->category == REPLY_B && r->commitment_at <= now)
        return SUGGESTION_REPLY_PAST_DATE;
    if (r->category == REPLY_C && !r->has_reason)
        return SUGGESTION_REPLY_NO_REASON;
    return SUGGESTION_REPLY_OK;
}

const char *suggestion_reply_field(suggestion_reply_problem_t p)
{
    switch (p) {
    case SUGGESTION_REPLY_NO_CATEGORY: return "category";
    case SUGGESTION_REPLY_NO_TYPE: return "type";
    case SUGGESTION_REPLY_NO_DATE:
    case SUGGESTION_REPLY_PAST_DATE:
    case SUGGESTION_REPLY_DATE_NOT_B: return "commitment_date";
    case SUGGESTION_REPLY_NO_REASON: return "reason";
    case SUGGESTION_REPLY_OK: break;
    }
    return NULL;
}

const char *suggestion_reply_message(suggestion_reply_problem_t p)
{
    switch (p) {
    case SUGGESTION_REPLY_NO_CATEGORY: return "category must be A, B or C";
    case SUGGESTION_REPLY_NO_TYPE: return "type must be solve or explain";
    case SUGGESTION_REPLY_NO_DATE: return "a B reply needs a commitment_date (YYYY-MM-DD)";
    case SUGGESTION_REPLY_PAST_DATE: return "commitment_date must be a day after today";
    case SUGGESTION_REPLY_DATE_NOT_B: return "only a B reply carries a commitment_date";
    case SUGGESTION_REPLY_NO_REASON: return "a C reply needs the reason it cannot be solved now";
    case SUGGESTION_REPLY_OK: break;
    }
    return "";
}

void suggestion_number_text(int64_t number, char out[16])
{
    snprintf(out, 16, "第%04lld号", (long long)(number % 1000000));
}

static int month_days(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

int64_t suggestion_deadline(int64_t at, int months)
{
    int year, month, mday;
    calendar_day_to_ymd(calendar_day_of(at), &year, &month, &mday);
    int index = year * 12 + (month - 1) + (months > 0 ? months : 0);
    year = index / 12;
    month = index % 12 + 1;
    if (mday > month_days(year, month))
        mday = month_days(year, month);
    calendar_day_t day;
    if (calendar_day_from_ymd(year, month, mday, &day) != 0)
        return at;
    return calendar_day_end(day);
}
