/*
 * ballot_flow: every write on a secret ballot (SPEC §7, 票决) - the office's definition (create,
 * edit while draft), opening, the count on closing, publishing, and a deputy's vote - as requests
 * make them, as the demo makes them, and as the ticker closes ballots whose time is up.
 *
 * The one idea, as in suggestion_flow.c: the handler checks each field's shape on the loop; inside
 * the writer's transaction the ballot is read again and the domain decides there and then (state,
 * hours, electorate, choice rule), so two requests at the same moment cannot both pass a check
 * that only one may. A vote writes the roll row first - its primary key (ballot, deputy) refuses a
 * second one - then a paper with a random id and its marks, and never anything else about it: no
 * time, no log of the choices.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/ballot_common.h"
#include "auth/vault.h"
#include "core/log.h"
#include "core/utf8.h"
#include "domain/activity.h"
#include "store/registry.h"
#include "store/suggestions.h"

enum {
    TITLE_MAX = 200,
    DESCRIPTION_MAX = 5000,
    CANDIDATE_NAME_MAX = 200,
    CANDIDATE_TEXT_MAX = 2000,
    VOTERS_MAX = 5000,
    PAPER_TRIES = 4,
};

typedef enum { OP_CREATE, OP_EDIT, OP_STEP, OP_VOTE } op_t;

typedef struct {
    http_write_t super;
    api_who_t who;
    op_t op;
    ballot_step_t step;
    int64_t id;
    /* create and edit: the fields given (def owns its strings) */
    store_ballot_t def;
    bool has_congress, has_kind, has_title, has_description, has_rule, has_choose, has_opens, has_closes;
    store_candidate_t *candidates; /* names and descriptions owned */
    int ncandidates;               /* -1: not given */
    int64_t *voters;
    int nvoters; /* -1: not given */
    /* a vote */
    int64_t deputy_id;
    int64_t *choices;
    int nchoices;
    const vault_t *vault;
    char receipt[BALLOT_RECEIPT_SHOWN + 1];
    /* a refusal: status, code, field (or NULL), the state for illegal_transition */
    int status;
    const char *code, *field, *state;
    char message[200];
} ballot_write_t;

static int refuse(ballot_write_t *f, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int refuse(ballot_write_t *f, int status, const char *code, const char *field, const char *fmt, ...)
{
    f->status = status;
    f->code = code;
    f->field = field;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof(f->message), fmt, ap);
    va_end(ap);
    return STORE_EINVALID;
}

static int audit(store_t *db, const ballot_write_t *f, const store_ballot_t *b, const char *what)
{
    char action[32];
    snprintf(action, sizeof(action), "ballot.%s", what);
    /* a vote's entry names the ballot and nothing of the paper: the roll already says who voted */
    return api_audit(db, &f->who, action, "ballot", b->id, b->region,
                     f->op == OP_VOTE ? "" : ballot_state_name(b->state));
}

/* ---- the definition ---- */

/* The merged definition must still make sense: its hours ahead, k of n possible. */
static int check_definition(ballot_write_t *f, const store_ballot_t *b, int64_t ncandidates, int64_t now)
{
    if (b->closes_at <= b->opens_at)
        return refuse(f, 422, "invalid", "closes_at", "closes_at must come after opens_at");
    if (b->closes_at <= now)
        return refuse(f, 422, "invalid", "closes_at", "closes_at must lie in the future");
    if (!ballot_choose_valid(b->choose, (size_t)ncandidates))
        return refuse(f, 422, "invalid", "choose", "choose must be from 1 to the number of candidates (%lld)",
                      (long long)ncandidates);
    return STORE_OK;
}

