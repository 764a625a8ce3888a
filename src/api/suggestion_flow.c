/*
 * suggestion_flow: every write on a deputy suggestion as it runs in the writer - the lead
 * deputy's draft (create, edit, attach, submit), a co-signer's answer, the office's review and
 * assignment, the units' contest, start, communication log, co-unit opinion and reply, and the
 * deputy's two ratings; also the same steps taken by the demo, and the ticker's near-deadline
 * notice.
 *
 * All of them are one kind of write, as in opinion_flow.c: suggestion_steps.c checks the input
 * field by field on the loop; inside the writer's transaction the suggestion is read again, the
 * domain says whether the step is allowed from its state there and then, and the change, its
 * event, its notifications and its audit row are written together or not at all. Numbers are
 * drawn from the (congress, session) counter inside that same transaction, so they have no gaps
 * and no repeats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/opinion_common.h"
#include "api/suggestion_common.h"
#include "api/suggestion_flow.h"
#include "core/calendar.h"
#include "store/registry.h"

static int problem(suggestion_write_t *f, const char *field, const char *message)
{
    f->problem_field = field;
    snprintf(f->problem, sizeof(f->problem), "%s", message);
    return STORE_EINVALID;
}

static int notify(store_t *db, const char *event, const char *kind, int64_t to, const store_suggestion_t *s,
                  int64_t now)
{
    char recipient[48];
    snprintf(recipient, sizeof(recipient), "%s:%lld", kind, (long long)to);
    json_t *payload = json_pack("{s:I, s:s, s:s, s:s}", "suggestion_id", (json_int_t)s->id, "state",
                                suggestion_state_name(s->state), "title", s->title, "region", s->region);
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    int rc = text ? store_outbox_add(db, event, recipient, text, now) : STORE_ERR;
    free(text);
    return rc;
}

typedef struct {
    int64_t ids[SUGGESTION_LIST_MAX * 2];
    int n;
} id_list_t;

static int collect_cosigner(const store_cosigner_t *c, void *arg)
{
    id_list_t *l = arg;
    if (l->n < SUGGESTION_LIST_MAX * 2 && strcmp(c->state, "declined") != 0)
        l->ids[l->n++] = c->deputy_id;
    return 0;
}

static int collect_unit(const store_assignment_t *a, void *arg)
{
    id_list_t *l = arg;
    if (l->n < SUGGESTION_LIST_MAX * 2)
        l->ids[l->n++] = a->unit_id;
    return 0;
}

static int notify_all(store_t *db, const char *event, const char *kind, const id_list_t *l, const store_suggestion_t *s,
                      int64_t now)
{
    int rc = STORE_OK;
    for (int i = 0; rc == STORE_OK && i < l->n; i++)
        rc = notify(db, event, kind, l->ids[i], s, now);
    return rc;
}

static int assign(suggestion_write_t *f, store_t *db, store_suggestion_t *s, int64_t now)
{
    int rc = f->action == SUGGESTION_REASSIGN ? store_assignments_replace(db, s->id, now) : STORE_OK;
    if (rc == STORE_OK)
        rc = store_assignment_add(db, s->id, f->lead_unit, "lead", now);
    for (int i = 0; rc == STORE_OK && i < f->nco_units; i++)
        rc = store_assignment_add(db, s->id, f->co_units[i], "co", now);
    if (rc == STORE_ECONSTRAINT)
        return problem(f, "co_unit_ids", "a unit may be assigned once");
    if (f->action == SUGGESTION_ASSIGN) {
        s->key = f->key;
        s->supervisor_user_id = f->key ? f->supervisor : 0;
        /* SPEC §5: three months by default, key suggestions shorter */
        s->due = f->due ? f->due : suggestion_deadline(now, f->key ? f->key_months : f->months);
    }
    s->assigned_at = now;
    if (rc == STORE_OK)
        rc = api_opinion_working_deadline(db, now, f->contest_days, &s->contest_due);
    id_list_t units = {.n = 0};
    if (rc == STORE_OK)
        rc = store_assignments_each(db, s->id, collect_unit, &units);
    if (rc == STORE_OK)
        rc = notify_all(db, "suggestion.assigned", "unit", &units, s, now);
    if (rc == STORE_OK && s->supervisor_user_id && f->action == SUGGESTION_ASSIGN)
        rc = notify(db, "suggestion.supervise", "user", s->supervisor_user_id, s, now);
    return rc;
}

