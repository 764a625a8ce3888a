/*
 * opinion_common: what the files of the opinion loop's HTTP side share - opinions.c (the
 * constituent), opinion_flow.c (every step), opinion_lists.c (reads), opinion_reports.c (figures
 * and books) and background.c. Deadlines, flags, periods and the public view are defined in
 * opinion_common.c; the steps, scope and notifications in opinion_flow.c; the list entry and a
 * unit's view of a referral in opinion_lists.c. Names carry api_ so they never meet the domain's
 * opinion_* rules.
 */
#ifndef LIAISON_API_OPINION_COMMON_H
#define LIAISON_API_OPINION_COMMON_H

#include "api/api.h"
#include "core/calendar.h"
#include "store/opinions.h"

/* The triage and answer deadlines of something received at `at`, in working days of the
 * calendar stored in db. */
int api_opinion_deadlines(store_t *db, int64_t at, int triage_days, int answer_days, int64_t *triage_due,
                      int64_t *answer_due);
/* The end of the n-th working day after `at`. */
int api_opinion_working_deadline(store_t *db, int64_t at, int n, int64_t *due);

/* SPEC §3: 预警 when a deadline is two working days away or nearer. */
enum { OPINION_WARN_DAYS = 2 };
/* The latest deadline that counts as near at now (the rule of calendar_deadline_flag). */
int64_t api_opinion_warn_until(const calendar_t *cal, int64_t now);

/* "none", "warn" (预警) or "overdue" (超期) for a deadline (0: none) at the present time, with the
 * calendar as read from db (at most every few seconds). */
const char *api_opinion_flag(store_t *db, int64_t due);
/* The latest deadline that counts as near at now, with that calendar. */
int api_opinion_warn_window(store_t *db, int64_t now, int64_t *until);

/* What a step taken outside a request carries (all optional). */
typedef struct {
    const char *actor;      /* a username; "system" when NULL */
    const char *text;       /* answer, reason or note */
    int64_t unit_id;        /* refer */
    int days;               /* refer */
    opinion_rating_t rating; /* rate */
    const char *comment;    /* rate */
} api_opinion_step_args_t;

/* A step taken by the server itself or a command (auto-closing, the demo), inside the caller's
 * write transaction: STORE_EINVALID when the opinion's state does not allow it. */
int api_opinion_system_step(store_t *db, int64_t id, opinion_action_t action, const api_opinion_step_args_t *args,
                        int64_t now);
/* Writes an outbox row telling recipient about event on o. */
int api_opinion_notify(store_t *db, const char *event, const char *recipient, const store_opinion_t *o, int64_t now);

/* What the constituent sees: the state, their own text, the answer (the master's, for a merged
 * item) and the public timeline; no personal data and no internal notes. NULL on a read error. */
json_t *api_opinion_public_json(store_t *db, const store_opinion_t *o);

/* Reads "rating" (required) and "comment" (optional) from the body; returns the comment. */
const char *api_opinion_read_rating(api_input_t *in, opinion_rating_t *rating);
/* Rates o, by the constituent or by staff after a call, and answers with the resulting view. */
void api_opinion_rate(http_req_t *r, const store_opinion_t *o, opinion_rating_t rating, const char *comment,
                  bool by_constituent);

/* ?from=YYYY-MM-DD&to=YYYY-MM-DD (Beijing days, both included; either may be left out) as UTC
 * seconds [*from, *to]; both 0 when neither is given. Answers 400 naming the parameter and
 * returns false on a bad date. */
bool api_opinion_read_period(http_req_t *r, int64_t *from, int64_t *to);

/* The opinion named by the route's first parameter, inside the actor's scope; otherwise answers
 * 404 and returns false. The caller frees o. */
bool api_opinion_load_in_scope(http_req_t *r, int64_t *id, store_opinion_t *o);

/* Whether a category of category_region ("" the national set) is offered for a place in region. */
bool api_category_serves(const char *category_region, const char *region);

/* The list entry of an opinion: enough to triage from a phone without opening it. */
json_t *api_opinion_summary_json(const store_opinion_t *o);
/* Answers with what a unit sees of its referral: the referral and the opinion it is about,
 * without the constituent's personal data or staff notes. */
void api_opinion_reply_referral(http_req_t *r, int64_t referral_id);

#endif
