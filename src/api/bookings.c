/*
 * bookings: 线上预约 and the desk (SPEC §4) - a constituent books a seat of an activity and gets
 * a confirmation code, looks it up and cancels it with that code and the phone's last four
 * digits; staff see the day's list, check visitors in (each becomes a visit, the reception
 * record) or mark them no-shows, and record walk-ins. Also the compliance lists.
 *
 * A seat is taken inside the writer's transaction, after the activity is read there: the writer
 * runs one job at a time, so however many requests race for the last seat, one gets it and the
 * rest are told it is full. Personal data is sealed; the desk's list and a visit name people, so
 * each read of them is written to the audit log before it is answered.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/activity_common.h"
#include "api/opinion_common.h"
#include "auth/vault.h"
#include "core/calendar.h"
#include "domain/region.h"
#include "store/registry.h"

enum { TOPIC_MAX = 200, CODE_TRIES = 8, LIST_MAX = 500 };

int api_booking_notify(store_t *db, const char *event, const store_booking_t *b, int64_t now)
{
    char to[40];
    snprintf(to, sizeof(to), "booking:%lld", (long long)b->id);
    json_t *payload = json_pack("{s:s, s:I}", "booking_code", b->code, "activity_id", (json_int_t)b->activity_id);
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    int rc = text ? store_outbox_add(db, event, to, text, now) : STORE_ERR;
    free(text);
    return rc;
}

/* ---- the constituent's booking ------------------------------------------------------------- */

/* What the holder of a booking sees: no personal data but the phone's last digits they typed. */
static json_t *booking_json(store_t *db, const store_booking_t *b, int64_t now)
{
    store_activity_t a;
    json_t *activity = store_activity_get(db, b->activity_id, &a) == STORE_OK ? api_activity_json(db, &a, now) : NULL;
    store_activity_free(&a);
    if (activity == NULL)
        return NULL;
    json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:o}", "code", b->code, "state", booking_state_name(b->state), "topic",
                          b->topic, "created_at", (json_int_t)b->created_at, "activity", activity);
    if (b->visit_id)
        json_object_set_new(j, "visit_id", json_integer(b->visit_id));
    return j;
}

static void reply_booking(http_req_t *r, int status, const char *code)
{
    store_booking_t b;
    json_t *j = store_booking_by_code(http_reader(r), code, &b) == STORE_OK ? booking_json(http_reader(r), &b, time(NULL))
                                                                             : NULL;
    store_booking_free(&b);
    if (j)
        http_reply_json(r, status, j);
    else
        http_reply_internal(r, "cannot read a booking");
}

typedef struct {
    http_write_t super;
    api_who_t who;
    enum { BOOK, CANCEL, CHECK_IN, NO_SHOW } op;
    store_booking_t b;         /* the new booking, or the one acted on (code) */
    const char *refused_code;  /* 409: full, already_booked, closed, illegal_transition */
    const char *refused;
    char clerk[200];           /* check-in: the clerk at the desk */
    char received_by[600];     /* check-in: the deputies on duty and the clerk */
} booking_write_t;

static int refuse(booking_write_t *w, const char *code, const char *message)
{
    w->refused_code = code;
    w->refused = message;
    return STORE_EINVALID;
}

static void draw_code(char out[OPINION_CODE_LEN + 1])
{
    unsigned char bytes[2 * OPINION_CODE_LEN];
    do
        randombytes_buf(bytes, sizeof(bytes));
    while (!opinion_code_from_bytes(bytes, sizeof(bytes), out, OPINION_CODE_LEN));
    out[OPINION_CODE_LEN] = '\0';
}

