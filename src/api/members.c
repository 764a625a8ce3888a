/*
 * members: standing-committee members and the deputies they keep in touch with (常委会组成人员
 * 联系代表, SPEC §6) - the office links each member to deputies (4 to 7; outside that range the
 * office is warned, not stopped), and a member sees a dashboard of their deputies and keeps a
 * log of their contacts with them.
 *
 * Scope: linking is the office's, for members and deputies inside its region subtree; the
 * dashboard and the log are the member's own (RULE_SELF on their account). The dashboard's
 * figures are those of the score board and the obligations board (store/scores.h), computed on
 * read from the confirmed duty records, so the three never disagree.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/calendar.h"
#include "domain/duty.h"
#include "domain/region.h"
#include "store/duties.h"
#include "store/members.h"
#include "store/registry.h"
#include "store/scores.h"

enum {
    LINKS_MIN = 4, /* the deputies a member should keep in touch with */
    LINKS_MAX = 7,
    LINKS_LIMIT = 50, /* the most one PUT may name */
    NOTE_MAX = 1000,
    PAGE_DEFAULT = 50,
    PAGE_MAX = 200,
};

static const char *const channels[] = {"visit", "phone", "meeting", "online", "other", NULL};

/* null, "too_few" or "too_many" for a member with count deputies. */
static json_t *links_warning(size_t count)
{
    return count < LINKS_MIN ? json_string("too_few") : count > LINKS_MAX ? json_string("too_many") : json_null();
}

static int add_deputy(const store_member_deputy_t *d, void *arg)
{
    return json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)d->id, "name", d->name));
}

/* {id, user:{id, display_name}, deputies:[{id, name}], count, warning}; NULL on a read error. */
static json_t *member_json(store_t *db, int64_t user_id, const char *display_name)
{
    json_t *deputies = json_array();
    if (store_member_deputies_each(db, user_id, add_deputy, deputies) != STORE_OK) {
        json_decref(deputies);
        return NULL;
    }
    size_t n = json_array_size(deputies);
    return json_pack("{s:I, s:{s:I, s:s}, s:o, s:I, s:o}", "id", (json_int_t)user_id, "user", "id", (json_int_t)user_id,
                     "display_name", display_name, "deputies", deputies, "count", (json_int_t)n, "warning",
                     links_warning(n));
}

/* A list read from the store into JSON items; failed when an item could not be built. */
typedef struct {
    store_t *db;
    json_t *items;
    bool failed;
} list_walk_t;

static int add_item(list_walk_t *w, json_t *j)
{
    w->failed = j == NULL;
    return j ? json_array_append_new(w->items, j) : 1;
}

/* Answers the page of the walk after the store's rc, or 500 naming what could not be listed. */
static void reply_list(http_req_t *r, int rc, list_walk_t *w, long limit, const char *what)
{
    if (rc == STORE_OK && !w->failed) {
        api_reply_page(r, w->items, limit);
        return;
    }
    json_decref(w->items);
    http_reply_internal(r, what);
}

static int list_member(int64_t user_id, const char *display_name, const char *region, void *arg)
{
    (void)region;
    list_walk_t *w = arg;
    return add_item(w, member_json(w->db, user_id, display_name));
}

/* GET /api/v1/members?region=&after=&limit= (the office) */
int api_members_list(http_req_t *r)
{
    char lo[13], hi[14];
    long after = api_query_long(r, "after", 0, 0, LONG_MAX);
    long limit = after < 0 ? -1 : api_query_long(r, "limit", PAGE_DEFAULT, 1, PAGE_MAX);
    if (limit < 0 || !api_scope_region(r, lo, hi))
        return 0;
    list_walk_t w = {http_reader(r), json_array(), false};
    reply_list(r, store_members_each(w.db, lo, hi, after, (int)limit + 1, list_member, &w), &w, limit,
               "cannot list members");
    return 0;
}

/* ---- linking ---------------------------------------------------------------------------------- */

typedef struct {
    http_write_t super;
    api_who_t who;
    int64_t user_id;
    char region[13];
    int64_t ids[LINKS_LIMIT];
    size_t n;
    char detail[64];
} link_write_t;

static int link_run(http_write_t *hw, store_t *db)
{
    link_write_t *w = (link_write_t *)hw;
    int rc = store_member_deputies_set(db, w->user_id, w->ids, w->n, time(NULL));
    snprintf(w->detail, sizeof(w->detail), "%zu deputies", w->n);
    return rc ? rc : api_audit(db, &w->who, "member.link", "user", w->user_id, w->region, w->detail);
}

