/*
 * opinion_reports: the figures of a region or station (collected, answered, feedback rate,
 * satisfaction, overdue; by category and by channel) and a station's three record books as JSON
 * for the printable page, CSV or a real .xlsx.
 *
 * Every figure comes with the list query that drills into it, and counts exactly what that list
 * shows: both read the same rows with the same conditions (store/opinions.c). A book is logged
 * first (it names people), then made on a worker with a read connection of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/opinion_common.h"
#include "auth/vault.h"
#include "core/calendar.h"
#include "core/csv.h"
#include "core/utf8.h"
#include "core/xlsx.h"
#include "store/activities.h"
#include "domain/books.h"
#include "domain/region.h"
#include "store/registry.h"

enum { MAX_CATEGORIES = 128 };

typedef struct {
    int64_t id;
    char code[32], name[64], name_en[64];
} category_t;

typedef struct {
    category_t list[MAX_CATEGORIES];
    int n;
} categories_t;

static int keep_category(const store_category_t *c, void *arg)
{
    categories_t *all = arg;
    if (all->n == MAX_CATEGORIES)
        return 1;
    category_t *k = &all->list[all->n++];
    k->id = c->id;
    snprintf(k->code, sizeof(k->code), "%s", c->code);
    snprintf(k->name, sizeof(k->name), "%s", c->name);
    snprintf(k->name_en, sizeof(k->name_en), "%s", c->name_en);
    return 0;
}

static const category_t *category_of(const categories_t *all, int64_t id)
{
    for (int i = 0; i < all->n; i++)
        if (all->list[i].id == id)
            return &all->list[i];
    return NULL;
}

/* The scope a report covers: ?region= inside the actor's own (default: theirs) and optionally
 * ?station= inside it. Answers and returns false when either is out of bounds. */
static bool report_scope(http_req_t *r, char region[13], int64_t *station)
{
    const char *code = http_query(r, "region");
    const actor_t *a = http_actor(r);
    if (code && (!region_code_valid(code) || !region_in_scope(a->region, code))) {
        http_reply_error(r, 403, "out_of_scope", "region lies outside your region", "region");
        return false;
    }
    snprintf(region, 13, "%s", code ? code : a->region);
    long id = api_query_long(r, "station", 0, 0, INT32_MAX);
    if (id < 0)
        return false;
    char station_region[13];
    if (id && (store_registry_region(http_reader(r), registry_entity("station"), id, station_region) != STORE_OK ||
               !region_in_scope(region, station_region))) {
        http_reply_error(r, 404, "not_found", "no such station in that region", "station");
        return false;
    }
    *station = id;
    return true;
}

/* ---- figures ----------------------------------------------------------------------------------- */

static json_t *figures_json(int64_t collected, int64_t answered, int64_t rated, int64_t satisfied, int64_t overdue)
{
    json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I}", "collected", (json_int_t)collected, "answered",
                          (json_int_t)answered, "rated", (json_int_t)rated, "satisfied", (json_int_t)satisfied,
                          "overdue", (json_int_t)overdue);
    /* 反馈率 and 满意率 (满意 + 基本满意 over those rated); none when nothing to divide by */
    json_object_set_new(j, "feedback_rate", collected ? json_real((double)answered / (double)collected) : json_null());
    json_object_set_new(j, "satisfaction_rate", rated ? json_real((double)satisfied / (double)rated) : json_null());
    return j;
}

static void add_figures(json_t *j, const store_opinion_figures_t *f)
{
    const char *keys[] = {"collected", "answered", "rated", "satisfied", "overdue"};
    const int64_t values[] = {f->collected, f->answered, f->rated, f->satisfied, f->overdue};
    for (int i = 0; i < 5; i++)
        json_object_set_new(j, keys[i], json_integer(json_integer_value(json_object_get(j, keys[i])) + values[i]));
}

typedef struct {
    store_opinion_figures_t total;
    json_t *by_category, *by_channel; /* objects keyed by category id / channel while summing */
} figures_walk_t;

static json_t *bucket(json_t *map, const char *key)
{
    json_t *b = json_object_get(map, key);
    if (b == NULL) {
        b = json_object();
        json_object_set_new(map, key, b);
    }
    return b;
}

