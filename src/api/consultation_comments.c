/*
 * consultation_comments: comments on a draft's articles (SPEC §4a) and what the office makes of
 * them - the list, the decision whether each was adopted (采纳), and the feedback report per
 * article as JSON for the print page or as .xlsx.
 *
 * On the comments route who comments decides the source: a signed-in deputy comments as a
 * deputy, anyone else online (the public rate-limited per address, like the opinion form). Staff
 * record what was said at a station's meeting (座谈会) on a route of its own. A constituent's name
 * and phone are sealed at rest; only a masked name is shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/consultation.h"
#include "auth/vault.h"
#include "core/calendar.h"
#include "core/xlsx.h"
#include "domain/opinion.h"
#include "domain/region.h"
#include "store/registry.h"

enum { CONTENT_MAX = 2000, MEETING_MAX = 200, NOTE_MAX = 1000 };

json_t *api_draft_comment_json(const store_draft_comment_t *c, bool staff)
{
    json_t *j = json_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)c->id, "article", c->article_number,
                          "topic", c->article_topic, "source", c->source, "author", c->author, "content", c->content,
                          "created_at", (json_int_t)c->created_at);
    if (!staff)
        return j;
    json_object_set_new(j, "draft_id", json_integer(c->draft_id));
    json_object_set_new(j, "deputy",
                        c->deputy_id ? json_pack("{s:I, s:s}", "id", (json_int_t)c->deputy_id, "name", c->deputy_name)
                                     : json_null());
    json_object_set_new(j, "station",
                        c->station_id
                            ? json_pack("{s:I, s:s}", "id", (json_int_t)c->station_id, "name", c->station_name)
                            : json_null());
    json_object_set_new(j, "meeting", json_string(c->meeting));
    json_object_set_new(j, "has_phone", json_boolean(c->phone4[0] != '\0'));
    json_object_set_new(j, "adopted", json_boolean(c->adopted));
    json_object_set_new(j, "adoption_note", json_string(c->adoption_note));
    json_object_set_new(j, "reviewed_at", c->reviewed_at ? json_integer(c->reviewed_at) : json_null());
    return j;
}

typedef struct {
    bool staff;
    json_t *out;
} comment_view_t;

static int keep_comment(const store_draft_comment_t *c, void *arg)
{
    comment_view_t *v = arg;
    v->out = api_draft_comment_json(c, v->staff);
    return 1;
}

/* Answers status with the comment id (the staff view, or the public one). */
static void reply_comment(http_req_t *r, int status, int64_t id, bool staff)
{
    comment_view_t v = {staff, NULL};
    if (store_draft_comment_get(http_reader(r), id, keep_comment, &v) != STORE_OK || v.out == NULL)
        http_reply_internal(r, "cannot read a comment back");
    else
        http_reply_json(r, status, v.out);
}

static bool is_staff(const actor_t *a)
{
    return a && (a->role == ROLE_ADMIN || a->role == ROLE_STAFF);
}

/* ---- commenting ----------------------------------------------------------------------------- */

typedef struct {
    http_write_t super;
    api_who_t who;
    store_draft_comment_t comment; /* its strings point into the fields below */
    char region[13], source[16], key[65], phone_hash[VAULT_HASH_HEX + 1], phone4[5];
    char *meeting, *author, *content, *name_sealed, *phone_sealed; /* owned */
    bool replayed, key_reused, staff_view;
} comment_write_t;

static void comment_write_free(comment_write_t *w)
{
    STORE_FREE_TEXTS(&w->meeting, &w->author, &w->content, &w->name_sealed, &w->phone_sealed);
}

static int comment_run(http_write_t *sw, store_t *db)
{
    comment_write_t *w = (comment_write_t *)sw;
    store_draft_comment_t *c = &w->comment;
    if (w->key[0]) {
        int64_t draft_id = 0, article_id = 0;
        int rc = store_draft_comment_by_key(db, w->key, &c->id, &draft_id, &article_id);
        if (rc == STORE_OK && (draft_id != c->draft_id || article_id != c->article_id)) {
            w->key_reused = true; /* a key already used for another article must not hand it out */
            return STORE_EINVALID;
        }
        if (rc == STORE_OK) {
            w->replayed = true;
            return STORE_OK;
        }
        if (rc != STORE_ENOTFOUND)
            return rc;
    }
    c->created_at = time(NULL);
    int rc = store_draft_comment_insert(db, c, &c->id);
    return rc ? rc : api_audit(db, &w->who, "draft.comment", "draft_comment", c->id, w->region, c->source);
}

