/*
 * registry_csv: bulk import and export of registry records as CSV, for the office's Excel
 * sheets. Headers may be the field names or their Chinese labels ("名称" or "name"), with an
 * optional id column (编号): a row with an id updates that record, a row without one creates a
 * record. Files may be UTF-8 (with or without a byte-order mark) or GB18030.
 *
 * Import is all or nothing: it checks every row and collects every problem with its line, column
 * and reason; the caller commits only when there is none (and not for a dry run). Run it inside a
 * transaction or savepoint.
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
    size_t line;      /* 1-based row of the record, as a spreadsheet counts them (the header is row 1) */
    char column[64];  /* the header of the cell at fault, or "" for the whole row */
    char message[200];
} store_csv_error_t;

typedef struct {
    int created, updated;
    const char *encoding; /* "UTF-8" or "GB18030" */
    int nerrors;          /* problems found (only the first CSV_IMPORT_MAX_ERRORS are kept) */
    store_csv_error_t errors[CSV_IMPORT_MAX_ERRORS];
} store_csv_result_t;

/*
 * Imports text (len bytes) into entity e. scope limits the regions rows may name (NULL: any);
 * vault seals personal data (a deputy's phone) before it is stored.
 * Returns STORE_OK when every row was written (or would be, with dry_run), STORE_EINVALID when
 * rows have problems (listed in result; the caller must roll back), or another STORE_E* code.
 */
int store_registry_import(store_t *db, const registry_entity_t *e, const char *text, size_t len, const char *scope,
                          const vault_t *vault, store_csv_result_t *result);
/* Appends every live record of e in the subtree [lo, hi) (NULL: all) as CSV with Chinese headers. */
int store_registry_export(store_t *db, const registry_entity_t *e, const char *lo, const char *hi, buf_t *out);

#endif
