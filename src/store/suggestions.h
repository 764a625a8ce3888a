/*
 * suggestions: SQL for deputy suggestions (SPEC §5) - the suggestion row, its numbering counter,
 * co-signers, source opinions, attachments, events, unit assignments, the communication log,
 * and the lists and figures of supervision. Which change is allowed lives in domain/suggestion.h;
 * this module only reads and writes rows.
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h). A store_suggestion_t read here
 * owns its strings: release it with store_suggestion_free (safe whatever the read returned).
 */
#ifndef LIAISON_STORE_SUGGESTIONS_H
#define LIAISON_STORE_SUGGESTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/suggestion.h"
#include "store/store.h"

typedef struct {
    int64_t id, deputy_id, congress_id, category_id, number, opinion_id, supervisor_user_id;
    char region[13], session[8], reply_type[8], category_code[32];
    suggestion_state_t state;
    char *title, *content;                                        /* never NULL once read */
    char *reply_text, *reply_reason, *signed_by, *rating_comment; /* NULL when absent */
    suggestion_reply_category_t reply_category;
    suggestion_rating_t rating, result_rating;
    int reopens;
    bool key, consent_deputy, consent_unit, near_notified;
    int64_t due, contest_due, commitment_at, reply_unit_id;
    int64_t submitted_at, accepted_at, assigned_at, replied_at, closed_at, created_at, updated_at;
    /* read with it, not written back */
    char *deputy_name, *congress_name, *lead_unit_name;
    int64_t lead_unit_id;
} store_suggestion_t;

void store_suggestion_free(store_suggestion_t *s);
/* A new suggestion in state draft with s's lead deputy, region, title, content and time; the
 * other fields are written by store_suggestion_save. */
int store_suggestion_insert(store_t *db, const store_suggestion_t *s, int64_t *id);
/* Writes back every field that changes (text, congress, state, number, assignment, reply, ratings). */
int store_suggestion_save(store_t *db, const store_suggestion_t *s);
int store_suggestion_get(store_t *db, int64_t id, store_suggestion_t *out);
/* The next number of (congress, session), counted in the caller's transaction: no gaps, no repeats. */
int store_suggestion_next_number(store_t *db, int64_t congress_id, const char *session, int64_t *number);
/* Whether deputy holds a seat in congress. */
int store_suggestion_deputy_sits(store_t *db, int64_t deputy_id, int64_t congress_id, bool *sits);

typedef struct {
    int64_t suggestion_id, at, actor_id;
    const char *actor, *action, *from_state, *to_state, *note;
} store_suggestion_event_t;
int store_suggestion_event_add(store_t *db, const store_suggestion_event_t *e);
int store_suggestion_events_each(store_t *db, int64_t id, int (*fn)(const store_suggestion_event_t *e, void *arg),
                                 void *arg);

/* 附议. set_cosigners makes the invitations exactly ids (keeping the answers of those staying). */
typedef struct {
    int64_t deputy_id;
    const char *name, *state;
} store_cosigner_t;
int store_suggestion_set_cosigners(store_t *db, int64_t id, const int64_t *ids, int n, int64_t now);
/* STORE_ENOTFOUND when deputy was not invited. */
int store_suggestion_cosigner_answer(store_t *db, int64_t id, int64_t deputy_id, bool confirm, int64_t now);
int store_suggestion_cosigners_each(store_t *db, int64_t id, int (*fn)(const store_cosigner_t *c, void *arg),
                                    void *arg);
/* Whether deputy is a co-signer (invited or confirmed or declined) of id. */
int store_suggestion_is_cosigner(store_t *db, int64_t id, int64_t deputy_id, bool *is);

/* Source opinions: the links become exactly ids, and each opinion's suggestion_id points back. */
typedef struct {
    int64_t id;
    const char *tracking_code, *state;
} store_linked_opinion_t;
int store_suggestion_set_opinions(store_t *db, int64_t id, const int64_t *ids, int n);
int store_suggestion_opinions_each(store_t *db, int64_t id, int (*fn)(const store_linked_opinion_t *o, void *arg),
                                   void *arg);

typedef struct {
    int64_t id, suggestion_id, bytes, created_at;
    const char *name, *mime;
    const void *data; /* NULL in lists */
} store_suggestion_file_t;
int store_suggestion_file_add(store_t *db, const store_suggestion_file_t *f, int64_t *id);
int store_suggestion_files_each(store_t *db, int64_t id, int (*fn)(const store_suggestion_file_t *f, void *arg),
                                void *arg);