static void comment_respond(http_write_t *sw, http_req_t *r, int status)
{
    comment_write_t *w = (comment_write_t *)sw;
    comment_write_free(w);
    if (r == NULL)
        return;
    if (status == STORE_EINVALID && w->key_reused) {
        http_reply_error(r, 409, "idempotency_key_reused", "that idempotency_key was sent with another comment",
                         "idempotency_key");
        return;
    }
    if (status != STORE_OK) {
        http_reply_internal(r, "cannot store a comment");
        return;
    }
    if (w->replayed)
        http_add_header(r, "idempotent-replayed", "true");
    reply_comment(r, 201, w->comment.id, w->staff_view);
}

/* The name (masked for showing, sealed at rest) and phone (sealed, with its hash and last four
 * digits) a constituent or a meeting's speaker gave. */
static void read_person(api_input_t *in, comment_write_t *w)
{
    const char *name = api_text(in, "name", 0, 50, false);
    const char *phone = api_text(in, "phone", 0, 20, false);
    if (in->failed)
        return;
    const vault_t *v = http_vault(in->r);
    char digits[16];
    if (phone && *phone && !opinion_phone_valid(phone, digits)) {
        api_invalid(in, "phone", "phone must be a mobile number (11 digits) or a landline with its area code");
        return;
    }
    if (phone && *phone) {
        vault_lookup_hash(v, digits, strlen(digits), w->phone_hash);
        snprintf(w->phone4, sizeof(w->phone4), "%s", digits + strlen(digits) - 4);
        w->phone_sealed = vault_seal(v, digits, strlen(digits));
    }
    buf_t masked;
    buf_init(&masked);
    if (name && *name) {
        w->name_sealed = vault_seal(v, name, strlen(name));
        draft_mask_name(name, &masked);
    }
    w->author = strdup(masked.data ? masked.data : "");
    buf_free(&masked);
}

/* Staff record a meeting: station_id (a live station of theirs inside the draft's region) and
 * the meeting's name. */
static void read_meeting(api_input_t *in, comment_write_t *w, const char *draft_region)
{
    store_draft_comment_t *c = &w->comment;
    c->station_id = api_id(in, "station_id");
    if (!in->failed && c->station_id == 0)
        api_invalid(in, "station_id", "station_id is required: the station where the meeting was held");
    const char *meeting = api_text(in, "meeting", 1, MEETING_MAX, true);
    char region[13];
    if (!in->failed &&
        store_registry_region(http_reader(in->r), registry_entity("station"), c->station_id, region) != STORE_OK)
        api_invalid(in, "station_id", "station_id names no such station");
    policy_target_t t = {.region = region};
    if (!in->failed && policy_check(http_actor(in->r), "draft.record", &t) != POLICY_ALLOW) {
        in->failed = true;
        http_reply_error(in->r, 403, "out_of_scope", "that station lies outside your region", "station_id");
    }
    if (!in->failed && !region_in_scope(draft_region, region))
        api_invalid(in, "station_id", "the station lies outside the region of the draft");
    if (!in->failed)
        w->meeting = strdup(meeting);
}

/* Reads the article named by the route's second parameter; answers 404 when it has none. */
static bool find_article(http_req_t *r, const store_draft_t *d, int64_t *id, char topic[256])
{
    const char *text = http_param(r, 1);
    char *end;
    long number = strtol(text, &end, 10);
    if (*text == '\0' || *end || number < 1 || number > DRAFT_MAX_NUMBER ||
        store_draft_article_find(http_reader(r), d->id, (int)number, id, topic) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "the draft has no such article", NULL);
        return false;
    }
    return true;
}

/* A comment on the route's article: a meeting's (recorded by staff), or else a deputy's or a
 * constituent's by who sends it. */