static int book(booking_write_t *w, store_t *db, const store_activity_t *a, int64_t now)
{
    activity_seats_t seats = api_activity_seats(a);
    seat_answer_t seat = activity_seat(&seats, now);
    if (seat == SEAT_CLOSED)
        return refuse(w, "closed", "this activity takes no bookings now");
    bool taken;
    int rc = store_booking_phone_taken(db, a->id, w->b.phone_hash, &taken);
    if (rc == STORE_OK && taken)
        return refuse(w, "already_booked", "this phone number has booked this activity already");
    if (rc == STORE_OK && seat == SEAT_FULL)
        return refuse(w, "full", "every seat is taken; no seats left");
    w->b.created_at = now;
    for (int i = 0; i < CODE_TRIES && rc == STORE_OK; i++) {
        draw_code(w->b.code);
        rc = store_booking_insert(db, &w->b, &w->b.id);
        if (rc == STORE_ECONSTRAINT && i + 1 < CODE_TRIES)
            rc = STORE_OK; /* a code in use: draw another */
        else
            break;
    }
    if (rc == STORE_OK)
        rc = store_activity_seat(db, a->id, 1, now);
    return rc ? rc : api_booking_notify(db, "booking.confirmed", &w->b, now);
}

/* Every deputy of the activity and the clerk at the desk: who received the visitor. */
static int add_receiver(const store_duty_t *d, void *arg)
{
    booking_write_t *w = arg;
    size_t len = strlen(w->received_by);
    snprintf(w->received_by + len, sizeof(w->received_by) - len, "%s%s", len ? "、" : "", d->name);
    return 0;
}

static int check_in(booking_write_t *w, store_t *db, const store_booking_t *b, const store_activity_t *a, int64_t now)
{
    w->received_by[0] = '\0';
    int rc = store_activity_deputies_each(db, a->id, add_receiver, w);
    size_t len = strlen(w->received_by);
    snprintf(w->received_by + len, sizeof(w->received_by) - len, "%s%s", len ? "、" : "", w->clerk);
    store_visit_t v = {
        .activity_id = a->id, .booking_id = b->id, .station_id = a->station_id, .created_by = w->who.actor_id,
        .created_at = now, .topic = b->topic, .name_sealed = b->name_sealed, .phone_sealed = b->phone_sealed,
        .received_by = w->received_by,
    };
    snprintf(v.region, sizeof(v.region), "%s", a->region);
    snprintf(v.phone_hash, sizeof(v.phone_hash), "%s", b->phone_hash);
    snprintf(v.phone4, sizeof(v.phone4), "%s", b->phone4);
    int64_t id;
    return rc ? rc : store_visit_insert(db, &v, &id);
}

/* A step on an existing booking: cancel, check in, no-show. */
static int step(booking_write_t *w, store_t *db, store_booking_t *b, const store_activity_t *a, int64_t now)
{
    static const booking_action_t actions[] = {[CANCEL] = BOOKING_CANCEL, [CHECK_IN] = BOOKING_CHECK_IN,
                                               [NO_SHOW] = BOOKING_MARK_NO_SHOW};
    int next = booking_next(b->state, actions[w->op]);
    activity_seats_t seats = api_activity_seats(a);
    if (next < 0)
        return refuse(w, "illegal_transition", b->state == BOOKING_CANCELLED    ? "the booking was cancelled"
                                               : b->state == BOOKING_CHECKED_IN ? "the visitor has been checked in"
                                                                                : "the booking was marked a no-show");
    if (a->state == ACTIVITY_CANCELLED)
        return refuse(w, "closed", "the activity was cancelled");
    if (w->op == CANCEL && !activity_cancellable(&seats, now))
        return refuse(w, "closed", "the activity has begun; it can no longer be cancelled");
    if (w->op == NO_SHOW && now < a->starts_at)
        return refuse(w, "closed", "a no-show is marked once the activity has begun");
    int rc = store_booking_set_state(db, b->id, (booking_state_t)next, now);
    if (rc == STORE_OK && w->op == CANCEL)
        rc = store_activity_seat(db, a->id, -1, now);
    if (rc == STORE_OK && w->op == CANCEL)
        rc = api_booking_notify(db, "booking.cancelled", b, now);
    if (rc == STORE_OK && w->op == CHECK_IN)
        rc = check_in(w, db, b, a, now);
    return rc;
}

