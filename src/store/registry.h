/*
 * registry store: one set of generic statements per registry entity, built once from the field
 * tables of domain/registry.h (never from input), and the relations between records: a
 * station's deputies and a deputy's seats in congresses.
 *
 * Call store_registry_init once before any thread uses the store. Returns STORE_OK,
 * STORE_ENOTFOUND, STORE_ECONSTRAINT or another STORE_E* code.
 */
#ifndef LIAISON_STORE_REGISTRY_H
#define LIAISON_STORE_REGISTRY_H

#include "core/buf.h"
#include "domain/registry.h"
#include "store/store.h"

typedef struct {
    int64_t id;
    registry_value_t values[REGISTRY_MAX_FIELDS];
    int64_t created_at, updated_at;
    buf_t text; /* holds the values' text; release with store_registry_row_free */
} store_registry_row_t;

typedef struct {
    const char *lo, *hi; /* region subtree [lo, hi), or NULL for everywhere */
    const char *q;       /* substring of the name (and address or occupation), or NULL */
    int64_t after;       /* keyset paging: ids greater than this */
    int limit;
    int64_t station_id;  /* deputies of this station only (0: any) */
} store_registry_filter_t;

void store_registry_init(void);
/* The list statement's SQL, for tests that check its query plan. */
const char *store_registry_list_sql(const registry_entity_t *e, bool by_region);
void store_registry_row_free(store_registry_row_t *row);

int store_registry_get(store_t *db, const registry_entity_t *e, int64_t id, store_registry_row_t *row);
/* The region of a live record (for scope checks on references). */
int store_registry_region(store_t *db, const registry_entity_t *e, int64_t id, char region[13]);
/* The name of a live record (STORE_ENOTFOUND for none or a deleted one). */
int store_registry_name(store_t *db, const registry_entity_t *e, int64_t id, char *name, size_t cap);
/* Calls each(row) in id order; the row is valid only during the call. */
int store_registry_each(store_t *db, const registry_entity_t *e, const store_registry_filter_t *filter,
                        int (*each)(const store_registry_row_t *row, void *arg), void *arg);
/* Records with coordinates (stations), nearest to (lat, lng) first, within [lo, hi) if given. */
int store_registry_near(store_t *db, const registry_entity_t *e, double lat, double lng, const char *lo,
                        const char *hi, int limit, int (*each)(const store_registry_row_t *row, void *arg), void *arg);
int store_registry_insert(store_t *db, const registry_entity_t *e, const registry_value_t *values, int64_t now,
                          int64_t *id);
/* For bulk loads: inserts without indexing the searchable text; call store_registry_index_from
 * with the largest id before the load once the rows are in. */
int store_registry_insert_unindexed(store_t *db, const registry_entity_t *e, const registry_value_t *values,
                                    int64_t now, int64_t *id);
int store_registry_index_from(store_t *db, const registry_entity_t *e, int64_t after_id);
/* The largest id the table has used (0 when empty). */
int store_registry_max_id(store_t *db, const registry_entity_t *e, int64_t *max);
/* Changes only the fields that are set. */
int store_registry_update(store_t *db, const registry_entity_t *e, int64_t id, const registry_value_t *values,
                          int64_t now);
/* Soft delete: the record disappears from reads but its history stays. */
int store_registry_delete(store_t *db, const registry_entity_t *e, int64_t id, int64_t now);

/* 混合编组进站: replaces the set of stations a deputy belongs to. */
int store_deputy_set_stations(store_t *db, int64_t deputy_id, const int64_t *stations, int n);
/* Calls each(station_id) for the deputy's stations. */
int store_deputy_stations(store_t *db, int64_t deputy_id, int (*each)(int64_t station_id, void *arg), void *arg);

/* A seat in a congress: a person may sit at several levels at once. */
typedef struct {
    int64_t congress_id;
    const char *district; /* 选区 or electing unit */
    int level;            /* filled when read */
    const char *name;     /* the congress's name, when read */
} store_seat_t;

/* Replaces the deputy's seats. */
int store_deputy_set_seats(store_t *db, int64_t deputy_id, const store_seat_t *seats, int n);
int store_deputy_seats(store_t *db, int64_t deputy_id, int (*each)(const store_seat_t *seat, void *arg), void *arg);
/* A record about to be written, for the rules that link it to others. */
typedef struct {
    const registry_entity_t *e;
    int64_t id;                     /* 0 for a new record */
    const registry_value_t *values; /* the fields being set */
    const store_registry_row_t *old; /* the record as stored, or NULL for a new one */
    const char *region;             /* its region after the write ("" for none) */
    const int64_t *stations;        /* a deputy's new stations */
    int nstations;
    const store_seat_t *seats;      /* a deputy's new seats */
    int nseats;
    const char *scope;              /* the writer's region: seats name congresses over or inside it (NULL: any) */
} store_registry_change_t;

/*
 * Checks the links of a change: references name live records in the same county, a spoke has a
 * hub (a hub or home other than itself), a deputy's stations lie in the deputy's region and seats
 * name congresses over or inside the scope (none of a neighbour's), a congress's level matches its
 * region. STORE_OK, or STORE_EINVALID with the field at fault and a message, or another STORE_E*
 * code when the database can't say.
 */
int store_registry_check_links(store_t *db, const store_registry_change_t *c, const char **field, char *msg,
                               size_t msglen);

/* Whether live stations hang from this one. */
int store_station_has_spokes(store_t *db, int64_t id, bool *has);
/* Calls each(id, name) for the live deputies stationed at station_id, by id. */
int store_station_deputies(store_t *db, int64_t station_id, int (*each)(int64_t id, const char *name, void *arg),
                           void *arg);
/* Calls each(id, name) for the stations whose hub is hub_id, by id. */
int store_station_spokes(store_t *db, int64_t hub_id, int (*each)(int64_t id, const char *name, void *arg),
                         void *arg);

#endif