static void link_respond(http_write_t *hw, http_req_t *r, int status)
{
    link_write_t *w = (link_write_t *)hw;
    store_user_t u;
    json_t *j = NULL;
    if (r == NULL)
        return;
    if (status == STORE_OK && store_user_by_id(http_reader(r), w->user_id, &u) == STORE_OK)
        j = member_json(http_reader(r), u.id, u.display_name);
    if (j)
        http_reply_json(r, 200, j);
    else
        http_reply_internal(r, "cannot link a member to deputies");
}

/* deputies: [ids] of live deputies inside the office's scope, each once, into w. */
static void read_links(http_req_t *r, api_input_t *in, link_write_t *w)
{
    json_t *list = json_object_get(in->body, "deputies");
    if (!json_is_array(list) || json_array_size(list) > LINKS_LIMIT) {
        api_invalid(in, "deputies", "deputies must be a list of at most 50 deputy ids");
        return;
    }
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
        char region[13], msg[96];
        int rc =
            id > 0 ? store_registry_region(http_reader(r), registry_entity("deputy"), id, region) : STORE_ENOTFOUND;
        policy_target_t t = {.region = region};
        for (size_t k = 0; rc == STORE_OK && k < w->n; k++)
            if (w->ids[k] == id)
                rc = STORE_ECONSTRAINT;
        if (rc == STORE_OK && policy_check(http_actor(r), "member.manage", &t) != POLICY_ALLOW)
            rc = STORE_ENOTFOUND; /* a deputy outside the office's region is none of theirs */
        if (rc == STORE_OK) {
            w->ids[w->n++] = id;
            continue;
        }
        if (rc == STORE_ECONSTRAINT)
            snprintf(msg, sizeof(msg), "deputies names deputy %lld twice", (long long)id);
        else if (rc == STORE_ENOTFOUND)
            snprintf(msg, sizeof(msg), "deputies[%zu] names no deputy of your region", i);
        if (rc == STORE_ECONSTRAINT || rc == STORE_ENOTFOUND) {
            api_invalid(in, "deputies", msg);
        } else {
            in->failed = true;
            http_reply_internal(r, "cannot read a deputy");
        }
        return;
    }
}

/* PUT /api/v1/members/:id/deputies {deputies:[ids]} (the office): saved whatever the count, with
 * a warning outside 4..7. */
int api_members_link(http_req_t *r)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return 0;
    store_user_t u;
    int rc = store_user_by_id(http_reader(r), id, &u);
    if (rc != STORE_OK && rc != STORE_ENOTFOUND) {
        http_reply_internal(r, "cannot read an account");
        return 0;
    }
    if (rc == STORE_ENOTFOUND || strcmp(u.role, "member") != 0) {
        http_reply_error(r, 404, "not_found", "no such member", NULL);
        return 0;
    }
    policy_target_t t = {.region = u.region};
    if (!http_authorize(r, &t, true))
        return 0;
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    link_write_t *w = http_write_new(r, sizeof(*w));
    w->user_id = id;
    snprintf(w->region, sizeof(w->region), "%s", u.region);
    api_input_t in = {r, body, false};
    api_only(&in, (const char *const[]){"deputies", NULL});
    read_links(r, &in, w);
    json_decref(body);
    if (in.failed) {
        free(w);
        return 0;
    }
    api_who(r, &w->who);
    w->super.run = link_run;
    w->super.respond = link_respond;
    http_write(r, &w->super);
    return 0;
}

/* ---- the member's own ------------------------------------------------------------------------- */

/* The member behind the request, to the policy's RULE_SELF; false after answering. */
static bool own_account(http_req_t *r)
{
    policy_target_t t = {.user_id = http_actor(r)->user_id};
    return http_authorize(r, &t, false);
}

/* The obligations (三个一) a deputy is behind in, in year as of today: the codes of their rules
 * into behind (the obligations board, GET /api/v1/obligations, says which periods). */
typedef struct {
    int64_t deputy_id;
    int year, today_year, today_month;
    const store_obligation_rule_t *rules;
    int nrules;
    json_t *behind;
} behind_walk_t;

static int deputy_behind(const store_duty_subject_t *s, void *arg)
{
    behind_walk_t *w = arg;
    if (s->id != w->deputy_id)
        return 0;
    for (int i = 0; i < w->nrules; i++) {
        const store_obligation_rule_t *rule = &w->rules[i];
        duty_period_t period = DUTY_MONTH;
        if (!rule->active || strcmp(rule->subject, "deputy") != 0 || duty_period_parse(rule->period, &period) != 0)
            continue;
        /* what the deputy did of the rule's kinds, period by period */
        int64_t done[DUTY_PERIODS_MAX] = {0};
        for (int k = 0; k < DUTY_KINDS; k++) {
            const char *at = strstr(rule->kinds, duty_kinds[k]);
            size_t len = strlen(duty_kinds[k]);
            bool named = at && (at == rule->kinds || at[-1] == ' ') && (at[len] == '\0' || at[len] == ' ');
            for (int m = 0; named && m < 12; m++)
                done[duty_period_of_month(period, m + 1)] += s->counts[k][m];
        }
        duty_obligation_t o;
        duty_obligation_assess(period, rule->required, w->year, done, w->today_year, w->today_month, &o);
        if (duty_obligation_behind(&o))
            json_array_append_new(w->behind, json_string(rule->code));
    }
    return 1;
}