static int booking_run(http_write_t *hw, store_t *db)
{
    booking_write_t *w = (booking_write_t *)hw;
    int64_t now = time(NULL);
    store_booking_t b = {0};
    store_activity_t a;
    int rc = STORE_OK;
    if (w->op != BOOK && (rc = store_booking_by_code(db, w->b.code, &b)) == STORE_OK)
        w->b.activity_id = b.activity_id;
    if (rc == STORE_OK)
        rc = store_activity_get(db, w->b.activity_id, &a);
    if (rc == STORE_OK) {
        rc = w->op == BOOK ? book(w, db, &a, now) : step(w, db, &b, &a, now);
        /* the desk's steps are audited; a constituent's own booking is its own record */
        if (rc == STORE_OK && (w->op == CHECK_IN || w->op == NO_SHOW))
            rc = api_audit(db, &w->who, w->op == CHECK_IN ? "booking.check_in" : "booking.no_show", "booking",
                           b.id, a.region, b.code);
        store_activity_free(&a);
    }
    store_booking_free(&b);
    return rc;
}

static void booking_respond(http_write_t *hw, http_req_t *r, int status)
{
    booking_write_t *w = (booking_write_t *)hw;
    if (r && w->refused_code) {
        json_t *body = json_pack("{s:{s:s, s:s}}", "error", "code", w->refused_code, "message", w->refused);
        if (strcmp(w->refused_code, "full") == 0)
            json_object_set_new(json_object_get(body, "error"), "seats_left", json_integer(0));
        http_reply_json(r, 409, body);
    } else if (r && status == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such booking", NULL);
    } else if (r && status != STORE_OK) {
        http_reply_internal(r, "cannot change a booking");
    } else if (r) {
        reply_booking(r, w->op == BOOK ? 201 : 200, w->b.code);
    }
    store_booking_free(&w->b);
}

static void submit(http_req_t *r, booking_write_t *w)
{
    api_who(r, &w->who);
    w->super.run = booking_run;
    w->super.respond = booking_respond;
    http_write(r, &w->super);
}

int api_bookings_create(http_req_t *r)
{
    const config_t *cfg = http_config(r);
    if (r->session == NULL &&
        api_rate_limited(r, "form", cfg->form_per_minute, 60, "too many bookings from this address; try again in a minute"))
        return 0;
    int64_t activity = api_param_id(r, 0);
    json_t *body = activity ? http_json_body(r) : NULL;
    if (body == NULL)
        return 0;
    booking_write_t *w = http_write_new(r, sizeof(*w));
    w->op = BOOK;
    w->b.activity_id = activity;
    api_input_t in = {r, body, false};
    static const char *const fields[] = {"topic", "phone", "name", NULL};
    api_only(&in, fields);
    const char *topic = api_text(&in, "topic", 1, TOPIC_MAX, true);
    if (!in.failed && strspn(topic, " \t\r\n") == strlen(topic))
        api_invalid(&in, "topic", "topic must say what you would like to raise");
    const char *phone = api_text(&in, "phone", 1, 20, true);
    const char *name = api_text(&in, "name", 0, 50, false);
    char digits[16];
    if (!in.failed && !opinion_phone_valid(phone, digits))
        api_invalid(&in, "phone", "phone must be a mobile number (11 digits) or a landline with its area code");
    store_activity_t a;
    int rc = in.failed ? STORE_OK : store_activity_get(http_reader(r), activity, &a);
    if (!in.failed && rc == STORE_OK)
        store_activity_free(&a);
    if (!in.failed && rc != STORE_OK) {
        http_reply_error(r, 404, "not_found", "no such activity", NULL);
        in.failed = true;
    }
    if (in.failed) {
        json_decref(body);
        free(w);
        return 0;
    }
    const vault_t *v = http_vault(r);
    w->b.topic = strdup(topic);
    w->b.phone_sealed = vault_seal(v, digits, strlen(digits));
    vault_lookup_hash(v, digits, strlen(digits), w->b.phone_hash);
    snprintf(w->b.phone4, sizeof(w->b.phone4), "%s", digits + strlen(digits) - 4);
    if (name && *name)
        w->b.name_sealed = vault_seal(v, name, strlen(name));
    json_decref(body);
    submit(r, w);
    return 0;
}

