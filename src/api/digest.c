/*
 * digest: the weekly digest (一周一汇总) and the biweekly batch referral (半月一交办) - see
 * digest.h. A digest reads a week's new opinions once: it counts them by category and by child
 * region and clusters the newest DIGEST_CLUSTER_MAX of them, then lists every open item past its
 * deadline. Requests are answered from a worker with a read connection of its own, since a busy
 * county's week takes longer to cluster than a loop may wait.
 */
#include "api/digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/opinion_common.h"
#include "core/xlsx.h"
#include "domain/region.h"
#include "store/digests.h"
#include "store/regions.h"

enum { OVERDUE_SHOWN = 200 };

/* ---- shared reads -------------------------------------------------------------------------------- */

static int keep_category(const store_category_t *c, void *arg)
{
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)c->id);
    json_object_set_new(arg, id, json_pack("{s:s, s:s}", "code", c->code, "name", c->name));
    return 0;
}

/* id -> {code, name} of every live category; NULL on a read error. */
static json_t *categories_by_id(store_t *db)
{
    json_t *map = json_object();
    if (store_categories_each(db, keep_category, map) != STORE_OK) {
        json_decref(map);
        return NULL;
    }
    return map;
}

static const char *category_name(const json_t *map, int64_t id)
{
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)id);
    const char *name = json_string_value(json_object_get(json_object_get(map, key), "name"));
    return name ? name : "";
}

static json_t *region_json(store_t *db, const char *code)
{
    store_region_t g;
    return json_pack("{s:s, s:s}", "code", code, "name", store_region_get(db, code, &g) == STORE_OK ? g.name : "");
}

static void day_text(int64_t t, char out[11])
{
    calendar_format_date(calendar_day_of(t), out);
}

/* ---- the weekly digest ---------------------------------------------------------------------------- */

typedef struct {
    size_t child_len;       /* the child regions' prefix length */
    json_t *by_category;    /* category id -> count */
    json_t *by_region;      /* child code -> count */
    json_t *summaries;      /* the newest DIGEST_CLUSTER_MAX, newest first */
    char **texts;           /* their contents, same order */
    int64_t count;
} week_walk_t;

static void bump(json_t *map, const char *key)
{
    json_object_set_new(map, key, json_integer(json_integer_value(json_object_get(map, key)) + 1));
}

static int count_new(const store_opinion_t *o, void *arg)
{
    week_walk_t *w = arg;
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)o->category_id);
    bump(w->by_category, key);
    snprintf(key, sizeof(key), "%.*s000000000000", (int)w->child_len, o->region);
    key[REGION_CODE_LEN] = '\0';
    bump(w->by_region, key);
    size_t n = json_array_size(w->summaries);
    if (n < DIGEST_CLUSTER_MAX) {
        json_array_append_new(w->summaries, api_opinion_summary_json(o));
        w->texts[n] = strdup(o->content);
        if (w->texts[n] == NULL)
            abort();
    }
    w->count++;
    return 0;
}

static int keep_region_name(const store_region_t *g, void *arg)
{
    json_object_set_new(arg, g->code, json_string(g->name));
    return 0;
}

static int by_count(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t cx = json_integer_value(json_object_get(x, "count")), cy = json_integer_value(json_object_get(y, "count"));
    if (cx != cy)
        return cx > cy ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x, "code")), json_string_value(json_object_get(y, "code")));
}

/* The entries of list sorted by count, most first, then by code. */
static json_t *sorted(json_t *list)
{
    size_t n = json_array_size(list);
    json_t **items = calloc(n + 1, sizeof(*items));
    if (items == NULL)
        abort();
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(list, i));
    qsort(items, n, sizeof(*items), by_count);
    json_array_clear(list);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, items[i]);
    free(items);
    return list;
}

/* Clusters of two or more among the summaries (clustered oldest first, so the result does not
 * depend on how the read ordered them). */
