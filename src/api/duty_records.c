/*
 * duty_records: a deputy's duty records (履职记录, SPEC §6) - typed by the deputy or by staff for
 * them, given photos from a phone, and confirmed or rejected by staff before they count.
 *
 * Scope: a deputy reads and writes their own; the office and the station staff those of the
 * deputies in their region subtree, and they alone confirm; a standing-committee member reads
 * those of the deputies linked to them. The policy table cannot know the links, so the handler
 * looks the link up and, when there is one, names the member as the record's account: the
 * member's rows are RULE_SELF.
 *
 * A photo is checked by its header on the loop (a bomb is refused before any decoding), decoded
 * and written anew on a worker thread (core/image.h: no EXIF, no location), and stored by the
 * writer, which checks the record's state and photo count again inside its transaction.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/calendar.h"
#include "core/image.h"
#include "core/utf8.h"
#include "domain/region.h"
#include "store/duties.h"
#include "store/registry.h"

enum {
    TITLE_MAX = 200,
    BODY_MAX = 5000,
    REASON_MAX = 500,
    PAGE_MAX = 100,
    PHOTOS_MAX = 9,
    PHOTO_MAX_BYTES = HTTP_ROUTE_BODY_MAX,
    EVIDENCE_TEXT_MIN = 10, /* characters of body a 'text' rule asks for */
};

static const char *const states[] = {"pending", "confirmed", "rejected", NULL};

static bool word_in(const char *const *words, const char *w)
{
    for (; *words; words++)
        if (strcmp(*words, w) == 0)
            return true;
    return false;
}

/* ---- reading ---------------------------------------------------------------------------------- */

/* What the record offers the policy, seen by the actor: a member linked to its deputy is named as
 * its account. False when the link cannot be read. */
static bool record_target(http_req_t *r, const store_duty_record_t *d, policy_target_t *t)
{
    const actor_t *a = http_actor(r);
    *t = (policy_target_t){.region = d->region, .deputy_id = d->deputy_id};
    bool linked = false;
    if (a && a->role == ROLE_MEMBER &&
        store_duty_member_linked(http_reader(r), a->user_id, d->deputy_id, &linked) != STORE_OK)
        return false;
    if (linked)
        t->user_id = a->user_id;
    return true;
}

/* Whether the actor may still change the record: a typed one, not yet confirmed, of their side. */
static bool record_editable(http_req_t *r, const store_duty_record_t *d)
{
    policy_target_t t = {.region = d->region, .deputy_id = d->deputy_id};
    return strcmp(d->source, "manual") == 0 && strcmp(d->state, "confirmed") != 0 &&
           policy_check(http_actor(r), "duty.write", &t) == POLICY_ALLOW;
}

static json_t *record_json(http_req_t *r, const store_duty_record_t *d)
{
    json_error_t e;
    json_t *photos = json_loads(d->photos, 0, &e);
    json_t *j = json_pack("{s:I, s:{s:I, s:s}, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:b}", "id",
                          (json_int_t)d->id, "deputy", "id", (json_int_t)d->deputy_id, "name", d->deputy_name, "region",
                          d->region, "kind", d->kind, "title", d->title, "body", d->body, "happened_on", d->happened_on,
                          "source", d->source, "state", d->state, "photos", photos ? photos : json_array(),
                          "created_at", (json_int_t)d->created_at, "editable", record_editable(r, d));
    if (j == NULL)
        return NULL;
    json_object_set_new(j, "source_id", d->source_id ? json_integer(d->source_id) : json_null());
    if (d->reason)
        json_object_set_new(j, "reason", json_string(d->reason));
    if (d->confirmed_at)
        json_object_set_new(j, "confirmed_at", json_integer(d->confirmed_at));
    return j;
}

/* The record of the route's :id when the actor may perform the route's action on it; otherwise
 * answers (404 for a record outside their scope, as if it did not exist) and returns false. */
