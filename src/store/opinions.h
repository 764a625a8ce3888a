/*
 * opinions: SQL for the opinion loop - categories, opinions, their events, referrals, draft
 * suggestions and the outbox. The rules of which change is allowed live in domain/opinion.h;
 * this module only reads and writes rows, and never decides.
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h). A store_opinion_t read from
 * here owns its strings: release it with store_opinion_free.
 */
#ifndef LIAISON_STORE_OPINIONS_H
#define LIAISON_STORE_OPINIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/opinion.h"
#include "store/store.h"

typedef struct {
    int64_t id, parent_id;
    const char *code, *name, *name_en;
    const char *region; /* "" for the national set */
} store_category_t;

/* Live categories in tree order (parents before children, then by position). */
int store_categories_each(store_t *db, int (*fn)(const store_category_t *c, void *arg), void *arg);
/* The id of the live category with this code. */
int store_category_id(store_t *db, const char *code, int64_t *id);
/* The id and region ("" national) of the live category with this code. */
int store_category_by_code(store_t *db, const char *code, int64_t *id, char region[13]);
/* The region ("" national) of the live category id. */
int store_category_region(store_t *db, int64_t id, char region[13]);
/* Adds a category of c->region ("" national) under parent_id (0: top level; else a live top-level
 * category, or STORE_ENOTFOUND); STORE_ECONSTRAINT when the code is taken. */
int store_category_insert(store_t *db, const store_category_t *c, int position, int64_t now, int64_t *id);
/* Renames a live category; STORE_ENOTFOUND when there is none. */
int store_category_rename(store_t *db, int64_t id, const char *name, const char *name_en, int64_t now);
/* Retires a live category and the categories under it (opinions keep theirs). */
int store_category_retire(store_t *db, int64_t id, int64_t now);

typedef struct {
    int64_t id;
    char tracking_code[OPINION_CODE_LEN + 1];
    char channel[16];
    int64_t station_id, deputy_id, category_id;
    char region[13];
    char *content, *location;                  /* never NULL once read */
    char *name_sealed, *phone_sealed, *address_sealed, *secret_sealed; /* NULL when absent */
    char phone_hash[65], secret_hash[65], phone4[5], idempotency_key[65];
    bool consent_publish;
    opinion_state_t state;
    char disposition[16], urgency[8], tier[12];
    int64_t owner_user_id, owner_deputy_id, master_id, suggestion_id, created_by;
    char *answer, *rating_comment;             /* NULL when absent */
    opinion_rating_t rating;
    int reopens;
    int64_t answered_at, rated_at, triage_due, answer_due, created_at, updated_at, closed_at;
    int64_t reminded_due;                      /* the deadline last announced to its owner */
    int64_t visit_id;                          /* the reception visit where it was raised */
} store_opinion_t;

void store_opinion_free(store_opinion_t *o);

/* Inserts o (its id is ignored). STORE_ECONSTRAINT when the tracking code is taken already: then
 * nothing is written and the transaction goes on, so the caller may draw another code. */
int store_opinion_insert(store_t *db, const store_opinion_t *o, int64_t *id);
/* Writes back every field that changes after intake (state, triage, handling, answer, rating). */
int store_opinion_save(store_t *db, const store_opinion_t *o);
/* STORE_ENOTFOUND when there is none. out may be freed with store_opinion_free whatever the
 * result. */
int store_opinion_get(store_t *db, int64_t id, store_opinion_t *out);
int store_opinion_by_code(store_t *db, const char *code, store_opinion_t *out);
int store_opinion_by_idempotency(store_t *db, const char *key, store_opinion_t *out);

/* A list query; zero/NULL fields do not filter. */
typedef struct {
    const char *region_lo, *region_hi; /* the scope's code range (region_subtree_upper) */
    const char *state;
    int64_t category_id, station_id, deputy_id, unit_id; /* unit: opinions referred to it */
    int64_t owner_user_id;
    const char *channel;
    int64_t due_from, due_to;           /* the current deadline within [from, to] (flags) */
    int64_t created_from, created_to;
    bool open_only;                     /* registered, triaged or in progress */
    bool answered, rated, satisfied;    /* with an answer; rated; rated satisfied or basic */
    int64_t master_id;                  /* the items merged into this one */
    int64_t before_id;                  /* keyset paging: ids below this, newest first */
    int limit;
} store_opinion_filter_t;

/* Each matching opinion, newest first; fn may return non-zero to stop. */
int store_opinions_each(store_t *db, const store_opinion_filter_t *f,
                        int (*fn)(const store_opinion_t *o, void *arg), void *arg);
/* How many opinions the filter selects (at most f->limit when it is set: give the largest count
 * you care about plus one, and the count stops there). */
int store_opinions_count(store_t *db, const store_opinion_filter_t *f, int64_t *n);
/* The same rows as store_opinions_each, one at a time, for an export that reads them in pieces:
 * open, then next until it gives STORE_DONE (STORE_ROW: *o is filled; free it with
 * store_opinion_free), then close. The cursor holds a statement of db, so db must not be used for
 * anything else meanwhile. */