static json_t *clusters_json(week_walk_t *w)
{
    size_t n = json_array_size(w->summaries);
    const char **texts = calloc(n + 1, sizeof(*texts));
    if (texts == NULL)
        abort();
    for (size_t i = 0; i < n; i++)
        texts[i] = w->texts[n - 1 - i];
    digest_cluster_t *clusters = NULL;
    size_t count = 0;
    json_t *list = json_array();
    if (digest_cluster(texts, n, DIGEST_SIMILAR, &clusters, &count) == 0)
        for (size_t k = 0; k < count && clusters[k].count > 1; k++) {
            json_t *ids = json_array();
            for (size_t m = 0; m < clusters[k].count; m++)
                json_array_append(ids, json_object_get(json_array_get(w->summaries, n - 1 - clusters[k].members[m]), "id"));
            json_array_append_new(list, json_pack("{s:I, s:O, s:o}", "count", (json_int_t)clusters[k].count, "sample",
                                                  json_array_get(w->summaries, n - 1 - clusters[k].sample), "ids", ids));
        }
    digest_clusters_free(clusters, count);
    free(texts);
    return list;
}

static int keep_summary(const store_opinion_t *o, void *arg)
{
    json_array_append_new(arg, api_opinion_summary_json(o));
    return 0;
}

json_t *api_digest_build(store_t *db, const char *region, const digest_week_t *week, int64_t now)
{
    char hi[14];
    region_subtree_upper(region, hi);
    size_t p = region_prefix_len(region);
    week_walk_t w = {.child_len = p == 2 ? 4 : p == 4 ? 6 : p == 6 ? 9 : 12,
                     .by_category = json_object(),
                     .by_region = json_object(),
                     .summaries = json_array(),
                     .texts = calloc(DIGEST_CLUSTER_MAX, sizeof(char *))};
    if (w.texts == NULL)
        abort();
    store_opinion_filter_t f = {.region_lo = region, .region_hi = hi, .created_from = week->from, .created_to = week->to};
    store_opinion_filter_t late = {.region_lo = region, .region_hi = hi, .open_only = true, .due_from = 1,
                                   .due_to = now - 1};
    json_t *categories = categories_by_id(db), *names = json_object(), *overdue = json_array(), *digest = NULL;
    int64_t overdue_count = 0;
    int rc = categories ? store_opinions_each(db, &f, count_new, &w) : STORE_ERR;
    if (rc == STORE_OK)
        rc = store_region_children(db, region, keep_region_name, names);
    if (rc == STORE_OK)
        rc = store_opinions_count(db, &late, &overdue_count);
    late.limit = OVERDUE_SHOWN;
    if (rc == STORE_OK)
        rc = store_opinions_each(db, &late, keep_summary, overdue);
    if (rc == STORE_OK) {
        json_t *by_category = json_array(), *by_region = json_array(), *own = region_json(db, region);
        const char *key;
        json_t *v;
        json_object_foreach(w.by_category, key, v)
        {
            json_t *c = json_object_get(categories, key);
            json_array_append_new(by_category,
                                  json_pack("{s:I, s:s, s:s, s:O}", "category_id", (json_int_t)strtoll(key, NULL, 10),
                                            "code", c ? json_string_value(json_object_get(c, "code")) : "", "name",
                                            c ? json_string_value(json_object_get(c, "name")) : "", "count", v));
        }
        json_object_foreach(w.by_region, key, v)
        {
            const char *name = json_string_value(json_object_get(names, key));
            if (name == NULL && strcmp(key, region) == 0)
                name = json_string_value(json_object_get(own, "name"));
            json_array_append_new(by_region, json_pack("{s:s, s:s, s:O}", "code", key, "name", name ? name : "", "count", v));
        }
        char from[11], to[11];
        calendar_format_date(week->monday, from);
        calendar_format_date(week->sunday, to);
        digest = json_pack("{s:o, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:I, s:{s:I, s:o}}", "region", own, "week",
                           week->label, "from", from, "to", to, "new", (json_int_t)w.count, "by_category",
                           sorted(by_category), "by_region", sorted(by_region), "clusters", clusters_json(&w),
                           "clustered", (json_int_t)json_array_size(w.summaries), "overdue", "count",
                           (json_int_t)overdue_count, "items", json_incref(overdue));
    }
    for (size_t i = 0; i < json_array_size(w.summaries); i++)
        free(w.texts[i]);
    free(w.texts);
    json_decref(w.summaries);
    json_decref(w.by_category);
    json_decref(w.by_region);
    json_decref(categories);
    json_decref(names);
    json_decref(overdue);
    return digest;
}

