/*
 * consultation: legislative consultation (SPEC §4a, 立法征求意见) - an office publishes a draft
 * law or regulation article by article with a deadline, anyone reads it, and deputies sign up
 * for the topics (专题) they follow. Comments, adoption and the report are in
 * consultation_comments.c.
 *
 * A draft is pasted as text and split by the domain (domain/draft.h), or sent as articles. It
 * is public once published; before, only those who may publish it see it, and everyone else is
 * told it does not exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/consultation.h"
#include "core/calendar.h"
#include "core/utf8.h"
#include "domain/region.h"
#include "store/regions.h"

enum { TITLE_MAX = 200, SUMMARY_MAX = 2000, TEXT_MAX = 200000, TOPICS_MAX = 64, LIST_MAX = 100 };

/* ---- shared --------------------------------------------------------------------------------- */

/* Whether the actor may publish (and so see before it is published) a draft of region. */
static bool may_prepare(http_req_t *r, const char *region)
{
    policy_target_t t = {.region = region};
    return r->session && policy_check(http_actor(r), "draft.publish", &t) == POLICY_ALLOW;
}

bool api_draft_load(http_req_t *r, store_draft_t *d)
{
    int64_t id = api_param_id(r, 0);
    if (id == 0)
        return false;
    int rc = store_draft_get(http_reader(r), id, d);
    if (rc == STORE_OK && (d->published_at || may_prepare(r, d->region)))
        return true;
    store_draft_free(d);
    if (rc == STORE_OK || rc == STORE_ENOTFOUND)
        http_reply_error(r, 404, "not_found", "no such draft", NULL);
    else
        http_reply_internal(r, "cannot read a draft");
    return false;
}

json_t *api_draft_json(store_t *db, const store_draft_t *d)
{
    store_region_t region;
    bool named = db && store_region_get(db, d->region, &region) == STORE_OK;
    draft_state_t state = draft_state(d->published_at != 0, d->closes_at, time(NULL));
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:I, s:I, s:I}", "id", (json_int_t)d->id, "region",
                     d->region, "region_name", named ? region.name : "", "title", d->title, "summary", d->summary,
                     "deadline", d->deadline, "closes_at", (json_int_t)d->closes_at, "state", draft_state_name(state),
                     "published_at", d->published_at ? json_integer(d->published_at) : json_null(), "article_count",
                     (json_int_t)d->articles, "comment_count", (json_int_t)d->comments, "created_at",
                     (json_int_t)d->created_at);
}

