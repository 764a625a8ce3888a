/*
 * csv: an RFC 4180 reader. Fields may be quoted, with "" for a quote and commas or line breaks
 * inside quotes; records end with LF or CRLF. A UTF-8 byte-order mark at the very start is
 * skipped. The reader works on a FILE and keeps one record in memory at a time, so files of
 * any size stream.
 *
 * Fields returned by csv_next point into the reader and are valid until the next call.
 */
#ifndef LIAISON_CORE_CSV_H
#define LIAISON_CORE_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "core/buf.h"

enum { CSV_MAX_FIELDS = 64 };

typedef struct {
    FILE *in;
    buf_t record;                 /* the current record's field bytes, NUL-separated */
    size_t starts[CSV_MAX_FIELDS];
    const char *fields[CSV_MAX_FIELDS];
    size_t line;                  /* line number where the current record began (1-based) */
    size_t next_line;
    size_t bytes;                 /* bytes consumed so far, for progress */
    int at_start;
    int pending[3];               /* bytes read ahead while looking for a byte-order mark */
    int npending;
} csv_reader_t;

void csv_init(csv_reader_t *r, FILE *in);
void csv_free(csv_reader_t *r);
/*
 * Reads the next record. Returns the number of fields (>= 1), 0 at end of input, or -1 for a
 * malformed record (an unterminated quote, text after a closing quote, or more than
 * CSV_MAX_FIELDS fields); r->line then names the record's line.
 */
int csv_next(csv_reader_t *r, const char ***fields);

/* The byte-order mark that makes Excel read a CSV file as UTF-8. */
#define CSV_BOM "\xEF\xBB\xBF"
/* Whether a spreadsheet would run text as a formula (it starts with = + - @ or a tab/CR). */
int csv_looks_like_formula(const char *text);
/* Appends text as one cell, quoted when it holds a comma, quote or line break. With guard, a
 * text that looks like a formula gets a ' in front, so a sheet opened in Excel never runs what a
 * person typed (CSV injection); numbers such as -33.5 are written without it. */
void csv_write_cell(buf_t *out, const char *text, int guard);

#endif
