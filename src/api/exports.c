/*
 * exports: lists as CSV or Excel, streamed (see exports.h). The one idea: an export is a chain of
 * jobs, each handing the next its state - count on a worker, audit on the writer, then one worker
 * job per piece, asked for only when h2o has sent the piece before - so a list of a million rows
 * costs a piece of memory, not a million rows.
 */
#include "api/exports.h"

#include <assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/calendar.h"
#include "core/csv.h"
#include "core/xlsx.h"

enum { EXPORT_PIECE_BYTES = 64 << 10, EXPORT_MAX_COLUMNS = 32 };

/* ---- the stream ---- */

static void piece_respond(http_task_t *t, http_req_t *r);

typedef struct {
    http_task_t super;
    api_stream_t *s;
} piece_task_t;

static void piece_run(http_task_t *t)
{
    api_stream_t *s = ((piece_task_t *)t)->s;
    buf_reset(&s->piece);
    s->fill(s);
}

static void ask_for_piece(api_stream_t *s)
{
    piece_task_t *t = http_task_new(s->r, sizeof(*t));
    t->s = s;
    t->super.run = piece_run;
    t->super.respond = piece_respond;
    s->busy = true;
    s->rc = STORE_ERR; /* until the piece is made: a job the pool drops at shutdown ends the stream */
    http_task(s->r, &t->super);
}

static void piece_respond(http_task_t *t, http_req_t *r)
{
    api_stream_t *s = ((piece_task_t *)t)->s;
    h2o_req_t *h = r ? r->h : NULL;
    s->busy = false;
    if (r == NULL || s->r == NULL) { /* the client has gone */
        s->free(s);
        return;
    }
    if (s->rc != STORE_OK) {
        if (s->started)
            h2o_send(h, NULL, 0, H2O_SEND_STATE_ERROR); /* the client sees a cut-off transfer, not a short file */
        else
            http_reply_internal(r, "cannot export");
        s->free(s);
        return;
    }
    if (!s->started) {
        h->res.status = 200;
        h->res.reason = "OK";
        h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
        s->head(s, h);
        h2o_start_response(h, &s->super);
        s->started = true;
    }
    if (s->done) { /* the last piece goes from the request's memory, which lives until it is sent */
        h2o_iovec_t last = h2o_strdup(&h->pool, s->piece.data, s->piece.len);
        s->free(s);
        h2o_send(h, &last, 1, H2O_SEND_STATE_FINAL);
        return;
    }
    h2o_iovec_t piece = h2o_iovec_init(s->piece.data, s->piece.len);
    h2o_send(h, &piece, 1, H2O_SEND_STATE_IN_PROGRESS);
}

/* h2o has sent the last piece and wants the next. */
static void stream_proceed(h2o_generator_t *g, h2o_req_t *h)
{
    (void)h;
    ask_for_piece((api_stream_t *)g);
}

/* The client has gone (or the server stops): end now, or when the worker hands its piece back. */
static void stream_stop(h2o_generator_t *g, h2o_req_t *h)
{
    (void)h;
    api_stream_t *s = (api_stream_t *)g;
    s->r = NULL;
    if (!s->busy)
        s->free(s);
}

void api_stream_start(http_req_t *r, api_stream_t *s)
{
    s->super.proceed = stream_proceed;
    s->super.stop = stream_stop;
    s->r = r;
    buf_init(&s->piece);
    ask_for_piece(s);
}

void api_stream_release(api_stream_t *s)
{
    buf_free(&s->piece);
}

/* ---- an export: count, audit, stream ---- */

typedef struct {
    api_stream_t stream; /* first */
    api_export_source_t *src;
    const char *db_path;
    bool xlsx;
    int64_t limit, total;
    api_who_t who;
    store_t *db; /* the workers' read connection, from the count to the last row */
    const char *cells[EXPORT_MAX_COLUMNS];
    bool held; /* cells hold a row read before the count (see count_run) */
    int fd;    /* the finished workbook, once written; -1 before */
    off_t size, sent;
} export_t;

static void export_free(api_stream_t *s)
{
    export_t *x = (export_t *)s;
    x->src->free(x->src);
    store_close(x->db);
    if (x->fd >= 0)
        close(x->fd);
    api_stream_release(s);
    free(x);
}

