/*
 * xlsx: a table of text as a real Excel workbook (libxlsxwriter), for the record books and
 * lists that stations keep in Excel. libxlsxwriter writes to a file, so the workbook is made in
 * a private temporary file and read back; the file is gone when the call returns.
 */
#ifndef LIAISON_CORE_XLSX_H
#define LIAISON_CORE_XLSX_H

#include <jansson.h>

#include "core/buf.h"

/* Writes one sheet called title (at most 31 characters, as Excel allows) with a bold header row
 * of ncols headers and the rows (a JSON array of arrays of strings) into out. Returns 0, or -1
 * with a reason in err. */
int xlsx_table(const char *title, const char *const *headers, int ncols, const json_t *rows, buf_t *out, char *err,
               size_t errlen);

#endif
