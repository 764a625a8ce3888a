/*
 * opinion_lists: what staff, deputies and units read of the loop - the inbox with its filters and
 * deadline flags (预警 due within two working days, 超期 overdue), related open items for triage,
 * the constituent's contact details (each read written to the audit log before it is shown), and
 * a unit's referrals.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/opinion_common.h"
#include "auth/vault.h"
#include "domain/region.h"

enum { PAGE_MAX = 100, SIMILAR_POOL = 500, SIMILAR_SHOWN = 5 };
static const double SIMILAR_MIN = 0.2;

/* The deadlines a flag filter keeps: overdue before now, warn from now to the end of the last
 * working day that still counts as near (the rule of calendar_deadline_flag). */
static int flag_bounds(store_t *db, const char *flag, int64_t now, store_opinion_filter_t *f)
{
    if (strcmp(flag, "overdue") == 0) {
        f->due_from = 1;
        f->due_to = now - 1;
        return STORE_OK;
    }
    f->due_from = now;
    return api_opinion_warn_window(db, now, &f->due_to);
}

typedef struct {
    json_t *items;
    store_t *db;
    int64_t last_id;
    int count;
} list_walk_t;

static int list_item(const store_opinion_t *o, void *arg)
{
    list_walk_t *w = arg;
    json_t *j = api_opinion_summary_json(o);
    json_object_set_new(j, "flag", json_string(api_opinion_flag(w->db, store_opinion_current_due(o))));
    json_array_append_new(w->items, j);
    w->last_id = o->id;
    w->count++;
    return 0;
}

static bool read_filters(http_req_t *r, store_opinion_filter_t *f, int64_t *station)
{
    const char *state = http_query(r, "state");
    if (state && strcmp(state, "open") == 0)
        f->open_only = true;
    else if (state && opinion_state_from_name(state) < 0) {
        http_reply_error(r, 400, "bad_query", "state must be open or a state of an opinion", "state");
        return false;
    } else
        f->state = state;
    const char *channel = http_query(r, "channel");
    if (channel && !opinion_word_in(opinion_channels, channel)) {
        http_reply_error(r, 400, "bad_query", "channel must be online, qr, walk_in, visit, phone or letter", "channel");
        return false;
    }
    f->channel = channel;
    const char *category = http_query(r, "category");
    if (category && store_category_id(http_reader(r), category, &f->category_id) != STORE_OK) {
        http_reply_error(r, 400, "bad_query", "category names no such category", "category");
        return false;
    }
    static const char *const switches[] = {"answered", "rated", "satisfied"};
    bool *on[] = {&f->answered, &f->rated, &f->satisfied};
    for (int i = 0; i < 3; i++) {
        const char *v = http_query(r, switches[i]);
        if (v && strcmp(v, "1") != 0 && strcmp(v, "true") != 0) {
            http_reply_error(r, 400, "bad_query", "give 1 or leave it out", switches[i]);
            return false;
        }
        *on[i] = v != NULL;
    }
    if (!api_opinion_read_period(r, &f->created_from, &f->created_to))
        return false;
    const char *owner = http_query(r, "owner");
    if (owner && strcmp(owner, "me") != 0) {
        http_reply_error(r, 400, "bad_query", "owner may only be me", "owner");
        return false;
    }
    if (owner)
        f->owner_user_id = http_actor(r)->user_id;
    long id = api_query_long(r, "station", 0, 0, INT32_MAX);
    long after = id < 0 ? -1 : api_query_long(r, "after", 0, 0, LONG_MAX);
    long limit = after < 0 ? -1 : api_query_long(r, "limit", 20, 1, PAGE_MAX);
    if (limit < 0)
        return false;
    *station = id;
    f->before_id = after;
    f->limit = (int)limit;
    return true;
}

bool api_opinion_list_filter(http_req_t *r, store_opinion_filter_t *f, char lo[13], char hi[14])
{
    int64_t station = 0;
    memset(f, 0, sizeof(*f));
    if (!api_scope_region(r, lo, hi) || !read_filters(r, f, &station))
        return false;
    f->region_lo = lo;
    f->region_hi = hi;
    f->station_id = station;
    const actor_t *a = http_actor(r);
    if (a->role == ROLE_DEPUTY) /* a deputy's own, sent to them or given to them, in their region */
        f->deputy_id = a->deputy_id ? a->deputy_id : -1;
    const char *flag = http_query(r, "flag");
    if (flag && strcmp(flag, "warn") != 0 && strcmp(flag, "overdue") != 0) {
        http_reply_error(r, 400, "bad_query", "flag must be warn or overdue", "flag");
        return false;
    }
    if (flag && flag_bounds(http_reader(r), flag, time(NULL), f) != STORE_OK) {
        http_reply_internal(r, "cannot read the calendar");
        return false;
    }
    return true;
}

