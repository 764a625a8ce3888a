/*
 * digest: the weekly digest of a region office (一周一汇总) and the biweekly batch referral
 * (半月一交办), as JSON, text and .xlsx. The builders here are what the HTTP handlers (on a
 * worker, with a read connection of their own), the background ticker and `liaison digest` all
 * use, so the page, the spreadsheet, the outbox and the command line tell the same figures.
 *
 * Builders return a new JSON reference the caller owns, or NULL on a read error.
 */
#ifndef LIAISON_API_DIGEST_H
#define LIAISON_API_DIGEST_H

#include <jansson.h>

#include "core/buf.h"
#include "domain/digest.h"
#include "store/store.h"

/* {region:{code,name}, week, from, to, new, by_category:[{category_id,code,name,count}],
 *  by_region:[{code,name,count}], clusters:[{count, sample:{summary}, ids:[...]}], clustered,
 *  overdue:{count, items:[summary]}} - new opinions of the week in region's subtree by category
 * and by child region, clusters of two or more similar ones, and every open item past its
 * deadline at now. region must be a known code. */
json_t *api_digest_build(store_t *db, const char *region, const digest_week_t *week, int64_t now);
/* The digest as a workbook of three sheets (figures, clusters, overdue); 0 or -1 with err. */
int api_digest_xlsx(const json_t *digest, buf_t *out, char *err, size_t errlen);
/* The digest as plain lines for a terminal. */
void api_digest_text(const json_t *digest, buf_t *out);

/* {region:{code,name}, period, from, to, units:[{unit_id, unit_name, count, items:[{referral_id,
 *  opinion_id, tracking_code, category, content, location, region, urgency, state, sent, due}]}]}:
 * one 交办单 per unit of the open referrals sent in the period (unit_id 0: every unit). */
json_t *api_batch_build(store_t *db, const char *region, const digest_period_t *period, int64_t unit_id);
/* The batch as a workbook with a sheet per unit; 0 or -1 with err. */
int api_batch_xlsx(const json_t *batch, buf_t *out, char *err, size_t errlen);

/* Once the week is over, puts "digest.weekly" for it in the outbox to each admin (user:ID) of
 * each city and county office, once per office and week (digests_sent); in the caller's write
 * transaction. */
int api_digest_send_weekly(store_t *db, int64_t now);

#endif
