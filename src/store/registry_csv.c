/*
 * registry_csv: a CSV sheet goes through the same field parsing, scope check and link rules as
 * a JSON request, row by row. Checking reads only, and turns each good row into a prepared row:
 * the values the row sets (their text in one arena for the whole sheet) and a deputy's stations
 * and seats. Writing takes the prepared rows in order, checks their records and links again on
 * the writer's connection, and writes them all or none. Export reads one statement piece by
 * piece, formatting every record the same way for the command line and the API.
 */
#include "store/registry_csv.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/csv.h"
#include "core/encoding.h"
#include "core/utf8.h"
#include "domain/region.h"
#include "store/regions.h"

enum { MAX_STATIONS = 32, MAX_SEATS = 8, MAX_DISTRICT_CHARS = 60 }; /* as the JSON API allows */

/* What a column of the sheet holds: a field (its index, >= 0) or one of these. */
enum { UNKNOWN_COLUMN = -1, ID_COLUMN = -2, STATIONS_COLUMN = -3, SEATS_COLUMN = -4 };

/* The deputies' sheet's list columns: not fields of the record but its links to others. */
static const struct {
    const char *name, *label;
    int column;
} link_columns[] = {
    {"stations", "所在联络站", STATIONS_COLUMN},
    {"seats", "代表资格", SEATS_COLUMN},
};
#define NLINK_COLUMNS ((int)(sizeof(link_columns) / sizeof(link_columns[0])))

static bool is_deputy(const registry_entity_t *e)
{
    return strcmp(e->name, "deputy") == 0;
}

/* A spreadsheet runs a cell that starts like a formula; a leading ' makes it plain text there and
 * is taken off again on import. */
/* ---- the checked sheet ---- */

/* One value a row sets; its text is at offset text of the sheet's arena. */
typedef struct {
    uint32_t text;
    uint8_t field;
    bool null;
    union {
        int64_t i;
        double d;
    } n;
} prepared_value_t;

/* A station's id, or a seat's congress id with the arena offset of its district. */
typedef struct {
    int64_t id;
    uint32_t district;
} prepared_link_t;

typedef struct {
    size_t line;
    int64_t id; /* the record the row updates, or 0 for a new one */
    uint32_t first_value, nvalues;
    uint32_t first_link;       /* its stations, then its seats */
    int16_t nstations, nseats; /* -1: the sheet has no such column */
} prepared_row_t;

struct store_csv_sheet {
    const registry_entity_t *e;
    char scope[REGION_CODE_LEN + 1]; /* "" for none */
    int ncolumns;
    int columns[CSV_MAX_FIELDS]; /* a field index or a *_COLUMN per column */
    char headers[CSV_MAX_FIELDS][64];
    int id_column; /* where the id column is, or -1 */
    prepared_row_t *rows;
    size_t nrows, rows_cap;
    prepared_value_t *values;
    size_t nvalues, values_cap;
    prepared_link_t *links;
    size_t nlinks, links_cap;
    buf_t text;   /* the arena */
    int64_t *ids; /* one per row */
};

/* Makes room for need elements of size bytes in *p (capacity *cap). */
static void *reserve(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap * 2 : 256;
    while (n < need)
        n *= 2;
    p = realloc(p, n * size);
    if (p == NULL)
        abort();
    *cap = n;
    return p;
}

static uint32_t keep_text(store_csv_sheet_t *s, const char *text)
{
    uint32_t at = (uint32_t)s->text.len;
    buf_add(&s->text, text, strlen(text) + 1);
    return at;
}

void store_csv_sheet_free(store_csv_sheet_t *s)
{
    if (s == NULL)
        return;
    free(s->rows);
    free(s->values);
    free(s->links);
    free(s->ids);
    buf_free(&s->text);
    free(s);
}

const int64_t *store_csv_sheet_ids(const store_csv_sheet_t *s, size_t *n)
{
    *n = s->nrows;
    return s->ids;
}