static bool load_record(http_req_t *r, store_duty_record_t *d)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return false;
    int rc = store_duty_record_get(http_reader(r), id, d);
    if (rc == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such duty record", NULL);
        return false;
    }
    policy_target_t t;
    if (rc != STORE_OK || !record_target(r, d, &t)) {
        if (rc == STORE_OK)
            store_duty_record_free(d);
        http_reply_internal(r, "cannot read a duty record");
        return false;
    }
    if (!http_authorize(r, &t, true)) {
        store_duty_record_free(d);
        return false;
    }
    return true;
}

static void reply_record(http_req_t *r, int status, int64_t id)
{
    store_duty_record_t d;
    json_t *j = NULL;
    if (store_duty_record_get(http_reader(r), id, &d) == STORE_OK) {
        j = record_json(r, &d);
        store_duty_record_free(&d);
    }
    if (j)
        http_reply_json(r, status, j);
    else
        http_reply_internal(r, "cannot read a duty record");
}

int api_duty_records_get(http_req_t *r)
{
    store_duty_record_t d;
    if (!load_record(r, &d))
        return 0;
    json_t *j = record_json(r, &d);
    store_duty_record_free(&d);
    if (j)
        http_reply_json(r, 200, j);
    else
        http_reply_internal(r, "cannot show a duty record");
    return 0;
}

typedef struct {
    http_req_t *r;
    json_t *items;
    bool failed;
} list_walk_t;

static int list_item(const store_duty_record_t *d, void *arg)
{
    list_walk_t *w = arg;
    json_t *j = record_json(w->r, d);
    w->failed = j == NULL;
    return j ? json_array_append_new(w->items, j) : 1;
}

/* ?state= and ?kind= and ?year= (or ?from=&to= days) into the filter; false after answering 400. */
static bool read_filters(http_req_t *r, store_duty_filter_t *f, char from[11], char to[11])
{
    const char *state = http_query(r, "state");
    if (state && !word_in(states, state)) {
        http_reply_error(r, 400, "bad_query", "state must be pending, confirmed or rejected", "state");
        return false;
    }
    f->state = state;
    const char *kind = http_query(r, "kind");
    char evidence[8];
    int rc = kind ? store_duty_kind_evidence(http_reader(r), kind, evidence) : STORE_OK;
    if (rc == STORE_ENOTFOUND) {
        http_reply_error(r, 400, "bad_query", "kind names no kind of duty", "kind");
        return false;
    }
    if (rc != STORE_OK) {
        http_reply_internal(r, "cannot read the duty rules");
        return false;
    }
    f->kind = kind;
    long year = api_query_long(r, "year", 0, 2000, 2100);
    long after = year < 0 ? -1 : api_query_long(r, "after", 0, 0, LONG_MAX);
    long limit = after < 0 ? -1 : api_query_long(r, "limit", 20, 1, PAGE_MAX);
    if (limit < 0)
        return false;
    if (year) {
        snprintf(from, 11, "%04ld-01-01", year);
        snprintf(to, 11, "%04ld-12-31", year);
        f->from = from;
        f->to = to;
    }
    static const char *const ends[] = {"from", "to"}; /* or days "YYYY-MM-DD", as the dashboard links */
    const char **bounds[] = {&f->from, &f->to};
    for (int i = 0; i < 2 && !year; i++) {
        const char *day = http_query(r, ends[i]);
        calendar_day_t parsed;
        if (day && calendar_parse_date(day, &parsed) != 0) {
            http_reply_error(r, 400, "bad_query", "give a date as YYYY-MM-DD", ends[i]);
            return false;
        }
        *bounds[i] = day;
    }
    f->before_id = after;
    f->limit = (int)limit + 1; /* one more says whether a next page follows */
    return true;
}

/* Whose records the actor lists: a deputy their own; a member those of the deputies linked to
 * them; the office and the staff those of their region subtree (or of ?region= inside it). */
