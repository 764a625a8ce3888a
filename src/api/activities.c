/*
 * activities: reception rules with their duty rosters, activities (线上预告), the record filed
 * after one (线下开展), its photos, and the 接待日公示表 of a station's month (SPEC §4).
 *
 * Every change is one write: the rule or activity is read inside the writer's transaction, the
 * domain says whether the change is allowed there and then, and the change, the days a rule
 * announces, the duty clash check and the audit row are written together or not at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/activity_common.h"
#include "api/opinion_common.h"
#include "auth/vault.h"
#include "core/calendar.h"
#include "core/xlsx.h"
#include "domain/region.h"
#include "domain/schedule.h"
#include "store/calendar.h"
#include "store/registry.h"

enum { TITLE_MAX = 100, PLACE_MAX = 200, TEXT_MAX = 2000, DEPUTIES_MAX = 50, CAPACITY_MAX = 10000 };
enum { PHOTO_MAX_BYTES = 1024 * 1024, LIST_MAX = 500, CALENDAR_DAYS_MAX = 62 };

/* ---- shared ---------------------------------------------------------------------------------- */

activity_seats_t api_activity_seats(const store_activity_t *a)
{
    return (activity_seats_t){a->state, a->starts_at, a->capacity, a->booked};
}

static int duty_json(const store_duty_t *d, void *arg)
{
    json_t *j = json_pack("{s:I, s:s}", "id", (json_int_t)d->id, "name", d->name);
    json_object_set_new(j, "attended", d->attended < 0 ? json_null() : json_boolean(d->attended));
    json_array_append_new(arg, j);
    return 0;
}

static int photo_id(const store_photo_t *p, void *arg)
{
    json_array_append_new(arg, json_integer(p->id));
    return 0;
}

json_t *api_activity_json(store_t *db, const store_activity_t *a, int64_t now)
{
    activity_seats_t seats = api_activity_seats(a);
    json_t *j = json_pack("{s:I, s:{s:I, s:s}, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:i, s:i, s:s, s:b}",
                          "id", (json_int_t)a->id, "station", "id", (json_int_t)a->station_id, "name",
                          a->station_name, "region", a->region, "kind", a->kind, "title", a->title, "description",
                          a->description, "place", a->place, "starts_at", (json_int_t)a->starts_at, "ends_at",
                          (json_int_t)a->ends_at, "capacity", a->capacity, "booked", a->booked, "seats_left",
                          a->capacity - a->booked, "state", activity_state_name(a->state), "bookable",
                          activity_seat(&seats, now) == SEAT_OPEN);
    json_object_set_new(j, "rule_id", a->rule_id ? json_integer(a->rule_id) : json_null());
    json_t *deputies = json_array(), *photos = json_array();
    if (store_activity_deputies_each(db, a->id, duty_json, deputies) != STORE_OK ||
        store_activity_photos_each(db, a->id, 0, false, photo_id, photos) != STORE_OK) {
        json_decref(deputies);
        json_decref(photos);
        json_decref(j);
        return NULL;
    }
    json_object_set_new(j, "deputies", deputies);
    json_object_set_new(j, "photos", photos);
    json_object_set_new(j, "record",
                        a->recorded_at ? json_pack("{s:i, s:s, s:I}", "visitors", a->visitors, "summary",
                                                   a->summary ? a->summary : "", "recorded_at",
                                                   (json_int_t)a->recorded_at)
                                       : json_null());
    return j;
}

bool api_station_in_scope(http_req_t *r, int64_t id, const char *field, char region[13])
{
    if (store_registry_region(http_reader(r), registry_entity("station"), id, region) != STORE_OK) {
        if (field)
            http_reply_error(r, 422, "invalid", "that names no such station", field);
        else
            http_reply_error(r, 404, "not_found", "no such station", NULL);
        return false;
    }
    policy_target_t t = {.region = region};
    return http_authorize(r, &t, field == NULL);
}

bool api_activity_load(http_req_t *r, bool scoped, store_activity_t *a)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return false;
    int rc = store_activity_get(http_reader(r), id, a);
    if (rc == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such activity", NULL);
        return false;
    }
    if (rc != STORE_OK) {
        store_activity_free(a);
        http_reply_internal(r, "cannot read an activity");
        return false;
    }
    policy_target_t t = {.region = a->region};
    if (scoped && !http_authorize(r, &t, true)) {
        store_activity_free(a);
        return false;
    }
    return true;
}

bool api_read_deputies(api_input_t *in, const char *field, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    json_t *list = json_object_get(in->body, field);
    if (in->failed || list == NULL)
        return !in->failed;
    if (!json_is_array(list) || json_array_size(list) > DEPUTIES_MAX) {
        api_invalid(in, field, "give a list of at most 50 deputy ids");
        return false;
    }
    *ids = calloc(json_array_size(list) + 1, sizeof(**ids));
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
        char region[13];
        bool repeated = false;
        for (size_t k = 0; k < *n; k++)
            repeated |= (*ids)[k] == id;
        if (id <= 0 || repeated ||
            store_registry_region(http_reader(in->r), registry_entity("deputy"), id, region) != STORE_OK) {
            api_invalid(in, field, "name live deputies, each once");
            free(*ids);
            *ids = NULL;
            *n = 0;
            return false;
        }
        (*ids)[(*n)++] = id;
    }
    return true;
}