static void merge(ballot_write_t *f, store_ballot_t *b)
{
    const store_ballot_t *d = &f->def;
    if (f->has_congress) {
        b->congress_id = d->congress_id;
        memcpy(b->region, d->region, sizeof(b->region));
    }
    if (f->has_kind)
        b->kind = d->kind;
    if (f->has_rule)
        b->rule = d->rule;
    if (f->has_choose)
        b->choose = d->choose;
    if (f->has_opens)
        b->opens_at = d->opens_at;
    if (f->has_closes)
        b->closes_at = d->closes_at;
    if (f->has_title) {
        free(b->title);
        b->title = strdup(d->title);
    }
    if (f->has_description) {
        free(b->description);
        b->description = strdup(d->description ? d->description : "");
    }
}

static int write_definition(ballot_write_t *f, store_t *db, int64_t now)
{
    store_ballot_t b = {0};
    int rc = STORE_OK;
    bool congress_changed = false;
    if (f->op == OP_CREATE) {
        b.state = BALLOT_DRAFT;
        b.created_by = f->who.actor_id;
        b.created_at = now;
        b.cast_count = -1;
        b.title = strdup("");
        b.description = strdup("");
    } else if ((rc = store_ballot_get(db, f->id, &b)) == STORE_OK && !ballot_editable(b.state)) {
        rc = refuse(f, 409, "ballot_open", NULL, "the ballot is %s: only a draft can be changed",
                    ballot_state_name(b.state));
    } else {
        congress_changed = f->has_congress && f->def.congress_id != b.congress_id;
    }
    if (rc == STORE_OK) {
        merge(f, &b);
        b.updated_at = now;
        rc = check_definition(f, &b, f->ncandidates >= 0 ? f->ncandidates : b.candidates_count, now);
    }
    if (rc == STORE_OK)
        rc = f->op == OP_CREATE ? store_ballot_insert(db, &b, &b.id) : store_ballot_save(db, &b);
    if (rc == STORE_OK && f->ncandidates >= 0)
        rc = store_ballot_set_candidates(db, b.id, f->candidates, f->ncandidates);
    /* voters sit in the congress; a new congress without a new list means all of its deputies */
    if (rc == STORE_OK && (f->nvoters >= 0 || congress_changed))
        rc = store_ballot_set_voters(db, b.id, f->voters, f->nvoters > 0 ? f->nvoters : 0);
    if (rc == STORE_OK)
        rc = audit(db, f, &b, f->op == OP_CREATE ? "create" : "update");
    f->id = b.id;
    store_ballot_free(&b);
    return rc;
}

/* ---- the steps ---- */

int api_ballot_close_in(store_t *db, int64_t id, const api_who_t *who, int64_t now)
{
    store_ballot_t b;
    int rc = store_ballot_get(db, id, &b);
    int64_t papers = 0, roll = 0;
    if (rc == STORE_OK && ballot_next(b.state, BALLOT_STEP_CLOSE) < 0)
        rc = STORE_EINVALID;
    if (rc == STORE_OK)
        rc = store_ballot_box_counts(db, id, &papers, &roll);
    if (rc == STORE_OK && papers != roll) {
        /* SPEC §7: a box that disagrees with the roll is not counted; somebody must look */
        log_error("ballot %lld not closed: %lld papers but %lld names on the roll", (long long)id, (long long)papers,
                  (long long)roll);
        rc = STORE_ERR;
    }
    if (rc == STORE_OK)
        rc = store_ballot_tally(db, id);
    if (rc == STORE_OK) {
        b.state = BALLOT_CLOSED;
        b.cast_count = papers;
        b.closed_at = now;
        b.updated_at = now;
        rc = store_ballot_save(db, &b);
    }
    if (rc == STORE_OK)
        rc = api_audit(db, who, "ballot.close", "ballot", id, b.region, ballot_state_name(b.state));
    store_ballot_free(&b);
    return rc;
}

