/*
 * sheets: the registry's public QR codes and its CSV sheets for the office's spreadsheets.
 * Importing is all or nothing and runs as one write; exporting answers the whole sheet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "auth/vault.h"
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
    const char *base = http_config(r)->public_url;
    size_t n = strlen(base);
    buf_t url, svg;
    buf_init(&url);
    buf_init(&svg);
    buf_addf(&url, "%.*s/%s.html?id=%lld", (int)(n && base[n - 1] == '/' ? n - 1 : n), base, e->name, (long long)id);
    if (qr_svg(url.data, &svg) != 0)
        http_reply_internal(r, "cannot encode a QR code");
    else
        http_reply_text(r, 200, "image/svg+xml", svg.data, svg.len);
    buf_free(&url);
    buf_free(&svg);
    return 0;
}

/* ---- CSV sheets: import all or nothing, export for Excel ---- */

enum { CSV_MAX_BYTES = 5 << 20 };

typedef struct {
    http_write_t super;
    api_who_t who;
    const registry_entity_t *e;
    char scope[13];
    const vault_t *vault;
    bool dry_run;
    int rc;
    char *text;
    size_t len;
    store_csv_result_t result;
} import_write_t;

static int import_run(http_write_t *w, store_t *db)
{
    import_write_t *iw = (import_write_t *)w;
    iw->rc = store_registry_import(db, iw->e, iw->text, iw->len, iw->scope, iw->vault, &iw->result);
    if (iw->rc != STORE_OK || iw->dry_run)
        return STORE_EINVALID; /* undo every row */
    char action[48], detail[64];
    snprintf(action, sizeof(action), "%s.import", iw->e->name);
    snprintf(detail, sizeof(detail), "%d created, %d updated", iw->result.created, iw->result.updated);
    return api_audit(db, &iw->who, action, iw->e->name, 0, iw->scope, detail);
}

static void import_respond(http_write_t *w, http_req_t *r, int status)
{
    import_write_t *iw = (import_write_t *)w;
    free(iw->text);
    if (r == NULL)
        return;
    if (iw->rc == STORE_EINVALID) {
        json_t *rows = json_array();
        for (int i = 0; i < iw->result.nerrors && i < CSV_IMPORT_MAX_ERRORS; i++)
            json_array_append_new(rows, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)iw->result.errors[i].line,
                                                  "column", iw->result.errors[i].column, "message",
                                                  iw->result.errors[i].message));
        char msg[96];
        snprintf(msg, sizeof(msg), "%d problem%s in the sheet; nothing was imported", iw->result.nerrors,
                 iw->result.nerrors == 1 ? "" : "s");
        http_reply_json(r, 422, json_pack("{s:{s:s, s:s}, s:o}", "error", "code", "invalid_rows", "message", msg,
                                          "rows", rows));
    } else if (iw->rc != STORE_OK || (status != STORE_OK && !iw->dry_run))
        http_reply_internal(r, "cannot import a sheet");
    else
        http_reply_json(r, 200, json_pack("{s:i, s:i, s:s, s:b}", "created", iw->result.created, "updated",
                                          iw->result.updated, "encoding", iw->result.encoding, "dry_run",
                                          iw->dry_run));
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
    import_write_t *w = http_write_new(r, sizeof(*w));
    api_who(r, &w->who);
    w->e = api_registry_entity(r);
    snprintf(w->scope, sizeof(w->scope), "%s", http_actor(r)->region);
    w->vault = http_vault(r);
    w->dry_run = dry && (strcmp(dry, "true") == 0 || strcmp(dry, "1") == 0);
    w->text = malloc(body.len + 1);
    if (w->text == NULL)
        abort();
    memcpy(w->text, body.base ? body.base : "", body.len);
    w->len = body.len;
    w->super.run = import_run;
    w->super.respond = import_respond;
    http_write(r, &w->super);
    return 0;
}

int api_registry_export(http_req_t *r)
{
    const registry_entity_t *e = api_registry_entity(r);
    const char *region = http_query(r, "region");
    if (region == NULL)
        region = http_actor(r)->region;
    policy_target_t target = {.region = region};
    if (!region_code_valid(region)) {
        http_reply_error(r, 400, "bad_query", "region must be a 12-digit region code", "region");
        return 0;
    }
    if (!http_authorize(r, &target, false))
        return 0;
    char hi[REGION_CODE_LEN + 2], disposition[96];
    region_subtree_upper(region, hi);
    buf_t out;
    buf_init(&out);
    buf_adds(&out, "\xEF\xBB\xBF"); /* Excel reads UTF-8 only with a byte-order mark */
    if (store_registry_export(http_reader(r), e, region, hi, &out) != STORE_OK) {
        buf_free(&out);
        http_reply_internal(r, "cannot export");
        return 0;
    }
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s-%s.csv\"", e->plural, region);
    http_add_header(r, "content-disposition", disposition);
    http_reply_text(r, 200, "text/csv; charset=utf-8", out.data, out.len);
    buf_free(&out);
    return 0;
}