void api_draft_read_idempotency(api_input_t *in, char key[65])
{
    key[0] = '\0';
    const char *given = http_header(in->r, "idempotency-key");
    if (given == NULL)
        given = api_text(in, "idempotency_key", 8, 64, false);
    if (in->failed || given == NULL)
        return;
    size_t n = strlen(given);
    size_t good = strspn(given, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");
    if (n < 8 || n > 64 || good != n) {
        api_invalid(in, "idempotency_key", "idempotency_key must be 8 to 64 letters, digits, - or _");
        return;
    }
    memcpy(key, given, n + 1);
}

/* The topics of a list of articles, each once, in the order they first appear. */
static json_t *topics_of(json_t *articles)
{
    json_t *topics = json_array();
    size_t i, j;
    json_t *a, *t;
    json_array_foreach(articles, i, a)
    {
        const char *topic = json_string_value(json_object_get(a, "topic"));
        bool seen = topic == NULL || *topic == '\0';
        json_array_foreach(topics, j, t) seen = seen || strcmp(json_string_value(t), topic) == 0;
        if (!seen)
            json_array_append_new(topics, json_string(topic));
    }
    return topics;
}

static json_t *article_json(int number, const char *heading, const char *text, const char *topic)
{
    char label[DRAFT_NUMERAL_MAX + 8];
    draft_article_label(number, label);
    return json_pack("{s:i, s:s, s:s, s:s, s:s}", "number", number, "label", label, "heading", heading, "text", text,
                     "topic", topic);
}

/* ---- reading -------------------------------------------------------------------------------- */

typedef struct {
    json_t *items;
    int64_t last;
    int n;
} draft_page_t;

static int add_draft(const store_draft_t *d, void *arg)
{
    draft_page_t *p = arg;
    json_t *j = api_draft_json(NULL, d);
    json_array_append_new(p->items, j);
    p->last = d->id;
    p->n++;
    return 0;
}

/* ?region=CODE (the drafts that concern it: its own, those of the regions above it and below
 * it) &after=ID&limit=N; newest first. The office sees its unpublished ones too. */
int api_drafts_list(http_req_t *r)
{
    const char *region = http_query(r, "region");
    if (region && !region_code_valid(region)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return 0;
    }
    long after = api_query_long(r, "after", 0, 0, INT32_MAX);
    long limit = after < 0 ? -1 : api_query_long(r, "limit", 20, 1, LIST_MAX);
    if (limit < 0)
        return 0;
    const actor_t *a = http_actor(r);
    store_draft_filter_t f = {
        .region = region,
        .unpublished_scope = a && policy_permits(a, "draft.publish") == POLICY_ALLOW ? a->region : NULL,
        .before_id = after,
        .limit = (int)limit,
    };
    draft_page_t page = {.items = json_array()};
    if (store_drafts_each(http_reader(r), &f, add_draft, &page) != STORE_OK) {
        json_decref(page.items);
        http_reply_internal(r, "cannot list drafts");
        return 0;
    }
    /* names of regions: looked up after the walk, as the walk holds a statement */
    size_t i;
    json_t *item;
    json_array_foreach(page.items, i, item)
    {
        store_region_t reg;
        if (store_region_get(http_reader(r), json_string_value(json_object_get(item, "region")), &reg) == STORE_OK)
            json_object_set_new(item, "region_name", json_string(reg.name));
    }
    http_reply_json(
        r, 200,
        json_pack("{s:o, s:o}", "items", page.items, "next", page.n == limit ? json_integer(page.last) : json_null()));
    return 0;
}

static int add_article(const store_draft_article_t *a, void *arg)
{
    json_t *j = article_json(a->number, a->heading, a->text, a->topic);
    json_object_set_new(j, "comments", json_integer(a->comments));
    json_array_append_new(arg, j);
    return 0;
}

static int add_topic(const char *topic, void *arg)
{
    json_array_append_new(arg, json_string(topic));
    return 0;
}

/* The draft with its articles (each with its comment count) and topics; for a signed-in
 * deputy also the topics they follow. NULL on a read error. */
static json_t *draft_page(http_req_t *r, const store_draft_t *d)
{
    json_t *j = api_draft_json(http_reader(r), d), *articles = json_array();
    json_object_set_new(j, "articles", articles);
    int rc = store_draft_articles_each(http_reader(r), d->id, add_article, articles);
    json_object_set_new(j, "topics", topics_of(articles));
    const actor_t *a = http_actor(r);
    if (rc == STORE_OK && a && a->deputy_id) {
        json_t *following = json_array();
        json_object_set_new(j, "following", following);
        rc = store_draft_follows_each(http_reader(r), d->id, a->deputy_id, add_topic, following);
    }
    if (rc != STORE_OK) {
        json_decref(j);
        return NULL;
    }
    return j;
}

int api_drafts_get(http_req_t *r)
{
    store_draft_t d;
    if (!api_draft_load(r, &d))
        return 0;
    json_t *j = draft_page(r, &d);
    store_draft_free(&d);
    if (j == NULL)
        http_reply_internal(r, "cannot read a draft's articles");
    else
        http_reply_json(r, 200, j);
    return 0;
}

/* ---- creating and publishing ---------------------------------------------------------------- */

typedef struct {
    http_write_t super;
    api_who_t who;
    store_draft_t draft; /* title and summary owned */
    draft_articles_t articles;
    enum { DRAFT_WRITE_CREATE, DRAFT_WRITE_PUBLISH, DRAFT_WRITE_FOLLOW } op;
    int64_t deputy_id;
    char **topics; /* follow: owned */
    int ntopics;
} draft_write_t;

static void draft_write_free(draft_write_t *w)
{
    store_draft_free(&w->draft);
    draft_articles_free(&w->articles);
    for (int i = 0; i < w->ntopics; i++)
        free(w->topics[i]);
    free(w->topics);
    w->topics = NULL;
    w->ntopics = 0;
}

static int draft_run(http_write_t *sw, store_t *db)
{
    draft_write_t *w = (draft_write_t *)sw;
    store_draft_t *d = &w->draft;
    int64_t now = time(NULL);
    int rc;
    if (w->op == DRAFT_WRITE_CREATE) {
        d->created_at = now;
        rc = store_draft_insert(db, d, &d->id);
        for (size_t i = 0; i < w->articles.count && rc == STORE_OK; i++) {
            const draft_article_t *a = &w->articles.items[i];
            rc = store_draft_article_insert(db, d->id, a->number, a->heading, a->text, a->topic);
        }
        return rc ? rc : api_audit(db, &w->who, "draft.create", "draft", d->id, d->region, d->title);
    }
    if (w->op == DRAFT_WRITE_PUBLISH) {
        rc = store_draft_publish(db, d->id, now);
        return rc ? rc : api_audit(db, &w->who, "draft.publish", "draft", d->id, d->region, d->title);
    }
    rc = store_draft_follow_set(db, d->id, w->deputy_id, (const char *const *)w->topics, w->ntopics, now);
    char detail[64];
    snprintf(detail, sizeof(detail), "deputy %lld, %d topics", (long long)w->deputy_id, w->ntopics);
    return rc ? rc : api_audit(db, &w->who, "draft.follow", "draft", d->id, d->region, detail);
}

static void draft_respond(http_write_t *sw, http_req_t *r, int status)
{
    draft_write_t *w = (draft_write_t *)sw;
    int64_t id = w->draft.id;
    int op = w->op;
    draft_write_free(w);
    if (r == NULL)
        return;
    store_draft_t d;
    if (status == STORE_EINVALID && op == DRAFT_WRITE_PUBLISH) {
        http_reply_error(r, 409, "already_published", "the draft is published already", NULL);
    } else if (status != STORE_OK || store_draft_get(http_reader(r), id, &d) != STORE_OK) {
        http_reply_internal(r, "cannot write a draft");
    } else {
        json_t *j = draft_page(r, &d);
        store_draft_free(&d);
        if (j == NULL)
            http_reply_internal(r, "cannot read a draft back");
        else if (op != DRAFT_WRITE_FOLLOW)
            http_reply_json(r, op == DRAFT_WRITE_CREATE ? 201 : 200, j);
        else {
            http_reply_json(r, 200, json_pack("{s:O}", "topics", json_object_get(j, "following")));
            json_decref(j);
        }
    }
}

/* Whether v is text of min..max characters without NUL or invalid UTF-8. */
static bool text_ok(json_t *v, size_t min, size_t max)
{
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    size_t bytes = json_string_length(v), n = utf8_chars(s, bytes);
    return strlen(s) == bytes && utf8_valid(s, bytes) && n >= min && n <= max;
}

/* What is wrong with the article a, given the number of the one before, or NULL. */
static const char *article_problem(json_t *a, int last)
{
    static const char *const keys[] = {"number", "heading", "text", "topic", NULL};
    if (!json_is_object(a))
        return "must be an object with number and text";
    const char *key;
    json_t *v;
    json_object_foreach(a, key, v)
    {
        const char *const *k = keys;
        while (*k && strcmp(*k, key) != 0)
            k++;
        if (*k == NULL)
            return "may have only number, heading, text and topic";
    }
    json_t *number = json_object_get(a, "number"), *heading = json_object_get(a, "heading"),
           *topic = json_object_get(a, "topic");
    if (!json_is_integer(number) || json_integer_value(number) <= last || json_integer_value(number) > DRAFT_MAX_NUMBER)
        return "number must be a whole number up to 999, above the article before";
    if (!text_ok(json_object_get(a, "text"), 1, DRAFT_ARTICLE_MAX_CHARS))
        return "text must have 1 to 5000 characters";
    if ((heading && !text_ok(heading, 0, DRAFT_HEADING_MAX_CHARS)) ||
        (topic && !text_ok(topic, 0, DRAFT_TOPIC_MAX_CHARS)))
        return "heading and topic must be text of at most 50 characters";
    return NULL;
}

/* Hands the write to the writer as the request's actor. */
static int submit(http_req_t *r, draft_write_t *w, int op)
{
    api_who(r, &w->who);
    w->op = op;
    w->super.run = draft_run;
    w->super.respond = draft_respond;
    http_write(r, &w->super);
    return 0;
}

/* "articles": [{number, heading?, text, topic?}], numbers growing. */
static void read_articles(api_input_t *in, json_t *list, draft_articles_t *out)
{
    if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > DRAFT_MAX_ARTICLES) {
        api_invalid(in, "articles", "articles must be a list of 1 to 999 articles");
        return;
    }
    size_t i;
    json_t *a;
    int last = 0;
    json_array_foreach(list, i, a)
    {
        const char *problem = article_problem(a, last);
        if (problem) {
            char msg[200];
            snprintf(msg, sizeof(msg), "article %zu: %s", i + 1, problem);
            draft_articles_free(out);
            api_invalid(in, "articles", msg);
            return;
        }
        last = (int)json_integer_value(json_object_get(a, "number"));
        draft_articles_add(out, last, json_string_value(json_object_get(a, "heading")),
                           json_string_value(json_object_get(a, "text")),
                           json_string_value(json_object_get(a, "topic")));
    }
}