static int take_step(ballot_write_t *f, store_t *db, int64_t now)
{
    if (f->step == BALLOT_STEP_CLOSE) {
        store_ballot_t b;
        int rc = store_ballot_get(db, f->id, &b);
        if (rc == STORE_OK && ballot_next(b.state, BALLOT_STEP_CLOSE) < 0) {
            f->state = ballot_state_name(b.state);
            rc = refuse(f, 409, "illegal_transition", NULL, "not allowed while it is %s", f->state);
        }
        store_ballot_free(&b);
        return rc ? rc : api_ballot_close_in(db, f->id, &f->who, now);
    }
    store_ballot_t b;
    int rc = store_ballot_get(db, f->id, &b);
    int next = rc == STORE_OK ? ballot_next(b.state, f->step) : -1;
    if (rc == STORE_OK && next < 0) {
        f->state = ballot_state_name(b.state);
        rc = refuse(f, 409, "illegal_transition", NULL, "not allowed while it is %s", f->state);
    }
    if (rc == STORE_OK && f->step == BALLOT_STEP_OPEN && b.closes_at <= now)
        rc = refuse(f, 422, "invalid", "closes_at", "closes_at has passed: set a later one before opening");
    if (rc == STORE_OK && f->step == BALLOT_STEP_OPEN) {
        rc = store_ballot_fix_electorate(db, b.id, b.congress_id, &b.electorate);
        b.opened_at = now;
    }
    if (rc == STORE_OK && f->step == BALLOT_STEP_PUBLISH)
        b.published_at = now;
    if (rc == STORE_OK) {
        b.state = (ballot_state_t)next;
        b.updated_at = now;
        rc = store_ballot_save(db, &b);
    }
    if (rc == STORE_OK)
        rc = audit(db, f, &b, ballot_step_name(f->step));
    store_ballot_free(&b);
    return rc;
}

/* ---- the vote ---- */

typedef struct {
    int64_t ids[BALLOT_CANDIDATES_MAX];
    size_t n;
} candidate_ids_t;

static int collect_candidate(const store_candidate_t *c, void *arg)
{
    candidate_ids_t *k = arg;
    if (k->n < BALLOT_CANDIDATES_MAX)
        k->ids[k->n++] = c->id;
    return 0;
}

static void receipt_hash(const vault_t *vault, const char *code, char out[VAULT_HASH_HEX + 1])
{
    if (vault) {
        vault_lookup_hash(vault, code, BALLOT_RECEIPT_LEN, out);
        return;
    }
    /* the demo without a data directory: its receipts are never shown, so an unkeyed hash will do */
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)code, BALLOT_RECEIPT_LEN, NULL, 0);
    sodium_bin2hex(out, VAULT_HASH_HEX + 1, h, sizeof(h));
}

/* A paper with a fresh random id and receipt; drawn again in the (astronomically rare) case that
 * either is taken already. */
static int cast_paper(ballot_write_t *f, store_t *db, int64_t ballot_id)
{
    int rc = STORE_ECONSTRAINT;
    for (int i = 0; i < PAPER_TRIES && rc == STORE_ECONSTRAINT; i++) {
        unsigned char id[BALLOT_PAPER_ID_BYTES], bytes[32];
        char code[BALLOT_RECEIPT_LEN + 1], hash[VAULT_HASH_HEX + 1];
        randombytes_buf(id, sizeof(id));
        do
            randombytes_buf(bytes, sizeof(bytes));
        while (!ballot_receipt_from_bytes(bytes, sizeof(bytes), code));
        receipt_hash(f->vault, code, hash);
        rc = store_ballot_paper_add(db, ballot_id, id, hash, f->choices, f->nchoices);
        if (rc == STORE_OK)
            ballot_receipt_display(code, f->receipt);
        sodium_memzero(code, sizeof(code));
    }
    return rc;
}