void api_clash_message(store_t *db, const api_clash_t *clash, char *out, size_t cap)
{
    char name[200] = "", where[200] = "", date[11];
    store_registry_name(db, registry_entity("deputy"), clash->deputy_id, name, sizeof(name));
    store_activity_t other;
    if (store_activity_get(db, clash->activity_id, &other) == STORE_OK)
        snprintf(where, sizeof(where), "%s (%s)", other.title, other.station_name);
    store_activity_free(&other);
    calendar_format_date(calendar_day_of(clash->at), date);
    snprintf(out, cap, "%s is on duty at %s at that time on %s", name, where, date);
}

/* ---- reception rules ------------------------------------------------------------------------- */

/* Puts deputies on activity unless one of them is busy elsewhere then: *clash says who. */
static int staff_activity(store_t *db, int64_t activity, int64_t start, int64_t end, const int64_t *deputies, size_t n,
                          api_clash_t *clash)
{
    for (size_t i = 0; i < n; i++) {
        int64_t other;
        int rc = store_deputy_clash(db, deputies[i], start, end, activity, &other);
        if (rc != STORE_OK)
            return rc;
        if (other) {
            *clash = (api_clash_t){deputies[i], other, start};
            return STORE_EINVALID;
        }
    }
    return store_activity_deputies_set(db, activity, deputies, n);
}

typedef struct {
    int64_t *ids;
    size_t n;
} id_list_t;

static int collect_duty(const store_duty_t *d, void *arg)
{
    id_list_t *l = arg;
    int64_t *grown = realloc(l->ids, (l->n + 1) * sizeof(*grown));
    if (grown == NULL)
        abort();
    l->ids = grown;
    l->ids[l->n++] = d->id;
    return 0;
}

/* The roster deputies free at [start, end) (all of them, or the first clash when strict). */
static int free_deputies(store_t *db, const id_list_t *roster, int64_t start, int64_t end, bool strict,
                         id_list_t *out, api_clash_t *clash)
{
    out->n = 0;
    for (size_t i = 0; i < roster->n; i++) {
        int64_t other;
        int rc = store_deputy_clash(db, roster->ids[i], start, end, 0, &other);
        if (rc != STORE_OK)
            return rc;
        if (other && strict) {
            *clash = (api_clash_t){roster->ids[i], other, start};
            return STORE_EINVALID;
        }
        if (!other)
            out->ids[out->n++] = roster->ids[i];
    }
    return STORE_OK;
}

static int found(const store_activity_t *a, void *arg)
{
    *(bool *)arg = true;
    return 1;
}

/* Whether the rule has a live activity on day already. */
static int rule_holds_day(store_t *db, int64_t rule, calendar_day_t day, bool *held)
{
    store_activity_filter_t f = {.rule_id = rule, .from = calendar_day_start(day), .to = calendar_day_end(day), .limit = 1};
    *held = false;
    return store_activities_each(db, &f, found, held);
}

int api_rule_announce(store_t *db, const calendar_t *cal, const store_rule_t *rule, int64_t now, bool strict,
                      api_clash_t *clash)
{
    schedule_rule_t parsed;
    char err[160];
    if (!schedule_parse(rule->rule, &parsed, err, sizeof(err)))
        return STORE_EINVALID;
    calendar_day_t today = calendar_day_of(now), days[RULE_HORIZON_DAYS];
    size_t ndays = schedule_days(&parsed, cal, today, today + RULE_HORIZON_DAYS - 1, days, RULE_HORIZON_DAYS);
    id_list_t roster = {NULL, 0}, present = {NULL, 0};
    int rc = store_rule_roster_each(db, rule->id, collect_duty, &roster);
    present.ids = calloc(roster.n + 1, sizeof(*present.ids));
    for (size_t i = 0; i < ndays && rc == STORE_OK; i++) {
        store_activity_t a = {
            .station_id = rule->station_id, .rule_id = rule->id, .kind = "reception", .title = "接待日",
            .place = rule->place, .capacity = rule->capacity,
            .starts_at = calendar_day_start(days[i]) + parsed.start * 60,
            .ends_at = calendar_day_start(days[i]) + parsed.end * 60,
        };
        snprintf(a.region, sizeof(a.region), "%s", rule->region);
        int64_t id = 0;
        bool held = false; /* a day of the rule kept when it changed (it was booked) stays the day's */
        if (a.starts_at <= now || (rc = rule_holds_day(db, rule->id, days[i], &held)) != STORE_OK || held)
            continue;
        rc = free_deputies(db, &roster, a.starts_at, a.ends_at, strict, &present, clash);
        if (rc == STORE_OK)
            rc = store_activity_insert(db, &a, now, &id);
        if (rc == STORE_OK && id)
            rc = store_activity_deputies_set(db, id, present.ids, present.n);
    }
    free(roster.ids);
    free(present.ids);
    return rc;
}

typedef struct {
    http_write_t super;
    api_who_t who;
    enum { RULE_ADD, RULE_EDIT, RULE_END } op;
    store_rule_t rule;         /* place owned */
    int64_t *deputies;         /* owned */
    size_t ndeputies;
    bool roster_given;
    api_clash_t clash;
    bool clashed;
} rule_write_t;

