/*
 * ballot_common: what the HTTP side of secret ballots (SPEC §7, 票决) shares - ballots.c (the
 * reads: lists, the ballot, its results, the announcement and the receipt check), ballot_flow.c
 * (every write in the writer: the definition, opening, the count on closing, publishing and the
 * vote), background.c (closing ballots whose time is up) and the demo.
 */
#ifndef LIAISON_API_BALLOT_COMMON_H
#define LIAISON_API_BALLOT_COMMON_H

#include "api/api.h"
#include "domain/ballot.h"
#include "store/ballots.h"

/* Who the actor is to a ballot, worked out once per request. */
typedef struct {
    bool office;   /* an admin whose region subtree holds the ballot's congress */
    bool deputy;   /* a deputy account */
    bool eligible; /* the deputy is on the electorate */
    bool seated;   /* the deputy sits in the ballot's congress */
    bool voted;    /* the deputy is on the roll */
} api_ballot_view_t;

/* The ballot named by the route's first parameter, which the actor may read (drafts are the
 * office's alone; an open or closed ballot is also its congress's deputies' and its electorate's;
 * a published one everyone's): false after answering 404. The caller frees b. */
bool api_ballot_load(http_req_t *r, store_ballot_t *b, api_ballot_view_t *view);

/* The list entry, and the full ballot (description, candidates, voters, and the results once the
 * view may see them). NULL on a read error. */
json_t *api_ballot_summary_json(store_t *db, const store_ballot_t *b, const api_ballot_view_t *view);
json_t *api_ballot_json(store_t *db, const store_ballot_t *b, const api_ballot_view_t *view);
/* The count: {cast, electorate, turnout, candidates:[{id, name, votes, rank, chosen}]} by rank. */
json_t *api_ballot_results_json(store_t *db, const store_ballot_t *b);
/* Answers status with the full ballot id as read now, seen by the request's actor. */
void api_ballot_reply(http_req_t *r, int64_t id, int status);

/* Closes ballot id as of now inside the caller's write transaction: the papers are counted
 * against the roll and the candidates' votes written. STORE_EINVALID when it is not open;
 * STORE_ERR (logged, nothing written) when papers and roll differ. */
int api_ballot_close_in(store_t *db, int64_t id, const api_who_t *who, int64_t now);
/* The background ticker's job, inside the writer's transaction: closes every open ballot whose
 * closing time has come, each on its own (one that cannot be closed leaves the others be). */
int api_ballot_close_due(store_t *db, int64_t now);

/* What the demo gives for a ballot: the definition, and how far it goes. voters NULL: the whole
 * congress. */
typedef struct {
    int64_t congress_id;
    ballot_kind_t kind;
    ballot_rule_t rule;
    int choose;
    const char *title, *description;
    const store_candidate_t *candidates;
    int ncandidates;
    int64_t opens_at, closes_at;
} api_ballot_args_t;
/* A draft made inside the caller's transaction as a request would make it (audited). */
int api_ballot_system_create(store_t *db, const api_ballot_args_t *args, int64_t now, int64_t *id);
/* Opening and publishing, as the office would. */
int api_ballot_system_step(store_t *db, int64_t id, ballot_step_t step, int64_t now);
/* A paper cast by deputy, as their vote request would cast it; receipt (may be NULL) gets the
 * code shown to them. */
int api_ballot_system_vote(store_t *db, const struct vault *vault, int64_t id, int64_t deputy_id,
                           const int64_t *choices, int n, int64_t now, char receipt[BALLOT_RECEIPT_SHOWN + 1]);

#endif
