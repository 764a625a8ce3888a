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
/* Copies event on o (opinion.created, .answered, .rated) to the integrators subscribed to it
 * (api_webhooks_publish): ids, state, category, channel, rating - nothing personal. */
int api_opinion_publish(store_t *db, const char *event, const store_opinion_t *o, int64_t now);

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

/* What intake answers with once an opinion is stored. */
typedef struct {
    int64_t id;
    const char *tracking_code;
    const char *token; /* the tracking token, handed out when no phone was given; else NULL */
    int64_t created_at, answer_due;
} api_intake_answer_t;

/* Another program that relays a constituent's message (an Open311 client, see open311.c). */
typedef struct api_intake_via api_intake_via_t;
struct api_intake_via {
    int64_t key_id;         /* the client's API key */
    bool has_point;         /* the point the client gave */
    double lat, lng;
    /* Writes what the client brought beside the opinion, inside the opinion's transaction (on the
     * writer thread: use only via and db). */
    int (*record)(const api_intake_via_t *via, store_t *db, int64_t opinion_id);
    /* Answers the client once the opinion is stored (on the request's loop). */
    void (*answer)(http_req_t *r, const api_intake_via_t *via, const api_intake_answer_t *a);
};

/* SPEC §3 登记: creates an opinion from body, an object of the web form's fields (POST
 * /api/v1/opinions), checked field by field as the form's are; a refusal is answered through
 * http_reply_error naming the form's field. With via NULL it answers the form's 201; otherwise
 * via's record runs in the same transaction and via's answer answers. Takes body's reference.
 * The caller has applied its own rate limit. */
void api_opinion_intake(http_req_t *r, json_t *body, const api_intake_via_t *via);

/* Whether a category of category_region ("" the national set) is offered for a place in region. */
bool api_category_serves(const char *category_region, const char *region);

/* The filter of GET /api/v1/opinions and its exports, read from the query (region, state,
 * category, channel, station, flag, owner, answered, rated, satisfied, from, to, after, limit)
 * and the actor's scope; lo and hi hold the region range f points to. On bad input it answers
 * (400, 403) and returns false. */
bool api_opinion_list_filter(http_req_t *r, store_opinion_filter_t *f, char lo[13], char hi[14]);
/* The list entry of an opinion: enough to triage from a phone without opening it. */
json_t *api_opinion_summary_json(const store_opinion_t *o);
/* Answers with what a unit sees of its referral: the referral and the opinion it is about,
 * without the constituent's personal data or staff notes. */
void api_opinion_reply_referral(http_req_t *r, int64_t referral_id);

#endif