static int rule_run(http_write_t *w, store_t *db)
{
    rule_write_t *rw = (rule_write_t *)w;
    int64_t now = time(NULL);
    int rc = STORE_OK;
    if (rw->op == RULE_ADD) {
        rc = store_rule_insert(db, &rw->rule, now, &rw->rule.id);
    } else {
        store_rule_t old;
        rc = store_rule_get(db, rw->rule.id, &old);
        if (rc == STORE_OK && rw->op == RULE_EDIT) {
            /* what the edit leaves out stays as it was */
            if (!rw->rule.rule[0])
                snprintf(rw->rule.rule, sizeof(rw->rule.rule), "%s", old.rule);
            if (rw->rule.place == NULL)
                rw->rule.place = strdup(old.place);
            if (rw->rule.capacity == 0)
                rw->rule.capacity = old.capacity;
            rw->rule.station_id = old.station_id;
            snprintf(rw->rule.region, sizeof(rw->rule.region), "%s", old.region);
        }
        store_rule_free(&old);
        if (rc == STORE_OK)
            rc = store_rule_retire_days(db, rw->rule.id, now);
        if (rc == STORE_OK && rw->op == RULE_EDIT)
            rc = store_rule_save(db, &rw->rule, now);
        if (rc == STORE_OK && rw->op == RULE_END)
            rc = store_rule_delete(db, rw->rule.id, now);
    }
    if (rc == STORE_OK && rw->roster_given)
        rc = store_rule_roster_set(db, rw->rule.id, rw->deputies, rw->ndeputies);
    calendar_t cal;
    calendar_init(&cal);
    if (rc == STORE_OK && rw->op != RULE_END && (rc = store_calendar_load(db, &cal)) == STORE_OK) {
        rc = api_rule_announce(db, &cal, &rw->rule, now, true, &rw->clash);
        rw->clashed = rc == STORE_EINVALID;
    }
    calendar_free(&cal);
    static const char *const actions[] = {"rule.create", "rule.update", "rule.delete"};
    return rc ? rc : api_audit(db, &rw->who, actions[rw->op], "rule", rw->rule.id, rw->rule.region, rw->rule.rule);
}

static int roster_json(const store_duty_t *d, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)d->id, "name", d->name));
    return 0;
}

static json_t *rule_json(store_t *db, const store_rule_t *rule)
{
    json_t *deputies = json_array();
    if (store_rule_roster_each(db, rule->id, roster_json, deputies) != STORE_OK) {
        json_decref(deputies);
        return NULL;
    }
    return json_pack("{s:I, s:I, s:s, s:s, s:i, s:o}", "id", (json_int_t)rule->id, "station_id",
                     (json_int_t)rule->station_id, "rule", rule->rule, "place", rule->place ? rule->place : "",
                     "capacity", rule->capacity, "deputies", deputies);
}

static void rule_respond(http_write_t *w, http_req_t *r, int status)
{
    rule_write_t *rw = (rule_write_t *)w;
    if (r && rw->clashed) {
        char msg[600];
        api_clash_message(http_reader(r), &rw->clash, msg, sizeof(msg));
        http_reply_error(r, 409, "duty_clash", msg, "deputies");
    } else if (r && status == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such reception rule", NULL);
    } else if (r && status != STORE_OK) {
        http_reply_internal(r, "cannot change a reception rule");
    } else if (r && rw->op == RULE_END) {
        http_reply_empty(r, 204);
    } else if (r) {
        store_rule_t rule;
        json_t *j = store_rule_get(http_reader(r), rw->rule.id, &rule) == STORE_OK ? rule_json(http_reader(r), &rule) : NULL;
        store_rule_free(&rule);
        if (j)
            http_reply_json(r, rw->op == RULE_ADD ? 201 : 200, j);
        else
            http_reply_internal(r, "cannot read a reception rule");
    }
    store_rule_free(&rw->rule);
    free(rw->deputies);
}

/* Reads the rule's fields (all required on RULE_ADD); false after answering. */
static bool read_rule(api_input_t *in, rule_write_t *rw)
{
    static const char *const fields[] = {"rule", "place", "capacity", "deputies", NULL};
    api_only(in, fields);
    bool add = rw->op == RULE_ADD;
    const char *text = api_text(in, "rule", 1, 39, add);
    schedule_rule_t parsed;
    char err[160];
    if (!in->failed && text && !schedule_parse(text, &parsed, err, sizeof(err)))
        api_invalid(in, "rule", err);
    if (!in->failed && text)
        schedule_format(&parsed, rw->rule.rule, sizeof(rw->rule.rule));
    const char *place = api_text(in, "place", 0, PLACE_MAX, false);
    json_t *capacity = json_object_get(in->body, "capacity");
    if (!in->failed && (capacity || add) &&
        (!json_is_integer(capacity) || json_integer_value(capacity) < 1 || json_integer_value(capacity) > CAPACITY_MAX))
        api_invalid(in, "capacity", "capacity must be a whole number of seats from 1 to 10000");
    rw->roster_given = json_object_get(in->body, "deputies") != NULL || add;
    api_read_deputies(in, "deputies", &rw->deputies, &rw->ndeputies);
    if (in->failed)
        return false;
    rw->rule.capacity = capacity ? (int)json_integer_value(capacity) : 0;
    rw->rule.place = place ? strdup(place) : add ? strdup("") : NULL;
    return true;
}