static int reply(suggestion_write_t *f, store_t *db, store_suggestion_t *s, int64_t now)
{
    free(s->reply_text);
    free(s->reply_reason);
    free(s->signed_by);
    s->reply_text = strdup(f->text);
    s->reply_reason = f->reason ? strdup(f->reason) : NULL;
    s->signed_by = strdup(f->signed_by);
    s->reply_category = f->category;
    snprintf(s->reply_type, sizeof(s->reply_type), "%s", f->reply_type);
    s->commitment_at = f->commitment_at;
    s->reply_unit_id = f->actor_unit_id;
    s->replied_at = now;
    s->result_rating = SUGGESTION_RATING_NONE;
    /* a new reply waits for its own rating; the earlier one stays in the timeline */
    s->rating = SUGGESTION_RATING_NONE;
    free(s->rating_comment);
    s->rating_comment = NULL;
    if (f->consent >= 0)
        s->consent_unit = f->consent;
    int rc = store_assignment_update(db, f->rel.assignment_id, "replied", NULL, NULL, now);
    if (rc == STORE_OK) /* integrators hear of it without the title, which is the deputy's text */
        rc = api_webhooks_publish(db, "suggestion.replied",
                                  json_pack("{s:I, s:s, s:I}", "suggestion_id", (json_int_t)s->id, "state",
                                            suggestion_state_name(s->state), "replied_at", (json_int_t)now),
                                  s->region, now);
    return rc ? rc : notify(db, "suggestion.replied", "deputy", s->deputy_id, s, now);
}

static int evaluate(suggestion_write_t *f, store_t *db, store_suggestion_t *s, int next, int64_t now)
{
    s->rating = f->rating;
    free(s->rating_comment);
    s->rating_comment = f->comment ? strdup(f->comment) : NULL;
    if (f->consent >= 0)
        s->consent_deputy = f->consent;
    if (next != SUGGESTION_HANDLING)
        return STORE_OK;
    /* SPEC §5: 不满意 sends it back for one more round, with a new deadline */
    s->reopens++;
    s->due = suggestion_deadline(now, f->redo_months);
    s->near_notified = false;
    int rc = store_assignments_set_state(db, s->id, "handling", now);
    return rc ? rc : notify(db, "suggestion.reopened", "unit", s->lead_unit_id, s, now);
}