static bool read_scope(http_req_t *r, store_duty_filter_t *f, char lo[13], char hi[14])
{
    const actor_t *a = http_actor(r);
    const char *region = http_query(r, "region");
    if (region && (!region_code_valid(region) || !region_in_scope(a->region, region))) {
        http_reply_error(r, 403, "out_of_scope", "region lies outside your region", "region");
        return false;
    }
    long deputy = api_query_long(r, "deputy", 0, 1, LONG_MAX);
    if (deputy < 0)
        return false;
    f->deputy_id = deputy;
    if (a->role == ROLE_DEPUTY) {
        if (deputy && deputy != a->deputy_id) {
            http_reply_error(r, 403, "out_of_scope", "a deputy lists their own records only", "deputy");
            return false;
        }
        f->deputy_id = a->deputy_id ? a->deputy_id : -1;
    } else if (a->role == ROLE_MEMBER) {
        f->member_user_id = a->user_id;
    }
    if (region || (a->role != ROLE_DEPUTY && a->role != ROLE_MEMBER)) {
        snprintf(lo, 13, "%s", region ? region : a->region);
        region_subtree_upper(lo, hi);
        f->region_lo = lo;
        f->region_hi = hi;
    }
    return true;
}

int api_duty_records_list(http_req_t *r)
{
    store_duty_filter_t f = {0};
    char lo[13], hi[14], from[11], to[11];
    if (!read_scope(r, &f, lo, hi) || !read_filters(r, &f, from, to))
        return 0;
    list_walk_t w = {r, json_array(), false};
    if (store_duty_records_each(http_reader(r), &f, list_item, &w) != STORE_OK || w.failed) {
        json_decref(w.items);
        http_reply_internal(r, "cannot list duty records");
        return 0;
    }
    api_reply_page(r, w.items, f.limit - 1);
    return 0;
}

/* ---- photos out ------------------------------------------------------------------------------- */

static void send_jpeg(const void *data, size_t len, void *arg)
{
    http_reply_text(arg, 200, "image/jpeg", data, len);
}

static int send_photo(http_req_t *r, bool thumb)
{
    store_duty_record_t d;
    if (!load_record(r, &d))
        return 0;
    int64_t photo = api_param_id(r, 1);
    int rc = photo ? store_duty_photo_read(http_reader(r), d.id, photo, thumb, send_jpeg, r) : STORE_OK;
    store_duty_record_free(&d);
    if (rc == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "no such photo", NULL);
    else if (rc != STORE_OK)
        http_reply_internal(r, "cannot read a photo");
    return 0;
}

int api_duty_photos_get(http_req_t *r)
{
    return send_photo(r, false);
}

int api_duty_photos_thumb(http_req_t *r)
{
    return send_photo(r, true);
}

/* ---- writing ---------------------------------------------------------------------------------- */

typedef enum { DUTY_CREATE, DUTY_EDIT, DUTY_DELETE, DUTY_CONFIRM, DUTY_REJECT, DUTY_PHOTO } duty_op_t;

typedef struct {
    http_write_t super;
    api_who_t who;
    duty_op_t op;
    store_duty_record_t given; /* the fields sent (strings owned; NULL or "" unchanged in an edit) */
    char *reason;              /* owned */
    image_photo_t photo;       /* owned */
    /* what the writer found */
    int status;        /* an answer other than success: 409 or 422 */
    const char *code;  /* and its error code, */
    const char *field; /* field (may be NULL) */
    char message[160]; /* and message */
    int64_t photo_id;
} duty_write_t;

static void duty_write_free(duty_write_t *w)
{
    store_duty_record_free(&w->given);
    free(w->reason);
    image_photo_free(&w->photo);
}

/* Notes why the writer refuses; the write is undone. */
static int refuse(duty_write_t *w, int status, const char *code, const char *field, const char *message)
{
    w->status = status;
    w->code = code;
    w->field = field;
    snprintf(w->message, sizeof(w->message), "%s", message);
    return STORE_EINVALID;
}

