/*
 * registry API: congresses, units, stations, groups and deputies through one set of handlers
 * driven by the field tables in domain/registry.c. The route's policy action ("station.read")
 * names the entity. Reads are public; writes belong to the office inside its region subtree.
 * Rules that link records (a spoke's hub, a deputy's stations) are checked here against the
 * read connection before the write is queued.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/vault.h"
#include "core/utf8.h"
#include "domain/region.h"
#include "domain/registry.h"
#include "store/regions.h"
#include "store/registry.h"

enum { MAX_STATIONS = 32, MAX_SEATS = 8, PAGE_DEFAULT = 20, PAGE_MAX = 100 };

const registry_entity_t *api_registry_entity(http_req_t *r)
{
    char name[32];
    snprintf(name, sizeof(name), "%.*s", (int)strcspn(r->route->action, "."), r->route->action);
    return registry_entity(name);
}

static bool is(const registry_entity_t *e, const char *name)
{
    return strcmp(e->name, name) == 0;
}

/* ---- views ---- */

/* The public phone of a deputy who chose to publish it, else NULL (caller frees). */
static char *public_phone(http_req_t *r, const registry_entity_t *e, const store_registry_row_t *row)
{
    int pub = registry_field_index(e, "phone_public"), phone = registry_field_index(e, "phone");
    if (pub < 0 || phone < 0 || !row->values[pub].i || row->values[phone].text[0] == '\0')
        return NULL;
    return vault_open(http_vault(r), row->values[phone].text, NULL);
}

static json_t *row_json(http_req_t *r, const registry_entity_t *e, const store_registry_row_t *row)
{
    json_t *o = json_pack("{s:I}", "id", (json_int_t)row->id);
    for (int i = 0; i < e->nfields; i++) {
        const registry_field_t *f = &e->fields[i];
        const registry_value_t *v = &row->values[i];
        json_t *j;
        if (f->hidden)
            continue;
        if (v->null)
            j = json_null();
        else if (f->kind == FIELD_INT || f->kind == FIELD_REF)
            j = json_integer(v->i);
        else if (f->kind == FIELD_REAL)
            j = json_real(v->d);
        else if (f->kind == FIELD_BOOL)
            j = json_boolean(v->i);
        else
            j = json_string(v->text);
        json_object_set_new(o, f->name, j);
    }
    char *phone = public_phone(r, e, row);
    if (phone) {
        json_object_set_new(o, "phone", json_string(phone));
        free(phone);
    }
    json_object_set_new(o, "created_at", json_integer(row->created_at));
    json_object_set_new(o, "updated_at", json_integer(row->updated_at));
    return o;
}

/* ---- lists ---- */

typedef struct {
    http_req_t *r;
    const registry_entity_t *e;
    json_t *items;
    int limit;
    int64_t next;
} page_t;

typedef struct {
    http_req_t *r;
    json_t *items;
    double lat, lng;
} near_t;

static int add_near(const store_registry_row_t *row, void *arg)
{
    near_t *n = arg;
    const registry_entity_t *e = registry_entity("station");
    json_t *o = row_json(n->r, e, row);
    double d = registry_distance_m(n->lat, n->lng, row->values[registry_field_index(e, "latitude")].d,
                                   row->values[registry_field_index(e, "longitude")].d);
    json_object_set_new(o, "distance_m", json_integer((json_int_t)(d + 0.5)));
    json_array_append_new(n->items, o);
    return 0;
}

/* GET /api/v1/stations?near=lat,lng: the closest stations that have coordinates. */
static int list_near(http_req_t *r, const registry_entity_t *e, const char *point, const store_registry_filter_t *f,
                     int limit)
{
    near_t n = {r, json_array(), 0, 0};
    if (!registry_parse_point(point, &n.lat, &n.lng)) {
        json_decref(n.items);
        http_reply_error(r, 400, "bad_query", "near must be latitude,longitude in degrees", "near");
        return 0;
    }
    if (store_registry_near(http_reader(r), e, n.lat, n.lng, f->lo, f->hi, limit, add_near, &n) != STORE_OK) {
        json_decref(n.items);
        http_reply_internal(r, "cannot find nearby stations");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o, s:n}", "items", n.items, "next"));
    return 0;
}