/* The booking behind the route's code when phone4 matches; otherwise answers 404 (or 429), a
 * wrong pair like an unknown code, and counts the wrong try against the client's address. */
static bool open_by_code(http_req_t *r, const char *phone4, store_booking_t *out)
{
    const config_t *cfg = http_config(r);
    if (api_rate_limited(r, "track", cfg->track_max_failures, cfg->login_window_s,
                         "too many wrong codes from this address; try again later"))
        return false;
    char code[OPINION_CODE_LEN + 1];
    bool found = opinion_code_normalize(http_param(r, 0), code) && store_booking_by_code(http_reader(r), code, out) == STORE_OK;
    bool match = found && phone4 && strlen(phone4) == 4 && sodium_memcmp(phone4, out->phone4, 4) == 0;
    if (found && !match)
        store_booking_free(out);
    if (!match) {
        http_reply_error(r, 404, "not_found", "no booking matches that code and phone number", NULL);
        return false;
    }
    api_rate_refund(r, "track");
    return true;
}

int api_bookings_get(http_req_t *r)
{
    store_booking_t b;
    if (!open_by_code(r, http_query(r, "phone4"), &b))
        return 0;
    json_t *j = booking_json(http_reader(r), &b, time(NULL));
    store_booking_free(&b);
    if (j)
        http_reply_json(r, 200, j);
    else
        http_reply_internal(r, "cannot read a booking");
    return 0;
}

int api_bookings_cancel(http_req_t *r)
{
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    api_input_t in = {r, body, false};
    static const char *const fields[] = {"phone4", NULL};
    api_only(&in, fields);
    const char *phone4 = api_text(&in, "phone4", 4, 4, true);
    store_booking_t b;
    if (in.failed || !open_by_code(r, phone4, &b)) {
        json_decref(body);
        return 0;
    }
    json_decref(body);
    booking_write_t *w = http_write_new(r, sizeof(*w));
    w->op = CANCEL;
    memcpy(w->b.code, b.code, sizeof(w->b.code));
    store_booking_free(&b);
    submit(r, w);
    return 0;
}

/* ---- the desk ------------------------------------------------------------------------------- */

/* The booking named by the route's code, of an activity inside the actor's scope (404 otherwise). */
static bool desk_booking(http_req_t *r, store_booking_t *b)
{
    char code[OPINION_CODE_LEN + 1];
    int rc = opinion_code_normalize(http_param(r, 0), code) ? store_booking_by_code(http_reader(r), code, b)
                                                            : STORE_ENOTFOUND;
    store_activity_t a = {0};
    if (rc == STORE_OK)
        rc = store_activity_get(http_reader(r), b->activity_id, &a);
    policy_target_t t = {.region = a.region};
    bool ok = rc == STORE_OK && http_authorize(r, &t, true);
    store_activity_free(&a);
    if (rc != STORE_OK && rc != STORE_ENOTFOUND)
        http_reply_internal(r, "cannot read a booking");
    else if (rc != STORE_OK)
        http_reply_error(r, 404, "not_found", "no such booking", NULL);
    if (!ok)
        store_booking_free(b);
    return ok;
}

static int desk_step(http_req_t *r, int op)
{
    store_booking_t b;
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    api_input_t in = {r, body, false};
    static const char *const none[] = {NULL};
    api_only(&in, none);
    json_decref(body);
    if (in.failed || !desk_booking(r, &b))
        return 0;
    booking_write_t *w = http_write_new(r, sizeof(*w));
    w->op = op;
    memcpy(w->b.code, b.code, sizeof(w->b.code));
    snprintf(w->clerk, sizeof(w->clerk), "%s", r->session->display_name);
    store_booking_free(&b);
    submit(r, w);
    return 0;
}

int api_bookings_check_in(http_req_t *r)
{
    return desk_step(r, CHECK_IN);
}

int api_bookings_no_show(http_req_t *r)
{
    return desk_step(r, NO_SHOW);
}

/* A read that names people: first the audit row, then (on the loop, after the commit) the answer. */
typedef struct {
    http_write_t super;
    api_who_t who;
    char entity[16], region[13], detail[64];
    int64_t id;
    void (*answer)(http_req_t *r, int64_t id);
} logged_read_t;