/* One linked deputy on the dashboard: score and rank of the year, obligations behind, open
 * suggestions, last contact. */
typedef struct {
    http_req_t *r;
    int year;
    store_obligation_rule_t *rules;
    int nrules;
    json_t *items;
    bool failed;
} dashboard_walk_t;

static int dashboard_deputy(const store_member_deputy_t *d, void *arg)
{
    dashboard_walk_t *w = arg;
    store_t *db = http_reader(w->r);
    int64_t score = 0, open = 0;
    int rank = 0, of = 0;
    char last[11], hi[REGION_CODE_LEN + 2];
    behind_walk_t b = {d->id, w->year, 0, 0, w->rules, w->nrules, json_array()};
    calendar_day_to_ymd(calendar_day_of(time(NULL)), &b.today_year, &b.today_month, NULL);
    snprintf(hi, sizeof(hi), "%s:", d->region); /* the deputy's own region, not its subtree */
    int rc = store_deputy_score(db, d->id, w->year, &score, &rank, &of);
    if (rc == STORE_OK)
        rc = store_duty_subjects_each(db, STORE_SUBJECT_DEPUTY, d->region, hi, w->year, deputy_behind, &b);
    if (rc == STORE_OK)
        rc = store_member_open_suggestions(db, d->id, &open);
    if (rc == STORE_OK)
        rc = store_member_last_contact(db, http_actor(w->r)->user_id, d->id, last);
    if (rc != STORE_OK) {
        json_decref(b.behind);
        w->failed = true;
        return 1;
    }
    json_t *j =
        json_pack("{s:I, s:s, s:s, s:I, s:i, s:i, s:I, s:o, s:I, s:o}", "id", (json_int_t)d->id, "name", d->name,
                  "region", d->region, "score", (json_int_t)score, "rank", rank, "of", of, "obligations_behind",
                  (json_int_t)json_array_size(b.behind), "behind", b.behind, "open_suggestions", (json_int_t)open,
                  "last_contact", last[0] ? json_string(last) : json_null());
    w->failed = j == NULL;
    return j ? json_array_append_new(w->items, j) : 1;
}

/* GET /api/v1/members/me?year= (the member) */
int api_members_dashboard(http_req_t *r)
{
    if (!own_account(r))
        return 0;
    int this_year = 0;
    calendar_day_to_ymd(calendar_day_of(time(NULL)), &this_year, NULL, NULL);
    long year = api_query_long(r, "year", this_year, DUTY_YEAR_MIN, DUTY_YEAR_MAX);
    if (year < 0)
        return 0;
    dashboard_walk_t w = {r, (int)year, calloc(STORE_OBLIGATION_RULES_MAX, sizeof(*w.rules)), 0, json_array(), false};
    store_t *db = http_reader(r);
    int rc = w.rules ? store_obligation_rules_all(db, w.rules, STORE_OBLIGATION_RULES_MAX, &w.nrules) : STORE_ERR;
    if (rc == STORE_OK)
        rc = store_member_deputies_each(db, http_actor(r)->user_id, dashboard_deputy, &w);
    free(w.rules);
    if (rc != STORE_OK || w.failed) {
        json_decref(w.items);
        http_reply_internal(r, "cannot read the member's deputies");
        return 0;
    }
    size_t n = json_array_size(w.items);
    http_reply_json(r, 200,
                    json_pack("{s:{s:I, s:s}, s:i, s:I, s:o, s:o}", "user", "id", (json_int_t)r->session->actor.user_id,
                              "display_name", r->session->display_name, "year", (int)year, "count", (json_int_t)n,
                              "warning", links_warning(n), "deputies", w.items));
    return 0;
}

static json_t *contact_json(const store_member_contact_t *c)
{
    return json_pack("{s:I, s:{s:I, s:s}, s:s, s:s, s:s, s:I}", "id", (json_int_t)c->id, "deputy", "id",
                     (json_int_t)c->deputy_id, "name", c->deputy_name, "happened_on", c->happened_on, "channel",
                     c->channel, "note", c->note, "created_at", (json_int_t)c->created_at);
}

static int add_contact(const store_member_contact_t *c, void *arg)
{
    return add_item(arg, contact_json(c));
}