static int add_item(const store_registry_row_t *row, void *arg)
{
    page_t *p = arg;
    if ((int)json_array_size(p->items) == p->limit) {
        p->next = (int64_t)json_integer_value(json_object_get(json_array_get(p->items, p->limit - 1), "id"));
        return 1;
    }
    json_array_append_new(p->items, row_json(p->r, p->e, row));
    return 0;
}

/* region and q from the query string; answers 400 and returns false on a bad one. */
static bool read_filter(http_req_t *r, store_registry_filter_t *f, char hi[REGION_CODE_LEN + 2])
{
    const char *region = http_query(r, "region"), *q = http_query(r, "q");
    if (region && !region_code_valid(region)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return false;
    }
    if (q && utf8_chars(q, strlen(q)) > 50) {
        http_reply_error(r, 400, "bad_query", "q must have at most 50 characters", "q");
        return false;
    }
    if (region) {
        region_subtree_upper(region, hi);
        f->lo = region;
        f->hi = hi;
    }
    f->q = q && *q ? q : NULL;
    return true;
}

int api_registry_list(http_req_t *r)
{
    const registry_entity_t *e = api_registry_entity(r);
    store_registry_filter_t f = {0};
    char hi[REGION_CODE_LEN + 2];
    long after = api_query_long(r, "after", 0, 0, 1L << 62);
    long limit = after < 0 ? -1 : api_query_long(r, "limit", PAGE_DEFAULT, 1, PAGE_MAX);
    long station = limit < 0 ? -1 : api_query_long(r, "station", 0, 0, 1L << 62);
    if (station < 0 || !read_filter(r, &f, hi))
        return 0;
    const char *near = is(e, "station") ? http_query(r, "near") : NULL;
    if (near)
        return list_near(r, e, near, &f, (int)limit);
    f.after = after;
    f.limit = (int)limit + 1; /* one more tells whether there is a next page */
    f.station_id = station;
    page_t page = {r, e, json_array(), (int)limit, 0};
    if (store_registry_each(http_reader(r), e, &f, add_item, &page) != STORE_OK) {
        json_decref(page.items);
        http_reply_internal(r, "cannot list the registry");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o, s:o}", "items", page.items, "next",
                                      page.next ? json_integer(page.next) : json_null()));
    return 0;
}

/* ---- one record ---- */

static int add_station_ref(int64_t id, const char *name, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
    return 0;
}

typedef struct {
    store_t *db;
    json_t *list;
} station_names_t;

static int add_station_id(int64_t id, void *arg)
{
    station_names_t *s = arg;
    store_registry_row_t row;
    if (store_registry_get(s->db, registry_entity("station"), id, &row) == STORE_OK) {
        add_station_ref(id, row.values[0].text, s->list);
        store_registry_row_free(&row);
    }
    return 0;
}

static int add_seat(const store_seat_t *seat, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:i, s:s, s:s}", "congress_id", (json_int_t)seat->congress_id, "level",
                                         seat->level, "congress", seat->name, "district", seat->district));
    return 0;
}

/* The region's name, for pages that show where a record is. */
static void add_region_name(store_t *db, json_t *o)
{
    const char *code = json_string_value(json_object_get(o, "region"));
    store_region_t region;
    if (code && store_region_get(db, code, &region) == STORE_OK)
        json_object_set_new(o, "region_name", json_string(region.name));
}

static int station_extras(store_t *db, const store_registry_row_t *row, json_t *o)
{
    const registry_entity_t *station = registry_entity("station");
    int hub = registry_field_index(station, "hub_id");
    if (!row->values[hub].null) {
        store_registry_row_t h;
        if (store_registry_get(db, station, row->values[hub].i, &h) == STORE_OK) {
            json_object_set_new(o, "hub", json_pack("{s:I, s:s}", "id", (json_int_t)h.id, "name", h.values[0].text));
            store_registry_row_free(&h);
        }
    }
    json_t *spokes = json_array(), *deputies = json_array();
    json_object_set_new(o, "spokes", spokes);
    json_object_set_new(o, "deputies", deputies);
    int rc = store_station_spokes(db, row->id, add_station_ref, spokes);
    return rc ? rc : store_station_deputies(db, row->id, add_station_ref, deputies);
}

