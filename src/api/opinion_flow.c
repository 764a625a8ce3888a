/*
 * opinion_flow: every step taken on an opinion after intake - by staff (triage, merge, reject,
 * the four dispositions, answer, a rating taken over the phone), by a unit on its referral
 * (accept, reply, ask for more time, return as mis-routed) and by the constituent (rating).
 *
 * All of them are one kind of write: the opinion is read inside the writer's transaction, the
 * domain says whether the step is allowed from its state there and then (so two clerks racing
 * cannot both act on the same state), and the step, its event, its notifications and its audit
 * row are written together or not at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/opinion_common.h"
#include "core/utf8.h"
#include "domain/region.h"
#include "store/registry.h"

enum { TEXT_MAX = 5000, REASON_MAX = 300, TITLE_CHARS = 30 };

typedef struct {
    http_write_t super;
    api_who_t who;
    int64_t opinion_id;
    int action;                 /* opinion_action_t, or -1 for a referral step alone */
    bool then_answer;           /* resolving on the spot answers at once */
    int referral_action;        /* referral_action_t, or -1 */
    int64_t referral_id;
    /* what the step carries */
    char *text;                 /* the answer, reason, reply or note (owned) */
    char *comment;              /* a rating's comment (owned) */
    opinion_rating_t rating;
    int64_t category_id, owner_user_id, owner_deputy_id, master_id, unit_id, deputy_id;
    char urgency[8], tier[12];
    int days;                   /* a referral's or an extension's working days */
    bool by_constituent;
    int reopen_limit, answer_days;
    /* the outcome */
    const char *refused_state;  /* the state that does not allow the step: 409 */
    const char *problem_field;  /* an input the data refused: 422 */
    char problem[160];
    int64_t made_id;            /* the referral or suggestion the step made */
} flow_write_t;

static int problem(flow_write_t *f, const char *field, const char *message)
{
    f->problem_field = field;
    snprintf(f->problem, sizeof(f->problem), "%s", message);
    return STORE_EINVALID;
}

static bool same_county(const char *a, const char *b)
{
    return strncmp(a, b, 6) == 0;
}

int api_opinion_notify(store_t *db, const char *event, const char *recipient, const store_opinion_t *o, int64_t now)
{
    json_t *payload = json_pack("{s:I, s:s, s:s}", "opinion_id", (json_int_t)o->id, "state",
                                opinion_state_name(o->state), "region", o->region);
    /* the code is half of what opens the constituent's view: it goes to them alone */
    if (strncmp(recipient, "constituent:", 12) == 0)
        json_object_set_new(payload, "tracking_code", json_string(o->tracking_code));
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    int rc = text ? store_outbox_add(db, event, recipient, text, now) : STORE_ERR;
    free(text);
    return rc;
}

int api_opinion_publish(store_t *db, const char *event, const store_opinion_t *o, int64_t now)
{
    json_t *payload = json_pack("{s:I, s:s, s:I, s:s, s:I}", "opinion_id", (json_int_t)o->id, "state",
                                opinion_state_name(o->state), "category_id", (json_int_t)o->category_id, "channel",
                                o->channel, "created_at", (json_int_t)o->created_at);
    if (o->rated_at)
        json_object_set_new(payload, "rating", json_string(opinion_rating_name(o->rating)));
    return api_webhooks_publish(db, event, payload, o->region, now);
}

static int notify_constituent(store_t *db, const store_opinion_t *o, int64_t now)
{
    char to[40];
    snprintf(to, sizeof(to), "constituent:%lld", (long long)o->id);
    return api_opinion_notify(db, "opinion.answered", to, o, now);
}

/* The constituents of items merged into o hear its answer too (SPEC §3). */
typedef struct {
    store_t *db;
    int64_t now;
    int rc;
} merged_walk_t;

static int notify_merged(const store_opinion_t *o, void *arg)
{
    merged_walk_t *m = arg;
    m->rc = notify_constituent(m->db, o, m->now);
    return m->rc != STORE_OK;
}

static int answer(flow_write_t *f, store_t *db, store_opinion_t *o, int64_t now)
{
    free(o->answer);
    o->answer = strdup(f->text);
    o->answered_at = now;
    merged_walk_t walk = {db, now, STORE_OK};
    int rc = store_opinions_merged_into(db, o->id, notify_merged, &walk);
    if (rc == STORE_OK)
        rc = walk.rc;
    if (rc == STORE_OK)
        rc = api_opinion_publish(db, "opinion.answered", o, now);
    return rc == STORE_OK ? notify_constituent(db, o, now) : rc;
}

