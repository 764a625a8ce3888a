/*
 * calendar: `liaison calendar import FILE.csv` loads the holidays (法定节假日) and make-up
 * workdays (调休) that deadlines are counted with, and `liaison calendar list` shows them.
 *
 * A file has a header row naming its columns, date,kind,name or 日期,类型,名称 (name is
 * optional), and one row per day: 2026-02-14,workday,春节 or 2026-02-14,班,春节. It may be UTF-8
 * (with or without a byte-order mark) or GB18030, as Excel saves it. Import is all or nothing:
 * every row is checked first, every problem is printed with its line, and only a file without
 * problems replaces the years it names (see store/calendar.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "core/calendar.h"
#include "core/csv.h"
#include "core/encoding.h"
#include "core/utf8.h"
#include "store/audit.h"
#include "store/calendar.h"

enum { COL_DATE, COL_KIND, COL_NAME, NCOLS, NAME_MAX_CHARS = 32, MAX_PRINTED = 100 };

static const struct {
    const char *english, *chinese;
} column_names[NCOLS] = {{"date", "日期"}, {"kind", "类型"}, {"name", "名称"}};

typedef struct {
    const char *path;
    int problems;
    int column_of[NCOLS];       /* the file's column for each of ours, or -1 */
    char header[NCOLS][64];     /* how the file names it, for messages */
    int ncells;                 /* cells in the header row */
    store_calendar_day_t *days; /* owns each name */
    size_t *lines;              /* the line of each day */
    size_t count, cap;
} calendar_file_t;

static void problem(calendar_file_t *f, size_t line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(calendar_file_t *f, size_t line, const char *column, const char *fmt, ...)
{
    if (f->problems++ >= MAX_PRINTED)
        return;
    buf_t message;
    buf_init(&message);
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&message, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s:%zu: %s%s%s\n", f->path, line, column ? column : "", column ? " " : "", message.data);
    buf_free(&message);
}

/* Copies cell without the spaces around it (a hand-typed "2026-02-14, 班") into out, cut between
 * characters when it is longer than cap allows (it is then too long to be right anyway). */
static void trimmed(const char *cell, char *out, size_t cap)
{
    while (*cell == ' ' || *cell == '\t')
        cell++;
    utf8_copy(out, cap, cell);
    size_t n = strlen(out);
    while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        out[--n] = '\0';
}

/* Reads the header row; false when a needed column is missing (rows can't be read then). */
static bool read_header(calendar_file_t *f, const char **cells, int n, size_t line)
{
    f->ncells = n;
    for (int c = 0; c < NCOLS; c++)
        f->column_of[c] = -1;
    for (int i = 0; i < n; i++) {
        char cell[64];
        trimmed(cells[i], cell, sizeof(cell));
        int c = 0;
        while (c < NCOLS && strcasecmp(cell, column_names[c].english) != 0 &&
               strcmp(cell, column_names[c].chinese) != 0)
            c++;
        if (c == NCOLS)
            problem(f, line, cell, "unknown column (expected date,kind,name or 日期,类型,名称)");
        else if (f->column_of[c] >= 0)
            problem(f, line, cell, "the column appears twice");
        else {
            f->column_of[c] = i;
            utf8_copy(f->header[c], sizeof(f->header[c]), cell);
        }
    }
    for (int c = 0; c < COL_NAME; c++)
        if (f->column_of[c] < 0)
            problem(f, line, NULL, "no %s column (%s): expected date,kind,name or 日期,类型,名称",
                    column_names[c].english, column_names[c].chinese);
    return f->column_of[COL_DATE] >= 0 && f->column_of[COL_KIND] >= 0;
}

static void keep_day(calendar_file_t *f, const store_calendar_day_t *d, size_t line)
{
    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->days = realloc(f->days, f->cap * sizeof(*f->days));
        f->lines = realloc(f->lines, f->cap * sizeof(*f->lines));
        if (f->days == NULL || f->lines == NULL)
            abort();
    }
    f->days[f->count] = *d;
    f->lines[f->count++] = line;
}

