/*
 * registry_csv: bulk import and export of registry records as CSV, for the office's Excel
 * sheets. Headers may be the field names or their Chinese labels ("名称" or "name"; a few older
 * labels are still read, see domain/registry.c), with an optional id column (编号): a row with an
 * id updates that record, a row without one creates a record. A deputies' sheet may also have
 * the columns stations (所在联络站: station ids, "3;7") and seats (代表资格: congress ids, each with
 * its district after a colon, "12:第三选区;15"); a row with such a column replaces the deputy's
 * stations or seats. Files may be UTF-8 (with or without a byte-order mark) or GB18030.
 *
 * Import is all or nothing, in two steps so that the slow part never holds the writer:
 *   1. store_registry_import_check reads the sheet on any thread with a read connection: it
 *      decodes, parses and validates every cell, seals personal data, and checks regions, scope
 *      and links against the records as they stand. It collects every problem (line, column,
 *      reason) and, when there is none, hands back the prepared rows.
 *   2. store_registry_import_write runs inside the caller's write transaction: it checks again
 *      only what may have changed since step 1 (the records a row updates, and its links, in
 *      sheet order, so a row sees the rows above it), and writes when every row passes. On
 *      STORE_EINVALID the caller must roll back.
 *
 * Export streams: store_registry_export_open, then _next for as many pieces as wanted, then
 * _close; every piece comes from one read of the database, so the sheet is one consistent
 * picture however slowly it is fetched.
 *
 * Functions return STORE_OK, STORE_EINVALID (problems are listed in the result) or another
 * STORE_E* code.
 */
#ifndef LIAISON_STORE_REGISTRY_CSV_H
#define LIAISON_STORE_REGISTRY_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/vault.h"
#include "core/buf.h"
#include "store/registry.h"

enum { CSV_IMPORT_MAX_ERRORS = 100 };

typedef struct {
    size_t line;     /* 1-based row of the record, as a spreadsheet counts them (the header is row 1) */
    char column[64]; /* the header of the cell at fault, or "" for the whole row */
    char message[200];
} store_csv_error_t;

typedef struct {
    int created, updated;
    const char *encoding; /* "UTF-8" or "GB18030" */
    int nerrors;          /* problems found (only the first CSV_IMPORT_MAX_ERRORS are kept) */
    store_csv_error_t errors[CSV_IMPORT_MAX_ERRORS];
} store_csv_result_t;

/* A checked sheet: its header and prepared rows, owned by the caller (store_csv_sheet_free). */
typedef struct store_csv_sheet store_csv_sheet_t;

/*
 * Step 1. Checks text (len bytes) for entity e with db, a connection that only reads here.
 * scope limits the regions rows may name and the congresses seats may name (NULL: any); vault
 * seals personal data (a deputy's phone). Fills result (created and updated count what the sheet
 * would do). On STORE_OK *sheet holds the prepared rows; otherwise *sheet is NULL.
 */
int store_registry_import_check(store_t *db, const registry_entity_t *e, const char *text, size_t len,
                                const char *scope, const vault_t *vault, store_csv_result_t *result,
                                store_csv_sheet_t **sheet);
/*
 * Step 2. Writes a checked sheet inside the caller's transaction on db (the writer's
 * connection), with now as the records' time. Adds any problem to result; STORE_EINVALID then
 * means nothing may be kept.
 */
int store_registry_import_write(store_t *db, store_csv_sheet_t *sheet, int64_t now, store_csv_result_t *result);
/* The record of each data row, in sheet order, and their number. After a successful write, the
 * ids created or updated; before it, the ids of updated records and 0 for rows that create one. */
const int64_t *store_csv_sheet_ids(const store_csv_sheet_t *sheet, size_t *n);
void store_csv_sheet_free(store_csv_sheet_t *sheet);

/* Both steps on one connection, inside the caller's transaction (the command line). */
int store_registry_import(store_t *db, const registry_entity_t *e, const char *text, size_t len, const char *scope,
                          const vault_t *vault, store_csv_result_t *result);

/* An export under way, owned by the caller until store_registry_export_close. */
typedef struct store_csv_export store_csv_export_t;

/* Begins an export of every live record of e in the subtree [lo, hi) (lo NULL: all) from db. */
int store_registry_export_open(store_t *db, const registry_entity_t *e, const char *lo, const char *hi,
                               store_csv_export_t **out);
/* Appends the next piece to out: the Chinese header first, then whole records until out holds at
 * least want bytes or the records end, when *done becomes true. */
int store_registry_export_next(store_csv_export_t *x, buf_t *out, size_t want, bool *done);
void store_registry_export_close(store_csv_export_t *x);
/* The whole sheet at once (no byte-order mark). */
int store_registry_export(store_t *db, const registry_entity_t *e, const char *lo, const char *hi, buf_t *out);

#endif
