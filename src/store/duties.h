/*
 * duties: SQL for duty records (履职记录) and their photos (migrations/016_duties.sql).
 *
 * A record is one thing a deputy did. Typed ones (source "manual") wait for staff to confirm
 * them; the modules where a duty happened write theirs confirmed (017_duty_sources.sql). Scores,
 * rules and obligations live in scores.h; this file keeps to the records.
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h). Records read from the store
 * own their strings: store_duty_record_free.
 */
#ifndef LIAISON_STORE_DUTIES_H
#define LIAISON_STORE_DUTIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct {
    int64_t id;
    int64_t deputy_id;
    char *deputy_name; /* owned; read only */
    char region[13];   /* the deputy's; set by the store on insert */
    char kind[16];     /* a duty_rules.kind */
    char *title;       /* owned */
    char *body;        /* owned; "" when none */
    char happened_on[11];
    char source[16];   /* manual, activity, visit, opinion, suggestion, cosign, ballot, campaign */
    int64_t source_id; /* 0 for manual */
    char state[12];    /* pending, confirmed, rejected */
    char *reason;      /* owned; NULL unless rejected with one */
    int64_t created_by, confirmed_by, confirmed_at; /* 0 when none */
    int64_t created_at, updated_at;
    char *photos; /* owned; read only: the photo ids as a JSON array, "[3,5]" */
} store_duty_record_t;

void store_duty_record_free(store_duty_record_t *r);

/* STORE_ENOTFOUND when there is no such record. */
int store_duty_record_get(store_t *db, int64_t id, store_duty_record_t *out);

/* Which records a list shows, newest (highest id) first. Zero or NULL fields match anything. */
typedef struct {
    const char *region_lo, *region_hi; /* a region subtree: lo <= region_code < hi */
    int64_t deputy_id;
    int64_t member_user_id; /* only deputies linked to this member (member_deputies) */
    const char *state;
    const char *kind;
    const char *from, *to; /* happened_on from..to, inclusive ("YYYY-MM-DD") */
    int64_t before_id;     /* records with a smaller id only */
    int limit;
} store_duty_filter_t;

/* Calls fn for each record the filter keeps until fn returns non-zero. */
int store_duty_records_each(store_t *db, const store_duty_filter_t *f,
                            int (*fn)(const store_duty_record_t *r, void *arg), void *arg);

/* A typed record (source manual) of r->deputy_id; its region is the deputy's. STORE_ENOTFOUND
 * when the deputy does not exist (or was deleted); STORE_ECONSTRAINT when the same record is
 * there already (duty_records_typed_once). */
int store_duty_record_insert(store_t *db, const store_duty_record_t *r, int64_t now, int64_t *id);
/* Writes kind, title, body, happened_on, state, reason, confirmed_by and confirmed_at back. */
int store_duty_record_save(store_t *db, const store_duty_record_t *r, int64_t now);
/* Deletes the record and its photos. */
int store_duty_record_delete(store_t *db, int64_t id);
/* The id of another typed, not rejected record of the deputy with this kind, day and title (the
 * same record entered twice), or 0 in *other. except is the record being edited (0: none). */
int store_duty_record_twin(store_t *db, const store_duty_record_t *r, int64_t except, int64_t *other);
/* The evidence a kind's rule asks for ("none", "text", "photo") into out; STORE_ENOTFOUND for
 * a kind with no rule. */
int store_duty_kind_evidence(store_t *db, const char *kind, char out[8]);
/* Whether the member account keeps in touch with the deputy (常委会组成人员联系代表). */
int store_duty_member_linked(store_t *db, int64_t member_user_id, int64_t deputy_id, bool *linked);

/* ---- photos ---- */

typedef struct {
    int width, height;
    const void *jpeg, *thumb;
    size_t jpeg_len, thumb_len;
} store_duty_photo_t;

int store_duty_photo_add(store_t *db, int64_t record, const store_duty_photo_t *p, int64_t now, int64_t *id);
int store_duty_photo_count(store_t *db, int64_t record, int *count);
/* Calls fn with the photo's JPEG (or its thumbnail) while the statement holds it; STORE_ENOTFOUND
 * when the record has no such photo. */
int store_duty_photo_read(store_t *db, int64_t record, int64_t photo, bool thumb,
                          void (*fn)(const void *data, size_t len, void *arg), void *arg);

#endif