int api_opinions_list(http_req_t *r)
{
    char lo[13], hi[14];
    store_opinion_filter_t f;
    if (!api_opinion_list_filter(r, &f, lo, hi))
        return 0;
    list_walk_t w = {json_array(), http_reader(r), 0, 0};
    int rc = store_opinions_each(http_reader(r), &f, list_item, &w);
    if (rc != STORE_OK) {
        json_decref(w.items);
        http_reply_internal(r, "cannot list opinions");
        return 0;
    }
    json_t *next = w.count == f.limit ? json_integer(w.last_id) : json_null();
    http_reply_json(r, 200, json_pack("{s:o, s:o}", "items", w.items, "next", next));
    return 0;
}

/* ---- contact details ------------------------------------------------------------------------- */

typedef struct {
    http_write_t super;
    api_who_t who;
    int64_t id;
    char region[13];
} contact_write_t;

static int contact_run(http_write_t *w, store_t *db)
{
    contact_write_t *c = (contact_write_t *)w;
    return api_audit(db, &c->who, "personal.read", "opinion", c->id, c->region, "name, phone, address");
}

static void set_opened(http_req_t *r, json_t *j, const char *key, const char *sealed)
{
    char *plain = sealed ? vault_open(http_vault(r), sealed, NULL) : NULL;
    json_object_set_new(j, key, plain ? json_string(plain) : json_null());
    free(plain);
}

/* Shown only once the read is in the audit log. */
static void contact_respond(http_write_t *w, http_req_t *r, int status)
{
    contact_write_t *c = (contact_write_t *)w;
    store_opinion_t o;
    if (r == NULL)
        return;
    if (status != STORE_OK || store_opinion_get(http_reader(r), c->id, &o) != STORE_OK) {
        http_reply_internal(r, "cannot log a read of personal data");
        return;
    }
    json_t *j = json_object();
    set_opened(r, j, "name", o.name_sealed);
    set_opened(r, j, "phone", o.phone_sealed);
    set_opened(r, j, "address", o.address_sealed);
    store_opinion_free(&o);
    http_reply_json(r, 200, j); /* never cached: every reply is no-store */
}

int api_opinions_contact(http_req_t *r)
{
    int64_t id;
    store_opinion_t o;
    if (!api_opinion_load_in_scope(r, &id, &o))
        return 0;
    contact_write_t *c = http_write_new(r, sizeof(*c));
    api_who(r, &c->who);
    c->id = id;
    snprintf(c->region, sizeof(c->region), "%s", o.region);
    c->super.run = contact_run;
    c->super.respond = contact_respond;
    http_write(r, &c->super);
    store_opinion_free(&o);
    return 0;
}

/* ---- related items ----------------------------------------------------------------------------- */

typedef struct {
    const store_opinion_t *self;
    struct {
        double score;
        json_t *item;
    } best[SIMILAR_SHOWN];
    int n;
} similar_walk_t;

static int similar_item(const store_opinion_t *o, void *arg)
{
    similar_walk_t *w = arg;
    if (o->id == w->self->id)
        return 0;
    double score = opinion_similarity(w->self->content, o->content);
    if (score < SIMILAR_MIN || (w->n == SIMILAR_SHOWN && score <= w->best[w->n - 1].score))
        return 0;
    if (w->n == SIMILAR_SHOWN)
        json_decref(w->best[--w->n].item);
    int i = w->n++;
    for (; i > 0 && w->best[i - 1].score < score; i--)
        w->best[i] = w->best[i - 1];
    w->best[i].score = score;
    w->best[i].item = api_opinion_summary_json(o);
    json_object_set_new(w->best[i].item, "similarity", json_real((double)(int)(score * 100) / 100));
    return 0;
}

int api_opinions_similar(http_req_t *r)
{
    int64_t id;
    store_opinion_t o;
    if (!api_opinion_load_in_scope(r, &id, &o))
        return 0;
    /* SPEC §3: open items of the same region - the county, where duplicates meet */
    char lo[13], hi[14];
    snprintf(lo, sizeof(lo), "%.6s000000", o.region);
    if (region_in_scope(lo, http_actor(r)->region)) /* staff of a township see their township's */
        snprintf(lo, sizeof(lo), "%s", http_actor(r)->region);
    region_subtree_upper(lo, hi);
    store_opinion_filter_t f = {.region_lo = lo, .region_hi = hi, .open_only = true, .limit = SIMILAR_POOL};
    similar_walk_t w = {.self = &o};
    int rc = store_opinions_each(http_reader(r), &f, similar_item, &w);
    store_opinion_free(&o);
    json_t *items = json_array();
    for (int i = 0; i < w.n; i++)
        json_array_append_new(items, w.best[i].item);
    if (rc != STORE_OK) {
        json_decref(items);
        http_reply_internal(r, "cannot compare opinions");
        return 0;
    }
    http_reply_json(r, 200, json_pack("{s:o}", "items", items));
    return 0;
}