static int deputy_extras(store_t *db, const store_registry_row_t *row, json_t *o)
{
    station_names_t s = {db, json_array()};
    json_t *seats = json_array();
    json_object_set_new(o, "stations", s.list);
    json_object_set_new(o, "seats", seats);
    int rc = store_deputy_stations(db, row->id, add_station_id, &s);
    return rc ? rc : store_deputy_seats(db, row->id, add_seat, seats);
}

/* The record with its links, or NULL after answering 404 or 500. */
static json_t *record_json(http_req_t *r, const registry_entity_t *e, int64_t id)
{
    store_t *db = http_reader(r);
    store_registry_row_t row;
    int rc = store_registry_get(db, e, id, &row);
    if (rc != STORE_OK) {
        if (rc == STORE_ENOTFOUND)
            http_reply_error(r, 404, "not_found", "no such record", NULL);
        else
            http_reply_internal(r, "cannot read a record");
        return NULL;
    }
    json_t *o = row_json(r, e, &row);
    add_region_name(db, o);
    if (is(e, "station"))
        rc = station_extras(db, &row, o);
    else if (is(e, "deputy"))
        rc = deputy_extras(db, &row, o);
    store_registry_row_free(&row);
    if (rc != STORE_OK) {
        json_decref(o);
        http_reply_internal(r, "cannot read a record's links");
        return NULL;
    }
    return o;
}

static void reply_record(http_req_t *r, const registry_entity_t *e, int64_t id, int status)
{
    json_t *o = record_json(r, e, id);
    if (o)
        http_reply_json(r, status, o);
}

/* A record's page is the same for every reader (nothing private is in it), so it is cached. */
int api_registry_get(http_req_t *r)
{
    const registry_entity_t *e = api_registry_entity(r);
    int64_t id = api_param_id(r, 0);
    char key[40];
    if (id == 0)
        return 0;
    snprintf(key, sizeof(key), "%s/%lld", e->name, (long long)id);
    if (http_reply_cached(r, key))
        return 0;
    json_t *o = record_json(r, e, id);
    if (o)
        http_reply_json_cache(r, key, o);
    return 0;
}

/* ---- writes ---- */

typedef struct {
    http_write_t super;
    api_who_t who;
    const registry_entity_t *e;
    enum { CREATE, UPDATE, DELETE } op;
    int64_t id;
    char region[REGION_CODE_LEN + 1]; /* the record's region after the write, for the audit log */
    registry_value_t values[REGISTRY_MAX_FIELDS];
    buf_t text; /* owns the values' text */
    bool set_stations, set_seats;
    int nstations, nseats;
    char scope[13];             /* the actor's region: checked again inside the transaction */
    const char *bad_field;      /* set with bad_message when the rules refused the write there */
    char bad_message[200];
    int64_t stations[MAX_STATIONS];
    store_seat_t seats[MAX_SEATS];
} registry_write_t;

/*
 * The rules again, on the writer's connection inside the transaction: what the handler checked
 * on its read connection may have changed since (a hub deleted, a record moved out of scope).
 */
static int recheck(registry_write_t *rw, store_t *db)
{
    store_registry_row_t old;
    bool have_old = rw->op != CREATE;
    if (have_old) {
        int rc = store_registry_get(db, rw->e, rw->id, &old);
        if (rc != STORE_OK)
            return rc;
        const registry_value_t *was = &old.values[registry_region_field(rw->e)];
        if (was->null || !region_in_scope(rw->scope, was->text)) {
            store_registry_row_free(&old);
            return STORE_ENOTFOUND;
        }
    }
    int rc = STORE_OK;
    if (rw->op == DELETE) {
        bool has_spokes = false;
        if (is(rw->e, "station"))
            rc = store_station_has_spokes(db, rw->id, &has_spokes);
        if (rc == STORE_OK && has_spokes)
            rc = STORE_ECONSTRAINT;
    } else {
        store_registry_change_t change = {rw->e,        rw->id,          rw->values,
                                          have_old ? &old : NULL, rw->region,
                                          rw->set_stations ? rw->stations : NULL, rw->nstations,
                                          rw->seats,    rw->nseats,
                                          rw->scope};
        rc = store_registry_check_links(db, &change, &rw->bad_field, rw->bad_message, sizeof(rw->bad_message));
    }
    if (have_old)
        store_registry_row_free(&old);
    return rc;
}

