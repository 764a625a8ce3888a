/*
 * audit: the append-only record of who did what to which record, when and from where. The
 * table refuses UPDATE and DELETE by trigger. Reads of constituents' personal data are written
 * here too (action "personal.read").
 */
#ifndef LIAISON_STORE_AUDIT_H
#define LIAISON_STORE_AUDIT_H

#include <stdint.h>

#include "store/store.h"

typedef struct {
    int64_t id;
    int64_t at;
    int64_t actor_id; /* 0: the public or the command line */
    const char *actor;
    const char *action;
    const char *entity;
    const char *entity_id;
    const char *region; /* the region the record belongs to, for scoped reading; may be "" */
    const char *ip;
    const char *detail;
} store_audit_t;

int store_audit_append(store_t *db, const store_audit_t *a);
/* Entries at or after since (and, when lo is set, of regions in [lo, hi)), oldest first, from
 * after_id on; each gets a view valid only during the call. */
int store_audit_each(store_t *db, int64_t since, const char *lo, const char *hi, int64_t after_id,
                     int limit, int (*each)(const store_audit_t *a, void *arg), void *arg);

#endif
