/*
 * export_sources: the staff lists that export (see exports.h), each as a source walking the rows
 * of its list under the filters the list itself reads from the query. A source copies what it
 * needs of the request, since the export outlives the handler. Columns are what the list shows,
 * in the office's words; never the constituent's sealed name, phone or address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/exports.h"
#include "api/opinion_common.h"
#include "core/utf8.h"
#include "domain/books.h"

/* ---- the opinions inbox: GET /api/v1/opinions ---- */

static const api_export_column_t opinion_columns[] = {
    {"编号", 8, true},       {"跟踪码", 12, false},   {"状态", 10, false},      {"渠道", 10, false},
    {"类别", 10, false},     {"区划代码", 14, false}, {"内容摘要", 60, false},  {"登记时间", 17, false},
    {"办理期限", 17, false}, {"紧急程度", 8, false},  {"联络站编号", 10, true}, {"代表编号", 10, true},
    {"预警", 8, false},
};
enum { OPINION_NCOLS = sizeof(opinion_columns) / sizeof(opinion_columns[0]), CATEGORIES_MAX = 256 };

typedef struct {
    api_export_source_t super;
    store_opinion_filter_t f;
    char lo[13], hi[14], state[16], channel[16];
    store_t *db;
    store_opinion_cursor_t cursor;
    store_opinion_t o; /* the row the cells show */
    struct {
        int64_t id;
        char name[64];
    } categories[CATEGORIES_MAX];
    int ncategories;
    char id[24], category[64], excerpt[400], created[17], due[17], station[24], deputy[24];
} opinion_export_t;

static int keep_category(const store_category_t *c, void *arg)
{
    opinion_export_t *x = arg;
    if (x->ncategories == CATEGORIES_MAX)
        return 1;
    x->categories[x->ncategories].id = c->id;
    snprintf(x->categories[x->ncategories].name, sizeof(x->categories[0].name), "%s", c->name);
    x->ncategories++;
    return 0;
}

static int opinion_rows_open(api_export_source_t *s, store_t *db)
{
    opinion_export_t *x = (opinion_export_t *)s;
    x->db = db;
    int rc = store_categories_each(db, keep_category, x);
    return rc == STORE_OK ? store_opinions_open(db, &x->f, &x->cursor) : rc;
}

static int opinion_rows_count(api_export_source_t *s, store_t *db, int64_t most, int64_t *n)
{
    opinion_export_t *x = (opinion_export_t *)s;
    store_opinion_filter_t f = x->f;
    f.limit = most < INT32_MAX ? (int)most : INT32_MAX;
    return store_opinions_count(db, &f, n);
}

static const char *category_name(opinion_export_t *x, int64_t id)
{
    for (int i = 0; i < x->ncategories; i++)
        if (x->categories[i].id == id)
            return x->categories[i].name;
    snprintf(x->category, sizeof(x->category), "%lld", (long long)id);
    return x->category;
}

static const char *id_text(char out[24], int64_t id)
{
    if (id)
        snprintf(out, 24, "%lld", (long long)id);
    else
        out[0] = '\0';
    return out;
}

static int opinion_rows_next(api_export_source_t *s, const char **cells)
{
    opinion_export_t *x = (opinion_export_t *)s;
    store_opinion_t *o = &x->o;
    store_opinion_free(o);
    int rc = store_opinions_next(&x->cursor, o);
    if (rc != STORE_ROW)
        return rc;
    int64_t due = store_opinion_current_due(o);
    const char *flag = api_opinion_flag(x->db, due);
    utf8_copy(x->excerpt, sizeof(x->excerpt), o->content);
    api_export_time(o->created_at, x->created);
    api_export_time(due, x->due);
    const char *row[OPINION_NCOLS] = {
        id_text(x->id, o->id),
        o->tracking_code,
        book_state_word(o->state, false),
        book_channel_word(o->channel, false),
        category_name(x, o->category_id),
        o->region,
        x->excerpt,
        x->created,
        x->due,
        strcmp(o->urgency, "urgent") == 0 ? "紧急" : "一般",
        id_text(x->station, o->station_id),
        id_text(x->deputy, o->deputy_id),
        strcmp(flag, "overdue") == 0 ? "超期"
        : strcmp(flag, "warn") == 0  ? "预警"
                                     : "",
    };
    memcpy(cells, row, sizeof(row));
    return STORE_ROW;
}

static void opinion_rows_free(api_export_source_t *s)
{
    opinion_export_t *x = (opinion_export_t *)s;
    if (x->cursor.st)
        store_opinions_close(&x->cursor);
    store_opinion_free(&x->o);
    free(x);
}

int api_opinions_export(http_req_t *r)
{
    char lo[13], hi[14];
    store_opinion_filter_t f;
    if (!api_opinion_list_filter(r, &f, lo, hi))
        return 0;
    opinion_export_t *x = calloc(1, sizeof(*x));
    if (x == NULL)
        abort();
    x->f = f;
    x->f.before_id = 0; /* every page of the list, not the one on screen */
    x->f.limit = 0;
    snprintf(x->lo, sizeof(x->lo), "%s", lo);
    snprintf(x->hi, sizeof(x->hi), "%s", hi);
    x->f.region_lo = x->lo;
    x->f.region_hi = x->hi;
    snprintf(x->state, sizeof(x->state), "%s", f.state ? f.state : "");
    snprintf(x->channel, sizeof(x->channel), "%s", f.channel ? f.channel : "");
    x->f.state = f.state ? x->state : NULL;
    x->f.channel = f.channel ? x->channel : NULL;
    x->super = (api_export_source_t){
        .entity = "opinion",
        .file = "opinions",
        .sheet = "群众意见",
        .columns = opinion_columns,
        .ncols = OPINION_NCOLS,
        .open = opinion_rows_open,
        .count = opinion_rows_count,
        .next = opinion_rows_next,
        .free = opinion_rows_free,
    };
    snprintf(x->super.region, sizeof(x->super.region), "%s", lo);
    api_export(r, &x->super);
    return 0;
}
