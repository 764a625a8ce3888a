/* xlsx: one sheet of text through libxlsxwriter and a temporary file (see xlsx.h). */
#include "core/xlsx.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/utf8.h"

enum { WIDTH_MIN = 8, WIDTH_MAX = 60 };

/* Column widths from the longest text in each column, counted in characters (a Chinese one
 * counts twice, as it is twice as wide). */
static double width_of(const char *text)
{
    double w = 0;
    for (const char *p = text; *p;)
        w += utf8_next(&p) > 0x2E80 ? 2 : 1.1;
    return w;
}

static int fill(lxw_workbook *wb, const char *title, const char *const *headers, int ncols, const json_t *rows)
{
    char name[LXW_SHEETNAME_MAX * 4 + 1];
    utf8_copy(name, LXW_SHEETNAME_MAX + 1, title); /* bytes, cut between characters */
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    lxw_format *bold = workbook_add_format(wb);
    lxw_format *wrap = workbook_add_format(wb);
    if (ws == NULL || bold == NULL || wrap == NULL)
        return -1;
    format_set_bold(bold);
    format_set_text_wrap(wrap);
    format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
    double widths[64] = {0};
    for (int c = 0; c < ncols && c < 64; c++) {
        widths[c] = width_of(headers[c]);
        if (worksheet_write_string(ws, 0, (lxw_col_t)c, headers[c], bold) != LXW_NO_ERROR)
            return -1;
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        for (int c = 0; c < ncols && c < 64; c++) {
            const char *text = json_string_value(json_array_get(row, (size_t)c));
            if (text == NULL)
                text = "";
            double w = width_of(text);
            if (w > widths[c])
                widths[c] = w;
            /* text stays text: a cell is never a formula, whatever it starts with */
            if (worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, text, wrap) != LXW_NO_ERROR)
                return -1;
        }
    }
    for (int c = 0; c < ncols && c < 64; c++) {
        double w = widths[c] < WIDTH_MIN ? WIDTH_MIN : widths[c] > WIDTH_MAX ? WIDTH_MAX : widths[c];
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w + 1, NULL);
    }
    worksheet_freeze_panes(ws, 1, 0);
    return 0;
}

static int slurp(const char *path, buf_t *out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(out, chunk, n);
    int bad = ferror(f);
    fclose(f);
    return bad ? -1 : 0;
}

/* A new empty file of our own in $TMPDIR (or /tmp), for libxlsxwriter to write over. */
static int temp_path(char *path, size_t len)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, len, "%s/liaison-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

int xlsx_table(const char *title, const char *const *headers, int ncols, const json_t *rows, buf_t *out, char *err,
               size_t errlen)
{
    xlsx_sheet_t sheet = {title, headers, ncols, rows};
    return xlsx_book(&sheet, 1, out, err, errlen);
}

int xlsx_book(const xlsx_sheet_t *sheets, int nsheets, buf_t *out, char *err, size_t errlen)
{
    char path[512];
    if (temp_path(path, sizeof(path)) != 0) {
        snprintf(err, errlen, "cannot make a temporary file for a workbook");
        return -1;
    }
    lxw_workbook *wb = workbook_new(path);
    int rc = wb ? 0 : -1;
    for (int i = 0; rc == 0 && i < nsheets; i++)
        rc = fill(wb, sheets[i].title, sheets[i].headers, sheets[i].ncols, sheets[i].rows);
    if (wb && workbook_close(wb) != LXW_NO_ERROR)
        rc = -1;
    if (rc == 0)
        rc = slurp(path, out);
    unlink(path);
    if (rc != 0)
        snprintf(err, errlen, "cannot write a workbook");
    return rc;
}

/* ---- row by row ---- */

struct xlsx_stream {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *wrap;
    int ncols;
    lxw_row_t row;
    char path[512];
};

xlsx_stream_t *xlsx_stream_new(const char *title, const char *const *headers, const double *widths, int ncols,
                               char *err, size_t errlen)
{
    xlsx_stream_t *x = calloc(1, sizeof(*x));
    if (x == NULL || temp_path(x->path, sizeof(x->path)) != 0) {
        snprintf(err, errlen, "cannot make a temporary file for a workbook");
        free(x);
        return NULL;
    }
    const char *dir = getenv("TMPDIR");
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = (char *)(dir && *dir ? dir : "/tmp")};
    x->wb = workbook_new_opt(x->path, &options);
    char name[LXW_SHEETNAME_MAX * 4 + 1];
    utf8_copy(name, LXW_SHEETNAME_MAX + 1, title);
    x->ws = x->wb ? workbook_add_worksheet(x->wb, name) : NULL;
    lxw_format *bold = x->wb ? workbook_add_format(x->wb) : NULL;
    x->wrap = x->wb ? workbook_add_format(x->wb) : NULL;
    x->ncols = ncols;
    bool ok = x->ws && bold && x->wrap;
    if (ok) {
        format_set_bold(bold);
        format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
        /* constant_memory writes a row once it is left: widths and the frozen header come first */
        for (int c = 0; c < ncols && ok; c++) {
            double w = widths ? widths[c] : width_of(headers[c]);
            w = w < WIDTH_MIN ? WIDTH_MIN : w > WIDTH_MAX ? WIDTH_MAX : w;
            ok = worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, w + 1, NULL) == LXW_NO_ERROR &&
                 worksheet_write_string(x->ws, 0, (lxw_col_t)c, headers[c], bold) == LXW_NO_ERROR;
        }
        worksheet_freeze_panes(x->ws, 1, 0);
    }
    if (!ok) {
        snprintf(err, errlen, "cannot start a workbook");
        xlsx_stream_free(x);
        return NULL;
    }
    return x;
}

int xlsx_stream_row(xlsx_stream_t *x, const char *const *cells, const bool *numeric)
{
    if (x->row >= XLSX_MAX_ROWS)
        return -1;
    x->row++;
    for (int c = 0; c < x->ncols; c++) {
        const char *text = cells[c] ? cells[c] : "";
        char *end = NULL;
        double v = numeric && numeric[c] && *text ? strtod(text, &end) : 0;
        lxw_error rc = end && *end == '\0'
                           ? worksheet_write_number(x->ws, x->row, (lxw_col_t)c, v, x->wrap)
                           /* text stays text: a cell is never a formula, whatever it starts with */
                           : worksheet_write_string(x->ws, x->row, (lxw_col_t)c, text, x->wrap);
        if (rc != LXW_NO_ERROR)
            return -1;
    }
    return 0;
}

int xlsx_stream_finish(xlsx_stream_t *x, char *err, size_t errlen)
{
    lxw_error rc = workbook_close(x->wb);
    x->wb = NULL;
    int fd = rc == LXW_NO_ERROR ? open(x->path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0)
        snprintf(err, errlen, "cannot write a workbook");
    xlsx_stream_free(x);
    return fd;
}

void xlsx_stream_free(xlsx_stream_t *x)
{
    if (x == NULL)
        return;
    if (x->wb) {
        /* libxlsxwriter has no way to drop a workbook unwritten: write it, then remove it */
        workbook_close(x->wb);
    }
    unlink(x->path);
    free(x);
}