static int rule_write(http_req_t *r, int op)
{
    rule_write_t *rw = http_write_new(r, sizeof(*rw));
    rw->op = op;
    json_t *body = NULL;
    bool ok;
    if (op == RULE_ADD) {
        rw->rule.station_id = api_param_id(r, 0);
        ok = rw->rule.station_id && api_station_in_scope(r, rw->rule.station_id, NULL, rw->rule.region);
    } else {
        store_rule_t old;
        rw->rule.id = api_param_id(r, 0);
        int rc = rw->rule.id ? store_rule_get(http_reader(r), rw->rule.id, &old) : STORE_ENOTFOUND;
        policy_target_t t = {.region = old.region};
        ok = rc == STORE_OK && http_authorize(r, &t, true);
        if (rc != STORE_OK && !r->answered)
            http_reply_error(r, 404, "not_found", "no such reception rule", NULL);
        if (rc == STORE_OK)
            snprintf(rw->rule.region, sizeof(rw->rule.region), "%s", old.region);
        store_rule_free(&old);
    }
    if (ok && op != RULE_END) {
        body = http_json_body(r);
        api_input_t in = {r, body, false};
        ok = body && read_rule(&in, rw);
        json_decref(body);
    }
    if (!ok) {
        store_rule_free(&rw->rule);
        free(rw->deputies);
        free(rw);
        return 0;
    }
    api_who(r, &rw->who);
    rw->super.run = rule_run;
    rw->super.respond = rule_respond;
    http_write(r, &rw->super);
    return 0;
}

int api_rules_create(http_req_t *r)
{
    return rule_write(r, RULE_ADD);
}

int api_rules_update(http_req_t *r)
{
    return rule_write(r, RULE_EDIT);
}

int api_rules_delete(http_req_t *r)
{
    return rule_write(r, RULE_END);
}

typedef struct {
    store_t *db;
    json_t *items;
    bool failed;
} rule_list_t;

static int rule_item(const store_rule_t *rule, void *arg)
{
    rule_list_t *l = arg;
    json_t *j = rule_json(l->db, rule);
    if (j == NULL)
        l->failed = true;
    else
        json_array_append_new(l->items, j);
    return j == NULL;
}