static int logged_run(http_write_t *hw, store_t *db)
{
    logged_read_t *l = (logged_read_t *)hw;
    return api_audit(db, &l->who, "personal.read", l->entity, l->id, l->region, l->detail);
}

static void logged_respond(http_write_t *hw, http_req_t *r, int status)
{
    logged_read_t *l = (logged_read_t *)hw;
    if (r && status != STORE_OK)
        http_reply_internal(r, "cannot log a read of personal data");
    else if (r) {
        http_add_header(r, "cache-control", "no-store");
        l->answer(r, l->id);
    }
}

static void read_logged(http_req_t *r, const char *entity, int64_t id, const char *region, const char *detail,
                        void (*answer)(http_req_t *r, int64_t id))
{
    logged_read_t *l = http_write_new(r, sizeof(*l));
    api_who(r, &l->who);
    snprintf(l->entity, sizeof(l->entity), "%s", entity);
    snprintf(l->region, sizeof(l->region), "%s", region);
    snprintf(l->detail, sizeof(l->detail), "%s", detail);
    l->id = id;
    l->answer = answer;
    l->super.run = logged_run;
    l->super.respond = logged_respond;
    http_write(r, &l->super);
}

typedef struct {
    json_t *items;
    const vault_t *vault;
} desk_list_t;

static int desk_item(const store_booking_t *b, void *arg)
{
    desk_list_t *l = arg;
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:I}", "id", (json_int_t)b->id, "code", b->code, "state",
                          booking_state_name(b->state), "topic", b->topic, "name_masked",
                          api_masked_name(l->vault, b->name_sealed), "phone4", b->phone4, "created_at",
                          (json_int_t)b->created_at);
    json_object_set_new(j, "visit_id", b->visit_id ? json_integer(b->visit_id) : json_null());
    json_array_append_new(l->items, j);
    return 0;
}

static void answer_desk(http_req_t *r, int64_t activity)
{
    desk_list_t l = {json_array(), http_vault(r)};
    if (store_bookings_of_activity(http_reader(r), activity, desk_item, &l) != STORE_OK) {
        json_decref(l.items);
        http_reply_internal(r, "cannot list bookings");
        return;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", l.items));
}

int api_activity_bookings(http_req_t *r)
{
    store_activity_t a;
    if (!api_activity_load(r, true, &a))
        return 0;
    read_logged(r, "activity", a.id, a.region, "bookings", answer_desk);
    store_activity_free(&a);
    return 0;
}

/* ---- visits: reception records --------------------------------------------------------------- */

static int opinion_link(const store_opinion_t *o, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)o->id, "tracking_code", o->tracking_code,
                                         "state", opinion_state_name(o->state)));
    return 0;
}

/* A visit as the station's record shows it; with_name opens the sealed name (a logged read). */
static json_t *visit_json(store_t *db, const vault_t *vault, const store_visit_t *v)
{
    json_t *opinions = json_array();
    if (store_opinions_of_visit(db, v->id, opinion_link, opinions) != STORE_OK) {
        json_decref(opinions);
        return NULL;
    }
    json_t *j = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:o}", "id", (json_int_t)v->id, "activity_id",
                          (json_int_t)v->activity_id, "activity_title", v->activity_title, "station_id",
                          (json_int_t)v->station_id, "topic", v->topic, "phone4", v->phone4, "received_by",
                          v->received_by, "created_at", (json_int_t)v->created_at, "opinions", opinions);
    json_object_set_new(j, "booking_id", v->booking_id ? json_integer(v->booking_id) : json_null());
    if (vault)
        json_object_set_new(j, "name_masked", api_masked_name(vault, v->name_sealed));
    return j;
}

static void answer_visit(http_req_t *r, int64_t id)
{
    store_visit_t v;
    json_t *j = store_visit_get(http_reader(r), id, &v) == STORE_OK ? visit_json(http_reader(r), http_vault(r), &v) : NULL;
    store_visit_free(&v);
    if (j)
        http_reply_json(r, 200, j);
    else
        http_reply_internal(r, "cannot read a visit");
}