static int merge(flow_write_t *f, store_t *db, store_opinion_t *o)
{
    store_opinion_t master;
    if (f->master_id == o->id)
        return problem(f, "master_id", "an opinion cannot be merged into itself");
    int rc = store_opinion_get(db, f->master_id, &master);
    if (rc == STORE_ENOTFOUND)
        return problem(f, "master_id", "master_id names no such opinion");
    if (rc != STORE_OK)
        return rc;
    bool ok = same_county(master.region, o->region) && opinion_state_open(master.state);
    store_opinion_free(&master);
    if (!ok)
        return problem(f, "master_id", "master_id must name an open opinion of the same county");
    o->master_id = f->master_id;
    return STORE_OK;
}

static int refer(flow_write_t *f, store_t *db, store_opinion_t *o, int64_t now)
{
    char region[13];
    int rc = store_registry_region(db, registry_entity("unit"), f->unit_id, region);
    if (rc == STORE_ENOTFOUND || (rc == STORE_OK && !same_county(region, o->region)))
        return problem(f, "unit_id", "unit_id must name a unit of the opinion's county");
    store_referral_t r = {.opinion_id = o->id, .unit_id = f->unit_id, .created_at = now};
    if (rc == STORE_OK)
        rc = api_opinion_working_deadline(db, now, f->days, &r.due);
    if (rc == STORE_OK)
        rc = store_referral_insert(db, &r, &f->made_id);
    char to[40];
    snprintf(to, sizeof(to), "unit:%lld", (long long)f->unit_id);
    return rc ? rc : api_opinion_notify(db, "referral.sent", to, o, now);
}

static int to_suggestion(flow_write_t *f, store_t *db, store_opinion_t *o, int64_t now)
{
    int64_t deputy = f->deputy_id ? f->deputy_id : o->owner_deputy_id ? o->owner_deputy_id : o->deputy_id;
    char title[TITLE_CHARS * 4 + 8];
    utf8_copy(title, TITLE_CHARS * 3 + 1, o->content); /* the first words stand for a title */
    int rc = store_suggestion_draft(db, deputy, o->region, title, o->content, o->id, now, &f->made_id);
    if (rc == STORE_OK)
        o->suggestion_id = f->made_id;
    return rc;
}

static int triage(flow_write_t *f, store_opinion_t *o)
{
    if (f->category_id)
        o->category_id = f->category_id;
    if (f->urgency[0])
        snprintf(o->urgency, sizeof(o->urgency), "%s", f->urgency);
    if (f->tier[0])
        snprintf(o->tier, sizeof(o->tier), "%s", f->tier);
    if (f->owner_user_id)
        o->owner_user_id = f->owner_user_id;
    if (f->owner_deputy_id)
        o->owner_deputy_id = f->owner_deputy_id;
    return STORE_OK;
}

/* SPEC §3: an owner hears of what was given to them. */
static int notify_owners(flow_write_t *f, store_t *db, const store_opinion_t *o, int64_t now)
{
    char to[40];
    int rc = STORE_OK;
    if (f->owner_user_id) {
        snprintf(to, sizeof(to), "user:%lld", (long long)f->owner_user_id);
        rc = api_opinion_notify(db, "opinion.assigned", to, o, now);
    }
    if (rc == STORE_OK && f->owner_deputy_id) {
        snprintf(to, sizeof(to), "deputy:%lld", (long long)f->owner_deputy_id);
        rc = api_opinion_notify(db, "opinion.assigned", to, o, now);
    }
    return rc;
}

/* What the action changes on o besides its state; *shown gets the note the constituent sees. */
static int apply(flow_write_t *f, store_t *db, store_opinion_t *o, opinion_action_t action, int next, int64_t now,
                 const char **shown)
{
    switch (action) {
    case OPINION_TRIAGE: return triage(f, o);
    case OPINION_MERGE: return merge(f, db, o);
    case OPINION_REJECT:
        *shown = f->text; /* the reason is the answer the constituent gets */
        return answer(f, db, o, now);
    case OPINION_RESOLVE:
    case OPINION_REFER:
    case OPINION_TO_SUGGESTION:
    case OPINION_KEEP:
        snprintf(o->disposition, sizeof(o->disposition), "%s", opinion_action_name(action));
        if (action == OPINION_REFER)
            return refer(f, db, o, now);
        if (action == OPINION_TO_SUGGESTION)
            return to_suggestion(f, db, o, now);
        return STORE_OK;
    case OPINION_ANSWER:
        *shown = f->text;
        return answer(f, db, o, now);
    case OPINION_RATE:
        o->rating = f->rating;
        free(o->rating_comment);
        o->rating_comment = f->comment ? strdup(f->comment) : NULL;
        o->rated_at = now;
        *shown = f->comment;
        if (next != OPINION_IN_PROGRESS)
            return STORE_OK;
        o->reopens++; /* 重办: a fresh answer deadline */
        return api_opinion_working_deadline(db, now, f->answer_days, &o->answer_due);
    case OPINION_RETURN:
    case OPINION_REGISTER:
    case OPINION_AUTO_CLOSE:
    case OPINION_ACTION_COUNT:
        break;
    }
    return STORE_OK;
}

