/*
 * suggestion_steps: the HTTP side of every write on a deputy suggestion - the lead deputy's draft
 * and attachments, each step's body read and checked field by field (422 naming the field),
 * and who may take it (403) - before the write goes to suggestion_flow.c's job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/opinion_common.h"
#include "api/suggestion_flow.h"
#include "core/calendar.h"
#include "store/registry.h"

/* An array of at most SUGGESTION_LIST_MAX distinct positive ids; -1 when absent. */
static int read_ids(api_input_t *in, const char *field, int64_t *out)
{
    json_t *a = json_object_get(in->body, field);
    if (in->failed || a == NULL)
        return -1;
    char msg[96];
    snprintf(msg, sizeof(msg), "%s must be a list of at most %d ids", field, SUGGESTION_LIST_MAX);
    if (!json_is_array(a) || json_array_size(a) > SUGGESTION_LIST_MAX) {
        api_invalid(in, field, msg);
        return -1;
    }
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            api_invalid(in, field, msg);
            return -1;
        }
        out[i] = json_integer_value(v);
        for (size_t j = 0; j < i; j++)
            if (out[j] == out[i]) {
                snprintf(msg, sizeof(msg), "%s names %lld twice", field, (long long)out[i]);
                api_invalid(in, field, msg);
                return -1;
            }
    }
    return (int)json_array_size(a);
}

/* "YYYY-MM-DD" as the end of that Beijing day; 0 when absent. */
static int64_t read_date(api_input_t *in, const char *field)
{
    const char *text = api_text(in, field, 1, 10, false);
    calendar_day_t day;
    if (text == NULL || in->failed)
        return 0;
    if (calendar_parse_date(text, &day) != 0) {
        char msg[80];
        snprintf(msg, sizeof(msg), "%s must be a date YYYY-MM-DD", field);
        api_invalid(in, field, msg);
        return 0;
    }
    return calendar_day_end(day);
}

static suggestion_rating_t read_rating(api_input_t *in)
{
    const char *rating = api_text(in, "rating", 1, 16, true);
    int v = rating ? suggestion_rating_from_name(rating) : -1;
    if (!in->failed && v < 0)
        api_invalid(in, "rating", "rating must be satisfied, basic or unsatisfied");
    return v < 0 ? SUGGESTION_RATING_NONE : (suggestion_rating_t)v;
}

static char *dup_text(api_input_t *in, const char *field, size_t max, bool required)
{
    const char *t = api_text(in, field, 1, max, required);
    return t && !in->failed ? strdup(t) : NULL;
}

/* The fields of a draft; required ones on create. Checks congress seats and co-signers. */
static void read_draft(api_input_t *in, suggestion_write_t *f, const store_suggestion_t *current)
{
    static const char *const keys[] = {"title",     "content",  "category",        "congress_id", "session",
                                       "cosigners", "opinions", "consent_publish", NULL};
    store_t *db = http_reader(in->r);
    bool create = current == NULL;
    api_only(in, keys);
    store_suggestion_t *d = &f->draft;
    d->title = dup_text(in, "title", SUGGESTION_TITLE_MAX, create);
    d->content = dup_text(in, "content", SUGGESTION_CONTENT_MAX, create);
    f->has_title = d->title != NULL;
    f->has_content = d->content != NULL;
    const char *category = api_text(in, "category", 1, 32, false);
    if (category && !in->failed && store_category_id(db, category, &d->category_id) != STORE_OK)
        api_invalid(in, "category", "category names no such category");
    f->has_category = category != NULL;
    d->congress_id = api_id(in, "congress_id");
    f->has_congress = d->congress_id != 0;
    if (!in->failed && create && d->congress_id == 0)
        api_invalid(in, "congress_id", "congress_id is required: the congress the suggestion is made to");
    const char *session = api_text(in, "session", 1, 8, create);
    if (session && !in->failed && !suggestion_word_in(suggestion_sessions, session))
        api_invalid(in, "session", "session must be session (大会期间) or recess (闭会期间)");
    f->has_session = session != NULL;
    snprintf(d->session, sizeof(d->session), "%s", session && !in->failed ? session : "");
    int consent = api_bool(in, "consent_publish");
    f->has_consent = consent >= 0;
    d->consent_deputy = consent == 1;
    f->ncosigners = read_ids(in, "cosigners", f->cosigners);
    f->nopinions = read_ids(in, "opinions", f->opinions);
    if (in->failed)
        return;
    int64_t lead = http_actor(in->r)->deputy_id;
    int64_t congress = f->has_congress ? d->congress_id : current->congress_id;
    bool sits = false;
    if (f->has_congress && (store_suggestion_deputy_sits(db, lead, congress, &sits) != STORE_OK || !sits)) {
        api_invalid(in, "congress_id", "congress_id must name a congress you sit in");
        return;
    }
    if (f->has_congress) {
        char region[13] = "";
        if (store_registry_region(db, registry_entity("congress"), congress, region) != STORE_OK || !region[0])
            store_registry_region(db, registry_entity("deputy"), lead, region);
        snprintf(d->region, sizeof(d->region), "%s", region);
    }
    /* SPEC §5, issue 7: co-signers are deputies of the same congress */
    for (int i = 0; i < f->ncosigners; i++) {
        char msg[128];
        if (f->cosigners[i] == lead) {
            api_invalid(in, "cosigners", "the lead deputy does not co-sign their own suggestion");
            return;
        }
        if (store_suggestion_deputy_sits(db, f->cosigners[i], congress, &sits) != STORE_OK || !sits) {
            snprintf(msg, sizeof(msg), "deputy %lld does not sit in the suggestion's congress",
                     (long long)f->cosigners[i]);
            api_invalid(in, "cosigners", msg);
            return;
        }
    }
    for (int i = 0; i < f->nopinions; i++) {
        store_opinion_t o;
        bool ok = store_opinion_get(db, f->opinions[i], &o) == STORE_OK &&
                  (o.deputy_id == lead || o.owner_deputy_id == lead || (current && o.suggestion_id == current->id));
        store_opinion_free(&o);
        if (!ok) {
            api_invalid(in, "opinions", "opinions must name opinions sent or given to you");
            return;
        }
    }
}