static int vote(ballot_write_t *f, store_t *db, int64_t now)
{
    store_ballot_t b;
    bool eligible = false, voted = false;
    candidate_ids_t *candidates = calloc(1, sizeof(*candidates));
    int rc = candidates ? store_ballot_get(db, f->id, &b) : STORE_ERR;
    if (rc == STORE_OK && !ballot_may_vote(b.state, b.opens_at, b.closes_at, now))
        rc = refuse(f, 409, "not_open", NULL,
                    b.state == BALLOT_OPEN && now < b.opens_at ? "voting has not begun yet"
                                                               : "voting on this ballot is not open");
    if (rc == STORE_OK && (rc = store_ballot_eligible(db, b.id, f->deputy_id, &eligible)) == STORE_OK && !eligible)
        rc = refuse(f, 403, "not_eligible", NULL, "you are not on the electorate of this ballot");
    if (rc == STORE_OK && (rc = store_ballot_voted(db, b.id, f->deputy_id, &voted)) == STORE_OK && voted)
        rc = refuse(f, 409, "already_voted", NULL, "you have voted on this ballot already");
    if (rc == STORE_OK)
        rc = store_ballot_candidates_each(db, b.id, collect_candidate, candidates);
    if (rc == STORE_OK) {
        ballot_choices_problem_t problem =
            ballot_check_choices(b.rule, b.choose, candidates->ids, candidates->n, f->choices, (size_t)f->nchoices);
        if (problem != BALLOT_CHOICES_OK) {
            char message[160];
            ballot_choices_message(problem, b.rule, b.choose, message, sizeof(message));
            rc = refuse(f, 422, "invalid", "choices", "%s", message);
        }
    }
    if (rc == STORE_OK && (rc = store_ballot_roll_add(db, b.id, f->deputy_id)) == STORE_ECONSTRAINT)
        rc = refuse(f, 409, "already_voted", NULL, "you have voted on this ballot already");
    if (rc == STORE_OK)
        rc = cast_paper(f, db, b.id);
    if (rc == STORE_OK)
        rc = audit(db, f, &b, "vote");
    if (candidates)
        store_ballot_free(&b);
    free(candidates);
    return rc;
}

/* ---- the write job ---- */

static int run_at(ballot_write_t *f, store_t *db, int64_t now)
{
    switch (f->op) {
    case OP_CREATE:
    case OP_EDIT: return write_definition(f, db, now);
    case OP_STEP: return take_step(f, db, now);
    case OP_VOTE: return vote(f, db, now);
    }
    return STORE_ERR;
}

static int flow_run(http_write_t *w, store_t *db)
{
    return run_at((ballot_write_t *)w, db, time(NULL));
}

static void flow_free(ballot_write_t *f)
{
    store_ballot_free(&f->def);
    for (int i = 0; f->candidates && i < f->ncandidates; i++) {
        free((char *)f->candidates[i].name);
        free((char *)f->candidates[i].description);
    }
    free(f->candidates);
    free(f->voters);
    free(f->choices);
    f->candidates = NULL;
    f->voters = f->choices = NULL;
}

static void flow_respond(http_write_t *w, http_req_t *r, int status)
{
    ballot_write_t *f = (ballot_write_t *)w;
    if (r == NULL) {
    } else if (status == STORE_EINVALID && f->code && f->state) {
        json_t *error = json_pack("{s:s, s:s, s:s}", "code", f->code, "message", f->message, "state", f->state);
        http_reply_json(r, f->status, json_pack("{s:o}", "error", error));
    } else if (status == STORE_EINVALID && f->code) {
        http_reply_error(r, f->status, f->code, f->message, f->field);
    } else if (status == STORE_ENOTFOUND) {
        http_reply_error(r, 404, "not_found", "no such ballot", NULL);
    } else if (status != STORE_OK) {
        http_reply_internal(r, f->op == OP_VOTE ? "cannot record a vote" : "cannot write a ballot");
    } else if (f->op == OP_VOTE) {
        http_reply_json(r, 201, json_pack("{s:s}", "receipt", f->receipt));
    } else {
        api_ballot_reply(r, f->id, f->op == OP_CREATE ? 201 : 200);
    }
    sodium_memzero(f->receipt, sizeof(f->receipt));
    flow_free(f);
}

