/*
 * campaigns: SQL for campaigns (主题活动, SPEC §4a) - the campaign, its regions, deputies, groups
 * and tasks, and the activities, visits and opinions tagged to it. A task's progress is counted
 * here from the tagged rows; the handlers decide who may change what.
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h): STORE_ENOTFOUND for a missing
 * record, STORE_ECONSTRAINT for an item tagged already. Everything read is copied into the
 * caller's structs or handed to a callback, valid only during the call; nothing to free.
 */
#ifndef LIAISON_STORE_CAMPAIGNS_H
#define LIAISON_STORE_CAMPAIGNS_H

#include <stdint.h>

#include "store/store.h"

enum {
    STORE_CAMPAIGN_THEME_MAX = 50,   /* characters */
    STORE_CAMPAIGN_TITLE_MAX = 100,
    STORE_CAMPAIGN_TEXT_MAX = 2000,
};

typedef struct {
    int64_t id;
    char region[13];                             /* the office that runs it */
    char theme[4 * STORE_CAMPAIGN_THEME_MAX + 1]; /* UTF-8: up to 4 bytes a character */
    char title[4 * STORE_CAMPAIGN_TITLE_MAX + 1];
    char description[4 * STORE_CAMPAIGN_TEXT_MAX + 1];
    char starts_on[11], ends_on[11];             /* YYYY-MM-DD */
    int64_t starts_at, ends_at;                  /* first and last second of the period, UTC */
    int64_t created_by, created_at, updated_at;
} store_campaign_t;

/* A task: deputy_id or group_id (the other 0), what it counts and how many. */
typedef struct {
    int64_t id, deputy_id, group_id;
    const char *title;
    const char *counts; /* activity, visit or opinion */
    int target;
    const char *who;    /* the deputy's or group's name, when read */
} store_campaign_task_t;

int store_campaign_insert(store_t *db, const store_campaign_t *c, int64_t *id);
/* Writes back region, theme, title, description, period and updated_at. */
int store_campaign_save(store_t *db, const store_campaign_t *c);
int store_campaign_get(store_t *db, int64_t id, store_campaign_t *out);

/* Replace the campaign's regions, deputies, groups or tasks with the given ones; a task's deputy
 * or group is made a participant too (set tasks after deputies and groups). */
int store_campaign_set_regions(store_t *db, int64_t id, const char (*codes)[13], int n);
int store_campaign_set_deputies(store_t *db, int64_t id, const int64_t *deputies, int n);
int store_campaign_set_groups(store_t *db, int64_t id, const int64_t *groups, int n);
int store_campaign_set_tasks(store_t *db, int64_t id, const store_campaign_task_t *tasks, int n);

/* The campaign's regions (code, name) by code; deputies and groups (id, name) by id. */
int store_campaign_regions_each(store_t *db, int64_t id, int (*fn)(const char *code, const char *name, void *arg),
                                void *arg);
int store_campaign_deputies_each(store_t *db, int64_t id, int (*fn)(int64_t id, const char *name, void *arg),
                                 void *arg);
int store_campaign_groups_each(store_t *db, int64_t id, int (*fn)(int64_t id, const char *name, void *arg),
                               void *arg);
/* The tasks in order, each with done: the tagged items of its kind that its deputy (or a deputy
 * of its group) took part in - for an activity its deputies (those not marked absent), for a
 * visit the deputies of its activity, for an opinion the deputy it was sent or given to. */
int store_campaign_tasks_each(store_t *db, int64_t id,
                              int (*fn)(const store_campaign_task_t *t, int64_t done, void *arg), void *arg);

/* Campaigns newest first (by start, then id). With region (a valid code): those with a region
 * inside its subtree [lo, hi) or one of the ancestors given (the region itself and those above
 * it). limit rows at most. */
typedef struct {
    const char *lo, *hi;
    const char *ancestors[6];
    int nancestors;
    int limit;
} store_campaign_filter_t;

int store_campaigns_each(store_t *db, const store_campaign_filter_t *f,
                         int (*fn)(const store_campaign_t *c, int64_t tagged, void *arg), void *arg);

/* Where and when an activity, visit or opinion lies: its region, its time (an activity's start,
 * a visit's or opinion's creation) and its state ("" for a visit). STORE_ENOTFOUND for none. */
int store_campaign_item_place(store_t *db, const char *kind, int64_t item, char region[13], int64_t *at,
                              char state[16]);
/* STORE_ECONSTRAINT when the item is tagged to the campaign already (nothing written). */
int store_campaign_tag(store_t *db, int64_t campaign, const char *kind, int64_t item, int64_t by, int64_t now);
/* STORE_ENOTFOUND when it was not tagged. */
int store_campaign_untag(store_t *db, int64_t campaign, const char *kind, int64_t item);

/* A tagged item as lists and figures see it. */
typedef struct {
    const char *kind;
    int64_t id;
    const char *region;
    int64_t at;            /* as in store_campaign_item_place */
    int64_t tagged_at;
    const char *label;     /* an activity's (or a visit's activity's) title, an opinion's tracking code */
    const char *activity_kind; /* an activity's kind, else "" */
    int64_t station_id;
    const char *station_name;
} store_campaign_item_t;

/* Every item tagged to the campaign, by time. */
int store_campaign_items_each(store_t *db, int64_t id, int (*fn)(const store_campaign_item_t *item, void *arg),
                              void *arg);

#endif
