/*
 * suggestion: the rules of deputy suggestions (SPEC §5, 代表建议: 提、交、办、督、评).
 *
 * A suggestion moves through states by actions; each action taken is an event row and the state
 * stored on the suggestion is always the last event's "to". suggestion_next is the only place
 * that decides whether an action is allowed from a state and where it leads:
 *
 *   draft|returned --submit--> submitted            (提: the lead deputy)
 *   submitted --accept--> accepted (numbered)       (审: the office)
 *   submitted --return--> returned                  submitted --to_letter--> letter (end)
 *   accepted --assign--> assigned                   (交: one lead unit, optional co-units)
 *   assigned --contest (a unit, within N days)--> contested --reassign (the office)--> assigned
 *   assigned --start (the lead unit)--> handling --reply (signed off)--> replied      (办)
 *   replied --evaluate satisfied|basic--> evaluated (A/B: the result is rated later) | closed (C)
 *   replied --evaluate unsatisfied, first time--> handling  (重办, a new deadline)
 *   replied --evaluate unsatisfied, again--> closed
 *   evaluated --rate_result (A any time; B once its commitment date has passed)--> closed  (评)
 *
 * Steps that leave the state as it is (editing a draft, confirming a co-signature, the
 * communication log, a co-unit's opinion) are allowed in the states suggestion_allows names.
 * Who may take each step is suggestion_may; what a reply must carry is suggestion_reply_check.
 * Nothing here does I/O.
 */
#ifndef LIAISON_DOMAIN_SUGGESTION_H
#define LIAISON_DOMAIN_SUGGESTION_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    SUGGESTION_DRAFT,
    SUGGESTION_SUBMITTED,
    SUGGESTION_RETURNED,
    SUGGESTION_LETTER, /* 转为来信: handled as a letter, not as a suggestion */
    SUGGESTION_ACCEPTED,
    SUGGESTION_ASSIGNED,
    SUGGESTION_CONTESTED,
    SUGGESTION_HANDLING,
    SUGGESTION_REPLIED,
    SUGGESTION_EVALUATED,
    SUGGESTION_CLOSED,
    SUGGESTION_STATE_COUNT
} suggestion_state_t;

typedef enum {
    SUGGESTION_CREATE, /* the event that makes the draft; no state leads there */
    SUGGESTION_EDIT,
    SUGGESTION_SUBMIT,
    SUGGESTION_COSIGN,
    SUGGESTION_ACCEPT,
    SUGGESTION_RETURN,
    SUGGESTION_TO_LETTER,
    SUGGESTION_ASSIGN,
    SUGGESTION_CONTEST,
    SUGGESTION_REASSIGN,
    SUGGESTION_START,
    SUGGESTION_CONTACT,    /* 办前/办中/办后 沟通 */
    SUGGESTION_CO_OPINION, /* a co-unit's opinion to the lead unit */
    SUGGESTION_REPLY,
    SUGGESTION_EVALUATE,
    SUGGESTION_RATE_RESULT,
    SUGGESTION_ACTION_COUNT
} suggestion_action_t;

/* Who acts, as the suggestion sees them. */
typedef enum {
    SUGGESTION_BY_LEAD_DEPUTY,
    SUGGESTION_BY_COSIGNER,
    SUGGESTION_BY_OFFICE,
    SUGGESTION_BY_LEAD_UNIT,
    SUGGESTION_BY_CO_UNIT,
    SUGGESTION_BY_SUPERVISOR, /* the member supervising a key suggestion */
    SUGGESTION_BY_OTHER,
} suggestion_actor_t;

typedef enum { REPLY_NONE, REPLY_A, REPLY_B, REPLY_C } suggestion_reply_category_t;
typedef enum {
    SUGGESTION_RATING_NONE,
    SUGGESTION_SATISFIED,
    SUGGESTION_BASIC,
    SUGGESTION_UNSATISFIED
} suggestion_rating_t;

/* What a transition depends on besides the state. */
typedef struct {
    suggestion_rating_t rating;           /* evaluate, rate_result */
    suggestion_reply_category_t category; /* the reply's, for evaluate and rate_result */
    int reopens;                          /* rounds of 重办 already */
    int reopen_limit;                     /* SPEC §5: one more round */
    int64_t now, commitment_at;           /* rate_result of a B reply waits for the date */
} suggestion_facts_t;

/* The state action leads to from `from`, or -1 when it is not allowed there. Actions that
 * change nothing but their own rows lead back to `from` where they are allowed. */
int suggestion_next(suggestion_state_t from, suggestion_action_t action, const suggestion_facts_t *facts);
/* Whether who may take action (whatever the state). */
bool suggestion_may(suggestion_actor_t who, suggestion_action_t action);
/* Open states are those someone still has to act on. */
bool suggestion_state_open(suggestion_state_t state);
/* Whether the office sees it at all (drafts are the lead deputy's alone). */
bool suggestion_state_visible_to_office(suggestion_state_t state);
/* States in which a reply deadline runs (assigned, contested, handling). */
bool suggestion_state_due(suggestion_state_t state);

const char *suggestion_state_name(suggestion_state_t state);
const char *suggestion_action_name(suggestion_action_t action);
const char *suggestion_rating_name(suggestion_rating_t rating);
const char *suggestion_category_name(suggestion_reply_category_t category);
/* -1 for an unknown name. */
int suggestion_state_from_name(const char *name);
int suggestion_rating_from_name(const char *name);
int suggestion_category_from_name(const char *name);

/* Value lists (NULL-terminated). */
extern const char *const suggestion_sessions[];       /* session (大会期间) recess (闭会期间) */
extern const char *const suggestion_reply_types[];    /* solve (解决问题型) explain (解释说明型) */
extern const char *const suggestion_contact_stages[]; /* before during after */
extern const char *const suggestion_contact_ways[];   /* phone visit meeting letter online */
bool suggestion_word_in(const char *const *list, const char *word);

/* What is wrong with a reply: SUGGESTION_REPLY_OK, or the field at fault. */
typedef enum {
    SUGGESTION_REPLY_OK,
    SUGGESTION_REPLY_NO_CATEGORY, /* field category */
    SUGGESTION_REPLY_NO_TYPE,     /* field type */
    SUGGESTION_REPLY_NO_DATE,     /* field commitment_date: B needs a date */
    SUGGESTION_REPLY_PAST_DATE,   /* field commitment_date: it must lie ahead */
    SUGGESTION_REPLY_DATE_NOT_B,  /* field commitment_date: only B carries one */
    SUGGESTION_REPLY_NO_REASON,   /* field reason: C needs one */
} suggestion_reply_problem_t;

typedef struct {
    suggestion_reply_category_t category;
    bool has_type;
    int64_t commitment_at; /* 0: none */
    bool has_reason;
} suggestion_reply_t;

suggestion_reply_problem_t suggestion_reply_check(const suggestion_reply_t *reply, int64_t now);
/* The field a problem names, and a sentence for it. */
const char *suggestion_reply_field(suggestion_reply_problem_t problem);
const char *suggestion_reply_message(suggestion_reply_problem_t problem);

/* 第0123号: the number as people write it (at least four digits). out holds 16 bytes. */
void suggestion_number_text(int64_t number, char out[16]);

/* SPEC §5: the reply deadline, `months` calendar months after `at` (the same day of the month,
 * or the month's last day when it has fewer), at the end of that Beijing day. */
int64_t suggestion_deadline(int64_t at, int months);

/* The days before the deadline when a suggestion counts as near it (working days). */
enum { SUGGESTION_WARN_DAYS = 10 };

#endif