typedef struct {
    store_stmt_t *st;
} store_opinion_cursor_t;
int store_opinions_open(store_t *db, const store_opinion_filter_t *f, store_opinion_cursor_t *c);
int store_opinions_next(store_opinion_cursor_t *c, store_opinion_t *o);
void store_opinions_close(store_opinion_cursor_t *c);
/* Indexed reads for what does not filter by region (each calls fn per opinion, as above):
 * the items merged into master; open items whose current deadline lies in [from, to]; answered
 * items answered before `before` (at most limit); a station's items created in [from, to]
 * (to 0: no end), oldest first. */
int store_opinions_merged_into(store_t *db, int64_t master, int (*fn)(const store_opinion_t *o, void *arg), void *arg);
int store_opinions_due_between(store_t *db, int64_t from, int64_t to, int (*fn)(const store_opinion_t *o, void *arg),
                               void *arg);
int store_opinions_answered_before(store_t *db, int64_t before, int limit,
                                   int (*fn)(const store_opinion_t *o, void *arg), void *arg);
int store_opinions_of_station(store_t *db, int64_t station, int64_t from, int64_t to,
                              int (*fn)(const store_opinion_t *o, void *arg), void *arg);
/* The opinions raised at a reception visit, oldest first. */
int store_opinions_of_visit(store_t *db, int64_t visit, int (*fn)(const store_opinion_t *o, void *arg), void *arg);
/* The deadline an opinion in this state is working towards (0: none). */
int64_t store_opinion_current_due(const store_opinion_t *o);

/* Figures of one (category, channel) pair over the opinions a filter selects (its region,
 * station and creation period; other fields are ignored). */
typedef struct {
    int64_t category_id;
    const char *channel;
    int64_t collected, answered, rated, satisfied, overdue;
} store_opinion_figures_t;

/* One row per (category, channel) present; overdue counts open items whose deadline passed
 * before now. */
int store_opinion_figures(store_t *db, const store_opinion_filter_t *f, int64_t now,
                          int (*fn)(const store_opinion_figures_t *row, void *arg), void *arg);

typedef struct {
    int64_t id, opinion_id, at, actor_id;
    const char *actor, *action, *from_state, *to_state, *note, *public_note;
    const char *actor_name; /* the account's display name when read back ("" for none) */
} store_opinion_event_t;

int store_opinion_event_add(store_t *db, const store_opinion_event_t *e);
/* The timeline, oldest first. */
int store_opinion_events_each(store_t *db, int64_t opinion_id,
                              int (*fn)(const store_opinion_event_t *e, void *arg), void *arg);

typedef struct {
    int64_t id, opinion_id, unit_id;
    referral_state_t state;
    int64_t due;
    bool extension_pending;
    int extension_days;
    char extension_reason[1024];
    char *reply;                /* NULL when absent; owned (store_referral_free) */
    char unit_name[256];        /* read only */
    int64_t created_at, updated_at;
} store_referral_t;

void store_referral_free(store_referral_t *r);
int store_referral_insert(store_t *db, const store_referral_t *r, int64_t *id);
int store_referral_save(store_t *db, const store_referral_t *r);
int store_referral_get(store_t *db, int64_t id, store_referral_t *out);
/* An opinion's referrals, oldest first. */
int store_referrals_of(store_t *db, int64_t opinion_id, int (*fn)(const store_referral_t *r, void *arg), void *arg);
/* A unit's referrals, newest first, below before_id (0: from the newest); open_only keeps those
 * still to be acted on (sent or accepted, while their opinion is in progress). */
int store_referrals_of_unit(store_t *db, int64_t unit_id, bool open_only, int64_t before_id, int limit,
                            int (*fn)(const store_referral_t *r, void *arg), void *arg);

/* Marks the deadline an owner or unit was reminded of. */
int store_opinion_set_reminded(store_t *db, int64_t id, int64_t due);
int store_referral_set_reminded(store_t *db, int64_t id, int64_t due);
/* Open referrals (of opinions in progress) due within [from, to] whose unit has not been
 * reminded of that deadline. */
int store_referrals_due(store_t *db, int64_t from, int64_t to, int (*fn)(const store_referral_t *r, void *arg),
                        void *arg);

/* Attachments (images and PDFs, checked before they get here). */
int store_attachment_add(store_t *db, int64_t opinion_id, const char *mime, const void *data, size_t len, int64_t now);
typedef struct {
    int64_t id, opinion_id;
    const char *mime;
    size_t bytes;
    const void *data; /* NULL in lists */
} store_attachment_t;
int store_attachments_of(store_t *db, int64_t opinion_id, int (*fn)(const store_attachment_t *a, void *arg), void *arg);
/* One attachment with its bytes, valid during fn. */
int store_attachment_get(store_t *db, int64_t id, int (*fn)(const store_attachment_t *a, void *arg), void *arg);

/* A draft suggestion grown from an opinion. */
int store_suggestion_draft(store_t *db, int64_t deputy_id, const char *region, const char *title,
                           const char *content, int64_t opinion_id, int64_t now, int64_t *id);

/* A notification to deliver, in the caller's transaction. */
int store_outbox_add(store_t *db, const char *event, const char *recipient, const char *payload, int64_t now);
/* (what is due, tries and dead letters: store/outbox.h) */

#endif
