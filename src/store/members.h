/*
 * members: SQL for standing-committee members' links to deputies (常委会组成人员联系代表) and
 * their contact log (migrations/016_duties.sql). A member is an account of role member; the
 * office links each to the deputies they keep in touch with (4 to 7 is the rule, which the API
 * warns about and does not enforce).
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h). Text passed to a callback is
 * valid only during the call.
 */
#ifndef LIAISON_STORE_MEMBERS_H
#define LIAISON_STORE_MEMBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Calls fn for each enabled member account of the region subtree [lo, hi) with an id above
 * after, by id, at most limit of them, until fn returns non-zero. */
int store_members_each(store_t *db, const char *lo, const char *hi, int64_t after, int limit,
                       int (*fn)(int64_t user_id, const char *display_name, const char *region, void *arg), void *arg);

/* A deputy linked to a member. */
typedef struct {
    int64_t id;
    const char *name;
    const char *region;
    int64_t linked_at;
} store_member_deputy_t;

/* Calls fn for each live deputy linked to the member, by deputy id, until fn returns non-zero. */
int store_member_deputies_each(store_t *db, int64_t member_user_id,
                               int (*fn)(const store_member_deputy_t *d, void *arg), void *arg);
/* Replaces the member's links with the n deputies of ids (a link kept keeps its linked_at). */
int store_member_deputies_set(store_t *db, int64_t member_user_id, const int64_t *ids, size_t n, int64_t now);
/* (Whether a member keeps in touch with a deputy: store_duty_member_linked in store/duties.h.) */

/* One entry of a member's contact log. */
typedef struct {
    int64_t id;
    int64_t member_user_id;
    int64_t deputy_id;
    const char *deputy_name; /* read only */
    char happened_on[11];
    char channel[12]; /* visit, phone, meeting, online, other */
    const char *note;
    int64_t created_at;
} store_member_contact_t;

int store_member_contact_add(store_t *db, const store_member_contact_t *c, int64_t now, int64_t *id);
/* STORE_ENOTFOUND when the member has no such entry. Text of out is valid until the next call. */
int store_member_contact_get(store_t *db, int64_t member_user_id, int64_t id,
                             int (*fn)(const store_member_contact_t *c, void *arg), void *arg);
/* Calls fn for the member's entries (of deputy_id only, unless 0), latest written first (by id),
 * with an id below before (0: any), at most limit, until fn returns non-zero. */
int store_member_contacts_each(store_t *db, int64_t member_user_id, int64_t deputy_id, int64_t before, int limit,
                               int (*fn)(const store_member_contact_t *c, void *arg), void *arg);
/* The day of the member's last contact with the deputy into out; "" when none. */
int store_member_last_contact(store_t *db, int64_t member_user_id, int64_t deputy_id, char out[11]);
/* Suggestions the deputy leads that are still open (submitted and neither closed nor turned into
 * a letter). */
int store_member_open_suggestions(store_t *db, int64_t deputy_id, int64_t *count);

#endif