/* ---- the digest as a workbook and as text ---------------------------------------------------------- */

static json_t *row_of(const char *a, const char *b, const char *c, const char *d, const char *e)
{
    const char *cells[] = {a, b, c, d, e};
    json_t *row = json_array();
    for (int i = 0; i < 5 && cells[i]; i++)
        json_array_append_new(row, json_string(cells[i]));
    return row;
}

static const char *num(json_int_t n, char buf[24])
{
    snprintf(buf, 24, "%lld", (long long)n);
    return buf;
}

static json_int_t count_of(const json_t *j)
{
    return json_integer_value(json_object_get(j, "count"));
}

static const char *text_of(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? s : "";
}

int api_digest_xlsx(const json_t *digest, buf_t *out, char *err, size_t errlen)
{
    static const char *const fig_headers[] = {"项目", "名称", "件数"};
    static const char *const cluster_headers[] = {"件数", "样例编号", "样例内容", "全部意见编号"};
    static const char *const late_headers[] = {"编号", "状态", "地区", "截止日期", "内容摘要"};
    json_t *figures = json_array(), *clusters = json_array(), *late = json_array();
    char n[24], due[11];
    json_array_append_new(figures, row_of("本周新收意见", text_of(json_object_get(digest, "region"), "name"),
                                          num(json_integer_value(json_object_get(digest, "new")), n), NULL, NULL));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(digest, "by_category"), i, e)
        json_array_append_new(figures, row_of("按类别", text_of(e, "name"), num(count_of(e), n), NULL, NULL));
    json_array_foreach(json_object_get(digest, "by_region"), i, e)
        json_array_append_new(figures, row_of("按地区", text_of(e, "name"), num(count_of(e), n), NULL, NULL));
    json_array_append_new(figures, row_of("超期件", "", num(count_of(json_object_get(digest, "overdue")), n), NULL, NULL));
    json_array_foreach(json_object_get(digest, "clusters"), i, e)
    {
        buf_t ids;
        buf_init(&ids);
        size_t k;
        json_t *id;
        json_array_foreach(json_object_get(e, "ids"), k, id)
            buf_addf(&ids, "%s%lld", k ? "、" : "", (long long)json_integer_value(id));
        json_t *sample = json_object_get(e, "sample");
        json_array_append_new(clusters, row_of(num(count_of(e), n), text_of(sample, "tracking_code"),
                                               text_of(sample, "excerpt"), ids.data ? ids.data : "", NULL));
        buf_free(&ids);
    }
    json_array_foreach(json_object_get(json_object_get(digest, "overdue"), "items"), i, e)
    {
        day_text(json_integer_value(json_object_get(e, "due")), due);
        json_array_append_new(late, row_of(text_of(e, "tracking_code"), text_of(e, "state"), text_of(e, "region"), due,
                                           text_of(e, "excerpt")));
    }
    xlsx_sheet_t sheets[] = {{"一周汇总", fig_headers, 3, figures},
                             {"相似意见", cluster_headers, 4, clusters},
                             {"超期件", late_headers, 5, late}};
    int rc = xlsx_book(sheets, 3, out, err, errlen);
    json_decref(figures);
    json_decref(clusters);
    json_decref(late);
    return rc;
}