static int step(flow_write_t *f, store_t *db, store_opinion_t *o, opinion_action_t action, int64_t now)
{
    opinion_facts_t facts = {f->rating, o->reopens, f->reopen_limit};
    int next = opinion_next(o->state, action, &facts);
    if (next < 0) {
        f->refused_state = opinion_state_name(o->state);
        return STORE_EINVALID;
    }
    const char *shown = NULL;
    opinion_state_t from = o->state;
    o->state = (opinion_state_t)next; /* first: what apply tells others says where it now stands */
    int rc = apply(f, db, o, action, next, now, &shown);
    if (rc != STORE_OK)
        return rc;
    o->updated_at = now;
    if (!opinion_state_open(o->state) && o->state != OPINION_ANSWERED)
        o->closed_at = now;
    store_opinion_event_t e = {
        .opinion_id = o->id, .at = now, .actor_id = f->who.actor_id,
        .actor = f->by_constituent ? "constituent" : f->who.actor, .action = opinion_action_name(action),
        .from_state = opinion_state_name(from), .to_state = opinion_state_name(o->state),
        .note = action == OPINION_RATE ? opinion_rating_name(f->rating) : f->text && shown != f->text ? f->text : "",
        .public_note = shown ? shown : "",
    };
    rc = store_opinion_save(db, o);
    if (rc == STORE_OK)
        rc = store_opinion_event_add(db, &e);
    if (rc == STORE_OK && action == OPINION_TRIAGE)
        rc = notify_owners(f, db, o, now);
    if (rc == STORE_OK && action == OPINION_RATE)
        rc = api_opinion_publish(db, "opinion.rated", o, now);
    if (rc == STORE_OK && !f->by_constituent) {
        char what[32];
        snprintf(what, sizeof(what), "opinion.%s", opinion_action_name(action));
        rc = api_audit(db, &f->who, what, "opinion", o->id, o->region, opinion_state_name(o->state));
    }
    return rc;
}

/* A unit's step on its referral, or staff answering a request for more time. */
static int referral_step(flow_write_t *f, store_t *db, store_opinion_t *o, int64_t now)
{
    store_referral_t r;
    int rc = store_referral_get(db, f->referral_id, &r);
    if (rc != STORE_OK)
        return rc;
    bool pending = r.extension_pending;
    int next = referral_next(r.state, &pending, (referral_action_t)f->referral_action);
    if (next < 0 || o->state != OPINION_IN_PROGRESS) {
        /* the referral's own state first; else its opinion was answered, closed or sent back */
        f->refused_state = next >= 0 ? opinion_state_name(o->state)
                           : r.extension_pending && f->referral_action == REFERRAL_ASK_EXTENSION
                               ? "extension_pending"
                               : referral_state_name(r.state);
        store_referral_free(&r);
        return STORE_EINVALID;
    }
    switch ((referral_action_t)f->referral_action) {
    case REFERRAL_REPLY:
        free(r.reply);
        r.reply = strdup(f->text);
        break;
    case REFERRAL_ASK_EXTENSION:
        r.extension_days = f->days;
        snprintf(r.extension_reason, sizeof(r.extension_reason), "%s", f->text);
        break;
    case REFERRAL_GRANT_EXTENSION:
        rc = api_opinion_working_deadline(db, r.due, r.extension_days, &r.due);
        break;
    case REFERRAL_RETURN: f->action = OPINION_RETURN; break; /* back to triage */
    default: break;
    }
    r.state = (referral_state_t)next;
    r.extension_pending = pending;
    r.updated_at = now;
    char action[40];
    snprintf(action, sizeof(action), "referral.%s", referral_action_name((referral_action_t)f->referral_action));
    store_opinion_event_t e = {
        .opinion_id = o->id, .at = now, .actor_id = f->who.actor_id, .actor = f->who.actor, .action = action,
        .from_state = opinion_state_name(o->state), .to_state = opinion_state_name(o->state),
        .note = f->text ? f->text : "", .public_note = "",
    };
    if (rc == STORE_OK)
        rc = store_referral_save(db, &r);
    if (rc == STORE_OK && f->action < 0) /* a return's event is the opinion's own */
        rc = store_opinion_event_add(db, &e);
    if (rc == STORE_OK && f->referral_action == REFERRAL_REPLY && o->owner_user_id) {
        char to[40];
        snprintf(to, sizeof(to), "user:%lld", (long long)o->owner_user_id);
        rc = api_opinion_notify(db, "referral.replied", to, o, now);
    }
    if (rc == STORE_OK)
        rc = api_audit(db, &f->who, action, "referral", r.id, o->region, referral_state_name(r.state));
    store_referral_free(&r);
    return rc;
}