/* A new draft (current NULL) or a change to current, from the body's fields. */
static int draft_write(http_req_t *r, const store_suggestion_t *current)
{
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    suggestion_write_t *f =
        api_suggestion_flow_new(r, current ? SUGGESTION_OP_EDIT : SUGGESTION_OP_CREATE, current ? current->id : 0);
    api_input_t in = {r, body, false};
    read_draft(&in, f, current);
    json_decref(body);
    return api_suggestion_flow_submit(r, f, in.failed);
}

int api_suggestions_create(http_req_t *r)
{
    if (http_actor(r)->deputy_id == 0) {
        http_reply_error(r, 403, "forbidden", "only a deputy's account writes suggestions", NULL);
        return 0;
    }
    return draft_write(r, NULL);
}

int api_suggestions_update(http_req_t *r)
{
    store_suggestion_t s;
    api_suggestion_relation_t rel;
    if (!api_suggestion_load(r, &s, &rel))
        return 0;
    int rc = draft_write(r, &s);
    store_suggestion_free(&s);
    return rc;
}

int api_suggestions_attach(http_req_t *r)
{
    api_suggestion_relation_t rel;
    int64_t id = api_suggestion_load_id(r, &rel);
    if (id == 0)
        return 0;
    h2o_iovec_t data = r->h->entity;
    const char *mime = opinion_attachment_type((const unsigned char *)data.base, data.len);
    const char *name = http_query(r, "name");
    if (mime == NULL) {
        http_reply_error(r, 415, "unsupported_type", "attachments may be JPEG, PNG or WebP images or PDF files", NULL);
        return 0;
    }
    suggestion_write_t *f = api_suggestion_flow_new(r, SUGGESTION_OP_FILE, id);
    f->mime = mime;
    snprintf(f->file_name, sizeof(f->file_name), "%s", name && *name ? name : "attachment");
    if ((f->data = malloc(data.len)) == NULL)
        return api_suggestion_flow_submit(r, f, true);
    memcpy(f->data, data.base, data.len);
    f->len = data.len;
    return api_suggestion_flow_submit(r, f, false);
}

/* Units named for an assignment: live units inside the office's region. */
static void check_unit(api_input_t *in, const char *field, int64_t unit)
{
    char region[13], msg[128];
    if (in->failed)
        return;
    if (store_registry_region(http_reader(in->r), registry_entity("unit"), unit, region) != STORE_OK) {
        snprintf(msg, sizeof(msg), "%s names no unit (%lld)", field, (long long)unit);
        api_invalid(in, field, msg);
    } else if (!region_in_scope(http_actor(in->r)->region, region)) {
        snprintf(msg, sizeof(msg), "%s names unit %lld outside your region", field, (long long)unit);
        api_invalid(in, field, msg);
    }
}

