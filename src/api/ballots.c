/*
 * ballots: reading secret ballots (SPEC §7, 票决) - each role's list, the ballot with its
 * candidates, the results once they may be seen, the announcement, and the public receipt check.
 *
 * The one idea: who the actor is to a ballot (its office, a deputy of its congress, a voter on
 * its electorate) is worked out once, in view_of, and every answer is shaped by that view and the
 * ballot's state. Results exist in no answer before the ballot closes; a paper is never read
 * back, only counted or found by its receipt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/ballot_common.h"
#include "auth/vault.h"
#include "store/suggestions.h"

static json_t *opt_time(int64_t at)
{
    return at ? json_integer(at) : json_null();
}

static void view_of(http_req_t *r, const store_ballot_t *b, api_ballot_view_t *v)
{
    memset(v, 0, sizeof(*v));
    const actor_t *a = http_actor(r);
    if (a == NULL)
        return;
    store_t *db = http_reader(r);
    policy_target_t region = {.region = b->region};
    v->office = policy_check(a, "ballot.manage", &region) == POLICY_ALLOW;
    if (a->role == ROLE_DEPUTY && a->deputy_id) {
        v->deputy = true;
        /* a failed read leaves the flag false: the answer then shows less, never more */
        if (store_ballot_eligible(db, b->id, a->deputy_id, &v->eligible) != STORE_OK ||
            store_ballot_voted(db, b->id, a->deputy_id, &v->voted) != STORE_OK ||
            store_suggestion_deputy_sits(db, a->deputy_id, b->congress_id, &v->seated) != STORE_OK)
            v->eligible = v->voted = v->seated = false;
    }
}

static bool readable(const store_ballot_t *b, const api_ballot_view_t *v)
{
    if (b->state == BALLOT_PUBLISHED || v->office)
        return true;
    return v->deputy && b->state != BALLOT_DRAFT && (v->eligible || v->seated);
}

bool api_ballot_load(http_req_t *r, store_ballot_t *b, api_ballot_view_t *view)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return false;
    int rc = store_ballot_get(http_reader(r), id, b);
    if (rc == STORE_OK)
        view_of(r, b, view);
    if (rc == STORE_OK && readable(b, view))
        return true;
    store_ballot_free(b);
    if (rc == STORE_OK || rc == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "no such ballot", NULL);
    else
        http_reply_internal(r, "cannot read a ballot");
    return false;
}

/* The electorate as it stands: fixed on opening; for a draft, who would be on it now. */
static int electorate_of(store_t *db, const store_ballot_t *b, int64_t *count)
{
    if (b->state != BALLOT_DRAFT) {
        *count = b->electorate;
        return STORE_OK;
    }
    int rc = store_ballot_voters_count(db, b->id, count);
    return rc != STORE_OK || *count > 0 ? rc : store_ballot_seated_count(db, b->congress_id, count);
}

json_t *api_ballot_summary_json(store_t *db, const store_ballot_t *b, const api_ballot_view_t *view)
{
    int64_t electorate = 0;
    if (electorate_of(db, b, &electorate) != STORE_OK)
        return NULL;
    json_t *j = json_pack(
        "{s:I, s:{s:I, s:s}, s:s, s:s, s:s, s:i, s:I, s:I, s:I, s:s, s:I}", "id", (json_int_t)b->id, "congress", "id",
        (json_int_t)b->congress_id, "name", b->congress_name ? b->congress_name : "", "kind", ballot_kind_name(b->kind),
        "title", b->title, "rule", ballot_rule_name(b->rule), "choose", b->choose, "candidates_count",
        (json_int_t)b->candidates_count, "opens_at", (json_int_t)b->opens_at, "closes_at", (json_int_t)b->closes_at,
        "state", ballot_state_name(b->state), "electorate", (json_int_t)electorate);
    if (view->deputy)
        json_object_set_new(j, "voted", json_boolean(view->voted));
    if (b->state == BALLOT_CLOSED || b->state == BALLOT_PUBLISHED)
        json_object_set_new(j, "cast_count", json_integer(b->cast_count < 0 ? 0 : b->cast_count));
    return j;
}

/* ---- the count ---- */

typedef struct {
    ballot_tally_t tally[BALLOT_CANDIDATES_MAX];
    char *names[BALLOT_CANDIDATES_MAX]; /* by position - 1 */
    size_t n;
} count_t;

static int count_item(const store_candidate_t *c, void *arg)
{
    count_t *k = arg;
    if (k->n == BALLOT_CANDIDATES_MAX || c->position < 1 || c->position > BALLOT_CANDIDATES_MAX)
        return 1;
    k->tally[k->n++] = (ballot_tally_t){c->id, c->position, c->votes < 0 ? 0 : c->votes, 0};
    free(k->names[c->position - 1]);
    k->names[c->position - 1] = strdup(c->name);
    return 0;
}

