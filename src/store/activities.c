/* activities: SQL for reception days, activities, bookings and visits (see activities.h). */
#include "store/activities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Steps st to its end, calling each(st, arg) per row until it returns non-zero; hands st back. */
static int each_row(store_stmt_t *st, int (*each)(store_stmt_t *st, void *arg), void *arg)
{
    int rc;
    while ((rc = store_step(st)) == STORE_ROW)
        if (each(st, arg))
            break;
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

/* Reads the one row st selects into out with read; STORE_ENOTFOUND when there is none. */
static int one_row(store_stmt_t *st, void (*read)(store_stmt_t *st, void *out), void *out)
{
    int rc = store_step(st);
    if (rc == STORE_ROW)
        read(st, out);
    store_done(st);
    return rc == STORE_ROW ? STORE_OK : rc == STORE_DONE ? STORE_ENOTFOUND : rc;
}

/* The ids as a JSON array ("[3,5]") for json_each, or NULL when out of memory. */
static char *ids_json(const int64_t *ids, size_t n)
{
    size_t cap = 3 + n * 21; /* brackets, the NUL, and each id with its comma */
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    size_t len = (size_t)snprintf(out, cap, "[");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%lld", i ? "," : "", (long long)ids[i]);
    snprintf(out + len, cap - len, "]");
    return out;
}

typedef struct {
    int (*fn)(const store_duty_t *d, void *arg);
    void *arg;
} duty_walk_t;

static int duty_row(store_stmt_t *st, void *arg)
{
    duty_walk_t *w = arg;
    store_duty_t d = {store_col_int(st, 0), store_col_text(st, 1),
                      store_col_null(st, 2) ? -1 : (int)store_col_int(st, 2)};
    return w->fn(&d, w->arg);
}

/* ---- reception rules ---- */

#define RULE_COLUMNS "id, station_id, region_code, rule, place, capacity, created_at, updated_at"

void store_rule_free(store_rule_t *r)
{
    free(r->place);
    r->place = NULL;
}

static void read_rule(store_stmt_t *st, void *out)
{
    store_rule_t *r = out;
    memset(r, 0, sizeof(*r));
    r->id = store_col_int(st, 0);
    r->station_id = store_col_int(st, 1);
    copy(r->region, sizeof(r->region), store_col_text(st, 2));
    copy(r->rule, sizeof(r->rule), store_col_text(st, 3));
    r->place = strdup(store_col_text(st, 4));
    r->capacity = (int)store_col_int(st, 5);
    r->created_at = store_col_int(st, 6);
    r->updated_at = store_col_int(st, 7);
}

int store_rule_insert(store_t *db, const store_rule_t *r, int64_t now, int64_t *id)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO reception_rules (station_id, region_code, rule, place, capacity,"
                                         " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, r->station_id);
    store_bind_text(st, 2, r->region);
    store_bind_text(st, 3, r->rule);
    store_bind_text(st, 4, r->place ? r->place : "");
    store_bind_int(st, 5, r->capacity);
    store_bind_int(st, 6, now);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_rule_save(store_t *db, const store_rule_t *r, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "UPDATE reception_rules SET rule = $2, place = $3, capacity = $4,"
                                         " updated_at = $5 WHERE id = $1 AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, r->id);
    store_bind_text(st, 2, r->rule);
    store_bind_text(st, 3, r->place ? r->place : "");
    store_bind_int(st, 4, r->capacity);
    store_bind_int(st, 5, now);
    return store_run(st);
}

int store_rule_delete(store_t *db, int64_t id, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "UPDATE reception_rules SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_ENOTFOUND : rc;
}

int store_rule_get(store_t *db, int64_t id, store_rule_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st = store_prepare(db, "SELECT " RULE_COLUMNS " FROM reception_rules WHERE id = $1 AND deleted_at IS NULL");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    return one_row(st, read_rule, out);
}

typedef struct {
    int (*fn)(const store_rule_t *r, void *arg);
    void *arg;
} rule_walk_t;

static int rule_row(store_stmt_t *st, void *arg)
{
    rule_walk_t *w = arg;
    store_rule_t r;
    read_rule(st, &r);
    int stop = w->fn(&r, w->arg);
    store_rule_free(&r);
    return stop;
}

int store_rules_each(store_t *db, int64_t station, int (*fn)(const store_rule_t *r, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " RULE_COLUMNS " FROM reception_rules"
                                         " WHERE ($1 = 0 OR station_id = $1) AND deleted_at IS NULL ORDER BY id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, station);
    rule_walk_t w = {fn, arg};
    return each_row(st, rule_row, &w);
}

int store_rule_roster_set(store_t *db, int64_t rule, const int64_t *deputies, size_t n)
{
    store_stmt_t *st = store_prepare(db, "DELETE FROM rule_duties WHERE rule_id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, rule);
    int rc = store_run(st);
    char *ids = rc == STORE_OK ? ids_json(deputies, n) : NULL;
    if (ids && (st = store_prepare(db, "INSERT OR IGNORE INTO rule_duties (rule_id, deputy_id)"
                                       " SELECT $1, value FROM json_each($2)")) != NULL) {
        store_bind_int(st, 1, rule);
        store_bind_text(st, 2, ids);
        rc = store_run(st);
    } else if (rc == STORE_OK) {
        rc = STORE_ERR;
    }
    free(ids);
    return rc;
}

int store_rule_roster_each(store_t *db, int64_t rule, int (*fn)(const store_duty_t *d, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT d.id, d.name, NULL FROM rule_duties r JOIN deputies d ON d.id = r.deputy_id"
                                         " WHERE r.rule_id = $1 ORDER BY d.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, rule);
    duty_walk_t w = {fn, arg};
    return each_row(st, duty_row, &w);
}

/* ---- activities ---- */

#define ACTIVITY_COLUMNS                                                                                   \
    "a.id, a.station_id, coalesce(a.rule_id, 0), a.region_code, a.kind, a.title, a.description, a.place, "   \
    "s.name, a.starts_at, a.ends_at, a.capacity, a.booked, a.state, coalesce(a.visitors, -1), a.summary, "  \
    "coalesce(a.recorded_by, 0), coalesce(a.recorded_at, 0), a.created_at, a.updated_at"

void store_activity_free(store_activity_t *a)
{
    STORE_FREE_TEXTS(&a->title, &a->description, &a->place, &a->station_name, &a->summary);
}

static void read_activity(store_stmt_t *st, void *out)
{
    store_activity_t *a = out;
    memset(a, 0, sizeof(*a));
    a->id = store_col_int(st, 0);
    a->station_id = store_col_int(st, 1);
    a->rule_id = store_col_int(st, 2);
    copy(a->region, sizeof(a->region), store_col_text(st, 3));
    copy(a->kind, sizeof(a->kind), store_col_text(st, 4));
    a->title = strdup(store_col_text(st, 5));
    a->description = strdup(store_col_text(st, 6));
    a->place = strdup(store_col_text(st, 7));
    a->station_name = strdup(store_col_text(st, 8));
    a->starts_at = store_col_int(st, 9);
    a->ends_at = store_col_int(st, 10);
    a->capacity = (int)store_col_int(st, 11);
    a->booked = (int)store_col_int(st, 12);
    int state = activity_state_from_name(store_col_text(st, 13));
    a->state = state < 0 ? ACTIVITY_ANNOUNCED : (activity_state_t)state;
    a->visitors = (int)store_col_int(st, 14);
    a->summary = store_col_dup(st, 15);
    a->recorded_by = store_col_int(st, 16);
    a->recorded_at = store_col_int(st, 17);
    a->created_at = store_col_int(st, 18);
    a->updated_at = store_col_int(st, 19);
}

int store_activity_insert(store_t *db, const store_activity_t *a, int64_t now, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO activities (station_id, region_code, kind, title, description, place, starts_at, ends_at,"
            " capacity, rule_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
            " ON CONFLICT (rule_id, starts_at) WHERE rule_id IS NOT NULL DO NOTHING");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, a->station_id);
    store_bind_text(st, 2, a->region);
    store_bind_text(st, 3, a->kind);
    store_bind_text(st, 4, a->title);
    store_bind_text(st, 5, a->description ? a->description : "");
    store_bind_text(st, 6, a->place ? a->place : "");
    store_bind_int(st, 7, a->starts_at);
    store_bind_int(st, 8, a->ends_at);
    store_bind_int(st, 9, a->capacity);
    store_bind_opt_id(st, 10, a->rule_id);
    store_bind_int(st, 11, now);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_changes(db) ? store_last_insert_id(db) : 0;
    return rc;
}

int store_activity_save(store_t *db, const store_activity_t *a, int64_t now)
{
    store_stmt_t *st = store_prepare(
        db, "UPDATE activities SET title = $2, description = $3, place = $4, starts_at = $5, ends_at = $6,"
            " capacity = $7, state = $8, visitors = $9, summary = $10, recorded_by = $11, recorded_at = $12,"
            " kind = $13, updated_at = $14 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, a->id);
    store_bind_text(st, 2, a->title);
    store_bind_text(st, 3, a->description ? a->description : "");
    store_bind_text(st, 4, a->place ? a->place : "");
    store_bind_int(st, 5, a->starts_at);
    store_bind_int(st, 6, a->ends_at);
    store_bind_int(st, 7, a->capacity);
    store_bind_text(st, 8, activity_state_name(a->state));
    if (a->visitors >= 0)
        store_bind_int(st, 9, a->visitors);
    else
        store_bind_null(st, 9);
    store_bind_opt_text(st, 10, a->summary);
    store_bind_opt_id(st, 11, a->recorded_by);
    store_bind_opt_id(st, 12, a->recorded_at);
    store_bind_text(st, 13, a->kind);
    store_bind_int(st, 14, now);
    return store_run(st);
}

int store_activity_get(store_t *db, int64_t id, store_activity_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st = store_prepare(db, "SELECT " ACTIVITY_COLUMNS " FROM activities a JOIN stations s ON s.id = a.station_id"
                                         " WHERE a.id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    return one_row(st, read_activity, out);
}

int store_rule_retire_days(store_t *db, int64_t rule, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "UPDATE activities SET state = 'cancelled', rule_id = NULL, updated_at = $2"
                                         " WHERE rule_id = $1 AND starts_at > $2 AND booked = 0 AND state = 'announced'");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, rule);
    store_bind_int(st, 2, now);
    return store_run(st);
}

int store_activity_seat(store_t *db, int64_t id, int delta, int64_t now)
{
    /* the CHECK on booked keeps a seat from being taken twice even if a caller forgot to ask */
    store_stmt_t *st = store_prepare(db, "UPDATE activities SET booked = booked + $2, updated_at = $3"
                                         " WHERE id = $1 AND booked + $2 BETWEEN 0 AND capacity");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, delta);
    store_bind_int(st, 3, now);
    int rc = store_run(st);
    return rc == STORE_OK && store_changes(db) == 0 ? STORE_EINVALID : rc;
}

typedef struct {
    int (*fn)(const store_activity_t *a, void *arg);
    void *arg;
} activity_walk_t;

static int activity_row(store_stmt_t *st, void *arg)
{
    activity_walk_t *w = arg;
    store_activity_t a;
    read_activity(st, &a);
    int stop = w->fn(&a, w->arg);
    store_activity_free(&a);
    return stop;
}

int store_activities_each(store_t *db, const store_activity_filter_t *f,
                          int (*fn)(const store_activity_t *a, void *arg), void *arg)
{
    /* one statement for every filter: a station's list uses activities_station, a region's
     * activities_region; the keyset is (starts_at, id) of the activity named by after_id */
    store_stmt_t *st = store_prepare(
        db, "SELECT " ACTIVITY_COLUMNS " FROM activities a JOIN stations s ON s.id = a.station_id"
            " WHERE ($1 = 0 OR a.station_id = $1)"
            " AND ($2 IS NULL OR (a.region_code >= $2 AND a.region_code < $3))"
            " AND a.starts_at >= $4 AND a.starts_at <= $5"
            " AND ($6 IS NULL OR a.kind = $6) AND ($7 = 0 OR a.rule_id = $7)"
            " AND ($8 OR a.state <> 'cancelled')"
            " AND ($9 = 0 OR (a.starts_at, a.id) > (SELECT starts_at, id FROM activities WHERE id = $9))"
            " ORDER BY a.starts_at, a.id LIMIT $10");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, f->station_id);
    store_bind_opt_text(st, 2, f->region_lo);
    store_bind_opt_text(st, 3, f->region_hi);
    store_bind_int(st, 4, f->from);
    store_bind_int(st, 5, f->to ? f->to : INT64_MAX);
    store_bind_opt_text(st, 6, f->kind);
    store_bind_int(st, 7, f->rule_id);
    store_bind_int(st, 8, f->with_cancelled);
    store_bind_int(st, 9, f->after_id);
    store_bind_int(st, 10, f->limit > 0 ? f->limit : -1);
    activity_walk_t w = {fn, arg};
    return each_row(st, activity_row, &w);
}

int store_activity_deputies_set(store_t *db, int64_t activity, const int64_t *deputies, size_t n)
{
    /* those who stay keep their attendance: remove the others, then add the new */
    char *ids = ids_json(deputies, n);
    store_stmt_t *st = ids ? store_prepare(db, "DELETE FROM activity_deputies WHERE activity_id = $1"
                                               " AND deputy_id NOT IN (SELECT value FROM json_each($2))")
                           : NULL;
    int rc = STORE_ERR;
    if (st) {
        store_bind_int(st, 1, activity);
        store_bind_text(st, 2, ids);
        rc = store_run(st);
    }
    if (rc == STORE_OK && (st = store_prepare(db, "INSERT OR IGNORE INTO activity_deputies (activity_id, deputy_id)"
                                                  " SELECT $1, value FROM json_each($2)")) != NULL) {
        store_bind_int(st, 1, activity);
        store_bind_text(st, 2, ids);
        rc = store_run(st);
    }
    free(ids);
    return st == NULL ? STORE_ERR : rc;
}

int store_activity_deputies_each(store_t *db, int64_t activity, int (*fn)(const store_duty_t *d, void *arg),
                                 void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT d.id, d.name, ad.attended FROM activity_deputies ad"
                                         " JOIN deputies d ON d.id = ad.deputy_id WHERE ad.activity_id = $1 ORDER BY d.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, activity);
    duty_walk_t w = {fn, arg};
    return each_row(st, duty_row, &w);
}

int store_activity_attendance(store_t *db, int64_t activity, const int64_t *present, size_t n)
{
    char *ids = ids_json(present, n);
    if (ids == NULL)
        return STORE_ERR;
    /* every deputy named present must be one of the activity's */
    store_stmt_t *st = store_prepare(db, "SELECT count(*) FROM json_each($2) j WHERE NOT EXISTS (SELECT 1 FROM"
                                         " activity_deputies ad WHERE ad.activity_id = $1 AND ad.deputy_id = j.value)");
    int rc = st ? STORE_OK : STORE_ERR;
    if (rc == STORE_OK) {
        store_bind_int(st, 1, activity);
        store_bind_text(st, 2, ids);
        rc = store_step(st);
        int64_t strangers = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        rc = rc < 0 ? rc : strangers ? STORE_ENOTFOUND : STORE_OK;
    }
    /* one statement, changing only the rows whose attendance changes: filing the record again
     * leaves what the duty-record triggers wrote for an unchanged deputy as it was */
    if (rc == STORE_OK && (st = store_prepare(db, "UPDATE activity_deputies SET attended = (deputy_id IN (SELECT value"
                                                  " FROM json_each($2))) WHERE activity_id = $1 AND attended IS NOT"
                                                  " (deputy_id IN (SELECT value FROM json_each($2)))")) == NULL)
        rc = STORE_ERR;
    if (rc == STORE_OK) {
        store_bind_int(st, 1, activity);
        store_bind_text(st, 2, ids);
        rc = store_run(st);
    }
    free(ids);
    return rc;
}

int store_deputy_clash(store_t *db, int64_t deputy, int64_t start, int64_t end, int64_t except, int64_t *clash)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT a.id FROM activity_deputies ad JOIN activities a ON a.id = ad.activity_id"
            " WHERE ad.deputy_id = $1 AND a.id <> $4 AND a.state <> 'cancelled'"
            " AND a.starts_at < $3 AND a.ends_at > $2 ORDER BY a.starts_at LIMIT 1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, deputy);
    store_bind_int(st, 2, start);
    store_bind_int(st, 3, end);
    store_bind_int(st, 4, except);
    int rc = store_step(st);
    *clash = rc == STORE_ROW ? store_col_int(st, 0) : 0;
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_activity_photo_add(store_t *db, int64_t activity, const char *mime, const void *data, size_t len,
                             int64_t now, int64_t *id)
{
    store_stmt_t *st = store_prepare(db, "INSERT INTO activity_photos (activity_id, mime, bytes, data, created_at)"
                                         " VALUES ($1, $2, $3, $4, $5)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, activity);
    store_bind_text(st, 2, mime);
    store_bind_int(st, 3, (int64_t)len);
    store_bind_blob(st, 4, data, len);
    store_bind_int(st, 5, now);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

typedef struct {
    int (*fn)(const store_photo_t *p, void *arg);
    void *arg;
    bool with_data;
} photo_walk_t;

static int photo_row(store_stmt_t *st, void *arg)
{
    photo_walk_t *w = arg;
    store_photo_t p = {store_col_int(st, 0), store_col_text(st, 1), w->with_data ? store_col_blob(st, 3) : NULL,
                       (size_t)store_col_int(st, 2)};
    return w->fn(&p, w->arg);
}

int store_activity_photos_each(store_t *db, int64_t activity, int64_t photo, bool with_data,
                               int (*fn)(const store_photo_t *p, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, with_data ? "SELECT id, mime, bytes, data FROM activity_photos WHERE activity_id = $1 AND id = $2"
                      : "SELECT id, mime, bytes FROM activity_photos WHERE activity_id = $1 AND ($2 = 0 OR id = $2)"
                        " ORDER BY id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, activity);
    store_bind_int(st, 2, photo);
    photo_walk_t w = {fn, arg, with_data};
    return each_row(st, photo_row, &w);
}

/* ---- bookings ---- */

#define BOOKING_COLUMNS                                                                            \
    "b.id, b.activity_id, b.code, b.topic, b.name_sealed, b.phone_sealed, b.phone_hash, b.phone4, " \
    "b.state, coalesce(b.reminded_at, 0), b.created_at, b.updated_at, coalesce(v.id, 0)"
#define BOOKING_FROM " FROM bookings b LEFT JOIN visits v ON v.booking_id = b.id"

void store_booking_free(store_booking_t *b)
{
    STORE_FREE_TEXTS(&b->topic, &b->name_sealed, &b->phone_sealed);
}

static void read_booking(store_stmt_t *st, void *out)
{
    store_booking_t *b = out;
    memset(b, 0, sizeof(*b));
    b->id = store_col_int(st, 0);
    b->activity_id = store_col_int(st, 1);
    copy(b->code, sizeof(b->code), store_col_text(st, 2));
    b->topic = strdup(store_col_text(st, 3));
    b->name_sealed = store_col_dup(st, 4);
    b->phone_sealed = store_col_dup(st, 5);
    copy(b->phone_hash, sizeof(b->phone_hash), store_col_text(st, 6));
    copy(b->phone4, sizeof(b->phone4), store_col_text(st, 7));
    int state = booking_state_from_name(store_col_text(st, 8));
    b->state = state < 0 ? BOOKING_CONFIRMED : (booking_state_t)state;
    b->reminded_at = store_col_int(st, 9);
    b->created_at = store_col_int(st, 10);
    b->updated_at = store_col_int(st, 11);
    b->visit_id = store_col_int(st, 12);
}

int store_booking_insert(store_t *db, const store_booking_t *b, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO bookings (activity_id, code, topic, name_sealed, phone_sealed, phone_hash, phone4, state,"
            " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'confirmed', $8, $8)"
            " ON CONFLICT (code) DO NOTHING");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, b->activity_id);
    store_bind_text(st, 2, b->code);
    store_bind_text(st, 3, b->topic);
    store_bind_opt_text(st, 4, b->name_sealed);
    store_bind_text(st, 5, b->phone_sealed);
    store_bind_text(st, 6, b->phone_hash);
    store_bind_text(st, 7, b->phone4);
    store_bind_int(st, 8, b->created_at);
    int rc = store_run(st);
    if (rc == STORE_OK && store_changes(db) == 0)
        return STORE_ECONSTRAINT;
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_booking_by_code(store_t *db, const char *code, store_booking_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st = store_prepare(db, "SELECT " BOOKING_COLUMNS BOOKING_FROM " WHERE b.code = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, code);
    return one_row(st, read_booking, out);
}

int store_booking_phone_taken(store_t *db, int64_t activity, const char *phone_hash, bool *taken)
{
    store_stmt_t *st = store_prepare(db, "SELECT 1 FROM bookings WHERE activity_id = $1 AND phone_hash = $2"
                                         " AND state <> 'cancelled'");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, activity);
    store_bind_text(st, 2, phone_hash);
    int rc = store_step(st);
    *taken = rc == STORE_ROW;
    store_done(st);
    return rc < 0 ? rc : STORE_OK;
}

int store_booking_set_state(store_t *db, int64_t id, booking_state_t state, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "UPDATE bookings SET state = $2, updated_at = $3 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_text(st, 2, booking_state_name(state));
    store_bind_int(st, 3, now);
    return store_run(st);
}

int store_booking_reminded(store_t *db, int64_t id, int64_t now)
{
    store_stmt_t *st = store_prepare(db, "UPDATE bookings SET reminded_at = $2 WHERE id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    store_bind_int(st, 2, now);
    return store_run(st);
}

typedef struct {
    int (*fn)(const store_booking_t *b, void *arg);
    void *arg;
} booking_walk_t;

static int booking_row(store_stmt_t *st, void *arg)
{
    booking_walk_t *w = arg;
    store_booking_t b;
    read_booking(st, &b);
    int stop = w->fn(&b, w->arg);
    store_booking_free(&b);
    return stop;
}

int store_bookings_of_activity(store_t *db, int64_t activity, int (*fn)(const store_booking_t *b, void *arg),
                               void *arg)
{
    store_stmt_t *st = store_prepare(db, "SELECT " BOOKING_COLUMNS BOOKING_FROM " WHERE b.activity_id = $1 ORDER BY b.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, activity);
    booking_walk_t w = {fn, arg};
    return each_row(st, booking_row, &w);
}

int store_bookings_to_remind(store_t *db, int64_t from, int64_t to, int (*fn)(const store_booking_t *b, void *arg),
                             void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " BOOKING_COLUMNS BOOKING_FROM " JOIN activities a ON a.id = b.activity_id"
            " WHERE a.starts_at BETWEEN $1 AND $2 AND a.state = 'announced' AND b.state = 'confirmed'"
            " AND b.reminded_at IS NULL ORDER BY b.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, from);
    store_bind_int(st, 2, to);
    booking_walk_t w = {fn, arg};
    return each_row(st, booking_row, &w);
}

/* ---- visits ---- */

#define VISIT_COLUMNS                                                                                   \
    "v.id, v.activity_id, coalesce(v.booking_id, 0), v.station_id, coalesce(v.created_by, 0), v.created_at, " \
    "v.region_code, v.topic, v.name_sealed, v.phone_sealed, v.received_by, a.title, v.phone4, "              \
    "coalesce(v.phone_hash, '')"

void store_visit_free(store_visit_t *v)
{
    STORE_FREE_TEXTS(&v->topic, &v->name_sealed, &v->phone_sealed, &v->received_by, &v->activity_title);
}

static void read_visit(store_stmt_t *st, void *out)
{
    store_visit_t *v = out;
    memset(v, 0, sizeof(*v));
    v->id = store_col_int(st, 0);
    v->activity_id = store_col_int(st, 1);
    v->booking_id = store_col_int(st, 2);
    v->station_id = store_col_int(st, 3);
    v->created_by = store_col_int(st, 4);
    v->created_at = store_col_int(st, 5);
    copy(v->region, sizeof(v->region), store_col_text(st, 6));
    v->topic = strdup(store_col_text(st, 7));
    v->name_sealed = store_col_dup(st, 8);
    v->phone_sealed = store_col_dup(st, 9);
    v->received_by = strdup(store_col_text(st, 10));
    v->activity_title = strdup(store_col_text(st, 11));
    copy(v->phone4, sizeof(v->phone4), store_col_text(st, 12));
    copy(v->phone_hash, sizeof(v->phone_hash), store_col_text(st, 13));
}

int store_visit_insert(store_t *db, const store_visit_t *v, int64_t *id)
{
    store_stmt_t *st = store_prepare(
        db, "INSERT INTO visits (activity_id, booking_id, station_id, region_code, topic, name_sealed, phone_sealed,"
            " phone4, received_by, created_by, created_at, phone_hash)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, v->activity_id);
    store_bind_opt_id(st, 2, v->booking_id);
    store_bind_int(st, 3, v->station_id);
    store_bind_text(st, 4, v->region);
    store_bind_text(st, 5, v->topic);
    store_bind_opt_text(st, 6, v->name_sealed);
    store_bind_opt_text(st, 7, v->phone_sealed);
    store_bind_text(st, 8, v->phone4);
    store_bind_text(st, 9, v->received_by ? v->received_by : "");
    store_bind_opt_id(st, 10, v->created_by);
    store_bind_int(st, 11, v->created_at);
    store_bind_opt_text(st, 12, v->phone_hash);
    int rc = store_run(st);
    if (rc == STORE_OK)
        *id = store_last_insert_id(db);
    return rc;
}

int store_visit_get(store_t *db, int64_t id, store_visit_t *out)
{
    memset(out, 0, sizeof(*out));
    store_stmt_t *st = store_prepare(db, "SELECT " VISIT_COLUMNS " FROM visits v JOIN activities a ON a.id = v.activity_id"
                                         " WHERE v.id = $1");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, id);
    return one_row(st, read_visit, out);
}

typedef struct {
    int (*fn)(const store_visit_t *v, void *arg);
    void *arg;
} visit_walk_t;

static int visit_row(store_stmt_t *st, void *arg)
{
    visit_walk_t *w = arg;
    store_visit_t v;
    read_visit(st, &v);
    int stop = w->fn(&v, w->arg);
    store_visit_free(&v);
    return stop;
}

int store_visits_each(store_t *db, const store_visit_filter_t *f, int (*fn)(const store_visit_t *v, void *arg),
                      void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT " VISIT_COLUMNS " FROM visits v JOIN activities a ON a.id = v.activity_id"
            " WHERE ($1 = 0 OR v.station_id = $1) AND ($2 = 0 OR v.activity_id = $2)"
            " AND ($3 IS NULL OR (v.region_code >= $3 AND v.region_code < $4))"
            " AND v.created_at >= $5 AND v.created_at <= $6 AND ($7 = 0 OR v.id < $7)"
            " ORDER BY v.id DESC LIMIT $8");
    if (st == NULL)
        return STORE_ERR;
    store_bind_int(st, 1, f->station_id);
    store_bind_int(st, 2, f->activity_id);
    store_bind_opt_text(st, 3, f->region_lo);
    store_bind_opt_text(st, 4, f->region_hi);
    store_bind_int(st, 5, f->from);
    store_bind_int(st, 6, f->to ? f->to : INT64_MAX);
    store_bind_int(st, 7, f->before_id);
    store_bind_int(st, 8, f->limit > 0 ? f->limit : -1);
    visit_walk_t w = {fn, arg};
    return each_row(st, visit_row, &w);
}

/* ---- compliance ---- */

typedef struct {
    int (*fn)(const store_compliance_row_t *row, void *arg);
    void *arg;
} compliance_walk_t;

static int compliance_row(store_stmt_t *st, void *arg)
{
    compliance_walk_t *w = arg;
    store_compliance_row_t row = {store_col_int(st, 0), store_col_text(st, 1), store_col_text(st, 2),
                                  store_col_int(st, 3), store_col_text(st, 4)};
    return w->fn(&row, w->arg);
}

int store_stations_without_reception(store_t *db, const char *lo, const char *hi, int64_t from, int64_t to,
                                     int (*fn)(const store_compliance_row_t *row, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT s.id, s.name, s.region_code, 0, '' FROM stations s"
            " WHERE s.region_code >= $1 AND s.region_code < $2 AND s.deleted_at IS NULL AND s.kind <> 'online'"
            " AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.station_id = s.id AND a.kind = 'reception'"
            "   AND a.state = 'held' AND a.starts_at BETWEEN $3 AND $4)"
            " AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.station_id = s.id AND v.created_at BETWEEN $3 AND $4)"
            " ORDER BY s.region_code, s.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, lo);
    store_bind_text(st, 2, hi);
    store_bind_int(st, 3, from);
    store_bind_int(st, 4, to);
    compliance_walk_t w = {fn, arg};
    return each_row(st, compliance_row, &w);
}

int store_absent_deputies(store_t *db, const char *lo, const char *hi, int64_t from, int64_t to,
                          int (*fn)(const store_compliance_row_t *row, void *arg), void *arg)
{
    store_stmt_t *st = store_prepare(
        db, "SELECT d.id, d.name, d.region_code, count(*), group_concat(a.id) FROM activities a"
            " JOIN activity_deputies ad ON ad.activity_id = a.id JOIN deputies d ON d.id = ad.deputy_id"
            " WHERE a.region_code >= $1 AND a.region_code < $2 AND a.starts_at BETWEEN $3 AND $4"
            " AND a.state = 'held' AND ad.attended = 0"
            " GROUP BY d.id ORDER BY count(*) DESC, d.id");
    if (st == NULL)
        return STORE_ERR;
    store_bind_text(st, 1, lo);
    store_bind_text(st, 2, hi);
    store_bind_int(st, 3, from);
    store_bind_int(st, 4, to);
    compliance_walk_t w = {fn, arg};
    return each_row(st, compliance_row, &w);
}