/* GET /api/v1/members/me/contacts?deputy=&after=&limit= */
int api_member_contacts_list(http_req_t *r)
{
    if (!own_account(r))
        return 0;
    long deputy = api_query_long(r, "deputy", 0, 1, LONG_MAX);
    long after = deputy < 0 ? -1 : api_query_long(r, "after", 0, 0, LONG_MAX);
    long limit = after < 0 ? -1 : api_query_long(r, "limit", PAGE_DEFAULT, 1, PAGE_MAX);
    if (limit < 0)
        return 0;
    list_walk_t w = {http_reader(r), json_array(), false};
    int rc = store_member_contacts_each(w.db, http_actor(r)->user_id, deputy, after, (int)limit + 1, add_contact, &w);
    reply_list(r, rc, &w, limit, "cannot list contacts");
    return 0;
}

typedef struct {
    http_write_t super;
    store_member_contact_t contact; /* note owned */
    int64_t id;
    bool unlinked; /* the link went before the write */
} contact_write_t;

static int contact_run(http_write_t *hw, store_t *db)
{
    contact_write_t *w = (contact_write_t *)hw;
    bool linked = false;
    int rc = store_duty_member_linked(db, w->contact.member_user_id, w->contact.deputy_id, &linked);
    w->unlinked = rc == STORE_OK && !linked;
    if (rc != STORE_OK || w->unlinked)
        return rc ? rc : STORE_EINVALID;
    return store_member_contact_add(db, &w->contact, time(NULL), &w->id);
}

static int send_contact(const store_member_contact_t *c, void *arg)
{
    json_t *j = contact_json(c);
    if (j)
        http_reply_json(arg, 201, j);
    else
        http_reply_internal(arg, "cannot show a contact");
    return 0;
}

static void contact_respond(http_write_t *hw, http_req_t *r, int status)
{
    contact_write_t *w = (contact_write_t *)hw;
    if (r && w->unlinked)
        http_reply_error(r, 422, "invalid", "deputy_id must name a deputy linked to you", "deputy_id");
    else if (r && (status != STORE_OK || store_member_contact_get(http_reader(r), w->contact.member_user_id, w->id,
                                                                  send_contact, r) != STORE_OK))
        http_reply_internal(r, "cannot log a contact");
    free((char *)w->contact.note);
}

/* A day from 2000-01-01 to today in Beijing, written YYYY-MM-DD, into out. */
static void read_contact_day(api_input_t *in, char out[11])
{
    const char *text = api_text(in, "happened_on", 10, 10, true);
    calendar_day_t day = 0, first = 0;
    char again[11] = "";
    if (in->failed)
        return;
    if (calendar_parse_date(text, &day) == 0)
        calendar_format_date(day, again);
    calendar_day_from_ymd(2000, 1, 1, &first);
    if (strcmp(again, text) != 0 || day < first || day > calendar_day_of(time(NULL)))
        api_invalid(in, "happened_on", "happened_on must be a day from 2000-01-01 to today, written YYYY-MM-DD");
    else
        snprintf(out, 11, "%s", text);
}

/* POST /api/v1/members/me/contacts {deputy_id, happened_on, channel, note} */
int api_member_contacts_create(http_req_t *r)
{
    if (!own_account(r))
        return 0;
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    contact_write_t *w = http_write_new(r, sizeof(*w));
    store_member_contact_t *c = &w->contact;
    c->member_user_id = http_actor(r)->user_id;
    api_input_t in = {r, body, false};
    api_only(&in, (const char *const[]){"deputy_id", "happened_on", "channel", "note", NULL});
    c->deputy_id = api_id(&in, "deputy_id");
    if (!in.failed && c->deputy_id == 0)
        api_invalid(&in, "deputy_id", "deputy_id is required: the deputy you were in touch with");
    bool linked = false;
    if (!in.failed && store_duty_member_linked(http_reader(r), c->member_user_id, c->deputy_id, &linked) != STORE_OK) {
        in.failed = true;
        http_reply_internal(r, "cannot read the member's deputies");
    }
    if (!in.failed && !linked)
        api_invalid(&in, "deputy_id", "deputy_id must name a deputy linked to you");
    read_contact_day(&in, c->happened_on);
    const char *channel = api_text(&in, "channel", 1, sizeof(c->channel) - 1, true);
    const char *const *ch = channels;
    while (!in.failed && *ch && strcmp(*ch, channel) != 0)
        ch++;
    if (!in.failed && *ch == NULL)
        api_invalid(&in, "channel", "channel must be visit, phone, meeting, online or other");
    else if (!in.failed)
        snprintf(c->channel, sizeof(c->channel), "%s", channel);
    const char *note = api_text(&in, "note", 1, NOTE_MAX, true);
    if (!in.failed)
        c->note = strdup(note);
    json_decref(body);
    if (in.failed) {
        free(w);
        return 0;
    }
    w->super.run = contact_run;
    w->super.respond = contact_respond;
    http_write(r, &w->super);
    return 0;
}
