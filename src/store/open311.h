/*
 * open311 store: the API keys of Open311 clients, what their posts brought beside the opinion
 * (the point and the key), and the reads the Open311 endpoint makes of opinions (the rows
 * themselves are read with store_opinion_get).
 *
 * Functions return STORE_OK or a negative STORE_E* code (store.h).
 */
#ifndef LIAISON_STORE_OPEN311_H
#define LIAISON_STORE_OPEN311_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

typedef struct {
    int64_t id;
    char name[256];
    char region[13];
    int per_minute;
    int64_t created_by, created_at, revoked_at; /* revoked_at 0: live */
} store_open311_key_t;

/* Adds a key by the hex of its hash; k->id is ignored, *id gets the new one. */
int store_open311_key_insert(store_t *db, const char *key_hash, const store_open311_key_t *k, int64_t *id);
/* The keys of the region subtree [lo, hi), newest first, revoked ones too. */
int store_open311_keys_each(store_t *db, const char *lo, const char *hi,
                            int (*fn)(const store_open311_key_t *k, void *arg), void *arg);
/* A key by id (revoked or not); STORE_ENOTFOUND for none. */
int store_open311_key_get(store_t *db, int64_t id, store_open311_key_t *out);
/* The live key with this hash; STORE_ENOTFOUND when there is none or it was revoked. */
int store_open311_key_by_hash(store_t *db, const char *key_hash, store_open311_key_t *out);
/* Revokes a live key; STORE_ENOTFOUND when it is not live. */
int store_open311_key_revoke(store_t *db, int64_t id, int64_t now);

/* Records that opinion_id came from key_id, at (lat, lng) when has_point. */
int store_open311_request_add(store_t *db, int64_t opinion_id, int64_t key_id, bool has_point, double lat, double lng);
/* The point an Open311 post gave for opinion_id; STORE_ENOTFOUND when it gave none. */
int store_open311_request_point(store_t *db, int64_t opinion_id, double *lat, double *lng);

/* The live station closest above a place: the station of the region itself, else of its township,
 * else one of its county (the lowest id); STORE_ENOTFOUND when the county has none. */
int store_open311_station_for(store_t *db, const char *region, int64_t *station_id);

/* The opinion whose tracking token has this keyed hash; STORE_ENOTFOUND for none. */
int store_open311_by_secret(store_t *db, const char *secret_hash, int64_t *id);

/* GET requests: zero or NULL fields do not filter. states lists the states wanted (NULL-ended;
 * NULL for all). Ids newest first. */
typedef struct {
    const char *region_lo, *region_hi;
    int64_t category_id;
    int64_t created_from, created_to; /* [from, to) */
    const char *const *states;
    int limit;
} store_open311_filter_t;

int store_open311_request_ids(store_t *db, const store_open311_filter_t *f, int (*fn)(int64_t id, void *arg),
                              void *arg);

#endif