static int create_comment(http_req_t *r, bool meeting)
{
    store_draft_t d;
    if (!api_draft_load(r, &d))
        return 0;
    int64_t article_id = 0;
    char topic[256];
    bool open = draft_accepts_comments(d.published_at != 0, d.closes_at, time(NULL));
    if (find_article(r, &d, &article_id, topic) && !open)
        http_reply_error(r, 409, "closed",
                         d.published_at ? "the deadline for comments has passed" : "the draft is not published yet",
                         NULL);
    json_t *body = r->answered ? NULL : http_json_body(r);
    if (body == NULL) {
        store_draft_free(&d);
        return 0;
    }
    const actor_t *a = http_actor(r);
    draft_source_t source = meeting                                       ? DRAFT_SOURCE_MEETING
                            : a && a->role == ROLE_DEPUTY && a->deputy_id ? DRAFT_SOURCE_DEPUTY
                                                                          : DRAFT_SOURCE_ONLINE;
    static const char *const fields[DRAFT_SOURCE_COUNT][7] = {
        {"content", "name", "phone", "idempotency_key", NULL},
        {"content", "idempotency_key", NULL},
        {"content", "station_id", "meeting", "name", "phone", "idempotency_key", NULL},
    };
    comment_write_t *w = http_write_new(r, sizeof(*w));
    store_draft_comment_t *c = &w->comment;
    api_input_t in = {r, body, false};
    api_only(&in, fields[source]);
    const char *content = api_text(&in, "content", 1, CONTENT_MAX, true);
    if (!in.failed && strspn(content, " \t\r\n") == strlen(content))
        api_invalid(&in, "content", "content must say something");
    if (source == DRAFT_SOURCE_MEETING)
        read_meeting(&in, w, d.region);
    if (source != DRAFT_SOURCE_DEPUTY)
        read_person(&in, w);
    api_draft_read_idempotency(&in, w->key);
    char deputy_name[256] = "";
    if (!in.failed && source == DRAFT_SOURCE_DEPUTY &&
        store_registry_name(http_reader(r), registry_entity("deputy"), a->deputy_id, deputy_name,
                            sizeof(deputy_name)) != STORE_OK)
        api_invalid(&in, "content", "your account's deputy is no longer in the registry");
    if (!in.failed) {
        w->content = strdup(content);
        if (source == DRAFT_SOURCE_DEPUTY)
            w->author = strdup(deputy_name);
    }
    json_decref(body);
    if (in.failed) {
        comment_write_free(w);
        free(w);
        store_draft_free(&d);
        return 0;
    }
    snprintf(w->region, sizeof(w->region), "%s", d.region);
    snprintf(w->source, sizeof(w->source), "%s", draft_source_name(source));
    c->draft_id = d.id;
    c->article_id = article_id;
    c->source = w->source;
    c->deputy_id = source == DRAFT_SOURCE_DEPUTY ? a->deputy_id : 0;
    c->meeting = w->meeting ? w->meeting : "";
    c->author = w->author ? w->author : "";
    c->name_sealed = w->name_sealed;
    c->phone_sealed = w->phone_sealed;
    c->phone_hash = w->phone_hash;
    c->phone4 = w->phone4;
    c->content = w->content;
    c->idempotency_key = w->key;
    c->created_by = a ? a->user_id : 0;
    w->staff_view = is_staff(a);
    store_draft_free(&d);
    api_who(r, &w->who);
    w->super.run = comment_run;
    w->super.respond = comment_respond;
    http_write(r, &w->super);
    return 0;
}

/* POST /api/v1/drafts/:id/articles/:number/comments: anyone; the public is rate-limited. */
int api_draft_comments_create(http_req_t *r)
{
    const config_t *cfg = http_config(r);
    if (r->session == NULL && api_rate_limited(r, "form", cfg->form_per_minute, 60,
                                               "too many comments from this address; try again in a minute"))
        return 0;
    return create_comment(r, false);
}

/* POST /api/v1/drafts/:id/articles/:number/meeting-comments: staff record a meeting's. */
int api_draft_comments_record(http_req_t *r)
{
    return create_comment(r, true);
}

/* ---- reading and reviewing ------------------------------------------------------------------ */

typedef struct {
    json_t *items;
    json_t *topics; /* the deputy's followed topics; NULL: every comment */
    int64_t article_id;
} comment_list_t;

static int add_topic(const char *topic, void *arg)
{
    json_array_append_new(arg, json_string(topic));
    return 0;
}

static bool followed(const json_t *topics, const char *topic)
{
    size_t i;
    json_t *t;
    json_array_foreach(topics, i, t) if (strcmp(json_string_value(t), topic) == 0) return true;
    return false;
}

