/*
 * registry: the records of SPEC §2 described as data. Each entity (congress, unit, station,
 * group, deputy) is a table of fields with their kind, limits and labels; the API, the CSV import
 * and export, and the store all read the same table, so a field is declared once.
 *
 * registry_parse turns one field's text (from JSON or a CSV cell) into a typed value, or says
 * what is wrong with it in a sentence that names no field (the caller names it).
 */
#ifndef LIAISON_DOMAIN_REGISTRY_H
#define LIAISON_DOMAIN_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    FIELD_TEXT,   /* min..max characters */
    FIELD_INT,    /* min..max */
    FIELD_REAL,   /* min..max */
    FIELD_REGION, /* a 12-digit region code */
    FIELD_REF,    /* the id of another record (ref names its entity) */
    FIELD_CHOICE, /* one of choices */
    FIELD_BOOL,
} field_kind_t;

typedef struct {
    const char *name;     /* JSON key, CSV header and column */
    const char *label;    /* Chinese CSV header */
    field_kind_t kind;
    bool required;
    long min, max;
    const char *const *choices; /* FIELD_CHOICE: NULL-terminated */
    const char *ref;            /* FIELD_REF: entity name */
    bool hidden;                /* stored but never shown as is (sealed personal data) */
} registry_field_t;

typedef struct {
    const char *name;   /* "station": singular, the policy action prefix */
    const char *plural; /* "stations": the route */
    const char *table;
    const char *search; /* its trigram search table, or NULL to search names */
    const char *search_text; /* the SQL expression over its columns that the search table holds */
    const registry_field_t *fields;
    int nfields;
} registry_entity_t;

typedef struct {
    bool set;   /* the field was given */
    bool null;  /* given as empty/null: clears an optional field */
    const char *text;
    int64_t i;
    double d;
} registry_value_t;

enum { REGISTRY_MAX_FIELDS = 24 };

/* The entity called name ("station" or "stations"), or NULL. */
const registry_entity_t *registry_entity(const char *name);
/* Every entity, NULL-terminated. */
const registry_entity_t *const *registry_entities(void);
/* Index of the named field (JSON key or Chinese label), or -1. */
int registry_field_index(const registry_entity_t *e, const char *name);
/* Parses text for field f into out; NULL on success, else what is wrong. text "" means null. */
const char *registry_parse(const registry_field_t *f, const char *text, registry_value_t *out);
/* The first required field missing from values, or NULL (for creation). */
const registry_field_t *registry_missing(const registry_entity_t *e, const registry_value_t *values);

/* Index of the field holding the record's region (every entity has one). */
int registry_region_field(const registry_entity_t *e);
/*
 * Whether a record in region may name a record in target through field (both 12-digit codes):
 * a spoke's hub, a group's leader and station, a deputy's group lie in the same county; a
 * deputy's stations lie inside the deputy's own region. NULL when allowed, else why not.
 */
const char *registry_reference_problem(const registry_entity_t *e, const char *field, const char *region,
                                       const char *target);
/* A congress's level matches its region: national has none, provincial a province, and so on. */
const char *registry_congress_problem(int64_t level, const char *region);
/* A deputy's station lies inside the deputy's region. NULL when allowed, else why not. */
const char *registry_station_problem(const char *deputy_region, const char *station_region);

/* Great-circle distance in metres between two points in degrees (haversine). */
double registry_distance_m(double lat1, double lng1, double lat2, double lng2);
/* Parses "lat,lng" in degrees; false when it is not two numbers in range. */
bool registry_parse_point(const char *text, double *lat, double *lng);

/* The column a field is stored in ("region" lives in region_code, "phone" in phone_sealed). */
const char *registry_column(const registry_field_t *f);
/* Fills unset optional fields with their defaults, for a new record: "" for text, the first
 * choice, false. */
void registry_defaults(const registry_entity_t *e, registry_value_t *values);

/* The public page a record's QR code opens: BASE/station.html?id=N&via=qr (base without a
 * trailing slash; via=qr marks what is sent from it as scanned). Writes at most cap bytes. */
void registry_qr_url(char *out, size_t cap, const char *base, const registry_entity_t *e, int64_t id);

#endif
