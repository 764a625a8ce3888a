/*
 * suggestions: the record of a deputy suggestion (SPEC §5) - who may see it, how it reads as
 * JSON, and its attachments. The one idea: a relation (lead deputy, co-signer, office, lead unit,
 * co-unit, supervising member) is worked out once per request in api_suggestion_load, and both
 * the policy table (scope) and the domain (who may take a step) are asked with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/opinion_common.h"
#include "api/suggestion_common.h"
#include "core/calendar.h"

static json_t *opt_int(int64_t v)
{
    return v ? json_integer(v) : json_null();
}

static json_t *opt_text(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *date_or_null(int64_t at)
{
    if (at == 0)
        return json_null();
    char day[11];
    calendar_format_date(calendar_day_of(at), day);
    return json_string(day);
}

int api_suggestion_warn_until(store_t *db, int64_t now, int64_t *until)
{
    return api_opinion_working_deadline(db, now, SUGGESTION_WARN_DAYS, until);
}

static const char *flag(const store_suggestion_t *s, int64_t now, int64_t warn_until)
{
    if (!suggestion_state_due(s->state) || s->due == 0)
        return "none";
    return now > s->due ? "overdue" : s->due <= warn_until ? "warn" : "none";
}

static json_t *reply_json(const store_suggestion_t *s)
{
    if (s->reply_text == NULL)
        return json_null();
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:I}", "category",
                     suggestion_category_name(s->reply_category), "type", s->reply_type, "text", s->reply_text,
                     "commitment_date", date_or_null(s->commitment_at), "reason", opt_text(s->reply_reason),
                     "signed_by", opt_text(s->signed_by), "unit_id", opt_int(s->reply_unit_id), "replied_at",
                     (json_int_t)s->replied_at);
}

json_t *api_suggestion_summary_json(store_t *db, const store_suggestion_t *s, int64_t now, int64_t warn_until)
{
    (void)db;
    char number[16] = "";
    if (s->number)
        suggestion_number_text(s->number, number);
    json_t *lead_unit = s->lead_unit_id ? json_pack("{s:I, s:s}", "id", (json_int_t)s->lead_unit_id, "name",
                                                    s->lead_unit_name ? s->lead_unit_name : "")
                                        : json_null();
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:s, s:{s:o, s:s}, s:b, s:o, s:s, s:o, s:o, s:o, s:s, s:I}", "id",
                     (json_int_t)s->id, "title", s->title, "state", suggestion_state_name(s->state), "number",
                     opt_int(s->number), "number_text", s->number ? json_string(number) : json_null(), "congress_id",
                     opt_int(s->congress_id), "session", s->session, "deputy", "id", opt_int(s->deputy_id), "name",
                     s->deputy_name ? s->deputy_name : "", "key", s->key, "due", opt_int(s->due), "flag",
                     flag(s, now, warn_until), "lead_unit", lead_unit, "reply_category",
                     s->reply_category ? json_string(suggestion_category_name(s->reply_category)) : json_null(),
                     "rating", s->rating ? json_string(suggestion_rating_name(s->rating)) : json_null(), "region",
                     s->region, "created_at", (json_int_t)s->created_at);
}

/* ---- the full record ---- */

static int cosigner_item(const store_cosigner_t *c, void *arg)
{
    json_array_append_new(
        arg, json_pack("{s:I, s:s, s:s}", "deputy_id", (json_int_t)c->deputy_id, "name", c->name, "state", c->state));
    return 0;
}

static int opinion_item(const store_linked_opinion_t *o, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)o->id, "tracking_code", o->tracking_code,
                                         "state", o->state));
    return 0;
}

static int file_item(const store_suggestion_file_t *f, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)f->id, "name", f->name, "mime",
                                         f->mime, "bytes", (json_int_t)f->bytes));
    return 0;
}

static int unit_item(const store_assignment_t *a, void *arg)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)a->id, "unit_id", (json_int_t)a->unit_id,
                          "unit_name", a->unit_name, "role", a->role, "state", a->state, "assigned_at",
                          (json_int_t)a->created_at);
    if (a->contest_reason)
        json_object_set_new(j, "contest_reason", json_string(a->contest_reason));
    if (a->opinion)
        json_object_set_new(j, "opinion", json_string(a->opinion));
    json_array_append_new(arg, j);
    return 0;
}

static int contact_item(const store_contact_t *c, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)c->id, "unit_id",
                                         (json_int_t)c->unit_id, "stage", c->stage, "way", c->way, "text", c->text,
                                         "at", (json_int_t)c->created_at));
    return 0;
}

static int event_item(const store_suggestion_event_t *e, void *arg)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s}", "at", (json_int_t)e->at, "actor", e->actor, "action", e->action, "to",
                          e->to_state);
    json_object_set_new(j, "from", e->from_state[0] ? json_string(e->from_state) : json_null());
    if (e->note[0])
        json_object_set_new(j, "note", json_string(e->note));
    json_array_append_new(arg, j);
    return 0;
}