static int sum_figures(const store_opinion_figures_t *f, void *arg)
{
    figures_walk_t *w = arg;
    w->total.collected += f->collected;
    w->total.answered += f->answered;
    w->total.rated += f->rated;
    w->total.satisfied += f->satisfied;
    w->total.overdue += f->overdue;
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)f->category_id);
    add_figures(bucket(w->by_category, id), f);
    add_figures(bucket(w->by_channel, f->channel), f);
    return 0;
}

/* The summed buckets of map as a list, each with its rates and what names it. */
static json_t *bucket_list(json_t *map, const categories_t *categories)
{
    json_t *list = json_array();
    const char *key;
    json_t *b;
    json_object_foreach(map, key, b)
    {
        json_t *item = figures_json(json_integer_value(json_object_get(b, "collected")),
                                    json_integer_value(json_object_get(b, "answered")),
                                    json_integer_value(json_object_get(b, "rated")),
                                    json_integer_value(json_object_get(b, "satisfied")),
                                    json_integer_value(json_object_get(b, "overdue")));
        if (categories) {
            const category_t *c = category_of(categories, strtoll(key, NULL, 10));
            json_object_set_new(item, "category_id", json_integer(strtoll(key, NULL, 10)));
            json_object_set_new(item, "code", json_string(c ? c->code : ""));
            json_object_set_new(item, "name", json_string(c ? c->name : ""));
            json_object_set_new(item, "name_en", json_string(c ? c->name_en : ""));
        } else {
            json_object_set_new(item, "channel", json_string(key));
        }
        json_array_append_new(list, item);
    }
    return list;
}

/* The list queries each figure drills into. */
static json_t *drill_links(http_req_t *r, const char *region, int64_t station)
{
    char base[256];
    int n = snprintf(base, sizeof(base), "/api/v1/opinions?region=%s", region);
    if (station)
        n += snprintf(base + n, sizeof(base) - (size_t)n, "&station=%lld", (long long)station);
    const char *names[] = {"from", "to"};
    for (int i = 0; i < 2; i++) {
        const char *v = http_query(r, names[i]);
        if (v)
            n += snprintf(base + n, sizeof(base) - (size_t)n, "&%s=%.10s", names[i], v);
    }
    const char *keys[] = {"collected", "answered", "rated", "satisfied", "overdue"};
    const char *extra[] = {"", "&answered=1", "&rated=1", "&satisfied=1", "&flag=overdue"};
    json_t *links = json_object();
    for (int i = 0; i < 5; i++) {
        char link[320];
        snprintf(link, sizeof(link), "%s%s", base, extra[i]);
        json_object_set_new(links, keys[i], json_string(link));
    }
    return links;
}

int api_stats(http_req_t *r)
{
    char region[13], hi[14];
    int64_t station = 0;
    store_opinion_filter_t f = {0};
    if (!report_scope(r, region, &station) || !api_opinion_read_period(r, &f.created_from, &f.created_to))
        return 0;
    region_subtree_upper(region, hi);
    f.region_lo = region;
    f.region_hi = hi;
    f.station_id = station;
    categories_t categories = {.n = 0};
    figures_walk_t w = {.by_category = json_object(), .by_channel = json_object()};
    int rc = store_categories_each(http_reader(r), keep_category, &categories);
    if (rc == STORE_OK)
        rc = store_opinion_figures(http_reader(r), &f, time(NULL), sum_figures, &w);
    if (rc != STORE_OK) {
        json_decref(w.by_category);
        json_decref(w.by_channel);
        http_reply_internal(r, "cannot count opinions");
        return 0;
    }
    json_t *body = json_pack("{s:s, s:o, s:o, s:o, s:o}", "region", region, "totals",
                             figures_json(w.total.collected, w.total.answered, w.total.rated, w.total.satisfied,
                                          w.total.overdue),
                             "by_category", bucket_list(w.by_category, &categories), "by_channel",
                             bucket_list(w.by_channel, NULL), "lists", drill_links(r, region, station));
    if (station)
        json_object_set_new(body, "station_id", json_integer(station));
    json_decref(w.by_category);
    json_decref(w.by_channel);
    http_reply_json(r, 200, body);
    return 0;
}

/* ---- record books ----------------------------------------------------------------------------- */

typedef enum { FORMAT_JSON, FORMAT_CSV, FORMAT_XLSX } book_format_t;

/* What a book is made of; copied from the request so a worker can make it on its own. */
typedef struct {
    const book_t *book;
    book_format_t format;
    bool english;
    int64_t station, from, to;
    char region[13], station_name[256], period[32];
} book_order_t;