/* Rows until the piece is full or the rows end. */
static void fill_csv(api_stream_t *s)
{
    export_t *x = (export_t *)s;
    api_export_source_t *src = x->src;
    if (!s->started) { /* the first piece: the byte-order mark Excel needs for UTF-8, and the headers */
        buf_adds(&s->piece, CSV_BOM);
        for (int c = 0; c < src->ncols; c++) {
            if (c)
                buf_addc(&s->piece, ',');
            csv_write_cell(&s->piece, src->columns[c].header, 0);
        }
        buf_adds(&s->piece, "\r\n");
    }
    int rc = x->held ? STORE_ROW : src->next(src, x->cells);
    x->held = false;
    for (; rc == STORE_ROW; rc = s->piece.len >= EXPORT_PIECE_BYTES ? STORE_OK : src->next(src, x->cells)) {
        for (int c = 0; c < src->ncols; c++) {
            if (c)
                buf_addc(&s->piece, ',');
            csv_write_cell(&s->piece, x->cells[c] ? x->cells[c] : "", 1); /* never a formula in Excel */
        }
        buf_adds(&s->piece, "\r\n");
    }
    s->done = rc == STORE_DONE;
    s->rc = rc == STORE_DONE ? STORE_OK : rc;
}

/* The whole workbook into a temporary file, row by row; it is then read out in pieces. */
static int write_workbook(export_t *x)
{
    api_export_source_t *src = x->src;
    const char *headers[EXPORT_MAX_COLUMNS];
    double widths[EXPORT_MAX_COLUMNS];
    bool numeric[EXPORT_MAX_COLUMNS];
    for (int c = 0; c < src->ncols; c++) {
        headers[c] = src->columns[c].header;
        widths[c] = src->columns[c].width;
        numeric[c] = src->columns[c].number;
    }
    char err[128];
    xlsx_stream_t *book = xlsx_stream_new(src->sheet, headers, widths, src->ncols, err, sizeof(err));
    if (book == NULL)
        return STORE_ERR;
    int rc = x->held ? STORE_ROW : STORE_DONE;
    for (; rc == STORE_ROW; rc = src->next(src, x->cells))
        if (xlsx_stream_row(book, x->cells, numeric) != 0) {
            xlsx_stream_free(book);
            return STORE_ERR;
        }
    x->held = false;
    if (rc != STORE_DONE) {
        xlsx_stream_free(book);
        return rc;
    }
    x->fd = xlsx_stream_finish(book, err, sizeof(err));
    struct stat st;
    if (x->fd < 0 || fstat(x->fd, &st) != 0)
        return STORE_ERR;
    x->size = st.st_size;
    return STORE_OK;
}

static void fill_xlsx(api_stream_t *s)
{
    export_t *x = (export_t *)s;
    s->rc = x->fd < 0 ? write_workbook(x) : STORE_OK;
    if (s->rc != STORE_OK)
        return;
    buf_grow(&s->piece, EXPORT_PIECE_BYTES);
    ssize_t n = pread(x->fd, s->piece.data, EXPORT_PIECE_BYTES, x->sent);
    if (n < 0) {
        s->rc = STORE_ERR;
        return;
    }
    s->piece.len = (size_t)n;
    x->sent += n;
    s->done = x->sent >= x->size;
}

static void export_head(api_stream_t *s, h2o_req_t *h)
{
    export_t *x = (export_t *)s;
    char value[128];
    if (x->xlsx) {
        h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                       H2O_STRLIT("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        h->res.content_length = (size_t)x->size;
    } else
        h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, H2O_STRLIT("text/csv; charset=utf-8"));
    snprintf(value, sizeof(value), "attachment; filename=\"%s-%s.%s\"", x->src->file, x->src->region,
             x->xlsx ? "xlsx" : "csv");
    http_add_header(s->r, "content-disposition", value);
    snprintf(value, sizeof(value), "%lld", (long long)x->total);
    http_add_header(s->r, "x-total-rows", value);
}

/* 3. Once the export is in the audit log: the rows. */
static void audit_respond(http_write_t *w, http_req_t *r, int status);

typedef struct {
    http_write_t super;
    export_t *x;
} audit_write_t;

