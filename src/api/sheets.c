/*
 * sheets: the registry's public QR codes and its CSV sheets for the office's spreadsheets.
 *
 * An import is all or nothing and never holds the writer while it reads: a worker thread decodes
 * and checks the sheet against its own read connection, and the writer gets only the prepared
 * rows, which it checks again for what may have changed meanwhile and writes in one go. An
 * export streams (api_stream_t, exports.h): a worker reads each piece (64 KiB) once h2o has sent
 * the one before, so neither the loop nor memory ever holds the whole sheet.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "api/exports.h"
#include "auth/vault.h"
#include "core/csv.h"
#include "core/qr.h"
#include "domain/region.h"
#include "store/registry.h"
#include "store/registry_csv.h"

/* ---- QR codes: 代表连心卡 and 联络站服务卡 open the record's public page ---- */

int api_registry_qr(http_req_t *r)
{
    const registry_entity_t *e = api_registry_entity(r);
    int64_t id = api_param_id(r, 0);
    char region[13];
    if (id == 0)
        return 0;
    int rc = store_registry_region(http_reader(r), e, id, region);
    if (rc != STORE_OK) {
        if (rc == STORE_ENOTFOUND)
            http_reply_error(r, 404, "not_found", "no such record", NULL);
        else
            http_reply_internal(r, "cannot read a record");
        return 0;
    }
    char url[sizeof(http_config(r)->public_url) + 64];
    registry_qr_url(url, sizeof(url), http_config(r)->public_url, e, id);
    buf_t svg;
    buf_init(&svg);
    if (qr_svg(url, &svg) != 0)
        http_reply_internal(r, "cannot encode a QR code");
    else
        http_reply_text(r, 200, "image/svg+xml", svg.data, svg.len);
    buf_free(&svg);
    return 0;
}

/* ---- CSV sheets: import all or nothing ---- */

enum { CSV_MAX_BYTES = 5 << 20, EXPORT_PIECE_BYTES = 64 << 10 };

/* An import from its arrival to its answer; each stage below holds it in turn. */
typedef struct {
    api_who_t who;
    const registry_entity_t *e;
    char scope[REGION_CODE_LEN + 1];
    bool dry_run;
    int rc;
    store_csv_sheet_t *sheet; /* the prepared rows, once checked */
    store_csv_result_t result;
} import_t;

static void import_free(import_t *im)
{
    store_csv_sheet_free(im->sheet);
    free(im);
}

/* 1. On a worker: decode, parse and check every row with a read connection of its own. */
typedef struct {
    http_task_t super;
    import_t *im;
    const char *db_path;
    const vault_t *vault;
    char *text;
    size_t len;
} import_check_t;

/* 2. On the writer: check again what may have changed since, and write. */
typedef struct {
    http_write_t super;
    import_t *im;
} import_write_t;

static void reply_problems(http_req_t *r, const store_csv_result_t *result)
{
    json_t *rows = json_array();
    for (int i = 0; i < result->nerrors && i < CSV_IMPORT_MAX_ERRORS; i++)
        json_array_append_new(rows, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)result->errors[i].line, "column",
                                              result->errors[i].column, "message", result->errors[i].message));
    char msg[96];
    snprintf(msg, sizeof(msg), "%d problem%s in the sheet; nothing was imported", result->nerrors,
             result->nerrors == 1 ? "" : "s");
    http_reply_json(r, 422,
                    json_pack("{s:{s:s, s:s}, s:o}", "error", "code", "invalid_rows", "message", msg, "rows", rows));
}

/* {"created","updated","encoding","dry_run","ids"}: written by hand, since a sheet may hold
 * 90,000 ids and the loop must not spend milliseconds on them. */
static void reply_imported(http_req_t *r, const import_t *im)
{
    size_t n;
    const int64_t *ids = store_csv_sheet_ids(im->sheet, &n);
    buf_t out;
    buf_init(&out);
    buf_grow(&out, n * 8 + 128);
    buf_addf(&out, "{\"created\":%d,\"updated\":%d,\"encoding\":\"%s\",\"dry_run\":%s,\"ids\":[", im->result.created,
             im->result.updated, im->result.encoding, im->dry_run ? "true" : "false");
    for (size_t k = 0; k < n; k++) {
        char digits[24];
        int len = 0;
        uint64_t v = (uint64_t)ids[k];
        if (k)
            buf_addc(&out, ',');
        if (v == 0) { /* a row of a dry run that would create a record */
            buf_adds(&out, "null");
            continue;
        }
        for (; v; v /= 10)
            digits[len++] = (char)('0' + v % 10);
        while (len)
            buf_addc(&out, digits[--len]);
    }
    buf_adds(&out, "]}");
    http_reply_text(r, 200, "application/json; charset=utf-8", out.data, out.len);
    buf_free(&out);
}

static int import_run(http_write_t *w, store_t *db)
{
    import_t *im = ((import_write_t *)w)->im;
    im->rc = store_registry_import_write(db, im->sheet, time(NULL), &im->result);
    if (im->rc != STORE_OK)
        return STORE_EINVALID; /* undo every row */
    char action[48], detail[64];
    snprintf(action, sizeof(action), "%s.import", im->e->name);
    snprintf(detail, sizeof(detail), "%d created, %d updated", im->result.created, im->result.updated);
    return api_audit(db, &im->who, action, im->e->name, 0, im->scope, detail);
}

static void import_respond(http_write_t *w, http_req_t *r, int status)
{
    import_t *im = ((import_write_t *)w)->im;
    if (r && im->rc == STORE_EINVALID)
        reply_problems(r, &im->result);
    else if (r && (im->rc != STORE_OK || status != STORE_OK))
        http_reply_internal(r, "cannot import a sheet");
    else if (r)
        reply_imported(r, im);
    import_free(im);
}

