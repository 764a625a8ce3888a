/*
 * digests: SQL of the weekly digest (一周一汇总) and the biweekly batch referral (半月一交办) -
 * the offices a digest goes to and which weeks they have been sent, and the open referrals a
 * half month sent to each unit. The rules (weeks, periods, clusters) are in domain/digest.h.
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h); a callback returning non-zero
 * stops the walk. Text handed to a callback is valid during the call only.
 */
#ifndef LIAISON_STORE_DIGESTS_H
#define LIAISON_STORE_DIGESTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* Each live admin account of a city or county office (the region offices a digest goes to),
 * by region then id. */
int store_digest_offices(store_t *db, int (*fn)(const char *region, int64_t user_id, void *arg), void *arg);
/* Records that region was sent week's digest; *fresh tells whether it had not been before. */
int store_digest_claim(store_t *db, const char *region, const char *week, int64_t now, bool *fresh);

/* A referral of the batch: the unit, the referral and the opinion it is about. */
typedef struct {
    int64_t unit_id;
    const char *unit_name;
    int64_t referral_id;
    const char *state; /* sent | accepted */
    int64_t due, created_at;
    int64_t opinion_id;
    const char *tracking_code, *content, *location, *region, *urgency;
    int64_t category_id;
} store_batch_row_t;

/* The open referrals (sent or accepted, their opinion in progress) sent in [from, to] about
 * opinions of the subtree [lo, hi); unit_id 0: every unit. By unit, then oldest first. */
int store_batch_referrals(store_t *db, const char *lo, const char *hi, int64_t from, int64_t to, int64_t unit_id,
                          int (*fn)(const store_batch_row_t *row, void *arg), void *arg);

#endif