int api_rules_list(http_req_t *r)
{
    int64_t station = api_param_id(r, 0);
    char region[13];
    if (station == 0 || !api_station_in_scope(r, station, NULL, region))
        return 0;
    rule_list_t l = {http_reader(r), json_array(), false};
    if (store_rules_each(l.db, station, rule_item, &l) != STORE_OK || l.failed) {
        json_decref(l.items);
        http_reply_internal(r, "cannot read reception rules");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", l.items));
    return 0;
}

/* ---- activities ------------------------------------------------------------------------------ */

typedef struct {
    http_write_t super;
    api_who_t who;
    enum { ACTIVITY_ADD, ACTIVITY_EDIT, ACTIVITY_CANCEL, ACTIVITY_RECORD, ACTIVITY_PHOTO } op;
    store_activity_t a;        /* what the request gives; strings owned (NULL: unchanged) */
    int64_t *deputies;         /* owned */
    size_t ndeputies;
    bool roster_given;
    int capacity;              /* -1: unchanged */
    const char *refused;       /* why the activity's state refuses the change: 409 */
    const char *problem_field; /* an input the data refused: 422 */
    char problem[160];
    api_clash_t clash;
    bool clashed;
    unsigned char *photo;      /* owned */
    size_t photo_len;
    const char *photo_mime;
    int64_t photo_id;
} activity_write_t;

static void activity_write_free(activity_write_t *w)
{
    store_activity_free(&w->a);
    free(w->deputies);
    free(w->photo);
    w->deputies = NULL;
    w->photo = NULL;
}

static char *take(char **given, char *old)
{
    if (*given == NULL)
        return old;
    free(old);
    char *s = *given;
    *given = NULL;
    return s;
}

typedef struct {
    store_t *db;
    int64_t now;
    int rc;
} booked_walk_t;

/* When an activity is cancelled, the booked are told, and their bookings end. */
static int tell_booked(const store_booking_t *b, void *arg)
{
    booked_walk_t *w = arg;
    if (b->state != BOOKING_CONFIRMED)
        return 0;
    w->rc = store_booking_set_state(w->db, b->id, BOOKING_CANCELLED, w->now);
    if (w->rc == STORE_OK)
        w->rc = api_booking_notify(w->db, "booking.cancelled", b, w->now);
    return w->rc != STORE_OK;
}

static int refuse(activity_write_t *w, const char *why)
{
    w->refused = why;
    return STORE_EINVALID;
}

static int activity_problem(activity_write_t *w, const char *field, const char *message)
{
    w->problem_field = field;
    snprintf(w->problem, sizeof(w->problem), "%s", message);
    return STORE_EINVALID;
}

/* Applies the edit, record or cancel to a, as read in the transaction. */
static int change_activity(activity_write_t *w, store_t *db, store_activity_t *a, int64_t now)
{
    if (a->state == ACTIVITY_CANCELLED)
        return refuse(w, "the activity was cancelled");
    switch (w->op) {
    case ACTIVITY_CANCEL: {
        if (a->state == ACTIVITY_HELD)
            return refuse(w, "the activity has been held");
        a->state = ACTIVITY_CANCELLED;
        booked_walk_t walk = {db, now, STORE_OK};
        int rc = store_bookings_of_activity(db, a->id, tell_booked, &walk);
        return rc ? rc : walk.rc;
    }
    case ACTIVITY_RECORD:
        if (now < a->starts_at)
            return refuse(w, "the record is filed once the activity has begun");
        a->state = ACTIVITY_HELD;
        a->visitors = w->a.visitors;
        a->summary = take(&w->a.summary, a->summary);
        a->recorded_at = now;
        a->recorded_by = w->who.actor_id;
        return store_activity_attendance(db, a->id, w->deputies, w->ndeputies) == STORE_ENOTFOUND
                   ? activity_problem(w, "attended", "attended must name deputies of the activity")
                   : STORE_OK;
    case ACTIVITY_EDIT:
        if (a->state == ACTIVITY_HELD)
            return refuse(w, "the activity has been held");
        a->title = take(&w->a.title, a->title);
        a->description = take(&w->a.description, a->description);
        a->place = take(&w->a.place, a->place);
        if (w->a.kind[0])
            snprintf(a->kind, sizeof(a->kind), "%s", w->a.kind);
        if (w->a.starts_at)
            a->starts_at = w->a.starts_at;
        if (w->a.ends_at)
            a->ends_at = w->a.ends_at;
        if (!activity_times_valid(a->starts_at, a->ends_at))
            return activity_problem(w, "ends_at", "ends_at must come after starts_at, within a week");
        if (w->capacity >= 0 && w->capacity < a->booked)
            return activity_problem(w, "capacity", "capacity cannot go below the seats already booked");
        if (w->capacity >= 0)
            a->capacity = w->capacity;
        return STORE_OK;
    default: return STORE_OK;
    }
}

/* The activity's deputies: the new roster when given, else its own, checked for clashes at its
 * (perhaps new) time. */
static int restaff(activity_write_t *w, store_t *db, const store_activity_t *a)
{
    id_list_t own = {NULL, 0};
    int rc = STORE_OK;
    if (!w->roster_given)
        rc = store_activity_deputies_each(db, a->id, (int (*)(const store_duty_t *, void *))collect_duty, &own);
    if (rc == STORE_OK)
        rc = staff_activity(db, a->id, a->starts_at, a->ends_at, w->roster_given ? w->deputies : own.ids,
                            w->roster_given ? w->ndeputies : own.n, &w->clash);
    free(own.ids);
    w->clashed = rc == STORE_EINVALID;
    return rc;
}

static int activity_run(http_write_t *hw, store_t *db)
{
    activity_write_t *w = (activity_write_t *)hw;
    int64_t now = time(NULL);
    int rc;
    static const char *const actions[] = {"activity.create", "activity.update", "activity.cancel", "activity.record",
                                          "activity.photo"};
    if (w->op == ACTIVITY_ADD) {
        w->a.capacity = w->capacity;
        rc = store_activity_insert(db, &w->a, now, &w->a.id);
        if (rc == STORE_OK)
            rc = restaff(w, db, &w->a);
        return rc ? rc : api_audit(db, &w->who, actions[w->op], "activity", w->a.id, w->a.region, w->a.title);
    }
    store_activity_t a;
    rc = store_activity_get(db, w->a.id, &a);
    if (rc == STORE_OK && w->op == ACTIVITY_PHOTO)
        rc = store_activity_photo_add(db, a.id, w->photo_mime, w->photo, w->photo_len, now, &w->photo_id);
    else if (rc == STORE_OK)
        rc = change_activity(w, db, &a, now);
    if (rc == STORE_OK && w->op == ACTIVITY_EDIT)
        rc = restaff(w, db, &a);
    if (rc == STORE_OK && w->op != ACTIVITY_PHOTO)
        rc = store_activity_save(db, &a, now);
    if (rc == STORE_OK)
        rc = api_audit(db, &w->who, actions[w->op], "activity", a.id, a.region, a.title);
    store_activity_free(&a);
    return rc;
}

static void activity_respond(http_write_t *hw, http_req_t *r, int status)
{
    activity_write_t *w = (activity_write_t *)hw;
    if (r == NULL) {
        /* the client has gone */
    } else if (w->clashed) {
        char msg[600];
        api_clash_message(http_reader(r), &w->clash, msg, sizeof(msg));
        http_reply_error(r, 409, "duty_clash", msg, "deputies");
    } else if (w->refused) {
        http_reply_error(r, 409, "illegal_transition", w->refused, NULL);
    } else if (w->problem_field) {
        http_reply_error(r, 422, "invalid", w->problem, w->problem_field);
    } else if (status == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such activity", NULL);
    } else if (status != STORE_OK) {
        http_reply_internal(r, "cannot change an activity");
    } else if (w->op == ACTIVITY_PHOTO) {
        http_reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)w->photo_id));
    } else {
        store_activity_t a;
        json_t *j = store_activity_get(http_reader(r), w->a.id, &a) == STORE_OK
                        ? api_activity_json(http_reader(r), &a, time(NULL))
                        : NULL;
        store_activity_free(&a);
        if (j)
            http_reply_json(r, w->op == ACTIVITY_ADD ? 201 : 200, j);
        else
            http_reply_internal(r, "cannot read an activity");
    }
    activity_write_free(w);
}

static void read_time(api_input_t *in, const char *field, bool required, int64_t *out)
{
    const char *text = api_text(in, field, 16, 16, required);
    if (!in->failed && text && !activity_parse_time(text, out))
        api_invalid(in, field, "give the time as YYYY-MM-DDTHH:MM, Beijing time");
}

static char *dup_text(api_input_t *in, const char *field, size_t min, size_t max, bool required)
{
    const char *text = api_text(in, field, min, max, required);
    return !in->failed && text ? strdup(text) : NULL;
}