static ballot_write_t *flow_new(http_req_t *r, op_t op, int64_t id)
{
    ballot_write_t *f = http_write_new(r, sizeof(*f));
    api_who(r, &f->who);
    f->op = op;
    f->id = id;
    f->ncandidates = f->nvoters = -1;
    f->def.cast_count = -1;
    f->vault = http_vault(r);
    f->super.run = flow_run;
    f->super.respond = flow_respond;
    return f;
}

static int flow_submit(http_req_t *r, ballot_write_t *f, bool refused)
{
    if (refused) {
        flow_free(f);
        free(f);
    } else {
        http_write(r, &f->super);
    }
    return 0;
}

/* ---- reading a request's fields ---- */

/* A text member of a candidate: min..max characters, valid UTF-8 without NUL. */
static const char *member_text(json_t *object, const char *key, size_t min, size_t max, bool *ok)
{
    json_t *v = json_object_get(object, key);
    if (v == NULL || json_is_null(v)) {
        *ok = *ok && min == 0;
        return NULL;
    }
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    size_t bytes = json_is_string(v) ? json_string_length(v) : 0;
    if (!json_is_string(v) || strlen(s) != bytes || !utf8_valid(s, bytes) || utf8_chars(s, bytes) < min ||
        utf8_chars(s, bytes) > max)
        *ok = false;
    return *ok ? s : NULL;
}

static void read_candidates(api_input_t *in, ballot_write_t *f, bool required)
{
    json_t *list = json_object_get(in->body, "candidates");
    if (in->failed || (list == NULL && !required))
        return;
    if (!json_is_array(list) || json_array_size(list) < BALLOT_CANDIDATES_MIN ||
        json_array_size(list) > BALLOT_CANDIDATES_MAX) {
        api_invalid(in, "candidates", "give from 2 to 200 candidates");
        return;
    }
    f->candidates = calloc(json_array_size(list), sizeof(*f->candidates));
    f->ncandidates = 0;
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        bool ok = json_is_object(c);
        const char *name = ok ? member_text(c, "name", 1, CANDIDATE_NAME_MAX, &ok) : NULL;
        const char *description = ok ? member_text(c, "description", 0, CANDIDATE_TEXT_MAX, &ok) : NULL;
        const char *key;
        json_t *member;
        json_object_foreach(ok ? c : NULL, key, member) ok =
            ok && (strcmp(key, "name") == 0 || strcmp(key, "description") == 0);
        for (int k = 0; ok && k < f->ncandidates; k++)
            ok = strcmp(f->candidates[k].name, name) != 0;
        if (!ok) {
            char message[160];
            snprintf(message, sizeof(message),
                     "candidate %zu: give {name (1 to %d characters), description? (up to %d)}, each name once", i + 1,
                     CANDIDATE_NAME_MAX, CANDIDATE_TEXT_MAX);
            api_invalid(in, "candidates", message);
            return;
        }
        f->candidates[f->ncandidates++] = (store_candidate_t){
            .name = strdup(name), .description = strdup(description ? description : ""), .votes = -1};
    }
}

/* A list of distinct positive ids of at most max; NULL (and *n -1) when absent. */
static int64_t *read_ids(api_input_t *in, const char *field, int max, int *n, const char *message)
{
    json_t *list = json_object_get(in->body, field);
    *n = -1;
    if (in->failed || list == NULL)
        return NULL;
    if (!json_is_array(list) || json_array_size(list) > (size_t)max) {
        api_invalid(in, field, message);
        return NULL;
    }
    int64_t *ids = calloc(json_array_size(list) + 1, sizeof(*ids));
    size_t i;
    json_t *v;
    *n = 0;
    json_array_foreach(list, i, v)
    {
        int64_t id = json_is_integer(v) ? json_integer_value(v) : 0;
        if (id <= 0) {
            api_invalid(in, field, message);
            break;
        }
        ids[(*n)++] = id;
    }
    return ids;
}