/* What the step changes besides the state. */
static int apply(suggestion_write_t *f, store_t *db, store_suggestion_t *s, int next, int64_t now)
{
    id_list_t people = {.n = 0};
    int rc = STORE_OK;
    switch (f->action) {
    case SUGGESTION_SUBMIT:
        if (s->congress_id == 0)
            return problem(f, "congress_id", "say which congress the suggestion is made to before submitting");
        s->submitted_at = now;
        rc = store_suggestion_cosigners_each(db, s->id, collect_cosigner, &people);
        return rc ? rc : notify_all(db, "suggestion.invited", "deputy", &people, s, now);
    case SUGGESTION_COSIGN: return store_suggestion_cosigner_answer(db, s->id, f->actor_deputy_id, f->confirm, now);
    case SUGGESTION_ACCEPT:
        if (s->congress_id == 0) /* a draft the opinion loop made and nobody completed */
            return problem(f, "congress_id", "the suggestion names no congress to number it in");
        rc = store_suggestion_next_number(db, s->congress_id, s->session, &s->number);
        s->accepted_at = now;
        return rc ? rc : notify(db, "suggestion.accepted", "deputy", s->deputy_id, s, now);
    case SUGGESTION_RETURN: return notify(db, "suggestion.returned", "deputy", s->deputy_id, s, now);
    case SUGGESTION_TO_LETTER:
        s->closed_at = now;
        return notify(db, "suggestion.letter", "deputy", s->deputy_id, s, now);
    case SUGGESTION_ASSIGN:
    case SUGGESTION_REASSIGN: return assign(f, db, s, now);
    case SUGGESTION_CONTEST:
        if (now > s->contest_due) {
            f->refused_message = "the days to contest this assignment are over";
            f->refused_state = suggestion_state_name(s->state);
            return STORE_EINVALID;
        }
        rc = store_assignment_update(db, f->rel.assignment_id, "contested", f->text, NULL, now);
        /* the office of the suggestion's region hears of it */
        return rc ? rc : notify(db, "suggestion.contested", "region", strtoll(s->region, NULL, 10), s, now);
    case SUGGESTION_START: return store_assignments_set_state(db, s->id, "handling", now);
    case SUGGESTION_CONTACT: {
        store_contact_t c = {.suggestion_id = s->id,
                             .unit_id = f->actor_unit_id,
                             .created_by = f->who.actor_id,
                             .created_at = now,
                             .stage = f->stage,
                             .way = f->way,
                             .text = f->text};
        return store_contact_add(db, &c, &f->made_id);
    }
    case SUGGESTION_CO_OPINION: return store_assignment_update(db, f->rel.assignment_id, NULL, NULL, f->text, now);
    case SUGGESTION_REPLY: return reply(f, db, s, now);
    case SUGGESTION_EVALUATE: return evaluate(f, db, s, next, now);
    case SUGGESTION_RATE_RESULT: s->result_rating = f->rating; return STORE_OK;
    default: break;
    }
    return STORE_OK;
}

static int step(suggestion_write_t *f, store_t *db, store_suggestion_t *s, int64_t now)
{
    suggestion_facts_t facts = {.rating = f->rating,
                                .category = s->reply_category,
                                .reopens = s->reopens,
                                .reopen_limit = 1,
                                .now = now,
                                .commitment_at = s->commitment_at};
    int next = suggestion_next(s->state, f->action, &facts);
    if (next < 0) {
        f->refused_state = suggestion_state_name(s->state);
        if (f->action == SUGGESTION_RATE_RESULT && s->state == SUGGESTION_EVALUATED && s->reply_category == REPLY_B)
            f->refused_message = "a B result is rated once its commitment date has passed";
        return STORE_EINVALID;
    }
    suggestion_state_t from = s->state;
    s->state = (suggestion_state_t)next;
    int rc = apply(f, db, s, next, now);
    if (rc != STORE_OK)
        return rc;
    if (!suggestion_state_open(s->state))
        s->closed_at = now;
    s->updated_at = now;
    store_suggestion_event_t e = {.suggestion_id = s->id,
                                  .at = now,
                                  .actor_id = f->who.actor_id,
                                  .actor = f->who.actor,
                                  .action = suggestion_action_name(f->action),
                                  .from_state = suggestion_state_name(from),
                                  .to_state = suggestion_state_name(s->state),
                                  .note = f->action == SUGGESTION_EVALUATE || f->action == SUGGESTION_RATE_RESULT
                                              ? suggestion_rating_name(f->rating)
                                          : f->text ? f->text
                                                    : ""};
    rc = store_suggestion_save(db, s);
    if (rc == STORE_OK)
        rc = store_suggestion_event_add(db, &e);
    return rc;
}

typedef struct {
    store_t *db;
    int64_t congress_id;
    char names[192]; /* "name (id), ..." of those who do not sit in it */
    int n, left_out;
    int rc;
} seat_check_t;

static int check_seat(const store_cosigner_t *c, void *arg)
{
    seat_check_t *k = arg;
    bool sits = false;
    k->rc = store_suggestion_deputy_sits(k->db, c->deputy_id, k->congress_id, &sits);
    if (k->rc != STORE_OK)
        return 1;
    if (sits)
        return 0;
    char one[96];
    int len =
        snprintf(one, sizeof(one), "%s%s (%lld)", k->n ? ", " : "", c->name ? c->name : "", (long long)c->deputy_id);
    size_t used = strlen(k->names);
    if (len > 0 && len < (int)sizeof(one) && used + (size_t)len < sizeof(k->names))
        memcpy(k->names + used, one, (size_t)len + 1); /* whole names only: never a cut character */
    else
        k->left_out++;
    k->n++;
    return 0;
}

