/*
 * annual_reports: a deputy's annual report to voters (述职报告, SPEC §6) - a draft written from the
 * year's records (domain/annual_report.h), edited by the deputy (or the staff of their region),
 * published on their public page, and rated there by constituents, once per phone.
 *
 * Scope: the policy's report.write rows name who may keep a deputy's reports - the deputy
 * themself, the office and the station staff of the deputy's region. A draft is theirs alone: to
 * anybody else it does not exist (404), while a published report is anyone's to read and rate.
 * The draft is written inside the writer's transaction, from the figures as they stand there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/vault.h"
#include "core/calendar.h"
#include "domain/opinion.h"
#include "store/annual_reports.h"
#include "store/registry.h"

enum {
    TITLE_MAX = 200,
    BODY_MAX = 20000,
    COMMENT_MAX = 500,
};

/* What a report (or a deputy's reports) offers the policy. */
static policy_target_t report_target(const char *region, int64_t deputy_id)
{
    return (policy_target_t){.region = region, .deputy_id = deputy_id};
}

static bool may_write(http_req_t *r, const char *region, int64_t deputy_id)
{
    policy_target_t t = report_target(region, deputy_id);
    return policy_check(http_actor(r), "report.write", &t) == POLICY_ALLOW;
}

static json_t *ratings_json(const store_annual_report_t *a)
{
    json_t *j = json_object();
    for (int i = 0; i < REPORT_RATINGS; i++)
        json_object_set_new(j, store_report_ratings[i], json_integer(a->ratings[i]));
    return j;
}

static json_t *published_at(const store_annual_report_t *a)
{
    return a->published_at ? json_integer(a->published_at) : json_null();
}

/* The list entry. */
static json_t *summary_json(const store_annual_report_t *a)
{
    return json_pack("{s:I, s:i, s:s, s:s, s:o, s:o}", "id", (json_int_t)a->id, "year", a->year, "title", a->title,
                     "state", a->state, "published_at", published_at(a), "ratings", ratings_json(a));
}

static json_t *report_json(http_req_t *r, const store_annual_report_t *a)
{
    return json_pack("{s:I, s:{s:I, s:s}, s:s, s:i, s:s, s:s, s:s, s:I, s:o, s:I, s:o, s:b}", "id", (json_int_t)a->id,
                     "deputy", "id", (json_int_t)a->deputy_id, "name", a->deputy_name, "region", a->region, "year",
                     a->year, "title", a->title, "body", a->body, "state", a->state, "generated_at",
                     (json_int_t)a->generated_at, "published_at", published_at(a), "updated_at",
                     (json_int_t)a->updated_at, "ratings", ratings_json(a), "editable",
                     strcmp(a->state, "draft") == 0 && may_write(r, a->region, a->deputy_id));
}

/* Answers status with j, or 500 when building it failed (j NULL). */
static void reply_built(http_req_t *r, int status, json_t *j)
{
    if (j)
        http_reply_json(r, status, j);
    else
        http_reply_internal(r, "cannot read an annual report");
}

/* Answers status with the report id as read now: whole, or (ratings_only) its ratings. */
static void reply_report(http_req_t *r, int status, int64_t id, bool ratings_only)
{
    store_annual_report_t a;
    json_t *j = NULL;
    if (store_annual_report_get(http_reader(r), id, &a) == STORE_OK) {
        j = ratings_only ? json_pack("{s:I, s:o}", "report_id", (json_int_t)id, "ratings", ratings_json(&a))
                         : report_json(r, &a);
        store_annual_report_free(&a);
    }
    reply_built(r, status, j);
}

/* The report of the route's :id as the actor may see it: a published one anybody, a draft only
 * who may write it; otherwise answers 404 and returns false. The caller frees a. */
static bool load_report(http_req_t *r, store_annual_report_t *a)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return false;
    int rc = store_annual_report_get(http_reader(r), id, a);
    if (rc != STORE_OK && rc != STORE_ENOTFOUND) {
        http_reply_internal(r, "cannot read an annual report");
        return false;
    }
    if (rc == STORE_OK && (strcmp(a->state, "published") == 0 || may_write(r, a->region, a->deputy_id)))
        return true;
    if (rc == STORE_OK)
        store_annual_report_free(a);
    http_reply_error(r, 404, "not_found", "no such annual report", NULL);
    return false;
}