static int read_int(api_input_t *in, const char *field, int min, int max, bool required)
{
    json_t *v = json_object_get(in->body, field);
    if (in->failed || (v == NULL && !required))
        return -1;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        char message[96];
        snprintf(message, sizeof(message), "%s must be a whole number from %d to %d", field, min, max);
        api_invalid(in, field, message);
        return -1;
    }
    return (int)json_integer_value(v);
}

static bool read_time(api_input_t *in, const char *field, bool required, int64_t *out)
{
    const char *text = api_text(in, field, 16, 16, required);
    if (!in->failed && text && !activity_parse_time(text, out))
        api_invalid(in, field, "give the time as YYYY-MM-DDTHH:MM, Beijing time");
    return text != NULL && !in->failed;
}

/* A word of a fixed list into *out; false when absent or refused. */
static bool read_word(api_input_t *in, const char *field, bool required, int (*from_name)(const char *),
                      const char *message, int *out)
{
    const char *text = api_text(in, field, 1, 20, required);
    if (in->failed || text == NULL)
        return false;
    *out = from_name(text);
    if (*out < 0)
        api_invalid(in, field, message);
    return *out >= 0;
}

/* The congress of a ballot: live, of a region (the national congress keeps its own), inside the
 * office's subtree. */
static void read_congress(api_input_t *in, ballot_write_t *f, bool required)
{
    f->def.congress_id = api_id(in, "congress_id");
    if (in->failed || (f->def.congress_id == 0 && !required))
        return;
    int rc = f->def.congress_id ? store_registry_region(http_reader(in->r), registry_entity("congress"),
                                                        f->def.congress_id, f->def.region)
                                : STORE_ENOTFOUND;
    if (rc == STORE_ENOTFOUND || (rc == STORE_OK && !region_code_valid(f->def.region))) {
        api_invalid(in, "congress_id", "name a live congress of a province, city, county or township");
        return;
    }
    if (rc != STORE_OK) {
        in->failed = true;
        http_reply_internal(in->r, "cannot read a congress");
        return;
    }
    policy_target_t t = {.region = f->def.region};
    if (policy_check(http_actor(in->r), "ballot.manage", &t) != POLICY_ALLOW) {
        in->failed = true;
        http_reply_error(in->r, 403, "out_of_scope", "that congress lies outside your region", "congress_id");
        return;
    }
    f->has_congress = true;
}

/* Every listed voter sits in congress. */
static void check_voters(api_input_t *in, const ballot_write_t *f, int64_t congress_id)
{
    for (int i = 0; !in->failed && i < f->nvoters; i++) {
        bool sits = false, repeated = false;
        for (int k = 0; k < i; k++)
            repeated |= f->voters[k] == f->voters[i];
        int rc = store_suggestion_deputy_sits(http_reader(in->r), f->voters[i], congress_id, &sits);
        if (rc != STORE_OK) {
            in->failed = true;
            http_reply_internal(in->r, "cannot read the deputies of a congress");
        } else if (!sits || repeated) {
            char message[160];
            snprintf(message, sizeof(message), "deputy %lld %s", (long long)f->voters[i],
                     repeated ? "is listed twice" : "does not sit in this congress");
            api_invalid(in, "voters", message);
        }
    }
}