void api_digest_text(const json_t *digest, buf_t *out)
{
    const json_t *region = json_object_get(digest, "region");
    buf_addf(out, "一周汇总 %s (%s) %s %s~%s\n", text_of(region, "name"), text_of(region, "code"),
             text_of(digest, "week"), text_of(digest, "from"), text_of(digest, "to"));
    buf_addf(out, "new: %lld\n", (long long)json_integer_value(json_object_get(digest, "new")));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(digest, "by_category"), i, e)
        buf_addf(out, "category %s %s: %lld\n", text_of(e, "code"), text_of(e, "name"), (long long)count_of(e));
    json_array_foreach(json_object_get(digest, "by_region"), i, e)
        buf_addf(out, "region %s %s: %lld\n", text_of(e, "code"), text_of(e, "name"), (long long)count_of(e));
    buf_addf(out, "clusters: %zu\n", json_array_size(json_object_get(digest, "clusters")));
    json_array_foreach(json_object_get(digest, "clusters"), i, e)
    {
        json_t *sample = json_object_get(e, "sample");
        buf_addf(out, "  %lld x %s %s\n", (long long)count_of(e), text_of(sample, "tracking_code"),
                 text_of(sample, "excerpt"));
    }
    const json_t *late = json_object_get(digest, "overdue");
    buf_addf(out, "overdue: %lld\n", (long long)count_of(late));
    json_array_foreach(json_object_get(late, "items"), i, e)
    {
        char due[11];
        day_text(json_integer_value(json_object_get(e, "due")), due);
        buf_addf(out, "  %s %s due %s %s\n", text_of(e, "tracking_code"), text_of(e, "state"), due, text_of(e, "excerpt"));
    }
}

/* ---- the batch referral: one 交办单 per unit ------------------------------------------------------ */

typedef struct {
    json_t *units, *categories;
    json_t *current; /* the unit being filled */
    int64_t unit_id;
} batch_walk_t;

static int batch_row(const store_batch_row_t *row, void *arg)
{
    batch_walk_t *b = arg;
    if (b->current == NULL || row->unit_id != b->unit_id) {
        b->current = json_pack("{s:I, s:s, s:I, s:[]}", "unit_id", (json_int_t)row->unit_id, "unit_name",
                               row->unit_name, "count", (json_int_t)0, "items");
        b->unit_id = row->unit_id;
        json_array_append_new(b->units, b->current);
    }
    char sent[11], due[11];
    day_text(row->created_at, sent);
    day_text(row->due, due);
    json_array_append_new(json_object_get(b->current, "items"),
                          json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "referral_id",
                                    (json_int_t)row->referral_id, "opinion_id", (json_int_t)row->opinion_id,
                                    "tracking_code", row->tracking_code, "category",
                                    category_name(b->categories, row->category_id), "content", row->content,
                                    "location", row->location, "region", row->region, "urgency", row->urgency,
                                    "state", row->state, "sent", sent, "due", due));
    json_object_set_new(b->current, "count", json_integer((json_int_t)json_array_size(json_object_get(b->current, "items"))));
    return 0;
}

json_t *api_batch_build(store_t *db, const char *region, const digest_period_t *period, int64_t unit_id)
{
    char hi[14], from[11], to[11];
    region_subtree_upper(region, hi);
    batch_walk_t b = {.units = json_array(), .categories = categories_by_id(db)};
    int rc = b.categories ? store_batch_referrals(db, region, hi, period->from, period->to, unit_id, batch_row, &b)
                          : STORE_ERR;
    json_decref(b.categories);
    if (rc != STORE_OK) {
        json_decref(b.units);
        return NULL;
    }
    calendar_format_date(period->first, from);
    calendar_format_date(period->last, to);
    return json_pack("{s:o, s:s, s:s, s:s, s:o}", "region", region_json(db, region), "period", period->label, "from",
                     from, "to", to, "units", b.units);
}