/* SPEC §5: a draft moved to another congress keeps only co-signers who sit in it; those who do
 * not are named, unless the same edit gives a new list (read_draft checked that one). */
static int check_cosigners_sit(suggestion_write_t *f, store_t *db, const store_suggestion_t *s)
{
    if (f->op != SUGGESTION_OP_EDIT || !f->has_congress || f->ncosigners >= 0)
        return STORE_OK;
    seat_check_t k = {.db = db, .congress_id = f->draft.congress_id, .rc = STORE_OK};
    int rc = store_suggestion_cosigners_each(db, s->id, check_seat, &k);
    if (rc == STORE_OK)
        rc = k.rc;
    if (rc != STORE_OK || k.n == 0)
        return rc;
    char message[sizeof(f->problem)], more[32] = "";
    if (k.left_out)
        snprintf(more, sizeof(more), " and %d more", k.left_out);
    snprintf(message, sizeof(message),
             "co-signers who do not sit in the new congress: %s%s; give cosigners from it or leave them out", k.names,
             more);
    return problem(f, "cosigners", message);
}

/* create and edit: the fields given replace the draft's */
static int write_draft(suggestion_write_t *f, store_t *db, store_suggestion_t *s, int64_t now)
{
    store_suggestion_t *d = &f->draft;
    int rc = check_cosigners_sit(f, db, s);
    if (rc != STORE_OK)
        return rc;
    if (f->has_title) {
        free(s->title);
        s->title = strdup(d->title);
    }
    if (f->has_content) {
        free(s->content);
        s->content = strdup(d->content);
    }
    if (f->has_category)
        s->category_id = d->category_id;
    if (f->has_congress) {
        s->congress_id = d->congress_id;
        snprintf(s->region, sizeof(s->region), "%s", d->region);
    }
    if (f->has_session)
        snprintf(s->session, sizeof(s->session), "%s", d->session);
    if (f->has_consent)
        s->consent_deputy = d->consent_deputy;
    s->updated_at = now;
    rc = f->op == SUGGESTION_OP_CREATE ? store_suggestion_insert(db, s, &s->id) : store_suggestion_save(db, s);
    if (rc == STORE_OK && f->op == SUGGESTION_OP_CREATE)
        rc = store_suggestion_save(db, s); /* category, consent and the rest in one place */
    if (rc == STORE_OK && f->ncosigners >= 0)
        rc = store_suggestion_set_cosigners(db, s->id, f->cosigners, f->ncosigners, now);
    if (rc == STORE_OK && f->nopinions >= 0)
        rc = store_suggestion_set_opinions(db, s->id, f->opinions, f->nopinions);
    store_suggestion_event_t e = {.suggestion_id = s->id,
                                  .at = now,
                                  .actor_id = f->who.actor_id,
                                  .actor = f->who.actor,
                                  .action = f->op == SUGGESTION_OP_CREATE ? "create" : "edit",
                                  .from_state = f->op == SUGGESTION_OP_CREATE ? NULL : "draft",
                                  .to_state = suggestion_state_name(s->state),
                                  .note = ""};
    if (f->op == SUGGESTION_OP_EDIT)
        e.from_state = e.to_state;
    if (rc == STORE_OK)
        rc = store_suggestion_event_add(db, &e);
    f->id = s->id;
    return rc;
}