static int flow_run(http_write_t *w, store_t *db)
{
    flow_write_t *f = (flow_write_t *)w;
    int64_t now = time(NULL);
    store_opinion_t o;
    int rc = store_opinion_get(db, f->opinion_id, &o);
    if (rc == STORE_OK && f->referral_action >= 0)
        rc = referral_step(f, db, &o, now);
    if (rc == STORE_OK && f->action >= 0)
        rc = step(f, db, &o, (opinion_action_t)f->action, now);
    if (rc == STORE_OK && f->then_answer)
        rc = step(f, db, &o, OPINION_ANSWER, now);
    store_opinion_free(&o);
    return rc;
}

int api_opinion_system_step(store_t *db, int64_t id, opinion_action_t action, const api_opinion_step_args_t *args,
                        int64_t now)
{
    static const api_opinion_step_args_t none = {0};
    if (args == NULL)
        args = &none;
    flow_write_t f = {.opinion_id = id, .action = action, .referral_action = -1, .unit_id = args->unit_id,
                      .days = args->days > 0 ? args->days : 10, .rating = args->rating, .reopen_limit = 1,
                      .answer_days = 15, .text = (char *)args->text, .comment = (char *)args->comment};
    snprintf(f.who.actor, sizeof(f.who.actor), "%s", args->actor ? args->actor : "system");
    store_opinion_t o;
    int rc = store_opinion_get(db, id, &o);
    if (rc != STORE_OK)
        return rc;
    rc = step(&f, db, &o, action, now);
    store_opinion_free(&o);
    return rc;
}

/* ---- views -------------------------------------------------------------------------------------- */

static int referral_item(const store_referral_t *r, void *arg)
{
    json_t *j = json_pack("{s:I, s:I, s:I, s:s, s:s, s:I, s:b, s:I, s:I}", "id", (json_int_t)r->id, "opinion_id",
                          (json_int_t)r->opinion_id, "unit_id", (json_int_t)r->unit_id, "unit_name", r->unit_name,
                          "state", referral_state_name(r->state), "due", (json_int_t)r->due, "extension_pending",
                          r->extension_pending, "created_at", (json_int_t)r->created_at, "updated_at",
                          (json_int_t)r->updated_at);
    if (r->extension_pending || r->extension_days) {
        json_object_set_new(j, "extension_days", json_integer(r->extension_days));
        json_object_set_new(j, "extension_reason", json_string(r->extension_reason));
    }
    if (r->reply)
        json_object_set_new(j, "reply", json_string(r->reply));
    json_array_append_new(arg, j);
    return 0;
}

static int event_item(const store_opinion_event_t *e, void *arg)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "at", (json_int_t)e->at, "actor",
                          e->actor, "action", e->action, "from", e->from_state, "to", e->to_state);
    if (e->actor_name[0])
        json_object_set_new(j, "actor_name", json_string(e->actor_name));
    /* a rating's event keeps which rating it was where other events keep staff's note */
    if (e->note[0])
        json_object_set_new(j, strcmp(e->action, "rate") == 0 ? "rating" : "note", json_string(e->note));
    if (e->public_note[0])
        json_object_set_new(j, "public_note", json_string(e->public_note));
    json_array_append_new(arg, j);
    return 0;
}

static int attachment_item(const store_attachment_t *a, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:I}", "id", (json_int_t)a->id, "mime", a->mime, "bytes",
                                         (json_int_t)a->bytes));
    return 0;
}

static void set_id(json_t *j, const char *key, int64_t id)
{
    json_object_set_new(j, key, id ? json_integer(id) : json_null());
}

