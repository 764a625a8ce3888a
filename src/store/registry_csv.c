/*
 * registry_csv: a CSV sheet goes through the same field parsing, scope check and link rules as
 * a JSON request, row by row; writes happen as rows pass, and the caller throws them all away if
 * any row failed.
 */
#include "store/registry_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/vault.h"
#include "core/csv.h"
#include "core/encoding.h"
#include "core/utf8.h"
#include "domain/region.h"
#include "store/regions.h"

/* A spreadsheet runs a cell that starts like a formula; a leading ' makes it plain text there and
 * is taken off again on import. */
static bool looks_like_formula(const char *text)
{
    return *text && strchr("=+-@\t\r", *text) != NULL;
}

#define ID_COLUMN -2
#define UNKNOWN_COLUMN -1

typedef struct {
    store_t *db;
    const registry_entity_t *e;
    const char *scope;
    const vault_t *vault;
    store_csv_result_t *result;
    buf_t sealed; /* sealed personal data of the current row */
    int columns[CSV_MAX_FIELDS]; /* field index per column, or ID_COLUMN */
    const char *id_header;       /* how this sheet names the id column ("编号" or "id") */
    const char *headers[CSV_MAX_FIELDS];
    char header_text[CSV_MAX_FIELDS][64];
    int ncolumns;
} import_t;