static int list_comment(const store_draft_comment_t *c, void *arg)
{
    comment_list_t *l = arg;
    if (l->topics == NULL || followed(l->topics, c->article_topic))
        json_array_append_new(l->items, api_draft_comment_json(c, true));
    return 0;
}

/* GET /api/v1/drafts/:id/comments?article=N: the office and the station staff of the draft's
 * region see every comment; a deputy those on the topics they follow. */
int api_draft_comments_list(http_req_t *r)
{
    store_draft_t d;
    if (!api_draft_load(r, &d))
        return 0;
    const actor_t *a = http_actor(r);
    comment_list_t l = {.items = json_array()};
    policy_target_t whole = {.region = d.region};
    int rc = STORE_OK;
    if (policy_check(a, "draft.comments", &whole) != POLICY_ALLOW && a && a->deputy_id) {
        l.topics = json_array();
        rc = store_draft_follows_each(http_reader(r), d.id, a->deputy_id, add_topic, l.topics);
    }
    policy_target_t t = {.region = d.region, .deputy_id = l.topics && json_array_size(l.topics) ? a->deputy_id : 0};
    long number = api_query_long(r, "article", 0, 1, DRAFT_MAX_NUMBER);
    char topic[256];
    bool ok = rc == STORE_OK && number >= 0 && http_authorize(r, &t, false);
    if (ok && number > 0 &&
        store_draft_article_find(http_reader(r), d.id, (int)number, &l.article_id, topic) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "the draft has no such article", "article");
        ok = false;
    }
    if (ok)
        rc = store_draft_comments_each(http_reader(r), d.id, l.article_id, list_comment, &l);
    if (rc != STORE_OK)
        http_reply_internal(r, "cannot list comments");
    else if (ok)
        http_reply_json(r, 200, json_pack("{s:O}", "items", l.items));
    json_decref(l.items);
    json_decref(l.topics);
    store_draft_free(&d);
    return 0;
}

typedef struct {
    http_write_t super;
    api_who_t who;
    int64_t id;
    bool adopted;
    char region[13], note[NOTE_MAX * 4 + 1];
} review_write_t;

static int review_run(http_write_t *sw, store_t *db)
{
    review_write_t *w = (review_write_t *)sw;
    int rc = store_draft_comment_review(db, w->id, w->adopted, w->note, w->who.actor_id, time(NULL));
    return rc ? rc
              : api_audit(db, &w->who, "draft.adopt", "draft_comment", w->id, w->region,
                          w->adopted ? "adopted" : "not adopted");
}

static void review_respond(http_write_t *sw, http_req_t *r, int status)
{
    review_write_t *w = (review_write_t *)sw;
    if (r == NULL)
        return;
    if (status != STORE_OK)
        http_reply_internal(r, "cannot record the decision");
    else
        reply_comment(r, 200, w->id, true);
}

/* POST /api/v1/comments/:id/adopt {adopted, note?}: 采纳 or not, with a note. */
int api_draft_comments_adopt(http_req_t *r)
{
    int64_t id = api_param_id(r, 0), draft_id = 0;
    if (id == 0)
        return 0;
    store_draft_t d;
    if (store_draft_comment_draft(http_reader(r), id, &draft_id) != STORE_OK ||
        store_draft_get(http_reader(r), draft_id, &d) != STORE_OK) {
        http_reply_error(r, 404, "not_found", "no such comment", NULL);
        return 0;
    }
    policy_target_t t = {.region = d.region};
    json_t *body = http_authorize(r, &t, true) ? http_json_body(r) : NULL;
    if (body == NULL) {
        store_draft_free(&d);
        return 0;
    }
    review_write_t *w = http_write_new(r, sizeof(*w));
    api_input_t in = {r, body, false};
    static const char *const fields[] = {"adopted", "note", NULL};
    api_only(&in, fields);
    int adopted = api_bool(&in, "adopted");
    if (!in.failed && adopted < 0)
        api_invalid(&in, "adopted", "adopted is required: true or false");
    const char *note = api_text(&in, "note", 0, NOTE_MAX, false);
    if (!in.failed) {
        w->id = id;
        w->adopted = adopted == 1;
        snprintf(w->note, sizeof(w->note), "%s", note ? note : "");
        snprintf(w->region, sizeof(w->region), "%s", d.region);
    }
    json_decref(body);
    store_draft_free(&d);
    if (in.failed) {
        free(w);
        return 0;
    }
    api_who(r, &w->who);
    w->super.run = review_run;
    w->super.respond = review_respond;
    http_write(r, &w->super);
    return 0;
}