/* The file with its data; STORE_ENOTFOUND when there is none. */
int store_suggestion_file_get(store_t *db, int64_t file_id, int (*fn)(const store_suggestion_file_t *f, void *arg),
                              void *arg);

/* 交办: a unit's assignment. */
typedef struct {
    int64_t id, suggestion_id, unit_id, created_at, updated_at;
    const char *unit_name, *role, *state, *contest_reason, *opinion; /* reason, opinion: NULL when absent */
} store_assignment_t;
int store_assignment_add(store_t *db, int64_t id, int64_t unit_id, const char *role, int64_t now);
/* Every live assignment of id becomes replaced (a reassignment). */
int store_assignments_replace(store_t *db, int64_t id, int64_t now);
/* The live assignments of id, lead first. */
int store_assignments_each(store_t *db, int64_t id, int (*fn)(const store_assignment_t *a, void *arg), void *arg);
/* The live assignment of unit to id: its row id and role ("lead"/"co"); STORE_ENOTFOUND when none. */
int store_assignment_of(store_t *db, int64_t id, int64_t unit_id, int64_t *row, char role[8]);
/* Sets state (NULL keeps it), and contest_reason or opinion when not NULL, on one row. */
int store_assignment_update(store_t *db, int64_t row, const char *state, const char *contest_reason,
                            const char *opinion, int64_t now);
/* Sets the state of every live assignment of id. */
int store_assignments_set_state(store_t *db, int64_t id, const char *state, int64_t now);

/* 办前/办中/办后 沟通. */
typedef struct {
    int64_t id, suggestion_id, unit_id, created_by, created_at;
    const char *stage, *way, *text;
} store_contact_t;
int store_contact_add(store_t *db, const store_contact_t *c, int64_t *id);
int store_contacts_each(store_t *db, int64_t id, int (*fn)(const store_contact_t *c, void *arg), void *arg);

/* Lists, newest first (by id) unless said otherwise. */
typedef enum {
    SUGGESTION_LIST_REGION,     /* the office's board and members: everything but drafts */
    SUGGESTION_LIST_DEPUTY,     /* led (drafts too) or co-signed (never another's draft) */
    SUGGESTION_LIST_UNIT,       /* assigned to the unit */
    SUGGESTION_LIST_OVERDUE,    /* past due while units hold it, by due */
    SUGGESTION_LIST_NEAR,       /* due in [now, until] while units hold it, by due */
    SUGGESTION_LIST_FOLLOW_UP,  /* 回头看: B commitments due, result not rated, by date */
    SUGGESTION_LIST_PUBLISHED,  /* replies both sides consented to publish */
    SUGGESTION_LIST_SUPERVISED, /* key suggestions whose supervisor is user_id (重点督办) */
} suggestion_list_kind_t;

typedef struct {
    suggestion_list_kind_t kind;
    const char *region_lo, *region_hi;
    int64_t deputy_id, unit_id, congress_id, user_id;
    const char *state, *session; /* NULL: any */
    int64_t after;               /* id paging (newest-first lists) */
    int64_t now, until;
    int limit;
} store_suggestion_filter_t;
int store_suggestions_list(store_t *db, const store_suggestion_filter_t *f,
                           int (*fn)(const store_suggestion_t *s, void *arg), void *arg);

/* 督: the league table of lead units for a congress and session, inside a region range. */
typedef struct {
    int64_t unit_id;
    const char *unit_name;
    int64_t assigned, completed, a_count, rated, satisfied, solve_count;
} store_league_row_t;
int store_suggestion_league(store_t *db, int64_t congress_id, const char *session, const char *region_lo,
                            const char *region_hi, int (*fn)(const store_league_row_t *row, void *arg), void *arg);
/* Its SQL (over the rollup suggestion_unit_figures), for the query-plan test. */
const char *store_suggestion_league_sql(void);

/* 交办单: what was assigned to unit in [from, to], by assignment time; role is the unit's. */
int store_suggestion_sheet(store_t *db, int64_t unit_id, int64_t from, int64_t to,
                           int (*fn)(const store_suggestion_t *s, const char *role, void *arg), void *arg);

/* The suggestions held by units whose deadline is at or before until and not announced yet
 * (the background ticker's near-deadline notice), and marking one announced. */
int store_suggestions_near_unannounced(store_t *db, int64_t now, int64_t until,
                                       int (*fn)(const store_suggestion_t *s, void *arg), void *arg);
int store_suggestion_mark_near(store_t *db, int64_t id);

#endif