/* The write, as of now: inside the writer for a request, inside the caller's transaction else. */
static int flow_at(suggestion_write_t *f, store_t *db, int64_t now)
{
    store_suggestion_t s = {0};
    int rc;
    if (f->op == SUGGESTION_OP_CREATE) {
        s.deputy_id = f->actor_deputy_id;
        s.state = SUGGESTION_DRAFT;
        s.created_at = now;
        snprintf(s.region, sizeof(s.region), "%s", f->draft.region);
        snprintf(s.session, sizeof(s.session), "%s", "recess");
        s.title = strdup("");
        s.content = strdup("");
        rc = write_draft(f, db, &s, now);
    } else {
        rc = store_suggestion_get(db, f->id, &s);
        if (rc == STORE_OK && (f->op == SUGGESTION_OP_EDIT || f->op == SUGGESTION_OP_FILE)) {
            if (suggestion_next(s.state, SUGGESTION_EDIT, NULL) < 0) {
                f->refused_state = suggestion_state_name(s.state);
                rc = STORE_EINVALID;
            }
        }
        if (rc == STORE_OK && f->op == SUGGESTION_OP_EDIT)
            rc = write_draft(f, db, &s, now);
        if (rc == STORE_OK && f->op == SUGGESTION_OP_FILE) {
            store_suggestion_file_t file = {.suggestion_id = s.id,
                                            .bytes = (int64_t)f->len,
                                            .created_at = now,
                                            .name = f->file_name,
                                            .mime = f->mime,
                                            .data = f->data};
            rc = store_suggestion_file_add(db, &file, &f->made_id);
        }
        if (rc == STORE_OK && f->op == SUGGESTION_OP_STEP)
            rc = step(f, db, &s, now);
    }
    if (rc == STORE_OK) {
        char what[48];
        snprintf(what, sizeof(what), "suggestion.%s",
                 f->op == SUGGESTION_OP_CREATE ? "create"
                 : f->op == SUGGESTION_OP_EDIT ? "edit"
                 : f->op == SUGGESTION_OP_FILE ? "attach"
                                               : suggestion_action_name(f->action));
        rc = api_audit(db, &f->who, what, "suggestion", s.id, s.region, suggestion_state_name(s.state));
    }
    store_suggestion_free(&s);
    return rc;
}

static int flow_run(http_write_t *w, store_t *db)
{
    return flow_at((suggestion_write_t *)w, db, time(NULL));
}

static void flow_free(suggestion_write_t *f)
{
    store_suggestion_free(&f->draft);
    STORE_FREE_TEXTS(&f->text, &f->reason, &f->signed_by, &f->comment);
    free(f->data);
    f->data = NULL;
}

static void flow_respond(http_write_t *w, http_req_t *r, int status)
{
    suggestion_write_t *f = (suggestion_write_t *)w;
    if (r == NULL) {
    } else if (status == STORE_EINVALID && f->problem_field) {
        http_reply_error(r, 422, "invalid", f->problem, f->problem_field);
    } else if (status == STORE_EINVALID && f->refused_state) {
        api_suggestion_refuse(r, f->refused_state, f->refused_message);
    } else if (status == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such suggestion", NULL);
    } else if (status != STORE_OK) {
        http_reply_internal(r, "cannot record a step of a suggestion");
    } else if (f->op == SUGGESTION_OP_FILE) {
        http_reply_json(r, 201,
                        json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)f->made_id, "name", f->file_name, "mime",
                                  f->mime, "bytes", (json_int_t)f->len));
    } else {
        api_suggestion_reply(r, f->id, f->op == SUGGESTION_OP_CREATE || f->action == SUGGESTION_CONTACT ? 201 : 200);
    }
    flow_free(f);
}

suggestion_write_t *api_suggestion_flow_new(http_req_t *r, suggestion_op_t op, int64_t id)
{
    suggestion_write_t *f = http_write_new(r, sizeof(*f));
    const config_t *cfg = http_config(r);
    api_who(r, &f->who);
    f->op = op;
    f->id = id;
    f->ncosigners = f->nopinions = -1;
    f->consent = -1;
    f->actor_deputy_id = http_actor(r)->deputy_id;
    f->actor_unit_id = http_actor(r)->unit_id;
    f->months = cfg->suggestion_months;
    f->key_months = cfg->key_suggestion_months;
    f->redo_months = cfg->suggestion_redo_months;
    f->contest_days = cfg->suggestion_contest_days;
    f->super.run = flow_run;
    f->super.respond = flow_respond;
    return f;
}