/* ---- the feedback report -------------------------------------------------------------------- */

typedef struct {
    json_t *articles; /* the report's articles, in number order */
    size_t at;        /* the article the comments walk has reached */
    int64_t totals[DRAFT_SOURCE_COUNT + 1];
    int64_t adopted;
} report_t;

static int report_article(const store_draft_article_t *a, void *arg)
{
    report_t *rep = arg;
    char label[DRAFT_NUMERAL_MAX + 8];
    draft_article_label(a->number, label);
    json_array_append_new(rep->articles,
                          json_pack("{s:i, s:s, s:s, s:s, s:s, s:{s:i, s:i, s:i, s:i}, s:i, s:[]}", "number", a->number,
                                    "label", label, "heading", a->heading, "topic", a->topic, "text", a->text, "counts",
                                    "online", 0, "deputy", 0, "meeting", 0, "total", 0, "adopted", 0, "comments"));
    return 0;
}

static void bump(json_t *obj, const char *key)
{
    json_object_set_new(obj, key, json_integer(json_integer_value(json_object_get(obj, key)) + 1));
}

static int report_comment(const store_draft_comment_t *c, void *arg)
{
    report_t *rep = arg;
    json_t *article = json_array_get(rep->articles, rep->at);
    /* both walks go in number order: move on to the comment's article */
    while (article && json_integer_value(json_object_get(article, "number")) != c->article_number)
        article = json_array_get(rep->articles, ++rep->at);
    if (article == NULL)
        return -1;
    json_t *counts = json_object_get(article, "counts");
    bump(counts, c->source);
    bump(counts, "total");
    if (c->adopted)
        bump(article, "adopted");
    json_array_append_new(json_object_get(article, "comments"), api_draft_comment_json(c, true));
    int source = draft_source_from_name(c->source);
    rep->totals[source < 0 ? DRAFT_SOURCE_ONLINE : source]++;
    rep->totals[DRAFT_SOURCE_COUNT]++;
    rep->adopted += c->adopted;
    return 0;
}

/* The report of draft d, read from db: NULL on a read error. */
static json_t *report_json(store_t *db, const store_draft_t *d)
{
    report_t rep = {.articles = json_array()};
    int rc = store_draft_articles_each(db, d->id, report_article, &rep);
    if (rc == STORE_OK)
        rc = store_draft_comments_each(db, d->id, 0, report_comment, &rep);
    if (rc != STORE_OK) {
        json_decref(rep.articles);
        return NULL;
    }
    return json_pack("{s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:o}", "draft", api_draft_json(db, d), "totals", "online",
                     (json_int_t)rep.totals[DRAFT_SOURCE_ONLINE], "deputy", (json_int_t)rep.totals[DRAFT_SOURCE_DEPUTY],
                     "meeting", (json_int_t)rep.totals[DRAFT_SOURCE_MEETING], "total",
                     (json_int_t)rep.totals[DRAFT_SOURCE_COUNT], "adopted", (json_int_t)rep.adopted, "articles",
                     rep.articles);
}

/* The draft of the route, for the office and the station staff of its region; else answers. */
static bool load_for_report(http_req_t *r, store_draft_t *d)
{
    if (!api_draft_load(r, d))
        return false;
    policy_target_t t = {.region = d->region};
    if (http_authorize(r, &t, false))
        return true;
    store_draft_free(d);
    return false;
}

int api_draft_report(http_req_t *r)
{
    store_draft_t d;
    if (!load_for_report(r, &d))
        return 0;
    json_t *j = report_json(http_reader(r), &d);
    store_draft_free(&d);
    if (j == NULL)
        http_reply_internal(r, "cannot make the report");
    else
        http_reply_json(r, 200, j);
    return 0;
}

enum { SHEET_COLUMNS = 9 };

static const char *const sheet_headers[2][SHEET_COLUMNS] = {
    {"条款", "专题", "来源", "联络站", "座谈会", "提出人", "意见内容", "是否采纳", "采纳说明"},
    {"Article", "Topic", "Source", "Station", "Meeting", "Author", "Comment", "Adopted", "Note"},
};