typedef struct {
    http_write_t super;
    api_who_t who;
    book_order_t order;
} book_write_t;

/* 2. On a worker, with a read connection of its own: the book, as the bytes to send. */
typedef struct {
    http_task_t super;
    book_order_t order;
    const char *db_path;
    const vault_t *vault;
    buf_t out;
    const char *content_type;
    char err[128];
} book_task_t;

typedef struct {
    const book_order_t *order;
    store_t *db;
    const vault_t *vault;
    categories_t categories;
    json_t *rows;
    buf_t units;
    int64_t *times; /* when each row happened, to interleave visits and opinions by date */
    size_t ntimes;
} book_walk_t;

static void add_row(book_walk_t *w, json_t *row, int64_t at)
{
    int64_t *grown = realloc(w->times, (w->ntimes + 1) * sizeof(*grown));
    if (grown == NULL)
        abort();
    w->times = grown;
    w->times[w->ntimes++] = at;
    json_array_append_new(w->rows, row);
}

static int add_unit(const store_referral_t *ref, void *arg)
{
    buf_t *units = arg;
    buf_addf(units, "%s%s", units->len ? "、" : "", ref->unit_name);
    return 0;
}

static json_t *date_cell(int64_t t)
{
    char date[11] = "";
    if (t)
        calendar_format_date(calendar_day_of(t), date);
    return json_string(date);
}

static json_t *cell(book_walk_t *w, const store_opinion_t *o, book_column_t col)
{
    bool en = w->order->english;
    const category_t *c;
    switch (col) {
    case COL_CODE: return json_string(o->tracking_code);
    case COL_DATE: return date_cell(o->created_at);
    case COL_CHANNEL: return json_string(book_channel_word(o->channel, en));
    case COL_PERSON: return api_masked_name(w->vault, o->name_sealed);
    case COL_PHONE: return json_string(o->phone4);
    case COL_CATEGORY:
        c = category_of(&w->categories, o->category_id);
        return json_string(c ? (en ? c->name_en : c->name) : "");
    case COL_CONTENT: return json_string(o->content);
    case COL_HANDLING: return json_string(book_handling_word(o->disposition, en));
    case COL_UNITS:
        buf_reset(&w->units);
        if (store_referrals_of(w->db, o->id, add_unit, &w->units) != STORE_OK)
            return NULL;
        return json_string(w->units.data ? w->units.data : "");
    case COL_STATE: return json_string(book_state_word(o->state, en));
    case COL_ANSWERED: return date_cell(o->answered_at);
    case COL_ANSWER: return json_string(o->answer ? o->answer : "");
    case COL_RATING: return json_string(book_rating_word(o->rating, en));
    case COL_COMMENT: return json_string(o->rating_comment ? o->rating_comment : "");
    case COL_RECEIVED:
    case COL_COUNT: break;
    }
    return json_string("");
}

static int book_row(const store_opinion_t *o, void *arg)
{
    book_walk_t *w = arg;
    const book_t *book = w->order->book;
    if (!book_holds(book, o->channel, o->answer != NULL, o->visit_id != 0))
        return 0;
    json_t *row = json_array();
    for (int i = 0; i < book->ncols; i++) {
        json_t *v = cell(w, o, book->columns[i]);
        if (v == NULL) {
            json_decref(row);
            return -1;
        }
        json_array_append_new(row, v);
    }
    add_row(w, row, o->created_at);
    return 0;
}

/* What a visitor raised, as the reception book's state column tells it: each opinion's code and
 * how it stands. */
static int raised(const store_opinion_t *o, void *arg)
{
    book_walk_t *w = arg;
    bool en = w->order->english;
    buf_addf(&w->units, "%s%s%s (%s)", w->units.len ? "; " : "", en ? "opinion " : "意见 ", o->tracking_code,
             book_state_word(o->state, en));
    return 0;
}

static json_t *visit_cell(book_walk_t *w, const store_visit_t *v, book_column_t col)
{
    switch (col) {
    case COL_DATE: return date_cell(v->created_at);
    case COL_CHANNEL: return json_string(book_channel_word("reception", w->order->english));
    case COL_PERSON: return api_masked_name(w->vault, v->name_sealed);
    case COL_PHONE: return json_string(v->phone4);
    case COL_CONTENT: return json_string(v->topic);
    case COL_RECEIVED: return json_string(v->received_by);
    case COL_STATE:
        buf_reset(&w->units);
        if (store_opinions_of_visit(w->db, v->id, raised, w) != STORE_OK)
            return NULL;
        return json_string(w->units.data ? w->units.data : "");
    default: return json_string("");
    }
}