static void set_text(json_t *j, const char *key, const char *text)
{
    json_object_set_new(j, key, text && *text ? json_string(text) : json_null());
}

/* The list entry: enough to triage from a phone without opening it. */
json_t *api_opinion_summary_json(const store_opinion_t *o)
{
    char excerpt[400];
    utf8_copy(excerpt, sizeof(excerpt), o->content);
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:s}", "id", (json_int_t)o->id,
                          "tracking_code", o->tracking_code, "state", opinion_state_name(o->state), "channel",
                          o->channel, "category_id", (json_int_t)o->category_id, "region", o->region, "excerpt",
                          excerpt, "created_at", (json_int_t)o->created_at, "due",
                          (json_int_t)store_opinion_current_due(o), "urgency", o->urgency[0] ? o->urgency : "normal");
    set_id(j, "station_id", o->station_id);
    set_id(j, "deputy_id", o->deputy_id);
    return j;
}

/* Everything staff see, but the constituent's personal data (GET .../contact gives that). */
static json_t *staff_json(store_t *db, const store_opinion_t *o)
{
    json_t *j = api_opinion_summary_json(o);
    json_object_set_new(j, "content", json_string(o->content));
    set_text(j, "location", o->location);
    json_object_set_new(j, "consent_publish", json_boolean(o->consent_publish));
    json_object_set_new(j, "has_phone", json_boolean(o->phone4[0] != '\0'));
    set_text(j, "disposition", o->disposition);
    set_text(j, "tier", o->tier);
    set_id(j, "owner_user_id", o->owner_user_id);
    set_id(j, "owner_deputy_id", o->owner_deputy_id);
    set_id(j, "master_id", o->master_id);
    set_id(j, "suggestion_id", o->suggestion_id);
    set_text(j, "answer", o->answer);
    set_text(j, "rating", opinion_rating_name(o->rating));
    set_text(j, "rating_comment", o->rating_comment);
    json_object_set_new(j, "reopens", json_integer(o->reopens));
    json_object_set_new(j, "flag", json_string(api_opinion_flag(db, store_opinion_current_due(o))));
    json_object_set_new(j, "triage_due", json_integer(o->triage_due));
    json_object_set_new(j, "answer_due", json_integer(o->answer_due));
    json_t *referrals = json_array(), *timeline = json_array(), *files = json_array();
    json_object_set_new(j, "referrals", referrals);
    json_object_set_new(j, "timeline", timeline);
    json_object_set_new(j, "attachments", files);
    if (store_referrals_of(db, o->id, referral_item, referrals) != STORE_OK ||
        store_attachments_of(db, o->id, attachment_item, files) != STORE_OK ||
        store_opinion_events_each(db, o->id, event_item, timeline) != STORE_OK) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static void reply_opinion(http_req_t *r, int64_t id, bool public_view)
{
    store_opinion_t o;
    if (store_opinion_get(http_reader(r), id, &o) != STORE_OK) {
        http_reply_internal(r, "an opinion vanished after its write");
        return;
    }
    json_t *j = public_view ? api_opinion_public_json(http_reader(r), &o) : staff_json(http_reader(r), &o);
    store_opinion_free(&o);
    if (j == NULL)
        http_reply_internal(r, "cannot read an opinion");
    else
        http_reply_json(r, 200, j);
}

static void flow_respond(http_write_t *w, http_req_t *r, int status)
{
    flow_write_t *f = (flow_write_t *)w;
    if (r == NULL) {
    } else if (status == STORE_EINVALID && f->problem_field) {
        http_reply_error(r, 422, "invalid", f->problem, f->problem_field);
    } else if (status == STORE_EINVALID && f->refused_state) {
        char msg[160];
        snprintf(msg, sizeof(msg), "not allowed while it is %s", f->refused_state);
        json_t *error = json_pack("{s:s, s:s, s:s}", "code", "illegal_transition", "message", msg, "state",
                                  f->refused_state);
        http_reply_json(r, 409, json_pack("{s:o}", "error", error));
    } else if (status == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such opinion", NULL);
    } else if (status != STORE_OK) {
        http_reply_internal(r, "cannot record a step of an opinion");
    } else if (f->referral_action >= 0 && r->session && r->session->actor.role == ROLE_UNIT) {
        api_opinion_reply_referral(r, f->referral_id);
    } else {
        reply_opinion(r, f->opinion_id, f->by_constituent);
    }
    free(f->text);
    free(f->comment);
}

static flow_write_t *flow_new(http_req_t *r, int64_t opinion_id, int action)
{
    flow_write_t *f = http_write_new(r, sizeof(*f));
    api_who(r, &f->who);
    f->opinion_id = opinion_id;
    f->action = action;
    f->referral_action = -1;
    f->reopen_limit = http_config(r)->reopen_limit;
    f->answer_days = http_config(r)->answer_days;
    f->super.run = flow_run;
    f->super.respond = flow_respond;
    return f;
}

/* Hands the step to the writer, or drops it when its input was refused (already answered). */
static int submit(http_req_t *r, flow_write_t *f, bool refused)
{
    if (refused) {
        free(f->text);
        free(f->comment);
        free(f);
    } else {
        http_write(r, &f->super);
    }
    return 0;
}

void api_opinion_rate(http_req_t *r, const store_opinion_t *o, opinion_rating_t rating, const char *comment,
                  bool by_constituent)
{
    flow_write_t *f = flow_new(r, o->id, OPINION_RATE);
    f->rating = rating;
    f->comment = comment ? strdup(comment) : NULL;
    f->by_constituent = by_constituent;
    http_write(r, &f->super);
}

/* ---- staff ------------------------------------------------------------------------------------- */

bool api_opinion_load_in_scope(http_req_t *r, int64_t *id, store_opinion_t *o)
{
    *id = api_param_id(r, 0);
    if (*id == 0)
        return false;
    if (store_opinion_get(http_reader(r), *id, o) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "no such opinion", NULL);
        return false;
    }
    /* a deputy reaches what was sent to them and what they were given, as their list shows */
    policy_target_t sent = {.region = o->region, .deputy_id = o->deputy_id};
    policy_target_t given = {.region = o->region, .deputy_id = o->owner_deputy_id};
    if (policy_check(http_actor(r), r->route->action, &given) == POLICY_ALLOW || http_authorize(r, &sent, true))
        return true;
    store_opinion_free(o);
    return false;
}