/* The live deputy of the route's :id into *id and region; false after answering 404. */
static bool load_deputy(http_req_t *r, int64_t *id, char region[13])
{
    *id = api_param_id(r, 0);
    if (*id == 0)
        return false;
    int rc = store_registry_region(http_reader(r), registry_entity("deputy"), *id, region);
    if (rc == STORE_OK)
        return true;
    if (rc == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "no such deputy", NULL);
    else
        http_reply_internal(r, "cannot read a deputy");
    return false;
}

int api_annual_reports_get(http_req_t *r)
{
    store_annual_report_t a;
    if (!load_report(r, &a))
        return 0;
    json_t *j = report_json(r, &a);
    store_annual_report_free(&a);
    reply_built(r, 200, j);
    return 0;
}

typedef struct {
    json_t *items;
    bool failed;
} list_walk_t;

static int list_item(const store_annual_report_t *a, void *arg)
{
    list_walk_t *w = arg;
    json_t *j = summary_json(a);
    w->failed = j == NULL;
    return j ? json_array_append_new(w->items, j) : 1;
}

/* GET /api/v1/deputies/:id/annual-reports: the published ones; drafts too for who may write them. */
int api_annual_reports_list(http_req_t *r)
{
    int64_t deputy;
    char region[13];
    if (!load_deputy(r, &deputy, region))
        return 0;
    list_walk_t w = {json_array(), false};
    if (store_annual_reports_each(http_reader(r), deputy, may_write(r, region, deputy), list_item, &w) != STORE_OK ||
        w.failed) {
        json_decref(w.items);
        http_reply_internal(r, "cannot list annual reports");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", w.items));
    return 0;
}

/* ---- writing ---------------------------------------------------------------------------------- */

typedef enum { REPORT_GENERATE, REPORT_EDIT, REPORT_PUBLISH, REPORT_UNPUBLISH, REPORT_RATE } report_op_t;

typedef struct {
    http_write_t super;
    api_who_t who;
    report_op_t op;
    int64_t id;                          /* the report; 0 until a generated one is made */
    int64_t deputy_id;                   /* generate */
    int year;                            /* generate */
    char *title, *body;                  /* edit: NULL unchanged; owned */
    char phone_hash[VAULT_HASH_HEX + 1]; /* rate */
    char rating[16];
    char *comment; /* owned */
    /* what the writer found */
    int status; /* the success status, or an error status with code */
    const char *code;
    char message[96];
} report_write_t;

static int refuse(report_write_t *w, int status, const char *code, const char *message)
{
    w->status = status;
    w->code = code;
    snprintf(w->message, sizeof(w->message), "%s", message);
    return STORE_EINVALID;
}

/* Puts the text given (when there is one) in place of *kept; the text replaced goes to *given,
 * whose owner frees it. */
static void replace_text(char **kept, char **given)
{
    if (*given == NULL)
        return;
    char *old = *kept;
    *kept = *given;
    *given = old;
}

/* Writes the draft of the deputy's year: a new report, or the same draft written anew. */
static int generate(report_write_t *w, store_t *db, int64_t now)
{
    store_annual_figures_t fig;
    int rc = store_annual_figures(db, w->deputy_id, w->year, &fig);
    buf_t text;
    buf_init(&text);
    char *title = NULL, *body = NULL;
    if (rc == STORE_OK) {
        annual_report_title(fig.f.deputy_name, w->year, &text);
        title = buf_detach(&text, NULL);
        annual_report_draft(&fig.f, &text);
        body = buf_detach(&text, NULL);
    }
    store_annual_figures_free(&fig);
    store_annual_report_t a = {0};
    if (rc == STORE_OK)
        rc = store_annual_report_find(db, w->deputy_id, w->year, &a);
    if (rc == STORE_ENOTFOUND && title) {
        a = (store_annual_report_t){
            .deputy_id = w->deputy_id, .year = w->year, .title = title, .body = body, .updated_by = w->who.actor_id};
        rc = store_annual_report_insert(db, &a, now, &w->id);
        w->status = 201;
        a = (store_annual_report_t){0};
    } else if (rc == STORE_OK && strcmp(a.state, "draft") != 0) {
        rc = refuse(w, 409, "published", "the report of this year is published: unpublish it to write it anew");
    } else if (rc == STORE_OK) {
        replace_text(&a.title, &title);
        replace_text(&a.body, &body);
        a.generated_at = now;
        a.updated_by = w->who.actor_id;
        w->id = a.id;
        rc = store_annual_report_save(db, &a, now);
    }
    store_annual_report_free(&a);
    free(title);
    free(body);
    return rc;
}

/* Applies an edit, a publication or its withdrawal to a, as read inside the transaction. */
static int change(report_write_t *w, store_annual_report_t *a, int64_t now)
{
    bool draft = strcmp(a->state, "draft") == 0;
    switch (w->op) {
    case REPORT_EDIT:
        if (!draft)
            return refuse(w, 409, "published", "a published report cannot be changed: unpublish it first");
        replace_text(&a->title, &w->title);
        replace_text(&a->body, &w->body);
        break;
    case REPORT_PUBLISH:
        if (!draft)
            return refuse(w, 409, "illegal_transition", "not allowed while it is published");
        snprintf(a->state, sizeof(a->state), "%s", "published");
        a->published_at = now;
        break;
    case REPORT_UNPUBLISH:
        if (draft)
            return refuse(w, 409, "illegal_transition", "not allowed while it is draft");
        snprintf(a->state, sizeof(a->state), "%s", "draft");
        a->published_at = 0;
        break;
    default: return STORE_ERR;
    }
    a->updated_by = w->who.actor_id;
    return STORE_OK;
}

static int report_run(http_write_t *hw, store_t *db)
{
    report_write_t *w = (report_write_t *)hw;
    static const char *const actions[] = {"report.generate", "report.update", "report.publish", "report.unpublish",
                                          "report.rate"};
    int64_t now = time(NULL);
    int rc;
    if (w->op == REPORT_GENERATE) {
        rc = generate(w, db, now);
    } else {
        store_annual_report_t a;
        rc = store_annual_report_get(db, w->id, &a);
        if (rc != STORE_OK)
            return rc;
        if (w->op == REPORT_RATE) {
            /* withdrawn meanwhile: gone for the public */
            rc = strcmp(a.state, "published") != 0
                     ? STORE_ENOTFOUND
                     : store_report_rating_add(db, a.id, w->phone_hash, w->rating, w->comment, now);
            if (rc == STORE_ECONSTRAINT)
                rc = refuse(w, 409, "already_rated", "this phone has rated the report already");
            store_annual_report_free(&a);
            return rc; /* ratings are the public's: no audit entry, no phone anywhere but its hash */
        }
        rc = change(w, &a, now);
        if (rc == STORE_OK)
            rc = store_annual_report_save(db, &a, now);
        store_annual_report_free(&a);
    }
    store_annual_report_t a;
    if (rc == STORE_OK && (rc = store_annual_report_get(db, w->id, &a)) == STORE_OK) {
        rc = api_audit(db, &w->who, actions[w->op], "annual_report", a.id, a.region, a.title);
        store_annual_report_free(&a);
    }
    return rc;
}

static void report_respond(http_write_t *hw, http_req_t *r, int status)
{
    report_write_t *w = (report_write_t *)hw;
    if (r == NULL) {
        /* the client has gone */
    } else if (w->code) {
        http_reply_error(r, w->status, w->code, w->message, NULL);
    } else if (status == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", w->op == REPORT_GENERATE ? "no such deputy" : "no such annual report",
                         NULL);
    } else if (status != STORE_OK) {
        http_reply_internal(r, "cannot change an annual report");
    } else if (w->op == REPORT_RATE) {
        reply_report(r, 201, w->id, true);
    } else {
        reply_report(r, w->status ? w->status : 200, w->id, false);
    }
    free(w->title);
    free(w->body);
    free(w->comment);
}