/* A reception visit: a row of the reception book. */
static int visit_row(const store_visit_t *v, void *arg)
{
    book_walk_t *w = arg;
    const book_t *book = w->order->book;
    json_t *row = json_array();
    for (int i = 0; i < book->ncols; i++) {
        json_t *cell_value = visit_cell(w, v, book->columns[i]);
        if (cell_value == NULL) {
            json_decref(row);
            return -1;
        }
        json_array_append_new(row, cell_value);
    }
    add_row(w, row, v->created_at);
    return 0;
}

typedef struct {
    int64_t at;
    size_t index;
    json_t *row;
} dated_row_t;

static int by_date(const void *a, const void *b)
{
    const dated_row_t *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The rows oldest first, as a book reads, whichever list each came from. */
static void order_by_date(book_walk_t *w)
{
    size_t n = json_array_size(w->rows);
    dated_row_t *list = calloc(n + 1, sizeof(*list));
    if (list == NULL)
        abort();
    for (size_t i = 0; i < n; i++)
        list[i] = (dated_row_t){w->times[i], i, json_incref(json_array_get(w->rows, i))};
    qsort(list, n, sizeof(*list), by_date);
    json_array_clear(w->rows);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(w->rows, list[i].row);
    free(list);
}

static void write_csv(const book_order_t *order, const char *const *headers, const json_t *rows, buf_t *out)
{
    int ncols = order->book->ncols;
    buf_adds(out, CSV_BOM);
    for (int i = 0; i < ncols; i++) {
        if (i)
            buf_addc(out, ',');
        csv_write_cell(out, headers[i], 1);
    }
    size_t n;
    json_t *row;
    json_array_foreach(rows, n, row)
    {
        buf_adds(out, "\r\n");
        for (int i = 0; i < ncols; i++) {
            if (i)
                buf_addc(out, ',');
            csv_write_cell(out, json_string_value(json_array_get(row, (size_t)i)), 1);
        }
    }
    buf_adds(out, "\r\n");
}

static void write_json(const book_order_t *order, json_t *rows, buf_t *out)
{
    const book_t *book = order->book;
    json_t *columns = json_array();
    for (int i = 0; i < book->ncols; i++)
        json_array_append_new(columns, json_pack("{s:s, s:s}", "key", book_column_key(book->columns[i]), "label",
                                                 book_column_header(book->columns[i], order->english)));
    json_t *j = json_pack("{s:s, s:s, s:s, s:{s:I, s:s}, s:s, s:o, s:O}", "book", book->name, "title", book->title,
                          "title_en", book->title_en, "station", "id", (json_int_t)order->station, "name",
                          order->station_name, "period", order->period, "columns", columns, "rows", rows);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (text)
        buf_adds(out, text);
    free(text);
}

/* Reads the book's rows and writes them in the format asked for; 0, or -1 with t->err. */
static int make_book(book_task_t *t, store_t *db)
{
    const book_order_t *order = &t->order;
    book_walk_t walk = {.order = order, .db = db, .vault = t->vault, .rows = json_array()};
    buf_init(&walk.units);
    int rc = store_categories_each(db, keep_category, &walk.categories);
    if (rc == STORE_OK)
        rc = store_opinions_of_station(db, order->station, order->from, order->to, book_row, &walk);
    store_visit_filter_t visits = {.station_id = order->station, .from = order->from, .to = order->to};
    if (rc == STORE_OK && order->book == book_get(BOOK_RECEPTION))
        rc = store_visits_each(db, &visits, visit_row, &walk);
    if (rc == STORE_OK)
        order_by_date(&walk);
    buf_free(&walk.units);
    free(walk.times);
    const char *headers[COL_COUNT];
    for (int i = 0; i < order->book->ncols; i++)
        headers[i] = book_column_header(order->book->columns[i], order->english);
    if (rc != STORE_OK)
        snprintf(t->err, sizeof(t->err), "cannot read a record book");
    else if (order->format == FORMAT_JSON)
        write_json(order, walk.rows, &t->out);
    else if (order->format == FORMAT_CSV)
        write_csv(order, headers, walk.rows, &t->out);
    else if (xlsx_table(order->english ? order->book->title_en : order->book->title, headers, order->book->ncols,
                        walk.rows, &t->out, t->err, sizeof(t->err)) != 0)
        rc = STORE_ERR;
    json_decref(walk.rows);
    return rc == STORE_OK ? 0 : -1;
}

static void book_task_run(http_task_t *task)
{
    book_task_t *t = (book_task_t *)task;
    store_t *db;
    if (store_open(&db, t->db_path, STORE_READ_ONLY, t->err, sizeof(t->err)) != STORE_OK)
        return;
    if (make_book(t, db) != 0)
        buf_reset(&t->out);
    store_close(db);
}

static void book_task_respond(http_task_t *task, http_req_t *r)
{
    book_task_t *t = (book_task_t *)task;
    static const char *const types[] = {"application/json", "text/csv; charset=utf-8",
                                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
    if (r && t->out.len == 0) {
        http_reply_internal(r, t->err[0] ? t->err : "cannot make a record book");
    } else if (r) {
        if (t->order.format != FORMAT_JSON) {
            char disposition[256];
            snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s-%lld-%s.%s\"", t->order.book->name,
                     (long long)t->order.station, t->order.period, t->order.format == FORMAT_CSV ? "csv" : "xlsx");
            http_add_header(r, "content-disposition", disposition);
        }
        http_reply_text(r, 200, types[t->order.format], t->out.data, t->out.len);
    }
    buf_free(&t->out);
}

/* A book names people, so making one is a read of personal data: it goes in the audit log. */
static int book_run(http_write_t *w, store_t *db)
{
    book_write_t *b = (book_write_t *)w;
    char detail[96];
    snprintf(detail, sizeof(detail), "%s %s", b->order.book->name, b->order.period);
    return api_audit(db, &b->who, "personal.read", "station", b->order.station, b->order.region, detail);
}

/* 1. Logged: now a worker makes it (a big station's book takes a while; the loop goes on). */
static void book_respond(http_write_t *w, http_req_t *r, int status)
{
    book_write_t *b = (book_write_t *)w;
    if (r == NULL)
        return;
    if (status != STORE_OK) {
        http_reply_internal(r, "cannot log a record book");
        return;
    }
    book_task_t *t = http_task_new(r, sizeof(*t));
    t->order = b->order;
    t->db_path = http_config(r)->db;
    t->vault = http_vault(r);
    buf_init(&t->out);
    t->super.run = book_task_run;
    t->super.respond = book_task_respond;
    http_task(r, &t->super);
}

int api_station_book(http_req_t *r)
{
    int64_t station = api_param_id(r, 0);
    if (station == 0)
        return 0;
    const book_t *book = book_by_name(http_param(r, 1));
    char region[13], name[256];
    if (book == NULL || store_registry_region(http_reader(r), registry_entity("station"), station, region) != STORE_OK ||
        store_registry_name(http_reader(r), registry_entity("station"), station, name, sizeof(name)) != STORE_OK) {
        http_reply_error(r, 404, "not_found", book ? "no such station" : "no such record book", NULL);
        return 0;
    }
    policy_target_t t = {.region = region};
    if (!http_authorize(r, &t, true))
        return 0;
    const char *format = http_query(r, "format");
    book_format_t fmt = format == NULL || strcmp(format, "json") == 0 ? FORMAT_JSON
                        : strcmp(format, "csv") == 0                  ? FORMAT_CSV
                        : strcmp(format, "xlsx") == 0                 ? FORMAT_XLSX
                                                                      : -1;
    if ((int)fmt < 0) {
        http_reply_error(r, 400, "bad_query", "format must be json, csv or xlsx", "format");
        return 0;
    }
    const char *lang = http_query(r, "lang");
    int64_t from, to;
    if (!api_opinion_read_period(r, &from, &to))
        return 0;
    book_write_t *b = http_write_new(r, sizeof(*b));
    api_who(r, &b->who);
    book_order_t *o = &b->order;
    o->book = book;
    o->format = fmt;
    o->english = lang && strcmp(lang, "en") == 0;
    o->station = station;
    o->from = from;
    o->to = to;
    snprintf(o->region, sizeof(o->region), "%s", region);
    snprintf(o->station_name, sizeof(o->station_name), "%s", name);
    snprintf(o->period, sizeof(o->period), "%.10s~%.10s", http_query(r, "from") ? http_query(r, "from") : "",
             http_query(r, "to") ? http_query(r, "to") : "");
    b->super.run = book_run;
    b->super.respond = book_respond;
    http_write(r, &b->super);
    return 0;
}