int api_opinions_get(http_req_t *r)
{
    int64_t id;
    store_opinion_t o;
    if (!api_opinion_load_in_scope(r, &id, &o))
        return 0;
    store_opinion_free(&o);
    reply_opinion(r, id, false);
    return 0;
}

typedef struct {
    http_req_t *r;
    int64_t opinion_id;
} file_reply_t;

static int send_file(const store_attachment_t *a, void *arg)
{
    file_reply_t *f = arg;
    if (a->opinion_id != f->opinion_id) {
        http_reply_error(f->r, 404, "not_found", "no such attachment", NULL);
        return 1;
    }
    /* served as a download: a browser never runs or renders it inside the workspace */
    http_add_header(f->r, "content-disposition", "attachment");
    http_reply_text(f->r, 200, a->mime, a->data, a->bytes);
    return 1;
}

int api_opinions_attachment(http_req_t *r)
{
    int64_t id;
    store_opinion_t o;
    if (!api_opinion_load_in_scope(r, &id, &o))
        return 0;
    store_opinion_free(&o);
    int64_t file = api_param_id(r, 1);
    file_reply_t f = {r, id};
    int rc = file ? store_attachment_get(http_reader(r), file, send_file, &f) : STORE_OK;
    if (rc == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "no such attachment", NULL);
    else if (rc != STORE_OK)
        http_reply_internal(r, "cannot read an attachment");
    return 0;
}

/* "days": working days from 1 to max; 0 when absent and not required. */
static int read_days(api_input_t *in, int max, bool required)
{
    json_t *days = json_object_get(in->body, "days");
    if (in->failed || (days == NULL && !required))
        return 0;
    if (!json_is_integer(days) || json_integer_value(days) < 1 || json_integer_value(days) > max) {
        char msg[96];
        snprintf(msg, sizeof(msg), "days must be a whole number of working days from 1 to %d", max);
        api_invalid(in, "days", msg);
        return 0;
    }
    return (int)json_integer_value(days);
}