static const char *source_word(const char *source, bool english)
{
    static const char *const words[2][DRAFT_SOURCE_COUNT] = {{"网上", "代表", "座谈会"},
                                                             {"online", "deputy", "meeting"}};
    int s = draft_source_from_name(source);
    return words[english][s < 0 ? 0 : s];
}

/* One sheet row per comment, article by article; an article nobody commented on gets a row
 * saying so, so the sheet covers the whole draft. */
static json_t *sheet_rows(const json_t *report, bool english)
{
    json_t *rows = json_array();
    size_t i, k;
    json_t *article, *c;
    json_array_foreach(json_object_get(report, "articles"), i, article)
    {
        const char *label = json_string_value(json_object_get(article, "label"));
        const char *topic = json_string_value(json_object_get(article, "topic"));
        json_t *comments = json_object_get(article, "comments");
        if (json_array_size(comments) == 0)
            json_array_append_new(rows, json_pack("[s, s, s, s, s, s, s, s, s]", label, topic, "", "", "", "",
                                                  english ? "(no comments)" : "（无意见）", "", ""));
        json_array_foreach(comments, k, c)
        {
            json_t *station = json_object_get(c, "station");
            bool adopted = json_is_true(json_object_get(c, "adopted"));
            json_array_append_new(rows, json_pack("[s, s, s, s, s, s, s, s, s]", label, topic,
                                                  source_word(json_string_value(json_object_get(c, "source")), english),
                                                  station ? json_string_value(json_object_get(station, "name")) : "",
                                                  json_string_value(json_object_get(c, "meeting")),
                                                  json_string_value(json_object_get(c, "author")),
                                                  json_string_value(json_object_get(c, "content")),
                                                  adopted ? (english ? "yes" : "采纳") : (english ? "no" : "未采纳"),
                                                  json_string_value(json_object_get(c, "adoption_note"))));
        }
    }
    return rows;
}

/* The .xlsx, made on a worker with a read connection of its own. */
typedef struct {
    http_task_t super;
    int64_t draft_id;
    bool english;
    const char *db_path;
    buf_t out;
    char err[128];
} sheet_task_t;

static void sheet_run(http_task_t *task)
{
    sheet_task_t *t = (sheet_task_t *)task;
    store_t *db;
    if (store_open(&db, t->db_path, STORE_READ_ONLY, t->err, sizeof(t->err)) != STORE_OK)
        return;
    store_draft_t d;
    json_t *report = store_draft_get(db, t->draft_id, &d) == STORE_OK ? report_json(db, &d) : NULL;
    store_draft_free(&d);
    if (report == NULL) {
        snprintf(t->err, sizeof(t->err), "cannot read the report");
    } else {
        json_t *rows = sheet_rows(report, t->english);
        if (xlsx_table(t->english ? "Consultation feedback" : "立法征求意见反馈", sheet_headers[t->english],
                       SHEET_COLUMNS, rows, &t->out, t->err, sizeof(t->err)) != 0)
            buf_reset(&t->out);
        json_decref(rows);
        json_decref(report);
    }
    store_close(db);
}

static void sheet_respond(http_task_t *task, http_req_t *r)
{
    sheet_task_t *t = (sheet_task_t *)task;
    if (r && t->out.len == 0) {
        http_reply_internal(r, t->err[0] ? t->err : "cannot make the sheet");
    } else if (r) {
        char disposition[96];
        snprintf(disposition, sizeof(disposition), "attachment; filename=\"draft-%lld-report.xlsx\"",
                 (long long)t->draft_id);
        http_add_header(r, "content-disposition", disposition);
        http_reply_text(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", t->out.data,
                        t->out.len);
    }
    buf_free(&t->out);
}

int api_draft_report_xlsx(http_req_t *r)
{
    store_draft_t d;
    if (!load_for_report(r, &d))
        return 0;
    const char *lang = http_query(r, "lang");
    sheet_task_t *t = http_task_new(r, sizeof(*t));
    t->draft_id = d.id;
    t->english = lang && strcmp(lang, "en") == 0;
    t->db_path = http_config(r)->db;
    buf_init(&t->out);
    store_draft_free(&d);
    t->super.run = sheet_run;
    t->super.respond = sheet_respond;
    http_task(r, &t->super);
    return 0;
}