int api_batch_xlsx(const json_t *batch, buf_t *out, char *err, size_t errlen)
{
    static const char *const headers[] = {"序号", "编号", "类别", "反映事项", "地点", "交办日期", "办理时限", "状态"};
    const json_t *units = json_object_get(batch, "units");
    size_t n = json_array_size(units);
    xlsx_sheet_t *sheets = calloc(n + 1, sizeof(*sheets));
    char(*titles)[96] = calloc(n + 1, sizeof(*titles));
    if (sheets == NULL || titles == NULL)
        abort();
    for (size_t u = 0; u < n; u++) {
        const json_t *unit = json_array_get(units, u);
        json_t *rows = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(unit, "items"), i, e)
        {
            char seq[24];
            json_t *row = row_of(num((json_int_t)i + 1, seq), text_of(e, "tracking_code"), text_of(e, "category"),
                                 text_of(e, "content"), text_of(e, "location"));
            const char *more[] = {text_of(e, "sent"), text_of(e, "due"), text_of(e, "state")};
            for (int k = 0; k < 3; k++)
                json_array_append_new(row, json_string(more[k]));
            json_array_append_new(rows, row);
        }
        /* a sheet's name is unique and never holds []:*?/\ (Excel's rule): number, then the unit */
        snprintf(titles[u], sizeof(titles[u]), "%zu %s", u + 1, text_of(unit, "unit_name"));
        for (char *c = titles[u]; *c; c++)
            if (strchr("[]:*?/\\", *c))
                *c = '_';
        sheets[u] = (xlsx_sheet_t){titles[u], headers, 8, rows};
    }
    json_t *none = json_array();
    if (n == 0)
        sheets[n++] = (xlsx_sheet_t){"交办单", headers, 8, none};
    int rc = xlsx_book(sheets, (int)n, out, err, errlen);
    for (size_t u = 0; u < json_array_size(units); u++)
        json_decref((json_t *)sheets[u].rows);
    json_decref(none);
    free(sheets);
    free(titles);
    return rc;
}

/* ---- the outbox: each office hears of the week just ended, once -------------------------------------- */

typedef struct {
    char region[13];
    int64_t user_id;
} office_t;

typedef struct {
    office_t *list;
    size_t n, cap;
} offices_t;

static int keep_office(const char *region, int64_t user_id, void *arg)
{
    offices_t *o = arg;
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 16;
        office_t *grown = realloc(o->list, o->cap * sizeof(*grown));
        if (grown == NULL)
            abort();
        o->list = grown;
    }
    snprintf(o->list[o->n].region, sizeof(o->list[o->n].region), "%s", region);
    o->list[o->n++].user_id = user_id;
    return 0;
}

/* The digest.weekly rows of one office: its figures at a glance and where the page is. */
static int tell_office(store_t *db, const offices_t *o, size_t first, size_t end, const digest_week_t *week,
                       int64_t now)
{
    const char *region = o->list[first].region;
    char hi[14];
    region_subtree_upper(region, hi);
    store_opinion_filter_t f = {.region_lo = region, .region_hi = hi, .created_from = week->from, .created_to = week->to};
    store_opinion_filter_t late = {.region_lo = region, .region_hi = hi, .open_only = true, .due_from = 1,
                                   .due_to = now - 1};
    int64_t fresh = 0, overdue = 0;
    int rc = store_opinions_count(db, &f, &fresh);
    if (rc == STORE_OK)
        rc = store_opinions_count(db, &late, &overdue);
    char url[96];
    snprintf(url, sizeof(url), "/digest.html?region=%s&week=%s", region, week->label);
    json_t *payload = json_pack("{s:s, s:s, s:I, s:I, s:s}", "region", region, "week", week->label, "new",
                                (json_int_t)fresh, "overdue", (json_int_t)overdue, "url", url);
    char *text = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    for (size_t i = first; rc == STORE_OK && i < end; i++) {
        char to[40];
        snprintf(to, sizeof(to), "user:%lld", (long long)o->list[i].user_id);
        rc = text ? store_outbox_add(db, "digest.weekly", to, text, now) : STORE_ERR;
    }
    free(text);
    return rc;
}

int api_digest_send_weekly(store_t *db, int64_t now)
{
    digest_week_t week;
    digest_week_of(now - 7 * 86400, &week); /* the week just ended */
    offices_t o = {0};
    int rc = store_digest_offices(db, keep_office, &o);
    for (size_t i = 0; rc == STORE_OK && i < o.n;) {
        size_t end = i;
        while (end < o.n && strcmp(o.list[end].region, o.list[i].region) == 0)
            end++;
        bool fresh = false;
        rc = store_digest_claim(db, o.list[i].region, week.label, now, &fresh);
        if (rc == STORE_OK && fresh)
            rc = tell_office(db, &o, i, end, &week, now);
        i = end;
    }
    free(o.list);
    return rc;
}