/* ---- referrals, as a unit sees them -------------------------------------------------------------- */

static json_t *referral_json(store_t *db, const store_referral_t *ref)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:I, s:b, s:I}", "id", (json_int_t)ref->id, "unit_id",
                          (json_int_t)ref->unit_id, "unit_name", ref->unit_name, "state",
                          referral_state_name(ref->state), "due", (json_int_t)ref->due, "extension_pending",
                          ref->extension_pending, "created_at", (json_int_t)ref->created_at);
    bool open = referral_open(ref->state);
    json_object_set_new(j, "flag", json_string(open ? api_opinion_flag(db, ref->due) : "none"));
    if (ref->reply)
        json_object_set_new(j, "reply", json_string(ref->reply));
    if (ref->extension_days) {
        json_object_set_new(j, "extension_days", json_integer(ref->extension_days));
        json_object_set_new(j, "extension_reason", json_string(ref->extension_reason));
    }
    store_opinion_t o;
    if (store_opinion_get(db, ref->opinion_id, &o) != STORE_OK) {
        json_decref(j);
        return NULL;
    }
    json_t *opinion = api_opinion_summary_json(&o);
    json_object_set_new(opinion, "content", json_string(o.content));
    json_object_set_new(opinion, "location", json_string(o.location));
    json_object_set_new(j, "opinion", opinion);
    store_opinion_free(&o);
    return j;
}

void api_opinion_reply_referral(http_req_t *r, int64_t referral_id)
{
    store_referral_t ref;
    json_t *j = NULL;
    if (store_referral_get(http_reader(r), referral_id, &ref) == STORE_OK) {
        j = referral_json(http_reader(r), &ref);
        store_referral_free(&ref);
    }
    if (j == NULL)
        http_reply_internal(r, "cannot read a referral");
    else
        http_reply_json(r, 200, j);
}

int api_referrals_get(http_req_t *r)
{
    int64_t id = api_param_id(r, 0);
    store_referral_t ref;
    store_opinion_t o;
    if (id == 0)
        return 0;
    if (store_referral_get(http_reader(r), id, &ref) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "no such referral", NULL);
        return 0;
    }
    bool found = store_opinion_get(http_reader(r), ref.opinion_id, &o) == STORE_OK;
    policy_target_t t = {.region = found ? o.region : NULL, .unit_id = ref.unit_id};
    store_referral_free(&ref);
    if (found && http_authorize(r, &t, true))
        api_opinion_reply_referral(r, id);
    else if (!found)
        http_reply_error(r, 404, "not_found", "no such referral", NULL);
    if (found)
        store_opinion_free(&o);
    return 0;
}

typedef struct {
    store_t *db;
    json_t *items;
    int64_t last_id;
    int count;
    bool failed;
} referral_walk_t;

static int referral_list_item(const store_referral_t *ref, void *arg)
{
    referral_walk_t *w = arg;
    json_t *j = referral_json(w->db, ref);
    if (j == NULL) {
        w->failed = true;
        return 1;
    }
    json_array_append_new(w->items, j);
    w->last_id = ref->id;
    w->count++;
    return 0;
}

int api_referrals_list(http_req_t *r)
{
    const actor_t *a = http_actor(r);
    const char *state = http_query(r, "state");
    if (state && strcmp(state, "open") != 0 && strcmp(state, "all") != 0) {
        http_reply_error(r, 400, "bad_query", "state must be open or all", "state");
        return 0;
    }
    long after = api_query_long(r, "after", 0, 0, LONG_MAX);
    long limit = after < 0 ? -1 : api_query_long(r, "limit", 20, 1, PAGE_MAX);
    if (limit < 0)
        return 0;
    referral_walk_t w = {http_reader(r), json_array(), 0, 0, false};
    int rc = store_referrals_of_unit(http_reader(r), a->unit_id, state == NULL || strcmp(state, "open") == 0, after,
                                     (int)limit, referral_list_item, &w);
    if (rc != STORE_OK || w.failed) {
        json_decref(w.items);
        http_reply_internal(r, "cannot list referrals");
        return 0;
    }
    json_t *next = w.count == limit ? json_integer(w.last_id) : json_null();
    http_reply_json(r, 200, json_pack("{s:o, s:o}", "items", w.items, "next", next));
    return 0;
}
