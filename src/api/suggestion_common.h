/*
 * suggestion_common: what the files of the suggestion workflow's HTTP side share -
 * suggestions.c (the record: scope, JSON, attachments), suggestion_steps.c (each write's input),
 * suggestion_flow.c (each write in the writer, from the draft to the result rating) and
 * suggestion_lists.c (inbox, board, workspace, supervision lists, the league table, published
 * replies, the 交办单).
 */
#ifndef LIAISON_API_SUGGESTION_COMMON_H
#define LIAISON_API_SUGGESTION_COMMON_H

#include "api/api.h"
#include "domain/suggestion.h"
#include "store/suggestions.h"

/* Who the actor is to a suggestion, worked out from the session and the rows. */
typedef struct {
    suggestion_actor_t as; /* the strongest relation (lead deputy, office, lead unit, ...) */
    bool cosigner;         /* an invited co-signer (also when as says otherwise) */
    int64_t assignment_id; /* the actor's unit's live assignment, 0 for none */
} api_suggestion_relation_t;

/* The suggestion named by the route's first parameter, which the actor may read: 404 when it is
 * out of scope (drafts are the lead deputy's alone), 403 when the route's action is not theirs
 * on it. The caller frees s. Returns false after answering. */
bool api_suggestion_load(http_req_t *r, store_suggestion_t *s, api_suggestion_relation_t *rel);

/* The same, when only its id is needed: the id, or 0 after answering. */
int64_t api_suggestion_load_id(http_req_t *r, api_suggestion_relation_t *rel);

/* The list entry; the full record adds co-signers, opinions, files, units, contacts and the
 * timeline. NULL on a read error. */
json_t *api_suggestion_summary_json(store_t *db, const store_suggestion_t *s, int64_t now, int64_t warn_until);
json_t *api_suggestion_json(store_t *db, const store_suggestion_t *s);
/* Answers 200 (or status) with the full record of id as read now. */
void api_suggestion_reply(http_req_t *r, int64_t id, int status);
/* The latest deadline that counts as near at now (SUGGESTION_WARN_DAYS working days). */
int api_suggestion_warn_until(store_t *db, int64_t now, int64_t *until);
/* The background ticker's job, inside the writer's transaction: tells the lead unit of each
 * suggestion it holds whose deadline is near (SUGGESTION_WARN_DAYS), once per deadline. */
int api_suggestion_remind_near(store_t *db, int64_t now);
/* What the demo (or another command) gives for a draft and for a step; all fields optional
 * but those a step needs (a reply its category, type, text and signature). */
typedef struct {
    const char *actor, *title, *content, *region, *session;
    int64_t deputy_id, congress_id;
    bool consent;
} api_suggestion_draft_args_t;
typedef struct {
    const char *actor, *text, *type, *signed_by;
    int64_t unit_id;                      /* the unit taking a unit's step */
    int64_t lead_unit_id, co_unit_id;     /* assign */
    suggestion_rating_t rating;           /* evaluate, rate_result */
    suggestion_reply_category_t category; /* reply */
    int64_t commitment_at;                /* a B reply */
    bool consent;                         /* reply: the unit consents to publication */
} api_suggestion_step_args_t;
/* A draft and a step taken inside the caller's write transaction, as a request would take them
 * (events, notifications and audit included); STORE_EINVALID when the state refuses the step. */
int api_suggestion_system_create(store_t *db, const api_suggestion_draft_args_t *args, int64_t now, int64_t *id);
int api_suggestion_system_step(store_t *db, int64_t id, suggestion_action_t action,
                               const api_suggestion_step_args_t *args, int64_t now);
/* Answers 409 illegal_transition naming state. */
void api_suggestion_refuse(http_req_t *r, const char *state, const char *message);

#endif