json_t *api_suggestion_json(store_t *db, const store_suggestion_t *s)
{
    int64_t now = time(NULL), until = now;
    if (api_suggestion_warn_until(db, now, &until) != STORE_OK)
        return NULL;
    json_t *j = api_suggestion_summary_json(db, s, now, until);
    json_t *cosigners = json_array(), *opinions = json_array(), *files = json_array(), *units = json_array(),
           *contacts = json_array(), *timeline = json_array();
    json_object_set_new(j, "content", json_string(s->content));
    json_object_set_new(j, "category", s->category_code[0] ? json_string(s->category_code) : json_null());
    json_object_set_new(j, "congress",
                        s->congress_id ? json_pack("{s:I, s:s}", "id", (json_int_t)s->congress_id, "name",
                                                   s->congress_name ? s->congress_name : "")
                                       : json_null());
    json_object_set_new(j, "supervisor_user_id", opt_int(s->supervisor_user_id));
    store_user_t supervisor;
    bool named = s->supervisor_user_id && store_user_by_id(db, s->supervisor_user_id, &supervisor) == STORE_OK;
    json_object_set_new(
        j, "supervisor",
        named ? json_pack("{s:I, s:s}", "id", (json_int_t)supervisor.id, "display_name", supervisor.display_name)
              : json_null());
    json_object_set_new(j, "contest_due", opt_int(s->contest_due));
    json_object_set_new(j, "reply", reply_json(s));
    json_object_set_new(j, "rating_comment", opt_text(s->rating_comment));
    json_object_set_new(j, "result_rating",
                        s->result_rating ? json_string(suggestion_rating_name(s->result_rating)) : json_null());
    json_object_set_new(j, "reopens", json_integer(s->reopens));
    json_object_set_new(j, "consent_deputy", json_boolean(s->consent_deputy));
    json_object_set_new(j, "consent_unit", json_boolean(s->consent_unit));
    json_object_set_new(j, "published", json_boolean(s->consent_deputy && s->consent_unit && s->reply_text));
    json_object_set_new(j, "opinion_id", opt_int(s->opinion_id));
    const char *times[] = {"submitted_at", "accepted_at", "assigned_at", "replied_at", "closed_at", "updated_at"};
    const int64_t values[] = {s->submitted_at, s->accepted_at, s->assigned_at,
                              s->replied_at,   s->closed_at,   s->updated_at};
    for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++)
        json_object_set_new(j, times[i], opt_int(values[i]));
    json_object_set_new(j, "cosigners", cosigners);
    json_object_set_new(j, "opinions", opinions);
    json_object_set_new(j, "attachments", files);
    json_object_set_new(j, "units", units);
    json_object_set_new(j, "contacts", contacts);
    json_object_set_new(j, "timeline", timeline);
    if (store_suggestion_cosigners_each(db, s->id, cosigner_item, cosigners) != STORE_OK ||
        store_suggestion_opinions_each(db, s->id, opinion_item, opinions) != STORE_OK ||
        store_suggestion_files_each(db, s->id, file_item, files) != STORE_OK ||
        store_assignments_each(db, s->id, unit_item, units) != STORE_OK ||
        store_contacts_each(db, s->id, contact_item, contacts) != STORE_OK ||
        store_suggestion_events_each(db, s->id, event_item, timeline) != STORE_OK) {
        json_decref(j);
        return NULL;
    }
    return j;
}

void api_suggestion_reply(http_req_t *r, int64_t id, int status)
{
    store_suggestion_t s;
    json_t *j = NULL;
    if (store_suggestion_get(http_reader(r), id, &s) == STORE_OK)
        j = api_suggestion_json(http_reader(r), &s);
    store_suggestion_free(&s);
    if (j)
        http_reply_json(r, status, j);
    else
        http_reply_internal(r, "cannot read a suggestion");
}

void api_suggestion_refuse(http_req_t *r, const char *state, const char *message)
{
    char msg[200];
    if (message == NULL) {
        snprintf(msg, sizeof(msg), "not allowed while it is %s", state);
        message = msg;
    }
    json_t *error = json_pack("{s:s, s:s, s:s}", "code", "illegal_transition", "message", message, "state", state);
    http_reply_json(r, 409, json_pack("{s:o}", "error", error));
}

/* ---- scope ---- */

