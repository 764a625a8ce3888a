/*
 * xlsx: a table of text as a real Excel workbook (libxlsxwriter), for the record books and
 * lists that stations keep in Excel. libxlsxwriter writes to a file, so the workbook is made in
 * a private temporary file and read back; the file is gone when the call returns.
 */
#ifndef LIAISON_CORE_XLSX_H
#define LIAISON_CORE_XLSX_H

#include <jansson.h>
#include <stdbool.h>

#include "core/buf.h"

/* Writes one sheet called title (at most 31 characters, as Excel allows) with a bold header row
 * of ncols headers and the rows (a JSON array of arrays of strings) into out. Returns 0, or -1
 * with a reason in err. */
int xlsx_table(const char *title, const char *const *headers, int ncols, const json_t *rows, buf_t *out, char *err,
               size_t errlen);

/*
 * A workbook written row by row, for exports of any length: libxlsxwriter's constant_memory mode
 * puts each row on disk as it is written, so memory stays flat however many rows come. Cells are
 * text, except those marked as numbers. Functions return 0 or -1; NULL from new.
 */
enum { XLSX_MAX_ROWS = 1048575 }; /* data rows a sheet holds below its header (Excel's limit) */
typedef struct xlsx_stream xlsx_stream_t;

/* A sheet called title with a bold header row; widths[c] is column c's width in characters
 * (NULL: from the headers). */
xlsx_stream_t *xlsx_stream_new(const char *title, const char *const *headers, const double *widths, int ncols,
                               char *err, size_t errlen);
/* Appends a row of ncols cells; a cell c with numeric[c] set (numeric may be NULL) is written as
 * a number when it reads as one. */
int xlsx_stream_row(xlsx_stream_t *x, const char *const *cells, const bool *numeric);
/* Closes the workbook and returns a descriptor open for reading it (the file is already removed
 * from the directory: closing the descriptor frees it), or -1. Frees x either way. */
int xlsx_stream_finish(xlsx_stream_t *x, char *err, size_t errlen);
/* Drops an unfinished workbook. */
void xlsx_stream_free(xlsx_stream_t *x);

/* One sheet of a workbook, as xlsx_table takes it. */
typedef struct {
    const char *title; /* unique in the workbook once cut to 31 characters */
    const char *const *headers;
    int ncols;
    const json_t *rows;
} xlsx_sheet_t;

/* A workbook of nsheets sheets (at least one), each as xlsx_table writes its one. */
int xlsx_book(const xlsx_sheet_t *sheets, int nsheets, buf_t *out, char *err, size_t errlen);

#endif