static void read_assignment(api_input_t *in, suggestion_write_t *f)
{
    f->lead_unit = api_id(in, "lead_unit_id");
    if (!in->failed && f->lead_unit == 0)
        api_invalid(in, "lead_unit_id", "lead_unit_id is required: the unit that handles it (主办)");
    check_unit(in, "lead_unit_id", f->lead_unit);
    int n = read_ids(in, "co_unit_ids", f->co_units);
    f->nco_units = n < 0 ? 0 : n;
    for (int i = 0; i < f->nco_units; i++) {
        check_unit(in, "co_unit_ids", f->co_units[i]);
        if (!in->failed && f->co_units[i] == f->lead_unit)
            api_invalid(in, "co_unit_ids", "the lead unit is not also a co-unit");
    }
    if (f->action != SUGGESTION_ASSIGN)
        return;
    f->key = api_bool(in, "key") == 1;
    f->supervisor = api_id(in, "supervisor_user_id");
    f->due = read_date(in, "due_date");
    if (!in->failed && f->due && f->due <= time(NULL))
        api_invalid(in, "due_date", "due_date must be a day after today");
    store_user_t u;
    if (!in->failed && f->key && f->supervisor == 0)
        api_invalid(in, "supervisor_user_id", "a key suggestion needs a supervising member (领衔督办)");
    else if (!in->failed && f->supervisor &&
             (store_user_by_id(http_reader(in->r), f->supervisor, &u) != STORE_OK || u.disabled ||
              strcmp(u.role, "member") != 0 || !region_in_scope(http_actor(in->r)->region, u.region)))
        api_invalid(in, "supervisor_user_id", "supervisor_user_id must name a member account of your region");
}

static void read_reply(api_input_t *in, suggestion_write_t *f)
{
    const char *category = api_text(in, "category", 1, 1, false);
    int c = category ? suggestion_category_from_name(category) : 0;
    if (!in->failed && c < 0)
        api_invalid(in, "category", "category must be A, B or C");
    const char *type = api_text(in, "type", 1, 8, false);
    if (type && !in->failed && !suggestion_word_in(suggestion_reply_types, type))
        api_invalid(in, "type", "type must be solve (解决问题型) or explain (解释说明型)");
    f->text = dup_text(in, "text", SUGGESTION_CONTENT_MAX, true);
    f->reason = dup_text(in, "reason", SUGGESTION_TEXT_MAX, false);
    f->signed_by = dup_text(in, "signed_by", 50, true);
    f->commitment_at = read_date(in, "commitment_date");
    int consent = api_bool(in, "consent_publish");
    f->consent = consent;
    if (in->failed)
        return;
    f->category = c > 0 ? (suggestion_reply_category_t)c : REPLY_NONE;
    snprintf(f->reply_type, sizeof(f->reply_type), "%s", type ? type : "");
    suggestion_reply_t reply = {f->category, type != NULL, f->commitment_at, f->reason != NULL};
    suggestion_reply_problem_t p = suggestion_reply_check(&reply, time(NULL));
    if (p != SUGGESTION_REPLY_OK)
        api_invalid(in, suggestion_reply_field(p), suggestion_reply_message(p));
}

