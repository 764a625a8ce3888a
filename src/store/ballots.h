/*
 * ballots: SQL for secret ballots (SPEC §7, 票决) - the ballot row, its candidates, its
 * electorate, the roll of who voted, and the papers with their marks.
 *
 * The roll (ballot_roll) and the papers (ballot_papers, ballot_marks) share no key and hold no
 * time: a paper's id is random and the tables are WITHOUT ROWID, so nothing stored joins a voter
 * to a paper. This module never reads a paper together with anything that names a deputy.
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h). A store_ballot_t read here
 * owns its strings: release it with store_ballot_free (safe whatever the read returned).
 */
#ifndef LIAISON_STORE_BALLOTS_H
#define LIAISON_STORE_BALLOTS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/ballot.h"
#include "store/store.h"

typedef struct {
    int64_t id, congress_id, created_by;
    char region[13];
    ballot_kind_t kind;
    ballot_rule_t rule;
    ballot_state_t state;
    char *title, *description; /* never NULL once read */
    int choose;
    int64_t opens_at, closes_at;
    int64_t electorate;                                                 /* fixed on opening */
    int64_t cast_count;                                                 /* fixed on closing; -1 before */
    int64_t created_at, updated_at, opened_at, closed_at, published_at; /* 0: not yet */
    /* read with it, not written back */
    char *congress_name;
    int64_t candidates_count;
} store_ballot_t;

void store_ballot_free(store_ballot_t *b);
int store_ballot_get(store_t *db, int64_t id, store_ballot_t *out);
/* A new draft with b's fields; *id gets its id. */
int store_ballot_insert(store_t *db, const store_ballot_t *b, int64_t *id);
/* Writes back the definition, the state, the figures and the times. */
int store_ballot_save(store_t *db, const store_ballot_t *b);

/* The ballots of a list, newest first, id paging. */
typedef struct {
    const char *region_lo, *region_hi; /* NULL: any region */
    int64_t deputy_id;                 /* > 0: those with this deputy on the electorate, drafts never */
    bool published_only;
    const char *state; /* NULL: any */
    int64_t after;
    int limit;
} store_ballot_filter_t;
int store_ballots_list(store_t *db, const store_ballot_filter_t *f, int (*fn)(const store_ballot_t *b, void *arg),
                       void *arg);

/* ---- candidates ---- */

typedef struct {
    int64_t id;
    int position;
    const char *name, *description;
    int64_t votes; /* -1 before the count */
} store_candidate_t;
/* The candidates become exactly list (positions 1..n in its order). */
int store_ballot_set_candidates(store_t *db, int64_t ballot_id, const store_candidate_t *list, int n);
/* By position. */
int store_ballot_candidates_each(store_t *db, int64_t ballot_id, int (*fn)(const store_candidate_t *c, void *arg),
                                 void *arg);

/* ---- the electorate ---- */

/* The listed voters become exactly ids (none: every deputy seated in the congress, on opening). */
int store_ballot_set_voters(store_t *db, int64_t ballot_id, const int64_t *ids, int n);
int store_ballot_voters_each(store_t *db, int64_t ballot_id, int (*fn)(int64_t deputy_id, void *arg), void *arg);
/* How many are listed; and how many live deputies are seated in congress. */
int store_ballot_voters_count(store_t *db, int64_t ballot_id, int64_t *count);
int store_ballot_seated_count(store_t *db, int64_t congress_id, int64_t *count);
/* On opening: when nobody is listed, lists every live deputy seated in congress; *count gets the
 * size of the electorate. */
int store_ballot_fix_electorate(store_t *db, int64_t ballot_id, int64_t congress_id, int64_t *count);
int store_ballot_eligible(store_t *db, int64_t ballot_id, int64_t deputy_id, bool *eligible);
int store_ballot_voted(store_t *db, int64_t ballot_id, int64_t deputy_id, bool *voted);

/* ---- voting and the count ---- */

/* That deputy voted; STORE_ECONSTRAINT when they already have. */
int store_ballot_roll_add(store_t *db, int64_t ballot_id, int64_t deputy_id);
/* A paper with its random id, the keyed hash of its receipt and its marks; STORE_ECONSTRAINT
 * when the id or the receipt is already taken (draw again). */
int store_ballot_paper_add(store_t *db, int64_t ballot_id, const unsigned char id[BALLOT_PAPER_ID_BYTES],
                           const char *receipt_hash, const int64_t *choices, int n);
/* How many papers are in the box and how many names on the roll. */
int store_ballot_box_counts(store_t *db, int64_t ballot_id, int64_t *papers, int64_t *roll);
/* Writes each candidate's votes from the marks. */
int store_ballot_tally(store_t *db, int64_t ballot_id);
/* Whether a paper of the ballot carries the receipt whose keyed hash is given. */
int store_ballot_receipt_counted(store_t *db, int64_t ballot_id, const char *receipt_hash, bool *counted);
/* The ids of open ballots whose closing time is at or before now (at most max). */
int store_ballots_due(store_t *db, int64_t now, int64_t *ids, int max, int *n);

#endif