static void relate(http_req_t *r, const store_suggestion_t *s, api_suggestion_relation_t *rel, policy_target_t *t)
{
    const actor_t *a = http_actor(r);
    memset(rel, 0, sizeof(*rel));
    rel->as = SUGGESTION_BY_OTHER;
    *t = (policy_target_t){.region = s->region};
    if (a == NULL)
        return;
    store_t *db = http_reader(r);
    if (a->role == ROLE_DEPUTY && a->deputy_id) {
        bool is = false;
        if (store_suggestion_is_cosigner(db, s->id, a->deputy_id, &is) == STORE_OK && is)
            rel->cosigner = true;
        if (s->deputy_id == a->deputy_id)
            rel->as = SUGGESTION_BY_LEAD_DEPUTY;
        else if (rel->cosigner && s->state != SUGGESTION_DRAFT)
            rel->as = SUGGESTION_BY_COSIGNER;
        /* the lead owns it; a co-signer reads it but acts only on the co-signature */
        t->deputy_id = rel->as == SUGGESTION_BY_LEAD_DEPUTY ? a->deputy_id : 0;
    } else if (a->role == ROLE_UNIT && a->unit_id) {
        char role[8];
        if (store_assignment_of(db, s->id, a->unit_id, &rel->assignment_id, role) == STORE_OK) {
            rel->as = strcmp(role, "lead") == 0 ? SUGGESTION_BY_LEAD_UNIT : SUGGESTION_BY_CO_UNIT;
            t->unit_id = a->unit_id;
        }
    } else if (a->role == ROLE_ADMIN && region_in_scope(a->region, s->region)) {
        rel->as = SUGGESTION_BY_OFFICE;
    } else if (a->role == ROLE_MEMBER && s->supervisor_user_id == a->user_id) {
        rel->as = SUGGESTION_BY_SUPERVISOR;
    }
}

bool api_suggestion_load(http_req_t *r, store_suggestion_t *s, api_suggestion_relation_t *rel)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return false;
    if (store_suggestion_get(http_reader(r), id, s) != STORE_OK) {
        store_suggestion_free(s);
        http_reply_error(r, 404, "not_found", "no such suggestion", NULL);
        return false;
    }
    policy_target_t t;
    relate(r, s, rel, &t);
    /* SPEC §5: drafts are private to the lead deputy; a co-signer reads it once submitted */
    policy_target_t read = t;
    if (rel->as == SUGGESTION_BY_COSIGNER)
        read.deputy_id = http_actor(r)->deputy_id;
    bool visible = policy_check(http_actor(r), "suggestion.read", &read) == POLICY_ALLOW &&
                   (s->state != SUGGESTION_DRAFT || rel->as == SUGGESTION_BY_LEAD_DEPUTY);
    if (!visible) {
        store_suggestion_free(s);
        http_reply_error(r, 404, "not_found", "no such suggestion", NULL);
        return false;
    }
    if (strcmp(r->route->action, "suggestion.read") == 0)
        return true;
    if (strcmp(r->route->action, "suggestion.cosign") == 0)
        t.deputy_id = rel->cosigner ? http_actor(r)->deputy_id : 0;
    if (policy_check(http_actor(r), r->route->action, &t) != POLICY_ALLOW) {
        store_suggestion_free(s);
        const char *why = strcmp(r->route->action, "suggestion.evaluate") == 0
                              ? "only the lead deputy rates the reply"
                              : "this step on this suggestion is not yours to take";
        http_reply_error(r, 403, "forbidden", why, NULL);
        return false;
    }
    return true;
}

int64_t api_suggestion_load_id(http_req_t *r, api_suggestion_relation_t *rel)
{
    store_suggestion_t s;
    if (!api_suggestion_load(r, &s, rel))
        return 0;
    int64_t id = s.id;
    store_suggestion_free(&s);
    return id;
}

int api_suggestions_get(http_req_t *r)
{
    store_suggestion_t s;
    api_suggestion_relation_t rel;
    if (!api_suggestion_load(r, &s, &rel))
        return 0;
    json_t *j = api_suggestion_json(http_reader(r), &s);
    store_suggestion_free(&s);
    if (j)
        http_reply_json(r, 200, j);
    else
        http_reply_internal(r, "cannot read a suggestion");
    return 0;
}

static int send_file(const store_suggestion_file_t *f, void *arg)
{
    http_req_t *r = arg;
    /* a download: never rendered inside the workspace */
    http_add_header(r, "content-disposition", "attachment");
    http_reply_text(r, 200, f->mime, f->data, (size_t)f->bytes);
    return 1;
}

typedef struct {
    int64_t suggestion_id;
    bool ours;
} file_owner_t;

static int file_owner(const store_suggestion_file_t *f, void *arg)
{
    file_owner_t *o = arg;
    o->ours = f->suggestion_id == o->suggestion_id;
    return 1;
}

int api_suggestions_attachment(http_req_t *r)
{
    api_suggestion_relation_t rel;
    int64_t id = api_suggestion_load_id(r, &rel);
    int64_t file = id ? api_param_id(r, 1) : 0;
    file_owner_t owner = {id, false};
    if (file == 0)
        return 0;
    int rc = store_suggestion_file_get(http_reader(r), file, file_owner, &owner);
    if (rc == STORE_OK && owner.ours)
        rc = store_suggestion_file_get(http_reader(r), file, send_file, r);
    if (rc == STORE_ENOTFOUND || (rc == STORE_OK && !owner.ours))
        http_reply_error(r, 404, "not_found", "no such attachment", NULL);
    else if (rc != STORE_OK)
        http_reply_internal(r, "cannot read an attachment");
    return 0;
}