/* Reads the fields a step takes; fields not listed for it are refused. */
static void read_step(api_input_t *in, suggestion_write_t *f)
{
    static const char *const none[] = {NULL};
    static const char *const text_only[] = {"text", NULL};
    static const char *const cosign[] = {"confirm", NULL};
    static const char *const assign[] = {"lead_unit_id", "co_unit_ids", "key", "supervisor_user_id", "due_date", NULL};
    static const char *const reassign[] = {"lead_unit_id", "co_unit_ids", "text", NULL};
    static const char *const contact[] = {"stage", "way", "text", NULL};
    static const char *const reply[] = {"category",        "type", "text", "commitment_date", "reason", "signed_by",
                                        "consent_publish", NULL};
    static const char *const evaluate[] = {"rating", "comment", "consent_publish", NULL};
    static const char *const rate[] = {"rating", "comment", NULL};
    switch (f->action) {
    case SUGGESTION_SUBMIT:
    case SUGGESTION_ACCEPT:
    case SUGGESTION_START: api_only(in, none); break;
    case SUGGESTION_COSIGN:
        api_only(in, cosign);
        f->confirm = api_bool(in, "confirm");
        if (!in->failed && json_object_get(in->body, "confirm") == NULL)
            api_invalid(in, "confirm", "confirm must be true (附议) or false (decline)");
        break;
    case SUGGESTION_RETURN:
    case SUGGESTION_CONTEST:
    case SUGGESTION_CO_OPINION:
        api_only(in, text_only);
        f->text = dup_text(in, "text", SUGGESTION_TEXT_MAX, true);
        break;
    case SUGGESTION_TO_LETTER:
        api_only(in, text_only);
        f->text = dup_text(in, "text", SUGGESTION_TEXT_MAX, false);
        break;
    case SUGGESTION_ASSIGN:
    case SUGGESTION_REASSIGN:
        api_only(in, f->action == SUGGESTION_ASSIGN ? assign : reassign);
        if (f->action == SUGGESTION_REASSIGN)
            f->text = dup_text(in, "text", SUGGESTION_TEXT_MAX, false);
        read_assignment(in, f);
        break;
    case SUGGESTION_CONTACT: {
        api_only(in, contact);
        const char *stage = api_text(in, "stage", 1, 8, true);
        const char *way = api_text(in, "way", 1, 8, false);
        if (stage && !in->failed && !suggestion_word_in(suggestion_contact_stages, stage))
            api_invalid(in, "stage", "stage must be before (办前), during (办中) or after (办后)");
        if (way && !in->failed && !suggestion_word_in(suggestion_contact_ways, way))
            api_invalid(in, "way", "way must be phone, visit, meeting, letter or online");
        snprintf(f->stage, sizeof(f->stage), "%s", stage && !in->failed ? stage : "");
        snprintf(f->way, sizeof(f->way), "%s", way && !in->failed ? way : "phone");
        f->text = dup_text(in, "text", SUGGESTION_TEXT_MAX, true);
        break;
    }
    case SUGGESTION_REPLY:
        api_only(in, reply);
        read_reply(in, f);
        break;
    case SUGGESTION_EVALUATE:
    case SUGGESTION_RATE_RESULT:
        api_only(in, f->action == SUGGESTION_EVALUATE ? evaluate : rate);
        f->rating = read_rating(in);
        f->comment = dup_text(in, "comment", SUGGESTION_TEXT_MAX, false);
        if (f->action == SUGGESTION_EVALUATE)
            f->consent = api_bool(in, "consent_publish");
        break;
    default: break;
    }
}

static int flow_step(http_req_t *r, suggestion_action_t action)
{
    api_suggestion_relation_t rel;
    int64_t id = api_suggestion_load_id(r, &rel);
    if (id == 0)
        return 0;
    suggestion_actor_t as = action == SUGGESTION_COSIGN && rel.cosigner ? SUGGESTION_BY_COSIGNER : rel.as;
    if (!suggestion_may(as, action)) {
        char msg[96];
        snprintf(msg, sizeof(msg), "you may not %s this suggestion", suggestion_action_name(action));
        http_reply_error(r, 403, "forbidden", msg, NULL);
        return 0;
    }
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    suggestion_write_t *f = api_suggestion_flow_new(r, SUGGESTION_OP_STEP, id);
    f->action = action;
    f->rel = rel;
    api_input_t in = {r, body, false};
    read_step(&in, f);
    json_decref(body);
    return api_suggestion_flow_submit(r, f, in.failed);
}

int api_suggestions_submit(http_req_t *r)
{
    return flow_step(r, SUGGESTION_SUBMIT);
}
int api_suggestions_cosign(http_req_t *r)
{
    return flow_step(r, SUGGESTION_COSIGN);
}
int api_suggestions_accept(http_req_t *r)
{
    return flow_step(r, SUGGESTION_ACCEPT);
}
int api_suggestions_return(http_req_t *r)
{
    return flow_step(r, SUGGESTION_RETURN);
}
int api_suggestions_to_letter(http_req_t *r)
{
    return flow_step(r, SUGGESTION_TO_LETTER);
}
int api_suggestions_assign(http_req_t *r)
{
    return flow_step(r, SUGGESTION_ASSIGN);
}
int api_suggestions_contest(http_req_t *r)
{
    return flow_step(r, SUGGESTION_CONTEST);
}
int api_suggestions_reassign(http_req_t *r)
{
    return flow_step(r, SUGGESTION_REASSIGN);
}
int api_suggestions_start(http_req_t *r)
{
    return flow_step(r, SUGGESTION_START);
}
int api_suggestions_contact(http_req_t *r)
{
    return flow_step(r, SUGGESTION_CONTACT);
}
int api_suggestions_co_opinion(http_req_t *r)
{
    return flow_step(r, SUGGESTION_CO_OPINION);
}
int api_suggestions_reply(http_req_t *r)
{
    return flow_step(r, SUGGESTION_REPLY);
}
int api_suggestions_evaluate(http_req_t *r)
{
    return flow_step(r, SUGGESTION_EVALUATE);
}
int api_suggestions_rate_result(http_req_t *r)
{
    return flow_step(r, SUGGESTION_RATE_RESULT);
}