static void check_run(http_task_t *t)
{
    import_check_t *c = (import_check_t *)t;
    import_t *im = c->im;
    store_t *db;
    char err[256];
    if (store_open(&db, c->db_path, STORE_READ_ONLY, err, sizeof(err)) != STORE_OK)
        im->rc = STORE_ERR;
    else {
        im->rc = store_registry_import_check(db, im->e, c->text, c->len, im->scope, c->vault, &im->result, &im->sheet);
        store_close(db);
    }
    free(c->text);
    c->text = NULL;
}

static void check_respond(http_task_t *t, http_req_t *r)
{
    import_check_t *c = (import_check_t *)t;
    import_t *im = c->im;
    free(c->text); /* still here when the pool stopped before the job ran */
    if (r == NULL || im->rc != STORE_OK || im->dry_run) {
        if (r && im->rc == STORE_EINVALID)
            reply_problems(r, &im->result);
        else if (r && im->rc != STORE_OK)
            http_reply_internal(r, "cannot check a sheet");
        else if (r)
            reply_imported(r, im);
        import_free(im);
        return;
    }
    import_write_t *w = http_write_new(r, sizeof(*w));
    w->im = im;
    w->super.run = import_run;
    w->super.respond = import_respond;
    http_write(r, &w->super);
}

int api_registry_import(http_req_t *r)
{
    h2o_iovec_t body = r->h->entity;
    const char *ct = http_header(r, "content-type");
    if (body.len > CSV_MAX_BYTES) {
        http_reply_error(r, 413, "too_large", "the sheet is over 5 MiB; split it", NULL);
        return 0;
    }
    if (ct == NULL || strncasecmp(ct, "text/csv", 8) != 0 || (ct[8] && ct[8] != ';' && ct[8] != ' ')) {
        http_reply_error(r, 415, "unsupported_media_type", "send the sheet as text/csv", NULL);
        return 0;
    }
    const char *dry = http_query(r, "dry_run");
    if (r->answered)
        return 0;
    import_t *im = calloc(1, sizeof(*im));
    if (im == NULL)
        abort();
    api_who(r, &im->who);
    im->e = api_registry_entity(r);
    im->rc = STORE_ERR; /* until the check has run */
    snprintf(im->scope, sizeof(im->scope), "%s", http_actor(r)->region);
    im->dry_run = dry && (strcmp(dry, "true") == 0 || strcmp(dry, "1") == 0);
    import_check_t *c = http_task_new(r, sizeof(*c));
    c->im = im;
    c->db_path = http_config(r)->db;
    c->vault = http_vault(r);
    c->text = malloc(body.len + 1);
    if (c->text == NULL)
        abort();
    memcpy(c->text, body.base ? body.base : "", body.len);
    c->len = body.len;
    c->super.run = check_run;
    c->super.respond = check_respond;
    http_task(r, &c->super);
    return 0;
}

/* ---- CSV sheets: export, streamed for Excel ---- */

/* An export under way, on the stream of exports.h. */
typedef struct {
    api_stream_t stream; /* first */
    const registry_entity_t *e;
    const char *db_path;
    char lo[REGION_CODE_LEN + 1], hi[REGION_CODE_LEN + 2];
    char disposition[96];
    store_t *db; /* the workers' read connection, from the first piece to the last */
    store_csv_export_t *x;
} export_stream_t;

static void export_free(api_stream_t *s)
{
    export_stream_t *xs = (export_stream_t *)s;
    store_registry_export_close(xs->x);
    store_close(xs->db);
    api_stream_release(s);
    free(xs);
}

static void export_fill(api_stream_t *s)
{
    export_stream_t *xs = (export_stream_t *)s;
    s->rc = STORE_OK;
    if (xs->db == NULL) {
        char err[256];
        s->rc = store_open(&xs->db, xs->db_path, STORE_READ_ONLY, err, sizeof(err));
        if (s->rc == STORE_OK)
            s->rc = store_registry_export_open(xs->db, xs->e, xs->lo, xs->hi, &xs->x);
        buf_adds(&s->piece, CSV_BOM); /* Excel reads UTF-8 only with a byte-order mark */
    }
    if (s->rc == STORE_OK)
        s->rc = store_registry_export_next(xs->x, &s->piece, EXPORT_PIECE_BYTES, &s->done);
}

static void export_head(api_stream_t *s, h2o_req_t *h)
{
    h2o_add_header(&h->pool, &h->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, H2O_STRLIT("text/csv; charset=utf-8"));
    http_add_header(s->r, "content-disposition", ((export_stream_t *)s)->disposition);
}

int api_registry_export(http_req_t *r)
{
    const registry_entity_t *e = api_registry_entity(r);
    const char *region = http_query(r, "region");
    if (r->answered)
        return 0;
    if (region == NULL)
        region = http_actor(r)->region;
    policy_target_t target = {.region = region};
    if (!region_code_valid(region)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return 0;
    }
    if (!http_authorize(r, &target, false))
        return 0;
    export_stream_t *xs = calloc(1, sizeof(*xs));
    if (xs == NULL)
        abort();
    xs->stream.fill = export_fill;
    xs->stream.head = export_head;
    xs->stream.free = export_free;
    xs->e = e;
    xs->db_path = http_config(r)->db;
    snprintf(xs->lo, sizeof(xs->lo), "%s", region);
    region_subtree_upper(region, xs->hi);
    snprintf(xs->disposition, sizeof(xs->disposition), "attachment; filename=\"%s-%s.csv\"", e->plural, region);
    api_stream_start(r, &xs->stream);
    return 0;
}
