/*
 * exports: any staff list as CSV or Excel (SPEC §8: every list exports what is on screen), through
 * one mechanism. A list offers GET <list>/export.csv and <list>/export.xlsx; its handler reads the
 * list's own filters (the function the list itself uses), fills an api_export_source_t that walks
 * those rows, and calls api_export. From there on:
 *   1. a worker opens a read connection of the export's own, opens the rows and counts them with
 *      the same filters; more than --export-max-rows (or than a sheet holds) is refused with 413
 *      before anything is sent;
 *   2. the writer records "<entity>.export" in the audit log;
 *   3. the rows stream: a CSV goes out in pieces of 64 KiB, each read by a worker once h2o has
 *      sent the one before; a workbook is written row by row (constant memory) into a temporary
 *      file on a worker, then sent in pieces with its Content-Length.
 * Neither ever holds the whole list in memory. X-Total-Rows tells the client how many rows come.
 * An export shows what its list shows: no sealed personal data.
 *
 * Also the stream underneath, for anything else sent in pieces made on a worker (the registry's
 * sheets use it).
 */
#ifndef LIAISON_API_EXPORTS_H
#define LIAISON_API_EXPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"
#include "core/buf.h"

/* ---- a response sent in pieces made on a worker ---- */

typedef struct api_stream api_stream_t;
struct api_stream {
    h2o_generator_t super; /* first: h2o hands it back to proceed and stop */
    http_req_t *r;         /* NULL once h2o has stopped the response */
    buf_t piece;           /* filled by fill on a worker, then h2o's to send until it asks for more */
    int rc;                /* fill's result: STORE_OK or an error, which ends the response */
    bool done;             /* fill sets it with the last piece */
    bool busy, started;
    /* On a worker: the next piece into piece (already emptied); sets rc, and done at the end. */
    void (*fill)(api_stream_t *s);
    /* On the loop, before the first piece goes: status 200 is set; add the headers. */
    void (*head)(api_stream_t *s, h2o_req_t *h);
    /* Frees the struct that embeds this one (and piece, with api_stream_release). */
    void (*free)(api_stream_t *s);
};

/* Starts s (embedded first in a struct of the caller's, zeroed, fill/head/free set) on r: the
 * first piece is asked for at once. A failure before the first piece answers 500; after it, the
 * client sees a cut-off transfer, never a short file. */
void api_stream_start(http_req_t *r, api_stream_t *s);
/* Frees what api_stream_start allocated in s (its piece). */
void api_stream_release(api_stream_t *s);

/* ---- exports of lists ---- */

typedef struct {
    const char *header; /* as the office's sheets say it, in Chinese */
    double width;       /* in characters, for the workbook */
    bool number;        /* a number in the workbook (ids); text otherwise */
} api_export_column_t;

/* The rows of one list under its filters. Embed it first in a struct of your own holding a copy
 * of the filters (the request may be gone while the export runs), allocated with malloc. */
typedef struct api_export_source api_export_source_t;
struct api_export_source {
    const char *entity; /* "opinion": the audit's "opinion.export" */
    const char *file;   /* "opinions": the file's name before the region */
    const char *sheet;  /* the workbook sheet's title */
    const api_export_column_t *columns;
    int ncols;
    char region[13]; /* the scope exported, for the audit log and the name */
    /* On a worker, with the export's read connection, in this order: open, count (the rows open
     * would give, stopping at most), next until it gives STORE_DONE. count may run while next's
     * last row is held: it must leave the cells alone. Each returns STORE_OK (next: STORE_ROW
     * with ncols cells, valid until the next call) or a STORE_E* code. */
    int (*open)(api_export_source_t *s, store_t *db);
    int (*count)(api_export_source_t *s, store_t *db, int64_t most, int64_t *n);
    int (*next)(api_export_source_t *s, const char **cells);
    /* Closes what open opened and frees s; on any thread. */
    void (*free)(api_export_source_t *s);
};

/* Whether the route asked for a workbook (its path ends in .xlsx) rather than CSV. */
bool api_export_wants_xlsx(http_req_t *r);
/* Counts, refuses when over the limit (413 too_many_rows, naming the limit), audits and streams
 * src's rows; takes src and frees it whatever happens. */
void api_export(http_req_t *r, api_export_source_t *src);
/* A time as the office writes it: "YYYY-MM-DD HH:MM" in Beijing time; "" for 0. */
void api_export_time(int64_t t, char out[17]);

/* Exports of the lists, each beside its list's filters. */
int api_opinions_export(http_req_t *r);

#endif