/* The fields of a new activity or an edit (required when adding). */
static void read_activity(api_input_t *in, activity_write_t *w)
{
    static const char *const fields[] = {"station_id", "kind", "title", "description", "place", "starts_at",
                                         "ends_at", "capacity", "deputies", NULL};
    bool add = w->op == ACTIVITY_ADD;
    api_only(in, add ? fields : fields + 1);
    const char *kind = api_text(in, "kind", 1, 15, add);
    if (!in->failed && kind && !opinion_word_in(activity_kinds, kind))
        api_invalid(in, "kind", "kind must be reception, group, inspection, research, report, legislative or other");
    else if (!in->failed && kind)
        snprintf(w->a.kind, sizeof(w->a.kind), "%s", kind);
    w->a.title = dup_text(in, "title", 1, TITLE_MAX, add);
    w->a.description = dup_text(in, "description", 0, TEXT_MAX, false);
    w->a.place = dup_text(in, "place", 0, PLACE_MAX, false);
    read_time(in, "starts_at", add, &w->a.starts_at);
    read_time(in, "ends_at", add, &w->a.ends_at);
    if (!in->failed && add && !activity_times_valid(w->a.starts_at, w->a.ends_at))
        api_invalid(in, "ends_at", "ends_at must come after starts_at, within a week");
    if (!in->failed && add && w->a.starts_at <= time(NULL))
        api_invalid(in, "starts_at", "an activity is announced ahead of time: starts_at must be in the future");
    json_t *capacity = json_object_get(in->body, "capacity");
    if (!in->failed && (capacity || add) &&
        (!json_is_integer(capacity) || json_integer_value(capacity) < 0 || json_integer_value(capacity) > CAPACITY_MAX))
        api_invalid(in, "capacity", "capacity must be a whole number of seats from 0 (not booked online) to 10000");
    w->capacity = capacity && !in->failed ? (int)json_integer_value(capacity) : -1;
    w->roster_given = json_object_get(in->body, "deputies") != NULL;
    api_read_deputies(in, "deputies", &w->deputies, &w->ndeputies);
}

static void read_record(api_input_t *in, activity_write_t *w)
{
    static const char *const fields[] = {"visitors", "summary", "attended", NULL};
    api_only(in, fields);
    json_t *visitors = json_object_get(in->body, "visitors");
    if (!in->failed && (!json_is_integer(visitors) || json_integer_value(visitors) < 0 ||
                        json_integer_value(visitors) > 100000))
        api_invalid(in, "visitors", "visitors must be how many people came, a whole number");
    w->a.visitors = in->failed ? 0 : (int)json_integer_value(visitors);
    w->a.summary = dup_text(in, "summary", 1, TEXT_MAX, true);
    api_read_deputies(in, "attended", &w->deputies, &w->ndeputies); /* the deputies present */
}

static int activity_write(http_req_t *r, int op)
{
    activity_write_t *w = http_write_new(r, sizeof(*w));
    w->op = op;
    w->capacity = -1;
    bool ok = true;
    if (op == ACTIVITY_ADD) {
        snprintf(w->a.kind, sizeof(w->a.kind), "%s", "");
    } else {
        store_activity_t a;
        ok = api_activity_load(r, true, &a);
        if (ok) {
            w->a.id = a.id;
            snprintf(w->a.region, sizeof(w->a.region), "%s", a.region);
            store_activity_free(&a);
        }
    }
    json_t *body = NULL;
    if (ok && (op == ACTIVITY_ADD || op == ACTIVITY_EDIT || op == ACTIVITY_RECORD)) {
        body = http_json_body(r);
        api_input_t in = {r, body, false};
        if (body && op == ACTIVITY_RECORD)
            read_record(&in, w);
        else if (body)
            read_activity(&in, w);
        if (body && op == ACTIVITY_ADD) {
            w->a.station_id = api_id(&in, "station_id");
            if (!in.failed && w->a.station_id == 0)
                api_invalid(&in, "station_id", "station_id must name the station holding the activity");
            if (!in.failed && !api_station_in_scope(r, w->a.station_id, "station_id", w->a.region))
                in.failed = true;
        }
        ok = body && !in.failed;
        json_decref(body);
    }
    if (ok && op == ACTIVITY_PHOTO) {
        h2o_iovec_t data = r->h->entity;
        w->photo_mime = opinion_attachment_type((const unsigned char *)data.base, data.len);
        if (data.len > PHOTO_MAX_BYTES) {
            http_reply_error(r, 413, "too_large", "a photo may have at most 1 MiB; the form makes it smaller", NULL);
            ok = false;
        } else if (w->photo_mime == NULL || strcmp(w->photo_mime, "application/pdf") == 0) {
            http_reply_error(r, 415, "unsupported_type", "photos may be JPEG, PNG or WebP images", NULL);
            ok = false;
        } else if ((w->photo = malloc(data.len)) != NULL) {
            memcpy(w->photo, data.base, data.len);
            w->photo_len = data.len;
        }
    }
    if (!ok) {
        activity_write_free(w);
        free(w);
        return 0;
    }
    api_who(r, &w->who);
    w->super.run = activity_run;
    w->super.respond = activity_respond;
    http_write(r, &w->super);
    return 0;
}

int api_activities_create(http_req_t *r)
{
    return activity_write(r, ACTIVITY_ADD);
}

int api_activities_update(http_req_t *r)
{
    return activity_write(r, ACTIVITY_EDIT);
}

int api_activities_cancel(http_req_t *r)
{
    return activity_write(r, ACTIVITY_CANCEL);
}

int api_activities_record(http_req_t *r)
{
    return activity_write(r, ACTIVITY_RECORD);
}

int api_activities_photo_add(http_req_t *r)
{
    return activity_write(r, ACTIVITY_PHOTO);
}

typedef struct {
    http_req_t *r;
} photo_reply_t;

static int send_photo(const store_photo_t *p, void *arg)
{
    http_req_t *r = arg;
    http_add_header(r, "cache-control", "public, max-age=86400");
    http_reply_text(r, 200, p->mime, p->data, p->bytes);
    return 1;
}

