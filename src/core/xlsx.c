/* xlsx: one sheet of text through libxlsxwriter and a temporary file (see xlsx.h). */
#include "core/xlsx.h"

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

int xlsx_table(const char *title, const char *const *headers, int ncols, const json_t *rows, buf_t *out, char *err,
               size_t errlen)
{
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/liaison-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot make a temporary file for a workbook");
        return -1;
    }
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    int rc = wb ? fill(wb, title, headers, ncols, rows) : -1;
    if (wb && workbook_close(wb) != LXW_NO_ERROR)
        rc = -1;
    if (rc == 0)
        rc = slurp(path, out);
    unlink(path);
    if (rc != 0)
        snprintf(err, errlen, "cannot write a workbook");
    return rc;
}