/* Reads the fields an action takes; fields not listed for it are refused by api_only. */
static void read_step(api_input_t *in, flow_write_t *f, opinion_action_t action)
{
    static const char *const text_only[] = {"text", NULL};
    static const char *const triage_fields[] = {"category", "urgency", "tier", "owner_user_id", "owner_deputy_id", NULL};
    static const char *const refer_fields[] = {"unit_id", "days", "text", NULL};
    static const char *const merge_fields[] = {"master_id", "text", NULL};
    static const char *const suggestion_fields[] = {"deputy_id", "text", NULL};
    static const char *const rate_fields[] = {"rating", "comment", NULL};
    const char *const *fields = action == OPINION_TRIAGE          ? triage_fields
                                : action == OPINION_REFER         ? refer_fields
                                : action == OPINION_MERGE         ? merge_fields
                                : action == OPINION_TO_SUGGESTION ? suggestion_fields
                                : action == OPINION_RATE          ? rate_fields
                                                                  : text_only;
    api_only(in, fields);
    if (action == OPINION_RATE) {
        const char *comment = api_opinion_read_rating(in, &f->rating);
        f->comment = comment ? strdup(comment) : NULL;
        return;
    }
    bool text_required = action == OPINION_ANSWER || action == OPINION_RESOLVE || action == OPINION_REJECT ||
                         action == OPINION_KEEP;
    const char *text = api_text(in, "text", 1, TEXT_MAX, text_required);
    if (text)
        f->text = strdup(text);
    if (action == OPINION_TRIAGE) {
        const char *category = api_text(in, "category", 1, 32, false);
        if (category && store_category_id(http_reader(in->r), category, &f->category_id) != STORE_OK)
            api_invalid(in, "category", "category names no such category");
        const char *urgency = api_text(in, "urgency", 1, 8, false);
        if (urgency && !opinion_word_in(opinion_urgencies, urgency))
            api_invalid(in, "urgency", "urgency must be normal or urgent");
        const char *tier = api_text(in, "tier", 1, 12, false);
        if (tier && !opinion_word_in(opinion_tiers, tier))
            api_invalid(in, "tier", "tier must be station, township, county or city");
        snprintf(f->urgency, sizeof(f->urgency), "%s", urgency && !in->failed ? urgency : "");
        snprintf(f->tier, sizeof(f->tier), "%s", tier && !in->failed ? tier : "");
        f->owner_user_id = api_id(in, "owner_user_id");
        f->owner_deputy_id = api_id(in, "owner_deputy_id");
    }
    if (action == OPINION_REFER) {
        f->unit_id = api_id(in, "unit_id");
        if (!in->failed && f->unit_id == 0)
            api_invalid(in, "unit_id", "unit_id is required");
        f->days = read_days(in, 90, false);
        if (f->days == 0)
            f->days = http_config(in->r)->referral_days;
    }
    if (action == OPINION_MERGE) {
        f->master_id = api_id(in, "master_id");
        if (!in->failed && f->master_id == 0)
            api_invalid(in, "master_id", "master_id is required");
    }
    if (action == OPINION_TO_SUGGESTION)
        f->deputy_id = api_id(in, "deputy_id");
}

/* Owners named at triage, and the deputy a suggestion goes to, must be of the opinion's county. */
static void check_owners(api_input_t *in, const flow_write_t *f, const store_opinion_t *o)
{
    const char *fields[] = {"owner_deputy_id", "deputy_id"};
    const int64_t deputies[] = {f->owner_deputy_id, f->deputy_id};
    for (int i = 0; i < 2; i++) {
        char region[13], msg[96];
        if (in->failed || deputies[i] == 0)
            continue;
        if (store_registry_region(http_reader(in->r), registry_entity("deputy"), deputies[i], region) != STORE_OK ||
            !same_county(region, o->region)) {
            snprintf(msg, sizeof(msg), "%s must name a deputy of the opinion's county", fields[i]);
            api_invalid(in, fields[i], msg);
        }
    }
    char category_region[13];
    if (!in->failed && f->category_id &&
        (store_category_region(http_reader(in->r), f->category_id, category_region) != STORE_OK ||
         !api_category_serves(category_region, o->region)))
        api_invalid(in, "category", "category is another region's");
    store_user_t u;
    if (!in->failed && f->owner_user_id &&
        (store_user_by_id(http_reader(in->r), f->owner_user_id, &u) != STORE_OK || u.disabled ||
         (strcmp(u.role, "staff") != 0 && strcmp(u.role, "admin") != 0) || !same_county(u.region, o->region)))
        api_invalid(in, "owner_user_id", "owner_user_id must name a staff account of the opinion's county");
}

/* The master of a merge must be an opinion the actor may triage too. */
static void check_master(api_input_t *in, const flow_write_t *f)
{
    store_opinion_t master;
    if (in->failed || f->master_id == 0)
        return;
    policy_target_t t = {0};
    if (store_opinion_get(http_reader(in->r), f->master_id, &master) == STORE_OK)
        t.region = master.region;
    if (t.region == NULL || policy_check(http_actor(in->r), "opinion.triage", &t) != POLICY_ALLOW)
        api_invalid(in, "master_id", "master_id names no opinion of your region");
    store_opinion_free(&master);
}