/* "text": a pasted draft, split into articles by the domain. */
static void read_text(api_input_t *in, draft_articles_t *out)
{
    const char *text = api_text(in, "text", 1, TEXT_MAX, true);
    if (in->failed)
        return;
    draft_error_t err;
    if (draft_split(text, out, &err) != 0) {
        char msg[260];
        if (err.line)
            snprintf(msg, sizeof(msg), "line %d: %s", err.line, err.message);
        else
            snprintf(msg, sizeof(msg), "%s", err.message);
        api_invalid(in, "text", msg);
    }
}

/* The split articles and their topics, for the office to check before saving (?dry_run=true). */
static void reply_preview(http_req_t *r, const draft_articles_t *articles)
{
    json_t *list = json_array();
    for (size_t i = 0; i < articles->count; i++) {
        const draft_article_t *a = &articles->items[i];
        json_array_append_new(list, article_json(a->number, a->heading, a->text, a->topic));
    }
    json_t *topics = topics_of(list);
    http_reply_json(r, 200, json_pack("{s:o, s:o, s:b}", "articles", list, "topics", topics, "dry_run", 1));
}

/* POST /api/v1/drafts {title, summary?, region, deadline, articles | text}; ?dry_run=true only
 * splits and checks. */
int api_drafts_create(http_req_t *r)
{
    const char *dry = http_query(r, "dry_run");
    json_t *body = http_json_body(r);
    if (body == NULL)
        return 0;
    draft_write_t *w = http_write_new(r, sizeof(*w));
    store_draft_t *d = &w->draft;
    api_input_t in = {r, body, false};
    static const char *const fields[] = {"title", "summary", "region", "deadline", "articles", "text", NULL};
    api_only(&in, fields);
    const char *title = api_text(&in, "title", 1, TITLE_MAX, true);
    const char *summary = api_text(&in, "summary", 0, SUMMARY_MAX, false);
    const char *region = api_text(&in, "region", 12, 12, true);
    if (!in.failed && (!region_code_valid(region) || store_region_exists(http_reader(r), region) != STORE_OK))
        api_invalid(&in, "region", "region names no known region");
    const char *deadline = api_text(&in, "deadline", 10, 10, true);
    calendar_day_t day = 0;
    if (!in.failed && calendar_parse_date(deadline, &day) != 0)
        api_invalid(&in, "deadline", "deadline must be a date YYYY-MM-DD");
    if (!in.failed && draft_closes_at(day) < time(NULL))
        api_invalid(&in, "deadline", "deadline has passed: give today or a later day");
    json_t *articles = json_object_get(body, "articles");
    if (!in.failed && (articles == NULL) == (json_object_get(body, "text") == NULL))
        api_invalid(&in, "articles", "give the draft as articles or as text, one of the two");
    if (!in.failed && articles)
        read_articles(&in, articles, &w->articles);
    else if (!in.failed)
        read_text(&in, &w->articles);
    policy_target_t t = {.region = region};
    if (in.failed || (!(dry && strcmp(dry, "true") == 0) && !http_authorize(r, &t, false))) {
        draft_write_free(w);
        free(w);
        json_decref(body);
        return 0;
    }
    if (dry && strcmp(dry, "true") == 0) {
        reply_preview(r, &w->articles);
        draft_write_free(w);
        free(w);
        json_decref(body);
        return 0;
    }
    snprintf(d->region, sizeof(d->region), "%s", region);
    d->title = strdup(title);
    d->summary = strdup(summary ? summary : "");
    calendar_format_date(day, d->deadline);
    d->closes_at = draft_closes_at(day);
    d->created_by = http_actor(r)->user_id;
    json_decref(body);
    return submit(r, w, DRAFT_WRITE_CREATE);
}