static void read_definition(api_input_t *in, ballot_write_t *f, bool create, int64_t congress_id)
{
    static const char *const fields[] = {"congress_id", "kind",      "title",      "description", "rule", "choose",
                                         "opens_at",    "closes_at", "candidates", "voters",      NULL};
    store_ballot_t *d = &f->def;
    int word;
    api_only(in, fields);
    read_congress(in, f, create);
    f->has_kind = read_word(in, "kind", create, ballot_kind_from_name, "kind must be department or project", &word);
    d->kind = f->has_kind ? (ballot_kind_t)word : BALLOT_DEPARTMENT;
    const char *title = api_text(in, "title", 1, TITLE_MAX, create);
    const char *description = api_text(in, "description", 0, DESCRIPTION_MAX, false);
    f->has_rule = read_word(in, "rule", create, ballot_rule_from_name, "rule must be exactly or at_most", &word);
    d->rule = f->has_rule ? (ballot_rule_t)word : BALLOT_EXACTLY;
    d->choose = read_int(in, "choose", 1, BALLOT_CANDIDATES_MAX, create);
    f->has_choose = d->choose > 0;
    f->has_opens = read_time(in, "opens_at", create, &d->opens_at);
    f->has_closes = read_time(in, "closes_at", create, &d->closes_at);
    read_candidates(in, f, create);
    f->voters = read_ids(in, "voters", VOTERS_MAX, &f->nvoters, "voters must be a list of deputy ids");
    if (in->failed)
        return;
    if ((f->has_title = title != NULL))
        d->title = strdup(title);
    if ((f->has_description = description != NULL))
        d->description = strdup(description);
    check_voters(in, f, f->has_congress ? d->congress_id : congress_id);
}

/* ---- handlers ---- */

int api_ballots_create(http_req_t *r)
{
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    api_input_t in = {r, body, false};
    ballot_write_t *f = flow_new(r, OP_CREATE, 0);
    read_definition(&in, f, true, 0);
    json_decref(body);
    return flow_submit(r, f, in.failed);
}

/* The ballot of the route, for its office only (404 for others); false after answering. */
static bool load_office(http_req_t *r, store_ballot_t *b)
{
    api_ballot_view_t view;
    if (!api_ballot_load(r, b, &view))
        return false;
    if (!view.office) {
        store_ballot_free(b);
        http_reply_error(r, 404, "not_found", "no such ballot", NULL);
        return false;
    }
    return true;
}

int api_ballots_update(http_req_t *r)
{
    store_ballot_t b;
    if (!load_office(r, &b))
        return 0;
    json_t *body = NULL;
    if (!ballot_editable(b.state))
        http_reply_error(r, 409, "ballot_open", "the ballot has opened: its definition can no longer change", NULL);
    else
        body = http_json_body(r);
    int64_t id = b.id, congress_id = b.congress_id;
    store_ballot_free(&b);
    if (body == NULL)
        return 0;
    api_input_t in = {r, body, false};
    ballot_write_t *f = flow_new(r, OP_EDIT, id);
    read_definition(&in, f, false, congress_id);
    json_decref(body);
    return flow_submit(r, f, in.failed);
}

static int step(http_req_t *r, ballot_step_t which)
{
    store_ballot_t b;
    if (!load_office(r, &b))
        return 0;
    int64_t id = b.id;
    store_ballot_free(&b);
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    static const char *const none[] = {NULL};
    api_input_t in = {r, body, false};
    api_only(&in, none);
    json_decref(body);
    ballot_write_t *f = flow_new(r, OP_STEP, id);
    f->step = which;
    return flow_submit(r, f, in.failed);
}

int api_ballots_open(http_req_t *r)
{
    return step(r, BALLOT_STEP_OPEN);
}
int api_ballots_close(http_req_t *r)
{
    return step(r, BALLOT_STEP_CLOSE);
}
int api_ballots_publish(http_req_t *r)
{
    return step(r, BALLOT_STEP_PUBLISH);
}