static void read_row(calendar_file_t *f, const char **cells, size_t line)
{
    char date[64], kind[64], name[256] = "";
    trimmed(cells[f->column_of[COL_DATE]], date, sizeof(date));
    trimmed(cells[f->column_of[COL_KIND]], kind, sizeof(kind));
    if (f->column_of[COL_NAME] >= 0)
        trimmed(cells[f->column_of[COL_NAME]], name, sizeof(name));
    store_calendar_day_t d = {0};
    bool dated = calendar_parse_date(date, &d.day) == 0;
    if (!dated)
        problem(f, line, f->header[COL_DATE], "'%s' is not a date between %d and %d (expected YYYY-MM-DD)", date,
                CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR);
    else
        for (size_t i = 0; i < f->count; i++)
            if (f->days[i].day == d.day)
                problem(f, line, f->header[COL_DATE], "%s is already listed on line %zu", date, f->lines[i]);
    if (calendar_parse_kind(kind, &d.kind) != 0)
        problem(f, line, f->header[COL_KIND], "'%s' is not a kind (expected holiday or 休, workday or 班)", kind);
    if (utf8_chars(name, strlen(name)) > NAME_MAX_CHARS)
        problem(f, line, f->header[COL_NAME], "at most %d characters", NAME_MAX_CHARS);
    if (!dated)
        return;
    /* kept even when its kind or name is wrong, so a later row of the same day is still caught;
     * a file with any problem is never written */
    d.name = strdup(name);
    if (d.name == NULL)
        abort();
    keep_day(f, &d, line);
}

/* Checks every row of the UTF-8 text; the days are kept in f when there is no problem. */
static void read_file(calendar_file_t *f, const buf_t *text)
{
    FILE *in = fmemopen(text->data, text->len, "r");
    if (in == NULL) {
        problem(f, 1, NULL, "cannot be read: %s", strerror(errno));
        return;
    }
    csv_reader_t csv;
    csv_init(&csv, in);
    const char **cells;
    int n;
    size_t line = 0; /* as a spreadsheet numbers rows: a quoted line break stays in its row */
    bool header = true;
    while ((n = csv_next(&csv, &cells)) != 0) {
        line++;
        if (n < 0) {
            problem(f, line, NULL, "malformed CSV (an unclosed quote or too many columns)");
            break;
        }
        if (header) {
            header = false;
            if (!read_header(f, cells, n, line))
                break;
        } else if (n == 1 && cells[0][0] == '\0')
            continue; /* a blank line */
        else if (n != f->ncells)
            problem(f, line, NULL, "has %d cells where the header has %d", n, f->ncells);
        else
            read_row(f, cells, line);
    }
    if (header)
        problem(f, 1, NULL, "the file is empty (expected a header row date,kind,name)");
    else if (f->problems == 0 && f->count == 0)
        problem(f, 2, NULL, "the file lists no days");
    csv_free(&csv);
    fclose(in);
}

static void free_file(calendar_file_t *f)
{
    for (size_t i = 0; i < f->count; i++)
        free((char *)f->days[i].name);
    free(f->days);
    free(f->lines);
}

/* "2026" or "2025, 2026": the years the days name, in order. */
static void years_of(const calendar_file_t *f, buf_t *out)
{
    bool seen[CALENDAR_MAX_YEAR + 1] = {false};
    for (size_t i = 0; i < f->count; i++) {
        int year;
        calendar_day_to_ymd(f->days[i].day, &year, NULL, NULL);
        seen[year] = true;
    }
    for (int y = CALENDAR_MIN_YEAR; y <= CALENDAR_MAX_YEAR; y++)
        if (seen[y])
            buf_addf(out, "%s%d", out->len ? ", " : "", y);
}

/* Replaces the years of the file with its days, with an audit entry, in one transaction. */
static int store_days(const cli_spec_t *spec, store_t *db, const calendar_file_t *f, const char *years,
                      const char *encoding)
{
    int removed = 0;
    int rc = store_begin(db);
    if (rc == STORE_OK)
        rc = store_calendar_replace(db, f->days, f->count, &removed);
    if (rc == STORE_OK) {
        char detail[200];
        snprintf(detail, sizeof(detail), "%zu days for %s, %d replaced", f->count, years, removed);
        store_audit_t a = {
            .at = time(NULL), .actor = "cli", .action = "calendar.import", .entity = "calendar", .detail = detail};
        rc = store_audit_append(db, &a);
    }
    if (rc == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK) {
        cli_error(spec, "%s; nothing was imported", store_errmsg(db));
        store_rollback(db);
        return CLI_FAIL;
    }
    printf("imported %zu days for %s (%s); %d stored days of %s replaced\n", f->count, years, encoding, removed,
           strchr(years, ',') ? "those years" : "that year");
    return CLI_OK;
}

static int read_whole_file(const cli_spec_t *spec, const char *path, buf_t *out)
{
    FILE *in = fopen(path, "rb");
    if (in == NULL) {
        cli_error(spec, "%s: %s", path, strerror(errno));
        return -1;
    }
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
        buf_add(out, chunk, n);
    bool failed = ferror(in);
    fclose(in);
    if (failed)
        cli_error(spec, "%s: cannot be read", path);
    return failed ? -1 : 0;
}