static int registry_run(http_write_t *w, store_t *db)
{
    registry_write_t *rw = (registry_write_t *)w;
    int64_t now = time(NULL);
    int rc = recheck(rw, db);
    if (rc != STORE_OK)
        return rc;
    if (rw->op == CREATE)
        rc = store_registry_insert(db, rw->e, rw->values, now, &rw->id);
    else if (rw->op == UPDATE)
        rc = store_registry_update(db, rw->e, rw->id, rw->values, now);
    else
        rc = store_registry_delete(db, rw->e, rw->id, now);
    if (rc == STORE_OK && rw->set_stations)
        rc = store_deputy_set_stations(db, rw->id, rw->stations, rw->nstations);
    if (rc == STORE_OK && rw->set_seats)
        rc = store_deputy_set_seats(db, rw->id, rw->seats, rw->nseats);
    char action[48];
    snprintf(action, sizeof(action), "%s.%s", rw->e->name, rw->op == CREATE ? "create" : rw->op == UPDATE ? "update" : "delete");
    return rc ? rc : api_audit(db, &rw->who, action, rw->e->name, rw->id, rw->region, "");
}

static void registry_respond(http_write_t *w, http_req_t *r, int status)
{
    registry_write_t *rw = (registry_write_t *)w;
    buf_free(&rw->text);
    if (r == NULL)
        return;
    if (status == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "no such record", NULL);
    else if (status == STORE_EINVALID)
        http_reply_error(r, 422, "invalid", rw->bad_message, rw->bad_field);
    else if (status == STORE_ECONSTRAINT && rw->op == DELETE)
        http_reply_error(r, 409, "has_spokes", "move or delete the liaison points under this station first", NULL);
    else if (status == STORE_ECONSTRAINT)
        http_reply_error(r, 409, "conflict", "this conflicts with an existing record", NULL);
    else if (status != STORE_OK)
        http_reply_internal(r, "cannot write a record");
    else if (rw->op == DELETE)
        http_reply_empty(r, 204);
    else
        reply_record(r, rw->e, rw->id, rw->op == CREATE ? 201 : 200);
}

/* A JSON value as the text registry_parse reads ("" for null); NULL, or what is wrong with it. */
static const char *value_text(json_t *v, char *scratch, size_t len, const char **out)
{
    if (json_is_string(v)) {
        *out = json_string_value(v);
        return strlen(*out) == json_string_length(v) ? NULL : "holds a NUL character";
    }
    if (json_is_integer(v))
        snprintf(scratch, len, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(scratch, len, "%.17g", json_real_value(v));
    else if (json_is_boolean(v))
        snprintf(scratch, len, "%s", json_is_true(v) ? "true" : "false");
    else if (json_is_null(v))
        scratch[0] = '\0';
    else
        return "must be a single value";
    *out = scratch;
    return NULL;
}

/* Copies text into the write's buffer; returns its offset (pointers are fixed at the end). */
static size_t keep(registry_write_t *w, const char *text)
{
    size_t at = w->text.len;
    buf_adds(&w->text, text);
    buf_addc(&w->text, '\0');
    return at;
}

static bool parse_stations(api_input_t *in, registry_write_t *w, json_t *v)
{
    if (!json_is_array(v) || json_array_size(v) > MAX_STATIONS) {
        api_invalid(in, "stations", "stations must be a list of at most 32 station ids");
        return false;
    }
    w->set_stations = true;
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *id = json_array_get(v, i);
        if (!json_is_integer(id) || json_integer_value(id) < 1) {
            api_invalid(in, "stations", "stations must be a list of station ids");
            return false;
        }
        w->stations[w->nstations++] = json_integer_value(id);
    }
    return true;
}