int api_suggestion_flow_submit(http_req_t *r, suggestion_write_t *f, bool refused)
{
    if (refused) {
        flow_free(f);
        free(f);
    } else {
        http_write(r, &f->super);
    }
    return 0;
}

/* ---- the ticker's near-deadline notice ---- */

typedef struct {
    int64_t ids[200], units[200];
    int n;
} near_list_t;

static int collect_near(const store_suggestion_t *s, void *arg)
{
    near_list_t *l = arg;
    if (l->n < 200) {
        l->ids[l->n] = s->id;
        l->units[l->n++] = s->lead_unit_id;
    }
    return 0;
}

int api_suggestion_remind_near(store_t *db, int64_t now)
{
    int64_t until;
    near_list_t near = {.n = 0};
    int rc = api_suggestion_warn_until(db, now, &until);
    if (rc == STORE_OK)
        rc = store_suggestions_near_unannounced(db, now, until, collect_near, &near);
    for (int i = 0; rc == STORE_OK && i < near.n; i++) {
        store_suggestion_t s;
        rc = store_suggestion_get(db, near.ids[i], &s);
        if (rc == STORE_OK && near.units[i])
            rc = notify(db, "suggestion.near_deadline", "unit", near.units[i], &s, now);
        if (rc == STORE_OK)
            rc = store_suggestion_mark_near(db, near.ids[i]);
        store_suggestion_free(&s);
    }
    return rc;
}

/* ---- steps taken outside a request (the demo) ---- */

static void system_flow(suggestion_write_t *f, const api_suggestion_step_args_t *a)
{
    snprintf(f->who.actor, sizeof(f->who.actor), "%s", a && a->actor ? a->actor : "system");
    f->ncosigners = f->nopinions = -1;
    f->consent = a && a->consent ? 1 : -1;
    f->months = 3, f->key_months = 2, f->redo_months = 1, f->contest_days = 5;
}

int api_suggestion_system_create(store_t *db, const api_suggestion_draft_args_t *a, int64_t now, int64_t *id)
{
    suggestion_write_t f = {.op = SUGGESTION_OP_CREATE, .actor_deputy_id = a->deputy_id};
    system_flow(&f, NULL);
    snprintf(f.who.actor, sizeof(f.who.actor), "%s", a->actor);
    f.draft.title = strdup(a->title);
    f.draft.content = strdup(a->content);
    f.draft.congress_id = a->congress_id;
    f.draft.consent_deputy = a->consent;
    snprintf(f.draft.region, sizeof(f.draft.region), "%s", a->region);
    snprintf(f.draft.session, sizeof(f.draft.session), "%s", a->session);
    f.has_title = f.has_content = f.has_congress = f.has_session = f.has_consent = true;
    int rc = f.draft.title && f.draft.content ? flow_at(&f, db, now) : STORE_ERR;
    *id = f.id;
    store_suggestion_free(&f.draft);
    return rc;
}

int api_suggestion_system_step(store_t *db, int64_t id, suggestion_action_t action, const api_suggestion_step_args_t *a,
                               int64_t now)
{
    suggestion_write_t f = {.op = SUGGESTION_OP_STEP,
                            .action = action,
                            .id = id,
                            .actor_unit_id = a->unit_id,
                            .rating = a->rating,
                            .category = a->category,
                            .commitment_at = a->commitment_at,
                            .lead_unit = a->lead_unit_id,
                            .nco_units = a->co_unit_id ? 1 : 0,
                            .co_units = {a->co_unit_id},
                            .text = (char *)a->text,
                            .signed_by = (char *)a->signed_by};
    system_flow(&f, a);
    snprintf(f.reply_type, sizeof(f.reply_type), "%s", a->type ? a->type : "");
    char role[8];
    int rc = a->unit_id ? store_assignment_of(db, id, a->unit_id, &f.rel.assignment_id, role) : STORE_OK;
    return rc ? rc : flow_at(&f, db, now);
}