json_t *api_ballot_results_json(store_t *db, const store_ballot_t *b)
{
    count_t *k = calloc(1, sizeof(*k));
    if (k == NULL)
        return NULL;
    json_t *list = NULL;
    if (store_ballot_candidates_each(db, b->id, count_item, k) == STORE_OK) {
        ballot_rank(k->tally, k->n);
        list = json_array();
        for (size_t i = 0; i < k->n; i++) {
            const ballot_tally_t *t = &k->tally[i];
            const char *name = k->names[t->position - 1];
            json_array_append_new(list, json_pack("{s:I, s:s, s:I, s:i, s:b}", "id", (json_int_t)t->id, "name",
                                                  name ? name : "", "votes", (json_int_t)t->votes, "rank", t->rank,
                                                  "chosen", t->rank <= b->choose));
        }
    }
    for (size_t i = 0; i < BALLOT_CANDIDATES_MAX; i++)
        free(k->names[i]);
    free(k);
    if (list == NULL)
        return NULL;
    int64_t cast = b->cast_count < 0 ? 0 : b->cast_count;
    return json_pack("{s:I, s:I, s:f, s:o}", "cast", (json_int_t)cast, "electorate", (json_int_t)b->electorate,
                     "turnout", ballot_turnout(cast, b->electorate), "candidates", list);
}

/* ---- the full ballot ---- */

static int candidate_item(const store_candidate_t *c, void *arg)
{
    json_array_append_new(arg, json_pack("{s:I, s:i, s:s, s:s}", "id", (json_int_t)c->id, "position", c->position,
                                         "name", c->name, "description", c->description));
    return 0;
}

static int voter_item(int64_t deputy_id, void *arg)
{
    json_array_append_new(arg, json_integer(deputy_id));
    return 0;
}

json_t *api_ballot_json(store_t *db, const store_ballot_t *b, const api_ballot_view_t *view)
{
    json_t *j = api_ballot_summary_json(db, b, view);
    if (j == NULL)
        return NULL;
    json_t *candidates = json_array();
    json_object_set_new(j, "description", json_string(b->description));
    json_object_set_new(j, "candidates", candidates);
    json_object_set_new(j, "voters_count", json_deep_copy(json_object_get(j, "electorate")));
    json_object_set_new(j, "created_at", json_integer(b->created_at));
    json_object_set_new(j, "opened_at", opt_time(b->opened_at));
    json_object_set_new(j, "closed_at", opt_time(b->closed_at));
    json_object_set_new(j, "published_at", opt_time(b->published_at));
    int rc = store_ballot_candidates_each(db, b->id, candidate_item, candidates);
    if (view->deputy)
        json_object_set_new(j, "eligible", json_boolean(view->eligible));
    if (view->office && b->state == BALLOT_DRAFT) {
        /* the chosen subset, for editing the draft ([] = the whole congress) */
        json_t *voters = json_array();
        json_object_set_new(j, "voters", voters);
        if (rc == STORE_OK)
            rc = store_ballot_voters_each(db, b->id, voter_item, voters);
    }
    if (rc == STORE_OK && ballot_results_visible(b->state, view->office)) {
        json_t *results = api_ballot_results_json(db, b);
        if (results == NULL)
            rc = STORE_ERR;
        else
            json_object_set_new(j, "results", results);
    }
    if (rc != STORE_OK) {
        json_decref(j);
        return NULL;
    }
    return j;
}

void api_ballot_reply(http_req_t *r, int64_t id, int status)
{
    store_ballot_t b;
    api_ballot_view_t view;
    json_t *j = NULL;
    if (store_ballot_get(http_reader(r), id, &b) == STORE_OK) {
        view_of(r, &b, &view);
        j = api_ballot_json(http_reader(r), &b, &view);
    }
    store_ballot_free(&b);
    if (j)
        http_reply_json(r, status, j);
    else
        http_reply_internal(r, "cannot read a ballot");
}

/* ---- handlers ---- */

typedef struct {
    store_t *db;
    http_req_t *r;
    json_t *items;
    bool failed;
} list_walk_t;

static int list_item(const store_ballot_t *b, void *arg)
{
    list_walk_t *w = arg;
    api_ballot_view_t view;
    view_of(w->r, b, &view);
    json_t *j = api_ballot_summary_json(w->db, b, &view);
    if (j == NULL) {
        w->failed = true;
        return 1;
    }
    json_array_append_new(w->items, j);
    return 0;
}