static void answer_new_visit(http_req_t *r, int64_t id)
{
    store_visit_t v;
    json_t *j = store_visit_get(http_reader(r), id, &v) == STORE_OK ? visit_json(http_reader(r), NULL, &v) : NULL;
    store_visit_free(&v);
    if (j)
        http_reply_json(r, 201, j);
    else
        http_reply_internal(r, "cannot read a visit");
}

int api_visits_get(http_req_t *r)
{
    int64_t id = api_param_id(r, 0);
    store_visit_t v;
    int rc = id ? store_visit_get(http_reader(r), id, &v) : STORE_ENOTFOUND;
    policy_target_t t = {.region = v.region};
    if (rc != STORE_OK && id)
        http_reply_error(r, 404, "not_found", "no such visit", NULL);
    else if (rc == STORE_OK && http_authorize(r, &t, true))
        read_logged(r, "visit", id, v.region, "visit", answer_visit);
    if (rc == STORE_OK)
        store_visit_free(&v);
    return 0;
}

typedef struct {
    http_write_t super;
    api_who_t who;
    store_visit_t v; /* strings owned */
} walk_in_write_t;

static int walk_in_run(http_write_t *hw, store_t *db)
{
    walk_in_write_t *w = (walk_in_write_t *)hw;
    store_activity_t a;
    int rc = store_activity_get(db, w->v.activity_id, &a);
    if (rc == STORE_OK && a.state == ACTIVITY_CANCELLED)
        rc = STORE_EINVALID;
    store_activity_free(&a);
    w->v.created_at = time(NULL);
    if (rc == STORE_OK)
        rc = store_visit_insert(db, &w->v, &w->v.id);
    return rc ? rc : api_audit(db, &w->who, "visit.create", "visit", w->v.id, w->v.region, "walk_in");
}

static void walk_in_respond(http_write_t *hw, http_req_t *r, int status)
{
    walk_in_write_t *w = (walk_in_write_t *)hw;
    if (r && status == STORE_EINVALID)
        http_reply_error(r, 409, "closed", "the activity was cancelled", NULL);
    else if (r && status != STORE_OK)
        http_reply_internal(r, "cannot record a visit");
    else if (r)
        answer_new_visit(r, w->v.id);
    store_visit_free(&w->v);
}

int api_visits_create(http_req_t *r)
{
    store_activity_t a;
    if (!api_activity_load(r, true, &a))
        return 0;
    json_t *body = http_json_body(r);
    walk_in_write_t *w = body ? http_write_new(r, sizeof(*w)) : NULL;
    api_input_t in = {r, body, body == NULL};
    static const char *const fields[] = {"topic", "name", "phone", NULL};
    api_only(&in, fields);
    const char *topic = api_text(&in, "topic", 1, TOPIC_MAX, true);
    const char *name = api_text(&in, "name", 0, 50, false);
    const char *phone = api_text(&in, "phone", 0, 20, false);
    char digits[16] = "";
    if (!in.failed && phone && *phone && !opinion_phone_valid(phone, digits))
        api_invalid(&in, "phone", "phone must be a mobile number (11 digits) or a landline with its area code");
    if (in.failed) {
        json_decref(body);
        free(w);
        store_activity_free(&a);
        return 0;
    }
    const vault_t *v = http_vault(r);
    w->v.activity_id = a.id;
    w->v.station_id = a.station_id;
    snprintf(w->v.region, sizeof(w->v.region), "%s", a.region);
    w->v.topic = strdup(topic);
    w->v.received_by = strdup(r->session->display_name);
    w->v.created_by = r->session->actor.user_id;
    if (name && *name)
        w->v.name_sealed = vault_seal(v, name, strlen(name));
    if (digits[0]) {
        w->v.phone_sealed = vault_seal(v, digits, strlen(digits));
        vault_lookup_hash(v, digits, strlen(digits), w->v.phone_hash);
        snprintf(w->v.phone4, sizeof(w->v.phone4), "%s", digits + strlen(digits) - 4);
    }
    store_activity_free(&a);
    json_decref(body);
    api_who(r, &w->who);
    w->super.run = walk_in_run;
    w->super.respond = walk_in_respond;
    http_write(r, &w->super);
    return 0;
}