static int refuse_state(duty_write_t *w, const store_duty_record_t *d)
{
    char msg[96];
    snprintf(msg, sizeof(msg), "not allowed while it is %s", d->state);
    return refuse(w, 409, "illegal_transition", NULL, msg);
}

static int twin_check(duty_write_t *w, store_t *db, const store_duty_record_t *d)
{
    int64_t other = 0;
    int rc = store_duty_record_twin(db, d, d->id, &other);
    if (rc == STORE_OK && other)
        return refuse(w, 409, "duplicate", "title",
                      "the same record (deputy, kind, day and title) has been entered already");
    return rc;
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

/* The staff's check before a record counts: the evidence its kind's rule asks for. */
static int check_evidence(duty_write_t *w, store_t *db, const store_duty_record_t *d)
{
    char evidence[8];
    int rc = store_duty_kind_evidence(db, d->kind, evidence);
    int photos = 0;
    if (rc == STORE_OK && strcmp(evidence, "photo") == 0)
        rc = store_duty_photo_count(db, d->id, &photos);
    if (rc != STORE_OK)
        return rc;
    if (strcmp(evidence, "photo") == 0 && photos == 0)
        return refuse(w, 422, "evidence_missing", "photo", "this kind of duty counts with a photo: add one first");
    if (strcmp(evidence, "text") == 0 && utf8_chars(d->body, strlen(d->body)) < EVIDENCE_TEXT_MIN)
        return refuse(w, 422, "evidence_missing", "body",
                      "this kind of duty counts with a written account of at least 10 characters");
    return STORE_OK;
}

/* Applies the write to d, as read inside the transaction. */
static int change_record(duty_write_t *w, store_t *db, store_duty_record_t *d, int64_t now)
{
    bool typed = strcmp(d->source, "manual") == 0;
    bool pending = strcmp(d->state, "pending") == 0;
    int count = 0, rc;
    switch (w->op) {
    case DUTY_EDIT: /* the author's side, while pending or rejected: back to pending */
        if (!typed || strcmp(d->state, "confirmed") == 0)
            return refuse_state(w, d);
        if (w->given.kind[0])
            snprintf(d->kind, sizeof(d->kind), "%s", w->given.kind);
        if (w->given.happened_on[0])
            snprintf(d->happened_on, sizeof(d->happened_on), "%s", w->given.happened_on);
        d->title = take(&w->given.title, d->title);
        d->body = take(&w->given.body, d->body);
        snprintf(d->state, sizeof(d->state), "%s", "pending");
        free(d->reason);
        d->reason = NULL;
        rc = twin_check(w, db, d);
        return rc ? rc : store_duty_record_save(db, d, now);
    case DUTY_DELETE: return pending ? store_duty_record_delete(db, d->id) : refuse_state(w, d);
    case DUTY_CONFIRM:
        if (!pending)
            return refuse_state(w, d);
        if ((rc = check_evidence(w, db, d)) != STORE_OK)
            return rc;
        snprintf(d->state, sizeof(d->state), "%s", "confirmed");
        d->confirmed_by = w->who.actor_id;
        d->confirmed_at = now;
        return store_duty_record_save(db, d, now);
    case DUTY_REJECT:
        if (!pending)
            return refuse_state(w, d);
        snprintf(d->state, sizeof(d->state), "%s", "rejected");
        free(d->reason);
        d->reason = w->reason;
        w->reason = NULL;
        return store_duty_record_save(db, d, now);
    case DUTY_PHOTO:
        if (!typed || strcmp(d->state, "confirmed") == 0)
            return refuse_state(w, d);
        if ((rc = store_duty_photo_count(db, d->id, &count)) != STORE_OK)
            return rc;
        if (count >= PHOTOS_MAX)
            return refuse(w, 409, "too_many_photos", "photo", "a record has at most 9 photos");
        store_duty_photo_t p = {w->photo.width, w->photo.height,   w->photo.jpeg,
                                w->photo.thumb, w->photo.jpeg_len, w->photo.thumb_len};
        return store_duty_photo_add(db, d->id, &p, now, &w->photo_id);
    case DUTY_CREATE: break;
    }
    return STORE_ERR;
}

static int duty_run(http_write_t *hw, store_t *db)
{
    duty_write_t *w = (duty_write_t *)hw;
    static const char *const actions[] = {"duty.create",  "duty.update", "duty.delete",
                                          "duty.confirm", "duty.reject", "duty.photo"};
    int64_t now = time(NULL);
    store_duty_record_t *g = &w->given;
    int rc;
    if (w->op == DUTY_CREATE) {
        rc = twin_check(w, db, g);
        if (rc == STORE_OK)
            rc = store_duty_record_insert(db, g, now, &g->id);
        if (rc == STORE_ECONSTRAINT) /* a twin committed in the same batch */
            rc = refuse(w, 409, "duplicate", "title", "the same record has been entered already");
        if (rc == STORE_ENOTFOUND)
            rc = refuse(w, 422, "invalid", "deputy_id", "deputy_id names no such deputy");
        return rc ? rc : api_audit(db, &w->who, actions[w->op], "duty_record", g->id, g->region, g->title);
    }
    store_duty_record_t d;
    rc = store_duty_record_get(db, g->id, &d);
    if (rc != STORE_OK)
        return rc;
    rc = change_record(w, db, &d, now);
    if (rc == STORE_OK)
        rc = api_audit(db, &w->who, actions[w->op], "duty_record", d.id, d.region,
                       w->op == DUTY_REJECT ? d.reason : d.title);
    store_duty_record_free(&d);
    return rc;
}

static void duty_respond(http_write_t *hw, http_req_t *r, int status)
{
    duty_write_t *w = (duty_write_t *)hw;
    if (r == NULL) {
        /* the client has gone */
    } else if (w->status) {
        http_reply_error(r, w->status, w->code, w->message, w->field);
    } else if (status == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such duty record", NULL);
    } else if (status != STORE_OK) {
        http_reply_internal(r, "cannot change a duty record");
    } else if (w->op == DUTY_DELETE) {
        http_reply_empty(r, 204);
    } else if (w->op == DUTY_PHOTO) {
        http_reply_json(r, 201,
                        json_pack("{s:I, s:i, s:i}", "id", (json_int_t)w->photo_id, "width", w->photo.width, "height",
                                  w->photo.height));
    } else {
        reply_record(r, w->op == DUTY_CREATE ? 201 : 200, w->given.id);
    }
    duty_write_free(w);
}

static void submit(http_req_t *r, duty_write_t *w)
{
    api_who(r, &w->who);
    w->super.run = duty_run;
    w->super.respond = duty_respond;
    http_write(r, &w->super);
}

static void discard(duty_write_t *w)
{
    duty_write_free(w);
    free(w);
}

/* A day from 2000-01-01 to today in Beijing, written YYYY-MM-DD. */
static void read_day(api_input_t *in, const char *field, bool required, char out[11])
{
    const char *text = api_text(in, field, 10, 10, required);
    if (in->failed || text == NULL)
        return;
    calendar_day_t day = 0, first = 0;
    char again[11] = "";
    if (calendar_parse_date(text, &day) == 0)
        calendar_format_date(day, again); /* the form stored: 2026-02-17, not 2026/2/17 */
    if (strcmp(again, text) != 0 || calendar_day_from_ymd(2000, 1, 1, &first) != 0 || day < first) {
        api_invalid(in, field, "happened_on must be a day from 2000-01-01 on, written YYYY-MM-DD");
        return;
    }
    if (day > calendar_day_of(time(NULL))) {
        api_invalid(in, field, "happened_on lies in the future: a record is of what has been done");
        return;
    }
    snprintf(out, 11, "%s", text);
}

static char *dup_text(api_input_t *in, const char *field, size_t min, size_t max, bool required)
{
    const char *text = api_text(in, field, min, max, required);
    return !in->failed && text ? strdup(text) : NULL;
}

/* The fields of a new record, or of an edit (all optional then). */
static void read_record(http_req_t *r, api_input_t *in, store_duty_record_t *g, bool create)
{
    static const char *const fields[] = {"kind", "title", "body", "happened_on", "deputy_id", NULL};
    static const char *const edit_fields[] = {"kind", "title", "body", "happened_on", NULL};
    api_only(in, create ? fields : edit_fields);
    const char *kind = api_text(in, "kind", 1, sizeof(g->kind) - 1, create);
    char evidence[8];
    int rc = !in->failed && kind ? store_duty_kind_evidence(http_reader(r), kind, evidence) : STORE_OK;
    if (rc == STORE_ENOTFOUND)
        api_invalid(in, "kind",
                    "kind must be training, meeting, observe, inspection, reception, visit, suggestion, "
                    "group, report, help, campaign or online");
    else if (rc != STORE_OK && !in->failed) {
        in->failed = true;
        http_reply_internal(r, "cannot read the duty rules");
    } else if (kind && !in->failed)
        snprintf(g->kind, sizeof(g->kind), "%s", kind);
    g->title = dup_text(in, "title", 1, TITLE_MAX, create);
    g->body = dup_text(in, "body", 0, BODY_MAX, false);
    read_day(in, "happened_on", create, g->happened_on);
}

/* The deputy a new record is of: the deputy themself, or the one staff name, inside their scope
 * (403 out_of_scope otherwise, as for any record created outside it). */
static bool read_deputy(http_req_t *r, api_input_t *in, store_duty_record_t *g)
{
    const actor_t *a = http_actor(r);
    int64_t id = api_id(in, "deputy_id");
    if (in->failed)
        return false;
    if (id == 0 && a->role == ROLE_DEPUTY)
        id = a->deputy_id;
    if (id == 0) {
        api_invalid(in, "deputy_id", "deputy_id is required: the deputy the record is of");
        return false;
    }
    int rc = store_registry_region(http_reader(r), registry_entity("deputy"), id, g->region);
    if (rc == STORE_ENOTFOUND) {
        api_invalid(in, "deputy_id", "deputy_id names no such deputy");
        return false;
    }
    if (rc != STORE_OK) {
        http_reply_internal(r, "cannot read a deputy");
        return false;
    }
    g->deputy_id = id;
    policy_target_t t = {.region = g->region, .deputy_id = id};
    return http_authorize(r, &t, false);
}

int api_duty_records_create(http_req_t *r)
{
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    duty_write_t *w = http_write_new(r, sizeof(*w));
    w->op = DUTY_CREATE;
    api_input_t in = {r, body, false};
    read_record(r, &in, &w->given, true);
    bool ok = !in.failed && read_deputy(r, &in, &w->given);
    json_decref(body);
    if (!ok) {
        discard(w);
        return 0;
    }
    w->given.created_by = http_actor(r)->user_id;
    submit(r, w);
    return 0;
}

/* A write to the record of the route's :id (in the actor's scope), with the body read by read
 * (NULL: no body needed; an empty one counts as {}). */
static int record_write(http_req_t *r, duty_op_t op, void (*read)(http_req_t *r, api_input_t *in, duty_write_t *w))
{
    store_duty_record_t d;
    if (!load_record(r, &d))
        return 0;
    duty_write_t *w = http_write_new(r, sizeof(*w));
    w->op = op;
    w->given.id = d.id;
    store_duty_record_free(&d);
    json_t *body = r->h->entity.len || read ? http_json_body(r) : json_object();
    if (body == NULL) {
        discard(w);
        return 0;
    }
    api_input_t in = {r, body, false};
    if (read)
        read(r, &in, w);
    else
        api_only(&in, (const char *const[]){NULL});
    json_decref(body);
    if (in.failed) {
        discard(w);
        return 0;
    }
    submit(r, w);
    return 0;
}

static void read_edit(http_req_t *r, api_input_t *in, duty_write_t *w)
{
    read_record(r, in, &w->given, false);
}

static void read_reason(http_req_t *r, api_input_t *in, duty_write_t *w)
{
    (void)r;
    api_only(in, (const char *const[]){"reason", NULL});
    w->reason = dup_text(in, "reason", 1, REASON_MAX, true);
}

int api_duty_records_update(http_req_t *r)
{
    return record_write(r, DUTY_EDIT, read_edit);
}

int api_duty_records_delete(http_req_t *r)
{
    return record_write(r, DUTY_DELETE, NULL);
}

int api_duty_records_confirm(http_req_t *r)
{
    return record_write(r, DUTY_CONFIRM, NULL);
}

int api_duty_records_reject(http_req_t *r)
{
    return record_write(r, DUTY_REJECT, read_reason);
}

/* ---- photos in -------------------------------------------------------------------------------- */

typedef struct {
    http_task_t super;
    unsigned char *data; /* owned: the upload */
    size_t len;
    int rc;
    image_photo_t photo; /* owned until handed to the write */
    int64_t record;
} photo_task_t;

static void photo_run(http_task_t *t)
{
    photo_task_t *p = (photo_task_t *)t;
    p->rc = image_reencode(p->data, p->len, &p->photo);
}

/* Answers for a photo image.h refused; true when it did. */
static bool photo_refused(http_req_t *r, int rc)
{
    switch (rc) {
    case IMAGE_OK: return false;
    case IMAGE_EUNSUPPORTED:
        http_reply_error(r, 415, "unsupported_type", "a photo must be a JPEG, PNG or WebP image", NULL);
        break;
    case IMAGE_EBOMB:
        http_reply_error(r, 422, "decompression_bomb",
                         "the image claims more than 40 megapixels or a side over 12000 px", "photo");
        break;
    case IMAGE_EBROKEN: http_reply_error(r, 422, "invalid", "the photo cannot be read: it is damaged", "photo"); break;
    default: http_reply_internal(r, "cannot re-encode a photo"); break;
    }
    return true;
}

static void photo_respond(http_task_t *t, http_req_t *r)
{
    photo_task_t *p = (photo_task_t *)t;
    free(p->data);
    if (r == NULL || photo_refused(r, p->rc)) {
        image_photo_free(&p->photo);
        return;
    }
    duty_write_t *w = http_write_new(r, sizeof(*w));
    w->op = DUTY_PHOTO;
    w->given.id = p->record;
    w->photo = p->photo;
    submit(r, w);
}

int api_duty_photos_add(http_req_t *r)
{
    store_duty_record_t d;
    if (!load_record(r, &d))
        return 0;
    int64_t id = d.id;
    bool open = strcmp(d.source, "manual") == 0 && strcmp(d.state, "confirmed") != 0;
    store_duty_record_free(&d);
    h2o_iovec_t body = r->h->entity;
    image_info_t info;
    if (!open) {
        http_reply_error(r, 409, "illegal_transition", "a confirmed record takes no more photos", NULL);
        return 0;
    }
    if (body.len > PHOTO_MAX_BYTES) {
        http_reply_error(r, 413, "too_large", "a photo may have at most 8 MiB", "photo");
        return 0;
    }
    /* the header only: a bomb is refused here, before a worker decodes anything */
    if (photo_refused(r, image_probe(body.base, body.len, &info)))
        return 0;
    photo_task_t *t = http_task_new(r, sizeof(*t));
    t->data = malloc(body.len);
    if (t->data == NULL) {
        free(t);
        http_reply_internal(r, "out of memory for a photo");
        return 0;
    }
    memcpy(t->data, body.base, body.len);
    t->len = body.len;
    t->record = id;
    t->super.run = photo_run;
    t->super.respond = photo_respond;
    http_task(r, &t->super);
    return 0;
}