/* GET /api/v1/ballots: the office its region's, a deputy those they may vote in, others the
 * published ones. */
int api_ballots_list(http_req_t *r)
{
    long limit = api_query_long(r, "limit", 50, 1, 200);
    long after = limit < 0 ? -1 : api_query_long(r, "after", 0, 0, 0x7fffffff);
    if (limit < 0 || after < 0)
        return 0;
    const char *state = http_query(r, "state");
    if (state && ballot_state_from_name(state) < 0) {
        http_reply_error(r, 400, "bad_query", "state must be draft, open, closed or published", "state");
        return 0;
    }
    store_ballot_filter_t f = {.state = state, .after = after, .limit = (int)limit + 1};
    const actor_t *a = http_actor(r);
    char hi[REGION_CODE_LEN + 2];
    if (a && a->role == ROLE_ADMIN) {
        region_subtree_upper(a->region, hi);
        f.region_lo = a->region;
        f.region_hi = hi;
    } else if (a && a->role == ROLE_DEPUTY) {
        f.deputy_id = a->deputy_id ? a->deputy_id : -1;
    } else {
        f.published_only = true;
    }
    list_walk_t w = {http_reader(r), r, json_array(), false};
    if (store_ballots_list(w.db, &f, list_item, &w) != STORE_OK || w.failed) {
        json_decref(w.items);
        http_reply_internal(r, "cannot list ballots");
        return 0;
    }
    api_reply_page(r, w.items, limit);
    return 0;
}

int api_ballots_get(http_req_t *r)
{
    store_ballot_t b;
    api_ballot_view_t view;
    if (!api_ballot_load(r, &b, &view))
        return 0;
    json_t *j = api_ballot_json(http_reader(r), &b, &view);
    store_ballot_free(&b);
    if (j)
        http_reply_json(r, 200, j);
    else
        http_reply_internal(r, "cannot read a ballot");
    return 0;
}

/* The 公告: the office's once closed, everyone's once published. */
int api_ballots_announcement(http_req_t *r)
{
    store_ballot_t b;
    api_ballot_view_t view;
    if (!api_ballot_load(r, &b, &view))
        return 0;
    json_t *j = NULL;
    if (b.state == BALLOT_DRAFT || b.state == BALLOT_OPEN)
        http_reply_error(r, 409, "not_closed", "the results are announced once the ballot has closed", NULL);
    else if (!ballot_results_visible(b.state, view.office))
        http_reply_error(r, 404, "not_found", "the results of this ballot are not published yet", NULL);
    else if ((j = api_ballot_json(http_reader(r), &b, &view)) == NULL)
        http_reply_internal(r, "cannot read a ballot");
    else
        http_reply_json(r, 200, j);
    store_ballot_free(&b);
    return 0;
}

/* The voter's check: is a paper with this receipt among those counted? Never which paper, never
 * its choices. Wrong codes count against the address like wrong tracking codes. */
int api_ballots_receipt(http_req_t *r)
{
    const config_t *cfg = http_config(r);
    if (api_rate_limited(r, "track", cfg->track_max_failures, cfg->login_window_s,
                         "too many wrong receipts from this address; try again later"))
        return 0;
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return 0;
    store_t *db = http_reader(r);
    store_ballot_t b;
    int rc = store_ballot_get(db, id, &b);
    ballot_state_t state = b.state;
    store_ballot_free(&b);
    if (rc != STORE_OK && rc != STORE_ENOTFOUND) {
        http_reply_internal(r, "cannot read a ballot");
        return 0;
    }
    if (rc == STORE_ENOTFOUND || state == BALLOT_DRAFT) {
        http_reply_error(r, 404, "not_found", "no such ballot", NULL);
        return 0;
    }
    if (state == BALLOT_OPEN) {
        api_rate_refund(r, "track");
        http_reply_error(r, 409, "not_closed", "receipts can be checked once the ballot has closed", NULL);
        return 0;
    }
    char code[BALLOT_RECEIPT_LEN + 1], hash[VAULT_HASH_HEX + 1];
    bool counted = false;
    if (ballot_receipt_normalize(http_param(r, 1), code)) {
        vault_lookup_hash(http_vault(r), code, BALLOT_RECEIPT_LEN, hash);
        if (store_ballot_receipt_counted(db, id, hash, &counted) != STORE_OK) {
            http_reply_internal(r, "cannot check a receipt");
            return 0;
        }
    }
    if (!counted) {
        http_reply_error(r, 404, "not_found", "no paper of this ballot carries that receipt", NULL);
        return 0;
    }
    api_rate_refund(r, "track");
    http_reply_json(r, 200, json_pack("{s:b}", "counted", 1));
    return 0;
}