int api_activities_photo(http_req_t *r)
{
    store_activity_t a;
    if (!api_activity_load(r, false, &a))
        return 0;
    int64_t photo = api_param_id(r, 1);
    int rc = photo ? store_activity_photos_each(http_reader(r), a.id, photo, true, send_photo, r) : STORE_OK;
    store_activity_free(&a);
    if (rc != STORE_OK)
        http_reply_internal(r, "cannot read a photo");
    else if (!r->answered)
        http_reply_error(r, 404, "not_found", "no such photo", NULL);
    return 0;
}

int api_activities_get(http_req_t *r)
{
    store_activity_t a;
    if (!api_activity_load(r, false, &a))
        return 0;
    json_t *j = api_activity_json(http_reader(r), &a, time(NULL));
    store_activity_free(&a);
    if (j)
        http_reply_json(r, 200, j);
    else
        http_reply_internal(r, "cannot read an activity");
    return 0;
}

typedef struct {
    store_t *db;
    json_t *items;
    int64_t now;
    bool failed;
} activity_list_t;

static int activity_item(const store_activity_t *a, void *arg)
{
    activity_list_t *l = arg;
    json_t *j = api_activity_json(l->db, a, l->now);
    if (j == NULL) {
        l->failed = true;
        return 1;
    }
    json_array_append_new(l->items, j);
    return 0;
}

/* Public: what is coming (and what was held) at a station or in a region. */
int api_activities_list(http_req_t *r)
{
    store_activity_filter_t f = {0};
    const char *station = http_query(r, "station"), *region = http_query(r, "region"), *kind = http_query(r, "kind");
    char hi[14];
    long limit = api_query_long(r, "limit", 100, 1, LIST_MAX);
    long after = api_query_long(r, "after", 0, 0, INT32_MAX);
    if (limit < 0 || after < 0 || !api_opinion_read_period(r, &f.from, &f.to))
        return 0;
    if (station && (f.station_id = strtoll(station, NULL, 10)) <= 0) {
        http_reply_error(r, 400, "bad_query", "station must be a station id", "station");
        return 0;
    }
    if (region && !region_code_valid(region)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return 0;
    }
    if (region)
        region_subtree_upper(region, hi);
    if (kind && !opinion_word_in(activity_kinds, kind)) {
        http_reply_error(r, 400, "bad_query", "kind names no kind of activity", "kind");
        return 0;
    }
    f.region_lo = region;
    f.region_hi = region ? hi : NULL;
    f.kind = kind;
    f.after_id = after;
    f.limit = (int)limit + 1;
    activity_list_t l = {http_reader(r), json_array(), time(NULL), false};
    if (store_activities_each(l.db, &f, activity_item, &l) != STORE_OK || l.failed) {
        json_decref(l.items);
        http_reply_internal(r, "cannot list activities");
        return 0;
    }
    api_reply_page(r, l.items, limit);
    return 0;
}

/* ---- the 接待日公示表 ------------------------------------------------------------------------- */

bool api_read_month(http_req_t *r, calendar_day_t *first, calendar_day_t *last, char month[8])
{
    const char *text = http_query(r, "month");
    int y, m;
    calendar_day_to_ymd(calendar_day_of(time(NULL)), &y, &m, NULL);
    if (text) {
        char day[16];
        snprintf(day, sizeof(day), "%.8s-01", text);
        if (strlen(text) != 7 || calendar_parse_date(day, first) != 0) {
            http_reply_error(r, 400, "bad_query", "give the month as YYYY-MM", "month");
            return false;
        }
        calendar_day_to_ymd(*first, &y, &m, NULL);
    }
    calendar_day_from_ymd(y, m, 1, first);
    int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
    calendar_day_t next;
    if (calendar_day_from_ymd(ny, nm, 1, &next) != 0) {
        http_reply_error(r, 400, "bad_query", "give the month as YYYY-MM", "month");
        return false;
    }
    *last = next - 1;
    snprintf(month, 8, "%04d-%02d", y, m);
    return true;
}

typedef struct {
    store_t *db;
    json_t *days;
    int64_t now;
    bool failed;
} schedule_walk_t;

static int schedule_item(const store_activity_t *a, void *arg)
{
    schedule_walk_t *w = arg;
    char date[11];
    calendar_day_t day = calendar_day_of(a->starts_at);
    calendar_format_date(day, date);
    json_t *last = json_array_get(w->days, json_array_size(w->days) - 1);
    if (last == NULL || strcmp(json_string_value(json_object_get(last, "date")), date) != 0) {
        last = json_pack("{s:s, s:i, s:[]}", "date", date, "weekday", calendar_weekday(day), "activities");
        json_array_append_new(w->days, last);
    }
    json_t *deputies = json_array();
    if (store_activity_deputies_each(w->db, a->id, roster_json, deputies) != STORE_OK) {
        json_decref(deputies);
        w->failed = true;
        return 1;
    }
    activity_seats_t seats = api_activity_seats(a);
    json_array_append_new(json_object_get(last, "activities"),
                          json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:o, s:i, s:i, s:b, s:s}", "id",
                                    (json_int_t)a->id, "kind", a->kind, "title", a->title, "place", a->place,
                                    "starts_at", (json_int_t)a->starts_at, "ends_at", (json_int_t)a->ends_at,
                                    "deputies", deputies, "capacity", a->capacity, "seats_left",
                                    a->capacity - a->booked, "bookable", activity_seat(&seats, w->now) == SEAT_OPEN,
                                    "state", activity_state_name(a->state)));
    return 0;
}

