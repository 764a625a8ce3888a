/*
 * opinion: the rules of the constituent-opinion loop (SPEC §3, 登记—梳理—处理—反馈—评议).
 *
 * An opinion moves through states by actions; each action taken is an event row, and the state
 * stored on the opinion is always the last event's "to". opinion_next is the only place that
 * decides whether an action is allowed from a state and where it leads:
 *
 *   registered --triage--> triaged --resolve|refer|to_suggestion|keep--> in_progress
 *   in_progress --answer--> answered --rate--> closed
 *   answered --rate unsatisfied (while reopens remain)--> in_progress   (重办)
 *   answered --auto_close--> closed
 *   registered|triaged --merge--> merged      registered|triaged --reject--> rejected
 *   in_progress --return (a unit: mis-routed)--> triaged
 *
 * A referral to a unit (交办) has a small machine of its own: sent -> accepted -> replied, or
 * returned; an extension request may be pending beside sent or accepted, until granted or refused.
 *
 * Also here: the tracking code's alphabet, the phone rule and the character-bigram similarity
 * that triage uses to show related items. Nothing here does I/O.
 */
#ifndef LIAISON_DOMAIN_OPINION_H
#define LIAISON_DOMAIN_OPINION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    OPINION_REGISTERED,
    OPINION_TRIAGED,
    OPINION_IN_PROGRESS,
    OPINION_ANSWERED,
    OPINION_CLOSED,
    OPINION_MERGED,
    OPINION_REJECTED,
    OPINION_STATE_COUNT
} opinion_state_t;

typedef enum {
    OPINION_REGISTER, /* the event that creates it; no state leads there */
    OPINION_TRIAGE,
    OPINION_REJECT,
    OPINION_MERGE,
    OPINION_RESOLVE,       /* resolved on the spot */
    OPINION_REFER,         /* referred to a unit, with a deadline */
    OPINION_TO_SUGGESTION, /* turned into a deputy suggestion */
    OPINION_KEEP,          /* kept for reference (留作参考), with a reason */
    OPINION_RETURN,        /* a unit sends it back as mis-routed */
    OPINION_ANSWER,
    OPINION_RATE,
    OPINION_AUTO_CLOSE,
    OPINION_ACTION_COUNT
} opinion_action_t;

typedef enum { RATING_NONE, RATING_SATISFIED, RATING_BASIC, RATING_UNSATISFIED, RATING_COUNT } opinion_rating_t;

/* What a transition depends on besides the state. */
typedef struct {
    opinion_rating_t rating; /* OPINION_RATE */
    int reopens;             /* times it was reopened already */
    int reopen_limit;        /* SPEC §3: unsatisfied reopens once by default */
} opinion_facts_t;

/* The state action leads to from `from`, or -1 when the action is not allowed there. */
int opinion_next(opinion_state_t from, opinion_action_t action, const opinion_facts_t *facts);
/* Whether the constituent sees the event of this action on the tracking page (internal steps,
 * such as a unit's acceptance or a merge's bookkeeping, stay with staff). */
bool opinion_action_public(opinion_action_t action);
/* Open states are those somebody still has to act on. */
bool opinion_state_open(opinion_state_t state);

const char *opinion_state_name(opinion_state_t state);
const char *opinion_action_name(opinion_action_t action);
const char *opinion_rating_name(opinion_rating_t rating);
/* -1 for an unknown name. */
int opinion_state_from_name(const char *name);
int opinion_action_from_name(const char *name);
int opinion_rating_from_name(const char *name);

/* Value lists (NULL-terminated) for fields that take one of a few words. */
extern const char *const opinion_channels[];    /* online qr walk_in visit phone letter */
extern const char *const opinion_public_channels[]; /* what the public form may say: online qr */
extern const char *const opinion_urgencies[];   /* normal urgent */
extern const char *const opinion_tiers[];       /* station township county city */
/* Whether word is in list. */
bool opinion_word_in(const char *const *list, const char *word);

/* 交办: a referral to a unit. */
typedef enum { REFERRAL_SENT, REFERRAL_ACCEPTED, REFERRAL_REPLIED, REFERRAL_RETURNED, REFERRAL_STATE_COUNT } referral_state_t;
typedef enum {
    REFERRAL_ACCEPT,
    REFERRAL_REPLY,
    REFERRAL_ASK_EXTENSION,
    REFERRAL_GRANT_EXTENSION,
    REFERRAL_REFUSE_EXTENSION,
    REFERRAL_RETURN,
    REFERRAL_ACTION_COUNT
} referral_action_t;

/* The referral's state after action, or -1 when not allowed; *pending is the extension request's
 * flag, read and updated (asking twice before an answer is refused, as is answering none). */
int referral_next(referral_state_t from, bool *pending, referral_action_t action);
bool referral_open(referral_state_t state);
const char *referral_state_name(referral_state_t state);
const char *referral_action_name(referral_action_t action);
int referral_state_from_name(const char *name);

/* Tracking codes: 8 characters from an alphabet of 23 without look-alikes (no 0/O, 1/I/L, 2/Z,
 * 5/S, 8/B or U/V), so a code read aloud over the phone or copied from paper comes out right. */
enum { OPINION_CODE_LEN = 8 };
extern const char opinion_code_alphabet[];
size_t opinion_code_alphabet_size(void);
/* n characters of the alphabet from random bytes, each uniform: a byte at or above the largest
 * multiple of the alphabet's size is skipped. out gets n characters and a NUL; returns false when
 * the bytes ran out first (draw more and call again). */
bool opinion_code_from_bytes(const unsigned char *bytes, size_t nbytes, char *out, size_t n);
/* What a person typed, with spaces and dashes dropped and letters raised, into out; false when
 * it cannot be a code (wrong length, a character outside the alphabet). */
bool opinion_code_normalize(const char *typed, char out[OPINION_CODE_LEN + 1]);

/* A mainland mobile (1[3-9] and 9 digits) or a landline (area code 0xx/0xxx, 7-8 digits, an
 * optional dash). Writes the digits alone to out (at most 15 + NUL). */
bool opinion_phone_valid(const char *phone, char out[16]);

/* The type of an attachment judged by its first bytes, never by its name: image/jpeg, image/png,
 * image/webp or application/pdf; NULL for anything else. */
const char *opinion_attachment_type(const unsigned char *data, size_t len);

/* Similarity of two texts by their Chinese character bigrams (Dice coefficient, 0..1): two
 * complaints about the same broken street lamp share most bigrams whatever the wording around
 * them. Letters and digits count as characters; spaces and punctuation split the text. */
double opinion_similarity(const char *a, const char *b);

#endif
