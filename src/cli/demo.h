/* demo: what `liaison demo` builds, split by subject (demo.c the county, demo_opinions.c its
 * opinions). */
#ifndef LIAISON_CLI_DEMO_H
#define LIAISON_CLI_DEMO_H

#include <stdint.h>

#include "auth/vault.h"
#include "store/store.h"

#define DEMO_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Thirty opinions sent to station over the last ten weeks, in every state of the loop, some
 * referred to unit. vault may be NULL (no data directory): then they carry no personal data. */
int demo_opinions(store_t *db, const vault_t *vault, int64_t station, int64_t unit);
/* One county regulation open for comment (立法征求意见), with two comments, one of them from a
 * meeting at station. vault may be NULL: then the comment carries no sealed name. */
int demo_consultation(store_t *db, const vault_t *vault, int64_t station);
/* A weekly reception day with its roster at station, its coming days, two bookings, a 视察 next
 * week and last month's reception day held and recorded. vault may be NULL: then the bookings
 * carry no sealed name or phone. */
int demo_reception(store_t *db, const vault_t *vault, int64_t station);
/* Eight suggestions of deputy to congress, one in each stage from draft to closed, assigned to
 * unit (and the department after it as co-unit). */
int demo_suggestions(store_t *db, int64_t congress, int64_t deputy, int64_t unit);
/* Three secret ballots of congress (票决): a published 差额票决 of departments with its count, an
 * open one on livelihood projects every seated deputy (the demo deputy too) may vote in, and a
 * draft. vault may be NULL: then the demo papers' receipts cannot be checked. */
int demo_ballots(store_t *db, const vault_t *vault, int64_t congress);
/* Six duty records of deputy over the past weeks: four confirmed or rejected by staff, two
 * pending (one a home visit with its photo) for the staff's queue. */
int demo_duties(store_t *db, int64_t deputy);

/* The demo member account linked to five deputies of county (the demo deputy first) with two
 * contacts logged; once, after the accounts exist. */
int demo_members(store_t *db, const char *county);

#endif