typedef struct {
    store_t *db;
    json_t *items;
    bool failed;
} visit_list_t;

static int visit_item(const store_visit_t *v, void *arg)
{
    visit_list_t *l = arg;
    json_t *j = visit_json(l->db, NULL, v);
    if (j == NULL) {
        l->failed = true;
        return 1;
    }
    json_array_append_new(l->items, j);
    return 0;
}

/* The region a list is about: ?region= inside the actor's scope, else the actor's own. false
 * after answering. */
static bool list_region(http_req_t *r, char lo[13], char hi[14])
{
    const char *region = http_query(r, "region");
    if (region && !region_code_valid(region)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return false;
    }
    snprintf(lo, 13, "%s", region ? region : http_actor(r)->region);
    policy_target_t t = {.region = lo};
    if (!http_authorize(r, &t, false))
        return false;
    region_subtree_upper(lo, hi);
    return true;
}

/* The reception records of a region or station, newest first (no names: a list is for counting
 * and finding; a visit's own page shows who came). */
int api_visits_list(http_req_t *r)
{
    store_visit_filter_t f = {0};
    char lo[13], hi[14];
    long limit = api_query_long(r, "limit", 100, 1, LIST_MAX);
    long before = api_query_long(r, "after", 0, 0, INT32_MAX); /* newest first, like the inbox */
    long station = api_query_long(r, "station", 0, 1, INT32_MAX);
    if (limit < 0 || before < 0 || station < 0 || !api_opinion_read_period(r, &f.from, &f.to) || !list_region(r, lo, hi))
        return 0;
    f.station_id = station;
    f.region_lo = lo;
    f.region_hi = hi;
    f.before_id = before;
    f.limit = (int)limit + 1;
    visit_list_t l = {http_reader(r), json_array(), false};
    if (store_visits_each(l.db, &f, visit_item, &l) != STORE_OK || l.failed) {
        json_decref(l.items);
        http_reply_internal(r, "cannot list visits");
        return 0;
    }
    api_reply_page(r, l.items, limit);
    return 0;
}

/* ---- compliance ------------------------------------------------------------------------------ */

static int station_row(const store_compliance_row_t *row, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)row->id, "name", row->name, "region",
                                         row->region));
    return 0;
}

static int deputy_row(const store_compliance_row_t *row, void *arg)
{
    json_t *ids = json_array();
    for (const char *p = row->activities; p && *p;) {
        json_array_append_new(ids, json_integer(strtoll(p, NULL, 10)));
        p = strchr(p, ',');
        p = p ? p + 1 : NULL;
    }
    json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)row->id, "name", row->name,
                                         "region", row->region, "absences", (json_int_t)row->count, "activities", ids));
    return 0;
}

/* SPEC §4: each station receives voters at least monthly; deputies on duty turn up. */
int api_compliance(http_req_t *r)
{
    char lo[13], hi[14], label[8];
    calendar_day_t first, last;
    if (!api_read_month(r, &first, &last, label) || !list_region(r, lo, hi))
        return 0;
    int64_t from = calendar_day_start(first), to = calendar_day_end(last);
    json_t *stations = json_array(), *deputies = json_array();
    store_t *db = http_reader(r);
    if (store_stations_without_reception(db, lo, hi, from, to, station_row, stations) != STORE_OK ||
        store_absent_deputies(db, lo, hi, from, to, deputy_row, deputies) != STORE_OK) {
        json_decref(stations);
        json_decref(deputies);
        http_reply_internal(r, "cannot read compliance");
        return 0;
    }
    http_reply_json(r, 200,
                    json_pack("{s:s, s:s, s:{s:I, s:o}, s:{s:I, s:o}}", "month", label, "region", lo,
                              "stations_without_reception", "count", (json_int_t)json_array_size(stations), "items",
                              stations, "absent_deputies", "count", (json_int_t)json_array_size(deputies), "items",
                              deputies));
    return 0;
}