static int staff_step(http_req_t *r, opinion_action_t action)
{
    int64_t id;
    store_opinion_t o;
    if (!api_opinion_load_in_scope(r, &id, &o))
        return 0;
    json_t *body = http_json_body(r);
    if (body == NULL) {
        store_opinion_free(&o);
        return 0;
    }
    flow_write_t *f = flow_new(r, id, (int)action);
    f->then_answer = action == OPINION_RESOLVE;
    api_input_t in = {r, body, false};
    read_step(&in, f, action);
    check_owners(&in, f, &o);
    check_master(&in, f);
    store_opinion_free(&o);
    json_decref(body);
    return submit(r, f, in.failed);
}

int api_opinions_triage(http_req_t *r) { return staff_step(r, OPINION_TRIAGE); }
int api_opinions_reject(http_req_t *r) { return staff_step(r, OPINION_REJECT); }
int api_opinions_merge(http_req_t *r) { return staff_step(r, OPINION_MERGE); }
int api_opinions_resolve(http_req_t *r) { return staff_step(r, OPINION_RESOLVE); }
int api_opinions_refer(http_req_t *r) { return staff_step(r, OPINION_REFER); }
int api_opinions_to_suggestion(http_req_t *r) { return staff_step(r, OPINION_TO_SUGGESTION); }
int api_opinions_keep(http_req_t *r) { return staff_step(r, OPINION_KEEP); }
int api_opinions_answer(http_req_t *r) { return staff_step(r, OPINION_ANSWER); }
int api_opinions_rate(http_req_t *r) { return staff_step(r, OPINION_RATE); }

/* ---- units ------------------------------------------------------------------------------------- */

/* The referral named by the route, the actor's unit's (or, for staff, in their region). */
static bool load_referral(http_req_t *r, store_referral_t *ref, store_opinion_t *o)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return false;
    if (store_referral_get(http_reader(r), id, ref) != STORE_OK ||
        store_opinion_get(http_reader(r), ref->opinion_id, o) != STORE_OK) {
        store_referral_free(ref);
        http_reply_error(r, 404, "not_found", "no such referral", NULL);
        return false;
    }
    policy_target_t t = {.region = o->region, .unit_id = ref->unit_id};
    if (!http_authorize(r, &t, true)) {
        store_referral_free(ref);
        store_opinion_free(o);
        return false;
    }
    return true;
}

static int unit_step(http_req_t *r, referral_action_t action)
{
    store_referral_t ref;
    store_opinion_t o;
    if (!load_referral(r, &ref, &o))
        return 0;
    int64_t opinion_id = o.id, referral_id = ref.id;
    store_referral_free(&ref);
    store_opinion_free(&o);
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    flow_write_t *f = flow_new(r, opinion_id, -1);
    f->referral_action = action;
    f->referral_id = referral_id;
    api_input_t in = {r, body, false};
    static const char *const text_only[] = {"text", NULL};
    static const char *const extension[] = {"days", "text", NULL};
    api_only(&in, action == REFERRAL_ASK_EXTENSION ? extension : text_only);
    bool text_required = action == REFERRAL_REPLY || action == REFERRAL_RETURN || action == REFERRAL_ASK_EXTENSION;
    /* a reason for more time is kept beside the referral, in at most 300 characters */
    const char *text = api_text(&in, "text", 1, action == REFERRAL_ASK_EXTENSION ? REASON_MAX : TEXT_MAX, text_required);
    if (text)
        f->text = strdup(text);
    if (action == REFERRAL_ASK_EXTENSION)
        f->days = read_days(&in, 30, true);
    json_decref(body);
    return submit(r, f, in.failed);
}

int api_referrals_accept(http_req_t *r) { return unit_step(r, REFERRAL_ACCEPT); }
int api_referrals_reply(http_req_t *r) { return unit_step(r, REFERRAL_REPLY); }
int api_referrals_ask_extension(http_req_t *r) { return unit_step(r, REFERRAL_ASK_EXTENSION); }
int api_referrals_return(http_req_t *r) { return unit_step(r, REFERRAL_RETURN); }
int api_referrals_grant_extension(http_req_t *r) { return unit_step(r, REFERRAL_GRANT_EXTENSION); }
int api_referrals_refuse_extension(http_req_t *r) { return unit_step(r, REFERRAL_REFUSE_EXTENSION); }