static void submit(http_req_t *r, report_write_t *w)
{
    api_who(r, &w->who);
    w->super.run = report_run;
    w->super.respond = report_respond;
    http_write(r, &w->super);
}

/* A write of op on report id (0: none yet). */
static report_write_t *report_write_new(http_req_t *r, report_op_t op, int64_t id)
{
    report_write_t *w = http_write_new(r, sizeof(*w));
    w->op = op;
    w->id = id;
    return w;
}

/* Hands w to the writer once its body has been read well; else drops it (the 422 is sent). */
static int submit_read(http_req_t *r, report_write_t *w, api_input_t *in)
{
    json_decref(in->body);
    if (!in->failed) {
        submit(r, w);
        return 0;
    }
    free(w->title);
    free(w->body);
    free(w->comment);
    free(w);
    return 0;
}

/* The year of a report: from 2000 to this year in Beijing. */
static int read_year(api_input_t *in)
{
    json_t *v = json_object_get(in->body, "year");
    int this_year = 0;
    calendar_day_to_ymd(calendar_day_of(time(NULL)), &this_year, NULL, NULL);
    if (in->failed)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 2000 || json_integer_value(v) > this_year) {
        char msg[96];
        snprintf(msg, sizeof(msg), "year must be a year from 2000 to %d", this_year);
        api_invalid(in, "year", msg);
        return 0;
    }
    return (int)json_integer_value(v);
}