/* POST /api/v1/ballots/:id/vote {choices}: 201 {receipt}. */
int api_ballots_vote(http_req_t *r)
{
    store_ballot_t b;
    api_ballot_view_t view;
    if (!api_ballot_load(r, &b, &view))
        return 0;
    int64_t id = b.id;
    policy_target_t t = {.region = b.region, .deputy_id = view.eligible ? http_actor(r)->deputy_id : 0};
    store_ballot_free(&b);
    if (policy_check(http_actor(r), "ballot.vote", &t) != POLICY_ALLOW) {
        http_reply_error(r, 403, "not_eligible", "you are not on the electorate of this ballot", NULL);
        return 0;
    }
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    static const char *const fields[] = {"choices", NULL};
    api_input_t in = {r, body, false};
    api_only(&in, fields);
    ballot_write_t *f = flow_new(r, OP_VOTE, id);
    f->deputy_id = http_actor(r)->deputy_id;
    f->choices =
        read_ids(&in, "choices", BALLOT_CANDIDATES_MAX, &f->nchoices, "choices must be a list of candidate ids");
    if (!in.failed && f->nchoices < 0)
        api_invalid(&in, "choices", "choices is required");
    json_decref(body);
    return flow_submit(r, f, in.failed);
}

/* ---- the ticker and the demo ---- */

enum { DUE_MAX = 50 };

int api_ballot_close_due(store_t *db, int64_t now)
{
    int64_t ids[DUE_MAX];
    int n = 0;
    api_who_t who = {.actor = "system"};
    int rc = store_ballots_due(db, now, ids, DUE_MAX, &n);
    for (int i = 0; rc == STORE_OK && i < n; i++) {
        /* each in its own unit of work: a box that disagrees with its roll stays open, the rest close */
        rc = store_savepoint(db);
        int closed = rc == STORE_OK ? api_ballot_close_in(db, ids[i], &who, now) : rc;
        if (rc == STORE_OK)
            rc = closed == STORE_OK ? store_savepoint_release(db) : store_savepoint_rollback(db);
    }
    return rc;
}

static void system_write(ballot_write_t *f, op_t op, int64_t id, const char *actor)
{
    memset(f, 0, sizeof(*f));
    f->op = op;
    f->id = id;
    f->ncandidates = f->nvoters = -1;
    f->def.cast_count = -1;
    snprintf(f->who.actor, sizeof(f->who.actor), "%s", actor);
}

int api_ballot_system_create(store_t *db, const api_ballot_args_t *a, int64_t now, int64_t *id)
{
    ballot_write_t f;
    system_write(&f, OP_CREATE, 0, "admin");
    int rc = store_registry_region(db, registry_entity("congress"), a->congress_id, f.def.region);
    f.def.congress_id = a->congress_id;
    f.def.kind = a->kind;
    f.def.rule = a->rule;
    f.def.choose = a->choose;
    f.def.opens_at = a->opens_at;
    f.def.closes_at = a->closes_at;
    f.def.title = (char *)a->title;
    f.def.description = (char *)(a->description ? a->description : "");
    f.has_congress = f.has_kind = f.has_rule = f.has_choose = f.has_opens = f.has_closes = true;
    f.has_title = f.has_description = true;
    f.candidates = (store_candidate_t *)a->candidates;
    f.ncandidates = a->ncandidates;
    if (rc == STORE_OK)
        rc = write_definition(&f, db, now);
    *id = f.id;
    return rc == STORE_EINVALID ? (log_error("demo ballot: %s", f.message), rc) : rc;
}

int api_ballot_system_step(store_t *db, int64_t id, ballot_step_t which, int64_t now)
{
    ballot_write_t f;
    system_write(&f, OP_STEP, id, "admin");
    f.step = which;
    return take_step(&f, db, now);
}

int api_ballot_system_vote(store_t *db, const vault_t *vault, int64_t id, int64_t deputy_id, const int64_t *choices,
                           int n, int64_t now, char receipt[BALLOT_RECEIPT_SHOWN + 1])
{
    ballot_write_t f;
    system_write(&f, OP_VOTE, id, "deputy");
    f.vault = vault;
    f.deputy_id = deputy_id;
    f.choices = (int64_t *)choices;
    f.nchoices = n;
    int rc = vote(&f, db, now);
    if (receipt)
        memcpy(receipt, f.receipt, sizeof(f.receipt));
    return rc;
}