static bool parse_seats(api_input_t *in, registry_write_t *w, json_t *v, size_t *district_at)
{
    if (!json_is_array(v) || json_array_size(v) > MAX_SEATS) {
        api_invalid(in, "seats", "seats must be a list of at most 8 {congress_id, district}");
        return false;
    }
    w->set_seats = true;
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *s = json_array_get(v, i), *c = json_object_get(s, "congress_id"), *d = json_object_get(s, "district");
        const char *district = json_is_string(d) ? json_string_value(d) : "";
        size_t n = strlen(district);
        if (!json_is_integer(c) || json_integer_value(c) < 1 || (d && !json_is_string(d)) ||
            (d && n != json_string_length(d)) || !utf8_valid(district, n) || utf8_chars(district, n) > 60) {
            api_invalid(in, "seats", "each seat needs a congress_id and at most 60 characters of district");
            return false;
        }
        w->seats[w->nseats].congress_id = json_integer_value(c);
        district_at[w->nseats++] = keep(w, district);
    }
    return true;
}

/* Reads the body's fields into w; answers 422 and returns false on the first problem. */
static bool parse_body(http_req_t *r, api_input_t *in, registry_write_t *w)
{
    size_t at[REGISTRY_MAX_FIELDS], district_at[MAX_SEATS];
    const char *key;
    json_t *v;
    json_object_foreach(in->body, key, v)
    {
        int i = registry_field_index(w->e, key);
        if (i < 0 && is(w->e, "deputy") && strcmp(key, "stations") == 0 && parse_stations(in, w, v))
            continue;
        if (i < 0 && is(w->e, "deputy") && strcmp(key, "seats") == 0 && parse_seats(in, w, v, district_at))
            continue;
        if (in->failed)
            return false;
        char scratch[40], msg[160];
        const char *text;
        if (i < 0 || strcmp(w->e->fields[i].name, key) != 0) {
            char name[64];
            utf8_copy(name, sizeof(name), key);
            snprintf(msg, sizeof(msg), "%s is not a field of a %s", name, w->e->name);
            api_invalid(in, name, msg);
            return false;
        }
        const registry_field_t *f = &w->e->fields[i];
        const char *problem = value_text(v, scratch, sizeof(scratch), &text);
        if (problem == NULL)
            problem = registry_parse(f, text, &w->values[i]);
        if (problem) {
            snprintf(msg, sizeof(msg), "%s %s", key, problem);
            api_invalid(in, key, msg);
            return false;
        }
        if (f->hidden && !w->values[i].null) { /* personal data is sealed before it is stored */
            char *sealed = vault_seal(http_vault(r), text, strlen(text));
            at[i] = keep(w, sealed);
            free(sealed);
        } else
            at[i] = keep(w, text);
    }
    for (int i = 0; i < w->e->nfields; i++)
        if (w->values[i].set)
            w->values[i].text = w->text.data + at[i];
    for (int i = 0; i < w->nseats; i++)
        w->seats[i].district = w->text.data + district_at[i];
    return true;
}

/* The value a field will hold after the write: the new one if given, else the stored one. */
static const registry_value_t *final_value(const registry_write_t *w, const store_registry_row_t *old, int i)
{
    return w->values[i].set || old == NULL ? &w->values[i] : &old->values[i];
}

/* Every rule that links the record to others; answers 422 on the first broken one. */
static bool check_links(http_req_t *r, api_input_t *in, registry_write_t *w, const store_registry_row_t *old)
{
    store_registry_change_t change = {w->e,
                                      w->id,
                                      w->values,
                                      old,
                                      w->region,
                                      w->set_stations ? w->stations : NULL,
                                      w->nstations,
                                      w->seats,
                                      w->nseats,
                                      w->scope};
    const char *field;
    char msg[200];
    int rc = store_registry_check_links(http_reader(r), &change, &field, msg, sizeof(msg));
    if (rc == STORE_OK)
        return true;
    if (rc == STORE_EINVALID)
        api_invalid(in, field, msg);
    else
        http_reply_internal(r, "cannot check a record's links");
    return false;
}

/* The record's region after the write must exist and lie in the actor's scope. */
static bool check_region(http_req_t *r, api_input_t *in, registry_write_t *w, const store_registry_row_t *old)
{
    int i = registry_region_field(w->e);
    const registry_value_t *v = final_value(w, old, i);
    snprintf(w->region, sizeof(w->region), "%s", v->null ? "" : v->text);
    if (w->values[i].set && !v->null && store_region_exists(http_reader(r), w->region) != STORE_OK) {
        api_invalid(in, "region", "region names no such region");
        return false;
    }
    policy_target_t target = {.region = w->region[0] ? w->region : NULL};
    return http_authorize(r, &target, false);
}