static void problem(import_t *im, size_t line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(import_t *im, size_t line, const char *column, const char *fmt, ...)
{
    store_csv_result_t *r = im->result;
    if (r->nerrors++ >= CSV_IMPORT_MAX_ERRORS)
        return;
    store_csv_error_t *err = &r->errors[r->nerrors - 1];
    err->line = line;
    utf8_copy(err->column, sizeof(err->column), column ? column : "");
    char message[sizeof(err->message) * 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    utf8_copy(err->message, sizeof(err->message), message);
}

/* The header under which a field appears in this file (its label when it has no column). */
static const char *column_of(const import_t *im, const char *field)
{
    int i = registry_field_index(im->e, field);
    for (int c = 0; i >= 0 && c < im->ncolumns; c++)
        if (im->columns[c] == i)
            return im->headers[c];
    return i >= 0 ? im->e->fields[i].label : field;
}

static void read_header(import_t *im, const char **f, int n, size_t line)
{
    im->ncolumns = n;
    bool seen[REGISTRY_MAX_FIELDS] = {false};
    for (int c = 0; c < n; c++) {
        utf8_copy(im->header_text[c], sizeof(im->header_text[c]), f[c]);
        im->headers[c] = im->header_text[c];
        int i = registry_field_index(im->e, f[c]);
        if (strcmp(f[c], "id") == 0 || strcmp(f[c], "编号") == 0) {
            im->columns[c] = ID_COLUMN;
            im->id_header = im->headers[c];
        }
        else if (i < 0 || seen[i]) {
            im->columns[c] = UNKNOWN_COLUMN;
            problem(im, line, f[c], i < 0 ? "unknown column" : "the column appears twice");
        } else {
            im->columns[c] = i;
            seen[i] = true;
        }
    }
}

/* Personal data is sealed before it is stored, as the API does. */
static void seal(import_t *im, registry_value_t *v)
{
    char *sealed = vault_seal(im->vault, v->text, strlen(v->text));
    buf_reset(&im->sealed);
    buf_adds(&im->sealed, sealed);
    free(sealed);
    v->text = im->sealed.data;
}

/* Parses one row's cells; returns the id named (0: a new record) or -1 after a problem. */
static int64_t read_cells(import_t *im, const char **f, size_t line, registry_value_t *values)
{
    int64_t id = 0;
    int before = im->result->nerrors;
    for (int c = 0; c < im->ncolumns; c++) {
        int i = im->columns[c];
        if (i == ID_COLUMN && f[c][0]) {
            char *end;
            long long v = strtoll(f[c], &end, 10);
            if (*end || v < 1)
                problem(im, line, im->headers[c], "must be a record id");
            id = v;
        } else if (i >= 0) {
            const char *cell = f[c];
            if (im->e->fields[i].kind == FIELD_TEXT && cell[0] == '\'' && looks_like_formula(cell + 1))
                cell++; /* the guard our export put in front of a formula-like text */
            const char *why = registry_parse(&im->e->fields[i], cell, &values[i]);
            if (why)
                problem(im, line, im->headers[c], "%s %s", im->e->fields[i].name, why);
            else if (im->e->fields[i].hidden && !values[i].null)
                seal(im, &values[i]);
        }
    }
    return im->result->nerrors == before ? id : -1;
}

static void import_row(import_t *im, const char **f, size_t line)
{
    registry_value_t values[REGISTRY_MAX_FIELDS] = {{0}};
    int64_t id = read_cells(im, f, line, values);
    if (id < 0)
        return;
    const registry_entity_t *e = im->e;
    store_registry_row_t old;
    bool have_old = false;
    if (id > 0) {
        int rc = store_registry_get(im->db, e, id, &old);
        if (rc != STORE_OK) {
            problem(im, line, im->id_header, rc == STORE_ENOTFOUND ? "no record with this id" : "cannot be read");
            return;
        }
        have_old = true;
        /* a row may only touch a record already inside the importer's region, as the API's PATCH */
        const registry_value_t *was = &old.values[registry_region_field(e)];
        if (im->scope && (was->null || !region_in_scope(im->scope, was->text))) {
            problem(im, line, im->id_header, "no record with this id");
            store_registry_row_free(&old);
            return;
        }
    } else {
        const registry_field_t *missing = registry_missing(e, values);
        if (missing) {
            problem(im, line, column_of(im, missing->name), "%s is required", missing->name);
            return;
        }
        registry_defaults(e, values);
    }
    int ri = registry_region_field(e);
    const registry_value_t *rv = values[ri].set || !have_old ? &values[ri] : &old.values[ri];
    char region[13];
    snprintf(region, sizeof(region), "%s", rv->null ? "" : rv->text);
    const char *field = NULL;
    char msg[200];
    int rc = STORE_OK;
    if (region[0] && store_region_exists(im->db, region) != STORE_OK)
        problem(im, line, column_of(im, "region"), "region %s is not a known region", region);
    else if (im->scope && (!region[0] || !region_in_scope(im->scope, region)))
        problem(im, line, column_of(im, "region"), "region %s is outside your region", region);
    else {
        store_registry_change_t change = {e, id, values, have_old ? &old : NULL, region, NULL, 0, NULL, 0};
        rc = store_registry_check_links(im->db, &change, &field, msg, sizeof(msg));
        if (rc == STORE_EINVALID)
            problem(im, line, column_of(im, field), "%s", msg);
        else if (rc == STORE_OK && im->result->nerrors == 0) {
            int64_t new_id;
            /* new rows are indexed for search together at the end: see store_registry_import */
            rc = id ? store_registry_update(im->db, e, id, values, time(NULL))
                    : store_registry_insert_unindexed(im->db, e, values, time(NULL), &new_id);
            if (rc == STORE_OK)
                id ? im->result->updated++ : im->result->created++;
        }
        if (rc != STORE_OK && rc != STORE_EINVALID)
            problem(im, line, NULL, "cannot be written: %s", store_errmsg(im->db));
    }
    if (have_old)
        store_registry_row_free(&old);
}

int store_registry_import(store_t *db, const registry_entity_t *e, const char *text, size_t len, const char *scope,
                          const vault_t *vault, store_csv_result_t *result)
{
    memset(result, 0, sizeof(*result));
    import_t im = {.db = db, .e = e, .scope = scope, .vault = vault, .result = result};
    buf_init(&im.sealed);
    buf_t utf8;
    buf_init(&utf8);
    if (encoding_to_utf8(text, len, &utf8, &result->encoding) != 0) {
        problem(&im, 1, NULL, "the file is neither UTF-8 nor GB18030 text");
        buf_free(&utf8);
        return STORE_EINVALID;
    }
    if (utf8.len == 0) {
        problem(&im, 1, NULL, "the file has no header row");
        buf_free(&utf8);
        return STORE_EINVALID;
    }
    int64_t last_before = 0;
    if (store_registry_max_id(db, e, &last_before) != STORE_OK) {
        problem(&im, 1, NULL, "cannot read %s", e->plural);
        buf_free(&utf8);
        return STORE_EINVALID;
    }
    FILE *in = fmemopen(utf8.data, utf8.len, "r");
    csv_reader_t csv;
    csv_init(&csv, in);
    const char **f;
    int n;
    size_t row = 0; /* as a spreadsheet numbers rows: a cell with a line break is still one row */
    bool header = true;
    while ((n = csv_next(&csv, &f)) != 0) {
        row++;
        if (n < 0)
            problem(&im, row, NULL, "malformed CSV (an unclosed quote or too many columns)");
        else if (header) {
            read_header(&im, f, n, row);
            header = false;
        } else if (n == 1 && f[0][0] == '\0')
            continue; /* a blank line */
        else if (n != im.ncolumns)
            problem(&im, row, NULL, "has %d cells where the header has %d", n, im.ncolumns);
        else
            import_row(&im, f, row);
        if (n < 0)
            break;
    }
    if (header)
        problem(&im, 1, NULL, "the file has no header row");
    if (result->nerrors == 0 && store_registry_index_from(db, e, last_before) != STORE_OK)
        problem(&im, 1, NULL, "cannot index the new rows for search: %s", store_errmsg(db));
    csv_free(&csv);
    fclose(in);
    buf_free(&utf8);
    buf_free(&im.sealed);
    return result->nerrors ? STORE_EINVALID : STORE_OK;
}

/* ---- export ---- */

static void add_cell(buf_t *out, const char *text)
{
    if (strpbrk(text, ",\"\r\n") == NULL) {
        buf_adds(out, text);
        return;
    }
    buf_addc(out, '"');
    for (; *text; text++) {
        if (*text == '"')
            buf_addc(out, '"');
        buf_addc(out, *text);
    }
    buf_addc(out, '"');
}

typedef struct {
    const registry_entity_t *e;
    buf_t *out;
} export_t;

static int export_row(const store_registry_row_t *row, void *arg)
{
    export_t *x = arg;
    buf_addf(x->out, "%lld", (long long)row->id);
    for (int i = 0; i < x->e->nfields; i++) {
        const registry_field_t *f = &x->e->fields[i];
        const registry_value_t *v = &row->values[i];
        if (f->hidden)
            continue;
        buf_addc(x->out, ',');
        if (v->null)
            continue;
        if (f->kind == FIELD_BOOL)
            buf_adds(x->out, v->i ? "true" : "false");
        else if (f->kind == FIELD_REAL)
            buf_addf(x->out, "%.7f", v->d);
        else if (f->kind == FIELD_TEXT && looks_like_formula(v->text)) {
            buf_t quoted;
            buf_init(&quoted);
            buf_addc(&quoted, '\'');
            buf_adds(&quoted, v->text);
            add_cell(x->out, quoted.data);
            buf_free(&quoted);
        } else
            add_cell(x->out, v->text);
    }
    buf_adds(x->out, "\r\n");
    return 0;
}

int store_registry_export(store_t *db, const registry_entity_t *e, const char *lo, const char *hi, buf_t *out)
{
    buf_adds(out, "编号");
    for (int i = 0; i < e->nfields; i++)
        if (!e->fields[i].hidden)
            buf_addf(out, ",%s", e->fields[i].label);
    buf_adds(out, "\r\n");
    export_t x = {e, out};
    store_registry_filter_t f = {.lo = lo, .hi = hi, .limit = -1};
    return store_registry_each(db, e, &f, export_row, &x);
}