/* The month's activities of a station by day, or NULL on a read error. */
static json_t *schedule_json(store_t *db, int64_t station, const char *name, calendar_day_t first, calendar_day_t last,
                             const char *month)
{
    schedule_walk_t w = {db, json_array(), time(NULL), false};
    store_activity_filter_t f = {.station_id = station, .from = calendar_day_start(first), .to = calendar_day_end(last)};
    if (store_activities_each(db, &f, schedule_item, &w) != STORE_OK || w.failed) {
        json_decref(w.days);
        return NULL;
    }
    return json_pack("{s:{s:I, s:s}, s:s, s:o}", "station", "id", (json_int_t)station, "name", name, "month", month,
                     "days", w.days);
}

/* The schedule is the same for every reader, so it is cached; the minute is part of the key
 * because whether a slot can still be booked changes as time passes. */
int api_station_schedule(http_req_t *r)
{
    int64_t station = api_param_id(r, 0);
    calendar_day_t first, last;
    char month[8], name[256], key[64];
    if (station == 0 || !api_read_month(r, &first, &last, month))
        return 0;
    snprintf(key, sizeof(key), "schedule/%lld/%s/%lld", (long long)station, month, (long long)(time(NULL) / 60));
    if (http_reply_cached(r, key))
        return 0;
    if (store_registry_name(http_reader(r), registry_entity("station"), station, name, sizeof(name)) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "no such station", NULL);
        return 0;
    }
    json_t *j = schedule_json(http_reader(r), station, name, first, last, month);
    if (j)
        http_reply_json_cache(r, key, j);
    else
        http_reply_internal(r, "cannot read a schedule");
    return 0;
}

/* The sheet is made on a worker: libxlsxwriter writes a file. */
typedef struct {
    http_task_t super;
    json_t *rows;
    char title[32], filename[64], err[128];
    buf_t out;
} schedule_task_t;

static void schedule_task_run(http_task_t *task)
{
    schedule_task_t *t = (schedule_task_t *)task;
    static const char *const headers[] = {"日期", "星期", "时间", "活动", "地点", "值班代表", "余位"};
    if (xlsx_table(t->title, headers, 7, t->rows, &t->out, t->err, sizeof(t->err)) != 0)
        buf_reset(&t->out);
}

static void schedule_task_respond(http_task_t *task, http_req_t *r)
{
    schedule_task_t *t = (schedule_task_t *)task;
    if (r && t->out.len == 0) {
        http_reply_internal(r, t->err[0] ? t->err : "cannot make a schedule sheet");
    } else if (r) {
        char disposition[128];
        snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", t->filename);
        http_add_header(r, "content-disposition", disposition);
        http_reply_text(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", t->out.data,
                        t->out.len);
    }
    json_decref(t->rows);
    buf_free(&t->out);
}

static const char *const weekday_zh[] = {"", "一", "二", "三", "四", "五", "六", "日"};

/* A row of the sheet per activity: date, weekday, time, what, where, who, seats. */
static json_t *schedule_rows(const json_t *days)
{
    json_t *rows = json_array(), *day, *a, *d;
    size_t i, k, n;
    json_array_foreach(days, i, day)
    {
        json_array_foreach(json_object_get(day, "activities"), k, a)
        {
            char when[16], weekday[8];
            int64_t s = json_integer_value(json_object_get(a, "starts_at")) + CALENDAR_UTC_OFFSET_S;
            int64_t e = json_integer_value(json_object_get(a, "ends_at")) + CALENDAR_UTC_OFFSET_S;
            snprintf(when, sizeof(when), "%02d:%02d-%02d:%02d", (int)(s % 86400 / 3600), (int)(s % 3600 / 60),
                     (int)(e % 86400 / 3600), (int)(e % 3600 / 60));
            snprintf(weekday, sizeof(weekday), "周%s", weekday_zh[json_integer_value(json_object_get(day, "weekday"))]);
            buf_t who;
            buf_init(&who);
            json_array_foreach(json_object_get(a, "deputies"), n, d)
                buf_addf(&who, "%s%s", n ? "、" : "", json_string_value(json_object_get(d, "name")));
            char seats[16];
            snprintf(seats, sizeof(seats), "%lld", (long long)json_integer_value(json_object_get(a, "seats_left")));
            json_array_append_new(rows, json_pack("[s, s, s, s, s, s, s]", json_string_value(json_object_get(day, "date")),
                                                  weekday, when, json_string_value(json_object_get(a, "title")),
                                                  json_string_value(json_object_get(a, "place")),
                                                  who.data ? who.data : "", seats));
            buf_free(&who);
        }
    }
    return rows;
}

int api_station_schedule_xlsx(http_req_t *r)
{
    int64_t station = api_param_id(r, 0);
    calendar_day_t first, last;
    char month[8], name[256];
    if (station == 0 || !api_read_month(r, &first, &last, month))
        return 0;
    if (store_registry_name(http_reader(r), registry_entity("station"), station, name, sizeof(name)) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "no such station", NULL);
        return 0;
    }
    json_t *j = schedule_json(http_reader(r), station, name, first, last, month);
    if (j == NULL) {
        http_reply_internal(r, "cannot read a schedule");
        return 0;
    }
    schedule_task_t *t = http_task_new(r, sizeof(*t));
    t->rows = schedule_rows(json_object_get(j, "days"));
    json_decref(j);
    snprintf(t->title, sizeof(t->title), "接待日公示表 %s", month);
    snprintf(t->filename, sizeof(t->filename), "schedule-%lld-%s.xlsx", (long long)station, month);
    buf_init(&t->out);
    t->super.run = schedule_task_run;
    t->super.respond = schedule_task_respond;
    http_task(r, &t->super);
    return 0;
}