int api_drafts_publish(http_req_t *r)
{
    store_draft_t d;
    if (!api_draft_load(r, &d))
        return 0;
    policy_target_t t = {.region = d.region};
    bool ok = http_authorize(r, &t, true);
    if (ok && d.published_at) {
        http_reply_error(r, 409, "already_published", "the draft is published already", NULL);
        ok = false;
    } else if (ok && d.closes_at < time(NULL)) {
        http_reply_error(r, 409, "closed", "the deadline has passed; make the draft again with a later deadline", NULL);
        ok = false;
    }
    if (!ok) {
        store_draft_free(&d);
        return 0;
    }
    draft_write_t *w = http_write_new(r, sizeof(*w));
    w->draft = d; /* takes its strings */
    return submit(r, w, DRAFT_WRITE_PUBLISH);
}

/* Looks for a topic among a draft's articles (one of them stands under it). */
typedef struct {
    const char *topic;
    bool found;
} topic_find_t;

static int find_topic(const store_draft_article_t *a, void *arg)
{
    topic_find_t *f = arg;
    f->found = f->found || strcmp(a->topic, f->topic) == 0;
    return f->found;
}

/* POST /api/v1/drafts/:id/follow {topics: [...]}: the deputy's topics of the draft, replaced. */
int api_drafts_follow(http_req_t *r)
{
    const actor_t *a = http_actor(r);
    if (a == NULL || a->deputy_id == 0) {
        http_reply_error(r, 403, "forbidden", "only a deputy's account follows topics", NULL);
        return 0;
    }
    store_draft_t d;
    if (!api_draft_load(r, &d))
        return 0;
    json_t *body = http_json_body(r);
    if (body == NULL) {
        store_draft_free(&d);
        return 0;
    }
    draft_write_t *w = http_write_new(r, sizeof(*w));
    w->draft = d;
    api_input_t in = {r, body, false};
    static const char *const fields[] = {"topics", NULL};
    api_only(&in, fields);
    json_t *topics = json_object_get(body, "topics");
    if (!in.failed && (!json_is_array(topics) || json_array_size(topics) > TOPICS_MAX))
        api_invalid(&in, "topics", "topics must be a list of the draft's topics");
    size_t i;
    json_t *t;
    if (!in.failed) {
        w->topics = calloc(json_array_size(topics) + 1, sizeof(char *));
        json_array_foreach(topics, i, t)
        {
            topic_find_t f = {json_string_value(t), false};
            if (f.topic == NULL || store_draft_articles_each(http_reader(r), d.id, find_topic, &f) != STORE_OK ||
                !f.found) {
                api_invalid(&in, "topics", "topics must name topics of the draft's articles");
                break;
            }
            w->topics[w->ntopics++] = strdup(f.topic);
        }
    }
    json_decref(body);
    if (in.failed) {
        draft_write_free(w);
        free(w);
        return 0;
    }
    w->deputy_id = a->deputy_id;
    return submit(r, w, DRAFT_WRITE_FOLLOW);
}