/* POST /api/v1/deputies/:id/annual-reports {year} */
int api_annual_reports_generate(http_req_t *r)
{
    int64_t deputy;
    char region[13];
    if (!load_deputy(r, &deputy, region))
        return 0;
    policy_target_t t = report_target(region, deputy);
    if (!http_authorize(r, &t, true))
        return 0;
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    report_write_t *w = report_write_new(r, REPORT_GENERATE, 0);
    api_input_t in = {r, body, false};
    api_only(&in, (const char *const[]){"year", NULL});
    w->year = read_year(&in);
    w->deputy_id = deputy;
    return submit_read(r, w, &in);
}

static char *dup_text(api_input_t *in, const char *field, size_t min, size_t max)
{
    const char *text = api_text(in, field, min, max, false);
    return !in->failed && text ? strdup(text) : NULL;
}

/* A step on the report of the route's :id by who may write it (404 for anyone else). */
static int report_step(http_req_t *r, report_op_t op)
{
    store_annual_report_t a;
    if (!load_report(r, &a))
        return 0;
    policy_target_t t = report_target(a.region, a.deputy_id);
    int64_t id = a.id;
    bool allowed = http_authorize(r, &t, true);
    store_annual_report_free(&a);
    json_t *body = allowed ? (r->h->entity.len || op == REPORT_EDIT ? http_json_body(r) : json_object()) : NULL;
    if (body == NULL)
        return 0;
    report_write_t *w = report_write_new(r, op, id);
    api_input_t in = {r, body, false};
    if (op == REPORT_EDIT) {
        api_only(&in, (const char *const[]){"title", "body", NULL});
        w->title = dup_text(&in, "title", 1, TITLE_MAX);
        w->body = dup_text(&in, "body", 1, BODY_MAX);
    } else {
        api_only(&in, (const char *const[]){NULL});
    }
    return submit_read(r, w, &in);
}

int api_annual_reports_update(http_req_t *r)
{
    return report_step(r, REPORT_EDIT);
}

int api_annual_reports_publish(http_req_t *r)
{
    return report_step(r, REPORT_PUBLISH);
}

int api_annual_reports_unpublish(http_req_t *r)
{
    return report_step(r, REPORT_UNPUBLISH);
}

/* POST /api/v1/annual-reports/:id/ratings {phone, rating, comment?}: the public's 评议, once per
 * phone; limited per address like the other public forms. */
int api_annual_reports_rate(http_req_t *r)
{
    const config_t *cfg = http_config(r);
    if (r->session == NULL && api_rate_limited(r, "form", cfg->form_per_minute, 60,
                                               "too many ratings from this address; try again in a minute"))
        return 0;
    store_annual_report_t a;
    if (!load_report(r, &a))
        return 0;
    int64_t id = a.id;
    bool published = strcmp(a.state, "published") == 0;
    store_annual_report_free(&a);
    if (!published) { /* a draft is rated by nobody, not even by who writes it */
        http_reply_error(r, 404, "not_found", "no such annual report", NULL);
        return 0;
    }
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    report_write_t *w = report_write_new(r, REPORT_RATE, id);
    api_input_t in = {r, body, false};
    api_only(&in, (const char *const[]){"phone", "rating", "comment", NULL});
    const char *phone = api_text(&in, "phone", 1, 20, true);
    char digits[16];
    if (!in.failed && !opinion_phone_valid(phone, digits))
        api_invalid(&in, "phone", "phone must be a mobile number (11 digits) or a landline with its area code");
    const char *rating = api_text(&in, "rating", 1, 15, true);
    if (!in.failed && strcmp(rating, store_report_ratings[REPORT_SATISFIED]) != 0 &&
        strcmp(rating, store_report_ratings[REPORT_BASIC]) != 0 &&
        strcmp(rating, store_report_ratings[REPORT_UNSATISFIED]) != 0)
        api_invalid(&in, "rating", "rating must be satisfied, basic or unsatisfied");
    w->comment = dup_text(&in, "comment", 0, COMMENT_MAX);
    if (!in.failed) {
        vault_lookup_hash(http_vault(r), digits, strlen(digits), w->phone_hash);
        snprintf(w->rating, sizeof(w->rating), "%s", rating);
    }
    return submit_read(r, w, &in);
}