static int calendar_import(int argc, char **argv)
{
    cli_spec_t spec = {"calendar import",
                       "calendar import FILE.csv [--db FILE]",
                       "Loads the holidays (法定节假日) and make-up workdays (调休) that deadlines are counted\n"
                       "with. The CSV file has a header row date,kind,name (or 日期,类型,名称) and one row per\n"
                       "day, e.g. 2026-02-14,workday,春节 or 2026-02-16,休,春节; kind is holiday or 休 for a\n"
                       "day off, workday or 班 for a weekend day worked. UTF-8 (with or without a byte-order\n"
                       "mark) or GB18030. Every year the file names is replaced by the file's days; nothing is\n"
                       "written when any row is wrong, and each wrong row is printed with its line.",
                       NULL,
                       false,
                       1,
                       0};
    cli_args_t args;
    store_t *db;
    int status;
    if (!cli_begin(&spec, argc, argv, &args, &db, &status))
        return status;
    const char *path = args.positional[0];
    buf_t raw, text;
    buf_init(&raw);
    buf_init(&text);
    calendar_file_t f = {.path = path};
    const char *encoding = NULL;
    status = CLI_FAIL;
    if (read_whole_file(&spec, path, &raw) == 0) {
        if (encoding_to_utf8(raw.data, raw.len, &text, &encoding) != 0)
            problem(&f, 1, NULL, "the file is neither UTF-8 nor GB18030 text");
        else
            read_file(&f, &text);
        if (f.problems) {
            if (f.problems > MAX_PRINTED)
                fprintf(stderr, "... and %d more\n", f.problems - MAX_PRINTED);
            fprintf(stderr, "liaison calendar import: %d problem%s; nothing was imported\n", f.problems,
                    f.problems == 1 ? "" : "s");
        } else {
            buf_t years;
            buf_init(&years);
            years_of(&f, &years);
            status = store_days(&spec, db, &f, years.data, encoding);
            buf_free(&years);
        }
    }
    free_file(&f);
    buf_free(&raw);
    buf_free(&text);
    store_close(db);
    return status;
}

static int print_day(const store_calendar_day_t *d, void *arg)
{
    static const char *const weekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    int *count = arg;
    char date[11];
    calendar_format_date(d->day, date);
    printf("%s  %s  %-7s  %s\n", date, weekdays[calendar_weekday(d->day) - 1], calendar_kind_name(d->kind), d->name);
    (*count)++;
    return 0;
}

static int calendar_list(int argc, char **argv)
{
    cli_flag_t flags[] = {
        {"year", "YYYY", "only the days of this year", NULL},
        {NULL, NULL, NULL, NULL},
    };
    cli_spec_t spec = {"calendar list",
                       "calendar list [--year YYYY] [--db FILE]",
                       "Prints the listed days, oldest first: date, weekday, holiday or workday, and name.\n"
                       "Days not listed follow the week: Monday to Friday are working days.",
                       flags,
                       false,
                       0,
                       0};
    cli_args_t args;
    int status;
    if (cli_parse(&spec, argc, argv, &args, &status) != CLI_OK)
        return status;
    int year = 0;
    const char *y = flags[0].value;
    if (y && (strlen(y) != 4 || strspn(y, "0123456789") != 4 || (year = atoi(y)) < CALENDAR_MIN_YEAR)) {
        cli_error(&spec, "--year: expected a year like 2026, got '%s'", y);
        return CLI_USAGE;
    }
    store_t *db;
    if ((status = cli_open_db(&spec, &args.cfg, &db)) != CLI_OK)
        return status;
    int count = 0;
    int rc = store_calendar_each(db, year, print_day, &count);
    store_close(db);
    if (rc != STORE_OK) {
        cli_error(&spec, "cannot read the calendar");
        return CLI_FAIL;
    }
    if (count == 0)
        fprintf(stderr, "no days listed%s%s (load them with liaison calendar import FILE.csv)\n", y ? " for " : "",
                y ? y : "");
    return CLI_OK;
}

int cli_calendar(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {{"import", calendar_import}, {"list", calendar_list}};
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        FILE *out = argc < 1 ? stderr : stdout;
        fprintf(out, "usage: liaison calendar import|list [options]\n\n"
                     "The working-day calendar: holidays and make-up workdays that deadlines skip and count.\n"
                     "liaison calendar SUBCOMMAND --help shows its options.\n");
        return argc < 1 ? CLI_USAGE : CLI_OK;
    }
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
        if (strcmp(argv[0], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "liaison calendar: unknown subcommand '%s' (see liaison calendar --help)\n", argv[0]);
    return CLI_USAGE;
}