static int audit_run(http_write_t *w, store_t *db)
{
    export_t *x = ((audit_write_t *)w)->x;
    char action[48], detail[64];
    snprintf(action, sizeof(action), "%s.export", x->src->entity);
    snprintf(detail, sizeof(detail), "%lld rows as %s", (long long)x->total, x->xlsx ? "xlsx" : "csv");
    return api_audit(db, &x->who, action, x->src->entity, 0, x->src->region, detail);
}

static void audit_respond(http_write_t *w, http_req_t *r, int status)
{
    export_t *x = ((audit_write_t *)w)->x;
    if (r == NULL || status != STORE_OK) {
        if (r)
            http_reply_internal(r, "cannot log an export");
        export_free(&x->stream);
        return;
    }
    api_stream_start(r, &x->stream);
}

/* 1. On a worker: open the rows and count them, in the same read transaction (the first row is
 * read before the count, so both see the same data). */
typedef struct {
    http_task_t super;
    export_t *x;
} count_task_t;

static void count_run(http_task_t *t)
{
    export_t *x = ((count_task_t *)t)->x;
    api_export_source_t *src = x->src;
    char err[256];
    int rc = store_open(&x->db, x->db_path, STORE_READ_ONLY, err, sizeof(err));
    if (rc == STORE_OK)
        rc = src->open(src, x->db);
    if (rc == STORE_OK)
        rc = src->next(src, x->cells);
    x->held = rc == STORE_ROW;
    if (rc == STORE_ROW || rc == STORE_DONE)
        rc = src->count(src, x->db, x->limit + 1, &x->total);
    x->stream.rc = rc;
}

static void count_respond(http_task_t *t, http_req_t *r)
{
    export_t *x = ((count_task_t *)t)->x;
    if (r == NULL || x->stream.rc != STORE_OK) {
        if (r)
            http_reply_internal(r, "cannot count the rows of an export");
        export_free(&x->stream);
        return;
    }
    if (x->total > x->limit) {
        char message[160];
        snprintf(message, sizeof(message),
                 "the export holds more than %lld rows, the most one %s export may hold; narrow the filters",
                 (long long)x->limit, x->xlsx ? "Excel" : "CSV");
        http_reply_json(r, 413,
                        json_pack("{s:{s:s, s:s, s:I}}", "error", "code", "too_many_rows", "message", message, "limit",
                                  (json_int_t)x->limit));
        export_free(&x->stream);
        return;
    }
    audit_write_t *w = http_write_new(r, sizeof(*w));
    w->x = x;
    w->super.run = audit_run;
    w->super.respond = audit_respond;
    http_write(r, &w->super);
}

bool api_export_wants_xlsx(http_req_t *r)
{
    h2o_iovec_t path = r->h->path_normalized;
    return path.len >= 5 && memcmp(path.base + path.len - 5, ".xlsx", 5) == 0;
}

void api_export(http_req_t *r, api_export_source_t *src)
{
    assert(src->ncols <= EXPORT_MAX_COLUMNS);
    export_t *x = calloc(1, sizeof(*x));
    if (x == NULL)
        abort();
    x->src = src;
    x->db_path = http_config(r)->db;
    x->xlsx = api_export_wants_xlsx(r);
    x->limit = http_config(r)->export_max_rows;
    if (x->xlsx && x->limit > XLSX_MAX_ROWS)
        x->limit = XLSX_MAX_ROWS; /* what one sheet holds */
    x->fd = -1;
    api_who(r, &x->who);
    x->stream.fill = x->xlsx ? fill_xlsx : fill_csv;
    x->stream.head = export_head;
    x->stream.free = export_free;
    x->stream.r = r;
    buf_init(&x->stream.piece);
    count_task_t *t = http_task_new(r, sizeof(*t));
    t->x = x;
    t->super.run = count_run;
    t->super.respond = count_respond;
    http_task(r, &t->super);
}

void api_export_time(int64_t t, char out[17])
{
    if (t == 0) {
        out[0] = '\0';
        return;
    }
    char day[11];
    calendar_format_date(calendar_day_of(t), day);
    unsigned s = (unsigned)((uint64_t)(t + CALENDAR_UTC_OFFSET_S) % 86400);
    snprintf(out, 17, "%.10s %02u:%02u", day, s / 3600 % 24, s / 60 % 60);
}