/* ---- problems ---- */

static void problem(store_csv_result_t *r, size_t line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(store_csv_result_t *r, size_t line, const char *column, const char *fmt, ...)
{
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

/* The header under which a field (or "stations", "seats") appears in this sheet, or its label. */
static const char *column_of(const store_csv_sheet_t *s, const char *name)
{
    int want = registry_field_index(s->e, name);
    const char *label = want >= 0 ? s->e->fields[want].label : name;
    for (int k = 0; want < 0 && k < NLINK_COLUMNS; k++)
        if (strcmp(link_columns[k].name, name) == 0) {
            want = link_columns[k].column;
            label = link_columns[k].label;
        }
    for (int c = 0; want != UNKNOWN_COLUMN && c < s->ncolumns; c++)
        if (s->columns[c] == want)
            return s->headers[c];
    return label;
}

static const char *id_header(const store_csv_sheet_t *s)
{
    return s->id_column >= 0 ? s->headers[s->id_column] : "编号";
}

/* ---- reading the sheet ---- */

static int link_column(const registry_entity_t *e, const char *header)
{
    for (int k = 0; is_deputy(e) && k < NLINK_COLUMNS; k++)
        if (strcmp(header, link_columns[k].name) == 0 || strcmp(header, link_columns[k].label) == 0)
            return link_columns[k].column;
    return UNKNOWN_COLUMN;
}

static void read_header(store_csv_sheet_t *s, store_csv_result_t *result, const char **f, int n, size_t line)
{
    s->ncolumns = n;
    bool seen[REGISTRY_MAX_FIELDS] = {false}, seen_links[NLINK_COLUMNS] = {false};
    for (int c = 0; c < n; c++) {
        utf8_copy(s->headers[c], sizeof(s->headers[c]), f[c]);
        int i = registry_field_index(s->e, f[c]), link = link_column(s->e, f[c]);
        bool twice = false;
        if (strcmp(f[c], "id") == 0 || strcmp(f[c], "编号") == 0) {
            twice = s->id_column >= 0;
            s->columns[c] = ID_COLUMN;
            if (!twice)
                s->id_column = c;
        } else if (link != UNKNOWN_COLUMN) {
            twice = seen_links[STATIONS_COLUMN - link];
            seen_links[STATIONS_COLUMN - link] = true;
            s->columns[c] = link;
        } else {
            twice = i >= 0 && seen[i];
            s->columns[c] = i;
            if (i >= 0)
                seen[i] = true;
        }
        if (i < 0 && link == UNKNOWN_COLUMN && s->columns[c] != ID_COLUMN)
            problem(result, line, f[c], "unknown column");
        else if (twice) {
            s->columns[c] = UNKNOWN_COLUMN;
            problem(result, line, f[c], "the column appears twice");
        }
    }
}

/* A row on its way: its values, and a deputy's stations and seats. */
typedef struct {
    int64_t id; /* the record to update, or 0 for a new one */
    registry_value_t values[REGISTRY_MAX_FIELDS];
    int64_t stations[MAX_STATIONS];
    int nstations; /* -1: no stations column */
    store_seat_t seats[MAX_SEATS];
    int nseats; /* -1: no seats column */
} row_input_t;

/* What checking keeps from row to row. */
typedef struct {
    store_t *db;
    store_csv_sheet_t *sheet;
    store_csv_result_t *result;
    const vault_t *vault;                /* NULL when writing: the rows are sealed already */
    bool known_regions;                  /* check that regions exist (regions are only ever added) */
    char known[16][REGION_CODE_LEN + 1]; /* regions found lately: a sheet's rows share a few */
    unsigned nknown;
    char *sealed[REGISTRY_MAX_FIELDS]; /* the current row's sealed personal data */
    buf_t stations, seats;             /* the current row's list cells, cut into pieces */
} checker_t;

/* Full-width separators typed with a Chinese input method count as their ASCII forms. */
static void ascii_separators(const char *cell, buf_t *out)
{
    buf_reset(out);
    for (const unsigned char *p = (const unsigned char *)cell; *p; p++) {
        if (p[0] == 0xEF && p[1] == 0xBC && (p[2] == 0x9B || p[2] == 0x9A || p[2] == 0x8C)) {
            buf_addc(out, p[2] == 0x9B ? ';' : p[2] == 0x9A ? ':' : ',');
            p += 2;
        } else
            buf_addc(out, (char)*p);
    }
}

/* The next piece of *p up to one of seps (cut there), trimmed of spaces; NULL at the end. */
static char *next_piece(char **p, const char *seps)
{
    if (*p == NULL)
        return NULL;
    char *start = *p, *end = start + strcspn(start, seps);
    *p = *end ? end + 1 : NULL;
    *end = '\0';
    while (*start == ' ')
        start++;
    for (char *t = start + strlen(start); t > start && t[-1] == ' ';)
        *--t = '\0';
    return start;
}

static int64_t parse_id(const char *text)
{
    char *end;
    long long v = strtoll(text, &end, 10);
    return *text >= '0' && *text <= '9' && *end == '\0' && v > 0 ? v : 0;
}

/* "3;7": station ids; NULL, or what is wrong. */
static const char *read_stations(checker_t *c, const char *cell, row_input_t *in)
{
    ascii_separators(cell, &c->stations);
    char *rest = c->stations.data, *piece;
    in->nstations = 0;
    while ((piece = next_piece(&rest, ";,")) != NULL) {
        if (*piece == '\0')
            continue; /* an empty cell, or a separator too many */
        int64_t id = parse_id(piece);
        if (id == 0 || in->nstations == MAX_STATIONS)
            return "must be station ids separated by semicolons (at most 32)";
        in->stations[in->nstations++] = id;
    }
    return NULL;
}

/* "12:第三选区;15": congress ids, each with its district after a colon; NULL, or what is wrong.
 * The districts point into c->seats until the next row. */
static const char *read_seats(checker_t *c, const char *cell, row_input_t *in)
{
    ascii_separators(cell, &c->seats);
    char *rest = c->seats.data, *piece;
    in->nseats = 0;
    while ((piece = next_piece(&rest, ";")) != NULL) {
        if (*piece == '\0')
            continue;
        char *district = strchr(piece, ':');
        if (district)
            *district++ = '\0';
        else
            district = piece + strlen(piece);
        while (*district == ' ')
            district++;
        int64_t id = parse_id(next_piece(&piece, ""));
        size_t n = strlen(district);
        if (id == 0 || in->nseats == MAX_SEATS || !utf8_valid(district, n) ||
            utf8_chars(district, n) > MAX_DISTRICT_CHARS)
            return "must be congress ids, each with its district (at most 60 characters) after a colon, "
                   "separated by semicolons (at most 8)";
        in->seats[in->nseats++] = (store_seat_t){.congress_id = id, .district = district};
    }
    return NULL;
}

/* Personal data is sealed before it is stored, as the API does. */
static void seal(checker_t *c, int i, registry_value_t *v)
{
    c->sealed[i] = vault_seal(c->vault, v->text, strlen(v->text));
    v->text = c->sealed[i];
}

/* Parses one row's cells into in; false after a problem. */
static bool read_cells(checker_t *c, const char **f, size_t line, row_input_t *in)
{
    const store_csv_sheet_t *s = c->sheet;
    const registry_entity_t *e = s->e;
    int before = c->result->nerrors;
    for (int k = 0; k < s->ncolumns; k++) {
        int i = s->columns[k];
        const char *cell = f[k], *why = NULL;
        if (i == ID_COLUMN && cell[0] && (in->id = parse_id(cell)) == 0)
            problem(c->result, line, s->headers[k], "must be a record id");
        else if (i == STATIONS_COLUMN && (why = read_stations(c, cell, in)) != NULL)
            problem(c->result, line, s->headers[k], "stations %s", why);
        else if (i == SEATS_COLUMN && (why = read_seats(c, cell, in)) != NULL)
            problem(c->result, line, s->headers[k], "seats %s", why);
        else if (i >= 0) {
            if (e->fields[i].kind == FIELD_TEXT && cell[0] == '\'' && csv_looks_like_formula(cell + 1))
                cell++; /* the guard our export put in front of a formula-like text */
            why = registry_parse(&e->fields[i], cell, &in->values[i]);
            if (why)
                problem(c->result, line, s->headers[k], "%s %s", e->fields[i].name, why);
            else if (e->fields[i].hidden && !in->values[i].null)
                seal(c, i, &in->values[i]);
        }
    }
    return c->result->nerrors == before;
}

static bool region_known(checker_t *c, const char *region)
{
    enum { SLOTS = sizeof(c->known) / sizeof(c->known[0]) };
    for (unsigned k = 0; k < SLOTS && k < c->nknown; k++)
        if (strcmp(c->known[k], region) == 0)
            return true;
    if (store_region_exists(c->db, region) != STORE_OK)
        return false;
    snprintf(c->known[c->nknown++ % SLOTS], sizeof(c->known[0]), "%s", region);
    return true;
}

/*
 * The rules that read the database, for a row of either step: the record it updates exists in
 * scope, its region (known, when c->known_regions) lies in scope, and its links hold. Lists the
 * problem and returns false when the row breaks one.
 */
static bool row_passes(checker_t *c, const row_input_t *in, size_t line)
{
    const store_csv_sheet_t *s = c->sheet;
    const registry_entity_t *e = s->e;
    const char *scope = s->scope[0] ? s->scope : NULL;
    store_registry_row_t old;
    bool have_old = false, ok = false;
    int ri = registry_region_field(e);
    if (in->id > 0) {
        int rc = store_registry_get(c->db, e, in->id, &old);
        if (rc != STORE_OK) {
            problem(c->result, line, id_header(s), rc == STORE_ENOTFOUND ? "no record with this id" : "cannot be read");
            return false;
        }
        have_old = true;
        /* a row may only touch a record already inside the importer's region, as the API's PATCH */
        const registry_value_t *was = &old.values[ri];
        if (scope && (was->null || !region_in_scope(scope, was->text))) {
            problem(c->result, line, id_header(s), "no record with this id");
            store_registry_row_free(&old);
            return false;
        }
    }
    registry_value_t values[REGISTRY_MAX_FIELDS];
    memcpy(values, in->values, sizeof(values));
    if (!have_old)
        registry_defaults(e, values);
    const registry_value_t *rv = values[ri].set || !have_old ? &values[ri] : &old.values[ri];
    char region[REGION_CODE_LEN + 1];
    snprintf(region, sizeof(region), "%s", rv->null ? "" : rv->text);
    if (c->known_regions && region[0] && !region_known(c, region))
        problem(c->result, line, column_of(s, "region"), "region %s is not a known region", region);
    else if (scope && (!region[0] || !region_in_scope(scope, region)))
        problem(c->result, line, column_of(s, "region"), "region %s is outside your region", region);
    else {
        store_registry_change_t change = {e,
                                          in->id,
                                          values,
                                          have_old ? &old : NULL,
                                          region,
                                          in->nstations >= 0 ? in->stations : NULL,
                                          in->nstations > 0 ? in->nstations : 0,
                                          in->seats,
                                          in->nseats > 0 ? in->nseats : 0,
                                          scope};
        const char *field = NULL;
        char msg[200];
        int rc = store_registry_check_links(c->db, &change, &field, msg, sizeof(msg));
        if (rc == STORE_EINVALID)
            problem(c->result, line, column_of(s, field), "%s", msg);
        else if (rc != STORE_OK)
            problem(c->result, line, NULL, "cannot be checked: %s", store_errmsg(c->db));
        ok = rc == STORE_OK;
    }
    if (have_old)
        store_registry_row_free(&old);
    return ok;
}

/* Keeps a row that passed, copying what it points at into the sheet. */
static void keep_row(store_csv_sheet_t *s, const row_input_t *in, size_t line)
{
    const registry_entity_t *e = s->e;
    s->rows = reserve(s->rows, &s->rows_cap, s->nrows + 1, sizeof(*s->rows));
    prepared_row_t *row = &s->rows[s->nrows++];
    *row = (prepared_row_t){.line = line,
                            .id = in->id,
                            .first_value = (uint32_t)s->nvalues,
                            .first_link = (uint32_t)s->nlinks,
                            .nstations = (int16_t)in->nstations,
                            .nseats = (int16_t)in->nseats};
    for (int i = 0; i < e->nfields; i++) {
        const registry_value_t *v = &in->values[i];
        if (!v->set)
            continue;
        s->values = reserve(s->values, &s->values_cap, s->nvalues + 1, sizeof(*s->values));
        prepared_value_t *p = &s->values[s->nvalues++];
        *p = (prepared_value_t){.text = keep_text(s, v->text), .field = (uint8_t)i, .null = v->null};
        if (e->fields[i].kind == FIELD_REAL)
            p->n.d = v->d;
        else
            p->n.i = v->i;
        row->nvalues++;
    }
    size_t nlinks = (size_t)(in->nstations > 0 ? in->nstations : 0) + (size_t)(in->nseats > 0 ? in->nseats : 0);
    s->links = reserve(s->links, &s->links_cap, s->nlinks + nlinks, sizeof(*s->links));
    for (int i = 0; i < in->nstations; i++)
        s->links[s->nlinks++] = (prepared_link_t){in->stations[i], 0};
    for (int i = 0; i < in->nseats; i++)
        s->links[s->nlinks++] = (prepared_link_t){in->seats[i].congress_id, keep_text(s, in->seats[i].district)};
}

/* A kept row as it was read (its text in the sheet's arena). */
static void restore_row(const store_csv_sheet_t *s, const prepared_row_t *row, row_input_t *in)
{
    memset(in, 0, sizeof(*in));
    in->id = row->id;
    for (uint32_t k = 0; k < row->nvalues; k++) {
        const prepared_value_t *p = &s->values[row->first_value + k];
        registry_value_t *v = &in->values[p->field];
        *v = (registry_value_t){.set = true, .null = p->null, .text = s->text.data + p->text};
        if (s->e->fields[p->field].kind == FIELD_REAL)
            v->d = p->n.d;
        else
            v->i = p->n.i;
    }
    const prepared_link_t *link = &s->links[row->first_link];
    in->nstations = row->nstations;
    for (int i = 0; i < row->nstations; i++)
        in->stations[i] = (link++)->id;
    in->nseats = row->nseats;
    for (int i = 0; i < row->nseats; i++, link++)
        in->seats[i] = (store_seat_t){.congress_id = link->id, .district = s->text.data + link->district};
}

static void check_row(checker_t *c, const char **f, size_t line)
{
    const registry_entity_t *e = c->sheet->e;
    row_input_t in = {.nstations = -1, .nseats = -1};
    if (read_cells(c, f, line, &in)) {
        const registry_field_t *missing = in.id ? NULL : registry_missing(e, in.values);
        if (missing)
            problem(c->result, line, column_of(c->sheet, missing->name), "%s is required", missing->name);
        else if (row_passes(c, &in, line) && c->result->nerrors == 0)
            keep_row(c->sheet, &in, line);
    }
    for (int i = 0; i < e->nfields; i++) {
        free(c->sealed[i]);
        c->sealed[i] = NULL;
    }
}

/* Reads every record of the decoded sheet. */
static void check_records(checker_t *c, const buf_t *utf8)
{
    FILE *in = fmemopen(utf8->data, utf8->len, "r");
    if (in == NULL)
        abort();
    csv_reader_t csv;
    csv_init(&csv, in);
    const char **f;
    int n;
    size_t row = 0; /* as a spreadsheet numbers rows: a cell with a line break is still one row */
    bool header = true;
    while ((n = csv_next(&csv, &f)) != 0) {
        row++;
        if (n < 0)
            problem(c->result, row, NULL, "malformed CSV (an unclosed quote or too many columns)");
        else if (header) {
            read_header(c->sheet, c->result, f, n, row);
            header = false;
        } else if (n == 1 && f[0][0] == '\0')
            continue; /* a blank line */
        else if (n != c->sheet->ncolumns)
            problem(c->result, row, NULL, "has %d cells where the header has %d", n, c->sheet->ncolumns);
        else
            check_row(c, f, row);
        if (n < 0)
            break;
    }
    if (header)
        problem(c->result, 1, NULL, "the file has no header row");
    csv_free(&csv);
    fclose(in);
}

int store_registry_import_check(store_t *db, const registry_entity_t *e, const char *text, size_t len,
                                const char *scope, const vault_t *vault, store_csv_result_t *result,
                                store_csv_sheet_t **out)
{
    memset(result, 0, sizeof(*result));
    *out = NULL;
    store_csv_sheet_t *s = calloc(1, sizeof(*s));
    if (s == NULL)
        abort();
    s->e = e;
    s->id_column = -1;
    snprintf(s->scope, sizeof(s->scope), "%s", scope ? scope : "");
    buf_init(&s->text);
    checker_t c = {.db = db, .sheet = s, .result = result, .vault = vault, .known_regions = true};
    buf_init(&c.stations);
    buf_init(&c.seats);
    buf_t utf8;
    buf_init(&utf8);
    /* one read transaction for the whole sheet: one picture of the records, and no lock taken
     * and dropped for every statement */
    bool own_read = !store_in_transaction(db) && store_exec(db, "BEGIN") == STORE_OK;
    if (encoding_to_utf8(text, len, &utf8, &result->encoding) != 0)
        problem(result, 1, NULL, "the file is neither UTF-8 nor GB18030 text");
    else if (utf8.len == 0)
        problem(result, 1, NULL, "the file has no header row");
    else
        check_records(&c, &utf8);
    /* nothing was written: this only ends the read */
    int ended = own_read ? store_exec(db, "ROLLBACK") : STORE_OK;
    buf_free(&utf8);
    buf_free(&c.stations);
    buf_free(&c.seats);
    if (result->nerrors || ended != STORE_OK) {
        store_csv_sheet_free(s);
        return result->nerrors ? STORE_EINVALID : ended;
    }
    s->ids = calloc(s->nrows ? s->nrows : 1, sizeof(*s->ids));
    if (s->ids == NULL)
        abort();
    for (size_t k = 0; k < s->nrows; k++) {
        s->ids[k] = s->rows[k].id;
        s->rows[k].id ? result->updated++ : result->created++;
    }
    *out = s;
    return STORE_OK;
}

/* One prepared row into the database, with its stations and seats; sets *id for a new record. */
static int write_row(store_t *db, const registry_entity_t *e, const row_input_t *in, int64_t now, int64_t *id)
{
    /* new rows are indexed for search together at the end: see store_registry_import_write */
    int rc = in->id ? store_registry_update(db, e, in->id, in->values, now)
                    : store_registry_insert_unindexed(db, e, in->values, now, id);
    if (in->id)
        *id = in->id;
    if (rc == STORE_OK && in->nstations >= 0)
        rc = store_deputy_set_stations(db, *id, in->stations, in->nstations);
    if (rc == STORE_OK && in->nseats >= 0)
        rc = store_deputy_set_seats(db, *id, in->seats, in->nseats);
    return rc;
}

int store_registry_import_write(store_t *db, store_csv_sheet_t *s, int64_t now, store_csv_result_t *result)
{
    const registry_entity_t *e = s->e;
    int64_t last_before = 0;
    if (store_registry_max_id(db, e, &last_before) != STORE_OK) {
        problem(result, 1, NULL, "cannot read %s", e->plural);
        return STORE_EINVALID;
    }
    checker_t c = {.db = db, .sheet = s, .result = result};
    result->created = result->updated = 0;
    for (size_t k = 0; k < s->nrows; k++) {
        row_input_t in;
        restore_row(s, &s->rows[k], &in);
        if (!row_passes(&c, &in, s->rows[k].line) || result->nerrors)
            continue; /* checked on, written no more */
        if (in.id == 0)
            registry_defaults(e, in.values);
        int rc = write_row(db, e, &in, now, &s->ids[k]);
        if (rc != STORE_OK)
            problem(result, s->rows[k].line, NULL, "cannot be written: %s", store_errmsg(db));
        else
            in.id ? result->updated++ : result->created++;
    }
    if (result->nerrors == 0 && store_registry_index_from(db, e, last_before) != STORE_OK)
        problem(result, 1, NULL, "cannot index the new rows for search: %s", store_errmsg(db));
    return result->nerrors ? STORE_EINVALID : STORE_OK;
}

int store_registry_import(store_t *db, const registry_entity_t *e, const char *text, size_t len, const char *scope,
                          const vault_t *vault, store_csv_result_t *result)
{
    store_csv_sheet_t *sheet;
    int rc = store_registry_import_check(db, e, text, len, scope, vault, result, &sheet);
    if (rc == STORE_OK)
        rc = store_registry_import_write(db, sheet, time(NULL), result);
    store_csv_sheet_free(sheet);
    return rc;
}

/* ---- export ---- */

/* The export's statements, made once from the field tables: [entity][by region]. Only the fields
 * a sheet shows are read, so personal data never leaves the database here. */
static char *export_sql[8][2];
static pthread_once_t export_sql_once = PTHREAD_ONCE_INIT;

static void build_export_sql(void)
{
    const registry_entity_t *const *all = registry_entities();
    for (int i = 0; all[i]; i++) {
        if (i >= 8)
            abort(); /* more entities than the table holds: a programming error */
        for (int by_region = 0; by_region < 2; by_region++) {
            buf_t b;
            buf_init(&b);
            buf_adds(&b, "SELECT id");
            for (int k = 0; k < all[i]->nfields; k++)
                if (!all[i]->fields[k].hidden)
                    buf_addf(&b, ", %s", registry_column(&all[i]->fields[k]));
            buf_addf(&b, " FROM %s WHERE deleted_at IS NULL%s ORDER BY id", all[i]->table,
                     by_region ? " AND region_code >= $1 AND region_code < $2" : "");
            export_sql[i][by_region] = buf_detach(&b, NULL);
        }
    }
}

struct store_csv_export {
    store_t *db;
    const registry_entity_t *e;
    store_stmt_t *st; /* open from the first piece to the last: one read of the database */
    bool started;
    buf_t cell;
};

static int add_station(int64_t id, void *arg)
{
    buf_t *cell = arg;
    buf_addf(cell, "%s%lld", cell->len ? ";" : "", (long long)id);
    return 0;
}

static int add_seat(const store_seat_t *seat, void *arg)
{
    buf_t *cell = arg;
    buf_addf(cell, "%s%lld", cell->len ? ";" : "", (long long)seat->congress_id);
    if (seat->district && seat->district[0])
        buf_addf(cell, ":%s", seat->district);
    return 0;
}

/* A deputy's stations and seats, as the sheet's last two cells. */
static int add_links(store_csv_export_t *x, int64_t id, buf_t *out)
{
    buf_reset(&x->cell);
    int rc = store_deputy_stations(x->db, id, add_station, &x->cell);
    buf_addc(out, ',');
    csv_write_cell(out, x->cell.data, 0);
    buf_reset(&x->cell);
    if (rc == STORE_OK)
        rc = store_deputy_seats(x->db, id, add_seat, &x->cell);
    buf_addc(out, ',');
    csv_write_cell(out, x->cell.data, 0);
    return rc;
}

/* The record the statement is on, as one line of the sheet. */
static int add_record(store_csv_export_t *x, buf_t *out)
{
    int64_t id = store_col_int(x->st, 0);
    buf_addf(out, "%lld", (long long)id);
    int col = 1;
    for (int i = 0; i < x->e->nfields; i++) {
        const registry_field_t *f = &x->e->fields[i];
        if (f->hidden)
            continue;
        buf_addc(out, ',');
        if (store_col_null(x->st, col)) {
            col++;
            continue;
        }
        if (f->kind == FIELD_BOOL)
            buf_adds(out, store_col_int(x->st, col) ? "true" : "false");
        else if (f->kind == FIELD_REAL)
            buf_addf(out, "%.7f", store_col_real(x->st, col));
        else {
            const char *text = store_col_text(x->st, col);
            csv_write_cell(out, text, f->kind == FIELD_TEXT);
        }
        col++;
    }
    int rc = is_deputy(x->e) ? add_links(x, id, out) : STORE_OK;
    buf_adds(out, "\r\n");
    return rc;
}

int store_registry_export_open(store_t *db, const registry_entity_t *e, const char *lo, const char *hi,
                               store_csv_export_t **out)
{
    pthread_once(&export_sql_once, build_export_sql);
    int index = 0;
    while (registry_entities()[index] != e)
        index++;
    store_stmt_t *st = store_prepare(db, export_sql[index][lo != NULL]);
    if (st == NULL)
        return STORE_ERR;
    if (lo) {
        store_bind_text(st, 1, lo);
        store_bind_text(st, 2, hi);
    }
    store_csv_export_t *x = calloc(1, sizeof(*x));
    if (x == NULL)
        abort();
    *x = (store_csv_export_t){.db = db, .e = e, .st = st};
    buf_init(&x->cell);
    *out = x;
    return STORE_OK;
}

int store_registry_export_next(store_csv_export_t *x, buf_t *out, size_t want, bool *done)
{
    *done = false;
    if (!x->started) {
        buf_adds(out, "编号");
        for (int i = 0; i < x->e->nfields; i++)
            if (!x->e->fields[i].hidden)
                buf_addf(out, ",%s", x->e->fields[i].label);
        for (int k = 0; is_deputy(x->e) && k < NLINK_COLUMNS; k++)
            buf_addf(out, ",%s", link_columns[k].label);
        buf_adds(out, "\r\n");
        x->started = true;
    }
    int rc = STORE_ROW;
    while (out->len < want && (rc = store_step(x->st)) == STORE_ROW)
        if ((rc = add_record(x, out)) != STORE_OK)
            return rc;
    if (out->len >= want)
        return STORE_OK;
    *done = rc == STORE_DONE;
    return rc == STORE_DONE ? STORE_OK : rc;
}

void store_registry_export_close(store_csv_export_t *x)
{
    if (x == NULL)
        return;
    store_done(x->st);
    buf_free(&x->cell);
    free(x);
}

int store_registry_export(store_t *db, const registry_entity_t *e, const char *lo, const char *hi, buf_t *out)
{
    store_csv_export_t *x = NULL;
    int rc = store_registry_export_open(db, e, lo, hi, &x);
    bool done = false;
    while (rc == STORE_OK && !done)
        rc = store_registry_export_next(x, out, out->len + 65536, &done);
    store_registry_export_close(x);
    return rc;
}