static registry_write_t *new_write(http_req_t *r, int op)
{
    registry_write_t *w = http_write_new(r, sizeof(*w));
    api_who(r, &w->who);
    w->e = api_registry_entity(r);
    w->op = op;
    snprintf(w->scope, sizeof(w->scope), "%s", http_actor(r)->region);
    buf_init(&w->text);
    w->super.run = registry_run;
    w->super.respond = registry_respond;
    return w;
}

static void drop(registry_write_t *w)
{
    buf_free(&w->text);
    free(w);
}

int api_registry_create(http_req_t *r)
{
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    registry_write_t *w = new_write(r, CREATE);
    api_input_t in = {r, body, false};
    if (parse_body(r, &in, w)) {
        const registry_field_t *missing = registry_missing(w->e, w->values);
        if (missing) {
            char msg[96];
            snprintf(msg, sizeof(msg), "%s is required", missing->name);
            api_invalid(&in, missing->name, msg);
        }
    }
    json_decref(body);
    if (!in.failed)
        registry_defaults(w->e, w->values);
    if (in.failed || !check_region(r, &in, w, NULL) || !check_links(r, &in, w, NULL)) {
        drop(w);
        return 0;
    }
    http_write(r, &w->super);
    return 0;
}

/* Loads the record the route names, answering 404 when it is missing or outside scope. */
static bool load_in_scope(http_req_t *r, const registry_entity_t *e, int64_t id, store_registry_row_t *row)
{
    int rc = store_registry_get(http_reader(r), e, id, row);
    if (rc != STORE_OK) {
        if (rc == STORE_ENOTFOUND)
            http_reply_error(r, 404, "not_found", "no such record", NULL);
        else
            http_reply_internal(r, "cannot read a record");
        return false;
    }
    const registry_value_t *region = &row->values[registry_region_field(e)];
    policy_target_t target = {.region = region->null ? NULL : region->text};
    if (http_authorize(r, &target, true))
        return true;
    store_registry_row_free(row);
    return false;
}

int api_registry_update(http_req_t *r)
{
    const registry_entity_t *e = api_registry_entity(r);
    int64_t id = api_param_id(r, 0);
    store_registry_row_t old;
    if (id == 0 || !load_in_scope(r, e, id, &old))
        return 0;
    json_t *body = http_json_body(r);
    if (body == NULL) {
        store_registry_row_free(&old);
        return 0;
    }
    registry_write_t *w = new_write(r, UPDATE);
    w->id = id;
    api_input_t in = {r, body, false};
    parse_body(r, &in, w);
    json_decref(body);
    for (int i = 0; !in.failed && i < e->nfields; i++)
        if (e->fields[i].required && w->values[i].set && w->values[i].null)
            api_invalid(&in, e->fields[i].name, "a required field cannot be emptied");
    bool ok = !in.failed && check_region(r, &in, w, &old) && check_links(r, &in, w, &old);
    store_registry_row_free(&old);
    if (!ok) {
        drop(w);
        return 0;
    }
    http_write(r, &w->super);
    return 0;
}

int api_registry_delete(http_req_t *r)
{
    const registry_entity_t *e = api_registry_entity(r);
    int64_t id = api_param_id(r, 0);
    store_registry_row_t old;
    if (id == 0 || !load_in_scope(r, e, id, &old))
        return 0;
    bool has_spokes = false;
    if (is(e, "station") && store_station_has_spokes(http_reader(r), id, &has_spokes) != STORE_OK) {
        store_registry_row_free(&old);
        http_reply_internal(r, "cannot look for liaison points");
        return 0;
    }
    if (has_spokes) {
        store_registry_row_free(&old);
        http_reply_error(r, 409, "has_spokes", "move or delete the liaison points under this station first", NULL);
        return 0;
    }
    registry_write_t *w = new_write(r, DELETE);
    w->id = id;
    const registry_value_t *region = &old.values[registry_region_field(e)];
    snprintf(w->region, sizeof(w->region), "%s", region->null ? "" : region->text);
    store_registry_row_free(&old);
    http_write(r, &w->super);
    return 0;
}
